//! One tenant's (organization's) Siro records: engagements in sync order (so list cursors seek),
//! indexed by internal id and by `externalId`; the nested records an engagement links (accounts,
//! contacts, opportunities, leads, engagement types, external users), each keyed by its own
//! `externalId` with the merge redirects CRM merges leave behind; and the undo log that makes one
//! sync, or one batch, apply all or nothing.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::store::{IdSource, RecordBytes, SavedIds, TenantState, TenantStore, VendorSettings};

/// Every tenant's (organization's) Siro records.
pub type Records = TenantStore<TenantData>;

/// The seed parts of a tenant's id stream.
fn id_parts(key: &str) -> [&str; 2] {
    ["siro", key]
}

/// The kinds of nested record an engagement sync upserts or links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Account,
    Contact,
    Opportunity,
    Lead,
    EngagementType,
    User,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Account,
        Kind::Contact,
        Kind::Opportunity,
        Kind::Lead,
        Kind::EngagementType,
        Kind::User,
    ];

    /// The request field that carries this kind, used in messages and the state dump.
    pub fn field(self) -> &'static str {
        match self {
            Kind::Account => "account",
            Kind::Contact => "contact",
            Kind::Opportunity => "opportunity",
            Kind::Lead => "lead",
            Kind::EngagementType => "engagementType",
            Kind::User => "engagementUser",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A nested record: its internal id, its fields as last synced, and (for a contact) its account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub external_id: String,
    pub fields: Map<String, Value>,
    /// Registry key of the contact's account, if it has one.
    pub account: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Record {
    /// `{id, externalId, ...fields, createdAt, updatedAt}`.
    pub fn to_json(&self) -> Value {
        let mut out = Map::with_capacity(self.fields.len() + 4);
        out.insert("id".into(), json!(self.id));
        out.insert("externalId".into(), json!(self.external_id));
        for (k, v) in &self.fields {
            out.insert(k.clone(), v.clone());
        }
        out.insert("createdAt".into(), json!(self.created_at));
        out.insert("updatedAt".into(), json!(self.updated_at));
        Value::Object(out)
    }
}

/// The records of one kind by external id, and where merged-away external ids now point.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Registry {
    pub records: HashMap<String, Record>,
    pub merged_into: HashMap<String, String>,
}

/// Following merges from an external id ended in a loop.
#[derive(Debug)]
pub struct MergeCycle;

impl Registry {
    /// The external id that `key` stands for after following merges (itself when not merged).
    pub fn resolve<'a>(&'a self, key: &'a str) -> Result<&'a str, MergeCycle> {
        let mut at = key;
        for _ in 0..=self.merged_into.len() {
            match self.merged_into.get(at) {
                Some(next) if next != at => at = next,
                _ => return Ok(at),
            }
        }
        Err(MergeCycle)
    }

    /// The record `key` resolves to, if it was synced.
    pub fn live(&self, key: &str) -> Option<&Record> {
        self.resolve(key).ok().and_then(|k| self.records.get(k))
    }
}

/// What an engagement's `engagementType` is: a synced type, or an internal type id the simulator
/// has not seen (Siro types configured in its UI), shown as given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TypeRef {
    Key(String),
    Raw(String),
}

/// One user on one engagement: the user (by registry key) and the link's own fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserLink {
    pub key: String,
    /// `shareOfSale` and `deletedAt` as sent for this engagement.
    pub link: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Engagement {
    pub seq: u64,
    pub id: String,
    pub external_id: String,
    /// The nullable scalars (`direction`, `subject`, `startTime`, `deletedAt`...) that are set.
    pub scalars: Map<String, Value>,
    pub kind: TypeRef,
    pub account: Option<String>,
    pub contact: Option<String>,
    pub opportunity: Option<String>,
    pub lead: Option<String>,
    pub users: Vec<UserLink>,
    pub created_at: String,
    pub updated_at: String,
}

/// The keys of Siro's engagement response example (docs.siro.ai "Get an engagement" and "Sync an
/// engagement"; OpenAPI `openapi-externalApi.json`) that an engagement may leave unset: each is
/// answered, as `null` when unset. `recordingId` is always `null` (the simulator has no recordings).
pub const ANSWER_KEYS: &[&str] = &[
    "direction",
    "subject",
    "content",
    "startTime",
    "startTimeLocalized",
    "endTime",
    "recordingId",
    "opportunityId",
    "accountId",
];

