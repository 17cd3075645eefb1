//! Splitting a byte stream into lines and strict RFC 4180 CSV records.
//!
//! Why not the `csv` crate: it is deliberately lenient about quoting. It
//! reads `ab"c` and `"ab"c` without complaint, and an unterminated quote
//! swallows the rest of the file into one field, unbounded in memory and
//! silently losing every later row. An audit must report those rows, so this
//! splitter is strict:
//!
//! - a quote may only open a field; inside an unquoted field it is an error;
//! - after a closing quote only a delimiter, a line end or a second quote
//!   (an escaped quote) may follow;
//! - a quoted field still open at the end of input, or after
//!   [`MAX_RECORD_BYTES`], is an unterminated quote. It is reported at the line
//!   where the record started, and parsing resumes at the next line, so the
//!   rows after it are still read.
//!
//! Memory is bounded by one record of at most [`MAX_RECORD_BYTES`] plus the
//! reader's buffer, whatever the input size.

use std::collections::VecDeque;
use std::io::{self, BufRead};
use std::ops::Range;

/// The longest record (or JSON line) read; longer ones are reported.
pub const MAX_RECORD_BYTES: usize = 8 << 20;

/// Reads physical lines, keeping their number and the bytes consumed.
pub struct LineReader<R> {
    reader: R,
    /// Lines handed out so far (the last one's 1-based number).
    line: u64,
    /// Bytes consumed from `reader`.
    consumed: u64,
    /// Lines read ahead and given back (after an unterminated quote).
    pushed_back: VecDeque<(u64, Vec<u8>)>,
}

/// One physical line.
pub enum Line {
    /// The line's bytes, terminator included.
    Bytes(Vec<u8>),
    /// The line was longer than [`MAX_RECORD_BYTES`]; it was skipped.
    TooLong,
}

impl<R: BufRead> LineReader<R> {
    /// Wraps `reader`.
    pub fn new(reader: R) -> LineReader<R> {
        LineReader {
            reader,
            line: 0,
            consumed: 0,
            pushed_back: VecDeque::new(),
        }
    }

    /// Bytes consumed from the underlying reader.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The next line and its 1-based number, or `None` at the end.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line)>> {
        if let Some((number, bytes)) = self.pushed_back.pop_front() {
            return Ok(Some((number, Line::Bytes(bytes))));
        }
        let mut buf = Vec::new();
        let mut too_long = false;
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            let (take, done) = match memchr::memchr(b'\n', available) {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            if !too_long {
                if buf.len() + take > MAX_RECORD_BYTES {
                    too_long = true;
                    buf = Vec::new();
                } else {
                    buf.extend_from_slice(&available[..take]);
                }
            }
            self.reader.consume(take);
            self.consumed += take as u64;
            if done {
                break;
            }
        }
        if buf.is_empty() && !too_long {
            return Ok(None);
        }
        self.line += 1;
        let line = if too_long {
            Line::TooLong
        } else {
            Line::Bytes(buf)
        };
        Ok(Some((self.line, line)))
    }

    /// Parses the next line where it lies in the read buffer, without
    /// copying it, when it lies there whole (nearly always). `Ok(None)` when
    /// it does not (a line given back, one running past the buffer, the
    /// last line without a terminator, the end): nothing is consumed then,
    /// and [`next_line`](Self::next_line) reads it.
    fn parse_in_buffer<T>(
        &mut self,
        parse: impl FnOnce(&[u8]) -> T,
    ) -> io::Result<Option<(u64, T)>> {
        if !self.pushed_back.is_empty() {
            return Ok(None);
        }
        let available = self.reader.fill_buf()?;
        let take = match memchr::memchr(b'\n', available) {
            Some(i) if i < MAX_RECORD_BYTES => i + 1,
            _ => return Ok(None),
        };
        let parsed = parse(&available[..take]);
        self.reader.consume(take);
        self.consumed += take as u64;
        self.line += 1;
        Ok(Some((self.line, parsed)))
    }

    /// Gives lines back, to be read again before any new line.
    fn push_back(&mut self, lines: impl IntoIterator<Item = (u64, Vec<u8>)>) {
        for (i, line) in lines.into_iter().enumerate() {
            self.pushed_back.insert(i, line);
        }
    }
}

/// A CSV record: unescaped field bytes and each field's range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvRecord {
    /// The unescaped bytes of all fields, back to back.
    pub bytes: Vec<u8>,
    /// Each field's range in `bytes`.
    pub fields: Vec<Range<usize>>,
}

impl CsvRecord {
    /// The bytes of field `i`.
    pub fn field(&self, i: usize) -> &[u8] {
        &self.bytes[self.fields[i].clone()]
    }

    /// Whether every field is empty (an empty line or `,,,`).
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.is_empty())
    }
}

/// What the splitter read at one row.
#[derive(Debug, PartialEq, Eq)]
pub enum Split {
    /// A well-formed record.
    Record(CsvRecord),
    /// A malformed record: what is wrong with it.
    Malformed(String),
}

