//! What each CLI command does: `serve` (with graceful shutdown on SIGINT/SIGTERM), `operations`,
//! `scenario check`, `completions` and `man`. Every command writes through handled streams, so a
//! reader that closes the pipe early ends it quietly instead of with a panic.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::Value;

use crate::app::Simulator;
use crate::config::Config;
use crate::state::AppState;

pub fn serve(config: Config) -> ExitCode {
    let _log_guard = crate::telemetry::init(config.log_format, config.log_queue_bytes);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let stop = shutdown_signal();
        let simulator = match Simulator::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        banner(&simulator);
        stop.await;
        tracing::info!("shutting down: finishing in-flight requests");
        simulator.stop().await;
        ExitCode::SUCCESS
    })
}

/// What a new user sees at start: where everything is and what to try next.
fn banner(simulator: &Simulator) {
    let state = simulator.state();
    let config = &state.config;
    let base = simulator.base_url();
    let curl = match &config.tls {
        Some(crate::tls::Source::Generated { ca_out }) => {
            format!("curl -s --cacert {}", ca_out.display())
        }
        Some(crate::tls::Source::Files { .. }) => "curl -s".to_owned(),
        None => "curl -s".to_owned(),
    };
    tracing::info!(
        "engagement-sim {} listening on {base}",
        env!("CARGO_PKG_VERSION")
    );
    for vendor in state.vendors() {
        tracing::info!("  {:<11} {base}/{}", vendor.name(), vendor.name());
    }
    for (vendor, addr) in simulator.vendor_addrs() {
        tracing::info!("  {vendor:<11} {}://{addr} (own port)", simulator.scheme());
    }
    tracing::info!("  {:<11} {base}/__admin", "admin");
    tracing::info!("  {:<11} {base}/__admin/ui", "dashboard");
    tracing::info!("  {:<11} {base}/__admin/metrics", "metrics");
    if let Some(crate::tls::Source::Generated { ca_out }) = &config.tls {
        tracing::info!("TLS: trust the CA written to {}", ca_out.display());
    }
    let scenarios = state.scenarios.names();
    if scenarios.is_empty() {
        tracing::info!("scenarios: none loaded (--scenario FILE or ENGAGEMENT_SIM_SCENARIOS)");
    } else {
        let files: Vec<String> = config
            .scenarios
            .iter()
            .map(|f| f.display().to_string())
            .collect();
        tracing::info!(
            "scenarios: {} (from {})",
            scenarios.join(", "),
            files.join(", ")
        );
    }
    let state_file = config
        .state_file
        .as_ref()
        .map_or("none (state is lost on exit)".to_owned(), |p| {
            p.display().to_string()
        });
    tracing::info!("seed: {}; state file: {state_file}", config.seed);
    tracing::info!(
        "try: {curl} -X POST {base}/devrev/engagements.create -H 'Authorization: Bearer t1' -H 'Content-Type: application/json' -d '{{\"title\":\"QBR\",\"members\":[\"DEVU-1\"]}}'"
    );
    tracing::info!("then: {curl} '{base}/__admin/requests?limit=1'");
}

/// The stop signals, listened for from the moment this is called: a SIGTERM that arrives while the
/// simulator is still starting (it may already be answering) then stops it cleanly, with its final
/// save and its last log lines, instead of killing it.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let streams = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (int, term) = streams;
            tokio::select! {
                _ = received(int) => {}
                _ = received(term) => {}
            }
        }
        // Elsewhere Ctrl-C (and the console's close) is the only signal tokio offers portably.
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

pub fn operations(json: bool) -> ExitCode {
    let state = match AppState::new(Config::ephemeral()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let catalogue = crate::admin::catalogue(&state);
    let mut out = std::io::stdout().lock();
    let written = if json {
        serde_json::to_writer_pretty(&mut out, &catalogue)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        write_catalogue(&mut out, &catalogue)
    };
    finish(written)
}

/// The exit code of a command that wrote to standard output. A reader that stopped early
/// (`operations | head -1`) is not a failure.
fn finish(written: std::io::Result<()>) -> ExitCode {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

/// `completions SHELL`: the shell's completion script on standard output.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "engagement-sim", &mut script);
    finish(std::io::stdout().lock().write_all(&script))
}

/// `man`: the man page (roff) on standard output.
pub fn man() -> ExitCode {
    let command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(command).render(&mut page) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    finish(std::io::stdout().lock().write_all(&page))
}

/// One row of the `operations` tables.
fn row(out: &mut impl Write, cells: [&str; 4]) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<11} {:<42} {:<7} {}",
        cells[0], cells[1], cells[2], cells[3]
    )
}

