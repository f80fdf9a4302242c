//! Merge CRM engagements under `/merge/api`: every operation, both credentials, the write
//! validation model (warnings, errors, problem types), debug logs, async writes, expand, filters,
//! cursor paging, tenant isolation, concurrency and generated inputs. Facts:
//! `shared/vendors/merge.md`. Shared here: a linked-account client and the benchmark body.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{bearer, fresh_token, Answer, TestServer};

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

mod errors;
mod fidelity;
mod props;
mod reads;
mod record_bytes;
mod scenarios;
mod state;
mod tenants;
mod writes;

pub const BASE: &str = "/merge/api/crm/v1";

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
pub struct Linked<'s> {
    pub s: &'s TestServer,
    pub auth: String,
    pub account: String,
}

impl<'s> Linked<'s> {
    /// A new linked account: a fresh API key and account token.
    pub fn new(s: &'s TestServer) -> Linked<'s> {
        Linked::with(
            s,
            bearer(&fresh_token("merge-key")),
            fresh_token("merge-account"),
        )
    }

    /// The account `account` under the `Authorization` value `auth`.
    pub fn with(s: &'s TestServer, auth: String, account: String) -> Linked<'s> {
        Linked { s, auth, account }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let headers = [
            ("Authorization", self.auth.as_str()),
            ("X-Account-Token", self.account.as_str()),
        ];
        self.s
            .request(method, &format!("{BASE}{path}"), &headers, body)
            .await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn create(&self, model: Value) -> Answer {
        self.post("/engagements", &json!({ "model": model })).await
    }

    pub async fn patch(&self, id: &str, model: Value) -> Answer {
        self.call(
            Method::PATCH,
            &format!("/engagements/{id}"),
            Some(&json!({ "model": model })),
        )
        .await
    }

    /// Every engagement id the list shows, following `next` cursors.
    pub async fn all_ids(&self, page_size: usize) -> Vec<String> {
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

pub fn typed_model(subject: &str) -> Value {
    json!({"subject": subject, "engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"})
}
