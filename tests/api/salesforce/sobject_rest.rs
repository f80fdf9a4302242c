//! The standard sObject REST over the engagement objects (create, update, delete, describe, basic
//! information), `queryAll`, `/limits` and the version list: what nforce's `insert` and
//! aiosalesforce's `sobject.create` use. Records are the Connect resources' records, readable
//! both ways.

use axum::http::Method;
use serde_json::json;

use super::*;
use crate::support::{assert_contract, TestServer};

const SOBJECTS: &str = "/salesforce/services/data/v63.0/sobjects";

async fn patch(s: &TestServer, path: &str, auth: &str, body: &Value) -> Answer {
    s.request(
        Method::PATCH,
        path,
        &[
            ("Authorization", auth),
            ("Content-Type", "application/json"),
        ],
        Some(body),
    )
    .await
}

fn created(a: &Answer) -> String {
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("salesforce", "sobjects.create.response.json", &a.json);
    a.json["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sobject_rest_and_connect_write_and_read_the_same_records() {
    let s = TestServer::start().await;
    let auth = auth();
    let id = created(
        &s.post(
            &format!("{SOBJECTS}/EngagementInteraction"),
            &auth,
            &json!({"CommunicationChannel": "Phone", "StartDateTime": "2026-03-01T10:00:00Z",
                    "AttendeeVerified": false, "ExternalIdentifierId": "ext-1", "Score__c": 4}),
        )
        .await,
    );
    let attendee = created(
        &s.post(
            &format!("{SOBJECTS}/engagementattendee"),
            &auth,
            &json!({"EngagementId": id, "InternalAttendeeId": "005xx000001SvogAAC",
                    "StartDateTime": "2026-03-01T10:00:00Z", "Role": "Agent"}),
        )
        .await,
    );
    let topic = created(
        &s.post(
            &format!("{SOBJECTS}/EngagementTopic"),
            &auth,
            &json!({"EngagementId": &id[..15], "Name": "Renewal"}),
        )
        .await,
    );

    // Read through Connect: the interaction carries its sObject-created children.
    let a = s.get(&interaction_url("v63.0", &id), &auth).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract(
        "salesforce",
        "engagement_interactions.get.response.json",
        &a.json,
    );
    let e = &a.json["engagementInteraction"];
    assert_eq!(e["communicationChannel"], "Phone");
    assert_eq!(e["startDateTime"], "2026-03-01T10:00:00.000Z");
    assert_eq!(e["mappedState"], "New");
    assert_eq!(e["customFields"], json!([{"key": "Score__c", "value": 4}]));
    assert_eq!(e["engagementAttendees"][0]["id"], attendee.as_str());
    assert_eq!(e["engagementAttendees"][0]["role"], "Agent");
    assert_eq!(e["engagementTopics"][0]["id"], topic.as_str());

    // Update through the sObject REST; null clears.
    let a = patch(
        &s,
        &format!("{SOBJECTS}/EngagementInteraction/{id}"),
        &auth,
        &json!({"Status": "Closed", "CommunicationChannel": null, "Score__c": 5}),
    )
    .await;
    assert_eq!(a.status, 204, "{}", a.text);
    let a = s
        .get(&format!("{SOBJECTS}/EngagementInteraction/{id}"), &auth)
        .await;
    assert_contract("salesforce", "sobjects.get.response.json", &a.json);
    assert_eq!(a.json["Status"], "Closed");
    assert_eq!(a.json["CommunicationChannel"], Value::Null);
    assert_eq!(a.json["Score__c"], 5);

    // A Connect-created interaction is updated and deleted through the sObject REST.
    let connect_id = created_id(&create(&s, &auth, &minimal_body()).await);
    let a = patch(
        &s,
        &format!("{SOBJECTS}/EngagementInteraction/{connect_id}"),
        &auth,
        &json!({"Sentiment": "Positive"}),
    )
    .await;
    assert_eq!(a.status, 204, "{}", a.text);
    let a = s.get(&interaction_url("v63.0", &connect_id), &auth).await;
    assert_eq!(a.json["engagementInteraction"]["sentiment"], "Positive");

    // Deleting the attendee alone unlinks it; deleting the interaction takes the topic along.
    let a = s
        .delete(&format!("{SOBJECTS}/EngagementAttendee/{attendee}"), &auth)
        .await;
    assert_eq!(a.status, 204, "{}", a.text);
    let a = s.get(&interaction_url("v63.0", &id), &auth).await;
    assert_eq!(
        a.json["engagementInteraction"]["engagementAttendees"],
        json!([])
    );
    let a = s
        .delete(&format!("{SOBJECTS}/EngagementInteraction/{id}"), &auth)
        .await;
    assert_eq!(a.status, 204, "{}", a.text);
    let a = s
        .get(&format!("{SOBJECTS}/EngagementTopic/{topic}"), &auth)
        .await;
    assert_error(&a, 404, "ENTITY_IS_DELETED");
    let a = patch(
        &s,
        &format!("{SOBJECTS}/EngagementInteraction/{id}"),
        &auth,
        &json!({"Status": "x"}),
    )
    .await;
    assert_error(&a, 404, "ENTITY_IS_DELETED");
    // The external id is free again once its interaction is gone.
    created(
        &s.post(
            &format!("{SOBJECTS}/EngagementInteraction"),
            &auth,
            &json!({"ExternalIdentifierId": "ext-1"}),
        )
        .await,
    );
}

#[tokio::test]
async fn query_all_sees_deleted_records_that_query_does_not() {
    let s = TestServer::start().await;
    let auth = auth();
    let kept = created_id(&create(&s, &auth, &minimal_body()).await);
    let gone = created_id(&create(&s, &auth, &minimal_body()).await);
    let a = s
        .delete(&format!("{SOBJECTS}/EngagementInteraction/{gone}"), &auth)
        .await;
    assert_eq!(a.status, 204);
    let q = "SELECT Id, IsDeleted FROM EngagementInteraction ORDER BY CreatedDate";
    let a = s.get(&format!("{V}/query?q={}", urlencode(q)), &auth).await;
    assert_contract("salesforce", "query.run.response.json", &a.json);
    assert_eq!(a.json["totalSize"], 1);
    assert_eq!(a.json["records"][0]["Id"], kept.as_str());
    let a = s
        .get(&format!("{V}/queryAll?q={}", urlencode(q)), &auth)
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "query.run.response.json", &a.json);
    assert_eq!(a.json["totalSize"], 2);
    let deleted: Vec<(&str, bool)> = a.json["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["Id"].as_str().unwrap(), r["IsDeleted"].as_bool().unwrap()))
        .collect();
    assert!(deleted.contains(&(kept.as_str(), false)), "{deleted:?}");
    assert!(deleted.contains(&(gone.as_str(), true)), "{deleted:?}");
    let a = s
        .get(
            &format!(
                "{V}/queryAll/?q={}",
                urlencode("SELECT COUNT() FROM EngagementInteraction WHERE IsDeleted = true")
            ),
            &auth,
        )
        .await;
    assert_eq!(a.json["totalSize"], 1, "{}", a.text);
}

fn urlencode(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

#[tokio::test]
async fn sobject_rest_refuses_like_salesforce() {
    let s = TestServer::start().await;
    let auth = auth();
    let post = |object: &str, body: Value| {
        let s = &s;
        let auth = auth.clone();
        let path = format!("{SOBJECTS}/{object}");
        async move { s.post(&path, &auth, &body).await }
    };
    assert_error(
        &post("Account", json!({"Name": "x"})).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &post("EngagementInteraction", json!({"Nope": 1})).await,
        400,
        "INVALID_FIELD",
    );
    assert_error(
        &post("EngagementInteraction", json!({"Id": "0eI000000000001"})).await,
        400,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
    );
    assert_error(
        &post("EngagementInteraction", json!({"Status": 3})).await,
        400,
        "JSON_PARSER_ERROR",
    );
    assert_error(
        &post(
            "EngagementInteraction",
            json!({"StartDateTime": "yesterday"}),
        )
        .await,
        400,
        "INVALID_TYPE",
    );
    assert_error(
        &post("EngagementInteraction", json!(["not", "an", "object"])).await,
        400,
        "JSON_PARSER_ERROR",
    );
    assert_error(
        &post("EngagementTopic", json!({"Name": "orphan"})).await,
        400,
        "REQUIRED_FIELD_MISSING",
    );
    assert_error(
        &post(
            "EngagementTopic",
            json!({"EngagementId": "0eI000000000001AAA", "Name": "x"}),
        )
        .await,
        400,
        "INVALID_CROSS_REFERENCE_KEY",
    );
    let id = created(
        &post(
            "EngagementInteraction",
            json!({"ExternalIdentifierId": "e"}),
        )
        .await,
    );
    assert_error(
        &post("EngagementAttendee", json!({"EngagementId": id})).await,
        400,
        "REQUIRED_FIELD_MISSING",
    );
    assert_error(
        &post(
            "EngagementInteraction",
            json!({"ExternalIdentifierId": "e"}),
        )
        .await,
        400,
        "DUPLICATE_VALUE",
    );
    let topic = created(&post("EngagementTopic", json!({"EngagementId": id})).await);
    let a = patch(
        &s,
        &format!("{SOBJECTS}/EngagementTopic/{topic}"),
        &auth,
        &json!({"EngagementId": id}),
    )
    .await;
    assert_error(&a, 400, "INVALID_FIELD_FOR_INSERT_UPDATE");
    let a = s
        .delete(
            &format!("{SOBJECTS}/EngagementTopic/0eT000000000001AAA"),
            &auth,
        )
        .await;
    assert_error(&a, 404, "NOT_FOUND");
    let a = s.get(&format!("{SOBJECTS}/Account/describe"), &auth).await;
    assert_error(&a, 404, "NOT_FOUND");
    // Another org does not see the record.
    let a = s
        .get(
            &format!("{SOBJECTS}/EngagementInteraction/{id}"),
            &super::auth(),
        )
        .await;
    assert_error(&a, 404, "NOT_FOUND");
}

#[tokio::test]
async fn describe_and_basic_information_name_the_fields_clients_write() {
    let s = TestServer::start().await;
    let auth = auth();
    let a = s
        .get(&format!("{SOBJECTS}/EngagementAttendee/describe"), &auth)
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "sobjects.describe.response.json", &a.json);
    assert_eq!(a.json["name"], "EngagementAttendee");
    assert_eq!(
        a.json["urls"]["describe"],
        "/services/data/v63.0/sobjects/EngagementAttendee/describe"
    );
    let field = |name: &str| {
        a.json["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no field {name}"))
    };
    assert_eq!(field("Id")["type"], "id");
    assert_eq!(field("Id")["createable"], false);
    assert_eq!(field("StartDateTime")["type"], "datetime");
    assert_eq!(
        field("EngagementId")["referenceTo"],
        json!(["EngagementInteraction"])
    );
    assert_eq!(field("EngagementId")["updateable"], false);
    assert_eq!(field("Role")["createable"], true);
    // Fields newer than the path's version are not there.
    let a = s
        .get(
            "/salesforce/services/data/v56.0/sobjects/EngagementInteraction/describe",
            &auth,
        )
        .await;
    let names: Vec<&str> = a.json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"PhoneNumber") && names.contains(&"Reason"),
        "{names:?}"
    );

    let id = created_id(&create(&s, &auth, &minimal_body()).await);
    let a = s
        .get(&format!("{SOBJECTS}/EngagementInteraction"), &auth)
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "sobjects.info.response.json", &a.json);
    assert_eq!(a.json["objectDescribe"]["keyPrefix"], "0eI");
    assert_eq!(a.json["recentItems"][0]["Id"], id.as_str());
}

