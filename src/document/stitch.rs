//! Text assembled from pieces of the original, with the map back.
//!
//! A unit of a document is usually one stretch of one line, but a sentence
//! hard-wrapped across lines (PDF and Word exports) is read as one text made
//! of several stretches. [`Stitched`] holds that text and maps any byte
//! offset of it back to the decoded original, so findings still point at
//! the bytes the user wrote.

use std::borrow::Cow;
use std::ops::Range;

/// A text made of pieces of an original text, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stitched<'a> {
    text: Cow<'a, str>,
    /// Each piece: where it starts in `text`, and the original bytes it copies.
    /// Sorted by both; never empty unless `text` is.
    pieces: Vec<(usize, Range<usize>)>,
}

impl<'a> Stitched<'a> {
    /// The stretch `range` of `original`, borrowed.
    pub fn single(original: &'a str, range: Range<usize>) -> Stitched<'a> {
        let text = Cow::Borrowed(&original[range.clone()]);
        Stitched {
            text,
            pieces: vec![(0, range)],
        }
    }

    /// The stretches `ranges` of `original` (in order, not overlapping),
    /// joined without separators: CJK text wrapped by an exporter has no
    /// space to restore.
    pub fn join(original: &'a str, ranges: &[Range<usize>]) -> Stitched<'a> {
        match ranges {
            [] => Stitched::single(original, 0..0),
            [only] => Stitched::single(original, only.clone()),
            _ => {
                let mut text = String::with_capacity(ranges.iter().map(|r| r.len()).sum());
                let mut pieces = Vec::with_capacity(ranges.len());
                for range in ranges {
                    pieces.push((text.len(), range.clone()));
                    text.push_str(&original[range.clone()]);
                }
                Stitched {
                    text: Cow::Owned(text),
                    pieces,
                }
            }
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The original byte ranges this text is made of, in order.
    pub fn ranges(&self) -> impl Iterator<Item = &Range<usize>> {
        self.pieces.iter().map(|(_, range)| range)
    }

    /// The stretch `range` of this text as a new stitched text of the
    /// same original. `range` must lie on char boundaries.
    pub fn slice(&self, range: Range<usize>) -> Stitched<'a>
    where
        Self: Clone,
    {
        let mut pieces = Vec::new();
        for (at, original) in &self.pieces {
            let end = at + original.len();
            let (lo, hi) = (range.start.max(*at), range.end.min(end));
            if lo < hi {
                let from = original.start + (lo - at);
                pieces.push((lo - range.start, from..from + (hi - lo)));
            }
        }
        if pieces.is_empty() {
            let at = self.original_offset(range.start);
            pieces.push((0, at..at));
        }
        let text = match &self.text {
            Cow::Borrowed(text) => Cow::Borrowed(&text[range]),
            Cow::Owned(text) => Cow::Owned(text[range].to_string()),
        };
        Stitched { text, pieces }
    }

    /// The original byte offset of byte `offset` of this text (the end of
    /// the last piece for the end of the text).
    pub fn original_offset(&self, offset: usize) -> usize {
        let index = self
            .pieces
            .partition_point(|(at, _)| *at <= offset)
            .saturating_sub(1);
        match self.pieces.get(index) {
            Some((at, original)) => (original.start + (offset - at)).min(original.end),
            None => 0,
        }
    }

    /// The original byte range of the bytes `range` of this text: from the
    /// original of its first byte to the original end of its last.
    pub fn original_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.original_offset(range.start);
        if range.end <= range.start {
            return start..start;
        }
        // The end is mapped from the last byte inside the range, so that a
        // range ending at a piece boundary ends in its own piece.
        let end = self.original_offset(range.end - 1) + 1;
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_pieces_map_back_to_their_lines() {
        let original = "第一行告诉他\n\n欠了多少钱。";
        let first = 0..original.find('\n').unwrap();
        let second = original.rfind('\n').unwrap() + 1..original.len();
        let text = Stitched::join(original, &[first, second.clone()]);
        assert_eq!(text.as_str(), "第一行告诉他欠了多少钱。");
        let at = text.as_str().find("欠了").unwrap();
        assert_eq!(text.original_offset(at), second.start);
        let span = text.original_range(text.as_str().find("告诉").unwrap()..at + "欠了".len());
        assert_eq!(&original[span], "告诉他\n\n欠了");
    }

    #[test]
    fn a_range_ending_at_a_piece_boundary_stays_in_its_piece() {
        let original = "甲乙\n丙丁";
        let text = Stitched::join(original, &[0..6, 7..13]);
        assert_eq!(&original[text.original_range(0..6)], "甲乙");
        assert_eq!(text.original_offset(text.as_str().len()), original.len());
    }

    #[test]
    fn slices_keep_their_map() {
        let original = "客服：你好。客户：嗯。";
        let whole = Stitched::single(original, 0..original.len());
        let start = original.find("客户").unwrap();
        let turn = whole.slice(start..original.len());
        assert_eq!(turn.as_str(), "客户：嗯。");
        assert_eq!(turn.original_offset(0), start);
    }
}
