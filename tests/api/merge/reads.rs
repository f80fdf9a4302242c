//! Merge engagement reads and PATCH: retrieve, meta, remote field classes, reference records,
//! expand, filters and cursor paging.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::{bench_body, typed_model, Linked};
use crate::support::{assert_contract, Answer, TestServer};

#[tokio::test]
async fn retrieve_answers_the_bare_engagement() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let created = m.post("/engagements", &bench_body()).await;
    let id = created.json["model"]["id"].as_str().unwrap();
    let a = m.get(&format!("/engagements/{id}")).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("merge", "engagements.retrieve.response.json", &a.json);
    assert_eq!(a.json["id"], id);
    assert_eq!(a.json["remote_data"], Value::Null);
    assert!(a.json.get("remote_fields").is_none());
    snapshot!("merge_retrieve_200", &a.status_and_body());

    let upper = m.get(&format!("/engagements/{}", id.to_uppercase())).await;
    assert_eq!(upper.json["id"], id);

    let with = m
        .get(&format!(
            "/engagements/{id}?include_remote_data=true&include_remote_fields=true"
        ))
        .await;
    assert_contract("merge", "engagements.retrieve.response.json", &with.json);
    assert!(with.json["remote_data"][0]["path"].is_string());
    assert_eq!(
        with.json["remote_fields"],
        json!([{"remote_field_class": {"id": "2fe0ee1d-4a39-4f3e-9c1a-7d7e5f6a7b8c"}, "value": "Renewal"}])
    );
}

/// merge.md "Other statuses": 404 for an unknown id (`{"detail": "Not found."}` inferred).
#[tokio::test]
async fn unknown_or_malformed_ids_are_404_not_found() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    for path in [
        "/engagements/0b6f6c2e-8a53-4d7a-9b0e-1d2c3b4a5f60",
        "/engagements/nope",
        "/engagements/meta/patch/0b6f6c2e-8a53-4d7a-9b0e-1d2c3b4a5f60",
        "/users/0b6f6c2e-8a53-4d7a-9b0e-1d2c3b4a5f60",
    ] {
        let a = m.get(path).await;
        assert_eq!(a.status, 404, "{path}");
        assert_eq!(a.json, json!({"detail": "Not found."}));
    }
    let p = m
        .patch("0b6f6c2e-8a53-4d7a-9b0e-1d2c3b4a5f60", json!({}))
        .await;
    assert_eq!(p.status, 404);
}

/// merge.md "Semantics": PATCH changes only the given fields and bumps `modified_at`.
#[tokio::test]
async fn patch_changes_only_given_fields_and_bumps_modified_at() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let created = m.post("/engagements", &bench_body()).await;
    let before = created.json["model"].clone();
    let id = before["id"].as_str().unwrap();
    s.sim.state().clock.advance(5_000);
    let a = m
        .patch(
            id,
            json!({"subject": "Renamed", "content": null, "shoe_size": 9}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("merge", "engagements.partial_update.response.json", &a.json);
    let after = &a.json["model"];
    assert_eq!(after["subject"], "Renamed");
    // A null is "not given" (MergePythonSDK 2.x sends every unset field as null on a patch).
    assert_eq!(after["content"], before["content"]);
    assert_eq!(after["owner"], before["owner"]);
    assert_eq!(after["contacts"], before["contacts"]);
    assert_eq!(after["created_at"], before["created_at"]);
    assert_ne!(after["modified_at"], before["modified_at"]);
    assert_eq!(
        a.json["warnings"][0]["source"]["pointer"],
        "/model/shoe_size"
    );
    let read = m.get(&format!("/engagements/{id}")).await;
    assert_eq!(read.json["subject"], "Renamed");
    let bad = m.patch(id, json!({"direction": "UP"})).await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.json["errors"][0]["problem_type"],
        "INVALID_FIELD_CHOICE"
    );
    assert_eq!(
        m.get(&format!("/engagements/{id}")).await.json["direction"],
        "OUTBOUND"
    );
}

