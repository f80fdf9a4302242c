//! Salesforce's error table and envelope: a JSON array holding one `{message, errorCode, fields?}`
//! (jsforce turns more than one element into `MULTIPLE_API_ERRORS`), with the status of the code.
//! No 429 and no `Retry-After`: throttling is a 403 `REQUEST_LIMIT_EXCEEDED`.
//! Facts: `shared/vendors/salesforce.md`.

use axum::http::{header, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use crate::contract::violation::{Violation, ViolationKind};
use crate::vendor::{ApiError, ErrorKind, GenericKind as G, Problem, Reply};

/// Every kind may carry `fields` (the field names at fault), as Salesforce's envelope does.
const F: &[&str] = &["fields"];

crate::error_kinds! {
    reject, render;
    JSON_PARSER_ERROR = ("JSON_PARSER_ERROR", BAD_REQUEST, F, &[G::BadRequest], "the body is not valid JSON or does not map onto the input");
    REQUIRED_FIELD_MISSING = ("REQUIRED_FIELD_MISSING", BAD_REQUEST, F, &[], "a required field is absent");
    INVALID_TYPE = ("INVALID_TYPE", BAD_REQUEST, F, &[], "a value of the wrong type or format, or an unknown sObject type");
    INVALID_FIELD = ("INVALID_FIELD", BAD_REQUEST, F, &[], "a field the object does not have");
    STRING_TOO_LONG = ("STRING_TOO_LONG", BAD_REQUEST, F, &[], "a text value over the field's length");
    MALFORMED_ID = ("MALFORMED_ID", BAD_REQUEST, F, &[], "an id that is not a 15- or 18-character Salesforce id");
    INVALID_CROSS_REFERENCE_KEY = ("INVALID_CROSS_REFERENCE_KEY", BAD_REQUEST, F, &[], "an id of the wrong object type");
    DUPLICATE_VALUE = ("DUPLICATE_VALUE", BAD_REQUEST, F, &[G::Conflict], "a unique value already used by another record");
    MALFORMED_QUERY = ("MALFORMED_QUERY", BAD_REQUEST, F, &[], "a SOQL query that does not parse");
    INVALID_QUERY_LOCATOR = ("INVALID_QUERY_LOCATOR", BAD_REQUEST, F, &[], "a query locator that is unknown or expired");
    INVALID_SESSION_ID = ("INVALID_SESSION_ID", UNAUTHORIZED, F, &[G::Unauthorized], "missing, expired or unknown session");
    INVALID_AUTH_HEADER = ("INVALID_AUTH_HEADER", UNAUTHORIZED, F, &[], "an Authorization header that is not `Bearer <token>`");
    INSUFFICIENT_ACCESS_OR_READONLY = ("INSUFFICIENT_ACCESS_OR_READONLY", FORBIDDEN, F, &[G::Forbidden], "the user may not do this");
    API_DISABLED_FOR_ORG = ("API_DISABLED_FOR_ORG", FORBIDDEN, F, &[], "the org has no API access");
    REQUEST_LIMIT_EXCEEDED = ("REQUEST_LIMIT_EXCEEDED", FORBIDDEN, F, &[G::RateLimited], "the org's API allocation or concurrency cap is used up");
    NOT_FOUND = ("NOT_FOUND", NOT_FOUND, F, &[G::NotFound], "no such record, path or API version");
    ENTITY_IS_DELETED = ("ENTITY_IS_DELETED", NOT_FOUND, F, &[], "the record was deleted");
    METHOD_NOT_ALLOWED = ("METHOD_NOT_ALLOWED", METHOD_NOT_ALLOWED, F, &[], "the resource does not take this HTTP method");
    REQUEST_ENTITY_TOO_LARGE = ("REQUEST_ENTITY_TOO_LARGE", PAYLOAD_TOO_LARGE, F, &[], "the body is over the size limit");
    UNSUPPORTED_MEDIA_TYPE = ("UNSUPPORTED_MEDIA_TYPE", UNSUPPORTED_MEDIA_TYPE, F, &[], "the body is not declared as JSON");
    UNKNOWN_EXCEPTION = ("UNKNOWN_EXCEPTION", INTERNAL_SERVER_ERROR, F, &[G::ServerError], "Salesforce failed");
    SERVER_UNAVAILABLE = ("SERVER_UNAVAILABLE", SERVICE_UNAVAILABLE, F, &[G::Unavailable], "Salesforce is unavailable");
    INVALID_FIELD_FOR_INSERT_UPDATE = ("INVALID_FIELD_FOR_INSERT_UPDATE", BAD_REQUEST, F, &[], "a field the sObject REST may not set (system fields, the parent of a child)");
    INVALID_LOGIN = ("INVALID_LOGIN", INTERNAL_SERVER_ERROR, NONE, &[], "SOAP login refused: rendered as a SOAP LoginFault");
    SOAP_CLIENT = ("SOAP_CLIENT", INTERNAL_SERVER_ERROR, NONE, &[], "a SOAP request that is not a login envelope: rendered as a soapenv:Client fault");
    OAUTH_INVALID_GRANT = ("invalid_grant", BAD_REQUEST, NONE, &[], "OAuth token request refused (bad credentials or refresh token): `{error, error_description}`");
    OAUTH_INVALID_CLIENT_ID = ("invalid_client_id", BAD_REQUEST, NONE, &[], "OAuth token request without a client_id");
    OAUTH_INVALID_CLIENT = ("invalid_client", BAD_REQUEST, NONE, &[], "OAuth token request with a client_id but no client secret where one is due");
    OAUTH_UNSUPPORTED_GRANT_TYPE = ("unsupported_grant_type", BAD_REQUEST, NONE, &[], "OAuth token request for a grant type the simulator does not issue");
}

/// Kinds whose body is no `fields` array (the login endpoints' own envelopes).
const NONE: &[&str] = &[];

/// The kinds the token endpoint answers, rendered as OAuth's `{error, error_description}`.
fn is_oauth(kind: &ErrorKind) -> bool {
    kind.name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// An error naming the fields at fault.
pub fn with_fields(
    kind: &'static ErrorKind,
    message: impl Into<String>,
    fields: &[&str],
) -> ApiError {
    ApiError::new(kind, message).with("fields", fields.to_vec())
}

pub fn not_found() -> ApiError {
    ApiError::new(&NOT_FOUND, "The requested resource does not exist")
}

pub fn reject(problem: Problem) -> ApiError {
    match problem {
        Problem::UnknownPath { .. } => not_found(),
        Problem::MethodNotAllowed {
            method, allowed, ..
        } => ApiError::new(
            &METHOD_NOT_ALLOWED,
            format!(
                "HTTP Method '{method}' not allowed. Allowed are {}",
                allowed_methods(&allowed)
            ),
        ),
        Problem::MissingCredential | Problem::RevokedCredential => {
            ApiError::new(&INVALID_SESSION_ID, "Session expired or invalid")
        }
        Problem::MalformedCredential(_) => {
            ApiError::new(&INVALID_AUTH_HEADER, "INVALID_HEADER_TYPE")
        }
        Problem::ForbiddenCredential => ApiError::new(
            &INSUFFICIENT_ACCESS_OR_READONLY,
            "insufficient access rights on object id",
        ),
        Problem::UnsupportedContentType { content_type } => ApiError::new(
            &UNSUPPORTED_MEDIA_TYPE,
            format!("MediaType of '{content_type}' is not supported by this resource"),
        ),
        Problem::BodyTooLarge { limit } => ApiError::new(
            &REQUEST_ENTITY_TOO_LARGE,
            format!("The request body exceeds the maximum size of {limit} bytes"),
        ),
        Problem::TooDeep { limit } => ApiError::new(
            &JSON_PARSER_ERROR,
            format!("The JSON body is nested more than {limit} levels deep"),
        ),
        Problem::MalformedJson {
            line,
            column,
            detail,
        } => ApiError::new(
            &JSON_PARSER_ERROR,
            format!("Unexpected character in JSON ({detail}) at [line:{line}, column:{column}]"),
        ),
        Problem::EmptyBody => ApiError::new(
            &JSON_PARSER_ERROR,
            "No content to map due to end-of-input at [line:1, column:0]",
        ),
        Problem::Contract(v) => from_violation(&v),
        Problem::RateLimited { .. } => {
            ApiError::new(&REQUEST_LIMIT_EXCEEDED, "TotalRequests Limit exceeded.")
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
            &REQUIRED_FIELD_MISSING,
            format!("Required fields are missing: [{leaf}] at {field}"),
            &[&leaf],
        ),
        ViolationKind::Unexpected => with_fields(
            &JSON_PARSER_ERROR,
            format!("Unrecognized field \"{leaf}\" at {field}, not marked as ignorable"),
            &[&leaf],
        ),
        ViolationKind::Type { expected, actual } => with_fields(
            &JSON_PARSER_ERROR,
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
            &STRING_TOO_LONG,
            format!("{leaf}: data value too large (max length={max}) at {field}"),
            &[&leaf],
        ),
        ViolationKind::Pattern { .. } if leaf == "key" => with_fields(
            &INVALID_FIELD,
            format!("{}: custom field keys are API names ending in __c", v.message),
            &[&leaf],
        ),
        _ => with_fields(&INVALID_TYPE, v.message.clone(), &[&leaf]),
    }
}

/// The methods a path takes, for the 405 message (`HEAD,GET,DELETE`).
fn allowed_methods(allowed: &[&str]) -> String {
    let mut names: Vec<&str> = vec!["HEAD"];
    names.extend(allowed);
    names.join(",")
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
    let spec = error.kind;
    let message = if error.message.is_empty() {
        default_message(spec.name)
    } else {
        error.message.clone()
    };
    if is_oauth(spec) {
        let body = serde_json::json!({ "error": spec.name, "error_description": message });
        return Reply::json(spec.status, &body);
    }
    if spec.name == INVALID_LOGIN.name || spec.name == SOAP_CLIENT.name {
        return soap_fault(spec, &message);
    }
    let fields = error.field("fields").filter(|f| f.is_array());
    let body = [Body {
        message: &message,
        error_code: spec.name,
        fields,
    }];
    let mut reply = Reply::json(spec.status, &body);
    reply.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(super::reply::JSON_UTF8),
    );
    reply
}

/// A SOAP 1.1 fault as the partner API sends it: `sf:INVALID_LOGIN` with a `LoginFault` detail
/// (what jsforce's `faultstring` and aiosalesforce's `sf:exceptionCode` regexes read), or a bare
/// `soapenv:Client` fault for a request that is no login envelope.
fn soap_fault(kind: &ErrorKind, message: &str) -> Reply {
    let message = super::xml::escape(message);
    let (code, detail) = if kind.name == INVALID_LOGIN.name {
        (
            "sf:INVALID_LOGIN".to_owned(),
            format!(
                "<detail><sf:LoginFault xsi:type=\"sf:LoginFault\"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>{message}</sf:exceptionMessage></sf:LoginFault></detail>"
            ),
        )
    } else {
        ("soapenv:Client".to_owned(), String::new())
    };
    let faultstring = if kind.name == INVALID_LOGIN.name {
        format!("INVALID_LOGIN: {message}")
    } else {
        message
    };
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:sf=\"urn:fault.partner.soap.sforce.com\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><soapenv:Fault><faultcode>{code}</faultcode><faultstring>{faultstring}</faultstring>{detail}</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    );
    let mut reply = Reply::empty(kind.status);
    reply.body = body.into();
    reply.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(super::reply::SOAP_XML),
    );
    reply
}

