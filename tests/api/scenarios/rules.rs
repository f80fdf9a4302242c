//! What a rule takes (triggers, matchers) and what it does (errors, raw responses, delays), rate
//! limits and credential rules, each over HTTP.

use super::*;

#[tokio::test]
async fn times_after_and_every_count_matching_calls() {
    let s = server_with(r#"
name: counting
rules:
  - { vendor: devrev, operation: engagements.count, when: { times: 2 }, respond: { error: unavailable } }
  - { vendor: devrev, operation: engagements.get, when: { after: 2 }, respond: { error: server_error } }
  - { vendor: devrev, operation: engagements.list, when: { every: 3 }, respond: { error: forbidden } }
"#).await;
    let auth = bearer(&fresh_token("sc"));
    let mut seen = Vec::new();
    for op in ["engagements.count", "engagements.get", "engagements.list"] {
        let mut row = Vec::new();
        for _ in 0..6 {
            row.push(
                s.post(
                    &format!("/devrev/{op}"),
                    &auth,
                    &json!({"id": "ENG-1"})
                        .as_object()
                        .filter(|_| op == "engagements.get")
                        .map_or(json!({}), |o| Value::Object(o.clone())),
                )
                .await
                .status,
            );
        }
        seen.push(row);
    }
    assert_eq!(seen[0], [503, 503, 200, 200, 200, 200]);
    assert_eq!(seen[1], [404, 404, 500, 500, 500, 500]);
    assert_eq!(seen[2], [200, 200, 403, 200, 200, 403]);
}

#[tokio::test]
async fn probability_draws_from_the_seed_not_the_clock() {
    let doc = "name: flaky\nseed: 42\nrules:\n  - { vendor: devrev, when: { probability: 0.3 }, respond: { error: unavailable } }\n";
    let mut runs = Vec::new();
    for _ in 0..2 {
        let s = server_with(doc).await;
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(
                s.post("/devrev/engagements.count", "Bearer p", &json!({}))
                    .await
                    .status,
            );
        }
        runs.push(statuses);
    }
    assert_eq!(
        runs[0], runs[1],
        "same seed, same requests, same rules fire"
    );
    let failures = runs[0].iter().filter(|&&st| st == 503).count();
    assert!(
        (3..=25).contains(&failures),
        "{failures} of 40 failed at p=0.3"
    );
}

