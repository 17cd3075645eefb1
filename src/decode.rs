//! Bytes to text: encoding detection and strict decoding.
//!
//! This module owns the step from raw file bytes to a `String`. Nothing else
//! in hegui looks at bytes, so every encoding decision and every decoding
//! error is made here. Decoding is always *strict*: a malformed sequence is
//! reported as a [`DecodeError`] with its byte offset, never silently replaced
//! by U+FFFD, because a checker that quietly mangles the text it checks can
//! miss (or invent) findings.
//!
//! Detection order when no encoding is forced:
//!
//! 1. **Byte-order mark.** A UTF-8, UTF-16LE or UTF-16BE BOM decides the
//!    encoding; the BOM is dropped from the text. A BOM also overrides the
//!    binary sniffing below (it is an explicit claim to be text).
//! 2. **BOM-less UTF-16.** If the first 4 KiB contain NUL bytes concentrated
//!    on odd (LE) or even (BE) positions and at least 90% of the code units are
//!    ASCII, Latin-1, CJK or common punctuation, the input is decoded as UTF-16.
//!    Pure-CJK UTF-16 without any ASCII has no NUL bytes and is not detected.
//! 3. **Binary.** A NUL byte in the first 8 KiB, or more than 10% control bytes
//!    (other than `\t \n \r \x0c \x1b`) there, means [`Decoded::Binary`]. This
//!    runs *before* the UTF-8 check, as in git and ripgrep: ASCII with NULs is
//!    valid UTF-8 but is not a script anyone wants checked.
//! 4. **UTF-8**, if the bytes are valid UTF-8.
//! 5. **GB18030** (a superset of GBK and GB2312), decoded strictly.
//!
//! Policy for input that is neither valid UTF-8 nor valid GB18030, and for
//! "mostly UTF-8" files: if the bytes that are valid UTF-8 contain at least
//! twice as many multi-byte UTF-8 characters as there are invalid UTF-8
//! sequences (including a sequence cut off at the end of the input), the file
//! is taken to be UTF-8 with damage, and the error names UTF-8 and the offset
//! of the first invalid byte. GB18030 is not tried then, because UTF-8 Chinese
//! often *does* decode as GB18030 — into mojibake (`你好` → `浣犲ソ`). GBK text
//! rarely forms valid multi-byte UTF-8 by chance (roughly one character in
//! six), so it stays far below that ratio. Otherwise the GB18030 result
//! stands, and its error names GB18030 and the offset of the first malformed
//! GB18030 sequence.
//!
//! With a forced encoding, the bytes are decoded strictly with exactly that
//! encoding; a leading BOM of that encoding (U+FEFF once decoded) is dropped.
//! For ASCII-compatible forced encodings the binary sniffing of step 3 still
//! applies, so forcing `--encoding gbk` on a directory skips images instead of
//! reporting them as decoding errors; forced UTF-16 is never sniffed, since its
//! NUL bytes are normal.

use encoding_rs::{DecoderResult, Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};

/// How many leading bytes binary sniffing looks at.
const BINARY_SNIFF_LEN: usize = 8 * 1024;
/// How many leading bytes the BOM-less UTF-16 heuristic looks at.
const UTF16_SNIFF_LEN: usize = 4 * 1024;

/// The result of decoding one input.
#[derive(Debug)]
pub enum Decoded {
    /// Text, with the name of the encoding it was decoded from.
    Text {
        /// Decoded text without any byte-order mark.
        text: String,
        /// e.g. `UTF-8`, `UTF-16LE`, `UTF-16BE`, `GB18030`, `GBK`.
        encoding: &'static str,
    },
    /// The bytes look like a binary file; it is skipped.
    Binary,
}

/// Why bytes could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("cannot decode as {encoding}: malformed byte sequence at byte offset {offset}")]
pub struct DecodeError {
    /// Byte offset, in the original input (BOM included), of the first byte of
    /// the first undecodable sequence.
    pub offset: usize,
    /// The encoding the error refers to (see the module doc for which one is
    /// chosen when several were tried).
    pub encoding: &'static str,
}

