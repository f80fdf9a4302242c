//! Seismic under `/seismic`: the REST resources (rooms, link deliveries, the template report) and
//! the MCP server at `/seismic/mcp/v1`, their envelopes, counters, seeded tenant data, isolation,
//! scenarios, properties and the state file. Facts: `shared/vendors/seismic.md`. Shared here: the
//! REST helpers and an MCP client (rmcp's, as an agent would drive it, and raw JSON-RPC over HTTP).

mod mcp;
mod mcp_http;
mod mcp_sessions;
mod props;
mod record_bytes;
mod rooms;
mod scenarios;
mod state;

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{json, Value};

use crate::support::{assert_contract, bearer, Answer, TestServer};

/// The tenant's seeded records, read through the admin state dump.
pub async fn tenant_state(s: &TestServer, token: &str) -> Value {
    // Reads create no state, so the tenant is made to exist by a write that changes nothing:
    // adding no templates.
    let path = format!("/seismic/templates?tenant={token}");
    let made = s
        .admin(reqwest::Method::POST, &path, Some(&json!([])))
        .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let a = s
        .admin_get(&format!("/state?vendor=seismic&tenant={token}"))
        .await;
    a.json["seismic"]
        .as_object()
        .and_then(|m| m.values().next())
        .cloned()
        .expect("the tenant has state")
}

pub fn context() -> Value {
    json!({
        "contextId": "00646000009eMGL", "contextName": "Edge Communications",
        "contextType": "Opportunity", "systemId": "00566547531rXYZ", "systemType": "Salesforce",
    })
}

pub async fn first_template(s: &TestServer, token: &str) -> String {
    tenant_state(s, token).await["templates"][0]["templateId"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn from_template(s: &TestServer, token: &str, body: &Value) -> Answer {
    s.post("/seismic/dsr/v1/dsrs/fromTemplate", &bearer(token), body)
        .await
}

/// The `message` of a Seismic error body; panics when there is none.
pub fn error_message(a: &Answer) -> &str {
    a.json["message"].as_str().expect("a message")
}

/// Asserts a refusal: its status, Seismic's envelope, and the same status as `statusCode` in it.
pub fn assert_error(a: &Answer, status: u16) {
    assert_eq!(a.status, status, "{}", a.text);
    assert_contract("seismic", "error.response.json", &a.json);
    assert_eq!(a.json["statusCode"], status);
}

/// The MCP endpoint.
pub const MCP: &str = "/seismic/mcp/v1";

pub type Client = RunningService<RoleClient, ()>;

pub async fn connect(s: &TestServer, token: &str) -> Client {
    let config = StreamableHttpClientTransportConfig::with_uri(s.url(MCP)).auth_header(token);
    let transport = StreamableHttpClientTransport::from_config(config);
    ().serve(transport)
        .await
        .expect("the MCP client initializes")
}

pub async fn call(client: &Client, tool: &str, args: Value) -> CallToolResult {
    let Value::Object(args) = args else {
        panic!("arguments are an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(args))
        .await
        .expect("tools/call is answered")
}

/// A success: structured content valid against the tool's output contract, and the same JSON as text.
pub fn ok(result: &CallToolResult, tool: &str) -> Value {
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let structured = result
        .structured_content
        .clone()
        .expect("structuredContent");
    assert_contract(
        "seismic",
        &format!("tools.{tool}.response.json"),
        &structured,
    );
    let text = result.content[0]
        .as_text()
        .expect("a text block")
        .text
        .clone();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), structured);
    structured
}

/// A tool failure: `isError` with Seismic's REST error body as text.
pub fn failed(result: &CallToolResult, status: u16) -> String {
    assert_eq!(result.is_error, Some(true), "{result:?}");
    let text = result.content[0]
        .as_text()
        .expect("a text block")
        .text
        .clone();
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_contract("seismic", "error.response.json", &body);
    assert_eq!(body["statusCode"], status, "{text}");
    text
}

pub async fn rpc(
    s: &TestServer,
    token: Option<&str>,
    session: Option<&str>,
    body: &Value,
) -> Answer {
    let mut req = s
        .http
        .post(s.url(MCP))
        .header("Accept", "application/json, text/event-stream")
        .json(body);
    if let Some(t) = token {
        req = req.header("Authorization", bearer(t));
    }
    if let Some(id) = session {
        req = req
            .header("Mcp-Session-Id", id)
            .header("MCP-Protocol-Version", "2025-06-18");
    }
    s.send(req).await
}

/// Calls `tool` and checks its success as `ok` does.
pub async fn call_ok(client: &Client, tool: &str, args: Value) -> Value {
    ok(&call(client, tool, args).await, tool)
}

/// Calls `tool` and checks its failure with `status` as `failed` does.
pub async fn call_failed(client: &Client, tool: &str, args: Value, status: u16) -> String {
    failed(&call(client, tool, args).await, status)
}

pub fn initialize(version: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})
}

/// The JSON-RPC message of an SSE or JSON answer.
pub fn message(a: &Answer) -> Value {
    if a.json != Value::Null {
        return a.json.clone();
    }
    a.text
        .lines()
        .rev()
        .filter_map(|l| l.strip_prefix("data:"))
        .find_map(|d| serde_json::from_str(d.trim()).ok())
        .unwrap_or(Value::Null)
}
