//! Seismic's DSR operations and the rules the contracts cannot express: templates, content and
//! meetings must exist for the tenant; Page-type content stays out of rooms; follow-up rooms need
//! an `Ended` meeting with resolvable content and start as drafts; `contextType` is case-sensitive;
//! deliveries need recipients when the room's buyer SSO is on; continuation paging.
//!
//! Each handler answers either the REST body or, for an MCP tool, the tool's structured output;
//! `super::mcp` wraps the latter in a tool result.

use axum::http::{header, HeaderValue, StatusCode};
use serde_json::{json, Map, Value};

use super::errors;
use super::ids;
use super::state::{Dsr, Records, RoomContent, Template, TenantData};
use crate::clock::rfc3339;
use crate::store::cursor::CursorCodec;
use crate::vendor::{ApiError, Call, Reply};

/// Page size of the DSR lists when `limit` is not given (the engagement-list tool's documented
/// default), and the largest page (its documented maximum).
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;

/// The CRM record types the engagement-list tool filters on; `contextType` is case-sensitive.
const CONTEXT_TYPES: &[&str] = &["Account", "Opportunity", "Contact", "Lead"];

fn text<'a>(body: &'a Value, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

fn not_found(what: &str, id: &str, hint: &str) -> ApiError {
    ApiError::new(
        &errors::NOT_FOUND,
        format!("{what} '{id}' was not found. {hint}"),
    )
}

