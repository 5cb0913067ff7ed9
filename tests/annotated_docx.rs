//! The annotated document (`pizhu export FILE --annotated`) and the comments of `.docx`
//! files as annotations: read back by our reader, by LibreOffice (`office:annotation` in
//! the `.fodt` it converts to) and by pandoc (`--track-changes=all`, which shows comments);
//! a copy of a styled original keeps its parts and text; a text source is laid out as a
//! 公文; comments written by LibreOffice are imported once; bad comment parts are reported,
//! never fatal.

mod common;

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{convert, corpus, on_path, soffice, stderr, stdout};
use pizhu::document::Document;

/// Run `pizhu` with a data folder and the author set.
fn run(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pizhu"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("PIZHU_DATA_DIR")
        .env("PIZHU_AUTHOR", "测试者")
        .output()
        .expect("pizhu runs")
}

fn ok(o: &std::process::Output) -> String {
    assert!(o.status.success(), "failed: {}", stderr(o));
    stdout(o)
}

/// `pandoc`, or `None` (after saying so); under CI it must be there.
fn pandoc() -> Option<PathBuf> {
    let found = on_path("pandoc");
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "pandoc must be installed under CI (Debian: pandoc)"
        );
        let _ = writeln!(std::io::stderr(), "skipped: pandoc not installed");
    }
    found
}

/// One part of a zip.
fn part(zip: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).ok()?;
    let mut entry = archive.by_name(name).ok()?;
    let mut out = Vec::new();
    entry.read_to_end(&mut out).ok()?;
    Some(out)
}

fn part_names(zip: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("zip");
    archive
        .file_names()
        .filter_map(Result::ok)
        .map(std::borrow::Cow::into_owned)
        .collect()
}

/// What `pizhu notes --format json` lists: (quote, note, tags, colour, mark, start, end).
type Listed = (String, String, Vec<String>, String, String, u64, u64);

