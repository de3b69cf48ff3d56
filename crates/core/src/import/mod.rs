//! Import: bytes of any CRM export in (CSV/TSV/`;`/`|` text in UTF-8, UTF-16 or GB18030,
//! XLSX, XLS, JSON lines), a parsed file with its sniffed format, guessed table kind and
//! column mapping out; then rows into a [`Dataset`] with every dropped or altered row reported.
//! No I/O: the caller reads the file and passes its name and bytes.

mod decode;
mod delimited;
mod grid;
mod jsonl;
mod mapping;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
mod report;
mod sheet;
mod sniff;

pub use decode::TextEncoding;
pub use grid::{Grid, Row};
pub use mapping::{
    ColumnMapping, Mapping, MatchKind, TableScore, guess_mapping, normalize_header, shape_of,
};
pub use report::{Example, Finding, FindingKind, Findings, MAX_EXAMPLES, MAX_SHOWN_CHARS, clip};

use crate::dataset::{CellProblem, Dataset};
use crate::model::TableKind;
use serde::{Deserialize, Serialize};

/// Bytes of text sniffed for delimiter, quote and header.
const SNIFF_BYTES: usize = 64 * 1024;
/// Rows sampled per column to check that values fit a field's type.
const SAMPLE_ROWS: usize = 200;

/// Why a file could not be read at all. Problems with some rows are findings, not errors.
/// Serialisable so the app can carry it from its worker and word it in the user's language.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportError {
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}: byte {byte}: {detail}")]
    Encoding {
        file: String,
        byte: usize,
        detail: String,
    },
    #[error("{file}: {detail}")]
    Sheet { file: String, detail: String },
    #[error("{file}: too large: {detail}")]
    TooLarge { file: String, detail: String },
    #[error("{file}: row {row}: {detail}")]
    Header {
        file: String,
        row: usize,
        detail: String,
    },
    #[error(
        "{file}: cannot tell which table this is (columns: {columns}); name the table explicitly"
    )]
    UnknownTable { file: String, columns: String },
}

/// The container a file was read as.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// Delimited text (CSV, TSV, `;`, `|`).
    Delimited,
    Xlsx,
    Xls,
    JsonLines,
}

/// The quote character of delimited text.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteMode {
    Double,
    Single,
    /// Quotes are plain text.
    None,
}

impl QuoteMode {
    fn byte(self) -> Option<u8> {
        match self {
            QuoteMode::Double => Some(b'"'),
            QuoteMode::Single => Some(b'\''),
            QuoteMode::None => None,
        }
    }
}

/// Overrides for what import would otherwise detect. `None` everywhere = detect everything.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadOptions {
    pub format: Option<FileFormat>,
    pub encoding: Option<TextEncoding>,
    /// One of `,` `\t` `;` `|` or any other ASCII character.
    pub delimiter: Option<char>,
    pub quote: Option<QuoteMode>,
    /// 1-based row number of the header in the file (or sheet).
    pub header_row: Option<usize>,
    /// Sheet name for workbooks (default: the first sheet).
    pub sheet: Option<String>,
    /// The table the file holds (default: guessed from the columns).
    pub table: Option<TableKind>,
    /// Bounds on work: more rows or columns is an error, not an out-of-memory.
    pub max_rows: usize,
    pub max_cols: usize,
    /// Non-empty cells of a workbook sheet (a zip bomb's cells arrive before its rows end).
    pub max_cells: usize,
    /// Bytes an XLSX may unzip to, all parts together (a zip bomb is refused before parsing).
    pub max_unzipped_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            format: None,
            encoding: None,
            delimiter: None,
            quote: None,
            header_row: None,
            sheet: None,
            table: None,
            max_rows: 20_000_000,
            max_cols: 1_000,
            max_cells: 30_000_000,
            max_unzipped_bytes: 1 << 30,
        }
    }
}

