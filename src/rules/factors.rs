//! Literals that every match of a regular expression contains.
//!
//! A rule regex is only worth running on a line that contains one of its
//! *factors*: a set of literals such that every match of the expression has
//! at least one of them as a substring. The Aho-Corasick scan that finds the
//! rule terms finds the factors too, so a line without any is skipped for
//! free, and a rule whose every alternative has factors is not even looked
//! at on lines without them.
//!
//! Prefix and suffix literals (what `regex_syntax`'s extractor offers) are
//! not enough: rule regexes often begin with an anchor or a negated class
//! (`(?:^|[^在])…`) and end with one (`…(?:[^款]|$)`), while the words they
//! are about sit in the middle. The analysis here walks the syntax tree:
//!
//! - a literal is its own factor; a small class (`[猪狗驴]`) is its chars;
//! - an alternation has factors when every branch does (their union);
//! - a repetition of at least one has the factors of what it repeats;
//! - a concatenation takes the best factors of its parts, where runs of
//!   parts with finitely many spellings (`你(?:真|太)恶心`) are spelled out
//!   in full first (`你真恶心`, `你太恶心`).
//!
//! "Best" means the set whose shortest literal is longest, up to
//! [`RARE_CHARS`], then the smallest set: longer literals occur on fewer
//! lines, but past a few characters a smaller set is worth more.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Most literals a factor set may have.
const MAX_LITERALS: usize = 512;

/// Most spellings a run of concatenated parts may have: past that the run
/// is cut, so that a long phrase with many optional words yields a few
/// spellings of its distinctive part rather than hundreds of the whole.
const MAX_RUN: usize = 64;

/// Literals this long are taken to be rare enough; among sets of such
/// literals, the smallest is best.
const RARE_CHARS: usize = 3;

/// Most characters a class may have to be spelled out as literals.
const MAX_CLASS_CHARS: u32 = 32;

/// Literals one of which every match of `pattern` contains, if the pattern
/// guarantees any; `None` when it can match without any (`\d+`, `.*`) or
/// does not parse.
pub(crate) fn factors(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut found = factors_of(&hir)?;
    found.sort_unstable();
    found.dedup();
    Some(found)
}

/// What is known about the strings a subexpression matches.
fn factors_of(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Literal(_) | HirKind::Class(_) => useful(spellings(hir)?),
        HirKind::Capture(capture) => factors_of(&capture.sub),
        HirKind::Repetition(repetition) if repetition.min >= 1 => factors_of(&repetition.sub),
        HirKind::Repetition(_) => None,
        HirKind::Alternation(branches) => union(branches, factors_of),
        HirKind::Concat(parts) => concat_factors(parts),
    }
}

/// The best factors of a concatenation: of a part, or of a run of parts
/// with finitely many spellings spelled out together.
fn concat_factors(parts: &[Hir]) -> Option<Vec<String>> {
    let mut candidates: Vec<Vec<String>> = Vec::new();
    // The spellings of the current run of finite parts, if any.
    let mut run: Option<Vec<String>> = None;
    for part in parts {
        match spellings(part) {
            Some(own) => {
                run = Some(match run.take() {
                    None => own,
                    Some(before) => match product(&before, &own).filter(|j| j.len() <= MAX_RUN) {
                        Some(joined) => joined,
                        // Too many to spell out: close the run, start anew.
                        None => {
                            candidates.extend(useful(before));
                            own
                        }
                    },
                });
            }
            None => {
                candidates.extend(run.take().and_then(useful));
                candidates.extend(factors_of(part));
            }
        }
    }
    candidates.extend(run.and_then(useful));
    candidates.into_iter().max_by_key(|set| {
        let shortest = set.iter().map(|s| s.chars().count()).min().unwrap_or(0);
        (shortest.min(RARE_CHARS), std::cmp::Reverse(set.len()))
    })
}

