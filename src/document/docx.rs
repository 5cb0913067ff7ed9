//! `.docx` → paragraphs with style hints (zip + quick-xml, streamed, bounded).
//!
//! The zip entry `word/document.xml` is inflated through a counting reader and parsed
//! event by event, so neither a lying zip header nor a zip bomb can make Pizhu hold more
//! than `MAX_DOCX_XML_BYTES` of XML, more than `MAX_TEXT_CHARS` chars of text or more
//! than `MAX_PARAGRAPHS` paragraphs.
//!
//! Choices worth knowing:
//! - A page or column break (`<w:br w:type="page"/>`) separates the text around it with
//!   `\n`, but adds nothing at the start or end of a paragraph (so a heading that begins
//!   with a page break keeps its hint on its text).
//! - Deleted text (`w:del`, `w:delText`, `w:moveFrom`), field codes (`w:instrText`),
//!   tracked property changes (`w:pPrChange`, `w:rPrChange`) and `mc:Fallback` copies
//!   are skipped.
//! - Elements are matched by local name, whatever their namespace prefix.
//! - `word/styles.xml` is optional: if it is missing, too large or broken, the built-in
//!   style ids (`Title`, `Heading1`…`Heading9`) still give hints.

use std::collections::HashMap;
use std::io::{self, BufReader, Cursor, Read};

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::ZipArchive;
use zip::result::ZipError;

use super::LineHint;

/// Most bytes of `word/document.xml` Pizhu inflates before refusing the file.
pub const MAX_DOCX_XML_BYTES: u64 = 128 * 1024 * 1024;

/// Most bytes of `word/styles.xml` Pizhu inflates before ignoring the styles.
const MAX_STYLES_XML_BYTES: u64 = 16 * 1024 * 1024;

/// Most chars of paragraph text Pizhu extracts from one `.docx`.
const MAX_TEXT_CHARS: usize = 64_000_000;

/// Most paragraphs Pizhu extracts from one `.docx`.
const MAX_PARAGRAPHS: usize = 4_000_000;

/// Deepest nesting of paragraphs (text box in a paragraph in a text box…) accepted.
const MAX_PARAGRAPH_NESTING: usize = 64;

/// Longest `w:basedOn` chain followed; also stops cycles.
const MAX_STYLE_CHAIN: usize = 32;

const DOCUMENT_PART: &str = "word/document.xml";
const STYLES_PART: &str = "word/styles.xml";
const BYTES_PER_MB: u64 = 1024 * 1024;

/// Elements of `document.xml` whose whole content is ignored.
const DOCUMENT_SKIPPED: &[&str] = &[
    "Fallback",
    "del",
    "delText",
    "delInstrText",
    "instrText",
    "moveFrom",
    "pPrChange",
    "rPrChange",
];

/// Elements of `styles.xml` whose whole content is ignored.
const STYLES_SKIPPED: &[&str] = &["pPrChange", "rPrChange"];

/// One Word paragraph: its text and what its style says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocxParagraph {
    /// The paragraph's text; a `<w:br/>` inside it becomes `\n`.
    pub text: String,
    /// Title style, heading style / outline level, or nothing.
    pub hint: LineHint,
}

/// Why a `.docx` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// Not a zip archive at all.
    #[error(
        "this is not a valid Word .docx file (it is not a zip archive); open the original file or save it again from Word"
    )]
    NotZip,
    /// A zip archive without `word/document.xml`.
    #[error(
        "this is a zip archive but not a Word document (it has no word/document.xml; it may be another Office format such as .xlsx or .pptx); open it in Word and save it as .docx"
    )]
    NotWord,
    /// The zip structure or a compressed entry is corrupt or truncated.
    #[error(
        "the .docx file is damaged ({0}); open it in Word to repair it, or get the original file again"
    )]
    Damaged(String),
    /// The entries are encrypted (password-protected).
    #[error(
        "this .docx file is password-protected; open it in Word, remove the password and save it again"
    )]
    Encrypted,
    /// The zip uses a compression method or feature Pizhu cannot read.
    #[error(
        "the .docx file uses a zip feature Pizhu cannot read ({0}); open it in Word and save it again as .docx"
    )]
    Unsupported(String),
    /// `word/document.xml` inflates to more than the limit.
    #[error(
        "the .docx file is too large to open: its text part unpacks to more than {limit_mb} MB; split the document in Word or save it as .txt"
    )]
    TooLarge {
        /// The limit in MB.
        limit_mb: u64,
    },
    /// The document holds more text or paragraphs than Pizhu extracts.
    #[error("the .docx file holds too much text to open (more than {chars} million characters or {paras} million paragraphs); split it into smaller documents in Word", chars = MAX_TEXT_CHARS / 1_000_000, paras = MAX_PARAGRAPHS / 1_000_000)]
    TooMuchText,
    /// `word/document.xml` is not well-formed XML.
    #[error(
        "the .docx file is damaged: its word/document.xml is not valid XML ({0}); open it in Word to repair it, or get the original file again"
    )]
    Malformed(String),
}

