//! The checking engine: from a decoded file to findings.
//!
//! For each line: normalize (keeping the offset map), scan with the
//! prefilter, update who is being addressed, evaluate the rules whose terms
//! occur, and map the evidence back to the original text.

mod context;
mod eval;
mod prefilter;
mod tokens;

use std::sync::OnceLock;

pub use context::AddresseeTracker;
pub use prefilter::Occurrence;

use self::eval::{LineView, eval, trigger};
use self::prefilter::{Prefilter, SetHits};
use self::tokens::Tokenizer;
use crate::finding::Finding;
use crate::normalize::normalize;
use crate::rules::{Addressee, Rule, RuleSet, SetId};
use crate::segment::segment;
use crate::source::SourceFile;

/// A rule set ready to check text; build once, share across threads.
#[derive(Debug)]
pub struct Checker {
    rules: RuleSet,
    prefilter: Prefilter,
    triggers: Vec<Option<Vec<SetId>>>,
    tokenizer: OnceLock<Tokenizer>,
}

/// A finding with the context that produced it, for `--explain`.
#[derive(Clone, Debug)]
pub struct Judged {
    /// The finding.
    pub finding: Finding,
    /// Who was being addressed on that line, as inferred.
    pub addressee: Addressee,
}

impl Checker {
    /// Prepares `rules` for checking.
    pub fn new(rules: RuleSet) -> Checker {
        let prefilter = Prefilter::new(&rules);
        let triggers = rules.rules.iter().map(|rule| trigger(&rule.when)).collect();
        Checker {
            rules,
            prefilter,
            triggers,
            tokenizer: OnceLock::new(),
        }
    }

    /// The rules being checked.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Every finding in `source`, in line order.
    pub fn check(&self, source: &SourceFile) -> Vec<Finding> {
        self.judge(source).into_iter().map(|j| j.finding).collect()
    }

    /// Every finding in `source` with the context that kept it.
    pub fn judge(&self, source: &SourceFile) -> Vec<Judged> {
        let tokenizer = self
            .tokenizer
            .get_or_init(|| Tokenizer::new(self.rules.terms.terms().iter().map(String::as_str)));
        let mut hits = SetHits::default();
        let mut tracker = AddresseeTracker::default();
        let mut judged = Vec::new();
        for utterance in segment(source, &self.rules.labels) {
            let raw = &source.text[utterance.content.clone()];
            let norm = normalize(raw);
            self.prefilter.scan(norm.as_str(), &self.rules, &mut hits);
            let line = LineView::new(norm.as_str(), &hits, tokenizer);
            let section = utterance.section.clone().map(|range| {
                let heading = normalize(&source.text[range]);
                let mut heading_hits = SetHits::default();
                self.prefilter
                    .scan(heading.as_str(), &self.rules, &mut heading_hits);
                let view = LineView::new(heading.as_str(), &heading_hits, tokenizer);
                self.rules
                    .context
                    .third_party_section
                    .as_ref()
                    .is_some_and(|cue| eval(cue, &view).is_some())
            });
            let addressee = tracker.observe(&utterance, section, &line, &self.rules.context);
            if hits.is_empty() && self.triggers.iter().all(Option::is_some) {
                continue;
            }
            for (rule, trigger) in self.rules.rules.iter().zip(&self.triggers) {
                if !rule.speaker.admits(utterance.role) || !rule.addressee.admits(addressee) {
                    continue;
                }
                if trigger
                    .as_ref()
                    .is_some_and(|sets| !sets.iter().any(|&s| hits.has(s)))
                {
                    continue;
                }
                let Some(evidence) = fires(rule, &line) else {
                    continue;
                };
                let (start, end) = match (
                    evidence.iter().map(|o| o.start).min(),
                    evidence.iter().map(|o| o.end).max(),
                ) {
                    (Some(start), Some(end)) => (start, end),
                    _ => (0, norm.as_str().len()),
                };
                let original = norm.original_range(start..end);
                let span = utterance.content.start + original.start
                    ..utterance.content.start + original.end;
                judged.push(Judged {
                    finding: Finding {
                        rule: rule.info.clone(),
                        start: source.position(span.start),
                        end: source.position(span.end),
                        span,
                        speaker: utterance.role,
                        matched: evidence
                            .iter()
                            .map(|o| norm.as_str()[o.start..o.end].to_string())
                            .collect(),
                    },
                    addressee,
                });
            }
        }
        judged
    }
}

/// The evidence if `rule` fires on `line` and no exception clears it.
fn fires(rule: &Rule, line: &LineView<'_>) -> Option<Vec<Occurrence>> {
    let evidence = eval(&rule.when, line)?;
    if rule
        .unless
        .iter()
        .any(|exception| eval(exception, line).is_some())
    {
        return None;
    }
    Some(evidence)
}