fn default_message(kind: &str) -> String {
    match kind {
        "INVALID_LOGIN" => "Invalid username, password, security token; or user locked out.".into(),
        "SOAP_CLIENT" => "The request is not a SOAP login envelope".into(),
        "invalid_grant" => "authentication failure".into(),
        "invalid_client_id" => "client identifier invalid".into(),
        "invalid_client" => "invalid client credentials".into(),
        "unsupported_grant_type" => "grant type not supported".into(),
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
    use axum::http::StatusCode;

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
        let login = [&INVALID_LOGIN, &SOAP_CLIENT];
        for k in KINDS.iter().filter(|k| !is_oauth(k) && !login.contains(k)) {
            let reply = render(&ApiError::new(k, ""));
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
    fn login_kinds_render_in_their_own_envelopes() {
        let reply = render(&ApiError::new(&OAUTH_INVALID_GRANT, ""));
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "invalid_grant");
        assert_eq!(body["error_description"], "authentication failure");
        let reply = render(&ApiError::new(&INVALID_LOGIN, "a < b"));
        let text = String::from_utf8(reply.body.to_vec()).unwrap();
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            text.contains("<faultcode>sf:INVALID_LOGIN</faultcode>"),
            "{text}"
        );
        assert!(
            text.contains("<sf:exceptionMessage>a &lt; b</sf:exceptionMessage>"),
            "{text}"
        );
    }

    #[test]
    fn scenario_fields_are_carried_into_the_envelope() {
        let error = ApiError::new(&REQUIRED_FIELD_MISSING, "").with("fields", vec!["Name"]);
        let body: Value = serde_json::from_slice(&render(&error).body).unwrap();
        assert_eq!(body[0]["fields"], serde_json::json!(["Name"]));
    }
}
