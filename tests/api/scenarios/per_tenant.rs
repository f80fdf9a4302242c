//! Scenario counters per tenant: parallel suites with their own credentials each see their own
//! "second call", `scope: global` restores one shared count, and a reset of one tenant leaves the
//! others' counts alone.

use super::*;
use engagement_sim::tenant::fingerprint;

const SECOND_FAILS: &str = "name: second-fails\nrules:\n  - { vendor: devrev, operation: engagements.create, when: { nth: [2] }, respond: { error: unavailable } }\n";

#[tokio::test]
async fn two_suites_each_see_their_own_second_call_fail() {
    let s = server_with(SECOND_FAILS).await;
    let (a, b) = (
        bearer(&fresh_token("suite-a")),
        bearer(&fresh_token("suite-b")),
    );
    // Interleaved as two parallel suites would be.
    assert_eq!(create(&s, &a).await.status, 201);
    assert_eq!(create(&s, &b).await.status, 201);
    assert_eq!(create(&s, &a).await.status, 503);
    assert_eq!(create(&s, &b).await.status, 503);
    assert_eq!(create(&s, &a).await.status, 201);
    assert_eq!(create(&s, &b).await.status, 201);
}

#[tokio::test]
async fn a_global_rule_counts_every_tenant_together() {
    let s = server_with(&SECOND_FAILS.replace("when:", "scope: global, when:")).await;
    let (a, b) = (
        bearer(&fresh_token("suite-a")),
        bearer(&fresh_token("suite-b")),
    );
    assert_eq!(create(&s, &a).await.status, 201);
    assert_eq!(create(&s, &b).await.status, 503);
    assert_eq!(create(&s, &a).await.status, 201);
    let rule = &s.admin_get("/scenarios").await.json["scenarios"][0]["rules"][0];
    assert_eq!(rule["scope"], "global");
    assert_eq!(rule["matched"], 3);
}

#[tokio::test]
async fn reset_of_one_tenant_leaves_the_others_counts() {
    let s = server_with(SECOND_FAILS).await;
    let (ta, tb) = (fresh_token("suite-a"), fresh_token("suite-b"));
    let (a, b) = (bearer(&ta), bearer(&tb));
    assert_eq!(create(&s, &a).await.status, 201);
    assert_eq!(create(&s, &b).await.status, 201);
    let reset = s
        .admin(
            Method::POST,
            &format!("/reset?tenant={}", fingerprint(&ta)),
            None,
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    // a starts over (its next call is its first again); b's next call is still its second.
    assert_eq!(create(&s, &a).await.status, 201);
    assert_eq!(create(&s, &b).await.status, 503);
    assert_eq!(create(&s, &a).await.status, 503);
}

#[tokio::test]
async fn the_admin_api_shows_counts_per_tenant_by_fingerprint() {
    let s = server_with(SECOND_FAILS).await;
    let (ta, tb) = (fresh_token("suite-a"), fresh_token("suite-b"));
    for _ in 0..2 {
        create(&s, &bearer(&ta)).await;
    }
    create(&s, &bearer(&tb)).await;
    let rule = &s.admin_get("/scenarios").await.json["scenarios"][0]["rules"][0];
    assert_eq!(rule["scope"], "tenant");
    assert_eq!(rule["matched"], 3);
    assert_eq!(rule["fired"], 1);
    assert_eq!(
        rule["tenants"][fingerprint(&ta)],
        json!({"matched": 2, "fired": 1})
    );
    assert_eq!(
        rule["tenants"][fingerprint(&tb)],
        json!({"matched": 1, "fired": 0})
    );
    assert!(!rule.to_string().contains(&ta), "no raw credential");
}

#[tokio::test]
async fn probability_draws_follow_each_tenants_own_count() {
    let doc = "name: coin\nseed: 3\nrules:\n  - { vendor: devrev, operation: engagements.create, when: { probability: 0.5 }, respond: { error: unavailable } }\n";
    let s = server_with(doc).await;
    let (a, b) = (
        bearer(&fresh_token("suite-a")),
        bearer(&fresh_token("suite-b")),
    );
    let mut seen_a = Vec::new();
    for _ in 0..12 {
        seen_a.push(create(&s, &a).await.status);
    }
    // b's calls, interleaved with a noisy third tenant, draw the same sequence a did.
    let noise = bearer(&fresh_token("noise"));
    let mut seen_b = Vec::new();
    for _ in 0..12 {
        create(&s, &noise).await;
        seen_b.push(create(&s, &b).await.status);
    }
    assert_eq!(seen_a, seen_b);
    assert!(seen_a.contains(&503) && seen_a.contains(&201), "{seen_a:?}");
}
