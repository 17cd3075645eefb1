//! Baselines and stable hashes.
//!
//! A baseline file records the findings a repository has accepted for now,
//! so that CI fails only on new ones. Each finding is recorded by a
//! [`fingerprint`]: a hash of its path, rule, matched text and the text of
//! its line, with all whitespace removed. Line numbers are left out on
//! purpose, so inserting or deleting unrelated lines above a finding does
//! not make it new; editing the line itself does. Equal fingerprints are
//! counted, so a second identical line is new.
//!
//! Hashes are 64-bit FNV-1a, written as 16 hex digits: stable across
//! platforms and releases, unlike `std`'s hasher, and not meant to resist
//! anyone crafting collisions. [`rule_set_hash`] uses the same hash to name
//! the version of a loaded rule set.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::rules::RuleSet;
use crate::source::SourceFile;

/// The version of the baseline file format.
pub const VERSION: u32 = 1;

/// A baseline file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version, [`VERSION`].
    pub version: u32,
    /// The rule-set hash of the run that wrote it (informational).
    pub rules_hash: String,
    /// The accepted findings.
    pub findings: Vec<Entry>,
}

/// One accepted finding.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Its [`fingerprint`].
    pub fingerprint: String,
    /// Path, rule and line when written, for people reading the file;
    /// only the fingerprint is compared.
    pub path: String,
    /// The rule id.
    pub rule: String,
    /// The line when written.
    pub line: usize,
}

impl Baseline {
    /// A baseline accepting every finding of `files`.
    pub fn of<'a>(
        files: impl IntoIterator<Item = (&'a SourceFile, &'a [Finding])>,
        rules_hash: &str,
    ) -> Baseline {
        let findings = files
            .into_iter()
            .flat_map(|(source, findings)| {
                findings.iter().map(move |finding| Entry {
                    fingerprint: fingerprint(source, finding),
                    path: clean_path(&source.path),
                    rule: finding.rule.id.clone(),
                    line: finding.start.line,
                })
            })
            .collect();
        Baseline {
            version: VERSION,
            rules_hash: rules_hash.to_string(),
            findings,
        }
    }

    /// Parses a baseline file.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if baseline.version != VERSION {
            return Err(format!(
                "unsupported baseline version {} (expected {VERSION})",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// A filter that waives each recorded finding once.
    pub fn filter(&self) -> BaselineFilter {
        let mut remaining = HashMap::new();
        for entry in &self.findings {
            *remaining.entry(entry.fingerprint.clone()).or_insert(0) += 1;
        }
        BaselineFilter { remaining }
    }
}

/// Removes findings recorded in a baseline; see [`Baseline::filter`].
#[derive(Debug)]
pub struct BaselineFilter {
    remaining: HashMap<String, usize>,
}

impl BaselineFilter {
    /// Keeps the findings of `source` that are new; returns them and how
    /// many were waived.
    pub fn apply(&mut self, source: &SourceFile, findings: Vec<Finding>) -> (Vec<Finding>, usize) {
        let mut waived = 0;
        let kept = findings
            .into_iter()
            .filter(
                |finding| match self.remaining.get_mut(&fingerprint(source, finding)) {
                    Some(count) if *count > 0 => {
                        *count -= 1;
                        waived += 1;
                        false
                    }
                    _ => true,
                },
            )
            .collect();
        (kept, waived)
    }
}

/// The stable fingerprint of `finding` in `source`: path, rule, matched text
/// and line text, whitespace removed; no line number.
pub fn fingerprint(source: &SourceFile, finding: &Finding) -> String {
    let squeeze = |text: &str| text.split_whitespace().collect::<String>();
    let matched = source.text.get(finding.span.clone()).unwrap_or_default();
    let line = source.line_text(finding.start.line);
    let key = [
        clean_path(&source.path),
        finding.rule.id.clone(),
        squeeze(matched),
        squeeze(line),
    ]
    .join("\0");
    format!("{:016x}", fnv1a(key.as_bytes()))
}

/// The version of a compiled rule set: the hash of everything in it (rules
/// with their severities and expressions, terms, speaker labels, context
/// cues), so two runs with equal hashes judged by the same rules.
pub fn rule_set_hash(rules: &RuleSet) -> String {
    format!("{:016x}", fnv1a(format!("{rules:?}").as_bytes()))
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `path` with `/` separators and no leading `./`.
fn clean_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.strip_prefix("./").unwrap_or(&path).to_string()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::document::{Addressee, Role};
    use crate::finding::{Category, RuleInfo, Severity};

    fn finding_at(source: &SourceFile, needle: &str) -> Finding {
        let start = source.text.find(needle).unwrap();
        let span = start..start + needle.len();
        Finding {
            rule: Arc::new(RuleInfo {
                id: "HG-T001".into(),
                category: Category::Threat,
                severity: Severity::Error,
                title: String::new(),
                message: String::new(),
                basis: String::new(),
                suggestion: String::new(),
            }),
            start: source.position(span.start),
            end: source.position(span.end),
            span,
            speaker: Role::Agent,
            addressee: Addressee::Unknown,
            matched: Vec::new(),
            context: None,
        }
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn fingerprint_ignores_line_numbers_and_spacing() {
        let old = SourceFile::new("./a.md", "坏话 在此\n".into(), "UTF-8");
        let new = SourceFile::new("a.md", "新行\n\n坏话在此\n".into(), "UTF-8");
        assert_eq!(
            fingerprint(&old, &finding_at(&old, "坏话")),
            fingerprint(&new, &finding_at(&new, "坏话"))
        );
    }

    #[test]
    fn filter_waives_each_recorded_finding_once() {
        let old = SourceFile::new("a.md", "坏话\n".into(), "UTF-8");
        let baseline = Baseline::of([(&old, &[finding_at(&old, "坏话")][..])], "h");
        let text = Baseline::parse(&serde_json::to_string(&baseline).unwrap()).unwrap();
        let new = SourceFile::new("a.md", "坏话\n坏话\n".into(), "UTF-8");
        let second = {
            let mut f = finding_at(&new, "坏话");
            f.span = 7..13;
            f.start = new.position(7);
            f
        };
        let (kept, waived) = text
            .filter()
            .apply(&new, vec![finding_at(&new, "坏话"), second]);
        assert_eq!((kept.len(), waived), (1, 1));
    }
}
