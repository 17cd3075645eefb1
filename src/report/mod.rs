//! Reporters: one module per output format, all writing to `&mut dyn Write`.
//!
//! [`write_report`] is the single entry point the CLI calls; it dispatches on
//! [`Format`] to [`text`] (human, rustc/ruff style), [`json`] (the versioned
//! machine contract, as one document or as JSON Lines), [`concise`] (one line
//! per finding) or one of the CI formats: [`sarif`] (code scanning),
//! [`github`] (GitHub Actions annotations), [`junit`] (test reports) and
//! [`rdjson`] (reviewdog). [`write_statistics`] prints the per-rule counts of
//! `--statistics`. Reporters never print on their own, never exit and never
//! panic on a failed write: an error such as a broken pipe is returned to the
//! caller.

pub mod concise;
pub mod github;
pub mod json;
pub mod junit;
pub mod rdjson;
pub mod sarif;
pub mod text;

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use crate::finding::{Category, Finding, RuleInfo};
use crate::source::SourceFile;

/// The findings of one checked input, with the source they point into.
#[derive(Debug)]
pub struct FileReport {
    /// The decoded input.
    pub source: SourceFile,
    /// Findings in source order.
    pub findings: Vec<Finding>,
    /// The hash of the rule set that checked this input, when it differs
    /// from the run's ([`ReportOptions::rules_hash`]), as when inputs are
    /// governed by different configuration files. JSON and SARIF then give
    /// it with each of the input's findings.
    pub rules_hash: Option<String>,
}

/// An input that could not be checked (unreadable, undecodable) or was
/// skipped (binary); it never stops the other inputs from being checked.
#[derive(Clone, Debug, Serialize)]
pub struct InputError {
    /// The path as given or found.
    pub path: String,
    /// What went wrong, naming the byte offset or line where known.
    pub message: String,
}

/// Totals over one run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Inputs checked.
    pub files: usize,
    /// Lines checked.
    pub lines: usize,
    /// Findings reported.
    pub findings: usize,
    /// Findings per category; every category is present, zero or not.
    pub by_category: BTreeMap<Category, usize>,
    /// The hash of the rule set that produced the findings, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_hash: Option<String>,
    /// Findings left out because a baseline recorded them (with `--baseline`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_suppressed: Option<usize>,
}

impl Summary {
    /// Totals over `reports`.
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut summary = Summary {
            by_category: Category::ALL.into_iter().map(|c| (c, 0)).collect(),
            ..Summary::default()
        };
        for report in reports {
            summary.files += 1;
            summary.lines += report.source.line_count();
            summary.findings += report.findings.len();
            for finding in &report.findings {
                *summary
                    .by_category
                    .entry(finding.rule.category)
                    .or_default() += 1;
            }
        }
        summary
    }
}

/// An output format, as chosen with `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable diagnostics with source excerpts, like rustc and ruff.
    Text,
    /// One JSON document (contract version 1): findings, summary and errors.
    Json,
    /// JSON Lines: one finding object per line, nothing else.
    Jsonl,
    /// One line per finding: `path:line:col: severity[RULE] title (category)`.
    Concise,
    /// SARIF 2.1.0, for code scanning (e.g. GitHub's `upload-sarif`).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`), one per finding.
    Github,
    /// JUnit XML: one test suite per checked file, one failure per finding.
    Junit,
    /// reviewdog's Diagnostic Format (`rdjson`), one document.
    Rdjson,
}

/// How to print, as decided by the CLI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// Use ANSI colours (text format only). The CLI sets this when standard
    /// output is a terminal and `NO_COLOR` is unset; reporters never look.
    pub color: bool,
    /// Also show the normalized terms that made each rule fire (`--explain`).
    pub explain: bool,
    /// Every loaded rule, fired or not, in load order. SARIF describes the
    /// whole catalog; a rule that fired but is missing here is added after it.
    pub rules: Vec<Arc<RuleInfo>>,
    /// The hash of the loaded rule set (JSON `summary.rules_hash`, SARIF
    /// `tool.driver.properties.rulesHash`), so a finding can be re-run; an
    /// input checked with other rules says so in [`FileReport::rules_hash`].
    pub rules_hash: Option<String>,
    /// Findings left out by `--baseline` (JSON `summary.baseline_suppressed`).
    pub baseline_suppressed: Option<usize>,
}

