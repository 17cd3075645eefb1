//! Inline suppression comments in editable scripts.
//!
//! A directive is a comment (`<!-- … -->`, `# …` or `// …`) whose text
//! starts with `hegui:`:
//!
//! | directive | waives |
//! |---|---|
//! | `hegui: allow ID… 理由` | findings on the directive's line and the next line |
//! | `hegui: allow-start ID… 理由` … `hegui: allow-end` | findings on the lines in between |
//! | `hegui: allow-file ID… 理由` | findings anywhere in the file |
//!
//! `ID…` is one or more rule ids, id prefixes or categories, separated by
//! spaces or commas; the rest of the comment is the reason, which is
//! mandatory: a directive without one waives nothing. Problems with
//! directives are findings themselves, of hegui's own
//! [`Category::Suppression`], so every output format shows them and
//! `--select`/`--ignore` apply:
//!
//! - [`UNUSED`] (`HG-S001`): a directive names a running rule that it waived
//!   nothing of, or a rule that does not exist;
//! - [`INVALID`] (`HG-S002`): a directive without a reason or rule ids, or an
//!   `allow-end` with no `allow-start`.
//!
//! [`rules`] also describes [`UNUSED_FILE_IGNORE`] (`HG-S003`), the same
//! check for the configuration's `per-file-ignores` entries; the CLI reports
//! it against the configuration file, as only a whole run can tell.

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::config::Selector;
use crate::document::{Addressee, Role};
use crate::finding::{Category, Finding, RuleInfo, Severity};
use crate::source::SourceFile;

/// Id of the unused-suppression diagnostic.
pub const UNUSED: &str = "HG-S001";
/// Id of the invalid-suppression diagnostic.
pub const INVALID: &str = "HG-S002";
/// Id of the unused-`per-file-ignores`-entry diagnostic.
pub const UNUSED_FILE_IGNORE: &str = "HG-S003";

/// A comment marker, `hegui:`, the directive kind and the rest of the comment.
static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:<!--|#|//)\s*hegui:\s*(allow-start|allow-end|allow-file|allow)\b([^\n]*?)\s*(?:-->\s*)?$")
        .expect("valid directive regex")
});

/// The diagnostics about directives and `per-file-ignores` entries, with
/// their default severities.
pub fn rules() -> [RuleInfo; 3] {
    let basis = "hegui 行内豁免约定（README“行内豁免”）：豁免必须写明理由，失效的豁免应删除";
    [
        RuleInfo {
            id: UNUSED.to_string(),
            category: Category::Suppression,
            severity: Severity::Warning,
            title: "未使用的豁免".to_string(),
            message: "豁免注释没有豁免任何结果（或规则编号不存在），它会掩盖今后真正的违规"
                .to_string(),
            basis: basis.to_string(),
            suggestion: "删除这条豁免注释，或改正其中的规则编号".to_string(),
        },
        RuleInfo {
            id: INVALID.to_string(),
            category: Category::Suppression,
            severity: Severity::Warning,
            title: "豁免缺少理由".to_string(),
            message:
                "豁免注释缺少规则编号或理由（或 allow-end 没有对应的 allow-start），因此不生效"
                    .to_string(),
            basis: basis.to_string(),
            suggestion: "写成 `<!-- hegui: allow HG-T001 理由 -->`，理由说明为何此处可以例外"
                .to_string(),
        },
        RuleInfo {
            id: UNUSED_FILE_IGNORE.to_string(),
            category: Category::Suppression,
            severity: Severity::Warning,
            title: "未使用的按文件豁免".to_string(),
            message: "配置中的 per-file-ignores 条目匹配了被检查的文件，却没有豁免其中任何结果，它会掩盖今后真正的违规"
                .to_string(),
            basis: "hegui 配置约定（README“配置”）：豁免必须写明理由，失效的豁免应删除"
                .to_string(),
            suggestion: "删除这个 per-file-ignores 条目，或改正其中的 path 和 rules".to_string(),
        },
    ]
}

/// What a directive applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Its own line and the next.
    Line,
    /// The lines up to the matching `allow-end`.
    Start,
    /// Ends the open `allow-start`.
    End,
    /// The whole file.
    File,
}

