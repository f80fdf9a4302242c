//! The `engagement-sim` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the request path allocates many small, short-lived buffers across threads, where it is
/// markedly faster than the system allocator and returns memory instead of fragmenting.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use engagement_sim::cli::{Cli, Command, ScenarioCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => engagement_sim::commands::serve(args.into_config()),
        Command::Operations { json } => engagement_sim::commands::operations(json),
        Command::Completions { shell } => engagement_sim::commands::completions(shell),
        Command::Man => engagement_sim::commands::man(),
        Command::Openapi {
            vendor,
            stubs,
            scenarios,
        } => engagement_sim::commands::openapi(&vendor, stubs, scenarios),
        Command::Drift {
            vendor,
            upstream,
            token,
            headers,
            timeout,
        } => engagement_sim::drift::command(engagement_sim::drift::Args {
            vendor,
            upstream,
            token,
            headers,
            timeout: std::time::Duration::from_secs(timeout),
        }),
        Command::Scenario {
            command: ScenarioCommand::Check { files },
        } => engagement_sim::commands::check_scenarios(&files),
    }
}
