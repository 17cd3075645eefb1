//! Word tokens (jieba) and sentences of a normalized line, for distances.
//!
//! Rules measure proximity in words, not characters, so that "我们的人已经在你
//! 公司楼下了" counts the same however long the place name is. Tokenizing is
//! the most expensive step, so it runs only on lines the prefilter kept, and
//! only when a rule asks for a distance.

use std::ops::Range;

use jieba_rs::Jieba;

use super::digits::skeleton;

/// Characters that end a sentence.
const SENTENCE_ENDS: &[char] = &['。', '！', '？', '!', '?', '；', ';', '…'];
/// Characters that end a clause inside a sentence (not `、`, which joins
/// items of one list: "你老婆、孩子").
const CLAUSE_ENDS: &[char] = &['，', ',', '：', ':'];
/// Lines longer than this (bytes) are not tokenized; distances there are
/// estimated from characters, keeping a 50 MB line from taking minutes.
const MAX_TOKENIZED_BYTES: usize = 64 * 1024;
/// Bytes per word used for the estimate (a word is about 1.5 CJK characters).
const ESTIMATED_BYTES_PER_WORD: usize = 4;

/// Collection vocabulary for jieba (`word frequency tag` per line), so that
/// words like 失信被执行人 or 催收函 count as one word.
const DOMAIN_DICTIONARY: &str = include_str!("../../rules/dict.txt");

/// A jieba segmenter with the domain dictionary; build once per process.
pub struct Tokenizer {
    jieba: Jieba,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokenizer")
    }
}

impl Tokenizer {
    /// jieba's dictionary plus the domain dictionary.
    ///
    /// Rule terms are deliberately not added: many are phrases ("他欠"), and
    /// making them words would hide the real words inside them from
    /// whole-word terms and distort distances.
    pub fn new() -> Tokenizer {
        let mut jieba = Jieba::new();
        jieba
            .load_dict(&mut DOMAIN_DICTIONARY.as_bytes())
            .expect("the domain dictionary is well-formed (checked by a test)");
        Tokenizer { jieba }
    }

    /// Word boundaries of `text` (punctuation and spaces are not words).
    ///
    /// Digits are cut as if they were all `0`: numbers split into words
    /// the same whatever their value (jieba's dictionary has a few words
    /// with digits, such as 4S店), so that lines differing only in their
    /// digits have the same words (see [`digits`](super::digits)).
    pub fn words(&self, text: &str) -> Words {
        if text.len() > MAX_TOKENIZED_BYTES {
            return Words { spans: None };
        }
        let spans = self
            .jieba
            .cut(&skeleton(text), true)
            .into_iter()
            .filter(|t| t.word.chars().any(char::is_alphanumeric))
            .map(|t| (t.byte_start, t.byte_end))
            .collect();
        Words { spans: Some(spans) }
    }
}

impl Default for Tokenizer {
    fn default() -> Tokenizer {
        Tokenizer::new()
    }
}

/// Word spans of one line.
#[derive(Debug)]
pub struct Words {
    /// `None` when the line was too long to tokenize.
    spans: Option<Vec<(usize, usize)>>,
}

impl Words {
    /// Number of words lying between byte `from` and byte `to` (`from <= to`).
    ///
    /// A word that contains `to` belongs to what starts there, not to the gap.
    pub fn gap(&self, from: usize, to: usize) -> usize {
        let Some(spans) = &self.spans else {
            return to.saturating_sub(from) / ESTIMATED_BYTES_PER_WORD;
        };
        let first = spans.partition_point(|&(start, _)| start < from);
        let last = spans.partition_point(|&(start, _)| start < to);
        let mut gap = last.saturating_sub(first);
        if gap > 0 && spans[last - 1].1 > to {
            gap -= 1;
        }
        gap
    }

    /// Whether `start..end` begins and ends on word boundaries (always true
    /// on lines too long to tokenize).
    pub fn aligned(&self, start: usize, end: usize) -> bool {
        let Some(spans) = &self.spans else {
            return true;
        };
        let starts = spans.binary_search_by_key(&start, |&(s, _)| s).is_ok();
        let ends = spans.binary_search_by_key(&end, |&(_, e)| e).is_ok();
        starts && ends
    }
}

