//! Runs the examples every rule carries: texts it must fire on and texts it
//! must not. Used by `hegui test-rules` and by the test suite.
//!
//! An example is a small document checked on its own: a single line is a
//! script line (the agent's); several lines may carry speaker labels, so that
//! context rules can show the conversation they need. A fallback rule's
//! example counts as matched where the rule matches and is reported or
//! superseded by another rule's finding.

use crate::engine::{Checker, Decision};
use crate::source::SourceFile;

/// An example whose outcome differs from what the rule says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The rule id.
    pub rule: String,
    /// The file the rule came from.
    pub origin: String,
    /// The example text.
    pub text: String,
    /// True if the rule should have fired and did not.
    pub expected_match: bool,
}

/// Outcome of running every example of every rule.
#[derive(Clone, Debug, Default)]
pub struct ExampleReport {
    /// Examples that behaved as declared.
    pub passed: usize,
    /// Examples that did not.
    pub failures: Vec<ExampleFailure>,
}

/// Checks every example of every rule in `checker`.
pub fn run_examples(checker: &Checker) -> ExampleReport {
    let mut report = ExampleReport::default();
    for rule in &checker.rules().rules {
        let cases = rule
            .must_match
            .iter()
            .map(|t| (t, true))
            .chain(rule.no_match.iter().map(|t| (t, false)));
        for (text, expected_match) in cases {
            let source = SourceFile::new("example", text.clone(), "UTF-8");
            let fired = if rule.fallback {
                // A fallback rule's example shows what it matches, even
                // where another rule reports the line first.
                checker.trace(&source, None).units.iter().any(|unit| {
                    unit.rules.iter().any(|r| {
                        r.id == rule.info.id
                            && matches!(r.decision, Decision::Reported | Decision::Superseded)
                    })
                })
            } else {
                checker
                    .check(&source)
                    .iter()
                    .any(|finding| finding.rule.id == rule.info.id)
            };
            if fired == expected_match {
                report.passed += 1;
            } else {
                report.failures.push(ExampleFailure {
                    rule: rule.info.id.clone(),
                    origin: rule.origin.clone(),
                    text: text.clone(),
                    expected_match,
                });
            }
        }
    }
    report
}
