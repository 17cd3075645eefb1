//! Checks parsed rule files and compiles them into a [`RuleSet`].
//!
//! Compilation resolves `@lexicon` references (lexicons may include other
//! lexicons), normalizes every literal exactly as input text is normalized so
//! that rules and text meet in one form, interns terms and term sets, and
//! generates the pinyin spellings of every term. All errors are collected,
//! never just the first.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use pinyin::ToPinyinMulti;
use regex::Regex;
use toml::Spanned;

use super::factors::factors;
use super::spec::{FileSpec, NodeSpec, RuleSpec};
use super::{
    AddresseeFilter, ContextCues, DocumentFact, Matcher, Negation, Node, Rule, RuleError,
    RuleErrors, RuleSet, Scope, SetId, SpeakerFilter, TermId, TermTable,
};
use crate::classifier::{Classifier, NONE};
use crate::document::{Cue, SpeakerLabels};
use crate::finding::{Category, RuleInfo, Severity};
use crate::normalize::normalize;

/// Default most tokens between consecutive `near` terms.
const DEFAULT_WITHIN: usize = 6;
/// Default most tokens between a negator and what it negates.
const DEFAULT_NEGATION_WINDOW: usize = 3;
/// Default shortest script template judged by a `missing` rule.
const DEFAULT_MIN_LINES: usize = 5;
/// Least probability of a `classifier` expression without `min`.
const DEFAULT_CLASSIFIER_MIN: f32 = 0.5;
/// Terms up to this many characters also match when spelled fully in pinyin.
const FULL_PINYIN_MAX_CHARS: usize = 4;

/// A normalized literal and whether it must be a whole word.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Term {
    text: String,
    whole_word: bool,
}

impl Term {
    /// Parses a literal as written in a rule file: `<欠>` is a whole word.
    fn parse(raw: &str) -> Term {
        match raw.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
            Some(inner) if !inner.is_empty() => Term {
                text: normalize(inner).as_str().to_string(),
                whole_word: true,
            },
            _ => Term {
                text: normalize(raw).as_str().to_string(),
                whole_word: false,
            },
        }
    }
}

/// A parsed file with the text its spans point into.
struct Parsed {
    name: String,
    text: String,
    spec: FileSpec,
}

/// A value and the file it was defined in.
struct Located<'a, T> {
    file: &'a Parsed,
    value: &'a T,
}

/// Compiles packs (each a list of named file texts); later packs override earlier ones.
pub(super) fn compile(packs: &[Vec<(String, String)>]) -> Result<RuleSet, RuleErrors> {
    let mut errors = Vec::new();
    let parsed: Vec<Vec<Parsed>> = packs
        .iter()
        .map(|pack| {
            pack.iter()
                .filter_map(|(name, text)| match toml::from_str::<FileSpec>(text) {
                    Ok(spec) => Some(Parsed {
                        name: name.clone(),
                        text: text.clone(),
                        spec,
                    }),
                    Err(e) => {
                        let span = e.span().unwrap_or(0..0);
                        errors.push(error_at(name, text, span, e.message().trim().to_string()));
                        None
                    }
                })
                .collect()
        })
        .collect();

    let mut compiler = Compiler::default();
    compiler.merge(&parsed, &mut errors);
    let set = compiler.finish(&mut errors);
    if errors.is_empty() {
        Ok(set)
    } else {
        errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        errors.dedup();
        Err(RuleErrors(errors))
    }
}

