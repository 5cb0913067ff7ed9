//! Property tests: any input decodes without panic; outlines are always well formed.

mod common;

use common::assert_well_formed;
use pizhu::document::{Document, SourceFormat};
use pizhu::outline::outline;
use proptest::prelude::*;

/// Pieces real documents are made of, including every marker and trap.
const PIECES: &[&str] = &[
    "一、",
    "二、",
    "三、",
    "十、",
    "（一）",
    "（二）",
    "(三)",
    "（十一）",
    "1.",
    "2、",
    "3．",
    "（1）",
    "(2)",
    "①",
    "②",
    "第一章",
    "第二节",
    "第一部分",
    "# ",
    "## ",
    "一是",
    "二是",
    "三要",
    "一要",
    "第一，",
    "第二，",
    "首先，",
    "其次，",
    "最后，",
    "附件1",
    "名词解释",
    "同志们：",
    "各位代表：",
    "×",
    "××",
    "XX",
    "某某",
    "○○",
    "3.5万元",
    "2025年",
    "一岗双责",
    "一网通办",
    "下载",
    "打印",
    "【字号：",
    "】",
    "QQ123456",
    "会员",
    "。",
    "，",
    "；",
    "：",
    "！",
    "“",
    "”",
    "\n",
    "\n",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\u{3000}",
    "加强",
    "工作",
    "推进改革开放",
    "政府工作报告",
    "讲话",
    "（",
    "）",
    "——",
    "来源：",
    "记者 某某摄",
];

fn document_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..200).prop_map(|v| v.concat())
}

fn long_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 150..300).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn any_bytes_decode_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..4096), ext in prop::sample::select(&["txt", "md", "docx", "bin"][..])) {
        if let Ok(doc) = Document::from_bytes(bytes, &format!("x.{ext}")) {
            let o = outline(&doc);
            assert_well_formed(&o, doc.char_count);
        }
    }

    #[test]
    fn any_zip_like_bytes_fail_cleanly(tail in prop::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = Document::from_bytes(bytes, "x.docx");
    }

    #[test]
    fn outlines_are_well_formed(text in document_text(), markdown in any::<bool>()) {
        let format = if markdown { SourceFormat::Markdown } else { SourceFormat::Text };
        let doc = Document::from_text(text, "UTF-8", format);
        let o = outline(&doc);
        assert_well_formed(&o, doc.char_count);
        prop_assert_eq!(o.roles.len(), doc.lines.len());
        for n in &o.nodes {
            // An article (`第十条`) may have no words of its own and an appendix (`附件1`) may
            // stand alone: then its marker names it.
            prop_assert!(!n.title.is_empty() || !n.marker.is_empty());
            // A title longer than MAX_TITLE_CHARS shows its first chars and `…`.
            let shown = doc.slice(n.title_range);
            let cut = n.title_range.len() == pizhu::outline::MAX_TITLE_CHARS
                && n.title == format!("{shown}…");
            // A title set with spaces between its characters (`记 者 招 待 会`) is shown
            // without them.
            let compact = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            prop_assert!(
                shown == n.title || cut || compact(shown) == compact(&n.title),
                "{:?} vs {:?}",
                shown,
                n.title
            );
        }
        for p in &o.placeholders {
            prop_assert_eq!(doc.slice(p.range), p.text.as_str());
        }
    }

    #[test]
    fn encodings_round_trip(text in long_text()) {
        let normal = pizhu::document::normalize_line_ends(text.clone());
        let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
        prop_assume!(!unmappable);
        // Detection needs some real text; a handful of punctuation marks is ambiguous.
        prop_assume!(text.chars().filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)).count() >= 40);
        let doc = Document::from_bytes(gb.into_owned(), "x.txt").expect("GB18030 text opens");
        // Short pure-ASCII inputs are valid UTF-8 too; either way the text must survive.
        prop_assert_eq!(doc.text, normal);
    }
}
