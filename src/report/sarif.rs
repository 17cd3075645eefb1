//! `--format sarif`: a SARIF 2.1.0 log (OASIS Static Analysis Results
//! Interchange Format, schema `sarif-schema-2.1.0.json`), as uploaded to
//! GitHub code scanning and read by SARIF viewers.
//!
//! The log has one run:
//!
//! - `tool.driver` names hegui and its version and describes **every loaded
//!   rule** ([`ReportOptions::rules`]), fired or not: id, title
//!   (`shortDescription`), message (`fullDescription`), help (message, legal
//!   basis and compliant rewording, as text and Markdown), default level and
//!   the category as a property and a tag; `tool.driver.properties.rulesHash`
//!   is the rule-set hash ([`ReportOptions::rules_hash`]) when known;
//! - `results` has one result per finding, pointing at its rule by id and
//!   index, with the region of the matched text (`columnKind` is
//!   `unicodeCodePoints`, as hegui's columns count characters; `endColumn` is
//!   exclusive) and that text as its snippet; `properties.rulesHash` is
//!   there only when the finding's file was checked with another rule set
//!   than the run's ([`FileReport::rules_hash`]);
//! - `invocations` records whether every input could be checked, with one
//!   error notification per input that could not.
//!
//! Severities map to levels `error`, `warning` and `note`. Artifact URIs are
//! the paths as given, with `/` as separator and everything a URI reference
//! may not contain percent-encoded (non-ASCII file names included); absolute
//! paths become `file://` URIs. The document is built from the serde structs
//! below, never by string concatenation, and `tests/sarif.rs` validates the
//! CLI's output against the official schema.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;

use super::{FileReport, InputError, ReportOptions};
use crate::finding::{Finding, RuleInfo, Severity};
use crate::source::SourceFile;

/// The `$schema` of the log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF version written.
pub const VERSION: &str = "2.1.0";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    language: &'static str,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    invocations: [Invocation; 1],
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<DriverProperties<'a>>,
}

/// `tool.driver.properties`: the rule-set hash of the run.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DriverProperties<'a> {
    rules_hash: &'a str,
}

/// A `reportingDescriptor`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

/// A `multiformatMessageString` or `message` with plain text only.
#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    category: &'static str,
    basis: &'a str,
    tags: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: OwnedText,
    locations: [Location<'a>; 1],
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region<'a>>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rules_hash: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: OwnedText,
    locations: [Location<'static>; 1],
}

/// Writes the SARIF log (pretty-printed) and a newline.
pub fn write(
    out: &mut dyn Write,
    reports: &[FileReport],
    errors: &[InputError],
    options: &ReportOptions,
) -> io::Result<()> {
    let catalog = catalog(&options.rules, reports);
    let index: HashMap<&str, usize> = catalog
        .iter()
        .enumerate()
        .map(|(i, rule)| (rule.id.as_str(), i))
        .collect();
    let results = reports
        .iter()
        .flat_map(|report| {
            report
                .findings
                .iter()
                .map(|finding| result(report, finding, index[finding.rule.id.as_str()]))
        })
        .collect();
    let notifications = errors
        .iter()
        .map(|error| Notification {
            level: "error",
            message: OwnedText {
                text: error.message.clone(),
            },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: artifact_uri(&error.path),
                    },
                    region: None,
                },
            }],
        })
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "hegui",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: catalog.iter().map(|rule| descriptor(rule)).collect(),
                    properties: options
                        .rules_hash
                        .as_deref()
                        .map(|rules_hash| DriverProperties { rules_hash }),
                },
            },
            language: "zh-CN",
            column_kind: "unicodeCodePoints",
            results,
            invocations: [Invocation {
                execution_successful: errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

/// The rules to describe: `rules` (first of each id), then any rule that
/// fired but is not among them, in order of first finding.
fn catalog<'a>(rules: &'a [Arc<RuleInfo>], reports: &'a [FileReport]) -> Vec<&'a RuleInfo> {
    let mut seen = std::collections::HashSet::new();
    let fired = reports.iter().flat_map(|r| &r.findings).map(|f| &f.rule);
    rules
        .iter()
        .chain(fired)
        .map(|rule| &**rule)
        .filter(|rule| seen.insert(rule.id.as_str()))
        .collect()
}

fn descriptor(rule: &RuleInfo) -> Rule<'_> {
    Rule {
        id: &rule.id,
        name: &rule.id,
        short_description: Text { text: &rule.title },
        full_description: Text {
            text: &rule.message,
        },
        help: Help {
            text: format!(
                "{}\n法律依据：{}\n合规说法：{}",
                rule.message, rule.basis, rule.suggestion
            ),
            markdown: format!(
                "{}\n\n**法律依据**：{}\n\n**合规说法**：{}",
                markdown(&rule.message),
                markdown(&rule.basis),
                markdown(&rule.suggestion)
            ),
        },
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            category: rule.category.as_str(),
            basis: &rule.basis,
            tags: [rule.category.as_str()],
        },
    }
}

