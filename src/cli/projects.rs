//! Which configuration governs which input.
//!
//! As in ruff, each file is governed by the configuration file nearest to
//! it: the first `hegui.toml` or `.hegui.toml` found walking up from the
//! file's directory. Files are never merged: a nested configuration replaces
//! the one above it for everything below it. Standard input, and a file with
//! no configuration above it, get the *primary* project: the configuration
//! found from the current directory upwards, else the defaults. With
//! `--config FILE` or `--isolated` the primary project governs every input.
//! Each configuration is loaded, and its rules compiled, once; the walk up
//! is remembered per directory. Directory walks ask the governing
//! configuration whether to take a file (`include`, `exclude`).
//!
//! Whatever describes a whole run is the primary project's: JSON
//! `summary.rules_hash`, SARIF `tool.driver.properties.rulesHash` and a
//! baseline's `rules_hash`. A file checked with another rule set carries
//! that set's hash with each of its findings, and SARIF describes the rules
//! of the primary project and of every project that checked a file.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hegui::config::{self, Config, absolute};
use hegui::finding::RuleInfo;
use hegui::report::FileReport;

use super::args::{ConfigArgs, RulesArgs, SelectArgs};
use super::inputs::Input;
use super::project::{Project, shown};

/// Index of the primary project.
const PRIMARY: usize = 0;

/// The projects of one run, loaded as inputs need them.
pub struct Projects<'a> {
    rules_args: &'a RulesArgs,
    select_args: &'a SelectArgs,
    /// Whether each file looks for its own configuration (neither
    /// `--config` nor `--isolated`).
    nearest: bool,
    /// The projects loaded so far, the primary first.
    projects: Vec<Project>,
    /// Index in `projects` by absolute configuration path.
    by_config: HashMap<PathBuf, usize>,
    /// The nearest configuration file of each absolute directory asked
    /// about, or `None`.
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
}

impl<'a> Projects<'a> {
    /// Loads the primary project.
    pub fn new(
        rules_args: &'a RulesArgs,
        config_args: &ConfigArgs,
        select_args: &'a SelectArgs,
    ) -> anyhow::Result<Projects<'a>> {
        let primary = Project::new(rules_args, config_args, select_args)?;
        let nearest = config_args.config.is_none() && !config_args.isolated;
        let by_config = primary
            .config
            .path
            .iter()
            .map(|path| (absolute(path, &primary.cwd), PRIMARY))
            .collect();
        Ok(Projects {
            rules_args,
            select_args,
            nearest,
            projects: vec![primary],
            by_config,
            by_dir: HashMap::new(),
        })
    }

    /// The project of the current directory.
    pub fn primary(&self) -> &Project {
        &self.projects[PRIMARY]
    }

    /// The project at `index`, as returned by [`governing`](Self::governing).
    pub fn get(&self, index: usize) -> &Project {
        &self.projects[index]
    }

    /// The index of the project governing `input`, loading it first if
    /// needed.
    pub fn governing(&mut self, input: &Input) -> anyhow::Result<usize> {
        match input {
            Input::File(path) if self.nearest => self.governing_file(path),
            _ => Ok(PRIMARY),
        }
    }

    /// Whether a file found in a directory is checked, as its governing
    /// configuration says (`include`, `exclude`).
    pub fn admits(&mut self, path: &Path) -> anyhow::Result<bool> {
        let index = if self.nearest {
            self.governing_file(path)?
        } else {
            PRIMARY
        };
        Ok(self.projects[index].admits(path))
    }

    /// The hash reports give with the findings of a file checked by the
    /// project at `index`: `None` when it is the primary project's.
    pub fn distinct_hash(&self, index: usize) -> Option<String> {
        let hash = &self.projects[index].rules_hash;
        (*hash != self.primary().rules_hash).then(|| hash.clone())
    }

    /// The selected rules of the primary project and of the projects at
    /// `used`, the first of each id.
    pub fn rule_infos(&self, used: &HashSet<usize>) -> Vec<Arc<RuleInfo>> {
        let mut seen = HashSet::new();
        self.projects
            .iter()
            .enumerate()
            .filter(|(index, _)| *index == PRIMARY || used.contains(index))
            .flat_map(|(_, project)| project.rule_infos())
            .filter(|info| seen.insert(info.id.clone()))
            .collect()
    }

    /// The unused `per-file-ignores` entries of every project, one report
    /// per configuration file (see [`Project::unused_ignores`]).
    pub fn unused_ignores(&self) -> Vec<FileReport> {
        (0..self.projects.len())
            .filter_map(|index| {
                let mut report = self.projects[index].unused_ignores()?;
                report.rules_hash = self.distinct_hash(index);
                Some(report)
            })
            .collect()
    }

    fn governing_file(&mut self, path: &Path) -> anyhow::Result<usize> {
        let cwd = &self.primary().cwd;
        let file = absolute(path, cwd);
        let nearest = file
            .parent()
            .and_then(|dir| nearest_config(&mut self.by_dir, dir));
        let Some(config_path) = nearest else {
            return Ok(PRIMARY);
        };
        if let Some(&index) = self.by_config.get(&config_path) {
            return Ok(index);
        }
        let cwd = self.primary().cwd.clone();
        let config = Config::load(&shown(&config_path, &cwd))?;
        let project = Project::with_config(config, cwd, self.rules_args, self.select_args)?;
        self.projects.push(project);
        let index = self.projects.len() - 1;
        self.by_config.insert(config_path, index);
        Ok(index)
    }
}

/// The configuration file nearest to absolute `dir`; `by_dir` remembers the
/// answer for every directory on the way up.
fn nearest_config(by_dir: &mut HashMap<PathBuf, Option<PathBuf>>, dir: &Path) -> Option<PathBuf> {
    let mut walked = Vec::new();
    let mut found = None;
    for ancestor in dir.ancestors() {
        if let Some(known) = by_dir.get(ancestor) {
            found = known.clone();
            break;
        }
        walked.push(ancestor.to_path_buf());
        if let Some(path) = config::file_in(ancestor) {
            found = Some(path);
            break;
        }
    }
    for ancestor in walked {
        by_dir.insert(ancestor, found.clone());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_file_wins_and_answers_are_remembered() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("a/b/c")).unwrap();
        std::fs::create_dir_all(root.join("d")).unwrap();
        std::fs::write(root.join("hegui.toml"), "").unwrap();
        std::fs::write(root.join("a/b/.hegui.toml"), "").unwrap();
        let mut by_dir = HashMap::new();
        let found = nearest_config(&mut by_dir, &root.join("a/b/c"));
        assert_eq!(found, Some(root.join("a/b/.hegui.toml")));
        assert_eq!(by_dir[&root.join("a/b/c")], found);
        assert!(!by_dir.contains_key(&root.join("a")), "stops at the file");

        // Remembered: removing the file does not change the answer.
        std::fs::remove_file(root.join("a/b/.hegui.toml")).unwrap();
        assert_eq!(nearest_config(&mut by_dir, &root.join("a/b")), found);
        assert_eq!(
            nearest_config(&mut by_dir, &root.join("a")),
            Some(root.join("hegui.toml"))
        );
        assert_eq!(by_dir[root], Some(root.join("hegui.toml")));
        assert_eq!(
            nearest_config(&mut by_dir, &root.join("d")),
            Some(root.join("hegui.toml"))
        );
    }
}
