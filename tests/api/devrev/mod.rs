//! DevRev `engagements.*`: every operation, every error type, ids, paging, the artifact rule,
//! tenant isolation and concurrency. Facts: `shared/vendors/devrev.md`. Shared here: the create
//! body and calls checked against each operation's contract.

mod errors;
mod fidelity;
mod lists_and_races;
mod operations;
mod properties;
mod record_bytes;
mod snapshots;

use serde_json::{json, Value};

use crate::support::{assert_contract, bearer, fresh_token, Answer, TestServer};

/// A create body with the required fields only.
pub fn create_body() -> Value {
    json!({"title": "QBR", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})
}

/// Posts and checks the answer against the operation's success or error contract.
async fn call(s: &TestServer, op: &str, auth: &str, body: &Value) -> Answer {
    let a = s.post(&format!("/devrev/{op}"), auth, body).await;
    check_contract(op, &a);
    a
}

fn check_contract(op: &str, a: &Answer) {
    if a.status >= 400 {
        assert_contract("devrev", "error.response.json", &a.json);
    } else {
        assert_contract("devrev", &format!("{op}.response.json"), &a.json);
    }
}

/// An answer as DevRev tells its error apart: the status and the error `type`.
pub fn status_and_type(a: &Answer) -> (u16, Option<&str>) {
    (a.status, a.json["type"].as_str())
}

/// The status, the error `type` and the `field_name` it names.
pub fn status_type_and_field(a: &Answer) -> (u16, Option<&str>, Option<&str>) {
    (
        a.status,
        a.json["type"].as_str(),
        a.json["field_name"].as_str(),
    )
}

async fn create(s: &TestServer, auth: &str, body: Value) -> Value {
    let a = call(s, "engagements.create", auth, &body).await;
    assert_eq!(a.status, 201, "{}", a.text);
    a.json["engagement"].clone()
}
