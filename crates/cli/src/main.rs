//! `reallot`: the command-line face of `reallot-core`. Reads files, calls the core, prints
//! tables or JSON. Every failure is a message on stderr naming what went wrong, and exit 1.

mod bench;
mod clv;
mod convert;
mod customers;
mod demo;
mod error;
mod inspect;
mod load;
mod report;
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
    /// Decode, sniff and parse one file; write it as UTF-8 CSV or a JSON array of objects.
    Convert {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "csv")]
        to: convert::ConvertTo,
        /// Sheet of a workbook (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Show what import detects in files and every data-quality finding.
    Inspect {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Dates after this are reported as future (default: today).
        #[arg(long)]
        as_of: Option<String>,
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
    /// Fit BG/NBD and Gamma-Gamma customer-value models and predict CLV.
    Clv(clv::ClvArgs),
    /// Replay the lead history under assignment strategies and reclaim policies.
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
    /// Time import, measures, CLV fit and simulation on the demo, in memory.
    Bench {
        /// s ≈ 10k leads / 50k orders, m ≈ 100k / 1M, l ≈ 1M / 5M.
        #[arg(long, default_value = "s")]
        scale: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Monte Carlo runs per strategy in the simulation step.
        #[arg(long, default_value_t = 1)]
        runs: u32,
        #[arg(long)]
        json: bool,
    },
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Demo { out, scale, seed } => demo::run(&out, &scale, seed),
        Command::Convert {
            file,
            to,
            sheet,
            out,
        } => convert::run(&file, to, sheet, out.as_deref()),
        Command::Inspect { files, json, as_of } => inspect::run(&files, json, as_of.as_deref()),
        Command::Report { paths, as_of, json } => report::run(&paths, as_of.as_deref(), json),
        Command::Clv(args) => clv::run(&args),
        Command::Simulate {
            paths,
            scenario,
            runs,
            seed,
            json,
        } => simulate::run(&paths, &scenario, runs, seed, json),
        Command::Bench {
            scale,
            seed,
            runs,
            json,
        } => bench::run(&scale, seed, runs, json),
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
