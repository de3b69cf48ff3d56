//! Fuzz target: the data-quality check on any dataset import can build. Input is records:
//! a table byte, then the record's cells separated by `\x1f`, records separated by `\n`; the
//! check then runs as of a date taken from the first bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot_core::Dataset;
use reallot_core::model::{TableKind, Timestamp};
use reallot_core::quality;

fuzz_target!(|data: &[u8]| {
    let Some((as_of, rest)) = data.split_first_chunk::<8>() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut ds = Dataset::new();
    for line in text.lines().take(2_000) {
        let mut chars = line.chars();
        let Some(k) = chars.next() else {
            continue;
        };
        let kind = TableKind::ALL[(k as usize) % TableKind::ALL.len()];
        let values: Vec<&str> = chars.as_str().split('\u{1f}').collect();
        let _ = ds.push_record(kind, &values);
    }
    let _ = quality::check(&ds, Timestamp(i64::from_le_bytes(*as_of)));
});
