//! The admin API: health, operations, reset, journal, state.

use reqwest::Method;

use crate::support::TestServer;

#[tokio::test]
async fn health_says_ok_with_the_version() {
    let s = TestServer::start().await;
    let a = s.admin(Method::GET, "/health", None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json["status"], "ok");
    assert_eq!(a.json["version"], env!("CARGO_PKG_VERSION"));
}
