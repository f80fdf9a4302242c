//! Salesforce under `/salesforce`: the Connect REST `engagement-interactions` resources of Service
//! Excellence (API 55.0 and up), the sObject read-back of the records they create and a small SOQL
//! `query`. Versioned paths, `Authorization: Bearer <session id>`, errors as a one-element JSON
//! array, 18-character case-checksummed ids, `Sforce-Limit-Info` on every answer and 403
//! `REQUEST_LIMIT_EXCEEDED` instead of 429. Facts: `shared/vendors/salesforce.md`.
//!
//! Beside them: the standard sObject REST over the same records (`sobjects`: create, update,
//! delete, describe, `/limits`), `queryAll`, the version list, and logging in (`login`: the SOAP
//! `login` call and the OAuth token endpoint, whose session ids are the orgs' credentials).
//!
//! `api` is the seam (the operation table and `impl Vendor`), `handlers` one function per
//! operation over `rules` (interactions and sObject reads) and `query` (SOQL); `state` and
//! `snapshot` the per-org records and their state-file form, `xml` XML bodies, `reply` versions and
//! JSON answers, `errors` the envelope, `ids` 15- and 18-character ids.

mod api;
mod errors;
mod handlers;
pub mod ids;
mod login;
mod query;
pub mod reply;
mod rules;
mod snapshot;
mod sobjects;
mod state;
mod xml;

pub use api::Salesforce;
