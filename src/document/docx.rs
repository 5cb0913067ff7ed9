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
//! - Automatic list numbering (`w:numPr`, on the paragraph or inherited from its style) is
//!   rendered as Word displays it and prepended to the text (`一、总体要求`, `（一）稳增长`),
//!   so a `.docx` outlines like its `.txt` export. `word/numbering.xml` is optional: if it
//!   is missing, too large or broken, paragraphs simply get no number. Bullets (and the
//!   `none` format) add nothing. Empty numbered paragraphs are counted and labelled, as in
//!   Word. Counters are shared by the `w:num`s of one `w:abstractNum`, except that a
//!   `w:num` with level overrides (Word's "restart numbering") counts on its own; a level
//!   used before the levels above it gives those their start value (Word's behaviour).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::io::{self, BufReader, Cursor, Read};

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::ZipArchive;
use zip::result::ZipError;

use super::LineHint;
use super::docx_markup::{DocxMarkup, DocxTextMap, MarkKind, Recorded, RunFormat, Spot};

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

/// Most bytes of `word/numbering.xml` Pizhu inflates before ignoring the numbering.
const MAX_NUMBERING_XML_BYTES: u64 = 16 * 1024 * 1024;

/// Most `w:abstractNum` definitions kept from `numbering.xml`.
const MAX_ABSTRACT_NUMS: usize = 4096;

/// Most `w:num` instances kept from `numbering.xml`.
const MAX_NUMS: usize = 32_768;

/// List levels `w:ilvl` 0–8.
const LIST_LEVELS: usize = 9;

/// Longest `w:lvlText` kept, in chars (Word allows 31 once the numbers are filled in).
const MAX_LEVEL_TEXT_CHARS: usize = 64;

/// Start value of a list level without `w:start` (the standard says 0, but a document
/// that leaves it out means a list that starts at 1; Word itself always writes it).
const DEFAULT_START: u32 = 1;

const DOCUMENT_PART: &str = "word/document.xml";
const STYLES_PART: &str = "word/styles.xml";
const NUMBERING_PART: &str = "word/numbering.xml";
const BYTES_PER_MB: u64 = 1024 * 1024;

