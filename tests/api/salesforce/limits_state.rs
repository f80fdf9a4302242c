//! `--tenant-record-limit` (the oldest interaction makes room, children and external id with it)
//! and `--state-file` (records, tombstones, the external-id rule and the id counter survive).

use std::time::Duration;

use serde_json::{json, Value};

use super::{assert_error, create, created_id, interaction_url, minimal_body, V};
use crate::support::server::start_refused;
use crate::support::{bearer, fresh_token, state, TestServer};

fn with_ext(ext: &str) -> Value {
    let mut body = minimal_body();
    body["engagementInteraction"]["externalIdentifierId"] = json!(ext);
    body["engagementInteraction"]["engagementTopics"] = json!([{"name": "Billing"}]);
    body
}

#[tokio::test]
async fn beyond_the_record_limit_the_oldest_interaction_makes_room() {
    let s = TestServer::configured(|c| c.tenant_record_limit = 2).await;
    let auth = bearer(&fresh_token("sf-limit"));
    let first = create(&s, &auth, &with_ext("ext-1")).await;
    let topic = first.json["engagementInteraction"]["engagementTopics"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = created_id(&first);
    let second = created_id(&create(&s, &auth, &with_ext("ext-2")).await);
    let third = created_id(&create(&s, &auth, &with_ext("ext-3")).await);

    assert_error(
        &s.get(&interaction_url("v63.0", &first), &auth).await,
        404,
        "NOT_FOUND",
    );
    let gone = s
        .get(&format!("{V}/sobjects/EngagementTopic/{topic}"), &auth)
        .await;
    assert_error(&gone, 404, "NOT_FOUND");
    for id in [&second, &third] {
        assert_eq!(
            s.get(&interaction_url("v63.0", id), &auth).await.status,
            200
        );
    }
    let q = s
        .get(
            &format!("{V}/query?q=SELECT+Id+FROM+EngagementTopic"),
            &auth,
        )
        .await;
    assert_eq!(
        q.json["totalSize"], 2,
        "the evicted topic went with it: {}",
        q.text
    );
    // The evicted interaction's external id is free again; the kept ones are still unique.
    assert_eq!(create(&s, &auth, &with_ext("ext-1")).await.status, 201);
    assert_error(
        &create(&s, &auth, &with_ext("ext-3")).await,
        400,
        "DUPLICATE_VALUE",
    );
}

#[tokio::test]
async fn a_limit_of_zero_keeps_everything() {
    let s = TestServer::configured(|c| c.tenant_record_limit = 0).await;
    let auth = bearer(&fresh_token("sf-nolimit"));
    for _ in 0..5 {
        create(&s, &auth, &minimal_body()).await;
    }
    let q = s
        .get(
            &format!("{V}/query?q=SELECT+Id+FROM+EngagementInteraction"),
            &auth,
        )
        .await;
    assert_eq!(q.json["totalSize"], 5, "{}", q.text);
}

/// Saves only when stopped, so a restart shows exactly what a stop wrote.
fn state_config(path: &std::path::Path) -> engagement_sim::Config {
    state::state_config(path, Duration::from_secs(3600))
}

fn state_path() -> std::path::PathBuf {
    state::state_path("esim-sf-state")
}

#[tokio::test]
async fn state_survives_a_restart_and_ids_are_never_reused() {
    let path = state_path();
    let auth = bearer("sf-keep-token");
    let s = TestServer::with_config(state_config(&path)).await;
    let mut before = Vec::new();
    for i in 0..3 {
        before.push(created_id(
            &create(&s, &auth, &with_ext(&format!("k-{i}"))).await,
        ));
    }
    assert_eq!(
        s.delete(&interaction_url("v63.0", &before[2]), &auth)
            .await
            .status,
        204
    );
    let old_view = s.get(&interaction_url("v63.0", &before[0]), &auth).await;
    s.sim.stop().await;

    let s = TestServer::with_config(state_config(&path)).await;
    let again = s.get(&interaction_url("v63.0", &before[0]), &auth).await;
    assert_eq!(again.json, old_view.json, "the record reads back the same");
    assert_eq!(
        s.get(&interaction_url("v63.0", &before[1]), &auth)
            .await
            .status,
        200
    );
    let tomb = s
        .get(
            &format!("{V}/sobjects/EngagementInteraction/{}", before[2]),
            &auth,
        )
        .await;
    assert_error(&tomb, 404, "ENTITY_IS_DELETED");
    assert_error(
        &create(&s, &auth, &with_ext("k-0")).await,
        400,
        "DUPLICATE_VALUE",
    );
    let mut after = Vec::new();
    for i in 3..6 {
        let a = create(&s, &auth, &with_ext(&format!("k-{i}"))).await;
        after.push(created_id(&a));
        after.push(
            a.json["engagementInteraction"]["engagementTopics"][0]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for id in &after {
        assert!(!before.contains(id), "{id} was minted before the restart");
    }
    assert!(
        after.iter().all(|id| id[..15] > before[2][..15]),
        "the counter continued"
    );
    let usage = s.get(&interaction_url("v63.0", &before[0]), &auth).await;
    let used: u64 = usage.header("sforce-limit-info").unwrap()["api-usage=".len()..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(used > 8, "API usage carried over: {used}");
    s.sim.stop().await;
}

#[test]
fn a_malformed_salesforce_snapshot_stops_the_start() {
    let tenant = |records: Value| {
        json!({"format": "engagement-sim/state", "version": 1, "vendors": {"salesforce": {"tenants": [
            {"key": "k", "pod": "Ab", "owner": "005Ab0000000001", "next_number": 10, "api_usage": 0,
             "records": records, "deleted": [], "cursors": []}
        ]}}})
    };
    let rec = |id: &str, children: Value| {
        json!({"object": "EngagementInteraction", "id": id, "fields": {}, "custom": [],
               "children": children, "owner": "005Ab0000000001", "created": "2026-01-01T00:00:00Z"})
    };
    for (doc, says) in [
        (
            json!({"format": "engagement-sim/state", "version": 1, "vendors": {"salesforce": {"tenants": 3}}}),
            "tenants",
        ),
        (
            tenant(json!([rec("0eIAb0000000011", json!([]))])),
            "below the next number",
        ),
        (tenant(json!([rec("0eIXy0000000001", json!([]))])), "pod"),
        (
            tenant(json!([rec("0eIAb0000000001", json!(["0eTAb0000000002"]))])),
            "missing child",
        ),
        (tenant(json!([{"object": "Account"}])), "tenants"),
    ] {
        let path = state_path();
        std::fs::write(&path, doc.to_string()).unwrap();
        let err = start_refused(state_config(&path));
        assert!(
            err.contains("salesforce") && err.contains(says),
            "{says}: {err}"
        );
    }
}
