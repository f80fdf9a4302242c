//! Salesforce Connect `engagement-interactions`, the sObject read-back and SOQL: every operation,
//! every error the pipeline and the rules raise, version gating, ids, paging, tenant isolation and
//! concurrency. Facts: `shared/vendors/salesforce.md` (cited below as "fact sheet").

mod errors;
mod interactions;
mod isolation;
mod limits_state;
mod login;
mod properties;
mod read_back;
mod record_bytes;
mod scenarios;
mod sobject_rest;

use serde_json::{json, Value};

use crate::support::{assert_contract, bearer, fresh_token, Answer, TestServer};

pub const V: &str = "/salesforce/services/data/v63.0";
pub const CREATE: &str =
    "/salesforce/services/data/v63.0/connect/service-excellence/engagement-interactions";

/// A new tenant's credential.
pub fn auth() -> String {
    bearer(&fresh_token("salesforce"))
}

pub fn interaction_url(version: &str, id: &str) -> String {
    format!("/salesforce/services/data/{version}/connect/service-excellence/engagement-interactions/{id}")
}

/// The create input of the documentation's example, with real-looking reference ids.
pub fn full_body() -> Value {
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

pub fn minimal_body() -> Value {
    json!({"engagementInteraction": {
        "attendeeVerified": false,
        "communicationChannel": "Web Chat",
        "startDateTime": "2026-01-02T03:04:05.000Z"
    }})
}

pub async fn create(s: &TestServer, auth: &str, body: &Value) -> Answer {
    s.post(CREATE, auth, body).await
}

/// The id of the interaction a create answered, asserting the 201.
pub fn created_id(a: &Answer) -> String {
    assert_eq!(a.status, 201, "{}", a.text);
    a.json["engagementInteraction"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Asserts the one-element error array jsforce reads as a typed error (fact sheet "Errors").
pub fn assert_error(a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status, status, "{}", a.text);
    assert_contract("salesforce", "error.response.json", &a.json);
    let items = a.json.as_array().expect("errors are an array");
    assert_eq!(items.len(), 1, "{}", a.text);
    assert_eq!(items[0]["errorCode"], code, "{}", a.text);
}
