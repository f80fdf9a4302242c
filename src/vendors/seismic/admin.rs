//! `GET` / `POST /__admin/seismic/templates?tenant=`: list, or add and replace (by `templateId`), a
//! tenant's DSR templates. `tenant` is the raw token or, for a tenant already seen, its fingerprint.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::state::{Records, Template};
use crate::admin_reply::{error, tenant_param};
use crate::clock::rfc3339;
use crate::tenant::Tenant;

pub fn routes(records: Arc<Records>) -> Router {
    Router::new()
        .route(
            "/templates",
            get(|State(records), RawQuery(q): RawQuery| list(records, q)).post(
                |State(records), RawQuery(q): RawQuery, body: axum::body::Bytes| {
                    upsert(records, q, body)
                },
            ),
        )
        .with_state(records)
}

/// A refusal of the admin API: status and message.
type Refusal = (StatusCode, String);

fn refuse((status, message): Refusal) -> Response {
    error(status, message)
}

fn tenant(records: &Records, query: Option<String>) -> Result<Tenant, Refusal> {
    tenant_param(records, query.as_deref(), "Seismic")
}

async fn list(records: Arc<Records>, query: Option<String>) -> Response {
    let tenant = match tenant(&records, query) {
        Ok(t) => t,
        Err(r) => return refuse(r),
    };
    let state = records.view(&tenant);
    let data = state.read();
    Json(json!({ "tenant": tenant.fingerprint.as_ref(), "templates": data.templates }))
        .into_response()
}

async fn upsert(records: Arc<Records>, query: Option<String>, body: axum::body::Bytes) -> Response {
    let tenant = match tenant(&records, query) {
        Ok(t) => t,
        Err(r) => return refuse(r),
    };
    let items = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) => items,
        Ok(Value::Object(one)) => vec![Value::Object(one)],
        Ok(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "expected a JSON array of {templateId, title, ...}",
            )
        }
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("malformed JSON: {e}")),
    };
    let now = rfc3339(records.settings().now());
    let mut templates = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(mut fields) = item else {
            return error(StatusCode::BAD_REQUEST, format!("[{i}] is not an object"));
        };
        let mut take_text = |k: &str| match fields.remove(k) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s),
            _ => Err((
                StatusCode::BAD_REQUEST,
                format!("[{i}].{k} must be a non-empty string"),
            )),
        };
        let (template_id, title) = match (take_text("templateId"), take_text("title")) {
            (Ok(id), Ok(title)) => (id, title),
            (Err(r), _) | (_, Err(r)) => return refuse(r),
        };
        let content_version_ids = match fields.remove("contentVersionIds") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(ids)) if ids.iter().all(Value::is_string) => ids
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("[{i}].contentVersionIds must be an array of strings"),
                )
            }
        };
        fields.remove("createdAt");
        templates.push(Template {
            template_id,
            title,
            content_version_ids,
            created_at: now.clone(),
            extra: Map::from_iter(fields),
        });
    }
    let state = records.tenant(&tenant);
    let mut data = state.write();
    data.upsert_templates(templates);
    Json(json!({ "tenant": tenant.fingerprint.as_ref(), "templates": data.templates }))
        .into_response()
}
