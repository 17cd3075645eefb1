//! Command-line glue: parse arguments, run a command, choose the exit code.
//!
//! Exit codes: 0 no findings at or above `--fail-on`; 1 findings; 2 usage,
//! configuration, rule-file or I/O errors (after every other input has been
//! checked).

mod args;
mod audit;
mod changed;
mod check;
mod init;
mod inputs;
mod project;
mod projects;
mod rules_cmd;
mod train;

use std::process::ExitCode;

use clap::Parser;

use self::args::{Cli, Command};
use hegui::rules::RuleSet;

/// Exit code for findings.
const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage, rule-file and I/O errors.
const EXIT_ERROR: u8 = 2;

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if matches!(
        cli.command,
        Command::Check(_) | Command::Audit(_) | Command::TestRules(_)
    ) {
        // Detached: the first line checked waits for it if need be.
        std::thread::spawn(hegui::engine::load_tokenizer);
    }
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rules(args) => rules_cmd::list(&args),
        Command::Explain(args) => rules_cmd::explain(&args),
        Command::TestRules(args) => rules_cmd::test_rules(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Init(args) => init::run(&args),
        Command::TrainClassifier(args) => train::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("hegui: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Loads the built-in rules (unless excluded) plus every `--rules` directory.
fn load_rules(args: &args::RulesArgs) -> anyhow::Result<RuleSet> {
    project::load_rules(args, &[])
}
