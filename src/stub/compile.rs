//! A declared stub checked and compiled against the vendors: its vendor, method, path template,
//! status, headers, templates and store. Every problem is collected with the text to point at, so
//! `scenario check` can locate it in the file.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use axum::http::{HeaderName, Method, StatusCode};

use super::model::{Action, Stub};
use super::template::{Scope, Template, TemplateError};
use crate::vendor::{Operation, Vendor};

/// A stub ready to serve.
#[derive(Debug)]
pub struct Compiled {
    pub decl: Stub,
    /// The vendor's position in the registry.
    pub vendor: usize,
    /// The operation routing, scenarios and the journal see (`decl.id`).
    pub operation: &'static Operation,
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, Template)>,
    pub body: Option<Template>,
    pub store: Option<CompiledStore>,
}

#[derive(Debug)]
pub struct CompiledStore {
    pub action: Action,
    pub collection: String,
    pub key: Option<Template>,
    pub record: Option<Template>,
    pub set: Vec<(String, Template)>,
}

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

fn err(needle: &str, message: String, hint: Option<String>) -> TemplateError {
    TemplateError {
        needle: needle.to_owned(),
        message,
        hint,
    }
}

/// The parameter names of a path template (`{id}`, `{*rest}`), or why it is not one.
pub fn params_of(path: &str) -> Result<Vec<String>, String> {
    if !path.starts_with('/') {
        return Err(format!("path '{path}' must start with '/'"));
    }
    matchit::Router::<()>::new()
        .insert(path, ())
        .map_err(|e| format!("path '{path}' is not a path template: {e}"))?;
    let mut params = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = rest[open + 1..open + close].trim_start_matches('*');
        params.push(name.to_owned());
        rest = &rest[open + close + 1..];
    }
    Ok(params)
}

/// Checks one stub and compiles it; `Err` carries every problem found.
pub fn compile(stub: &Stub, vendors: &[Box<dyn Vendor>]) -> Result<Compiled, Vec<TemplateError>> {
    let mut errors = Vec::new();
    let vendor = vendors.iter().position(|v| v.name() == stub.vendor);
    match vendor {
        None => {
            let names: Vec<&str> = vendors.iter().map(|v| v.name()).collect();
            errors.push(err(
                &stub.vendor,
                format!("unknown vendor '{}'", stub.vendor),
                Some(format!("valid: {}", names.join(", "))),
            ));
        }
        Some(v) => {
            if let Some(op) = vendors[v].operation(&stub.id) {
                errors.push(err(
                    &stub.id,
                    format!(
                        "'{}' is the id of a built-in {} operation ({} {})",
                        stub.id, stub.vendor, op.method, op.path
                    ),
                    Some("give the stub an id of its own".into()),
                ));
            }
        }
    }
    if stub.id.trim().is_empty() || stub.id.contains(char::is_whitespace) {
        errors.push(err(
            "id",
            "a stub's id must be non-empty, without spaces".into(),
            None,
        ));
    }
    let method = stub.method.to_ascii_uppercase();
    if !METHODS.contains(&method.as_str()) {
        errors.push(err(
            &stub.method,
            format!("a stub cannot serve method '{}'", stub.method),
            Some(format!("valid: {}", METHODS.join(", "))),
        ));
    }
    let params = params_of(&stub.path).unwrap_or_else(|e| {
        errors.push(err(
            &stub.path,
            e,
            Some("write it like /things/{id}".into()),
        ));
        Vec::new()
    });
    let status = StatusCode::from_u16(stub.status)
        .ok()
        .filter(|s| (200..=599).contains(&s.as_u16()));
    if status.is_none() {
        errors.push(err(
            "status",
            format!(
                "status {} is not a final HTTP status (200-599)",
                stub.status
            ),
            None,
        ));
    }
    let scope = Scope {
        params: &params,
        stored: stub.store.is_some(),
    };
    let mut headers = Vec::new();
    for (name, value) in &stub.headers {
        match HeaderName::try_from(name.as_str()) {
            Ok(h) => headers.push((
                h,
                Template::compile(&value.clone().into(), &scope, &mut errors),
            )),
            Err(_) => errors.push(err(name, format!("'{name}' is not a header name"), None)),
        }
    }
    let body = stub
        .body
        .as_ref()
        .map(|b| Template::compile(b, &scope, &mut errors));
    let store = stub.store.as_ref().map(|s| {
        if s.collection.trim().is_empty() {
            errors.push(err(
                "collection",
                "store.collection must be non-empty".into(),
                None,
            ));
        }
        let action = s.action.unwrap_or(match method.as_str() {
            "GET" if s.key.is_none() => Action::List,
            "GET" => Action::Get,
            "PATCH" => Action::Merge,
            "DELETE" => Action::Delete,
            _ => Action::Put,
        });
        if s.key.is_none() && action != Action::List {
            errors.push(err(
                "store",
                format!("a {method} stub with a store needs store.key (only a list takes none)"),
                Some("key: \"{{id.uuid}}\" on create, \"{{path.id}}\" on read".into()),
            ));
        }
        CompiledStore {
            action,
            collection: s.collection.clone(),
            key: s
                .key
                .as_ref()
                .map(|k| Template::compile(&k.clone().into(), &scope, &mut errors)),
            record: s
                .record
                .as_ref()
                .map(|r| Template::compile(r, &scope, &mut errors)),
            set: s
                .set
                .iter()
                .map(|(k, v)| (k.clone(), Template::compile(v, &scope, &mut errors)))
                .collect(),
        }
    });
    match (vendor, status, errors.is_empty()) {
        (Some(vendor), Some(status), true) => Ok(Compiled {
            operation: intern(stub, &method),
            decl: stub.clone(),
            vendor,
            status,
            headers,
            body,
            store,
        }),
        _ => Err(errors),
    }
}

