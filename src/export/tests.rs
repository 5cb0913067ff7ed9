//! Unit tests of the export core.

use super::report::{Report, SectionKind, clean_text, format_time};
use super::*;
use crate::annotate::{AnchorState, Color, Mark};
use crate::document::{SourceFormat, TextRange};
use crate::outline::outline;

const TEXT: &str = "关于测试的讲话\n同志们：\n开场白一句。\n一、总体要求\n（一）指导思想。正文甲句。\n（二）基本原则。正文乙句。\n二、重点任务\n正文丙句。";

fn doc() -> (Document, Outline) {
    let doc = Document::from_text(TEXT.to_owned(), "UTF-8", SourceFormat::Text);
    let o = outline(&doc);
    (doc, o)
}

fn at(doc: &Document, quote: &str, color: Color) -> Annotation {
    let byte = doc.text.find(quote).expect("quote in the text");
    let start = doc.char_of_byte(byte);
    let mut a = Annotation::highlight(
        doc,
        TextRange::new(start, start + quote.chars().count()),
        color,
        0,
    );
    a.id = start as u64;
    a
}

fn options(content: Content) -> Options {
    Options::new(content, Lang::Zh)
}

fn source<'a>(doc: &'a Document, o: &'a Outline, items: &'a [Annotation]) -> Source<'a> {
    Source {
        doc,
        outline: o,
        annotations: items,
        title: "关于测试的讲话",
        source_file: None,
        exported_at: "2026-01-02 03:04",
        utc_offset_seconds: 0,
    }
}

#[test]
fn sections_come_in_document_order_with_each_ancestor_once() {
    let (doc, o) = doc();
    let items = vec![
        at(&doc, "正文乙句", Color::Green),
        at(&doc, "开场白", Color::Yellow),
        at(&doc, "正文甲句", Color::Blue),
        at(&doc, "正文丙句", Color::Pink),
    ];
    let opts = options(Content::Annotations);
    let src = source(&doc, &o, &items);
    let r = Report::build(&src, &opts);
    let labels: Vec<(u8, &str, usize)> = r
        .sections
        .iter()
        .map(|s| (s.depth, s.label.as_str(), s.items.len()))
        .collect();
    assert_eq!(
        labels,
        [
            (1, "开头", 1),
            (1, "一、总体要求", 0),
            (2, "（一）指导思想", 1),
            (2, "（二）基本原则", 1),
            (1, "二、重点任务", 1),
        ]
    );
    assert_eq!(r.count, 4);
    assert_eq!(
        r.sections[2].items[0].path,
        ["一、总体要求", "（一）指导思想"]
    );
}

#[test]
fn section_notes_belong_to_their_section_and_unplaced_come_last() {
    let (doc, o) = doc();
    let node = o
        .nodes
        .iter()
        .position(|n| n.marker == "二、")
        .expect("二、");
    let mut note = Annotation::section_note(&doc, &o, node, 0);
    note.note = "小结".into();
    let empty_note = Annotation::section_note(&doc, &o, 0, 0);
    let mut gone = at(&doc, "开场白", Color::Purple);
    gone.state = AnchorState::Unplaced;
    let items = vec![gone, note, empty_note];
    let opts = options(Content::Annotations);
    let src = source(&doc, &o, &items);
    let r = Report::build(&src, &opts);
    let kinds: Vec<SectionKind> = r.sections.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [SectionKind::Node(node), SectionKind::Unplaced]);
    assert_eq!(r.count, 2, "an empty section note is not exported");
    assert_eq!(
        r.meta(&r.sections[0].items[0]),
        "章节笔记 · 第 57–61 字 · 85.0%"
    );
}

#[test]
fn the_outline_content_lists_every_node_and_only_asked_for_annotations() {
    let (doc, o) = doc();
    let items = vec![at(&doc, "正文甲句", Color::Blue)];
    let src = source(&doc, &o, &items);
    for with_highlights in [false, true] {
        let opts = options(Content::Outline { with_highlights });
        let r = Report::build(&src, &opts);
        assert_eq!(r.sections.len(), o.nodes.len());
        let shown: usize = r.sections.iter().map(|s| s.items.len()).sum();
        assert_eq!(shown, usize::from(with_highlights));
        let header = r.header_lines().join("\n");
        assert!(header.contains("提纲：4 项"), "{header}");
        assert_eq!(header.contains("批注"), with_highlights, "{header}");
    }
}

