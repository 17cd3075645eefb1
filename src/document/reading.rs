//! Reading a document: its genre, its sections' roles, and for each unit
//! who speaks, to whom, and whether the text prescribes, performs, forbids
//! or reports what it says.
//!
//! The facts come from [`Cues`]: what rule data (`rules/context.toml`,
//! `rules/document.toml`) finds in each unit's text. This module only
//! combines them, following GUIDELINES.md ("Documents"):
//!
//! - lines an agent will say or said, and actions an agent took or is told
//!   to take, are judged;
//! - examples under a 禁用语 / 错误示例 heading, lines marked (×), and
//!   documents that report or criticise (complaints, news, QA reports,
//!   advice to debtors) are not;
//! - in a transcript only the agent side is judged; a speaker whose side
//!   no label tells is recognised by what they say;
//! - the addressee is the debtor unless a label, the callee's words, the
//!   agent's words, a heading, a narrative line ("亲属接通后") or a group chat says a
//!   third party is listening.

use std::collections::HashMap;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::{Addressee, Document, LabelKind, Role};
use crate::clock::QuietHours;
use crate::rules::DocumentFact;

/// A fact about a unit's text that rule data can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cue {
    /// The callee's words show they are not the debtor ("我是他妈").
    CalleeIsThirdParty,
    /// The callee's words show they are the debtor ("是我").
    CalleeIsDebtor,
    /// The agent's words address a third party ("您是他同事吧").
    AgentAddressesThirdParty,
    /// A heading of a section meant for third parties ("第三方联系话术").
    ThirdPartySection,
    /// A heading of a section of examples not to follow ("禁用语").
    ForbiddenSection,
    /// The unit is itself an example not to follow ("错误示例：", "（×）").
    ForbiddenExample,
    /// A sentence forbids or condemns what it quotes or names
    /// ("不得说", "属于违规"); judged per sentence.
    Forbids,
    /// The text reports or criticises collection conduct (a complaint,
    /// news, a QA report, advice to debtors).
    Reports,
    /// A line that opens with the label of a reporting genre ("报道：",
    /// "【新闻】", "黑猫投诉：", "质检记录："): on its own, it is a report.
    ReportLabel,
    /// A line of a report that recommends what collectors should do
    /// ("改进建议1：", "可以提一句"): the report prescribes it.
    Recommends,
    /// A debtor tells what was done to them ("催收说我", "骂我").
    DebtorVoice,
    /// Words typical of the collector in a dialogue ("您的欠款", "我司").
    AgentVoice,
    /// Words typical of the callee ("我没钱", "别打了").
    CalleeVoice,
    /// A narrative line that puts a third party on the line ("亲属接通后").
    ThirdPartyNarrative,
    /// A narrative line that puts the debtor on the line ("本人接听").
    DebtorNarrative,
    /// A question of an FAQ poses what the callee says ("Q3：客户问“不还
    /// 会怎样？”"): the words are the callee's.
    CalleeQuote,
    /// Talk of a debt or its collection: a document with such a unit is a
    /// collection document.
    Collection,
    /// A log entry of a contact the collector made or attempted ("拨打本人，
    /// 未接", "上门", "我方在门口等候"), not one the debtor or a system
    /// made.
    ContactAttempt,
    /// A log entry of a contact with someone other than the debtor ("致电其
    /// 单位", a row whose relation column says 配偶): not counted with the
    /// debtor's calls when contacts repeat.
    ThirdPartyContact,
    /// A log entry of a contact with someone taken from the debtor's
    /// contact list ("通讯录联系人 03 某某 已接通"): a round of them is a
    /// blast of the contact list.
    ContactListContact,
    /// A log entry of a step of a visit (上门, 敲门, 在门口等候): at night
    /// a contact, but no repeated call.
    Visit,
    /// The title of a log of messages sent ("催收短信发送记录"): every
    /// stamped entry under it is a message to someone.
    MessageLog,
    /// The title of a log of messages sent in bulk to the debtor's
    /// contacts ("任务名称：联系人批量通知").
    BulkContactLog,
    /// The chat is held in a group ("群聊：…", "邀请…加入了群聊"): from
    /// here on, everyone in it reads what the collector posts.
    GroupChat,
    /// The title of a chat among the collectors themselves ("湘催三组工作群
    /// 聊天记录", "群聊“贷后突击队”（内部）"): everyone in it is on the
    /// collector's side.
    TeamChat,
    /// The title of a notice posted in public ("（外访员张贴于其所住单元楼道
    /// 的通知）"): everyone who passes reads all of it.
    PostedNotice,
    /// An event of a chat, written by the app under whatever label the
    /// export gives it ("系统消息：「阿强」邀请「爸爸」…加入了群聊"): said by
    /// no one, judged as what the document records.
    ChatEvent,
    /// The unit speaks to someone (second person) or in a collector's own
    /// voice ("我是…", "我司"): a sentence checked on its own with such
    /// words is read as said to the debtor.
    Addressed,
}

