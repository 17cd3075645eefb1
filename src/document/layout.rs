//! Layout: from physical lines to the blocks a reader sees.
//!
//! Text exported from PDF or Word is hard-wrapped every 35–45 characters,
//! often with a blank line between the pieces and page headers and footers
//! in between; a sentence, and the violating phrase in it, is split across
//! lines. This module drops page furniture (`第 3 页 共 12 页`, `— 7 —`,
//! headers repeated on every page) and joins a line that stops mid-sentence
//! at the wrap width with the line that continues it. Everything else stays
//! one block per line. Blocks keep the original byte ranges they are made
//! of, so positions stay true.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use unicode_width::UnicodeWidthStr;

use super::labels::Speakers;
use crate::clock::Stamp;
use crate::source::SourceFile;
use crate::suppress::is_directive_line;

/// One block of text as a reader sees it: a line, or several joined across
/// hard wraps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// 1-based number of the line the block starts on.
    pub line: usize,
    /// The original byte ranges the block's text is made of, in order: the
    /// first line's content after any speaker label, then each
    /// continuation line.
    pub pieces: Vec<Range<usize>>,
    /// The speaker label opening the block, if any (index into
    /// [`Speakers::list`]).
    pub speaker: Option<usize>,
    /// Whether the block is a heading: a Markdown heading, or a short
    /// unlabelled line that introduces what follows.
    pub heading: bool,
}

/// Page numbers and running footers: `第 3 页 共 12 页`, `第 1 页 / 共 2 页`,
/// `— 7 —`, `- 12 -`, `Page 3 of 9`, `培训中心编印 第 14 页`.
static PAGE_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:.{0,30}?\s)?(?:第\s*\d+\s*页(?:\s*[/／,，]?\s*共\s*\d+\s*页)?|[—–\-－]+\s*\d+\s*[—–\-－]+|page\s*\d+(?:\s*(?:of|/)\s*\d+)?|\d+\s*/\s*\d+)\s*$",
    )
    .expect("page mark pattern is valid")
});

/// A clock time ending a line (`2024-10-08 07:12`).
static ENDS_WITH_TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{1,2}:\d{2}(?::\d{2})?$").expect("time pattern is valid"));

/// What opens an item of a list or a numbered section: `一、`, `（三）`,
/// `3.2 `, `2. `, `第三章`, `- `, `【话术一】`, a field label (`复核意见：`).
static ITEM_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:[（(]?[一二三四五六七八九十]+[)）、.．]|[（(]\d+[)）]|\d+(?:\.\d+)*[、.．)）]|\d+(?:\.\d+)+\s|第[一二三四五六七八九十百\d]+[章节条步部分讲课篇板]|[-*•·■●◆▪>|｜]|[A-Za-z][.、)）]\s|[【\[][^】\]]{1,12}[】\]]|\p{Han}{4,6}：)",
    )
    .expect("item pattern is valid")
});

/// What numbers a chapter or section rather than a list item: `一、`,
/// `（三）`, `第三章`, `3.2 `.
static SECTION_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:[（(]?[一二三四五六七八九十]+[)）、.．]|第[一二三四五六七八九十百\d]+[章节条部分讲课篇板]|\d+(?:\.\d+)+\s)",
    )
    .expect("section pattern is valid")
});

/// Marks that end a sentence at the end of a line.
const TERMINAL: &[char] = &['。', '！', '？', '!', '?', '；', ';', '…'];

/// Marks after which a line obviously goes on.
const CONTINUING: &[char] = &['，', ',', '、', '“', '（', '(', '—'];

/// Marks that end a sentence anywhere in a line.
const SENTENCE_MARKS: &[char] = &['。', '！', '？', '!', '?', '；'];

