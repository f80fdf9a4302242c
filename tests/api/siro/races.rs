//! Race safety and tenant isolation: one upsert (nested records included) happens under the
//! tenant's write lock, so sync workers racing over the same externalIds never duplicate a record,
//! and two tokens (organizations) never see each other's records.

use std::collections::HashSet;

use futures_util::future::join_all;
use serde_json::{json, Value};

use super::{assert_error, auth, frozen_server, get, sync, BASE, BATCH, SYNC};
use crate::support::json::strings;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_syncs_of_one_external_id_leave_one_record_equal_to_one_body() {
    let s = frozen_server().await;
    let auth = auth();
    let bodies: Vec<Value> = (0..50)
        .map(|i| {
            json!({
                "externalId": "contended",
                "subject": format!("v{i}"),
                "account": {"externalId": "acc", "name": format!("acc-v{i}")},
                "engagementUsers": [{"externalId": format!("rep-{i}"), "name": format!("Rep {i}")}]
            })
        })
        .collect();
    let answers = join_all(bodies.iter().map(|b| s.put(SYNC, &auth, b))).await;
    let ids: HashSet<String> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 200, "{}", a.text);
            a.json["data"]["id"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every sync answered the same record");
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(list.json["total"], 1);
    let stored = &list.json["data"][0];
    let subject = stored["subject"].as_str().unwrap_or_default();
    let i: usize = subject
        .trim_start_matches('v')
        .parse()
        .expect("a subject from a body");
    assert_eq!(
        stored["account"]["name"],
        format!("acc-v{i}"),
        "nested state from the same body"
    );
    assert_eq!(
        stored["engagementUsers"][0]["externalId"],
        format!("rep-{i}")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_creates_get_fifty_distinct_ids_and_none_is_lost() {
    let s = frozen_server().await;
    let auth = auth();
    let bodies: Vec<Value> = (0..50)
        .map(|i| json!({"externalId": format!("c-{i}")}))
        .collect();
    let answers = join_all(bodies.iter().map(|b| s.put(SYNC, &auth, b))).await;
    let ids: HashSet<&str> = answers
        .iter()
        .filter_map(|a| a.json["data"]["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 50);
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(list.json["total"], 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_batches_over_the_same_external_ids_never_duplicate_a_record() {
    let s = frozen_server().await;
    let auth = auth();
    let batches: Vec<Value> = (0..8)
        .map(|w| {
            Value::Array(
                (0..30)
                    .map(|i| json!({"externalId": format!("shared-{i}"), "subject": format!("worker {w}"), "account": {"externalId": format!("acc-{}", i % 3), "name": "A"}}))
                    .collect(),
            )
        })
        .collect();
    let answers = join_all(batches.iter().map(|b| s.put(BATCH, &auth, b))).await;
    for a in &answers {
        assert_eq!(a.status, 200, "{}", a.text);
    }
    let list = s.get(&format!("{BASE}/engagements?limit=100"), &auth).await;
    assert_eq!(list.json["total"], 30);
    let subjects: HashSet<&str> = strings(&list.json["data"], "subject").into_iter().collect();
    assert_eq!(
        subjects.len(),
        1,
        "each batch applied whole, one after another"
    );
    let accounts: HashSet<&str> = strings(&list.json["data"], "accountId")
        .into_iter()
        .collect();
    assert_eq!(accounts.len(), 3);
}

// INTERFACE.md section 3: each distinct credential is a tenant with its own state.
#[tokio::test]
async fn two_tokens_never_see_each_others_records() {
    let s = frozen_server().await;
    let (a, b) = (auth(), auth());
    let mine = sync(&s, &a, &json!({"externalId": "same", "account": {"externalId": "acc", "name": "A"}, "engagementUsers": [{"externalId": "rep", "name": "R"}]})).await;
    let id = mine["id"].as_str().unwrap_or_default();
    assert_error(&get(&s, &b, id).await, 404);
    assert_eq!(
        s.get(&format!("{BASE}/engagements"), &b).await.json["total"],
        0
    );
    assert_error(
        &s.get(&format!("{BASE}/users/rep/engagements"), &b).await,
        404,
    );
    assert_error(
        &s.delete(&format!("{BASE}/engagements/{id}"), &b).await,
        404,
    );
    let link = s
        .put(
            SYNC,
            &b,
            &json!({"externalId": "x", "account": {"externalId": "acc"}}),
        )
        .await;
    assert_error(&link, 400);
    let theirs = sync(&s, &b, &json!({"externalId": "same"})).await;
    assert_ne!(theirs["id"], mine["id"]);
    assert_ne!(theirs["organizationId"], mine["organizationId"]);
    assert_eq!(get(&s, &a, id).await.status, 200);
}
