//! Command-line flags, mirrored one to one from INTERFACE.md section 1; `crate::config` resolves
//! and checks them.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{Config, LogFormat};

#[derive(Debug, Parser)]
#[command(
    name = "engagement-sim",
    version,
    about = "A stateful, vendor-faithful simulator of five engagement APIs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of `Serve` costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve every vendor under its prefix on one port.
    Serve(ServeArgs),
    /// Work with scenario files.
    Scenario {
        #[command(subcommand)]
        command: ScenarioCommand,
    },
    /// Print every operation (vendor, operation id, method, path) and each vendor's error kinds.
    Operations {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script (e.g. `engagement-sim completions bash > ~/.local/share/bash-completion/completions/engagement-sim`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on standard output (e.g. `engagement-sim man | man -l -`).
    Man,
    /// Print the OpenAPI 3.1 document of one vendor's operations (and of the stubs given).
    Openapi {
        vendor: String,
        /// Include the stubs of every file in DIR; repeatable.
        #[arg(long = "stubs", value_name = "DIR")]
        stubs: Vec<PathBuf>,
        /// Include the stubs of this scenario file; repeatable.
        #[arg(long = "scenario", value_name = "FILE")]
        scenarios: Vec<PathBuf>,
    },
    /// Send each operation's documented example to a live vendor and print, one line each, where
    /// its answers differ from our response contracts. Exit 1 on any difference.
    Drift {
        vendor: String,
        /// The vendor's base URL (`https://api.devrev.ai`, or a simulator's `.../devrev`).
        #[arg(long, value_name = "URL")]
        upstream: String,
        /// Sent as `Authorization: Bearer T`.
        #[arg(long, value_name = "T", env = "ENGAGEMENT_SIM_DRIFT_TOKEN")]
        token: String,
        /// Another header every call carries (`X-Account-Token: ...` for Merge); repeatable.
        #[arg(long = "header", value_name = "NAME:VALUE", value_parser = parse_header)]
        headers: Vec<(String, String)>,
        /// Seconds each call may take.
        #[arg(long, value_name = "SECS", default_value_t = 30)]
        timeout: u64,
    },
}

fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("'{text}' is not NAME:VALUE"))?;
    Ok((name.trim().to_owned(), value.trim().to_owned()))
}

