//! The checking engine: from a decoded file to findings.
//!
//! For each line: normalize (keeping the offset map), scan with the
//! prefilter, update who is being addressed, evaluate the rules whose terms
//! occur, and map the evidence back to the original text.

mod context;
mod eval;
mod prefilter;
mod tokens;

use std::ops::Range;
use std::sync::OnceLock;

pub use context::AddresseeTracker;
pub use prefilter::Occurrence;

use self::eval::{LineView, eval, trigger};
use self::prefilter::{Prefilter, SetHits};
use self::tokens::Tokenizer;
use crate::finding::Finding;
use crate::normalize::{NormText, normalize};
use crate::rules::{Addressee, Rule, RuleSet, SetId};
use crate::segment::{Utterance, segment};
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
        let mut section_verdict: Option<(Range<usize>, bool)> = None;
        let mut judged = Vec::new();
        for utterance in segment(source, &self.rules.labels) {
            let norm = normalize(&source.text[utterance.content.clone()]);
            self.prefilter.scan(norm.as_str(), &self.rules, &mut hits);
            let line = LineView::new(norm.as_str(), &hits, tokenizer);
            let in_third_party_section =
                utterance
                    .section
                    .as_ref()
                    .map(|range| match &section_verdict {
                        Some((cached, verdict)) if cached == range => *verdict,
                        _ => {
                            let verdict =
                                self.is_third_party_section(&source.text[range.clone()], tokenizer);
                            section_verdict = Some((range.clone(), verdict));
                            verdict
                        }
                    });
            let addressee = tracker.observe(
                &utterance,
                in_third_party_section,
                &line,
                &self.rules.context,
            );
            if hits.is_empty() && self.triggers.iter().all(Option::is_some) {
                continue; // the common case: no term, nothing to evaluate
            }
            for (rule, trigger) in self.rules.rules.iter().zip(&self.triggers) {
                if !rule.speaker.admits(utterance.role)
                    || !rule.addressee.admits(addressee)
                    || trigger
                        .as_ref()
                        .is_some_and(|sets| !sets.iter().any(|&s| hits.has(s)))
                {
                    continue;
                }
                if let Some(evidence) = fires(rule, &line) {
                    let finding = self.finding(source, &utterance, &norm, rule, &evidence);
                    judged.push(Judged { finding, addressee });
                }
            }
        }
        judged
    }

    /// Whether a script section heading is meant for calls to third parties.
    fn is_third_party_section(&self, heading: &str, tokenizer: &Tokenizer) -> bool {
        let Some(cue) = &self.rules.context.third_party_section else {
            return false;
        };
        let heading = normalize(heading);
        let mut hits = SetHits::default();
        self.prefilter
            .scan(heading.as_str(), &self.rules, &mut hits);
        eval(cue, &LineView::new(heading.as_str(), &hits, tokenizer)).is_some()
    }

    /// A finding spanning the evidence, mapped back to the original text.
    fn finding(
        &self,
        source: &SourceFile,
        utterance: &Utterance,
        norm: &NormText,
        rule: &Rule,
        evidence: &[Occurrence],
    ) -> Finding {
        let start = evidence.iter().map(|o| o.start).min().unwrap_or(0);
        let end = evidence
            .iter()
            .map(|o| o.end)
            .max()
            .unwrap_or(norm.as_str().len());
        let original = norm.original_range(start..end);
        let base = utterance.content.start;
        let span = base + original.start..base + original.end;
        Finding {
            rule: rule.info.clone(),
            start: source.position(span.start),
            end: source.position(span.end),
            span,
            speaker: utterance.role,
            matched: evidence
                .iter()
                .map(|o| norm.as_str()[o.start..o.end].to_string())
                .collect(),
        }
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