/// One directive found in a file.
#[derive(Clone, Debug)]
pub struct Directive {
    /// Its kind.
    pub kind: Kind,
    /// 1-based line it is on.
    pub line: usize,
    /// Byte range of the comment in the source text.
    pub span: Range<usize>,
    /// The rules it names, as written.
    pub ids: Vec<String>,
    /// Its reason (empty when missing).
    pub reason: String,
}

/// Whether `line` holds nothing but a directive (`<!-- hegui: allow … -->`,
/// `# hegui: allow-end`): a comment for hegui, not text of the document.
pub fn is_directive_line(line: &str) -> bool {
    let line = line.trim();
    line.contains("hegui:") && DIRECTIVE.find(line).is_some_and(|m| m.start() == 0)
}

/// Every directive of `source`, in line order.
pub fn directives(source: &SourceFile) -> Vec<Directive> {
    let mut found = Vec::new();
    for (line, range) in source.lines() {
        let text = &source.text[range.clone()];
        if !text.contains("hegui:") {
            continue;
        }
        let Some(caps) = DIRECTIVE.captures(text) else {
            continue;
        };
        let whole = caps.get(0).expect("group 0");
        let kind = match &caps[1] {
            "allow" => Kind::Line,
            "allow-start" => Kind::Start,
            "allow-end" => Kind::End,
            _ => Kind::File,
        };
        let (ids, reason) = split_ids(&caps[2]);
        found.push(Directive {
            kind,
            line,
            span: range.start + whole.start()..range.start + whole.end(),
            ids,
            reason,
        });
    }
    found
}

/// Leading rule ids / categories, then the reason.
fn split_ids(rest: &str) -> (Vec<String>, String) {
    let mut ids = Vec::new();
    let mut rest = rest.trim_start();
    loop {
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ',' || c == '，')
            .unwrap_or(rest.len());
        let word = &rest[..end];
        if word.is_empty() || Selector::parse(word).is_err() {
            break;
        }
        ids.push(word.to_string());
        rest = rest[end..].trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '，');
    }
    (ids, rest.trim().to_string())
}

/// How [`apply`] treats the rules a directive names.
pub trait RuleStatus {
    /// Whether some loaded rule (running or not) matches `selector`.
    fn exists(&self, selector: &Selector) -> bool;
    /// Whether some running rule matches `selector`.
    fn runs(&self, selector: &Selector) -> bool;
}

/// The result of applying a file's directives.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings not waived.
    pub kept: Vec<Finding>,
    /// How many findings were waived.
    pub suppressed: usize,
    /// Unused and invalid directives, as findings of the `unused` and
    /// `invalid` rules given to [`apply`].
    pub problems: Vec<Finding>,
}

/// A valid directive's reach, as a range of 1-based lines.
struct Active {
    directive: usize,
    lines: Range<usize>,
    selectors: Vec<Selector>,
    used: Vec<bool>,
}

/// Waives `findings` of `source` by its directives and reports problem
/// directives as findings of `unused` / `invalid` (`None`: not reported).
pub fn apply(
    source: &SourceFile,
    findings: Vec<Finding>,
    status: &dyn RuleStatus,
    unused: Option<&Arc<RuleInfo>>,
    invalid: Option<&Arc<RuleInfo>>,
) -> Outcome {
    let directives = directives(source);
    let mut outcome = Outcome::default();
    if directives.is_empty() {
        outcome.kept = findings;
        return outcome;
    }
    let mut active: Vec<Active> = Vec::new();
    let mut broken: Vec<usize> = Vec::new();
    let mut open: Option<usize> = None;
    let end_of_file = source.line_count() + 1;
    for (index, directive) in directives.iter().enumerate() {
        if directive.kind == Kind::End {
            match open.take() {
                Some(start) => active[start].lines.end = directive.line,
                None => broken.push(index),
            }
            continue;
        }
        if directive.ids.is_empty() || directive.reason.is_empty() {
            broken.push(index);
            continue;
        }
        let lines = match directive.kind {
            Kind::Line => directive.line..directive.line + 2,
            Kind::Start => directive.line..end_of_file,
            _ => 1..end_of_file,
        };
        if directive.kind == Kind::Start {
            open = Some(active.len());
        }
        let selectors: Vec<Selector> = directive
            .ids
            .iter()
            .filter_map(|id| Selector::parse(id).ok())
            .collect();
        active.push(Active {
            directive: index,
            lines,
            used: vec![false; selectors.len()],
            selectors,
        });
    }
    for finding in findings {
        let mut waived = false;
        for reach in &mut active {
            if !reach.lines.contains(&finding.start.line) {
                continue;
            }
            for (selector, used) in reach.selectors.iter().zip(&mut reach.used) {
                if selector.matches(&finding.rule) {
                    *used = true;
                    waived = true;
                }
            }
        }
        if waived {
            outcome.suppressed += 1;
        } else {
            outcome.kept.push(finding);
        }
    }
    let mut problems: Vec<(usize, Finding)> = Vec::new();
    if let Some(rule) = invalid {
        for &index in &broken {
            let directive = &directives[index];
            problems.push((index, diagnostic(source, directive, rule)));
        }
    }
    if let Some(rule) = unused {
        for reach in &active {
            let directive = &directives[reach.directive];
            let stale = reach
                .selectors
                .iter()
                .zip(&reach.used)
                .any(|(s, &used)| !status.exists(s) || (status.runs(s) && !used));
            if stale {
                problems.push((reach.directive, diagnostic(source, directive, rule)));
            }
        }
    }
    problems.sort_by_key(|(index, _)| *index);
    outcome.problems = problems.into_iter().map(|(_, f)| f).collect();
    outcome
}

