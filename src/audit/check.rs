//! Checking one record: text rules, quiet hours and contact disclosure.
//!
//! Everything here depends on the record alone, so it runs on the worker
//! threads. The frequency rules need the records before this one and run
//! afterwards, in input order (see [`frequency`](super::frequency)).

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::columns::Field;
use super::config::{AuditConfig, MetaRules, Profile, fill};
use super::reader::{RawBody, Shape};
use super::record::{FieldDecoder, Record, RecordError};
use super::redact::redact;
use crate::engine::Checker;
use crate::finding::{Category, Finding, Position, RuleInfo};
use crate::memo::{HeapSize, TextMemo};
use crate::report::{ELLIPSIS, EXCERPT_MAX_CHARS, finding_line, window};
use crate::source::SourceFile;

/// Characters of a note shown with a metadata finding.
const HEAD_EXCERPT_CHARS: usize = 80;

/// A finding of the audit: a text rule's or a metadata rule's.
#[derive(Clone, Debug)]
pub struct AuditFinding {
    /// The rule.
    pub rule: Arc<RuleInfo>,
    /// The message with its placeholders filled, if it differs from the rule's.
    pub message: Option<String>,
    /// Where in the text, for findings on the text.
    pub position: Option<Position>,
    /// The line of the text concerned (redacted unless asked not to).
    pub excerpt: String,
    /// The part of `excerpt` to highlight, as a byte range.
    pub highlight: Option<Range<usize>>,
}

impl AuditFinding {
    /// The message shown to users.
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or(&self.rule.message)
    }
}

/// The result of checking one record.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to check (a blank row, a binary transcript).
    Skipped,
    /// Malformed; reported and counted, never checked.
    Failed(RecordError),
    /// Checked, with its findings so far.
    Checked(Checked),
}

/// A checked record.
#[derive(Debug)]
pub struct Checked {
    /// The record.
    pub record: Record,
    /// What the text rules find in its text (shared by every record with
    /// the same text).
    pub verdict: Arc<TextVerdict>,
    /// Findings of the metadata rules: quiet hours and contact disclosure
    /// here, the frequency rules later, in input order.
    pub metadata: Vec<AuditFinding>,
}

impl Checked {
    /// Every finding of the record: the text rules' first, then the
    /// metadata rules'.
    pub fn findings(&self) -> impl Iterator<Item = &AuditFinding> {
        self.verdict.findings.iter().chain(&self.metadata)
    }
}

/// What the checks find in one note text, whichever record it is in.
#[derive(Debug, Default)]
pub struct TextVerdict {
    /// Findings of the text rules.
    findings: Box<[AuditFinding]>,
    /// The first mention of debt details, found on first need (calls to
    /// contacts): the text rules' first disclosure finding, or else the
    /// debt-mention detector's.
    debt_mention: OnceLock<Option<Box<AuditFinding>>>,
}

impl HeapSize for TextVerdict {
    /// The findings; the debt mention, found later for some texts only,
    /// is one finding more at most and is not counted.
    fn heap_size(&self) -> usize {
        self.findings
            .iter()
            .map(|f| {
                size_of::<AuditFinding>()
                    + f.excerpt.len()
                    + f.message.as_ref().map_or(0, String::len)
            })
            .sum()
    }
}

/// What checking a record needs, shared by all worker threads.
pub struct RecordChecker<'a> {
    /// The text rules.
    pub checker: &'a Checker,
    /// The debt-mention detector for calls to contacts.
    pub detector: &'a Checker,
    /// The metadata-rule data.
    pub config: &'a AuditConfig,
    /// The metadata rules.
    pub rules: &'a MetaRules,
    /// Quiet hours and limits.
    pub profile: &'a Profile,
    /// Whether to mask personal numbers.
    pub redact: bool,
    /// The verdicts of texts seen before.
    pub memo: &'a TextMemo<TextVerdict>,
}

