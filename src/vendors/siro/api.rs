//! Siro as the core sees it: the operation table (one row per operation, each with its handler),
//! credentials, query parameters read as a body, and errors.

use axum::http::Method;
use serde_json::{Map, Value};

use super::state::{Records, TenantData};
use super::{errors, rules};
use crate::contract;
use crate::vendor::{Endpoint, Operation, Served, Vendor};

/// Every path sits below Siro's spec server `…/api-externalApi` and its `/v1`.
static TABLE: &[Endpoint<Records>] = &[
    Endpoint {
        operation: Operation {
            id: "engagements.sync",
            method: Method::PUT,
            path: "/api-externalApi/v1/integrations/sync/engagements",
            request_schema: contract!("siro", "engagements.sync.request.json"),
            summary: "upsert one engagement by externalId, nested records too (200 {data})",
        },
        handler: rules::sync_one,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.sync_batch",
            method: Method::PUT,
            path: "/api-externalApi/v1/integrations/sync/batch/engagements",
            request_schema: contract!("siro", "engagements.sync_batch.request.json"),
            summary: "upsert an array of engagements, all or nothing (200 {data: [...]})",
        },
        handler: rules::sync_batch,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.get",
            method: Method::GET,
            path: "/api-externalApi/v1/integrations/engagements/{id}",
            request_schema: None,
            summary: "get an engagement by internal id (200 bare object)",
        },
        handler: rules::get,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.list",
            method: Method::GET,
            path: "/api-externalApi/v1/integrations/engagements",
            request_schema: contract!("siro", "engagements.list.request.json"),
            summary: "list engagements, cursor paged, externalId/recordingId filters",
        },
        handler: rules::list,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.delete",
            method: Method::DELETE,
            path: "/api-externalApi/v1/integrations/engagements/{id}",
            request_schema: contract!("siro", "engagements.delete.request.json"),
            summary: "delete an engagement by internal or external id (200 true)",
        },
        handler: rules::delete,
    },
    Endpoint {
        operation: Operation {
            id: "engagements.soft_delete_removed",
            method: Method::POST,
            path: "/api-externalApi/v1/integrations/sync/engagements/soft-delete-removed",
            request_schema: contract!("siro", "engagements.soft_delete_removed.request.json"),
            summary: "soft-delete engagements in a startTime window missing from a list",
        },
        handler: rules::soft_delete_removed,
    },
    Endpoint {
        operation: Operation {
            id: "users.engagements",
            method: Method::GET,
            path: "/api-externalApi/v1/integrations/users/{id}/engagements",
            request_schema: contract!("siro", "users.engagements.request.json"),
            summary: "a user's engagements, latest first (200 bare array)",
        },
        handler: rules::user_engagements,
    },
];

/// Query parameters read into the JSON an operation's contract checks; numeric ones become
/// numbers when they parse.
const QUERY_FIELDS: &[(&str, bool)] = &[
    ("cursor", false),
    ("recordingId", false),
    ("externalId", false),
    ("limit", true),
    ("pageSize", true),
    ("idType", false),
    ("integrationPlatform", false),
    ("startingAfter", false),
    ("startingBefore", false),
];

/// Siro: every tenant's records, served through `TABLE`.
pub type Siro = Served<TenantData>;

impl Vendor for Served<TenantData> {
    crate::table_vendor!("siro", TABLE, errors::ERRORS, 0);

    fn query_body(&self, op: &Operation, query: &[(String, String)]) -> Option<Value> {
        op.request_schema?;
        let mut body = Map::new();
        for (name, value) in query {
            let Some(&(field, numeric)) = QUERY_FIELDS.iter().find(|(f, _)| f == name) else {
                continue;
            };
            let v = match value.parse::<f64>() {
                Ok(n) if numeric => serde_json::Number::from_f64(n)
                    .map_or_else(|| Value::String(value.clone()), Value::Number),
                _ => Value::String(value.clone()),
            };
            body.insert(field.to_owned(), v);
        }
        Some(Value::Object(body))
    }
}
