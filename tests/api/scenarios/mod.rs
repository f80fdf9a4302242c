//! The scenario engine through the admin API and the CLI: triggers, matchers, response forms,
//! faults, delays, rate limits, credential rules, lifecycle, and malformed documents.

mod faults;
mod lifecycle;
mod limits;
mod per_tenant;
mod properties;
mod rules;
mod shipped;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::devrev::{create_body as devrev_body, status_and_type};
use crate::support::scenario::{load, server_with, shipped};
use crate::support::{bearer, fresh_token, TestServer};

async fn create(s: &TestServer, auth: &str) -> crate::support::Answer {
    s.post("/devrev/engagements.create", auth, &devrev_body())
        .await
}
