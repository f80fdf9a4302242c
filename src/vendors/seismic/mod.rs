//! Seismic's Digital Sales Rooms under `/seismic`: the REST DSR, link-delivery and reporting
//! endpoints, and the Seismic MCP server (`mcp.rs`) over the same per-tenant state. Bearer
//! credentials, `{statusCode, message}` errors, UUID ids, `X-Seismic-*-Calls` counters.
//! Facts: `shared/vendors/seismic.md` and `shared/vendors/seismic-mcp-tools.json`.

mod admin;
mod errors;
mod ids;
mod mcp;
mod rules;
mod saved;
mod state;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::http::{HeaderMap, HeaderName, Method};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::app::AppState;
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
            "/contracts/seismic/",
            $file
        )))
    };
}

/// The MCP endpoint below the prefix; every tool operation is served there.
pub const MCP_PATH: &str = "/mcp/v1";

static OPERATIONS: &[Operation] = &[
    Operation {
        id: "dsr.create",
        method: Method::POST,
        path: "/dsr/v1/dsrs",
        request_schema: contract!("dsr.create.request.json"),
        summary: "create a DSR from name, contents and settings (201, the room)",
    },
    Operation {
        id: "dsr.create",
        method: Method::POST,
        path: "/dsr/v1/dsrs/fromTemplate",
        request_schema: contract!("dsr.create.fromTemplate.request.json"),
        summary: "create a DSR exactly as a template defines it (201, the room)",
    },
    Operation {
        id: "dsr.get",
        method: Method::GET,
        path: "/dsr/v1/dsrs/{id}",
        request_schema: None,
        summary: "get a DSR with its contents, settings and creator",
    },
    Operation {
        id: "dsr.list",
        method: Method::GET,
        path: "/dsr/v1/dsrs",
        request_schema: contract!("dsr.list.request.json"),
        summary: "list the tenant's DSRs (limit, continuation)",
    },
    Operation {
        id: "deliveries.create",
        method: Method::POST,
        path: "/link-delivery/v1/deliveries",
        request_schema: contract!("deliveries.create.request.json"),
        summary: "record a link delivery made outside Seismic (201 {linkUrl})",
    },
    Operation {
        id: "templates.list",
        method: Method::GET,
        path: "/reporting/v2/digitalSalesRoomTemplates",
        request_schema: None,
        summary: "reporting: the tenant's DSR templates (JSON, or CSV by Accept)",
    },
    Operation {
        id: "tools.list_dsr_templates",
        method: Method::POST,
        path: MCP_PATH,
        request_schema: contract!("tools.list_dsr_templates.request.json"),
        summary: "MCP tool list_dsr_templates",
    },
    Operation {
        id: "dsr.create",
        method: Method::POST,
        path: MCP_PATH,
        request_schema: contract!("tools.create_dsr_engagement.request.json"),
        summary: "MCP tool create_dsr_engagement",
    },
    Operation {
        id: "tools.create_dsr_engagement_with_meeting_followup",
        method: Method::POST,
        path: MCP_PATH,
        request_schema: contract!("tools.create_dsr_engagement_with_meeting_followup.request.json"),
        summary: "MCP tool create_dsr_engagement_with_meeting_followup (draft room)",
    },
    Operation {
        id: "tools.add_content_to_dsr",
        method: Method::POST,
        path: MCP_PATH,
        request_schema: contract!("tools.add_content_to_dsr.request.json"),
        summary: "MCP tool add_content_to_dsr",
    },
    Operation {
        id: "tools.get_comments_from_dsr",
        method: Method::POST,
        path: MCP_PATH,
        request_schema: contract!("tools.get_comments_from_dsr.request.json"),
        summary: "MCP tool get_comments_from_dsr",
    },
    Operation {
        id: "tools.get_the_dsr_engagement_list",
        method: Method::POST,
        path: MCP_PATH,
        request_schema: contract!("tools.get_the_dsr_engagement_list.request.json"),
        summary: "MCP tool get_the_dsr_engagement_list",
    },
];

/// Tier 3 (every DSR call): 600 calls per tenant per 60-second window.
const RATE_LIMIT: u64 = 600;
const RATE_WINDOW_SECS: i64 = 60;

struct TenantState {
    data: RwLock<TenantData>,
    window_start: AtomicI64,
    window_calls: AtomicU64,
}

/// What the REST and MCP surfaces and the admin routes share.
struct Shared {
    settings: VendorSettings,
    tenants: TenantMap<TenantState>,
}