fn listed(data: &Path, file: &Path) -> Vec<Listed> {
    let o = run(
        data,
        &["notes", file.to_str().expect("path"), "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&o)).expect("json");
    let mut out: Vec<Listed> = json["annotations"]
        .as_array()
        .expect("annotations")
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or_default().to_owned();
            (
                s("quote"),
                s("note"),
                a["tags"]
                    .as_array()
                    .map(|t| {
                        t.iter()
                            .map(|x| x.as_str().unwrap_or_default().to_owned())
                            .collect()
                    })
                    .unwrap_or_default(),
                s("color"),
                s("mark"),
                a["start"].as_u64().unwrap_or(u64::MAX),
                a["end"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect();
    out.sort_by_key(|l| (l.5, l.6, l.0.clone()));
    out
}

/// The comment text an annotation's note and tags make (as the export writes it).
fn comment_of(note: &str, tags: &[String]) -> String {
    pizhu::annotate::imported::comment_text(note, tags, false)
}

/// Every `office:annotation` of a LibreOffice `.fodt`: (its text, the text it is anchored
/// to), paragraphs joined with `\n`; and the text of every span with a background colour,
/// by colour.
struct Fodt {
    comments: Vec<(String, String)>,
    shaded: BTreeMap<String, Vec<String>>,
}

fn read_fodt(path: &Path) -> Fodt {
    let xml = std::fs::read_to_string(path).expect("fodt");
    let body_at = xml.find("<office:body>").expect("body");
    // Background colours of the automatic text styles.
    let style = regex::Regex::new(
        r##"<style:style style:name="([^"]+)" style:family="text"[^>]*>\s*<style:text-properties[^>]*fo:background-color="#([0-9a-f]{6})""##,
    )
    .expect("re");
    let colours: BTreeMap<String, String> = style
        .captures_iter(&xml[..body_at])
        .map(|c| (c[1].to_owned(), c[2].to_uppercase()))
        .collect();
    let body = &xml[body_at..];
    // Walk the body: text, paragraph ends, annotations and their ends, spans.
    let token = regex::Regex::new(
        r#"(?s)<office:annotation [^>]*office:name="([^"]+)"[^>]*>(.*?)</office:annotation>|<office:annotation-end office:name="([^"]+)"/>|<text:span text:style-name="([^"]+)">|</text:span>|</text:p>|</text:h>|<text:s(?: text:c="(\d+)")?/>|<text:tab/>|<text:line-break/>|<[^>]+>|([^<]+)"#,
    )
    .expect("re");
    let mut text = String::new();
    let mut open: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut comments = Vec::new();
    let mut spans: Vec<Option<(String, usize)>> = Vec::new();
    let mut shaded: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    };
    let para = regex::Regex::new(r"(?s)<text:p[^>]*>(.*?)</text:p>|<text:p[^>]*/>").expect("re");
    let markup = regex::Regex::new(r"<[^>]+>").expect("re");
    for c in token.captures_iter(body) {
        let all = &c[0];
        if let (Some(name), Some(inner)) = (c.get(1), c.get(2)) {
            let paras: Vec<String> = para
                .captures_iter(inner.as_str())
                .map(|p| {
                    let inner = p.get(1).map_or("", |m| m.as_str());
                    let inner = inner.replace("<text:tab/>", "\t");
                    unescape(&markup.replace_all(&inner, ""))
                })
                .collect();
            open.insert(name.as_str().to_owned(), (text.len(), paras.join("\n")));
        } else if let Some(name) = c.get(3) {
            if let Some((start, said)) = open.remove(name.as_str()) {
                comments.push((said, text[start..].to_owned()));
            }
        } else if let Some(style) = c.get(4) {
            spans.push(Some((style.as_str().to_owned(), text.len())));
        } else if all == "</text:span>" {
            if let Some(Some((style, start))) = spans.pop()
                && let Some(colour) = colours.get(&style)
            {
                shaded
                    .entry(colour.clone())
                    .or_default()
                    .push(text[start..].to_owned());
            }
        } else if all == "</text:p>" || all == "</text:h>" {
            text.push('\n');
        } else if all.starts_with("<text:s") {
            let n: usize = c.get(5).map_or(1, |m| m.as_str().parse().unwrap_or(1));
            text.push_str(&" ".repeat(n));
        } else if all == "<text:tab/>" {
            text.push('\t');
        } else if all == "<text:line-break/>" {
            text.push('\n');
        } else if let Some(t) = c.get(6) {
            // Line breaks and indents between elements are LibreOffice's layout of the file.
            if !(t.as_str().contains('\n') && t.as_str().trim().is_empty()) {
                text.push_str(&unescape(t.as_str()));
            }
        }
    }
    // A comment still open: anchored at a point.
    for (_, (_, said)) in open {
        comments.push((said, String::new()));
    }
    Fodt { comments, shaded }
}

/// Comments as pandoc reads them: (text, anchored text), paragraphs joined with `\n`.
fn read_pandoc(pandoc: &Path, docx: &Path) -> Vec<(String, String)> {
    let out = Command::new(pandoc)
        .args(["--track-changes=all", "-f", "docx", "-t", "json"])
        .arg(docx)
        .output()
        .expect("pandoc runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    struct Walk {
        text: String,
        open: BTreeMap<String, (usize, String)>,
        done: Vec<(String, String)>,
    }
    fn inline_text(v: &serde_json::Value, out: &mut String) {
        match v["t"].as_str() {
            Some("Str") => out.push_str(v["c"].as_str().unwrap_or_default()),
            Some("Space") => out.push(' '),
            Some("SoftBreak" | "LineBreak") => out.push('\n'),
            _ => {
                if let Some(items) = v["c"].as_array() {
                    for item in items {
                        if item.is_array() {
                            for x in item.as_array().into_iter().flatten() {
                                inline_text(x, out);
                            }
                        } else {
                            inline_text(item, out);
                        }
                    }
                }
            }
        }
    }
    fn walk(v: &serde_json::Value, w: &mut Walk) {
        match v {
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, w)),
            serde_json::Value::Object(o) => match o.get("t").and_then(|t| t.as_str()) {
                Some("Str") => w.text.push_str(o["c"].as_str().unwrap_or_default()),
                Some("Space") => w.text.push(' '),
                Some("SoftBreak" | "LineBreak") => w.text.push('\n'),
                Some("Span") => {
                    let attr = &o["c"][0];
                    let classes: Vec<&str> = attr[1]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|c| c.as_str())
                        .collect();
                    let id = attr[0].as_str().unwrap_or_default().to_owned();
                    let id = if id.is_empty() {
                        attr[2]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .find(|kv| kv[0] == "id")
                            .and_then(|kv| kv[1].as_str())
                            .unwrap_or_default()
                            .to_owned()
                    } else {
                        id
                    };
                    if classes.contains(&"comment-start") {
                        let mut said = String::new();
                        for x in o["c"][1].as_array().into_iter().flatten() {
                            inline_text(x, &mut said);
                        }
                        w.open.insert(id, (w.text.len(), said));
                    } else if classes.contains(&"comment-end") {
                        if let Some((start, said)) = w.open.remove(&id) {
                            let anchored = w.text[start..].to_owned();
                            w.done.push((said, anchored));
                        }
                        // Pandoc puts an end that follows at once inside this one.
                        walk(&o["c"][1], w);
                    } else {
                        walk(&o["c"][1], w);
                    }
                }
                Some("Para" | "Plain" | "Header") => {
                    walk(&o["c"], w);
                    w.text.push('\n');
                }
                _ => {
                    if let Some(c) = o.get("c") {
                        walk(c, w);
                    }
                }
            },
            _ => {}
        }
    }
    let mut w = Walk {
        text: String::new(),
        open: BTreeMap::new(),
        done: Vec::new(),
    };
    walk(&json["blocks"], &mut w);
    w.done
}

