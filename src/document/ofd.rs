//! OFD (GB/T 33190, China's format for electronic official documents) → [`Document`].
//!
//! An OFD is a zip: `OFD.xml` names the document (`DocBody/DocRoot`), whose `Document.xml`
//! lists the pages (`Pages/Page[@BaseLoc]`), the page area and the outline. Each page's
//! `Content.xml` draws text as `TextObject`s holding positioned `TextCode`s; those become
//! [`layout::Run`]s and [`layout::reflow`] turns them into paragraphs. Templates,
//! annotations, signatures and seals are not body text and are not read.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{XmlVersion, events::attributes::Attribute};
use zip::ZipArchive;
use zip::result::ZipError;

use super::docx::CountingReader;
use super::layout::{self, Bookmark, Page, Run};
use super::{Document, DocxParagraph, LineHint, SourceFormat};

/// Most bytes read from all the zip's entries together, inflated.
pub const MAX_OFD_INFLATED_BYTES: u64 = 256 * 1024 * 1024;
/// Most bytes one XML part may inflate to.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Deepest element nesting accepted in a part.
const MAX_DEPTH: usize = 256;
/// Most chars of text read from all pages.
const MAX_TEXT_CHARS: usize = 4_000_000;
/// Most pages read.
const MAX_PAGES: usize = 100_000;
/// Most outline entries read.
const MAX_OUTLINE: usize = 10_000;
/// Most extra glyph positions one `CGTransform` may add (a hostile `GlyphCount`).
const MAX_EXTRA_GLYPHS: usize = 64;
const BYTES_PER_MB: u64 = 1024 * 1024;

/// Why an OFD file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OfdError {
    /// Named `.ofd` but not a zip archive at all.
    #[error(
        "this is not a valid OFD file (it is not a zip archive); open the original file or export it again as OFD"
    )]
    NotZip,
    /// Named `.ofd`, a zip archive, but without `OFD.xml`.
    #[error(
        "this is a zip archive but not an OFD document (it has no OFD.xml); open the original .ofd file"
    )]
    NotOfd,
    /// The zip structure or a compressed entry is corrupt or truncated.
    #[error(
        "the OFD file is damaged ({0}); get the original file again, or open it in an OFD reader and save it again"
    )]
    Damaged(String),
    /// The entries are encrypted.
    #[error(
        "this OFD file is encrypted, so Pizhu cannot read it; open it in the OFD reader that has its password and export it without encryption"
    )]
    Encrypted,
    /// A compression method or zip feature Pizhu cannot read.
    #[error(
        "the OFD file uses a zip feature Pizhu cannot read ({0}); open it in an OFD reader and save it again"
    )]
    Unsupported(String),
    /// A part the document needs is not in the zip.
    #[error(
        "the OFD file is damaged: {0} is missing; get the original file again, or open it in an OFD reader and save it again"
    )]
    Missing(String),
    /// A part is not well-formed XML (or nests without end).
    #[error(
        "the OFD file is damaged: its {part} is not valid XML ({detail}); get the original file again"
    )]
    Malformed {
        /// The zip entry.
        part: String,
        /// What is wrong, where.
        detail: String,
    },
    /// The parts inflate to more than the limits.
    #[error(
        "the OFD file is too large to open: {} unpacks to more than {limit_mb} MB; split the document or export it as PDF or text",
        if *.one_part { "one of its parts" } else { "it" }
    )]
    TooLarge {
        /// Whether one part passed its own limit (else all the parts together did).
        one_part: bool,
        /// The limit in MB.
        limit_mb: u64,
    },
    /// More text than Pizhu extracts.
    #[error(
        "the OFD file holds too much text to open (more than {} million characters or {} pages); split it into smaller documents",
        MAX_TEXT_CHARS / 1_000_000,
        MAX_PAGES
    )]
    TooMuchText,
    /// Every page is an image: a scan with no text layer.
    #[error(
        "this OFD file has no text to read: {}; run OCR on it (in an OFD or PDF tool) to get its text",
        if *.pages == 1 { "its one page is a scanned image".to_owned() } else { format!("all {} of its pages are scanned images", .pages) }
    )]
    ScannedOnly {
        /// How many pages it has.
        pages: usize,
    },
    /// No page draws any text (and none is a scan).
    #[error(
        "this OFD file has no text to read: {}; open another file",
        if *.pages == 0 { "it has no pages".to_owned() } else { format!("its {} page(s) draw no characters", .pages) }
    )]
    NoText {
        /// How many pages it has.
        pages: usize,
    },
}

/// Whether a zip archive held in `bytes` is an OFD: it has an `OFD.xml` at its root (any case).
pub fn is_ofd(bytes: &[u8]) -> bool {
    ZipArchive::new(Cursor::new(bytes)).is_ok_and(|zip| {
        zip.file_names_raw().any(|name| {
            name.strip_prefix(b"/")
                .unwrap_or(name)
                .eq_ignore_ascii_case(b"OFD.xml")
        })
    })
}

