//! Spreadsheets (XLSX, XLS) through calamine, read from bytes: the first or a named sheet,
//! date cells as canonical dates, other numbers as their plain text, with bounded work.

use super::ImportError;
use super::grid::Grid;
use crate::model::Timestamp;
use calamine::{Data, DataRef, Reader, Xls, Xlsx};
use std::io::{Cursor, Read};

/// Limits that keep a hostile or runaway workbook from exhausting memory.
#[derive(Clone, Copy, Debug)]
pub struct SheetLimits {
    pub max_rows: usize,
    pub max_cols: usize,
    /// Non-empty cells.
    pub max_cells: usize,
    /// Bytes all parts of an XLSX may unzip to.
    pub max_unzipped_bytes: u64,
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

/// Whether an XLS container (MS-CFB) has a sector chain that loops. calamine follows chains
/// until their end marker, so a loop would grow memory without bound (found by fuzzing); this
/// rebuilds the sector allocation table as calamine does and looks for a cycle first.
fn cfb_chain_loops(bytes: &[u8]) -> bool {
    let u32_at = |off: usize| -> Option<u32> {
        let b = bytes.get(off..off.checked_add(4)?)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let shift = bytes.get(30).copied().unwrap_or(9);
    let sector_size = match shift {
        9 => 512usize,
        12 => 4096,
        _ => return false,
    };
    let sector = |id: u32| -> Option<Vec<u32>> {
        let start = (id as usize).checked_add(1)?.checked_mul(sector_size)?;
        let b = bytes.get(start..start.checked_add(sector_size)?)?;
        Some(
            b.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    };
    const RESERVED: u32 = 0xFFFF_FFFA;
    const DIFSECT: u32 = 0xFFFF_FFFC;
    let max_sectors = bytes.len() / sector_size + 1;
    let mut difat: Vec<u32> = (0..109).filter_map(|i| u32_at(76 + 4 * i)).collect();
    let mut next = u32_at(68).unwrap_or(u32::MAX);
    let mut steps = 0;
    while next < RESERVED {
        steps += 1;
        if steps > max_sectors {
            return true;
        }
        match sector(next) {
            Some(ids) => difat.extend(ids),
            None => return false,
        }
        match difat.pop() {
            Some(n) => next = n,
            None => return false,
        }
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in difat.into_iter().filter(|&id| id < DIFSECT) {
        match sector(id) {
            Some(ids) => fat.extend(ids),
            None => return false,
        }
    }
    // The table maps each sector to the next: a functional graph; look for a cycle.
    let mut state = vec![0u8; fat.len()];
    let mut path = Vec::new();
    for start in 0..fat.len() {
        let mut cur = start;
        path.clear();
        loop {
            match state.get(cur) {
                Some(0) => {
                    state[cur] = 1;
                    path.push(cur);
                    cur = fat.get(cur).map_or(usize::MAX, |&n| n as usize);
                }
                Some(1) => return true,
                _ => break,
            }
        }
        for &p in &path {
            state[p] = 2;
        }
    }
    false
}

/// Refuses an XLSX whose parts unzip to more than `max` bytes in all, or any part that unzips
/// to more than its directory entry declares: calamine inflates the shared strings whole and
/// buffers XML text, so a zip bomb would exhaust memory before any row limit applies. Each
/// part is inflated into a counter that stops one byte past what it may hold, so a bomb costs
/// at most `max` bytes of inflating and no memory. A container zip cannot open is left for
/// calamine to report.
fn check_unzipped_size(file: &str, bytes: &[u8], max: u64) -> Result<(), ImportError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let bomb = |detail: String| ImportError::TooLarge {
        file: file.to_owned(),
        detail,
    };
    let mut total = 0u64;
    for i in 0..archive.len() {
        let Ok(mut part) = archive.by_index(i) else {
            continue;
        };
        let name = part.name().to_owned();
        let declared = part.size();
        let room = max.saturating_sub(total);
        if declared > room {
            return Err(bomb(format!(
                "part {name} unzips to {declared} bytes; a workbook may unzip to at most {max} bytes"
            )));
        }
        let read = std::io::copy(
            &mut (&mut part).take(declared.saturating_add(1)),
            &mut std::io::sink(),
        );
        // A damaged stream is calamine's to report; only the size is checked here.
        let Ok(n) = read else { continue };
        if n > declared {
            return Err(bomb(format!(
                "part {name} unzips to more than the {declared} bytes it declares (a zip bomb?)"
            )));
        }
        total += n;
    }
    Ok(())
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
    let max_cells = limits.max_cells;
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
            check_unzipped_size(file, bytes, limits.max_unzipped_bytes)?;
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
            if cfb_chain_loops(bytes) {
                return Err(ImportError::Sheet {
                    file: file.to_owned(),
                    detail: "corrupt xls: a sector chain loops".into(),
                });
            }
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
    fn a_looping_xls_sector_chain_is_an_error_not_an_out_of_memory() {
        // Found by `cargo fuzz run read_file` (first byte is the fuzzer's name selector).
        let crash = include_bytes!("../../../../tests/data/import/fuzz/xls-cfb-chain-oom.bin");
        let limits = SheetLimits {
            max_rows: 10,
            max_cols: 10,
            max_cells: 100,
            max_unzipped_bytes: 1 << 20,
        };
        let mut blank = 0;
        let e = read_sheet(
            "c.xls",
            &crash[1..],
            Workbook::Xls,
            None,
            limits,
            &mut blank,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "c.xls: corrupt xls: a sector chain loops");
        let good = include_bytes!("../../../../tests/data/import/reps.xls");
        assert!(!cfb_chain_loops(good));
    }

    /// A zip of one deflated part, with its declared size optionally replaced by `lie`.
    fn zip_of(name: &str, data: &[u8], lie: Option<u32>) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(name, opts).unwrap();
        w.write_all(data).unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        if let Some(size) = lie {
            // The uncompressed size sits 22 bytes into a local header, 24 into a central one.
            for (sig, off) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
                let at = bytes.windows(4).position(|w| w == sig).unwrap() + off;
                bytes[at..at + 4].copy_from_slice(&size.to_le_bytes());
            }
        }
        bytes
    }

    #[test]
    fn a_zip_bomb_is_refused_before_calamine_inflates_it() {
        let limits = SheetLimits {
            max_rows: 10,
            max_cols: 10,
            max_cells: 100,
            max_unzipped_bytes: 1 << 20,
        };
        let zeros = vec![b' '; 2 << 20];
        let mut blank = 0;
        let honest = zip_of("xl/sharedStrings.xml", &zeros, None);
        assert!(honest.len() < 10_000, "{}", honest.len());
        let e = read_sheet("b.xlsx", &honest, Workbook::Xlsx, None, limits, &mut blank);
        assert_eq!(
            e.unwrap_err().to_string(),
            "b.xlsx: too large: part xl/sharedStrings.xml unzips to 2097152 bytes; a workbook \
             may unzip to at most 1048576 bytes"
        );
        let lying = zip_of("xl/sharedStrings.xml", &zeros, Some(100));
        let e = read_sheet("b.xlsx", &lying, Workbook::Xlsx, None, limits, &mut blank);
        assert_eq!(
            e.unwrap_err().to_string(),
            "b.xlsx: too large: part xl/sharedStrings.xml unzips to more than the 100 bytes it \
             declares (a zip bomb?)"
        );
        // A real workbook well under the limit reads.
        let xlsx = include_bytes!("../../../../tests/data/import/orders.xlsx");
        let read = read_sheet("o.xlsx", xlsx, Workbook::Xlsx, None, limits, &mut blank).unwrap();
        assert_eq!(read.sheet, "订单");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let limits = SheetLimits {
            max_rows: 10,
            max_cols: 10,
            max_cells: 100,
            max_unzipped_bytes: 1 << 20,
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
