//! The README's first-five-minutes scenario block, run as written (only the address changed)
//! against a real server: a reader who pastes it sees `201 429 429 201`.

use crate::support::TestServer;

/// The README's shell block that loads `devrev-throttled-then-recovers.yaml`.
fn scenario_block() -> String {
    let readme = include_str!("../../../README.md");
    let mut blocks = readme
        .split("```sh\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("\n```").map(|(block, _)| block.to_owned()));
    blocks
        .find(|b| b.contains("devrev-throttled-then-recovers.yaml") && b.contains("for i in"))
        .expect("the README has the scenario block")
}

#[tokio::test]
async fn the_readme_scenario_block_throttles_the_second_and_third_create() {
    let s = TestServer::start().await;
    let base = s.url("");
    let script = scenario_block().replace("localhost:4010", base.trim_start_matches("http://"));
    // The server runs on this test's runtime; bash waits on a blocking thread.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("ENGAGEMENT_SIM_ADMIN_TOKEN", "")
            .output()
            .expect("bash runs")
    })
    .await
    .expect("the blocking task ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The upload's answer has no trailing newline, so the first status ends its line.
    let codes: Vec<&str> = stdout
        .lines()
        .filter_map(|l| {
            let (head, code) = l.split_at(l.len().checked_sub(3)?);
            let digits = code.chars().all(|c| c.is_ascii_digit());
            (digits && !head.ends_with(|c: char| c.is_ascii_digit())).then_some(code)
        })
        .collect();
    assert_eq!(codes, ["201", "429", "429", "201"], "output:\n{stdout}");
}
