//! Scenario loading stays bounded: a document full of bad rules reports a capped list of problems,
//! the documents loaded are bounded in number and bytes, credential lists are looked up by hash,
//! and `--watch` never blocks on a file that is not a regular file.

use super::*;
use crate::support::scenario::scenario_file;

async fn post_doc(s: &TestServer, doc: String) -> crate::support::Answer {
    s.send(
        s.http
            .post(s.url("/__admin/scenarios"))
            .header("Content-Type", "application/yaml")
            .timeout(Duration::from_secs(20))
            .body(doc),
    )
    .await
}

#[tokio::test]
async fn a_document_of_thousands_of_bad_rules_reports_a_capped_list() {
    let s = TestServer::start().await;
    let mut doc = String::from("name: broken\nrules:\n");
    for i in 0..3_000 {
        doc.push_str(&format!(
            "  - {{ vendor: nope{i}, respond: {{ error: x }} }}\n"
        ));
    }
    let a = post_doc(&s, doc).await;
    assert_eq!(a.status, 400, "{}", a.text.len());
    let problems = a.json["problems"].as_array().unwrap();
    assert!(problems.len() <= 51, "{}", problems.len());
    assert!(
        problems.last().unwrap()["message"]
            .as_str()
            .unwrap()
            .contains("stopped after 50 problems"),
        "{:?}",
        problems.last()
    );
}

#[tokio::test]
async fn the_number_of_loaded_scenarios_is_bounded() {
    let s = TestServer::configured(|c| c.max_scenarios = 2).await;
    let doc = |n: &str| format!("name: {n}\nrules:\n  - {{ vendor: devrev, delay_ms: 1 }}\n");
    assert_eq!(post_doc(&s, doc("one")).await.status, 201);
    assert_eq!(post_doc(&s, doc("two")).await.status, 201);
    let a = post_doc(&s, doc("three")).await;
    assert_eq!(a.status, 409, "{}", a.text);
    assert!(
        a.json["message"]
            .as_str()
            .unwrap()
            .contains("--max-scenarios"),
        "{}",
        a.text
    );
    // Replacing a loaded one is still fine.
    assert_eq!(post_doc(&s, doc("two")).await.status, 201);
    let names = s.admin_get("/scenarios").await.json["scenarios"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(names, 2);
}

#[tokio::test]
async fn the_bytes_of_loaded_scenarios_are_bounded() {
    let s = TestServer::configured(|c| c.max_scenario_bytes = 300).await;
    let doc = |n: &str, pad: usize| {
        format!(
            "name: {n}\ndescription: \"{}\"\nrules:\n  - {{ vendor: devrev, delay_ms: 1 }}\n",
            "x".repeat(pad)
        )
    };
    assert_eq!(post_doc(&s, doc("one", 100)).await.status, 201);
    let a = post_doc(&s, doc("two", 150)).await;
    assert_eq!(a.status, 409, "{}", a.text);
    assert!(a.json["message"]
        .as_str()
        .unwrap()
        .contains("--max-scenario-bytes"));
}

#[tokio::test]
async fn a_long_revoked_list_is_looked_up_not_scanned() {
    let s = TestServer::configured(|c| c.body_limit = 8 * 1024 * 1024).await;
    let (revoked, by_fingerprint) = (fresh_token("revoked"), fresh_token("revoked-fp"));
    let mut list: Vec<String> = (0..50_000).map(|i| format!("old-token-{i}")).collect();
    list.push(revoked.clone());
    list.push(engagement_sim::tenant::fingerprint(&by_fingerprint));
    let doc = json!({"name": "revoked", "auth": {"revoked": list}}).to_string();
    let a = s
        .send(
            s.http
                .post(s.url("/__admin/scenarios"))
                .header("Content-Type", "application/json")
                .timeout(Duration::from_secs(30))
                .body(doc),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    // 100 calls well inside a bound that 50,000 hashes per call would blow through.
    let calls = async {
        for _ in 0..50 {
            assert_eq!(create(&s, &bearer(&revoked)).await.status, 401);
            assert_eq!(create(&s, &bearer(&by_fingerprint)).await.status, 401);
        }
    };
    tokio::time::timeout(Duration::from_secs(10), calls)
        .await
        .expect("100 calls against a 50,000-entry list answered within 10 s");
    assert_eq!(create(&s, &bearer(&fresh_token("fine"))).await.status, 201);
}

#[tokio::test]
async fn a_watched_file_replaced_by_a_fifo_does_not_freeze_the_server() {
    let file = scenario_file(
        "fifo",
        "name: fifo\nrules:\n  - { vendor: devrev, delay_ms: 1 }\n",
    );
    let s = TestServer::configured(|c| {
        c.scenarios = vec![file.clone()];
        c.watch = true;
    })
    .await;
    std::fs::remove_file(&file).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&file)
        .status()
        .unwrap();
    assert!(made.success());
    // Past a few polls of the watcher.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let health = client
        .get(s.url("/__admin/health"))
        .send()
        .await
        .expect("the server still answers");
    assert_eq!(health.status().as_u16(), 200);
    tokio::time::timeout(Duration::from_secs(15), s.sim.stop())
        .await
        .expect("and still stops");
}

#[test]
fn a_scenario_path_that_is_a_device_is_refused_at_start() {
    let dir = std::env::temp_dir().join(format!("esim-dev-{}", fresh_token("d")));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("zero.yaml");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let mut config = engagement_sim::Config::ephemeral();
    config.scenarios = vec![link];
    let err = crate::support::server::start_refused(config);
    assert!(err.contains("not a regular file"), "{err}");
}
