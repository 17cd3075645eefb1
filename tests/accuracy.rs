//! Accuracy on labelled corpora written to GUIDELINES.md, and the
//! false-alarm rate on ordinary dialogue (`tests/corpus/everyday.txt`).
//!
//! - `labelled.jsonl`: our own corpus, used while writing the rules.
//! - `independent-1.jsonl`, `independent-2.jsonl`: written by two other
//!   authors without seeing the rules; rule authors later studied their
//!   misses, by family of phrasing, to generalize the rules.
//! - `independent-3.jsonl`: written by a fourth author and never used to
//!   change a rule — the honest estimate of accuracy on unseen text, so its
//!   floors sit just under what it measured (line F1 0.886).
//! - `documents.jsonl`: multi-line documents of every genre (transcripts,
//!   ASR output, script templates, call logs, chat logs, training material
//!   with PDF wraps, complaints, news and QA reports), written by another
//!   author to GUIDELINES.md and kept out of rule writing: the estimate of
//!   accuracy on whole documents.
//! - `documents-a.jsonl`, `documents-b.jsonl`, `documents-c.jsonl`: three
//!   more sets of documents by three other authors, written blind to the
//!   rules with the families of issue 16 in mind (veiled threats, invented
//!   authorities, log harassment, dialect insults, disclosure by action).
//!   The misses of all three were studied, by family, to generalize the
//!   rules.
//! - `documents-d.jsonl` … `documents-h.jsonl`: five more sets by five more
//!   authors, in different regional and source styles. Each was scored
//!   blind when it arrived (d–f at line F1 0.813–0.834, g 0.828, h 0.857)
//!   and its misses were studied afterwards, by family.
//! - `documents-i.jsonl`, `documents-j.jsonl`: 34 and 32 documents by two
//!   more authors, scored blind on arrival (line F1 0.806 and 0.772); their
//!   misses were studied since, by family.
//! - `independent-4.jsonl`: one-line cases by another author; the odd
//!   cases were studied first, then the even ones.
//! - `independent-5.jsonl`: one-line cases by yet another author, scored
//!   blind (line F1 0.769); its misses were studied afterwards, by family
//!   (line F1 0.973).
//! - `independent-6.jsonl`: 400 one-line cases by another author, scored
//!   blind on arrival (line F1 0.802), studied since.
//! - `documents-k.jsonl`: 32 documents by another author, scored blind on
//!   arrival (line F1 0.754), studied since.
//! - `documents-l.jsonl`, `independent-7.jsonl`: 48 documents and 431
//!   one-line cases by two more authors, scored blind on arrival (line F1
//!   0.878 and 0.840); studied since, for the document model only.
//! - `documents-m.jsonl`, `independent-8.jsonl`: 48 documents and 437
//!   one-line cases by two more authors, scored blind on arrival (line F1
//!   0.868 and 0.891); studied since and trained on.
//! - `documents-n.jsonl`, `independent-9.jsonl`: 48 documents and 443
//!   one-line cases by two more authors, scored blind on arrival (line F1
//!   0.875 and 0.919); studied since and trained on.
//! - `documents-o.jsonl`, `independent-10.jsonl`: 50 documents and 450
//!   one-line cases by two more authors, scored blind on arrival (line F1
//!   0.812 and 0.917); studied since and trained on.
//! - `documents-p.jsonl`: 50 documents by another author, scored blind on
//!   arrival (line F1 0.936); studied since and trained on.
//! - `independent-11.jsonl`, `documents-q.jsonl`, `independent-12.jsonl`:
//!   461 one-line cases, 50 documents and 458 one-line cases by three more
//!   authors, scored blind on arrival (line F1 0.938, 0.897 and 0.899);
//!   studied since and trained on.
//! - `independent-13.jsonl`, `documents-r.jsonl`: 476 one-line cases and 50
//!   documents by two more authors, scored blind on arrival (line F1 0.926
//!   and 0.892); studied since and trained on.
//! - `documents-s.jsonl`: 50 documents by another author, scored blind on
//!   arrival (line F1 0.883); studied since and trained on.
//! - `independent-14.jsonl`, `independent-15.jsonl`, `documents-t.jsonl`:
//!   461 and 402 one-line cases and 40 documents by three more authors,
//!   scored blind on arrival (line F1 0.901, 0.971 and 0.882); studied since
//!   and trained on.
//! - `independent-16.jsonl`, `documents-u.jsonl`, `documents-v.jsonl`: 417
//!   one-line cases and two sets of 40 documents by three more authors,
//!   scored blind on arrival (line F1 0.920, 0.910 and 0.884); studied since
//!   and trained on.
//! - `independent-17.jsonl`, `documents-w.jsonl`: 418 one-line cases and 40
//!   documents by two more authors, scored blind on arrival (line F1 0.942
//!   and 0.861) and never trained on; `independent-17` is unread, the
//!   harassment misses of `documents-w` were studied for the document model
//!   (stamps of English exports, contact-list rounds).
//! - `documents-x.jsonl`: 40 documents by another author, written at the end
//!   of the round and scored blind on arrival (line F1 0.909); unread and
//!   never trained on.
//! - `real/seeds.jsonl`: the real public training material of the project's
//!   seeds, labelled by us line by line.
//!
//! Scoring follows `shared/tools/score.py`: a line counts once for the
//! any-violation F1; per category, a prediction listed in `also` is not a
//! false alarm.

