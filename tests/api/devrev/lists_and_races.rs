//! DevRev paging, filters, races and tenant isolation.

use super::*;
use crate::support::json::strings;

#[tokio::test]
async fn fifty_racing_creates_with_one_artifact_leave_one_winner() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let mut body = create_body();
    body["artifacts"] = json!(["ARTIFACT-42"]);
    let answers = futures_join(&s, &auth, "engagements.create", body, 50).await;
    let winners: Vec<&Value> = answers
        .iter()
        .filter(|a| a.0 == 201)
        .map(|a| &a.1)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one create wins the artifact");
    let winner = winners[0]["engagement"]["id"].clone();
    for (status, json) in answers.iter().filter(|a| a.0 != 201) {
        assert_eq!(*status, 400);
        assert_eq!(json["type"], "artifact_already_attached_to_a_parent");
        assert_eq!(json["existing_parent"], winner);
    }
}

async fn futures_join(
    s: &TestServer,
    auth: &str,
    op: &str,
    body: Value,
    n: usize,
) -> Vec<(u16, Value)> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let req = s
            .http
            .post(s.url(&format!("/devrev/{op}")))
            .header("Authorization", auth)
            .json(&body);
        tasks.push(tokio::spawn(async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test]
async fn fifty_concurrent_creates_give_fifty_distinct_records() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    let answers = futures_join(&s, &auth, "engagements.create", create_body(), 50).await;
    let mut ids: Vec<String> = answers
        .iter()
        .map(|(st, j)| {
            assert_eq!(*st, 201);
            j["engagement"]["id"].as_str().unwrap().to_owned()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50);
    let a = call(&s, "engagements.count", &auth, &json!({})).await;
    assert_eq!(a.json["count"], 50);
}

#[tokio::test]
async fn tenants_never_see_each_other() {
    let s = TestServer::start().await;
    let (a_auth, b_auth) = (
        bearer(&fresh_token("devrev-a")),
        bearer(&fresh_token("devrev-b")),
    );
    let e = create(&s, &a_auth, create_body()).await;
    assert_eq!(
        call(&s, "engagements.get", &b_auth, &json!({"id": e["id"]}))
            .await
            .status,
        404
    );
    assert_eq!(
        call(&s, "engagements.list", &b_auth, &json!({})).await.json["engagements"],
        json!([])
    );
    assert_eq!(
        call(&s, "engagements.count", &b_auth, &json!({}))
            .await
            .json["count"],
        0
    );
    assert_eq!(
        call(&s, "engagements.delete", &b_auth, &json!({"id": e["id"]}))
            .await
            .status,
        404
    );
    assert_eq!(
        call(&s, "engagements.count", &a_auth, &json!({}))
            .await
            .json["count"],
        1
    );
}

#[tokio::test]
async fn list_pages_forward_and_back_without_gap_or_duplicate() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    for i in 0..205 {
        let mut body = create_body();
        body["title"] = json!(format!("E{i}"));
        create(&s, &auth, body).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = Vec::new();
    loop {
        let mut req = json!({"limit": 20});
        if let Some(c) = &cursor {
            req["cursor"] = json!(c);
        }
        let a = call(&s, "engagements.list", &auth, &req).await;
        let titles: Vec<String> = strings(&a.json["engagements"], "title")
            .into_iter()
            .map(str::to_owned)
            .collect();
        seen.extend(titles.clone());
        pages.push((cursor.clone(), a.json.clone()));
        match a.json["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..205).map(|i| format!("E{i}")).collect();
    assert_eq!(seen, expected);
    assert!(
        pages[0].1.get("prev_cursor").is_none(),
        "the first page has no previous page"
    );
    // From the second page, the prev cursor in "before" mode gives back the first page.
    let prev = pages[1].1["prev_cursor"].as_str().unwrap();
    let a = call(
        &s,
        "engagements.list",
        &auth,
        &json!({"limit": 20, "cursor": prev, "mode": "before"}),
    )
    .await;
    assert_eq!(a.json["engagements"], pages[0].1["engagements"]);
    // "before" without a cursor starts from the end; the GET form pages the same way.
    let a = s
        .get("/devrev/engagements.list?limit=5&mode=before", &auth)
        .await;
    let last: Vec<&str> = strings(&a.json["engagements"], "title");
    assert_eq!(last, ["E200", "E201", "E202", "E203", "E204"]);
    assert!(a.json.get("next_cursor").is_none());
    // Descending order.
    let a = call(
        &s,
        "engagements.list",
        &auth,
        &json!({"limit": 3, "sort_by": ["created_date:desc"]}),
    )
    .await;
    let first: Vec<&str> = strings(&a.json["engagements"], "title");
    assert_eq!(first, ["E204", "E203", "E202"]);
    let next = a.json["next_cursor"].as_str().unwrap();
    let a = call(
        &s,
        "engagements.list",
        &auth,
        &json!({"limit": 3, "sort_by": ["created_date:desc"], "cursor": next}),
    )
    .await;
    assert_eq!(a.json["engagements"][0]["title"], "E201");
    let a = call(&s, "engagements.list", &auth, &json!({"cursor": "garbage"})).await;
    assert_eq!(status_and_type(&a), (400, Some("bad_request")));
}

#[tokio::test]
async fn list_and_count_filter_in_both_forms() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("devrev"));
    create(&s, &auth, json!({"title": "a", "members": ["DEVU-1"], "scheduled_date": "2026-01-01T00:00:00Z", "engagement_type": "call", "parent": "ACC-1", "external_ref": "x1"})).await;
    create(&s, &auth, json!({"title": "b", "members": ["DEVU-2"], "scheduled_date": "2026-01-01T00:00:00Z", "engagement_type": "email", "parents": ["OPP-1"]})).await;
    create(&s, &auth, json!({"title": "c", "members": ["DEVU-1", "DEVU-2"], "scheduled_date": "2026-01-01T00:00:00Z"})).await;
    let count = |q: &'static str| {
        let s = &s;
        let auth = auth.clone();
        async move {
            s.get(&format!("/devrev/engagements.count?{q}"), &auth)
                .await
                .json["count"]
                .as_u64()
                .unwrap()
        }
    };
    assert_eq!(count("members=DEVU-1").await, 2);
    assert_eq!(
        count("members=%22DEVU-1%22,%22DEVU-2%22").await,
        3,
        "the TypeScript SDK's quoted, comma-joined arrays"
    );
    assert_eq!(count("members=DEVU-2&members=DEVU-1").await, 3);
    assert_eq!(count("type=call").await, 1);
    assert_eq!(count("parent=ACC-1").await, 1);
    assert_eq!(count("external_ref=x1").await, 1);
    let a = call(
        &s,
        "engagements.list",
        &auth,
        &json!({"type": ["email", "default"]}),
    )
    .await;
    let titles: Vec<&str> = strings(&a.json["engagements"], "title");
    assert_eq!(titles, ["b", "c"]);
    let a = s.get("/devrev/engagements.list?limit=abc", &auth).await;
    assert_eq!(
        status_type_and_field(&a),
        (400, Some("unexpected_json_type"), Some("limit"))
    );
    let a = call(
        &s,
        "engagements.count",
        &auth,
        &json!({"type": ["webinar"]}),
    )
    .await;
    assert_eq!(status_and_type(&a), (400, Some("invalid_enum_value")));
}