/// Looks up an encoding by a user-supplied label such as `utf-8`, `utf-16le`,
/// `utf-16be`, `gb18030`, `gbk` or `gb2312` (case-insensitive, surrounding
/// ASCII whitespace ignored).
///
/// Labels are resolved with [`Encoding::for_label`], so WHATWG aliases such as
/// `utf8` or `x-gbk` work too, but only encodings hegui supports are returned:
/// UTF-8, UTF-16LE/BE, GB18030 and GBK. Other encodings (e.g. `latin1`) give
/// `None`: the later stages are built for Chinese text, and the WHATWG
/// `replacement` encoding would fail on every input. Note that encoding_rs
/// resolves `gbk` and `gb2312` to GBK, whose decoder is the GB18030 decoder,
/// so decoding is the same; the reported name is then `GBK`.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.as_bytes())?;
    [UTF_8, UTF_16LE, UTF_16BE, GB18030, GBK]
        .contains(&enc)
        .then_some(enc)
}

/// Decodes `bytes`, detecting the encoding unless `forced` names one.
///
/// See the module documentation for the detection order and the error policy.
/// Never panics, whatever the input.
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, DecodeError> {
    if let Some(enc) = forced {
        if enc.is_ascii_compatible() && looks_binary(bytes) {
            return Ok(Decoded::Binary);
        }
        return decode_strict(enc, bytes).map(|text| text_of(text, enc));
    }

    // 1. A BOM is an explicit statement of the encoding.
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return match decode_strict(enc, &bytes[bom_len..]) {
            Ok(text) => Ok(text_of(text, enc)),
            Err(e) => Err(DecodeError {
                offset: e.offset + bom_len,
                ..e
            }),
        };
    }

    // 2. BOM-less UTF-16 must be tried before anything that treats NULs as
    //    a sign of binary data, and before UTF-8 (ASCII UTF-16 is valid UTF-8).
    if let Some(enc) = sniff_utf16(bytes) {
        return decode_strict(enc, bytes).map(|text| text_of(text, enc));
    }

    // 3. Binary files are skipped, not reported as decoding errors.
    if looks_binary(bytes) {
        return Ok(Decoded::Binary);
    }

    // 4. Valid UTF-8 wins: GB18030 would accept most of it too, as mojibake.
    let utf8_err = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text_of(text.to_owned(), UTF_8)),
        Err(e) => e,
    };
    if mostly_utf8(bytes) {
        return Err(DecodeError {
            offset: utf8_err.valid_up_to(),
            encoding: display_name(UTF_8),
        });
    }

    // 5. Legacy Chinese encodings: GB18030 covers GBK and GB2312. When it
    //    fails too, report whichever encoding read further: that is the one
    //    the file most likely is, and its offset is the one worth fixing.
    decode_strict(GB18030, bytes)
        .map(|text| text_of(text, GB18030))
        .map_err(|gb_err| {
            if utf8_err.valid_up_to() > gb_err.offset {
                DecodeError {
                    offset: utf8_err.valid_up_to(),
                    encoding: display_name(UTF_8),
                }
            } else {
                gb_err
            }
        })
}

/// Wraps decoded text, dropping one leading U+FEFF.
///
/// For BOM-detected input the BOM bytes are already gone; this catches a BOM
/// of a forced encoding and the GB18030 BOM (`84 31 95 33`), which
/// encoding_rs does not treat as a BOM.
fn text_of(mut text: String, enc: &'static Encoding) -> Decoded {
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    Decoded::Text {
        text,
        encoding: display_name(enc),
    }
}