/// A file decoded and parsed, with everything detected about it and a guessed mapping.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    pub name: String,
    pub format: FileFormat,
    /// For text formats.
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<char>,
    pub quote: Option<QuoteMode>,
    /// For workbooks: the sheet read and all sheets.
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    /// 1-based row of the header in the source; 0 for JSON lines, whose keys are the header.
    pub header_row: usize,
    pub headers: Vec<String>,
    /// Signature of the normalised headers, to remember a mapping by.
    pub shape: String,
    /// Table kinds ranked by how well the columns fit, best first.
    pub ranking: Vec<TableScore>,
    /// The table (as given or as guessed with confidence) and its guessed mapping.
    pub mapping: Option<Mapping>,
    /// What parsing noticed: fallback encoding, title rows, blank lines, unclosed quotes,
    /// ragged rows, bad JSON lines.
    pub findings: Vec<Finding>,
    grid: Grid,
    /// Index in `grid` of the first data row.
    data_start: usize,
}

impl ParsedFile {
    /// Number of data rows (below the header).
    pub fn rows(&self) -> usize {
        self.grid.len().saturating_sub(self.data_start)
    }

    /// Data row `i` (0-based below the header).
    pub fn row(&self, i: usize) -> Row<'_> {
        self.grid.row(self.data_start + i)
    }

    /// 1-based source row number of data row `i`.
    pub fn source_row(&self, i: usize) -> usize {
        self.grid.source_row(self.data_start + i)
    }

    /// The first `n` data rows, for a preview.
    pub fn preview(&self, n: usize) -> Vec<Vec<String>> {
        (0..self.rows().min(n))
            .map(|i| self.row(i).iter().map(str::to_owned).collect())
            .collect()
    }

    /// The table and mapping, or an error naming the file when its table is unknown.
    pub fn require_mapping(&self) -> Result<&Mapping, ImportError> {
        self.mapping
            .as_ref()
            .ok_or_else(|| ImportError::UnknownTable {
                file: self.name.clone(),
                columns: match self.headers.len() {
                    n if n > 20 => format!("{} and {} more", self.headers[..20].join(", "), n - 20),
                    _ => self.headers.join(", "),
                },
            })
    }

    /// A serialisable description, for `reallot inspect` and the app's import page.
    pub fn summary(&self) -> FileSummary {
        FileSummary {
            file: self.name.clone(),
            format: self.format,
            encoding: self.encoding.map(|e| e.as_str()),
            delimiter: self.delimiter.map(String::from),
            quote: self.quote,
            sheet: self.sheet.clone(),
            header_row: self.header_row,
            rows: self.rows(),
            table: self.mapping.as_ref().map(|m| m.table),
            table_scores: self.ranking.iter().take(3).cloned().collect(),
            shape: self.shape.clone(),
            mapping: self
                .mapping
                .as_ref()
                .map_or_else(Vec::new, |m| m.columns.clone()),
        }
    }
}

/// What `inspect` shows of a file.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct FileSummary {
    pub file: String,
    pub format: FileFormat,
    pub encoding: Option<&'static str>,
    pub delimiter: Option<String>,
    pub quote: Option<QuoteMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub header_row: usize,
    pub rows: usize,
    pub table: Option<TableKind>,
    pub table_scores: Vec<TableScore>,
    pub shape: String,
    pub mapping: Vec<ColumnMapping>,
}

fn detect_format(name: &str, bytes: &[u8]) -> FileFormat {
    if bytes.starts_with(b"PK\x03\x04") {
        return FileFormat::Xlsx;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return FileFormat::Xls;
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        return FileFormat::JsonLines;
    }
    FileFormat::Delimited
}

/// The canonical table a file's name spells (`leads.csv`, `orders.xlsx`), if any.
fn table_named_by(name: &str) -> Option<TableKind> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    TableKind::parse(base.split('.').next().unwrap_or(base))
}

