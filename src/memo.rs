//! Results remembered by the text they were computed from.
//!
//! Call notes and transcripts repeat themselves: dispositions ("关机。",
//! "无人接听。"), scripted notes and formulaic turns ("客户：是我。") recur
//! thousands of times a day, word for word. What the rules find in a text
//! depends on the text alone, so the result for a text seen before is taken
//! from a [`TextMemo`] instead of being computed again. Only short texts
//! are remembered (long ones rarely recur), and each shard forgets
//! everything when full, so memory stays bounded whatever the input.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError};

/// Longest text remembered, in bytes.
const MAX_TEXT_BYTES: usize = 512;

/// Texts remembered per shard before it is cleared.
const SHARD_CAPACITY: usize = 1024;

/// Shards, so that worker threads rarely wait for each other.
const SHARDS: usize = 16;

/// A bounded map from texts to what was found in them; shared by threads.
pub struct TextMemo<V> {
    shards: Vec<Mutex<HashMap<Box<str>, Arc<V>>>>,
    hasher: RandomState,
}

impl<V> fmt::Debug for TextMemo<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextMemo").finish_non_exhaustive()
    }
}

impl<V> Default for TextMemo<V> {
    fn default() -> Self {
        TextMemo {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: RandomState::new(),
        }
    }
}

impl<V> TextMemo<V> {
    /// The value for `text`: remembered, or made by `make` (and remembered
    /// when the text is short enough).
    pub fn get_or_make(&self, text: &str, make: impl FnOnce() -> V) -> Arc<V> {
        if text.len() > MAX_TEXT_BYTES {
            return Arc::new(make());
        }
        let shard = &self.shards[self.hasher.hash_one(text) as usize % SHARDS];
        let lock = || shard.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(value) = lock().get(text) {
            return Arc::clone(value);
        }
        // Made without holding the lock: two threads may both make the value
        // of a new text, which is harmless, rather than wait for each other.
        let value = Arc::new(make());
        let mut map = lock();
        if map.len() >= SHARD_CAPACITY {
            map.clear();
        }
        map.insert(text.into(), Arc::clone(&value));
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_seen_before_is_not_checked_again() {
        let memo = TextMemo::default();
        let mut made = 0;
        for text in ["关机。", "无人接听。", "关机。"] {
            memo.get_or_make(text, || {
                made += 1;
                text.len()
            });
        }
        assert_eq!(made, 2);
    }

    #[test]
    fn long_texts_are_never_remembered() {
        let memo = TextMemo::default();
        let long = "很长的转写。".repeat(100);
        let mut made = 0;
        for _ in 0..2 {
            memo.get_or_make(&long, || made += 1);
        }
        assert_eq!(made, 2);
    }

    #[test]
    fn memory_stays_bounded() {
        let memo = TextMemo::default();
        for i in 0..SHARDS * SHARD_CAPACITY * 3 {
            memo.get_or_make(&i.to_string(), || i);
        }
        let kept: usize = memo.shards.iter().map(|s| s.lock().unwrap().len()).sum();
        assert!(kept <= SHARDS * SHARD_CAPACITY);
    }
}
