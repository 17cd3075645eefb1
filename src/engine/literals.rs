//! Literals that every match of a regular expression must contain.
//!
//! The rule compiler attaches to a regex the literals that start every match
//! when it can (its prefix set), and the engine skips the regex on lines
//! without one. Many rule regexes begin with a class or an anchor
//! (`(?:^|[^在])(?:给|打给)…`) and have no such prefixes, so they were run on
//! every sentence of every line their rule was evaluated on. Their matches
//! still all *end* with one of a few literals; those are found by the same
//! Aho-Corasick scan as the terms, and a regex none of whose suffix literals
//! is in the line is not run. The result is unchanged: a match inside any
//! view of the line is a stretch of the line that ends with such a literal.

use regex::Regex;
use regex_syntax::hir::literal::ExtractKind;

use crate::rules::{Matcher, Node, RuleSet, SetId, required_literals};

/// The regexes without prefix sets that have suffix literals, each with the
/// id of the extra "set" the prefilter reports its literals under.
#[derive(Debug, Default)]
pub struct RequiredLiterals {
    /// `(pattern address, set)`, sorted by address. A regex is identified by
    /// the address of its pattern text, which is heap-allocated and shared
    /// by clones, so it does not change when the rule set moves.
    by_regex: Vec<(usize, SetId)>,
    /// The literals of each extra set, in set order.
    pub lists: Vec<Vec<String>>,
}

impl RequiredLiterals {
    /// Collects the regexes of `rules` (rules, exceptions and context cues)
    /// that have no prefix set but suffix literals; extra sets are numbered
    /// from the rule set's own set count on.
    pub fn new(rules: &RuleSet) -> RequiredLiterals {
        let mut found = RequiredLiterals::default();
        let first_set = rules.terms.set_count();
        let mut visit = |node: &Node| found.walk(node, first_set);
        for rule in &rules.rules {
            match &rule.matcher {
                Matcher::Line(node) | Matcher::Missing { node, .. } => visit(node),
            }
            rule.unless.iter().for_each(&mut visit);
        }
        let cues = &rules.context;
        [
            &cues.callee_is_third_party,
            &cues.callee_is_debtor,
            &cues.agent_addresses_third_party,
            &cues.third_party_section,
        ]
        .into_iter()
        .flatten()
        .for_each(visit);
        found.by_regex.sort_unstable();
        found
    }

    fn walk(&mut self, node: &Node, first_set: SetId) {
        match node {
            Node::Regex {
                regex,
                prefixes: None,
            } => {
                let key = key_of(regex);
                if self.by_regex.iter().any(|&(k, _)| k == key) {
                    return;
                }
                if let Some(literals) = suffix_literals(regex.as_str()) {
                    let set = first_set + self.lists.len();
                    self.lists.push(literals);
                    self.by_regex.push((key, set));
                }
            }
            Node::Terms { .. } | Node::Near { .. } | Node::Regex { .. } => {}
            Node::All(children) | Node::Any(children) => {
                for child in children {
                    self.walk(child, first_set);
                }
            }
            Node::Not(child) => self.walk(child, first_set),
        }
    }

    /// The extra set holding the suffix literals of `regex`, if it has one.
    pub fn set_of(&self, regex: &Regex) -> Option<SetId> {
        let key = key_of(regex);
        self.by_regex
            .binary_search_by_key(&key, |&(k, _)| k)
            .ok()
            .map(|i| self.by_regex[i].1)
    }
}

fn key_of(regex: &Regex) -> usize {
    regex.as_str().as_ptr() as usize
}

/// Literals one of which ends every match of `pattern`, if known and few.
fn suffix_literals(pattern: &str) -> Option<Vec<String>> {
    required_literals(pattern, ExtractKind::Suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_of_a_regex_without_prefixes() {
        let got = suffix_literals("(?:^|[^在])(?:给|打给)(?:客户|对方)(?:打|发)").unwrap();
        assert!(!got.is_empty());
        assert!(
            got.iter().all(|l| l.ends_with('打') || l.ends_with('发')),
            "{got:?}"
        );
        assert_eq!(suffix_literals(r"\d+"), None);
    }
}
