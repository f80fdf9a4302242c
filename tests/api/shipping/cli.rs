//! The binary's command line: no panic when the reader closes the pipe, completions and a man
//! page, `--log-format` explained in `--help`, and a start banner that says what to do next.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support::scenario::scenario_file;

const BIN: &str = env!("CARGO_BIN_EXE_engagement-sim");

/// Runs `args` with standard output a pipe whose reading end is already closed, so the first
/// write fails with EPIPE; answers the exit code.
fn exit_with_closed_stdout(args: &[&str]) -> Option<i32> {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait().unwrap().code()
}

#[test]
fn no_command_panics_on_a_closed_pipe() {
    let scenario = scenario_file(
        "pipe-ok",
        "name: pipe-ok\nrules:\n  - vendor: devrev\n    respond: { error: not_found }\n",
    );
    let scenario = scenario.to_str().unwrap();
    for args in [
        &["operations"][..],
        &["operations", "--json"],
        &["completions", "bash"],
        &["completions", "zsh"],
        &["man"],
        &["scenario", "check", scenario],
        &["--help"],
    ] {
        assert_eq!(exit_with_closed_stdout(args), Some(0), "{args:?}");
    }
}

#[test]
fn operations_piped_into_head_exits_0() {
    let out = Command::new("bash")
        .args([
            "-c",
            &format!("set -o pipefail; '{BIN}' operations | head -1"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("VENDOR"));
}

#[test]
fn completions_and_man_page_are_printed() {
    let bash = Command::new(BIN)
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(bash.status.success());
    let script = String::from_utf8_lossy(&bash.stdout);
    assert!(
        script.contains("complete ") && script.contains("--vendor-listen"),
        "{script}"
    );
    let man = Command::new(BIN).arg("man").output().unwrap();
    assert!(man.status.success());
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(page.contains(".TH engagement-sim 1"), "{page}");
    let bad = Command::new(BIN)
        .args(["completions", "cmd.exe"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn help_explains_the_log_format() {
    let out = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let at = help.find("--log-format").expect("listed");
    let entry = &help[at..help[at..].find("\n  -").map_or(help.len(), |e| at + e)];
    assert!(
        entry.contains("json") && entry.contains("one JSON object per line"),
        "{entry}"
    );
}

#[test]
fn banner_says_what_to_do_next() {
    let file = scenario_file(
        "banner",
        "name: banner-rules\nrules:\n  - vendor: devrev\n    respond: { error: not_found }\n",
    );
    let state =
        std::env::temp_dir().join(format!("{}-banner.json", crate::support::fresh_token("st")));
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "42",
            "--state-file",
        ])
        .arg(&state)
        .env("ENGAGEMENT_SIM_SCENARIOS", &file)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("then:") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    for wanted in [
        "/__admin/ui",
        "/__admin/metrics",
        "banner-rules",
        "seed: 42",
        &state.display().to_string(),
        "try: curl -s -X POST http://127.0.0.1:",
    ] {
        assert!(
            banner.contains(wanted),
            "{wanted:?} missing from:\n{banner}"
        );
    }
}

/// The names of the process's threads that serve connections (`serve-N`), read from /proc.
#[cfg(target_os = "linux")]
fn serving_threads_of(pid: u32) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| name.starts_with("serve-"))
        .collect();
    names.sort();
    names
}

#[cfg(target_os = "linux")]
#[test]
fn serving_threads_flag_sets_how_many_threads_serve() {
    for (flag, expected) in [("3", 3), ("1", 1)] {
        let mut child = Command::new(BIN)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--serving-threads",
                flag,
            ])
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The banner is written once the listeners, and so the serving threads, are up.
        for line in BufReader::new(child.stderr.take().unwrap()).lines() {
            if line.unwrap().contains("then:") {
                break;
            }
        }
        let names = serving_threads_of(child.id());
        let _ = child.kill();
        let _ = child.wait();
        let wanted: Vec<String> = (0..expected).map(|n| format!("serve-{n}")).collect();
        assert_eq!(names, wanted, "--serving-threads {flag}");
    }
}
