//! Sharing one verdict between lines that differ only in their digits.
//!
//! Call notes repeat the same sentences with different amounts, dates and
//! numbers: "约定周三还款17809元", "约定周三还款8650元". Most rules cannot
//! tell such lines apart: their terms have no digits and their regexes
//! treat every digit alike (`\d+天`). A line's *skeleton*, with every ASCII
//! digit replaced by `0`, is then judged once for all of them.
//!
//! Some rules do look at digit values ("22点以后", `[1-9]\d个电话`). The
//! [`DigitGuard`] holds every such *digit-sensitive* piece of the rule set:
//! each term spelling with an ASCII digit, and each regex that has a digit
//! literal or a class holding some digits but not all. A line shares its
//! skeleton's verdict only when no sensitive piece can match in the line
//! or in its skeleton; every other line is judged on its own.
//!
//! Why the verdicts are then equal: the line and its skeleton have the same
//! bytes except for digit values, so normalization (which treats digits as
//! one class), sentence splitting and word cutting (the tokenizer cuts
//! with digits masked) give the same offsets; digit-free terms occur at the
//! same places; digit-blind regexes match at the same places; and the
//! sensitive pieces match nowhere in either. A regex is checked with its
//! anchors and word boundaries dropped, so that a match inside any
//! sentence or clause of the line is a match of the relaxed form in the
//! whole line.
//!
//! A whole text shares its skeleton's findings when it and its skeleton
//! are both digit-inert: no sensitive piece matches in any of their lines,
//! and no speaker label has a digit (speaker labels, timestamps and
//! headings are found by digit-blind patterns, so both split into the same
//! turns); see [`Checker::digits_are_inert`](super::Checker::digits_are_inert).
//! The audit checks call notes that differ only in digits once.

use std::borrow::Cow;

use regex::Regex;
use regex_syntax::hir::{
    Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
};

use crate::rules::{Matcher, Node, RuleSet};

/// Whether `text` has an ASCII digit.
pub fn has_digit(text: &str) -> bool {
    first_digit(text.as_bytes()).is_some()
}

/// The index of the first ASCII digit in `bytes`.
///
/// Runs for every note an audit reads: chunks are tested whole, without a
/// branch per byte, which compiles to vector code (about three times as
/// fast as stopping at each byte); only the chunk with a digit is then
/// searched byte by byte.
fn first_digit(bytes: &[u8]) -> Option<usize> {
    const CHUNK: usize = 32;
    let mut at = 0;
    for chunk in bytes.chunks(CHUNK) {
        if chunk
            .iter()
            .fold(false, |seen, b| seen | b.is_ascii_digit())
        {
            return chunk.iter().position(u8::is_ascii_digit).map(|i| at + i);
        }
        at += chunk.len();
    }
    None
}

/// `text` with every ASCII digit replaced by `0`: same length, same char
/// boundaries.
pub fn skeleton(text: &str) -> Cow<'_, str> {
    let mut skeleton = String::new();
    match skeleton_into(text, &mut skeleton) {
        true => Cow::Owned(skeleton),
        false => Cow::Borrowed(text),
    }
}

