//! Word `.docx`: a minimal WordprocessingML package (content types, relationships,
//! document, styles, core and app properties). Sections are Heading 1–6, quotes a shaded
//! "Quote" paragraph in the highlight's colour, notes a "Note" paragraph; East Asian fonts
//! are set (宋体 for text, 黑体 for headings) so Word, WPS and LibreOffice show Chinese well.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::annotate::Mark;
use crate::outline::NodeKind;

use super::report::{Item, Report, Section, clean_text, color_hex};
use super::{ExportError, Format};

/// Indent of one outline level, in twentieths of a point (two 10.5 pt characters).
const INDENT_TWIPS: usize = 420;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// The report as a `.docx` package.
pub(crate) fn render(r: &Report) -> Result<Vec<u8>, ExportError> {
    let parts: [(&str, String); 7] = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", package_rels()),
        ("word/_rels/document.xml.rels", document_rels()),
        ("word/document.xml", document(r)),
        ("word/styles.xml", styles()),
        ("docProps/core.xml", core(r)),
        ("docProps/app.xml", app()),
    ];
    let fail = |e: &dyn std::fmt::Display| ExportError::build(Format::Docx, e);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed time stamp (1980-01-01): the same export gives the same bytes.
    let options =
        zip::write::SimpleFileOptions::DEFAULT.compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in &parts {
        zip.start_file(*name, options).map_err(|e| fail(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

/// Text escaped for XML.
fn esc(s: &str) -> String {
    let clean = clean_text(s);
    quick_xml::escape::escape(clean.as_ref()).into_owned()
}

/// Runs for `text` with run properties `rpr`: line breaks become `<w:br/>`, tabs `<w:tab/>`.
fn runs(text: &str, rpr: &str) -> String {
    let mut out = String::new();
    let rpr = if rpr.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{rpr}</w:rPr>")
    };
    let _ = write!(out, "<w:r>{rpr}");
    for (i, line) in text.replace("\r\n", "\n").split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                let _ = write!(out, "<w:t xml:space=\"preserve\">{}</w:t>", esc(piece));
            }
        }
    }
    out.push_str("</w:r>");
    out
}

/// A paragraph of style `style` with extra paragraph properties `ppr` (in schema order,
/// after the style) and the runs `body`.
fn para(out: &mut String, style: &str, ppr: &str, body: &str) {
    let _ = writeln!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{ppr}</w:pPr>{body}</w:p>"
    );
}

/// Left indent of `level` outline levels.
fn indent(level: usize) -> String {
    format!("<w:ind w:left=\"{}\"/>", level * INDENT_TWIPS)
}

fn document(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{XML_DECL}<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>"
    );
    para(&mut out, "Title", "", &runs(r.title, ""));
    for line in r.header_lines() {
        para(&mut out, "Subtitle", "", &runs(&line, ""));
    }
    for s in &r.sections {
        if r.is_outline() {
            outline_entry(r, s, &mut out);
        } else {
            let level = usize::from(s.depth).clamp(1, 6);
            para(
                &mut out,
                &format!("Heading{level}"),
                "",
                &runs(&s.label, ""),
            );
            for line in r.section_lines(s) {
                para(&mut out, "Meta", "", &runs(&line, ""));
            }
            for item in &s.items {
                annotation(r, item, None, &mut out);
            }
        }
    }
    out.push_str(
        "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" \
         w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"851\" w:footer=\"992\" \
         w:gutter=\"0\"/></w:sectPr>\n</w:body></w:document>\n",
    );
    out
}

/// One annotation: the quote shaded (or underlined) in its colour, what and where, note,
/// tags; indented `level` outline levels when given.
fn annotation(r: &Report, item: &Item, level: Option<usize>, out: &mut String) {
    let l = r.labels;
    let a = item.a;
    let ind = level.map(indent).unwrap_or_default();
    if !item.is_section_note() {
        let hex = color_hex(a.color);
        let (shd, rpr) = match a.mark {
            Mark::Fill => (
                format!("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{hex}\"/>"),
                String::new(),
            ),
            Mark::Underline => (
                String::new(),
                format!("<w:u w:val=\"thick\" w:color=\"{hex}\"/>"),
            ),
        };
        para(out, "Quote", &format!("{shd}{ind}"), &runs(&a.quote, &rpr));
    }
    let note = a.note.trim();
    // The line under the quote stays with what follows it in the same annotation.
    // Tags the note already shows as `#标签` are not written again.
    let extra = Report::extra_hashtags(item, str::to_owned);
    let keep = if note.is_empty() && extra.is_empty() {
        ""
    } else {
        "<w:keepNext/>"
    };
    para(
        out,
        "Meta",
        &format!("{keep}{ind}"),
        &runs(&r.meta(item), ""),
    );
    if !note.is_empty() {
        para(out, "Note", &ind, &runs(note, ""));
    }
    if !extra.is_empty() {
        let tags = format!("{}{}{extra}", l.tags, l.colon);
        para(out, "Meta", &ind, &runs(&tags, ""));
    }
}

