//! The `hegui` command line; all logic lives in the library and `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}

/// mimalloc: the audit's workers free what other workers allocated (a
/// piece is written by whichever worker's turn it is), which glibc's
/// allocator handles poorly.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