/// Read an OFD held in memory into a [`Document`] (format [`SourceFormat::Ofd`]).
pub fn read_ofd(bytes: &[u8]) -> Result<Document, OfdError> {
    let mut package = Package::open(bytes)?;
    let root = package.read("OFD.xml")?.ok_or(OfdError::NotOfd)?;
    let info = read_root(&root)?;
    let doc_root = info
        .doc_root
        .ok_or_else(|| OfdError::Missing("the document part (OFD.xml names no DocRoot)".into()))?;
    let doc_path = package.locate("", &doc_root);
    let doc_xml = package
        .read(&doc_path)?
        .ok_or_else(|| OfdError::Missing(format!("its document part {doc_root} (Document.xml)")))?;
    let structure = read_structure(&doc_xml, &doc_path)?;
    let doc_dir = parent(&doc_path);
    let mut pages = Vec::with_capacity(structure.pages.len());
    let mut chars = 0usize;
    for (n, page_ref) in structure.pages.iter().enumerate() {
        let path = package.locate(doc_dir, &page_ref.base_loc);
        let xml = package.read(&path)?.ok_or_else(|| {
            OfdError::Missing(format!(
                "the content of page {} ({})",
                n + 1,
                page_ref.base_loc
            ))
        })?;
        let page = read_page(&xml, &path, structure.area, &mut chars)?;
        pages.push(page);
    }
    let page_of_id: HashMap<&str, usize> = structure
        .pages
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, p)| Some((p.id.as_deref()?.trim(), i)))
        .collect();
    let bookmarks: Vec<Bookmark> = structure
        .outline
        .iter()
        .map(|(title, level, page_id)| Bookmark {
            title: title.clone(),
            level: *level,
            page: page_id
                .as_deref()
                .and_then(|id| page_of_id.get(id.trim()).copied())
                .unwrap_or(0),
        })
        .collect();
    let reflowed = layout::reflow(&pages, &bookmarks);
    if reflowed.paragraphs.is_empty() {
        return Err(
            if !pages.is_empty() && reflowed.image_only_pages.len() == pages.len() {
                OfdError::ScannedOnly { pages: pages.len() }
            } else {
                OfdError::NoText { pages: pages.len() }
            },
        );
    }
    let scanned = reflowed.scanned_notice(pages.len());
    let mut paragraphs = reflowed.paragraphs;
    apply_title(&mut paragraphs, info.title.as_deref());
    let mut doc = Document::from_paragraphs(paragraphs);
    doc.format = SourceFormat::Ofd;
    doc.encoding = "OFD".to_owned();
    doc.notices.extend(scanned);
    Ok(doc)
}

/// `DocInfo/Title` becomes the Title hint of the first paragraph when it is that paragraph.
fn apply_title(paragraphs: &mut [DocxParagraph], title: Option<&str>) {
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let Some(title) = title.map(squeeze).filter(|t| !t.is_empty()) else {
        return;
    };
    if let Some(first) = paragraphs.first_mut()
        && first.hint == LineHint::None
        && squeeze(&first.text) == title
    {
        first.hint = LineHint::Title;
    }
}

// ---------------------------------------------------------------------------------------
// The zip

/// The zip, its entries by normalised name, and the bytes still allowed to inflate.
struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    names: HashMap<String, usize>,
    left: u64,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, OfdError> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|err| {
            if !bytes.starts_with(b"PK") {
                return OfdError::NotZip;
            }
            match zip_error(err) {
                OfdError::Damaged(detail) => OfdError::Damaged(format!(
                    "its zip directory is unreadable, maybe cut short: {detail}"
                )),
                other => other,
            }
        })?;
        let mut names = HashMap::with_capacity(zip.len());
        for (index, raw) in zip.file_names_raw().enumerate() {
            // Entry names are UTF-8, or GBK from older Chinese tools.
            let name = match std::str::from_utf8(raw) {
                Ok(name) => name.to_owned(),
                Err(_) => encoding_rs::GBK
                    .decode_without_bom_handling(raw)
                    .0
                    .into_owned(),
            };
            names.entry(normalise(&name)).or_insert(index);
        }
        Ok(Self {
            zip,
            names,
            left: MAX_OFD_INFLATED_BYTES,
        })
    }

    /// Where a location named in the part folder `dir` is: relative to `dir`, else from
    /// the package root (some producers write root paths without the leading slash).
    fn locate(&self, dir: &str, loc: &str) -> String {
        let relative = resolve(dir, loc);
        if self.names.contains_key(&normalise(&relative))
            || !self.names.contains_key(&normalise(loc))
        {
            relative
        } else {
            loc.trim().to_owned()
        }
    }

    /// The inflated bytes of the entry at `path` (any case, any slashes), `None` when the
    /// zip has no such entry. Bounded by the declared size and by the bytes that come out.
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>, OfdError> {
        let Some(&index) = self.names.get(&normalise(path)) else {
            return Ok(None);
        };
        let limit = MAX_PART_BYTES.min(self.left);
        let entry = self.zip.by_index(index).map_err(zip_error)?;
        if entry.size() > limit {
            return Err(too_large(limit));
        }
        let mut reader = CountingReader::new(entry, limit);
        let mut out = Vec::new();
        if let Err(err) = reader.read_to_end(&mut out) {
            return Err(if reader.exceeded {
                too_large(limit)
            } else {
                OfdError::Damaged(format!("{path}: {err}"))
            });
        }
        self.left -= out.len() as u64;
        Ok(Some(out))
    }
}

/// The error for a read that went past `limit`: the part's own limit or what was left of
/// the whole file's.
fn too_large(limit: u64) -> OfdError {
    if limit == MAX_PART_BYTES {
        OfdError::TooLarge {
            one_part: true,
            limit_mb: MAX_PART_BYTES / BYTES_PER_MB,
        }
    } else {
        OfdError::TooLarge {
            one_part: false,
            limit_mb: MAX_OFD_INFLATED_BYTES / BYTES_PER_MB,
        }
    }
}

/// Map a zip error to what the user needs to know.
fn zip_error(err: ZipError) -> OfdError {
    match err {
        ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED) | ZipError::InvalidPassword => {
            OfdError::Encrypted
        }
        ZipError::CompressionMethodNotSupported(method) => {
            OfdError::Unsupported(format!("compression method {method}"))
        }
        ZipError::UnsupportedArchive(what) => OfdError::Unsupported(what.to_string()),
        other => OfdError::Damaged(other.to_string()),
    }
}

/// A path as looked up: `/` separators, no leading slash, `.` and `..` resolved, lowercase.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part.trim() {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/").to_lowercase()
}

/// The folder of a part (`Doc_0/Document.xml` → `Doc_0`).
fn parent(path: &str) -> &str {
    path.rfind(['/', '\\']).map_or("", |i| &path[..i])
}

/// A location in the XML: absolute (`/Doc_0/...`) from the package root, else relative to
/// `dir`.
fn resolve(dir: &str, loc: &str) -> String {
    let loc = loc.trim();
    if loc.starts_with('/') || loc.starts_with('\\') || dir.is_empty() {
        loc.to_owned()
    } else {
        format!("{dir}/{loc}")
    }
}

