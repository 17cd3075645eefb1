//! The document model: what a text is, and whose words each part of it is.
//!
//! Whether a line is a violation depends on the document: who speaks, to
//! whom, and whether the text prescribes it, reports it or quotes it as
//! forbidden (GUIDELINES.md, "Documents"). This stage reads a decoded
//! [`SourceFile`] once, before any rule runs:
//!
//! 1. [`labels`] finds the speakers and the label opening each line;
//! 2. [`layout`] joins hard-wrapped lines and drops page furniture;
//! 3. [`Document::new`] splits inline dialogues ("客服：…客户：…") into
//!    turns, giving [`Unit`]s: the texts rules judge, each with its speaker,
//!    its section and the map back to the original bytes;
//! 4. [`reading`] decides, from the units' [`Cues`] (facts that rule
//!    data finds in each unit), the genre, each section's role, each
//!    speaker's side and each unit's addressee and frame.
//!
//! Everything downstream reads these facts; no rule re-derives them.

mod labels;
mod layout;
mod reading;
mod stitch;

use serde::Serialize;

pub use self::labels::{LabelKind, Speaker, SpeakerLabels};
pub use self::layout::heading_text;
pub use self::reading::{Cue, Cues, Frame, Genre, Reading, SectionRole, UnitReading};
pub use self::stitch::Stitched;
use crate::clock::Stamp;
use crate::source::SourceFile;

/// Who is speaking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The collector side: 坐席, 催收员, 客服, …, every line of a plain
    /// script, and the author of training material or call notes.
    Agent,
    /// The callee side: 客户, 借款人, 联系人, 家属, …
    Customer,
    /// Not known (no label seen yet in a transcript).
    Unknown,
}

/// Who is being spoken to, as far as the context tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Addressee {
    /// The debtor.
    Debtor,
    /// Someone who is not the debtor.
    ThirdParty,
    /// Not known.
    Unknown,
}

/// One stretch of a document that rules judge as a whole: a line, a
/// sentence wrapped across lines, or one turn of an inline dialogue.
#[derive(Clone, Debug)]
pub struct Unit<'a> {
    /// The text, without speaker label, and its map to the original.
    pub text: Stitched<'a>,
    /// 1-based line where the unit starts.
    pub line: usize,
    /// The speaker, if a label names one (index into [`Document::speakers`]).
    pub speaker: Option<usize>,
    /// Whether the unit is a heading.
    pub heading: bool,
    /// The heading unit opening this unit's section, if any.
    pub section: Option<usize>,
    /// For a cell of a table's body, the header cell of its column (a
    /// unit index): a column headed "错误说法" holds examples not to follow.
    pub column_header: Option<usize>,
    /// The date or time opening the unit's line, when the line is an entry
    /// of a log (`2024-03-11 22:47 拨打本人`) or a timed chat message
    /// (`阿强 15:02：…`); every cell of a table row shares the row's.
    pub stamp: Option<Stamp>,
}

/// A document read into units.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    /// The units, in text order.
    pub units: Vec<Unit<'a>>,
    /// The speakers named by labels.
    pub speakers: Vec<Speaker>,
}

/// Speaker labels prepared once for reading any number of documents.
#[derive(Clone, Debug)]
pub struct DocumentLabels {
    /// The labels of each side.
    labels: SpeakerLabels,
    /// Each known label once, as a speaker of its side, in the order of the
    /// lists (agent, debtor, third party): those a document does not name
    /// itself are added to its speakers, since they may open turns inside
    /// its lines.
    known: Vec<Speaker>,
}

impl DocumentLabels {
    /// Prepares `labels`.
    pub fn new(labels: SpeakerLabels) -> DocumentLabels {
        let mut known: Vec<Speaker> = Vec::new();
        for (list, kind) in [
            (&labels.agent, LabelKind::Agent),
            (&labels.debtor, LabelKind::Debtor),
            (&labels.third_party, LabelKind::ThirdParty),
        ] {
            for label in list {
                if !known.iter().any(|s| s.name == *label) {
                    known.push(Speaker {
                        name: label.clone(),
                        kind: Some(kind),
                        timed: false,
                        commenter: false,
                    });
                }
            }
        }
        DocumentLabels { labels, known }
    }
}

/// A speaker label inside a line, where a turn of an inline dialogue
/// begins: after the start, a sentence end, a bracket, a quote, a space or
/// a dash ("可以这样说-客服：").
static INLINE_LABEL_BEFORE: &[char] = &[
    '。', '！', '？', '!', '?', '…', '）', ')', ']', '】', '」', '”', '"', ' ', '\u{3000}', '-',
    '—', '：', ':', '；', ';',
];

