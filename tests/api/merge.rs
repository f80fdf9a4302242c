//! Merge CRM engagements under `/merge/api`: every operation, both credentials, the write
//! validation model (warnings, errors, problem types), debug logs, async writes, expand, filters,
//! cursor paging, tenant isolation and concurrency. Facts: `shared/vendors/merge.md`.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{assert_contract, fresh_token, Answer, TestServer};

const BASE: &str = "/merge/api/crm/v1";

/// The benchmark's create body (`shared/bench/merge-request.json`): references to ids the linked
/// account does not hold, and a top-level `remote_user_id` that engagements do not take.
pub fn bench_body() -> Value {
    json!({"model": {
        "owner": "a6b3ae2b-4d32-4f39-8f5c-0a1b2c3d4e5f",
        "content": "Meeting with Acme Corp to review Q3 renewal terms and next steps.",
        "subject": "Q3 renewal review call",
        "direction": "OUTBOUND",
        "engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "start_time": "2024-05-15T14:00:00Z",
        "end_time": "2024-05-15T14:45:00Z",
        "account": "025fa1c6-6000-430a-848e-aafacbadf4fe",
        "contacts": ["025fa1c6-6000-430a-848e-aafacbadf4fe", "3c3ad5a8-3f8b-4b1e-9f5e-1b2c3d4e5f60"],
        "remote_fields": [{"remote_field_class": "2fe0ee1d-4a39-4f3e-9c1a-7d7e5f6a7b8c", "value": "Renewal"}]
    }, "remote_user_id": "u-0001-2345"})
}

/// One linked account: an API key plus its own account token (the tenant).
struct Linked<'s> {
    s: &'s TestServer,
    auth: String,
    account: String,
}

