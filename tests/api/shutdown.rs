//! Shutdown never loses an acknowledged record: a request that outlives the drain is cancelled
//! before it answers, one that finishes within it is answered and saved. And a state file whose
//! epoch would wrap the id counter onto existing records, or whose id counter would overflow, is
//! refused.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::scenario::load;
use crate::support::server::start_refused;
use crate::support::{state, TestServer};

fn body() -> Value {
    json!({"title": "QBR", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})
}

fn config(path: &std::path::Path) -> engagement_sim::Config {
    let mut c = state::state_config(path, Duration::from_secs(60));
    c.connections.drain_timeout = Duration::from_millis(300);
    c
}

/// Starts a create that the scenario holds for `delay_ms`, stops the simulator while it is in
/// flight, and answers what the client saw and what a restart holds.
async fn create_across_stop(delay_ms: u64) -> (Option<(u16, Value)>, TestServer) {
    let path = state::state_path("esim-shutdown");
    let s = TestServer::with_config(config(&path)).await;
    load(
        &s,
        &format!("name: slow\nrules:\n  - {{ vendor: devrev, operation: engagements.create, delay_ms: {delay_ms} }}\n"),
    )
    .await;
    let (http, url) = (s.http.clone(), s.url("/devrev/engagements.create"));
    let call = tokio::spawn(async move {
        let res = http
            .post(url)
            .header("Authorization", "Bearer slow")
            .json(&body())
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .ok()?;
        let status = res.status().as_u16();
        Some((status, res.json::<Value>().await.ok()?))
    });
    // Let the request reach its delay before the stop.
    tokio::time::sleep(Duration::from_millis(150)).await;
    s.sim.stop().await;
    let seen = call.await.unwrap();
    (seen, TestServer::with_config(config(&path)).await)
}

async fn listed(s: &TestServer) -> Vec<Value> {
    let a = s
        .post("/devrev/engagements.list", "Bearer slow", &json!({}))
        .await;
    a.json["engagements"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_create_that_outlives_the_drain_is_cancelled_unanswered() {
    let (seen, restarted) = create_across_stop(1500).await;
    // Acknowledged and then missing is the one outcome that must never happen.
    if let Some((status, body)) = &seen {
        let id = &body["engagement"]["id"];
        assert!(
            listed(&restarted).await.iter().any(|e| &e["id"] == id),
            "{status} {body} was acknowledged but is not in the state file"
        );
    }
    assert!(seen.is_none(), "cancelled before it answered: {seen:?}");
    restarted.sim.stop().await;
}

#[tokio::test]
async fn a_create_that_finishes_within_the_drain_is_answered_and_saved() {
    let (seen, restarted) = create_across_stop(50).await;
    let (status, body) = seen.expect("answered within the drain");
    assert_eq!(status, 201, "{body}");
    let id = &body["engagement"]["id"];
    assert!(listed(&restarted).await.iter().any(|e| &e["id"] == id));
    restarted.sim.stop().await;
}

#[test]
fn an_epoch_whose_ids_would_wrap_is_refused() {
    for epoch in ["20000000000", "18446744073"] {
        let path = state::state_path("esim-epoch");
        let content = format!(
            r#"{{"format":"engagement-sim/state","version":1,"epoch":{epoch},"clean":false,"vendors":{{}}}}"#
        );
        std::fs::write(&path, &content).unwrap();
        let err = start_refused(state::state_config(&path, Duration::from_secs(60)));
        assert!(err.contains("epoch") && err.contains(epoch), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), content, "kept");
    }
}

/// A crafted state file whose id counter sits near `u64::MAX` would overflow on the next create:
/// it is refused at start, naming the vendor and the counter, and the file is kept.
#[test]
fn an_id_counter_that_would_wrap_is_refused() {
    let path = state::state_path("esim-counter");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let s = TestServer::with_config(config(&path)).await;
        let a = s
            .post(
                "/devrev/engagements.create",
                &crate::support::bearer("counter"),
                &body(),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.text);
        s.sim.stop().await;
    });
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let near = u64::MAX - 5;
    doc["vendors"]["devrev"]["tenants"][0]["next_number"] = json!(near);
    let content = doc.to_string();
    std::fs::write(&path, &content).unwrap();
    let err = start_refused(config(&path));
    assert!(
        err.contains("devrev") && err.contains(&near.to_string()) && err.contains("wrap"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), content, "kept");
}
