//! Normalization of one line of text for matching, with an offset map back to
//! the original.
//!
//! Collection scripts hide violations behind cheap obfuscation (see
//! GUIDELINES.md, "Obfuscation still counts"): full-width letters (`ＳＢ`),
//! traditional characters (`檢察院`), zero-width characters (`不要\u{200b}脸`)
//! and separators between characters (`法 院`, `坐-牢`). This module owns
//! undoing those so that rules can be written once against plain simplified
//! text, while findings are still reported at the bytes the user wrote.
//!
//! # Transformations
//!
//! Applied in a single left-to-right pass over the input's chars:
//!
//! 1. **Width folding.** Full-width ASCII forms U+FF01–U+FF5E become their
//!    ASCII counterparts, *except* the seven that are ordinary Chinese
//!    punctuation and that sentence splitting relies on: `！`(FF01)
//!    `（`(FF08) `）`(FF09) `，`(FF0C) `：`(FF1A) `；`(FF1B) `？`(FF1F),
//!    which are kept unchanged. Other CJK punctuation (`。、“”《》…`) is
//!    outside that block and is kept too. The ideographic space U+3000 and
//!    the other Unicode space separators (NBSP, U+2000–U+200A, …) become an
//!    ASCII space.
//! 2. **Case folding.** ASCII `A`–`Z` become `a`–`z` (after width folding, so
//!    `ＳＢ` → `sb`).
//! 3. **Traditional → simplified**, char by char, with a context-free table
//!    derived once from the `fast2s` crate (`檢` → `检`, `裡`/`裏` → `里`).
//!    Only mappings between two 3-byte chars are used, so this step never
//!    changes byte lengths.
//! 4. **Invisible chars are dropped**: zero-width space/joiners, BOM, soft
//!    hyphen, bidi controls, word joiner, variation selectors and tag chars
//!    (see `is_invisible`). They are transparent to step 5.
//! 5. **Separators between CJK are dropped.** A run of separators (spaces,
//!    tabs and `` * - _ . ~ ` ' " | / \ · • ‧ ・ `` plus dash variants, after
//!    width folding) is removed when the kept char before it and the
//!    non-separator char after it are both "CJK-like" and at least one is an
//!    ideograph, or both are CJK punctuation: `法 院` → `法院`,
//!    `钱 ， 小` → `钱，小`, `fa 院` → `fa院`. Between Latin words or digits
//!    separators stay (`hello world`, `400 820 1166`). The Chinese
//!    enumeration comma `、` is punctuation, not a separator, and is never
//!    dropped.
//! 6. Everything else (digits, Latin letters, CJK punctuation, emoji, …) is
//!    kept as is.
//!
//! # Invariants
//!
//! * Every normalized char comes from exactly one original char; dropped
//!   chars map to nothing. The order of chars is preserved, so the map is
//!   monotonic.
//! * [`NormText::original_range`] always returns a range on char boundaries
//!   of the input, within `0..=input.len()`, and never panics.
//! * Normalization is linear in the input length: each input char is
//!   examined at most twice (a second time only when a separator run is kept
//!   and re-emitted).
//!
//! # Offset map
//!
//! The map is run-length encoded as a sorted list of `Segment`s. Inside a
//! segment, normalized and original bytes advance in lockstep at a fixed
//! ratio (1:1 for copied, lowercased or simplified chars; 1:3 for folded
//! full-width chars). A new segment starts whenever chars were dropped or
//! the ratio changes, so ordinary text needs only a handful of segments and
//! lookups are a binary search, O(log segments).
//!
//! Offsets are stored as `u32`. A line of 4 GiB or more cannot be mapped
//! that way; such input is passed through unchanged with an identity map
//! instead of panicking (see [`normalize`]).

use std::ops::Range;
use std::sync::OnceLock;

/// One run of the offset map: from `norm` on, normalized byte
/// `norm + k * norm_unit` corresponds to original byte `orig + k * orig_unit`.
///
/// Units are `(1, 1)` for runs of chars whose length did not change, and the
/// char lengths `(normalized, original)` otherwise (e.g. `(1, 3)` for `Ｓ` →
/// `s`), so a run only ever contains chars of the same length ratio and
/// every char boundary in it maps to an original char boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    norm: u32,
    orig: u32,
    norm_unit: u8,
    orig_unit: u8,
}

