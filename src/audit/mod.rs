//! The nightly audit of call notes (`hegui audit`).
//!
//! Call notes arrive as CSV/TSV with a header, as JSON Lines, or as folders
//! of transcript files. Each record is checked by the text rules (the same
//! [`Checker`] as `hegui check`) and by metadata rules whose thresholds and
//! legal bases are data in `rules/audit.toml`: quiet hours, connected calls
//! per debtor and day, unanswered attempts per number and day, and debt
//! details told to a contact who is not the debtor.
//!
//! The pipeline, per input:
//!
//! ```text
//! reader thread: bytes ─ split (strict CSV / lines) ─▶ chunks of raw records
//! rayon workers: raw record ─ decode, validate ─ text rules, quiet hours,
//!                contact disclosure ─▶ outcome          (order kept by collect)
//! this thread:   outcomes in input order ─ frequency rules ─ JSONL, summary
//!                (while the workers check the next chunk)
//! ```
//!
//! Memory is bounded by the chunk size (at most
//! [`AuditOptions::chunk_records`] records or [`CHUNK_BYTES`]; one chunk
//! being filled, one queued, one being checked, one checked and queued, one
//! being written), the text memo (see [`memo`](crate::memo)), the frequency counters
//! (see [`frequency`]) and the summary (see [`summary`]), whatever the input
//! size. Nothing is lost: every record read is counted as checked, skipped
//! or failed, and every failed record is handed to the [`Observer`] with its
//! file and row.

pub mod check;
pub mod columns;
pub mod config;
pub mod frequency;
pub mod html;
pub mod output;
pub mod reader;
pub mod record;
pub mod redact;
pub mod split;
pub mod summary;

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::mpsc::sync_channel;

use encoding_rs::Encoding;
use rayon::prelude::*;

use self::check::{Checked, Outcome, RecordChecker};
use self::columns::{ColumnNames, Field};
use self::config::{AuditConfig, MetaRules, Profile, fill};
use self::frequency::{DayCounter, key_of, phone_digits};
use self::output::FindingLine;
use self::reader::{AuditInput, Opened, RawRecord, open};
use self::record::{FieldDecoder, RecordError};
use self::summary::Summary;
use crate::engine::Checker;
use crate::memo::TextMemo;
use crate::rules::{RuleSet, RuleSetBuilder};

/// Most bytes of raw records in one chunk.
pub const CHUNK_BYTES: usize = 2 << 20;

/// Bytes of note texts (and their verdicts) an audit remembers: enough for
/// a day's distinct notes of a large call centre.
const NOTE_MEMO_BUDGET: usize = 48 << 20;

/// How to run an audit.
#[derive(Clone, Debug)]
pub struct AuditOptions {
    /// Quiet hours and limits.
    pub profile: Profile,
    /// Column names of each field.
    pub names: ColumnNames,
    /// Forced encoding of table fields and transcripts (`None`: UTF-8 for
    /// tables, detection for transcripts).
    pub encoding: Option<&'static Encoding>,
    /// Mask personal numbers in excerpts and messages.
    pub redact: bool,
    /// Most records per chunk checked in parallel.
    pub chunk_records: usize,
    /// Findings kept for the HTML report's review sample.
    pub sample: usize,
}

/// Receives progress and problems while an audit runs (the CLI draws a
/// progress bar and prints errors; the library never prints).
pub trait Observer {
    /// `bytes` more input bytes have been processed.
    fn progress(&mut self, bytes: u64);
    /// A record failed; it is counted and the audit goes on.
    fn record_failed(&mut self, error: &RecordError);
    /// A whole input could not be read; the audit goes on with the next.
    fn input_failed(&mut self, path: &str, message: &str);
}

/// A configured audit; build once, run over any inputs.
pub struct Auditor {
    checker: Checker,
    detector: Checker,
    config: AuditConfig,
    rules: MetaRules,
    options: AuditOptions,
}

/// Raw records handed from the reader thread, with the bytes they took.
struct Chunk {
    records: Vec<RawRecord>,
    consumed: u64,
}

/// The outcomes of a chunk's records, in input order.
struct CheckedChunk {
    outcomes: Vec<(Arc<str>, u64, Outcome)>,
    /// Bytes of input the chunk covered.
    consumed: u64,
}

