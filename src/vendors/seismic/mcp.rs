//! The Seismic MCP server at `/seismic/mcp/v1` (and `/seismic/mcp/v1/tenants/{tenant}`), built on
//! rmcp's streamable HTTP transport inside the simulator's own HTTP server.
//!
//! In front of rmcp, a bearer token is required (HTTP 401 with `WWW-Authenticate: Bearer
//! resource_metadata=...` before any JSON-RPC, as Seismic answers) and `GET` is refused with 405
//! (no server-to-client stream is offered). rmcp then does sessions, version negotiation and the
//! JSON-RPC errors. Each `tools/call` runs through the [`Gateway`] it is handed, so tool calls meet
//! credentials, scenarios, contract validation (the tool's input schema), the handler and the
//! journal exactly as REST calls do; a vendor error comes back as an `isError` result carrying the
//! REST error body, and a scenario's connection fault is carried out on the HTTP response.

use std::sync::{Arc, LazyLock, Mutex};

use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use http_body_util::BodyExt;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    InitializeResult, ListToolsResult, PaginatedRequestParams, ProtocolVersion, ServerCapabilities,
    Tool,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{json, Value};

use super::errors;
use crate::fault::Fault;
use crate::respond::into_response;
use crate::store::lock::lock;
use crate::vendor::{ApiError, Gateway, Invocation, Reply};

/// The header that carries an MCP session's id.
const SESSION_HEADER: &str = "mcp-session-id";

/// The MCP endpoint below the prefix; every tool operation is served there.
pub const MCP_PATH: &str = "/mcp/v1";

/// The tool definitions, as captured from Seismic's tool pages (`seismic-mcp-tools.json`).
const TOOLS_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/contracts/seismic/mcp-tools.json"
));

/// Each served tool and the operation id its calls run under. `generate_livesend_link` is in the
/// captured file but not served (its input schema was cut off and it makes no DSR).
pub const TOOL_OPERATIONS: &[(&str, &str)] = &[
    ("list_dsr_templates", "tools.list_dsr_templates"),
    ("create_dsr_engagement", "dsr.create"),
    (
        "create_dsr_engagement_with_meeting_followup",
        "tools.create_dsr_engagement_with_meeting_followup",
    ),
    ("add_content_to_dsr", "tools.add_content_to_dsr"),
    ("get_comments_from_dsr", "tools.get_comments_from_dsr"),
    (
        "get_the_dsr_engagement_list",
        "tools.get_the_dsr_engagement_list",
    ),
];

static TOOLS: LazyLock<Vec<Tool>> = LazyLock::new(|| {
    let all: Value = serde_json::from_str(TOOLS_JSON).expect("mcp-tools.json is JSON");
    TOOL_OPERATIONS
        .iter()
        .map(|(name, _)| {
            let spec = &all[*name];
            let mut tool = json!({
                "name": name,
                "description": spec["description"],
                "inputSchema": spec["inputSchema"],
            });
            if spec["outputSchema"].is_object() {
                tool["outputSchema"] = spec["outputSchema"].clone();
            }
            serde_json::from_value(tool).expect("a captured tool definition is a valid MCP tool")
        })
        .collect()
});

/// Protocol versions offered: Seismic's 2025-06-18 and the ones current clients ask for.
static VERSIONS: &[ProtocolVersion] = &[
    ProtocolVersion::V_2025_11_25,
    ProtocolVersion::V_2025_06_18,
    ProtocolVersion::V_2025_03_26,
    ProtocolVersion::V_2024_11_05,
];

/// Where a tool call leaves the fault a scenario chose, for the HTTP layer to carry out.
#[derive(Clone, Default)]
struct FaultSlot(Arc<Mutex<Option<Fault>>>);

impl FaultSlot {
    fn set(&self, fault: Fault) {
        *lock(&self.0) = Some(fault);
    }

    fn take(&self) -> Option<Fault> {
        lock(&self.0).take()
    }
}

