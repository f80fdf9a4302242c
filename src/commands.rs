//! What each CLI command does: `serve` (with graceful shutdown on SIGINT/SIGTERM), `operations`
//! and `scenario check`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::app::{AppState, Simulator};
use crate::config::Config;

pub fn serve(config: Config) -> ExitCode {
    let _log_guard = crate::telemetry::init(config.log_format);
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
        let simulator = match Simulator::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        let base = simulator.base_url();
        tracing::info!(
            "engagement-sim {} listening on {base}",
            env!("CARGO_PKG_VERSION")
        );
        for vendor in &simulator.state().vendors {
            tracing::info!("  {:<11} {base}/{}", vendor.name(), vendor.name());
        }
        for (vendor, addr) in simulator.vendor_addrs() {
            tracing::info!("  {vendor:<11} http://{addr} (own port)");
        }
        tracing::info!("  {:<11} {base}/__admin", "admin");
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        simulator.stop().await;
        ExitCode::SUCCESS
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
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
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&catalogue).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    println!("{:<11} {:<42} {:<7} PATH", "VENDOR", "OPERATION", "METHOD");
    for op in catalogue["operations"].as_array().into_iter().flatten() {
        println!(
            "{:<11} {:<42} {:<7} {}",
            op["vendor"].as_str().unwrap_or(""),
            op["id"].as_str().unwrap_or(""),
            op["method"].as_str().unwrap_or(""),
            op["path"].as_str().unwrap_or("")
        );
    }
    println!();
    println!(
        "{:<11} {:<42} {:<7} FIELDS (GENERIC KINDS)",
        "VENDOR", "ERROR KIND", "STATUS"
    );
    for k in catalogue["error_kinds"].as_array().into_iter().flatten() {
        let fields: Vec<&str> = k["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            .collect();
        let generic: Vec<&str> = k["generic"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            .collect();
        let generic = if generic.is_empty() {
            String::new()
        } else {
            format!(" ({})", generic.join(", "))
        };
        println!(
            "{:<11} {:<42} {:<7} {}{}",
            k["vendor"].as_str().unwrap_or(""),
            k["kind"].as_str().unwrap_or(""),
            k["status"],
            fields.join(", "),
            generic
        );
    }
    let admin = catalogue["admin"].as_array().cloned().unwrap_or_default();
    if !admin.is_empty() {
        println!();
        println!(
            "{:<11} {:<42} {:<7} SUMMARY",
            "VENDOR", "ADMIN PATH", "METHOD"
        );
        for a in admin {
            println!(
                "{:<11} {:<42} {:<7} {}",
                a["vendor"].as_str().unwrap_or(""),
                a["path"].as_str().unwrap_or(""),
                a["method"].as_str().unwrap_or(""),
                a["summary"].as_str().unwrap_or("")
            );
        }
    }
    ExitCode::SUCCESS
}

pub fn check_scenarios(files: &[PathBuf]) -> ExitCode {
    let vendors = crate::vendors::registry(Config::default().vendor_settings(0));
    let mut failed = false;
    for file in files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: cannot read: {e}", file.display());
                failed = true;
                continue;
            }
        };
        match crate::scenario::parse::parse(&file.display().to_string(), &text, &vendors) {
            Ok(doc) => println!(
                "{}: ok ({} rules, {} rate limits)",
                file.display(),
                doc.rules.len(),
                doc.rate_limits.len()
            ),
            Err(problems) => {
                failed = true;
                eprint!("{}", problems.render());
                eprintln!("{}: {} problem(s)", file.display(), problems.errors.len());
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
