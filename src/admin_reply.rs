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

/// The tenant a vendor admin route's `tenant=` parameter names: a raw credential (its tenant is
/// made if new) or the fingerprint of a tenant already seen. Refusals are a status and message for [`error`].
pub fn tenant_param<T>(
    store: &crate::store::TenantStore<T>,
    query: Option<&str>,
    vendor: &str,
) -> Result<crate::tenant::Tenant, (StatusCode, String)> {
    let q = query_map(query);
    let Some(filter) = q.get("tenant").filter(|t| !t.is_empty()) else {
        return Err((
            StatusCode::BAD_REQUEST,
            "the query parameter 'tenant' (token or fingerprint) is required".into(),
        ));
    };
    if let Some((key, _)) = store.select(Some(filter)).into_iter().next() {
        return Ok(crate::tenant::Tenant::new(&key));
    }
    if filter.starts_with("t_") && filter.len() == 14 {
        return Err((
            StatusCode::NOT_FOUND,
            format!("no {vendor} tenant has fingerprint {filter}; pass the token to create one"),
        ));
    }
    Ok(crate::tenant::Tenant::new(filter))
}