/// Text compared without whitespace (and pandoc's `¶` between a comment's paragraphs).
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '¶')
        .collect()
}

/// The exported document's comments as our reader places them: (text, quote).
fn our_comments(bytes: Vec<u8>) -> (Document, Vec<(String, String)>) {
    let doc = Document::from_bytes(bytes, "out.docx").expect("opens");
    let comments = doc
        .markup
        .comments
        .iter()
        .map(|c| (c.text.clone(), doc.slice(c.range).to_owned()))
        .collect();
    (doc, comments)
}

/// Highlight `quote` in `file` (the nth occurrence) with a colour, a note and tags.
fn highlight(data: &Path, file: &Path, quote: &str, extra: &[&str]) {
    let mut args = vec!["highlight", file.to_str().expect("path"), "--quote", quote];
    args.extend_from_slice(extra);
    ok(&run(data, &args));
}

#[test]
fn a_copy_of_the_styled_original_keeps_its_parts_and_text_and_every_reader_finds_the_notes() {
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let original = corpus.join("docx/2026-beijing.styled.docx");
    let file = dir.path().join("报告.docx");
    std::fs::copy(&original, &file).expect("copy");
    let doc = Document::open(&file).expect("opens");
    // A quote across two paragraphs: the end of one and the start of the next.
    let first_break = doc.text.find("\n一年来").expect("paragraph");
    let across_start = doc.text[..first_break]
        .char_indices()
        .rev()
        .nth(5)
        .map(|(i, _)| i)
        .expect("chars");
    let across: String = doc.text[across_start..].chars().take(12).collect();
    assert!(across.contains('\n'));
    highlight(
        &data,
        &file,
        "全市地区生产总值",
        &[
            "--note",
            "关键数字 & <核对>\n第二行 \"引号\"",
            "--tag",
            "经济",
        ],
    );
    highlight(
        &data,
        &file,
        &across,
        &["--color", "blue", "--note", "跨段"],
    );
    // Nested and overlapping: a long highlight, one inside it, one over its end.
    highlight(
        &data,
        &file,
        "稳中求进工作总基调",
        &["--color", "green", "--note", "外层"],
    );
    highlight(
        &data,
        &file,
        "工作总基调",
        &["--color", "pink", "--note", "内层"],
    );
    highlight(
        &data,
        &file,
        "总基调，更好统筹",
        &["--color", "purple", "--note", "交叠"],
    );
    // A highlight without a note, and one with tags only.
    highlight(&data, &file, "首都功能持续优化提升", &["--color", "yellow"]);
    highlight(
        &data,
        &file,
        "科技创新",
        &["--tag", "创新", "--tag", "科技"],
    );
    let before = listed(&data, &file);
    assert_eq!(before.len(), 7);
    let out = dir.path().join("批注版.docx");
    let o = run(
        &data,
        &[
            "export",
            file.to_str().expect("p"),
            "--annotated",
            "-o",
            out.to_str().expect("p"),
        ],
    );
    ok(&o);
    assert!(
        stderr(&o).contains("a copy of the original: 6 comments, 7 highlights"),
        "{}",
        stderr(&o)
    );
    let bytes = std::fs::read(&out).expect("written");
    let orig = std::fs::read(&original).expect("original");
    // Every part but the document, its relationships and the content types: byte for byte.
    for name in part_names(&orig) {
        if [
            "word/document.xml",
            "word/_rels/document.xml.rels",
            "[Content_Types].xml",
        ]
        .contains(&name.as_str())
        {
            continue;
        }
        assert_eq!(part(&bytes, &name), part(&orig, &name), "{name} changed");
    }
    assert!(part(&bytes, "word/styles.xml").is_some());
    // Every paragraph's text, and its style hint, as before.
    let paras = pizhu::document::read_docx(&bytes).expect("reads");
    let orig_paras = pizhu::document::read_docx(&orig).expect("reads");
    assert_eq!(paras, orig_paras);
    // Our reader: each note once, on exactly its quote.
    let (_, ours) = our_comments(bytes.clone());
    let mut expected: Vec<(String, String)> = before
        .iter()
        .filter(|l| !l.1.is_empty() || !l.2.is_empty())
        .map(|l| (comment_of(&l.1, &l.2), l.0.clone()))
        .collect();
    expected.sort();
    let mut got = ours.clone();
    got.sort();
    assert_eq!(got, expected);
    // Opening the export in Pizhu: the same annotations, ranges, text, colours.
    let data2 = dir.path().join("data2");
    assert_eq!(listed(&data2, &out), before);
    // LibreOffice: every annotation once, anchored to exactly its quote; highlights shaded
    // in their colour over exactly their text.
    if let Some(soffice) = soffice() {
        let fodt = convert(&soffice, &out, "fodt", dir.path());
        let lo = read_fodt(&fodt);
        // Paragraph ends compared without the file's own indentation.
        let tidy = |v: &[(String, String)]| {
            let mut v: Vec<(String, String)> = v
                .iter()
                .map(|(said, at)| (said.clone(), squash(at)))
                .collect();
            v.sort();
            v
        };
        assert_eq!(tidy(&lo.comments), tidy(&expected));
        let fill = |c: &str| {
            pizhu::annotate::imported::hex(pizhu::annotate::imported::fill_rgb(
                pizhu::annotate::Color::from_name(c).expect("colour"),
            ))
        };
        // The highlight without a note, and the tag-only one, are shaded whole.
        let yellow = lo.shaded.get(&fill("yellow")).cloned().unwrap_or_default();
        assert!(
            yellow.concat().contains("首都功能持续优化提升"),
            "{yellow:?}"
        );
        assert!(yellow.concat().contains("全市地区生产总值"), "{yellow:?}");
        // The nested one wins inside the outer one (shortest on top, as the reader draws).
        let pink = lo.shaded.get(&fill("pink")).cloned().unwrap_or_default();
        assert!(pink.concat().contains("工作"), "{pink:?}");
        let blue = lo.shaded.get(&fill("blue")).cloned().unwrap_or_default();
        assert_eq!(blue.concat(), across.replace('\n', ""), "{blue:?}");
    }
    // pandoc: the same.
    if let Some(pandoc) = pandoc() {
        let mut got: Vec<(String, String)> = read_pandoc(&pandoc, &out)
            .into_iter()
            .map(|(said, at)| (squash(&said), squash(&at)))
            .collect();
        got.sort();
        let mut want: Vec<(String, String)> = expected
            .iter()
            .map(|(said, at)| (squash(said), squash(at)))
            .collect();
        want.sort();
        assert_eq!(got, want);
    }
}

