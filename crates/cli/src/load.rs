//! Loading input files into a `Dataset`: folders expand to their files; each file's table is
//! named by its file name (`leads.csv` …) and must carry canonical headers.

use crate::error::CliError;
use reallot_core::Dataset;
use reallot_core::model::TableKind;
use std::path::{Path, PathBuf};

/// Expands folders (one level) into their files, sorted, and keeps plain files as given.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(CliError::io(p, "read folder"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file())
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn table_of(path: &Path) -> Option<TableKind> {
    TableKind::parse(path.file_stem()?.to_str()?)
}

/// Loads canonical CSV files (and folders of them) into one dataset.
pub fn load_paths(paths: &[PathBuf]) -> Result<Dataset, CliError> {
    let mut ds = Dataset::new();
    for path in expand(paths)? {
        let Some(kind) = table_of(&path) else {
            continue;
        };
        let bytes = std::fs::read(&path).map_err(CliError::io(&path, "read"))?;
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(bytes.as_slice());
        let headers = rdr
            .headers()
            .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?
            .clone();
        let cols: Vec<Option<usize>> = kind
            .fields()
            .iter()
            .map(|f| {
                headers
                    .iter()
                    .position(|h| h.trim_start_matches('\u{feff}') == f.name)
            })
            .collect();
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec
                .map_err(|e| CliError::Input(format!("{}: row {}: {e}", path.display(), i + 2)))?;
            let values: Vec<&str> = cols
                .iter()
                .map(|c| c.and_then(|c| rec.get(c)).unwrap_or(""))
                .collect();
            ds.push_record(kind, &values);
        }
    }
    Ok(ds)
}
