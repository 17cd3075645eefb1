//! Human-readable output, in the style of rustc and ruff.
//!
//! ```text
//! error[HG-T001]: 威胁家人安全
//!   --> examples/通话转写.txt:12:8
//!    |
//! 12 | [00:01:10] 坐席：小心你家里人出点什么事
//!    |                  ^^^^^^^^^^^^ 威胁恐吓 (threat)
//!    = 说明: …
//!    = 依据: …
//!    = 建议: …
//!
//! 发现 1 处违规（威胁恐吓 1），检查 1 个文件 40 行
//! ```
//!
//! Carets are placed by display width (CJK characters take two columns),
//! tabs are shown as four spaces and other control characters as `�`, so the
//! carets stay under the span and a hostile input cannot send escape codes to
//! the terminal. A span running over several lines is underlined to the end
//! of its first line; a line longer than 200 characters is shown as a window
//! around the span, with `…` marking the cut ends. Colour is ANSI, used only
//! when [`ReportOptions::color`] is set.

use std::fmt;
use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::{ELLIPSIS, EXCERPT_MAX_CHARS, FileReport, InputError, ReportOptions, Summary};
use crate::document::{Addressee, Role};
use crate::finding::{Finding, Severity};
use crate::source::SourceFile;

/// How a tab in a source line is shown.
const TAB: &str = "    ";

/// Writes every finding, then one line per input error, then a summary line.
pub fn write(
    out: &mut dyn Write,
    reports: &[FileReport],
    errors: &[InputError],
    options: &ReportOptions,
) -> io::Result<()> {
    let styles = Styles::new(options.color);
    for report in reports {
        for finding in &report.findings {
            write_finding(out, &report.source, finding, options, &styles)?;
        }
    }
    for error in errors {
        writeln!(
            out,
            "{}: {}: {}",
            Paint(styles.error, "error"),
            error.path,
            error.message
        )?;
    }
    writeln!(
        out,
        "{}",
        Paint(styles.bold, &summary_line(&Summary::of(reports)))
    )
}

/// `发现 3 处违规（威胁恐吓 1，向第三方披露 2），检查 4 个文件 120 行`, or
/// `未发现违规：检查 4 个文件 120 行`.
fn summary_line(summary: &Summary) -> String {
    let checked = format!("检查 {} 个文件 {} 行", summary.files, summary.lines);
    if summary.findings == 0 {
        return format!("未发现违规：{checked}");
    }
    let counts: Vec<String> = summary
        .by_category
        .iter()
        .filter(|&(_, &n)| n > 0)
        .map(|(category, n)| format!("{} {n}", category.label_zh()))
        .collect();
    format!(
        "发现 {} 处违规（{}），{checked}",
        summary.findings,
        counts.join("，")
    )
}

fn write_finding(
    out: &mut dyn Write,
    source: &SourceFile,
    finding: &Finding,
    options: &ReportOptions,
    styles: &Styles,
) -> io::Result<()> {
    let rule = &*finding.rule;
    let severity = styles.severity(rule.severity);
    writeln!(
        out,
        "{}{}",
        Paint(severity, &format!("{}[{}]", rule.severity, rule.id)),
        Paint(styles.bold, &format!(": {}", rule.title))
    )?;

    let line_no = finding.start.line;
    let w = line_no.to_string().len();
    writeln!(
        out,
        "{:w$}{} {}:{}:{}",
        "",
        Paint(styles.gutter, "-->"),
        source.path,
        line_no,
        finding.start.column
    )?;
    let bar = Paint(styles.gutter, "|");
    if let Some(snippet) = Snippet::new(source, finding) {
        writeln!(out, "{:w$} {bar}", "")?;
        writeln!(
            out,
            "{} {}",
            Paint(styles.gutter, &format!("{line_no} |")),
            snippet.line.trim_end()
        )?;
        writeln!(
            out,
            "{:w$} {bar} {:pad$}{} {}",
            "",
            "",
            Paint(severity, &"^".repeat(snippet.carets)),
            Paint(
                severity,
                &format!("{} ({})", rule.category.label_zh(), rule.category)
            ),
            pad = snippet.pad
        )?;
    }
    let eq = Paint(styles.gutter, "=");
    let mut note = |label: &str, text: &str| -> io::Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        writeln!(out, "{:w$} {eq} {}: {text}", "", Paint(styles.bold, label))
    };
    note("说明", &rule.message)?;
    note("依据", &rule.basis)?;
    note("建议", &rule.suggestion)?;
    if options.explain {
        note("命中", &finding.matched.join("、"))?;
        note(
            "语境",
            &format!(
                "说话人 {}，对象 {}",
                role_zh(finding.speaker),
                addressee_zh(finding.addressee)
            ),
        )?;
    }
    writeln!(out)
}

fn role_zh(role: Role) -> &'static str {
    match role {
        Role::Agent => "坐席",
        Role::Customer => "客户方",
        Role::Unknown => "未知",
    }
}