/// What a tool call needs, carried to the rmcp handler in each request's extensions: the gateway
/// that runs operations, and each tool's row in the operation table.
#[derive(Clone)]
struct Tools {
    gateway: Arc<dyn Gateway>,
    rows: Arc<[(&'static str, usize)]>,
    sessions: Arc<LocalSessionManager>,
    owners: Arc<super::sessions::Owners>,
}

/// The rmcp server handler: stateless itself; [`Tools`] rides in each request's extensions.
#[derive(Clone)]
struct SeismicMcp;

impl ServerHandler for SeismicMcp {
    fn get_info(&self) -> InitializeResult {
        let mut info = InitializeResult::new(ServerCapabilities::builder().enable_tools().build());
        info.protocol_version = ProtocolVersion::V_2025_06_18;
        info.server_info = Implementation::new("seismic-mcp", env!("CARGO_PKG_VERSION"));
        info
    }

    fn supported_protocol_versions(&self) -> std::borrow::Cow<'static, [ProtocolVersion]> {
        std::borrow::Cow::Borrowed(VERSIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(TOOLS.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let parts = context
            .extensions
            .get::<axum::http::request::Parts>()
            .ok_or_else(|| McpError::internal_error("the HTTP request is not available", None))?;
        let tools = parts.extensions.get::<Tools>().ok_or_else(|| {
            McpError::internal_error("the simulator's gateway is not available", None)
        })?;
        let Some(&(_, index)) = tools.rows.iter().find(|(name, _)| *name == request.name) else {
            let served: Vec<&str> = TOOL_OPERATIONS.iter().map(|(n, _)| *n).collect();
            return Err(McpError::invalid_params(
                format!("Unknown tool: {}", request.name),
                Some(json!({ "tools": served })),
            ));
        };
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |u| u.path().to_owned());
        let arguments = Value::Object(request.arguments.unwrap_or_default());
        let body = serde_json::to_vec(&arguments).unwrap_or_default();
        let (reply, fault) = tools
            .gateway
            .invoke(Invocation {
                index,
                method: &parts.method,
                path: &path,
                headers: &parts.headers,
                body: body.into(),
            })
            .await;
        if let (Some(fault), Some(slot)) = (fault, parts.extensions.get::<FaultSlot>()) {
            slot.set(fault);
        }
        Ok(CallToolResponse::Complete(tool_result(&reply)))
    }
}

/// A success carries the output as `structuredContent` and the same JSON as text; a failure is an
/// `isError` result whose text is Seismic's REST error body.
fn tool_result(reply: &Reply) -> CallToolResult {
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    if reply.status.is_success() {
        let value: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
        result.structured_content = Some(value);
        result
    } else {
        CallToolResult::error(vec![ContentBlock::text(text)])
    }
}

type McpService = StreamableHttpService<SeismicMcp, LocalSessionManager>;

/// The MCP routes, relative to the vendor prefix.
pub fn routes(gateway: Arc<dyn Gateway>, rows: Vec<(&'static str, usize)>) -> Router {
    let sessions = Arc::new(LocalSessionManager::default());
    let tools = Tools {
        owners: Arc::new(super::sessions::Owners::new(gateway.session_limit())),
        gateway,
        rows: rows.into(),
        sessions: sessions.clone(),
    };
    let config = StreamableHttpServerConfig::default()
        // A simulator is reached by whatever name CI gives it.
        .disable_allowed_hosts()
        .with_sse_keep_alive(None);
    let service: McpService = StreamableHttpService::new(|| Ok(SeismicMcp), sessions, config);
    let endpoint = {
        let service = service.clone();
        move |State(tools): State<Tools>, req: Request| serve(tools, service.clone(), req)
    };
    Router::new()
        .route(MCP_PATH, any(endpoint.clone()))
        .route(&format!("{MCP_PATH}/tenants/{{tenant}}"), any(endpoint))
        .route(
            "/mcp/.well-known/oauth-protected-resource/v1",
            get(resource_metadata),
        )
        .with_state(tools)
}

/// `http://host` and the path as the client sent it (before the vendor prefix was stripped).
fn origin_and_path(req: &Request) -> (String, String) {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().path().to_owned(), |u| u.path().to_owned());
    (format!("http://{host}"), path)
}

/// `http://host/seismic/mcp`: the MCP server's root, as this request reached it.
fn mcp_root(req: &Request) -> String {
    let (origin, path) = origin_and_path(req);
    let prefix = path.find(MCP_PATH).map_or("", |i| &path[..i]);
    format!("{origin}{prefix}/mcp")
}

/// Reads a POST body within the simulator's body limit and checks it is one JSON-RPC message, so
/// that broken input gets JSON-RPC's own errors (-32700 parse error, -32600 invalid request) and
/// an oversized body Seismic's 413, rather than the transport's plain-text refusals.
async fn read_message(limit: usize, req: Request) -> Result<Request, Response> {
    let (parts, body) = req.into_parts();
    let declared_over = crate::conn::declared_over(&parts.headers, limit);
    let read = match declared_over {
        true => None,
        false => http_body_util::Limited::new(body, limit)
            .collect()
            .await
            .ok(),
    };
    let bytes = match read {
        Some(collected) => collected.to_bytes(),
        None => {
            let error = errors::reject(crate::vendor::Problem::BodyTooLarge { limit });
            return Err(into_response(errors::render(&error), None, false));
        }
    };
    let rpc_error = |code: i64, message: String| {
        let body =
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
        (StatusCode::BAD_REQUEST, Json(body)).into_response()
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(rpc_error(-32700, "Parse error: the body is empty".into()));
    }
    let message = crate::json::parse_json(&bytes)
        .map_err(|problem| rpc_error(-32700, format!("Parse error: {problem}")))?;
    let is_message = message["jsonrpc"] == "2.0"
        && (message["method"].is_string()
            || message.get("result").is_some()
            || message.get("error").is_some());
    if !is_message {
        return Err(rpc_error(
            -32600,
            "Invalid Request: expected one JSON-RPC 2.0 object with \"jsonrpc\": \"2.0\" and a \"method\"".into(),
        ));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

async fn serve(tools: Tools, mut service: McpService, req: Request) -> Response {
    let owner = crate::vendor::auth::bearer_token(req.headers(), false)
        .map(|c| crate::tenant::fingerprint(&c.0))
        .unwrap_or_default();
    if let Err(problem) = crate::vendor::auth::bearer_token(req.headers(), false) {
        let mut reply = errors::render(&ApiError::new(&errors::UNAUTHORIZED, problem.to_string()));
        let challenge = format!(
            "Bearer realm=\"Seismic\", resource_metadata=\"{}/.well-known/oauth-protected-resource/v1\"",
            mcp_root(&req)
        );
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            reply.headers.insert(header::WWW_AUTHENTICATE, v);
        }
        return into_response(reply, None, false);
    }
    if ![Method::GET, Method::POST, Method::DELETE].contains(req.method()) {
        let error = ApiError::new(
            &errors::METHOD_NOT_ALLOWED,
            format!(
                "{} is not served here; MCP takes POST (messages) and DELETE (end a session).",
                req.method()
            ),
        );
        return into_response(errors::render(&error), None, false);
    }
    if req.method() == Method::GET {
        let error = ApiError::new(
            &errors::METHOD_NOT_ALLOWED,
            "This server offers no server-to-client stream; POST JSON-RPC messages instead.",
        );
        let reply = errors::render(&error).header(header::ALLOW, "POST, DELETE");
        return into_response(reply, None, false);
    }
    let session = req
        .headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(id) = &session {
        if tools.owners.access(id, &owner) == super::sessions::Access::Other {
            // The same answer as for an unknown session: another tenant learns nothing.
            let body = json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32001, "message": "Not Found: Session not found"}});
            return (StatusCode::NOT_FOUND, Json(body)).into_response();
        }
    }
    let (owners, sessions) = (tools.owners.clone(), tools.sessions.clone());
    let slot = FaultSlot::default();
    let is_post = req.method() == Method::POST;
    let is_delete = req.method() == Method::DELETE;
    let mut req = if is_post && crate::json::is_json_content_type(req.headers()).is_ok() {
        match read_message(tools.gateway.body_limit(), req).await {
            Ok(req) => req,
            Err(refusal) => return refusal,
        }
    } else {
        req
    };
    req.extensions_mut().insert(tools);
    req.extensions_mut().insert(slot.clone());
    let response = tower::Service::call(&mut service, req)
        .await
        .unwrap_or_else(|never| match never {});
    let response = as_json_rpc_error(response.map(Body::new)).await;
    if response.status().is_success() {
        let opened = response
            .headers()
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok());
        match (&session, opened) {
            (None, Some(id)) => {
                for old in owners.opened(id, &owner) {
                    use rmcp::transport::streamable_http_server::SessionManager as _;
                    let _ = sessions.close_session(&old).await;
                }
            }
            (Some(id), _) if is_delete => owners.closed(id),
            _ => {}
        }
    }
    if !is_post {
        let mut response = response.map(Body::new);
        // Ending a session answers 200 (rmcp says 202, which clients such as the Python SDK report
        // as a failed termination).
        if is_delete && response.status() == StatusCode::ACCEPTED {
            *response.status_mut() = StatusCode::OK;
        }
        return response;
    }
    // A POST's answer ends with the JSON-RPC response, so it is read whole: a fault chosen while
    // the tool ran must act on it.
    let (parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => bytes::Bytes::new(),
    };
    let reply = Reply {
        status: parts.status,
        headers: parts.headers,
        body: bytes,
    };
    into_response(reply, slot.take(), false)
}

