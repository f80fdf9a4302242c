//! `--record DIR`: each forwarded exchange written as a stub file (a scenario document with one
//! stub, the format of [`crate::stub::model`]) so `--stubs DIR` replays the session offline.
//!
//! What is masked, as `****`: every credential the caller sent (the values of `Authorization`,
//! `X-Account-Token`, `Cookie`, and of any header whose name holds `token`, `key`, `secret`,
//! `session` or `auth`) wherever it reappears in the answer, since in this simulator and at the
//! vendors the credential is what names the tenant; answer headers of those names and
//! `Set-Cookie`; and string fields of the answer body whose name holds `token`, `secret`,
//! `password` or ends in `key`. Tenant-identifying ids are masked where their format says so: a
//! DevRev DON's dev org (`devo/…` becomes `devo/0`, the simulator's own) and a Salesforce
//! organization id (`00D…` becomes `00D000000000000AAA`).
//!
//! Paths are kept literal: an id in a path is not turned into a `{param}`, since a parameter would
//! answer every id with the one record seen. One file per method and path: a later exchange on the
//! same call replaces the earlier one, so the replay answers what the vendor answered last.
//! Queries are not part of a stub's match, so two queries of one path share one file.

use std::path::Path;

use axum::http::{HeaderMap, Method};
use serde_json::Value;

use crate::stub::model::Stub;
use crate::vendor::Reply;

const MASK: &str = "****";

fn secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "key", "secret", "session", "auth", "cookie"]
        .iter()
        .any(|w| name.contains(w))
}

fn secret_field(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "secret", "password", "authorization"]
        .iter()
        .any(|w| name.contains(w))
        || name.ends_with("key")
}

/// The credential values the caller sent, longest first so a token inside `Bearer token` goes too.
fn credentials(request: &HeaderMap) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (name, value) in request {
        if !secret_header(name.as_str()) {
            continue;
        }
        let Ok(text) = value.to_str() else { continue };
        found.push(text.to_owned());
        if let Some((_, rest)) = text.split_once(' ') {
            found.push(rest.trim().to_owned());
        }
        for part in text.split(';') {
            if let Some((_, v)) = part.split_once('=') {
                found.push(v.trim().to_owned());
            }
        }
    }
    // Short values (`1`, `yes`) would mask unrelated text.
    found.retain(|v| v.len() >= 6);
    found.sort_by_key(|v| std::cmp::Reverse(v.len()));
    found.dedup();
    found
}

fn mask_text(text: &str, secrets: &[String]) -> String {
    let text = secrets
        .iter()
        .fold(text.to_owned(), |t, s| t.replace(s.as_str(), MASK));
    mask_salesforce_org(&mask_devrev_org(&text))
}

/// A DevRev DON names the dev org (`devo/1a2B3c`); it becomes `devo/0`, the simulator's own.
fn mask_devrev_org(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("devo/") {
        out.push_str(&rest[..at + 5]);
        rest = &rest[at + 5..];
        let end = rest.find([':', '/', '"', ' ']).unwrap_or(rest.len());
        out.push('0');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A Salesforce organization id (key prefix `00D`, 15 or 18 characters) names the org.
fn mask_salesforce_org(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.starts_with("00D") && (word.len() == 15 || word.len() == 18) {
            out.push_str(&"00D000000000000AAA"[..word.len()]);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn mask_value(value: &mut Value, secrets: &[String]) {
    match value {
        Value::String(s) => *s = mask_text(s, secrets),
        Value::Array(items) => items.iter_mut().for_each(|v| mask_value(v, secrets)),
        Value::Object(fields) => {
            for (name, v) in fields.iter_mut() {
                if secret_field(name) && v.is_string() {
                    *v = Value::String(MASK.to_owned());
                } else {
                    mask_value(v, secrets);
                }
            }
        }
        _ => {}
    }
}

fn holds_template(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains("{{"),
        Value::Array(items) => items.iter().any(holds_template),
        Value::Object(fields) => fields.values().any(holds_template),
        _ => false,
    }
}

/// The stub that answers `method rest` as `reply` did, credentials masked; `None` when the answer
/// cannot be replayed as written (a body holding `{{`, which a stub would read as a template).
pub fn stub_of(
    vendor: &str,
    method: &Method,
    rest: &str,
    request: &HeaderMap,
    reply: &Reply,
) -> Option<Stub> {
    let secrets = credentials(request);
    let mut headers = std::collections::BTreeMap::new();
    for (name, value) in &reply.headers {
        let name = name.as_str();
        // The date is the replay's own; the length follows the body.
        if name == "date" || name == "content-length" {
            continue;
        }
        let text = if secret_header(name) {
            MASK.to_owned()
        } else {
            mask_text(&String::from_utf8_lossy(value.as_bytes()), &secrets)
        };
        headers.insert(name.to_owned(), text);
    }
    let mut body = if reply.body.is_empty() {
        None
    } else {
        Some(
            serde_json::from_slice::<Value>(&reply.body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&reply.body).into())),
        )
    };
    if let Some(b) = &mut body {
        mask_value(b, &secrets);
    }
    let stub = Stub {
        // `recorded.post_accounts.create`: the journal and scenario rules tell recorded calls apart.
        id: format!(
            "recorded.{}",
            file_name(vendor, method, rest)
                .trim_start_matches(vendor)
                .trim_start_matches('-')
                .trim_end_matches(".yaml")
        ),
        vendor: vendor.to_owned(),
        method: method.to_string(),
        path: rest.to_owned(),
        summary: Some(format!("recorded from the vendor: {method} {rest}")),
        status: reply.status.as_u16(),
        headers,
        body,
        store: None,
    };
    let templated = stub.body.as_ref().is_some_and(holds_template)
        || stub.headers.values().any(|h| h.contains("{{"));
    (!templated).then_some(stub)
}

/// The file a stub for `method rest` of `vendor` is kept in: one per call, a readable name.
pub fn file_name(vendor: &str, method: &Method, rest: &str) -> String {
    let slug: String = rest
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "{vendor}-{}{}.yaml",
        method.as_str().to_ascii_lowercase(),
        slug.trim_end_matches('_')
    )
}

/// Writes the exchange as a stub file in `dir`; a failure is logged, never the caller's problem.
pub fn write(
    dir: &Path,
    vendor: &str,
    method: &Method,
    rest: &str,
    request: &HeaderMap,
    reply: &Reply,
) {
    let Some(stub) = stub_of(vendor, method, rest, request, reply) else {
        tracing::warn!("--record: {method} {rest} not recorded: its answer holds '{{{{', which a stub reads as a template");
        return;
    };
    let name = file_name(vendor, method, rest);
    let document = serde_json::json!({
        "name": format!("recorded-{}", name.trim_end_matches(".yaml")),
        "stubs": [stub],
    });
    let text = match serde_norway::to_string(&document) {
        Ok(t) => {
            format!("# Recorded by engagement-sim --record; credentials masked as {MASK}.\n{t}")
        }
        Err(e) => {
            tracing::warn!("--record: cannot write {name}: {e}");
            return;
        }
    };
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(dir.join(&name), text))
    {
        tracing::warn!("--record {}: cannot write {name}: {e}", dir.display());
    }
}
