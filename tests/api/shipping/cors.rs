//! `--cors-origin`: browser preflights to any vendor route are answered and cross-origin calls
//! carry the CORS headers, on the main port and on `--vendor-listen` ports; off by default, and
//! never on the admin API.

use reqwest::Method;
use serde_json::json;

use crate::support::TestServer;

const ORIGIN: &str = "http://app.example.test";

async fn preflight(s: &TestServer, url: &str, origin: &str) -> reqwest::Response {
    s.http
        .request(Method::OPTIONS, url)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap()
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    r.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn preflight_and_cross_origin_call_are_allowed_for_the_configured_origin() {
    let s = TestServer::configured(|c| {
        c.cors_origins = vec![ORIGIN.to_owned()];
        c.vendor_listen = vec![("devrev".into(), "127.0.0.1:0".parse().unwrap())];
    })
    .await;
    let own_port = format!("http://{}", s.sim.vendor_addrs()[0].1);
    for url in [
        s.url("/devrev/engagements.create"),
        s.url("/seismic/dsr/v1/dsrs/fromTemplate"),
        s.url("/seismic/mcp/v1"),
        format!("{own_port}/engagements.create"),
    ] {
        let pre = preflight(&s, &url, ORIGIN).await;
        assert!(pre.status().is_success(), "{url}: {}", pre.status());
        assert_eq!(
            header(&pre, "access-control-allow-origin"),
            Some(ORIGIN),
            "{url}"
        );
        let methods = header(&pre, "access-control-allow-methods").unwrap_or("");
        assert!(methods.contains("POST"), "{url}: {methods}");
        // Listed, not `*`: a wildcard never covers Authorization.
        let headers = header(&pre, "access-control-allow-headers").unwrap_or("");
        assert!(headers.contains("authorization"), "{url}: {headers}");
    }
    let created = s
        .http
        .post(s.url("/devrev/engagements.create"))
        .header("Origin", ORIGIN)
        .bearer_auth("cors-tenant")
        .json(&json!({"title": "From a browser", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(
        header(&created, "access-control-allow-origin"),
        Some(ORIGIN)
    );
    // A refusal in the vendor's envelope still carries the headers, or the page could not read it.
    let refused = s
        .http
        .post(format!("{own_port}/engagements.create"))
        .header("Origin", ORIGIN)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        header(&refused, "access-control-allow-origin"),
        Some(ORIGIN)
    );
    // Another origin is not allowed; the admin API never answers cross-origin.
    let other = preflight(&s, &s.url("/devrev/engagements.create"), "http://evil.test").await;
    assert_eq!(header(&other, "access-control-allow-origin"), None);
    let admin = s
        .http
        .get(s.url("/__admin/health"))
        .header("Origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&admin, "access-control-allow-origin"), None);
    s.sim.stop().await;
}

#[tokio::test]
async fn any_origin_with_a_star() {
    let s = TestServer::configured(|c| c.cors_origins = vec!["*".to_owned()]).await;
    let pre = preflight(
        &s,
        &s.url("/merge/api/crm/v1/engagements"),
        "http://anything.test",
    )
    .await;
    assert!(pre.status().is_success());
    assert_eq!(header(&pre, "access-control-allow-origin"), Some("*"));
    s.sim.stop().await;
}

#[tokio::test]
async fn off_by_default() {
    let s = TestServer::start().await;
    let pre = preflight(&s, &s.url("/devrev/engagements.create"), ORIGIN).await;
    assert_eq!(header(&pre, "access-control-allow-origin"), None);
    s.sim.stop().await;
}
