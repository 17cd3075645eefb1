//! `hegui rules`, `hegui explain ID` and `hegui test-rules`.

use std::io::Write;

use anyhow::bail;
use hegui::engine::Checker;
use hegui::examples::run_examples;
use hegui::rules::{Matcher, Scope};
use hegui::suppress;

use super::args::{ExplainArgs, RulesArgs, RulesListArgs};
use super::inputs::{Input, Loaded, load};
use super::project::Project;
use super::{EXIT_FINDINGS, load_rules};

/// Lists every rule the configuration selects (id, category, severity as
/// configured, title), or prints the rule-set hash with `--version-hash`.
pub fn list(args: &RulesListArgs) -> anyhow::Result<u8> {
    let project = Project::new(&args.rules, &args.config, &args.select)?;
    let mut out = std::io::stdout().lock();
    if args.version_hash {
        writeln!(out, "{}", project.rules_hash)?;
        return Ok(0);
    }
    for info in project.rule_infos() {
        writeln!(
            out,
            "{:<10} {:<24} {:<8} {}",
            info.id, info.category, info.severity, info.title
        )?;
    }
    Ok(0)
}

/// Shows everything a rule says, with its examples.
pub fn explain(args: &ExplainArgs) -> anyhow::Result<u8> {
    let rules = load_rules(&args.rules)?;
    if let Some(target) = &args.trace {
        return trace(Checker::new(rules), target);
    }
    let id = args.id.as_deref().unwrap_or_default();
    if let Some(info) = suppress::rules().iter().find(|info| info.id == id) {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{} {}", info.id, info.title)?;
        writeln!(
            out,
            "类别: {} ({})  严重程度: {}  来源: hegui 内置（豁免检查）",
            info.category.label_zh(),
            info.category,
            info.severity
        )?;
        writeln!(out, "说明: {}", info.message)?;
        writeln!(out, "依据: {}", info.basis)?;
        writeln!(out, "建议: {}", info.suggestion)?;
        return Ok(0);
    }
    let Some(rule) = rules.get(id) else {
        bail!("no rule with id `{id}` (see `hegui rules`)");
    };
    let info = &rule.info;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} {}", info.id, info.title)?;
    writeln!(
        out,
        "类别: {} ({})  严重程度: {}  来源: {}",
        info.category.label_zh(),
        info.category,
        info.severity,
        rule.origin
    )?;
    writeln!(out, "说明: {}", info.message)?;
    writeln!(out, "依据: {}", info.basis)?;
    writeln!(out, "建议: {}", info.suggestion)?;
    let scope = match rule.scope {
        Scope::Line => "整行",
        Scope::Sentence => "同一句",
        Scope::Clause => "同一分句",
    };
    match &rule.matcher {
        Matcher::Line(when) => {
            writeln!(out, "命中条件（{scope}）: {}", when.describe(&rules.terms))?
        }
        Matcher::Fact(fact) => writeln!(out, "命中条件（整行）: [{}]", fact.label_zh())?,
        Matcher::Missing {
            node, min_lines, ..
        } => writeln!(
            out,
            "缺失条件: 不少于 {min_lines} 行的话术模板中没有任何一行满足 {}",
            node.describe(&rules.terms)
        )?,
    }
    for exception in &rule.unless {
        writeln!(
            out,
            "例外（满足则不报）: {}",
            exception.describe(&rules.terms)
        )?;
    }
    writeln!(out, "违规示例:")?;
    for text in &rule.must_match {
        writeln!(out, "  ✗ {}", text.replace('\n', " ⏎ "))?;
    }
    writeln!(out, "合规示例:")?;
    for text in &rule.no_match {
        writeln!(out, "  ✓ {}", text.replace('\n', " ⏎ "))?;
    }
    Ok(0)
}

/// Shows how the file of `target` (`FILE` or `FILE:LINE`) is read and
/// judged, unit by unit.
fn trace(checker: Checker, target: &str) -> anyhow::Result<u8> {
    let (path, line) = match target.rsplit_once(':') {
        Some((path, line)) if line.parse::<usize>().is_ok() && !path.is_empty() => {
            (path, line.parse::<usize>().ok())
        }
        _ => (target, None),
    };
    let source = match load(&Input::File(path.into()), None) {
        Loaded::Text(source) => source,
        Loaded::Binary(path) => bail!("{path}: a binary file, not text"),
        Loaded::Failed(error) => bail!("{}: {}", error.path, error.message),
    };
    let trace = checker.trace(&source, None);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: 体裁 {} ({})",
        source.path,
        trace.genre.label_zh(),
        trace.genre.as_str()
    )?;
    for unit in trace
        .units
        .iter()
        .filter(|u| line.is_none_or(|l| (u.start.line..=u.end.line).contains(&l)))
    {
        let place = if unit.end.line > unit.start.line {
            format!(
                "{}:{}-{}:{}",
                unit.start.line, unit.start.column, unit.end.line, unit.end.column
            )
        } else {
            format!("{}:{}", unit.start.line, unit.start.column)
        };
        writeln!(out, "\n{place} {}", unit.text)?;
        let reading = &unit.reading;
        writeln!(
            out,
            "  说话人: {} ({:?})  受话人: {:?}  性质: {:?}  段落: {:?}{}",
            unit.speaker.as_deref().unwrap_or("-"),
            reading.role,
            reading.addressee,
            reading.frame,
            reading.section,
            if unit.heading { "  [标题]" } else { "" }
        )?;
        if !unit.cues.is_empty() {
            let cues: Vec<&str> = unit.cues.iter().map(|c| c.key()).collect();
            writeln!(out, "  线索: {}", cues.join(", "))?;
        }
        for rule in &unit.rules {
            let matched: Vec<String> = rule.matched.iter().map(|m| format!("「{m}」")).collect();
            writeln!(
                out,
                "  {}: {}  匹配: {}",
                rule.id,
                rule.decision.label_zh(),
                matched.join("")
            )?;
        }
    }
    Ok(0)
}

/// Runs every rule's examples; exit code 1 if any behaves otherwise.
pub fn test_rules(args: &RulesArgs) -> anyhow::Result<u8> {
    let checker = Checker::new(load_rules(args)?);
    let report = run_examples(&checker);
    let mut out = std::io::stdout().lock();
    for failure in &report.failures {
        let expectation = if failure.expected_match {
            "should fire but did not"
        } else {
            "fired but should not"
        };
        writeln!(
            out,
            "FAIL {} ({}): {expectation}: {}",
            failure.rule,
            failure.origin,
            failure.text.replace('\n', " ⏎ ")
        )?;
    }
    writeln!(
        out,
        "rule examples: {} passed, {} failed",
        report.passed,
        report.failures.len()
    )?;
    Ok(if report.failures.is_empty() {
        0
    } else {
        EXIT_FINDINGS
    })
}
