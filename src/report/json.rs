//! JSON and JSON Lines output: the machine-readable contract, version 1.
//!
//! # `--format json`
//!
//! One object, followed by a newline:
//!
//! ```json
//! {
//!   "version": 1,
//!   "findings": [
//!     {
//!       "path": "examples/通话转写.txt",
//!       "line": 12, "column": 8, "end_line": 12, "end_column": 18,
//!       "rule": "HG-T001",
//!       "title": "威胁家人安全",
//!       "category": "threat",
//!       "severity": "error",
//!       "message": "…",
//!       "basis": "…",
//!       "excerpt": "[00:01:10] 坐席：小心你家里人出点什么事",
//!       "speaker": "agent",
//!       "suggestion": "…",
//!       "context": {
//!         "genre": "transcript", "section": "prescribed", "frame": "performed",
//!         "actor": "agent", "addressee": "debtor"
//!       },
//!       "matched": ["家里人", "出点什么事"]
//!     }
//!   ],
//!   "summary": {
//!     "files": 4, "lines": 120, "findings": 3,
//!     "by_category": {
//!       "threat": 1, "insult": 0, "impersonation": 0,
//!       "third_party_disclosure": 2, "false_claim": 0, "harassment": 0
//!     }
//!   },
//!   "errors": [{ "path": "broken.txt", "message": "…" }]
//! }
//! ```
//!
//! - `line`/`column` are where the span starts, `end_line`/`end_column` where
//!   it ends (exclusive); lines and columns are 1-based and columns count
//!   Unicode scalar values, not bytes or display cells.
//! - `rule` is the rule id; `title`, `message`, `basis` and `suggestion` are
//!   the rule's texts. `category` is one of `threat`, `insult`,
//!   `impersonation`, `third_party_disclosure`, `false_claim`, `harassment`;
//!   `severity` one of `info`, `warning`, `error`; `speaker` one of `agent`,
//!   `customer`, `unknown`.
//! - `excerpt` is the text of line `line`, trimmed; a line longer than 200
//!   characters is cut to a window of about 200 characters around the span,
//!   with `…` marking each cut end (never inside a character).
//! - `context` says how the document was read where the finding stands:
//!   `genre` (`transcript`, `asr_transcript`, `chat_log`, `call_log`,
//!   `script`, `training`, `report`), `section` (`prescribed`,
//!   `forbidden_examples`, `third_party`), `frame` (`prescribed`: words or
//!   conduct the text tells agents to use; `performed`: said or done by an
//!   agent; `callee`), `actor` (as `speaker`) and `addressee` (`debtor`,
//!   `third_party`, `unknown`). It is absent on findings about the project
//!   itself (configuration, suppression comments).
//! - `matched` (the normalized terms that made the rule fire) and `addressee`
//!   (`debtor`, `third_party` or `unknown`, as inferred) are present only
//!   with `--explain`.
//! - `summary.by_category` always has all six categories, zero or not.
//! - `summary.rules_hash` (the rule-set hash) and `summary.baseline_suppressed`
//!   (findings left out by `--baseline`) are present only when the caller
//!   passes them in [`ReportOptions`]. A finding's own `rules_hash` is
//!   present only when its file was checked with another rule set
//!   ([`FileReport::rules_hash`]), as when inputs have different
//!   configuration files.
//! - `errors` lists inputs that could not be checked; it is present, and
//!   empty, when there are none.
//!
//! Fields may be added in version 1; none will be removed or change meaning
//! without a new `version`.
//!
//! # `--format jsonl`
//!
//! One finding object per line, exactly as in `findings` above, and nothing
//! else: no summary and no errors (the CLI reports those on standard error).

use std::borrow::Cow;
use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::{ELLIPSIS, EXCERPT_MAX_CHARS, FileReport, InputError, ReportOptions, Summary};
use crate::document::{Addressee, Frame, Genre, Role, SectionRole};
use crate::finding::{Category, Finding, Severity};
use crate::source::SourceFile;

/// The version of the JSON contract written by this module.
pub const VERSION: u32 = 1;