/// Elements of `document.xml` whose whole content is ignored.
pub(super) const DOCUMENT_SKIPPED: &[&str] = &[
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

/// Elements of `numbering.xml` whose whole content is ignored (layout and fonts).
const NUMBERING_SKIPPED: &[&str] = &["pPr", "rPr", "numPicBullet", "pPrChange", "rPrChange"];

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

/// Read the paragraphs of a `.docx` and what it holds besides its text: its comments
/// (批注) and its highlighted runs, placed in the text the paragraphs make.
pub fn read_docx_with_markup(bytes: &[u8]) -> Result<(Vec<DocxParagraph>, DocxMarkup), DocxError> {
    let mut archive = open_archive(bytes)?;
    let body = read_body(&mut archive, Limits::DEFAULT, None)?;
    let markup = super::docx_markup::markup(&mut archive, &body.recorded, &body.done);
    Ok((body.done, markup))
}

/// A `.docx`'s paragraphs with where each piece of their text stands in its
/// `word/document.xml` (the bytes given back, inflated): what the annotated export needs to
/// weave comments into a copy of the original.
pub fn docx_text_map(bytes: &[u8]) -> Result<DocxTextMap, DocxError> {
    let mut archive = open_archive(bytes)?;
    let mut xml = Vec::new();
    {
        let entry = archive.by_name(DOCUMENT_PART).map_err(zip_error)?;
        let mut counted = CountingReader::new(entry, MAX_DOCX_XML_BYTES);
        if let Err(e) = counted.read_to_end(&mut xml) {
            return Err(if counted.exceeded {
                too_large(MAX_DOCX_XML_BYTES)
            } else {
                DocxError::Damaged(e.to_string())
            });
        }
    }
    let body = read_body(&mut archive, Limits::DEFAULT, Some(&xml))?;
    let pieces = body.recorded.pieces(&body.done);
    Ok(DocxTextMap {
        paragraphs: body.done,
        pieces,
        document_xml: xml,
    })
}

/// The parsed body of a `.docx` and what was recorded while reading it.
struct Body {
    done: Vec<DocxParagraph>,
    recorded: Recorded,
}

/// Parse `word/document.xml` (from `xml` when given: its pieces of text are then recorded).
fn read_body(
    archive: &mut Archive<'_>,
    limits: Limits,
    xml: Option<&[u8]>,
) -> Result<Body, DocxError> {
    if archive.index_for_name(DOCUMENT_PART).is_none() {
        return Err(DocxError::NotWord);
    }
    let styles = read_styles(archive);
    let numbering = read_numbering(archive);
    let mut body = BodyParser::new(&styles, &numbering, limits);
    match xml {
        Some(xml) => {
            body.recorded.pieces = Some(Vec::new());
            parse_part_at(xml, limits.xml_bytes, DOCUMENT_SKIPPED, |event, at| {
                body.event(event, at)
            })?;
        }
        None => {
            let entry = archive.by_name(DOCUMENT_PART).map_err(zip_error)?;
            parse_part_at(entry, limits.xml_bytes, DOCUMENT_SKIPPED, |event, at| {
                body.event(event, at)
            })?;
        }
    }
    Ok(Body {
        done: body.done,
        recorded: body.recorded,
    })
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
    Ok(read_body(&mut archive, limits, None)?.done)
}

pub(super) type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

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

/// A reader that fails once more than `limit` bytes went through it (also bounds the
/// OFD reader's zip entries).
pub(super) struct CountingReader<R> {
    inner: R,
    count: u64,
    limit: u64,
    /// Set once the limit was passed.
    pub(super) exceeded: bool,
}

impl<R> CountingReader<R> {
    pub(super) fn new(inner: R, limit: u64) -> Self {
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
pub(super) fn parse_part<R: Read>(
    entry: R,
    limit: u64,
    skipped: &[&str],
    mut handle: impl FnMut(Event<'_>) -> Result<(), DocxError>,
) -> Result<(), DocxError> {
    parse_part_at(entry, limit, skipped, |event, _| handle(event))
}

/// [`parse_part`], also telling `handle` the byte offset in the inflated part where each
/// event starts (the export finds the runs it splits by it).
pub(super) fn parse_part_at<R: Read>(
    entry: R,
    limit: u64,
    skipped: &[&str],
    mut handle: impl FnMut(Event<'_>, u64) -> Result<(), DocxError>,
) -> Result<(), DocxError> {
    let mut reader = Reader::from_reader(BufReader::new(CountingReader::new(entry, limit)));
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut filter = SkipFilter::new(skipped);
    loop {
        let at = reader.buffer_position();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(err) => return Err(xml_failure(&err, &mut reader)),
        };
        if matches!(event, Event::Eof) {
            return filter.finish();
        }
        if filter.pass(&event) {
            handle(event, at)?;
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
pub(super) fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
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

/// A decimal-number attribute (`w:numId`, `w:start`…); negatives become 0, huge values saturate.
fn number_attr(e: &BytesStart<'_>, local: &str) -> Option<u32> {
    let value: i64 = attr(e, local)?.trim().parse().ok()?;
    Some(u32::try_from(value.max(0)).unwrap_or(u32::MAX))
}

/// A list level `w:ilvl` 0–8 (anything else is not a level Word loads).
fn list_level_attr(e: &BytesStart<'_>, local: &str) -> Option<u8> {
    number_attr(e, local)
        .and_then(|level| u8::try_from(level).ok())
        .filter(|&level| usize::from(level) < LIST_LEVELS)
}

/// An on/off property such as `<w:isLgl/>`: on unless `w:val` says `0`, `false` or `off`.
fn on_off(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr(e, "val").as_deref().map(str::trim),
        Some("0" | "false" | "off")
    )
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
pub(super) fn name_hint(name: &str) -> LineHint {
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
    /// `w:pPr/w:numPr/w:numId`.
    num_id: Option<u32>,
    /// `w:pPr/w:numPr/w:ilvl` (raw; clamped when used).
    num_level: Option<u32>,
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
    /// Numbering (list) styles: style id → the `w:numId` they stand for.
    list_styles: HashMap<String, u32>,
}

/// Where a paragraph's list number comes from: `w:numId` and maybe `w:ilvl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NumPr {
    num_id: u32,
    level: Option<u32>,
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

    /// The numbering style `id` gives its paragraphs, following `basedOn` links (the
    /// nearest style with a `w:numId` decides; `numId` 0 there means "not numbered").
    fn num_pr(&self, id: &str) -> Option<NumPr> {
        let mut id = id;
        for _ in 0..MAX_STYLE_CHAIN {
            let style = self.by_id.get(id)?;
            if let Some(num_id) = style.num_id {
                return Some(NumPr {
                    num_id,
                    level: style.num_level,
                });
            }
            id = style.based_on.as_deref()?;
        }
        None
    }
}

/// Read `word/styles.xml`; a missing or unreadable part just gives no styles.
fn read_styles(archive: &mut Archive<'_>) -> Styles {
    let mut parser = StylesParser::default();
    read_optional_part(
        archive,
        STYLES_PART,
        MAX_STYLES_XML_BYTES,
        STYLES_SKIPPED,
        |e| parser.event(e),
    )
    .map_or_else(Styles::default, |()| parser.styles)
}

/// Stream an optional part through `on_event`; `None` when it is missing or unreadable.
pub(super) fn read_optional_part(
    archive: &mut Archive<'_>,
    name: &str,
    limit: u64,
    skipped: &[&str],
    mut on_event: impl FnMut(&Event<'_>),
) -> Option<()> {
    let entry = archive.by_name(name).ok()?;
    parse_part(entry, limit, skipped, |event| {
        on_event(&event);
        Ok(())
    })
    .ok()
}

/// Collects paragraph and numbering styles from `styles.xml` events.
#[derive(Default)]
struct StylesParser {
    styles: Styles,
    /// The style being read, and whether it is a numbering (list) style.
    current: Option<(String, StyleDef, bool)>,
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
            self.current = Self::style_id(e).map(|(id, list)| (id, StyleDef::default(), list));
            return;
        }
        let Some((_, style, _)) = &mut self.current else {
            return;
        };
        match name.as_ref() {
            "name" => style.name = attr(e, "val"),
            "basedOn" => style.based_on = attr(e, "val"),
            "outlineLvl" => style.outline = outline_level(e),
            "numId" => style.num_id = number_attr(e, "val"),
            "ilvl" => style.num_level = number_attr(e, "val"),
            _ => {}
        }
    }

    /// The style id of a `w:style` of type `paragraph` or `numbering` (then `true`).
    fn style_id(e: &BytesStart<'_>) -> Option<(String, bool)> {
        let list = match attr(e, "type")?.trim() {
            "paragraph" => false,
            "numbering" => true,
            _ => return None,
        };
        Some((attr(e, "styleId")?, list))
    }

    fn finish_style(&mut self) {
        match self.current.take() {
            Some((id, style, false)) => {
                self.styles.by_id.insert(id, style);
            }
            Some((id, style, true)) => {
                if let Some(num_id) = style.num_id {
                    self.styles.list_styles.insert(id, num_id);
                }
            }
            None => {}
        }
    }
}

/// How a list level writes its numbers (`w:numFmt`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum NumFmt {
    /// `1 2 3`; also every format Pizhu does not know (`ordinal`, `cardinalText`…).
    #[default]
    Decimal,
    /// `01 02 … 10`
    DecimalZero,
    /// `１ ２ ３`
    DecimalFullWidth,
    /// `一 二 … 十 十一 … 二十 … 一百零一`
    ChineseCounting,
    /// `壹 贰 … 壹拾 壹拾壹 …`
    ChineseLegalSimplified,
    /// `壹 貳 參 …`
    ChineseLegalTraditional,
    /// `一 二 … 一〇`: one ideograph per digit.
    IdeographDigital,
    /// `甲 乙 丙 … 癸`, then decimal.
    IdeographTraditional,
    /// `子 丑 寅 … 亥`, then decimal.
    IdeographZodiac,
    /// `① … ⑳`, then `(21)`.
    EnclosedCircle,
    /// `⑴ … ⒇`, then `(21)`.
    EnclosedParen,
    /// `⒈ … ⒛`, then `21.`.
    EnclosedFullstop,
    /// `A … Z AA BB …`
    UpperLetter,
    /// `a … z aa bb …`
    LowerLetter,
    /// `I II III …`
    UpperRoman,
    /// `i ii iii …`
    LowerRoman,
    /// `bullet` or `none`: not a number; the paragraph gets no prefix.
    Hidden,
}

impl NumFmt {
    /// The format named by `w:numFmt w:val`; `None` for `custom` (Word 2010's own formats,
    /// whose `mc:Fallback` copy gives a usable one).
    fn parse(val: &str) -> Option<Self> {
        Some(match val.trim() {
            "custom" => return None,
            "decimalZero" => Self::DecimalZero,
            "decimalFullWidth" | "decimalFullWidth2" => Self::DecimalFullWidth,
            "chineseCounting"
            | "chineseCountingThousand"
            | "taiwaneseCounting"
            | "taiwaneseCountingThousand" => Self::ChineseCounting,
            "chineseLegalSimplified" => Self::ChineseLegalSimplified,
            "ideographLegalTraditional" => Self::ChineseLegalTraditional,
            "ideographDigital" | "taiwaneseDigital" => Self::IdeographDigital,
            "ideographTraditional" => Self::IdeographTraditional,
            "ideographZodiac" => Self::IdeographZodiac,
            "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => Self::EnclosedCircle,
            "decimalEnclosedParen" => Self::EnclosedParen,
            "decimalEnclosedFullstop" => Self::EnclosedFullstop,
            "upperLetter" => Self::UpperLetter,
            "lowerLetter" => Self::LowerLetter,
            "upperRoman" => Self::UpperRoman,
            "lowerRoman" => Self::LowerRoman,
            "bullet" | "none" => Self::Hidden,
            _ => Self::Decimal,
        })
    }

    /// `n` written in this format (empty for [`NumFmt::Hidden`]).
    fn format(self, n: u32) -> String {
        match self {
            Self::Decimal => n.to_string(),
            Self::DecimalZero => format!("{n:02}"),
            Self::DecimalFullWidth => map_digits(n, &FULL_WIDTH_DIGITS),
            Self::ChineseCounting => CN_COUNTING.format(n),
            Self::ChineseLegalSimplified => CN_LEGAL_SIMPLIFIED.format(n),
            Self::ChineseLegalTraditional => CN_LEGAL_TRADITIONAL.format(n),
            Self::IdeographDigital => map_digits(n, &IDEOGRAPH_DIGITS),
            Self::IdeographTraditional => nth_or_decimal(n, "甲乙丙丁戊己庚辛壬癸"),
            Self::IdeographZodiac => nth_or_decimal(n, "子丑寅卯辰巳午未申酉戌亥"),
            Self::EnclosedCircle => enclosed(n, '①').unwrap_or_else(|| format!("({n})")),
            Self::EnclosedParen => enclosed(n, '⑴').unwrap_or_else(|| format!("({n})")),
            Self::EnclosedFullstop => enclosed(n, '⒈').unwrap_or_else(|| format!("{n}.")),
            Self::UpperLetter => letters(n, b'A'),
            Self::LowerLetter => letters(n, b'a'),
            Self::UpperRoman => roman(n),
            Self::LowerRoman => roman(n).to_lowercase(),
            Self::Hidden => String::new(),
        }
    }
}

const FULL_WIDTH_DIGITS: [char; 10] = ['０', '１', '２', '３', '４', '５', '６', '７', '８', '９'];
const IDEOGRAPH_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Each decimal digit of `n` replaced by its char in `digits`.
fn map_digits(n: u32, digits: &[char; 10]) -> String {
    n.to_string()
        .bytes()
        .map(|b| digits[usize::from(b - b'0')])
        .collect()
}

/// The `n`th char (1-based) of a short cyclic series, or decimal past its end.
fn nth_or_decimal(n: u32, series: &str) -> String {
    n.checked_sub(1)
        .and_then(|i| series.chars().nth(usize::try_from(i).ok()?))
        .map_or_else(|| n.to_string(), String::from)
}

/// `n` 1–20 as one of the enclosed-number chars that start at `one`.
fn enclosed(n: u32, one: char) -> Option<String> {
    if !(1..=20).contains(&n) {
        return None;
    }
    char::from_u32(u32::from(one) + n - 1).map(String::from)
}

/// Word's letter numbering: `A`…`Z`, then `AA`…`ZZ`, `AAA`… (decimal past ten letters).
fn letters(n: u32, first: u8) -> String {
    let Some(i) = n.checked_sub(1) else {
        return n.to_string();
    };
    let repeat = i / 26 + 1;
    if repeat > 10 {
        return n.to_string();
    }
    let letter = char::from(first + u8::try_from(i % 26).unwrap_or(0));
    (0..repeat).map(|_| letter).collect()
}

/// Upper-case Roman numerals for 1–3999 (decimal outside).
fn roman(n: u32) -> String {
    const PARTS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    if !(1..=3999).contains(&n) {
        return n.to_string();
    }
    let mut rest = n;
    let mut out = String::new();
    for (value, text) in PARTS {
        while rest >= value {
            out.push_str(text);
            rest -= value;
        }
    }
    out
}

/// A set of Chinese numerals written with place units (十百千).
struct ChineseNumerals {
    /// The number zero on its own.
    zero: char,
    /// A zero between non-zero places (`一百零一`).
    gap: char,
    /// 1–9.
    digits: [char; 9],
    /// 十, 百, 千.
    units: [char; 3],
    /// `十一` rather than `一十一` for 10–19.
    short_ten: bool,
}

const CN_COUNTING: ChineseNumerals = ChineseNumerals {
    zero: '〇',
    gap: '零',
    digits: ['一', '二', '三', '四', '五', '六', '七', '八', '九'],
    units: ['十', '百', '千'],
    short_ten: true,
};

const CN_LEGAL_SIMPLIFIED: ChineseNumerals = ChineseNumerals {
    zero: '零',
    gap: '零',
    digits: ['壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'],
    units: ['拾', '佰', '仟'],
    short_ten: false,
};

const CN_LEGAL_TRADITIONAL: ChineseNumerals = ChineseNumerals {
    zero: '零',
    gap: '零',
    digits: ['壹', '貳', '參', '肆', '伍', '陸', '柒', '捌', '玖'],
    units: ['拾', '佰', '仟'],
    short_ten: false,
};

impl ChineseNumerals {
    /// `n` 0–9999 in these numerals (decimal above).
    fn format(&self, n: u32) -> String {
        if n == 0 {
            return self.zero.to_string();
        }
        if n > 9999 {
            return n.to_string();
        }
        let places = [
            (n / 1000, Some(self.units[2])),
            (n / 100 % 10, Some(self.units[1])),
            (n / 10 % 10, Some(self.units[0])),
            (n % 10, None),
        ];
        let mut out = String::new();
        let mut gap = false;
        for (digit, unit) in places {
            let Some(&digit_char) = usize::try_from(digit)
                .ok()
                .and_then(|d| d.checked_sub(1))
                .and_then(|d| self.digits.get(d))
            else {
                gap = !out.is_empty();
                continue;
            };
            if gap {
                out.push(self.gap);
                gap = false;
            }
            let bare_ten =
                self.short_ten && digit == 1 && out.is_empty() && unit == Some(self.units[0]);
            if !bare_ten {
                out.push(digit_char);
            }
            out.extend(unit);
        }
        out
    }
}

/// What follows the number (`w:suff`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Suffix {
    #[default]
    Tab,
    Space,
    Nothing,
}

impl Suffix {
    fn parse(val: &str) -> Self {
        match val.trim() {
            "space" => Self::Space,
            "nothing" => Self::Nothing,
            _ => Self::Tab,
        }
    }
}

/// One level of a list definition (`w:lvl`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Level {
    start: u32,
    fmt: NumFmt,
    /// `w:lvlText`: literal text with `%1`…`%9` standing for the levels' numbers.
    text: String,
    /// `w:lvlRestart`: restart after a use of this 1-based level or a higher one; 0 = never.
    restart: Option<u32>,
    /// `w:isLgl`: show every level's number in decimal.
    legal: bool,
    suffix: Suffix,
    /// `w:pStyle`: the paragraph style linked to this level.
    style: Option<String>,
}

impl Default for Level {
    fn default() -> Self {
        Self {
            start: DEFAULT_START,
            fmt: NumFmt::Decimal,
            text: String::new(),
            restart: None,
            legal: false,
            suffix: Suffix::Tab,
            style: None,
        }
    }
}

/// A list definition (`w:abstractNum`).
#[derive(Clone, Debug, Default)]
struct AbstractNum {
    levels: [Option<Level>; LIST_LEVELS],
    /// `w:numStyleLink`: the definition lives with the list style of that id.
    style_link: Option<String>,
}

/// `w:lvlOverride`: a new start value and/or a whole new level.
#[derive(Clone, Debug, Default)]
struct LevelOverride {
    start: Option<u32>,
    level: Option<Level>,
}

/// A numbering instance (`w:num`), the thing paragraphs point at with `w:numId`.
#[derive(Clone, Debug, Default)]
struct Num {
    abstract_id: Option<u32>,
    /// At most one per level.
    overrides: Vec<(usize, LevelOverride)>,
}

impl Num {
    fn override_for(&self, level: usize) -> Option<&LevelOverride> {
        self.overrides
            .iter()
            .find_map(|(at, o)| (*at == level).then_some(o))
    }
}

/// The definitions of `numbering.xml`.
#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<u32, AbstractNum>,
    nums: HashMap<u32, Num>,
}

/// Whose counters a paragraph advances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ListKey {
    /// The `w:num`s of one `w:abstractNum` continue each other…
    Abstract(u32),
    /// …except one with level overrides (Word's "restart numbering"), which counts alone.
    Num(u32),
}