/// Every string `hir` can match, when they are few (an anchor matches the
/// empty string: as far as containment goes, its condition is irrelevant).
fn spellings(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![String::new()]),
        HirKind::Literal(literal) => Some(vec![std::str::from_utf8(&literal.0).ok()?.to_string()]),
        HirKind::Class(Class::Unicode(class)) => {
            let size: u32 = class
                .ranges()
                .iter()
                .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
                .sum();
            if size > MAX_CLASS_CHARS {
                return None;
            }
            Some(
                class
                    .ranges()
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .map(String::from)
                    .collect(),
            )
        }
        HirKind::Class(Class::Bytes(_)) => None,
        HirKind::Capture(capture) => spellings(&capture.sub),
        HirKind::Repetition(repetition) => match (repetition.min, repetition.max) {
            (0, Some(1)) => {
                let mut optional = spellings(&repetition.sub)?;
                optional.push(String::new());
                Some(optional)
            }
            (1, Some(1)) => spellings(&repetition.sub),
            _ => None,
        },
        HirKind::Alternation(branches) => union(branches, spellings),
        HirKind::Concat(parts) => parts.iter().try_fold(vec![String::new()], |before, part| {
            product(&before, &spellings(part)?)
        }),
    }
}

/// What `each` says of every branch, together, unless a branch yields
/// nothing or there are too many.
fn union(branches: &[Hir], each: fn(&Hir) -> Option<Vec<String>>) -> Option<Vec<String>> {
    let mut all = Vec::new();
    for branch in branches {
        all.extend(each(branch)?);
        if all.len() > MAX_LITERALS {
            return None;
        }
    }
    Some(all)
}

/// Every `a` followed by every `b`, unless there are too many.
fn product(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() * b.len() > MAX_LITERALS {
        return None;
    }
    Some(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| format!("{x}{y}")))
            .collect(),
    )
}

/// `set` as factors: only if no member is empty (every string contains the
/// empty string, so such a set says nothing), and without the members that
/// contain another member (a string containing "你滚" contains "滚").
fn useful(mut set: Vec<String>) -> Option<Vec<String>> {
    if set.is_empty() || set.iter().any(String::is_empty) {
        return None;
    }
    set.sort_unstable();
    set.dedup();
    let contains_another = |s: &String| {
        set.iter()
            .any(|other| other.len() < s.len() && s.contains(other.as_str()))
    };
    Some(
        set.iter()
            .filter(|s| !contains_another(s))
            .cloned()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(pattern: &str) -> Option<Vec<String>> {
        factors(pattern)
    }

    fn strings(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn literals_in_the_middle_are_found_behind_anchors_and_classes() {
        assert_eq!(
            of("(?:^|[^在])(?:给|打给)客户打(?:[^工]|$)"),
            Some(strings(&["给客户打"]))
        );
    }

    #[test]
    fn finite_runs_are_spelled_out() {
        assert_eq!(
            of("你(?:真|太)恶心"),
            Some(strings(&["你太恶心", "你真恶心"]))
        );
    }

    #[test]
    fn the_longest_guaranteed_part_wins() {
        assert_eq!(
            of(r"\d+天(?:就)?起诉你|你等着"),
            Some(strings(&["天就起诉你", "天起诉你", "你等着"]))
        );
    }

    #[test]
    fn small_classes_are_their_characters() {
        assert_eq!(of(r"\d+[猪狗]"), Some(strings(&["狗", "猪"])));
    }

    #[test]
    fn alternations_need_factors_in_every_branch() {
        assert_eq!(of("滚|去死"), Some(strings(&["去死", "滚"])));
        assert_eq!(of(r"滚|\d+"), None);
    }

    #[test]
    fn optional_parts_guarantee_nothing() {
        assert_eq!(of("(?:法院)?"), None);
        assert_eq!(of(r"\d+|.*"), None);
        assert_eq!(of("(?:^|[，,])(?:你)?滚"), Some(strings(&["滚"])));
    }

    #[test]
    fn every_match_contains_a_factor() {
        let cases = [
            ("(?:^|[^在])(?:给|打给)客户打(?:[^工]|$)", "我给客户打了"),
            ("你(?:是|就是)?(?:个)?(?:猪|狗)吗", "你就是个狗吗"),
            (
                r"(?:一|每)(?:个)?小时[^。]{0,8}?(?:打|拨)",
                "每个小时都要打",
            ),
        ];
        for (pattern, text) in cases {
            let regex = regex::Regex::new(pattern).unwrap();
            let found = regex.find(text).unwrap().as_str();
            let set = of(pattern).unwrap();
            assert!(
                set.iter().any(|f| found.contains(f.as_str())),
                "{pattern}: {set:?}"
            );
        }
    }
}
