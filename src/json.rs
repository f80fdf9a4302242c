//! Reading a request body as JSON: content type, nesting depth and syntax, each failure a
//! [`Problem`] that the vendor renders in its own envelope. Shared by the pipeline and by a vendor's
//! own transport (Seismic's MCP endpoint).

use axum::http::{header, HeaderMap};
use bytes::Bytes;
use serde_json::Value;

use crate::vendor::Problem;

/// Deeper JSON (or XML, for vendors that take it) than this is refused.
pub const MAX_DEPTH: usize = 64;

/// Whether a content type declares JSON (`application/json`, `application/merge-patch+json`...).
pub fn is_json_content_type(headers: &HeaderMap) -> Result<(), Problem> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(Problem::UnsupportedContentType {
            content_type: "(none)".to_owned(),
        });
    };
    let text = value.to_str().unwrap_or("").trim();
    let essence = text
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") || essence == "text/json" {
        Ok(())
    } else {
        Err(Problem::UnsupportedContentType {
            content_type: text.to_owned(),
        })
    }
}

/// Parses a JSON body; an empty body reads as `{}`. Nesting beyond [`MAX_DEPTH`] is refused as
/// such even where the text is malformed too.
pub fn parse_json(bytes: &Bytes) -> Result<Value, Problem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    // serde_json stops at 128 levels by itself, so a parsed tree is measured, which is cheaper
    // than scanning every byte; only a failed parse scans, to tell "too deep" from "malformed".
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) if depth(&value) > MAX_DEPTH => Err(Problem::TooDeep { limit: MAX_DEPTH }),
        Ok(value) => Ok(value),
        Err(e) => {
            check_depth(bytes)?;
            let text = e.to_string();
            let detail = match text.rfind(" at line ") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
            Err(Problem::MalformedJson {
                line: e.line(),
                column: e.column(),
                detail,
            })
        }
    }
}

/// Levels of arrays and objects in a parsed value (a scalar is 0).
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(fields) => 1 + fields.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Counts bracket nesting outside strings; refuses more than [`MAX_DEPTH`] levels.
fn check_depth(bytes: &[u8]) -> Result<(), Problem> {
    let mut depth = 0usize;
    for (_, b) in brackets(bytes, 0) {
        if b == b'[' || b == b'{' {
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(Problem::TooDeep { limit: MAX_DEPTH });
            }
        } else {
            depth = depth.saturating_sub(1);
        }
    }
    Ok(())
}

/// The brackets (`[`, `{`, `]`, `}`) of JSON text from `from` on, with their offsets, skipping
/// those inside strings. The text need not be valid JSON.
pub fn brackets(bytes: &[u8], from: usize) -> impl Iterator<Item = (usize, u8)> + '_ {
    let (mut in_string, mut escaped) = (false, false);
    bytes
        .iter()
        .enumerate()
        .skip(from)
        .filter_map(move |(i, &b)| {
            if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                return None;
            }
            match b {
                b'"' => {
                    in_string = true;
                    None
                }
                b'[' | b'{' | b']' | b'}' => Some((i, b)),
                _ => None,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_only_outside_strings() {
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert!(matches!(
            check_depth(deep.as_bytes()),
            Err(Problem::TooDeep { .. })
        ));
        let quoted = format!("\"{}\"", "[".repeat(500));
        assert!(check_depth(quoted.as_bytes()).is_ok());
    }

    #[test]
    fn parsed_and_malformed_bodies_meet_the_same_depth_limit() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let parse = |s: String| parse_json(&Bytes::from(s));
        assert!(parse(nested(MAX_DEPTH)).is_ok());
        for text in [
            nested(MAX_DEPTH + 1),
            nested(200),
            "[".repeat(MAX_DEPTH + 1),
            format!("{{\"a\":{}", nested(MAX_DEPTH)),
        ] {
            assert!(
                matches!(parse(text.clone()), Err(Problem::TooDeep { .. })),
                "{text}"
            );
        }
        assert!(matches!(
            parse("[".repeat(10)),
            Err(Problem::MalformedJson { .. })
        ));
    }

    #[test]
    fn malformed_json_reports_line_and_column() {
        let err = parse_json(&Bytes::from_static(b"{\n  \"a\": }")).unwrap_err();
        assert!(
            matches!(err, Problem::MalformedJson { line: 2, .. }),
            "{err:?}"
        );
    }
}
