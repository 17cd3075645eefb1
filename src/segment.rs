//! Lines and speaker turns.
//!
//! (placeholder: the segmenter is being written; only [`Role`] is final.)

use serde::Serialize;

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
