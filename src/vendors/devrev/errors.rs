//! DevRev's error table and envelope: `{"type": KIND, "message": ..., ...extra}` with the status of
//! the kind, `Retry-After` on 429. Statuses and extra fields per `shared/vendors/devrev.md`.

use axum::http::header;
use serde_json::{json, Map, Value};

use crate::contract::violation::{Violation, ViolationKind};
use crate::vendor::{ApiError, GenericKind as G, Problem, Reply};

crate::error_kinds! {
    reject, render;
    BAD_REQUEST = ("bad_request", BAD_REQUEST, &[], &[G::BadRequest], "generic bad request");
    ARTIFACT_ALREADY_ATTACHED_TO_A_PARENT = ("artifact_already_attached_to_a_parent", BAD_REQUEST, &["existing_parent", "is_same"], &[], "the artifact already belongs to another object");
    INVALID_CONTENT_TYPE = ("invalid_content_type", BAD_REQUEST, &["value"], &[], "the body is not declared as JSON");
    INVALID_ENUM_VALUE = ("invalid_enum_value", BAD_REQUEST, &["field_name", "value", "allowed_values"], &[], "a value outside the field's enum");
    INVALID_FIELD = ("invalid_field", BAD_REQUEST, &["field_name"], &[], "a field the operation does not take");
    INVALID_ID = ("invalid_id", BAD_REQUEST, &["field_name"], &[], "a malformed object id");
    MISSING_DEPENDENCY = ("missing_dependency", BAD_REQUEST, &["dependent_field_name", "dependent_field_value", "provided_field_name"], &[], "a field that needs another");
    MISSING_REQUIRED_FIELD = ("missing_required_field", BAD_REQUEST, &["field_name"], &[], "a required field is absent");
    PARSE_ERROR = ("parse_error", BAD_REQUEST, &[], &[], "the request could not be parsed");
    UNEXPECTED_ID_TYPE = ("unexpected_id_type", BAD_REQUEST, &["field_name", "value", "allowed_types"], &[], "an id of the wrong object type");
    UNEXPECTED_JSON_TYPE = ("unexpected_json_type", BAD_REQUEST, &["field_name", "expected", "actual"], &[], "a value of the wrong JSON type");
    VALUE_NOT_PERMITTED = ("value_not_permitted", BAD_REQUEST, &["field_name", "allowed_values", "pattern", "reason"], &[], "a value the field does not permit");
    UNAUTHENTICATED = ("unauthenticated", UNAUTHORIZED, &[], &[G::Unauthorized], "no or an unknown token");
    TOKEN_EXPIRED = ("token_expired", UNAUTHORIZED, &[], &[], "the token has expired");
    TOKEN_REVOKED = ("token_revoked", UNAUTHORIZED, &[], &[], "the token was revoked");
    DEV_ORG_DEACTIVATED = ("dev_org_deactivated", UNAUTHORIZED, &[], &[], "the dev org is deactivated");
    FORBIDDEN = ("forbidden", FORBIDDEN, &[], &[G::Forbidden], "the token may not do this");
    NOT_FOUND = ("not_found", NOT_FOUND, &[], &[G::NotFound], "no such object or path");
    CONFLICT = ("conflict", CONFLICT, &[], &[G::Conflict], "the request conflicts with stored state");
    REQUEST_ENTITY_TOO_LARGE = ("request_entity_too_large", PAYLOAD_TOO_LARGE, &["max_bytes"], &[], "the body is over the size limit");
    TOO_MANY_REQUESTS = ("too_many_requests", TOO_MANY_REQUESTS, &["retry_after"], &[G::RateLimited], "throttled; retry after `retry_after` seconds");
    INTERNAL_ERROR = ("internal_error", INTERNAL_SERVER_ERROR, &["reference_id"], &[G::ServerError], "DevRev failed");
    SERVICE_UNAVAILABLE = ("service_unavailable", SERVICE_UNAVAILABLE, &[], &[G::Unavailable], "DevRev is unavailable");
}

