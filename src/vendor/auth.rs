//! Reading credentials the way most vendors send them: `Authorization: Bearer <token>`.

use axum::http::{header, HeaderMap};

use super::error::Problem;
use crate::tenant::Credential;

/// The token of an `Authorization: Bearer <token>` header (the scheme word in any case).
/// `bare_allowed` also takes a bare `Authorization: <token>`, as DevRev's TypeScript SDK sends it.
pub fn bearer_token(headers: &HeaderMap, bare_allowed: bool) -> Result<Credential, Problem> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(Problem::MissingCredential)?;
    let text = value
        .to_str()
        .map_err(|_| Problem::MalformedCredential("the Authorization header is not text".into()))?
        .trim();
    let token = match text.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        Some(_) => {
            return Err(Problem::MalformedCredential(
                "expected 'Bearer <token>'".into(),
            ))
        }
        None if text.eq_ignore_ascii_case("bearer") => "",
        None if bare_allowed => text,
        None => {
            return Err(Problem::MalformedCredential(
                "expected 'Bearer <token>'".into(),
            ))
        }
    };
    if token.is_empty() {
        return Err(Problem::MissingCredential);
    }
    Ok(Credential(token.to_owned()))
}
