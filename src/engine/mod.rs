//! The checking engine: from a decoded file to findings.
//!
//! Each distinct line text is judged once (`verdict.rs`): normalize (keeping
//! the offset map), scan with the prefilter, evaluate the rules whose terms
//! occur and the context cues, and map the evidence back to the original
//! text. For each line of a document, the remembered verdict of its text is
//! then filtered by who speaks and who is being addressed.

mod digits;
mod eval;
mod prefilter;
mod tokens;
mod verdict;

use std::sync::{Arc, OnceLock};

use self::digits::{DigitGuard, has_digit};
pub use self::digits::{skeleton, skeleton_into};
pub use prefilter::Occurrence;

use self::eval::{Need, View, eval_into};
use self::prefilter::{Prefilter, SetHits};
use self::tokens::{Tokenizer, Words};
use self::verdict::{Fired, LineVerdict};
use crate::audit::config::AuditConfig;
use crate::clock::QuietHours;
use crate::document::{
    Addressee, Cue, Cues, Document, DocumentLabels, Genre, Reading, Role, SpeakerLabels, Unit,
    UnitReading, sentence_start,
};
use crate::finding::{Category, Context, Finding, Position};
use crate::memo::{HeapSize, TextMemo};
use crate::normalize::{NormText, normalize};
use crate::rules::{DocumentFact, Matcher, Node, Rule, RuleSet, SetId, TermTable};
use crate::source::SourceFile;

/// A rule set ready to check text; build once, share across threads.
#[derive(Debug)]
pub struct Checker {
    rules: RuleSet,
    prefilter: Prefilter,
    /// What each rule needs in a line before it is worth evaluating.
    needs: Vec<Need>,
    /// Whether some rule needs nothing, so no line can be skipped unseen.
    some_rule_needs_nothing: bool,
    /// Which rules a line's hits can make worth checking.
    triggers: Triggers,
    /// The verdicts of line texts seen before.
    memo: TextMemo<LineVerdict>,
    /// What tells whether a line may share its skeleton's verdict (see
    /// [`digits`]); `None` if no line may.
    digits: Option<DigitGuard>,
    /// The verdicts of line skeletons seen before.
    skeletons: TextMemo<SkeletonVerdict>,
    /// Whether no speaker label has an ASCII digit, so that a text and its
    /// skeleton always split into the same speaker turns.
    digit_free_labels: bool,
    /// The rules' speaker labels, prepared for reading documents.
    labels: DocumentLabels,
    /// When contacts logged in a text are night contacts.
    quiet_hours: QuietHours,
    /// The rules judged from a document fact alone (see
    /// [`Matcher::Fact`]), with their facts.
    fact_rules: Vec<(usize, DocumentFact)>,
}

/// A text read as a document with a checker's speaker labels (see
/// [`Checker::read`]), so that it can be tested for digit sharing and
/// checked without being read again.
pub struct ReadText<'s> {
    source: &'s SourceFile,
    document: Document<'s>,
}

/// A document read into units, each with its verdict and reading.
struct Analysis<'d, 's> {
    document: &'d Document<'s>,
    verdicts: Vec<Arc<LineVerdict>>,
    reading: Reading,
}

/// What became of a rule that matched a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Reported as a finding.
    Reported,
    /// Not judged: the document forbids, reports or quotes the unit.
    NotJudged,
    /// Its sentence forbids or condemns what it says.
    Forbidden,
    /// The rule needs a fact the document does not establish for the
    /// unit (a collection context, a night contact, …).
    FactMissing(DocumentFact),
    /// The rule does not judge this speaker.
    OtherSpeaker,
    /// The rule does not judge speech to this addressee.
    OtherAddressee,
    /// A fallback rule on a unit another rule already reports for its
    /// category.
    Superseded,
}

impl Decision {
    /// What the decision means, for users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Decision::Reported => "报告",
            Decision::NotJudged => "不评判（文档引用、禁止或转述）",
            Decision::Forbidden => "不报告（所在句子禁止或批评此说法）",
            Decision::FactMissing(DocumentFact::Collection) => "不报告（文档不涉及催收）",
            Decision::FactMissing(DocumentFact::DebtTalk) => "不报告（上下文未谈到欠款）",
            Decision::FactMissing(_) => "不报告（文档不具备规则要求的事实）",
            Decision::OtherSpeaker => "不报告（规则不评判此说话人）",
            Decision::OtherAddressee => "不报告（规则不适用于此受话人）",
            Decision::Superseded => "不报告（已有其他规则报告此行的同一类别）",
        }
    }
}

/// How a document was read and judged: what `hegui explain --trace` shows.
#[derive(Clone, Debug)]
pub struct Trace {
    /// The genre.
    pub genre: Genre,
    /// Each unit, in text order.
    pub units: Vec<TracedUnit>,
}

/// One unit of a [`Trace`].
#[derive(Clone, Debug)]
pub struct TracedUnit {
    /// Where the unit starts in the original text.
    pub start: Position,
    /// Where it ends.
    pub end: Position,
    /// Its text, as rules see it before normalization.
    pub text: String,
    /// The speaker label, if any.
    pub speaker: Option<String>,
    /// Whether the unit is a heading.
    pub heading: bool,
    /// How the unit was read.
    pub reading: UnitReading,
    /// The cues its text matches.
    pub cues: Vec<Cue>,
    /// Every rule that matched it, with what became of it.
    pub rules: Vec<TracedRule>,
}