/// Splits a stream into strict CSV records.
pub struct CsvSplitter<R> {
    lines: LineReader<R>,
    delimiter: u8,
    /// Fields of the last record: room reserved for the next one's.
    last_width: usize,
}

impl<R: BufRead> CsvSplitter<R> {
    /// A splitter over `reader` with field delimiter `delimiter`.
    pub fn new(reader: R, delimiter: u8) -> CsvSplitter<R> {
        CsvSplitter {
            lines: LineReader::new(reader),
            delimiter,
            last_width: 0,
        }
    }

    /// Bytes consumed so far.
    pub fn consumed(&self) -> u64 {
        self.lines.consumed()
    }

    /// The next record and the 1-based line it starts on.
    pub fn next_record(&mut self) -> io::Result<Option<(u64, Split)>> {
        let mut parser = FieldParser::new(self.delimiter, self.last_width);
        let first = self
            .lines
            .parse_in_buffer(|line| (line.len(), parser.feed(line)))?;
        let (row, mut size, mut state) = match first {
            Some((row, (size, state))) => (row, size, state),
            None => {
                let Some((row, first)) = self.lines.next_line()? else {
                    return Ok(None);
                };
                let Line::Bytes(first) = first else {
                    return Ok(Some((row, Split::Malformed(too_long()))));
                };
                (row, first.len(), parser.feed(&first))
            }
        };
        // Lines read past `first` while inside a quoted field, kept so that
        // they can be re-read if the quote turns out to be unterminated.
        let mut continuation: Vec<(u64, Vec<u8>)> = Vec::new();
        while state == State::InQuotes {
            match self.lines.next_line()? {
                Some((number, Line::Bytes(line))) if size + line.len() <= MAX_RECORD_BYTES => {
                    size += line.len();
                    state = parser.feed(&line);
                    continuation.push((number, line));
                }
                Some((number, line)) => {
                    // Too long to be one record: give the lines back.
                    if let Line::Bytes(line) = line {
                        continuation.push((number, line));
                    }
                    self.lines.push_back(continuation);
                    return Ok(Some((row, Split::Malformed(unterminated()))));
                }
                None => {
                    self.lines.push_back(continuation);
                    return Ok(Some((row, Split::Malformed(unterminated()))));
                }
            }
        }
        Ok(Some((
            row,
            match state {
                State::Done => {
                    let record = parser.finish();
                    self.last_width = record.fields.len();
                    Split::Record(record)
                }
                State::Bad(message) => Split::Malformed(message),
                State::InQuotes => unreachable!("loop ends only outside quotes"),
            },
        )))
    }
}

fn unterminated() -> String {
    "quoted field is never closed".to_string()
}

fn too_long() -> String {
    format!("record longer than {} MiB", MAX_RECORD_BYTES >> 20)
}

/// Where a [`FieldParser`] is after a line.
#[derive(Debug, PartialEq, Eq)]
enum State {
    /// The record is complete.
    Done,
    /// The line ended inside a quoted field.
    InQuotes,
    /// The record is malformed.
    Bad(String),
}

/// Parses the physical lines of one record, field by field.
struct FieldParser {
    delimiter: u8,
    record: CsvRecord,
    field_start: usize,
    /// Inside a quoted field that continues on the next line.
    in_quotes: bool,
}

/// What follows a closing quote.
enum AfterQuote {
    /// A delimiter: the next field starts.
    NextField,
    /// The end of the line: the record is complete.
    EndOfRecord,
    /// Anything else.
    Bad,
}

impl FieldParser {
    fn new(delimiter: u8, width: usize) -> FieldParser {
        FieldParser {
            delimiter,
            record: CsvRecord {
                bytes: Vec::new(),
                fields: Vec::with_capacity(width),
            },
            field_start: 0,
            in_quotes: false,
        }
    }

    fn finish(self) -> CsvRecord {
        self.record
    }

    fn end_field(&mut self) {
        let end = self.record.bytes.len();
        self.record.fields.push(self.field_start..end);
        self.field_start = end;
    }

    /// Consumes one physical line (with its terminator, if any).
    fn feed(&mut self, line: &[u8]) -> State {
        // The fields' bytes are at most the line's: one allocation.
        self.record.bytes.reserve(line.len());
        let mut i = 0;
        let mut resume_quoted = self.in_quotes;
        loop {
            // At the start of a field, or inside a quoted field continued
            // from the previous line.
            if resume_quoted || line.get(i) == Some(&b'"') {
                if !resume_quoted {
                    i += 1;
                }
                resume_quoted = false;
                if !self.quoted(line, &mut i) {
                    self.in_quotes = true;
                    return State::InQuotes;
                }
                self.in_quotes = false;
                match self.after_quote(line, &mut i) {
                    AfterQuote::NextField => continue,
                    AfterQuote::EndOfRecord => return self.end_record(),
                    AfterQuote::Bad => {
                        return State::Bad("text after the closing quote of a field".to_string());
                    }
                }
            }
            // An unquoted field (possibly empty).
            let rest = &line[i..];
            let stop = memchr::memchr3(self.delimiter, b'"', b'\n', rest).unwrap_or(rest.len());
            let mut content = &rest[..stop];
            match rest.get(stop) {
                Some(b'"') => {
                    return State::Bad("quote inside an unquoted field".to_string());
                }
                Some(&b) if b == self.delimiter => {
                    self.record.bytes.extend_from_slice(content);
                    self.end_field();
                    i += stop + 1;
                }
                _ => {
                    if content.last() == Some(&b'\r') {
                        content = &content[..content.len() - 1];
                    }
                    self.record.bytes.extend_from_slice(content);
                    return self.end_record();
                }
            }
        }
    }