// ---------------------------------------------------------------------------------------
// XML

/// What the walker hands to a part's reader.
enum Node<'e> {
    /// An element opens (also for an empty element, then followed by [`Node::Close`]).
    Open(&'e BytesStart<'e>),
    /// An element closes.
    Close,
    /// Text inside the innermost open element, entities resolved.
    Text(&'e str),
}

/// Walk the XML of the part `part`, handing elements and text to `handle` with the stack
/// of open elements' local names. Bounded nesting; malformed XML is one clear error.
fn walk(
    xml: &[u8],
    part: &str,
    mut handle: impl FnMut(Node<'_>, &[String]) -> Result<(), OfdError>,
) -> Result<(), OfdError> {
    let malformed = |detail: String| OfdError::Malformed {
        part: part.to_owned(),
        detail,
    };
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<String> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(format!("{e} at byte {}", reader.error_position())))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(format!(
                        "elements nested more than {MAX_DEPTH} deep"
                    )));
                }
                stack.push(e.local_name().as_ref().to_owned());
                handle(Node::Open(e), &stack)?;
                if matches!(event, Event::Empty(_)) {
                    handle(Node::Close, &stack)?;
                    stack.pop();
                }
            }
            Event::End(_) => {
                handle(Node::Close, &stack)?;
                stack.pop();
            }
            Event::Text(t) => handle(Node::Text(&t.xml10_content()), &stack)?,
            Event::CData(t) => {
                handle(Node::Text(&t.xml10_content()), &stack)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name: &str = &r;
                        resolve_predefined_entity(name)
                            .ok_or_else(|| malformed(format!("unknown entity &{name};")))?
                            .to_owned()
                    }
                };
                handle(Node::Text(&resolved), &stack)?;
            }
            Event::Eof => {
                return if stack.is_empty() {
                    Ok(())
                } else {
                    Err(malformed(
                        "it ends before all its elements are closed".into(),
                    ))
                };
            }
            _ => {}
        }
    }
}

/// The value of the attribute with local name `local`.
fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    let found: Attribute<'_> = e
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)?;
    let value = found
        .normalized_value(XmlVersion::Implicit1_0)
        .map_or_else(|_| found.value.to_string(), |v| v.into_owned());
    Some(value)
}

/// Whether the innermost elements are `path` (local names, outermost first).
fn at(stack: &[String], path: &[&str]) -> bool {
    stack.len() >= path.len()
        && stack[stack.len() - path.len()..]
            .iter()
            .zip(path)
            .all(|(a, b)| a == b)
}

/// Numbers separated by spaces (or commas); what does not parse is skipped.
fn numbers(s: &str) -> Vec<f32> {
    s.split([' ', ',', '\t', '\n', '\r'])
        .filter_map(|t| t.parse::<f32>().ok())
        .filter(|v| v.is_finite())
        .collect()
}

// ---------------------------------------------------------------------------------------
// OFD.xml and Document.xml

/// What `OFD.xml` says about the (first) document.
#[derive(Default)]
struct RootInfo {
    doc_root: Option<String>,
    title: Option<String>,
}

fn read_root(xml: &[u8]) -> Result<RootInfo, OfdError> {
    let mut info = RootInfo::default();
    let mut bodies = 0;
    walk(xml, "OFD.xml", |node, stack| {
        match node {
            Node::Open(_) if at(stack, &["DocBody"]) => bodies += 1,
            Node::Text(t) if bodies == 1 && at(stack, &["DocBody", "DocRoot"]) => {
                info.doc_root
                    .get_or_insert_with(String::new)
                    .push_str(t.trim());
            }
            Node::Text(t) if bodies == 1 && at(stack, &["DocInfo", "Title"]) => {
                info.title.get_or_insert_with(String::new).push_str(t);
            }
            _ => {}
        }
        Ok(())
    })?;
    info.doc_root = info.doc_root.filter(|r| !r.is_empty());
    Ok(info)
}

/// One page as `Document.xml` lists it.
struct PageRef {
    id: Option<String>,
    base_loc: String,
}

/// The page area: width and height in mm.
#[derive(Clone, Copy, Debug)]
struct Area {
    width: f32,
    height: f32,
}

impl Default for Area {
    fn default() -> Self {
        // A4 portrait, what OFD producers use when they say nothing.
        Self {
            width: 210.0,
            height: 297.0,
        }
    }
}

/// Width and height of a `PhysicalBox` (`x y w h`).
fn area_of(text: &str) -> Option<Area> {
    match numbers(text)[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 => Some(Area {
            width: w,
            height: h,
        }),
        _ => None,
    }
}

/// What `Document.xml` says: pages, page area, outline `(title, level, page ID)`.
struct Structure {
    pages: Vec<PageRef>,
    area: Area,
    outline: Vec<(String, u8, Option<String>)>,
}

