//! Scenario documents over time: loading, replacing, listing and unloading them, refusing broken
//! ones with located problems, the admin clock, watched files, and `scenario check` on the CLI.

use super::*;
use crate::support::json::strings;
use crate::support::scenario::scenario_file;
use crate::support::server::start_refused;

#[tokio::test]
async fn scenarios_load_replace_list_and_unload() {
    let s =
        server_with("name: one\nrules:\n  - { vendor: devrev, respond: { error: unavailable } }\n")
            .await;
    assert_eq!(
        s.post("/devrev/engagements.count", "Bearer l", &json!({}))
            .await
            .status,
        503
    );
    load(
        &s,
        "name: one\nrules:\n  - { vendor: devrev, respond: { error: forbidden } }\n",
    )
    .await;
    assert_eq!(
        s.post("/devrev/engagements.count", "Bearer l", &json!({}))
            .await
            .status,
        403,
        "same name replaces"
    );
    let json_doc = json!({"name": "two", "rules": [{"vendor": "devrev", "operation": "engagements.list", "respond": {"error": "not_found"}}]});
    let a = s.admin(Method::POST, "/scenarios", Some(&json_doc)).await;
    assert_eq!(a.status, 201, "JSON documents load too: {}", a.text);
    let d = s.admin_get("/scenarios").await;
    let names: Vec<&str> = strings(&d.json["scenarios"], "name");
    assert_eq!(names, ["one", "two"]);
    assert_eq!(
        s.admin(Method::DELETE, "/scenarios/one", None).await.status,
        200
    );
    assert_eq!(
        s.admin(Method::DELETE, "/scenarios/one", None).await.status,
        404
    );
    assert_eq!(
        s.post("/devrev/engagements.count", "Bearer l", &json!({}))
            .await
            .status,
        200
    );
    s.admin(Method::DELETE, "/scenarios", None).await;
    assert_eq!(
        s.post("/devrev/engagements.list", "Bearer l", &json!({}))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn broken_documents_are_refused_with_located_problems() {
    let s = TestServer::start().await;
    let doc = "name: broken\nrules:\n  - vendor: devrev\n    operation: engagements.craete\n    respond: { error: too_many_request }\n";
    let a = crate::support::scenario::upload(&s, doc).await;
    assert_eq!(a.status, 400);
    let problems = a.json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2);
    assert_eq!(
        (problems[0]["line"].as_u64(), problems[0]["column"].as_u64()),
        (Some(4), Some(16))
    );
    assert!(problems[0]["hint"]
        .as_str()
        .unwrap()
        .contains("engagements.create"));
    assert!(problems[1]["hint"]
        .as_str()
        .unwrap()
        .contains("did you mean 'too_many_requests'"));
    assert!(a.json["message"]
        .as_str()
        .unwrap()
        .contains("request body:4:16"));
    for bad in [
        "",
        "name: [",
        "rules: []",
        "name: x\nrules:\n  - vendor: devrev\n    fault: explode\n",
        "\u{0}\u{1}",
    ] {
        let a = crate::support::scenario::upload(&s, bad).await;
        assert_eq!(a.status, 400, "{bad:?}: {}", a.text);
    }
    assert_eq!(s.admin_get("/health").await.status, 200);
}

#[tokio::test]
async fn the_clock_can_be_set_and_advanced() {
    let s = TestServer::start().await;
    let a = s
        .admin(
            Method::POST,
            "/clock",
            Some(&json!({"set": "2030-05-01T10:00:00Z"})),
        )
        .await;
    assert_eq!(
        (a.json["now"].as_str(), a.json["frozen"].as_bool()),
        (Some("2030-05-01T10:00:00.000Z"), Some(true))
    );
    let auth = bearer(&fresh_token("clock"));
    let e = create(&s, &auth).await;
    assert_eq!(
        e.json["engagement"]["created_date"],
        "2030-05-01T10:00:00.000Z"
    );
    s.admin(Method::POST, "/clock", Some(&json!({"advance_ms": 90_000})))
        .await;
    let u = s
        .post(
            "/devrev/engagements.update",
            &auth,
            &json!({"id": "ENG-1", "title": "later"}),
        )
        .await;
    assert_eq!(
        u.json["engagement"]["modified_date"],
        "2030-05-01T10:01:30.000Z"
    );
    let a = s
        .admin(Method::POST, "/clock", Some(&json!({"set": "yesterday"})))
        .await;
    assert_eq!(a.status, 400);
}

#[tokio::test]
async fn watched_files_reload_and_a_broken_edit_keeps_the_last_good_version() {
    let file = scenario_file(
        "watched",
        "name: watched\nrules:\n  - { vendor: devrev, respond: { error: unavailable } }\n",
    );
    let s = TestServer::configured(|c| {
        c.scenarios = vec![file.clone()];
        c.watch = true;
    })
    .await;
    let status = || async {
        s.post("/devrev/engagements.count", "Bearer w", &json!({}))
            .await
            .status
    };
    assert_eq!(status().await, 503);
    std::fs::write(
        &file,
        "name: watched\nrules:\n  - { vendor: devrev, respond: { error: forbidden } }\n",
    )
    .unwrap();
    let mut reloaded = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if status().await == 403 {
            reloaded = true;
            break;
        }
    }
    assert!(reloaded, "the edit was picked up");
    std::fs::write(
        &file,
        "name: watched\nrules:\n  - { vendor: devrev, respond: { error: nonsense } }\n",
    )
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(status().await, 403, "the last good version stays active");
    let _ = std::fs::remove_dir_all(file.parent().unwrap());
}

#[test]
fn a_broken_scenario_file_stops_the_start() {
    let file = scenario_file(
        "broken",
        "name: b\nrules:\n  - { vendor: nobody, fault: timeout }\n",
    );
    let err = start_refused(engagement_sim::Config {
        scenarios: vec![file.clone()],
        ..engagement_sim::Config::ephemeral()
    });
    assert!(err.contains("unknown vendor 'nobody'"), "{err}");
    let _ = std::fs::remove_dir_all(file.parent().unwrap());
}

#[test]
fn scenario_check_points_at_the_line_and_exits_1() {
    let bin = env!("CARGO_BIN_EXE_engagement-sim");
    let bad = scenario_file(
        "check",
        "name: c\nrules:\n  - vendor: devrev\n    when: { nth: [0] }\n    fault: slow_body\n",
    );
    let out = std::process::Command::new(bin)
        .args(["scenario", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains(&format!("{}:4:", bad.display())), "{text}");
    assert!(text.contains("when.nth"), "{text}");
    let shipped: Vec<std::path::PathBuf> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    let out = std::process::Command::new(bin)
        .args(["scenario", "check"])
        .args(&shipped)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(bad.parent().unwrap());
}
