//! engagement-sim: a stateful, vendor-faithful simulator of five engagement APIs.
//!
//! # Layout
//! - [`state`]: [`state::AppState`], the one shared handle; [`app`] builds the routers and runs
//!   [`Simulator`]; [`server`] is the accept loop (each connection task owns its socket); [`tls`]
//!   the HTTPS certificate and stream wrapper.
//! - [`registry`]: the vendors, and which operation a method and path name.
//! - [`pipeline`]: the request path, one file per step (see below).
//! - [`vendor`]: the seam: [`vendor::Vendor`], operations and their table rows, typed error
//!   kinds, problems, calls and replies, and the [`vendor::Gateway`] a vendor's own transport uses.
//! - [`vendors`]: one folder per vendor (operation table, handlers, state, errors, ids).
//! - [`store`]: the per-tenant store, id source, cursor codec and locks every vendor shares.
//! - [`scenario`]: scripted errors, faults, delays, rate limits, credential rules;
//!   [`scenario_files`] loads them from files into a running simulator and watches them.
//! - [`contract`](mod@contract): request JSON Schemas from `contracts/`, compiled once.
//! - [`stub`]: user stubs, operations declared in scenario documents (routed beside the tables,
//!   served through the same steps); [`openapi`]: each vendor's OpenAPI 3.1 document.
//! - [`clock`], [`tenant`], [`journal`], [`fault`], [`json`], [`respond`]: the one clock and seeded
//!   randomness, credentials and tenants, the bounded request journal, connection faults, reading
//!   JSON bodies, turning replies into responses.
//! - [`persist`]: `--state-file`, saved atomically and restored at start; [`metrics`]: the
//!   Prometheus counters the record step feeds.
//! - [`proxy`]: `--proxy` forwarding to the real vendor and `--record` stub files; [`drift`]:
//!   `engagement-sim drift`, a live vendor's answers against our contracts.
//! - [`admin`], [`admin_reply`]: `/__admin`; [`cli`], [`config`], [`commands`], [`telemetry`],
//!   [`log_queue`]: the binary's side.
//!
//! # The request path
//! [`server`] hands every call to a vendor to [`pipeline::dispatch`]: the vendor by prefix and
//! the operation by method and path ([`registry`]), then the vendor's credentials into a tenant,
//! then the scenario engine's decision (delay, scripted answer, fault, refusal), then validation
//! (content type, size, depth, the operation's contract), then the handler in the operation's
//! table row, against the tenant's records in its [`store::TenantStore`]; every exit is decorated,
//! logged and journaled once. A vendor's own transport (Seismic's MCP endpoint) enters the same
//! steps through [`pipeline::PipelineGateway`].
//!
//! # Embedding
//! ```no_run
//! # async fn demo() {
//! let sim = engagement_sim::Simulator::start(engagement_sim::Config::ephemeral()).await.unwrap();
//! let devrev = sim.vendor_url("devrev"); // http://127.0.0.1:PORT/devrev
//! # drop(devrev); sim.stop().await;
//! # }
//! ```

pub mod admin;
pub mod admin_reply;
pub mod app;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod conn;
pub mod contract;
pub mod drift;
pub mod fault;
pub mod journal;
pub mod json;
pub mod log_queue;
pub mod metrics;
pub mod openapi;
pub mod persist;
pub mod pipeline;
pub mod proxy;
pub mod registry;
pub mod respond;
pub mod scenario;
pub mod scenario_files;
pub mod server;
pub mod state;
pub mod store;
pub mod stub;
pub mod telemetry;
pub mod tenant;
pub mod tls;
pub mod vendor;
pub mod vendors;
pub mod workers;

pub use app::Simulator;
pub use config::Config;
