//! The scenario engine against Salesforce over HTTP: rate limits and scripted errors answer the
//! org-limit 403 (no 429, no Retry-After), revoked and forbidden credentials answer Salesforce's
//! 401 and 403 arrays, native kinds render exactly, faults hit one operation, and the shipped
//! `salesforce-request-limit-then-recovers` scenario acts as its comments say.

use serde_json::json;

use super::{assert_error, create, minimal_body, V};
use crate::support::scenario::{server_with, shipped};
use crate::support::{bearer, fresh_token};

const QUERY: &str = "/query?q=SELECT+Id+FROM+EngagementInteraction";

#[tokio::test]
async fn a_rate_limit_answers_request_limit_exceeded_without_retry_after() {
    let s = server_with("name: sf-limited\nrate_limits:\n  - { vendor: salesforce, requests: 2, per_seconds: 60 }\n").await;
    let (a, b) = (bearer(&fresh_token("sf-rl")), bearer(&fresh_token("sf-rl")));
    for _ in 0..2 {
        assert_eq!(s.get(&format!("{V}{QUERY}"), &a).await.status, 200);
    }
    let r = s.get(&format!("{V}{QUERY}"), &a).await;
    assert_error(&r, 403, "REQUEST_LIMIT_EXCEEDED");
    assert_eq!(r.json[0]["message"], "TotalRequests Limit exceeded.");
    assert_eq!(r.header("retry-after"), None, "Salesforce sends none");
    assert_eq!(
        r.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(
        s.get(&format!("{V}{QUERY}"), &b).await.status,
        200,
        "per tenant"
    );
}

#[tokio::test]
async fn revoked_and_forbidden_sessions_answer_salesforces_401_and_403() {
    let s = server_with(
        "name: sf-creds\nauth:\n  revoked: [sf-old-session]\n  forbidden: [sf-read-only]\n",
    )
    .await;
    let a = s.get(&format!("{V}{QUERY}"), "Bearer sf-old-session").await;
    assert_error(&a, 401, "INVALID_SESSION_ID");
    assert_eq!(
        a.json,
        json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
    );
    let a = create(&s, "Bearer sf-read-only", &minimal_body()).await;
    assert_error(&a, 403, "INSUFFICIENT_ACCESS_OR_READONLY");
    assert_eq!(
        create(&s, "Bearer sf-fine", &minimal_body()).await.status,
        201
    );
}

#[tokio::test]
async fn a_scripted_native_error_renders_exactly() {
    let s = server_with("name: sf-dup\nrules:\n  - vendor: salesforce\n    operation: engagement_interactions.create\n    respond: { error: DUPLICATE_VALUE, message: 'duplicate value found: externalIdentifierId', fields: [externalIdentifierId] }\n  - { vendor: salesforce, operation: query.run, respond: { error: unavailable } }\n").await;
    let auth = bearer(&fresh_token("sf-dup"));
    let a = create(&s, &auth, &minimal_body()).await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert_eq!(
        a.json,
        json!([{"message": "duplicate value found: externalIdentifierId", "errorCode": "DUPLICATE_VALUE", "fields": ["externalIdentifierId"]}])
    );
    let a = s.get(&format!("{V}{QUERY}"), &auth).await;
    assert_error(&a, 503, "SERVER_UNAVAILABLE");
}

#[tokio::test]
async fn a_fault_hits_one_operation_only() {
    let s = server_with("name: sf-fault\nrules:\n  - { vendor: salesforce, operation: query.run, fault: malformed_body }\n").await;
    s.raw_replies();
    let auth = bearer(&fresh_token("sf-fault"));
    let a = s.get(&format!("{V}{QUERY}"), &auth).await;
    assert_eq!(a.status, 200);
    let text = a.text;
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );
    assert_eq!(create(&s, &auth, &minimal_body()).await.status, 201);
}

#[tokio::test]
async fn the_shipped_scenario_throttles_the_second_and_third_create() {
    let s = server_with(&shipped("salesforce-request-limit-then-recovers.yaml")).await;
    let auth = bearer(&fresh_token("sf-ship"));
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let a = create(&s, &auth, &minimal_body()).await;
        if a.status == 403 {
            assert_error(&a, 403, "REQUEST_LIMIT_EXCEEDED");
            assert_eq!(a.header("retry-after"), None);
        }
        statuses.push(a.status);
    }
    assert_eq!(statuses, [201, 403, 403, 201, 201]);
}
