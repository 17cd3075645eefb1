//! Per-day call counters for the frequency rules, with bounded memory.
//!
//! Design: counters are kept only for a sliding window of [`WINDOW_DAYS`]
//! calendar days ending at the newest call date seen so far. When a newer
//! date arrives, days that fall out of the window are dropped whole. Keys are
//! 64-bit hashes of the debtor id or of the phone number's digits, so a
//! counter costs about 40 bytes whatever the id's length.
//!
//! Memory bound: 40 bytes × the number of distinct debtors (and numbers)
//! called within any [`WINDOW_DAYS`] consecutive days, independent of the
//! input's size. A nightly file of one day's calls, or a month sorted by
//! time, stays within that bound; so does a file with calls slightly out of
//! order around midnight.
//!
//! The price: a call dated before the window (input far out of time order)
//! cannot be counted. It is still checked by every other rule, and it is
//! counted in the summary's `frequency_out_of_window`, never silently
//! dropped. A frequency finding is reported on the call that crosses the
//! limit (the 4th connected call, the 7th unanswered attempt), once per
//! debtor or number and day.

use std::collections::VecDeque;
use std::hash::BuildHasher;

use foldhash::quality::FixedState;
use hashbrown::HashMap;

/// Days of counters kept: the newest date and the day before it.
pub const WINDOW_DAYS: i32 = 2;

/// Counts of one kind of call per key and day, over a sliding window.
#[derive(Debug, Default)]
pub struct DayCounter {
    /// Oldest day first; at most [`WINDOW_DAYS`] entries.
    days: VecDeque<(i32, HashMap<u64, u32>)>,
}

impl DayCounter {
    /// Counts one call for `key` on `day`; returns the count including it,
    /// or `None` if `day` is before the window.
    pub fn bump(&mut self, day: i32, key: u64) -> Option<u32> {
        let newest = self.days.back().map(|(d, _)| *d);
        if newest.is_none_or(|newest| day > newest) {
            // The map of a day leaving the window is emptied and reused, so
            // that a new day's map does not grow again from nothing.
            let mut reused = None;
            while self
                .days
                .front()
                .is_some_and(|(d, _)| *d <= day - WINDOW_DAYS)
            {
                reused = self.days.pop_front().map(|(_, counts)| counts);
            }
            let mut counts = reused.unwrap_or_default();
            counts.clear();
            self.days.push_back((day, counts));
        }
        // Most calls are on the newest day: look there first.
        let (_, counts) = match self.days.back_mut() {
            Some(newest) if newest.0 == day => newest,
            _ => self.days.iter_mut().find(|(d, _)| *d == day)?,
        };
        let count = counts.entry(key).or_insert(0);
        *count += 1;
        Some(*count)
    }

    /// Keys currently counted, over all days in the window.
    pub fn len(&self) -> usize {
        self.days.iter().map(|(_, m)| m.len()).sum()
    }

    /// Whether nothing is counted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The key of an id or number: a fixed-seed 64-bit hash.
pub fn key_of(text: &str) -> u64 {
    FixedState::default().hash_one(text)
}

/// Most digits of a phone number keyed without allocating.
const PHONE_KEY_DIGITS: usize = 32;

/// The key of a phone number: [`key_of`] its [`phone_digits`], or `None`
/// if it has no digits. Computed without allocating for numbers of up to
/// 32 digits, as this runs for every unanswered call.
pub fn phone_key(phone: &str) -> Option<u64> {
    let mut buffer = [0u8; PHONE_KEY_DIGITS];
    let mut len = 0;
    for digit in phone.bytes().filter(u8::is_ascii_digit) {
        if len == buffer.len() {
            return Some(key_of(&phone_digits(phone)));
        }
        buffer[len] = digit;
        len += 1;
    }
    let digits = without_country_code(&buffer[..len]);
    // ASCII digits: always valid UTF-8.
    let digits = std::str::from_utf8(digits).ok()?;
    (!digits.is_empty()).then(|| key_of(digits))
}

/// `digits` without a leading `86` country code on a mobile number.
fn without_country_code(digits: &[u8]) -> &[u8] {
    match digits.strip_prefix(b"86") {
        Some(rest) if rest.len() == 11 && rest[0] == b'1' => rest,
        _ => digits,
    }
}

/// The digits of a phone number, without a leading `86` country code on a
/// mobile number, so that `+86 138-1234-5678` and `13812345678` are one key.
pub fn phone_digits(phone: &str) -> String {
    let digits: Vec<u8> = phone.bytes().filter(u8::is_ascii_digit).collect();
    String::from_utf8_lossy(without_country_code(&digits)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_key_and_day() {
        let mut counter = DayCounter::default();
        assert_eq!(counter.bump(10, 1), Some(1));
        assert_eq!(counter.bump(10, 1), Some(2));
        assert_eq!(counter.bump(10, 2), Some(1));
        assert_eq!(counter.bump(11, 1), Some(1));
        // Yesterday is still in the window.
        assert_eq!(counter.bump(10, 1), Some(3));
    }

    #[test]
    fn old_days_are_dropped_and_late_calls_reported() {
        let mut counter = DayCounter::default();
        counter.bump(10, 1);
        counter.bump(11, 1);
        counter.bump(12, 2);
        assert_eq!(counter.len(), 2, "day 10 dropped");
        assert_eq!(counter.bump(10, 1), None);
        // Day 11's map counted key 1; reused for day 13, it starts empty.
        assert_eq!(counter.bump(13, 1), Some(1));
        assert_eq!(counter.bump(13, 1), Some(2));
        assert!(!counter.is_empty());
    }

    #[test]
    fn phone_keys_ignore_formatting() {
        assert_eq!(phone_digits("+86 138-1234-5678"), "13812345678");
        assert_eq!(phone_digits("010-12345678"), "01012345678");
        assert_eq!(key_of("a"), key_of("a"));
    }

    #[test]
    fn phone_keys_are_the_keys_of_the_digits() {
        for phone in ["+86 138-1234-5678", "13812345678", "010-12345678", "86123"] {
            assert_eq!(phone_key(phone), Some(key_of(&phone_digits(phone))));
        }
        assert_eq!(phone_key("+86 138-1234-5678"), phone_key("13812345678"));
        let long = "1".repeat(PHONE_KEY_DIGITS + 5);
        assert_eq!(phone_key(&long), Some(key_of(&long)));
        assert_eq!(phone_key("无"), None);
    }
}
