//! Project configuration: `hegui.toml` (or `.hegui.toml`).
//!
//! A [`Config`] says which rules run ([`Selector`]s in `select` and
//! `ignore`), at which severity, with which extra rule directories and
//! speaker labels, which files are checked (`include`, `exclude`), which
//! rules are waived for which files and why (`per-file-ignores`), and the
//! audit's quiet-hours settings. Keys are kebab-case; an unknown key is an
//! error that names the file, line and key, so a typo never silently turns a
//! setting off. Paths and globs are relative to the file's directory.
//!
//! [`discover`] finds the file governing a directory by walking up from it;
//! the CLI asks for each input's directory (the nearest file wins, files are
//! never merged).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::audit::config::AuditConfig;
use crate::clock::QuietHours;
use crate::document::Genre;
use crate::finding::{Category, RuleInfo, Severity};

/// File names looked for in each directory, in order.
pub const FILE_NAMES: [&str; 2] = ["hegui.toml", ".hegui.toml"];

/// The commented starter file written by `hegui init`; it parses to the
/// default configuration.
pub const STARTER: &str = include_str!("config_starter.toml");

/// A loaded, validated configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file it came from (`None` for the default configuration).
    pub path: Option<PathBuf>,
    /// The file's text, which findings about the file point into (empty
    /// for the default configuration).
    pub text: String,
    /// The directory relative paths and globs are resolved against.
    pub root: PathBuf,
    /// Rules to run; empty means all.
    pub select: Vec<Selector>,
    /// Rules not to run.
    pub ignore: Vec<Selector>,
    /// Severity overrides by rule id.
    pub severity: BTreeMap<String, Severity>,
    /// Extra rule directories, resolved against [`root`](Self::root).
    pub rules: Vec<PathBuf>,
    /// Extra speaker labels.
    pub speakers: Speakers,
    /// Files found in directories must match one of these (when any).
    pub include: Option<PathGlobs>,
    /// Files found in directories that match one of these are skipped.
    pub exclude: Option<PathGlobs>,
    /// Rules waived for some files, each with its reason.
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// The genre of matching files, instead of the inferred one: the first
    /// glob (in file order) that matches a file decides.
    pub genres: Vec<(PathGlobs, Genre)>,
    /// Settings used by `hegui audit`.
    pub audit: AuditSettings,
}

/// Which rules a `select`, `ignore` or suppression entry names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// Every rule (`ALL`).
    All,
    /// A whole category, e.g. `threat`.
    Category(Category),
    /// A rule id or an id prefix, e.g. `HG-T001` or `HG-T`.
    Rule(String),
}

impl Selector {
    /// Parses `ALL`, a category name or a rule id (prefix).
    pub fn parse(text: &str) -> Result<Selector, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(Selector::All);
        }
        if let Some(category) = category_named(text) {
            return Ok(Selector::Category(category));
        }
        let is_id = text.contains('-')
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if is_id {
            Ok(Selector::Rule(text.to_string()))
        } else {
            Err(format!(
                "`{text}` is neither a rule id (like HG-T001), a category nor ALL"
            ))
        }
    }

    /// Whether this selects `rule`.
    pub fn matches(&self, rule: &RuleInfo) -> bool {
        match self {
            Selector::All => true,
            Selector::Category(category) => rule.category == *category,
            Selector::Rule(prefix) => rule.id.starts_with(prefix.as_str()),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::All => f.write_str("ALL"),
            Selector::Category(category) => write!(f, "{category}"),
            Selector::Rule(id) => f.write_str(id),
        }
    }
}

/// The category of this name, including hegui's own `suppression` category.
fn category_named(text: &str) -> Option<Category> {
    if text == Category::Suppression.as_str() {
        Some(Category::Suppression)
    } else {
        text.parse().ok()
    }
}

/// Whether `rule` runs under `select` (empty: all) and `ignore`.
pub fn is_selected(rule: &RuleInfo, select: &[Selector], ignore: &[Selector]) -> bool {
    (select.is_empty() || select.iter().any(|s| s.matches(rule)))
        && !ignore.iter().any(|s| s.matches(rule))
}

