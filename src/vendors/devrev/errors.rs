//! DevRev's error table and envelope: `{"type": KIND, "message": ..., ...extra}` with the status of
//! the kind, `Retry-After` on 429. Statuses and extra fields per `shared/vendors/devrev.md`.

use axum::http::{header, StatusCode};
use serde_json::{json, Map, Value};

use crate::contract::{Violation, ViolationKind};
use crate::vendor::{ApiError, ErrorKindSpec, GenericKind as G, Problem, Reply};

pub static KINDS: &[ErrorKindSpec] = &[
    ErrorKindSpec::new(
        "bad_request",
        StatusCode::BAD_REQUEST,
        &[],
        &[G::BadRequest],
        "generic bad request",
    ),
    ErrorKindSpec::new(
        "artifact_already_attached_to_a_parent",
        StatusCode::BAD_REQUEST,
        &["existing_parent", "is_same"],
        &[],
        "the artifact already belongs to another object",
    ),
    ErrorKindSpec::new(
        "invalid_content_type",
        StatusCode::BAD_REQUEST,
        &["value"],
        &[],
        "the body is not declared as JSON",
    ),
    ErrorKindSpec::new(
        "invalid_enum_value",
        StatusCode::BAD_REQUEST,
        &["field_name", "value", "allowed_values"],
        &[],
        "a value outside the field's enum",
    ),
    ErrorKindSpec::new(
        "invalid_field",
        StatusCode::BAD_REQUEST,
        &["field_name"],
        &[],
        "a field the operation does not take",
    ),
    ErrorKindSpec::new(
        "invalid_id",
        StatusCode::BAD_REQUEST,
        &["field_name"],
        &[],
        "a malformed object id",
    ),
    ErrorKindSpec::new(
        "missing_dependency",
        StatusCode::BAD_REQUEST,
        &[
            "dependent_field_name",
            "dependent_field_value",
            "provided_field_name",
        ],
        &[],
        "a field that needs another",
    ),
    ErrorKindSpec::new(
        "missing_required_field",
        StatusCode::BAD_REQUEST,
        &["field_name"],
        &[],
        "a required field is absent",
    ),
    ErrorKindSpec::new(
        "parse_error",
        StatusCode::BAD_REQUEST,
        &[],
        &[],
        "the request could not be parsed",
    ),
    ErrorKindSpec::new(
        "unexpected_id_type",
        StatusCode::BAD_REQUEST,
        &["field_name", "value", "allowed_types"],
        &[],
        "an id of the wrong object type",
    ),
    ErrorKindSpec::new(
        "unexpected_json_type",
        StatusCode::BAD_REQUEST,
        &["field_name", "expected", "actual"],
        &[],
        "a value of the wrong JSON type",
    ),
    ErrorKindSpec::new(
        "value_not_permitted",
        StatusCode::BAD_REQUEST,
        &["field_name", "allowed_values", "pattern", "reason"],
        &[],
        "a value the field does not permit",
    ),
    ErrorKindSpec::new(
        "unauthenticated",
        StatusCode::UNAUTHORIZED,
        &[],
        &[G::Unauthorized],
        "no or an unknown token",
    ),
    ErrorKindSpec::new(
        "token_expired",
        StatusCode::UNAUTHORIZED,
        &[],
        &[],
        "the token has expired",
    ),
    ErrorKindSpec::new(
        "token_revoked",
        StatusCode::UNAUTHORIZED,
        &[],
        &[],
        "the token was revoked",
    ),
    ErrorKindSpec::new(
        "dev_org_deactivated",
        StatusCode::UNAUTHORIZED,
        &[],
        &[],
        "the dev org is deactivated",
    ),
    ErrorKindSpec::new(
        "forbidden",
        StatusCode::FORBIDDEN,
        &[],
        &[G::Forbidden],
        "the token may not do this",
    ),
    ErrorKindSpec::new(
        "not_found",
        StatusCode::NOT_FOUND,
        &[],
        &[G::NotFound],
        "no such object or path",
    ),
    ErrorKindSpec::new(
        "conflict",
        StatusCode::CONFLICT,
        &[],
        &[G::Conflict],
        "the request conflicts with stored state",
    ),
    ErrorKindSpec::new(
        "request_entity_too_large",
        StatusCode::PAYLOAD_TOO_LARGE,
        &["max_bytes"],
        &[],
        "the body is over the size limit",
    ),
    ErrorKindSpec::new(
        "too_many_requests",
        StatusCode::TOO_MANY_REQUESTS,
        &["retry_after"],
        &[G::RateLimited],
        "throttled; retry after `retry_after` seconds",
    ),
    ErrorKindSpec::new(
        "internal_error",
        StatusCode::INTERNAL_SERVER_ERROR,
        &["reference_id"],
        &[G::ServerError],
        "DevRev failed",
    ),
    ErrorKindSpec::new(
        "service_unavailable",
        StatusCode::SERVICE_UNAVAILABLE,
        &[],
        &[G::Unavailable],
        "DevRev is unavailable",
    ),
];

