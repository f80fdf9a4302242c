//! DevRev `engagements.*`: every operation, every error type, ids, paging, the artifact rule,
//! tenant isolation and concurrency. Facts: `shared/vendors/devrev.md`.

use serde_json::{json, Value};

use crate::support::{assert_contract, fresh_token, TestServer};

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn create_body() -> Value {
    json!({"title": "QBR", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})
}

#[tokio::test]
async fn create_answers_201_with_the_engagement_as_sent() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let mut body = create_body();
    body["parents"] = json!(["ACC-1", "don:core:dvrv-us-1:devo/0:opportunity/7"]);
    body["tags"] = json!([{"id": "TAG-3", "value": "hot"}]);
    body["external_ref"] = json!("crm-1");
    body["engagement_type"] = json!("call");
    let a = s.post("/devrev/engagements.create", &auth, &body).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("devrev", "engagements.create.response.json", &a.json);
    let e = &a.json["engagement"];
    assert_eq!(e["title"], "QBR");
    assert_eq!(e["display_id"], "ENG-1");
    assert_eq!(e["id"], "don:core:dvrv-us-1:devo/0:engagement/1");
    assert_eq!(
        e["members"],
        json!(["don:identity:dvrv-us-1:devo/0:devu/1"])
    );
    assert_eq!(
        e["parents"],
        json!([
            "don:core:dvrv-us-1:devo/0:account/1",
            "don:core:dvrv-us-1:devo/0:opportunity/7"
        ])
    );
    assert_eq!(e["engagement_type"], "call");
    assert_eq!(e["external_ref"], "crm-1");
    assert_eq!(e["scheduled_date"], "2026-12-01T15:00:00Z");
    assert_eq!(e["created_by"]["type"], "dev_user");
    assert_eq!(a.header("x-ratelimit-limit"), Some("1000"));
}

/// Posts and checks the answer against the operation's success or error contract.
async fn call(s: &TestServer, op: &str, auth: &str, body: &Value) -> crate::support::Answer {
    let a = s.post(&format!("/devrev/{op}"), auth, body).await;
    check_contract(op, &a);
    a
}

fn check_contract(op: &str, a: &crate::support::Answer) {
    if a.status >= 400 {
        assert_contract("devrev", "error.response.json", &a.json);
    } else {
        assert_contract("devrev", &format!("{op}.response.json"), &a.json);
    }
}

async fn create(s: &TestServer, auth: &str, body: Value) -> Value {
    let a = call(s, "engagements.create", auth, &body).await;
    assert_eq!(a.status, 201, "{}", a.text);
    a.json["engagement"].clone()
}

#[tokio::test]
async fn bearer_and_bare_token_are_the_same_tenant() {
    // devrev.md: the official TypeScript SDK sends the token without "Bearer ".
    let s = TestServer::start().await;
    let token = fresh_token("devrev");
    let e = create(&s, &bearer(&token), create_body()).await;
    let a = call(&s, "engagements.get", &token, &json!({"id": e["id"]})).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json["engagement"]["id"], e["id"]);
}

#[tokio::test]
async fn get_accepts_don_and_display_id_in_both_forms() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let e = create(&s, &auth, create_body()).await;
    for id in ["ENG-1", "don:core:dvrv-us-1:devo/0:engagement/1"] {
        let a = call(&s, "engagements.get", &auth, &json!({ "id": id })).await;
        assert_eq!(a.json["engagement"], e);
        let q = s
            .get(
                &format!("/devrev/engagements.get?id={}", urlencode(id)),
                &auth,
            )
            .await;
        check_contract("engagements.get", &q);
        assert_eq!(q.json["engagement"], e);
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded_byte_serialize(s)
}

fn form_urlencoded_byte_serialize(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn get_of_unknown_engagement_is_not_found_and_wrong_ids_are_typed() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let a = call(&s, "engagements.get", &auth, &json!({"id": "ENG-99"})).await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (404, Some("not_found"))
    );
    let a = call(&s, "engagements.get", &auth, &json!({"id": "ACC-1"})).await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (400, Some("unexpected_id_type"))
    );
    assert_eq!(a.json["allowed_types"], json!(["engagement"]));
    let a = call(&s, "engagements.get", &auth, &json!({"id": "not an id"})).await;
    assert_eq!(
        (
            a.status,
            a.json["type"].as_str(),
            a.json["field_name"].as_str()
        ),
        (400, Some("invalid_id"), Some("id"))
    );
}

