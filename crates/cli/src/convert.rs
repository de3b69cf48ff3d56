//! `reallot convert`: one file of any supported format and encoding out as UTF-8 CSV, or as a
//! JSON array of objects keyed by header with the values as the strings read.

use crate::error::CliError;
use crate::load::read_path;
use reallot_core::import::{ParsedFile, ReadOptions};
use reallot_core::write::csv_line;
use std::io::Write;
use std::path::Path;

/// The output format of `convert`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum ConvertTo {
    Csv,
    Json,
}

/// Writes the header and the data rows, each padded or cut to the header's width.
fn to_csv(p: &ParsedFile) -> Vec<u8> {
    let mut out = Vec::new();
    csv_line(&p.headers, &mut out);
    let width = p.headers.len();
    let mut cells: Vec<&str> = Vec::with_capacity(width);
    for i in 0..p.rows() {
        let row = p.row(i);
        cells.clear();
        cells.extend((0..width).map(|j| row.get(j)));
        csv_line(&cells, &mut out);
    }
    out
}

fn to_json(p: &ParsedFile) -> Result<Vec<u8>, CliError> {
    let json_err = |e: serde_json::Error| CliError::Input(format!("{}: {e}", p.name));
    let keys: Vec<String> = p
        .headers
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<_, _>>()
        .map_err(json_err)?;
    let mut out = Vec::from("[");
    for i in 0..p.rows() {
        let row = p.row(i);
        out.extend_from_slice(if i == 0 { b"\n  {" } else { b",\n  {" });
        for (j, key) in keys.iter().enumerate() {
            if j > 0 {
                out.extend_from_slice(b", ");
            }
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b": ");
            serde_json::to_writer(&mut out, row.get(j)).map_err(json_err)?;
        }
        out.push(b'}');
    }
    out.extend_from_slice(if p.rows() == 0 { b"]\n" } else { b"\n]\n" });
    Ok(out)
}

pub fn run(
    file: &Path,
    to: ConvertTo,
    sheet: Option<String>,
    out: Option<&Path>,
) -> Result<(), CliError> {
    let opts = ReadOptions {
        sheet,
        ..ReadOptions::default()
    };
    let parsed = read_path(file, &opts)?;
    for f in &parsed.findings {
        eprintln!("reallot: {}: {} ({})", parsed.name, f.message, f.count);
    }
    let bytes = match to {
        ConvertTo::Csv => to_csv(&parsed),
        ConvertTo::Json => to_json(&parsed)?,
    };
    match out {
        Some(path) => std::fs::write(path, bytes).map_err(CliError::io(path, "write")),
        None => std::io::stdout()
            .write_all(&bytes)
            .map_err(CliError::io(Path::new("<stdout>"), "write")),
    }
}
