//! Answering a call with a stub: the store step first (keep, read, list, merge or remove the
//! tenant's record), then the header and body templates, which may name the stored record. A key
//! that names nothing is the vendor's own not-found, in its envelope.
//!
//! A call that changes nothing creates no tenant, as the vendors' reads do: a credential with no
//! stub state is answered from a fresh tenant built for the call and dropped after it. Only when
//! that answer changed the fresh tenant (it stored a record, or drew a fresh id or fake data, which
//! moves the tenant's id stream on) is the call answered again against a kept tenant; a fresh
//! tenant depends only on the seed and its key, so both answers are the same.

use axum::http::{header, HeaderValue, StatusCode};
use bytes::Bytes;
use serde_json::{Map, Value};

use super::compile::{Compiled, CompiledStore};
use super::model::Action;
use super::store::{Collections, StubRecords};
use super::template::{Fresh, Inputs};
use crate::store::{TenantState, VendorSettings};
use crate::vendor::{ApiError, Call, Problem, Reply, Vendor};

/// The stub's answer to `call` (whose params are the stub's own).
pub fn serve(
    stub: &Compiled,
    vendor: &dyn Vendor,
    records: &StubRecords,
    call: &Call<'_>,
) -> Result<Reply, ApiError> {
    if let Some(slot) = records.used(call.tenant) {
        return answer(stub, vendor, records, call, &mut slot.write()).0;
    }
    let mut throwaway = super::store::StubData::fresh(&call.tenant.key, records.settings());
    let (reply, changed) = answer(stub, vendor, records, call, &mut throwaway);
    if !changed {
        return reply;
    }
    let slot = records.tenant(call.tenant);
    let mut data = slot.write();
    answer(stub, vendor, records, call, &mut data).0
}

/// The stub's answer against `data`, and whether it changed `data` (stored a record or drew
/// from its id source).
fn answer(
    stub: &Compiled,
    vendor: &dyn Vendor,
    records: &StubRecords,
    call: &Call<'_>,
    data: &mut super::store::StubData,
) -> (Result<Reply, ApiError>, bool) {
    let stores = stub
        .store
        .as_ref()
        .is_some_and(|s| s.key.is_some() && matches!(s.action, Action::Put | Action::Merge));
    let mut fresh = Fresh::new(&mut data.ids, &data.pod);
    let mut inputs = Inputs {
        params: call.params,
        query: call.query,
        headers: call.headers,
        body: call.body,
        tenant: &call.tenant.fingerprint,
        now: call.now,
        stored: None,
    };
    let stored = match &stub.store {
        Some(store) => {
            let kept = keep(
                store,
                &inputs,
                &mut fresh,
                &mut data.records,
                records.settings(),
            );
            match kept {
                Some(kept) => Some(kept),
                None => return (Err(not_found(vendor, call)), fresh.drew()),
            }
        }
        None => None,
    };
    inputs.stored = stored.as_ref();
    let mut reply = match &stub.body {
        None => Reply::empty(stub.status),
        Some(_) if stub.status == StatusCode::NO_CONTENT => Reply::empty(stub.status),
        Some(body) => Reply::json(stub.status, &body.render(&inputs, &mut fresh)),
    };
    for (name, value) in &stub.headers {
        if let Ok(v) = HeaderValue::from_str(&value.render_text(&inputs, &mut fresh)) {
            reply.headers.insert(name.clone(), v);
        }
    }
    // A text body under a non-JSON content type is sent as the text itself.
    let text_type = reply
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| !t.contains("json"));
    if text_type {
        if let Ok(Value::String(s)) = serde_json::from_slice::<Value>(&reply.body) {
            reply.body = Bytes::from(s);
        }
    }
    let changed = stores || fresh.drew();
    (Ok(reply), changed)
}

/// The vendor's not-found, in its envelope.
fn not_found(vendor: &dyn Vendor, call: &Call<'_>) -> ApiError {
    let problem = Problem::UnknownPath {
        method: call.operation.method.to_string(),
        path: call.operation.path.to_owned(),
    };
    match vendor.find_kind("not_found") {
        Some(kind) => ApiError::new(kind, "The requested resource does not exist"),
        None => vendor.reject(problem),
    }
}

/// The store step: the record kept, read, merged or removed, or the list; `None` when the key
/// names no record.
fn keep(
    store: &CompiledStore,
    inputs: &Inputs<'_>,
    fresh: &mut Fresh<'_>,
    records: &mut Collections,
    settings: &VendorSettings,
) -> Option<Value> {
    let collection = &store.collection;
    let key = match (&store.key, store.action) {
        (_, Action::List) | (None, _) => return Some(Value::Array(records.list(collection))),
        (Some(key), _) => key,
    };
    let key = key.render_text(inputs, fresh);
    if key.is_empty() {
        return None;
    }
    let set = |record: &mut Value, fresh: &mut Fresh<'_>| {
        if !store.set.is_empty() && !record.is_object() {
            *record = Value::Object(Map::new());
        }
        if let Value::Object(fields) = record {
            for (name, template) in &store.set {
                fields.insert(name.clone(), template.render(inputs, fresh));
            }
        }
    };
    match store.action {
        Action::Get | Action::List => records.get(collection, &key).cloned(),
        Action::Delete => records.remove(collection, &key),
        Action::Merge => {
            let mut record = records.get(collection, &key)?.clone();
            let body = kept(store, inputs, fresh);
            if let (Value::Object(old), Value::Object(new)) = (&mut record, &body) {
                old.extend(new.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            set(&mut record, fresh);
            records.put(collection, key, record.clone(), settings);
            Some(record)
        }
        Action::Put => {
            let mut record = kept(store, inputs, fresh);
            set(&mut record, fresh);
            records.put(collection, key, record.clone(), settings);
            Some(record)
        }
    }
}

/// What a write keeps: the `record` template, or the request body.
fn kept(store: &CompiledStore, inputs: &Inputs<'_>, fresh: &mut Fresh<'_>) -> Value {
    match &store.record {
        Some(t) => t.render(inputs, fresh),
        None => inputs.body.clone(),
    }
}
