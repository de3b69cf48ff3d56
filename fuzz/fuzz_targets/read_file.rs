//! Fuzz target: any bytes, under any of the file names that steer format detection, must give
//! a parsed file or an error, and loading what parsed must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot_core::Dataset;
use reallot_core::import::{ReadOptions, load_into, read_file};
use reallot_core::model::Timestamp;

const NAMES: [&str; 4] = ["x.csv", "x.jsonl", "leads.txt", "orders.xlsx"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    let opts = ReadOptions {
        max_rows: 10_000,
        max_cols: 200,
        ..ReadOptions::default()
    };
    if let Ok(parsed) = read_file(name, bytes, &opts) {
        let _ = parsed.summary();
        if let Some(m) = &parsed.mapping {
            let mut ds = Dataset::new();
            let _ = load_into(&mut ds, &parsed, m);
            let _ = reallot_core::quality::check(&ds, Timestamp(0));
        }
    }
});
