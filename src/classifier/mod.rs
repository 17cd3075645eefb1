//! A compact learned classifier, for what the rules' phrases miss.
//!
//! Characters, character bigrams and trigrams of a normalized text,
//! weighted by tf-idf and scaled to unit length, feed a multinomial
//! logistic regression over the six categories of GUIDELINES.md and
//! `none`. The model is trained by
//! `hegui train-classifier` from the labelled corpora and rule examples
//! that ship with the repository (`rules/classifier.toml` names them), and
//! stored as text in `rules/classifier.tsv`, embedded in the binary.
//!
//! Rules use it through the `classifier` match expression
//! (`rules/README.md`), so that the document model still decides who
//! speaks, to whom and in which frame. A verdict explains itself: the
//! n-grams that weigh most for the class are its evidence.

mod corpus;
mod features;
mod train;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use foldhash::fast::FixedState;

pub use corpus::{NONE, TrainingPlan, classes, samples};
pub use features::{Gram, Key, grams, pack, unpack};
pub use train::{Sample, TrainOptions, train};

/// The built-in model, as stored in the repository.
const BUILTIN: &str = include_str!("../../rules/classifier.tsv");

/// The first field of the line listing the classes.
const CLASSES: &str = "classes";
/// The first field of the line holding the biases.
const BIAS: &str = "bias";

/// A trained model: vocabulary, idf weights and one weight per n-gram and class.
#[derive(Debug)]
pub struct Classifier {
    /// Class names; `none` for text that is none of the categories.
    classes: Vec<String>,
    /// One bias per class.
    bias: Vec<f32>,
    /// The row of each n-gram of the vocabulary.
    rows: HashMap<Key, u32, FixedState>,
    /// The idf weight of each row.
    idf: Vec<f32>,
    /// Row-major weights: `weights[row * classes + class]`.
    weights: Vec<f32>,
}

/// The classes' probabilities for one text.
#[derive(Clone, Debug, PartialEq)]
pub struct Scores(pub Vec<f32>);

impl Scores {
    /// The most probable class and its probability.
    pub fn best(&self) -> (usize, f32) {
        self.0
            .iter()
            .copied()
            .enumerate()
            .fold(
                (0, f32::MIN),
                |best, (class, p)| {
                    if p > best.1 { (class, p) } else { best }
                },
            )
    }
}

/// An n-gram that weighs for a class, with its weight in this text.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// Where it lies, in bytes of the text.
    pub span: Range<usize>,
    /// Its contribution to the class's score.
    pub weight: f32,
}

