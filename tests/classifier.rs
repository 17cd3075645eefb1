//! The built-in classifier is what its training plan yields: retraining
//! from `rules/classifier.toml` reproduces `rules/classifier.tsv`, and no
//! held-out corpus is trained on.

use std::path::Path;

use hegui::classifier::{self, Classifier, TrainingPlan};
use hegui::rules::RuleSet;

fn plan() -> TrainingPlan {
    let text = std::fs::read_to_string("rules/classifier.toml").expect("plan");
    TrainingPlan::parse(&text).expect("valid plan")
}

#[test]
fn the_shipped_model_is_what_the_plan_yields() {
    let plan = plan();
    let samples = classifier::samples(Path::new("."), &plan, &RuleSet::builtin()).unwrap();
    let model = classifier::train(&samples, classifier::classes(), &plan.training);
    let shipped = Classifier::parse(&std::fs::read_to_string("rules/classifier.tsv").unwrap())
        .expect("the shipped model parses");
    // Compared through the model's own text form, comments aside: the
    // same vocabulary, idf and weights to four decimals.
    let body = |text: String| -> String {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        body(model.to_text("")) == body(shipped.to_text("")),
        "rules/classifier.tsv is stale: run `cargo run --release -- train-classifier`"
    );
}

#[test]
fn held_out_corpora_are_never_trained_on() {
    let plan = plan();
    assert!(!plan.held_out.is_empty());
    for name in &plan.held_out {
        assert!(
            !plan.corpora.contains(name),
            "{name} is both held out and trained on"
        );
        assert!(Path::new(name).exists(), "{name} is missing");
    }
}
