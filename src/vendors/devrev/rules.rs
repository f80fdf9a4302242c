//! DevRev's engagement operations and the business rules the contract cannot express: id types,
//! the one-parent-per-artifact rule, `{set: [...]}` updates, cursor paging and filters.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::errors;
use super::ids::{self, IdError, Kind, ObjectId};
use super::state::{Engagement, Filters, Records, TenantData};
use crate::clock::rfc3339;
use crate::store::cursor::CursorCodec;
use crate::vendor::{ApiError, Call, Reply};

/// Cursors are opaque to clients: base64 of the boundary engagement's number.
const CURSORS: CursorCodec = CursorCodec::url_safe("eng:");

/// `{"engagement": ...}`, serialised straight from the record.
#[derive(serde::Serialize)]
struct One<'a> {
    engagement: &'a Engagement,
}

#[derive(serde::Serialize)]
struct Page<'a> {
    engagements: Vec<&'a Engagement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prev_cursor: Option<String>,
}

/// Page size when `limit` is not given, and the most one page holds.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;

/// Reads a required id field of an allowed kind.
fn object_id(field: &str, text: &str, allowed: &[Kind]) -> Result<ObjectId, ApiError> {
    let wrong_type = || {
        ApiError::new(
            &errors::UNEXPECTED_ID_TYPE,
            format!(
                "field '{field}' has id '{text}', which is not of type {}",
                type_list(allowed)
            ),
        )
        .with("field_name", field)
        .with("value", text)
        .with(
            "allowed_types",
            allowed.iter().map(|k| k.type_name()).collect::<Vec<_>>(),
        )
    };
    match ids::parse(text) {
        Ok(id) if allowed.contains(&id.kind) => Ok(id),
        Ok(_) | Err(IdError::OtherType(_)) => Err(wrong_type()),
        Err(IdError::Malformed) => Err(ApiError::new(
            &errors::INVALID_ID,
            format!("field '{field}' has '{text}', which is not a valid DevRev id"),
        )
        .with("field_name", field)),
    }
}

fn type_list(kinds: &[Kind]) -> String {
    kinds
        .iter()
        .map(|k| k.type_name())
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Reads an array of ids into DONs, deduplicated, order kept.
fn id_list(field: &str, values: &Value, allowed: &[Kind]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for (i, v) in values.as_array().into_iter().flatten().enumerate() {
        let text = v.as_str().unwrap_or_default();
        let don = object_id(&format!("{field}[{i}]"), text, allowed)?.don();
        if !out.contains(&don) {
            out.push(don);
        }
    }
    Ok(out)
}

fn tag_list(field: &str, values: &Value) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::new();
    for (i, t) in values.as_array().into_iter().flatten().enumerate() {
        let id = object_id(
            &format!("{field}[{i}].id"),
            t["id"].as_str().unwrap_or_default(),
            &[Kind::Tag],
        )?;
        let mut tag = json!({ "id": id.don() });
        if let Some(v) = t.get("value") {
            tag["value"] = v.clone();
        }
        out.push(tag);
    }
    Ok(out)
}

const PARENT_KINDS: &[Kind] = &[Kind::Account, Kind::Opportunity];
const MEMBER_KINDS: &[Kind] = &[Kind::DevUser, Kind::RevUser];

/// Checks that none of `artifacts` is attached to an engagement other than `owner`.
fn check_artifacts(
    data: &TenantData,
    artifacts: &[String],
    owner: Option<u64>,
) -> Result<(), ApiError> {
    for artifact in artifacts {
        if let Some(&parent) = data.artifact_parent.get(artifact) {
            if Some(parent) != owner {
                let existing = ObjectId {
                    kind: Kind::Engagement,
                    number: parent.to_string(),
                }
                .don();
                return Err(ApiError::new(
                    &errors::ARTIFACT_ALREADY_ATTACHED_TO_A_PARENT,
                    format!("artifact '{artifact}' is already attached to '{existing}'"),
                )
                .with("existing_parent", existing)
                .with("is_same", false));
            }
        }
    }
    Ok(())
}

fn attach(data: &mut TenantData, artifacts: &[String], owner: u64) {
    for a in artifacts {
        data.artifact_parent.insert(a.clone(), owner);
    }
}

fn detach(data: &mut TenantData, artifacts: &[String]) {
    for a in artifacts {
        data.artifact_parent.remove(a);
    }
}

