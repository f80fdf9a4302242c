//! User stubs: the shipped stub files for calls the simulator has no built-in for (each written
//! then read back), templates, stored records, the pipeline around stubs (credentials, scenarios,
//! journal, tenants) and their precedence against built-ins.

mod pipeline;
mod reads;
mod record_bytes;
mod shipped;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::scenario::load;
use crate::support::{bearer, fresh_token, TestServer};

/// A stateful Siro `memos` collection (put, get, list), as `stubs:` entries: the documents that
/// test stored stub records start from it.
fn memo_stubs(name: &str, more: &str) -> String {
    format!(
        r#"name: {name}
stubs:
  - id: memos.put
    vendor: siro
    method: PUT
    path: /v1/memos/{{id}}
    store: {{ collection: memos, key: "{{{{path.id}}}}" }}
    body: "{{{{stored}}}}"
  - id: memos.get
    vendor: siro
    method: GET
    path: /v1/memos/{{id}}
    store: {{ collection: memos, key: "{{{{path.id}}}}" }}
    body: "{{{{stored}}}}"
  - id: memos.list
    vendor: siro
    method: GET
    path: /v1/memos
    store: {{ collection: memos }}
    body: {{ memos: "{{{{stored}}}}" }}
{more}"#
    )
}

/// A simulator with the repository's `stubs/` folder loaded through `--stubs`.
/// Stubs answer in shapes their authors write (the routes they add have no built-in contract),
/// so their answers are not checked against the built-in operations' contracts.
async fn with_shipped_stubs() -> TestServer {
    let s = TestServer::configured(|c| {
        c.stubs = vec![format!("{}/stubs", env!("CARGO_MANIFEST_DIR")).into()]
    })
    .await;
    s.raw_replies();
    s
}
