//! Fuzz target: the text path alone (decoder, sniffer, delimited and JSON-lines parsers), with
//! the overrides a user may set chosen by the first bytes; any bytes give a parsed file or an
//! error naming the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot_core::import::{FileFormat, QuoteMode, ReadOptions, TextEncoding, read_file};

const ENCODINGS: [Option<TextEncoding>; 6] = [
    None,
    Some(TextEncoding::Utf8),
    Some(TextEncoding::Utf8Bom),
    Some(TextEncoding::Utf16Le),
    Some(TextEncoding::Utf16Be),
    Some(TextEncoding::Gb18030),
];
const DELIMITERS: [Option<char>; 6] =
    [None, Some(','), Some('\t'), Some(';'), Some('|'), Some('é')];
const QUOTES: [Option<QuoteMode>; 4] = [
    None,
    Some(QuoteMode::Double),
    Some(QuoteMode::Single),
    Some(QuoteMode::None),
];

fuzz_target!(|data: &[u8]| {
    let [a, b, bytes @ ..] = data else {
        return;
    };
    let (a, b) = (usize::from(*a), usize::from(*b));
    let opts = ReadOptions {
        format: Some(if a & 1 == 0 {
            FileFormat::Delimited
        } else {
            FileFormat::JsonLines
        }),
        encoding: ENCODINGS[(a >> 1) % ENCODINGS.len()],
        delimiter: DELIMITERS[b % DELIMITERS.len()],
        quote: QUOTES[(b >> 3) % QUOTES.len()],
        header_row: (b >> 5 != 0).then_some(b >> 5),
        max_rows: 10_000,
        max_cols: 200,
        max_cells: 100_000,
        ..ReadOptions::default()
    };
    if let Ok(parsed) = read_file("x.csv", bytes, &opts) {
        let _ = parsed.summary();
        let _ = parsed.preview(5);
        for i in 0..parsed.rows() {
            let _ = parsed.source_row(i);
        }
    }
});
