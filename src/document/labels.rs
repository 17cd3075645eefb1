//! Speaker labels: who says each line of a transcript, chat log or
//! recording summary.
//!
//! Labels come in many styles: `坐席：`, `[00:01:23] 客户:`, `[坐席]`, ASR
//! output with the label spaced out (`坐 席 ：`) or followed by a space
//! instead of a colon (`催收员 呃 喂`), legends that define short labels
//! (`A：催收员 刘振；B：借款人`, `坐席=左 客户=右`, `S1=催收 S2=第三方`),
//! and chat exports that put a name and a time before the colon
//! (`许大伟 11:02：`, `东哥-资产部 2024/07/03 01:05：`).
//!
//! This module finds the labels of a document and what side each names,
//! where it can tell: from the built-in label lists, from a legend, or from
//! side words inside the label itself (`催收-小马`, `说话人A（催收员）`).
//! Labels whose side stays unknown are resolved later from what their
//! speakers say (see `reading.rs`).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::source::SourceFile;

/// The speaker labels that mark each side of a call.
#[derive(Clone, Debug, Default)]
pub struct SpeakerLabels {
    /// Labels of the agent side (坐席, 催收员, …).
    pub agent: Vec<String>,
    /// Labels of the debtor side (客户, 借款人, …).
    pub debtor: Vec<String>,
    /// Labels of callees who are not the debtor (联系人, 第三方, 家属).
    pub third_party: Vec<String>,
    /// Words that, after a debtor label, name a situation of a script
    /// (`客户拒绝：`, `客户失联：`): the line is the agent's answer to it.
    pub situation: Vec<String>,
    /// Words that, before a side word, name what the agent did to that
    /// side (`告知本人：…` in a call note): the line is the agent's.
    pub action: Vec<String>,
}

/// Which side a speaker label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

    /// The side named by a side word inside `text` (`借款人同事`): a
    /// third-party word wins over a debtor word, since "借款人同事" is the
    /// debtor's colleague.
    fn kind_within(&self, text: &str) -> Option<LabelKind> {
        self.kind_where(|l| text.contains(l))
    }

    /// The side a label names by a side word in it: a name tied to a side
    /// (`催收-小马`, `说话人A（催收员）`, `催收小王`), not a phrase that
    /// happens to start with one (`客户不配合时改称`).
    ///
    /// A debtor word followed by a situation word is a situation in a
    /// script (`客户拒绝：`, `客户失联：`), answered by the agent; an action
    /// word before a side word is the agent's entry (`告知本人：`). A
    /// notice is no speaker (`【组长通知】`), nor is a template, whose side
    /// word names its audience (`模板F（联系人）：`).
    fn kind_of_name(&self, name: &str) -> Option<LabelKind> {
        if NOTICES.iter().any(|n| name.ends_with(n))
            || TEMPLATES.iter().any(|t| name.starts_with(t))
        {
            return None;
        }
        // An account's role in brackets after its name ends with its side
        // word: "用户 8821736（恒通贷后专员）". A side word's own bracket says
        // whom it talks to instead ("坐席（对其朋友）").
        let role = name
            .strip_suffix(['）', ')'])
            .and_then(|rest| rest.rsplit_once(['（', '(']))
            .filter(|(account, _)| self.kind(account.trim()).is_none());
        if let Some(kind) = role.and_then(|(_, role)| self.kind_where(|l| role.ends_with(l))) {
            return Some(kind);
        }
        let parts: Vec<&str> = name
            .split(['-', '（', '(', '）', ')', '·', '_', ' '])
            .filter(|p| !p.is_empty())
            .collect();
        if parts.iter().any(|p| p.chars().count() > 4) {
            return None;
        }
        let kind = self.kind_where(|l| {
            parts
                .iter()
                .any(|p| p.contains(l) && p.chars().count() - l.chars().count() <= 2)
        });
        let situation = |l: &str| {
            parts.iter().any(|p| {
                p.strip_prefix(l)
                    .is_some_and(|rest| self.situation.iter().any(|w| rest.starts_with(w.as_str())))
            })
        };
        let acted_on = || {
            parts.iter().any(|p| {
                self.action.iter().any(|w| {
                    p.strip_prefix(w.as_str()).is_some_and(|rest| {
                        self.debtor
                            .iter()
                            .chain(&self.third_party)
                            .any(|l| rest.starts_with(l.as_str()))
                    })
                })
            })
        };
        match kind {
            Some(LabelKind::Debtor) if self.debtor.iter().any(|l| situation(l)) => {
                Some(LabelKind::Agent)
            }
            Some(LabelKind::Debtor | LabelKind::ThirdParty) if acted_on() => Some(LabelKind::Agent),
            kind => kind,
        }
    }

    fn kind_where(&self, found: impl Fn(&str) -> bool) -> Option<LabelKind> {
        let has = |list: &[String]| {
            list.iter()
                .any(|l| l.chars().count() >= 2 && found(l.as_str()))
        };
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

/// One speaker of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Speaker {
    /// The label as written, without spaces.
    pub name: String,
    /// The side it names, if the label, a legend or the label's own words
    /// tell.
    pub kind: Option<LabelKind>,
    /// Whether its lines carry a chat time (`许大伟 11:02：`,
    /// `2024/03/09 02:13 小周：`).
    pub timed: bool,
    /// Whether it posts numbered comments or replies in a thread
    /// (`5楼 某某贷-贷后部：`, `评论3 @贷后小助手：`).
    pub commenter: bool,
}

