//! The Seismic MCP endpoint as an HTTP resource: the 401 challenge before any JSON-RPC, sessions,
//! 405 for GET, version checks, JSON-RPC errors for broken messages, and the journal entries of
//! tool calls. Facts: `shared/vendors/seismic.md` ("Seismic MCP server", "MCP framing").

use reqwest::Method;
use serde_json::{json, Value};

use super::{call, connect, initialize, message, rpc, MCP};
use crate::support::{bearer, fresh_token, TestServer};

#[tokio::test]
async fn no_bearer_token_is_401_with_a_resource_metadata_challenge() {
    // seismic.md "Seismic MCP server": unauthenticated POST -> 401 + WWW-Authenticate.
    let s = TestServer::start().await;
    let a = rpc(&s, None, None, &initialize("2025-06-18")).await;
    assert_eq!(a.status, 401);
    let challenge = a.header("www-authenticate").unwrap();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    let url = challenge
        .split("resource_metadata=\"")
        .nth(1)
        .unwrap()
        .trim_end_matches('"');
    assert!(
        url.ends_with("/seismic/mcp/.well-known/oauth-protected-resource/v1"),
        "{url}"
    );
    let meta = s.send(s.http.get(url)).await;
    assert_eq!(meta.json["resource"], s.url(MCP));
    let basic = s
        .send(
            s.http
                .post(s.url("/seismic/mcp/v1/tenants/acme"))
                .header("Authorization", "Basic eDp5")
                .json(&initialize("2025-06-18")),
        )
        .await;
    assert_eq!(basic.status, 401);
}

#[tokio::test]
async fn sessions_follow_the_streamable_http_rules() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let init = rpc(&s, Some(&token), None, &initialize("2025-06-18")).await;
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    assert_eq!(
        rpc(&s, Some(&token), Some(&session), &initialized)
            .await
            .status,
        202
    );
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let a = rpc(&s, Some(&token), Some(&session), &list).await;
    assert_eq!(a.status, 200);
    assert_eq!(message(&a)["result"]["tools"].as_array().unwrap().len(), 6);
    assert_eq!(
        rpc(&s, Some(&token), Some("no-such-session"), &list)
            .await
            .status,
        404
    );
    let unknown_method = json!({"jsonrpc": "2.0", "id": 3, "method": "resources/teleport"});
    assert_eq!(
        message(&rpc(&s, Some(&token), Some(&session), &unknown_method).await)["error"]["code"],
        -32601
    );
    let auth = bearer(&token);
    let bad_version = [
        ("Authorization", auth.as_str()),
        ("Accept", "application/json, text/event-stream"),
        ("Mcp-Session-Id", &session),
        ("MCP-Protocol-Version", "1999-01-01"),
    ];
    let a = s
        .request(Method::POST, MCP, &bad_version, Some(&list))
        .await;
    assert_eq!(a.status, 400);
    let get = [
        ("Authorization", auth.as_str()),
        ("Accept", "text/event-stream"),
    ];
    assert_eq!(s.request(Method::GET, MCP, &get, None).await.status, 405);
    let end = [
        ("Authorization", auth.as_str()),
        ("Mcp-Session-Id", &session),
    ];
    assert_eq!(s.request(Method::DELETE, MCP, &end, None).await.status, 200);
    assert_eq!(
        rpc(&s, Some(&token), Some(&session), &list).await.status,
        404
    );
}

#[tokio::test]
async fn tool_calls_are_journaled_under_their_operation_ids() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let client = connect(&s, &token).await;
    call(
        &client,
        "create_dsr_engagement",
        json!({"templateId": "none"}),
    )
    .await;
    call(&client, "list_dsr_templates", json!({})).await;
    let a = s.admin_get("/requests?vendor=seismic").await;
    let entries = a
        .json
        .as_array()
        .cloned()
        .or_else(|| a.json["requests"].as_array().cloned())
        .unwrap();
    let ops: Vec<(&str, u64)> = entries
        .iter()
        .map(|e| {
            (
                e["operation"].as_str().unwrap(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        vec![("dsr.create", 404), ("tools.list_dsr_templates", 200)]
    );
    assert_eq!(entries[0]["path"], "/seismic/mcp/v1");
}

#[tokio::test]
async fn broken_messages_get_json_rpc_errors_and_big_bodies_a_413() {
    let s = TestServer::configured(|c| c.body_limit = 4096).await;
    let token = fresh_token("seismic");
    let post = |body: String| {
        s.http
            .post(s.url(MCP))
            .header("Authorization", bearer(&token))
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .body(body)
    };
    for (body, code) in [
        ("{\"jsonrpc\": ".to_owned(), -32700),
        ("[".repeat(100), -32700),
        ("{\"id\": 1, \"method\": \"tools/list\"}".to_owned(), -32600),
        ("[1, 2]".to_owned(), -32600),
    ] {
        let a = s.send(post(body)).await;
        assert_eq!(a.status, 400, "{}", a.text);
        assert_eq!(a.json["error"]["code"], code, "{}", a.text);
        assert_eq!(a.json["id"], Value::Null);
    }
    let big = s
        .send(post(format!(
            "{{\"jsonrpc\": \"2.0\", \"method\": \"{}\"}}",
            "x".repeat(8192)
        )))
        .await;
    assert_eq!(big.status, 413);
    assert_eq!(big.json["statusCode"], 413);
    let missing_name = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {}});
    let init = rpc(&s, Some(&token), None, &initialize("2025-06-18")).await;
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let a = rpc(&s, Some(&token), Some(&session), &missing_name).await;
    assert!(
        message(&a)["error"]["code"].as_i64().is_some(),
        "{}",
        a.text
    );
}
