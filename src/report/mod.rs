//! Reporters: one module per output format, all writing to `impl Write`.
//! (placeholder: being written.)

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::{Category, Finding};
use crate::source::SourceFile;

/// The findings of one checked input, with the source they point into.
#[derive(Debug)]
pub struct FileReport {
    /// The decoded input.
    pub source: SourceFile,
    /// Findings in source order.
    pub findings: Vec<Finding>,
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
                *summary.by_category.entry(finding.rule.category).or_default() += 1;
            }
        }
        summary
    }
}