#[test]
fn a_text_is_laid_out_as_a_gongwen_and_reads_back_with_the_same_annotations() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let file = dir.path().join("讲话.txt");
    std::fs::copy(common::sample(), &file).expect("copy");
    let doc = Document::open(&file).expect("opens");
    let outline = pizhu::outline::outline(&doc);
    assert!(!outline.placeholders.is_empty(), "the sample has blanks");
    let heading = outline.nodes[0].title.clone();
    highlight(
        &data,
        &file,
        &heading,
        &["--color", "green", "--note", "一级标题"],
    );
    let para_end = doc
        .lines
        .iter()
        .find(|l| l.range.len() > 30)
        .expect("a paragraph");
    let words: String = doc.line_text(para_end).chars().skip(3).take(10).collect();
    highlight(
        &data,
        &file,
        &words,
        &["--note", "正文 & 要点", "--tag", "要点"],
    );
    let before = listed(&data, &file);
    let out = dir.path().join("讲话-批注.docx");
    let o = run(
        &data,
        &[
            "export",
            file.to_str().expect("p"),
            "--annotated",
            "--blanks",
            "mark",
            "--highlight",
            "word",
            "-o",
            out.to_str().expect("p"),
        ],
    );
    ok(&o);
    assert!(stderr(&o).contains("laid out as a 公文"), "{}", stderr(&o));
    let bytes = std::fs::read(&out).expect("written");
    // The same text, the title in Title, headings in Heading N.
    let read = Document::from_bytes(bytes.clone(), "out.docx").expect("opens");
    assert_eq!(read.text, doc.text);
    let read_outline = pizhu::outline::outline(&read);
    assert_eq!(read_outline.title, outline.title);
    assert_eq!(common::render(&read_outline), common::render(&outline));
    let document =
        String::from_utf8(part(&bytes, "word/document.xml").expect("doc")).expect("utf8");
    assert!(document.contains("<w:pStyle w:val=\"Title\"/>"));
    assert!(document.contains("<w:pStyle w:val=\"Heading1\"/>"));
    assert!(document.contains("<w:highlight w:val=\"green\"/>"));
    assert!(
        document
            .contains("<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\"")
    );
    assert!(document.contains("w:linePitch=\"579\""));
    let styles = String::from_utf8(part(&bytes, "word/styles.xml").expect("styles")).expect("utf8");
    for needle in [
        "仿宋_GB2312",
        "方正小标宋简体",
        "黑体",
        "楷体_GB2312",
        "w:line=\"579\" w:lineRule=\"exact\"",
        "<w:sz w:val=\"44\"/>",
    ] {
        assert!(styles.contains(needle), "{needle}");
    }
    let fonts =
        String::from_utf8(part(&bytes, "word/fontTable.xml").expect("fonts")).expect("utf8");
    assert!(fonts.contains("<w:font w:name=\"仿宋_GB2312\"><w:altName w:val=\"仿宋\"/>"));
    let footer =
        String::from_utf8(part(&bytes, "word/footer1.xml").expect("footer")).expect("utf8");
    assert!(
        footer.contains("— </w:t>") && footer.contains(" PAGE ") && footer.contains(" —</w:t>")
    );
    // Each blank has a comment 待填写; the notes come back as they were.
    let (_, ours) = our_comments(bytes.clone());
    let blanks = ours.iter().filter(|(said, _)| said == "待填写").count();
    assert_eq!(blanks, outline.placeholders.len());
    let data2 = dir.path().join("data2");
    let after: Vec<Listed> = listed(&data2, &out)
        .into_iter()
        .filter(|l| l.1 != "待填写")
        .collect();
    // Word's highlight colours map back to the same colours.
    assert_eq!(after, before);
    if let Some(soffice) = soffice() {
        let fodt = convert(&soffice, &out, "fodt", dir.path());
        let lo = read_fodt(&fodt);
        assert_eq!(lo.comments.len(), ours.len());
        for (said, at) in &ours {
            assert!(
                lo.comments.contains(&(said.clone(), at.clone())),
                "{said}: {at}"
            );
        }
        let pdf = convert(&soffice, &out, "pdf", dir.path());
        if let Some(pdftotext) = on_path("pdftotext") {
            let text = Command::new(pdftotext)
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("pdftotext");
            let text = squash(&String::from_utf8_lossy(&text.stdout));
            assert!(text.contains("—1—"), "page number");
            assert!(text.contains("—2—"), "page number");
        }
    }
}

