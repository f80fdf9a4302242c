//! Siro's External API engagement sync under `/siro` (standing in for
//! `https://functions.siro.ai`): upsert by `externalId` with nested records, get, list, delete,
//! soft-delete-removed and a user's engagements; `Authorization: Bearer <organization API token>`;
//! `{error}` and ZodError bodies. Facts: `shared/vendors/siro.md`; doc: `docs/vendors/siro.md`.

mod errors;
pub mod ids;
mod rules;
mod state;
mod sync;

use std::sync::{Arc, RwLock};

use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value};

use crate::clock::seeded_rng;
use crate::store::TenantMap;
use crate::tenant::{Credential, Tenant};
use crate::vendor::{
    ApiError, Call, ErrorKindSpec, Operation, Problem, Reply, Vendor, VendorSettings,
};
use state::TenantData;

macro_rules! contract {
    ($file:literal) => {
        Some(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/contracts/siro/",
            $file
        )))
    };
}

/// Every path sits below Siro's spec server `…/api-externalApi` and its `/v1`.
static OPERATIONS: &[Operation] = &[
    Operation {
        id: "engagements.sync",
        method: Method::PUT,
        path: "/api-externalApi/v1/integrations/sync/engagements",
        request_schema: contract!("engagements.sync.request.json"),
        summary: "upsert one engagement by externalId, nested records too (200 {data})",
    },
    Operation {
        id: "engagements.sync_batch",
        method: Method::PUT,
        path: "/api-externalApi/v1/integrations/sync/batch/engagements",
        request_schema: contract!("engagements.sync_batch.request.json"),
        summary: "upsert an array of engagements, all or nothing (200 {data: [...]})",
    },
    Operation {
        id: "engagements.get",
        method: Method::GET,
        path: "/api-externalApi/v1/integrations/engagements/{id}",
        request_schema: None,
        summary: "get an engagement by internal id (200 bare object)",
    },
    Operation {
        id: "engagements.list",
        method: Method::GET,
        path: "/api-externalApi/v1/integrations/engagements",
        request_schema: contract!("engagements.list.request.json"),
        summary: "list engagements, cursor paged, externalId/recordingId filters",
    },
    Operation {
        id: "engagements.delete",
        method: Method::DELETE,
        path: "/api-externalApi/v1/integrations/engagements/{id}",
        request_schema: contract!("engagements.delete.request.json"),
        summary: "delete an engagement by internal or external id (200 true)",
    },
    Operation {
        id: "engagements.soft_delete_removed",
        method: Method::POST,
        path: "/api-externalApi/v1/integrations/sync/engagements/soft-delete-removed",
        request_schema: contract!("engagements.soft_delete_removed.request.json"),
        summary: "soft-delete engagements in a startTime window missing from a list",
    },
    Operation {
        id: "users.engagements",
        method: Method::GET,
        path: "/api-externalApi/v1/integrations/users/{id}/engagements",
        request_schema: contract!("users.engagements.request.json"),
        summary: "a user's engagements, latest first (200 bare array)",
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

pub struct Siro {
    settings: VendorSettings,
    tenants: TenantMap<RwLock<TenantData>>,
}

impl Siro {
    pub fn new(settings: VendorSettings) -> Siro {
        Siro {
            settings,
            tenants: TenantMap::default(),
        }
    }

    /// The tenant's state; its organization id and id source depend only on the seed and token.
    fn tenant(&self, tenant: &Tenant) -> Arc<RwLock<TenantData>> {
        self.tenants.get_or_init(tenant, || {
            let mut rng = seeded_rng(self.settings.seed, &["siro", &tenant.key]);
            let organization_id = ids::uuid(&mut rng);
            RwLock::new(TenantData::new(organization_id, rng))
        })
    }
}

impl Vendor for Siro {
    fn name(&self) -> &'static str {
        "siro"
    }

    fn operations(&self) -> &'static [Operation] {
        OPERATIONS
    }

    fn error_kinds(&self) -> &'static [ErrorKindSpec] {
        errors::KINDS
    }

    /// `Authorization: Bearer <organization API token>`; the token is the tenant.
    fn authenticate(&self, _op: &Operation, headers: &HeaderMap) -> Result<Credential, Problem> {
        crate::tenant::bearer_token(headers, false)
    }

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

    fn reject(&self, problem: Problem) -> ApiError {
        errors::reject(problem)
    }

    fn render_error(&self, error: &ApiError) -> Reply {
        errors::render(error)
    }

    fn handle(&self, call: &Call<'_>) -> Result<Reply, ApiError> {
        let tenant = self.tenant(call.tenant);
        // A handler never panics while holding the lock; if one did, its data is still whole
        // (a failed sync rolls back before it returns).
        let read = || tenant.read().unwrap_or_else(|p| p.into_inner());
        let write = || tenant.write().unwrap_or_else(|p| p.into_inner());
        match call.operation.id {
            "engagements.sync" => rules::sync_one(&mut write(), &self.settings, call),
            "engagements.sync_batch" => rules::sync_batch(&mut write(), &self.settings, call),
            "engagements.delete" => rules::delete(&mut write(), call),
            "engagements.soft_delete_removed" => rules::soft_delete_removed(&mut write(), call),
            "engagements.get" => rules::get(&read(), call),
            "engagements.list" => rules::list(&read(), call),
            "users.engagements" => rules::user_engagements(&read(), call),
            other => Err(ApiError::new(
                "not_found",
                format!("operation {other} is not served"),
            )),
        }
    }

    fn snapshot(&self) -> Value {
        let tenants: Vec<state::TenantSnapshot> = self
            .tenants
            .select(None)
            .iter()
            .map(|(key, t)| t.read().unwrap_or_else(|p| p.into_inner()).snapshot(key))
            .collect();
        serde_json::json!({ "tenants": tenants })
    }

    /// Replaces every tenant with the snapshot's; on any error the current state is kept.
    fn restore(&self, snapshot: Value) -> Result<(), String> {
        let Value::Object(mut doc) = snapshot else {
            return Err("the snapshot is not an object".into());
        };
        let tenants: Vec<state::TenantSnapshot> =
            serde_json::from_value(doc.remove("tenants").unwrap_or(Value::Null))
                .map_err(|e| format!("tenants: {e}"))?;
        let mut restored = Vec::with_capacity(tenants.len());
        for snap in tenants {
            let key = snap.key.clone();
            let seed = self.settings.seed;
            let data = TenantData::restore(snap, |generation| {
                seeded_rng(seed, &["siro", &key, "restore", &generation.to_string()])
            })
            .map_err(|e| format!("tenant {}: {e}", crate::tenant::fingerprint(&key)))?;
            restored.push((key, data));
        }
        self.tenants.reset(None);
        for (key, data) in restored {
            self.tenants.insert(&key, RwLock::new(data));
        }
        Ok(())
    }

    fn reset(&self, tenant: Option<&str>) {
        self.tenants.reset(tenant);
    }

    fn dump(&self, tenant: Option<&str>) -> Value {
        let mut out = Map::new();
        for (key, state) in self.tenants.select(tenant) {
            let data = state.read().unwrap_or_else(|p| p.into_inner());
            out.insert(crate::tenant::fingerprint(&key), data.dump());
        }
        Value::Object(out)
    }
}