/// The label opening one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineLabel {
    /// Index of the speaker in [`Speakers::list`].
    pub speaker: usize,
    /// Byte offset in the line where the spoken content starts.
    pub content_start: usize,
}

/// The speakers of a document and the label of each line.
#[derive(Clone, Debug, Default)]
pub struct Speakers {
    /// Every speaker, in order of first appearance.
    pub list: Vec<Speaker>,
    /// For each line (0-based), its label if it opens with one.
    pub of_line: Vec<Option<LineLabel>>,
}

impl Speakers {
    /// The speaker named `name`, if the document has it.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.list.iter().position(|s| s.name == name)
    }
}

/// The date a chat export or log writes before a clock time: month and
/// day with an optional leading year (`2024-03-12`, `11-02`), or day first
/// with a trailing year and comma (`14/03/2024,`). One pattern for every
/// label shape that carries a date, so that they read the same dates.
macro_rules! label_date {
    () => {
        r"(?:\d{4}[-/.])?\d{1,2}[-/.]\d{1,2}(?:[-/.](?:\d{4}|\d{2}))?,?"
    };
}

/// The quotation marks a mail or forum export puts before quoted lines
/// (`>> 12-02 11:05 阿杰：`).
macro_rules! quote_marks {
    () => {
        r"(?:[>»]+\s*)?"
    };
}

/// An optional clock time or date-time before a label (`[00:01:23]`,
/// `00:00:05`, `2024-03-12 23:41:05`, `11-02 22:35`), after optional
/// quotation marks.
const LEADING_TIME: &str = concat!(
    quote_marks!(),
    r"(?:[\[［]?(?:",
    label_date!(),
    r"\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\]］]?\s*)?"
);

/// The author of a comment under a post, after the number the export
/// gives it (`评论2 @贷后小助手：`, `评论 9｜用户 5530912（某某贷后专员）：`,
/// `3楼 路人甲：`, `#5 阿梅：`): a display name, spaces and all.
static COMMENT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:(?:评论|回复|跟帖)\s*\d{1,4}|\d{1,4}\s*楼|#\d{1,4})\s*[|｜]?\s*@?([^\s：:|｜@]{1,16}(?:[ \u{3000}][^\s：:|｜@]{1,20})?)\s*[:：]\s*",
    )
    .expect("comment label pattern is valid")
});

/// A calendar date opening a line: a time before a label with a date is
/// the wall-clock time of a chat message, not a recording's offset.
static LEADING_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^\s*",
        quote_marks!(),
        r"[\[［]?",
        label_date!(),
        r"\s+\d{1,2}:\d{2}"
    ))
    .expect("date pattern is valid")
});

/// A bare clock time without seconds opening a line (`[10:02] `).
static LEADING_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[\[［]?(\d{1,2}):(\d{2})[\]］]?\s*[^\d:：\s]").expect("clock pattern is valid")
});

/// Before this time of day a file's first bare clock time is a recording's
/// offset (`[00:05]`, `[00:42]`), from it on a chat's wall clock.
const FIRST_WALL_CLOCK: u16 = 60;

/// A label before a colon, with an optional chat time between them
/// (`许大伟 11:02：`, `东哥-资产部 2024/07/03 01:05：`).
static COLON_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*{LEADING_TIME}([\p{{Han}}A-Za-z0-9_*·\-（）()“”]{{1,12}})\s*((?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}\s+)?\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?\s*[:：]\s*"
    ))
    .expect("label pattern is valid")
});

/// A chat name of several words after a message's date and time
/// (`2024-05-18 14:02 安心借-贷后 周经理：`, `[14/03/2024, 23:05] 追數職員
/// Kelvin：`), as chat apps export display names with spaces in them.
static DATED_NAME_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^\s*",
        quote_marks!(),
        r"[\[［]?",
        label_date!(),
        r"\s+\d{1,2}:\d{2}(?::\d{2})?[\]］]?\s+([\p{Han}A-Za-z0-9_*·\-（）()]{1,10}(?:[ \u{3000}][\p{Han}A-Za-z0-9_*·\-（）()]{1,10}){1,2})\s*[:：]\s*",
    ))
    .expect("label pattern is valid")
});