/// Writes the [`skeleton`] of `text` into `skeleton` (replacing what it
/// held), if `text` has an ASCII digit; returns whether it has one.
pub fn skeleton_into(text: &str, skeleton: &mut String) -> bool {
    const ZEROS: &str = "0000000000000000";
    skeleton.clear();
    let mut rest = text;
    // Cut at ASCII digits only, which are char boundaries; a run of digits
    // (a phone number, an amount) is replaced at once.
    while let Some(at) = first_digit(rest.as_bytes()) {
        let digits = rest.as_bytes()[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        skeleton.push_str(&rest[..at]);
        for run in (0..digits).step_by(ZEROS.len()) {
            skeleton.push_str(&ZEROS[..(digits - run).min(ZEROS.len())]);
        }
        rest = &rest[at + digits..];
    }
    if rest.len() == text.len() {
        return false;
    }
    skeleton.push_str(rest);
    true
}

/// The digit-sensitive pieces of a rule set, as one expression that
/// matches wherever one of them might.
#[derive(Debug)]
pub struct DigitGuard {
    /// `None` when the rule set has no sensitive piece.
    sensitive: Option<Regex>,
    /// The sensitive pieces with every digit they look for, or a class
    /// holding some digit, widened to any digit: it matches a text wherever
    /// some change of the text's digit values would make `sensitive` match
    /// (see [`DigitGuard::inert_for_any_digits`]).
    widened: Option<Regex>,
}

impl DigitGuard {
    /// The guard of `rules`, or `None` if some regex cannot be analysed
    /// (then no line shares a verdict).
    pub fn new(rules: &RuleSet) -> Option<DigitGuard> {
        let mut alternatives = Vec::new();
        let mut widened = Vec::new();
        let spellings = rules
            .terms
            .terms()
            .iter()
            .chain(rules.variants.iter().map(|(spelling, _)| spelling));
        for spelling in spellings.filter(|s| has_digit(s)) {
            alternatives.push(regex::escape(spelling));
            widened.push(widen(&Hir::literal(spelling.as_bytes()))?.to_string());
        }
        let mut regexes = Vec::new();
        for rule in &rules.rules {
            match &rule.matcher {
                Matcher::Line(node) => collect_regexes(node, &mut regexes),
                Matcher::Fact(_) => {}
                Matcher::Missing { node, context, .. } => {
                    collect_regexes(node, &mut regexes);
                    if let Some(context) = context {
                        collect_regexes(context, &mut regexes);
                    }
                }
            }
            for exception in &rule.unless {
                collect_regexes(exception, &mut regexes);
            }
        }
        for (_, cue) in rules.context.iter() {
            collect_regexes(cue, &mut regexes);
        }
        for regex in regexes {
            let hir = regex_syntax::Parser::new().parse(regex.as_str()).ok()?;
            if !digit_blind(&hir) {
                let relaxed = relaxed(&hir);
                widened.push(format!("(?:{})", widen(&relaxed)?));
                alternatives.push(format!("(?:{relaxed})"));
            }
        }
        if alternatives.is_empty() {
            return Some(DigitGuard {
                sensitive: None,
                widened: None,
            });
        }
        let build = |alternatives: &[String]| {
            regex::RegexBuilder::new(&alternatives.join("|"))
                .size_limit(64 << 20)
                .build()
                .ok()
        };
        Some(DigitGuard {
            sensitive: Some(build(&alternatives)?),
            widened: Some(build(&widened)?),
        })
    }

    /// Whether no digit-sensitive piece can match in `normalized`, the
    /// normalized text of a line.
    pub fn inert_in(&self, normalized: &str) -> bool {
        self.sensitive
            .as_ref()
            .is_none_or(|sensitive| !sensitive.is_match(normalized))
    }

    /// Whether no digit-sensitive piece can match in `normalized`, the
    /// normalized text of a line, whatever the values of its ASCII digits:
    /// then every line differing from it only in those values is
    /// [inert](DigitGuard::inert_in) too.
    ///
    /// Why: wherever a sensitive piece matches such a line, its widened
    /// form matches `normalized` at the same place, as it takes any digit
    /// wherever the piece takes some digit, and the two texts have the same
    /// chars everywhere else.
    pub fn inert_for_any_digits(&self, normalized: &str) -> bool {
        self.widened
            .as_ref()
            .is_none_or(|widened| !widened.is_match(normalized))
    }
}

/// `hir` taking any ASCII digit wherever it takes some: digit literals
/// become `[0-9]`, and classes holding a digit hold them all. `None` for a
/// literal that is not UTF-8 (never in a Unicode regex).
fn widen(hir: &Hir) -> Option<Hir> {
    let any_digit = || ClassUnicode::new([ClassUnicodeRange::new('0', '9')]);
    Some(match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
        HirKind::Literal(literal) => Hir::concat(
            std::str::from_utf8(&literal.0)
                .ok()?
                .chars()
                .map(|c| match c.is_ascii_digit() {
                    true => Hir::class(Class::Unicode(any_digit())),
                    false => Hir::literal(c.encode_utf8(&mut [0; 4]).as_bytes()),
                })
                .collect(),
        ),
        HirKind::Class(class) if (b'0'..=b'9').any(|digit| class_holds(class, digit)) => {
            match class {
                Class::Unicode(class) => {
                    let mut class = class.clone();
                    class.union(&any_digit());
                    Hir::class(Class::Unicode(class))
                }
                Class::Bytes(class) => {
                    let mut class = class.clone();
                    class.union(&ClassBytes::new([ClassBytesRange::new(b'0', b'9')]));
                    Hir::class(Class::Bytes(class))
                }
            }
        }
        HirKind::Class(_) => hir.clone(),
        HirKind::Repetition(repetition) => Hir::repetition(regex_syntax::hir::Repetition {
            sub: Box::new(widen(&repetition.sub)?),
            ..repetition.clone()
        }),
        HirKind::Capture(capture) => Hir::capture(regex_syntax::hir::Capture {
            sub: Box::new(widen(&capture.sub)?),
            ..capture.clone()
        }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(widen).collect::<Option<_>>()?),
        HirKind::Alternation(parts) => {
            Hir::alternation(parts.iter().map(widen).collect::<Option<_>>()?)
        }
    })
}

/// Appends the regexes of `node` to `out`.
fn collect_regexes<'a>(node: &'a Node, out: &mut Vec<&'a Regex>) {
    match node {
        Node::Regex { regex, .. } => out.push(regex),
        Node::All(children) | Node::Any(children) => {
            for child in children {
                collect_regexes(child, out);
            }
        }
        Node::Not(child) => collect_regexes(child, out),
        // The classifier reads every digit as `0` (see `classifier::grams`).
        Node::Document(_) | Node::Classifier { .. } => {}
        Node::Terms { .. } | Node::Near { .. } => {}
    }
}

