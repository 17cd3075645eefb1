//! Evaluates compiled match expressions on one normalized line.
//!
//! A [`Line`] holds what is known about a line (its text, term occurrences,
//! sentences and, once needed, words); a [`View`] is the stretch of it a
//! rule looks at: the whole line, one sentence or one clause. Occurrences
//! and regex matches outside the view do not exist for the expression.

use std::cell::{OnceCell, RefCell};
use std::ops::Range;

use super::prefilter::{Occurrence, SetHits};
use super::tokens::{Sentences, Tokenizer, Words};
use crate::classifier::{Classifier, Scores};
use crate::rules::{Negation, Node, Scope, SetId, TermTable};

/// How many n-grams are the evidence of a classifier's verdict.
const CLASSIFIER_EVIDENCE: usize = 3;

/// Everything known about one normalized line while rules are evaluated.
pub struct Line<'a> {
    /// The normalized text.
    pub text: &'a str,
    /// Term occurrences.
    pub hits: &'a SetHits,
    /// The terms and sets the occurrences are of.
    terms: &'a TermTable,
    /// Found on first use: most lines are only ever looked at whole.
    sentences: OnceCell<Sentences>,
    words: OnceCell<Words>,
    tokenizer: &'a Tokenizer,
    /// The classifier's scores of each stretch classified so far.
    classified: RefCell<Vec<(Range<usize>, Scores)>>,
}

impl<'a> Line<'a> {
    /// A line with its prefilter `hits`; `words`, if already cut, are reused,
    /// otherwise they are cut on first use.
    pub fn new(
        text: &'a str,
        hits: &'a SetHits,
        terms: &'a TermTable,
        tokenizer: &'a Tokenizer,
        words: Option<Words>,
    ) -> Line<'a> {
        let cell = OnceCell::new();
        if let Some(words) = words {
            let _ = cell.set(words);
        }
        Line {
            text,
            hits,
            terms,
            sentences: OnceCell::new(),
            words: cell,
            tokenizer,
            classified: RefCell::new(Vec::new()),
        }
    }

    /// The whole line.
    pub fn whole(&self) -> View<'_> {
        View {
            line: self,
            window: 0..self.text.len(),
            presumed: 0,
        }
    }

    /// The stretches a rule of `scope` looks at, in order.
    pub fn views(&self, scope: Scope) -> impl Iterator<Item = View<'_>> {
        let (whole, pieces) = match scope {
            Scope::Line => (Some(self.whole()), None),
            Scope::Sentence => (None, Some(self.sentences().ranges(false))),
            Scope::Clause => (None, Some(self.sentences().ranges(true))),
        };
        let pieces = pieces.into_iter().flatten().map(|window| View {
            line: self,
            window,
            presumed: 0,
        });
        whole.into_iter().chain(pieces)
    }

    /// The view of the sentence holding byte `at` (none past the end).
    pub fn sentence_of(&self, at: usize) -> impl Iterator<Item = View<'_>> {
        self.sentences()
            .ranges(false)
            .find(|r| r.start <= at && at < r.end)
            .map(|window| View {
                line: self,
                window,
                presumed: 0,
            })
            .into_iter()
    }

    /// The classifier's scores of `window`, computed once per stretch
    /// (every category's rule asks for the same stretch).
    fn classify(&self, window: &Range<usize>) -> Scores {
        let mut classified = self.classified.borrow_mut();
        if let Some((_, scores)) = classified.iter().find(|(w, _)| w == window) {
            return scores.clone();
        }
        let scores = Classifier::builtin().classify(&self.text[window.clone()]);
        classified.push((window.clone(), scores.clone()));
        scores
    }

    fn sentences(&self) -> &Sentences {
        self.sentences.get_or_init(|| Sentences::new(self.text))
    }

    fn gap(&self, from: usize, to: usize) -> usize {
        self.words
            .get_or_init(|| self.tokenizer.words(self.text))
            .gap(from, to)
    }
}

/// The stretch of a line an expression is evaluated on.
#[derive(Clone)]
pub struct View<'a> {
    line: &'a Line<'a>,
    window: Range<usize>,
    /// The document facts ([`Node::Document`]) presumed to hold, as a
    /// set of [`DocumentFact::bit`]s.
    presumed: u8,
}