/// A rule that matched a [`TracedUnit`].
#[derive(Clone, Debug)]
pub struct TracedRule {
    /// The rule id.
    pub id: String,
    /// What became of it.
    pub decision: Decision,
    /// The pieces of normalized text its conditions matched.
    pub matched: Vec<String>,
}

/// The verdict of a line skeleton (see [`digits`]).
#[derive(Debug)]
struct SkeletonVerdict {
    /// Whether no digit-sensitive piece of the rules can match in the
    /// skeleton; only then is `verdict` (judged on the skeleton itself)
    /// shared.
    inert: bool,
    verdict: LineVerdict,
}

impl HeapSize for SkeletonVerdict {
    fn heap_size(&self) -> usize {
        self.verdict.heap_size()
    }
}

/// Bytes of line texts (and their verdicts) a checker remembers.
const LINE_MEMO_BUDGET: usize = 4 << 20;

/// Bytes of line skeletons (and their verdicts) a checker remembers: far
/// fewer than lines, as lines differing only in digits share one.
const SKELETON_MEMO_BUDGET: usize = 2 << 20;

/// Whether some speaker label has an ASCII digit.
fn labels_have_digits(labels: &SpeakerLabels) -> bool {
    [&labels.agent, &labels.debtor, &labels.third_party]
        .into_iter()
        .flatten()
        .any(|label| has_digit(label))
}

/// The word segmenter, shared by every checker of the process: loading
/// jieba's dictionary is most of startup and of the memory it keeps, and an
/// audit has two checkers (the text rules and the debt-mention detector).
fn tokenizer() -> &'static Tokenizer {
    static TOKENIZER: OnceLock<Tokenizer> = OnceLock::new();
    TOKENIZER.get_or_init(Tokenizer::new)
}

/// Loads the word segmenter if it is not loaded yet. Callers about to
/// compile rules can run this on another thread first, so that loading
/// jieba's dictionary overlaps the compilation instead of delaying the
/// first line checked.
pub fn load_tokenizer() {
    tokenizer();
}

/// For each term set, the rules that cannot match unless it occurs.
///
/// Every rule's [`Need`] implies "at least one of these sets occurs" for
/// some list of sets, its anchors (see [`Need::anchors`]). A line only
/// needs its rules' full needs tested for the rules anchored in the sets
/// it touches, a handful, instead of every rule on every line with a hit.
#[derive(Debug)]
struct Triggers {
    /// Rule indices anchored in each set, ascending.
    by_set: Vec<Vec<usize>>,
    /// Rules without anchors (they need nothing), ascending.
    always: Vec<usize>,
    /// Number of rules.
    rules: usize,
}

impl Triggers {
    fn new(needs: &[Need], terms: &TermTable) -> Triggers {
        let mut by_set = vec![Vec::new(); terms.set_count()];
        let mut always = Vec::new();
        let weakest = |set: SetId| {
            terms
                .set(set)
                .iter()
                .map(|&term| terms.terms()[term].chars().count())
                .min()
                .unwrap_or(0)
        };
        for (index, need) in needs.iter().enumerate() {
            match need.anchors(&weakest) {
                None => always.push(index),
                Some(sets) => {
                    for set in sets {
                        if set >= by_set.len() {
                            by_set.resize_with(set + 1, Vec::new);
                        }
                        if by_set[set].last() != Some(&index) {
                            by_set[set].push(index);
                        }
                    }
                }
            }
        }
        Triggers {
            by_set,
            always,
            rules: needs.len(),
        }
    }

    /// Marks in `marks` (a bitset over rule indices, cleared here) the rules
    /// that the sets of `hits` can make match.
    fn mark(&self, hits: &SetHits, marks: &mut Vec<u64>) {
        marks.clear();
        marks.resize(self.rules.div_ceil(64), 0);
        let rules = self
            .always
            .iter()
            .chain(hits.touched().iter().flat_map(|&set| self.rules_of(set)));
        for &rule in rules {
            marks[rule / 64] |= 1 << (rule % 64);
        }
    }

    fn rules_of(&self, set: SetId) -> &[usize] {
        self.by_set.get(set).map_or(&[], Vec::as_slice)
    }
}

/// The indices of the bits set in `marks`, ascending.
fn marked(marks: &[u64]) -> impl Iterator<Item = usize> + '_ {
    marks.iter().enumerate().flat_map(|(word_index, &word)| {
        let mut rest = word;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let bit = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            Some(word_index * 64 + bit)
        })
    })
}

impl Checker {
    /// Prepares `rules` for checking.
    pub fn new(rules: RuleSet) -> Checker {
        let prefilter = Prefilter::new(&rules);
        let needs: Vec<Need> = rules
            .rules
            .iter()
            .map(|rule| match &rule.matcher {
                Matcher::Line(node) => Need::of(node),
                // Judged from the document model, never from a line's words:
                // no set can trigger it.
                Matcher::Fact(_) => Need::Any(Vec::new()),
                // The context may need one set and the node another; either
                // makes the line worth a look.
                Matcher::Missing { node, context, .. } => match context {
                    Some(context) => Need::Any(vec![Need::of(node), Need::of(context)]),
                    None => Need::of(node),
                },
            })
            .collect();
        let fact_rules = rules
            .rules
            .iter()
            .enumerate()
            .filter_map(|(index, rule)| match rule.matcher {
                Matcher::Fact(fact) => Some((index, fact)),
                _ => None,
            })
            .collect();
        Checker {
            fact_rules,
            some_rule_needs_nothing: needs.contains(&Need::Nothing),
            memo: TextMemo::with_budget(LINE_MEMO_BUDGET),
            digits: DigitGuard::new(&rules),
            skeletons: TextMemo::with_budget(SKELETON_MEMO_BUDGET),
            digit_free_labels: !labels_have_digits(&rules.labels),
            labels: DocumentLabels::new(rules.labels.clone()),
            triggers: Triggers::new(&needs, &rules.terms),
            rules,
            prefilter,
            needs,
            quiet_hours: AuditConfig::builtin().default_quiet_hours(),
        }
    }

