//! Merge's error table and its two envelopes.
//!
//! Merge is a Django REST framework service: authentication, routing, throttling and parse
//! failures answer `{"detail": "..."}` with the framework's status (401, 403, 404, 405, 413, 415,
//! 429 with `Retry-After`, 5xx), and list filters answer `{"<param>": ["..."]}`. Failed writes
//! answer 400 with Merge's own problem list, `{"warnings": [], "errors": [{title, detail,
//! problem_type, source: {pointer}}]}`, whose `problem_type` values come from Merge's "Writes
//! warnings and errors reference". Facts and inferences: `shared/vendors/merge.md`.

use axum::http::header;
use serde_json::{json, Map, Value};

use crate::contract::violation::{Violation, ViolationKind};
use crate::vendor::{ApiError, GenericKind as G, Problem, Reply};

/// Which of Merge's two envelopes a kind is rendered in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Envelope {
    /// `{"detail": message}`.
    Detail,
    /// `{"warnings": [], "errors": [problem]}` with the kind as `problem_type`.
    Problems,
    /// `{"<field>": [message]}`, django-filter's answer to a bad query parameter.
    Field,
}

const POINTER: &[&str] = &["pointer"];

crate::error_kinds! {
    reject, render;
    ERROR = ("ERROR", BAD_REQUEST, POINTER, &[G::BadRequest], "generic write error; nothing was created");
    MISSING_REQUIRED_FIELD = ("MISSING_REQUIRED_FIELD", BAD_REQUEST, POINTER, &[], "a field meta/post declares required is absent");
    INCORRECT_FIELD_TYPE = ("INCORRECT_FIELD_TYPE", BAD_REQUEST, POINTER, &[], "a value of the wrong type or format");
    INVALID_FIELD_CHOICE = ("INVALID_FIELD_CHOICE", BAD_REQUEST, POINTER, &[], "a value outside the field's choices");
    DUPLICATE_MODEL_EXISTS = ("DUPLICATE_MODEL_EXISTS", BAD_REQUEST, POINTER, &[G::Conflict], "the third party already holds a record with the same unique identifiers");
    DISABLED_MODEL_WRITE = ("DISABLED_MODEL_WRITE", BAD_REQUEST, &[], &[], "writes to this common model are disabled");
    CREDENTIAL_REFRESH_FAILED = ("CREDENTIAL_REFRESH_FAILED", BAD_REQUEST, &[], &[], "the linked account's third-party credentials could not be refreshed");
    PROVIDER_ERROR = ("PROVIDER_ERROR", BAD_REQUEST, POINTER, &[], "the third-party API refused the write");
    PARSE_ERROR = ("parse_error", BAD_REQUEST, &[], &[], "the body is not valid JSON");
    IDEMPOTENCY_KEY_REUSED = ("idempotency_key_reused", BAD_REQUEST, &[], &[], "an Idempotency-Key came back with different request parameters");
    INVALID_FILTER = ("invalid_filter", BAD_REQUEST, &["field"], &[], "a list filter has a value it cannot read");
    NOT_AUTHENTICATED = ("not_authenticated", UNAUTHORIZED, &[], &[G::Unauthorized], "no API key was sent");
    AUTHENTICATION_FAILED = ("authentication_failed", UNAUTHORIZED, &[], &[], "the API key is malformed or revoked");
    MISSING_ACCOUNT_TOKEN = ("missing_account_token", UNAUTHORIZED, &[], &[], "no X-Account-Token header was sent");
    PERMISSION_DENIED = ("permission_denied", FORBIDDEN, &[], &[G::Forbidden], "the key may not call this endpoint");
    NOT_FOUND = ("not_found", NOT_FOUND, &[], &[G::NotFound], "no such object, path or cursor");
    METHOD_NOT_ALLOWED = ("method_not_allowed", METHOD_NOT_ALLOWED, &[], &[], "the path exists but not with this method (engagements have no DELETE)");
    REQUEST_TOO_LARGE = ("request_too_large", PAYLOAD_TOO_LARGE, &["max_bytes"], &[], "the body is over the size limit");
    UNSUPPORTED_MEDIA_TYPE = ("unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, &["content_type"], &[], "the body is not declared as JSON");
    THROTTLED = ("throttled", TOO_MANY_REQUESTS, &["retry_after"], &[G::RateLimited], "the linked account's rate limit is spent; Retry-After says when to come back");
    SERVER_ERROR = ("server_error", INTERNAL_SERVER_ERROR, &[], &[G::ServerError], "Merge failed");
    BAD_GATEWAY = ("bad_gateway", BAD_GATEWAY, &[], &[], "the third-party platform failed");
    SERVICE_UNAVAILABLE = ("service_unavailable", SERVICE_UNAVAILABLE, &["retry_after"], &[G::Unavailable], "Merge is unavailable");
}

fn envelope(kind: &str) -> Envelope {
    match kind {
        "invalid_filter" => Envelope::Field,
        k if k.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') => Envelope::Problems,
        _ => Envelope::Detail,
    }
}

/// Merge's titles are the problem type in title case (`MISSING_REQUIRED_FIELD` → "Missing
/// Required Field").
pub fn title(problem_type: &str) -> String {
    problem_type
        .split('_')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_string() + &chars.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The integer `error_code` a problem carries (Merge's docs spec types it as an integer and
/// publishes no table of values): a fixed number per problem type, chosen by the simulator.
fn error_code(problem_type: &str) -> u16 {
    match problem_type {
        "ERROR" => 1000,
        "MISSING_REQUIRED_FIELD" => 1001,
        "INCORRECT_FIELD_TYPE" => 1002,
        "INVALID_FIELD_CHOICE" => 1003,
        "UNRECOGNIZED_FIELD" => 1004,
        "DUPLICATE_MODEL_EXISTS" => 1005,
        "DISABLED_MODEL_WRITE" => 1006,
        "CREDENTIAL_REFRESH_FAILED" => 1007,
        "PROVIDER_ERROR" => 1008,
        _ => 1099,
    }
}

/// One entry of `warnings[]` or `errors[]`: Merge's `source`, `title`, `detail`, `problem_type`,
/// and the docs spec's `block_merge_link` (false: no simulated problem blocks Merge Link),
/// `raw_error` (the text the simulated third party gave, i.e. the detail) and `error_code`.
pub fn problem(problem_type: &str, detail: &str, pointer: Option<&str>) -> Value {
    let mut out = Map::new();
    if let Some(p) = pointer {
        out.insert("source".into(), json!({ "pointer": p }));
    }
    out.insert("title".into(), Value::String(title(problem_type)));
    out.insert("detail".into(), Value::String(detail.to_owned()));
    out.insert(
        "problem_type".into(),
        Value::String(problem_type.to_owned()),
    );
    out.insert("block_merge_link".into(), Value::Bool(false));
    out.insert("raw_error".into(), Value::String(detail.to_owned()));
    out.insert("error_code".into(), json!(error_code(problem_type)));
    Value::Object(out)
}

/// The `MalformedCredential` reason that stands for a missing `X-Account-Token`, which the error
/// table renders with Merge's own sentence.
pub const NO_ACCOUNT_TOKEN: &str = "no X-Account-Token header";

pub fn reject(problem: Problem) -> ApiError {
    match problem {
        Problem::MalformedCredential(why) if why == NO_ACCOUNT_TOKEN => {
            ApiError::new(&MISSING_ACCOUNT_TOKEN, "")
        }
        Problem::UnknownPath { .. } => ApiError::new(&NOT_FOUND, "Not found."),
        Problem::MethodNotAllowed { method, .. } => ApiError::new(
            &METHOD_NOT_ALLOWED,
            format!("Method \"{method}\" not allowed."),
        ),
        Problem::MissingCredential => ApiError::new(
            &NOT_AUTHENTICATED,
            "Authentication credentials were not provided.",
        ),
        Problem::MalformedCredential(why) => ApiError::new(
            &AUTHENTICATION_FAILED,
            format!("Invalid token header. {why}"),
        ),
        Problem::RevokedCredential => ApiError::new(&AUTHENTICATION_FAILED, "Invalid token."),
        Problem::ForbiddenCredential => ApiError::new(
            &PERMISSION_DENIED,
            "You do not have permission to perform this action.",
        ),
        Problem::UnsupportedContentType { content_type } => ApiError::new(
            &UNSUPPORTED_MEDIA_TYPE,
            format!("Unsupported media type \"{content_type}\" in request."),
        )
        .with("content_type", content_type),
        Problem::BodyTooLarge { limit } => ApiError::new(
            &REQUEST_TOO_LARGE,
            format!("Request body is larger than the limit of {limit} bytes."),
        )
        .with("max_bytes", limit),
        Problem::TooDeep { limit } => ApiError::new(
            &PARSE_ERROR,
            format!("JSON parse error - the body is nested more than {limit} levels deep"),
        ),
        Problem::MalformedJson {
            line,
            column,
            detail,
        } => ApiError::new(
            &PARSE_ERROR,
            format!("JSON parse error - {detail}: line {line} column {column}"),
        ),
        Problem::EmptyBody => ApiError::new(
            &MISSING_REQUIRED_FIELD,
            "model is a required field on the request body.",
        )
        .with("pointer", "/model"),
        Problem::Contract(v) => from_violation(v),
        Problem::RateLimited {
            retry_after_secs, ..
        } => ApiError::new(&THROTTLED, "").with("retry_after", retry_after_secs),
    }
}

/// A contract violation as the write problem Merge reports for it, pointing at the field.
fn from_violation(v: Violation) -> ApiError {
    let field = v.leaf().replace("~1", "/").replace("~0", "~");
    let (kind, detail) = match &v.kind {
        ViolationKind::Missing if v.pointer == "/model" => (
            &MISSING_REQUIRED_FIELD,
            "model is a required field on the request body.".to_owned(),
        ),
        ViolationKind::Missing => (
            &MISSING_REQUIRED_FIELD,
            format!("{field} is a required field on model."),
        ),
        ViolationKind::Enum { allowed } => (
            &INVALID_FIELD_CHOICE,
            format!(
                "{field} must be one of {}; {} is not an available choice.",
                allowed
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                v.message
                    .split("has value ")
                    .nth(1)
                    .and_then(|s| s.split(", which").next())
                    .unwrap_or("the value")
            ),
        ),
        ViolationKind::Type { expected, actual } => (
            &INCORRECT_FIELD_TYPE,
            format!(
                "{} must be of type {expected}, not {actual}.",
                name(&v, &field)
            ),
        ),
        ViolationKind::Format { format } => (
            &INCORRECT_FIELD_TYPE,
            format!(
                "{} could not be read as a {}.",
                name(&v, &field),
                match format.as_str() {
                    "uuid" => "Merge id (UUID)",
                    "date-time" => "date-time (ISO 8601)",
                    "uri" => "URL",
                    other => other,
                }
            ),
        ),
        _ => (
            &INCORRECT_FIELD_TYPE,
            format!("{} is invalid: {}", name(&v, &field), v.message),
        ),
    };
    let pointer = if v.pointer.is_empty() {
        "/".to_owned()
    } else {
        v.pointer.clone()
    };
    ApiError::new(kind, detail).with("pointer", pointer)
}

/// How a detail names the field: its dotted path (`contacts[1]`), or "The request body".
fn name(v: &Violation, leaf: &str) -> String {
    if v.pointer.is_empty() {
        "The request body".to_owned()
    } else if leaf.bytes().all(|b| b.is_ascii_digit()) {
        v.field()
    } else {
        v.field().strip_prefix("model.").unwrap_or(leaf).to_owned()
    }
}

pub fn render(error: &ApiError) -> Reply {
    let spec = error.kind;
    let retry_after = error.field("retry_after").and_then(Value::as_u64);
    let message = if error.message.is_empty() {
        default_message(spec.name, retry_after)
    } else {
        error.message.clone()
    };
    let body = match envelope(spec.name) {
        Envelope::Detail => json!({ "detail": message }),
        Envelope::Field => {
            let field = error
                .field("field")
                .and_then(Value::as_str)
                .unwrap_or("non_field_errors");
            json!({ field: [message] })
        }
        Envelope::Problems => {
            let pointer = error.field("pointer").and_then(Value::as_str);
            json!({
                "warnings": [],
                "errors": [problem(spec.name, &message, pointer)],
            })
        }
    };
    let mut reply = Reply::json(spec.status, &body);
    if spec.name == "throttled" {
        reply.set_header(header::RETRY_AFTER, retry_after.unwrap_or(60));
    } else if let Some(secs) = retry_after {
        reply.set_header(header::RETRY_AFTER, secs);
    }
    reply
}

fn default_message(kind: &str, retry_after: Option<u64>) -> String {
    match kind {
        "throttled" => format!(
            "Request was throttled. Expected available in {} seconds.",
            retry_after.unwrap_or(60)
        ),
        "not_authenticated" => "Authentication credentials were not provided.".into(),
        "authentication_failed" => "Invalid token.".into(),
        "missing_account_token" => {
            "Account Token must be passed in as an X-Account-Token header.".into()
        }
        "permission_denied" => "You do not have permission to perform this action.".into(),
        "not_found" => "Not found.".into(),
        "server_error" => "A server error occurred.".into(),
        "bad_gateway" => "The third-party platform returned an error.".into(),
        "service_unavailable" => "Service temporarily unavailable, try again later.".into(),
        "MISSING_REQUIRED_FIELD" => "A required field is missing.".into(),
        "DUPLICATE_MODEL_EXISTS" => {
            "A model with the same unique identifiers already exists.".into()
        }
        "DISABLED_MODEL_WRITE" => "Writes to the Engagement model are disabled.".into(),
        "CREDENTIAL_REFRESH_FAILED" => {
            "The linked account's credentials could not be refreshed.".into()
        }
        "PROVIDER_ERROR" => "The third-party platform refused the request.".into(),
        "ERROR" => "The request could not be completed.".into(),
        other => title(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_problem_type_in_title_case() {
        assert_eq!(title("MISSING_REQUIRED_FIELD"), "Missing Required Field");
        assert_eq!(title("UNRECOGNIZED_FIELD"), "Unrecognized Field");
    }
}
