//! One function per row of Salesforce's operation table: each reads the path's API version and
//! hands the org's records, under the lock it needs, to `rules` or `query`.

use super::state::Records;
use super::{login, query, rules, sobjects};
use crate::vendor::{ApiError, Call, Reply};

pub fn create(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    let settings = records.settings();
    let read = rules::read_create(call, version)?;
    let mut evicted = Vec::new();
    let reply = records.writing(call.tenant, |data| {
        rules::create(data, call, read, settings, &mut evicted)
    });
    drop(evicted);
    reply
}

pub fn get(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    records.reading(call.tenant, |data| rules::get(data, call, version))
}

pub fn delete(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    rules::version(call)?;
    let settings = records.settings();
    records.writing(call.tenant, |data| rules::delete(data, call, settings))
}

pub fn sobject_get(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    records.reading(call.tenant, |data| rules::sobject_get(data, call, version))
}

pub fn query(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    query::query(&mut records.view(call.tenant).write(), call, version, false)
}

pub fn query_all(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    query::query(&mut records.view(call.tenant).write(), call, version, true)
}

pub fn sobject_create(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    let settings = records.settings();
    records.writing(call.tenant, |data| {
        sobjects::create(data, call, version, settings)
    })
}

pub fn sobject_update(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    let settings = records.settings();
    records.writing(call.tenant, |data| {
        sobjects::update(data, call, version, settings)
    })
}

pub fn sobject_delete(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    rules::version(call)?;
    let settings = records.settings();
    records.writing(call.tenant, |data| sobjects::delete(data, call, settings))
}

pub fn sobject_describe(_records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    sobjects::describe(call, version)
}

pub fn sobject_info(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    records.reading(call.tenant, |data| sobjects::info(data, call, version))
}

pub fn limits(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    rules::version(call)?;
    Ok(records.reading(call.tenant, sobjects::limits))
}

pub use login::{soap_login, token as oauth_token, versions};

pub fn query_more(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    records.reading(call.tenant, |data| query::more(data, call, version))
}