fn addressee_zh(addressee: Addressee) -> &'static str {
    match addressee {
        Addressee::Debtor => "债务人",
        Addressee::ThirdParty => "第三方",
        Addressee::Unknown => "未确定",
    }
}

/// A source line as shown, and where the carets go under it.
#[derive(Debug, PartialEq, Eq)]
struct Snippet {
    /// The line, windowed and with tabs and control characters replaced.
    line: String,
    /// Display columns before the first caret.
    pad: usize,
    /// Number of carets, at least one.
    carets: usize,
}

impl Snippet {
    fn new(source: &SourceFile, finding: &Finding) -> Option<Snippet> {
        let (line, span) = super::finding_line(source, finding)?;
        let excerpt = super::window(line, span, EXCERPT_MAX_CHARS);
        let before = if excerpt.cut_before { ELLIPSIS } else { "" };
        let after = if excerpt.cut_after { ELLIPSIS } else { "" };
        let head = sanitize(&excerpt.text[..excerpt.span.start]);
        let marked = sanitize(&excerpt.text[excerpt.span.clone()]);
        let tail = sanitize(&excerpt.text[excerpt.span.end..]);
        Some(Snippet {
            pad: before.width() + head.width(),
            carets: marked.width().max(1),
            line: [before, &head, &marked, &tail, after].concat(),
        })
    }
}

/// `text` with tabs as spaces and other control characters as `�`.
fn sanitize(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => shown.push_str(TAB),
            c if c.is_control() => shown.push('\u{FFFD}'),
            c => shown.push(c),
        }
    }
    shown
}

/// ANSI styles, all empty when colour is off.
struct Styles {
    bold: &'static str,
    error: &'static str,
    warning: &'static str,
    info: &'static str,
    gutter: &'static str,
}

impl Styles {
    fn new(color: bool) -> Styles {
        if color {
            Styles {
                bold: "\x1b[1m",
                error: "\x1b[1;31m",
                warning: "\x1b[1;33m",
                info: "\x1b[1;36m",
                gutter: "\x1b[1;34m",
            }
        } else {
            Styles {
                bold: "",
                error: "",
                warning: "",
                info: "",
                gutter: "",
            }
        }
    }

    fn severity(&self, severity: Severity) -> &'static str {
        match severity {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

/// Text in a style, reset after; plain when the style is empty.
struct Paint<'a>(&'static str, &'a str);

impl fmt::Display for Paint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str(self.1)
        } else {
            write!(f, "{}{}\x1b[0m", self.0, self.1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Category;
    use crate::report::test_support::{self, report, rule};
    use crate::report::{Format, write_report};

    fn render(reports: &[FileReport], errors: &[InputError], color: bool, explain: bool) -> String {
        let mut out = Vec::new();
        let options = ReportOptions {
            color,
            explain,
            ..ReportOptions::default()
        };
        write_report(&mut out, Format::Text, reports, errors, &options).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The caret line following the source line that starts with `gutter`.
    fn caret_line<'a>(out: &'a str, gutter: &str) -> &'a str {
        let mut lines = out.lines();
        lines.find(|l| l.starts_with(gutter)).expect("source line");
        lines.next().expect("caret line")
    }

    /// Display columns before the first caret, counted after the `   | ` gutter.
    fn caret_pad(caret_line: &str, gutter_width: usize) -> usize {
        let body = &caret_line[gutter_width + 3..];
        body.find('^').expect("carets")
    }

    fn threat_report() -> FileReport {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        report(
            "examples/通话转写.txt",
            "开场\n\n\n\n\n\n\n\n\n\n\n[00:01:10] 坐席：小心你家里人出点什么事\n",
            &[("小心你家里人出点什么事", &threat)],
        )
    }

    #[test]
    fn header_location_and_notes() {
        let out = render(&[threat_report()], &[], false, false);
        let expected = "\
error[HG-T001]: HG-T001 标题
  --> examples/通话转写.txt:12:15
   |
12 | [00:01:10] 坐席：小心你家里人出点什么事
   |                  ^^^^^^^^^^^^^^^^^^^^^^ 威胁恐吓 (threat)
   = 说明: HG-T001 说明
   = 依据: HG-T001 依据
   = 建议: HG-T001 建议

发现 1 处违规（威胁恐吓 1），检查 1 个文件 12 行
";
        assert_eq!(out, expected);
        assert!(out.contains("--> examples/通话转写.txt:12:15"));
    }

    #[test]
    fn carets_aligned_by_display_width_after_cjk() {
        let out = render(&[threat_report()], &[], false, false);
        let carets = caret_line(&out, "12 |");
        // "[00:01:10] " is 11 columns, "坐席：" three wide characters, 6.
        let expected_pad = "[00:01:10] ".width() + "坐席：".width();
        assert_eq!(expected_pad, 17);
        assert_eq!(caret_pad(carets, 2), expected_pad);
        assert_eq!(
            carets.matches('^').count(),
            "小心你家里人出点什么事".width()
        );
    }

    #[test]
    fn tabs_render_as_four_spaces_and_keep_alignment() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let r = report("t.txt", "\t坐席：\t小心点\n", &[("小心点", &threat)]);
        let out = render(&[r], &[], false, false);
        assert!(out.contains("1 |     坐席：    小心点\n"), "{out}");
        assert!(!out.contains('\t'));
        assert_eq!(caret_pad(caret_line(&out, "1 |"), 1), 4 + 6 + 4);
    }

