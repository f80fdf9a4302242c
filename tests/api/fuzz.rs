//! Fuzzing every operation of every vendor over HTTP: requests built from each operation's
//! request contract, then mutated (fields dropped, added and retyped, deep nesting, huge strings,
//! bad UTF-8, wrong content types, duplicate and absurd headers, unknown paths and methods,
//! truncated bodies). Every answer must be the vendor's own envelope, valid against the
//! operation's success or error contract, and never a 5xx; the server must never panic.
//!
//! CI runs `FUZZ_CASES` (default 20,000) cases; the long run is
//! `FUZZ_CASES=1000000 cargo test --release --test api fuzz -- --nocapture`.

use std::collections::HashMap;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config as PropConfig, TestRunner};
use serde_json::{json, Map, Value};

use crate::support::auth::vendor_credentials;
use crate::support::props::shared;

struct Op {
    vendor: String,
    id: String,
    method: String,
    path: String,
    request: Option<Value>,
    response: Option<jsonschema::Validator>,
    error: jsonschema::Validator,
    /// An operation's own error envelope (`<id>.error.response.json`: Salesforce's OAuth token
    /// endpoint), accepted beside the vendor's.
    own_error: Option<jsonschema::Validator>,
}

fn load_ops(catalogue: &Value) -> Vec<Op> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts");
    let read = |vendor: &str, file: &str| -> Option<Value> {
        std::fs::read_to_string(root.join(vendor).join(file))
            .ok()
            .map(|t| serde_json::from_str(&t).unwrap())
    };
    let compile = |v: &Value| {
        jsonschema::options()
            .should_validate_formats(true)
            .build(v)
            .unwrap()
    };
    let mut errors: HashMap<String, Value> = HashMap::new();
    catalogue["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let vendor = o["vendor"].as_str().unwrap().to_owned();
            let id = o["id"].as_str().unwrap().to_owned();
            let error = errors
                .entry(vendor.clone())
                .or_insert_with(|| {
                    read(&vendor, "error.response.json")
                        .unwrap_or_else(|| panic!("{vendor} has no error contract"))
                })
                .clone();
            Op {
                request: read(&vendor, &format!("{id}.request.json")),
                response: read(&vendor, &format!("{id}.response.json")).map(|v| compile(&v)),
                error: compile(&error),
                own_error: read(&vendor, &format!("{id}.error.response.json")).map(|v| compile(&v)),
                method: o["method"].as_str().unwrap().to_owned(),
                path: o["path"].as_str().unwrap().to_owned(),
                vendor,
                id,
            }
        })
        .collect()
}

