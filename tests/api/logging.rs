//! The request log of the real binary: one line per request with vendor, operation, tenant
//! fingerprint, status, duration and rule, in both formats; `RUST_LOG` can silence it; the raw
//! credential never appears.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// Serves with `args`, makes one DevRev create with token `secret-log-token`, stops the server
/// with SIGTERM and returns what it wrote to stderr.
fn log_of_one_request(args: &[&str], rust_log: Option<&str>) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_engagement-sim"));
    cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(args)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(filter) = rust_log {
        cmd.env("RUST_LOG", filter);
    }
    let mut child = cmd.spawn().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt.block_on(async {
        let http = reqwest::Client::new();
        for _ in 0..300 {
            let sent = http
                .post(format!("http://127.0.0.1:{port}/devrev/engagements.create"))
                .bearer_auth("secret-log-token")
                .json(&serde_json::json!({"title": "Logged", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"}))
                .send()
                .await;
            if let Ok(reply) = sent {
                return reply.status().as_u16();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        0
    });
    assert_eq!(status, 201, "the server answered the create");
    sigterm(child.id());
    let mut text = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    child.wait().unwrap();
    text
}

fn sigterm(pid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
}

#[test]
fn json_request_lines_carry_every_field_and_no_credential() {
    let text = log_of_one_request(&["--log-format", "json"], None);
    let line: Value = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["target"] == "engagement_sim::request")
        .unwrap_or_else(|| panic!("no request line in:\n{text}"));
    assert_eq!(line["message"], "POST /devrev/engagements.create");
    assert_eq!(line["level"], "INFO");
    assert_eq!(
        (
            &line["vendor"],
            &line["operation"],
            &line["status"],
            &line["rule"]
        ),
        (
            &Value::from("devrev"),
            &Value::from("engagements.create"),
            &Value::from(201),
            &Value::from("-")
        )
    );
    let tenant = line["tenant"].as_str().unwrap();
    assert!(tenant.starts_with("t_") && tenant.len() == 14, "{tenant}");
    assert!(line["duration_ms"].as_f64().unwrap() >= 0.0);
    assert!(chrono::DateTime::parse_from_rfc3339(line["timestamp"].as_str().unwrap()).is_ok());
    assert!(!text.contains("secret-log-token"), "{text}");
}

#[test]
fn pretty_request_lines_name_every_field() {
    let text = log_of_one_request(&[], None);
    let line = text
        .lines()
        .find(|l| l.contains("engagement_sim::request:"))
        .unwrap_or_else(|| panic!("no request line in:\n{text}"));
    for part in [
        " INFO ",
        "POST /devrev/engagements.create",
        "vendor=devrev",
        "operation=engagements.create",
        "tenant=t_",
        "status=201",
        "duration_ms=",
        "rule=\"-\"",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    assert!(!line.contains('\u{1b}'), "no colour codes off a terminal");
    assert!(!text.contains("secret-log-token"), "{text}");
}

#[test]
fn rust_log_can_silence_request_lines() {
    let text = log_of_one_request(&[], Some("info,engagement_sim::request=off"));
    assert!(!text.contains("engagement_sim::request"), "{text}");
}

/// With stderr a pipe nobody reads, requests are still answered: lines past `--log-queue-bytes`
/// are dropped, and how many is written once stderr is read again.
#[test]
fn an_unread_stderr_never_stalls_requests_and_drops_are_counted() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_engagement-sim"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--log-queue-bytes", "4096"])
        // Request lines only: the count below is of them (a start banner line could be dropped too).
        .env("RUST_LOG", "engagement_sim::request=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Each line carries about 1 KiB of path: 2,000 of them are far past the pipe's buffer.
    let path = format!("/siro/v1/engagements/{}", "x".repeat(1000));
    let answered = rt.block_on(async {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}{path}");
        for _ in 0..300 {
            if http.get(&url).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let mut answered = 0;
        for _ in 0..2_000 {
            if http.get(&url).send().await.is_ok() {
                answered += 1;
            }
        }
        answered
    });
    assert_eq!(answered, 2_000, "every request was answered");
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).unwrap();
        text
    });
    sigterm(child.id());
    child.wait().unwrap();
    let text = reader.join().unwrap();
    let dropped: u64 = text
        .lines()
        .filter_map(|l| l.strip_prefix("engagement-sim: "))
        .filter_map(|l| l.split(' ').next()?.parse::<u64>().ok())
        .sum();
    let written = text.lines().filter(|l| l.contains(" /siro/v1/")).count() as u64;
    assert!(dropped > 0, "some lines were dropped: {written} written");
    assert!(written >= 3, "lines that fit were written");
    assert_eq!(
        written + dropped,
        2_001,
        "every line written or counted:\n{}",
        text.lines()
            .filter(|l| !l.contains(" /siro/v1/"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