    fn end_record(&mut self) -> State {
        self.end_field();
        State::Done
    }

    /// What follows the closing quote at `line[*i - 1]`.
    fn after_quote(&mut self, line: &[u8], i: &mut usize) -> AfterQuote {
        match line.get(*i) {
            Some(&b) if b == self.delimiter => {
                self.end_field();
                *i += 1;
                AfterQuote::NextField
            }
            None | Some(b'\n') => AfterQuote::EndOfRecord,
            Some(b'\r') if matches!(line.get(*i + 1), None | Some(b'\n')) => {
                AfterQuote::EndOfRecord
            }
            Some(_) => AfterQuote::Bad,
        }
    }

    /// Reads quoted content from `line[*i..]`; true once the closing quote
    /// is consumed, false if the line ends inside the quotes.
    fn quoted(&mut self, line: &[u8], i: &mut usize) -> bool {
        loop {
            let rest = &line[*i..];
            match memchr::memchr(b'"', rest) {
                None => {
                    self.record.bytes.extend_from_slice(rest);
                    *i = line.len();
                    return false;
                }
                Some(q) => {
                    self.record.bytes.extend_from_slice(&rest[..q]);
                    if rest.get(q + 1) == Some(&b'"') {
                        self.record.bytes.push(b'"');
                        *i += q + 2;
                    } else {
                        *i += q + 1;
                        return true;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(input: &str) -> Vec<(u64, Result<Vec<String>, String>)> {
        let mut splitter = CsvSplitter::new(input.as_bytes(), b',');
        let mut out = Vec::new();
        while let Some((row, split)) = splitter.next_record().unwrap() {
            out.push((
                row,
                match split {
                    Split::Record(r) => Ok((0..r.fields.len())
                        .map(|i| String::from_utf8(r.field(i).to_vec()).unwrap())
                        .collect()),
                    Split::Malformed(m) => Err(m),
                },
            ));
        }
        out
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
        let rows = split_all("a\"b,c\n\"ab\"c,d\nok,1\n");
        assert!(rows[0].1.as_ref().unwrap_err().contains("quote inside"));
        assert!(
            rows[1]
                .1
                .as_ref()
                .unwrap_err()
                .contains("after the closing quote")
        );
        assert_eq!(rows[2], (3, ok(&["ok", "1"])));
    }

    #[test]
    fn unterminated_quote_is_reported_and_later_rows_survive() {
        let rows = split_all("h,t\n1,\"never closed\n2,fine\n3,also fine\n");
        assert_eq!(rows[0], (1, ok(&["h", "t"])));
        assert_eq!(rows[1].0, 2);
        assert!(rows[1].1.as_ref().unwrap_err().contains("never closed"));
        assert_eq!(rows[2], (3, ok(&["2", "fine"])));
        assert_eq!(rows[3], (4, ok(&["3", "also fine"])));
    }

    #[test]
    fn records_are_the_same_whatever_the_read_buffer_size() {
        let input = "h,t\n1,\"two\nlines\"\n2,\"a \"\"q\"\"\"\nbad\"q,x\n3,\"open\n4,last";
        let read = |capacity: usize| {
            let reader = io::BufReader::with_capacity(capacity, input.as_bytes());
            let mut splitter = CsvSplitter::new(reader, b',');
            let mut rows = Vec::new();
            while let Some(row) = splitter.next_record().unwrap() {
                rows.push(row);
            }
            (rows, splitter.consumed())
        };
        let whole = read(1 << 16);
        assert_eq!(whole.0.len(), 6, "{:?}", whole.0);
        assert_eq!(whole.1, input.len() as u64);
        for capacity in [1, 2, 3, 5, 8, 13] {
            assert_eq!(read(capacity), whole, "buffer of {capacity} bytes");
        }
    }

    #[test]
    fn empty_lines_are_blank_records() {
        let mut splitter = CsvSplitter::new(&b"a\n\n,\n"[..], b',');
        let mut blanks = 0;
        while let Some((_, Split::Record(r))) = splitter.next_record().unwrap() {
            blanks += usize::from(r.is_blank());
        }
        assert_eq!(blanks, 2);
        assert_eq!(splitter.consumed(), 5);
    }
}
