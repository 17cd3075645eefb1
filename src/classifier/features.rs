//! The features the classifier reads: the characters, character bigrams
//! and trigrams of a normalized text.
//!
//! Whitespace is skipped (an n-gram may span it, as ASR output puts spaces
//! inside words) and every ASCII digit reads as `0`, so that texts that
//! differ only in their digits look alike to the model, as they do to the
//! digit-inert rules (see `engine::digits`).

use std::ops::Range;

/// An n-gram packed into a `u64`: one to three characters of 21 bits each,
/// and a tag bit for a single character and for a trigram, so that n-grams
/// of different lengths never share a key.
pub type Key = u64;

/// The lengths of the n-grams, shortest first.
pub const ORDERS: [usize; 3] = [1, 2, 3];

/// One n-gram of a text: its key and where it lies, in bytes of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gram {
    /// The packed n-gram.
    pub key: Key,
    /// Its extent in the text (whitespace inside included).
    pub span: Range<usize>,
}

/// Every character, bigram and trigram of `text`, shortest first at each
/// position.
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
const UNIGRAM: Key = 1 << 62;

/// The key of the n-gram made of `chars` (one to three).
pub fn pack(chars: impl Iterator<Item = char>) -> Key {
    let mut key: Key = 0;
    let mut len = 0;
    for c in chars {
        key = (key << 21) | u64::from(c);
        len += 1;
    }
    debug_assert!(
        (1..=3).contains(&len),
        "n-grams have one to three characters"
    );
    match len {
        1 => key | UNIGRAM,
        3 => key | TRIGRAM,
        _ => key,
    }
}

/// The text of the n-gram `key`.
pub fn unpack(key: Key) -> String {
    let len = if key & TRIGRAM != 0 {
        3
    } else if key & UNIGRAM != 0 {
        1
    } else {
        2
    };
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
        assert_eq!(
            texts,
            [
                "派", "派人", "派人0", "人", "人0", "人0点", "0", "0点", "点"
            ]
        );
        let spans: Vec<(usize, usize)> = grams("派 人")
            .into_iter()
            .filter(|g| unpack(g.key).chars().count() == 2)
            .map(|g| (g.span.start, g.span.end))
            .collect();
        assert_eq!(spans, [(0, 7)]);
    }

    #[test]
    fn keys_round_trip_and_orders_differ() {
        for text in ["门", "上门", "上门去", "ab", "0点"] {
            assert_eq!(unpack(pack(text.chars())), text);
        }
        assert_ne!(pack("\u{0}ab".chars()), pack("ab".chars()));
        assert_ne!(pack("\u{0}a".chars()), pack("a".chars()));
    }
}