impl Shared {
    fn tenant(&self, tenant: &Tenant) -> Arc<TenantState> {
        self.tenants.get_or_init(tenant, || TenantState {
            data: RwLock::new(TenantData::seeded(self.settings, &tenant.key)),
            window_start: AtomicI64::new(0),
            window_calls: AtomicU64::new(0),
        })
    }
}

impl TenantState {
    // A handler never panics while holding the lock; if one did, its data is still whole.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, TenantData> {
        self.data.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, TenantData> {
        self.data.write().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct Seismic {
    shared: Arc<Shared>,
}

impl Seismic {
    pub fn new(settings: VendorSettings) -> Seismic {
        Seismic {
            shared: Arc::new(Shared {
                settings,
                tenants: TenantMap::default(),
            }),
        }
    }
}

/// Reads `Authorization: Bearer <token>` (Seismic's OAuth access tokens).
pub fn bearer(headers: &HeaderMap) -> Result<Credential, Problem> {
    crate::tenant::bearer_token(headers, false)
}

impl Vendor for Seismic {
    fn name(&self) -> &'static str {
        "seismic"
    }

    fn operations(&self) -> &'static [Operation] {
        OPERATIONS
    }

    fn error_kinds(&self) -> &'static [ErrorKindSpec] {
        errors::KINDS
    }

    fn authenticate(&self, _op: &Operation, headers: &HeaderMap) -> Result<Credential, Problem> {
        bearer(headers)
    }

    /// `GET /dsr/v1/dsrs?limit=&continuation=` read as the list contract's body.
    fn query_body(&self, op: &Operation, query: &[(String, String)]) -> Option<Value> {
        if op.id != "dsr.list" {
            return None;
        }
        let mut body = Map::new();
        for (name, value) in query {
            match name.as_str() {
                "limit" => {
                    let v = value
                        .parse::<i64>()
                        .map(Value::from)
                        .unwrap_or_else(|_| Value::String(value.clone()));
                    body.insert("limit".into(), v);
                }
                "continuation" => {
                    body.insert("continuation".into(), Value::String(value.clone()));
                }
                _ => {}
            }
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
        let tenant = self.shared.tenant(call.tenant);
        let op = call.operation;
        match (op.id, op.path) {
            ("dsr.create", "/dsr/v1/dsrs") => rules::create(&mut tenant.write(), call),
            ("dsr.create", MCP_PATH) => {
                rules::create_from_template(&mut tenant.write(), call, true)
            }
            ("dsr.create", _) => rules::create_from_template(&mut tenant.write(), call, false),
            ("dsr.get", _) => rules::get(&tenant.read(), call),
            ("dsr.list", _) => rules::list(&tenant.read(), call),
            ("deliveries.create", _) => rules::deliver(&mut tenant.write(), call),
            ("templates.list", _) => rules::report_templates(&tenant.read(), call),
            ("tools.list_dsr_templates", _) => rules::list_templates(&tenant.read()),
            ("tools.create_dsr_engagement_with_meeting_followup", _) => {
                rules::create_followup(&mut tenant.write(), call)
            }
            ("tools.add_content_to_dsr", _) => rules::add_content(&mut tenant.write(), call),
            ("tools.get_comments_from_dsr", _) => rules::comments(&tenant.read(), call),
            ("tools.get_the_dsr_engagement_list", _) => {
                rules::engagement_list(&tenant.read(), call)
            }
            (other, _) => Err(ApiError::new(
                "not_found",
                format!("operation {other} is not served"),
            )),
        }
    }

    /// `X-Seismic-Remaining-Calls` and `X-Seismic-Total-Calls` on every answer, counted per tenant
    /// over 60-second windows; a 429 also gets the documented `clientId` and `tenant`.
    fn decorate(&self, tenant: &Tenant, reply: &mut Reply) {
        let state = self.shared.tenant(tenant);
        let secs = chrono::Utc::now().timestamp();
        let start = state.window_start.load(Ordering::Relaxed);
        if secs - start >= RATE_WINDOW_SECS {
            state.window_start.store(secs, Ordering::Relaxed);
            state.window_calls.store(0, Ordering::Relaxed);
        }
        let used = state.window_calls.fetch_add(1, Ordering::Relaxed) + 1;
        reply.set_header(
            HeaderName::from_static("x-seismic-remaining-calls"),
            RATE_LIMIT.saturating_sub(used),
        );
        reply.set_header(HeaderName::from_static("x-seismic-total-calls"), used);
        if reply.status.as_u16() == 429 {
            if let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&reply.body) {
                if !body.contains_key("tenant") {
                    let secs = body["message"]
                        .as_str()
                        .and_then(|m| m.split_whitespace().find_map(|w| w.parse::<u64>().ok()))
                        .unwrap_or(60);
                    let error = ApiError::new("rate_limit_exceeded", "")
                        .with("retry_after", secs)
                        .with("clientId", self.client_id(tenant))
                        .with("tenant", state.read().slug.clone());
                    reply.body = errors::render(&error).body;
                }
            }
        }
    }

    fn routes(&self) -> Option<Router<Arc<AppState>>> {
        Some(mcp::routes())
    }

    fn admin_routes(&self) -> Option<Router<Arc<AppState>>> {
        Some(admin::routes(self.shared.clone()))
    }

    fn admin_endpoints(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        &[
            ("GET", "/templates?tenant=", "a tenant's DSR templates"),
            (
                "POST",
                "/templates?tenant=",
                "add or replace (by templateId) a tenant's DSR templates: [{templateId, title, contentVersionIds?, ...}]",
            ),
        ]
    }

    fn reset(&self, tenant: Option<&str>) {
        self.shared.tenants.reset(tenant);
    }

    fn dump(&self, tenant: Option<&str>) -> Value {
        let mut out = Map::new();
        for (key, state) in self.shared.tenants.select(tenant) {
            let data = state.read();
            let dsrs: Vec<&state::Dsr> = data.dsrs.values().collect();
            out.insert(
                crate::tenant::fingerprint(&key),
                json!({
                    "tenant": data.slug,
                    "user": data.user,
                    "templates": data.templates,
                    "contentVersions": data.contents,
                    "meetings": data.meetings,
                    "dsrs": dsrs,
                    "deliveries": data.deliveries,
                }),
            );
        }
        Value::Object(out)
    }

    /// `{"tenants": [...]}`: every tenant as [`saved::TenantSnapshot`].
    fn snapshot(&self) -> Value {
        let tenants: Vec<saved::TenantSnapshot> = self
            .shared
            .tenants
            .select(None)
            .iter()
            .map(|(key, t)| t.read().snapshot(key))
            .collect();
        json!({ "tenants": tenants })
    }

    fn restore(&self, snapshot: Value) -> Result<(), String> {
        let Some(list) = snapshot.get("tenants") else {
            return Err("the snapshot has no 'tenants' list".into());
        };
        let tenants: Vec<saved::TenantSnapshot> =
            serde_json::from_value(list.clone()).map_err(|e| format!("tenants: {e}"))?;
        let mut restored = Vec::with_capacity(tenants.len());
        for snap in tenants {
            let key = snap.key.clone();
            let data = TenantData::restore(snap, self.shared.settings)
                .map_err(|e| format!("tenant {}: {e}", crate::tenant::fingerprint(&key)))?;
            restored.push((key, data));
        }
        // Nothing is replaced unless every tenant restored.
        self.shared.tenants.reset(None);
        for (key, data) in restored {
            self.shared.tenants.insert(
                &key,
                TenantState {
                    data: RwLock::new(data),
                    window_start: AtomicI64::new(0),
                    window_calls: AtomicU64::new(0),
                },
            );
        }
        Ok(())
    }
}

