//! The bad-input corpus (`tests/data/bad/`, plus a 50 MB line and zip bombs made here) through
//! the path the CLI takes for each file: read, require a table, load into the one dataset.
//! Every file gives a located error or a report of what was kept, and the rows a good file
//! stored before are exactly as they were afterwards: nothing stored is lost.

#![cfg(not(target_arch = "wasm32"))]

use reallot_core::Dataset;
use reallot_core::import::{FindingKind, ReadOptions, TableReport, load_into, read_file};
use reallot_core::model::{TableKind, Timestamp};
use reallot_core::quality;
use std::io::{Cursor, Write};

const GOOD_LEADS: &[u8] =
    b"lead_id,created_at,source,est_value\nL1,2024-01-01,web,100\nL2,2024-01-02,fair,\n";
const GOOD_ORDERS: &[u8] = b"order_id,customer_id,order_date,amount\nO1,C1,2024-01-05,12.50\n";

/// What `reallot inspect`/`report` do with one file, errors as their messages.
fn load(
    ds: &mut Dataset,
    name: &str,
    bytes: &[u8],
    opts: &ReadOptions,
) -> Result<TableReport, String> {
    let parsed = read_file(name, bytes, opts).map_err(|e| e.to_string())?;
    let mapping = parsed.require_mapping().map_err(|e| e.to_string())?;
    Ok(load_into(ds, &parsed, mapping))
}

fn good() -> Dataset {
    let mut ds = Dataset::new();
    let opts = ReadOptions::default();
    load(&mut ds, "leads.csv", GOOD_LEADS, &opts).expect("good leads load");
    load(&mut ds, "orders.csv", GOOD_ORDERS, &opts).expect("good orders load");
    ds
}

/// `after` holds every string and every row of `before`, unchanged and in place.
fn assert_intact(before: &Dataset, after: &Dataset) {
    let old: Vec<&str> = before.names.strings().collect();
    let new: Vec<&str> = after.names.strings().take(old.len()).collect();
    assert_eq!(old, new);
    assert_eq!(before.reps[..], after.reps[..before.reps.len()]);
    assert_eq!(
        before.customers[..],
        after.customers[..before.customers.len()]
    );
    assert_eq!(before.leads[..], after.leads[..before.leads.len()]);
    assert_eq!(before.orders[..], after.orders[..before.orders.len()]);
    assert_eq!(
        before.activities[..],
        after.activities[..before.activities.len()]
    );
    assert_eq!(
        before.ownership[..],
        after.ownership[..before.ownership.len()]
    );
    assert_eq!(
        before.campaigns[..],
        after.campaigns[..before.campaigns.len()]
    );
    assert_eq!(before.surveys[..], after.surveys[..before.surveys.len()]);
}

/// Loads `bytes` after the good files and checks the good rows survived.
fn after_good(
    name: &str,
    bytes: &[u8],
    opts: &ReadOptions,
) -> (Dataset, Result<TableReport, String>) {
    let before = good();
    let mut ds = before.clone();
    let out = load(&mut ds, name, bytes, opts);
    assert_intact(&before, &ds);
    if out.is_err() {
        assert_eq!(ds.sizes(), before.sizes(), "a refused file adds no row");
    }
    (ds, out)
}

fn bad(file: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/data/bad/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn err(file: &str) -> String {
    after_good(file, &bad(file), &ReadOptions::default())
        .1
        .expect_err("the file is refused")
}

fn kinds(r: &TableReport) -> Vec<FindingKind> {
    r.findings.iter().map(|f| f.kind).collect()
}

#[test]
fn empty_and_garbage_files_are_refused_by_name() {
    assert_eq!(err("empty.csv"), "empty.csv: the file is empty");
    assert_eq!(
        err("garbage.csv"),
        "garbage.csv: byte 1: neither valid utf-8 nor gb18030/gbk; choose the encoding explicitly"
    );
}

#[test]
fn a_file_no_table_fits_is_refused_with_its_columns() {
    assert_eq!(
        err("no_table.csv"),
        "no_table.csv: cannot tell which table this is (columns: colour, weight, flavour); name the table explicitly"
    );
}

#[test]
fn half_utf8_half_gbk_is_refused_at_its_first_gbk_byte() {
    let e = err("mixed_encoding.csv");
    assert!(
        e.starts_with("mixed_encoding.csv: byte 50: line 3: mixed encodings: "),
        "{e}"
    );
}

#[test]
fn an_unclosed_quote_is_reported_at_its_line() {
    let (ds, r) = after_good(
        "unclosed_quote.csv",
        &bad("unclosed_quote.csv"),
        &ReadOptions::default(),
    );
    let r = r.unwrap();
    assert_eq!(
        (r.table, r.rows_read, r.rows_kept),
        (TableKind::Leads, 3, 3)
    );
    let f = &r.findings[0];
    assert_eq!((f.kind, f.examples[0].row), (FindingKind::UnclosedQuote, 3));
    assert_eq!(ds.leads.len(), 5);
}

#[test]
fn an_orders_file_named_leads_is_read_as_orders_and_says_so() {
    let (ds, r) = after_good("leads.csv", &bad("leads.csv"), &ReadOptions::default());
    let r = r.unwrap();
    assert_eq!(r.table, TableKind::Orders);
    let f = r
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::TableMismatch)
        .unwrap();
    assert_eq!(
        f.message,
        "the file is named for leads but its columns fit orders; it is read as orders (name the table to override)"
    );
    assert_eq!((ds.leads.len(), ds.orders.len()), (2, 3));
    // Forced to leads, as a user may: every row lacks a lead id and is dropped, none stored.
    let opts = ReadOptions {
        table: Some(TableKind::Leads),
        ..ReadOptions::default()
    };
    let (ds, r) = after_good("leads.csv", &bad("leads.csv"), &opts);
    let r = r.unwrap();
    assert_eq!((r.rows_read, r.rows_kept, r.rows_dropped), (2, 0, 2));
    assert!(kinds(&r).contains(&FindingKind::MissingColumn));
    assert_eq!(ds.leads.len(), 2);
}

