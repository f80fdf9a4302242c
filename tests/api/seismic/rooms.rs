//! Seismic REST: rooms (create, fromTemplate, get, list), link deliveries, the template reporting
//! listing, the `{statusCode, message}` envelope for every refusal, the `X-Seismic-*-Calls`
//! counters, seeded tenant data, isolation, concurrency and paging.

use reqwest::Method;
use serde_json::{json, Value};

use super::{assert_error, context, error_message, first_template, from_template, tenant_state};
use crate::support::json::operation_ids;
use crate::support::{assert_contract, bearer, fresh_token, TestServer};

#[tokio::test]
async fn from_template_answers_201_with_the_room_as_the_template_defines_it() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let state = tenant_state(&s, &token).await;
    let template = &state["templates"][0];
    let a = from_template(
        &s,
        &token,
        &json!({"templateId": template["templateId"], "name": "Acme QBR", "contexts": [context()]}),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("seismic", "dsr.response.json", &a.json);
    assert_eq!(a.json["name"], "Acme QBR");
    assert_eq!(a.json["status"], "Active");
    assert_eq!(a.json["templateId"], template["templateId"]);
    assert_eq!(a.json["contexts"], json!([context()]));
    let from_template: Vec<&Value> = a.json["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["contentVersionId"])
        .collect();
    let expected: Vec<&Value> = template["contentVersionIds"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(from_template, expected);
    insta::assert_json_snapshot!("seismic_from_template_room", a.status_and_body(), {
        ".body.id" => "[id]", ".body.linkUrl" => "[link]", ".body.templateId" => "[id]",
        ".body.contents[].id" => "[id]", ".body.contents[].contentVersionId" => "[id]",
        ".body.contents[].name" => "[name]", ".body.contents[].externalUrl" => "[url]",
        ".body.contents[].internalUrl" => "[url]", ".body.contents[].type" => "[type]",
        ".body.createdBy" => "[user]", ".body.editors[]" => "[user]",
        ".body.createdAt" => "[time]", ".body.modifiedAt" => "[time]",
    });
}

#[tokio::test]
async fn a_room_without_a_name_takes_the_template_title() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let state = tenant_state(&s, &token).await;
    let template = &state["templates"][1];
    let a = from_template(&s, &token, &json!({"templateId": template["templateId"]})).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.json["name"], template["title"]);
}

#[tokio::test]
async fn create_answers_201_with_contents_settings_and_branding_as_sent() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let state = tenant_state(&s, &token).await;
    let cv = state["contentVersions"][0]["contentVersionId"].clone();
    let body = json!({
        "name": "Hand-built room",
        "contents": [{"contentVersionId": cv}, {"title": "External link"}],
        "settings": {"buyerSsoEnabled": false},
        "coBranding": {"logo": "acme.png"},
        "image": null,
    });
    let a = s.post("/seismic/dsr/v1/dsrs", &bearer(&token), &body).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("seismic", "dsr.response.json", &a.json);
    assert_eq!(a.json["contents"][0]["contentVersionId"], cv);
    assert_eq!(a.json["contents"][1]["title"], "External link");
    assert_eq!(a.json["contents"][1]["position"], 1);
    assert_eq!(a.json["coBranding"], json!({"logo": "acme.png"}));
    assert_eq!(a.json["templateId"], Value::Null);
    let got = s
        .get(
            &format!("/seismic/dsr/v1/dsrs/{}", a.json["id"].as_str().unwrap()),
            &bearer(&token),
        )
        .await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json, a.json);
}

#[tokio::test]
async fn create_refuses_missing_required_fields_naming_them() {
    // seismic.md "Create DSR — request body": name, contents and settings are required.
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    for (body, field) in [
        (json!({"contents": [], "settings": {}}), "name"),
        (json!({"name": "x", "settings": {}}), "contents"),
        (json!({"name": "x", "contents": []}), "settings"),
        (
            json!({"name": "x", "contents": {}, "settings": {}}),
            "contents",
        ),
    ] {
        let a = s.post("/seismic/dsr/v1/dsrs", &bearer(&token), &body).await;
        assert_error(&a, 400);
        assert!(error_message(&a).contains(field), "{}", a.text);
    }
    let a = s
        .post(
            "/seismic/dsr/v1/dsrs",
            &bearer(&token),
            &json!({"name": "x", "contents": [{"contentVersionId": "nope"}], "settings": {}}),
        )
        .await;
    assert_error(&a, 400);
    assert!(error_message(&a).contains("contents[0].contentVersionId"));
}

