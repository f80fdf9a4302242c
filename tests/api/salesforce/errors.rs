//! Every error the pipeline and the rules raise, each a one-element array with the right code.

use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::support::{fresh_token, TestServer};

#[tokio::test]
async fn missing_or_unknown_session_answers_invalid_session_id() {
    let s = TestServer::start().await;
    // Fact sheet "Authentication": 401 with "Session expired or invalid".
    let a = s
        .send(s.http.post(s.url(CREATE)).json(&minimal_body()))
        .await;
    assert_error(&a, 401, "INVALID_SESSION_ID");
    assert_eq!(a.json[0]["message"], "Session expired or invalid");
    insta::assert_json_snapshot!("salesforce_invalid_session", a.status_and_body());
    assert_error(
        &s.post(CREATE, "Bearer ", &minimal_body()).await,
        401,
        "INVALID_SESSION_ID",
    );
    assert_error(
        &s.post(CREATE, "Basic dXNlcjpwYXNz", &minimal_body()).await,
        401,
        "INVALID_AUTH_HEADER",
    );
    assert_eq!(
        s.post(
            CREATE,
            &format!("OAuth {}", fresh_token("sf")),
            &minimal_body()
        )
        .await
        .status,
        201
    );
}

#[tokio::test]
async fn every_answer_carries_sforce_limit_info_counted_per_tenant() {
    let s = TestServer::start().await;
    let (a1, a2) = (auth(), auth());
    let first = create(&s, &a1, &minimal_body()).await;
    assert_eq!(first.header("sforce-limit-info"), Some("api-usage=1/15000"));
    let err = s
        .get(&interaction_url("v63.0", "0eIxx0000000001AAA"), &a1)
        .await;
    assert_eq!(err.header("sforce-limit-info"), Some("api-usage=2/15000"));
    let other = create(&s, &a2, &minimal_body()).await;
    assert_eq!(other.header("sforce-limit-info"), Some("api-usage=1/15000"));
}

#[tokio::test]
async fn contract_violations_answer_one_error_naming_the_field() {
    let s = TestServer::start().await;
    let auth = auth();
    let with = |pointer: &str, value: Value| {
        let mut b = full_body();
        let (parent, leaf) = pointer.rsplit_once('/').unwrap();
        match b.pointer_mut(parent).unwrap() {
            Value::Array(items) => items[leaf.parse::<usize>().unwrap()] = value,
            other => other[leaf] = value,
        }
        b
    };
    let without = |field: &str| {
        let mut b = full_body();
        b["engagementInteraction"]
            .as_object_mut()
            .unwrap()
            .remove(field);
        b
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            without("communicationChannel"),
            "REQUIRED_FIELD_MISSING",
            "communicationChannel",
        ),
        (
            without("startDateTime"),
            "REQUIRED_FIELD_MISSING",
            "startDateTime",
        ),
        (json!({}), "REQUIRED_FIELD_MISSING", "engagementInteraction"),
        (
            with("/engagementInteraction/attendeeVerified", json!("yes")),
            "JSON_PARSER_ERROR",
            "attendeeVerified",
        ),
        (
            with("/engagementInteraction/bogus", json!(1)),
            "JSON_PARSER_ERROR",
            "bogus",
        ),
        (
            with("/engagementInteraction/startDateTime", json!("yesterday")),
            "INVALID_TYPE",
            "startDateTime",
        ),
        (
            with(
                "/engagementInteraction/customFieldsList/0/key",
                json!("NoSuffix"),
            ),
            "INVALID_FIELD",
            "key",
        ),
        (
            with("/engagementInteraction/sentiment", json!("x".repeat(300))),
            "STRING_TOO_LONG",
            "sentiment",
        ),
        (
            with(
                "/engagementInteraction/engagementTopics/0",
                json!({"processName": "p"}),
            ),
            "REQUIRED_FIELD_MISSING",
            "name",
        ),
        (
            with(
                "/engagementInteraction/engagementAttendees/0/isVerified",
                json!(null),
            ),
            "JSON_PARSER_ERROR",
            "isVerified",
        ),
    ];
    let a = create(&s, &auth, &without("communicationChannel")).await;
    insta::assert_json_snapshot!("salesforce_required_field_missing", a.status_and_body());
    for (body, code, field) in cases {
        let a = create(&s, &auth, &body).await;
        assert_error(&a, 400, code);
        assert_eq!(a.json[0]["fields"], json!([field]), "{}", a.text);
    }
}