impl RecordChecker<'_> {
    /// Decodes and checks the record at `row` of `path` whose content is
    /// `body`.
    pub fn check(
        &self,
        path: &str,
        row: u64,
        body: RawBody,
        shape: &Shape,
        decoder: &FieldDecoder,
    ) -> Outcome {
        let mut record = match shape.decode(body, decoder, self.config) {
            Ok(Some(record)) => record,
            Ok(None) => return Outcome::Skipped,
            Err((kind, message)) => {
                return Outcome::Failed(RecordError {
                    path: path.to_string(),
                    row,
                    kind,
                    message,
                });
            }
        };
        if matches!(shape, Shape::Transcript) {
            // A transcript file's record id is its path.
            record.set(Field::Id, path);
        }
        let text = record.get(Field::Text);
        let has_text = !text.trim().is_empty();
        let verdict = self
            .memo
            .get_or_make(text, || self.verdict(path, text, has_text));
        let mut metadata = Vec::new();

        if let Some(time) = record.time
            && self.profile.quiet_hours.contains(time.minute)
        {
            let quiet = self.profile.quiet_hours;
            let message = fill(
                &self.rules.quiet_hours.message,
                &[
                    ("time", record.get(Field::Time).trim()),
                    ("start", &quiet.start.to_string()),
                    ("end", &quiet.end.to_string()),
                ],
            );
            metadata.push(self.head_finding(text, &self.rules.quiet_hours, message));
        }

        let relation = record.get(Field::Relation).trim();
        if has_text && self.config.is_third_party(relation) {
            let mention = verdict.debt_mention.get_or_init(|| {
                self.debt_mention(path, text, &verdict.findings)
                    .map(Box::new)
            });
            if let Some(mention) = mention {
                let rule = &self.rules.contact_disclosure;
                metadata.push(AuditFinding {
                    rule: Arc::clone(rule),
                    message: Some(fill(&rule.message, &[("relation", relation)])),
                    ..(**mention).clone()
                });
            }
        }
        Outcome::Checked(Checked {
            record,
            verdict,
            metadata,
        })
    }

    /// What the text rules find in `text`.
    fn verdict(&self, path: &str, text: &str, has_text: bool) -> TextVerdict {
        let source = SourceFile::new(path, text.to_string(), "UTF-8");
        let findings = if has_text {
            self.checker.check(&source)
        } else {
            Vec::new()
        };
        TextVerdict {
            findings: findings
                .iter()
                .map(|f| self.text_finding(&source, f, Arc::clone(&f.rule), None))
                .collect(),
            debt_mention: OnceLock::new(),
        }
    }

    /// The first mention of debt details in `text`, whose text-rule
    /// findings are `findings`.
    fn debt_mention(
        &self,
        path: &str,
        text: &str,
        findings: &[AuditFinding],
    ) -> Option<AuditFinding> {
        if let Some(found) = findings
            .iter()
            .find(|f| f.rule.category == Category::ThirdPartyDisclosure)
        {
            return Some(found.clone());
        }
        let source = SourceFile::new(path, text.to_string(), "UTF-8");
        let found = self.detector.check(&source).into_iter().next()?;
        Some(self.text_finding(&source, &found, Arc::clone(&found.rule), None))
    }

    /// Masks personal numbers if asked to.
    pub fn mask(&self, text: String) -> String {
        if self.redact { redact(&text) } else { text }
    }

    /// A finding of `rule` at the span of `at`.
    fn text_finding(
        &self,
        source: &SourceFile,
        at: &Finding,
        rule: Arc<RuleInfo>,
        message: Option<String>,
    ) -> AuditFinding {
        let (excerpt, highlight) = match finding_line(source, at) {
            Some((line, span)) => {
                let cut = window(line, span, EXCERPT_MAX_CHARS);
                let lead = if cut.cut_before { ELLIPSIS } else { "" };
                let tail = if cut.cut_after { ELLIPSIS } else { "" };
                let shift = lead.len();
                (
                    format!("{lead}{}{tail}", cut.text),
                    Some(cut.span.start + shift..cut.span.end + shift),
                )
            }
            None => (String::new(), None),
        };
        AuditFinding {
            rule,
            message,
            position: Some(at.start),
            excerpt: self.mask(excerpt),
            highlight,
        }
    }

    /// A metadata finding on a record whose note is `text`, shown with the
    /// start of the note.
    pub fn head_finding(&self, text: &str, rule: &Arc<RuleInfo>, message: String) -> AuditFinding {
        AuditFinding {
            rule: Arc::clone(rule),
            message: Some(self.mask(message)),
            position: None,
            excerpt: self.mask(head_of(text)),
            highlight: None,
        }
    }
}

/// The first non-empty line of `text`, cut to [`HEAD_EXCERPT_CHARS`].
fn head_of(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.len() <= HEAD_EXCERPT_CHARS {
        return line.to_string();
    }
    let cut = window(line, 0..0, HEAD_EXCERPT_CHARS);
    let tail = if cut.cut_after { ELLIPSIS } else { "" };
    format!("{}{tail}", cut.text)
}
