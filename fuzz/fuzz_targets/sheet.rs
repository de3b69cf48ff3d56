//! Fuzz target: the workbook readers (XLSX through calamine's zip and XML, XLS through its
//! compound-file container) on any bytes, with small limits so that hostile sizes surface as
//! errors; a parsed sheet must also load without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot_core::Dataset;
use reallot_core::import::{FileFormat, ReadOptions, load_into, read_file};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let (name, format) = if selector & 1 == 0 {
        ("x.xlsx", FileFormat::Xlsx)
    } else {
        ("x.xls", FileFormat::Xls)
    };
    let opts = ReadOptions {
        format: Some(format),
        sheet: (selector & 2 != 0).then(|| "Sheet2".to_owned()),
        max_rows: 10_000,
        max_cols: 200,
        max_cells: 100_000,
        ..ReadOptions::default()
    };
    if let Ok(parsed) = read_file(name, bytes, &opts) {
        let _ = parsed.summary();
        if let Some(m) = &parsed.mapping {
            let mut ds = Dataset::new();
            let _ = load_into(&mut ds, &parsed, m);
        }
    }
});
