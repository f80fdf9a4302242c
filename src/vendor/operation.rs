//! One operation of a vendor: what routing, scenarios, contracts, the journal and the admin API
//! share.

use axum::http::Method;

/// One operation of a vendor: the unit that routing, scenarios, contracts and the journal share.
#[derive(Debug)]
pub struct Operation {
    /// `<resource>.<action>`, unique within the vendor (`engagements.create`); an operation served
    /// on several paths or methods (DevRev's GET and POST forms) repeats its id.
    pub id: &'static str,
    pub method: Method,
    /// Path below the vendor prefix, in `matchit` syntax (`/crm/v1/engagements/{id}`).
    pub path: &'static str,
    /// JSON Schema of the request body, if the body is JSON and has a contract.
    pub request_schema: Option<&'static str>,
    /// One line for `engagement-sim operations`.
    pub summary: &'static str,
}

/// `Some(schema)` for a file under `contracts/<vendor>/`, compiled into the binary.
#[macro_export]
macro_rules! contract {
    ($vendor:literal, $file:literal) => {
        Some(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/contracts/",
            $vendor,
            "/",
            $file
        )))
    };
}
