//! Exports of annotations and outlines (issue 5): golden files for every format on the seed
//! speech and the bundled sample, CSV read back, HTML parsed, `.docx` read back by our own
//! reader and converted by LibreOffice, filters, file names, and writes that fail cleanly.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{corpus, docx_part, pretty_xml, sample};
use pizhu::annotate::{Annotation, Color};
use pizhu::annotate::{AnnotationSet, Kind, Mark};
use pizhu::document::{Document, LineHint, TextRange};
use pizhu::export::{
    Content, ExportError, Filter, Format, Lang, Options, Source, default_file_name, export,
    write_file,
};
use pizhu::outline::{Outline, outline};

/// 2026-11-20 09:00 in UTC+8, in ms since 1970.
const BASE_MS: i64 = 1_795_136_400_000;
const UTC_PLUS_8: i32 = 8 * 3600;
const EXPORTED_AT: &str = "2026-11-25 14:03";

/// A highlight to make: the quote as it stands in the text, and what to give it.
struct Spec {
    quote: &'static str,
    color: Color,
    mark: Mark,
    note: &'static str,
    tags: &'static [&'static str],
}

const fn hl(quote: &'static str, color: Color, note: &'static str) -> Spec {
    Spec {
        quote,
        color,
        mark: Mark::Fill,
        note,
        tags: &[],
    }
}

/// A note with every character that needs escaping somewhere: `<`, `&`, `"`, `,`, `'`, a
/// line break, Markdown syntax at a line start, a hashtag.
const TRICKY_NOTE: &str =
    "他说：\"<重点> & 要点\", 逗号, 'single'\n# 不是标题\n- 不是列表 *强调* #帮扶";

fn seed_specs() -> Vec<Spec> {
    vec![
        // Before the first heading.
        hl(
            "确保以廉洁奉公、求真务实的政务作风",
            Color::Yellow,
            "开头就定调。",
        ),
        hl(
            "只有加强理论武装，才能做好政治建设",
            Color::Yellow,
            "理论武装是首要任务 #理论 #学习",
        ),
        Spec {
            tags: &["政治"],
            ..hl("这是我们做好一切工作的政治前提", Color::Green, "")
        },
        Spec {
            mark: Mark::Underline,
            ..hl("确保权力在阳光下运行", Color::Blue, "制度管权 #制度")
        },
        hl("贵在真，用真情、出真招", Color::Pink, TRICKY_NOTE),
        // Overlaps the one before.
        hl("出真招；贵在准，定准位", Color::Green, ""),
        // Inside the point 一要 (depth 3).
        Spec {
            tags: &["营商 环境"],
            ..hl(
                "进一步压缩工程建设项目行政审批时间",
                Color::Purple,
                "审批提速 #学习",
            )
        },
    ]
}

fn sample_specs() -> Vec<Spec> {
    vec![
        hl(
            "数据不通，系统再多也是“孤岛”",
            Color::Yellow,
            "比喻好 #金句",
        ),
        // Across a line break.
        hl("做到一次登录、全程网办。\n②用好电子证照", Color::Blue, ""),
        Spec {
            mark: Mark::Underline,
            ..hl("新建系统一律依托县政务云部署", Color::Green, "#落实")
        },
        hl(
            "让各级干部懂数据、用数据、善用数据",
            Color::Purple,
            TRICKY_NOTE,
        ),
        Spec {
            tags: &["作风"],
            ..hl("坚决反对为了排名“刷数据”", Color::Pink, "")
        },
    ]
}

/// Char range of the first occurrence of `quote` in `doc`.
fn find(doc: &Document, quote: &str) -> TextRange {
    let byte = doc
        .text
        .find(quote)
        .unwrap_or_else(|| panic!("{quote:?} not in the text"));
    let start = doc.char_of_byte(byte);
    TextRange::new(start, start + quote.chars().count())
}

/// A document with a fixed set of annotations: the highlights of `specs`, a section note on
/// the node whose label starts with `section_marker`, and one annotation whose quote is no
/// longer in the text (placed as unplaced by [`AnnotationSet::place_in`]).
struct Fixture {
    doc: Document,
    outline: Outline,
    annotations: Vec<Annotation>,
    name: &'static str,
}

fn fixture(path: &Path, name: &'static str, specs: &[Spec], section_marker: &str) -> Fixture {
    let doc = Document::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let outline = outline(&doc);
    let mut items = Vec::new();
    let stamp = |mut a: Annotation, i: usize| {
        let i = i as i64;
        a.id = 1000 + i as u64;
        a.created_ms = BASE_MS + i * 61_000;
        a.modified_ms = a.created_ms + (i % 3) * 3_600_000;
        a
    };
    for (i, spec) in specs.iter().enumerate() {
        let mut a = Annotation::highlight(&doc, find(&doc, spec.quote), spec.color, BASE_MS);
        a.mark = spec.mark;
        a.note = spec.note.to_owned();
        a.tags = spec.tags.iter().map(|t| (*t).to_owned()).collect();
        items.push(stamp(a, i));
    }
    let node = outline
        .nodes
        .iter()
        .position(|n| n.marker == section_marker)
        .unwrap_or_else(|| panic!("no node {section_marker}"));
    let mut note = Annotation::section_note(&doc, &outline, node, BASE_MS);
    note.note = "本节讲责任落实。\n#责任".to_owned();
    items.push(stamp(note, specs.len()));
    let mut gone = Annotation::highlight(&doc, TextRange::new(100, 109), Color::Pink, BASE_MS);
    gone.quote = "这句话已从文中删去".to_owned();
    gone.prefix = "上下文也已改写，".to_owned();
    gone.suffix = "再也找不到。".to_owned();
    gone.note = "原文改动后找不到了".to_owned();
    items.push(stamp(gone, specs.len() + 1));

    let mut set = AnnotationSet::new(items, Vec::new());
    assert_eq!(set.place_in(&doc), 1, "exactly one annotation is unplaced");
    Fixture {
        annotations: set.items().to_vec(),
        doc,
        outline,
        name,
    }
}

