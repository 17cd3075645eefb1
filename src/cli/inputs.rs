//! Finding inputs (files, directories, stdin) and turning them into text.
//!
//! Directories are walked with the `ignore` crate, so `.gitignore`, `.ignore`
//! and hidden files are honoured as in ripgrep. Without `--glob`, only
//! text-like extensions are picked up inside directories, and only those
//! their configuration admits (`include`, `exclude`); a file named
//! explicitly is always checked.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use encoding_rs::Encoding;
use hegui::decode::{Decoded, decode};
use hegui::report::InputError;
use hegui::source::SourceFile;
use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;

/// Extensions checked inside directories when no `--glob` is given.
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "text", "log", "csv", "tsv", "srt", "vtt", "rst", "org",
];

/// One thing to read.
#[derive(Clone, Debug)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file on disk.
    File(PathBuf),
}

impl Input {
    /// The path as users see it.
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(path) => path.display().to_string(),
        }
    }
}

/// What reading one input gave.
pub enum Loaded {
    /// Decoded text.
    Text(SourceFile),
    /// A binary file, skipped.
    Binary(String),
    /// An input that could not be read or decoded.
    Failed(InputError),
}

/// Expands `paths` into inputs, in a stable order; files found in
/// directories are kept when `admits` says so (its error, such as a broken
/// configuration file, ends the search); problems with paths go to `errors`.
pub fn discover(
    paths: &[PathBuf],
    globs: &[String],
    admits: &mut dyn FnMut(&Path) -> anyhow::Result<bool>,
    errors: &mut Vec<InputError>,
) -> anyhow::Result<Vec<Input>> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, globs, admits, &mut inputs, errors)?;
        } else if path.exists() {
            inputs.push(Input::File(path.clone()));
        } else {
            errors.push(InputError {
                path: path.display().to_string(),
                message: "no such file or directory".to_string(),
            });
        }
    }
    Ok(inputs)
}

fn walk(
    dir: &Path,
    globs: &[String],
    admits: &mut dyn FnMut(&Path) -> anyhow::Result<bool>,
    inputs: &mut Vec<Input>,
    errors: &mut Vec<InputError>,
) -> anyhow::Result<()> {
    let mut overrides = OverrideBuilder::new(dir);
    for glob in globs {
        overrides
            .add(glob)
            .with_context(|| format!("invalid --glob `{glob}`"))?;
    }
    let overrides = overrides.build().context("invalid --glob")?;
    let walker = WalkBuilder::new(dir)
        .require_git(false)
        .overrides(overrides)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                let path = entry.into_path();
                if (!globs.is_empty() || has_text_extension(&path)) && admits(&path)? {
                    inputs.push(Input::File(path));
                }
            }
            Ok(_) => {}
            Err(e) => errors.push(InputError {
                path: dir.display().to_string(),
                message: e.to_string(),
            }),
        }
    }
    Ok(())
}

fn has_text_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| TEXT_EXTENSIONS.iter().any(|t| t.eq_ignore_ascii_case(ext)))
}

/// Reads and decodes one input.
pub fn load(input: &Input, encoding: Option<&'static Encoding>) -> Loaded {
    let path = input.display();
    let bytes = match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
        }
        Input::File(file) => std::fs::read(file),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(e) => {
            return Loaded::Failed(InputError {
                path,
                message: format!("cannot read: {e}"),
            });
        }
    };
    match decode(&bytes, encoding) {
        Ok(Decoded::Text { text, encoding }) => Loaded::Text(SourceFile::new(path, text, encoding)),
        Ok(Decoded::Binary) => Loaded::Binary(path),
        Err(e) => Loaded::Failed(InputError {
            path,
            message: e.to_string(),
        }),
    }
}
