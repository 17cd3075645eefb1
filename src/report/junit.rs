//! `--format junit`: JUnit XML, the test-report format that GitLab, Jenkins,
//! Azure Pipelines and most CI dashboards import (the de-facto schema of the
//! Ant/Maven Surefire reports).
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="hegui" tests="3" failures="2" errors="1">
//!   <testsuite name="话术.md" tests="2" failures="2" errors="0">
//!     <testcase name="HG-T001 威胁家人安全 (3:8)" classname="话术.md" file="话术.md" line="3">
//!       <failure message="威胁家人安全：以家人安全相威胁。" type="HG-T001">话术.md:3:8: error[HG-T001] …</failure>
//!     </testcase>
//!   </testsuite>
//!   <testsuite name="clean.txt" tests="1" failures="0" errors="0">
//!     <testcase name="compliance" classname="clean.txt" file="clean.txt"/>
//!   </testsuite>
//!   <testsuite name="hegui: input errors" tests="1" failures="0" errors="1">
//!     <testcase name="broken.txt" classname="hegui" file="broken.txt">
//!       <error message="cannot decode as UTF-8: …" type="InputError"/>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One `<testsuite>` per checked file, with a failing `<testcase>` per finding
//! (its text: location, source line, message, legal basis and suggestion) or
//! a single passing one when the file is clean; inputs that could not be
//! checked form a last suite of `<error>` test cases. There are no times or
//! timestamps, so the output is reproducible.
//!
//! Text is escaped for XML 1.0: `&`, `<`, `>`, `"` and `'` as entities, line
//! breaks and tabs in attributes as character references (so attribute-value
//! normalization keeps them), and characters XML 1.0 does not allow at all
//! (C0 controls other than tab, line feed and carriage return; U+FFFE, U+FFFF)
//! replaced by `�`.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::json::JsonFinding;
use super::{FileReport, InputError};

/// Name of the test case of a file without findings.
const CLEAN_CASE: &str = "compliance";

/// Name of the suite of inputs that could not be checked.
const ERROR_SUITE: &str = "hegui: input errors";

