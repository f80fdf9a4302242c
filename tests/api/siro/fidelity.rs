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
