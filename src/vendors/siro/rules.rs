//! Siro's engagement operations: the two syncs (bookkeeping in `sync.rs`), get, list, delete,
//! soft-delete-removed and a user's engagements, with paging and the rules the contracts cannot
//! express.

use std::collections::HashSet;
use std::ops::Bound;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::errors;
use super::ids;
use super::state::{Kind, Records};
use super::sync;
use crate::clock::rfc3339;
use crate::vendor::{ApiError, Call, Reply};

/// Page size when the client names none, and the most one page holds (choice: Siro documents
/// neither; `pageSize=100` is its own example, `docs.siro.ai/getting-started`).
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 100;

/// A path parameter (the pipeline has already percent-decoded it).
fn path_param(call: &Call<'_>, name: &str) -> String {
    call.param(name).unwrap_or_default().to_owned()
}

fn not_found(what: &str, id: &str) -> ApiError {
    ApiError::new(&errors::NOT_FOUND, format!("{what} '{id}' not found"))
}

/// `PUT /v1/integrations/sync/engagements`: 200 `{data: Engagement}`.
pub fn sync_one(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let mut written = sync::apply(
        &mut slot.write(),
        records.settings(),
        std::slice::from_ref(call.body),
        &rfc3339(call.now),
        false,
    )?;
    let rendered = written.pop().unwrap_or(Value::Null);
    Ok(Reply::json(StatusCode::OK, &Data { data: &rendered }))
}

/// `{data}`, serialised from the rendered value as it is (`json!` would copy it first).
#[derive(serde::Serialize)]
struct Data<'a, T> {
    data: &'a T,
}

/// `PUT /v1/integrations/sync/batch/engagements`: the whole array or nothing; 200 `{data: [...]}`
/// in request order.
pub fn sync_batch(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let items = call.body.as_array().map(Vec::as_slice).unwrap_or_default();
    let written = sync::apply(
        &mut slot.write(),
        records.settings(),
        items,
        &rfc3339(call.now),
        true,
    )?;
    Ok(Reply::json(StatusCode::OK, &Data { data: &written }))
}

/// `GET /v1/integrations/engagements/{id}`: the bare engagement, soft-deleted ones included.
pub fn get(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let id = path_param(call, "id");
    let id = id.as_str();
    let e = data
        .by_id
        .get(id)
        .and_then(|seq| data.engagements.get(seq))
        .ok_or_else(|| not_found("engagement", id))?;
    Ok(Reply::json(StatusCode::OK, &data.render(e)))
}

fn page_limit(body: &Value) -> usize {
    body.get("limit")
        .or_else(|| body.get("pageSize"))
        .and_then(Value::as_f64)
        .map_or(DEFAULT_LIMIT, |l| (l.max(1.0) as usize).min(MAX_LIMIT))
}

/// `GET /v1/integrations/engagements`: live (not soft-deleted) engagements in sync order, filtered
/// by `externalId` / `recordingId`, paged by an opaque `cursor`.
pub fn list(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let body = call.body;
    let limit = page_limit(body);
    let after = match body.get("cursor").and_then(Value::as_str) {
        Some(c) if !c.is_empty() => Some(ids::CURSORS.decode(c).ok_or_else(|| {
            ApiError::new(
                &errors::BAD_REQUEST,
                format!("cursor '{c}' is not a cursor this endpoint returned"),
            )
        })?),
        _ => None,
    };
    let external_id = body.get("externalId").and_then(Value::as_str);
    let recording_id = body.get("recordingId").and_then(Value::as_str);
    // The simulator has no recordings, so no engagement carries a recordingId.
    let accepts = |e: &&super::state::Engagement| {
        !e.is_deleted() && external_id.is_none_or(|x| e.external_id == x) && recording_id.is_none()
    };
    let range = match after {
        Some(seq) => (Bound::Excluded(seq), Bound::Unbounded),
        None => (Bound::Unbounded, Bound::Unbounded),
    };
    let mut page: Vec<_> = data
        .engagements
        .range(range)
        .map(|(_, e)| e)
        .filter(accepts)
        .take(limit + 1)
        .collect();
    let more = page.len() > limit;
    page.truncate(limit);
    let total = match external_id {
        Some(x) => data
            .by_external
            .get(x)
            .and_then(|s| data.engagements.get(s))
            .filter(|e| accepts(e))
            .map_or(0, |_| 1),
        None => data.engagements.values().filter(accepts).count(),
    };
    let cursor = match (more, page.last()) {
        (true, Some(e)) => json!(ids::CURSORS.encode(e.seq)),
        _ => Value::Null,
    };
    let items: Vec<Value> = page.iter().map(|e| data.render(e)).collect();
    Ok(Reply::json(
        StatusCode::OK,
        &json!({
            "data": items,
            "cursor": cursor,
            "pageSize": limit,
            "limit": limit,
            "total": total,
            "hasNextPage": more,
        }),
    ))
}