    /// The checker with contacts logged in `quiet` taken for night
    /// contacts (by default, the quiet hours of the audit's default
    /// profile).
    pub fn with_quiet_hours(mut self, quiet: QuietHours) -> Checker {
        self.quiet_hours = quiet;
        self
    }

    /// The rules being checked.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Every finding in `source`, in line order (document-level findings
    /// of `missing` rules come last), with the genre inferred.
    pub fn check(&self, source: &SourceFile) -> Vec<Finding> {
        self.check_as(source, None)
    }

    /// Every finding in `source`, read as a document of `genre` when
    /// given (otherwise the genre is inferred).
    pub fn check_as(&self, source: &SourceFile, genre: Option<Genre>) -> Vec<Finding> {
        self.check_read(&self.read(source), genre)
    }

    /// Reads `source` as a document with the rules' speaker labels.
    pub fn read<'s>(&self, source: &'s SourceFile) -> ReadText<'s> {
        ReadText {
            source,
            document: Document::new(source, &self.labels),
        }
    }

    /// Every finding in the text `read`, read as a document of `genre`
    /// when given (otherwise the genre is inferred): [`check_as`]
    /// (Self::check_as) on a text already read.
    pub fn check_read(&self, read: &ReadText<'_>, genre: Option<Genre>) -> Vec<Finding> {
        let source = read.source;
        let analysis = self.analyse(&read.document, genre);
        let mut satisfied = vec![false; self.rules.rules.len()];
        // A `missing` rule without a context judges every template.
        let mut relevant: Vec<bool> = self
            .rules
            .rules
            .iter()
            .map(|rule| matches!(rule.matcher, Matcher::Missing { context: None, .. }))
            .collect();
        let mut findings = Vec::new();
        for (index, unit) in analysis.document.units.iter().enumerate() {
            let verdict = &analysis.verdicts[index];
            let read = &analysis.reading.units[index];
            let context = Context {
                genre: analysis.reading.genre,
                frame: read.frame,
                section: read.section,
            };
            let mut normalized = None;
            let (line_decisions, fact_decisions) = self.decisions(verdict, read);
            for (fired, _) in verdict
                .fired
                .iter()
                .zip(line_decisions)
                .filter(|(_, d)| *d == Decision::Reported)
            {
                let normalized = normalized.get_or_insert_with(|| normalize(unit.text.as_str()));
                let matched = fired.matched(normalized);
                findings.push(self.finding(source, unit, read, context, fired, matched));
            }
            for (rule, _, _) in fact_decisions
                .into_iter()
                .filter(|(_, _, d)| *d == Decision::Reported)
            {
                findings.push(self.fact_finding(source, unit, read, context, rule));
            }
            for seen in verdict
                .missing
                .iter()
                .filter(|m| self.admits(m.rule, read) == Decision::Reported)
            {
                satisfied[seen.rule] |= seen.satisfied;
                relevant[seen.rule] |= seen.relevant;
            }
        }
        if analysis.reading.genre == Genre::Script {
            findings.extend(self.missing_findings(
                source,
                analysis.document,
                &satisfied,
                &relevant,
            ));
        }
        findings
    }

    /// How `source` is read and judged, unit by unit (`hegui explain
    /// --trace`): the same analysis and decisions as [`check_as`]
    /// (Self::check_as), with every rule that matched and why it was or
    /// was not reported.
    pub fn trace(&self, source: &SourceFile, genre: Option<Genre>) -> Trace {
        let read = self.read(source);
        let analysis = self.analyse(&read.document, genre);
        let units = analysis
            .document
            .units
            .iter()
            .enumerate()
            .map(|(index, unit)| {
                let verdict = &analysis.verdicts[index];
                let read = analysis.reading.units[index];
                let span = unit.text.original_range(0..unit.text.as_str().len());
                let normalized = normalize(unit.text.as_str());
                let (line_decisions, fact_decisions) = self.decisions(verdict, &read);
                TracedUnit {
                    start: source.position(span.start),
                    end: source.position(span.end),
                    text: unit.text.as_str().to_string(),
                    speaker: unit
                        .speaker
                        .map(|s| analysis.document.speakers[s].name.clone()),
                    heading: unit.heading,
                    reading: read,
                    cues: Cue::ALL
                        .into_iter()
                        .filter(|&c| verdict.cues.has(c))
                        .collect(),
                    rules: verdict
                        .fired
                        .iter()
                        .zip(line_decisions)
                        .map(|(f, decision)| TracedRule {
                            id: self.rules.rules[f.rule].info.id.clone(),
                            decision,
                            matched: f.matched(&normalized),
                        })
                        .chain(fact_decisions.into_iter().map(|(rule, fact, decision)| {
                            TracedRule {
                                id: self.rules.rules[rule].info.id.clone(),
                                decision,
                                matched: vec![format!("[{}]", fact.label_zh())],
                            }
                        }))
                        .collect(),
                }
            })
            .collect();
        Trace {
            genre: analysis.reading.genre,
            units,
        }
    }

    /// Judges each unit of `document` and reads the document.
    fn analyse<'d, 's>(
        &self,
        document: &'d Document<'s>,
        genre: Option<Genre>,
    ) -> Analysis<'d, 's> {
        let verdicts: Vec<Arc<LineVerdict>> = document
            .units
            .iter()
            .map(|unit| {
                let text = unit.text.as_str();
                self.memo.get_or_make(text, || self.judge(text))
            })
            .collect();
        let cues: Vec<Cues> = verdicts.iter().map(|v| v.cues).collect();
        let reading = document.read(&cues, genre, self.quiet_hours);
        Analysis {
            document,
            verdicts,
            reading,
        }
    }

    /// The fact rules whose facts hold for a unit read as `read`.
    fn facts_of<'c>(
        &'c self,
        read: &'c UnitReading,
    ) -> impl Iterator<Item = (usize, DocumentFact)> + 'c {
        self.fact_rules
            .iter()
            .copied()
            .filter(|&(_, fact)| read.holds(fact))
    }

    /// What becomes of each line rule that fired on a unit (in the order
    /// of `verdict.fired`) and of each fact rule whose fact holds for it:
    /// a fallback rule is reported only where no other rule reports its
    /// category.
    fn decisions(
        &self,
        verdict: &LineVerdict,
        read: &UnitReading,
    ) -> (Vec<Decision>, Vec<(usize, DocumentFact, Decision)>) {
        let lines: Vec<Decision> = verdict.fired.iter().map(|f| self.decide(f, read)).collect();
        let facts: Vec<(usize, DocumentFact, Decision)> = self
            .facts_of(read)
            .map(|(rule, fact)| (rule, fact, self.admits(rule, read)))
            .collect();
        let rule_at = |index: usize| &self.rules.rules[index];
        // The categories that rules other than fallbacks report here.
        let reported_by_others: Vec<Category> = verdict
            .fired
            .iter()
            .map(|f| f.rule)
            .zip(lines.iter().copied())
            .chain(facts.iter().map(|&(rule, _, d)| (rule, d)))
            .filter(|&(rule, d)| d == Decision::Reported && !rule_at(rule).fallback)
            .map(|(rule, _)| rule_at(rule).info.category)
            .collect();
        let settle = |rule: usize, d: Decision| {
            let rule = rule_at(rule);
            if d == Decision::Reported
                && rule.fallback
                && reported_by_others.contains(&rule.info.category)
            {
                Decision::Superseded
            } else {
                d
            }
        };
        let lines = verdict
            .fired
            .iter()
            .zip(lines)
            .map(|(f, d)| settle(f.rule, d))
            .collect();
        let facts = facts
            .into_iter()
            .map(|(rule, fact, d)| (rule, fact, settle(rule, d)))
            .collect();
        (lines, facts)
    }

    /// Whether a rule that fired on a unit read as `read` is reported.
    fn decide(&self, fired: &Fired, read: &UnitReading) -> Decision {
        if !read.frame.is_judged() {
            Decision::NotJudged
        } else if fired.forbidden {
            Decision::Forbidden
        } else if let Some(fact) = (!fired.presumed.is_empty()
            && !fired.presumed.iter().any(|&facts| read.holds_all(facts)))
        .then(|| read.first_missing(fired.presumed[0]))
        .flatten()
        {
            Decision::FactMissing(fact)
        } else {
            self.admits(fired.rule, read)
        }
    }

    /// Whether rule `rule` judges a unit read as `read`: its frame, speaker
    /// and addressee.
    fn admits(&self, rule: usize, read: &UnitReading) -> Decision {
        let rule = &self.rules.rules[rule];
        if !read.frame.is_judged() {
            Decision::NotJudged
        } else if !rule.speaker.admits(read.role) {
            Decision::OtherSpeaker
        } else if !rule.addressee.admits(read.addressee) {
            Decision::OtherAddressee
        } else {
            Decision::Reported
        }
    }

    /// Whether no rule can tell the digits of the text `read` from others: it
    /// has digits, no speaker label has one, and no term or regex that looks
    /// at digit values can match in any of its lines.
    ///
    /// When a text and its [`skeleton`] are both digit-inert, every finding
    /// in the text is a finding of the skeleton at the same place, with the
    /// same speaker and addressee (each line shares its skeleton's verdict),
    /// so texts that differ only in their digits can be checked once, on
    /// their common skeleton. Only what a finding quotes from the text
    /// ([`Finding::matched`]) is then the skeleton's, not the text's own.
    pub fn digits_are_inert(&self, read: &ReadText<'_>) -> bool {
        self.inert_lines(read, DigitGuard::inert_in)
    }

    /// Whether every text that differs from the text `read` only in the values of
    /// its ASCII digits (`source` and its [`skeleton`] among them) is
    /// [digit-inert](Checker::digits_are_inert): all texts of that skeleton
    /// then have the skeleton's findings, without a look at their own
    /// digits.
    pub fn digits_never_matter(&self, read: &ReadText<'_>) -> bool {
        self.inert_lines(read, DigitGuard::inert_for_any_digits)
    }

    /// Whether the text `read` has digits, no speaker label has one, no unit
    /// carries a log stamp (its clock time is a fact rules read), and
    /// `inert` holds for the normalized content of each speaker turn with
    /// digits.
    fn inert_lines(&self, read: &ReadText<'_>, inert: fn(&DigitGuard, &str) -> bool) -> bool {
        let Some(guard) = &self.digits else {
            return false;
        };
        // Speaker labels and headings are found by digit-blind patterns, so
        // a text and its skeleton split into the same turns unless a label
        // itself has a digit.
        if !self.digit_free_labels || !has_digit(&read.source.text) {
            return false;
        }
        let document = &read.document;
        document.speakers.iter().all(|s| !has_digit(&s.name))
            && document.units.iter().all(|unit| {
                let text = unit.text.as_str();
                unit.stamp.is_none() && (!has_digit(text) || inert(guard, normalize(text).as_str()))
            })
    }

    /// Judges the line `text`: with the verdict of its skeleton when its
    /// digits cannot matter (see [`digits`]), on its own otherwise.
    fn judge(&self, text: &str) -> LineVerdict {
        let norm = normalize(text);
        match self.skeleton_verdict(text, &norm) {
            Some(shared) => shared.verdict.clone(),
            None => self.judge_line(&norm),
        }
    }

    /// The verdict of the skeleton of the line `text` (normalized: `norm`),
    /// if the line shares it: neither the line nor its skeleton has a place
    /// where a digit-sensitive piece of the rules might match.
    fn skeleton_verdict(&self, text: &str, norm: &NormText) -> Option<Arc<SkeletonVerdict>> {
        let guard = self.digits.as_ref()?;
        if !has_digit(text) || !guard.inert_in(norm.as_str()) {
            return None;
        }
        let skeleton = skeleton(text);
        let shared = self.skeletons.get_or_make(&skeleton, || {
            let norm = normalize(&skeleton);
            let inert = guard.inert_in(norm.as_str());
            SkeletonVerdict {
                inert,
                verdict: if inert {
                    self.judge_line(&norm)
                } else {
                    LineVerdict::default()
                },
            }
        });
        shared.inert.then_some(shared)
    }

    /// Findings of `missing` rules that no line of a script template satisfied.
    fn missing_findings(
        &self,
        source: &SourceFile,
        document: &Document<'_>,
        satisfied: &[bool],
        relevant: &[bool],
    ) -> Vec<Finding> {
        let mut spoken = document
            .units
            .iter()
            .filter(|u| !u.heading && !u.text.as_str().trim().is_empty());
        let Some(first) = spoken.next() else {
            return Vec::new();
        };
        let spoken_lines = 1 + spoken.count();
        self.rules
            .rules
            .iter()
            .zip(satisfied.iter().zip(relevant))
            .filter(|(rule, (satisfied, relevant))| match rule.matcher {
                Matcher::Missing { min_lines, .. } => {
                    **relevant && !**satisfied && spoken_lines >= min_lines
                }
                Matcher::Line(_) | Matcher::Fact(_) => false,
            })
            .map(|(rule, _)| {
                let span = first.text.original_range(0..first.text.as_str().len());
                Finding {
                    rule: rule.info.clone(),
                    start: source.position(span.start),
                    end: source.position(span.end),
                    span,
                    speaker: Role::Agent,
                    addressee: Addressee::Unknown,
                    matched: Vec::new(),
                    context: None,
                }
            })
            .collect()
    }

    /// Scans `text` into `hits`, checking whole-word terms against word
    /// boundaries; returns the words if they had to be cut for that.
    fn prepare(&self, text: &str, hits: &mut SetHits, tokenizer: &Tokenizer) -> Option<Words> {
        self.prefilter.scan(text, &self.rules.terms, hits);
        if !hits.has_pending() {
            return None;
        }
        let words = tokenizer.words(text);
        hits.admit_whole_words(&self.rules.terms, |o| words.aligned(o.start, o.end));
        Some(words)
    }

    /// The finding of a rule that fired on `unit`, mapped back to the
    /// original text. A finding in a sentence that started on an earlier
    /// line (a hard-wrapped sentence) starts where the sentence starts.
    fn finding(
        &self,
        source: &SourceFile,
        unit: &Unit<'_>,
        read: &UnitReading,
        context: Context,
        fired: &Fired,
        matched: Vec<String>,
    ) -> Finding {
        // The finding belongs to the sentence of its last piece of
        // evidence; when that sentence began on an earlier line, it is
        // reported from there.
        let text = unit.text.as_str();
        let last = text[..fired.span.end]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i);
        let sentence = sentence_start(text, last);
        let start = fired.span.start.max(sentence);
        let mut span = unit.text.original_range(start..fired.span.end);
        let sentence = unit.text.original_offset(sentence);
        if source.line_of(sentence) < source.line_of(span.start) {
            span.start = sentence;
        }
        self.unit_finding(source, span, fired.rule, read, context, matched)
    }

    /// The finding of fact rule `rule` on `unit`: the whole unit, as the
    /// fact is about the entry, not about some words in it.
    fn fact_finding(
        &self,
        source: &SourceFile,
        unit: &Unit<'_>,
        read: &UnitReading,
        context: Context,
        rule: usize,
    ) -> Finding {
        let text = unit.text.as_str();
        let start = text.len() - text.trim_start().len();
        let span = unit
            .text
            .original_range(start..text.trim_end().len().max(start));
        self.unit_finding(source, span, rule, read, context, Vec::new())
    }

    /// The finding of rule `rule` at `span` of the original text, in a
    /// unit read as `read`.
    fn unit_finding(
        &self,
        source: &SourceFile,
        span: std::ops::Range<usize>,
        rule: usize,
        read: &UnitReading,
        context: Context,
        matched: Vec<String>,
    ) -> Finding {
        Finding {
            rule: self.rules.rules[rule].info.clone(),
            start: source.position(span.start),
            end: source.position(span.end),
            span,
            speaker: read.role,
            addressee: read.addressee,
            matched,
            context: Some(context),
        }
    }
}

