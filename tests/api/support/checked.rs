//! Every answer a test receives from a vendor path is checked against its response contract: the
//! operation the simulator served is found through the same registry the simulator routes with,
//! and the body is validated against `contracts/<vendor>/<operation>.response.json` (2xx) or the
//! vendor's error contract (4xx/5xx). A test that scripts raw answers opts out on its server.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use engagement_sim::registry::{Registry, Routed};
use engagement_sim::Config;
use jsonschema::Validator;
use serde_json::Value;

/// With `CONTRACT_CHECK_LOG=<file>`, each checked answer appends one line (vendor, operation
/// file, status) to that file, so a full run can be counted.
fn log_checked(vendor: &str, file: &str, status: u16) {
    use std::io::Write;
    if let Ok(path) = std::env::var("CONTRACT_CHECK_LOG") {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{vendor} {file} {status}");
        }
    }
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let settings = Config::default().vendor_settings(0);
        Registry::new(engagement_sim::vendors::registry(&settings)).expect("registry builds")
    })
}

/// The compiled schema of `contracts/<vendor>/<file>`, or `None` when there is no such file.
/// Each file is read and compiled once per test binary.
fn schema(vendor: &str, file: &str) -> Option<Arc<Validator>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Arc<Validator>>>>> = OnceLock::new();
    let key = format!("{vendor}/{file}");
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().unwrap().get(&key) {
        return found.clone();
    }
    let path = format!("{}/contracts/{key}", env!("CARGO_MANIFEST_DIR"));
    let compiled = std::fs::read_to_string(&path).ok().map(|text| {
        Arc::new(
            engagement_sim::contract::compile_schema(&text)
                .unwrap_or_else(|e| panic!("{path}: {e}")),
        )
    });
    cache.lock().unwrap().insert(key, compiled.clone());
    compiled
}

/// The vendor and the path below its prefix that `url` names: on the main port by prefix, on a
/// vendor's own port as is.
fn vendor_and_path(
    url: &reqwest::Url,
    main: SocketAddr,
    own_ports: &[(String, SocketAddr)],
) -> Option<(usize, String)> {
    let port = url.port_or_known_default()?;
    let reg = registry();
    if port == main.port() {
        let (index, rest) = reg.by_prefix(url.path())?;
        return Some((index, format!("/{}", rest.trim_start_matches('/'))));
    }
    let (name, _) = own_ports.iter().find(|(_, a)| a.port() == port)?;
    Some((reg.index_of(name)?, url.path().to_owned()))
}

/// Whether the vendor answers this path with something other than JSON (SOAP XML, CSV, MCP's
/// server-sent events), judged by the answer's media type.
fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|t| {
        let t = t.split(';').next().unwrap_or("").trim();
        t == "application/json" || t.ends_with("+json")
    })
}

/// Checks one answer; panics with the JSON pointer of each failure and the body.
#[allow(clippy::too_many_arguments)]
pub fn check_answer(
    method: &reqwest::Method,
    url: &reqwest::Url,
    main: SocketAddr,
    own_ports: &[(String, SocketAddr)],
    status: u16,
    content_type: Option<&str>,
    text: &str,
) {
    if !(200..300).contains(&status) && !(400..600).contains(&status) {
        return;
    }
    let Some((vendor_index, path)) = vendor_and_path(url, main, own_ports) else {
        return;
    };
    if text.is_empty() || !is_json(content_type) {
        return;
    }
    let reg = registry();
    let vendor = reg.get(vendor_index).name();
    // A path where several operations share one method is a vendor's own transport (Seismic's
    // MCP endpoint, JSON-RPC over streamable HTTP): its answers are JSON-RPC messages, not the
    // vendor's REST envelopes, and which operation ran is in the body, not the path.
    let sharing: Vec<_> = reg
        .operations(vendor_index)
        .iter()
        .filter(|op| op.path == path)
        .collect();
    if sharing.len() > 1 && sharing.iter().all(|op| op.method == sharing[0].method) {
        return;
    }
    let method = axum::http::Method::from_bytes(method.as_str().as_bytes()).expect("method");
    let operation = match reg.find(vendor_index, &method, &path) {
        Routed::Operation { operation, .. } => Some(operation.id),
        _ => None,
    };
    let file = if (200..300).contains(&status) {
        let Some(id) = operation else { return };
        // A contract shared by a resource's operations that answer one record of it (Seismic's
        // `dsr.response.json` for `dsr.create` and `dsr.get`) is named after the resource.
        let resource = id.split('.').next().unwrap_or(id);
        [
            format!("{id}.response.json"),
            format!("{resource}.response.json"),
        ]
        .into_iter()
        .find(|f| schema(vendor, f).is_some())
        .unwrap_or_default()
    } else {
        operation
            .map(|id| format!("{id}.error.response.json"))
            .filter(|f| schema(vendor, f).is_some())
            .unwrap_or_else(|| "error.response.json".to_owned())
    };
    let Some(validator) = schema(vendor, &file) else {
        return;
    };
    let body: Value = serde_json::from_str(text).unwrap_or_else(|e| {
        panic!("{method} {path} ({vendor}) answered {status} with a JSON media type but no JSON ({e}): {text}")
    });
    log_checked(vendor, &file, status);
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|e| format!("at {:?}: {e}", e.instance_path().as_str()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} answered {status}, which breaks contracts/{vendor}/{file}:\n{}\nbody: {body:#}",
        errors.join("\n")
    );
}