type Key = (String, String, String, String, String);

/// The `'static` operation of a stub. Operations are `'static` everywhere (routing, scenarios, the
/// journal), so a stub's is allocated once per distinct declaration and reused by every reload.
fn intern(stub: &Stub, method: &str) -> &'static Operation {
    static INTERNED: OnceLock<Mutex<HashMap<Key, &'static Operation>>> = OnceLock::new();
    let summary = stub
        .summary
        .clone()
        .unwrap_or_else(|| format!("user stub {}", stub.id));
    let key = (
        stub.vendor.clone(),
        stub.id.clone(),
        method.to_owned(),
        stub.path.clone(),
        summary.clone(),
    );
    let map = INTERNED.get_or_init(Default::default);
    let mut map = crate::store::lock::lock(map);
    map.entry(key)
        .or_insert_with(|| {
            let leak = |s: &str| &*Box::leak(s.to_owned().into_boxed_str());
            Box::leak(Box::new(Operation {
                id: leak(&stub.id),
                method: Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET),
                path: leak(&stub.path),
                request_schema: None,
                summary: leak(&summary),
            }))
        })
        .to_owned()
}

/// Whether a stub's template takes a call that a built-in's template also takes: the template
/// with a literal segment where the other has a parameter, at the first segment where they
/// differ, is the more specific one (as `matchit` ranks routes). `true`: the stub is more
/// specific and answers; `false`: a tie or the built-in is more specific, and the built-in answers.
pub fn stub_is_more_specific(stub: &str, builtin: &str) -> bool {
    let rank = |segment: &str| {
        if segment.starts_with("{*") {
            0
        } else if segment.contains('{') {
            1
        } else {
            2
        }
    };
    for (s, b) in stub.split('/').zip(builtin.split('/')) {
        match rank(s).cmp(&rank(b)) {
            std::cmp::Ordering::Equal => continue,
            order => return order == std::cmp::Ordering::Greater,
        }
    }
    false
}

/// What `scenario check` says about stubs and built-ins that take the same calls.
pub fn overlaps(stub: &Stub, vendors: &[Box<dyn Vendor>]) -> Vec<String> {
    let Some(vendor) = vendors.iter().find(|v| v.name() == stub.vendor) else {
        return Vec::new();
    };
    let method = stub.method.to_ascii_uppercase();
    let mut notes = Vec::new();
    for op in vendor.operations() {
        if op.method.as_str() != method || !same_calls(&stub.path, op.path) {
            continue;
        }
        notes.push(if stub_is_more_specific(&stub.path, op.path) {
            format!(
                "stub '{}' ({method} {}) is more specific than built-in '{}' ({}) and answers the calls both take",
                stub.id, stub.path, op.id, op.path
            )
        } else {
            format!(
                "stub '{}' ({method} {}) is shadowed: built-in '{}' ({}) wins, and the stub answers only where it finds nothing (the vendor's not-found)",
                stub.id, stub.path, op.id, op.path
            )
        });
    }
    notes
}

/// Whether two templates can take the same path: segment by segment, equal literals or a
/// parameter on either side.
fn same_calls(a: &str, b: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split('/').collect(), b.split('/').collect());
    let catch_all = |s: &&str| s.starts_with("{*");
    if a.len() != b.len() && !a.iter().any(catch_all) && !b.iter().any(catch_all) {
        return false;
    }
    a.iter()
        .zip(&b)
        .take_while(|(x, y)| !catch_all(x) && !catch_all(y))
        .all(|(x, y)| x == y || x.contains('{') || y.contains('{'))
}
