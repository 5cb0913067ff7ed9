//! The collection export (issue 12): annotations of several documents in one file, grouped by
//! document → section or listed by day, in every format — golden files, and each format read
//! back by an independent reader (CSV, HTML, Markdown parsers; `.docx` by our own reader and
//! by LibreOffice).

mod common;

use std::io::Write as _;

use pizhu::annotate::{Annotation, AnnotationSet, Color, Kind, Mark};
use pizhu::document::{Document, LineHint, SourceFormat, TextRange};
use pizhu::export::{CollectedNote, Collection, Format, Lang, export_collection, write_file};
use pizhu::outline::label::{node_path, section_path};
use pizhu::outline::{Outline, outline};

use common::{docx_part, pretty_xml};

/// 2026-11-20 09:00 in UTC+8, in ms since 1970.
const BASE_MS: i64 = 1_795_136_400_000;
const DAY_MS: i64 = 86_400_000;
const UTC_PLUS_8: i32 = 8 * 3600;
const EXPORTED_AT: &str = "2026-11-25 14:03";

/// A note with every character that needs escaping somewhere.
const TRICKY_NOTE: &str =
    "他说：\"<重点> & 要点\", 逗号, 'single'\n# 不是标题\n- 不是列表 *强调* #帮扶";

const SECOND: &str = "关于基层减负的讲话\n同志们：\n开场先讲一句减负的话。\n一、总体要求\n\
                      （一）指导思想。坚持问题导向，切实为基层减负。\n\
                      （二）基本原则。坚持实事求是，=SUM(A1)也照录。\n二、重点任务\n\
                      精简文件会议，减少督查检查。";

/// One document of the fixture and its annotations with their section paths.
struct Doc {
    title: String,
    source: Option<&'static str>,
    doc: Document,
    notes: Vec<(Annotation, Vec<String>)>,
}

fn find(doc: &Document, quote: &str) -> TextRange {
    let byte = doc.text.find(quote).unwrap_or_else(|| panic!("{quote:?}"));
    let start = doc.char_of_byte(byte);
    TextRange::new(start, start + quote.chars().count())
}

/// A highlight of `quote` made `n` minutes (and `days` days) after the base time.
fn hl(doc: &Document, quote: &str, color: Color, note: &str, n: i64, days: i64) -> Annotation {
    let mut a = Annotation::highlight(doc, find(doc, quote), color, 0);
    a.id = 1000 + n as u64;
    a.created_ms = BASE_MS + days * DAY_MS + n * 60_000;
    a.modified_ms = a.created_ms;
    a.note = note.to_owned();
    a
}

/// Place the annotations in `doc` and give each its section path.
fn placed(doc: &Document, o: &Outline, items: Vec<Annotation>) -> Vec<(Annotation, Vec<String>)> {
    let mut set = AnnotationSet::new(items, Vec::new());
    set.place_in(doc);
    set.items()
        .iter()
        .map(|a| {
            let path = if !a.is_placed() {
                Vec::new()
            } else if a.kind == Kind::SectionNote {
                let node = o
                    .nodes
                    .iter()
                    .position(|n| n.title_range == a.range)
                    .expect("the note's section");
                node_path(o, node)
            } else {
                section_path(o, a.range.start)
            };
            (a.clone(), path)
        })
        .collect()
}

