//! `--max-tenants`: each vendor keeps at most that many tenants; a new credential past it makes
//! the least recently used tenant go, so fresh credentials cannot grow memory without bound.

use serde_json::{json, Value};

use crate::support::{bearer, fresh_token, TestServer};

fn body() -> Value {
    json!({"title": "QBR", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})
}

async fn tenants(s: &TestServer) -> usize {
    s.admin_get("/state?vendor=devrev").await.json["devrev"]
        .as_object()
        .map_or(0, |m| m.len())
}

async fn has_engagement(s: &TestServer, token: &str) -> bool {
    let a = s
        .post("/devrev/engagements.list", &bearer(token), &json!({}))
        .await;
    !a.json["engagements"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .is_empty()
}

#[tokio::test]
async fn past_the_tenant_limit_the_least_recently_used_tenant_goes() {
    let s = TestServer::configured(|c| c.max_tenants = 3).await;
    let tokens: Vec<String> = (0..5).map(|_| fresh_token("budget")).collect();
    for (i, t) in tokens.iter().enumerate() {
        let a = s
            .post("/devrev/engagements.create", &bearer(t), &body())
            .await;
        assert_eq!(a.status, 201, "{}", a.text);
        if i == 1 {
            // Token 0 is used again, so token 1 is now the least recently used.
            assert!(has_engagement(&s, &tokens[0]).await);
        }
        assert!(tenants(&s).await <= 3);
    }
    assert_eq!(tenants(&s).await, 3);
    assert!(has_engagement(&s, &tokens[4]).await);
    assert!(has_engagement(&s, &tokens[3]).await);
}

#[tokio::test]
async fn many_fresh_credentials_stay_within_the_tenant_limit() {
    let s = TestServer::configured(|c| c.max_tenants = 20).await;
    for _ in 0..200 {
        let t = fresh_token("flood");
        assert_eq!(
            s.post("/devrev/engagements.create", &bearer(&t), &body())
                .await
                .status,
            201
        );
    }
    assert_eq!(tenants(&s).await, 20);
}

/// A tenant forgotten under the limit loses its records, never its ids: when its client comes
/// back, DevRev numbers go on and Siro's UUIDs come from a stream it has not drawn from.
#[tokio::test]
async fn a_tenant_that_comes_back_is_never_given_an_id_twice() {
    let s = TestServer::configured(|c| c.max_tenants = 1).await;
    let (a, b) = (fresh_token("return-a"), fresh_token("return-b"));
    let create = |t: String| {
        let s = &s;
        async move {
            let c = s
                .post("/devrev/engagements.create", &bearer(&t), &body())
                .await;
            assert_eq!(c.status, 201, "{}", c.text);
            c.json["engagement"]["display_id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let sync = |t: String, external: &'static str| {
        let s = &s;
        async move {
            let c = s
                .put(
                    "/siro/api-externalApi/v1/integrations/sync/engagements",
                    &bearer(&t),
                    &json!({"externalId": external}),
                )
                .await;
            assert_eq!(c.status, 200, "{}", c.text);
            c.json["data"]["id"].as_str().unwrap().to_owned()
        }
    };
    let first = create(a.clone()).await;
    let first_siro = sync(a.clone(), "e-1").await;
    // b takes the only place; a is forgotten with its records.
    create(b.clone()).await;
    sync(b.clone(), "e-1").await;
    let again = create(a.clone()).await;
    let again_siro = sync(a.clone(), "e-1").await;
    assert_eq!((first.as_str(), again.as_str()), ("ENG-1", "ENG-2"));
    assert_ne!(first_siro, again_siro);
}

/// `--max-record-bytes`: a vendor keeps at most that many bytes of records across all its
/// tenants; past it the least recently used tenants go before the next write, so many tenants
/// each within `--tenant-record-bytes` still cannot add up without bound.
#[tokio::test]
async fn past_the_record_byte_budget_the_least_recently_used_tenants_go() {
    let s = TestServer::configured(|c| c.max_record_bytes = 100_000).await;
    let tokens: Vec<String> = (0..10).map(|_| fresh_token("bytes-budget")).collect();
    let mut big = body();
    big["description"] = json!("x".repeat(30_000));
    for t in &tokens {
        let a = s.post("/devrev/engagements.create", &bearer(t), &big).await;
        assert_eq!(a.status, 201, "{}", a.text);
        // Each tenant holds ~30 KB: within a 100 KB budget at most four are kept after a write.
        assert!(tenants(&s).await <= 4, "{} tenants kept", tenants(&s).await);
    }
    assert!(
        has_engagement(&s, &tokens[9]).await,
        "the newest tenant keeps its record"
    );
    assert!(
        !has_engagement(&s, &tokens[0]).await,
        "the oldest tenant was forgotten"
    );
    let kept = tenants(&s).await;
    assert!((3..=4).contains(&kept), "{kept} tenants kept");
}