fn seed() -> Option<Fixture> {
    let dir = corpus()?;
    Some(fixture(
        &dir.join("seed/speech-lianzheng.txt"),
        "seed",
        &seed_specs(),
        "五、",
    ))
}

fn bundled() -> Fixture {
    fixture(&sample(), "sample", &sample_specs(), "三、")
}

impl Fixture {
    fn source(&self) -> Source<'_> {
        Source {
            doc: &self.doc,
            outline: &self.outline,
            annotations: &self.annotations,
            title: self.outline.title.as_deref().unwrap_or("untitled"),
            source_file: Some(if self.name == "seed" {
                "speech-lianzheng.txt"
            } else {
                "sample-speech.txt"
            }),
            exported_at: EXPORTED_AT,
            utc_offset_seconds: UTC_PLUS_8,
        }
    }

    fn export(&self, options: &Options, format: Format) -> Vec<u8> {
        export(&self.source(), options, format)
            .unwrap_or_else(|e| panic!("{} {format:?}: {e}", self.name))
    }

    fn text(&self, options: &Options, format: Format) -> String {
        String::from_utf8(self.export(options, format)).expect("text formats are UTF-8")
    }

    /// Quotes of the highlights exported (section notes show no quote).
    fn quotes(&self) -> Vec<&str> {
        self.annotations
            .iter()
            .filter(|a| a.kind == Kind::Highlight)
            .map(|a| a.quote.as_str())
            .collect()
    }
}

fn notes() -> Options {
    Options::new(Content::Annotations, Lang::Zh)
}

fn outline_of(with_highlights: bool) -> Options {
    Options {
        content: Content::Outline { with_highlights },
        ..notes()
    }
}

/// The golden text of an export: text formats as they are (the CSV's BOM checked and
/// dropped), `.docx` as its `word/document.xml`, indented.
fn golden(bytes: &[u8], format: Format) -> String {
    match format {
        Format::Docx => pretty_xml(&docx_part(bytes, "word/document.xml")),
        Format::Csv => {
            let rest = bytes
                .strip_prefix(b"\xEF\xBB\xBF")
                .expect("the CSV starts with a UTF-8 BOM");
            String::from_utf8(rest.to_vec()).expect("UTF-8")
        }
        _ => String::from_utf8(bytes.to_vec()).expect("UTF-8"),
    }
}

fn assert_golden(f: &Fixture, what: &str, options: &Options, format: Format) {
    let text = golden(&f.export(options, format), format);
    insta::assert_snapshot!(format!("{}-{what}.{}", f.name, golden_ext(format)), text);
}

fn golden_ext(format: Format) -> &'static str {
    match format {
        Format::Docx => "document.xml",
        _ => format.extension(),
    }
}

// Golden files: the seed's annotations and outline in every format.

#[test]
fn seed_annotations_markdown() {
    let Some(f) = seed() else { return };
    assert_golden(&f, "annotations", &notes(), Format::Md);
}

#[test]
fn seed_annotations_text() {
    let Some(f) = seed() else { return };
    assert_golden(&f, "annotations", &notes(), Format::Txt);
}

#[test]
fn seed_annotations_html() {
    let Some(f) = seed() else { return };
    assert_golden(&f, "annotations", &notes(), Format::Html);
}

#[test]
fn seed_annotations_csv() {
    let Some(f) = seed() else { return };
    assert_golden(&f, "annotations", &notes(), Format::Csv);
}

#[test]
fn seed_annotations_json() {
    let Some(f) = seed() else { return };
    assert_golden(&f, "annotations", &notes(), Format::Json);
}

#[test]
fn seed_annotations_docx() {
    let Some(f) = seed() else { return };
    assert_golden(&f, "annotations", &notes(), Format::Docx);
}

#[test]
fn seed_outline_with_highlights_in_every_format() {
    let Some(f) = seed() else { return };
    for format in Format::ALL {
        assert_golden(&f, "outline-highlights", &outline_of(true), format);
    }
}

#[test]
fn sample_goldens() {
    let f = bundled();
    for format in Format::ALL {
        assert_golden(&f, "annotations", &notes(), format);
    }
    assert_golden(&f, "outline", &outline_of(false), Format::Md);
    assert_golden(&f, "outline", &outline_of(false), Format::Txt);
    let english = Options {
        lang: Lang::En,
        ..notes()
    };
    assert_golden(&f, "annotations-en", &english, Format::Md);
}

// What the goldens rest on, checked directly.

/// Every fixture that can run here: the sample always, the seed when the corpus is there.
fn fixtures() -> Vec<Fixture> {
    let mut all = vec![bundled()];
    all.extend(seed());
    all
}