/// A `w:num` resolved to its definitions.
struct List<'n> {
    key: ListKey,
    num: &'n Num,
    definition: &'n AbstractNum,
}

impl Numbering {
    /// The list `w:numId` `num_id` stands for (following one `w:numStyleLink`).
    fn list<'n>(&'n self, num_id: u32, styles: &Styles) -> Option<List<'n>> {
        let num = self.nums.get(&num_id)?;
        let mut abstract_id = num.abstract_id?;
        let mut definition = self.abstracts.get(&abstract_id)?;
        if let Some((linked_id, linked)) = definition
            .style_link
            .as_ref()
            .and_then(|style| styles.list_styles.get(style))
            .and_then(|linked_num| self.nums.get(linked_num)?.abstract_id)
            .and_then(|id| Some((id, self.abstracts.get(&id)?)))
        {
            abstract_id = linked_id;
            definition = linked;
        }
        let key = if num.overrides.is_empty() {
            ListKey::Abstract(abstract_id)
        } else {
            ListKey::Num(num_id)
        };
        Some(List {
            key,
            num,
            definition,
        })
    }
}

/// Counters per list: the current number of each level, `None` before its first use
/// and after a restart.
type Counters = [Option<u32>; LIST_LEVELS];

impl List<'_> {
    /// Level `level` as this instance defines it.
    fn level(&self, level: usize) -> Option<&Level> {
        self.num
            .override_for(level)
            .and_then(|o| o.level.as_ref())
            .or_else(|| self.definition.levels.get(level)?.as_ref())
    }

    /// The number level `level` starts at.
    fn start(&self, level: usize) -> u32 {
        self.num
            .override_for(level)
            .and_then(|o| o.start)
            .or_else(|| self.level(level).map(|l| l.start))
            .unwrap_or(DEFAULT_START)
    }

    /// Whether level `deeper` restarts when level `used` (< `deeper`) is numbered. Word
    /// reads `w:lvlRestart` from the list definition only, never from an override.
    fn restarts(&self, deeper: usize, used: usize) -> bool {
        let restart = self
            .definition
            .levels
            .get(deeper)
            .and_then(Option::as_ref)
            .and_then(|l| l.restart);
        match restart {
            None => true,
            Some(after) => u32::try_from(used).is_ok_and(|used| used < after),
        }
    }

    /// The level whose `w:pStyle` is `style`.
    fn level_of_style(&self, style: &str) -> Option<usize> {
        (0..LIST_LEVELS).find(|&at| self.level(at).and_then(|l| l.style.as_deref()) == Some(style))
    }

    /// Count one paragraph at `level`; returns the counters it shows.
    fn advance(&self, counters: &mut Counters, level: usize) -> Counters {
        for (at, counter) in counters.iter_mut().enumerate() {
            *counter = match at.cmp(&level) {
                Ordering::Less => Some(counter.unwrap_or_else(|| self.start(at))),
                Ordering::Equal => {
                    Some(counter.map_or_else(|| self.start(at), |n| n.saturating_add(1)))
                }
                Ordering::Greater if self.restarts(at, level) => None,
                Ordering::Greater => *counter,
            };
        }
        *counters
    }

    /// The number Word shows for a paragraph at `level`, with what separates it from the
    /// text; `None` for bullets, `none` and levels without text.
    fn label(&self, level: usize, counters: &Counters) -> Option<(String, Suffix)> {
        let def = self.level(level)?;
        if def.fmt == NumFmt::Hidden {
            return None;
        }
        let mut label = String::new();
        let mut chars = def.text.chars().peekable();
        while let Some(c) = chars.next() {
            let placeholder = chars
                .peek()
                .and_then(|d| d.to_digit(10))
                .filter(|d| c == '%' && (1..=9).contains(d));
            let Some(digit) = placeholder else {
                label.push(c);
                continue;
            };
            chars.next();
            let at = usize::try_from(digit - 1).unwrap_or(usize::MAX);
            // Word ignores a level text that shows a deeper level's number.
            if at > level {
                return None;
            }
            let fmt = if def.legal {
                NumFmt::Decimal
            } else {
                self.level(at).map_or(NumFmt::Decimal, |l| l.fmt)
            };
            let value = counters
                .get(at)
                .copied()
                .flatten()
                .unwrap_or_else(|| self.start(at));
            label.push_str(&fmt.format(value));
        }
        (!label.trim().is_empty()).then_some((label, def.suffix))
    }
}