/// Extra speaker labels, added to those of `rules/context.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Speakers {
    /// Labels of the agent side, e.g. `电` or `孙经理`.
    #[serde(default)]
    pub agent: Vec<String>,
    /// Labels of the debtor, e.g. `客` or `张`.
    #[serde(default)]
    pub customer: Vec<String>,
    /// Labels of callees who are not the debtor.
    #[serde(default)]
    pub third_party: Vec<String>,
}

/// Rules waived for the files matching a glob.
#[derive(Clone, Debug)]
pub struct PerFileIgnore {
    /// The glob, as written.
    pub glob: String,
    /// The files it matches.
    pub paths: PathGlobs,
    /// The waived rules.
    pub rules: Vec<Selector>,
    /// Why (mandatory).
    pub reason: String,
    /// Byte range of the `path` value in the file's text.
    pub span: Range<usize>,
}

/// Settings for `hegui audit`, validated here; command-line options win.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuditSettings {
    /// The metadata-rule profile of `rules/audit.toml` (`default`, `us`).
    pub profile: Option<String>,
    /// Quiet hours, `HH:MM-HH:MM`.
    pub quiet_hours: Option<String>,
    /// Most connected calls per debtor per day.
    pub max_connected: Option<u32>,
    /// Most unanswered calls per number per day.
    pub max_unanswered: Option<u32>,
}

/// Globs over paths relative to the configuration's directory. A glob
/// without `/` matches a file name at any depth; a glob matching a
/// directory matches everything under it.
#[derive(Clone, Debug)]
pub struct PathGlobs(GlobSet);

impl PathGlobs {
    /// Compiles `globs`.
    pub fn new(globs: &[String]) -> Result<PathGlobs, String> {
        let mut set = GlobSetBuilder::new();
        for glob in globs {
            let pattern = glob.trim_end_matches('/');
            let pattern = if pattern.contains('/') {
                pattern.trim_start_matches("./").to_string()
            } else {
                format!("**/{pattern}")
            };
            let compiled = GlobBuilder::new(&pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("invalid glob `{glob}`: {e}"))?;
            set.add(compiled);
        }
        set.build().map(PathGlobs).map_err(|e| e.to_string())
    }

    /// Whether `relative` (a `/`-separated path) or a directory above it matches.
    pub fn is_match(&self, relative: &str) -> bool {
        let mut path = relative;
        loop {
            if self.0.is_match(path) {
                return true;
            }
            match path.rfind('/') {
                Some(slash) => path = &path[..slash],
                None => return false,
            }
        }
    }
}

