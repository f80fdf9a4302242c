//! Merge's engagement writes and reads, and the rules the contract cannot express: unknown
//! `model` keys are ignored with an `UNRECOGNIZED_FIELD` warning each, referenced ids are stored
//! as sent (Merge does not check them against synced records before writing), `is_debug_mode`
//! adds `logs`, `run_async` answers before the third party has given the record its `remote_id`,
//! PATCH changes only the fields it names, and an `Idempotency-Key` replays a create.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, LazyLock};

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::errors;
use super::errors::problem;
use super::ids::{canonical, canonical_ref, merge_id, remote_id};
use super::seed::Refs;
use super::state::{Engagement, Remembered, RemoteField, TenantData};
use super::view::{flag, Shape, View, WriteAnswer};
use crate::store::Slot;
use crate::vendor::{ApiError, Call, Reply, VendorSettings};

/// The fields of an engagement `model` that writes take.
pub const MODEL_FIELDS: &[&str] = &[
    "owner",
    "content",
    "subject",
    "direction",
    "engagement_type",
    "start_time",
    "end_time",
    "account",
    "contacts",
    "engagement_url",
    "integration_params",
    "linked_account_params",
    "remote_fields",
];

/// The create contract, which `meta/post` publishes as its `request_schema`: what the server
/// validates is exactly what it advertises.
pub static CREATE_SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/contracts/merge/engagements.create.request.json"
    )))
    .expect("the create contract is valid JSON")
});

pub static PATCH_SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/contracts/merge/engagements.partial_update.request.json"
    )))
    .expect("the partial update contract is valid JSON")
});

fn model<'a>(call: &Call<'a>) -> &'a Map<String, Value> {
    static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);
    call.body
        .get("model")
        .and_then(Value::as_object)
        .unwrap_or(&EMPTY)
}

/// One `UNRECOGNIZED_FIELD` warning per key of `model` that is not an engagement field.
fn unrecognized(model: &Map<String, Value>) -> Vec<Value> {
    model
        .keys()
        .filter(|k| !MODEL_FIELDS.contains(&k.as_str()))
        .map(|k| {
            let pointer = format!("/model/{}", k.replace('~', "~0").replace('/', "~1"));
            problem(
                "UNRECOGNIZED_FIELD",
                &format!("{k} is not a field of Engagement; it was ignored."),
                Some(&pointer),
            )
        })
        .collect()
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// An id field, in canonical form when it reads as a UUID (the contract makes sure it does).
fn id(v: &Value) -> Option<String> {
    v.as_str()
        .map(|s| canonical(s).unwrap_or_else(|| s.to_owned()))
}

fn contacts(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(id).collect()
}

/// Copies the fields `model` names onto `e`; absent fields stay as they are, and so do fields
/// sent as `null`: Merge's generated clients (MergePythonSDK 2.x) send every unset field of a
/// create or patch model as `null`, so a null means "not given", and a patch from such a client
/// changes only what it set. `remote_fields` arrive already resolved by [`resolve_remote_fields`].
fn apply(e: &mut Engagement, model: &Map<String, Value>, remote_fields: Option<Vec<RemoteField>>) {
    for (k, v) in model {
        match k.as_str() {
            _ if v.is_null() => {}
            "owner" => e.owner = id(v),
            "content" => e.content = text(v),
            "subject" => e.subject = text(v),
            "direction" => e.direction = text(v),
            "engagement_type" => e.engagement_type = id(v),
            "start_time" => e.start_time = text(v),
            "end_time" => e.end_time = text(v),
            "account" => e.account = id(v),
            "contacts" => e.contacts = contacts(v),
            "engagement_url" => e.engagement_url = text(v),
            "integration_params" => e.integration_params = Some(v.clone()).filter(|v| !v.is_null()),
            "linked_account_params" => {
                e.linked_account_params = Some(v.clone()).filter(|v| !v.is_null())
            }
            _ => {}
        }
    }
    if let Some(fields) = remote_fields {
        e.remote_fields = fields;
    }
}

/// The `remote_fields` a write sent, each with its `remote_field_class` expanded to the
/// account's RemoteFieldClass object, as Merge's page and docs spec show it in answers. A class
/// the account does not know is answered as `{"id": ...}` (or `{}` without an id): what a client
/// made up is not echoed back as if it were one of the account's classes.
/// The shared reference records are looked up only when a write sets remote fields.
fn resolve_remote_fields(refs: &Refs, model: &Map<String, Value>) -> Option<Vec<RemoteField>> {
    let items = model.get("remote_fields")?.as_array()?;
    Some(
        items
            .iter()
            .map(|item| {
                let sent = &item["remote_field_class"];
                let id = sent.as_str().or_else(|| sent["id"].as_str());
                let known = id
                    .and_then(canonical_ref)
                    .and_then(|i| refs.remote_field_classes.get(i.as_ref()).cloned());
                let class = match (known, id) {
                    (Some(known), _) => known,
                    (None, Some(id)) => {
                        Arc::new(json!({ "id": canonical(id).unwrap_or_else(|| id.to_owned()) }))
                    }
                    (None, None) => Arc::new(json!({})),
                };
                RemoteField {
                    remote_field_class: class,
                    value: item.get("value").cloned().unwrap_or(Value::Null),
                }
            })
            .collect(),
    )
}

/// The refusal of a write that leaves out (or sends as `null`) a field the account requires.
fn check_required(model: &Map<String, Value>, required: &[String]) -> Result<(), ApiError> {
    match required
        .iter()
        .find(|f| model.get(f.as_str()).is_none_or(Value::is_null))
    {
        None => Ok(()),
        Some(field) => Err(ApiError::new(
            &errors::MISSING_REQUIRED_FIELD,
            format!("{field} is a required field on model."),
        )
        .with("pointer", format!("/model/{field}"))),
    }
}

/// `is_debug_mode=true`: the log of the one outbound call Merge made to the third party.
fn debug_logs(
    data: &mut TenantData,
    call: &Call<'_>,
    method: &str,
    status: u16,
    remote: &str,
) -> Option<Vec<Value>> {
    flag(call, "is_debug_mode").then(|| debug_log(merge_id(data.ids.rng()), method, status, remote))
}

fn debug_log(log_id: String, method: &str, status: u16, remote: &str) -> Vec<Value> {
    let path = if method == "POST" {
        "/crm/v3/objects/engagements".to_owned()
    } else {
        format!("/crm/v3/objects/engagements/{remote}")
    };
    vec![json!({
        "log_id": log_id,
        "dashboard_view": format!("https://app.merge.dev/logs/{log_id}"),
        "log_summary": {
            "url": format!("https://crm.example.com{path}"),
            "method": method,
            "status_code": status,
        },
    })]
}

/// The request's `Idempotency-Key`, if it sent a usable one.
fn idempotency_key<'a>(call: &Call<'a>) -> Option<&'a str> {
    call.headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// What makes two creates "identical parameters": the body as parsed and the query.
