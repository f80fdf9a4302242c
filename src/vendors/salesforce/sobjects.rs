//! The standard sObject REST over the three engagement objects: create (`POST sobjects/{type}`),
//! update (`PATCH sobjects/{type}/{id}`), delete, describe and basic information, plus `/limits`.
//! Records written here are the very records the Connect resources write, so each is readable
//! both ways: the sObject names (`StartDateTime`) map onto the Connect ones (`startDateTime`)
//! through the field tables in `state`.

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::errors;
use super::errors::{not_found, with_fields};
use super::ids::{self, Object};
use super::reply::{json_reply, API_LIMIT};
use super::rules::{read_fields, sobject_view};
use super::state::{fields, FieldDef, FieldKind, Record, TenantData, SYSTEM};
use crate::vendor::{ApiError, Call, Reply, VendorSettings};

/// The engagement object a `{sobject}` path segment names (case-insensitively), or 404 `NOT_FOUND`
/// as Salesforce answers for a type the org does not have.
pub fn object(call: &Call<'_>) -> Result<Object, ApiError> {
    Object::from_sobject(call.param("sobject").unwrap_or_default()).ok_or_else(not_found)
}

/// What a body sets: Connect-named fields, custom fields, and the fields it clears (`null`).
type Written = (Map<String, Value>, Vec<Value>, Vec<&'static str>);

/// The Connect-named fields and custom fields an sObject REST body sets. System fields and (on
/// update) the parent link are not writable; unknown names are `INVALID_FIELD`; values must have
/// the field's JSON type (`null` clears a field).
fn read_body(
    object: Object,
    body: &Value,
    version: u32,
    updating: bool,
) -> Result<Written, ApiError> {
    let Some(input) = body.as_object() else {
        return Err(ApiError::new(
            &errors::JSON_PARSER_ERROR,
            format!(
                "Cannot deserialize instance of {} from non-object value",
                object.sobject()
            ),
        ));
    };
    let mut connect = Map::new();
    let mut custom = Vec::new();
    let mut cleared = Vec::new();
    for (name, value) in input {
        if name == "attributes" {
            continue;
        }
        let writable_error = || {
            with_fields(
                &errors::INVALID_FIELD_FOR_INSERT_UPDATE,
                format!("Unable to create/update fields: {name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set."),
                &[name],
            )
        };
        if SYSTEM.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            return Err(writable_error());
        }
        if name.to_ascii_lowercase().ends_with("__c") {
            custom.push(json!({ "key": name, "value": value }));
            continue;
        }
        let Some(def) = fields(object)
            .iter()
            .find(|d| d.sobject.eq_ignore_ascii_case(name) && version >= d.since)
        else {
            return Err(with_fields(
                &errors::INVALID_FIELD,
                format!(
                    "No such column '{name}' on sobject of type {}",
                    object.sobject()
                ),
                &[name],
            ));
        };
        if updating && def.connect == "engagementInteractionId" {
            return Err(writable_error());
        }
        // Checkboxes are never null in Salesforce: clearing one sets it false.
        if value.is_null() && def.kind == FieldKind::Bool {
            connect.insert(def.connect.to_owned(), Value::Bool(false));
            continue;
        }
        if value.is_null() {
            cleared.push(def.connect);
            continue;
        }
        check_type(def, name, value)?;
        connect.insert(def.connect.to_owned(), value.clone());
    }
    let at = object.sobject();
    let normalised = read_fields(object, &Value::Object(connect), &at)?;
    Ok((normalised, custom, cleared))
}

fn check_type(def: &FieldDef, name: &str, value: &Value) -> Result<(), ApiError> {
    let ok = match def.kind {
        FieldKind::Bool => value.is_boolean(),
        FieldKind::Text | FieldKind::DateTime | FieldKind::Id => value.is_string(),
    };
    if ok {
        return Ok(());
    }
    let java = if def.kind == FieldKind::Bool {
        "boolean"
    } else {
        "String"
    };
    Err(with_fields(
        &errors::JSON_PARSER_ERROR,
        format!("Cannot deserialize instance of {java} from {value} value for field {name}"),
        &[name],
    ))
}

