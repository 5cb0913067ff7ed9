//! The annotated document of a source that is not a `.docx` (text, Markdown, PDF, OFD,
//! web page…): a new package laid out as a 公文 after GB/T 9704 —
//!
//! - A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (版心 156 × 225 mm);
//! - body in 仿宋_GB2312 3号 (16 pt) at a fixed line pitch of 28.95 pt on a line grid, chars
//!   set 0.25 pt closer, so a page holds 22 lines × 28 chars; paragraphs indented two chars;
//! - the title in 方正小标宋简体 2号 (22 pt), centred; level-1 headings 黑体, level-2 楷体,
//!   level-3 仿宋 bold, deeper ones 仿宋, in Word's Heading 1…N styles (the navigation pane
//!   shows the outline); a heading that is the first sentence of its paragraph keeps the
//!   paragraph's style and takes the heading's font;
//! - page numbers `— N —` in 宋体 4号 at the foot, right on odd pages and left on even ones,
//!   one char in from the edge;
//! - each font named with fallbacks in `word/fontTable.xml` (`仿宋_GB2312` → `仿宋` →
//!   `FangSong`…), and every run's East Asian text tagged `zh-CN`, so a machine without the
//!   official fonts still shows Chinese in a 宋/仿宋-like face.
//!
//! Each line of the text is a paragraph and nothing is added to the text: the document
//! opens in Pizhu with the same text, so the same annotations fall on the same words.

use std::fmt::Write as _;

use crate::document::{TextPiece, TextRange};
use crate::outline::NodeKind;

use super::ExportError;
use super::annotated::{
    Annotated, AnnotatedOptions, AnnotatedSource, COMMENTS_REL, COMMENTS_TYPE, Cut, EXTENDED_REL,
    EXTENDED_TYPE, Insert, Layout, Looks, MC_NS, Package, R_NS, RunWriter, W_NS, W14_NS, XML_DECL,
    comments_extended_xml, comments_xml, cuts, esc, marks,
};

/// Body text: 仿宋_GB2312.
const BODY_FONT: &str = "仿宋_GB2312";
/// The title: 方正小标宋简体.
const TITLE_FONT: &str = "方正小标宋简体";
/// Level-1 headings: 黑体.
const H1_FONT: &str = "黑体";
/// Level-2 headings: 楷体_GB2312.
const H2_FONT: &str = "楷体_GB2312";
/// Page numbers: 宋体.
const NUMBER_FONT: &str = "宋体";
/// Latin letters and digits.
const LATIN_FONT: &str = "Times New Roman";

/// 3号 in half points.
const BODY_SIZE: u32 = 32;
/// 2号 in half points.
const TITLE_SIZE: u32 = 44;
/// 4号 in half points.
const NUMBER_SIZE: u32 = 28;
/// The fixed line pitch, 28.95 pt, in twentieths of a point.
const LINE_PITCH: u32 = 579;
/// Space between chars, in twentieths of a point: 16 pt chars less 0.25 pt set 28 to the
/// 156 mm line (442.2 pt / 15.75 pt = 28.08), in Word and in LibreOffice alike (a
/// `linesAndChars` grid is read differently by each).
const CHAR_SPACING: i32 = -5;

/// The 公文 layout of `source`.
pub(super) fn lay_out(
    source: &AnnotatedSource<'_>,
    options: &AnnotatedOptions,
) -> Result<Annotated, ExportError> {
    let doc = source.doc;
    let outline = source.outline;
    let marks = marks(doc, outline, source.annotations, options);
    // One piece per non-empty line: marks go between its chars.
    let pieces: Vec<TextPiece> = doc
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.range.is_empty())
        .map(|(i, l)| TextPiece {
            at: i as u64,
            start: l.range.start,
            chars: l.range.len(),
        })
        .collect();
    let cuts = cuts(&pieces, &marks.comments);
    let roles = line_roles(source);
    let inline: Vec<(TextRange, u8)> = roles
        .iter()
        .filter_map(|r| match r {
            Role::Body {
                inline: Some(heading),
                ..
            } => Some(*heading),
            _ => None,
        })
        .collect();
    let looks = Looks::new(&marks.paints, &inline);
    let body = body_xml(source, options, &roles, &pieces, &cuts, &looks);
    let extended = comments_extended_xml(&marks.comments);
    let mut parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", content_types(extended.is_some())),
        ("_rels/.rels", package_rels()),
        (
            "word/_rels/document.xml.rels",
            document_rels(extended.is_some()),
        ),
        ("word/document.xml", body),
        ("word/styles.xml", styles()),
        ("word/settings.xml", settings()),
        ("word/fontTable.xml", font_table()),
        ("word/footer1.xml", footer(true)),
        ("word/footer2.xml", footer(false)),
        ("word/comments.xml", comments_xml(&marks.comments)),
        ("docProps/core.xml", core(source.title, &options.author)),
        ("docProps/app.xml", app()),
    ];
    if let Some(extended) = extended {
        parts.push(("word/commentsExtended.xml", extended));
    }
    let mut package = Package::new();
    for (name, xml) in &parts {
        package.add(name, xml.as_bytes())?;
    }
    Ok(Annotated {
        bytes: package.finish()?,
        layout: Layout::Gongwen,
        comments: marks.comments.len(),
        highlights: marks.paints.len(),
        left_out: marks.left_out,
    })
}