fn fingerprint(call: &Call<'_>) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    call.body.to_string().hash(&mut h);
    call.query.hash(&mut h);
    h.finish()
}

/// docs.merge.dev "Idempotency": a create repeated with the same `Idempotency-Key` and the same
/// parameters gets the first answer again and creates nothing; with other parameters it is a 400.
pub fn create(
    slot: &Slot<TenantData>,
    settings: &VendorSettings,
    call: &Call<'_>,
) -> Result<Reply, ApiError> {
    let Some(key) = idempotency_key(call) else {
        return create_unkeyed(slot, settings, call);
    };
    // A keyed create checks, creates and remembers under one hold of the lock, so two creates
    // with one key never both create.
    let data = &mut *slot.write();
    let print = fingerprint(call);
    if let Some(prior) = data.remembered(key, call.now) {
        return if prior.fingerprint == print {
            Ok(prior.reply.clone())
        } else {
            Err(ApiError::new(
                &errors::IDEMPOTENCY_KEY_REUSED,
                format!(
                    "Idempotency-Key '{key}' was already used with different request parameters."
                ),
            ))
        };
    }
    let reply = create_new(data, settings, call)?;
    data.remember(
        settings,
        key,
        Remembered {
            fingerprint: print,
            at: call.now,
            reply: reply.clone(),
        },
    );
    Ok(reply)
}

fn create_new(
    data: &mut TenantData,
    settings: &VendorSettings,
    call: &Call<'_>,
) -> Result<Reply, ApiError> {
    let model = model(call);
    let drawn = draw(data, call, model)?;
    let rank = data.next_rank();
    let refs = data.shared_refs(settings.reference_seed);
    let (reply, e, size) = build(call, model, &refs, drawn);
    data.insert_sized(settings, rank, e, size);
    Ok(reply)
}

/// A create without an `Idempotency-Key`. The account's lock is held twice, briefly: to check the
/// required fields and draw the record's ids and rank, then to store it. Building the record, its
/// answer and its size happens in between, so concurrent creates in one account do not queue
/// behind each other's serialisation: in a one-account benchmark, waiting for this lock had been
/// about 10 % of a create's CPU.
pub fn create_unkeyed(
    slot: &Slot<TenantData>,
    settings: &VendorSettings,
    call: &Call<'_>,
) -> Result<Reply, ApiError> {
    let model = model(call);
    let (drawn, rank, refs) = {
        let mut data = slot.write();
        let drawn = draw(&mut data, call, model)?;
        let rank = data.next_rank();
        (drawn, rank, data.shared_refs(settings.reference_seed))
    };
    let (reply, e, size) = build(call, model, &refs, drawn);
    // The engagements this evicts are dropped after the lock is let go.
    let evicted = slot.write().insert_sized(settings, rank, e, size);
    drop(evicted);
    Ok(reply)
}