impl Segment {
    /// Original byte offset of normalized byte offset `pos`, which must lie in
    /// this segment on a char boundary.
    fn map(&self, pos: usize) -> usize {
        // Saturating/`max(1)` only so that a broken invariant cannot panic.
        let steps = pos.saturating_sub(self.norm as usize) / usize::from(self.norm_unit.max(1));
        self.orig as usize + steps * usize::from(self.orig_unit)
    }
}

/// Normalized text and the map back to the text it came from.
///
/// Produced by [`normalize`]. Matching runs on [`as_str`](Self::as_str);
/// match positions are turned back into positions in the original line with
/// [`original_range`](Self::original_range).
#[derive(Clone, Debug)]
pub struct NormText {
    text: String,
    /// Run-length encoded map, sorted by `norm`; the first segment (if any)
    /// starts at normalized offset 0. Empty iff `text` is empty.
    segments: Vec<Segment>,
    /// Length in bytes of the original input, the image of the end of text.
    orig_len: usize,
}

impl NormText {
    /// The normalized text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Length of the normalized text in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the normalized text is empty (the input may not have been:
    /// it may have held only invisible chars).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Maps a byte range of the normalized text to the byte range of the
    /// input that produced it.
    ///
    /// The start is the original start of the first normalized char in the
    /// range and the end is the original end of the last one, so chars
    /// dropped *inside* the range (`法 院`) are covered, while chars dropped
    /// just before or after it are not. An empty range maps to an empty range
    /// at [`original_offset`](Self::original_offset) of its start.
    ///
    /// Never panics: bounds past the end are clamped, a reversed range is
    /// treated as empty at its start, and bounds that are not on char
    /// boundaries are rounded outward (start down, end up).
    #[must_use]
    pub fn original_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.floor_boundary(range.start);
        let end = self.ceil_boundary(range.end.max(range.start));
        if start >= end {
            let at = self.original_offset(start);
            return at..at;
        }
        // `end` is a char boundary > 0, so `end - 1` lies in the last char of
        // the range, and that whole char lies in one segment.
        let first = self.segment_at(start);
        let last = self.segment_at(end - 1);
        first.map(start)..last.map(end)
    }

    /// Maps a byte offset of the normalized text to a byte offset of the
    /// input: the original start of the normalized char that begins there,
    /// or the input length for the end of the text.
    ///
    /// Offsets inside a char are rounded down to its start; offsets past the
    /// end are clamped. Never panics.
    #[must_use]
    pub fn original_offset(&self, norm_byte: usize) -> usize {
        let pos = self.floor_boundary(norm_byte);
        if pos >= self.text.len() {
            return self.orig_len;
        }
        self.segment_at(pos).map(pos)
    }

    /// The segment containing normalized byte `pos`; `pos < self.len()`.
    fn segment_at(&self, pos: usize) -> Segment {
        // Segments are sorted by `norm` and the first starts at 0, so the
        // partition point is >= 1 whenever the text is non-empty. The
        // fallback is unreachable; it only keeps this total.
        let idx = self.segments.partition_point(|s| s.norm as usize <= pos);
        self.segments
            .get(idx.wrapping_sub(1))
            .copied()
            .unwrap_or(Segment {
                norm: 0,
                orig: 0,
                norm_unit: 1,
                orig_unit: 1,
            })
    }

    /// Largest char boundary <= `pos` (clamped to the text length).
    fn floor_boundary(&self, pos: usize) -> usize {
        let mut pos = pos.min(self.text.len());
        while !self.text.is_char_boundary(pos) {
            pos -= 1;
        }
        pos
    }

    /// Smallest char boundary >= `pos` (clamped to the text length).
    fn ceil_boundary(&self, pos: usize) -> usize {
        let mut pos = pos.min(self.text.len());
        while !self.text.is_char_boundary(pos) {
            pos += 1;
        }
        pos
    }
}

