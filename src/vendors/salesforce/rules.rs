//! The engagement-interaction operations and the rules the contract cannot express: API-version
//! gating of paths and fields, reference-id checks, the one-of attendee rule, the unique external
//! identifier, defaults, and the Connect and sObject views of stored records.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::errors;
use super::errors::{not_found, with_fields};
use super::ids::{self, Object};
use super::reply::{json_reply, NEWEST_VERSION, OLDEST_VERSION};
use super::state::{connect_time, fields, sobject_time, FieldKind, Record, TenantData, SYSTEM};
use crate::vendor::{ApiError, Call, Reply, VendorSettings};

/// Reads the `{version}` path segment: `v55.0` up to the newest release; anything else is a path
/// Salesforce does not serve (404 `NOT_FOUND`, `salesforce.md` "Version gating").
pub fn version(call: &Call<'_>) -> Result<u32, ApiError> {
    parse_version(call.param("version").unwrap_or_default()).ok_or_else(not_found)
}

/// `v63.0` → 63, for versions that have the resources; `None` for anything else.
pub fn parse_version(text: &str) -> Option<u32> {
    text.strip_prefix('v')
        .and_then(|v| v.strip_suffix(".0"))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'))
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| (OLDEST_VERSION..=NEWEST_VERSION).contains(n))
}

/// Fields the input classes gained after 55.0: sent on an older version, the JSON reader does
/// not know them (inferred from `salesforce.md`, which leaves the answer open).
const GATED: &[(&str, u32)] = &[("customFieldsList", 56), ("phoneNumber", 57)];

/// Where in the input an object sits (`engagementInteraction.engagementTopics[0]`), written out
/// only when a message needs it.
struct Indexed(&'static str, usize);

impl std::fmt::Display for Indexed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", self.0, self.1)
    }
}

/// `at` names the object in messages; it is a `Display` so the happy path formats nothing.
fn check_gated(value: &Value, at: &dyn std::fmt::Display, version: u32) -> Result<(), ApiError> {
    let Some(map) = value.as_object() else {
        return Ok(());
    };
    for (name, since) in GATED {
        if map.contains_key(*name) && version < *since {
            return Err(with_fields(
                &errors::JSON_PARSER_ERROR,
                format!(
                    "Unrecognized field \"{name}\" at {at}.{name}, not marked as ignorable (available from API version {since}.0)"
                ),
                &[name],
            ));
        }
    }
    Ok(())
}

/// Key prefixes a reference field may point at; empty: any well-formed id.
fn allowed_prefixes(field: &str) -> &'static [&'static str] {
    match field {
        // Account, Contact or Lead.
        "externalAttendeeId" => &["001", "003", "00Q"],
        // User.
        "internalAttendeeId" => &["005"],
        _ => &[],
    }
}

fn check_reference(field: &str, at: &dyn std::fmt::Display, text: &str) -> Result<(), ApiError> {
    let Some(id) = ids::parse(text) else {
        return Err(with_fields(
            &errors::MALFORMED_ID,
            format!("{field}: id value of incorrect type: {text} (at {at})"),
            &[field],
        ));
    };
    let allowed = allowed_prefixes(field);
    if !allowed.is_empty() && !allowed.iter().any(|p| id.starts_with(p)) {
        return Err(with_fields(
            &errors::INVALID_CROSS_REFERENCE_KEY,
            format!(
                "invalid cross reference id: {field} must name a record with key prefix {} (at {at})",
                allowed.join(", ")
            ),
            &[field],
        ));
    }
    Ok(())
}

/// Copies the known fields of one input object, normalising date-times and checking ids.
pub(super) fn read_fields(
    object: Object,
    input: &Value,
    at: &dyn std::fmt::Display,
) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for def in fields(object) {
        let Some(v) = input.get(def.connect).filter(|v| !v.is_null()) else {
            continue;
        };
        let v = match def.kind {
            FieldKind::DateTime => {
                let text = v.as_str().unwrap_or_default();
                let t = DateTime::parse_from_rfc3339(text).map_err(|_| {
                    with_fields(
                        &errors::INVALID_TYPE,
                        format!(
                            "{}: value not of required type: {text} (at {at})",
                            def.connect
                        ),
                        &[def.connect],
                    )
                })?;
                Value::String(connect_time(t.with_timezone(&Utc)))
            }
            FieldKind::Id => {
                if def.connect != "engagementInteractionId" {
                    check_reference(def.connect, at, v.as_str().unwrap_or_default())?;
                }
                v.clone()
            }
            // The attendee's isAuthenticated is documented as a String; "true"/"false" read as such.
            FieldKind::Bool => match v {
                Value::String(s) => Value::Bool(s.eq_ignore_ascii_case("true")),
                other => other.clone(),
            },
            FieldKind::Text => v.clone(),
        };
        out.insert(def.connect.to_owned(), v);
    }
    Ok(out)
}

