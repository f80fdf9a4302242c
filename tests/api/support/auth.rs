//! Tenants and credentials: a token no other test uses, the bearer header every vendor but Merge
//! takes alone, and the headers of each vendor's credential.

use std::sync::atomic::{AtomicU64, Ordering};

/// A token no other test uses, so tests sharing nothing still never share a tenant.
pub fn fresh_token(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The `Authorization` value that carries `token` as a bearer token.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The headers that make `token` a tenant of `vendor`: Merge takes an API key (`merge_key`) and
/// the account token (the tenant), every other vendor the token as a bearer token.
pub fn vendor_credentials(
    vendor: &str,
    merge_key: &str,
    token: &str,
) -> Vec<(&'static str, String)> {
    match vendor {
        "merge" => vec![
            ("Authorization", bearer(merge_key)),
            ("X-Account-Token", token.into()),
        ],
        _ => vec![("Authorization", bearer(token))],
    }
}