/// One finding as serialized in `findings` and in JSON Lines.
#[derive(Clone, Debug, Serialize)]
pub struct JsonFinding<'a> {
    /// The input's path as the user should see it.
    pub path: &'a str,
    /// 1-based line where the span starts.
    pub line: usize,
    /// 1-based character column where the span starts.
    pub column: usize,
    /// 1-based line where the span ends.
    pub end_line: usize,
    /// 1-based character column where the span ends (exclusive).
    pub end_column: usize,
    /// Rule id, e.g. `HG-T001`.
    pub rule: &'a str,
    /// The rule's short title.
    pub title: &'a str,
    /// The rule's category.
    pub category: Category,
    /// The rule's severity.
    pub severity: Severity,
    /// What is wrong.
    pub message: &'a str,
    /// Legal basis.
    pub basis: &'a str,
    /// The trimmed source line, windowed when long.
    pub excerpt: Cow<'a, str>,
    /// Who said it.
    pub speaker: Role,
    /// A compliant rewording.
    pub suggestion: &'a str,
    /// How the document was read where the finding stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<JsonContext>,
    /// The terms that made the rule fire; only with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<&'a [String]>,
    /// Who was being spoken to, as inferred; only with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addressee: Option<Addressee>,
    /// The hash of the rule set that produced it, when not the run's
    /// (`summary.rules_hash`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_hash: Option<&'a str>,
}

/// How the document was read where a finding stands.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct JsonContext {
    /// The document's genre.
    pub genre: Genre,
    /// The role of the finding's section.
    pub section: SectionRole,
    /// What the document does with the words.
    pub frame: Frame,
    /// Who says or does it.
    pub actor: Role,
    /// To whom.
    pub addressee: Addressee,
}

impl<'a> JsonFinding<'a> {
    /// The record for `finding` of `report`.
    pub fn new(report: &'a FileReport, finding: &'a Finding, explain: bool) -> JsonFinding<'a> {
        let source = &report.source;
        let rule = &*finding.rule;
        JsonFinding {
            path: &source.path,
            line: finding.start.line,
            column: finding.start.column,
            end_line: finding.end.line,
            end_column: finding.end.column,
            rule: &rule.id,
            title: &rule.title,
            category: rule.category,
            severity: rule.severity,
            message: &rule.message,
            basis: &rule.basis,
            excerpt: excerpt(source, finding),
            speaker: finding.speaker,
            suggestion: &rule.suggestion,
            context: finding.context.map(|c| JsonContext {
                genre: c.genre,
                section: c.section,
                frame: c.frame,
                actor: finding.speaker,
                addressee: finding.addressee,
            }),
            matched: explain.then_some(finding.matched.as_slice()),
            addressee: explain.then_some(finding.addressee),
            rules_hash: report.rules_hash.as_deref(),
        }
    }
}

/// The trimmed text of the finding's line, windowed around the span when
/// longer than [`EXCERPT_MAX_CHARS`].
fn excerpt<'a>(source: &'a SourceFile, finding: &Finding) -> Cow<'a, str> {
    let Some((line, span)) = super::finding_line(source, finding) else {
        return Cow::Borrowed("");
    };
    let trimmed = line.trim();
    let lead = line.len() - line.trim_start().len();
    let clamp = |offset: usize| offset.saturating_sub(lead).min(trimmed.len());
    let excerpt = super::window(
        trimmed,
        clamp(span.start)..clamp(span.end),
        EXCERPT_MAX_CHARS,
    );
    if !excerpt.cut_before && !excerpt.cut_after {
        return Cow::Borrowed(excerpt.text);
    }
    let mut text = String::with_capacity(excerpt.text.len() + 2 * ELLIPSIS.len());
    if excerpt.cut_before {
        text.push_str(ELLIPSIS);
    }
    text.push_str(excerpt.text);
    if excerpt.cut_after {
        text.push_str(ELLIPSIS);
    }
    Cow::Owned(text)
}

/// All findings of all reports, serialized as a sequence without first
/// collecting them.
struct Findings<'a> {
    reports: &'a [FileReport],
    explain: bool,
}

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(records(self.reports, self.explain))
    }
}

fn records(reports: &[FileReport], explain: bool) -> impl Iterator<Item = JsonFinding<'_>> {
    reports.iter().flat_map(move |report| {
        report
            .findings
            .iter()
            .map(move |finding| JsonFinding::new(report, finding, explain))
    })
}

/// The `--format json` document.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Findings<'a>,
    summary: Summary,
    errors: &'a [InputError],
}