/// Writes the whole JUnit document.
pub fn write(out: &mut dyn Write, reports: &[FileReport], errors: &[InputError]) -> io::Result<()> {
    let cases = |r: &FileReport| r.findings.len().max(1);
    let tests: usize = reports.iter().map(cases).sum::<usize>() + errors.len();
    let failures: usize = reports.iter().map(|r| r.findings.len()).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="hegui" tests="{tests}" failures="{failures}" errors="{}">"#,
        errors.len()
    )?;
    for report in reports {
        let path = attr(&report.source.path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="0">"#,
            cases(report),
            report.findings.len()
        )?;
        if report.findings.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="{CLEAN_CASE}" classname="{path}" file="{path}"/>"#
            )?;
        }
        for finding in &report.findings {
            let record = JsonFinding::new(report, finding, false);
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{path}" file="{path}" line="{}">"#,
                attr(&format!(
                    "{} {} ({}:{})",
                    record.rule, record.title, record.line, record.column
                )),
                record.line
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                attr(&format!("{}：{}", record.title, record.message)),
                attr(record.rule),
                text(&failure_text(&record))
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    if !errors.is_empty() {
        writeln!(
            out,
            r#"  <testsuite name="{ERROR_SUITE}" tests="{0}" failures="0" errors="{0}">"#,
            errors.len()
        )?;
        for error in errors {
            let path = attr(&error.path);
            writeln!(
                out,
                r#"    <testcase name="{path}" classname="hegui" file="{path}">"#
            )?;
            writeln!(
                out,
                r#"      <error message="{}" type="InputError"/>"#,
                attr(&error.message)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// The body of a `<failure>`: where, the source line, and the rule's texts.
fn failure_text(record: &JsonFinding<'_>) -> String {
    let mut body = format!(
        "{}:{}:{}: {}[{}] {} ({})\n原文: {}\n说明: {}",
        record.path,
        record.line,
        record.column,
        record.severity,
        record.rule,
        record.title,
        record.category,
        record.excerpt,
        record.message
    );
    if !record.basis.is_empty() {
        let _ = write!(body, "\n依据: {}", record.basis);
    }
    if !record.suggestion.is_empty() {
        let _ = write!(body, "\n建议: {}", record.suggestion);
    }
    body
}

/// `s` escaped for element content.
pub fn text(s: &str) -> String {
    escape(s, false)
}

/// `s` escaped for a double- or single-quoted attribute value.
pub fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut escaped = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' if attribute => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' if attribute => escaped.push_str("&#9;"),
            '\t' | '\n' => escaped.push(c),
            c if is_xml_char(c) => escaped.push(c),
            _ => escaped.push('\u{FFFD}'),
        }
    }
    escaped
}

/// Whether XML 1.0 allows `c` in a document (production `Char`); Rust
/// `char`s are never surrogates.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Severity};
    use crate::report::test_support::{report, rule};
    use crate::report::{Format, test_support};

    fn render(reports: &[FileReport], errors: &[InputError]) -> String {
        test_support::render(Format::Junit, reports, errors)
    }

    #[test]
    fn suites_per_file_failures_per_finding_and_error_suite() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let reports = [
            report(
                "a.txt",
                "开场\n  坐席：小心你家里人  \n",
                &[("小心你家里人", &threat)],
            ),
            report("clean.txt", "您好\n", &[]),
        ];
        let errors = [InputError {
            path: "bad.txt".into(),
            message: "无法解码 <GB18030>".into(),
        }];
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="hegui" tests="3" failures="1" errors="1">
  <testsuite name="a.txt" tests="1" failures="1" errors="0">
    <testcase name="HG-T001 HG-T001 标题 (2:6)" classname="a.txt" file="a.txt" line="2">
      <failure message="HG-T001 标题：HG-T001 说明" type="HG-T001">a.txt:2:6: error[HG-T001] HG-T001 标题 (threat)
原文: 坐席：小心你家里人
说明: HG-T001 说明
依据: HG-T001 依据
建议: HG-T001 建议</failure>
    </testcase>
  </testsuite>
  <testsuite name="clean.txt" tests="1" failures="0" errors="0">
    <testcase name="compliance" classname="clean.txt" file="clean.txt"/>
  </testsuite>
  <testsuite name="hegui: input errors" tests="1" failures="0" errors="1">
    <testcase name="bad.txt" classname="hegui" file="bad.txt">
      <error message="无法解码 &lt;GB18030&gt;" type="InputError"/>
    </testcase>
  </testsuite>
</testsuites>
"#;
        assert_eq!(render(&reports, &errors), expected);
    }

    #[test]
    fn no_inputs_is_an_empty_but_valid_document() {
        assert_eq!(
            render(&[], &[]),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"hegui\" tests=\"0\" failures=\"0\" errors=\"0\">\n\
             </testsuites>\n"
        );
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            text(r#"a & b < c > d " e ' f"#),
            "a &amp; b &lt; c &gt; d &quot; e &apos; f"
        );
        assert_eq!(attr("<&>"), "&lt;&amp;&gt;");
    }

    #[test]
    fn whitespace_kept_in_text_and_referenced_in_attributes() {
        assert_eq!(text("a\nb\tc\rd"), "a\nb\tc&#13;d");
        assert_eq!(attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
    }

    #[test]
    fn characters_not_allowed_in_xml_are_replaced() {
        assert_eq!(
            text("a\u{0}b\u{1b}[2Jc\u{8}"),
            "a\u{FFFD}b\u{FFFD}[2Jc\u{FFFD}"
        );
        assert_eq!(attr("\u{FFFE}\u{FFFF}"), "\u{FFFD}\u{FFFD}");
        assert_eq!(text("\u{7f}é中😀"), "\u{7f}é中😀");
    }

    #[test]
    fn hostile_source_line_stays_inside_the_failure() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let r = report(
            "x\".txt",
            "</failure><x a='1'>\u{1}小心\n",
            &[("小心", &threat)],
        );
        let out = render(&[r], &[]);
        assert!(out.contains(r#"<testsuite name="x&quot;.txt""#), "{out}");
        assert!(
            out.contains("原文: &lt;/failure&gt;&lt;x a=&apos;1&apos;&gt;\u{FFFD}小心\n"),
            "{out}"
        );
        assert_eq!(out.matches("</failure>").count(), 1);
        assert!(!out.contains('\u{1}'));
    }
}