/// Read the paragraphs of a `.docx` held in memory.
pub fn read_docx(bytes: &[u8]) -> Result<Vec<DocxParagraph>, DocxError> {
    read_docx_with(bytes, Limits::DEFAULT)
}

/// The bounds applied while reading (smaller in tests).
#[derive(Clone, Copy, Debug)]
struct Limits {
    xml_bytes: u64,
    text_chars: usize,
    paragraphs: usize,
}

impl Limits {
    const DEFAULT: Self = Self {
        xml_bytes: MAX_DOCX_XML_BYTES,
        text_chars: MAX_TEXT_CHARS,
        paragraphs: MAX_PARAGRAPHS,
    };
}

/// [`read_docx`] with explicit limits.
fn read_docx_with(bytes: &[u8], limits: Limits) -> Result<Vec<DocxParagraph>, DocxError> {
    let mut archive = open_archive(bytes)?;
    if archive.index_for_name(DOCUMENT_PART).is_none() {
        return Err(DocxError::NotWord);
    }
    let styles = read_styles(&mut archive);
    let entry = archive.by_name(DOCUMENT_PART).map_err(zip_error)?;
    let mut body = BodyParser::new(&styles, limits);
    parse_part(entry, limits.xml_bytes, DOCUMENT_SKIPPED, |event| {
        body.event(event)
    })?;
    Ok(body.done)
}

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Open the zip; bytes that start like a zip but do not parse are damaged, not "not a zip".
fn open_archive(bytes: &[u8]) -> Result<Archive<'_>, DocxError> {
    ZipArchive::new(Cursor::new(bytes)).map_err(|err| {
        if !bytes.starts_with(b"PK") {
            return DocxError::NotZip;
        }
        match zip_error(err) {
            DocxError::Damaged(detail) => DocxError::Damaged(format!(
                "its zip directory is unreadable, maybe cut short: {detail}"
            )),
            other => other,
        }
    })
}

/// Map a zip error to what the user needs to know.
fn zip_error(err: ZipError) -> DocxError {
    match err {
        ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED) | ZipError::InvalidPassword => {
            DocxError::Encrypted
        }
        ZipError::FileNotFound => DocxError::NotWord,
        ZipError::CompressionMethodNotSupported(method) => {
            DocxError::Unsupported(format!("compression method {method}"))
        }
        ZipError::UnsupportedArchive(what) => DocxError::Unsupported(what.to_string()),
        other => DocxError::Damaged(other.to_string()),
    }
}

/// A reader that fails once more than `limit` bytes went through it.
struct CountingReader<R> {
    inner: R,
    count: u64,
    limit: u64,
    exceeded: bool,
}

impl<R> CountingReader<R> {
    fn new(inner: R, limit: u64) -> Self {
        Self {
            inner,
            count: 0,
            limit,
            exceeded: false,
        }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.exceeded {
            return Err(io::Error::other("size limit exceeded"));
        }
        let n = self.inner.read(buf)?;
        self.count = self.count.saturating_add(n as u64);
        if self.count > self.limit {
            self.exceeded = true;
            return Err(io::Error::other("size limit exceeded"));
        }
        Ok(n)
    }
}

type PartReader<R> = Reader<BufReader<CountingReader<R>>>;

/// Stream-parse one XML part, passing events outside `skipped` elements to `handle`.
fn parse_part<R: Read>(
    entry: R,
    limit: u64,
    skipped: &[&str],
    mut handle: impl FnMut(Event<'_>) -> Result<(), DocxError>,
) -> Result<(), DocxError> {
    let mut reader = Reader::from_reader(BufReader::new(CountingReader::new(entry, limit)));
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut filter = SkipFilter::new(skipped);
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(err) => return Err(xml_failure(&err, &mut reader)),
        };
        if matches!(event, Event::Eof) {
            return filter.finish();
        }
        if filter.pass(&event) {
            handle(event)?;
        }
        buf.clear();
    }
}

/// Tracks element depth and drops everything inside skipped elements.
struct SkipFilter<'a> {
    skipped: &'a [&'a str],
    depth: usize,
    skip: usize,
}

