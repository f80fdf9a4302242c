//! Opaque paging cursors: a position behind a vendor's own tag, base64 encoded, so a client cannot
//! mistake one for an id and one vendor's cursor is refused by another.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

/// A vendor's cursor format: `tag` then the position, in URL-safe base64 without padding, or in
/// standard base64 where the vendor's own cursors look like that (Merge).
#[derive(Debug, Clone, Copy)]
pub struct CursorCodec {
    tag: &'static str,
    standard: bool,
}

impl CursorCodec {
    /// URL-safe base64 without padding of `tag` and the position.
    pub const fn url_safe(tag: &'static str) -> CursorCodec {
        CursorCodec {
            tag,
            standard: false,
        }
    }

    /// Standard base64 (with `+`, `/` and padding) of `tag` and the position.
    pub const fn standard(tag: &'static str) -> CursorCodec {
        CursorCodec {
            tag,
            standard: true,
        }
    }

    /// The cursor of a numeric position.
    pub fn encode(&self, n: u64) -> String {
        self.encode_text(&n.to_string())
    }

    /// The position behind a cursor this codec made, or `None` for anything else.
    pub fn decode(&self, cursor: &str) -> Option<u64> {
        self.decode_text(cursor)?.parse().ok()
    }

    /// The cursor of a position written as text (Merge's `r=1&p=<n>` carries a direction too).
    pub fn encode_text(&self, text: &str) -> String {
        let text = format!("{}{text}", self.tag);
        if self.standard {
            STANDARD.encode(text)
        } else {
            URL_SAFE_NO_PAD.encode(text)
        }
    }

    /// The text behind a cursor this codec made, after the tag.
    pub fn decode_text(&self, cursor: &str) -> Option<String> {
        let cursor = cursor.trim();
        let bytes = if self.standard {
            // A cursor pasted into a URL unescaped has had its `+` turned into a space.
            STANDARD.decode(cursor.replace(' ', "+"))
        } else {
            URL_SAFE_NO_PAD.decode(cursor)
        }
        .ok()?;
        let text = String::from_utf8(bytes).ok()?;
        text.strip_prefix(self.tag).map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::CursorCodec;

    #[test]
    fn round_trips_and_refuses_other_tags() {
        let a = CursorCodec::url_safe("eng:");
        let b = CursorCodec::url_safe("dsr:");
        assert_eq!(a.decode(&a.encode(42)), Some(42));
        assert_eq!(b.decode(&a.encode(42)), None);
        assert_eq!(a.decode("not base64!"), None);
        let m = CursorCodec::standard("");
        assert_eq!(
            m.decode_text(&m.encode_text("r=1&p=7")).as_deref(),
            Some("r=1&p=7")
        );
    }
}
