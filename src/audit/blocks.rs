//! Cutting an input stream into blocks of whole records, so that worker
//! threads parse and check the records of different blocks in parallel.
//!
//! A block ends exactly where parsing the whole stream would end a record
//! (see [`split`](super::split)), so the records of each block, parsed on
//! their own, are the records, rows and errors of the whole stream:
//!
//! - a CSV line without a quote is a record by itself (found with one
//!   `memchr2`, the common case); a line with a quote is parsed to find
//!   where its record ends, over as many lines as its quoted field takes;
//! - a quoted field never closed (by the end of input, or within
//!   [`MAX_RECORD_BYTES`]) makes its first line a record of its own, and
//!   the block ends with it: parsed within the block, it is unterminated
//!   there too, and the lines after it start the next block;
//! - a line longer than [`MAX_RECORD_BYTES`] is skipped without being held
//!   in memory, and reported as [`Cut::TooLong`].
//!
//! Memory: the block being filled, at most the requested size plus one
//! record (at most [`MAX_RECORD_BYTES`]) plus one read.

use std::io::{self, Read};

use super::split::{MAX_RECORD_BYTES, Parsed, RawField, line_end, parse_record};

/// Bytes read from the input at a time: small next to a block, so that a
/// block carries little spare capacity.
const READ_BYTES: usize = 64 << 10;

/// How records are delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// Strict CSV with this field delimiter.
    Csv(u8),
    /// One record per line (JSON Lines).
    Lines,
}

/// Whole records of an input.
#[derive(Debug, Default)]
pub struct Block {
    /// The records' bytes.
    pub bytes: Vec<u8>,
    /// The 1-based line of the input the block starts on.
    pub first_line: u64,
}

/// What the reader hands out next.
#[derive(Debug)]
pub enum Cut {
    /// Whole records.
    Block(Block),
    /// A line longer than [`MAX_RECORD_BYTES`], skipped.
    TooLong {
        /// Its 1-based line number.
        line: u64,
    },
}

/// Reads a stream as blocks of whole records.
pub struct BlockReader<R> {
    reader: R,
    framing: Framing,
    /// Bytes read and not handed out yet; they start at a record boundary.
    pending: Vec<u8>,
    /// The 1-based line `pending` starts on.
    line: u64,
    /// The input is exhausted.
    eof: bool,
    /// Bytes handed out (as blocks or skipped lines).
    consumed: u64,
    /// Field ranges of the record being scanned (unused, kept for reuse).
    fields: Vec<RawField>,
}

/// Where the record starting at a position ends.
enum Step {
    /// After `end`, `lines` lines later.
    Record { end: usize, lines: u64 },
    /// An unterminated quote: the record is its first line, which ends at
    /// `end`, and the block must end with it.
    Last { end: usize },
    /// The record's first line is too long.
    TooLong,
    /// More input is needed.
    Incomplete,
}

impl<R: Read> BlockReader<R> {
    /// Reads `reader` from its start; a UTF-8 byte-order mark is dropped
    /// (and counted as consumed).
    pub fn new(reader: R, framing: Framing) -> io::Result<BlockReader<R>> {
        let mut blocks = BlockReader {
            reader,
            framing,
            pending: Vec::new(),
            line: 1,
            eof: false,
            consumed: 0,
            fields: Vec::new(),
        };
        while blocks.pending.len() < 3 && !blocks.eof {
            blocks.read_more()?;
        }
        if blocks.pending.starts_with(b"\xef\xbb\xbf") {
            blocks.pending.drain(..3);
            blocks.consumed = 3;
        }
        Ok(blocks)
    }

    /// Bytes of the input handed out so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The next cut: a block of whole records, ending after the first
    /// record that reaches `bytes` bytes or `records` records (or earlier,
    /// at an unterminated quote); `None` at the end of input.
    pub fn next_cut(&mut self, bytes: usize, records: usize) -> io::Result<Option<Cut>> {
        let (mut at, mut lines, mut count) = (0, 0, 0);
        loop {
            while at < self.pending.len() && at < bytes.max(1) && count < records.max(1) {
                match self.step(at) {
                    Step::Record { end, lines: n } => {
                        (at, lines, count) = (end, lines + n, count + 1);
                    }
                    Step::Last { end } => return Ok(Some(self.cut(end, lines + 1, bytes))),
                    Step::TooLong if at == 0 => return self.skip_line().map(Some),
                    Step::TooLong => return Ok(Some(self.cut(at, lines, bytes))),
                    Step::Incomplete => break,
                }
            }
            let full = at >= bytes.max(1) || count >= records.max(1);
            if full || self.eof {
                return Ok((at > 0).then(|| self.cut(at, lines, bytes)));
            }
            self.read_more()?;
        }
    }

