//! Findings as JSON Lines: one object per finding, in input order.
//!
//! A line is written field by field in a fixed order:
//!
//! ```text
//! path, row, record, line, column, rule, title, category, severity,
//! message, basis, excerpt, agent, debtor, time, relation
//! ```
//!
//! What depends on the rule alone (its id, title, category, severity, own
//! message and legal basis: most of a line's bytes) is escaped once per rule
//! ([`RuleJson`]) and copied into every line.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use super::check::AuditFinding;
use super::columns::Field;
use super::record::Record;
use crate::finding::RuleInfo;

/// One line of `findings.jsonl`.
#[derive(Debug)]
pub struct FindingLine<'a> {
    /// The file the record is in.
    pub path: &'a str,
    /// The 1-based line of the file the record starts on.
    pub row: u64,
    /// The record id.
    pub record: &'a str,
    /// 1-based line within the record's text (text findings only).
    pub line: Option<usize>,
    /// 1-based character column within that line (text findings only).
    pub column: Option<usize>,
    /// The rule.
    pub rule: &'a Arc<RuleInfo>,
    /// What is wrong.
    pub message: &'a str,
    /// The text concerned, masked unless `--no-redact`.
    pub excerpt: &'a str,
    /// Agent id.
    pub agent: &'a str,
    /// Debtor or case id.
    pub debtor: &'a str,
    /// Call time as written.
    pub time: &'a str,
    /// Contact relation.
    pub relation: &'a str,
}

impl<'a> FindingLine<'a> {
    /// The line for `finding` of `record`.
    pub fn new(path: &'a str, row: u64, record: &'a Record<'_>, finding: &'a AuditFinding) -> Self {
        FindingLine {
            path,
            row,
            record: record.get(Field::Id),
            line: finding.position.map(|p| p.line),
            column: finding.position.map(|p| p.column),
            rule: &finding.rule,
            message: finding.message(),
            excerpt: &finding.excerpt,
            agent: record.get(Field::Agent),
            debtor: record.get(Field::Debtor),
            time: record.get(Field::Time),
            relation: record.get(Field::Relation),
        }
    }

    /// The line for a finding of `rule` about `record` as a whole, not a
    /// place in its text.
    pub fn about(
        path: &'a str,
        row: u64,
        record: &'a Record<'_>,
        rule: &'a Arc<RuleInfo>,
        message: &'a str,
        excerpt: &'a str,
    ) -> Self {
        FindingLine {
            path,
            row,
            record: record.get(Field::Id),
            line: None,
            column: None,
            rule,
            message,
            excerpt,
            agent: record.get(Field::Agent),
            debtor: record.get(Field::Debtor),
            time: record.get(Field::Time),
            relation: record.get(Field::Relation),
        }
    }

    /// Writes the line and a newline, copying the rule's parts from
    /// `rules` when it has them.
    pub fn write(&self, rules: &RuleJson, out: &mut Vec<u8>) -> io::Result<()> {
        out.extend_from_slice(b"{\"path\":");
        serde_json::to_writer(&mut *out, self.path)?;
        out.extend_from_slice(b",\"row\":");
        serde_json::to_writer(&mut *out, &self.row)?;
        out.extend_from_slice(b",\"record\":");
        serde_json::to_writer(&mut *out, self.record)?;
        out.extend_from_slice(b",\"line\":");
        serde_json::to_writer(&mut *out, &self.line)?;
        out.extend_from_slice(b",\"column\":");
        serde_json::to_writer(&mut *out, &self.column)?;
        let made;
        let parts = match rules.of(self.rule) {
            Some(parts) => parts,
            None => {
                made = RuleParts::new(self.rule)?;
                &made
            }
        };
        out.extend_from_slice(&parts.head);
        if self.message == self.rule.message {
            out.extend_from_slice(&parts.message);
        } else {
            out.extend_from_slice(b",\"message\":");
            serde_json::to_writer(&mut *out, self.message)?;
        }
        out.extend_from_slice(&parts.basis);
        out.extend_from_slice(b",\"excerpt\":");
        serde_json::to_writer(&mut *out, self.excerpt)?;
        out.extend_from_slice(b",\"agent\":");
        serde_json::to_writer(&mut *out, self.agent)?;
        out.extend_from_slice(b",\"debtor\":");
        serde_json::to_writer(&mut *out, self.debtor)?;
        out.extend_from_slice(b",\"time\":");
        serde_json::to_writer(&mut *out, self.time)?;
        out.extend_from_slice(b",\"relation\":");
        serde_json::to_writer(&mut *out, self.relation)?;
        out.extend_from_slice(b"}\n");
        Ok(())
    }
}

/// The escaped JSON of what every line of one rule's findings repeats.
#[derive(Debug)]
struct RuleParts {
    /// `,"rule":…,"title":…,"category":…,"severity":…`
    head: Vec<u8>,
    /// `,"message":…` with the rule's own message.
    message: Vec<u8>,
    /// `,"basis":…`
    basis: Vec<u8>,
}

