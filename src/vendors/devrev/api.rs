//! DevRev as the core sees it: the operation table (one row per operation, each with its handler),
//! credentials, the GET forms' query read as a body, errors, and the rate-limit headers.

use axum::http::{HeaderMap, HeaderName, Method};
use serde_json::{Map, Value};

use super::state::{Records, TenantData};
use super::{errors, rules};
use crate::contract;
use crate::tenant::{Credential, Tenant};
use crate::vendor::{Endpoint, Operation, Problem, Reply, Served, Vendor};

/// One row per operation; the GET and POST forms of an operation are two rows.
static TABLE: &[Endpoint<Records>] = &[
    Endpoint {
        operation: Operation {
            id: "engagements.create",
            method: Method::POST,
            path: "/engagements.create",
            request_schema: contract!("devrev", "engagements.create.request.json"),
            summary: "create an engagement (201 {engagement})",
        },
        handler: rules::create,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.get",
            method: Method::GET,
            path: "/engagements.get",
            request_schema: contract!("devrev", "engagements.get.request.json"),
            summary: "get an engagement by id (query form)",
        },
        handler: rules::get,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.get",
            method: Method::POST,
            path: "/engagements.get",
            request_schema: contract!("devrev", "engagements.get.request.json"),
            summary: "get an engagement by id (body form)",
        },
        handler: rules::get,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.list",
            method: Method::GET,
            path: "/engagements.list",
            request_schema: contract!("devrev", "engagements.list.request.json"),
            summary: "list engagements, cursor paged (query form)",
        },
        handler: rules::list,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.list",
            method: Method::POST,
            path: "/engagements.list",
            request_schema: contract!("devrev", "engagements.list.request.json"),
            summary: "list engagements, cursor paged (body form)",
        },
        handler: rules::list,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.update",
            method: Method::POST,
            path: "/engagements.update",
            request_schema: contract!("devrev", "engagements.update.request.json"),
            summary: "update an engagement; collections through {set: [...]}",
        },
        handler: rules::update,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.delete",
            method: Method::POST,
            path: "/engagements.delete",
            request_schema: contract!("devrev", "engagements.delete.request.json"),
            summary: "delete an engagement (200 {})",
        },
        handler: rules::delete,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.count",
            method: Method::GET,
            path: "/engagements.count",
            request_schema: contract!("devrev", "engagements.count.request.json"),
            summary: "count engagements matching filters (query form)",
        },
        handler: rules::count,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.count",
            method: Method::POST,
            path: "/engagements.count",
            request_schema: contract!("devrev", "engagements.count.request.json"),
            summary: "count engagements matching filters (body form)",
        },
        handler: rules::count,
    },
    Endpoint {
        operation: Operation {
            id: "dev_users.self",
            method: Method::GET,
            path: "/dev-users.self",
            request_schema: None,
            summary: "the dev user the token belongs to ({dev_user})",
        },
        handler: rules::dev_users_self,
    },
    Endpoint {
        operation: Operation {
            id: "dev_users.self",
            method: Method::POST,
            path: "/dev-users.self",
            request_schema: contract!("devrev", "dev_users.self.request.json"),
            summary: "the dev user the token belongs to (body form, {})",
        },
        handler: rules::dev_users_self,
    },
];

/// DevRev's documented example limit; the window resets every five minutes.
const RATE_LIMIT: u64 = 1000;
const RATE_WINDOW_SECS: i64 = 300;

/// DevRev: every tenant's records, served through `TABLE`.
pub type DevRev = Served<TenantData>;

/// Query parameters DevRev's GET forms take, and whether each is an array.
const QUERY_FIELDS: &[(&str, bool)] = &[
    ("id", false),
    ("cursor", false),
    ("limit", false),
    ("mode", false),
    ("sort_by", true),
    ("type", true),
    ("members", true),
    ("parent", true),
    ("external_ref", true),
];

/// One query value of an array parameter: repeated, comma-joined, or comma-joined quoted items
/// (`members="DEVU-1","DEVU-2"`, as the official TypeScript SDK sends them).
fn split_array(value: &str) -> Vec<Value> {
    value
        .split(',')
        .map(|s| s.trim().trim_matches('"'))
        .filter(|s| !s.is_empty())
        .map(|s| Value::String(s.to_owned()))
        .collect()
}

impl Vendor for Served<TenantData> {
    crate::table_vendor!("devrev", TABLE, errors::ERRORS, 0);

    /// `Authorization: Bearer <t>` and the bare `Authorization: <t>` the TypeScript SDK sends are
    /// the same tenant.
    fn authenticate(&self, _op: &Operation, headers: &HeaderMap) -> Result<Credential, Problem> {
        crate::vendor::auth::bearer_token(headers, true)
    }

    fn query_body(&self, _op: &Operation, query: &[(String, String)]) -> Option<Value> {
        let mut body = Map::new();
        for (name, value) in query {
            let name = name.strip_suffix("[]").unwrap_or(name);
            let Some(&(field, is_array)) = QUERY_FIELDS.iter().find(|(f, _)| *f == name) else {
                continue;
            };
            if is_array {
                let list = body
                    .entry(field)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = list {
                    items.extend(split_array(value));
                }
            } else if field == "limit" {
                let v = value
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(value.clone()));
                body.insert(field.to_owned(), v);
            } else {
                body.insert(field.to_owned(), Value::String(value.clone()));
            }
        }
        Some(Value::Object(body))
    }

    /// `X-Ratelimit-*` on every answer, counted per tenant over DevRev's five-minute window.
    fn decorate(&self, tenant: &Tenant, reply: &mut Reply) {
        let counted = self.0.count_call(tenant, RATE_WINDOW_SECS);
        reply.set_header(HeaderName::from_static("x-ratelimit-limit"), RATE_LIMIT);
        reply.set_header(
            HeaderName::from_static("x-ratelimit-remaining"),
            RATE_LIMIT.saturating_sub(counted.used),
        );
        reply.set_header(
            HeaderName::from_static("x-ratelimit-reset"),
            counted.resets_at,
        );
    }
}
