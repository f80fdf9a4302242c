//! A small, honest slice of SOQL over the tenant's engagement records:
//! `SELECT cols | COUNT() FROM <object> [WHERE col = lit [AND ...]] [ORDER BY col [ASC|DESC]]
//! [LIMIT n] [OFFSET n]`, paged by `Sforce-Query-Options: batchSize=N` (200 to 2000, default 2000)
//! through `nextRecordsUrl` locators that keep the first page's result set.

use std::cmp::Ordering;

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::errors;
use super::errors::with_fields;
use super::ids::{self, Object};
use super::reply::json_reply;
use super::rules::{column, has_column, sobject_view};
use super::state::{Cursor, Record, TenantData};
use crate::vendor::{ApiError, Call, Reply};

const DEFAULT_BATCH: usize = 2000;
const MIN_BATCH: usize = 200;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Symbol(&'static str),
}

fn malformed(message: impl Into<String>) -> ApiError {
    ApiError::new(&errors::MALFORMED_QUERY, message)
}

fn tokenize(q: &str) -> Result<Vec<Token>, ApiError> {
    let mut out = Vec::new();
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(malformed("unexpected end of query: unterminated string")),
                    Some('\\') => {
                        if let Some(&n) = chars.get(i + 1) {
                            s.push(n);
                        }
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            out.push(Token::Text(s));
        } else if c == '!' && chars.get(i + 1) == Some(&'=') {
            out.push(Token::Symbol("!="));
            i += 2;
        } else if let Some(sym) = [",", "=", "(", ")"].into_iter().find(|s| s.starts_with(c)) {
            out.push(Token::Symbol(sym));
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' || c == ':' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.' | '-' | ':'))
            {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            return Err(malformed(format!("unexpected token: '{c}'")));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn keyword(&mut self, word: &str) -> Result<(), ApiError> {
        if self.peek_word(word) {
            self.pos += 1;
            Ok(())
        } else {
            Err(malformed(format!(
                "unexpected token: '{}', expected {word}",
                self.describe()
            )))
        }
    }

    fn describe(&self) -> String {
        match self.tokens.get(self.pos) {
            None => "<EOF>".into(),
            Some(Token::Word(w)) => w.clone(),
            Some(Token::Text(t)) => format!("'{t}'"),
            Some(Token::Symbol(s)) => (*s).into(),
        }
    }

    fn word(&mut self) -> Result<String, ApiError> {
        match self.tokens.get(self.pos) {
            Some(Token::Word(w)) => {
                self.pos += 1;
                Ok(w.clone())
            }
            _ => Err(malformed(format!(
                "unexpected token: '{}'",
                self.describe()
            ))),
        }
    }

    fn symbol(&mut self, s: &str) -> bool {
        if self.tokens.get(self.pos)
            == Some(&Token::Symbol(match s {
                "," => ",",
                "=" => "=",
                "!=" => "!=",
                "(" => "(",
                _ => ")",
            }))
        {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn number(&mut self) -> Result<usize, ApiError> {
        let w = self.word()?;
        w.parse()
            .map_err(|_| malformed(format!("unexpected token: '{w}', expected a number")))
    }
}

struct Condition {
    column: String,
    negate: bool,
    value: Value,
}

struct Soql {
    columns: Vec<String>,
    count: bool,
    object: Object,
    conditions: Vec<Condition>,
    order: Option<(String, bool)>,
    limit: Option<usize>,
    offset: usize,
}

fn no_column(name: &str, object: Object) -> ApiError {
    ApiError::new(&errors::INVALID_FIELD,
        format!(
            "No such column '{name}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
            object.sobject()
        ),
    )
}

fn parse(q: &str) -> Result<Soql, ApiError> {
    let mut p = Parser {
        tokens: tokenize(q)?,
        pos: 0,
    };
    p.keyword("SELECT")?;
    let mut columns = Vec::new();
    let mut count = false;
    if p.peek_word("COUNT") && p.tokens.get(p.pos + 1) == Some(&Token::Symbol("(")) {
        p.pos += 2;
        if !p.symbol(")") {
            return Err(malformed("only COUNT() without a field is supported"));
        }
        count = true;
    } else {
        loop {
            columns.push(p.word()?);
            if !p.symbol(",") {
                break;
            }
        }
    }
    p.keyword("FROM")?;
    let name = p.word()?;
    let object = Object::from_sobject(&name).ok_or_else(|| {
        ApiError::new(&errors::INVALID_TYPE,
            format!("sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."),
        )
    })?;
    if let Some(bad) = columns.iter().find(|c| !has_column(object, c)) {
        return Err(no_column(bad, object));
    }
    let mut conditions = Vec::new();
    if p.peek_word("WHERE") {
        p.pos += 1;
        loop {
            let column = p.word()?;
            if !has_column(object, &column) {
                return Err(no_column(&column, object));
            }
            let negate = if p.symbol("=") {
                false
            } else if p.symbol("!=") {
                true
            } else {
                return Err(malformed(format!(
                    "unexpected token: '{}', only = and != are supported",
                    p.describe()
                )));
            };
            let value = match p.tokens.get(p.pos).cloned() {
                Some(Token::Text(t)) => Value::String(t),
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => Value::Bool(true),
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => Value::Bool(false),
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("null") => Value::Null,
                _ => {
                    return Err(malformed(format!(
                        "unexpected token: '{}', expected a quoted string, true, false or null",
                        p.describe()
                    )))
                }
            };
            p.pos += 1;
            conditions.push(Condition {
                column,
                negate,
                value,
            });
            if !p.peek_word("AND") {
                break;
            }
            p.pos += 1;
        }
    }
    let mut order = None;
    if p.peek_word("ORDER") {
        p.pos += 1;
        p.keyword("BY")?;
        let column = p.word()?;
        if !has_column(object, &column) {
            return Err(no_column(&column, object));
        }
        let descending = if p.peek_word("DESC") {
            p.pos += 1;
            true
        } else {
            if p.peek_word("ASC") {
                p.pos += 1;
            }
            false
        };
        order = Some((column, descending));
    }
    let mut limit = None;
    if p.peek_word("LIMIT") {
        p.pos += 1;
        limit = Some(p.number()?);
    }
    let mut offset = 0;
    if p.peek_word("OFFSET") {
        p.pos += 1;
        offset = p.number()?;
    }
    if p.pos < p.tokens.len() {
        return Err(malformed(format!("unexpected token: '{}'", p.describe())));
    }
    Ok(Soql {
        columns,
        count,
        object,
        conditions,
        order,
        limit,
        offset,
    })
}

fn value_of(record: &Record, name: &str) -> Value {
    column(record, name).map(|(_, v)| v).unwrap_or_else(|| {
        record
            .custom
            .iter()
            .find(|c| {
                c["key"]
                    .as_str()
                    .is_some_and(|k| k.eq_ignore_ascii_case(name))
            })
            .map(|c| c["value"].clone())
            .unwrap_or(Value::Null)
    })
}

/// SOQL equality: ids compare by their 15-character form, text case-insensitively.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => match (ids::parse(x), ids::parse(y)) {
            (Some(p), Some(q)) => p == q,
            _ => x.eq_ignore_ascii_case(y),
        },
        (Value::Number(x), Value::String(y)) => x.to_string() == *y,
        _ => a == b,
    }
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