/// What a line of the text is in the layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// The document's title.
    Title,
    /// A heading line of this level (1…9).
    Heading(u8),
    /// Body text; `indent` false for a line that brings its own (or the salutation);
    /// `inline`: a heading that is the paragraph's first sentence, and its level.
    Body {
        indent: bool,
        inline: Option<(TextRange, u8)>,
    },
}

/// The role of every line of the source.
fn line_roles(source: &AnnotatedSource<'_>) -> Vec<Role> {
    let doc = source.doc;
    let outline = source.outline;
    let mut roles: Vec<Role> = doc
        .lines
        .iter()
        .map(|l| {
            let text = doc.line_text(l);
            let own_indent = text.starts_with([' ', '\u{3000}', '\t']);
            let salutation = outline.salutation.is_some_and(|s| {
                s.start >= l.range.start && s.start < l.range.end.max(l.range.start + 1)
            });
            Role::Body {
                indent: !own_indent && !salutation,
                inline: None,
            }
        })
        .collect();
    for node in outline.nodes.iter().filter(|n| n.kind == NodeKind::Heading) {
        let Some(line) = doc.lines.get(node.line) else {
            continue;
        };
        let level = node.depth.clamp(1, 9);
        // A heading whose title stands on another line (`附件1` over its title) keeps the
        // body style: the numbering alone makes it a heading again.
        if !line.range.contains_range(node.title_range) {
            continue;
        }
        // A heading line: its title reaches the line's end (a final 。 or ： aside).
        if line.range.end.saturating_sub(node.title_range.end) <= 1 {
            roles[node.line] = Role::Heading(level);
        } else if let Role::Body { indent, .. } = roles[node.line] {
            let end = (node.title_range.end + 1).min(line.range.end);
            let start = node.range.start.max(line.range.start).min(end);
            roles[node.line] = Role::Body {
                indent,
                inline: Some((TextRange::new(start, end), level)),
            };
        }
    }
    if let Some(title) = outline.title_range {
        for (i, l) in doc.lines.iter().enumerate() {
            if l.range.start < title.end.max(title.start + 1) && title.start < l.range.end {
                roles[i] = Role::Title;
            }
        }
    }
    roles
}

/// The fonts and weight a heading of `level` takes inside a body paragraph.
fn inline_heading_props(level: u8, p: &str) -> Vec<(&'static str, String)> {
    let font = match level {
        1 => H1_FONT,
        2 => H2_FONT,
        _ => BODY_FONT,
    };
    let mut props = vec![(
        "rFonts",
        format!("<{p}rFonts {p}eastAsia=\"{font}\" {p}hint=\"eastAsia\"/>"),
    )];
    if level == 3 {
        props.push(("b", format!("<{p}b/>")));
    }
    props
}

