//! Merge tenants (account tokens), concurrency and seeded determinism.

use std::collections::HashSet;

use serde_json::json;

use super::{typed_model, Linked};
use crate::support::TestServer;

/// INTERFACE.md §3: the account token is the tenant; two tokens never see each other's records.
#[tokio::test]
async fn account_tokens_never_see_each_others_engagements() {
    let s = TestServer::start().await;
    let (a, b) = (Linked::new(&s), Linked::new(&s));
    let created = a.create(typed_model("mine")).await;
    let id = created.json["model"]["id"].as_str().unwrap();
    assert_eq!(b.get(&format!("/engagements/{id}")).await.status, 404);
    assert_eq!(b.get("/engagements").await.json["results"], json!([]));
    assert_eq!(a.all_ids(10).await, vec![id.to_owned()]);
    // Same account token under another API key: the same linked account.
    let same = Linked::with(&s, "Bearer another-key".into(), a.account.clone());
    assert_eq!(same.get(&format!("/engagements/{id}")).await.status, 200);
}

#[tokio::test]
async fn fifty_concurrent_creates_get_distinct_ids_and_all_are_listed() {
    fifty_concurrent_creates_are_distinct_and_listed(&TestServer::start().await).await;
}

/// Fifty creates in one account at once: fifty distinct ids, and a full listing shows exactly them.
async fn fifty_concurrent_creates_are_distinct_and_listed(s: &TestServer) {
    let m = Linked::new(s);
    let answers =
        futures_util::future::join_all((0..50).map(|i| m.create(typed_model(&format!("c{i}")))))
            .await;
    let ids: HashSet<String> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 201, "{}", a.text);
            a.json["model"]["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 50);
    let listed: HashSet<String> = m.all_ids(100).await.into_iter().collect();
    assert_eq!(listed, ids);
}

/// `--seed`: the same seed and the same requests give the same ids.
#[tokio::test]
async fn the_seed_fixes_ids_for_the_same_requests() {
    let mut ids = Vec::new();
    for _ in 0..2 {
        let s = TestServer::configured(|c| c.seed = 42).await;
        let m = Linked::with(&s, "Bearer k".into(), "seeded-account".into());
        let a = m.create(typed_model("x")).await;
        let users = m.get("/users").await;
        ids.push((
            a.json["model"]["id"].clone(),
            users.json["results"][0]["id"].clone(),
        ));
    }
    assert_eq!(ids[0], ids[1]);
}

/// Connections spread over five serving threads (more than this machine's cores) still write to
/// one store: fifty creates on parallel connections give fifty records, all listed.
#[tokio::test]
async fn creates_spread_over_many_serving_threads_are_all_kept() {
    let s = TestServer::configured(|c| c.serving_threads = 5).await;
    fifty_concurrent_creates_are_distinct_and_listed(&s).await;
}
