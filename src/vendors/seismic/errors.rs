//! Seismic's REST error table and envelope: `{"statusCode": N, "message": "..."}` (the documented
//! 429 body and a gateway 404 observed on Seismic's sandbox), the 429 adding `clientId` and
//! `tenant` and saying in its message when to retry. Seismic names no error codes, so the kind
//! names are the simulator's, one per status. Facts: `shared/vendors/seismic.md`, "Errors (REST)".

use serde::Serialize;
use serde_json::Value;

use crate::vendor::{ApiError, GenericKind as G, Problem, Reply};

crate::error_kinds! {
    reject, render;
    BAD_REQUEST = ("bad_request", BAD_REQUEST, &[], &[G::BadRequest], "400: the request was at fault, most often a bad parameter");
    UNAUTHORIZED = ("unauthorized", UNAUTHORIZED, &[], &[G::Unauthorized], "401: missing, malformed or expired access token");
    FORBIDDEN = ("forbidden", FORBIDDEN, &[], &[G::Forbidden], "403: missing scope or permission");
    NOT_FOUND = ("not_found", NOT_FOUND, &[], &[G::NotFound], "404: no such resource or route");
    METHOD_NOT_ALLOWED = ("method_not_allowed", METHOD_NOT_ALLOWED, &[], &[], "405: the route exists, not with this method");
    CONFLICT = ("conflict", CONFLICT, &[], &[G::Conflict], "409: the request conflicts with stored state");
    PAYLOAD_TOO_LARGE = ("payload_too_large", PAYLOAD_TOO_LARGE, &[], &[], "413: the body is over the size limit");
    UNSUPPORTED_MEDIA_TYPE = ("unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, &[], &[], "415: the body is not application/json");
    RATE_LIMIT_EXCEEDED = ("rate_limit_exceeded", TOO_MANY_REQUESTS, &["retry_after", "clientId", "tenant"], &[G::RateLimited], "429: over the tenant's calls per 60 s; the message says when to retry");
    INTERNAL_SERVER_ERROR = ("internal_server_error", INTERNAL_SERVER_ERROR, &[], &[G::ServerError], "500: a Seismic-side failure");
    SERVICE_UNAVAILABLE = ("service_unavailable", SERVICE_UNAVAILABLE, &[], &[G::Unavailable], "503: Seismic is unavailable");
}

pub fn reject(problem: Problem) -> ApiError {
    let message = problem.to_string();
    match problem {
        // The gateway's own words for an unrouted path (observed on api-sandbox.seismic.com).
        Problem::UnknownPath { .. } => ApiError::new(&NOT_FOUND, "Resource not found"),
        Problem::MethodNotAllowed { .. } => ApiError::new(&METHOD_NOT_ALLOWED, message),
        Problem::MissingCredential | Problem::MalformedCredential(_) => {
            ApiError::new(&UNAUTHORIZED, message)
        }
        Problem::RevokedCredential => ApiError::new(&UNAUTHORIZED, message),
        Problem::ForbiddenCredential => ApiError::new(&FORBIDDEN, message),
        Problem::UnsupportedContentType { .. } => ApiError::new(&UNSUPPORTED_MEDIA_TYPE, message),
        Problem::BodyTooLarge { .. } => ApiError::new(&PAYLOAD_TOO_LARGE, message),
        Problem::TooDeep { .. } | Problem::MalformedJson { .. } | Problem::EmptyBody => {
            ApiError::new(&BAD_REQUEST, message)
        }
        Problem::Contract(v) => {
            ApiError::new(&BAD_REQUEST, v.message.clone()).with("field", v.field())
        }
        Problem::RateLimited {
            retry_after_secs, ..
        } => ApiError::new(&RATE_LIMIT_EXCEEDED, "").with("retry_after", retry_after_secs),
    }
}

/// The body, fields in Seismic's order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    status_code: u16,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant: Option<&'a Value>,
}

/// The envelope. `field` stays internal (the message already names the field); the 429 gets its
/// documented message, `clientId` and `tenant` (the last two are filled in by `decorate`, which
/// knows the tenant, when the error did not set them).
pub fn render(error: &ApiError) -> Reply {
    let spec = error.kind;
    let limited = *spec == RATE_LIMIT_EXCEEDED;
    let message = if limited {
        let secs = error
            .field("retry_after")
            .and_then(Value::as_u64)
            .unwrap_or(60);
        format!("Rate limit is exceeded. Try again in {secs} seconds.")
    } else if error.message.is_empty() {
        default_message(spec.name).to_owned()
    } else {
        error.message.clone()
    };
    let envelope = Envelope {
        status_code: spec.status.as_u16(),
        message,
        client_id: error.field("clientId").filter(|_| limited),
        tenant: error.field("tenant").filter(|_| limited),
    };
    Reply::json(spec.status, &envelope)
}

fn default_message(kind: &str) -> &'static str {
    match kind {
        "bad_request" => "The request is invalid.",
        "unauthorized" => "Unauthorized",
        "forbidden" => "Forbidden",
        "not_found" => "Resource not found",
        "method_not_allowed" => "Method not allowed",
        "conflict" => "The request conflicts with the current state of the resource.",
        "payload_too_large" => "Request entity too large",
        "unsupported_media_type" => "Unsupported media type",
        "service_unavailable" => "Service unavailable",
        _ => "An internal server error occurred.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_429_says_when_to_retry() {
        let reply = render(&ApiError::new(&RATE_LIMIT_EXCEEDED, "").with("retry_after", 47));
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["statusCode"], 429);
        assert_eq!(
            body["message"],
            "Rate limit is exceeded. Try again in 47 seconds."
        );
    }
}
