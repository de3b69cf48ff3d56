//! Text decoding: detects UTF-8 (with or without BOM), UTF-16 LE/BE and GB18030/GBK, decodes
//! strictly, and reports what it chose; a malformed byte is an error, never a silent `�`.

use super::ImportError;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A text encoding the importer reads.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 that started with a byte-order mark (removed).
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// GB18030, a superset of GBK and GB2312 (Excel "CSV" on Chinese Windows).
    Gb18030,
}

impl TextEncoding {
    pub const fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Gb18030 => "gb18030",
        }
    }

    /// Accepts the names above and the usual aliases (`utf8`, `gbk`, `gb2312`, `unicode` …).
    pub fn parse(s: &str) -> Option<Self> {
        let s: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Some(match s.as_str() {
            "utf8" => TextEncoding::Utf8,
            "utf8bom" | "utf8sig" => TextEncoding::Utf8Bom,
            "utf16le" | "utf16" | "unicode" | "ucs2" => TextEncoding::Utf16Le,
            "utf16be" => TextEncoding::Utf16Be,
            "gb18030" | "gbk" | "gb2312" | "cp936" | "936" => TextEncoding::Gb18030,
            _ => return None,
        })
    }

    fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => encoding_rs::UTF_8,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
            TextEncoding::Gb18030 => encoding_rs::GB18030,
        }
    }
}

/// Decoded text and how it was decoded.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// Borrowed from the input when it was already UTF-8.
    pub text: Cow<'a, str>,
    pub encoding: TextEncoding,
    /// Why a fallback was taken (e.g. "not valid utf-8 at byte 3"), for the report.
    pub note: Option<String>,
}

/// Decodes `bytes` as `forced` if given, else by BOM, then a UTF-16 zero-byte pattern, then
/// strict UTF-8, then GB18030. Fails when no candidate decodes without a malformed sequence.
pub fn decode<'a>(
    file: &str,
    bytes: &'a [u8],
    forced: Option<TextEncoding>,
) -> Result<Decoded<'a>, ImportError> {
    let (bom_enc, bom_len) = match bytes {
        [0xEF, 0xBB, 0xBF, ..] => (Some(TextEncoding::Utf8Bom), 3),
        [0xFF, 0xFE, ..] => (Some(TextEncoding::Utf16Le), 2),
        [0xFE, 0xFF, ..] => (Some(TextEncoding::Utf16Be), 2),
        _ => (None, 0),
    };
    if let Some(enc) = forced {
        // A BOM of the forced encoding is still a BOM, not data.
        let body = if bom_enc == Some(enc)
            || (enc == TextEncoding::Utf8 && bom_enc == Some(TextEncoding::Utf8Bom))
        {
            &bytes[bom_len..]
        } else {
            bytes
        };
        let text = strict(file, body, enc)?;
        return Ok(Decoded {
            text,
            encoding: enc,
            note: None,
        });
    }
    if let Some(enc) = bom_enc {
        let text = strict(file, &bytes[bom_len..], enc)?;
        return Ok(Decoded {
            text,
            encoding: enc,
            note: None,
        });
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let text = strict(file, bytes, enc)?;
        return Ok(Decoded {
            text,
            encoding: enc,
            note: Some("utf-16 without a byte-order mark, recognised by its zero bytes".into()),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Decoded {
            text: Cow::Borrowed(s),
            encoding: TextEncoding::Utf8,
            note: None,
        }),
        Err(e) => {
            let at = e.valid_up_to();
            if let Some(err) = mixed_encodings(file, bytes, at) {
                return Err(err);
            }
            match strict(file, bytes, TextEncoding::Gb18030) {
                Ok(text) => Ok(Decoded {
                    text,
                    encoding: TextEncoding::Gb18030,
                    note: Some(format!(
                        "not valid utf-8 at byte {at}; decoded as gb18030 (gbk)"
                    )),
                }),
                Err(_) => Err(ImportError::Encoding {
                    file: file.to_owned(),
                    byte: at,
                    detail: "neither valid utf-8 nor gb18030/gbk; choose the encoding explicitly"
                        .into(),
                }),
            }
        }
    }
}

/// Non-ASCII characters of valid UTF-8 before the first invalid byte that make a file "mixed":
/// GBK text is rarely valid UTF-8 for even one or two characters by chance, never for three.
const MIXED_MIN_UTF8_CHARS: usize = 3;

/// A file whose first part is UTF-8 with non-ASCII text and whose rest is not (rows appended
/// from another export): decoding it all as GB18030 would garble the first part silently, so
/// this is an error located at the first byte that breaks UTF-8, with its line.
fn mixed_encodings(file: &str, bytes: &[u8], at: usize) -> Option<ImportError> {
    let before = std::str::from_utf8(bytes.get(..at)?).ok()?;
    let non_ascii = before.chars().filter(|c| !c.is_ascii()).count();
    if non_ascii < MIXED_MIN_UTF8_CHARS {
        return None;
    }
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    Some(ImportError::Encoding {
        file: file.to_owned(),
        byte: at,
        detail: format!(
            "line {line}: mixed encodings: the {non_ascii} non-ascii characters before this byte \
             are utf-8 but the byte 0x{:02x} here is not; save the whole file in one encoding, \
             or choose one explicitly",
            bytes.get(at).copied().unwrap_or(0)
        ),
    })
}

