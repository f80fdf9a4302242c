//! What Merge publishes, tried as a new user would: the create page's `{"model": {}}` quick-start,
//! the nulls Merge's generated clients send for unset fields, required fields that come only from
//! the linked account (set here through `/__admin/merge/required-fields`), the problem fields the
//! docs spec adds, expanded remote field classes and `account-details`. Sources:
//! docs/vendors/merge.md.

use reqwest::Method;
use serde_json::{json, Value};

use super::Linked;
use crate::support::{assert_contract, TestServer};

async fn require(s: &TestServer, m: &Linked<'_>, fields: Value) -> Value {
    let a = s
        .admin(
            Method::POST,
            &format!("/merge/required-fields?tenant={}", m.account),
            Some(&fields),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.json
}

/// The create page's curl (`{"model": {}}`) answers 201 with a full model.
#[tokio::test]
async fn the_quick_start_empty_model_is_created() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let a = m.create(json!({})).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("merge", "engagements.create.response.json", &a.json);
    assert_eq!(a.json["errors"], json!([]));
    assert_eq!(a.json["model"]["engagement_type"], Value::Null);
    let meta = m.get("/engagements/meta/post").await;
    assert_eq!(
        meta.json["request_schema"]["properties"]["model"]["required"],
        json!([])
    );
}

/// What MergePythonSDK 2.x sends for `EngagementRequest()`: every unset field as `null`
/// (`contacts` as `[]`); a patch's nulls leave those fields as they were (a patch from that
/// client changes only what it set).
#[tokio::test]
async fn null_optional_arrays_and_objects_are_unset() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let model = json!({
        "owner": null, "content": null, "subject": "nulls", "direction": null,
        "engagement_type": null, "start_time": null, "end_time": null, "account": null,
        "contacts": null, "integration_params": null, "linked_account_params": null,
        "remote_fields": null, "engagement_url": null
    });
    let a = m.create(model.clone()).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("merge", "engagements.create.response.json", &a.json);
    assert_eq!(a.json["model"]["contacts"], json!([]));
    assert_eq!(a.json["model"]["remote_fields"], json!([]));

    let contact = "3c3ad5a8-3f8b-4b1e-9f5e-1b2c3d4e5f60";
    let b = m
        .create(json!({"contacts": [contact], "content": "keep"}))
        .await;
    let id = b.json["model"]["id"].as_str().unwrap();
    let p = m
        .patch(
            id,
            json!({"contacts": null, "remote_fields": null, "content": null, "subject": "p"}),
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.text);
    assert_contract("merge", "engagements.partial_update.response.json", &p.json);
    assert_eq!(p.json["model"]["contacts"], json!([contact]));
    assert_eq!(p.json["model"]["content"], "keep");
    assert_eq!(p.json["model"]["subject"], "p");
}