/// Writes `reports` and `errors` to `out` in `format`.
///
/// Output is buffered here and flushed before returning, so callers may pass
/// an unbuffered handle. A failed write (for example a closed pipe) is
/// returned, never panicked on.
pub fn write_report(
    out: &mut dyn Write,
    format: Format,
    reports: &[FileReport],
    errors: &[InputError],
    options: &ReportOptions,
) -> io::Result<()> {
    let mut buffered = BufWriter::new(out);
    match format {
        Format::Text => text::write(&mut buffered, reports, errors, options)?,
        Format::Json => json::write_json(&mut buffered, reports, errors, options)?,
        Format::Jsonl => json::write_jsonl(&mut buffered, reports, options)?,
        Format::Concise => concise::write(&mut buffered, reports)?,
        Format::Sarif => sarif::write(&mut buffered, reports, errors, options)?,
        Format::Github => github::write(&mut buffered, reports, errors)?,
        Format::Junit => junit::write(&mut buffered, reports, errors)?,
        Format::Rdjson => rdjson::write(&mut buffered, reports)?,
    }
    buffered.flush()
}

/// Writes the `--statistics` table: one line per rule that fired, most
/// frequent first (ties by rule id), like
/// `  12  HG-T001  [threat] 威胁债务人家人安全`.
///
/// Counts are right-aligned and ids padded to a common width. Nothing is
/// written when there are no findings.
pub fn write_statistics(out: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
    let mut counts: BTreeMap<&str, (usize, &RuleInfo)> = BTreeMap::new();
    for finding in reports.iter().flat_map(|r| &r.findings) {
        counts
            .entry(finding.rule.id.as_str())
            .or_insert((0, &finding.rule))
            .0 += 1;
    }
    let mut rows: Vec<(usize, &RuleInfo)> = counts.into_values().collect();
    // The map iterates in id order and the sort is stable.
    rows.sort_by_key(|&(count, _)| std::cmp::Reverse(count));
    let count_width = rows.iter().map(|(n, _)| n.to_string().len()).max();
    let id_width = rows.iter().map(|(_, rule)| rule.id.chars().count()).max();
    let (Some(count_width), Some(id_width)) = (count_width, id_width) else {
        return Ok(());
    };
    let mut buffered = BufWriter::new(out);
    for (count, rule) in rows {
        writeln!(
            buffered,
            "  {count:>count_width$}  {:<id_width$}  [{}] {}",
            rule.id, rule.category, rule.title
        )?;
    }
    buffered.flush()
}

/// Lines longer than this many characters are shown as a window around the span.
pub(crate) const EXCERPT_MAX_CHARS: usize = 200;

/// The marker for text cut from either end of a windowed excerpt.
pub(crate) const ELLIPSIS: &str = "…";

/// Part of one source line around a finding's span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Excerpt<'a> {
    /// The shown text, a slice of the line on character boundaries.
    pub text: &'a str,
    /// Text of the line was cut before [`text`](Self::text).
    pub cut_before: bool,
    /// Text of the line was cut after [`text`](Self::text).
    pub cut_after: bool,
    /// The part of the span on this line, as a byte range of `text`.
    pub span: Range<usize>,
}

