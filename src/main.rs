//! The `engagement-sim` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

use clap::Parser;
use engagement_sim::cli::{Cli, Command, ScenarioCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => engagement_sim::commands::serve(args.into_config()),
        Command::Operations { json } => engagement_sim::commands::operations(json),
        Command::Scenario {
            command: ScenarioCommand::Check { files },
        } => engagement_sim::commands::check_scenarios(&files),
    }
}