/// Three documents: the bundled sample (a file), a speech in memory with a formula-like
/// quote, and a pasted text whose title needs escaping and which has no file.
fn fixture() -> Vec<Doc> {
    let sample = Document::open(&common::sample()).expect("sample");
    let so = outline(&sample);
    let mut items = vec![
        hl(
            &sample,
            "数据不通，系统再多也是“孤岛”",
            Color::Yellow,
            "比喻好 #金句",
            1,
            0,
        ),
        hl(
            &sample,
            "新建系统一律依托县政务云部署",
            Color::Green,
            "#落实",
            2,
            0,
        ),
        hl(
            &sample,
            "让各级干部懂数据、用数据、善用数据",
            Color::Purple,
            TRICKY_NOTE,
            3,
            1,
        ),
        hl(&sample, "同志们", Color::Blue, "", 4, 1),
    ];
    items[1].mark = Mark::Underline;
    items[2].tags = vec!["人才 培养".to_owned()];
    let node = so
        .nodes
        .iter()
        .position(|n| n.marker == "三、")
        .expect("三、");
    let mut note = Annotation::section_note(&sample, &so, node, 0);
    note.id = 1005;
    note.created_ms = BASE_MS + 2 * DAY_MS;
    note.modified_ms = note.created_ms;
    note.note = "本节讲要素保障。\n#保障".to_owned();
    items.push(note);
    // A section note without a note carries nothing: never exported.
    let mut empty = Annotation::section_note(&sample, &so, 0, 0);
    empty.id = 1006;
    items.push(empty);
    let mut gone = hl(&sample, "同志们", Color::Pink, "原文改动后找不到了", 7, 2);
    gone.quote = "这句话已从文中删去".to_owned();
    gone.prefix = "上下文也已改写，".to_owned();
    gone.suffix = "再也找不到。".to_owned();
    gone.range = TextRange::new(100, 109);
    items.push(gone);
    let sample_notes = placed(&sample, &so, items);

    let second = Document::from_text(SECOND.to_owned(), "UTF-8", SourceFormat::Text);
    let o2 = outline(&second);
    let second_notes = placed(
        &second,
        &o2,
        vec![
            hl(&second, "开场先讲一句减负的话", Color::Yellow, "", 10, 0),
            hl(&second, "切实为基层减负", Color::Pink, "减负 #基层", 11, 3),
            hl(&second, "=SUM(A1)也照录", Color::Green, "-不是公式", 12, 3),
            hl(&second, "减少督查检查", Color::Blue, "", 13, 1),
        ],
    );

    let third_text = "随手记下的一段话，没有标题也没有章节。";
    let third = Document::from_text(third_text.to_owned(), "UTF-8", SourceFormat::Text);
    let o3 = outline(&third);
    let third_notes = placed(
        &third,
        &o3,
        vec![hl(&third, "没有标题", Color::Purple, "", 20, 0)],
    );

    vec![
        Doc {
            title: so.title.clone().expect("title"),
            source: Some("/home/me/讲话/sample-speech.txt"),
            doc: sample,
            notes: sample_notes,
        },
        Doc {
            title: o2.title.clone().expect("title"),
            source: Some("C:\\文件\\减负_讲话.docx"),
            doc: second,
            notes: second_notes,
        },
        Doc {
            title: "<b>剪贴 & \"摘录\"</b> *一*".to_owned(),
            source: None,
            doc: third,
            notes: third_notes,
        },
    ]
}

/// Every note of `docs`, document by document in document order.
fn notes(docs: &[Doc]) -> Vec<CollectedNote<'_>> {
    docs.iter()
        .flat_map(|d| {
            d.notes.iter().map(move |(a, section)| CollectedNote {
                doc_title: &d.title,
                source_file: d.source,
                doc_chars: d.doc.char_count,
                section,
                annotation: a,
            })
        })
        .collect()
}

fn collection<'a>(docs: &'a [Doc], grouped: bool) -> Collection<'a> {
    let mut notes = notes(docs);
    if !grouped {
        notes.sort_by_key(|n| std::cmp::Reverse(n.annotation.created_ms));
    }
    Collection {
        title: "金句库",
        notes,
        grouped,
        exported_at: EXPORTED_AT,
        utc_offset_seconds: UTC_PLUS_8,
        filter_summary: Some("#金句 #基层 · “减负”".to_owned()),
    }
}

fn export(c: &Collection, lang: Lang, format: Format) -> Vec<u8> {
    export_collection(c, lang, format).unwrap_or_else(|e| panic!("{format:?}: {e}"))
}

fn text(c: &Collection, format: Format) -> String {
    String::from_utf8(export(c, Lang::Zh, format)).expect("UTF-8")
}

/// Quotes and notes every export must hold (the empty section note has neither).
fn expected(docs: &[Doc]) -> (Vec<String>, Vec<String>) {
    let all: Vec<&Annotation> = docs
        .iter()
        .flat_map(|d| d.notes.iter().map(|(a, _)| a))
        .collect();
    let quotes = all
        .iter()
        .filter(|a| a.kind == Kind::Highlight)
        .map(|a| a.quote.clone())
        .collect();
    let notes = all
        .iter()
        .filter(|a| !a.note.is_empty())
        .map(|a| a.note.clone())
        .collect();
    (quotes, notes)
}