/// Normalizes one line of `input` for matching; see the [module
/// documentation](self) for the transformations and the offset map.
///
/// Runs in linear time with two allocations (the text and the map). Inputs
/// of 4 GiB or more are returned unchanged with an identity map, because the
/// map stores `u32` offsets.
#[must_use]
pub fn normalize(input: &str) -> NormText {
    normalize_with_limit(input, u32::MAX as usize)
}

/// [`normalize`] with the largest input length that gets normalized passed
/// in, so that the fallback for oversized input can be tested.
fn normalize_with_limit(input: &str, limit: usize) -> NormText {
    if input.len() > limit {
        return passthrough(input);
    }
    let mut b = Builder::new(input);
    // Class of the last content char emitted; separator runs are judged
    // against it. `None` at the start of the line.
    let mut last_class: Option<Class> = None;
    // Original byte offset where the pending (undecided) separator run starts.
    let mut pending: Option<usize> = None;

    for (i, c) in input.char_indices() {
        if is_invisible(c) {
            continue;
        }
        let f = fold(c);
        if is_separator(f) {
            pending.get_or_insert(i);
            continue;
        }
        let class = class_of(f);
        if let Some(run_start) = pending.take() {
            let drop = last_class.is_some_and(|l| joins(l, class));
            if !drop {
                emit_run(&mut b, run_start, i);
            }
        }
        b.push(i, c, f);
        last_class = Some(class);
    }
    // A trailing separator run has nothing after it to join, so it stays.
    if let Some(run_start) = pending {
        emit_run(&mut b, run_start, input.len());
    }
    let (text, segments) = b.finish();
    NormText {
        text,
        segments,
        orig_len: input.len(),
    }
}

/// Identity "normalization" for input too long for `u32` offsets: a single
/// 1:1 segment, computed in `usize`, is exact for any length.
fn passthrough(input: &str) -> NormText {
    let segments = if input.is_empty() {
        Vec::new()
    } else {
        vec![Segment {
            norm: 0,
            orig: 0,
            norm_unit: 1,
            orig_unit: 1,
        }]
    };
    NormText {
        text: input.to_owned(),
        segments,
        orig_len: input.len(),
    }
}

/// Accumulates the normalized text and its segment list.
struct Builder<'a> {
    input: &'a str,
    text: String,
    segments: Vec<Segment>,
    /// Original end offset of the last emitted char, to tell whether the next
    /// char is contiguous with it (nothing dropped in between).
    orig_end: usize,
    /// Start of a span of the input, ending at `orig_end`, whose chars are
    /// emitted unchanged but not yet copied into `text`. Most text is
    /// unchanged, and copying it with one `push_str` per span instead of one
    /// `push` per char is what makes normalization fast. While a span is
    /// open, the last segment is a 1:1 segment that the span extends.
    verbatim: Option<usize>,
}

impl<'a> Builder<'a> {
    fn new(input: &'a str) -> Self {
        Builder {
            input,
            text: String::with_capacity(input.len()),
            segments: Vec::new(),
            orig_end: 0,
            verbatim: None,
        }
    }

    /// Appends `out`, which came from the original char `orig_char` at byte
    /// `orig`, extending the current segment when possible.
    ///
    /// Callers guarantee the input is at most `u32::MAX` bytes long, so the
    /// casts to `u32` are lossless.
    #[inline]
    fn push(&mut self, orig: usize, orig_char: char, out: char) {
        let orig_len = orig_char.len_utf8();
        let contiguous = self.orig_end == orig;
        if out == orig_char && self.verbatim.is_some() && contiguous {
            self.orig_end += orig_len;
            return;
        }
        self.flush();
        let out_len = out.len_utf8();
        // Both lengths are 1..=4, so they fit in a u8.
        let (norm_unit, orig_unit) = if out_len == orig_len {
            (1, 1)
        } else {
            (out_len as u8, orig_len as u8)
        };
        let extends = contiguous
            && self
                .segments
                .last()
                .is_some_and(|s| s.norm_unit == norm_unit && s.orig_unit == orig_unit);
        if !extends {
            self.segments.push(Segment {
                norm: self.text.len() as u32,
                orig: orig as u32,
                norm_unit,
                orig_unit,
            });
        }
        if out == orig_char {
            self.verbatim = Some(orig);
        } else {
            self.text.push(out);
        }
        self.orig_end = orig + orig_len;
    }

