//! DevRev `engagements.*`: every operation, every error type, ids, paging, the artifact rule,
//! tenant isolation and concurrency. Facts: `shared/vendors/devrev.md`.

use serde_json::{json, Value};

use crate::support::{assert_contract, fresh_token, TestServer};

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn create_body() -> Value {
    json!({"title": "QBR", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})
}

#[tokio::test]
async fn create_answers_201_with_the_engagement_as_sent() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let mut body = create_body();
    body["parents"] = json!(["ACC-1", "don:core:dvrv-us-1:devo/0:opportunity/7"]);
    body["tags"] = json!([{"id": "TAG-3", "value": "hot"}]);
    body["external_ref"] = json!("crm-1");
    body["engagement_type"] = json!("call");
    let a = s.post("/devrev/engagements.create", &auth, &body).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("devrev", "engagements.create.response.json", &a.json);
    let e = &a.json["engagement"];
    assert_eq!(e["title"], "QBR");
    assert_eq!(e["display_id"], "ENG-1");
    assert_eq!(e["id"], "don:core:dvrv-us-1:devo/0:engagement/1");
    assert_eq!(
        e["members"],
        json!(["don:identity:dvrv-us-1:devo/0:devu/1"])
    );
    assert_eq!(
        e["parents"],
        json!([
            "don:core:dvrv-us-1:devo/0:account/1",
            "don:core:dvrv-us-1:devo/0:opportunity/7"
        ])
    );
    assert_eq!(e["engagement_type"], "call");
    assert_eq!(e["external_ref"], "crm-1");
    assert_eq!(e["scheduled_date"], "2026-12-01T15:00:00Z");
    assert_eq!(e["created_by"]["type"], "dev_user");
    assert_eq!(a.header("x-ratelimit-limit"), Some("1000"));
}
