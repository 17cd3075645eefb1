//! No input makes hegui panic, and positions always point into the original.

use hegui::decode::{Decoded, decode};
use hegui::engine::Checker;
use hegui::rules::RuleSet;
use hegui::source::SourceFile;

fn checker() -> Checker {
    Checker::new(RuleSet::builtin())
}

fn check_bytes(checker: &Checker, bytes: &[u8]) {
    if let Ok(Decoded::Text { text, encoding }) = decode(bytes, None) {
        let source = SourceFile::new("input", text, encoding);
        for finding in checker.check(&source) {
            assert!(finding.span.start <= finding.span.end);
            assert!(finding.span.end <= source.text.len());
            assert!(source.text.is_char_boundary(finding.span.start));
            assert!(source.text.is_char_boundary(finding.span.end));
            assert!(finding.start.line >= 1 && finding.start.column >= 1);
        }
    }
}

#[test]
fn empty_and_blank_inputs() {
    let checker = checker();
    for bytes in [&b""[..], b"\n", b"\r\n\r\n", b"   ", b"\xef\xbb\xbf"] {
        check_bytes(&checker, bytes);
    }
}

#[test]
fn a_50_mb_single_line_is_checked_without_panic() {
    let checker = checker();
    let unit = "你再不还钱小心你家里人出事我们是法院的不还就坐牢";
    let mut line = String::with_capacity(50 * 1024 * 1024 + unit.len());
    while line.len() < 50 * 1024 * 1024 {
        line.push_str(unit);
    }
    let source = SourceFile::new("big", line, "UTF-8");
    let findings = checker.check(&source);
    assert!(!findings.is_empty(), "the line is full of violations");
    assert!(findings.iter().all(|f| f.start.line == 1));
}

#[test]
fn invalid_utf8_binary_and_mixed_encodings() {
    let checker = checker();
    let mut mixed = "坐席：这里是法院。\n".as_bytes().to_vec();
    mixed.extend(
        encoding_rs::GB18030
            .encode("坐席：小心你家人出事。\n")
            .0
            .iter(),
    );
    for bytes in [
        &b"\xff\xfe\xfd\xfc"[..],
        b"\x00\x01\x02\x03binary\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        &mixed,
        b"\xe4\xbd",
    ] {
        check_bytes(&checker, bytes);
    }
}

#[test]
fn crlf_lines_report_the_same_columns_as_lf() {
    let checker = checker();
    let lf = SourceFile::new(
        "lf",
        "你好\n我们是法院执行局的，你的欠款案件今天必须处理。\n".into(),
        "UTF-8",
    );
    let crlf = SourceFile::new(
        "crlf",
        "你好\r\n我们是法院执行局的，你的欠款案件今天必须处理。\r\n".into(),
        "UTF-8",
    );
    let a: Vec<_> = checker
        .check(&lf)
        .iter()
        .map(|f| (f.rule.id.clone(), f.start, f.end))
        .collect();
    let b: Vec<_> = checker
        .check(&crlf)
        .iter()
        .map(|f| (f.rule.id.clone(), f.start, f.end))
        .collect();
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn positions_point_at_the_original_text_after_normalization() {
    let checker = checker();
    let text = "坐席：我是 法 院 执行局的，你的欠款案子已经立案了。\n";
    let source = SourceFile::new("t", text.into(), "UTF-8");
    let finding = checker
        .check(&source)
        .into_iter()
        .find(|f| f.rule.category == hegui::finding::Category::Impersonation)
        .expect("spaced-out 法院 is still impersonation");
    let original = &source.text[finding.span.clone()];
    assert!(
        original.contains("法 院"),
        "span covers the spaced original: {original:?}"
    );
    assert_eq!(finding.start.line, 1);
    assert_eq!(
        finding.start.column,
        text[..finding.span.start].chars().count() + 1
    );
}

#[test]
fn gb18030_positions_count_characters_of_the_decoded_text() {
    let checker = checker();
    let bytes = encoding_rs::GB18030
        .encode("第一行\n坐席：我们是法院执行局的，你的欠款案件今天必须处理。\n")
        .0;
    let Ok(Decoded::Text { text, encoding }) = decode(&bytes, None) else {
        panic!("GB18030 text decodes");
    };
    assert_eq!(encoding, "GB18030");
    let source = SourceFile::new("gb", text, encoding);
    let finding = checker
        .check(&source)
        .into_iter()
        .next()
        .expect("a finding");
    assert_eq!(finding.start.line, 2);
    assert!(finding.start.column > 3, "after the speaker label");
}

#[test]
fn pseudo_random_text_never_panics() {
    let checker = checker();
    let alphabet: Vec<char> =
        "你我他法院坐牢家人出事小心，。！？ \t\u{200b}ａＳＢsb:：[]0123456789坐席客户\r\n廢物"
            .chars()
            .collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..(state % 200) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        check_bytes(&checker, text.as_bytes());
    }
}
