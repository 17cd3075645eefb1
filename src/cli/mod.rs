//! Command-line glue: parse arguments, run a command, choose the exit code.
//!
//! Exit codes: 0 no findings at or above `--fail-on`; 1 findings; 2 usage,
//! rule-file or I/O errors (after every other input has been checked).

mod args;
mod audit;
mod check;
mod inputs;
mod rules_cmd;

use std::process::ExitCode;

use clap::Parser;

use self::args::{Cli, Command};
use hegui::rules::{RuleSet, RuleSetBuilder};

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
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rules(args) => rules_cmd::list(&args),
        Command::Explain(args) => rules_cmd::explain(&args),
        Command::TestRules(args) => rules_cmd::test_rules(&args),
        Command::Audit(args) => audit::run(&args),
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
    let mut builder = if args.no_default_rules {
        RuleSetBuilder::without_builtin_rules()
    } else {
        RuleSetBuilder::new()
    };
    for dir in &args.rules {
        builder.add_dir(dir);
    }
    builder
        .build()
        .map_err(|errors| anyhow::anyhow!("rule files have errors:\n{errors}"))
}
