//! `reallot`: the command-line face of `reallot-core`. Reads files, calls the core, prints
//! tables or JSON. Every failure is a message on stderr naming what went wrong, and exit 1.

mod convert;
mod demo;
mod error;
mod inspect;
mod load;

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