use std::collections::{BTreeMap, BTreeSet};

use hegui::engine::Checker;
use hegui::finding::{Category, Finding};
use hegui::rules::RuleSet;
use hegui::source::SourceFile;
use serde::Deserialize;

/// Floors for one corpus. Raise them as the rules improve; never lower them
/// to make a change pass.
struct Floors {
    line_f1: f64,
    category_precision: f64,
    category_recall: f64,
}

/// Line F1 floor on the held-out documents, just under what was measured.
const FLOOR_DOCUMENTS_LINE_F1: f64 = 0.82;

/// Line F1 floor on the real training material, just under what was
/// measured; its 37 labelled lines make per-category figures too noisy
/// for floors of their own.
const FLOOR_SEEDS_LINE_F1: f64 = 0.85;

/// Ceiling for findings per line of everyday dialogue.
const MAX_EVERYDAY_FALSE_ALARM_RATE: f64 = 0.005;

#[derive(Deserialize)]
struct Case {
    id: String,
    lines: Vec<Line>,
}

#[derive(Deserialize)]
struct Line {
    text: String,
    labels: Vec<Category>,
    #[serde(default)]
    also: Vec<Category>,
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// One finding a line: rule id, line number and the line's text.
fn listing(source: &SourceFile, findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {}: {}",
                f.rule.id,
                f.start.line,
                source.line_text(f.start.line)
            )
        })
        .collect()
}

/// A bundled example file.
fn example(name: &str) -> SourceFile {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    SourceFile::new(path, text, "UTF-8")
}