fn error_at(file: &str, text: &str, span: Range<usize>, message: String) -> RuleError {
    let offset = span.start.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    RuleError {
        file: file.to_string(),
        line,
        column: before[line_start..].chars().count() + 1,
        message,
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[derive(Default)]
struct Compiler<'a> {
    lexicons: BTreeMap<&'a str, Located<'a, Spanned<Vec<Spanned<String>>>>>,
    variants: BTreeMap<&'a str, Located<'a, Spanned<Vec<Spanned<String>>>>>,
    rules: Vec<Located<'a, Spanned<RuleSpec>>>,
    speakers: Option<&'a Parsed>,
    cues: BTreeMap<&'a str, Located<'a, Spanned<NodeSpec>>>,
    expanded: HashMap<String, Option<Vec<Term>>>,
    table: TermTableBuilder,
}

impl<'a> Compiler<'a> {
    /// Merges packs in order: duplicates within a pack are errors, across packs overrides.
    fn merge(&mut self, packs: &'a [Vec<Parsed>], errors: &mut Vec<RuleError>) {
        for pack in packs {
            let mut seen_lexicons: HashMap<&str, &Parsed> = HashMap::new();
            let mut seen_rules: HashMap<&str, &Parsed> = HashMap::new();
            for file in pack {
                for (name, list) in &file.spec.lexicon {
                    if let Some(first) = seen_lexicons.insert(name, file) {
                        errors.push(file.error(
                            list.span(),
                            format!("lexicon `{name}` is already defined in {}", first.name),
                        ));
                    }
                    self.lexicons.insert(name, Located { file, value: list });
                }
                for (name, list) in &file.spec.variants {
                    self.variants.insert(name, Located { file, value: list });
                }
                for rule in &file.spec.rule {
                    let id = rule.get_ref().id.get_ref().as_str();
                    if let Some(first) = seen_rules.insert(id, file) {
                        errors.push(file.error(
                            rule.get_ref().id.span(),
                            format!("rule id `{id}` is already used in {}", first.name),
                        ));
                        continue;
                    }
                    self.rules.retain(|r| r.value.get_ref().id.get_ref() != id);
                    self.rules.push(Located { file, value: rule });
                }
                if file.spec.speakers.is_some() {
                    self.speakers = Some(file);
                }
                for (key, node) in &file.spec.context {
                    if Cue::from_key(key).is_none() {
                        let known: Vec<&str> = Cue::ALL.iter().map(|c| c.key()).collect();
                        errors.push(file.error(
                            node.span(),
                            format!("unknown cue `{key}`, expected one of {}", known.join(", ")),
                        ));
                    }
                    self.cues.insert(key, Located { file, value: node });
                }
            }
        }
    }

    fn finish(mut self, errors: &mut Vec<RuleError>) -> RuleSet {
        let rules: Vec<Rule> = std::mem::take(&mut self.rules)
            .into_iter()
            .filter_map(|rule| self.rule(rule.file, rule.value, errors))
            .collect();

        let labels = self
            .speakers
            .and_then(|f| f.spec.speakers.as_ref())
            .map_or_else(SpeakerLabels::default, |s| SpeakerLabels {
                agent: s.agent.clone(),
                debtor: s.debtor.clone(),
                third_party: s.third_party.clone(),
                situation: s.situation.clone(),
                action: s.action.clone(),
            });
        let mut context = ContextCues::default();
        let cues: Vec<_> = std::mem::take(&mut self.cues).into_iter().collect();
        for (key, cue) in cues {
            if let (Some(cue_kind), Some(node)) =
                (Cue::from_key(key), self.node(cue.file, cue.value, errors))
            {
                context.set(cue_kind, node);
            }
        }

        let mut variants = Vec::new();
        let variant_lists: Vec<_> = std::mem::take(&mut self.variants).into_iter().collect();
        for (term, list) in variant_lists {
            let canonical = normalize(term).as_str().to_string();
            // A spelling of a term no rule uses has no id and is skipped.
            let ids = self.table.lookup(&canonical);
            for spelling in list.value.get_ref() {
                let spelling_norm = normalize(spelling.get_ref()).as_str().to_string();
                if spelling_norm.is_empty() {
                    errors.push(list.file.error(spelling.span(), "empty variant".into()));
                } else {
                    variants.extend(ids.iter().map(|&id| (spelling_norm.clone(), id)));
                }
            }
        }
        let terms = self.table.finish();
        variants.extend(pinyin_variants(&terms));

        RuleSet {
            rules,
            terms,
            variants,
            labels,
            context,
        }
    }

    fn rule(
        &mut self,
        file: &'a Parsed,
        spanned: &'a Spanned<RuleSpec>,
        errors: &mut Vec<RuleError>,
    ) -> Option<Rule> {
        let spec = spanned.get_ref();
        let before = errors.len();
        let category = spec.category.get_ref().parse::<Category>();
        if let Err(message) = &category {
            errors.push(file.error(spec.category.span(), message.clone()));
        }
        let severity = keyword(
            file,
            Some(&spec.severity),
            Severity::Error,
            &[
                ("error", Severity::Error),
                ("warning", Severity::Warning),
                ("info", Severity::Info),
            ],
            "severity",
            errors,
        );
        let speaker = keyword(
            file,
            spec.speaker.as_ref(),
            SpeakerFilter::Agent,
            &[
                ("agent", SpeakerFilter::Agent),
                ("customer", SpeakerFilter::Customer),
                ("any", SpeakerFilter::Any),
            ],
            "speaker",
            errors,
        );
        let scope = keyword(
            file,
            spec.scope.as_ref(),
            Scope::Line,
            &[
                ("line", Scope::Line),
                ("sentence", Scope::Sentence),
                ("clause", Scope::Clause),
            ],
            "scope",
            errors,
        );
        let addressee = keyword(
            file,
            spec.addressee.as_ref(),
            AddresseeFilter::Any,
            &[
                ("any", AddresseeFilter::Any),
                ("debtor", AddresseeFilter::Debtor),
                ("third_party", AddresseeFilter::ThirdParty),
            ],
            "addressee",
            errors,
        );
        for (list, what) in [
            (&spec.examples.must_match, "examples.match"),
            (&spec.examples.no_match, "examples.no_match"),
        ] {
            if list.get_ref().is_empty() {
                errors.push(file.error(list.span(), format!("{what} needs at least one example")));
            }
        }
        let matcher = match (&spec.when, &spec.missing) {
            (Some(when), None) => self.node(file, when, errors).map(|node| match node {
                Node::Document(fact) => Matcher::Fact(fact),
                node => Matcher::Line(node),
            }),
            (context, Some(missing)) => {
                let context = context.as_ref().map(|c| self.node(file, c, errors));
                match (self.node(file, missing, errors), context) {
                    (Some(node), None) => Some((node, None)),
                    (Some(node), Some(Some(context))) => Some((node, Some(context))),
                    _ => None,
                }
                .map(|(node, context)| Matcher::Missing {
                    node,
                    context,
                    min_lines: spec.min_lines.unwrap_or(DEFAULT_MIN_LINES),
                })
            }
            (None, None) => {
                errors.push(file.error(spec.id.span(), "a rule needs `when` or `missing`".into()));
                None
            }
        };
        if let Some(Matcher::Line(node)) = &matcher
            && node.negates_a_fact()
        {
            errors.push(file.error(
                spec.id.span(),
                "a `document` fact can be required, not negated with `not`".into(),
            ));
        }
        if matches!(matcher, Some(Matcher::Fact(_))) && !spec.unless.is_empty() {
            errors.push(file.error(
                spec.id.span(),
                "a rule judged by a document fact alone takes no `unless`".into(),
            ));
        }
        if spec.min_lines.is_some() && spec.missing.is_none() {
            errors.push(file.error(
                spec.id.span(),
                "`min_lines` applies only to `missing`".into(),
            ));
        }
        let unless: Vec<Option<Node>> = spec
            .unless
            .iter()
            .map(|node| self.node(file, node, errors))
            .collect();
        // A line is judged before its document is read: a document fact
        // can only require, in `when`, not excuse.
        if unless
            .iter()
            .flatten()
            .any(|node| !node.document_facts().is_empty())
        {
            errors.push(file.error(
                spec.id.span(),
                "`document` facts belong in `when`, not in `unless`".into(),
            ));
        }
        if errors.len() > before {
            return None;
        }
        let matcher = matcher?;
        Some(Rule {
            facts: match &matcher {
                Matcher::Line(node) => node.document_facts(),
                Matcher::Fact(fact) => vec![*fact],
                Matcher::Missing { .. } => Vec::new(),
            },
            info: Arc::new(RuleInfo {
                id: spec.id.get_ref().clone(),
                category: category.ok()?,
                severity,
                title: spec.title.clone(),
                message: spec.message.clone(),
                basis: spec.basis.clone(),
                suggestion: spec.suggestion.clone(),
            }),
            speaker,
            scope,
            addressee,
            matcher,
            unless: unless.into_iter().collect::<Option<_>>()?,
            fallback: spec.fallback,
            must_match: spec.examples.must_match.get_ref().clone(),
            no_match: spec.examples.no_match.get_ref().clone(),
            origin: file.name.clone(),
        })
    }

    fn node(
        &mut self,
        file: &'a Parsed,
        spanned: &'a Spanned<NodeSpec>,
        errors: &mut Vec<RuleError>,
    ) -> Option<Node> {
        let spec = spanned.get_ref();
        let kinds = [
            spec.terms.is_some(),
            spec.near.is_some(),
            spec.regex.is_some(),
            spec.all.is_some(),
            spec.any.is_some(),
            spec.not.is_some(),
            spec.document.is_some(),
            spec.classifier.is_some(),
        ];
        if kinds.iter().filter(|&&k| k).count() != 1 {
            errors.push(file.error(
                spanned.span(),
                "a match needs exactly one of `terms`, `near`, `regex`, `all`, `any`, `not`, `document`, `classifier`"
                    .into(),
            ));
            return None;
        }
        if spec.classifier.is_none() && spec.min.is_some() {
            errors.push(file.error(spanned.span(), "`min` applies only to `classifier`".into()));
        }
        let modifies_terms = spec.terms.is_some() || spec.near.is_some();
        if !modifies_terms && (spec.negated_by.is_some() || spec.negation_window.is_some()) {
            errors.push(file.error(
                spanned.span(),
                "`negated_by` applies only to `terms` and `near`".into(),
            ));
        }
        if spec.near.is_none() && (spec.within.is_some() || spec.ordered.is_some()) {
            errors.push(file.error(
                spanned.span(),
                "`within` and `ordered` apply only to `near`".into(),
            ));
        }
        let negation = match &spec.negated_by {
            Some(list) => Some(Negation {
                set: self.term_set(file, list, spanned.span(), errors)?,
                window: spec.negation_window.unwrap_or(DEFAULT_NEGATION_WINDOW),
            }),
            None => None,
        };
        if let Some(list) = &spec.terms {
            let set = self.term_set(file, list, spanned.span(), errors)?;
            return Some(Node::Terms { set, negation });
        }
        if let Some(lists) = &spec.near {
            if lists.len() < 2 {
                errors.push(file.error(
                    spanned.span(),
                    "`near` needs at least two term lists".into(),
                ));
                return None;
            }
            let sets: Option<Vec<SetId>> = lists
                .iter()
                .map(|list| self.term_set(file, list, spanned.span(), errors))
                .collect();
            return Some(Node::Near {
                sets: sets?,
                within: spec.within.unwrap_or(DEFAULT_WITHIN),
                ordered: spec.ordered.unwrap_or(true),
                negation,
            });
        }
        if let Some(pattern) = &spec.regex {
            return match Regex::new(pattern.get_ref()) {
                Ok(regex) => {
                    let factors =
                        factors(pattern.get_ref()).map(|literals| self.table.literal_set(literals));
                    Some(Node::Regex { regex, factors })
                }
                Err(e) => {
                    errors.push(file.error(pattern.span(), format!("invalid regex: {e}")));
                    None
                }
            };
        }
        if let Some(children) = spec.all.as_ref().or(spec.any.as_ref()) {
            if children.is_empty() {
                errors.push(file.error(
                    spanned.span(),
                    "`all`/`any` needs at least one match".into(),
                ));
                return None;
            }
            let nodes: Vec<Option<Node>> = children
                .iter()
                .map(|child| self.node(file, child, errors))
                .collect();
            let nodes: Vec<Node> = nodes.into_iter().collect::<Option<_>>()?;
            return Some(if spec.all.is_some() {
                Node::All(nodes)
            } else {
                Node::Any(nodes)
            });
        }
        if let Some(fact) = &spec.document {
            return match DocumentFact::from_name(fact.get_ref()) {
                Some(fact) => Some(Node::Document(fact)),
                None => {
                    errors.push(file.error(
                        fact.span(),
                        format!(
                            "unknown document fact `{}`, expected one of: {}",
                            fact.get_ref(),
                            DocumentFact::ALL.map(DocumentFact::name).join(", ")
                        ),
                    ));
                    None
                }
            };
        }
        if let Some(name) = &spec.classifier {
            return self.classifier(file, name, spec.min.as_ref(), errors);
        }
        let child = spec.not.as_ref().expect("exactly one kind is set");
        Some(Node::Not(Box::new(self.node(file, child, errors)?)))
    }

    /// A `classifier` expression: a category the model knows, and a
    /// probability between 0 and 1 (default [`DEFAULT_CLASSIFIER_MIN`]).
    fn classifier(
        &self,
        file: &Parsed,
        name: &Spanned<String>,
        min: Option<&Spanned<f64>>,
        errors: &mut Vec<RuleError>,
    ) -> Option<Node> {
        let model = Classifier::builtin();
        let class = model
            .class_index(name.get_ref())
            .filter(|_| name.get_ref() != NONE);
        let Some(class) = class else {
            let known: Vec<&str> = model
                .classes()
                .iter()
                .map(String::as_str)
                .filter(|c| *c != NONE)
                .collect();
            errors.push(file.error(
                name.span(),
                format!(
                    "the classifier knows no category `{}`, expected one of: {}",
                    name.get_ref(),
                    known.join(", ")
                ),
            ));
            return None;
        };
        let min = match min {
            Some(min) if !(0.0..=1.0).contains(min.get_ref()) => {
                errors
                    .push(file.error(min.span(), "`min` is a probability between 0 and 1".into()));
                return None;
            }
            Some(min) => *min.get_ref() as f32,
            None => DEFAULT_CLASSIFIER_MIN,
        };
        Some(Node::Classifier { class, min })
    }

    /// Resolves a term list into an interned set.
    fn term_set(
        &mut self,
        file: &'a Parsed,
        list: &[Spanned<String>],
        span: Range<usize>,
        errors: &mut Vec<RuleError>,
    ) -> Option<SetId> {
        let mut terms = Vec::new();
        let mut ok = true;
        for item in list {
            match self.expand(file, item, &mut Vec::new(), errors) {
                Some(expanded) => terms.extend(expanded),
                None => ok = false,
            }
        }
        if terms.is_empty() && ok {
            errors.push(file.error(span, "empty term list".into()));
            return None;
        }
        ok.then(|| self.table.set(&terms))
    }

    /// A literal (normalized) or the terms of a lexicon reference.
    fn expand(
        &mut self,
        file: &'a Parsed,
        item: &Spanned<String>,
        stack: &mut Vec<String>,
        errors: &mut Vec<RuleError>,
    ) -> Option<Vec<Term>> {
        let raw = item.get_ref();
        let Some(name) = raw.strip_prefix('@') else {
            let term = Term::parse(raw);
            if term.text.trim().is_empty() {
                errors.push(file.error(item.span(), "empty term".into()));
                return None;
            }
            return Some(vec![term]);
        };
        if let Some(done) = self.expanded.get(name) {
            return done.clone();
        }
        if stack.iter().any(|n| n == name) {
            errors.push(file.error(
                item.span(),
                format!(
                    "lexicon `{name}` includes itself (via {})",
                    stack.join(" → ")
                ),
            ));
            return None;
        }
        let Some(lexicon) = self.lexicons.get(name) else {
            errors.push(file.error(item.span(), format!("unknown lexicon `@{name}`")));
            return None;
        };
        let (lexicon_file, entries) = (lexicon.file, lexicon.value.get_ref());
        stack.push(name.to_string());
        let mut terms = Vec::new();
        let mut ok = true;
        for entry in entries {
            match self.expand(lexicon_file, entry, stack, errors) {
                Some(more) => terms.extend(more),
                None => ok = false,
            }
        }
        stack.pop();
        let result = ok.then_some(terms);
        self.expanded.insert(name.to_string(), result.clone());
        result
    }
}

/// The value of a keyword field, `default` when absent; an unknown keyword
/// is an error listing the accepted ones.
fn keyword<T: Copy>(
    file: &Parsed,
    field: Option<&Spanned<String>>,
    default: T,
    options: &[(&str, T)],
    what: &str,
    errors: &mut Vec<RuleError>,
) -> T {
    let Some(field) = field else {
        return default;
    };
    let given = field.get_ref().as_str();
    match options.iter().find(|(name, _)| *name == given) {
        Some((_, value)) => *value,
        None => {
            let accepted: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
            errors.push(file.error(
                field.span(),
                format!(
                    "unknown {what} `{given}` (expected {})",
                    accepted.join(", ")
                ),
            ));
            default
        }
    }
}

impl Parsed {
    fn error(&self, span: Range<usize>, message: String) -> RuleError {
        error_at(&self.name, &self.text, span, message)
    }
}

/// Interns terms and sets while compiling.
#[derive(Default)]
struct TermTableBuilder {
    terms: Vec<Term>,
    term_ids: HashMap<Term, TermId>,
    /// Whether each term is written in a rule (not only a regex factor).
    written: Vec<bool>,
    sets: Vec<Vec<TermId>>,
    set_ids: HashMap<Vec<TermId>, SetId>,
}

impl TermTableBuilder {
    /// The set of terms written in a rule.
    fn set(&mut self, terms: &[Term]) -> SetId {
        let ids: Vec<TermId> = terms.iter().map(|t| self.term(t)).collect();
        for &id in &ids {
            self.written[id] = true;
        }
        self.intern(ids)
    }

    /// The set of a regex's factors: plain literals that only tell whether
    /// the regex is worth running, so no variant spellings are generated.
    fn literal_set(&mut self, literals: Vec<String>) -> SetId {
        let ids = literals
            .into_iter()
            .map(|text| {
                self.term(&Term {
                    text,
                    whole_word: false,
                })
            })
            .collect();
        self.intern(ids)
    }

    fn intern(&mut self, mut ids: Vec<TermId>) -> SetId {
        ids.sort_unstable();
        ids.dedup();
        if let Some(&id) = self.set_ids.get(&ids) {
            return id;
        }
        let id = self.sets.len();
        self.sets.push(ids.clone());
        self.set_ids.insert(ids, id);
        id
    }

    fn term(&mut self, term: &Term) -> TermId {
        if let Some(&id) = self.term_ids.get(term) {
            return id;
        }
        let id = self.terms.len();
        self.terms.push(term.clone());
        self.written.push(false);
        self.term_ids.insert(term.clone(), id);
        id
    }

    /// Every id of `text`, plain or whole-word.
    fn lookup(&self, text: &str) -> Vec<TermId> {
        [false, true]
            .into_iter()
            .filter_map(|whole_word| {
                let term = Term {
                    text: text.to_string(),
                    whole_word,
                };
                self.term_ids.get(&term).copied()
            })
            .collect()
    }

    fn finish(self) -> TermTable {
        let mut sets_of_term = vec![Vec::new(); self.terms.len()];
        for (set, members) in self.sets.iter().enumerate() {
            for &term in members {
                sets_of_term[term].push(set);
            }
        }
        TermTable {
            whole_word: self.terms.iter().map(|t| t.whole_word).collect(),
            written: self.written,
            terms: self.terms.into_iter().map(|t| t.text).collect(),
            sets: self.sets,
            sets_of_term,
        }
    }
}

/// Pinyin spellings of every written term of two or more Chinese characters: each
/// character in turn replaced by its readings ("fa院", "法yuan"), and short
/// terms spelled fully in their first readings ("zuolao").
fn pinyin_variants(table: &TermTable) -> Vec<(String, TermId)> {
    let mut out = Vec::new();
    for (id, term) in table.terms().iter().enumerate() {
        if !table.written[id] {
            continue;
        }
        let chars: Vec<char> = term.chars().collect();
        if chars.len() < 2 || !chars.iter().all(|c| is_han(*c)) {
            continue;
        }
        let readings: Vec<Vec<&'static str>> = term
            .as_str()
            .to_pinyin_multi()
            .map(|multi| {
                multi
                    .map(|m| m.into_iter().map(|p| p.plain()).collect())
                    .unwrap_or_default()
            })
            .collect();
        for (i, options) in readings.iter().enumerate() {
            for reading in options {
                let mut variant = String::new();
                for (j, c) in chars.iter().enumerate() {
                    if i == j {
                        variant.push_str(reading);
                    } else {
                        variant.push(*c);
                    }
                }
                out.push((variant, id));
            }
        }
        if chars.len() <= FULL_PINYIN_MAX_CHARS && readings.iter().all(|r| !r.is_empty()) {
            out.push((readings.iter().map(|r| r[0]).collect(), id));
        }
    }
    out
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}
