//! Property tests (native only): writing a table as CSV and parsing it gives the table back,
//! at the parser and through the whole import into a dataset.

use super::*;
use crate::write::{csv_line, table_csv};
use proptest::prelude::*;

fn cell() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just(",".to_owned()),
            Just("\"".to_owned()),
            Just("\n".to_owned()),
            Just("\r".to_owned()),
            Just("\r\n".to_owned()),
            Just(";".to_owned()),
            Just(" ".to_owned()),
            "[a-z0-9]{1,4}",
            "[客户编号金额华东]{1,3}",
        ],
        0..5,
    )
    .prop_map(|parts| parts.concat())
}

fn table() -> impl Strategy<Value = Vec<Vec<String>>> {
    (2usize..6).prop_flat_map(|w| prop::collection::vec(prop::collection::vec(cell(), w), 1..20))
}

proptest! {
    #[test]
    fn parse_inverts_csv_line(rows in table()) {
        let mut text = Vec::new();
        for r in &rows {
            csv_line(r, &mut text);
        }
        let text = String::from_utf8(text).unwrap();
        let mut g = Grid::new();
        let (notes, more) = delimited::parse(&text, b',', Some(b'"'), usize::MAX, &mut g);
        prop_assert!(!more);
        prop_assert_eq!(notes.unclosed_quotes, Vec::<usize>::new());
        let back: Vec<Vec<String>> = g.rows().map(|r| r.iter().map(str::to_owned).collect()).collect();
        prop_assert_eq!(back, rows);
    }

    #[test]
    fn import_round_trips_canonical_orders(
        rows in prop::collection::vec(
            (
                "[A-Z][0-9]{1,5}",
                "[a-z客户,\" ]{1,6}",
                (2000i64..2030, 1u32..13, 1u32..29, 0u32..24, 0u32..60),
                0i64..100_000_000,
                prop::sample::select(vec!["", "hypermarket", "online", "catering"]),
                prop::option::of(0u32..1000),
            ),
            1..30,
        ),
        bom in any::<bool>(),
        gbk in any::<bool>(),
    ) {
        let mut ds = Dataset::new();
        for (i, (cust, cat, (y, mo, d, h, mi), cents, channel, qty)) in rows.iter().enumerate() {
            let id = format!("O{i}");
            let date = format!("{y}-{mo:02}-{d:02} {h:02}:{mi:02}:00");
            let amount = format!("{}.{:02}", cents / 100, cents % 100);
            let qty = qty.map_or(String::new(), |q| q.to_string());
            let rec = [id.as_str(), cust, &date, &amount, "R1", channel, cat, &qty];
            prop_assert!(ds.push_record(TableKind::Orders, &rec).kept);
        }
        let csv = table_csv(&ds, TableKind::Orders);
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        if gbk {
            let text = String::from_utf8(csv.clone()).unwrap();
            bytes.clear();
            bytes.extend_from_slice(&encoding_rs::GBK.encode(&text).0);
        } else {
            bytes.extend_from_slice(&csv);
        }
        let p = read_file("orders.csv", &bytes, &ReadOptions::default()).unwrap();
        let m = p.require_mapping().unwrap();
        prop_assert_eq!(m.table, TableKind::Orders);
        let mut back = Dataset::new();
        let r = load_into(&mut back, &p, m);
        prop_assert_eq!(r.rows_kept, rows.len());
        prop_assert_eq!(table_csv(&back, TableKind::Orders), csv);
    }

    #[test]
    fn read_file_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_file("x.csv", &bytes, &ReadOptions::default());
    }
}
