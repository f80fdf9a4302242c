//! Siro's error table and envelopes. Siro's External API declares `{"error": "<message>"}` for
//! 400/401/403/404/500 and a Zod validation error for 422 (`{"name": "ZodError", "issues": [...]}`)
//! on its sibling operations (`shared/vendors/siro.md`, Errors). The simulator answers:
//!
//! - contract violations of a body or query: 422 ZodError, one issue naming the `path`;
//! - bodies it cannot read (malformed JSON, wrong content type, too deep): 400 `{error}`;
//! - everything else: `{error}` with the kind's status; 429 also carries `Retry-After`.

use axum::http::{header, StatusCode};
use serde_json::{json, Value};

use crate::contract::violation::{Violation, ViolationKind};
use crate::vendor::{ApiError, GenericKind as G, Problem, Reply};

/// Seconds a 429 asks the client to wait when no rate limit says otherwise.
const DEFAULT_RETRY_AFTER: u64 = 60;

crate::error_kinds! {
    reject, render;
    BAD_REQUEST = ("bad_request", BAD_REQUEST, &[], &[G::BadRequest], "400 {error}: the request cannot be read or breaks a rule");
    UNRESOLVED_REFERENCE = ("unresolved_reference", BAD_REQUEST, &[], &[], "400 {error}: a nested object given by externalId alone names nothing synced");
    VALIDATION_FAILED = ("validation_failed", UNPROCESSABLE_ENTITY, &["issues", "path", "code"], &[], "422 {name: ZodError, issues[]}: the body or query breaks the schema");
    UNAUTHORIZED = ("unauthorized", UNAUTHORIZED, &[], &[G::Unauthorized], "401 {error}: no, malformed or revoked organization API token");
    FORBIDDEN = ("forbidden", FORBIDDEN, &[], &[G::Forbidden], "403 {error}: the token may not do this");
    NOT_FOUND = ("not_found", NOT_FOUND, &[], &[G::NotFound], "404 {error}: no such engagement, user or path");
    CONFLICT = ("conflict", CONFLICT, &[], &[G::Conflict], "409 {error}: the sync contradicts stored state (a merge cycle)");
    PAYLOAD_TOO_LARGE = ("payload_too_large", PAYLOAD_TOO_LARGE, &["max_bytes"], &[], "413 {error}: the body is over the size limit");
    TOO_MANY_REQUESTS = ("too_many_requests", TOO_MANY_REQUESTS, &["retry_after"], &[G::RateLimited], "429 {error} + Retry-After: over 1000 requests per token per minute");
    INTERNAL_ERROR = ("internal_error", INTERNAL_SERVER_ERROR, &[], &[G::ServerError], "500 {error}: Siro failed");
    SERVICE_UNAVAILABLE = ("service_unavailable", SERVICE_UNAVAILABLE, &[], &[G::Unavailable], "503 {error}: Siro is unavailable");
}

pub fn reject(problem: Problem) -> ApiError {
    let message = problem.to_string();
    match problem {
        Problem::UnknownPath { method, path } | Problem::MethodNotAllowed { method, path, .. } => {
            // Siro shows its own path, without the simulator's vendor prefix.
            let path = path.strip_prefix("/siro").unwrap_or(&path);
            ApiError::new(&NOT_FOUND, format!("Cannot {method} {path}"))
        }
        Problem::MissingCredential | Problem::MalformedCredential(_) => ApiError::new(
            &UNAUTHORIZED,
            format!(
                "Unauthorized: {message}; send 'Authorization: Bearer <organization API token>'"
            ),
        ),
        Problem::RevokedCredential => {
            ApiError::new(&UNAUTHORIZED, format!("Unauthorized: {message}"))
        }
        Problem::ForbiddenCredential => ApiError::new(&FORBIDDEN, format!("Forbidden: {message}")),
        Problem::BodyTooLarge { limit } => {
            ApiError::new(&PAYLOAD_TOO_LARGE, message).with("max_bytes", limit)
        }
        Problem::UnsupportedContentType { .. }
        | Problem::TooDeep { .. }
        | Problem::MalformedJson { .. }
        | Problem::EmptyBody => ApiError::new(&BAD_REQUEST, message),
        Problem::Contract(v) => from_violation(&v),
        Problem::RateLimited {
            retry_after_secs, ..
        } => ApiError::new(&TOO_MANY_REQUESTS, format!("Too many requests: {message}"))
            .with("retry_after", retry_after_secs),
    }
}

/// `/engagementUsers/0/email` → `["engagementUsers", 0, "email"]`, as Zod reports paths.
pub fn zod_path(pointer: &str) -> Value {
    let segments = pointer.split('/').skip(1).map(|seg| {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        match seg.parse::<u64>() {
            Ok(n) if !seg.is_empty() => json!(n),
            _ => json!(seg),
        }
    });
    Value::Array(segments.collect())
}

/// Zod's name for a JSON type (`integer` is a `number` to Zod).
fn zod_type(name: &str) -> &str {
    match name {
        "integer" => "number",
        other => other,
    }
}

