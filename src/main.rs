//! The `hegui` command line; all logic lives in the library and `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}

/// mimalloc: the audit allocates records on worker threads and frees them on
/// the writing thread, which glibc's allocator handles poorly.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
