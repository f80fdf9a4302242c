//! DevRev engagements one at a time: create, get by either id form, update, delete, the artifact
//! rule, seeded determinism and the tenant record limit.

use super::*;

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
    assert_eq!(status_and_type(&a), (404, Some("not_found")));
    let a = call(&s, "engagements.get", &auth, &json!({"id": "ACC-1"})).await;
    assert_eq!(status_and_type(&a), (400, Some("unexpected_id_type")));
    assert_eq!(a.json["allowed_types"], json!(["engagement"]));
    let a = call(&s, "engagements.get", &auth, &json!({"id": "not an id"})).await;
    assert_eq!(
        status_type_and_field(&a),
        (400, Some("invalid_id"), Some("id"))
    );
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
            "id": e["display_id"], "title": "QBR v2", "description": "notes",
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
        status_type_and_field(&a),
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
        status_type_and_field(&a),
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

#[tokio::test]
async fn same_seed_and_requests_give_the_same_answers() {
    let mut answers = Vec::new();
    for _ in 0..2 {
        let s = TestServer::configured(|c| {
            c.seed = 9;
            c.clock = Some("2026-01-01T00:00:00Z".parse().unwrap());
        })
        .await;
        answers.push(create(&s, "Bearer fixed-token", create_body()).await);
    }
    assert_eq!(answers[0], answers[1]);
}

#[tokio::test]
async fn beyond_the_record_limit_the_oldest_engagement_makes_room() {
    let s = TestServer::configured(|c| c.tenant_record_limit = 3).await;
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