/// Whether `when` matches in `view` and none of the rule's exceptions does;
/// if so, `evidence` holds the evidence (it is cleared first either way).
fn fires(rule: &Rule, when: &Node, view: &View<'_>, evidence: &mut Vec<Occurrence>) -> bool {
    evidence.clear();
    if !eval_into(when, view, evidence) {
        return false;
    }
    // Exceptions are evaluated into the same buffer and their evidence dropped.
    let mark = evidence.len();
    let cleared = rule.unless.iter().any(|exception| {
        let hit = eval_into(exception, view, evidence);
        evidence.truncate(mark);
        hit
    });
    !cleared
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;
    use crate::rules::RuleSetBuilder;

    /// A checker over one rule whose `when` (and optional extra keys) are given.
    fn checker_with(rule_body: &str) -> Checker {
        let text = format!(
            r#"
[[rule]]
id = "TEST-1"
category = "threat"
severity = "error"
title = "t"
message = "m"
basis = "b"
suggestion = "s"
{rule_body}
examples.match = ["x"]
examples.no_match = ["y"]
"#
        );
        let mut builder = RuleSetBuilder::without_builtin_rules();
        builder.add_pack(vec![("test.toml".to_string(), text)]);
        Checker::new(builder.build().unwrap_or_else(|e| panic!("{e}")))
    }

    fn fired_lines(checker: &Checker, text: &str) -> Vec<usize> {
        let source = SourceFile::new("t", text.to_string(), "UTF-8");
        checker
            .check(&source)
            .iter()
            .map(|f| f.start.line)
            .collect()
    }

    /// Findings as what a report shows of them.
    fn shown(checker: &Checker, text: &str) -> Vec<(String, Range<usize>, Vec<String>)> {
        let source = SourceFile::new("t", text.to_string(), "UTF-8");
        checker
            .check(&source)
            .into_iter()
            .map(|f| (f.rule.id.clone(), f.span, f.matched))
            .collect()
    }

    #[test]
    fn lines_sharing_a_skeleton_get_the_findings_they_would_get_alone() {
        let sharing = Checker::new(RuleSet::builtin());
        assert!(
            sharing.digits.is_some(),
            "the built-in rules can be analysed"
        );
        let alone = judging_alone();
        let numbers = [
            "3",
            "7",
            "10",
            "11",
            "22",
            "23",
            "50",
            "110",
            "8650",
            "13812345678",
        ];
        let mut compared = 0;
        for rule in &sharing.rules().rules {
            for example in rule.must_match.iter().chain(&rule.no_match) {
                // The example itself (its own digits rotated), and with
                // amounts, clock times, hours and counts around it.
                let rotated: String = example
                    .chars()
                    .map(|c| match c.to_digit(10) {
                        Some(d) => char::from_digit((d + 3) % 10, 10).expect("a digit"),
                        None => c,
                    })
                    .collect();
                let mut texts = vec![example.clone(), rotated];
                for n in numbers {
                    texts.push(format!("{example}，约定还款{n}元"));
                    texts.push(format!("晚上{n}点打了{n}个电话，{example}"));
                    texts.push(format!("{n}:30再给你打电话，{example}"));
                    texts.push(format!("今晚{n}点给你打电话，{example}"));
                }
                for text in &texts {
                    assert_eq!(shown(&sharing, text), shown(&alone, text), "{text}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 1000, "{compared} texts compared");
    }

    /// A checker of the built-in rules that judges every line on its own,
    /// never by its skeleton.
    fn judging_alone() -> Checker {
        Checker {
            digits: None,
            ..Checker::new(RuleSet::builtin())
        }
    }

    /// Numbers put into rule examples by the skeleton tests.
    const DIGITS: [&str; 4] = ["3", "22", "8650", "13812345678"];

    /// `example` with the number `n` in a note, a timestamped transcript,
    /// under a heading, after a label and as a time.
    fn with_number(example: &str, n: &str) -> [String; 5] {
        [
            format!("{example}，约定还款{n}元"),
            format!("[00:0{n}:1{n}] 坐席：{example}\n客户：我{n}号还\n"),
            format!("## 第{n}部分\n{example}\n"),
            format!("坐席：您好\n{n}:30再给你打电话，{example}"),
            format!("今晚{n}点给你打电话，{example}"),
        ]
    }

    /// `text` as a file.
    fn source(text: &str) -> SourceFile {
        SourceFile::new("t.txt", text.to_string(), "UTF-8")
    }

    /// What a finding says apart from the text it quotes.
    fn places(checker: &Checker, text: &str) -> Vec<(String, Range<usize>, String)> {
        checker
            .check(&source(text))
            .into_iter()
            .map(|f| {
                let context = format!("{:?} {:?} {:?}", f.start, f.speaker, f.addressee);
                (f.rule.id.clone(), f.span, context)
            })
            .collect()
    }

    #[test]
    fn texts_whose_digits_are_inert_have_the_findings_of_their_skeleton() {
        let sharing = Checker::new(RuleSet::builtin());
        let alone = judging_alone();
        let (mut inert, mut sensitive) = (0, 0);
        for rule in &sharing.rules().rules {
            for example in rule.must_match.iter().chain(&rule.no_match) {
                for n in DIGITS {
                    for text in with_number(example, n) {
                        let skeleton = skeleton(&text);
                        let is_inert =
                            |text: &str| sharing.digits_are_inert(&sharing.read(&source(text)));
                        if !is_inert(&text) || !is_inert(&skeleton) {
                            sensitive += 1;
                            continue;
                        }
                        assert_eq!(places(&alone, &text), places(&alone, &skeleton), "{text}");
                        inert += 1;
                    }
                }
            }
        }
        assert!(
            inert > 1000 && sensitive > 100,
            "{inert} inert, {sensitive} not"
        );
    }

    #[test]
    fn texts_whose_digits_never_matter_share_with_every_digit_variant() {
        let checker = Checker::new(RuleSet::builtin());
        let alone = judging_alone();
        let with_digits = |text: &str, digit: fn(u8) -> u8| {
            let bytes = text.bytes().map(|b| match b.is_ascii_digit() {
                true => digit(b),
                false => b,
            });
            String::from_utf8(bytes.collect()).expect("digits replaced by digits")
        };
        let (mut never, mut sometimes) = (0, 0);
        for rule in &checker.rules().rules {
            for example in rule.must_match.iter().chain(&rule.no_match) {
                for n in DIGITS {
                    for text in with_number(example, n) {
                        let skeleton = skeleton(&text).into_owned();
                        if !checker.digits_never_matter(&checker.read(&source(&skeleton))) {
                            sometimes += 1;
                            continue;
                        }
                        never += 1;
                        let variants = [
                            text.clone(),
                            with_digits(&text, |_| b'9'),
                            with_digits(&text, |b| b'0' + (b - b'0' + 7) % 10),
                        ];
                        for variant in variants {
                            let text = source(&variant);
                            assert!(checker.digits_are_inert(&checker.read(&text)), "{variant}");
                            assert_eq!(
                                places(&alone, &variant),
                                places(&alone, &skeleton),
                                "{variant}"
                            );
                        }
                    }
                }
            }
        }
        assert!(
            never > 500 && sometimes > 100,
            "{never} never, {sometimes} not"
        );
    }

    #[test]
    fn a_digit_in_a_speaker_label_or_a_rule_keeps_a_text_to_itself() {
        let inert =
            |checker: &Checker, text: &str| checker.digits_are_inert(&checker.read(&source(text)));
        let checker = Checker::new(RuleSet::builtin());
        assert!(inert(&checker, "坐席：还款100元"));
        assert!(!inert(&checker, "没有数字"));
        let mut rules = RuleSet::builtin();
        rules.labels.agent.push("坐席9号".to_string());
        let checker = Checker::new(rules);
        assert!(!inert(&checker, "坐席9号：还款100元"));
        let checker = checker_with(r#"when = { terms = ["23点"] }"#);
        assert!(inert(&checker, "13点\n还款100元"));
        assert!(!inert(&checker, "13点\n23点"));
        // A text can be inert and its skeleton not: sharing needs both.
        let checker = checker_with(r#"when = { terms = ["00点"] }"#);
        assert!(inert(&checker, "13点"));
        assert!(!inert(&checker, "00点"));
    }

    #[test]
    fn digit_values_a_rule_looks_at_are_never_shared_away() {
        let checker = checker_with(r#"when = { regex = "[1-9]\\d个电话" }"#);
        assert!(checker.digits.is_some());
        let text = "打了05个电话\n打了50个电话\n打了00个电话\n";
        assert_eq!(fired_lines(&checker, text), vec![2]);
        let checker = checker_with(r#"when = { terms = ["23点"] }"#);
        assert_eq!(fired_lines(&checker, "13点\n23点\n"), vec![2]);
    }

    #[test]
    fn ordered_near_requires_the_given_order() {
        let checker = checker_with(r#"when = { near = [["小心"], ["家人"]], within = 3 }"#);
        assert_eq!(fired_lines(&checker, "小心你的家人\n家人要小心\n"), vec![1]);
    }

    #[test]
    fn unordered_near_accepts_either_order() {
        let checker =
            checker_with(r#"when = { near = [["小心"], ["家人"]], within = 3, ordered = false }"#);
        assert_eq!(
            fired_lines(&checker, "小心你的家人\n家人要小心\n"),
            vec![1, 2]
        );
    }

    #[test]
    fn near_stays_within_one_sentence_and_the_word_limit() {
        let checker = checker_with(r#"when = { near = [["小心"], ["家人"]], within = 2 }"#);
        let text = "小心。家人\n小心点吧我跟你说清楚这件事关系到你的家人\n";
        assert!(fired_lines(&checker, text).is_empty());
    }

    #[test]
    fn negators_just_before_a_term_cancel_it() {
        let checker = checker_with(r#"when = { terms = ["联系您的家人"], negated_by = ["不会"] }"#);
        assert_eq!(
            fired_lines(&checker, "我们不会联系您的家人\n我们会联系您的家人\n"),
            vec![2]
        );
    }

    #[test]
    fn unless_clears_the_whole_line() {
        let checker =
            checker_with("when = { terms = [\"法院\"] }\nunless = [{ terms = [\"冒充\"] }]");
        assert_eq!(
            fired_lines(&checker, "冒充法院的电话\n我是法院的\n"),
            vec![2]
        );
    }

    #[test]
    fn not_and_regex_compose() {
        let checker = checker_with(
            r#"when = { all = [{ regex = "\\d+天" }, { not = { terms = ["罚息"] } }] }"#,
        );
        assert_eq!(
            fired_lines(&checker, "逾期3天\n逾期3天会产生罚息\n"),
            vec![1]
        );
    }

    #[test]
    fn customer_lines_are_not_judged() {
        let checker = checker_with(r#"when = { terms = ["法院"] }"#);
        let text = "坐席：您好\n客户：我要去法院告你\n你们等着\n坐席：我是法院的\n";
        assert_eq!(fired_lines(&checker, text), vec![4]);
    }

    #[test]
    fn third_party_rules_wait_for_a_third_party() {
        let checker = checker_with("addressee = \"third_party\"\nwhen = { terms = [\"逾期\"] }");
        let text = "坐席：您的账单逾期了\n联系人：我是他同事\n坐席：他的账单逾期了\n客户：我是本人\n坐席：您的账单逾期了\n";
        assert_eq!(fired_lines(&checker, text), vec![3]);
    }

    #[test]
    fn a_repeated_line_is_judged_by_who_says_it_and_to_whom() {
        let checker = checker_with("addressee = \"third_party\"\nwhen = { terms = [\"逾期\"] }");
        let text = "坐席：您的账单逾期了\n联系人：我是他同事\n坐席：您的账单逾期了\n客户：您的账单逾期了\n";
        assert_eq!(fired_lines(&checker, text), vec![3]);
        let checker = checker_with(r#"when = { terms = ["法院"] }"#);
        let text = "客户：我是法院的\n坐席：我是法院的\n客户：我是法院的\n";
        assert_eq!(fired_lines(&checker, text), vec![2]);
    }

    #[test]
    fn third_party_sections_of_a_script_count_as_third_party() {
        let checker = checker_with("addressee = \"third_party\"\nwhen = { terms = [\"逾期\"] }");
        let text = "## 本人话术\n您的账单逾期了\n## 第三方联系话术\n他的账单逾期了\n";
        assert_eq!(fired_lines(&checker, text), vec![4]);
    }

    #[test]
    fn evasions_match_the_plain_term() {
        let checker = checker_with(r#"when = { terms = ["法院", "傻逼"] }"#);
        let text = "法 院\nfa院\n法-院\n檢察院與法院\n\u{200b}傻\u{200b}逼\nshabi\n";
        assert_eq!(fired_lines(&checker, text), vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn latin_spellings_do_not_fire_inside_words() {
        let checker = checker_with(r#"when = { terms = ["傻逼"] }"#);
        // "shabi" is a generated spelling; inside "shabiz" it is not one.
        assert!(fired_lines(&checker, "shabiz\n").is_empty());
        // Nor is a Latin term part of an identifier.
        let checker = checker_with(r#"when = { terms = ["nt"] }"#);
        let text = "录音编号 NT-20240611\nwxid_nt3\n你个nt\n";
        assert_eq!(fired_lines(&checker, text), vec![3]);
    }

    #[test]
    fn finding_spans_cover_the_original_text() {
        let checker = checker_with(r#"when = { near = [["小心"], ["家人"]], within = 3 }"#);
        let source = SourceFile::new("t", "坐席：小 心你家人！\n".to_string(), "UTF-8");
        let finding = checker.check(&source).pop().expect("fires");
        assert_eq!(&source.text[finding.span.clone()], "小 心你家人");
        assert_eq!(finding.start.column, 4);
        assert_eq!(
            finding.matched,
            vec!["小心".to_string(), "家人".to_string()]
        );
    }

    #[test]
    fn missing_rules_fire_once_on_templates_that_never_say_it() {
        let checker = checker_with("missing = { terms = [\"工号\"] }\nmin_lines = 3");
        let without = "## 开场\n您好，我是云海银行的专员。\n请问是王先生吗？\n您的账单已逾期。\n";
        assert_eq!(fired_lines(&checker, without), vec![2]);
        let with =
            "## 开场\n您好，我是云海银行的专员，工号 1024。\n请问是王先生吗？\n您的账单已逾期。\n";
        assert!(fired_lines(&checker, with).is_empty());
        let short = "您好。\n再见。\n";
        assert!(
            fired_lines(&checker, short).is_empty(),
            "fragments are not templates"
        );
        let transcript = "坐席：您好\n客户：你好\n坐席：请还款\n坐席：再见\n";
        assert!(
            fired_lines(&checker, transcript).is_empty(),
            "only script templates"
        );
    }

    #[test]
    fn whole_word_terms_do_not_fire_inside_longer_words() {
        let checker = checker_with(r#"when = { terms = ["<欠>"] }"#);
        assert_eq!(fired_lines(&checker, "服务欠佳\n他欠了我们两万\n"), vec![2]);
    }

    #[test]
    fn sentence_scope_keeps_all_parts_in_one_sentence() {
        let body = "scope = \"sentence\"\nwhen = { all = [{ terms = [\"孩子\"] }, { terms = [\"学校\"] }] }";
        let checker = checker_with(body);
        assert_eq!(
            fired_lines(&checker, "孩子很好。学校很远\n孩子在哪个学校\n"),
            vec![2]
        );
    }

    #[test]
    fn clause_scope_stops_at_commas() {
        let body =
            "scope = \"clause\"\nwhen = { all = [{ terms = [\"我是\"] }, { terms = [\"法院\"] }] }";
        let checker = checker_with(body);
        assert_eq!(
            fired_lines(&checker, "我是银行的，法院那边会判\n我是法院的\n"),
            vec![2]
        );
    }

    #[test]
    fn a_negator_before_any_part_of_a_near_match_cancels_it() {
        let body =
            r#"when = { near = [["晚上十点"], ["外呼"]], within = 4, negated_by = ["不会"] }"#;
        let checker = checker_with(body);
        assert_eq!(
            fired_lines(&checker, "晚上十点以后不会外呼\n晚上十点以后外呼\n"),
            vec![2]
        );
    }
}
