//! Salesforce as the core sees it: the operation table (one row per operation, each with its
//! handler), credentials, the `{version}` check, XML bodies, errors and `Sforce-Limit-Info`.

use std::sync::atomic::Ordering;

use axum::http::{header, HeaderMap, HeaderName, Method};
use serde_json::Value;

use super::reply::API_LIMIT;
use super::state::{Records, TenantData};
use super::{errors, handlers, login, rules, xml};
use crate::contract;
use crate::tenant::{Credential, Tenant};
use crate::vendor::{Endpoint, Operation, Problem, Reply, Served, Vendor};

const INTERACTIONS: &str =
    "/services/data/{version}/connect/service-excellence/engagement-interactions";
const INTERACTION: &str =
    "/services/data/{version}/connect/service-excellence/engagement-interactions/{id}";

const SOBJECT: &str = "/services/data/{version}/sobjects/{sobject}";
const SOBJECT_ID: &str = "/services/data/{version}/sobjects/{sobject}/{id}";

/// The operations that take no session: they are how a client gets one, or learn the versions.
const OPEN: &[&str] = &["versions.list", "oauth.token", "soap.login"];

/// The credential the open operations run under: no org's, so their calls count against none.
const NO_ORG: &str = "salesforce:no-session";

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
    Endpoint::new(
        "query.all",
        Method::GET,
        "/services/data/{version}/queryAll",
        None,
        "run a SOQL SELECT that also matches deleted records (IsDeleted true)",
        handlers::query_all,
    ),
    Endpoint::new(
        "query.all",
        Method::GET,
        "/services/data/{version}/queryAll/",
        None,
        "queryAll, trailing-slash form",
        handlers::query_all,
    ),
    Endpoint::new(
        "sobjects.create",
        Method::POST,
        SOBJECT,
        contract!("salesforce", "sobjects.create.request.json"),
        "create an engagement record through the sObject REST (201 {id, success, errors})",
        handlers::sobject_create,
    ),
    Endpoint::new(
        "sobjects.info",
        Method::GET,
        SOBJECT,
        None,
        "basic information of an engagement object and its recent records",
        handlers::sobject_info,
    ),
    Endpoint::new(
        "sobjects.describe",
        Method::GET,
        "/services/data/{version}/sobjects/{sobject}/describe",
        None,
        "describe an engagement object: its fields and urls",
        handlers::sobject_describe,
    ),
    Endpoint::new(
        "sobjects.update",
        Method::PATCH,
        SOBJECT_ID,
        contract!("salesforce", "sobjects.update.request.json"),
        "update fields of an engagement record (204)",
        handlers::sobject_update,
    ),
    Endpoint::new(
        "sobjects.delete",
        Method::DELETE,
        SOBJECT_ID,
        None,
        "delete an engagement record (204; an interaction takes its children along)",
        handlers::sobject_delete,
    ),
    Endpoint::new(
        "limits.get",
        Method::GET,
        "/services/data/{version}/limits",
        None,
        "the org's limits; DailyApiRequests follows Sforce-Limit-Info",
        handlers::limits,
    ),
    Endpoint::new(
        "versions.list",
        Method::GET,
        "/services/data",
        None,
        "the API versions served (no session needed)",
        handlers::versions,
    ),
    Endpoint::new(
        "versions.list",
        Method::GET,
        "/services/data/",
        None,
        "the API versions served, trailing-slash form clients send",
        handlers::versions,
    ),
    Endpoint::new(
        "oauth.token",
        Method::POST,
        "/services/oauth2/token",
        None,
        "OAuth 2.0 token: password, client_credentials and refresh_token grants (form-encoded)",
        handlers::oauth_token,
    ),
    Endpoint::new(
        "soap.login",
        Method::POST,
        "/services/Soap/u/{api}",
        None,
        "the SOAP partner API's login call (username, password)",
        handlers::soap_login,
    ),
];

/// Salesforce: every tenant's records, served through `TABLE`.
pub type Salesforce = Served<TenantData>;

impl Vendor for Served<TenantData> {
    crate::table_vendor!("salesforce", TABLE, errors::ERRORS, 0);

    /// `Authorization: Bearer <session id>` (the legacy `OAuth <token>` scheme reads the same).
    /// The version list and the login endpoints take none: they run under no org's credential.
    fn authenticate(&self, op: &Operation, headers: &HeaderMap) -> Result<Credential, Problem> {
        if OPEN.contains(&op.id) {
            return Ok(Credential(NO_ORG.to_owned()));
        }
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
        if let Some((_, api)) = params.iter().find(|(k, _)| k == "api") {
            if !login::soap_version_ok(api) {
                return Err(Problem::UnknownPath {
                    method: op.method.to_string(),
                    path: format!("SOAP API version {api}"),
                });
            }
        }
        let version = params.iter().find(|(k, _)| k == "version").map(|(_, v)| v);
        match version {
            Some(v) if rules::parse_version(v).is_none() => Err(Problem::UnknownPath {
                method: op.method.to_string(),
                path: format!("API version {v}"),
            }),
            _ => Ok(()),
        }
    }

    /// XML bodies (`application/xml`, `text/xml`) of the Connect create are read as Connect REST
    /// reads them; see `xml`. The token endpoint's form body becomes a JSON object of its fields;
    /// the SOAP envelope reaches `login` as text, so a bad one is answered with a SOAP fault.
    fn parse_body(
        &self,
        op: &Operation,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Option<Result<Value, Problem>> {
        match op.id {
            "oauth.token" => return Some(Ok(login::form(body))),
            "soap.login" => {
                return Some(Ok(Value::String(
                    String::from_utf8_lossy(body).into_owned(),
                )))
            }
            _ => {}
        }
        let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
        let essence = content_type.split(';').next()?.trim().to_ascii_lowercase();
        if op.id != "engagement_interactions.create"
            || !(essence == "application/xml" || essence == "text/xml")
        {
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
        if &*tenant.key == NO_ORG {
            return;
        }
        // An org with no state (one that has only read) is counted in the store's bounded call
        // windows over a day, so reads create no tenant.
        let used = match self.0.get(tenant) {
            Some(slot) => slot.read().api_usage.fetch_add(1, Ordering::Relaxed) + 1,
            None => self.0.count_call(tenant, 86_400).used,
        };
        reply.set_header(
            HeaderName::from_static("sforce-limit-info"),
            format!("api-usage={used}/{API_LIMIT}"),
        );
    }
}