impl<'s> Linked<'s> {
    fn new(s: &'s TestServer) -> Linked<'s> {
        Linked {
            s,
            auth: format!("Bearer {}", fresh_token("merge-key")),
            account: fresh_token("merge-account"),
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let headers = [
            ("Authorization", self.auth.as_str()),
            ("X-Account-Token", self.account.as_str()),
        ];
        self.s
            .request(method, &format!("{BASE}{path}"), &headers, body)
            .await
    }

    async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    async fn create(&self, model: Value) -> Answer {
        self.call(
            Method::POST,
            "/engagements",
            Some(&json!({ "model": model })),
        )
        .await
    }

    async fn patch(&self, id: &str, model: Value) -> Answer {
        self.call(
            Method::PATCH,
            &format!("/engagements/{id}"),
            Some(&json!({ "model": model })),
        )
        .await
    }

    /// Every engagement id the list shows, following `next` cursors.
    async fn all_ids(&self, page_size: usize) -> Vec<String> {
        let mut ids = Vec::new();
        let mut path = format!("/engagements?page_size={page_size}");
        loop {
            let a = self.get(&path).await;
            assert_eq!(a.status, 200, "{}", a.text);
            for e in a.json["results"].as_array().unwrap() {
                ids.push(e["id"].as_str().unwrap().to_owned());
            }
            match a.json["next"].as_str() {
                Some(c) => path = format!("/engagements?page_size={page_size}&cursor={c}"),
                None => return ids,
            }
        }
    }
}

fn typed_model(subject: &str) -> Value {
    json!({"subject": subject, "engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"})
}

/// Redactions for the fields Merge generates (ids, remote ids, dates).
macro_rules! snapshot {
    ($name:literal, $value:expr) => {
        insta::assert_json_snapshot!($name, $value, {
            ".**.id" => "[id]",
            ".**.remote_id" => "[remote_id]",
            ".**.created_at" => "[date]",
            ".**.modified_at" => "[date]",
            ".**.log_id" => "[id]",
            ".**.dashboard_view" => "[url]",
        })
    };
}

// Create ---------------------------------------------------------------------------------------

/// merge.md "Create / PATCH request": unknown referenced ids are stored as sent (simulator
/// decision: Merge does not document checking references before the third-party write).
#[tokio::test]
async fn bench_create_answers_201_keeping_unknown_references_as_sent() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let body = bench_body();
    let a = m.call(Method::POST, "/engagements", Some(&body)).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("merge", "engagements.create.response.json", &a.json);
    let model = &a.json["model"];
    for field in [
        "owner",
        "engagement_type",
        "account",
        "contacts",
        "subject",
        "start_time",
    ] {
        assert_eq!(model[field], body["model"][field], "{field}");
    }
    assert_eq!(a.json["warnings"], json!([]));
    assert_eq!(a.json["errors"], json!([]));
    assert!(a.json.get("logs").is_none(), "logs only in debug mode");
    assert_eq!(model["remote_fields"], body["model"]["remote_fields"]);
    snapshot!("merge_create_201", &a.json);
}

/// merge.md "Responses": `created_at` = `modified_at` at creation; ids are UUIDs.
#[tokio::test]
async fn created_engagement_has_a_uuid_a_remote_id_and_equal_dates() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let a = m.create(typed_model("hello")).await;
    assert_eq!(a.status, 201, "{}", a.text);
    let e = &a.json["model"];
    assert!(uuid::Uuid::parse_str(e["id"].as_str().unwrap()).is_ok());
    assert!(e["remote_id"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(e["created_at"], e["modified_at"]);
    assert_eq!(e["remote_was_deleted"], false);
    assert_eq!(
        e["field_mappings"],
        json!({"organization_defined_targets": {}, "linked_account_defined_targets": {}})
    );
}

/// merge.md "Errors and warnings": unknown keys → 201 plus one `UNRECOGNIZED_FIELD` per key.
#[tokio::test]
async fn unknown_model_keys_are_ignored_with_one_unrecognized_field_warning_each() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let mut model = typed_model("x");
    model["custom_fields"] = json!({"a": 1});
    model["mood"] = json!("happy");
    let a = m.create(model).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("merge", "engagements.create.response.json", &a.json);
    let warnings = a.json["warnings"].as_array().unwrap();
    let pointers: HashSet<&str> = warnings
        .iter()
        .map(|w| w["source"]["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        HashSet::from(["/model/custom_fields", "/model/mood"])
    );
    assert!(warnings
        .iter()
        .all(|w| w["problem_type"] == "UNRECOGNIZED_FIELD" && w["title"] == "Unrecognized Field"));
    assert!(a.json["model"].get("mood").is_none());
    snapshot!("merge_create_unrecognized_field", &a.json["warnings"]);
}

/// merge.md: leaving out a field meta/post requires → 400 `MISSING_REQUIRED_FIELD`, nothing stored.
#[tokio::test]
async fn missing_required_field_is_400_and_stores_nothing() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let a = m.create(json!({"subject": "no type"})).await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert_contract("merge", "error.response.json", &a.json);
    let error = &a.json["errors"][0];
    assert_eq!(error["problem_type"], "MISSING_REQUIRED_FIELD");
    assert_eq!(error["title"], "Missing Required Field");
    assert_eq!(error["source"]["pointer"], "/model/engagement_type");
    snapshot!("merge_create_missing_required", &a.json);

    let none = m.call(Method::POST, "/engagements", Some(&json!({}))).await;
    assert_eq!(none.status, 400);
    assert_eq!(none.json["errors"][0]["source"]["pointer"], "/model");

    let list = m.get("/engagements").await;
    assert_eq!(list.json["results"], json!([]));
}

/// merge.md "Errors and warnings": wrong types and formats → `INCORRECT_FIELD_TYPE`, a value
/// outside the choices → `INVALID_FIELD_CHOICE`; each points at the field.
#[tokio::test]
async fn wrong_types_and_formats_name_their_problem_type_and_pointer() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let cases = [
        (
            "subject",
            json!(5),
            "INCORRECT_FIELD_TYPE",
            "/model/subject",
        ),
        (
            "owner",
            json!("not-a-uuid"),
            "INCORRECT_FIELD_TYPE",
            "/model/owner",
        ),
        (
            "start_time",
            json!("tomorrow"),
            "INCORRECT_FIELD_TYPE",
            "/model/start_time",
        ),
        (
            "contacts",
            json!(["x"]),
            "INCORRECT_FIELD_TYPE",
            "/model/contacts/0",
        ),
        (
            "contacts",
            json!("a"),
            "INCORRECT_FIELD_TYPE",
            "/model/contacts",
        ),
        (
            "direction",
            json!("SIDEWAYS"),
            "INVALID_FIELD_CHOICE",
            "/model/direction",
        ),
        (
            "remote_fields",
            json!([{"value": 1}]),
            "MISSING_REQUIRED_FIELD",
            "/model/remote_fields/0/remote_field_class",
        ),
    ];
    for (field, value, problem, pointer) in cases {
        let mut model = typed_model("t");
        model[field] = value;
        let a = m.create(model).await;
        assert_eq!(a.status, 400, "{field}: {}", a.text);
        assert_contract("merge", "error.response.json", &a.json);
        assert_eq!(a.json["errors"][0]["problem_type"], problem, "{field}");
        assert_eq!(a.json["errors"][0]["source"]["pointer"], pointer, "{field}");
    }
    let not_object = m
        .call(Method::POST, "/engagements", Some(&json!({"model": []})))
        .await;
    assert_eq!(not_object.status, 400);
    assert_eq!(not_object.json["errors"][0]["source"]["pointer"], "/model");
    assert_eq!(m.get("/engagements").await.json["results"], json!([]));
}

