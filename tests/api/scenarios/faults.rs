//! Connection faults, each proven with a real HTTP client.

use super::*;

async fn fault_scenario(fault: &str) -> TestServer {
    let s = server_with(&format!("name: fault\nrules:\n  - {{ vendor: devrev, operation: engagements.create, fault: {fault} }}\n")).await;
    s
}

fn send_create(s: &TestServer) -> reqwest::RequestBuilder {
    s.http
        .post(s.url("/devrev/engagements.create"))
        .header("Authorization", "Bearer f")
        .json(&devrev_body())
}

#[tokio::test]
async fn connection_reset_resets_the_connection() {
    let s = fault_scenario("connection_reset").await;
    let err = send_create(&s).send().await.expect_err("no response");
    let text = format!("{err:?}").to_lowercase();
    assert!(
        text.contains("reset") || text.contains("connection") || text.contains("closed"),
        "{text}"
    );
    // The server stays up.
    assert_eq!(s.admin_get("/health").await.status, 200);
}

#[tokio::test]
async fn empty_response_closes_without_a_byte() {
    let s = fault_scenario("empty_response").await;
    let mut stream = tokio::net::TcpStream::connect(s.sim.addr()).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = devrev_body().to_string();
    let req = format!("POST /devrev/engagements.create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer f\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf))
        .await
        .expect("closed promptly")
        .unwrap_or(0);
    assert_eq!(n, 0, "no bytes: {:?}", String::from_utf8_lossy(&buf));
}

#[tokio::test]
async fn malformed_body_sends_headers_then_broken_json() {
    let s = fault_scenario("malformed_body").await;
    let res = send_create(&s).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(res.headers()["content-type"], "application/json");
    let text = res.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
}

#[tokio::test]
async fn timeout_holds_until_the_client_gives_up() {
    let s = fault_scenario("timeout").await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let t = Instant::now();
    let err = client
        .post(s.url("/devrev/engagements.create"))
        .header("Authorization", "Bearer f")
        .json(&devrev_body())
        .send()
        .await
        .expect_err("held");
    assert!(err.is_timeout(), "{err:?}");
    assert!(t.elapsed() >= Duration::from_millis(700));
}

#[tokio::test]
async fn slow_body_drips_the_real_answer() {
    let s = fault_scenario("slow_body").await;
    let t = Instant::now();
    let res = send_create(&s).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["engagement"]["title"], "QBR");
    assert!(
        t.elapsed() >= Duration::from_millis(1000),
        "the ~900-byte body came in {:?}",
        t.elapsed()
    );
}