fn corpus(name: &str) -> String {
    let path = format!("{}/tests/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn assert_floors(name: &str, floors: Floors) {
    let checker = Checker::new(RuleSet::builtin());
    let mut lines = Counts::default();
    let mut by_category: BTreeMap<Category, Counts> = BTreeMap::new();
    let mut errors = Vec::new();
    for raw in corpus(name).lines().filter(|l| !l.trim().is_empty()) {
        let case: Case = serde_json::from_str(raw).expect("valid corpus line");
        let text: String = case.lines.iter().map(|l| format!("{}\n", l.text)).collect();
        let source = SourceFile::new(case.id.clone(), text, "UTF-8");
        let mut found: BTreeMap<usize, BTreeSet<Category>> = BTreeMap::new();
        for finding in checker.check(&source) {
            found
                .entry(finding.start.line)
                .or_default()
                .insert(finding.rule.category);
        }
        for (n, line) in case.lines.iter().enumerate() {
            let predicted = found.remove(&(n + 1)).unwrap_or_default();
            match (line.labels.is_empty(), predicted.is_empty()) {
                (false, false) => lines.tp += 1,
                (true, false) => lines.fp += 1,
                (false, true) => lines.fn_ += 1,
                (true, true) => {}
            }
            for category in Category::ALL {
                let counts = by_category.entry(category).or_default();
                let gold = line.labels.contains(&category);
                let pred = predicted.contains(&category);
                if gold && pred {
                    counts.tp += 1;
                } else if pred && !gold && !line.also.contains(&category) {
                    counts.fp += 1;
                    errors.push(format!(
                        "false alarm {category}: {}:{} {}",
                        case.id,
                        n + 1,
                        line.text
                    ));
                } else if gold && !pred {
                    counts.fn_ += 1;
                    errors.push(format!(
                        "miss {category}: {}:{} {}",
                        case.id,
                        n + 1,
                        line.text
                    ));
                }
            }
        }
    }
    let mut report = format!("{name}: line F1 {:.3}\n", lines.f1());
    for (category, counts) in &by_category {
        report += &format!(
            "{category:24} precision {:.3} recall {:.3}\n",
            counts.precision(),
            counts.recall()
        );
    }
    let context = format!("{report}\n{}", errors.join("\n"));
    assert!(
        lines.f1() >= floors.line_f1,
        "line F1 below floor\n{context}"
    );
    for (category, counts) in &by_category {
        assert!(
            counts.precision() >= floors.category_precision,
            "{category} precision below floor\n{context}"
        );
        assert!(
            counts.recall() >= floors.category_recall,
            "{category} recall below floor\n{context}"
        );
    }
}

#[test]
fn own_labelled_corpus_meets_its_floors() {
    assert_floors(
        "labelled.jsonl",
        Floors {
            line_f1: 0.97,
            category_precision: 0.95,
            category_recall: 0.95,
        },
    );
}

#[test]
fn independent_corpora_studied_for_generalization_meet_their_floors() {
    for name in ["independent-1.jsonl", "independent-2.jsonl"] {
        assert_floors(
            name,
            Floors {
                line_f1: 0.97,
                category_precision: 0.95,
                category_recall: 0.95,
            },
        );
    }
}

#[test]
fn blind_independent_corpus_meets_its_floors() {
    assert_floors(
        "independent-3.jsonl",
        Floors {
            line_f1: 0.85,
            category_precision: 0.75,
            category_recall: 0.50,
        },
    );
}

#[test]
fn studied_one_line_corpus_meets_its_floors() {
    assert_floors(
        "independent-4.jsonl",
        Floors {
            line_f1: 0.89,
            category_precision: 0.90,
            category_recall: 0.68,
        },
    );
}

#[test]
fn unread_one_line_corpus_meets_its_floors() {
    assert_floors(
        "independent-6.jsonl",
        Floors {
            line_f1: 0.83,
            category_precision: 0.83,
            category_recall: 0.58,
        },
    );
}

#[test]
fn second_studied_one_line_corpus_meets_its_floors() {
    assert_floors(
        "independent-5.jsonl",
        Floors {
            line_f1: 0.95,
            category_precision: 0.90,
            category_recall: 0.88,
        },
    );
}

#[test]
fn held_out_documents_meet_their_floors() {
    assert_floors(
        "documents.jsonl",
        Floors {
            line_f1: FLOOR_DOCUMENTS_LINE_F1,
            category_precision: 0.85,
            category_recall: 0.5,
        },
    );
}

#[test]
fn documents_studied_for_generalization_meet_their_floors() {
    for name in [
        "documents-a.jsonl",
        "documents-b.jsonl",
        "documents-c.jsonl",
    ] {
        assert_floors(
            name,
            Floors {
                line_f1: 0.84,
                category_precision: 0.78,
                category_recall: 0.48,
            },
        );
    }
}

#[test]
fn later_document_sets_meet_their_floors() {
    for name in [
        "documents-d.jsonl",
        "documents-e.jsonl",
        "documents-f.jsonl",
        "documents-g.jsonl",
        "documents-h.jsonl",
    ] {
        assert_floors(
            name,
            Floors {
                line_f1: 0.82,
                category_precision: 0.75,
                category_recall: 0.50,
            },
        );
    }
}

#[test]
fn newest_documents_meet_their_floors() {
    assert_floors(
        "documents-i.jsonl",
        Floors {
            line_f1: 0.89,
            category_precision: 0.80,
            category_recall: 0.74,
        },
    );
    assert_floors(
        "documents-j.jsonl",
        Floors {
            line_f1: 0.86,
            category_precision: 0.78,
            category_recall: 0.72,
        },
    );
    assert_floors(
        "documents-k.jsonl",
        Floors {
            line_f1: 0.74,
            category_precision: 0.75,
            category_recall: 0.50,
        },
    );
}

#[test]
fn last_studied_sets_meet_their_floors() {
    assert_floors(
        "documents-l.jsonl",
        Floors {
            line_f1: 0.95,
            category_precision: 0.90,
            category_recall: 0.80,
        },
    );
    assert_floors(
        "independent-7.jsonl",
        Floors {
            line_f1: 0.90,
            category_precision: 0.88,
            category_recall: 0.64,
        },
    );
    assert_floors(
        "documents-m.jsonl",
        Floors {
            line_f1: 0.91,
            category_precision: 0.85,
            category_recall: 0.83,
        },
    );
    assert_floors(
        "independent-8.jsonl",
        Floors {
            line_f1: 0.92,
            category_precision: 0.80,
            category_recall: 0.85,
        },
    );
    assert_floors(
        "documents-n.jsonl",
        Floors {
            line_f1: 0.91,
            category_precision: 0.80,
            category_recall: 0.85,
        },
    );
    assert_floors(
        "independent-9.jsonl",
        Floors {
            line_f1: 0.95,
            category_precision: 0.92,
            category_recall: 0.92,
        },
    );
    assert_floors(
        "documents-o.jsonl",
        Floors {
            line_f1: 0.93,
            category_precision: 0.85,
            category_recall: 0.74,
        },
    );
    assert_floors(
        "independent-10.jsonl",
        Floors {
            line_f1: 0.93,
            category_precision: 0.90,
            category_recall: 0.74,
        },
    );
    assert_floors(
        "documents-p.jsonl",
        Floors {
            line_f1: 0.93,
            category_precision: 0.78,
            category_recall: 0.74,
        },
    );
}

#[test]
fn sets_studied_last_meet_their_floors() {
    assert_floors(
        "independent-16.jsonl",
        Floors {
            line_f1: 0.95,
            category_precision: 0.90,
            category_recall: 0.78,
        },
    );
    assert_floors(
        "documents-u.jsonl",
        Floors {
            line_f1: 0.92,
            category_precision: 0.83,
            category_recall: 0.81,
        },
    );
    assert_floors(
        "documents-v.jsonl",
        Floors {
            line_f1: 0.91,
            category_precision: 0.80,
            category_recall: 0.69,
        },
    );
    assert_floors(
        "independent-14.jsonl",
        Floors {
            line_f1: 0.92,
            category_precision: 0.85,
            category_recall: 0.75,
        },
    );
    assert_floors(
        "independent-15.jsonl",
        Floors {
            line_f1: 0.96,
            category_precision: 0.86,
            category_recall: 0.88,
        },
    );
    assert_floors(
        "documents-t.jsonl",
        Floors {
            line_f1: 0.93,
            category_precision: 0.78,
            category_recall: 0.83,
        },
    );
    assert_floors(
        "documents-s.jsonl",
        Floors {
            line_f1: 0.88,
            category_precision: 0.78,
            category_recall: 0.65,
        },
    );
    assert_floors(
        "independent-13.jsonl",
        Floors {
            line_f1: 0.90,
            category_precision: 0.88,
            category_recall: 0.70,
        },
    );
    assert_floors(
        "documents-r.jsonl",
        Floors {
            line_f1: 0.90,
            category_precision: 0.78,
            category_recall: 0.65,
        },
    );
    assert_floors(
        "independent-11.jsonl",
        Floors {
            line_f1: 0.95,
            category_precision: 0.85,
            category_recall: 0.90,
        },
    );
    assert_floors(
        "documents-q.jsonl",
        Floors {
            line_f1: 0.93,
            category_precision: 0.80,
            category_recall: 0.80,
        },
    );
    assert_floors(
        "independent-12.jsonl",
        Floors {
            line_f1: 0.94,
            category_precision: 0.84,
            category_recall: 0.80,
        },
    );
}

#[test]
fn unread_sets_meet_their_floors() {
    assert_floors(
        "independent-17.jsonl",
        Floors {
            line_f1: 0.93,
            category_precision: 0.82,
            category_recall: 0.84,
        },
    );
    assert_floors(
        "documents-w.jsonl",
        Floors {
            line_f1: 0.87,
            category_precision: 0.76,
            category_recall: 0.68,
        },
    );
    assert_floors(
        "documents-x.jsonl",
        Floors {
            line_f1: 0.88,
            category_precision: 0.80,
            category_recall: 0.62,
        },
    );
}

#[test]
fn real_training_material_meets_its_floors() {
    assert_floors(
        "real/seeds.jsonl",
        Floors {
            line_f1: FLOOR_SEEDS_LINE_F1,
            category_precision: 0.0,
            category_recall: 0.0,
        },
    );
}

#[test]
fn everyday_dialogue_raises_almost_no_alarms() {
    let checker = Checker::new(RuleSet::builtin());
    for name in ["everyday.txt", "everyday-2.txt"] {
        let source = SourceFile::new(name, corpus(name), "UTF-8");
        let findings = checker.check(&source);
        let rate = findings.len() as f64 / source.line_count() as f64;
        let listed = listing(&source, &findings);
        assert!(
            rate <= MAX_EVERYDAY_FALSE_ALARM_RATE,
            "{} findings on {} lines of {name}:\n{}",
            findings.len(),
            source.line_count(),
            listed.join("\n")
        );
        assert!(
            source.line_count() >= 300,
            "the everyday corpus {name} must stay large"
        );
    }
}

/// Regression: the compliant example once fired HG-D001 on an instruction
/// *not* to mention the debt to third parties ("不提及欠款").
#[test]
fn the_compliant_example_template_is_clean() {
    let source = example("合规话术模板.md");
    let findings = Checker::new(RuleSet::builtin()).check(&source);
    assert!(
        findings.is_empty(),
        "{}",
        listing(&source, &findings).join("\n")
    );
}

#[test]
fn the_negative_example_template_shows_every_category() {
    let found: BTreeSet<Category> = Checker::new(RuleSet::builtin())
        .check(&example("违规话术示例.md"))
        .iter()
        .map(|f| f.rule.category)
        .collect();
    for category in Category::ALL {
        assert!(
            found.contains(&category),
            "no {category} finding in the negative example"
        );
    }
}