/// A minimal `.docx` package: the body, and these extra parts.
fn docx_with(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let head = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"><w:body>"#;
    let document = format!("{head}{body}<w:sectPr/></w:body></w:document>");
    let types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let doc_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut parts = vec![
        ("[Content_Types].xml", types.to_owned()),
        ("_rels/.rels", rels.to_owned()),
        ("word/_rels/document.xml.rels", doc_rels.to_owned()),
        ("word/document.xml", document),
    ];
    parts.extend(extra.iter().map(|(n, x)| (*n, (*x).to_owned())));
    for (name, xml) in parts {
        zip.start_file(name, options).expect("zip");
        zip.write_all(xml.as_bytes()).expect("zip");
    }
    zip.finish().expect("zip").into_inner()
}

fn comments_part(comments: &[(&str, &str, &str)]) -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">"#,
    );
    for (id, author, text) in comments {
        out.push_str(&format!(
            r#"<w:comment w:id="{id}" w:author="{author}" w:date="2026-01-02T03:04:05Z" w:initials="X"><w:p w14:paraId="0000000{id}"><w:r><w:annotationRef/></w:r><w:r><w:t>{text}</w:t></w:r></w:p></w:comment>"#
        ));
    }
    out.push_str("</w:comments>");
    out
}

#[test]
fn bad_comment_parts_are_reported_and_the_rest_is_read() {
    // Overlapping (1, 2) and nested (3 in 1) ranges, a range with no marks (4), marks of a
    // comment that does not exist (9), an end before its start (5), entities, 100 KB.
    let body = concat!(
        r#"<w:p><w:commentRangeStart w:id="1"/><w:r><w:t>甲乙</w:t></w:r><w:commentRangeStart w:id="2"/>"#,
        r#"<w:r><w:t>丙</w:t></w:r><w:commentRangeStart w:id="3"/><w:r><w:t>丁&amp;&#x620A;</w:t></w:r><w:commentRangeEnd w:id="3"/>"#,
        r#"<w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r><w:r><w:t xml:space="preserve">己 庚</w:t></w:r><w:commentRangeEnd w:id="2"/></w:p>"#,
        r#"<w:p><w:commentRangeEnd w:id="5"/><w:r><w:t>辛壬</w:t></w:r><w:commentRangeStart w:id="5"/><w:commentRangeStart w:id="9"/><w:r><w:t>癸</w:t></w:r><w:commentRangeEnd w:id="9"/><w:commentRangeStart w:id="6"/><w:r><w:t>子</w:t></w:r><w:commentRangeEnd w:id="6"/></w:p>"#,
    );
    let long = "长".repeat(100 * 1024 / 3);
    let comments = comments_part(&[
        ("1", "甲", "外 &amp; &lt;b&gt; &#x4E00;"),
        ("2", "乙", "交叠"),
        ("3", "丙", "嵌套"),
        ("4", "丁", "没有位置"),
        ("5", "戊", "倒置"),
        ("6", "己", &long),
    ]);
    let bytes = docx_with(body, &[("word/comments.xml", &comments)]);
    let doc = Document::from_bytes(bytes.clone(), "批注.docx").expect("opens");
    assert_eq!(doc.text, "甲乙丙丁&戊己 庚\n辛壬癸子");
    let got: BTreeMap<&str, (&str, &str)> = doc
        .markup
        .comments
        .iter()
        .map(|c| (c.id.as_str(), (c.text.as_str(), doc.slice(c.range))))
        .collect();
    assert_eq!(got["1"], ("外 & <b> 一", "甲乙丙丁&戊"));
    assert_eq!(got["2"], ("交叠", "丙丁&戊己 庚"));
    assert_eq!(got["3"], ("嵌套", "丁&戊"));
    assert_eq!(got["5"], ("倒置", "辛壬"));
    assert_eq!(got["6"].1, "子");
    assert_eq!(got["6"].0.chars().count(), long.chars().count());
    assert!(!got.contains_key("4"));
    let problems = doc.markup.problems.clone().expect("reported");
    assert_eq!(
        (
            problems.total,
            problems.unplaced,
            problems.stray_marks,
            problems.cut
        ),
        (6, 1, 2, 0)
    );
    let notice = doc
        .notices
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    assert!(
        notice.contains("1 of its 6 comments have no place in the text"),
        "{notice}"
    );
    // The command line says so on stderr, and lists the five it could place.
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("批注.docx");
    std::fs::write(&file, &bytes).expect("write");
    let o = run(
        &dir.path().join("data"),
        &["notes", file.to_str().expect("p"), "--format", "json"],
    );
    assert!(
        stderr(&o).contains("have no place in the text"),
        "{}",
        stderr(&o)
    );
    let notes = listed(&dir.path().join("data"), &file);
    assert_eq!(notes.len(), 5);
    // More than the limit is cut and counted; a broken comments part is reported.
    let huge = "长".repeat(pizhu::document::MAX_COMMENT_CHARS + 10);
    let bytes = docx_with(
        r#"<w:p><w:commentRangeStart w:id="1"/><w:r><w:t>文字</w:t></w:r><w:commentRangeEnd w:id="1"/></w:p>"#,
        &[("word/comments.xml", &comments_part(&[("1", "甲", &huge)]))],
    );
    let doc = Document::from_bytes(bytes, "x.docx").expect("opens");
    assert_eq!(
        doc.markup.comments[0].text.chars().count(),
        pizhu::document::MAX_COMMENT_CHARS
    );
    assert_eq!(doc.markup.problems.as_ref().map(|p| p.cut), Some(1));
    let bytes = docx_with(
        r#"<w:p><w:r><w:t>文字</w:t></w:r></w:p>"#,
        &[(
            "word/comments.xml",
            "<w:comments><w:comment w:id=\"1\"><oops></w:comments>",
        )],
    );
    let doc = Document::from_bytes(bytes, "x.docx").expect("still opens");
    assert_eq!(doc.text, "文字");
    let problems = doc.markup.problems.expect("reported");
    assert!(
        problems
            .unreadable
            .expect("why")
            .contains("word/comments.xml is damaged")
    );
}