impl RuleParts {
    fn new(rule: &RuleInfo) -> io::Result<RuleParts> {
        let mut head = Vec::new();
        for (name, value) in [
            ("rule", rule.id.as_str()),
            ("title", &rule.title),
            ("category", rule.category.as_str()),
            ("severity", rule.severity.as_str()),
        ] {
            head.extend_from_slice(b",\"");
            head.extend_from_slice(name.as_bytes());
            head.extend_from_slice(b"\":");
            serde_json::to_writer(&mut head, value)?;
        }
        let mut message = b",\"message\":".to_vec();
        serde_json::to_writer(&mut message, &rule.message)?;
        let mut basis = b",\"basis\":".to_vec();
        serde_json::to_writer(&mut basis, &rule.basis)?;
        Ok(RuleParts {
            head,
            message,
            basis,
        })
    }
}

/// The escaped parts of the rules an audit reports, made once.
///
/// Rules are told apart by the address of their [`RuleInfo`], held here
/// so that it cannot be reused: two rule packs may use one id.
#[derive(Debug, Default)]
pub struct RuleJson {
    parts: HashMap<usize, (Arc<RuleInfo>, RuleParts)>,
}

impl RuleJson {
    /// The parts of every rule in `rules`.
    pub fn new<'r>(rules: impl IntoIterator<Item = &'r Arc<RuleInfo>>) -> io::Result<RuleJson> {
        let mut parts = HashMap::new();
        for rule in rules {
            let made = RuleParts::new(rule)?;
            parts.insert(address(rule), (Arc::clone(rule), made));
        }
        Ok(RuleJson { parts })
    }

    fn of(&self, rule: &RuleInfo) -> Option<&RuleParts> {
        self.parts.get(&address(rule)).map(|(_, parts)| parts)
    }
}

/// Where `rule` lies in memory.
fn address(rule: &RuleInfo) -> usize {
    std::ptr::from_ref(rule) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Position, Severity};
    use serde_json::Value;

    fn rule() -> Arc<RuleInfo> {
        Arc::new(RuleInfo {
            id: "HG-X1".to_string(),
            category: Category::Threat,
            severity: Severity::Error,
            title: "标题\"引号\"".to_string(),
            message: "说明\\反斜杠".to_string(),
            basis: "依据\n换行\u{1}".to_string(),
            suggestion: String::new(),
        })
    }

    /// A finding of `rule` with no excerpt.
    fn finding_of(rule: &Arc<RuleInfo>, message: Option<&str>) -> AuditFinding {
        AuditFinding {
            rule: Arc::clone(rule),
            message: message.map(str::to_string),
            position: None,
            excerpt: String::new(),
            highlight: None,
        }
    }

    fn line_of(finding: &AuditFinding, rules: &RuleJson) -> Value {
        let mut record = Record::default();
        record.set(Field::Id, "R\"1".to_string());
        record.set(Field::Agent, " A1 ".to_string());
        let mut out = Vec::new();
        FindingLine::new("路径.csv", 7, &record, finding)
            .write(rules, &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches('\n').count(), 1, "one line: {text}");
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn lines_are_the_same_with_or_without_the_rule_parts_made_first() {
        let rule = rule();
        let finding = AuditFinding {
            position: Some(Position { line: 2, column: 5 }),
            excerpt: "摘录\t".to_string(),
            ..finding_of(&rule, None)
        };
        let made = RuleJson::new([&rule]).unwrap();
        let line = line_of(&finding, &made);
        assert_eq!(line, line_of(&finding, &RuleJson::default()));
        assert_eq!(line["record"], "R\"1");
        assert_eq!(line["agent"], "A1");
        assert_eq!(line["line"], 2);
        assert_eq!(line["title"], "标题\"引号\"");
        assert_eq!(line["message"], "说明\\反斜杠");
        assert_eq!(line["basis"], "依据\n换行\u{1}");
        assert_eq!(line["excerpt"], "摘录\t");
        assert_eq!(line["debtor"], "");
    }

    #[test]
    fn a_filled_message_replaces_the_rules_own() {
        let rule = rule();
        let finding = finding_of(&rule, Some("通话对象：配偶"));
        let line = line_of(&finding, &RuleJson::new([&rule]).unwrap());
        assert_eq!(line["message"], "通话对象：配偶");
        assert_eq!(line["line"], Value::Null);
    }

    #[test]
    fn fields_come_in_a_fixed_order() {
        let rule = rule();
        let finding = finding_of(&rule, None);
        let mut out = Vec::new();
        FindingLine::new("p", 1, &Record::default(), &finding)
            .write(&RuleJson::new([&rule]).unwrap(), &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let names = [
            "path", "row", "record", "line", "column", "rule", "title", "category", "severity",
            "message", "basis", "excerpt", "agent", "debtor", "time", "relation",
        ];
        let at: Vec<usize> = names
            .iter()
            .map(|name| text.find(&format!("\"{name}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    }
}
