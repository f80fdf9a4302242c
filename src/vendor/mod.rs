//! The seam between the shared core and each simulated vendor.
//!
//! A vendor is one value implementing [`Vendor`]: it names itself (its URL prefix), lists its
//! operations as a table of [`Endpoint`] rows (each with its handler), reads credentials into a
//! tenant, turns pipeline [`Problem`]s into its own [`ApiError`]s of its typed [`ErrorKind`]s,
//! renders any error in its own envelope, and keeps its per-tenant state in a
//! [`crate::store::TenantStore`]. Everything else (routing, scenarios, validation, the journal, the
//! admin API and the CLI) reads the same operation and error-kind tables, so none of them keeps its
//! own list. A second transport a vendor adds (Seismic's MCP) runs operations through the
//! [`Gateway`] it is handed, never through the pipeline's internals.

pub mod auth;
mod call;
mod error;
mod gateway;
mod operation;
mod table;

pub use call::{Call, Reply};
pub use error::{ApiError, ErrorKind, Errors, GenericKind, Problem};
pub use gateway::{Gateway, Invocation};
pub use operation::Operation;
pub use table::{operations_of, serve, Endpoint, Handler, Served};

pub use crate::store::settings::VendorSettings;

use std::sync::Arc;

use axum::http::HeaderMap;
use axum::Router;
use serde_json::Value;

use crate::store::tenants::StateStore;
use crate::tenant::{Credential, Tenant};

/// What every simulated vendor provides. Implementations live in `crate::vendors::<name>`.
pub trait Vendor: Send + Sync + 'static {
    /// The vendor's name, which is also its URL prefix (`devrev` serves `/devrev/...`).
    fn name(&self) -> &'static str;

    /// Every operation the vendor serves, in table order: `operations_of(TABLE)`.
    fn operations(&self) -> Vec<&'static Operation>;

    /// Handles one call whose credentials, scenario rules and contract have already passed:
    /// `serve(self, TABLE, call)`, which runs the handler of the call's row.
    fn handle(&self, call: &Call<'_>) -> Result<Reply, ApiError>;

    /// The vendor's errors: its kinds (each naming the generic kinds it stands for), how it reads
    /// a pipeline problem and how it renders an error.
    fn errors(&self) -> &'static Errors;

    /// The vendor's error kinds.
    fn error_kinds(&self) -> &'static [&'static ErrorKind] {
        self.errors().kinds
    }

    /// A problem found by the shared pipeline, as this vendor's own error.
    fn reject(&self, problem: Problem) -> ApiError {
        (self.errors().reject)(problem)
    }

    /// An error in the vendor's own envelope, status and headers.
    fn render_error(&self, error: &ApiError) -> Reply {
        (self.errors().render)(error)
    }

    /// Reads the credential that selects the tenant, or says why there is none. The default is
    /// `Authorization: Bearer <token>`, as most of the vendors take it.
    fn authenticate(&self, _op: &Operation, headers: &HeaderMap) -> Result<Credential, Problem> {
        auth::bearer_token(headers, false)
    }

    /// For operations whose input comes in the query string (DevRev's GET forms): the query read as
    /// the JSON body the operation's contract describes. `None` means the operation has no body.
    fn query_body(&self, _op: &Operation, _query: &[(String, String)]) -> Option<Value> {
        None
    }

    /// Refuses path parameters that the operation's path template cannot constrain (Salesforce's
    /// `{version}` must name a release that has the resource). The default accepts every value.
    fn check_params(&self, _op: &Operation, _params: &[(String, String)]) -> Result<(), Problem> {
        Ok(())
    }

    /// Reads a request body that the vendor takes in a form other than JSON (Salesforce's XML) into
    /// the JSON value the operation's contract describes. `None` (the default): the pipeline reads
    /// the body as JSON and refuses other content types.
    fn parse_body(
        &self,
        _op: &Operation,
        _headers: &HeaderMap,
        _body: &[u8],
    ) -> Option<Result<Value, Problem>> {
        None
    }

    /// Adds the headers the vendor sends on every answer to this tenant (rate-limit counters...).
    fn decorate(&self, _tenant: &Tenant, _reply: &mut Reply) {}

    /// Routes the vendor serves beside its operation table, mounted under its prefix (and at the
    /// root of its own port): a second transport such as an MCP endpoint, whose handlers run each
    /// operation through `gateway`. Routed paths take precedence over the table.
    fn routes(&self, _gateway: Arc<dyn Gateway>) -> Option<Router> {
        None
    }

    /// Whether [`Vendor::routes`] serves anything, without building the router.
    fn has_routes(&self) -> bool {
        false
    }

    /// Vendor-specific admin routes, mounted under `/__admin/<vendor>` behind the admin token.
    fn admin_routes(&self) -> Option<Router> {
        None
    }

    /// What [`Vendor::admin_routes`] serves, for `operations` and `GET /__admin/operations`:
    /// (method, path below `/__admin/<vendor>`, one line of summary).
    fn admin_endpoints(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        &[]
    }

    /// The vendor's per-tenant state: reset, dumped, saved and restored by the core.
    fn store(&self) -> &dyn StateStore;
}

impl dyn Vendor {
    /// The error kind named `name`, either natively or through a generic alias.
    pub fn find_kind(&self, name: &str) -> Option<&'static ErrorKind> {
        let kinds = self.error_kinds();
        kinds.iter().copied().find(|k| k.name == name).or_else(|| {
            kinds
                .iter()
                .copied()
                .find(|k| k.generic.iter().any(|g| g.name() == name))
        })
    }

    /// The first operation with this id.
    pub fn operation(&self, id: &str) -> Option<&'static Operation> {
        self.operations().into_iter().find(|op| op.id == id)
    }
}
