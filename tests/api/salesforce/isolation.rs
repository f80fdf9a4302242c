//! Tenants, concurrency and determinism: no shared records, no shared ids, same seed same ids.

use std::collections::HashSet;

use serde_json::Value;

use super::*;
use crate::support::TestServer;

#[tokio::test]
async fn tenants_never_see_each_others_records() {
    let s = TestServer::start().await;
    let (a1, a2) = (auth(), auth());
    let id = created_id(&create(&s, &a1, &full_body()).await);
    assert_error(
        &s.get(&interaction_url("v63.0", &id), &a2).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &s.get(&format!("{V}/sobjects/EngagementInteraction/{id}"), &a2)
            .await,
        404,
        "NOT_FOUND",
    );
    let q = s
        .get(
            &format!("{V}/query?q=SELECT+Id+FROM+EngagementInteraction"),
            &a2,
        )
        .await;
    assert_eq!(q.json["totalSize"], 0);
    // The same external identifier is free in another org.
    assert_eq!(create(&s, &a2, &full_body()).await.status, 201);
    let state = s.admin_get("/state?vendor=salesforce").await;
    assert_eq!(state.status, 200, "{}", state.text);
}

#[tokio::test]
async fn fifty_parallel_creates_never_share_an_id() {
    let s = std::sync::Arc::new(TestServer::start().await);
    let auth = auth();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (s, auth) = (s.clone(), auth.clone());
            tokio::spawn(async move { create(&s, &auth, &full_body_without_external()).await })
        })
        .collect();
    let mut ids = HashSet::new();
    for t in tasks {
        let a = t.await.unwrap();
        assert_eq!(a.status, 201, "{}", a.text);
        let e = &a.json["engagementInteraction"];
        assert!(ids.insert(e["id"].as_str().unwrap().to_owned()));
        for child in e["engagementAttendees"]
            .as_array()
            .unwrap()
            .iter()
            .chain(e["engagementTopics"].as_array().unwrap())
        {
            assert!(ids.insert(child["id"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(ids.len(), 250);
    let q = s
        .get(
            &format!("{V}/query?q=SELECT+COUNT()+FROM+EngagementInteraction"),
            &auth,
        )
        .await;
    assert_eq!(q.json["totalSize"], 50);
}

fn full_body_without_external() -> Value {
    let mut b = full_body();
    b["engagementInteraction"]
        .as_object_mut()
        .unwrap()
        .remove("externalIdentifierId");
    b
}

#[tokio::test]
async fn ids_are_deterministic_for_a_seed_and_request_order() {
    let mut seen = Vec::new();
    for _ in 0..2 {
        let s = TestServer::configured(|c| c.seed = 42).await;
        let a = create(&s, "Bearer same-token", &full_body()).await;
        seen.push(a.json["engagementInteraction"].clone());
    }
    assert_eq!(seen[0], seen[1]);
}
