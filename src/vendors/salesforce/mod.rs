//! Salesforce under `/salesforce`: the Connect REST `engagement-interactions` resources of Service
//! Excellence (API 55.0 and up), the sObject read-back of the records they create and a small SOQL
//! `query`. Versioned paths, `Authorization: Bearer <session id>`, errors as a one-element JSON
//! array, 18-character case-checksummed ids, `Sforce-Limit-Info` on every answer and 403
//! `REQUEST_LIMIT_EXCEEDED` instead of 429. Facts: `shared/vendors/salesforce.md`.

mod errors;
pub mod ids;
mod query;
mod rules;
mod snapshot;
mod state;
mod xml;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::Serialize;
use serde_json::{json, Value};

use crate::store::TenantMap;
use crate::tenant::{Credential, Tenant};
use crate::vendor::{
    ApiError, Call, ErrorKindSpec, Operation, Problem, Reply, Vendor, VendorSettings,
};
use state::TenantData;

/// The engagement-interaction resources exist from this API version on.
pub const OLDEST_VERSION: u32 = 55;
/// The newest release: Spring '26 is v66.0 and each release adds one, so Winter '27 (out by
/// November 2026) is v68.0 (inferred from the release cadence).
pub const NEWEST_VERSION: u32 = 68;

/// The content type Salesforce answers with.
pub const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// The org's daily API allocation shown in `Sforce-Limit-Info` (a Developer Edition's 15,000).
const API_LIMIT: u64 = 15_000;

macro_rules! contract {
    ($file:literal) => {
        Some(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/contracts/salesforce/",
            $file
        )))
    };
}

const INTERACTIONS: &str =
    "/services/data/{version}/connect/service-excellence/engagement-interactions";
const INTERACTION: &str =
    "/services/data/{version}/connect/service-excellence/engagement-interactions/{id}";

pub(crate) static OPERATIONS: &[Operation] = &[
    Operation {
        id: "engagement_interactions.create",
        method: Method::POST,
        path: INTERACTIONS,
        request_schema: contract!("engagement_interactions.create.request.json"),
        summary: "create an interaction with its attendees and topics (201 ids + status)",
    },
    Operation {
        id: "engagement_interactions.get",
        method: Method::GET,
        path: INTERACTION,
        request_schema: None,
        summary: "fetch an interaction with its attendees and topics",
    },
    Operation {
        id: "engagement_interactions.delete",
        method: Method::DELETE,
        path: INTERACTION,
        request_schema: None,
        summary: "delete an interaction with its attendees and topics (204)",
    },
    Operation {
        id: "sobjects.get",
        method: Method::GET,
        path: "/services/data/{version}/sobjects/{sobject}/{id}",
        request_schema: None,
        summary: "read an EngagementInteraction, EngagementAttendee or EngagementTopic record",
    },
    Operation {
        id: "query.run",
        method: Method::GET,
        path: "/services/data/{version}/query",
        request_schema: None,
        summary: "run a SOQL SELECT over the engagement objects (?q=)",
    },
    Operation {
        id: "query.run",
        method: Method::GET,
        path: "/services/data/{version}/query/",
        request_schema: None,
        summary: "run a SOQL SELECT (trailing-slash form simple-salesforce sends)",
    },
    Operation {
        id: "query.more",
        method: Method::GET,
        path: "/services/data/{version}/query/{locator}",
        request_schema: None,
        summary: "the next page of a query (nextRecordsUrl)",
    },
];

struct TenantState {
    data: RwLock<TenantData>,
    api_usage: AtomicU64,
}

pub struct Salesforce {
    settings: VendorSettings,
    tenants: TenantMap<TenantState>,
}

impl Salesforce {
    pub fn new(settings: VendorSettings) -> Salesforce {
        Salesforce {
            settings,
            tenants: TenantMap::default(),
        }
    }

    fn tenant(&self, tenant: &Tenant) -> Arc<TenantState> {
        self.tenants.get_or_init(tenant, || TenantState {
            data: RwLock::new(TenantData::new(&self.settings, &tenant.key)),
            api_usage: AtomicU64::new(0),
        })
    }
}

/// A JSON answer with Salesforce's content type, serialised once.
pub fn json_reply(status: StatusCode, body: &impl Serialize) -> Reply {
    let mut reply = Reply::json(status, body);
    reply
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    reply
}