impl<'a> SkipFilter<'a> {
    fn new(skipped: &'a [&'a str]) -> Self {
        Self {
            skipped,
            depth: 0,
            skip: 0,
        }
    }

    /// True when `event` should reach the handler.
    fn pass(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::Start(e) => {
                self.depth += 1;
                if self.skip > 0 || self.skipped.contains(&e.local_name().as_ref()) {
                    self.skip += 1;
                }
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                if self.skip > 0 {
                    self.skip -= 1;
                    return false;
                }
            }
            _ => {}
        }
        self.skip == 0
    }

    /// At end of input: every element must have been closed.
    fn finish(&self) -> Result<(), DocxError> {
        if self.depth == 0 {
            Ok(())
        } else {
            Err(DocxError::Malformed(
                "it ends before all its elements are closed".to_string(),
            ))
        }
    }
}

/// Turn a parse error into the right variant: size limit, damaged zip data, or bad XML.
fn xml_failure<R: Read>(err: &quick_xml::Error, reader: &mut PartReader<R>) -> DocxError {
    if reader.get_ref().get_ref().exceeded {
        return too_large(reader.get_ref().get_ref().limit);
    }
    if let quick_xml::Error::Io(io_err) = err {
        return DocxError::Damaged(io_err.to_string());
    }
    let position = reader.error_position();
    // Garbage XML may come from corrupt compressed data: read on so the CRC check can tell.
    if let Err(io_err) = io::copy(reader.get_mut(), &mut io::sink())
        && !reader.get_ref().get_ref().exceeded
    {
        return DocxError::Damaged(io_err.to_string());
    }
    DocxError::Malformed(format!("{err} at byte {position}"))
}

fn too_large(limit: u64) -> DocxError {
    DocxError::TooLarge {
        limit_mb: limit / BYTES_PER_MB,
    }
}

/// The value of the attribute with local name `local` (e.g. `w:val` → `val`).
fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    let found = e
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)?;
    let value = found
        .normalized_value(XmlVersion::Implicit1_0)
        .map_or_else(|_| found.value.to_string(), std::borrow::Cow::into_owned);
    Some(value)
}

/// `w:outlineLvl w:val` → the level, if it is a number.
fn outline_level(e: &BytesStart<'_>) -> Option<u8> {
    attr(e, "val")?.trim().parse().ok()
}

/// Outline level 0–8 is heading 1–9; 9 (body text) and anything else is no heading.
fn outline_hint(level: u8) -> LineHint {
    if level <= 8 {
        LineHint::Heading(level + 1)
    } else {
        LineHint::None
    }
}

/// `"1"`…`"9"` → the heading level.
fn heading_number(rest: &str) -> Option<LineHint> {
    match rest.trim().parse::<u8>() {
        Ok(n @ 1..=9) => Some(LineHint::Heading(n)),
        _ => None,
    }
}

/// Hint from a style name: `title`, `heading N` (also Chinese `标题`, `标题 N`).
fn name_hint(name: &str) -> LineHint {
    let name = name.trim().to_lowercase();
    if name == "title" || name == "标题" {
        return LineHint::Title;
    }
    name.strip_prefix("heading")
        .or_else(|| name.strip_prefix("标题"))
        .and_then(heading_number)
        .unwrap_or(LineHint::None)
}

/// Hint from a built-in style id: `Title`, `Heading1`…`Heading9`.
fn builtin_id_hint(id: &str) -> LineHint {
    let id = id.to_ascii_lowercase();
    if id == "title" {
        return LineHint::Title;
    }
    id.strip_prefix("heading")
        .and_then(heading_number)
        .unwrap_or(LineHint::None)
}

/// One paragraph style from `styles.xml`.
#[derive(Clone, Debug, Default)]
struct StyleDef {
    name: Option<String>,
    based_on: Option<String>,
    outline: Option<u8>,
}

impl StyleDef {
    /// The hint this style gives by itself, if any (`None` = ask the base style).
    fn own_hint(&self, id: &str) -> Option<LineHint> {
        let named = match &self.name {
            Some(name) => name_hint(name),
            None => builtin_id_hint(id),
        };
        if named != LineHint::None {
            return Some(named);
        }
        self.outline.map(outline_hint)
    }
}

/// Paragraph styles by style id.
#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, StyleDef>,
}

impl Styles {
    /// The hint of paragraph style `id`, following `basedOn` links.
    fn hint(&self, id: &str) -> LineHint {
        let mut id = id;
        for _ in 0..MAX_STYLE_CHAIN {
            let Some(style) = self.by_id.get(id) else {
                return builtin_id_hint(id);
            };
            if let Some(hint) = style.own_hint(id) {
                return hint;
            }
            match &style.based_on {
                Some(base) => id = base,
                None => return LineHint::None,
            }
        }
        LineHint::None
    }
}

