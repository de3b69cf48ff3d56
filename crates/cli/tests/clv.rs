//! `reallot clv` end to end: the CDNOW reference fit, transaction input, and located errors.

use std::path::PathBuf;
use std::process::{Command, Output};

fn reallot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reallot"))
        .args(args)
        .output()
        .expect("run reallot")
}

fn cdnow() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/clv/cdnow_summary.csv"
    )
    .to_string()
}

/// Writes `text` to a file unique to this test process and name.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reallot-clv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn summary_input_reproduces_the_cdnow_fit() {
    let out = reallot(&["clv", "--summary", &cdnow(), "--unit", "week", "--json"]);
    let v = json(&out);
    let bg = &v["bgnbd"];
    let get = |k: &str| bg[k].as_f64().unwrap_or(f64::NAN);
    // FHL 2005: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
    assert!((get("r") - 0.243).abs() < 5e-4);
    assert!((get("alpha") - 4.414).abs() < 5e-3);
    assert!((get("a") - 0.793).abs() < 5e-4);
    assert!((get("b") - 2.426).abs() < 5e-3);
    assert!((get("log_likelihood") + 9582.4).abs() < 0.05);
    let gg = &v["gamma_gamma"];
    assert!((gg["p"].as_f64().unwrap_or(0.0) - 6.25).abs() < 5e-3);
    assert!((gg["q"].as_f64().unwrap_or(0.0) - 3.74).abs() < 5e-3);
    assert!((gg["gamma"].as_f64().unwrap_or(0.0) - 15.44).abs() < 0.05);
    assert!(gg["log_likelihood"].is_f64());
    assert_eq!(v["summary"]["customers"], 2357);
    assert_eq!(v["top_customers"].as_array().map(Vec::len), Some(20));
    assert_eq!(v["top_customers"][0]["customer_id"], "509");
}

#[test]
fn summary_without_monetary_has_null_gamma_gamma() {
    let path = temp_file(
        "no-monetary.csv",
        "customer_id,frequency,recency,T\na,2,30,40\nb,0,0,40\nc,5,38,40\nd,1,3,20\n",
    );
    let v = json(&reallot(&[
        "clv",
        "--summary",
        path.to_str().unwrap_or(""),
        "--json",
    ]));
    assert!(v["gamma_gamma"].is_null());
    assert!(v["bgnbd"]["r"].as_f64().is_some_and(|r| r > 0.0));
    assert!(v["summary"]["clv"].is_null());
}

#[test]
fn transactions_merge_same_day_orders_in_weeks() {
    let path = temp_file(
        "tx.csv",
        "customer_id,date,amount\n\
         a,2024-01-01,10.00\na,2024-01-01,5.00\na,2024-01-15,20.00\na,2024-02-12,30.00\n\
         b,2024-01-08,12.00\nb,2024-03-04,18.00\nc,2024-02-05,9.00\nd,2024-01-22,40.00\n\
         d,2024-01-29,44.00\nd,2024-02-26,41.00\n",
    );
    let v = json(&reallot(&[
        "clv",
        "--transactions",
        path.to_str().unwrap_or(""),
        "--period-end",
        "2024-03-25",
        "--unit",
        "week",
        "--json",
    ]));
    assert_eq!(v["settings"]["period_end"], "2024-03-25");
    assert_eq!(v["summary"]["customers"], 4);
    assert_eq!(v["summary"]["repeat_customers"], 3);
    let top = v["top_customers"].as_array().cloned().unwrap_or_default();
    let a = top
        .iter()
        .find(|c| c["customer_id"] == "a")
        .cloned()
        .unwrap_or_default();
    // a: first 2024-01-01, repeats in weeks 2 and 6, T = 12 weeks, mean repeat spend 25.
    assert_eq!(a["frequency"], 2);
    assert_eq!(a["recency"].as_f64(), Some(6.0));
    assert_eq!(a["T"].as_f64(), Some(12.0));
    assert_eq!(a["monetary"].as_f64(), Some(25.0));
}

#[test]
fn bad_files_name_file_row_column_and_value() {
    let path = temp_file(
        "bad-date.csv",
        "customer_id,date,amount\na,2024-01-01,1\na,2024-13-45,2\n",
    );
    let out = reallot(&["clv", "--transactions", path.to_str().unwrap_or("")]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("reallot: "), "{err}");
    assert!(
        err.contains("bad-date.csv: row 3, column date: cannot read '2024-13-45'"),
        "{err}"
    );

    let path = temp_file(
        "recency.csv",
        "customer_id,frequency,recency,T\nx,1,50,40\n",
    );
    let out = reallot(&["clv", "--summary", path.to_str().unwrap_or("")]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("recency.csv: row 2: recency must not exceed T"),
        "{err}"
    );

    let path = temp_file("cols.csv", "customer_id,when,amount\na,2024-01-01,1\n");
    let out = reallot(&["clv", "--transactions", path.to_str().unwrap_or("")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("missing column date"), "{err}");

    let out = reallot(&["clv", "--summary", "/nonexistent/none.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/none.csv"));

    let out = reallot(&["clv", "--summary", &cdnow(), "--transactions", &cdnow()]);
    assert_eq!(out.status.code(), Some(1));
    let out = reallot(&["clv", "--summary", &cdnow(), "--unit", "month"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--unit"));
}
