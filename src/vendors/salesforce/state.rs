//! One tenant's Salesforce records (interactions, attendees and topics, each its own record keyed
//! by its 15-character id, so a prefix range is one object's records in creation order), the field
//! tables that map Connect names onto sObject names, and open query cursors.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::AtomicU64;

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ids::{self, Object};
use crate::store::{IdSource, RecordBytes, TenantStore, VendorSettings};

/// Every org's Salesforce records.
pub type Records = TenantStore<TenantData>;

/// The seed parts of an org's id stream.
pub fn id_parts(key: &str) -> [&str; 2] {
    ["salesforce", key]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Bool,
    DateTime,
    Id,
}

/// One field as the Connect API names it (`startDateTime`) and as the sObject does (`StartDateTime`).
pub struct FieldDef {
    pub connect: &'static str,
    pub sobject: &'static str,
    pub kind: FieldKind,
    /// First API version whose Connect output carries the field.
    pub since: u32,
}

const fn f(connect: &'static str, sobject: &'static str, kind: FieldKind, since: u32) -> FieldDef {
    FieldDef {
        connect,
        sobject,
        kind,
        since,
    }
}

use FieldKind::{Bool, DateTime as Dt, Id, Text};

static INTERACTION: &[FieldDef] = &[
    f("attendeeAuthenticated", "AttendeeAuthenticated", Bool, 55),
    f(
        "attendeeVerificationTime",
        "AttendeeVerificationTime",
        Dt,
        55,
    ),
    f("attendeeVerified", "AttendeeVerified", Bool, 55),
    f("communicationChannel", "CommunicationChannel", Text, 55),
    f("contextId", "ContextId", Id, 55),
    f("endDateTime", "EndDateTime", Dt, 55),
    f("externalIdentifierId", "ExternalIdentifierId", Text, 55),
    f("initiatingAttendeeId", "InitiatingAttendeeId", Id, 55),
    f("mappedState", "MappedState", Text, 55),
    f("phoneNumber", "PhoneNumber", Text, 57),
    f("reason", "Reason", Text, 56),
    f("sentiment", "Sentiment", Text, 55),
    f("startDateTime", "StartDateTime", Dt, 55),
    f("status", "Status", Text, 55),
    f("type", "Type", Text, 55),
];

static ATTENDEE: &[FieldDef] = &[
    f("endDateTime", "EndDateTime", Dt, 55),
    f("engagementInteractionId", "EngagementId", Id, 55),
    f("externalAttendeeId", "ExternalAttendeeId", Id, 55),
    f("internalAttendeeId", "InternalAttendeeId", Id, 55),
    f("isAuthenticated", "IsAuthenticated", Bool, 56),
    f("isVerified", "IsVerified", Bool, 56),
    f("role", "Role", Text, 56),
    f("startDateTime", "StartDateTime", Dt, 55),
    f("verificationTime", "VerificationTime", Dt, 56),
];

static TOPIC: &[FieldDef] = &[
    f("engagementInteractionId", "EngagementId", Id, 55),
    f("interactionSummary", "InteractionSummary", Text, 55),
    f("name", "Name", Text, 55),
    f("parentTopicId", "ParentTopicId", Id, 55),
    f("processFailureReason", "ProcessFailureReason", Text, 55),
    f("processName", "ProcessName", Text, 55),
    f("processStatus", "ProcessStatus", Text, 55),
    f("processType", "ProcessType", Text, 55),
    f("relatedPersonId", "RelatedPersonId", Id, 55),
    f("topicId", "TopicId", Id, 55),
];

/// Fields every sObject has, filled by the platform.
pub static SYSTEM: &[&str] = &[
    "Id",
    "OwnerId",
    "IsDeleted",
    "CreatedDate",
    "CreatedById",
    "LastModifiedDate",
    "LastModifiedById",
    "SystemModstamp",
];

