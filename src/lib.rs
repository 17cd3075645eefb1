//! hegui (合规) checks Chinese debt-collection scripts, transcripts and call
//! notes against collection-conduct regulations.
//!
//! The pipeline, one module a stage:
//!
//! ```text
//! bytes ─ decode ─▶ SourceFile ─ document (labels, layout, turns) ─▶ units
//!       ─ normalize ─▶ NormText + offset map ─ engine (prefilter, tokens,
//!       rules, cues) ─ document reading (genre, sections, speakers,
//!       addressee, frame) ─▶ Finding (span in the original) ─ report
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
pub mod classifier;
pub mod clock;
pub mod config;
pub mod decode;
pub mod document;
pub mod engine;
pub mod examples;
pub mod finding;
pub mod memo;
pub mod normalize;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
