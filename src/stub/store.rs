//! What stateful stubs keep: per vendor, per tenant (the shared [`TenantStore`]), named collections
//! of records by key, in the order they were written, with the tenant's id source for fresh ids
//! and fake data. Collections are bounded by `--tenant-record-limit` and `--tenant-record-bytes`
//! (oldest first out), as the vendors' own records are.

use std::collections::BTreeMap;

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::store::{IdSource, RecordBytes, SavedIds, TenantState, TenantStore, VendorSettings};

/// One tenant's stub records of one vendor.
pub struct StubData {
    pub ids: IdSource,
    /// Two base-62 characters for Salesforce-style ids, fixed per tenant.
    pub pod: String,
    pub records: Collections,
}

/// A tenant's collections by name.
#[derive(Default)]
pub struct Collections(BTreeMap<String, Collection>);

#[derive(Default, Serialize, Deserialize)]
struct Collection {
    /// Key to (write order, record).
    records: BTreeMap<String, (u64, Value)>,
    next: u64,
    /// The records' sizes by key, for `--tenant-record-bytes` (counted again on load).
    #[serde(skip)]
    bytes: RecordBytes<String>,
}

/// The per-tenant stub records of one vendor.
pub type StubRecords = TenantStore<StubData>;

fn id_parts(key: &str) -> [&str; 2] {
    ["stubs", key]
}

impl Collections {
    pub fn get(&self, collection: &str, key: &str) -> Option<&Value> {
        self.0.get(collection)?.records.get(key).map(|(_, v)| v)
    }

    /// Keeps `record` under `key`; while the collection is at the record limit, or the record
    /// would take it past `--tenant-record-bytes`, its oldest other record goes first.
    pub fn put(&mut self, collection: &str, key: String, record: Value, settings: &VendorSettings) {
        let c = self.0.entry(collection.to_owned()).or_default();
        let adding = crate::store::bytes::size_of(&record);
        c.bytes.forget(&key);
        let others = |c: &Collection| c.records.len() - usize::from(c.records.contains_key(&key));
        while settings.over(others(c), c.bytes.total(), adding) {
            let oldest = c
                .records
                .iter()
                .filter(|(k, _)| **k != key)
                .min_by_key(|(_, (n, _))| *n)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    c.records.remove(&k);
                    c.bytes.forget(&k);
                }
                None => break,
            }
        }
        c.bytes.set_size(key.clone(), adding);
        c.next += 1;
        let order = match c.records.get(&key) {
            Some((n, _)) => *n,
            None => c.next,
        };
        c.records.insert(key, (order, record));
    }

    pub fn remove(&mut self, collection: &str, key: &str) -> Option<Value> {
        let c = self.0.get_mut(collection)?;
        c.bytes.forget(&key.to_owned());
        c.records.remove(key).map(|(_, v)| v)
    }

    /// Every record of the collection, in the order they were first written.
    pub fn list(&self, collection: &str) -> Vec<Value> {
        let Some(c) = self.0.get(collection) else {
            return Vec::new();
        };
        let mut records: Vec<&(u64, Value)> = c.records.values().collect();
        records.sort_by_key(|(n, _)| *n);
        records.into_iter().map(|(_, v)| v.clone()).collect()
    }
}

/// One tenant as the state file would keep it.
#[derive(Serialize, Deserialize)]
pub struct SavedStubs {
    key: String,
    ids: SavedIds,
    pod: String,
    collections: BTreeMap<String, Collection>,
}

impl TenantState for StubData {
    type Saved = SavedStubs;

    fn fresh(key: &str, settings: &VendorSettings) -> StubData {
        let mut ids = IdSource::new(settings, &id_parts(key));
        let pod = crate::store::base62::base62(ids.rng().random_range(62..62 * 62), 2);
        StubData {
            ids,
            pod,
            records: Collections::default(),
        }
    }

    fn ids(&mut self) -> &mut IdSource {
        &mut self.ids
    }

    fn show(&self) -> Value {
        let collections: serde_json::Map<String, Value> = self
            .records
            .0
            .keys()
            .map(|name| (name.clone(), Value::Array(self.records.list(name))))
            .collect();
        json!({ "stubs": collections })
    }

    fn save(&self, key: &str) -> SavedStubs {
        SavedStubs {
            key: key.to_owned(),
            ids: self.ids.save(),
            pod: self.pod.clone(),
            collections: self
                .records
                .0
                .iter()
                .map(|(k, c)| {
                    (
                        k.clone(),
                        Collection {
                            records: c.records.clone(),
                            next: c.next,
                            bytes: RecordBytes::default(),
                        },
                    )
                })
                .collect(),
        }
    }

    fn load(saved: SavedStubs, settings: &VendorSettings) -> Result<(String, StubData), String> {
        let ids = IdSource::restore(saved.ids, settings, &id_parts(&saved.key))?;
        Ok((
            saved.key,
            StubData {
                ids,
                pod: saved.pod,
                records: Collections(
                    saved
                        .collections
                        .into_iter()
                        .map(|(name, mut c)| {
                            for (key, (_, record)) in &c.records {
                                c.bytes.set(key.clone(), record);
                            }
                            (name, c)
                        })
                        .collect(),
                ),
            },
        ))
    }
}
