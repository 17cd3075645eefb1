//! The TOML shape of a rule file, as written by rule authors.
//!
//! These types only mirror the file; [`compile`](super::compile) checks them
//! and turns them into the matcher the engine runs. Every field that can be
//! wrong keeps its span so errors point at file, line and column.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// One rule file: shared term lists, context cues and rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// Named term lists, referenced from rules as `@name`.
    #[serde(default)]
    pub lexicon: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    /// Speaker labels of each side.
    #[serde(default)]
    pub speakers: Option<SpeakersSpec>,
    /// Cues the document model reads (who is listening, which sections
    /// forbid, which texts report), by cue key (see `document::Cue`).
    #[serde(default)]
    pub context: BTreeMap<String, Spanned<NodeSpec>>,
    /// Known spellings that evade a term (homophones, abbreviations):
    /// `"傻逼" = ["煞笔", "sb"]`. Pinyin spellings are generated, not listed.
    #[serde(default)]
    pub variants: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    /// The rules.
    #[serde(default)]
    pub rule: Vec<Spanned<RuleSpec>>,
}

/// Speaker labels, as in GUIDELINES.md.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakersSpec {
    /// Agent-side labels.
    pub agent: Vec<String>,
    /// Debtor labels.
    pub debtor: Vec<String>,
    /// Labels of callees who are not the debtor.
    pub third_party: Vec<String>,
    /// Words that, after a debtor label, name a situation of a script
    /// (`客户拒绝：`) whose line is the agent's answer.
    #[serde(default)]
    pub situation: Vec<String>,
    /// Words that, before a side word, name what the agent did to that
    /// side (`告知本人：…`, `致电联系人：…`): the line is the agent's.
    #[serde(default)]
    pub action: Vec<String>,
}

/// One rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id, e.g. `HG-T001`.
    pub id: Spanned<String>,
    /// One of the category names.
    pub category: Spanned<String>,
    /// `error`, `warning` or `info`.
    pub severity: Spanned<String>,
    /// Short Chinese title.
    pub title: String,
    /// Chinese explanation.
    pub message: String,
    /// Legal basis.
    pub basis: String,
    /// A compliant rewording.
    pub suggestion: String,
    /// Speakers the rule judges: `agent` (default), `customer`, `any`.
    #[serde(default)]
    pub speaker: Option<Spanned<String>>,
    /// The stretch a match must lie in: `line` (default), `sentence`, `clause`.
    #[serde(default)]
    pub scope: Option<Spanned<String>>,
    /// Required addressee: `any` (default), `debtor`, `third_party`.
    #[serde(default)]
    pub addressee: Option<Spanned<String>>,
    /// What must be present on a line for the rule to fire; with `missing`,
    /// what some line must say for the document to be judged at all.
    #[serde(default)]
    pub when: Option<Spanned<NodeSpec>>,
    /// Instead of `when`: the rule fires once per script template when no
    /// line matches this (e.g. the agent never states a staff number).
    #[serde(default)]
    pub missing: Option<Spanned<NodeSpec>>,
    /// With `missing`: templates shorter than this many non-empty lines are
    /// not judged (default 5), since a fragment is not a whole script.
    #[serde(default)]
    pub min_lines: Option<usize>,
    /// Exceptions: if any of these matches, the line is lawful.
    #[serde(default)]
    pub unless: Vec<Spanned<NodeSpec>>,
    /// Reported only on lines no other rule reports: for rules that catch
    /// what the others miss, such as those of the learned classifier.
    #[serde(default)]
    pub fallback: bool,
    /// Examples that must and must not fire the rule.
    pub examples: ExamplesSpec,
}

/// A rule's examples; both lists must be non-empty.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplesSpec {
    /// Texts the rule must fire on.
    #[serde(rename = "match")]
    pub must_match: Spanned<Vec<String>>,
    /// Texts the rule must not fire on.
    pub no_match: Spanned<Vec<String>>,
}

/// One match expression. Exactly one of `terms`, `near`, `regex`, `all`,
/// `any`, `not`, `document`, `classifier` is given; the other fields modify
/// `terms`, `near` and `classifier`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// Any of these terms (`@name` for a lexicon).
    pub terms: Option<Vec<Spanned<String>>>,
    /// One term of each list, in order, each within `within` tokens of the
    /// previous one, in one sentence.
    pub near: Option<Vec<Vec<Spanned<String>>>>,
    /// Most tokens between consecutive `near` terms (default 6).
    pub within: Option<usize>,
    /// Whether `near` lists must appear in the given order (default true).
    pub ordered: Option<bool>,
    /// A regular expression over the normalized line.
    pub regex: Option<Spanned<String>>,
    /// All of these.
    pub all: Option<Vec<Spanned<NodeSpec>>>,
    /// Any of these.
    pub any: Option<Vec<Spanned<NodeSpec>>>,
    /// Not this.
    pub not: Option<Box<Spanned<NodeSpec>>>,
    /// A fact about the whole document rather than the line: `"collection"`
    /// holds in a document about collecting a debt.
    pub document: Option<Spanned<String>>,
    /// The learned classifier's verdict: the category it finds most
    /// probable for the text.
    pub classifier: Option<Spanned<String>>,
    /// With `classifier`: the least probability of that category.
    pub min: Option<Spanned<f64>>,
    /// Terms that cancel a `terms`/`near` match when they come just before it.
    pub negated_by: Option<Vec<Spanned<String>>>,
    /// Most tokens between a negator and what it negates (default 3).
    pub negation_window: Option<usize>,
}
