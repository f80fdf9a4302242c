//! Merge under the shared settings and the state file: `--tenant-record-limit` evicts the oldest
//! engagement with its index entry, and `--state-file` brings every linked account back (records,
//! reference records, remembered `Idempotency-Key` answers) without ever reusing an id.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::{typed_model, Linked, BASE};
use crate::support::server::start_refused;
use crate::support::{state, Answer, TestServer};

#[tokio::test]
async fn beyond_the_record_limit_the_oldest_engagement_makes_room() {
    let s = TestServer::configured(|c| c.tenant_record_limit = 3).await;
    let a = Linked::new(&s);
    let mut ids = Vec::new();
    for n in 0..5 {
        let c = a.create(typed_model(&format!("n{n}"))).await;
        assert_eq!(c.status, 201, "{}", c.text);
        ids.push(c.json["model"]["id"].as_str().unwrap().to_owned());
    }
    let newest_first: Vec<String> = ids.iter().rev().take(3).cloned().collect();
    assert_eq!(a.all_ids(2).await, newest_first);
    for gone in &ids[..2] {
        assert_eq!(a.get(&format!("/engagements/{gone}")).await.status, 404);
        let p = a.patch(gone, json!({"subject": "late"})).await;
        assert_eq!(p.status, 404, "no dangling index entry: {}", p.text);
    }
    assert_eq!(a.get(&format!("/engagements/{}", ids[4])).await.status, 200);
    // Another account has its own limit.
    let b = Linked::new(&s);
    assert_eq!(b.create(typed_model("other")).await.status, 201);
    assert_eq!(a.all_ids(10).await.len(), 3);
}

/// Saves only when stopped, so a restart shows exactly what a stop wrote.
fn state_config(path: &std::path::Path) -> engagement_sim::Config {
    state::state_config(path, Duration::from_secs(3600))
}

fn state_path() -> std::path::PathBuf {
    state::state_path("esim-merge")
}

async fn create_keyed(a: &Linked<'_>, key: &str, query: &str, model: Value) -> Answer {
    a.s.request(
        Method::POST,
        &format!("{BASE}/engagements{query}"),
        &[
            ("Authorization", a.auth.as_str()),
            ("X-Account-Token", a.account.as_str()),
            ("Idempotency-Key", key),
        ],
        Some(&json!({ "model": model })),
    )
    .await
}

#[tokio::test]
async fn the_state_file_keeps_every_account_and_ids_are_never_reused() {
    let path = state_path();
    let s = TestServer::with_config(state_config(&path)).await;
    let a = Linked::new(&s);
    let (auth, account) = (a.auth.clone(), a.account.clone());
    let mut before = Vec::new();
    for n in 0..3 {
        let c = a.create(typed_model(&format!("before {n}"))).await;
        before.push(c.json["model"]["id"].as_str().unwrap().to_owned());
    }
    let users = a.get("/users").await.json;
    let keyed = create_keyed(
        &a,
        "key-1",
        "?run_async=true&is_debug_mode=true",
        typed_model("keyed"),
    )
    .await;
    assert_eq!(keyed.status, 201);
    assert_eq!(keyed.json["model"]["remote_id"], Value::Null);
    assert!(keyed.json["logs"][0]["log_id"].is_string());
    let listed = a.all_ids(2).await;
    s.sim.stop().await;

    let s = TestServer::with_config(state_config(&path)).await;
    let a = Linked::with(&s, auth, account);
    assert_eq!(a.all_ids(2).await, listed, "records and order survive");
    assert_eq!(a.get("/users").await.json, users, "reference records too");
    let got = a.get(&format!("/engagements/{}", before[0])).await;
    assert_eq!(
        (got.status, got.json["subject"].as_str()),
        (200, Some("before 0"))
    );
    let replay = create_keyed(
        &a,
        "key-1",
        "?run_async=true&is_debug_mode=true",
        typed_model("keyed"),
    )
    .await;
    assert_eq!(
        (replay.status, &replay.json),
        (201, &keyed.json),
        "the Idempotency-Key replays the run_async, debug-mode answer exactly"
    );
    let reused = create_keyed(&a, "key-1", "", typed_model("other")).await;
    assert_eq!(reused.status, 400, "{}", reused.text);

    let mut seen: HashSet<String> = listed.iter().cloned().collect();
    for n in 0..5 {
        let c = a.create(typed_model(&format!("after {n}"))).await;
        assert_eq!(c.status, 201);
        let id = c.json["model"]["id"].as_str().unwrap().to_owned();
        assert!(seen.insert(id), "an id came back after the restore");
    }
    assert_eq!(a.all_ids(3).await.len(), listed.len() + 5);
    // A second restart still draws fresh ids.
    let (auth, account) = (a.auth.clone(), a.account.clone());
    s.sim.stop().await;
    let s = TestServer::with_config(state_config(&path)).await;
    let a = Linked::with(&s, auth, account);
    let c = a.create(typed_model("third run")).await;
    assert!(seen.insert(c.json["model"]["id"].as_str().unwrap().to_owned()));
    s.sim.stop().await;
}

