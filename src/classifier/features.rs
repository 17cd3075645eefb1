//! The features the classifier reads: character bigrams and trigrams of
//! a normalized text.
//!
//! Whitespace is skipped (an n-gram may span it, as ASR output puts spaces
//! inside words) and every ASCII digit reads as `0`, so that texts that
//! differ only in their digits look alike to the model, as they do to the
//! digit-inert rules (see `engine::digits`).

use std::ops::Range;

/// An n-gram packed into a `u64`: two or three characters of 21 bits each,
/// and the top bit set for a trigram, so that a bigram and a trigram never
/// share a key.
pub type Key = u64;

/// The lengths of the n-grams, shortest first.
pub const ORDERS: [usize; 2] = [2, 3];

/// One n-gram of a text: its key and where it lies, in bytes of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gram {
    /// The packed n-gram.
    pub key: Key,
    /// Its extent in the text (whitespace inside included).
    pub span: Range<usize>,
}

/// Every bigram and trigram of `text`, bigrams of a position first.
pub fn grams(text: &str) -> Vec<Gram> {
    let chars: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .map(|(at, c)| (at, if c.is_ascii_digit() { '0' } else { c }))
        .collect();
    let end_of = |i: usize| {
        let (at, _) = chars[i];
        at + text[at..].chars().next().map_or(0, char::len_utf8)
    };
    let mut grams = Vec::with_capacity(chars.len() * ORDERS.len());
    for start in 0..chars.len() {
        for order in ORDERS {
            let last = start + order - 1;
            if last >= chars.len() {
                break;
            }
            grams.push(Gram {
                key: pack(chars[start..=last].iter().map(|&(_, c)| c)),
                span: chars[start].0..end_of(last),
            });
        }
    }
    grams
}

const TRIGRAM: Key = 1 << 63;

/// The key of the n-gram made of `chars` (two or three).
pub fn pack(chars: impl Iterator<Item = char>) -> Key {
    let mut key: Key = 0;
    let mut len = 0;
    for c in chars {
        key = (key << 21) | u64::from(c);
        len += 1;
    }
    debug_assert!(
        (2..=3).contains(&len),
        "n-grams have two or three characters"
    );
    if len == 3 { key | TRIGRAM } else { key }
}

/// The text of the n-gram `key`.
pub fn unpack(key: Key) -> String {
    let len = if key & TRIGRAM != 0 { 3 } else { 2 };
    (0..len)
        .rev()
        .filter_map(|i| char::from_u32(((key >> (21 * i)) & 0x1F_FFFF) as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_skip_spaces_and_read_digits_as_zero() {
        let texts: Vec<String> = grams("派 人7点").iter().map(|g| unpack(g.key)).collect();
        assert_eq!(texts, ["派人", "派人0", "人0", "人0点", "0点"]);
        let spans: Vec<(usize, usize)> = grams("派 人")
            .into_iter()
            .map(|g| (g.span.start, g.span.end))
            .collect();
        assert_eq!(spans, [(0, 7)]);
    }

    #[test]
    fn keys_round_trip_and_orders_differ() {
        for text in ["上门", "上门去", "ab", "0点"] {
            assert_eq!(unpack(pack(text.chars())), text);
        }
        assert_ne!(pack("\u{0}ab".chars()), pack("ab".chars()));
    }
}