/// One Zod issue for a contract violation: the codes and default messages Zod v3 gives.
fn issue(v: &Violation) -> Value {
    let path = zod_path(&v.pointer);
    match &v.kind {
        ViolationKind::Missing => json!({
            "code": "invalid_type",
            "expected": if v.leaf() == "validExternalIds" { "array" } else { "string" },
            "received": "undefined",
            "path": path,
            "message": "Required",
        }),
        ViolationKind::Type { expected, actual } => {
            // A nullable field's schema type is "string or null"; Zod names the non-null type.
            let expected = expected
                .split(" or ")
                .find(|t| *t != "null")
                .map(zod_type)
                .unwrap_or("null")
                .to_owned();
            let received = zod_type(actual).to_owned();
            json!({
                "code": "invalid_type",
                "expected": expected,
                "received": received,
                "path": path,
                "message": format!("Expected {expected}, received {received}"),
            })
        }
        ViolationKind::Enum { allowed } => {
            let options: Vec<&Value> = allowed.iter().filter(|o| !o.is_null()).collect();
            let listed = options
                .iter()
                .map(|o| format!("'{}'", o.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(" | ");
            // The violation's message carries the offending value as JSON.
            let received = v
                .message
                .split_once("has value ")
                .and_then(|(_, rest)| rest.rsplit_once(", which is not one of"))
                .and_then(|(value, _)| serde_json::from_str::<Value>(value).ok())
                .map(|value| match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .unwrap_or_default();
            json!({
                "code": "invalid_enum_value",
                "received": received,
                "options": options,
                "path": path,
                "message": format!("Invalid enum value. Expected {listed}, received '{received}'"),
            })
        }
        ViolationKind::Format { format } if format == "date-time" => json!({
            "code": "invalid_string",
            "validation": "datetime",
            "path": path,
            "message": "Invalid datetime",
        }),
        _ => json!({
            "code": "custom",
            "path": path,
            "message": v.message,
        }),
    }
}

fn from_violation(v: &Violation) -> ApiError {
    ApiError::new(&VALIDATION_FAILED, v.message.clone()).with("issues", vec![issue(v)])
}

pub fn render(error: &ApiError) -> Reply {
    let spec = error.kind;
    let message = if error.message.is_empty() {
        default_message(spec.name).to_owned()
    } else {
        error.message.clone()
    };
    let body = if spec.name == "validation_failed" {
        let issues = error.field("issues").cloned().unwrap_or_else(|| {
            // A scenario's `validation_failed` names a path (array or dotted text) and a code.
            let path = match error.field("path") {
                Some(Value::Array(p)) => Value::Array(p.clone()),
                Some(Value::String(s)) => json!(s.split('.').collect::<Vec<_>>()),
                _ => json!([]),
            };
            let code = error
                .field("code")
                .and_then(Value::as_str)
                .unwrap_or("custom");
            json!([{ "code": code, "path": path, "message": message }])
        });
        json!({ "name": "ZodError", "issues": issues })
    } else {
        json!({ "error": message })
    };
    let mut reply = Reply::json(spec.status, &body);
    if spec.status == StatusCode::TOO_MANY_REQUESTS {
        let secs = error
            .field("retry_after")
            .and_then(Value::as_u64)
            .unwrap_or(DEFAULT_RETRY_AFTER);
        reply.set_header(header::RETRY_AFTER, secs);
    }
    reply
}

fn default_message(kind: &str) -> &'static str {
    match kind {
        "unauthorized" => "Unauthorized",
        "forbidden" => "Forbidden",
        "not_found" => "Not found",
        "conflict" => "Conflict",
        "too_many_requests" => "Too many requests",
        "internal_error" => "Internal server error",
        "service_unavailable" => "Service unavailable",
        "validation_failed" => "Invalid input",
        _ => "Bad request",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(reply: &Reply) -> Value {
        serde_json::from_slice(&reply.body).expect("a JSON body")
    }

    fn assert_envelope(reply: &Reply) {
        let schema = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/contracts/siro/error.response.json"
        ));
        let validator = crate::contract::compile_schema(schema).expect("the error contract");
        let b = body(reply);
        assert!(validator.is_valid(&b), "{b}");
    }

    #[test]
    fn every_kind_renders_with_its_status_in_siros_envelope() {
        for spec in KINDS {
            let reply = render(&ApiError::new(spec, ""));
            assert_eq!(reply.status, spec.status, "{}", spec.name);
            assert_envelope(&reply);
        }
    }

    // siro.md, Rate limiting: 429 at 1000/min per token; Retry-After is the simulator's addition.
    #[test]
    fn a_rate_limit_is_a_429_with_retry_after() {
        let reply = render(&reject(Problem::RateLimited {
            retry_after_secs: 7,
            limit: 1000,
            period_secs: 60,
        }));
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(reply.headers[header::RETRY_AFTER], "7");
        assert!(body(&reply)["error"]
            .as_str()
            .unwrap_or_default()
            .contains('7'));
        let scripted = render(&ApiError::new(&TOO_MANY_REQUESTS, ""));
        assert_eq!(scripted.headers[header::RETRY_AFTER], "60");
    }

    #[test]
    fn revoked_and_forbidden_credentials_are_401_and_403() {
        assert_eq!(
            render(&reject(Problem::RevokedCredential)).status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            render(&reject(Problem::ForbiddenCredential)).status,
            StatusCode::FORBIDDEN
        );
    }

    #[test]
    fn a_scripted_validation_failure_names_its_path() {
        let reply =
            render(&ApiError::new(&VALIDATION_FAILED, "bad owner").with("path", "account.owner"));
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body(&reply)["issues"][0]["path"],
            json!(["account", "owner"])
        );
        assert_envelope(&reply);
    }

    #[test]
    fn pointers_become_zod_paths_with_numeric_indices() {
        assert_eq!(
            zod_path("/engagementUsers/0/externalId"),
            json!(["engagementUsers", 0, "externalId"])
        );
        assert_eq!(zod_path(""), json!([]));
    }
}