#[test]
fn every_format_holds_every_quote_and_note_of_the_fixture() {
    for f in fixtures() {
        for format in [Format::Md, Format::Txt, Format::Json] {
            let text = f.text(&notes(), format);
            let text = if format == Format::Json {
                // JSON escapes line breaks and quotes: compare decoded strings.
                let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
                v["annotations"]
                    .as_array()
                    .expect("annotations")
                    .iter()
                    .map(|a| format!("{}\n{}", a["quote"], a["note"]))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .replace("\\n", "\n")
                    .replace("\\\"", "\"")
            } else {
                text
            };
            for a in &f.annotations {
                for word in a.quote.split('\n').chain(a.note.split('\n')) {
                    let word = word.trim();
                    // Markdown escapes its own syntax; look for the plain Chinese part.
                    let plain: String = word
                        .chars()
                        .filter(|c| !c.is_ascii_punctuation() && *c != ' ')
                        .collect();
                    let hay: String = text
                        .chars()
                        .filter(|c| !c.is_ascii_punctuation() && *c != ' ')
                        .collect();
                    if a.kind == Kind::SectionNote && word == a.quote {
                        continue;
                    }
                    assert!(hay.contains(&plain), "{} {format:?} lacks {word:?}", f.name);
                }
            }
        }
    }
}

#[test]
fn markdown_groups_under_nested_headings_once_and_puts_unplaced_last() {
    let f = bundled();
    let md = f.text(&notes(), Format::Md);
    let headings: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with('#') && l.contains("# "))
        .collect();
    // Every heading at most once, ancestors before their children.
    for h in &headings {
        assert_eq!(
            headings.iter().filter(|x| x == &h).count(),
            1,
            "{h} twice in\n{md}"
        );
    }
    assert_eq!(
        headings[0],
        format!("# {}", f.outline.title.as_deref().unwrap_or(""))
    );
    assert_eq!(*headings.last().expect("headings"), "## 未能定位");
    let parent = headings
        .iter()
        .position(|h| h.starts_with("## 二、"))
        .expect("二、 heading");
    let child = headings
        .iter()
        .position(|h| h.starts_with("### （一）推进政务服务"))
        .expect("its child");
    assert!(parent < child);
    // Sections without annotations are left out.
    assert!(!md.contains("## 附件1"), "{md}");
    // Quotes are blockquotes, tags are #tags.
    assert!(md.contains("> 数据不通，系统再多也是“孤岛”"));
    assert!(md.contains("比喻好 #金句\n"));
    assert!(md.contains("\n#作风\n"), "{md}");
}

