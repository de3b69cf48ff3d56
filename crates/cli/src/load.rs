//! Loading input files into a `Dataset`: folders expand to their files; each file is decoded,
//! sniffed and mapped by `reallot_core::import`, its table guessed from its columns (a
//! canonical file name such as `leads.csv` settles it).

use crate::error::CliError;
use reallot_core::Dataset;
use reallot_core::import::{self, ParsedFile, ReadOptions, TableReport};
use std::path::{Path, PathBuf};

/// Expands folders (one level) into their files, sorted, and keeps plain files as given.
/// Hidden files (`.DS_Store` …) in folders are skipped.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(CliError::io(p, "read folder"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file())
                .filter(|f| {
                    f.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| !n.starts_with('.'))
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Reads and parses one file.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<ParsedFile, CliError> {
    let bytes = std::fs::read(path).map_err(CliError::io(path, "read"))?;
    import::read_file(&path.display().to_string(), &bytes, opts)
        .map_err(|e| CliError::Input(e.to_string()))
}

/// Loads files (and folders of them) into one dataset, with what happened to each file.
/// A file whose table cannot be told from its name or columns is an error naming it.
pub fn load_paths_with_report(paths: &[PathBuf]) -> Result<(Dataset, Vec<TableReport>), CliError> {
    let mut ds = Dataset::new();
    let mut reports = Vec::new();
    for path in expand(paths)? {
        let parsed = read_path(&path, &ReadOptions::default())?;
        let mapping = parsed
            .require_mapping()
            .map_err(|e| CliError::Input(e.to_string()))?;
        reports.push(import::load_into(&mut ds, &parsed, mapping));
    }
    Ok((ds, reports))
}

/// Loads files (and folders of them) into one dataset.
pub fn load_paths(paths: &[PathBuf]) -> Result<Dataset, CliError> {
    load_paths_with_report(paths).map(|(ds, _)| ds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_a_folder_and_names_a_file_of_unknown_table() {
        let dir = std::env::temp_dir().join(format!("reallot-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("leads.csv"), "lead_id,created_at\nL1,2024-01-01\n").unwrap();
        std::fs::write(dir.join("线索导出.csv"), "线索编号,创建时间\nL2,2024/1/2\n").unwrap();
        std::fs::write(dir.join(".hidden"), "x").unwrap();
        let (ds, reports) = load_paths_with_report(std::slice::from_ref(&dir)).unwrap();
        assert_eq!(ds.leads.len(), 2);
        assert_eq!(reports.len(), 2);

        std::fs::write(dir.join("notes.csv"), "foo,bar\n1,2\n").unwrap();
        let err = load_paths(std::slice::from_ref(&dir))
            .unwrap_err()
            .to_string();
        assert!(err.contains("notes.csv: cannot tell which table"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