    /// Copies the open verbatim span, if any, into `text`.
    #[inline]
    fn flush(&mut self) {
        if let Some(from) = self.verbatim.take() {
            // Both ends are char boundaries of the input (they come from
            // `char_indices`), so `get` always succeeds.
            if let Some(span) = self.input.get(from..self.orig_end) {
                self.text.push_str(span);
            }
        }
    }

    fn finish(mut self) -> (String, Vec<Segment>) {
        self.flush();
        (self.text, self.segments)
    }
}

/// Re-emits a kept separator run `input[start..end]` (folded, minus invisible
/// chars). Scanning the original again instead of buffering the run keeps
/// memory flat even for a line made of megabytes of spaces.
fn emit_run(b: &mut Builder<'_>, start: usize, end: usize) {
    // `start` and `end` come from `char_indices`, so they are boundaries.
    let Some(run) = b.input.get(start..end) else {
        return;
    };
    for (k, c) in run.char_indices() {
        if !is_invisible(c) {
            b.push(start + k, c, fold(c));
        }
    }
}

/// What a content (non-separator) char counts as when deciding whether the
/// separators next to it were obfuscation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// A Han ideograph.
    Ideo,
    /// Chinese punctuation such as `，。、！？“”《》`.
    CjkPunct,
    /// An ASCII letter (pinyin obfuscation like `fa 院`).
    Letter,
    /// Anything else: digits, other symbols, other scripts.
    Other,
}

/// Whether a separator run between content chars of classes `left` and
/// `right` should be dropped.
fn joins(left: Class, right: Class) -> bool {
    use Class::*;
    matches!(
        (left, right),
        (Ideo, Ideo | CjkPunct | Letter) | (CjkPunct | Letter, Ideo) | (CjkPunct, CjkPunct)
    )
}

fn class_of(c: char) -> Class {
    if c.is_ascii() {
        if c.is_ascii_alphabetic() {
            Class::Letter
        } else {
            Class::Other
        }
    } else if is_ideograph(c) {
        Class::Ideo
    } else if is_cjk_punct(c) {
        Class::CjkPunct
    } else {
        Class::Other
    }
}

/// Han ideographs: the unified blocks, extensions A–H, compatibility
/// ideographs and `〇`.
fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{323AF}'
        | '\u{3007}')
}

/// Punctuation used in running Chinese text. Separators next to these inside
/// a CJK run are layout noise (`还钱 ， 小心`).
fn is_cjk_punct(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{3003}'      // 、。〃
        | '\u{3008}'..='\u{3011}'    // 〈〉《》「」『』【】
        | '\u{3014}'..='\u{301F}'    // 〔〕〖〗〘〙〚〛〜〝〞〟
        | '！' | '（' | '）' | '，' | '：' | '；' | '？'
        | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}' // ‘’“”
        | '\u{2026}' | '\u{2014}'    // … —
    )
}

/// Chars that obfuscate by being placed between characters, *after*
/// [`fold`] (so `＊`, `－`, `．`, `～`, U+3000 and NBSP are covered by their
/// ASCII forms). `、` is deliberately absent: it is a real enumeration comma.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
        | '*' | '-' | '_' | '.' | '~' | '`' | '\'' | '"' | '|' | '/' | '\\' | '#' | '^'
        | '\u{00B7}'                 // · middle dot
        | '\u{2022}'                 // • bullet
        | '\u{2027}'                 // ‧ hyphenation point
        | '\u{30FB}' | '\u{FF65}'    // ・ ･ katakana middle dots
        | '\u{2010}'..='\u{2013}' // ‐ ‑ ‒ – (not the Chinese dash —)
    )
}