/// `label` and the separator Word's `w:suff` turns into: none after closing punctuation
/// or an enclosed number (`一、`, `（一）`, `1.`, `①`), else one space (`第一章 总则`).
fn prefix(mut label: String, suffix: Suffix, text: &str) -> String {
    const CLOSING: &[char] = &['、', '）', ')', '.', '．', ':', '：', ']', '］', '】', '〕'];
    let enclosed = |c: char| ('\u{2460}'..='\u{24FF}').contains(&c);
    let closed = label.ends_with(CLOSING) || label.ends_with(enclosed);
    if suffix != Suffix::Nothing && !closed && !text.is_empty() {
        label.push(' ');
    }
    label
}

/// Read `word/numbering.xml`; a missing or unreadable part just gives no numbering.
fn read_numbering(archive: &mut Archive<'_>) -> Numbering {
    let mut parser = NumberingParser::default();
    read_optional_part(
        archive,
        NUMBERING_PART,
        MAX_NUMBERING_XML_BYTES,
        NUMBERING_SKIPPED,
        |e| parser.event(e),
    )
    .map_or_else(Numbering::default, |()| parser.numbering)
}

/// Collects list definitions from `numbering.xml` events.
#[derive(Default)]
struct NumberingParser {
    numbering: Numbering,
    abstract_num: Option<(u32, AbstractNum)>,
    num: Option<(u32, Num)>,
    level_override: Option<(usize, LevelOverride)>,
    /// The `w:lvl` being read and its `w:ilvl` (`None` for a level Word would not load).
    level: Option<(Option<usize>, Level)>,
}