/// Lays out `source` as blocks; `speakers` gives each line's label.
pub fn layout(source: &SourceFile, speakers: &Speakers) -> Vec<Block> {
    let lines: Vec<(usize, Range<usize>)> = source.lines().collect();
    let furniture = furniture(source, &lines);
    // The content of each line: after its label, trimmed at the end.
    let content: Vec<Range<usize>> = lines
        .iter()
        .map(|(n, range)| {
            let start = speakers
                .of_line
                .get(n - 1)
                .and_then(Option::as_ref)
                .map_or(range.start, |l| range.start + l.content_start);
            let text = &source.text[start..range.end];
            start..start + text.trim_end().len()
        })
        .collect();
    let width = |i: usize| source.text[content[i].clone()].trim_start().width();
    let labelled = |i: usize| speakers.of_line.get(i).is_some_and(Option::is_some);
    let blank = |i: usize| furniture[i] || source.text[content[i].clone()].trim().is_empty();

    let wrap_width = wrap_width(
        (0..lines.len())
            .filter(|&i| !blank(i) && !labelled(i))
            .map(width),
    );
    // Metadata lines (`来电 0755-…｜2024-10-08 07:12`), table rows and
    // delimited records (`C1,A3,本人,2025-06-01 22:47:10,未接,`) are never
    // prose wrapped mid-sentence.
    let is_record = |i: usize| {
        let text = source.text[content[i].clone()].trim_end();
        text.contains(['｜', '|'])
            || ENDS_WITH_TIME.is_match(text)
            || Stamp::in_record(text).is_some()
    };
    let ends_unfinished = |i: usize| {
        let text = source.text[content[i].clone()].trim_end();
        // A straight quote may open or close: it closes after a sentence end.
        let unquoted = text.trim_end_matches(['"', '\'']);
        !is_record(i)
            && (!unquoted.ends_with(TERMINAL) && !text.ends_with(['”', '」', '』'])
                || text.ends_with("：“"))
    };
    let is_full = |i: usize| wrap_width.is_some_and(|w| width(i) * 5 >= w * 4);
    // A document wrapped by an exporter has several full lines that stop
    // mid-sentence, and punctuation in most lines; only then is a full line
    // taken for a wrap. ASR output has no punctuation at all: each of its
    // lines is a turn.
    let content_lines = (0..lines.len()).filter(|&i| !blank(i)).count();
    let punctuated = (0..lines.len())
        .filter(|&i| !blank(i) && source.text[content[i].clone()].contains(SENTENCE_MARKS))
        .count();
    let wrapped = punctuated * 5 >= content_lines * 2
        && (0..lines.len())
            .filter(|&i| !blank(i) && !labelled(i) && is_full(i) && ends_unfinished(i))
            .count()
            >= 2;

    let mut blocks: Vec<Block> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if blank(i) {
            i += 1;
            continue;
        }
        // The first line is a title when text follows it.
        let title = blocks.is_empty() && (i + 1..lines.len()).any(|j| !blank(j));
        let heading = !labelled(i) && is_heading(&source.text[content[i].clone()], title);
        let mut block = Block {
            line: lines[i].0,
            pieces: vec![content[i].clone()],
            speaker: speakers
                .of_line
                .get(i)
                .and_then(Option::as_ref)
                .map(|l| l.speaker),
            heading,
        };
        let mut last = i;
        i += 1;
        if !heading {
            loop {
                let text = source.text[content[last].clone()].trim_end();
                let continues = text.ends_with(CONTINUING) && !is_record(last);
                let wraps = wrapped && is_full(last) && ends_unfinished(last);
                if !(wraps || (continues && !text.is_empty())) {
                    break;
                }
                // Blank lines and furniture between wrapped pieces are
                // skipped; an obvious continuation must be the next line.
                let mut next = i;
                while wraps && next < lines.len() && blank(next) {
                    next += 1;
                }
                if next >= lines.len()
                    || blank(next)
                    || labelled(next)
                    || (ITEM_START.is_match(&source.text[content[next].clone()])
                        && !(wraps && ends_lead_in(&source.text[content[next].clone()])))
                    || Stamp::parse(&source.text[content[next].clone()])
                        .is_some_and(|s| s.start.is_some())
                    || source.text[content[next].clone()]
                        .trim_start()
                        .starts_with('#')
                {
                    break;
                }
                block.pieces.push(content[next].clone());
                last = next;
                i = next + 1;
            }
        }
        blocks.push(block);
    }
    blocks
}

/// Whether a line is nothing but the end of a lead-in (`出现以下行为：`):
/// after a wrapped line it finishes that line's sentence, it opens no
/// item of its own.
fn ends_lead_in(text: &str) -> bool {
    let text = text.trim();
    text.strip_suffix(['：', ':']).is_some_and(|words| {
        (2..=8).contains(&words.chars().count()) && words.chars().all(|c| c.is_alphabetic())
    })
}

