//! The nightly audit of call notes (`hegui audit`).
//!
//! Call notes arrive as CSV/TSV with a header, as JSON Lines, or as folders
//! of transcript files. Each record is checked by the text rules (the same
//! [`Checker`] as `hegui check`) and by metadata rules whose thresholds and
//! legal bases are data in `rules/audit.toml`: quiet hours, connected calls
//! per debtor and day, unanswered attempts per number and day, and debt
//! details told to a contact who is not the debtor.
//!
//! The pipeline, per input, on rayon's worker threads:
//!
//! ```text
//! each worker: reads the next piece in turn (a block of whole records cut
//!              at a record boundary, or a transcript file), then, while its
//!              bytes are in that worker's cache, parses the records where
//!              they lie, decodes them, and runs the text rules, quiet hours
//!              and contact disclosure ─▶ JSON lines, counts, and the calls
//!              the frequency rules count
//! in order:    whichever worker finishes the piece next in input order
//!              writes it and the finished pieces after it (see `ordered`):
//!              frequency rules ─ JSONL, summary
//! ```
//!
//! Memory is bounded by the pieces in flight (read and not yet written: at
//! most [`PIECES_IN_FLIGHT_PER_THREAD`] per worker, each a [`BLOCK_BYTES`]
//! block or one transcript), the text memo (see [`memo`](crate::memo)), the
//! frequency counters (see [`frequency`]) and the summary (see
//! [`summary`]), whatever the input size. Nothing is lost: every record
//! read is counted as checked, skipped or failed, and every failed record
//! is handed to the [`Observer`] with its file and row.

pub mod blocks;
pub mod check;
pub mod columns;
pub mod config;
pub mod frequency;
pub mod html;
mod ordered;
pub mod output;
pub mod reader;
pub mod record;
pub mod redact;
pub mod split;
pub mod summary;

use std::io::{self, Write};
use std::ops::Range;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use encoding_rs::Encoding;
use rayon::prelude::*;

use self::check::{CallKind, CheckedPiece, CountedCall, LocalMemos, Mark, RecordChecker, Written};
use self::columns::ColumnNames;
use self::config::{AuditConfig, MetaRules, Profile, fill};
use self::frequency::DayCounter;
use self::ordered::InOrder;
use self::output::{FindingLine, RuleJson};
use self::reader::{AuditInput, Opened, Piece, PieceStream, Shape, open};
use self::record::{FieldDecoder, RecordError};
use self::summary::{SampleFinding, Summary, Tally};
use crate::engine::Checker;
use crate::memo::TextMemo;
use crate::rules::{RuleSet, RuleSetBuilder};

/// Most bytes of input in one block (one worker's unit of work).
pub const BLOCK_BYTES: usize = 128 << 10;

/// Pieces read but not yet written, per worker thread.
pub const PIECES_IN_FLIGHT_PER_THREAD: usize = 4;

/// Bytes of note texts (and their verdicts) an audit remembers: enough for
/// a day's distinct notes of a large call centre.
const NOTE_MEMO_BUDGET: usize = 36 << 20;

/// Bytes of note skeletons (and their findings) an audit remembers: far
/// fewer than notes, as notes differing only in digits share one.
const NOTE_SKELETON_MEMO_BUDGET: usize = 2 << 20;

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
    /// Most records in a block checked by one worker thread.
    pub block_records: usize,
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

/// A piece of input, numbered in input order, with the
/// bytes of input it covers.
struct Numbered {
    seq: u64,
    piece: Piece,
    consumed: u64,
}

/// The pieces of one input, numbered, read by whichever worker asks for
/// the next one; reading stops at an I/O error (kept in `error`) or when
/// the writer stops handing back tokens.
struct Pieces<'a> {
    stream: &'a mut PieceStream,
    /// One is taken per piece read (see [`PIECES_IN_FLIGHT_PER_THREAD`]).
    tokens: Receiver<()>,
    block_records: usize,
    /// The next piece's number.
    seq: u64,
    /// Bytes of input consumed before the next piece.
    last: u64,
    error: Option<io::Error>,
}

impl Iterator for Pieces<'_> {
    type Item = Numbered;

    fn next(&mut self) -> Option<Numbered> {
        // No token: the writer has stopped.
        self.tokens.recv().ok()?;
        let piece = match self.stream.next_piece(BLOCK_BYTES, self.block_records) {
            Ok(piece) => piece?,
            Err(e) => {
                self.error = Some(e);
                return None;
            }
        };
        let now = self.stream.consumed();
        let numbered = Numbered {
            seq: self.seq,
            piece,
            consumed: now - self.last,
        };
        (self.seq, self.last) = (self.seq + 1, now);
        Some(numbered)
    }
}

