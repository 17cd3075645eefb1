//! Aho-Corasick automata over every literal of every rule.
//!
//! Most lines of a call-note file contain no term at all: for them the scan
//! here is the only work done. For the others it yields every occurrence of
//! every term (overlapping, so "老赖" is found inside "老赖皮"), grouped by the
//! term sets the rules refer to.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::rules::{RuleSet, SetId, TermId, TermTable};

/// A byte range of the normalized line where a term occurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
}

/// The automata and what each pattern stands for.
///
/// Spellings with an ASCII letter (pinyin and Latin abbreviations, most of
/// the patterns) live in their own automaton, which is only run on lines
/// with an ASCII letter. Both are contiguous NFAs: for the Chinese
/// spellings a DFA would take 17 MB, and missing the CPU caches made it no
/// faster to scan with (measured on unseen notes).
#[derive(Debug)]
pub struct Prefilter {
    han: Automaton,
    latin: Automaton,
}

/// One automaton and what each of its patterns stands for.
#[derive(Debug)]
struct Automaton {
    automaton: AhoCorasick,
    /// Terms each pattern stands for (a spelling may stand for several).
    pattern_terms: Vec<Vec<TermId>>,
    /// Whether each pattern begins / ends with an ASCII letter; such an edge
    /// must not touch another ASCII letter, so "sb" does not fire inside "usb".
    latin_edges: Vec<(bool, bool)>,
}

impl Prefilter {
    /// Builds the automata over all terms and variant spellings of `rules`.
    pub fn new(rules: &RuleSet) -> Prefilter {
        let mut by_spelling: HashMap<&str, Vec<TermId>> = HashMap::new();
        let literals = rules
            .terms
            .terms()
            .iter()
            .enumerate()
            .map(|(id, t)| (t.as_str(), id));
        let variants = rules.variants.iter().map(|(s, id)| (s.as_str(), *id));
        for (spelling, term) in literals.chain(variants) {
            let terms = by_spelling.entry(spelling).or_default();
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        let (latin, han): (Vec<_>, Vec<_>) = by_spelling
            .into_iter()
            .partition(|(spelling, _)| has_latin(spelling));
        Prefilter {
            han: Automaton::new(han),
            latin: Automaton::new(latin),
        }
    }

    /// Finds every term occurrence in `text` and notes the term sets they
    /// belong to.
    pub fn scan(&self, text: &str, terms: &TermTable, hits: &mut SetHits) {
        hits.clear();
        self.han.scan(text, terms, hits);
        if has_latin(text) {
            self.latin.scan(text, terms, hits);
        }
        hits.finish();
    }
}

/// Whether `text` has an ASCII letter.
fn has_latin(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_alphabetic())
}

impl Automaton {
    fn new(mut patterns: Vec<(&str, Vec<TermId>)>) -> Automaton {
        patterns.sort_unstable();
        let build = |kind| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(patterns.iter().map(|(p, _)| p))
        };
        // A contiguous NFA has a size limit that a huge custom lexicon could
        // pass; the automatically chosen kind always builds.
        let automaton = build(Some(AhoCorasickKind::ContiguousNFA))
            .or_else(|_| build(None))
            .expect("term patterns are plain strings");
        let latin_edges = patterns
            .iter()
            .map(|(p, _)| {
                let first = p.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                let last = p.chars().last().is_some_and(|c| c.is_ascii_alphabetic());
                (first, last)
            })
            .collect();
        let pattern_terms = patterns.into_iter().map(|(_, p)| p).collect();
        Automaton {
            automaton,
            pattern_terms,
            latin_edges,
        }
    }

    /// Adds the occurrences of this automaton's patterns in `text` to `hits`.
    fn scan(&self, text: &str, terms: &TermTable, hits: &mut SetHits) {
        let bytes = text.as_bytes();
        for m in self.automaton.find_overlapping_iter(text) {
            let pattern = m.pattern().as_usize();
            let (latin_start, latin_end) = self.latin_edges[pattern];
            let inside_word = (latin_start && continues_word(bytes[..m.start()].iter().rev()))
                || (latin_end && continues_word(bytes[m.end()..].iter()));
            let occurrence = Occurrence {
                start: m.start(),
                end: m.end(),
            };
            for &term in &self.pattern_terms[pattern] {
                if inside_word {
                    // Not an occurrence, but the literal is in the text: a
                    // regex with it as a factor may still match here (see
                    // `SetHits::may_have`).
                    hits.drop_term(term, terms);
                } else if terms.is_whole_word(term) {
                    hits.pending.push((term, occurrence));
                } else {
                    hits.admit(term, occurrence, terms);
                }
            }
        }
    }
}

