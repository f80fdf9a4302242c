//! Seismic ids and links. Seismic documents none of its id formats; its webhook examples carry
//! UUIDs for rooms, so every id here is a UUID (v4 layout) drawn from the tenant's seeded random
//! source, and links follow the shapes on the viewer-ACL pages
//! (`https://<tenant>.seismic.com/ls/<guid>/<link id>`).

use rand::rngs::StdRng;
use rand::Rng;

/// A UUID (v4 layout) from the given random source.
pub fn uuid(rng: &mut StdRng) -> String {
    let bytes: [u8; 16] = rng.random();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A short link id: 12 characters of `[a-z0-9]`.
pub fn link_id(rng: &mut StdRng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The host of a Seismic tenant (`https://acme.seismic.com`).
pub fn tenant_host(slug: &str) -> String {
    format!("https://{slug}.seismic.com")
}

/// A Digital Sales Room access link.
pub fn room_link(slug: &str, dsr_id: &str, link: &str) -> String {
    format!("{}/ls/{dsr_id}/{link}", tenant_host(slug))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::seeded_rng;

    #[test]
    fn ids_repeat_for_the_same_seed_and_differ_across_tenants() {
        let a = uuid(&mut seeded_rng(1, &["seismic", "t1"]));
        let b = uuid(&mut seeded_rng(1, &["seismic", "t1"]));
        let c = uuid(&mut seeded_rng(1, &["seismic", "t2"]));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(uuid::Uuid::parse_str(&a).is_ok());
    }
}
