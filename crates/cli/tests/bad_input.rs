//! The bad-input corpus (`tests/data/bad/`, made by its `make_bad.py`; a 50 MB line and
//! gigabyte zip bombs are made here at run time) through `reallot inspect` and `reallot
//! report`: each file gives its exit code and a message naming the file and, where there is
//! one, the row, column, value and what was expected. Every run sits under a 60 s guard so a
//! hang fails the test instead of blocking CI.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const GUARD: Duration = Duration::from_secs(60);

fn bad(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/bad")
        .join(name)
        .display()
        .to_string()
}

/// Runs `reallot`, killing it if it has not finished within [`GUARD`].
fn reallot(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_reallot"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run reallot");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(GUARD) {
        Ok(out) => out.expect("wait for reallot"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("reallot {args:?} did not finish within {GUARD:?}");
        }
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = reallot(args);
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn inspect(path: &str) -> Run {
    run(&["inspect", "--as-of", "2026-01-01", path])
}

/// Exit 1 with exactly one line on stderr: `reallot: <path>: <expected>`.
fn assert_refused(r: &Run, path: &str, expected: &str) {
    assert_eq!(r.code, 1, "stdout: {}", r.stdout);
    assert_eq!(r.stderr, format!("reallot: {path}: {expected}\n"));
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reallot-bad-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn empty_file() {
    let p = bad("empty.csv");
    assert_refused(&inspect(&p), &p, "the file is empty");
    assert_refused(&run(&["report", &p]), &p, "the file is empty");
}

#[test]
fn binary_garbage() {
    let p = bad("garbage.csv");
    let expected = "byte 1: neither valid utf-8 nor gb18030/gbk; choose the encoding explicitly";
    assert_refused(&inspect(&p), &p, expected);
    assert_refused(&run(&["report", &p]), &p, expected);
}

#[test]
fn a_50_mb_single_line() {
    let dir = temp_dir("line");
    let p = dir.join("line.csv");
    std::fs::write(&p, vec![b'x'; 50 << 20]).unwrap();
    let p = p.display().to_string();
    let r = run(&["report", &p]);
    assert_refused(
        &r,
        &p,
        &format!(
            "cannot tell which table this is (columns: {}… (52428800 bytes)); name the table explicitly",
            "x".repeat(200)
        ),
    );
    // inspect reports the file as of no table, and says why on stderr.
    let r = inspect(&p);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("table unknown"), "{}", r.stdout);
    assert!(r.stdout.len() < 10_000 && r.stderr.len() < 1_000);
    assert!(
        r.stderr
            .starts_with(&format!("reallot: warning: {p}: cannot tell which table"))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unclosed_quote() {
    let p = bad("unclosed_quote.csv");
    let r = inspect(&p);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(
        r.stdout.contains("table leads: 3 kept, 0 dropped"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("! unclosed_quote: 1 × a quoted field never closed; its line was read with the quotes as plain text\n      row 3: \"\" (quote opened on line 3)"),
        "{}",
        r.stdout
    );
}

#[test]
fn mixed_encodings() {
    let p = bad("mixed_encoding.csv");
    let expected = "byte 50: line 3: mixed encodings: the 6 non-ascii characters before this byte are utf-8 but the byte 0xd3 here is not; save the whole file in one encoding, or choose one explicitly";
    assert_refused(&inspect(&p), &p, expected);
    assert_refused(&run(&["report", &p]), &p, expected);
}

#[test]
fn wrong_table() {
    // An orders export saved as leads.csv: read as orders, and the mismatch said.
    let p = bad("leads.csv");
    let r = inspect(&p);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.contains("table orders: 2 kept"), "{}", r.stdout);
    assert!(
        r.stdout.contains("! table_mismatch: 1 × the file is named for leads but its columns fit orders; it is read as orders (name the table to override)"),
        "{}",
        r.stdout
    );
    // A file no table fits.
    let p = bad("no_table.csv");
    let expected = "cannot tell which table this is (columns: colour, weight, flavour); name the table explicitly";
    assert_refused(&run(&["report", &p]), &p, expected);
    let r = inspect(&p);
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, format!("reallot: warning: {p}: {expected}\n"));
}

#[test]
fn duplicated_headers() {
    let p = bad("duplicated_headers.csv");
    let r = inspect(&p);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(
        r.stdout.contains("! duplicate_header [lead_id]: 1 × headers repeated; only one column of a name can be mapped, the others are not imported unless mapped by hand\n      row 1: \"lead_id\" (column 3 repeats column 1)"),
        "{}",
        r.stdout
    );
}

#[test]
fn dates_in_the_year_9999() {
    let p = bad("year_9999.csv");
    let r = inspect(&p);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(
        r.stdout.contains("! future_date [created_at]: 1 × created_at after the as-of date 2026-01-01\n      row 2: \"L2\" (created_at 9999-12-31)"),
        "{}",
        r.stdout
    );
    // With --as-of, and without it (then "now" is capped at tomorrow by the system clock, not
    // moved to the year 10000), the year-9999 dates are future dates in the report too.
    for args in [
        vec!["report", &p, "--json", "--as-of", "2026-01-01"],
        vec!["report", &p, "--json"],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(
            json["as_of"]
                .as_str()
                .is_some_and(|d| !d.starts_with("10000")),
            "{}",
            json["as_of"]
        );
        let quality = json["data_quality"].to_string();
        assert!(quality.contains("future_date"), "{quality}");
    }
}

#[test]
fn negative_amounts() {
    let p = bad("negative_amounts.csv");
    let r = inspect(&p);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(
        r.stdout.contains("! negative_amount [amount]: 2 × amount below zero (a return, a credit note or a sign error); kept as is\n      row 2: \"O2\" (amount -80.00)"),
        "{}",
        r.stdout
    );
    let r = run(&["report", &p, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn an_xlsx_whose_used_range_is_the_whole_sheet() {
    let p = bad("full_used_range.xlsx");
    let r = inspect(&p);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.contains("header row 1, 2 rows"), "{}", r.stdout);
    assert!(
        r.stdout.contains("table orders: 2 kept, 0 dropped"),
        "{}",
        r.stdout
    );
}

/// CRC-32 (IEEE), bitwise: only a few small parts need it.
fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |mut c, &b| {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
        c
    })
}

/// A zip of (name, method, crc, declared size, stored bytes), written by hand so that a part
/// can carry a deflate stream far larger than it would be worth compressing here.
fn zip(parts: &[(&str, u16, u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, method, crc, size, data) in parts {
        let offset = out.len() as u32;
        let head = |sig: u32, central: bool| {
            let mut h = sig.to_le_bytes().to_vec();
            if central {
                h.extend(20u16.to_le_bytes());
            }
            for v in [20u16, 0, *method, 0, 0x21] {
                h.extend(v.to_le_bytes());
            }
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes());
            if central {
                // Comment length, disk, internal and external attributes.
                h.extend([0u8; 10]);
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(head(0x0403_4b50, false));
        out.extend(data);
        central.extend(head(0x0201_4b50, true));
    }
    let (cd_offset, cd_len, n) = (out.len() as u32, central.len() as u32, parts.len() as u16);
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, n, n] {
        out.extend(v.to_le_bytes());
    }
    out.extend(cd_len.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A raw deflate stream of `mib` MiB of spaces: one compressed MiB, fully flushed so that it
/// stands alone, repeated, then an empty final block. A 2 GiB stream is about 2 MB.
fn deflated_spaces(mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut c = Compress::new(Compression::best(), false);
    let mut chunk = Vec::with_capacity(1 << 16);
    c.compress_vec(&vec![b' '; 1 << 20], &mut chunk, FlushCompress::Full)
        .expect("deflate");
    let mut out = Vec::with_capacity(chunk.len() * mib + 2);
    for _ in 0..mib {
        out.extend_from_slice(&chunk);
    }
    // BFINAL=1, fixed Huffman, end of block.
    out.extend_from_slice(&[0x03, 0x00]);
    out
}

fn xlsx_bomb(declared: u32) -> Vec<u8> {
    let text = |s: &str| {
        let b = s.as_bytes().to_vec();
        (crc32(&b), b.len() as u32, b)
    };
    let stored = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="orders" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    let mut parts: Vec<(&str, u16, u32, u32, Vec<u8>)> = stored
        .iter()
        .map(|(name, s)| {
            let (crc, size, b) = text(s);
            (*name, 0, crc, size, b)
        })
        .collect();
    // The sheet: 2 GiB of spaces. Its CRC is never reached: the size check refuses it first.
    parts.push((
        "xl/worksheets/sheet1.xml",
        8,
        0,
        declared,
        deflated_spaces(2048),
    ));
    zip(&parts)
}

fn write_bomb(dir: &Path, name: &str, declared: u32) -> String {
    let p = dir.join(name);
    std::fs::File::create(&p)
        .and_then(|mut f| f.write_all(&xlsx_bomb(declared)))
        .expect("write the bomb");
    p.display().to_string()
}

#[test]
fn zip_bombs_disguised_as_xlsx() {
    let dir = temp_dir("bomb");
    // Declares its 2 GiB: refused from the directory, before any inflating.
    let p = write_bomb(&dir, "orders.xlsx", 2 << 30);
    assert!(std::fs::metadata(&p).unwrap().len() < 4 << 20);
    let expected = "too large: part xl/worksheets/sheet1.xml unzips to 2147483648 bytes; a workbook may unzip to at most 1073741824 bytes";
    assert_refused(&inspect(&p), &p, expected);
    assert_refused(&run(&["report", &p]), &p, expected);
    // Declares 1000 bytes: refused once inflating passes them.
    let p = write_bomb(&dir, "leads.xlsx", 1_000);
    assert_refused(
        &inspect(&p),
        &p,
        "too large: part xl/worksheets/sheet1.xml unzips to more than the 1000 bytes it declares (a zip bomb?)",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
