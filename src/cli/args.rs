//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hegui::finding::Severity;
use hegui::report::Format;

/// hegui（合规）：催收话术与通话记录合规检查
#[derive(Debug, Parser)]
#[command(name = "hegui", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check scripts and transcripts and report every non-compliant line.
    Check(CheckArgs),
    /// List the rules: id, category, severity, title.
    Rules(RulesArgs),
    /// Show a rule's message, legal basis, rewording and examples.
    Explain(ExplainArgs),
    /// Run every rule's examples (for teams writing their own rules).
    TestRules(RulesArgs),
    /// Audit call notes (CSV, JSONL, transcript folders) with metadata rules.
    Audit(super::audit::AuditArgs),
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Extra rule directory (*.toml); later ones override earlier rules of the same id.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Use only the rules of `--rules` directories, not the built-in rules
    /// (built-in speaker labels and shared lexicons stay available).
    #[arg(long)]
    pub no_default_rules: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. HG-T001.
    pub id: String,
    #[command(flatten)]
    pub rules: RulesArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input. Default: `.`
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// Force an input encoding (utf-8, utf-16le, utf-16be, gb18030, gbk) instead of detecting it.
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,

    /// Only check files in directories that match this glob (repeatable; `!` excludes).
    #[arg(long = "glob", short = 'g', value_name = "GLOB")]
    pub globs: Vec<String>,

    /// When to use colour in text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Show why each finding fired: the matched terms and the inferred addressee.
    #[arg(long)]
    pub explain: bool,

    /// Print only the number of findings per rule, most frequent first,
    /// instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    #[command(flatten)]
    pub rules: RulesArgs,
}

/// `--fail-on` levels.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    /// The lowest severity that fails the run.
    pub fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

/// `--color` choices.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