/// A configuration problem, located where the file allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub file: String,
    /// 1-based line and column, when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    #[serde(default)]
    rules: Vec<PathBuf>,
    #[serde(default)]
    speakers: Speakers,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    per_file_ignores: Vec<RawPerFileIgnore>,
    #[serde(default)]
    genres: Vec<RawGenre>,
    #[serde(default)]
    audit: AuditSettings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawGenre {
    path: String,
    genre: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPerFileIgnore {
    path: toml::Spanned<String>,
    rules: Vec<String>,
    reason: String,
}

impl Config {
    /// Reads and validates the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: file.clone(),
            position: None,
            message: format!("cannot read configuration: {e}"),
        })?;
        let root = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut config = Config::parse(&text, &file, root)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses and validates configuration `text` from `file`, whose
    /// relative paths are resolved against `root`.
    pub fn parse(text: &str, file: &str, root: PathBuf) -> Result<Config, ConfigError> {
        let error = |position, message: String| ConfigError {
            file: file.to_string(),
            position,
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let position = e.span().map(|span| line_column(text, span.start));
            error(position, e.message().trim().to_string())
        })?;
        let selectors = |key: &str, list: &[String]| -> Result<Vec<Selector>, ConfigError> {
            list.iter()
                .map(|s| Selector::parse(s).map_err(|m| error(None, format!("{key}: {m}"))))
                .collect()
        };
        let globs = |key: &str, list: &[String]| -> Result<Option<PathGlobs>, ConfigError> {
            if list.is_empty() {
                return Ok(None);
            }
            PathGlobs::new(list)
                .map(Some)
                .map_err(|m| error(None, format!("{key}: {m}")))
        };
        let mut per_file_ignores = Vec::new();
        for entry in &raw.per_file_ignores {
            let glob = entry.path.get_ref();
            if entry.reason.trim().is_empty() {
                let message = format!("per-file-ignores `{glob}`: the reason is empty");
                return Err(error(None, message));
            }
            per_file_ignores.push(PerFileIgnore {
                glob: glob.clone(),
                paths: PathGlobs::new(std::slice::from_ref(glob))
                    .map_err(|m| error(None, format!("per-file-ignores: {m}")))?,
                rules: selectors("per-file-ignores", &entry.rules)?,
                reason: entry.reason.trim().to_string(),
                span: entry.path.span(),
            });
        }
        let mut genres = Vec::new();
        for entry in &raw.genres {
            let genre = Genre::from_name(&entry.genre).ok_or_else(|| {
                let known = Genre::ALL.map(Genre::as_str).join(", ");
                let message = format!(
                    "genres `{}`: unknown genre `{}`, expected one of {known}",
                    entry.path, entry.genre
                );
                error(None, message)
            })?;
            let paths = PathGlobs::new(std::slice::from_ref(&entry.path))
                .map_err(|m| error(None, format!("genres: {m}")))?;
            genres.push((paths, genre));
        }
        validate_audit(&raw.audit).map_err(|m| error(None, format!("audit: {m}")))?;
        Ok(Config {
            path: None,
            text: text.to_string(),
            select: selectors("select", &raw.select)?,
            ignore: selectors("ignore", &raw.ignore)?,
            severity: raw.severity,
            rules: raw.rules.iter().map(|dir| root.join(dir)).collect(),
            speakers: raw.speakers,
            include: globs("include", &raw.include)?,
            exclude: globs("exclude", &raw.exclude)?,
            per_file_ignores,
            genres,
            audit: raw.audit,
            root,
        })
    }

    /// `path` relative to [`root`](Self::root), `/`-separated, or `None`
    /// when it lies outside. Both are made absolute against `cwd` and
    /// cleaned of `.` and `..` without touching the file system.
    pub fn relative(&self, path: &Path, cwd: &Path) -> Option<String> {
        let path = absolute(path, cwd);
        let root = absolute(&self.root, cwd);
        let relative = path.strip_prefix(&root).ok()?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }

    /// Whether a file found while walking a directory is checked.
    pub fn admits(&self, path: &Path, cwd: &Path) -> bool {
        let Some(relative) = self.relative(path, cwd) else {
            return true;
        };
        self.include.as_ref().is_none_or(|g| g.is_match(&relative))
            && !self.exclude.as_ref().is_some_and(|g| g.is_match(&relative))
    }

    /// The genre `[genres]` gives the file at `path`, if any.
    pub fn genre_for(&self, path: &Path, cwd: &Path) -> Option<Genre> {
        let relative = self.relative(path, cwd)?;
        self.genres
            .iter()
            .find(|(globs, _)| globs.is_match(&relative))
            .map(|(_, genre)| *genre)
    }

    /// Indices of the `per-file-ignores` entries whose glob matches the
    /// file at `path`.
    pub fn ignores_for(&self, path: &Path, cwd: &Path) -> Vec<usize> {
        let Some(relative) = self.relative(path, cwd) else {
            return Vec::new();
        };
        (0..self.per_file_ignores.len())
            .filter(|&i| self.per_file_ignores[i].paths.is_match(&relative))
            .collect()
    }
}

/// Finds the configuration for `dir`: the first `hegui.toml` or
/// `.hegui.toml` in `dir` or a directory above it.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find_map(file_in)
}