/// The name hegui reports for `enc`: encoding_rs's name, except that its
/// lowercase WHATWG name `gb18030` is shown the way users write it.
fn display_name(enc: &'static Encoding) -> &'static str {
    if enc == GB18030 {
        "GB18030"
    } else {
        enc.name()
    }
}

/// Decodes all of `bytes` with `enc`, without BOM handling and without
/// replacement. On a malformed sequence, returns an error with the offset of
/// its first byte within `bytes`.
fn decode_strict(enc: &'static Encoding, bytes: &[u8]) -> Result<String, DecodeError> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    // The worst-case bound is exact enough to make one call suffice; if it
    // overflows `usize` we start smaller and grow on `OutputFull`.
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len());
    let mut text = String::new();
    if text.try_reserve(capacity).is_err() {
        text.reserve(bytes.len().min(1 << 20));
    }
    let mut pos = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[pos..], &mut text, true);
        pos += read;
        match result {
            DecoderResult::InputEmpty => return Ok(text),
            DecoderResult::OutputFull => {
                let more = decoder
                    .max_utf8_buffer_length_without_replacement(bytes.len() - pos)
                    .unwrap_or(bytes.len() - pos)
                    .max(16);
                text.reserve(more);
            }
            DecoderResult::Malformed(bad, after) => {
                // `pos` is just past the last byte consumed; the malformed
                // sequence ends `after` bytes before that and is `bad` long.
                // All bytes came from this one buffer, so this cannot go
                // below zero; saturate anyway rather than risk a panic.
                let offset = pos.saturating_sub(usize::from(after) + usize::from(bad));
                return Err(DecodeError {
                    offset,
                    encoding: display_name(enc),
                });
            }
        }
    }
}

/// Whether the first [`BINARY_SNIFF_LEN`] bytes look like binary data: any
/// NUL, or more than 10% control bytes that do not occur in text.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if sample.contains(&0) {
        return true;
    }
    // Tab, LF, CR, form feed and ESC (ANSI colours in logs) are normal in text.
    let controls = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    controls * 10 > sample.len()
}

/// Whether invalid UTF-8 `bytes` are best explained as damaged UTF-8: at
/// least twice as many valid multi-byte characters as invalid sequences.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        // Counting lead bytes counts non-ASCII characters without decoding.
        multibyte += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    multibyte > 0 && multibyte >= invalid.saturating_mul(2)
}

/// Detects BOM-less UTF-16 from the NUL pattern of the first
/// [`UTF16_SNIFF_LEN`] bytes; `None` if it does not look like UTF-16.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(UTF16_SNIFF_LEN) & !1];
    let (mut zero_even, mut zero_odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        zero_even += usize::from(pair[0] == 0);
        zero_odd += usize::from(pair[1] == 0);
    }
    // ASCII in UTF-16LE puts its zero high byte at odd positions. CJK text has
    // few zero bytes (U+4E00 一 is the common one), so the ASCII side must
    // clearly dominate; a handful of zeros is too little evidence.
    let enc = if zero_odd >= 4 && zero_odd > 2 * zero_even {
        UTF_16LE
    } else if zero_even >= 4 && zero_even > 2 * zero_odd {
        UTF_16BE
    } else {
        return None;
    };
    let units: Vec<u16> = sample
        .chunks_exact(2)
        .map(|p| {
            if enc == UTF_16LE {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        })
        .collect();
    // Binary data read as UTF-16 scatters over the whole BMP; text in the
    // scripts hegui checks stays in a few blocks.
    let plausible = units.iter().filter(|&&u| plausible_unit(u)).count();
    (plausible * 10 >= units.len() * 9).then_some(enc)
}

