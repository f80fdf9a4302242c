//! Salesforce Connect `engagement-interactions`, the sObject read-back and SOQL: every operation,
//! every error the pipeline and the rules raise, version gating, ids, paging, tenant isolation and
//! concurrency. Facts: `shared/vendors/salesforce.md` (cited below as "fact sheet").

use std::collections::HashSet;

use proptest::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_contract, fresh_token, Answer, TestServer};

const V: &str = "/salesforce/services/data/v63.0";
const CREATE: &str =
    "/salesforce/services/data/v63.0/connect/service-excellence/engagement-interactions";

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn auth() -> String {
    bearer(&fresh_token("salesforce"))
}

fn interaction_url(version: &str, id: &str) -> String {
    format!("/salesforce/services/data/{version}/connect/service-excellence/engagement-interactions/{id}")
}

/// The create input of the documentation's example, with real-looking reference ids.
fn full_body() -> Value {
    json!({"engagementInteraction": {
        "attendeeAuthenticated": true,
        "attendeeVerified": true,
        "startDateTime": "2022-04-17T12:00:00.000Z",
        "endDateTime": "2022-04-17T12:04:00.000Z",
        "communicationChannel": "Voice Call",
        "sentiment": "Positive",
        "contextId": "08pxx0000000001AAA",
        "externalIdentifierId": "external_identifier_id",
        "type": "Inbound",
        "mappedState": "New",
        "status": "New",
        "attendeeVerificationTime": "2022-04-17T12:02:00.000Z",
        "reason": "Unknown Charges",
        "phoneNumber": "9999999999",
        "customFieldsList": [
            {"key": "sampleLocation__c", "value": {"latitude": 12, "longitude": 17}},
            {"key": "samplePercentage__c", "value": 17}
        ],
        "engagementAttendees": [
            {"startDateTime": "2022-04-17T12:00:00.000Z", "isVerified": true, "isAuthenticated": true,
             "externalAttendeeId": "003xx000004TmiQAAS", "role": "Self"},
            {"startDateTime": "2022-04-17T12:00:00.000Z", "isVerified": false, "isAuthenticated": "false",
             "internalAttendeeId": "005xx000001SvogAAC"}
        ],
        "engagementTopics": [
            {"name": "Billing", "processStatus": "Initiated"},
            {"name": "Claims", "interactionSummary": "asked about a claim"}
        ]
    }})
}

fn minimal_body() -> Value {
    json!({"engagementInteraction": {
        "attendeeVerified": false,
        "communicationChannel": "Web Chat",
        "startDateTime": "2026-01-02T03:04:05.000Z"
    }})
}

async fn create(s: &TestServer, auth: &str, body: &Value) -> Answer {
    s.post(CREATE, auth, body).await
}

async fn delete(s: &TestServer, auth: &str, path: &str) -> Answer {
    s.send(s.http.delete(s.url(path)).header("Authorization", auth))
        .await
}

/// Asserts the one-element error array jsforce reads as a typed error (fact sheet "Errors").
fn assert_error(a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status, status, "{}", a.text);
    assert_contract("salesforce", "error.response.json", &a.json);
    let items = a.json.as_array().expect("errors are an array");
    assert_eq!(items.len(), 1, "{}", a.text);
    assert_eq!(items[0]["errorCode"], code, "{}", a.text);
}

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
    insta::assert_json_snapshot!("salesforce_create", a.json, {
        ".engagementInteraction.id" => "[id]",
        ".engagementInteraction.engagementAttendees[].id" => "[id]",
        ".engagementInteraction.engagementTopics[].id" => "[id]",
    });
}

