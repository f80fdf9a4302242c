//! What every vendor and its store are built with: the seed, the record limit, the restore epoch
//! and the simulator's one clock.

use std::sync::Arc;

use crate::clock::Clock;

/// What every vendor is built with.
#[derive(Debug, Clone)]
pub struct VendorSettings {
    /// Seeds ids and fake data: the same seed and requests give the same answers.
    pub seed: u64,
    /// `--seed` as given, not mixed with the epoch: for data every run must show the same, such
    /// as the reference records every Merge account shares (ids a client may have stored).
    pub reference_seed: u64,
    /// The most records of one kind a tenant keeps (0: no limit); creating beyond it evicts the
    /// oldest, so a load test cannot grow the simulator without bound.
    pub record_limit: usize,
    /// The most tenants a vendor keeps (`--max-tenants`, 0 = no limit); past it the least
    /// recently used is forgotten.
    pub tenant_limit: usize,
    /// The most bytes of one kind of record a tenant keeps (`--tenant-record-bytes`, 0 = no
    /// limit), so a few huge records cannot do what the record count stops many small ones doing.
    pub record_bytes: usize,
    /// The most record bytes the vendor keeps across its tenants (`--max-record-bytes`, 0 = no
    /// limit); past it the least recently used tenants are forgotten.
    pub store_bytes: usize,
    /// Forgotten tenants whose ids the store remembers (`--max-retired-tenants`).
    pub retired_limit: usize,
    /// Rate-limit windows the store keeps (`--max-rate-windows`, at least 1).
    pub window_limit: usize,
    /// How many times the state file was restored after an unclean stop (0 on a fresh start or
    /// after a clean one). Ids issued after the last save of a killed process are gone from the file
    /// but were seen by clients, so each epoch draws ids from ranges and streams no earlier epoch
    /// used: the seed is mixed with it and sequence numbers start at [`Self::first_number`].
    pub epoch: u64,
    /// The simulator's clock, shared with the pipeline, the scenario engine and the journal.
    pub clock: Arc<Clock>,
}

/// Sequence numbers one epoch may issue before it would reach the next epoch's range.
pub const NUMBERS_PER_EPOCH: u64 = 1_000_000_000;

impl VendorSettings {
    pub fn new(seed: u64, record_limit: usize, epoch: u64, clock: Arc<Clock>) -> VendorSettings {
        let reference_seed = seed;
        let seed = if epoch == 0 {
            seed
        } else {
            rand::RngCore::next_u64(&mut crate::clock::seeded_rng(
                seed,
                &["epoch", &epoch.to_string()],
            ))
        };
        VendorSettings {
            seed,
            reference_seed,
            record_limit,
            tenant_limit: 0,
            record_bytes: 0,
            store_bytes: 0,
            retired_limit: 100_000,
            window_limit: 10_000,
            epoch,
            clock,
        }
    }

    /// The same settings keeping at most `limit` tenants per vendor (0: no limit).
    pub fn with_tenant_limit(mut self, limit: usize) -> VendorSettings {
        self.tenant_limit = limit;
        self
    }

    /// The same settings keeping at most `bytes` of one kind of record per tenant (0: no limit).
    pub fn with_record_bytes(mut self, bytes: usize) -> VendorSettings {
        self.record_bytes = bytes;
        self
    }

    /// The same settings keeping at most `bytes` of records across all tenants (0: no limit).
    pub fn with_store_bytes(mut self, bytes: usize) -> VendorSettings {
        self.store_bytes = bytes;
        self
    }

    /// The same settings remembering at most `retired` forgotten tenants' ids and `windows`
    /// rate-limit windows.
    pub fn with_bookkeeping(mut self, retired: usize, windows: usize) -> VendorSettings {
        self.retired_limit = retired;
        self.window_limit = windows.max(1);
        self
    }

    /// Whether a collection holding `len` records of `bytes` in all must evict one before taking
    /// a record of `adding` bytes. The last record is never evicted for its size alone: a
    /// collection that is empty takes any record (the body limit bounds it).
    pub fn over(&self, len: usize, bytes: usize, adding: usize) -> bool {
        self.full(len)
            || (self.record_bytes > 0
                && len > 0
                && bytes.saturating_add(adding) > self.record_bytes)
    }

    /// The lowest sequence number this epoch may hand out (1 on a fresh start).
    pub fn first_number(&self) -> u64 {
        self.epoch
            .saturating_mul(NUMBERS_PER_EPOCH)
            .saturating_add(1)
    }

    /// Whether a collection holding `len` records must evict one before taking another.
    pub fn full(&self, len: usize) -> bool {
        self.record_limit > 0 && len >= self.record_limit
    }

    /// Now, on the simulator's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