#[test]
fn markdown_parses_into_the_intended_blocks() {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    for f in fixtures() {
        let md = f.text(&notes(), Format::Md);
        let (mut quotes, mut headings, mut html, mut lists) = (0, 0, 0, 0);
        let mut paragraphs: Vec<String> = Vec::new();
        let mut current: Option<String> = None;
        for event in Parser::new(&md) {
            match event {
                Event::Start(Tag::BlockQuote(_)) => quotes += 1,
                Event::Start(Tag::Heading { .. }) => headings += 1,
                Event::Start(Tag::List(_)) => lists += 1,
                Event::Html(_) | Event::InlineHtml(_) => html += 1,
                Event::Start(Tag::Paragraph) => current = Some(String::new()),
                Event::End(TagEnd::Paragraph) => paragraphs.extend(current.take()),
                Event::Text(t) => {
                    if let Some(p) = current.as_mut() {
                        p.push_str(&t);
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(p) = current.as_mut() {
                        p.push('\n');
                    }
                }
                _ => {}
            }
        }
        assert_eq!(html, 0, "{}: escaped text never turns into HTML", f.name);
        assert_eq!(
            quotes,
            f.quotes().len(),
            "{}: one blockquote per highlight",
            f.name
        );
        assert_eq!(lists, 1, "{}: only the head is a list", f.name);
        // The title, and each section once.
        let report_sections = md.lines().filter(|l| l.starts_with("## ")).count();
        assert!(headings > report_sections, "{}", f.name);
        // The tricky note reads back exactly, with its line breaks.
        assert!(
            paragraphs.iter().any(|p| p == TRICKY_NOTE),
            "{}: {paragraphs:#?}",
            f.name
        );
    }
}

#[test]
fn csv_reads_back_with_identical_fields() {
    for f in fixtures() {
        let bytes = f.export(&notes(), Format::Csv);
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
        let mut reader = csv::Reader::from_reader(body);
        let headers = reader.headers().expect("headers").clone();
        assert_eq!(headers.len(), 13);
        assert_eq!(&headers[0], "章节");
        let rows: Vec<csv::StringRecord> = reader
            .records()
            .collect::<Result<_, _>>()
            .expect("well-formed CSV");
        assert_eq!(rows.len(), f.annotations.len(), "{}", f.name);
        for row in &rows {
            // `="1000"`: text in every spreadsheet.
            let id: u64 = row[12]
                .strip_prefix("=\"")
                .and_then(|r| r.strip_suffix('"'))
                .and_then(|d| d.parse().ok())
                .unwrap_or_else(|| panic!("id {:?}", &row[12]));
            let a = f
                .annotations
                .iter()
                .find(|a| a.id == id)
                .expect("a known id");
            assert_eq!(&row[2], a.quote, "quote of {id}");
            assert_eq!(&row[3], a.note, "note of {id}");
            let tags: Vec<String> = row[6]
                .split(' ')
                .filter(|t| !t.is_empty())
                .map(|t| t.trim_start_matches('#').replace('_', " "))
                .collect();
            assert_eq!(tags, a.all_tags(), "tags of {id}");
            assert_eq!(row[9].parse::<usize>().ok(), Some(a.range.start));
            assert_eq!(row[10].parse::<usize>().ok(), Some(a.range.end));
            if a.kind == Kind::Highlight {
                assert_eq!(&row[1], "划线");
                assert_eq!(&row[4], a.color.chinese());
            } else {
                assert_eq!((&row[1], &row[4]), ("章节笔记", ""));
            }
            if a.is_placed() {
                assert_ne!(&row[0], "未能定位");
            } else {
                assert_eq!(&row[0], "未能定位");
            }
            assert!(row[7].starts_with("2026-11-20 09:"), "{}", &row[7]);
        }
    }
}

#[test]
fn csv_outline_has_a_row_per_node_and_per_annotation() {
    let f = bundled();
    let bytes = f.export(&outline_of(true), Format::Csv);
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("CSV");
    let nodes = rows
        .iter()
        .filter(|r| &r[1] == "标题" || &r[1] == "要点")
        .count();
    assert_eq!(nodes, f.outline.nodes.len());
    assert_eq!(rows.len(), f.outline.nodes.len() + f.annotations.len());
    let first = &rows[0];
    let node = &f.outline.nodes[0];
    assert_eq!(
        (&first[0], &first[2], &first[3]),
        (
            node.depth.to_string().as_str(),
            node.marker.as_str(),
            node.title.as_str()
        )
    );
}

#[test]
fn html_parses_without_errors_in_every_variant() {
    for f in fixtures() {
        for lang in [Lang::Zh, Lang::En] {
            for content in [
                Content::Annotations,
                Content::Outline {
                    with_highlights: true,
                },
                Content::Outline {
                    with_highlights: false,
                },
            ] {
                let options = Options::new(content, lang);
                let html = f.text(&options, Format::Html);
                let page = scraper::Html::parse_document(&html);
                assert!(
                    page.errors.is_empty(),
                    "{} {content:?} {lang:?}: {:?}",
                    f.name,
                    page.errors
                );
                assert_eq!(format!("{:?}", page.quirks_mode), "NoQuirks");
                assert!(html.contains("print-color-adjust: exact"));
                assert!(html.contains("break-inside: avoid"));
                assert!(!html.contains("http://") && !html.contains("https://"));
                assert!(!html.contains("<link") && !html.contains("<script"));
            }
        }
        // The tricky note's text survives parsing as written.
        let page = scraper::Html::parse_document(&f.text(&notes(), Format::Html));
        let selector = scraper::Selector::parse("p.note").expect("selector");
        let notes: Vec<String> = page
            .select(&selector)
            .map(|p| p.text().collect::<String>())
            .collect();
        let tricky = TRICKY_NOTE.replace('\n', "");
        assert!(
            notes.iter().any(|n| n.replace('\n', "") == tricky),
            "{notes:?}"
        );
    }
}

#[test]
fn html_shows_highlights_in_their_colours() {
    let f = bundled();
    let html = f.text(&notes(), Format::Html);
    for hex in ["FFDF5E", "9FDD8C", "8EC3F5", "F7A6C4", "CBAEF2"] {
        assert!(html.contains(&format!("#{hex}")), "{hex}");
    }
    assert!(html.contains("<mark class=\"fill yellow\">数据不通"));
    assert!(html.contains("<span class=\"underline green\">新建系统"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
}

#[test]
fn docx_reads_back_with_our_own_reader() {
    for f in fixtures() {
        for options in [notes(), outline_of(true)] {
            let bytes = f.export(&options, Format::Docx);
            let doc = Document::from_bytes(bytes, "export.docx").expect("our reader reads it");
            for quote in f.quotes() {
                assert!(doc.text.contains(quote), "{}: {quote:?}", f.name);
            }
            assert_eq!(doc.lines[0].hint, LineHint::Title);
            assert_eq!(doc.line_text(&doc.lines[0]), f.source().title);
            let headings = doc
                .lines
                .iter()
                .filter(|l| matches!(l.hint, LineHint::Heading(_)))
                .count();
            assert!(headings > 0);
            // The outline found in the export is the document's own.
            if options.content != Content::Annotations {
                let again = outline(&doc);
                let titles: Vec<&str> = again.nodes.iter().map(|n| n.title.as_str()).collect();
                for node in f.outline.nodes.iter().filter(|n| n.depth == 1) {
                    assert!(
                        titles.iter().any(|t| t.contains(node.title.as_str())),
                        "{} not in {titles:?}",
                        node.title
                    );
                }
            }
        }
        let bytes = f.export(&notes(), Format::Docx);
        let styles = docx_part(&bytes, "word/styles.xml");
        for id in ["Title", "Heading1", "Heading6", "Quote", "Note"] {
            assert!(styles.contains(&format!("w:styleId=\"{id}\"")), "{id}");
        }
        assert!(styles.contains("w:eastAsia=\"宋体\"") && styles.contains("w:eastAsia=\"黑体\""));
        let core = docx_part(&bytes, "docProps/core.xml");
        assert!(core.contains(&format!("<dc:title>{}</dc:title>", f.source().title)));
        let document = docx_part(&bytes, "word/document.xml");
        assert!(document.contains("w:fill=\"FFDF5E\""));
        assert!(document.contains("<w:u w:val=\"thick\" w:color=\""));
    }
}

/// A program on PATH, if there.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Run a command to the end, killing it after `limit`.
fn run(command: &mut Command, limit: Duration) -> std::process::Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{command:?} took more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn docx_converts_with_libreoffice_and_the_pdf_holds_every_quote() {
    let (Some(soffice), Some(pdftotext)) = (on_path("soffice"), on_path("pdftotext")) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "soffice and pdftotext must be installed under CI \
             (Debian: libreoffice-writer-nogui poppler-utils)"
        );
        let _ = writeln!(std::io::stderr(), "skipped: soffice not installed");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let profile = tmp.path().join("profile");
    let fixtures = fixtures();
    let mut files = Vec::new();
    for f in &fixtures {
        for (what, options) in [("notes", notes()), ("outline", outline_of(true))] {
            let docx = tmp.path().join(format!("{}-{what}.docx", f.name));
            write_file(&docx, &f.export(&options, Format::Docx)).expect("write");
            files.push((f, docx));
        }
    }
    // One LibreOffice run converts them all (its start is the slow part).
    let out = run(
        Command::new(&soffice)
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(tmp.path())
            .args(files.iter().map(|(_, docx)| docx)),
        Duration::from_secs(300),
    );
    for (f, docx) in &files {
        let pdf = docx.with_extension("pdf");
        assert!(
            pdf.is_file(),
            "no PDF for {}: {}\n{}",
            docx.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = run(
            Command::new(&pdftotext).arg(&pdf).arg("-"),
            Duration::from_secs(60),
        );
        let text: String = String::from_utf8_lossy(&text.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for quote in f.quotes() {
            let quote: String = quote.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(
                text.contains(&quote),
                "{}: the PDF lacks {quote:?}",
                docx.display()
            );
        }
        assert!(text.contains(&f.source().title.replace(' ', "")));
        // `PIZHU_EXPORT_KEEP=DIR` keeps the .docx and its PDF for a look.
        if let Some(keep) = std::env::var_os("PIZHU_EXPORT_KEEP") {
            let keep = PathBuf::from(keep);
            std::fs::create_dir_all(&keep).expect("keep folder");
            for file in [docx, &pdf] {
                let name = file.file_name().expect("file name");
                std::fs::copy(file, keep.join(name)).expect("copy");
            }
        }
    }
}

// Filters and contents.

/// Ids (as numbers) of the annotations in a JSON export.
fn exported_ids(f: &Fixture, options: &Options) -> Vec<u64> {
    let json: serde_json::Value =
        serde_json::from_slice(&f.export(options, Format::Json)).expect("JSON");
    assert_eq!(json["schema_version"], 1);
    json["annotations"]
        .as_array()
        .expect("annotations")
        .iter()
        .map(|a| {
            a["id"]
                .as_str()
                .expect("string id")
                .parse()
                .expect("number")
        })
        .collect()
}

fn ids_where(f: &Fixture, keep: impl Fn(&Annotation) -> bool) -> Vec<u64> {
    let mut ids: Vec<u64> = f
        .annotations
        .iter()
        .filter(|a| keep(a))
        .map(|a| a.id)
        .collect();
    ids.sort_unstable();
    ids
}

fn sorted(mut ids: Vec<u64>) -> Vec<u64> {
    ids.sort_unstable();
    ids
}

#[test]
fn colour_tag_and_notes_only_filters() {
    let f = bundled();
    let with = |filter: Filter| Options { filter, ..notes() };
    let everything = exported_ids(&f, &notes());
    assert_eq!(sorted(everything), ids_where(&f, |_| true));

    let colours = with(Filter {
        colors: vec![Color::Blue, Color::Pink],
        ..Filter::default()
    });
    let got = sorted(exported_ids(&f, &colours));
    assert_eq!(
        got,
        ids_where(&f, |a| a.kind == Kind::Highlight
            && matches!(a.color, Color::Blue | Color::Pink))
    );
    assert_eq!(got.len(), 3, "blue, pink and the unplaced pink one");

    let tags = with(Filter {
        tags: vec!["#金句".into(), "作风".into()],
        ..Filter::default()
    });
    let got = sorted(exported_ids(&f, &tags));
    assert_eq!(got.len(), 2);
    assert_eq!(
        got,
        ids_where(&f, |a| a
            .all_tags()
            .iter()
            .any(|t| t == "金句" || t == "作风"))
    );

    let noted = with(Filter {
        notes_only: true,
        ..Filter::default()
    });
    let got = sorted(exported_ids(&f, &noted));
    assert_eq!(got, ids_where(&f, |a| !a.note.trim().is_empty()));
    assert!(got.len() < f.annotations.len());

    // The filter is stated at the head of the file.
    let md = f.text(&tags, Format::Md);
    assert!(md.contains("- 筛选：\\#金句 \\#作风"), "{md}");
    // And applies to every format alike.
    let csv_rows = f.export(&noted, Format::Csv);
    let mut reader = csv::Reader::from_reader(&csv_rows[3..]);
    assert_eq!(reader.records().count(), got.len());
}

#[test]
fn outline_without_highlights_is_the_bare_skeleton() {
    for f in fixtures() {
        let options = outline_of(false);
        let json: serde_json::Value =
            serde_json::from_slice(&f.export(&options, Format::Json)).expect("JSON");
        assert_eq!(json["content"], "outline");
        assert_eq!(json["with_highlights"], false);
        assert_eq!(json["annotations"].as_array().map(Vec::len), Some(0));
        let nodes = json["nodes"].as_array().expect("nodes");
        assert_eq!(nodes.len(), f.outline.nodes.len());
        let txt = f.text(
            &Options {
                full_titles: true,
                ..options.clone()
            },
            Format::Txt,
        );
        assert!(!txt.contains('◆'));
        // In full, the tree is pizhu outline's: one line per node, indented by depth.
        let cli = pizhu::export::outline_text(&f.outline);
        for line in cli.lines().skip(1) {
            assert!(
                txt.contains(&format!("{line}\n")),
                "{line:?} missing in\n{txt}"
            );
        }
    }
}

/// `pizhu outline --format markdown` and the outline export's Markdown list the same entries
/// (they once escaped `1.` differently, making a nested ordered list of one of them).
#[test]
fn the_cli_and_the_export_write_one_markdown_outline() {
    for f in fixtures() {
        let whole = Options {
            full_titles: true,
            ..outline_of(false)
        };
        let md = f.text(&whole, Format::Md);
        let cli = pizhu::export::outline_markdown(&f.outline);
        let list = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|l| l.trim_start().starts_with("- ") && !md_head_line(l))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(list(&cli), list(&md));
        assert_eq!(list(&cli).len(), f.outline.nodes.len());
    }
    let sample = pizhu::export::outline_markdown(&bundled().outline);
    assert!(sample.contains("    - 1\\.优化办事流程\n"), "{sample}");
}

/// The head lines of an export (`- 来源：…`), which the CLI's outline does not have.
fn md_head_line(line: &str) -> bool {
    [
        "- 来源：",
        "- 导出时间：",
        "- 提纲：",
        "- 批注：",
        "- 筛选：",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

#[test]
fn outline_with_highlights_puts_each_under_its_deepest_node() {
    let Some(f) = seed() else { return };
    let json: serde_json::Value =
        serde_json::from_slice(&f.export(&outline_of(true), Format::Json)).expect("JSON");
    let nodes = json["nodes"].as_array().expect("nodes");
    let point = nodes
        .iter()
        .find(|n| n["marker"] == "一要")
        .expect("the point 一要");
    assert_eq!(point["depth"], 3);
    assert_eq!(point["annotations"].as_array().map(Vec::len), Some(1));
    let five = nodes.iter().find(|n| n["marker"] == "五、").expect("五、");
    assert_eq!(five["annotations"].as_array().map(Vec::len), Some(1));
    let txt = f.text(&outline_of(true), Format::Txt);
    let at = txt.find("    · 一要：").expect("point line");
    assert!(
        txt[at..]
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("      ◆ 进一步压缩")),
        "{txt}"
    );
}

#[test]
fn an_empty_set_exports_a_head_and_nothing_else() {
    let f = bundled();
    let none = Source {
        annotations: &[],
        ..f.source()
    };
    for format in Format::ALL {
        let bytes = export(&none, &notes(), format).expect("export");
        assert!(!bytes.is_empty(), "{format:?}");
    }
    let md = String::from_utf8(export(&none, &notes(), Format::Md).expect("md")).expect("utf8");
    assert!(md.contains("- 批注：0 条"), "{md}");
    assert!(!md.contains("\n## "), "{md}");
}

// File names and writing.

#[test]
fn default_file_names() {
    let notes = Content::Annotations;
    let skeleton = Content::Outline {
        with_highlights: false,
    };
    assert_eq!(
        default_file_name(
            "在全县数字政府建设推进会上的讲话",
            notes,
            Format::Md,
            Lang::Zh
        ),
        "在全县数字政府建设推进会上的讲话-批注.md"
    );
    assert_eq!(
        default_file_name("讲话", skeleton, Format::Docx, Lang::Zh),
        "讲话-提纲.docx"
    );
    assert_eq!(
        default_file_name("Speech", skeleton, Format::Html, Lang::En),
        "Speech-outline.html"
    );
    assert_eq!(
        default_file_name("a/b\\c: d*e?\"f\"<g>|h", notes, Format::Csv, Lang::En),
        "abc defgh-notes.csv"
    );
    assert_eq!(
        default_file_name("2026/3/12 讲话：要点\n第二行", notes, Format::Txt, Lang::Zh),
        "2026312 讲话：要点 第二行-批注.txt"
    );
    assert_eq!(
        default_file_name("", notes, Format::Json, Lang::Zh),
        "未命名-批注.json"
    );
    assert_eq!(
        default_file_name("//:", notes, Format::Json, Lang::En),
        "untitled-notes.json"
    );
    assert_eq!(
        default_file_name("..hidden.", notes, Format::Md, Lang::En),
        "hidden-notes.md"
    );
    let long = "很长的标题".repeat(40);
    let name = default_file_name(&long, skeleton, Format::Docx, Lang::Zh);
    assert!(name.ends_with("-提纲.docx"));
    assert_eq!(name.chars().count(), 80 + "-提纲.docx".chars().count());
    assert!(name.len() <= 255, "{} bytes", name.len());
    let emoji = "😀".repeat(100);
    assert!(default_file_name(&emoji, notes, Format::Md, Lang::Zh).len() <= 255);
}

#[test]
fn write_into_an_unwritable_place_fails_clearly_and_leaves_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "not a folder").expect("write");
    let target = file.join("notes.md");
    let err = write_file(&target, b"# notes").expect_err("cannot write under a file");
    let message = err.to_string();
    assert!(matches!(err, ExportError::Write { .. }));
    assert!(
        message.starts_with("cannot write the export (")
            && message.contains("check that the folder exists and is writable")
            && message.ends_with(&target.display().to_string()),
        "{message}"
    );
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["a-file"]);
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "not a folder"
    );
}

