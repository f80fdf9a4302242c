//! `--tenant-record-bytes`: an account's engagements are bounded in bytes as well as in number,
//! so a few huge records cannot take what the record count stops many small ones taking.

use serde_json::json;

use super::{typed_model, Linked};
use crate::support::TestServer;

const MIB: usize = 1024 * 1024;

fn big(subject: &str, bytes: usize) -> serde_json::Value {
    let mut m = typed_model(subject);
    m["content"] = json!("x".repeat(bytes));
    m
}

#[tokio::test]
async fn records_of_a_megabyte_stay_within_the_byte_budget() {
    let s = TestServer::configured(|c| {
        c.body_limit = 2 * MIB;
        c.tenant_record_bytes = 4 * MIB;
    })
    .await;
    let a = Linked::new(&s);
    let mut ids = Vec::new();
    for n in 0..10 {
        let c = a.create(big(&format!("n{n}"), 1_000_000)).await;
        assert_eq!(c.status, 201, "{}", &c.text[..c.text.len().min(200)]);
        ids.push(c.json["model"]["id"].as_str().unwrap().to_owned());
    }
    // Four records of a megabyte fit in 4 MiB, a fifth would not: the newest four are kept.
    let newest_first: Vec<String> = ids.iter().rev().take(4).cloned().collect();
    assert_eq!(a.all_ids(10).await, newest_first);
    assert_eq!(a.get(&format!("/engagements/{}", ids[0])).await.status, 404);
    // Small records are bounded by the count limit only.
    let b = Linked::new(&s);
    for n in 0..20 {
        assert_eq!(b.create(typed_model(&format!("s{n}"))).await.status, 201);
    }
    assert_eq!(b.all_ids(50).await.len(), 20);
}

#[tokio::test]
async fn a_record_grown_by_a_patch_makes_the_oldest_others_go() {
    let s = TestServer::configured(|c| {
        c.body_limit = 2 * MIB;
        c.tenant_record_bytes = 2 * MIB;
    })
    .await;
    let a = Linked::new(&s);
    let mut ids = Vec::new();
    for n in 0..3 {
        let c = a.create(big(&format!("n{n}"), 500_000)).await;
        assert_eq!(c.status, 201);
        ids.push(c.json["model"]["id"].as_str().unwrap().to_owned());
    }
    let p = a
        .patch(&ids[2], json!({"content": "y".repeat(1_200_000)}))
        .await;
    assert_eq!(p.status, 200, "{}", &p.text[..p.text.len().min(200)]);
    // 1.2 MB + 0.5 MB fit in 2 MiB; the oldest record had to go.
    assert_eq!(a.all_ids(10).await, vec![ids[2].clone(), ids[1].clone()]);
}

/// The id a replay of `key` answers, after creates under keys `k0`..`k3` of 30 KB each, when the
/// account keeps `budget` bytes of each kind (0: no byte limit).
async fn replayed_ids(budget: usize) -> (Vec<String>, String, String) {
    let s = TestServer::configured(|c| c.tenant_record_bytes = budget).await;
    let a = Linked::new(&s);
    let keyed = |key: String, model: serde_json::Value| {
        let a = &a;
        async move {
            let headers = [
                ("Authorization", a.auth.as_str()),
                ("X-Account-Token", a.account.as_str()),
                ("Idempotency-Key", key.as_str()),
            ];
            let c =
                a.s.request(
                    reqwest::Method::POST,
                    &format!("{}/engagements", super::BASE),
                    &headers,
                    Some(&json!({ "model": model })),
                )
                .await;
            assert_eq!(c.status, 201, "{}", &c.text[..c.text.len().min(200)]);
            c.json["model"]["id"].as_str().unwrap().to_owned()
        }
    };
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(keyed(format!("k{n}"), big(&format!("n{n}"), 30_000)).await);
    }
    let newest = keyed("k3".into(), big("n3", 30_000)).await;
    let oldest = keyed("k0".into(), big("n0", 30_000)).await;
    (ids, newest, oldest)
}

/// The log of `Idempotency-Key` answers is bounded in bytes too: past the budget the oldest
/// answers are forgotten, and a replay of a forgotten key is a new create.
#[tokio::test]
async fn remembered_idempotency_answers_stay_within_the_byte_budget() {
    let (ids, newest, oldest) = replayed_ids(0).await;
    assert_eq!(
        (newest, oldest),
        (ids[3].clone(), ids[0].clone()),
        "no byte limit: all replay"
    );
    // Two answers of 30 KB fit in 64 KiB, a third would not.
    let (ids, newest, oldest) = replayed_ids(64 * 1024).await;
    assert_eq!(newest, ids[3], "the newest answer is still remembered");
    assert!(
        !ids.contains(&oldest),
        "the oldest was forgotten: its replay made a new record"
    );
}