impl View<'_> {
    /// The same stretch with the document facts of `facts` (a set of
    /// [`DocumentFact::bit`]s) presumed to hold: a line is judged again by
    /// rules that require some, and the document reading settles whether
    /// that judgement counts.
    pub fn presuming(&self, facts: u8) -> View<'_> {
        View {
            presumed: facts,
            ..self.clone()
        }
    }

    /// Occurrences of `set` inside the view, in order.
    fn occurrences(&self, set: SetId) -> impl Iterator<Item = &Occurrence> {
        let window = self.window.clone();
        self.line
            .hits
            .of(set, self.line.terms)
            .filter(move |o| o.start >= window.start && o.end <= window.end)
    }

    /// Whether a negator ends at most `window` words before byte `at`, in the
    /// same sentence and inside the view.
    fn negated(&self, negation: &Negation, at: usize) -> bool {
        self.occurrences(negation.set).any(|n| {
            n.end <= at
                && self.line.sentences().same(n.start, at)
                && self.line.gap(n.end, at) <= negation.window
        })
    }
}

/// Whether `node` matches in `view`.
pub fn matches(node: &Node, view: &View<'_>) -> bool {
    eval_into(node, view, &mut Vec::new())
}

/// Whether `node` matches in `view`; if so, the evidence for the match (the
/// occurrences that made it, possibly none: a `not` matches without
/// evidence) is appended to `evidence`. One buffer serves a whole document
/// instead of a `Vec` per matching node. When the node does not match,
/// `evidence` is left as it was.
pub fn eval_into(node: &Node, view: &View<'_>, evidence: &mut Vec<Occurrence>) -> bool {
    match node {
        Node::Terms { set, negation } => {
            let found = view
                .occurrences(*set)
                .find(|o| negation.is_none_or(|n| !view.negated(&n, o.start)));
            if let Some(o) = found {
                evidence.push(*o);
            }
            found.is_some()
        }
        Node::Near {
            sets,
            within,
            ordered,
            negation,
        } => match near(view, sets, *within, *ordered, negation.as_ref()) {
            Some(chain) => {
                evidence.extend(chain);
                true
            }
            None => false,
        },
        Node::Regex { regex, factors } => {
            // Every match contains a factor, so without one in the line
            // there is nothing to search for.
            if factors.is_some_and(|set| !view.line.hits.may_have(set, view.line.terms)) {
                return false;
            }
            let base = view.window.start;
            let Some(m) = regex.find(&view.line.text[view.window.clone()]) else {
                return false;
            };
            evidence.push(Occurrence {
                start: base + m.start(),
                end: base + m.end(),
            });
            true
        }
        Node::All(children) => {
            let mark = evidence.len();
            for child in children {
                if !eval_into(child, view, evidence) {
                    evidence.truncate(mark);
                    return false;
                }
            }
            true
        }
        // A child that does not match leaves nothing behind, so the evidence
        // is that of the first child that matches.
        Node::Any(children) => children
            .iter()
            .any(|child| eval_into(child, view, evidence)),
        Node::Not(child) => {
            let mark = evidence.len();
            let matched = eval_into(child, view, evidence);
            evidence.truncate(mark);
            !matched
        }
        Node::Document(fact) => view.presumed & fact.bit() != 0,
        Node::Classifier { class, min } => {
            let (best, probability) = view.line.classify(&view.window).best();
            if best != *class || probability < *min {
                return false;
            }
            let base = view.window.start;
            let text = &view.line.text[view.window.clone()];
            let found = Classifier::builtin().evidence(text, *class, CLASSIFIER_EVIDENCE);
            evidence.extend(found.into_iter().map(|e| Occurrence {
                start: base + e.span.start,
                end: base + e.span.end,
            }));
            true
        }
    }
}

/// What a line must contain for a node to be able to match: a cheap test
/// on the prefilter's hits that spares evaluating most rules on most lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    /// Nothing is known to be required (regular expressions, negations).
    Nothing,
    /// Some term of this set.
    Set(SetId),
    /// Every one of these.
    All(Vec<Need>),
    /// At least one of these.
    Any(Vec<Need>),
}

impl Need {
    /// What `node` requires.
    pub fn of(node: &Node) -> Need {
        match node {
            Node::Terms { set, .. } => Need::Set(*set),
            Node::Near { sets, .. } => Need::All(sets.iter().map(|&s| Need::Set(s)).collect()),
            Node::Regex {
                factors: Some(set), ..
            } => Need::Set(*set),
            Node::Regex { factors: None, .. }
            | Node::Not(_)
            | Node::Document(_)
            | Node::Classifier { .. } => Need::Nothing,
            Node::All(children) => {
                let needs: Vec<Need> = children
                    .iter()
                    .map(Need::of)
                    .filter(|n| *n != Need::Nothing)
                    .collect();
                if needs.is_empty() {
                    Need::Nothing
                } else {
                    Need::All(needs)
                }
            }
            Node::Any(children) => {
                let needs: Vec<Need> = children.iter().map(Need::of).collect();
                if needs.contains(&Need::Nothing) {
                    Need::Nothing
                } else {
                    Need::Any(needs)
                }
            }
        }
    }