    #[test]
    fn no_ansi_without_color() {
        let errors = [InputError {
            path: "x.bin".into(),
            message: "二进制文件".into(),
        }];
        let out = render(&[threat_report()], &errors, false, true);
        assert!(!out.contains('\x1b'), "{out:?}");
    }

    #[test]
    fn ansi_with_color() {
        let out = render(&[threat_report()], &[], true, false);
        assert!(out.contains("\x1b[1;31merror[HG-T001]\x1b[0m"), "{out:?}");
        assert!(out.contains("\x1b[0m"));
    }

    #[test]
    fn control_characters_in_source_are_not_passed_through() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let r = report("t.txt", "坐席：\x1b[2J小心点\n", &[("小心点", &threat)]);
        let out = render(&[r], &[], false, false);
        assert!(!out.contains('\x1b'), "{out:?}");
        assert_eq!(caret_pad(caret_line(&out, "1 |"), 1), 6 + 1 + 3);
    }

    #[test]
    fn long_line_is_windowed_and_carets_stay_aligned() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let text = format!(
            "{}小心你家里人{}\n",
            "啊".repeat(25_000),
            "x".repeat(25_000)
        );
        let r = report("long.txt", &text, &[("小心你家里人", &threat)]);
        let out = render(&[r], &[], false, false);
        assert!(out.contains("--> long.txt:1:25001"));
        let source_line = out.lines().find(|l| l.starts_with("1 |")).unwrap();
        let shown = &source_line["1 | ".len()..];
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert!(shown.chars().count() <= 202);
        let pad = caret_pad(caret_line(&out, "1 |"), 1);
        let before_span = &shown[..shown.find("小心你家里人").unwrap()];
        assert_eq!(pad, before_span.width());
    }

    #[test]
    fn multi_line_span_is_underlined_to_end_of_first_line() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let r = test_support::multi_line_report(&threat);
        let out = render(&[r], &[], false, false);
        let carets = caret_line(&out, "1 |");
        assert_eq!(caret_pad(carets, 1), 6);
        assert_eq!(carets.matches('^').count(), "小心你".width());
        assert!(!out.contains("2 |"));
    }

    #[test]
    fn empty_span_gets_one_caret() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let mut r = report("e.txt", "坐席：你好\n", &[("你好", &threat)]);
        let start = r.findings[0].span.start;
        r.findings[0].span = start..start;
        let out = render(&[r], &[], false, false);
        assert_eq!(caret_line(&out, "1 |").matches('^').count(), 1);
    }

    #[test]
    fn finding_outside_source_does_not_panic() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let mut r = report("o.txt", "坐席：你好\n", &[("你好", &threat)]);
        r.findings[0].start.line = 99;
        r.findings[0].span = 1000..2000;
        let out = render(&[r], &[], false, false);
        assert!(out.contains("--> o.txt:99:"));
        assert!(!out.contains("99 |"));
    }

    #[test]
    fn explain_lists_matched_terms() {
        let mut r = threat_report();
        r.findings[0].matched = vec!["小心".into(), "家里人".into()];
        let out = render(&[r], &[], false, true);
        assert!(out.contains("   = 命中: 小心、家里人\n"), "{out}");
        let r = threat_report();
        assert!(!render(&[r], &[], false, false).contains("命中"));
    }

    #[test]
    fn summary_with_no_findings() {
        let r = report("ok.txt", "坐席：您好\n客户：好\n", &[]);
        let out = render(&[r], &[], false, false);
        assert_eq!(out, "未发现违规：检查 1 个文件 2 行\n");
    }

    #[test]
    fn summary_counts_categories_in_order_and_lists_errors() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let disclosure = rule("HG-D001", Category::ThirdPartyDisclosure, Severity::Warning);
        let reports = [
            report(
                "a.txt",
                "甲乙丙\n",
                &[("乙", &disclosure), ("丙", &disclosure)],
            ),
            report("b.txt", "丁\n", &[("丁", &threat)]),
            report("c.txt", "", &[]),
            report("d.txt", "1\n2\n", &[]),
        ];
        let errors = [InputError {
            path: "bad.txt".into(),
            message: "无法解码".into(),
        }];
        let out = render(&reports, &errors, false, false);
        assert!(out.contains("warning[HG-D001]: HG-D001 标题\n"));
        assert!(out.ends_with(
            "error: bad.txt: 无法解码\n发现 3 处违规（威胁恐吓 1，向第三方披露 2），检查 4 个文件 4 行\n"
        ));
    }
}
