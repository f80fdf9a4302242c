//! One tenant's DevRev records: engagements by number (so cursors seek instead of scanning) and
//! which engagement each artifact is attached to.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::seeded_rng;
use crate::store::{IdSource, RecordBytes, SavedIds, TenantState, TenantStore, VendorSettings};

/// Every tenant's DevRev records.
pub type Records = TenantStore<TenantData>;

/// The dev user a tenant's token belongs to: fake, but stable for the seed and token.
fn user_for(seed: u64, key: &str) -> UserSummary {
    use fake::Fake;
    let mut rng = seeded_rng(seed, &["devrev-user", key]);
    let first: String = fake::faker::name::en::FirstName().fake_with_rng(&mut rng);
    let last: String = fake::faker::name::en::LastName().fake_with_rng(&mut rng);
    let number: u32 = (1..10_000).fake_with_rng(&mut rng);
    let id = super::ids::ObjectId {
        kind: super::ids::Kind::DevUser,
        number: number.to_string(),
    };
    let picture = super::ids::ObjectId {
        kind: super::ids::Kind::Artifact,
        number: number.to_string(),
    };
    let size: u32 = (2_000..60_000).fake_with_rng(&mut rng);
    UserSummary {
        kind: "dev_user".to_owned(),
        id: id.don(),
        display_id: id.display(),
        display_name: format!("{}.{}", first.to_lowercase(), last.to_lowercase()),
        full_name: format!("{first} {last}"),
        email: format!(
            "{}.{}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        ),
        state: "active".to_owned(),
        display_picture: Some(serde_json::json!({
            "id": picture.don(),
            "display_id": picture.display(),
            "file": {"type": "image/png", "name": "avatar.png", "size": size},
        })),
    }
}

/// The user summary DevRev puts in `created_by` / `modified_by`. Records hold it behind an `Arc`:
/// every record of a tenant names the same user, and a copy each was half a stored record's
/// memory and a tenth of a create's CPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub display_id: String,
    pub display_name: String,
    pub full_name: String,
    pub email: String,
    pub state: String,
    /// An artifact summary `{id, display_id, file: {type, name, size}}` (DevRev's
    /// user-base-summary); absent from records saved before it was simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_picture: Option<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Engagement {
    #[serde(skip)]
    pub number: u64,
    pub id: String,
    pub display_id: String,
    pub created_by: Arc<UserSummary>,
    pub created_date: String,
    pub modified_by: Arc<UserSummary>,
    pub modified_date: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub members: Vec<String>,
    pub engagement_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub parents: Vec<String>,
    pub artifacts: Vec<String>,
    pub tags: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_url: Option<String>,
}

/// Filters shared by `engagements.list` and `engagements.count`; each holds when empty.
#[derive(Debug, Default)]
pub struct Filters {
    pub types: Vec<String>,
    pub members: Vec<String>,
    pub parents: Vec<String>,
    pub external_refs: Vec<String>,
}

impl Filters {
    pub fn accepts(&self, e: &Engagement) -> bool {
        (self.types.is_empty() || self.types.contains(&e.engagement_type))
            && (self.members.is_empty() || e.members.iter().any(|m| self.members.contains(m)))
            && (self.parents.is_empty() || e.parents.iter().any(|p| self.parents.contains(p)))
            && (self.external_refs.is_empty()
                || e.external_ref
                    .as_ref()
                    .is_some_and(|r| self.external_refs.contains(r)))
    }
}

/// One tenant as saved in the state file.
#[derive(Serialize, Deserialize)]
pub struct TenantSnapshot {
    pub key: String,
    pub next_number: u64,
    /// How many times the tenant's ids were restored (absent in older files: 0).
    #[serde(default)]
    pub id_generation: u64,
    pub engagements: Vec<Engagement>,
    pub artifact_parent: HashMap<String, u64>,
    pub user: UserSummary,
}

pub struct TenantData {
    pub ids: IdSource,
    pub engagements: BTreeMap<u64, Engagement>,
    /// Artifact DON → number of the engagement it is attached to.
    pub artifact_parent: HashMap<String, u64>,
    pub user: Arc<UserSummary>,
    /// The engagements' sizes by number, for `--tenant-record-bytes`.
    pub bytes: RecordBytes<u64>,
}

impl TenantData {
    pub fn new(user: UserSummary, settings: &VendorSettings) -> TenantData {
        TenantData {
            ids: IdSource::new(settings, &["devrev"]),
            engagements: BTreeMap::new(),
            artifact_parent: HashMap::new(),
            user: Arc::new(user),
            bytes: RecordBytes::default(),
        }
    }

    pub fn snapshot(&self, key: &str) -> TenantSnapshot {
        let ids = self.ids.save();
        TenantSnapshot {
            key: key.to_owned(),
            next_number: ids.next,
            id_generation: ids.generation,
            engagements: self.engagements.values().cloned().collect(),
            artifact_parent: self.artifact_parent.clone(),
            user: (*self.user).clone(),
        }
    }