#[test]
fn comments_written_by_libreoffice_are_imported_once_with_their_replies() {
    let Some(soffice) = soffice() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    // An ODT with two annotations (one a reply to the other) and a highlighted word.
    let fodt = r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties fo:background-color="#ffff00"/></style:style></office:automatic-styles>
<office:body><office:text>
<text:p>关于加强作风建设的通知</text:p>
<text:p>一、提高认识。<office:annotation office:name="c1"><dc:creator>张三</dc:creator><dc:date>2026-03-01T10:00:00</dc:date><text:p>这里要改 &amp; 核实</text:p><text:p>第二段</text:p></office:annotation>作风建设永远在路上<office:annotation-end office:name="c1"/>。</text:p>
<text:p>二、狠抓落实。要把<text:span text:style-name="T1">严</text:span>字贯穿始终。</text:p>
</office:text></office:body></office:document>"##;
    let src = dir.path().join("通知.fodt");
    std::fs::write(&src, fodt).expect("write");
    let docx = convert(&soffice, &src, "docx", dir.path());
    let data = dir.path().join("data");
    let first = listed(&data, &docx);
    let quotes: Vec<&str> = first.iter().map(|l| l.0.as_str()).collect();
    assert!(quotes.contains(&"作风建设永远在路上"), "{first:?}");
    assert!(quotes.contains(&"严"), "{first:?}");
    let comment = first
        .iter()
        .find(|l| l.0 == "作风建设永远在路上")
        .expect("comment");
    assert_eq!(comment.1, "这里要改 & 核实\n第二段");
    let doc = Document::open(&docx).expect("opens");
    let imported = pizhu::annotate::imported::from_document(&doc, &pizhu::outline::outline(&doc));
    let by = imported
        .iter()
        .find(|a| a.quote == "作风建设永远在路上")
        .and_then(|a| a.imported.as_deref())
        .expect("imported");
    assert_eq!(by.author, "张三");
    assert!(by.date_ms.is_some());
    // Opened again, and after a save (pizhu highlight saves the imported ones too): once.
    assert_eq!(listed(&data, &docx), first);
    highlight(&data, &docx, "狠抓落实", &["--color", "green"]);
    let after = listed(&data, &docx);
    assert_eq!(after.len(), first.len() + 1);
    assert_eq!(listed(&data, &docx), after);
}