fn batch_size(call: &Call<'_>) -> usize {
    call.headers
        .get("sforce-query-options")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("batchSize"))
                .and_then(|(_, n)| n.trim().parse::<usize>().ok())
        })
        .map_or(DEFAULT_BATCH, |n| n.clamp(MIN_BATCH, DEFAULT_BATCH))
}

/// One page of a result set; `locator` names the cursor when the set spans several pages.
fn page(
    data: &TenantData,
    cursor: &Cursor,
    locator: Option<&str>,
    from: usize,
    version: u32,
) -> Value {
    let end = (from + cursor.batch).min(cursor.ids.len());
    let records: Vec<Value> = cursor.ids[from..end]
        .iter()
        .filter_map(|id| data.any_record(id))
        .map(|r| sobject_view(r, version, Some(&cursor.columns)))
        .collect();
    let total = cursor.ids.len();
    let mut out = json!({ "totalSize": total, "done": end >= total, "records": records });
    if let (Some(locator), true) = (locator, end < total) {
        out["nextRecordsUrl"] = json!(format!("/services/data/v{version}.0/query/{locator}-{end}"));
    }
    out
}

/// `GET query?q=SOQL`; with `all` (`queryAll`), deleted records still in the recycle bin match
/// too, after the live ones, with `IsDeleted` true.
pub fn query(
    data: &mut TenantData,
    call: &Call<'_>,
    version: u32,
    all: bool,
) -> Result<Reply, ApiError> {
    let Some(q) = call.query_value("q").filter(|q| !q.trim().is_empty()) else {
        return Err(with_fields(
            &errors::MALFORMED_QUERY,
            "A query string has to be specified",
            &["q"],
        ));
    };
    let soql = parse(q)?;
    let recycled = data.recycled_of(soql.object).filter(|_| all);
    let mut matched: Vec<&Record> = data
        .of(soql.object)
        .chain(recycled)
        .filter(|r| {
            soql.conditions
                .iter()
                .all(|c| equal(&value_of(r, &c.column), &c.value) != c.negate)
        })
        .collect();
    if let Some((col, descending)) = &soql.order {
        matched.sort_by(|a, b| {
            let o = compare(&value_of(a, col), &value_of(b, col));
            if *descending {
                o.reverse()
            } else {
                o
            }
        });
    }
    let ids: Vec<String> = matched
        .into_iter()
        .skip(soql.offset)
        .take(soql.limit.unwrap_or(usize::MAX))
        .map(|r| r.id.clone())
        .collect();
    if soql.count {
        return Ok(json_reply(
            StatusCode::OK,
            &json!({ "totalSize": ids.len(), "done": true, "records": [] }),
        ));
    }
    let cursor = Cursor {
        columns: soql.columns,
        ids,
        batch: batch_size(call),
    };
    // Like Salesforce, one locator serves every later page; only the offset moves.
    let body = if cursor.ids.len() > cursor.batch {
        let locator = data.open_cursor(cursor);
        let cursor = data.cursor(&locator).expect("the cursor was just opened");
        page(data, cursor, Some(&locator), 0, version)
    } else {
        page(data, &cursor, None, 0, version)
    };
    Ok(json_reply(StatusCode::OK, &body))
}

