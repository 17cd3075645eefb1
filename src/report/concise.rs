//! `--format concise`: one line per finding, in the `path:line:col:` form
//! that editors, `grep` and terminal hyperlinkers understand (like ruff's
//! `concise` output and gcc/rustc short diagnostics):
//!
//! ```text
//! examples/通话转写.txt:12:15: error[HG-T001] 威胁家人安全 (threat)
//! ```
//!
//! Lines and columns are 1-based; columns count Unicode scalar values, as
//! everywhere in hegui. Nothing else is written to standard output: no
//! summary, and input errors go to standard error (the CLI prints them).
//! Control characters in paths are replaced by `�`, so one finding is always
//! exactly one line.

use std::io::{self, Write};

use super::FileReport;

/// Writes one line per finding, in input and source order.
pub fn write(out: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
    for report in reports {
        let path = one_line(&report.source.path);
        for finding in &report.findings {
            let rule = &*finding.rule;
            writeln!(
                out,
                "{path}:{}:{}: {}[{}] {} ({})",
                finding.start.line,
                finding.start.column,
                rule.severity,
                rule.id,
                one_line(&rule.title),
                rule.category
            )?;
        }
    }
    Ok(())
}

/// `text` with control characters (line breaks among them) replaced by `�`.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Severity};
    use crate::report::test_support::{self, report, rule};
    use crate::report::{Format, InputError};

    fn render(reports: &[FileReport], errors: &[InputError]) -> String {
        test_support::render(Format::Concise, reports, errors)
    }

    #[test]
    fn one_line_per_finding_and_nothing_else() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let disclosure = rule("HG-D001", Category::ThirdPartyDisclosure, Severity::Info);
        let reports = [
            report(
                "通话/a.txt",
                "开场\n[00:01:10] 坐席：小心你家里人\n",
                &[("小心你家里人", &threat)],
            ),
            report("b.md", "告诉你同事\n", &[("同事", &disclosure)]),
            report("clean.txt", "您好\n", &[]),
        ];
        let errors = [InputError {
            path: "bad.txt".into(),
            message: "无法解码".into(),
        }];
        let expected = "\
通话/a.txt:2:15: error[HG-T001] HG-T001 标题 (threat)
b.md:1:4: info[HG-D001] HG-D001 标题 (third_party_disclosure)
";
        assert_eq!(render(&reports, &errors), expected);
    }

    #[test]
    fn no_findings_print_nothing() {
        assert_eq!(render(&[report("ok.txt", "您好\n", &[])], &[]), "");
    }

    #[test]
    fn line_breaks_in_path_cannot_split_a_finding() {
        let threat = rule("HG-T001", Category::Threat, Severity::Warning);
        let r = report("a\nb.txt", "小心\n", &[("小心", &threat)]);
        assert_eq!(
            render(&[r], &[]),
            "a\u{FFFD}b.txt:1:1: warning[HG-T001] HG-T001 标题 (threat)\n"
        );
    }
}
