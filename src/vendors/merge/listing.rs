//! Merge's list endpoints: cursor pagination (`cursor`, `page_size`, `next`/`previous` as opaque
//! cursors), the engagement filters (created/modified/started after/before, `remote_id`,
//! `account_id`, `include_deleted_data`) and the read-only reference lists.

use std::borrow::Cow;
use std::sync::Arc;

use crate::store::cursor::CursorCodec;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::errors;
use super::seed::{Catalog, Refs};
use super::state::{page, Cursor, Engagement, Rank, TenantData};
use super::view::{flag, ListAnswer, Shape, View};
use crate::vendor::{ApiError, Call, Reply};

/// Merge's "Pagination" page: `page_size` defaults to 30, at most 100.
pub const MAX_PAGE_SIZE: usize = 100;
const DEFAULT_PAGE_SIZE: usize = 30;

/// `page_size` as Django REST framework reads it: a positive integer, capped at the maximum;
/// anything else falls back to the default.
fn page_size(call: &Call<'_>) -> usize {
    call.query_value("page_size")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .map_or(DEFAULT_PAGE_SIZE, |n| n.min(MAX_PAGE_SIZE))
}

/// Cursors are base64 of a query string, as Django REST framework's cursor pagination makes
/// them: `p=<position>` for the next page, `r=1&p=<position>` for the previous one.
const CURSORS: CursorCodec = CursorCodec::standard("");

fn encode(cursor: Cursor) -> String {
    CURSORS.encode_text(&match cursor {
        Cursor::After(p) => format!("p={p}"),
        Cursor::Before(p) => format!("r=1&p={p}"),
    })
}

fn decode(text: &str) -> Result<Cursor, ApiError> {
    let invalid = || ApiError::new(&errors::NOT_FOUND, "Invalid cursor");
    let query = CURSORS.decode_text(text).ok_or_else(invalid)?;
    let (mut reverse, mut position) = (false, None);
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match &*k {
            "r" => reverse = v == "1",
            "p" => position = v.parse::<Rank>().ok(),
            _ => {}
        }
    }
    let p = position.ok_or_else(invalid)?;
    Ok(if reverse {
        Cursor::Before(p)
    } else {
        Cursor::After(p)
    })
}

fn cursor(call: &Call<'_>) -> Result<Option<Cursor>, ApiError> {
    call.query_value("cursor")
        .filter(|c| !c.is_empty())
        .map(decode)
        .transpose()
}

/// A date-time filter, or django-filter's 400 naming the parameter.
fn date_filter(call: &Call<'_>, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(text) = call.query_value(name).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    parse_time(text).map(Some).ok_or_else(|| {
        ApiError::new(&errors::INVALID_FILTER, "Enter a valid date/time.").with("field", name)
    })
}

/// RFC 3339, or a naive date-time read as UTC (`2024-05-15T14:00:00`, `2024-05-15 14:00`).
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
        return Some(t.with_timezone(&Utc));
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(text.trim(), f).ok())
    .map(|n| n.and_utc())
    .or_else(|| {
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|n| n.and_utc())
    })
}

struct Filters {
    created_after: Option<DateTime<Utc>>,
    created_before: Option<DateTime<Utc>>,
    modified_after: Option<DateTime<Utc>>,
    modified_before: Option<DateTime<Utc>>,
    started_after: Option<DateTime<Utc>>,
    started_before: Option<DateTime<Utc>>,
    remote_id: Option<String>,
    account_id: Option<String>,
    include_deleted: bool,
}

