//! hegui (合规) checks Chinese debt-collection scripts, transcripts and call
//! notes against collection-conduct regulations.
//!
//! The pipeline, one module a stage:
//!
//! ```text
//! bytes ─ decode ─▶ SourceFile ─ segment ─▶ utterances (speaker, section)
//!       ─ normalize ─▶ NormText + offset map ─ engine (prefilter, tokens,
//!       rules, context) ─▶ Finding (span in the original) ─ report
//! ```
//!
//! Then [`suppress`] (inline comments), [`config`] (`hegui.toml`:
//! selection, severities, per-file ignores) and [`baseline`] (accepted
//! findings) decide which findings are reported.
//!
//! Every stage but reading files and printing is a pure function; the library
//! never prints and never exits.

pub mod audit;
pub mod baseline;
pub mod config;
pub mod decode;
pub mod engine;
pub mod examples;
pub mod finding;
pub mod memo;
pub mod normalize;
pub mod report;
pub mod rules;
pub mod segment;
pub mod source;
pub mod suppress;