/// One `key：value` field of a form header, after the start of the line or
/// a field separator (`外访日期：2026年3月6日　外访员：韩立　借款人：杨帆`).
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[\s\u{3000}；;｜|])\s*([^\s\u{3000}：:；;，,｜|]{1,6})[:：]\s*[^\s\u{3000}；;｜|]",
    )
    .expect("field pattern is valid")
});

/// Keys that only a record has: a date, a time, a number, a case, an
/// address or an amount.
static RECORD_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:日期|时间|编号|案号|案件|单号|地址|金额|电话|号码|工号|内容|对象|结果|频次|渠道|名称|要点|补充|方式|状态|类型|备注|附件)$",
    )
        .expect("record key pattern is valid")
});

/// Whether `line` is a form header of `key：value` fields rather than
/// turns of a dialogue: three fields or more, one of them a date, number,
/// case or the like, and no sentence. Its labels (`借款人：杨帆`) name
/// people, they do not open turns.
pub fn is_field_list(line: &str) -> bool {
    // Every field has its colon: most lines are done before the regex.
    if line.matches([':', '：']).count() < 3 || line.contains(['。', '？', '！', '?', '!']) {
        return false;
    }
    let keys: Vec<&str> = FIELD
        .captures_iter(line)
        .filter_map(|caps| caps.get(1))
        .map(|key| key.as_str())
        .collect();
    keys.len() >= 3 && keys.iter().any(|key| RECORD_KEY.is_match(key))
}

/// A label in brackets (`[坐席]`, `[L]`, `【坐席】`).
static BRACKET_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*{LEADING_TIME}[\[【]([\p{{Han}}A-Za-z0-9]{{1,6}})[\]】]\s*"
    ))
    .expect("label pattern is valid")
});

/// An ASR label spelled out with spaces (`坐 席 ：`).
static SPACED_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*{LEADING_TIME}(\p{{Han}}(?:[ \u{{3000}}]\p{{Han}}){{1,4}})\s*[:：]\s*"
    ))
    .expect("label pattern is valid")
});

/// A label followed by a space instead of a colon (`催收员 呃 喂`, `S1 喂`);
/// only taken for labels known from the lists or a legend.
static SPACE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*{LEADING_TIME}([\p{{Han}}A-Za-z0-9]{{1,6}})[ \t\u{{3000}}]+"
    ))
    .expect("label pattern is valid")
});

/// A gap between two columns of a table aligned with spaces: a tab, or
/// two spaces or more between words.
static COLUMN_GAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\S(?:[ \u{3000}]{2,}|\t)[ \t\u{3000}]*\S").expect("gap pattern is valid")
});

/// Whether `line` is a row of three cells or more of a table aligned with
/// spaces (`日期    时间    对象    内容摘要`), not a form header of
/// `key：value` fields (`质检编号：QC-07    质检员：邵磊`).
pub(super) fn is_aligned_row(line: &str) -> bool {
    !line.contains(['：', ':']) && COLUMN_GAP.find_iter(line.trim()).count() >= 2
}

/// The labels a speech recogniser gives the voices it separates (`spk0`,
/// `Speaker1`, `S2`, `说话人1`): speakers of unknown side, followed by a
/// space as often as by a colon.
static DIARIZED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:spk|speaker|s|说话人|发言人|角色)\d{1,2}$")
        .expect("diarization pattern is valid")
});

/// What a bracketed title ends with when it heads a notice, not a turn
/// (`【组长通知】`, `【主管要求】`).
const NOTICES: &[&str] = &["通知", "公告", "通告", "须知", "要求", "安排"];

/// What the name of a template or scripted scene starts with (`模板F（联系人）`,
/// `场景二（家属接听）`): the text after it is the collector's, to the side
/// it names.
const TEMPLATES: &[&str] = &["模板", "话术", "场景", "情景", "示例"];

/// How a call log records a call's outcome, in the cell after the person
/// called.
const CALL_OUTCOMES: &[&str] = &[
    "未接",
    "已接通",
    "接通",
    "关机",
    "挂断",
    "拒接",
    "无人接听",
    "停机",
    "占线",
    "空号",
    "忙音",
    "通话中",
];

/// Words before a colon that open a line without naming a speaker: list
/// labels of scripts and training material, FAQ markers.
const NOT_SPEAKERS: &[&str] = &[
    "要",
    "不要",
    "应",
    "不应",
    "可以",
    "不可以",
    "禁止",
    "严禁",
    "注意",
    "提示",
    "说明",
    "告知",
    "施压",
    "回应",
    "回复",
    "示例",
    "例",
    "例如",
    "比如",
    "错误",
    "正确",
    "错误示例",
    "正确示例",
    "问",
    "答",
    "q",
    "a",
    "Q",
    "A",
    "备注",
    "结论",
    "要求",
    "原因",
    "目的",
    "场景",
    "情景",
    "话术",
    "技巧",
    "方法",
    "步骤",
    "标题",
    "主题",
    "时间",
    "地点",
    "日期",
    "来源",
    "任务",
    "结果",
    "意见",
    "内容",
    "类型",
    "案件号",
    "借口",
    "客户说",
    "如客户说",
    "模板",
    "渠道",
    "签名",
    "附件",
    "电话",
    "地址",
    "金额",
];

