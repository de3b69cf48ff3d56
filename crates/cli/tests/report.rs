//! `reallot report` end to end: demo files in, tables or SPEC §7 JSON out, errors on stderr.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reallot"))
}

/// A fresh scale-s demo in a folder of its own.
fn demo_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reallot-report-{name}-{}", std::process::id()));
    let out = bin()
        .args(["demo", "--scale", "s", "--out"])
        .arg(&dir)
        .output()
        .expect("run reallot demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn json_report_has_the_spec_keys() {
    let dir = demo_dir("json");
    let out = bin()
        .arg("report")
        .arg(&dir)
        .args(["--json", "--as-of", "2026-01-01"])
        .output()
        .expect("run reallot report");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["as_of"], "2026-01-01");
    for key in [
        "funnel",
        "conversion",
        "response_time",
        "sales_cycle",
        "roi",
        "campaigns",
        "satisfaction",
        "workload",
        "score",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let conv = &v["conversion"];
    for cut in [
        "by_rep",
        "by_source",
        "by_region",
        "by_customer_type",
        "by_campaign",
        "by_team",
        "by_month",
    ] {
        let rows = conv[cut].as_array().expect(cut);
        assert!(!rows.is_empty(), "{cut} is empty");
        let mut keys: Vec<&str> = rows[0]
            .as_object()
            .expect("row object")
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "ci_high",
                "ci_low",
                "key",
                "leads",
                "rate",
                "shrunk_rate",
                "won"
            ],
            "{cut}"
        );
        let total: u64 = rows.iter().map(|r| r["leads"].as_u64().unwrap_or(0)).sum();
        assert_eq!(Some(total), conv["overall"]["leads"].as_u64(), "{cut}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn text_report_prints_tables() {
    let dir = demo_dir("text");
    let out = bin()
        .arg("report")
        .arg(&dir)
        .output()
        .expect("run reallot report");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Report as of 2026-01-01"),
        "{}",
        &text[..80.min(text.len())]
    );
    for title in [
        "Funnel",
        "Conversion by rep",
        "Response time",
        "Sales cycle",
        "ROI by source",
        "Campaigns",
        "Satisfaction",
        "Workload",
        "Lead score",
        "Calibration",
    ] {
        assert!(text.contains(title), "missing {title}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_arguments_fail_with_a_message() {
    let out = bin()
        .args(["report", "no-such-folder-xyz"])
        .output()
        .expect("run reallot report");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("reallot: no-such-folder-xyz"), "{err}");

    let dir = std::env::temp_dir();
    let out = bin()
        .arg("report")
        .arg(&dir)
        .args(["--as-of", "2025-13-40"])
        .output()
        .expect("run reallot report");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--as-of") && err.contains("2025-13-40"),
        "{err}"
    );
}