/// Sentences and clauses of a line, by the punctuation that ends them.
#[derive(Debug)]
pub struct Sentences {
    /// Byte ranges of the marks that end sentences.
    sentence_marks: Vec<Range<usize>>,
    /// Byte ranges of the marks that end clauses (sentence ends included).
    clause_marks: Vec<Range<usize>>,
    len: usize,
}

impl Sentences {
    /// Finds the sentence and clause ends of `text`.
    pub fn new(text: &str) -> Sentences {
        let mut sentence_marks = Vec::new();
        let mut clause_marks = Vec::new();
        for (i, c) in text.char_indices() {
            // Most chars are ideographs or ASCII letters and digits, which end
            // nothing; skip them before comparing against the mark lists.
            if c.is_ascii_alphanumeric() || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                continue;
            }
            let mark = i..i + c.len_utf8();
            if SENTENCE_ENDS.contains(&c) {
                sentence_marks.push(mark.clone());
                clause_marks.push(mark);
            } else if CLAUSE_ENDS.contains(&c) {
                clause_marks.push(mark);
            }
        }
        Sentences {
            sentence_marks,
            clause_marks,
            len: text.len(),
        }
    }

    /// Whether bytes `a` and `b` lie in the same sentence.
    pub fn same(&self, a: usize, b: usize) -> bool {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let i = self.sentence_marks.partition_point(|m| m.start < lo);
        self.sentence_marks.get(i).is_none_or(|m| m.start >= hi)
    }

    /// Byte ranges of the non-empty sentences (`clauses = false`) or
    /// clauses, in order.
    pub fn ranges(&self, clauses: bool) -> impl Iterator<Item = Range<usize>> + '_ {
        let marks = if clauses {
            &self.clause_marks
        } else {
            &self.sentence_marks
        };
        // Each piece runs from the end of the previous mark to the next one.
        let starts = std::iter::once(0).chain(marks.iter().map(|m| m.end));
        let ends = marks
            .iter()
            .map(|m| m.start)
            .chain(std::iter::once(self.len));
        starts
            .zip(ends)
            .map(|(start, end)| start..end)
            .filter(|r| !r.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_full_stops_not_commas() {
        let text = "你好，我是客服。请还款！";
        let s = Sentences::new(text);
        assert!(s.same(0, text.find("客服").unwrap()));
        assert!(!s.same(0, text.find("请").unwrap()));
    }

    #[test]
    fn clauses_split_on_commas_but_not_on_list_commas() {
        let text = "你老婆、孩子，我们都知道。走着瞧";
        let s = Sentences::new(text);
        let pieces: Vec<&str> = s.ranges(true).map(|r| &text[r]).collect();
        assert_eq!(pieces, ["你老婆、孩子", "我们都知道", "走着瞧"]);
        let sentences: Vec<&str> = s.ranges(false).map(|r| &text[r]).collect();
        assert_eq!(sentences, ["你老婆、孩子，我们都知道", "走着瞧"]);
    }

    #[test]
    fn words_know_their_boundaries() {
        let tokenizer = Tokenizer::new();
        let text = "服务欠佳";
        let words = tokenizer.words(text);
        let at = text.find("欠").unwrap();
        assert!(!words.aligned(at, at + "欠".len()), "欠 is inside 欠佳");
        assert!(words.aligned(0, "服务".len()));
    }

    #[test]
    fn gap_counts_words_between_two_offsets() {
        let tokenizer = Tokenizer::new();
        let text = "不还钱就等着坐牢";
        let words = tokenizer.words(text);
        let from = text.find("还钱").unwrap() + "还钱".len();
        let to = text.find("坐牢").unwrap();
        let gap = words.gap(from, to);
        assert!((1..=3).contains(&gap), "gap {gap}");
        assert_eq!(words.gap(to, to), 0);
    }

    #[test]
    fn domain_dictionary_keeps_collection_terms_whole() {
        let tokenizer = Tokenizer::new();
        let words: Vec<&str> = tokenizer
            .jieba
            .cut("他已被列为失信被执行人", true)
            .into_iter()
            .map(|t| t.word)
            .collect();
        assert!(words.contains(&"失信被执行人"), "{words:?}");
    }

    #[test]
    fn overlong_lines_are_estimated_not_tokenized() {
        let tokenizer = Tokenizer::new();
        let text = "好".repeat(MAX_TOKENIZED_BYTES);
        let words = tokenizer.words(&text);
        assert_eq!(words.gap(0, 40), 10);
    }
}
