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
    /// Require `Authorization: Bearer TOKEN` on /__admin; needed off loopback.
    #[arg(
        long = "admin-token",
        env = "ENGAGEMENT_SIM_ADMIN_TOKEN",
        value_name = "TOKEN"
    )]
    pub admin_token: Option<String>,
    #[arg(long = "log-format", value_enum, default_value = "pretty")]
    pub log_format: LogFormatArg,
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
            journal_stream_backlog: self.journal_stream_backlog,
            tenant_record_limit: self.tenant_record_limit,
            admin_token: self.admin_token.filter(|t| !t.is_empty()),
            log_format: match self.log_format {
                LogFormatArg::Pretty => LogFormat::Pretty,
                LogFormatArg::Json => LogFormat::Json,
            },
        }
    }
}