#[test]
fn write_replaces_a_file_whole_and_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("讲话-批注.md");
    write_file(&path, b"old").expect("write");
    let f = bundled();
    let bytes = f.export(&notes(), Format::Md);
    write_file(&path, &bytes).expect("write");
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
    let count = std::fs::read_dir(tmp.path()).expect("list").count();
    assert_eq!(count, 1);
}

// Issue 16: what a first-time user found in the exports.

/// The text of an export to look into: `.docx` as its `word/document.xml`.
fn any_text(f: &Fixture, options: &Options, format: Format) -> String {
    golden(&f.export(options, format), format)
}

#[test]
fn a_tag_the_note_shows_is_not_written_again() {
    let f = bundled();
    // 比喻好 #金句: the tag is in the note; #作风 is in the tag field only.
    let txt = f.text(&notes(), Format::Txt);
    assert!(txt.contains("笔记：比喻好 #金句\n"), "{txt}");
    assert!(!txt.contains("标签：#金句"), "{txt}");
    assert!(txt.contains("标签：#作风"), "{txt}");
    let html = f.text(&notes(), Format::Html);
    assert!(!html.contains("<span class=\"tag\">#金句</span>"), "{html}");
    assert!(html.contains("<span class=\"tag\">#作风</span>"), "{html}");
    let xml = any_text(&f, &notes(), Format::Docx);
    assert!(!xml.contains("标签：#金句"), "{xml}");
    assert!(xml.contains("标签：#作风"), "{xml}");
    // Each tag once in the text formats: the note's `#金句` and nothing more.
    for format in [Format::Md, Format::Txt, Format::Html] {
        let text = f.text(&notes(), format);
        assert_eq!(text.matches("#金句").count(), 1, "{format:?}:\n{text}");
        assert_eq!(text.matches("#落实").count(), 1, "{format:?}:\n{text}");
    }
    // The CSV's tags column is a field to filter on: every tag, as before.
    let csv = f.text(&notes(), Format::Csv);
    assert!(csv.contains(",比喻好 #金句,黄色,背景,#金句,"), "{csv}");
}

