//! Scenario documents loaded through the admin API.

use super::TestServer;

/// Loads a scenario document (YAML or JSON) through `POST /__admin/scenarios`, asserting 201.
pub async fn load(s: &TestServer, doc: &str) {
    let a = s
        .send(
            s.http
                .post(s.url("/__admin/scenarios"))
                .header("Content-Type", "application/yaml")
                .body(doc.to_owned()),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
}