/// Read `word/styles.xml`; a missing or unreadable part just gives no styles.
fn read_styles(archive: &mut Archive<'_>) -> Styles {
    let Ok(entry) = archive.by_name(STYLES_PART) else {
        return Styles::default();
    };
    let mut parser = StylesParser::default();
    match parse_part(entry, MAX_STYLES_XML_BYTES, STYLES_SKIPPED, |event| {
        parser.event(&event);
        Ok(())
    }) {
        Ok(()) => parser.styles,
        Err(_) => Styles::default(),
    }
}

/// Collects paragraph styles from `styles.xml` events.
#[derive(Default)]
struct StylesParser {
    styles: Styles,
    current: Option<(String, StyleDef)>,
}

impl StylesParser {
    fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(e) => self.element(e),
            Event::Empty(e) => {
                self.element(e);
                if e.local_name().as_ref() == "style" {
                    self.finish_style();
                }
            }
            Event::End(e) if e.local_name().as_ref() == "style" => self.finish_style(),
            _ => {}
        }
    }

    fn element(&mut self, e: &BytesStart<'_>) {
        let name = e.local_name();
        if name.as_ref() == "style" {
            self.current = Self::paragraph_style_id(e).map(|id| (id, StyleDef::default()));
            return;
        }
        let Some((_, style)) = &mut self.current else {
            return;
        };
        match name.as_ref() {
            "name" => style.name = attr(e, "val"),
            "basedOn" => style.based_on = attr(e, "val"),
            "outlineLvl" => style.outline = outline_level(e),
            _ => {}
        }
    }

    /// The style id of a `w:style w:type="paragraph"`.
    fn paragraph_style_id(e: &BytesStart<'_>) -> Option<String> {
        (attr(e, "type")?.trim() == "paragraph")
            .then(|| attr(e, "styleId"))
            .flatten()
    }

    fn finish_style(&mut self) {
        if let Some((id, style)) = self.current.take() {
            self.styles.by_id.insert(id, style);
        }
    }
}

/// A paragraph being read.
#[derive(Debug, Default)]
struct ParaBuf {
    text: String,
    style: Option<String>,
    outline: Option<u8>,
    page_break: bool,
}

impl ParaBuf {
    /// The paragraph's own outline level wins; else its style decides.
    fn hint(&self, styles: &Styles) -> LineHint {
        match (self.outline, &self.style) {
            (Some(level), _) => outline_hint(level),
            (None, Some(style)) => styles.hint(style),
            (None, None) => LineHint::None,
        }
    }

    fn push(&mut self, s: &str) {
        if self.page_break && !self.text.is_empty() {
            self.text.push('\n');
        }
        self.page_break = false;
        self.text.push_str(s);
    }
}

/// Turns `document.xml` events into paragraphs.
struct BodyParser<'s> {
    styles: &'s Styles,
    limits: Limits,
    open: Vec<ParaBuf>,
    done: Vec<DocxParagraph>,
    props_depth: usize,
    in_text: bool,
    chars: usize,
}

impl<'s> BodyParser<'s> {
    fn new(styles: &'s Styles, limits: Limits) -> Self {
        Self {
            styles,
            limits,
            open: Vec::new(),
            done: Vec::new(),
            props_depth: 0,
            in_text: false,
            chars: 0,
        }
    }

    fn event(&mut self, event: Event<'_>) -> Result<(), DocxError> {
        match event {
            Event::Start(e) => self.start(&e),
            Event::Empty(e) => self.empty(&e),
            Event::End(e) => self.end(e.local_name().as_ref()),
            Event::Text(t) if self.in_text => self.push_text(&t.xml10_content()),
            Event::GeneralRef(r) if self.in_text => self.push_ref(&r),
            _ => Ok(()),
        }
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), DocxError> {
        match e.local_name().as_ref() {
            "p" => self.open_paragraph(),
            "pPr" => {
                self.props_depth += 1;
                Ok(())
            }
            "t" if self.props_depth == 0 => {
                self.in_text = true;
                Ok(())
            }
            _ => self.empty(e),
        }
    }

    fn end(&mut self, local_name: &str) -> Result<(), DocxError> {
        match local_name {
            "p" => return self.close_paragraph(),
            "pPr" => self.props_depth = self.props_depth.saturating_sub(1),
            "t" => self.in_text = false,
            _ => {}
        }
        Ok(())
    }

    /// An element without content (or the start of one whose content does not matter).
    fn empty(&mut self, e: &BytesStart<'_>) -> Result<(), DocxError> {
        let name = e.local_name();
        if name.as_ref() == "p" {
            self.open_paragraph()?;
            return self.close_paragraph();
        }
        if self.props_depth > 0 {
            self.property(e, name.as_ref());
            return Ok(());
        }
        match name.as_ref() {
            "tab" | "ptab" => self.push_text("\t"),
            "br" if is_page_or_column_break(e) => {
                if let Some(para) = self.open.last_mut() {
                    para.page_break = true;
                }
                Ok(())
            }
            "br" | "cr" => self.push_text("\n"),
            "noBreakHyphen" => self.push_text("-"),
            _ => Ok(()),
        }
    }

