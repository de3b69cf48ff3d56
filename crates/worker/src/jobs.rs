//! The worker's jobs as plain functions: reading one file for the Data page, and building,
//! checking and encoding one dataset from every file — or refusing the whole import with a
//! located message, so nothing half-imported is ever stored.

use crate::protocol::{FileInfo, ImportFile, ImportSummary, JobError, Progress, Stage};
use reallot_core::import::{ReadOptions, clip, load_into, read_file};
use reallot_core::model::Timestamp;
use reallot_core::quality::check;
use reallot_core::{Dataset, codec};

/// Rows of a file shown in the preview.
pub const PREVIEW_ROWS: usize = 5;

/// Reads one file and describes it for the page. Headers and preview cells are cut to what a
/// page can show (a 50 MB cell stays in the file, not in the DOM).
pub fn read(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<FileInfo, JobError> {
    let p = read_file(name, bytes, opts)?;
    let unknown_table = p.require_mapping().err();
    Ok(FileInfo {
        format: p.format,
        encoding: p.encoding,
        delimiter: p.delimiter,
        header_row: p.header_row,
        rows: p.rows(),
        preview: p
            .preview(PREVIEW_ROWS)
            .into_iter()
            .map(|row| row.iter().map(|c| clip(c)).collect())
            .collect(),
        unknown_table,
        headers: p.headers.iter().map(|h| clip(h)).collect(),
        shape: p.shape,
        mapping: p.mapping,
        findings: p.findings,
    })
}

/// A finished import: the encoded dataset and what happened to each file.
#[derive(Clone, Debug)]
pub struct ImportOutcome {
    pub summary: ImportSummary,
    pub bytes: Vec<u8>,
}

/// Builds one dataset from every file (`bytes[i]` is file `i`) with the mappings given, checks
/// it as of `as_of` and encodes it, reporting each step to `progress`.
pub fn import(
    files: &[ImportFile],
    bytes: &[Vec<u8>],
    as_of: Timestamp,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportOutcome, JobError> {
    if files.is_empty() {
        return Err(JobError::NoFiles);
    }
    if files.len() != bytes.len() {
        return Err(JobError::FileCount {
            described: files.len(),
            sent: bytes.len(),
        });
    }
    // Parse and load each file, then check, then encode.
    let total = 2 * files.len() as u32 + 2;
    let mut done = 0;
    let mut step = |stage: Stage, file: Option<&str>, done: &mut u32| {
        progress(Progress {
            stage,
            file: file.map(str::to_owned),
            done: *done,
            total,
        });
        *done += 1;
    };
    let mut ds = Dataset::new();
    let mut reports = Vec::with_capacity(files.len());
    for (f, b) in files.iter().zip(bytes) {
        step(Stage::Parse, Some(&f.name), &mut done);
        let parsed = read_file(&f.name, b, &f.opts)?;
        let mapping = match &f.mapping {
            Some(m) => m,
            None => parsed.require_mapping()?,
        };
        if mapping.columns.len() != parsed.headers.len() {
            return Err(JobError::MappingWidth {
                file: f.name.clone(),
                mapping: mapping.columns.len(),
                columns: parsed.headers.len(),
            });
        }
        if let Some(field) = mapping.missing_required().first() {
            return Err(JobError::MissingField {
                file: f.name.clone(),
                table: mapping.table,
                field: (*field).to_owned(),
            });
        }
        step(Stage::Load, Some(&f.name), &mut done);
        reports.push(load_into(&mut ds, &parsed, mapping));
    }
    step(Stage::Check, None, &mut done);
    let quality = check(&ds, as_of).findings;
    step(Stage::Encode, None, &mut done);
    let bytes = codec::encode(&ds);
    Ok(ImportOutcome {
        summary: ImportSummary { reports, quality },
        bytes,
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    const AS_OF: Timestamp = Timestamp(1_800_000_000);

    fn file(name: &str, text: &str) -> (ImportFile, Vec<u8>) {
        let info = read(name, text.as_bytes(), &ReadOptions::default()).expect("reads");
        (
            ImportFile {
                name: name.to_owned(),
                opts: ReadOptions::default(),
                mapping: info.mapping,
            },
            text.as_bytes().to_vec(),
        )
    }

    fn run(files: Vec<(ImportFile, Vec<u8>)>) -> (Result<ImportOutcome, String>, Vec<Progress>) {
        let (specs, bytes): (Vec<_>, Vec<_>) = files.into_iter().unzip();
        let mut seen = Vec::new();
        let out = import(&specs, &bytes, AS_OF, &mut |p| seen.push(p)).map_err(|e| e.to_string());
        (out, seen)
    }

    #[test]
    fn a_file_of_no_known_table_says_so_and_huge_cells_are_cut() {
        let mut text = "colour,weight\nred,".to_owned();
        text.push_str(&"7".repeat(1000));
        let info = read("n.csv", text.as_bytes(), &ReadOptions::default()).expect("reads");
        assert_eq!(info.mapping, None);
        assert_eq!(
            info.unknown_table.map(|e| e.to_string()).as_deref(),
            Some(
                "n.csv: cannot tell which table this is (columns: colour, weight); name the table explicitly"
            )
        );
        assert_eq!(
            info.preview[0][1],
            format!("{}… (1000 bytes)", "7".repeat(200))
        );
        let known = read(
            "o.csv",
            b"order_id,customer_id,order_date,amount\n",
            &ReadOptions::default(),
        );
        assert_eq!(known.expect("reads").unknown_table, None);
    }

    #[test]
    fn reads_a_file_for_the_page() {
        let info = read(
            "orders.csv",
            b"order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,10\n",
            &ReadOptions::default(),
        )
        .expect("reads");
        assert_eq!(info.rows, 1);
        assert_eq!(info.delimiter, Some(','));
        assert_eq!(info.preview, vec![vec!["O1", "C1", "2024-01-02", "10"]]);
        assert_eq!(info.mapping.map(|m| m.table.as_str()), Some("orders"));
        let err = read("empty.csv", b"", &ReadOptions::default()).expect_err("empty");
        assert_eq!(err.to_string(), "empty.csv: the file is empty");
    }

    #[test]
    fn imports_a_mapped_file_reports_located_problems_and_progress() {
        let (out, seen) = run(vec![file(
            "orders.csv",
            "order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,10\nO2,C2,not a date,5\n",
        )]);
        let out = out.expect("imports");
        let ds = codec::decode(&out.bytes).expect("decodes");
        assert_eq!(ds.orders.len(), 1);
        let r = &out.summary.reports[0];
        assert_eq!((r.rows_read, r.rows_kept, r.rows_dropped), (2, 1, 1));
        let bad = r
            .findings
            .iter()
            .flat_map(|f| &f.examples)
            .find(|e| e.value == "not a date")
            .expect("the bad date is listed");
        assert_eq!(bad.row, 3);
        let stages: Vec<(Stage, u32, u32)> =
            seen.iter().map(|p| (p.stage, p.done, p.total)).collect();
        assert_eq!(
            stages,
            vec![
                (Stage::Parse, 0, 4),
                (Stage::Load, 1, 4),
                (Stage::Check, 2, 4),
                (Stage::Encode, 3, 4)
            ]
        );
    }

    #[test]
    fn a_fixed_mapping_is_used() {
        let (mut f, b) = file(
            "orders.csv",
            "order_id,customer_id,order_date,amount,x\nO1,C1,2024-01-02,10,C9\n",
        );
        assert!(
            f.mapping
                .as_mut()
                .expect("mapped")
                .set(4, Some("customer_id"))
        );
        let out = run(vec![(f, b)]).0.expect("imports");
        let ds = codec::decode(&out.bytes).expect("decodes");
        assert_eq!(ds.name(ds.orders[0].customer.0), "C9");
    }

    #[test]
    fn refuses_everything_when_one_file_fails() {
        let good = file(
            "orders.csv",
            "order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,10\n",
        );
        let empty = (
            ImportFile {
                name: "empty.csv".to_owned(),
                opts: ReadOptions::default(),
                mapping: None,
            },
            Vec::new(),
        );
        let err = run(vec![good.clone(), empty]).0.expect_err("refused");
        assert_eq!(err, "empty.csv: the file is empty");
        let (mut unmapped, b) = good;
        assert!(unmapped.mapping.as_mut().expect("mapped").set(1, None));
        let err = run(vec![(unmapped, b)]).0.expect_err("refused");
        assert_eq!(
            err,
            "orders.csv: no column is mapped to the required orders field customer_id"
        );
        assert_eq!(run(Vec::new()).0.expect_err("refused"), "no files chosen");
    }
}
