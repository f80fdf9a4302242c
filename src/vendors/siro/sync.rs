//! The upsert bookkeeping of `PUT sync/engagements` and `PUT sync/batch/engagements`: an
//! engagement by its `externalId`, and inside it the nested account, contact (with its own
//! account), opportunity, lead, engagement type and engagement users by theirs.
//!
//! Rules (facts from `shared/vendors/siro.md`; choices marked):
//! - first sync of an `externalId` creates (new UUID, `createdAt` = `updatedAt`), later ones update
//!   in place, keeping `id` and `createdAt`;
//! - a field left out keeps its stored value; a field sent as `null` clears it (choice: every scalar
//!   is nullable in Siro's schema, and null is the only way a sync can say "no longer set");
//! - a nested object carrying only `externalId` links the record already synced under that id, and
//!   fails with 400 when there is none (siro.md: "supplying just an externalId will resolve to an
//!   already-synced account"; 400 inferred); with more fields it upserts that record;
//! - `engagementTypeId` beats the `engagementType` object, which is then ignored;
//! - `mergedToExternalId` / `mergedFromExternalIds` make a loser's external id resolve to its
//!   survivor, for this sync and for every engagement already linked to the loser;
//! - one sync, or one whole batch, applies all or nothing: every write goes through a [`Log`] that
//!   is rolled back on the first failure, all under the tenant's write lock.

use serde_json::{json, Map, Value};

use super::errors;
use super::state::{Engagement, Kind, Log, Record, TenantData, TypeRef, UserLink};
use crate::vendor::{ApiError, VendorSettings};

/// The nullable scalars of an engagement, stored as sent.
const SCALARS: &[&str] = &[
    "direction",
    "subject",
    "content",
    "startTime",
    "startTimeLocalized",
    "endTime",
    "remoteCreatedAt",
    "remoteUpdatedAt",
    "deletedAt",
];

/// The type an engagement gets when no sync names one (choice: Siro's engagements are
/// appointments, `docs.siro.ai/getting-started`).
const DEFAULT_TYPE: (&str, &str) = ("Appointment", "APPOINTMENT");

/// Upserts every item in order; on any failure nothing of the batch is kept. Answers each
/// engagement as its item left it (a batch may sync one externalId twice). In a `batch`, messages
/// name the item's index (`[3].account`).
pub fn apply(
    data: &mut TenantData,
    settings: &VendorSettings,
    items: &[Value],
    now: &str,
    batch: bool,
) -> Result<Vec<Value>, ApiError> {
    let mut log = Log::begin(data);
    let mut written = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = if batch {
            format!("[{i}].")
        } else {
            String::new()
        };
        let empty = Map::new();
        let body = item.as_object().unwrap_or(&empty);
        match upsert_engagement(data, settings, &mut log, body, now, &at) {
            // An item evicted by a later one of the same batch is still answered as written.
            Ok(rendered) => written.push(rendered),
            Err(e) => {
                log.rollback(data);
                return Err(e);
            }
        }
    }
    Ok(written)
}

