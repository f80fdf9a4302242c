//! Stub templates: a JSON value whose strings may hold `{{expression}}`s, checked once at load
//! (every problem located by the expression's text) and rendered per call.
//!
//! Expressions: `path.NAME`, `query.NAME`, `header.NAME`, `body` or `body/JSON/POINTER`, `tenant`
//! (the caller's fingerprint), `now` (the simulator's clock, RFC 3339), `stored` or
//! `stored/JSON/POINTER` (the record a `store` stub kept, read or listed), `id.uuid`,
//! `id.don.TYPE` (a DevRev DON), `id.salesforce.PREFIX` (an 18-character Salesforce id with that
//! 3-character key prefix), and `fake.KIND` (seeded fake data, see [`FAKES`]). A string that is
//! exactly one expression keeps the value's JSON type; otherwise values are written into the text.
//! Within one call each fresh id kind is minted once, so a body and a `Location` header agree.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use fake::Fake;
use serde_json::{Map, Value};

use crate::store::IdSource;

/// The fake-data kinds `fake.KIND` takes.
pub const FAKES: [&str; 10] = [
    "name",
    "first_name",
    "last_name",
    "email",
    "company",
    "phone",
    "city",
    "word",
    "sentence",
    "number",
];

/// One `{{...}}` expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Path(String),
    Query(String),
    Header(String),
    Body(String),
    Stored(String),
    Tenant,
    Now,
    Id(IdKind),
    Fake(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdKind {
    Uuid,
    Don(String),
    Salesforce(String),
}

#[derive(Debug, Clone)]
pub enum Part {
    Text(String),
    Expr(Expr),
}

/// A checked template.
#[derive(Debug, Clone)]
pub enum Template {
    Literal(Value),
    /// A string that is exactly one expression: the value keeps its type.
    Whole(Expr),
    Text(Vec<Part>),
    Array(Vec<Template>),
    Object(Vec<(String, Template)>),
}

/// A problem in a template: the text to point at, the message and a hint.
#[derive(Debug)]
pub struct TemplateError {
    pub needle: String,
    pub message: String,
    pub hint: Option<String>,
}

/// What a template may name: the stub's path parameters, and whether it keeps records.
pub struct Scope<'a> {
    pub params: &'a [String],
    pub stored: bool,
}

impl Template {
    /// Checks `value`, collecting every problem.
    pub fn compile(value: &Value, scope: &Scope<'_>, errors: &mut Vec<TemplateError>) -> Template {
        match value {
            Value::String(s) => compile_text(s, scope, errors),
            Value::Array(items) => Template::Array(
                items
                    .iter()
                    .map(|v| Template::compile(v, scope, errors))
                    .collect(),
            ),
            Value::Object(map) => Template::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Template::compile(v, scope, errors)))
                    .collect(),
            ),
            other => Template::Literal(other.clone()),
        }
    }

    /// The value for one call.
    pub fn render(&self, inputs: &Inputs<'_>, fresh: &mut Fresh<'_>) -> Value {
        match self {
            Template::Literal(v) => v.clone(),
            Template::Whole(e) => eval(e, inputs, fresh),
            Template::Text(parts) => Value::String(render_text(parts, inputs, fresh)),
            Template::Array(items) => {
                Value::Array(items.iter().map(|t| t.render(inputs, fresh)).collect())
            }
            Template::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, t)| (k.clone(), t.render(inputs, fresh)))
                    .collect::<Map<String, Value>>(),
            ),
        }
    }

    /// The value for one call, as text (a string as is, anything else as JSON).
    pub fn render_text(&self, inputs: &Inputs<'_>, fresh: &mut Fresh<'_>) -> String {
        as_text(&self.render(inputs, fresh))
    }
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn compile_text(s: &str, scope: &Scope<'_>, errors: &mut Vec<TemplateError>) -> Template {
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            parts.push(Part::Text(rest[..open].to_owned()));
        }
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            errors.push(TemplateError {
                needle: rest[open..].to_owned(),
                message: format!("'{{{{' without its '}}}}' in template '{s}'"),
                hint: Some("close the expression with '}}'".into()),
            });
            return Template::Literal(Value::String(s.to_owned()));
        };
        let text = after[..close].trim();
        match parse_expr(text, scope) {
            Ok(e) => parts.push(Part::Expr(e)),
            Err((message, hint)) => errors.push(TemplateError {
                needle: text.to_owned(),
                message,
                hint,
            }),
        }
        rest = &after[close + 2..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_owned()));
    }
    match parts.as_slice() {
        [] => Template::Literal(Value::String(String::new())),
        [Part::Expr(e)] => Template::Whole(e.clone()),
        _ if parts.iter().all(|p| matches!(p, Part::Text(_))) => {
            Template::Literal(Value::String(s.to_owned()))
        }
        _ => Template::Text(parts),
    }
}

