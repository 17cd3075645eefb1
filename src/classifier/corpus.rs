//! The training data of the built-in model, as `rules/classifier.toml`
//! names it: labelled corpora in the scorer's JSONL shape, plain files of
//! ordinary text, and the examples of the rules.

use std::path::Path;

use serde::Deserialize;

use super::train::{Sample, TrainOptions};
use crate::clock::Stamp;
use crate::finding::Category;
use crate::normalize::normalize;
use crate::rules::{Matcher, RuleSet};

/// The class of text that is none of the categories.
pub const NONE: &str = "none";

/// `rules/classifier.toml`: what the model is trained on, and how.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingPlan {
    /// Labelled corpora (`{"id", "lines": [{"text", "labels"}]}` a line),
    /// relative to the repository root.
    pub corpora: Vec<String>,
    /// Files of ordinary text, one example of `none` a line.
    pub ordinary: Vec<String>,
    /// Corpora never trained on, kept to measure the model on unseen text.
    /// Listed so that a test can check they stay out of `corpora`.
    pub held_out: Vec<String>,
    /// Whether the examples of the built-in rules are trained on: a rule's
    /// must-match examples as its category, its no-match examples as `none`.
    pub rule_examples: bool,
    /// How the model is trained (`[training]`).
    pub training: TrainOptions,
}

impl TrainingPlan {
    /// Reads a plan.
    pub fn parse(text: &str) -> Result<TrainingPlan, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

/// The model's classes: `none`, then the six categories.
pub fn classes() -> Vec<String> {
    std::iter::once(NONE)
        .chain(Category::ALL.map(Category::as_str))
        .map(str::to_string)
        .collect()
}

#[derive(Deserialize)]
struct Case {
    lines: Vec<CaseLine>,
}

#[derive(Deserialize)]
struct CaseLine {
    text: String,
    labels: Vec<String>,
    #[serde(default)]
    also: Vec<String>,
}

impl CaseLine {
    /// Whether the line teaches the model nothing about its words: a line
    /// a reviewer may flag or not (only acceptable labels), or a log entry
    /// that is harassment by its time stamp alone ("23:18 呼出 本人 无人接听"),
    /// whose words are those of any lawful entry.
    fn is_uninformative(&self) -> bool {
        (self.labels.is_empty() && !self.also.is_empty())
            || (!self.labels.is_empty()
                && self.labels.iter().all(|l| l == "harassment")
                && Stamp::of_entry(&self.text).is_some())
    }
}

/// Every sample the plan names, files read relative to `root`; `rules`
/// gives the examples. Errors name the file and line.
pub fn samples(root: &Path, plan: &TrainingPlan, rules: &RuleSet) -> Result<Vec<Sample>, String> {
    let classes = classes();
    let class_of = |name: &str| classes.iter().position(|c| c == name);
    let sample = |text: &str, class: usize| Sample {
        text: normalize(text).as_str().to_string(),
        class,
    };
    let read =
        |name: &str| std::fs::read_to_string(root.join(name)).map_err(|e| format!("{name}: {e}"));
    let mut samples = Vec::new();
    for name in &plan.corpora {
        for (n, line) in read(name)?.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let case: Case =
                serde_json::from_str(line).map_err(|e| format!("{name}:{}: {e}", n + 1))?;
            for text in case.lines.iter().filter(|l| !l.is_uninformative()) {
                let label = text.labels.first().map_or(NONE, String::as_str);
                let class = class_of(label)
                    .ok_or_else(|| format!("{name}:{}: unknown label `{label}`", n + 1))?;
                samples.push(sample(&text.text, class));
            }
        }
    }
    for name in &plan.ordinary {
        for line in read(name)?.lines().filter(|l| !l.trim().is_empty()) {
            samples.push(sample(line, 0));
        }
    }
    if plan.rule_examples {
        // Rules judged by a document fact have whole documents as examples.
        let line_rules = rules
            .rules
            .iter()
            .filter(|r| matches!(r.matcher, Matcher::Line(_)) && !r.is_learned());
        for rule in line_rules {
            if let Some(class) = class_of(rule.info.category.as_str()) {
                samples.extend(rule.must_match.iter().map(|t| sample(t, class)));
            }
            samples.extend(rule.no_match.iter().map(|t| sample(t, 0)));
        }
    }
    samples.retain(|s| !s.text.trim().is_empty());
    Ok(samples)
}
