//! Training the classifier: deterministic, so that the same data always
//! gives the same model (the test suite retrains and compares).
//!
//! Multinomial logistic regression with L2 regularization, trained by
//! stochastic gradient descent over the samples in an order drawn from a
//! fixed seed; classes are weighted inversely to their frequency so that
//! the many `none` lines do not drown the rarer categories.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::features::{Key, grams};
use super::{Classifier, round, tf_idf};

/// One labelled text.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The normalized text.
    pub text: String,
    /// Its class, an index into the class list.
    pub class: usize,
}

/// The settings of a training run.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainOptions {
    /// Passes over the samples.
    pub epochs: usize,
    /// The initial step size; it decays as `1 / (1 + t / samples)`.
    pub learning_rate: f64,
    /// The L2 penalty per step.
    pub l2: f64,
    /// N-grams found in fewer samples are left out of the vocabulary.
    pub min_df: usize,
    /// Seed of the sample order.
    pub seed: u64,
}

/// A model of `classes` trained on `samples`.
pub fn train(samples: &[Sample], classes: Vec<String>, options: &TrainOptions) -> Classifier {
    let k = classes.len();
    let n = samples.len();
    let sample_grams: Vec<Vec<Key>> = samples
        .iter()
        .map(|s| grams(&s.text).into_iter().map(|g| g.key).collect())
        .collect();

    // The vocabulary, in key order: every n-gram in at least `min_df` samples.
    let mut df: BTreeMap<Key, usize> = BTreeMap::new();
    for keys in &sample_grams {
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        for key in unique {
            *df.entry(key).or_default() += 1;
        }
    }
    df.retain(|_, count| *count >= options.min_df);
    let rows: HashMap<Key, usize> = df
        .keys()
        .enumerate()
        .map(|(row, &key)| (key, row))
        .collect();
    let idf: Vec<f64> = df
        .values()
        .map(|&count| ((1 + n) as f64 / (1 + count) as f64).ln() + 1.0)
        .collect();
    // Rounded as stored, so that training sees the model's own features.
    let idf: Vec<f64> = idf.iter().map(|&v| f64::from(round(v as f32))).collect();

    let vectors: Vec<Vec<(usize, f64)>> = sample_grams
        .iter()
        .map(|keys| {
            let present = keys
                .iter()
                .filter_map(|key| rows.get(key).copied())
                .collect();
            tf_idf(present, |row| idf[row])
        })
        .collect();

    let mut counts = vec![0usize; k];
    samples.iter().for_each(|s| counts[s.class] += 1);
    let class_weight: Vec<f64> = counts
        .iter()
        .map(|&c| {
            if c == 0 {
                0.0
            } else {
                n as f64 / (k * c) as f64
            }
        })
        .collect();

    let mut weights = vec![0.0f64; rows.len() * k];
    let mut bias = vec![0.0f64; k];
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = SplitMix(options.seed);
    let mut step = 0usize;
    let mut logits = vec![0.0f64; k];
    for _ in 0..options.epochs {
        shuffle(&mut order, &mut rng);
        for &i in &order {
            let rate = options.learning_rate / (1.0 + step as f64 / n as f64);
            step += 1;
            logits.copy_from_slice(&bias);
            for &(row, value) in &vectors[i] {
                for (logit, w) in logits.iter_mut().zip(&weights[row * k..(row + 1) * k]) {
                    *logit += w * value;
                }
            }
            let max = logits.iter().copied().fold(f64::MIN, f64::max);
            let sum: f64 = logits.iter().map(|l| (l - max).exp()).sum();
            let cw = class_weight[samples[i].class];
            for class in 0..k {
                let p = (logits[class] - max).exp() / sum;
                let target = if class == samples[i].class { 1.0 } else { 0.0 };
                let gradient = (p - target) * cw;
                bias[class] -= rate * gradient;
                for &(row, value) in &vectors[i] {
                    let w = &mut weights[row * k + class];
                    *w -= rate * (gradient * value + options.l2 * *w);
                }
            }
        }
    }

    Classifier {
        classes,
        bias: bias.iter().map(|&b| round(b as f32)).collect(),
        rows: rows.iter().map(|(&key, &row)| (key, row as u32)).collect(),
        idf: idf.iter().map(|&v| v as f32).collect(),
        weights: weights.iter().map(|&w| round(w as f32)).collect(),
    }
}

/// A small deterministic generator (SplitMix64) for the sample order.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Fisher–Yates shuffle driven by `rng`.
fn shuffle(items: &mut [usize], rng: &mut SplitMix) {
    for i in (1..items.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> TrainOptions {
        TrainOptions {
            epochs: 20,
            learning_rate: 0.5,
            l2: 1e-5,
            min_df: 1,
            seed: 7,
        }
    }

    fn samples() -> Vec<Sample> {
        let threat = ["派人上门找你", "小心上门的兄弟", "兄弟们上门坐坐"];
        let none = ["请您按时还款", "您好请问方便吗", "还款可以分期"];
        threat
            .iter()
            .map(|t| (t, 1))
            .chain(none.iter().map(|t| (t, 0)))
            .map(|(t, class)| Sample {
                text: t.to_string(),
                class,
            })
            .collect()
    }

    #[test]
    fn training_learns_separable_classes() {
        let model = train(&samples(), vec!["none".into(), "threat".into()], &options());
        assert_eq!(model.classify("明天兄弟上门").best().0, 1);
        assert_eq!(model.classify("请按时还款").best().0, 0);
    }

    #[test]
    fn training_is_deterministic() {
        let classes = || vec!["none".to_string(), "threat".to_string()];
        let a = train(&samples(), classes(), &options()).to_text("");
        let b = train(&samples(), classes(), &options()).to_text("");
        assert_eq!(a, b);
    }
}