impl Classifier {
    /// The model that ships with hegui.
    pub fn builtin() -> &'static Classifier {
        static MODEL: OnceLock<Classifier> = OnceLock::new();
        MODEL.get_or_init(|| {
            // The test suite parses the shipped file; it cannot be broken here.
            Classifier::parse(BUILTIN).expect("rules/classifier.tsv is a valid model")
        })
    }

    /// The class names, in the model's order.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The index of the class named `name`.
    pub fn class_index(&self, name: &str) -> Option<usize> {
        self.classes.iter().position(|c| c == name)
    }

    /// The probability of each class for `text`, a normalized text.
    pub fn classify(&self, text: &str) -> Scores {
        let features = self.features(&grams(text));
        let k = self.classes.len();
        let mut logits: Vec<f64> = self.bias.iter().map(|&b| f64::from(b)).collect();
        for &(row, value) in &features {
            let weights = &self.weights[row * k..(row + 1) * k];
            for (logit, &w) in logits.iter_mut().zip(weights) {
                *logit += f64::from(w) * value;
            }
        }
        Scores(softmax(&logits))
    }

    /// The n-grams of `text` that weigh most for `class` over the other
    /// classes, at most `count` of them, heaviest first, one occurrence
    /// of each.
    pub fn evidence(&self, text: &str, class: usize, count: usize) -> Vec<Evidence> {
        let grams = grams(text);
        let features = self.features(&grams);
        let k = self.classes.len();
        let mut weighed: Vec<(usize, f32)> = features
            .iter()
            .map(|&(row, value)| {
                let weights = &self.weights[row * k..(row + 1) * k];
                let others = weights
                    .iter()
                    .enumerate()
                    .filter(|&(c, _)| c != class)
                    .map(|(_, &w)| w)
                    .fold(f32::MIN, f32::max);
                (row, ((weights[class] - others) as f64 * value) as f32)
            })
            .filter(|&(_, weight)| weight > 0.0)
            .collect();
        weighed.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        weighed
            .into_iter()
            .take(count)
            .filter_map(|(row, weight)| {
                let gram = grams
                    .iter()
                    .find(|g| self.rows.get(&g.key) == Some(&(row as u32)))?;
                Some(Evidence {
                    span: gram.span.clone(),
                    weight,
                })
            })
            .collect()
    }

    /// The features of `grams` (see [`tf_idf`]).
    fn features(&self, grams: &[Gram]) -> Vec<(usize, f64)> {
        let rows = grams
            .iter()
            .filter_map(|g| self.rows.get(&g.key).map(|&r| r as usize))
            .collect();
        tf_idf(rows, |row| f64::from(self.idf[row]))
    }

    /// Reads a model written by [`Classifier::to_text`].
    pub fn parse(text: &str) -> Result<Classifier, String> {
        let mut lines = text
            .lines()
            .enumerate()
            .skip_while(|(_, line)| line.starts_with('#'));
        let fields = |line: &str| line.split('\t').map(str::to_string).collect::<Vec<_>>();
        let (_, header) = lines.next().ok_or("the model is empty")?;
        let header = fields(header);
        if header.first().map(String::as_str) != Some(CLASSES) || header.len() < 3 {
            return Err(format!("the model must start with a `{CLASSES}` line"));
        }
        let classes: Vec<String> = header[1..].to_vec();
        let k = classes.len();
        let numbers = |n: usize, parts: &[String]| -> Result<Vec<f32>, String> {
            let values: Result<Vec<f32>, _> = parts.iter().map(|p| p.parse::<f32>()).collect();
            match values {
                Ok(values) if values.len() == n && values.iter().all(|v| v.is_finite()) => {
                    Ok(values)
                }
                _ => Err(format!("expected {n} numbers")),
            }
        };
        let (n, bias) = lines.next().ok_or("the model has no bias line")?;
        let bias = fields(bias);
        if bias.first().map(String::as_str) != Some(BIAS) {
            return Err(format!("line {}: expected the `{BIAS}` line", n + 1));
        }
        let bias = numbers(k, &bias[1..]).map_err(|e| format!("line {}: {e}", n + 1))?;
        let mut model = Classifier {
            classes,
            bias,
            rows: HashMap::default(),
            idf: Vec::new(),
            weights: Vec::new(),
        };
        for (n, line) in lines {
            let at = |e: String| format!("line {}: {e}", n + 1);
            let parts = fields(line);
            let gram = parts.first().map(String::as_str).unwrap_or_default();
            let count = gram.chars().count();
            if !(1..=3).contains(&count) {
                return Err(at(format!(
                    "`{gram}` is not a character, bigram or trigram"
                )));
            }
            let values = match parts.len() {
                // An n-gram whose weights are all negligible still counts
                // towards a text's length.
                2 => {
                    let mut values = numbers(1, &parts[1..]).map_err(at)?;
                    values.resize(k + 1, 0.0);
                    values
                }
                _ => numbers(k + 1, &parts[1..]).map_err(at)?,
            };
            let row = model.idf.len() as u32;
            if model.rows.insert(pack(gram.chars()), row).is_some() {
                return Err(at(format!("`{gram}` is listed twice")));
            }
            model.idf.push(values[0]);
            model.weights.extend_from_slice(&values[1..]);
        }
        Ok(model)
    }

    /// The model as text, one n-gram a line in the order of the keys,
    /// weights rounded to four decimals; an n-gram whose weights are all
    /// below 0.0005 keeps only its idf.
    pub fn to_text(&self, comment: &str) -> String {
        let k = self.classes.len();
        let mut out = String::new();
        for line in comment.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(CLASSES);
        for class in &self.classes {
            out.push('\t');
            out.push_str(class);
        }
        out.push('\n');
        out.push_str(BIAS);
        for b in &self.bias {
            out.push_str(&format!("\t{}", round(*b)));
        }
        out.push('\n');
        let mut rows: Vec<(Key, usize)> =
            self.rows.iter().map(|(&k, &r)| (k, r as usize)).collect();
        rows.sort_unstable();
        for (key, row) in rows {
            out.push_str(&unpack(key));
            out.push_str(&format!("\t{}", round(self.idf[row])));
            let weights = &self.weights[row * k..(row + 1) * k];
            if weights.iter().any(|w| w.abs() >= 0.0005) {
                for w in weights {
                    out.push_str(&format!("\t{}", round(*w)));
                }
            }
            out.push('\n');
        }
        out
    }
}

