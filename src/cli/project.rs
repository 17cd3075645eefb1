//! The checking setup of one configuration: the configuration, its rules as
//! configured, and the review of each file's findings (per-file ignores,
//! inline suppressions) before they are reported. Which project governs
//! which input is decided in [`super::projects`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use hegui::baseline::rule_set_hash;
use hegui::config::{self, Config, Selector, is_selected};
use hegui::document::{Addressee, Genre, Role};
use hegui::engine::Checker;
use hegui::finding::{Finding, RuleInfo};
use hegui::report::FileReport;
use hegui::rules::{RuleSet, RuleSetBuilder};
use hegui::source::SourceFile;
use hegui::suppress::{self, RuleStatus};

use super::args::{ConfigArgs, RulesArgs, SelectArgs};

/// Everything a run needs to check and review files.
pub struct Project {
    /// The configuration in force (the defaults when none was found).
    pub config: Config,
    /// The current directory, which relative inputs are resolved against.
    pub cwd: PathBuf,
    /// The selected rules, with severity overrides applied.
    pub checker: Checker,
    /// [`rule_set_hash`] of the selected rules.
    pub rules_hash: String,
    /// Every loaded rule, selected or not, including the suppression
    /// diagnostics, after severity overrides.
    known: Vec<Arc<RuleInfo>>,
    /// The unused-suppression diagnostic, when selected.
    unused: Option<Arc<RuleInfo>>,
    /// The invalid-suppression diagnostic, when selected.
    invalid: Option<Arc<RuleInfo>>,
    /// The unused-`per-file-ignores`-entry diagnostic, when selected.
    unused_ignore: Option<Arc<RuleInfo>>,
    /// How each `per-file-ignores` entry was used by the files checked.
    ignore_use: Vec<EntryUse>,
}

/// Whether a `per-file-ignores` entry matched a checked file, and whether it
/// waived a finding there; set while files are checked in parallel.
#[derive(Debug, Default)]
struct EntryUse {
    matched: AtomicBool,
    waived: AtomicBool,
}

/// Finds the configuration file of `args` (from `cwd` upwards unless named
/// or `--isolated`), if any, and loads it.
pub fn load_config(args: &ConfigArgs, cwd: &Path) -> anyhow::Result<Config> {
    let path = if args.isolated {
        None
    } else if let Some(path) = &args.config {
        Some(path.clone())
    } else {
        config::discover(cwd).map(|path| shown(&path, cwd))
    };
    match path {
        Some(path) => Ok(Config::load(&path)?),
        None => Ok(Config::default()),
    }
}

/// Absolute `path` as users see it: relative to `cwd` (with `..` when it
/// lies above), or absolute when the two share only the root.
pub fn shown(path: &Path, cwd: &Path) -> PathBuf {
    let common = path
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common <= 1 {
        return path.to_path_buf();
    }
    let mut shown: PathBuf = cwd.components().skip(common).map(|_| "..").collect();
    shown.extend(path.components().skip(common));
    shown
}

impl Project {
    /// The project of the current directory: the configuration of
    /// `config_args` (see [`load_config`]) with the rules of `rules_args`.
    pub fn new(
        rules_args: &RulesArgs,
        config_args: &ConfigArgs,
        select_args: &SelectArgs,
    ) -> anyhow::Result<Project> {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let config = load_config(config_args, &cwd)?;
        Project::with_config(config, cwd, rules_args, select_args)
    }

