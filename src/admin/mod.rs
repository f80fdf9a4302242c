//! The admin API under `/__admin` (INTERFACE.md section 4): health, operations, reset, the
//! journal (listed and streamed), state dumps, scenarios, the clock, metrics and the dashboard (`ui`). Every answer and every refusal is JSON; with `--admin-token` set, each
//! call must carry it as a bearer token, compared in constant time.

mod guard;
mod journal;
mod metrics;
mod scenarios;
mod ui;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::admin_reply::{error, query_map};
use crate::state::AppState;

pub fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let mut router = Router::new();
    for vendor in state.vendors() {
        if let Some(routes) = vendor.admin_routes() {
            router = router.nest(&format!("/{}", vendor.name()), routes.with_state(()));
        }
    }
    router
        .route("/health", get(health))
        .route("/metrics", get(metrics::metrics))
        .route("/operations", get(operations))
        .route("/reset", post(reset))
        .route("/requests", get(journal::list).delete(journal::clear))
        .route("/requests/count", post(journal::count))
        .route("/requests/stream", get(journal::stream))
        .route("/state", get(state_dump))
        .route(
            "/scenarios",
            get(scenarios::list)
                .post(scenarios::load)
                .delete(scenarios::unload_all),
        )
        .route(
            "/scenarios/{name}",
            axum::routing::delete(scenarios::unload),
        )
        .route("/clock", post(scenarios::clock))
        .route("/openapi/{vendor}", get(openapi))
        .merge(ui::routes())
        .fallback(|req: Request| async move {
            error(
                StatusCode::NOT_FOUND,
                format!(
                    "no admin route {} /__admin{}",
                    req.method(),
                    req.uri().path()
                ),
            )
        })
        .layer(middleware::from_fn_with_state(state.clone(), require_token))
        .layer(DefaultBodyLimit::max(state.config.body_limit))
}

/// The OpenAPI 3.1 document of one vendor, with the stubs loaded now.
async fn openapi(
    State(state): State<Arc<AppState>>,
    axum::extract::Path(vendor): axum::extract::Path<String>,
) -> Response {
    match state.registry.index_of(&vendor) {
        Some(i) => Json(crate::openapi::document(
            state.registry.get(i),
            &state.stubs.of(i),
        ))
        .into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            format!(
                "unknown vendor '{vendor}'; vendors: {}",
                state.registry.names().join(", ")
            ),
        ),
    }
}

async fn require_token(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let token_set = state.config.admin_token.is_some();
    if let Some(why) = guard::cross_site(req.headers(), token_set) {
        return error(StatusCode::FORBIDDEN, why);
    }
    if let Some(expected) = &state.config.admin_token {
        let path = req.uri().path();
        if ui::is_public(path) {
            return next.run(req).await;
        }
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned)
            .or_else(|| ui::query_token(path, req.uri().query()))
            .unwrap_or_default();
        if !constant_time_eq(&given, expected) {
            if path == ui::PAGE_PATH {
                return ui::login();
            }
            return error(
                StatusCode::UNAUTHORIZED,
                "the admin API needs 'Authorization: Bearer <admin token>'",
            );
        }
    }
    if crate::conn::declared_over(req.headers(), state.config.body_limit) {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is over the {} byte limit (--body-limit)",
                state.config.body_limit
            ),
        );
    }
    if let Some(why) = guard::upload_type_refused(&req) {
        return error(StatusCode::UNSUPPORTED_MEDIA_TYPE, why);
    }
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    guard::as_json(next.run(req).await, &method, &path).await
}

/// Compares the SHA-256 digests of both sides, so the time taken says nothing about the token.
fn constant_time_eq(given: &str, expected: &str) -> bool {
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// Every operation and every error kind, from the vendors' own tables.
pub fn catalogue(state: &AppState) -> Value {
    let mut operations = Vec::new();
    let mut kinds = Vec::new();
    let mut admin = Vec::new();
    for vendor in state.vendors() {
        for (method, path, summary) in vendor.admin_endpoints() {
            admin.push(json!({
                "vendor": vendor.name(), "method": method,
                "path": format!("/__admin/{}{path}", vendor.name()), "summary": summary,
            }));
        }
        for op in vendor.operations() {
            operations.push(json!({
                "vendor": vendor.name(), "id": op.id, "method": op.method.as_str(),
                "path": format!("/{}{}", vendor.name(), op.path), "summary": op.summary,
            }));
        }
        for kind in vendor.error_kinds() {
            kinds.push(json!({
                "vendor": vendor.name(), "kind": kind.name, "status": kind.status.as_u16(),
                "fields": kind.fields, "generic": kind.generic.iter().map(|g| g.name()).collect::<Vec<_>>(),
                "description": kind.description,
            }));
        }
    }
    json!({ "operations": operations, "error_kinds": kinds, "admin": admin })
}

async fn operations(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(catalogue(&state))
}

async fn reset(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let q = query_map(req.uri().query());
    let (vendor, tenant) = (
        q.get("vendor").map(String::as_str),
        q.get("tenant").map(String::as_str),
    );
    let targets: Vec<&dyn crate::vendor::Vendor> = match vendor {
        Some(name) => match state.vendor(name) {
            Some(v) => vec![v],
            None => return error(StatusCode::BAD_REQUEST, format!("unknown vendor '{name}'")),
        },
        None => state.vendors().iter().map(|v| v.as_ref()).collect(),
    };
    for v in &targets {
        v.store().reset(tenant);
        if let Some(i) = state.registry.index_of(v.name()) {
            state.stubs.reset(i, tenant);
        }
    }
    state.journal.clear(vendor, tenant);
    // One tenant's reset leaves every other tenant's scenario counts alone (parallel suites).
    match tenant {
        Some(t) => state.scenarios.reset_tenant(t),
        None => state.scenarios.reset_counters(),
    }
    Json(json!({ "reset": { "vendors": targets.iter().map(|v| v.name()).collect::<Vec<_>>(), "tenant": tenant } })).into_response()
}

async fn state_dump(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let q = query_map(req.uri().query());
    let tenant = q.get("tenant").map(String::as_str);
    let mut out = serde_json::Map::new();
    for vendor in state.vendors() {
        if q.get("vendor").is_some_and(|v| v != vendor.name()) {
            continue;
        }
        out.insert(vendor.name().to_owned(), vendor.store().dump(tenant));
    }
    if out.is_empty() {
        if let Some(v) = q.get("vendor") {
            return error(StatusCode::BAD_REQUEST, format!("unknown vendor '{v}'"));
        }
    }
    Json(Value::Object(out)).into_response()
}