/// merge.md "Query parameters": `is_debug_mode=true` adds `logs` shaped like `DebugModeLog`.
#[tokio::test]
async fn debug_mode_adds_logs_of_the_third_party_call() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let a = m
        .call(
            Method::POST,
            "/engagements?is_debug_mode=true",
            Some(&json!({"model": typed_model("dbg")})),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_contract("merge", "engagements.create.response.json", &a.json);
    let log = &a.json["logs"][0];
    assert_eq!(log["log_summary"]["method"], "POST");
    assert_eq!(log["log_summary"]["status_code"], 201);
    snapshot!("merge_create_debug_logs", &a.json["logs"]);
}

/// `run_async=true` (merge.md: async response shape not documented; simulator decision): the
/// answer comes before the third party assigned `remote_id`; later reads show it.
#[tokio::test]
async fn run_async_answers_before_the_remote_id_exists() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let a = m
        .call(
            Method::POST,
            "/engagements?run_async=true",
            Some(&json!({"model": typed_model("later")})),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.json["model"]["remote_id"], Value::Null);
    let id = a.json["model"]["id"].as_str().unwrap();
    let r = m.get(&format!("/engagements/{id}")).await;
    assert!(r.json["remote_id"].is_string());
}

// Read -----------------------------------------------------------------------------------------

#[tokio::test]
async fn retrieve_answers_the_bare_engagement() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let created = m
        .call(Method::POST, "/engagements", Some(&bench_body()))
        .await;
    let id = created.json["model"]["id"].as_str().unwrap();
    let a = m.get(&format!("/engagements/{id}")).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("merge", "engagements.retrieve.response.json", &a.json);
    assert_eq!(a.json["id"], id);
    assert_eq!(a.json["remote_data"], Value::Null);
    assert!(a.json.get("remote_fields").is_none());
    snapshot!("merge_retrieve_200", &a.json);

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
        bench_body()["model"]["remote_fields"]
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
    let created = m
        .call(Method::POST, "/engagements", Some(&bench_body()))
        .await;
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
    assert_eq!(after["content"], Value::Null);
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
    assert!(p.json["request_schema"]["properties"]["model"]
        .get("required")
        .is_none());
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
    let first = m
        .call(Method::POST, "/engagements", Some(&bench_body()))
        .await;
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

// Credentials and framework errors ---------------------------------------------------------------

/// merge.md "Authentication": both headers are required; the account-token sentence is the one
/// observed in merge-python-client issue #5.
#[tokio::test]
async fn each_missing_credential_gets_merges_401() {
    let s = TestServer::start().await;
    let path = format!("{BASE}/engagements");
    let no_account = s.get(&path, "Bearer key").await;
    assert_eq!(no_account.status, 401);
    assert_eq!(
        no_account.json,
        json!({"detail": "Account Token must be passed in as an X-Account-Token header."})
    );
    let no_key = s
        .request(Method::GET, &path, &[("X-Account-Token", "acct")], None)
        .await;
    assert_eq!(no_key.status, 401);
    assert_eq!(
        no_key.json,
        json!({"detail": "Authentication credentials were not provided."})
    );
    let basic = s
        .request(
            Method::GET,
            &path,
            &[("Authorization", "Basic abc"), ("X-Account-Token", "acct")],
            None,
        )
        .await;
    assert_eq!(basic.status, 401);
    let empty = s
        .request(
            Method::GET,
            &path,
            &[("Authorization", "Bearer key"), ("X-Account-Token", " ")],
            None,
        )
        .await;
    assert_eq!(empty.status, 401);
    for a in [&no_account, &no_key, &basic, &empty] {
        assert_contract("merge", "error.response.json", &a.json);
    }
    snapshot!("merge_401_no_account_token", &no_account.json);
}

