//! One linked account's Merge records: its engagements, in list order, with an index by id, and
//! the tenant's seeded random source for ids (reseeded per restore generation, so a restored
//! account never replays ids it already drew). The read-only reference records (users, accounts,
//! contacts, engagement types, remote field classes) live in `seed.rs`, one copy shared by every
//! account; an account holds its own only when a state file written before they were shared
//! gave it some.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::seed::Refs;
use crate::store::{IdSource, RecordBytes, TenantStore, VendorSettings};

/// Every linked account's Merge records.
pub type Records = TenantStore<TenantData>;

/// The seed parts of an account's id stream.
pub fn id_parts(key: &str) -> [&str; 2] {
    ["merge", key]
}

/// An engagement as stored. Dates Merge sets are kept typed for the list filters; everything a
/// client sent is kept as sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Engagement {
    pub id: String,
    pub remote_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    pub owner: Option<String>,
    pub content: Option<String>,
    pub subject: Option<String>,
    pub direction: Option<String>,
    pub engagement_type: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub account: Option<String>,
    pub contacts: Vec<String>,
    pub engagement_url: Option<String>,
    pub remote_was_deleted: bool,
    pub remote_fields: Vec<RemoteField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_params: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_account_params: Option<Value>,
}

/// One of an engagement's remote fields: its class as the account knows it (shared with the
/// account's catalog, not copied into every engagement) and the value a client sent. Written out
/// as the same `{"remote_field_class": ..., "value": ...}` object Merge answers with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoteField {
    pub remote_field_class: Arc<Value>,
    #[serde(default)]
    pub value: Value,
}

impl Engagement {
    /// An engagement with Merge's fields set and nothing a client sends.
    pub fn new(id: String, remote_id: Option<String>, now: DateTime<Utc>) -> Engagement {
        Engagement {
            id,
            remote_id,
            created_at: now,
            modified_at: now,
            owner: None,
            content: None,
            subject: None,
            direction: None,
            engagement_type: None,
            start_time: None,
            end_time: None,
            account: None,
            contacts: Vec::new(),
            engagement_url: None,
            remote_was_deleted: false,
            remote_fields: Vec::new(),
            integration_params: None,
            linked_account_params: None,
        }
    }
}

pub use super::seed::Rank;

/// One page of a ranked map, with the ranks its `next` and `previous` cursors continue from.
pub struct Page<'a, T> {
    pub items: Vec<&'a T>,
    pub next: Option<Rank>,
    pub previous: Option<Rank>,
}

/// Where a cursor points: after a rank (`next`) or before one (`previous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    After(Rank),
    Before(Rank),
}

/// Up to `size` items of `map` that `keep` accepts, starting at the cursor, with the cursors of
/// the neighbouring pages (as Django REST framework's cursor pagination gives them).
pub fn page<'a, T>(
    map: &'a BTreeMap<Rank, T>,
    cursor: Option<Cursor>,
    size: usize,
    keep: impl Fn(&T) -> bool,
) -> Page<'a, T> {
    let before = |r: Rank| (Bound::Unbounded, Bound::Excluded(r));
    let after = |r: Rank| (Bound::Excluded(r), Bound::Unbounded);
    let (range, forward) = match cursor {
        None => ((Bound::Unbounded, Bound::Unbounded), true),
        Some(Cursor::After(r)) => (after(r), true),
        Some(Cursor::Before(r)) => (before(r), false),
    };
    let matching = map
        .range(range)
        .filter(|(_, v)| keep(v))
        .map(|(k, v)| (*k, v));
    // One more than a page tells whether more lie beyond it in the direction of travel.
    let mut found: Vec<(Rank, &T)> = if forward {
        matching.take(size + 1).collect()
    } else {
        matching.rev().take(size + 1).collect()
    };
    let more = found.len() > size;
    found.truncate(size);
    if !forward {
        found.reverse();
    }
    let (first, last) = (found.first().map(|e| e.0), found.last().map(|e| e.0));
    let (previous, next) = if forward {
        let earlier = |k: &Rank| map.range(before(*k)).any(|(_, v)| keep(v));
        (first.filter(earlier), last.filter(|_| more))
    } else {
        let later = |k: &Rank| map.range(after(*k)).any(|(_, v)| keep(v));
        (first.filter(|_| more), last.filter(later))
    };
    Page {
        items: found.into_iter().map(|(_, v)| v).collect(),
        next,
        previous,
    }
}

/// How long Merge keeps an `Idempotency-Key` (docs.merge.dev "Idempotency": 24 hours).
pub const IDEMPOTENCY_TTL_SECS: i64 = 24 * 60 * 60;

/// The answer a create with an `Idempotency-Key` gave, kept to replay it.
pub struct Remembered {
    /// Hash of the request's body and query: a reuse with other parameters is refused.
    pub fingerprint: u64,
    pub at: DateTime<Utc>,
    pub reply: crate::vendor::Reply,
}

