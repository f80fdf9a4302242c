//! Connect REST request bodies in XML: "nest the properties as XML tags inside the root XML tag"
//! (Connect REST API guide, Request Bodies). The create container's root tag is
//! `<engagementContainer>` (`salesforce.md`); a bare `<engagementInteraction>` root is read as the
//! same container. The XML is read into the JSON value the JSON contract describes, so both forms
//! meet the same validation and rules.
//!
//! Lists come either wrapped (`<engagementTopics><engagementTopic>…</engagementTopic></engagementTopics>`)
//! or as the list element repeated once per item; the guide's examples do not settle which, so
//! both are read. Booleans are the documented Boolean fields' `true`/`false`.

use serde_json::{Map, Value};

use super::ids::Object;
use super::state::{fields, FieldKind};
use crate::json::MAX_DEPTH;

#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub children: Vec<Element>,
    pub text: String,
}

#[derive(Debug)]
pub struct XmlError {
    pub line: usize,
    pub column: usize,
    pub detail: String,
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn error(&self, detail: impl Into<String>) -> XmlError {
        let before = &self.text[..self.pos.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(before.len(), |i| before.len() - i - 1)
            + 1;
        XmlError {
            line,
            column,
            detail: detail.into(),
        }
    }

    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    fn skip_past(&mut self, end: &str) -> Result<(), XmlError> {
        match self.rest().find(end) {
            Some(i) => {
                self.pos += i + end.len();
                Ok(())
            }
            None => Err(self.error(format!("unterminated markup, expected '{end}'"))),
        }
    }

    /// Skips prolog, comments and whitespace; refuses DOCTYPE (no entity expansion).
    fn skip_misc(&mut self) -> Result<(), XmlError> {
        loop {
            self.skip_ws();
            if self.rest().starts_with("<?") {
                self.skip_past("?>")?;
            } else if self.rest().starts_with("<!--") {
                self.skip_past("-->")?;
            } else if self.rest().starts_with("<!") {
                return Err(self.error("DOCTYPE declarations are not allowed"));
            } else {
                return Ok(());
            }
        }
    }

    fn name(&mut self) -> Result<String, XmlError> {
        let len = self
            .rest()
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .unwrap_or(self.rest().len());
        if len == 0 {
            return Err(self.error("expected an element name"));
        }
        let full = &self.rest()[..len];
        // Namespace prefixes do not change what a property means.
        let name = full.rsplit(':').next().unwrap_or(full).to_owned();
        self.pos += len;
        Ok(name)
    }

    fn element(&mut self, depth: usize) -> Result<Element, XmlError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("elements are nested more than {MAX_DEPTH} deep")));
        }
        if !self.rest().starts_with('<') {
            return Err(self.error("expected '<'"));
        }
        self.pos += 1;
        let mut el = Element {
            name: self.name()?,
            ..Element::default()
        };
        // Attributes (xmlns and the like) carry no properties; skip them, quotes included.
        let mut quote: Option<char> = None;
        loop {
            let Some(c) = self.rest().chars().next() else {
                return Err(self.error("unexpected end of input inside a tag"));
            };
            self.pos += c.len_utf8();
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '/') if self.rest().starts_with('>') => {
                    self.pos += 1;
                    return Ok(el);
                }
                (None, '>') => break,
                _ => {}
            }
        }
        loop {
            if self.rest().starts_with("</") {
                self.pos += 2;
                let close = self.name()?;
                if close != el.name {
                    return Err(self.error(format!(
                        "closing tag '{close}' does not match '{}'",
                        el.name
                    )));
                }
                self.skip_ws();
                if !self.rest().starts_with('>') {
                    return Err(self.error("expected '>'"));
                }
                self.pos += 1;
                return Ok(el);
            } else if self.rest().starts_with("<!--") {
                self.skip_past("-->")?;
            } else if let Some(body) = self.rest().strip_prefix("<![CDATA[") {
                let Some(end) = body.find("]]>") else {
                    return Err(self.error("unterminated CDATA section"));
                };
                el.text.push_str(&body[..end]);
                self.pos += "<![CDATA[".len() + end + 3;
            } else if self.rest().starts_with('<') {
                el.children.push(self.element(depth + 1)?);
            } else if self.rest().is_empty() {
                return Err(self.error(format!("unexpected end of input inside '{}'", el.name)));
            } else {
                let len = self.rest().find('<').unwrap_or(self.rest().len());
                let raw = &self.rest()[..len];
                let decoded = decode(raw).map_err(|e| self.error(e))?;
                el.text.push_str(&decoded);
                self.pos += len;
            }
        }
    }
}

fn decode(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let end = tail.find(';').ok_or("an entity is missing its ';'")?;
        let entity = &tail[..end];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity '&{entity};'"))?
            }
        };
        out.push(c);
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Text escaped for an XML element's content or an attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The first element named `local` (namespace prefix ignored) in document order, `root` included.
pub fn find<'e>(root: &'e Element, local: &str) -> Option<&'e Element> {
    let name = root.name.rsplit(':').next().unwrap_or(&root.name);
    if name == local {
        return Some(root);
    }
    root.children.iter().find_map(|c| find(c, local))
}

/// Parses a whole document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(bytes).map_err(|e| XmlError {
        line: 1,
        column: e.valid_up_to() + 1,
        detail: "the body is not UTF-8".into(),
    })?;
    let mut r = Reader { text, pos: 0 };
    r.skip_misc()?;
    let root = r.element(0)?;
    r.skip_misc()?;
    if !r.rest().is_empty() {
        return Err(r.error("content after the root element"));
    }
    Ok(root)
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Container,
    Interaction,
    Attendee,
    Topic,
    CustomField,
    Location,
    Other,
}