impl Engagement {
    pub fn is_deleted(&self) -> bool {
        self.scalars.get("deletedAt").is_some_and(|v| !v.is_null())
    }

    pub fn scalar(&self, name: &str) -> Option<&str> {
        self.scalars.get(name).and_then(Value::as_str)
    }
}

pub struct TenantData {
    pub organization_id: String,
    /// Engagement sequence numbers and the stream UUIDs are drawn from.
    pub ids: IdSource,
    pub engagements: BTreeMap<u64, Engagement>,
    pub by_id: HashMap<String, u64>,
    pub by_external: HashMap<String, u64>,
    /// The engagements' sizes by sequence number, for `--tenant-record-bytes`.
    pub bytes: RecordBytes<u64>,
    registries: [Registry; 6],
}

/// One change to undo: the slot and what it held before.
enum Change {
    Engagement {
        seq: u64,
        prev: Option<Engagement>,
    },
    Record {
        kind: Kind,
        key: String,
        prev: Option<Record>,
    },
    Redirect {
        kind: Kind,
        key: String,
        prev: Option<String>,
    },
    /// The oldest engagement, evicted to keep the tenant within the record limit.
    Evicted(Engagement),
}

/// The changes of one sync or batch, in order, so a failure restores the state it started from
/// (ids included: the random source and the sequence are restored too).
pub struct Log {
    changes: Vec<Change>,
    ids: IdSource,
}

impl Log {
    pub fn begin(data: &TenantData) -> Log {
        Log {
            changes: Vec::new(),
            ids: data.ids.clone(),
        }
    }

    pub fn rollback(self, data: &mut TenantData) {
        for change in self.changes.into_iter().rev() {
            match change {
                Change::Engagement { seq, prev: Some(e) } => {
                    data.bytes.set(seq, &e);
                    data.engagements.insert(seq, e);
                }
                Change::Engagement { seq, prev: None } => {
                    data.bytes.forget(&seq);
                    if let Some(e) = data.engagements.remove(&seq) {
                        data.by_id.remove(&e.id);
                        data.by_external.remove(&e.external_id);
                    }
                }
                Change::Record { kind, key, prev } => {
                    let records = &mut data.registries[kind.index()].records;
                    match prev {
                        Some(r) => records.insert(key, r),
                        None => records.remove(&key),
                    };
                }
                Change::Redirect { kind, key, prev } => {
                    let merged = &mut data.registries[kind.index()].merged_into;
                    match prev {
                        Some(to) => merged.insert(key, to),
                        None => merged.remove(&key),
                    };
                }
                Change::Evicted(e) => {
                    data.bytes.set(e.seq, &e);
                    data.by_id.insert(e.id.clone(), e.seq);
                    data.by_external.insert(e.external_id.clone(), e.seq);
                    data.engagements.insert(e.seq, e);
                }
            }
        }
        data.ids = self.ids;
    }
}

/// One tenant as the state file keeps it: every record, the sequence counter and the restore
/// generation. The indexes are rebuilt from the engagements on restore.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantSnapshot {
    pub key: String,
    pub organization_id: String,
    pub generation: u64,
    pub next_seq: u64,
    pub engagements: Vec<Engagement>,
    /// One registry per [`Kind`], in [`Kind::ALL`] order.
    pub registries: Vec<Registry>,
}

impl TenantData {
    pub fn snapshot(&self, key: &str) -> TenantSnapshot {
        let ids = self.ids.save();
        TenantSnapshot {
            key: key.to_owned(),
            organization_id: self.organization_id.clone(),
            generation: ids.generation,
            next_seq: ids.next,
            engagements: self.engagements.values().cloned().collect(),
            registries: self
                .registries
                .iter()
                .map(|r| Registry {
                    records: r.records.clone(),
                    merged_into: r.merged_into.clone(),
                })
                .collect(),
        }
    }