const ROOTS: &str =
    "path.NAME, query.NAME, header.NAME, body/POINTER, stored/POINTER, tenant, now, id.uuid, id.don.TYPE, id.salesforce.PREFIX, fake.KIND";

fn parse_expr(text: &str, scope: &Scope<'_>) -> Result<Expr, (String, Option<String>)> {
    let named = |prefix: &str| text.strip_prefix(prefix).filter(|n| !n.is_empty());
    if let Some(name) = named("path.") {
        return if scope.params.iter().any(|p| p == name) {
            Ok(Expr::Path(name.to_owned()))
        } else {
            Err((
                format!("'{text}': the path template has no parameter '{name}'"),
                Some(format!("parameters: {}", scope.params.join(", "))),
            ))
        };
    }
    if let Some(name) = named("query.") {
        return Ok(Expr::Query(name.to_owned()));
    }
    if let Some(name) = named("header.") {
        return if axum::http::HeaderName::try_from(name).is_ok() {
            Ok(Expr::Header(name.to_ascii_lowercase()))
        } else {
            Err((format!("'{name}' is not a header name"), None))
        };
    }
    for (root, stored) in [("body", false), ("stored", true)] {
        if let Some(pointer) = text.strip_prefix(root) {
            if !pointer.is_empty() && !pointer.starts_with('/') {
                continue;
            }
            if stored && !scope.stored {
                return Err((
                    format!("'{text}': only a stub with 'store' has a stored record"),
                    Some("add store: {collection, key}".into()),
                ));
            }
            let pointer = pointer.to_owned();
            return Ok(if stored {
                Expr::Stored(pointer)
            } else {
                Expr::Body(pointer)
            });
        }
    }
    match text {
        "tenant" => return Ok(Expr::Tenant),
        "now" => return Ok(Expr::Now),
        "id.uuid" => return Ok(Expr::Id(IdKind::Uuid)),
        _ => {}
    }
    if let Some(ty) = named("id.don.") {
        return if ty.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            Ok(Expr::Id(IdKind::Don(ty.to_owned())))
        } else {
            Err((format!("'{ty}' is not a DevRev object type"), None))
        };
    }
    if let Some(prefix) = named("id.salesforce.") {
        return if prefix.len() == 3 && prefix.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Expr::Id(IdKind::Salesforce(prefix.to_owned())))
        } else {
            Err((
                format!("'{prefix}' is not a 3-character Salesforce key prefix"),
                Some("Account is 001, Contact 003, Lead 00Q, Opportunity 006".into()),
            ))
        };
    }
    if let Some(kind) = named("fake.") {
        return match FAKES.iter().find(|f| **f == kind) {
            Some(f) => Ok(Expr::Fake(f)),
            None => Err((
                format!("'{kind}' is not a fake-data kind"),
                Some(format!("valid: {}", FAKES.join(", "))),
            )),
        };
    }
    Err((
        format!("'{text}' is not a template expression"),
        Some(format!("valid: {ROOTS}")),
    ))
}