    /// A child of the current paragraph's `w:pPr`.
    fn property(&mut self, e: &BytesStart<'_>, local_name: &str) {
        let Some(para) = self.open.last_mut() else {
            return;
        };
        match local_name {
            "pStyle" => para.style = attr(e, "val"),
            "outlineLvl" => para.outline = outline_level(e),
            _ => {}
        }
    }

    fn open_paragraph(&mut self) -> Result<(), DocxError> {
        if self.open.len() >= MAX_PARAGRAPH_NESTING {
            return Err(DocxError::Malformed(
                "its paragraphs are nested too deeply".to_string(),
            ));
        }
        self.open.push(ParaBuf::default());
        Ok(())
    }

    fn close_paragraph(&mut self) -> Result<(), DocxError> {
        let Some(mut para) = self.open.pop() else {
            return Ok(());
        };
        if self.done.len() >= self.limits.paragraphs {
            return Err(DocxError::TooMuchText);
        }
        para.text.shrink_to_fit();
        let hint = para.hint(self.styles);
        self.done.push(DocxParagraph {
            text: para.text,
            hint,
        });
        Ok(())
    }

    /// Append text to the innermost open paragraph, within the char limit.
    fn push_text(&mut self, s: &str) -> Result<(), DocxError> {
        if s.is_empty() {
            return Ok(());
        }
        let Some(para) = self.open.last_mut() else {
            return Ok(());
        };
        self.chars = self.chars.saturating_add(s.chars().count());
        if self.chars > self.limits.text_chars {
            return Err(DocxError::TooMuchText);
        }
        para.push(s);
        Ok(())
    }

    /// `&amp;`, `&#x4E00;` and friends inside `w:t`.
    fn push_ref(&mut self, r: &BytesRef<'_>) -> Result<(), DocxError> {
        let bad = |detail: String| DocxError::Malformed(detail);
        if let Some(c) = r.resolve_char_ref().map_err(|e| bad(e.to_string()))? {
            return self.push_text(c.encode_utf8(&mut [0; 4]));
        }
        let name: &str = r;
        match quick_xml::escape::resolve_predefined_entity(name) {
            Some(s) => self.push_text(s),
            None => Err(bad(format!("unknown entity &{name};"))),
        }
    }
}

