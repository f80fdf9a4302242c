//! One Salesforce tenant as `--state-file` saves it, and the checks that refuse a snapshot that
//! would leave dangling links or let ids be minted twice.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};

use std::sync::atomic::{AtomicU64, Ordering};

use super::ids::{self, Object};
use super::state::{id_parts, Cursor, Record, TenantData};
use crate::store::TenantState;
use crate::store::{IdSource, SavedIds, VendorSettings};
use serde_json::Value;

/// One tenant as saved: its seeded pod and owner, the next record number (ids are that counter,
/// so continuing from it never reuses one), records, tombstones, open cursors and API usage.
#[derive(Serialize, Deserialize)]
pub struct TenantSnapshot {
    pub key: String,
    pub pod: String,
    pub owner: String,
    pub next_number: u64,
    /// How many times the org's ids were restored (absent in older files: 0).
    #[serde(default)]
    pub id_generation: u64,
    pub api_usage: u64,
    pub records: Vec<Record>,
    pub deleted: Vec<String>,
    /// The recycle bin (`queryAll`), oldest deletion first (absent in older files: empty).
    #[serde(default)]
    pub recycled: Vec<Record>,
    /// Open query cursors, oldest first.
    pub cursors: Vec<(String, Cursor)>,
}

impl TenantData {
    pub fn snapshot(&self, key: &str) -> TenantSnapshot {
        let ids = self.ids.save();
        let mut deleted: Vec<String> = self.deleted.iter().cloned().collect();
        deleted.sort();
        TenantSnapshot {
            key: key.to_owned(),
            pod: self.pod.clone(),
            owner: self.owner.clone(),
            next_number: ids.next,
            id_generation: ids.generation,
            api_usage: self.api_usage.load(Ordering::Relaxed),
            records: self.records.values().cloned().collect(),
            deleted,
            recycled: self
                .recycle_order
                .iter()
                .filter_map(|id| self.recycled.get(id).cloned())
                .collect(),
            cursors: self
                .cursor_order
                .iter()
                .filter_map(|l| Some((l.clone(), self.cursors.get(l)?.clone())))
                .collect(),
        }
    }

    /// Rebuilds a tenant, re-deriving the external-id index and the interaction count from the
    /// records, after checking every id belongs to this tenant's pod and lies below the counter. Its
    /// numbering resumes at this epoch's range if that lies beyond the saved counter.
    pub fn restore(snap: TenantSnapshot, settings: &VendorSettings) -> Result<TenantData, String> {
        let pod_ok = snap.pod.len() == 2 && snap.pod.bytes().all(|b| b.is_ascii_alphanumeric());
        if !pod_ok {
            return Err(format!("pod '{}' is not two base-62 characters", snap.pod));
        }
        let own = |id: &str, object: Object| -> Result<(), String> {
            let minted = id.len() == 15
                && ids::parse(id).as_deref() == Some(id)
                && Object::of(id) == Some(object)
                && id[3..5] == snap.pod
                && number(&id[6..]).is_some_and(|n| n < snap.next_number);
            if minted {
                Ok(())
            } else {
                Err(format!(
                    "id '{id}' is not a {} id of pod {} below the next number {}",
                    object.sobject(),
                    snap.pod,
                    snap.next_number
                ))
            }
        };
        let mut records = BTreeMap::new();
        for r in snap.records {
            own(&r.id, r.object)?;
            if records.insert(r.id.clone(), r).is_some() {
                return Err("a record id appears twice".into());
            }
        }
        let mut external_ids = HashMap::new();
        let mut interaction_count = 0;
        for r in records.values() {
            if r.object != Object::Interaction {
                continue;
            }
            interaction_count += 1;
            for c in &r.children {
                let parent = records
                    .get(c)
                    .filter(|c| c.object != Object::Interaction)
                    .and_then(|c| c.fields.get("engagementInteractionId"))
                    .and_then(|v| v.as_str())
                    .and_then(ids::parse);
                if parent.as_deref() != Some(r.id.as_str()) {
                    return Err(format!("interaction {} lists a missing child {c}", r.id));
                }
            }
            if let Some(ext) = r
                .fields
                .get("externalIdentifierId")
                .and_then(|v| v.as_str())
            {
                if external_ids.insert(ext.to_owned(), r.id.clone()).is_some() {
                    return Err(format!("external identifier '{ext}' is used twice"));
                }
            }
        }
        let children: HashSet<&String> = records.values().flat_map(|r| r.children.iter()).collect();
        if let Some(orphan) = records
            .values()
            .find(|r| r.object != Object::Interaction && !children.contains(&r.id))
        {
            return Err(format!("{} belongs to no interaction", orphan.id));
        }
        for d in &snap.deleted {
            let object = Object::of(d).unwrap_or(Object::User);
            own(d, object)?;
        }
        let mut recycled = BTreeMap::new();
        let mut recycle_order = VecDeque::new();
        for r in snap.recycled {
            own(&r.id, r.object)?;
            recycle_order.push_back(r.id.clone());
            recycled.insert(r.id.clone(), Record { deleted: true, ..r });
        }
        let mut cursors = HashMap::new();
        let mut cursor_order = VecDeque::new();
        for (locator, cursor) in snap.cursors {
            if cursor.batch == 0 {
                return Err(format!("cursor {locator} has a batch size of 0"));
            }
            cursor_order.push_back(locator.clone());
            cursors.insert(locator, cursor);
        }
        let mut data = TenantData {
            pod: snap.pod,
            owner: snap.owner,
            ids: IdSource::restore(
                SavedIds {
                    next: snap.next_number,
                    generation: snap.id_generation,
                },
                settings,
                &id_parts(&snap.key),
            )?,
            api_usage: AtomicU64::new(snap.api_usage),
            records,
            interaction_count,
            bytes: Default::default(),
            external_ids,
            deleted: snap.deleted.into_iter().collect(),
            recycled,
            recycle_order,
            recycled_bytes: Default::default(),
            cursors,
            cursor_order,
        };
        data.count_bytes();
        Ok(data)
    }
}

/// A 9-digit base-62 record number.
fn number(text: &str) -> Option<u64> {
    if text.len() != 9 {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return None,
        };
        n.checked_mul(62)?.checked_add(u64::from(d))
    })
}

impl TenantState for TenantData {
    type Saved = TenantSnapshot;

    fn fresh(key: &str, settings: &VendorSettings) -> Self {
        TenantData::new(settings, key)
    }

    fn ids(&mut self) -> &mut IdSource {
        &mut self.ids
    }

    fn record_bytes(&self) -> usize {
        self.bytes.total() + self.recycled_bytes.total()
    }

    fn show(&self) -> Value {
        let records: Vec<&Record> = self.records.values().collect();
        serde_json::json!({ "records": records })
    }

    fn save(&self, key: &str) -> Self::Saved {
        self.snapshot(key)
    }

    fn load(saved: Self::Saved, settings: &VendorSettings) -> Result<(String, Self), String> {
        let key = saved.key.clone();
        let data = TenantData::restore(saved, settings)
            .map_err(|e| format!("tenant {}: {e}", crate::tenant::fingerprint(&key)))?;
        Ok((key, data))
    }
}