/// What one call offers its templates.
pub struct Inputs<'a> {
    pub params: &'a [(String, String)],
    pub query: &'a [(String, String)],
    pub headers: &'a axum::http::HeaderMap,
    pub body: &'a Value,
    pub tenant: &'a str,
    pub now: DateTime<Utc>,
    pub stored: Option<&'a Value>,
}

/// Fresh ids and fake data for one call, drawn from the tenant's id source.
pub struct Fresh<'a> {
    pub ids: &'a mut IdSource,
    /// The tenant's Salesforce pod (two base-62 characters).
    pub pod: &'a str,
    minted: BTreeMap<IdKind, String>,
    /// Whether fake data was drawn from the tenant's stream.
    faked: bool,
}

impl<'a> Fresh<'a> {
    pub fn new(ids: &'a mut IdSource, pod: &'a str) -> Fresh<'a> {
        Fresh {
            ids,
            pod,
            minted: BTreeMap::new(),
            faked: false,
        }
    }

    /// Whether rendering drew from the tenant's id source (a fresh id or fake data): the tenant's
    /// stream moved on, so its state changed.
    pub fn drew(&self) -> bool {
        self.faked || !self.minted.is_empty()
    }

    fn id(&mut self, kind: &IdKind) -> String {
        if let Some(id) = self.minted.get(kind) {
            return id.clone();
        }
        let id = match kind {
            IdKind::Uuid => self.ids.uuid(),
            IdKind::Don(ty) => crate::vendors::devrev::ids::don_of(ty, self.ids.next_number()),
            IdKind::Salesforce(prefix) => crate::vendors::salesforce::ids::to18(
                &crate::vendors::salesforce::ids::mint_prefixed(
                    prefix,
                    self.pod,
                    self.ids.next_number(),
                ),
            ),
        };
        self.minted.insert(kind.clone(), id.clone());
        id
    }

    fn fake(&mut self, kind: &str) -> Value {
        use fake::faker::{address, company, internet, lorem, name, phone_number};
        self.faked = true;
        let rng = self.ids.rng();
        let text: String = match kind {
            "name" => name::en::Name().fake_with_rng(rng),
            "first_name" => name::en::FirstName().fake_with_rng(rng),
            "last_name" => name::en::LastName().fake_with_rng(rng),
            "email" => internet::en::SafeEmail().fake_with_rng(rng),
            "company" => company::en::CompanyName().fake_with_rng(rng),
            "phone" => phone_number::en::PhoneNumber().fake_with_rng(rng),
            "city" => address::en::CityName().fake_with_rng(rng),
            "word" => lorem::en::Word().fake_with_rng(rng),
            "sentence" => lorem::en::Sentence(3..8).fake_with_rng(rng),
            _ => return Value::from((1..100_000u32).fake_with_rng::<u32, _>(rng)),
        };
        Value::String(text)
    }
}

fn pointer(value: &Value, pointer: &str) -> Value {
    value.pointer(pointer).cloned().unwrap_or(Value::Null)
}

fn eval(e: &Expr, inputs: &Inputs<'_>, fresh: &mut Fresh<'_>) -> Value {
    let last = |pairs: &[(String, String)], name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or(Value::Null, |(_, v)| Value::String(v.clone()))
    };
    match e {
        Expr::Path(n) => last(inputs.params, n),
        Expr::Query(n) => last(inputs.query, n),
        Expr::Header(n) => inputs
            .headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map_or(Value::Null, |v| Value::String(v.to_owned())),
        Expr::Body(p) => pointer(inputs.body, p),
        Expr::Stored(p) => inputs.stored.map_or(Value::Null, |s| pointer(s, p)),
        Expr::Tenant => Value::String(inputs.tenant.to_owned()),
        Expr::Now => Value::String(crate::clock::rfc3339(inputs.now)),
        Expr::Id(kind) => Value::String(fresh.id(kind)),
        Expr::Fake(kind) => fresh.fake(kind),
    }
}

fn render_text(parts: &[Part], inputs: &Inputs<'_>, fresh: &mut Fresh<'_>) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Expr(e) => out.push_str(&as_text(&eval(e, inputs, fresh))),
        }
    }
    out
}