#[test]
fn grouped_goldens_in_every_text_format() {
    let docs = fixture();
    let c = collection(&docs, true);
    insta::assert_snapshot!("collection-grouped.md", text(&c, Format::Md));
    insta::assert_snapshot!("collection-grouped.txt", text(&c, Format::Txt));
    insta::assert_snapshot!("collection-grouped.html", text(&c, Format::Html));
    let csv = export(&c, Lang::Zh, Format::Csv);
    let csv = csv.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 BOM");
    insta::assert_snapshot!("collection-grouped.csv", String::from_utf8_lossy(csv));
    insta::assert_snapshot!("collection-grouped.json", text(&c, Format::Json));
    let docx = export(&c, Lang::Zh, Format::Docx);
    insta::assert_snapshot!(
        "collection-grouped.document.xml",
        pretty_xml(&docx_part(&docx, "word/document.xml"))
    );
}

#[test]
fn newest_first_and_english_goldens() {
    let docs = fixture();
    let c = collection(&docs, false);
    insta::assert_snapshot!("collection-newest.md", text(&c, Format::Md));
    insta::assert_snapshot!("collection-newest.csv", {
        let csv = export(&c, Lang::Zh, Format::Csv);
        String::from_utf8_lossy(&csv[3..]).into_owned()
    });
    let grouped = collection(&docs, true);
    let en = String::from_utf8(export(&grouped, Lang::En, Format::Txt)).expect("UTF-8");
    insta::assert_snapshot!("collection-grouped-en.txt", en);
}

#[test]
fn every_format_holds_every_quote_and_note_once() {
    let docs = fixture();
    let (quotes, notes) = expected(&docs);
    for grouped in [true, false] {
        let c = collection(&docs, grouped);
        for format in [Format::Txt, Format::Json, Format::Csv] {
            let out = String::from_utf8(export(&c, Lang::Zh, format)).expect("UTF-8");
            let out = if format == Format::Json {
                // Compare the values, not their JSON escapes.
                let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
                v["annotations"]
                    .as_array()
                    .expect("annotations")
                    .iter()
                    .map(|a| format!("{}\n{}", a["quote"], a["note"]))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .replace("\\n", "\n")
                    .replace("\\\"", "\"")
            } else if format == Format::Csv {
                // The fields as a spreadsheet reads them.
                let mut reader = csv::Reader::from_reader(&out.as_bytes()[3..]);
                reader
                    .records()
                    .map(|r| r.expect("row").iter().collect::<Vec<_>>().join("\n"))
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                out
            };
            for q in &quotes {
                assert!(out.contains(q.as_str()), "{grouped} {format:?}: {q}");
            }
            for n in &notes {
                let first = n.lines().next().expect("a line");
                assert!(out.contains(first), "{grouped} {format:?}: {n}");
            }
        }
    }
}

#[test]
fn json_names_each_document_once_and_every_annotation_by_it() {
    let docs = fixture();
    let c = collection(&docs, true);
    let v: serde_json::Value =
        serde_json::from_slice(&export(&c, Lang::Zh, Format::Json)).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["content"], "collection");
    let documents = v["documents"].as_array().expect("documents");
    assert_eq!(documents.len(), 3);
    assert_eq!(documents[2]["source_file"], serde_json::Value::Null);
    let annotations = v["annotations"].as_array().expect("annotations");
    // The empty section note is left out, as in every export.
    assert_eq!(
        annotations.len(),
        v["count"].as_u64().expect("count") as usize
    );
    assert_eq!(annotations.len(), 11);
    for (i, d) in documents.iter().enumerate() {
        let of_doc = annotations.iter().filter(|a| a["document"] == i).count();
        assert_eq!(of_doc as u64, d["count"].as_u64().expect("count"));
    }
    let unplaced: Vec<_> = annotations
        .iter()
        .filter(|a| a["placed"] == false)
        .collect();
    assert_eq!(unplaced.len(), 1);
    assert_eq!(unplaced[0]["section"], serde_json::json!([]));
}

#[test]
fn csv_reads_back_with_document_source_and_section_of_each_row() {
    let docs = fixture();
    let c = collection(&docs, true);
    let bytes = export(&c, Lang::Zh, Format::Csv);
    let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(&headers[0], "文档");
    assert_eq!(&headers[1], "来源");
    assert_eq!(&headers[2], "章节");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 11);
    let formula = rows
        .iter()
        .find(|r| r[4].contains("SUM"))
        .expect("the formula-like quote");
    // A cell a spreadsheet would run is kept as text.
    assert_eq!(&formula[4], "'=SUM(A1)也照录");
    assert_eq!(&formula[5], "'-不是公式");
    assert_eq!(&formula[0], "关于基层减负的讲话");
    // The file by name: no folder of this computer in an export.
    assert_eq!(&formula[1], "减负_讲话.docx");
    assert_eq!(&formula[2], "一、总体要求 › （二）基本原则");
    let sections: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
    assert!(sections.contains(&"开头") && sections.contains(&"未能定位"));
}