/// A value the schema accepts, as plain as possible (required fields only, first enum value...).
fn example(schema: &Value, defs: &Value, depth: usize) -> Value {
    if depth > 12 {
        return Value::Null;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or("");
        return example(&defs[name], defs, depth + 1);
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    if let Some(e) = schema["enum"].as_array().and_then(|e| e.first()) {
        return e.clone();
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(first) = schema[key].as_array().and_then(|a| a.first()) {
            return example(first, defs, depth + 1);
        }
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "string",
    };
    match ty {
        "object" => {
            let mut out = Map::new();
            let props = schema["properties"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            for name in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                out.insert(
                    name.to_owned(),
                    example(props.get(name).unwrap_or(&Value::Null), defs, depth + 1),
                );
            }
            Value::Object(out)
        }
        "array" => {
            let min = schema["minItems"].as_u64().unwrap_or(0).max(1) as usize;
            Value::Array(
                (0..min)
                    .map(|_| example(&schema["items"], defs, depth + 1))
                    .collect(),
            )
        }
        "integer" => json!(schema["minimum"].as_i64().unwrap_or(1).max(1)),
        "number" => json!(1.5),
        "boolean" => json!(true),
        "null" => Value::Null,
        _ => match schema["format"].as_str() {
            Some("date-time") => json!("2026-03-01T10:00:00Z"),
            Some("date") => json!("2026-03-01"),
            Some("uuid") => json!("3f2b6a4e-8d1c-4e6b-9a7f-2c5d8e1f0a3b"),
            Some("email") => json!("fuzz@example.com"),
            Some("uri") => json!("https://example.com/x"),
            _ => json!("x".repeat(schema["minLength"].as_u64().unwrap_or(1).max(1) as usize)),
        },
    }
}

/// One way to break a request.
#[derive(Debug, Clone)]
enum Mutation {
    None,
    DropField(usize),
    AddField(String, Value),
    Retype(usize, Value),
    DeepNesting(usize),
    HugeString(usize),
    BadUtf8,
    Truncate(usize),
    ContentType(&'static str),
    NoCredentials,
    DuplicateCredentials,
    AbsurdHeader(usize),
    UnknownPath(String),
    WrongMethod(&'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let scalar = prop_oneof![
        Just(json!(null)),
        Just(json!(true)),
        Just(json!(-1)),
        Just(json!(1e308)),
        Just(json!("")),
        Just(json!([])),
        Just(json!({})),
        ".{0,12}".prop_map(Value::String)
    ];
    prop_oneof![
        2 => Just(Mutation::None),
        2 => (0usize..8).prop_map(Mutation::DropField),
        2 => ("[a-zA-Z_]{1,12}", scalar.clone()).prop_map(|(k, v)| Mutation::AddField(k, v)),
        3 => (0usize..8, scalar).prop_map(|(i, v)| Mutation::Retype(i, v)),
        1 => (10usize..300).prop_map(Mutation::DeepNesting),
        1 => (1_000usize..200_000).prop_map(Mutation::HugeString),
        1 => Just(Mutation::BadUtf8),
        1 => (0usize..64).prop_map(Mutation::Truncate),
        1 => prop_oneof![Just("text/plain"), Just("application/xml"), Just("multipart/form-data"), Just("application/json; charset=latin1"), Just("")].prop_map(Mutation::ContentType),
        1 => Just(Mutation::NoCredentials),
        1 => Just(Mutation::DuplicateCredentials),
        1 => (100usize..7_000).prop_map(Mutation::AbsurdHeader),
        1 => "[a-zA-Z0-9_~-][a-zA-Z0-9._~-]{0,19}".prop_map(Mutation::UnknownPath),
        1 => prop_oneof![Just("PUT"), Just("PATCH"), Just("DELETE"), Just("OPTIONS"), Just("GET"), Just("POST")].prop_map(Mutation::WrongMethod),
    ]
}

fn fill_path(path: &str, token: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{version}" => "v63.0".to_owned(),
            s if s.starts_with('{') => format!("fuzz-{token}"),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

/// Fuzzing threads; each runs its share of the cases with its own seed.
const THREADS: u32 = 4;

#[test]
fn every_operation_answers_its_vendors_envelope_under_mutation() {
    let sh = shared();
    let catalogue = sh.runtime.block_on(sh.server.admin_get("/operations")).json;
    let ops = load_ops(&catalogue);
    assert!(!ops.is_empty());
    let counts = std::sync::Mutex::new(HashMap::<u16, u64>::new());
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let (ops, counts) = (&ops, &counts);
            scope.spawn(move || fuzz(ops, counts, cases() / THREADS, thread));
        }
    });
    eprintln!(
        "fuzz: {} cases over {} operations; statuses {:?}",
        cases(),
        ops.len(),
        counts.lock().unwrap()
    );
}

