//! `reallot simulate` end to end: same seed → same bytes, JSON keys per SPEC §7, clear errors.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reallot"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Writes the demo (scale s) once into the target folder; tests run in parallel, so one
/// writes it while the others wait rather than read half-written files.
fn demo_dir() -> PathBuf {
    static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_writer = WRITING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("simulate-demo-s");
    if !dir.join("leads.csv").exists() {
        let st = bin()
            .args(["demo", "--scale", "s", "--out"])
            .arg(&dir)
            .status()
            .expect("runs demo");
        assert!(st.success());
    }
    dir
}

fn simulate(args: &[&str]) -> std::process::Output {
    bin()
        .arg("simulate")
        .arg(demo_dir())
        .arg("--scenario")
        .arg(root().join("examples/compare-strategies.toml"))
        .args(args)
        .output()
        .expect("runs simulate")
}

#[test]
fn same_seed_same_json_with_the_spec_keys() {
    let a = simulate(&["--runs", "2", "--seed", "5", "--json"]);
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    let b = simulate(&["--runs", "2", "--seed", "5", "--json"]);
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).expect("json");
    let s = &v["strategies"];
    assert_eq!(s.as_array().map(Vec::len), Some(5));
    assert_eq!(s[0]["name"], "historical");
    for key in ["mean", "p05", "p95"] {
        assert!(s[0]["conversions"][key].is_number());
        assert!(s[0]["revenue"][key].is_number());
        assert!(s[0]["uplift_vs_baseline"]["conversions"][key].is_number());
    }
    assert!(s[1]["uplift_vs_baseline"].is_null());
    assert!(v["backtest"]["historical"]["conversions"].is_number());
    assert!(v["backtest"]["verdict"].is_string());
    let c = simulate(&["--runs", "2", "--seed", "6", "--json"]);
    assert_ne!(a.stdout, c.stdout);
}

#[test]
fn table_output_names_every_strategy() {
    let out = simulate(&["--runs", "1"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "historical",
        "round robin",
        "score based",
        "batch optimal",
        "backtest:",
    ] {
        assert!(text.contains(name), "{name} missing in\n{text}");
    }
}

#[test]
fn bad_scenarios_fail_with_a_message() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let bad = dir.join("bad-scenario.toml");
    std::fs::write(
        &bad,
        "baseline = \"x\"\n[[strategies]]\nname = \"a\"\nselector = { kind = \"round_robin\" }\n",
    )
    .expect("write");
    let out = bin()
        .arg("simulate")
        .arg(demo_dir())
        .arg("--scenario")
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("reallot: ") && err.contains("bad-scenario.toml") && err.contains("\"x\""),
        "{err}"
    );
    let out = bin()
        .arg("simulate")
        .arg(demo_dir())
        .arg("--scenario")
        .arg(dir.join("missing.toml"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml"));
}