/// The interaction an attendee or topic names in `EngagementId`; it must be one of this org's.
fn parent(data: &TenantData, fields: &Map<String, Value>) -> Result<String, ApiError> {
    let text = fields
        .get("engagementInteractionId")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            with_fields(
                &errors::REQUIRED_FIELD_MISSING,
                "Required fields are missing: [EngagementId]",
                &["EngagementId"],
            )
        })?;
    let id = ids::parse(text).ok_or_else(|| {
        with_fields(
            &errors::MALFORMED_ID,
            format!("EngagementId: id value of incorrect type: {text}"),
            &["EngagementId"],
        )
    })?;
    data.records
        .get(&id)
        .filter(|r| r.object == Object::Interaction)
        .map(|r| r.id.clone())
        .ok_or_else(|| {
            with_fields(
                &errors::INVALID_CROSS_REFERENCE_KEY,
                format!("invalid cross reference id: EngagementId {text} names no EngagementInteraction"),
                &["EngagementId"],
            )
        })
}

/// `externalIdentifierId` is unique within the org.
fn check_external(
    data: &TenantData,
    fields: &Map<String, Value>,
    own: &str,
) -> Result<(), ApiError> {
    if let Some(ext) = fields.get("externalIdentifierId").and_then(Value::as_str) {
        if let Some(existing) = data.external_ids.get(ext).filter(|e| *e != own) {
            return Err(with_fields(
                &errors::DUPLICATE_VALUE,
                format!(
                    "duplicate value found: ExternalIdentifierId duplicates value on record with id: {}",
                    ids::to18(existing)
                ),
                &["ExternalIdentifierId"],
            ));
        }
    }
    Ok(())
}

/// `POST sobjects/{type}`: 201 `{id, success: true, errors: []}`.
pub fn create(
    data: &mut TenantData,
    call: &Call<'_>,
    version: u32,
    settings: &VendorSettings,
) -> Result<Reply, ApiError> {
    let object = object(call)?;
    let (mut head, custom, _) = read_body(object, call.body, version, false)?;
    // Checkboxes left out are false, never null (the Connect create's defaults agree).
    for def in fields(object).iter().filter(|d| d.kind == FieldKind::Bool) {
        head.entry(def.connect).or_insert(Value::Bool(false));
    }
    let parent_id = match object {
        Object::Interaction => {
            check_external(data, &head, "")?;
            // The default documented on the create input, as the Connect create applies it.
            head.entry("mappedState").or_insert(json!("New"));
            None
        }
        _ => {
            let parent = parent(data, &head)?;
            head.insert("engagementInteractionId".into(), json!(ids::to18(&parent)));
            if object == Object::Attendee
                && !head.contains_key("externalAttendeeId")
                && !head.contains_key("internalAttendeeId")
            {
                return Err(with_fields(
                    &errors::REQUIRED_FIELD_MISSING,
                    "Required fields are missing: [ExternalAttendeeId, InternalAttendeeId]: one of them must be set",
                    &["ExternalAttendeeId", "InternalAttendeeId"],
                ));
            }
            Some(parent)
        }
    };
    if object == Object::Interaction && settings.full(data.interactions()) {
        data.evict_oldest();
    }
    let id = data.mint(object);
    let record = Record {
        object,
        id: id.clone(),
        fields: head,
        custom,
        children: Vec::new(),
        owner: data.owner.clone(),
        created: call.now,
        deleted: false,
        modified: None,
    };
    match parent_id {
        None => data.insert_interaction(record),
        Some(parent) => {
            if let Some(p) = data.records.get_mut(&parent) {
                p.children.push(id.clone());
            }
            data.recount(&parent);
            data.insert_child(record);
        }
    }
    data.trim_bytes(settings, &id);
    Ok(json_reply(
        StatusCode::CREATED,
        &json!({ "id": ids::to18(&id), "success": true, "errors": [] }),
    ))
}

