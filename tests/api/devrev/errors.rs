//! DevRev refusals: missing and invalid fields, malformed bodies, credentials, unknown paths; each
//! in DevRev's error envelope, never a 5xx.

use reqwest::Method;

use super::*;

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
        (Some("string"), Some("number"))
    );
    // Nothing of the refused creates was stored.
    let a = call(&s, "engagements.count", &auth, &json!({})).await;
    assert_eq!(a.json["count"], 0);
}

#[tokio::test]
async fn malformed_bodies_get_devrev_envelopes_never_5xx() {
    let s = TestServer::configured(|c| c.body_limit = 2048).await;
    let auth = bearer(&fresh_token("devrev"));
    let raw = |body: Vec<u8>, ct: &'static str| {
        s.raw(Method::POST, "/devrev/engagements.create", &auth, ct, body)
    };

    let a = raw(b"{\"title\": \"QBR\",".to_vec(), "application/json").await;
    assert_eq!(status_and_type(&a), (400, Some("bad_request")));
    assert!(
        a.json["message"]
            .as_str()
            .unwrap()
            .contains("line 1, column"),
        "{}",
        a.text
    );

    let a = raw(b"{}".to_vec(), "text/plain").await;
    assert_eq!(
        (a.status, a.json["type"].as_str(), a.json["value"].as_str()),
        (400, Some("invalid_content_type"), Some("text/plain"))
    );

    let a = raw(vec![b' '; 4096], "application/json").await;
    assert_eq!(
        (
            a.status,
            a.json["type"].as_str(),
            a.json["max_bytes"].as_u64()
        ),
        (413, Some("request_entity_too_large"), Some(2048))
    );

    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let a = raw(deep.into_bytes(), "application/json").await;
    assert_eq!(status_and_type(&a), (400, Some("bad_request")));
    assert!(a.json["message"].as_str().unwrap().contains("nested"));

    let a = raw(vec![0xff, 0xfe, b'{'], "application/json").await;
    assert_eq!(a.status, 400);
    assert_contract("devrev", "error.response.json", &a.json);

    let a = raw(b"[1,2]".to_vec(), "application/json").await;
    assert_eq!(status_and_type(&a), (400, Some("unexpected_json_type")));
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
    assert_eq!(status_and_type(&a), (401, Some("unauthenticated")));
    let a = s
        .post(
            "/devrev/engagements.create",
            "Basic dXNlcjpwYXNz",
            &create_body(),
        )
        .await;
    assert_eq!(status_and_type(&a), (401, Some("unauthenticated")));
    assert_contract("devrev", "error.response.json", &a.json);
}

#[tokio::test]
async fn unknown_paths_and_methods_get_devrev_not_found() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let a = s.get("/devrev/engagements.frobnicate", &auth).await;
    assert_eq!(status_and_type(&a), (404, Some("not_found")));
    assert!(a.json["message"]
        .as_str()
        .unwrap()
        .contains("/devrev/engagements.frobnicate"));
    let a = s.get("/devrev/engagements.create", &auth).await;
    assert_eq!(status_and_type(&a), (404, Some("not_found")));
    let a = s.get("/nowhere/at/all", &auth).await;
    assert_eq!(a.status, 404);
    assert!(a.json["message"].is_string());
}