/// `GET query/{locator}-{offset}`: the next page of an earlier query.
pub fn more(data: &TenantData, call: &Call<'_>, version: u32) -> Result<Reply, ApiError> {
    let text = call.param("locator").unwrap_or_default();
    let invalid = || ApiError::new(&errors::INVALID_QUERY_LOCATOR, "invalid query locator");
    let (locator, offset) = text.rsplit_once('-').ok_or_else(invalid)?;
    let offset: usize = offset.parse().map_err(|_| invalid())?;
    let cursor = data.cursor(locator).ok_or_else(invalid)?;
    if offset > cursor.ids.len() {
        return Err(invalid());
    }
    let body = page(data, cursor, Some(locator), offset, version);
    Ok(json_reply(StatusCode::OK, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_supported_slice() {
        let s = parse("SELECT Id, Name FROM EngagementTopic WHERE EngagementId = 'x' AND Name != 'y' ORDER BY Name DESC LIMIT 5 OFFSET 1").unwrap();
        assert_eq!(s.object, Object::Topic);
        assert_eq!(s.columns, ["Id", "Name"]);
        assert_eq!(s.conditions.len(), 2);
        assert_eq!(s.limit, Some(5));
        assert_eq!(s.offset, 1);
        assert!(
            parse("SELECT COUNT() FROM EngagementInteraction")
                .unwrap()
                .count
        );
    }

    #[test]
    fn refuses_what_it_does_not_understand() {
        assert_eq!(
            parse("SELECT FROM X").err().unwrap().kind.name,
            "MALFORMED_QUERY"
        );
        assert_eq!(
            parse("SELECT Id FROM Account").err().unwrap().kind.name,
            "INVALID_TYPE"
        );
        assert_eq!(
            parse("SELECT Nope FROM EngagementInteraction")
                .err()
                .unwrap()
                .kind
                .name,
            "INVALID_FIELD"
        );
        assert_eq!(
            parse("SELECT Id FROM EngagementInteraction WHERE Id LIKE 'a'")
                .err()
                .unwrap()
                .kind
                .name,
            "MALFORMED_QUERY"
        );
    }
}