impl Cue {
    /// Every cue.
    pub const ALL: [Cue; 28] = [
        Cue::CalleeIsThirdParty,
        Cue::CalleeIsDebtor,
        Cue::AgentAddressesThirdParty,
        Cue::ThirdPartySection,
        Cue::ForbiddenSection,
        Cue::ForbiddenExample,
        Cue::Forbids,
        Cue::Reports,
        Cue::ReportLabel,
        Cue::Recommends,
        Cue::DebtorVoice,
        Cue::AgentVoice,
        Cue::CalleeVoice,
        Cue::ThirdPartyNarrative,
        Cue::DebtorNarrative,
        Cue::CalleeQuote,
        Cue::Collection,
        Cue::ContactAttempt,
        Cue::ThirdPartyContact,
        Cue::ContactListContact,
        Cue::Visit,
        Cue::MessageLog,
        Cue::BulkContactLog,
        Cue::GroupChat,
        Cue::TeamChat,
        Cue::PostedNotice,
        Cue::ChatEvent,
        Cue::Addressed,
    ];

    /// The cue's key in rule files.
    pub fn key(self) -> &'static str {
        match self {
            Cue::CalleeIsThirdParty => "callee_is_third_party",
            Cue::CalleeIsDebtor => "callee_is_debtor",
            Cue::AgentAddressesThirdParty => "agent_addresses_third_party",
            Cue::ThirdPartySection => "third_party_section",
            Cue::ForbiddenSection => "forbidden_section",
            Cue::ForbiddenExample => "forbidden_example",
            Cue::Forbids => "forbids",
            Cue::Reports => "reports",
            Cue::ReportLabel => "report_label",
            Cue::Recommends => "recommends",
            Cue::DebtorVoice => "debtor_voice",
            Cue::AgentVoice => "agent_voice",
            Cue::CalleeVoice => "callee_voice",
            Cue::ThirdPartyNarrative => "third_party_narrative",
            Cue::DebtorNarrative => "debtor_narrative",
            Cue::CalleeQuote => "callee_quote",
            Cue::Collection => "collection",
            Cue::ContactAttempt => "contact_attempt",
            Cue::ThirdPartyContact => "third_party_contact",
            Cue::ContactListContact => "contact_list_contact",
            Cue::Visit => "visit",
            Cue::MessageLog => "message_log",
            Cue::BulkContactLog => "bulk_contact_log",
            Cue::GroupChat => "group_chat",
            Cue::TeamChat => "team_chat",
            Cue::PostedNotice => "posted_notice",
            Cue::ChatEvent => "chat_event",
            Cue::Addressed => "addressed",
        }
    }

    /// The cue whose key is `key`.
    pub fn from_key(key: &str) -> Option<Cue> {
        Cue::ALL.into_iter().find(|c| c.key() == key)
    }

    /// Whether the cue is judged per sentence (it then marks the findings
    /// of its sentence) rather than for the whole unit.
    pub fn per_sentence(self) -> bool {
        self == Cue::Forbids
    }
}

/// The cues a unit's text matches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cues(u32);

impl Cues {
    /// Whether the text matches `cue`.
    pub fn has(self, cue: Cue) -> bool {
        self.0 & (1 << cue as u32) != 0
    }

    /// Records that the text matches `cue`.
    pub fn insert(&mut self, cue: Cue) {
        self.0 |= 1 << cue as u32;
    }
}

/// What kind of document a text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Genre {
    /// A call transcript with speaker labels.
    Transcript,
    /// Speech-recognition output: labels, words spaced out, no punctuation.
    AsrTranscript,
    /// SMS, chat or messaging export.
    ChatLog,
    /// Call notes, visit logs, call logs: the agent side narrating.
    CallLog,
    /// A script template: every line is the agent's.
    Script,
    /// Training or policy material in prose.
    Training,
    /// A complaint, article, advice, QA report or notice that reports or
    /// criticises collection conduct.
    Report,
}