fn diagnostic(source: &SourceFile, directive: &Directive, rule: &Arc<RuleInfo>) -> Finding {
    Finding {
        rule: Arc::clone(rule),
        span: directive.span.clone(),
        start: source.position(directive.span.start),
        end: source.position(directive.span.end),
        speaker: Role::Unknown,
        addressee: Addressee::Unknown,
        matched: directive.ids.clone(),
        context: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Position;

    struct AllKnown;

    impl RuleStatus for AllKnown {
        fn exists(&self, _: &Selector) -> bool {
            true
        }
        fn runs(&self, _: &Selector) -> bool {
            true
        }
    }

    fn finding(source: &SourceFile, id: &str, line: usize) -> Finding {
        let mut info = rules()[0].clone();
        info.id = id.to_string();
        let span = source.line_range(line);
        Finding {
            rule: Arc::new(info),
            start: Position { line, column: 1 },
            end: Position { line, column: 2 },
            span,
            speaker: Role::Agent,
            addressee: Addressee::Unknown,
            matched: Vec::new(),
            context: None,
        }
    }

    fn run(text: &str, hits: &[(&str, usize)]) -> Outcome {
        let source = SourceFile::new("t.md", text.to_string(), "UTF-8");
        let findings = hits
            .iter()
            .map(|&(id, l)| finding(&source, id, l))
            .collect();
        let [a, b, _] = rules().map(Arc::new);
        apply(&source, findings, &AllKnown, Some(&a), Some(&b))
    }

    #[test]
    fn parses_markdown_and_hash_comments() {
        let source = SourceFile::new(
            "t",
            "<!-- hegui: allow HG-T001, HG-I002 反面教材 -->\n说话 # hegui: allow-file threat 培训\n"
                .to_string(),
            "UTF-8",
        );
        let found = directives(&source);
        assert_eq!(found[0].ids, ["HG-T001", "HG-I002"]);
        assert_eq!(found[0].reason, "反面教材");
        assert_eq!(found[1].kind, Kind::File);
        assert_eq!(found[1].ids, ["threat"]);
    }

    #[test]
    fn line_directive_covers_itself_and_the_next_line() {
        let out = run(
            "<!-- hegui: allow HG-T001 示例 -->\n坏话\n坏话\n",
            &[("HG-T001", 2), ("HG-T001", 3)],
        );
        assert_eq!(out.suppressed, 1);
        assert_eq!(out.kept.len(), 1);
        assert!(out.problems.is_empty());
    }

    #[test]
    fn block_and_unused_and_missing_reason() {
        let text = "# hegui: allow-start HG-T001 培训\n坏话\n# hegui: allow-end\n坏话\n# hegui: allow HG-I001\n好话\n# hegui: allow HG-X001 理由\n";
        let out = run(text, &[("HG-T001", 2), ("HG-T001", 4)]);
        assert_eq!(out.suppressed, 1);
        assert_eq!(out.kept[0].start.line, 4);
        let ids: Vec<(&str, usize)> = out
            .problems
            .iter()
            .map(|f| (f.rule.id.as_str(), f.start.line))
            .collect();
        assert_eq!(ids, [(INVALID, 5), (UNUSED, 7)]);
    }
}
