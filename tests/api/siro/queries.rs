//! Get, list (paging and filters), delete, soft-delete-removed and a user's engagements.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::{assert_error, auth, error_text, frozen_server, get, sync, BASE, BATCH};
use crate::support::assert_contract;
use crate::support::json::strings;

// siro.md: get one answers the bare Engagement, no `data` wrapper.
#[tokio::test]
async fn get_answers_the_bare_engagement_and_404_for_an_unknown_id() {
    let s = frozen_server().await;
    let auth = auth();
    let e = sync(&s, &auth, &json!({"externalId": "a1", "subject": "Hi"})).await;
    let a = get(&s, &auth, e["id"].as_str().unwrap_or_default()).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("siro", "engagements.get.response.json", &a.json);
    assert_eq!(a.json, e);
    insta::assert_json_snapshot!("siro_get", a.status_and_body(), {
        ".body.id" => "[uuid]", ".body.organizationId" => "[uuid]", ".body.engagementTypeId" => "[uuid]",
    });
    let missing = get(&s, &auth, "00000000-0000-4000-8000-000000000000").await;
    assert_error(&missing, 404);
    insta::assert_json_snapshot!("siro_get_not_found", missing.status_and_body());
}

async fn page_through(s: &crate::support::TestServer, auth: &str, query: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let mut url = format!("{BASE}/engagements?{query}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let a = s.get(&url, auth).await;
        assert_eq!(a.status, 200, "{}", a.text);
        assert_contract("siro", "engagements.list.response.json", &a.json);
        seen.extend(a.json["data"].as_array().cloned().unwrap_or_default());
        match a.json["cursor"].as_str() {
            Some(c) => {
                assert_eq!(a.json["hasNextPage"], true);
                cursor = Some(c.to_owned());
            }
            None => {
                assert_eq!(a.json["hasNextPage"], false);
                return seen;
            }
        }
    }
    panic!("paging never ended");
}

#[tokio::test]
async fn list_pages_through_hundreds_of_engagements_without_gap_or_duplicate() {
    let s = frozen_server().await;
    let auth = auth();
    let items: Vec<Value> = (0..320)
        .map(|i| json!({"externalId": format!("ext-{i:03}")}))
        .collect();
    for chunk in items.chunks(80) {
        let a = s.put(BATCH, &auth, &Value::Array(chunk.to_vec())).await;
        assert_eq!(a.status, 200, "{}", a.text);
    }
    let first = s.get(&format!("{BASE}/engagements?limit=7"), &auth).await;
    assert_eq!(first.json["total"], 320);
    assert_eq!(first.json["limit"], 7);
    let seen = page_through(&s, &auth, "limit=7").await;
    let ext: Vec<&str> = seen
        .iter()
        .filter_map(|e| e["externalId"].as_str())
        .collect();
    let expected: Vec<String> = (0..320).map(|i| format!("ext-{i:03}")).collect();
    assert_eq!(ext, expected, "sync order, every record once");
    assert_eq!(
        page_through(&s, &auth, "").await.len(),
        320,
        "default page size"
    );
}

#[tokio::test]
async fn list_filters_by_external_id_and_recording_id() {
    let s = frozen_server().await;
    let auth = auth();
    for i in 0..3 {
        sync(&s, &auth, &json!({"externalId": format!("f-{i}")})).await;
    }
    let a = s
        .get(&format!("{BASE}/engagements?externalId=f-1"), &auth)
        .await;
    assert_eq!(a.json["total"], 1);
    assert_eq!(a.json["data"][0]["externalId"], "f-1");
    insta::assert_json_snapshot!("siro_list_filtered", a.status_and_body(), {
        ".body.data[].id" => "[uuid]", ".body.data[].organizationId" => "[uuid]", ".body.data[].engagementTypeId" => "[uuid]",
    });
    // The simulator has no recordings, so a recordingId filter matches nothing.
    let r = s
        .get(&format!("{BASE}/engagements?recordingId=rec-1"), &auth)
        .await;
    assert_eq!(r.json["data"], json!([]));
    let bad = s
        .get(&format!("{BASE}/engagements?cursor=garbage"), &auth)
        .await;
    assert_error(&bad, 400);
    assert!(error_text(&bad).contains("garbage"));
}