/// Invisible chars that are always dropped: they render as nothing and are
/// only ever there to break matching. These are format (`Cf`) chars and
/// other default-ignorables that carry no meaning in Chinese or Latin text.
/// (Arabic number signs and similar `Cf` chars that do render are left
/// alone.)
fn is_invisible(c: char) -> bool {
    // Fast exits for the bulk of real text (ASCII, CJK), which would
    // otherwise be compared against every range below.
    let u = c as u32;
    if u < 0xAD {
        return false;
    }
    if (0x2070..0xFE00).contains(&u) {
        return u == 0x3164;
    }
    matches!(c,
        '\u{00AD}'                   // soft hyphen
        | '\u{034F}'                 // combining grapheme joiner
        | '\u{061C}'                 // Arabic letter mark
        | '\u{115F}' | '\u{1160}'    // Hangul choseong/jungseong fillers
        | '\u{17B4}' | '\u{17B5}'    // Khmer inherent vowels (invisible)
        | '\u{180B}'..='\u{180F}'    // Mongolian variation selectors, vowel separator
        | '\u{200B}'..='\u{200F}'    // ZWSP, ZWNJ, ZWJ, LRM, RLM
        | '\u{202A}'..='\u{202E}'    // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}'    // word joiner, invisible operators
        | '\u{2066}'..='\u{206F}'    // bidi isolates, deprecated format chars
        | '\u{3164}' | '\u{FFA0}'    // Hangul fillers
        | '\u{FE00}'..='\u{FE0F}'    // variation selectors
        | '\u{FEFF}'                 // BOM / zero-width no-break space
        | '\u{1BCA0}'..='\u{1BCA3}'  // shorthand format controls
        | '\u{E0000}'..='\u{E0FFF}'  // tags, variation selectors supplement
    )
}

/// Steps 1–3 for one char: width folding, ASCII lowercasing, traditional →
/// simplified. Dropping is decided separately.
fn fold(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        c if c.is_ascii() => c,
        // Full-width forms that are ordinary Chinese punctuation stay.
        '！' | '（' | '）' | '，' | '：' | '；' | '？' => c,
        '\u{FF01}'..='\u{FF5E}' => {
            // The block is ASCII 0x21..=0x7E shifted by 0xFEE0.
            let ascii = (c as u32 - 0xFEE0) as u8;
            char::from(ascii).to_ascii_lowercase()
        }
        // Unicode space separators (Zs) other than ' '.
        '\u{00A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => ' ',
        _ => to_simplified(c),
    }
}

/// Context-free traditional → simplified lookup for one char.
fn to_simplified(c: char) -> char {
    let table = t2s_table();
    let Some(idx) = (c as u32).checked_sub(table.base) else {
        return c;
    };
    match table.map.get(idx as usize) {
        Some(&s) if s != 0 => char::from_u32(u32::from(s)).unwrap_or(c),
        _ => c,
    }
}

/// A dense table covering the code points from `base` on: entry `k` holds the
/// simplified form of `base + k`, or 0 when the char is unchanged.
struct T2sTable {
    base: u32,
    map: Box<[u16]>,
}