pub fn fields(object: Object) -> &'static [FieldDef] {
    match object {
        Object::Interaction => INTERACTION,
        Object::Attendee => ATTENDEE,
        Object::Topic => TOPIC,
        Object::User | Object::QueryLocator => &[],
    }
}

/// Salesforce's REST date-time form: `2026-01-02T03:04:05.000+0000`.
pub fn sobject_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

/// The Connect form of a stored date-time: `2026-01-02T03:04:05.000Z`.
pub fn connect_time(t: DateTime<Utc>) -> String {
    crate::clock::rfc3339(t)
}

/// One stored record. `fields` holds the Connect-named values that were set (date-times as
/// instants), `custom` the `customFieldsList` entries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    #[serde(serialize_with = "object_name", deserialize_with = "object_named")]
    pub object: Object,
    pub id: String,
    pub fields: Map<String, Value>,
    pub custom: Vec<Value>,
    /// Attendees then topics of an interaction, in input order.
    pub children: Vec<String>,
    pub owner: String,
    pub created: DateTime<Utc>,
    /// Set when the record sits in the recycle bin (`IsDeleted`, seen only by `queryAll`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// When the record was last changed through the sObject REST (`LastModifiedDate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<DateTime<Utc>>,
}

fn object_name<S: serde::Serializer>(o: &Object, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(o.sobject())
}

fn object_named<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Object, D::Error> {
    let name = String::deserialize(d)?;
    Object::from_sobject(&name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown sObject '{name}'")))
}

/// A query result kept for `nextRecordsUrl`: the matching ids as of the first page, so later pages
/// neither skip nor repeat records while others are created.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cursor {
    pub columns: Vec<String>,
    pub ids: Vec<String>,
    pub batch: usize,
}

/// Cursors kept per tenant; older ones expire, as Salesforce's do.
const MAX_CURSORS: usize = 64;

pub struct TenantData {
    pub pod: String,
    pub owner: String,
    pub(super) ids: IdSource,
    /// API calls made by this org, for `Sforce-Limit-Info`.
    pub api_usage: AtomicU64,
    pub records: BTreeMap<String, Record>,
    /// How many of `records` are interactions (the kind `--tenant-record-limit` counts).
    pub(super) interaction_count: usize,
    /// The live records' sizes by id (interactions, attendees, topics), for
    /// `--tenant-record-bytes`; counted again on restore.
    pub(super) bytes: RecordBytes<String>,
    /// `externalIdentifierId` → interaction id (the field is a unique external id).
    pub external_ids: HashMap<String, String>,
    pub deleted: HashSet<String>,
    /// Deleted records kept for `queryAll`, oldest deletion first, at most `--tenant-record-limit`.
    pub recycled: BTreeMap<String, Record>,
    pub(super) recycle_order: VecDeque<String>,
    /// The recycle bin's sizes by id, for `--tenant-record-bytes`.
    pub(super) recycled_bytes: RecordBytes<String>,
    pub(super) cursors: HashMap<String, Cursor>,
    pub(super) cursor_order: VecDeque<String>,
}

impl TenantData {
    /// A tenant's pod, first record number and owning user come from the seed and its credential.
    pub fn new(settings: &VendorSettings, tenant_key: &str) -> TenantData {
        let mut source = IdSource::new(settings, &id_parts(tenant_key));
        let rng = source.rng();
        let pod = crate::store::base62::base62(rng.random_range(62..62 * 62), 2);
        // Real orgs' numbers do not start at 1: each org starts at a random point.
        let offset = rng.random_range(1..62u64.pow(4)) - 1;
        let owner = ids::mint(Object::User, &pod, rng.random_range(1..62u64.pow(5)));
        TenantData {
            pod,
            owner,
            ids: source.offset_by(offset),
            api_usage: AtomicU64::new(0),
            records: BTreeMap::new(),
            interaction_count: 0,
            bytes: RecordBytes::default(),
            external_ids: HashMap::new(),
            deleted: HashSet::new(),
            recycled: BTreeMap::new(),
            recycle_order: VecDeque::new(),
            recycled_bytes: RecordBytes::default(),
            cursors: HashMap::new(),
            cursor_order: VecDeque::new(),
        }
    }

