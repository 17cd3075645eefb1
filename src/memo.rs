//! Results remembered by the text they were computed from.
//!
//! Call notes and transcripts repeat themselves: dispositions ("关机。",
//! "无人接听。"), scripted notes and formulaic turns ("客户：是我。") recur
//! thousands of times a day, word for word. What the rules find in a text
//! depends on the text alone, so the result for a text seen before is taken
//! from a [`TextMemo`] instead of being computed again.
//!
//! Only short texts are remembered (long ones rarely recur). Memory stays
//! within a byte budget, split over shards. A full shard is swept, clock
//! style: a text not found again since the previous sweep is forgotten, one
//! found again survives, so texts that keep recurring are never forgotten
//! while texts seen once make room for new ones. Until a shard is full,
//! nothing is forgotten: the whole budget holds texts.

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
    /// Bytes per shard.
    shard_budget: usize,
    hasher: DefaultHashBuilder,
}

/// One shard of the memo.
struct Shard<V> {
    table: HashTable<Entry<V>>,
    /// Bytes counted for the entries.
    bytes: usize,
}

/// A remembered text, its hash and its value.
struct Entry<V> {
    hash: u64,
    text: Box<str>,
    value: Arc<V>,
    /// Bytes counted for it.
    cost: usize,
    /// Found again since the last sweep of its shard.
    found_again: bool,
}

/// Share of a shard's budget a sweep may keep, so that it makes room for
/// a good many new texts before the next sweep.
const KEPT_BY_SWEEP: (usize, usize) = (3, 4);

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
                        table: HashTable::new(),
                        bytes: 0,
                    })
                })
                .collect(),
            shard_budget: (budget / SHARDS).max(1),
            hasher: DefaultHashBuilder::default(),
        }
    }

    /// The most bytes counted for the entries at once.
    pub fn budget(&self) -> usize {
        self.shard_budget * SHARDS
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
        if let Some(entry) = lock().table.find_mut(hash, same) {
            // Written once per sweep, not on every lookup, so that threads
            // looking up the same recurring text do not keep taking its
            // cache line from each other.
            if !entry.found_again {
                entry.found_again = true;
            }
            return Arc::clone(&entry.value);
        }
        // Made without holding the lock: two threads may both make the value
        // of a new text, which is harmless, rather than wait for each other.
        let value = Arc::new(make());
        let cost = text.len() + value.heap_size() + ENTRY_OVERHEAD;
        if cost > self.shard_budget {
            return value;
        }
        let entry = Entry {
            hash,
            text: text.into(),
            cost,
            value: Arc::clone(&value),
            found_again: false,
        };
        let mut shard = lock();
        if shard.table.find(hash, same).is_none() {
            if shard.bytes + cost > self.shard_budget {
                self.sweep(&mut shard);
            }
            shard.bytes += cost;
            shard.table.insert_unique(hash, entry, |e| e.hash);
        }
        value
    }

    /// Makes room in a full shard: forgets the texts not found again since
    /// the last sweep, and then, if those found again still take more than
    /// [`KEPT_BY_SWEEP`] of the budget, as many of them as it takes.
    fn sweep(&self, shard: &mut Shard<V>) {
        let keep = self.shard_budget / KEPT_BY_SWEEP.1 * KEPT_BY_SWEEP.0;
        let mut kept = 0;
        shard.table.retain(|entry| {
            let stays = entry.found_again && kept + entry.cost <= keep;
            entry.found_again = false;
            kept += if stays { entry.cost } else { 0 };
            stays
        });
        shard.bytes = kept;
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
                s.table.iter().map(|e| e.cost).sum::<usize>()
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
            .map(|s| s.lock().unwrap().table.len())
            .sum();
        assert!(entries <= SHARDS * 4, "{entries} heavy values kept");
    }

    #[test]
    fn nothing_is_forgotten_before_the_budget_is_used() {
        let texts: Vec<String> = (0..SHARDS * 50).map(|i| format!("第{i}条")).collect();
        let per_entry = texts[0].len() + ENTRY_OVERHEAD;
        let memo = TextMemo::with_budget(SHARDS * 100 * per_entry);
        let mut made = 0;
        for _ in 0..2 {
            for text in &texts {
                memo.get_or_make(text, || made += 1);
            }
        }
        assert_eq!(made, texts.len(), "texts were judged twice");
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
