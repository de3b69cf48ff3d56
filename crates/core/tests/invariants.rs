//! The core's invariants, stated as absences and checked: it pulls in no web or entropy crate,
//! and its source never touches files, the network, the clock, the environment or an OS RNG.

#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

const FORBIDDEN_CRATES: &[&str] = &["wasm-bindgen", "web-sys", "js-sys", "getrandom"];

fn normal_dependency_tree(target: Option<&str>) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "tree",
        "-p",
        "reallot-core",
        "-e",
        "normal",
        "--prefix",
        "none",
        "--offline",
    ]);
    if let Some(t) = target {
        cmd.args(["--target", t]);
    }
    let out = cmd
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 tree")
}

#[test]
fn core_depends_on_no_web_or_entropy_crate() {
    for target in [None, Some("wasm32-unknown-unknown")] {
        let tree = normal_dependency_tree(target);
        assert!(
            tree.lines().any(|l| l.starts_with("reallot-core ")),
            "tree lists the core:\n{tree}"
        );
        for line in tree.lines() {
            let name = line.split_whitespace().next().unwrap_or("");
            assert!(
                !FORBIDDEN_CRATES.contains(&name),
                "reallot-core depends on {name} (target {target:?}); the core must stay pure"
            );
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let p = entry.expect("dir entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn core_source_does_no_io_reads_no_clock_draws_no_entropy() {
    const FORBIDDEN: &[&str] = &[
        "std::fs",
        "std::net",
        "std::env",
        "std::process",
        "std::thread",
        "std::time",
        "SystemTime",
        "Instant::now",
        "Utc::now",
        "Local::now",
        "thread_rng",
        "rand::rng(",
        "from_entropy",
        "from_os_rng",
        "OsRng",
        "getrandom",
        "File::open",
        "stdin(",
        "println!",
        "eprintln!",
    ];
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 5, "found the core's sources");
    let mut hits = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for pat in FORBIDDEN {
                if code.contains(pat) {
                    hits.push(format!("{}:{}: {pat}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "the core must stay sans-IO:\n{}",
        hits.join("\n")
    );
}