/// meta/post publishes the schema the server validates with: what it requires is refused when
/// missing, and what it accepts is created.
#[tokio::test]
async fn meta_post_declares_what_create_requires() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let set = s
        .admin(
            reqwest::Method::POST,
            &format!("/merge/required-fields?tenant={}", m.account),
            Some(&json!({"post": ["engagement_type"]})),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let a = m.get("/engagements/meta/post").await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("merge", "engagements.meta_post.response.json", &a.json);
    let schema = &a.json["request_schema"];
    assert_eq!(
        schema["properties"]["model"]["required"],
        json!(["engagement_type"])
    );
    let validator = engagement_sim::contract::compile_schema(&schema.to_string()).unwrap();
    assert!(validator.is_valid(&bench_body()));
    assert!(!validator.is_valid(&json!({"model": {"subject": "x"}})));
    assert_eq!(a.json["status"]["can_make_request"], true);

    let created = m.create(typed_model("m")).await;
    let id = created.json["model"]["id"].as_str().unwrap();
    let p = m.get(&format!("/engagements/meta/patch/{id}")).await;
    assert_eq!(p.status, 200);
    assert_contract("merge", "engagements.meta_patch.response.json", &p.json);
    assert_eq!(
        p.json["request_schema"]["properties"]["model"]["required"],
        json!([])
    );
}

#[tokio::test]
async fn remote_field_classes_list_and_filter() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let all = m.get("/engagements/remote-field-classes").await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_contract(
        "merge",
        "engagements.remote_field_classes.response.json",
        &all.json,
    );
    let n = all.json["results"].as_array().unwrap().len();
    let custom = m
        .get("/engagements/remote-field-classes?is_custom=true")
        .await;
    let custom = custom.json["results"].as_array().unwrap().clone();
    assert!(!custom.is_empty() && custom.len() < n);
    assert!(custom.iter().all(|c| c["is_custom"] == true));
    snapshot!("merge_remote_field_class", &all.json["results"][0]);
}

/// The records an engagement refers to: engagement types (activity types CALL/MEETING/EMAIL per
/// merge.md), users, accounts and contacts; seeded, listed, retrieved and expanded.
#[tokio::test]
async fn reference_records_list_retrieve_and_expand() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let mut firsts = Vec::new();
    for resource in ["engagement_types", "users", "accounts", "contacts"] {
        let path = format!("/{}", resource.replace('_', "-"));
        let list = m.get(&path).await;
        assert_eq!(list.status, 200, "{resource}: {}", list.text);
        assert_contract(
            "merge",
            &format!("{resource}.list.response.json"),
            &list.json,
        );
        let first = list.json["results"][0].clone();
        let id = first["id"].as_str().unwrap();
        let one = m.get(&format!("{path}/{id}")).await;
        assert_eq!(one.json, first);
        assert_contract(
            "merge",
            &format!("{resource}.retrieve.response.json"),
            &one.json,
        );
        firsts.push(first);
    }
    let types: Vec<Value> = m.get("/engagement-types").await.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["activity_type"].clone())
        .collect();
    assert_eq!(types, vec![json!("CALL"), json!("MEETING"), json!("EMAIL")]);

    let [etype, user, account, contact] = &firsts[..] else {
        unreachable!()
    };
    let created = m
        .create(json!({
            "engagement_type": etype["id"], "owner": user["id"], "account": account["id"],
            "contacts": [contact["id"], "0b6f6c2e-8a53-4d7a-9b0e-1d2c3b4a5f60"],
        }))
        .await;
    let id = created.json["model"]["id"].as_str().unwrap();
    let a = m
        .get(&format!(
            "/engagements/{id}?expand=owner,account&expand=contacts,engagement_type"
        ))
        .await;
    assert_contract("merge", "engagements.retrieve.response.json", &a.json);
    assert_eq!(&a.json["owner"], user);
    assert_eq!(&a.json["account"], account);
    assert_eq!(&a.json["engagement_type"], etype);
    assert_eq!(&a.json["contacts"][0], contact);
    assert_eq!(
        a.json["contacts"][1],
        "0b6f6c2e-8a53-4d7a-9b0e-1d2c3b4a5f60"
    );
    snapshot!("merge_engagement_type", etype);

    let by_account = m
        .get(&format!(
            "/contacts?account_id={}",
            contact["account"].as_str().unwrap()
        ))
        .await;
    assert!(by_account.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["account"] == contact["account"]));
}

