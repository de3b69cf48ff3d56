//! Fuzz target: the column mapper on arbitrary headers and rows. Input is text: lines of
//! cells separated by `\x1f`, the first line the headers; the last line, if it starts with
//! `\x1e`, holds user overrides as (column, field) byte pairs. Every table is guessed, the
//! overrides applied, and the rows loaded under the result and checked for quality.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot_core::Dataset;
use reallot_core::import::{Grid, ReadOptions, guess_mapping, load_into, read_file, shape_of};
use reallot_core::model::{TableKind, Timestamp};
use reallot_core::quality;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (body, overrides) = match text.rsplit_once("\n\u{1e}") {
        Some((b, o)) => (b, o.as_bytes()),
        None => (text, &[][..]),
    };
    let mut lines = body.lines();
    let headers: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split('\u{1f}')
        .map(str::to_owned)
        .take(200)
        .collect();
    let mut grid = Grid::new();
    for (i, line) in lines.take(500).enumerate() {
        for cell in line.split('\u{1f}').take(200) {
            grid.push_cell(cell);
        }
        grid.end_row(i + 2);
    }
    let rows: Vec<_> = grid.rows().collect();
    let kind = TableKind::ALL[usize::from(selector) % TableKind::ALL.len()];
    for k in TableKind::ALL {
        let m = guess_mapping(k, &headers, &rows);
        let _ = (
            m.field_columns(),
            m.missing_required(),
            m.unmapped().count(),
        );
    }
    let _ = shape_of(&headers);

    // The same cells as a file, read with the table fixed, then overridden and loaded.
    let csv = body.replace('\u{1f}', "\t");
    let opts = ReadOptions {
        table: Some(kind),
        delimiter: Some('\t'),
        max_rows: 1_000,
        max_cols: 200,
        max_cells: 100_000,
        ..ReadOptions::default()
    };
    let Ok(parsed) = read_file("x.csv", csv.as_bytes(), &opts) else {
        return;
    };
    let Some(mut m) = parsed.mapping.clone() else {
        return;
    };
    let fields = kind.fields();
    for pair in overrides.chunks(2) {
        let col = usize::from(pair[0]);
        let field = pair
            .get(1)
            .and_then(|&f| fields.get(usize::from(f)))
            .map(|f| f.name);
        let _ = m.set(col, field);
    }
    let mut ds = Dataset::new();
    let report = load_into(&mut ds, &parsed, &m);
    assert_eq!(report.rows_kept + report.rows_dropped, report.rows_read);
    let _ = quality::check(&ds, Timestamp(i64::from(selector) * 86_400 * 365));
});
