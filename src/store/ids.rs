//! One id source per tenant, shared by every vendor: sequence numbers and a seeded random stream,
//! protected the same way against handing out an id twice across restarts.
//!
//! A clean stop saves the next number and the stream's generation, so a restart continues where it
//! left off. A kill loses what was issued after the last save, but clients saw those ids, so a start
//! after a kill runs in the next epoch (see [`VendorSettings::epoch`]): numbers start in a range no
//! earlier epoch used, and every restore draws from a new random stream.

use rand::rngs::StdRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};

use super::settings::{VendorSettings, NUMBERS_PER_EPOCH};
use crate::clock::seeded_rng;

/// A tenant's ids: the next sequence number and a random stream for UUIDs and fake data.
#[derive(Debug, Clone)]
pub struct IdSource {
    next: u64,
    generation: u64,
    rng: StdRng,
}

/// What the state file keeps of an [`IdSource`].
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct SavedIds {
    pub next: u64,
    /// How many times the stream was restored; each restore draws from a new one.
    #[serde(default)]
    pub generation: u64,
}

impl IdSource {
    /// A fresh tenant's ids: numbers from the epoch's first, a stream seeded by the simulator's
    /// seed and `parts` (the vendor and the tenant key, so each tenant's ids depend only on its own
    /// calls).
    pub fn new(settings: &VendorSettings, parts: &[&str]) -> IdSource {
        IdSource {
            next: settings.first_number(),
            generation: 0,
            rng: seeded_rng(settings.seed, parts),
        }
    }

    /// Moves the first number up by `offset` (Salesforce starts each org at a random point, as real
    /// orgs' ids do not start at 1).
    pub fn offset_by(mut self, offset: u64) -> IdSource {
        self.next = self.next.saturating_add(offset);
        self
    }

    /// Ids restored from the state file: never below this epoch's first number, and a stream no
    /// earlier run drew from. A counter that leaves fewer than [`NUMBERS_PER_EPOCH`] numbers before
    /// it would wrap, or a generation at its maximum, was not written by a simulator (one epoch
    /// issues fewer numbers than that) and is refused, as an epoch whose range would wrap is.
    pub fn restore(
        saved: SavedIds,
        settings: &VendorSettings,
        parts: &[&str],
    ) -> Result<IdSource, String> {
        if saved.next > u64::MAX - NUMBERS_PER_EPOCH {
            return Err(format!(
                "its id counter {} leaves fewer than {NUMBERS_PER_EPOCH} ids before it would wrap",
                saved.next
            ));
        }
        let generation = saved
            .generation
            .checked_add(1)
            .ok_or("its restore generation is at its maximum")?;
        let tag = format!("restore-{generation}");
        let mut seeded: Vec<&str> = parts.to_vec();
        seeded.push(&tag);
        Ok(IdSource {
            next: saved.next.max(settings.first_number()),
            generation,
            rng: seeded_rng(settings.seed, &seeded),
        })
    }

    /// Continues the ids a tenant had before it was forgotten (`--max-tenants`): numbers go on
    /// from where they stopped, and the random stream is one no earlier life of the tenant drew
    /// from, so a returning client never gets an id it was given before.
    pub fn resume(&mut self, saved: SavedIds) {
        let generation = saved.generation.saturating_add(1);
        let mut seed = [0u8; 32];
        self.rng.fill_bytes(&mut seed);
        for (b, g) in seed.iter_mut().zip(generation.to_le_bytes()) {
            *b ^= g;
        }
        self.rng = rand::SeedableRng::from_seed(seed);
        self.next = self.next.max(saved.next);
        self.generation = generation;
    }

    /// The next sequence number, used up. A restored counter leaves at least a whole epoch of
    /// numbers (see [`IdSource::restore`]), so this cannot wrap; it saturates rather than panic.
    pub fn next_number(&mut self) -> u64 {
        let n = self.next;
        self.next = self.next.saturating_add(1);
        n
    }

    /// The number [`IdSource::next_number`] would give, without using it.
    pub fn peek(&self) -> u64 {
        self.next
    }

    /// The tenant's random stream.
    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    /// A fresh v4 UUID from the tenant's stream.
    pub fn uuid(&mut self) -> String {
        uuid_from(&mut self.rng)
    }

    pub fn save(&self) -> SavedIds {
        SavedIds {
            next: self.next,
            generation: self.generation,
        }
    }
}

/// A v4 UUID drawn from `rng`: the same seed and the same calls give the same ids.
pub fn uuid_from(rng: &mut StdRng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rand::{RngCore, SeedableRng};

    use super::{uuid_from, IdSource, SavedIds};
    use crate::clock::Clock;
    use crate::store::settings::VendorSettings;

    fn settings(epoch: u64) -> VendorSettings {
        VendorSettings::new(7, 0, epoch, Arc::new(Clock::new(None)))
    }

    #[test]
    fn a_restore_continues_numbers_and_never_repeats_a_stream() {
        let mut fresh = IdSource::new(&settings(0), &["v", "t"]);
        assert_eq!(fresh.next_number(), 1);
        let first_draw = fresh.rng().next_u64();
        let mut again = IdSource::restore(fresh.save(), &settings(0), &["v", "t"]).unwrap();
        assert_eq!(again.next_number(), 2);
        assert_ne!(again.rng().next_u64(), first_draw);
        let after_kill = IdSource::restore(SavedIds::default(), &settings(3), &["v", "t"]).unwrap();
        assert_eq!(after_kill.peek(), 3_000_000_001);
    }

    #[test]
    fn a_resumed_tenant_continues_its_numbers_on_a_new_stream() {
        let mut first = IdSource::new(&settings(0), &["v", "t"]);
        let drawn: Vec<u64> = (0..3).map(|_| first.rng().next_u64()).collect();
        first.next_number();
        let mut again = IdSource::new(&settings(0), &["v", "t"]);
        again.resume(first.save());
        assert_eq!(again.next_number(), 2);
        let redrawn: Vec<u64> = (0..3).map(|_| again.rng().next_u64()).collect();
        assert!(drawn.iter().all(|d| !redrawn.contains(d)));
    }

    #[test]
    fn a_counter_or_generation_that_would_wrap_is_refused() {
        let near = SavedIds {
            next: u64::MAX - 5,
            generation: 0,
        };
        let err = IdSource::restore(near, &settings(0), &["v"]).unwrap_err();
        assert!(err.contains(&(u64::MAX - 5).to_string()), "{err}");
        let spent = SavedIds {
            next: 1,
            generation: u64::MAX,
        };
        assert!(IdSource::restore(spent, &settings(0), &["v"]).is_err());
    }

    #[test]
    fn uuids_are_v4_and_follow_the_seed() {
        let mut a = rand::rngs::StdRng::seed_from_u64(7);
        let mut b = rand::rngs::StdRng::seed_from_u64(7);
        let id = uuid_from(&mut a);
        assert_eq!(id, uuid_from(&mut b));
        let parsed = uuid::Uuid::parse_str(&id).expect("a UUID");
        assert_eq!(parsed.get_version_num(), 4);
    }
}
