//! The simulator's settings, resolved and cross-checked from the CLI flags and environment
//! (`crate::cli` only mirrors the flags).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::store::settings::VendorSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Vendors also served at the root of their own port.
    pub vendor_listen: Vec<(String, SocketAddr)>,
    pub scenarios: Vec<PathBuf>,
    /// Directories of stub files (scenario documents), each file loaded at start.
    pub stubs: Vec<PathBuf>,
    pub watch: bool,
    pub seed: u64,
    pub clock: Option<DateTime<Utc>>,
    pub state_file: Option<PathBuf>,
    pub state_interval: Duration,
    pub body_limit: usize,
    pub journal_capacity: usize,
    /// The most bytes the journal holds (0: bounded by entries only).
    pub journal_max_bytes: usize,
    /// The most bytes of log lines waiting for stderr; past it lines are dropped and counted.
    pub log_queue_bytes: usize,
    /// How many new journal entries a live watcher (the dashboard) may fall behind before it
    /// loses the oldest.
    pub journal_stream_backlog: usize,
    /// The most records of one kind a tenant keeps per vendor (0: no limit).
    pub tenant_record_limit: usize,
    /// `--tenant-record-bytes`.
    pub tenant_record_bytes: usize,
    pub admin_token: Option<String>,
    pub log_format: LogFormat,
    /// Serve HTTPS on every listener, with this certificate.
    pub tls: Option<crate::tls::Source>,
    /// Browser origins allowed to call the vendor routes (`*`: any); empty: no CORS.
    pub cors_origins: Vec<String>,
    pub connections: ConnectionLimits,
    /// The most scenario documents loaded at once.
    pub max_scenarios: usize,
    /// The most bytes the loaded scenario documents take together, as written.
    pub max_scenario_bytes: usize,
    /// The most MCP sessions kept open; past it the least recently used is closed.
    pub max_mcp_sessions: usize,
    /// The most tenants each vendor keeps; past it the least recently used is forgotten.
    pub max_tenants: usize,
    /// The most record bytes each vendor keeps across its tenants (0: no limit); past it the least
    /// recently used tenants are forgotten.
    pub max_record_bytes: usize,
    /// Threads that serve connections, each with a single-threaded runtime of its own.
    pub serving_threads: usize,
    /// Bookkeeping bounds that keep fresh credentials from growing memory (`--max-retired-tenants`,
    /// `--max-rate-windows`, `--max-counted-tenants`, `--max-interned-credentials`).
    pub bookkeeping: Bookkeeping,
    /// Forwarding to real vendors and recording (`--proxy`, `--record`).
    pub proxy: crate::proxy::Settings,
}

/// How long a client may hold a connection without sending a request (see [`crate::conn`]).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Connections served at once per listener; at the cap the longest-waiting one is shed.
    pub max: usize,
    /// A request body's time allowance before the first byte counts.
    pub body_timeout: Duration,
    /// Bytes per second a body must keep up past `body_timeout`.
    pub body_min_rate: u64,
    /// How long in-flight requests may finish after a shutdown signal; later ones are cancelled
    /// unanswered.
    pub drain_timeout: Duration,
}

/// How much the simulator remembers about tenants apart from their state. Each bound has a
/// documented behaviour past it (README "Limits").
#[derive(Debug, Clone, Copy)]
pub struct Bookkeeping {
    /// Forgotten tenants (`--max-tenants`) whose id counters are remembered per vendor; past it
    /// an arbitrary one is dropped, and that tenant, if it returns, starts its ids over.
    pub retired_tenants: usize,
    /// Rate-limit windows kept per vendor (at least 1); past it ended windows go first, then any,
    /// and a tenant whose window went counts from zero again.
    pub rate_windows: usize,
    /// Tenants one scenario rule counts separately; past it further tenants share one count.
    pub counted_tenants: usize,
    /// Credentials interned (resolved once, then reused); past it new ones are still served,
    /// resolved on every call.
    pub interned_credentials: usize,
}