fn custom_fields(input: &Value) -> Vec<Value> {
    input
        .get("customFieldsList")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn status(code: u16, message: &str) -> Value {
    json!({ "code": code, "message": message })
}

/// A create's input, read and checked before the account's lock is taken: the interaction's
/// fields and its attendees' and topics' (object, fields, custom fields).
pub struct CreateInput<'a> {
    input: &'a Value,
    head: Map<String, Value>,
    children: Vec<(Object, Map<String, Value>, Vec<Value>)>,
}

/// Reads a create's body (nothing here needs the account's records, so no lock is held).
pub fn read_create<'a>(call: &Call<'a>, version: u32) -> Result<CreateInput<'a>, ApiError> {
    let input = &call.body["engagementInteraction"];
    check_gated(input, &"engagementInteraction", version)?;
    let attendees = input["engagementAttendees"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let topics = input["engagementTopics"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    for (i, a) in attendees.iter().enumerate() {
        check_gated(
            a,
            &Indexed("engagementInteraction.engagementAttendees", i),
            version,
        )?;
    }
    for (i, t) in topics.iter().enumerate() {
        check_gated(
            t,
            &Indexed("engagementInteraction.engagementTopics", i),
            version,
        )?;
    }

    let head = read_fields(Object::Interaction, input, &"engagementInteraction")?;
    let mut children = Vec::new();
    for (i, a) in attendees.iter().enumerate() {
        let at = Indexed("engagementInteraction.engagementAttendees", i);
        let mut fields = read_fields(Object::Attendee, a, &at)?;
        // EngagementAttendee: "either this field or the InternalAttendeeId field must have a value".
        if !fields.contains_key("externalAttendeeId") && !fields.contains_key("internalAttendeeId")
        {
            return Err(with_fields(
                &errors::REQUIRED_FIELD_MISSING,
                format!("Required fields are missing: [externalAttendeeId, internalAttendeeId]: one of them must be set at {at}"),
                &["externalAttendeeId", "internalAttendeeId"],
            ));
        }
        fields
            .entry("isAuthenticated")
            .or_insert(Value::Bool(false));
        children.push((Object::Attendee, fields, custom_fields(a)));
    }
    for (i, t) in topics.iter().enumerate() {
        let at = Indexed("engagementInteraction.engagementTopics", i);
        children.push((
            Object::Topic,
            read_fields(Object::Topic, t, &at)?,
            custom_fields(t),
        ));
    }
    Ok(CreateInput {
        input,
        head,
        children,
    })
}

/// Stores a read create under the account's lock.
/// Creates an interaction with its attendees and topics. A tenant holding `--tenant-record-limit`
/// interactions first drops its oldest one, children and external id included; what it drops is
/// put in `evicted`, for the caller to drop after the lock.
pub fn create(
    data: &mut TenantData,
    call: &Call<'_>,
    read: CreateInput<'_>,
    settings: &VendorSettings,
    evicted: &mut Vec<Record>,
) -> Result<Reply, ApiError> {
    let CreateInput {
        input,
        mut head,
        children,
    } = read;
    if let Some(ext) = head.get("externalIdentifierId").and_then(Value::as_str) {
        if let Some(existing) = data.external_ids.get(ext) {
            return Err(with_fields(
                &errors::DUPLICATE_VALUE,
                format!(
                    "duplicate value found: externalIdentifierId duplicates value on record with id: {}",
                    ids::to18(existing)
                ),
                &["externalIdentifierId"],
            ));
        }
    }

    // Defaults documented on the create input.
    head.entry("attendeeAuthenticated")
        .or_insert(Value::Bool(false));
    head.entry("mappedState").or_insert(json!("New"));
    if head.get("attendeeVerified") == Some(&Value::Bool(true)) {
        head.entry("attendeeVerificationTime")
            .or_insert_with(|| json!(connect_time(call.now)));
    }

    if settings.full(data.interactions()) {
        *evicted = data.evict_oldest();
    }
    let id = data.mint(Object::Interaction);
    let id18 = ids::to18(&id);
    let mut out_attendees = Vec::new();
    let mut out_topics = Vec::new();
    let mut child_ids = Vec::new();
    for (object, mut fields, custom) in children {
        let child = data.mint(object);
        fields.insert("engagementInteractionId".into(), json!(id18));
        let entry = json!({ "id": ids::to18(&child) });
        match object {
            Object::Attendee => out_attendees.push(entry),
            _ => out_topics.push(entry),
        }
        child_ids.push(child.clone());
        let record = Record {
            object,
            id: child.clone(),
            fields,
            custom,
            children: Vec::new(),
            owner: data.owner.clone(),
            created: call.now,
            deleted: false,
            modified: None,
        };
        data.insert_child(record);
    }
    let record = Record {
        object: Object::Interaction,
        id: id.clone(),
        fields: head,
        custom: custom_fields(input),
        children: child_ids,
        owner: data.owner.clone(),
        created: call.now,
        deleted: false,
        modified: None,
    };
    data.insert_interaction(record);
    data.trim_bytes(settings, &id);
    Ok(json_reply(
        StatusCode::CREATED,
        &json!({
            "engagementInteraction": {
                "id": id18,
                "engagementAttendees": out_attendees,
                "engagementTopics": out_topics,
            },
            "status": status(201, "Created"),
        }),
    ))
}

/// The interaction an `{id}` path segment names, or Salesforce's 404.
fn find_interaction<'d>(data: &'d TenantData, call: &Call<'_>) -> Result<&'d Record, ApiError> {
    let text = call.param("id").unwrap_or_default();
    ids::parse(text)
        .and_then(|id| data.records.get(&id))
        .filter(|r| r.object == Object::Interaction)
        .ok_or_else(not_found)
}

/// The Connect view of one record, carrying the fields its API version has (nulls included).
fn connect_view(data: &TenantData, record: &Record, version: u32) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), json!(ids::to18(&record.id)));
    out.insert("ownerId".into(), json!(ids::to18(&record.owner)));
    for def in fields(record.object) {
        if version >= def.since {
            let v = record
                .fields
                .get(def.connect)
                .cloned()
                .unwrap_or(Value::Null);
            out.insert(def.connect.to_owned(), v);
        }
    }
    if version >= 56 {
        out.insert("customFields".into(), Value::Array(record.custom.clone()));
    }
    if record.object == Object::Interaction {
        out.insert("duration".into(), duration(record));
        let kids = |object: Object| -> Vec<Value> {
            record
                .children
                .iter()
                .filter_map(|c| data.records.get(c))
                .filter(|c| c.object == object)
                .map(|c| connect_view(data, c, version))
                .collect()
        };
        out.insert(
            "engagementAttendees".into(),
            Value::Array(kids(Object::Attendee)),
        );
        out.insert("engagementTopics".into(), Value::Array(kids(Object::Topic)));
    }
    Value::Object(out)
}

