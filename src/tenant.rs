//! Credentials and tenants: each distinct credential is a tenant with its own state, shown to
//! people only as a short stable fingerprint, never as the credential itself.

use std::sync::Arc;

use dashmap::DashMap;
use sha2::{Digest, Sha256};

/// The raw credential a vendor read from a request; it selects the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential(pub String);

/// A tenant: the credential that names it and the fingerprint that stands for it in output.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub key: Arc<str>,
    pub fingerprint: Arc<str>,
}

impl Tenant {
    /// The tenant a credential names (not interned; see [`Tenants::resolve`]).
    pub fn new(credential: &str) -> Tenant {
        Tenant {
            key: Arc::from(credential),
            fingerprint: Arc::from(fingerprint(credential)),
        }
    }
}

/// `t_` and the first 12 hex digits of the credential's SHA-256: stable across runs, not reversible.
pub fn fingerprint(credential: &str) -> String {
    let digest = Sha256::digest(credential.as_bytes());
    let mut out = String::with_capacity(14);
    out.push_str("t_");
    for byte in &digest[..6] {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Interns tenants so a request for a known credential allocates nothing. Past `limit` distinct
/// credentials (`--max-interned-credentials`), new ones are still served but no longer interned,
/// so a flood of fresh credentials cannot grow the map without end.
pub struct Tenants {
    known: DashMap<Box<str>, Tenant>,
    limit: usize,
}

impl Default for Tenants {
    fn default() -> Tenants {
        Tenants::with_limit(100_000)
    }
}

impl Tenants {
    /// Interning at most `limit` credentials.
    pub fn with_limit(limit: usize) -> Tenants {
        Tenants {
            known: DashMap::new(),
            limit,
        }
    }

    /// How many credentials are interned.
    pub fn interned(&self) -> usize {
        self.known.len()
    }

    pub fn resolve(&self, credential: &str) -> Tenant {
        if let Some(t) = self.known.get(credential) {
            return t.clone();
        }
        let tenant = Tenant {
            key: Arc::from(credential),
            fingerprint: Arc::from(fingerprint(credential)),
        };
        if self.known.len() < self.limit {
            self.known.insert(Box::from(credential), tenant.clone());
        }
        tenant
    }

    /// Whether `filter` (a fingerprint or a raw credential) names this tenant key.
    pub fn matches(filter: &str, key: &str) -> bool {
        filter == key || filter == fingerprint(key)
    }
}
