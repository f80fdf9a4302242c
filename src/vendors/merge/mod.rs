//! Merge's CRM unified API under `/merge`, at Merge's own paths (`/merge/api/crm/v1/...`):
//! engagements (create, list, retrieve, partial update, write metadata, remote field classes) and
//! the read-only records an engagement refers to (users, accounts, contacts, engagement types).
//! Two credentials (`Authorization: Bearer <API key>` and `X-Account-Token`; the account token
//! is the tenant), UUID ids, Django REST framework envelopes and cursor paging, Merge's
//! `warnings`/`errors`/`logs` on writes. Facts: `shared/vendors/merge.md`.

mod errors;
pub mod ids;
mod listing;
mod rules;
mod saved;
mod seed;
mod state;
mod view;

use std::sync::{Arc, OnceLock, RwLock};

use axum::http::{header, HeaderMap, Method};
use serde_json::{json, Value};

use crate::clock::seeded_rng;
use crate::store::TenantMap;
use crate::tenant::{Credential, Tenant};
use crate::vendor::{
    ApiError, Call, ErrorKindSpec, Operation, Problem, Reply, Vendor, VendorSettings,
};
use seed::Refs;
use state::TenantData;
use view::Shape;

macro_rules! contract {
    ($file:literal) => {
        Some(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/contracts/merge/",
            $file
        )))
    };
}

const fn op(
    id: &'static str,
    method: Method,
    path: &'static str,
    request_schema: Option<&'static str>,
    summary: &'static str,
) -> Operation {
    Operation {
        id,
        method,
        path,
        request_schema,
        summary,
    }
}

static OPERATIONS: &[Operation] = &[
    op(
        "engagements.create",
        Method::POST,
        "/api/crm/v1/engagements",
        contract!("engagements.create.request.json"),
        "create an engagement (201 {model, warnings, errors, logs?})",
    ),
    op(
        "engagements.list",
        Method::GET,
        "/api/crm/v1/engagements",
        None,
        "list engagements, newest first, cursor paged, filtered",
    ),
    op(
        "engagements.meta_post",
        Method::GET,
        "/api/crm/v1/engagements/meta/post",
        None,
        "the request schema and status for engagement creates",
    ),
    op(
        "engagements.meta_patch",
        Method::GET,
        "/api/crm/v1/engagements/meta/patch/{id}",
        None,
        "the request schema and status for patching one engagement",
    ),
    op(
        "engagements.remote_field_classes",
        Method::GET,
        "/api/crm/v1/engagements/remote-field-classes",
        None,
        "the remote field classes of engagements, cursor paged",
    ),
    op(
        "engagements.retrieve",
        Method::GET,
        "/api/crm/v1/engagements/{id}",
        None,
        "one engagement by Merge id (bare object)",
    ),
    op(
        "engagements.partial_update",
        Method::PATCH,
        "/api/crm/v1/engagements/{id}",
        contract!("engagements.partial_update.request.json"),
        "change the given fields of an engagement (200 {model, warnings, errors})",
    ),
    op(
        "engagement_types.list",
        Method::GET,
        "/api/crm/v1/engagement-types",
        None,
        "list the linked account's engagement types",
    ),
    op(
        "engagement_types.retrieve",
        Method::GET,
        "/api/crm/v1/engagement-types/{id}",
        None,
        "one engagement type by Merge id",
    ),
    op(
        "users.list",
        Method::GET,
        "/api/crm/v1/users",
        None,
        "list the linked account's CRM users",
    ),
    op(
        "users.retrieve",
        Method::GET,
        "/api/crm/v1/users/{id}",
        None,
        "one CRM user by Merge id",
    ),
    op(
        "accounts.list",
        Method::GET,
        "/api/crm/v1/accounts",
        None,
        "list the linked account's CRM accounts",
    ),
    op(
        "accounts.retrieve",
        Method::GET,
        "/api/crm/v1/accounts/{id}",
        None,
        "one CRM account by Merge id",
    ),
    op(
        "contacts.list",
        Method::GET,
        "/api/crm/v1/contacts",
        None,
        "list the linked account's CRM contacts",
    ),
    op(
        "contacts.retrieve",
        Method::GET,
        "/api/crm/v1/contacts/{id}",
        None,
        "one CRM contact by Merge id",
    ),
];

/// The `MalformedCredential` reason that stands for a missing `X-Account-Token`, which the error
/// table renders with Merge's own sentence.
const NO_ACCOUNT_TOKEN: &str = "no X-Account-Token header";

/// One linked account: its records behind their own lock (writes are short and never wait on
/// I/O, so a std `RwLock` serves), and its reference records, built once on first read.
struct TenantState {
    data: RwLock<TenantData>,
    refs: OnceLock<Refs>,
}

pub struct Merge {
    seed: u64,
    settings: VendorSettings,
    tenants: TenantMap<TenantState>,
}

impl Merge {
    pub fn new(settings: VendorSettings) -> Merge {
        Merge {
            seed: settings.seed,
            settings,
            tenants: TenantMap::default(),
        }
    }

    fn tenant(&self, tenant: &Tenant) -> Arc<TenantState> {
        self.tenants.get_or_init(tenant, || TenantState {
            data: RwLock::new(TenantData::new(seeded_rng(
                self.seed,
                &["merge", &tenant.key],
            ))),
            refs: OnceLock::new(),
        })
    }

    fn refs<'a>(&self, state: &'a TenantState, tenant: &Tenant) -> &'a Refs {
        state.refs.get_or_init(|| Refs::new(self.seed, &tenant.key))
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, Problem> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim()).filter(|s| !s.is_empty()))
            .map_err(|_| Problem::MalformedCredential(format!("The {name} header is not text."))),
    }
}

