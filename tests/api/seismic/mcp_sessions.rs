//! MCP sessions belong to the credential that opened them: another tenant that learns a session's
//! id can neither use nor end it. And `--max-mcp-sessions` bounds how many stay open, closing the
//! least recently used first.

use reqwest::Method;
use serde_json::json;

use super::{initialize, rpc, MCP};
use crate::support::{bearer, fresh_token, TestServer};

fn list() -> serde_json::Value {
    json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
}

#[tokio::test]
async fn another_tenant_can_neither_use_nor_end_a_session() {
    let s = TestServer::start().await;
    let (owner, other) = (fresh_token("owner"), fresh_token("other"));
    let init = rpc(&s, Some(&owner), None, &initialize("2025-06-18")).await;
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let auth = bearer(&other);
    let end = [
        ("Authorization", auth.as_str()),
        ("Mcp-Session-Id", &session),
    ];
    let a = s.request(Method::DELETE, MCP, &end, None).await;
    assert_eq!(a.status, 404, "{}", a.text);
    assert_eq!(a.json["error"]["code"], -32001);
    assert_eq!(
        rpc(&s, Some(&other), Some(&session), &list()).await.status,
        404
    );
    // The owner's session is untouched.
    assert_eq!(
        rpc(&s, Some(&owner), Some(&session), &list()).await.status,
        200
    );
}

#[tokio::test]
async fn past_the_session_limit_the_least_recently_used_is_closed() {
    let s = TestServer::configured(|c| c.max_mcp_sessions = 2).await;
    let token = fresh_token("many");
    let mut sessions = Vec::new();
    for _ in 0..3 {
        let init = rpc(&s, Some(&token), None, &initialize("2025-06-18")).await;
        sessions.push(init.header("mcp-session-id").unwrap().to_owned());
    }
    assert_eq!(
        rpc(&s, Some(&token), Some(&sessions[0]), &list())
            .await
            .status,
        404,
        "the oldest was closed"
    );
    for newer in &sessions[1..] {
        assert_eq!(
            rpc(&s, Some(&token), Some(newer), &list()).await.status,
            200
        );
    }
}
