//! `engagement-sim drift VENDOR --upstream URL --token T`: each operation's documented example
//! (the `examples` of its request contract under `contracts/`) sent to a live vendor, and each
//! answer checked against our response contracts: a 2xx against the operation's, any other
//! status against the vendor's error envelope. One line per difference, so contract drift shows
//! the day it happens.
//!
//! An operation is sent once, in the first form its table lists with a body example (DevRev's
//! POST form over its query form); a GET without one is sent bare when its path has no parameter.
//! The rest are skipped and named on stderr.

use std::process::ExitCode;
use std::time::Duration;

use axum::http::Method;
use serde_json::Value;

use crate::vendor::{Operation, Vendor};

/// What `drift` was asked.
pub struct Args {
    pub vendor: String,
    pub upstream: String,
    pub token: String,
    /// Extra headers (`X-Account-Token: ...` for Merge).
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
}

/// One place where the vendor's answer and our contract disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub operation: &'static str,
    /// JSON pointer into the answer body (empty: the answer as a whole).
    pub pointer: String,
    pub what: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(f, "{} {at}: {}", self.operation, self.what)
    }
}

/// The call that stands for `op`: its method, path and body (`None`: sent without one).
fn example(op: &Operation) -> Option<Option<Value>> {
    let schema: Option<Value> = op.request_schema.and_then(|s| serde_json::from_str(s).ok());
    let body = schema.and_then(|s| s.get("examples")?.as_array()?.first().cloned());
    match body {
        Some(b) if op.method != Method::GET => Some(Some(b)),
        _ if op.method == Method::GET && !op.path.contains('{') => Some(None),
        _ => None,
    }
}

/// One call per operation id: the first row with a body example, else a bare GET.
fn calls(vendor: &dyn Vendor) -> (Vec<(&'static Operation, Option<Value>)>, Vec<&'static str>) {
    let ops = vendor.operations();
    let mut ids: Vec<&'static str> = Vec::new();
    for op in &ops {
        if !ids.contains(&op.id) {
            ids.push(op.id);
        }
    }
    let (mut chosen, mut skipped) = (Vec::new(), Vec::new());
    for id in ids {
        let rows = ops.iter().filter(|o| o.id == id);
        let with_body = rows.clone().find_map(|o| match example(o) {
            Some(Some(b)) => Some((*o, Some(b))),
            _ => None,
        });
        match with_body.or_else(|| rows.clone().find_map(|o| example(o).map(|_| (*o, None)))) {
            Some(call) => chosen.push(call),
            None => skipped.push(id),
        }
    }
    (chosen, skipped)
}

/// Where `body` breaks the contract `schema` (JSON Schema text), one difference per error.
pub fn check(operation: &'static str, schema: &str, body: &Value) -> Vec<Difference> {
    let validator = match crate::contract::compile_schema(schema) {
        Ok(v) => v,
        Err(e) => {
            return vec![Difference {
                operation,
                pointer: String::new(),
                what: format!("our contract does not compile: {e}"),
            }]
        }
    };
    validator
        .iter_errors(body)
        .map(|e| Difference {
            operation,
            pointer: e.instance_path().as_str().to_owned(),
            what: e.to_string(),
        })
        .collect()
}

async fn send(
    http: &reqwest::Client,
    args: &Args,
    vendor: &dyn Vendor,
    op: &'static Operation,
    body: Option<Value>,
) -> Vec<Difference> {
    let url = format!("{}{}", args.upstream.trim_end_matches('/'), op.path);
    let mut req = http
        .request(op.method.clone(), &url)
        .bearer_auth(&args.token)
        .timeout(args.timeout);
    for (name, value) in &args.headers {
        req = req.header(name, value);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let whole = |what: String| {
        vec![Difference {
            operation: op.id,
            pointer: String::new(),
            what,
        }]
    };
    let res = match req.send().await {
        Ok(r) => r,
        Err(e) => return whole(format!("{} {url} was not answered: {e}", op.method)),
    };
    let status = res.status();
    let text = res.bytes().await.unwrap_or_default();
    let contract = if status.is_success() { op.id } else { "error" };
    let Some(schema) = crate::openapi::response_contract(vendor.name(), contract) else {
        return Vec::new();
    };
    match serde_json::from_slice::<Value>(&text) {
        Ok(body) => check(op.id, schema, &body),
        Err(_) => whole(format!("status {status}: the answer is not JSON")),
    }
}

/// Runs the command: prints each difference on stdout; exit 1 on any (or on a usage error).
pub fn command(args: Args) -> ExitCode {
    let state = match crate::state::AppState::new(crate::Config::ephemeral()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(vendor) = state.registry.by_name(&args.vendor) else {
        eprintln!(
            "error: unknown vendor '{}'; vendors: {}",
            args.vendor,
            state.registry.names().join(", ")
        );
        return ExitCode::FAILURE;
    };
    let (chosen, skipped) = calls(vendor);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let http = crate::proxy::upstream_client()
        .build()
        .unwrap_or_else(|_| reqwest::Client::new());
    let mut differences = Vec::new();
    runtime.block_on(async {
        for (op, body) in chosen.iter().cloned() {
            differences.extend(send(&http, &args, vendor, op, body).await);
        }
    });
    for d in &differences {
        println!("{d}");
    }
    if !skipped.is_empty() {
        eprintln!("drift: skipped (no example): {}", skipped.join(", "));
    }
    eprintln!(
        "drift: {} operations sent, {} differences",
        chosen.len(),
        differences.len()
    );
    if differences.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
