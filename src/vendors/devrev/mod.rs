//! DevRev's beta `engagements.*` API under `/devrev`: flat dotted RPC paths with GET (query) and
//! POST (JSON) forms, bearer or bare-token credentials, `{type, message}` errors, DON ids.
//! Facts: `shared/vendors/devrev.md`.

mod errors;
pub mod ids;
mod rules;
mod state;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::RwLock;

use axum::http::{HeaderMap, HeaderName, Method};
use fake::Fake;
use serde_json::{json, Map, Value};

use crate::clock::seeded_rng;
use crate::store::TenantMap;
use crate::tenant::{Credential, Tenant};
use crate::vendor::{
    ApiError, Call, ErrorKindSpec, Operation, Problem, Reply, Vendor, VendorSettings,
};
use state::{TenantData, UserSummary};

macro_rules! contract {
    ($file:literal) => {
        Some(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/contracts/devrev/",
            $file
        )))
    };
}

static OPERATIONS: &[Operation] = &[
    Operation {
        id: "engagements.create",
        method: Method::POST,
        path: "/engagements.create",
        request_schema: contract!("engagements.create.request.json"),
        summary: "create an engagement (201 {engagement})",
    },
    Operation {
        id: "engagements.get",
        method: Method::GET,
        path: "/engagements.get",
        request_schema: contract!("engagements.get.request.json"),
        summary: "get an engagement by id (query form)",
    },
    Operation {
        id: "engagements.get",
        method: Method::POST,
        path: "/engagements.get",
        request_schema: contract!("engagements.get.request.json"),
        summary: "get an engagement by id (body form)",
    },
    Operation {
        id: "engagements.list",
        method: Method::GET,
        path: "/engagements.list",
        request_schema: contract!("engagements.list.request.json"),
        summary: "list engagements, cursor paged (query form)",
    },
    Operation {
        id: "engagements.list",
        method: Method::POST,
        path: "/engagements.list",
        request_schema: contract!("engagements.list.request.json"),
        summary: "list engagements, cursor paged (body form)",
    },
    Operation {
        id: "engagements.update",
        method: Method::POST,
        path: "/engagements.update",
        request_schema: contract!("engagements.update.request.json"),
        summary: "update an engagement; collections through {set: [...]}",
    },
    Operation {
        id: "engagements.delete",
        method: Method::POST,
        path: "/engagements.delete",
        request_schema: contract!("engagements.delete.request.json"),
        summary: "delete an engagement (200 {})",
    },
    Operation {
        id: "engagements.count",
        method: Method::GET,
        path: "/engagements.count",
        request_schema: contract!("engagements.count.request.json"),
        summary: "count engagements matching filters (query form)",
    },
    Operation {
        id: "engagements.count",
        method: Method::POST,
        path: "/engagements.count",
        request_schema: contract!("engagements.count.request.json"),
        summary: "count engagements matching filters (body form)",
    },
];

/// DevRev's documented example limit; the window resets every five minutes.
const RATE_LIMIT: u64 = 1000;
const RATE_WINDOW_SECS: i64 = 300;

struct TenantState {
    data: RwLock<TenantData>,
    window_start: AtomicI64,
    window_calls: AtomicU64,
}

pub struct DevRev {
    seed: u64,
    settings: VendorSettings,
    tenants: TenantMap<TenantState>,
}

impl DevRev {
    pub fn new(settings: VendorSettings) -> DevRev {
        DevRev {
            seed: settings.seed,
            settings,
            tenants: TenantMap::default(),
        }
    }

    fn tenant(&self, tenant: &Tenant) -> std::sync::Arc<TenantState> {
        self.tenants.get_or_init(tenant, || TenantState {
            data: RwLock::new(TenantData::new(self.user_for(&tenant.key), &self.settings)),
            window_start: AtomicI64::new(0),
            window_calls: AtomicU64::new(0),
        })
    }