/// A catalogue entry's field as text ("" when absent).
fn text<'a>(entry: &'a Value, field: &str) -> &'a str {
    entry[field].as_str().unwrap_or("")
}

/// A catalogue entry's list of strings, comma-joined.
fn joined(entry: &Value, field: &str) -> String {
    let items: Vec<&str> = entry[field]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    items.join(", ")
}

fn write_catalogue(out: &mut impl Write, catalogue: &Value) -> std::io::Result<()> {
    let list = |name: &str| catalogue[name].as_array().cloned().unwrap_or_default();
    row(out, ["VENDOR", "OPERATION", "METHOD", "PATH"])?;
    for op in list("operations") {
        let (vendor, id, method) = (text(&op, "vendor"), text(&op, "id"), text(&op, "method"));
        row(out, [vendor, id, method, text(&op, "path")])?;
    }
    writeln!(out)?;
    row(
        out,
        ["VENDOR", "ERROR KIND", "STATUS", "FIELDS (GENERIC KINDS)"],
    )?;
    for k in list("error_kinds") {
        let generic = joined(&k, "generic");
        let generic = if generic.is_empty() {
            String::new()
        } else {
            format!(" ({generic})")
        };
        let status = k["status"].to_string();
        let fields = format!("{}{generic}", joined(&k, "fields"));
        row(
            out,
            [text(&k, "vendor"), text(&k, "kind"), &status, &fields],
        )?;
    }
    let admin = list("admin");
    if !admin.is_empty() {
        writeln!(out)?;
        row(out, ["VENDOR", "ADMIN PATH", "METHOD", "SUMMARY"])?;
        for a in admin {
            let (vendor, path, method) = (text(&a, "vendor"), text(&a, "path"), text(&a, "method"));
            row(out, [vendor, path, method, text(&a, "summary")])?;
        }
    }
    Ok(())
}

/// Prints the OpenAPI document of `vendor`, with the stubs of the given directories and files.
pub fn openapi(vendor: &str, stubs: Vec<PathBuf>, scenarios: Vec<PathBuf>) -> ExitCode {
    let config = Config {
        stubs,
        scenarios,
        ..Config::ephemeral()
    };
    let state = match AppState::new(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let loaded = state
        .config
        .scenarios
        .iter()
        .try_for_each(|f| crate::scenario_files::load_file(&state, f).map(drop))
        .and_then(|()| {
            state
                .config
                .stubs
                .iter()
                .try_for_each(|d| crate::scenario_files::load_dir(&state, d).map(drop))
        });
    if let Err(e) = loaded {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let Some(index) = state.registry.index_of(vendor) else {
        eprintln!(
            "error: unknown vendor '{vendor}'; vendors: {}",
            state.registry.names().join(", ")
        );
        return ExitCode::FAILURE;
    };
    let doc = crate::openapi::document(state.registry.get(index), &state.stubs.of(index));
    let mut out = std::io::stdout().lock();
    match serde_json::to_writer_pretty(&mut out, &doc)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

pub fn check_scenarios(files: &[PathBuf]) -> ExitCode {
    let vendors = crate::vendors::registry(&Config::default().vendor_settings(0));
    let mut failed = false;
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    for file in files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(err, "{}: cannot read: {e}", file.display());
                failed = true;
                continue;
            }
        };
        // Written with errors ignored: a closed pipe must not panic, and the exit code already
        // says whether the files are fine.
        match crate::scenario::parse::parse(&file.display().to_string(), &text, &vendors) {
            Ok(doc) => {
                let _ = writeln!(
                    out,
                    "{}: ok ({} rules, {} rate limits, {} stubs)",
                    file.display(),
                    doc.rules.len(),
                    doc.rate_limits.len(),
                    doc.stubs.len()
                );
                for stub in &doc.stubs {
                    for note in crate::stub::compile::overlaps(stub, &vendors) {
                        let _ = writeln!(out, "{}: note: {note}", file.display());
                    }
                }
            }
            Err(problems) => {
                failed = true;
                let _ = write!(err, "{}", problems.render());
                let _ = writeln!(
                    err,
                    "{}: {} problem(s)",
                    file.display(),
                    problems.errors.len()
                );
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Waits for the signal, or forever if it could not be listened for.
#[cfg(unix)]
async fn received(signal: Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(mut s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}
