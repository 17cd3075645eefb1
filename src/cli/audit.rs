//! `hegui audit`: nightly audit of call notes (CSV, JSONL, transcript folders).
//! (placeholder: being written.)

use clap::Args;
use std::path::PathBuf;

/// Arguments of `hegui audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Call-note files (CSV, JSONL) or directories of transcripts.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
}

/// Runs `hegui audit`; returns the exit code.
pub fn run(_args: &AuditArgs) -> anyhow::Result<u8> {
    anyhow::bail!("hegui audit is not implemented yet")
}