/// A note with blank lines and lines that look like Markdown blocks.
const LIST_LIKE_NOTE: &str = "第一行\n第二行\n\n- 像列表\n1. 像编号\n> 像引用\n\n\n最后一段";

/// The bundled fixture with the first highlight's note set to `note`.
fn bundled_with_note(note: &str) -> Fixture {
    let mut f = bundled();
    let a = f
        .annotations
        .iter_mut()
        .find(|a| a.kind == Kind::Highlight && a.is_placed())
        .expect("a highlight");
    a.note = note.to_owned();
    f
}

/// The paragraphs of `md` (hard and soft breaks as `\n`) and how many list items it has.
fn md_blocks(md: &str) -> (Vec<String>, usize, usize) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let (mut paragraphs, mut items, mut hard) = (Vec::new(), 0, 0);
    let mut current: Option<String> = None;
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::Item) => items += 1,
            Event::Start(Tag::Paragraph) => current = Some(String::new()),
            Event::End(TagEnd::Paragraph) => paragraphs.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(p) = current.as_mut() {
                    p.push_str(&t);
                }
            }
            Event::HardBreak => {
                hard += 1;
                if let Some(p) = current.as_mut() {
                    p.push('\n');
                }
            }
            Event::SoftBreak => {
                if let Some(p) = current.as_mut() {
                    p.push(' ');
                }
            }
            _ => {}
        }
    }
    (paragraphs, items, hard)
}