impl Default for Bookkeeping {
    fn default() -> Bookkeeping {
        Bookkeeping {
            retired_tenants: 100_000,
            rate_windows: 10_000,
            counted_tenants: 100_000,
            interned_credentials: 100_000,
        }
    }
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            max: 4096,
            body_timeout: Duration::from_secs(10),
            body_min_rate: 1024,
            drain_timeout: Duration::from_secs(10),
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 4010)),
            vendor_listen: Vec::new(),
            scenarios: Vec::new(),
            stubs: Vec::new(),
            watch: false,
            seed: 0,
            clock: None,
            state_file: None,
            state_interval: Duration::from_secs(5),
            body_limit: 1024 * 1024,
            journal_capacity: 10_000,
            journal_max_bytes: 8 * 1024 * 1024,
            log_queue_bytes: 4 * 1024 * 1024,
            journal_stream_backlog: 1024,
            tenant_record_limit: 5_000,
            tenant_record_bytes: 8 * 1024 * 1024,
            admin_token: None,
            log_format: LogFormat::Pretty,
            tls: None,
            cors_origins: Vec::new(),
            connections: ConnectionLimits::default(),
            max_scenarios: 100,
            max_scenario_bytes: 16 * 1024 * 1024,
            max_mcp_sessions: 1_000,
            max_tenants: 2_000,
            max_record_bytes: 128 * 1024 * 1024,
            serving_threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            bookkeeping: Bookkeeping::default(),
            proxy: Default::default(),
        }
    }
}

impl Config {
    /// Defaults on an ephemeral loopback port: what tests and embedding programs want.
    pub fn ephemeral() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..Config::default()
        }
    }

    /// What the vendors are built with in restore `epoch`, on a clock of their own (for checking
    /// and listing; a running simulator shares one clock, see [`Config::vendor_settings_on`]).
    pub fn vendor_settings(&self, epoch: u64) -> VendorSettings {
        self.vendor_settings_on(epoch, Arc::new(Clock::new(self.clock)))
    }

    /// What the vendors are built with in restore `epoch`, reading `clock`.
    pub fn vendor_settings_on(&self, epoch: u64, clock: Arc<Clock>) -> VendorSettings {
        VendorSettings::new(self.seed, self.tenant_record_limit, epoch, clock)
            .with_tenant_limit(self.max_tenants)
            .with_record_bytes(self.tenant_record_bytes)
            .with_store_bytes(self.max_record_bytes)
            .with_bookkeeping(
                self.bookkeeping.retired_tenants,
                self.bookkeeping.rate_windows,
            )
    }

    /// Checks what flags cannot check one by one.
    pub fn validate(&self, vendor_names: &[&str]) -> Result<(), String> {
        let exposed =
            std::iter::once(&self.listen).chain(self.vendor_listen.iter().map(|(_, a)| a));
        if self.admin_token.is_none() {
            if let Some(addr) = exposed.into_iter().find(|a| !a.ip().is_loopback()) {
                return Err(format!(
                    "refusing to listen on {addr} without an admin token: anyone who can reach it could read the journal and reset state. Pass --admin-token TOKEN (or ENGAGEMENT_SIM_ADMIN_TOKEN), or listen on 127.0.0.1"
                ));
            }
        }
        for (vendor, _) in &self.vendor_listen {
            if !vendor_names.contains(&vendor.as_str()) {
                return Err(format!(
                    "--vendor-listen names '{vendor}', which is not a vendor; vendors: {}",
                    vendor_names.join(", ")
                ));
            }
        }
        for origin in &self.cors_origins {
            if origin != "*" && axum::http::HeaderValue::from_str(origin).is_err() {
                return Err(format!("--cors-origin '{origin}' is not a valid origin"));
            }
        }
        if self.connections.max == 0 {
            return Err("--max-connections must be at least 1".into());
        }
        if self.body_limit == 0 {
            return Err("--body-limit must be at least 1 byte".into());
        }
        Ok(())
    }
}
