//! The Connect resources: create, fetch and delete, defaults, API-version gating of paths and fields.

use serde_json::json;

use super::*;
use crate::support::{assert_contract, TestServer};

#[tokio::test]
async fn create_answers_201_with_ids_in_input_order() {
    let s = TestServer::start().await;
    let a = create(&s, &auth(), &full_body()).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract(
        "salesforce",
        "engagement_interactions.create.response.json",
        &a.json,
    );
    let e = &a.json["engagementInteraction"];
    assert!(e["id"].as_str().unwrap().starts_with("0eI"));
    assert_eq!(e["engagementAttendees"].as_array().unwrap().len(), 2);
    assert_eq!(e["engagementTopics"].as_array().unwrap().len(), 2);
    // Ids are minted in input order: interaction, attendees, then topics.
    let ids: Vec<&str> = std::iter::once(&e["id"])
        .chain(
            e["engagementAttendees"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| &x["id"]),
        )
        .chain(
            e["engagementTopics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| &x["id"]),
        )
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut sorted: Vec<&str> = ids.iter().map(|i| &i[3..15]).collect();
    sorted.sort();
    assert_eq!(sorted, ids.iter().map(|i| &i[3..15]).collect::<Vec<_>>());
    assert_eq!(
        a.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    insta::assert_json_snapshot!("salesforce_create", a.status_and_body(), {
        ".body.engagementInteraction.id" => "[id]",
        ".body.engagementInteraction.engagementAttendees[].id" => "[id]",
        ".body.engagementInteraction.engagementTopics[].id" => "[id]",
    });
}

#[tokio::test]
async fn fetch_returns_every_documented_field_with_children() {
    let s = TestServer::start().await;
    let auth = auth();
    let id = created_id(&create(&s, &auth, &full_body()).await);
    let a = s.get(&interaction_url("v63.0", &id), &auth).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract(
        "salesforce",
        "engagement_interactions.get.response.json",
        &a.json,
    );
    let e = &a.json["engagementInteraction"];
    assert_eq!(e["id"], id);
    assert_eq!(e["duration"], "240");
    assert_eq!(e["engagementAttendees"][1]["isAuthenticated"], false);
    assert_eq!(e["engagementAttendees"][0]["engagementInteractionId"], id);
    insta::assert_json_snapshot!("salesforce_fetch", a.status_and_body(), {
        ".body.engagementInteraction.id" => "[id]",
        ".body.engagementInteraction.ownerId" => "[id]",
        ".body.engagementInteraction.engagementAttendees[].id" => "[id]",
        ".body.engagementInteraction.engagementAttendees[].ownerId" => "[id]",
        ".body.engagementInteraction.engagementAttendees[].engagementInteractionId" => "[id]",
        ".body.engagementInteraction.engagementTopics[].id" => "[id]",
        ".body.engagementInteraction.engagementTopics[].ownerId" => "[id]",
        ".body.engagementInteraction.engagementTopics[].engagementInteractionId" => "[id]",
    });
}

#[tokio::test]
async fn create_fills_documented_defaults() {
    let s = TestServer::start().await;
    let auth = auth();
    let mut body = minimal_body();
    body["engagementInteraction"]["attendeeVerified"] = json!(true);
    let id = created_id(&create(&s, &auth, &body).await);
    let e =
        s.get(&interaction_url("v63.0", &id), &auth).await.json["engagementInteraction"].clone();
    // Create input: attendeeAuthenticated defaults to false, mappedState to New, and the
    // verification time to now when verified.
    assert_eq!(e["attendeeAuthenticated"], false);
    assert_eq!(e["mappedState"], "New");
    assert!(e["attendeeVerificationTime"].is_string());
}

#[tokio::test]
async fn fetch_output_follows_the_path_version() {
    let s = TestServer::start().await;
    let auth = auth();
    let id = created_id(&create(&s, &auth, &minimal_body()).await);
    // customFields and reason arrive in 56.0, phoneNumber in 57.0 (fact sheet, fetch output).
    let old = s.get(&interaction_url("v55.0", &id), &auth).await.json;
    let e = &old["engagementInteraction"];
    assert!(e.get("customFields").is_none() && e.get("reason").is_none());
    assert!(e.get("phoneNumber").is_none());
    let mid = s.get(&interaction_url("v56.0", &id), &auth).await.json;
    assert!(mid["engagementInteraction"].get("reason").is_some());
    assert!(mid["engagementInteraction"].get("phoneNumber").is_none());
}

#[tokio::test]
async fn fields_newer_than_the_path_version_are_unrecognized() {
    let s = TestServer::start().await;
    let auth = auth();
    let path = |v: &str| {
        format!("/salesforce/services/data/{v}/connect/service-excellence/engagement-interactions")
    };
    let mut body = minimal_body();
    body["engagementInteraction"]["customFieldsList"] = json!([{"key": "a__c", "value": 1}]);
    let a = s.post(&path("v55.0"), &auth, &body).await;
    assert_error(&a, 400, "JSON_PARSER_ERROR");
    assert_eq!(s.post(&path("v56.0"), &auth, &body).await.status, 201);

    let mut body = minimal_body();
    body["engagementInteraction"]["phoneNumber"] = json!("5550100");
    assert_error(
        &s.post(&path("v56.0"), &auth, &body).await,
        400,
        "JSON_PARSER_ERROR",
    );
    assert_eq!(s.post(&path("v57.0"), &auth, &body).await.status, 201);
}

#[tokio::test]
async fn old_malformed_and_future_versions_answer_not_found() {
    let s = TestServer::start().await;
    let auth = auth();
    // Fact sheet "Version gating": below 55.0, numbers without ".0" and unknown versions are 404.
    for v in ["v54.0", "v63", "vABC", "v69.0", "63.0", "v063.0", "v63.1"] {
        let path = format!(
            "/salesforce/services/data/{v}/connect/service-excellence/engagement-interactions"
        );
        let a = s.post(&path, &auth, &minimal_body()).await;
        assert_error(&a, 404, "NOT_FOUND");
        assert_eq!(
            a.json[0]["message"],
            "The requested resource does not exist"
        );
    }
    for v in ["v55.0", "v68.0"] {
        let path = format!(
            "/salesforce/services/data/{v}/connect/service-excellence/engagement-interactions"
        );
        assert_eq!(
            s.post(&path, &auth, &minimal_body()).await.status,
            201,
            "{v}"
        );
    }
}

#[tokio::test]
async fn delete_removes_the_interaction_its_attendees_and_topics() {
    let s = TestServer::start().await;
    let auth = auth();
    let created = create(&s, &auth, &full_body()).await.json;
    let id = created["engagementInteraction"]["id"].as_str().unwrap();
    let topic = created["engagementInteraction"]["engagementTopics"][0]["id"]
        .as_str()
        .unwrap();
    let a = s.delete(&interaction_url("v63.0", id), &auth).await;
    assert_eq!(a.status, 204, "{}", a.text);
    assert!(a.text.is_empty());
    assert_error(
        &s.get(&interaction_url("v63.0", id), &auth).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &s.delete(&interaction_url("v63.0", id), &auth).await,
        404,
        "NOT_FOUND",
    );
    // A deleted record read through the REST API: 404 ENTITY_IS_DELETED.
    let a = s
        .get(&format!("{V}/sobjects/EngagementTopic/{topic}"), &auth)
        .await;
    assert_error(&a, 404, "ENTITY_IS_DELETED");
    // The unique external identifier is free again.
    assert_eq!(create(&s, &auth, &full_body()).await.status, 201);
}

#[tokio::test]
async fn a_bad_version_is_not_found_before_credentials_or_body_are_read() {
    let s = TestServer::start().await;
    let path = "/salesforce/services/data/v54.0/connect/service-excellence/engagement-interactions";
    let a = s
        .send(
            s.http
                .post(s.url(path))
                .header("Content-Type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_error(&a, 404, "NOT_FOUND");
    // Without a session too: an unknown version is an unknown path.
    let a = s
        .send(s.http.get(s.url(&format!("{path}/0eIxx0000000001AAA"))))
        .await;
    assert_error(&a, 404, "NOT_FOUND");
}

/// Connect REST API guide, "Request Bodies": a top-level body may be XML, its properties nested in
/// the root tag (`<engagementContainer>` for this resource, `salesforce.md`).
#[tokio::test]
async fn an_xml_container_creates_the_same_records_as_json() {
    let s = TestServer::start().await;
    let auth = auth();
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<engagementContainer>
  <engagementInteraction>
    <attendeeVerified>true</attendeeVerified>
    <communicationChannel>In Person</communicationChannel>
    <startDateTime>2022-04-17T12:00:00.000Z</startDateTime>
    <engagementAttendees>
      <engagementAttendee>
        <startDateTime>2022-04-17T12:00:00.000Z</startDateTime>
        <isVerified>true</isVerified>
        <isAuthenticated>false</isAuthenticated>
        <internalAttendeeId>005xx000001SvogAAC</internalAttendeeId>
      </engagementAttendee>
    </engagementAttendees>
    <engagementTopics><engagementTopic><name>Claims</name></engagementTopic></engagementTopics>
  </engagementInteraction>
</engagementContainer>"#;
    let a = s
        .send(
            s.http
                .post(s.url(CREATE))
                .header("Authorization", &auth)
                .header("Content-Type", "application/xml")
                .body(xml),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract(
        "salesforce",
        "engagement_interactions.create.response.json",
        &a.json,
    );
    let id = a.json["engagementInteraction"]["id"].as_str().unwrap();
    let e = s.get(&interaction_url("v63.0", id), &auth).await.json["engagementInteraction"].clone();
    assert_eq!(e["communicationChannel"], "In Person");
    assert_eq!(e["attendeeVerified"], true);
    assert_eq!(e["engagementAttendees"][0]["isVerified"], true);
    assert_eq!(e["engagementTopics"][0]["name"], "Claims");
    // The same validation applies: a missing required field in XML.
    let a = s
        .send(
            s.http
                .post(s.url(CREATE))
                .header("Authorization", &auth)
                .header("Content-Type", "text/xml; charset=UTF-8")
                .body("<engagementContainer><engagementInteraction><attendeeVerified>yes</attendeeVerified></engagementInteraction></engagementContainer>"),
        )
        .await;
    assert_error(&a, 400, "REQUIRED_FIELD_MISSING");
}
