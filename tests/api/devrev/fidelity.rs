//! What DevRev's beta OpenAPI and pages publish, tried as a client would: error members carry
//! the fields the spec requires (`invalid_enum_value.value`, `unexpected_json_type`'s own type
//! names, `invalid_content_type.value`) and error-base's `detail`; user summaries carry
//! `display_picture`; `dev-users.self` names the token's user. Sources: docs/vendors/devrev.md.

use reqwest::Method;
use serde_json::json;

use super::{call, create, create_body};
use crate::support::{assert_contract, bearer, fresh_token, TestServer};

#[tokio::test]
async fn invalid_enum_value_names_the_value_sent() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let mut body = create_body();
    body["engagement_type"] = json!("carrier_pigeon");
    let a = call(&s, "engagements.create", &auth, &body).await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert_eq!(a.json["type"], "invalid_enum_value");
    assert_eq!(a.json["value"], "carrier_pigeon");
    assert_eq!(a.json["field_name"], "engagement_type");
}

/// The spec's enum for `expected` and `actual` is `array, bool, null, number, object, string`.
#[tokio::test]
async fn unexpected_json_type_uses_the_specs_type_names() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let cases = [
        (json!({"title": 7}), "title", "string", "number"),
        (json!({"title": true}), "title", "string", "bool"),
        (json!({"members": "DEVU-1"}), "members", "array", "string"),
        (json!({"title": null}), "title", "string", "null"),
    ];
    for (patch, field, expected, actual) in cases {
        let mut body = create_body();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let a = call(&s, "engagements.create", &auth, &body).await;
        assert_eq!(
            (
                a.status,
                a.json["type"].as_str(),
                a.json["field_name"].as_str()
            ),
            (400, Some("unexpected_json_type"), Some(field)),
            "{}",
            a.text
        );
        assert_eq!(
            (a.json["expected"].as_str(), a.json["actual"].as_str()),
            (Some(expected), Some(actual)),
            "{field}"
        );
    }
}

/// The newest copy of the spec lists `invalid_content_type` with a required `value`; every error
/// body carries error-base's `detail` as well as `message`.
#[tokio::test]
async fn error_bodies_carry_detail_and_content_type_refusals_their_value() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let a = s
        .raw(
            Method::POST,
            "/devrev/engagements.create",
            &auth,
            "text/plain",
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(a.status, 400);
    assert_contract("devrev", "error.response.json", &a.json);
    assert_eq!(a.json["type"], "invalid_content_type");
    assert_eq!(a.json["value"], "text/plain");
    for a in [
        a,
        call(&s, "engagements.get", &auth, &json!({"id": "ENG-999"})).await,
        call(&s, "engagements.create", &auth, &json!({})).await,
        s.post("/devrev/engagements.count", "Bearer", &json!({}))
            .await,
    ] {
        assert!(
            a.json["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{}",
            a.text
        );
        assert!(a.json["message"].is_string(), "{}", a.text);
    }
}

#[tokio::test]
async fn user_summaries_carry_a_display_picture() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let e = create(&s, &auth, create_body()).await;
    for who in ["created_by", "modified_by"] {
        let picture = &e[who]["display_picture"];
        assert!(
            picture["id"]
                .as_str()
                .is_some_and(|id| id.contains(":artifact/")),
            "{e}"
        );
        assert!(picture["file"]["size"].is_u64(), "{e}");
    }
}

/// `dev-users.self` answers `{dev_user}` for the token's user, by GET and by POST `{}`: the same
/// user engagements show as `created_by`; other tokens are other users.
#[tokio::test]
async fn dev_users_self_names_the_tokens_user() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let e = create(&s, &auth, create_body()).await;
    let got = s.get("/devrev/dev-users.self", &auth).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_contract("devrev", "dev_users.self.response.json", &got.json);
    let posted = s.post("/devrev/dev-users.self", &auth, &json!({})).await;
    assert_eq!(posted.status, 200, "{}", posted.text);
    assert_eq!(posted.json, got.json);
    let user = &got.json["dev_user"];
    for field in [
        "id",
        "display_id",
        "display_name",
        "email",
        "full_name",
        "display_picture",
    ] {
        assert_eq!(user[field], e["created_by"][field], "{field}");
    }
    assert!(user.get("type").is_none());
    let other = s
        .get("/devrev/dev-users.self", &bearer(&fresh_token("devrev")))
        .await;
    assert_ne!(other.json["dev_user"]["id"], user["id"]);
    let extra = s
        .post("/devrev/dev-users.self", &auth, &json!({"x": 1}))
        .await;
    assert_eq!(extra.status, 400);
    assert_contract("devrev", "error.response.json", &extra.json);
}

/// The request example on DevRev's "Create Engagement" page answers 201.
#[tokio::test]
async fn the_pages_own_example_body_creates() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let body = json!({"members": ["DEVU-12345"], "scheduled_date": "2023-01-01T12:00:00.000Z", "title": "string"});
    let a = call(&s, "engagements.create", &auth, &body).await;
    assert_eq!(a.status, 201, "{}", a.text);
}
