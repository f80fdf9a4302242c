//! The scenario engine through the admin API and the CLI: triggers, matchers, response forms,
//! faults, delays, rate limits, credential rules, lifecycle, and malformed documents.

mod faults;
mod lifecycle;
mod properties;
mod rules;
mod shipped;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{fresh_token, TestServer};

fn devrev_body() -> Value {
    json!({"title": "QBR", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})
}

async fn load(s: &TestServer, doc: &str) {
    let a = s
        .send(
            s.http
                .post(s.url("/__admin/scenarios"))
                .header("Content-Type", "application/yaml")
                .body(doc.to_owned()),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
}

async fn create(s: &TestServer, auth: &str) -> crate::support::Answer {
    s.post("/devrev/engagements.create", auth, &devrev_body())
        .await
}
