//! Forwarding to the real vendor (`serve --proxy VENDOR=URL`): a call the simulator does not serve
//! (or every call, with `--proxy-all`) goes to the upstream with the caller's credentials and
//! headers, and its answer comes back as it was, minus hop-by-hop headers. `--record DIR` keeps
//! each exchange as a stub file ([`record`]) so the session replays offline with `--stubs DIR`.
//!
//! The route step decides whether a call is forwarded; this module only knows how.

pub mod record;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, Method, StatusCode};
use bytes::Bytes;

use crate::vendor::{ApiError, Operation, Reply, Vendor};

/// The operation id forwarded calls carry in the journal, logs and metrics.
pub static OPERATION: Operation = Operation {
    id: "proxy",
    method: Method::GET,
    path: "/{*rest}",
    request_schema: None,
    summary: "forwarded to the real vendor (--proxy)",
};

/// What `--proxy`, `--proxy-all`, `--proxy-timeout` and `--record` asked for.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Vendor name to the base URL its calls are forwarded to.
    pub upstreams: Vec<(String, String)>,
    /// Forward every call of a proxied vendor, built-ins and stubs too.
    pub all: bool,
    /// The longest an upstream exchange may take, connecting included.
    pub timeout: Duration,
    /// Where each forwarded exchange is written as a stub file.
    pub record: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            upstreams: Vec::new(),
            all: false,
            timeout: Duration::from_secs(30),
            record: None,
        }
    }
}

impl Settings {
    /// The upstream of `vendor`, if its calls are forwarded.
    pub fn upstream(&self, vendor: &str) -> Option<&str> {
        self.upstreams
            .iter()
            .find(|(v, _)| v == vendor)
            .map(|(_, url)| url.as_str())
    }
}

/// One call to forward: the request as it arrived, below the vendor prefix.
pub struct Outgoing<'a> {
    pub method: &'a Method,
    /// The path below the vendor prefix (`/accounts.get`), as sent.
    pub rest: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: Bytes,
}

/// Headers that describe one connection, not the message (RFC 9110 section 7.6.1), and the ones
/// the client recomputes; none is passed on in either direction. `accept-encoding` is dropped so
/// the vendor answers in plain bytes, which `--record` can keep as a stub body.
const HOP_BY_HOP: [&str; 11] = [
    "accept-encoding",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
];

fn passes(name: &HeaderName, extra: &HeaderMap) -> bool {
    let named_by_connection = extra
        .get_all(axum::http::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case(name.as_str()));
    !HOP_BY_HOP.contains(&name.as_str()) && name != "content-length" && !named_by_connection
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        upstream_client()
            // The caller sees the vendor's redirect as the vendor sent it.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|_| reqwest::Client::new())
    })
}

/// Where the system keeps its CA bundle, by distribution; `SSL_CERT_FILE` comes first.
const CA_BUNDLES: [&str; 3] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
];

/// A client for a real vendor's HTTPS. The TLS stack is built without a root store of its own, so
/// the system's CA bundle (or the PEM file `SSL_CERT_FILE` names, e.g. a test CA) is trusted
/// instead; `drift` shares it.
pub fn upstream_client() -> reqwest::ClientBuilder {
    let mut builder = reqwest::Client::builder();
    let named = std::env::var_os("SSL_CERT_FILE").map(PathBuf::from);
    let bundle = named
        .into_iter()
        .chain(CA_BUNDLES.iter().map(PathBuf::from))
        .find_map(|p| std::fs::read(p).ok());
    if let Some(pem) = bundle {
        for cert in reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default() {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder
}

/// Sends the call to `base` and answers with what came back. An upstream that cannot be reached
/// in time is `Err`: the answer in the vendor's envelope with its `unavailable` kind (its closest
/// kind to a gateway error; the message says which failure it was), which is not the vendor's
/// and so is never recorded.
pub async fn forward(
    vendor: &dyn Vendor,
    base: &str,
    call: Outgoing<'_>,
    timeout: Duration,
) -> Result<Reply, Reply> {
    let mut url = format!("{}{}", base.trim_end_matches('/'), call.rest);
    if let Some(q) = call.query {
        url.push('?');
        url.push_str(q);
    }
    let mut headers = HeaderMap::new();
    for (name, value) in call.headers {
        if passes(name, call.headers) {
            headers.append(name.clone(), value.clone());
        }
    }
    let sent = client()
        .request(call.method.clone(), &url)
        .headers(headers)
        .body(call.body)
        .timeout(timeout)
        .send();
    let answer = match sent.await {
        Ok(response) => {
            let status = response.status();
            let upstream_headers = response.headers().clone();
            response
                .bytes()
                .await
                .map(|b| (status, upstream_headers, b))
        }
        Err(e) => Err(e),
    };
    match answer {
        Ok((status, upstream_headers, body)) => {
            let mut reply = Reply::empty(
                StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY),
            );
            reply.headers.clear();
            for (name, value) in &upstream_headers {
                if passes(name, &upstream_headers) {
                    reply.headers.append(name.clone(), value.clone());
                }
            }
            reply.body = body;
            Ok(reply)
        }
        Err(e) => Err(unreachable_upstream(vendor, base, &e, timeout)),
    }
}

fn unreachable_upstream(
    vendor: &dyn Vendor,
    base: &str,
    error: &reqwest::Error,
    timeout: Duration,
) -> Reply {
    let what = if error.is_timeout() {
        format!(
            "did not answer within {} ms (--proxy-timeout)",
            timeout.as_millis()
        )
    } else if error.is_connect() {
        "could not be reached".to_owned()
    } else {
        "broke off the exchange".to_owned()
    };
    let message = format!("the upstream {base} {what}");
    let kind = vendor
        .find_kind("unavailable")
        .or_else(|| vendor.find_kind("server_error"));
    match kind {
        Some(kind) => vendor.render_error(&ApiError::new(kind, message)),
        None => Reply::json(
            StatusCode::BAD_GATEWAY,
            &serde_json::json!({"error": "bad_gateway", "message": message}),
        ),
    }
}
