//! `reallot inspect`: per file, what import detected (encoding, delimiter, header row, rows,
//! table, column mapping) and every data-quality finding; then the cross-table check.

use crate::error::CliError;
use crate::load::{expand, read_path};
use reallot_core::Dataset;
use reallot_core::import::{self, FileSummary, Finding, ReadOptions, TableReport};
use reallot_core::model::Timestamp;
use reallot_core::quality::{self, QualityReport};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Serialize)]
struct FileInspection {
    #[serde(flatten)]
    summary: FileSummary,
    rows_kept: Option<usize>,
    rows_dropped: Option<usize>,
    rows_altered: Option<usize>,
    findings: Vec<Finding>,
}

#[derive(Serialize)]
struct Inspection {
    files: Vec<FileInspection>,
    quality: QualityReport,
}

/// Today at midnight from the system clock: the CLI is where the clock may be read.
pub fn today() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Timestamp(secs).date()
}

fn print_text(ins: &Inspection) {
    for f in &ins.files {
        let s = &f.summary;
        println!("{}", s.file);
        println!(
            "  format {:?}, encoding {}, delimiter {}, header row {}, {} rows",
            s.format,
            s.encoding.unwrap_or("-"),
            s.delimiter
                .as_deref()
                .map_or("-".into(), |d| format!("{d:?}")),
            s.header_row,
            s.rows
        );
        match s.table {
            Some(t) => println!(
                "  table {t}: {} kept, {} dropped, {} altered",
                f.rows_kept.unwrap_or(0),
                f.rows_dropped.unwrap_or(0),
                f.rows_altered.unwrap_or(0)
            ),
            None => println!("  table unknown"),
        }
        for c in &s.mapping {
            match &c.field {
                Some(field) => println!("    {} -> {field} ({:.2})", c.source, c.confidence),
                None => println!("    {} -> (unmapped)", c.source),
            }
        }
        print_findings(&f.findings);
    }
    println!("quality as of {}", ins.quality.as_of);
    print_findings(&ins.quality.findings);
}

fn print_findings(findings: &[Finding]) {
    for f in findings {
        let col = f
            .column
            .as_deref()
            .map_or(String::new(), |c| format!(" [{c}]"));
        println!("  ! {}{col}: {} × {}", serde_kind(f), f.count, f.message);
        for e in f.examples.iter().take(3) {
            let detail = e
                .detail
                .as_deref()
                .map_or(String::new(), |d| format!(" ({d})"));
            println!("      row {}: {:?}{detail}", e.row, e.value);
        }
    }
}

fn serde_kind(f: &Finding) -> String {
    serde_json::to_value(f.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub fn run(paths: &[PathBuf], json: bool, as_of: Option<&str>) -> Result<(), CliError> {
    let as_of = match as_of {
        Some(s) => Timestamp::parse(s)
            .ok_or_else(|| CliError::Usage(format!("--as-of: {s:?} is not a date")))?,
        None => today(),
    };
    let mut ds = Dataset::new();
    let mut files = Vec::new();
    for path in expand(paths)? {
        let parsed = read_path(&path, &ReadOptions::default())?;
        // Inspecting such a file succeeds, but `report` would refuse it: say why.
        if let Err(e) = parsed.require_mapping() {
            eprintln!("reallot: warning: {e}");
        }
        let report: Option<TableReport> = parsed
            .mapping
            .as_ref()
            .map(|m| import::load_into(&mut ds, &parsed, m));
        files.push(FileInspection {
            summary: parsed.summary(),
            rows_kept: report.as_ref().map(|r| r.rows_kept),
            rows_dropped: report.as_ref().map(|r| r.rows_dropped),
            rows_altered: report.as_ref().map(|r| r.rows_altered),
            findings: report.map_or_else(|| parsed.findings.clone(), |r| r.findings),
        });
    }
    let ins = Inspection {
        files,
        quality: quality::check(&ds, as_of),
    };
    if json {
        let s = serde_json::to_string_pretty(&ins).map_err(|e| CliError::Input(e.to_string()))?;
        println!("{s}");
    } else {
        print_text(&ins);
    }
    Ok(())
}
