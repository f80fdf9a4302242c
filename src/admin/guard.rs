//! What every admin call passes before its handler, and what every admin answer is turned into
//! after it: cross-site requests are refused (CSRF from a page the developer opens, DNS rebinding
//! onto the loopback listener), scenario uploads must say they are JSON or YAML, and refusals that
//! axum or hyper wrote as plain text or an empty body (405, 413, a bad path) are rewritten as the
//! admin's JSON.

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;

use crate::admin_reply::error;

/// Why a request is refused as cross-site, or `None` when it is not.
///
/// A browser names the page that sent a request in `Origin` and says how it relates to the target
/// in `Sec-Fetch-Site`; a script on another site can set neither. Without an admin token the
/// listener is on loopback (config refuses otherwise), so the `Host` a browser sends must be a
/// loopback name or an address: a page whose own name was rebound to 127.0.0.1 still sends its name.
pub fn cross_site(headers: &HeaderMap, token_set: bool) -> Option<String> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let host = text(header::HOST).unwrap_or("");
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        if site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site") {
            return Some(format!(
                "the admin API refuses cross-site requests (Sec-Fetch-Site: {site})"
            ));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let authority = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        if authority.is_none_or(|a| !a.eq_ignore_ascii_case(host)) {
            return Some(format!(
                "the admin API refuses cross-site requests (Origin {origin} is not this server)"
            ));
        }
    }
    if !token_set && !loopback_host(host) {
        return Some(format!(
            "the admin API without --admin-token answers only a loopback Host (localhost or an address), not '{host}'"
        ));
    }
    None
}

/// `localhost`, `*.localhost` or an IP literal, with or without a port.
fn loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => {
            return rest
                .split(']')
                .next()
                .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok())
        }
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::Ipv4Addr>().is_ok()
}

/// A scenario upload must be typed as JSON or YAML: a cross-site form or `text/plain` post (which a
/// browser sends without asking first) is refused before it is read.
pub fn upload_type_refused(req: &Request) -> Option<String> {
    if req.method() != Method::POST || req.uri().path() != "/scenarios" {
        return None;
    }
    let given = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = given
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let ok = matches!(
        essence.as_str(),
        "application/json"
            | "application/yaml"
            | "application/x-yaml"
            | "text/yaml"
            | "text/x-yaml"
    ) || essence.ends_with("+json")
        || essence.ends_with("+yaml");
    (!ok).then(|| {
        format!("a scenario upload needs Content-Type application/json or application/yaml, not '{given}'")
    })
}

/// An error answer that is not JSON (axum's 405 with no body, its 413 and path rejections in
/// plain text) rewritten as the admin's JSON, keeping its status and its text as the message.
pub async fn as_json(response: Response, method: &Method, path: &str) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let text = to_bytes(response.into_body(), 4096)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_owned();
    let message = match (status, text.is_empty()) {
        (StatusCode::METHOD_NOT_ALLOWED, _) => format!("/__admin{path} does not take {method}"),
        (_, false) => text,
        (_, true) => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let mut reply = error(status, message);
    if let Some(allow) = allow {
        reply.headers_mut().insert(header::ALLOW, allow);
    }
    reply
}
