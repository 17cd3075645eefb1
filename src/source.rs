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
    /// Inside lines longer than [`CHECKPOINT_STEP`]: every that many bytes
    /// (on a char boundary), the byte offset and its 0-based column, so
    /// that a column is counted from a checkpoint, not from the line start
    /// (many findings on one long line would otherwise take quadratic time).
    checkpoints: Vec<(usize, usize)>,
}

/// Bytes between column checkpoints of long lines.
const CHECKPOINT_STEP: usize = 4096;

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
        let checkpoints = checkpoints(&text, &line_starts);
        SourceFile {
            path: path.into(),
            text,
            encoding,
            line_starts,
            checkpoints,
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

    /// The 1-based line of byte `offset` (a binary search: no counting of
    /// characters, unlike [`position`](Self::position)).
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset.min(self.text.len()))
    }

    /// The 1-based line and character column of byte `offset`.
    ///
    /// An offset inside a multi-byte character is rounded down to its start.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line_index = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let line_start = self.line_starts[line_index];
        let mut boundary = offset;
        while !self.text.is_char_boundary(boundary) {
            boundary -= 1;
        }
        let (start, column) = match self.checkpoints.partition_point(|&(at, _)| at <= boundary) {
            0 => (line_start, 0),
            i => match self.checkpoints[i - 1] {
                (at, column) if at > line_start => (at, column),
                _ => (line_start, 0),
            },
        };
        Position {
            line: line_index + 1,
            column: column + self.text[start..boundary].chars().count() + 1,
        }
    }
}

/// The column checkpoints of the lines of `text` longer than
/// [`CHECKPOINT_STEP`] (see [`SourceFile`]).
fn checkpoints(text: &str, line_starts: &[usize]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (i, &start) in line_starts.iter().enumerate() {
        let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
        let (mut at, mut column) = (start, 0);
        while end - at > CHECKPOINT_STEP {
            let mut next = at + CHECKPOINT_STEP;
            while !text.is_char_boundary(next) {
                next -= 1;
            }
            column += text[at..next].chars().count();
            found.push((next, column));
            at = next;
        }
    }
    found
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
    fn columns_on_long_lines_count_from_checkpoints_correctly() {
        let line: String = "甲a乙".repeat(3000);
        let text = format!("短行\n{line}\n{line}");
        let src = SourceFile::new("t", text.clone(), "UTF-8");
        assert!(!src.checkpoints.is_empty());
        for offset in (0..text.len()).step_by(997) {
            let mut boundary = offset;
            while !text.is_char_boundary(boundary) {
                boundary -= 1;
            }
            let start = text[..boundary].rfind('\n').map_or(0, |i| i + 1);
            let column = text[start..boundary].chars().count() + 1;
            assert_eq!(src.position(offset).column, column, "{offset}");
        }
    }

    #[test]
    fn line_of_agrees_with_position() {
        let src = SourceFile::new("t", "甲\n\n坐席：你好\r\n末".to_string(), "UTF-8");
        for offset in 0..=src.text.len() {
            assert_eq!(src.line_of(offset), src.position(offset).line, "{offset}");
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = SourceFile::new("t", "甲\n坐席：你好".to_string(), "UTF-8");
        let offset = src.text.find("你").unwrap();
        assert_eq!(src.position(offset), Position { line: 2, column: 4 });
    }
}