impl Filters {
    fn read(call: &Call<'_>) -> Result<Filters, ApiError> {
        let text = |k: &str| {
            call.query_value(k)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Ok(Filters {
            created_after: date_filter(call, "created_after")?,
            created_before: date_filter(call, "created_before")?,
            modified_after: date_filter(call, "modified_after")?,
            modified_before: date_filter(call, "modified_before")?,
            started_after: date_filter(call, "started_after")?,
            started_before: date_filter(call, "started_before")?,
            remote_id: text("remote_id"),
            account_id: text("account_id"),
            include_deleted: flag(call, "include_deleted_data"),
        })
    }

    fn accepts(&self, e: &Engagement) -> bool {
        let start = || e.start_time.as_deref().and_then(parse_time);
        (self.include_deleted || !e.remote_was_deleted)
            && self.created_after.is_none_or(|t| e.created_at > t)
            && self.created_before.is_none_or(|t| e.created_at < t)
            && self.modified_after.is_none_or(|t| e.modified_at > t)
            && self.modified_before.is_none_or(|t| e.modified_at < t)
            && self
                .started_after
                .is_none_or(|t| start().is_some_and(|s| s > t))
            && self
                .started_before
                .is_none_or(|t| start().is_some_and(|s| s < t))
            && self
                .remote_id
                .as_ref()
                .is_none_or(|r| e.remote_id.as_ref() == Some(r))
            && self
                .account_id
                .as_ref()
                .is_none_or(|a| e.account.as_ref() == Some(a))
    }
}

pub fn engagements(
    data: &TenantData,
    call: &Call<'_>,
    shape: &Shape<'_>,
) -> Result<Reply, ApiError> {
    let filters = Filters::read(call)?;
    let page = page(
        &data.engagements,
        cursor(call)?,
        page_size(call),
        |e: &Engagement| filters.accepts(e),
    );
    let answer = ListAnswer {
        next: page.next.map(|p| encode(Cursor::After(p))),
        previous: page.previous.map(|p| encode(Cursor::Before(p))),
        results: page.items.into_iter().map(|e| View { e, shape }).collect(),
    };
    Ok(Reply::json(StatusCode::OK, &answer))
}

/// `expand=owner,account` on a reference record: the named relations it has, nested. Records are
/// shared, so only an expanded answer copies one.
fn expanded<'a>(record: &'a Value, refs: &Refs, call: &Call<'_>) -> Cow<'a, Value> {
    let mut out: Option<Value> = None;
    for name in call.query_values("expand").flat_map(|v| v.split(',')) {
        let catalog = match name.trim() {
            "owner" => &refs.users,
            "account" => &refs.accounts,
            _ => continue,
        };
        let Some(target) = record[name.trim()].as_str().and_then(|id| catalog.get(id)) else {
            continue;
        };
        out.get_or_insert_with(|| record.clone())[name.trim()] = Value::clone(target);
    }
    out.map_or(Cow::Borrowed(record), Cow::Owned)
}

/// A list of read-only reference records; `keep` applies the endpoint's own filters.
pub fn catalog(
    catalog: &Catalog,
    refs: &Refs,
    call: &Call<'_>,
    keep: impl Fn(&Value) -> bool,
) -> Result<Reply, ApiError> {
    let remote_id = call.query_value("remote_id").filter(|v| !v.is_empty());
    let page = page(
        &catalog.items,
        cursor(call)?,
        page_size(call),
        |v: &Arc<Value>| keep(v) && remote_id.is_none_or(|r| v["remote_id"] == r),
    );
    let answer = ListAnswer {
        next: page.next.map(|p| encode(Cursor::After(p))),
        previous: page.previous.map(|p| encode(Cursor::Before(p))),
        results: page
            .items
            .into_iter()
            .map(|r| expanded(r, refs, call))
            .collect(),
    };
    Ok(Reply::json(StatusCode::OK, &answer))
}

/// One reference record by id, or the framework's 404.
pub fn catalog_item(catalog: &Catalog, refs: &Refs, call: &Call<'_>) -> Result<Reply, ApiError> {
    let id = call.param("id").unwrap_or_default();
    super::ids::canonical(id)
        .and_then(|id| catalog.get(&id))
        .map(|record| Reply::json(StatusCode::OK, &expanded(record, refs, call)))
        .ok_or_else(|| ApiError::new(&errors::NOT_FOUND, "Not found."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_invalid() {
        for c in [Cursor::After(7), Cursor::Before(u64::MAX - 3)] {
            assert_eq!(decode(&encode(c)).unwrap(), c);
        }
        assert!(decode("not a cursor").is_err());
        let pasted = encode(Cursor::After(u64::MAX - 1)).replace('+', " ");
        assert_eq!(decode(&pasted).unwrap(), Cursor::After(u64::MAX - 1));
        assert!(decode(&CURSORS.encode_text("x=1")).is_err());
    }

    #[test]
    fn naive_and_offset_times_are_read() {
        assert!(parse_time("2024-05-15T14:00:00Z").is_some());
        assert!(parse_time("2024-05-15T14:00:00+02:00").is_some());
        assert!(parse_time("2024-05-15T14:00:00").is_some());
        assert!(parse_time("2024-05-15").is_some());
        assert!(parse_time("yesterday").is_none());
    }
}