/// The line a finding starts on (`finding.start.line`) and the part of the
/// finding's span that lies on it, as a byte range of that line.
///
/// A span running on past the line is cut at the line's end. Returns `None`
/// if the line does not exist in `source` (a finding that does not belong to
/// it); offsets are clamped to the line and rounded down to character
/// boundaries, so a malformed span can never make a reporter panic.
pub(crate) fn finding_line<'a>(
    source: &'a SourceFile,
    finding: &Finding,
) -> Option<(&'a str, Range<usize>)> {
    let line_no = finding.start.line;
    if line_no == 0 || line_no > source.line_count() {
        return None;
    }
    let range = source.line_range(line_no);
    let line = &source.text[range.clone()];
    let local = |offset: usize| floor_char_boundary(line, offset.saturating_sub(range.start));
    let start = local(finding.span.start);
    let end = local(finding.span.end).max(start);
    Some((line, start..end))
}

/// Cuts `line` to about `max_chars` characters around `span` (a byte range
/// of `line`), never inside a character.
///
/// A line of at most `max_chars` characters is returned whole. Otherwise the
/// window is centred on the span when the span fits, and starts a little
/// before the span when it does not.
pub(crate) fn window(line: &str, span: Range<usize>, max_chars: usize) -> Excerpt<'_> {
    let whole = Excerpt {
        text: line,
        cut_before: false,
        cut_after: false,
        span: span.clone(),
    };
    // Byte offset of every character, plus the end of the line.
    let bounds: Vec<usize> = line
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(line.len()))
        .collect();
    let chars = bounds.len() - 1;
    if chars <= max_chars {
        return whole;
    }
    let span_first = bounds.partition_point(|&b| b < span.start);
    let span_last = bounds.partition_point(|&b| b < span.end).max(span_first);
    let span_chars = span_last - span_first;
    let lead = if span_chars + 20 >= max_chars {
        10
    } else {
        (max_chars - span_chars) / 2
    };
    let mut first = span_first.saturating_sub(lead);
    let last = (first + max_chars).min(chars);
    first = first.min(last.saturating_sub(max_chars));
    let (from, to) = (bounds[first], bounds[last]);
    Excerpt {
        text: &line[from..to],
        cut_before: first > 0,
        cut_after: last < chars,
        span: span.start.clamp(from, to) - from..span.end.clamp(from, to) - from,
    }
}