    /// Sets at least one of which must occur for this need to be met, or
    /// `None` when it can be met without any (it needs nothing).
    ///
    /// For `All` any one child's anchors will do; the most selective list is
    /// taken, so that a rule is triggered on as few lines as possible:
    /// the one whose shortest term is longest (`weakest(set)` is the length
    /// in chars of a set's shortest term: a set holding `你` fires on nearly
    /// every line), then the one with fewest sets.
    pub fn anchors(&self, weakest: &impl Fn(SetId) -> usize) -> Option<Vec<SetId>> {
        match self {
            Need::Nothing => None,
            Need::Set(set) => Some(vec![*set]),
            Need::All(needs) => needs
                .iter()
                .filter_map(|need| need.anchors(weakest))
                .max_by_key(|sets| {
                    let shortest = sets.iter().map(|&set| weakest(set)).min();
                    (shortest, std::cmp::Reverse(sets.len()))
                }),
            Need::Any(needs) => {
                let mut sets = Vec::new();
                for need in needs {
                    sets.extend(need.anchors(weakest)?);
                }
                sets.sort_unstable();
                sets.dedup();
                Some(sets)
            }
        }
    }

    /// Whether `hits` can satisfy this need.
    pub fn met_by(&self, hits: &SetHits) -> bool {
        match self {
            Need::Nothing => true,
            Need::Set(set) => hits.has(*set),
            Need::All(needs) => needs.iter().all(|n| n.met_by(hits)),
            Need::Any(needs) => needs.iter().any(|n| n.met_by(hits)),
        }
    }
}

fn near(
    view: &View<'_>,
    sets: &[SetId],
    within: usize,
    ordered: bool,
    negation: Option<&Negation>,
) -> Option<Vec<Occurrence>> {
    if sets.iter().any(|&s| view.occurrences(s).next().is_none()) {
        return None;
    }
    let mut order: Vec<SetId> = sets.to_vec();
    if !ordered {
        // Start from the first permutation so that every order is tried.
        order.sort_unstable();
    }
    loop {
        if let Some(chain) = chain_from(view, &order, within, negation) {
            return Some(chain);
        }
        if ordered || !next_permutation(&mut order) {
            return None;
        }
    }
}

/// The first chain of one occurrence per set, in `order`, each within
/// `within` words after the previous, all in the first one's sentence, and
/// none of them just after a negator ("晚上十点以后不会外呼").
fn chain_from(
    view: &View<'_>,
    order: &[SetId],
    within: usize,
    negation: Option<&Negation>,
) -> Option<Vec<Occurrence>> {
    let admissible = |o: &Occurrence| negation.is_none_or(|n| !view.negated(n, o.start));

    fn extend(
        view: &View<'_>,
        rest: &[SetId],
        within: usize,
        admissible: &dyn Fn(&Occurrence) -> bool,
        chain: &mut Vec<Occurrence>,
    ) -> bool {
        let Some((&set, rest)) = rest.split_first() else {
            return true;
        };
        let first = chain[0];
        let previous = *chain.last().expect("chain starts non-empty");
        for next in view.occurrences(set) {
            if next.start < previous.end
                || !view
                    .line
                    .sentences()
                    .same(first.start, next.end.saturating_sub(1))
                || view.line.gap(previous.end, next.start) > within
                || !admissible(next)
            {
                continue;
            }
            chain.push(*next);
            if extend(view, rest, within, admissible, chain) {
                return true;
            }
            chain.pop();
        }
        false
    }

    for first in view.occurrences(order[0]) {
        if !admissible(first) {
            continue;
        }
        let mut chain = vec![*first];
        if extend(view, &order[1..], within, &admissible, &mut chain) {
            return Some(chain);
        }
    }
    None
}

/// Rearranges `items` into the next lexicographic permutation; false after the last.
fn next_permutation(items: &mut [SetId]) -> bool {
    let Some(i) = items.windows(2).rposition(|w| w[0] < w[1]) else {
        return false;
    };
    let j = items
        .iter()
        .rposition(|&x| x > items[i])
        .expect("exists past i");
    items.swap(i, j);
    items[i + 1..].reverse();
    true
}