/// The transport's own refusals (406 for a client that does not accept both JSON and SSE, 415 for
/// a body that is not JSON, 400 for a missing session...) come as plain text; they are rewritten as
/// JSON-RPC errors with the same status and message, so every answer is JSON-RPC or Seismic JSON.
async fn as_json_rpc_error(response: Response) -> Response {
    let is_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"));
    if response.status().as_u16() < 400 || !is_text {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = match body.collect().await {
        Ok(c) => String::from_utf8_lossy(&c.to_bytes()).into_owned(),
        Err(_) => String::new(),
    };
    let code = if parts.status == StatusCode::NOT_FOUND {
        -32001
    } else {
        -32600
    };
    let message = if text.is_empty() {
        parts
            .status
            .canonical_reason()
            .unwrap_or("error")
            .to_owned()
    } else {
        text
    };
    let body = json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
    let mut out = (parts.status, Json(body)).into_response();
    for name in [
        header::HeaderName::from_static("mcp-session-id"),
        header::WWW_AUTHENTICATE,
    ] {
        if let Some(v) = parts.headers.get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

/// OAuth protected-resource metadata that the 401 challenge points to.
async fn resource_metadata(req: Request) -> Json<Value> {
    let (origin, path) = origin_and_path(&req);
    let root = path
        .strip_suffix("/.well-known/oauth-protected-resource/v1")
        .unwrap_or("/mcp");
    Json(json!({
        "resource": format!("{origin}{root}/v1"),
        "scopes_supported": ["seismic.mcp"],
        "bearer_methods_supported": ["header"],
    }))
}