/// The tf-idf vector of a text whose n-grams fall in `rows` of the
/// vocabulary (one entry per occurrence), scaled to unit length:
/// `(row, (1 + ln tf) · idf / norm)` sorted by row. Training and
/// classification both read texts through this one function.
fn tf_idf(mut rows: Vec<usize>, idf: impl Fn(usize) -> f64) -> Vec<(usize, f64)> {
    rows.sort_unstable();
    let mut features: Vec<(usize, f64)> = rows
        .chunk_by(|a, b| a == b)
        .map(|chunk| (chunk[0], (1.0 + (chunk.len() as f64).ln()) * idf(chunk[0])))
        .collect();
    let norm = features.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
    if norm > 0.0 {
        features.iter_mut().for_each(|(_, v)| *v /= norm);
    }
    features
}

/// `value` rounded to four decimals, without a negative zero.
fn round(value: f32) -> f32 {
    let rounded = (value * 10_000.0).round() / 10_000.0;
    if rounded == 0.0 { 0.0 } else { rounded }
}

fn softmax(logits: &[f64]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f64::MIN, f64::max);
    let exps: Vec<f64> = logits.iter().map(|l| (l - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.iter().map(|e| (e / sum) as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str =
        "# a test model\nclasses\tnone\tthreat\nbias\t0.5\t-0.5\n上门\t1.5\t-1\t2\n你家\t1.2\n";

    #[test]
    fn a_model_round_trips_through_its_text() {
        let model = Classifier::parse(TINY).unwrap();
        assert_eq!(model.classes(), ["none", "threat"]);
        let again = Classifier::parse(&model.to_text("a test model")).unwrap();
        assert_eq!(again.to_text("x"), model.to_text("x"));
        assert_eq!(again.classify("明天上门"), model.classify("明天上门"));
    }

    #[test]
    fn weights_decide_the_class_and_name_the_evidence() {
        let model = Classifier::parse(TINY).unwrap();
        let threat = model.class_index("threat").unwrap();
        assert_eq!(model.classify("我们明天上门").best().0, threat);
        assert_eq!(model.classify("你好").best().0, 0);
        let text = "你家我们明天上门";
        let evidence = model.evidence(text, threat, 3);
        assert_eq!(evidence.len(), 1);
        assert_eq!(&text[evidence[0].span.clone()], "上门");
    }

    #[test]
    fn malformed_models_are_refused_with_a_line_number() {
        for (text, message) in [
            ("", "empty"),
            ("bias\t1\n", "must start"),
            ("classes\tnone\tthreat\nbias\t1\n", "line 2"),
            ("classes\tnone\tthreat\nbias\t1\t2\n上门去了\t1\n", "line 3"),
            (
                "classes\tnone\tthreat\nbias\t1\t2\n上门\t1\tx\t2\n",
                "line 3",
            ),
            (
                "classes\tnone\tthreat\nbias\t1\t2\n上门\t1\n上门\t1\n",
                "twice",
            ),
        ] {
            let error = Classifier::parse(text).unwrap_err();
            assert!(error.contains(message), "{text:?}: {error}");
        }
    }

    #[test]
    fn the_builtin_model_parses_and_knows_the_six_categories() {
        let model = Classifier::builtin();
        for category in crate::finding::Category::ALL {
            assert!(model.class_index(category.as_str()).is_some(), "{category}");
        }
        assert!(model.class_index("none").is_some());
    }
}
