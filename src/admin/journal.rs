//! Admin routes over the request journal: list with filters, count with a matcher, clear.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::admin_reply::{error, query_map};
use crate::journal::Filter;
use crate::state::AppState;

fn filter_from_query(query: Option<&str>) -> Result<Filter, String> {
    let q = query_map(query);
    let mut filter = Filter::default();
    for (key, value) in q {
        match key.as_str() {
            "vendor" => filter.vendor = Some(value),
            "operation" => filter.operation = Some(value),
            "tenant" => filter.tenant = Some(value),
            "status" => {
                filter.status = Some(
                    value
                        .parse()
                        .map_err(|_| format!("status '{value}' is not a number"))?,
                )
            }
            "limit" => {
                filter.limit = Some(
                    value
                        .parse()
                        .map_err(|_| format!("limit '{value}' is not a number"))?,
                )
            }
            other => {
                return Err(format!(
                    "unknown filter '{other}'; filters: vendor, operation, tenant, status, limit"
                ))
            }
        }
    }
    Ok(filter)
}

pub async fn list(State(state): State<Arc<AppState>>, req: Request) -> Response {
    match filter_from_query(req.uri().query()) {
        Ok(filter) => {
            let entries = state.journal.entries(&filter);
            Json(json!({ "requests": entries })).into_response()
        }
        Err(message) => error(StatusCode::BAD_REQUEST, message),
    }
}

pub async fn clear(State(state): State<Arc<AppState>>) -> Response {
    state.journal.clear(None, None);
    Json(json!({ "cleared": true })).into_response()
}

pub async fn count(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let filter: Filter = if body.iter().all(u8::is_ascii_whitespace) {
        Filter::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(f) => f,
            Err(e) => return error(StatusCode::BAD_REQUEST, format!("the matcher is not valid: {e}; fields: vendor, operation, tenant, status, body")),
        }
    };
    Json(json!({ "count": state.journal.count(&filter) })).into_response()
}