#[tokio::test]
async fn missing_required_fields_are_named() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    for field in ["title", "members", "scheduled_date"] {
        let mut body = create_body();
        body.as_object_mut().unwrap().remove(field);
        let a = call(&s, "engagements.create", &auth, &body).await;
        assert_eq!(a.status, 400);
        assert_eq!(a.json["type"], "missing_required_field");
        assert_eq!(a.json["field_name"], field);
        assert!(a.json["message"].as_str().unwrap().contains(field));
    }
}

#[tokio::test]
async fn create_validation_rules_answer_devrev_error_types() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let too_many: Vec<String> = (1..=51).map(|i| format!("DEVU-{i}")).collect();
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"members": []}), "value_not_permitted", "members"),
        (
            json!({"members": too_many}),
            "value_not_permitted",
            "members",
        ),
        (
            json!({"scheduled_date": "tomorrow"}),
            "value_not_permitted",
            "scheduled_date",
        ),
        (
            json!({"engagement_type": "meeting"}),
            "invalid_enum_value",
            "engagement_type",
        ),
        (json!({"title": 7}), "unexpected_json_type", "title"),
        (json!({"nickname": "x"}), "invalid_field", "nickname"),
        (json!({"parent": "DEVU-2"}), "unexpected_id_type", "parent"),
        (
            json!({"parents": ["ACC-1", "ISS-4"]}),
            "unexpected_id_type",
            "parents[1]",
        ),
        (
            json!({"members": ["ACC-1"]}),
            "unexpected_id_type",
            "members[0]",
        ),
        (
            json!({"artifacts": ["bogus"]}),
            "invalid_id",
            "artifacts[0]",
        ),
        (
            json!({"tags": [{"value": "x"}]}),
            "missing_required_field",
            "tags[0].id",
        ),
    ];
    for (patch, kind, field) in cases {
        let mut body = create_body();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let a = call(&s, "engagements.create", &auth, &body).await;
        assert_eq!(a.status, 400, "{patch}: {}", a.text);
        assert_eq!(a.json["type"], kind, "{patch}: {}", a.text);
        assert_eq!(a.json["field_name"], field, "{patch}: {}", a.text);
    }
    let a = call(&s, "engagements.create", &auth, &json!({"title": "x", "members": ["DEVU-1"], "scheduled_date": "2026-01-01T00:00:00Z", "engagement_type": "survey"})).await;
    assert_eq!(
        a.json["allowed_values"],
        json!(["call", "default", "email", "linked_in", "offline"])
    );
    let a = call(
        &s,
        "engagements.create",
        &auth,
        &json!({"title": 1, "members": ["DEVU-1"], "scheduled_date": "2026-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(
        (a.json["expected"].as_str(), a.json["actual"].as_str()),
        (Some("string"), Some("integer"))
    );
    // Nothing of the refused creates was stored.
    let a = call(&s, "engagements.count", &auth, &json!({})).await;
    assert_eq!(a.json["count"], 0);
}

#[tokio::test]
async fn malformed_bodies_get_devrev_envelopes_never_5xx() {
    let config = engagement_sim::Config {
        body_limit: 2048,
        ..engagement_sim::Config::ephemeral()
    };
    let s = TestServer::with_config(config).await;
    let auth = bearer(&fresh_token("devrev"));
    let url = s.url("/devrev/engagements.create");
    let raw = |body: Vec<u8>, ct: &'static str| {
        s.http
            .post(&url)
            .header("Authorization", &auth)
            .header("Content-Type", ct)
            .body(body)
    };

    let a = s
        .send(raw(b"{\"title\": \"QBR\",".to_vec(), "application/json"))
        .await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (400, Some("bad_request"))
    );
    assert!(
        a.json["message"]
            .as_str()
            .unwrap()
            .contains("line 1, column"),
        "{}",
        a.text
    );

    let a = s.send(raw(b"{}".to_vec(), "text/plain")).await;
    assert_eq!(
        (a.status, a.json["type"].as_str(), a.json["value"].as_str()),
        (400, Some("invalid_content_type"), Some("text/plain"))
    );

    let a = s.send(raw(vec![b' '; 4096], "application/json")).await;
    assert_eq!(
        (
            a.status,
            a.json["type"].as_str(),
            a.json["max_bytes"].as_u64()
        ),
        (413, Some("request_entity_too_large"), Some(2048))
    );

    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let a = s.send(raw(deep.into_bytes(), "application/json")).await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (400, Some("bad_request"))
    );
    assert!(a.json["message"].as_str().unwrap().contains("nested"));

    let a = s
        .send(raw(vec![0xff, 0xfe, b'{'], "application/json"))
        .await;
    assert_eq!(a.status, 400);
    assert_contract("devrev", "error.response.json", &a.json);

    let a = s.send(raw(b"[1,2]".to_vec(), "application/json")).await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (400, Some("unexpected_json_type"))
    );
}

