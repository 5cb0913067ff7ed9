//! The store file format: whatever text a quote, its context, a note or a tag holds (quotes,
//! backslashes, `#`, line breaks, control characters, any script), a store file written by
//! `to_ron` parses back to the same thing.

use std::path::PathBuf;

use pizhu::TextRange;
use pizhu::annotate::{Annotation, Color, Kind, Mark};
use pizhu::store::annotations::{DocumentInfo, FORMAT_VERSION, StoreFile, parse, to_ron};
use proptest::prelude::*;

/// Text with the characters that need care in a RON string, and anything else.
fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(vec![
                '"', '\\', '#', '\n', '\r', '\t', '\0', '\u{1b}', '\u{7f}', '\u{2028}', '\u{feff}',
                '\u{301}', '）', '“', '”', 'r', ' ',
            ]),
            4 => any::<char>(),
            2 => prop::char::range('一', '龥'),
        ],
        0..40,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn annotation() -> impl Strategy<Value = Annotation> {
    (
        any::<u64>(),
        tricky_text(),
        tricky_text(),
        tricky_text(),
        tricky_text(),
        prop::collection::vec(tricky_text(), 0..3),
        (0usize..100_000, 0usize..500),
        (any::<i64>(), any::<bool>(), 0usize..5),
    )
        .prop_map(
            |(id, quote, prefix, suffix, note, tags, (start, len), (ms, underline, color))| {
                Annotation {
                    id,
                    kind: if len % 7 == 0 {
                        Kind::SectionNote
                    } else {
                        Kind::Highlight
                    },
                    color: Color::ALL[color],
                    mark: if underline {
                        Mark::Underline
                    } else {
                        Mark::Fill
                    },
                    range: TextRange::new(start, start + len),
                    quote,
                    prefix,
                    suffix,
                    note,
                    tags,
                    created_ms: ms,
                    modified_ms: ms.saturating_add(1),
                    ..Annotation::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text_round_trips_through_a_store_file(
        annotations in prop::collection::vec(annotation(), 0..6),
        title in tricky_text(),
        path in tricky_text(),
        removed in prop::collection::vec((any::<u64>(), any::<i64>()), 0..3),
        position in prop::option::of(0usize..1_000_000),
    ) {
        let path = path.replace('\0', "");
        let file = StoreFile {
            version: FORMAT_VERSION,
            fingerprint: "b3-0123456789abcdef0123456789abcdef".into(),
            document: DocumentInfo {
                path: (!path.is_empty()).then(|| PathBuf::from(path)),
                title,
                chars: 12_345,
            },
            position,
            annotations,
            removed,
            ..StoreFile::default()
        };
        let text = to_ron(&file).expect("serialises");
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, file);
    }
}

#[test]
fn notes_with_line_breaks_and_quotes_read_back_exactly() {
    let file = StoreFile {
        version: FORMAT_VERSION,
        annotations: vec![Annotation {
            quote: "他说：\"要实干\"".into(),
            note: "第一行\n第二行 #金句\r\n\"#引号#\"##".into(),
            ..Annotation::default()
        }],
        ..StoreFile::default()
    };
    let text = to_ron(&file).expect("serialises");
    assert_eq!(parse(&text).expect("parses"), file, "{text}");
}

/// A store as Pizhu wrote it before the store had records of its own (`store::record`):
/// three highlights, one of them with a note holding quotes and a backslash (a raw string),
/// tags and a review waiting for confirmation. It must read, and write back, byte
/// for byte.
const GOLDEN_V1: &str = r###"(
  version: 1,
  fingerprint: "b3-be17b24b48a1b779d608cc1e64b59129",
  document: (
    path: Some("/home/user/规划纲要.txt"),
    title: "某某县基层治理工作规划纲要",
    chars: 265,
  ),
  position: None,
  annotations: [
    (
      id: 10002765758821337210,
      kind: Highlight,
      color: Green,
      mark: Fill,
      range: (
        start: 23,
        end: 31,
      ),
      quote: "第一节 指导思想",
      prefix: "某某县基层治理工作规划纲要
第一章 总体要求
",
      suffix: "
坚持以人民为中心，推进基层治理体系和治理能力现代化。
第二节 ",
      note: "",
      tags: [],
      created_ms: 1795812706030,
      modified_ms: 1795812706030,
    ),
    (
      id: 6419213814367908670,
      kind: Highlight,
      color: Blue,
      mark: Fill,
      range: (
        start: 174,
        end: 186,
      ),
      quote: "组织、资金与人才保障，确",
      prefix: "
①建设县级治理平台。
②推动数据共享。
第三章 保障措施
强化",
      suffix: "保规划落到实处。其次这里出现也不算要点。
注释
［1］网格化管理",
      note: r##"第一行 "引号" \ 反斜杠
第二行 #金句"##,
      tags: [
        "作风",
        "重点",
      ],
      created_ms: 1795812704245,
      modified_ms: 1795812704245,
      review: Some((
        old_quote: "组织、资金和人才保障，确",
        reason: Fuzzy,
      )),
    ),
    (
      id: 10106778262346447694,
      kind: Highlight,
      color: Pink,
      mark: Fill,
      range: (
        start: 213,
        end: 220,
      ),
      quote: "网格化管理：指",
      prefix: "才保障，确保规划落到实处。其次这里出现也不算要点。
注释
［1］",
      suffix: "把辖区划分为若干网格实施精细管理的方式。
［2］数字化治理：指运",
      note: "",
      tags: [],
      created_ms: 1795812704266,
      modified_ms: 1795812704266,
    ),
  ],
  removed: [],
)"###;

#[test]
fn a_version_1_store_reads_and_writes_back_byte_for_byte() {
    let file = parse(GOLDEN_V1).expect("parses");
    assert_eq!(file.version, 1);
    assert_eq!(
        file.document.path.as_deref(),
        Some(std::path::Path::new("/home/user/规划纲要.txt"))
    );
    assert_eq!(file.annotations.len(), 3);
    let noted = file
        .annotations
        .iter()
        .find(|a| !a.note.is_empty())
        .expect("the noted one");
    assert_eq!(noted.note, "第一行 \"引号\" \\ 反斜杠\n第二行 #金句");
    assert_eq!(noted.tags, ["作风", "重点"]);
    assert_eq!(noted.color, Color::Blue);
    let review = noted.review.as_ref().expect("its review");
    assert_eq!(review.old_quote, "组织、资金和人才保障，确");
    assert_eq!(review.reason, pizhu::annotate::ReviewReason::Fuzzy);
    assert_eq!(to_ron(&file).expect("serialises"), GOLDEN_V1);
}