impl Vendor for Merge {
    fn name(&self) -> &'static str {
        "merge"
    }

    fn operations(&self) -> &'static [Operation] {
        OPERATIONS
    }

    fn error_kinds(&self) -> &'static [ErrorKindSpec] {
        errors::KINDS
    }

    /// `Authorization: Bearer <API key>` first (Django REST framework's authentication), then the
    /// linked account's `X-Account-Token`, which names the tenant.
    fn authenticate(&self, _op: &Operation, headers: &HeaderMap) -> Result<Credential, Problem> {
        let auth = header_text(headers, header::AUTHORIZATION.as_str())?
            .ok_or(Problem::MissingCredential)?;
        match auth.split_once(' ') {
            Some((scheme, key))
                if scheme.eq_ignore_ascii_case("bearer") && !key.trim().is_empty() => {}
            Some((scheme, _)) if scheme.eq_ignore_ascii_case("bearer") => {
                return Err(Problem::MalformedCredential(
                    "No credentials provided.".into(),
                ))
            }
            None if auth.eq_ignore_ascii_case("bearer") => {
                return Err(Problem::MalformedCredential(
                    "No credentials provided.".into(),
                ))
            }
            _ => {
                return Err(Problem::MalformedCredential(
                    "Expected 'Bearer <API key>'.".into(),
                ))
            }
        }
        let account = header_text(headers, "x-account-token")?
            .ok_or_else(|| Problem::MalformedCredential(NO_ACCOUNT_TOKEN.into()))?;
        Ok(Credential(account.to_owned()))
    }

    fn reject(&self, problem: Problem) -> ApiError {
        match problem {
            Problem::MalformedCredential(why) if why == NO_ACCOUNT_TOKEN => {
                ApiError::new("missing_account_token", "")
            }
            other => errors::reject(other),
        }
    }

    fn render_error(&self, error: &ApiError) -> Reply {
        errors::render(error)
    }

    fn handle(&self, call: &Call<'_>) -> Result<Reply, ApiError> {
        let tenant = self.tenant(call.tenant);
        // A handler never panics while holding the lock; if one did, its data is still whole.
        let read = || tenant.data.read().unwrap_or_else(|p| p.into_inner());
        let write = || tenant.data.write().unwrap_or_else(|p| p.into_inner());
        let refs = || self.refs(&tenant, call.tenant);
        match call.operation.id {
            "engagements.create" => rules::create(&mut write(), &self.settings, call),
            "engagements.partial_update" => rules::partial_update(&mut write(), call),
            "engagements.retrieve" | "engagements.list" => {
                let expand = view::Expand::from_call(call);
                let refs = expand.any().then(refs);
                let shape = Shape::for_read(call, refs);
                if call.operation.id == "engagements.list" {
                    listing::engagements(&read(), call, &shape)
                } else {
                    rules::retrieve(&read(), call, &shape)
                }
            }
            "engagements.meta_post" => Ok(rules::meta(&rules::CREATE_SCHEMA, refs())),
            "engagements.meta_patch" => rules::meta_patch(&read(), call, refs()),
            "engagements.remote_field_classes" => {
                let wanted = |name: &str| match call.query_value(name) {
                    Some("true" | "True") => Some(true),
                    Some("false" | "False") => Some(false),
                    _ => None,
                };
                let (common, custom) = (wanted("is_common_model_field"), wanted("is_custom"));
                listing::catalog(&refs().remote_field_classes, refs(), call, |c| {
                    common.is_none_or(|w| c["is_common_model_field"] == w)
                        && custom.is_none_or(|w| c["is_custom"] == w)
                })
            }
            "engagement_types.list" => {
                listing::catalog(&refs().engagement_types, refs(), call, |_| true)
            }
            "engagement_types.retrieve" => {
                listing::catalog_item(&refs().engagement_types, refs(), call)
            }
            "users.list" => listing::catalog(&refs().users, refs(), call, |_| true),
            "users.retrieve" => listing::catalog_item(&refs().users, refs(), call),
            "accounts.list" => listing::catalog(&refs().accounts, refs(), call, |_| true),
            "accounts.retrieve" => listing::catalog_item(&refs().accounts, refs(), call),
            "contacts.list" => {
                let account = call.query_value("account_id").filter(|a| !a.is_empty());
                listing::catalog(&refs().contacts, refs(), call, |c| {
                    account.is_none_or(|a| c["account"] == a)
                })
            }
            "contacts.retrieve" => listing::catalog_item(&refs().contacts, refs(), call),
            _ => Err(ApiError::new("not_found", "Not found.")),
        }
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
        let tenants: Vec<saved::SavedTenant> = self
            .tenants
            .select(None)
            .iter()
            .map(|(key, t)| {
                let data = t.data.read().unwrap_or_else(|p| p.into_inner());
                saved::save(key, &data, t.refs.get())
            })
            .collect();
        json!({ "tenants": tenants })
    }

    fn restore(&self, snapshot: Value) -> Result<(), String> {
        let tenants: Vec<saved::SavedTenant> = serde_json::from_value(snapshot["tenants"].clone())
            .map_err(|e| format!("tenants: {e}"))?;
        let mut loaded = Vec::with_capacity(tenants.len());
        for snap in tenants {
            let key = snap.key.clone();
            let (data, refs) = saved::load(self.seed, snap)?;
            loaded.push((key, data, refs));
        }
        // Only a wholly readable snapshot replaces the state.
        self.tenants.reset(None);
        for (key, data, refs) in loaded {
            let cell = OnceLock::new();
            if let Some(refs) = refs {
                let _ = cell.set(refs);
            }
            self.tenants.insert(
                &key,
                TenantState {
                    data: RwLock::new(data),
                    refs: cell,
                },
            );
        }
        Ok(())
    }
}