#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Validate scenario files; errors point at file, line and column. Exit 1 on any error.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormatArg {
    Pretty,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address of the main port; every vendor is served under its prefix.
    #[arg(long, env = "ENGAGEMENT_SIM_LISTEN", default_value = "127.0.0.1:4010")]
    pub listen: SocketAddr,
    /// Also serve one vendor at the root of its own port (VENDOR=ADDR); repeatable.
    #[arg(long = "vendor-listen", value_name = "VENDOR=ADDR", value_parser = parse_vendor_listen)]
    pub vendor_listen: Vec<(String, SocketAddr)>,
    /// Load a scenario file at start; repeatable.
    #[arg(
        long = "scenario",
        value_name = "FILE",
        env = "ENGAGEMENT_SIM_SCENARIOS",
        value_delimiter = ','
    )]
    pub scenarios: Vec<PathBuf>,
    /// Load every .yaml, .yml and .json file in DIR at start: scenario documents, usually with
    /// only `stubs:`; repeatable.
    #[arg(long = "stubs", value_name = "DIR")]
    pub stubs: Vec<PathBuf>,
    /// Reload scenario files when they change.
    #[arg(long)]
    pub watch: bool,
    /// Seeds ids, fake data and scenario randomness.
    #[arg(long, env = "ENGAGEMENT_SIM_SEED", default_value_t = 0)]
    pub seed: u64,
    /// Freeze the clock at this RFC 3339 instant.
    #[arg(long, value_name = "RFC3339")]
    pub clock: Option<chrono::DateTime<chrono::Utc>>,
    /// Restore state from this file at start and save it there periodically and on shutdown.
    #[arg(long = "state-file", value_name = "PATH")]
    pub state_file: Option<PathBuf>,
    /// Seconds between two saves of the state file (fractions allowed, at least 0.05).
    #[arg(long = "state-interval", value_name = "SECS", default_value_t = 5.0)]
    pub state_interval: f64,
    /// Largest request body accepted, in bytes.
    #[arg(long = "body-limit", value_name = "BYTES", default_value_t = 1_048_576)]
    pub body_limit: usize,
    /// Entries kept in the request journal (0 turns it off).
    #[arg(long = "journal-capacity", value_name = "N", default_value_t = 10_000)]
    pub journal_capacity: usize,
    /// The most bytes the journal holds (headers, bodies and bookkeeping); past it the oldest
    /// entries are forgotten first (0: bounded by entries only).
    #[arg(long = "journal-max-bytes", value_name = "BYTES", default_value_t = 8 * 1024 * 1024)]
    pub journal_max_bytes: usize,
    /// The most bytes of log lines waiting to be written to stderr (a batch being written may hold
    /// as much again); with stderr a pipe nobody reads, further lines are dropped and counted.
    #[arg(long = "log-queue-bytes", value_name = "BYTES", default_value_t = 4 * 1024 * 1024)]
    pub log_queue_bytes: usize,
    /// How many new journal entries a live stream reader (the dashboard) may fall behind before
    /// it loses the oldest (and is told how many); recording never waits for a reader (0 counts
    /// as 1).
    #[arg(
        long = "journal-stream-backlog",
        value_name = "N",
        default_value_t = 1024
    )]
    pub journal_stream_backlog: usize,
    /// The most records of one kind a tenant keeps per vendor; creating more evicts the oldest
    /// (0: no limit).
    #[arg(
        long = "tenant-record-limit",
        value_name = "N",
        default_value_t = 5_000
    )]
    pub tenant_record_limit: usize,
    /// The most bytes of one kind of record a tenant keeps per vendor, each record counted by its
    /// JSON size when stored; storing more evicts the oldest (0: no limit).
    #[arg(
        long = "tenant-record-bytes",
        value_name = "BYTES",
        default_value_t = 8 * 1024 * 1024
    )]
    pub tenant_record_bytes: usize,
    /// Require `Authorization: Bearer TOKEN` on /__admin; needed off loopback.
    #[arg(
        long = "admin-token",
        env = "ENGAGEMENT_SIM_ADMIN_TOKEN",
        value_name = "TOKEN"
    )]
    pub admin_token: Option<String>,
    /// How log lines are written to standard error: `pretty` (one readable line per request) or
    /// `json` (one JSON object per line, for log shippers). RUST_LOG filters them as usual.
    #[arg(long = "log-format", value_enum, default_value = "pretty")]
    pub log_format: LogFormatArg,
    /// Serve HTTPS (on the main port and every --vendor-listen port) with a certificate made at
    /// start for localhost and 127.0.0.1; the CA that signed it is written to --tls-ca-out.
    #[arg(long)]
    pub tls: bool,
    /// Where --tls writes the CA certificate (PEM) clients should trust [default: engagement-sim-ca.pem in the temp dir].
    #[arg(long = "tls-ca-out", value_name = "PATH")]
    pub tls_ca_out: Option<PathBuf>,
    /// Serve HTTPS with your own certificate chain (PEM) instead; needs --tls-key.
    #[arg(long = "tls-cert", value_name = "PATH", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long = "tls-key", value_name = "PATH", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Let browser pages from ORIGIN call the vendor routes (CORS: preflights answered, headers
    /// added); repeatable, or `*` for any origin. The admin API never gets CORS headers.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Connections served at once per listener; at the cap, the one that has waited longest
    /// without a complete request is closed to make room.
    #[arg(long = "max-connections", value_name = "N", default_value_t = 4096)]
    pub max_connections: usize,
    /// Seconds a request body may take, plus one second per --body-min-rate bytes received.
    #[arg(long = "body-timeout", value_name = "SECS", default_value_t = 10)]
    pub body_timeout: u64,
    /// Bytes per second a request body must keep up once its --body-timeout is spent.
    #[arg(long = "body-min-rate", value_name = "BYTES", default_value_t = 1024)]
    pub body_min_rate: u64,
    /// Seconds in-flight requests get to finish on shutdown; later ones are cancelled unanswered.
    #[arg(long = "drain-timeout", value_name = "SECS", default_value_t = 10)]
    pub drain_timeout: u64,
    /// The most scenario documents loaded at once.
    #[arg(long = "max-scenarios", value_name = "N", default_value_t = 100)]
    pub max_scenarios: usize,
    /// The most bytes loaded scenario documents take together, as written.
    #[arg(long = "max-scenario-bytes", value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_scenario_bytes: usize,
    /// The most MCP sessions kept open; past it the least recently used one is closed.
    #[arg(long = "max-mcp-sessions", value_name = "N", default_value_t = 1_000)]
    pub max_mcp_sessions: usize,
    /// The most tenants each vendor keeps (0: no limit); past it the least recently used tenant
    /// is forgotten with its records.
    #[arg(long = "max-tenants", value_name = "N", default_value_t = 2_000)]
    pub max_tenants: usize,
    /// The most bytes of records each vendor keeps across all its tenants, as counted for
    /// --tenant-record-bytes (0: no limit); past it the least recently used tenants are forgotten
    /// with their records, before the next call that may write.
    #[arg(long = "max-record-bytes", value_name = "BYTES", default_value_t = 128 * 1024 * 1024)]
    pub max_record_bytes: usize,
    /// Threads that serve connections, each running its own single-threaded runtime; a
    /// connection stays on one from accept to close (0: one per CPU).
    #[arg(long = "serving-threads", value_name = "N", default_value_t = 0)]
    pub serving_threads: usize,
    /// Tenants forgotten under --max-tenants whose id counters each vendor remembers (so one that
    /// returns never gets an id again); past it an arbitrary one is dropped and that tenant, if it
    /// returns, starts its ids over.
    #[arg(
        long = "max-retired-tenants",
        value_name = "N",
        default_value_t = 100_000
    )]
    pub max_retired_tenants: usize,
    /// Rate-limit windows each vendor keeps (0 counts as 1); past it ended windows go first, then
    /// any, and a tenant whose window went counts from zero again.
    #[arg(long = "max-rate-windows", value_name = "N", default_value_t = 10_000)]
    pub max_rate_windows: usize,
    /// Tenants one scenario rule counts separately (`nth`, `probability`); past it further
    /// tenants share one count.
    #[arg(
        long = "max-counted-tenants",
        value_name = "N",
        default_value_t = 100_000
    )]
    pub max_counted_tenants: usize,
    /// Credentials resolved once and reused; past it new credentials are still served, resolved
    /// on every call.
    #[arg(
        long = "max-interned-credentials",
        value_name = "N",
        default_value_t = 100_000
    )]
    pub max_interned_credentials: usize,
    /// Forward calls of VENDOR that the simulator does not serve to the real vendor at URL, with
    /// the caller's credentials; repeatable.
    #[arg(long = "proxy", value_name = "VENDOR=URL", value_parser = parse_proxy)]
    pub proxy: Vec<(String, String)>,
    /// Forward every call of a proxied vendor, built-in operations and stubs too.
    #[arg(long = "proxy-all", requires = "proxy")]
    pub proxy_all: bool,
    /// Seconds a forwarded call may take at the upstream, connecting included; past it the
    /// caller gets the vendor's `unavailable` error.
    #[arg(long = "proxy-timeout", value_name = "SECS", default_value_t = 30.0)]
    pub proxy_timeout: f64,
    /// Write each forwarded exchange as a stub file in DIR (credentials masked), for `--stubs DIR`.
    #[arg(long = "record", value_name = "DIR", requires = "proxy")]
    pub record: Option<PathBuf>,
}