#[tokio::test]
async fn business_rules_refuse_bad_references_and_duplicates() {
    let s = TestServer::start().await;
    let auth = auth();
    let mut b = full_body();
    b["engagementInteraction"]["engagementAttendees"][0]
        .as_object_mut()
        .unwrap()
        .remove("externalAttendeeId");
    // EngagementAttendee: external or internal attendee id must be set.
    assert_error(&create(&s, &auth, &b).await, 400, "REQUIRED_FIELD_MISSING");

    let mut b = full_body();
    b["engagementInteraction"]["contextId"] = json!("TestContextId");
    assert_error(&create(&s, &auth, &b).await, 400, "MALFORMED_ID");

    let mut b = full_body();
    // internalAttendeeId must be a User (005).
    b["engagementInteraction"]["engagementAttendees"][1]["internalAttendeeId"] =
        json!("003xx000004TmiQAAS");
    assert_error(
        &create(&s, &auth, &b).await,
        400,
        "INVALID_CROSS_REFERENCE_KEY",
    );

    assert_eq!(create(&s, &auth, &full_body()).await.status, 201);
    let a = create(&s, &auth, &full_body()).await;
    assert_error(&a, 400, "DUPLICATE_VALUE");
    assert_eq!(a.json[0]["fields"], json!(["externalIdentifierId"]));
}

#[tokio::test]
async fn bad_bodies_answer_in_the_salesforce_envelope() {
    let s = TestServer::configured(|c| c.body_limit = 4096).await;
    let auth = auth();
    let raw = |ct: &'static str, body: String| s.raw(Method::POST, CREATE, &auth, ct, body);
    let a = raw(
        "application/json",
        "{\n  \"engagementInteraction\": }".into(),
    )
    .await;
    assert_error(&a, 400, "JSON_PARSER_ERROR");
    assert!(
        a.json[0]["message"]
            .as_str()
            .unwrap()
            .contains("[line:2, column:"),
        "{}",
        a.text
    );
    insta::assert_json_snapshot!("salesforce_json_parser_error", a.status_and_body());
    // Connect REST reads XML bodies too; a broken one is refused like broken JSON.
    let a = raw("application/xml", "<engagementContainer>\n<x></y>".into()).await;
    assert_error(&a, 400, "JSON_PARSER_ERROR");
    assert!(
        a.json[0]["message"].as_str().unwrap().contains("[line:2,"),
        "{}",
        a.text
    );
    assert_error(
        &raw("text/plain", "{}".into()).await,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    );
    assert_error(
        &raw("application/json", " ".repeat(5000)).await,
        413,
        "REQUEST_ENTITY_TOO_LARGE",
    );
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert_error(
        &raw("application/json", deep).await,
        400,
        "JSON_PARSER_ERROR",
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_not_found_and_405() {
    let s = TestServer::start().await;
    let auth = auth();
    assert_error(
        &s.get("/salesforce/services/data/v63.0/nothing/here", &auth)
            .await,
        404,
        "NOT_FOUND",
    );
    assert_error(&s.get("/salesforce", &auth).await, 404, "NOT_FOUND");
    let a = s
        .send(
            s.http
                .patch(s.url(&interaction_url("v63.0", "0eIxx0000000001AAA")))
                .header("Authorization", &auth),
        )
        .await;
    assert_error(&a, 405, "METHOD_NOT_ALLOWED");
    insta::assert_json_snapshot!("salesforce_method_not_allowed", a.status_and_body());
    assert_eq!(
        a.json[0]["message"],
        "HTTP Method 'PATCH' not allowed. Allowed are HEAD,GET,DELETE"
    );
}
