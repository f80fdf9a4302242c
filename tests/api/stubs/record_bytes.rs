//! `--tenant-record-bytes` for stateful stubs: a collection keeps its records within the byte
//! budget, the oldest going first, as the vendors' own records do.

use super::*;

#[tokio::test]
async fn stub_records_stay_within_the_byte_budget() {
    let s = TestServer::configured(|c| c.tenant_record_bytes = 64 * 1024).await;
    load(&s, &memo_stubs("stub-bytes", "")).await;
    let auth = bearer(&fresh_token("stub-bytes"));
    for n in 0..4 {
        let body = json!({"n": n, "text": "x".repeat(30_000)});
        let put = s.put(&format!("/siro/v1/memos/m{n}"), &auth, &body).await;
        assert_eq!(put.status, 200);
    }
    // Two records of 30 KB fit in 64 KiB, a third would not: the newest two are kept.
    let list = s.get("/siro/v1/memos", &auth).await;
    let kept: Vec<&Value> = list.json["memos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["n"])
        .collect();
    assert_eq!(kept, vec![&json!(2), &json!(3)]);
    assert_eq!(s.get("/siro/v1/memos/m0", &auth).await.status, 404);
    // Growing a kept record makes the other go; the grown one stays.
    let grown = json!({"n": 3, "text": "y".repeat(50_000)});
    assert_eq!(s.put("/siro/v1/memos/m3", &auth, &grown).await.status, 200);
    assert_eq!(s.get("/siro/v1/memos/m2", &auth).await.status, 404);
    assert_eq!(s.get("/siro/v1/memos/m3", &auth).await.json["n"], 3);
}