#[test]
fn markdown_and_html_nest_document_then_section_headings() {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let docs = fixture();
    let c = collection(&docs, true);
    let md = text(&c, Format::Md);
    let mut headings: Vec<(HeadingLevel, String)> = Vec::new();
    let mut current: Option<(HeadingLevel, String)> = None;
    for event in Parser::new(&md) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => current = Some((level, String::new())),
            Event::Text(t) if current.is_some() => {
                if let Some((_, s)) = current.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => headings.extend(current.take()),
            _ => {}
        }
    }
    let h2: Vec<&str> = headings
        .iter()
        .filter(|(l, _)| *l == HeadingLevel::H2)
        .map(|(_, s)| s.as_str())
        .collect();
    assert_eq!(
        h2,
        [
            "在全县数字政府建设推进会上的讲话",
            "关于基层减负的讲话",
            "<b>剪贴 & \"摘录\"</b> *一*"
        ],
        "documents are second-level headings, their titles shown as written"
    );
    // Each parent heading once, before its children.
    let h3 = headings
        .iter()
        .filter(|(l, s)| *l == HeadingLevel::H3 && s == "一、总体要求");
    assert_eq!(h3.count(), 1);

    let html = text(&c, Format::Html);
    let page = scraper::Html::parse_document(&html);
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    let h2: Vec<String> = page
        .select(&select("h2"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(h2.len(), 3);
    assert_eq!(h2[2], "<b>剪贴 & \"摘录\"</b> *一*");
    let sources: Vec<String> = page
        .select(&select("p.source"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(sources, ["来源：sample-speech.txt", "来源：减负_讲话.docx"]);
    assert_eq!(page.select(&select("div.item")).count(), 11);
}

#[test]
fn docx_reads_back_with_our_reader_and_libreoffice() {
    let docs = fixture();
    let (quotes, notes) = expected(&docs);
    let c = collection(&docs, true);
    let bytes = export(&c, Lang::Zh, Format::Docx);
    let doc = Document::from_bytes(bytes.clone(), "notes.docx").expect("our reader reads it");
    assert_eq!(doc.line_text(&doc.lines[0]), "金句库");
    assert_eq!(doc.lines[0].hint, LineHint::Title);
    for q in &quotes {
        assert!(doc.text.contains(q.as_str()), "{q}");
    }
    let headings: Vec<&str> = doc
        .lines
        .iter()
        .filter(|l| l.hint == LineHint::Heading(1))
        .map(|l| doc.line_text(l))
        .collect();
    assert_eq!(
        headings,
        [
            "在全县数字政府建设推进会上的讲话",
            "关于基层减负的讲话",
            "<b>剪贴 & \"摘录\"</b> *一*"
        ]
    );
    let core = docx_part(&bytes, "docProps/core.xml");
    assert!(core.contains("<dc:title>金句库</dc:title>"));

    let Some(soffice) = common::soffice() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("金句库.docx");
    write_file(&path, &bytes).expect("write");
    let txt = common::convert(&soffice, &path, "txt:Text (encoded):UTF8", tmp.path());
    let read = std::fs::read_to_string(&txt).expect("LibreOffice's text");
    for q in &quotes {
        let q = q.replace('\n', "");
        assert!(read.replace(['\n', '\r'], "").contains(&q), "{q}\n{read}");
    }
    for n in &notes {
        let first = n.lines().next().expect("a line");
        assert!(read.contains(first), "{n}");
    }
    let _ = writeln!(
        std::io::stderr(),
        "LibreOffice read the collection .docx back"
    );
}

#[test]
fn an_empty_collection_exports_a_head_and_nothing_else() {
    let c = Collection {
        title: "金句库",
        notes: Vec::new(),
        grouped: true,
        exported_at: EXPORTED_AT,
        utc_offset_seconds: 0,
        filter_summary: None,
    };
    let md = text(&c, Format::Md);
    assert_eq!(
        md,
        "# 金句库\n\n- 导出时间：2026-11-25 14:03\n- 批注：0 条\n- 文档：0 篇\n"
    );
    for format in Format::ALL {
        assert!(!export(&c, Lang::En, format).is_empty());
    }
}
