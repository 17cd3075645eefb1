//! The audit's totals: record accounting per file, findings per rule,
//! category, agent and hour, metadata-rule counts, errors, and a fixed-size
//! random sample of findings for human review.
//!
//! Everything here is bounded whatever the input size: per-file rows, the
//! rules and categories, 24 hours, [`MAX_ERRORS`] error entries and
//! [`Sample`]'s capacity. The one map that grows with the data is the agent
//! table, one entry per agent with findings (thousands, not millions).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::columns::Field;
use super::config::{MetaRules, Profile};
use super::record::{CallTime, Record, RecordError};
use crate::finding::{Category, RuleInfo};

/// The version of the summary and findings JSON contract.
pub const VERSION: u32 = 1;

/// Error entries kept in the summary; all are counted.
pub const MAX_ERRORS: usize = 1000;

/// Agents listed in `top_agents`.
pub const TOP_AGENTS: usize = 20;

/// Record accounting of one input: `read = checked + skipped + failed`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileAccount {
    /// The input's path.
    pub path: String,
    /// `csv`, `tsv`, `jsonl`, `transcripts` or `unreadable`.
    pub format: &'static str,
    /// Records read.
    pub read: u64,
    /// Records checked.
    pub checked: u64,
    /// Records with nothing to check (blank rows, binary files).
    pub skipped: u64,
    /// Malformed records, each reported with its row.
    pub failed: u64,
    /// Findings on its records.
    pub findings: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Fields that no column holds; rules needing them were off.
    pub missing_columns: Vec<&'static str>,
    /// A problem with the whole input (unreadable, bad header), if any.
    pub error: Option<String>,
}

/// Totals over all inputs.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    /// Inputs.
    pub files: u64,
    /// Inputs that could not be read at all.
    pub failed_files: u64,
    /// Records read.
    pub read: u64,
    /// Records checked.
    pub checked: u64,
    /// Records skipped.
    pub skipped: u64,
    /// Records failed.
    pub failed: u64,
    /// Findings.
    pub findings: u64,
    /// Bytes read.
    pub bytes: u64,
}

/// Findings of one rule.
#[derive(Clone, Debug, Serialize)]
pub struct RuleCount {
    /// Rule id.
    pub rule: String,
    /// Rule title.
    pub title: String,
    /// Category name.
    pub category: &'static str,
    /// Severity name.
    pub severity: &'static str,
    /// Number of findings.
    pub findings: u64,
}

/// Findings of one agent.
#[derive(Clone, Debug, Serialize)]
pub struct AgentCount {
    /// Agent id.
    pub agent: String,
    /// Number of findings.
    pub findings: u64,
}

/// Findings of the metadata rules.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MetaCounts {
    /// Calls in the quiet hours.
    pub quiet_hours: u64,
    /// Debtors over the connected-call limit (one per debtor and day).
    pub connected_calls: u64,
    /// Numbers over the unanswered-attempt limit (one per number and day).
    pub unanswered_attempts: u64,
    /// Calls to contacts that disclosed the debt.
    pub contact_disclosure: u64,
}

/// The profile in force.
#[derive(Clone, Debug, Serialize)]
pub struct ProfileInfo {
    /// Its name.
    pub name: String,
    /// Quiet hours, `HH:MM-HH:MM`.
    pub quiet_hours: String,
    /// Connected-call limit per debtor and day.
    pub max_connected_per_day: u32,
    /// Unanswered-attempt limit per number and day.
    pub max_unanswered_per_number_per_day: u32,
}

/// One sampled finding, for the HTML report: the fields of its line in
/// `findings.jsonl`, read back from it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SampleFinding {
    /// The file.
    pub path: String,
    /// The row the record starts on.
    pub row: u64,
    /// Record id.
    pub record: String,
    /// Agent id.
    pub agent: String,
    /// Call time as written.
    pub time: String,
    /// Rule id.
    pub rule: String,
    /// Rule title.
    pub title: String,
    /// Category name.
    pub category: String,
    /// Severity name.
    pub severity: String,
    /// The message.
    pub message: String,
    /// The (masked) excerpt.
    pub excerpt: String,
    /// The part of the excerpt to highlight.
    #[serde(skip)]
    pub highlight: Option<Range<usize>>,
}

/// A uniform random sample of fixed size (reservoir sampling with a fixed
/// seed, so the same input gives the same sample).
#[derive(Clone, Debug)]
pub struct Sample {
    capacity: usize,
    seen: u64,
    state: u64,
    /// The sampled findings, in no particular order.
    pub items: Vec<SampleFinding>,
}

impl Sample {
    /// An empty sample of at most `capacity` findings.
    pub fn new(capacity: usize) -> Sample {
        Sample {
            capacity,
            seen: 0,
            state: 0x9e37_79b9_7f4a_7c15,
            items: Vec::new(),
        }
    }