/// `engagements.create`. The account's lock is held twice, briefly: to check the artifacts and
/// draw the number, then to store the record (checking the artifacts again, since another create
/// may have taken one meanwhile; the number it drew is then left unused). Reading the body,
/// building the record and writing its answer happen outside the lock, and evicted records are
/// dropped after it: in a one-account benchmark, waiting for this lock had been about 15 % of a
/// create's CPU.
pub fn create(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let settings = records.settings();
    let slot = records.tenant(call.tenant);
    let body = call.body;
    let members = id_list("members", &body["members"], MEMBER_KINDS)?;
    let mut parents = Vec::new();
    if let Some(p) = body.get("parent").and_then(Value::as_str) {
        parents.push(object_id("parent", p, PARENT_KINDS)?.don());
    }
    for p in id_list("parents", &body["parents"], PARENT_KINDS)? {
        if !parents.contains(&p) {
            parents.push(p);
        }
    }
    let artifacts = id_list("artifacts", &body["artifacts"], &[Kind::Artifact])?;
    let tags = tag_list("tags", &body["tags"])?;
    let (number, user) = {
        let mut data = slot.write();
        check_artifacts(&data, &artifacts, None)?;
        (data.ids.next_number(), data.user.clone())
    };
    let id = ObjectId {
        kind: Kind::Engagement,
        number: number.to_string(),
    };
    let now = rfc3339(call.now);
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    let engagement = Engagement {
        number,
        id: id.don(),
        display_id: id.display(),
        created_by: user.clone(),
        created_date: now.clone(),
        modified_by: user,
        modified_date: now,
        title: text("title").unwrap_or_default(),
        description: text("description"),
        members,
        engagement_type: text("engagement_type").unwrap_or_else(|| "default".to_owned()),
        scheduled_date: text("scheduled_date"),
        parent: parents.first().cloned(),
        parents,
        artifacts,
        tags,
        external_ref: text("external_ref"),
        external_url: text("external_url"),
    };
    let reply = Reply::json(
        StatusCode::CREATED,
        &One {
            engagement: &engagement,
        },
    );
    // Counted at the size of its answer: the record's JSON in a short envelope.
    let adding = reply.body.len();
    let mut evicted = Vec::new();
    {
        let data = &mut *slot.write();
        if !engagement.artifacts.is_empty() {
            check_artifacts(data, &engagement.artifacts, None)?;
        }
        // At the record limit (`--tenant-record-limit`, `--tenant-record-bytes`), the oldest
        // engagements make room.
        while settings.over(data.engagements.len(), data.bytes.total(), adding) {
            let Some((n, oldest)) = data.engagements.pop_first() else {
                break;
            };
            data.bytes.forget(&n);
            detach(data, &oldest.artifacts);
            evicted.push(oldest);
        }
        attach(data, &engagement.artifacts, number);
        data.bytes.set_size(number, adding);
        data.engagements.insert(number, engagement);
    }
    drop(evicted);
    Ok(reply)
}

/// `dev-users.self` (GET, and POST with `{}`): `{dev_user}`, the dev user the token belongs to,
/// the same user engagements name in `created_by`. The dev-user object has no `type` (the
/// summaries do); its other fields are the summary's.
pub fn dev_users_self(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let mut user = serde_json::to_value(&data.user).unwrap_or_default();
    if let Some(fields) = user.as_object_mut() {
        fields.remove("type");
    }
    Ok(Reply::json(StatusCode::OK, &json!({ "dev_user": user })))
}

/// Finds the engagement an `id` field names, or DevRev's 404.
fn find(data: &TenantData, body: &Value) -> Result<u64, ApiError> {
    let text = body["id"].as_str().unwrap_or_default();
    let id = object_id("id", text, &[Kind::Engagement])?;
    id.number
        .parse::<u64>()
        .ok()
        .filter(|n| data.engagements.contains_key(n))
        .ok_or_else(|| {
            ApiError::new(
                &errors::NOT_FOUND,
                format!("engagement '{text}' does not exist"),
            )
        })
}

pub fn get(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let n = find(data, call.body)?;
    // `One` serialises the record as it is; `json!` would first copy it into a new tree.
    Ok(Reply::json(
        StatusCode::OK,
        &One {
            engagement: &data.engagements[&n],
        },
    ))
}

pub fn delete(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let data = &mut *slot.write();
    let n = find(data, call.body)?;
    if let Some(e) = data.engagements.remove(&n) {
        data.bytes.forget(&n);
        detach(data, &e.artifacts);
    }
    Ok(Reply::json(StatusCode::OK, &json!({})))
}