pub fn reject(problem: Problem) -> ApiError {
    let message = problem.to_string();
    match problem {
        Problem::UnknownPath { .. } | Problem::MethodNotAllowed { .. } => {
            ApiError::new(&NOT_FOUND, message)
        }
        Problem::MissingCredential | Problem::MalformedCredential(_) => {
            ApiError::new(&UNAUTHENTICATED, message)
        }
        Problem::RevokedCredential => ApiError::new(&TOKEN_REVOKED, message),
        Problem::ForbiddenCredential => ApiError::new(&FORBIDDEN, message),
        Problem::UnsupportedContentType { content_type } => {
            ApiError::new(&INVALID_CONTENT_TYPE, message).with("value", content_type)
        }
        Problem::BodyTooLarge { limit } => {
            ApiError::new(&REQUEST_ENTITY_TOO_LARGE, message).with("max_bytes", limit)
        }
        Problem::TooDeep { .. } | Problem::MalformedJson { .. } | Problem::EmptyBody => {
            ApiError::new(&BAD_REQUEST, message)
        }
        Problem::Contract(v) => from_violation(v),
        Problem::RateLimited {
            retry_after_secs, ..
        } => ApiError::new(&TOO_MANY_REQUESTS, message).with("retry_after", retry_after_secs),
    }
}

fn from_violation(v: Violation) -> ApiError {
    let field = v.field();
    let message = v.message.clone();
    match v.kind {
        ViolationKind::Missing => {
            ApiError::new(&MISSING_REQUIRED_FIELD, message).with("field_name", field)
        }
        ViolationKind::Unexpected => {
            ApiError::new(&INVALID_FIELD, message).with("field_name", field)
        }
        ViolationKind::Type { expected, actual } => ApiError::new(&UNEXPECTED_JSON_TYPE, message)
            .with("field_name", field)
            .with("expected", json_type(&expected))
            .with("actual", json_type(actual)),
        ViolationKind::Enum { allowed } => ApiError::new(&INVALID_ENUM_VALUE, message)
            .with("field_name", field)
            .with(
                "value",
                v.value
                    .as_str()
                    .map_or_else(|| v.value.to_string(), str::to_owned),
            )
            .with(
                "allowed_values",
                allowed
                    .iter()
                    .map(|a| a.as_str().map_or_else(|| a.to_string(), str::to_owned))
                    .collect::<Vec<_>>(),
            ),
        ViolationKind::Format { .. }
        | ViolationKind::TooFew { .. }
        | ViolationKind::TooMany { .. }
        | ViolationKind::TooShort { .. }
        | ViolationKind::TooLong { .. }
        | ViolationKind::Pattern { .. }
        | ViolationKind::OutOfRange => ApiError::new(&VALUE_NOT_PERMITTED, message.clone())
            .with("field_name", field)
            .with("reason", message),
        ViolationKind::Other => ApiError::new(&BAD_REQUEST, message),
    }
}

/// A JSON Schema type (or `a or b` list) in the words of DevRev's `unexpected_json_type` enum:
/// `array, bool, null, number, object, string`. Of a list, the first non-null type is named.
fn json_type(schema_type: &str) -> &'static str {
    let named = |t: &str| match t.trim() {
        "array" => "array",
        "boolean" | "bool" => "bool",
        "integer" | "number" => "number",
        "object" => "object",
        "string" => "string",
        _ => "null",
    };
    schema_type
        .split(" or ")
        .map(named)
        .find(|t| *t != "null")
        .unwrap_or("null")
}

pub fn render(error: &ApiError) -> Reply {
    let spec = error.kind;
    let mut body = Map::new();
    body.insert("type".into(), json!(spec.name));
    let message = if error.message.is_empty() {
        default_message(spec.name)
    } else {
        error.message.clone()
    };
    body.insert("message".into(), Value::String(message));
    // error-base's `detail`: what the kind means, beside the message about this request.
    body.insert(
        "detail".into(),
        Value::String(detail(spec.name, spec.description)),
    );
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

fn detail(kind: &str, description: &str) -> String {
    match kind {
        "invalid_content_type" => "Request bodies must be sent as application/json.".into(),
        _ => {
            let mut chars = description.chars();
            match chars.next() {
                Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
                None => kind.replace('_', " "),
            }
        }
    }
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
