//! CSV export of chart tables that a spreadsheet cannot turn into a formula.
//!
//! A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return can be read as a formula
//! by Excel, LibreOffice or Google Sheets (OWASP "CSV injection"); such a text cell is written
//! with a leading `'`, which those programs show as plain text. Numbers are left as they are
//! (a negative number is data, not a formula).

use crate::model::Table;

/// Whether a cell is a plain number, written as is.
fn is_number(cell: &str) -> bool {
    !cell.is_empty() && cell.parse::<f64>().is_ok_and(f64::is_finite)
}

/// The cell as it may be written safely: formula triggers neutralised, then quoted when it
/// holds a comma, quote or line break.
pub fn safe_cell(cell: &str) -> String {
    let risky = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let text = if risky && !is_number(cell) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The table as CSV (header first, `\r\n` line ends as RFC 4180 has them), with a UTF-8 byte
/// order mark so that Excel opens Chinese text correctly.
pub fn table_csv(table: &Table) -> String {
    let mut out = String::from("\u{feff}");
    for row in std::iter::once(&table.header).chain(&table.rows) {
        let cells: Vec<String> = row.iter().map(|c| safe_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_are_neutralised_and_numbers_kept() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(safe_cell("+1+2"), "'+1+2");
        assert_eq!(safe_cell("-2+3"), "'-2+3");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("\tx"), "'\tx");
        assert_eq!(safe_cell("-0.25"), "-0.25");
        assert_eq!(safe_cell("1e3"), "1e3");
        assert_eq!(safe_cell("华东, 上海"), "\"华东, 上海\"");
        assert_eq!(safe_cell(""), "");
    }

    #[test]
    fn tables_become_bom_prefixed_crlf_csv() {
        let t = Table {
            header: vec!["rep".into(), "rate".into()],
            rows: vec![vec!["=cmd|' /C calc'!A0".into(), "0.5".into()]],
        };
        assert_eq!(
            table_csv(&t),
            "\u{feff}rep,rate\r\n'=cmd|' /C calc'!A0,0.5\r\n"
        );
    }
}
