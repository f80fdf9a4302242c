//! What a vendor handler receives ([`Call`]) and what it answers ([`Reply`]).

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::operation::Operation;
use crate::tenant::Tenant;

/// One request that has passed credentials, scenario rules and contract validation.
pub struct Call<'a> {
    pub operation: &'static Operation,
    /// The operation's position in its vendor's table (see `serve` in the seam).
    pub index: usize,
    pub tenant: &'a Tenant,
    /// Path parameters captured by the operation's path template, in order.
    pub params: &'a [(String, String)],
    /// Query pairs, decoded, in order (repeated names repeat).
    pub query: &'a [(String, String)],
    pub headers: &'a HeaderMap,
    /// The request path as it arrived, vendor prefix included (`/salesforce/services/...`, or
    /// `/services/...` on a `--vendor-listen` port): what answers that point back need.
    pub path: &'a str,
    /// The parsed JSON body (`Value::Null` when there was none).
    pub body: &'a Value,
    /// The simulator's clock at the moment the call arrived.
    pub now: DateTime<Utc>,
}

impl Call<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The last value of a query parameter.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a query parameter (`a=1&a=2`).
    pub fn query_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.query
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A finished answer: status, headers and an already serialised body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// A JSON answer, serialised once here.
    pub fn json(status: StatusCode, body: &impl Serialize) -> Reply {
        // Most answers are a few hundred bytes to a few KiB: start there instead of growing from 0.
        let mut bytes = Vec::with_capacity(1024);
        serde_json::to_writer(&mut bytes, body).expect("serialising a JSON value cannot fail");
        let body = bytes;
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Reply {
            status,
            headers,
            body: Bytes::from(body),
        }
    }

    /// An answer with no body.
    pub fn empty(status: StatusCode) -> Reply {
        Reply {
            status,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    pub fn header(mut self, name: HeaderName, value: impl ToString) -> Reply {
        self.set_header(name, value);
        self
    }

    pub fn set_header(&mut self, name: HeaderName, value: impl ToString) {
        if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
            self.headers.insert(name, v);
        }
    }
}
