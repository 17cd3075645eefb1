//! Normalization with an offset map. (placeholder: being written.)

use std::ops::Range;

/// Normalized text and the map back to the text it came from.
#[derive(Clone, Debug)]
pub struct NormText {
    text: String,
}

impl NormText {
    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the normalized text to a byte range of the input.
    pub fn original_range(&self, range: Range<usize>) -> Range<usize> {
        range
    }
}

/// Normalizes `input` for matching.
pub fn normalize(input: &str) -> NormText {
    NormText {
        text: input.to_string(),
    }
}
