//! Rules as data: loading, checking and compiling rule files.
//!
//! Rule files are TOML (see `rules/README.md` for the language). The built-in
//! packs under `rules/` are embedded in the binary; further directories given
//! with `--rules` are loaded after them, and a later pack replaces rules and
//! lexicons of the same name. Loading reports every problem of every file at
//! once, each with its file, line and column.

mod compile;
mod factors;
mod spec;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use regex::Regex;

use crate::classifier::Classifier;
pub use crate::document::Addressee;
use crate::document::{Cue, Role, SpeakerLabels};
use crate::finding::RuleInfo;

/// Index of a term in [`TermTable`].
pub type TermId = usize;
/// Index of a term set (an expanded term list) in [`TermTable`].
pub type SetId = usize;

/// A rule file under `rules/`, embedded in the binary.
macro_rules! embed {
    ($name:literal) => {
        (
            concat!("rules/", $name),
            include_str!(concat!("../../rules/", $name)),
        )
    };
}

/// Speaker labels, context cues and shared lexicons: loaded even without the
/// built-in rules, since every rule pack relies on them.
const BASE: &[(&str, &str)] = &[
    embed!("context.toml"),
    embed!("document.toml"),
    embed!("lexicon.toml"),
];

/// The built-in rule files, embedded so the binary works with no files around.
const BUILTIN: &[(&str, &str)] = &[
    embed!("threat.toml"),
    embed!("insult.toml"),
    embed!("impersonation.toml"),
    embed!("disclosure.toml"),
    embed!("false_claim.toml"),
    embed!("harassment.toml"),
    embed!("conduct.toml"),
    embed!("instruction.toml"),
    embed!("learned.toml"),
];

/// A compiled, immutable set of rules with everything the engine needs.
#[derive(Debug)]
pub struct RuleSet {
    /// The rules, in load order.
    pub rules: Vec<Rule>,
    /// Every literal term and term set the rules use.
    pub terms: TermTable,
    /// Extra spellings to search for, each standing for a term.
    pub variants: Vec<(String, TermId)>,
    /// Speaker labels of each side.
    pub labels: SpeakerLabels,
    /// Cues for inferring who is listening.
    pub context: ContextCues,
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// What the rule tells users.
    pub info: Arc<RuleInfo>,
    /// Speakers this rule judges.
    pub speaker: SpeakerFilter,
    /// The stretch of a line that `when` and `unless` look at.
    pub scope: Scope,
    /// The addressee this rule requires.
    pub addressee: AddresseeFilter,
    /// What the rule looks for.
    pub matcher: Matcher,
    /// Exceptions that clear a line.
    pub unless: Vec<Node>,
    /// Reported only on lines that no other rule reports.
    pub fallback: bool,
    /// The document facts `when` names ([`Node::Document`]): a line is
    /// first judged as if they held, the document reading then decides.
    pub facts: Vec<DocumentFact>,
    /// Texts that must fire this rule.
    pub must_match: Vec<String>,
    /// Texts that must not fire this rule.
    pub no_match: Vec<String>,
    /// The file the rule came from.
    pub origin: String,
}

/// How a rule looks at a document.
#[derive(Debug)]
pub enum Matcher {
    /// Fires on every line where the expression matches.
    Line(Node),
    /// Fires once per script template of at least `min_lines` non-empty
    /// lines when no judged line matches the expression, provided some line
    /// matches `context` (when given): a template must be about collection
    /// before it can lack a collector's identification.
    Missing {
        /// What some line must say.
        node: Node,
        /// What makes the document relevant at all.
        context: Option<Node>,
        /// Shorter templates are not judged.
        min_lines: usize,
    },
    /// Fires on every judged unit the document model reads as having the
    /// fact, whatever its words: a collector's chat message sent at 01:05
    /// is a night contact (`when = { document = "night_contact" }`).
    Fact(DocumentFact),
}

/// The stretch of a line a rule looks at: every part of a match and its
/// exceptions must lie in one such stretch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The whole line (the default).
    Line,
    /// One sentence (ended by 。！？；…).
    Sentence,
    /// One clause (also ended by ，：).
    Clause,
}

/// Which speakers a rule judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpeakerFilter {
    /// The agent side, and lines whose speaker is unknown.
    Agent,
    /// The callee side only.
    Customer,
    /// Everyone.
    Any,
}

impl SpeakerFilter {
    /// Whether a line spoken by `role` is judged.
    pub fn admits(self, role: Role) -> bool {
        match self {
            SpeakerFilter::Agent => role != Role::Customer,
            SpeakerFilter::Customer => role == Role::Customer,
            SpeakerFilter::Any => true,
        }
    }
}

