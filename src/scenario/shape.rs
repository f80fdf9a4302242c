//! The structure of a scenario document, checked on the document read as plain data before it
//! is turned into the model: every unknown or missing key and every value of the wrong kind is
//! reported, each in plain words at its own key, instead of the first one in serde's words.
//! The tables below mirror `model`: every shipped scenario and the README's example pass both
//! (tests load them).

use serde_json::Value;

use super::check::suggest;
use super::source::{ScenarioError, Source};

/// What a key's value must be.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    /// A whole number from 0 (`u64`).
    Count,
    /// A whole number from 0 that fits `u32`.
    SmallCount,
    Number,
    /// A list of whole numbers.
    Counts,
    /// A list of texts.
    Texts,
    /// A mapping of texts to texts.
    TextMap,
    /// A mapping of anything.
    Mapping,
    /// Milliseconds, or `{min, max}`.
    Delay,
    Fault,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// Any value at all (a stub's body template).
    Any,
    Object(&'static [Field]),
    List(&'static [Field]),
}

struct Field {
    key: &'static str,
    kind: Kind,
    required: bool,
}

const fn opt(key: &'static str, kind: Kind) -> Field {
    Field {
        key,
        kind,
        required: false,
    }
}

const fn req(key: &'static str, kind: Kind) -> Field {
    Field {
        key,
        kind,
        required: true,
    }
}

const DOCUMENT: &[Field] = &[
    req("name", Kind::Text),
    opt("description", Kind::Text),
    opt("seed", Kind::Count),
    opt("rules", Kind::List(RULE)),
    opt("rate_limits", Kind::List(RATE_LIMIT)),
    opt("auth", Kind::Object(AUTH)),
    opt("stubs", Kind::List(STUB)),
];
const STUB: &[Field] = &[
    req("id", Kind::Text),
    req("vendor", Kind::Text),
    req("method", Kind::Text),
    req("path", Kind::Text),
    opt("summary", Kind::Text),
    opt("status", Kind::SmallCount),
    opt("headers", Kind::TextMap),
    opt("body", Kind::Any),
    opt("store", Kind::Object(STORE)),
];
const STORE: &[Field] = &[
    req("collection", Kind::Text),
    opt("key", Kind::Text),
    opt(
        "action",
        Kind::OneOf(&["put", "get", "list", "merge", "delete"]),
    ),
    opt("record", Kind::Any),
    opt("set", Kind::Mapping),
];
const RULE: &[Field] = &[
    req("vendor", Kind::Text),
    opt("operation", Kind::Text),
    opt("tenant", Kind::Text),
    opt("match", Kind::Object(MATCH)),
    opt("when", Kind::Object(WHEN)),
    opt("scope", Kind::OneOf(&["tenant", "global"])),
    opt("delay_ms", Kind::Delay),
    opt("respond", Kind::Mapping),
    opt("fault", Kind::Fault),
];
const MATCH: &[Field] = &[
    opt("method", Kind::Text),
    opt("header", Kind::TextMap),
    opt("query", Kind::TextMap),
    opt("body", Kind::Mapping),
];
const WHEN: &[Field] = &[
    opt("nth", Kind::Counts),
    opt("times", Kind::Count),
    opt("after", Kind::Count),
    opt("every", Kind::Count),
    opt("probability", Kind::Number),
];
const RATE_LIMIT: &[Field] = &[
    req("vendor", Kind::Text),
    opt("operation", Kind::Text),
    req("requests", Kind::SmallCount),
    req("per_seconds", Kind::Count),
];
const AUTH: &[Field] = &[opt("revoked", Kind::Texts), opt("forbidden", Kind::Texts)];

const SEE: &str = "see \"Scenarios\" in the README";

/// Checks the whole document's structure.
pub(super) fn check(doc: &Value, src: &Source<'_>, errors: &mut Vec<ScenarioError>) {
    let mut walk = Walk { src, errors };
    let whole = (0, src.text.len());
    match doc {
        Value::Object(_) => walk.object(doc, DOCUMENT, "", whole),
        other => walk.push(
            0,
            1,
            format!(
                "a scenario is a mapping with at least 'name'; this file holds {}",
                describe(other)
            ),
            Some(SEE.into()),
        ),
    }
}

struct Walk<'s, 'e> {
    src: &'s Source<'s>,
    errors: &'e mut Vec<ScenarioError>,
}

impl Walk<'_, '_> {
    fn push(&mut self, at: usize, len: usize, message: String, hint: Option<String>) {
        self.errors.push(self.src.error(at, len, message, hint));
    }

    /// Where `key` is written within `scope`, or the scope's start.
    fn key_at(&self, key: &str, scope: (usize, usize)) -> (usize, usize) {
        match super::source::find_key(self.src.text, key, scope.0) {
            // Both `key:` and `"key"` end one byte after the key's last character.
            Some(end) if end <= scope.1 => (end - key.len() - 1, key.len().max(1)),
            _ => (scope.0, 1),
        }
    }

    fn object(
        &mut self,
        value: &Value,
        fields: &'static [Field],
        path: &str,
        scope: (usize, usize),
    ) {
        let Some(map) = value.as_object() else {
            return;
        };
        let at = |key: &str| {
            if path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            }
        };
        for key in map.keys() {
            if !fields.iter().any(|f| f.key == key) {
                let (start, len) = self.key_at(key, scope);
                let keys = fields.iter().map(|f| f.key);
                let place = if path.is_empty() {
                    "the top level"
                } else {
                    path
                };
                self.push(
                    start,
                    len,
                    format!("{}: unknown key '{key}' in {place}", at(key)),
                    Some(format!("{}; {SEE}", suggest(key, keys))),
                );
            }
        }
        for field in fields {
            let name = at(field.key);
            match map.get(field.key) {
                // A misspelling of it was reported as an unknown key already.
                None if field.required
                    && map
                        .keys()
                        .any(|k| super::check::distance(k, field.key) <= 2) => {}
                None | Some(Value::Null) if field.required => {
                    let (start, len) = if path.is_empty() {
                        (0, 1)
                    } else {
                        (scope.0, 1)
                    };
                    let place = if path.is_empty() {
                        "the document"
                    } else {
                        path
                    };
                    self.push(
                        start,
                        len,
                        format!("{place}: the required key '{}' is missing", field.key),
                        Some(SEE.into()),
                    );
                }
                None | Some(Value::Null) => {}
                Some(v) => {
                    let here = self.key_at(field.key, scope);
                    self.value(v, field.kind, &name, here, scope);
                }
            }
        }
    }

    fn value(
        &mut self,
        v: &Value,
        kind: Kind,
        name: &str,
        here: (usize, usize),
        scope: (usize, usize),
    ) {
        let wrong = |expected: &str| format!("{name}: expected {expected}, found {}", describe(v));
        let problem = match kind {
            Kind::Text => (!v.is_string()).then(|| wrong("text")),
            Kind::Count => v
                .as_u64()
                .is_none()
                .then(|| wrong("a whole number, 0 or more")),
            Kind::SmallCount => v
                .as_u64()
                .is_none_or(|n| n > u64::from(u32::MAX))
                .then(|| wrong("a whole number from 0 to 4294967295")),
            Kind::Number => (!v.is_number()).then(|| wrong("a number")),
            Kind::Counts => (!v
                .as_array()
                .is_some_and(|a| a.iter().all(|n| n.as_u64().is_some())))
            .then(|| wrong("a list of whole numbers, such as [2, 3]")),
            Kind::Texts => (!v.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
                .then(|| wrong("a list of texts")),
            Kind::TextMap => (!v
                .as_object()
                .is_some_and(|m| m.values().all(Value::is_string)))
            .then(|| wrong("a mapping of names to texts")),
            Kind::Mapping => (!v.is_object()).then(|| wrong("a mapping")),
            Kind::Delay => {
                let range = v.as_object().is_some_and(|m| {
                    m.len() == 2
                        && ["min", "max"]
                            .iter()
                            .all(|k| m.get(*k).is_some_and(|n| n.as_u64().is_some()))
                });
                (v.as_u64().is_none() && !range).then(|| {
                    wrong(
                        "milliseconds as a whole number, or a range such as { min: 200, max: 800 }",
                    )
                })
            }
            Kind::Fault => {
                let names = crate::fault::Fault::ALL.map(crate::fault::Fault::name);
                match v.as_str() {
                    Some(f) if names.contains(&f) => None,
                    Some(f) => {
                        self.push(
                            here.0,
                            here.1,
                            format!("{name}: '{f}' is not a fault"),
                            Some(format!("{}; {SEE}", suggest(f, names))),
                        );
                        return;
                    }
                    None => Some(wrong("a fault name")),
                }
            }
            Kind::Any => None,
            Kind::OneOf(words) => match v.as_str() {
                Some(w) if words.contains(&w) => None,
                _ => Some(wrong(&format!("one of {}", words.join(", ")))),
            },
            Kind::Object(fields) => {
                if v.is_object() {
                    self.object(v, fields, name, scope);
                    None
                } else {
                    Some(wrong("a mapping"))
                }
            }
            Kind::List(fields) => match v.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let item_name = format!("{name}[{i}]");
                        let item_scope = self.src.item_range(name, i);
                        if item.is_object() {
                            self.object(item, fields, &item_name, item_scope);
                        } else {
                            let message = format!(
                                "{item_name}: expected a mapping, found {}",
                                describe(item)
                            );
                            self.push(item_scope.0, 1, message, Some(SEE.into()));
                        }
                    }
                    None
                }
                None => Some(wrong("a list")),
            },
        };
        if let Some(message) = problem {
            self.push(here.0, here.1, message, Some(SEE.into()));
        }
    }
}

/// A value as a user would name it.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}
