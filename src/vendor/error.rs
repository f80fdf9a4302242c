//! Errors as the vendors speak them: the generic kinds every vendor renders, the table of a
//! vendor's native kinds, and the problems the shared pipeline finds before a handler runs.

use std::fmt;

use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::contract::violation::Violation;

/// The kinds every vendor renders natively (INTERFACE.md section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenericKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    ServerError,
    Unavailable,
}

impl GenericKind {
    pub const ALL: [GenericKind; 8] = [
        GenericKind::BadRequest,
        GenericKind::Unauthorized,
        GenericKind::Forbidden,
        GenericKind::NotFound,
        GenericKind::Conflict,
        GenericKind::RateLimited,
        GenericKind::ServerError,
        GenericKind::Unavailable,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GenericKind::BadRequest => "bad_request",
            GenericKind::Unauthorized => "unauthorized",
            GenericKind::Forbidden => "forbidden",
            GenericKind::NotFound => "not_found",
            GenericKind::Conflict => "conflict",
            GenericKind::RateLimited => "rate_limited",
            GenericKind::ServerError => "server_error",
            GenericKind::Unavailable => "unavailable",
        }
    }
}

/// One of a vendor's error kinds. Each vendor declares its kinds as `static`s and names them by
/// reference, so a misspelt kind does not compile; scenarios name them by text and are checked at
/// load. Two kinds are the same kind when they have the same name.
#[derive(Debug)]
pub struct ErrorKind {
    /// The vendor's own name for the kind (`too_many_requests`, `REQUEST_LIMIT_EXCEEDED`).
    pub name: &'static str,
    pub status: StatusCode,
    /// Extra fields a scenario may set on this kind (`retry_after`, `field_name`, ...).
    pub fields: &'static [&'static str],
    /// The generic kinds this native kind stands for.
    pub generic: &'static [GenericKind],
    pub description: &'static str,
}

impl PartialEq for ErrorKind {
    fn eq(&self, other: &ErrorKind) -> bool {
        self.name == other.name
    }
}

impl ErrorKind {
    /// One error kind, for `static` declarations.
    pub const fn new(
        name: &'static str,
        status: StatusCode,
        fields: &'static [&'static str],
        generic: &'static [GenericKind],
        description: &'static str,
    ) -> ErrorKind {
        ErrorKind {
            name,
            status,
            fields,
            generic,
            description,
        }
    }
}

/// A vendor's errors: its kinds, how it reads a pipeline problem, and how it renders an error in
/// its own envelope. Each vendor declares one `static`.
pub struct Errors {
    pub kinds: &'static [&'static ErrorKind],
    /// Turns a problem found by the shared pipeline into this vendor's own error.
    pub reject: fn(Problem) -> ApiError,
    /// Renders an error in the vendor's own envelope, status and headers.
    pub render: fn(&ApiError) -> super::call::Reply,
}

/// An error on its way to being rendered by its vendor.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// A kind of the vendor that will render it.
    pub kind: &'static ErrorKind,
    pub message: String,
    /// Kind-specific fields (`field_name`, `retry_after`, `existing_parent`...).
    pub fields: Map<String, Value>,
}

impl ApiError {
    pub fn new(kind: &'static ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
            fields: Map::new(),
        }
    }

    pub fn with(mut self, field: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(field.to_owned(), value.into());
        self
    }

    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// Whether this error is of `kind`.
    pub fn is(&self, kind: &ErrorKind) -> bool {
        self.kind == kind
    }
}

/// What the shared pipeline can find wrong with a request before its handler runs.
#[derive(Debug, Clone)]
pub enum Problem {
    /// No route under the vendor's prefix has this path.
    UnknownPath {
        method: String,
        path: String,
    },
    /// The path exists but not with this method.
    MethodNotAllowed {
        method: String,
        path: String,
        /// The methods the path does take, in table order.
        allowed: Vec<&'static str>,
    },
    MissingCredential,
    /// The credential header is there but not in the vendor's form.
    MalformedCredential(String),
    /// A scenario's `auth.revoked` names this credential.
    RevokedCredential,
    /// A scenario's `auth.forbidden` names this credential.
    ForbiddenCredential,
    /// A body that is not declared as JSON.
    UnsupportedContentType {
        content_type: String,
    },
    BodyTooLarge {
        limit: usize,
    },
    /// JSON nested deeper than the simulator accepts.
    TooDeep {
        limit: usize,
    },
    MalformedJson {
        line: usize,
        column: usize,
        detail: String,
    },
    /// A body was required but none came.
    EmptyBody,
    /// The body parsed but breaks the operation's contract.
    Contract(Violation),
    /// A `rate_limits` entry is exhausted; retry after this many seconds.
    RateLimited {
        retry_after_secs: u64,
        limit: u32,
        period_secs: u64,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::UnknownPath { method, path } => write!(f, "no operation at {method} {path}"),
            Problem::MethodNotAllowed { method, path, .. } => {
                write!(f, "method {method} is not allowed on {path}")
            }
            Problem::MissingCredential => f.write_str("no credentials were sent"),
            Problem::MalformedCredential(why) => write!(f, "malformed credentials: {why}"),
            Problem::RevokedCredential => f.write_str("the credential has been revoked"),
            Problem::ForbiddenCredential => {
                f.write_str("the credential is not allowed to perform this operation")
            }
            Problem::UnsupportedContentType { content_type } => {
                write!(
                    f,
                    "unsupported content type '{content_type}', expected application/json"
                )
            }
            Problem::BodyTooLarge { limit } => {
                write!(f, "request body is larger than the limit of {limit} bytes")
            }
            Problem::TooDeep { limit } => {
                write!(f, "request body is nested more than {limit} levels deep")
            }
            Problem::MalformedJson {
                line,
                column,
                detail,
            } => {
                write!(
                    f,
                    "malformed JSON at line {line}, column {column}: {detail}"
                )
            }
            Problem::EmptyBody => f.write_str("a JSON request body is required"),
            Problem::Contract(v) => f.write_str(&v.message),
            Problem::RateLimited {
                retry_after_secs, ..
            } => {
                write!(
                    f,
                    "rate limit exceeded, retry in {retry_after_secs} seconds"
                )
            }
        }
    }
}

/// Declares a vendor's errors: after its `reject` and `render` functions, its kinds, one line each
/// (`CONST = ("name", STATUS, fields, generic kinds, "description");`). Each kind becomes a `static`
/// its code names; `KINDS` lists them in order and `ERRORS` bundles the three for the seam.
#[macro_export]
macro_rules! error_kinds {
    ($reject:path, $render:path; $($konst:ident = ($name:literal, $status:ident, $fields:expr, $generic:expr, $desc:literal);)*) => {
        $(
            pub static $konst: $crate::vendor::ErrorKind = $crate::vendor::ErrorKind::new(
                $name,
                ::axum::http::StatusCode::$status,
                $fields,
                $generic,
                $desc,
            );
        )*
        /// Every kind, in the order `operations` lists them.
        pub static KINDS: &[&$crate::vendor::ErrorKind] = &[$(&$konst),*];
        /// The vendor's errors, as the seam reads them.
        pub static ERRORS: $crate::vendor::Errors = $crate::vendor::Errors {
            kinds: KINDS,
            reject: $reject,
            render: $render,
        };
    };
}
