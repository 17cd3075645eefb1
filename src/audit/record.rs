//! One call-note record: its fields decoded and validated, or why not.
//!
//! Decoding is strict, as everywhere in hegui: a field that is not valid in
//! the input's encoding, a timestamp in none of the accepted forms, or a
//! connected flag that is neither yes nor no makes the record *failed*, with
//! its file and row, never silently repaired.

use std::borrow::Cow;
use std::ops::Range;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use encoding_rs::Encoding;
use serde::Serialize;

use super::columns::{FIELD_COUNT, Field};

/// A decoded record.
///
/// Field values borrow from the block the record was read from wherever
/// they can (a CSV field in UTF-8 without escaped quotes); a value that had
/// to be decoded or unescaped is owned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record<'a> {
    /// The field values, in [`Field::ALL`] order; empty when absent.
    values: [Cow<'a, str>; FIELD_COUNT],
    /// The call start time, if the record has one.
    pub time: Option<CallTime>,
    /// Whether the call was connected, if known.
    pub connected: Option<bool>,
}

impl<'a> Record<'a> {
    /// The value of `field` (empty when absent).
    pub fn get(&self, field: Field) -> &str {
        &self.values[field.index()]
    }

    /// Sets the value of `field`, without surrounding whitespace unless it
    /// is the record id or the text (see [`Field::is_trimmed`]).
    pub fn set(&mut self, field: Field, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        self.values[field.index()] = match value {
            _ if !field.is_trimmed() => value,
            Cow::Borrowed(text) => Cow::Borrowed(trim(text)),
            Cow::Owned(text) if trim(&text).len() == text.len() => Cow::Owned(text),
            Cow::Owned(text) => Cow::Owned(trim(&text).to_string()),
        };
    }
}

/// `text` without leading and trailing whitespace, as [`str::trim`], with
/// a quick answer for the usual value, which has none: an id, a time or a
/// number (visible ASCII chars at both ends), or a relation (`本人`).
pub fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        (Some(_), Some(_))
            if !text.starts_with(char::is_whitespace) && !text.ends_with(char::is_whitespace) =>
        {
            text
        }
        _ => text.trim(),
    }
}

/// A call start time as local wall-clock date and minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallTime {
    /// Days since 0001-01-01 (for per-day counters).
    pub day: i32,
    /// Minute of the day, 0..1440.
    pub minute: u16,
}

impl CallTime {
    /// The hour of the day.
    pub fn hour(self) -> usize {
        usize::from(self.minute / 60)
    }
}

/// Why a record could not be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Stray or unterminated quotes.
    BadQuoting,
    /// A row with more or fewer fields than the header.
    WrongColumnCount,
    /// A timestamp in none of the accepted forms.
    BadTimestamp,
    /// Bytes that are not valid in the input's encoding.
    Undecodable,
    /// A JSONL line that is not a JSON object.
    InvalidJson,
    /// A connected flag that is neither yes nor no.
    BadConnected,
    /// A record without the text field.
    MissingText,
    /// A record longer than the parser accepts.
    TooLong,
    /// A transcript file that cannot be read.
    Unreadable,
}

impl ErrorKind {
    /// The stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadQuoting => "bad_quoting",
            ErrorKind::WrongColumnCount => "wrong_column_count",
            ErrorKind::BadTimestamp => "bad_timestamp",
            ErrorKind::Undecodable => "undecodable",
            ErrorKind::InvalidJson => "invalid_json",
            ErrorKind::BadConnected => "bad_connected",
            ErrorKind::MissingText => "missing_text",
            ErrorKind::TooLong => "too_long",
            ErrorKind::Unreadable => "unreadable",
        }
    }
}

/// A failed record: which kind of problem, and a message naming the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordError {
    /// The file the record is in.
    pub path: String,
    /// The 1-based line the record starts on.
    pub row: u64,
    /// The class of problem.
    pub kind: ErrorKind,
    /// What exactly is wrong.
    pub message: String,
}

/// How to read field values: encoding and the profile's time offset.
#[derive(Clone, Copy, Debug)]
pub struct FieldDecoder {
    /// Forced encoding of CSV fields; `None` means strict UTF-8.
    pub encoding: Option<&'static Encoding>,
    /// Offset (seconds east of UTC) that offset-carrying timestamps are converted to.
    pub utc_offset: Option<i32>,
}

