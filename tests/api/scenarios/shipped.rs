//! The scenarios shipped in `scenarios/`: the interface example and the seeded chaos scenario.

use super::*;
use crate::support::json::strings;

#[tokio::test]
async fn the_interface_example_throttles_the_second_and_third_create() {
    let s = server_with(&shipped("devrev-throttled-then-recovers.yaml")).await;
    let auth = bearer(&fresh_token("sc"));
    let statuses: Vec<u16> = {
        let mut v = Vec::new();
        for _ in 0..5 {
            let a = create(&s, &auth).await;
            if a.status == 429 {
                assert_eq!(a.json["type"], "too_many_requests");
                assert_eq!(a.json["retry_after"], 2);
                assert_eq!(a.header("retry-after"), Some("2"));
            }
            v.push(a.status);
        }
        v
    };
    assert_eq!(statuses, [201, 429, 429, 201, 201]);
    let j = s.admin_get("/requests?status=429").await;
    let rules: Vec<&str> = strings(&j.json["requests"], "rule");
    assert_eq!(
        rules,
        [
            "devrev-throttled-then-recovers#0",
            "devrev-throttled-then-recovers#0"
        ]
    );
    let d = s.admin_get("/scenarios").await;
    let rule = &d.json["scenarios"][0]["rules"][0];
    assert_eq!(
        (rule["matched"].as_u64(), rule["fired"].as_u64()),
        (Some(5), Some(2))
    );
    // Reset zeroes the counters: the second call is throttled again.
    s.admin(Method::POST, "/reset", None).await;
    let d = s.admin_get("/scenarios").await;
    assert_eq!(d.json["scenarios"][0]["rules"][0]["matched"], 0);
    assert_eq!(create(&s, &auth).await.status, 201);
    assert_eq!(create(&s, &auth).await.status, 429);
}

/// The shipped chaos scenario fails some calls of every vendor, the same ones on every run.
#[tokio::test]
async fn the_shipped_chaos_scenario_is_seeded_and_hits_every_vendor() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let s = server_with(&shipped("chaos.yaml")).await;
        let mut outcomes = Vec::new();
        for i in 0..40 {
            let d = s
                .post("/devrev/engagements.create", "Bearer chaos", &devrev_body())
                .await
                .status;
            let m = s
                .http
                .post(s.url("/merge/api/crm/v1/engagements"))
                .header("Authorization", "Bearer k")
                .header("X-Account-Token", "chaos")
                .json(&json!({"model": {"subject": "s", "engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}}))
                .send()
                .await
                .map_or(0, |r| r.status().as_u16());
            let siro = s
                .http
                .put(s.url("/siro/api-externalApi/v1/integrations/sync/engagements"))
                .header("Authorization", "Bearer chaos")
                .json(&json!({"externalId": format!("e{i}")}))
                .send()
                .await
                .unwrap();
            let siro_ok = (
                siro.status().as_u16(),
                siro.text()
                    .await
                    .ok()
                    .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                    .is_some(),
            );
            outcomes.push((d, m, siro_ok));
        }
        runs.push(outcomes);
    }
    assert_eq!(runs[0], runs[1], "seeded: the same calls fail on every run");
    let o = &runs[0];
    assert!(
        o.iter().any(|(d, _, _)| *d == 429),
        "some DevRev creates are throttled"
    );
    assert!(
        o.iter().any(|(_, m, _)| *m == 0),
        "a Merge create loses its connection"
    );
    assert!(
        o.iter().any(|(_, m, _)| *m == 503),
        "some Merge calls meet an outage"
    );
    assert!(
        o.iter().any(|(_, _, (st, json))| *st == 200 && !json),
        "a Siro sync answer is cut off"
    );
    assert!(
        o.iter().filter(|(d, m, _)| *d == 201 && *m == 201).count() > 20,
        "most calls succeed"
    );
}
