//! Bytes to text. (placeholder: being written.)

use encoding_rs::Encoding;

/// The result of decoding one input.
#[derive(Debug)]
pub enum Decoded {
    /// Text, with the name of the encoding it was decoded from.
    Text {
        /// Decoded text without any byte-order mark.
        text: String,
        /// e.g. `UTF-8`, `UTF-16LE`, `GB18030`.
        encoding: &'static str,
    },
    /// The bytes look like a binary file; it is skipped.
    Binary,
}

/// Why bytes could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("cannot decode as {encoding} at byte offset {offset}")]
pub struct DecodeError {
    /// Byte offset of the first undecodable sequence.
    pub offset: usize,
    /// The encoding that was tried last.
    pub encoding: &'static str,
}

/// Decodes `bytes`, detecting the encoding unless `forced` names one.
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, DecodeError> {
    let _ = (bytes, forced);
    unimplemented!("being written")
}
