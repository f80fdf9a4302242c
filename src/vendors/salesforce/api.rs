//! Salesforce as the core sees it: the operation table (one row per operation, each with its
//! handler), credentials, the `{version}` check, XML bodies, errors and `Sforce-Limit-Info`.

use std::sync::atomic::Ordering;

use axum::http::{header, HeaderMap, HeaderName, Method};
use serde_json::Value;

use super::state::{Records, TenantData};
use super::{errors, handlers, rules, xml};
use crate::contract;
use crate::tenant::{Credential, Tenant};
use crate::vendor::{Endpoint, Operation, Problem, Reply, Served, Vendor};

/// The org's daily API allocation shown in `Sforce-Limit-Info` (a Developer Edition's 15,000).
const API_LIMIT: u64 = 15_000;

const INTERACTIONS: &str =
    "/services/data/{version}/connect/service-excellence/engagement-interactions";
const INTERACTION: &str =
    "/services/data/{version}/connect/service-excellence/engagement-interactions/{id}";

static TABLE: &[Endpoint<Records>] = &[
    Endpoint::new(
        "engagement_interactions.create",
        Method::POST,
        INTERACTIONS,
        contract!("salesforce", "engagement_interactions.create.request.json"),
        "create an interaction with its attendees and topics (201 ids + status)",
        handlers::create,
    ),
    Endpoint::new(
        "engagement_interactions.get",
        Method::GET,
        INTERACTION,
        None,
        "fetch an interaction with its attendees and topics",
        handlers::get,
    ),
    Endpoint::new(
        "engagement_interactions.delete",
        Method::DELETE,
        INTERACTION,
        None,
        "delete an interaction with its attendees and topics (204)",
        handlers::delete,
    ),
    Endpoint::new(
        "sobjects.get",
        Method::GET,
        "/services/data/{version}/sobjects/{sobject}/{id}",
        None,
        "read an EngagementInteraction, EngagementAttendee or EngagementTopic record",
        handlers::sobject_get,
    ),
    Endpoint::new(
        "query.run",
        Method::GET,
        "/services/data/{version}/query",
        None,
        "run a SOQL SELECT over the engagement objects (?q=)",
        handlers::query,
    ),
    Endpoint::new(
        "query.run",
        Method::GET,
        "/services/data/{version}/query/",
        None,
        "run a SOQL SELECT (trailing-slash form simple-salesforce sends)",
        handlers::query,
    ),
    Endpoint::new(
        "query.more",
        Method::GET,
        "/services/data/{version}/query/{locator}",
        None,
        "the next page of a query (nextRecordsUrl)",
        handlers::query_more,
    ),
];

/// Salesforce: every tenant's records, served through `TABLE`.
pub type Salesforce = Served<TenantData>;

impl Vendor for Served<TenantData> {
    crate::table_vendor!("salesforce", TABLE, errors::ERRORS, 0);

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

    /// `Sforce-Limit-Info: api-usage=N/M`, N counting this tenant's calls.
    fn decorate(&self, tenant: &Tenant, reply: &mut Reply) {
        let slot = self.0.tenant(tenant);
        let used = slot.read().api_usage.fetch_add(1, Ordering::Relaxed) + 1;
        reply.set_header(
            HeaderName::from_static("sforce-limit-info"),
            format!("api-usage={used}/{API_LIMIT}"),
        );
    }
}