/// What a create draws from the account's random source, under its lock.
struct Drawn {
    id: String,
    remote_id: String,
    log_id: Option<String>,
}

fn draw(
    data: &mut TenantData,
    call: &Call<'_>,
    model: &Map<String, Value>,
) -> Result<Drawn, ApiError> {
    check_required(model, &data.required.post)?;
    let id = merge_id(data.ids.rng());
    let remote_id = remote_id(data.ids.rng());
    let log_id = flag(call, "is_debug_mode").then(|| merge_id(data.ids.rng()));
    Ok(Drawn {
        id,
        remote_id,
        log_id,
    })
}

/// A new engagement from `model`, the 201 answer that shows it, and the size it is counted at.
fn build(
    call: &Call<'_>,
    model: &Map<String, Value>,
    refs: &Refs,
    drawn: Drawn,
) -> (Reply, Engagement, usize) {
    let warnings = unrecognized(model);
    let remote_fields = resolve_remote_fields(refs, model);
    let mut e = Engagement::new(drawn.id, Some(drawn.remote_id), call.now);
    apply(&mut e, model, remote_fields);
    let remote = e.remote_id.as_deref().unwrap_or_default();
    let logs = drawn.log_id.map(|id| debug_log(id, "POST", 201, remote));
    let shape = Shape {
        remote_fields: true,
        hide_remote_id: flag(call, "run_async"),
        ..Shape::default()
    };
    let reply = Reply::json(
        StatusCode::CREATED,
        &WriteAnswer {
            model: View {
                e: &e,
                shape: &shape,
            },
            warnings,
            errors: [],
            logs,
        },
    );
    // The answer is the record's JSON with a short envelope around it: its length counts the
    // record for `--tenant-record-bytes` without writing the record out a second time.
    let size = reply.body.len();
    (reply, e, size)
}

fn not_found() -> ApiError {
    ApiError::new(&errors::NOT_FOUND, "Not found.")
}

fn path_id(call: &Call<'_>) -> Result<String, ApiError> {
    call.param("id").and_then(canonical).ok_or_else(not_found)
}

pub fn partial_update(
    data: &mut TenantData,
    settings: &VendorSettings,
    call: &Call<'_>,
) -> Result<Reply, ApiError> {
    let id = path_id(call)?;
    let model = model(call);
    data.find(&id).ok_or_else(not_found)?;
    check_required(model, &data.required.patch)?;
    let warnings = unrecognized(model);
    let remote_fields = resolve_remote_fields(data.refs(settings.reference_seed), model);
    let remote = data
        .find(&id)
        .ok_or_else(not_found)?
        .remote_id
        .clone()
        .unwrap_or_default();
    let logs = debug_logs(data, call, "PATCH", 200, &remote);
    let e = data.find_mut(&id).ok_or_else(not_found)?;
    apply(e, model, remote_fields);
    e.modified_at = call.now;
    data.resized(settings, &id);
    let e = data.find(&id).ok_or_else(not_found)?;
    let shape = Shape {
        remote_fields: true,
        ..Shape::default()
    };
    Ok(Reply::json(
        StatusCode::OK,
        &WriteAnswer {
            model: View { e, shape: &shape },
            warnings,
            errors: [],
            logs,
        },
    ))
}

pub fn retrieve(data: &TenantData, call: &Call<'_>, shape: &Shape<'_>) -> Result<Reply, ApiError> {
    let id = path_id(call)?;
    let e = data.find(&id).ok_or_else(not_found)?;
    Ok(Reply::json(StatusCode::OK, &View { e, shape }))
}

/// `meta/post` and `meta/patch/{id}`: the request schema the server validates with (its `model`
/// requiring exactly what the account requires), the linked account's status, and the remote
/// field classes a write may set.
pub fn meta(schema: &Value, required: &[String], refs: &Refs) -> Reply {
    let mut schema = schema.clone();
    if let Some(model) = schema
        .pointer_mut("/properties/model")
        .and_then(Value::as_object_mut)
    {
        model.insert("required".into(), json!(required));
    }
    let classes: Map<String, Value> = refs
        .remote_field_classes
        .items
        .values()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_owned(),
                Value::clone(c),
            )
        })
        .collect();
    Reply::json(
        StatusCode::OK,
        &json!({
            "request_schema": schema,
            "status": {"linked_account_status": "COMPLETE", "can_make_request": true},
            "has_conditional_params": false,
            "has_required_linked_account_params": false,
            "remote_field_classes": classes,
        }),
    )
}

pub fn meta_patch(data: &TenantData, call: &Call<'_>, refs: &Refs) -> Result<Reply, ApiError> {
    let id = path_id(call)?;
    data.find(&id).ok_or_else(not_found)?;
    Ok(meta(&PATCH_SCHEMA, &data.required.patch, refs))
}
