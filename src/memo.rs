//! Results remembered by the text they were computed from.
//!
//! Call notes and transcripts repeat themselves: dispositions ("关机。",
//! "无人接听。"), scripted notes and formulaic turns ("客户：是我。") recur
//! thousands of times a day, word for word. What the rules find in a text
//! depends on the text alone, so the result for a text seen before is taken
//! from a [`TextMemo`] instead of being computed again.
//!
//! Only short texts are remembered (long ones rarely recur). Memory stays
//! within a byte budget, split over two generations per shard: new texts go
//! into the current one; when it is full, it becomes the previous one and
//! the old previous one is forgotten. A text found in the previous
//! generation moves back into the current one, so texts that keep recurring
//! are never forgotten, while a text seen once is forgotten after two
//! generations.

use std::fmt;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, PoisonError};

use hashbrown::DefaultHashBuilder;
use hashbrown::HashTable;

/// Longest text remembered, in bytes.
const MAX_TEXT_BYTES: usize = 512;

/// Shards, so that worker threads rarely wait for each other.
const SHARDS: usize = 16;

/// Bytes an entry is counted for besides its text and what its value holds
/// on the heap: the entry, its share of the table, the value itself and the
/// allocator's rounding.
const ENTRY_OVERHEAD: usize = 96;

/// A value that can be remembered: it tells how many heap bytes it holds,
/// which count against the memo's budget.
pub trait HeapSize {
    /// Bytes held on the heap (not counting the value itself).
    fn heap_size(&self) -> usize;
}

/// A bounded map from texts to what was found in them; shared by threads.
pub struct TextMemo<V> {
    shards: Box<[Mutex<Shard<V>>]>,
    /// Bytes per generation of a shard.
    generation_budget: usize,
    hasher: DefaultHashBuilder,
}

/// One shard: the current generation and the one before it.
struct Shard<V> {
    current: HashTable<Entry<V>>,
    /// Bytes counted for the entries of `current`.
    current_bytes: usize,
    previous: HashTable<Entry<V>>,
}

/// A remembered text, its hash and its value.
struct Entry<V> {
    hash: u64,
    text: Box<str>,
    value: Arc<V>,
    /// Bytes counted for it.
    cost: usize,
}

impl<V> fmt::Debug for TextMemo<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextMemo")
            .field("budget", &self.budget())
            .finish_non_exhaustive()
    }
}

impl<V> TextMemo<V> {
    /// A memo whose entries are counted for at most about `budget` bytes:
    /// each its text, its value's [`HeapSize`] and a fixed overhead.
    pub fn with_budget(budget: usize) -> TextMemo<V> {
        TextMemo {
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        current: HashTable::new(),
                        current_bytes: 0,
                        previous: HashTable::new(),
                    })
                })
                .collect(),
            generation_budget: (budget / SHARDS / 2).max(1),
            hasher: DefaultHashBuilder::default(),
        }
    }

    /// The most bytes counted for the entries at once.
    pub fn budget(&self) -> usize {
        self.generation_budget * 2 * SHARDS
    }
}

impl<V: HeapSize> TextMemo<V> {
    /// The value for `text`: remembered, or made by `make` (and remembered
    /// when the text is short enough).
    pub fn get_or_make(&self, text: &str, make: impl FnOnce() -> V) -> Arc<V> {
        if text.len() > MAX_TEXT_BYTES {
            return Arc::new(make());
        }
        let hash = self.hasher.hash_one(text);
        // Middle bits pick the shard: a shard's table takes its buckets from
        // the low bits and its tags from the top 7, which must still differ
        // between the texts of one shard.
        let shard = &self.shards[(hash >> 32) as usize % SHARDS];
        let lock = || shard.lock().unwrap_or_else(PoisonError::into_inner);
        let same = |entry: &Entry<V>| entry.hash == hash && *entry.text == *text;
        {
            let mut shard = lock();
            if let Some(entry) = shard.current.find(hash, same) {
                return Arc::clone(&entry.value);
            }
            if let Ok(found) = shard.previous.find_entry(hash, same) {
                let (entry, _) = found.remove();
                let value = Arc::clone(&entry.value);
                self.insert(&mut shard, entry);
                return value;
            }
        }
        // Made without holding the lock: two threads may both make the value
        // of a new text, which is harmless, rather than wait for each other.
        let value = Arc::new(make());
        let entry = Entry {
            hash,
            text: text.into(),
            cost: text.len() + value.heap_size() + ENTRY_OVERHEAD,
            value: Arc::clone(&value),
        };
        let mut shard = lock();
        if shard.current.find(hash, same).is_none() {
            self.insert(&mut shard, entry);
        }
        value
    }

