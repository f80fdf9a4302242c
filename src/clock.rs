//! The simulator's one clock (real, or frozen and moved by the admin API) and its seeded
//! randomness: same seed and same requests give the same ids, data and scenario draws.
//!
//! One [`Clock`] is made per simulator and handed, as an `Arc`, to every vendor, the scenario
//! engine's rate limiters ([`LimiterClock`]) and the journal, so `POST /__admin/clock` moves them
//! all at once.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

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

    /// Nanoseconds since the Unix epoch on this clock (0 before it): what rate limiters count in.
    pub fn now_nanos(&self) -> u64 {
        let frozen = self.frozen_ms.load(Ordering::Relaxed);
        let nanos = if frozen == NOT_FROZEN {
            let real = Utc::now().timestamp_nanos_opt().unwrap_or(i64::MAX);
            real.saturating_add(
                self.offset_ms
                    .load(Ordering::Relaxed)
                    .saturating_mul(1_000_000),
            )
        } else {
            frozen.saturating_mul(1_000_000)
        };
        u64::try_from(nanos).unwrap_or(0)
    }
}

/// The simulator's clock as `governor` reads it, so a scenario's rate-limit windows move with
/// `POST /__admin/clock` like everything else. Time moved backwards reads as no time passing.
#[derive(Debug, Clone)]
pub struct LimiterClock(pub Arc<Clock>);

impl governor::clock::Clock for LimiterClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        Duration::from_nanos(self.0.now_nanos())
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
    match Stamp::new(t) {
        Some(stamp) => stamp.as_str().to_owned(),
        None => t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }
}

/// A timestamp serialised as [`rfc3339`] writes it, with no string in between.
#[derive(Clone, Copy)]
pub struct Rfc3339(pub DateTime<Utc>);

impl serde::Serialize for Rfc3339 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match Stamp::new(self.0) {
            Some(stamp) => s.serialize_str(stamp.as_str()),
            None => s.serialize_str(&rfc3339(self.0)),
        }
    }
}

/// A timestamp as [`rfc3339`] writes it, built digit by digit on the stack: every answer carries
/// two or more, and chrono's formatter goes through `fmt` a character at a time (about 2 % of a
/// create's CPU). Only years 0 to 9999 fit; [`Stamp::new`] leaves the others to chrono.
#[derive(Clone, Copy)]
pub struct Stamp([u8; 24]);

impl Stamp {
    pub fn new(t: DateTime<Utc>) -> Option<Stamp> {
        use chrono::{Datelike, Timelike};
        let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
        let millis = (t.nanosecond() / 1_000_000).min(999);
        let mut b = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut n: u32| {
            for i in (at..at + width).rev() {
                b[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, t.month());
        put(8, 2, t.day());
        put(11, 2, t.hour());
        put(14, 2, t.minute());
        // A leap second shows as :60, as chrono shows it.
        put(
            17,
            2,
            t.second() + u32::from(t.nanosecond() >= 1_000_000_000),
        );
        put(20, 3, millis);
        Some(Stamp(b))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn stamps_match_chrono_to_the_millisecond() {
        let times = [
            Utc.with_ymd_and_hms(2026, 12, 1, 6, 5, 9).unwrap(),
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap()
                + chrono::Duration::nanoseconds(999_999_999),
            Utc.with_ymd_and_hms(2024, 2, 29, 12, 30, 0).unwrap()
                + chrono::Duration::microseconds(1_500),
        ];
        for t in times {
            assert_eq!(
                rfc3339(t),
                t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            );
        }
        let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
        assert!(Stamp::new(far).is_none());
        assert_eq!(
            rfc3339(far),
            far.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        );
    }
}