impl Genre {
    /// The genre's name in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Genre::Transcript => "transcript",
            Genre::AsrTranscript => "asr_transcript",
            Genre::ChatLog => "chat_log",
            Genre::CallLog => "call_log",
            Genre::Script => "script",
            Genre::Training => "training",
            Genre::Report => "report",
        }
    }

    /// The genre's name for users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Genre::Transcript => "通话转写",
            Genre::AsrTranscript => "语音识别转写",
            Genre::ChatLog => "短信/聊天记录",
            Genre::CallLog => "催记/外访/外呼日志",
            Genre::Script => "话术模板",
            Genre::Training => "培训材料",
            Genre::Report => "投诉/文章/质检报告",
        }
    }

    /// Every genre.
    pub const ALL: [Genre; 7] = [
        Genre::Transcript,
        Genre::AsrTranscript,
        Genre::ChatLog,
        Genre::CallLog,
        Genre::Script,
        Genre::Training,
        Genre::Report,
    ];

    /// The genre named `name` (as in [`as_str`](Self::as_str)).
    pub fn from_name(name: &str) -> Option<Genre> {
        Genre::ALL.into_iter().find(|g| g.as_str() == name)
    }

    /// Whether the document's speakers are named by labels.
    fn is_dialogue(self) -> bool {
        matches!(
            self,
            Genre::Transcript | Genre::AsrTranscript | Genre::ChatLog
        )
    }
}

/// What the document does with a unit's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frame {
    /// Words an agent will say, or conduct an agent is told to adopt.
    Prescribed,
    /// Words an agent said or conduct an agent performed.
    Performed,
    /// Words of the callee (debtor or third party).
    Callee,
    /// Shown as an example not to follow.
    Forbidden,
    /// Reported or criticised by someone who is not the collector.
    Reported,
}

impl Frame {
    /// Whether rules judge units of this frame (those of the agent side).
    pub fn is_judged(self) -> bool {
        matches!(self, Frame::Prescribed | Frame::Performed | Frame::Callee)
    }
}

/// The role of the section a unit is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionRole {
    /// Ordinary text: what the document prescribes or records.
    Prescribed,
    /// Examples not to follow (禁用语, 错误示例).
    ForbiddenExamples,
    /// Text for calls to third parties (第三方联系话术).
    ThirdParty,
}

/// How far, in lines, talk of a debt makes the text around it a collection
/// context: a call or a page, not a whole file of unrelated dialogues.
const COLLECTION_REACH: usize = 40;

/// Within that reach, at least one line in this many must talk of a debt:
/// one mention of 欠钱 among eighty social-media comments makes no
/// collection document.
const COLLECTION_SHARE: usize = 10;

/// A document of at most this many lines is one conversation or one page:
/// a single mention of the debt anywhere in it makes it a collection one.
const ONE_CONVERSATION: usize = 30;

/// Contact attempts within this many minutes of each other are "again and
/// again within a short time" (GUIDELINES.md, "Call logs and notes carry
/// metadata") once there are more than [`REPEAT_COUNT`] of them.
pub const REPEAT_WINDOW: u16 = 30;

/// How many people from the debtor's contact list called on one day make
/// a blast of the contact list (GUIDELINES.md, "Call logs and notes carry
/// metadata").
pub const BLAST_COUNT: usize = 3;

/// How many earlier attempts within [`REPEAT_WINDOW`] make an attempt a
/// repeated one: the third call in half an hour is.
pub const REPEAT_COUNT: usize = 2;

/// A stamped entry within this many minutes of a step of a visit is part
/// of the visit: "01:30 借款人签署还款承诺书" after "00:40 外访员表示…" is
/// signed with the visitors in the room.
const VISIT_GAP: u16 = 180;

/// How one unit is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitReading {
    /// Who says it.
    pub role: Role,
    /// To whom.
    pub addressee: Addressee,
    /// What the document does with it.
    pub frame: Frame,
    /// The role of its section.
    pub section: SectionRole,
    /// Whether it stands in a collection context: it has debt talk, or it
    /// is a sentence checked on its own that speaks to someone.
    pub collection: bool,
    /// Whether the document's title, or a unit near it, talks about a debt.
    pub debt_talk: bool,
    /// Whether it is a log entry of a contact attempt, or a collector's
    /// chat message, in the quiet hours.
    pub night_contact: bool,
    /// Whether it is a log entry of a contact attempt that follows
    /// [`REPEAT_COUNT`] others within [`REPEAT_WINDOW`] minutes.
    pub repeated_contact: bool,
    /// Whether it is a stamped entry, talking of the debt, of a log of
    /// messages sent in bulk to the debtor's contacts.
    pub bulk_contact: bool,
    /// Whether it is the document's only unit.
    pub standalone: bool,
}

impl UnitReading {
    /// Whether `fact` holds for the unit.
    pub fn holds(&self, fact: DocumentFact) -> bool {
        match fact {
            DocumentFact::Collection => self.collection,
            DocumentFact::DebtTalk => self.debt_talk,
            DocumentFact::NightContact => self.night_contact,
            DocumentFact::RepeatedContact => self.repeated_contact,
            DocumentFact::BulkContact => self.bulk_contact,
            DocumentFact::Standalone => self.standalone,
            DocumentFact::PresumedCollection => self.collection || self.standalone,
        }
    }