#[tokio::test]
async fn the_version_list_needs_no_session_and_limits_follow_the_usage_header() {
    let s = TestServer::start().await;
    for path in ["/salesforce/services/data/", "/salesforce/services/data"] {
        let a = s.send(s.http.get(s.url(path))).await;
        assert_eq!(a.status, 200, "{}", a.text);
        assert_contract("salesforce", "versions.list.response.json", &a.json);
        let versions: Vec<&str> = a
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["version"].as_str().unwrap())
            .collect();
        assert_eq!(versions.first(), Some(&"55.0"));
        assert!(versions.contains(&"63.0"));
        assert_eq!(a.json[6]["url"], "/services/data/v61.0");
        assert_eq!(a.json[6]["label"], "Summer '24");
        assert!(a.header("sforce-limit-info").is_none());
    }
    let auth = auth();
    create(&s, &auth, &minimal_body()).await;
    let a = s.get(&format!("{V}/limits"), &auth).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "limits.get.response.json", &a.json);
    let used: u64 = a
        .header("sforce-limit-info")
        .and_then(|h| h.strip_prefix("api-usage="))
        .and_then(|h| h.split('/').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(used, 2);
    assert_eq!(a.json["DailyApiRequests"]["Max"], 15_000);
    assert_eq!(a.json["DailyApiRequests"]["Remaining"], 15_000 - used);
    assert!(a.json["DataStorageMB"]["Max"].is_u64());
    let a = s.send(s.http.get(s.url(&format!("{V}/limits")))).await;
    assert_error(&a, 401, "INVALID_SESSION_ID");
}

