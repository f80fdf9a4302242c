//! State the vendors keep, and the mechanisms every vendor shares for it:
//! - [`tenants`]: one generic per-tenant store (lookup, reset, dump, snapshot, restore that
//!   validates before it replaces) for any state type implementing [`TenantState`];
//! - [`base62`]: base-62 digits (Salesforce ids, user stubs' pods);
//! - [`bytes`]: the bytes of a tenant's records, for `--tenant-record-bytes`;
//! - [`ids`]: one id source, safe against reissuing ids after a kill;
//! - [`cursor`]: one codec for opaque paging cursors;
//! - [`window`]: per-tenant call counters over a fixed window, on the simulator's clock;
//! - [`lock`]: the one way a poisoned lock is read;
//! - [`settings`]: what every vendor is built with.

pub mod base62;
pub mod bytes;
pub mod cursor;
pub mod ids;
pub mod lock;
pub mod settings;
pub mod tenants;
pub mod window;

pub use bytes::RecordBytes;
pub use ids::{IdSource, SavedIds};
pub use settings::{VendorSettings, NUMBERS_PER_EPOCH};
pub use tenants::{Slot, StateStore, TenantState, TenantStore};
