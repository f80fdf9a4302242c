//! What every Salesforce answer shares: the API versions that have the resources, and JSON with
//! Salesforce's content type.

use axum::http::{header, HeaderValue, StatusCode};
use serde::Serialize;

use crate::vendor::Reply;

/// The engagement-interaction resources exist from this API version on.
pub const OLDEST_VERSION: u32 = 55;
/// The newest release: Spring '26 is v66.0 and each release adds one, so Winter '27 (out by
/// November 2026) is v68.0 (inferred from the release cadence).
pub const NEWEST_VERSION: u32 = 68;

/// The content type of the SOAP API's answers.
pub const SOAP_XML: &str = "text/xml; charset=utf-8";

/// The org's daily API allocation shown in `Sforce-Limit-Info` and `/limits` (a Developer
/// Edition's 15,000).
pub const API_LIMIT: u64 = 15_000;

/// The content type Salesforce answers with.
pub const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// A JSON answer with Salesforce's content type, serialised once.
pub fn json_reply(status: StatusCode, body: &impl Serialize) -> Reply {
    let mut reply = Reply::json(status, body);
    reply
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    reply
}