impl NumberingParser {
    fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(e) => self.element(e),
            Event::Empty(e) => {
                self.element(e);
                self.close(e.local_name().as_ref());
            }
            Event::End(e) => self.close(e.local_name().as_ref()),
            _ => {}
        }
    }

    fn element(&mut self, e: &BytesStart<'_>) {
        let name = e.local_name();
        match name.as_ref() {
            "abstractNum" => {
                self.abstract_num =
                    number_attr(e, "abstractNumId").map(|id| (id, AbstractNum::default()));
            }
            "num" => self.num = number_attr(e, "numId").map(|id| (id, Num::default())),
            "lvlOverride" if self.num.is_some() => {
                self.level_override = list_level_attr(e, "ilvl")
                    .map(|level| (usize::from(level), LevelOverride::default()));
            }
            "lvl" => {
                let at = list_level_attr(e, "ilvl").map(usize::from);
                self.level = Some((at, Level::default()));
            }
            other => self.property(e, other),
        }
    }

    /// A child of the current `w:lvl`, `w:lvlOverride`, `w:num` or `w:abstractNum`.
    fn property(&mut self, e: &BytesStart<'_>, name: &str) {
        if let Some((_, level)) = &mut self.level {
            match name {
                "start" => level.start = number_attr(e, "val").unwrap_or(0),
                "numFmt" => {
                    if let Some(fmt) = attr(e, "val").as_deref().and_then(NumFmt::parse) {
                        level.fmt = fmt;
                    }
                }
                "lvlText" => {
                    level.text = attr(e, "val")
                        .unwrap_or_default()
                        .chars()
                        .take(MAX_LEVEL_TEXT_CHARS)
                        .collect();
                }
                "lvlRestart" => level.restart = number_attr(e, "val"),
                "isLgl" => level.legal = on_off(e),
                "suff" => level.suffix = Suffix::parse(&attr(e, "val").unwrap_or_default()),
                "pStyle" => level.style = attr(e, "val"),
                _ => {}
            }
        } else if let Some((_, level_override)) = &mut self.level_override {
            if name == "startOverride" {
                level_override.start = number_attr(e, "val");
            }
        } else if let Some((_, num)) = &mut self.num {
            if name == "abstractNumId" {
                num.abstract_id = number_attr(e, "val");
            }
        } else if let Some((_, abstract_num)) = &mut self.abstract_num
            && name == "numStyleLink"
        {
            abstract_num.style_link = attr(e, "val");
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "lvl" => {
                let Some((at, level)) = self.level.take() else {
                    return;
                };
                if let Some((_, level_override)) = &mut self.level_override {
                    level_override.level = Some(level);
                } else if let Some((_, abstract_num)) = &mut self.abstract_num
                    && let Some(slot) = at.and_then(|at| abstract_num.levels.get_mut(at))
                {
                    *slot = Some(level);
                }
            }
            "lvlOverride" => {
                if let Some((at, level_override)) = self.level_override.take()
                    && let Some((_, num)) = &mut self.num
                {
                    num.overrides.retain(|(other, _)| *other != at);
                    num.overrides.push((at, level_override));
                }
            }
            "num" => {
                let nums = &mut self.numbering.nums;
                if let Some((id, num)) = self.num.take()
                    && (nums.len() < MAX_NUMS || nums.contains_key(&id))
                {
                    nums.insert(id, num);
                }
            }
            "abstractNum" => {
                let abstracts = &mut self.numbering.abstracts;
                if let Some((id, abstract_num)) = self.abstract_num.take()
                    && (abstracts.len() < MAX_ABSTRACT_NUMS || abstracts.contains_key(&id))
                {
                    abstracts.insert(id, abstract_num);
                }
            }
            _ => {}
        }
    }
}

/// A paragraph being read.
#[derive(Debug, Default)]
struct ParaBuf {
    text: String,
    style: Option<String>,
    outline: Option<u8>,
    /// `w:numPr/w:numId` and `w:numPr/w:ilvl` of the paragraph itself.
    num_id: Option<u32>,
    num_level: Option<u32>,
    page_break: bool,
    /// Which paragraph this is, counted as paragraphs open (places recorded in it name it).
    seq: usize,
    /// Chars in `text`.
    chars: usize,
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

    /// Append `s`; returns the char offset in `text` where it starts.
    fn push(&mut self, s: &str) -> usize {
        if self.page_break && !self.text.is_empty() {
            self.text.push('\n');
            self.chars += 1;
        }
        self.page_break = false;
        let at = self.chars;
        self.text.push_str(s);
        self.chars += s.chars().count();
        at
    }
}

/// Turns `document.xml` events into paragraphs.
struct BodyParser<'s> {
    styles: &'s Styles,
    numbering: &'s Numbering,
    counters: HashMap<ListKey, Counters>,
    limits: Limits,
    open: Vec<ParaBuf>,
    done: Vec<DocxParagraph>,
    props_depth: usize,
    in_text: bool,
    chars: usize,
    /// Where the event being handled starts in the part.
    at: u64,
    /// Paragraphs opened so far.
    opened: usize,
    /// The runs open (a text box's runs sit inside a run), with what marks their text.
    runs: Vec<RunFormat>,
    /// Inside the `w:rPr` of the innermost run.
    in_run_props: bool,
    /// Comment marks, marked runs and (for the export) every piece of text, with where.
    pub(super) recorded: Recorded,
}

impl<'s> BodyParser<'s> {
    fn new(styles: &'s Styles, numbering: &'s Numbering, limits: Limits) -> Self {
        Self {
            styles,
            numbering,
            counters: HashMap::new(),
            limits,
            open: Vec::new(),
            done: Vec::new(),
            props_depth: 0,
            in_text: false,
            chars: 0,
            at: 0,
            opened: 0,
            runs: Vec::new(),
            in_run_props: false,
            recorded: Recorded::default(),
        }
    }