#[test]
fn markdown_keeps_the_line_breaks_of_a_note_and_its_structure() {
    let f = bundled_with_note(LIST_LIKE_NOTE);
    let plain = bundled();
    // Annotations: the note reads back paragraph by paragraph, line by line (a soft break
    // would show as a space), and it adds no list item to the head's.
    let md = f.text(&notes(), Format::Md);
    let (paragraphs, items, _) = md_blocks(&md);
    let (_, plain_items, _) = md_blocks(&plain.text(&notes(), Format::Md));
    assert_eq!(items, plain_items, "no list item from the note:\n{md}");
    let want = [
        "第一行\n第二行",
        "- 像列表\n1. 像编号\n> 像引用",
        "最后一段",
    ];
    let at = paragraphs
        .iter()
        .position(|p| p == want[0])
        .unwrap_or_else(|| panic!("{paragraphs:#?}\n{md}"));
    assert_eq!(&paragraphs[at..at + 3], want, "{md}");
    // The outline with highlights: the note stays inside its item, the list's items are
    // one per node and one per annotation.
    let options = outline_of(true);
    let md = f.text(&options, Format::Md);
    let (paragraphs, items, hard) = md_blocks(&md);
    let (_, plain_items, plain_hard) = md_blocks(&plain.text(&options, Format::Md));
    assert_eq!(items, plain_items, "{md}");
    assert!(hard > plain_hard, "the note's lines are hard breaks:\n{md}");
    let text = paragraphs.join("\n");
    assert!(text.contains("第一行\n第二行"), "{text}");
    assert!(text.contains("- 像列表\n1. 像编号\n> 像引用"), "{text}");
    assert!(text.contains("最后一段"), "{text}");
    // A quote across a line break keeps it too.
    let md = plain.text(&notes(), Format::Md);
    assert!(
        md.contains("> 做到一次登录、全程网办。  \n> ②用好电子证照\n"),
        "{md}"
    );
}

/// `soffice` that can open spreadsheets (LibreOffice Calc), or `None` after saying why.
fn calc() -> Option<PathBuf> {
    let found = on_path("soffice").filter(|_| {
        Path::new("/usr/lib/libreoffice/program/libsclo.so").exists()
            || std::env::var_os("PIZHU_HAVE_CALC").is_some()
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "LibreOffice Calc must be installed under CI (Debian: libreoffice-calc-nogui)"
        );
        let _ = writeln!(std::io::stderr(), "skipped: LibreOffice Calc not installed");
    }
    found
}