    pub fn mint(&mut self, object: Object) -> String {
        ids::mint(object, &self.pod, self.ids.next_number())
    }

    /// The records of one object, in creation order.
    pub fn of(&self, object: Object) -> impl Iterator<Item = &Record> {
        self.records
            .range::<str, _>((
                std::ops::Bound::Included(object.prefix()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| k.starts_with(object.prefix()))
            .map(|(_, r)| r)
    }

    /// How many interactions the tenant holds.
    pub fn interactions(&self) -> usize {
        self.interaction_count
    }

    /// Stores a new interaction (its children are already stored) and indexes its external id.
    pub fn insert_interaction(&mut self, record: Record) {
        if let Some(ext) = record
            .fields
            .get("externalIdentifierId")
            .and_then(Value::as_str)
        {
            self.external_ids.insert(ext.to_owned(), record.id.clone());
        }
        self.interaction_count += 1;
        self.bytes.set(record.id.clone(), &record);
        self.records.insert(record.id.clone(), record);
    }

    /// Stores an attendee or topic (its parent lists it, or will).
    pub fn insert_child(&mut self, record: Record) {
        self.bytes.set(record.id.clone(), &record);
        self.records.insert(record.id.clone(), record);
    }

    /// Counts a changed record's size again.
    pub fn recount(&mut self, id: &str) {
        if let Some(r) = self.records.get(id) {
            self.bytes.set(id.to_owned(), r);
        }
    }

    /// Counts every live and recycled record again (after a restore).
    pub(super) fn count_bytes(&mut self) {
        self.bytes = RecordBytes::default();
        for (id, r) in &self.records {
            self.bytes.set(id.clone(), r);
        }
        self.recycled_bytes = RecordBytes::default();
        for (id, r) in &self.recycled {
            self.recycled_bytes.set(id.clone(), r);
        }
    }

    /// After `id` (an interaction, or an attendee or topic of one) was stored or grew: while the
    /// live records pass `--tenant-record-bytes`, the oldest other interaction goes with its
    /// children, as [`TenantData::evict_oldest`] makes room under the record limit. The
    /// interaction `id` belongs to is kept whatever its size (the body limit bounds it).
    pub fn trim_bytes(&mut self, settings: &VendorSettings, id: &str) {
        if settings.record_bytes == 0 {
            return;
        }
        let own = match self.records.get(id) {
            Some(r) if r.object != Object::Interaction => r
                .fields
                .get("engagementInteractionId")
                .and_then(Value::as_str)
                .and_then(ids::parse)
                .unwrap_or_else(|| id.to_owned()),
            _ => id.to_owned(),
        };
        while self.bytes.total() > settings.record_bytes {
            let oldest = self
                .of(Object::Interaction)
                .map(|r| r.id.clone())
                .find(|r| *r != own);
            match oldest {
                Some(oldest) => {
                    self.detach(&oldest);
                }
                None => break,
            }
        }
    }

    /// Removes a record and its children, leaving tombstones (`ENTITY_IS_DELETED`); `None` when
    /// there was none.
    pub fn remove(&mut self, id: &str) -> Option<Record> {
        let record = self.detach(id)?;
        self.deleted.extend(record.children.iter().cloned());
        self.deleted.insert(id.to_owned());
        Some(record)
    }

    /// Deletes a record (an interaction with its attendees and topics; an attendee or topic alone,
    /// unlinked from its interaction) into the recycle bin, leaving tombstones. The bin keeps the
    /// last `--tenant-record-limit` deleted records (0: all) within `--tenant-record-bytes`,
    /// purging the oldest first as Salesforce purges its bin (its bound is storage-based; these
    /// are the record limits, so state stays bounded). `false` when there was no such record.
    pub fn recycle(&mut self, id: &str, settings: &VendorSettings) -> bool {
        let parent = self.records.get(id).and_then(|r| {
            (r.object != Object::Interaction)
                .then(|| {
                    r.fields
                        .get("engagementInteractionId")?
                        .as_str()
                        .and_then(ids::parse)
                })
                .flatten()
        });
        let children: Vec<Record> = self
            .records
            .get(id)
            .map(|r| r.children.clone())
            .unwrap_or_default()
            .iter()
            .filter_map(|c| self.records.get(c).cloned())
            .collect();
        let Some(record) = self.remove(id) else {
            return false;
        };
        if let Some(parent) = parent.and_then(|p| self.records.get_mut(&p)) {
            parent.children.retain(|c| c != id);
            let parent = parent.id.clone();
            self.recount(&parent);
        }
        for mut r in children.into_iter().chain(std::iter::once(record)) {
            r.deleted = true;
            self.recycle_order.push_back(r.id.clone());
            self.recycled_bytes.set(r.id.clone(), &r);
            self.recycled.insert(r.id.clone(), r);
        }
        let (limit, budget) = (settings.record_limit, settings.record_bytes);
        while (limit > 0 && self.recycle_order.len() > limit)
            || (budget > 0 && self.recycle_order.len() > 1 && self.recycled_bytes.total() > budget)
        {
            if let Some(old) = self.recycle_order.pop_front() {
                self.recycled.remove(&old);
                self.recycled_bytes.forget(&old);
            }
        }
        true
    }

    /// A live record, or a deleted one still in the recycle bin.
    pub fn any_record(&self, id: &str) -> Option<&Record> {
        self.records.get(id).or_else(|| self.recycled.get(id))
    }

    /// The deleted records of one object still in the recycle bin, in creation order.
    pub fn recycled_of(&self, object: Object) -> impl Iterator<Item = &Record> {
        self.recycled.values().filter(move |r| r.object == object)
    }

    /// Drops the oldest interaction with its children to make room under the record limit. It
    /// leaves no tombstone (a purged record reads as `NOT_FOUND`), so eviction never grows state.
    /// Returns what it took, so a caller can drop it after letting go of the account's lock.
    pub fn evict_oldest(&mut self) -> Vec<Record> {
        let oldest = self.of(Object::Interaction).next().map(|r| r.id.clone());
        let mut gone = Vec::new();
        if let Some(oldest) = oldest {
            if let Some(record) = self.detach_into(&oldest, &mut gone) {
                gone.push(record);
            }
        }
        gone
    }

    /// Takes a record and its children out of the records and the external-id index.
    fn detach(&mut self, id: &str) -> Option<Record> {
        self.detach_into(id, &mut Vec::new())
    }

    /// [`TenantData::detach`], keeping the children it takes out in `children`.
    fn detach_into(&mut self, id: &str, children: &mut Vec<Record>) -> Option<Record> {
        let record = self.records.remove(id)?;
        self.bytes.forget(&record.id);
        for child in &record.children {
            children.extend(self.records.remove(child));
            self.bytes.forget(child);
        }
        if let Some(ext) = record
            .fields
            .get("externalIdentifierId")
            .and_then(Value::as_str)
        {
            if self.external_ids.get(ext).map(String::as_str) == Some(id) {
                self.external_ids.remove(ext);
            }
        }
        if record.object == Object::Interaction {
            self.interaction_count -= 1;
        }
        Some(record)
    }

    pub fn open_cursor(&mut self, cursor: Cursor) -> String {
        let locator = self.mint(Object::QueryLocator);
        let locator = ids::to18(&locator);
        self.cursors.insert(locator.clone(), cursor);
        self.cursor_order.push_back(locator.clone());
        while self.cursor_order.len() > MAX_CURSORS {
            if let Some(old) = self.cursor_order.pop_front() {
                self.cursors.remove(&old);
            }
        }
        locator
    }

    pub fn cursor(&self, locator: &str) -> Option<&Cursor> {
        self.cursors.get(locator)
    }
}
