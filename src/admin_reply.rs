//! The admin API's JSON refusals and query reading, shared by `/__admin` and the admin routes a
//! vendor adds under it (Seismic's templates), so every admin answer has the same shape.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A JSON error answer of the admin API.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": status.canonical_reason().unwrap_or("error"), "message": message.into() }))).into_response()
}

/// The decoded query string as a map (last value wins).
pub fn query_map(req_query: Option<&str>) -> HashMap<String, String> {
    req_query
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}
