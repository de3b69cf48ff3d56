//! Sniffing on a sample: the delimiter that splits rows most consistently, the quote, and the
//! header row (skipping title rows above it).

use super::delimited;
use super::grid::Grid;
use super::mapping::is_known_header;
use crate::model::Timestamp;

/// Delimiters tried, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// Records parsed per trial.
const TRIAL_RECORDS: usize = 60;

/// The first `max` bytes of `text`, cut after the last line end inside them.
pub fn sample(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let head = &text.as_bytes()[..max];
    match head.iter().rposition(|&b| b == b'\n' || b == b'\r') {
        Some(i) => text.get(..i + 1).unwrap_or(text),
        None => {
            let mut end = max;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            &text[..end]
        }
    }
}

/// The most frequent row width and how many rows have it.
fn mode_width(g: &Grid) -> (usize, usize) {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for r in g.rows() {
        match counts.iter_mut().find(|(w, _)| *w == r.len()) {
            Some((_, c)) => *c += 1,
            None => counts.push((r.len(), 1)),
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))
        .unwrap_or((0, 0))
}

/// The delimiter whose trial parse gives the most rows of one width (then the widest).
/// A file with one column gets `,`.
pub fn delimiter(sample: &str, quote: Option<u8>) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for d in DELIMITERS {
        let mut g = Grid::new();
        delimited::parse(sample, d, quote, TRIAL_RECORDS, &mut g);
        let (w, c) = mode_width(&g);
        if w >= 2 && (c > best.1 || (c == best.1 && w > best.2)) {
            best = (d, c, w);
        }
    }
    best.0
}

/// `'` when the sample quotes fields with it and never with `"`, else `"`.
pub fn quote(sample: &str, delimiter: u8) -> u8 {
    if sample.contains('"') {
        return b'"';
    }
    let d = char::from(delimiter);
    let single_quoted = sample
        .lines()
        .take(TRIAL_RECORDS)
        .flat_map(|l| l.split(d))
        .filter(|f| f.len() >= 2 && f.starts_with('\'') && f.ends_with('\''))
        .count();
    if single_quoted >= 2 { b'\'' } else { b'"' }
}

fn looks_like_value(c: &str) -> bool {
    let c = c.trim();
    c.is_empty()
        || c.replace([',', '.', '-', '%', '¥', '$', '元'], "")
            .chars()
            .all(|ch| ch.is_ascii_digit())
        || Timestamp::parse(c).is_some()
}

/// Index (into `g`) of the header row among the first rows: titles above a header have fewer
/// filled cells; a header has names, ideally known ones, where data has numbers and dates.
pub fn header_row(g: &Grid) -> usize {
    let (width, _) = mode_width(g);
    let mut best = (0usize, i64::MIN);
    for (i, r) in g.rows().take(10).enumerate() {
        let filled = r.iter().filter(|c| !c.trim().is_empty()).count();
        if filled == 0 || filled * 2 < width {
            continue;
        }
        let known = r.iter().filter(|c| is_known_header(c)).count() as i64;
        let names = r.iter().filter(|c| !looks_like_value(c)).count() as i64;
        let score = known * 4 + names;
        if score > best.1 {
            best = (i, score);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn grid(text: &str, d: u8) -> Grid {
        let mut g = Grid::new();
        delimited::parse(text, d, Some(b'"'), 100, &mut g);
        g
    }

    #[test]
    fn picks_the_consistent_delimiter() {
        assert_eq!(delimiter("a,b;c\n1,2;3\n4,5;6\n", Some(b'"')), b',');
        assert_eq!(delimiter("a;b;c\n1,5;2;3\n4;5,5;6\n", Some(b'"')), b';');
        assert_eq!(delimiter("id\tname\n1\tx, y\n", Some(b'"')), b'\t');
        assert_eq!(delimiter("id|name|v\n1|\"a|b\"|2\n", Some(b'"')), b'|');
        assert_eq!(delimiter("just one column\nx\n", Some(b'"')), b',');
    }

    #[test]
    fn sniffs_single_quotes_only_without_double_quotes() {
        assert_eq!(quote("a,b\n'x,y','z'\n'1','2'\n", b','), b'\'');
        assert_eq!(quote("a,b\n\"x\",'z'\n", b','), b'"');
    }

    #[test]
    fn skips_title_rows_above_the_header() {
        let g = grid(
            "2024年线索导出,,\n导出人: 张三,,\n线索编号,创建时间,金额\nL1,2024-01-01,100\n",
            b',',
        );
        assert_eq!(header_row(&g), 2);
        let g = grid("foo,bar\n1,2\n", b',');
        assert_eq!(header_row(&g), 0);
    }

    #[test]
    fn samples_end_at_a_line_end_and_a_char_boundary() {
        assert_eq!(sample("ab\ncd\nef", 7), "ab\ncd\n");
        assert_eq!(sample("客户编号", 4), "客");
    }
}