    /// Rebuilds a tenant from its snapshot, refusing one whose parts disagree. A restored tenant
    /// never replays the stream it drew its stored ids from, so new ids cannot repeat old ones.
    pub fn restore(snap: TenantSnapshot, settings: &VendorSettings) -> Result<TenantData, String> {
        let registries: [Registry; 6] = snap.registries.try_into().map_err(|r: Vec<_>| {
            format!(
                "tenant has {} registries, expected {}",
                r.len(),
                Kind::ALL.len()
            )
        })?;
        if snap.generation == u64::MAX {
            return Err("generation is at its maximum".into());
        }
        let saved = SavedIds {
            next: snap.next_seq,
            generation: snap.generation,
        };
        let ids = IdSource::restore(saved, settings, &id_parts(&snap.key))?;
        let mut data = TenantData::new(snap.organization_id, ids);
        data.registries = registries;
        for e in snap.engagements {
            if e.seq == 0 || e.seq >= snap.next_seq {
                return Err(format!(
                    "engagement {} has sequence {}, not in 1..{}",
                    e.id, e.seq, snap.next_seq
                ));
            }
            if data.engagements.contains_key(&e.seq)
                || data.by_id.contains_key(&e.id)
                || data.by_external.contains_key(&e.external_id)
            {
                return Err(format!(
                    "engagement {} (externalId '{}') is stored twice",
                    e.id, e.external_id
                ));
            }
            data.by_id.insert(e.id.clone(), e.seq);
            data.by_external.insert(e.external_id.clone(), e.seq);
            data.bytes.set(e.seq, &e);
            data.engagements.insert(e.seq, e);
        }
        Ok(data)
    }

    pub fn new(organization_id: String, ids: IdSource) -> TenantData {
        TenantData {
            organization_id,
            ids,
            engagements: BTreeMap::new(),
            by_id: HashMap::new(),
            by_external: HashMap::new(),
            bytes: RecordBytes::default(),
            registries: Default::default(),
        }
    }

    pub fn registry(&self, kind: Kind) -> &Registry {
        &self.registries[kind.index()]
    }

    /// Stores a record, remembering what the slot held.
    pub fn put_record(&mut self, log: &mut Log, kind: Kind, record: Record) {
        let key = record.external_id.clone();
        let prev = self.registries[kind.index()]
            .records
            .insert(key.clone(), record);
        log.changes.push(Change::Record { kind, key, prev });
    }

    /// Points a merged-away external id at its survivor (`None`: undoes the merge).
    pub fn redirect(&mut self, log: &mut Log, kind: Kind, from: &str, to: Option<&str>) {
        let merged = &mut self.registries[kind.index()].merged_into;
        let prev = match to {
            Some(to) => merged.insert(from.to_owned(), to.to_owned()),
            None => merged.remove(from),
        };
        log.changes.push(Change::Redirect {
            kind,
            key: from.to_owned(),
            prev,
        });
    }

    /// Stores an engagement, new or updated, remembering what its slot held.
    pub fn put_engagement(&mut self, log: &mut Log, e: Engagement) {
        let seq = e.seq;
        self.by_id.insert(e.id.clone(), seq);
        self.by_external.insert(e.external_id.clone(), seq);
        self.bytes.set(seq, &e);
        let prev = self.engagements.insert(seq, e);
        log.changes.push(Change::Engagement { seq, prev });
    }

    /// Evicts the oldest engagement (the tenant is at its record limit), undoably. Nested records
    /// stay: other engagements may link them, and a later sync may link them again.
    pub fn evict_oldest(&mut self, log: &mut Log) {
        if let Some(seq) = self.engagements.keys().next().copied() {
            if let Some(e) = self.remove_engagement(seq) {
                log.changes.push(Change::Evicted(e));
            }
        }
    }

    /// Makes room, undoably, for engagement `seq` (new or changed) of `adding` bytes: while the
    /// others and it would pass `--tenant-record-bytes`, the oldest other engagement goes. The
    /// last one left is kept whatever its size (the body limit bounds it).
    pub fn make_room(&mut self, settings: &VendorSettings, log: &mut Log, seq: u64, adding: usize) {
        self.bytes.forget(&seq);
        loop {
            let others = self.engagements.len() - usize::from(self.engagements.contains_key(&seq));
            if !settings.over(others, self.bytes.total(), adding) {
                break;
            }
            let Some(oldest) = self.engagements.keys().copied().find(|s| *s != seq) else {
                break;
            };
            if let Some(e) = self.remove_engagement(oldest) {
                log.changes.push(Change::Evicted(e));
            }
        }
    }

    /// Removes an engagement for good (the DELETE operation; not undoable).
    pub fn remove_engagement(&mut self, seq: u64) -> Option<Engagement> {
        self.bytes.forget(&seq);
        let e = self.engagements.remove(&seq)?;
        self.by_id.remove(&e.id);
        self.by_external.remove(&e.external_id);
        Some(e)
    }

