//! The built-in rules are data with tests: every example of every rule must
//! behave as declared, and the rule files must keep their conventions.

use std::collections::{BTreeMap, HashSet};

use hegui::engine::Checker;
use hegui::examples::run_examples;
use hegui::finding::Category;
use hegui::rules::{RuleError, RuleSet, RuleSetBuilder};

const RULE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");

/// The errors of loading `text` as the rule file `file`, without the
/// built-in rules; the file must not load.
fn load_errors(file: &str, text: &str) -> Vec<RuleError> {
    let mut builder = RuleSetBuilder::without_builtin_rules();
    builder.add_pack(vec![(file.to_string(), text.to_string())]);
    builder.build().expect_err("the file is refused").0
}

fn rule_files() -> Vec<(String, toml::Table)> {
    let mut files: Vec<_> = std::fs::read_dir(RULE_DIR)
        .expect("rules/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable rule file");
            let table = text.parse::<toml::Table>().expect("valid TOML");
            (path.display().to_string(), table)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

#[test]
fn every_rule_example_behaves_as_declared() {
    let report = run_examples(&Checker::new(RuleSet::builtin()));
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| {
            let want = if f.expected_match {
                "must match"
            } else {
                "must not match"
            };
            format!("{} ({}) {want}: {}", f.rule, f.origin, f.text)
        })
        .collect();
    assert!(
        failures.is_empty(),
        "rule examples failed:\n{}",
        failures.join("\n")
    );
    assert!(report.passed > 0);
}

#[test]
fn every_category_has_rules() {
    let rules = RuleSet::builtin();
    for category in Category::ALL.into_iter().chain(Category::FURTHER) {
        assert!(
            rules.rules.iter().any(|r| r.info.category == category),
            "no rule for {category}"
        );
    }
}

#[test]
fn rule_ids_are_unique_and_match_their_category() {
    let rules = RuleSet::builtin();
    let mut seen = HashSet::new();
    for rule in &rules.rules {
        let info = &rule.info;
        assert!(seen.insert(info.id.clone()), "duplicate id {}", info.id);
        let letter = match info.category {
            Category::Threat => 'T',
            Category::Insult => 'I',
            Category::Impersonation => 'M',
            Category::ThirdPartyDisclosure => 'D',
            Category::FalseClaim => 'F',
            Category::Harassment => 'H',
            Category::PublicizeDebt => 'P',
            Category::NonLiablePayment => 'L',
            Category::PrivateAccount => 'A',
            Category::InduceBorrowing => 'B',
            Category::MissingIdentification => 'N',
            Category::Suppression => 'S',
        };
        assert!(
            info.id.starts_with(&format!("HG-{letter}")) && info.id.len() == 7,
            "id {} does not follow HG-{letter}NNN",
            info.id
        );
    }
}

#[test]
fn every_rule_says_why_and_what_to_say_instead() {
    for rule in &RuleSet::builtin().rules {
        let info = &rule.info;
        for (field, value) in [
            ("title", &info.title),
            ("message", &info.message),
            ("basis", &info.basis),
            ("suggestion", &info.suggestion),
        ] {
            assert!(
                value
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: {field} must be written in Chinese",
                info.id
            );
        }
        assert!(!rule.must_match.is_empty() && !rule.no_match.is_empty());
    }
}

#[test]
fn lexicon_terms_are_unique_within_each_list() {
    for (file, table) in rule_files() {
        let Some(lexicons) = table.get("lexicon").and_then(|l| l.as_table()) else {
            continue;
        };
        for (name, terms) in lexicons {
            let terms = terms.as_array().expect("a lexicon is a list");
            let mut seen = BTreeMap::new();
            for term in terms {
                let term = term.as_str().expect("terms are strings");
                assert!(
                    seen.insert(term, ()).is_none(),
                    "{file}: lexicon `{name}` lists `{term}` twice"
                );
            }
        }
    }
}