#[test]
fn replies_stay_with_their_comment_and_are_exported_as_replies() {
    let body = r#"<w:p><w:commentRangeStart w:id="0"/><w:commentRangeStart w:id="1"/><w:r><w:t>作风建设</w:t></w:r><w:commentRangeEnd w:id="0"/><w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="0"/></w:r><w:r><w:commentReference w:id="1"/></w:r><w:r><w:t>永远在路上</w:t></w:r></w:p>"#;
    let comments = comments_part(&[("0", "张三", "问题"), ("1", "李四", "回复：已改")]);
    let extended = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:commentsEx xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:commentEx w15:paraId="00000000" w15:done="0"/><w15:commentEx w15:paraId="00000001" w15:paraIdParent="00000000" w15:done="0"/></w15:commentsEx>"#;
    let bytes = docx_with(
        body,
        &[
            ("word/comments.xml", &comments),
            ("word/commentsExtended.xml", extended),
        ],
    );
    let doc = Document::from_bytes(bytes.clone(), "r.docx").expect("opens");
    let outline = pizhu::outline::outline(&doc);
    let imported = pizhu::annotate::imported::from_document(&doc, &outline);
    assert_eq!(imported.len(), 1, "the reply is no annotation of its own");
    let a = &imported[0];
    assert_eq!((a.quote.as_str(), a.note.as_str()), ("作风建设", "问题"));
    assert_eq!(a.imported.as_ref().map(|i| i.author.as_str()), Some("张三"));
    assert_eq!(a.replies.len(), 1);
    assert_eq!(
        (a.replies[0].author.as_str(), a.replies[0].text.as_str()),
        ("李四", "回复：已改")
    );
    // Exported again: the comment and its reply, the reply naming its parent.
    let made = pizhu::export::annotated_docx(
        &pizhu::export::AnnotatedSource {
            doc: &doc,
            outline: &outline,
            annotations: &imported,
            title: "r",
            original: Some(&bytes),
        },
        &pizhu::export::AnnotatedOptions {
            author: "我".into(),
            ..Default::default()
        },
    )
    .expect("exports");
    assert_eq!(made.comments, 2);
    let again = Document::from_bytes(made.bytes.clone(), "again.docx").expect("opens");
    let reimported =
        pizhu::annotate::imported::from_document(&again, &pizhu::outline::outline(&again));
    assert_eq!(reimported.len(), 1);
    assert_eq!(reimported[0].note, "问题");
    assert_eq!(reimported[0].replies, a.replies);
    assert_eq!(reimported[0].imported, a.imported);
    // The old comments part is replaced, not doubled; its relationship points at ours.
    let rels = String::from_utf8(part(&made.bytes, "word/_rels/document.xml.rels").expect("rels"))
        .expect("utf8");
    assert_eq!(
        rels.matches("relationships/comments\"").count(),
        1,
        "{rels}"
    );
    assert!(!rels.contains("rId9"), "{rels}");
}

