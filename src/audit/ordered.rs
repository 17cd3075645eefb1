//! Putting pieces checked out of order back in input order, without a
//! writing thread.
//!
//! Worker threads finish pieces in any order, but findings must be written
//! in input order. Instead of sending every piece to a thread of its own
//! (one more thread competing for the cores, woken for every piece), the
//! worker that finishes the piece next in order writes it, and then every
//! piece after it that is already waiting. A worker that finishes a piece
//! while another is writing leaves it waiting and goes back to checking.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Items numbered 0, 1, 2, … handed in in any order by any thread, and
/// given to a writer `W` in order, one thread at a time.
pub struct InOrder<T, W> {
    state: Mutex<State<T>>,
    /// Locked only by the thread writing (see [`State::writing`]), so never
    /// waited for; the lock makes the writer's exclusive use visible to the
    /// compiler.
    writer: Mutex<W>,
}

/// What has been handed in and not written yet.
struct State<T> {
    /// Items waiting for those before them, by number.
    waiting: BTreeMap<u64, T>,
    /// The number of the next item to write.
    next: u64,
    /// Whether a thread is writing: it writes items until the next one is
    /// not waiting, and only then, under this lock, stops.
    writing: bool,
}

impl<T, W> InOrder<T, W> {
    /// Nothing handed in yet; items go to `writer`.
    pub fn new(writer: W) -> InOrder<T, W> {
        InOrder {
            state: Mutex::new(State {
                waiting: BTreeMap::new(),
                next: 0,
                writing: false,
            }),
            writer: Mutex::new(writer),
        }
    }

    /// Hands in item `seq`. If no other thread is writing, this thread
    /// writes, with `write`, every item that is next in order: this one if
    /// it is next, and the ones waiting after it. Otherwise the item waits
    /// for the thread writing, or for the thread that hands in the item
    /// before it.
    pub fn hand_in(&self, seq: u64, item: T, mut write: impl FnMut(&mut W, T)) {
        let mut state = self.state();
        state.waiting.insert(seq, item);
        if state.writing || !state.waiting.contains_key(&state.next) {
            return;
        }
        state.writing = true;
        // Released before `state` on every return below, so a thread that
        // finds `writing` false never waits for it.
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let next = state.next;
            let Some(item) = state.waiting.remove(&next) else {
                state.writing = false;
                return;
            };
            state.next += 1;
            // Others hand in items while this one is written.
            drop(state);
            write(&mut writer, item);
            state = self.state();
        }
    }

    /// The writer.
    pub fn into_writer(self) -> W {
        self.writer
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_handed_in_out_of_order_are_written_in_order() {
        let ordered = InOrder::new(Vec::new());
        for seq in [2, 0, 3, 1, 5] {
            ordered.hand_in(seq, seq, |written, item| written.push(item));
        }
        // Item 5 waits for item 4.
        assert_eq!(ordered.into_writer(), [0, 1, 2, 3]);
    }

    #[test]
    fn threads_handing_in_concurrently_write_each_item_once_in_order() {
        const ITEMS: u64 = 20_000;
        let ordered = InOrder::new(Vec::new());
        let next = std::sync::atomic::AtomicU64::new(0);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    loop {
                        let seq = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if seq >= ITEMS {
                            break;
                        }
                        ordered
                            .hand_in(seq, seq, |written: &mut Vec<u64>, item| written.push(item));
                    }
                });
            }
        });
        let written = ordered.into_writer();
        assert!(written.iter().copied().eq(0..ITEMS), "out of order or lost");
    }
}