/// The record a `{sobject}/{id}` path names: `ENTITY_IS_DELETED` for a deleted one, 404 otherwise.
fn target(data: &TenantData, call: &Call<'_>) -> Result<(Object, String), ApiError> {
    let object = object(call)?;
    let text = call.param("id").unwrap_or_default();
    let id = ids::parse(text).ok_or_else(|| {
        ApiError::new(
            &errors::NOT_FOUND,
            format!("Provided external ID field does not exist or is not accessible: {text}"),
        )
    })?;
    if data.deleted.contains(&id) && id.starts_with(object.prefix()) {
        return Err(with_fields(
            &errors::ENTITY_IS_DELETED,
            "entity is deleted",
            &[],
        ));
    }
    data.records
        .get(&id)
        .filter(|r| r.object == object)
        .ok_or_else(not_found)?;
    Ok((object, id))
}

/// `PATCH sobjects/{type}/{id}`: 204. `null` clears a field.
pub fn update(
    data: &mut TenantData,
    call: &Call<'_>,
    version: u32,
    settings: &VendorSettings,
) -> Result<Reply, ApiError> {
    let (object, id) = target(data, call)?;
    let (set, custom, cleared) = read_body(object, call.body, version, true)?;
    check_external(data, &set, &id)?;
    let old_ext = data.records[&id]
        .fields
        .get("externalIdentifierId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let record = data.records.get_mut(&id).expect("target found it");
    for name in cleared {
        record.fields.remove(name);
    }
    record.fields.extend(set);
    for c in custom {
        let key = c["key"].as_str().unwrap_or_default().to_owned();
        match record.custom.iter_mut().find(|e| {
            e["key"]
                .as_str()
                .is_some_and(|k| k.eq_ignore_ascii_case(&key))
        }) {
            Some(existing) => *existing = c,
            None => record.custom.push(c),
        }
    }
    record.modified = Some(call.now);
    let new_ext = record
        .fields
        .get("externalIdentifierId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if object == Object::Interaction && old_ext != new_ext {
        if let Some(old) = old_ext {
            data.external_ids.remove(&old);
        }
        if let Some(new) = new_ext {
            data.external_ids.insert(new, id.clone());
        }
    }
    // A record grown by the patch counts at its new size; past the byte budget the oldest other
    // interactions go.
    data.recount(&id);
    data.trim_bytes(settings, &id);
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

/// `DELETE sobjects/{type}/{id}`: 204; an interaction takes its attendees and topics with it.
pub fn delete(
    data: &mut TenantData,
    call: &Call<'_>,
    settings: &VendorSettings,
) -> Result<Reply, ApiError> {
    let (_, id) = target(data, call)?;
    data.recycle(&id, settings);
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

fn label(object: Object) -> (&'static str, &'static str) {
    match object {
        Object::Interaction => ("Engagement Interaction", "Engagement Interactions"),
        Object::Attendee => ("Engagement Attendee", "Engagement Attendees"),
        _ => ("Engagement Topic", "Engagement Topics"),
    }
}

/// The object-level part of a describe (also the `objectDescribe` of basic information).
fn object_describe(object: Object, version: u32) -> Map<String, Value> {
    let name = object.sobject();
    let base = format!("/services/data/v{version}.0/sobjects/{name}");
    let (label, plural) = label(object);
    let json = json!({
        "name": name,
        "label": label,
        "labelPlural": plural,
        "keyPrefix": object.prefix(),
        "custom": false,
        "createable": true,
        "updateable": true,
        "deletable": true,
        "queryable": true,
        "retrieveable": true,
        "searchable": false,
        "undeletable": false,
        "urls": {
            "sobject": base,
            "describe": format!("{base}/describe"),
            "rowTemplate": format!("{base}/{{ID}}"),
        },
    });
    match json {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// One field of a describe.
fn describe_field(name: &str, kind: &str, nillable: bool, writable: bool, refs: &[&str]) -> Value {
    let length = match kind {
        "string" | "picklist" | "phone" => 255,
        _ => 0,
    };
    json!({
        "name": name,
        "label": name,
        "type": kind,
        "soapType": match kind {
            "boolean" => "xsd:boolean",
            "datetime" => "xsd:dateTime",
            "id" | "reference" => "tns:ID",
            _ => "xsd:string",
        },
        "length": length,
        "nillable": nillable,
        "createable": writable,
        "updateable": writable && name != "EngagementId",
        "custom": false,
        "defaultedOnCreate": !nillable,
        "referenceTo": refs,
        "relationshipName": Value::Null,
        "picklistValues": [],
    })
}

/// `GET sobjects/{type}/describe`: the object with its system and standard fields.
pub fn describe(call: &Call<'_>, version: u32) -> Result<Reply, ApiError> {
    let object = object(call)?;
    let mut out = object_describe(object, version);
    let mut list = Vec::new();
    for name in SYSTEM {
        let (kind, refs): (&str, &[&str]) = match *name {
            "Id" => ("id", &[]),
            "IsDeleted" => ("boolean", &[]),
            "OwnerId" | "CreatedById" | "LastModifiedById" => ("reference", &["User"]),
            _ => ("datetime", &[]),
        };
        list.push(describe_field(name, kind, false, false, refs));
    }
    for def in fields(object).iter().filter(|d| version >= d.since) {
        let (kind, refs): (&str, &[&str]) = match (def.kind, def.sobject) {
            (FieldKind::Bool, _) => ("boolean", &[]),
            (FieldKind::DateTime, _) => ("datetime", &[]),
            (FieldKind::Id, "EngagementId") => ("reference", &["EngagementInteraction"]),
            (FieldKind::Id, "InternalAttendeeId") => ("reference", &["User"]),
            (FieldKind::Id, "ExternalAttendeeId") => ("reference", &["Account", "Contact", "Lead"]),
            (FieldKind::Id, _) => ("reference", &[]),
            (FieldKind::Text, "PhoneNumber") => ("phone", &[]),
            (FieldKind::Text, _) => ("string", &[]),
        };
        let nillable = def.kind != FieldKind::Bool && def.sobject != "EngagementId";
        list.push(describe_field(def.sobject, kind, nillable, true, refs));
    }
    out.insert("fields".into(), Value::Array(list));
    out.insert("childRelationships".into(), json!([]));
    out.insert("recordTypeInfos".into(), json!([]));
    Ok(json_reply(StatusCode::OK, &Value::Object(out)))
}

/// `GET sobjects/{type}`: basic information and the most recently created records.
pub fn info(data: &TenantData, call: &Call<'_>, version: u32) -> Result<Reply, ApiError> {
    let object = object(call)?;
    let recent: Vec<Value> = data
        .of(object)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .take(10)
        .map(|r| sobject_view(r, version, Some(&["Id".to_owned()])))
        .collect();
    Ok(json_reply(
        StatusCode::OK,
        &json!({ "objectDescribe": object_describe(object, version), "recentItems": recent }),
    ))
}

/// `GET limits`: the org's allocations. `DailyApiRequests` counts this org's calls, this one
/// included, as `Sforce-Limit-Info` on the same answer does; the others are a Developer Edition's
/// allocations, unused.
pub fn limits(data: &TenantData) -> Reply {
    let used = data
        .api_usage
        .load(std::sync::atomic::Ordering::Relaxed)
        .saturating_add(1);
    let remaining = API_LIMIT.saturating_sub(used);
    let full = |max: u64| json!({ "Max": max, "Remaining": max });
    json_reply(
        StatusCode::OK,
        &json!({
            "ConcurrentAsyncGetReportInstances": full(200),
            "ConcurrentSyncReportRuns": full(20),
            "DailyApiRequests": { "Max": API_LIMIT, "Remaining": remaining },
            "DailyAsyncApexExecutions": full(250_000),
            "DailyBulkApiBatches": full(15_000),
            "DailyBulkV2QueryJobs": full(10_000),
            "DataStorageMB": full(5),
            "FileStorageMB": full(20),
            "HourlyTimeBasedWorkflow": full(50),
            "SingleEmail": full(15),
        }),
    )
}
