//! The `.docx` reader on the real Word files in `../shared/corpus/docx`.

mod common;

use pizhu::document::{LineHint, read_docx};

/// `一、…`, `十二、…`: Chinese numerals followed by `sep`.
fn is_chinese_numbered(text: &str, sep: char) -> bool {
    let rest = text.trim_start_matches(|c| "一二三四五六七八九十".contains(c));
    rest.len() < text.len() && rest.starts_with(sep)
}

#[test]
fn styles_and_plain_paragraphs_of_real_word_files() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let read = |name: &str| {
        read_docx(&std::fs::read(corpus.join("docx").join(name)).expect("docx file")).expect(name)
    };
    let beijing = read("2026-beijing.styled.docx");
    assert!(
        beijing
            .iter()
            .any(|p| p.hint == LineHint::Title && p.text.trim() == "2026年北京市政府工作报告")
    );
    let level = |n| {
        beijing
            .iter()
            .filter(move |p| p.hint == LineHint::Heading(n))
    };
    assert!(level(1).count() >= 3 && level(1).all(|p| is_chinese_numbered(&p.text, '、')));
    assert!(level(1).any(|p| p.text.starts_with("一、")));
    assert!(level(2).count() >= 3 && level(2).all(|p| p.text.starts_with('（')));
    assert!(level(2).any(|p| p.text.starts_with("（一）")));

    for name in ["2026-sichuan.plain.docx", "speech-lianzheng.plain.docx"] {
        let paras = read(name);
        assert!(paras.len() > 10, "{name}: {} paragraphs", paras.len());
        assert!(paras.iter().all(|p| p.hint == LineHint::None), "{name}");
    }
    let speech = read("speech-lianzheng.plain.docx");
    assert!(
        speech
            .iter()
            .any(|p| p.text.trim() == "在市政府第三次廉政工作会议上的讲话")
    );
    assert!(
        speech
            .iter()
            .any(|p| p.text.trim_start().starts_with("一、坚持把政治建设"))
    );
}
