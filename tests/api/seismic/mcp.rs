//! The Seismic MCP tools driven by rmcp's client as an agent would: tool definitions compared field
//! by field with `seismic-mcp-tools.json`, every tool's success and failure, one state with REST.
//! Facts: `shared/vendors/seismic.md` ("Seismic MCP server", "MCP framing").

use rmcp::model::CallToolRequestParams;
use serde_json::{json, Value};

use super::{
    call, call_failed, call_ok, connect, context, initialize, message, ok, rpc, tenant_state,
};
use crate::support::{bearer, fresh_token, TestServer};

fn tools_file() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/contracts/seismic/mcp-tools.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn initialize_names_the_server_and_negotiates_the_client_version() {
    let s = TestServer::start().await;
    let client = connect(&s, &fresh_token("seismic")).await;
    let info = client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("seismic-mcp")
    );
    assert!(info.capabilities.tools.is_some());
    // Seismic's own version (seismic.md "Seismic MCP server": 2025-06-18) is negotiated when asked.
    let a = rpc(
        &s,
        Some(&fresh_token("seismic")),
        None,
        &initialize("2025-06-18"),
    )
    .await;
    assert_eq!(message(&a)["result"]["protocolVersion"], "2025-06-18");
    assert!(a.header("mcp-session-id").is_some());
}

#[tokio::test]
async fn tools_list_matches_the_captured_tool_definitions_field_by_field() {
    let s = TestServer::start().await;
    let client = connect(&s, &fresh_token("seismic")).await;
    let tools = client.list_all_tools().await.unwrap();
    let file = tools_file();
    assert_eq!(tools.len(), 6);
    for tool in tools {
        let listed = serde_json::to_value(&tool).unwrap();
        let spec = &file[tool.name.as_ref()];
        assert_eq!(listed["description"], spec["description"], "{}", tool.name);
        assert_eq!(listed["inputSchema"], spec["inputSchema"], "{}", tool.name);
        match &spec["outputSchema"] {
            Value::Null => assert!(listed.get("outputSchema").is_none(), "{}", tool.name),
            out => assert_eq!(&listed["outputSchema"], out, "{}", tool.name),
        }
    }
}

#[tokio::test]
async fn templates_list_and_a_room_is_created_from_one() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let client = connect(&s, &token).await;
    let templates = call_ok(&client, "list_dsr_templates", json!({})).await;
    assert_eq!(templates["totalCount"], 5);
    insta::assert_json_snapshot!("seismic_mcp_templates", templates, { ".items[].templateId" => "[id]" });
    let template = templates["items"][0]["templateId"].clone();
    let created = call(
        &client,
        "create_dsr_engagement",
        json!({"templateId": template, "name": "MCP room", "contexts": [context()]}),
    )
    .await;
    let out = ok(&created, "create_dsr_engagement");
    insta::assert_json_snapshot!("seismic_mcp_created", out, { ".dsrId" => "[id]" });
    // The same room over REST.
    let room = s
        .get(
            &format!("/seismic/dsr/v1/dsrs/{}", out["dsrId"].as_str().unwrap()),
            &bearer(&token),
        )
        .await;
    assert_eq!(room.status, 200);
    assert_eq!(room.json["name"], "MCP room");
    assert_eq!(room.json["templateId"], template);
}

#[tokio::test]
async fn create_refuses_unknown_templates_and_bad_contexts_as_tool_errors() {
    let s = TestServer::start().await;
    let client = connect(&s, &fresh_token("seismic")).await;
    let text = call_failed(
        &client,
        "create_dsr_engagement",
        json!({"templateId": "tpl-nope"}),
        404,
    )
    .await;
    assert!(
        text.contains("list_dsr_templates"),
        "the message says what to do: {text}"
    );
    let template =
        call_ok(&client, "list_dsr_templates", json!({})).await["items"][0]["templateId"].clone();
    let mut extra = context();
    extra["owner"] = json!("me");
    let mut partial = context();
    partial.as_object_mut().unwrap().remove("contextName");
    for args in [
        json!({}),
        json!({"templateId": 7}),
        json!({"templateId": template, "contexts": [extra]}),
        json!({"templateId": template, "contexts": [partial]}),
    ] {
        call_failed(&client, "create_dsr_engagement", args, 400).await;
    }
}

