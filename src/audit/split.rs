//! Strict RFC 4180 CSV records and JSONL lines, parsed where they lie in
//! memory.
//!
//! Why not the `csv` crate: it is deliberately lenient about quoting. It
//! reads `ab"c` and `"ab"c` without complaint, and an unterminated quote
//! swallows the rest of the file into one field, unbounded in memory and
//! silently losing every later row. An audit must report those rows, so this
//! parser is strict:
//!
//! - a quote may only open a field; inside an unquoted field it is an error,
//!   and the record ends with its line;
//! - after a closing quote only a delimiter, a line end or a second quote
//!   (an escaped quote) may follow; anything else is an error, and the
//!   record ends with that line;
//! - a quoted field still open at the end of input, or after
//!   [`MAX_RECORD_BYTES`], is an unterminated quote. It is reported at the
//!   line where the record started, and parsing resumes at the next line, so
//!   the rows after it are still read;
//! - a line longer than [`MAX_RECORD_BYTES`] is too long to be a record.
//!
//! Fields are ranges of the input, never copies: a field holding escaped
//! quotes (`""`) is unescaped only when its value is asked for.

use std::borrow::Cow;
use std::ops::Range;

/// The longest record (or JSON line) read; longer ones are reported.
pub const MAX_RECORD_BYTES: usize = 8 << 20;

/// One field of a CSV record: where its content lies in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawField {
    /// The content's range (inside the quotes of a quoted field).
    pub range: Range<usize>,
    /// Whether the content holds escaped quotes (`""`).
    pub escaped: bool,
}

impl RawField {
    /// The field's value in `input`, with escaped quotes unescaped.
    pub fn bytes<'a>(&self, input: &'a [u8]) -> Cow<'a, [u8]> {
        let raw = &input[self.range.clone()];
        if !self.escaped {
            return Cow::Borrowed(raw);
        }
        let mut value = Vec::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(q) = memchr::memchr(b'"', rest) {
            // Inside quoted content every quote is the first of a pair.
            value.extend_from_slice(&rest[..=q]);
            rest = rest.get(q + 2..).unwrap_or_default();
        }
        value.extend_from_slice(rest);
        Cow::Owned(value)
    }

    /// The field's value in `input`, which is valid UTF-8 (a field starts
    /// and ends next to an ASCII quote, delimiter or line end, so it is on
    /// character boundaries).
    #[inline]
    pub fn text<'a>(&self, input: &'a str) -> Cow<'a, str> {
        if !self.escaped {
            return Cow::Borrowed(input.get(self.range.clone()).unwrap_or_default());
        }
        Cow::Owned(String::from_utf8(self.bytes(input.as_bytes()).into_owned()).unwrap_or_default())
    }
}

/// What [`parse_record`] found at the start of a record.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A well-formed record; its fields are in the caller's vector.
    Record {
        /// Where the record ends (after its line terminator).
        end: usize,
        /// The physical lines it spans.
        lines: u64,
    },
    /// A malformed record.
    Bad {
        /// Where the record ends: with the line the error is on.
        end: usize,
        /// The physical lines it spans.
        lines: u64,
        /// What is wrong.
        message: &'static str,
    },
    /// A quoted field that does not close within the input and
    /// [`MAX_RECORD_BYTES`]: the record is its first line alone.
    Unterminated {
        /// Where the first line ends.
        end: usize,
    },
    /// The first line is longer than [`MAX_RECORD_BYTES`].
    TooLong,
    /// The input ends inside the record and more of it is coming.
    Incomplete,
}

/// The message of an unterminated quote.
pub const UNTERMINATED: &str = "quoted field is never closed";

/// The message of a record longer than [`MAX_RECORD_BYTES`].
pub fn too_long() -> String {
    format!("record longer than {} MiB", MAX_RECORD_BYTES >> 20)
}