fn upsert_engagement(
    data: &mut TenantData,
    settings: &VendorSettings,
    log: &mut Log,
    body: &Map<String, Value>,
    now: &str,
    at: &str,
) -> Result<Value, ApiError> {
    let external_id = body
        .get("externalId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = engagement_type(data, log, body, now, at)?;
    let account = link(data, log, Kind::Account, body.get("account"), now, at)?;
    let contact = link(data, log, Kind::Contact, body.get("contact"), now, at)?;
    let opportunity = link(
        data,
        log,
        Kind::Opportunity,
        body.get("opportunity"),
        now,
        at,
    )?;
    let lead = link(data, log, Kind::Lead, body.get("lead"), now, at)?;
    let users = match body.get("engagementUsers") {
        Some(Value::Array(items)) => Some(users(data, log, items, now, at)?),
        Some(Value::Null) => Some(Vec::new()),
        _ => None,
    };

    let existing = data
        .by_external
        .get(external_id)
        .and_then(|seq| data.engagements.get(seq))
        .cloned();
    let mut e = match existing {
        Some(e) => e,
        None => {
            let kind = match &kind {
                Some(k) => k.clone(),
                None => default_type(data, log, now)?,
            };
            if settings.full(data.engagements.len()) {
                // The tenant is at the record limit: the oldest engagement makes room.
                data.evict_oldest(log);
            }
            let seq = data.ids.next_number();
            Engagement {
                seq,
                id: data.ids.uuid(),
                external_id: external_id.to_owned(),
                scalars: Map::new(),
                kind,
                account: None,
                contact: None,
                opportunity: None,
                lead: None,
                users: Vec::new(),
                created_at: now.to_owned(),
                updated_at: now.to_owned(),
            }
        }
    };
    for &name in SCALARS {
        match body.get(name) {
            None => {}
            Some(Value::Null) => {
                e.scalars.remove(name);
            }
            Some(v) => {
                e.scalars.insert(name.to_owned(), v.clone());
            }
        }
    }
    if let Some(k) = kind {
        e.kind = k;
    }
    for (slot, value) in [
        (&mut e.account, account),
        (&mut e.contact, contact),
        (&mut e.opportunity, opportunity),
        (&mut e.lead, lead),
    ] {
        if let Some(v) = value {
            *slot = v;
        }
    }
    if let Some(u) = users {
        e.users = u;
    }
    e.updated_at = now.to_owned();
    let rendered = data.render(&e);
    data.make_room(settings, log, e.seq, crate::store::bytes::size_of(&e));
    data.put_engagement(log, e);
    Ok(rendered)
}

/// `None`: the field was left out (keep the link); `Some(None)`: sent as null (unlink);
/// `Some(Some(key))`: link the record with this registry key.
fn link(
    data: &mut TenantData,
    log: &mut Log,
    kind: Kind,
    value: Option<&Value>,
    now: &str,
    at: &str,
) -> Result<Option<Option<String>>, ApiError> {
    let at = format!("{at}{}", kind.field());
    match value {
        None => Ok(None),
        Some(Value::Object(obj)) => {
            upsert_record(data, log, kind, obj, now, &at).map(|k| Some(Some(k)))
        }
        Some(_) => Ok(Some(None)),
    }
}

/// Upserts (or, given only `externalId`, resolves) one nested record; answers the registry key the
/// engagement links, after merges.
fn upsert_record(
    data: &mut TenantData,
    log: &mut Log,
    kind: Kind,
    obj: &Map<String, Value>,
    now: &str,
    at: &str,
) -> Result<String, ApiError> {
    let Some(external_id) = obj.get("externalId").and_then(Value::as_str) else {
        return Err(ApiError::new(
            &errors::BAD_REQUEST,
            format!(
                "{at}.externalId is required: a {} is synced and linked by its externalId",
                kind.field()
            ),
        ));
    };
    if obj.keys().all(|k| k == "externalId") {
        return resolved(data, kind, external_id, at);
    }
    write_record(data, log, kind, external_id, obj, now, at)
}

/// Creates or updates the record `external_id` with the fields of `obj` (null clears, omitted
/// keeps), applies its merges, and answers the key it now resolves to.
fn write_record(
    data: &mut TenantData,
    log: &mut Log,
    kind: Kind,
    external_id: &str,
    obj: &Map<String, Value>,
    now: &str,
    at: &str,
) -> Result<String, ApiError> {
    let account = if kind == Kind::Contact {
        link(
            data,
            log,
            Kind::Account,
            obj.get("account"),
            now,
            &format!("{at}."),
        )?
    } else {
        None
    };
    let mut record = match data.registry(kind).records.get(external_id) {
        Some(r) => r.clone(),
        None => Record {
            id: data.ids.uuid(),
            external_id: external_id.to_owned(),
            fields: Map::new(),
            account: None,
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
        },
    };
    for (k, v) in obj {
        if k == "externalId" || (kind == Kind::Contact && k == "account") {
            continue;
        }
        if v.is_null() {
            record.fields.remove(k);
        } else {
            record.fields.insert(k.clone(), v.clone());
        }
    }
    if let Some(a) = account {
        record.account = a;
    }
    record.updated_at = now.to_owned();
    data.put_record(log, kind, record);
    match obj.get("mergedToExternalId") {
        Some(Value::String(to)) if to != external_id => {
            data.redirect(log, kind, external_id, Some(to));
        }
        Some(Value::Null) => data.redirect(log, kind, external_id, None),
        _ => {}
    }
    if let Some(Value::Array(losers)) = obj.get("mergedFromExternalIds") {
        for loser in losers.iter().filter_map(Value::as_str) {
            if loser != external_id {
                data.redirect(log, kind, loser, Some(external_id));
            }
        }
    }
    resolved(data, kind, external_id, at)
}

/// The registry key `external_id` resolves to, or Siro's error when nothing synced answers to it.
fn resolved(
    data: &TenantData,
    kind: Kind,
    external_id: &str,
    at: &str,
) -> Result<String, ApiError> {
    let registry = data.registry(kind);
    let key = registry.resolve(external_id).map_err(|_| {
        ApiError::new(
            &errors::CONFLICT,
            format!(
                "{at}: the merges of {} '{external_id}' form a cycle",
                kind.field()
            ),
        )
    })?;
    if registry.records.contains_key(key) {
        return Ok(key.to_owned());
    }
    let message = if key == external_id {
        format!(
            "{at}: no {} with externalId '{external_id}' has been synced; send its fields to create it",
            kind.field()
        )
    } else {
        format!(
            "{at}: {} '{external_id}' was merged into '{key}', which has not been synced",
            kind.field()
        )
    };
    Err(ApiError::new(&errors::UNRESOLVED_REFERENCE, message))
}

/// `Some(type)` when the sync names one; `None` to keep the stored type.
fn engagement_type(
    data: &mut TenantData,
    log: &mut Log,
    body: &Map<String, Value>,
    now: &str,
    at: &str,
) -> Result<Option<TypeRef>, ApiError> {
    if let Some(id) = body.get("engagementTypeId").and_then(Value::as_str) {
        let known = data
            .registry(Kind::EngagementType)
            .records
            .values()
            .find(|r| r.id == id)
            .map(|r| r.external_id.clone());
        return Ok(Some(
            known.map_or_else(|| TypeRef::Raw(id.to_owned()), TypeRef::Key),
        ));
    }
    match body.get("engagementType") {
        Some(Value::Object(obj)) => {
            let name = obj.get("name").and_then(Value::as_str).unwrap_or_default();
            let key = obj
                .get("externalId")
                .and_then(Value::as_str)
                .map_or_else(|| format!("name:{name}"), str::to_owned);
            let mut fields = obj.clone();
            fields.insert("externalId".into(), json!(key));
            let at = format!("{at}engagementType");
            upsert_record(data, log, Kind::EngagementType, &fields, now, &at)
                .map(|k| Some(TypeRef::Key(k)))
        }
        Some(Value::Null) => default_type(data, log, now).map(Some),
        _ => Ok(None),
    }
}

fn default_type(data: &mut TenantData, log: &mut Log, now: &str) -> Result<TypeRef, ApiError> {
    let key = format!("name:{}", DEFAULT_TYPE.0);
    if data
        .registry(Kind::EngagementType)
        .records
        .contains_key(&key)
    {
        return Ok(TypeRef::Key(key));
    }
    let fields =
        json!({ "externalId": key, "name": DEFAULT_TYPE.0, "activityType": DEFAULT_TYPE.1 });
    let fields = fields.as_object().cloned().unwrap_or_default();
    upsert_record(
        data,
        log,
        Kind::EngagementType,
        &fields,
        now,
        "engagementType",
    )
    .map(TypeRef::Key)
}

/// The users of one engagement: each user upserted (or resolved) by `externalId`; `shareOfSale`
/// and `deletedAt` belong to the link. A user listed twice keeps the later entry.
fn users(
    data: &mut TenantData,
    log: &mut Log,
    items: &[Value],
    now: &str,
    at: &str,
) -> Result<Vec<UserLink>, ApiError> {
    let mut out: Vec<UserLink> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            continue;
        };
        let (mut user, mut link) = (Map::new(), Map::new());
        for (k, v) in obj {
            if k == "shareOfSale" || k == "deletedAt" {
                if !v.is_null() {
                    link.insert(k.clone(), v.clone());
                }
            } else {
                user.insert(k.clone(), v.clone());
            }
        }
        let at = format!("{at}engagementUsers[{i}]");
        // Only a user given by externalId alone must exist already; `shareOfSale` or `deletedAt`
        // beside it make the item more than a reference, so the user is created if need be.
        let key = match user.get("externalId").and_then(Value::as_str) {
            Some(external_id) if obj.len() > 1 => {
                write_record(data, log, Kind::User, external_id, &user, now, &at)?
            }
            _ => upsert_record(data, log, Kind::User, &user, now, &at)?,
        };
        out.retain(|u| u.key != key);
        out.push(UserLink { key, link });
    }
    Ok(out)
}
