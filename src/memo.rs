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
//!
//! Threads that look up the same recurring texts all the time (the audit's
//! workers) each keep a [`LocalMemo`] in front of the shared one, so that
//! a hit takes no lock and no reference count. It holds a fixed number of
//! texts per thread, outside the budget.

use std::fmt;
use std::hash::BuildHasher;
use std::ops::Deref;
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
    text: Arc<str>,
    value: Arc<V>,
    /// Bytes counted for it.
    cost: usize,
    /// Found again since the last sweep of its shard.
    found_again: bool,
}

/// Slots of a [`LocalMemo`].
const LOCAL_SLOTS: usize = 4096;

/// One thread's cache in front of a shared [`TextMemo`]: the text last
/// looked up in each of its slots (chosen by hash), with its value.
///
/// Recurring texts are then found without the shared memo's lock and
/// without touching memory other threads write. It holds at most 4096
/// texts, each of at most 512 bytes, and their values, which may outlive
/// their entries in the shared memo.
pub struct LocalMemo<V> {
    slots: Box<[Option<LocalEntry<V>>]>,
}

/// A text and value held by a [`LocalMemo`].
struct LocalEntry<V> {
    hash: u64,
    text: Arc<str>,
    value: Arc<V>,
}

impl<V> LocalMemo<V> {
    /// An empty cache.
    pub fn new() -> LocalMemo<V> {
        LocalMemo {
            slots: (0..LOCAL_SLOTS).map(|_| None).collect(),
        }
    }
}

impl<V> Default for LocalMemo<V> {
    fn default() -> LocalMemo<V> {
        LocalMemo::new()
    }
}

/// A value from [`TextMemo::recall`]: remembered, or made for a text that
/// is not (too long, or too costly).
pub enum Recalled<'a, V> {
    /// Held by the caller's [`LocalMemo`].
    Remembered(&'a V),
    /// Made for this lookup only.
    Made(V),
}

impl<V> Deref for Recalled<'_, V> {
    type Target = V;

    fn deref(&self) -> &V {
        match self {
            Recalled::Remembered(value) => value,
            Recalled::Made(value) => value,
        }
    }
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
    /// Whether a value for `text` may be remembered (it is short enough).
    pub fn remembers(&self, text: &str) -> bool {
        text.len() <= MAX_TEXT_BYTES
    }

    /// The value for `text`: remembered, or made by `make` (and remembered
    /// when the text is short enough).
    pub fn get_or_make(&self, text: &str, make: impl FnOnce() -> V) -> Arc<V> {
        if text.len() > MAX_TEXT_BYTES {
            return Arc::new(make());
        }
        match self.find_or_insert(self.hasher.hash_one(text), text, make) {
            Ok((_, value)) => value,
            Err(value) => Arc::new(value),
        }
    }

    /// The value for `text`, looked up first in `local`, one thread's cache
    /// in front of this memo, then here; made by `make` if neither has it.
    ///
    /// A text found in `local` costs neither the shared memo's lock nor a
    /// reference count: nothing other threads write is touched.
    pub fn recall<'l>(
        &self,
        local: &'l mut LocalMemo<V>,
        text: &str,
        make: impl FnOnce() -> V,
    ) -> Recalled<'l, V> {
        if text.len() > MAX_TEXT_BYTES {
            return Recalled::Made(make());
        }
        let hash = self.hasher.hash_one(text);
        let slot = &mut local.slots[hash as usize % LOCAL_SLOTS];
        let entry = match slot.take() {
            Some(entry) if entry.hash == hash && *entry.text == *text => entry,
            // Another text, or none: replaced by this one.
            _ => match self.find_or_insert(hash, text, make) {
                Ok((text, value)) => LocalEntry { hash, text, value },
                Err(value) => return Recalled::Made(value),
            },
        };
        Recalled::Remembered(&slot.insert(entry).value)
    }

    /// The remembered text and value of `text`, whose hash is `hash`, or
    /// else the value made by `make`: remembered too (`Ok`) unless it
    /// costs more than a shard's budget (`Err`).
    fn find_or_insert(
        &self,
        hash: u64,
        text: &str,
        make: impl FnOnce() -> V,
    ) -> Result<(Arc<str>, Arc<V>), V> {
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
            return Ok((Arc::clone(&entry.text), Arc::clone(&entry.value)));
        }
        // Made without holding the lock: two threads may both make the value
        // of a new text, which is harmless, rather than wait for each other.
        let value = make();
        let cost = text.len() + value.heap_size() + ENTRY_OVERHEAD;
        if cost > self.shard_budget {
            return Err(value);
        }
        let entry = Entry {
            hash,
            text: text.into(),
            cost,
            value: Arc::new(value),
            found_again: false,
        };
        let found = (Arc::clone(&entry.text), Arc::clone(&entry.value));
        let mut shard = lock();
        if shard.table.find(hash, same).is_none() {
            if shard.bytes + cost > self.shard_budget {
                self.sweep(&mut shard);
            }
            shard.bytes += cost;
            shard.table.insert_unique(hash, entry, |e| e.hash);
        }
        Ok(found)
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
    fn a_local_cache_recalls_what_it_or_the_shared_memo_has_seen() {
        let memo = TextMemo::with_budget(1 << 16);
        let mut locals = [LocalMemo::new(), LocalMemo::new()];
        let mut made = 0;
        for thread in [0, 0, 1] {
            let value = memo.recall(&mut locals[thread], "关机。", || {
                made += 1;
                7
            });
            assert_eq!(*value, 7);
        }
        assert_eq!(made, 1, "one thread's text is found by another");
        let long = "很长的转写。".repeat(100);
        for _ in 0..2 {
            assert!(matches!(
                memo.recall(&mut locals[0], &long, || 0),
                Recalled::Made(0)
            ));
        }
    }

    #[test]
    fn texts_sharing_a_local_slot_replace_each_other() {
        let memo = TextMemo::with_budget(1 << 20);
        let mut local = LocalMemo::new();
        let texts: Vec<String> = (0..LOCAL_SLOTS * 2).map(|i| format!("第{i}条")).collect();
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(*memo.recall(&mut local, text, || i), i);
        }
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(*memo.recall(&mut local, text, || usize::MAX), i, "{text}");
        }
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
