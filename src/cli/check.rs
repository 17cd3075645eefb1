//! `hegui check`: find inputs, check each in parallel under the
//! configuration that governs it, review the findings (configuration, inline
//! suppressions, baseline), report in input order, then report the
//! `per-file-ignores` entries that waived nothing (`HG-S003`) against their
//! configuration files. A `--changed-since` run checks only some files, so it
//! cannot tell an unused entry and does not report them.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, bail};
use hegui::baseline::Baseline;
use hegui::config::absolute;
use hegui::decode::encoding_for_label;
use hegui::report::{
    FileReport, Format, InputError, ReportOptions, write_report, write_statistics,
};
use rayon::prelude::*;

use super::args::{CheckArgs, ColorChoice};
use super::changed::changed_files;
use super::inputs::{Input, Loaded, discover, load};
use super::projects::Projects;
use super::{EXIT_ERROR, EXIT_FINDINGS};

/// Runs `hegui check`; returns the exit code.
pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let encoding = match &args.encoding {
        Some(label) => match encoding_for_label(label) {
            Some(encoding) => Some(encoding),
            None => bail!("unknown encoding `{label}`"),
        },
        None => None,
    };
    let mut projects = Projects::new(&args.rules, &args.config, &args.select)?;
    let baseline = args.baseline.as_deref().map(read_baseline).transpose()?;

    let mut errors = Vec::new();
    let mut inputs = discover(
        &args.paths,
        &args.globs,
        &mut |path| projects.admits(path),
        &mut errors,
    )?;
    if let Some(rev) = &args.changed_since {
        let cwd = &projects.primary().cwd;
        let changed = changed_files(rev, cwd)?;
        inputs.retain(|input| match input {
            Input::Stdin => true,
            Input::File(path) => changed.contains(&absolute(path, cwd)),
        });
    }
    let governing = inputs
        .iter()
        .map(|input| projects.governing(input))
        .collect::<anyhow::Result<Vec<usize>>>()?;
    let loaded: Vec<(usize, Loaded)> = inputs
        .par_iter()
        .zip(governing)
        .map(|(input, project)| (project, load(input, encoding)))
        .collect();

    let mut sources = Vec::new();
    for (project, item) in loaded {
        match item {
            Loaded::Text(source) => sources.push((project, source)),
            Loaded::Binary(path) => eprintln!("hegui: note: skipped binary file {path}"),
            Loaded::Failed(error) => errors.push(error),
        }
    }
    let used: HashSet<usize> = sources.iter().map(|&(project, _)| project).collect();
    let mut reports: Vec<FileReport> = sources
        .into_par_iter()
        .map(|(project, source)| FileReport {
            findings: projects.get(project).check(&source, args.genre),
            rules_hash: projects.distinct_hash(project),
            source,
        })
        .collect();
    if args.changed_since.is_none() {
        reports.extend(projects.unused_ignores());
    }

    let primary = projects.primary();
    if let Some(path) = &args.write_baseline {
        let files = reports.iter().map(|r| (&r.source, &r.findings[..]));
        let baseline = Baseline::of(files, &primary.rules_hash);
        let text = serde_json::to_string_pretty(&baseline)? + "\n";
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!(
            "hegui: wrote {} findings to baseline {}",
            baseline.findings.len(),
            path.display()
        );
        report_errors(&errors);
        return Ok(if errors.is_empty() { 0 } else { EXIT_ERROR });
    }
    let baseline_suppressed = baseline.map(|(path, baseline)| {
        let mut filter = baseline.filter();
        let mut waived = 0;
        for report in &mut reports {
            let findings = std::mem::take(&mut report.findings);
            let (kept, n) = filter.apply(&report.source, findings);
            report.findings = kept;
            waived += n;
        }
        eprintln!(
            "hegui: {waived} findings recorded in baseline {} not reported",
            path.display()
        );
        waived
    });

    let options = ReportOptions {
        color: use_color(args.color),
        explain: args.explain,
        rules: projects.rule_infos(&used),
        rules_hash: Some(primary.rules_hash.clone()),
        baseline_suppressed,
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
        report_errors(&errors);
    }

    let threshold = args.fail_on.threshold();
    let failing = reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.rule.severity >= threshold);
    Ok(if !errors.is_empty() {
        EXIT_ERROR
    } else if failing && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        0
    })
}

/// Reads a `--baseline` file; returns its path with it for messages.
fn read_baseline(path: &Path) -> anyhow::Result<(&Path, Baseline)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let baseline = Baseline::parse(&text)
        .map_err(|e| anyhow::anyhow!("{}: not a hegui baseline: {e}", path.display()))?;
    Ok((path, baseline))
}

fn report_errors(errors: &[InputError]) {
    for error in errors {
        eprintln!("hegui: error: {}: {}", error.path, error.message);
    }
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
