//! Lines and speaker turns.
//!
//! A transcript labels its speakers (`坐席：`, `[00:01:23] 客户:`); a script
//! template does not, and every line of it is the agent's. This module splits
//! a [`SourceFile`] into one [`Utterance`] per line, strips the optional
//! timestamp and speaker label, and carries the speaker of a labelled line on
//! to the unlabelled lines after it. Markdown headings name the section the
//! following lines belong to.
//!
//! Which labels mean which side is data ([`SpeakerLabels`]), not code.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::source::SourceFile;

/// Who is speaking on a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The collector side: 坐席, 催收员, 客服, … and every line of a plain script.
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

/// The speaker labels that mark each side of a call.
#[derive(Clone, Debug, Default)]
pub struct SpeakerLabels {
    /// Labels of the agent side (坐席, 催收员, …).
    pub agent: Vec<String>,
    /// Labels of the debtor side (客户, 借款人, …).
    pub debtor: Vec<String>,
    /// Labels of callees who are not the debtor (联系人, 第三方, 家属).
    pub third_party: Vec<String>,
}

/// Which side a speaker label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelKind {
    /// The agent side.
    Agent,
    /// The debtor.
    Debtor,
    /// A callee who is not the debtor.
    ThirdParty,
}

impl SpeakerLabels {
    /// The side that `label` names, if it is a known label.
    pub fn kind(&self, label: &str) -> Option<LabelKind> {
        let has = |list: &[String]| list.iter().any(|l| l == label);
        if has(&self.agent) {
            Some(LabelKind::Agent)
        } else if has(&self.third_party) {
            Some(LabelKind::ThirdParty)
        } else if has(&self.debtor) {
            Some(LabelKind::Debtor)
        } else {
            None
        }
    }
}

/// One line of input with what is known about who says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Utterance {
    /// 1-based line number.
    pub line: usize,
    /// Byte range of the spoken content in the file text: the line without
    /// its timestamp and speaker label.
    pub content: Range<usize>,
    /// The speaker side.
    pub role: Role,
    /// The side named by this line's own label, if it has one.
    pub label: Option<LabelKind>,
    /// The nearest Markdown heading above this line, if any.
    pub section: Option<Range<usize>>,
    /// Whether this line is itself a Markdown heading.
    pub is_heading: bool,
}

/// Timestamp (optional) and label (a run of CJK or word characters) before a colon.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]?\s*)?([\p{Han}A-Za-z0-9]{1,8})\s*[:：]\s*",
    )
    .expect("label pattern is valid")
});

/// Splits `source` into one utterance per line.
///
/// A file is a transcript when at least one line carries a known speaker
/// label; in a transcript, lines before the first label have
/// [`Role::Unknown`] and unlabelled lines continue the previous speaker.
/// In a plain script every line is the agent's.
pub fn segment(source: &SourceFile, labels: &SpeakerLabels) -> Vec<Utterance> {
    let parsed: Vec<(usize, Range<usize>, Option<LabelKind>)> = source
        .lines()
        .map(|(line, range)| {
            let text = &source.text[range.clone()];
            match split_label(text, labels) {
                Some((kind, content_start)) => {
                    (line, range.start + content_start..range.end, Some(kind))
                }
                None => (line, range, None),
            }
        })
        .collect();
    let is_transcript = parsed.iter().any(|(_, _, kind)| kind.is_some());

    let mut role = if is_transcript {
        Role::Unknown
    } else {
        Role::Agent
    };
    let mut section = None;
    parsed
        .into_iter()
        .map(|(line, content, label)| {
            if let Some(kind) = label {
                role = match kind {
                    LabelKind::Agent => Role::Agent,
                    LabelKind::Debtor | LabelKind::ThirdParty => Role::Customer,
                };
            }
            let is_heading =
                label.is_none() && heading_text(&source.text[content.clone()]).is_some();
            if is_heading {
                section = Some(content.clone());
            }
            Utterance {
                line,
                content,
                role,
                label,
                section: section.clone(),
                is_heading,
            }
        })
        .collect()
}

