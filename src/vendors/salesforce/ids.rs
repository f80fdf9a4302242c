//! Salesforce record ids: 15 case-sensitive base-62 characters (3-character key prefix, 2-character
//! pod, 1 reserved, 9-digit record number) exposed as 18 characters with the case-checksum suffix.
//!
//! The key prefixes of `EngagementInteraction`, `EngagementAttendee` and `EngagementTopic` are not
//! published (`shared/vendors/salesforce.md`), so the simulator fixes its own; `005` (User) and
//! `01g` (query locator) are Salesforce's real ones.

use crate::store::base62::base62;

const SUFFIX: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// The kinds of record the simulator mints ids for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    Interaction,
    Attendee,
    Topic,
    User,
    QueryLocator,
}

impl Object {
    pub const SOBJECTS: [Object; 3] = [Object::Interaction, Object::Attendee, Object::Topic];

    pub fn prefix(self) -> &'static str {
        match self {
            Object::Interaction => "0eI",
            Object::Attendee => "0eA",
            Object::Topic => "0eT",
            Object::User => "005",
            Object::QueryLocator => "01g",
        }
    }

    /// The sObject API name.
    pub fn sobject(self) -> &'static str {
        match self {
            Object::Interaction => "EngagementInteraction",
            Object::Attendee => "EngagementAttendee",
            Object::Topic => "EngagementTopic",
            Object::User => "User",
            Object::QueryLocator => "QueryLocator",
        }
    }

    /// The sObject named `name` (case-insensitively, as Salesforce reads it).
    pub fn from_sobject(name: &str) -> Option<Object> {
        Object::SOBJECTS
            .into_iter()
            .find(|o| o.sobject().eq_ignore_ascii_case(name))
    }

    pub fn of(id15: &str) -> Option<Object> {
        [
            Object::Interaction,
            Object::Attendee,
            Object::Topic,
            Object::User,
            Object::QueryLocator,
        ]
        .into_iter()
        .find(|o| id15.starts_with(o.prefix()))
    }
}

/// The 15-character id of record number `number` of `object` on `pod`.
pub fn mint(object: Object, pod: &str, number: u64) -> String {
    mint_prefixed(object.prefix(), pod, number)
}

/// The 15-character id of record number `number` under any 3-character key prefix (`001` for
/// Account), as user stubs mint them.
pub fn mint_prefixed(prefix: &str, pod: &str, number: u64) -> String {
    let mut id = String::with_capacity(18);
    id.push_str(prefix);
    id.push_str(pod);
    id.push('0');
    id.push_str(&base62(number, 9));
    id
}

/// The 3-character suffix that makes a 15-character id case-insensitive: per group of 5
/// characters, bit i is set when character i is an upper-case letter.
pub fn checksum(id15: &str) -> String {
    id15.as_bytes()
        .chunks(5)
        .map(|group| {
            let bits = group
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_ascii_uppercase())
                .fold(0usize, |acc, (i, _)| acc | (1 << i));
            SUFFIX[bits] as char
        })
        .collect()
}

/// The 18-character form of a 15-character id.
pub fn to18(id15: &str) -> String {
    let mut id = String::with_capacity(18);
    id.push_str(id15);
    id.push_str(&checksum(id15));
    id
}

/// Reads a 15- or 18-character id into its canonical 15-character form. An 18-character id is read
/// case-insensitively, its suffix restoring the case, as Salesforce does.
pub fn parse(text: &str) -> Option<String> {
    if !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    match text.len() {
        15 => Some(text.to_owned()),
        18 => {
            let (body, suffix) = text.split_at(15);
            let mut out = String::with_capacity(15);
            for (group, s) in body.as_bytes().chunks(5).zip(suffix.bytes()) {
                let bits = SUFFIX.iter().position(|&c| c == s.to_ascii_uppercase())?;
                for (i, &c) in group.iter().enumerate() {
                    let upper = bits & (1 << i) != 0;
                    if upper && !c.is_ascii_alphabetic() {
                        return None;
                    }
                    out.push(if upper {
                        c.to_ascii_uppercase() as char
                    } else {
                        c.to_ascii_lowercase() as char
                    });
                }
            }
            Some(out)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs from Salesforce's own documentation and examples: the REST API guide's account
    /// `001D000000IqhSLIAZ`, the SOAP guide's `0015000000VALDtAAP`, and an all-digit id.
    const KNOWN: &[(&str, &str)] = &[
        ("001D000000IqhSL", "001D000000IqhSLIAZ"),
        ("0015000000VALDt", "0015000000VALDtAAP"),
        ("001000000000001", "001000000000001AAA"),
        ("005xx000001SvogAAC", "005xx000001SvogAAC"),
    ];

    #[test]
    fn checksum_matches_known_salesforce_ids() {
        for (id15, id18) in KNOWN {
            assert_eq!(to18(&id15[..15]), *id18, "{id15}");
            assert_eq!(parse(id18).as_deref(), Some(&id15[..15]));
        }
    }

    #[test]
    fn eighteen_character_ids_are_read_case_insensitively() {
        assert_eq!(
            parse("001d000000iqhslIAZ").as_deref(),
            Some("001D000000IqhSL")
        );
        assert_eq!(
            parse("001D000000IqhSLIAZ").as_deref(),
            Some("001D000000IqhSL")
        );
        assert_eq!(parse("001D000000IqhSL").as_deref(), Some("001D000000IqhSL"));
        assert_eq!(parse("001D000000IqhSL!!!"), None);
        assert_eq!(parse("short"), None);
    }

    #[test]
    fn minted_ids_carry_prefix_pod_and_number() {
        let id = mint(Object::Interaction, "Xy", 63);
        assert_eq!(id, "0eIXy0000000011");
        assert_eq!(id.len(), 15);
        assert_eq!(Object::of(&id), Some(Object::Interaction));
        assert_eq!(parse(&to18(&id)), Some(id));
    }
}