/// The recycle bin keeps at most `--tenant-record-limit` deleted records, purging the oldest.
#[tokio::test]
async fn the_recycle_bin_is_bounded_by_the_record_limit() {
    let s = TestServer::configured(|c| c.tenant_record_limit = 2).await;
    let auth = auth();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let id = created(
            &s.post(
                &format!("{SOBJECTS}/EngagementInteraction"),
                &auth,
                &json!({}),
            )
            .await,
        );
        let a = s
            .delete(&format!("{SOBJECTS}/EngagementInteraction/{id}"), &auth)
            .await;
        assert_eq!(a.status, 204);
        ids.push(id);
    }
    let q = urlencode("SELECT Id FROM EngagementInteraction WHERE IsDeleted = true");
    let a = s.get(&format!("{V}/queryAll?q={q}"), &auth).await;
    let seen: Vec<&str> = a.json["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Id"].as_str().unwrap())
        .collect();
    assert_eq!(seen.len(), 2, "{}", a.text);
    assert!(
        !seen.contains(&ids[0].as_str()),
        "the oldest was purged: {seen:?}"
    );
}

/// The recycle bin is part of the saved state: `queryAll` after a restart still sees deletions.
#[tokio::test]
async fn the_recycle_bin_survives_a_restart() {
    use crate::support::state;
    let path = state::state_path("esim-sf-recycle");
    let config = || state::state_config(&path, std::time::Duration::from_secs(3600));
    let auth = auth();
    let s = TestServer::with_config(config()).await;
    let id = created_id(&create(&s, &auth, &full_body()).await);
    let a = s
        .delete(&format!("{SOBJECTS}/EngagementInteraction/{id}"), &auth)
        .await;
    assert_eq!(a.status, 204);
    s.sim.stop().await;

    let s = TestServer::with_config(config()).await;
    let q = urlencode("SELECT Id, IsDeleted FROM EngagementTopic");
    let a = s.get(&format!("{V}/queryAll?q={q}"), &auth).await;
    assert_eq!(a.json["totalSize"], 2, "{}", a.text);
    assert_eq!(a.json["records"][0]["IsDeleted"], true);
    let a = s
        .get(&format!("{SOBJECTS}/EngagementInteraction/{id}"), &auth)
        .await;
    assert_error(&a, 404, "ENTITY_IS_DELETED");
}