/// Whether `hir` matches the same places in two texts that differ only in
/// the values of their ASCII digits: no digit literal, and every class
/// holds all ASCII digits or none.
fn digit_blind(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => !literal.0.iter().any(u8::is_ascii_digit),
        HirKind::Class(class) => {
            let held = (b'0'..=b'9')
                .filter(|&digit| class_holds(class, digit))
                .count();
            held == 0 || held == 10
        }
        HirKind::Repetition(repetition) => digit_blind(&repetition.sub),
        HirKind::Capture(capture) => digit_blind(&capture.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().all(digit_blind),
    }
}

/// Whether `class` holds the ASCII char `byte`.
fn class_holds(class: &Class, byte: u8) -> bool {
    match class {
        Class::Unicode(class) => {
            let c = char::from(byte);
            class
                .ranges()
                .iter()
                .any(|range| range.start() <= c && c <= range.end())
        }
        Class::Bytes(class) => class
            .ranges()
            .iter()
            .any(|range| range.start() <= byte && byte <= range.end()),
    }
}

/// `hir` without its anchors and word boundaries: it matches wherever
/// `hir` matches in any stretch of a text.
fn relaxed(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => hir.clone(),
        HirKind::Repetition(repetition) => Hir::repetition(regex_syntax::hir::Repetition {
            sub: Box::new(relaxed(&repetition.sub)),
            ..repetition.clone()
        }),
        HirKind::Capture(capture) => relaxed(&capture.sub),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(relaxed).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(relaxed).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blind(pattern: &str) -> bool {
        digit_blind(&regex_syntax::Parser::new().parse(pattern).unwrap())
    }

    #[test]
    fn skeletons_mask_ascii_digits_only() {
        assert_eq!(skeleton("还款17809元，逾期３天"), "还款00000元，逾期３天");
        assert_eq!(skeleton("7号还12"), "0号还00");
        let long = "电话138123456780000123456789。";
        assert_eq!(skeleton(long), "电话000000000000000000000000。");
        let mut reused = "旧的内容".to_string();
        assert!(!skeleton_into("没有数字", &mut reused));
        assert!(skeleton_into("还款8650元", &mut reused));
        assert_eq!(reused, "还款0000元");
        assert!(matches!(skeleton("没有数字"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_first_digit_is_found_in_any_chunk() {
        let text = "没有数字的一段很长的话，".repeat(5);
        assert_eq!(first_digit(text.as_bytes()), None);
        for at in [0, 1, 31, 32, 33, 63, 64, text.len()] {
            let mut bytes = text.as_bytes().to_vec();
            bytes.insert(at, b'7');
            bytes.push(b'8');
            assert_eq!(first_digit(&bytes), Some(at));
        }
    }

    #[test]
    fn regexes_treating_all_digits_alike_are_blind() {
        assert!(blind(r"\d+天"));
        assert!(blind(r"[^。！？]{0,8}欠"));
        assert!(blind(r"[\p{Han}\w]{1,6}的"));
        assert!(blind(r"[零一二三四五六七八九\d]+号"));
    }

    #[test]
    fn regexes_telling_digits_apart_are_sensitive() {
        assert!(!blind(r"[1-9]\d个电话"));
        assert!(!blind(r"(?:2[2-3]|0?[0-7])[:：][0-5]\d"));
        assert!(!blind(r"110"));
        assert!(!blind(r"[^0]点"));
    }

    #[test]
    fn widened_pieces_match_wherever_some_digits_would() {
        let widened = |pattern: &str| {
            let hir = regex_syntax::Parser::new().parse(pattern).unwrap();
            Regex::new(&widen(&hir).unwrap().to_string()).unwrap()
        };
        let quiet = widened(r"(?:2[2-3]|0?[0-7])[:：][0-5]\d");
        assert!(quiet.is_match("00:00"), "23:15 has this skeleton");
        assert!(!quiet.is_match("00点"));
        assert!(widened(r"[1-9]\d个电话").is_match("打了00个电话"));
        assert!(widened(r"[^0]点").is_match("0点"));
        assert!(widened(r"110").is_match("拨000"));
        assert!(!widened(r"110").is_match("拨00"));
        let term = widened(&regex::escape("23点(晚)"));
        assert!(term.is_match("00点(晚)"));
        assert!(!term.is_match("0点(晚)"));
    }

    #[test]
    fn relaxed_regexes_match_wherever_the_original_matches_in_a_stretch() {
        let hir = regex_syntax::Parser::new()
            .parse(r"^(?:2[2-3])点\b")
            .unwrap();
        let relaxed = Regex::new(&relaxed(&hir).to_string()).unwrap();
        // The original only matches at the start of a stretch.
        assert!(relaxed.is_match("晚上，22点打给你"));
    }
}