/// Writes the `--format json` document and a newline.
pub fn write_json(
    out: &mut dyn Write,
    reports: &[FileReport],
    errors: &[InputError],
    options: &ReportOptions,
) -> io::Result<()> {
    let document = Document {
        version: VERSION,
        findings: Findings {
            reports,
            explain: options.explain,
        },
        summary: Summary {
            rules_hash: options.rules_hash.clone(),
            baseline_suppressed: options.baseline_suppressed,
            ..Summary::of(reports)
        },
        errors,
    };
    serde_json::to_writer(&mut *out, &document)?;
    out.write_all(b"\n")
}

/// Writes one finding object per line (`--format jsonl`).
pub fn write_jsonl(
    out: &mut dyn Write,
    reports: &[FileReport],
    options: &ReportOptions,
) -> io::Result<()> {
    for record in records(reports, options.explain) {
        serde_json::to_writer(&mut *out, &record)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Mirror structs with unknown fields denied pin the contract: adding a
    //! field to the output without adding it here makes these tests fail.

    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;
    use crate::finding::Context;
    use crate::report::test_support::{report, rule};
    use crate::report::{Format, write_report};

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct MirrorDocument {
        version: u32,
        findings: Vec<MirrorFinding>,
        summary: MirrorSummary,
        errors: Vec<MirrorError>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct MirrorFinding {
        path: String,
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
        rule: String,
        title: String,
        category: String,
        severity: String,
        message: String,
        basis: String,
        excerpt: String,
        speaker: String,
        suggestion: String,
        context: Option<MirrorContext>,
        matched: Option<Vec<String>>,
        addressee: Option<String>,
        rules_hash: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct MirrorContext {
        genre: String,
        section: String,
        frame: String,
        actor: String,
        addressee: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct MirrorSummary {
        files: usize,
        lines: usize,
        findings: usize,
        by_category: BTreeMap<String, usize>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct MirrorError {
        path: String,
        message: String,
    }

    fn render(
        format: Format,
        reports: &[FileReport],
        errors: &[InputError],
        explain: bool,
    ) -> String {
        let mut out = Vec::new();
        let options = ReportOptions {
            explain,
            ..ReportOptions::default()
        };
        write_report(&mut out, format, reports, errors, &options).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn sample() -> Vec<FileReport> {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let disclosure = rule("HG-D001", Category::ThirdPartyDisclosure, Severity::Warning);
        vec![
            report(
                "a.txt",
                "开场白\n  [00:01:10] 坐席：小心你家里人出点什么事  \n",
                &[("小心你家里人", &threat)],
            ),
            report(
                "b.txt",
                "坐席：告诉你同事他欠钱不还\n",
                &[("告诉你同事", &disclosure)],
            ),
        ]
    }

    #[test]
    fn findings_say_how_their_document_was_read() {
        let mut reports = sample();
        reports[0].findings[0].context = Some(Context {
            genre: Genre::Transcript,
            frame: Frame::Performed,
            section: SectionRole::Prescribed,
        });
        reports[0].findings[0].addressee = Addressee::Debtor;
        let text = render(Format::Json, &reports, &[], false);
        let doc: MirrorDocument = serde_json::from_str(&text).unwrap();
        let context = doc.findings[0].context.as_ref().expect("context");
        assert_eq!(
            (
                context.genre.as_str(),
                context.section.as_str(),
                context.frame.as_str(),
                context.actor.as_str(),
                context.addressee.as_str()
            ),
            ("transcript", "prescribed", "performed", "agent", "debtor")
        );
        assert!(doc.findings[1].context.is_none(), "no context, no object");
    }

    #[test]
    fn json_document_matches_the_contract() {
        let errors = vec![InputError {
            path: "bad.txt".into(),
            message: "无法解码".into(),
        }];
        let text = render(Format::Json, &sample(), &errors, false);
        assert!(text.ends_with("}\n"));
        assert_eq!(text.lines().count(), 1);
        let doc: MirrorDocument = serde_json::from_str(&text).unwrap();
        assert_eq!(doc.version, 1);
        assert_eq!(doc.findings.len(), 2);

        let f = &doc.findings[0];
        assert_eq!(f.path, "a.txt");
        assert_eq!((f.line, f.column), (2, 17));
        assert_eq!((f.end_line, f.end_column), (2, 23));
        assert_eq!(f.rule, "HG-T001");
        assert_eq!(f.title, "HG-T001 标题");
        assert_eq!(f.category, "threat");
        assert_eq!(f.severity, "error");
        assert_eq!(f.message, "HG-T001 说明");
        assert_eq!(f.basis, "HG-T001 依据");
        assert_eq!(f.suggestion, "HG-T001 建议");
        assert_eq!(f.speaker, "agent");
        assert_eq!(f.excerpt, "[00:01:10] 坐席：小心你家里人出点什么事");
        assert_eq!(f.matched, None);
        assert_eq!(doc.findings[1].category, "third_party_disclosure");
        assert_eq!(doc.findings[1].severity, "warning");

        assert_eq!(doc.summary.files, 2);
        assert_eq!(doc.summary.lines, 3);
        assert_eq!(doc.summary.findings, 2);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].path, "bad.txt");
        assert_eq!(doc.errors[0].message, "无法解码");
    }

    #[test]
    fn by_category_has_all_six_keys() {
        let text = render(Format::Json, &sample(), &[], false);
        let doc: MirrorDocument = serde_json::from_str(&text).unwrap();
        let expected: BTreeMap<String, usize> = [
            ("threat", 1),
            ("insult", 0),
            ("impersonation", 0),
            ("third_party_disclosure", 1),
            ("false_claim", 0),
            ("harassment", 0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(doc.summary.by_category, expected);
    }

    #[test]
    fn errors_and_findings_arrays_present_when_empty() {
        let text = render(Format::Json, &[], &[], false);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["errors"], serde_json::json!([]));
        assert_eq!(value["findings"], serde_json::json!([]));
        assert_eq!(
            value["summary"]["by_category"].as_object().unwrap().len(),
            6
        );
        let _: MirrorDocument = serde_json::from_str(&text).unwrap();
    }

    #[test]
    fn explain_adds_matched_and_addressee() {
        let text = render(Format::Json, &sample(), &[], true);
        let doc: MirrorDocument = serde_json::from_str(&text).unwrap();
        assert_eq!(
            doc.findings[0].matched.as_deref(),
            Some(&["小心你家里人".to_string()][..])
        );
        assert_eq!(doc.findings[0].addressee.as_deref(), Some("unknown"));
        let plain: MirrorDocument =
            serde_json::from_str(&render(Format::Json, &sample(), &[], false)).unwrap();
        assert_eq!(plain.findings[0].addressee, None);
    }

    #[test]
    fn jsonl_is_one_finding_object_per_line() {
        let text = render(Format::Jsonl, &sample(), &[], false);
        assert!(text.ends_with('\n'));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        for line in &lines {
            let _: MirrorFinding = serde_json::from_str(line).unwrap();
        }
        let second: MirrorFinding = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(second.path, "b.txt");
        assert_eq!(second.rule, "HG-D001");
    }

    #[test]
    fn a_file_checked_with_other_rules_gives_their_hash_per_finding() {
        let mut reports = sample();
        reports[1].rules_hash = Some("00000000000000b2".into());
        let doc: MirrorDocument =
            serde_json::from_str(&render(Format::Json, &reports, &[], false)).unwrap();
        assert_eq!(doc.findings[0].rules_hash, None);
        assert_eq!(
            doc.findings[1].rules_hash.as_deref(),
            Some("00000000000000b2")
        );
    }

    #[test]
    fn jsonl_with_no_findings_prints_nothing() {
        assert_eq!(render(Format::Jsonl, &[], &[], false), "");
    }

    #[test]
    fn long_line_excerpt_is_windowed_with_ellipses() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let text = format!(
            "{}小心你家里人{}\n",
            "啊".repeat(25_000),
            "哦".repeat(25_000)
        );
        let reports = vec![report("long.txt", &text, &[("小心你家里人", &threat)])];
        let out = render(Format::Json, &reports, &[], false);
        let doc: MirrorDocument = serde_json::from_str(&out).unwrap();
        let excerpt = &doc.findings[0].excerpt;
        assert!(
            excerpt.starts_with('…') && excerpt.ends_with('…'),
            "{excerpt}"
        );
        assert!(excerpt.contains("小心你家里人"));
        assert!(excerpt.chars().count() <= 202);
        assert_eq!(doc.findings[0].column, 25_001);
    }

    #[test]
    fn broken_pipe_is_returned_not_panicked() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(io::ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(io::Error::from(io::ErrorKind::BrokenPipe))
            }
        }
        for format in [Format::Json, Format::Jsonl, Format::Text] {
            let err = write_report(
                &mut Broken,
                format,
                &sample(),
                &[],
                &ReportOptions::default(),
            )
            .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe, "{format:?}");
        }
    }
}