fn result<'a>(report: &'a FileReport, finding: &'a Finding, rule_index: usize) -> SarifResult<'a> {
    let source = &report.source;
    let rule = &*finding.rule;
    SarifResult {
        rule_id: &rule.id,
        rule_index,
        level: level(rule.severity),
        message: OwnedText {
            text: format!("{}：{}", rule.title, rule.message),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: artifact_uri(&source.path),
                },
                region: region(source, finding),
            },
        }],
        properties: ResultProperties {
            category: rule.category.as_str(),
            rules_hash: report.rules_hash.as_deref(),
        },
    }
}

/// The finding's region; `None` for a position SARIF cannot express
/// (line or column 0, which only a malformed finding has).
fn region<'a>(source: &'a SourceFile, finding: &Finding) -> Option<Region<'a>> {
    let (start, end) = (finding.start, finding.end);
    if start.line == 0 || start.column == 0 {
        return None;
    }
    let (end_line, end_column) = if (end.line, end.column) >= (start.line, start.column) {
        (end.line, end.column.max(1))
    } else {
        (start.line, start.column)
    };
    Some(Region {
        start_line: start.line,
        start_column: start.column,
        end_line,
        end_column,
        snippet: source
            .text
            .get(finding.span.clone())
            .map(|text| Text { text }),
    })
}

