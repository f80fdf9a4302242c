//! The OpenAPI export: `GET /__admin/openapi/{vendor}` and `engagement-sim openapi VENDOR`
//! describe every REST operation of a vendor's table and every loaded stub, with schemas that
//! resolve inside the document; a 405 names the methods a path takes.

use reqwest::Method;
use serde_json::Value;

use crate::support::scenario::load;
use crate::support::{bearer, fresh_token, TestServer};

/// Every `$ref` in `doc` points at a component the document has.
fn assert_refs_resolve(doc: &Value, at: &Value) {
    match at {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let pointer = target.strip_prefix('#').expect("a local reference");
                assert!(doc.pointer(pointer).is_some(), "dangling {target}");
            }
            map.values().for_each(|v| assert_refs_resolve(doc, v));
        }
        Value::Array(items) => items.iter().for_each(|v| assert_refs_resolve(doc, v)),
        _ => {}
    }
}

#[tokio::test]
async fn the_admin_export_lists_builtins_and_loaded_stubs() {
    let s = TestServer::start().await;
    load(
        &s,
        "name: extra\nstubs:\n  - { id: widgets.get, vendor: devrev, method: GET, path: \"/widgets/{id}\", status: 200, body: { id: \"{{path.id}}\" } }\n",
    )
    .await;
    let doc = s.admin_get("/openapi/devrev").await;
    assert_eq!(doc.status, 200, "{}", doc.text);
    let doc = doc.json;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/devrev");
    let create = &doc["paths"]["/engagements.create"]["post"];
    assert_eq!(create["operationId"], "engagements.create");
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/engagements.create.request"
    );
    assert!(create["responses"]["2XX"].is_object());
    assert!(create["responses"]["default"].is_object());
    let stub = &doc["paths"]["/widgets/{id}"]["get"];
    assert_eq!(stub["operationId"], "widgets.get");
    assert!(stub["responses"]["200"].is_object());
    let params: Vec<&str> = stub["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["id", "Authorization"]);
    let mut ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids are unique");
    assert_refs_resolve(&doc, &doc);

    assert_eq!(s.admin_get("/openapi/acme").await.status, 404);
}

#[tokio::test]
async fn the_cli_export_includes_stub_files_and_leaves_out_mcp_tools() {
    let stubs = format!("{}/stubs", env!("CARGO_MANIFEST_DIR"));
    let out = crate::support::cli::cli_ok(["openapi", "salesforce", "--stubs", &stubs]);
    let doc: Value = serde_json::from_slice(&out).unwrap();
    let account = &doc["paths"]["/services/data/{version}/sobjects/Account/{id}"];
    for method in ["get", "patch", "delete"] {
        assert!(account[method].is_object(), "{method}");
    }
    assert!(doc["paths"]["/services/data/{version}/sobjects/{sobject}/{id}"]["get"].is_object());
    assert_refs_resolve(&doc, &doc);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_engagement-sim"))
        .args(["openapi", "seismic"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["paths"].get("/mcp/v1").is_none(),
        "MCP tools are JSON-RPC, not REST"
    );
    assert!(!doc["paths"].as_object().unwrap().is_empty());
}

#[tokio::test]
async fn a_405_names_the_methods_the_path_takes() {
    let s = TestServer::start().await;
    let token = fresh_token("allow");
    let a = s
        .request(
            Method::DELETE,
            "/merge/api/crm/v1/users",
            &[("Authorization", &bearer("k")), ("X-Account-Token", &token)],
            None,
        )
        .await;
    assert_eq!(a.status, 405, "{}", a.text);
    assert_eq!(a.header("allow"), Some("GET"));
}
