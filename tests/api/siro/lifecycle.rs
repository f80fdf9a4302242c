//! Siro's tenant record limit (oldest engagement evicted, indexes kept consistent) and the state
//! file (every record survives a restart; ids drawn after it never repeat earlier ones).

use std::collections::HashSet;
use std::time::Duration;

use engagement_sim::Config;
use serde_json::{json, Value};

use super::{auth, get, sync, BASE};
use crate::support::json::strings;
use crate::support::{state, TestServer};

#[tokio::test]
async fn the_record_limit_evicts_the_oldest_engagement_everywhere() {
    let s = TestServer::configured(|c| c.tenant_record_limit = 3).await;
    let auth = auth();
    let mut ids = Vec::new();
    for i in 1..=4 {
        let body =
            json!({"externalId": format!("ev-{i}"), "account": {"externalId": "acc", "name": "A"}});
        ids.push(
            sync(&s, &auth, &body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(
        get(&s, &auth, &ids[0]).await.status,
        404,
        "the oldest is gone"
    );
    let by_ext = s
        .get(&format!("{BASE}/engagements?externalId=ev-1"), &auth)
        .await;
    assert_eq!(by_ext.json["total"], 0, "{}", by_ext.text);
    let del = s
        .delete(&format!("{BASE}/engagements/ev-1?idType=external"), &auth)
        .await;
    assert_eq!(del.status, 404, "no index still names it");
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    let listed: Vec<&str> = strings(&list.json["data"], "externalId");
    assert_eq!(listed, ["ev-2", "ev-3", "ev-4"]);
    // Re-syncing the evicted externalId creates it anew (and evicts ev-2).
    let again = sync(&s, &auth, &json!({"externalId": "ev-1"})).await;
    assert_ne!(again["id"], ids[0]);
    assert_eq!(get(&s, &auth, &ids[1]).await.status, 404);
    // A batch that fails after evicting rolls the eviction back.
    let a = s
        .put(
            super::BATCH,
            &auth,
            &json!([{"externalId": "ev-5"}, {"externalId": "ev-6", "account": {"externalId": "nope"}}]),
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert_eq!(get(&s, &auth, &ids[2]).await.status, 200, "eviction undone");
}

fn state_config(path: &std::path::Path) -> Config {
    state::state_config(path, Duration::from_millis(200))
}

#[tokio::test]
async fn the_state_file_keeps_every_record_and_ids_never_repeat() {
    let path = state::state_path("esim-siro");
    let auth = auth();
    let body = |i: usize| {
        json!({"externalId": format!("keep-{i}"), "startTime": "2026-11-21T15:00:00Z",
            "contact": {"externalId": "c-1", "name": "Pat", "account": {"externalId": "a-1", "name": "Acme"}},
            "engagementUsers": [{"externalId": "rep-1", "email": "rep@example.com"}]})
    };
    let s = TestServer::with_config(state_config(&path)).await;
    let mut before = Vec::new();
    for i in 0..3 {
        before.push(sync(&s, &auth, &body(i)).await);
    }
    let org = before[0]["organizationId"].clone();
    // Later syncs touched the shared user, so compare with what a get answers now.
    for old in &mut before {
        *old = get(&s, &auth, old["id"].as_str().unwrap()).await.json;
    }
    s.sim.stop().await;

    let s = TestServer::with_config(state_config(&path)).await;
    for old in &before {
        let a = get(&s, &auth, old["id"].as_str().unwrap()).await;
        assert_eq!(a.json, *old, "restored as it was");
    }
    let updated = sync(&s, &auth, &json!({"externalId": "keep-0", "subject": "s"})).await;
    assert_eq!(
        updated["id"], before[0]["id"],
        "the externalId index survived"
    );
    let mut seen: HashSet<Value> = before.iter().map(|e| e["id"].clone()).collect();
    for i in 3..6 {
        let e = sync(&s, &auth, &body(i)).await;
        assert_eq!(e["organizationId"], org);
        assert!(seen.insert(e["id"].clone()), "id {} reused", e["id"]);
    }
    let mine = s
        .get(&format!("{BASE}/users/rep-1/engagements"), &auth)
        .await;
    assert_eq!(mine.json.as_array().map(Vec::len), Some(6), "{}", mine.text);
    s.sim.stop().await;

    // A second restart starts yet another id stream.
    let s = TestServer::with_config(state_config(&path)).await;
    let e = sync(&s, &auth, &body(9)).await;
    assert!(seen.insert(e["id"].clone()), "id {} reused", e["id"]);
    assert_eq!(
        s.get(&format!("{BASE}/engagements"), &auth).await.json["total"],
        7
    );
    s.sim.stop().await;
}

#[test]
fn a_malformed_snapshot_is_refused_with_a_message() {
    use engagement_sim::vendor::Vendor;
    let settings = engagement_sim::Config {
        seed: 1,
        tenant_record_limit: 0,
        ..engagement_sim::Config::default()
    }
    .vendor_settings(0);
    let siro = engagement_sim::vendors::siro::Siro::new(settings);
    for bad in [
        json!("nope"),
        json!({"tenants": 3}),
        json!({"tenants": [{"key": "k"}]}),
        json!({"tenants": [{"key": "k", "organizationId": "o", "generation": 0, "nextSeq": 1,
            "engagements": [], "registries": []}]}),
    ] {
        let err = siro.store().restore(bad.clone()).expect_err("refused");
        assert!(!err.is_empty(), "{bad}");
    }
    assert!(siro.store().restore(json!({"tenants": []})).is_ok());
}