/// `word/document.xml`.
fn body_xml(
    source: &AnnotatedSource<'_>,
    options: &AnnotatedOptions,
    roles: &[Role],
    pieces: &[TextPiece],
    cuts: &[(Cut, Insert)],
    looks: &Looks,
) -> String {
    let doc = source.doc;
    let mut out = format!(
        "{XML_DECL}<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\" xmlns:w14=\"{W14_NS}\" \
         xmlns:mc=\"{MC_NS}\" mc:Ignorable=\"w14\"><w:body>"
    );
    let mut piece = 0;
    let mut cut = 0;
    // Advertising and web residue (`下载 打印 【字号：加大 减小】`) stay out of the Word
    // document, unless an annotation is on them.
    let residue: std::collections::HashSet<usize> =
        source.outline.boilerplate.iter().map(|b| b.line).collect();
    for (i, line) in doc.lines.iter().enumerate() {
        if residue.contains(&i)
            && !line.range.is_empty()
            && cuts.get(cut).is_none_or(|c| c.0.0 != piece)
        {
            piece += 1;
            continue;
        }
        let ppr = match roles.get(i).copied().unwrap_or(Role::Body {
            indent: true,
            inline: None,
        }) {
            Role::Title => "<w:pStyle w:val=\"Title\"/>".to_owned(),
            Role::Heading(level) => format!("<w:pStyle w:val=\"Heading{level}\"/>"),
            Role::Body { indent: true, .. } => String::new(),
            Role::Body { indent: false, .. } => {
                "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>".to_owned()
            }
        };
        out.push_str("<w:p>");
        if !ppr.is_empty() {
            let _ = write!(out, "<w:pPr>{ppr}</w:pPr>");
        }
        if line.range.is_empty() {
            out.push_str("</w:p>");
            continue;
        }
        let mut w = RunWriter::new(
            "w:",
            "<w:r>".to_owned(),
            Vec::new(),
            options.highlight,
            inline_heading_props,
        );
        // This line's piece and its marks.
        debug_assert_eq!(pieces[piece].start, line.range.start);
        let text = doc.line_text(line);
        for (k, c) in text.chars().enumerate() {
            while cut < cuts.len() && cuts[cut].0 == (piece, k) {
                w.insert(cuts[cut].1);
                cut += 1;
            }
            w.char(c, looks.at(line.range.start + k));
        }
        while cut < cuts.len() && cuts[cut].0.0 == piece {
            w.insert(cuts[cut].1);
            cut += 1;
        }
        piece += 1;
        out.push_str(&w.finish());
        out.push_str("</w:p>");
    }
    let _ = writeln!(
        out,
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId4\"/>\
         <w:footerReference w:type=\"even\" r:id=\"rId5\"/>\
         <w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" \
         w:header=\"851\" w:footer=\"1304\" w:gutter=\"0\"/>\
         <w:cols w:space=\"425\"/>\
         <w:docGrid w:type=\"lines\" w:linePitch=\"{LINE_PITCH}\"/>\
         </w:sectPr></w:body></w:document>"
    );
    out
}

/// Run fonts: Latin `LATIN_FONT`, East Asian `east_asian`.
fn fonts(east_asian: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{LATIN_FONT}\" w:eastAsia=\"{east_asian}\" w:hAnsi=\"{LATIN_FONT}\" \
         w:cs=\"{LATIN_FONT}\" w:hint=\"eastAsia\"/>"
    )
}

/// A paragraph style.
fn style(out: &mut String, id: &str, name: &str, ppr: &str, rpr: &str) {
    let _ = write!(
        out,
        "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>\
         <w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
         <w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    );
}

/// `word/styles.xml`: the body's defaults, the title, Heading 1…9, the footer.
fn styles() -> String {
    let mut out = format!(
        "{XML_DECL}<w:styles xmlns:w=\"{W_NS}\"><w:docDefaults><w:rPrDefault><w:rPr>{}\
         <w:spacing w:val=\"{CHAR_SPACING}\"/><w:kern w:val=\"2\"/><w:sz w:val=\"{BODY_SIZE}\"/><w:szCs w:val=\"{BODY_SIZE}\"/>\
         <w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/>\
         <w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{LINE_PITCH}\" w:lineRule=\"exact\"/>\
         <w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>\
         <w:qFormat/><w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/></w:pPr></w:style>",
        fonts(BODY_FONT)
    );
    style(
        &mut out,
        "Title",
        "Title",
        &format!(
            "<w:spacing w:after=\"{LINE_PITCH}\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>\
             <w:jc w:val=\"center\"/><w:outlineLvl w:val=\"9\"/>"
        ),
        &format!(
            "{}<w:sz w:val=\"{TITLE_SIZE}\"/><w:szCs w:val=\"{TITLE_SIZE}\"/>",
            fonts(TITLE_FONT)
        ),
    );
    for level in 1..=9u8 {
        let (font, bold) = match level {
            1 => (H1_FONT, ""),
            2 => (H2_FONT, ""),
            3 => (BODY_FONT, "<w:b/><w:bCs/>"),
            _ => (BODY_FONT, ""),
        };
        style(
            &mut out,
            &format!("Heading{level}"),
            &format!("heading {level}"),
            &format!(
                "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"{}\"/>",
                level - 1
            ),
            &format!("{}{bold}", fonts(font)),
        );
    }
    let _ = writeln!(
        out,
        "<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/>\
         <w:basedOn w:val=\"Normal\"/><w:pPr><w:snapToGrid w:val=\"0\"/>\
         <w:spacing w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/></w:pPr>\
         <w:rPr>{}<w:sz w:val=\"{NUMBER_SIZE}\"/><w:szCs w:val=\"{NUMBER_SIZE}\"/></w:rPr></w:style>\
         </w:styles>",
        fonts(NUMBER_FONT)
    );
    out
}

