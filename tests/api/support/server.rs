//! A real simulator on an ephemeral port, an HTTP client for it, and answers read whole.

use engagement_sim::{Config, Simulator};
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::Method;
use serde_json::{json, Value};

/// A simulator started for one test (or one property), and a client to talk HTTP to it.
pub struct TestServer {
    pub sim: Simulator,
    pub http: reqwest::Client,
    /// Whether answers from vendor paths are checked against their response contracts (on
    /// unless a test scripts raw answers: see [`TestServer::raw_replies`]).
    check_contracts: AtomicBool,
}

/// A response read whole: status, headers and the body as JSON (or `Value::Null`).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    /// What a snapshot of this answer pins: the status code and the JSON body.
    pub fn status_and_body(&self) -> Value {
        status_and_body(self.status, &self.json)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::with_config(Config::ephemeral()).await
    }

    /// A simulator on `Config::ephemeral()` with the settings `tweak` changes.
    pub async fn configured(tweak: impl FnOnce(&mut Config)) -> TestServer {
        let mut config = Config::ephemeral();
        tweak(&mut config);
        TestServer::with_config(config).await
    }

    pub async fn with_config(config: Config) -> TestServer {
        let sim = Simulator::start(config).await.expect("simulator starts");
        TestServer {
            sim,
            http: reqwest::Client::new(),
            check_contracts: AtomicBool::new(true),
        }
    }

    /// For tests whose scenarios script raw answers (bodies of their own making, not the
    /// vendor's): answers from this server are no longer checked against response contracts.
    pub fn raw_replies(&self) {
        self.check_contracts.store(false, Ordering::Relaxed);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    /// Sends a request and reads the whole answer; an answer from a vendor path must match its
    /// response contract (see `support::checked`).
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        self.exchange(req, self.check_contracts.load(Ordering::Relaxed))
            .await
    }

    /// Sends a request whose answer a scenario may have scripted raw (a test's own body, not the
    /// vendor's), so it is not checked against a contract; on a server shared with other tests,
    /// where [`TestServer::raw_replies`] would switch the check off for them too.
    pub async fn send_raw(&self, req: reqwest::RequestBuilder) -> Answer {
        self.exchange(req, false).await
    }

    async fn exchange(&self, req: reqwest::RequestBuilder, check: bool) -> Answer {
        let (client, req) = req.build_split();
        let req = req.expect("request builds");
        let method = req.method().clone();
        let res = client.execute(req).await.expect("request is answered");
        let url = res.url().clone();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body is read");
        if check {
            super::checked::check_answer(
                &method,
                &url,
                self.sim.addr(),
                self.sim.vendor_addrs(),
                status,
                headers
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok()),
                &text,
            );
        }
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn get(&self, path: &str, auth: &str) -> Answer {
        self.authorized(Method::GET, path, auth, None).await
    }

    pub async fn post(&self, path: &str, auth: &str, body: &Value) -> Answer {
        self.authorized(Method::POST, path, auth, Some(body)).await
    }

    pub async fn put(&self, path: &str, auth: &str, body: &Value) -> Answer {
        self.authorized(Method::PUT, path, auth, Some(body)).await
    }

    pub async fn delete(&self, path: &str, auth: &str) -> Answer {
        self.authorized(Method::DELETE, path, auth, None).await
    }

    /// A call with `auth` as its `Authorization` header and, optionally, a JSON body.
    async fn authorized(
        &self,
        method: Method,
        path: &str,
        auth: &str,
        body: Option<&Value>,
    ) -> Answer {
        self.request(method, path, &[("Authorization", auth)], body)
            .await
    }

    /// A request with a raw body and content type of the caller's choosing (malformed JSON,
    /// wrong content types...).
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        auth: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        self.send(
            self.http
                .request(method, self.url(path))
                .header("Authorization", auth)
                .header("Content-Type", content_type)
                .body(body),
        )
        .await
    }

    /// Any request with the given headers and, optionally, a JSON body: for vendors whose
    /// credentials take more than one header, and for calls that must omit or mangle one.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Answer {
        let mut req = self.http.request(method, self.url(path));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        self.send(req).await
    }

    /// An admin GET (no credentials).
    pub async fn admin_get(&self, path: &str) -> Answer {
        self.admin(Method::GET, path, None).await
    }

    /// An admin call (no credentials).
    pub async fn admin(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let mut req = self
            .http
            .request(method, self.url(&format!("/__admin{path}")));
        if let Some(b) = body {
            req = req.json(b);
        }
        self.send(req).await
    }
}

/// A response as snapshots hold it: `{"status": 201, "body": {...}}`, so that a changed status fails
/// the snapshot as a changed body does.
pub fn status_and_body(status: u16, body: &Value) -> Value {
    json!({"status": status, "body": body})
}

/// Starts a simulator that must refuse to start (a broken state file or scenario), on a runtime
/// of its own; answers the refusal's message.
pub fn start_refused(config: Config) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(Simulator::start(config))
        .err()
        .expect("refused")
}