    /// Whether every fact of `facts` (a set of [`DocumentFact::bit`]s)
    /// holds for the unit.
    pub fn holds_all(&self, facts: u8) -> bool {
        self.first_missing(facts).is_none()
    }

    /// The first fact of `facts` that does not hold for the unit.
    pub fn first_missing(&self, facts: u8) -> Option<DocumentFact> {
        DocumentFact::ALL
            .into_iter()
            .find(|&f| facts & f.bit() != 0 && !self.holds(f))
    }
}

/// How a document is read.
#[derive(Clone, Debug)]
pub struct Reading {
    /// The genre.
    pub genre: Genre,
    /// How each unit is read, in unit order.
    pub units: Vec<UnitReading>,
}

impl Document<'_> {
    /// Reads the document from its units' cues (`cues[i]` for unit `i`);
    /// `genre`, when given, overrides the inferred genre. Log entries are
    /// judged against `quiet`.
    pub fn read(&self, cues: &[Cues], genre: Option<Genre>, quiet: QuietHours) -> Reading {
        // What the title says of the whole document: the collectors' own
        // chat, where everyone is on their side, or a notice posted in
        // public, which speaks to everyone who reads it.
        let title = cues.first().copied().unwrap_or_default();
        let team = title.has(Cue::TeamChat);
        let posted = title.has(Cue::PostedNotice);
        let sides = self.speaker_sides(cues, team);
        let genre = genre.unwrap_or_else(|| self.genre(cues, &sides));
        let mut units = Vec::with_capacity(self.units.len());
        let mut current_role = if genre.is_dialogue() {
            Role::Unknown
        } else {
            Role::Agent
        };
        let mut tracker = AddresseeTracker::new(genre.is_dialogue(), team);
        // In a chat export whose messages carry names and times, a stamped
        // line without a name is an event of the chat, not a message.
        let system_events = genre == Genre::ChatLog && self.speakers.iter().any(|s| s.timed);
        let mut narrative: Option<(Option<usize>, Addressee)> = None;
        for (index, (unit, &cue)) in self.units.iter().zip(cues).enumerate() {
            let section = unit
                .section
                .map_or(SectionRole::Prescribed, |h| section_role(cues[h]));
            let label = unit.speaker.and_then(|s| sides[s]);
            // An unlabelled line is the agent's, not the continuation of a
            // labelled one, outside a dialogue; and so is each stamped entry
            // of a log, whoever a field of an earlier entry named ("客户：黄某")
            // or a quoted exchange made the document look like a dialogue.
            if unit.speaker.is_none() {
                if system_events && unit.stamp.is_some() {
                    // "群主 将“债务协调-张”移出了群聊" in an export of named
                    // messages: an event of the group, said by no one.
                    current_role = Role::Unknown;
                } else if !genre.is_dialogue() || unit.stamp.is_some() {
                    current_role = Role::Agent;
                }
            }
            if let Some(side) = label {
                current_role = match side {
                    LabelKind::Agent => Role::Agent,
                    LabelKind::Debtor | LabelKind::ThirdParty => Role::Customer,
                };
            }
            let role = if unit.heading || cue.has(Cue::ChatEvent) {
                Role::Unknown
            } else if cue.has(Cue::CalleeQuote) {
                Role::Customer
            } else {
                current_role
            };
            // A heading or a short lead-in ("亲属接通后：") sets the listener
            // for the rest of its section; inside a longer line the
            // condition only concerns that line.
            let lead_in = unit.heading || unit.text.as_str().width() <= 40;
            let own_section = if unit.heading {
                Some(index)
            } else {
                unit.section
            };
            let mut narrated = None;
            if cue.has(Cue::ThirdPartyNarrative) {
                narrated = Some(Addressee::ThirdParty);
                if lead_in {
                    narrative = Some((own_section, Addressee::ThirdParty));
                }
            } else if cue.has(Cue::DebtorNarrative) && lead_in {
                narrative = Some((own_section, Addressee::Debtor));
            }
            let narrated = narrated.or_else(|| {
                narrative
                    .filter(|(section, _)| *section == unit.section)
                    .map(|(_, addressee)| addressee)
            });
            let in_third_party_section = unit.section.map(|h| cues[h].has(Cue::ThirdPartySection));
            // A collector's own comment in a thread, under the debtor's post
            // or a forum complaint, is posted for everyone, not quoted; its
            // author's name says it is the collector's ("5楼 某某贷-贷后部").
            let thread_post = unit.speaker.is_some_and(|s| {
                let speaker = &self.speakers[s];
                speaker.commenter && speaker.kind == Some(LabelKind::Agent)
            });
            let addressee = match narrated {
                Some(Addressee::ThirdParty) => Addressee::ThirdParty,
                _ if (posted && index > 0) || thread_post => Addressee::ThirdParty,
                _ => tracker.observe(role, label, in_third_party_section, cue),
            };
            // A report's recommendation, or its section under a heading
            // that recommends ("优秀话术推荐"), is what collectors should do.
            let recommended = cue.has(Cue::Recommends)
                || unit.section.is_some_and(|h| cues[h].has(Cue::Recommends));
            let frame = if genre == Genre::Report && !recommended && !thread_post {
                Frame::Reported
            } else if section == SectionRole::ForbiddenExamples
                || cue.has(Cue::ForbiddenExample)
                || unit.column_header.is_some_and(|h| {
                    cues[h].has(Cue::ForbiddenSection) || cues[h].has(Cue::ForbiddenExample)
                })
            {
                Frame::Forbidden
            } else if role == Role::Customer {
                Frame::Callee
            } else if matches!(genre, Genre::Script | Genre::Training | Genre::Report) {
                Frame::Prescribed
            } else {
                Frame::Performed
            };
            units.push(UnitReading {
                role,
                addressee,
                frame,
                section,
                collection: false,
                debt_talk: false,
                night_contact: false,
                repeated_contact: false,
                bulk_contact: false,
                standalone: false,
            });
        }
        // Where debt talk is, by line: the cells of a table row, or the
        // turns of a dialogue written on one line, are one line of text.
        let mut lines: Vec<usize> = self.units.iter().map(|u| u.line).collect();
        lines.dedup();
        let position = |unit: usize| lines.partition_point(|&l| l < self.units[unit].line);
        let mut debt_talk: Vec<usize> = (0..cues.len())
            .filter(|&i| cues[i].has(Cue::Collection))
            .map(position)
            .collect();
        debt_talk.dedup();
        let titled = title.has(Cue::Collection) && self.units.first().is_some_and(|u| u.heading);
        let standalone = self
            .units
            .iter()
            .filter(|u| !u.text.as_str().trim().is_empty())
            .count()
            == 1;
        let last = lines.len().saturating_sub(1);
        let short = lines.len() <= ONE_CONVERSATION;
        for (index, read) in units.iter_mut().enumerate() {
            let at = position(index);
            let (from, to) = (
                at.saturating_sub(COLLECTION_REACH),
                (at + COLLECTION_REACH).min(last),
            );
            let near =
                debt_talk.partition_point(|&i| i <= to) - debt_talk.partition_point(|&i| i < from);
            // A sentence checked on its own under a collector's label
            // ("坐席：…") is collection talk whatever it says.
            let collector_says = standalone
                && self.units[index]
                    .speaker
                    .is_some_and(|s| self.speakers[s].kind == Some(LabelKind::Agent));
            read.debt_talk = titled
                || collector_says
                || (near > 0 && (short || near * COLLECTION_SHARE > to - from));
            // GUIDELINES.md presumes collection context; a sentence checked
            // on its own gets it when it speaks to someone.
            read.collection = read.debt_talk || (standalone && cues[index].has(Cue::Addressed));
            read.standalone = standalone;
        }
        match genre {
            Genre::CallLog => self.read_contacts(cues, quiet, &mut units),
            // Every message the collector sends is a contact, and a dated
            // turn of the collector's in a transcript opens a call at that
            // time of day (an export of recordings, one call a line:
            // "2024-06-04 23:10｜客服:喂…"); there a time without a date may
            // be an offset into the recording ("[00:23:10] 坐席："). The
            // collectors' own chat sends nothing to the debtor.
            Genre::ChatLog | Genre::Transcript if !team => {
                let dated_only = genre == Genre::Transcript;
                for (read, unit) in units.iter_mut().zip(&self.units) {
                    read.night_contact = read.role == Role::Agent
                        && unit.stamp.is_some_and(|s| {
                            (!dated_only || s.date.is_some()) && s.in_quiet_hours(quiet)
                        });
                }
            }
            _ => {}
        }
        Reading { genre, units }
    }

    /// Marks the log entries of contact attempts made in the quiet hours,
    /// the calls and messages to the debtor that follow [`REPEAT_COUNT`]
    /// others within [`REPEAT_WINDOW`] minutes on the same day, and the
    /// contacts of a day's round of [`BLAST_COUNT`] or more people from the
    /// debtor's contact list. The cells of a table row are one entry.
    fn read_contacts(&self, cues: &[Cues], quiet: QuietHours, units: &mut [UnitReading]) {
        // (line, day, minute) of each call or message to the debtor with a
        // time, in text order. The steps of one visit, and calls to the
        // debtor's different relatives, are no repetition.
        type Attempt = (usize, Option<(u8, u8)>, u16);
        let mut attempts: Vec<Attempt> = Vec::new();
        let mut day = None;
        // Under a message log's title every entry is a contact; under a
        // bulk send to the contact list, every entry is part of a blast.
        let title = cues.first().copied().unwrap_or_default();
        let message_log = title.has(Cue::MessageLog);
        let bulk = message_log && title.has(Cue::BulkContactLog);
        let is_contact =
            |index: usize| cues[index].has(Cue::ContactAttempt) || (message_log && index > 0);
        // The day of each contact with someone from the contact list.
        let mut contact_list: Vec<(usize, Option<(u8, u8)>)> = Vec::new();
        // The time of the last step of a visit, while the visit goes on.
        let mut visit: Option<u16> = None;
        for (index, unit) in self.units.iter().enumerate() {
            let Some(stamp) = unit.stamp else { continue };
            day = stamp.date.or(day);
            let cue = cues[index];
            let during_visit = match (visit, stamp.start) {
                (Some(last), Some(time)) => (time.0 + 24 * 60 - last) % (24 * 60) <= VISIT_GAP,
                _ => false,
            };
            if cue.has(Cue::Visit) {
                visit = stamp.start.map(|t| t.0);
            } else if !during_visit {
                visit = None;
            }
            if !is_contact(index) {
                // What happens while the visitors are there ("01:30 借款人
                // 签署还款承诺书"), not their leaving ("23:20 离开").
                if during_visit && !cue.has(Cue::Visit) {
                    units[index].night_contact = stamp.in_quiet_hours(quiet);
                }
                continue;
            }
            units[index].night_contact = stamp.in_quiet_hours(quiet);
            // An entry of the blast says what is owed; a failed send
            // ("失败（空号）") carries no message.
            units[index].bulk_contact = bulk && cue.has(Cue::Collection);
            if cue.has(Cue::ContactListContact) {
                contact_list.push((index, day));
            }
            if !bulk
                && !cue.has(Cue::ThirdPartyContact)
                && !cue.has(Cue::Visit)
                && attempts.last().is_none_or(|&(line, ..)| line != unit.line)
            {
                // "10:01、10:03、10:05 连续拨打" records three attempts, and
                // "14:02-14:16 拨打本人11次" eleven.
                let times = stamp.attempt_times(unit.text.as_str());
                attempts.extend(times.iter().map(|t| (unit.line, day, t.0)));
            }
        }
        // Lines of the repeated attempts, ascending. A log runs forward in
        // time: the look-back stops at the first attempt of another day or
        // outside the window.
        let repeated: Vec<usize> = attempts
            .iter()
            .enumerate()
            .filter(|&(k, &(_, day, minute))| {
                attempts[..k]
                    .iter()
                    .rev()
                    .take_while(|&&(_, d, m)| {
                        d == day && m <= minute && minute - m <= REPEAT_WINDOW
                    })
                    .count()
                    >= REPEAT_COUNT
            })
            .map(|(_, &(line, ..))| line)
            .collect();
        for (index, unit) in self.units.iter().enumerate() {
            if is_contact(index) && repeated.binary_search(&unit.line).is_ok() {
                units[index].repeated_contact = true;
            }
        }
        // Calls going down the contact list, one person after another,
        // counted per day once (a long log has thousands of entries).
        let mut per_day: HashMap<Option<(u8, u8)>, usize> = HashMap::new();
        for &(_, day) in &contact_list {
            *per_day.entry(day).or_default() += 1;
        }
        for &(index, day) in &contact_list {
            if per_day[&day] >= BLAST_COUNT {
                units[index].bulk_contact = true;
            }
        }
    }

    /// The side of each speaker: its label's, or for speakers no label or
    /// legend places, by what they say. Where the agent side has no known
    /// label, the unknown speaker who talks most like a collector is the
    /// agent and the others are callees. In the collectors' own chat
    /// (`team`) every unknown speaker is a collector.
    fn speaker_sides(&self, cues: &[Cues], team: bool) -> Vec<Option<LabelKind>> {
        let mut sides: Vec<Option<LabelKind>> = self.speakers.iter().map(|s| s.kind).collect();
        let speaking: Vec<usize> = {
            let mut seen = Vec::new();
            for unit in &self.units {
                if let Some(s) = unit.speaker {
                    if !seen.contains(&s) {
                        seen.push(s);
                    }
                }
            }
            seen
        };
        let unknown: Vec<usize> = speaking
            .iter()
            .copied()
            .filter(|&s| sides[s].is_none())
            .collect();
        if unknown.is_empty() {
            return sides;
        }
        // In the collectors' own chat, whoever speaks is one of them.
        if team {
            for s in unknown {
                sides[s] = Some(LabelKind::Agent);
            }
            return sides;
        }
        let has_agent = speaking.iter().any(|&s| sides[s] == Some(LabelKind::Agent));
        let score = |speaker: usize| -> i64 {
            self.units
                .iter()
                .zip(cues)
                .filter(|(u, _)| u.speaker == Some(speaker))
                .map(|(_, c)| {
                    i64::from(c.has(Cue::AgentVoice)) - i64::from(c.has(Cue::CalleeVoice))
                })
                .sum()
        };
        let agent = (!has_agent)
            .then(|| {
                // Ties go to the first speaker.
                unknown.iter().copied().rev().max_by_key(|&s| score(s))
            })
            .flatten();
        for s in unknown {
            sides[s] = Some(if Some(s) == agent {
                LabelKind::Agent
            } else {
                LabelKind::Debtor
            });
        }
        sides
    }

    /// The genre, inferred from speakers, layout and cues.
    fn genre(&self, cues: &[Cues], sides: &[Option<LabelKind>]) -> Genre {
        let body: Vec<(usize, &super::Unit<'_>)> = self
            .units
            .iter()
            .enumerate()
            .filter(|(_, u)| !u.text.as_str().trim().is_empty())
            .collect();
        let Some(&(title, _)) = body.first() else {
            return Genre::Script;
        };
        let labelled = body.iter().filter(|(_, u)| u.speaker.is_some()).count();
        let agent_speaks = body.iter().any(|(_, u)| {
            u.speaker
                .is_some_and(|s| sides[s] == Some(LabelKind::Agent))
        });
        // A few labelled lines in a long text do not make it a dialogue.
        let dialogue = labelled >= 2 && agent_speaks && labelled * 5 >= body.len();
        // A title is a short unlabelled first line over a body of text,
        // not the header row of a table ("日期    时间    内容摘要").
        let title_unit = &self.units[title];
        let title_reports = body.len() >= 3
            && title_unit.speaker.is_none()
            && !super::labels::is_aligned_row(title_unit.text.as_str())
            && title_unit.text.as_str().width() <= 90
            && cues[title].has(Cue::Reports)
            && !cues[title].has(Cue::ForbiddenSection);
        let debtor_voices = body
            .iter()
            .filter(|(i, u)| {
                cues[*i].has(Cue::DebtorVoice)
                    && u.speaker.is_none_or(|s| sides[s] != Some(LabelKind::Agent))
            })
            .count();
        let stamped = body.iter().filter(|(_, u)| u.stamp.is_some()).count();
        // A single stamped entry of a contact ("23:40 致电本人，未接") is a
        // log of one entry.
        let one_entry = body.len() == 1 && stamped == 1 && cues[title].has(Cue::ContactAttempt);
        let log = (stamped * 3 >= body.len() && stamped >= 2) || one_entry;
        // A debtor's own account: debtor talk in a good share of a text
        // that is neither a dialogue nor a log (where an agent may quote a
        // debtor).
        let told_by_debtor = debtor_voices >= 1 && debtor_voices * 10 >= body.len();
        // News, a forum thread or a complaint letter says so in its first
        // lines more than once ("本报讯（记者…）", "楼主：", "投诉人：").
        let head_reports = !dialogue
            && !cues[title].has(Cue::Recommends)
            && body
                .iter()
                .take(3)
                .filter(|(i, _)| cues[*i].has(Cue::Reports) && !cues[*i].has(Cue::ForbiddenSection))
                .count()
                >= 2;
        // A dialogue under a reporting title is the call itself ("【录音整理稿】…
        // 整理人：质检组") unless other lines report on it too ("复核意见：…").
        let reporting = body
            .iter()
            .filter(|(i, _)| cues[*i].has(Cue::Reports))
            .count();
        let quotes_dialogue = title_reports && (!dialogue || reporting >= 2);
        // A line on its own that says what it is ("报道：…", "网友：…").
        let labelled_report = body.len() == 1 && cues[title].has(Cue::ReportLabel);
        if quotes_dialogue
            || head_reports
            || labelled_report
            || (told_by_debtor && !dialogue && !log)
        {
            return Genre::Report;
        }
        if dialogue {
            let timed = self.speakers.iter().any(|s| s.timed);
            let spaced = body
                .iter()
                .filter(|(_, u)| is_spaced_out(u.text.as_str()))
                .count();
            return if timed {
                Genre::ChatLog
            } else if spaced * 3 >= labelled {
                Genre::AsrTranscript
            } else {
                Genre::Transcript
            };
        }
        if log {
            return Genre::CallLog;
        }
        let sms = body
            .iter()
            .filter(|(_, u)| u.text.as_str().trim_start().starts_with('【'))
            .count();
        if sms * 2 >= body.len() && sms >= 1 {
            return Genre::ChatLog;
        }
        let prose = body
            .iter()
            .filter(|(_, u)| !u.heading && u.text.as_str().width() >= 60)
            .count();
        if prose * 5 >= body.len() * 2 {
            Genre::Training
        } else {
            Genre::Script
        }
    }
}