/// The addressee a rule requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddresseeFilter {
    /// Any addressee.
    Any,
    /// Only when speaking to the debtor (or not known to be a third party).
    Debtor,
    /// Only when known to be speaking to a third party.
    ThirdParty,
}

impl AddresseeFilter {
    /// Whether a line spoken to `addressee` is judged.
    pub fn admits(self, addressee: Addressee) -> bool {
        match self {
            AddresseeFilter::Any => true,
            AddresseeFilter::Debtor => addressee != Addressee::ThirdParty,
            AddresseeFilter::ThirdParty => addressee == Addressee::ThirdParty,
        }
    }
}

/// A compiled match expression (the closed set of match kinds).
#[derive(Debug)]
pub enum Node {
    /// Any term of a set, unless negated.
    Terms {
        /// The term set.
        set: SetId,
        /// Negators that cancel an occurrence.
        negation: Option<Negation>,
    },
    /// One term of each set, within `within` tokens of the previous, in one sentence.
    Near {
        /// The term sets, in order.
        sets: Vec<SetId>,
        /// Most tokens between consecutive terms.
        within: usize,
        /// Whether the sets must appear in order.
        ordered: bool,
        /// Negators that cancel a match by what precedes its first term.
        negation: Option<Negation>,
    },
    /// A regular expression over the normalized view.
    Regex {
        /// The expression.
        regex: Regex,
        /// Literals one of which every match contains, when they can be
        /// known (see `factors.rs`): the expression is only tried on lines that
        /// contain one.
        factors: Option<SetId>,
    },
    /// All of these.
    All(Vec<Node>),
    /// Any of these.
    Any(Vec<Node>),
    /// Not this.
    Not(Box<Node>),
    /// A fact about the whole document. A line is judged as if it held;
    /// the document reading then decides (see [`DocumentFact`]).
    Document(DocumentFact),
    /// The learned classifier ([`Classifier::builtin`]) finds `class` the
    /// most probable, with at least probability `min`.
    Classifier {
        /// The class's index in the model.
        class: usize,
        /// The least probability.
        min: f32,
    },
}

/// A fact about a unit that only the whole document can tell, which a
/// rule may require.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentFact {
    /// The unit stands in a collection context (GUIDELINES.md: collection
    /// context is presumed): debt talk is near it, or it is a sentence
    /// checked on its own that speaks to someone.
    Collection,
    /// Some part of the document near the unit talks about the debt or
    /// repayment: collection context seen in the text, not presumed.
    DebtTalk,
    /// The unit is an entry of a call log or visit note recording a
    /// contact attempt at a time in the quiet hours.
    NightContact,
    /// The unit is an entry of a call log recording a contact attempt
    /// that follows others within a short time.
    RepeatedContact,
    /// The unit is an entry of a log of messages sent in bulk to the
    /// debtor's contacts ("联系人批量通知"): a blast of the contact list.
    BulkContact,
    /// The document is a single unit: a sentence checked on its own, read
    /// as said to the debtor. In a longer text without collection context
    /// (a file of comments or reviews) an insult needs an aim of its own.
    Standalone,
    /// The unit is presumed said in collection: it stands in a collection
    /// context, or it is a sentence checked on its own. Everyday chat that
    /// happens to use a threat's words ("你给我等着，我去买菜") is neither.
    PresumedCollection,
}

impl DocumentFact {
    /// Every fact.
    pub const ALL: [DocumentFact; 7] = [
        DocumentFact::Collection,
        DocumentFact::DebtTalk,
        DocumentFact::NightContact,
        DocumentFact::RepeatedContact,
        DocumentFact::BulkContact,
        DocumentFact::Standalone,
        DocumentFact::PresumedCollection,
    ];

    /// The fact's name in rule files.
    pub fn name(self) -> &'static str {
        match self {
            DocumentFact::Collection => "collection",
            DocumentFact::DebtTalk => "debt_talk",
            DocumentFact::NightContact => "night_contact",
            DocumentFact::RepeatedContact => "repeated_contact",
            DocumentFact::BulkContact => "bulk_contact",
            DocumentFact::Standalone => "standalone",
            DocumentFact::PresumedCollection => "presumed_collection",
        }
    }

    /// The fact as a member of a set of facts held in a `u8`.
    pub fn bit(self) -> u8 {
        1 << self as u8
    }

    /// The fact named `name` in rule files.
    pub fn from_name(name: &str) -> Option<DocumentFact> {
        DocumentFact::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What the fact means, for users.
    pub fn label_zh(self) -> &'static str {
        match self {
            DocumentFact::Collection => "文档为催收语境",
            DocumentFact::DebtTalk => "上下文谈到欠款",
            DocumentFact::NightContact => "日志记录的联系在夜间",
            DocumentFact::RepeatedContact => "日志记录的联系短时间内反复",
            DocumentFact::BulkContact => "批量发给联系人的消息",
            DocumentFact::Standalone => "单独一句",
            DocumentFact::PresumedCollection => "催收语境或单独一句",
        }
    }
}