fn read_structure(xml: &[u8], part: &str) -> Result<Structure, OfdError> {
    let mut pages = Vec::new();
    let mut area = None;
    let mut box_text = String::new();
    let mut outline: Vec<(String, u8, Option<String>)> = Vec::new();
    // Indices into `outline` of the open OutlineElems.
    let mut open: Vec<usize> = Vec::new();
    walk(xml, part, |node, stack| {
        match node {
            Node::Open(e) if at(stack, &["Pages", "Page"]) => {
                if pages.len() >= MAX_PAGES {
                    return Err(OfdError::TooMuchText);
                }
                if let Some(base_loc) = attr(e, "BaseLoc") {
                    pages.push(PageRef {
                        id: attr(e, "ID"),
                        base_loc,
                    });
                }
            }
            Node::Open(e) if at(stack, &["OutlineElem"]) => {
                if outline.len() < MAX_OUTLINE {
                    let level = u8::try_from(open.len() + 1).unwrap_or(u8::MAX);
                    outline.push((attr(e, "Title").unwrap_or_default(), level, None));
                    open.push(outline.len() - 1);
                } else {
                    open.push(usize::MAX);
                }
            }
            Node::Open(e) if at(stack, &["Goto", "Dest"]) => {
                if let Some(&i) = open.last()
                    && let Some(entry) = outline.get_mut(i)
                    && entry.2.is_none()
                {
                    entry.2 = attr(e, "PageID");
                }
            }
            Node::Close if at(stack, &["OutlineElem"]) => {
                open.pop();
            }
            Node::Text(t) if at(stack, &["CommonData", "PageArea", "PhysicalBox"]) => {
                box_text.push_str(t);
            }
            Node::Close if at(stack, &["CommonData", "PageArea", "PhysicalBox"]) => {
                area = area_of(&box_text);
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(Structure {
        pages,
        area: area.unwrap_or_default(),
        outline,
    })
}

// ---------------------------------------------------------------------------------------
// Pages

/// An affine transform `a b c d e f`: x' = a·x + c·y + e, y' = b·x + d·y + f.
#[derive(Clone, Copy, Debug)]
struct Ctm([f32; 6]);

impl Ctm {
    const IDENTITY: Self = Self([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn parse(text: &str) -> Self {
        match numbers(text)[..] {
            [a, b, c, d, e, f] => Self([a, b, c, d, e, f]),
            _ => Self::IDENTITY,
        }
    }

    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// How much lengths grow (the square root of the determinant).
    fn scale(&self) -> f32 {
        let [a, b, c, d, _, _] = self.0;
        (a * d - b * c).abs().sqrt()
    }

    /// How much horizontal lengths grow.
    fn scale_x(&self) -> f32 {
        let [a, b, ..] = self.0;
        (a * a + b * b).sqrt()
    }
}

/// The text object being read.
struct TextObject {
    origin: (f32, f32),
    ctm: Ctm,
    size: f32,
    /// Its `CGTransform`s that are not one to one: code position → (code count, glyph
    /// count).
    transforms: HashMap<usize, (usize, usize)>,
    /// Chars of its earlier `TextCode`s (code positions count across them).
    chars_before: usize,
    /// Where the last `TextCode` ended, object space (the next one may omit X or Y).
    pen: (f32, f32),
    /// Its glyphs so far, placed on the page.
    placed: Vec<Placed>,
}

/// The `TextCode` being read.
struct TextCode {
    x: Option<f32>,
    y: Option<f32>,
    delta_x: Option<String>,
    delta_y: Option<String>,
    text: String,
}

fn read_page(xml: &[u8], part: &str, area: Area, chars: &mut usize) -> Result<Page, OfdError> {
    let mut page = Page {
        width: area.width,
        height: area.height,
        runs: Vec::new(),
        images: 0,
    };
    let mut box_text: Option<String> = None;
    let mut object: Option<TextObject> = None;
    let mut code: Option<TextCode> = None;
    // Depth of a skipped subtree (a background layer), 0 when reading.
    let mut skipping = 0usize;
    walk(xml, part, |node, stack| {
        if skipping > 0 {
            match node {
                Node::Open(_) => skipping += 1,
                Node::Close => skipping -= 1,
                Node::Text(_) => {}
            }
            return Ok(());
        }
        match node {
            Node::Open(e) => match stack.last().map(String::as_str) {
                Some("Layer")
                    if attr(e, "Type").is_some_and(|t| t.eq_ignore_ascii_case("Background")) =>
                {
                    skipping = 1;
                }
                // Not body text: clip paths, actions, annotations drawn in the page.
                Some("Clips" | "Actions" | "Annot" | "Annots") => skipping = 1,
                Some("PhysicalBox") if at(stack, &["Area", "PhysicalBox"]) => {
                    box_text = Some(String::new());
                }
                Some("ImageObject") => page.images += 1,
                Some("TextObject") => {
                    let boundary = attr(e, "Boundary").map(|b| numbers(&b)).unwrap_or_default();
                    let origin = match boundary[..] {
                        [x, y, ..] => (x, y),
                        _ => (0.0, 0.0),
                    };
                    object = Some(TextObject {
                        origin,
                        ctm: attr(e, "CTM").map_or(Ctm::IDENTITY, |c| Ctm::parse(&c)),
                        size: attr(e, "Size")
                            .and_then(|s| s.trim().parse::<f32>().ok())
                            .filter(|s| s.is_finite() && *s > 0.0)
                            .unwrap_or(3.5),
                        transforms: HashMap::new(),
                        chars_before: 0,
                        pen: (0.0, 0.0),
                        placed: Vec::new(),
                    });
                }
                Some("CGTransform") => {
                    if let Some(obj) = object.as_mut() {
                        let n = |name| {
                            attr(e, name)
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0)
                        };
                        let (count, glyphs) = (n("CodeCount"), n("GlyphCount"));
                        if obj.transforms.len() < 100_000 && count > 0 && count != glyphs {
                            obj.transforms
                                .entry(n("CodePosition"))
                                .or_insert((count, glyphs));
                        }
                    }
                }
                Some("TextCode") if object.is_some() => {
                    let num = |name| {
                        attr(e, name)
                            .and_then(|v| v.trim().parse::<f32>().ok())
                            .filter(|v| v.is_finite())
                    };
                    code = Some(TextCode {
                        x: num("X"),
                        y: num("Y"),
                        delta_x: attr(e, "DeltaX"),
                        delta_y: attr(e, "DeltaY"),
                        text: String::new(),
                    });
                }
                _ => {}
            },
            Node::Text(t) => {
                if let Some(code) = code.as_mut() {
                    *chars += t.chars().count();
                    if *chars > MAX_TEXT_CHARS {
                        return Err(OfdError::TooMuchText);
                    }
                    code.text.push_str(t);
                } else if let Some(b) = box_text.as_mut() {
                    b.push_str(t);
                }
            }
            Node::Close => match stack.last().map(String::as_str) {
                Some("PhysicalBox") => {
                    if let Some(found) = box_text.take().as_deref().and_then(area_of) {
                        page.width = found.width;
                        page.height = found.height;
                    }
                }
                Some("TextCode") => {
                    if let (Some(obj), Some(code)) = (object.as_mut(), code.take()) {
                        place_code(obj, &code);
                    }
                }
                Some("TextObject") => {
                    if let Some(obj) = object.take() {
                        object_runs(&obj, &mut page.runs);
                    }
                }
                _ => {}
            },
        }
        Ok(())
    })?;
    Ok(page)
}

/// `DeltaX`/`DeltaY`: numbers, where `g N V` stands for N times V; at most `want` values.
fn deltas(text: Option<&str>, want: usize) -> Vec<f32> {
    let mut out = Vec::new();
    let Some(text) = text else {
        return out;
    };
    let mut tokens = text.split_ascii_whitespace();
    while out.len() < want {
        let Some(token) = tokens.next() else {
            break;
        };
        if token == "g" {
            let count = tokens
                .next()
                .and_then(|t| t.parse::<usize>().ok())
                .unwrap_or(0);
            let value = tokens
                .next()
                .and_then(|t| t.parse::<f32>().ok())
                .unwrap_or(0.0);
            let value = if value.is_finite() { value } else { 0.0 };
            let n = count.min(want - out.len());
            out.extend(std::iter::repeat_n(value, n));
        } else {
            let value = token
                .parse::<f32>()
                .ok()
                .filter(|v| v.is_finite())
                .unwrap_or(0.0);
            out.push(value);
        }
    }
    out
}

/// The text at each glyph position of a `TextCode`: one char each, except where a
/// `CGTransform` maps several chars to fewer glyphs (they share the first position) or
/// one char to several glyphs (the extra positions hold nothing).
fn glyph_units(obj: &TextObject, text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let base = obj.chars_before;
    let mut units: Vec<String> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        match obj.transforms.get(&(base + i)) {
            Some(&(count, glyphs)) => {
                let end = (i + count).min(chars.len());
                let unit: String = chars[i..end].iter().collect();
                if glyphs == 0 {
                    match units.last_mut() {
                        Some(last) => last.push_str(&unit),
                        None => units.push(unit),
                    }
                } else {
                    units.push(unit);
                    // Bounded however many glyphs the file claims.
                    let room = (2 * chars.len() + MAX_EXTRA_GLYPHS).saturating_sub(units.len());
                    let extra = (glyphs - 1).min(MAX_EXTRA_GLYPHS).min(room);
                    units.extend(std::iter::repeat_n(String::new(), extra));
                }
                i = end;
            }
            None => {
                units.push(chars[i].to_string());
                i += 1;
            }
        }
    }
    units
}

/// A glyph position with its text, placed on the page.
struct Placed {
    text: String,
    x: f32,
    y: f32,
    /// The advance the `TextCode` gives it (`DeltaX`), page units.
    advance: Option<f32>,
    /// The advance estimated from its chars, page units.
    estimate: f32,
}

/// Place one `TextCode`'s glyph positions on the page (object space → CTM → Boundary).
fn place_code(obj: &mut TextObject, code: &TextCode) {
    let units = glyph_units(obj, &code.text);
    obj.chars_before += code.text.chars().count();
    if units.is_empty() {
        return;
    }
    let dx = deltas(code.delta_x.as_deref(), units.len().saturating_sub(1));
    let dy = deltas(code.delta_y.as_deref(), units.len().saturating_sub(1));
    let (mut x, mut y) = (code.x.unwrap_or(obj.pen.0), code.y.unwrap_or(obj.pen.1));
    let scale_x = obj.ctm.scale_x();
    for (i, unit) in units.into_iter().enumerate() {
        let estimate = layout::estimate_width(&unit, obj.size);
        let step = dx.get(i).copied();
        if !unit.is_empty() {
            let (px, py) = obj.ctm.apply(x, y);
            obj.placed.push(Placed {
                text: unit,
                x: px + obj.origin.0,
                y: py + obj.origin.1,
                advance: step.map(|s| s * scale_x),
                estimate: estimate * scale_x,
            });
        }
        x += step.unwrap_or(estimate);
        y += dy.get(i).copied().unwrap_or(0.0);
    }
    obj.pen = (x, y);
}

/// Turn a text object's glyphs into runs: glyphs advancing along one baseline make one
/// run; a jump back, a move to another baseline or a wide jump starts another. A glyph's
/// advance is its `DeltaX`, else the distance to the next glyph (one `TextCode` per
/// char), unless either jumps well past the glyph (text spread over a form).
fn object_runs(obj: &TextObject, runs: &mut Vec<Run>) {
    let size = obj.size * obj.ctm.scale();
    if !(size.is_finite() && size > 0.0) {
        return;
    }
    let same_line = |a: &Placed, b: &Placed| (a.y - b.y).abs() < 0.05 * size;
    // The run being built: text, left edge, right edge, baseline.
    let mut current: Option<(String, f32, f32, f32)> = None;
    let flush = |current: &mut Option<(String, f32, f32, f32)>, runs: &mut Vec<Run>| {
        if let Some((text, x0, x1, y)) = current.take() {
            runs.push(Run {
                text,
                x: x0,
                y,
                width: (x1 - x0).max(0.0),
                size,
            });
        }
    };
    for (i, glyph) in obj.placed.iter().enumerate() {
        let next = obj.placed.get(i + 1).filter(|n| same_line(glyph, n));
        let fits = |a: f32| a > 0.0 && a <= 2.0 * glyph.estimate;
        let advance = match (glyph.advance, next) {
            (Some(a), _) if fits(a) => a,
            (None, Some(n)) if fits(n.x - glyph.x) => n.x - glyph.x,
            _ => glyph.estimate,
        };
        let end = glyph.x + advance;
        match current.as_mut() {
            Some((text, _, x1, baseline))
                if (glyph.y - *baseline).abs() < 0.05 * size
                    && glyph.x >= *x1 - 0.5 * size
                    && glyph.x <= *x1 + 0.5 * size =>
            {
                text.push_str(&glyph.text);
                *x1 = end.max(*x1);
            }
            _ => {
                flush(&mut current, runs);
                current = Some((glyph.text.clone(), glyph.x, end, glyph.y));
            }
        }
    }
    flush(&mut current, runs);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const NS: &str = r#"xmlns:ofd="http://www.ofdspec.org/2016""#;

    /// A zip of these entries.
    fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in entries {
            out.start_file(*name, options).unwrap();
            out.write_all(body.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    fn ofd_xml(doc_root: &str, title: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:Title>{title}</ofd:Title></ofd:DocInfo><ofd:DocRoot>{doc_root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
        )
    }

    fn document_xml(pages: &[&str], extra: &str) -> String {
        let pages: String = pages
            .iter()
            .enumerate()
            .map(|(i, loc)| format!(r#"<ofd:Page ID="{}" BaseLoc="{loc}"/>"#, i + 10))
            .collect();
        format!(
            r#"<ofd:Document {NS}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>{pages}</ofd:Pages>{extra}</ofd:Document>"#
        )
    }

    fn content(objects: &str) -> String {
        format!(
            r#"<ofd:Page {NS}><ofd:Content><ofd:Layer ID="1">{objects}</ofd:Layer></ofd:Content></ofd:Page>"#
        )
    }

    /// A text object of one TextCode, chars 5 mm apart, baseline at `y`.
    fn line(x: f32, y: f32, text: &str) -> String {
        let n = text.chars().count();
        let delta = if n > 1 {
            format!(r#" DeltaX="g {} 5""#, n - 1)
        } else {
            String::new()
        };
        format!(
            r#"<ofd:TextObject ID="2" Boundary="{x} {} 160 7" Font="1" Size="5"><ofd:TextCode X="0" Y="5"{delta}>{text}</ofd:TextCode></ofd:TextObject>"#,
            y - 5.0
        )
    }

    fn one_page(objects: &str) -> Vec<u8> {
        zip_of(&[
            ("OFD.xml", &ofd_xml("Doc_0/Document.xml", "")),
            (
                "Doc_0/Document.xml",
                &document_xml(&["Pages/Page_0/Content.xml"], ""),
            ),
            ("Doc_0/Pages/Page_0/Content.xml", &content(objects)),
        ])
    }

    fn texts(doc: &Document) -> Vec<&str> {
        doc.lines.iter().map(|l| doc.line_text(l)).collect()
    }

    #[test]
    fn delta_x_shorthand_and_lists() {
        assert_eq!(deltas(Some("g 3 2.5"), 10), vec![2.5, 2.5, 2.5]);
        assert_eq!(deltas(Some("1 g 2 3 4"), 10), vec![1.0, 3.0, 3.0, 4.0]);
        // Never more than wanted, whatever the count says.
        assert_eq!(deltas(Some("g 4000000000 1"), 3).len(), 3);
        assert_eq!(deltas(Some("x 2 NaN"), 5), vec![0.0, 2.0, 0.0]);
        assert!(deltas(None, 5).is_empty());
    }

    #[test]
    fn paths_resolve_whatever_their_form() {
        assert_eq!(normalise("/Doc_0/Pages/../Res\\a.xml"), "doc_0/res/a.xml");
        assert_eq!(
            resolve("Doc_0", "Pages/Page_0/Content.xml"),
            "Doc_0/Pages/Page_0/Content.xml"
        );
        assert_eq!(resolve("Doc_0", "/Doc_0/Pages/P.xml"), "/Doc_0/Pages/P.xml");
        assert_eq!(parent("Doc_0/Document.xml"), "Doc_0");
        // Absolute paths, odd case, a leading slash on the document root.
        let bytes = zip_of(&[
            ("ofd.XML", &ofd_xml("/doc_0/DOCUMENT.xml", "")),
            (
                "Doc_0/Document.xml",
                &document_xml(
                    &["/Doc_0/pages/page_0/content.xml", "Doc_0/Pages/Page_1.xml"],
                    "",
                ),
            ),
            (
                "Doc_0/Pages/Page_0/Content.xml",
                &content(&line(30.0, 50.0, "你好")),
            ),
            // Named from the root without the leading slash.
            (
                "Doc_0/Pages/Page_1.xml",
                &content(&line(30.0, 50.0, "再见")),
            ),
        ]);
        assert!(is_ofd(&bytes));
        let doc = read_ofd(&bytes).unwrap();
        // Both pages read (one paragraph: the first page's only line is full).
        assert_eq!(doc.text.replace('\n', ""), "你好再见");
        assert_eq!(doc.format, SourceFormat::Ofd);
    }

    #[test]
    fn gbk_entry_names_are_found() {
        // The zip writer takes UTF-8 names: write an ASCII placeholder as long as the GBK
        // bytes, then put the GBK bytes in its place (local header and central directory).
        let gbk = encoding_rs::GBK.encode("文档/页面.xml").0.into_owned();
        let placeholder = "X".repeat(gbk.len());
        let mut bytes = zip_of(&[
            ("OFD.xml", &ofd_xml("Doc_0/Document.xml", "")),
            ("Doc_0/Document.xml", &document_xml(&["/文档/页面.xml"], "")),
            (&placeholder, &content(&line(30.0, 50.0, "中文目录"))),
        ]);
        let mut replaced = 0;
        let mut at = 0;
        while let Some(i) = bytes[at..]
            .windows(gbk.len())
            .position(|w| w == placeholder.as_bytes())
        {
            bytes[at + i..at + i + gbk.len()].copy_from_slice(&gbk);
            at += i + gbk.len();
            replaced += 1;
        }
        assert_eq!(replaced, 2);
        assert!(std::str::from_utf8(&gbk).is_err());
        let doc = read_ofd(&bytes).unwrap();
        assert_eq!(texts(&doc), vec!["中文目录"]);
    }

    #[test]
    fn text_codes_become_positioned_runs() {
        let obj = format!(
            "{}{}",
            line(30.0, 50.0, "第一行文字"),
            // Boundary origin + X/Y, CTM scaling points to mm: "第二行" at (30, 60).
            r#"<ofd:TextObject ID="3" Boundary="20 50 100 10" CTM="0.5 0 0 0.5 0 0" Size="10"><ofd:TextCode X="20" Y="20" DeltaX="10 10">第二行</ofd:TextCode></ofd:TextObject>"#
        );
        let mut chars = 0;
        let page = read_page(content(&obj).as_bytes(), "p", Area::default(), &mut chars).unwrap();
        assert_eq!(page.runs.len(), 2);
        let second = &page.runs[1];
        assert_eq!(second.text, "第二行");
        assert!(
            (second.x - 30.0).abs() < 1e-3 && (second.y - 60.0).abs() < 1e-3,
            "{second:?}"
        );
        assert!((second.size - 5.0).abs() < 1e-3);
        assert!((second.width - 15.0).abs() < 1e-3, "{second:?}");
        assert_eq!(chars, 8);
    }

    #[test]
    fn one_text_code_per_char_makes_one_run() {
        // Each char its own TextCode with its own X, 5.5 mm apart (Latin ones too, on a
        // 公文 grid), a space among them: one run, as wide as drawn.
        let codes: String = "会员QQ 群"
            .chars()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    r#"<ofd:TextCode X="{}" Y="5">{c}</ofd:TextCode>"#,
                    i as f32 * 5.5
                )
            })
            .collect();
        let obj = format!(
            r#"<ofd:TextObject ID="3" Boundary="30 40 100 7" Size="5.6">{codes}</ofd:TextObject>"#
        );
        let mut chars = 0;
        let page = read_page(content(&obj).as_bytes(), "p", Area::default(), &mut chars).unwrap();
        assert_eq!(page.runs.len(), 1, "{:?}", page.runs);
        assert_eq!(page.runs[0].text, "会员QQ 群");
        assert!(
            (page.runs[0].width - (5.0 * 5.5 + 5.6)).abs() < 1e-3,
            "{:?}",
            page.runs
        );
    }

    #[test]
    fn delta_y_and_jumps_back_split_a_code_into_lines() {
        // Three chars per line, then back to the start of the next line (1.ofd's style).
        let obj = r#"<ofd:TextObject ID="3" Boundary="0 0 100 100" Size="4"><ofd:TextCode X="10" Y="10" DeltaX="4 4 -8 4 4" DeltaY="0 0 6 0 0">甲乙丙丁戊己</ofd:TextCode></ofd:TextObject>"#;
        let mut chars = 0;
        let page = read_page(content(obj).as_bytes(), "p", Area::default(), &mut chars).unwrap();
        let runs: Vec<(&str, f32, f32)> = page
            .runs
            .iter()
            .map(|r| (r.text.as_str(), r.x, r.y))
            .collect();
        assert_eq!(runs, vec![("甲乙丙", 10.0, 10.0), ("丁戊己", 10.0, 16.0)]);
    }

    #[test]
    fn cg_transform_maps_chars_to_glyph_positions() {
        // "ﬁ" drawn from two chars "fi" as one glyph: the next char is at the 2nd position.
        let obj = r#"<ofd:TextObject ID="3" Boundary="0 0 100 10" Size="4"><ofd:CGTransform CodePosition="0" CodeCount="2" GlyphCount="1"><ofd:Glyphs>7</ofd:Glyphs></ofd:CGTransform><ofd:TextCode X="10" Y="5" DeltaX="30 2">fix</ofd:TextCode></ofd:TextObject>"#;
        let mut chars = 0;
        let page = read_page(content(obj).as_bytes(), "p", Area::default(), &mut chars).unwrap();
        let runs: Vec<(&str, f32)> = page.runs.iter().map(|r| (r.text.as_str(), r.x)).collect();
        // "fi" at 10, then "x" 30 further on: a wide jump makes it a run of its own.
        assert_eq!(runs, vec![("fi", 10.0), ("x", 40.0)]);
        // A hostile glyph count adds a bounded number of empty positions.
        let obj = r#"<ofd:TextObject ID="3" Boundary="0 0 100 10" Size="4"><ofd:CGTransform CodePosition="0" CodeCount="1" GlyphCount="4000000000"/><ofd:TextCode X="10" Y="5">甲乙</ofd:TextCode></ofd:TextObject>"#;
        let page = read_page(content(obj).as_bytes(), "p", Area::default(), &mut chars).unwrap();
        let text: String = page.runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "甲乙");
    }

    #[test]
    fn background_layers_templates_and_annotations_are_not_text() {
        let page = format!(
            r#"<ofd:Page {NS}><ofd:Template TemplateID="9" ZOrder="Background"/><ofd:Content><ofd:Layer ID="1" Type="Background">{}</ofd:Layer><ofd:Layer ID="2"><ofd:PageBlock ID="5"><ofd:PageBlock ID="6">{}</ofd:PageBlock></ofd:PageBlock></ofd:Layer></ofd:Content></ofd:Page>"#,
            line(30.0, 40.0, "背景文字"),
            line(30.0, 50.0, "正文文字")
        );
        let bytes = zip_of(&[
            ("OFD.xml", &ofd_xml("Doc_0/Document.xml", "")),
            (
                "Doc_0/Document.xml",
                &document_xml(
                    &["Pages/Page_0/Content.xml"],
                    "<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>",
                )
                .replace(
                    "<ofd:PageArea>",
                    r#"<ofd:TemplatePage ID="9" BaseLoc="Tpls/Tpl_0/Content.xml"/><ofd:PageArea>"#,
                ),
            ),
            ("Doc_0/Pages/Page_0/Content.xml", &page),
            (
                "Doc_0/Tpls/Tpl_0/Content.xml",
                &content(&line(30.0, 60.0, "模板文字")),
            ),
            (
                "Doc_0/Annots/Annotations.xml",
                &content(&line(30.0, 70.0, "批注文字")),
            ),
            ("Doc_0/Signs/Signatures.xml", "not even xml <<"),
        ]);
        let doc = read_ofd(&bytes).unwrap();
        assert_eq!(texts(&doc), vec!["正文文字"]);
    }

    #[test]
    fn outline_entries_become_heading_hints_and_doc_title_a_title_hint() {
        let objects = format!(
            "{}{}{}",
            line(70.0, 40.0, "关于做好工作的通知"),
            line(40.0, 60.0, "一、总体要求"),
            line(30.0, 70.0, "正文内容。")
        );
        let outline = r#"<ofd:Outlines><ofd:OutlineElem Title="一、总体要求"><ofd:Actions><ofd:Action Event="CLICK"><ofd:Goto><ofd:Dest Type="XYZ" PageID="10"/></ofd:Goto></ofd:Action></ofd:Actions><ofd:OutlineElem Title="不在正文里"/></ofd:OutlineElem></ofd:Outlines>"#;
        let bytes = zip_of(&[
            (
                "OFD.xml",
                &ofd_xml("Doc_0/Document.xml", "关于做好工作的通知"),
            ),
            (
                "Doc_0/Document.xml",
                &document_xml(&["Pages/Page_0/Content.xml"], outline),
            ),
            ("Doc_0/Pages/Page_0/Content.xml", &content(&objects)),
        ]);
        let doc = read_ofd(&bytes).unwrap();
        let hints: Vec<(&str, LineHint)> = doc
            .lines
            .iter()
            .map(|l| (doc.line_text(l), l.hint))
            .collect();
        assert_eq!(
            hints,
            vec![
                ("关于做好工作的通知", LineHint::Title),
                ("一、总体要求", LineHint::Heading(1)),
                ("正文内容。", LineHint::None)
            ]
        );
    }

    #[test]
    fn bad_packages_get_one_clear_error_each() {
        let err = |bytes: Vec<u8>| read_ofd(&bytes).unwrap_err();
        assert!(matches!(err(b"not a zip".to_vec()), OfdError::NotZip));
        assert!(matches!(err(zip_of(&[("a.txt", "x")])), OfdError::NotOfd));
        let e = err(zip_of(&[("OFD.xml", &ofd_xml("Doc_0/Document.xml", ""))]));
        assert!(
            matches!(&e, OfdError::Missing(p) if p.contains("Doc_0/Document.xml")),
            "{e}"
        );
        let e = err(zip_of(&[("OFD.xml", "<ofd:OFD/>")]));
        assert!(
            matches!(&e, OfdError::Missing(p) if p.contains("DocRoot")),
            "{e}"
        );
        let e = err(zip_of(&[
            ("OFD.xml", &ofd_xml("Doc_0/Document.xml", "")),
            (
                "Doc_0/Document.xml",
                &document_xml(
                    &["Pages/Page_0/Content.xml", "Pages/Page_1/Content.xml"],
                    "",
                ),
            ),
            (
                "Doc_0/Pages/Page_0/Content.xml",
                &content(&line(30.0, 50.0, "字")),
            ),
        ]));
        assert!(
            matches!(&e, OfdError::Missing(p) if p.contains("page 2")),
            "{e}"
        );
        assert!(e.to_string().contains("page 2"), "{e}");
        let e = err(zip_of(&[
            ("OFD.xml", &ofd_xml("Doc_0/Document.xml", "")),
            ("Doc_0/Document.xml", "<ofd:Document><ofd:Pages>"),
        ]));
        assert!(
            matches!(&e, OfdError::Malformed { part, .. } if part.contains("Document.xml")),
            "{e}"
        );
        let e = err(zip_of(&[("OFD.xml", "<a><b></a>")]));
        assert!(matches!(&e, OfdError::Malformed { .. }), "{e}");
        // A cut zip.
        let good = one_page(&line(30.0, 50.0, "字"));
        let e = err(good[..good.len() / 2].to_vec());
        assert!(matches!(&e, OfdError::Damaged(_)), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let deep = format!(
            "{}{}",
            "<ofd:PageBlock>".repeat(100_000),
            "</ofd:PageBlock>".repeat(100_000)
        );
        let start = std::time::Instant::now();
        let e = read_ofd(&one_page(&deep)).unwrap_err();
        assert!(
            matches!(&e, OfdError::Malformed { detail, .. } if detail.contains("nested")),
            "{e}"
        );
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn a_zip_bomb_is_refused() {
        // 300 MB of spaces inside one page: inflates past the limit, refused while inflating.
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        out.start_file("OFD.xml", options).unwrap();
        out.write_all(ofd_xml("Doc_0/Document.xml", "").as_bytes())
            .unwrap();
        out.start_file("Doc_0/Document.xml", options).unwrap();
        out.write_all(document_xml(&["Pages/Page_0/Content.xml"], "").as_bytes())
            .unwrap();
        out.start_file("Doc_0/Pages/Page_0/Content.xml", options)
            .unwrap();
        let block = vec![b' '; 1 << 20];
        for _ in 0..70 {
            out.write_all(&block).unwrap();
        }
        let bytes = out.finish().unwrap().into_inner();
        assert!(bytes.len() < 1 << 20);
        let e = read_ofd(&bytes).unwrap_err();
        assert!(matches!(e, OfdError::TooLarge { limit_mb: 64, .. }), "{e}");
        assert!(
            e.to_string()
                .contains("one of its parts unpacks to more than 64 MB"),
            "{e}"
        );
    }

    #[test]
    fn no_text_and_scans_are_said_so() {
        let e = read_ofd(&one_page("")).unwrap_err();
        assert!(matches!(e, OfdError::NoText { pages: 1 }), "{e}");
        let image = r#"<ofd:ImageObject ID="4" CTM="210 0 0 297 0 0" Boundary="0 0 210 297" ResourceID="3"/>"#;
        let e = read_ofd(&one_page(image)).unwrap_err();
        assert!(matches!(e, OfdError::ScannedOnly { pages: 1 }), "{e}");
        assert!(e.to_string().contains("scanned image"), "{e}");
        // Some pages scanned, some text: the document opens with a notice.
        let bytes = zip_of(&[
            ("OFD.xml", &ofd_xml("Doc_0/Document.xml", "")),
            (
                "Doc_0/Document.xml",
                &document_xml(&["P0.xml", "P1.xml"], ""),
            ),
            ("Doc_0/P0.xml", &content(&line(30.0, 50.0, "正文"))),
            ("Doc_0/P1.xml", &content(image)),
        ]);
        let doc = read_ofd(&bytes).unwrap();
        assert_eq!(
            doc.notices,
            vec![crate::document::FormatNotice::ScannedPages {
                pages: vec![2],
                total: 2
            }]
        );
    }
}