/// `DELETE /v1/integrations/engagements/{id}?idType=internal|external`: removes the engagement
/// for good and answers `true`. `integrationPlatform` only narrows when an organization has several
/// connections; a simulated tenant has one, so it is accepted and not used.
pub fn delete(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let data = &mut *slot.write();
    let id = path_param(call, "id");
    let id = id.as_str();
    let external = call.body.get("idType").and_then(Value::as_str) == Some("external");
    let index = if external {
        &data.by_external
    } else {
        &data.by_id
    };
    let seq = *index.get(id).ok_or_else(|| {
        not_found(
            if external {
                "engagement with externalId"
            } else {
                "engagement"
            },
            id,
        )
    })?;
    data.remove_engagement(seq);
    Ok(Reply::json(StatusCode::OK, &true))
}

fn time(body: &Value, field: &str) -> Result<DateTime<Utc>, ApiError> {
    let text = body.get(field).and_then(Value::as_str).unwrap_or_default();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::new(
                &errors::BAD_REQUEST,
                format!("{field} '{text}' is not a date-time"),
            )
        })
}

/// `POST /v1/integrations/sync/engagements/soft-delete-removed`: every live engagement whose
/// `startTime` lies in `[fromTime, toTime]` and whose `externalId` is not in `validExternalIds`
/// gets `deletedAt` = now. 200 `{data: {success: true}}`.
pub fn soft_delete_removed(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let data = &mut *slot.write();
    let body = call.body;
    let (from, to) = (time(body, "fromTime")?, time(body, "toTime")?);
    if from > to {
        return Err(ApiError::new(
            &errors::BAD_REQUEST,
            "fromTime must not be later than toTime",
        ));
    }
    let valid: HashSet<&str> = body["validExternalIds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let now = rfc3339(call.now);
    for e in data.engagements.values_mut() {
        let in_window = e
            .scalar("startTime")
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .is_some_and(|t| t >= from && t <= to);
        if in_window && !e.is_deleted() && !valid.contains(e.external_id.as_str()) {
            e.scalars.insert("deletedAt".into(), json!(now));
            e.updated_at.clone_from(&now);
        }
    }
    Ok(Reply::json(
        StatusCode::OK,
        &json!({ "data": { "success": true } }),
    ))
}

/// `GET /v1/integrations/users/{id}/engagements`: a bare array of the user's live engagements,
/// latest `startTime` first (choice: "ordered" is all Siro says), paged by `limit` and by
/// `startingAfter` / `startingBefore` engagement ids. `{id}` is the engagement user's internal id
/// or external id.
pub fn user_engagements(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let id = path_param(call, "id");
    let id = id.as_str();
    let users = data.registry(Kind::User);
    let user = users
        .records
        .values()
        .find(|r| r.id == id)
        .or_else(|| users.live(id))
        .ok_or_else(|| not_found("user", id))?;
    let mut mine: Vec<&super::state::Engagement> = data
        .engagements
        .values()
        .filter(|e| !e.is_deleted())
        .filter(|e| {
            e.users
                .iter()
                .any(|u| users.live(&u.key).is_some_and(|r| r.id == user.id))
        })
        .collect();
    mine.sort_by(|a, b| {
        b.scalar("startTime")
            .cmp(&a.scalar("startTime"))
            .then(b.seq.cmp(&a.seq))
    });
    let limit = call
        .body
        .get("limit")
        .and_then(Value::as_f64)
        .map_or(DEFAULT_LIMIT, |l| (l.max(1.0) as usize).min(MAX_LIMIT));
    let position = |field: &str| -> Result<Option<usize>, ApiError> {
        match call.body.get(field).and_then(Value::as_str) {
            Some(eid) if !eid.is_empty() => mine
                .iter()
                .position(|e| e.id == eid)
                .map(Some)
                .ok_or_else(|| {
                    ApiError::new(
                        &errors::BAD_REQUEST,
                        format!("{field} '{eid}' is not an engagement of user '{id}'"),
                    )
                }),
            _ => Ok(None),
        }
    };
    let (start, end) = match (position("startingAfter")?, position("startingBefore")?) {
        (Some(a), _) => (a + 1, (a + 1 + limit).min(mine.len())),
        (None, Some(b)) => (b.saturating_sub(limit), b),
        (None, None) => (0, limit.min(mine.len())),
    };
    let items: Vec<Value> = mine[start..end].iter().map(|e| data.render(e)).collect();
    Ok(Reply::json(StatusCode::OK, &Value::Array(items)))
}