fn parse_proxy(text: &str) -> Result<(String, String), String> {
    let (vendor, url) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not VENDOR=URL"))?;
    if !["devrev", "merge", "salesforce", "seismic", "siro"].contains(&vendor) {
        return Err(format!("'{vendor}' is not a simulated vendor"));
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("'{url}' is not an http:// or https:// URL"));
    }
    Ok((vendor.to_owned(), url.to_owned()))
}

fn parse_vendor_listen(text: &str) -> Result<(String, SocketAddr), String> {
    let (vendor, addr) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not VENDOR=ADDR"))?;
    let addr = addr
        .parse()
        .map_err(|e| format!("'{addr}' is not an address: {e}"))?;
    Ok((vendor.to_owned(), addr))
}

impl ServeArgs {
    pub fn into_config(self) -> Config {
        Config {
            listen: self.listen,
            vendor_listen: self.vendor_listen,
            scenarios: self.scenarios,
            stubs: self.stubs,
            watch: self.watch,
            seed: self.seed,
            clock: self.clock,
            state_file: self.state_file,
            state_interval: std::time::Duration::from_secs_f64(
                if self.state_interval.is_finite() {
                    self.state_interval.max(0.05)
                } else {
                    5.0
                },
            ),
            body_limit: self.body_limit,
            journal_capacity: self.journal_capacity,
            journal_max_bytes: self.journal_max_bytes,
            log_queue_bytes: self.log_queue_bytes,
            journal_stream_backlog: self.journal_stream_backlog,
            tenant_record_limit: self.tenant_record_limit,
            tenant_record_bytes: self.tenant_record_bytes,
            admin_token: self.admin_token.filter(|t| !t.is_empty()),
            log_format: match self.log_format {
                LogFormatArg::Pretty => LogFormat::Pretty,
                LogFormatArg::Json => LogFormat::Json,
            },
            tls: match (self.tls_cert, self.tls_key) {
                (Some(cert), Some(key)) => Some(crate::tls::Source::Files { cert, key }),
                _ if self.tls || self.tls_ca_out.is_some() => Some(crate::tls::Source::Generated {
                    ca_out: self
                        .tls_ca_out
                        .unwrap_or_else(|| std::env::temp_dir().join("engagement-sim-ca.pem")),
                }),
                _ => None,
            },
            cors_origins: self.cors_origins,
            connections: crate::config::ConnectionLimits {
                max: self.max_connections,
                body_timeout: std::time::Duration::from_secs(self.body_timeout),
                body_min_rate: self.body_min_rate,
                drain_timeout: std::time::Duration::from_secs(self.drain_timeout),
            },
            max_scenarios: self.max_scenarios,
            max_scenario_bytes: self.max_scenario_bytes,
            max_mcp_sessions: self.max_mcp_sessions,
            max_tenants: self.max_tenants,
            max_record_bytes: self.max_record_bytes,
            serving_threads: match self.serving_threads {
                0 => crate::config::Config::default().serving_threads,
                n => n,
            },
            bookkeeping: crate::config::Bookkeeping {
                retired_tenants: self.max_retired_tenants,
                rate_windows: self.max_rate_windows,
                counted_tenants: self.max_counted_tenants,
                interned_credentials: self.max_interned_credentials,
            },
            proxy: crate::proxy::Settings {
                upstreams: self.proxy,
                all: self.proxy_all,
                timeout: std::time::Duration::from_secs_f64(
                    if self.proxy_timeout.is_finite() && self.proxy_timeout > 0.0 {
                        self.proxy_timeout.min(3600.0)
                    } else {
                        30.0
                    },
                ),
                record: self.record,
            },
        }
    }
}