/// A line's label candidate before the document decides which candidates
/// are speakers.
struct Candidate {
    name: String,
    content_start: usize,
    /// A chat time stood between label and colon, or a date-time before
    /// the label.
    timed: bool,
    /// Minutes of a bare clock time before the label (`[10:02] 小王：`):
    /// a chat's wall-clock time, or a recording's offset (`[00:05]`).
    leading_clock: Option<u16>,
    /// Found by the pattern for labels followed by a space.
    spaced_only: bool,
    /// A chat name of several words (`安心借-贷后 周经理`): a speaker only
    /// if it labels more than one line, unlike words of a log entry.
    several_words: bool,
    /// The author of a numbered comment (`评论7 @路人甲：`): a speaker even
    /// if they comment once.
    commenter: bool,
}

impl Candidate {
    /// A plain label: untimed, before a colon, one word, not a comment's.
    fn plain(name: String, content_start: usize) -> Candidate {
        Candidate {
            name,
            content_start,
            timed: false,
            leading_clock: None,
            spaced_only: false,
            several_words: false,
            commenter: false,
        }
    }
}

/// Finds the speakers of `source` and the label of each line.
pub fn find_speakers(source: &SourceFile, labels: &SpeakerLabels) -> Speakers {
    let lines: Vec<Range<usize>> = source.lines().map(|(_, range)| range).collect();
    let mut candidates: Vec<Option<Candidate>> = lines
        .iter()
        .map(|range| candidate(&source.text[range.clone()]))
        .collect();
    // Bare clock times before labels are a chat's wall clock unless the
    // first of them reads like the start of a recording.
    let wall_clock = candidates
        .iter()
        .flatten()
        .find_map(|c| c.leading_clock)
        .is_some_and(|first| first >= FIRST_WALL_CLOCK);
    if wall_clock {
        for c in candidates.iter_mut().flatten() {
            c.timed |= c.leading_clock.is_some();
        }
    }

    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in candidates.iter().flatten().filter(|c| !c.spaced_only) {
        *counts.entry(c.name.as_str()).or_default() += 1;
    }
    // Legends sit near the top; a line that is itself a labelled turn is
    // not one.
    let legend: Vec<&str> = lines
        .iter()
        .zip(&candidates)
        .filter(|(range, _)| !source.text[(*range).clone()].trim().is_empty())
        .take(3)
        .filter(|(_, c)| c.as_ref().is_none_or(|c| labels.kind(&c.name).is_none()))
        .map(|(range, _)| &source.text[range.clone()])
        .filter(|line| is_legend(line, labels))
        .collect();
    let kind_of = |name: &str| -> Option<LabelKind> {
        labels
            .kind(name)
            .or_else(|| legend.iter().find_map(|l| kind_in_legend(l, name, labels)))
            .or_else(|| labels.kind_of_name(name))
    };
    // "A：" answers a "Q：" in an FAQ, but speaks to "B：" in a dialogue.
    let lettered = counts.contains_key("B");
    let not_speaker =
        |name: &str| NOT_SPEAKERS.contains(&name) && !(lettered && name.eq_ignore_ascii_case("a"));
    // A name of six characters at most, not counting the digits of an
    // account name ("追债小分队007").
    let short = |name: &str| name.chars().filter(|c| !c.is_ascii_digit()).count() <= 6;
    let generic: Vec<&str> = counts
        .iter()
        .filter(|(name, count)| **count >= 2 && !not_speaker(name) && short(name))
        .map(|(name, _)| *name)
        .collect();
    // Names before colons make a dialogue only when there are two of them
    // and their lines are a good share of the text: "优点：…缺点：…" in a
    // file of reviews is no conversation.
    let generic_lines = candidates
        .iter()
        .flatten()
        .filter(|c| generic.contains(&c.name.as_str()))
        .count();
    let text_lines = lines
        .iter()
        .filter(|range| !source.text[(*range).clone()].trim().is_empty())
        .count();
    // One recurring name among several others is a dialogue too: a
    // collector answering many people once each in a group chat.
    let names = counts.len() - counts.keys().filter(|n| not_speaker(n)).count();
    let dialogue = (generic.len() >= 2 || (generic.len() == 1 && names >= 3))
        && generic_lines * 10 >= text_lines * 3;
    // Likewise names with a chat time make a chat export when such lines
    // are a good share of the text.
    let timed_lines = candidates.iter().flatten().filter(|c| c.timed).count();
    let chat = timed_lines >= 2 && timed_lines * 5 >= text_lines;

    // Two recogniser voices or more make an ASR transcript.
    let mut voices: Vec<&str> = candidates
        .iter()
        .flatten()
        .filter(|c| DIARIZED.is_match(&c.name))
        .map(|c| c.name.as_str())
        .collect();
    voices.sort_unstable();
    voices.dedup();
    let diarized = voices.len() >= 2;

    let mut speakers = Speakers::default();
    for candidate in &candidates {
        let label = candidate.as_ref().and_then(|c| {
            let kind = kind_of(&c.name);
            let accepted = if c.spaced_only {
                labels.kind(&c.name).is_some()
                    || (diarized && DIARIZED.is_match(&c.name))
                    || legend
                        .iter()
                        .any(|l| kind_in_legend(l, &c.name, labels).is_some())
            } else if c.several_words {
                counts.get(c.name.as_str()).is_some_and(|&n| n >= 2) && (chat || kind.is_some())
            } else {
                kind.is_some()
                    || c.commenter
                    || (c.timed && chat)
                    || (dialogue && generic.contains(&c.name.as_str()))
            };
            accepted.then(|| {
                let speaker = speakers.find(&c.name).unwrap_or_else(|| {
                    speakers.list.push(Speaker {
                        name: c.name.clone(),
                        kind,
                        timed: c.timed,
                        commenter: c.commenter,
                    });
                    speakers.list.len() - 1
                });
                LineLabel {
                    speaker,
                    content_start: c.content_start,
                }
            })
        });
        speakers.of_line.push(label);
    }
    speakers
}