#[tokio::test]
async fn from_template_refuses_unknown_templates_and_bad_contexts() {
    // seismic.md "Tool create_dsr_engagement": context objects take exactly the six keys, five of
    // them required, and contextType is case-sensitive.
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let template = first_template(&s, &token).await;
    let a = from_template(&s, &token, &json!({"templateId": "missing"})).await;
    assert_error(&a, 404);
    assert!(error_message(&a).contains("'missing'"));
    // seismic.md "REST surface": a room from a template is built exactly as the template defines
    // it; nothing may be added.
    let a = from_template(&s, &token, &json!({"templateId": template, "contents": []})).await;
    assert_error(&a, 400);
    assert!(error_message(&a).contains("'contents'"), "{}", a.text);

    let mut extra = context();
    extra["colour"] = json!("red");
    let mut partial = context();
    partial.as_object_mut().unwrap().remove("systemType");
    let mut lower = context();
    lower["contextType"] = json!("opportunity");
    for (ctx, says) in [
        (extra, "contexts[0].colour"),
        (partial, "contexts[0].systemType"),
        (lower, "case-sensitive"),
    ] {
        let a = from_template(
            &s,
            &token,
            &json!({"templateId": template, "contexts": [ctx]}),
        )
        .await;
        assert_error(&a, 400);
        assert!(error_message(&a).contains(says), "{}", a.text);
    }
}

#[tokio::test]
async fn get_of_an_unknown_room_is_404_in_the_seismic_envelope() {
    let s = TestServer::start().await;
    let a = s
        .get(
            "/seismic/dsr/v1/dsrs/4a4d9b1e-0000-4000-8000-000000000000",
            &bearer(&fresh_token("seismic")),
        )
        .await;
    assert_error(&a, 404);
    insta::assert_json_snapshot!("seismic_not_found", a.status_and_body());
}

