use super::*;

/// The shape of every DevRev answer, ids and timestamps redacted.
#[tokio::test]
async fn response_shapes() {
    let s =
        TestServer::configured(|c| c.clock = Some("2026-01-01T00:00:00Z".parse().unwrap())).await;
    let auth = "Bearer snapshot-token";
    let mut body = create_body();
    body["artifacts"] = json!(["ARTIFACT-1"]);
    let created = call(&s, "engagements.create", auth, &body).await;
    insta::assert_json_snapshot!("devrev_create", created.status_and_body());
    let listed = call(&s, "engagements.list", auth, &json!({"limit": 1})).await;
    insta::assert_json_snapshot!("devrev_list", listed.status_and_body());
    let counted = call(&s, "engagements.count", auth, &json!({})).await;
    insta::assert_json_snapshot!("devrev_count", counted.status_and_body());
    let conflict = call(&s, "engagements.create", auth, &body).await;
    insta::assert_json_snapshot!("devrev_artifact_conflict", conflict.status_and_body());
    let missing = call(
        &s,
        "engagements.create",
        auth,
        &json!({"members": ["DEVU-1"], "scheduled_date": "2026-01-01T00:00:00Z"}),
    )
    .await;
    insta::assert_json_snapshot!("devrev_missing_field", missing.status_and_body());
    let unauth = s
        .send(
            s.http
                .post(s.url("/devrev/engagements.count"))
                .json(&json!({})),
        )
        .await;
    insta::assert_json_snapshot!("devrev_unauthenticated", unauth.status_and_body());
    let deleted = call(&s, "engagements.delete", auth, &json!({"id": "ENG-1"})).await;
    insta::assert_json_snapshot!("devrev_delete", deleted.status_and_body());
}