/// Reads one file: decodes, sniffs, parses, finds the header, guesses the table and mapping.
/// Never panics; a file that cannot be read at all is an [`ImportError`] naming it.
pub fn read_file(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<ParsedFile, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty { file: name.into() });
    }
    let mut findings = Findings::new();
    let mut format = opts.format.unwrap_or_else(|| detect_format(name, bytes));
    let mut parsed = ParsedFile {
        name: name.to_owned(),
        format,
        encoding: None,
        delimiter: None,
        quote: None,
        sheet: None,
        sheets: Vec::new(),
        header_row: 0,
        headers: Vec::new(),
        shape: String::new(),
        ranking: Vec::new(),
        mapping: None,
        findings: Vec::new(),
        grid: Grid::new(),
        data_start: 0,
    };
    let mut blank_rows = 0usize;
    let mut ragged_check = true;
    let mut more = false;
    // Leave room for title rows above the header.
    let max_records = opts.max_rows.saturating_add(64);
    match format {
        FileFormat::Xlsx | FileFormat::Xls => {
            let kind = if format == FileFormat::Xlsx {
                sheet::Workbook::Xlsx
            } else {
                sheet::Workbook::Xls
            };
            let limits = sheet::SheetLimits {
                max_rows: max_records,
                max_cols: opts.max_cols,
                max_cells: opts.max_cells,
                max_unzipped_bytes: opts.max_unzipped_bytes,
            };
            let read = sheet::read_sheet(
                name,
                bytes,
                kind,
                opts.sheet.as_deref(),
                limits,
                &mut blank_rows,
            )?;
            parsed.grid = read.grid;
            parsed.sheet = Some(read.sheet);
            parsed.sheets = read.sheets;
            // Spreadsheet rows end at their last filled cell; short rows are normal.
            ragged_check = false;
        }
        FileFormat::Delimited | FileFormat::JsonLines => {
            let decoded = decode::decode(name, bytes, opts.encoding)?;
            if let Some(note) = &decoded.note {
                findings.add(
                    FindingKind::EncodingFallback,
                    None,
                    None,
                    || note.clone(),
                    None,
                );
            }
            parsed.encoding = Some(decoded.encoding);
            let text: &str = &decoded.text;
            if text.len() >= u32::MAX as usize {
                return Err(ImportError::TooLarge {
                    file: name.into(),
                    detail: "text over 4 GiB".into(),
                });
            }
            if format == FileFormat::Delimited
                && opts.format.is_none()
                && text.trim_start().starts_with('{')
            {
                format = FileFormat::JsonLines;
            }
            if format == FileFormat::JsonLines {
                let (grid, m) = jsonl::parse(text, max_records, &mut findings);
                parsed.grid = grid;
                more = m;
            } else {
                let sample = sniff::sample(text, SNIFF_BYTES);
                let quote = opts.quote.unwrap_or_else(|| {
                    let d = opts.delimiter.and_then(|c| u8::try_from(c).ok());
                    let q = sniff::quote(sample, d.unwrap_or(b','));
                    if q == b'\'' {
                        QuoteMode::Single
                    } else {
                        QuoteMode::Double
                    }
                });
                let delim = match opts.delimiter {
                    Some(c) => u8::try_from(c).ok().filter(u8::is_ascii).ok_or_else(|| {
                        ImportError::Header {
                            file: name.into(),
                            row: 0,
                            detail: format!("the delimiter {c:?} is not an ascii character"),
                        }
                    })?,
                    None => sniff::delimiter(sample, quote.byte()),
                };
                let mut grid = Grid::with_capacity(text.len());
                let (notes, m) =
                    delimited::parse(text, delim, quote.byte(), max_records, &mut grid);
                more = m;
                blank_rows += notes.blank_lines;
                for line in &notes.unclosed_quotes {
                    findings.add(
                        FindingKind::UnclosedQuote,
                        None,
                        None,
                        || "a quoted field never closed; its line was read with the quotes as plain text".into(),
                        Some(Example {
                            row: *line,
                            value: String::new(),
                            detail: Some(format!("quote opened on line {line}")),
                        }),
                    );
                }
                parsed.grid = grid;
                parsed.delimiter = Some(char::from(delim));
                parsed.quote = Some(quote);
            }
        }
    }
    parsed.format = format;
    if more {
        return Err(ImportError::TooLarge {
            file: name.into(),
            detail: format!("more than {} rows", opts.max_rows),
        });
    }
    if blank_rows > 0 {
        findings.add_n(
            FindingKind::BlankRows,
            None,
            None,
            blank_rows,
            || "empty rows skipped".into(),
            None,
        );
    }
    if parsed.grid.is_empty() {
        return Err(ImportError::Empty { file: name.into() });
    }
    // The header row.
    let header_idx = match opts.header_row {
        Some(h) => (0..parsed.grid.len())
            .find(|&i| parsed.grid.source_row(i) == h)
            .ok_or_else(|| ImportError::Header {
                file: name.into(),
                row: h,
                detail: "no such row to use as the header".into(),
            })?,
        None if format == FileFormat::JsonLines => 0,
        None => sniff::header_row(&parsed.grid),
    };
    for i in 0..header_idx {
        let row = parsed.grid.row(i);
        let text: Vec<&str> = row.iter().filter(|c| !c.trim().is_empty()).collect();
        findings.add(
            FindingKind::TitleRowsSkipped,
            None,
            None,
            || "rows above the header were skipped".into(),
            Some(Example {
                row: parsed.grid.source_row(i),
                value: text.join(" "),
                detail: None,
            }),
        );
    }
    let header = parsed.grid.row(header_idx);
    parsed.headers = header
        .iter()
        .enumerate()
        .map(|(j, h)| {
            let h = h.trim_start_matches('\u{feff}').trim();
            if h.is_empty() {
                format!("column_{}", j + 1)
            } else {
                // No real header is this long; a cut one keeps messages and shapes small.
                clip(h)
            }
        })
        .collect();
    if parsed.headers.len() > opts.max_cols {
        return Err(ImportError::TooLarge {
            file: name.into(),
            detail: format!("more than {} columns", opts.max_cols),
        });
    }
    parsed.header_row = parsed.grid.source_row(header_idx);
    parsed.data_start = header_idx + 1;
    parsed.shape = shape_of(&parsed.headers);
    let norms: Vec<String> = parsed.headers.iter().map(|h| normalize_header(h)).collect();
    for (j, norm) in norms.iter().enumerate() {
        if let Some(first) = norms.iter().take(j).position(|n| n == norm) {
            findings.add(
                FindingKind::DuplicateHeader,
                None,
                parsed.headers.get(j).map(String::as_str),
                || "headers repeated; only one column of a name can be mapped, the others are not imported unless mapped by hand".into(),
                Some(Example {
                    row: parsed.header_row,
                    value: parsed.headers.get(j).cloned().unwrap_or_default(),
                    detail: Some(format!("column {} repeats column {}", j + 1, first + 1)),
                }),
            );
        }
    }
    if ragged_check {
        let width = parsed.headers.len();
        for i in 0..parsed.rows() {
            let r = parsed.row(i);
            let extra_filled = (width..r.len()).any(|j| !r.get(j).trim().is_empty());
            if r.len() < width || extra_filled {
                findings.add(
                    FindingKind::RaggedRow,
                    None,
                    None,
                    || format!("rows whose cell count differs from the header's {width}; missing cells read as empty, extra cells ignored"),
                    Some(Example {
                        row: parsed.source_row(i),
                        value: r.len().to_string(),
                        detail: Some(format!("{} cells", r.len())),
                    }),
                );
            }
        }
    }
    // Table kind and mapping.
    let (ranking, guessed) = {
        let sample: Vec<Row<'_>> = (0..parsed.rows().min(SAMPLE_ROWS))
            .map(|i| parsed.row(i))
            .collect();
        let ranked = mapping::rank_tables(name, &parsed.headers, &sample);
        let ranking: Vec<TableScore> = ranked.iter().map(|(s, _)| s.clone()).collect();
        let guessed = match opts.table {
            Some(kind) => Some(guess_mapping(kind, &parsed.headers, &sample)),
            None => ranked
                .into_iter()
                .next()
                .filter(|(s, m)| mapping::is_confident(s, m))
                .map(|(_, m)| m),
        };
        (ranking, guessed)
    };
    if opts.table.is_none()
        && let Some(named) = table_named_by(name)
        && let Some(m) = guessed.as_ref().filter(|m| m.table != named)
    {
        let got = m.table;
        findings.add(
            FindingKind::TableMismatch,
            None,
            None,
            || format!("the file is named for {named} but its columns fit {got}; it is read as {got} (name the table to override)"),
            Some(Example {
                row: parsed.header_row,
                value: parsed.headers.join(", "),
                detail: Some(format!("expected the columns of {named}")),
            }),
        );
    }
    parsed.ranking = ranking;
    parsed.mapping = guessed;
    parsed.findings = findings.into_vec();
    Ok(parsed)
}

