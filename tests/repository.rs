//! End-to-end tests of the script-repository features that need a writable
//! directory: baselines written and read back after edits, and
//! `--changed-since` in a real git repository.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// The fixture rule pack of the golden tests, stable against rule edits.
const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd/fixtures/rules");

fn hegui(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hegui"))
        .args([
            "check",
            "--isolated",
            "--no-default-rules",
            "--rules",
            RULES,
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("hegui runs")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

fn rules_of(document: &Value) -> Vec<(String, u64)> {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn baseline_reports_only_new_findings_after_lines_are_inserted_above() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("话术.md");
    std::fs::write(&script, "# 话术\n小心你家里人出事。\n请按时还款。\n").unwrap();

    let written = hegui(
        dir.path(),
        &["--write-baseline", "baseline.json", "话术.md"],
    );
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    let stderr = String::from_utf8_lossy(&written.stderr);
    assert!(
        stderr.contains("wrote 1 findings to baseline baseline.json"),
        "{stderr}"
    );

    // Unrelated lines above the old finding, and one new finding below it.
    std::fs::write(
        &script,
        "# 话术\n您好。\n\n我是华信银行的专员。\n小心你家里人出事。\n请按时还款。\n这里是法院执行局。\n",
    )
    .unwrap();
    let checked = hegui(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "json", "话术.md"],
    );
    assert_eq!(checked.status.code(), Some(1), "{checked:?}");
    let document = json(&checked);
    assert_eq!(rules_of(&document), [("FX-M001".to_string(), 7)]);
    assert_eq!(document["summary"]["baseline_suppressed"], 1);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(
        stderr.contains("1 findings recorded in baseline"),
        "{stderr}"
    );

    // Editing the old line itself makes it new.
    std::fs::write(&script, "小心你家里人出事啊。\n").unwrap();
    let edited = hegui(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "json", "话术.md"],
    );
    assert_eq!(rules_of(&json(&edited)), [("FX-T001".to_string(), 1)]);
}

#[test]
fn a_broken_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "您好。\n").unwrap();
    std::fs::write(dir.path().join("baseline.json"), "{\"version\": 9}").unwrap();
    let output = hegui(dir.path(), &["--baseline", "baseline.json", "a.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a hegui baseline"));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

/// Makes `root` a git repository whose one commit holds all its files.
fn commit_everything(root: &Path) {
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
}

#[test]
fn changed_since_checks_only_changed_and_untracked_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("old.md"), "小心你家里人出事。\n").unwrap();
    std::fs::write(root.join("edited.md"), "您好。\n").unwrap();
    commit_everything(root);
    std::fs::write(root.join("edited.md"), "您好。\n这里是法院执行局。\n").unwrap();
    std::fs::write(root.join("new.md"), "小心孩子出事。\n").unwrap();

    let output = hegui(
        root,
        &["--changed-since", "HEAD", "--format", "concise", "."],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout,
        "./edited.md:2:1: warning[FX-M001] 冒充司法机关 (impersonation)\n\
         ./new.md:1:1: error[FX-T001] 威胁家人安全 (threat)\n"
    );
}

#[test]
fn unused_per_file_ignores_are_reported_except_under_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let config = format!(
        "rules = [{RULES:?}]\n\n[[per-file-ignores]]\npath = \"clean.md\"\nrules = [\"ALL\"]\nreason = \"旧的反面教材\"\n"
    );
    std::fs::write(root.join("hegui.toml"), config).unwrap();
    std::fs::write(root.join("clean.md"), "您好。\n").unwrap();
    std::fs::write(root.join("other.md"), "您好。\n").unwrap();
    commit_everything(root);
    std::fs::write(root.join("clean.md"), "您好，请按时还款。\n").unwrap();

    let check = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hegui"))
            .args(["check", "--no-default-rules", "--format", "concise"])
            .args(args)
            .current_dir(root)
            .output()
            .expect("hegui runs")
    };
    let full = check(&["."]);
    assert_eq!(full.status.code(), Some(1), "{full:?}");
    assert_eq!(
        String::from_utf8_lossy(&full.stdout),
        "hegui.toml:4:8: warning[HG-S003] 未使用的按文件豁免 (suppression)\n"
    );
    let partial = check(&["--changed-since", "HEAD", "."]);
    assert_eq!(partial.status.code(), Some(0), "{partial:?}");
    assert_eq!(String::from_utf8_lossy(&partial.stdout), "");
}

#[test]
fn changed_since_outside_a_git_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "您好。\n").unwrap();
    let output = hegui(dir.path(), &["--changed-since", "HEAD", "a.md"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--changed-since"), "{stderr}");
    assert!(stderr.contains("needs a git repository"), "{stderr}");
}

#[test]
fn audit_takes_quiet_hours_from_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,text,call_time\nR1,您好，请按时还款。,2026-11-21 20:30:00\n";
    std::fs::write(dir.path().join("calls.csv"), csv).unwrap();
    let audit = |dir: &Path| {
        let output = Command::new(env!("CARGO_BIN_EXE_hegui"))
            .args(["audit", "calls.csv"])
            .current_dir(dir)
            .output()
            .expect("hegui runs");
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(!audit(dir.path()).contains("HG-H901"));
    std::fs::write(
        dir.path().join("hegui.toml"),
        "[audit]\nquiet-hours = \"20:00-08:00\"\n",
    )
    .unwrap();
    assert!(audit(dir.path()).contains("HG-H901"));
}

#[test]
fn init_writes_a_starter_that_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hegui"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("hegui runs")
    };
    assert_eq!(run(&["init"]).status.code(), Some(0));
    let starter = std::fs::read_to_string(dir.path().join("hegui.toml")).unwrap();
    assert!(starter.contains("[[per-file-ignores]]"));
    std::fs::write(dir.path().join("a.md"), "您好，请按时还款。\n").unwrap();
    let checked = run(&["check", "--no-default-rules", "--rules", RULES, "a.md"]);
    assert_eq!(checked.status.code(), Some(0), "{checked:?}");
    assert_eq!(run(&["init"]).status.code(), Some(2), "never overwrites");
}
