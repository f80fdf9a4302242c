//! Merge as the core sees it: the operation table (one row per operation, each with its handler),
//! the two credentials, and errors.

use axum::http::{header, HeaderMap, Method};

use super::admin;
use super::errors;
use super::handlers;
use super::state::{Records, TenantData};
use crate::contract;
use crate::tenant::Credential;
use crate::vendor::{Endpoint, Operation, Problem, Served, Vendor};

static TABLE: &[Endpoint<Records>] = &[
    Endpoint::new(
        "engagements.create",
        Method::POST,
        "/api/crm/v1/engagements",
        contract!("merge", "engagements.create.request.json"),
        "create an engagement (201 {model, warnings, errors, logs?})",
        handlers::create,
    ),
    Endpoint::new(
        "engagements.list",
        Method::GET,
        "/api/crm/v1/engagements",
        None,
        "list engagements, newest first, cursor paged, filtered",
        handlers::list,
    ),
    Endpoint::new(
        "engagements.meta_post",
        Method::GET,
        "/api/crm/v1/engagements/meta/post",
        None,
        "the request schema and status for engagement creates",
        handlers::meta_post,
    ),
    Endpoint::new(
        "engagements.meta_patch",
        Method::GET,
        "/api/crm/v1/engagements/meta/patch/{id}",
        None,
        "the request schema and status for patching one engagement",
        handlers::meta_patch,
    ),
    Endpoint::new(
        "engagements.remote_field_classes",
        Method::GET,
        "/api/crm/v1/engagements/remote-field-classes",
        None,
        "the remote field classes of engagements, cursor paged",
        handlers::remote_field_classes,
    ),
    Endpoint::new(
        "engagements.retrieve",
        Method::GET,
        "/api/crm/v1/engagements/{id}",
        None,
        "one engagement by Merge id (bare object)",
        handlers::retrieve,
    ),
    Endpoint::new(
        "engagements.partial_update",
        Method::PATCH,
        "/api/crm/v1/engagements/{id}",
        contract!("merge", "engagements.partial_update.request.json"),
        "change the given fields of an engagement (200 {model, warnings, errors})",
        handlers::partial_update,
    ),
    Endpoint::new(
        "account_details.retrieve",
        Method::GET,
        "/api/crm/v1/account-details",
        None,
        "the linked account behind the X-Account-Token (integration, status, end user)",
        handlers::account_details,
    ),
    Endpoint::new(
        "engagement_types.list",
        Method::GET,
        "/api/crm/v1/engagement-types",
        None,
        "list the linked account's engagement types",
        handlers::engagement_types,
    ),
    Endpoint::new(
        "engagement_types.retrieve",
        Method::GET,
        "/api/crm/v1/engagement-types/{id}",
        None,
        "one engagement type by Merge id",
        handlers::engagement_type,
    ),
    Endpoint::new(
        "users.list",
        Method::GET,
        "/api/crm/v1/users",
        None,
        "list the linked account's CRM users",
        handlers::users,
    ),
    Endpoint::new(
        "users.retrieve",
        Method::GET,
        "/api/crm/v1/users/{id}",
        None,
        "one CRM user by Merge id",
        handlers::user,
    ),
    Endpoint::new(
        "accounts.list",
        Method::GET,
        "/api/crm/v1/accounts",
        None,
        "list the linked account's CRM accounts",
        handlers::accounts,
    ),
    Endpoint::new(
        "accounts.retrieve",
        Method::GET,
        "/api/crm/v1/accounts/{id}",
        None,
        "one CRM account by Merge id",
        handlers::account,
    ),
    Endpoint::new(
        "contacts.list",
        Method::GET,
        "/api/crm/v1/contacts",
        None,
        "list the linked account's CRM contacts",
        handlers::contacts,
    ),
    Endpoint::new(
        "contacts.retrieve",
        Method::GET,
        "/api/crm/v1/contacts/{id}",
        None,
        "one CRM contact by Merge id",
        handlers::contact,
    ),
];

/// Merge: every tenant's records, served through `TABLE`.
pub type Merge = Served<TenantData>;

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, Problem> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim()).filter(|s| !s.is_empty()))
            .map_err(|_| Problem::MalformedCredential(format!("The {name} header is not text."))),
    }
}

impl Vendor for Served<TenantData> {
    crate::table_vendor!("merge", TABLE, errors::ERRORS, 0);

    fn admin_routes(&self) -> Option<axum::Router> {
        Some(admin::routes(self.0.clone()))
    }

    fn admin_endpoints(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        admin::ENDPOINTS
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
            .ok_or_else(|| Problem::MalformedCredential(errors::NO_ACCOUNT_TOKEN.into()))?;
        Ok(Credential(account.to_owned()))
    }
}
