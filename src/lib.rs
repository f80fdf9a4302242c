//! engagement-sim: a stateful, vendor-faithful simulator of five engagement APIs.
//!
//! # Layout
//! - [`app`]: the shared state, the routers, and [`Simulator`] (start on any port, stop gracefully).
//! - [`server`]: the accept loop; each connection task owns its socket (connection faults).
//! - [`pipeline`]: the request path, in order: operation lookup → credentials → scenario →
//!   validation → vendor handler → journal.
//! - [`vendor`]: the seam: the [`vendor::Vendor`] trait, operations, error kinds, problems.
//! - [`vendors`]: one folder per vendor (routes, contracts, errors, ids, state, rules).
//! - [`contract`]: request JSON Schemas from `contracts/`, compiled once.
//! - [`scenario`]: scripted errors, faults, delays, rate limits, credential rules.
//! - [`store`], [`tenant`], [`clock`], [`journal`]: per-tenant state, credentials, time and
//!   seeded randomness, the bounded request journal.
//! - [`persist`]: `--state-file`, saved atomically and restored at start.
//! - [`admin`]: `/__admin`; [`cli`], [`config`], [`commands`], [`telemetry`]: the binary's side.
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
pub mod contract;
pub mod fault;
pub mod journal;
pub mod json;
pub mod persist;
pub mod pipeline;
pub mod registry;
pub mod respond;
pub mod scenario;
pub mod server;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod tenant;
pub mod vendor;
pub mod vendors;

pub use app::Simulator;
pub use config::Config;
