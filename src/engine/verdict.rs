//! What one line's text yields, whoever says it and to whom.
//!
//! Evaluating a rule on a line depends on the line's text alone; the
//! speaker and the addressee only decide whether the rule applies. So the
//! line is judged once for every rule its terms can trigger, and the
//! verdict, kept in the checker's memo, serves every later line with the
//! same text: [`Checker::check`](super::Checker::check) applies the
//! speaker and addressee filters to it.

use std::ops::Range;

use super::eval::{Line, View, matches};
use super::prefilter::{Occurrence, SetHits};
use super::{Checker, fires, marked, tokenizer};
use crate::document::{Cue, Cues};
use crate::memo::HeapSize;
use crate::normalize::NormText;
use crate::rules::{ContextCues, Matcher};

/// What one line's text yields.
#[derive(Clone, Debug, Default)]
pub struct LineVerdict {
    /// Which cues the line matches (see [`Cue`]).
    pub cues: Cues,
    /// The line rules that fire, in rule order.
    pub fired: Box<[Fired]>,
    /// What the line means to the `missing` rules it concerns (those it
    /// satisfies or makes relevant).
    pub missing: Box<[MissingSeen]>,
}

impl HeapSize for LineVerdict {
    fn heap_size(&self) -> usize {
        let fired: usize = self
            .fired
            .iter()
            .map(|f| size_of::<Fired>() + size_of_val(&*f.evidence))
            .sum();
        fired + self.missing.len() * size_of::<MissingSeen>()
    }
}

/// A line rule that fires on a line.
#[derive(Clone, Debug)]
pub struct Fired {
    /// The rule's index in the rule set.
    pub rule: usize,
    /// The evidence's extent, in bytes of the line's original text.
    pub span: Range<usize>,
    /// Each piece of evidence, in bytes of the line's normalized text.
    pub evidence: Box<[Range<usize>]>,
    /// Whether the sentence of the evidence forbids or condemns what it
    /// says ([`Cue::Forbids`]): "不得说“我们是法院的”".
    pub forbidden: bool,
    /// The sets of document facts ([`Node::Document`](crate::rules::Node::Document),
    /// as [`DocumentFact::bit`](crate::rules::DocumentFact::bit)s) under any
    /// of which the rule fires; empty when it fires whatever the document.
    pub presumed: Box<[u8]>,
}

impl Fired {
    /// The pieces of `normalized`, the line's normalized text, that the
    /// rule's conditions matched.
    pub fn matched(&self, normalized: &NormText) -> Vec<String> {
        self.evidence
            .iter()
            .map(|range| normalized.as_str()[range.clone()].to_string())
            .collect()
    }
}

/// What a line means to a `missing` rule.
#[derive(Clone, Debug)]
pub struct MissingSeen {
    /// The rule's index in the rule set.
    pub rule: usize,
    /// The line says what the rule looks for.
    pub satisfied: bool,
    /// The line makes the document one the rule is about.
    pub relevant: bool,
}

impl Checker {
    /// Judges the line whose normalized text is `norm`.
    pub(super) fn judge_line(&self, norm: &NormText) -> LineVerdict {
        let tokenizer = tokenizer();
        let mut hits = SetHits::new(self.rules.terms.set_count());
        let words = self.prepare(norm.as_str(), &mut hits, tokenizer);
        let line = Line::new(norm.as_str(), &hits, &self.rules.terms, tokenizer, words);
        let whole = line.whole();
        let cues = cue_matches(&self.rules.context, &whole);
        let forbidding = self.rules.context.get(Cue::Forbids);
        if hits.is_empty() && !self.some_rule_needs_nothing {
            // The common case: no term, nothing to evaluate.
            return LineVerdict {
                cues,
                ..LineVerdict::default()
            };
        }
        let (mut fired, mut missing) = (Vec::new(), Vec::new());
        // Only rules anchored in a set of this line can match; they are
        // visited in rule order, as findings are reported in that order.
        let mut marks = Vec::new();
        self.triggers.mark(&hits, &mut marks);
        let mut evidence: Vec<Occurrence> = Vec::new();
        for index in marked(&marks) {
            if !self.needs[index].met_by(&hits) {
                continue;
            }
            let rule = &self.rules.rules[index];
            match &rule.matcher {
                Matcher::Line(when) => {
                    let mut presumed = Vec::new();
                    let mut fires_here = line
                        .views(rule.scope)
                        .any(|view| fires(rule, when, &view, &mut evidence));
                    if !fires_here && !rule.facts.is_empty() {
                        // The smallest sets of the rule's facts under which
                        // it fires: "collection or standalone" is two sets.
                        let all = rule.facts.iter().fold(0u8, |set, f| set | f.bit());
                        let mut subsets: Vec<u8> = (1..=all).filter(|s| s & !all == 0).collect();
                        subsets.sort_by_key(|s| s.count_ones());
                        for facts in subsets {
                            if presumed.iter().any(|&p: &u8| p | facts == facts) {
                                continue;
                            }
                            if line.views(rule.scope).any(|view| {
                                fires(rule, when, &view.presuming(facts), &mut evidence)
                            }) {
                                presumed.push(facts);
                            }
                        }
                        fires_here = !presumed.is_empty();
                    }
                    if fires_here {
                        let start = evidence.iter().map(|o| o.start).min().unwrap_or(0);
                        let end = evidence
                            .iter()
                            .map(|o| o.end)
                            .max()
                            .unwrap_or(norm.as_str().len());
                        fired.push(Fired {
                            rule: index,
                            span: norm.original_range(start..end),
                            evidence: evidence.iter().map(|o| o.start..o.end).collect(),
                            forbidden: forbidding.is_some_and(|cue| {
                                line.sentence_of(start).any(|v| matches(cue, &v))
                            }),
                            presumed: presumed.into_boxed_slice(),
                        });
                    }
                }
                Matcher::Missing { node, context, .. } => {
                    let seen = MissingSeen {
                        rule: index,
                        satisfied: matches(node, &whole),
                        relevant: context.as_ref().is_none_or(|c| matches(c, &whole)),
                    };
                    // A line that neither says it nor makes it relevant
                    // means nothing to the rule (and costs no memory).
                    if seen.satisfied || seen.relevant {
                        missing.push(seen);
                    }
                }
                // No set triggers a fact rule (its need is empty).
                Matcher::Fact(_) => {}
            }
        }
        LineVerdict {
            cues,
            fired: fired.into_boxed_slice(),
            missing: missing.into_boxed_slice(),
        }
    }
}

/// The unit-level cues `line` matches (per-sentence cues are judged with
/// each finding).
fn cue_matches(cues: &ContextCues, line: &View<'_>) -> Cues {
    let mut matched = Cues::default();
    for (cue, node) in cues.iter() {
        if !cue.per_sentence() && matches(node, line) {
            matched.insert(cue);
        }
    }
    matched
}
