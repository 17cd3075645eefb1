//! `--changed-since REV`: the files git says changed since a revision, plus
//! untracked files that are not ignored.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use hegui::config::absolute;

/// Absolute paths of the files changed since `rev` (committed, staged or
/// not) and of untracked files, as seen from `cwd`.
pub fn changed_files(rev: &str, cwd: &Path) -> anyhow::Result<HashSet<PathBuf>> {
    if git(&["rev-parse", "--show-toplevel"], cwd).is_err() {
        bail!(
            "--changed-since needs a git repository, and {} is not in one",
            cwd.display()
        );
    }
    let commit = format!("{rev}^{{commit}}");
    if git(&["rev-parse", "--verify", "--quiet", &commit], cwd).is_err() {
        bail!("--changed-since: `{rev}` is not a git revision here");
    }
    // `--relative` makes paths relative to `cwd`, like `ls-files` does.
    let changed = git(&["diff", "--name-only", "--relative", rev, "--"], cwd)?;
    let untracked = git(&["ls-files", "--others", "--exclude-standard"], cwd)?;
    Ok(changed
        .lines()
        .chain(untracked.lines())
        .filter(|line| !line.is_empty())
        .map(|line| absolute(Path::new(line), cwd))
        .collect())
}

fn git(args: &[&str], cwd: &Path) -> anyhow::Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .context("--changed-since needs git, which could not be run")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "--changed-since: `git {}` failed: {}",
            args.join(" "),
            stderr.trim()
        );
    }
    String::from_utf8(output.stdout).context("git printed a path that is not UTF-8")
}
