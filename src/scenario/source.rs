//! A scenario document's text and the problems found in it: each a compiler-style diagnostic
//! (miette) with file, line, column and a hint such as the valid operation ids or the nearest
//! error kind. Shared by reading (`parse`) and checking (`check`).

use std::cell::{Cell, OnceCell};
use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};
use serde::Serialize;

/// Problems reported for one document at most. Each one locates itself in the text, so an
/// unbounded list of them would make checking grow with rules × document size.
pub const MAX_PROBLEMS: usize = 50;

/// One problem in a scenario document.
#[derive(Debug, Serialize)]
pub struct ScenarioError {
    pub message: String,
    pub line: usize,
    pub column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip)]
    span: SourceSpan,
    /// One copy of the document shared by every problem in it (a copy each made a 194 KiB
    /// document with 10,000 bad rules cost gigabytes).
    #[serde(skip)]
    source_code: NamedSource<Arc<str>>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioError {}

impl Diagnostic for ScenarioError {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source_code)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some("here".into()), self.span),
        )))
    }
}

/// Every problem found in one document.
#[derive(Debug)]
pub struct Problems {
    pub file: String,
    pub errors: Vec<ScenarioError>,
}

impl Problems {
    /// The diagnostics as text, as `scenario check` prints them.
    pub fn render(&self) -> String {
        let handler =
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
        let mut out = String::new();
        for e in &self.errors {
            let _ = handler.render_report(&mut out, e);
            out.push('\n');
        }
        out
    }
}

pub(super) struct Source<'a> {
    pub(super) file: &'a str,
    pub(super) text: &'a str,
    shared: OnceCell<Arc<str>>,
    /// Problems made so far: past [`MAX_PROBLEMS`] they are no longer located in the text.
    made: Cell<usize>,
}

impl<'a> Source<'a> {
    pub(super) fn new(file: &'a str, text: &'a str) -> Source<'a> {
        Source {
            file,
            text,
            shared: OnceCell::new(),
            made: Cell::new(0),
        }
    }

    /// Whether enough problems were found to stop locating more.
    pub(super) fn full(&self) -> bool {
        self.made.get() >= MAX_PROBLEMS
    }

    /// Whether more problems were found than are reported, so looking for more is pointless.
    pub(super) fn over(&self) -> bool {
        self.made.get() > MAX_PROBLEMS
    }

    fn is_json(&self) -> bool {
        self.text.trim_start().starts_with('{')
    }

    /// The document as plain data: only a syntax error stops here.
    pub(super) fn value(&self) -> Result<serde_json::Value, Box<ScenarioError>> {
        self.read()
    }

    fn read<T: serde::de::DeserializeOwned>(&self) -> Result<T, Box<ScenarioError>> {
        if self.is_json() {
            serde_json::from_str(self.text).map_err(|e| {
                let offset = self.offset_of(e.line(), e.column());
                let message = strip_location(&e.to_string());
                Box::new(self.error(offset, 1, message, serde_hint(&e.to_string())))
            })
        } else {
            serde_norway::from_str(self.text).map_err(|e| {
                let (offset, message) = match e.location() {
                    Some(loc) => (loc.index(), strip_location(&e.to_string())),
                    None => (0, e.to_string()),
                };
                Box::new(self.error(offset, 1, message, serde_hint(&e.to_string())))
            })
        }
    }

    fn offset_of(&self, line: usize, column: usize) -> usize {
        let mut offset = 0;
        for (i, l) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                return (offset + column.saturating_sub(1)).min(self.text.len());
            }
            offset += l.len();
        }
        self.text.len().saturating_sub(1)
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    pub(super) fn error(
        &self,
        offset: usize,
        len: usize,
        message: String,
        hint: Option<String>,
    ) -> ScenarioError {
        let located = !self.full();
        self.made.set(self.made.get() + 1);
        let offset = offset.min(self.text.len());
        let len = len.min(self.text.len() - offset);
        let (line, column) = if located {
            self.line_col(offset)
        } else {
            (0, 0)
        };
        ScenarioError {
            message,
            line,
            column,
            hint,
            span: SourceSpan::new(offset.into(), len),
            source_code: NamedSource::new(
                self.file,
                self.shared.get_or_init(|| Arc::from(self.text)).clone(),
            ),
        }
    }

    /// Byte range of the `index`th item of the top-level list `section`.
    pub(super) fn item_range(&self, section: &str, index: usize) -> (usize, usize) {
        let text = self.text;
        let Some(start) = find_key(text, section, 0) else {
            return (0, text.len());
        };
        let starts = if self.is_json() {
            json_items(text, start)
        } else {
            yaml_items(text, start)
        };
        match starts.get(index) {
            Some(&s) => (s, starts.get(index + 1).copied().unwrap_or(text.len())),
            None => (start, text.len()),
        }
    }

    /// Where `needle` is written inside the `index`th item of `section` (or where the item starts).
    pub(super) fn locate(&self, section: &str, index: usize, needle: &str) -> (usize, usize) {
        if self.full() {
            return (0, 1);
        }
        let (start, end) = self.item_range(section, index);
        match self.text[start..end].find(needle) {
            Some(i) if !needle.is_empty() => (start + i, needle.len()),
            _ => (start, 1),
        }
    }
}

/// The offset just after `key:` (YAML) or `"key":` (JSON), searching from `from`.
pub(super) fn find_key(text: &str, key: &str, from: usize) -> Option<usize> {
    for pattern in [format!("\"{key}\""), format!("{key}:")] {
        let mut at = from;
        while let Some(i) = text[at..].find(&pattern) {
            let pos = at + i;
            let line_start = text[..pos].rfind('\n').map_or(0, |n| n + 1);
            let prefix = text[line_start..pos].trim();
            // A YAML list item's first key follows its dash.
            if prefix.is_empty()
                || prefix == "{"
                || prefix == "-"
                || prefix.ends_with(',')
                || prefix.ends_with('{')
            {
                return Some(pos + pattern.len());
            }
            at = pos + pattern.len();
        }
    }
    None
}

/// Starts of the items of a YAML block list (or flow list) beginning after `from`.
fn yaml_items(text: &str, from: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut indent: Option<usize> = None;
    let mut offset = from + text[from..].find('\n').map_or(text.len() - from, |i| i + 1);
    for line in text[offset.min(text.len())..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let this_indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            offset += line.len();
            continue;
        }
        match indent {
            None if trimmed.starts_with("- ") || trimmed == "-\n" => indent = Some(this_indent),
            None => break,
            Some(i) if this_indent < i || (this_indent == i && !trimmed.starts_with('-')) => break,
            _ => {}
        }
        if Some(this_indent) == indent && trimmed.starts_with('-') {
            starts.push(offset + this_indent);
        }
        offset += line.len();
    }
    starts
}

/// Starts of the object items of a JSON array beginning after `from`.
fn json_items(text: &str, from: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let (mut depth, mut began) = (0i32, false);
    for (i, b) in crate::json::brackets(text.as_bytes(), from) {
        if b == b'[' || b == b'{' {
            if began && depth == 1 {
                starts.push(i);
            }
            began |= b == b'[';
            depth += 1;
        } else {
            depth -= 1;
            if began && depth == 0 {
                break;
            }
        }
    }
    starts
}

fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn serde_hint(message: &str) -> Option<String> {
    message.contains("unknown field").then(|| {
        "remove the key, or check its spelling against \"Scenarios\" in the README".to_owned()
    })
}
