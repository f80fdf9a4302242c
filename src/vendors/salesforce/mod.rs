//! Salesforce under `/salesforce`: the Connect REST `engagement-interactions` resources of Service
//! Excellence (API 55.0 and up), the sObject read-back of the records they create and a small SOQL
//! `query`. Versioned paths, `Authorization: Bearer <session id>`, errors as a one-element JSON
//! array, 18-character case-checksummed ids, `Sforce-Limit-Info` on every answer and 403
//! `REQUEST_LIMIT_EXCEEDED` instead of 429. Facts: `shared/vendors/salesforce.md`.
//!
//! `api` is the seam (the operation table and `impl Vendor`), `handlers` one function per
//! operation over `rules` (interactions and sObject reads) and `query` (SOQL); `state` and
//! `snapshot` the per-org records and their state-file form, `xml` XML bodies, `reply` versions and
//! JSON answers, `errors` the envelope, `ids` 15- and 18-character ids.

mod api;
mod errors;
mod handlers;
pub mod ids;
mod query;
pub mod reply;
mod rules;
mod snapshot;
mod state;
mod xml;

pub use api::Salesforce;
