//! Decoded source text and its line index.
//!
//! [`SourceFile`] owns the decoded original text. Every position hegui reports
//! is computed here, from byte offsets into that text, so that all reporters
//! agree on lines and columns.

use std::ops::Range;

use crate::finding::Position;

/// A decoded input with an index of its line starts.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as the user should see it (`-` for standard input).
    pub path: String,
    /// The decoded text, unchanged apart from a dropped byte-order mark.
    pub text: String,
    /// Name of the encoding the bytes were decoded from (e.g. `UTF-8`, `GB18030`).
    pub encoding: &'static str,
    /// Byte offset of the first byte of every line.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps decoded `text`, indexing its lines (`\n`, `\r\n` and lone `\r` end a line).
    pub fn new(path: impl Into<String>, text: String, encoding: &'static str) -> SourceFile {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line_starts.push(i + 1);
            }
        }
        SourceFile {
            path: path.into(),
            text,
            encoding,
            line_starts,
        }
    }

    /// Number of lines; a final line terminator does not start another line.
    pub fn line_count(&self) -> usize {
        let n = self.line_starts.len();
        if n > 1 && self.line_starts[n - 1] == self.text.len() {
            n - 1
        } else if self.text.is_empty() {
            0
        } else {
            n
        }
    }

    /// Byte range of 1-based line `line`, without its terminator.
    ///
    /// # Panics
    /// If `line` is 0 or greater than [`line_count`](Self::line_count).
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self.line_starts[line - 1];
        let mut end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// Text of 1-based line `line`, without its terminator.
    pub fn line_text(&self, line: usize) -> &str {
        &self.text[self.line_range(line)]
    }

    /// Iterates over `(line number, byte range)` of every line.
    pub fn lines(&self) -> impl Iterator<Item = (usize, Range<usize>)> + '_ {
        (1..=self.line_count()).map(|n| (n, self.line_range(n)))
    }

    /// The 1-based line and character column of byte `offset`.
    ///
    /// An offset inside a multi-byte character is rounded down to its start.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line_index = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line_index];
        let mut boundary = offset;
        while !self.text.is_char_boundary(boundary) {
            boundary -= 1;
        }
        Position {
            line: line_index + 1,
            column: self.text[start..boundary].chars().count() + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_handle_crlf_lone_cr_and_final_newline() {
        let src = SourceFile::new("t", "一\r\n二\r三\n".to_string(), "UTF-8");
        assert_eq!(src.line_count(), 3);
        assert_eq!(src.line_text(1), "一");
        assert_eq!(src.line_text(2), "二");
        assert_eq!(src.line_text(3), "三");
    }

    #[test]
    fn empty_text_has_no_lines() {
        assert_eq!(SourceFile::new("t", String::new(), "UTF-8").line_count(), 0);
    }

    #[test]
    fn last_line_without_newline_counts() {
        let src = SourceFile::new("t", "a\nb".to_string(), "UTF-8");
        assert_eq!(src.line_count(), 2);
        assert_eq!(src.line_text(2), "b");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = SourceFile::new("t", "甲\n坐席：你好".to_string(), "UTF-8");
        let offset = src.text.find("你").unwrap();
        assert_eq!(src.position(offset), Position { line: 2, column: 4 });
    }
}