fn fuzz(ops: &[Op], counts: &std::sync::Mutex<HashMap<u16, u64>>, cases: u32, thread: u32) {
    let sh = shared();
    let http = sh.server.http.clone();
    let base = sh.server.sim.base_url();
    let seed: Vec<u8> = (0..32u8)
        .map(|i| i.wrapping_mul(31).wrapping_add(thread as u8))
        .collect();
    let rng = proptest::test_runner::TestRng::from_seed(
        proptest::test_runner::RngAlgorithm::ChaCha,
        &seed,
    );
    let mut runner = TestRunner::new_with_rng(
        PropConfig {
            cases,
            failure_persistence: None,
            ..PropConfig::default()
        },
        rng,
    );
    let strategy = (0..ops.len(), mutation(), 0u32..4);
    runner
        .run(&strategy, |(index, m, tenant)| {
            let op = &ops[index];
            let token = format!("fuzz-{tenant}");
            let mut body = op
                .request
                .as_ref()
                .map(|s| example(s, &s["$defs"], 0))
                .unwrap_or(Value::Null);
            let mut method = op.method.clone();
            let mut path = fill_path(&op.path, &token);
            let mut content_type = Some("application/json".to_owned());
            let mut headers = vendor_credentials(&op.vendor, "fuzz-key", &token);
            let mut raw: Option<Vec<u8>> = None;
            let keys: Vec<String> = body
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            match &m {
                Mutation::None => {}
                Mutation::DropField(i) => {
                    if let (Some(o), Some(k)) =
                        (body.as_object_mut(), keys.get(i % keys.len().max(1)))
                    {
                        o.remove(k);
                    }
                }
                Mutation::AddField(k, v) => {
                    if let Some(o) = body.as_object_mut() {
                        o.insert(k.clone(), v.clone());
                    }
                }
                Mutation::Retype(i, v) => {
                    match (body.as_object_mut(), keys.get(i % keys.len().max(1))) {
                        (Some(o), Some(k)) => {
                            o.insert(k.clone(), v.clone());
                        }
                        _ => body = v.clone(),
                    }
                }
                Mutation::DeepNesting(d) => {
                    raw = Some(
                        format!("{{\"a\":{}1{}}}", "[".repeat(*d), "]".repeat(*d)).into_bytes(),
                    )
                }
                Mutation::HugeString(n) => {
                    if let Some(o) = body.as_object_mut() {
                        o.insert(
                            keys.first().cloned().unwrap_or("x".into()),
                            json!("y".repeat(*n)),
                        );
                    }
                }
                Mutation::BadUtf8 => {
                    raw = Some(vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'])
                }
                Mutation::Truncate(n) => {
                    let text = body.to_string();
                    raw = Some(text.as_bytes()[..(*n).min(text.len())].to_vec());
                }
                Mutation::ContentType(ct) => content_type = Some((*ct).to_owned()),
                Mutation::NoCredentials => headers.clear(),
                Mutation::DuplicateCredentials => {
                    let extra = headers.clone();
                    headers.extend(extra.into_iter().map(|(k, v)| (k, format!("{v}-twin"))));
                }
                Mutation::AbsurdHeader(n) => headers.push(("X-Absurd", "z".repeat(*n))),
                Mutation::UnknownPath(seg) => path = format!("/{}/{seg}", op.vendor),
                Mutation::WrongMethod(mth) => method = (*mth).to_owned(),
            }
            let bytes = raw.unwrap_or_else(|| {
                if body.is_null() {
                    Vec::new()
                } else {
                    serde_json::to_vec(&body).unwrap()
                }
            });
            let (status, text) = sh.runtime.block_on(async {
                let mut req = http.request(
                    reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                    format!("{base}{path}"),
                );
                for (k, v) in &headers {
                    req = req.header(*k, v);
                }
                if method != "GET" && method != "HEAD" {
                    if let Some(ct) = &content_type {
                        req = req.header("Content-Type", ct);
                    }
                    req = req.body(bytes.clone());
                }
                let res = req.send().await.expect("the server answers every request");
                (res.status().as_u16(), res.text().await.unwrap_or_default())
            });
            *counts.lock().unwrap().entry(status).or_default() += 1;
            prop_assert!(
                status < 500,
                "{} {} {method} {path} {m:?} -> {status}: {text}",
                op.vendor,
                op.id
            );
            if method == "HEAD" || status == 204 || text.is_empty() {
                return Ok(());
            }
            if op.path.contains("/mcp/") {
                // The MCP transport: protocol failures are JSON-RPC errors, answers may be SSE.
                if status >= 400 {
                    let json: Value = serde_json::from_str(&text).map_err(|e| {
                        TestCaseError::fail(format!(
                            "{} {}: not JSON ({e}): {text}",
                            op.vendor, op.id
                        ))
                    })?;
                    let jsonrpc = json["jsonrpc"] == "2.0"
                        && json["error"]["code"].is_i64()
                        && json["error"]["message"].is_string();
                    prop_assert!(
                        jsonrpc || op.error.is_valid(&json),
                        "{} {} {m:?} -> {status}: neither JSON-RPC nor Seismic error: {text}",
                        op.vendor,
                        op.id
                    );
                }
                return Ok(());
            }
            let json: Value = serde_json::from_str(&text).map_err(|e| {
                TestCaseError::fail(format!("{} {}: not JSON ({e}): {text}", op.vendor, op.id))
            })?;
            let same_op = matches!(
                m,
                Mutation::None
                    | Mutation::DropField(_)
                    | Mutation::AddField(..)
                    | Mutation::Retype(..)
                    | Mutation::HugeString(_)
                    | Mutation::DuplicateCredentials
                    | Mutation::AbsurdHeader(_)
            );
            let validator = if status >= 400 {
                Some(&op.error)
            } else if same_op {
                op.response.as_ref()
            } else {
                None
            };
            let own_error =
                status >= 400 && op.own_error.as_ref().is_some_and(|v| v.is_valid(&json));
            if let Some(v) = validator.filter(|_| !own_error) {
                let errs: Vec<String> = v
                    .iter_errors(&json)
                    .map(|e| format!("{e} at {}", e.instance_path().as_str()))
                    .collect();
                prop_assert!(
                    errs.is_empty(),
                    "{} {} {m:?} -> {status}: breaks its contract: {errs:?}\n{text}",
                    op.vendor,
                    op.id
                );
            }
            Ok(())
        })
        .unwrap();
}
