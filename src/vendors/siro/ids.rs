//! Siro ids: internal ids are UUIDs (v4 shape, `docs.siro.ai/getting-started`: "the UUID Siro
//! stores for a synced CRM row") drawn from the tenant's seeded random source, so the same seed
//! and the same request order give the same ids. List cursors are opaque to clients.

use base64::Engine as _;
use rand::rngs::StdRng;
use rand::RngCore;

/// A fresh v4 UUID from the tenant's random source.
pub fn uuid(rng: &mut StdRng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The cursor that continues a list after the engagement with this sequence number.
pub fn encode_cursor(seq: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("siro-eng:{seq}"))
}

/// The sequence number a cursor from [`encode_cursor`] carries.
pub fn decode_cursor(text: &str) -> Option<u64> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("siro-eng:").and_then(|n| n.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn uuids_are_v4_and_follow_the_seed() {
        let mut a = StdRng::seed_from_u64(7);
        let mut b = StdRng::seed_from_u64(7);
        let id = uuid(&mut a);
        assert_eq!(id, uuid(&mut b));
        let parsed = uuid::Uuid::parse_str(&id).expect("a UUID");
        assert_eq!(parsed.get_version_num(), 4);
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("not-a-cursor"), None);
    }
}
