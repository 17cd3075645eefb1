//! Masking personal numbers in excerpts and messages.
//!
//! Mainland mobile numbers (`1[3-9]` + 9 digits, also after `86`),
//! landlines (`0` + area code + local number, 10–12 digits), 18-digit
//! ID-card numbers (last character may be `X`) and 16–19 digit bank-card
//! numbers are masked; 400/800 hotlines stay visible, since they are the
//! creditor's own numbers and a reviewer needs to see them.
//!
//! A number may be written in groups separated by one space or `-`
//! (`138 1234 5678`, `6222-0212-3456-7890`). A run of grouped digits that is
//! no number as a whole (two phone numbers side by side) is split at its
//! separators and each group judged alone.
//!
//! Masking replaces each hidden ASCII digit with `*`, one byte for one byte,
//! so byte offsets into the text (highlight spans) stay valid.

use std::borrow::Cow;

/// Most number chars of any kind of number masked here (a bank card).
const MAX_NUMBER_CHARS: usize = 19;

/// Masks every personal number in `text`; borrows it when there is none.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut masked: Option<Vec<u8>> = None;
    let mut i = 0;
    let original = text.as_bytes();
    while i < original.len() {
        if !original[i].is_ascii_digit() || (i > 0 && is_number_char(original[i - 1])) {
            i += 1;
            continue;
        }
        let end = run_end(original, i);
        let run = &original[i..end];
        let mut stack = [0u8; 64];
        let mut heap = Vec::new();
        let scratch = masked_copy(run, &mut stack, &mut heap);
        if scratch != run {
            masked.get_or_insert_with(|| original.to_vec())[i..end].copy_from_slice(scratch);
        }
        i = end;
    }
    match masked {
        None => Cow::Borrowed(text),
        // Only ASCII digits were replaced by ASCII `*`: still valid UTF-8.
        Some(bytes) => Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())),
    }
}

/// `run` with its personal numbers masked, in `stack` unless the run is
/// longer (then in `heap`).
fn masked_copy<'s>(run: &[u8], stack: &'s mut [u8], heap: &'s mut Vec<u8>) -> &'s [u8] {
    let scratch: &mut [u8] = if run.len() <= stack.len() {
        &mut stack[..run.len()]
    } else {
        heap.resize(run.len(), 0);
        heap
    };
    scratch.copy_from_slice(run);
    mask_run(scratch, 0, run.len());
    scratch
}

fn is_number_char(b: u8) -> bool {
    b.is_ascii_digit() || b == b'X' || b == b'x'
}

/// End of the digit run starting at `start`: digits, single separators
/// between digits, and a final `X`/`x` right after the 17th digit.
fn run_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    let mut digits = 0;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
        let sep = bytes.get(i).is_some_and(|&b| b == b' ' || b == b'-');
        if sep && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        if digits == 17 && matches!(bytes.get(i), Some(b'X' | b'x')) {
            i += 1;
        }
        return i;
    }
}

/// Masks the number in `bytes[start..end]`, or each of its groups.
fn mask_run(bytes: &mut [u8], start: usize, end: usize) {
    if mask_number(bytes, start, end) {
        return;
    }
    let mut group = start;
    for i in start..=end {
        if i == end || bytes[i] == b' ' || bytes[i] == b'-' {
            if group < i {
                mask_number(bytes, group, i);
            }
            group = i + 1;
        }
    }
}

/// Masks `bytes[start..end]` if it is a personal number; true if it is a
/// number of any known kind (hotlines are kept as they are).
fn mask_number(bytes: &mut [u8], start: usize, end: usize) -> bool {
    let mut buffer = [0u8; MAX_NUMBER_CHARS];
    let mut n = 0;
    for &b in bytes[start..end].iter().filter(|b| is_number_char(**b)) {
        if n == MAX_NUMBER_CHARS {
            return false;
        }
        buffer[n] = b;
        n += 1;
    }
    let digits = &buffer[..n];
    let mobile = |d: &[u8]| d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]);
    let (keep_head, keep_tail) =
        if n == 10 && (digits.starts_with(b"400") || digits.starts_with(b"800")) {
            return true;
        } else if n == 18 && digits[..17].iter().all(u8::is_ascii_digit) {
            (3, 4)
        } else if (16..=19).contains(&n) && digits.iter().all(u8::is_ascii_digit) {
            (4, 4)
        } else if mobile(digits) {
            (3, 4)
        } else if n == 13 && digits.starts_with(b"86") && mobile(&digits[2..]) {
            (5, 4)
        } else if (10..=12).contains(&n) && digits[0] == b'0' {
            let area = if matches!(digits[1], b'1' | b'2') {
                3
            } else {
                4
            };
            (area, 2)
        } else {
            return false;
        };
    let mut seen = 0;
    for b in &mut bytes[start..end] {
        if is_number_char(*b) {
            if seen >= keep_head && seen < n - keep_tail {
                *b = b'*';
            }
            seen += 1;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_mobiles_ids_cards_and_landlines() {
        assert_eq!(redact("电话13812345678，"), "电话138****5678，");
        assert_eq!(redact("+86 138 1234 5678"), "+86 138 **** 5678");
        assert_eq!(
            redact("身份证11010519900307123X"),
            "身份证110***********123X"
        );
        assert_eq!(redact("卡号6222 0212 3456 7890"), "卡号6222 **** **** 7890");
        assert_eq!(redact("卡号6222021234567890123"), "卡号6222***********0123");
        assert_eq!(redact("座机010-12345678"), "座机010-******78");
        assert_eq!(redact("座机0755 2345 6789"), "座机0755 **** **89");
    }

    #[test]
    fn keeps_hotlines_amounts_dates_and_offsets() {
        for kept in [
            "请回电400-123-4567",
            "欠款 12000 元",
            "2026-11-21 23:15",
            "第3次",
            "订单号123456789",
        ] {
            assert!(matches!(redact(kept), Cow::Borrowed(_)), "{kept}");
        }
        let text = "号码13812345678和13912345678";
        assert_eq!(redact(text).len(), text.len());
    }

    #[test]
    fn numbers_side_by_side_are_judged_one_by_one() {
        assert_eq!(redact("13812345678 13912345678"), "138****5678 139****5678");
        // A run longer than the copy kept on the stack.
        let many = ["13812345678"; 8].join(" ");
        assert_eq!(redact(&many), ["138****5678"; 8].join(" "));
    }
}
