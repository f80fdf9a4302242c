//! Merge ids: every common-model record has a server-generated UUID (`id`) and the third party's
//! own id (`remote_id`, a string in whatever form the CRM uses). Both come from the tenant's
//! seeded random source, so the same seed and request order give the same ids.

use std::borrow::Cow;

use rand::{Rng, RngCore};
use uuid::Uuid;

/// A version-4 UUID drawn from `rng`, hyphenated and lower case as Merge prints them.
pub fn merge_id(rng: &mut impl RngCore) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    hyphenated(uuid::Builder::from_random_bytes(bytes).into_uuid())
}

/// `u` as Merge prints ids, written straight into a string of its exact length.
fn hyphenated(u: Uuid) -> String {
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    u.hyphenated().encode_lower(&mut text).to_owned()
}

/// A third-party id as a HubSpot-like CRM prints it: a decimal number of 9 to 11 digits.
pub fn remote_id(rng: &mut impl RngCore) -> String {
    rng.random_range(100_000_000u64..100_000_000_000)
        .to_string()
}

/// Whether `text` reads as a UUID in any of the forms Merge's routes take; ids are compared in
/// their canonical hyphenated lower-case form.
pub fn canonical(text: &str) -> Option<String> {
    Uuid::parse_str(text).ok().map(hyphenated)
}

/// [`canonical`], borrowing `text` when it is already in that form: for lookups, which need no
/// copy of the id.
pub fn canonical_ref(text: &str) -> Option<Cow<'_, str>> {
    let u = Uuid::parse_str(text).ok()?;
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    if u.hyphenated().encode_lower(&mut buf) == text {
        Some(Cow::Borrowed(text))
    } else {
        Some(Cow::Owned(hyphenated(u)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::seeded_rng;

    #[test]
    fn ids_are_v4_uuids_fixed_by_the_seed() {
        let a = merge_id(&mut seeded_rng(1, &["merge", "t"]));
        let b = merge_id(&mut seeded_rng(1, &["merge", "t"]));
        assert_eq!(a, b);
        let parsed = Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(canonical(&a.to_uppercase()), Some(a.clone()));
        assert_eq!(canonical("nope"), None);
        assert!(matches!(canonical_ref(&a), Some(Cow::Borrowed(_))));
        assert_eq!(
            canonical_ref(&a.to_uppercase()).as_deref(),
            Some(a.as_str())
        );
        assert_eq!(canonical_ref("nope"), None);
    }
}
