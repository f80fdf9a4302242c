//! Seismic as the core sees it: the operation table (one row per operation, each with its handler;
//! the MCP tools are rows at the MCP path), credentials, the list query, errors, the
//! `X-Seismic-*-Calls` counters, and the MCP and admin routes.

use std::sync::Arc;

use axum::http::{HeaderName, Method};
use axum::Router;
use serde_json::{Map, Value};

use super::mcp::{self, MCP_PATH};
use super::state::{Records, TenantData};
use super::{admin, errors, ids, rules};
use crate::clock::seeded_rng;
use crate::contract;
use crate::tenant::Tenant;
use crate::vendor::{ApiError, Endpoint, Gateway, Operation, Reply, Served, Vendor};

static TABLE: &[Endpoint<Records>] = &[
    Endpoint::new(
        "dsr.create",
        Method::POST,
        "/dsr/v1/dsrs",
        contract!("seismic", "dsr.create.request.json"),
        "create a DSR from name, contents and settings (201, the room)",
        rules::create,
    ),
    Endpoint::new(
        "dsr.create",
        Method::POST,
        "/dsr/v1/dsrs/fromTemplate",
        contract!("seismic", "dsr.create.fromTemplate.request.json"),
        "create a DSR exactly as a template defines it (201, the room)",
        rules::from_template,
    ),
    Endpoint::new(
        "dsr.get",
        Method::GET,
        "/dsr/v1/dsrs/{id}",
        None,
        "get a DSR with its contents, settings and creator",
        rules::get,
    ),
    Endpoint::new(
        "dsr.list",
        Method::GET,
        "/dsr/v1/dsrs",
        contract!("seismic", "dsr.list.request.json"),
        "list the tenant's DSRs (limit, continuation)",
        rules::list,
    ),
    Endpoint::new(
        "deliveries.create",
        Method::POST,
        "/link-delivery/v1/deliveries",
        contract!("seismic", "deliveries.create.request.json"),
        "record a link delivery made outside Seismic (201 {linkUrl})",
        rules::deliver,
    ),
    Endpoint::new(
        "templates.list",
        Method::GET,
        "/reporting/v2/digitalSalesRoomTemplates",
        None,
        "reporting: the tenant's DSR templates (JSON, or CSV by Accept)",
        rules::report_templates,
    ),
    Endpoint::new(
        "tools.list_dsr_templates",
        Method::POST,
        MCP_PATH,
        contract!("seismic", "tools.list_dsr_templates.request.json"),
        "MCP tool list_dsr_templates",
        rules::list_templates,
    ),
    Endpoint::new(
        "dsr.create",
        Method::POST,
        MCP_PATH,
        contract!("seismic", "tools.create_dsr_engagement.request.json"),
        "MCP tool create_dsr_engagement",
        rules::create_dsr_engagement,
    ),
    Endpoint::new(
        "tools.create_dsr_engagement_with_meeting_followup",
        Method::POST,
        MCP_PATH,
        contract!(
            "seismic",
            "tools.create_dsr_engagement_with_meeting_followup.request.json"
        ),
        "MCP tool create_dsr_engagement_with_meeting_followup (draft room)",
        rules::create_followup,
    ),
    Endpoint::new(
        "tools.add_content_to_dsr",
        Method::POST,
        MCP_PATH,
        contract!("seismic", "tools.add_content_to_dsr.request.json"),
        "MCP tool add_content_to_dsr",
        rules::add_content,
    ),
    Endpoint::new(
        "tools.get_comments_from_dsr",
        Method::POST,
        MCP_PATH,
        contract!("seismic", "tools.get_comments_from_dsr.request.json"),
        "MCP tool get_comments_from_dsr",
        rules::comments,
    ),
    Endpoint::new(
        "tools.get_the_dsr_engagement_list",
        Method::POST,
        MCP_PATH,
        contract!("seismic", "tools.get_the_dsr_engagement_list.request.json"),
        "MCP tool get_the_dsr_engagement_list",
        rules::engagement_list,
    ),
];

/// Tier 3 (every DSR call): 600 calls per tenant per 60-second window.
const RATE_LIMIT: u64 = 600;
const RATE_WINDOW_SECS: i64 = 60;

/// Seismic: every tenant's records, served through `TABLE`.
pub type Seismic = Served<TenantData>;

/// Each served MCP tool with the position of its row (at the MCP path) in the table.
fn tool_rows() -> Vec<(&'static str, usize)> {
    mcp::TOOL_OPERATIONS
        .iter()
        .filter_map(|(tool, id)| {
            let row = TABLE
                .iter()
                .position(|e| e.operation.path == MCP_PATH && e.operation.id == *id)?;
            Some((*tool, row))
        })
        .collect()
}

impl Vendor for Served<TenantData> {
    crate::table_vendor!("seismic", TABLE, errors::ERRORS, 0);

    /// `GET /dsr/v1/dsrs?limit=&continuation=` read as the list contract's body.
    fn query_body(&self, op: &Operation, query: &[(String, String)]) -> Option<Value> {
        // Of Seismic's GET operations only the room list takes parameters.
        if op.method != Method::GET || op.request_schema.is_none() {
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

    /// `X-Seismic-Remaining-Calls` and `X-Seismic-Total-Calls` on every answer, counted per tenant
    /// over 60-second windows; a 429 also gets the documented `clientId` and `tenant`.
    fn decorate(&self, tenant: &Tenant, reply: &mut Reply) {
        let used = self.0.count_call(tenant, RATE_WINDOW_SECS).used;
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
                    let error = ApiError::new(&errors::RATE_LIMIT_EXCEEDED, "")
                        .with("retry_after", secs)
                        .with("clientId", self.client_id(tenant))
                        .with("tenant", self.0.reading(tenant, |s| s.slug.clone()));
                    reply.body = errors::render(&error).body;
                }
            }
        }
    }

    fn routes(&self, gateway: Arc<dyn Gateway>) -> Option<Router> {
        Some(mcp::routes(gateway, tool_rows()))
    }

    fn has_routes(&self) -> bool {
        true
    }

    fn admin_routes(&self) -> Option<Router> {
        Some(admin::routes(self.0.clone()))
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
}

impl Served<TenantData> {
    /// The OAuth client id a tenant's token was issued to: not known to the simulator, so a UUID
    /// stable for the seed and token.
    fn client_id(&self, tenant: &Tenant) -> String {
        ids::uuid(&mut seeded_rng(
            self.0.settings().seed,
            &["seismic-client", &tenant.key],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::tenant::Tenants;
    use crate::vendor::{Problem, VendorSettings};
    use std::sync::Arc;

    #[test]
    fn a_429_gets_the_documented_client_id_and_tenant() {
        // seismic.md "Errors (REST)": {statusCode: 429, message: "... Try again in N seconds.",
        // clientId, tenant}.
        let seismic = Seismic::new(VendorSettings::new(
            0,
            10_000,
            0,
            Arc::new(Clock::new(None)),
        ));
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
