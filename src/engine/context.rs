//! Who is being addressed: the debtor, a third party, or not known.
//!
//! Third-party disclosure depends on the listener, which a line rarely says
//! itself. The tracker follows a conversation line by line: a callee's label
//! (联系人, 家属) or their own words ("我是他同事") mark a third party; the
//! agent's words ("您是他父亲吧") do too; a script section headed for third
//! parties ("第三方联系话术") covers the lines under it. The cues are rule
//! data (`rules/context.toml`), evaluated like any match.

use super::eval::{LineView, eval};
use crate::rules::{Addressee, ContextCues};
use crate::segment::{LabelKind, Role, Utterance};

/// Follows the addressee through one file.
#[derive(Debug, Default)]
pub struct AddresseeTracker {
    conversation: Option<Addressee>,
    /// The label of the last callee line, to notice a change of callee.
    last_callee_label: Option<LabelKind>,
}

impl AddresseeTracker {
    /// Updates the state with one line and returns the addressee for it.
    ///
    /// `in_third_party_section` is whether the line's section heading is
    /// meant for third parties (`None` outside any section).
    pub fn observe(
        &mut self,
        utterance: &Utterance,
        in_third_party_section: Option<bool>,
        line: &LineView<'_>,
        cues: &ContextCues,
    ) -> Addressee {
        let matches = |cue: &Option<crate::rules::Node>| {
            cue.as_ref().is_some_and(|node| eval(node, line).is_some())
        };
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
                if utterance.label == Some(LabelKind::ThirdParty)
                    || matches(&cues.callee_is_third_party)
                {
                    self.conversation = Some(Addressee::ThirdParty);
                } else if matches(&cues.callee_is_debtor)
                    || (utterance.label == Some(LabelKind::Debtor)
                        && (new_callee || self.conversation != Some(Addressee::ThirdParty)))
                {
                    self.conversation = Some(Addressee::Debtor);
                }
            }
            Role::Agent | Role::Unknown => {
                if matches(&cues.agent_addresses_third_party) {
                    self.conversation = Some(Addressee::ThirdParty);
                }
            }
        }
        match (self.conversation, in_third_party_section) {
            (Some(addressee), _) => addressee,
            (None, Some(true)) => Addressee::ThirdParty,
            (None, _) => Addressee::Unknown,
        }
    }
}
