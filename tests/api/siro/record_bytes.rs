//! `--tenant-record-bytes` for Siro: engagements stay within the byte budget, the oldest going
//! first, as Merge's and DevRev's do; a failed batch puts back what it evicted, and an engagement
//! grown by a later sync makes the oldest others go.

use serde_json::json;

use super::{auth, get, sync, BASE};
use crate::support::json::strings;
use crate::support::TestServer;

fn big(external_id: &str, bytes: usize) -> serde_json::Value {
    json!({"externalId": external_id, "content": "x".repeat(bytes)})
}

#[tokio::test]
async fn engagements_stay_within_the_byte_budget() {
    let s = TestServer::configured(|c| c.tenant_record_bytes = 64 * 1024).await;
    let auth = auth();
    let mut ids = Vec::new();
    for i in 1..=4 {
        let e = sync(&s, &auth, &big(&format!("b-{i}"), 30_000)).await;
        ids.push(e["id"].as_str().unwrap().to_owned());
    }
    // Two engagements of 30 KB fit in 64 KiB, a third would not: the newest two are kept.
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(strings(&list.json["data"], "externalId"), ["b-3", "b-4"]);
    assert_eq!(get(&s, &auth, &ids[0]).await.status, 404);
    // A batch that fails after evicting for bytes rolls the eviction back.
    let a = s
        .put(
            super::BATCH,
            &auth,
            &json!([big("b-5", 30_000), {"externalId": "b-6", "account": {"externalId": "nope"}}]),
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert_eq!(get(&s, &auth, &ids[2]).await.status, 200, "eviction undone");
    // b-4 grown to 50 KB leaves no room for b-3.
    sync(&s, &auth, &big("b-4", 50_000)).await;
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(strings(&list.json["data"], "externalId"), ["b-4"]);
    // The budget is counted right after all that: a small one fits beside b-4.
    sync(&s, &auth, &big("b-7", 100)).await;
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(strings(&list.json["data"], "externalId"), ["b-4", "b-7"]);
}