pub fn reject(problem: Problem) -> ApiError {
    let message = problem.to_string();
    match problem {
        Problem::UnknownPath { .. } | Problem::MethodNotAllowed { .. } => {
            ApiError::new("not_found", message)
        }
        Problem::MissingCredential | Problem::MalformedCredential(_) => {
            ApiError::new("unauthenticated", message)
        }
        Problem::RevokedCredential => ApiError::new("token_revoked", message),
        Problem::ForbiddenCredential => ApiError::new("forbidden", message),
        Problem::UnsupportedContentType { content_type } => {
            ApiError::new("invalid_content_type", message).with("value", content_type)
        }
        Problem::BodyTooLarge { limit } => {
            ApiError::new("request_entity_too_large", message).with("max_bytes", limit)
        }
        Problem::TooDeep { .. } | Problem::MalformedJson { .. } | Problem::EmptyBody => {
            ApiError::new("bad_request", message)
        }
        Problem::Contract(v) => from_violation(v),
        Problem::RateLimited {
            retry_after_secs, ..
        } => ApiError::new("too_many_requests", message).with("retry_after", retry_after_secs),
    }
}

fn from_violation(v: Violation) -> ApiError {
    let field = v.field();
    let message = v.message.clone();
    match v.kind {
        ViolationKind::Missing => {
            ApiError::new("missing_required_field", message).with("field_name", field)
        }
        ViolationKind::Unexpected => {
            ApiError::new("invalid_field", message).with("field_name", field)
        }
        ViolationKind::Type { expected, actual } => ApiError::new("unexpected_json_type", message)
            .with("field_name", field)
            .with("expected", expected)
            .with("actual", actual),
        ViolationKind::Enum { allowed } => ApiError::new("invalid_enum_value", message)
            .with("field_name", field)
            .with("allowed_values", allowed),
        ViolationKind::Format { .. }
        | ViolationKind::TooFew { .. }
        | ViolationKind::TooMany { .. }
        | ViolationKind::TooShort { .. }
        | ViolationKind::TooLong { .. }
        | ViolationKind::Pattern { .. }
        | ViolationKind::OutOfRange => ApiError::new("value_not_permitted", message.clone())
            .with("field_name", field)
            .with("reason", message),
        ViolationKind::Other => ApiError::new("bad_request", message),
    }
}

pub fn render(error: &ApiError) -> Reply {
    let spec = KINDS
        .iter()
        .find(|k| k.name == error.kind)
        .unwrap_or(&KINDS[0]);
    let mut body = Map::new();
    body.insert("type".into(), json!(spec.name));
    let message = if error.message.is_empty() {
        default_message(spec.name)
    } else {
        error.message.clone()
    };
    body.insert("message".into(), Value::String(message));
    for (k, v) in &error.fields {
        body.insert(k.clone(), v.clone());
    }
    if spec.name == "too_many_requests" && !body.contains_key("retry_after") {
        body.insert("retry_after".into(), json!(60));
    }
    if spec.name == "internal_error" && !body.contains_key("reference_id") {
        body.insert("reference_id".into(), json!("sim-internal-error"));
    }
    if spec.name == "artifact_already_attached_to_a_parent" {
        body.entry("is_same").or_insert(json!(false));
        body.entry("existing_parent")
            .or_insert(json!("don:core:dvrv-us-1:devo/0:engagement/0"));
    }
    let mut reply = Reply::json(spec.status, &Value::Object(body.clone()));
    if let Some(secs) = body.get("retry_after").and_then(Value::as_u64) {
        reply.set_header(header::RETRY_AFTER, secs);
    }
    reply
}

fn default_message(kind: &str) -> String {
    match kind {
        "too_many_requests" => "Rate limit exceeded".into(),
        "service_unavailable" => "Service is temporarily unavailable".into(),
        "internal_error" => "Internal error".into(),
        "unauthenticated" => "Authentication failed".into(),
        "forbidden" => "Forbidden".into(),
        "not_found" => "The requested object was not found".into(),
        other => other.replace('_', " "),
    }
}
