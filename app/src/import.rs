//! The Data page's picked files, as plain data and functions: each file's bytes, the user's
//! overrides, and what the worker read of it; turning them into an import job, or refusing
//! the whole import with a located message, so nothing half-imported is ever stored.

use crate::mappings::{Remembered, keep, recall};
use crate::messages::Problem;
use reallot_charts::model::Table;
use reallot_core::import::{Finding, ReadOptions};
use reallot_core::model::TableKind;
use reallot_worker::protocol::{FileInfo, ImportFile, JobError};
use std::sync::Arc;

/// One picked file: its bytes, the user's overrides, and what reading it gave (`None` while the
/// worker reads it).
#[derive(Clone, Debug)]
pub struct FileEntry {
    /// Unique on the page, so a late read result finds its file.
    pub key: u32,
    pub name: String,
    pub bytes: Arc<Vec<u8>>,
    pub opts: ReadOptions,
    pub info: Option<Result<FileInfo, Problem>>,
    /// The user changed the mapping.
    pub edited: bool,
    /// The mapping was recalled for the file's shape.
    pub remembered: bool,
}

impl FileEntry {
    /// Takes a read result; a user's column choices survive a re-read when the table and
    /// headers are unchanged, and a file's first read takes the mapping remembered for its
    /// shape.
    pub fn set_read(&mut self, read: Result<FileInfo, Problem>, store: &Remembered) {
        let mut read = read;
        if self.info.is_none()
            && let Ok(new) = &mut read
            && let Some(m) = recall(store, new)
        {
            new.mapping = Some(m);
            new.unknown_table = None;
            self.remembered = true;
        }
        if let (Some(Ok(old)), Ok(new)) = (&self.info, &mut read)
            && old.headers == new.headers
            && old.mapping.as_ref().map(|m| m.table) == new.mapping.as_ref().map(|m| m.table)
        {
            new.mapping.clone_from(&old.mapping);
        }
        self.info = Some(read);
    }

    /// Maps column `col` to `field` (None = not imported). False if nothing changed.
    pub fn set_field(&mut self, col: usize, field: Option<&str>) -> bool {
        match &mut self.info {
            Some(Ok(info)) => {
                let changed = info.mapping.as_mut().is_some_and(|m| m.set(col, field));
                self.edited |= changed;
                changed
            }
            _ => false,
        }
    }

    /// Keeps this file's mapping for its shape if the user edited or accepted a remembered one.
    pub fn remember_into(&self, store: &mut Remembered) {
        if let (true, Some(Ok(info))) = (self.edited || self.remembered, &self.info)
            && let Some(m) = &info.mapping
        {
            keep(store, &info.shape, m);
        }
    }
}

/// The import job's files, or the first reason the files cannot be imported yet.
pub fn import_files(files: &[FileEntry]) -> Result<Vec<ImportFile>, Problem> {
    if files.is_empty() {
        return Err(Problem::Job(JobError::NoFiles));
    }
    files
        .iter()
        .map(|f| match &f.info {
            None => Err(Problem::StillReading {
                file: f.name.clone(),
            }),
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(info)) if info.mapping.is_none() => Err(match &info.unknown_table {
                Some(e) => Problem::Job(JobError::File(e.clone())),
                None => Problem::NameTheTable {
                    file: f.name.clone(),
                },
            }),
            Some(Ok(info)) => Ok(ImportFile {
                name: f.name.clone(),
                opts: f.opts.clone(),
                mapping: info.mapping.clone(),
            }),
        })
        .collect()
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