/// The frequency counters of a run.
#[derive(Default)]
struct Counters {
    connected: DayCounter,
    unanswered: DayCounter,
}

/// What the worker writing pieces in order works with for one input.
struct Writer<'a> {
    out: &'a mut (dyn Write + Send),
    observer: &'a mut (dyn Observer + Send),
    summary: &'a mut Summary,
    counters: &'a mut Counters,
    checker: &'a RecordChecker<'a>,
    config: &'a AuditConfig,
    shape: &'a Shape,
    decoder: &'a FieldDecoder,
    /// The input's index in the summary.
    file: usize,
    /// The input's path.
    path: &'a str,
    /// Counts of the frequency findings, added to the summary at the end.
    tally: Tally,
    /// Bytes of input written.
    consumed: u64,
    /// Gives a token back for each piece written; dropped at a write
    /// error, which stops reading.
    tokens: Option<SyncSender<()>>,
    /// The first write error; nothing more is written after it.
    error: Option<io::Error>,
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
        out: &mut (dyn Write + Send),
        observer: &mut (dyn Observer + Send),
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
            skeletons: &TextMemo::with_budget(NOTE_SKELETON_MEMO_BUDGET),
            json: &self.rule_json()?,
            quiet_message: self.quiet_message(),
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
            let block_records = options.block_records.max(1);
            let path = input.path.as_str();
            // Tokens bound the pieces in flight: reading a piece takes one,
            // writing it gives it back.
            let in_flight = PIECES_IN_FLIGHT_PER_THREAD * rayon::current_num_threads();
            let (token_tx, token_rx) = sync_channel::<()>(in_flight);
            for _ in 0..in_flight {
                token_tx.send(()).map_err(io::Error::other)?;
            }
            let ordered = InOrder::new(Writer {
                out: &mut *out,
                observer: &mut *observer,
                summary: &mut summary,
                counters: &mut counters,
                checker: &checker,
                config: &self.config,
                shape: &shape,
                decoder: &decoder,
                file,
                path,
                tally: Tally::default(),
                consumed: 0,
                tokens: Some(token_tx),
                error: None,
            });
            let mut pieces = Pieces {
                stream: &mut stream,
                tokens: token_rx,
                block_records,
                seq: 0,
                last: 0,
                error: None,
            };
            // Each worker reads the next piece as soon as it is free, checks
            // it while its bytes are still in its cache, and writes it if it
            // is next in order (see `ordered`).
            let (checker, shape, decoder) = (&checker, &shape, &decoder);
            let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
                (&mut pieces)
                    .par_bridge()
                    .for_each_init(LocalMemos::default, |local, numbered| {
                        let checked =
                            checker.check_piece(&numbered.piece, path, shape, decoder, local);
                        ordered.hand_in(numbered.seq, (numbered, checked), Writer::numbered);
                    });
            }));
            run.map_err(|_| io::Error::other("a worker thread panicked"))?;
            let Writer {
                tally,
                consumed,
                error,
                ..
            } = ordered.into_writer();
            if let Some(e) = error {
                return Err(e);
            }
            summary.add(file, tally);
            summary.bytes(file, consumed);
            if let Some(e) = pieces.error {
                let message = format!("read error after {consumed} bytes: {e}");
                observer.input_failed(&input.path, &message);
                summary.file_error(file, message);
            }
        }
        summary.finish();
        Ok(summary)
    }

    /// The quiet-hours rule's message with the profile's quiet hours filled
    /// in, leaving `{time}`.
    fn quiet_message(&self) -> String {
        let quiet = self.options.profile.quiet_hours;
        fill(
            &self.rules.quiet_hours.message,
            &[
                ("start", &quiet.start.to_string()),
                ("end", &quiet.end.to_string()),
            ],
        )
    }

    /// The JSON parts of every rule the audit reports.
    fn rule_json(&self) -> io::Result<RuleJson> {
        let meta = &self.rules;
        let text_rules = [&self.checker, &self.detector]
            .into_iter()
            .flat_map(|checker| &checker.rules().rules)
            .map(|rule| &rule.info);
        RuleJson::new(text_rules.chain([
            &meta.quiet_hours,
            &meta.connected_calls,
            &meta.unanswered_attempts,
            &meta.contact_disclosure,
        ]))
    }

    /// The text rules in use.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }
}

