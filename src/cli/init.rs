//! `hegui init`: write the commented starter configuration.

use std::io::Write;

use anyhow::Context;
use hegui::config::STARTER;

use super::args::InitArgs;

/// Writes [`STARTER`] to the path of `args`, refusing to replace a file.
pub fn run(args: &InitArgs) -> anyhow::Result<u8> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.path)
        .with_context(|| format!("cannot create {}", args.path.display()))?;
    file.write_all(STARTER.as_bytes())
        .with_context(|| format!("cannot write {}", args.path.display()))?;
    eprintln!("hegui: wrote {}", args.path.display());
    Ok(0)
}
