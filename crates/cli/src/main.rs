//! The `wiresift` command: argument parsing and output only. Protocol logic
//! lives in the library crates.

mod args;
mod export_cmd;
mod fields_cmd;
mod filter_cmd;
mod follow_cmd;
mod logs_cmd;
mod parallel;
mod run;
mod sink;
mod stats_cmd;
mod stream_numbers;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        Some(args::Command::Fields(a)) => fields_cmd::run(&a),
        Some(args::Command::Filter(a)) => filter_cmd::run(&a),
        Some(args::Command::Sample(a)) => run::sample(&a),
        Some(args::Command::Stats(a)) => stats_cmd::run(&a),
        Some(args::Command::Logs(a)) => logs_cmd::run(&a),
        Some(args::Command::Follow(a)) => follow_cmd::run(&a),
        Some(args::Command::Export(a)) => export_cmd::run(&a),
        None => run::read(&cli.read),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wiresift: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `wiresift … | head` closes our output early: that is success, not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