/// merge.md "Query parameters": the list filters.
#[tokio::test]
async fn list_filters_by_dates_remote_id_and_account() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let first = m.post("/engagements", &bench_body()).await;
    s.sim.state().clock.advance(60_000);
    let mut later = typed_model("later");
    later["start_time"] = json!("2025-01-01T10:00:00Z");
    let second = m.create(later).await;
    let cut = second.json["model"]["created_at"]
        .as_str()
        .unwrap()
        .to_owned();
    let ids = |a: &Answer| -> Vec<String> {
        a.json["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let first_id = first.json["model"]["id"].as_str().unwrap().to_owned();
    let second_id = second.json["model"]["id"].as_str().unwrap().to_owned();
    let all = m.get("/engagements").await;
    assert_contract("merge", "engagements.list.response.json", &all.json);
    assert_eq!(
        ids(&all),
        vec![second_id.clone(), first_id.clone()],
        "newest first"
    );
    let before = m.get(&format!("/engagements?created_before={cut}")).await;
    assert_eq!(ids(&before), vec![first_id.clone()]);
    let started = m
        .get("/engagements?started_after=2024-12-31T00:00:00Z")
        .await;
    assert_eq!(ids(&started), vec![second_id.clone()]);
    let remote = first.json["model"]["remote_id"].as_str().unwrap();
    let by_remote = m.get(&format!("/engagements?remote_id={remote}")).await;
    assert_eq!(ids(&by_remote), vec![first_id.clone()]);
    let by_account = m
        .get("/engagements?account_id=025fa1c6-6000-430a-848e-aafacbadf4fe")
        .await;
    assert_eq!(ids(&by_account), vec![first_id]);

    let bad = m.get("/engagements?modified_after=yesterday").await;
    assert_eq!(bad.status, 400);
    assert_contract("merge", "error.response.json", &bad.json);
    assert_eq!(
        bad.json,
        json!({"modified_after": ["Enter a valid date/time."]})
    );
}

/// merge.md "Responses": cursor paging with opaque `next`/`previous`; `page_size` max 100.
#[tokio::test]
async fn paging_over_hundreds_of_records_has_no_gap_or_duplicate() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let mut created = Vec::new();
    for i in 0..230 {
        let a = m.create(typed_model(&format!("e{i}"))).await;
        assert_eq!(a.status, 201);
        created.push(a.json["model"]["id"].as_str().unwrap().to_owned());
    }
    let seen = m.all_ids(40).await;
    assert_eq!(seen.len(), 230);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), 230);
    created.reverse();
    assert_eq!(seen, created, "newest first, every record once");

    let big = m.get("/engagements?page_size=1000").await;
    assert_eq!(big.json["results"].as_array().unwrap().len(), 100);

    let p1 = m.get("/engagements?page_size=50").await;
    let next = p1.json["next"].as_str().unwrap();
    let p2 = m
        .get(&format!("/engagements?page_size=50&cursor={next}"))
        .await;
    let prev = p2.json["previous"].as_str().unwrap();
    let back = m
        .get(&format!("/engagements?page_size=50&cursor={prev}"))
        .await;
    assert_eq!(back.json["results"], p1.json["results"]);

    let invalid = m.get("/engagements?cursor=bogus").await;
    assert_eq!(invalid.status, 404);
    assert_eq!(invalid.json, json!({"detail": "Invalid cursor"}));
}

/// docs.merge.dev "Pagination": `page_size` defaults to 30, maximum 100.
#[tokio::test]
async fn page_size_defaults_to_30() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    for i in 0..31 {
        assert_eq!(m.create(typed_model(&format!("p{i}"))).await.status, 201);
    }
    let first = m.get("/engagements").await;
    assert_eq!(first.json["results"].as_array().unwrap().len(), 30);
    let cursor = first.json["next"].as_str().unwrap();
    let rest = m.get(&format!("/engagements?cursor={cursor}")).await;
    assert_eq!(rest.json["results"].as_array().unwrap().len(), 1);
    assert_eq!(rest.json["next"], Value::Null);
}

/// Reference records expand their own relations too (`owner`, `account`), as Merge's CRM
/// contact and account endpoints take `expand`.
#[tokio::test]
async fn reference_records_expand_owner_and_account() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let contact = m.get("/contacts?page_size=1").await.json["results"][0].clone();
    let id = contact["id"].as_str().unwrap();
    let a = m.get(&format!("/contacts/{id}?expand=account,owner")).await;
    assert_contract("merge", "contacts.retrieve.response.json", &a.json);
    assert_eq!(a.json["account"]["id"], contact["account"]);
    assert_eq!(a.json["owner"]["id"], contact["owner"]);
    let accounts = m.get("/accounts?expand=owner").await;
    assert_contract("merge", "accounts.list.response.json", &accounts.json);
    assert!(accounts.json["results"][0]["owner"]["email"].is_string());
}