/// The SARIF level of a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `text` with Markdown's punctuation backslash-escaped, so rule texts show
/// literally.
fn markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The `artifactLocation.uri` for a path as given: a relative reference with
/// `/` separators, or a `file://` URI for an absolute path, percent-encoding
/// every byte that may not appear literally in a URI path.
pub fn artifact_uri(path: &str) -> String {
    let path = if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let (prefix, rest) = if drive {
        ("file:///", &path[..])
    } else if path.starts_with("//") {
        // A UNC path `//server/share/…`: the server is the URI's authority.
        ("file:", &path[..])
    } else if path.starts_with('/') {
        ("file://", &path[..])
    } else {
        ("", &path[..])
    };
    let mut uri = String::with_capacity(prefix.len() + rest.len());
    uri.push_str(prefix);
    for (i, &byte) in rest.as_bytes().iter().enumerate() {
        let literal = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'/' | b'-'
                    | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            )
            // The drive letter's colon; any other colon could read as a scheme.
            || (drive && i == 1);
        if literal {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::finding::Category;
    use crate::report::test_support::{self, report, rule};
    use crate::report::{Format, write_report};

    fn render(reports: &[FileReport], errors: &[InputError], rules: Vec<Arc<RuleInfo>>) -> Value {
        let mut out = Vec::new();
        let options = ReportOptions {
            rules,
            ..ReportOptions::default()
        };
        write_report(&mut out, Format::Sarif, reports, errors, &options).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("}\n"));
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn whole_log_for_a_small_report() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let unused = rule("HG-H001", Category::Harassment, Severity::Info);
        let reports = [report(
            "话术/a b.txt",
            "开场\n坐席：小心你家里人\n",
            &[("小心你家里人", &threat)],
        )];
        let errors = [InputError {
            path: "bad.txt".into(),
            message: "无法解码".into(),
        }];
        let log = render(&reports, &errors, vec![unused, threat.clone()]);
        let help = |id: &str| {
            json!({
                "text": format!("{id} 说明\n法律依据：{id} 依据\n合规说法：{id} 建议"),
                "markdown": format!("{id} 说明\n\n**法律依据**：{id} 依据\n\n**合规说法**：{id} 建议"),
            })
        };
        let expected = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "hegui",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": [
                        {
                            "id": "HG-H001", "name": "HG-H001",
                            "shortDescription": { "text": "HG-H001 标题" },
                            "fullDescription": { "text": "HG-H001 说明" },
                            "help": help("HG-H001"),
                            "defaultConfiguration": { "level": "note" },
                            "properties": { "category": "harassment", "basis": "HG-H001 依据", "tags": ["harassment"] }
                        },
                        {
                            "id": "HG-T001", "name": "HG-T001",
                            "shortDescription": { "text": "HG-T001 标题" },
                            "fullDescription": { "text": "HG-T001 说明" },
                            "help": help("HG-T001"),
                            "defaultConfiguration": { "level": "error" },
                            "properties": { "category": "threat", "basis": "HG-T001 依据", "tags": ["threat"] }
                        }
                    ]
                }},
                "language": "zh-CN",
                "columnKind": "unicodeCodePoints",
                "results": [{
                    "ruleId": "HG-T001",
                    "ruleIndex": 1,
                    "level": "error",
                    "message": { "text": "HG-T001 标题：HG-T001 说明" },
                    "locations": [{ "physicalLocation": {
                        "artifactLocation": { "uri": "%E8%AF%9D%E6%9C%AF/a%20b.txt" },
                        "region": {
                            "startLine": 2, "startColumn": 4, "endLine": 2, "endColumn": 10,
                            "snippet": { "text": "小心你家里人" }
                        }
                    }}],
                    "properties": { "category": "threat" }
                }],
                "invocations": [{
                    "executionSuccessful": false,
                    "toolExecutionNotifications": [{
                        "level": "error",
                        "message": { "text": "无法解码" },
                        "locations": [{ "physicalLocation": { "artifactLocation": { "uri": "bad.txt" } } }]
                    }]
                }]
            }]
        });
        assert_eq!(log, expected);
    }

    #[test]
    fn help_text_is_plain_and_markdown_is_escaped() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let log = render(&[], &[], vec![threat]);
        let help = &log["runs"][0]["tool"]["driver"]["rules"][0]["help"];
        assert_eq!(help["text"].as_str().unwrap().lines().count(), 3);
        assert!(help["text"].as_str().unwrap().starts_with("HG-T001 说明"));
        assert!(
            help["markdown"]
                .as_str()
                .unwrap()
                .contains("\n\n**法律依据**：HG-T001 依据\n\n")
        );
        assert_eq!(
            markdown("*粗* [链接](x) <b> a_b"),
            "\\*粗\\* \\[链接\\](x) \\<b\\> a\\_b"
        );
    }

    #[test]
    fn clean_run_is_successful_with_no_notifications() {
        let log = render(&[report("ok.txt", "您好\n", &[])], &[], Vec::new());
        let run = &log["runs"][0];
        assert_eq!(run["results"], json!([]));
        assert_eq!(run["tool"]["driver"]["rules"], json!([]));
        assert_eq!(run["invocations"], json!([{ "executionSuccessful": true }]));
    }

    #[test]
    fn fired_rule_missing_from_catalog_is_added_once() {
        let threat = rule("HG-T001", Category::Threat, Severity::Warning);
        let other = rule("HG-I001", Category::Insult, Severity::Error);
        let reports = [report(
            "a.txt",
            "小心，笨蛋，小心\n",
            &[("小心", &threat), ("笨蛋", &other), ("小心", &threat)],
        )];
        let log = render(&reports, &[], vec![other.clone(), other]);
        let run = &log["runs"][0];
        let ids: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["HG-I001", "HG-T001"]);
        let indexes: Vec<u64> = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ruleIndex"].as_u64().unwrap())
            .collect();
        assert_eq!(indexes, [1, 0, 1]);
        assert_eq!(run["results"][0]["level"], "warning");
    }

    #[test]
    fn a_file_checked_with_other_rules_gives_their_hash_per_result() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let mut other = report("b.txt", "小心\n", &[("小心", &threat)]);
        other.rules_hash = Some("00000000000000b2".into());
        let reports = [report("a.txt", "小心\n", &[("小心", &threat)]), other];
        let log = render(&reports, &[], Vec::new());
        let results = &log["runs"][0]["results"];
        assert_eq!(results[0]["properties"], json!({ "category": "threat" }));
        assert_eq!(
            results[1]["properties"],
            json!({ "category": "threat", "rulesHash": "00000000000000b2" })
        );
    }

    #[test]
    fn multi_line_span_region_and_malformed_finding() {
        let threat = rule("HG-T001", Category::Threat, Severity::Error);
        let r = test_support::multi_line_report(&threat);
        let log = render(&[r], &[], Vec::new());
        let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            region,
            &json!({ "startLine": 1, "startColumn": 4, "endLine": 2, "endColumn": 4,
                     "snippet": { "text": "小心你\n家里人" } })
        );

        let mut bad = report("o.txt", "坐席：你好\n", &[("你好", &threat)]);
        bad.findings[0].span = 1000..2000;
        bad.findings[0].end.line = 0;
        let log = render(&[bad], &[], Vec::new());
        let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            region,
            &json!({ "startLine": 1, "startColumn": 4, "endLine": 1, "endColumn": 4 })
        );
    }

    #[test]
    fn uris_are_percent_encoded_references() {
        assert_eq!(artifact_uri("scripts/script.md"), "scripts/script.md");
        assert_eq!(artifact_uri("./a-b_c~d.txt"), "./a-b_c~d.txt");
        assert_eq!(artifact_uri("通话.txt"), "%E9%80%9A%E8%AF%9D.txt");
        assert_eq!(artifact_uri("a b#c?d%e.txt"), "a%20b%23c%3Fd%25e.txt");
        assert_eq!(artifact_uri("[x]:y.txt"), "%5Bx%5D%3Ay.txt");
        assert_eq!(artifact_uri("-"), "-");
        assert_eq!(artifact_uri("/tmp/通.txt"), "file:///tmp/%E9%80%9A.txt");
        assert_eq!(artifact_uri("//srv/share/a.txt"), "file://srv/share/a.txt");
        assert_eq!(artifact_uri("C:/x/a.txt"), "file:///C:/x/a.txt");
        if cfg!(windows) {
            assert_eq!(artifact_uri(r"dir\a.txt"), "dir/a.txt");
        } else {
            assert_eq!(artifact_uri(r"dir\a.txt"), "dir%5Ca.txt");
        }
    }
}
