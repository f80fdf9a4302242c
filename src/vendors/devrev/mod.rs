//! DevRev's beta `engagements.*` API under `/devrev`: flat dotted RPC paths with GET (query) and
//! POST (JSON) forms, bearer or bare-token credentials, `{type, message}` errors, DON ids.
//! Facts: `shared/vendors/devrev.md`.
//!
//! `api` is the seam (the operation table and `impl Vendor`), `rules` one handler per operation,
//! `state` the per-tenant records, `errors` the error kinds and envelope, `ids` DONs and display ids.

mod api;
mod errors;
pub mod ids;
mod rules;
mod state;

pub use api::DevRev;