    /// Offers one finding; `make` is only called if it is kept (and
    /// nothing is kept if it gives `None`).
    pub fn offer(&mut self, make: impl FnOnce() -> Option<SampleFinding>) {
        self.seen += 1;
        if self.items.len() < self.capacity {
            self.items.extend(make());
            return;
        }
        // xorshift64*: cheap, deterministic, good enough for sampling.
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let r = self.state.wrapping_mul(0x2545_f491_4f6c_dd1d) % self.seen;
        if let Ok(slot) = usize::try_from(r)
            && slot < self.capacity
            && let Some(item) = make()
        {
            self.items[slot] = item;
        }
    }
}

/// Counts of checked records and their findings over a part of an input,
/// made on a worker thread and added to the [`Summary`] with
/// [`Summary::add`].
#[derive(Debug, Default)]
pub struct Tally {
    /// Records checked.
    pub checked: u64,
    /// Records skipped.
    pub skipped: u64,
    calls_by_hour: [u64; 24],
    calls_without_time: u64,
    findings_by_hour: [u64; 24],
    /// Findings per rule: a short list (there are a few dozen rules).
    rules: Vec<(Arc<RuleInfo>, u64)>,
    agents: hashbrown::HashMap<String, u64, foldhash::fast::RandomState>,
}

impl Tally {
    /// Counts a checked record, by the hour of its call if it has a time.
    pub fn call(&mut self, record: &Record<'_>) {
        self.checked += 1;
        match record.time.map(CallTime::hour) {
            Some(h) => self.calls_by_hour[h] += 1,
            None => self.calls_without_time += 1,
        }
    }

    /// Counts a finding of `rule` on `record` (its agent and the hour of
    /// its call).
    pub fn finding(&mut self, rule: &Arc<RuleInfo>, record: &Record<'_>) {
        match self.rules.iter_mut().find(|(r, _)| Arc::ptr_eq(r, rule)) {
            Some((_, n)) => *n += 1,
            None => self.rules.push((Arc::clone(rule), 1)),
        }
        let agent = record.get(Field::Agent);
        if !agent.is_empty() {
            match self.agents.get_mut(agent) {
                Some(n) => *n += 1,
                None => {
                    self.agents.insert(agent.to_string(), 1);
                }
            }
        }
        if let Some(h) = record.time.map(CallTime::hour) {
            self.findings_by_hour[h] += 1;
        }
    }
}

/// The summary of a run (`summary.json`).
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Contract version.
    pub version: u32,
    /// The profile in force.
    pub profile: ProfileInfo,
    /// Whether personal numbers were masked.
    pub redacted: bool,
    /// Accounting per input, in input order.
    pub files: Vec<FileAccount>,
    /// Accounting over all inputs.
    pub totals: Totals,
    /// Findings per category; every category is listed.
    pub by_category: BTreeMap<&'static str, u64>,
    /// Findings per rule, most first.
    pub by_rule: Vec<RuleCount>,
    /// The agents with most findings.
    pub top_agents: Vec<AgentCount>,
    /// Findings by hour of the call (records with a call time).
    pub findings_by_hour: [u64; 24],
    /// Calls by hour.
    pub calls_by_hour: [u64; 24],
    /// Checked records without a call time.
    pub calls_without_time: u64,
    /// Findings of the metadata rules.
    pub metadata: MetaCounts,
    /// Calls too far out of time order for the frequency counters.
    pub frequency_out_of_window: u64,
    /// Failed records per kind of problem.
    pub errors_by_kind: BTreeMap<&'static str, u64>,
    /// The first [`MAX_ERRORS`] failed records.
    pub errors: Vec<RecordError>,
    #[serde(skip)]
    rules: BTreeMap<String, RuleCount>,
    #[serde(skip)]
    agents: HashMap<String, u64>,
    #[serde(skip)]
    meta_ids: [String; 4],
    /// Sampled findings for the HTML report.
    #[serde(skip)]
    pub sample: Sample,
}

impl Summary {
    /// An empty summary for a run under `profile`.
    pub fn new(profile: &Profile, rules: &MetaRules, redacted: bool, sample: usize) -> Summary {
        Summary {
            version: VERSION,
            profile: ProfileInfo {
                name: profile.name.clone(),
                quiet_hours: profile.quiet_hours.to_string(),
                max_connected_per_day: profile.max_connected,
                max_unanswered_per_number_per_day: profile.max_unanswered,
            },
            redacted,
            files: Vec::new(),
            totals: Totals::default(),
            by_category: Category::ALL.iter().map(|c| (c.as_str(), 0)).collect(),
            by_rule: Vec::new(),
            top_agents: Vec::new(),
            findings_by_hour: [0; 24],
            calls_by_hour: [0; 24],
            calls_without_time: 0,
            metadata: MetaCounts::default(),
            frequency_out_of_window: 0,
            errors_by_kind: BTreeMap::new(),
            errors: Vec::new(),
            rules: BTreeMap::new(),
            agents: HashMap::new(),
            meta_ids: [
                rules.quiet_hours.id.clone(),
                rules.connected_calls.id.clone(),
                rules.unanswered_attempts.id.clone(),
                rules.contact_disclosure.id.clone(),
            ],
            sample: Sample::new(sample),
        }
    }

