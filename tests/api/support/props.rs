//! The runtime property tests drive the simulator with, outside `#[tokio::test]`: proptest's
//! cases are plain closures, so each property blocks on async calls itself.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::Runtime;

use super::TestServer;

/// A runtime for property cases: two workers, with IO and timers.
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// One runtime and the simulator it serves, for properties whose cases share a server (each case
/// isolated by a tenant of its own).
pub struct PropServer {
    pub runtime: Runtime,
    pub server: TestServer,
}

impl PropServer {
    /// Starts `server` (e.g. `TestServer::start()`) on a new runtime.
    pub fn new(server: impl Future<Output = TestServer>) -> PropServer {
        let runtime = runtime();
        let server = runtime.block_on(server);
        PropServer { runtime, server }
    }
}

/// A simulator shared by the whole binary's property tests: one runtime and one server.
pub fn shared() -> &'static PropServer {
    static SHARED: OnceLock<PropServer> = OnceLock::new();
    SHARED.get_or_init(|| PropServer::new(TestServer::start()))
}