/// Parses the record starting at `input[start]` (the start of a line) into
/// `fields`. `at_end` says whether the input ends where the data ends;
/// otherwise a record running to the end of `input` is
/// [`Incomplete`](Parsed::Incomplete).
pub fn parse_record(
    input: &[u8],
    start: usize,
    delimiter: u8,
    at_end: bool,
    fields: &mut Vec<RawField>,
) -> Parsed {
    fields.clear();
    // The usual record: one line without quotes, found with one search,
    // and cut at its delimiters.
    let plain_end = match memchr::memchr2(b'"', b'\n', &input[start..]) {
        Some(i) if input[start + i] == b'\n' => Some(start + i + 1),
        None if at_end && start < input.len() => Some(input.len()),
        _ => None,
    };
    if let Some(line_end) = plain_end
        && line_end - start <= MAX_RECORD_BYTES
    {
        let line = &input[start..line_end];
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        let mut field_start = start;
        for at in memchr::memchr_iter(delimiter, content) {
            fields.push(RawField {
                range: field_start..start + at,
                escaped: false,
            });
            field_start = start + at + 1;
        }
        fields.push(RawField {
            range: field_start..start + content.len(),
            escaped: false,
        });
        return Parsed::Record {
            end: line_end,
            lines: 1,
        };
    }
    let Some(mut line_end) = line_end(input, start, at_end) else {
        return if input.len() - start > MAX_RECORD_BYTES {
            Parsed::TooLong
        } else {
            Parsed::Incomplete
        };
    };
    if line_end - start > MAX_RECORD_BYTES {
        return Parsed::TooLong;
    }
    let first_end = line_end;
    let mut lines = 1;
    let mut i = start;
    loop {
        if input.get(i) == Some(&b'"') && i < line_end {
            // A quoted field: find its closing quote, maybe lines later.
            let open = i;
            let limit = input.len().min(start + MAX_RECORD_BYTES);
            let mut escaped = false;
            let mut at = open + 1;
            let close = loop {
                match memchr::memchr(b'"', &input[at.min(limit)..limit]) {
                    Some(q) if input.get(at + q + 1) == Some(&b'"') => {
                        escaped = true;
                        at += q + 2;
                    }
                    Some(q) => break at + q,
                    None if limit == input.len() && !at_end => return Parsed::Incomplete,
                    None => return Parsed::Unterminated { end: first_end },
                }
            };
            if close >= line_end {
                let Some(end) = self::line_end(input, close, at_end) else {
                    return if at_end || input.len() - start > MAX_RECORD_BYTES {
                        Parsed::Unterminated { end: first_end }
                    } else {
                        Parsed::Incomplete
                    };
                };
                if end - start > MAX_RECORD_BYTES {
                    return Parsed::Unterminated { end: first_end };
                }
                lines += memchr::memchr_iter(b'\n', &input[line_end..close]).count() as u64 + 1;
                line_end = end;
            }
            fields.push(RawField {
                range: open + 1..close,
                escaped,
            });
            i = close + 1;
            match input.get(i) {
                Some(&b) if b == delimiter => i += 1,
                None | Some(b'\n') => {
                    return Parsed::Record {
                        end: line_end,
                        lines,
                    };
                }
                Some(b'\r') if matches!(input.get(i + 1), None | Some(b'\n')) => {
                    return Parsed::Record {
                        end: line_end,
                        lines,
                    };
                }
                Some(_) => {
                    return Parsed::Bad {
                        end: line_end,
                        lines,
                        message: "text after the closing quote of a field",
                    };
                }
            }
            continue;
        }
        // An unquoted field (possibly empty), within the current line.
        let rest = &input[i..line_end];
        let stop = memchr::memchr3(delimiter, b'"', b'\n', rest).unwrap_or(rest.len());
        match rest.get(stop) {
            Some(b'"') => {
                return Parsed::Bad {
                    end: line_end,
                    lines,
                    message: "quote inside an unquoted field",
                };
            }
            Some(&b) if b == delimiter => {
                fields.push(RawField {
                    range: i..i + stop,
                    escaped: false,
                });
                i += stop + 1;
            }
            _ => {
                let content = &rest[..stop];
                let len = content.len() - usize::from(content.last() == Some(&b'\r'));
                fields.push(RawField {
                    range: i..i + len,
                    escaped: false,
                });
                return Parsed::Record {
                    end: line_end,
                    lines,
                };
            }
        }
    }
}

/// The end of the line starting at `at` (after its `\n`, or the end of the
/// input for a last line without one when `at_end`); `None` if the line
/// runs past the input.
pub fn line_end(input: &[u8], at: usize, at_end: bool) -> Option<usize> {
    match memchr::memchr(b'\n', &input[at..]) {
        Some(i) => Some(at + i + 1),
        None if at_end && at < input.len() => Some(input.len()),
        None => None,
    }
}