/// Which lines are no text of the document: page marks, in a paginated
/// document short lines repeated as running headers, and hegui's own
/// suppression comments.
fn furniture(source: &SourceFile, lines: &[(usize, Range<usize>)]) -> Vec<bool> {
    let texts: Vec<&str> = lines
        .iter()
        .map(|(_, range)| source.text[range.clone()].trim())
        .collect();
    let mut marks: Vec<bool> = texts
        .iter()
        .map(|t| {
            !t.is_empty() && (t.chars().count() <= 48 && PAGE_MARK.is_match(t))
                || is_directive_line(t)
        })
        .collect();
    if marks.iter().any(|&m| m) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for t in texts.iter().filter(|t| !t.is_empty()) {
            *seen.entry(t).or_default() += 1;
        }
        for (mark, t) in marks.iter_mut().zip(&texts) {
            let repeated = seen.get(t).copied().unwrap_or(0) >= 2;
            if repeated && t.chars().count() <= 40 && !t.contains(TERMINAL) {
                *mark = true;
            }
        }
    }
    marks
}

/// The width lines are wrapped at, if the document has lines to tell it:
/// the second-widest line (one overlong line is no wrap width).
fn wrap_width(widths: impl Iterator<Item = usize>) -> Option<usize> {
    let mut widths: Vec<usize> = widths.collect();
    if widths.len() < 3 {
        return None;
    }
    widths.sort_unstable_by(|a, b| b.cmp(a));
    // Display columns: 40 CJK characters are 80 columns. Below 30 columns
    // lines are too short for a wrap to be told from a list.
    Some(widths[1]).filter(|&w| w >= 30)
}

/// Whether a line is a heading: a Markdown heading, or a short line
/// without sentence punctuation that is the document's first line, is
/// numbered as a chapter or section (`第三章 失联客户的处理`, `（二）语言技巧`,
/// `6.2 联系其工作单位时`), is bracketed (`【禁用语】`) or introduces what
/// follows (`以下说法禁止使用：`).
fn is_heading(text: &str, first: bool) -> bool {
    let text = text.trim();
    if heading_text(text).is_some() {
        return true;
    }
    // A numbered section title may carry a note in brackets:
    // `四、错误示范（以下说法太直白，易被投诉，禁止使用）`.
    let short = text.width() <= 48
        || (text.width() <= 72
            && SECTION_START.is_match(text)
            && text.ends_with(['）', ')', '：', ':']));
    if !short
        || text.is_empty()
        || text.contains(['。', '？', '?', '！', '!', '；', '“', '"', '|', '｜'])
        || text.ends_with(CONTINUING)
    {
        return false;
    }
    first
        || text.ends_with(['：', ':'])
        || (text.starts_with('【') && text.ends_with('】'))
        || SECTION_START.is_match(text)
}

