//! Connections a client holds without sending a request: a body that never comes, one dripped a
//! byte at a time, `Expect: 100-continue` with nothing after it. Bodies have a deadline and a
//! minimum rate, and at the connection cap the longest-waiting connection makes room, so a normal
//! client is still served. Every bound here is a client timeout, never a measured duration.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::devrev::create_body as devrev_body;
use crate::support::TestServer;

#[derive(Clone, Copy, Debug)]
enum Hostile {
    /// A complete head with `Content-Length: 10`, then nothing.
    Withheld,
    /// The same head, then one byte (and the rest never, within the test).
    Dripped,
    /// `Expect: 100-continue` and no body.
    Continue,
}

fn head(style: Hostile, length: usize) -> String {
    let expect = match style {
        Hostile::Continue => "Expect: 100-continue\r\n",
        _ => "",
    };
    format!("POST /devrev/engagements.create HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer hostile\r\nContent-Type: application/json\r\n{expect}Content-Length: {length}\r\n\r\n")
}

async fn hostile(s: &TestServer, style: Hostile) -> TcpStream {
    let mut stream = TcpStream::connect(s.sim.addr()).await.unwrap();
    stream.write_all(head(style, 10).as_bytes()).await.unwrap();
    if let Hostile::Dripped = style {
        stream.write_all(b"{").await.unwrap();
    }
    stream
}

/// A create from a well-behaved client that gives up after one second.
async fn normal_create(s: &TestServer) -> u16 {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    client
        .post(s.url("/devrev/engagements.create"))
        .header("Authorization", "Bearer normal")
        .json(&devrev_body())
        .send()
        .await
        .expect("a normal client is served within 1 s")
        .status()
        .as_u16()
}

async fn held_cap(style: Hostile, cap: usize, count: usize) {
    let s = TestServer::configured(|c| c.connections.max = cap).await;
    let mut held = Vec::new();
    for _ in 0..count {
        held.push(hostile(&s, style).await);
    }
    assert_eq!(normal_create(&s).await, 201, "{style:?}");
    drop(held);
}

#[tokio::test]
async fn a_normal_client_is_served_past_withheld_bodies_at_the_cap() {
    held_cap(Hostile::Withheld, 32, 48).await;
}

#[tokio::test]
async fn a_normal_client_is_served_past_dripped_bodies_at_the_cap() {
    held_cap(Hostile::Dripped, 32, 48).await;
}

#[tokio::test]
async fn a_normal_client_is_served_past_silent_100_continues_at_the_cap() {
    held_cap(Hostile::Continue, 32, 48).await;
}

/// The figure: 4,200 connections against the default cap of 4,096, in each style.
/// `cargo test --test api -- --ignored hostile_4200 --nocapture`; `.ci/run` runs it on its own.
#[tokio::test]
#[ignore = "holds 12,600 sockets: .ci/run runs it alone with a raised descriptor limit"]
async fn hostile_4200_connections_in_each_style_leave_a_normal_client_served() {
    for style in [Hostile::Withheld, Hostile::Dripped, Hostile::Continue] {
        held_cap(
            style,
            engagement_sim::config::ConnectionLimits::default().max,
            4200,
        )
        .await;
        println!("{style:?}: 4,200 held, a normal client served within its 1 s timeout");
    }
}

/// Reads one response head and body off a raw connection, giving up after `secs`.
async fn read_answer(stream: &mut TcpStream, secs: u64) -> String {
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(secs), async {
        let mut chunk = [0u8; 4096];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    String::from_utf8_lossy(&buf).into_owned()
}

fn body_of(answer: &str) -> Value {
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
    serde_json::from_str(body).unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_withheld_body_is_answered_in_the_envelope_when_its_time_is_up() {
    let s = TestServer::configured(|c| c.connections.body_timeout = Duration::from_secs(1)).await;
    let mut stream = hostile(&s, Hostile::Withheld).await;
    let answer = read_answer(&mut stream, 10).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    // DevRev's own envelope, naming what went wrong.
    let body = body_of(&answer);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("stopped arriving"),
        "{answer}"
    );
}

#[tokio::test]
async fn a_body_dripped_under_the_minimum_rate_is_cut_off() {
    let s = TestServer::configured(|c| {
        c.connections.body_timeout = Duration::from_secs(1);
        c.connections.body_min_rate = 1000;
    })
    .await;
    let mut stream = TcpStream::connect(s.sim.addr()).await.unwrap();
    let body = devrev_body().to_string();
    stream
        .write_all(head(Hostile::Dripped, body.len()).as_bytes())
        .await
        .unwrap();
    let (mut read, mut write) = stream.into_split();
    let drip = tokio::spawn(async move {
        for byte in body.bytes() {
            if write.write_all(&[byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
    });
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), read.read_to_end(&mut buf)).await;
    drip.abort();
    let answer = String::from_utf8_lossy(&buf);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}

#[tokio::test]
async fn expect_100_continue_over_the_limit_gets_413_not_continue() {
    let s = TestServer::configured(|c| c.body_limit = 1024).await;
    for path in [
        "/devrev/engagements.create",
        "/__admin/scenarios",
        "/seismic/mcp/v1",
    ] {
        let mut stream = TcpStream::connect(s.sim.addr()).await.unwrap();
        let head = format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 10000000\r\n\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        let answer = read_answer(&mut stream, 5).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer}");
        assert!(!answer.contains("100 Continue"), "{path}: {answer}");
        assert!(body_of(&answer).is_object(), "{path}: JSON body: {answer}");
    }
}