/// UTF-16 text of mostly ASCII has a zero in every other byte; looks at the first 4 KiB.
fn utf16_without_bom(bytes: &[u8]) -> Option<TextEncoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut zero_even, mut zero_odd) = (0, 0);
    for p in sample.chunks_exact(2) {
        zero_even += usize::from(p[0] == 0);
        zero_odd += usize::from(p[1] == 0);
    }
    if zero_odd * 10 >= pairs * 7 && zero_even * 10 <= pairs {
        Some(TextEncoding::Utf16Le)
    } else if zero_even * 10 >= pairs * 7 && zero_odd * 10 <= pairs {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

fn strict<'a>(file: &str, body: &'a [u8], enc: TextEncoding) -> Result<Cow<'a, str>, ImportError> {
    if matches!(enc, TextEncoding::Utf8 | TextEncoding::Utf8Bom) {
        return match std::str::from_utf8(body) {
            Ok(s) => Ok(Cow::Borrowed(s)),
            Err(e) => Err(ImportError::Encoding {
                file: file.to_owned(),
                byte: e.valid_up_to(),
                detail: format!("not valid {}", enc.as_str()),
            }),
        };
    }
    match enc
        .encoding()
        .decode_without_bom_handling_and_without_replacement(body)
    {
        Some(s) => Ok(s),
        None => Err(ImportError::Encoding {
            file: file.to_owned(),
            byte: decoder_error_at(enc, body).unwrap_or(0),
            detail: format!("not valid {}", enc.as_str()),
        }),
    }
}

/// Byte offset of the first malformed sequence.
fn decoder_error_at(enc: TextEncoding, body: &[u8]) -> Option<usize> {
    let mut decoder = enc.encoding().new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(body.len())
            .unwrap_or(body.len().saturating_mul(3)),
    );
    let mut offset = 0;
    loop {
        let (res, read) =
            decoder.decode_to_string_without_replacement(&body[offset..], &mut out, true);
        offset += read;
        match res {
            encoding_rs::DecoderResult::InputEmpty => return None,
            encoding_rs::DecoderResult::Malformed(bad, pending) => {
                return Some(offset.saturating_sub(usize::from(bad) + usize::from(pending)));
            }
            encoding_rs::DecoderResult::OutputFull => {
                out.reserve(body.len() - offset + 16);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn detects_each_encoding() {
        let d = decode("f", "客户,a\n".as_bytes(), None).unwrap();
        assert_eq!((d.encoding, &*d.text), (TextEncoding::Utf8, "客户,a\n"));

        let d = decode("f", b"\xEF\xBB\xBFa,b", None).unwrap();
        assert_eq!((d.encoding, &*d.text), (TextEncoding::Utf8Bom, "a,b"));

        let (gbk, _, _) = encoding_rs::GBK.encode("客户编号,金额\n");
        let d = decode("f", &gbk, None).unwrap();
        assert_eq!(d.encoding, TextEncoding::Gb18030);
        assert_eq!(d.text, "客户编号,金额\n");
        assert_eq!(
            d.note.as_deref(),
            Some("not valid utf-8 at byte 0; decoded as gb18030 (gbk)")
        );

        let mut le = vec![0xFF, 0xFE];
        le.extend("编号\tx".encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode("f", &le, None).unwrap();
        assert_eq!((d.encoding, &*d.text), (TextEncoding::Utf16Le, "编号\tx"));

        let mut be = vec![0xFE, 0xFF];
        be.extend("id\tx".encode_utf16().flat_map(u16::to_be_bytes));
        let d = decode("f", &be, None).unwrap();
        assert_eq!((d.encoding, &*d.text), (TextEncoding::Utf16Be, "id\tx"));

        let bare: Vec<u8> = "lead_id\tcreated_at\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = decode("f", &bare, None).unwrap();
        assert_eq!(d.encoding, TextEncoding::Utf16Le);
        assert_eq!(d.text, "lead_id\tcreated_at\n");
    }

    #[test]
    fn half_utf8_half_gbk_is_a_located_error_not_garbled_text() {
        let mut bytes = "id,name\nC1,华联超市\n".as_bytes().to_vec();
        let at = bytes.len();
        bytes.extend_from_slice(&encoding_rs::GBK.encode("C2,永辉\n").0);
        // The GBK half starts with ASCII "C2,": the first bad byte is after it.
        let err = decode("m.csv", &bytes, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "m.csv: byte {}: line 3: mixed encodings: the 4 non-ascii characters before this \
                 byte are utf-8 but the byte 0xd3 here is not; save the whole file in one \
                 encoding, or choose one explicitly",
                at + 3
            )
        );
        // Two stray UTF-8 characters before GBK text are not enough to call it mixed.
        let mut bytes = "é ü\n".as_bytes().to_vec();
        bytes.extend_from_slice(&encoding_rs::GBK.encode("永辉\n").0);
        assert_eq!(
            decode("m.csv", &bytes, None).unwrap().encoding,
            TextEncoding::Gb18030
        );
    }

    #[test]
    fn malformed_input_is_a_located_error() {
        let err = decode("x.csv", b"ab\x80\xFF\xFF", None).unwrap_err();
        assert!(
            matches!(&err, ImportError::Encoding { byte: 2, .. }),
            "{err:?}"
        );
        let err = decode("x.csv", b"ok\xFF", Some(TextEncoding::Utf8)).unwrap_err();
        assert_eq!(err.to_string(), "x.csv: byte 2: not valid utf-8");
        let err = decode("x.csv", b"ok\x81", Some(TextEncoding::Gb18030)).unwrap_err();
        assert!(
            matches!(err, ImportError::Encoding { byte: 2, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn forced_encoding_overrides_detection() {
        let d = decode("f", "客户".as_bytes(), Some(TextEncoding::Gb18030)).unwrap();
        assert_eq!(d.encoding, TextEncoding::Gb18030);
        assert_ne!(
            d.text, "客户",
            "the override is obeyed even when it garbles"
        );
        assert_eq!(TextEncoding::parse("GBK"), Some(TextEncoding::Gb18030));
        assert_eq!(TextEncoding::parse("UTF-16"), Some(TextEncoding::Utf16Le));
    }
}
