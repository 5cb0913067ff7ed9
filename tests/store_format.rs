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
