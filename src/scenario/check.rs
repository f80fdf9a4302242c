//! Checking a parsed scenario document against the vendors' own tables (vendors, operations,
//! error kinds and their fields) and against values that cannot work; every problem is kept.

use serde_json::Value;

use super::model::{Delay, Document, RateLimit, Rule};
use super::source::{find_key, ScenarioError, Source};
use crate::vendor::{GenericKind, Vendor};

/// Edit distance, for "did you mean" hints.
pub(super) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

pub(super) fn suggest<'a>(
    wrong: &str,
    options: impl IntoIterator<Item = &'a str> + Clone,
) -> String {
    let nearest = options
        .clone()
        .into_iter()
        .min_by_key(|o| distance(wrong, o));
    let all: Vec<&str> = options.into_iter().collect();
    match nearest {
        Some(n) if distance(wrong, n) <= 3 => {
            format!("did you mean '{n}'? valid: {}", all.join(", "))
        }
        _ => format!("valid: {}", all.join(", ")),
    }
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

pub(super) fn check(
    doc: &Document,
    src: &Source<'_>,
    vendors: &[Box<dyn Vendor>],
    errors: &mut Vec<ScenarioError>,
) {
    check_name(&doc.name, src, errors);
    let stubs = stub_ids(doc);
    for (i, rule) in doc.rules.iter().enumerate() {
        if src.over() {
            break;
        }
        check_rule(i, rule, false, &stubs, src, vendors, errors);
    }
    check_stubs(doc, src, vendors, errors);
    for (i, limit) in doc.rate_limits.iter().enumerate() {
        if src.over() {
            break;
        }
        check_limit(i, limit, &stubs, src, vendors, errors);
    }
}

/// The operations the document's own stubs add, as (vendor, id): rules may name them.
pub(super) fn stub_ids(doc: &Document) -> Vec<(String, String)> {
    doc.stubs
        .iter()
        .map(|s| (s.vendor.clone(), s.id.clone()))
        .collect()
}

/// Whether `op` names a built-in operation of `vendor` or one of the document's stubs for it.
fn names_operation(vendor: &dyn Vendor, op: &str, stubs: &[(String, String)]) -> bool {
    vendor.operation(op).is_some() || stubs.iter().any(|(v, id)| v == vendor.name() && id == op)
}

/// Each stub checked alone (every problem located at the text it names), then the document's
/// stubs together: two that take the same method and path cannot both load.
fn check_stubs(
    doc: &Document,
    src: &Source<'_>,
    vendors: &[Box<dyn Vendor>],
    errors: &mut Vec<ScenarioError>,
) {
    let mut compiled = Vec::new();
    for (i, stub) in doc.stubs.iter().enumerate() {
        match crate::stub::compile::compile(stub, vendors) {
            Ok(c) => compiled.push(c),
            Err(problems) => {
                for p in problems {
                    let (at, len) = src.locate("stubs", i, &p.needle);
                    errors.push(src.error(at, len, format!("stubs[{i}]: {}", p.message), p.hint));
                }
            }
        }
    }
    if let Err(e) = crate::stub::table::routes(compiled, vendors.len()) {
        let (at, len) = find_key(src.text, "stubs", 0).map_or((0, 1), |o| (o, 1));
        errors.push(src.error(at, len, e, None));
    }
}

pub(super) fn check_name(name: &str, src: &Source<'_>, errors: &mut Vec<ScenarioError>) {
    if name.trim().is_empty() || name.contains('/') || name.contains('#') {
        let (at, len) = find_key(src.text, "name", 0).map_or((0, 1), |o| (o, 1));
        errors.push(src.error(
            at,
            len,
            "the scenario's name must be non-empty and contain no '/' or '#'".into(),
            None,
        ));
    }
}

pub(super) fn check_limit(
    i: usize,
    limit: &RateLimit,
    stubs: &[(String, String)],
    src: &Source<'_>,
    vendors: &[Box<dyn Vendor>],
    errors: &mut Vec<ScenarioError>,
) {
    let mut err = |needle: &str, message: String, hint: Option<String>| {
        let (at, len) = src.locate("rate_limits", i, needle);
        errors.push(src.error(at, len, message, hint));
    };
    match vendors.iter().find(|v| v.name() == limit.vendor) {
        None => err(
            &limit.vendor,
            format!("rate_limits[{i}]: unknown vendor '{}'", limit.vendor),
            Some(suggest(&limit.vendor, vendors.iter().map(|v| v.name()))),
        ),
        Some(v) => {
            if let Some(op) = &limit.operation {
                if !names_operation(v.as_ref(), op, stubs) {
                    err(
                        op,
                        format!("rate_limits[{i}]: {} has no operation '{op}'", v.name()),
                        Some(suggest(op, op_ids(v.as_ref()))),
                    );
                }
            }
        }
    }
    if limit.requests == 0 {
        err(
            "requests",
            format!("rate_limits[{i}]: requests must be at least 1"),
            None,
        );
    }
    if limit.per_seconds == 0 || limit.per_seconds > 86_400 {
        err(
            "per_seconds",
            format!("rate_limits[{i}]: per_seconds must be between 1 and 86400"),
            None,
        );
    }
}

fn op_ids(v: &dyn Vendor) -> Vec<&'static str> {
    let mut ids: Vec<&str> = v.operations().iter().map(|o| o.id).collect();
    ids.dedup();
    ids
}