/// The frequency counters of a run.
#[derive(Default)]
struct Counters {
    connected: DayCounter,
    unanswered: DayCounter,
}

impl Auditor {
    /// An auditor checking text with `checker` and metadata with `config`.
    pub fn new(
        checker: Checker,
        config: AuditConfig,
        options: AuditOptions,
    ) -> Result<Auditor, String> {
        let detector = RuleSetBuilder::without_builtin_rules()
            .add_pack(vec![(
                "rules/audit.toml [disclosure]".to_string(),
                config.disclosure.detector.clone(),
            )])
            .build()
            .map_err(|e| format!("debt-mention detector: {e}"))?;
        let rules = config.meta_rules(Some(&options.profile.name))?;
        Ok(Auditor {
            checker,
            detector: Checker::new(detector),
            config,
            rules,
            options,
        })
    }

    /// Audits `inputs` in order, writing findings as JSON Lines to `out`.
    ///
    /// Problems with inputs and records never stop the run; they are in the
    /// summary and given to `observer`. Only a failed write to `out` is an
    /// error.
    pub fn run(
        &self,
        inputs: &[AuditInput],
        out: &mut dyn Write,
        observer: &mut dyn Observer,
    ) -> io::Result<Summary> {
        let options = &self.options;
        let mut summary = Summary::new(
            &options.profile,
            &self.rules,
            options.redact,
            options.sample,
        );
        let mut counters = Counters::default();
        let names = Arc::new(options.names.clone());
        let decoder = FieldDecoder {
            encoding: options.encoding,
            utc_offset: options.profile.utc_offset,
        };
        let checker = RecordChecker {
            checker: &self.checker,
            detector: &self.detector,
            config: &self.config,
            rules: &self.rules,
            profile: &options.profile,
            redact: options.redact,
            memo: &TextMemo::with_budget(NOTE_MEMO_BUDGET),
        };
        for input in inputs {
            let file = summary.begin_file(&input.path, input.kind.name());
            let Opened {
                mut stream,
                shape,
                missing,
            } = match open(input, &names, &decoder) {
                Ok(opened) => opened,
                Err(message) => {
                    observer.input_failed(&input.path, &message);
                    summary.file_error(file, message);
                    continue;
                }
            };
            summary.missing_columns(file, missing);
            let chunk_records = options.chunk_records.max(1);
            let (read_result, consumed) = std::thread::scope(|scope| {
                let (tx, rx) = sync_channel::<Chunk>(1);
                let reader = scope.spawn(move || -> io::Result<()> {
                    let mut last = 0;
                    loop {
                        let mut records = Vec::with_capacity(chunk_records);
                        let mut weight = 0;
                        let mut result = Ok(false);
                        while records.len() < chunk_records && weight < CHUNK_BYTES {
                            match stream.next_record() {
                                Ok(Some(record)) => {
                                    weight += record.body.weight();
                                    records.push(record);
                                }
                                Ok(None) => {
                                    result = Ok(true);
                                    break;
                                }
                                Err(e) => {
                                    result = Err(e);
                                    break;
                                }
                            }
                        }
                        let now = stream.consumed();
                        let chunk = Chunk {
                            records,
                            consumed: now - last,
                        };
                        last = now;
                        if tx.send(chunk).is_err() {
                            return Ok(());
                        }
                        if result? {
                            return Ok(());
                        }
                    }
                });
                // The records of a chunk are checked in parallel while the
                // outcomes of the previous chunk are written here, in order.
                let (checked_tx, checked_rx) = sync_channel::<CheckedChunk>(1);
                let (checker, shape, decoder) = (&checker, &shape, &decoder);
                scope.spawn(move || {
                    for chunk in rx {
                        let outcomes = chunk
                            .records
                            .into_par_iter()
                            .map(|RawRecord { path, row, body }| {
                                let outcome = checker.check(&path, row, body, shape, decoder);
                                (path, row, outcome)
                            })
                            .collect();
                        let batch = CheckedChunk {
                            outcomes,
                            consumed: chunk.consumed,
                        };
                        if checked_tx.send(batch).is_err() {
                            return;
                        }
                    }
                });
                let mut consumed = 0;
                for chunk in checked_rx {
                    for (path, row, outcome) in chunk.outcomes {
                        match outcome {
                            Outcome::Skipped => summary.skipped(file),
                            Outcome::Failed(error) => {
                                observer.record_failed(&error);
                                summary.failed(file, &error);
                            }
                            Outcome::Checked(mut checked) => {
                                self.frequency(&mut counters, &mut checked, checker, &mut summary);
                                for finding in checked.findings() {
                                    FindingLine::new(&path, row, &checked.record, finding)
                                        .write(out)?;
                                }
                                summary.checked(file, row, &checked.record, checked.findings());
                            }
                        }
                    }
                    consumed += chunk.consumed;
                    observer.progress(chunk.consumed);
                }
                let joined = reader
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("reader thread panicked")));
                Ok::<_, io::Error>((joined, consumed))
            })?;
            summary.bytes(file, consumed);
            if let Err(e) = read_result {
                let message = format!("read error after {consumed} bytes: {e}");
                observer.input_failed(&input.path, &message);
                summary.file_error(file, message);
            }
        }
        summary.finish();
        Ok(summary)
    }

    /// Applies the frequency rules to a checked record, in input order.
    fn frequency(
        &self,
        counters: &mut Counters,
        checked: &mut Checked,
        checker: &RecordChecker<'_>,
        summary: &mut Summary,
    ) {
        let record = &checked.record;
        let Some(time) = record.time else {
            return;
        };
        let profile = &self.options.profile;
        let (count, limit, rule, phone) = match record.connected {
            Some(true) => {
                let debtor = record.get(Field::Debtor).trim();
                if debtor.is_empty() || self.config.is_third_party(record.get(Field::Relation)) {
                    return;
                }
                let count = counters.connected.bump(time.day, key_of(debtor));
                (
                    count,
                    profile.max_connected,
                    &self.rules.connected_calls,
                    "",
                )
            }
            Some(false) => {
                let digits = phone_digits(record.get(Field::Phone));
                if digits.is_empty() {
                    return;
                }
                let count = counters.unanswered.bump(time.day, key_of(&digits));
                let phone = record.get(Field::Phone).trim();
                (
                    count,
                    profile.max_unanswered,
                    &self.rules.unanswered_attempts,
                    phone,
                )
            }
            None => return,
        };
        match count {
            None => summary.out_of_window(),
            Some(count) if count == limit.saturating_add(1) => {
                let message = fill(
                    &rule.message,
                    &[
                        ("count", &count.to_string()),
                        ("limit", &limit.to_string()),
                        ("phone", phone),
                    ],
                );
                let finding = checker.head_finding(record.get(Field::Text), rule, message);
                checked.metadata.push(finding);
            }
            Some(_) => {}
        }
    }

    /// The text rules in use.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }
}

/// Every literal the text rules search for (terms and their listed variant
/// spellings), sorted and unique: the term list of the `rg -F -f` reference
/// in the benchmark.
pub fn literal_terms(rules: &RuleSet) -> Vec<String> {
    let mut terms: Vec<String> = rules
        .terms
        .terms()
        .iter()
        .cloned()
        .chain(rules.variants.iter().map(|(spelling, _)| spelling.clone()))
        .filter(|t| !t.is_empty())
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::run_examples;

    #[test]
    fn the_debt_mention_detector_passes_its_examples() {
        let config = AuditConfig::builtin();
        let mut builder = RuleSetBuilder::without_builtin_rules();
        builder.add_pack(vec![("audit.toml".to_string(), config.disclosure.detector)]);
        let report = run_examples(&Checker::new(builder.build().expect("detector builds")));
        assert!(report.failures.is_empty(), "{:?}", report.failures);
        assert_eq!(report.passed, 4);
    }

    #[test]
    fn literal_terms_are_sorted_unique_and_include_variants() {
        let rules = RuleSet::builtin();
        let terms = literal_terms(&rules);
        assert!(terms.windows(2).all(|w| w[0] < w[1]));
        assert!(terms.len() >= rules.terms.terms().len());
    }
}