/// `word/settings.xml`: odd and even pages have their own footers.
fn settings() -> String {
    format!(
        "{XML_DECL}<w:settings xmlns:w=\"{W_NS}\"><w:evenAndOddHeaders/>\
         <w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/>\
         </w:settings>\n"
    )
}

/// `word/fontTable.xml`: each font with the one Word uses where it is missing.
fn font_table() -> String {
    // name, fallback, panose, family, pitch
    const FONTS: &[(&str, &str, &str, &str, &str)] = &[
        (
            "仿宋_GB2312",
            "仿宋",
            "02010609030101010101",
            "modern",
            "fixed",
        ),
        (
            "仿宋",
            "FangSong",
            "02010609060101010101",
            "modern",
            "fixed",
        ),
        (
            "方正小标宋简体",
            "宋体",
            "02000000000000000000",
            "script",
            "variable",
        ),
        ("黑体", "SimHei", "02010609060101010101", "modern", "fixed"),
        (
            "楷体_GB2312",
            "楷体",
            "02010609030101010101",
            "modern",
            "fixed",
        ),
        ("楷体", "KaiTi", "02010609060101010101", "modern", "fixed"),
        ("宋体", "SimSun", "02010600030101010101", "auto", "variable"),
    ];
    let mut out = format!("{XML_DECL}<w:fonts xmlns:w=\"{W_NS}\">");
    for (name, alt, panose, family, pitch) in FONTS {
        let _ = write!(
            out,
            "<w:font w:name=\"{name}\"><w:altName w:val=\"{alt}\"/><w:panose1 w:val=\"{panose}\"/>\
             <w:charset w:val=\"86\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"{pitch}\"/></w:font>"
        );
    }
    let _ = writeln!(
        out,
        "<w:font w:name=\"{LATIN_FONT}\"><w:panose1 w:val=\"02020603050405020304\"/>\
         <w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font></w:fonts>"
    );
    out
}

/// A footer with the page number `— N —`: right on odd pages, left on even ones, one char
/// in from the edge.
fn footer(odd: bool) -> String {
    let (jc, ind) = if odd {
        ("right", "w:right=\"280\"")
    } else {
        ("left", "w:left=\"280\"")
    };
    format!(
        "{XML_DECL}<w:ftr xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/>\
         <w:ind {ind} w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"{jc}\"/></w:pPr>\
         <w:r><w:t xml:space=\"preserve\">— </w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
         <w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"end\"/></w:r>\
         <w:r><w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>\n"
    )
}

fn content_types(extended: bool) -> String {
    let main = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    let mut out = format!(
        "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/word/document.xml\" ContentType=\"{main}.document.main+xml\"/>\
         <Override PartName=\"/word/styles.xml\" ContentType=\"{main}.styles+xml\"/>\
         <Override PartName=\"/word/settings.xml\" ContentType=\"{main}.settings+xml\"/>\
         <Override PartName=\"/word/fontTable.xml\" ContentType=\"{main}.fontTable+xml\"/>\
         <Override PartName=\"/word/footer1.xml\" ContentType=\"{main}.footer+xml\"/>\
         <Override PartName=\"/word/footer2.xml\" ContentType=\"{main}.footer+xml\"/>\
         <Override PartName=\"/word/comments.xml\" ContentType=\"{COMMENTS_TYPE}\"/>\
         <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
         <Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
    );
    if extended {
        let _ = write!(
            out,
            "<Override PartName=\"/word/commentsExtended.xml\" ContentType=\"{EXTENDED_TYPE}\"/>"
        );
    }
    out.push_str("</Types>\n");
    out
}

fn package_rels() -> String {
    format!(
        "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
         </Relationships>\n"
    )
}

fn document_rels(extended: bool) -> String {
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut out = format!(
        "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{rel}/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{rel}/settings\" Target=\"settings.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{rel}/fontTable\" Target=\"fontTable.xml\"/>\
         <Relationship Id=\"rId4\" Type=\"{rel}/footer\" Target=\"footer1.xml\"/>\
         <Relationship Id=\"rId5\" Type=\"{rel}/footer\" Target=\"footer2.xml\"/>\
         <Relationship Id=\"rId6\" Type=\"{COMMENTS_REL}\" Target=\"comments.xml\"/>"
    );
    if extended {
        let _ = write!(
            out,
            "<Relationship Id=\"rId7\" Type=\"{EXTENDED_REL}\" Target=\"commentsExtended.xml\"/>"
        );
    }
    out.push_str("</Relationships>\n");
    out
}

fn core(title: &str, author: &str) -> String {
    format!(
        "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:creator>{}</dc:creator></cp:coreProperties>\n",
        esc(title),
        esc(author)
    )
}

fn app() -> String {
    format!(
        "{XML_DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>Pizhu</Application></Properties>\n"
    )
}
