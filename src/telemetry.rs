//! Logging: one line per request (vendor, operation, tenant, status, duration, rule), pretty or
//! JSON; `RUST_LOG` narrows or widens it. Lines are written by a background thread through a
//! buffer that is flushed whenever the queue runs dry, so the request path never waits on stderr.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Starts logging; keep the guard until exit so the last lines are written.
pub fn init(format: LogFormat) -> WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, guard) =
        tracing_appender::non_blocking(std::io::BufWriter::new(std::io::stderr()));
    // Colours only for a person at a terminal: escape codes cost time and clutter files.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Pretty => builder.compact().try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    guard
}
