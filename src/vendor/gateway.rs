//! The narrow interface a vendor's own transport (Seismic's MCP endpoint) runs operations through:
//! the same steps as a routed request (credentials, scenario, validation, handler, journal), without
//! the transport knowing the pipeline, the admin API or the application state.

use std::future::Future;
use std::pin::Pin;

use axum::http::{HeaderMap, Method};
use bytes::Bytes;

use super::call::Reply;
use crate::fault::Fault;

/// One operation that arrived over a vendor's own transport.
pub struct Invocation<'a> {
    /// The operation's position in the vendor's table.
    pub index: usize,
    /// The method, path and headers of the HTTP request that carried it (what the journal shows).
    pub method: &'a Method,
    pub path: &'a str,
    pub headers: &'a HeaderMap,
    /// The operation's JSON input.
    pub body: Bytes,
}

/// Runs operations of one vendor through the whole request path. The answer is the reply (a
/// success or the vendor's rendered error) and the connection fault a scenario chose, which the
/// transport carries out on its own HTTP response.
pub trait Gateway: Send + Sync + 'static {
    fn invoke<'a>(
        &'a self,
        invocation: Invocation<'a>,
    ) -> Pin<Box<dyn Future<Output = (Reply, Option<Fault>)> + Send + 'a>>;

    /// The largest request body the simulator takes (`--body-limit`).
    fn body_limit(&self) -> usize;

    /// The most sessions a vendor's stateful transport keeps open (`--max-mcp-sessions`).
    fn session_limit(&self) -> usize;
}