impl Remembered {
    /// The bytes this answer takes as counted for `--tenant-record-bytes`: its key, headers and
    /// body (what the state file keeps of it).
    pub fn size(&self, key: &str) -> usize {
        let headers: usize = self
            .reply
            .headers
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len())
            .sum();
        key.len() + headers + self.reply.body.len()
    }
}

/// The model fields the linked account's integration requires on create (`post`) and on patch
/// (`patch`). Merge derives them from the integration; a fresh simulated account requires none
/// (the create page's `{"model": {}}` answers 201), and the admin API sets them per account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredFields {
    pub post: Vec<String>,
    pub patch: Vec<String>,
}

pub struct TenantData {
    /// The account's ids; each restore draws from a stream no earlier run used.
    pub ids: IdSource,
    /// The reference records every account shares, looked up once on first read.
    shared_refs: OnceLock<Arc<Refs>>,
    /// Reference records of this account alone, from a state file written when each account had
    /// its own (kept, since its engagements may name them); `None` for every other account.
    pub own_refs: Option<Arc<Refs>>,
    /// Creates made with an `Idempotency-Key`, by key.
    pub idempotency: HashMap<String, Remembered>,
    /// The remembered answers' sizes by key, for `--tenant-record-bytes`.
    pub idempotency_bytes: RecordBytes<String>,
    /// Creations so far; an engagement's rank is `u64::MAX - its creation number`, so the newest
    /// comes first, as in Django REST framework's default cursor ordering (`-created`).
    pub created: u64,
    pub engagements: BTreeMap<Rank, Engagement>,
    pub by_id: HashMap<String, Rank>,
    /// The engagements' sizes, for `--tenant-record-bytes`.
    pub bytes: RecordBytes<Rank>,
    /// What meta/post and meta/patch declare required, and creates and patches enforce.
    pub required: RequiredFields,
}

impl TenantData {
    pub fn new(ids: IdSource) -> TenantData {
        TenantData {
            ids,
            shared_refs: OnceLock::new(),
            own_refs: None,
            idempotency: HashMap::new(),
            idempotency_bytes: RecordBytes::default(),
            created: 0,
            engagements: BTreeMap::new(),
            by_id: HashMap::new(),
            bytes: RecordBytes::default(),
            required: RequiredFields::default(),
        }
    }

    /// The rank the next engagement takes.
    pub fn next_rank(&mut self) -> Rank {
        self.created += 1;
        u64::MAX - self.created
    }

    /// The remembered answer to `key`, unless it has expired.
    pub fn remembered(&self, key: &str, now: DateTime<Utc>) -> Option<&Remembered> {
        self.idempotency
            .get(key)
            .filter(|r| (now - r.at).num_seconds() < IDEMPOTENCY_TTL_SECS)
    }

    /// Remembers a create's answer under its key. The log is bounded like the engagements, by
    /// the record limit and by `--tenant-record-bytes` (each answer counted by its key, headers
    /// and body): when full, expired keys go first, then the oldest.
    pub fn remember(&mut self, settings: &VendorSettings, key: &str, remembered: Remembered) {
        let adding = remembered.size(key);
        self.forget_answer(key);
        let over = |data: &TenantData| {
            settings.over(
                data.idempotency.len(),
                data.idempotency_bytes.total(),
                adding,
            )
        };
        if over(self) {
            let now = remembered.at;
            let expired: Vec<String> = self
                .idempotency
                .iter()
                .filter(|(_, r)| (now - r.at).num_seconds() >= IDEMPOTENCY_TTL_SECS)
                .map(|(k, _)| k.clone())
                .collect();
            expired.iter().for_each(|k| self.forget_answer(k));
            while over(self) {
                let oldest = self
                    .idempotency
                    .iter()
                    .min_by_key(|(_, r)| r.at)
                    .map(|(k, _)| k.clone());
                match oldest {
                    Some(k) => self.forget_answer(&k),
                    None => break,
                };
            }
        }
        self.idempotency_bytes.set_size(key.to_owned(), adding);
        self.idempotency.insert(key.to_owned(), remembered);
    }

    /// Forgets the answer remembered under `key`, and its bytes.
    fn forget_answer(&mut self, key: &str) {
        self.idempotency.remove(key);
        self.idempotency_bytes.forget(&key.to_owned());
    }

    pub fn find(&self, id: &str) -> Option<&Engagement> {
        self.by_id.get(id).and_then(|r| self.engagements.get(r))
    }

    pub fn find_mut(&mut self, id: &str) -> Option<&mut Engagement> {
        let rank = *self.by_id.get(id)?;
        self.engagements.get_mut(&rank)
    }

