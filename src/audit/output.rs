//! Findings as JSON Lines: one object per finding, in input order.

use std::io::{self, Write};

use serde::Serialize;

use super::check::AuditFinding;
use super::columns::Field;
use super::record::Record;

/// One line of `findings.jsonl`.
#[derive(Debug, Serialize)]
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
    /// Rule id.
    pub rule: &'a str,
    /// Rule title.
    pub title: &'a str,
    /// Category name.
    pub category: &'static str,
    /// Severity name.
    pub severity: &'static str,
    /// What is wrong.
    pub message: &'a str,
    /// Legal basis.
    pub basis: &'a str,
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
        let rule = &*finding.rule;
        FindingLine {
            path,
            row,
            record: record.get(Field::Id),
            line: finding.position.map(|p| p.line),
            column: finding.position.map(|p| p.column),
            rule: &rule.id,
            title: &rule.title,
            category: rule.category.as_str(),
            severity: rule.severity.as_str(),
            message: finding.message(),
            basis: &rule.basis,
            excerpt: &finding.excerpt,
            agent: record.get(Field::Agent).trim(),
            debtor: record.get(Field::Debtor).trim(),
            time: record.get(Field::Time).trim(),
            relation: record.get(Field::Relation).trim(),
        }
    }

    /// Writes the line and a newline.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, self)?;
        out.write_all(b"\n")
    }
}
