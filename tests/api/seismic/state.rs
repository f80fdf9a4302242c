//! Seismic under `--tenant-record-limit` and `--state-file`: the oldest room (with its deliveries)
//! makes room at the limit; a restart restores rooms, seeded data and counters, and never reuses an
//! id; a malformed Seismic snapshot stops the start with a message.

use std::collections::HashSet;
use std::time::Duration;

use engagement_sim::Config;
use serde_json::{json, Value};

use super::{first_template, from_template, tenant_state};
use crate::support::json::strings;
use crate::support::server::start_refused;
use crate::support::{bearer, fresh_token, state, TestServer};

fn state_path() -> std::path::PathBuf {
    state::state_path("esim-seismic")
}

fn config(path: &std::path::Path) -> Config {
    state::state_config(path, Duration::from_millis(200))
}

async fn create_room(s: &TestServer, token: &str, name: &str) -> Value {
    let template = first_template(s, token).await;
    let a = from_template(s, token, &json!({"templateId": template, "name": name})).await;
    assert_eq!(a.status, 201, "{}", a.text);
    a.json
}

#[tokio::test]
async fn beyond_the_record_limit_the_oldest_room_and_its_deliveries_make_room() {
    let s = TestServer::configured(|c| c.tenant_record_limit = 3).await;
    let token = fresh_token("seismic-limit");
    let mut rooms = Vec::new();
    for i in 0..5 {
        let room = create_room(&s, &token, &format!("Room {i}")).await;
        let a = s
            .post(
                "/seismic/link-delivery/v1/deliveries",
                &bearer(&token),
                &json!({"dsrId": room["id"], "recipients": [{"email": "b@example.com"}]}),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.text);
        rooms.push(room["id"].as_str().unwrap().to_owned());
    }
    let listed = s
        .get("/seismic/dsr/v1/dsrs?limit=50", &bearer(&token))
        .await;
    let names: Vec<&str> = strings(&listed.json["items"], "name");
    assert_eq!(names, ["Room 2", "Room 3", "Room 4"], "{}", listed.text);
    for (i, id) in rooms.iter().enumerate() {
        let a = s
            .get(&format!("/seismic/dsr/v1/dsrs/{id}"), &bearer(&token))
            .await;
        assert_eq!(a.status, if i < 2 { 404 } else { 200 }, "room {i}");
    }
    // No delivery points at an evicted room.
    let state = tenant_state(&s, &token).await;
    let delivered: Vec<&str> = strings(&state["deliveries"], "dsrId");
    assert_eq!(
        delivered,
        rooms[2..].iter().map(String::as_str).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn state_survives_a_restart_and_ids_are_never_reused() {
    let path = state_path();
    let token = fresh_token("seismic-keep");
    let s = TestServer::with_config(config(&path)).await;
    let before = tenant_state(&s, &token).await;
    let mut ids = HashSet::new();
    let mut old = Vec::new();
    for i in 0..3 {
        let room = create_room(&s, &token, &format!("Before {i}")).await;
        for c in room["contents"].as_array().unwrap() {
            assert!(ids.insert(c["id"].as_str().unwrap().to_owned()));
        }
        assert!(ids.insert(room["id"].as_str().unwrap().to_owned()));
        old.push(room);
    }
    s.sim.stop().await;

    let s = TestServer::with_config(config(&path)).await;
    let after = tenant_state(&s, &token).await;
    for key in ["tenant", "user", "templates", "contentVersions", "meetings"] {
        assert_eq!(after[key], before[key], "{key} survives");
    }
    for room in &old {
        let a = s
            .get(
                &format!("/seismic/dsr/v1/dsrs/{}", room["id"].as_str().unwrap()),
                &bearer(&token),
            )
            .await;
        assert_eq!(a.json, *room, "old rooms are intact");
    }
    for i in 0..3 {
        let room = create_room(&s, &token, &format!("After {i}")).await;
        for c in room["contents"].as_array().unwrap() {
            assert!(
                ids.insert(c["id"].as_str().unwrap().to_owned()),
                "content id reused"
            );
        }
        assert!(
            ids.insert(room["id"].as_str().unwrap().to_owned()),
            "room id reused"
        );
    }
    // A second restart moves to yet another id stream; the list keeps creation order.
    s.sim.stop().await;
    let s = TestServer::with_config(config(&path)).await;
    let room = create_room(&s, &token, "After restart 2").await;
    assert!(ids.insert(room["id"].as_str().unwrap().to_owned()));
    let listed = s
        .get("/seismic/dsr/v1/dsrs?limit=50", &bearer(&token))
        .await;
    let names: Vec<&str> = strings(&listed.json["items"], "name");
    assert_eq!(
        names,
        [
            "Before 0",
            "Before 1",
            "Before 2",
            "After 0",
            "After 1",
            "After 2",
            "After restart 2"
        ]
    );
    s.sim.stop().await;
}

#[test]
fn a_malformed_seismic_snapshot_stops_the_start() {
    for (vendor, says) in [
        (json!({}), "no 'tenants'"),
        (json!({"tenants": [{"key": 1}]}), "tenants"),
        (json!({"tenants": "none"}), "tenants"),
    ] {
        let path = state_path();
        let doc =
            json!({"format": "engagement-sim/state", "version": 1, "vendors": {"seismic": vendor}});
        std::fs::write(&path, doc.to_string()).unwrap();
        let err = start_refused(config(&path));
        assert!(err.contains("seismic") && err.contains(says), "{err}");
    }
}

#[tokio::test]
async fn a_snapshot_with_a_dangling_delivery_stops_the_start() {
    let path = state_path();
    let token = fresh_token("seismic-dangling");
    let s = TestServer::with_config(config(&path)).await;
    let room = create_room(&s, &token, "Room").await;
    s.post(
        "/seismic/link-delivery/v1/deliveries",
        &bearer(&token),
        &json!({"dsrId": room["id"], "recipients": []}),
    )
    .await;
    s.sim.stop().await;
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let tenants = doc["vendors"]["seismic"]["tenants"].as_array_mut().unwrap();
    let tenant = tenants
        .iter_mut()
        .find(|t| !t["dsrs"].as_array().unwrap().is_empty())
        .unwrap();
    tenant["dsrs"] = json!([]);
    std::fs::write(&path, doc.to_string()).unwrap();
    let err = engagement_sim::Simulator::start(config(&path))
        .await
        .err()
        .expect("refused");
    assert!(
        err.contains("seismic") && err.contains("not saved"),
        "{err}"
    );
}