#[tokio::test]
async fn missing_or_malformed_credentials_are_unauthenticated() {
    let s = TestServer::start().await;
    let a = s
        .send(
            s.http
                .post(s.url("/devrev/engagements.create"))
                .json(&create_body()),
        )
        .await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (401, Some("unauthenticated"))
    );
    let a = s
        .post(
            "/devrev/engagements.create",
            "Basic dXNlcjpwYXNz",
            &create_body(),
        )
        .await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (401, Some("unauthenticated"))
    );
    assert_contract("devrev", "error.response.json", &a.json);
}

#[tokio::test]
async fn unknown_paths_and_methods_get_devrev_not_found() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let a = s.get("/devrev/engagements.frobnicate", &auth).await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (404, Some("not_found"))
    );
    assert!(a.json["message"]
        .as_str()
        .unwrap()
        .contains("/devrev/engagements.frobnicate"));
    let a = s.get("/devrev/engagements.create", &auth).await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (404, Some("not_found"))
    );
    let a = s.get("/nowhere/at/all", &auth).await;
    assert_eq!(a.status, 404);
    assert!(a.json["message"].is_string());
}

#[tokio::test]
async fn update_replaces_scalars_and_sets_collections() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let e = create(&s, &auth, create_body()).await;
    let a = call(
        &s,
        "engagements.update",
        &auth,
        &json!({
            "id": e["display_id"], "title": "QBR v2", "description": "notes", "external_url": null,
            "members": {"set": ["DEVU-2", "REVU-3"]}, "parents": {"set": ["OPP-4"]},
            "artifacts": {"set": ["ARTIFACT-9"]}, "tags": {"set": [{"id": "TAG-1"}]}
        }),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let u = &a.json["engagement"];
    assert_eq!(u["title"], "QBR v2");
    assert_eq!(u["description"], "notes");
    assert_eq!(
        u["members"],
        json!([
            "don:identity:dvrv-us-1:devo/0:devu/2",
            "don:identity:dvrv-us-1:devo/0:revu/3"
        ])
    );
    assert_eq!(
        u["parents"],
        json!(["don:core:dvrv-us-1:devo/0:opportunity/4"])
    );
    assert_eq!(
        u["tags"],
        json!([{"id": "don:core:dvrv-us-1:devo/0:tag/1"}])
    );
    assert_eq!(u["created_date"], e["created_date"]);
    let got = call(&s, "engagements.get", &auth, &json!({"id": e["id"]})).await;
    assert_eq!(&got.json["engagement"], u);

    let a = call(
        &s,
        "engagements.update",
        &auth,
        &json!({"id": e["id"], "members": {"set": []}}),
    )
    .await;
    assert_eq!(
        (
            a.status,
            a.json["type"].as_str(),
            a.json["field_name"].as_str()
        ),
        (400, Some("value_not_permitted"), Some("members.set"))
    );
    // engagement_type is create-only.
    let a = call(
        &s,
        "engagements.update",
        &auth,
        &json!({"id": e["id"], "engagement_type": "call"}),
    )
    .await;
    assert_eq!(
        (
            a.status,
            a.json["type"].as_str(),
            a.json["field_name"].as_str()
        ),
        (400, Some("invalid_field"), Some("engagement_type"))
    );
    let a = call(
        &s,
        "engagements.update",
        &auth,
        &json!({"id": "ENG-77", "title": "x"}),
    )
    .await;
    assert_eq!(a.status, 404);
    let a = call(&s, "engagements.update", &auth, &json!({"title": "x"})).await;
    assert_eq!(
        (a.json["type"].as_str(), a.json["field_name"].as_str()),
        (Some("missing_required_field"), Some("id"))
    );
}

