//! Merge's part of the `--state-file`: every linked account's engagements (with their list
//! ranks), its creation counter, its remembered `Idempotency-Key` answers (so a replay after a
//! restart still answers exactly what the first create did, `run_async` and `is_debug_mode`
//! included) and the generation its random source is seeded with. Reference records are shared
//! and fixed by `--seed`, so they are not saved; an account that a file written before they were
//! shared gave its own keeps them (loaded, and saved again).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::seed::{Catalog, Refs};
use super::state::{id_parts, Engagement, Rank, Remembered, RequiredFields, TenantData};
use crate::store::TenantState;
use crate::store::{IdSource, SavedIds, VendorSettings};
use crate::vendor::Reply;
use serde_json::json;

/// An engagement with the list position it holds.
#[derive(Serialize, Deserialize)]
pub struct SavedEngagement {
    pub rank: Rank,
    #[serde(flatten)]
    pub engagement: Engagement,
}

/// A remembered create answer: status, headers and body exactly as first sent.
#[derive(Serialize, Deserialize)]
pub struct SavedAnswer {
    pub key: String,
    pub fingerprint: u64,
    pub at: DateTime<Utc>,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The reference records, each catalog in list order.
#[derive(Serialize, Deserialize)]
pub struct SavedRefs {
    pub users: Vec<Value>,
    pub accounts: Vec<Value>,
    pub contacts: Vec<Value>,
    pub engagement_types: Vec<Value>,
    pub remote_field_classes: Vec<Value>,
}

/// One linked account as the state file holds it.
#[derive(Serialize, Deserialize)]
pub struct SavedTenant {
    pub key: String,
    pub generation: u64,
    pub created: u64,
    pub engagements: Vec<SavedEngagement>,
    pub idempotency: Vec<SavedAnswer>,
    pub refs: Option<SavedRefs>,
    /// The account's required fields (absent in files written before they existed).
    #[serde(default, skip_serializing_if = "is_default")]
    pub required: RequiredFields,
}

fn is_default(r: &RequiredFields) -> bool {
    *r == RequiredFields::default()
}

fn records(c: &Catalog) -> Vec<Value> {
    c.items.values().map(|v| Value::clone(v)).collect()
}

pub fn save(key: &str, data: &TenantData) -> SavedTenant {
    let refs = data.own_refs.as_deref();
    SavedTenant {
        key: key.to_owned(),
        generation: data.ids.save().generation,
        created: data.created,
        engagements: data
            .engagements
            .iter()
            .map(|(rank, e)| SavedEngagement {
                rank: *rank,
                engagement: e.clone(),
            })
            .collect(),
        idempotency: data
            .idempotency
            .iter()
            .map(|(key, r)| SavedAnswer {
                key: key.clone(),
                fingerprint: r.fingerprint,
                at: r.at,
                status: r.reply.status.as_u16(),
                headers: r
                    .reply
                    .headers
                    .iter()
                    .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_owned())))
                    .collect(),
                body: String::from_utf8_lossy(&r.reply.body).into_owned(),
            })
            .collect(),
        refs: refs.map(|r| SavedRefs {
            users: records(&r.users),
            accounts: records(&r.accounts),
            contacts: records(&r.contacts),
            engagement_types: records(&r.engagement_types),
            remote_field_classes: records(&r.remote_field_classes),
        }),
        required: data.required.clone(),
    }
}

fn answer(saved: SavedAnswer) -> Result<(String, Remembered), String> {
    let bad = |what: &str| format!("idempotency key '{}': bad {what}", saved.key);
    let status = StatusCode::from_u16(saved.status).map_err(|_| bad("status"))?;
    let mut headers = HeaderMap::new();
    for (k, v) in &saved.headers {
        let name = HeaderName::try_from(k.as_str()).map_err(|_| bad("header name"))?;
        let value = HeaderValue::try_from(v.as_str()).map_err(|_| bad("header value"))?;
        headers.append(name, value);
    }
    let reply = Reply {
        status,
        headers,
        body: Bytes::from(saved.body),
    };
    let remembered = Remembered {
        fingerprint: saved.fingerprint,
        at: saved.at,
        reply,
    };
    Ok((saved.key, remembered))
}

/// Rebuilds one account, refusing a snapshot whose ids or ranks collide or whose ranks lie
/// beyond its creation counter (the next create would reuse a list position). The random source
/// is reseeded with the next generation.
pub fn load(settings: &VendorSettings, saved: SavedTenant) -> Result<TenantData, String> {
    if saved.generation == u64::MAX {
        return Err("generation overflows".into());
    }
    let ids = SavedIds {
        next: 0,
        generation: saved.generation,
    };
    let mut data = TenantData::new(IdSource::restore(ids, settings, &id_parts(&saved.key))?);
    data.created = saved.created;
    data.required = saved.required;
    let lowest = u64::MAX - saved.created;
    for SavedEngagement { rank, engagement } in saved.engagements {
        if rank < lowest || rank == u64::MAX {
            return Err(format!(
                "engagement {}: rank {rank} is outside the {} creations",
                engagement.id, saved.created
            ));
        }
        if data.engagements.contains_key(&rank) || data.by_id.contains_key(&engagement.id) {
            return Err(format!("engagement {} is saved twice", engagement.id));
        }
        data.by_id.insert(engagement.id.clone(), rank);
        data.bytes.set(rank, &engagement);
        data.engagements.insert(rank, engagement);
    }
    let mut idempotency = HashMap::new();
    for saved in saved.idempotency {
        let (key, remembered) = answer(saved)?;
        data.idempotency_bytes
            .set_size(key.clone(), remembered.size(&key));
        idempotency.insert(key, remembered);
    }
    data.idempotency = idempotency;
    if let Some(r) = saved.refs {
        let refs = Refs {
            users: Catalog::from_records(r.users)?,
            accounts: Catalog::from_records(r.accounts)?,
            contacts: Catalog::from_records(r.contacts)?,
            engagement_types: Catalog::from_records(r.engagement_types)?,
            remote_field_classes: Catalog::from_records(r.remote_field_classes)?,
        };
        data.own_refs = Some(Arc::new(refs));
    }
    Ok(data)
}

impl TenantState for TenantData {
    type Saved = SavedTenant;

    fn fresh(key: &str, settings: &VendorSettings) -> Self {
        TenantData::new(IdSource::new(settings, &id_parts(key)))
    }

    fn ids(&mut self) -> &mut IdSource {
        &mut self.ids
    }

    fn record_bytes(&self) -> usize {
        self.bytes.total() + self.idempotency_bytes.total()
    }

    fn show(&self) -> Value {
        let engagements: Vec<&Engagement> = self.engagements.values().collect();
        json!({ "engagements": engagements })
    }

    fn save(&self, key: &str) -> Self::Saved {
        save(key, self)
    }

    fn load(saved: Self::Saved, settings: &VendorSettings) -> Result<(String, Self), String> {
        let key = saved.key.clone();
        Ok((key, load(settings, saved)?))
    }
}