impl Seismic {
    /// The OAuth client id a tenant's token was issued to: not known to the simulator, so a UUID
    /// stable for the seed and token.
    fn client_id(&self, tenant: &Tenant) -> String {
        ids::uuid(&mut seeded_rng(
            self.shared.settings.seed,
            &["seismic-client", &tenant.key],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::Tenants;

    #[test]
    fn a_429_gets_the_documented_client_id_and_tenant() {
        // seismic.md "Errors (REST)": {statusCode: 429, message: "... Try again in N seconds.",
        // clientId, tenant}.
        let seismic = Seismic::new(VendorSettings::new(0, 10_000, 0));
        let tenant = Tenants::default().resolve("token-429");
        let mut reply = seismic.render_error(&seismic.reject(Problem::RateLimited {
            retry_after_secs: 47,
            limit: 600,
            period_secs: 60,
        }));
        seismic.decorate(&tenant, &mut reply);
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(reply.status.as_u16(), 429);
        assert_eq!(
            body["message"],
            "Rate limit is exceeded. Try again in 47 seconds."
        );
        assert!(body["clientId"].as_str().is_some_and(|c| c.len() == 36));
        assert!(body["tenant"].as_str().is_some_and(|t| !t.is_empty()));
        assert_eq!(
            reply.headers["x-seismic-total-calls"].to_str().unwrap(),
            "1"
        );
    }
}