#[test]
fn csv_ids_are_text_in_a_spreadsheet() {
    let mut f = bundled();
    // Real ids are random 64-bit numbers: 20 digits, more than a double holds.
    let ids: Vec<u64> = (0..f.annotations.len() as u64)
        .map(|i| 15_234_234_234_234_234_234 + i * 1_000_003)
        .collect();
    for (a, &id) in f.annotations.iter_mut().zip(&ids) {
        a.id = id;
    }
    let bytes = f.export(&notes(), Format::Csv);
    let text = golden(&bytes, Format::Csv);
    for id in &ids {
        // In the file: `="…"` quoted as a CSV field.
        assert!(text.contains(&format!(",\"=\"\"{id}\"\"\"")), "{text}");
    }
    let Some(soffice) = calc() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let csv = tmp.path().join("notes.csv");
    write_file(&csv, &bytes).expect("write");
    let out = run(
        Command::new(&soffice)
            .arg(format!(
                "-env:UserInstallation=file://{}",
                tmp.path().join("profile").display()
            ))
            .args(["--headless", "--convert-to", "fods", "--outdir"])
            .arg(tmp.path())
            .arg(&csv),
        Duration::from_secs(300),
    );
    let fods = std::fs::read_to_string(tmp.path().join("notes.fods")).unwrap_or_else(|e| {
        panic!(
            "no spreadsheet ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    for id in &ids {
        assert!(
            fods.contains(&format!(
                "office:value-type=\"string\" office:string-value=\"{id}\""
            )),
            "{id} is not the text of a cell:\n{fods}"
        );
    }
    assert!(!fods.contains("E+019"), "an id became a number:\n{fods}");
}

#[test]
fn an_export_names_its_source_file_without_its_folders_unless_asked() {
    let f = bundled();
    let private = "/home/张三/机密/讲话稿.txt";
    let source = Source {
        source_file: Some(private),
        ..f.source()
    };
    for format in Format::ALL {
        for (full_path, content) in [
            (false, Content::Annotations),
            (
                false,
                Content::Outline {
                    with_highlights: true,
                },
            ),
            (true, Content::Annotations),
        ] {
            let options = Options {
                full_path,
                ..Options::new(content, Lang::Zh)
            };
            let bytes = export(&source, &options, format).expect("export");
            let text = golden(&bytes, format);
            // The CSV of one document has no head lines.
            if format != Format::Csv {
                assert!(text.contains("讲话稿.txt"), "{format:?}:\n{text}");
            }
            assert_eq!(
                text.contains("/home/张三/机密"),
                full_path && format != Format::Csv,
                "{format:?} {content:?} full path {full_path}:\n{text}"
            );
        }
    }
}

#[test]
fn outline_entries_are_cut_at_a_clause_unless_asked() {
    let f = bundled();
    let long = "建强治理平台，把网格管理、矛盾调解、安全生产、环境监测等数据汇聚到“一张图”上，实现事件统一受理、分级处置、闭环管理";
    for format in [Format::Md, Format::Txt, Format::Html, Format::Docx] {
        let text = any_text(&f, &outline_of(false), format);
        assert!(!text.contains(long), "{format:?}:\n{text}");
        assert!(
            text.contains("建强治理平台，把网格管理、矛盾调解、安全生产…"),
            "{format:?}"
        );
        let whole = Options {
            full_titles: true,
            ..outline_of(false)
        };
        let text = any_text(&f, &whole, format);
        assert!(text.contains(long), "{format:?} in full:\n{text}");
    }
    // Every entry of the text outline fits in 40 chars after its indent.
    let txt = f.text(&outline_of(false), Format::Txt);
    for line in txt.lines().skip(5) {
        let entry = line.trim_start().trim_start_matches("· ");
        assert!(entry.chars().count() <= 42, "{entry:?}");
    }
    // CSV and JSON are data: whole.
    for format in [Format::Csv, Format::Json] {
        assert!(
            f.text(&outline_of(false), format).contains(long),
            "{format:?}"
        );
    }
}

#[test]
fn the_cli_names_the_file_alone_unless_full_path_is_given() {
    let data = tempfile::tempdir().expect("tempdir");
    let d = data.path().to_string_lossy().into_owned();
    let doc = sample();
    let doc = doc.to_string_lossy();
    let folder = common::sample()
        .parent()
        .expect("folder")
        .to_string_lossy()
        .into_owned();
    let o = common::pizhu(&["--data-dir", &d, "export", &doc, "--format", "txt"]);
    let text = common::stdout(&o);
    assert!(text.contains("来源：sample-speech.txt\n"), "{text}");
    assert!(!text.contains(&folder), "{text}");
    let o = common::pizhu(&["--data-dir", &d, "export", &doc, "--full-path"]);
    let text = common::stdout(&o);
    assert!(
        text.contains(&format!("来源：{folder}/sample-speech.txt")),
        "{text}"
    );
    let o = common::pizhu(&[
        "--data-dir",
        &d,
        "export",
        &doc,
        "--outline",
        "--format",
        "txt",
    ]);
    assert!(common::stdout(&o).contains("· 一要：建强治理平台，把网格管理、矛盾调解、安全生产…\n"));
    let o = common::pizhu(&[
        "--data-dir",
        &d,
        "export",
        &doc,
        "--outline",
        "--full-titles",
        "--format",
        "txt",
    ]);
    assert!(common::stdout(&o).contains("实现事件统一受理、分级处置、闭环管理\n"));
    // --full-titles belongs to the outline.
    let o = common::pizhu(&["--data-dir", &d, "export", &doc, "--full-titles"]);
    assert_eq!(o.status.code(), Some(2), "{}", common::stderr(&o));
}