#[tokio::test]
async fn fetch_returns_every_documented_field_with_children() {
    let s = TestServer::start().await;
    let auth = auth();
    let id = create(&s, &auth, &full_body()).await.json["engagementInteraction"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
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
    insta::assert_json_snapshot!("salesforce_fetch", a.json, {
        ".engagementInteraction.id" => "[id]",
        ".engagementInteraction.ownerId" => "[id]",
        ".engagementInteraction.engagementAttendees[].id" => "[id]",
        ".engagementInteraction.engagementAttendees[].ownerId" => "[id]",
        ".engagementInteraction.engagementAttendees[].engagementInteractionId" => "[id]",
        ".engagementInteraction.engagementTopics[].id" => "[id]",
        ".engagementInteraction.engagementTopics[].ownerId" => "[id]",
        ".engagementInteraction.engagementTopics[].engagementInteractionId" => "[id]",
    });
}

#[tokio::test]
async fn create_fills_documented_defaults() {
    let s = TestServer::start().await;
    let auth = auth();
    let mut body = minimal_body();
    body["engagementInteraction"]["attendeeVerified"] = json!(true);
    let id = create(&s, &auth, &body).await.json["engagementInteraction"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
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
    let id = create(&s, &auth, &minimal_body()).await.json["engagementInteraction"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
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
    let a = delete(&s, &auth, &interaction_url("v63.0", id)).await;
    assert_eq!(a.status, 204, "{}", a.text);
    assert!(a.text.is_empty());
    assert_error(
        &s.get(&interaction_url("v63.0", id), &auth).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &delete(&s, &auth, &interaction_url("v63.0", id)).await,
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
async fn sobjects_read_back_by_15_or_18_character_id() {
    let s = TestServer::start().await;
    let auth = auth();
    let created = create(&s, &auth, &full_body()).await.json;
    let id = created["engagementInteraction"]["id"].as_str().unwrap();
    let attendee = created["engagementInteraction"]["engagementAttendees"][0]["id"]
        .as_str()
        .unwrap();
    let a = s
        .get(
            &format!("{V}/sobjects/EngagementInteraction/{}", &id[..15]),
            &auth,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "sobjects.get.response.json", &a.json);
    assert_eq!(a.json["Id"], id);
    assert_eq!(a.json["attributes"]["type"], "EngagementInteraction");
    assert_eq!(a.json["StartDateTime"], "2022-04-17T12:00:00.000+0000");
    assert_eq!(a.json["samplePercentage__c"], 17);
    insta::assert_json_snapshot!("salesforce_sobject_interaction", a.json, {
        ".Id" => "[id]", ".OwnerId" => "[id]", ".CreatedById" => "[id]",
        ".LastModifiedById" => "[id]", ".attributes.url" => "[url]",
        ".CreatedDate" => "[date]", ".LastModifiedDate" => "[date]", ".SystemModstamp" => "[date]",
    });
    // 18-character ids are case-insensitive.
    let a = s
        .get(
            &format!(
                "{V}/sobjects/engagementattendee/{}",
                attendee.to_lowercase()
            ),
            &auth,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json["EngagementId"], id);
    assert_eq!(a.json["ExternalAttendeeId"], "003xx000004TmiQAAS");
    let a = s
        .get(
            &format!("{V}/sobjects/EngagementAttendee/{attendee}?fields=Id,Role"),
            &auth,
        )
        .await;
    assert_eq!(a.json.as_object().unwrap().len(), 3, "{}", a.text);
    assert_eq!(a.json["Role"], "Self");
    assert_error(
        &s.get(
            &format!("{V}/sobjects/EngagementAttendee/{attendee}?fields=Nope"),
            &auth,
        )
        .await,
        400,
        "INVALID_FIELD",
    );
}

#[tokio::test]
async fn sobjects_of_another_type_unknown_or_not_an_id_are_not_found() {
    let s = TestServer::start().await;
    let auth = auth();
    let id = create(&s, &auth, &minimal_body()).await.json["engagementInteraction"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_error(
        &s.get(&format!("{V}/sobjects/EngagementTopic/{id}"), &auth)
            .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &s.get(&format!("{V}/sobjects/Account/{id}"), &auth).await,
        404,
        "NOT_FOUND",
    );
    let a = s
        .get(&format!("{V}/sobjects/EngagementInteraction/nope"), &auth)
        .await;
    assert_error(&a, 404, "NOT_FOUND");
    assert!(a.json[0]["message"]
        .as_str()
        .unwrap()
        .contains("external ID"));
}

#[tokio::test]
async fn query_selects_filters_and_counts() {
    let s = TestServer::start().await;
    let auth = auth();
    let created = create(&s, &auth, &full_body()).await.json;
    let id = created["engagementInteraction"]["id"].as_str().unwrap();
    create(&s, &auth, &minimal_body()).await;
    let q = |soql: &str| {
        format!(
            "{V}/query?q={}",
            soql.replace(' ', "+").replace('\'', "%27")
        )
    };
    let a = s
        .get(
            &q(&format!(
                "SELECT Id, Name FROM EngagementTopic WHERE EngagementId = '{}'",
                &id[..15]
            )),
            &auth,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "query.run.response.json", &a.json);
    assert_eq!(a.json["totalSize"], 2);
    assert_eq!(a.json["done"], true);
    assert_eq!(a.json["records"][0]["Name"], "Billing");
    insta::assert_json_snapshot!("salesforce_query", a.json, {
        ".records[].Id" => "[id]", ".records[].attributes.url" => "[url]",
    });
    let a = s
        .get(
            &q("SELECT COUNT() FROM EngagementInteraction WHERE CommunicationChannel = 'web chat'"),
            &auth,
        )
        .await;
    assert_eq!(a.json["totalSize"], 1, "{}", a.text);
    // The trailing-slash form simple-salesforce sends.
    let a = s
        .get(
            &format!("{V}/query/?q=SELECT+Id+FROM+EngagementInteraction+ORDER+BY+Id+DESC+LIMIT+1"),
            &auth,
        )
        .await;
    assert_eq!(a.json["totalSize"], 1, "{}", a.text);
}

#[tokio::test]
async fn query_errors_name_what_is_wrong() {
    let s = TestServer::start().await;
    let auth = auth();
    for (soql, status, code) in [
        ("SELECT+FROM+EngagementInteraction", 400, "MALFORMED_QUERY"),
        ("SELECT+Id+FROM+Account", 400, "INVALID_TYPE"),
        (
            "SELECT+Bogus+FROM+EngagementInteraction",
            400,
            "INVALID_FIELD",
        ),
        ("", 400, "MALFORMED_QUERY"),
    ] {
        assert_error(
            &s.get(&format!("{V}/query?q={soql}"), &auth).await,
            status,
            code,
        );
    }
    assert_error(
        &s.get(&format!("{V}/query/01gxx0000000001AAA-200"), &auth)
            .await,
        400,
        "INVALID_QUERY_LOCATOR",
    );
}

#[tokio::test]
async fn query_pages_450_records_without_gap_or_duplicate() {
    let s = TestServer::start().await;
    let auth = auth();
    let mut created = HashSet::new();
    for _ in 0..450 {
        let a = create(&s, &auth, &minimal_body()).await;
        created.insert(
            a.json["engagementInteraction"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let mut seen = Vec::new();
    let mut url = format!("{V}/query?q=SELECT+Id+FROM+EngagementInteraction");
    let mut pages = 0;
    loop {
        let a = s
            .send(
                s.http
                    .get(s.url(&url))
                    .header("Authorization", &auth)
                    .header("Sforce-Query-Options", "batchSize=200"),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.text);
        assert_eq!(a.json["totalSize"], 450);
        pages += 1;
        seen.extend(
            a.json["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["Id"].as_str().unwrap().to_owned()),
        );
        // Records created between pages do not shift the result set.
        create(&s, &auth, &minimal_body()).await;
        match a.json["nextRecordsUrl"].as_str() {
            Some(next) => url = format!("/salesforce{next}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 450);
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), created);
}

#[tokio::test]
async fn missing_or_unknown_session_answers_invalid_session_id() {
    let s = TestServer::start().await;
    // Fact sheet "Authentication": 401 with "Session expired or invalid".
    let a = s
        .send(s.http.post(s.url(CREATE)).json(&minimal_body()))
        .await;
    assert_error(&a, 401, "INVALID_SESSION_ID");
    assert_eq!(a.json[0]["message"], "Session expired or invalid");
    insta::assert_json_snapshot!("salesforce_invalid_session", a.json);
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
    let s = TestServer::with_config(engagement_sim::Config {
        body_limit: 4096,
        ..engagement_sim::Config::ephemeral()
    })
    .await;
    let auth = auth();
    let raw = |ct: &str, body: String| {
        s.http
            .post(s.url(CREATE))
            .header("Authorization", &auth)
            .header("Content-Type", ct)
            .body(body)
    };
    let a = s
        .send(raw(
            "application/json",
            "{\n  \"engagementInteraction\": }".into(),
        ))
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
    insta::assert_json_snapshot!("salesforce_json_parser_error", a.json);
    // XML bodies are refused (see docs/vendors/salesforce.md for why).
    let xml = "<engagementContainer><engagementInteraction/></engagementContainer>";
    assert_error(
        &s.send(raw("application/xml", xml.into())).await,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    );
    assert_error(
        &s.send(raw("text/plain", "{}".into())).await,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    );
    assert_error(
        &s.send(raw("application/json", " ".repeat(5000))).await,
        413,
        "REQUEST_ENTITY_TOO_LARGE",
    );
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert_error(
        &s.send(raw("application/json", deep)).await,
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
    assert_eq!(
        a.json[0]["message"],
        "HTTP Method 'PATCH' not allowed. Allowed are HEAD,GET,DELETE"
    );
}

#[tokio::test]
async fn tenants_never_see_each_others_records() {
    let s = TestServer::start().await;
    let (a1, a2) = (auth(), auth());
    let id = create(&s, &a1, &full_body()).await.json["engagementInteraction"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_error(
        &s.get(&interaction_url("v63.0", &id), &a2).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &s.get(&format!("{V}/sobjects/EngagementInteraction/{id}"), &a2)
            .await,
        404,
        "NOT_FOUND",
    );
    let q = s
        .get(
            &format!("{V}/query?q=SELECT+Id+FROM+EngagementInteraction"),
            &a2,
        )
        .await;
    assert_eq!(q.json["totalSize"], 0);
    // The same external identifier is free in another org.
    assert_eq!(create(&s, &a2, &full_body()).await.status, 201);
    let state = s.admin(Method::GET, "/state?vendor=salesforce", None).await;
    assert_eq!(state.status, 200, "{}", state.text);
}

#[tokio::test]
async fn fifty_parallel_creates_never_share_an_id() {
    let s = std::sync::Arc::new(TestServer::start().await);
    let auth = auth();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (s, auth) = (s.clone(), auth.clone());
            tokio::spawn(async move { create(&s, &auth, &full_body_without_external()).await })
        })
        .collect();
    let mut ids = HashSet::new();
    for t in tasks {
        let a = t.await.unwrap();
        assert_eq!(a.status, 201, "{}", a.text);
        let e = &a.json["engagementInteraction"];
        assert!(ids.insert(e["id"].as_str().unwrap().to_owned()));
        for child in e["engagementAttendees"]
            .as_array()
            .unwrap()
            .iter()
            .chain(e["engagementTopics"].as_array().unwrap())
        {
            assert!(ids.insert(child["id"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(ids.len(), 250);
    let q = s
        .get(
            &format!("{V}/query?q=SELECT+COUNT()+FROM+EngagementInteraction"),
            &auth,
        )
        .await;
    assert_eq!(q.json["totalSize"], 50);
}

fn full_body_without_external() -> Value {
    let mut b = full_body();
    b["engagementInteraction"]
        .as_object_mut()
        .unwrap()
        .remove("externalIdentifierId");
    b
}

#[tokio::test]
async fn ids_are_deterministic_for_a_seed_and_request_order() {
    let mut seen = Vec::new();
    for _ in 0..2 {
        let s = TestServer::with_config(engagement_sim::Config {
            seed: 42,
            ..engagement_sim::Config::ephemeral()
        })
        .await;
        let a = create(&s, "Bearer same-token", &full_body()).await;
        seen.push(a.json["engagementInteraction"].clone());
    }
    assert_eq!(seen[0], seen[1]);
}

fn arb_text() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9 ]{0,20}"
}

fn arb_time() -> impl Strategy<Value = String> {
    (2000u32..2030, 1u32..13, 1u32..29, 0u32..24, 0u32..60)
        .prop_map(|(y, mo, d, h, mi)| format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:00.000Z"))
}

fn arb_interaction() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        arb_text(),
        arb_time(),
        proptest::option::of(arb_text()),
        proptest::collection::vec((arb_time(), any::<bool>(), arb_text()), 0..3),
        proptest::collection::vec(arb_text(), 0..3),
    )
        .prop_map(|(verified, channel, start, sentiment, attendees, topics)| {
            let mut e = json!({
                "attendeeVerified": verified,
                "communicationChannel": channel,
                "startDateTime": start,
                "engagementAttendees": attendees.into_iter().map(|(t, v, role)| json!({
                    "startDateTime": t, "isVerified": v, "isAuthenticated": !v,
                    "externalAttendeeId": "001xx000003DGb2AAG", "role": role
                })).collect::<Vec<_>>(),
                "engagementTopics": topics.into_iter().map(|n| json!({"name": n})).collect::<Vec<_>>(),
            });
            if let Some(s) = sentiment {
                e["sentiment"] = json!(s);
            }
            json!({ "engagementInteraction": e })
        })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_valid_interaction_round_trips_through_create_and_fetch(body in arb_interaction()) {
        let rt = runtime();
        rt.block_on(async {
            let s = TestServer::start().await;
            let auth = auth();
            let created = create(&s, &auth, &body).await;
            assert_eq!(created.status, 201, "{}", created.text);
            let id = created.json["engagementInteraction"]["id"].as_str().unwrap();
            let got = s.get(&interaction_url("v63.0", id), &auth).await;
            assert_contract("salesforce", "engagement_interactions.get.response.json", &got.json);
            let (sent, back) = (&body["engagementInteraction"], &got.json["engagementInteraction"]);
            for k in ["attendeeVerified", "communicationChannel", "startDateTime"] {
                assert_eq!(&sent[k], &back[k], "{k}");
            }
            assert_eq!(sent.get("sentiment").unwrap_or(&Value::Null), &back["sentiment"]);
            let names: Vec<&Value> = back["engagementTopics"].as_array().unwrap().iter().map(|t| &t["name"]).collect();
            let sent_names: Vec<&Value> = sent["engagementTopics"].as_array().unwrap().iter().map(|t| &t["name"]).collect();
            assert_eq!(names, sent_names);
            assert_eq!(back["engagementAttendees"].as_array().unwrap().len(), sent["engagementAttendees"].as_array().unwrap().len());
        });
    }

    #[test]
    fn any_invalid_interaction_gets_one_4xx_error_never_a_5xx(
        body in arb_interaction(),
        field in prop::sample::select(vec!["attendeeVerified", "communicationChannel", "startDateTime", "engagementTopics", "engagementAttendees", "contextId"]),
        junk in prop::sample::select(vec![json!(null), json!(17), json!("not a date"), json!([1]), json!({"a": 1}), json!(true)]),
    ) {
        let mut body = body;
        body["engagementInteraction"][field] = junk.clone();
        let valid_anyway = (field == "communicationChannel" && junk.is_string())
            || (field == "attendeeVerified" && junk.is_boolean())
            || (field == "contextId" && junk.is_null());
        let rt = runtime();
        rt.block_on(async {
            let s = TestServer::start().await;
            let a = create(&s, &auth(), &body).await;
            if valid_anyway {
                assert_eq!(a.status, 201, "{}", a.text);
            } else {
                assert!((400..500).contains(&a.status), "{} {}", a.status, a.text);
                assert_error(&a, a.status, a.json[0]["errorCode"].as_str().unwrap());
            }
        });
    }
}
