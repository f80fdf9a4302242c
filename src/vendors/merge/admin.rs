//! `GET` / `POST /__admin/merge/required-fields?tenant=`: read, or set, the model fields a linked
//! account's integration requires on create (`post`) and on patch (`patch`). Merge derives these
//! from the integration behind the account; the simulator starts every account with none (as
//! the create page's `{"model": {}}` → 201 shows) and lets a test choose them here. `tenant` is
//! the raw account token or, for an account already seen, its fingerprint.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::rules::MODEL_FIELDS;
use super::state::{Records, RequiredFields};
use crate::admin_reply::{error, tenant_param};

pub const ENDPOINTS: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/required-fields?tenant=",
        "the model fields an account requires: {tenant, post, patch}",
    ),
    (
        "POST",
        "/required-fields?tenant=",
        "set the model fields an account requires on create and patch: {post?: [field], patch?: [field]}",
    ),
];

pub fn routes(records: Arc<Records>) -> Router {
    Router::new()
        .route(
            "/required-fields",
            get(|State(records), RawQuery(q): RawQuery| show(records, q)).post(
                |State(records), RawQuery(q): RawQuery, body: axum::body::Bytes| {
                    set(records, q, body)
                },
            ),
        )
        .with_state(records)
}

fn answer(fingerprint: &str, required: &RequiredFields) -> Response {
    Json(json!({ "tenant": fingerprint, "post": required.post, "patch": required.patch }))
        .into_response()
}

async fn show(records: Arc<Records>, query: Option<String>) -> Response {
    let tenant = match tenant_param(&records, query.as_deref(), "Merge") {
        Ok(t) => t,
        Err((status, why)) => return error(status, why),
    };
    let slot = records.view(&tenant);
    let data = slot.read();
    answer(&tenant.fingerprint, &data.required)
}

/// A list of engagement model field names, each once; `None` when the key is absent.
fn fields(body: &Value, key: &str) -> Result<Option<Vec<String>>, String> {
    let Some(list) = body.get(key) else {
        return Ok(None);
    };
    let Some(items) = list.as_array() else {
        return Err(format!("'{key}' must be an array of field names"));
    };
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        match item.as_str() {
            Some(f) if MODEL_FIELDS.contains(&f) => {
                if !out.iter().any(|o| o == f) {
                    out.push(f.to_owned());
                }
            }
            _ => {
                return Err(format!(
                    "'{key}' holds {item}, which is not an engagement model field ({})",
                    MODEL_FIELDS.join(", ")
                ))
            }
        }
    }
    Ok(Some(out))
}

async fn set(records: Arc<Records>, query: Option<String>, body: axum::body::Bytes) -> Response {
    let tenant = match tenant_param(&records, query.as_deref(), "Merge") {
        Ok(t) => t,
        Err((status, why)) => return error(status, why),
    };
    let body = match serde_json::from_slice::<Value>(&body) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "expected a JSON object {post?: [field], patch?: [field]}",
            )
        }
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("malformed JSON: {e}")),
    };
    let (post, patch) = match (fields(&body, "post"), fields(&body, "patch")) {
        (Ok(post), Ok(patch)) => (post, patch),
        (Err(why), _) | (_, Err(why)) => return error(StatusCode::BAD_REQUEST, why),
    };
    let slot = records.tenant(&tenant);
    let mut data = slot.write();
    if let Some(post) = post {
        data.required.post = post;
    }
    if let Some(patch) = patch {
        data.required.patch = patch;
    }
    answer(&tenant.fingerprint, &data.required)
}