    /// Stores a new engagement, forgetting the oldest while the account is at the record limit
    /// (`--tenant-record-limit`) or the new one would take it past `--tenant-record-bytes`; the
    /// id index forgets them too, so nothing points at them.
    pub fn insert(&mut self, settings: &VendorSettings, rank: Rank, engagement: Engagement) {
        let size = crate::store::bytes::size_of(&engagement);
        self.insert_sized(settings, rank, engagement, size);
    }

    /// [`TenantData::insert`] of an engagement already measured with `size_of`; returns the
    /// engagements it forgot, so the caller can drop them after letting go of the lock.
    pub fn insert_sized(
        &mut self,
        settings: &VendorSettings,
        rank: Rank,
        engagement: Engagement,
        size: usize,
    ) -> Vec<Engagement> {
        let mut evicted = Vec::new();
        while settings.over(self.engagements.len(), self.bytes.total(), size) {
            let Some((old, oldest)) = self.engagements.pop_last() else {
                break;
            };
            self.by_id.remove(&oldest.id);
            self.bytes.forget(&old);
            evicted.push(oldest);
        }
        self.by_id.insert(engagement.id.clone(), rank);
        self.bytes.set_size(rank, size);
        self.engagements.insert(rank, engagement);
        evicted
    }

    /// Counts a changed engagement's new size; past `--tenant-record-bytes` the oldest others go.
    pub fn resized(&mut self, settings: &VendorSettings, id: &str) {
        let Some(rank) = self.by_id.get(id).copied() else {
            return;
        };
        if let Some(e) = self.engagements.get(&rank) {
            self.bytes.set(rank, e);
        }
        while settings.over(self.engagements.len() - 1, self.bytes.total(), 0) {
            match self.engagements.last_key_value() {
                Some((&old, oldest)) if old != rank => {
                    self.by_id.remove(&oldest.id);
                    self.engagements.remove(&old);
                    self.bytes.forget(&old);
                }
                _ => break,
            }
        }
    }
}

impl TenantData {
    /// The account's reference records: its own if a state file gave it some, else the copy of
    /// `reference_seed` every account shares (`VendorSettings::reference_seed`).
    pub fn refs(&self, reference_seed: u64) -> &Refs {
        match &self.own_refs {
            Some(own) => own,
            None => self
                .shared_refs
                .get_or_init(|| super::seed::shared(reference_seed)),
        }
    }

    /// [`TenantData::refs`] as a handle that outlives the account's lock.
    pub fn shared_refs(&self, reference_seed: u64) -> Arc<Refs> {
        match &self.own_refs {
            Some(own) => own.clone(),
            None => self
                .shared_refs
                .get_or_init(|| super::seed::shared(reference_seed))
                .clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(n: u64) -> BTreeMap<Rank, u64> {
        (0..n).map(|i| (i, i)).collect()
    }

    #[test]
    fn pages_forward_and_back_without_gap_or_duplicate() {
        let map = numbers(7);
        let p1 = page(&map, None, 3, |_| true);
        assert_eq!(p1.items, vec![&0, &1, &2]);
        assert_eq!((p1.previous, p1.next), (None, Some(2)));
        let p2 = page(&map, Some(Cursor::After(2)), 3, |_| true);
        assert_eq!(p2.items, vec![&3, &4, &5]);
        assert_eq!((p2.previous, p2.next), (Some(3), Some(5)));
        let p3 = page(&map, Some(Cursor::After(5)), 3, |_| true);
        assert_eq!(p3.items, vec![&6]);
        assert_eq!((p3.previous, p3.next), (Some(6), None));
        let back = page(&map, Some(Cursor::Before(6)), 3, |_| true);
        assert_eq!(back.items, vec![&3, &4, &5]);
        assert_eq!((back.previous, back.next), (Some(3), Some(5)));
    }

    #[test]
    fn a_full_account_forgets_its_oldest_engagement() {
        let settings =
            VendorSettings::new(0, 0, 0, std::sync::Arc::new(crate::clock::Clock::new(None)));
        let mut data = TenantData::new(IdSource::new(&settings, &["t"]));
        let engagement = |n: usize| Engagement::new(format!("e{n}"), None, Utc::now());
        let settings =
            VendorSettings::new(0, 3, 0, std::sync::Arc::new(crate::clock::Clock::new(None)));
        for n in 0..=3 {
            let rank = data.next_rank();
            data.insert(&settings, rank, engagement(n));
        }
        assert_eq!(data.engagements.len(), 3);
        assert_eq!(data.by_id.len(), 3);
        assert!(data.find("e0").is_none());
        assert!(data.find("e1").is_some() && data.find("e3").is_some());
    }

    #[test]
    fn filters_apply_before_the_page_is_cut() {
        let map = numbers(10);
        let p = page(&map, None, 2, |v| v % 3 == 0);
        assert_eq!(p.items, vec![&0, &3]);
        assert_eq!(p.next, Some(3));
    }
}
