//! `hegui audit`: the nightly audit of call notes (CSV, JSONL, transcript
//! folders). The work is [`hegui::audit::Auditor`]; this module maps flags to
//! options, draws the progress bar, prints errors and writes the outputs.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use hegui::audit::columns::{ColumnNames, FIELD_COUNT};
use hegui::audit::config::AuditConfig;
use hegui::audit::reader::discover;
use hegui::audit::record::RecordError;
use hegui::audit::summary::Summary;
use hegui::audit::{AuditOptions, Auditor, Observer, html, literal_terms};
use hegui::clock::QuietHours;
use hegui::decode::encoding_for_label;
use hegui::engine::Checker;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{ConfigArgs, RulesArgs};
use super::project::load_config;
use super::{EXIT_ERROR, EXIT_FINDINGS, load_rules};

/// Arguments of `hegui audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Call-note files (CSV, TSV, JSONL) or directories of transcripts.
    #[arg(value_name = "INPUT", required_unless_present = "dump_terms")]
    pub inputs: Vec<PathBuf>,

    /// Write findings.jsonl, summary.json and report.html into DIR (created
    /// if missing); without it, findings go to standard output as JSON Lines.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// Metadata-rule profile from rules/audit.toml: `default` (22:00–08:00,
    /// when neither this nor the configuration's `[audit]` names one) or
    /// `us` (21:00–08:00).
    #[arg(long)]
    pub profile: Option<String>,

    /// Override the profile's quiet hours, e.g. 22:00-08:00.
    #[arg(long, value_name = "HH:MM-HH:MM")]
    pub quiet_hours: Option<String>,

    /// Override the most connected calls to one debtor in a day.
    #[arg(long, value_name = "N")]
    pub max_connected: Option<u32>,

    /// Override the most unanswered attempts to one number in a day.
    #[arg(long, value_name = "N")]
    pub max_unanswered: Option<u32>,

    #[command(flatten)]
    pub columns: Box<ColumnArgs>,

    /// Keep phone, ID-card and bank-card numbers visible in excerpts.
    #[arg(long)]
    pub no_redact: bool,

    /// The configuration whose `[audit]` settings apply (options win).
    #[command(flatten)]
    pub config: ConfigArgs,

    /// Force the encoding of table fields and transcripts (default: UTF-8
    /// for tables, detection for transcripts).
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,

    /// Findings sampled for review in report.html.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub sample: usize,

    /// Most records in a block of input checked by one worker thread.
    #[arg(long, value_name = "N", default_value_t = 2048)]
    pub chunk_size: usize,

    /// Write every literal term of the text rules to FILE, one per line (the
    /// `rg -F -f` reference of the benchmark), then audit any inputs.
    #[arg(long, value_name = "FILE")]
    pub dump_terms: Option<PathBuf>,

    #[command(flatten)]
    pub rules: RulesArgs,
}

/// The `--*-col` flags: which CSV header or JSON key holds each field.
#[derive(Debug, Args)]
pub struct ColumnArgs {
    /// Column (CSV header or JSON key) of the record id.
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,
    /// Column of the note or transcript text.
    #[arg(long, value_name = "NAME")]
    pub text_col: Option<String>,
    /// Column of the agent id.
    #[arg(long, value_name = "NAME")]
    pub agent_col: Option<String>,
    /// Column of the debtor or case id.
    #[arg(long, value_name = "NAME")]
    pub debtor_col: Option<String>,
    /// Column of the call start time.
    #[arg(long, value_name = "NAME")]
    pub time_col: Option<String>,
    /// Column of the callee phone number.
    #[arg(long, value_name = "NAME")]
    pub phone_col: Option<String>,
    /// Column of the contact relation (本人, 配偶, 同事, …).
    #[arg(long, value_name = "NAME")]
    pub relation_col: Option<String>,
    /// Column of the connected flag.
    #[arg(long, value_name = "NAME")]
    pub connected_col: Option<String>,
}

