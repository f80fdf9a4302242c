//! Siro's response example lists every engagement key; a client parsing with strict nullable
//! schemas (zod `.nullable()`) fails on a missing one, so an unset key is answered as `null` by
//! every operation that returns engagements. Source: docs/vendors/siro.md.

use serde_json::{json, Value};

use super::{auth, frozen_server, sync, BASE};

const EXAMPLE_KEYS: &[&str] = &[
    "id",
    "externalId",
    "engagementType",
    "createdAt",
    "updatedAt",
    "organizationId",
    "direction",
    "subject",
    "content",
    "startTime",
    "startTimeLocalized",
    "endTime",
    "recordingId",
    "opportunityId",
    "accountId",
    "account",
    "engagementUsers",
];

fn has_every_key(e: &Value) {
    for key in EXAMPLE_KEYS {
        assert!(e.get(*key).is_some(), "{key} missing: {e:#}");
    }
}

#[tokio::test]
async fn a_minimal_sync_answers_every_example_key_unset_ones_null() {
    let s = frozen_server().await;
    let auth = auth();
    let e = sync(&s, &auth, &json!({"externalId": "bare-1"})).await;
    has_every_key(&e);
    for key in [
        "direction",
        "subject",
        "content",
        "startTime",
        "endTime",
        "recordingId",
        "opportunityId",
        "accountId",
        "account",
    ] {
        assert_eq!(e[key], Value::Null, "{key}");
    }
    let id = e["id"].as_str().unwrap();
    let got = s.get(&format!("{BASE}/engagements/{id}"), &auth).await;
    has_every_key(&got.json);
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    has_every_key(&list.json["data"][0]);
}

/// The request example on docs.siro.ai "Sync an engagement" (every field, placeholder values) is
/// synced, and the answer validates and lists every example key.
#[tokio::test]
async fn the_pages_own_example_body_syncs() {
    let s = frozen_server().await;
    let auth = auth();
    let body: Value = serde_json::from_str(PAGE_EXAMPLE).unwrap();
    let e = sync(&s, &auth, &body).await;
    has_every_key(&e);
    assert_eq!(e["externalId"], "<string>");
    assert!(
        e["accountId"].is_string() && e["opportunityId"].is_string(),
        "{e:#}"
    );
}

/// docs.siro.ai "Sync an engagement": the request example, as the page generates it from the spec.
const PAGE_EXAMPLE: &str = r#"{"externalId": "<string>", "direction": "INBOUND", "content": "<string>", "subject": "<string>", "startTime": "<string>", "startTimeLocalized": "<string>", "endTime": "<string>", "remoteCreatedAt": "<string>", "remoteUpdatedAt": "<string>", "deletedAt": "2023-11-07T05:31:56Z", "engagementTypeId": "<string>", "engagementType": {"externalId": "<string>", "name": "<string>", "activityType": "MEETING"}, "account": {"externalId": "<string>", "name": "<string>", "latitude": 123, "longitude": 123, "addresses": [{"country": "<string>", "street": "<string>", "city": "<string>", "state": "<string>", "zip": "<string>"}], "phoneNumbers": ["<string>"], "emailAddresses": ["<string>"], "lastActivityAt": "<string>", "deletedAt": "2023-11-07T05:31:56Z", "owner": {"externalId": "<string>"}, "mergedToExternalId": "<string>", "mergedFromExternalIds": ["<string>"]}, "engagementUsers": [{"externalId": "<string>", "email": "<string>", "shareOfSale": 123, "name": "<string>", "deletedAt": "2023-11-07T05:31:56Z"}], "opportunity": {"externalId": "<string>", "name": "<string>", "amount": 123, "closedAt": "<string>", "remoteCreatedAt": "<string>", "lastActivityAt": "<string>", "disposition": "OPEN", "copyEngagementRelationships": true}, "lead": {"externalId": "<string>", "firstName": "<string>", "lastName": "<string>", "latitude": 123, "longitude": 123, "addresses": [{"country": "<string>", "street": "<string>", "city": "<string>", "state": "<string>", "zip": "<string>"}], "phoneNumbers": ["<string>"], "emailAddresses": ["<string>"], "lastActivityAt": "<string>", "deletedAt": "2023-11-07T05:31:56Z", "owner": {"externalId": "<string>"}, "mergedToExternalId": "<string>", "mergedFromExternalIds": ["<string>"]}, "contact": {"externalId": "<string>", "name": "<string>", "latitude": 123, "longitude": 123, "account": {"externalId": "<string>", "name": "<string>", "latitude": 123, "longitude": 123, "addresses": [{"country": "<string>", "street": "<string>", "city": "<string>", "state": "<string>", "zip": "<string>"}], "phoneNumbers": ["<string>"], "emailAddresses": ["<string>"], "lastActivityAt": "<string>", "deletedAt": "2023-11-07T05:31:56Z", "owner": {"externalId": "<string>"}, "mergedToExternalId": "<string>", "mergedFromExternalIds": ["<string>"]}, "addresses": [{"country": "<string>", "street": "<string>", "city": "<string>", "state": "<string>", "zip": "<string>"}], "phoneNumbers": ["<string>"], "emailAddresses": ["<string>"], "lastActivityAt": "<string>", "deletedAt": "2023-11-07T05:31:56Z", "owner": {"externalId": "<string>"}, "mergedToExternalId": "<string>", "mergedFromExternalIds": ["<string>"]}}"#;
