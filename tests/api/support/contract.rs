//! Checks of response bodies against the JSON Schemas under `contracts/`.

use serde_json::Value;

/// The generic error kinds every vendor renders in its own envelope (INTERFACE.md section 5).
pub const GENERIC_KINDS: [&str; 8] = [
    "bad_request",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "rate_limited",
    "server_error",
    "unavailable",
];

/// Asserts that `body` validates against `contracts/<vendor>/<file>`.
pub fn assert_contract(vendor: &str, file: &str, body: &Value) {
    let path = format!("{}/contracts/{vendor}/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let validator =
        engagement_sim::contract::compile_schema(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path().as_str()))
        .collect();
    assert!(
        errors.is_empty(),
        "response breaks {vendor}/{file}: {errors:#?}\nbody: {body:#}"
    );
}