impl Shape {
    fn object(self) -> Option<Object> {
        match self {
            Shape::Interaction => Some(Object::Interaction),
            Shape::Attendee => Some(Object::Attendee),
            Shape::Topic => Some(Object::Topic),
            _ => None,
        }
    }

    /// The shape of a list property's items, if `name` is one.
    fn list_item(self, name: &str) -> Option<Shape> {
        match (self, name) {
            (Shape::Interaction, "engagementAttendees") => Some(Shape::Attendee),
            (Shape::Interaction, "engagementTopics") => Some(Shape::Topic),
            (Shape::Interaction | Shape::Attendee | Shape::Topic, "customFieldsList") => {
                Some(Shape::CustomField)
            }
            _ => None,
        }
    }

    fn child(self, name: &str) -> Shape {
        match (self, name) {
            (Shape::Container, "engagementInteraction") => Shape::Interaction,
            (Shape::CustomField, "value") => Shape::Location,
            _ => Shape::Other,
        }
    }

    /// Whether `name` is a property of this shape (used to tell a wrapped list from a repeated one).
    fn has(self, name: &str) -> bool {
        let own = self
            .object()
            .is_some_and(|o| fields(o).iter().any(|f| f.connect == name));
        own || matches!(name, "id" | "ownerId" | "customFieldsList")
            || (self == Shape::CustomField && matches!(name, "key" | "value"))
    }

    fn is_bool(self, name: &str) -> bool {
        self.object().is_some_and(|o| {
            fields(o)
                .iter()
                .any(|f| f.connect == name && f.kind == FieldKind::Bool)
        })
    }
}

fn scalar(shape: Shape, el: &Element) -> Value {
    let text = el.text.trim();
    if text.is_empty() && el.text.is_empty() {
        return Value::Null;
    }
    match shape {
        Shape::Location => text
            .parse::<f64>()
            .ok()
            .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
            .unwrap_or_else(|| Value::String(el.text.clone())),
        _ => Value::String(el.text.clone()),
    }
}

fn object(shape: Shape, el: &Element) -> Value {
    let mut out = Map::new();
    for c in &el.children {
        if let Some(item) = shape.list_item(&c.name) {
            let wrapped = !c.children.is_empty() && !c.children.iter().any(|g| item.has(&g.name));
            let list = out
                .entry(c.name.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                if wrapped {
                    items.extend(c.children.iter().map(|g| object(item, g)));
                } else {
                    items.push(object(item, c));
                }
            }
            continue;
        }
        let value = if !c.children.is_empty() {
            object(shape.child(&c.name), c)
        } else if shape.is_bool(&c.name) {
            match c.text.trim() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => scalar(shape, c),
            }
        } else if shape == Shape::Location {
            scalar(Shape::Location, c)
        } else {
            scalar(shape, c)
        };
        out.insert(c.name.clone(), value);
    }
    Value::Object(out)
}

/// The create body an XML document stands for: `{"engagementInteraction": {...}}`.
pub fn container(root: &Element) -> Value {
    if root.name == "engagementInteraction" {
        let mut out = Map::new();
        out.insert(root.name.clone(), object(Shape::Interaction, root));
        return Value::Object(out);
    }
    let shape = if root.name == "engagementContainer" {
        Shape::Container
    } else {
        Shape::Other
    };
    object(shape, root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_container_with_wrapped_and_repeated_lists() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<engagementContainer xmlns="urn:x">
  <engagementInteraction>
    <attendeeVerified>true</attendeeVerified>
    <communicationChannel>Voice &amp; Video</communicationChannel>
    <startDateTime>2022-04-17T12:00:00.000Z</startDateTime>
    <engagementTopics><engagementTopic><name>A</name></engagementTopic><engagementTopic><name>B</name></engagementTopic></engagementTopics>
    <engagementAttendees><startDateTime>2022-04-17T12:00:00Z</startDateTime><isVerified>false</isVerified><isAuthenticated>true</isAuthenticated></engagementAttendees>
    <customFieldsList><key>loc__c</key><value><latitude>12</latitude><longitude>17.5</longitude></value></customFieldsList>
    <contextId/>
  </engagementInteraction>
</engagementContainer>"#;
        let v = container(&parse(doc.as_bytes()).unwrap());
        let e = &v["engagementInteraction"];
        assert_eq!(e["attendeeVerified"], true);
        assert_eq!(e["communicationChannel"], "Voice & Video");
        assert_eq!(e["engagementTopics"], json!([{"name": "A"}, {"name": "B"}]));
        assert_eq!(e["engagementAttendees"][0]["isAuthenticated"], true);
        assert_eq!(
            e["customFieldsList"][0]["value"],
            json!({"latitude": 12.0, "longitude": 17.5})
        );
        assert_eq!(e["contextId"], Value::Null);
    }

    #[test]
    fn malformed_documents_say_where() {
        let err = parse(b"<a>\n  <b></c>\n</a>").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.detail.contains("does not match"));
        assert!(parse(b"<!DOCTYPE x><a/>").is_err());
        assert!(parse(b"<a>&bogus;</a>").is_err());
        assert!(parse(b"<a></a><b/>").is_err());
        let deep = "<a>".repeat(MAX_DEPTH + 2);
        assert!(parse(deep.as_bytes()).is_err());
    }
}
