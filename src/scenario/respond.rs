//! A rule's `respond`, read once at load into what the pipeline answers when the rule fires: an
//! error of one of the vendor's typed kinds, or an exact raw reply. A kind the vendor does not have
//! is a load-time error, never a fallback when the rule fires.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use bytes::Bytes;
use serde_json::{Map, Value};

use crate::vendor::{ApiError, Reply, Vendor};

/// What a firing rule answers.
#[derive(Debug, Clone)]
pub enum Respond {
    /// The vendor's error, rendered in its envelope.
    Error(ApiError),
    /// Exactly this status, these headers and this body.
    Raw(Reply),
}

/// Reads a checked `respond` map for `vendor`.
pub fn resolve(respond: &Map<String, Value>, vendor: &dyn Vendor) -> Result<Respond, String> {
    match respond.get("error") {
        Some(kind) => {
            let name = kind.as_str().unwrap_or_default();
            let kind = vendor
                .find_kind(name)
                .ok_or_else(|| format!("{} has no error kind '{name}'", vendor.name()))?;
            let mut fields = respond.clone();
            fields.remove("error");
            let message = match fields.remove("message") {
                Some(Value::String(text)) => text,
                _ => String::new(),
            };
            let mut error = ApiError::new(kind, message);
            error.fields = fields;
            Ok(Respond::Error(error))
        }
        None => raw(respond).map(Respond::Raw),
    }
}

fn raw(respond: &Map<String, Value>) -> Result<Reply, String> {
    let code = respond.get("status").and_then(Value::as_u64).unwrap_or(500);
    let status = u16::try_from(code)
        .ok()
        .and_then(|c| StatusCode::from_u16(c).ok())
        .filter(|s| !s.is_informational())
        .ok_or_else(|| format!("respond.status {code} is not a final HTTP status (200-599)"))?;
    let mut reply = match respond.get("body") {
        Some(Value::String(text)) => Reply {
            status,
            headers: Default::default(),
            body: Bytes::from(text.clone()),
        },
        Some(value) => Reply::json(status, value),
        None => Reply::empty(status),
    };
    if let Some(headers) = respond.get("headers").and_then(Value::as_object) {
        for (name, value) in headers {
            let Some(value) = value.as_str() else {
                continue;
            };
            if let (Ok(n), Ok(v)) = (
                HeaderName::try_from(name.as_str()),
                HeaderValue::from_str(value),
            ) {
                reply.headers.insert(n, v);
            }
        }
    }
    Ok(reply)
}