/// Whole seconds from start to end, as a string (the output documents a String; unit inferred).
fn duration(record: &Record) -> Value {
    let time = |k: &str| {
        record
            .fields
            .get(k)
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    };
    match (time("startDateTime"), time("endDateTime")) {
        (Some(s), Some(e)) => json!((e - s).num_seconds().to_string()),
        _ => Value::Null,
    }
}

pub fn get(data: &TenantData, call: &Call<'_>, version: u32) -> Result<Reply, ApiError> {
    let record = find_interaction(data, call)?;
    Ok(json_reply(
        StatusCode::OK,
        &Answer {
            engagement_interaction: &connect_view(data, record, version),
            status: status(200, "Success"),
        },
    ))
}

/// `{engagementInteraction, status}`, serialised from the view as it is (`json!` would copy the
/// view into a new tree first: about 12 % of a read's CPU).
#[derive(serde::Serialize)]
struct Answer<'a> {
    #[serde(rename = "engagementInteraction")]
    engagement_interaction: &'a Value,
    status: Value,
}

/// Deletes the interaction with its attendees and topics (they were created as one container).
pub fn delete(
    data: &mut TenantData,
    call: &Call<'_>,
    settings: &VendorSettings,
) -> Result<Reply, ApiError> {
    let id = find_interaction(data, call)?.id.clone();
    data.recycle(&id, settings);
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

/// The value of one sObject column of a record (`Id`, `StartDateTime`, `Foo__c`...), if the
/// object has it. Column names are case-insensitive, as in SOQL.
pub fn column(record: &Record, name: &str) -> Option<(&'static str, Value)> {
    let time = |t: DateTime<Utc>| json!(sobject_time(t));
    let owner = ids::to18(&record.owner);
    let system = SYSTEM
        .iter()
        .find(|s| s.eq_ignore_ascii_case(name))
        .map(|&s| {
            let v = match s {
                "Id" => json!(ids::to18(&record.id)),
                "IsDeleted" => json!(record.deleted),
                "OwnerId" | "CreatedById" | "LastModifiedById" => json!(owner),
                "LastModifiedDate" | "SystemModstamp" => {
                    time(record.modified.unwrap_or(record.created))
                }
                _ => time(record.created),
            };
            (s, v)
        });
    if system.is_some() {
        return system;
    }
    if let Some(def) = fields(record.object)
        .iter()
        .find(|d| d.sobject.eq_ignore_ascii_case(name))
    {
        let v = record
            .fields
            .get(def.connect)
            .cloned()
            .unwrap_or(Value::Null);
        let v = match (def.kind, &v) {
            (FieldKind::DateTime, Value::String(s)) => DateTime::parse_from_rfc3339(s)
                .map(|t| time(t.with_timezone(&Utc)))
                .unwrap_or(v),
            _ => v,
        };
        return Some((def.sobject, v));
    }
    None
}

/// The custom fields of a record as sObject columns (`Foo__c`); locations read as their value.
fn custom_columns(record: &Record) -> impl Iterator<Item = (String, Value)> + '_ {
    record.custom.iter().filter_map(|c| {
        let key = c.get("key")?.as_str()?.to_owned();
        Some((key, c.get("value").cloned().unwrap_or(Value::Null)))
    })
}