/// What loading one file into a dataset did.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct TableReport {
    pub file: String,
    pub table: TableKind,
    /// Data rows in the file.
    pub rows_read: usize,
    pub rows_kept: usize,
    pub rows_dropped: usize,
    /// Rows kept with some unparsable optional cell left empty.
    pub rows_altered: usize,
    /// The file's parse findings, then the mapping's and the rows'.
    pub findings: Vec<Finding>,
}

/// Findings about a mapping itself: unmapped source columns and required fields with no column.
pub fn mapping_findings(m: &Mapping, findings: &mut Findings) {
    let table = Some(m.table);
    for c in m.unmapped() {
        findings.add(
            FindingKind::UnmappedColumn,
            table,
            Some(&c.source),
            || {
                format!(
                    "column {:?} is not mapped to any {} field and is not imported",
                    c.source, m.table
                )
            },
            None,
        );
    }
    for f in m.missing_required() {
        findings.add(
            FindingKind::MissingColumn,
            table,
            Some(f),
            || format!("no column is mapped to the required field {f}; every row will be dropped"),
            None,
        );
    }
}

/// Loads the rows of `file` into `ds` as `mapping` says (fields the table lacks are ignored
/// and reported). Every dropped or altered row is counted; examples carry the source row,
/// the source header and the raw value.
pub fn load_into(ds: &mut Dataset, file: &ParsedFile, mapping: &Mapping) -> TableReport {
    let kind = mapping.table;
    let mut findings = Findings::new();
    mapping_findings(mapping, &mut findings);
    let cols = mapping.field_columns();
    let source_of = |field: &str| -> String {
        kind.field_index(field)
            .and_then(|fi| cols.get(fi).copied().flatten())
            .and_then(|c| file.headers.get(c).cloned())
            .unwrap_or_else(|| field.to_owned())
    };
    let mut report = TableReport {
        file: file.name.clone(),
        table: kind,
        rows_read: file.rows(),
        rows_kept: 0,
        rows_dropped: 0,
        rows_altered: 0,
        findings: Vec::new(),
    };
    let mut values: Vec<&str> = Vec::with_capacity(cols.len());
    for i in 0..file.rows() {
        let row = file.row(i);
        values.clear();
        values.extend(cols.iter().map(|c| c.map_or("", |c| row.get(c))));
        let out = ds.push_record(kind, &values);
        if out.kept {
            report.rows_kept += 1;
            if !out.issues.is_empty() {
                report.rows_altered += 1;
            }
        } else {
            report.rows_dropped += 1;
        }
        if out.issues.is_empty() {
            continue;
        }
        let src_row = file.source_row(i);
        for issue in out.issues {
            let column = source_of(issue.field);
            let (fk, detail) = match issue.problem {
                CellProblem::Missing => (FindingKind::MissingRequired, None),
                CellProblem::Unparsable { expected } => (FindingKind::Unparsable, Some(expected)),
            };
            let required = kind
                .field_index(issue.field)
                .and_then(|fi| kind.fields().get(fi))
                .is_some_and(|f| f.required);
            findings.add(
                fk,
                Some(kind),
                Some(&column),
                || match fk {
                    FindingKind::MissingRequired => format!(
                        "required field {} is empty; the row is dropped",
                        issue.field
                    ),
                    _ if required => format!(
                        "{} values that do not parse; the row is dropped",
                        issue.field
                    ),
                    _ => format!(
                        "{} values that do not parse; the cell is left empty",
                        issue.field
                    ),
                },
                Some(Example {
                    row: src_row,
                    value: issue.value,
                    detail: detail.map(|e| format!("expected {e}")),
                }),
            );
        }
        if !out.kept {
            findings.add(
                FindingKind::DroppedRows,
                Some(kind),
                None,
                || "rows not imported".into(),
                Some(Example {
                    row: src_row,
                    value: row.get(0).to_owned(),
                    detail: None,
                }),
            );
        } else {
            findings.add(
                FindingKind::AlteredRows,
                Some(kind),
                None,
                || "rows imported with some cells left empty".into(),
                Some(Example {
                    row: src_row,
                    value: row.get(0).to_owned(),
                    detail: None,
                }),
            );
        }
    }
    let mut all = file.findings.clone();
    for f in &mut all {
        f.table.get_or_insert(kind);
    }
    all.extend(findings.into_vec());
    report.findings = all;
    report
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn read(name: &str, bytes: &[u8]) -> ParsedFile {
        read_file(name, bytes, &ReadOptions::default()).unwrap()
    }

    fn kinds(f: &[Finding]) -> Vec<(FindingKind, usize)> {
        f.iter().map(|f| (f.kind, f.count)).collect()
    }

    #[test]
    fn reads_a_gbk_export_with_a_title_row_and_maps_it() {
        let text = "2024年客户导出\r\n客户编号,客户名称,客户类型,所属区域,负责人,创建时间\r\nC1,\"华联, 超市\",大客户,华东,R1,2024/3/5\r\nC2,小店,小,华南,R2,2024年3月6日\r\n";
        let (bytes, _, _) = encoding_rs::GBK.encode(text);
        let p = read("客户.csv", &bytes);
        assert_eq!(p.encoding, Some(TextEncoding::Gb18030));
        assert_eq!((p.delimiter, p.header_row, p.rows()), (Some(','), 2, 2));
        assert_eq!(p.row(0).get(1), "华联, 超市");
        let m = p.require_mapping().unwrap();
        assert_eq!(m.table, TableKind::Customers);
        let fields: Vec<Option<&str>> = m.columns.iter().map(|c| c.field.as_deref()).collect();
        assert_eq!(
            fields,
            [
                Some("customer_id"),
                Some("name"),
                Some("customer_type"),
                Some("region"),
                Some("owner_rep_id"),
                Some("created_at")
            ]
        );
        assert_eq!(
            kinds(&p.findings),
            [
                (FindingKind::EncodingFallback, 1),
                (FindingKind::TitleRowsSkipped, 1)
            ]
        );
        let mut ds = Dataset::new();
        let r = load_into(&mut ds, &p, m);
        assert_eq!((r.rows_read, r.rows_kept, r.rows_dropped), (2, 2, 0));
        assert_eq!(
            ds.customers[1].customer_type,
            Some(crate::model::CustomerType::Small)
        );
        assert_eq!(
            ds.customers[1].created_at.unwrap().date_string(),
            "2024-03-06"
        );
    }

    #[test]
    fn reads_utf16_tab_separated_unicode_text() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(
            "订单编号\t客户编号\t下单日期\t金额\r\nO1\tC1\t2024-01-02\t¥1,234.50\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let p = read("export.txt", &bytes);
        assert_eq!(
            (p.encoding, p.delimiter),
            (Some(TextEncoding::Utf16Le), Some('\t'))
        );
        let m = p.require_mapping().unwrap();
        assert_eq!(m.table, TableKind::Orders);
        let mut ds = Dataset::new();
        load_into(&mut ds, &p, m);
        assert_eq!(ds.orders[0].amount, crate::model::Money(123_450));
    }

    #[test]
    fn every_dropped_or_altered_row_is_reported_with_its_source_row() {
        let text = "lead_id,created_at,stage,est_value\nL1,2024-01-01,won,5\n,2024-01-02,new,\nL3,someday,new,\nL4,2024-01-04,maybe,x\n";
        let p = read("leads.csv", text.as_bytes());
        let m = p.require_mapping().unwrap();
        let mut ds = Dataset::new();
        let r = load_into(&mut ds, &p, m);
        assert_eq!(
            (r.rows_read, r.rows_kept, r.rows_dropped, r.rows_altered),
            (4, 2, 2, 1)
        );
        let find = |k: FindingKind, col: Option<&str>| {
            r.findings
                .iter()
                .find(|f| f.kind == k && f.column.as_deref() == col)
                .unwrap_or_else(|| panic!("{k:?} {col:?}: {:#?}", r.findings))
        };
        let missing = find(FindingKind::MissingRequired, Some("lead_id"));
        assert_eq!((missing.count, missing.examples[0].row), (1, 3));
        let bad = find(FindingKind::Unparsable, Some("created_at"));
        assert_eq!(
            (bad.examples[0].row, bad.examples[0].value.as_str()),
            (4, "someday")
        );
        let stage = find(FindingKind::Unparsable, Some("stage"));
        assert_eq!(
            (stage.count, stage.examples[0].value.as_str()),
            (1, "maybe")
        );
        assert!(stage.message.ends_with("the cell is left empty"));
        assert_eq!(find(FindingKind::Unparsable, Some("est_value")).count, 1);
        assert_eq!(find(FindingKind::DroppedRows, None).count, 2);
        assert_eq!(find(FindingKind::AlteredRows, None).examples[0].row, 5);
    }

    #[test]
    fn ragged_rows_unclosed_quotes_and_blank_lines_are_findings() {
        let text = "order_id;customer_id;order_date;amount\nO1;C1;2024-01-01;5\nO2;C2;2024-01-02\n\nO3;\"C3;2024-01-03;7\nO4;C4;2024-01-04;8;extra\n";
        let p = read("orders.csv", text.as_bytes());
        assert_eq!(p.delimiter, Some(';'));
        assert_eq!(p.rows(), 4);
        assert_eq!(p.row(2).get(1), "\"C3");
        assert_eq!(
            kinds(&p.findings),
            [
                (FindingKind::UnclosedQuote, 1),
                (FindingKind::BlankRows, 1),
                (FindingKind::RaggedRow, 2)
            ]
        );
        let ragged = &p.findings[2];
        assert_eq!(
            ragged.examples.iter().map(|e| e.row).collect::<Vec<_>>(),
            [3, 6]
        );
        assert_eq!(p.findings[0].examples[0].row, 5);
    }

    #[test]
    fn json_lines_pipes_and_overrides() {
        let p = read(
            "o.jsonl",
            "{\"客户编号\":\"C1\",\"订单日期\":\"2024-01-01\",\"金额\":12.5}\n".as_bytes(),
        );
        assert_eq!(p.format, FileFormat::JsonLines);
        assert_eq!(p.require_mapping().unwrap().table, TableKind::Orders);

        let p = read("x.txt", b"campaign_id|name|cost\nCP1|a|5\n");
        assert_eq!(p.delimiter, Some('|'));
        assert_eq!(p.require_mapping().unwrap().table, TableKind::Campaigns);

        let opts = ReadOptions {
            delimiter: Some(','),
            quote: Some(QuoteMode::None),
            header_row: Some(2),
            table: Some(TableKind::Reps),
            ..ReadOptions::default()
        };
        let p = read_file("r.csv", b"junk\nrep_id,name\n\"R1,x\n", &opts).unwrap();
        assert_eq!((p.header_row, p.rows()), (2, 1));
        assert_eq!(p.row(0).get(0), "\"R1");
        assert_eq!(p.require_mapping().unwrap().table, TableKind::Reps);
    }

    #[test]
    fn unreadable_files_are_located_errors() {
        let e = read_file("e.csv", b"", &ReadOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "e.csv: the file is empty");
        let e = read_file("u.csv", b"foo,bar\n1,2\n", &ReadOptions::default()).unwrap();
        let err = e.require_mapping().unwrap_err();
        assert_eq!(
            err.to_string(),
            "u.csv: cannot tell which table this is (columns: foo, bar); name the table explicitly"
        );
        let opts = ReadOptions {
            max_rows: 2,
            ..ReadOptions::default()
        };
        let many = "rep_id\n".to_owned() + &"R\n".repeat(100);
        let e = read_file("big.csv", many.as_bytes(), &opts).unwrap_err();
        assert_eq!(e.to_string(), "big.csv: too large: more than 2 rows");
        let opts = ReadOptions {
            header_row: Some(9),
            ..ReadOptions::default()
        };
        let e = read_file("h.csv", b"a\n", &opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            "h.csv: row 9: no such row to use as the header"
        );
    }

    #[test]
    fn workbooks_read_dates_and_respect_their_limits() {
        let xlsx = include_bytes!("../../../../tests/data/import/orders.xlsx");
        let p = read("orders.xlsx", xlsx);
        assert_eq!(p.format, FileFormat::Xlsx);
        assert_eq!(p.sheet.as_deref(), Some("订单"));
        assert_eq!(p.sheets, ["订单", "客户"]);
        let m = p.require_mapping().unwrap();
        assert_eq!(m.table, TableKind::Orders);
        let mut ds = Dataset::new();
        let r = load_into(&mut ds, &p, m);
        assert_eq!(r.rows_kept, 3);
        let dates: Vec<String> = ds.orders.iter().map(|o| o.date.to_string()).collect();
        assert_eq!(dates, ["2024-03-05", "2024-03-06 14:30:00", "2024-03-07"]);
        let amounts: Vec<i64> = ds.orders.iter().map(|o| o.amount.0).collect();
        assert_eq!(amounts, [123_450, 200_000, 9_990]);

        let small = |max_rows, max_cols, max_cells| ReadOptions {
            max_rows,
            max_cols,
            max_cells,
            ..ReadOptions::default()
        };
        let e = read_file("o.xlsx", xlsx, &small(1_000, 3, 1_000)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "o.xlsx: too large: the sheet has more than 3 columns"
        );
        let e = read_file("o.xlsx", xlsx, &small(1_000, 100, 7)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "o.xlsx: too large: the sheet has more than 7 cells"
        );

        let xls = include_bytes!("../../../../tests/data/import/reps.xls");
        let p = read("reps.xls", xls);
        assert_eq!(p.format, FileFormat::Xls);
        assert_eq!(
            p.row(0).iter().collect::<Vec<_>>(),
            ["R01", "张伟", "华北", "2023-06-01"]
        );
        assert_eq!(p.require_mapping().unwrap().table, TableKind::Reps);
    }

    #[test]
    fn canonical_demo_tables_read_back_exactly() {
        let ds = crate::demo::demo_dataset(&crate::demo::DemoConfig {
            scale: crate::demo::Scale::S,
            seed: 3,
        });
        for kind in [TableKind::Reps, TableKind::Campaigns, TableKind::Customers] {
            let csv = crate::write::table_csv(&ds, kind);
            let p = read(&kind.file_name(), &csv);
            let m = p.require_mapping().unwrap();
            assert_eq!(m.table, kind);
            assert!(
                m.columns
                    .iter()
                    .all(|c| c.matched_by == Some(MatchKind::Exact))
            );
            let mut back = Dataset::new();
            let r = load_into(&mut back, &p, m);
            assert_eq!(r.rows_kept, ds.sizes().get(kind));
            assert_eq!(crate::write::table_csv(&back, kind), csv);
        }
    }
}
