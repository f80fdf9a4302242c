//! The OpenAPI 3.1 document of one vendor, for `GET /__admin/openapi/{vendor}` and
//! `engagement-sim openapi VENDOR`: every operation of its table (path parameters, the request
//! contract, the response contract for 2XX and the vendor's error envelope for every other status)
//! and every loaded user stub, with the vendor's credential scheme.
//!
//! What it leaves out: operations multiplexed over one method and path (Seismic's MCP tools, which
//! speak JSON-RPC, not REST), Salesforce's XML bodies, and DevRev's GET forms' query fields (their
//! POST forms carry the same contract as a body).

mod schema;

use std::sync::Arc;

use axum::http::Method;
use serde_json::{json, Map, Value};

use crate::stub::Compiled;
use crate::vendor::{Operation, Vendor};
use schema::Components;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/responses.rs"));
}

/// The response contract of `op` of `vendor` (`error` for the error envelope).
fn response_contract(vendor: &str, op: &str) -> Option<&'static str> {
    embedded::RESPONSES
        .iter()
        .find(|(v, o, _)| *v == vendor && *o == op)
        .map(|(_, _, text)| *text)
}

/// The document for `vendor`, with `stubs` (the vendor's loaded stubs).
pub fn document(vendor: &dyn Vendor, stubs: &[Arc<Compiled>]) -> Value {
    let name = vendor.name();
    let mut components = Components::default();
    let error = match response_contract(name, "error") {
        Some(text) => components.add("error", text),
        None => json!({}),
    };
    let mut paths: Map<String, Value> = Map::new();
    let mut ids: Vec<String> = Vec::new();
    let operations = vendor.operations();
    for op in &operations {
        // Rows sharing one method and path are multiplexed over a transport of the vendor's own
        // (Seismic's MCP tools over JSON-RPC): not REST operations an OpenAPI document describes.
        let shared = operations
            .iter()
            .filter(|o| o.method == op.method && o.path == op.path)
            .count();
        if shared > 1 {
            continue;
        }
        let ok = response_contract(name, op.id)
            .map(|text| components.add(&format!("{}.response", op.id), text));
        let request = match op.request_schema {
            Some(text) if takes_body(&op.method) => Some(Body {
                required: has_required(text),
                schema: components.add(&format!("{}.request", op.id), text),
            }),
            _ => None,
        };
        let error = match response_contract(name, &format!("{}.error", op.id)) {
            Some(text) => components.add(&format!("{}.error", op.id), text),
            None => error.clone(),
        };
        let public = is_public(vendor, op);
        let mut operation = describe(
            name,
            op,
            &mut ids,
            Spec {
                request,
                ok,
                status: None,
                error: &error,
                public,
                path: op.path,
            },
        );
        if let (Some(text), false) = (op.request_schema, takes_body(&op.method)) {
            add_query(&mut operation, text);
        }
        insert(&mut paths, op, operation);
    }
    for stub in stubs {
        let op = stub.operation;
        let body = if stub.status.as_u16() == 204 || stub.body.is_none() {
            None
        } else {
            Some(json!({}))
        };
        let request = takes_body(&op.method).then(|| Body {
            required: false,
            schema: json!({}),
        });
        let status = Some(stub.status.as_u16());
        let public = is_public(vendor, op);
        let operation = describe(
            name,
            op,
            &mut ids,
            Spec {
                request,
                ok: body,
                status,
                error: &error,
                public,
                path: op.path,
            },
        );
        insert(&mut paths, op, operation);
        // A built-in whose template also matches the stub's path still answers the methods the
        // stub does not take there (its `Allow` lists them), so the path lists them too.
        let sample = concrete(op.path);
        for builtin in &operations {
            let shadows = builtin.method != op.method && matches_template(builtin.path, &sample);
            let listed = paths.get(&openapi_path(op.path)).is_some_and(|item| {
                item.get(builtin.method.as_str().to_ascii_lowercase())
                    .is_some()
            });
            if shadows && !listed {
                let ok = response_contract(name, builtin.id)
                    .map(|text| components.add(&format!("{}.response", builtin.id), text));
                let public = is_public(vendor, builtin);
                let described = describe(
                    name,
                    builtin,
                    &mut ids,
                    Spec {
                        request: None,
                        ok,
                        status: None,
                        error: &error,
                        public,
                        path: op.path,
                    },
                );
                let item = paths
                    .entry(openapi_path(op.path))
                    .or_insert_with(|| json!({}));
                if let Value::Object(item) = item {
                    item.insert(builtin.method.as_str().to_ascii_lowercase(), described);
                }
            }
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("engagement-sim: {name}"),
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!("The {name} operations engagement-sim serves under /{name} (built-ins and loaded user stubs). Any non-empty credential names a tenant, so credentials are described as required headers rather than a security scheme."),
        },
        "servers": [{ "url": format!("/{name}") }],
        "paths": paths,
        "components": { "schemas": components.0 },
    })
}