impl Writer<'_> {
    /// Writes the next piece in order, which a worker made `checked`.
    fn numbered(&mut self, (numbered, checked): (Numbered, CheckedPiece)) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.piece(&numbered.piece, checked) {
            self.error = Some(e);
            self.tokens = None;
            return;
        }
        self.consumed += numbered.consumed;
        self.observer.progress(numbered.consumed);
        if let Some(tokens) = &self.tokens {
            // Never blocks: tokens out are at most its capacity. Fails only
            // once reading has stopped.
            let _ = tokens.send(());
        }
    }

    /// Writes what the workers made of `piece`, in order, adding the
    /// frequency rules' findings.
    fn piece(&mut self, piece: &Piece, checked: CheckedPiece) -> io::Result<()> {
        if let Some(message) = checked.error {
            return Err(io::Error::other(message));
        }
        for error in &checked.failures {
            self.observer.record_failed(error);
            self.summary.failed(self.file, error);
        }
        self.summary.add(self.file, checked.tally);
        // The piece's calls are counted first, in input order; its lines
        // then go out in one run, broken only where a call crossing a limit
        // adds its rule's finding.
        let crossing = self.count_calls(&checked.marks);
        let (mut jsonl_at, mut written_at) = (0, 0);
        for (mark, call, count) in crossing {
            let (jsonl, written) = (mark.jsonl_end, mark.written_end);
            self.offer(&checked.jsonl, &checked.written[written_at..written]);
            self.out.write_all(&checked.jsonl[jsonl_at..jsonl])?;
            let line = self.frequency_line(piece, call, count)?;
            self.out.write_all(&line)?;
            (jsonl_at, written_at) = (jsonl, written);
        }
        self.offer(&checked.jsonl, &checked.written[written_at..]);
        self.out.write_all(&checked.jsonl[jsonl_at..])
    }

    /// Offers the `written` findings, lines of `jsonl`, to the review
    /// sample.
    fn offer(&mut self, jsonl: &[u8], written: &[Written]) {
        for written in written {
            let line = &jsonl[written.line.clone()];
            self.summary
                .sample
                .offer(|| sample_of(line, written.highlight.clone()));
        }
    }

    /// Counts the calls of `marks` for their frequency rules, in order;
    /// returns the calls that cross their rule's limit, with their count.
    fn count_calls<'m>(&mut self, marks: &'m [Mark]) -> Vec<(&'m Mark, &'m CountedCall, u32)> {
        let mut crossing = Vec::new();
        for mark in marks {
            let Some(call) = &mark.call else { continue };
            let counter = match call.kind {
                CallKind::Connected => &mut self.counters.connected,
                CallKind::Unanswered => &mut self.counters.unanswered,
            };
            match counter.bump(call.day, call.key) {
                None => self.summary.out_of_window(),
                Some(count) if count == self.checker.limit(call.kind).saturating_add(1) => {
                    crossing.push((mark, call, count));
                }
                Some(_) => {}
            }
        }
        crossing
    }

    /// The finding of the frequency rule `call` of `piece` crosses as its
    /// `count`th call, as a line of `findings.jsonl`.
    fn frequency_line(
        &mut self,
        piece: &Piece,
        call: &CountedCall,
        count: u32,
    ) -> io::Result<Vec<u8>> {
        let path = piece.path(self.path);
        let mut line = Vec::new();
        let mut result = Ok(());
        let (checker, tally) = (self.checker, &mut self.tally);
        self.shape.with_record_at(
            piece,
            call.span.clone(),
            self.decoder,
            self.config,
            |record| {
                let finding = checker.frequency_finding(record, call.kind, count);
                result = FindingLine::new(path, call.row, record, &finding)
                    .write(checker.json, &mut line);
                tally.finding(&finding.rule, record);
            },
        );
        result?;
        self.summary.sample.offer(|| sample_of(&line, None));
        Ok(line)
    }
}

/// The sampled finding of a line of `findings.jsonl`.
fn sample_of(line: &[u8], highlight: Option<Range<usize>>) -> Option<SampleFinding> {
    let mut sample: SampleFinding = serde_json::from_slice(line).ok()?;
    sample.highlight = highlight;
    Some(sample)
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
