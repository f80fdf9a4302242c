//! Scenario documents loaded through the admin API.

use std::path::PathBuf;

use super::{fresh_token, Answer, TestServer};

/// Posts a scenario document (YAML or JSON) to `POST /__admin/scenarios`; answers the answer.
pub async fn upload(s: &TestServer, doc: &str) -> Answer {
    s.send(
        s.http
            .post(s.url("/__admin/scenarios"))
            .header("Content-Type", "application/yaml")
            .body(doc.to_owned()),
    )
    .await
}

/// Loads a scenario document (YAML or JSON) through `POST /__admin/scenarios`, asserting 201.
pub async fn load(s: &TestServer, doc: &str) {
    let a = upload(s, doc).await;
    assert_eq!(a.status, 201, "{}", a.text);
}

/// Writes `doc` to `<name>.yaml` in a new temporary folder of its own; answers the file's path.
pub fn scenario_file(name: &str, doc: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("esim-{name}-{}", fresh_token("sc")));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.yaml"));
    std::fs::write(&file, doc).unwrap();
    file
}

/// A new simulator with the scenario `doc` loaded.
pub async fn server_with(doc: &str) -> TestServer {
    let s = TestServer::start().await;
    load(&s, doc).await;
    s
}

/// The text of a scenario shipped in the repository's `scenarios/` folder.
pub fn shipped(file: &str) -> String {
    let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