/// The title of a Markdown ATX heading (`## 第三方联系话术`).
pub fn heading_text(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let title = trimmed.trim_start_matches('#');
    let level = trimmed.len() - title.len();
    ((1..=6).contains(&level) && (title.is_empty() || title.starts_with([' ', '\t'])))
        .then(|| title.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::labels::{SpeakerLabels, find_speakers};

    fn blocks(text: &str) -> Vec<(usize, String, bool)> {
        let source = SourceFile::new("t", text.to_string(), "UTF-8");
        let labels = SpeakerLabels {
            agent: vec!["坐席".into()],
            debtor: vec!["客户".into()],
            third_party: vec![],
            situation: vec![],
            action: vec![],
        };
        let speakers = find_speakers(&source, &labels);
        layout(&source, &speakers)
            .into_iter()
            .map(|b| {
                let text: String = b.pieces.iter().map(|r| &source.text[r.clone()]).collect();
                (b.line, text, b.heading)
            })
            .collect()
    }

    #[test]
    fn pdf_wraps_with_blank_lines_and_page_marks_are_joined() {
        let text = "催收实战技巧\n\n\
            一、对于态度强硬的客户，催收员不能被客户的情绪牵着走，要始终牢牢掌握通话的主\n\n\
            动权。可以先让客户发泄，待其情绪平复以后再谈具体的还款方案，切忌在客户气头上\n\n\
            跟他硬碰硬。\n\n\
            二、针对拒不还款的客户，可以打给其表哥、表姐、舅舅等亲属，告诉他们借款人欠了\n\n\
            多少钱、逾期了多久，让亲属们轮番给他打电话施压。\n\n\
            第 3 页 共 12 页\n";
        let b = blocks(text);
        assert_eq!(b.len(), 3, "{b:?}");
        assert_eq!(b[0], (1, "催收实战技巧".into(), true));
        assert!(b[1].1.ends_with("跟他硬碰硬。"));
        assert_eq!(b[2].0, 9);
        assert!(b[2].1.contains("告诉他们借款人欠了多少钱"));
    }

    #[test]
    fn transcripts_and_short_lines_stay_one_block_a_line() {
        let text = "坐席：您好，请问是张先生吗\n客户：是我\n坐席：您的账单已经逾期了\n";
        let b = blocks(text);
        assert_eq!(b.len(), 3);
        assert_eq!(b[1], (2, "是我".into(), false));
    }

    #[test]
    fn a_new_item_is_never_joined() {
        let text = "（一）核实身份。拨通电话后，应首先核实接听人是否为借款人本人，非本人接听\n\
            的，仅请其转告回电，不得透露借款人的任何借贷信息。\n\
            （二）告知欠款。向借款人说明欠款金额、逾期天数和罚息标准，语气平和，用词\n\
            准确，不得夸大。\n\
            （三）施加压力。借款人拒不还款的，可告知其再不还款就会被司法拘留，并同\n\
            步通知你的单位和家人，以此促其还款。\n";
        let b = blocks(text);
        assert_eq!(b.len(), 3, "{b:?}");
        assert_eq!(b[2].0, 5);
    }

    #[test]
    fn straight_quotes_after_a_sentence_end_close_the_line() {
        let text = "## 话术\n\
            接听人不是借款人本人时，只说：\"麻烦您转告他回个电话，号码 400-117-2020，谢谢。\"\n\
            对方追问原因时：\"这是他本人的事务，我们不方便透露，打扰您了。\"\n\
            对方是配偶或父母的，可以说明：\"他在我司有欠款未还，请家里人督促一下。\"\n\
            对方不肯转告的，把号码加入重点名单，每小时回拨一次直到答应。\n";
        let lines: Vec<usize> = blocks(text).iter().map(|b| b.0).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_numbered_title_may_carry_a_note() {
        let text = "话术\n四、错误示范（以下说法太直白，容易被客户投诉，请各位同事一律禁止使用）\n“再不还钱我弄死你。”\n";
        let b = blocks(text);
        assert!(b[1].2, "{b:?}");
        assert!(!b[2].2, "{b:?}");
    }

    #[test]
    fn delimited_records_ending_in_an_empty_cell_stay_apart() {
        let text = "id,callee,relation,start,result,remark\n\
                    C1,135****0021,本人,2025-06-01 22:47:10,未接,\n\
                    C2,135****0021,本人,2025-06-01 22:48:02,拒接,\n";
        let lines: Vec<usize> = blocks(text).iter().map(|b| b.0).collect();
        assert_eq!(lines, [1, 2, 3]);
    }

    #[test]
    fn a_wrapped_sentence_may_end_in_a_lead_in() {
        let text = "第四章 沟通中的禁止性行为\n\n4.1 根据监管规定及行业自律公约，催收人员在与债务人沟通时，严禁\n出现以下行为：\n\n（1）使用暴力或者以暴力相威胁，例如辱骂对方或者威胁对方家\n人等表述；\n（2）冒充公检法机关、政府部门或律师，例如自称法院执行局的工作\n人员；\n（3）向债务人以外的第三人透露欠款信息，或要求无还款义务的第三人代\n为偿还；\n（4）对债务人进行侮辱、谩骂；\n";
        let blocks = blocks(text);
        assert_eq!(blocks[1].0, 3);
        assert!(blocks[1].1.ends_with("严禁出现以下行为："), "{blocks:?}");
        assert!(!blocks[1].2);
    }

    #[test]
    fn a_line_ending_in_a_comma_goes_on() {
        let b = blocks("您好，\n请问是张先生吗？\n");
        assert_eq!(b, [(1, "您好，请问是张先生吗？".into(), false)]);
    }
}
