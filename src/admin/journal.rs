//! Admin routes over the request journal: list with filters, a live stream (server-sent events),
//! count with a matcher, clear.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::admin_reply::{error, query_map};
use futures_util::StreamExt;
use tokio::sync::broadcast::error::RecvError;

use crate::journal::{Entry, Filter};
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

/// `GET /__admin/requests/stream`: server-sent events, one `entry` event per journal entry (JSON,
/// as `/__admin/requests` lists them). It first sends the entries already held (newest `limit`,
/// default 100), then each new one as it is recorded; the same filters apply. A watcher that
/// falls more than `--journal-stream-backlog` entries behind gets a `lagged` event with the
/// number it missed. The stream ends when the server stops.
pub async fn stream(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let mut filter = match filter_from_query(req.uri().query()) {
        Ok(filter) => filter,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    // Subscribed before the snapshot is taken, so nothing recorded in between is missed.
    let (live, closing) = state.journal.watch();
    filter.limit = Some(filter.limit.unwrap_or(100));
    let held = state.journal.entries(&filter);
    // Entries are recorded as they finish, not in sequence order, so the ones already sent are
    // remembered by number rather than by the highest.
    let sent: HashSet<u64> = held.iter().map(|e| e.seq).collect();
    let backlog = futures_util::stream::iter(held.into_iter().map(|e| Ok(entry_event(&e))));
    let follow = futures_util::stream::unfold(
        (live, closing, sent, filter),
        |(mut live, mut closing, sent, filter)| async move {
            loop {
                let next = tokio::select! {
                    biased;
                    _ = closing.wait_for(|c| *c) => return None,
                    next = live.recv() => next,
                };
                let event = match next {
                    Ok(e) if sent.contains(&e.seq) || !filter.accepts(&e) => continue,
                    Ok(e) => entry_event(&e),
                    Err(RecvError::Lagged(n)) => {
                        Event::default().event("lagged").data(n.to_string())
                    }
                    Err(RecvError::Closed) => return None,
                };
                return Some((Ok::<_, Infallible>(event), (live, closing, sent, filter)));
            }
        },
    );
    Sse::new(backlog.chain(follow))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn entry_event(entry: &Entry) -> Event {
    let data = serde_json::to_string(entry).unwrap_or_else(|_| "{}".to_owned());
    Event::default()
        .event("entry")
        .id(entry.seq.to_string())
        .data(data)
}