/// The label candidate opening `line`, if any.
fn candidate(line: &str) -> Option<Candidate> {
    let start = line.trim_start();
    if start.is_empty() {
        return None;
    }
    let has_colon = line.contains(':') || line.contains('：');
    // Most lines cannot open with a comment's number: skip its pattern.
    let numbered = start.starts_with(['评', '回', '跟', '#'])
        || start.starts_with(|c: char| c.is_ascii_digit());
    if has_colon && numbered {
        if let Some(caps) = COMMENT_LABEL.captures(line) {
            return Some(Candidate {
                commenter: true,
                ..Candidate::plain(caps.get(1)?.as_str().to_string(), caps.get(0)?.end())
            });
        }
    }
    if has_colon && !is_field_list(line) {
        if let Some(caps) = COLON_LABEL.captures(line) {
            let name = caps.get(1)?.as_str();
            // A label never ends in an opening bracket or starts a quote,
            // and names someone: a log's date before its clock time
            // ("2024-11-03 05:48:02") is no name.
            // Nor is a clock time followed by its seconds a chat time
            // ("05:51:40 接通 00:00:06").
            let split_time = caps.get(2).is_some_and(|time| {
                line[time.end()..]
                    .trim_start()
                    .strip_prefix([':', '：'])
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            });
            // Nor is a record's field ("发送时间：2024-04-12 02:30").
            if !name.ends_with(['（', '(', '“'])
                && name.contains(char::is_alphabetic)
                && !split_time
                && !RECORD_KEY.is_match(name)
            {
                let leading_clock = LEADING_CLOCK.captures(line).and_then(|clock| {
                    let hours: u16 = clock[1].parse().ok()?;
                    let minutes: u16 = clock[2].parse().ok()?;
                    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
                });
                return Some(Candidate {
                    timed: caps.get(2).is_some() || LEADING_DATE.is_match(line),
                    leading_clock,
                    ..Candidate::plain(member_name(name).to_string(), caps.get(0)?.end())
                });
            }
        }
        // A chat name of several words after a date and time is timed; a
        // label spelled out with spaces is not.
        for (pattern, dated) in [(&DATED_NAME_LABEL, true), (&SPACED_LABEL, false)] {
            if let Some(caps) = pattern.captures(line) {
                let name = caps.get(1)?.as_str().chars().filter(|c| !c.is_whitespace());
                return Some(Candidate {
                    timed: dated,
                    several_words: dated,
                    ..Candidate::plain(name.collect(), caps.get(0)?.end())
                });
            }
        }
    }
    if start.starts_with(['[', '【']) || start.starts_with(|c: char| c.is_ascii_digit()) {
        if let Some(caps) = BRACKET_LABEL.captures(line) {
            return Some(Candidate::plain(
                caps.get(1)?.as_str().to_string(),
                caps.get(0)?.end(),
            ));
        }
    }
    // The label is followed by a space or a tab: a line without one (most
    // lines of prose) has none.
    if !line.contains([' ', '\t', '\u{3000}']) {
        return None;
    }
    let caps = SPACE_LABEL.captures(line)?;
    // A row of a table aligned with spaces (`2024-03-11  09:12   本人
    // 未接   —`) names its cells, not a speaker.
    let rest = &line[caps.get(0)?.end()..];
    if COLUMN_GAP.is_match(rest.trim_end()) {
        return None;
    }
    // Nor does a call log's row whose next cell is the call's outcome
    // (`22:35 本人 未接 跟进`).
    if CALL_OUTCOMES.iter().any(|o| rest.starts_with(o)) {
        return None;
    }
    Some(Candidate {
        spaced_only: true,
        ..Candidate::plain(caps.get(1)?.as_str().to_string(), caps.get(0)?.end())
    })
}