/// `w:br w:type="page"` or `"column"` (a missing type is a line break).
fn is_page_or_column_break(e: &BytesStart<'_>) -> bool {
    matches!(attr(e, "type").as_deref(), Some("page" | "column"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]
mod tests {
    use std::io::Write;

    use zip::ZipWriter;
    use zip::write::SimpleFileOptions;

    use super::*;

    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

    const DOC_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:body>"#;

    const DOC_TAIL: &str = "<w:sectPr/></w:body></w:document>";

    const STYLES_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#;

    /// A zip with the given (name, content) entries, deflated.
    fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in entries {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// A `.docx` whose body is `body` and whose styles (if any) are `styles`.
    fn docx(body: &str, styles: Option<&str>) -> Vec<u8> {
        let document = format!("{DOC_HEAD}{body}{DOC_TAIL}");
        let styles = styles.map(|s| format!("{STYLES_HEAD}{s}</w:styles>"));
        let mut entries = vec![
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", document.as_str()),
        ];
        if let Some(styles) = &styles {
            entries.push(("word/styles.xml", styles.as_str()));
        }
        zip_of(&entries)
    }

    fn para(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn styled(style: &str, text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    }

    fn texts(paras: &[DocxParagraph]) -> Vec<&str> {
        paras.iter().map(|p| p.text.as_str()).collect()
    }

    fn hints(paras: &[DocxParagraph]) -> Vec<LineHint> {
        paras.iter().map(|p| p.hint).collect()
    }

    fn style(id: &str, name: &str, extra: &str) -> String {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/>{extra}</w:style>"#
        )
    }

    #[test]
    fn plain_paragraphs_in_order_with_empty_ones_kept() {
        let body = format!("{}<w:p/>{}<w:p><w:pPr/></w:p>", para("一"), para("二"));
        let paras = read_docx(&docx(&body, None)).unwrap();
        assert_eq!(texts(&paras), ["一", "", "二", ""]);
        assert!(paras.iter().all(|p| p.hint == LineHint::None));
    }

    #[test]
    fn runs_join_and_special_chars_map() {
        let body = concat!(
            r#"<w:p><w:r><w:t xml:space="preserve">a </w:t></w:r><w:r><w:t>b</w:t><w:tab/><w:t>c</w:t></w:r>"#,
            r#"<w:r><w:br/><w:t>d</w:t><w:cr/><w:t>e</w:t><w:noBreakHyphen/><w:softHyphen/><w:t>f</w:t>"#,
            r#"<w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>"#,
        );
        let paras = read_docx(&docx(body, None)).unwrap();
        assert_eq!(texts(&paras), ["a b\tc\nd\ne-f"]);
    }

    #[test]
    fn tab_stops_in_paragraph_properties_are_not_text() {
        let body = r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>x</w:t></w:r></w:p>"#;
        let paras = read_docx(&docx(body, None)).unwrap();
        assert_eq!(texts(&paras), ["x"]);
    }

    #[test]
    fn page_break_separates_text_but_never_leads_or_trails() {
        let body = concat!(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:br w:type="page"/></w:r><w:r><w:t>第一章</w:t></w:r></w:p>"#,
            r#"<w:p><w:r><w:t>a</w:t><w:br w:type="page"/><w:t>b</w:t><w:br w:type="page"/></w:r></w:p>"#,
        );
        let paras = read_docx(&docx(body, None)).unwrap();
        assert_eq!(texts(&paras), ["第一章", "a\nb"]);
        assert_eq!(paras[0].hint, LineHint::Heading(1));
    }

    #[test]
    fn entities_and_char_refs_are_decoded() {
        let body = para("A &amp; B &lt;C&gt; &quot;&apos; &#x4E00;&#20108;");
        let paras = read_docx(&docx(&body, None)).unwrap();
        assert_eq!(texts(&paras), ["A & B <C> \"' 一二"]);
    }

    #[test]
    fn title_and_headings_by_style_name() {
        let styles = [
            style("Normal", "Normal", ""),
            style("Title", "Title", ""),
            style("Heading1", "heading 1", ""),
            style("Heading2", "heading 2", ""),
        ]
        .concat();
        let body = [
            styled("Title", "标题"),
            styled("Heading1", "一、总体要求"),
            styled("Heading2", "（一）指导思想"),
            styled("Normal", "正文"),
        ]
        .concat();
        let paras = read_docx(&docx(&body, Some(&styles))).unwrap();
        assert_eq!(
            hints(&paras),
            [
                LineHint::Title,
                LineHint::Heading(1),
                LineHint::Heading(2),
                LineHint::None
            ]
        );
    }

    #[test]
    fn localized_style_ids_use_names_and_based_on_chains() {
        let styles = [
            style("a", "Normal", ""),
            style("1", "heading 1", r#"<w:basedOn w:val="a"/>"#),
            style("2", "heading 2", r#"<w:basedOn w:val="a"/>"#),
            style("a3", "Title", ""),
            style("10", "我的标题", r#"<w:basedOn w:val="1"/>"#),
            style("11", "大纲", r#"<w:pPr><w:outlineLvl w:val="2"/></w:pPr>"#),
            style("c1", "loop a", r#"<w:basedOn w:val="c2"/>"#),
            style("c2", "loop b", r#"<w:basedOn w:val="c1"/>"#),
            // Names are authoritative: an id that looks built-in does not override them.
            style("Heading3", "Normal Indent", ""),
        ]
        .concat();
        let body = [
            styled("a3", "题"),
            styled("1", "一"),
            styled("2", "二"),
            styled("10", "继承"),
            styled("11", "三级"),
            styled("c1", "环"),
            styled("Heading3", "不是标题"),
            styled("a", "正文"),
        ]
        .concat();
        let paras = read_docx(&docx(&body, Some(&styles))).unwrap();
        assert_eq!(
            hints(&paras),
            [
                LineHint::Title,
                LineHint::Heading(1),
                LineHint::Heading(2),
                LineHint::Heading(1),
                LineHint::Heading(3),
                LineHint::None,
                LineHint::None,
                LineHint::None,
            ]
        );
    }

    #[test]
    fn builtin_style_ids_work_without_styles_xml() {
        let body = [
            styled("Title", "t"),
            styled("Heading1", "h1"),
            styled("Heading9", "h9"),
            styled("Heading10", "no"),
            styled("Normal", "n"),
        ]
        .concat();
        let paras = read_docx(&docx(&body, None)).unwrap();
        assert_eq!(
            hints(&paras),
            [
                LineHint::Title,
                LineHint::Heading(1),
                LineHint::Heading(9),
                LineHint::None,
                LineHint::None
            ]
        );
    }

    #[test]
    fn paragraph_outline_level_wins_over_style() {
        let styles = style("1", "heading 1", "");
        let body = concat!(
            r#"<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>a</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:pStyle w:val="1"/><w:outlineLvl w:val="9"/></w:pPr><w:r><w:t>b</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:pStyle w:val="1"/><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>c</w:t></w:r></w:p>"#,
        );
        let paras = read_docx(&docx(body, Some(&styles))).unwrap();
        assert_eq!(
            hints(&paras),
            [LineHint::Heading(2), LineHint::None, LineHint::Heading(1)]
        );
    }

    #[test]
    fn tracked_style_change_does_not_leak_old_style() {
        let body = concat!(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:pPrChange w:id="1"><w:pPr><w:pStyle w:val="Normal"/></w:pPr></w:pPrChange></w:pPr>"#,
            r#"<w:r><w:t>h</w:t></w:r></w:p>"#,
        );
        let paras = read_docx(&docx(body, None)).unwrap();
        assert_eq!(paras[0].hint, LineHint::Heading(1));
    }

    #[test]
    fn table_cells_are_paragraphs_in_order() {
        let body = format!(
            "{}<w:tbl><w:tblPr/><w:tr><w:tc>{}{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>{}",
            para("前"),
            para("甲"),
            para("乙"),
            para("丙"),
            para("后")
        );
        let paras = read_docx(&docx(&body, None)).unwrap();
        assert_eq!(texts(&paras), ["前", "甲", "乙", "丙", "后"]);
    }

    #[test]
    fn deleted_text_and_field_codes_are_skipped() {
        let body = concat!(
            r#"<w:p><w:r><w:t>留</w:t></w:r><w:del w:id="1"><w:r><w:tab/><w:delText>删</w:delText></w:r></w:del>"#,
            r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>"#,
            r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#,
        );
        let paras = read_docx(&docx(body, None)).unwrap();
        assert_eq!(texts(&paras), ["留3"]);
    }

    #[test]
    fn text_box_paragraphs_are_separate_and_fallback_not_duplicated() {
        let body = concat!(
            r#"<w:p><w:r><w:t>外前</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>"#,
            r#"<w:p><w:r><w:t>框一</w:t></w:r></w:p><w:p><w:r><w:t>框二</w:t></w:r></w:p>"#,
            r#"</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"#,
            r#"<w:p><w:r><w:t>框一</w:t></w:r></w:p><w:p><w:r><w:t>框二</w:t></w:r></w:p>"#,
            r#"</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>外后</w:t></w:r></w:p>"#,
        );
        let paras = read_docx(&docx(body, None)).unwrap();
        assert_eq!(texts(&paras), ["框一", "框二", "外前外后"]);
    }

    #[test]
    fn not_a_zip() {
        let err = read_docx(b"hello, this is plain text").unwrap_err();
        assert!(matches!(err, DocxError::NotZip), "{err}");
        assert!(matches!(read_docx(b""), Err(DocxError::NotZip)));
    }

    #[test]
    fn zip_without_document_is_not_word() {
        let bytes = zip_of(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("xl/workbook.xml", "<workbook/>"),
        ]);
        let err = read_docx(&bytes).unwrap_err();
        assert!(matches!(err, DocxError::NotWord), "{err}");
        assert!(err.to_string().contains("save it as .docx"), "{err}");
    }

    #[test]
    fn truncated_zip_is_damaged() {
        let bytes = docx(&para("text").repeat(100), None);
        let err = read_docx(&bytes[..bytes.len() / 2]).unwrap_err();
        assert!(matches!(err, DocxError::Damaged(_)), "{err}");
        assert!(
            err.to_string().starts_with("the .docx file is damaged ("),
            "{err}"
        );
    }

    #[test]
    fn corrupt_deflate_data_is_damaged() {
        let body: String = (0..2000).map(|i| para(&format!("段落{i}"))).collect();
        let mut bytes = docx(&body, None);
        let start = find(&bytes, b"word/document.xml").unwrap() + 100;
        for b in &mut bytes[start..start + 200] {
            *b ^= 0x5A;
        }
        let err = read_docx(&bytes).unwrap_err();
        assert!(matches!(err, DocxError::Damaged(_)), "{err}");
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn bad_xml_from_corrupt_data_is_damaged_not_malformed() {
        let document = format!("{DOC_HEAD}{}{DOC_TAIL}", para("好好学习").repeat(50));
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("word/document.xml", stored).unwrap();
        zip.write_all(document.as_bytes()).unwrap();
        let mut bytes = zip.finish().unwrap().into_inner();
        // Flip one stored byte: the XML breaks early, the CRC check at the end tells why.
        let at = find(&bytes, b"</w:t>").unwrap() + 3;
        bytes[at] = b'x';
        let err = read_docx(&bytes).unwrap_err();
        assert!(matches!(err, DocxError::Damaged(_)), "{err}");
    }

    #[test]
    fn encrypted_entries_are_reported() {
        use zip::unstable::write::FileOptionsExt;
        let options = SimpleFileOptions::default()
            .with_deprecated_encryption(b"secret")
            .unwrap();
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("word/document.xml", options).unwrap();
        zip.write_all(format!("{DOC_HEAD}{DOC_TAIL}").as_bytes())
            .unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let err = read_docx(&bytes).unwrap_err();
        assert!(matches!(err, DocxError::Encrypted), "{err}");
    }

    #[test]
    fn malformed_xml() {
        for body in [
            "<w:p><w:r><w:t>x</w:r></w:p>",
            "<w:p><w:r><w:t>x</w:t></w:r>",
            "<w:p>&bogus;</w:p>",
        ] {
            let bytes = zip_of(&[("word/document.xml", &format!("{DOC_HEAD}{body}"))]);
            let err = read_docx(&bytes).unwrap_err();
            assert!(matches!(err, DocxError::Malformed(_)), "{body}: {err}");
        }
    }

    #[test]
    fn broken_styles_are_ignored() {
        let body = styled("Heading2", "h");
        let paras = read_docx(&docx(&body, Some("<w:style><oops></w:style>"))).unwrap();
        assert_eq!(hints(&paras), [LineHint::Heading(2)]);
    }

    /// A zip whose `document.xml` is `xml_bytes` of repeated tiny paragraphs, written in chunks.
    fn bomb(xml_bytes: u64) -> Vec<u8> {
        const UNIT: &str = "<w:p><w:r><w:t>x</w:t></w:r></w:p>";
        let chunk = UNIT.repeat(64 * 1024 / UNIT.len());
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().large_file(xml_bytes > u64::from(u32::MAX));
        zip.start_file("word/document.xml", options).unwrap();
        zip.write_all(DOC_HEAD.as_bytes()).unwrap();
        let mut written = DOC_HEAD.len() as u64;
        while written < xml_bytes {
            zip.write_all(chunk.as_bytes()).unwrap();
            written += chunk.len() as u64;
        }
        zip.write_all(DOC_TAIL.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn zip_bomb_stops_at_the_limit() {
        // Same code path as `read_docx`, with a 1 MiB limit so debug builds stay fast.
        let limits = Limits {
            xml_bytes: BYTES_PER_MB,
            ..Limits::DEFAULT
        };
        let bytes = bomb(2 * BYTES_PER_MB);
        assert!(bytes.len() < 64 * 1024, "compressed to {}", bytes.len());
        let err = read_docx_with(&bytes, limits).unwrap_err();
        assert!(matches!(err, DocxError::TooLarge { limit_mb: 1 }), "{err}");
        assert!(err.to_string().contains("more than 1 MB"), "{err}");
        let ok = read_docx_with(&bomb(BYTES_PER_MB / 2), limits).unwrap();
        assert!(ok.len() > 10_000);
    }

    // The real 128 MB limit is exercised end to end by tests/cli.rs
    // (`a_docx_that_inflates_past_the_limit_is_refused_quickly`).

    #[test]
    fn text_and_paragraph_caps() {
        let body = para("0123456789").repeat(10);
        let bytes = docx(&body, None);
        let few_chars = Limits {
            text_chars: 95,
            ..Limits::DEFAULT
        };
        assert!(matches!(
            read_docx_with(&bytes, few_chars),
            Err(DocxError::TooMuchText)
        ));
        let few_paras = Limits {
            paragraphs: 9,
            ..Limits::DEFAULT
        };
        assert!(matches!(
            read_docx_with(&bytes, few_paras),
            Err(DocxError::TooMuchText)
        ));
        let exact = Limits {
            text_chars: 100,
            paragraphs: 10,
            ..Limits::DEFAULT
        };
        assert_eq!(read_docx_with(&bytes, exact).unwrap().len(), 10);
    }

    #[test]
    fn error_messages_are_one_line() {
        let errors = [
            DocxError::NotZip,
            DocxError::NotWord,
            DocxError::Damaged("x".into()),
            DocxError::Encrypted,
            DocxError::Unsupported("x".into()),
            DocxError::TooLarge { limit_mb: 128 },
            DocxError::TooMuchText,
            DocxError::Malformed("x".into()),
        ];
        for err in errors {
            let msg = err.to_string();
            assert!(!msg.contains('\n') && msg.contains("; "), "{msg}");
        }
        assert!(DocxError::TooMuchText.to_string().contains("64 million"));
    }
}
