//! One Aho-Corasick automaton over every literal of every rule.
//!
//! Most lines of a call-note file contain no term at all: for them the scan
//! here is the only work done. For the others it yields every occurrence of
//! every term (overlapping, so "老赖" is found inside "老赖皮"), grouped by the
//! term sets the rules refer to.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::rules::{RuleSet, SetId, TermId};

/// A byte range of the normalized line where a term occurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
}

/// What one spelling stands for: terms, and extra presence-only sets.
type Targets = (Vec<TermId>, Vec<SetId>);

/// The automaton and what each pattern stands for.
#[derive(Debug)]
pub struct Prefilter {
    automaton: AhoCorasick,
    /// Terms each pattern stands for (a spelling may stand for several).
    pattern_terms: Vec<Vec<TermId>>,
    /// Extra sets (of regex suffix literals, see
    /// [`RequiredLiterals`](super::literals::RequiredLiterals)) each pattern
    /// belongs to; only their presence in a line is recorded.
    pattern_extra: Vec<Vec<SetId>>,
    /// Whether each pattern begins / ends with an ASCII letter; such an edge
    /// must not touch another ASCII letter, so "sb" does not fire inside "usb".
    latin_edges: Vec<(bool, bool)>,
}

impl Prefilter {
    /// Builds the automaton over all terms and variant spellings of `rules`,
    /// and the literals of the extra sets `extra` (set `first_extra + i` is
    /// `extra[i]`).
    pub fn new(rules: &RuleSet, extra: &[Vec<String>], first_extra: SetId) -> Prefilter {
        let mut by_spelling: HashMap<&str, Targets> = HashMap::new();
        let literals = rules
            .terms
            .terms()
            .iter()
            .enumerate()
            .map(|(id, t)| (t.as_str(), id));
        let variants = rules.variants.iter().map(|(s, id)| (s.as_str(), *id));
        for (spelling, term) in literals.chain(variants) {
            let (terms, _) = by_spelling.entry(spelling).or_default();
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        for (i, list) in extra.iter().enumerate() {
            for literal in list {
                let (_, sets) = by_spelling.entry(literal.as_str()).or_default();
                if !sets.contains(&(first_extra + i)) {
                    sets.push(first_extra + i);
                }
            }
        }
        let mut patterns: Vec<(&str, Targets)> = by_spelling.into_iter().collect();
        patterns.sort_unstable();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns.iter().map(|(p, _)| p))
            .expect("term patterns are plain strings");
        let latin_edges = patterns
            .iter()
            .map(|(p, _)| {
                let first = p.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                let last = p.chars().last().is_some_and(|c| c.is_ascii_alphabetic());
                (first, last)
            })
            .collect();
        let (pattern_terms, pattern_extra) = patterns.into_iter().map(|(_, p)| p).unzip();
        Prefilter {
            automaton,
            pattern_terms,
            pattern_extra,
            latin_edges,
        }
    }

    /// Finds every term occurrence in `text` and groups them by term set.
    pub fn scan(&self, text: &str, rules: &RuleSet, hits: &mut SetHits) {
        hits.clear();
        let bytes = text.as_bytes();
        for m in self.automaton.find_overlapping_iter(text) {
            let pattern = m.pattern().as_usize();
            for &set in &self.pattern_extra[pattern] {
                hits.dropped(set);
            }
            let (latin_start, latin_end) = self.latin_edges[pattern];
            let inside_word =
                (latin_start && m.start() > 0 && bytes[m.start() - 1].is_ascii_alphabetic())
                    || (latin_end && bytes.get(m.end()).is_some_and(u8::is_ascii_alphabetic));
            if inside_word {
                // Not an occurrence, but the literal is in the text: a regex
                // prefixed by it may still match here (see `SetHits::may_have`).
                for &term in &self.pattern_terms[pattern] {
                    for &set in rules.terms.sets_of(term) {
                        hits.dropped(set);
                    }
                }
                continue;
            }
            let occurrence = Occurrence {
                start: m.start(),
                end: m.end(),
            };
            for &term in &self.pattern_terms[pattern] {
                let whole_word = rules.terms.is_whole_word(term);
                for &set in rules.terms.sets_of(term) {
                    hits.push(set, occurrence, whole_word);
                }
            }
        }
        hits.finish();
    }
}

/// Occurrences per term set in one line; reused across lines to avoid allocation.
///
/// Indexed by set id (no hashing on the hot path); only the sets touched on
/// the current line are cleared before the next.
///
/// Occurrences of whole-word terms wait in `pending` until
/// [`admit_whole_words`](Self::admit_whole_words) has checked them against
/// the line's word boundaries, so that lines without such terms are never
/// tokenized for it.
#[derive(Debug, Default)]
pub struct SetHits {
    by_set: Vec<Vec<Occurrence>>,
    touched: Vec<SetId>,
    pending: Vec<(SetId, Occurrence)>,
    /// Sets one of whose literals is in the text without counting as an
    /// occurrence (inside a Latin word, or a whole-word term inside a longer
    /// word). Rarely non-empty.
    dropped: Vec<SetId>,
}

impl SetHits {
    fn clear(&mut self) {
        for &set in &self.touched {
            self.by_set[set].clear();
        }
        self.touched.clear();
        self.pending.clear();
        self.dropped.clear();
    }

    /// Notes that a literal of `set` is in the text but was not admitted as
    /// an occurrence (or belongs to a set whose occurrences are not kept).
    fn dropped(&mut self, set: SetId) {
        if !self.dropped.contains(&set) {
            self.dropped.push(set);
        }
    }

    fn push(&mut self, set: SetId, occurrence: Occurrence, whole_word: bool) {
        if whole_word {
            self.pending.push((set, occurrence));
            return;
        }
        if set >= self.by_set.len() {
            self.by_set.resize_with(set + 1, Vec::new);
        }
        if self.by_set[set].is_empty() {
            self.touched.push(set);
        }
        self.by_set[set].push(occurrence);
    }

    fn finish(&mut self) {
        for &set in &self.touched {
            let list = &mut self.by_set[set];
            list.sort_unstable();
            list.dedup();
        }
    }

    /// Whether some whole-word occurrences wait for a word-boundary check.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Keeps the pending whole-word occurrences for which `is_word` holds.
    pub fn admit_whole_words(&mut self, is_word: impl Fn(&Occurrence) -> bool) {
        let pending = std::mem::take(&mut self.pending);
        for &(set, occurrence) in &pending {
            if is_word(&occurrence) {
                self.push(set, occurrence, false);
            } else {
                self.dropped(set);
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
        self.by_set.get(set).is_some_and(|list| !list.is_empty())
    }

    /// Whether some literal of `set` is in the text at all, admitted as an
    /// occurrence or not. False means that nothing starting with one of the
    /// set's literals is in the text, which lets regular expressions with
    /// known prefixes be skipped without changing any result.
    pub fn may_have(&self, set: SetId) -> bool {
        self.has(set) || self.pending.iter().any(|&(s, _)| s == set) || self.dropped.contains(&set)
    }

    /// The sets with at least one occurrence, in no particular order.
    pub fn touched(&self) -> &[SetId] {
        &self.touched
    }

    /// The occurrences of `set`, sorted by position.
    pub fn of(&self, set: SetId) -> &[Occurrence] {
        self.by_set.get(set).map_or(&[], Vec::as_slice)
    }
}
