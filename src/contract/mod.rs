//! Request contracts: the JSON Schemas under `contracts/<vendor>/`, compiled once at start and
//! applied to every request body before its handler runs. A failure becomes a [`Violation`] that
//! names the field, which each vendor renders as its own validation error.

pub mod violation;

use std::collections::HashMap;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::Value;

use crate::vendor::{Operation, Vendor};

pub use violation::{field_path, json_type_name, Violation, ViolationKind};

/// Compiled request validators of every operation of every vendor, keyed by the operation entry
/// itself (its address in the vendor's static table), so entries that share an operation id (one
/// id served on several paths, e.g. REST and MCP) can each carry their own contract.
#[derive(Default)]
pub struct Contracts {
    validators: HashMap<usize, Validator>,
}

fn key(op: &Operation) -> usize {
    op as *const Operation as usize
}

impl Contracts {
    /// Compiles every operation's request schema. A broken schema is a bug in the simulator, so it
    /// is reported with the vendor and operation that carry it.
    pub fn compile(vendors: &[Box<dyn Vendor>]) -> Result<Contracts, String> {
        let mut validators = HashMap::new();
        for vendor in vendors {
            for op in vendor.operations() {
                if let Some(text) = op.request_schema {
                    let v = compile_schema(text)
                        .map_err(|e| format!("contract of {} {}: {e}", vendor.name(), op.id))?;
                    validators.insert(key(op), v);
                }
            }
        }
        Ok(Contracts { validators })
    }

    /// Checks a body against its operation's contract; the first violation found is returned.
    pub fn check(&self, op: &Operation, body: &Value) -> Result<(), Violation> {
        let Some(validator) = self.validators.get(&key(op)) else {
            return Ok(());
        };
        // `is_valid` stops at the first failure without tracking where it is; only a body that
        // fails pays for the located error.
        if validator.is_valid(body) {
            return Ok(());
        }
        match validator.validate(body) {
            Ok(()) => Ok(()),
            Err(error) => Err(violation(&error)),
        }
    }
}

pub fn compile_schema(text: &str) -> Result<Validator, String> {
    let schema: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| e.to_string())
}

fn violation(error: &jsonschema::ValidationError<'_>) -> Violation {
    let at = error.instance_path().as_str().to_owned();
    let instance = error.instance();
    let (pointer, kind) = match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            (
                format!("{at}/{}", name.replace('~', "~0").replace('/', "~1")),
                ViolationKind::Missing,
            )
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let name = unexpected.first().cloned().unwrap_or_default();
            (format!("{at}/{name}"), ViolationKind::Unexpected)
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            (
                at,
                ViolationKind::Type {
                    expected,
                    actual: json_type_name(instance),
                },
            )
        }
        ValidationErrorKind::Enum { options } => {
            let allowed = options.as_array().cloned().unwrap_or_default();
            (at, ViolationKind::Enum { allowed })
        }
        ValidationErrorKind::Constant { expected_value } => (
            at,
            ViolationKind::Enum {
                allowed: vec![(**expected_value).clone()],
            },
        ),
        ValidationErrorKind::Format { format } => (
            at,
            ViolationKind::Format {
                format: format.clone(),
            },
        ),
        ValidationErrorKind::MinLength { limit } => (at, ViolationKind::TooShort { min: *limit }),
        ValidationErrorKind::MaxLength { limit } => (at, ViolationKind::TooLong { max: *limit }),
        ValidationErrorKind::MinItems { limit } => (at, ViolationKind::TooFew { min: *limit }),
        ValidationErrorKind::MaxItems { limit } => (at, ViolationKind::TooMany { max: *limit }),
        ValidationErrorKind::Pattern { pattern } => (
            at,
            ViolationKind::Pattern {
                pattern: pattern.clone(),
            },
        ),
        ValidationErrorKind::Minimum { .. }
        | ValidationErrorKind::Maximum { .. }
        | ValidationErrorKind::ExclusiveMinimum { .. }
        | ValidationErrorKind::ExclusiveMaximum { .. } => (at, ViolationKind::OutOfRange),
        _ => (at, ViolationKind::Other),
    };
    let field = field_path(&pointer);
    let message = match &kind {
        ViolationKind::Missing => format!("field '{field}' is required"),
        ViolationKind::Unexpected => format!("field '{field}' is not allowed here"),
        ViolationKind::Type { expected, actual } => {
            format!("field '{field}' must be of type {expected}, not {actual}")
        }
        ViolationKind::Enum { allowed } => format!(
            "field '{field}' has value {instance}, which is not one of {}",
            allowed
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ViolationKind::Format { format } => {
            format!("field '{field}' has value {instance}, which is not a valid {format}")
        }
        ViolationKind::TooShort { min } => {
            format!("field '{field}' must be at least {min} characters long")
        }
        ViolationKind::TooLong { max } => {
            format!("field '{field}' must be at most {max} characters long")
        }
        ViolationKind::TooFew { min } => format!(
            "field '{field}' must have at least {min} item{}",
            if *min == 1 { "" } else { "s" }
        ),
        ViolationKind::TooMany { max } => format!("field '{field}' must have at most {max} items"),
        ViolationKind::Pattern { pattern } => {
            format!("field '{field}' has value {instance}, which does not match {pattern}")
        }
        ViolationKind::OutOfRange => format!("field '{field}' is out of range: {error}"),
        ViolationKind::Other => format!("field '{field}' is invalid: {error}"),
    };
    let value = match &kind {
        ViolationKind::Missing | ViolationKind::Unexpected => Value::Null,
        _ => instance.clone().into_owned(),
    };
    Violation {
        pointer,
        kind,
        message,
        value,
    }
}
