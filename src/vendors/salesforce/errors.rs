//! Salesforce's error table and envelope: a JSON array holding one `{message, errorCode, fields?}`
//! (jsforce turns more than one element into `MULTIPLE_API_ERRORS`), with the status of the code.
//! No 429 and no `Retry-After`: throttling is a 403 `REQUEST_LIMIT_EXCEEDED`.
//! Facts: `shared/vendors/salesforce.md`.

use std::sync::LazyLock;

use axum::http::{header, HeaderValue, Method, StatusCode};
use serde::Serialize;
use serde_json::Value;

use crate::contract::{Violation, ViolationKind};
use crate::vendor::{ApiError, ErrorKindSpec, GenericKind as G, Problem, Reply};

/// Every kind may carry `fields` (the field names at fault), as Salesforce's envelope does.
const F: &[&str] = &["fields"];

pub static KINDS: &[ErrorKindSpec] = &[
    ErrorKindSpec::new(
        "JSON_PARSER_ERROR",
        StatusCode::BAD_REQUEST,
        F,
        &[G::BadRequest],
        "the body is not valid JSON or does not map onto the input",
    ),
    ErrorKindSpec::new(
        "REQUIRED_FIELD_MISSING",
        StatusCode::BAD_REQUEST,
        F,
        &[],
        "a required field is absent",
    ),
    ErrorKindSpec::new(
        "INVALID_TYPE",
        StatusCode::BAD_REQUEST,
        F,
        &[],
        "a value of the wrong type or format, or an unknown sObject type",
    ),
    ErrorKindSpec::new(
        "INVALID_FIELD",
        StatusCode::BAD_REQUEST,
        F,
        &[],
        "a field the object does not have",
    ),
    ErrorKindSpec::new(
        "STRING_TOO_LONG",
        StatusCode::BAD_REQUEST,
        F,
        &[],
        "a text value over the field's length",
    ),
    ErrorKindSpec::new(
        "MALFORMED_ID",
        StatusCode::BAD_REQUEST,
        F,
        &[],
        "an id that is not a 15- or 18-character Salesforce id",
    ),
    ErrorKindSpec::new(
        "INVALID_CROSS_REFERENCE_KEY",
        StatusCode::BAD_REQUEST,
        F,
        &[],
        "an id of the wrong object type",
    ),
    ErrorKindSpec::new(
        "DUPLICATE_VALUE",
        StatusCode::BAD_REQUEST,
        F,
        &[G::Conflict],
        "a unique value already used by another record",
    ),
    ErrorKindSpec::new(
        "MALFORMED_QUERY",
        StatusCode::BAD_REQUEST,
        F,
        &[],
        "a SOQL query that does not parse",
    ),
    ErrorKindSpec::new(
        "INVALID_QUERY_LOCATOR",
        StatusCode::BAD_REQUEST,
        F,
        &[],
        "a query locator that is unknown or expired",
    ),
    ErrorKindSpec::new(
        "INVALID_SESSION_ID",
        StatusCode::UNAUTHORIZED,
        F,
        &[G::Unauthorized],
        "missing, expired or unknown session",
    ),
    ErrorKindSpec::new(
        "INVALID_AUTH_HEADER",
        StatusCode::UNAUTHORIZED,
        F,
        &[],
        "an Authorization header that is not `Bearer <token>`",
    ),
    ErrorKindSpec::new(
        "INSUFFICIENT_ACCESS_OR_READONLY",
        StatusCode::FORBIDDEN,
        F,
        &[G::Forbidden],
        "the user may not do this",
    ),
    ErrorKindSpec::new(
        "API_DISABLED_FOR_ORG",
        StatusCode::FORBIDDEN,
        F,
        &[],
        "the org has no API access",
    ),
    ErrorKindSpec::new(
        "REQUEST_LIMIT_EXCEEDED",
        StatusCode::FORBIDDEN,
        F,
        &[G::RateLimited],
        "the org's API allocation or concurrency cap is used up",
    ),
    ErrorKindSpec::new(
        "NOT_FOUND",
        StatusCode::NOT_FOUND,
        F,
        &[G::NotFound],
        "no such record, path or API version",
    ),
    ErrorKindSpec::new(
        "ENTITY_IS_DELETED",
        StatusCode::NOT_FOUND,
        F,
        &[],
        "the record was deleted",
    ),
    ErrorKindSpec::new(
        "METHOD_NOT_ALLOWED",
        StatusCode::METHOD_NOT_ALLOWED,
        F,
        &[],
        "the resource does not take this HTTP method",
    ),
    ErrorKindSpec::new(
        "REQUEST_ENTITY_TOO_LARGE",
        StatusCode::PAYLOAD_TOO_LARGE,
        F,
        &[],
        "the body is over the size limit",
    ),
    ErrorKindSpec::new(
        "UNSUPPORTED_MEDIA_TYPE",
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        F,
        &[],
        "the body is not declared as JSON",
    ),
    ErrorKindSpec::new(
        "UNKNOWN_EXCEPTION",
        StatusCode::INTERNAL_SERVER_ERROR,
        F,
        &[G::ServerError],
        "Salesforce failed",
    ),
    ErrorKindSpec::new(
        "SERVER_UNAVAILABLE",
        StatusCode::SERVICE_UNAVAILABLE,
        F,
        &[G::Unavailable],
        "Salesforce is unavailable",
    ),
];

