//! Spreadsheets (XLSX, XLS) through calamine, read from bytes: the first or a named sheet,
//! date cells as canonical dates, other numbers as their plain text, with bounded work.

use super::ImportError;
use super::grid::Grid;
use crate::model::Timestamp;
use calamine::{Data, DataRef, Reader, Xls, Xlsx};
use std::io::Cursor;

/// Limits that keep a hostile or runaway workbook from exhausting memory.
#[derive(Clone, Copy, Debug)]
pub struct SheetLimits {
    pub max_rows: usize,
    pub max_cols: usize,
}

/// The chosen sheet's cells, its name and all sheet names.
#[derive(Debug)]
pub struct SheetRead {
    pub grid: Grid,
    pub sheet: String,
    pub sheets: Vec<String>,
}

/// Which workbook format.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Workbook {
    Xlsx,
    Xls,
}

fn choose(file: &str, names: &[String], wanted: Option<&str>) -> Result<String, ImportError> {
    match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w || n.trim().eq_ignore_ascii_case(w.trim()))
            .cloned()
            .ok_or_else(|| ImportError::Sheet {
                file: file.to_owned(),
                detail: format!("no sheet named {w:?}; sheets: {}", names.join(", ")),
            }),
        None => names.first().cloned().ok_or_else(|| ImportError::Sheet {
            file: file.to_owned(),
            detail: "the workbook has no sheets".into(),
        }),
    }
}

fn sheet_error(file: &str, e: impl std::fmt::Display) -> ImportError {
    ImportError::Sheet {
        file: file.to_owned(),
        detail: e.to_string().to_lowercase(),
    }
}

/// A number as text: whole numbers without `.0`, others in their shortest form.
pub fn number_text(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn date_text(serial: f64) -> String {
    match Timestamp::from_excel_serial(serial) {
        Some(t) => t.to_string(),
        None => number_text(serial),
    }
}

fn data_ref_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => date_text(dt.as_f64()),
        DataRef::DateTime(dt) => number_text(dt.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

fn data_text(d: &Data) -> String {
    match d {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => date_text(dt.as_f64()),
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

fn too_large(file: &str, what: &str, limit: usize) -> ImportError {
    ImportError::TooLarge {
        file: file.to_owned(),
        detail: format!("the sheet has more than {limit} {what}"),
    }
}

/// Lays sparse `(row, col, text)` cells (row-major) out as a grid, one grid row per sheet row
/// that has a value; blank rows are counted, not stored.
fn to_grid(cells: Vec<(u32, u32, String)>, blank_rows: &mut usize) -> Grid {
    let mut grid = Grid::new();
    let mut cur: Option<u32> = None;
    let mut col = 0u32;
    for (r, c, text) in cells {
        if cur != Some(r) {
            if let Some(prev) = cur {
                grid.end_row(prev as usize + 1);
                *blank_rows += (r.saturating_sub(prev) as usize).saturating_sub(1);
            }
            cur = Some(r);
            col = 0;
        }
        while col < c {
            grid.push_cell("");
            col += 1;
        }
        grid.push_cell(&text);
        col = c + 1;
    }
    if let Some(prev) = cur {
        grid.end_row(prev as usize + 1);
    }
    grid
}

/// Reads one sheet of a workbook. Empty cells are dropped before layout so that a sheet whose
/// used range claims a million rows costs only its real cells.
pub fn read_sheet(
    file: &str,
    bytes: &[u8],
    kind: Workbook,
    wanted: Option<&str>,
    limits: SheetLimits,
    blank_rows: &mut usize,
) -> Result<SheetRead, ImportError> {
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let max_cells = limits.max_rows.saturating_mul(limits.max_cols.min(64));
    let push = |cells: &mut Vec<(u32, u32, String)>, r: u32, c: u32, text: String| {
        if text.is_empty() {
            return Ok(());
        }
        if r as usize >= limits.max_rows {
            return Err(too_large(file, "rows", limits.max_rows));
        }
        if c as usize >= limits.max_cols {
            return Err(too_large(file, "columns", limits.max_cols));
        }
        if cells.len() >= max_cells {
            return Err(too_large(file, "cells", max_cells));
        }
        cells.push((r, c, text));
        Ok(())
    };
    let (sheet, sheets) = match kind {
        Workbook::Xlsx => {
            let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| sheet_error(file, e))?;
            let names = wb.sheet_names();
            let sheet = choose(file, &names, wanted)?;
            let mut rdr = wb
                .worksheet_cells_reader(&sheet)
                .map_err(|e| sheet_error(file, e))?;
            while let Some(cell) = rdr.next_cell().map_err(|e| sheet_error(file, e))? {
                let (r, c) = cell.get_position();
                push(&mut cells, r, c, data_ref_text(cell.get_value()))?;
            }
            (sheet, names)
        }
        Workbook::Xls => {
            let mut wb = Xls::new(Cursor::new(bytes)).map_err(|e| sheet_error(file, e))?;
            let names = wb.sheet_names();
            let sheet = choose(file, &names, wanted)?;
            let range = wb
                .worksheet_range(&sheet)
                .map_err(|e| sheet_error(file, e))?;
            for (r, c, d) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                let r = u32::try_from(r).unwrap_or(u32::MAX).saturating_add(r0);
                let c = u32::try_from(c).unwrap_or(u32::MAX).saturating_add(c0);
                push(&mut cells, r, c, data_text(d))?;
            }
            (sheet, names)
        }
    };
    // Cell readers emit row-major order; sort anyway since the format does not promise it.
    if !cells.is_sorted_by_key(|(r, c, _)| (*r, *c)) {
        cells.sort_by_key(|(r, c, _)| (*r, *c));
    }
    cells.dedup_by_key(|(r, c, _)| (*r, *c));
    Ok(SheetRead {
        grid: to_grid(cells, blank_rows),
        sheet,
        sheets,
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(number_text(45356.0), "45356");
        assert_eq!(number_text(1234.5), "1234.5");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(date_text(45356.5), "2024-03-05 12:00:00");
    }

    #[test]
    fn lays_out_sparse_cells_with_gaps() {
        let mut blank = 0;
        let g = to_grid(
            vec![(0, 0, "a".into()), (0, 2, "c".into()), (3, 1, "x".into())],
            &mut blank,
        );
        assert_eq!(g.len(), 2);
        assert_eq!(g.row(0).iter().collect::<Vec<_>>(), ["a", "", "c"]);
        assert_eq!(g.row(1).iter().collect::<Vec<_>>(), ["", "x"]);
        assert_eq!((g.source_row(0), g.source_row(1), blank), (1, 4, 2));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let limits = SheetLimits {
            max_rows: 10,
            max_cols: 10,
        };
        let mut blank = 0;
        let e = read_sheet(
            "b.xlsx",
            b"PK\x03\x04garbage",
            Workbook::Xlsx,
            None,
            limits,
            &mut blank,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("b.xlsx: "), "{e}");
        let e = read_sheet(
            "b.xls",
            b"\xD0\xCF\x11\xE0junk",
            Workbook::Xls,
            None,
            limits,
            &mut blank,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("b.xls: "), "{e}");
    }
}