#[test]
fn lexicon_names_are_unique_across_files() {
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for (file, table) in rule_files() {
        if let Some(lexicons) = table.get("lexicon").and_then(|l| l.as_table()) {
            for name in lexicons.keys() {
                if let Some(first) = owner.insert(name.clone(), file.clone()) {
                    panic!("lexicon `{name}` is defined in both {first} and {file}");
                }
            }
        }
    }
}

#[test]
fn broken_rule_files_report_every_problem_with_its_position() {
    let broken = r#"
[[rule]]
id = "X-1"
category = "threats"
severity = "error"
title = "t"
message = "m"
basis = "b"
suggestion = "s"
when = { terms = ["@nowhere"], within = 3 }
examples.match = ["a"]
examples.no_match = ["b"]
"#;
    let errors = load_errors("broken.toml", broken);
    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("broken.toml:4:") && m.contains("threats")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`within` and `ordered` apply only to `near`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("unknown lexicon `@nowhere`")),
        "{messages:?}"
    );
}

#[test]
fn document_facts_cannot_excuse_a_line() {
    // A line is judged before its document is read, so a fact in `unless`
    // could never be true there: the rule must say it in `when`.
    let rule = r#"
[[rule]]
id = "X-2"
category = "harassment"
severity = "error"
title = "t"
message = "m"
basis = "b"
suggestion = "s"
when = { terms = ["连拨"] }
unless = [{ not = { document = "collection" } }]
examples.match = ["连拨十次"]
examples.no_match = ["b"]
"#;
    let errors = load_errors("fact.toml", rule);
    assert!(
        errors
            .iter()
            .any(|e| e.to_string().contains("`document` facts belong in `when`")),
        "{errors:?}"
    );
    let negated = rule
        .replace("X-2", "X-3")
        .replace(
            r#"when = { terms = ["连拨"] }"#,
            r#"when = { all = [{ terms = ["连拨"] }, { not = { document = "collection" } }] }"#,
        )
        .replace(r#"unless = [{ not = { document = "collection" } }]"#, "");
    let errors = load_errors("fact.toml", &negated);
    assert!(
        errors
            .iter()
            .any(|e| e.to_string().contains("can be required, not negated")),
        "{errors:?}"
    );
}

#[test]
fn toml_syntax_errors_point_at_the_line() {
    let errors = load_errors("bad.toml", "[lexicon]\nx = [\"a\",\n");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].file, "bad.toml");
    assert!(errors[0].line >= 2, "{:?}", errors[0]);
}

#[test]
fn a_later_pack_overrides_a_rule_of_the_same_id() {
    let base = RuleSet::builtin();
    let first = base.rules.first().expect("rules exist");
    let replacement = format!(
        r#"
[[rule]]
id = "{}"
category = "insult"
severity = "info"
title = "替换"
message = "替换"
basis = "替换"
suggestion = "替换"
when = {{ terms = ["测试替换词"] }}
examples.match = ["测试替换词"]
examples.no_match = ["别的"]
"#,
        first.info.id
    );
    let mut builder = RuleSetBuilder::new();
    builder.add_pack(vec![("override.toml".to_string(), replacement)]);
    let rules = builder.build().expect("valid override");
    assert_eq!(rules.rules.len(), base.rules.len());
    let replaced = rules.get(&first.info.id).expect("still there");
    assert_eq!(replaced.info.title, "替换");
    assert_eq!(replaced.origin, "override.toml");
}

#[test]
fn lexicon_cycles_are_reported() {
    let text = "[lexicon]\na = [\"@b\"]\nb = [\"@a\"]\n\n[[rule]]\nid = \"C-1\"\ncategory = \"insult\"\nseverity = \"error\"\ntitle = \"t\"\nmessage = \"m\"\nbasis = \"b\"\nsuggestion = \"s\"\nwhen = { terms = [\"@a\"] }\nexamples.match = [\"x\"]\nexamples.no_match = [\"y\"]\n";
    let errors = load_errors("cycle.toml", text);
    assert!(
        errors.iter().any(|e| e.message.contains("includes itself")),
        "{errors:?}"
    );
}