fn check_contexts(contexts: &[Value]) -> Result<(), ApiError> {
    for (i, c) in contexts.iter().enumerate() {
        let ty = text(c, "contextType").unwrap_or_default();
        if !CONTEXT_TYPES.contains(&ty) {
            return Err(ApiError::new(&errors::BAD_REQUEST,
                format!(
                    "contexts[{i}].contextType '{ty}' is not a supported record type; use one of {} (case-sensitive)",
                    CONTEXT_TYPES.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// A room item for a Library content version.
fn item(data: &mut TenantData, dsr_id: &str, position: usize, cv: Option<&str>) -> RoomContent {
    let id = data.new_id();
    let host = ids::tenant_host(&data.slug);
    let found = cv.and_then(|cv| data.content(cv)).cloned();
    RoomContent {
        external_url: format!("{host}/ls/{dsr_id}/content/{id}"),
        internal_url: format!("{host}/app/dsr/{dsr_id}/content/{id}"),
        id,
        content_version_id: cv.map(str::to_owned),
        name: found.as_ref().map(|c| c.name.clone()),
        kind: found.as_ref().map(|c| c.kind.to_owned()),
        position,
        extra: Map::new(),
    }
}

/// Fields of a new room that every way of creating one shares.
struct NewRoom {
    name: String,
    status: &'static str,
    template_id: Option<String>,
    content_versions: Vec<String>,
    contexts: Vec<Value>,
    meeting_id: Option<String>,
}

fn build(data: &mut TenantData, call: &Call<'_>, new: NewRoom) -> Dsr {
    let id = data.new_id();
    let link = data.new_link_id();
    let contents = new
        .content_versions
        .iter()
        .enumerate()
        .map(|(i, cv)| item(data, &id, i, Some(cv)))
        .collect();
    let now = rfc3339(call.now);
    Dsr {
        number: 0,
        link_url: ids::room_link(&data.slug, &id, &link),
        id,
        name: new.name,
        status: new.status.to_owned(),
        template_id: new.template_id,
        contents,
        co_branding: None,
        text: None,
        image: None,
        settings: json!({}),
        contexts: new.contexts,
        meeting_id: new.meeting_id,
        editors: vec![data.user.clone()],
        created_by: data.user.clone(),
        created_at: now.clone(),
        modified_at: now,
    }
}

/// `POST /dsr/v1/dsrs`: a room built from the request (201, the room).
pub fn create(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let data = &mut *slot.write();
    let body = call.body;
    let items = body["contents"].as_array().cloned().unwrap_or_default();
    for (i, c) in items.iter().enumerate() {
        if let Some(cv) = text(c, "contentVersionId") {
            if data.content(cv).is_none() {
                return Err(ApiError::new(&errors::BAD_REQUEST,
                    format!("contents[{i}].contentVersionId '{cv}' is not a content version of this tenant"),
                ));
            }
        }
    }
    let mut dsr = build(
        data,
        call,
        NewRoom {
            name: text(body, "name").unwrap_or_default().to_owned(),
            status: "Active",
            template_id: None,
            content_versions: Vec::new(),
            contexts: Vec::new(),
            meeting_id: None,
        },
    );
    for (i, c) in items.iter().enumerate() {
        let mut it = item(data, &dsr.id, i, text(c, "contentVersionId"));
        if let Value::Object(fields) = c {
            for (k, v) in fields {
                if k != "contentVersionId" {
                    it.extra.insert(k.clone(), v.clone());
                }
            }
        }
        dsr.contents.push(it);
    }
    let non_null = |k: &str| body.get(k).filter(|v| !v.is_null()).cloned();
    dsr.co_branding = non_null("coBranding");
    dsr.text = non_null("text");
    dsr.image = non_null("image");
    dsr.settings = body["settings"].clone();
    let dsr = data.insert(dsr);
    Ok(Reply::json(StatusCode::CREATED, dsr))
}

/// A room exactly as the template defines it: `POST /dsr/v1/dsrs/fromTemplate` (201, the room) and
/// the `create_dsr_engagement` tool (`{dsrId}`).
/// `POST /dsr/v1/dsrs/fromTemplate`: a room exactly as a template defines it.
pub fn from_template(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    records.writing(call.tenant, |data| create_from_template(data, call, false))
}

/// The MCP tool `create_dsr_engagement`: a room from a template, answered as the tool answers.
pub fn create_dsr_engagement(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    records.writing(call.tenant, |data| create_from_template(data, call, true))
}

/// The tenant's template with this id, or Seismic's 404 pointing at `list_dsr_templates`.
fn template(data: &TenantData, id: &str) -> Result<Template, ApiError> {
    data.template(id).cloned().ok_or_else(|| {
        not_found(
            "DSR template",
            id,
            "Call list_dsr_templates for the templates this user can use.",
        )
    })
}

fn create_from_template(
    data: &mut TenantData,
    call: &Call<'_>,
    tool: bool,
) -> Result<Reply, ApiError> {
    let body = call.body;
    let template_id = text(body, "templateId").unwrap_or_default();
    let template = template(data, template_id)?;
    let contexts = body["contexts"].as_array().cloned().unwrap_or_default();
    check_contexts(&contexts)?;
    let dsr = build(
        data,
        call,
        NewRoom {
            name: text(body, "name")
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(&template.title)
                .to_owned(),
            status: "Active",
            template_id: Some(template.template_id.clone()),
            content_versions: template.content_version_ids.clone(),
            contexts,
            meeting_id: None,
        },
    );
    let dsr = data.insert(dsr);
    Ok(if tool {
        Reply::json(StatusCode::OK, &json!({ "dsrId": dsr.id }))
    } else {
        Reply::json(StatusCode::CREATED, dsr)
    })
}

/// `create_dsr_engagement_with_meeting_followup`: a draft room for an ended meeting.
pub fn create_followup(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let data = &mut *slot.write();
    let body = call.body;
    let meeting_id = text(body, "meetingId").unwrap_or_default();
    let template_id = text(body, "dsrTemplateId").unwrap_or_default();
    let meeting = data.meeting(meeting_id).cloned().ok_or_else(|| {
        not_found(
            "Meeting",
            meeting_id,
            "Use the id of a meeting from the user or from a meeting tool; never make one up.",
        )
    })?;
    let template = template(data, template_id)?;
    if meeting.status != "Ended" {
        return Err(ApiError::new(&errors::BAD_REQUEST,
            format!(
                "Meeting '{meeting_id}' has status {}; a follow-up room can only be made for a meeting with status Ended.",
                meeting.status
            ),
        ));
    }
    let mut content_versions = template.content_version_ids.clone();
    content_versions.extend(meeting.content_version_ids.iter().cloned());
    if content_versions.is_empty() {
        return Err(ApiError::new(&errors::BAD_REQUEST,
            format!(
                "Neither meeting '{meeting_id}' nor template '{template_id}' has any resolvable content; pick a template with content."
            ),
        ));
    }
    let dsr = build(
        data,
        call,
        NewRoom {
            name: format!("Follow up of meeting: {}", meeting.title),
            status: "Draft",
            template_id: Some(template.template_id),
            content_versions,
            contexts: meeting.contexts.clone(),
            meeting_id: Some(meeting.meeting_id.clone()),
        },
    );
    let host = ids::tenant_host(&data.slug);
    let dsr = data.insert(dsr);
    Ok(Reply::json(
        StatusCode::OK,
        &json!({
            "draftDsrId": dsr.id,
            "draftDsrLink": format!("{host}/app/dsr/{}/preview", dsr.id),
            "dsrName": dsr.name,
        }),
    ))
}

/// `add_content_to_dsr`: one content version appended at the bottom of a room.
pub fn add_content(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let data = &mut *slot.write();
    let body = call.body;
    let dsr_id = text(body, "dsrId").unwrap_or_default();
    let cv = text(body, "contentVersionId").unwrap_or_default();
    if data.dsr(dsr_id).is_none() {
        return Err(not_found(
            "DSR",
            dsr_id,
            "Use a dsrId returned by create_dsr_engagement.",
        ));
    }
    let content = data.content(cv).cloned().ok_or_else(|| {
        not_found(
            "Content version",
            cv,
            "Use the id of a content version from the Library.",
        )
    })?;
    if content.kind == "Page" {
        return Err(ApiError::new(
            &errors::BAD_REQUEST,
            format!("Content version '{cv}' is Page-type content, which cannot be added to a DSR."),
        ));
    }
    let position = data.dsr(dsr_id).map_or(0, |d| d.contents.len());
    let it = item(data, dsr_id, position, Some(cv));
    let out =
        json!({ "id": it.id, "externalUrl": it.external_url, "internalUrl": it.internal_url });
    let now = rfc3339(call.now);
    if let Some(dsr) = data.dsr_mut(dsr_id) {
        dsr.contents.push(it);
        dsr.modified_at = now;
    }
    data.resized(dsr_id);
    Ok(Reply::json(StatusCode::OK, &out))
}

/// `get_comments_from_dsr`: the room's people and its comments (none are ever made here).
pub fn comments(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let dsr_id = text(call.body, "dsrId").unwrap_or_default();
    let dsr = data.dsr(dsr_id).ok_or_else(|| {
        not_found(
            "DSR",
            dsr_id,
            "Use a dsrId returned by create_dsr_engagement.",
        )
    })?;
    let mut users: Vec<Value> = Vec::new();
    for u in std::iter::once(&dsr.created_by).chain(&dsr.editors) {
        if !users.iter().any(|v| v["id"] == u.id.as_str()) {
            users.push(json!({
                "id": u.id, "userType": "Seller", "firstName": u.first_name, "lastName": u.last_name,
            }));
        }
    }
    Ok(Reply::json(
        StatusCode::OK,
        &json!({ "users": users, "comments": [] }),
    ))
}

/// `GET /dsr/v1/dsrs/{id}`.
pub fn get(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let id = call.param("id").unwrap_or_default();
    let dsr = data
        .dsr(id)
        .ok_or_else(|| ApiError::new(&errors::NOT_FOUND, format!("DSR '{id}' was not found")))?;
    Ok(Reply::json(StatusCode::OK, dsr))
}

/// Continuation tokens are opaque: base64 of the last room number of the page.
const CONTINUATIONS: CursorCodec = CursorCodec::url_safe("dsr:");

fn decode_continuation(token: &str) -> Result<u64, ApiError> {
    CONTINUATIONS.decode(token).ok_or_else(|| {
        ApiError::new(
            &errors::BAD_REQUEST,
            format!("continuation '{token}' is not a token a previous page returned"),
        )
    })
}

fn paging(body: &Value) -> Result<(u64, usize), ApiError> {
    let after = text(body, "continuation")
        .filter(|t| !t.is_empty())
        .map(decode_continuation)
        .transpose()?
        .unwrap_or(0);
    let limit = body
        .get("limit")
        .and_then(Value::as_u64)
        .map_or(DEFAULT_LIMIT, |l| (l as usize).min(MAX_LIMIT));
    Ok((after, limit))
}

/// `GET /dsr/v1/dsrs`: the tenant's rooms, oldest first, continuation-paged.
pub fn list(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let (after, limit) = paging(call.body)?;
    let (items, more) = data.page(after, limit, |_| true);
    let mut out = json!({ "totalCount": data.dsrs.len(), "items": items });
    if let (true, Some(last)) = (more, items.last()) {
        out["continuation"] = json!(CONTINUATIONS.encode(last.number));
    }
    Ok(Reply::json(StatusCode::OK, &out))
}

/// `get_the_dsr_engagement_list`: DSR engagements for one CRM record, continuation-paged.
pub fn engagement_list(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let body = call.body;
    let (after, limit) = paging(body)?;
    let context_type = text(body, "contextType");
    let context_id = text(body, "contextId");
    let only_dsr = text(body, "engagementTypes").unwrap_or("DSR") == "DSR";
    let from = text(body, "from")
        .map(|f| {
            chrono::DateTime::parse_from_rfc3339(f).map_err(|_| {
                ApiError::new(
                    &errors::BAD_REQUEST,
                    format!("from '{f}' is not an RFC 3339 date-time"),
                )
            })
        })
        .transpose()?;
    let keep = |d: &Dsr| {
        let for_record = (context_type.is_none() && context_id.is_none())
            || d.contexts.iter().any(|c| {
                context_type.is_none_or(|t| text(c, "contextType") == Some(t))
                    && context_id.is_none_or(|id| text(c, "contextId") == Some(id))
            });
        let recent = from.is_none_or(|f| {
            chrono::DateTime::parse_from_rfc3339(&d.created_at).is_ok_and(|c| c >= f)
        });
        only_dsr && for_record && recent
    };
    let (items, more) = data.page(after, limit, keep);
    let rows: Vec<Value> = items
        .iter()
        .map(|d| {
            json!({
                "id": d.id, "engagementType": "DSR", "name": d.name, "status": d.status,
                "linkUrl": d.link_url, "createdAt": d.created_at, "contexts": d.contexts,
            })
        })
        .collect();
    let mut out = json!({ "items": rows });
    if let (true, Some(last)) = (more, items.last()) {
        out["continuation"] = json!(CONTINUATIONS.encode(last.number));
    }
    Ok(Reply::json(StatusCode::OK, &out))
}

/// `POST /link-delivery/v1/deliveries`: records a delivery made outside Seismic, answers its link.
pub fn deliver(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let data = &mut *slot.write();
    let body = call.body;
    let dsr_id = text(body, "dsrId").unwrap_or_default();
    let Some(dsr) = data.dsr(dsr_id) else {
        return Err(ApiError::new(
            &errors::NOT_FOUND,
            format!("DSR '{dsr_id}' was not found"),
        ));
    };
    let recipients = body["recipients"].as_array().cloned().unwrap_or_default();
    if recipients.is_empty() && dsr.settings["buyerSsoEnabled"] == Value::Bool(true) {
        return Err(ApiError::new(
            &errors::BAD_REQUEST,
            "recipients are required when buyer SSO is enabled for the DSR",
        ));
    }
    let dsr_id = dsr.id.clone();
    let link = data.new_link_id();
    let link_url = ids::room_link(&data.slug, &dsr_id, &link);
    data.record_delivery(super::state::Delivery {
        dsr_id,
        recipients,
        link_url: link_url.clone(),
        created_at: rfc3339(call.now),
    });
    Ok(Reply::json(
        StatusCode::CREATED,
        &json!({ "linkUrl": link_url }),
    ))
}

/// `list_dsr_templates`: every template, id and title.
pub fn list_templates(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let items: Vec<Value> = data
        .templates
        .iter()
        .map(|t| json!({ "templateId": t.template_id, "title": t.title }))
        .collect();
    Ok(Reply::json(
        StatusCode::OK,
        &json!({ "totalCount": items.len(), "items": items }),
    ))
}

/// `GET /reporting/v2/digitalSalesRoomTemplates`: one row per template, as JSON or, when the
/// `Accept` header asks for it, CSV (reporting endpoints serve both).
pub fn report_templates(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = &*slot.read();
    let wants_csv = call
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    let rows: Vec<Value> = data
        .templates
        .iter()
        .map(|t| {
            json!({
                "id": t.template_id, "name": t.title, "contentCount": t.content_version_ids.len(),
                "createdAt": t.created_at,
            })
        })
        .collect();
    if !wants_csv {
        return Ok(Reply::json(StatusCode::OK, &rows));
    }
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut csv = String::from("id,name,contentCount,createdAt\r\n");
    for t in &data.templates {
        csv.push_str(&format!(
            "{},{},{},{}\r\n",
            t.template_id,
            quote(&t.title),
            t.content_version_ids.len(),
            t.created_at
        ));
    }
    let mut reply = Reply::json(StatusCode::OK, &Value::Null);
    reply.body = csv.into();
    reply
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv"));
    Ok(reply)
}