impl Node {
    /// The document facts the expression names, each once.
    pub fn document_facts(&self) -> Vec<DocumentFact> {
        let mut facts = Vec::new();
        self.collect_facts(&mut facts);
        facts
    }

    /// Whether a document fact stands under a `not`, where a line judged
    /// before its document is read could only ever presume it.
    pub fn negates_a_fact(&self) -> bool {
        match self {
            Node::Not(node) => !node.document_facts().is_empty(),
            Node::All(nodes) | Node::Any(nodes) => nodes.iter().any(Node::negates_a_fact),
            Node::Document(_)
            | Node::Terms { .. }
            | Node::Near { .. }
            | Node::Regex { .. }
            | Node::Classifier { .. } => false,
        }
    }

    fn collect_facts(&self, facts: &mut Vec<DocumentFact>) {
        match self {
            Node::Document(fact) if !facts.contains(fact) => facts.push(*fact),
            Node::All(nodes) | Node::Any(nodes) => {
                nodes.iter().for_each(|n| n.collect_facts(facts));
            }
            Node::Not(node) => node.collect_facts(facts),
            Node::Document(_)
            | Node::Terms { .. }
            | Node::Near { .. }
            | Node::Regex { .. }
            | Node::Classifier { .. } => {}
        }
    }

    /// A compact, readable form of the expression for `hegui explain`: term
    /// sets show their first few terms, `{…+N}` says how many more there are.
    pub fn describe(&self, terms: &TermTable) -> String {
        const SHOWN: usize = 6;
        let set = |id: SetId| {
            let members = terms.set(id);
            let mut shown: Vec<&str> = members
                .iter()
                .take(SHOWN)
                .map(|&t| terms.terms()[t].as_str())
                .collect();
            shown.sort_unstable();
            let more = members.len().saturating_sub(SHOWN);
            if more > 0 {
                format!("{{{}…+{more}}}", shown.join("|"))
            } else {
                format!("{{{}}}", shown.join("|"))
            }
        };
        let negation = |n: &Option<Negation>| match n {
            Some(n) => format!(" 除非前{}词内有{}", n.window, set(n.set)),
            None => String::new(),
        };
        let list = |nodes: &[Node], joiner: &str| {
            let parts: Vec<String> = nodes.iter().map(|n| n.describe(terms)).collect();
            format!("({})", parts.join(joiner))
        };
        match self {
            Node::Terms {
                set: id,
                negation: n,
            } => format!("{}{}", set(*id), negation(n)),
            Node::Near {
                sets,
                within,
                ordered,
                negation: n,
            } => {
                let parts: Vec<String> = sets.iter().map(|&id| set(id)).collect();
                let order = if *ordered { "依次" } else { "任意顺序" };
                format!(
                    "{order}相距≤{within}词[{}]{}",
                    parts.join(" … "),
                    negation(n)
                )
            }
            Node::Regex { regex, .. } => format!("/{}/", regex.as_str()),
            Node::All(nodes) => list(nodes, " 且 "),
            Node::Any(nodes) => list(nodes, " 或 "),
            Node::Not(node) => format!("非{}", node.describe(terms)),
            Node::Document(fact) => format!("[{}]", fact.label_zh()),
            Node::Classifier { class, min } => format!(
                "[模型判为{}，概率≥{min}]",
                Classifier::builtin().classes()[*class]
            ),
        }
    }

    /// Whether the expression asks the learned classifier.
    pub fn uses_classifier(&self) -> bool {
        match self {
            Node::Classifier { .. } => true,
            Node::All(nodes) | Node::Any(nodes) => nodes.iter().any(Node::uses_classifier),
            Node::Not(node) => node.uses_classifier(),
            Node::Document(_) | Node::Terms { .. } | Node::Near { .. } | Node::Regex { .. } => {
                false
            }
        }
    }
}

impl Rule {
    /// Whether the rule's verdict comes from the learned classifier.
    pub fn is_learned(&self) -> bool {
        matches!(&self.matcher, Matcher::Line(node) if node.uses_classifier())
    }
}

/// Negators that cancel a match when they come at most `window` tokens before it.
#[derive(Clone, Copy, Debug)]
pub struct Negation {
    /// The negator terms.
    pub set: SetId,
    /// Most tokens between negator and match.
    pub window: usize,
}

/// The match expressions of the cues the document model reads (see
/// [`Cue`] and `rules/context.toml`, `rules/document.toml`).
#[derive(Debug, Default)]
pub struct ContextCues {
    nodes: Vec<(Cue, Node)>,
}