#[tokio::test]
async fn followup_makes_a_draft_for_an_ended_meeting_only() {
    // seismic.md "Follow-up DSR from a meeting": Ended meeting, resolvable content, draft room
    // named "Follow up of meeting: {title}".
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let client = connect(&s, &token).await;
    let state = tenant_state(&s, &token).await;
    let meetings = state["meetings"].as_array().unwrap();
    let ended = meetings
        .iter()
        .find(|m| m["status"] == "Ended" && !m["contentVersionIds"].as_array().unwrap().is_empty())
        .unwrap();
    let scheduled = meetings
        .iter()
        .find(|m| m["status"] == "Scheduled")
        .unwrap();
    let bare = meetings
        .iter()
        .find(|m| m["status"] == "Ended" && m["contentVersionIds"].as_array().unwrap().is_empty())
        .unwrap();
    let templates = state["templates"].as_array().unwrap();
    let with_content = &templates[0]["templateId"];
    let without_content = &templates
        .iter()
        .find(|t| t["contentVersionIds"].as_array().unwrap().is_empty())
        .unwrap()["templateId"];
    let tool = "create_dsr_engagement_with_meeting_followup";

    let out = call_ok(
        &client,
        tool,
        json!({"meetingId": ended["meetingId"], "dsrTemplateId": with_content}),
    )
    .await;
    assert_eq!(
        out["dsrName"],
        format!("Follow up of meeting: {}", ended["title"].as_str().unwrap())
    );
    let room = s
        .get(
            &format!(
                "/seismic/dsr/v1/dsrs/{}",
                out["draftDsrId"].as_str().unwrap()
            ),
            &bearer(&token),
        )
        .await;
    assert_eq!(room.json["status"], "Draft");
    assert_eq!(room.json["contexts"], ended["contexts"]);

    call_failed(
        &client,
        tool,
        json!({"meetingId": scheduled["meetingId"], "dsrTemplateId": with_content}),
        400,
    )
    .await;
    call_failed(
        &client,
        tool,
        json!({"meetingId": bare["meetingId"], "dsrTemplateId": without_content}),
        400,
    )
    .await;
    call_failed(
        &client,
        tool,
        json!({"meetingId": "00000000-0000-4000-8000-000000000000", "dsrTemplateId": with_content}),
        404,
    )
    .await;
    call_failed(
        &client,
        tool,
        json!({"meetingId": ended["meetingId"], "dsrTemplateId": "nope"}),
        404,
    )
    .await;
    call_failed(
        &client,
        tool,
        json!({"meetingId": "not-a-uuid", "dsrTemplateId": with_content}),
        400,
    )
    .await;
}

#[tokio::test]
async fn content_is_appended_at_the_bottom_and_shows_over_rest() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let client = connect(&s, &token).await;
    let state = tenant_state(&s, &token).await;
    let contents = state["contentVersions"].as_array().unwrap();
    let doc = contents.iter().find(|c| c["type"] == "Document").unwrap();
    let page = contents.iter().find(|c| c["type"] == "Page").unwrap();
    let template = &state["templates"][0]["templateId"];
    let dsr = call_ok(
        &client,
        "create_dsr_engagement",
        json!({"templateId": template}),
    )
    .await["dsrId"]
        .clone();
    let tool = "add_content_to_dsr";
    let added = call_ok(
        &client,
        tool,
        json!({"dsrId": dsr, "contentVersionId": doc["contentVersionId"], "systemId": "sf-1"}),
    )
    .await;
    let room = s
        .get(
            &format!("/seismic/dsr/v1/dsrs/{}", dsr.as_str().unwrap()),
            &bearer(&token),
        )
        .await;
    let last = room.json["contents"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["id"], added["id"]);
    assert_eq!(last["contentVersionId"], doc["contentVersionId"]);
    // add_content_to_dsr page: Page-type content is refused.
    call_failed(
        &client,
        tool,
        json!({"dsrId": dsr, "contentVersionId": page["contentVersionId"]}),
        400,
    )
    .await;
    call_failed(
        &client,
        tool,
        json!({"dsrId": "no-room", "contentVersionId": doc["contentVersionId"]}),
        404,
    )
    .await;
    call_failed(
        &client,
        tool,
        json!({"dsrId": dsr, "contentVersionId": "no-content"}),
        404,
    )
    .await;
    call_failed(
        &client,
        tool,
        json!({"dsrId": dsr, "contentVersionId": ""}),
        400,
    )
    .await;
}