#[test]
fn a_malformed_merge_snapshot_stops_the_start_with_a_message() {
    let tenant = |engagements: Value| {
        json!({"format": "engagement-sim/state", "version": 1, "vendors": {"merge": {"tenants": [
            {"key": "k", "generation": 0, "created": 1, "engagements": engagements,
             "idempotency": [], "refs": null}]}}})
    };
    for (doc, says) in [
        (
            json!({"format": "engagement-sim/state", "version": 1, "vendors": {"merge": {"tenants": 3}}}),
            "tenants",
        ),
        (tenant(json!([{"rank": 5, "id": "x"}])), "merge"),
        (
            tenant(
                json!([{"rank": 7, "id": "x", "remote_id": null, "created_at": "2024-01-01T00:00:00Z",
            "modified_at": "2024-01-01T00:00:00Z", "owner": null, "content": null, "subject": null,
            "direction": null, "engagement_type": null, "start_time": null, "end_time": null,
            "account": null, "contacts": [], "engagement_url": null, "remote_was_deleted": false,
            "remote_fields": []}]),
            ),
            "outside",
        ),
    ] {
        let path = state_path();
        std::fs::write(&path, doc.to_string()).unwrap();
        let err = start_refused(state_config(&path));
        assert!(err.contains("merge") && err.contains(says), "{err}");
    }
}

/// Reference records are shared by every account (fixed by `--seed`), so the state file does not
/// carry a copy per account; they come back the same after a restart without one.
#[tokio::test]
async fn reference_records_are_shared_and_not_saved_per_account() {
    let path = state_path();
    let s = TestServer::with_config(state_config(&path)).await;
    let (a, b) = (Linked::new(&s), Linked::new(&s));
    let users = a.get("/users").await.json;
    assert_eq!(
        b.get("/users").await.json,
        users,
        "one catalog for every account"
    );
    let model = json!({"subject": "s", "remote_fields": [{"remote_field_class": "x", "value": 1}]});
    assert_eq!(a.create(model).await.status, 201);
    let auth = a.auth.clone();
    s.sim.stop().await;
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let tenants = saved["vendors"]["merge"]["tenants"].as_array().unwrap();
    assert!(!tenants.is_empty());
    assert!(tenants.iter().all(|t| t["refs"].is_null()), "{tenants:?}");
    let s = TestServer::with_config(state_config(&path)).await;
    let c = Linked::with(&s, auth, "a-new-account".into());
    assert_eq!(c.get("/users").await.json, users);
    s.sim.stop().await;
}

/// A state file written when each account had its own reference records still loads: that
/// account keeps its own (its engagements may name them) and saves them again; other accounts
/// see the shared ones.
#[tokio::test]
async fn a_state_file_with_an_accounts_own_reference_records_keeps_them() {
    let user = json!({"id": "0b6f6c2e-0000-4000-8000-00000000a001", "remote_id": "r1", "name": "Old Owner",
        "email": "old@example.com", "is_active": true, "created_at": "2024-01-02T03:04:05.000Z",
        "modified_at": "2024-01-02T03:04:05.000Z", "remote_was_deleted": false,
        "field_mappings": {"organization_defined_targets": {}, "linked_account_defined_targets": {}},
        "remote_data": null});
    let doc = json!({"format": "engagement-sim/state", "version": 1, "vendors": {"merge": {"tenants": [
        {"key": "legacy-account", "generation": 0, "created": 0, "engagements": [],
         "idempotency": [], "refs": {"users": [user], "accounts": [], "contacts": [],
         "engagement_types": [], "remote_field_classes": []}}]}}});
    let path = state_path();
    std::fs::write(&path, doc.to_string()).unwrap();
    let s = TestServer::with_config(state_config(&path)).await;
    let legacy = Linked::with(&s, "Bearer k".into(), "legacy-account".into());
    let own = legacy.get("/users").await;
    assert_eq!(own.status, 200, "{}", own.text);
    assert_eq!(
        own.json["results"][0]["id"],
        "0b6f6c2e-0000-4000-8000-00000000a001"
    );
    assert_eq!(own.json["results"].as_array().unwrap().len(), 1);
    let other = Linked::new(&s).get("/users").await;
    assert_ne!(
        other.json["results"][0]["id"],
        "0b6f6c2e-0000-4000-8000-00000000a001"
    );
    s.sim.stop().await;
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let kept = saved["vendors"]["merge"]["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "legacy-account")
        .cloned()
        .unwrap();
    assert_eq!(
        kept["refs"]["users"][0]["id"],
        "0b6f6c2e-0000-4000-8000-00000000a001"
    );
}