/// Whether a UTF-16 code unit is typical of Chinese or ASCII text.
fn plausible_unit(u: u16) -> bool {
    matches!(u,
        0x09 | 0x0A | 0x0C | 0x0D | 0x1B
        | 0x20..=0x7E          // ASCII
        | 0xA0..=0xFF          // Latin-1 (·, ×, ÷ …)
        | 0x2000..=0x27BF      // punctuation, symbols, arrows, shapes
        | 0x2E80..=0x2FDF      // CJK radicals
        | 0x3000..=0x31BF      // CJK punctuation, kana, bopomofo
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xD800..=0xDFFF      // surrogates; pairing is checked when decoding
        | 0xFF00..=0xFFEF      // full-width forms
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "坐席：你好，我是华信银行的催收专员";

    fn text(d: Decoded) -> (String, &'static str) {
        match d {
            Decoded::Text { text, encoding } => (text, encoding),
            Decoded::Binary => panic!("expected text, got Binary"),
        }
    }

    fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(s.encode_utf16());
        for u in units {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    fn gb(s: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = GB18030.encode(s);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn utf8_without_bom() {
        let (t, e) = text(decode(SAMPLE.as_bytes(), None).unwrap());
        assert_eq!((t.as_str(), e), (SAMPLE, "UTF-8"));
    }

    #[test]
    fn utf8_with_bom_is_stripped() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(SAMPLE.as_bytes());
        let (t, e) = text(decode(&bytes, None).unwrap());
        assert_eq!((t.as_str(), e), (SAMPLE, "UTF-8"));
    }

    #[test]
    fn utf8_bom_then_invalid_byte_offset_counts_bom() {
        let bytes = b"\xEF\xBB\xBFab\xFFc";
        let err = decode(bytes, None).unwrap_err();
        assert_eq!((err.offset, err.encoding), (5, "UTF-8"));
    }

    #[test]
    fn utf16le_with_bom() {
        let (t, e) = text(decode(&utf16(SAMPLE, true, true), None).unwrap());
        assert_eq!((t.as_str(), e), (SAMPLE, "UTF-16LE"));
    }

    #[test]
    fn utf16be_with_bom() {
        let (t, e) = text(decode(&utf16(SAMPLE, false, true), None).unwrap());
        assert_eq!((t.as_str(), e), (SAMPLE, "UTF-16BE"));
    }

    #[test]
    fn utf16_with_bom_odd_length_is_error_at_last_byte() {
        let mut bytes = utf16("ab", true, true);
        bytes.push(b'c');
        let err = decode(&bytes, None).unwrap_err();
        assert_eq!((err.offset, err.encoding), (6, "UTF-16LE"));
    }

    #[test]
    fn utf16_with_bom_unpaired_surrogate_offset() {
        // BOM, 'a', lone high surrogate, 'b' (LE).
        let bytes = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0];
        let err = decode(&bytes, None).unwrap_err();
        assert_eq!((err.offset, err.encoding), (4, "UTF-16LE"));
    }

    #[test]
    fn utf16_without_bom_detected() {
        let s = "坐席：你好，我是华信银行的催收专员。\r\n客户：我下周还 500 元。\r\n";
        let (t, e) = text(decode(&utf16(s, true, false), None).unwrap());
        assert_eq!((t.as_str(), e), (s, "UTF-16LE"));
        let (t, e) = text(decode(&utf16(s, false, false), None).unwrap());
        assert_eq!((t.as_str(), e), (s, "UTF-16BE"));
    }

    #[test]
    fn gb18030_chinese_detected() {
        let bytes = gb(SAMPLE);
        assert!(std::str::from_utf8(&bytes).is_err());
        let (t, e) = text(decode(&bytes, None).unwrap());
        assert_eq!((t.as_str(), e), (SAMPLE, "GB18030"));
    }

    #[test]
    fn gb18030_four_byte_sequences_and_bom() {
        // '€' is 0x80 in GBK; U+00E9 and U+20000 need four-byte sequences.
        let s = "欠款 é 𠀀 €";
        let mut bytes = gb("\u{FEFF}");
        assert_eq!(bytes, [0x84, 0x31, 0x95, 0x33]);
        bytes.extend(gb(s));
        let (t, e) = text(decode(&bytes, None).unwrap());
        assert_eq!((t.as_str(), e), (s, "GB18030"));
    }

    #[test]
    fn binary_nul_bytes() {
        assert!(matches!(decode(b"abc\0def", None), Ok(Decoded::Binary)));
        // A few NULs on one parity are not enough to call it UTF-16.
        assert!(matches!(decode(b"ab\0d\0f\0h", None), Ok(Decoded::Binary)));
        // A NUL past the sniffing window is not looked at.
        let mut late = vec![b'a'; BINARY_SNIFF_LEN + 10];
        late[BINARY_SNIFF_LEN + 5] = 0;
        let (t, _) = text(decode(&late, None).unwrap());
        assert_eq!(t.len(), late.len());
    }

    #[test]
    fn binary_png_header() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
        assert!(matches!(decode(png, None), Ok(Decoded::Binary)));
        // Even when the user insists on an ASCII-compatible encoding.
        assert!(matches!(decode(png, Some(GB18030)), Ok(Decoded::Binary)));
    }

    #[test]
    fn binary_control_bytes_without_nul() {
        let mostly_control: Vec<u8> = (1u8..=8).cycle().take(100).collect();
        assert!(matches!(decode(&mostly_control, None), Ok(Decoded::Binary)));
        // Text controls (tab, newlines, form feed, ESC) do not count.
        let (t, _) = text(decode(b"\x1b[31m\t\x0c\r\n", None).unwrap());
        assert_eq!(t, "\x1b[31m\t\x0c\r\n");
    }

    #[test]
    fn invalid_gb18030_exact_offset() {
        // GBK text, then 0xFF (never valid in GB18030) at a known offset.
        let mut bytes = gb("你好，");
        let at = bytes.len();
        bytes.push(0xFF);
        bytes.extend(gb("再见"));
        let err = decode(&bytes, None).unwrap_err();
        assert_eq!((err.offset, err.encoding), (at, "GB18030"));
    }

    #[test]
    fn invalid_gb18030_lead_byte_before_newline() {
        // A lead byte followed by '\n' is malformed; the offset is the lead
        // byte's, and the newline is not part of the bad sequence.
        let mut bytes = gb("客户：");
        bytes.extend_from_slice(b"ok\xC4\nmore");
        let err = decode(&bytes, None).unwrap_err();
        assert_eq!((err.offset, err.encoding), (8, "GB18030"));
    }

    #[test]
    fn invalid_gb18030_four_byte_sequence_offset() {
        // 81 30 81 starts a four-byte sequence that 'x' breaks; the error is
        // at the lead byte, not where the decoder noticed it.
        let err = decode(b"ab\x81\x30\x81xyz", None).unwrap_err();
        assert_eq!((err.offset, err.encoding), (2, "GB18030"));
        // A well-formed four-byte sequence beyond U+10FFFF is malformed too.
        let err = decode(b"ab\xFE\x39\xFE\x39z", None).unwrap_err();
        assert_eq!((err.offset, err.encoding), (2, "GB18030"));
    }

    #[test]
    fn invalid_gb18030_truncated_at_eof() {
        let mut bytes = gb("还款");
        bytes.push(0xC4);
        let err = decode(&bytes, None).unwrap_err();
        assert_eq!((err.offset, err.encoding), (4, "GB18030"));
    }

    #[test]
    fn mostly_utf8_with_stray_byte_reports_utf8() {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        let at = bytes.len();
        bytes.push(0xFF);
        bytes.extend_from_slice("。\n".as_bytes());
        let err = decode(&bytes, None).unwrap_err();
        assert_eq!((err.offset, err.encoding), (at, "UTF-8"));
        assert_eq!(
            err.to_string(),
            format!("cannot decode as UTF-8: malformed byte sequence at byte offset {at}")
        );
    }

    #[test]
    fn truncated_utf8_char_at_eof() {
        // "你好" then the first two bytes of "你": as GB18030 this would
        // decode cleanly to mojibake, so it must be reported as UTF-8.
        let mut bytes = "你好".as_bytes().to_vec();
        bytes.extend_from_slice(&"你".as_bytes()[..2]);
        assert!(
            GB18030
                .decode_without_bom_handling_and_without_replacement(&bytes)
                .is_some()
        );
        let err = decode(&bytes, None).unwrap_err();
        assert_eq!((err.offset, err.encoding), (6, "UTF-8"));
    }

    #[test]
    fn forced_encoding_is_used() {
        let bytes = gb(SAMPLE);
        let (t, e) = text(decode(&bytes, Some(GBK)).unwrap());
        assert_eq!((t.as_str(), e), (SAMPLE, "GBK"));
        // Forcing overrides detection: valid UTF-8 read as GB18030 is mojibake.
        let (t, e) = text(decode("你好".as_bytes(), Some(GB18030)).unwrap());
        assert_eq!((t.as_str(), e), ("浣犲ソ", "GB18030"));
    }

    #[test]
    fn forced_encoding_error_offset() {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        bytes.insert(6, 0x80);
        let err = decode(&bytes, Some(UTF_8)).unwrap_err();
        assert_eq!((err.offset, err.encoding), (6, "UTF-8"));
        let err = decode(&gb(SAMPLE), Some(UTF_8)).unwrap_err();
        assert_eq!((err.offset, err.encoding), (0, "UTF-8"));
        let err = decode(b"\xFF\xFEa\0b", Some(UTF_16LE)).unwrap_err();
        assert_eq!((err.offset, err.encoding), (4, "UTF-16LE"));
    }

    #[test]
    fn forced_encoding_strips_matching_bom_only() {
        let (t, e) = text(decode(&utf16(SAMPLE, false, true), Some(UTF_16BE)).unwrap());
        assert_eq!((t.as_str(), e), (SAMPLE, "UTF-16BE"));
        let (t, _) = text(decode(b"\xEF\xBB\xBFhi", Some(UTF_8)).unwrap());
        assert_eq!(t, "hi");
        // A BE BOM read as LE is U+FFFE, not a BOM, and stays.
        let (t, _) = text(decode(&utf16("hi", false, true), Some(UTF_16LE)).unwrap());
        assert_eq!(t, "\u{FFFE}栀椀");
        // Forced UTF-16 is not sniffed for binary despite its NUL bytes.
        let (t, _) = text(decode(&utf16("hi", true, false), Some(UTF_16LE)).unwrap());
        assert_eq!(t, "hi");
    }

    #[test]
    fn empty_input() {
        let (t, e) = text(decode(b"", None).unwrap());
        assert_eq!((t.as_str(), e), ("", "UTF-8"));
        for enc in [UTF_8, UTF_16LE, UTF_16BE, GB18030] {
            let (t, _) = text(decode(b"", Some(enc)).unwrap());
            assert_eq!(t, "");
        }
    }

    #[test]
    fn labels() {
        assert_eq!(encoding_for_label("UTF-8"), Some(UTF_8));
        assert_eq!(encoding_for_label("utf-16le"), Some(UTF_16LE));
        assert_eq!(encoding_for_label("UTF-16BE"), Some(UTF_16BE));
        assert_eq!(encoding_for_label("GB18030"), Some(GB18030));
        assert_eq!(encoding_for_label("gbk"), Some(GBK));
        assert_eq!(encoding_for_label("GB2312"), Some(GBK));
        assert_eq!(encoding_for_label("latin1"), None);
        assert_eq!(encoding_for_label("replacement"), None);
        assert_eq!(encoding_for_label("no-such"), None);
        assert_eq!(display_name(GB18030), "GB18030");
    }

    #[test]
    fn fuzz_random_bytes_never_panic() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let forced = [
            None,
            Some(UTF_8),
            Some(UTF_16LE),
            Some(UTF_16BE),
            Some(GB18030),
        ];
        let (mut texts, mut errors) = (0, 0);
        for i in 0..4000 {
            let len = (next() % 64) as usize;
            let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            // Bias some inputs towards text-like bytes and BOMs so that the
            // deeper paths (GB18030, UTF-16) are exercised, not only Binary.
            if i % 3 == 0 {
                bytes.iter_mut().for_each(|b| *b |= 0x80);
            }
            if i % 7 == 0 {
                bytes.splice(0..0, [0xFF, 0xFE]);
            }
            match decode(&bytes, forced[i % forced.len()]) {
                Ok(Decoded::Text { text, encoding }) => {
                    texts += 1;
                    assert!(!encoding.is_empty());
                    assert!(!text.starts_with('\u{FEFF}'));
                    assert!(!text.contains('\u{FFFD}'), "strict decoding replaced");
                }
                Ok(Decoded::Binary) => {}
                Err(e) => {
                    errors += 1;
                    assert!(e.offset < bytes.len().max(1), "{e} for {bytes:02x?}");
                }
            }
        }
        assert!(
            texts > 100 && errors > 100,
            "texts {texts}, errors {errors}"
        );
    }
}
