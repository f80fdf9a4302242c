//! Seismic's Digital Sales Rooms under `/seismic`: the REST DSR, link-delivery and reporting
//! endpoints, and the Seismic MCP server (`mcp.rs`) over the same per-tenant state. Bearer
//! credentials, `{statusCode, message}` errors, UUID ids, `X-Seismic-*-Calls` counters.
//! Facts: `shared/vendors/seismic.md` and `shared/vendors/seismic-mcp-tools.json`.
//!
//! `api` is the seam (the operation table and `impl Vendor`), `rules` one handler per
//! operation; `mcp` the MCP transport, which runs tool calls through the gateway it is
//! handed; `admin` the templates routes; `state` and `saved` the per-tenant records and their
//! state-file form; `errors` the envelope; `ids` UUIDs and links.

mod admin;
mod api;
mod errors;
mod ids;
mod mcp;
mod rules;
mod saved;
mod sessions;
mod state;

pub use api::Seismic;