    /// Where the record starting at `pending[at]` ends.
    fn step(&mut self, at: usize) -> Step {
        let pending = &self.pending[..];
        let delimiter = match self.framing {
            Framing::Lines => {
                return match line_end(pending, at, self.eof) {
                    Some(end) if end - at > MAX_RECORD_BYTES => Step::TooLong,
                    Some(end) => Step::Record { end, lines: 1 },
                    None if pending.len() - at > MAX_RECORD_BYTES => Step::TooLong,
                    None => Step::Incomplete,
                };
            }
            Framing::Csv(delimiter) => delimiter,
        };
        let plain_end = match memchr::memchr2(b'"', b'\n', &pending[at..]) {
            Some(i) if pending[at + i] == b'\n' => Some(at + i + 1),
            Some(_) => None,
            None if self.eof => Some(pending.len()),
            None if pending.len() - at > MAX_RECORD_BYTES => return Step::TooLong,
            None => return Step::Incomplete,
        };
        if let Some(end) = plain_end {
            // No quote on the line: it is a record by itself.
            return if end - at > MAX_RECORD_BYTES {
                Step::TooLong
            } else {
                Step::Record { end, lines: 1 }
            };
        }
        match parse_record(pending, at, delimiter, self.eof, &mut self.fields) {
            Parsed::Record { end, lines } | Parsed::Bad { end, lines, .. } => {
                Step::Record { end, lines }
            }
            Parsed::Unterminated { end } => Step::Last { end },
            Parsed::TooLong => Step::TooLong,
            Parsed::Incomplete => Step::Incomplete,
        }
    }

    /// Hands out `pending[..at]`, `lines` lines, as a block; the next
    /// block is to be about `target` bytes.
    fn cut(&mut self, at: usize, lines: u64, target: usize) -> Cut {
        // The rest (less than a record, usually) moves to a new buffer, so
        // that the block keeps the bytes without a copy.
        let mut rest = Vec::with_capacity(target.max(self.pending.len() - at) + READ_BYTES);
        rest.extend_from_slice(&self.pending[at..]);
        self.pending.truncate(at);
        let block = Block {
            bytes: std::mem::replace(&mut self.pending, rest),
            first_line: self.line,
        };
        self.consumed += at as u64;
        self.line += lines;
        Cut::Block(block)
    }

    /// Appends up to [`READ_BYTES`] of input to `pending`.
    fn read_more(&mut self) -> io::Result<()> {
        let start = self.pending.len();
        // Exactly: a block's capacity is what it was read into.
        self.pending.reserve_exact(READ_BYTES);
        self.pending.resize(start + READ_BYTES, 0);
        let read = loop {
            match self.reader.read(&mut self.pending[start..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                result => break result,
            }
        };
        let read = read.inspect_err(|_| self.pending.truncate(start))?;
        self.pending.truncate(start + read);
        self.eof = read == 0;
        Ok(())
    }

    /// Drops the too-long line at the start of `pending`, reading on to
    /// its end.
    fn skip_line(&mut self) -> io::Result<Cut> {
        let line = self.line;
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.pending) {
                self.consumed += i as u64 + 1;
                self.pending.drain(..=i);
                break;
            }
            self.consumed += self.pending.len() as u64;
            self.pending.clear();
            if self.eof {
                break;
            }
            self.read_more()?;
        }
        self.line += 1;
        Ok(Cut::TooLong { line })
    }
}

#[cfg(test)]
mod tests {
    use super::super::split::{UNTERMINATED, too_long, walk};
    use super::*;

    /// Every record of `input` with its row, parsed whole.
    fn whole(input: &[u8]) -> Vec<(u64, Result<Vec<RawField>, String>)> {
        records_of(input, 1, 0)
    }

    /// The records of `bytes`, which start on line `first_line`, with
    /// field ranges shifted by `offset`.
    fn records_of(
        bytes: &[u8],
        first_line: u64,
        offset: usize,
    ) -> Vec<(u64, Result<Vec<RawField>, String>)> {
        walk(bytes, first_line, |fields| {
            fields
                .iter()
                .map(|f| RawField {
                    range: f.range.start + offset..f.range.end + offset,
                    escaped: f.escaped,
                })
                .collect()
        })
    }