#[test]
fn filters_follow_the_annotations_panel() {
    let (doc, o) = doc();
    let mut plain = at(&doc, "正文甲句", Color::Blue);
    let mut tagged = at(&doc, "正文乙句", Color::Green);
    tagged.note = "见 #重点 处".into();
    tagged.tags = vec!["Policy".into()];
    let mut note = Annotation::section_note(&doc, &o, 0, 0);
    note.note = "x".into();
    let empty_note = Annotation::section_note(&doc, &o, 1, 0);

    let all = Filter::default();
    assert!(all.is_empty());
    assert!(all.matches(&plain) && all.matches(&tagged) && all.matches(&note));
    assert!(all.matches(&empty_note));
    assert!(
        !super::report::exported(&all, &empty_note),
        "an empty section note carries nothing"
    );
    assert!(super::report::exported(&all, &note));

    let blue = Filter {
        colors: vec![Color::Blue],
        ..Filter::default()
    };
    assert!(blue.matches(&plain) && !blue.matches(&tagged) && !blue.matches(&note));

    let tags = Filter {
        tags: vec!["＃重点".into(), "#policy".into()],
        ..Filter::default()
    };
    assert!(tags.matches(&tagged) && !tags.matches(&plain) && !tags.matches(&note));
    let other = Filter {
        tags: vec!["其他".into()],
        ..Filter::default()
    };
    assert!(!other.matches(&tagged));

    let notes_only = Filter {
        notes_only: true,
        ..Filter::default()
    };
    assert!(notes_only.matches(&tagged) && notes_only.matches(&note));
    plain.note = "   \n".into();
    assert!(!notes_only.matches(&plain));
    plain.mark = Mark::Underline;
    assert!(
        blue.matches(&plain),
        "underlines are filtered by colour too"
    );
}

#[test]
fn times_show_at_the_given_offset() {
    assert_eq!(format_time(0, 8 * 3600, false), "1970-01-01 08:00:00");
    assert_eq!(format_time(0, 8 * 3600, true), "1970-01-01T08:00:00+08:00");
    assert_eq!(format_time(1_500, 0, true), "1970-01-01T00:00:01Z");
    assert_eq!(
        format_time(0, -(5 * 3600 + 30 * 60), true),
        "1969-12-31T18:30:00-05:30"
    );
    // Out of range: shown as nothing rather than a wrong date.
    assert_eq!(format_time(i64::MAX, 0, false), "");
    // A bad offset falls back to UTC.
    assert_eq!(format_time(0, 100 * 3600, false), "1970-01-01 00:00:00");
}

#[test]
fn markdown_escaping_keeps_text_as_written() {
    use super::md::escape;
    assert_eq!(escape("# 标题", false), "\\# 标题");
    assert_eq!(escape("#标签 和 #另一个", true), "#标签 和 #另一个");
    assert_eq!(escape("# 标题\n##\n#标签", true), "\\# 标题\n\\##\n#标签");
    assert_eq!(
        escape("- 一\n+ 二\n12. 三\n3) 四", false),
        "\\- 一\n\\+ 二\n12\\. 三\n3\\) 四"
    );
    assert_eq!(escape("a-b 1.5 x+y", false), "a-b 1.5 x+y");
    assert_eq!(
        escape("<b>&*_`[x]|~=$\\", false),
        "\\<b\\>\\&\\*\\_\\`\\[x\\]\\|\\~\\=\\$\\\\"
    );
    assert_eq!(escape("    缩进", false), "缩进");
}

#[test]
fn spreadsheet_formulas_are_defused() {
    use super::table::cell;
    assert_eq!(cell("=SUM(A1:A9)"), "'=SUM(A1:A9)");
    assert_eq!(cell("+86 电话"), "'+86 电话");
    assert_eq!(cell("-1"), "'-1");
    assert_eq!(cell("@home"), "'@home");
    assert_eq!(cell("正常 = 文本"), "正常 = 文本");
}