/// Whether the bytes next to a Latin match (`beside`, walking away from
/// it) continue its word: a letter, or a joiner and a letter or digit, as
/// in an identifier (`ZZ-20240611`, `wxid_nt3`).
fn continues_word<'a>(mut beside: impl Iterator<Item = &'a u8>) -> bool {
    match beside.next() {
        Some(b) if b.is_ascii_alphabetic() => true,
        Some(b'-' | b'_') => beside.next().is_some_and(u8::is_ascii_alphanumeric),
        _ => false,
    }
}

/// The term occurrences of one line, and the term sets they belong to.
///
/// Occurrences are kept once per term, in text order; a set's occurrences
/// are those of its terms ([`of`](Self::of)). Which sets occur at all is a
/// bitset, so that testing a set is one load. Reused across lines and
/// records: clearing only touches what the last line set.
///
/// Occurrences of whole-word terms wait in `pending` until
/// [`admit_whole_words`](Self::admit_whole_words) has checked them against
/// the line's word boundaries, so that lines without such terms are never
/// tokenized for it.
#[derive(Debug, Default)]
pub struct SetHits {
    /// Admitted occurrences and their terms, sorted once the line is done.
    found: Vec<(Occurrence, TermId)>,
    /// One bit per set with an admitted occurrence.
    present: Vec<u64>,
    /// The sets whose bit is set, in no particular order.
    touched: Vec<SetId>,
    pending: Vec<(TermId, Occurrence)>,
    /// Sets one of whose literals is in the text without counting as an
    /// occurrence (inside a Latin word, or a whole-word term inside a longer
    /// word). Rarely non-empty.
    dropped: Vec<SetId>,
}

impl SetHits {
    /// Room for the hits of `sets` term sets, allocated once.
    pub fn new(sets: usize) -> SetHits {
        SetHits {
            present: vec![0; sets.div_ceil(64)],
            ..SetHits::default()
        }
    }

    fn clear(&mut self) {
        for &set in &self.touched {
            self.present[set / 64] = 0;
        }
        self.found.clear();
        self.touched.clear();
        self.pending.clear();
        self.dropped.clear();
    }

    /// Notes that a literal of `term` is in the text but was not admitted
    /// as an occurrence.
    fn drop_term(&mut self, term: TermId, terms: &TermTable) {
        for &set in terms.sets_of(term) {
            if !self.dropped.contains(&set) {
                self.dropped.push(set);
            }
        }
    }

    fn admit(&mut self, term: TermId, occurrence: Occurrence, terms: &TermTable) {
        self.found.push((occurrence, term));
        for &set in terms.sets_of(term) {
            let (word, bit) = (set / 64, 1u64 << (set % 64));
            if word >= self.present.len() {
                self.present.resize(word + 1, 0);
            }
            if self.present[word] & bit == 0 {
                self.present[word] |= bit;
                self.touched.push(set);
            }
        }
    }

    fn finish(&mut self) {
        self.found.sort_unstable();
        self.found.dedup();
    }

    /// Whether some whole-word occurrences wait for a word-boundary check.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Keeps the pending whole-word occurrences for which `is_word` holds.
    pub fn admit_whole_words(&mut self, terms: &TermTable, is_word: impl Fn(&Occurrence) -> bool) {
        let pending = std::mem::take(&mut self.pending);
        for &(term, occurrence) in &pending {
            if is_word(&occurrence) {
                self.admit(term, occurrence, terms);
            } else {
                self.drop_term(term, terms);
            }
        }
        self.pending = pending;
        self.pending.clear();
        self.finish();
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.touched.is_empty()
    }

    /// Whether any term of `set` occurs.
    pub fn has(&self, set: SetId) -> bool {
        self.present
            .get(set / 64)
            .is_some_and(|word| word & (1 << (set % 64)) != 0)
    }

    /// Whether some literal of `set` is in the text at all, admitted as an
    /// occurrence or not. False means that nothing containing one of the
    /// set's literals is in the text, which lets regular expressions with
    /// known factors be skipped without changing any result.
    pub fn may_have(&self, set: SetId, terms: &TermTable) -> bool {
        self.has(set)
            || self
                .pending
                .iter()
                .any(|&(term, _)| terms.sets_of(term).contains(&set))
            || self.dropped.contains(&set)
    }

    /// The sets with at least one occurrence, in no particular order.
    pub fn touched(&self) -> &[SetId] {
        &self.touched
    }

    /// The occurrences of `set`, in text order, each once.
    pub fn of<'a>(
        &'a self,
        set: SetId,
        terms: &'a TermTable,
    ) -> impl Iterator<Item = &'a Occurrence> + 'a {
        let found: &[(Occurrence, TermId)] = if self.has(set) { &self.found } else { &[] };
        let mut last = None;
        found.iter().filter_map(move |(occurrence, term)| {
            let fresh = last != Some(*occurrence) && terms.sets_of(*term).contains(&set);
            fresh.then(|| {
                last = Some(*occurrence);
                occurrence
            })
        })
    }
}