#[test]
fn web_residue_stays_out_of_the_gongwen_unless_an_annotation_is_on_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (data, file) = (tmp.path().join("data"), tmp.path().join("report.txt"));
    std::fs::write(
        &file,
        "下载\n打印\n收藏\n【字号：加大 还原 减小】\n关于推进基层减负的报告\n\n一、总体要求\n\n切实为基层减负，让干部把更多时间用在抓落实上。\n\n分享到：微信 微博\n",
    )
    .expect("write");
    highlight(&data, &file, "切实为基层减负", &["--note", "金句"]);
    let out = tmp.path().join("out.docx");
    ok(&run(
        &data,
        &[
            "export",
            file.to_str().expect("path"),
            "--annotated",
            "-o",
            out.to_str().expect("path"),
        ],
    ));
    let xml = String::from_utf8(
        part(&std::fs::read(&out).expect("written"), "word/document.xml").expect("document part"),
    )
    .expect("utf-8");
    for residue in ["打印", "收藏", "字号", "分享到"] {
        assert!(!xml.contains(residue), "{residue} is in the export");
    }
    for body in [
        "关于推进基层减负的报告",
        "总体要求",
        "让干部把更多时间用在抓落实上",
    ] {
        assert!(xml.contains(body), "{body} is missing");
    }
    // A note on a residue line keeps that line.
    highlight(&data, &file, "打印", &["--note", "这一行留下"]);
    ok(&run(
        &data,
        &[
            "export",
            file.to_str().expect("path"),
            "--annotated",
            "-o",
            out.to_str().expect("path"),
            "--force",
        ],
    ));
    let xml = String::from_utf8(
        part(&std::fs::read(&out).expect("written"), "word/document.xml").expect("document part"),
    )
    .expect("utf-8");
    assert!(xml.contains("打印") && !xml.contains("收藏"), "{xml}");
}
