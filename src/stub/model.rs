//! A stub as written in a scenario or stub file: one vendor's method and path template, and the
//! answer it gives (status, headers, a body template), optionally kept per tenant (`store`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One user stub (the `stubs:` list of a scenario document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stub {
    /// The stub's operation id: journal, log lines and scenario rules (`operation:`) name it.
    pub id: String,
    pub vendor: String,
    pub method: String,
    /// Below the vendor prefix, with `{params}` (`/services/data/{version}/sobjects/Account`).
    pub path: String,
    /// One line for the OpenAPI document and `operations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default = "default_status")]
    pub status: u16,
    /// Header name to a template.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// A JSON value whose strings are templates; absent: an empty body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<Store>,
}

fn default_status() -> u16 {
    200
}

/// What a stateful stub keeps: records of one collection of the calling tenant, by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    pub collection: String,
    /// A template naming the record (`{{id.uuid}}` on create, `{{path.id}}` on read). Without it
    /// a GET lists the collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// What the store step does: `put` (keep the record), `get` (read it back), `list`, `merge`
    /// (set fields on a kept record) or `delete`. By default: GET gets (lists without a key),
    /// PATCH merges, DELETE deletes, POST and PUT put. DevRev's POST reads say `action: get`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// What is kept (a template); the request body when absent (`{{body/model}}` keeps a part).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Value>,
    /// Top-level fields (templates) set on the kept record over the request body's.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub set: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Put,
    Get,
    List,
    Merge,
    Delete,
}
