//! `hegui check`: find inputs, check them in parallel, report in input order.

use std::io::{IsTerminal, Write};

use anyhow::bail;
use hegui::decode::encoding_for_label;
use hegui::engine::Checker;
use hegui::report::{FileReport, Format, ReportOptions, write_report, write_statistics};
use rayon::prelude::*;

use super::args::{CheckArgs, ColorChoice};
use super::inputs::{Loaded, discover, load};
use super::{EXIT_ERROR, EXIT_FINDINGS, load_rules};

/// Runs `hegui check`; returns the exit code.
pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let encoding = match &args.encoding {
        Some(label) => match encoding_for_label(label) {
            Some(encoding) => Some(encoding),
            None => bail!("unknown encoding `{label}`"),
        },
        None => None,
    };
    let checker = Checker::new(load_rules(&args.rules)?);

    let mut errors = Vec::new();
    let inputs = discover(&args.paths, &args.globs, &mut errors)?;
    let loaded: Vec<Loaded> = inputs
        .par_iter()
        .map(|input| load(input, encoding))
        .collect();

    let mut sources = Vec::new();
    for item in loaded {
        match item {
            Loaded::Text(source) => sources.push(source),
            Loaded::Binary(path) => eprintln!("hegui: note: skipped binary file {path}"),
            Loaded::Failed(error) => errors.push(error),
        }
    }
    let reports: Vec<FileReport> = sources
        .into_par_iter()
        .map(|source| FileReport {
            findings: checker.check(&source),
            source,
        })
        .collect();

    let options = ReportOptions {
        color: use_color(args.color),
        explain: args.explain,
        rules: checker
            .rules()
            .rules
            .iter()
            .map(|r| r.info.clone())
            .collect(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if args.statistics {
        write_statistics(&mut out, &reports)
    } else {
        write_report(&mut out, args.format, &reports, &errors, &options)
    }
    .and_then(|()| out.flush());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        bail!("cannot write output: {e}");
    }
    // The text report lists input errors itself; everything else leaves them
    // to standard error.
    if args.statistics || args.format != Format::Text {
        for error in &errors {
            eprintln!("hegui: error: {}: {}", error.path, error.message);
        }
    }

    let threshold = args.fail_on.threshold();
    let failing = reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.rule.severity >= threshold);
    Ok(if !errors.is_empty() {
        EXIT_ERROR
    } else if failing {
        EXIT_FINDINGS
    } else {
        0
    })
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}