impl<'a> Document<'a> {
    /// Reads `source`: finds speakers, lays out blocks and splits inline
    /// dialogues into turns.
    pub fn new(source: &'a SourceFile, labels: &DocumentLabels) -> Document<'a> {
        let speakers = labels::find_speakers(source, &labels.labels);
        let blocks = layout::layout(source, &speakers);
        let inline = InlineLabels::new(&labels.known, &speakers.list);
        let mut units = Vec::with_capacity(blocks.len());
        let mut section = None;
        // The header cells of the table being read, if any.
        let mut table: Option<Vec<usize>> = None;
        for block in blocks {
            let text = Stitched::join(&source.text, &block.pieces);
            // A log line opens with its stamp; a chat message has it in
            // its label ("阿强 15:02：", "2024/03/09 02:13 小周："), and so
            // has a message dated before its sender's bracket
            // ("2024-09-15 22:40  【宜人分期】…").
            let stamp = match (block.speaker, block.pieces.first()) {
                (Some(speaker), Some(piece)) => {
                    let label = &source.text[source.line_range(block.line).start..piece.start];
                    if speakers.list[speaker].timed {
                        Stamp::find(label)
                    } else {
                        Stamp::find_dated(label)
                    }
                }
                _ => Stamp::of_entry(text.as_str()),
            };
            if let Some(cells) = table_cells(text.as_str()) {
                let header = table.as_ref();
                if cells
                    .iter()
                    .all(|c| is_rule_cell(&text.as_str()[c.clone()]))
                {
                    continue;
                }
                let mut indices = Vec::with_capacity(cells.len());
                for (column, cell) in cells.into_iter().enumerate() {
                    indices.push(units.len());
                    let piece = text.slice(cell);
                    units.push(Unit {
                        line: block.line,
                        text: piece,
                        speaker: None,
                        heading: false,
                        section,
                        column_header: header.and_then(|h| h.get(column).copied()),
                        stamp,
                    });
                }
                if table.is_none() {
                    table = Some(indices);
                }
                continue;
            }
            table = None;
            if block.heading {
                section = Some(units.len());
                units.push(Unit {
                    text,
                    line: block.line,
                    speaker: None,
                    heading: true,
                    section: None,
                    column_header: None,
                    stamp: None,
                });
                continue;
            }
            let turns = inline.turns(text.as_str(), block.speaker.is_some());
            if turns.is_empty() {
                units.push(Unit {
                    text,
                    line: block.line,
                    speaker: block.speaker,
                    heading: false,
                    section,
                    column_header: None,
                    stamp,
                });
                continue;
            }
            // The text before the first inline label belongs to the line's
            // own speaker, or is a narrator's frame ("第二通：").
            let first = turns[0].label_start;
            if !text.as_str()[..first].trim().is_empty() {
                units.push(Unit {
                    text: text.slice(0..first),
                    line: block.line,
                    speaker: block.speaker,
                    heading: false,
                    section,
                    column_header: None,
                    stamp,
                });
            }
            for (k, turn) in turns.iter().enumerate() {
                let end = turns
                    .get(k + 1)
                    .map_or(text.as_str().len(), |t| t.label_start);
                let piece = text.slice(turn.content_start..end);
                let line = source.line_of(piece.original_offset(0));
                units.push(Unit {
                    text: piece,
                    line,
                    speaker: Some(turn.speaker),
                    heading: false,
                    section,
                    column_header: None,
                    stamp: None,
                });
            }
        }
        let added = inline.into_added();
        let mut list = speakers.list;
        list.extend(added);
        Document {
            units,
            speakers: list,
        }
    }

    /// Whether the document names speakers (a transcript, chat log or
    /// recording summary).
    pub fn has_speakers(&self) -> bool {
        self.units.iter().any(|u| u.speaker.is_some())
    }
}

/// The byte ranges of the cells of a table row (`| 场景 | 错误说法 |`),
/// trimmed; `None` if `text` is not a table row.
fn table_cells(text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with(['|', '｜']) || text.matches(['|', '｜']).count() < 3 {
        return None;
    }
    let mut cells = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c == '|' || c == '｜' {
            if let Some(s) = start {
                let cell = &text[s..i];
                let lead = cell.len() - cell.trim_start().len();
                let trail = cell.len() - cell.trim_end().len();
                if s + lead < i - trail {
                    cells.push(s + lead..i - trail);
                } else {
                    cells.push(s..s);
                }
            }
            start = Some(i + c.len_utf8());
        }
    }
    Some(cells)
}

/// Whether a table cell is part of the rule under the header (`---`,
/// `:--:`) or empty.
fn is_rule_cell(cell: &str) -> bool {
    cell.chars().all(|c| matches!(c, '-' | ':' | ' ' | '—'))
}

/// One turn found inside a line.
#[derive(Debug)]
struct Turn {
    /// Where its label starts.
    label_start: usize,
    /// Where its content starts.
    content_start: usize,
    /// Its speaker.
    speaker: usize,
}

/// The labels that can open a turn inside a line: the known labels and
/// the document's own speakers of two characters or more.
struct InlineLabels<'l> {
    /// Each name and its speaker index, longest names first (so that
    /// 催收员 wins over 催收).
    names: Vec<(&'l str, usize)>,
    /// Known labels the document does not name itself, added to its
    /// speakers.
    added: Vec<Speaker>,
}

