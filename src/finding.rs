//! Findings: what a rule reports, where, and how seriously.
//!
//! A [`Finding`] always points into the *original* decoded text: its span is
//! a byte range of [`SourceFile::text`](crate::source::SourceFile::text) and
//! its positions are 1-based lines and 1-based columns counted in Unicode
//! scalar values, so they stay true after normalization and decoding.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::document::{Addressee, Frame, Genre, Role, SectionRole};

/// The six violation categories of GUIDELINES.md, plus further categories of
/// conduct that regulations forbid and that the six do not name on their own.
/// A line may carry a further category beside one of the six.
///
/// The serialized names are a public contract (JSON output, rule files).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Threats of violence or harm, stalking, intimidation.
    Threat,
    /// Insulting, humiliating, obscene or profane words.
    Insult,
    /// Claiming to be a court, police, government body or lawyer.
    Impersonation,
    /// Telling anyone but the debtor about the debt.
    ThirdPartyDisclosure,
    /// False or misleading statements of legal consequences.
    FalseClaim,
    /// Contact at night or without pause, occupying, posting notices.
    Harassment,
    /// Making the debt public: contact-list blasts, social media, notices.
    PublicizeDebt,
    /// Demanding payment from people who are not liable (父债子还).
    NonLiablePayment,
    /// Asking for repayment into a private account.
    PrivateAccount,
    /// Pushing the debtor to borrow elsewhere to repay (以贷养贷).
    InduceBorrowing,
    /// A script template that never states the agent's organisation and staff number.
    MissingIdentification,
    /// hegui's own diagnostics about inline suppression comments (unused, or
    /// missing a reason); not a kind of conduct, so rule files cannot use it.
    Suppression,
}

impl Category {
    /// The six categories of GUIDELINES.md, in the order used for summaries.
    pub const ALL: [Category; 6] = [
        Category::Threat,
        Category::Insult,
        Category::Impersonation,
        Category::ThirdPartyDisclosure,
        Category::FalseClaim,
        Category::Harassment,
    ];

    /// The further categories, reported beside the six.
    pub const FURTHER: [Category; 5] = [
        Category::PublicizeDebt,
        Category::NonLiablePayment,
        Category::PrivateAccount,
        Category::InduceBorrowing,
        Category::MissingIdentification,
    ];

    /// The stable machine name, as in JSON output and rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Threat => "threat",
            Category::Insult => "insult",
            Category::Impersonation => "impersonation",
            Category::ThirdPartyDisclosure => "third_party_disclosure",
            Category::FalseClaim => "false_claim",
            Category::Harassment => "harassment",
            Category::PublicizeDebt => "publicize_debt",
            Category::NonLiablePayment => "non_liable_payment",
            Category::PrivateAccount => "private_account",
            Category::InduceBorrowing => "induce_borrowing",
            Category::MissingIdentification => "missing_identification",
            Category::Suppression => "suppression",
        }
    }

    /// The Chinese name shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Category::Threat => "威胁恐吓",
            Category::Insult => "侮辱谩骂",
            Category::Impersonation => "冒充公检法/律师",
            Category::ThirdPartyDisclosure => "向第三方披露",
            Category::FalseClaim => "虚假法律后果",
            Category::Harassment => "骚扰",
            Category::PublicizeDebt => "公开债务信息",
            Category::NonLiablePayment => "向非债务人索款",
            Category::PrivateAccount => "要求转入私人账户",
            Category::InduceBorrowing => "诱导借新还旧",
            Category::MissingIdentification => "未表明身份",
            Category::Suppression => "豁免注释",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .chain(Category::FURTHER)
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown category `{s}`"))
    }
}

/// How serious a finding is; ordered so that `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look; never fails a run with the default `--fail-on`.
    Info,
    /// Likely non-compliant.
    Warning,
    /// Clearly non-compliant.
    Error,
}

impl Severity {
    /// The stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// What a rule says to a user, shared by all findings of that rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable identifier, e.g. `HG-T001`.
    pub id: String,
    /// The violation category.
    pub category: Category,
    /// Default severity.
    pub severity: Severity,
    /// Short Chinese title.
    pub title: String,
    /// Chinese explanation of what is wrong.
    pub message: String,
    /// Legal basis: instrument and article.
    pub basis: String,
    /// A compliant rewording.
    pub suggestion: String,
}

/// One non-compliant passage.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The rule that fired.
    pub rule: Arc<RuleInfo>,
    /// Byte range in the original decoded text.
    pub span: Range<usize>,
    /// Where the span starts.
    pub start: Position,
    /// Where the span ends (exclusive column).
    pub end: Position,
    /// Who said it.
    pub speaker: Role,
    /// Who was being spoken to, as inferred from the context.
    pub addressee: Addressee,
    /// The normalized terms that made the rule fire, for `--explain`.
    pub matched: Vec<String>,
    /// How the document around the finding was read; `None` for findings
    /// about the project itself (configuration, suppressions).
    pub context: Option<Context>,
}

/// How the document around a finding was read: what kind of document,
/// what its section is for, and what the document does with the words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Context {
    /// The document's genre.
    pub genre: Genre,
    /// What the document does with the words: prescribes or performs them.
    pub frame: Frame,
    /// The role of the section the words are in.
    pub section: SectionRole,
}
