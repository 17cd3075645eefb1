//! Who is being addressed: the debtor, a third party, or not known.
//!
//! Third-party disclosure depends on the listener, which a line rarely says
//! itself. The cues are rule data (`rules/context.toml`), evaluated like any
//! match; how long a cue holds depends on the kind of document:
//!
//! - In a **transcript** the listener is one person for a stretch of the
//!   call: a callee's label (联系人, 家属) or own words ("我是他同事"), or the
//!   agent's words ("您是他父亲吧"), mark a third party until the debtor is
//!   on the line (a debtor label after a third-party one, "是我").
//! - In a **script template** every line stands alone: the agent's words mark
//!   only their own line, and a section headed for third parties
//!   ("第三方联系话术") covers the lines under it.

use super::verdict::CueMatches;
use crate::rules::Addressee;
use crate::segment::{LabelKind, Role, Utterance};

/// Follows the addressee through one document.
#[derive(Debug)]
pub struct AddresseeTracker {
    is_transcript: bool,
    conversation: Option<Addressee>,
    /// The label of the last callee line, to notice a change of callee.
    last_callee_label: Option<LabelKind>,
}

impl AddresseeTracker {
    /// A tracker for a transcript (`true`) or a script template.
    pub fn new(is_transcript: bool) -> AddresseeTracker {
        AddresseeTracker {
            is_transcript,
            conversation: None,
            last_callee_label: None,
        }
    }

    /// Updates the state with one line and returns the addressee for it.
    ///
    /// `in_third_party_section` is whether the line's section heading is
    /// meant for third parties (`None` outside any section); `cues` are the
    /// context cues the line matches.
    pub fn observe(
        &mut self,
        utterance: &Utterance,
        in_third_party_section: Option<bool>,
        cues: CueMatches,
    ) -> Addressee {
        if !self.is_transcript {
            return if in_third_party_section == Some(true) || cues.agent_addresses_third_party {
                Addressee::ThirdParty
            } else {
                Addressee::Unknown
            };
        }
        match utterance.role {
            Role::Customer => {
                // A debtor label after a third-party one means the debtor
                // came to the phone; otherwise a debtor label is weaker than
                // the callee's own words ("客户：我是他妈妈").
                let new_callee =
                    utterance.label.is_some() && utterance.label != self.last_callee_label;
                if utterance.label.is_some() {
                    self.last_callee_label = utterance.label;
                }
                if utterance.label == Some(LabelKind::ThirdParty) || cues.callee_is_third_party {
                    self.conversation = Some(Addressee::ThirdParty);
                } else if cues.callee_is_debtor
                    || (utterance.label == Some(LabelKind::Debtor)
                        && (new_callee || self.conversation != Some(Addressee::ThirdParty)))
                {
                    self.conversation = Some(Addressee::Debtor);
                }
            }
            Role::Agent | Role::Unknown => {
                if cues.agent_addresses_third_party {
                    self.conversation = Some(Addressee::ThirdParty);
                }
            }
        }
        self.conversation.unwrap_or(Addressee::Unknown)
    }
}