    /// The engagement as Siro answers it: `engagementType` a string, links as ids, the account
    /// inline, and every key of Siro's response example present, `null` when unset (clients that
    /// parse with strict nullable schemas, such as zod's `.nullable()`, fail on a missing key).
    pub fn render(&self, e: &Engagement) -> Value {
        let mut out = Map::with_capacity(24);
        out.insert("id".into(), json!(e.id));
        out.insert("externalId".into(), json!(e.external_id));
        let (type_name, type_id) = match &e.kind {
            TypeRef::Key(key) => match self.registry(Kind::EngagementType).live(key) {
                Some(t) => (
                    t.fields
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or(key)
                        .to_owned(),
                    t.id.clone(),
                ),
                None => (key.clone(), key.clone()),
            },
            TypeRef::Raw(id) => (id.clone(), id.clone()),
        };
        out.insert("engagementType".into(), json!(type_name));
        out.insert("engagementTypeId".into(), json!(type_id));
        for (k, v) in &e.scalars {
            out.insert(k.clone(), v.clone());
        }
        out.insert("createdAt".into(), json!(e.created_at));
        out.insert("updatedAt".into(), json!(e.updated_at));
        out.insert("organizationId".into(), json!(self.organization_id));
        let account = e
            .account
            .as_deref()
            .and_then(|k| self.registry(Kind::Account).live(k));
        for (field, kind, key) in [
            ("opportunityId", Kind::Opportunity, &e.opportunity),
            ("accountId", Kind::Account, &e.account),
            ("contactId", Kind::Contact, &e.contact),
            ("leadId", Kind::Lead, &e.lead),
        ] {
            if let Some(r) = key.as_deref().and_then(|k| self.registry(kind).live(k)) {
                out.insert(field.into(), json!(r.id));
            }
        }
        out.insert(
            "account".into(),
            account.map_or(Value::Null, Record::to_json),
        );
        let users = self.registry(Kind::User);
        let engagement_users: Vec<Value> = e
            .users
            .iter()
            .filter_map(|u| {
                let user = users.live(&u.key)?;
                let mut v = user.to_json();
                if let Value::Object(obj) = &mut v {
                    for (k, val) in &u.link {
                        obj.insert(k.clone(), val.clone());
                    }
                }
                Some(v)
            })
            .collect();
        out.insert("engagementUsers".into(), Value::Array(engagement_users));
        for key in ANSWER_KEYS {
            out.entry(*key).or_insert(Value::Null);
        }
        Value::Object(out)
    }

    /// Every record of the tenant, for `GET /__admin/state`.
    pub fn dump(&self) -> Value {
        let engagements: Vec<Value> = self.engagements.values().map(|e| self.render(e)).collect();
        let mut out = Map::new();
        out.insert("organizationId".into(), json!(self.organization_id));
        out.insert("engagements".into(), Value::Array(engagements));
        for kind in Kind::ALL {
            let registry = self.registry(kind);
            let mut records: Vec<&Record> = registry.records.values().collect();
            records.sort_by(|a, b| a.external_id.cmp(&b.external_id));
            let records: Vec<Value> = records
                .into_iter()
                .map(|r| {
                    let mut v = r.to_json();
                    if let (Some(account), Value::Object(obj)) = (&r.account, &mut v) {
                        obj.insert("accountExternalId".into(), json!(account));
                    }
                    v
                })
                .collect();
            let merged: BTreeMap<&String, &String> = registry.merged_into.iter().collect();
            out.insert(
                format!("{}s", kind.field()),
                json!({ "records": records, "mergedInto": merged }),
            );
        }
        Value::Object(out)
    }
}

impl TenantState for TenantData {
    type Saved = TenantSnapshot;

    /// Its organization id and id source depend only on the seed and token.
    fn fresh(key: &str, settings: &VendorSettings) -> Self {
        let mut ids = IdSource::new(settings, &id_parts(key));
        let organization_id = ids.uuid();
        TenantData::new(organization_id, ids)
    }

    fn ids(&mut self) -> &mut IdSource {
        &mut self.ids
    }

    fn record_bytes(&self) -> usize {
        self.bytes.total()
    }

    fn show(&self) -> Value {
        self.dump()
    }

    fn save(&self, key: &str) -> TenantSnapshot {
        self.snapshot(key)
    }

    fn load(saved: TenantSnapshot, settings: &VendorSettings) -> Result<(String, Self), String> {
        let key = saved.key.clone();
        let data = TenantData::restore(saved, settings)
            .map_err(|e| format!("tenant {}: {e}", crate::tenant::fingerprint(&key)))?;
        Ok((key, data))
    }
}