    /// Loads the rules for `config` and applies its selection, severities
    /// and speaker labels, then the command line's selection.
    pub fn with_config(
        config: Config,
        cwd: PathBuf,
        rules_args: &RulesArgs,
        select_args: &SelectArgs,
    ) -> anyhow::Result<Project> {
        let mut rules = load_rules(rules_args, &config.rules)?;
        let labels = &mut rules.labels;
        labels.agent.extend(config.speakers.agent.iter().cloned());
        labels
            .debtor
            .extend(config.speakers.customer.iter().cloned());
        labels
            .third_party
            .extend(config.speakers.third_party.iter().cloned());

        let mut diagnostics = suppress::rules().to_vec();
        for rule in &mut rules.rules {
            if let Some(&severity) = config.severity.get(&rule.info.id) {
                let mut info = (*rule.info).clone();
                info.severity = severity;
                rule.info = Arc::new(info);
            }
        }
        for info in &mut diagnostics {
            if let Some(&severity) = config.severity.get(&info.id) {
                info.severity = severity;
            }
        }
        let mut known: Vec<Arc<RuleInfo>> = rules.rules.iter().map(|r| r.info.clone()).collect();
        known.extend(diagnostics.into_iter().map(Arc::new));
        for id in config.severity.keys() {
            if !known.iter().any(|info| &info.id == id) {
                bail!("{}: [severity]: unknown rule `{id}`", config_name(&config));
            }
        }

        let select = if select_args.select.is_empty() {
            config.select.clone()
        } else {
            parse_selectors("--select", &select_args.select)?
        };
        let mut ignore = config.ignore.clone();
        ignore.extend(parse_selectors("--ignore", &select_args.ignore)?);
        let named = select
            .iter()
            .chain(&ignore)
            .chain(config.per_file_ignores.iter().flat_map(|p| &p.rules));
        for selector in named {
            if !known.iter().any(|info| selector.matches(info)) {
                bail!("no rule matches `{selector}` (see `hegui rules`)");
            }
        }
        rules
            .rules
            .retain(|rule| is_selected(&rule.info, &select, &ignore));
        let diagnostic = |id: &str| {
            known
                .iter()
                .find(|info| info.id == id && is_selected(info, &select, &ignore))
                .cloned()
        };
        Ok(Project {
            unused: diagnostic(suppress::UNUSED),
            invalid: diagnostic(suppress::INVALID),
            unused_ignore: diagnostic(suppress::UNUSED_FILE_IGNORE),
            ignore_use: config
                .per_file_ignores
                .iter()
                .map(|_| EntryUse::default())
                .collect(),
            rules_hash: rule_set_hash(&rules),
            checker: Checker::new(rules),
            known,
            config,
            cwd,
        })
    }

    /// The selected rules, as configured. The suppression diagnostics are
    /// not among them (`hegui explain HG-S001` describes them); reporters
    /// describe them when they fire.
    pub fn rule_infos(&self) -> Vec<Arc<RuleInfo>> {
        self.checker
            .rules()
            .rules
            .iter()
            .map(|r| r.info.clone())
            .collect()
    }

    /// Whether a file found in a directory is checked (`include`, `exclude`).
    pub fn admits(&self, path: &Path) -> bool {
        self.config.admits(path, &self.cwd)
    }

    /// Checks `source` and reviews its findings: drops those waived by
    /// `per-file-ignores` and inline directives, and appends the problems
    /// with directives; `genre`, or the configuration's `[[genres]]`, overrides
    /// the inferred genre. Records which `per-file-ignores` entries matched
    /// the file and which waived something, for [`unused_ignores`](Self::unused_ignores).
    pub fn check(&self, source: &SourceFile, genre: Option<Genre>) -> Vec<Finding> {
        let on_disk = source.path != "-";
        let entries = if on_disk {
            self.config.ignores_for(Path::new(&source.path), &self.cwd)
        } else {
            Vec::new()
        };
        let genre = genre.or_else(|| {
            on_disk
                .then(|| self.config.genre_for(Path::new(&source.path), &self.cwd))
                .flatten()
        });
        for &entry in &entries {
            self.ignore_use[entry]
                .matched
                .store(true, Ordering::Relaxed);
        }
        let waived = |finding: &Finding| {
            let mut waived = false;
            for &entry in &entries {
                let selectors = &self.config.per_file_ignores[entry].rules;
                if selectors.iter().any(|s| s.matches(&finding.rule)) {
                    self.ignore_use[entry].waived.store(true, Ordering::Relaxed);
                    waived = true;
                }
            }
            waived
        };
        let mut findings = self.checker.check_as(source, genre);
        findings.retain(|f| !waived(f));
        let outcome = suppress::apply(
            source,
            findings,
            self,
            self.unused.as_ref(),
            self.invalid.as_ref(),
        );
        let mut findings = outcome.kept;
        findings.extend(outcome.problems.into_iter().filter(|f| !waived(f)));
        findings
    }

