//! The test support checks every answer from a vendor path against its response contract: a body
//! that breaks its contract fails the test that received it, unless the server opted out.

use serde_json::json;

use crate::support::scenario::server_with;

const BROKEN: &str = r#"
name: broken-shape
rules:
  - vendor: devrev
    operation: engagements.count
    respond: { status: 200, body: { count: "many" } }
  - vendor: devrev
    operation: engagements.list
    respond: { status: 400, body: { kind: "not DevRev's envelope" } }
"#;

#[tokio::test]
#[should_panic(expected = "breaks contracts/devrev/engagements.count.response.json")]
async fn a_success_body_that_breaks_its_contract_fails_the_test() {
    let s = server_with(BROKEN).await;
    s.post("/devrev/engagements.count", "Bearer c", &json!({}))
        .await;
}

#[tokio::test]
#[should_panic(expected = "breaks contracts/devrev/error.response.json")]
async fn an_error_body_that_breaks_the_error_contract_fails_the_test() {
    let s = server_with(BROKEN).await;
    s.post("/devrev/engagements.list", "Bearer c", &json!({}))
        .await;
}

#[tokio::test]
async fn a_server_that_scripts_raw_replies_opts_out() {
    let s = server_with(BROKEN).await;
    s.raw_replies();
    let a = s
        .post("/devrev/engagements.count", "Bearer c", &json!({}))
        .await;
    assert_eq!(a.json, json!({"count": "many"}));
}
