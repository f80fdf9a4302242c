//! `--state-file`: state survives a restart, ids are never reused, saves are atomic and periodic,
//! and an unreadable file stops the start with a message naming it.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::server::start_refused;
use crate::support::{state, TestServer};

fn state_path() -> std::path::PathBuf {
    state::state_path("esim-state")
}

fn config(path: &std::path::Path) -> engagement_sim::Config {
    state::state_config(path, Duration::from_millis(200))
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

/// A request body the benchmark sends too (`bench/bodies/NAME.json`).
fn body(name: &str) -> Value {
    let path = format!("{}/bench/bodies/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A create call: method, path, headers, body, and the JSON pointer of the new id.
type Create = (
    reqwest::Method,
    &'static str,
    Vec<(&'static str, &'static str)>,
    Value,
    &'static str,
);

/// One create per vendor.
fn creates() -> Vec<Create> {
    use reqwest::Method;
    let bearer = |t: &'static str| vec![("Authorization", t)];
    vec![
        (
            Method::POST,
            "/devrev/engagements.create",
            bearer("Bearer epoch"),
            body("devrev-create"),
            "/engagement/id",
        ),
        (
            Method::POST,
            "/merge/api/crm/v1/engagements",
            vec![
                ("Authorization", "Bearer key"),
                ("X-Account-Token", "epoch"),
            ],
            body("merge-create"),
            "/model/id",
        ),
        (
            Method::POST,
            "/salesforce/services/data/v63.0/connect/service-excellence/engagement-interactions",
            bearer("Bearer epoch"),
            body("salesforce-create"),
            "/engagementInteraction/id",
        ),
        (
            Method::PUT,
            "/siro/api-externalApi/v1/integrations/sync/engagements",
            bearer("Bearer epoch"),
            body("siro-sync"),
            "/data/id",
        ),
        (
            Method::POST,
            "/seismic/dsr/v1/dsrs",
            bearer("Bearer epoch"),
            body("seismic-create"),
            "/id",
        ),
    ]
}

/// A kill loses what was created after the last save, but the client saw those ids: the next start
/// (a new epoch) must not hand them out again, for every vendor. The kill is played by putting back
/// the file as it was before the creates.
#[tokio::test]
async fn ids_created_after_the_last_save_are_not_reissued_after_a_kill() {
    let path = state_path();
    let config = || state::state_config(&path, Duration::from_secs(3600));
    let s = TestServer::with_config(config()).await;
    let before_kill = std::fs::read(&path).expect("the state file is written at start");
    let mut lost = Vec::new();
    for (method, url, headers, body, pointer) in creates() {
        let a = s.request(method, url, &headers, Some(&body)).await;
        assert!(
            a.status == 200 || a.status == 201,
            "{url}: {} {}",
            a.status,
            a.json
        );
        lost.push(a.json.pointer(pointer).unwrap().clone());
    }
    s.sim.stop().await;
    std::fs::write(&path, &before_kill).unwrap();

    let s = TestServer::with_config(config()).await;
    for ((method, url, headers, body, pointer), lost) in creates().into_iter().zip(lost) {
        let a = s.request(method, url, &headers, Some(&body)).await;
        let again = a.json.pointer(pointer).unwrap().clone();
        assert_ne!(again, lost, "{url}: an id lost by the kill is issued again");
    }
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        saved["epoch"], 1,
        "the new epoch is on disk before anything is served"
    );
    s.sim.stop().await;

    // A clean stop keeps the epoch, so ids simply continue.
    let s = TestServer::with_config(config()).await;
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        (saved["epoch"].as_u64(), saved["clean"].as_bool()),
        (Some(1), Some(false))
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
        let err = start_refused(config(&path));
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

/// SIGKILL at random moments under write load, 50 times: every restart restores a complete
/// snapshot (never an unreadable file), nothing that was restored is ever lost again, and no id a
/// client was ever given is given again, even one whose record the kill lost.
#[test]
fn fifty_sigkills_under_write_load_lose_nothing_snapshotted() {
    use std::process::{Command, Stdio};
    let bin = env!("CARGO_BIN_EXE_engagement-sim");
    let path = state_path();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let http = reqwest::Client::new();
    let mut kept = 0usize;
    let mut issued = std::collections::HashSet::new();
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..50 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(bin)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--state-interval",
                "0.05",
                "--state-file",
            ])
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let restored: Vec<String> = rt.block_on(async {
            let mut up = false;
            for _ in 0..200 {
                if http
                    .get(format!("{base}/__admin/health"))
                    .send()
                    .await
                    .is_ok()
                {
                    up = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            assert!(up, "round {round}: the server restarts from its state file");
            let list = http
                .post(format!("{base}/devrev/engagements.list"))
                .bearer_auth("kill")
                .json(&json!({"limit": 100}))
                .send()
                .await
                .unwrap();
            let page: Value = list.json().await.unwrap();
            page["engagements"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_owned())
                .collect()
        });
        let mut unique = restored.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), restored.len(), "round {round}: no id twice");
        assert!(
            restored.len() >= kept.min(100),
            "round {round}: restored {} after {kept} were snapshotted",
            restored.len()
        );
        // Write for a random while, then kill without warning.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let write_for = Duration::from_millis(30 + rng % 150);
        rt.block_on(async {
            let until = std::time::Instant::now() + write_for;
            while std::time::Instant::now() < until {
                let body = json!({"title": "k", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"});
                let Ok(reply) = http.post(format!("{base}/devrev/engagements.create")).bearer_auth("kill").json(&body).send().await else { continue };
                let Ok(created) = reply.json::<Value>().await else { continue };
                let id = created["engagement"]["id"].as_str().unwrap().to_owned();
                // Ids a kill loses from the file were still seen by the client: never again.
                assert!(issued.insert(id.clone()), "round {round}: {id} was issued twice");
            }
        });
        child.kill().unwrap();
        child.wait().unwrap();
        if let Ok(text) = std::fs::read(&path) {
            let saved: Value = serde_json::from_slice(&text)
                .unwrap_or_else(|e| panic!("round {round}: unreadable state file: {e}"));
            let tenants = saved["vendors"]["devrev"]["tenants"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            kept = tenants
                .iter()
                .map(|t| t["engagements"].as_array().map_or(0, Vec::len))
                .sum();
        }
    }
    assert!(kept > 0, "snapshots were taken");
}

#[tokio::test]
async fn half_written_temporary_files_are_cleared_at_start() {
    let path = state_path();
    let leftover = path.parent().unwrap().join(".state.json.tmp-999999");
    std::fs::write(&leftover, "{\"half\":").unwrap();
    let s = TestServer::with_config(config(&path)).await;
    assert!(!leftover.exists());
    s.sim.stop().await;
    assert!(path.exists());
}

/// Merge's `account-details` are drawn from the seed and the token only: a start in a new epoch
/// (after a kill) describes the same linked account.
#[tokio::test]
async fn merge_account_details_stay_the_same_after_a_kill() {
    let path = state_path();
    let config = || state::state_config(&path, Duration::from_secs(3600));
    let headers = vec![
        ("Authorization", "Bearer key"),
        ("X-Account-Token", "epoch"),
    ];
    let url = "/merge/api/crm/v1/account-details";
    let s = TestServer::with_config(config()).await;
    let before_kill = std::fs::read(&path).expect("the state file is written at start");
    let first = s.request(reqwest::Method::GET, url, &headers, None).await;
    assert_eq!(first.status, 200, "{}", first.json);
    s.sim.stop().await;
    std::fs::write(&path, &before_kill).unwrap();

    let s = TestServer::with_config(config()).await;
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["epoch"], 1, "the restart is in a new epoch");
    let again = s.request(reqwest::Method::GET, url, &headers, None).await;
    assert_eq!(again.json, first.json);
    s.sim.stop().await;
}
