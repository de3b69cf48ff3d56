//! `reallot inspect` and `reallot convert` on the fixture corpus in `tests/data/import`
//! (made by `tests/data/import/make_fixtures.py`): every encoding, delimiter and format maps
//! to the right table, and bad input is a located error with exit 1.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/import")
        .join(name)
}

fn reallot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reallot"))
        .args(args)
        .output()
        .expect("run reallot")
}

fn inspect(names: &[&str]) -> Value {
    let paths: Vec<String> = names
        .iter()
        .map(|n| fixture(n).display().to_string())
        .collect();
    let mut args = vec!["inspect", "--json", "--as-of", "2025-01-01"];
    args.extend(paths.iter().map(String::as_str));
    let out = reallot(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn mapping(file: &Value) -> Vec<(String, Option<String>)> {
    file["mapping"]
        .as_array()
        .expect("mapping")
        .iter()
        .map(|m| {
            (
                m["source"].as_str().unwrap_or_default().to_owned(),
                m["field"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
    p.iter()
        .map(|(s, f)| ((*s).to_owned(), Some((*f).to_owned())))
        .collect()
}

#[test]
fn inspect_maps_a_chinese_header_gbk_export() {
    let v = inspect(&["customers_gbk.csv"]);
    let f = &v["files"][0];
    assert_eq!(f["encoding"], "gb18030");
    assert_eq!(f["delimiter"], ",");
    assert_eq!(f["header_row"], 2);
    assert_eq!(f["rows"], 3);
    assert_eq!(f["table"], "customers");
    assert_eq!(f["rows_kept"], 3);
    assert_eq!(
        mapping(f),
        pairs(&[
            ("客户编号", "customer_id"),
            ("客户名称", "name"),
            ("客户类型", "customer_type"),
            ("渠道", "channel"),
            ("所属区域", "region"),
            ("城市", "city"),
            ("负责人", "owner_rep_id"),
            ("创建时间", "created_at"),
            ("线索来源", "source"),
        ])
    );
    let kinds: Vec<&str> = f["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["encoding_fallback", "title_rows_skipped"]);
}

#[test]
fn inspect_reads_every_format_of_the_corpus() {
    let v = inspect(&[
        "leads_utf16le.txt",
        "orders_utf8_bom.csv",
        "reps_semicolon.csv",
        "campaigns_pipe.txt",
        "activities.jsonl",
        "orders.xlsx",
        "reps.xls",
    ]);
    let files = v["files"].as_array().unwrap();
    let got: Vec<(&str, &str, u64, u64)> = files
        .iter()
        .map(|f| {
            (
                f["table"].as_str().unwrap(),
                f["encoding"].as_str().or(f["format"].as_str()).unwrap(),
                f["rows"].as_u64().unwrap(),
                f["rows_kept"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("leads", "utf-16le", 2, 2),
            ("orders", "utf-8-bom", 2, 2),
            ("reps", "utf-8", 2, 2),
            ("campaigns", "utf-8", 1, 1),
            ("activities", "utf-8", 2, 2),
            ("orders", "xlsx", 3, 3),
            ("reps", "xls", 1, 1),
        ]
    );
    assert_eq!(files[0]["delimiter"], "\t");
    assert_eq!(files[2]["delimiter"], ";");
    assert_eq!(files[3]["delimiter"], "|");
    assert_eq!(files[4]["findings"][0]["kind"], "bad_json_line");
    assert_eq!(files[4]["findings"][0]["examples"][0]["row"], 3);
    // The activities name reps R01/R02 and leads L001/L002, all imported: no orphans there.
    // The orders name customers, but no customers file was given, so nothing is flagged.
    // R01 is in both rep files and O1, O2 in both order files: those are the findings.
    let quality = v["quality"]["findings"].as_array().unwrap();
    let got: Vec<(&str, &str, u64)> = quality
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap(),
                f["column"].as_str().unwrap(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("duplicate_id", "rep_id", 1),
            ("duplicate_id", "order_id", 2)
        ]
    );
    assert_eq!(quality[0]["examples"][0]["value"], "R01");
    assert_eq!(quality[0]["examples"][0]["row"], 3);
}

#[test]
fn inspect_finds_cross_table_orphans() {
    let v = inspect(&["customers_gbk.csv", "orders.xlsx", "reps.xls"]);
    let quality = v["quality"]["findings"].as_array().unwrap();
    let owners = quality
        .iter()
        .find(|f| f["kind"] == "orphan_reference" && f["column"] == "owner_rep_id")
        .expect("customers owned by R02, absent from reps.xls");
    assert_eq!(owners["count"], 1);
    assert_eq!(owners["examples"][0]["value"], "C002");
}

#[test]
fn xlsx_dates_become_dates_and_numbers_stay_as_read() {
    let out = reallot(&["convert", fixture("orders.xlsx").to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "订单编号,客户编号,下单日期,订单金额,数量\n\
         O1,C001,2024-03-05,1234.5,10\n\
         O2,C002,2024-03-06 14:30:00,\"2,000\",3\n\
         O3,C003,45358,¥99.90,1\n"
    );
    let out = reallot(&[
        "convert",
        fixture("orders.xlsx").to_str().unwrap(),
        "--sheet",
        "客户",
        "--to",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{"客户编号": "C001", "客户名称": "华联超市"}])
    );
}

#[test]
fn convert_keeps_quoted_newlines_and_inspect_reports_ragged_rows() {
    let out = reallot(&[
        "convert",
        fixture("orders_utf8_bom.csv").to_str().unwrap(),
        "--to",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["Category"], "饮料\n(季节款)");
    assert_eq!(v[1]["Category"], "say \"hi\"");
    assert_eq!(v[1]["Amount"], "1234.5元");

    let v = inspect(&["orders_ragged.csv"]);
    let findings = v["files"][0]["findings"].as_array().unwrap();
    let find = |k: &str| findings.iter().find(|f| f["kind"] == k).unwrap();
    assert_eq!(find("unclosed_quote")["examples"][0]["row"], 4);
    assert_eq!(find("ragged_row")["count"], 2);
    assert_eq!(find("missing_required")["column"], "amount");
    assert_eq!(find("dropped_rows")["examples"][0]["row"], 3);
    assert_eq!(v["files"][0]["rows_kept"], 3);
}

#[test]
fn malformed_input_is_a_located_error_with_exit_1() {
    let out = reallot(&["inspect", fixture("malformed.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("reallot: ")
            && err.contains("malformed.csv: byte 19: neither valid utf-8 nor gb18030"),
        "{err}"
    );
    let out = reallot(&[
        "convert",
        fixture("orders.xlsx").to_str().unwrap(),
        "--sheet",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no sheet named \"nope\"; sheets: 订单, 客户")
    );
}

#[test]
fn inspect_shows_an_unknown_table_as_null() {
    let dir = std::env::temp_dir().join(format!("reallot-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("notes.csv");
    std::fs::write(&f, "foo,bar\n1,2\n").unwrap();
    let out = reallot(&["inspect", "--json", f.to_str().unwrap()]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["table"], Value::Null);
    std::fs::remove_dir_all(&dir).unwrap();
}