/// One outline entry: headings in their heading style, points as text, indented by depth;
/// annotations below, one level deeper.
fn outline_entry(r: &Report, s: &Section, out: &mut String) {
    let depth = usize::from(s.depth).max(1);
    let ind = indent(depth - 1);
    match r.node(s) {
        Some(node) if node.kind == NodeKind::Point => {
            let body = format!(
                "{}{}",
                runs(&node.marker, "<w:b/>"),
                runs(&format!(" {}", node.title), "")
            );
            para(out, "OutlinePoint", &ind, &body);
        }
        _ => para(
            out,
            &format!("Heading{}", depth.min(6)),
            &ind,
            &runs(&s.label, ""),
        ),
    }
    for item in &s.items {
        annotation(r, item, Some(depth), out);
    }
}

fn content_types() -> String {
    format!(
        "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
         <Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
         <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
         <Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
         </Types>\n"
    )
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

fn document_rels() -> String {
    format!(
        "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
         </Relationships>\n"
    )
}

fn core(r: &Report) -> String {
    format!(
        "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>Pizhu</dc:creator>\
         </cp:coreProperties>\n",
        esc(r.title),
        esc(r.kind_name())
    )
}

fn app() -> String {
    format!(
        "{XML_DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>Pizhu</Application></Properties>\n"
    )
}

/// A paragraph style: id, name, properties (`pPr` and `rPr` content, in schema order).
fn style(out: &mut String, id: &str, name: &str, ppr: &str, rpr: &str) {
    let _ = write!(
        out,
        "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>\
         <w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>"
    );
    if !ppr.is_empty() {
        let _ = write!(out, "<w:pPr>{ppr}</w:pPr>");
    }
    if !rpr.is_empty() {
        let _ = write!(out, "<w:rPr>{rpr}</w:rPr>");
    }
    out.push_str("</w:style>\n");
}

/// Fonts: Latin `latin`, East Asian `east_asian`.
fn fonts(latin: &str, east_asian: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{latin}\" w:eastAsia=\"{east_asian}\" w:hAnsi=\"{latin}\" w:cs=\"{latin}\"/>"
    )
}

fn styles() -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "{XML_DECL}<w:styles xmlns:w=\"{W_NS}\">\n<w:docDefaults><w:rPrDefault><w:rPr>{}\
         <w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/>\
         </w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"360\" \
         w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\n\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>\
         <w:qFormat/></w:style>\n",
        fonts("Times New Roman", "宋体")
    );
    let heading_fonts = fonts("Arial", "黑体");
    style(
        &mut out,
        "Title",
        "Title",
        "<w:spacing w:before=\"240\" w:after=\"240\"/><w:jc w:val=\"center\"/>",
        &format!("{heading_fonts}<w:b/><w:bCs/><w:sz w:val=\"40\"/><w:szCs w:val=\"40\"/>"),
    );
    style(
        &mut out,
        "Subtitle",
        "Subtitle",
        "<w:spacing w:after=\"0\"/><w:jc w:val=\"center\"/>",
        "<w:color w:val=\"595959\"/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>",
    );
    for (level, size) in [(1, 32), (2, 30), (3, 28), (4, 26), (5, 24), (6, 24)] {
        style(
            &mut out,
            &format!("Heading{level}"),
            &format!("heading {level}"),
            &format!(
                "<w:keepNext/><w:keepLines/><w:spacing w:before=\"{}\" w:after=\"120\"/>\
                 <w:outlineLvl w:val=\"{}\"/>",
                if level == 1 { 360 } else { 240 },
                level - 1
            ),
            &format!(
                "{heading_fonts}<w:b/><w:bCs/><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/>"
            ),
        );
    }
    style(
        &mut out,
        "Quote",
        "Quote",
        "<w:keepNext/><w:keepLines/><w:pBdr><w:left w:val=\"single\" w:sz=\"18\" w:space=\"8\" \
         w:color=\"BFBFBF\"/></w:pBdr><w:spacing w:before=\"160\" w:after=\"60\"/>\
         <w:ind w:left=\"420\" w:right=\"420\"/>",
        "",
    );
    style(
        &mut out,
        "Meta",
        "Annotation Info",
        "<w:spacing w:after=\"60\"/><w:ind w:left=\"420\"/>",
        "<w:color w:val=\"7F7F7F\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>",
    );
    style(
        &mut out,
        "Note",
        "Note",
        "<w:spacing w:after=\"120\"/><w:ind w:left=\"420\"/>",
        "<w:color w:val=\"262626\"/>",
    );
    style(&mut out, "OutlinePoint", "Outline Point", "", "");
    out.push_str("</w:styles>\n");
    out
}
