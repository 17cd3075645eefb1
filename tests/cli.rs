//! Golden tests of the command line: every case under `tests/cmd/` runs
//! `hegui` in `tests/cmd/fixtures` and compares exit code, stdout and stderr
//! with the `.stdout` / `.stderr` files beside it. After an intended change
//! of output, regenerate with `TRYCMD=overwrite cargo test --test cli` and
//! review the diff.

#[test]
fn cli_golden_cases() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