    /// A saved tenant; its numbering resumes at this epoch's range if that lies beyond the saved
    /// counter, so numbers issued after the save by a killed process are never issued again.
    pub fn restore(snap: TenantSnapshot, settings: &VendorSettings) -> Result<TenantData, String> {
        let user = Arc::new(snap.user);
        let mut engagements = BTreeMap::new();
        for mut e in snap.engagements {
            // The file holds a copy per record; records that name the tenant's user share it again.
            for named in [&mut e.created_by, &mut e.modified_by] {
                if **named == *user {
                    *named = user.clone();
                }
            }
            e.number =
                e.id.rsplit('/')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| format!("engagement id '{}' has no number", e.id))?;
            if e.number >= snap.next_number {
                return Err(format!(
                    "engagement {} is not below the next number {}",
                    e.id, snap.next_number
                ));
            }
            engagements.insert(e.number, e);
        }
        let saved = SavedIds {
            next: snap.next_number,
            generation: snap.id_generation,
        };
        let mut bytes = RecordBytes::default();
        for (n, e) in &engagements {
            bytes.set(*n, e);
        }
        Ok(TenantData {
            ids: IdSource::restore(saved, settings, &["devrev"])?,
            engagements,
            artifact_parent: snap.artifact_parent,
            user,
            bytes,
        })
    }

    /// Up to `limit` engagements strictly after (`forward`) or before `from` in number order, in
    /// ascending order, and whether more matching ones lie beyond them.
    pub fn page(
        &self,
        from: Option<u64>,
        forward: bool,
        limit: usize,
        filters: &Filters,
    ) -> (Vec<&Engagement>, bool) {
        let range = match (from, forward) {
            (Some(n), true) => (Bound::Excluded(n), Bound::Unbounded),
            (Some(n), false) => (Bound::Unbounded, Bound::Excluded(n)),
            (None, _) => (Bound::Unbounded, Bound::Unbounded),
        };
        let iter = self
            .engagements
            .range(range)
            .map(|(_, e)| e)
            .filter(|e| filters.accepts(e));
        let mut items: Vec<&Engagement> = if forward {
            iter.take(limit + 1).collect()
        } else {
            iter.rev().take(limit + 1).collect()
        };
        let more = items.len() > limit;
        items.truncate(limit);
        if !forward {
            items.reverse();
        }
        (items, more)
    }

    /// Whether any matching engagement lies strictly before (`forward == false`) or after `n`.
    pub fn any_beyond(&self, n: u64, forward: bool, filters: &Filters) -> bool {
        let range = if forward {
            (Bound::Excluded(n), Bound::Unbounded)
        } else {
            (Bound::Unbounded, Bound::Excluded(n))
        };
        self.engagements
            .range(range)
            .any(|(_, e)| filters.accepts(e))
    }
}

impl TenantState for TenantData {
    type Saved = TenantSnapshot;

    fn fresh(key: &str, settings: &VendorSettings) -> Self {
        TenantData::new(user_for(settings.seed, key), settings)
    }

    fn ids(&mut self) -> &mut IdSource {
        &mut self.ids
    }

    fn record_bytes(&self) -> usize {
        self.bytes.total()
    }

    fn show(&self) -> Value {
        let engagements: Vec<&Engagement> = self.engagements.values().collect();
        serde_json::json!({ "engagements": engagements })
    }

    fn save(&self, key: &str) -> TenantSnapshot {
        self.snapshot(key)
    }

    fn load(saved: TenantSnapshot, settings: &VendorSettings) -> Result<(String, Self), String> {
        let key = saved.key.clone();
        Ok((key, TenantData::restore(saved, settings)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restored_records_share_the_tenants_user() {
        let settings = VendorSettings::new(7, 0, 0, Arc::new(crate::clock::Clock::new(None)));
        let user = serde_json::to_value(user_for(7, "k")).unwrap();
        let engagement = serde_json::json!({
            "id": "don:core:dvrv-us-1:devo/0:engagement/1", "display_id": "ENG-1",
            "created_by": user, "created_date": "2026-12-01T00:00:00.000Z",
            "modified_by": user, "modified_date": "2026-12-01T00:00:00.000Z",
            "title": "QBR", "members": [], "engagement_type": "default", "parents": [],
            "artifacts": [], "tags": []
        });
        let snap: TenantSnapshot = serde_json::from_value(serde_json::json!({
            "key": "k", "next_number": 2, "engagements": [engagement],
            "artifact_parent": {}, "user": user
        }))
        .unwrap();
        let data = TenantData::restore(snap, &settings).unwrap();
        let e = &data.engagements[&1];
        assert!(Arc::ptr_eq(&e.created_by, &data.user));
        assert!(Arc::ptr_eq(&e.modified_by, &data.user));
    }
}
