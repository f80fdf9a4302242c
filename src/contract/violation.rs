//! What is wrong with one field of a request body, as the contracts find it and every vendor
//! renders it. A leaf, so the seam's [`crate::vendor::Problem`] can carry one.

use serde_json::Value;

/// What is wrong with one field of a request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// JSON pointer to the offending value (for a missing field: to where it should be).
    pub pointer: String,
    pub kind: ViolationKind,
    /// A sentence that names the field and what is wrong with it.
    pub message: String,
    /// The offending value as sent (`null` for a missing field); vendors whose errors echo the
    /// value (DevRev's `invalid_enum_value.value`) read it here.
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ViolationKind {
    Missing,
    Type {
        expected: String,
        actual: &'static str,
    },
    Enum {
        allowed: Vec<Value>,
    },
    Format {
        format: String,
    },
    TooShort {
        min: u64,
    },
    TooLong {
        max: u64,
    },
    TooFew {
        min: u64,
    },
    TooMany {
        max: u64,
    },
    Unexpected,
    Pattern {
        pattern: String,
    },
    OutOfRange,
    Other,
}

impl Violation {
    /// The offending field as a dotted path (`tags[0].id`), or `body` for the root.
    pub fn field(&self) -> String {
        field_path(&self.pointer)
    }

    /// The last segment of the pointer (`id` for `/tags/0/id`).
    pub fn leaf(&self) -> &str {
        self.pointer.rsplit('/').next().unwrap_or("")
    }
}

/// `/tags/0/id` → `tags[0].id`.
pub fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    if out.is_empty() {
        "body".to_owned()
    } else {
        out
    }
}

pub fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