    /// The dev user a tenant's token belongs to: fake, but stable for the seed and token.
    fn user_for(&self, key: &str) -> UserSummary {
        let mut rng = seeded_rng(self.seed, &["devrev-user", key]);
        let first: String = fake::faker::name::en::FirstName().fake_with_rng(&mut rng);
        let last: String = fake::faker::name::en::LastName().fake_with_rng(&mut rng);
        let number: u32 = (1..10_000).fake_with_rng(&mut rng);
        let id = ids::ObjectId {
            kind: ids::Kind::DevUser,
            number: number.to_string(),
        };
        UserSummary {
            kind: "dev_user".to_owned(),
            id: id.don(),
            display_id: id.display(),
            display_name: format!("{}.{}", first.to_lowercase(), last.to_lowercase()),
            full_name: format!("{first} {last}"),
            email: format!(
                "{}.{}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            ),
            state: "active".to_owned(),
        }
    }
}

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

impl Vendor for DevRev {
    fn name(&self) -> &'static str {
        "devrev"
    }

    fn operations(&self) -> &'static [Operation] {
        OPERATIONS
    }

    fn error_kinds(&self) -> &'static [ErrorKindSpec] {
        errors::KINDS
    }

    /// `Authorization: Bearer <t>` and the bare `Authorization: <t>` the TypeScript SDK sends are
    /// the same tenant.
    fn authenticate(&self, _op: &Operation, headers: &HeaderMap) -> Result<Credential, Problem> {
        crate::tenant::bearer_token(headers, true)
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

    fn reject(&self, problem: Problem) -> ApiError {
        errors::reject(problem)
    }

    fn render_error(&self, error: &ApiError) -> Reply {
        errors::render(error)
    }

    fn handle(&self, call: &Call<'_>) -> Result<Reply, ApiError> {
        let tenant = self.tenant(call.tenant);
        // A handler never panics while holding the lock; if one did, its data is still whole.
        let read = || tenant.data.read().unwrap_or_else(|p| p.into_inner());
        let write = || tenant.data.write().unwrap_or_else(|p| p.into_inner());
        match call.operation.id {
            "engagements.create" => rules::create(&mut write(), call, &self.settings),
            "engagements.update" => rules::update(&mut write(), call),
            "engagements.delete" => rules::delete(&mut write(), call),
            "engagements.get" => rules::get(&read(), call),
            "engagements.list" => rules::list(&read(), call),
            "engagements.count" => rules::count(&read(), call),
            other => Err(ApiError::new(
                "not_found",
                format!("operation {other} is not served"),
            )),
        }
    }

    /// `X-Ratelimit-*` on every answer, counted per tenant over DevRev's five-minute window.
    fn decorate(&self, tenant: &Tenant, reply: &mut Reply) {
        let state = self.tenant(tenant);
        let now = chrono::Utc::now().timestamp();
        let start = state.window_start.load(Ordering::Relaxed);
        let start = if now - start >= RATE_WINDOW_SECS {
            state.window_start.store(now, Ordering::Relaxed);
            state.window_calls.store(0, Ordering::Relaxed);
            now
        } else {
            start
        };
        let used = state.window_calls.fetch_add(1, Ordering::Relaxed) + 1;
        reply.set_header(HeaderName::from_static("x-ratelimit-limit"), RATE_LIMIT);
        reply.set_header(
            HeaderName::from_static("x-ratelimit-remaining"),
            RATE_LIMIT.saturating_sub(used),
        );
        reply.set_header(
            HeaderName::from_static("x-ratelimit-reset"),
            start + RATE_WINDOW_SECS,
        );
    }

    fn reset(&self, tenant: Option<&str>) {
        self.tenants.reset(tenant);
    }

    fn dump(&self, tenant: Option<&str>) -> Value {
        self.tenants.dump(tenant, |state| {
            let data = state.data.read().unwrap_or_else(|p| p.into_inner());
            let engagements: Vec<&state::Engagement> = data.engagements.values().collect();
            json!({ "engagements": engagements })
        })
    }

    fn snapshot(&self) -> Value {
        let tenants: Vec<state::TenantSnapshot> = self
            .tenants
            .select(None)
            .iter()
            .map(|(key, t)| {
                t.data
                    .read()
                    .unwrap_or_else(|p| p.into_inner())
                    .snapshot(key)
            })
            .collect();
        json!({ "tenants": tenants })
    }

    fn restore(&self, snapshot: Value) -> Result<(), String> {
        let tenants: Vec<state::TenantSnapshot> =
            serde_json::from_value(snapshot["tenants"].clone())
                .map_err(|e| format!("tenants: {e}"))?;
        self.tenants.reset(None);
        for snap in tenants {
            let key = snap.key.clone();
            let data = TenantData::restore(snap, &self.settings)?;
            self.tenants.insert(
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
