//! The simulator's one clock (real, or frozen and moved by the admin API) and its seeded
//! randomness: same seed and same requests give the same ids, data and scenario draws.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use rand::{rngs::StdRng, SeedableRng};
use sha2::{Digest, Sha256};

const NOT_FROZEN: i64 = i64::MIN;

/// Real time plus an offset, or a frozen instant. Reads are two atomic loads.
#[derive(Debug)]
pub struct Clock {
    frozen_ms: AtomicI64,
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn new(frozen: Option<DateTime<Utc>>) -> Clock {
        Clock {
            frozen_ms: AtomicI64::new(frozen.map_or(NOT_FROZEN, |t| t.timestamp_millis())),
            offset_ms: AtomicI64::new(0),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        let frozen = self.frozen_ms.load(Ordering::Relaxed);
        let ms = if frozen == NOT_FROZEN {
            Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::Relaxed)
        } else {
            frozen
        };
        Utc.timestamp_millis_opt(ms)
            .single()
            .unwrap_or_else(Utc::now)
    }

    /// Freezes the clock at `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        self.frozen_ms
            .store(at.timestamp_millis(), Ordering::Relaxed);
    }

    /// Moves the clock forward (or back, for a negative amount), frozen or not.
    pub fn advance(&self, ms: i64) {
        let frozen = self.frozen_ms.load(Ordering::Relaxed);
        if frozen == NOT_FROZEN {
            self.offset_ms.fetch_add(ms, Ordering::Relaxed);
        } else {
            self.frozen_ms.fetch_add(ms, Ordering::Relaxed);
        }
    }

    pub fn is_frozen(&self) -> bool {
        self.frozen_ms.load(Ordering::Relaxed) != NOT_FROZEN
    }
}

/// A random source derived from the global seed and a purpose (`devrev`, a tenant key...), so each
/// tenant's ids depend only on the seed and that tenant's own request order.
pub fn seeded_rng(seed: u64, parts: &[&str]) -> StdRng {
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&digest);
    StdRng::from_seed(bytes)
}

/// RFC 3339 with milliseconds and `Z`, as the vendors print their timestamps.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