#[test]
fn a_repeated_header_is_a_finding_naming_both_columns() {
    let (_, r) = after_good(
        "duplicated_headers.csv",
        &bad("duplicated_headers.csv"),
        &ReadOptions::default(),
    );
    let r = r.unwrap();
    let f = r
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::DuplicateHeader)
        .unwrap();
    assert_eq!(
        (f.column.as_deref(), f.examples[0].row),
        (Some("lead_id"), 1)
    );
    assert_eq!(
        f.examples[0].detail.as_deref(),
        Some("column 3 repeats column 1")
    );
    assert_eq!(r.rows_kept, 2);
}

#[test]
fn dates_in_the_year_9999_load_and_are_future_dates() {
    let (ds, r) = after_good(
        "year_9999.csv",
        &bad("year_9999.csv"),
        &ReadOptions::default(),
    );
    assert_eq!(r.unwrap().rows_kept, 3);
    let q = quality::check(&ds, Timestamp::parse("2026-01-01").unwrap());
    let future: Vec<(&str, usize)> = q
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::FutureDate)
        .map(|f| (f.column.as_deref().unwrap_or(""), f.count))
        .collect();
    assert_eq!(future, [("created_at", 1), ("won_at", 1)]);
}

#[test]
fn negative_amounts_load_and_are_counted() {
    let (ds, r) = after_good(
        "negative_amounts.csv",
        &bad("negative_amounts.csv"),
        &ReadOptions::default(),
    );
    assert_eq!(r.unwrap().rows_kept, 3);
    let q = quality::check(&ds, Timestamp::parse("2026-01-01").unwrap());
    let f = q
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::NegativeAmount)
        .unwrap();
    assert_eq!((f.column.as_deref(), f.count), (Some("amount"), 2));
}

#[test]
fn a_sheet_claiming_the_whole_grid_costs_only_its_cells() {
    let (_, r) = after_good(
        "full_used_range.xlsx",
        &bad("full_used_range.xlsx"),
        &ReadOptions::default(),
    );
    let r = r.unwrap();
    assert_eq!(
        (r.table, r.rows_read, r.rows_kept),
        (TableKind::Orders, 2, 2)
    );
}

#[test]
fn a_50_mb_line_is_bounded_and_shown_cut() {
    // One line of 50 MB and nothing else: a header of one enormous cell, no table.
    let line = vec![b'x'; 50 << 20];
    let e = after_good("line.csv", &line, &ReadOptions::default())
        .1
        .unwrap_err();
    assert_eq!(
        e,
        format!(
            "line.csv: cannot tell which table this is (columns: {}… (52428800 bytes)); name the table explicitly",
            "x".repeat(200)
        )
    );
    // A 50 MB value in a row: loaded, and its finding shows the value cut.
    let mut text = b"lead_id,created_at\nL9,".to_vec();
    text.extend(std::iter::repeat_n(b'7', 50 << 20));
    text.push(b'\n');
    let (ds, r) = after_good("leads.csv", &text, &ReadOptions::default());
    let r = r.unwrap();
    assert_eq!((r.rows_read, r.rows_kept), (1, 0));
    let f = r
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Unparsable)
        .unwrap();
    assert_eq!(f.examples[0].value.len(), 200 + "… (52428800 bytes)".len());
    assert_eq!(ds.leads.len(), 2);
}

/// A workbook whose shared strings are `n` spaces, deflated, declaring `declared` bytes.
fn zip_bomb(n: usize, declared: Option<u32>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("xl/sharedStrings.xml", opts)
        .expect("zip part");
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..n >> 20 {
        w.write_all(&chunk).expect("zip write");
    }
    let mut bytes = w.finish().expect("zip finish").into_inner();
    if let Some(size) = declared {
        // The uncompressed size sits 22 bytes into a local header, 24 into a central one.
        for (sig, off) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let at = bytes.windows(4).position(|w| w == sig).expect("zip header") + off;
            bytes[at..at + 4].copy_from_slice(&size.to_le_bytes());
        }
    }
    bytes
}

#[test]
fn zip_bombs_disguised_as_xlsx_are_refused() {
    let opts = ReadOptions {
        max_unzipped_bytes: 16 << 20,
        ..ReadOptions::default()
    };
    let honest = zip_bomb(64 << 20, None);
    assert!(honest.len() < 100_000, "{}", honest.len());
    let e = after_good("orders.xlsx", &honest, &opts).1.unwrap_err();
    assert_eq!(
        e,
        "orders.xlsx: too large: part xl/sharedStrings.xml unzips to 67108864 bytes; a workbook may unzip to at most 16777216 bytes"
    );
    let lying = zip_bomb(64 << 20, Some(1_000));
    let e = after_good("orders.xlsx", &lying, &ReadOptions::default())
        .1
        .unwrap_err();
    assert_eq!(
        e,
        "orders.xlsx: too large: part xl/sharedStrings.xml unzips to more than the 1000 bytes it declares (a zip bomb?)"
    );
}
