//! The dashboard at `/__admin/ui`: one HTML page, a script and a style sheet, built into the
//! binary so it works offline and needs nothing from outside this server.
//!
//! Access: the page sits behind the admin token like every other admin route. A browser cannot
//! add a header to a navigation, so the page alone also takes the token as `?token=`; the script
//! then keeps it in the tab's `sessionStorage`, removes it from the address bar and history, and
//! sends it as a bearer token on every call (the data routes never read it from the query).
//! Without a valid token the page route answers 401 with a small form asking for it. The script
//! and style sheet hold no data and are the same for every install, so they are served without
//! the token, which lets the browser load them the ordinary way. The page forbids inline script,
//! framing and outside connections, because it shows bodies that any caller chose.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const PAGE: &str = include_str!("ui/index.html");
const LOGIN: &str = include_str!("ui/login.html");
const SCRIPT: &str = include_str!("ui/app.js");
const STYLE: &str = include_str!("ui/app.css");

/// The page's path under `/__admin`, the one path that takes `?token=`.
pub const PAGE_PATH: &str = "/ui";

const POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
    img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(PAGE_PATH, get(|| async { page(StatusCode::OK, PAGE) }))
        .route(
            "/ui/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/ui/app.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
}

/// Paths under `/__admin` served without the token (see the module doc).
pub fn is_public(path: &str) -> bool {
    matches!(path, "/ui/app.js" | "/ui/app.css")
}

/// The `token` query parameter, read only for the page itself.
pub fn query_token(path: &str, query: Option<&str>) -> Option<String> {
    if path != PAGE_PATH {
        return None;
    }
    crate::admin_reply::query_map(query).remove("token")
}

/// The answer to the page without a valid token: a form that asks for it.
pub fn login() -> Response {
    page(StatusCode::UNAUTHORIZED, LOGIN)
}

fn page(status: StatusCode, html: &'static str) -> Response {
    let mut res = (status, html).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    // The address may still hold `?token=` when the page loads.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}
