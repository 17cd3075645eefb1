//! `--format rdjson`: reviewdog's Diagnostic Format, as one `DiagnosticResult`
//! JSON document (reviewdog `-f=rdjson`), for review comments on pull and
//! merge requests. Reference: `proto/rdf/reviewdog.proto` in the reviewdog
//! repository.
//!
//! ```json
//! {"source":{"name":"hegui"},"diagnostics":[{"message":"威胁家人安全：…",
//!   "location":{"path":"话术.md","range":{"start":{"line":3,"column":22},"end":{"line":3,"column":58}}},
//!   "severity":"ERROR","code":{"value":"HG-T001"}}]}
//! ```
//!
//! - `severity` is `ERROR`, `WARNING` or `INFO`, from the rule's severity.
//! - Positions are 1-based, but — unlike every other hegui format — columns
//!   count **UTF-8 bytes**, as the format requires (`'a𐐀b'`: `b` is at column
//!   6); the end position is exclusive. A CJK character is 3 bytes wide.
//! - `message` is the rule's title and message, then its legal basis and a
//!   compliant rewording on lines of their own. No `suggestions` are given:
//!   hegui's rewordings are advice for a whole utterance, not an edit of the
//!   matched span that reviewdog could apply.
//! - Inputs that could not be checked are not diagnostics of a location; the
//!   CLI reports them on standard error.

use std::io::{self, Write};

use serde::Serialize;

use super::FileReport;
use crate::finding::{Finding, Position, Severity};
use crate::source::SourceFile;

/// The `DiagnosticResult` document.
#[derive(Serialize)]
struct DiagnosticResult<'a> {
    source: Source,
    diagnostics: Vec<Diagnostic<'a>>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    message: String,
    location: Location<'a>,
    severity: &'static str,
    code: Code<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    range: Range,
}

#[derive(Serialize)]
struct Range {
    start: RdPosition,
    end: RdPosition,
}

/// A reviewdog position: 1-based line, 1-based UTF-8 byte column.
#[derive(Serialize)]
struct RdPosition {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Code<'a> {
    value: &'a str,
}

/// Writes the `DiagnosticResult` document and a newline.
pub fn write(out: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
    let diagnostics = reports
        .iter()
        .flat_map(|report| {
            report
                .findings
                .iter()
                .map(|finding| diagnostic(&report.source, finding))
        })
        .collect();
    let document = DiagnosticResult {
        source: Source { name: "hegui" },
        diagnostics,
    };
    serde_json::to_writer(&mut *out, &document)?;
    out.write_all(b"\n")
}

fn diagnostic<'a>(source: &'a SourceFile, finding: &'a Finding) -> Diagnostic<'a> {
    let rule = &*finding.rule;
    let mut message = format!("{}：{}", rule.title, rule.message);
    if !rule.basis.is_empty() {
        message.push_str("\n依据：");
        message.push_str(&rule.basis);
    }
    if !rule.suggestion.is_empty() {
        message.push_str("\n建议：");
        message.push_str(&rule.suggestion);
    }
    Diagnostic {
        message,
        location: Location {
            path: &source.path,
            range: Range {
                start: byte_position(source, finding.start),
                end: byte_position(source, finding.end),
            },
        },
        severity: severity(rule.severity),
        code: Code { value: &rule.id },
    }
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

/// `position` (character column) with its column converted to UTF-8 bytes.
///
/// A column past the end of its line counts the missing characters as one
/// byte each; a line that does not exist (the end of a span that runs to the
/// end of the text) keeps its column.
fn byte_position(source: &SourceFile, position: Position) -> RdPosition {
    let chars_before = position.column.saturating_sub(1);
    let column = if (1..=source.line_count()).contains(&position.line) {
        let line = source.line_text(position.line);
        let bytes: usize = line.chars().take(chars_before).map(char::len_utf8).sum();
        bytes + chars_before.saturating_sub(line.chars().count()) + 1
    } else {
        position.column
    };
    RdPosition {
        line: position.line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Category;
    use crate::report::test_support::{self, report, rule};
    use crate::report::{Format, InputError};

    fn render(reports: &[FileReport], errors: &[InputError]) -> String {
        test_support::render(Format::Rdjson, reports, errors)
    }

    #[test]
    fn document_with_byte_columns() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let insult = rule("HG-I001", Category::Insult, Severity::Info);
        let reports = [
            report(
                "a.txt",
                "开场\n[00:01] 坐席：小心你家里人\n",
                &[("小心你家里人", &threat)],
            ),
            report("b.txt", "ab笨蛋\n", &[("笨蛋", &insult)]),
        ];
        let errors = [InputError {
            path: "bad.txt".into(),
            message: "x".into(),
        }];
        // "[00:01] " is 8 bytes and "坐席：" 9, so 小 starts at byte column 18;
        // six CJK characters are 18 bytes.
        let expected = concat!(
            r#"{"source":{"name":"hegui"},"diagnostics":["#,
            r#"{"message":"HG-T001 标题：HG-T001 说明\n依据：HG-T001 依据\n建议：HG-T001 建议","#,
            r#""location":{"path":"a.txt","range":{"start":{"line":2,"column":18},"end":{"line":2,"column":36}}},"#,
            r#""severity":"ERROR","code":{"value":"HG-T001"}},"#,
            r#"{"message":"HG-I001 标题：HG-I001 说明\n依据：HG-I001 依据\n建议：HG-I001 建议","#,
            r#""location":{"path":"b.txt","range":{"start":{"line":1,"column":3},"end":{"line":1,"column":9}}},"#,
            r#""severity":"INFO","code":{"value":"HG-I001"}}]}"#,
            "\n"
        );
        assert_eq!(render(&reports, &errors), expected);
    }

    #[test]
    fn spec_example_column_of_astral_character() {
        // reviewdog.proto: in 'a𐐀b' the column of b is 6.
        let src = SourceFile::new("t", "a𐐀b".to_string(), "UTF-8");
        let b = src.position(src.text.find('b').unwrap());
        assert_eq!(b.column, 3);
        assert_eq!(byte_position(&src, b).column, 6);
    }

    #[test]
    fn end_of_text_and_past_end_of_line_do_not_panic() {
        let src = SourceFile::new("t", "中\n".to_string(), "UTF-8");
        let end = src.position(src.text.len());
        let pos = byte_position(&src, end);
        assert_eq!((pos.line, pos.column), (end.line, end.column));
        let past = byte_position(&src, Position { line: 1, column: 4 });
        assert_eq!(past.column, 3 + 2 + 1);
    }

    #[test]
    fn empty_report_has_empty_diagnostics() {
        assert_eq!(
            render(&[], &[]),
            "{\"source\":{\"name\":\"hegui\"},\"diagnostics\":[]}\n"
        );
    }
}
