//! Scenarios against Seismic over HTTP, REST and MCP: a `rate_limits` entry answers Seismic's 429
//! (`clientId`, `tenant`, "Try again in N seconds") with the `X-Seismic-*-Calls` headers; revoked and
//! forbidden credentials get the 401/403 envelope; a scripted native error renders exactly; faults
//! act on the HTTP connection; on MCP each of these comes back as an `isError` tool result carrying
//! the same Seismic body. Also the shipped `scenarios/seismic-*.yaml`.

use serde_json::{json, Value};

use super::{
    assert_error, call_failed, call_ok, connect, error_message, first_template, from_template,
};
use crate::support::scenario::{server_with, shipped};
use crate::support::{bearer, fresh_token, Answer, TestServer};

async fn list(s: &TestServer, token: &str) -> Answer {
    s.get("/seismic/dsr/v1/dsrs", &bearer(token)).await
}

#[tokio::test]
async fn a_rate_limit_answers_seismics_429_with_client_id_tenant_and_counters() {
    let s = server_with(
        "name: seismic-rl\nrate_limits:\n  - { vendor: seismic, requests: 2, per_seconds: 60 }\n",
    )
    .await;
    let token = fresh_token("seismic-rl");
    assert_eq!(list(&s, &token).await.status, 200);
    assert_eq!(list(&s, &token).await.status, 200);
    let a = list(&s, &token).await;
    assert_error(&a, 429);
    let message = error_message(&a);
    assert!(
        message.starts_with("Rate limit is exceeded. Try again in ")
            && message.ends_with(" seconds."),
        "{message}"
    );
    let secs: u64 = message
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap();
    assert!((1..=60).contains(&secs), "{message}");
    assert_eq!(a.json["clientId"].as_str().map(str::len), Some(36));
    assert!(a.json["tenant"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(a.header("x-seismic-total-calls"), Some("3"));
    assert!(a.header("x-seismic-remaining-calls").is_some());
    // Other tenants keep their own budget.
    assert_eq!(list(&s, &fresh_token("seismic-rl-other")).await.status, 200);
}

#[tokio::test]
async fn revoked_and_forbidden_credentials_get_the_401_and_403_envelopes() {
    let s = server_with(
        "name: seismic-auth\nauth:\n  revoked: [seismic-old]\n  forbidden: [seismic-readonly]\n",
    )
    .await;
    assert_error(&list(&s, "seismic-old").await, 401);
    assert_error(&list(&s, "seismic-readonly").await, 403);
    assert_eq!(list(&s, "seismic-fine").await.status, 200);
}

#[tokio::test]
async fn a_scripted_native_error_renders_exactly() {
    let s = server_with("name: seismic-err\nrules:\n  - vendor: seismic\n    operation: dsr.get\n    respond: { error: service_unavailable, message: Seismic is down for maintenance }\n  - vendor: seismic\n    operation: dsr.list\n    respond: { error: rate_limit_exceeded, retry_after: 12 }\n").await;
    let token = fresh_token("seismic-err");
    let a = s
        .get(
            "/seismic/dsr/v1/dsrs/00000000-0000-4000-8000-000000000000",
            &bearer(&token),
        )
        .await;
    assert_error(&a, 503);
    assert_eq!(
        a.json,
        json!({"statusCode": 503, "message": "Seismic is down for maintenance"})
    );
    let a = list(&s, &token).await;
    assert_error(&a, 429);
    assert_eq!(
        a.json["message"],
        "Rate limit is exceeded. Try again in 12 seconds."
    );
    assert!(a.json["clientId"].is_string() && a.json["tenant"].is_string());
}

#[tokio::test]
async fn a_connection_reset_fault_acts_on_a_create() {
    let s = server_with("name: seismic-fault\nrules:\n  - { vendor: seismic, operation: dsr.create, fault: connection_reset }\n").await;
    let token = fresh_token("seismic-fault");
    let template = first_template(&s, &token).await;
    let sent = s
        .http
        .post(s.url("/seismic/dsr/v1/dsrs/fromTemplate"))
        .header("Authorization", bearer(&token))
        .json(&json!({"templateId": template}))
        .send()
        .await;
    assert!(sent.is_err(), "the connection is reset: {sent:?}");
    assert_eq!(list(&s, &token).await.status, 200, "other operations work");
}

#[tokio::test]
async fn on_mcp_scenario_errors_come_back_as_is_error_tool_results() {
    let s = server_with("name: seismic-mcp\nrules:\n  - vendor: seismic\n    operation: tools.list_dsr_templates\n    when: { times: 1 }\n    respond: { error: internal_server_error, message: boom }\nrate_limits:\n  - { vendor: seismic, operation: tools.get_comments_from_dsr, requests: 1, per_seconds: 60 }\nauth:\n  revoked: [mcp-old]\n  forbidden: [mcp-readonly]\n").await;
    let token = fresh_token("seismic-mcp-sc");
    let client = connect(&s, &token).await;
    let text = call_failed(&client, "list_dsr_templates", json!({}), 500).await;
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["message"],
        "boom"
    );
    call_ok(&client, "list_dsr_templates", json!({})).await;

    let args = json!({"dsrId": "00000000-0000-4000-8000-000000000000", "systemId": "sf"});
    call_failed(&client, "get_comments_from_dsr", args.clone(), 404).await;
    let text = call_failed(&client, "get_comments_from_dsr", args, 429).await;
    let body: Value = serde_json::from_str(&text).unwrap();
    assert!(body["message"].as_str().unwrap().contains("Try again in"));
    assert!(
        body["clientId"].is_string() && body["tenant"].is_string(),
        "{text}"
    );
    client.cancel().await.unwrap();

    for (token, status) in [("mcp-old", 401), ("mcp-readonly", 403)] {
        let client = connect(&s, token).await;
        call_failed(&client, "list_dsr_templates", json!({}), status).await;
        client.cancel().await.unwrap();
    }
}

#[tokio::test]
async fn on_mcp_a_fault_acts_on_the_tools_call_connection() {
    let s = server_with("name: seismic-mcp-fault\nrules:\n  - { vendor: seismic, operation: tools.list_dsr_templates, fault: connection_reset }\n").await;
    let token = fresh_token("seismic-mcp-fault");
    let client = connect(&s, &token).await;
    let args = serde_json::Map::new();
    let result = client
        .call_tool(
            rmcp::model::CallToolRequestParams::new("list_dsr_templates").with_arguments(args),
        )
        .await;
    assert!(result.is_err(), "{result:?}");
}

#[tokio::test]
async fn the_shipped_scenario_throttles_the_second_and_third_room_create() {
    let s = server_with(&shipped("seismic-throttled-then-recovers.yaml")).await;
    let token = fresh_token("seismic-shipped");
    let template = first_template(&s, &token).await;
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let a = from_template(&s, &token, &json!({"templateId": template})).await;
        if a.status == 429 {
            assert_error(&a, 429);
            assert_eq!(
                a.json["message"],
                "Rate limit is exceeded. Try again in 2 seconds."
            );
            assert!(a.header("x-seismic-remaining-calls").is_some());
        }
        statuses.push(a.status);
    }
    // The third create goes over MCP: the same 429 as an isError result.
    let client = connect(&s, &token).await;
    call_failed(
        &client,
        "create_dsr_engagement",
        json!({"templateId": template}),
        429,
    )
    .await;
    call_ok(
        &client,
        "create_dsr_engagement",
        json!({"templateId": template}),
    )
    .await;
    client.cancel().await.unwrap();
    assert_eq!(statuses, [201, 429]);
}