impl Vendor for Salesforce {
    fn name(&self) -> &'static str {
        "salesforce"
    }

    fn operations(&self) -> &'static [Operation] {
        OPERATIONS
    }

    fn error_kinds(&self) -> &'static [ErrorKindSpec] {
        errors::KINDS
    }

    /// `Authorization: Bearer <session id>` (the legacy `OAuth <token>` scheme reads the same).
    fn authenticate(&self, _op: &Operation, headers: &HeaderMap) -> Result<Credential, Problem> {
        let value = headers
            .get(header::AUTHORIZATION)
            .ok_or(Problem::MissingCredential)?;
        let text = value
            .to_str()
            .map_err(|_| {
                Problem::MalformedCredential("the Authorization header is not text".into())
            })?
            .trim();
        match text.split_once(' ') {
            Some((scheme, token))
                if scheme.eq_ignore_ascii_case("bearer")
                    || scheme.eq_ignore_ascii_case("oauth") =>
            {
                let token = token.trim();
                if token.is_empty() {
                    Err(Problem::MissingCredential)
                } else {
                    Ok(Credential(token.to_owned()))
                }
            }
            _ if text.is_empty()
                || text.eq_ignore_ascii_case("bearer")
                || text.eq_ignore_ascii_case("oauth") =>
            {
                Err(Problem::MissingCredential)
            }
            _ => Err(Problem::MalformedCredential(
                "expected 'Bearer <session id>'".into(),
            )),
        }
    }

    /// A `{version}` outside 55.0 to the newest release is a path Salesforce does not serve: 404
    /// before credentials and body are looked at, like any unknown path.
    fn check_params(&self, op: &Operation, params: &[(String, String)]) -> Result<(), Problem> {
        let version = params.iter().find(|(k, _)| k == "version").map(|(_, v)| v);
        match version {
            Some(v) if rules::parse_version(v).is_none() => Err(Problem::UnknownPath {
                method: op.method.to_string(),
                path: format!("API version {v}"),
            }),
            _ => Ok(()),
        }
    }

    /// XML bodies (`application/xml`, `text/xml`) are read as Connect REST reads them; see `xml`.
    fn parse_body(
        &self,
        op: &Operation,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Option<Result<Value, Problem>> {
        let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
        let essence = content_type.split(';').next()?.trim().to_ascii_lowercase();
        if op.request_schema.is_none() || !(essence == "application/xml" || essence == "text/xml") {
            return None;
        }
        Some(
            xml::parse(body)
                .map(|root| xml::container(&root))
                .map_err(|e| Problem::MalformedJson {
                    line: e.line,
                    column: e.column,
                    detail: format!("XML: {}", e.detail),
                }),
        )
    }

    fn reject(&self, problem: Problem) -> ApiError {
        errors::reject(problem)
    }

    fn render_error(&self, error: &ApiError) -> Reply {
        errors::render(error)
    }

    fn handle(&self, call: &Call<'_>) -> Result<Reply, ApiError> {
        let version = rules::version(call)?;
        let tenant = self.tenant(call.tenant);
        // A handler never panics while holding the lock; if one did, its data is still whole.
        let read = || tenant.data.read().unwrap_or_else(|p| p.into_inner());
        let write = || tenant.data.write().unwrap_or_else(|p| p.into_inner());
        match call.operation.id {
            "engagement_interactions.create" => {
                rules::create(&mut write(), call, version, &self.settings)
            }
            "engagement_interactions.get" => rules::get(&read(), call, version),
            "engagement_interactions.delete" => rules::delete(&mut write(), call),
            "sobjects.get" => rules::sobject_get(&read(), call, version),
            "query.run" => query::query(&mut write(), call, version),
            "query.more" => query::more(&read(), call, version),
            _ => Err(errors::not_found()),
        }
    }

    /// `Sforce-Limit-Info: api-usage=N/M`, N counting this tenant's calls.
    fn decorate(&self, tenant: &Tenant, reply: &mut Reply) {
        let used = self
            .tenant(tenant)
            .api_usage
            .fetch_add(1, Ordering::Relaxed)
            + 1;
        reply.set_header(
            HeaderName::from_static("sforce-limit-info"),
            format!("api-usage={used}/{API_LIMIT}"),
        );
    }

    fn reset(&self, tenant: Option<&str>) {
        self.tenants.reset(tenant);
    }

    fn dump(&self, tenant: Option<&str>) -> Value {
        self.tenants.dump(tenant, |state| {
            let data = state.data.read().unwrap_or_else(|p| p.into_inner());
            let records: Vec<&state::Record> = data.records.values().collect();
            json!({ "records": records })
        })
    }

    fn snapshot(&self) -> Value {
        let tenants: Vec<snapshot::TenantSnapshot> = self
            .tenants
            .select(None)
            .iter()
            .map(|(key, t)| {
                t.data
                    .read()
                    .unwrap_or_else(|p| p.into_inner())
                    .snapshot(key, t.api_usage.load(Ordering::Relaxed))
            })
            .collect();
        json!({ "tenants": tenants })
    }

    /// Every tenant is checked before any replaces the current state.
    fn restore(&self, snapshot: Value) -> Result<(), String> {
        let tenants: Vec<snapshot::TenantSnapshot> =
            serde_json::from_value(snapshot["tenants"].clone())
                .map_err(|e| format!("tenants: {e}"))?;
        let mut restored = Vec::with_capacity(tenants.len());
        for snap in tenants {
            let (key, usage) = (snap.key.clone(), snap.api_usage);
            let data = TenantData::restore(snap, &self.settings)
                .map_err(|e| format!("tenant {}: {e}", crate::tenant::fingerprint(&key)))?;
            restored.push((key, data, usage));
        }
        self.tenants.reset(None);
        for (key, data, usage) in restored {
            self.tenants.insert(
                &key,
                TenantState {
                    data: RwLock::new(data),
                    api_usage: AtomicU64::new(usage),
                },
            );
        }
        Ok(())
    }
}