/// Required fields come from the account: after the admin sets them, meta/post and meta/patch
/// declare exactly those, a create or patch without one (or with it `null`) is
/// `MISSING_REQUIRED_FIELD`, and other accounts are unaffected.
#[tokio::test]
async fn an_account_can_require_fields_and_meta_says_so() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let set = require(
        &s,
        &m,
        json!({"post": ["engagement_type", "subject"], "patch": ["subject"]}),
    )
    .await;
    assert_eq!(set["post"], json!(["engagement_type", "subject"]));
    assert!(set["tenant"].as_str().unwrap().starts_with("t_"));

    let meta = m.get("/engagements/meta/post").await;
    assert_contract("merge", "engagements.meta_post.response.json", &meta.json);
    assert_eq!(
        meta.json["request_schema"]["properties"]["model"]["required"],
        json!(["engagement_type", "subject"])
    );
    let missing = m.create(json!({"subject": "no type"})).await;
    assert_eq!(missing.status, 400, "{}", missing.text);
    assert_contract("merge", "error.response.json", &missing.json);
    assert_eq!(
        missing.json["errors"][0]["problem_type"],
        "MISSING_REQUIRED_FIELD"
    );
    assert_eq!(
        missing.json["errors"][0]["source"]["pointer"],
        "/model/engagement_type"
    );
    let null = m
        .create(json!({"subject": null, "engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}))
        .await;
    assert_eq!(null.status, 400, "{}", null.text);
    assert_eq!(
        null.json["errors"][0]["problem_type"],
        "MISSING_REQUIRED_FIELD"
    );
    assert_eq!(
        null.json["errors"][0]["source"]["pointer"],
        "/model/subject"
    );
    assert_eq!(m.get("/engagements").await.json["results"], json!([]));

    let ok = m
        .create(json!({"subject": "s", "engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}))
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    let id = ok.json["model"]["id"].as_str().unwrap();
    let meta_patch = m.get(&format!("/engagements/meta/patch/{id}")).await;
    assert_contract(
        "merge",
        "engagements.meta_patch.response.json",
        &meta_patch.json,
    );
    assert_eq!(
        meta_patch.json["request_schema"]["properties"]["model"]["required"],
        json!(["subject"])
    );
    let p = m.patch(id, json!({"content": "no subject"})).await;
    assert_eq!(p.status, 400, "{}", p.text);
    assert_eq!(p.json["errors"][0]["source"]["pointer"], "/model/subject");

    let shown = s
        .admin_get(&format!(
            "/merge/required-fields?tenant={}",
            set["tenant"].as_str().unwrap()
        ))
        .await;
    assert_eq!(shown.json["patch"], json!(["subject"]));
    let other = Linked::new(&s);
    assert_eq!(other.create(json!({})).await.status, 201);
}

#[tokio::test]
async fn required_fields_admin_refuses_unknown_fields_and_is_listed() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let path = format!("/merge/required-fields?tenant={}", m.account);
    let bad = s
        .admin(Method::POST, &path, Some(&json!({"post": ["mood"]})))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert!(bad.json["message"].as_str().unwrap().contains("mood"));
    let no_tenant = s
        .admin(Method::POST, "/merge/required-fields", Some(&json!({})))
        .await;
    assert_eq!(no_tenant.status, 400);
    let ops = s.admin_get("/operations").await;
    let admin = ops.json["admin"].as_array().unwrap();
    assert!(admin.iter().any(|a| a["vendor"] == "merge"
        && a["method"] == "POST"
        && a["path"] == "/__admin/merge/required-fields?tenant="));
}

/// The docs spec and page add `block_merge_link` (bool), `raw_error` (string) and `error_code`
/// (integer) to every warning and error.
#[tokio::test]
async fn warnings_and_errors_carry_the_docs_spec_fields() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let warned = m.create(json!({"mood": "happy"})).await;
    assert_eq!(warned.status, 201);
    let failed = m.create(json!({"subject": 5})).await;
    assert_eq!(failed.status, 400);
    for item in [&warned.json["warnings"][0], &failed.json["errors"][0]] {
        assert!(item["block_merge_link"].is_boolean(), "{item}");
        assert!(item["raw_error"].is_string(), "{item}");
        assert!(item["error_code"].is_u64(), "{item}");
    }
    assert_contract("merge", "engagements.create.response.json", &warned.json);
    assert_contract("merge", "error.response.json", &failed.json);
}

/// Answers show `remote_fields[].remote_field_class` as the expanded RemoteFieldClass object,
/// whether the write named the class by id or by object.
#[tokio::test]
async fn remote_field_classes_come_back_expanded() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let classes = m.get("/engagements/remote-field-classes").await;
    let class = classes.json["results"][0].clone();
    let id = class["id"].as_str().unwrap();
    let a = m
        .create(json!({"remote_fields": [
            {"remote_field_class": id, "value": "connected"},
            {"remote_field_class": {"id": id}, "value": null}
        ]}))
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("merge", "engagements.create.response.json", &a.json);
    let fields = a.json["model"]["remote_fields"].as_array().unwrap();
    assert_eq!(fields[0]["remote_field_class"], class);
    assert_eq!(fields[1]["remote_field_class"], class);
    assert_eq!(fields[0]["value"], "connected");
    let eid = a.json["model"]["id"].as_str().unwrap();
    let read = m
        .get(&format!("/engagements/{eid}?include_remote_fields=true"))
        .await;
    assert_contract("merge", "engagements.retrieve.response.json", &read.json);
    assert_eq!(read.json["remote_fields"][0]["remote_field_class"], class);
}

/// `account-details`: the linked account behind the token, stable for the token.
#[tokio::test]
async fn account_details_describe_the_linked_account() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let a = m.get("/account-details").await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("merge", "account_details.retrieve.response.json", &a.json);
    assert_eq!(a.json["category"], "crm");
    assert_eq!(a.json["status"], "COMPLETE");
    assert_eq!(m.get("/account-details").await.json, a.json);
    assert_ne!(
        Linked::new(&s).get("/account-details").await.json["id"],
        a.json["id"]
    );
}

/// An account's required fields survive a restart through `--state-file`.
#[tokio::test]
async fn required_fields_survive_a_restart() {
    let path = crate::support::state::state_path("esim-merge-required");
    let config =
        || crate::support::state::state_config(&path, std::time::Duration::from_secs(3600));
    let s = TestServer::with_config(config()).await;
    let m = Linked::new(&s);
    let (auth, account) = (m.auth.clone(), m.account.clone());
    require(&s, &m, json!({"post": ["subject"]})).await;
    s.sim.stop().await;
    let s = TestServer::with_config(config()).await;
    let m = Linked::with(&s, auth, account);
    let meta = m.get("/engagements/meta/post").await;
    assert_eq!(
        meta.json["request_schema"]["properties"]["model"]["required"],
        json!(["subject"])
    );
    assert_eq!(m.create(json!({})).await.status, 400);
    let _ = std::fs::remove_file(&path);
}
