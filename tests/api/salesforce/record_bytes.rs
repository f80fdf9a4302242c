//! `--tenant-record-bytes` for Salesforce: the live records (interactions with their attendees and
//! topics, through Connect and the sObject REST) stay within the byte budget, the oldest other
//! interaction going first with its children, as Merge's and DevRev's records do.

use axum::http::Method;
use serde_json::{json, Value};

use super::*;
use crate::support::TestServer;

const SOBJECTS: &str = "/salesforce/services/data/v63.0/sobjects";
const BUDGET: usize = 64 * 1024;

fn sobject_id(a: &Answer) -> String {
    assert_eq!(a.status, 201, "{}", &a.text[..a.text.len().min(200)]);
    a.json["id"].as_str().unwrap().to_owned()
}

async fn sobject_status(s: &TestServer, auth: &str, id: &str) -> u16 {
    s.get(&format!("{SOBJECTS}/EngagementInteraction/{id}"), auth)
        .await
        .status
}

#[tokio::test]
async fn connect_interactions_stay_within_the_byte_budget() {
    let s = TestServer::configured(|c| c.tenant_record_bytes = BUDGET).await;
    let auth = auth();
    let mut ids = Vec::new();
    for i in 0..4 {
        let mut body = full_body();
        body["engagementInteraction"]["externalIdentifierId"] = json!(format!("ext-{i}"));
        body["engagementInteraction"]["customFieldsList"] =
            json!([{"key": "Notes__c", "value": "r".repeat(30_000)}]);
        ids.push(created_id(&create(&s, &auth, &body).await));
    }
    // Two interactions of 30 KB (with their attendees and topics) fit in 64 KiB, a third would
    // not: the newest two are kept.
    for (i, id) in ids.iter().enumerate() {
        let a = s.get(&interaction_url("v63.0", id), &auth).await;
        assert_eq!(a.status, if i < 2 { 404 } else { 200 }, "interaction {i}");
    }
}

#[tokio::test]
async fn sobject_records_stay_within_the_byte_budget() {
    let s = TestServer::configured(|c| c.tenant_record_bytes = BUDGET).await;
    let auth = auth();
    let interaction = |notes: &str| {
        json!({"CommunicationChannel": "Phone", "StartDateTime": "2026-03-01T10:00:00Z",
               "AttendeeVerified": false, "Notes__c": notes})
    };
    let a = sobject_id(
        &s.post(
            &format!("{SOBJECTS}/EngagementInteraction"),
            &auth,
            &interaction(&"a".repeat(30_000)),
        )
        .await,
    );
    let b = sobject_id(
        &s.post(
            &format!("{SOBJECTS}/EngagementInteraction"),
            &auth,
            &interaction("small"),
        )
        .await,
    );
    // A topic of 30 KB under b still fits beside a.
    let topic = json!({"EngagementId": b, "Name": "t", "InteractionSummary": "s".repeat(30_000)});
    sobject_id(
        &s.post(&format!("{SOBJECTS}/EngagementTopic"), &auth, &topic)
            .await,
    );
    assert_eq!(sobject_status(&s, &auth, &a).await, 200);
    // Growing b by a patch passes the budget: a, the oldest other interaction, goes; b stays.
    let grow = json!({"Notes__c": "g".repeat(10_000)});
    let p = s
        .request(
            Method::PATCH,
            &format!("{SOBJECTS}/EngagementInteraction/{b}"),
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/json"),
            ],
            Some(&grow),
        )
        .await;
    assert_eq!(p.status, 204, "{}", p.text);
    assert_eq!(sobject_status(&s, &auth, &a).await, 404);
    assert_eq!(sobject_status(&s, &auth, &b).await, 200);
    let read: Value = s.get(&interaction_url("v63.0", &b), &auth).await.json;
    assert_eq!(
        read["engagementInteraction"]["engagementTopics"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "b keeps its topic"
    );
}

/// The recycle bin (`queryAll`) is bounded in bytes too: deleted records of 30 KB under 64 KiB
/// leave the newest two.
#[tokio::test]
async fn the_recycle_bin_stays_within_the_byte_budget() {
    let s = TestServer::configured(|c| c.tenant_record_bytes = BUDGET).await;
    let auth = auth();
    let mut ids = Vec::new();
    for i in 0..3 {
        let body = json!({"CommunicationChannel": "Phone", "StartDateTime": "2026-03-01T10:00:00Z",
                          "AttendeeVerified": false, "Notes__c": format!("{i}{}", "n".repeat(30_000))});
        let id = sobject_id(
            &s.post(&format!("{SOBJECTS}/EngagementInteraction"), &auth, &body)
                .await,
        );
        let d = s
            .delete(&format!("{SOBJECTS}/EngagementInteraction/{id}"), &auth)
            .await;
        assert_eq!(d.status, 204, "{}", d.text);
        ids.push(id);
    }
    let q = "SELECT+Id+FROM+EngagementInteraction+WHERE+IsDeleted+%3D+true";
    let a = s.get(&format!("{V}/queryAll?q={q}"), &auth).await;
    let mut seen: Vec<String> = a.json["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Id"].as_str().unwrap().to_owned())
        .collect();
    seen.sort();
    let mut newest = ids[1..].to_vec();
    newest.sort();
    assert_eq!(seen, newest, "{}", a.text);
}