// siro.md: DELETE with idType=internal|external; 200 JSON boolean.
#[tokio::test]
async fn delete_by_internal_or_external_id_answers_true_and_forgets_the_record() {
    let s = frozen_server().await;
    let auth = auth();
    let e1 = sync(&s, &auth, &json!({"externalId": "d1"})).await;
    sync(&s, &auth, &json!({"externalId": "d2"})).await;
    let id = e1["id"].as_str().unwrap_or_default();
    let a = s.delete(&format!("{BASE}/engagements/{id}"), &auth).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("siro", "engagements.delete.response.json", &a.json);
    assert_eq!(a.json, json!(true));
    assert_error(&get(&s, &auth, id).await, 404);
    let b = s
        .delete(
            &format!("{BASE}/engagements/d2?idType=external&integrationPlatform=SIRO_CUSTOM_INPUT"),
            &auth,
        )
        .await;
    assert_eq!(b.json, json!(true));
    let again = s
        .delete(&format!("{BASE}/engagements/d2?idType=external"), &auth)
        .await;
    assert_error(&again, 404);
    let bad = s
        .delete(&format!("{BASE}/engagements/d2?idType=crm"), &auth)
        .await;
    assert_error(&bad, 422);
    assert_eq!(bad.json["issues"][0]["path"], json!(["idType"]));
    sync(&s, &auth, &json!({"externalId": "crm id/7"})).await;
    let encoded = s
        .delete(
            &format!("{BASE}/engagements/crm%20id%2F7?idType=external"),
            &auth,
        )
        .await;
    assert_eq!(encoded.json, json!(true), "path ids are percent-decoded");
    let fresh = sync(&s, &auth, &json!({"externalId": "d1"})).await;
    assert_ne!(
        fresh["id"], e1["id"],
        "a deleted externalId syncs as a new record"
    );
}

// siro.md: soft-delete-removed soft-deletes engagements whose startTime lies in [fromTime, toTime]
// and whose externalId is not in validExternalIds.
#[tokio::test]
async fn soft_delete_removed_marks_only_missing_engagements_inside_the_window() {
    let s = frozen_server().await;
    let auth = auth();
    for (ext, start) in [
        ("keep", "2026-11-10T10:00:00Z"),
        ("drop", "2026-11-11T10:00:00Z"),
        ("edge", "2026-11-12T00:00:00Z"),
        ("outside", "2026-12-01T10:00:00Z"),
    ] {
        sync(&s, &auth, &json!({"externalId": ext, "startTime": start})).await;
    }
    let path = format!("{BASE}/sync/engagements/soft-delete-removed");
    let body = json!({"validExternalIds": ["keep"], "fromTime": "2026-11-10T00:00:00Z", "toTime": "2026-11-12T00:00:00Z"});
    let a = s.post(&path, &auth, &body).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract(
        "siro",
        "engagements.soft_delete_removed.response.json",
        &a.json,
    );
    assert_eq!(a.json, json!({"data": {"success": true}}));
    let left: HashSet<String> = strings(
        &s.get(&format!("{BASE}/engagements"), &auth).await.json["data"],
        "externalId",
    )
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(
        left,
        HashSet::from(["keep".to_owned(), "outside".to_owned()])
    );
    let missing = s.post(&path, &auth, &json!({"validExternalIds": []})).await;
    assert_error(&missing, 422);
    assert_eq!(missing.json["issues"][0]["path"], json!(["fromTime"]));
    let reversed = s
        .post(&path, &auth, &json!({"validExternalIds": [], "fromTime": "2026-11-12T00:00:00Z", "toTime": "2026-11-10T00:00:00Z"}))
        .await;
    assert_error(&reversed, 400);
}

// siro.md: GET /users/{id}/engagements, paged by limit / startingAfter / startingBefore; the
// OpenAPI answers a bare array.
#[tokio::test]
async fn a_users_engagements_come_latest_first_and_page_by_engagement_id() {
    let s = frozen_server().await;
    let auth = auth();
    let user = json!([{"externalId": "rep-9", "email": "rep9@example.com", "name": "Rep Nine"}]);
    for day in 1..=5 {
        sync(
            &s,
            &auth,
            &json!({"externalId": format!("u-{day}"), "startTime": format!("2026-11-0{day}T10:00:00Z"), "engagementUsers": user}),
        )
        .await;
    }
    sync(&s, &auth, &json!({"externalId": "someone-else"})).await;
    let path = format!("{BASE}/users/rep-9/engagements");
    let all = s.get(&path, &auth).await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_contract("siro", "users.engagements.response.json", &all.json);
    let order: Vec<&str> = strings(&all.json, "externalId");
    assert_eq!(order, ["u-5", "u-4", "u-3", "u-2", "u-1"]);
    insta::assert_json_snapshot!("siro_user_engagements", all.json[0], {
        ".id" => "[uuid]", ".organizationId" => "[uuid]", ".engagementTypeId" => "[uuid]",
        ".engagementUsers[].id" => "[uuid]",
    });
    let by_internal = all.json[0]["engagementUsers"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let same = s
        .get(
            &format!("{BASE}/users/{by_internal}/engagements?limit=2"),
            &auth,
        )
        .await;
    assert_eq!(same.json.as_array().map(Vec::len), Some(2));
    let after = all.json[1]["id"].as_str().unwrap_or_default();
    let next = s
        .get(&format!("{path}?limit=2&startingAfter={after}"), &auth)
        .await;
    let order: Vec<&str> = strings(&next.json, "externalId");
    assert_eq!(order, ["u-3", "u-2"]);
    let before = s
        .get(&format!("{path}?limit=2&startingBefore={after}"), &auth)
        .await;
    assert_eq!(before.json.as_array().map(Vec::len), Some(1));
    assert_error(
        &s.get(&format!("{BASE}/users/nobody/engagements"), &auth)
            .await,
        404,
    );
    assert_error(
        &s.get(&format!("{path}?startingAfter=nope"), &auth).await,
        400,
    );
}