pub fn update(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let data = &mut *slot.write();
    let body = call.body;
    let n = find(data, body)?;
    let members = body
        .pointer("/members/set")
        .map(|v| id_list("members.set", v, MEMBER_KINDS))
        .transpose()?;
    let parents = body
        .pointer("/parents/set")
        .map(|v| id_list("parents.set", v, PARENT_KINDS))
        .transpose()?;
    let artifacts = body
        .pointer("/artifacts/set")
        .map(|v| id_list("artifacts.set", v, &[Kind::Artifact]))
        .transpose()?;
    let tags = body
        .pointer("/tags/set")
        .map(|v| tag_list("tags.set", v))
        .transpose()?;
    if let Some(new) = &artifacts {
        check_artifacts(data, new, Some(n))?;
        let old = data.engagements[&n].artifacts.clone();
        detach(data, &old);
        attach(data, new, n);
    }
    let user = data.user.clone();
    let e = data.engagements.get_mut(&n).expect("found above");
    let nullable = |k: &str| body.get(k).map(|v| v.as_str().map(str::to_owned));
    if let Some(t) = body.get("title").and_then(Value::as_str) {
        e.title = t.to_owned();
    }
    if let Some(v) = nullable("description") {
        e.description = v;
    }
    if let Some(v) = nullable("external_ref") {
        e.external_ref = v;
    }
    if let Some(v) = nullable("external_url") {
        e.external_url = v;
    }
    if let Some(v) = nullable("scheduled_date") {
        e.scheduled_date = v;
    }
    if let Some(m) = members {
        e.members = m;
    }
    if let Some(p) = parents {
        e.parent = p.first().cloned();
        e.parents = p;
    }
    if let Some(a) = artifacts {
        e.artifacts = a;
    }
    if let Some(t) = tags {
        e.tags = t;
    }
    e.modified_by = user;
    e.modified_date = rfc3339(call.now);
    // The new size counts from now; past the byte limit the oldest go at the next create.
    data.bytes.set(n, &data.engagements[&n]);
    Ok(Reply::json(
        StatusCode::OK,
        &One {
            engagement: &data.engagements[&n],
        },
    ))
}

fn filters(body: &Value) -> Result<Filters, ApiError> {
    let strings = |k: &str| -> Vec<String> {
        body.get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    Ok(Filters {
        types: strings("type"),
        members: id_list("members", &body["members"], MEMBER_KINDS)?,
        parents: id_list("parent", &body["parent"], PARENT_KINDS)?,
        external_refs: strings("external_ref"),
    })
}

pub fn count(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let f = filters(call.body)?;
    let count = data.engagements.values().filter(|e| f.accepts(e)).count();
    Ok(Reply::json(StatusCode::OK, &json!({ "count": count })))
}

fn decode_cursor(text: &str) -> Result<u64, ApiError> {
    CURSORS.decode(text).ok_or_else(|| {
        ApiError::new(
            &errors::BAD_REQUEST,
            format!("cursor '{text}' is not a cursor this endpoint returned"),
        )
    })
}

pub fn list(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let body = call.body;
    let f = filters(body)?;
    let limit = body
        .get("limit")
        .and_then(Value::as_u64)
        .map_or(DEFAULT_LIMIT, |l| (l as usize).min(MAX_LIMIT));
    let cursor = body
        .get("cursor")
        .and_then(Value::as_str)
        .map(decode_cursor)
        .transpose()?;
    let before = body.get("mode").and_then(Value::as_str) == Some("before");
    let descending = body
        .get("sort_by")
        .and_then(Value::as_array)
        .and_then(|s| s.first())
        .and_then(Value::as_str)
        .is_some_and(|s| s.ends_with(":desc"));
    // In number order, "after" moves forward when ascending and backward when descending.
    let forward = before == descending;
    let (mut items, more) = data.page(cursor, forward, limit, &f);
    if descending {
        items.reverse();
    }
    // First and last of the page in the order the client sees it; "next" continues that order.
    let (first, last) = (
        items.first().map(|e| e.number),
        items.last().map(|e| e.number),
    );
    let later = if before {
        last.is_some_and(|n| data.any_beyond(n, !descending, &f))
    } else {
        more
    };
    let earlier = if before {
        more
    } else {
        first.is_some_and(|n| data.any_beyond(n, descending, &f))
    };
    let page = Page {
        next_cursor: last.filter(|_| later).map(|n| CURSORS.encode(n)),
        prev_cursor: first.filter(|_| earlier).map(|n| CURSORS.encode(n)),
        engagements: items,
    };
    Ok(Reply::json(StatusCode::OK, &page))
}