#[tokio::test]
async fn malformed_bodies_and_paths_answer_in_merges_envelope() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let headers = [
        ("Authorization", m.auth.as_str()),
        ("X-Account-Token", m.account.as_str()),
    ];
    let url = s.url(&format!("{BASE}/engagements"));
    let send = |ct: &'static str, body: String| {
        let mut req = s.http.post(url.clone()).header("Content-Type", ct);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        s.send(req.body(body))
    };
    let broken = send("application/json", "{\"model\": ".into()).await;
    assert_eq!(broken.status, 400);
    assert!(broken.json["detail"]
        .as_str()
        .unwrap()
        .starts_with("JSON parse error"));
    let text = send("text/plain", "{}".into()).await;
    assert_eq!(text.status, 415);
    let deep = send(
        "application/json",
        format!("{{\"model\":{}{}}}", "[".repeat(100), "]".repeat(100)),
    )
    .await;
    assert_eq!(deep.status, 400);
    let unknown = m.get("/nothing-here").await;
    assert_eq!(unknown.status, 404);
    let delete = m
        .call(
            Method::DELETE,
            "/engagements/0b6f6c2e-8a53-4d7a-9b0e-1d2c3b4a5f60",
            None,
        )
        .await;
    assert_eq!(delete.status, 405, "engagements have no DELETE (merge.md)");
    for a in [&broken, &text, &deep, &unknown, &delete] {
        assert_contract("merge", "error.response.json", &a.json);
    }
}

#[tokio::test]
async fn oversized_bodies_are_413_in_merges_envelope() {
    let s = TestServer::with_config(engagement_sim::Config {
        body_limit: 256,
        ..engagement_sim::Config::ephemeral()
    })
    .await;
    let m = Linked::new(&s);
    let a = m.create(json!({"content": "x".repeat(1000)})).await;
    assert_eq!(a.status, 413);
    assert_contract("merge", "error.response.json", &a.json);
}

/// Every error kind renders in Merge's envelope with its status; every generic kind maps onto
/// one; 429 carries `Retry-After` (merge.md "Rate limiting": both SDKs honour it).
#[tokio::test]
async fn every_error_kind_renders_in_a_merge_envelope() {
    let vendors = engagement_sim::vendors::registry(0);
    let merge = vendors
        .iter()
        .find(|v| v.name() == "merge")
        .unwrap()
        .as_ref();
    for generic in engagement_sim::vendor::GenericKind::ALL {
        assert!(
            merge.find_kind(generic.name()).is_some(),
            "{}",
            generic.name()
        );
    }
    for kind in merge.error_kinds() {
        let reply = merge.render_error(&engagement_sim::vendor::ApiError::new(kind.name, ""));
        assert_eq!(reply.status, kind.status, "{}", kind.name);
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_contract("merge", "error.response.json", &body);
    }
    let throttled = merge.find_kind("rate_limited").unwrap();
    let reply = merge.render_error(
        &engagement_sim::vendor::ApiError::new(throttled.name, "").with("retry_after", 7),
    );
    assert_eq!(reply.status.as_u16(), 429);
    assert_eq!(reply.headers.get("retry-after").unwrap(), "7");
    let body: Value = serde_json::from_slice(&reply.body).unwrap();
    snapshot!("merge_429", &body);
}

// Tenants and concurrency ---------------------------------------------------------------------

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
    let same = Linked {
        s: &s,
        auth: "Bearer another-key".into(),
        account: a.account.clone(),
    };
    assert_eq!(same.get(&format!("/engagements/{id}")).await.status, 200);
}

#[tokio::test]
async fn fifty_concurrent_creates_get_distinct_ids_and_all_are_listed() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
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
        let s = TestServer::with_config(engagement_sim::Config {
            seed: 42,
            ..engagement_sim::Config::ephemeral()
        })
        .await;
        let m = Linked {
            s: &s,
            auth: "Bearer k".into(),
            account: "seeded-account".into(),
        };
        let a = m.create(typed_model("x")).await;
        let users = m.get("/users").await;
        ids.push((
            a.json["model"]["id"].clone(),
            users.json["results"][0]["id"].clone(),
        ));
    }
    assert_eq!(ids[0], ids[1]);
}