    /// The same through blocks of at most `bytes` bytes and `records`
    /// records, read `chunk` bytes at a time.
    fn blockwise(
        input: &[u8],
        bytes: usize,
        records: usize,
        chunk: usize,
    ) -> Vec<(u64, Result<Vec<RawField>, String>)> {
        let reader = SlowReader { data: input, chunk };
        let mut blocks = BlockReader::new(reader, Framing::Csv(b',')).unwrap();
        let mut rows = Vec::new();
        let mut offset = 0;
        while let Some(cut) = blocks.next_cut(bytes, records).unwrap() {
            match cut {
                Cut::Block(block) => {
                    rows.extend(records_of(&block.bytes, block.first_line, offset));
                    offset += block.bytes.len();
                }
                Cut::TooLong { line } => {
                    rows.push((line, Err(too_long())));
                    offset = blocks.consumed() as usize;
                }
            }
        }
        assert_eq!(blocks.consumed(), input.len() as u64);
        rows
    }

    /// A reader handing out at most `chunk` bytes per read.
    struct SlowReader<'a> {
        data: &'a [u8],
        chunk: usize,
    }

    impl Read for SlowReader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    const TRICKY: &str = "1,plain\n2,\"quoted, with comma\"\n3,\"two\nlines\"\n\
        4,\"esc \"\"q\"\" \"\n5,bad\"quote\n6,\"after\"x\n\n7,\"three\n\nlines\"\n\
        8,\"closed by the quote of\n9,after\n10,\"x\"\r\n11,\"x\"\r\n12,\"never closed\n13,last";

    #[test]
    fn blocks_split_as_the_whole_stream_splits() {
        let whole = whole(TRICKY.as_bytes());
        assert_eq!(whole.len(), 12, "{whole:?}");
        for bytes in [1, 2, 7, 16, 1000] {
            for records in [1, 2, 3, 100] {
                for chunk in [1, 3, 64] {
                    assert_eq!(
                        blockwise(TRICKY.as_bytes(), bytes, records, chunk),
                        whole,
                        "blocks of {bytes} bytes / {records} records, reads of {chunk}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_unclosed_quote_at_the_end_is_unterminated() {
        let input = b"1,ok\n2,\"open\n3,x\n4,\"y";
        assert_eq!(blockwise(input, 4, 2, 2), whole(input));
        // The quote opened on line 2 closes on line 4, before `y`.
        assert_eq!(whole(input).len(), 2);
        let input = b"1,ok\n2,\"open\n3,x\n";
        assert_eq!(blockwise(input, 4, 2, 2), whole(input));
        assert_eq!(whole(input)[1], (2, Err(UNTERMINATED.to_string())));
    }

    #[test]
    fn a_quote_left_open_past_the_record_limit_is_unterminated() {
        let mut input = b"1,\"open\n".to_vec();
        let line = format!("{}\n", "y".repeat(999));
        while input.len() <= MAX_RECORD_BYTES {
            input.extend_from_slice(line.as_bytes());
        }
        input.extend_from_slice(b"closing\",quote\n2,after\n");
        let whole = whole(&input);
        assert_eq!(whole[0], (1, Err(UNTERMINATED.to_string())));
        for (bytes, records) in [(1 << 16, 1000), (1 << 20, 10)] {
            assert!(blockwise(&input, bytes, records, 1 << 18) == whole);
        }
    }

    #[test]
    fn lines_past_the_record_limit_are_skipped() {
        let mut input = b"1,a\n2,".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 10));
        input.extend_from_slice(b"\n3,b\n");
        let rows: Vec<(u64, bool)> = blockwise(&input, 1 << 16, 100, 1 << 20)
            .into_iter()
            .map(|(row, record)| (row, record.is_ok()))
            .collect();
        assert_eq!(rows, vec![(1, true), (2, false), (3, true)]);
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_counted() {
        let input = b"\xef\xbb\xbfh\n1\n";
        let mut blocks = BlockReader::new(&input[..], Framing::Lines).unwrap();
        let Some(Cut::Block(block)) = blocks.next_cut(1 << 20, 100).unwrap() else {
            panic!("one block");
        };
        assert_eq!(block.bytes, b"h\n1\n");
        assert_eq!(blocks.consumed(), input.len() as u64);
        assert!(blocks.next_cut(1 << 20, 100).unwrap().is_none());
    }

    #[test]
    fn lines_are_cut_at_line_ends() {
        let input = b"{\"a\":1}\n{\"a\":2}\n{\"a\":3}";
        let mut blocks = BlockReader::new(&input[..], Framing::Lines).unwrap();
        let mut firsts = Vec::new();
        while let Some(Cut::Block(block)) = blocks.next_cut(1, 2).unwrap() {
            firsts.push((block.first_line, block.bytes.len()));
        }
        assert_eq!(firsts, vec![(1, 8), (2, 8), (3, 7)]);
    }
}
