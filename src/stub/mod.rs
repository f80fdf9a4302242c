//! User stubs: operations a user declares in a file (YAML or JSON, in a scenario document's
//! `stubs:` list) instead of Rust. A stub names a vendor, a method and a path template and answers
//! with a status, headers and a body template; with `store` it keeps the request body per tenant
//! so a later call reads it back, lists it or gets the vendor's not-found.
//!
//! - `model`: the stub as written; `compile`: checked against the vendors and compiled, with the
//!   precedence rule against built-ins; `template`: the `{{...}}` expressions;
//! - `table`: the loaded stubs and a router per vendor; `store`: the records stubs keep;
//!   `serve`: one answer.
//!
//! Stubs run through the whole pipeline (credentials, scenarios, journal, tenants): the pipeline
//! routes to them when no built-in operation takes the call, or when a stub's template is more
//! specific than the built-in's (see [`compile::stub_is_more_specific`]).

pub mod compile;
pub mod model;
pub mod serve;
pub mod store;
pub mod table;
pub mod template;

pub use compile::Compiled;
pub use table::{Found, Stubs};
