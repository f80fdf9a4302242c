//! Siro ids: internal ids are UUIDs (v4 shape, `docs.siro.ai/getting-started`: "the UUID Siro
//! stores for a synced CRM row") drawn from the tenant's seeded [`crate::store::IdSource`], so the
//! same seed and the same request order give the same ids. List cursors are opaque to clients.

use crate::store::cursor::CursorCodec;

/// A list cursor: the sequence number of the engagement it continues after.
pub const CURSORS: CursorCodec = CursorCodec::url_safe("siro-eng:");
