//! One clock moves everything: `POST /__admin/clock` moves scenario rate-limit windows and the
//! vendors' own rate-limit counters, so no test waits for a window to pass.

use reqwest::Method;
use serde_json::json;

use crate::support::{bearer, fresh_token, TestServer};

/// A server whose clock stands still at 2026-01-01T00:00:00Z until a test moves it.
async fn frozen() -> TestServer {
    TestServer::configured(|c| c.clock = Some("2026-01-01T00:00:00Z".parse().unwrap())).await
}

#[tokio::test]
async fn advancing_the_clock_refills_a_scenario_rate_limit() {
    let s = frozen().await;
    let doc = json!({
        "name": "one-a-minute",
        "rate_limits": [{"vendor": "devrev", "requests": 1, "per_seconds": 60}],
    });
    let loaded = s.admin(Method::POST, "/scenarios", Some(&doc)).await;
    assert_eq!(loaded.status, 201, "{}", loaded.text);
    let auth = bearer(&fresh_token("window"));
    let empty = json!({});
    let count = || s.post("/devrev/engagements.count", &auth, &empty);
    assert_eq!(count().await.status, 200);
    let limited = count().await;
    assert_eq!(limited.status, 429, "{}", limited.text);
    assert_eq!(limited.header("retry-after"), Some("60"));
    let moved = s
        .admin(Method::POST, "/clock", Some(&json!({"advance_ms": 30_000})))
        .await;
    assert_eq!(moved.status, 200);
    let half = count().await;
    assert_eq!((half.status, half.header("retry-after")), (429, Some("30")));
    s.admin(Method::POST, "/clock", Some(&json!({"advance_ms": 30_000})))
        .await;
    assert_eq!(count().await.status, 200);
}

#[tokio::test]
async fn devrev_rate_limit_headers_count_in_windows_of_the_simulator_clock() {
    let s = frozen().await;
    let auth = bearer(&fresh_token("headers"));
    let empty = json!({});
    let count = || s.post("/devrev/engagements.count", &auth, &empty);
    // 2026-01-01T00:00:00Z is 1767225600; DevRev's window is five minutes.
    let first = count().await;
    assert_eq!(first.header("x-ratelimit-reset"), Some("1767225900"));
    assert_eq!(first.header("x-ratelimit-remaining"), Some("999"));
    assert_eq!(count().await.header("x-ratelimit-remaining"), Some("998"));
    s.admin(
        Method::POST,
        "/clock",
        Some(&json!({"advance_ms": 300_000})),
    )
    .await;
    let next = count().await;
    assert_eq!(next.header("x-ratelimit-remaining"), Some("999"));
    assert_eq!(next.header("x-ratelimit-reset"), Some("1767226200"));
}
