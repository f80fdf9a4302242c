//! A read creates no state: credentials that only read are answered as a fresh tenant would be,
//! and leave no tenant behind in `GET /__admin/state`.

use reqwest::Method;
use serde_json::json;

use crate::support::{bearer, fresh_token, TestServer};

/// Reads every vendor answers for a tenant with no records, as (method, path, body).
fn reads() -> Vec<(
    &'static str,
    Method,
    &'static str,
    Option<serde_json::Value>,
)> {
    vec![
        (
            "devrev",
            Method::POST,
            "/devrev/engagements.list",
            Some(json!({})),
        ),
        (
            "devrev",
            Method::POST,
            "/devrev/engagements.count",
            Some(json!({})),
        ),
        ("seismic", Method::GET, "/seismic/dsr/v1/dsrs", None),
        (
            "siro",
            Method::GET,
            "/siro/api-externalApi/v1/integrations/engagements?externalId=none",
            None,
        ),
        (
            "salesforce",
            Method::GET,
            "/salesforce/services/data/v63.0/query?q=SELECT+Id+FROM+EngagementInteraction",
            None,
        ),
        (
            "salesforce",
            Method::GET,
            "/salesforce/services/data/v63.0/limits",
            None,
        ),
        ("merge", Method::GET, "/merge/api/crm/v1/engagements", None),
        ("merge", Method::GET, "/merge/api/crm/v1/users", None),
        (
            "merge",
            Method::GET,
            "/merge/api/crm/v1/engagements/meta/post",
            None,
        ),
    ]
}

async fn read(
    s: &TestServer,
    token: &str,
    method: Method,
    path: &str,
    body: Option<&serde_json::Value>,
) -> (u16, serde_json::Value) {
    let auth = bearer(token);
    let headers = [("Authorization", auth.as_str()), ("X-Account-Token", token)];
    let a = s.request(method, path, &headers, body).await;
    (a.status, a.json)
}

#[tokio::test]
async fn fresh_credentials_doing_only_reads_leave_no_tenant() {
    let s = TestServer::start().await;
    let mut seen = Vec::new();
    for _ in 0..20 {
        let token = fresh_token("reader");
        for (vendor, method, path, body) in reads() {
            let (status, _) = read(&s, &token, method, path, body.as_ref()).await;
            assert_eq!(status, 200, "{vendor} {path}");
        }
        seen.push(token);
    }
    let state = s.admin_get("/state").await.json;
    for vendor in ["devrev", "seismic", "siro", "salesforce", "merge"] {
        let kept = state[vendor].as_object().map_or(0, |m| m.len());
        assert_eq!(
            kept, 0,
            "{vendor} kept tenants for reads: {}",
            state[vendor]
        );
    }
}

/// A reader's answers equal those the same credential gets once it has state: seeded reference
/// data (Merge's users, the meta schema) is the same whether or not the tenant was stored.
#[tokio::test]
async fn a_read_before_and_after_the_tenant_exists_answers_the_same() {
    let s = TestServer::start().await;
    let token = fresh_token("reader-same");
    let users = "/merge/api/crm/v1/users";
    let meta = "/merge/api/crm/v1/engagements/meta/post";
    let before = (
        read(&s, &token, Method::GET, users, None).await,
        read(&s, &token, Method::GET, meta, None).await,
    );
    // A write makes the tenant exist.
    let (status, _) = read(
        &s,
        &token,
        Method::POST,
        "/merge/api/crm/v1/engagements",
        Some(&json!({"model": {"subject": "x"}})),
    )
    .await;
    assert!(status < 500, "{status}");
    let after = (
        read(&s, &token, Method::GET, users, None).await,
        read(&s, &token, Method::GET, meta, None).await,
    );
    assert_eq!(before, after);
    assert!(before.0 .1["results"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
}
