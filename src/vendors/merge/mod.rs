//! Merge's CRM unified API under `/merge`, at Merge's own paths (`/merge/api/crm/v1/...`):
//! engagements (create, list, retrieve, partial update, write metadata, remote field classes) and
//! the read-only records an engagement refers to (users, accounts, contacts, engagement types).
//! Two credentials (`Authorization: Bearer <API key>` and `X-Account-Token`; the account token
//! is the tenant), UUID ids, Django REST framework envelopes and cursor paging, Merge's
//! `warnings`/`errors`/`logs` on writes. Facts: `shared/vendors/merge.md`.
//!
//! `api` is the seam (the operation table and `impl Vendor`), `handlers` one function per
//! operation over `rules` (writes and reads of engagements), `listing` (cursor pages) and `view`
//! (expansion and shapes); `state` and `saved` the per-account records and their state-file form,
//! `seed` the reference records, `errors` the envelopes, `ids` Merge's ids, `admin` the
//! per-account required fields under `/__admin/merge`.

mod admin;
mod api;
mod errors;
mod handlers;
pub mod ids;
mod listing;
mod rules;
mod saved;
mod seed;
mod state;
mod view;

pub use api::Merge;