#[test]
fn characters_xml_refuses_are_dropped() {
    assert_eq!(
        clean_text("a\u{0}b\u{7}c\u{FFFE}d\u{FDD0}e\u{85}f"),
        "abcdef"
    );
    assert_eq!(clean_text("行一\n\t行二\r"), "行一\n\t行二\r");
    assert!(matches!(clean_text("干净"), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn html_outline_lists_are_balanced_even_when_depth_jumps() {
    let (doc, mut o) = doc();
    // A node two levels below its parent: the list must still nest validly.
    if let Some(last) = o.nodes.last_mut() {
        last.depth = 3;
    }
    let items = vec![at(&doc, "正文丙句", Color::Pink)];
    let src = source(&doc, &o, &items);
    let opts = options(Content::Outline {
        with_highlights: true,
    });
    let html = String::from_utf8(export(&src, &opts, Format::Html).expect("html")).expect("utf8");
    assert_eq!(html.matches("<ul").count(), html.matches("</ul>").count());
    assert_eq!(html.matches("<li>").count(), html.matches("</li>").count());
    assert_eq!(
        html.matches("<li><span class=\"node").count(),
        o.nodes.len()
    );
}

#[test]
fn docx_controls_in_notes_never_break_the_xml() {
    let (doc, o) = doc();
    let mut a = at(&doc, "正文甲句", Color::Yellow);
    a.note = "控制符\u{1}与\t制表和 <标签> & \"引号\"".into();
    let items = vec![a];
    let src = source(&doc, &o, &items);
    let bytes = export(&src, &options(Content::Annotations), Format::Docx).expect("docx");
    let back = Document::from_bytes(bytes, "x.docx").expect("reads back");
    assert!(
        back.text.contains("控制符与\t制表和 <标签> & \"引号\""),
        "{}",
        back.text
    );
}

#[test]
fn formats_are_named_for_menus_files_and_the_command_line() {
    use clap::ValueEnum as _;
    let exts: Vec<&str> = Format::ALL.iter().map(|f| f.extension()).collect();
    assert_eq!(exts, ["md", "txt", "html", "csv", "json", "docx"]);
    for f in Format::ALL {
        assert_eq!(Format::from_str(f.extension(), false), Ok(f));
        assert_eq!(f.is_text(), f != Format::Docx);
        assert!(!f.label().is_empty());
    }
    assert_eq!(Format::Csv.label(), "CSV (Excel/WPS)");
    assert_eq!(
        serde_json::to_string(&Format::Docx).ok().as_deref(),
        Some("\"docx\"")
    );
}

#[test]
fn english_labels() {
    let (doc, o) = doc();
    let mut a = at(&doc, "正文甲句", Color::Blue);
    a.mark = Mark::Underline;
    let items = vec![a];
    let src = Source {
        source_file: Some("talk.txt"),
        ..source(&doc, &o, &items)
    };
    let opts = Options {
        lang: Lang::En,
        ..options(Content::Annotations)
    };
    let txt = String::from_utf8(export(&src, &opts, Format::Txt).expect("txt")).expect("utf8");
    assert!(txt.contains("Source: talk.txt\nExported: 2026-01-02 03:04\nAnnotations: 1\n"));
    assert!(txt.contains("blue · underlined · chars "), "{txt}");
}

/// Kinds of Markdown events in `md` that would show as something else than text: raw HTML
/// (block or inline) and links.
fn live_markdown(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new(md)
        .filter_map(|e| match e {
            Event::Html(h) | Event::InlineHtml(h) => Some(format!("html {h:?}")),
            Event::Start(Tag::Link { dest_url, .. }) => Some(format!("link {dest_url:?}")),
            Event::Start(Tag::Image { dest_url, .. }) => Some(format!("image {dest_url:?}")),
            _ => None,
        })
        .collect()
}

#[test]
fn markdown_tags_with_html_or_links_stay_text() {
    let (doc, o) = doc();
    let mut a = at(&doc, "正文甲句", Color::Yellow);
    a.tags = vec![
        "<script>alert(1)</script>".into(),
        "<style>body{display:none}</style>".into(),
        "[点我](javascript:alert(1))".into(),
        "<img src=x onerror=alert(1)>".into(),
        "&lt;b&gt;".into(),
        "营商 环境".into(),
    ];
    let mut b = at(&doc, "正文乙句", Color::Green);
    b.tags = vec!["<style>".into()];
    let items = vec![a, b];
    for content in [
        Content::Annotations,
        Content::Outline {
            with_highlights: true,
        },
    ] {
        let opts = options(content);
        let md = String::from_utf8(export(&source(&doc, &o, &items), &opts, Format::Md).unwrap())
            .unwrap();
        assert_eq!(live_markdown(&md), Vec::<String>::new(), "{md}");
        // Shown as written: the rendered text holds the tags.
        let text: String = pulldown_cmark::Parser::new(&md)
            .filter_map(|e| match e {
                pulldown_cmark::Event::Text(t) => Some(t.into_string()),
                _ => None,
            })
            .collect();
        for tag in [
            "#<script>alert(1)</script>",
            "#<style>",
            "#&lt;b&gt;",
            "#营商_环境",
        ] {
            assert!(text.contains(tag), "{tag} in {text}");
        }
    }
}

#[test]
fn markdown_titles_labels_quotes_and_notes_with_html_stay_text() {
    let text = "<script>alert(1)</script>\n一、<style>总体</style>要求\n（一）<b>指导</b>思想。<img src=x onerror=alert(1)>正文甲句。\n<div>\n二、重点任务\n正文丙句。";
    let doc = Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text);
    let o = outline(&doc);
    let mut a = at(&doc, "<img src=x onerror=alert(1)>", Color::Yellow);
    a.note = "<script>x</script>\n<style>\n#<script>".into();
    let items = vec![a];
    for content in [
        Content::Annotations,
        Content::Outline {
            with_highlights: true,
        },
    ] {
        let mut src = source(&doc, &o, &items);
        src.title = "<script>alert(1)</script>";
        src.source_file = Some("<style>a.txt");
        let md = String::from_utf8(export(&src, &options(content), Format::Md).unwrap()).unwrap();
        assert_eq!(live_markdown(&md), Vec::<String>::new(), "{md}");
    }
}

#[test]
fn export_file_names_lose_bidi_controls_and_invisible_characters() {
    let name = |title: &str| default_file_name(title, Content::Annotations, Format::Md, Lang::Zh);
    // A right-to-left override (U+202E) makes `讲话<RLO>dm.exe` read as `讲话exe.md`.
    assert_eq!(name("讲话\u{202E}dm.exe"), "讲话dm.exe-批注.md");
    for c in [
        '\u{202A}',
        '\u{202B}',
        '\u{202C}',
        '\u{202D}',
        '\u{202E}',
        '\u{2066}',
        '\u{2067}',
        '\u{2068}',
        '\u{2069}',
        '\u{200E}',
        '\u{200F}',
        '\u{061C}',
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{2060}',
        '\u{FEFF}',
        '\u{00AD}',
        '\u{E0041}',
    ] {
        assert_eq!(
            name(&format!("{c}工作{c}报告{c}")),
            "工作报告-批注.md",
            "U+{:04X}",
            c as u32
        );
    }
    // Nothing visible left: the usual fallback.
    assert_eq!(name("\u{202E}\u{200B}\u{FEFF}"), "未命名-批注.md");
    // Ordinary text, Chinese punctuation and emoji are untouched.
    assert_eq!(name("讲话（2026）·要点😀"), "讲话（2026）·要点😀-批注.md");
}

#[test]
fn outline_export_of_many_sections_under_one_heading_is_not_quadratic() {
    // Every node's path goes back to the one `一、` at the top: walking back for each node
    // took 30 s for 4 MB (127,000 nodes).
    let mut text = String::from("关于测试的讲话\n一、总体要求\n");
    for n in 0..15_000 {
        text.push_str(&format!("（一）第{n}项。一是甲。二是乙。\n"));
    }
    let doc = Document::from_text(text, "UTF-8", SourceFormat::Text);
    let o = outline(&doc);
    assert!(o.nodes.len() >= 30_000, "{}", o.nodes.len());
    // Section notes on every tenth node, and highlights: looked up per annotation too.
    let items: Vec<Annotation> = (0..o.nodes.len())
        .step_by(10)
        .map(|i| {
            let mut a = Annotation::section_note(&doc, &o, i, 0);
            a.note = "笔记".into();
            a.id = i as u64 + 1;
            a
        })
        .collect();
    let started = std::time::Instant::now();
    for content in [
        Content::Outline {
            with_highlights: true,
        },
        Content::Annotations,
    ] {
        let md = export(&source(&doc, &o, &items), &options(content), Format::Md).unwrap();
        assert!(md.len() > 100_000);
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn long_outline_entries_are_cut_at_a_clause() {
    // Fits: unchanged, borrowed.
    assert!(matches!(
        trim_entry("加大资金投入", 40),
        std::borrow::Cow::Borrowed("加大资金投入")
    ));
    let long =
        "坚持以案说法、以案促改，用影响深刻、教训惨痛案件教育广大党员干部落实党风廉政建设责任制";
    let cut = trim_entry(long, 38);
    assert_eq!(cut, "坚持以案说法、以案促改…");
    // A clause too short to stand alone: the last 、 that keeps half.
    let list = "建强治理平台，把网格管理、矛盾调解、安全生产、环境监测等数据汇聚到“一张图”上";
    assert_eq!(
        trim_entry(list, 38),
        "建强治理平台，把网格管理、矛盾调解、安全生产…"
    );
    // No boundary at all: cut at the limit, the `…` counted.
    let plain = "一".repeat(60);
    let cut = trim_entry(&plain, 40);
    assert_eq!(cut.chars().count(), 40);
    assert!(cut.ends_with('…'));
    // Whatever is cut is never longer than asked.
    for n in 2..45 {
        assert!(trim_entry(long, n).chars().count() <= n.max(long.chars().count().min(n)));
    }
}

#[test]
fn a_source_path_shows_as_its_file_name_unless_asked() {
    assert_eq!(shown_path("/home/张三/文档/讲话.txt", false), "讲话.txt");
    assert_eq!(shown_path(r"C:\Users\李四\讲话.docx", false), "讲话.docx");
    assert_eq!(shown_path("讲话.txt", false), "讲话.txt");
    assert_eq!(shown_path("/home/a/", false), "a");
    assert_eq!(
        shown_path("/home/张三/讲话.txt", true),
        "/home/张三/讲话.txt"
    );
}
