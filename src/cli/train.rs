//! `hegui train-classifier`: rebuilds `rules/classifier.tsv` from the
//! training plan, or checks that it is up to date.

use anyhow::{Context, bail};

use super::args::TrainArgs;
use hegui::classifier::{self, TrainingPlan};
use hegui::rules::RuleSetBuilder;

/// What the model file says about its origin.
const ORIGIN: &str = "hegui's built-in classifier: character bigrams and trigrams, tf-idf,
multinomial logistic regression. Written by `hegui train-classifier` from
rules/classifier.toml; do not edit by hand.";

/// Trains the model and writes it (or compares it with `--out`).
pub fn run(args: &TrainArgs) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(&args.plan)
        .with_context(|| format!("cannot read {}", args.plan.display()))?;
    let plan =
        TrainingPlan::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", args.plan.display()))?;
    // The plan sits in `rules/`; the files it names are relative to the
    // repository root above it.
    let root = args
        .plan
        .parent()
        .and_then(|rules| rules.parent())
        .unwrap_or(std::path::Path::new("."));
    let rules = RuleSetBuilder::new()
        .build()
        .map_err(|e| anyhow::anyhow!("built-in rules:\n{e}"))?;
    let samples = classifier::samples(root, &plan, &rules).map_err(anyhow::Error::msg)?;
    let model = classifier::train(&samples, classifier::classes(), &plan.training);
    let written = model.to_text(ORIGIN);
    if args.check {
        let current = std::fs::read_to_string(&args.out)
            .with_context(|| format!("cannot read {}", args.out.display()))?;
        if current != written {
            bail!(
                "{} is not what {} yields; run `hegui train-classifier`",
                args.out.display(),
                args.plan.display()
            );
        }
        eprintln!(
            "{} is up to date ({} samples)",
            args.out.display(),
            samples.len()
        );
    } else {
        std::fs::write(&args.out, &written)
            .with_context(|| format!("cannot write {}", args.out.display()))?;
        eprintln!("wrote {} ({} samples)", args.out.display(), samples.len());
    }
    Ok(0)
}
