//! The scenario engine against Siro over HTTP: rate limits, revoked and forbidden tokens, scripted
//! native errors, a fault, and the shipped `scenarios/siro-*.yaml`.

use serde_json::{json, Value};

use super::{auth, BASE, BATCH, SYNC};
use crate::support::scenario::{server_with, shipped};

fn only_error(body: &Value) -> &str {
    let obj = body.as_object().expect("an object");
    assert_eq!(obj.len(), 1, "{body}");
    obj["error"].as_str().expect("error text")
}

#[tokio::test]
async fn a_rate_limit_answers_siros_429_with_retry_after_per_token() {
    let s = server_with(
        "name: limited\nrate_limits:\n  - { vendor: siro, requests: 2, per_seconds: 60 }\n",
    )
    .await;
    let (a, b) = (auth(), auth());
    let list = format!("{BASE}/engagements");
    for _ in 0..2 {
        assert_eq!(s.get(&list, &a).await.status, 200);
    }
    let r = s.get(&list, &a).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(only_error(&r.json).starts_with("Too many requests"));
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    assert_eq!(s.get(&list, &b).await.status, 200, "limits are per token");
}

#[tokio::test]
async fn revoked_and_forbidden_tokens_get_siros_401_and_403() {
    let s =
        server_with("name: creds\nauth:\n  revoked: [old-token]\n  forbidden: [read-only-token]\n")
            .await;
    let list = format!("{BASE}/engagements");
    let a = s.get(&list, "Bearer old-token").await;
    assert_eq!(a.status, 401);
    assert!(
        only_error(&a.json).starts_with("Unauthorized"),
        "{}",
        a.text
    );
    let a = s
        .put(SYNC, "Bearer read-only-token", &json!({"externalId": "x"}))
        .await;
    assert_eq!(a.status, 403);
    assert!(only_error(&a.json).starts_with("Forbidden"), "{}", a.text);
    assert_eq!(s.get(&list, &auth()).await.status, 200);
}

#[tokio::test]
async fn scripted_native_errors_render_exactly() {
    let s = server_with(
        r#"name: native
rules:
  - vendor: siro
    operation: engagements.sync
    match: { body: { "/externalId": "zod" } }
    respond: { error: validation_failed, path: [account, externalId], code: invalid_type }
  - vendor: siro
    operation: engagements.sync
    match: { body: { "/externalId": "ref" } }
    respond: { error: unresolved_reference }
  - vendor: siro
    operation: engagements.get
    respond: { error: unavailable }
"#,
    )
    .await;
    let auth = auth();
    let a = s.put(SYNC, &auth, &json!({"externalId": "zod"})).await;
    assert_eq!(a.status, 422);
    assert_eq!(a.json["name"], "ZodError");
    assert_eq!(
        a.json["issues"][0]["path"],
        json!(["account", "externalId"])
    );
    assert_eq!(a.json["issues"][0]["code"], "invalid_type");
    let a = s.put(SYNC, &auth, &json!({"externalId": "ref"})).await;
    assert_eq!(a.status, 400);
    only_error(&a.json);
    let a = s.get(&format!("{BASE}/engagements/x"), &auth).await;
    assert_eq!(a.status, 503);
    only_error(&a.json);
    // Nothing scripted was stored; other calls go through.
    let l = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(l.json["total"], 0);
}

#[tokio::test]
async fn a_fault_breaks_one_operation_only() {
    let s = server_with("name: fault\nrules:\n  - { vendor: siro, operation: engagements.sync, match: { body: { \"/externalId\": \"boom-1\" } }, fault: connection_reset }\n  - { vendor: siro, operation: engagements.list, fault: malformed_body }\n").await;
    s.raw_replies();
    let auth = auth();
    let err = s
        .http
        .put(s.url(SYNC))
        .header("Authorization", &auth)
        .json(&json!({"externalId": "boom-1"}))
        .send()
        .await;
    assert!(err.is_err(), "the connection is reset");
    let a = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(a.status, 200);
    let text = a.text;
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(
        s.put(SYNC, &auth, &json!({"externalId": "ok-1"}))
            .await
            .status,
        200
    );
    assert_eq!(s.admin_get("/health").await.status, 200);
}

#[tokio::test]
async fn the_shipped_scenario_throttles_then_recovers() {
    let s = server_with(&shipped("siro-sync-throttled-then-recovers.yaml")).await;
    let auth = auth();
    let mut statuses = Vec::new();
    for i in 0..4 {
        let a = s
            .put(SYNC, &auth, &json!({"externalId": format!("t-{i}")}))
            .await;
        if a.status == 429 {
            assert_eq!(a.header("retry-after"), Some("1"));
            only_error(&a.json);
        }
        statuses.push(a.status);
    }
    assert_eq!(statuses, [200, 429, 429, 200]);
    let batch = json!([{"externalId": "b-1"}, {"externalId": "b-2"}]);
    let a = s.put(BATCH, &auth, &batch).await;
    assert_eq!(a.status, 503, "{}", a.text);
    only_error(&a.json);
    assert_eq!(s.put(BATCH, &auth, &batch).await.status, 200);
    let l = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(l.json["total"], 4, "t-0, t-3, b-1, b-2 synced once each");
}
