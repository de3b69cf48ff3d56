//! The Data page's import, as plain functions: read dropped files through the core's import
//! pipeline, apply the user's overrides, and build one dataset from all files — or refuse the
//! whole import with a located message, so nothing half-imported is ever stored.

use reallot_core::Dataset;
use reallot_core::import::{ImportError, ParsedFile, ReadOptions, TableReport, load_into};
use reallot_core::model::{TableKind, Timestamp};
use reallot_core::quality::{QualityReport, check};
use std::sync::Arc;

/// One picked file: its bytes, the user's overrides, and what reading it gave.
#[derive(Clone, Debug)]
pub struct FileEntry {
    pub name: String,
    pub bytes: Arc<Vec<u8>>,
    pub opts: ReadOptions,
    pub parsed: Result<ParsedFile, ImportError>,
}

impl FileEntry {
    pub fn read(name: String, bytes: Arc<Vec<u8>>, opts: ReadOptions) -> Self {
        let parsed = reallot_core::import::read_file(&name, &bytes, &opts);
        Self {
            name,
            bytes,
            opts,
            parsed,
        }
    }

    /// Re-reads with changed overrides; a user's column choices survive when the table and
    /// headers are unchanged.
    pub fn reread(&self, opts: ReadOptions) -> Self {
        let mut next = Self::read(self.name.clone(), self.bytes.clone(), opts);
        if let (Ok(old), Ok(new)) = (&self.parsed, &mut next.parsed)
            && old.headers == new.headers
            && old.mapping.as_ref().map(|m| m.table) == new.mapping.as_ref().map(|m| m.table)
        {
            new.mapping.clone_from(&old.mapping);
        }
        next
    }

    /// Maps column `col` to `field` (None = not imported). False if nothing changed.
    pub fn set_field(&mut self, col: usize, field: Option<&str>) -> bool {
        match &mut self.parsed {
            Ok(p) => p.mapping.as_mut().is_some_and(|m| m.set(col, field)),
            Err(_) => false,
        }
    }
}

/// A finished import: the dataset and what happened to each file.
#[derive(Clone, Debug)]
pub struct ImportOutcome {
    pub dataset: Dataset,
    pub reports: Vec<TableReport>,
    pub quality: QualityReport,
}

/// Builds one dataset from every file, or refuses with the first located problem.
pub fn build_dataset(files: &[FileEntry], as_of: Timestamp) -> Result<ImportOutcome, String> {
    if files.is_empty() {
        return Err("no files chosen".to_owned());
    }
    let mut ds = Dataset::new();
    let mut reports = Vec::with_capacity(files.len());
    for f in files {
        let parsed = f.parsed.as_ref().map_err(ToString::to_string)?;
        let mapping = parsed.require_mapping().map_err(|e| e.to_string())?;
        if let Some(field) = mapping.missing_required().first() {
            return Err(format!(
                "{}: no column is mapped to the required {} field {field}",
                f.name, mapping.table
            ));
        }
        reports.push(load_into(&mut ds, parsed, mapping));
    }
    let quality = check(&ds, as_of);
    Ok(ImportOutcome {
        dataset: ds,
        reports,
        quality,
    })
}

/// A default dataset name from the files: the first file's stem, plus how many others.
pub fn default_name(files: &[FileEntry]) -> String {
    let Some(first) = files.first() else {
        return String::new();
    };
    let stem = first
        .name
        .rsplit_once('.')
        .map_or(first.name.as_str(), |(s, _)| s);
    match files.len() {
        1 => stem.to_owned(),
        n => format!("{stem} +{}", n - 1),
    }
}

/// Every table kind, for the table-kind override.
pub fn table_choices() -> &'static [TableKind] {
    &TableKind::ALL
}

/// The canonical fields a column may be mapped to for a table.
pub fn field_choices(kind: TableKind) -> Vec<&'static str> {
    kind.fields().iter().map(|f| f.name).collect()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn entry(name: &str, text: &str) -> FileEntry {
        FileEntry::read(
            name.to_owned(),
            Arc::new(text.as_bytes().to_vec()),
            ReadOptions::default(),
        )
    }

    const AS_OF: Timestamp = Timestamp(1_800_000_000);

    #[test]
    fn imports_a_mapped_file_and_reports_located_problems() {
        let f = entry(
            "orders.csv",
            "order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,10\nO2,C2,not a date,5\n",
        );
        let out = build_dataset(&[f], AS_OF).expect("imports");
        assert_eq!(out.dataset.orders.len(), 1);
        let r = &out.reports[0];
        assert_eq!((r.rows_read, r.rows_kept, r.rows_dropped), (2, 1, 1));
        let bad = r
            .findings
            .iter()
            .flat_map(|f| &f.examples)
            .find(|e| e.value == "not a date")
            .expect("the bad date is listed");
        assert_eq!(bad.row, 3);
    }

    #[test]
    fn a_fixed_mapping_is_used_and_survives_a_reread() {
        let mut f = entry(
            "orders.csv",
            "order_id,customer_id,order_date,amount,x\nO1,C1,2024-01-02,10,C9\n",
        );
        assert!(f.set_field(4, Some("customer_id")));
        let f = f.reread(f.opts.clone());
        let out = build_dataset(&[f], AS_OF).expect("imports");
        assert_eq!(out.dataset.name(out.dataset.orders[0].customer.0), "C9");
    }

    #[test]
    fn refuses_everything_when_one_file_fails() {
        let good = entry(
            "orders.csv",
            "order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,10\n",
        );
        let empty = entry("empty.csv", "");
        let err = build_dataset(&[good.clone(), empty], AS_OF).expect_err("refused");
        assert!(err.starts_with("empty.csv"), "{err}");
        let mut unmapped = good;
        assert!(unmapped.set_field(1, None));
        let err = build_dataset(&[unmapped], AS_OF).expect_err("refused");
        assert_eq!(
            err,
            "orders.csv: no column is mapped to the required orders field customer_id"
        );
    }

    #[test]
    fn names_the_dataset_after_its_files() {
        let a = entry("客户.csv", "customer_id\nC1\n");
        assert_eq!(default_name(std::slice::from_ref(&a)), "客户");
        assert_eq!(default_name(&[a.clone(), a]), "客户 +1");
        assert_eq!(default_name(&[]), "");
    }
}
