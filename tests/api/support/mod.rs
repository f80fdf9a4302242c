//! Test support, one copy for every test file: a real simulator on an ephemeral port and its HTTP
//! client (`server`), tenant tokens and credential headers (`auth`), checks of bodies against the
//! JSON Schemas under `contracts/` (`contract`), scenario documents (`scenario`), state files
//! (`state`) and the runtime property tests drive the simulator with (`props`).

pub mod auth;
pub mod checked;
pub mod cli;
pub mod contract;
pub mod json;
pub mod props;
pub mod scenario;
pub mod server;
pub mod state;

pub use auth::{bearer, fresh_token};
pub use contract::assert_contract;
pub use server::{Answer, TestServer};
