//! The scenario engine against Merge over HTTP: rate limits answer DRF's throttled 429 with
//! `Retry-After`, revoked and forbidden account tokens get Merge's 401 and 403, scripted native
//! error kinds render in Merge's envelopes, faults hit one operation, and the shipped scenario
//! acts as its comments say.

use serde_json::{json, Value};

use super::{typed_model, Linked};
use crate::support::scenario::{load, server_with, shipped};
use crate::support::TestServer;

#[tokio::test]
async fn a_rate_limit_answers_the_throttled_429_with_retry_after_per_account() {
    let s = server_with(
        "name: limited\nrate_limits:\n  - { vendor: merge, requests: 2, per_seconds: 60 }\n",
    )
    .await;
    let (a, b) = (Linked::new(&s), Linked::new(&s));
    for _ in 0..2 {
        assert_eq!(a.get("/engagements").await.status, 200);
    }
    let r = a.get("/engagements").await;
    assert_eq!(r.status, 429, "{}", r.text);
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    assert_eq!(
        r.json,
        json!({"detail": format!("Request was throttled. Expected available in {retry} seconds.")})
    );
    assert_eq!(
        b.get("/engagements").await.status,
        200,
        "limits are per account"
    );
}

#[tokio::test]
async fn revoked_and_forbidden_account_tokens() {
    let s = TestServer::start().await;
    let (old, ro, fine) = (Linked::new(&s), Linked::new(&s), Linked::new(&s));
    load(
        &s,
        &format!(
            "name: creds\nauth:\n  revoked: [{}]\n  forbidden: [{}]\n",
            old.account, ro.account
        ),
    )
    .await;
    let a = old.get("/engagements").await;
    assert_eq!(
        (a.status, &a.json),
        (401, &json!({"detail": "Invalid token."}))
    );
    let a = ro.create(typed_model("nope")).await;
    assert_eq!(
        (a.status, &a.json),
        (
            403,
            &json!({"detail": "You do not have permission to perform this action."})
        )
    );
    assert_eq!(fine.get("/engagements").await.status, 200);
}

#[tokio::test]
async fn scripted_native_kinds_render_in_merges_envelopes() {
    let s = server_with(r#"name: kinds
rules:
  - vendor: merge
    operation: engagements.create
    when: { nth: [1] }
    respond: { error: DUPLICATE_MODEL_EXISTS, message: "An engagement with this remote id exists.", pointer: /model/subject }
  - vendor: merge
    operation: engagements.meta_post
    respond: { error: service_unavailable, retry_after: 4 }
  - vendor: merge
    operation: engagements.list
    respond: { error: throttled, retry_after: 9 }
"#).await;
    let a = Linked::new(&s);
    let r = a.create(typed_model("dup")).await;
    assert_eq!(
        (r.status, &r.json),
        (
            400,
            &json!({"warnings": [], "errors": [{
                "source": {"pointer": "/model/subject"},
                "title": "Duplicate Model Exists",
                "detail": "An engagement with this remote id exists.",
                "problem_type": "DUPLICATE_MODEL_EXISTS",
                "block_merge_link": false,
                "raw_error": "An engagement with this remote id exists.",
                "error_code": 1005,
            }]})
        )
    );
    let r = a.get("/engagements/meta/post").await;
    assert_eq!(
        (r.status, r.header("retry-after"), r.json["detail"].as_str()),
        (
            503,
            Some("4"),
            Some("Service temporarily unavailable, try again later.")
        )
    );
    assert_eq!(a.create(typed_model("ok")).await.status, 201);
    let r = a.get("/engagements").await;
    assert_eq!(
        (r.status, r.header("retry-after"), &r.json),
        (
            429,
            Some("9"),
            &json!({"detail": "Request was throttled. Expected available in 9 seconds."})
        )
    );
}

#[tokio::test]
async fn a_malformed_body_fault_hits_only_its_operation() {
    let s = server_with("name: fault\nrules:\n  - { vendor: merge, operation: engagements.create, fault: malformed_body }\n").await;
    s.raw_replies();
    let a = Linked::new(&s);
    let r = a.create(typed_model("broken")).await;
    assert_eq!(r.status, 201);
    assert!(
        serde_json::from_str::<Value>(&r.text).is_err(),
        "{}",
        r.text
    );
    assert_eq!(
        a.get("/engagements").await.status,
        200,
        "reads are untouched"
    );
}

#[tokio::test]
async fn the_shipped_scenario_throttles_the_second_and_third_create_then_recovers() {
    let s = server_with(&shipped("merge-throttled-then-recovers.yaml")).await;
    let a = Linked::new(&s);
    let statuses = [
        a.create(typed_model("1")).await,
        a.create(typed_model("2")).await,
        a.create(typed_model("2 again")).await,
        a.create(typed_model("2 once more")).await,
    ];
    let got: Vec<(u16, Option<&str>)> = statuses
        .iter()
        .map(|r| (r.status, r.header("retry-after")))
        .collect();
    assert_eq!(
        got,
        vec![(201, None), (429, Some("1")), (429, Some("1")), (201, None)]
    );
    assert_eq!(
        statuses[1].json,
        json!({"detail": "Request was throttled. Expected available in 1 seconds."})
    );
    assert_eq!(
        a.all_ids(10).await.len(),
        2,
        "throttled creates stored nothing"
    );
    assert_eq!(
        a.get("/engagements").await.status,
        200,
        "reads are never throttled"
    );
}
