//! The admin API refuses cross-site requests (CSRF from a page the developer opens, DNS rebinding
//! onto the loopback listener), needs a JSON or YAML type on scenario uploads, answers every
//! refusal in JSON, and takes `--body-limit` as its body limit.

use reqwest::Method;

use crate::support::{Answer, TestServer};

const DOC: &str = "name: csrf\nrules:\n  - { vendor: devrev, respond: { error: unavailable } }\n";

async fn post_scenario(s: &TestServer, headers: &[(&str, &str)]) -> Answer {
    let mut req = s.http.post(s.url("/__admin/scenarios")).body(DOC);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    s.send(req).await
}

fn assert_json_refusal(a: &Answer, status: u16) {
    assert_eq!(a.status, status, "{}", a.text);
    assert_eq!(
        a.header("content-type"),
        Some("application/json"),
        "{}",
        a.text
    );
    assert!(a.json["message"].is_string(), "{}", a.text);
    assert!(a.json["error"].is_string(), "{}", a.text);
}

#[tokio::test]
async fn a_cross_site_text_plain_post_loads_nothing() {
    let s = TestServer::start().await;
    let a = post_scenario(
        &s,
        &[
            ("Content-Type", "text/plain"),
            ("Origin", "http://evil.example"),
        ],
    )
    .await;
    assert_json_refusal(&a, 403);
    let reset = s
        .send(
            s.http
                .post(s.url("/__admin/reset"))
                .header("Origin", "http://evil.example")
                .header("Sec-Fetch-Site", "cross-site"),
        )
        .await;
    assert_json_refusal(&reset, 403);
    assert_eq!(
        s.admin_get("/scenarios").await.json["scenarios"],
        serde_json::json!([])
    );
}

#[tokio::test]
async fn sec_fetch_site_cross_site_is_refused_even_without_origin() {
    let s = TestServer::start().await;
    let a = s
        .send(
            s.http
                .get(s.url("/__admin/requests"))
                .header("Sec-Fetch-Site", "cross-site"),
        )
        .await;
    assert_json_refusal(&a, 403);
}

#[tokio::test]
async fn a_rebound_host_cannot_read_the_journal() {
    let s = TestServer::start().await;
    let a = s
        .send(
            s.http
                .get(s.url("/__admin/requests"))
                .header("Host", "rebind.evil.example"),
        )
        .await;
    assert_json_refusal(&a, 403);
    for host in ["localhost", "localhost:1234", "127.0.0.1:9", "[::1]:80"] {
        let ok = s
            .send(s.http.get(s.url("/__admin/health")).header("Host", host))
            .await;
        assert_eq!(ok.status, 200, "{host}: {}", ok.text);
    }
}

#[tokio::test]
async fn a_same_origin_page_is_served() {
    let s = TestServer::start().await;
    let origin = s.sim.base_url();
    let a = post_scenario(
        &s,
        &[
            ("Content-Type", "application/yaml"),
            ("Origin", &origin),
            ("Sec-Fetch-Site", "same-origin"),
        ],
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.text);
}

#[tokio::test]
async fn a_scenario_upload_needs_a_json_or_yaml_type() {
    let s = TestServer::start().await;
    for bad in ["text/plain", "application/x-www-form-urlencoded", ""] {
        let a = post_scenario(&s, &[("Content-Type", bad)]).await;
        assert_json_refusal(&a, 415);
    }
    let a = post_scenario(&s, &[("Content-Type", "application/json; charset=utf-8")]).await;
    // JSON is a YAML subset reader-wise; this YAML text typed as JSON is still read.
    assert_eq!(a.status, 201, "{}", a.text);
}

#[tokio::test]
async fn method_not_allowed_is_json() {
    let s = TestServer::start().await;
    let a = s.admin(Method::PUT, "/reset", None).await;
    assert_json_refusal(&a, 405);
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_json_413_at_the_configured_limit() {
    let s = TestServer::configured(|c| c.body_limit = 4096).await;
    let big = format!("name: big\ndescription: \"{}\"\n", "x".repeat(8000));
    let a = s
        .send(
            s.http
                .post(s.url("/__admin/scenarios"))
                .header("Content-Type", "application/yaml")
                .body(big),
        )
        .await;
    assert_json_refusal(&a, 413);
}

#[tokio::test]
async fn a_badly_encoded_path_is_a_json_400() {
    let s = TestServer::start().await;
    let a = s.admin(Method::DELETE, "/scenarios/%FF%FE", None).await;
    assert_json_refusal(&a, 400);
}
