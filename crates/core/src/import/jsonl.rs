//! JSON lines: one object per line; keys become headers (in order of first appearance), values
//! become the strings a CSV would hold. Lines that are not objects are reported, not guessed.

use super::grid::Grid;
use super::report::{Example, FindingKind, Findings};
use super::sheet::number_text;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// An object's entries in document order, whatever features `serde_json` is built with.
struct Entries(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Entries, A::Error> {
                let mut v = Vec::new();
                while let Some(e) = m.next_entry::<String, Value>()? {
                    v.push(e);
                }
                Ok(Entries(v))
            }
        }
        d.deserialize_map(V)
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => n.as_f64().map_or_else(|| n.to_string(), number_text),
        },
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses JSON lines into a grid whose first row is the header. `max_rows` bounds the work.
/// Returns the grid and whether lines were left unread.
pub fn parse(text: &str, max_rows: usize, findings: &mut Findings) -> (Grid, bool) {
    let mut headers: Vec<String> = Vec::new();
    let mut rows: Vec<(usize, Vec<(usize, String)>)> = Vec::new();
    let mut more = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            findings.add(
                FindingKind::BlankRows,
                None,
                None,
                || "empty lines skipped".into(),
                None,
            );
            continue;
        }
        if rows.len() >= max_rows {
            more = true;
            break;
        }
        match serde_json::from_str::<Entries>(line) {
            Ok(Entries(obj)) => {
                let mut cells = Vec::with_capacity(obj.len());
                for (k, v) in &obj {
                    let col = match headers.iter().position(|h| h == k) {
                        Some(c) => c,
                        None => {
                            headers.push(k.clone());
                            headers.len() - 1
                        }
                    };
                    cells.push((col, value_text(v)));
                }
                rows.push((line_no, cells));
            }
            Err(e) => findings.add(
                FindingKind::BadJsonLine,
                None,
                None,
                || "lines that are not a JSON object were dropped".into(),
                Some(Example {
                    row: line_no,
                    value: line.chars().take(80).collect(),
                    detail: Some(e.to_string()),
                }),
            ),
        }
    }
    let mut grid = Grid::with_capacity(text.len());
    for h in &headers {
        grid.push_cell(h);
    }
    grid.end_row(0);
    let mut row = vec![String::new(); headers.len()];
    for (line_no, cells) in rows {
        row.iter_mut().for_each(String::clear);
        for (c, v) in cells {
            if let Some(slot) = row.get_mut(c) {
                *slot = v;
            }
        }
        for v in &row {
            grid.push_cell(v);
        }
        grid.end_row(line_no);
    }
    (grid, more)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn objects_become_rows_and_bad_lines_are_reported() {
        let mut f = Findings::new();
        let text = "{\"order_id\":\"O1\",\"amount\":12.5,\"vip\":true}\n\n[1,2]\n{\"amount\":3,\"order_id\":null,\"x\":{\"a\":1}}\n";
        let (g, more) = parse(text, 100, &mut f);
        assert!(!more);
        let rows: Vec<Vec<&str>> = g.rows().map(|r| r.iter().collect()).collect();
        assert_eq!(
            rows,
            [
                vec!["order_id", "amount", "vip", "x"],
                vec!["O1", "12.5", "true", ""],
                vec!["", "3", "", "{\"a\":1}"],
            ]
        );
        assert_eq!(g.source_row(2), 4);
        assert_eq!(f.count(FindingKind::BadJsonLine), 1);
        assert_eq!(f.count(FindingKind::BlankRows), 1);
    }
}