    fn event(&mut self, event: Event<'_>, at: u64) -> Result<(), DocxError> {
        self.at = at;
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
            "r" if self.props_depth == 0 => {
                self.runs.push(RunFormat::default());
                self.in_run_props = false;
                Ok(())
            }
            "rPr" if self.props_depth == 0 && !self.runs.is_empty() => {
                self.in_run_props = true;
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
            "r" if self.props_depth == 0 => {
                self.runs.pop();
                self.in_run_props = false;
            }
            "rPr" => self.in_run_props = false,
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
        if self.in_run_props {
            if let Some(run) = self.runs.last_mut() {
                run.property(e, name.as_ref());
            }
            return Ok(());
        }
        match name.as_ref() {
            "commentRangeStart" => self.comment_mark(e, MarkKind::Start),
            "commentRangeEnd" => self.comment_mark(e, MarkKind::End),
            "commentReference" => self.comment_mark(e, MarkKind::Reference),
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
            "numId" => para.num_id = number_attr(e, "val"),
            "ilvl" => para.num_level = number_attr(e, "val"),
            _ => {}
        }
    }

    fn open_paragraph(&mut self) -> Result<(), DocxError> {
        if self.open.len() >= MAX_PARAGRAPH_NESTING {
            return Err(DocxError::Malformed(
                "its paragraphs are nested too deeply".to_string(),
            ));
        }
        self.open.push(ParaBuf {
            seq: self.opened,
            ..ParaBuf::default()
        });
        self.opened += 1;
        self.recorded.done_of.push(usize::MAX);
        Ok(())
    }

    fn close_paragraph(&mut self) -> Result<(), DocxError> {
        let Some(mut para) = self.open.pop() else {
            return Ok(());
        };
        if self.done.len() >= self.limits.paragraphs {
            return Err(DocxError::TooMuchText);
        }
        let mut label_chars = 0;
        if let Some(label) = self.list_label(&para) {
            self.count_chars(&label)?;
            para.text.insert_str(0, &label);
            label_chars = label.chars().count();
        }
        para.text.shrink_to_fit();
        self.recorded.closed(para.seq, self.done.len(), label_chars);
        let hint = para.hint(self.styles);
        self.done.push(DocxParagraph {
            text: para.text,
            hint,
        });
        Ok(())
    }

    /// The list number (and separator) to prepend to `para`, counting it in its list.
    fn list_label(&mut self, para: &ParaBuf) -> Option<String> {
        let numbering = self.numbering;
        let style = para.style.as_deref();
        let inherited = style.and_then(|id| self.styles.num_pr(id));
        let num_id = para.num_id.or(inherited.map(|n| n.num_id))?;
        if num_id == 0 {
            return None;
        }
        let list = numbering.list(num_id, self.styles)?;
        let level = para
            .num_level
            .or(inherited.and_then(|n| n.level))
            .map(|level| usize::try_from(level).unwrap_or(usize::MAX))
            .or_else(|| style.and_then(|id| list.level_of_style(id)))
            .unwrap_or(0)
            .min(LIST_LEVELS - 1);
        // A level the list does not define shows nothing and counts nothing.
        list.level(level)?;
        let counters = self.counters.entry(list.key).or_default();
        let shown = list.advance(counters, level);
        let (label, suffix) = list.label(level, &shown)?;
        Some(prefix(label, suffix, &para.text))
    }

    /// Count `s` against the char limit.
    fn count_chars(&mut self, s: &str) -> Result<(), DocxError> {
        self.chars = self.chars.saturating_add(s.chars().count());
        if self.chars > self.limits.text_chars {
            return Err(DocxError::TooMuchText);
        }
        Ok(())
    }

    /// Append text to the innermost open paragraph, within the char limit.
    fn push_text(&mut self, s: &str) -> Result<(), DocxError> {
        if s.is_empty() || self.open.is_empty() {
            return Ok(());
        }
        self.count_chars(s)?;
        if let Some(para) = self.open.last_mut() {
            let offset = para.push(s);
            let chars = para.chars - offset;
            let run = self.runs.last().filter(|r| r.marks());
            self.recorded
                .text(self.at, para.seq, offset, chars, run.cloned());
        }
        Ok(())
    }

    /// A `w:commentRangeStart`, `w:commentRangeEnd` or `w:commentReference`.
    fn comment_mark(&mut self, e: &BytesStart<'_>, kind: MarkKind) -> Result<(), DocxError> {
        let Some(id) = attr(e, "id") else {
            return Ok(());
        };
        let spot = match self.open.last() {
            Some(para) => Spot::In {
                para: para.seq,
                offset: para.chars,
            },
            None => Spot::Between {
                next: self.opened,
                after: self.opened.checked_sub(1),
            },
        };
        self.recorded.marks.push((kind, id, spot));
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

    const NUMBERING_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">"#;

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
        numbered_docx(body, styles, None)
    }

    /// [`docx`] with `numbering` (if any) as the content of `word/numbering.xml`.
    fn numbered_docx(body: &str, styles: Option<&str>, numbering: Option<&str>) -> Vec<u8> {
        let document = format!("{DOC_HEAD}{body}{DOC_TAIL}");
        let styles = styles.map(|s| format!("{STYLES_HEAD}{s}</w:styles>"));
        let numbering = numbering.map(|n| format!("{NUMBERING_HEAD}{n}</w:numbering>"));
        let mut entries = vec![
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", document.as_str()),
        ];
        if let Some(styles) = &styles {
            entries.push(("word/styles.xml", styles.as_str()));
        }
        if let Some(numbering) = &numbering {
            entries.push(("word/numbering.xml", numbering.as_str()));
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

    /// A `w:lvl` as Word writes it (with indents and fonts that must not confuse the parser).
    fn lvl(ilvl: u8, fmt: &str, text: &str, extra: &str) -> String {
        format!(
            r#"<w:lvl w:ilvl="{ilvl}" w:tplc="04090019"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{ilvl}420" w:hanging="420"/><w:pBdr><w:start w:val="single"/></w:pBdr></w:pPr><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr></w:lvl>"#
        )
    }

    fn abstract_num(id: u32, levels: &[String]) -> String {
        format!(
            r#"<w:abstractNum w:abstractNumId="{id}"><w:nsid w:val="1A2B3C4D"/><w:multiLevelType w:val="hybridMultilevel"/>{}</w:abstractNum>"#,
            levels.concat()
        )
    }

    fn num(id: u32, abstract_id: u32, overrides: &str) -> String {
        format!(
            r#"<w:num w:numId="{id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>"#
        )
    }

    /// A paragraph with its own `w:numPr`.
    fn numbered(num_id: u32, ilvl: u8, text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="a"/><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr><w:ind w:firstLineChars="0"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    }

    /// The official-document scheme: `一、`, `（一）`, `1.`.
    fn official_levels() -> String {
        abstract_num(
            0,
            &[
                lvl(0, "chineseCounting", "%1、", ""),
                lvl(1, "chineseCounting", "（%2）", ""),
                lvl(2, "decimal", "%3.", ""),
            ],
        )
    }

    #[test]
    fn automatic_numbering_is_prepended_like_word_shows_it() {
        let numbering = [official_levels(), num(1, 0, "")].concat();
        let body = [
            numbered(1, 0, "总体要求"),
            numbered(1, 1, "稳增长"),
            numbered(1, 1, "促改革"),
            numbered(1, 2, "抓落实"),
            para("正文段落。"),
            numbered(1, 0, "重点任务"),
            numbered(1, 1, "扩内需"),
            numbered(1, 2, "第一项"),
            numbered(1, 2, "第二项"),
            numbered(1, 1, "优结构"),
        ]
        .concat();
        let paras = read_docx(&numbered_docx(&body, None, Some(&numbering))).unwrap();
        assert_eq!(
            texts(&paras),
            [
                "一、总体要求",
                "（一）稳增长",
                "（二）促改革",
                "1.抓落实",
                "正文段落。",
                "二、重点任务",
                "（一）扩内需",
                "1.第一项",
                "2.第二项",
                "（二）优结构",
            ]
        );
        assert!(paras.iter().all(|p| p.hint == LineHint::None));
    }

    #[test]
    fn numbering_from_heading_styles_keeps_the_heading_hint() {
        let styles = [
            style("a", "Normal", ""),
            style(
                "1",
                "heading 1",
                r#"<w:basedOn w:val="a"/><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr>"#,
            ),
            style(
                "2",
                "heading 2",
                r#"<w:basedOn w:val="a"/><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr></w:pPr>"#,
            ),
            // Linked to level 2 by the level's `w:pStyle`, not by an `w:ilvl` of its own.
            style(
                "3",
                "heading 3",
                r#"<w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr>"#,
            ),
            style("21", "My Heading", r#"<w:basedOn w:val="2"/>"#),
        ]
        .concat();
        let numbering = [
            abstract_num(
                7,
                &[
                    lvl(
                        0,
                        "chineseCounting",
                        "第%1章",
                        r#"<w:pStyle w:val="1"/><w:suff w:val="space"/>"#,
                    ),
                    lvl(1, "decimal", "%1.%2", r#"<w:isLgl/><w:pStyle w:val="2"/>"#),
                    lvl(
                        2,
                        "decimal",
                        "%1.%2.%3",
                        r#"<w:isLgl w:val="1"/><w:pStyle w:val="3"/>"#,
                    ),
                ],
            ),
            num(3, 7, ""),
        ]
        .concat();
        let unnumbered = r#"<w:p><w:pPr><w:pStyle w:val="1"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>附录</w:t></w:r></w:p>"#;
        let body = [
            styled("1", "总则"),
            styled("2", "目的"),
            styled("3", "范围"),
            styled("21", "依据"),
            styled("a", "正文"),
            unnumbered.to_string(),
            styled("1", "职责"),
            styled("2", "分工"),
        ]
        .concat();
        // Legal numbering (`w:isLgl`) turns the chapter's 一 into 1 under it.
        let paras = read_docx(&numbered_docx(&body, Some(&styles), Some(&numbering))).unwrap();
        assert_eq!(
            texts(&paras),
            [
                "第一章 总则",
                "1.1 目的",
                "1.1.1 范围",
                "1.2 依据",
                "正文",
                "附录",
                "第二章 职责",
                "2.1 分工",
            ]
        );
        assert_eq!(
            hints(&paras),
            [
                LineHint::Heading(1),
                LineHint::Heading(2),
                LineHint::Heading(3),
                LineHint::Heading(2),
                LineHint::None,
                LineHint::Heading(1),
                LineHint::Heading(1),
                LineHint::Heading(2),
            ]
        );
    }

    #[test]
    fn bullets_and_none_add_nothing() {
        let numbering = [
            abstract_num(
                0,
                &[
                    lvl(0, "bullet", "\u{F06C}", ""),
                    lvl(1, "bullet", "•", ""),
                    lvl(2, "none", "", ""),
                ],
            ),
            num(1, 0, ""),
        ]
        .concat();
        let body = [
            numbered(1, 0, "要点"),
            numbered(1, 1, "细节"),
            numbered(1, 2, "更细"),
        ]
        .concat();
        let paras = read_docx(&numbered_docx(&body, None, Some(&numbering))).unwrap();
        assert_eq!(texts(&paras), ["要点", "细节", "更细"]);
    }

    #[test]
    fn start_override_restarts_a_list_and_shared_definitions_continue() {
        let restart = |start: u32| {
            format!(
                r#"<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>"#
            )
        };
        let numbering = [
            abstract_num(0, &[lvl(0, "decimal", "%1.", "")]),
            num(1, 0, ""),
            num(2, 0, ""),
            num(3, 0, &restart(1)),
            num(4, 0, &restart(5)),
        ]
        .concat();
        let body = [
            numbered(1, 0, "甲"),
            numbered(1, 0, "乙"),
            numbered(2, 0, "丙"),
            numbered(3, 0, "丁"),
            numbered(3, 0, "戊"),
            numbered(4, 0, "己"),
            numbered(1, 0, "庚"),
        ]
        .concat();
        let paras = read_docx(&numbered_docx(&body, None, Some(&numbering))).unwrap();
        assert_eq!(
            texts(&paras),
            ["1.甲", "2.乙", "3.丙", "1.丁", "2.戊", "5.己", "4.庚"]
        );
    }

    #[test]
    fn level_override_replaces_the_level() {
        let over = format!(
            r#"<w:lvlOverride w:ilvl="0">{}</w:lvlOverride>"#,
            lvl(0, "upperRoman", "%1.", "")
        );
        let numbering = [
            abstract_num(0, &[lvl(0, "decimal", "%1.", "")]),
            num(1, 0, &over),
        ]
        .concat();
        let body = [numbered(1, 0, "a"), numbered(1, 0, "b")].concat();
        let paras = read_docx(&numbered_docx(&body, None, Some(&numbering))).unwrap();
        assert_eq!(texts(&paras), ["I.a", "II.b"]);
    }

    #[test]
    fn missing_or_broken_numbering_gives_no_number_and_no_error() {
        let body = [numbered(1, 0, "一项"), numbered(2, 1, "二项")].concat();
        let paras = read_docx(&docx(&body, None)).unwrap();
        assert_eq!(texts(&paras), ["一项", "二项"]);
        let broken = format!("{}<w:num w:numId=\"1\"><oops></w:num>", official_levels());
        let paras = read_docx(&numbered_docx(&body, None, Some(&broken))).unwrap();
        assert_eq!(texts(&paras), ["一项", "二项"]);
        // Unknown numId, or a num whose abstractNum is missing.
        let numbering = [official_levels(), num(2, 9, "")].concat();
        let paras = read_docx(&numbered_docx(&body, None, Some(&numbering))).unwrap();
        assert_eq!(texts(&paras), ["一项", "二项"]);
    }

    #[test]
    fn num_id_zero_is_not_numbered() {
        let numbering = [official_levels(), num(1, 0, "")].concat();
        let body = [
            numbered(0, 0, "不编号"),
            numbered(1, 0, "编号"),
            numbered(0, 1, "也不编号"),
        ]
        .concat();
        let paras = read_docx(&numbered_docx(&body, None, Some(&numbering))).unwrap();
        assert_eq!(texts(&paras), ["不编号", "一、编号", "也不编号"]);
    }

    #[test]
    fn enclosed_multilevel_and_legal_numbers() {
        let numbering = [
            abstract_num(0, &[lvl(0, "decimalEnclosedCircle", "%1", "")]),
            abstract_num(
                1,
                &[lvl(0, "decimal", "%1", ""), lvl(1, "decimal", "%1.%2", "")],
            ),
            abstract_num(
                2,
                &[
                    lvl(0, "chineseCounting", "%1、", ""),
                    lvl(1, "decimal", "%1.%2", "<w:isLgl/>"),
                ],
            ),
            num(1, 0, ""),
            num(2, 1, ""),
            num(3, 2, ""),
        ]
        .concat();
        let body = [
            numbered(1, 0, "甲"),
            numbered(1, 0, "乙"),
            numbered(2, 0, "总则"),
            numbered(2, 1, "目的"),
            numbered(2, 1, "范围"),
            numbered(2, 0, "职责"),
            numbered(2, 1, "分工"),
            numbered(3, 0, "一级"),
            numbered(3, 1, "二级"),
        ]
        .concat();
        let paras = read_docx(&numbered_docx(&body, None, Some(&numbering))).unwrap();
        assert_eq!(
            texts(&paras),
            [
                "①甲",
                "②乙",
                "1 总则",
                "1.1 目的",
                "1.2 范围",
                "2 职责",
                "2.1 分工",
                "一、一级",
                "1.1 二级",
            ]
        );
    }

    #[test]
    fn suffix_restart_and_unused_upper_levels() {
        let numbering = [
            abstract_num(
                0,
                &[
                    lvl(
                        0,
                        "chineseCounting",
                        "第%1章",
                        r#"<w:suff w:val="nothing"/>"#,
                    ),
                    // Never restarts: keeps counting across chapters.
                    lvl(1, "decimal", "%2.", r#"<w:lvlRestart w:val="0"/>"#),
                ],
            ),
            abstract_num(
                1,
                &[lvl(0, "decimal", "%1", ""), lvl(1, "decimal", "%1.%2", "")],
            ),
            num(1, 0, ""),
            num(2, 1, ""),
        ]
        .concat();
        let body = [
            numbered(1, 0, "总则"),
            numbered(1, 1, "甲"),
            numbered(1, 0, "分则"),
            numbered(1, 1, "乙"),
            // A level used before its parent: the parent shows (and takes) its start value.
            numbered(2, 1, "先"),
            numbered(2, 0, "后"),
        ]
        .concat();
        let paras = read_docx(&numbered_docx(&body, None, Some(&numbering))).unwrap();
        assert_eq!(
            texts(&paras),
            ["第一章总则", "1.甲", "第二章分则", "2.乙", "1.1 先", "2 后"]
        );
    }

    #[test]
    fn deeper_placeholders_empty_paragraphs_and_odd_levels() {
        let numbering = [
            abstract_num(
                0,
                &[
                    lvl(0, "decimal", "%1.", ""),
                    // Shows a deeper level's number: Word drops the whole level text.
                    lvl(1, "decimal", "%3)", ""),
                ],
            ),
            num(1, 0, ""),
        ]
        .concat();
        let empty = r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:p>"#;
        let body = [
            numbered(1, 0, "甲"),
            empty.to_string(),
            numbered(1, 1, "深"),
            numbered(1, 0, "乙"),
            // No level 5 defined: no number, nothing counted wrongly.
            numbered(1, 5, "空"),
            numbered(1, 200, "超"),
            numbered(1, 0, "丙"),
        ]
        .concat();
        let paras = read_docx(&numbered_docx(&body, None, Some(&numbering))).unwrap();
        assert_eq!(
            texts(&paras),
            ["1.甲", "2.", "深", "3.乙", "空", "超", "4.丙"]
        );
    }

    #[test]
    fn num_style_link_and_w14_custom_formats() {
        let styles = [
            style("a", "Normal", ""),
            r#"<w:style w:type="numbering" w:styleId="List1"><w:name w:val="My List"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>"#.to_string(),
        ]
        .concat();
        let custom = concat!(
            r#"<mc:AlternateContent><mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="01, 02, 03, ..."/></mc:Choice>"#,
            r#"<mc:Fallback><w:numFmt w:val="decimalZero"/></mc:Fallback></mc:AlternateContent>"#,
        );
        let levels = format!(
            r#"<w:lvl w:ilvl="0"><w:start w:val="1"/>{custom}<w:lvlText w:val="%1."/></w:lvl>"#
        );
        let numbering = [
            format!(r#"<w:abstractNum w:abstractNumId="0"><w:styleLink w:val="List1"/>{levels}</w:abstractNum>"#),
            r#"<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="List1"/></w:abstractNum>"#.to_string(),
            num(1, 0, ""),
            num(2, 1, ""),
        ]
        .concat();
        let body = [numbered(1, 0, "甲"), numbered(2, 0, "乙")].concat();
        let paras = read_docx(&numbered_docx(&body, Some(&styles), Some(&numbering))).unwrap();
        assert_eq!(texts(&paras), ["01.甲", "02.乙"]);
    }

    #[test]
    fn number_formats() {
        let cn = |n| NumFmt::ChineseCounting.format(n);
        assert_eq!(
            [
                1, 9, 10, 11, 20, 21, 99, 100, 101, 110, 1000, 1001, 1010, 9999
            ]
            .map(cn),
            [
                "一",
                "九",
                "十",
                "十一",
                "二十",
                "二十一",
                "九十九",
                "一百",
                "一百零一",
                "一百一十",
                "一千",
                "一千零一",
                "一千零一十",
                "九千九百九十九"
            ]
        );
        assert_eq!(cn(0), "〇");
        assert_eq!(cn(10_000), "10000");
        let legal = |n| NumFmt::ChineseLegalSimplified.format(n);
        assert_eq!(
            [1, 3, 10, 12, 105].map(legal),
            ["壹", "叁", "壹拾", "壹拾贰", "壹佰零伍"]
        );
        assert_eq!(NumFmt::ChineseLegalTraditional.format(2), "貳");
        let fmt = |f: NumFmt, ns: &[u32]| ns.iter().map(|&n| f.format(n)).collect::<Vec<_>>();
        assert_eq!(
            fmt(NumFmt::IdeographTraditional, &[1, 10, 11]),
            ["甲", "癸", "11"]
        );
        assert_eq!(
            fmt(NumFmt::IdeographZodiac, &[1, 12, 13]),
            ["子", "亥", "13"]
        );
        assert_eq!(fmt(NumFmt::IdeographDigital, &[102]), ["一〇二"]);
        assert_eq!(
            fmt(NumFmt::EnclosedCircle, &[1, 2, 20, 21]),
            ["①", "②", "⑳", "(21)"]
        );
        assert_eq!(fmt(NumFmt::EnclosedParen, &[1, 20, 21]), ["⑴", "⒇", "(21)"]);
        assert_eq!(
            fmt(NumFmt::EnclosedFullstop, &[1, 20, 21]),
            ["⒈", "⒛", "21."]
        );
        assert_eq!(
            fmt(NumFmt::DecimalZero, &[1, 9, 10, 100]),
            ["01", "09", "10", "100"]
        );
        assert_eq!(fmt(NumFmt::DecimalFullWidth, &[12]), ["１２"]);
        assert_eq!(
            fmt(NumFmt::UpperLetter, &[1, 26, 27, 28, 53, 0]),
            ["A", "Z", "AA", "BB", "AAA", "0"]
        );
        assert_eq!(
            fmt(NumFmt::LowerLetter, &[2, u32::MAX]),
            ["b", "4294967295"]
        );
        assert_eq!(
            fmt(NumFmt::UpperRoman, &[1, 4, 9, 14, 40, 1994, 3999, 4000]),
            ["I", "IV", "IX", "XIV", "XL", "MCMXCIV", "MMMCMXCIX", "4000"]
        );
        assert_eq!(fmt(NumFmt::LowerRoman, &[3]), ["iii"]);
        assert_eq!(fmt(NumFmt::Hidden, &[3]), [""]);
        for (name, expected) in [
            ("ordinal", NumFmt::Decimal),
            ("cardinalText", NumFmt::Decimal),
            ("somethingNew", NumFmt::Decimal),
            ("chineseCountingThousand", NumFmt::ChineseCounting),
            ("decimalEnclosedCircleChinese", NumFmt::EnclosedCircle),
            ("bullet", NumFmt::Hidden),
            ("none", NumFmt::Hidden),
        ] {
            assert_eq!(NumFmt::parse(name), Some(expected), "{name}");
        }
        assert_eq!(NumFmt::parse("custom"), None);
    }

    #[test]
    fn counters_saturate_and_starts_clamp() {
        let numbering = [
            abstract_num(
                0,
                &[r#"<w:lvl w:ilvl="0"><w:start w:val="4294967295"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>"#.to_string()],
            ),
            abstract_num(
                1,
                &[r#"<w:lvl w:ilvl="0"><w:start w:val="-3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>"#.to_string()],
            ),
            num(1, 0, ""),
            num(2, 1, ""),
        ]
        .concat();
        let body = [
            numbered(1, 0, "a"),
            numbered(1, 0, "b"),
            numbered(2, 0, "c"),
        ]
        .concat();
        let paras = read_docx(&numbered_docx(&body, None, Some(&numbering))).unwrap();
        assert_eq!(texts(&paras), ["4294967295.a", "4294967295.b", "0.c"]);
    }

    #[test]
    fn list_numbers_count_against_the_text_limit() {
        let numbering = [official_levels(), num(1, 0, "")].concat();
        let body = numbered(1, 0, "0123456789").repeat(3);
        let bytes = numbered_docx(&body, None, Some(&numbering));
        let limits = |text_chars| Limits {
            text_chars,
            ..Limits::DEFAULT
        };
        assert!(matches!(
            read_docx_with(&bytes, limits(30)),
            Err(DocxError::TooMuchText)
        ));
        assert_eq!(read_docx_with(&bytes, limits(36)).unwrap().len(), 3);
    }
}