/// An error naming the fields at fault.
pub fn with_fields(kind: &'static str, message: impl Into<String>, fields: &[&str]) -> ApiError {
    ApiError::new(kind, message).with("fields", fields.to_vec())
}

pub fn not_found() -> ApiError {
    ApiError::new("NOT_FOUND", "The requested resource does not exist")
}

pub fn reject(problem: Problem) -> ApiError {
    match problem {
        Problem::UnknownPath { .. } => not_found(),
        Problem::MethodNotAllowed { method, path } => ApiError::new(
            "METHOD_NOT_ALLOWED",
            format!(
                "HTTP Method '{method}' not allowed. Allowed are {}",
                allowed_methods(&path)
            ),
        ),
        Problem::MissingCredential | Problem::RevokedCredential => {
            ApiError::new("INVALID_SESSION_ID", "Session expired or invalid")
        }
        Problem::MalformedCredential(_) => {
            ApiError::new("INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE")
        }
        Problem::ForbiddenCredential => ApiError::new(
            "INSUFFICIENT_ACCESS_OR_READONLY",
            "insufficient access rights on object id",
        ),
        Problem::UnsupportedContentType { content_type } => ApiError::new(
            "UNSUPPORTED_MEDIA_TYPE",
            format!("MediaType of '{content_type}' is not supported by this resource"),
        ),
        Problem::BodyTooLarge { limit } => ApiError::new(
            "REQUEST_ENTITY_TOO_LARGE",
            format!("The request body exceeds the maximum size of {limit} bytes"),
        ),
        Problem::TooDeep { limit } => ApiError::new(
            "JSON_PARSER_ERROR",
            format!("The JSON body is nested more than {limit} levels deep"),
        ),
        Problem::MalformedJson {
            line,
            column,
            detail,
        } => ApiError::new(
            "JSON_PARSER_ERROR",
            format!("Unexpected character in JSON ({detail}) at [line:{line}, column:{column}]"),
        ),
        Problem::EmptyBody => ApiError::new(
            "JSON_PARSER_ERROR",
            "No content to map due to end-of-input at [line:1, column:0]",
        ),
        Problem::Contract(v) => from_violation(&v),
        Problem::RateLimited { .. } => {
            ApiError::new("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        }
    }
}

/// The Java-ish type name Salesforce's JSON reader reports for a schema type.
fn java_type(expected: &str) -> &str {
    match expected {
        "boolean" => "boolean",
        "string" => "String",
        "object" => "object",
        "array" => "list",
        "integer" | "number" => "number",
        other => other,
    }
}

fn from_violation(v: &Violation) -> ApiError {
    let field = v.field();
    let leaf = v.leaf().to_owned();
    match &v.kind {
        ViolationKind::Missing => with_fields(
            "REQUIRED_FIELD_MISSING",
            format!("Required fields are missing: [{leaf}] at {field}"),
            &[&leaf],
        ),
        ViolationKind::Unexpected => with_fields(
            "JSON_PARSER_ERROR",
            format!("Unrecognized field \"{leaf}\" at {field}, not marked as ignorable"),
            &[&leaf],
        ),
        ViolationKind::Type { expected, actual } => with_fields(
            "JSON_PARSER_ERROR",
            format!(
                "Cannot deserialize instance of {} from {} value at {field} or request may be missing a required field",
                java_type(expected.split(" or ").next().unwrap_or(expected)),
                match *actual {
                    "string" => "VALUE_STRING",
                    "boolean" => "VALUE_TRUE_OR_FALSE",
                    "integer" | "number" => "VALUE_NUMBER",
                    "array" => "START_ARRAY",
                    "object" => "START_OBJECT",
                    _ => "VALUE_NULL",
                }
            ),
            &[&leaf],
        ),
        ViolationKind::TooLong { max } => with_fields(
            "STRING_TOO_LONG",
            format!("{leaf}: data value too large (max length={max}) at {field}"),
            &[&leaf],
        ),
        ViolationKind::Pattern { .. } if leaf == "key" => with_fields(
            "INVALID_FIELD",
            format!("{}: custom field keys are API names ending in __c", v.message),
            &[&leaf],
        ),
        _ => with_fields("INVALID_TYPE", v.message.clone(), &[&leaf]),
    }
}

/// The methods a path takes, for the 405 message (`GET,DELETE`).
fn allowed_methods(path: &str) -> String {
    static ROUTES: LazyLock<matchit::Router<Vec<&'static Method>>> = LazyLock::new(|| {
        let mut by_path: Vec<(&str, Vec<&Method>)> = Vec::new();
        for op in super::OPERATIONS {
            match by_path.iter_mut().find(|(p, _)| *p == op.path) {
                Some((_, methods)) => methods.push(&op.method),
                None => by_path.push((op.path, vec![&op.method])),
            }
        }
        let mut router = matchit::Router::new();
        for (p, methods) in by_path {
            let _ = router.insert(p, methods);
        }
        router
    });
    let rest = path.strip_prefix("/salesforce").unwrap_or(path);
    ROUTES.at(rest).map_or_else(
        |_| "GET".to_owned(),
        |m| {
            let mut names: Vec<&str> = vec!["HEAD"];
            names.extend(m.value.iter().map(|m| m.as_str()));
            names.join(",")
        },
    )
}

