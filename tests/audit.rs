//! `hegui audit` end to end, through the real binary: formats, every class
//! of malformed input, record accounting, metadata rules at their
//! thresholds, profiles, redaction, output order and the HTML report.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const HEADER: &str = "id,text,agent_id,debtor_id,call_time,phone,relation,connected\n";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/audit")
        .join(name)
}

fn hegui(args: &[&str], dir: &Path, threads: usize) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hegui"))
        .arg("audit")
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .output()
        .expect("hegui runs")
}

/// Runs an audit with `--output-dir out` and returns (exit code, stderr,
/// findings, summary).
fn audit_to_dir(args: &[&str], dir: &Path) -> (i32, String, Vec<Value>, Value) {
    let mut all = args.to_vec();
    all.extend(["--output-dir", "out"]);
    let output = hegui(&all, dir, 2);
    assert!(
        output.stdout.is_empty(),
        "nothing on stdout with --output-dir"
    );
    let findings = std::fs::read_to_string(dir.join("out/findings.jsonl"))
        .expect("findings.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let summary = serde_json::from_str(
        &std::fs::read_to_string(dir.join("out/summary.json")).expect("summary.json"),
    )
    .expect("summary JSON");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        findings,
        summary,
    )
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).expect("write fixture");
}

/// The record id and the value of `field` of each finding of `rule`, in
/// order.
fn of_rule<'a>(findings: &'a [Value], rule: &str, field: &str) -> Vec<(&'a str, &'a str)> {
    findings
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| (f["record"].as_str().unwrap(), f[field].as_str().unwrap()))
        .collect()
}

