//! Canonical CSV output: RFC 4180 lines with canonical headers, as the demo writes them and
//! `reallot convert` emits. Bytes into a caller's buffer; the caller does the I/O.

use crate::dataset::Dataset;
use crate::model::TableKind;

/// Appends one CSV line (with `\n`), quoting only the fields that need it.
pub fn csv_line<S: AsRef<str>>(fields: &[S], out: &mut Vec<u8>) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let f = f.as_ref();
        if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            out.push(b'"');
            for b in f.bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(f.as_bytes());
        }
    }
    out.push(b'\n');
}

/// The canonical header line of a table.
pub fn header_line(kind: TableKind, out: &mut Vec<u8>) {
    let names: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
    csv_line(&names, out);
}

/// A whole table of a dataset as canonical UTF-8 CSV.
pub fn table_csv(ds: &Dataset, kind: TableKind) -> Vec<u8> {
    let mut out = Vec::new();
    header_line(kind, &mut out);
    let mut rec = Vec::new();
    for row in 0..ds.sizes().get(kind) {
        ds.write_record(kind, row, &mut rec);
        csv_line(&rec, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        let mut out = Vec::new();
        csv_line(&["a", "b,c", "say \"hi\"", "two\nlines", ""], &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\n"
        );
    }

    #[test]
    fn writes_a_table_with_its_header() {
        let mut ds = Dataset::new();
        ds.push_record(
            TableKind::Campaigns,
            &[
                "CP1",
                "春节促销",
                "online",
                "5000",
                "2024-01-01",
                "2024-02-01",
            ],
        );
        let csv = String::from_utf8(table_csv(&ds, TableKind::Campaigns)).unwrap();
        assert_eq!(
            csv,
            "campaign_id,name,channel,cost,start,end\nCP1,春节促销,online,5000.00,2024-01-01,2024-02-01\n"
        );
    }
}
