//! `engagement-sim drift`: the real binary sends DevRev's documented examples to an upstream
//! (a simulator the test starts) and reports where the answers break our response contracts.

use std::process::Command;

use crate::support::scenario::server_with;
use crate::support::{fresh_token, TestServer};

/// Runs `drift devrev` off the test's runtime thread, which serves the in-process upstream.
async fn drift(upstream: &str) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_engagement-sim"));
    cmd.args([
        "drift",
        "devrev",
        "--upstream",
        upstream,
        "--timeout",
        "10",
        "--token",
    ])
    .arg(fresh_token("drift"));
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn an_upstream_that_changes_one_fields_type_is_reported_at_that_field() {
    let upstream = server_with(
        r#"
name: drifted-count
rules:
  - vendor: devrev
    operation: engagements.count
    respond: { status: 200, body: { count: "3" } }
"#,
    )
    .await;
    let (code, stdout, stderr) = drift(&upstream.url("/devrev")).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stdout, "engagements.count /count: \"3\" is not of type \"integer\"\n",
        "{stderr}"
    );
}

#[tokio::test]
async fn an_upstream_that_keeps_the_contracts_shows_no_drift() {
    let upstream = TestServer::start().await;
    let (code, stdout, stderr) = drift(&upstream.url("/devrev")).await;
    assert_eq!((code, stdout.as_str()), (Some(0), ""), "{stderr}");
    // Every DevRev operation has an example: all seven are sent, none skipped.
    assert!(
        stderr.contains("7 operations sent, 0 differences"),
        "{stderr}"
    );
    assert!(!stderr.contains("skipped"), "{stderr}");
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_difference_not_a_crash() {
    let (code, stdout, _) = drift("http://127.0.0.1:9/devrev").await;
    assert_eq!(code, Some(1));
    assert_eq!(stdout.lines().count(), 7, "{stdout}");
    assert!(stdout.contains("was not answered"), "{stdout}");
}
