//! Calls counted per tenant over a fixed window (DevRev's five minutes, Seismic's minute), on the
//! simulator's clock, for the rate-limit headers vendors send on every answer.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// One tenant's calls in the current window.
#[derive(Debug, Default)]
pub struct CallWindow {
    start: AtomicI64,
    calls: AtomicU64,
}

/// What [`CallWindow::count`] reports: calls so far in the window, and when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub used: u64,
    /// Unix seconds at which the window resets.
    pub resets_at: i64,
}

impl CallWindow {
    /// Whether the window of `length` seconds this one counts in has ended by `now`.
    pub fn ended(&self, now: i64, length: i64) -> bool {
        now - self.start.load(Ordering::Relaxed) >= length
    }

    /// Counts one call at `now` (Unix seconds) in windows of `length` seconds; a call past the end
    /// of the window starts the next one.
    pub fn count(&self, now: i64, length: i64) -> Counted {
        let start = self.start.load(Ordering::Relaxed);
        let start = if now - start >= length || now < start {
            self.start.store(now, Ordering::Relaxed);
            self.calls.store(0, Ordering::Relaxed);
            now
        } else {
            start
        };
        let used = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        Counted {
            used,
            resets_at: start + length,
        }
    }
}
