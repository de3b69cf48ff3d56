//! An RFC 4180 parser for delimited text (CSV, TSV, `;` and `|`), lenient the way exports need:
//! CRLF, LF or CR line ends, quoted delimiters and newlines, `""` escapes, stray quotes kept as
//! text, and an unclosed quote reported and re-read line by line instead of swallowing the file.

use super::grid::Grid;

/// What a parse found besides the cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParseNotes {
    /// 1-based lines where a quoted field opened and never closed.
    pub unclosed_quotes: Vec<usize>,
    /// Empty lines skipped.
    pub blank_lines: usize,
    /// Lines read (the last line number seen).
    pub lines: usize,
}

/// Parses `text` into `grid`, at most `max_records` records (more are left unread).
/// Returns the notes and whether input was left unread.
pub fn parse(
    text: &str,
    delimiter: u8,
    quote: Option<u8>,
    max_records: usize,
    grid: &mut Grid,
) -> (ParseNotes, bool) {
    let b = text.as_bytes();
    let n = b.len();
    let mut stop = [false; 256];
    stop[usize::from(delimiter)] = true;
    stop[usize::from(b'\n')] = true;
    stop[usize::from(b'\r')] = true;
    let mut notes = ParseNotes::default();
    let mut i = 0;
    let mut line = 1;
    // Start of a record whose quote never closed: re-read with quotes as plain text.
    let mut literal_at = usize::MAX;
    let mut records = 0;
    while i < n {
        if records >= max_records {
            notes.lines = line;
            return (notes, true);
        }
        let rec_start = i;
        let rec_line = line;
        if b[i] == b'\n' || b[i] == b'\r' {
            i += newline_len(b, i);
            line += 1;
            notes.blank_lines += 1;
            continue;
        }
        let quoting = if rec_start == literal_at { None } else { quote };
        let mut restart = false;
        loop {
            // One field starting at `i`.
            if let Some(q) = quoting.filter(|&q| b.get(i) == Some(&q)) {
                i += 1;
                let mut start = i;
                loop {
                    let mut j = start;
                    while j < n && b[j] != q {
                        if b[j] == b'\n' || (b[j] == b'\r' && b.get(j + 1) != Some(&b'\n')) {
                            line += 1;
                        }
                        j += 1;
                    }
                    if j >= n {
                        notes.unclosed_quotes.push(rec_line);
                        grid.discard_partial_row();
                        literal_at = rec_start;
                        i = rec_start;
                        line = rec_line;
                        restart = true;
                        break;
                    }
                    grid.extend_cell(&text[start..j]);
                    if b.get(j + 1) == Some(&q) {
                        grid.extend_cell(&text[j..j + 1]);
                        start = j + 2;
                        continue;
                    }
                    i = j + 1;
                    break;
                }
                if restart {
                    break;
                }
            }
            // Unquoted text, or what follows a closing quote, up to the next stop byte.
            let mut j = i;
            while j < n && !stop[usize::from(b[j])] {
                j += 1;
            }
            grid.extend_cell(&text[i..j]);
            grid.end_cell();
            if j >= n {
                i = n;
                grid.end_row(rec_line);
                break;
            }
            if b[j] == delimiter {
                i = j + 1;
                if i >= n {
                    grid.end_cell();
                    grid.end_row(rec_line);
                    break;
                }
                continue;
            }
            i = j + newline_len(b, j);
            line += 1;
            grid.end_row(rec_line);
            break;
        }
        if !restart {
            records += 1;
        }
    }
    notes.lines = line;
    (notes, false)
}

fn newline_len(b: &[u8], i: usize) -> usize {
    if b.get(i) == Some(&b'\r') && b.get(i + 1) == Some(&b'\n') {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn rows(text: &str, d: u8) -> (Vec<(usize, Vec<String>)>, ParseNotes) {
        let mut g = Grid::new();
        let (notes, more) = parse(text, d, Some(b'"'), usize::MAX, &mut g);
        assert!(!more);
        let rows = (0..g.len())
            .map(|i| {
                (
                    g.source_row(i),
                    g.row(i).iter().map(str::to_owned).collect(),
                )
            })
            .collect();
        (rows, notes)
    }

    fn cells(r: &[(usize, Vec<String>)]) -> Vec<Vec<&str>> {
        r.iter()
            .map(|(_, c)| c.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn quoted_delimiters_newlines_and_escapes() {
        let (r, n) = rows(
            "a,b,c\r\n\"x,1\",\"two\nlines\",\"say \"\"hi\"\"\"\r\n,,\n",
            b',',
        );
        assert_eq!(
            cells(&r),
            [
                vec!["a", "b", "c"],
                vec!["x,1", "two\nlines", "say \"hi\""],
                vec!["", "", ""]
            ]
        );
        assert_eq!(r.iter().map(|x| x.0).collect::<Vec<_>>(), [1, 2, 4]);
        assert_eq!(n.unclosed_quotes, Vec::<usize>::new());
    }

    #[test]
    fn cr_only_line_ends_blank_lines_and_no_final_newline() {
        let (r, n) = rows("a;b\r1;2\r\r3;\"4\"", b';');
        assert_eq!(cells(&r), [vec!["a", "b"], vec!["1", "2"], vec!["3", "4"]]);
        assert_eq!(r[2].0, 4);
        assert_eq!(n.blank_lines, 1);
    }

    #[test]
    fn trailing_delimiter_is_an_empty_field_and_stray_quotes_are_text() {
        let (r, _) = rows("a|b|\n5\"|x\"y|\"q\"z\n", b'|');
        assert_eq!(cells(&r), [vec!["a", "b", ""], vec!["5\"", "x\"y", "qz"]]);
    }

    #[test]
    fn an_unclosed_quote_is_reported_and_the_rest_still_parsed() {
        let (r, n) = rows("id,name\n1,\"open\n2,ok\n3,fine\n", b',');
        assert_eq!(n.unclosed_quotes, [2]);
        assert_eq!(
            cells(&r),
            [
                vec!["id", "name"],
                vec!["1", "\"open"],
                vec!["2", "ok"],
                vec!["3", "fine"]
            ]
        );
        assert_eq!(r.iter().map(|x| x.0).collect::<Vec<_>>(), [1, 2, 3, 4]);
    }

    #[test]
    fn stops_after_max_records() {
        let mut g = Grid::new();
        let (_, more) = parse("a\nb\nc\n", b',', Some(b'"'), 2, &mut g);
        assert!(more);
        assert_eq!(g.len(), 2);
    }
}