#[tokio::test]
async fn list_pages_through_hundreds_of_rooms_without_gap_or_duplicate() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let template = first_template(&s, &token).await;
    let mut created = Vec::new();
    for i in 0..230 {
        let a = from_template(
            &s,
            &token,
            &json!({"templateId": template, "name": format!("room {i}")}),
        )
        .await;
        created.push(a.json["id"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut continuation: Option<String> = None;
    loop {
        let q = continuation
            .as_ref()
            .map_or(String::new(), |c| format!("&continuation={c}"));
        let a = s
            .get(
                &format!("/seismic/dsr/v1/dsrs?limit=100{q}"),
                &bearer(&token),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.text);
        assert_contract("seismic", "dsr.list.response.json", &a.json);
        assert_eq!(a.json["totalCount"], 230);
        seen.extend(
            a.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_owned()),
        );
        match a.json["continuation"].as_str() {
            Some(c) => continuation = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, created);
    let a = s.get("/seismic/dsr/v1/dsrs", &bearer(&token)).await;
    assert_eq!(
        a.json["items"].as_array().unwrap().len(),
        10,
        "default page size"
    );
}

#[tokio::test]
async fn list_refuses_bad_limits_and_foreign_continuations() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    for q in ["limit=0", "limit=101", "limit=ten", "continuation=bogus"] {
        let a = s
            .get(&format!("/seismic/dsr/v1/dsrs?{q}"), &bearer(&token))
            .await;
        assert_error(&a, 400);
    }
}

#[tokio::test]
async fn deliveries_answer_a_link_in_seismic_shape_and_check_recipients() {
    // seismic.md "Create link delivery": dsrId required, recipients an array (not null) whose
    // emails are validated, no other fields; response {linkUrl}.
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let template = first_template(&s, &token).await;
    let room = from_template(&s, &token, &json!({"templateId": template})).await;
    let id = room.json["id"].as_str().unwrap();
    let path = "/seismic/link-delivery/v1/deliveries";
    let a = s
        .post(
            path,
            &bearer(&token),
            &json!({"dsrId": id, "recipients": [{"email": "buyer@example.com"}]}),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("seismic", "deliveries.create.response.json", &a.json);
    assert!(a.json["linkUrl"]
        .as_str()
        .unwrap()
        .contains(&format!("/ls/{id}/")));
    insta::assert_json_snapshot!("seismic_delivery", a.status_and_body(), { ".body.linkUrl" => "[link]" });

    for (body, status) in [
        (json!({"dsrId": "unknown", "recipients": []}), 404),
        (json!({"dsrId": id, "recipients": null}), 400),
        (
            json!({"dsrId": id, "recipients": [{"email": "not-an-email"}]}),
            400,
        ),
        (json!({"dsrId": id, "recipients": [], "note": "hi"}), 400),
        (json!({"recipients": []}), 400),
    ] {
        let a = s.post(path, &bearer(&token), &body).await;
        assert_error(&a, status);
    }
    let sso = s
        .post(
            "/seismic/dsr/v1/dsrs",
            &bearer(&token),
            &json!({"name": "SSO room", "contents": [], "settings": {"buyerSsoEnabled": true}}),
        )
        .await;
    let a = s
        .post(
            path,
            &bearer(&token),
            &json!({"dsrId": sso.json["id"], "recipients": []}),
        )
        .await;
    assert_error(&a, 400);
    assert!(error_message(&a).contains("SSO"));
}

#[tokio::test]
async fn template_report_answers_json_rows_or_csv_by_accept() {
    // seismic.md "Reporting paths": reporting endpoints answer JSON or CSV by the Accept header.
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let path = "/seismic/reporting/v2/digitalSalesRoomTemplates";
    let a = s.get(path, &bearer(&token)).await;
    assert_eq!(a.status, 200);
    assert_contract("seismic", "templates.list.response.json", &a.json);
    assert_eq!(a.json.as_array().unwrap().len(), 5);
    let csv = s
        .send(
            s.http
                .get(s.url(path))
                .header("Authorization", bearer(&token))
                .header("Accept", "text/csv"),
        )
        .await;
    assert_eq!(csv.header("content-type"), Some("text/csv"));
    assert!(csv.text.starts_with("id,name,contentCount,createdAt\r\n"));
    assert_eq!(csv.text.lines().count(), 6);
}

#[tokio::test]
async fn every_answer_counts_calls_in_the_tenant_window() {
    // seismic.md "Rate limiting (REST)": Tier 3, 600 calls per 60 s per tenant.
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    for n in 1..=3u64 {
        let a = s.get("/seismic/dsr/v1/dsrs", &bearer(&token)).await;
        assert_eq!(
            a.header("x-seismic-total-calls"),
            Some(n.to_string().as_str())
        );
        assert_eq!(
            a.header("x-seismic-remaining-calls"),
            Some((600 - n).to_string().as_str())
        );
    }
    let other = s
        .get("/seismic/dsr/v1/dsrs", &bearer(&fresh_token("seismic")))
        .await;
    assert_eq!(other.header("x-seismic-total-calls"), Some("1"));
}

#[tokio::test]
async fn credentials_are_a_bearer_token_or_401() {
    let s = TestServer::start().await;
    let path = s.url("/seismic/dsr/v1/dsrs");
    for req in [
        s.http.get(&path),
        s.http
            .get(&path)
            .header("Authorization", "Basic dXNlcjpwdw=="),
        s.http.get(&path).header("Authorization", "Bearer "),
    ] {
        let a = s.send(req).await;
        assert_error(&a, 401);
    }
}

#[tokio::test]
async fn transport_problems_answer_in_the_seismic_envelope() {
    let s = TestServer::configured(|c| c.body_limit = 2048).await;
    let auth = bearer(&fresh_token("seismic"));
    let path = "/seismic/dsr/v1/dsrs";
    let unknown = s.get("/seismic/dsr/v2/nothing", &auth).await;
    assert_error(&unknown, 404);
    assert_eq!(unknown.json["message"], "Resource not found");
    let method = s.delete(path, &auth).await;
    assert_error(&method, 405);
    let post = |body: String, ct: &'static str| s.raw(Method::POST, path, &auth, ct, body);
    let a = post("name=x".into(), "application/x-www-form-urlencoded").await;
    assert_error(&a, 415);
    let a = post("{\"name\": ".into(), "application/json").await;
    assert_error(&a, 400);
    assert!(error_message(&a).contains("line 1"));
    let a = post("[".repeat(100), "application/json").await;
    assert_error(&a, 400);
    let a = post(
        format!("{{\"name\": \"{}\"}}", "x".repeat(4096)),
        "application/json",
    )
    .await;
    assert_error(&a, 413);
}

#[tokio::test]
async fn tenants_never_see_each_others_rooms() {
    let s = TestServer::start().await;
    let (a, b) = (fresh_token("seismic"), fresh_token("seismic"));
    let template = first_template(&s, &a).await;
    let room = from_template(&s, &a, &json!({"templateId": template})).await;
    let path = format!("/seismic/dsr/v1/dsrs/{}", room.json["id"].as_str().unwrap());
    assert_eq!(s.get(&path, &bearer(&a)).await.status, 200);
    assert_error(&s.get(&path, &bearer(&b)).await, 404);
    assert_eq!(
        s.get("/seismic/dsr/v1/dsrs", &bearer(&b)).await.json["totalCount"],
        0
    );
    // Templates are tenant data too.
    assert_error(
        &from_template(&s, &b, &json!({"templateId": template})).await,
        404,
    );
}

#[tokio::test]
async fn admin_templates_add_and_replace_a_tenants_templates() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let path = format!("/seismic/templates?tenant={token}");
    let body = json!([{"templateId": "tpl-custom-1", "title": "Custom", "contentVersionIds": [], "region": "EMEA"}]);
    let a = s.admin(Method::POST, &path, Some(&body)).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json["templates"].as_array().unwrap().len(), 6);
    let body = json!([{"templateId": "tpl-custom-1", "title": "Custom v2"}]);
    let a = s.admin(Method::POST, &path, Some(&body)).await;
    assert_eq!(a.json["templates"].as_array().unwrap().len(), 6);
    let listed = s.admin_get(&path).await;
    assert_eq!(listed.json["templates"][5]["title"], "Custom v2");
    let room = from_template(&s, &token, &json!({"templateId": "tpl-custom-1"})).await;
    assert_eq!(room.status, 201);
    assert_eq!(room.json["name"], "Custom v2");
    assert_eq!(s.admin_get("/seismic/templates").await.status, 400);
    let bad = s
        .admin(Method::POST, &path, Some(&json!([{"title": "no id"}])))
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn admin_reset_forgets_rooms_and_restores_the_seeded_templates() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let template = first_template(&s, &token).await;
    let room = from_template(&s, &token, &json!({"templateId": template})).await;
    let path = format!("/seismic/templates?tenant={token}");
    let body = json!([{"templateId": "tpl-extra", "title": "Extra"}]);
    s.admin(Method::POST, &path, Some(&body)).await;
    let reset = s
        .admin(
            Method::POST,
            &format!("/reset?vendor=seismic&tenant={token}"),
            None,
        )
        .await;
    assert!(reset.status < 300, "{}", reset.text);
    let get = format!("/seismic/dsr/v1/dsrs/{}", room.json["id"].as_str().unwrap());
    assert_error(&s.get(&get, &bearer(&token)).await, 404);
    let templates = s.admin_get(&path).await;
    assert_eq!(templates.json["templates"].as_array().unwrap().len(), 5);
    assert_eq!(
        templates.json["templates"][0]["templateId"],
        json!(template)
    );
}

#[tokio::test]
async fn every_operation_is_listed_with_its_id() {
    let s = TestServer::start().await;
    let a = s.admin_get("/operations").await;
    let ops = operation_ids(&a.json, "seismic");
    for id in [
        "dsr.create",
        "dsr.get",
        "dsr.list",
        "deliveries.create",
        "templates.list",
        "tools.add_content_to_dsr",
    ] {
        assert!(ops.contains(&id), "{id} missing from {ops:?}");
    }
    let admin = a.json["admin"].as_array().unwrap();
    assert!(admin
        .iter()
        .any(|e| e["method"] == "POST" && e["path"] == "/__admin/seismic/templates?tenant="));
}