/// A chat member's name without the group's note on it: a first message
/// is labelled `新成员“债务协调-张”` and the next ones `债务协调-张`.
fn member_name(name: &str) -> &str {
    let bare = ["新成员", "群成员", "群友"]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name)
        .trim_matches(['“', '”', '"', '「', '」']);
    if bare.is_empty() { name } else { bare }
}

/// Whether `line` defines labels: it names a side and binds names with
/// `=`, colons or list separators at least twice (`A：催收员；B：借款人`,
/// `坐席=左 客户=右`), or pairs two parties with `↔`.
fn is_legend(line: &str, labels: &SpeakerLabels) -> bool {
    let bindings = line
        .matches(['=', '＝', '：', ':', '；', ';', '｜', '|', '为'])
        .count();
    // A legend is a short note, not a line of dialogue.
    let note = !line.contains(['。', '？', '?', '！', '!']) && line.chars().count() <= 60;
    note && labels.kind_within(line).is_some() && (bindings >= 2 || line.contains('↔'))
}

/// The side a legend line binds `name` to: the side word in the same part
/// of the legend, preferring one bound to the name by `=` or a colon.
fn kind_in_legend(legend: &str, name: &str, labels: &SpeakerLabels) -> Option<LabelKind> {
    for part in legend.split(['↔', '；', ';', '｜', '|', '，', ',', '、']) {
        let Some(at) = find_name(part, name) else {
            continue;
        };
        // Quotes around a name ("“蓝天”（借款人）") do not separate it from
        // its side.
        let before = part[..at].trim_end_matches(['“', '「', '"']);
        let after = part[at + name.len()..].trim_start_matches(['”', '」', '"']);
        let binds = |s: &str| s.starts_with(['=', '＝', '：', ':', '（', '(', '-', '为']);
        // "A：催收员", "S1=催收", "张楠（坐席…）", "A 为催收员": the side
        // follows the name.
        let after = if after.trim_start().starts_with('为') {
            after.trim_start()
        } else {
            after
        };
        if binds(after) {
            let word: String = after
                .chars()
                .skip(1)
                .take_while(|c| !matches!(c, ' ' | '）' | ')' | '='))
                .collect();
            if let Some(kind) = labels.kind_within(&word) {
                return Some(kind);
            }
        }
        // "坐席=左", "外呼坐席：马超", "催收-阿强": the side precedes it.
        if before.ends_with(['=', '＝', '：', ':', '-', ' ']) {
            let word: String = before
                .chars()
                .rev()
                .skip(1)
                .take_while(|c| !matches!(c, ' ' | '（' | '(' | '“' | '”'))
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if let Some(kind) = labels.kind_within(&word) {
                return Some(kind);
            }
        }
    }
    None
}

