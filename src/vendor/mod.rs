//! The seam between the shared core and each simulated vendor.
//!
//! A vendor is one value implementing [`Vendor`]: it names itself (its URL prefix), lists its
//! [`Operation`]s, reads credentials into a tenant, turns pipeline [`Problem`]s into its own
//! [`ApiError`]s, renders any error in its own envelope, and handles operations against its own
//! per-tenant state. Everything else (routing, scenarios, validation, the journal, the admin API and
//! the CLI) reads the same operation and error-kind tables, so none of them keeps its own list.

mod call;
mod error;

pub use call::{Call, Reply};
pub use error::{ApiError, ErrorKindSpec, GenericKind, Problem};

use std::sync::Arc;

use axum::http::{HeaderMap, Method};
use axum::Router;
use serde_json::Value;

use crate::app::AppState;

use crate::tenant::Credential;

/// What every vendor is built with.
#[derive(Debug, Clone, Copy)]
pub struct VendorSettings {
    /// Seeds ids and fake data: the same seed and requests give the same answers.
    pub seed: u64,
    /// The most records of one kind a tenant keeps (0: no limit); creating beyond it evicts the
    /// oldest, so a load test cannot grow the simulator without bound.
    pub record_limit: usize,
    /// How many times the state file was restored after an unclean stop (0 on a fresh start or
    /// after a clean one). Ids issued after the last save of a killed process are gone from the file
    /// but were seen by clients, so each epoch draws ids from ranges and streams no earlier epoch
    /// used: the seed is mixed with it and sequence numbers start at [`Self::first_number`].
    pub epoch: u64,
}

/// Sequence numbers one epoch may issue before it would reach the next epoch's range.
const NUMBERS_PER_EPOCH: u64 = 1_000_000_000;

impl VendorSettings {
    pub fn new(seed: u64, record_limit: usize, epoch: u64) -> VendorSettings {
        let seed = if epoch == 0 {
            seed
        } else {
            rand::RngCore::next_u64(&mut crate::clock::seeded_rng(
                seed,
                &["epoch", &epoch.to_string()],
            ))
        };
        VendorSettings {
            seed,
            record_limit,
            epoch,
        }
    }

    /// The lowest sequence number this epoch may hand out (1 on a fresh start).
    pub fn first_number(&self) -> u64 {
        self.epoch
            .saturating_mul(NUMBERS_PER_EPOCH)
            .saturating_add(1)
    }

    /// Whether a collection holding `len` records must evict one before taking another.
    pub fn full(&self, len: usize) -> bool {
        self.record_limit > 0 && len >= self.record_limit
    }
}

/// One operation of a vendor: the unit that routing, scenarios, contracts and the journal share.
#[derive(Debug)]
pub struct Operation {
    /// `<resource>.<action>`, unique within the vendor (`engagements.create`).
    pub id: &'static str,
    pub method: Method,
    /// Path below the vendor prefix, in `matchit` syntax (`/crm/v1/engagements/{id}`).
    pub path: &'static str,
    /// JSON Schema of the request body, if the body is JSON and has a contract.
    pub request_schema: Option<&'static str>,
    /// One line for `engagement-sim operations`.
    pub summary: &'static str,
}

/// What every simulated vendor provides. Implementations live in `crate::vendors::<name>`.
pub trait Vendor: Send + Sync + 'static {
    /// The vendor's name, which is also its URL prefix (`devrev` serves `/devrev/...`).
    fn name(&self) -> &'static str;

    /// Every operation the vendor serves.
    fn operations(&self) -> &'static [Operation];

    /// The vendor's error kinds: its native ones, each naming the generic kinds it stands for.
    fn error_kinds(&self) -> &'static [ErrorKindSpec];

    /// Reads the credential that selects the tenant, or says why there is none.
    fn authenticate(&self, op: &Operation, headers: &HeaderMap) -> Result<Credential, Problem>;

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

    /// Turns a problem found by the shared pipeline into this vendor's own error.
    fn reject(&self, problem: Problem) -> ApiError;

    /// Renders an error in the vendor's own envelope, status and headers.
    fn render_error(&self, error: &ApiError) -> Reply;

    /// Handles one call whose credentials, scenario rules and contract have already passed.
    fn handle(&self, call: &Call<'_>) -> Result<Reply, ApiError>;

    /// Adds the headers the vendor sends on every answer to this tenant (rate-limit counters...).
    fn decorate(&self, _tenant: &crate::tenant::Tenant, _reply: &mut Reply) {}

    /// Routes the vendor serves beside its operation table, mounted under its prefix (and at the
    /// root of its own port): a second transport such as an MCP endpoint, whose handlers run each
    /// operation through [`crate::pipeline::invoke`]. Routed paths take precedence over the table.
    fn routes(&self) -> Option<Router<Arc<AppState>>> {
        None
    }

    /// Vendor-specific admin routes, mounted under `/__admin/<vendor>` behind the admin token.
    fn admin_routes(&self) -> Option<Router<Arc<AppState>>> {
        None
    }

    /// What [`Vendor::admin_routes`] serves, for `operations` and `GET /__admin/operations`:
    /// (method, path below `/__admin/<vendor>`, one line of summary).
    fn admin_endpoints(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        &[]
    }

    /// Forgets the state of one tenant, or of all tenants.
    fn reset(&self, tenant: Option<&str>);

    /// The stored records of one tenant, or of all tenants keyed by tenant fingerprint.
    fn dump(&self, tenant: Option<&str>) -> Value;

    /// Everything needed to restore this vendor's state (every tenant, id counters included), for
    /// `--state-file`. `Value::Null` means there is nothing to save.
    fn snapshot(&self) -> Value {
        Value::Null
    }

    /// Replaces this vendor's state with what [`Vendor::snapshot`] produced.
    fn restore(&self, _snapshot: Value) -> Result<(), String> {
        Ok(())
    }
}

impl dyn Vendor {
    /// The error kind named `name`, either natively or through a generic alias.
    pub fn find_kind(&self, name: &str) -> Option<&'static ErrorKindSpec> {
        let kinds = self.error_kinds();
        kinds.iter().find(|k| k.name == name).or_else(|| {
            kinds
                .iter()
                .find(|k| k.generic.iter().any(|g| g.name() == name))
        })
    }

    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&'static Operation> {
        self.operations().iter().find(|op| op.id == id)
    }
}