/// The traditional → simplified table, built on first use.
///
/// `fast2s` only exposes whole-string conversion, and calling it per char
/// would allocate per char. Instead every 3-byte char is converted once, each
/// between ASCII newlines so that none of its word-level special cases (which
/// look at neighbouring chars) apply, and the chars that change are stored in
/// a dense array over their code-point span (about 20k entries, 40 KB), making
/// lookups one bounds check and one load. Only mappings between two 3-byte
/// chars are kept, so simplifying never changes byte offsets.
fn t2s_table() -> &'static T2sTable {
    static TABLE: OnceLock<T2sTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let probe: String = ('\u{0800}'..='\u{FFFF}').flat_map(|c| [c, '\n']).collect();
        let converted = fast2s::convert(&probe);
        let pairs: Vec<(u32, u16)> = probe
            .split('\n')
            .zip(converted.split('\n'))
            .filter_map(|(from, to)| {
                let mut f = from.chars();
                let mut t = to.chars();
                match (f.next(), f.next(), t.next(), t.next()) {
                    (Some(f), None, Some(t), None) if f != t && t.len_utf8() == 3 => {
                        Some((f as u32, t as u32 as u16))
                    }
                    _ => None,
                }
            })
            .collect();
        let (Some(base), Some(max)) = (
            pairs.iter().map(|p| p.0).min(),
            pairs.iter().map(|p| p.0).max(),
        ) else {
            return T2sTable {
                base: 0,
                map: Box::new([]),
            };
        };
        let mut map = vec![0u16; (max - base + 1) as usize];
        for (from, to) in pairs {
            map[(from - base) as usize] = to;
        }
        T2sTable {
            base,
            map: map.into_boxed_slice(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).as_str().to_owned()
    }

    /// Byte range of the first occurrence of `needle` in the normalized text.
    fn find(n: &NormText, needle: &str) -> Range<usize> {
        let start = n
            .as_str()
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {:?}", n.as_str()));
        start..start + needle.len()
    }

    #[test]
    fn full_width_ascii_folds_but_chinese_punctuation_stays() {
        assert_eq!(norm("ＳＢ"), "sb");
        assert_eq!(norm("ａｂｃ１２３"), "abc123");
        assert_eq!(norm("＃＄％＆＠［］｛｝＜＞＝＋"), "#$%&@[]{}<>=+");
        assert_eq!(norm("！（）,：；？"), "！（）,：；？");
        assert_eq!(
            norm("你好，再见！真的？是：对；（注）"),
            "你好，再见！真的？是：对；（注）"
        );
        assert_eq!(norm("。、“”《》…"), "。、“”《》…");
    }

    #[test]
    fn space_separators_fold_to_ascii_space() {
        assert_eq!(norm("a\u{3000}b"), "a b");
        assert_eq!(norm("a\u{a0}b\u{2003}c"), "a b c");
    }

    #[test]
    fn ascii_uppercase_is_lowercased() {
        assert_eq!(norm("Hello WORLD"), "hello world");
        assert_eq!(norm("ÉCOLE"), "École", "only ASCII is lowercased");
    }

    #[test]
    fn traditional_becomes_simplified() {
        let cases = [
            ("檢察院", "检察院"),
            ("廢物", "废物"),
            ("還錢", "还钱"),
            ("後面", "后面"),
            ("點", "点"),
            ("丟", "丢"),
            ("逾期兩個月", "逾期两个月"),
            ("銀行", "银行"),
            ("轉告", "转告"),
            ("聽", "听"),
            ("讓", "让"),
            ("會", "会"),
            ("裡", "里"),
            ("裏", "里"),
        ];
        for (trad, simp) in cases {
            assert_eq!(norm(trad), simp, "{trad}");
        }
        // Already simplified text is untouched.
        assert_eq!(norm("检察院还钱"), "检察院还钱");
    }

    #[test]
    fn simplification_keeps_byte_offsets() {
        let n = normalize("你還錢");
        assert_eq!(n.as_str(), "你还钱");
        let r = find(&n, "还钱");
        assert_eq!(n.original_range(r), 3..9);
    }

    #[test]
    fn invisible_chars_are_dropped() {
        assert_eq!(norm("不要\u{200b}脸"), "不要脸");
        assert_eq!(norm("半\u{200b}夜"), "半夜");
        assert_eq!(
            norm("\u{feff}a\u{200c}b\u{200d}c\u{2060}d\u{ad}e\u{200e}f\u{fe0f}"),
            "abcdef"
        );
        assert_eq!(norm("\u{200b}\u{feff}\u{3164}\u{e0041}"), "");
    }

    #[test]
    fn separators_between_cjk_are_dropped() {
        assert_eq!(norm("法 院"), "法院");
        assert_eq!(norm("坐-牢"), "坐牢");
        assert_eq!(norm("废#物"), "废物");
        assert_eq!(norm("公-安"), "公安");
        assert_eq!(norm("法\u{3000}院"), "法院");
        assert_eq!(norm("法\t院"), "法院");
        assert_eq!(norm("法\u{a0}院"), "法院");
        assert_eq!(norm("法 * 院"), "法院");
        assert_eq!(norm("坐＿牢 公．安 检～察 傻｜逼"), "坐牢公安检察傻逼");
        assert_eq!(norm("法·院•起‧诉"), "法院起诉");
        assert_eq!(norm("你 再 不 还 钱 ， 小 心"), "你再不还钱，小心");
        assert_eq!(norm("通 讯 录 已 导 出 ，家 人"), "通讯录已导出，家人");
        assert_eq!(norm("法 \u{200b} 院"), "法院");
        assert_eq!(norm("fa 院"), "fa院");
        assert_eq!(norm("jing-察"), "jing察");
    }

    #[test]
    fn separators_elsewhere_are_kept() {
        assert_eq!(norm("hello world"), "hello world");
        assert_eq!(norm("400 820 1166"), "400 820 1166");
        assert_eq!(norm("a-b_c.d"), "a-b_c.d");
        assert_eq!(norm(" 法院 "), " 法院 ");
        assert_eq!(norm("欠款 5000 元"), "欠款 5000 元");
        assert_eq!(norm("a　b"), "a b");
        // The enumeration comma is punctuation, never a separator.
        assert_eq!(norm("父母、朋友"), "父母、朋友");
        assert_eq!(norm("父母 、 朋友"), "父母、朋友");
    }

    #[test]
    fn other_text_is_kept() {
        let s = "第3条：2024年1月，欠款¥5000元。😀 Ω é";
        assert_eq!(norm(s), s);
    }

    #[test]
    fn empty_input() {
        let n = normalize("");
        assert_eq!(n.as_str(), "");
        assert!(n.is_empty());
        assert_eq!(n.len(), 0);
        assert_eq!(n.original_range(0..0), 0..0);
        assert_eq!(n.original_range(3..7), 0..0);
        assert_eq!(n.original_offset(0), 0);
    }

    #[test]
    fn range_over_dropped_separator_covers_it() {
        let input = "法 院";
        let n = normalize(input);
        assert_eq!(n.original_range(find(&n, "法院")), 0..input.len());
        assert_eq!(n.original_range(find(&n, "院")), 4..7);
    }

    #[test]
    fn full_width_maps_back_to_full_width_bytes() {
        let n = normalize("ＳＢ");
        assert_eq!(n.original_range(0..2), 0..6);
        assert_eq!(n.original_range(1..2), 3..6);
        let n = normalize("你是ＳＢ吧");
        assert_eq!(n.original_range(find(&n, "sb")), 6..12);
        assert_eq!(n.original_range(find(&n, "吧")), 12..15);
    }

    #[test]
    fn dropped_chars_at_range_edges_are_excluded() {
        let input = "\u{200b}不要\u{200b}脸\u{200b}";
        let n = normalize(input);
        assert_eq!(n.as_str(), "不要脸");
        // Starts at 不 (after the leading ZWSP), ends after 脸 (before the
        // trailing one), and covers the ZWSP inside.
        assert_eq!(n.original_range(0..n.len()), 3..15);
    }

    #[test]
    fn empty_ranges_map_to_the_following_char() {
        let n = normalize("法 院");
        assert_eq!(n.original_range(3..3), 4..4);
        assert_eq!(n.original_range(0..0), 0..0);
        assert_eq!(n.original_range(6..6), 7..7);
        assert_eq!(n.original_offset(3), 4);
        assert_eq!(n.original_offset(6), 7);
    }

    #[test]
    fn odd_ranges_round_outward_and_do_not_panic() {
        let n = normalize("a法 院b");
        assert_eq!(n.as_str(), "a法院b");
        // 2..3 is inside 法 (bytes 1..4): rounds out to the whole char.
        assert_eq!(n.original_range(2..3), 1..4);
        // 2..5 starts inside 法 and ends inside 院.
        assert_eq!(n.original_range(2..5), 1..8);
        // Past the end: clamped.
        assert_eq!(n.original_range(7..100), 8..9);
        assert_eq!(n.original_range(100..200), 9..9);
        // Reversed: empty at the start.
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 4..1;
        assert_eq!(n.original_range(reversed), 5..5);
        assert_eq!(n.original_offset(2), 1);
        assert_eq!(n.original_offset(usize::MAX), 9);
    }

    #[test]
    fn oversized_input_passes_through_with_identity_map() {
        let input = "ＳＢ 法 院";
        let n = normalize_with_limit(input, 4);
        assert_eq!(n.as_str(), input);
        assert_eq!(n.original_range(3..6), 3..6);
        assert_eq!(n.original_range(2..4), 0..6);
        // Within the limit it is normalized as usual.
        assert_eq!(normalize_with_limit(input, input.len()).as_str(), "sb法院");
    }

    #[test]
    fn map_stays_compact_for_plain_text() {
        let n = normalize("这是一段普通的中文文本，没有任何混淆。plain text too");
        assert_eq!(n.segments.len(), 1);
        let n = normalize("ＡＢＣ普通");
        assert_eq!(n.segments.len(), 2);
    }

    /// Deterministic xorshift64*, so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
    }

    const ALPHABET: &[char] = &[
        'a',
        'Z',
        'q',
        '1',
        '9',
        ' ',
        ' ',
        '\t',
        '-',
        '*',
        '.',
        '_',
        '~',
        '/',
        '、',
        '，',
        '。',
        '！',
        '“',
        '法',
        '院',
        '钱',
        '檢',
        '廢',
        '裡',
        'Ｓ',
        'ｂ',
        '＊',
        '－',
        '！',
        '？',
        '\u{3000}',
        '\u{a0}',
        '\u{200b}',
        '\u{200d}',
        '\u{feff}',
        '\u{ad}',
        '\u{e0041}',
        '𠀀',
        '😀',
        'é',
        'Ω',
        '·',
        '\u{2013}',
        '〇',
    ];

    #[test]
    fn random_strings_map_consistently() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let len = (rng.next() % 24) as usize;
            let input: String = (0..len)
                .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
                .collect();
            check_map(&input);
        }
    }

    /// Checks the offset map of `normalize(input)` exhaustively.
    fn check_map(input: &str) {
        let n = normalize(input);
        let text = n.as_str();
        assert!(
            !text.chars().any(|c| c.is_ascii_uppercase()
                || is_invisible(c)
                || ('\u{FF01}'..='\u{FF5E}').contains(&c) && fold(c) != c),
            "{input:?} -> {text:?}"
        );
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        // Every normalized char maps back to exactly one original char, which
        // normalizes (on its own) to that same char.
        for (i, c) in text.char_indices() {
            let r = n.original_range(i..i + c.len_utf8());
            let orig = &input[r.clone()];
            assert_eq!(orig.chars().count(), 1, "{input:?}: {c:?} <- {orig:?}");
            assert_eq!(
                normalize(orig).as_str(),
                c.to_string(),
                "{input:?} at {r:?}"
            );
        }
        // All boundary ranges: valid, on input boundaries, monotonic.
        let mut prev_starts = vec![0usize; bounds.len()];
        for (a, &i) in bounds.iter().enumerate() {
            let mut prev_end = 0;
            for (b, &j) in bounds.iter().enumerate().skip(a) {
                let r = n.original_range(i..j);
                assert!(
                    r.start <= r.end && r.end <= input.len(),
                    "{input:?} {i}..{j} -> {r:?}"
                );
                assert!(input.is_char_boundary(r.start) && input.is_char_boundary(r.end));
                assert!(
                    r.end >= prev_end,
                    "{input:?}: end not monotonic at {i}..{j}"
                );
                assert!(
                    r.start >= prev_starts[b],
                    "{input:?}: start not monotonic at {i}..{j}"
                );
                prev_end = r.end;
                prev_starts[b] = r.start;
                if i == j {
                    assert_eq!(r, n.original_offset(i)..n.original_offset(i));
                }
            }
        }
        // Non-boundary offsets round without panicking, staying valid.
        for k in 0..=text.len() + 1 {
            let r = n.original_range(k..k + 1);
            assert!(input.is_char_boundary(r.start) && input.is_char_boundary(r.end));
        }
    }
}
