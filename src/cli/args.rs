//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hegui::document::Genre;
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
    Rules(RulesListArgs),
    /// Show a rule's message, legal basis, rewording and examples.
    Explain(ExplainArgs),
    /// Run every rule's examples (for teams writing their own rules).
    TestRules(RulesArgs),
    /// Audit call notes (CSV, JSONL, transcript folders) with metadata rules.
    Audit(super::audit::AuditArgs),
    /// Write a commented starter `hegui.toml` (never overwrites a file).
    Init(InitArgs),
    /// Retrain the built-in classifier from the data `rules/classifier.toml`
    /// names (run in the repository).
    TrainClassifier(TrainArgs),
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The training plan; the files it names are relative to its folder's parent.
    #[arg(long, value_name = "FILE", default_value = "rules/classifier.toml")]
    pub plan: PathBuf,
    /// Where to write the model.
    #[arg(long, value_name = "FILE", default_value = "rules/classifier.tsv")]
    pub out: PathBuf,
    /// Write nothing; fail if the model at `--out` is not what the plan yields.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(value_name = "FILE", default_value = "hegui.toml")]
    pub path: PathBuf,
}

/// Which configuration file applies.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Use this configuration file for every input instead of the
    /// `hegui.toml` or `.hegui.toml` nearest to each.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
}

/// Rule selection on the command line.
#[derive(Debug, Args)]
pub struct SelectArgs {
    /// Run only these rules: ids, id prefixes, categories or ALL
    /// (repeatable or comma-separated; replaces the configuration's `select`).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not run these rules (repeatable or comma-separated; added to the
    /// configuration's `ignore`).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RulesListArgs {
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub select: SelectArgs,

    /// Print only the hash of the loaded rule set (as in JSON and SARIF output).
    #[arg(long)]
    pub version_hash: bool,
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
    #[arg(required_unless_present = "trace")]
    pub id: Option<String>,
    /// Instead of a rule, show how a file is read: its genre, and for each
    /// unit (or those on LINE) its speaker, addressee, frame, section, the
    /// cues it matches and every rule that matched, reported or not.
    #[arg(long, value_name = "FILE[:LINE]", conflicts_with = "id")]
    pub trace: Option<String>,
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

    /// Read every input as this genre instead of inferring it (overrides
    /// `[[genres]]` in hegui.toml): transcript, asr_transcript, chat_log,
    /// call_log, script, training, report.
    #[arg(long, value_name = "GENRE", value_parser = parse_genre)]
    pub genre: Option<Genre>,

    /// Print only the number of findings per rule, most frequent first,
    /// instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Exit with 0 even when there are findings (errors still exit with 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Only check files changed since this git revision (and untracked files).
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,

    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in this baseline file instead of reporting.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    #[command(flatten)]
    pub select: SelectArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

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

/// A genre named on the command line.
fn parse_genre(name: &str) -> Result<Genre, String> {
    Genre::from_name(name).ok_or_else(|| {
        format!(
            "unknown genre `{name}`, expected one of {}",
            Genre::ALL.map(Genre::as_str).join(", ")
        )
    })
}
