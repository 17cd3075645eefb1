//! `--format github`: GitHub Actions workflow commands, which the runner turns
//! into annotations on the checked files (in the job summary and, for files
//! of a pull request, inline in its diff).
//!
//! One command per finding, its severity choosing the command (`error` →
//! `::error`, `warning` → `::warning`, `info` → `::notice`):
//!
//! ```text
//! ::error file=examples/通话转写.txt,line=12,col=15,endLine=12,endColumn=26,title=HG-T001 威胁家人安全::以家人安全相威胁。%0A依据：…%0A建议：…
//! ```
//!
//! and one `::error file=PATH::message` per input that could not be checked.
//! Lines and columns are 1-based, columns counted in characters; `endColumn`
//! is exclusive, as in the other formats.
//!
//! Escaping follows GitHub's workflow-command reference (and `@actions/core`):
//! in the message, `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`; in property values
//! additionally `:` → `%3A` and `,` → `%2C`, so no text can end a property or
//! the command early, or start a second command on a new line.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{FileReport, InputError};
use crate::finding::Severity;

/// Writes one workflow command per finding, then one per input error.
pub fn write(out: &mut dyn Write, reports: &[FileReport], errors: &[InputError]) -> io::Result<()> {
    for report in reports {
        let file = escape_property(&report.source.path);
        for finding in &report.findings {
            let rule = &*finding.rule;
            let mut message = rule.message.clone();
            if !rule.basis.is_empty() {
                let _ = write!(message, "\n依据：{}", rule.basis);
            }
            if !rule.suggestion.is_empty() {
                let _ = write!(message, "\n建议：{}", rule.suggestion);
            }
            writeln!(
                out,
                "::{} file={file},line={},col={},endLine={},endColumn={},title={}::{}",
                command(rule.severity),
                finding.start.line,
                finding.start.column,
                finding.end.line,
                finding.end.column,
                escape_property(&format!("{} {}", rule.id, rule.title)),
                escape_data(&message)
            )?;
        }
    }
    for error in errors {
        writeln!(
            out,
            "::error file={}::{}",
            escape_property(&error.path),
            escape_data(&error.message)
        )?;
    }
    Ok(())
}

/// The workflow command for a severity.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// A command's message: `%`, `\r` and `\n` percent-encoded.
pub fn escape_data(text: &str) -> String {
    percent_encode(text, false)
}

/// A property value: as [`escape_data`], and `:` and `,` percent-encoded.
pub fn escape_property(text: &str) -> String {
    percent_encode(text, true)
}

/// The workflow-command encoding; `separators` also encodes `:` and `,`,
/// which end a property.
fn percent_encode(text: &str, separators: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            ':' if separators => escaped.push_str("%3A"),
            ',' if separators => escaped.push_str("%2C"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Category;
    use crate::report::test_support::{report, rule};
    use crate::report::{Format, test_support};

    fn render(reports: &[FileReport], errors: &[InputError]) -> String {
        test_support::render(Format::Github, reports, errors)
    }

    #[test]
    fn one_command_per_finding_and_error() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let disclosure = rule("HG-D001", Category::ThirdPartyDisclosure, Severity::Warning);
        let insult = rule("HG-I001", Category::Insult, Severity::Info);
        let reports = [
            report(
                "a.txt",
                "开场\n坐席：小心你家里人\n",
                &[("小心你家里人", &threat)],
            ),
            report(
                "b.txt",
                "告诉你同事，笨蛋\n",
                &[("同事", &disclosure), ("笨蛋", &insult)],
            ),
        ];
        let errors = [InputError {
            path: "bad.txt".into(),
            message: "cannot decode as UTF-8: malformed byte sequence at byte offset 16".into(),
        }];
        let expected = "\
::error file=a.txt,line=2,col=4,endLine=2,endColumn=10,title=HG-T001 HG-T001 标题::HG-T001 说明%0A依据：HG-T001 依据%0A建议：HG-T001 建议
::warning file=b.txt,line=1,col=4,endLine=1,endColumn=6,title=HG-D001 HG-D001 标题::HG-D001 说明%0A依据：HG-D001 依据%0A建议：HG-D001 建议
::notice file=b.txt,line=1,col=7,endLine=1,endColumn=9,title=HG-I001 HG-I001 标题::HG-I001 说明%0A依据：HG-I001 依据%0A建议：HG-I001 建议
::error file=bad.txt::cannot decode as UTF-8: malformed byte sequence at byte offset 16
";
        assert_eq!(render(&reports, &errors), expected);
    }

    #[test]
    fn data_escaping() {
        assert_eq!(escape_data("100%\r\n下一行"), "100%25%0D%0A下一行");
        assert_eq!(escape_data("a:b,c"), "a:b,c");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn property_escaping() {
        assert_eq!(escape_property("a:b,c%d\ne\r"), "a%3Ab%2Cc%25d%0Ae%0D");
        assert_eq!(escape_property("通话/转写.txt"), "通话/转写.txt");
    }

    #[test]
    fn hostile_texts_cannot_break_the_command() {
        let mut info = (*rule("X-1", Category::Threat, Severity::Error)).clone();
        info.title = "a,line=1::b".into();
        info.message = "x\n::error::injected".into();
        info.basis = String::new();
        info.suggestion = String::new();
        let hostile = std::sync::Arc::new(info);
        let r = report("d,ir:x/f.txt", "小心\n", &[("小心", &hostile)]);
        let out = render(&[r], &[]);
        assert_eq!(
            out,
            "::error file=d%2Cir%3Ax/f.txt,line=1,col=1,endLine=1,endColumn=3,\
             title=X-1 a%2Cline=1%3A%3Ab::x%0A::error::injected\n"
        );
        assert_eq!(out.lines().count(), 1);
    }
}