#[tokio::test]
async fn delete_answers_an_empty_object_and_the_engagement_is_gone() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let e = create(&s, &auth, create_body()).await;
    let a = call(&s, "engagements.delete", &auth, &json!({"id": e["id"]})).await;
    assert_eq!((a.status, &a.json), (200, &json!({})));
    let a = call(&s, "engagements.get", &auth, &json!({"id": e["id"]})).await;
    assert_eq!(a.status, 404);
    let a = call(&s, "engagements.delete", &auth, &json!({"id": e["id"]})).await;
    assert_eq!(a.status, 404);
}

#[tokio::test]
async fn an_artifact_belongs_to_one_parent() {
    // devrev.md: artifact_already_attached_to_a_parent carries existing_parent and is_same.
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let mut body = create_body();
    body["artifacts"] = json!(["ARTIFACT-1"]);
    let first = create(&s, &auth, body.clone()).await;
    let a = call(&s, "engagements.create", &auth, &body).await;
    assert_eq!(a.status, 400);
    assert_eq!(a.json["type"], "artifact_already_attached_to_a_parent");
    assert_eq!(a.json["existing_parent"], first["id"]);
    assert_eq!(a.json["is_same"], false);
    // Re-setting it on its own parent is fine; moving it through an update is not.
    let a = call(
        &s,
        "engagements.update",
        &auth,
        &json!({"id": first["id"], "artifacts": {"set": ["ARTIFACT-1", "ARTIFACT-2"]}}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let second = create(&s, &auth, create_body()).await;
    let a = call(
        &s,
        "engagements.update",
        &auth,
        &json!({"id": second["id"], "artifacts": {"set": ["ARTIFACT-2"]}}),
    )
    .await;
    assert_eq!(a.json["type"], "artifact_already_attached_to_a_parent");
    // Deleting the parent frees its artifacts.
    call(&s, "engagements.delete", &auth, &json!({"id": first["id"]})).await;
    let a = call(
        &s,
        "engagements.update",
        &auth,
        &json!({"id": second["id"], "artifacts": {"set": ["ARTIFACT-2"]}}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

mod lists_and_races;

#[tokio::test]
async fn same_seed_and_requests_give_the_same_answers() {
    let mut answers = Vec::new();
    for _ in 0..2 {
        let config = engagement_sim::Config {
            seed: 9,
            clock: Some("2026-01-01T00:00:00Z".parse().unwrap()),
            ..engagement_sim::Config::ephemeral()
        };
        let s = TestServer::with_config(config).await;
        answers.push(create(&s, "Bearer fixed-token", create_body()).await);
    }
    assert_eq!(answers[0], answers[1]);
}

mod snapshots;

mod properties;

#[tokio::test]
async fn beyond_the_record_limit_the_oldest_engagement_makes_room() {
    let config = engagement_sim::Config {
        tenant_record_limit: 3,
        ..engagement_sim::Config::ephemeral()
    };
    let s = TestServer::with_config(config).await;
    let auth = bearer(&fresh_token("devrev-limit"));
    let mut body = create_body();
    body["artifacts"] = json!(["ARTIFACT-1"]);
    create(&s, &auth, body.clone()).await;
    for _ in 0..4 {
        create(&s, &auth, create_body()).await;
    }
    assert_eq!(
        call(&s, "engagements.count", &auth, &json!({})).await.json["count"],
        3
    );
    assert_eq!(
        call(&s, "engagements.get", &auth, &json!({"id": "ENG-2"}))
            .await
            .status,
        404
    );
    assert_eq!(
        call(&s, "engagements.get", &auth, &json!({"id": "ENG-5"}))
            .await
            .status,
        200
    );
    // The evicted engagement's artifact is free again.
    assert_eq!(
        call(&s, "engagements.create", &auth, &body).await.status,
        201
    );
}