impl FieldDecoder {
    /// Decodes one field's bytes strictly.
    pub fn text(&self, field: Field, bytes: &[u8]) -> Result<String, (ErrorKind, String)> {
        let undecodable = |offset: usize, name: &str| {
            (
                ErrorKind::Undecodable,
                format!(
                    "field `{}` cannot be decoded as {name}: malformed byte sequence at byte {offset}",
                    field.name()
                ),
            )
        };
        match self.encoding {
            None => String::from_utf8(bytes.to_vec())
                .map_err(|e| undecodable(e.utf8_error().valid_up_to(), "UTF-8")),
            Some(encoding) => encoding
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|text| text.into_owned())
                .ok_or_else(|| undecodable(first_bad_byte(encoding, bytes), encoding.name())),
        }
    }

    /// Parses a call time; `Ok(None)` for an empty value.
    pub fn time(&self, text: &str) -> Result<Option<CallTime>, (ErrorKind, String)> {
        let text = trim(text);
        if text.is_empty() {
            return Ok(None);
        }
        let local = parse_timestamp(text, self.utc_offset).ok_or_else(|| {
            (
                ErrorKind::BadTimestamp,
                format!(
                    "bad timestamp `{text}` (expected e.g. 2026-11-21 23:15:00, 2026-11-21T23:15:00+08:00 or 2026/11/21 23:15)"
                ),
            )
        })?;
        Ok(Some(CallTime {
            day: local.date().num_days_from_ce(),
            minute: (local.hour() * 60 + local.minute()) as u16,
        }))
    }
}

/// Offset of the first malformed byte sequence of `bytes` in `encoding`.
fn first_bad_byte(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3 + 16);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, _) => read.saturating_sub(usize::from(bad)),
        _ => read,
    }
}

