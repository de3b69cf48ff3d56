//! No user string may reach the DOM as HTML: the app's and the worker's sources use no HTML
//! sink (Leptos `inner_html`, `set_inner_html`, `insert_adjacent_html`, `outer_html`,
//! `document.write`). Text nodes and attributes set through Leptos are escaped by the DOM
//! itself; the browser journey `security.mjs` checks the rendered pages.

use std::path::{Path, PathBuf};

const SINKS: &[&str] = &[
    "inner_html",
    "set_inner_html",
    "insert_adjacent_html",
    "outer_html",
    "write_with_str",
    "writeln_with_str",
    "create_contextual_fragment",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_source_writes_html() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "../crates/worker/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "found only {} files", files.len());
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read source");
        for (n, line) in text.lines().enumerate() {
            for sink in SINKS {
                if line.contains(sink) {
                    found.push(format!("{}:{}: {sink}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "HTML sinks in the app:\n{}",
        found.join("\n")
    );
}