/// The configuration file in `dir` itself, if any: `hegui.toml`, else
/// `.hegui.toml`.
pub fn file_in(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// `path` made absolute against `cwd` and cleaned of `.` and `..`.
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    let mut clean = PathBuf::new();
    for component in cwd.join(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean
}

fn validate_audit(audit: &AuditSettings) -> Result<(), String> {
    if let Some(profile) = &audit.profile {
        AuditConfig::builtin().profile(profile)?;
    }
    if let Some(text) = &audit.quiet_hours
        && QuietHours::parse(text).is_none()
    {
        return Err(format!("quiet-hours `{text}` is not HH:MM-HH:MM"));
    }
    Ok(())
}

/// The 1-based line and character column of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "hegui.toml", PathBuf::from("/p"))
    }

    #[test]
    fn starter_file_parses_to_the_defaults() {
        let config = parse(STARTER).unwrap();
        assert!(config.select.is_empty() && config.ignore.is_empty());
        assert!(config.per_file_ignores.is_empty());
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let err = parse("select = [\"threat\"]\n\n[speakers]\nagnet = [\"电\"]\n").unwrap_err();
        assert_eq!(err.position, Some((4, 1)));
        assert!(err.message.contains("unknown field `agnet`"), "{err}");
    }

    #[test]
    fn selectors_parse_ids_categories_and_all() {
        assert_eq!(Selector::parse("ALL"), Ok(Selector::All));
        assert_eq!(
            Selector::parse("threat"),
            Ok(Selector::Category(Category::Threat))
        );
        assert_eq!(
            Selector::parse("HG-T001"),
            Ok(Selector::Rule("HG-T001".into()))
        );
        assert!(Selector::parse("威胁").is_err());
    }

    #[test]
    fn globs_match_names_anywhere_and_directories() {
        let globs = PathGlobs::new(&["*.md".into(), "drafts/".into()]).unwrap();
        assert!(globs.is_match("a/b/c.md"));
        assert!(globs.is_match("drafts/x/y.txt"));
        assert!(!globs.is_match("a/drafts.txt"));
    }

    #[test]
    fn per_file_ignore_needs_a_reason() {
        let text = "[[per-file-ignores]]\npath = \"a.md\"\nrules = [\"ALL\"]\nreason = \" \"\n";
        assert!(parse(text).unwrap_err().message.contains("reason"));
    }

    #[test]
    fn per_file_ignores_know_where_they_are_and_what_they_match() {
        let text = "[[per-file-ignores]]\npath = \"培训/\"\nrules = [\"ALL\"]\nreason = \"反面教材\"\n\n\
                    [[per-file-ignores]]\npath = \"*.md\"\nrules = [\"threat\"]\nreason = \"r\"\n";
        let config = parse(text).unwrap();
        let entry = &config.per_file_ignores[0];
        assert_eq!(&text[entry.span.clone()], "\"培训/\"");
        assert_eq!(line_column(text, entry.span.start), (2, 8));
        assert_eq!(config.text, text);
        let cwd = Path::new("/p");
        assert_eq!(config.ignores_for(Path::new("培训/a.md"), cwd), [0, 1]);
        assert_eq!(config.ignores_for(Path::new("培训/a.txt"), cwd), [0]);
        assert_eq!(config.ignores_for(Path::new("b.txt"), cwd), [0usize; 0]);
        assert_eq!(config.ignores_for(Path::new("/q/a.md"), cwd), [0usize; 0]);
    }

    #[test]
    fn bad_quiet_hours_are_rejected() {
        assert!(parse("[audit]\nquiet-hours = \"22-8\"\n").is_err());
        assert!(parse("[audit]\nquiet-hours = \"22:00-08:00\"\nprofile = \"us\"\n").is_ok());
    }

    #[test]
    fn relative_paths_are_cleaned() {
        let config = parse("").unwrap();
        let rel = config.relative(Path::new("../x/./y.md"), Path::new("/p/q"));
        assert_eq!(rel.as_deref(), Some("x/y.md"));
    }
}