/// The sObject view: `attributes {type, url}` then the named columns, or every column.
pub fn sobject_view(record: &Record, version: u32, columns: Option<&[String]>) -> Value {
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        json!({
            "type": record.object.sobject(),
            "url": format!(
                "/services/data/v{version}.0/sobjects/{}/{}",
                record.object.sobject(),
                ids::to18(&record.id)
            ),
        }),
    );
    match columns {
        Some(names) => {
            for name in names {
                if let Some((canonical, v)) = column(record, name) {
                    out.insert(canonical.to_owned(), v);
                } else if let Some((k, v)) =
                    custom_columns(record).find(|(k, _)| k.eq_ignore_ascii_case(name))
                {
                    out.insert(k, v);
                } else {
                    out.insert(name.clone(), Value::Null);
                }
            }
        }
        None => {
            for name in SYSTEM
                .iter()
                .copied()
                .chain(fields(record.object).iter().map(|d| d.sobject))
            {
                if let Some((canonical, v)) = column(record, name) {
                    out.insert(canonical.to_owned(), v);
                }
            }
            out.extend(custom_columns(record));
        }
    }
    Value::Object(out)
}

/// Whether `name` is a column of `object` (system, standard or a custom `__c` one).
pub fn has_column(object: Object, name: &str) -> bool {
    SYSTEM.iter().any(|s| s.eq_ignore_ascii_case(name))
        || fields(object)
            .iter()
            .any(|d| d.sobject.eq_ignore_ascii_case(name))
        || name.to_ascii_lowercase().ends_with("__c")
}

/// `GET sobjects/{type}/{id}[?fields=A,B]`: 15- or 18-character ids; a deleted record answers
/// `ENTITY_IS_DELETED`; a value that is no id is read as an external id field, which none is.
pub fn sobject_get(data: &TenantData, call: &Call<'_>, version: u32) -> Result<Reply, ApiError> {
    let ty = call.param("sobject").unwrap_or_default();
    let object = Object::from_sobject(ty).ok_or_else(not_found)?;
    let text = call.param("id").unwrap_or_default();
    let Some(id) = ids::parse(text) else {
        return Err(ApiError::new(
            &errors::NOT_FOUND,
            format!("Provided external ID field does not exist or is not accessible: {text}"),
        ));
    };
    if data.deleted.contains(&id) && id.starts_with(object.prefix()) {
        return Err(with_fields(
            &errors::ENTITY_IS_DELETED,
            "entity is deleted",
            &[],
        ));
    }
    let record = data
        .records
        .get(&id)
        .filter(|r| r.object == object)
        .ok_or_else(not_found)?;
    let columns: Option<Vec<String>> = call.query_value("fields").map(|f| {
        f.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    });
    if let Some(cols) = &columns {
        if let Some(bad) = cols.iter().find(|c| !has_column(object, c)) {
            return Err(ApiError::new(
                &errors::INVALID_FIELD,
                format!(
                    "No such column '{bad}' on sobject of type {}",
                    object.sobject()
                ),
            ));
        }
    }
    Ok(json_reply(
        StatusCode::OK,
        &sobject_view(record, version, columns.as_deref()),
    ))
}