#[derive(Serialize)]
struct Body<'a> {
    message: &'a str,
    #[serde(rename = "errorCode")]
    error_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<&'a Value>,
}

pub fn render(error: &ApiError) -> Reply {
    let spec = KINDS
        .iter()
        .find(|k| k.name == error.kind)
        .unwrap_or(&KINDS[0]);
    let message = if error.message.is_empty() {
        default_message(spec.name)
    } else {
        error.message.clone()
    };
    let fields = error.field("fields").filter(|f| f.is_array());
    let body = [Body {
        message: &message,
        error_code: spec.name,
        fields,
    }];
    let mut reply = Reply::json(spec.status, &body);
    reply.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(super::JSON_UTF8),
    );
    reply
}

fn default_message(kind: &str) -> String {
    match kind {
        "INVALID_SESSION_ID" => "Session expired or invalid".into(),
        "INVALID_AUTH_HEADER" => "INVALID_HEADER_TYPE".into(),
        "REQUEST_LIMIT_EXCEEDED" => "TotalRequests Limit exceeded.".into(),
        "NOT_FOUND" => "The requested resource does not exist".into(),
        "ENTITY_IS_DELETED" => "entity is deleted".into(),
        "INSUFFICIENT_ACCESS_OR_READONLY" => "insufficient access rights on object id".into(),
        "API_DISABLED_FOR_ORG" => "API is not enabled for this Organization or Partner".into(),
        "UNKNOWN_EXCEPTION" => "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)".into(),
        "SERVER_UNAVAILABLE" => "The server is temporarily unable to service the request".into(),
        other => other.replace('_', " ").to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendor::GenericKind;

    #[test]
    fn every_generic_kind_maps_onto_one_native_kind() {
        for g in GenericKind::ALL {
            let natives: Vec<&str> = KINDS
                .iter()
                .filter(|k| k.generic.contains(&g))
                .map(|k| k.name)
                .collect();
            assert_eq!(natives.len(), 1, "{} -> {natives:?}", g.name());
        }
    }

    #[test]
    fn every_kind_renders_a_one_element_array_with_its_status() {
        for k in KINDS {
            let reply = render(&ApiError::new(k.name, ""));
            assert_eq!(reply.status, k.status, "{}", k.name);
            let body: Value = serde_json::from_slice(&reply.body).unwrap();
            let items = body.as_array().unwrap();
            assert_eq!(items.len(), 1);
            assert_eq!(items[0]["errorCode"], k.name);
            assert!(!items[0]["message"].as_str().unwrap().is_empty());
        }
    }

    /// Fact sheet "Rate limiting": no 429 and no Retry-After; the org's limit is a 403.
    #[test]
    fn rate_limits_render_as_403_request_limit_exceeded_without_retry_after() {
        let reply = render(&reject(Problem::RateLimited {
            retry_after_secs: 3,
            limit: 10,
            period_secs: 60,
        }));
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert!(reply.headers.get(header::RETRY_AFTER).is_none());
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body[0]["errorCode"], "REQUEST_LIMIT_EXCEEDED");
        assert_eq!(body[0]["message"], "TotalRequests Limit exceeded.");
    }

    #[test]
    fn scenario_fields_are_carried_into_the_envelope() {
        let error = ApiError::new("REQUIRED_FIELD_MISSING", "").with("fields", vec!["Name"]);
        let body: Value = serde_json::from_slice(&render(&error).body).unwrap();
        assert_eq!(body[0]["fields"], serde_json::json!(["Name"]));
    }
}
