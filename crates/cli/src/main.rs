//! `reallot`: the command-line face of `reallot-core`. Reads files, calls the core, prints
//! tables or JSON. Every failure is a message on stderr naming what went wrong, and exit 1.

mod demo;
mod error;
mod load;
mod simulate;

use clap::{Parser, Subcommand};
use error::CliError;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "reallot",
    version,
    about = "Judge and simulate how a sales organisation allocates leads and customers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a synthetic FMCG organisation as the eight canonical CSV tables.
    Demo {
        /// Folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// s ≈ 10k leads / 50k orders, m ≈ 100k / 1M, l ≈ 1M / 5M.
        #[arg(long, default_value = "s")]
        scale: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Replay the lead history under the strategies and reclaim policy of a scenario.
    Simulate {
        /// Canonical CSV files or folders of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Scenario file (TOML, or JSON when it ends in .json).
        #[arg(long)]
        scenario: PathBuf,
        /// Monte Carlo runs per strategy (overrides the scenario).
        #[arg(long)]
        runs: Option<u32>,
        /// Seed of the common random numbers (overrides the scenario).
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long)]
        json: bool,
    },
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Demo { out, scale, seed } => demo::run(&out, &scale, seed),
        Command::Simulate {
            paths,
            scenario,
            runs,
            seed,
            json,
        } => simulate::run(&paths, &scenario, runs, seed, json),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help and version to stdout with success, usage errors to stderr.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reallot: {e}");
            ExitCode::from(1)
        }
    }
}