/// `pruned`: keys with a malformed value were left out of `rule` (and reported already), so
/// whether it does anything cannot be told.
pub(super) fn check_rule(
    i: usize,
    rule: &Rule,
    pruned: bool,
    stubs: &[(String, String)],
    src: &Source<'_>,
    vendors: &[Box<dyn Vendor>],
    errors: &mut Vec<ScenarioError>,
) {
    let mut err = |needle: &str, message: String, hint: Option<String>| {
        let (at, len) = src.locate("rules", i, needle);
        errors.push(src.error(at, len, format!("rules[{i}]: {message}"), hint));
    };
    let vendor = vendors.iter().find(|v| v.name() == rule.vendor);
    let Some(vendor) = vendor else {
        err(
            &rule.vendor,
            format!("unknown vendor '{}'", rule.vendor),
            Some(suggest(&rule.vendor, vendors.iter().map(|v| v.name()))),
        );
        return;
    };
    if let Some(op) = &rule.operation {
        if !names_operation(vendor.as_ref(), op, stubs) {
            err(
                op,
                format!("{} has no operation '{op}'", vendor.name()),
                Some(suggest(op, op_ids(vendor.as_ref()))),
            );
        }
    }
    if let Some(m) = &rule.matcher.method {
        if !METHODS.contains(&m.to_ascii_uppercase().as_str()) {
            err(
                m,
                format!("'{m}' is not an HTTP method"),
                Some(format!("valid: {}", METHODS.join(", "))),
            );
        }
    }
    for name in rule.matcher.header.keys() {
        if axum::http::HeaderName::try_from(name.as_str()).is_err() {
            err(name, format!("'{name}' is not a valid header name"), None);
        }
    }
    for pointer in rule.matcher.body.keys() {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            err(
                pointer,
                format!("body matcher key '{pointer}' is not a JSON pointer"),
                Some(format!("write it as '/{pointer}'")),
            );
        }
    }
    let w = &rule.when;
    if w.nth
        .as_ref()
        .is_some_and(|n| n.is_empty() || n.contains(&0))
    {
        err(
            "nth",
            "when.nth lists calls from 1 and may not be empty".into(),
            None,
        );
    }
    if w.times == Some(0) {
        err("times", "when.times must be at least 1".into(), None);
    }
    if w.every == Some(0) {
        err("every", "when.every must be at least 1".into(), None);
    }
    if let Some(p) = w.probability {
        if !(0.0..=1.0).contains(&p) || p.is_nan() {
            err(
                "probability",
                format!("when.probability is {p}; it must be between 0 and 1"),
                None,
            );
        }
    }
    match rule.delay_ms {
        Some(Delay::Range { min, max }) if min > max => err(
            "delay_ms",
            format!("delay_ms has min {min} above max {max}"),
            None,
        ),
        Some(Delay::Fixed(ms)) | Some(Delay::Range { max: ms, .. }) if ms > 600_000 => err(
            "delay_ms",
            format!("delay_ms of {ms} is over the 600000 ms (10 minute) ceiling"),
            None,
        ),
        _ => {}
    }
    if rule.respond.is_some() && rule.fault.is_some() {
        err(
            "fault",
            "a rule either responds or faults, not both".into(),
            Some("split it into two rules".into()),
        );
    }
    if !pruned && rule.respond.is_none() && rule.fault.is_none() && rule.delay_ms.is_none() {
        err(
            &rule.vendor,
            "the rule does nothing: give it respond, fault or delay_ms".into(),
            None,
        );
    }
    if let Some(respond) = &rule.respond {
        check_respond(respond, vendor.as_ref(), &mut err);
    }
}

fn check_respond(
    respond: &serde_json::Map<String, Value>,
    vendor: &dyn Vendor,
    err: &mut impl FnMut(&str, String, Option<String>),
) {
    match (respond.get("error"), respond.get("status")) {
        (Some(_), Some(_)) => err(
            "status",
            "respond takes either 'error' or a raw 'status', not both".into(),
            None,
        ),
        (Some(kind), None) => {
            let Some(kind) = kind.as_str() else {
                return err(
                    "error",
                    "respond.error must be an error kind name".into(),
                    None,
                );
            };
            let Some(spec) = vendor.find_kind(kind) else {
                let mut names: Vec<&str> = vendor.error_kinds().iter().map(|k| k.name).collect();
                for g in GenericKind::ALL.map(GenericKind::name) {
                    if !names.contains(&g) {
                        names.push(g);
                    }
                }
                return err(
                    kind,
                    format!("{} has no error kind '{kind}'", vendor.name()),
                    Some(suggest(kind, names)),
                );
            };
            for field in respond.keys().filter(|k| *k != "error" && *k != "message") {
                if !spec.fields.contains(&field.as_str()) {
                    let hint = if spec.fields.is_empty() {
                        format!("{} takes only 'message'", spec.name)
                    } else {
                        format!("{} takes: message, {}", spec.name, spec.fields.join(", "))
                    };
                    err(
                        field,
                        format!("error kind '{}' has no field '{field}'", spec.name),
                        Some(hint),
                    );
                }
            }
        }
        (None, Some(status)) => {
            if !status.as_u64().is_some_and(|s| (200..=599).contains(&s)) {
                err(
                    "status",
                    format!("respond.status {status} is not a final HTTP status (200-599)"),
                    None,
                );
            }
            if let Some(h) = respond.get("headers") {
                if !h
                    .as_object()
                    .is_some_and(|m| m.values().all(Value::is_string))
                {
                    err(
                        "headers",
                        "respond.headers must map header names to strings".into(),
                        None,
                    );
                }
            }
            for key in respond
                .keys()
                .filter(|k| !["status", "headers", "body"].contains(&k.as_str()))
            {
                err(
                    key,
                    format!("respond has no field '{key}'"),
                    Some("a raw response takes status, headers, body".into()),
                );
            }
        }
        (None, None) => err(
            "respond",
            "respond needs 'error: KIND' or a raw 'status'".into(),
            None,
        ),
    }
}