/// The largest character boundary of `s` at or below `offset`.
fn floor_char_boundary(s: &str, offset: usize) -> usize {
    let mut offset = offset.min(s.len());
    while !s.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Hand-built reports for the reporter tests.

    use std::sync::Arc;

    use super::{FileReport, Format, InputError, ReportOptions, write_report};
    use crate::document::{Addressee, Role};
    use crate::finding::{Category, Finding, RuleInfo, Severity};
    use crate::source::SourceFile;

    /// A rule of `category` with recognisable texts.
    pub fn rule(id: &str, category: Category, severity: Severity) -> Arc<RuleInfo> {
        Arc::new(RuleInfo {
            id: id.to_string(),
            category,
            severity,
            title: format!("{id} 标题"),
            message: format!("{id} 说明"),
            basis: format!("{id} 依据"),
            suggestion: format!("{id} 建议"),
        })
    }

    /// A finding on the first occurrence of `needle` in `source`.
    pub fn finding_at(source: &SourceFile, needle: &str, rule: Arc<RuleInfo>) -> Finding {
        let start = source.text.find(needle).expect("needle in source");
        let span = start..start + needle.len();
        Finding {
            rule,
            start: source.position(span.start),
            end: source.position(span.end),
            span,
            speaker: Role::Agent,
            addressee: Addressee::Unknown,
            matched: vec![needle.to_string()],
            context: None,
        }
    }

    /// What `write_report` prints in `format` with default options.
    pub fn render(format: Format, reports: &[FileReport], errors: &[InputError]) -> String {
        let mut out = Vec::new();
        write_report(&mut out, format, reports, errors, &ReportOptions::default())
            .expect("writing to memory cannot fail");
        String::from_utf8(out).expect("reporters write UTF-8")
    }

    /// A report whose one finding of `rule` spans two lines: it starts at
    /// "小心你" on line 1 and ends after "家里人" on line 2.
    pub fn multi_line_report(rule: &Arc<RuleInfo>) -> FileReport {
        let mut r = report("m.txt", "坐席：小心你\n家里人\n", &[("小心你", rule)]);
        let end = r.source.text.find("家里人").expect("in the text") + "家里人".len();
        r.findings[0].span.end = end;
        r.findings[0].end = r.source.position(end);
        r
    }

    /// A report on `text` with one finding per `(needle, rule)`.
    pub fn report(path: &str, text: &str, findings: &[(&str, &Arc<RuleInfo>)]) -> FileReport {
        let source = SourceFile::new(path, text.to_string(), "UTF-8");
        let findings = findings
            .iter()
            .map(|(needle, rule)| finding_at(&source, needle, Arc::clone(rule)))
            .collect();
        FileReport {
            source,
            findings,
            rules_hash: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_line_is_not_windowed() {
        let ex = window("坐席：你好", 9..15, 200);
        assert_eq!(ex.text, "坐席：你好");
        assert!(!ex.cut_before && !ex.cut_after);
        assert_eq!(ex.span, 9..15);
    }

    #[test]
    fn long_line_window_keeps_span_and_char_boundaries() {
        let line = format!("{}威胁{}", "一".repeat(5000), "二".repeat(5000));
        let start = line.find("威胁").unwrap();
        let ex = window(&line, start..start + "威胁".len(), 200);
        assert!(ex.cut_before && ex.cut_after);
        assert!(ex.text.chars().count() <= 200);
        assert_eq!(&ex.text[ex.span.clone()], "威胁");
    }

    #[test]
    fn window_at_line_end_is_full_width() {
        let line = format!("{}尾", "a".repeat(1000));
        let ex = window(&line, 1000..line.len(), 200);
        assert!(ex.cut_before && !ex.cut_after);
        assert_eq!(ex.text.chars().count(), 200);
        assert_eq!(&ex.text[ex.span.clone()], "尾");
    }

    #[test]
    fn span_longer_than_window_starts_near_span() {
        let line = format!("{}{}", "a".repeat(500), "b".repeat(1000));
        let ex = window(&line, 500..1500, 200);
        assert!(ex.text.starts_with(&"a".repeat(10)));
        assert_eq!(ex.span.start, 10);
        assert_eq!(ex.span.end, ex.text.len());
    }

    #[test]
    fn format_names_are_lowercase() {
        use clap::ValueEnum;
        let names: Vec<_> = Format::value_variants()
            .iter()
            .map(|f| f.to_possible_value().unwrap().get_name().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "text", "json", "jsonl", "concise", "sarif", "github", "junit", "rdjson"
            ]
        );
    }

    fn statistics(reports: &[FileReport]) -> String {
        let mut out = Vec::new();
        write_statistics(&mut out, reports).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn statistics_sorted_by_count_then_id_and_aligned() {
        use crate::finding::Severity;
        use test_support::{report, rule};
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let insult = rule("HG-I002", Category::Insult, Severity::Warning);
        let disclosure = rule("HG-D001", Category::ThirdPartyDisclosure, Severity::Warning);
        let mut findings: Vec<(&str, &Arc<RuleInfo>)> = vec![("甲", &threat); 10];
        findings.push(("乙", &insult));
        findings.push(("乙", &insult));
        findings.push(("丙", &disclosure));
        findings.push(("丙", &disclosure));
        let reports = [
            report("a.txt", "甲乙丙\n", &findings),
            report("b.txt", "甲\n", &[("甲", &threat), ("甲", &threat)]),
        ];
        let expected = "  12  HG-T001  [threat] HG-T001 标题
   2  HG-D001  [third_party_disclosure] HG-D001 标题
   2  HG-I002  [insult] HG-I002 标题
";
        assert_eq!(statistics(&reports), expected);
    }

    #[test]
    fn statistics_without_findings_print_nothing() {
        let reports = [test_support::report("ok.txt", "坐席：您好\n", &[])];
        assert_eq!(statistics(&reports), "");
        assert_eq!(statistics(&[]), "");
    }
}