    /// The `per-file-ignores` entries that matched a file [`check`](Self::check)ed
    /// but waived nothing in any, as findings at their `path` values in the
    /// configuration file; entries naming no running rule are left out, as
    /// are entries that matched no checked file. `None` when there are no
    /// such entries or the diagnostic is not selected. Only meaningful once
    /// every input has been checked.
    pub fn unused_ignores(&self) -> Option<FileReport> {
        let rule = self.unused_ignore.as_ref()?;
        let path = self.config.path.as_ref()?;
        let source = SourceFile::new(
            path.display().to_string(),
            self.config.text.clone(),
            "UTF-8",
        );
        let findings: Vec<Finding> = self
            .config
            .per_file_ignores
            .iter()
            .zip(&self.ignore_use)
            .filter(|(entry, used)| {
                used.matched.load(Ordering::Relaxed)
                    && !used.waived.load(Ordering::Relaxed)
                    && entry.rules.iter().any(|s| self.runs(s))
            })
            .map(|(entry, _)| Finding {
                rule: Arc::clone(rule),
                span: entry.span.clone(),
                start: source.position(entry.span.start),
                end: source.position(entry.span.end),
                speaker: Role::Unknown,
                addressee: Addressee::Unknown,
                matched: vec![entry.glob.clone()],
                context: None,
            })
            .collect();
        (!findings.is_empty()).then_some(FileReport {
            source,
            findings,
            rules_hash: None,
        })
    }
}

impl RuleStatus for Project {
    fn exists(&self, selector: &Selector) -> bool {
        self.known.iter().any(|info| selector.matches(info))
    }

    fn runs(&self, selector: &Selector) -> bool {
        self.checker
            .rules()
            .rules
            .iter()
            .any(|rule| selector.matches(&rule.info))
    }
}

/// Loads the built-in rules (unless excluded), then the configuration's
/// rule directories, then every `--rules` directory.
pub fn load_rules(args: &RulesArgs, config_dirs: &[PathBuf]) -> anyhow::Result<RuleSet> {
    let mut builder = if args.no_default_rules {
        RuleSetBuilder::without_builtin_rules()
    } else {
        RuleSetBuilder::new()
    };
    for dir in config_dirs.iter().chain(&args.rules) {
        builder.add_dir(dir);
    }
    builder
        .build()
        .map_err(|errors| anyhow::anyhow!("rule files have errors:\n{errors}"))
}

fn parse_selectors(option: &str, list: &[String]) -> anyhow::Result<Vec<Selector>> {
    list.iter()
        .map(|s| Selector::parse(s).map_err(|m| anyhow::anyhow!("{option}: {m}")))
        .collect()
}

fn config_name(config: &Config) -> String {
    config
        .path
        .as_ref()
        .map_or_else(|| "configuration".to_string(), |p| p.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_relative_to_the_current_directory() {
        let cwd = Path::new("/repo/sub");
        let shown = |path: &str| shown(Path::new(path), cwd);
        assert_eq!(shown("/repo/sub/hegui.toml"), Path::new("hegui.toml"));
        assert_eq!(shown("/repo/sub/a/hegui.toml"), Path::new("a/hegui.toml"));
        assert_eq!(shown("/repo/hegui.toml"), Path::new("../hegui.toml"));
        assert_eq!(shown("/repo/b/hegui.toml"), Path::new("../b/hegui.toml"));
        assert_eq!(
            shown("/elsewhere/hegui.toml"),
            Path::new("/elsewhere/hegui.toml")
        );
    }
}