#[tokio::test]
async fn comments_list_the_rooms_people_and_refuse_unknown_rooms() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let client = connect(&s, &token).await;
    // A room made over REST is visible to the MCP tools.
    let template = tenant_state(&s, &token).await["templates"][0]["templateId"].clone();
    let room = s
        .post(
            "/seismic/dsr/v1/dsrs/fromTemplate",
            &bearer(&token),
            &json!({"templateId": template}),
        )
        .await;
    let tool = "get_comments_from_dsr";
    let out = call_ok(
        &client,
        tool,
        json!({"dsrId": room.json["id"], "systemId": "salesforce-1"}),
    )
    .await;
    assert_eq!(out["users"][0]["userType"], "Seller");
    assert_eq!(out["users"][0]["id"], room.json["createdBy"]["id"]);
    call_failed(
        &client,
        tool,
        json!({"dsrId": "missing", "systemId": "sf"}),
        404,
    )
    .await;
    call_failed(
        &client,
        tool,
        json!({"dsrId": "-bad start", "systemId": "sf"}),
        400,
    )
    .await;
    call_failed(&client, tool, json!({"dsrId": room.json["id"]}), 400).await;
}

#[tokio::test]
async fn engagement_list_pages_the_rooms_of_one_crm_record() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let client = connect(&s, &token).await;
    let template = tenant_state(&s, &token).await["templates"][0]["templateId"].clone();
    let mut other = context();
    other["contextId"] = json!("006OTHER");
    for i in 0..15 {
        let ctx = if i % 3 == 0 { other.clone() } else { context() };
        call_ok(
            &client,
            "create_dsr_engagement",
            json!({"templateId": template, "contexts": [ctx]}),
        )
        .await;
    }
    let tool = "get_the_dsr_engagement_list";
    let args = json!({"contextType": "Opportunity", "contextId": "00646000009eMGL", "limit": 4});
    let mut seen = Vec::new();
    let mut page = call_ok(&client, tool, args.clone()).await;
    loop {
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].clone()),
        );
        let Some(next) = page["continuation"].as_str() else {
            break;
        };
        let mut more = args.clone();
        more["continuation"] = json!(next);
        page = call_ok(&client, tool, more).await;
    }
    assert_eq!(seen.len(), 10);
    let default = call_ok(&client, tool, json!({})).await;
    assert_eq!(
        default["items"].as_array().unwrap().len(),
        10,
        "default limit"
    );
    let meetings = call_ok(&client, tool, json!({"engagementTypes": "Meeting"})).await;
    assert_eq!(meetings["items"], json!([]));
    call_failed(&client, tool, json!({"limit": 0}), 400).await;
    call_failed(&client, tool, json!({"contextType": "account"}), 400).await;
}

#[tokio::test]
async fn an_unknown_tool_is_a_json_rpc_invalid_params_error() {
    let s = TestServer::start().await;
    let client = connect(&s, &fresh_token("seismic")).await;
    let err = client
        .call_tool(CallToolRequestParams::new("generate_world_peace"))
        .await
        .unwrap_err();
    match err {
        rmcp::ServiceError::McpError(e) => assert_eq!(e.code.0, -32602),
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

#[tokio::test]
async fn mcp_tenants_are_isolated_like_rest_tenants() {
    let s = TestServer::start().await;
    let (a, b) = (fresh_token("seismic"), fresh_token("seismic"));
    let ca = connect(&s, &a).await;
    let cb = connect(&s, &b).await;
    let ta = call_ok(&ca, "list_dsr_templates", json!({})).await;
    let tb = call_ok(&cb, "list_dsr_templates", json!({})).await;
    assert_ne!(ta, tb);
    let dsr = call_ok(
        &ca,
        "create_dsr_engagement",
        json!({"templateId": ta["items"][0]["templateId"]}),
    )
    .await["dsrId"]
        .clone();
    call_failed(
        &cb,
        "get_comments_from_dsr",
        json!({"dsrId": dsr, "systemId": "sf"}),
        404,
    )
    .await;
}
