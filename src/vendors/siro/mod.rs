//! Siro's External API engagement sync under `/siro` (standing in for
//! `https://functions.siro.ai`): upsert by `externalId` with nested records, get, list, delete,
//! soft-delete-removed and a user's engagements; `Authorization: Bearer <organization API token>`;
//! `{error}` and ZodError bodies. Facts: `shared/vendors/siro.md`; doc: `docs/vendors/siro.md`.
//!
//! `api` is the seam (the operation table and `impl Vendor`), `rules` one handler per operation
//! (`sync` the upsert bookkeeping), `state` the per-tenant records, `errors` the envelopes, `ids`
//! UUIDs and cursors.

mod api;
mod errors;
pub mod ids;
mod rules;
mod state;
mod sync;

pub use api::Siro;