/// Every record of `input`, whose first line is line `first_line`, parsed
/// to the end: the line it starts on, and `map` of its fields or its error.
#[cfg(test)]
pub(super) fn walk<T>(
    input: &[u8],
    first_line: u64,
    mut map: impl FnMut(&[RawField]) -> T,
) -> Vec<(u64, Result<T, String>)> {
    let (mut at, mut row) = (0, first_line);
    let mut fields = Vec::new();
    let mut out = Vec::new();
    while at < input.len() {
        let (record, end, lines) = match parse_record(input, at, b',', true, &mut fields) {
            Parsed::Record { end, lines } => (Ok(map(&fields)), end, lines),
            Parsed::Bad {
                end,
                lines,
                message,
            } => (Err(message.to_string()), end, lines),
            Parsed::Unterminated { end } => (Err(UNTERMINATED.to_string()), end, 1),
            Parsed::TooLong | Parsed::Incomplete => {
                let end = line_end(input, at, true).unwrap_or(input.len());
                (Err(too_long()), end, 1)
            }
        };
        out.push((row, record));
        (at, row) = (end, row + lines);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `input` as `(row, fields or error)`.
    fn split_all(input: &str) -> Vec<(u64, Result<Vec<String>, String>)> {
        let input = input.as_bytes();
        let value = |f: &RawField| String::from_utf8(f.bytes(input).into_owned()).unwrap();
        walk(input, 1, |fields| fields.iter().map(value).collect())
    }

    fn ok(fields: &[&str]) -> Result<Vec<String>, String> {
        Ok(fields.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn plain_quoted_and_multiline_fields() {
        let rows = split_all("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\nlines\",\nlast,");
        assert_eq!(
            rows,
            vec![
                (1, ok(&["a", "b"])),
                (2, ok(&["x,1", "say \"hi\""])),
                (3, ok(&["two\nlines", ""])),
                (5, ok(&["last", ""])),
            ]
        );
    }

    #[test]
    fn stray_quotes_are_bad_quoting() {
        let rows = split_all("a\"b,c\n\"ab\"c,d\n\"two\nlines\"x,e\nok,1\n");
        assert!(rows[0].1.as_ref().unwrap_err().contains("quote inside"));
        assert!(
            rows[1]
                .1
                .as_ref()
                .unwrap_err()
                .contains("after the closing")
        );
        assert_eq!(rows[2].0, 3);
        assert!(
            rows[2]
                .1
                .as_ref()
                .unwrap_err()
                .contains("after the closing")
        );
        assert_eq!(rows[3], (5, ok(&["ok", "1"])));
    }

    #[test]
    fn unterminated_quote_is_reported_and_later_rows_survive() {
        let rows = split_all("h,t\n1,\"never closed\n2,fine\n3,also fine\n");
        assert_eq!(rows[0], (1, ok(&["h", "t"])));
        assert_eq!(rows[1], (2, Err(UNTERMINATED.to_string())));
        assert_eq!(rows[2], (3, ok(&["2", "fine"])));
        assert_eq!(rows[3], (4, ok(&["3", "also fine"])));
    }

    #[test]
    fn a_quote_closed_after_the_record_limit_is_unterminated() {
        let mut input = b"1,\"open\n".to_vec();
        input.resize(MAX_RECORD_BYTES + 100, b'y');
        input.extend_from_slice(b"\",x\n2,after\n");
        let mut fields = Vec::new();
        assert_eq!(
            parse_record(&input, 0, b',', true, &mut fields),
            Parsed::Unterminated { end: 8 }
        );
    }

    #[test]
    fn a_line_past_the_record_limit_is_too_long() {
        let mut input = b"1,".to_vec();
        input.resize(MAX_RECORD_BYTES + 1, b'x');
        let mut fields = Vec::new();
        for at_end in [true, false] {
            assert_eq!(
                parse_record(&input, 0, b',', at_end, &mut fields),
                Parsed::TooLong
            );
        }
    }

    #[test]
    fn a_record_cut_by_the_end_of_the_input_is_incomplete() {
        let mut fields = Vec::new();
        for partial in [
            "1,abc",
            "1,\"ab\nc",
            "1,\"ab\"",
            "1,\"ab\"\"",
            "1,\"a\nb\",c",
        ] {
            assert_eq!(
                parse_record(partial.as_bytes(), 0, b',', false, &mut fields),
                Parsed::Incomplete,
                "{partial:?}"
            );
        }
    }

    #[test]
    fn lines_without_quotes_read_as_their_quoted_form() {
        // A line without quotes takes a quicker path than a quoted one.
        for fields in [
            vec!["a", "b"],
            vec!["a", ""],
            vec!["", ""],
            vec!["a\r", "b"],
            vec!["还款 100元", "A1", "2026-11-21 10:00:00"],
        ] {
            for end in ["\n", "\r\n", ""] {
                let plain = format!("{}{end}", fields.join(","));
                let quoted: Vec<String> = fields.iter().map(|f| format!("\"{f}\"")).collect();
                let quoted = format!("{}{end}", quoted.join(","));
                let (plain, quoted) = (split_all(&plain), split_all(&quoted));
                assert_eq!(plain, vec![(1, ok(&fields))], "{fields:?} {end:?}");
                assert_eq!(plain, quoted);
            }
        }
        assert_eq!(split_all("a\tb,c\n"), vec![(1, ok(&["a\tb", "c"]))]);
    }

    #[test]
    fn empty_lines_and_empty_fields() {
        let rows = split_all("a\n\n,\n");
        assert_eq!(
            rows,
            vec![(1, ok(&["a"])), (2, ok(&[""])), (3, ok(&["", ""]))]
        );
    }
}
