//! `--tenant-record-bytes` for DevRev: engagements of a megabyte each stay within the byte budget,
//! the oldest going first.

use serde_json::json;

use super::{call, create, create_body};
use crate::support::{bearer, fresh_token, TestServer};

#[tokio::test]
async fn engagements_of_a_megabyte_stay_within_the_byte_budget() {
    let s = TestServer::configured(|c| {
        c.body_limit = 2 * 1024 * 1024;
        c.tenant_record_bytes = 3 * 1024 * 1024;
    })
    .await;
    let auth = bearer(&fresh_token("devrev-bytes"));
    let mut first = None;
    for n in 0..8 {
        let mut body = create_body();
        body["description"] = json!("d".repeat(1_000_000));
        body["title"] = json!(format!("n{n}"));
        let e = create(&s, &auth, body).await;
        first.get_or_insert(e["id"].clone());
    }
    // Three records of a megabyte fit in 3 MiB with their other fields, a fourth would not.
    let count = call(&s, "engagements.count", &auth, &json!({})).await;
    assert_eq!(count.json["count"], 3, "{}", count.text);
    let gone = call(&s, "engagements.get", &auth, &json!({"id": first.unwrap()})).await;
    assert_eq!(gone.status, 404);
}
