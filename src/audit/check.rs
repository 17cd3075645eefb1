//! Checking the records of a piece: text rules, quiet hours and contact
//! disclosure.
//!
//! Everything here depends on the record alone, so it runs on the worker
//! threads, which also write the findings' JSON lines. The frequency rules
//! need the records before this one: a worker only notes each counted call
//! ([`CountedCall`]), and the writer counts them in input order (see
//! [`frequency`](super::frequency)).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::columns::Field;
use super::config::{AuditConfig, MetaRules, Profile, fill};
use super::frequency::{key_of, phone_key};
use super::output::{FindingLine, RuleJson};
use super::reader::{Piece, Shape};
use super::record::{FieldDecoder, Record, RecordError};
use super::redact::redact;
use super::summary::Tally;
use crate::engine::{Checker, ReadText, skeleton, skeleton_into};
use crate::finding::{Category, Finding, Position, RuleInfo};
use crate::memo::{HeapSize, LocalMemo, TextMemo};
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

/// What a worker makes of one piece of input: its findings written as
/// JSON lines, and what the in-order writer still has to do.
#[derive(Debug, Default)]
pub struct CheckedPiece {
    /// Findings of the text rules, quiet hours and contact disclosure, as
    /// lines of `findings.jsonl`, in record order.
    pub jsonl: Vec<u8>,
    /// Each finding's line in `jsonl`, in order.
    pub written: Vec<Written>,
    /// The records the writer must visit: those with findings or a call
    /// for the frequency rules, in order.
    pub marks: Vec<Mark>,
    /// Failed records, in order.
    pub failures: Vec<RecordError>,
    /// Counts of checked and skipped records and of the findings.
    pub tally: Tally,
    /// A failure to serialize a finding (never expected).
    pub error: Option<String>,
}

/// One written finding.
#[derive(Debug)]
pub struct Written {
    /// Its line in [`CheckedPiece::jsonl`], newline included.
    pub line: Range<usize>,
    /// The part of its excerpt to highlight.
    pub highlight: Option<Range<usize>>,
}

/// A record the writer must visit.
#[derive(Debug)]
pub struct Mark {
    /// Where the record's lines end in [`CheckedPiece::jsonl`].
    pub jsonl_end: usize,
    /// Where its findings end in [`CheckedPiece::written`].
    pub written_end: usize,
    /// Its call, if the frequency rules count it.
    pub call: Option<CountedCall>,
}

/// A call counted by a frequency rule.
#[derive(Clone, Debug)]
pub struct CountedCall {
    /// Which rule counts it.
    pub kind: CallKind,
    /// The call's day.
    pub day: i32,
    /// The debtor's or number's key (see [`key_of`]).
    pub key: u64,
    /// The record's row.
    pub row: u64,
    /// Where the record lies in its piece, to read it again when it
    /// crosses the limit.
    pub span: Range<usize>,
}

/// The kinds of counted calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// A connected call to the debtor.
    Connected,
    /// An unanswered attempt to a number.
    Unanswered,
}

impl CheckedPiece {
    /// An empty result with room for what a piece of `bytes` bytes usually
    /// gives, so that its buffers are allocated once.
    fn for_bytes(bytes: usize) -> CheckedPiece {
        CheckedPiece {
            jsonl: Vec::with_capacity(bytes / 2),
            written: Vec::with_capacity(bytes / 512),
            marks: Vec::with_capacity(bytes / 128),
            ..CheckedPiece::default()
        }
    }

