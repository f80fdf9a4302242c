//! One function per row of Merge's operation table: each finds the linked account's records,
//! takes the lock it needs, and hands over to `rules` (engagement writes and reads) or `listing`
//! (cursor pages of engagements and of the reference records).

use serde_json::Value;

use super::listing;
use super::rules;
use super::seed::{Catalog, Refs};
use super::state::{Records, TenantData};
use super::view::{Expand, Shape};
use crate::vendor::{ApiError, Call, Reply};

fn refs<'a>(records: &Records, data: &'a TenantData) -> &'a Refs {
    data.refs(records.settings().reference_seed)
}

/// How a read shows engagements: reference records are built only when `expand` needs them.
fn shape<'a>(records: &Records, data: &'a TenantData, call: &Call<'_>) -> Shape<'a> {
    let refs = Expand::from_call(call).any().then(|| refs(records, data));
    Shape::for_read(call, refs)
}

pub fn create(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    rules::create(&records.tenant(call.tenant), records.settings(), call)
}

pub fn partial_update(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.tenant(call.tenant);
    let mut data = slot.write();
    rules::partial_update(&mut data, records.settings(), call)
}

pub fn retrieve(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = slot.read();
    rules::retrieve(&data, call, &shape(records, &data, call))
}

pub fn list(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = slot.read();
    listing::engagements(&data, call, &shape(records, &data, call))
}

pub fn meta_post(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = slot.read();
    Ok(rules::meta(
        &rules::CREATE_SCHEMA,
        &data.required.post,
        refs(records, &data),
    ))
}

pub fn meta_patch(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = slot.read();
    rules::meta_patch(&data, call, refs(records, &data))
}

/// `account-details`: the linked account the `X-Account-Token` names, drawn from the seed and the
/// token (no engagement state is read, so no lock is taken).
pub fn account_details(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    Ok(Reply::json(
        axum::http::StatusCode::OK,
        &super::seed::account_details(records.settings().reference_seed, &call.tenant.key),
    ))
}

pub fn remote_field_classes(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let wanted = |name: &str| match call.query_value(name) {
        Some("true" | "True") => Some(true),
        Some("false" | "False") => Some(false),
        _ => None,
    };
    let (common, custom) = (wanted("is_common_model_field"), wanted("is_custom"));
    catalog(
        records,
        call,
        |r| &r.remote_field_classes,
        |c| {
            common.is_none_or(|w| c["is_common_model_field"] == w)
                && custom.is_none_or(|w| c["is_custom"] == w)
        },
    )
}

/// A page of one of the account's reference catalogs, filtered by `keep`.
fn catalog(
    records: &Records,
    call: &Call<'_>,
    which: impl Fn(&Refs) -> &Catalog,
    keep: impl Fn(&Value) -> bool,
) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = slot.read();
    let refs = refs(records, &data);
    listing::catalog(which(refs), refs, call, keep)
}

/// One record of one of the account's reference catalogs.
fn catalog_item(
    records: &Records,
    call: &Call<'_>,
    which: impl Fn(&Refs) -> &Catalog,
) -> Result<Reply, ApiError> {
    let slot = records.view(call.tenant);
    let data = slot.read();
    let refs = refs(records, &data);
    listing::catalog_item(which(refs), refs, call)
}

pub fn engagement_types(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    catalog(records, call, |r| &r.engagement_types, |_| true)
}

pub fn engagement_type(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    catalog_item(records, call, |r| &r.engagement_types)
}

pub fn users(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    catalog(records, call, |r| &r.users, |_| true)
}

pub fn user(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    catalog_item(records, call, |r| &r.users)
}

pub fn accounts(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    catalog(records, call, |r| &r.accounts, |_| true)
}

pub fn account(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    catalog_item(records, call, |r| &r.accounts)
}

pub fn contacts(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let account = call.query_value("account_id").filter(|a| !a.is_empty());
    catalog(
        records,
        call,
        |r| &r.contacts,
        |c| account.is_none_or(|a| c["account"] == a),
    )
}

pub fn contact(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    catalog_item(records, call, |r| &r.contacts)
}