/// Runs `hegui audit`; returns the exit code.
pub fn run(args: &AuditArgs) -> anyhow::Result<u8> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let settings = load_config(&args.config, &cwd)?.audit;
    let config = AuditConfig::builtin();
    let name = args
        .profile
        .as_deref()
        .or(settings.profile.as_deref())
        .unwrap_or("default");
    let mut profile = config.profile(name).map_err(anyhow::Error::msg)?;
    if let Some(text) = args.quiet_hours.as_ref().or(settings.quiet_hours.as_ref()) {
        profile.quiet_hours = QuietHours::parse(text)
            .with_context(|| format!("bad --quiet-hours `{text}` (expected HH:MM-HH:MM)"))?;
    }
    if let Some(n) = args.max_connected.or(settings.max_connected) {
        profile.max_connected = n;
    }
    if let Some(n) = args.max_unanswered.or(settings.max_unanswered) {
        profile.max_unanswered = n;
    }
    let encoding = match &args.encoding {
        Some(label) => match encoding_for_label(label) {
            Some(encoding) => Some(encoding),
            None => bail!("unknown encoding `{label}`"),
        },
        None => None,
    };
    let overrides: [Option<String>; FIELD_COUNT] = [
        args.columns.id_col.clone(),
        args.columns.text_col.clone(),
        args.columns.agent_col.clone(),
        args.columns.debtor_col.clone(),
        args.columns.time_col.clone(),
        args.columns.phone_col.clone(),
        args.columns.relation_col.clone(),
        args.columns.connected_col.clone(),
    ];
    let checker = Checker::new(load_rules(&args.rules)?);
    if let Some(path) = &args.dump_terms {
        let mut text = literal_terms(checker.rules()).join("\n");
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        if args.inputs.is_empty() {
            return Ok(0);
        }
    }
    let quiet = profile.quiet_hours;
    let options = AuditOptions {
        names: ColumnNames::new(&config.columns, &overrides),
        profile,
        encoding,
        redact: !args.no_redact,
        block_records: args.chunk_size,
        sample: args.sample,
    };
    let auditor = Auditor::new(checker, config, options).map_err(anyhow::Error::msg)?;

    let inputs = discover(&args.inputs);
    let total: u64 = inputs.iter().map(|i| i.size).sum();
    let mut observer = CliObserver::new(total);
    let summary = match &args.output_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let path = dir.join("findings.jsonl");
            let file =
                create_fresh(&path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::with_capacity(1 << 16, file);
            let summary = auditor
                .run(&inputs, &mut out, &mut observer)
                .and_then(|s| out.flush().map(|()| s))
                .with_context(|| format!("cannot write {}", path.display()))?;
            write_reports(dir, &summary, quiet)?;
            summary
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout);
            auditor
                .run(&inputs, &mut out, &mut observer)
                .and_then(|s| out.flush().map(|()| s))
                .context("cannot write findings")?
        }
    };
    observer.finish(&summary);

    Ok(if summary.has_failures() {
        EXIT_ERROR
    } else if summary.totals.findings > 0 {
        EXIT_FINDINGS
    } else {
        0
    })
}

/// Creates the file at `path`, removing any file already there first.
///
/// Not truncated in place: ext4 writes a file that was truncated and
/// written again out to disk when it is closed (its `auto_da_alloc`
/// safeguard for replaced files), so closing hundreds of megabytes of
/// findings would wait for the disk.
fn create_fresh(path: &Path) -> std::io::Result<File> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    File::create(path)
}

/// Writes summary.json and report.html into `dir`.
fn write_reports(dir: &Path, summary: &Summary, quiet: QuietHours) -> anyhow::Result<()> {
    let path = dir.join("summary.json");
    let mut json = serde_json::to_string_pretty(summary)?;
    json.push('\n');
    std::fs::write(&path, json).with_context(|| format!("cannot write {}", path.display()))?;
    let path = dir.join("report.html");
    std::fs::write(&path, html::render(summary, quiet))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Progress bar on a terminal, errors on standard error.
struct CliObserver {
    bar: Option<ProgressBar>,
}

impl CliObserver {
    fn new(total: u64) -> CliObserver {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, 剩余 {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        CliObserver { bar }
    }

    fn say(&self, line: String) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    fn finish(self, summary: &Summary) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
            let t = &summary.totals;
            eprintln!(
                "hegui: {} records read: {} checked, {} skipped, {} failed; {} findings",
                t.read, t.checked, t.skipped, t.failed, t.findings
            );
        }
    }
}

impl Observer for CliObserver {
    fn progress(&mut self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn record_failed(&mut self, error: &RecordError) {
        self.say(format!(
            "hegui: error: {}:{}: {}: {}",
            error.path,
            error.row,
            error.kind.as_str(),
            error.message
        ));
    }

    fn input_failed(&mut self, path: &str, message: &str) {
        self.say(format!("hegui: error: {path}: {message}"));
    }
}