/// Parses the accepted timestamp forms into local wall time.
///
/// `YYYY-MM-DD HH:MM[:SS[.fff]]`, with `-` or `/` in the date and a space or
/// `T` before the time, optionally followed by `Z` or `±HH:MM`. With an
/// offset and a profile offset, the time is converted to the profile's
/// offset; otherwise it is taken as written.
pub fn parse_timestamp(text: &str, target_offset: Option<i32>) -> Option<NaiveDateTime> {
    if let Some(plain) = parse_plain(text) {
        return Some(plain);
    }
    let split = text.find([' ', 'T'])?;
    let (date, rest) = (&text[..split], text[split + 1..].trim_start());
    let date = parse_date(date)?;
    let zone_at = rest
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == 'Z' || c == 'z' || c == '+' || c == '-')
        .map(|(i, _)| i);
    let (clock, zone) = match zone_at {
        Some(i) => (&rest[..i], Some(rest[i..].trim())),
        None => (rest.trim_end(), None),
    };
    let naive = date.and_time(parse_clock(clock)?);
    match zone {
        None => Some(naive),
        Some(zone) => {
            let offset = FixedOffset::east_opt(super::config::parse_offset(zone)?)?;
            let instant = naive.and_local_timezone(offset).single()?;
            match target_offset.and_then(FixedOffset::east_opt) {
                Some(target) => Some(instant.with_timezone(&target).naive_local()),
                None => Some(naive),
            }
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS`, the form nearly every export writes, read by
/// position; `None` for anything else (the general parser decides).
fn parse_plain(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() != 19 || [b[4], b[7], b[10], b[13], b[16]] != *b"-- ::" {
        return None;
    }
    let number = |digits: Range<usize>| {
        b[digits].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?.and_hms_opt(
        number(11..13)?,
        number(14..16)?,
        number(17..19)?,
    )
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split(['-', '/']);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn parse_clock(text: &str) -> Option<NaiveTime> {
    let mut parts = text.split(':');
    let (h, m) = (parts.next()?, parts.next()?);
    let s = parts.next();
    if parts.next().is_some() || h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let seconds: u32 = match s {
        Some(s) => {
            let whole = s.split_once('.').map_or(s, |(whole, frac)| {
                if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
                    "x"
                } else {
                    whole
                }
            });
            if whole.len() != 2 {
                return None;
            }
            whole.parse().ok()?
        }
        None => 0,
    };
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<(i32, u16)> {
        let decoder = FieldDecoder {
            encoding: None,
            utc_offset: Some(8 * 3600),
        };
        decoder.time(text).ok().flatten().map(|t| {
            (
                t.day
                    - NaiveDate::from_ymd_opt(2026, 11, 21)
                        .unwrap()
                        .num_days_from_ce(),
                t.minute,
            )
        })
    }

    #[test]
    fn trim_is_str_trim() {
        for text in [
            "",
            " ",
            "A1",
            " A1",
            "A1\t",
            "本人",
            "\u{3000}本人",
            "本人\u{3000}",
            "a b",
            "\u{a0}",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn metadata_values_are_trimmed_ids_and_texts_kept_as_written() {
        let mut record = Record::default();
        for field in Field::ALL {
            record.set(field, " x\u{3000}");
        }
        record.set(Field::Agent, String::from(" A1 "));
        for field in Field::ALL {
            let kept = matches!(field, Field::Id | Field::Text);
            let expected = match field {
                Field::Agent => "A1",
                _ if kept => " x\u{3000}",
                _ => "x",
            };
            assert_eq!(record.get(field), expected, "{field:?}");
        }
    }

    #[test]
    fn accepted_timestamp_forms() {
        assert_eq!(at("2026-11-21 23:15:00"), Some((0, 23 * 60 + 15)));
        assert_eq!(at("2026-11-21T23:15:00+08:00"), Some((0, 23 * 60 + 15)));
        assert_eq!(at("2026/11/21 23:15"), Some((0, 23 * 60 + 15)));
        assert_eq!(at("2026-11-21 23:15:00.250"), Some((0, 23 * 60 + 15)));
        // 15:30 UTC is 23:30 in the profile's +08:00.
        assert_eq!(at("2026-11-21T15:30:00Z"), Some((0, 23 * 60 + 30)));
        assert_eq!(at("2026-11-21T20:00:00-05:00"), Some((1, 9 * 60)));
    }

    #[test]
    fn bad_timestamps_are_rejected() {
        for bad in [
            "2026-13-01 10:00",
            "2026-02-30 10:00",
            "yesterday",
            "2026-11-21",
            "2026-11-21 25:00",
            "26-11-21 10:00",
            "2026-11-21 10:00:00+99:00",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
        let decoder = FieldDecoder {
            encoding: None,
            utc_offset: None,
        };
        assert_eq!(decoder.time("  "), Ok(None));
    }

    #[test]
    fn the_plain_form_reads_as_the_general_parser_reads_it() {
        let general = |text: &str| {
            let (date, clock) = text.split_once(' ')?;
            Some(parse_date(date)?.and_time(parse_clock(clock)?))
        };
        for text in [
            "2026-11-21 23:15:00",
            "2024-02-29 00:00:59",
            "2026-02-29 10:00:00",
            "2026-13-01 10:00:00",
            "2026-11-21 24:00:00",
            "2026-11-21 23:60:00",
            "2026-11-21 23:15:61",
            "2026-1a-21 23:15:00",
            "0000-01-01 00:00:00",
        ] {
            assert_eq!(parse_plain(text), general(text), "{text}");
        }
        assert_eq!(parse_plain("2026/11/21 23:15:00"), None);
        assert_eq!(parse_plain("2026-11-21T23:15:00"), None);
    }

    #[test]
    fn undecodable_fields_name_the_offset() {
        let decoder = FieldDecoder {
            encoding: None,
            utc_offset: None,
        };
        let (kind, message) = decoder.text(Field::Text, b"ab\xff").unwrap_err();
        assert_eq!(kind, ErrorKind::Undecodable);
        assert!(message.contains("byte 2"), "{message}");
        let gbk = FieldDecoder {
            encoding: Some(encoding_rs::GB18030),
            utc_offset: None,
        };
        assert_eq!(gbk.text(Field::Text, b"\xc4\xe3\xba\xc3").unwrap(), "你好");
    }
}
