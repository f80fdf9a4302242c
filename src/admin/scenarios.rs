//! Admin routes for scenarios (load, replace, list with counters, unload) and the clock.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::admin_reply::error;
use crate::scenario::LoadError;
use crate::state::AppState;

pub async fn list(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.scenarios.describe())
}

/// Loads a YAML or JSON document from the body; a scenario with the same name is replaced.
pub async fn load(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let Ok(text) = std::str::from_utf8(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "the scenario document is not UTF-8 text",
        );
    };
    let size = text.len();
    // Parsing and checking are CPU work proportional to the document: off the async workers.
    let parsing = state.clone();
    let parsed = tokio::task::spawn_blocking(move || {
        let text = std::str::from_utf8(&body).unwrap_or_default();
        crate::scenario::parse::parse("request body", text, parsing.vendors())
    })
    .await;
    let Ok(parsed) = parsed else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "checking the scenario document failed",
        );
    };
    match parsed {
        Ok(doc) => {
            let (name, rules, stubs) = (doc.name.clone(), doc.rules.len(), doc.stubs.len());
            let notes: Vec<String> = doc
                .stubs
                .iter()
                .flat_map(|s| crate::stub::compile::overlaps(s, state.vendors()))
                .collect();
            match crate::scenario_files::load_document(&state, doc, "admin".into(), size) {
                Ok(()) => {}
                Err(e @ LoadError::Full(_)) => {
                    return error(StatusCode::CONFLICT, e.to_string())
                }
                Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
            }
            (
                StatusCode::CREATED,
                Json(json!({ "loaded": name, "rules": rules, "stubs": stubs, "notes": notes })),
            )
                .into_response()
        }
        Err(problems) => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "Bad Request", "message": problems.render(), "problems": problems.errors })),
        )
            .into_response(),
    }
}

pub async fn unload_all(State(state): State<Arc<AppState>>) -> Json<Value> {
    state.scenarios.unload(None);
    state.stubs.unload(None);
    Json(json!({ "unloaded": "all" }))
}

pub async fn unload(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    state.stubs.unload(Some(&name));
    if state.scenarios.unload(Some(&name)) {
        Json(json!({ "unloaded": name })).into_response()
    } else {
        error(
            StatusCode::NOT_FOUND,
            format!("no scenario named '{name}' is loaded"),
        )
    }
}

/// `{"set": RFC3339}` freezes the clock there; `{"advance_ms": N}` moves it.
pub async fn clock(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("the body is not JSON: {e}"),
            )
        }
    };
    match (body.get("set"), body.get("advance_ms")) {
        (Some(set), None) => match set
            .as_str()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        {
            Some(t) => state.clock.set(t.with_timezone(&chrono::Utc)),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("'set' must be an RFC 3339 date-time, not {set}"),
                )
            }
        },
        (None, Some(ms)) => match ms.as_i64() {
            Some(ms) => state.clock.advance(ms),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("'advance_ms' must be an integer, not {ms}"),
                )
            }
        },
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "send {\"set\": \"RFC3339\"} or {\"advance_ms\": N}",
            )
        }
    }
    Json(json!({ "now": crate::clock::rfc3339(state.clock.now()), "frozen": state.clock.is_frozen() })).into_response()
}