impl<'l> InlineLabels<'l> {
    /// The inline labels of a document whose own speakers are `speakers`,
    /// given the `known` labels (see [`DocumentLabels`]).
    fn new(known: &'l [Speaker], speakers: &'l [Speaker]) -> InlineLabels<'l> {
        let mut names: Vec<(&str, usize)> = Vec::with_capacity(speakers.len() + known.len());
        names.extend(
            speakers
                .iter()
                .enumerate()
                .filter(|(_, s)| s.name.chars().count() >= 2)
                .map(|(i, s)| (s.name.as_str(), i)),
        );
        let own = names.len();
        let mut added = Vec::with_capacity(known.len());
        for label in known {
            if !names[..own].iter().any(|(n, _)| *n == label.name) {
                names.push((&label.name, speakers.len() + added.len()));
                added.push(label.clone());
            }
        }
        names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        InlineLabels { names, added }
    }

    /// The known labels added to the document's speakers.
    fn into_added(self) -> Vec<Speaker> {
        self.added
    }

    /// The turns inside `text`: none unless the line holds a dialogue (two
    /// inline labels, or one after the line's own label).
    fn turns(&self, text: &str, labelled: bool) -> Vec<Turn> {
        let mut turns = Vec::new();
        if labels::is_field_list(text) {
            return turns;
        }
        for (colon, c) in text.match_indices(['：', ':']) {
            let before = text[..colon].trim_end_matches([' ', '\t', '\u{3000}']);
            let Some((name, speaker)) = self.names.iter().find(|(n, _)| before.ends_with(n)) else {
                continue;
            };
            let label_start = before.len() - name.len();
            let opens = text[..label_start]
                .chars()
                .next_back()
                .is_none_or(|c| INLINE_LABEL_BEFORE.contains(&c));
            if !opens {
                continue;
            }
            let rest = &text[colon + c.len()..];
            let content_start = text.len() - rest.trim_start().len();
            turns.push(Turn {
                label_start,
                content_start,
                speaker: *speaker,
            });
        }
        if turns.len() >= 2 || (labelled && !turns.is_empty()) {
            turns
        } else {
            Vec::new()
        }
    }
}

/// Byte range of the sentence of `text` that holds byte `at`: from just
/// after the previous sentence end (skipping spaces and list markers) to
/// `at`. Findings that continue a sentence started on an earlier line are
/// reported where the sentence starts.
pub fn sentence_start(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    let mut start = text[..at]
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';' | '…' | '\n'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    while let Some(c) = text[start..at].chars().next() {
        if c.is_whitespace() || matches!(c, '”' | '」' | '）' | ')') {
            start += c.len_utf8();
        } else {
            break;
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> SpeakerLabels {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        SpeakerLabels {
            agent: list(&["坐席", "客服", "催收"]),
            debtor: list(&["客户"]),
            third_party: list(&["家属"]),
            situation: vec![],
            action: vec![],
        }
    }

    fn units(text: &str) -> Vec<(usize, String, Option<String>)> {
        let source = SourceFile::new("t", text.to_string(), "UTF-8");
        let doc = Document::new(&source, &DocumentLabels::new(labels()));
        doc.units
            .iter()
            .map(|u| {
                (
                    u.line,
                    u.text.as_str().to_string(),
                    u.speaker.map(|s| doc.speakers[s].name.clone()),
                )
            })
            .collect()
    }

    #[test]
    fn inline_dialogues_are_split_into_turns() {
        let text = "标题\n比如这样说-客服：你好，我是客服。客户：是。客服：你已经逾期了。\n";
        let u = units(text);
        assert_eq!(u[1], (2, "比如这样说-".into(), None));
        assert_eq!(u[2], (2, "你好，我是客服。".into(), Some("客服".into())));
        assert_eq!(u[3], (2, "是。".into(), Some("客户".into())));
        assert_eq!(u[4], (2, "你已经逾期了。".into(), Some("客服".into())));
    }

    #[test]
    fn a_label_word_inside_a_sentence_is_not_a_turn() {
        let u = units("可以告诉客户：还款后结清。另外提醒家属：不要担心。\n");
        assert_eq!(u.len(), 1);
    }

    #[test]
    fn wrapped_units_start_on_their_first_line() {
        let text = "第一章 总则\n\n对于拒不还款的客户，可以打给其表哥、表姐、舅舅等亲属，告诉他们借款人欠了多\n\n少钱、逾期了多久，让亲属们轮番给他打电话施压，以此来促使借款人尽快还款。其他\n\n的客户应当按照公司的规定正常催收，不得使用任何违规的手段，以免被客户投诉。\n";
        let u = units(text);
        assert_eq!(u[1].0, 3);
        assert!(u[1].1.contains("借款人欠了多少钱"));
    }

    #[test]
    fn sentences_start_after_the_previous_end() {
        let text = "切忌硬碰硬。一是心理施压：电话里暗示";
        let at = text.find("暗示").unwrap();
        assert_eq!(&text[sentence_start(text, at)..at], "一是心理施压：电话里");
    }
}
