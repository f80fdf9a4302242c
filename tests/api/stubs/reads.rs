//! Stub calls that change nothing create no tenant, as the vendors' reads do: fresh credentials
//! reading through stubs leave `engagement_sim_stub_tenants` where it was; a write, or a read
//! that draws a fresh id (the tenant's id stream moves on), keeps one.

use super::*;

/// Beside the memos: a read that changes nothing, and one that draws a fresh id.
const MORE: &str = r#"  - id: memos.ping
    vendor: siro
    method: GET
    path: /v1/ping
    body: { ok: true, tenant: "{{tenant}}" }
  - id: memos.ticket
    vendor: siro
    method: GET
    path: /v1/ticket
    body: { ticket: "{{id.uuid}}" }
"#;

/// The stub tenants the simulator reports for Siro.
async fn stub_tenants(s: &TestServer) -> u64 {
    let m = s.admin_get("/metrics").await;
    assert_eq!(m.status, 200);
    m.text
        .lines()
        .find_map(|l| l.strip_prefix("engagement_sim_stub_tenants{vendor=\"siro\"} "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no stub tenant gauge: {}", m.text))
}

#[tokio::test]
async fn fresh_credentials_reading_through_stubs_leave_no_tenant() {
    let s = TestServer::start().await;
    load(&s, &memo_stubs("stub-reads", MORE)).await;
    assert_eq!(stub_tenants(&s).await, 0);
    for _ in 0..100 {
        let auth = bearer(&fresh_token("stub-reader"));
        assert_eq!(s.get("/siro/v1/memos/none", &auth).await.status, 404);
        let list = s.get("/siro/v1/memos", &auth).await;
        assert_eq!(list.json, json!({"memos": []}), "{}", list.text);
        assert_eq!(s.get("/siro/v1/ping", &auth).await.json["ok"], true);
    }
    assert_eq!(stub_tenants(&s).await, 0, "reads kept tenants");

    let writer = bearer(&fresh_token("stub-writer"));
    let put = s
        .put("/siro/v1/memos/m1", &writer, &json!({"text": "hi"}))
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(stub_tenants(&s).await, 1, "a write keeps its tenant");
    assert_eq!(s.get("/siro/v1/memos/m1", &writer).await.json["text"], "hi");
    assert_eq!(stub_tenants(&s).await, 1);

    // A read that mints an id moves the tenant's id stream on: it is kept, and the next call
    // mints another id.
    let minter = bearer(&fresh_token("stub-minter"));
    let first = s.get("/siro/v1/ticket", &minter).await.json["ticket"].clone();
    let second = s.get("/siro/v1/ticket", &minter).await.json["ticket"].clone();
    assert!(first.is_string());
    assert_ne!(first, second, "each call mints a new id");
    assert_eq!(stub_tenants(&s).await, 2);
}