/// The role a heading gives its section.
fn section_role(heading: Cues) -> SectionRole {
    if heading.has(Cue::ForbiddenSection) {
        SectionRole::ForbiddenExamples
    } else if heading.has(Cue::ThirdPartySection) {
        SectionRole::ThirdParty
    } else {
        SectionRole::Prescribed
    }
}

/// Whether `text` looks like ASR output: most CJK characters stand
/// between spaces.
fn is_spaced_out(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let cjk = chars.iter().filter(|c| is_cjk(**c)).count();
    let spaced = chars
        .windows(3)
        .filter(|w| is_cjk(w[0]) && w[1] == ' ' && is_cjk(w[2]))
        .count();
    cjk >= 6 && spaced * 4 >= cjk
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Follows the addressee through a document.
///
/// - In a **dialogue** the listener is one person for a stretch of the
///   call: a callee's label (联系人, 家属) or own words ("我是他同事"), or
///   the agent's words ("您是他父亲吧"), mark a third party until the
///   debtor is on the line (a debtor label after a third-party one, "是我").
/// - Elsewhere every line stands alone: the agent's words mark only their
///   own line, and a section headed for third parties covers the lines
///   under it.
#[derive(Debug)]
struct AddresseeTracker {
    dialogue: bool,
    /// The chat is the collectors' own: its members are no third parties.
    team: bool,
    conversation: Option<Addressee>,
    /// The chat has shown it is held in a group: no one's words make the
    /// debtor the only reader again.
    group: bool,
    /// The label of the last callee line, to notice a change of callee.
    last_callee_label: Option<LabelKind>,
}

impl AddresseeTracker {
    fn new(dialogue: bool, team: bool) -> AddresseeTracker {
        AddresseeTracker {
            dialogue,
            team,
            conversation: None,
            group: false,
            last_callee_label: None,
        }
    }

    /// Updates the state with one unit and returns its addressee.
    fn observe(
        &mut self,
        role: Role,
        label: Option<LabelKind>,
        in_third_party_section: Option<bool>,
        cues: Cues,
    ) -> Addressee {
        if !self.dialogue {
            return if in_third_party_section == Some(true)
                || cues.has(Cue::AgentAddressesThirdParty)
            {
                Addressee::ThirdParty
            } else {
                Addressee::Unknown
            };
        }
        // The line that says so (a title, a system message) is no post.
        let in_group = self.group;
        self.group |= cues.has(Cue::GroupChat) && !self.team;
        if in_group {
            return Addressee::ThirdParty;
        }
        match role {
            Role::Customer => {
                // A debtor label after a third-party one means the debtor
                // came to the phone; otherwise a debtor label is weaker than
                // the callee's own words ("客户：我是他妈妈").
                let new_callee = label.is_some() && label != self.last_callee_label;
                if label.is_some() {
                    self.last_callee_label = label;
                }
                if label == Some(LabelKind::ThirdParty) || cues.has(Cue::CalleeIsThirdParty) {
                    self.conversation = Some(Addressee::ThirdParty);
                } else if cues.has(Cue::CalleeIsDebtor)
                    || (label == Some(LabelKind::Debtor)
                        && (new_callee || self.conversation != Some(Addressee::ThirdParty)))
                {
                    self.conversation = Some(Addressee::Debtor);
                }
            }
            Role::Agent | Role::Unknown => {
                if cues.has(Cue::AgentAddressesThirdParty) {
                    self.conversation = Some(Addressee::ThirdParty);
                }
            }
        }
        self.conversation.unwrap_or(Addressee::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_keys_round_trip() {
        for cue in Cue::ALL {
            assert_eq!(Cue::from_key(cue.key()), Some(cue));
        }
    }

    #[test]
    fn asr_spacing_is_recognised() {
        assert!(is_spaced_out("我 这边 是 那个 区 发院 执行 局 的"));
        assert!(!is_spaced_out("我这边是区法院执行局的，工号 123"));
    }
}