    /// Adds `entry` to the current generation, starting a new one if full.
    fn insert(&self, shard: &mut Shard<V>, entry: Entry<V>) {
        let cost = entry.cost;
        if shard.current_bytes + cost > self.generation_budget {
            let capacity = shard.current.len();
            shard.previous =
                std::mem::replace(&mut shard.current, HashTable::with_capacity(capacity));
            shard.current_bytes = 0;
        }
        shard.current_bytes += cost;
        shard.current.insert_unique(entry.hash, entry, |e| e.hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes counted for the entries remembered now.
    fn remembered<V>(memo: &TextMemo<V>) -> usize {
        memo.shards
            .iter()
            .map(|s| {
                let s = s.lock().unwrap();
                s.current
                    .iter()
                    .chain(s.previous.iter())
                    .map(|e| e.cost)
                    .sum::<usize>()
            })
            .sum()
    }

    #[test]
    fn a_text_seen_before_is_not_checked_again() {
        let memo = TextMemo::with_budget(1 << 16);
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
        let memo = TextMemo::with_budget(1 << 16);
        let long = "很长的转写。".repeat(100);
        let mut made = 0;
        for _ in 0..2 {
            memo.get_or_make(&long, || made += 1);
        }
        assert_eq!(made, 2);
    }

    #[test]
    fn memory_stays_bounded() {
        let memo = TextMemo::with_budget(SHARDS * 64 * ENTRY_OVERHEAD);
        for i in 0..SHARDS * 64 * 3 {
            memo.get_or_make(&format!("第{i}条"), || i);
        }
        let kept = remembered(&memo);
        assert!(kept <= memo.budget(), "{kept} bytes");
        assert!(
            kept >= memo.budget() / 4,
            "{kept} bytes: the budget is barely used"
        );
    }

    impl HeapSize for () {
        fn heap_size(&self) -> usize {
            0
        }
    }

    impl HeapSize for usize {
        fn heap_size(&self) -> usize {
            0
        }
    }

    /// A value holding `self.0` bytes on the heap.
    struct Heavy(usize);

    impl HeapSize for Heavy {
        fn heap_size(&self) -> usize {
            self.0
        }
    }

    #[test]
    fn what_values_hold_counts_against_the_budget() {
        let memo = TextMemo::with_budget(SHARDS * 2 * 10_000);
        for i in 0..SHARDS * 100 {
            memo.get_or_make(&i.to_string(), || Heavy(5_000));
        }
        let kept = remembered(&memo);
        assert!(kept <= memo.budget(), "{kept} bytes");
        let entries: usize = memo
            .shards
            .iter()
            .map(|s| {
                let s = s.lock().unwrap();
                s.current.len() + s.previous.len()
            })
            .sum();
        assert!(entries <= SHARDS * 4, "{entries} heavy values kept");
    }

    #[test]
    fn a_recurring_text_survives_a_flood_of_new_ones() {
        let memo = TextMemo::with_budget(SHARDS * 8 * ENTRY_OVERHEAD);
        let mut made = 0;
        for i in 0..SHARDS * 8 * 10 {
            memo.get_or_make("关机。", || made += 1);
            memo.get_or_make(&i.to_string(), || ());
        }
        assert_eq!(made, 1, "the recurring text was made again");
    }
}
