//! Siro External API engagement sync: upsert bookkeeping, nested resolution, merges, batches,
//! queries, every error shape, races, tenant isolation and properties.
//! Facts: `shared/vendors/siro.md` (Siro's OpenAPI `openapi-externalApi.json` v1.0.0 and
//! docs.siro.ai); choices are documented in `docs/vendors/siro.md`.

mod errors;
mod fidelity;
mod lifecycle;
mod props;
mod queries;
mod races;
mod record_bytes;
mod scenarios;
mod upserts;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::support::{assert_contract, bearer, fresh_token, Answer, TestServer};

pub const BASE: &str = "/siro/api-externalApi/v1/integrations";
pub const SYNC: &str = "/siro/api-externalApi/v1/integrations/sync/engagements";
pub const BATCH: &str = "/siro/api-externalApi/v1/integrations/sync/batch/engagements";

/// A new tenant's (organization's) credential.
pub fn auth() -> String {
    bearer(&fresh_token("siro"))
}

/// A server whose clock is frozen, so timestamps move only when a test moves them.
pub async fn frozen_server() -> TestServer {
    let now = DateTime::parse_from_rfc3339("2026-11-20T09:00:00Z").expect("a date");
    TestServer::configured(|c| c.clock = Some(now.with_timezone(&Utc))).await
}

pub fn advance(s: &TestServer, ms: i64) {
    s.sim.state().clock.advance(ms);
}

/// Syncs one engagement, asserting 200 and the response contract; answers `data`.
pub async fn sync(s: &TestServer, auth: &str, body: &Value) -> Value {
    let a = s.put(SYNC, auth, body).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("siro", "engagements.sync.response.json", &a.json);
    a.json["data"].clone()
}

pub async fn get(s: &TestServer, auth: &str, id: &str) -> Answer {
    s.get(&format!("{BASE}/engagements/{id}"), auth).await
}

/// The `error` text of an answer ("" when it has none).
pub fn error_text(a: &Answer) -> &str {
    a.json["error"].as_str().unwrap_or_default()
}

/// Asserts an error answer: its status and Siro's envelope.
pub fn assert_error(a: &Answer, status: u16) {
    assert_eq!(a.status, status, "{}", a.text);
    assert_contract("siro", "error.response.json", &a.json);
}