/// The side and the byte offset where content starts, if `line` opens with a
/// known speaker label.
fn split_label(line: &str, labels: &SpeakerLabels) -> Option<(LabelKind, usize)> {
    // Every label ends with a colon; most lines of notes and scripts have
    // none, and this test is much cheaper than running the pattern.
    if !line.contains(':') && !line.contains('：') {
        return None;
    }
    let found = LABEL.find(line)?;
    // Without a timestamp, the label is the match up to the first space or
    // colon (a label has neither). Telling a timestamp's digits from a
    // label's takes the slower search for the label's group.
    let rest = found.as_str().trim_start();
    let label = if rest.starts_with('[') || rest.starts_with(char::is_numeric) {
        LABEL.captures(line)?.get(1)?.as_str()
    } else {
        rest.split(|c: char| c.is_whitespace() || c == ':' || c == '：')
            .next()?
    };
    Some((labels.kind(label)?, found.end()))
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

    fn labels() -> SpeakerLabels {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        SpeakerLabels {
            agent: list(&["坐席", "催收员"]),
            debtor: list(&["客户", "借款人"]),
            third_party: list(&["联系人", "家属"]),
        }
    }

    fn run(text: &str) -> (SourceFile, Vec<Utterance>) {
        let source = SourceFile::new("t", text.to_string(), "UTF-8");
        let utterances = segment(&source, &labels());
        (source, utterances)
    }

    #[test]
    fn plain_script_lines_are_agent_speech() {
        let (_, u) = run("第一行\n第二行\n");
        assert!(u.iter().all(|u| u.role == Role::Agent && u.label.is_none()));
    }

    #[test]
    fn labels_with_timestamps_and_both_colons_are_stripped() {
        let (src, u) = run("[00:01:23] 坐席：你好\n00:01:30 客户: 喂\n家属：他不在\n");
        assert_eq!(&src.text[u[0].content.clone()], "你好");
        assert_eq!(u[0].role, Role::Agent);
        assert_eq!(&src.text[u[1].content.clone()], "喂");
        assert_eq!(u[1].role, Role::Customer);
        assert_eq!(u[2].label, Some(LabelKind::ThirdParty));
    }

    #[test]
    fn unlabelled_line_continues_previous_speaker() {
        let (_, u) = run("客户：我没钱\n你们别打了\n坐席：好的\n");
        assert_eq!(u[1].role, Role::Customer);
        assert_eq!(u[2].role, Role::Agent);
    }

    #[test]
    fn lines_before_first_label_are_unknown_in_a_transcript() {
        let (_, u) = run("通话记录\n坐席：你好\n");
        assert_eq!(u[0].role, Role::Unknown);
    }

    #[test]
    fn labels_are_read_as_the_label_pattern_reads_them() {
        let labels = labels();
        let lines = [
            "坐席：你好",
            "  坐席 ： 你好",
            "坐席:你好：还款",
            "[00:01:23] 坐席：你好",
            "00:01:30 客户: 喂",
            "12:30客户：喂",
            "１２：坐席：你",
            "坐席员：你好",
            "坐席坐席坐席坐席坐席：太长",
            "A1：x",
            "坐席\t:\t你好",
            "：没有标签",
            "家属：他不在",
        ];
        // And lines made of pieces of labels, timestamps, spaces and colons.
        let pieces = [
            "坐席", "客户", "家属", "员", "A", "1", "[", "]", "00:01", " ", "\u{3000}", ":", "：",
            "你好", "１",
        ];
        let mut state = 7u64;
        let mut generated = Vec::new();
        for _ in 0..3000 {
            let mut line = String::new();
            for _ in 0..6 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                line.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            generated.push(line);
        }
        for line in lines
            .iter()
            .copied()
            .chain(generated.iter().map(String::as_str))
        {
            let expected = LABEL.captures(line).and_then(|caps| {
                let kind = labels.kind(caps.get(1)?.as_str())?;
                Some((kind, caps.get(0)?.end()))
            });
            assert_eq!(split_label(line, &labels), expected, "{line:?}");
        }
    }

    #[test]
    fn unknown_label_is_content() {
        let (src, u) = run("回应：理解您的顾虑\n");
        assert_eq!(u[0].role, Role::Agent);
        assert_eq!(&src.text[u[0].content.clone()], "回应：理解您的顾虑");
    }

    #[test]
    fn headings_set_the_section_of_following_lines() {
        let (src, u) = run("## 第三方联系话术\n麻烦您转告\n");
        assert!(u[0].is_heading);
        let section = u[1].section.clone().expect("section");
        assert_eq!(heading_text(&src.text[section]), Some("第三方联系话术"));
    }

    #[test]
    fn hashtag_without_space_is_not_a_heading() {
        assert_eq!(heading_text("#话题"), None);
        assert_eq!(heading_text("### 标题"), Some("标题"));
    }
}