    /// Writes `line` (with the rule parts of `rules`), whose excerpt has
    /// `highlight`, and counts it as a finding of `record`.
    fn write(
        &mut self,
        rules: &RuleJson,
        line: &FindingLine<'_>,
        highlight: Option<Range<usize>>,
        record: &Record<'_>,
    ) {
        let start = self.jsonl.len();
        if let Err(e) = line.write(rules, &mut self.jsonl) {
            self.jsonl.truncate(start);
            self.error.get_or_insert_with(|| e.to_string());
            return;
        }
        self.written.push(Written {
            line: start..self.jsonl.len(),
            highlight,
        });
        self.tally.finding(line.rule, record);
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

/// The text rules' findings in a skeleton of note texts.
#[derive(Debug, Default)]
pub struct SkeletonFindings {
    /// Whether the skeleton is digit-inert (see
    /// [`Checker::digits_are_inert`]); only then are its findings those of
    /// its digit-inert texts.
    inert: bool,
    /// Whether every text of the skeleton is digit-inert (see
    /// [`Checker::digits_never_matter`]), so that its findings are theirs.
    never_matter: bool,
    findings: Box<[Finding]>,
}

impl HeapSize for SkeletonFindings {
    fn heap_size(&self) -> usize {
        self.findings
            .iter()
            .map(|f| size_of::<Finding>() + f.matched.iter().map(String::len).sum::<usize>())
            .sum()
    }
}

/// One worker thread's caches in front of the shared memos.
#[derive(Default)]
pub struct LocalMemos {
    notes: LocalMemo<TextVerdict>,
    skeletons: LocalMemo<SkeletonFindings>,
    /// The skeleton of the note being checked (reused).
    skeleton: String,
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
    /// The text rules' findings in skeletons of texts seen before (see
    /// [`Checker::digits_are_inert`]).
    pub skeletons: &'a TextMemo<SkeletonFindings>,
    /// The JSON parts of the rules' findings.
    pub json: &'a RuleJson,
    /// The quiet-hours rule's message with the quiet hours filled in;
    /// `{time}` is left for each call's time.
    pub quiet_message: String,
}

impl RecordChecker<'_> {
    /// Checks every record of `piece`, an input at `path`; `local` holds
    /// the calling thread's caches in front of the memos.
    pub fn check_piece(
        &self,
        piece: &Piece,
        path: &str,
        shape: &Shape,
        decoder: &FieldDecoder,
        local: &mut LocalMemos,
    ) -> CheckedPiece {
        let path = piece.path(path);
        let mut out = CheckedPiece::for_bytes(piece.weight());
        shape.each_record(piece, decoder, |raw| {
            match shape.decode(raw.body, decoder, self.config) {
                Ok(Some(mut record)) => {
                    if matches!(shape, Shape::Transcript) {
                        // A transcript file's record id is its path.
                        record.set(Field::Id, path.to_string());
                    }
                    self.check(path, raw.row, raw.span, &record, local, &mut out);
                }
                Ok(None) => out.tally.skipped += 1,
                Err((kind, message)) => out.failures.push(RecordError {
                    path: path.to_string(),
                    row: raw.row,
                    kind,
                    message,
                }),
            }
        });
        out
    }

    /// Checks `record`, at `row` and `span` of a piece of `path`, into
    /// `out`.
    fn check(
        &self,
        path: &str,
        row: u64,
        span: Range<usize>,
        record: &Record<'_>,
        local: &mut LocalMemos,
        out: &mut CheckedPiece,
    ) {
        let written = out.written.len();
        out.tally.call(record);
        let text = record.get(Field::Text);
        let has_text = text.contains(|c: char| !c.is_whitespace());
        let relation = record.get(Field::Relation);
        let third_party = self.config.is_third_party(relation);
        let (by_skeleton, recalled);
        let verdict: &TextVerdict = match third_party {
            // A call to a contact also needs the text's debt mention,
            // which the note memo keeps.
            false if let Some(verdict) = self.by_skeleton(path, text, local) => {
                by_skeleton = verdict;
                &by_skeleton
            }
            _ => {
                recalled = self.memo.recall(&mut local.notes, text, || {
                    self.verdict(path, text, has_text)
                });
                &recalled
            }
        };
        for finding in &verdict.findings {
            let line = FindingLine::new(path, row, record, finding);
            out.write(self.json, &line, finding.highlight.clone(), record);
        }

        if let Some(time) = record.time
            && self.profile.quiet_hours.contains(time.minute)
        {
            let message = fill(&self.quiet_message, &[("time", record.get(Field::Time))]);
            let message = self.masked(&message);
            let head = head_of(text);
            let head = self.masked(&head);
            let line =
                FindingLine::about(path, row, record, &self.rules.quiet_hours, &message, &head);
            out.write(self.json, &line, None, record);
        }

        if has_text && third_party {
            let mention = verdict.debt_mention.get_or_init(|| {
                self.debt_mention(path, text, &verdict.findings)
                    .map(Box::new)
            });
            if let Some(mention) = mention {
                let rule = &self.rules.contact_disclosure;
                let message = fill(&rule.message, &[("relation", relation)]);
                let line = FindingLine {
                    rule,
                    message: &message,
                    ..FindingLine::new(path, row, record, mention)
                };
                out.write(self.json, &line, mention.highlight.clone(), record);
            }
        }

        let call = self.counted_call(record, third_party, row, span);
        if call.is_some() || out.written.len() > written {
            out.marks.push(Mark {
                jsonl_end: out.jsonl.len(),
                written_end: out.written.len(),
                call,
            });
        }
    }

    /// The record's call, if a frequency rule counts it: a connected call
    /// to the debtor (not to a contact, `third_party`), or an unanswered
    /// attempt.
    fn counted_call(
        &self,
        record: &Record<'_>,
        third_party: bool,
        row: u64,
        span: Range<usize>,
    ) -> Option<CountedCall> {
        let day = record.time?.day;
        let (kind, key) = match record.connected? {
            true => {
                let debtor = record.get(Field::Debtor);
                if debtor.is_empty() || third_party {
                    return None;
                }
                (CallKind::Connected, key_of(debtor))
            }
            false => (CallKind::Unanswered, phone_key(record.get(Field::Phone))?),
        };
        Some(CountedCall {
            kind,
            day,
            key,
            row,
            span,
        })
    }

    /// The finding of a frequency rule on `record`, its `count`th call of
    /// `kind` that day.
    pub fn frequency_finding(
        &self,
        record: &Record<'_>,
        kind: CallKind,
        count: u32,
    ) -> AuditFinding {
        let limit = self.limit(kind);
        let (rule, phone) = match kind {
            CallKind::Connected => (&self.rules.connected_calls, ""),
            CallKind::Unanswered => (&self.rules.unanswered_attempts, record.get(Field::Phone)),
        };
        let message = fill(
            &rule.message,
            &[
                ("count", &count.to_string()),
                ("limit", &limit.to_string()),
                ("phone", phone),
            ],
        );
        self.head_finding(record.get(Field::Text), rule, message)
    }

    /// The limit of calls of `kind` per day.
    pub fn limit(&self, kind: CallKind) -> u32 {
        match kind {
            CallKind::Connected => self.profile.max_connected,
            CallKind::Unanswered => self.profile.max_unanswered,
        }
    }

    /// What the text rules find in `text`.
    fn verdict(&self, path: &str, text: &str, has_text: bool) -> TextVerdict {
        let source = SourceFile::new(path, text.to_string(), "UTF-8");
        let (own, shared);
        let findings: &[Finding] = if !has_text {
            &[]
        } else {
            // One reading of the note serves the skeleton test and the check.
            let read = self.checker.read(&source);
            if let Some(found) = self.skeleton_findings(path, text, &read) {
                shared = found;
                &shared.findings
            } else {
                own = self.checker.check_read(&read, None);
                &own
            }
        };
        self.verdict_with(&source, findings)
    }

    /// The verdict of the text of `source`, whose text-rule findings (or
    /// its skeleton's: only their places are used, excerpts are cut from
    /// `source`) are `findings`.
    fn verdict_with(&self, source: &SourceFile, findings: &[Finding]) -> TextVerdict {
        TextVerdict {
            findings: findings
                .iter()
                .map(|f| self.text_finding(source, f, Arc::clone(&f.rule), None))
                .collect(),
            debt_mention: OnceLock::new(),
        }
    }

    /// The verdict of `text` from its skeleton's findings, if no digit of
    /// any text of that skeleton matters (see
    /// [`Checker::digits_never_matter`]); `local` holds the calling
    /// thread's cache in front of the skeleton memo.
    ///
    /// Notes with amounts, dates and numbers are seldom seen twice, but
    /// their skeletons recur all the time: such a note is then neither
    /// judged nor remembered on its own.
    fn by_skeleton(&self, path: &str, text: &str, local: &mut LocalMemos) -> Option<TextVerdict> {
        let skeleton = &mut local.skeleton;
        if !skeleton_into(text, skeleton) || !self.skeletons.remembers(skeleton) {
            // No digit, or judged each time: the note's own way costs no
            // more.
            return None;
        }
        let shared = self.skeletons.recall(&mut local.skeletons, skeleton, || {
            self.skeleton_of(path, skeleton)
        });
        if !shared.never_matter {
            return None;
        }
        if shared.findings.is_empty() {
            return Some(TextVerdict::default());
        }
        let source = SourceFile::new(path, text.to_string(), "UTF-8");
        Some(self.verdict_with(&source, &shared.findings))
    }

    /// The findings of the skeleton of `text` (read as `read`), found
    /// once for all texts with that skeleton, if `text` shares them (see
    /// [`Checker::digits_are_inert`]).
    fn skeleton_findings(
        &self,
        path: &str,
        text: &str,
        read: &ReadText<'_>,
    ) -> Option<Arc<SkeletonFindings>> {
        if !self.checker.digits_are_inert(read) {
            return None;
        }
        let skeleton = skeleton(text);
        let shared = self
            .skeletons
            .get_or_make(&skeleton, || self.skeleton_of(path, &skeleton));
        shared.inert.then_some(shared)
    }

    /// What the text rules find in `skeleton`, a skeleton of note texts.
    fn skeleton_of(&self, path: &str, skeleton: &str) -> SkeletonFindings {
        let source = SourceFile::new(path, skeleton.to_string(), "UTF-8");
        let read = self.checker.read(&source);
        let inert = self.checker.digits_are_inert(&read);
        if !inert {
            return SkeletonFindings::default();
        }
        SkeletonFindings {
            inert,
            never_matter: self.checker.digits_never_matter(&read),
            findings: self.checker.check_read(&read, None).into(),
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

    /// `text` with personal numbers masked if asked to.
    fn masked<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.redact {
            redact(text)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Masks personal numbers if asked to.
    pub fn mask(&self, text: String) -> String {
        match self.masked(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(masked) => masked,
        }
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
            excerpt: self.mask(head_of(text).into_owned()),
            highlight: None,
        }
    }
}

/// The first non-empty line of `text`, cut to [`HEAD_EXCERPT_CHARS`].
fn head_of(text: &str) -> Cow<'_, str> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.len() <= HEAD_EXCERPT_CHARS {
        return Cow::Borrowed(line);
    }
    let cut = window(line, 0..0, HEAD_EXCERPT_CHARS);
    let tail = if cut.cut_after { ELLIPSIS } else { "" };
    Cow::Owned(format!("{}{tail}", cut.text))
}