#[tokio::test]
async fn matchers_select_by_method_header_query_body_and_tenant() {
    let s = TestServer::start().await;
    let victim = fresh_token("victim");
    load(&s, &format!(r#"
name: matchers
rules:
  - {{ vendor: devrev, match: {{ body: {{ "/title": "boom" }} }}, respond: {{ error: conflict, message: "body matched" }} }}
  - {{ vendor: devrev, match: {{ header: {{ x-test: yes }} }}, respond: {{ error: not_found, message: "header matched" }} }}
  - {{ vendor: devrev, match: {{ method: GET, query: {{ limit: "7" }} }}, respond: {{ error: bad_request, message: "query matched" }} }}
  - {{ vendor: devrev, tenant: {victim}, respond: {{ error: unauthorized, message: "tenant matched" }} }}
"#)).await;
    let auth = bearer(&fresh_token("sc"));
    let mut body = devrev_body();
    body["title"] = json!("boom");
    let a = s.post("/devrev/engagements.create", &auth, &body).await;
    assert_eq!(
        (a.status, a.json["message"].as_str()),
        (409, Some("body matched"))
    );
    let a = s
        .send(
            s.http
                .post(s.url("/devrev/engagements.count"))
                .header("Authorization", &auth)
                .header("x-test", "yes")
                .json(&json!({})),
        )
        .await;
    assert_eq!(
        (a.status, a.json["message"].as_str()),
        (404, Some("header matched"))
    );
    let a = s.get("/devrev/engagements.list?limit=7", &auth).await;
    assert_eq!(
        (a.status, a.json["message"].as_str()),
        (400, Some("query matched"))
    );
    let a = s
        .post("/devrev/engagements.list", &auth, &json!({"limit": 7}))
        .await;
    assert_eq!(a.status, 200, "POST does not match a GET rule");
    let a = s
        .post("/devrev/engagements.count", &bearer(&victim), &json!({}))
        .await;
    assert_eq!(
        (
            a.status,
            a.json["type"].as_str(),
            a.json["message"].as_str()
        ),
        (401, Some("unauthenticated"), Some("tenant matched"))
    );
    assert_eq!(
        create(&s, &auth).await.status,
        201,
        "calls no rule takes are handled normally"
    );
}

#[tokio::test]
async fn raw_responses_are_sent_exactly() {
    let s = server_with(
        r#"
name: raw
rules:
  - vendor: devrev
    operation: engagements.count
    respond: { status: 418, headers: { x-teapot: "short and stout" }, body: { brewed: true } }
"#,
    )
    .await;
    s.raw_replies();
    let a = s
        .post("/devrev/engagements.count", "Bearer r", &json!({}))
        .await;
    assert_eq!(a.status, 418);
    assert_eq!(a.header("x-teapot"), Some("short and stout"));
    assert_eq!(a.json, json!({"brewed": true}));
}

#[tokio::test]
async fn delays_are_real() {
    let s = server_with("name: slow\nrules:\n  - { vendor: devrev, operation: engagements.count, delay_ms: 300 }\n  - { vendor: devrev, operation: engagements.list, delay_ms: { min: 100, max: 200 } }\n").await;
    let t = Instant::now();
    let a = s
        .post("/devrev/engagements.count", "Bearer d", &json!({}))
        .await;
    assert_eq!(a.status, 200, "a delay alone still answers normally");
    assert!(t.elapsed() >= Duration::from_millis(300));
    let t = Instant::now();
    s.post("/devrev/engagements.list", "Bearer d", &json!({}))
        .await;
    assert!(t.elapsed() >= Duration::from_millis(100));
    let j = s.admin_get("/requests?operation=engagements.count").await;
    assert!(j.json["requests"][0]["duration_ms"].as_f64().unwrap() >= 300.0);
}

#[tokio::test]
async fn rate_limits_answer_the_vendors_429_with_retry_after() {
    let s = server_with(
        "name: limited\nrate_limits:\n  - { vendor: devrev, requests: 3, per_seconds: 60 }\n",
    )
    .await;
    let (a, b) = (bearer(&fresh_token("rl")), bearer(&fresh_token("rl")));
    for _ in 0..3 {
        assert_eq!(
            s.post("/devrev/engagements.count", &a, &json!({}))
                .await
                .status,
            200
        );
    }
    let r = s.post("/devrev/engagements.count", &a, &json!({})).await;
    assert_eq!(status_and_type(&r), (429, Some("too_many_requests")));
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(
        (1..=20).contains(&retry),
        "one request comes back every 20 s: {retry}"
    );
    assert_eq!(r.json["retry_after"], retry);
    assert_eq!(
        s.post("/devrev/engagements.count", &b, &json!({}))
            .await
            .status,
        200,
        "limits are per tenant"
    );
}

#[tokio::test]
async fn revoked_and_forbidden_credentials() {
    let s =
        server_with("name: creds\nauth:\n  revoked: [old-token]\n  forbidden: [read-only-token]\n")
            .await;
    let a = s
        .post("/devrev/engagements.count", "Bearer old-token", &json!({}))
        .await;
    assert_eq!(status_and_type(&a), (401, Some("token_revoked")));
    let a = s
        .post("/devrev/engagements.count", "read-only-token", &json!({}))
        .await;
    assert_eq!(status_and_type(&a), (403, Some("forbidden")));
    assert_eq!(
        s.post("/devrev/engagements.count", "Bearer fine", &json!({}))
            .await
            .status,
        200
    );
}
