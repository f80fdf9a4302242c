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

#[tokio::test]
async fn fifty_racing_creates_with_one_artifact_leave_one_winner() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let mut body = create_body();
    body["artifacts"] = json!(["ARTIFACT-42"]);
    let answers = futures_join(&s, &auth, "engagements.create", body, 50).await;
    let winners: Vec<&Value> = answers
        .iter()
        .filter(|a| a.0 == 201)
        .map(|a| &a.1)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one create wins the artifact");
    let winner = winners[0]["engagement"]["id"].clone();
    for (status, json) in answers.iter().filter(|a| a.0 != 201) {
        assert_eq!(*status, 400);
        assert_eq!(json["type"], "artifact_already_attached_to_a_parent");
        assert_eq!(json["existing_parent"], winner);
    }
}

async fn futures_join(
    s: &TestServer,
    auth: &str,
    op: &str,
    body: Value,
    n: usize,
) -> Vec<(u16, Value)> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let req = s
            .http
            .post(s.url(&format!("/devrev/{op}")))
            .header("Authorization", auth)
            .json(&body);
        tasks.push(tokio::spawn(async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test]
async fn fifty_concurrent_creates_give_fifty_distinct_records() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let answers = futures_join(&s, &auth, "engagements.create", create_body(), 50).await;
    let mut ids: Vec<String> = answers
        .iter()
        .map(|(st, j)| {
            assert_eq!(*st, 201);
            j["engagement"]["id"].as_str().unwrap().to_owned()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50);
    let a = call(&s, "engagements.count", &auth, &json!({})).await;
    assert_eq!(a.json["count"], 50);
}

#[tokio::test]
async fn tenants_never_see_each_other() {
    let s = TestServer::start().await;
    let (a_auth, b_auth) = (
        bearer(&fresh_token("devrev-a")),
        bearer(&fresh_token("devrev-b")),
    );
    let e = create(&s, &a_auth, create_body()).await;
    assert_eq!(
        call(&s, "engagements.get", &b_auth, &json!({"id": e["id"]}))
            .await
            .status,
        404
    );
    assert_eq!(
        call(&s, "engagements.list", &b_auth, &json!({})).await.json["engagements"],
        json!([])
    );
    assert_eq!(
        call(&s, "engagements.count", &b_auth, &json!({}))
            .await
            .json["count"],
        0
    );
    assert_eq!(
        call(&s, "engagements.delete", &b_auth, &json!({"id": e["id"]}))
            .await
            .status,
        404
    );
    assert_eq!(
        call(&s, "engagements.count", &a_auth, &json!({}))
            .await
            .json["count"],
        1
    );
}

#[tokio::test]
async fn list_pages_forward_and_back_without_gap_or_duplicate() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    for i in 0..205 {
        let mut body = create_body();
        body["title"] = json!(format!("E{i}"));
        create(&s, &auth, body).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = Vec::new();
    loop {
        let mut req = json!({"limit": 20});
        if let Some(c) = &cursor {
            req["cursor"] = json!(c);
        }
        let a = call(&s, "engagements.list", &auth, &req).await;
        let titles: Vec<String> = a.json["engagements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_owned())
            .collect();
        seen.extend(titles.clone());
        pages.push((cursor.clone(), a.json.clone()));
        match a.json["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..205).map(|i| format!("E{i}")).collect();
    assert_eq!(seen, expected);
    assert!(
        pages[0].1.get("prev_cursor").is_none(),
        "the first page has no previous page"
    );
    // From the second page, the prev cursor in "before" mode gives back the first page.
    let prev = pages[1].1["prev_cursor"].as_str().unwrap();
    let a = call(
        &s,
        "engagements.list",
        &auth,
        &json!({"limit": 20, "cursor": prev, "mode": "before"}),
    )
    .await;
    assert_eq!(a.json["engagements"], pages[0].1["engagements"]);
    // "before" without a cursor starts from the end; the GET form pages the same way.
    let a = s
        .get("/devrev/engagements.list?limit=5&mode=before", &auth)
        .await;
    let last: Vec<&str> = a.json["engagements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(last, ["E200", "E201", "E202", "E203", "E204"]);
    assert!(a.json.get("next_cursor").is_none());
    // Descending order.
    let a = call(
        &s,
        "engagements.list",
        &auth,
        &json!({"limit": 3, "sort_by": ["created_date:desc"]}),
    )
    .await;
    let first: Vec<&str> = a.json["engagements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(first, ["E204", "E203", "E202"]);
    let next = a.json["next_cursor"].as_str().unwrap();
    let a = call(
        &s,
        "engagements.list",
        &auth,
        &json!({"limit": 3, "sort_by": ["created_date:desc"], "cursor": next}),
    )
    .await;
    assert_eq!(a.json["engagements"][0]["title"], "E201");
    let a = call(&s, "engagements.list", &auth, &json!({"cursor": "garbage"})).await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (400, Some("bad_request"))
    );
}

#[tokio::test]
async fn list_and_count_filter_in_both_forms() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    create(&s, &auth, json!({"title": "a", "members": ["DEVU-1"], "scheduled_date": "2026-01-01T00:00:00Z", "engagement_type": "call", "parent": "ACC-1", "external_ref": "x1"})).await;
    create(&s, &auth, json!({"title": "b", "members": ["DEVU-2"], "scheduled_date": "2026-01-01T00:00:00Z", "engagement_type": "email", "parents": ["OPP-1"]})).await;
    create(&s, &auth, json!({"title": "c", "members": ["DEVU-1", "DEVU-2"], "scheduled_date": "2026-01-01T00:00:00Z"})).await;
    let count = |q: &'static str| {
        let s = &s;
        let auth = auth.clone();
        async move {
            s.get(&format!("/devrev/engagements.count?{q}"), &auth)
                .await
                .json["count"]
                .as_u64()
                .unwrap()
        }
    };
    assert_eq!(count("members=DEVU-1").await, 2);
    assert_eq!(
        count("members=%22DEVU-1%22,%22DEVU-2%22").await,
        3,
        "the TypeScript SDK's quoted, comma-joined arrays"
    );
    assert_eq!(count("members=DEVU-2&members=DEVU-1").await, 3);
    assert_eq!(count("type=call").await, 1);
    assert_eq!(count("parent=ACC-1").await, 1);
    assert_eq!(count("external_ref=x1").await, 1);
    let a = call(
        &s,
        "engagements.list",
        &auth,
        &json!({"type": ["email", "default"]}),
    )
    .await;
    let titles: Vec<&str> = a.json["engagements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["b", "c"]);
    let a = s.get("/devrev/engagements.list?limit=abc", &auth).await;
    assert_eq!(
        (
            a.status,
            a.json["type"].as_str(),
            a.json["field_name"].as_str()
        ),
        (400, Some("unexpected_json_type"), Some("limit"))
    );
    let a = call(
        &s,
        "engagements.count",
        &auth,
        &json!({"type": ["webinar"]}),
    )
    .await;
    assert_eq!(
        (a.status, a.json["type"].as_str()),
        (400, Some("invalid_enum_value"))
    );
}

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

mod snapshots {
    use super::*;

    /// The shape of every DevRev answer, ids and timestamps redacted.
    #[tokio::test]
    async fn response_shapes() {
        let config = engagement_sim::Config {
            clock: Some("2026-01-01T00:00:00Z".parse().unwrap()),
            ..engagement_sim::Config::ephemeral()
        };
        let s = TestServer::with_config(config).await;
        let auth = "Bearer snapshot-token";
        let mut body = create_body();
        body["artifacts"] = json!(["ARTIFACT-1"]);
        let created = call(&s, "engagements.create", auth, &body).await;
        insta::assert_json_snapshot!("devrev_create", created.json);
        let listed = call(&s, "engagements.list", auth, &json!({"limit": 1})).await;
        insta::assert_json_snapshot!("devrev_list", listed.json);
        let counted = call(&s, "engagements.count", auth, &json!({})).await;
        insta::assert_json_snapshot!("devrev_count", counted.json);
        let conflict = call(&s, "engagements.create", auth, &body).await;
        insta::assert_json_snapshot!("devrev_artifact_conflict", conflict.json);
        let missing = call(
            &s,
            "engagements.create",
            auth,
            &json!({"members": ["DEVU-1"], "scheduled_date": "2026-01-01T00:00:00Z"}),
        )
        .await;
        insta::assert_json_snapshot!("devrev_missing_field", missing.json);
        let unauth = s
            .send(
                s.http
                    .post(s.url("/devrev/engagements.count"))
                    .json(&json!({})),
            )
            .await;
        insta::assert_json_snapshot!("devrev_unauthenticated", unauth.json);
        let deleted = call(&s, "engagements.delete", auth, &json!({"id": "ENG-1"})).await;
        insta::assert_json_snapshot!("devrev_delete", deleted.json);
    }
}

mod properties {
    use super::*;
    use crate::support::shared;
    use proptest::prelude::*;

    fn member() -> impl Strategy<Value = String> {
        prop_oneof![
            (1u32..9999).prop_map(|n| format!("DEVU-{n}")),
            (1u32..9999).prop_map(|n| format!("don:identity:dvrv-us-1:devo/0:revu/{n}"))
        ]
    }

    prop_compose! {
        fn valid_create()(
            title in "[A-Za-z0-9 ]{1,40}",
            members in proptest::collection::vec(member(), 1..50),
            day in 1u32..28, hour in 0u32..24,
            kind in proptest::option::of(prop_oneof![Just("call"), Just("default"), Just("email"), Just("linked_in"), Just("offline")]),
            description in proptest::option::of("[ -~]{0,80}"),
            parent in proptest::option::of((1u32..500).prop_map(|n| format!("ACC-{n}"))),
        ) -> Value {
            let mut body = json!({"title": title, "members": members, "scheduled_date": format!("2026-03-{day:02}T{hour:02}:00:00Z")});
            if let Some(k) = kind { body["engagement_type"] = json!(k); }
            if let Some(d) = description { body["description"] = json!(d); }
            if let Some(p) = parent { body["parent"] = json!(p); }
            body
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Any valid create answers 201, and a get returns exactly what the create returned.
        #[test]
        fn valid_creates_round_trip(body in valid_create()) {
            let sh = shared();
            let auth = bearer(&fresh_token("devrev-prop"));
            sh.runtime.block_on(async {
                let a = call(&sh.server, "engagements.create", &auth, &body).await;
                assert_eq!(a.status, 201, "{}", a.text);
                let e = &a.json["engagement"];
                assert_eq!(e["title"], body["title"]);
                assert_eq!(e["scheduled_date"], body["scheduled_date"]);
                assert_eq!(e["members"].as_array().unwrap().len(), {
                    let mut m: Vec<_> = body["members"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
                    m.sort(); m.dedup(); m.len()
                });
                let got = call(&sh.server, "engagements.get", &auth, &json!({"id": e["id"]})).await;
                assert_eq!(&got.json["engagement"], e);
            });
        }

        /// Breaking one field of a valid body gives a 400 naming that field, never a 5xx.
        #[test]
        fn invalid_mutations_name_the_field(body in valid_create(), field in prop_oneof![Just("title"), Just("members"), Just("scheduled_date"), Just("engagement_type"), Just("parent")], how in 0usize..4) {
            let sh = shared();
            let auth = bearer(&fresh_token("devrev-prop"));
            let mut body = body;
            let broken = match how {
                0 => json!(12345),
                1 => json!({"nested": true}),
                2 => json!([]),
                _ => json!(null),
            };
            body[field] = broken;
            sh.runtime.block_on(async {
                let a = call(&sh.server, "engagements.create", &auth, &body).await;
                assert_eq!(a.status, 400, "{body}: {}", a.text);
                assert!(a.json["field_name"].as_str().is_some_and(|f| f.starts_with(field)), "{body}: {}", a.text);
            });
        }
    }
}

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
