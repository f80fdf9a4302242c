//! One Seismic tenant as saved in the `--state-file`: its seeded reference data (seller, templates,
//! content versions, meetings), its rooms with their creation numbers, its link deliveries and its
//! id counters. Restoring checks the pieces fit together and moves the tenant to a new id stream.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::store::{IdSource, SavedIds};

use super::state::{id_parts, ContentVersion, Delivery, Dsr, Meeting, Template, TenantData, User};
use crate::store::TenantState;
use crate::vendor::VendorSettings;
use serde_json::Value;

/// A room and the creation number that orders it in lists and continuations.
#[derive(Serialize, Deserialize)]
struct SavedDsr {
    number: u64,
    #[serde(flatten)]
    dsr: Dsr,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantSnapshot {
    pub key: String,
    slug: String,
    user: User,
    templates: Vec<Template>,
    contents: Vec<ContentVersion>,
    meetings: Vec<Meeting>,
    dsrs: Vec<SavedDsr>,
    deliveries: VecDeque<Delivery>,
    next_number: u64,
    generation: u64,
}

impl TenantData {
    pub fn snapshot(&self, key: &str) -> TenantSnapshot {
        TenantSnapshot {
            key: key.to_owned(),
            slug: self.slug.clone(),
            user: self.user.clone(),
            templates: self.templates.clone(),
            contents: self.contents.clone(),
            meetings: self.meetings.clone(),
            dsrs: self
                .dsrs
                .iter()
                .map(|(n, d)| SavedDsr {
                    number: *n,
                    dsr: d.clone(),
                })
                .collect(),
            deliveries: self.deliveries.clone(),
            next_number: self.ids.peek(),
            generation: self.ids.save().generation,
        }
    }

    /// The tenant a snapshot describes, or why it cannot be one. Its ids come from the stream of
    /// the next generation, so nothing drawn before the save is drawn again.
    pub fn restore(snap: TenantSnapshot, settings: VendorSettings) -> Result<TenantData, String> {
        let mut dsrs = BTreeMap::new();
        let mut dsr_by_id = HashMap::new();
        for SavedDsr { number, mut dsr } in snap.dsrs {
            if number == 0 || number >= snap.next_number {
                return Err(format!(
                    "DSR {} has number {number}, not between 1 and the next number {}",
                    dsr.id, snap.next_number
                ));
            }
            if dsr_by_id.insert(dsr.id.clone(), number).is_some() {
                return Err(format!("DSR {} is saved twice", dsr.id));
            }
            dsr.number = number;
            if dsrs.insert(number, dsr).is_some() {
                return Err(format!("two DSRs have number {number}"));
            }
        }
        if let Some(d) = snap
            .deliveries
            .iter()
            .find(|d| !dsr_by_id.contains_key(&d.dsr_id))
        {
            return Err(format!(
                "a delivery names DSR {}, which is not saved",
                d.dsr_id
            ));
        }
        if snap.generation == u64::MAX {
            return Err("the restore generation is exhausted".into());
        }
        let saved = SavedIds {
            next: snap.next_number,
            generation: snap.generation,
        };
        Ok(TenantData {
            ids: IdSource::restore(saved, &settings, &id_parts(&snap.key))?,
            slug: snap.slug,
            user: snap.user,
            templates: snap.templates,
            contents: snap.contents,
            meetings: snap.meetings,
            dsrs,
            dsr_by_id,
            deliveries: snap.deliveries,
            dsr_bytes: Default::default(),
            delivery_bytes: 0,
            settings,
        }
        .counted())
    }
}

impl TenantState for TenantData {
    type Saved = TenantSnapshot;

    fn fresh(key: &str, settings: &VendorSettings) -> Self {
        TenantData::seeded(settings.clone(), key)
    }

    fn ids(&mut self) -> &mut IdSource {
        &mut self.ids
    }

    fn record_bytes(&self) -> usize {
        self.dsr_bytes.total()
    }

    fn show(&self) -> Value {
        let dsrs: Vec<&Dsr> = self.dsrs.values().collect();
        serde_json::json!({
            "tenant": self.slug,
            "user": self.user,
            "templates": self.templates,
            "contentVersions": self.contents,
            "meetings": self.meetings,
            "dsrs": dsrs,
            "deliveries": self.deliveries,
        })
    }

    fn save(&self, key: &str) -> Self::Saved {
        self.snapshot(key)
    }

    fn load(saved: Self::Saved, settings: &VendorSettings) -> Result<(String, Self), String> {
        let key = saved.key.clone();
        let data = TenantData::restore(saved, settings.clone())
            .map_err(|e| format!("tenant {}: {e}", crate::tenant::fingerprint(&key)))?;
        Ok((key, data))
    }
}
