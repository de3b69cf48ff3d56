//! `reallot`: the command-line face of `reallot-core`. Reads files, calls the core, prints
//! tables or JSON. Every failure is a message on stderr naming what went wrong, and exit 1.

mod demo;
mod error;
mod load;
mod report;

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
    /// Compute every measure over canonical CSV files or folders of them.
    Report {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// "Now" for the data (default: the day after the latest lead or order).
        #[arg(long)]
        as_of: Option<String>,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Demo { out, scale, seed } => demo::run(&out, &scale, seed),
        Command::Report { paths, as_of, json } => report::run(&paths, as_of.as_deref(), json),
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
