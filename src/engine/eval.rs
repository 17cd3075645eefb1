//! Evaluates compiled match expressions on one normalized line.

use std::cell::OnceCell;

use super::prefilter::{Occurrence, SetHits};
use super::tokens::{Sentences, Tokenizer, Words};
use crate::rules::{Negation, Node, SetId};

/// Everything known about one normalized line while rules are evaluated.
pub struct LineView<'a> {
    /// The normalized text.
    pub text: &'a str,
    /// Term occurrences by set.
    pub hits: &'a SetHits,
    sentences: Sentences,
    words: OnceCell<Words>,
    tokenizer: &'a Tokenizer,
}

impl<'a> LineView<'a> {
    /// A view of `text` with its prefilter `hits`; words are cut on first use.
    pub fn new(text: &'a str, hits: &'a SetHits, tokenizer: &'a Tokenizer) -> LineView<'a> {
        LineView {
            text,
            hits,
            sentences: Sentences::new(text),
            words: OnceCell::new(),
            tokenizer,
        }
    }

    fn gap(&self, from: usize, to: usize) -> usize {
        self.words
            .get_or_init(|| self.tokenizer.words(self.text))
            .gap(from, to)
    }

    /// Whether a negator ends at most `window` words before byte `at`, in the same sentence.
    fn negated(&self, negation: &Negation, at: usize) -> bool {
        self.hits.of(negation.set).iter().any(|n| {
            n.end <= at
                && self.sentences.same(n.start, at)
                && self.gap(n.end, at) <= negation.window
        })
    }
}

/// The evidence for a match: the occurrences that made it, possibly none
/// (a `not` matches without evidence); `None` when the node does not match.
pub fn eval(node: &Node, line: &LineView<'_>) -> Option<Vec<Occurrence>> {
    match node {
        Node::Terms { set, negation } => line
            .hits
            .of(*set)
            .iter()
            .find(|o| negation.is_none_or(|n| !line.negated(&n, o.start)))
            .map(|o| vec![*o]),
        Node::Near {
            sets,
            within,
            ordered,
            negation,
        } => near(line, sets, *within, *ordered, negation.as_ref()),
        Node::Regex(regex) => regex.find(line.text).map(|m| {
            vec![Occurrence {
                start: m.start(),
                end: m.end(),
            }]
        }),
        Node::All(children) => {
            let mut evidence = Vec::new();
            for child in children {
                evidence.extend(eval(child, line)?);
            }
            Some(evidence)
        }
        Node::Any(children) => children.iter().find_map(|child| eval(child, line)),
        Node::Not(child) => match eval(child, line) {
            Some(_) => None,
            None => Some(Vec::new()),
        },
    }
}

/// The sets a node cannot match without: the node is worth evaluating only if
/// one of them has hits. `None` means "always evaluate".
pub fn trigger(node: &Node) -> Option<Vec<SetId>> {
    match node {
        Node::Terms { set, .. } => Some(vec![*set]),
        Node::Near { sets, .. } => Some(vec![sets[0]]),
        Node::Regex(_) | Node::Not(_) => None,
        Node::All(children) => children.iter().find_map(trigger),
        Node::Any(children) => {
            let mut sets = Vec::new();
            for child in children {
                sets.extend(trigger(child)?);
            }
            Some(sets)
        }
    }
}

fn near(
    line: &LineView<'_>,
    sets: &[SetId],
    within: usize,
    ordered: bool,
    negation: Option<&Negation>,
) -> Option<Vec<Occurrence>> {
    if sets.iter().any(|&s| !line.hits.has(s)) {
        return None;
    }
    let mut order: Vec<SetId> = sets.to_vec();
    if !ordered {
        // Start from the first permutation so that every order is tried.
        order.sort_unstable();
    }
    loop {
        if let Some(chain) = chain_from(line, &order, within, negation) {
            return Some(chain);
        }
        if ordered || !next_permutation(&mut order) {
            return None;
        }
    }
}

/// The first chain of one occurrence per set, in `order`, each within
/// `within` words after the previous, all in the first one's sentence.
fn chain_from(
    line: &LineView<'_>,
    order: &[SetId],
    within: usize,
    negation: Option<&Negation>,
) -> Option<Vec<Occurrence>> {
    fn extend(
        line: &LineView<'_>,
        rest: &[SetId],
        within: usize,
        chain: &mut Vec<Occurrence>,
    ) -> bool {
        let Some((&set, rest)) = rest.split_first() else {
            return true;
        };
        let first = chain[0];
        let previous = *chain.last().expect("chain starts non-empty");
        for &next in line.hits.of(set) {
            if next.start < previous.end
                || !line.sentences.same(first.start, next.end.saturating_sub(1))
                || line.gap(previous.end, next.start) > within
            {
                continue;
            }
            chain.push(next);
            if extend(line, rest, within, chain) {
                return true;
            }
            chain.pop();
        }
        false
    }

    for &first in line.hits.of(order[0]) {
        if negation.is_some_and(|n| line.negated(n, first.start)) {
            continue;
        }
        let mut chain = vec![first];
        if extend(line, &order[1..], within, &mut chain) {
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
