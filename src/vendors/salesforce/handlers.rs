//! One function per row of Salesforce's operation table: each reads the path's API version and
//! hands the org's records, under the lock it needs, to `rules` or `query`.

use super::state::Records;
use super::{query, rules};
use crate::vendor::{ApiError, Call, Reply};

pub fn create(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    let settings = records.settings();
    records.writing(call.tenant, |data| {
        rules::create(data, call, version, settings)
    })
}

pub fn get(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    records.reading(call.tenant, |data| rules::get(data, call, version))
}

pub fn delete(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    rules::version(call)?;
    records.writing(call.tenant, |data| rules::delete(data, call))
}

pub fn sobject_get(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    records.reading(call.tenant, |data| rules::sobject_get(data, call, version))
}

pub fn query(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    records.writing(call.tenant, |data| query::query(data, call, version))
}

pub fn query_more(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let version = rules::version(call)?;
    records.reading(call.tenant, |data| query::more(data, call, version))
}