/// The findings of an import as a table to export: one row per example (a finding without
/// examples gets one row), every user value in a cell of its own.
pub fn findings_table(findings: &[Finding]) -> Table {
    let header = [
        "table", "column", "kind", "message", "count", "row", "value", "detail",
    ];
    let mut rows = Vec::new();
    for f in findings {
        let head = [
            f.table.map(|t| t.as_str().to_owned()).unwrap_or_default(),
            f.column.clone().unwrap_or_default(),
            format!("{:?}", f.kind),
            f.message.clone(),
            f.count.to_string(),
        ];
        let examples: Vec<[String; 3]> = match f.examples.as_slice() {
            [] => vec![Default::default()],
            all => all
                .iter()
                .map(|e| {
                    [
                        e.row.to_string(),
                        e.value.clone(),
                        e.detail.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        };
        for ex in examples {
            rows.push(head.iter().cloned().chain(ex).collect());
        }
    }
    Table {
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows,
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
    use crate::i18n::Lang;
    use crate::messages::problem_text;

    fn read(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<FileInfo, Problem> {
        reallot_worker::jobs::read(name, bytes, opts).map_err(Problem::Job)
    }

    fn entry(name: &str, text: &str) -> FileEntry {
        let opts = ReadOptions::default();
        FileEntry {
            key: 1,
            name: name.to_owned(),
            info: Some(read(name, text.as_bytes(), &opts)),
            bytes: Arc::new(text.as_bytes().to_vec()),
            opts,
            edited: false,
            remembered: false,
        }
    }

    #[test]
    fn a_fixed_mapping_survives_a_reread_and_goes_into_the_job() {
        let mut f = entry(
            "orders.csv",
            "order_id,customer_id,order_date,amount,x\nO1,C1,2024-01-02,10,C9\n",
        );
        assert!(f.set_field(4, Some("customer_id")));
        let again = read("orders.csv", &f.bytes, &f.opts);
        f.set_read(again, &Remembered::new());
        let job = import_files(std::slice::from_ref(&f)).expect("ready");
        let m = job[0].mapping.as_ref().expect("mapped");
        assert_eq!(m.columns[4].field.as_deref(), Some("customer_id"));
        assert_eq!(m.columns[1].field, None);
    }

    #[test]
    fn an_edited_mapping_is_remembered_and_applied_to_the_next_file_of_that_shape() {
        let text = "order_id,customer_id,order_date,amount,x\nO1,C1,2024-01-02,10,A\n";
        let mut store = Remembered::new();
        let untouched = entry("a.csv", text);
        untouched.remember_into(&mut store);
        assert!(store.is_empty(), "a guessed mapping is not remembered");
        let mut edited = entry("a.csv", text);
        assert!(edited.set_field(4, Some("category")));
        edited.remember_into(&mut store);
        let mut next = FileEntry {
            info: None,
            ..entry("b.csv", text)
        };
        next.set_read(read("b.csv", text.as_bytes(), &next.opts), &store);
        assert!(next.remembered && !next.edited);
        let job = import_files(&[next]).expect("ready");
        let m = job[0].mapping.as_ref().expect("mapped");
        assert_eq!(m.columns[4].field.as_deref(), Some("category"));
    }

    #[test]
    fn refuses_files_not_read_or_unreadable() {
        let good = entry("orders.csv", "order_id,customer_id,order_date,amount\n");
        let empty = entry("empty.csv", "");
        let refusal = |files: &[FileEntry], lang| {
            problem_text(lang, &import_files(files).expect_err("refused"))
        };
        assert_eq!(
            refusal(&[good.clone(), empty.clone()], Lang::En),
            "empty.csv: the file is empty"
        );
        assert_eq!(
            refusal(&[good.clone(), empty], Lang::ZhCn),
            "empty.csv：文件为空"
        );
        let unknown = entry("colours.csv", "colour,weight\nred,3\n");
        assert_eq!(
            refusal(std::slice::from_ref(&unknown), Lang::En),
            "colours.csv: cannot tell which table this is (columns: colour, weight); name the table explicitly"
        );
        assert_eq!(
            refusal(&[unknown], Lang::ZhCn),
            "colours.csv：无法判断这是哪张表（列：colour, weight）；请手动指定表"
        );
        let reading = FileEntry { info: None, ..good };
        assert_eq!(
            refusal(std::slice::from_ref(&reading), Lang::En),
            "orders.csv: still being read"
        );
        assert_eq!(refusal(&[reading], Lang::ZhCn), "orders.csv：仍在读取");
        assert_eq!(refusal(&[], Lang::En), "no files chosen");
        assert_eq!(refusal(&[], Lang::ZhCn), "未选择文件");
    }

    #[test]
    fn exported_findings_keep_every_example_and_neutralise_formulas() {
        let f = entry(
            "leads.csv",
            "lead_id,created_at\nL1,=HYPERLINK(\"http://x\")\nL2,@SUM(A1)\nL3,2024-01-02\n",
        );
        let Some(Ok(info)) = &f.info else {
            panic!("read")
        };
        let mut ds = reallot_core::Dataset::new();
        let mapping = info.mapping.clone().expect("leads");
        let p = reallot_core::import::read_file("leads.csv", &f.bytes, &f.opts).expect("read");
        let report = reallot_core::import::load_into(&mut ds, &p, &mapping);
        let table = findings_table(&report.findings);
        assert_eq!(table.header.len(), 8);
        let values: Vec<&str> = table.rows.iter().map(|r| r[6].as_str()).collect();
        assert_eq!(values, ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "L1", "L2"]);
        let csv = reallot_charts::csv::table_csv(&table);
        assert!(csv.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","), "{csv}");
        assert!(csv.contains(",'@SUM(A1),"), "{csv}");
        assert!(!csv.contains(",=") && !csv.contains(",@"), "{csv}");
    }

    #[test]
    fn names_the_dataset_after_its_files() {
        let a = entry("客户.csv", "customer_id\nC1\n");
        assert_eq!(default_name(std::slice::from_ref(&a)), "客户");
        assert_eq!(default_name(&[a.clone(), a]), "客户 +1");
        assert_eq!(default_name(&[]), "");
    }
}