fn rules_of(findings: &[Value]) -> Vec<(u64, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f["row"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_accounting(summary: &Value) {
    for file in summary["files"].as_array().unwrap() {
        let n = |k: &str| file[k].as_u64().unwrap();
        assert_eq!(
            n("read"),
            n("checked") + n("skipped") + n("failed"),
            "accounting of {file}"
        );
    }
    let t = &summary["totals"];
    let n = |k: &str| t[k].as_u64().unwrap();
    assert_eq!(n("read"), n("checked") + n("skipped") + n("failed"));
}

#[test]
fn csv_jsonl_and_transcripts_happy_path() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["calls.csv", "calls.jsonl"] {
        std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    }
    let transcripts = fixture("transcripts");
    let (code, stderr, findings, summary) = audit_to_dir(
        &["calls.csv", "calls.jsonl", transcripts.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(code, 1, "findings, no failures: {stderr}");
    assert_accounting(&summary);
    let files = summary["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(
        (files[0]["read"].as_u64(), files[0]["checked"].as_u64()),
        (Some(5), Some(5))
    );
    // JSONL: a blank line is read and skipped.
    assert_eq!(files[1]["format"], "jsonl");
    assert_eq!(
        (files[1]["read"].as_u64(), files[1]["skipped"].as_u64()),
        (Some(4), Some(1))
    );
    // Transcripts: the binary file is skipped.
    assert_eq!(files[2]["format"], "transcripts");
    assert_eq!(
        (files[2]["checked"].as_u64(), files[2]["skipped"].as_u64()),
        (Some(2), Some(1))
    );

    let csv: Vec<_> = findings
        .iter()
        .filter(|f| f["path"] == "calls.csv")
        .collect();
    let threat = csv
        .iter()
        .find(|f| f["rule"] == "HG-T001")
        .expect("threat on R2");
    assert_eq!(threat["record"], "R2");
    assert_eq!(threat["row"], 3);
    // The evidence starts at the pressure on the debtor ("你再不还钱").
    assert_eq!(
        (threat["line"].as_u64(), threat["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(threat["agent"], "A02");
    assert_eq!(threat["time"], "2026-11-21 23:15:00");
    assert_eq!(threat["category"], "threat");
    assert!(threat["excerpt"].as_str().unwrap().contains("小心你家里人"));
    // The multi-line transcript in a quoted field: finding on its 3rd line.
    let disclosure = csv
        .iter()
        .find(|f| f["rule"] == "HG-D901")
        .expect("contact disclosure");
    assert_eq!(disclosure["record"], "R3");
    assert_eq!(disclosure["line"], 3);
    assert!(
        disclosure["message"]
            .as_str()
            .unwrap()
            .contains("向联系人（同事）透露欠款信息")
    );
    assert_eq!(disclosure["category"], "third_party_disclosure");
    // R4 spoke to a spouse without disclosing anything.
    assert!(!csv.iter().any(|f| f["record"] == "R4"));

    // JSONL with Chinese keys, numeric ids and boolean flags.
    let jsonl: Vec<_> = findings
        .iter()
        .filter(|f| f["path"] == "calls.jsonl")
        .collect();
    assert!(
        jsonl
            .iter()
            .any(|f| f["record"] == "101" && f["category"] == "impersonation")
    );
    assert!(
        jsonl
            .iter()
            .any(|f| f["record"] == "101" && f["rule"] == "HG-H901")
    );
    assert!(
        jsonl
            .iter()
            .any(|f| f["record"] == "103" && f["message"].as_str().unwrap().contains("（父母）"))
    );

    let transcript = findings
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("call-001.txt"))
        .expect("a transcript finding");
    assert_eq!(transcript["line"], 3);
    assert_eq!(transcript["record"], transcript["path"]);

    assert_eq!(summary["version"], 1);
    assert_eq!(summary["metadata"]["quiet_hours"], 2);
    assert_eq!(summary["metadata"]["contact_disclosure"], 2);
    for category in [
        "threat",
        "insult",
        "impersonation",
        "third_party_disclosure",
        "false_claim",
        "harassment",
    ] {
        assert!(
            summary["by_category"][category].is_u64(),
            "{category} listed"
        );
    }
}

#[test]
fn findings_go_to_stdout_without_an_output_dir() {
    let output = hegui(&[fixture("calls.csv").to_str().unwrap()], Path::new("."), 2);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.lines().count() >= 4);
    for line in stdout.lines() {
        serde_json::from_str::<Value>(line).expect("JSON line");
    }
    assert!(output.stderr.is_empty(), "quiet when not on a terminal");
}

/// Each malformed class is reported with file and row, counted by kind, and
/// the records after it are still checked; the exit code is 2.
#[test]
fn every_malformed_class_is_reported_counted_and_skipped_over() {
    let dir = tempfile::tempdir().unwrap();
    let ok_threat = "你再不还钱，小心你家里人出点什么事。";
    let mut csv = Vec::from(HEADER.as_bytes());
    csv.extend_from_slice(
        b"R1,\xe4\xbd\xa0\xff\xfe,A1,D1,2026-11-21 10:00:00,138,\xe6\x9c\xac\xe4\xba\xba,1\n",
    ); // row 2: undecodable
    csv.extend_from_slice("R2,说\"好\"的,A1,D1,2026-11-21 10:00:00,138,本人,1\n".as_bytes()); // row 3: bad quoting
    csv.extend_from_slice("R3,\"引号\"之后,A1,D1,2026-11-21 10:00:00,138,本人,1\n".as_bytes()); // row 4: bad quoting
    csv.extend_from_slice("R4,少了列,A1\n".as_bytes()); // row 5: wrong column count
    csv.extend_from_slice("R5,多了列,A1,D1,2026-11-21 10:00:00,138,本人,1,extra\n".as_bytes()); // row 6
    csv.extend_from_slice("R6,时间不对,A1,D1,2026-13-45 10:00,138,本人,1\n".as_bytes()); // row 7: bad timestamp
    csv.extend_from_slice(",,,,,,,\n".as_bytes()); // row 8: blank, skipped
    csv.extend_from_slice(
        format!("R7,{ok_threat},A1,D1,2026-11-21 10:00:00,138,本人,1\n").as_bytes(),
    ); // row 9
    csv.extend_from_slice("R8,\"没有闭合的引号,A1,D1,2026-11-21 10:00:00,138,本人,1\n".as_bytes()); // row 10: unterminated
    csv.extend_from_slice(
        format!("R9,{ok_threat},A1,D1,2026-11-21 11:00:00,138,本人,1\n").as_bytes(),
    ); // row 11
    write(dir.path(), "bad.csv", &csv);
    let jsonl = format!(
        "{{\"id\":\"J1\",\"text\":\"{ok_threat}\"}}\n{{\"id\":\"J2\",\"text\":\"缺了括号\"\n[1,2]\n{{\"id\":\"J4\",\"text\":\"时间\",\"call_time\":\"明天\"}}\n{{\"id\":\"J5\",\"memo\":\"没有文本字段\"}}\n{{\"id\":\"J6\",\"text\":\"{ok_threat}\"}}\n"
    );
    write(dir.path(), "bad.jsonl", jsonl);

    let (code, stderr, findings, summary) = audit_to_dir(&["bad.csv", "bad.jsonl"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert_accounting(&summary);
    for (row, kind) in [
        (2, "undecodable"),
        (3, "bad_quoting"),
        (4, "bad_quoting"),
        (5, "wrong_column_count"),
        (6, "wrong_column_count"),
        (7, "bad_timestamp"),
        (10, "bad_quoting"),
    ] {
        assert!(
            stderr.contains(&format!("bad.csv:{row}: {kind}:")),
            "bad.csv row {row} {kind} in:\n{stderr}"
        );
    }
    for (row, kind) in [
        (2, "invalid_json"),
        (3, "invalid_json"),
        (4, "bad_timestamp"),
        (5, "missing_text"),
    ] {
        assert!(
            stderr.contains(&format!("bad.jsonl:{row}: {kind}:")),
            "bad.jsonl row {row} {kind} in:\n{stderr}"
        );
    }
    let files = summary["files"].as_array().unwrap();
    let csv_file = &files[0];
    assert_eq!(csv_file["read"], 10);
    assert_eq!(csv_file["failed"], 7);
    assert_eq!(csv_file["skipped"], 1);
    assert_eq!(csv_file["checked"], 2);
    let jsonl_file = &files[1];
    assert_eq!(
        (jsonl_file["read"].as_u64(), jsonl_file["failed"].as_u64()),
        (Some(6), Some(4))
    );
    assert_eq!(summary["errors_by_kind"]["bad_quoting"], 3);
    assert_eq!(summary["errors_by_kind"]["wrong_column_count"], 2);
    assert_eq!(summary["errors_by_kind"]["bad_timestamp"], 2);
    assert_eq!(summary["errors_by_kind"]["undecodable"], 1);
    assert_eq!(summary["errors_by_kind"]["invalid_json"], 2);
    assert_eq!(summary["errors"].as_array().unwrap().len(), 11);
    let error = &summary["errors"][0];
    assert_eq!(
        (error["path"].as_str(), error["row"].as_u64()),
        (Some("bad.csv"), Some(2))
    );
    // The rows after each problem, including after the unterminated quote, were checked.
    let records: Vec<&str> = findings
        .iter()
        .map(|f| f["record"].as_str().unwrap())
        .collect();
    for id in ["R7", "R9", "J1", "J6"] {
        assert!(records.contains(&id), "{id} checked: {records:?}");
    }
}

#[test]
fn a_whole_bad_input_fails_but_the_others_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nocol.csv", "id,memo\n1,hello\n");
    std::fs::copy(fixture("calls.csv"), dir.path().join("calls.csv")).unwrap();
    let (code, stderr, findings, summary) =
        audit_to_dir(&["missing.csv", "nocol.csv", "calls.csv"], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.csv: cannot read"), "{stderr}");
    assert!(stderr.contains("nocol.csv: no text column"), "{stderr}");
    assert!(!findings.is_empty());
    assert_eq!(summary["totals"]["failed_files"], 2);
    // --text-col maps the odd header.
    let (code, _, _, summary) = audit_to_dir(&["nocol.csv", "--text-col", "memo"], dir.path());
    assert_eq!(code, 0);
    assert_eq!(summary["files"][0]["checked"], 1);
    let missing = summary["files"][0]["missing_columns"].as_array().unwrap();
    assert!(missing.iter().any(|m| m == "time"));
}

fn calls(rows: &[(&str, &str, &str, &str)]) -> String {
    // (time, debtor, phone, connected)
    let mut csv = HEADER.to_string();
    for (i, (time, debtor, phone, connected)) in rows.iter().enumerate() {
        csv.push_str(&format!(
            "R{},客户表示明天还款。,A1,{debtor},{time},{phone},本人,{connected}\n",
            i + 1
        ));
    }
    csv
}

#[test]
fn quiet_hours_at_the_boundaries_and_the_us_profile() {
    let dir = tempfile::tempdir().unwrap();
    let times = [
        "2026-11-21 07:59:59",
        "2026-11-21 08:00:00",
        "2026-11-21 20:59:00",
        "2026-11-21 21:00:00",
        "2026-11-21 21:59:59",
        "2026-11-21 22:00:00",
        "2026-11-21T14:30:00Z", // 22:30 in +08:00
    ];
    let rows: Vec<_> = times.iter().map(|t| (*t, "D1", "138", "")).collect();
    write(dir.path(), "t.csv", calls(&rows));
    let quiet_rows = |args: &[&str]| -> Vec<u64> {
        let (_, _, findings, _) = audit_to_dir(args, dir.path());
        findings
            .iter()
            .filter(|f| f["rule"] == "HG-H901")
            .map(|f| f["row"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(quiet_rows(&["t.csv"]), vec![2, 7, 8]);
    assert_eq!(quiet_rows(&["t.csv", "--profile", "us"]), vec![2, 5, 6, 7]);
    assert_eq!(
        quiet_rows(&["t.csv", "--quiet-hours", "21:30-07:00"]),
        vec![6, 7, 8]
    );
    let (_, _, findings, summary) = audit_to_dir(&["t.csv", "--profile", "us"], dir.path());
    assert!(findings[0]["basis"].as_str().unwrap().contains("FDCPA"));
    assert_eq!(summary["profile"]["quiet_hours"], "21:00-08:00");
}

#[test]
fn connected_calls_and_unanswered_attempts_at_and_over_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = Vec::new();
    // D1: 3 connected calls (at the limit); D2: 4 (over); a different day
    // and unanswered calls do not count towards connected calls.
    for h in ["09", "10", "11"] {
        rows.push((format!("2026-11-21 {h}:00:00"), "D1", "13800000001", "1"));
    }
    rows.push(("2026-11-22 09:00:00".to_string(), "D1", "13800000001", "1"));
    for h in ["09", "10", "11", "12"] {
        rows.push((format!("2026-11-21 {h}:30:00"), "D2", "13800000002", "1"));
    }
    // Number ...03: 6 unanswered attempts (at the limit); ...04: 7 (over).
    for m in 10..16 {
        rows.push((format!("2026-11-21 13:{m}:00"), "D3", "13800000003", "0"));
    }
    for m in 10..17 {
        rows.push((
            format!("2026-11-21 14:{m}:00"),
            "D4",
            "+86 138-0000-0004",
            "0",
        ));
    }
    let refs: Vec<_> = rows
        .iter()
        .map(|(t, d, p, c)| (t.as_str(), *d, *p, *c))
        .collect();
    // Times are sorted within each group, the groups interleave days: keep
    // them in time order as a real export would be.
    write(dir.path(), "f.csv", calls(&refs));
    let (code, _, findings, summary) = audit_to_dir(&["f.csv"], dir.path());
    assert_eq!(code, 1);
    let hits = rules_of(&findings);
    // Row = index + 2 (header is row 1): D2's 4th call is index 7 → row 9;
    // number ...04's 7th attempt is index 20 → row 22.
    assert_eq!(
        hits,
        vec![(9, "HG-H902".to_string()), (22, "HG-H903".to_string())]
    );
    let unanswered = &findings[1];
    assert!(unanswered["message"].as_str().unwrap().contains("第 7 次"));
    assert!(
        unanswered["message"]
            .as_str()
            .unwrap()
            .contains("138-****-0004"),
        "masked phone"
    );
    assert_eq!(summary["metadata"]["connected_calls"], 1);
    assert_eq!(summary["metadata"]["unanswered_attempts"], 1);
    assert_eq!(summary["frequency_out_of_window"], 0);

    // Limits come from flags too.
    let (_, _, findings, _) = audit_to_dir(
        &["f.csv", "--max-connected", "2", "--max-unanswered", "7"],
        dir.path(),
    );
    assert_eq!(
        rules_of(&findings),
        vec![(4, "HG-H902".to_string()), (8, "HG-H902".to_string())]
    );
}

#[test]
fn redaction_is_on_by_default_and_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let text = "你再不还钱，小心你家里人出点什么事。手机13812345678，身份证11010519900307123X，卡号6222021234567890123，热线400-820-1234";
    write(
        dir.path(),
        "r.csv",
        format!("{HEADER}R1,{text},A1,D1,2026-11-21 10:00:00,138,本人,1\n"),
    );
    let (_, _, findings, summary) = audit_to_dir(&["r.csv"], dir.path());
    let excerpt = findings[0]["excerpt"].as_str().unwrap();
    assert!(excerpt.contains("138****5678"), "{excerpt}");
    assert!(excerpt.contains("110***********123X"), "{excerpt}");
    assert!(excerpt.contains("6222***********0123"), "{excerpt}");
    assert!(excerpt.contains("400-820-1234"), "hotline kept: {excerpt}");
    assert_eq!(summary["redacted"], true);
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(!html.contains("13812345678") && html.contains("138****5678"));

    let (_, _, findings, summary) = audit_to_dir(&["r.csv", "--no-redact"], dir.path());
    assert!(
        findings[0]["excerpt"]
            .as_str()
            .unwrap()
            .contains("13812345678")
    );
    assert_eq!(summary["redacted"], false);
}

#[test]
fn output_order_is_input_order_with_several_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_string();
    for i in 0..3000 {
        let text = match i % 5 {
            0 => "你再不还钱，小心你家里人出点什么事。",
            1 => "我是法院的，你的案子已经立案了。",
            _ => "客户表示明天还款。",
        };
        csv.push_str(&format!(
            "R{i},{text},A{},D{i},2026-11-21 10:00:00,138,本人,1\n",
            i % 7
        ));
    }
    write(dir.path(), "many.csv", csv);
    let run = |threads: usize| {
        let output = hegui(&["many.csv", "--chunk-size", "37"], dir.path(), threads);
        assert_eq!(output.status.code(), Some(1));
        output.stdout
    };
    let single = run(1);
    let multi = run(4);
    assert_eq!(single, multi, "same bytes with 1 and 4 threads");
    let rows: Vec<u64> = String::from_utf8(multi)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["row"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(rows.len() >= 1200);
    assert!(rows.windows(2).all(|w| w[0] <= w[1]), "rows in input order");
}

/// Notes with digits are judged by their skeleton on calls to the debtor
/// and one by one (with their debt mention) on calls to contacts; the text
/// rules must find the same either way, including where a digit's value
/// matters ("23点").
#[test]
fn notes_with_digits_have_the_same_text_findings_whoever_was_called() {
    let dir = tempfile::tempdir().unwrap();
    let notes = [
        "你再不还钱，小心你家里人出点什么事。欠款800元",
        "欠款8650元，我是法院的，你的案子已经立案了。",
        "今晚23点我们还会再打给你，直到你还钱为止。",
        "今晚13点我们还会再打给你，直到你还钱为止。",
        "坐席：您好，您的账单已逾期93天。\n客户：我15号还。",
        "[00:01:23] 坐席：再不还钱就让你上征信黑名单，第2次提醒。",
        "客户表示本周五发工资后还款791元，已提醒按时还款。",
    ];
    let mut csv = HEADER.to_string();
    for (i, note) in notes.iter().enumerate() {
        for relation in ["本人", "配偶"] {
            csv.push_str(&format!(
                "R{i}-{relation},\"{note}\",A1,D{i},2026-11-21 10:00:00,1,{relation},1\n"
            ));
        }
    }
    write(dir.path(), "notes.csv", csv);
    let (_, _, findings, summary) = audit_to_dir(&["notes.csv"], dir.path());
    let text_findings = |relation: &str| {
        let mut found: Vec<String> = findings
            .iter()
            .filter(|f| f["line"].is_u64() && f["rule"] != "HG-D901")
            .filter(|f| f["record"].as_str().unwrap().ends_with(relation))
            .map(|f| {
                let record = f["record"].as_str().unwrap();
                let note = record.split('-').next().unwrap();
                let place = (&f["rule"], &f["line"], &f["column"], &f["excerpt"]);
                format!("{note} {place:?}")
            })
            .collect();
        found.sort();
        found
    };
    let to_debtor = text_findings("本人");
    assert!(to_debtor.len() >= 5, "{to_debtor:?}");
    assert_eq!(to_debtor, text_findings("配偶"));
    assert_accounting(&summary);
}

/// A write that fails (the reader of stdout goes away) ends the audit with
/// an error naming it, whichever worker was writing; reading stops.
#[test]
fn a_failed_write_ends_the_audit_with_an_error() {
    use std::io::Read;
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_string();
    for i in 0..20_000 {
        csv.push_str(&format!(
            "R{i},我是法院的，你的案子已经立案了。,A1,D{i},2026-11-21 23:00:00,138,本人,1\n"
        ));
    }
    write(dir.path(), "many.csv", csv);
    let mut child = Command::new(env!("CARGO_BIN_EXE_hegui"))
        .args(["audit", "many.csv", "--chunk-size", "50"])
        .current_dir(dir.path())
        .env("RAYON_NUM_THREADS", "4")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hegui runs");
    let mut first = [0u8; 100];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("findings start");
    // The pipe's reader is gone now.
    let output = child.wait_with_output().expect("hegui ends");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("cannot write findings"), "{stderr}");
}

#[test]
fn html_report_is_self_contained_with_its_charts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("calls.csv"), dir.path().join("calls.csv")).unwrap();
    audit_to_dir(&["calls.csv"], dir.path());
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for needle in [
        "http://", "https://", "<script", "<link", "src=", "@import", "url(",
    ] {
        assert!(!html.contains(needle), "report contains `{needle}`");
    }
    for chart in [
        "chart-rules",
        "chart-categories",
        "chart-agents",
        "chart-hours",
        "chart-calls",
        "chart-metadata",
    ] {
        assert!(
            html.contains(&format!("<svg class=\"chart\" id=\"{chart}\"")),
            "chart {chart}"
        );
    }
    assert!(
        html.contains("<mark>"),
        "highlighted excerpts in the sample"
    );
    assert!(html.contains("id=\"accounting\""));
}

#[test]
fn dump_terms_writes_the_literal_term_list() {
    let dir = tempfile::tempdir().unwrap();
    let output = hegui(&["--dump-terms", "terms.txt"], dir.path(), 1);
    assert_eq!(output.status.code(), Some(0));
    let terms = std::fs::read_to_string(dir.path().join("terms.txt")).unwrap();
    let terms: Vec<&str> = terms.lines().collect();
    assert!(terms.len() > 100);
    assert!(terms.contains(&"法院"));
    assert!(terms.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
}

#[test]
fn a_repeated_note_is_judged_afresh_for_each_record() {
    // The same text to the debtor, to two different contacts and to the
    // debtor again: what the text says is the same each time, what it
    // means depends on the record (the contact relation, the time).
    let dir = tempfile::tempdir().unwrap();
    let note = "已告知其本月账单逾期金额3000元，请尽快还款。";
    let mut csv = HEADER.to_string();
    for (id, time, relation) in [
        ("1", "2026-11-21 10:00:00", "本人"),
        ("2", "2026-11-21 10:05:00", "同事"),
        ("3", "2026-11-21 23:10:00", "父母"),
        ("4", "2026-11-21 10:20:00", "本人"),
    ] {
        csv.push_str(&format!(
            "{id},{note},A1,D{id},{time},1380013800{id},{relation},1\n"
        ));
    }
    write(dir.path(), "notes.csv", csv);
    let (_, _, findings, summary) = audit_to_dir(&["notes.csv"], dir.path());
    let disclosures = of_rule(&findings, "HG-D901", "message");
    assert_eq!(disclosures.len(), 2, "{findings:?}");
    assert_eq!(disclosures[0].0, "2");
    assert!(
        disclosures[0].1.contains("（同事）"),
        "{}",
        disclosures[0].1
    );
    assert_eq!(disclosures[1].0, "3");
    assert!(
        disclosures[1].1.contains("（父母）"),
        "{}",
        disclosures[1].1
    );
    let quiet: Vec<&str> = of_rule(&findings, "HG-H901", "record")
        .into_iter()
        .map(|(record, _)| record)
        .collect();
    assert_eq!(quiet, vec!["3"]);
    assert_accounting(&summary);
}

#[test]
fn notes_differing_only_in_digits_each_show_their_own() {
    // The text rules may judge such notes once, on their common skeleton;
    // each finding still quotes (and masks) its own note.
    let dir = tempfile::tempdir().unwrap();
    let notes = [
        "你再不还钱，小心你家里人出点什么事。欠款800元，手机13812345678",
        "你再不还钱，小心你家里人出点什么事。欠款500元，手机13987654321",
    ];
    let mut csv = HEADER.to_string();
    for (i, note) in notes.iter().enumerate() {
        csv.push_str(&format!(
            "R{i},{note},A1,D{i},2026-11-21 10:00:00,1,本人,1\n"
        ));
    }
    write(dir.path(), "notes.csv", csv);
    let (_, _, findings, summary) = audit_to_dir(&["notes.csv"], dir.path());
    let excerpts = of_rule(&findings, "HG-T001", "excerpt");
    assert_eq!(excerpts.len(), 2, "{findings:?}");
    assert_eq!(excerpts[0].0, "R0");
    assert!(
        excerpts[0].1.contains("欠款800元，手机138****5678"),
        "{excerpts:?}"
    );
    assert_eq!(excerpts[1].0, "R1");
    assert!(
        excerpts[1].1.contains("欠款500元，手机139****4321"),
        "{excerpts:?}"
    );
    assert_accounting(&summary);
}