/// Whether `op` answers without credentials (Salesforce's login and version list).
fn is_public(vendor: &dyn Vendor, op: &Operation) -> bool {
    vendor
        .authenticate(op, &axum::http::HeaderMap::new())
        .is_ok()
}

/// A path template with every `{param}` filled with its own name: a path it matches.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|seg| {
            seg.strip_prefix("{*")
                .or_else(|| seg.strip_prefix('{'))
                .and_then(|s| s.strip_suffix('}'))
                .unwrap_or(seg)
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether the path template `template` matches the concrete path `path`.
fn matches_template(template: &str, path: &str) -> bool {
    let mut router = matchit::Router::new();
    router.insert(template, ()).is_ok() && router.at(path).is_ok()
}

/// What an operation object says besides its id, path and summary.
struct Spec<'a> {
    request: Option<Body>,
    /// The success body's schema, if there is a contract for it.
    ok: Option<Value>,
    /// A stub's fixed status; built-ins answer somewhere in 2XX.
    status: Option<u16>,
    error: &'a Value,
    /// Answers without credentials, so no credential header is required.
    public: bool,
    /// The path template it is listed under (its own, or a stub's that it also answers).
    path: &'a str,
}

/// A request body: its schema, and whether the operation refuses a call without one.
struct Body {
    required: bool,
    schema: Value,
}

/// Whether a request contract requires any top-level field (an empty body is then refused).
fn has_required(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|s| {
            s.get("required")
                .and_then(Value::as_array)
                .map(|r| !r.is_empty())
        })
        .unwrap_or(false)
}

/// A GET form that reads its contract from the query (DevRev's): each top-level field of a
/// simple type becomes a query parameter.
fn add_query(operation: &mut Value, text: &str) {
    let Ok(schema) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let Some(props) = schema["properties"].as_object() else {
        return;
    };
    let mut params = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (field, spec) in props {
        let simple = matches!(spec["type"].as_str(), Some("string" | "integer"));
        if !simple {
            continue;
        }
        let mut spec = spec.clone();
        if let Value::Object(m) = &mut spec {
            m.remove("$ref");
        }
        params.push(json!({
            "name": field,
            "in": "query",
            "required": required.contains(&field.as_str()),
            "schema": spec,
        }));
    }
    operation["parameters"] = Value::Array(params);
}

/// The credential headers of `vendor`: any non-empty value names a tenant.
fn credential_headers(vendor: &str) -> Vec<Value> {
    let header = |name: &str, description: &str| {
        json!({
            "name": name,
            "in": "header",
            "required": true,
            "description": description,
            "schema": { "type": "string" },
        })
    };
    let mut headers = vec![header(
        "Authorization",
        "`Bearer TOKEN`; any token names a tenant",
    )];
    if vendor == "merge" {
        headers.push(header(
            "X-Account-Token",
            "the linked account; any value names a tenant",
        ));
    }
    headers
}

fn takes_body(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::DELETE)
}

/// A path template in OpenAPI's syntax (`{*rest}` is `{rest}`).
fn openapi_path(path: &str) -> String {
    path.replace("{*", "{")
}

fn insert(paths: &mut Map<String, Value>, op: &Operation, operation: Value) {
    let item = paths
        .entry(openapi_path(op.path))
        .or_insert_with(|| json!({}));
    if let Value::Object(item) = item {
        item.insert(op.method.as_str().to_ascii_lowercase(), operation);
    }
}

/// One operation object. `ids` keeps operation ids unique (an id served on two paths or methods
/// gets a suffix). `status` is a stub's fixed status; built-ins answer somewhere in 2XX.
fn describe(vendor: &str, op: &Operation, ids: &mut Vec<String>, spec: Spec<'_>) -> Value {
    let Spec {
        request,
        ok,
        status,
        error,
        public,
        path,
    } = spec;
    let mut id = op.id.to_owned();
    let mut n = 1;
    while ids.contains(&id) {
        n += 1;
        id = format!("{}_{n}", op.id);
    }
    ids.push(id.clone());
    let mut parameters: Vec<Value> = crate::stub::compile::params_of(path)
        .unwrap_or_default()
        .into_iter()
        .map(|p| json!({ "name": p, "in": "path", "required": true, "schema": { "type": "string", "minLength": 1 } }))
        .collect();
    if !public {
        parameters.extend(credential_headers(vendor));
    }
    let success = match ok {
        Some(schema) => json!({
            "description": "success",
            "content": { "application/json": { "schema": schema } },
        }),
        None => json!({ "description": "success" }),
    };
    let mut responses = Map::new();
    responses.insert(status.map_or("2XX".to_owned(), |s| s.to_string()), success);
    responses.insert(
        "default".into(),
        json!({
            "description": "an error, in the vendor's envelope",
            "content": { "application/json": { "schema": error } },
        }),
    );
    let mut operation = json!({
        "operationId": id,
        "summary": op.summary,
        "responses": responses,
    });
    operation["parameters"] = Value::Array(parameters);
    if let Some(body) = request {
        operation["requestBody"] = json!({
            "required": body.required,
            "content": { "application/json": { "schema": body.schema } },
        });
    }
    operation
}