impl ContextCues {
    /// The expression of `cue`, if the rule files give one.
    pub fn get(&self, cue: Cue) -> Option<&Node> {
        self.nodes.iter().find(|(c, _)| *c == cue).map(|(_, n)| n)
    }

    /// Every cue the rule files give, with its expression.
    pub fn iter(&self) -> impl Iterator<Item = (Cue, &Node)> {
        self.nodes.iter().map(|(c, n)| (*c, n))
    }

    /// Sets the expression of `cue`.
    pub(crate) fn set(&mut self, cue: Cue, node: Node) {
        self.nodes.retain(|(c, _)| *c != cue);
        self.nodes.push((cue, node));
    }
}

/// Every distinct normalized term, and the sets that group them.
#[derive(Debug, Default)]
pub struct TermTable {
    terms: Vec<String>,
    /// Whether each term must be a whole word (written `<term>` in rules).
    whole_word: Vec<bool>,
    /// Whether each term is written in a rule, rather than only being a
    /// regex factor (only written terms get variant spellings).
    written: Vec<bool>,
    sets: Vec<Vec<TermId>>,
    sets_of_term: Vec<Vec<SetId>>,
}

impl TermTable {
    /// All terms; a term's index is its [`TermId`]. A term may appear twice,
    /// once plain and once as a whole word.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Whether an occurrence of `term` counts only when it is a whole word
    /// (begins and ends on word boundaries).
    pub fn is_whole_word(&self, term: TermId) -> bool {
        self.whole_word[term]
    }

    /// The terms of a set.
    pub fn set(&self, set: SetId) -> &[TermId] {
        &self.sets[set]
    }

    /// The number of sets.
    pub fn set_count(&self) -> usize {
        self.sets.len()
    }

    /// The sets a term belongs to.
    pub fn sets_of(&self, term: TermId) -> &[SetId] {
        &self.sets_of_term[term]
    }
}

/// A problem in a rule file, located by file, line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem found while loading rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}

/// Collects rule packs, then compiles them into a [`RuleSet`].
#[derive(Debug, Default)]
pub struct RuleSetBuilder {
    packs: Vec<Vec<(String, String)>>,
    io_errors: Vec<RuleError>,
}

impl RuleSetBuilder {
    /// A builder holding the built-in rules and base data.
    pub fn new() -> RuleSetBuilder {
        RuleSetBuilder {
            packs: vec![embedded(BASE.iter().chain(BUILTIN))],
            io_errors: Vec::new(),
        }
    }

    /// A builder with the base data (speaker labels, context cues, shared
    /// lexicons) but none of the built-in rules.
    pub fn without_builtin_rules() -> RuleSetBuilder {
        RuleSetBuilder {
            packs: vec![embedded(BASE.iter())],
            io_errors: Vec::new(),
        }
    }

    /// Adds one pack made of named rule-file texts.
    pub fn add_pack(&mut self, files: Vec<(String, String)>) -> &mut Self {
        self.packs.push(files);
        self
    }

    /// Adds every `*.toml` file of `dir` (not recursive) as one pack.
    pub fn add_dir(&mut self, dir: &Path) -> &mut Self {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.io_errors.push(io_error(dir, &e));
                return self;
            }
        };
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        paths.sort();
        let mut files = Vec::new();
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(text) => files.push((path.display().to_string(), text)),
                Err(e) => self.io_errors.push(io_error(&path, &e)),
            }
        }
        self.add_pack(files)
    }

    /// Checks and compiles everything added, reporting all problems at once.
    pub fn build(&self) -> Result<RuleSet, RuleErrors> {
        let mut errors = self.io_errors.clone();
        match compile::compile(&self.packs) {
            Ok(set) if errors.is_empty() => Ok(set),
            Ok(_) => Err(RuleErrors(errors)),
            Err(RuleErrors(more)) => {
                errors.extend(more);
                Err(RuleErrors(errors))
            }
        }
    }
}

fn embedded<'a>(files: impl Iterator<Item = &'a (&'a str, &'a str)>) -> Vec<(String, String)> {
    files
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect()
}

fn io_error(path: &Path, error: &std::io::Error) -> RuleError {
    RuleError {
        file: path.display().to_string(),
        line: 1,
        column: 1,
        message: format!("cannot read rule file: {error}"),
    }
}

impl RuleSet {
    /// The built-in rules.
    ///
    /// # Panics
    /// If the embedded rule files are broken; the test suite guarantees they are not.
    pub fn builtin() -> RuleSet {
        RuleSetBuilder::new()
            .build()
            .unwrap_or_else(|e| panic!("built-in rules are broken:\n{e}"))
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.info.id == id)
    }
}
