//! `--state-file`: state survives a restart, ids are never reused, saves are atomic and periodic,
//! and an unreadable file stops the start with a message naming it.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{fresh_token, TestServer};

fn state_path() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("esim-state-{}", fresh_token("st")));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("state.json")
}

fn config(path: &std::path::Path) -> engagement_sim::Config {
    engagement_sim::Config {
        state_file: Some(path.to_owned()),
        state_interval: Duration::from_millis(200),
        ..engagement_sim::Config::ephemeral()
    }
}

fn devrev_body() -> Value {
    json!({"title": "QBR", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z", "artifacts": ["ARTIFACT-5"]})
}

#[tokio::test]
async fn state_survives_a_restart_and_ids_continue() {
    let path = state_path();
    let s = TestServer::with_config(config(&path)).await;
    assert_eq!(
        s.post("/devrev/engagements.create", "Bearer keep", &devrev_body())
            .await
            .status,
        201
    );
    s.sim.stop().await;
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        (saved["format"].as_str(), saved["version"].as_u64()),
        (Some("engagement-sim/state"), Some(1))
    );

    let s = TestServer::with_config(config(&path)).await;
    let a = s
        .post(
            "/devrev/engagements.get",
            "Bearer keep",
            &json!({"id": "ENG-1"}),
        )
        .await;
    assert_eq!(
        (a.status, a.json["engagement"]["title"].as_str()),
        (200, Some("QBR"))
    );
    let a = s
        .post("/devrev/engagements.create", "Bearer keep", &devrev_body())
        .await;
    assert_eq!(
        a.json["type"], "artifact_already_attached_to_a_parent",
        "the artifact rule survives too"
    );
    let mut body = devrev_body();
    body["artifacts"] = json!([]);
    let a = s
        .post("/devrev/engagements.create", "Bearer keep", &body)
        .await;
    assert_eq!(
        a.json["engagement"]["display_id"], "ENG-2",
        "ids continue, never reused"
    );
    s.sim.stop().await;
}

#[tokio::test]
async fn state_is_saved_periodically() {
    let path = state_path();
    let s = TestServer::with_config(config(&path)).await;
    s.post("/devrev/engagements.create", "Bearer tick", &devrev_body())
        .await;
    let mut saved = false;
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if std::fs::read_to_string(&path).is_ok_and(|t| t.contains("ENG-1")) {
            saved = true;
            break;
        }
    }
    assert!(saved, "the interval save wrote the record");
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(
        leftovers.is_empty() || leftovers.len() == 1,
        "at most the file being written"
    );
}

#[test]
fn an_unreadable_state_file_stops_the_start_and_is_kept() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for (content, says) in [
        ("{ not json", "not a state file"),
        (
            r#"{"format":"something-else","version":1,"vendors":{}}"#,
            "not an engagement-sim state file",
        ),
        (
            r#"{"format":"engagement-sim/state","version":99,"vendors":{}}"#,
            "version 99",
        ),
        (
            r#"{"format":"engagement-sim/state","version":1,"vendors":{"devrev":{"tenants":[{"key":1}]}}}"#,
            "devrev",
        ),
    ] {
        let path = state_path();
        std::fs::write(&path, content).unwrap();
        let err = rt
            .block_on(engagement_sim::Simulator::start(config(&path)))
            .err()
            .expect("refused");
        assert!(
            err.contains(&path.display().to_string()) && err.contains(says),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            content,
            "never silently replaced"
        );
    }
}