    /// Starts the accounting of an input; returns its index.
    pub fn begin_file(&mut self, path: &str, format: &'static str) -> usize {
        self.files.push(FileAccount {
            path: path.to_string(),
            format,
            ..FileAccount::default()
        });
        self.files.len() - 1
    }

    /// Records a problem with a whole input.
    pub fn file_error(&mut self, file: usize, message: String) {
        self.files[file].error = Some(message);
    }

    /// Records fields missing from an input's header.
    pub fn missing_columns(&mut self, file: usize, missing: Vec<&'static str>) {
        self.files[file].missing_columns = missing;
    }

    /// Sets the bytes read from an input.
    pub fn bytes(&mut self, file: usize, bytes: u64) {
        self.files[file].bytes = bytes;
    }

    /// Counts a failed record.
    pub fn failed(&mut self, file: usize, error: &RecordError) {
        self.files[file].read += 1;
        self.files[file].failed += 1;
        *self.errors_by_kind.entry(error.kind.as_str()).or_default() += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(error.clone());
        }
    }

    /// Counts a call whose frequency could not be counted.
    pub fn out_of_window(&mut self) {
        self.frequency_out_of_window += 1;
    }

    /// Adds the counts of a part of input `file`.
    pub fn add(&mut self, file: usize, tally: Tally) {
        let account = &mut self.files[file];
        account.read += tally.checked + tally.skipped;
        account.checked += tally.checked;
        account.skipped += tally.skipped;
        for (hour, calls) in tally.calls_by_hour.iter().enumerate() {
            self.calls_by_hour[hour] += calls;
            self.findings_by_hour[hour] += tally.findings_by_hour[hour];
        }
        self.calls_without_time += tally.calls_without_time;
        for (rule, findings) in tally.rules {
            account.findings += findings;
            *self.by_category.entry(rule.category.as_str()).or_default() += findings;
            let meta = &mut self.metadata;
            match self.meta_ids.iter().position(|id| *id == rule.id) {
                Some(0) => meta.quiet_hours += findings,
                Some(1) => meta.connected_calls += findings,
                Some(2) => meta.unanswered_attempts += findings,
                Some(3) => meta.contact_disclosure += findings,
                _ => {}
            }
            match self.rules.get_mut(&rule.id) {
                Some(count) => count.findings += findings,
                None => {
                    let count = RuleCount {
                        rule: rule.id.clone(),
                        title: rule.title.clone(),
                        category: rule.category.as_str(),
                        severity: rule.severity.as_str(),
                        findings,
                    };
                    self.rules.insert(rule.id.clone(), count);
                }
            }
        }
        for (agent, findings) in tally.agents {
            *self.agents.entry(agent).or_default() += findings;
        }
    }

    /// Computes the totals and rankings; call once after the last record.
    pub fn finish(&mut self) {
        let mut totals = Totals::default();
        for file in &self.files {
            totals.files += 1;
            totals.failed_files += u64::from(file.error.is_some());
            totals.read += file.read;
            totals.checked += file.checked;
            totals.skipped += file.skipped;
            totals.failed += file.failed;
            totals.findings += file.findings;
            totals.bytes += file.bytes;
        }
        self.totals = totals;
        let mut rules: Vec<RuleCount> = self.rules.values().cloned().collect();
        rules.sort_by(|a, b| b.findings.cmp(&a.findings).then(a.rule.cmp(&b.rule)));
        self.by_rule = rules;
        let mut agents: Vec<AgentCount> = self
            .agents
            .iter()
            .map(|(agent, &findings)| AgentCount {
                agent: agent.clone(),
                findings,
            })
            .collect();
        agents.sort_by(|a, b| b.findings.cmp(&a.findings).then(a.agent.cmp(&b.agent)));
        agents.truncate(TOP_AGENTS);
        self.top_agents = agents;
        self.sample
            .items
            .sort_by(|a, b| a.path.cmp(&b.path).then(a.row.cmp(&b.row)));
    }

    /// Whether any record or input failed.
    pub fn has_failures(&self) -> bool {
        self.files.iter().any(|f| f.failed > 0 || f.error.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_item(row: u64) -> SampleFinding {
        SampleFinding {
            path: String::new(),
            row,
            record: String::new(),
            agent: String::new(),
            time: String::new(),
            rule: String::new(),
            title: String::new(),
            category: "threat".to_string(),
            severity: "error".to_string(),
            message: String::new(),
            excerpt: String::new(),
            highlight: None,
        }
    }

    #[test]
    fn sample_is_bounded_and_spread() {
        let mut sample = Sample::new(10);
        for row in 0..10_000 {
            sample.offer(|| Some(sample_item(row)));
        }
        assert_eq!(sample.items.len(), 10);
        assert!(
            sample.items.iter().any(|i| i.row >= 5000),
            "later rows are sampled too"
        );
    }
}
