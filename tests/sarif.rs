//! `hegui check --format sarif` against the official SARIF 2.1.0 schema.
//!
//! `tests/schemas/sarif-schema-2.1.0.json` is the OASIS schema, verbatim
//! (oasis-tcs/sarif-spec, `Schemata/sarif-schema-2.1.0.json`, errata 01). It
//! is a draft-04 schema, and draft 04 has no `uri-reference` format, so every
//! document is also checked under draft 7 rules, which validate the formats
//! of artifact URIs as well. The real binary runs over the golden-test
//! fixtures, with the fixture rule pack and with the (large) built-in
//! catalog, with and without input errors; the last test makes sure the
//! validator does reject documents that break the schema.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use jsonschema::{Draft, Validator};
use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd/fixtures");

/// Validators for the official schema: as published (draft 04) and with
/// draft-7 format checks.
fn validators() -> &'static [Validator; 2] {
    static VALIDATORS: OnceLock<[Validator; 2]> = OnceLock::new();
    VALIDATORS.get_or_init(compile_schema)
}

fn compile_schema() -> [Validator; 2] {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    let as_published = jsonschema::options()
        .with_draft(Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let with_formats = jsonschema::options()
        .with_draft(Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles under draft 7");
    [as_published, with_formats]
}

/// Every schema violation in `log`, as readable lines.
fn violations(log: &Value) -> Vec<String> {
    validators()
        .iter()
        .flat_map(|v| {
            v.iter_errors(log)
                .map(|e| format!("{}: {e}", e.instance_path()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn assert_valid(log: &Value) {
    let errors = violations(log);
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

/// Runs `hegui check --format sarif ARGS…` in the fixtures; returns the log
/// and the exit code.
fn check_sarif(args: &[&str]) -> (Value, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_hegui"))
        .current_dir(FIXTURES)
        .args(["check", "--format", "sarif"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let log = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"));
    (log, output.status.code().unwrap())
}

fn run(log: &Value) -> &Value {
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    &log["runs"][0]
}

/// The ids of the rules the run describes, in order.
fn rule_ids(run: &Value) -> Vec<&str> {
    run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

/// Every result names its rule by id and by the index of that rule.
fn assert_results_point_at_their_rules(log: &Value) {
    let run = run(log);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
        assert_eq!(
            rules[index]["properties"]["category"],
            result["properties"]["category"]
        );
    }
}

#[test]
fn fixture_rules_findings_are_valid_sarif() {
    let (log, code) = check_sarif(&[
        "--no-default-rules",
        "--rules",
        "rules",
        "scripts/script.md",
        "scripts/transcript.txt",
        "scripts/gb18030.txt",
        "scripts/utf16.txt",
        "scripts/clean.txt",
    ]);
    assert_eq!(code, 1);
    assert_valid(&log);
    assert_results_point_at_their_rules(&log);
    let run = run(&log);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "hegui");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let ids = rule_ids(run);
    assert_eq!(ids, ["FX-T001", "FX-M001"]);
    assert!(run["results"].as_array().unwrap().len() >= 3);
    assert_eq!(run["invocations"], json!([{ "executionSuccessful": true }]));
}

#[test]
fn builtin_catalog_is_described_whole_and_valid() {
    let (log, code) = check_sarif(&["scripts/script.md", "scripts/transcript.txt"]);
    assert!(code == 0 || code == 1, "exit code {code}");
    assert_valid(&log);
    assert_results_point_at_their_rules(&log);
    let rules = run(&log)["tool"]["driver"]["rules"].as_array().unwrap();
    // Every built-in rule, fired or not: as many as `hegui rules` lists.
    let listed = Command::new(env!("CARGO_BIN_EXE_hegui"))
        .arg("rules")
        .output()
        .unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    let listed_ids = listed
        .lines()
        .filter(|l| rules.iter().any(|r| l.contains(r["id"].as_str().unwrap())))
        .count();
    assert!(rules.len() >= 20, "only {} rules described", rules.len());
    assert_eq!(listed_ids, rules.len(), "{listed}");
    for rule in rules {
        let help = rule["help"]["text"].as_str().unwrap();
        assert!(
            help.contains("法律依据：") && help.contains("合规说法："),
            "{rule}"
        );
        assert!(rule["shortDescription"]["text"].as_str().unwrap().len() > 1);
    }
}

#[test]
fn input_errors_become_notifications_and_stay_valid() {
    let (log, code) = check_sarif(&[
        "--no-default-rules",
        "--rules",
        "rules",
        "scripts/broken.txt",
        "scripts/missing.txt",
        "scripts/gb18030.txt",
    ]);
    assert_eq!(code, 2);
    assert_valid(&log);
    let invocation = &run(&log)["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notifications.len(), 2);
    for notification in notifications {
        assert_eq!(notification["level"], "error");
        let uri = &notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert!(
            uri == "scripts/broken.txt" || uri == "scripts/missing.txt",
            "{uri}"
        );
    }
    assert_eq!(run(&log)["results"].as_array().unwrap().len(), 2);
}

#[test]
fn inputs_under_different_configurations_are_described_and_valid() {
    // Each of siblings/a and siblings/b has its own hegui.toml; the primary
    // project (no configuration, no rules) runs nothing. pfi/hegui.toml
    // waives the threat in pfi/negative.md and has an unused per-file
    // ignore, reported in the configuration file.
    let (log, code) = check_sarif(&["--no-default-rules", "siblings", "pfi"]);
    assert_eq!(code, 1);
    assert_valid(&log);
    assert_results_point_at_their_rules(&log);
    let run = run(&log);
    let ids = rule_ids(run);
    assert_eq!(ids, ["FX-M001", "FX-T001", "HG-S003"]);
    let primary_hash = run["tool"]["driver"]["properties"]["rulesHash"].clone();
    let results = run["results"].as_array().unwrap();
    let located: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
            (location.as_str().unwrap(), r["ruleId"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        located,
        [
            ("siblings/a/script.md", "FX-M001"),
            ("siblings/b/script.md", "FX-T001"),
            ("pfi/hegui.toml", "HG-S003"),
        ]
    );
    for result in results {
        let hash = &result["properties"]["rulesHash"];
        assert!(hash.is_string() && *hash != primary_hash, "{result}");
    }
    assert_ne!(
        results[0]["properties"]["rulesHash"],
        results[1]["properties"]["rulesHash"]
    );
}

#[test]
fn clean_input_is_valid_with_no_results() {
    let (log, code) = check_sarif(&["scripts/clean.txt"]);
    assert_eq!(code, 0);
    assert_valid(&log);
    assert_eq!(run(&log)["results"], json!([]));
}

#[test]
fn validator_rejects_broken_documents() {
    let (log, _) = check_sarif(&[
        "--no-default-rules",
        "--rules",
        "rules",
        "scripts/script.md",
        "scripts/broken.txt",
    ]);
    assert_valid(&log);
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut copy = log.clone();
        edit(&mut copy);
        copy
    };
    // What is broken, the broken document, and a fragment of the violation.
    let cases: [(&str, Value, &str); 8] = [
        (
            "version 2.0",
            broken(&|l| l["version"] = json!("2.0")),
            "/version",
        ),
        (
            "no driver name",
            broken(&|l| {
                l["runs"][0]["tool"]["driver"]
                    .as_object_mut()
                    .unwrap()
                    .remove("name");
            }),
            "\"name\" is a required property",
        ),
        (
            "unknown level",
            broken(&|l| l["runs"][0]["results"][0]["level"] = json!("fatal")),
            "/level",
        ),
        (
            "line 0",
            broken(&|l| {
                l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                    json!(0)
            }),
            "/startLine",
        ),
        (
            "unknown property",
            broken(&|l| l["runs"][0]["results"][0]["ruleID"] = json!("FX-T001")),
            "'ruleID' was unexpected",
        ),
        (
            "bad column kind",
            broken(&|l| l["runs"][0]["columnKind"] = json!("bytes")),
            "/columnKind",
        ),
        (
            "unencoded space in a URI",
            broken(&|l| {
                l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                    ["uri"] = json!("scripts/a b.md")
            }),
            "uri-reference",
        ),
        (
            "unencoded CJK in a URI",
            broken(&|l| {
                l["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]
                    ["artifactLocation"]["uri"] = json!("scripts/坏.txt")
            }),
            "uri-reference",
        ),
    ];
    for (what, document, fragment) in &cases {
        let found = violations(document);
        assert!(
            found.iter().any(|v| v.contains(fragment)),
            "a document with {what} was not rejected for it: {found:?}"
        );
    }
}