/// Where `name` stands in `text` as a whole label: not inside a longer
/// run of letters or digits (`S1` in `S12` is not `S1`).
fn find_name(text: &str, name: &str) -> Option<usize> {
    let ascii = name.chars().all(|c| c.is_ascii_alphanumeric());
    text.match_indices(name).map(|(at, _)| at).find(|&at| {
        if !ascii {
            return true;
        }
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> SpeakerLabels {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        SpeakerLabels {
            agent: list(&["坐席", "催收员", "催收", "专员", "资产部", "外呼坐席"]),
            debtor: list(&["客户", "借款人", "被叫"]),
            third_party: list(&["联系人", "家属", "第三方", "同事"]),
            situation: list(&["拒绝"]),
            action: list(&["告知"]),
        }
    }

    /// A line's speaker name and side.
    type Named = Option<(String, Option<LabelKind>)>;

    fn read(text: &str) -> (Speakers, Vec<Named>) {
        let source = SourceFile::new("t", text.to_string(), "UTF-8");
        let speakers = find_speakers(&source, &labels());
        let per_line = speakers
            .of_line
            .iter()
            .map(|l| {
                l.as_ref().map(|l| {
                    let s = &speakers.list[l.speaker];
                    (s.name.clone(), s.kind)
                })
            })
            .collect();
        (speakers, per_line)
    }

    #[test]
    fn known_labels_with_timestamps_and_either_colon() {
        let (_, lines) = read("[00:01:23] 坐席：你好\n00:01:30 客户: 喂\n家属：他不在\n");
        assert_eq!(lines[0], Some(("坐席".into(), Some(LabelKind::Agent))));
        assert_eq!(lines[1], Some(("客户".into(), Some(LabelKind::Debtor))));
        assert_eq!(lines[2], Some(("家属".into(), Some(LabelKind::ThirdParty))));
    }

    #[test]
    fn comment_numbers_before_authors() {
        let (_, lines) = read(
            "评论2 @贷后小助手：还钱\n3楼 路人甲：举报了\n#4 阿梅：别说了\n评论 5｜用户 5530912（某某催收专员）：快还\n",
        );
        assert_eq!(lines[0], Some(("贷后小助手".into(), None)));
        assert_eq!(lines[1], Some(("路人甲".into(), None)));
        assert_eq!(lines[2], Some(("阿梅".into(), None)));
        let account = "用户 5530912（某某催收专员）";
        assert_eq!(lines[3], Some((account.into(), Some(LabelKind::Agent))));
    }

    #[test]
    fn legends_define_short_labels() {
        let text = "（录音整理，A：催收员 刘振；B：借款人 冯晓敏）\nA：冯女士，逾期了。\nB：我知道。\nA：还钱。\n";
        let (_, lines) = read(text);
        assert_eq!(lines[1], Some(("A".into(), Some(LabelKind::Agent))));
        assert_eq!(lines[2], Some(("B".into(), Some(LabelKind::Debtor))));
        let text = "【ASR·双声道】坐席=左 客户=右\n左：喂 是 我\n右：嗯\n";
        let (_, lines) = read(text);
        assert_eq!(lines[1], Some(("左".into(), Some(LabelKind::Agent))));
        assert_eq!(lines[2], Some(("右".into(), Some(LabelKind::Debtor))));
        let text =
            "说明：A 为催收员，B 为借款人，C 为借款人同事\nA：还钱\nB：没钱\nA：叫他接\nC：喂\n";
        let (_, lines) = read(text);
        assert_eq!(lines[1], Some(("A".into(), Some(LabelKind::Agent))));
        assert_eq!(lines[2], Some(("B".into(), Some(LabelKind::Debtor))));
        assert_eq!(lines[4], Some(("C".into(), Some(LabelKind::ThirdParty))));
        let text = "S1=催收 S2=第三方（借款人同事）\nS1 喂 你好\nS2 他 不在\n";
        let (_, lines) = read(text);
        assert_eq!(lines[1], Some(("S1".into(), Some(LabelKind::Agent))));
        assert_eq!(lines[2], Some(("S2".into(), Some(LabelKind::ThirdParty))));
    }

    #[test]
    fn recogniser_voices_are_speakers() {
        let (speakers, named) =
            read("[00:00:01] spk0 喂 你好\n[00:00:03] spk1 你好 我是 贷后 的\nspk0 是我\n");
        let names: Vec<Option<&str>> = named
            .iter()
            .map(|n| n.as_ref().map(|n| n.0.as_str()))
            .collect();
        assert_eq!(names, [Some("spk0"), Some("spk1"), Some("spk0")]);
        assert_eq!(speakers.list.len(), 2);
        // One voice alone is a word like any other.
        let (_, named) = read("S1 型号的手机\n我买了\n");
        assert!(named.iter().all(Option::is_none), "{named:?}");
    }

    #[test]
    fn form_headers_are_no_turns() {
        assert!(is_field_list(
            "外访日期：2026年3月6日　外访员：韩立、马俊　案件：HZ2209　借款人：杨帆"
        ));
        assert!(is_field_list("案号：(2026)001；借款人：王某；金额：5000元"));
        assert!(!is_field_list(
            "坐席：您好。客户：嗯。坐席：您的欠款逾期了。"
        ));
        assert!(!is_field_list("客服：你好 客户：你好 客服：请问是王先生吗"));
        let (speakers, _) =
            read("外访日期：2026年3月6日　外访员：韩立　借款人：杨帆\n09:30 到达借款人住处。\n");
        assert!(speakers.of_line.iter().all(Option::is_none));
    }

    #[test]
    fn log_dates_are_not_names() {
        let text = "呼叫记录\n2024-11-03 05:48:02 未接通\n2024-11-03 05:49:15 未接通\n2024-11-03 05:50:27 接通\n";
        let (_, lines) = read(text);
        assert!(lines.iter().all(Option::is_none), "{lines:?}");
    }

    #[test]
    fn a_time_before_its_seconds_is_no_chat_time() {
        let (_, lines) = read("拨号记录\n05:51:40 接通 00:00:06\n10:15:33 接通 00:02:41\n");
        assert!(lines.iter().all(Option::is_none), "{lines:?}");
    }

    #[test]
    fn a_date_time_before_a_name_times_a_chat_message() {
        let text = "2024/03/09 02:13 小周-贷后：睡得着吗？\n2024/03/09 08:30 陈默：你发什么疯\n";
        let (speakers, lines) = read(text);
        let names: Vec<_> = lines
            .iter()
            .flatten()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(names, ["小周-贷后", "陈默"]);
        assert!(speakers.list.iter().all(|s| s.timed), "{speakers:?}");
        let (speakers, _) = read("[00:00:09] 坐席：您好\n[00:00:12] 客户：嗯\n");
        assert!(speakers.list.iter().all(|s| !s.timed), "{speakers:?}");
        // A month and day without the year date a message as well.
        let (speakers, lines) = read("11-02 22:35 坐席：还不回电？\n11-03 09:07 坐席：请回电\n");
        assert!(lines.iter().all(Option::is_some), "{lines:?}");
        assert!(speakers.list.iter().all(|s| s.timed), "{speakers:?}");
    }

    #[test]
    fn chat_names_with_times_are_speakers() {
        let text = "微信聊天导出｜“东哥-资产部” ↔ “向小军”\n东哥-资产部 2024/07/02 15:10：钱呢\n向小军 2024/07/02 15:40：再给我一个月\n";
        let (_, lines) = read(text);
        assert_eq!(
            lines[1],
            Some(("东哥-资产部".into(), Some(LabelKind::Agent)))
        );
        assert_eq!(lines[2], Some(("向小军".into(), None)));
        let text = "22:47 新成员“债务协调-张”：各位邻居打扰了\n22:48 债务协调-张：[图片]\n22:52 业主：干嘛\n";
        let (speakers, lines) = read(text);
        assert_eq!(lines[0], lines[1], "{speakers:?}");
    }

    #[test]
    fn spaced_asr_labels_are_read_whole() {
        let (_, lines) = read("坐 席 ： 您 好\n客 户 ： 嗯\n");
        assert_eq!(lines[0], Some(("坐席".into(), Some(LabelKind::Agent))));
        let (_, lines) = read("催收员 呃 喂 是 戴 伟 吗\n借款人 发院 哪个\n");
        assert_eq!(lines[0], Some(("催收员".into(), Some(LabelKind::Agent))));
        assert_eq!(lines[1], Some(("借款人".into(), Some(LabelKind::Debtor))));
    }

    #[test]
    fn list_labels_are_not_speakers() {
        let (speakers, _) = read("要：表明身份。\n不要：骂人。\n要：核实身份。\n不要：夜里打。\n");
        assert!(speakers.list.is_empty());
        let (speakers, _) = read("回应：理解您的顾虑\n");
        assert!(speakers.list.is_empty());
    }

    #[test]
    fn unknown_names_in_a_dialogue_are_speakers_of_unknown_side() {
        let text = "马超：你好\n徐丽娟：嗯\n马超：还钱\n徐丽娟：没有\n";
        let (speakers, _) = read(text);
        let names: Vec<_> = speakers
            .list
            .iter()
            .map(|s| (s.name.as_str(), s.kind))
            .collect();
        assert_eq!(names, [("马超", None), ("徐丽娟", None)]);
    }

    #[test]
    fn an_action_on_a_side_is_the_agents_entry() {
        let (_, lines) = read("10-08 14:05 告知客户：再不还清就通知家里\n客户：知道了\n");
        assert_eq!(lines[0], Some(("告知客户".into(), Some(LabelKind::Agent))));
        assert_eq!(lines[1], Some(("客户".into(), Some(LabelKind::Debtor))));
    }

    #[test]
    fn rows_of_a_table_aligned_with_spaces_have_no_speaker() {
        let text = "日期        时间    对象    结果\n2024-03-11  09:12   客户    未接    —\n客户  喂 你 好\n";
        let (_, lines) = read(text);
        assert_eq!(lines[1], None);
        assert_eq!(lines[2], Some(("客户".into(), Some(LabelKind::Debtor))));
    }

    #[test]
    fn aligned_rows_are_told_from_form_headers() {
        assert!(is_aligned_row("日期        时间     对象        内容摘要"));
        assert!(!is_aligned_row(
            "质检编号：QC-07  被检坐席：马某  质检员：邵某"
        ));
        assert!(!is_aligned_row("外呼记录摘要"));
    }

    #[test]
    fn quotation_marks_before_a_timed_label_are_skipped() {
        let (speakers, lines) =
            read(">> 12-02 11:05 催收-阿杰：今天还款日\n>> 12-02 11:40 戚先生：晚点\n");
        assert_eq!(lines[0].as_ref().map(|l| l.0.as_str()), Some("催收-阿杰"));
        assert!(speakers.list.iter().all(|s| s.timed), "{speakers:?}");
    }

    #[test]
    fn account_names_with_digits_are_speakers() {
        let text = "追债小分队007：欠钱不还\n韦某：你谁\n网友A：举报了\n追债小分队007：大家看看\n";
        let (_, lines) = read(text);
        assert_eq!(lines[0], lines[3]);
        assert!(lines[0].is_some());
    }

    #[test]
    fn full_width_brackets_time_a_label_and_record_fields_are_no_speakers() {
        let (speakers, lines) =
            read("［2024-05-20 21:50］催收-小林：明天再说\n发送时间：2024-04-12 02:30\n");
        assert_eq!(lines[0].as_ref().map(|l| l.0.as_str()), Some("催收-小林"));
        assert!(speakers.list[0].timed);
        assert_eq!(lines[1], None);
    }
}
