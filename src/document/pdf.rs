//! PDF with a text layer → [`Document`]: the text each page draws, with its position and
//! size, handed to [`layout::reflow`] to become the paragraphs a person reads.
//!
//! `lopdf` parses the file (cross-reference tables and streams, object streams, repair of a
//! damaged or cut-off cross-reference table, decryption with the empty password, filters
//! with a bound on decompressed size). This module walks the page tree and interprets the
//! content streams itself: a small lexer (lopdf's content parser is ten times slower) and
//! the text operators (`Tf Td TD Tm T* Tj TJ ' "`, `cm q Q`, form XObjects, `BDC
//! /ActualText`), so that every string shown becomes a [`layout::Run`] with its position,
//! advance width and font size. Codes become text through the font's `ToUnicode` map, its
//! simple encoding, or — for CID fonts without `ToUnicode`, common in 公文 PDFs — through
//! the predefined Adobe CMaps (`GBK-EUC-H`, `GB-EUC-H`, `UniGB-UCS2-H`, `UniGB-UTF16-H`, and
//! the Adobe-GB1 CID → Unicode table) that the `hayro-cmap` crate carries.
//!
//! Hostile files are bounded: pages, operations, decoded content bytes, form nesting,
//! graphics-state depth, outline items and every object walk (cycles are detected).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use hayro_cmap::{BfString, CMap, CMapName, CidFamily};
use lopdf::{Dictionary, Object, ObjectId};

use super::layout::{self, Bookmark, Page, Run};
use super::{Document, SourceFormat};

/// Pages read at most; a longer document is read up to here.
pub const MAX_PDF_PAGES: usize = 10_000;
/// Objects a PDF may hold (counted before parsing: `endobj`s plus the `/N` of each object
/// stream). lopdf keeps every object in memory, about 0.8 KB each at worst, so this bounds
/// memory to a few hundred MB; real documents of thousands of pages hold far fewer.
pub const MAX_PDF_OBJECTS: usize = 500_000;
/// Largest single decoded stream (page content, form, CMap).
const MAX_STREAM_BYTES: usize = 64 << 20;
/// Content bytes decoded over the whole document.
const MAX_TOTAL_CONTENT_BYTES: usize = 512 << 20;
/// Content-stream operations interpreted over the whole document.
const MAX_OPERATIONS: usize = 50_000_000;
/// Nesting of form XObjects.
const MAX_FORM_DEPTH: usize = 12;
/// Graphics-state (`q`) and marked-content depth kept; deeper levels are counted only.
const MAX_STATE_DEPTH: usize = 256;
/// Depth of the page tree.
const MAX_TREE_DEPTH: usize = 64;
/// Outline items read at most.
const MAX_OUTLINE_ITEMS: usize = 20_000;
/// Entries of a CID font's `/W` array read at most.
const MAX_WIDTH_ENTRIES: usize = 100_000;
/// Nodes of the named-destination tree visited per lookup.
const MAX_NAME_TREE_NODES: usize = 10_000;

/// Whether the bytes are a PDF: `%PDF-` within the first kilobyte (producers may put junk
/// before it).
pub(super) fn is_pdf(head: &[u8]) -> bool {
    memchr::memmem::find(&head[..head.len().min(1024)], b"%PDF-").is_some()
}

/// Why a PDF could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// Named `.pdf` but without a PDF header.
    #[error(
        "this file is named .pdf but is not a PDF (it has no PDF header); it may be damaged or another kind of file renamed, so open the original document instead"
    )]
    NotPdf,
    /// lopdf could not read the file's structure, even by rebuilding its cross-references.
    #[error(
        "this PDF is damaged and Pizhu cannot read its pages ({detail}); open the original file again or ask the sender for a new copy"
    )]
    Damaged {
        /// What the parser said.
        detail: String,
    },
    /// The file opens only with a password.
    #[error(
        "this PDF is protected with a password, so Pizhu cannot read it; open it in a PDF reader with the password, save or print a copy without it, and open that copy"
    )]
    PasswordProtected,
    /// More objects than [`MAX_PDF_OBJECTS`].
    #[error(
        "this PDF is built from more than {limit} objects, more than Pizhu reads; it may be damaged or made to overload readers, so print it to a new PDF from a PDF reader, or split it, and open that"
    )]
    TooManyObjects {
        /// The limit.
        limit: usize,
    },
    /// Every page is an image: a scan with no text layer.
    #[error(
        "this PDF is a scan: its {pages} page(s) are images with no text, so there is nothing to read; run OCR on it (for example in WPS, Acrobat or ocrmypdf) and open the result"
    )]
    ScanOnly {
        /// How many pages the document has.
        pages: usize,
    },
    /// Pages, but no text and no images (or text drawn as outlines).
    #[error(
        "this PDF has no text Pizhu can read (its pages are empty, or its text is drawn as shapes); open the document it was made from, or run OCR on it"
    )]
    NoText,
}

/// Read a PDF into a [`Document`]: paragraphs from the pages' text, a
/// [`FormatNotice::ScannedPages`] for pages that are only images.
pub fn read_pdf(bytes: &[u8]) -> Result<Document, PdfError> {
    let pdf = load(bytes)?;
    let extracted = extract(&pdf);
    let total = extracted.pages.len();
    let reflowed = layout::reflow(&extracted.pages, &extracted.bookmarks);
    let has_text = reflowed
        .paragraphs
        .iter()
        .any(|p| !p.text.trim().is_empty());
    if !has_text {
        let images: usize = extracted.pages.iter().map(|p| p.images).sum();
        return Err(if images > 0 {
            PdfError::ScanOnly { pages: total }
        } else {
            PdfError::NoText
        });
    }
    let scanned = reflowed.scanned_notice(total);
    let mut doc = Document::from_paragraphs(reflowed.paragraphs);
    doc.format = SourceFormat::Pdf;
    doc.encoding = "PDF".to_owned();
    doc.notices.extend(scanned);
    Ok(doc)
}

/// Parse the file; a damaged cross-reference table is rebuilt by lopdf (lenient loading).
fn load(bytes: &[u8]) -> Result<lopdf::Document, PdfError> {
    if count_objects(bytes) > MAX_PDF_OBJECTS {
        return Err(PdfError::TooManyObjects {
            limit: MAX_PDF_OBJECTS,
        });
    }
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..Default::default()
    };
    let pdf = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::InvalidPassword => PdfError::PasswordProtected,
        e => PdfError::Damaged {
            detail: e.to_string(),
        },
    })?;
    // lopdf tries the empty user password itself; still encrypted means a password is needed.
    if pdf.is_encrypted() && pdf.encryption_state.is_none() {
        return Err(PdfError::PasswordProtected);
    }
    Ok(pdf)
}

/// How many objects lopdf would load: every `endobj`, plus what each object stream's `/N`
/// declares (its objects are parsed from that count, whatever the stream holds).
fn count_objects(bytes: &[u8]) -> usize {
    let direct = memchr::memmem::find_iter(bytes, b"endobj").count();
    let mut packed = 0usize;
    for at in memchr::memmem::find_iter(bytes, b"/ObjStm") {
        // The stream's dictionary: from its `<<` (within 1 KB before) to the next `stream`.
        let from = at.saturating_sub(1024);
        let start = memchr::memmem::rfind(&bytes[from..at], b"<<").map_or(at, |i| from + i);
        let window = &bytes[start..(at + 1024).min(bytes.len())];
        let end = memchr::memmem::find(window, b"stream").unwrap_or(window.len());
        let dict = &window[..end];
        let declared = memchr::memmem::find_iter(dict, b"/N").find_map(|i| {
            let rest = &dict[i + 2..];
            let digits: Vec<u8> = rest
                .iter()
                .skip_while(|b| b.is_ascii_whitespace())
                .take_while(|b| b.is_ascii_digit())
                .copied()
                .collect();
            // `/N` itself, not `/Name`: white space or a digit follows.
            let is_n = rest
                .first()
                .is_some_and(|b| b.is_ascii_whitespace() || b.is_ascii_digit());
            is_n.then(|| std::str::from_utf8(&digits).ok()?.parse::<usize>().ok())
                .flatten()
        });
        packed = packed.saturating_add(declared.unwrap_or(0));
    }
    direct.saturating_add(packed)
}

// ---------------------------------------------------------------------------------------
// Extraction: pages → runs

/// What [`extract`] read: the pages' runs and the outline.
struct Extracted {
    pages: Vec<Page>,
    bookmarks: Vec<Bookmark>,
}

/// Every page's runs and images, and the outline.
fn extract(pdf: &lopdf::Document) -> Extracted {
    let nodes = page_nodes(pdf);
    let mut fonts = FontCache::default();
    let mut budget = Budget {
        ops: MAX_OPERATIONS,
        content_bytes: MAX_TOTAL_CONTENT_BYTES,
        exhausted: false,
    };
    let mut pages = Vec::with_capacity(nodes.len());
    for node in &nodes {
        let mut walk = PageWalk {
            pdf,
            fonts: &mut fonts,
            budget: &mut budget,
            bbox: node.bbox,
            runs: Vec::new(),
            images: 0,
            forms: Vec::new(),
            marked: Vec::new(),
        };
        if !walk.budget.exhausted {
            let data = page_content(pdf, node.dict);
            if walk.charge(data.len()) {
                walk.run_content(&data, node.resources, IDENTITY);
            }
        }
        let (runs, images) = (walk.runs, walk.images);
        pages.push(Page {
            width: node.bbox[2] - node.bbox[0],
            height: node.bbox[3] - node.bbox[1],
            runs,
            images,
        });
    }
    let index: HashMap<ObjectId, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let bookmarks = outline(pdf, &index);
    Extracted { pages, bookmarks }
}

/// A page of the tree with what it inherits from its ancestors.
struct PageNode<'a> {
    id: ObjectId,
    dict: &'a Dictionary,
    resources: Option<&'a Dictionary>,
    /// Crop box (else media box): `[x0, y0, x1, y1]`.
    bbox: [f32; 4],
}

/// The pages in order, each once: a cyclic or self-referencing tree, a huge `/Count` or
/// `/Kids` and deep nesting stay bounded (the tree's own `/Count` is never trusted).
fn page_nodes(pdf: &lopdf::Document) -> Vec<PageNode<'_>> {
    let mut out = Vec::new();
    let Some(root) = pdf
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|o| o.as_reference().ok())
    else {
        return out;
    };
    const LETTER: [f32; 4] = [0.0, 0.0, 612.0, 792.0];
    let mut seen: HashSet<ObjectId> = HashSet::new();
    /// A tree node to visit: its id, what it inherits (resources, box), its depth.
    type Pending<'a> = (ObjectId, Option<&'a Dictionary>, Option<[f32; 4]>, usize);
    let mut stack: Vec<Pending<'_>> = vec![(root, None, None, 0)];
    while let Some((id, resources, bbox, depth)) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Ok(dict) = pdf.get_dictionary(id) else {
            continue;
        };
        let resources = get_dict(pdf, dict, b"Resources").or(resources);
        let bbox = get(pdf, dict, b"CropBox")
            .and_then(|o| rect(pdf, o))
            .or_else(|| get(pdf, dict, b"MediaBox").and_then(|o| rect(pdf, o)))
            .or(bbox);
        let kids = match get(pdf, dict, b"Kids") {
            Some(Object::Array(k)) => Some(k),
            _ => None,
        };
        if get_name(pdf, dict, b"Type") == Some(b"Page") || kids.is_none() {
            if out.len() >= MAX_PDF_PAGES {
                break;
            }
            out.push(PageNode {
                id,
                dict,
                resources,
                bbox: bbox.unwrap_or(LETTER),
            });
            continue;
        }
        if depth >= MAX_TREE_DEPTH {
            continue;
        }
        for kid in kids.into_iter().flatten().rev() {
            if let Object::Reference(kid) = kid
                && !seen.contains(kid)
            {
                // Never more entries than objects in the file (a page listed a million
                // times is read once).
                if stack.len() > pdf.objects.len() {
                    break;
                }
                stack.push((*kid, resources, bbox, depth + 1));
            }
        }
    }
    out
}

/// A page's content streams, decoded and joined.
fn page_content(pdf: &lopdf::Document, page: &Dictionary) -> Vec<u8> {
    let streams: Vec<&Object> = match get(pdf, page, b"Contents") {
        Some(Object::Array(a)) => a.iter().collect(),
        Some(o @ Object::Stream(_)) => vec![o],
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for o in streams {
        if let Object::Stream(s) = deref(pdf, o)
            && let Some(data) = stream_data(s)
        {
            out.extend_from_slice(&data);
            out.push(b'\n');
        }
        if out.len() > MAX_STREAM_BYTES {
            break;
        }
    }
    out
}

/// A stream's decoded bytes (bounded), or its raw bytes when it has no filter.
fn stream_data(s: &lopdf::Stream) -> Option<Vec<u8>> {
    if s.dict.get(b"Filter").is_err() {
        return (s.content.len() <= MAX_STREAM_BYTES).then(|| s.content.clone());
    }
    s.decompressed_content_with_limit(MAX_STREAM_BYTES).ok()
}

// ---------------------------------------------------------------------------------------
// Objects

/// Follow references (a few steps: a chain that long is a cycle).
fn deref<'a>(pdf: &'a lopdf::Document, mut o: &'a Object) -> &'a Object {
    for _ in 0..8 {
        match o {
            Object::Reference(id) => match pdf.get_object(*id) {
                Ok(next) => o = next,
                Err(_) => return &Object::Null,
            },
            _ => return o,
        }
    }
    &Object::Null
}

/// `d[key]`, dereferenced.
fn get<'a>(pdf: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| deref(pdf, o))
}

/// `d[key]` as a dictionary (a stream's dictionary too).
fn get_dict<'a>(pdf: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match get(pdf, d, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// `d[key]` as a name.
fn get_name<'a>(pdf: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(pdf, d, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

/// A number object.
fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// A rectangle `[x0 y0 x1 y1]`, normalised; `None` when degenerate.
fn rect(pdf: &lopdf::Document, o: &Object) -> Option<[f32; 4]> {
    let Object::Array(a) = o else {
        return None;
    };
    let v: Vec<f32> = a.iter().filter_map(|o| num(deref(pdf, o))).collect();
    let [a0, a1, a2, a3] = v[..] else {
        return None;
    };
    let r = [a0.min(a2), a1.min(a3), a0.max(a2), a1.max(a3)];
    (r[2] - r[0] > 1.0 && r[3] - r[1] > 1.0 && r.iter().all(|v| v.abs() < 1e6)).then_some(r)
}

/// A PDF text string: UTF-16BE or UTF-8 with a byte-order mark, else PDFDocEncoding
/// (read as Latin-1, which it equals for the letters that matter here).
fn text_string(s: &[u8]) -> String {
    if let Some(rest) = s.strip_prefix(b"\xFE\xFF") {
        let units = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]));
        return char::decode_utf16(units)
            .map(|c| c.unwrap_or('\u{FFFD}'))
            .collect();
    }
    if let Some(rest) = s.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    s.iter().map(|&b| char::from(b)).collect()
}

// ---------------------------------------------------------------------------------------
// Outline

/// The document's outline with each item's page; cycles, depth and size bounded.
fn outline(pdf: &lopdf::Document, index: &HashMap<ObjectId, usize>) -> Vec<Bookmark> {
    let mut out = Vec::new();
    let Some(root) = pdf
        .catalog()
        .ok()
        .and_then(|c| get_dict(pdf, c, b"Outlines"))
    else {
        return out;
    };
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut stack: Vec<(ObjectId, u8)> = Vec::new();
    if let Ok(Object::Reference(first)) = root.get(b"First") {
        stack.push((*first, 1));
    }
    let mut visited = 0;
    while let Some((id, level)) = stack.pop() {
        visited += 1;
        if visited > MAX_OUTLINE_ITEMS {
            break;
        }
        if !seen.insert(id) {
            continue;
        }
        let Ok(item) = pdf.get_dictionary(id) else {
            continue;
        };
        // The next sibling waits under the children.
        if let Ok(Object::Reference(next)) = item.get(b"Next") {
            stack.push((*next, level));
        }
        if let Ok(Object::Reference(first)) = item.get(b"First")
            && level < 32
        {
            stack.push((*first, level + 1));
        }
        let title = match get(pdf, item, b"Title") {
            Some(Object::String(s, _)) => text_string(s),
            _ => continue,
        };
        let dest = get(pdf, item, b"Dest").or_else(|| {
            let action = get_dict(pdf, item, b"A")?;
            (get_name(pdf, action, b"S") == Some(b"GoTo"))
                .then(|| get(pdf, action, b"D"))
                .flatten()
        });
        let title = title.trim();
        if let Some(page) = dest.and_then(|d| dest_page(pdf, d, index, 0))
            && !title.is_empty()
        {
            out.push(Bookmark {
                title: title.to_owned(),
                level,
                page,
            });
        }
    }
    out
}

/// The page a destination points to.
fn dest_page(
    pdf: &lopdf::Document,
    dest: &Object,
    index: &HashMap<ObjectId, usize>,
    depth: usize,
) -> Option<usize> {
    if depth > 4 {
        return None;
    }
    match dest {
        Object::Array(a) => match a.first()? {
            Object::Reference(id) => index.get(id).copied(),
            Object::Integer(i) => usize::try_from(*i).ok().filter(|&i| i < index.len()),
            _ => None,
        },
        Object::Dictionary(d) => {
            get(pdf, d, b"D").and_then(|d| dest_page(pdf, d, index, depth + 1))
        }
        Object::String(name, _) | Object::Name(name) => {
            dest_page(pdf, named_dest(pdf, name)?, index, depth + 1)
        }
        _ => None,
    }
}

/// A named destination, from the catalog's `/Dests` or its `/Names` tree.
fn named_dest<'a>(pdf: &'a lopdf::Document, name: &[u8]) -> Option<&'a Object> {
    let catalog = pdf.catalog().ok()?;
    if let Some(dests) = get_dict(pdf, catalog, b"Dests")
        && let Some(o) = get(pdf, dests, name)
    {
        return Some(o);
    }
    let tree = get_dict(pdf, catalog, b"Names").and_then(|n| get_dict(pdf, n, b"Dests"))?;
    let mut stack = vec![tree];
    let mut visits = 0;
    while let Some(node) = stack.pop() {
        visits += 1;
        if visits > MAX_NAME_TREE_NODES {
            return None;
        }
        if let Some(Object::Array(names)) = get(pdf, node, b"Names") {
            for pair in names.chunks(2) {
                if let [Object::String(k, _), v] = pair
                    && k.as_slice() == name
                {
                    return Some(deref(pdf, v));
                }
            }
        }
        if let Some(Object::Array(kids)) = get(pdf, node, b"Kids") {
            for k in kids {
                if let Object::Dictionary(d) = deref(pdf, k) {
                    stack.push(d);
                }
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Fonts: codes → text and advance widths

/// How a font's string bytes split into codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Codespace {
    /// One byte per code (simple fonts).
    One,
    /// Two bytes per code (Identity-H, UCS-2, most embedded CMaps).
    Two,
    /// EUC-style: a byte below 0x80 alone, any other starts a two-byte code (GB-EUC, GBK-EUC…).
    Euc,
    /// UTF-16: two bytes, four for a surrogate pair.
    Utf16,
}

/// What a font needs to turn its codes into text and advances.
struct Font {
    codespace: Codespace,
    /// Simple fonts: the text of each of the 256 codes (`ToUnicode` first, then the
    /// encoding); empty when unknown.
    simple: Vec<String>,
    /// Composite fonts: the font's own `ToUnicode` map.
    to_unicode: Option<CMap>,
    /// Composite fonts: code → CID (`None`: identity).
    encoding: Option<Rc<CMap>>,
    /// Composite fonts whose codes are Unicode themselves (`UniGB-UCS2-H`, `UniGB-UTF16-H`…).
    code_is_unicode: bool,
    /// Composite fonts: CID → Unicode of the character collection (Adobe-GB1 …).
    cid_unicode: Option<Rc<CMap>>,
    /// Simple fonts: the advance of each code per unit of font size.
    widths: Vec<f32>,
    /// Composite fonts: CID → advance per unit of font size.
    cid_widths: HashMap<u32, f32>,
    /// Advance of a code with no width given.
    default_width: f32,
    /// Tf's size × this = the em height (Type 3 fonts' FontMatrix; 1 otherwise).
    size_scale: f32,
}

impl Font {
    /// The codes of `bytes` with their length in bytes.
    fn codes<'b>(&self, bytes: &'b [u8]) -> impl Iterator<Item = (u32, usize)> + 'b {
        let codespace = self.codespace;
        let mut i = 0;
        std::iter::from_fn(move || {
            let &b0 = bytes.get(i)?;
            let len = match codespace {
                Codespace::One => 1,
                Codespace::Two => 2,
                Codespace::Euc if b0 < 0x80 => 1,
                Codespace::Euc => 2,
                Codespace::Utf16 if (0xD8..0xDC).contains(&b0) => 4,
                Codespace::Utf16 => 2,
            };
            let end = (i + len).min(bytes.len());
            let code = bytes[i..end]
                .iter()
                .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
            let n = end - i;
            i = end;
            Some((code, n))
        })
    }

    /// The CID of a composite font's code.
    fn cid(&self, code: u32, len: usize) -> u32 {
        match &self.encoding {
            Some(c) => c.lookup_cid_code(code, len as u8).unwrap_or(0),
            None => code,
        }
    }

    /// Append the text of `code` (U+FFFD when the font does not say).
    fn push_text(&self, code: u32, len: usize, out: &mut String) {
        if self.codespace == Codespace::One {
            match self.simple.get(code as usize) {
                Some(s) if !s.is_empty() => out.push_str(s),
                _ => out.push('\u{FFFD}'),
            }
            return;
        }
        if let Some(s) = self
            .to_unicode
            .as_ref()
            .and_then(|m| m.lookup_bf_string(code))
        {
            push_bf(s, out);
        } else if self.code_is_unicode {
            let units = if len == 4 {
                vec![(code >> 16) as u16, code as u16]
            } else {
                vec![code as u16]
            };
            out.extend(char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')));
        } else if let Some(s) = self
            .cid_unicode
            .as_ref()
            .and_then(|m| m.lookup_bf_string(self.cid(code, len)))
        {
            push_bf(s, out);
        } else {
            out.push('\u{FFFD}');
        }
    }

    /// The advance of `code` per unit of font size.
    fn width(&self, code: u32, len: usize) -> f32 {
        if self.codespace == Codespace::One {
            return self
                .widths
                .get(code as usize)
                .copied()
                .unwrap_or(self.default_width);
        }
        self.cid_widths
            .get(&self.cid(code, len))
            .copied()
            .unwrap_or(self.default_width)
    }
}

/// Kangxi radicals (U+2F00–U+2FD5), which some producers' `ToUnicode` maps give for the
/// ideographs they look like, as those ideographs (their compatibility decomposition):
/// `⼀⼈` → `一人`, so that find and the outline see the real text.
fn unify_radicals(text: &mut String) {
    let is_radical = |c: char| ('\u{2F00}'..='\u{2FD5}').contains(&c);
    if !text.chars().any(is_radical) {
        return;
    }
    *text = text
        .chars()
        .map(|c| {
            let mut unified = c;
            if is_radical(c) {
                unicode_normalization::char::decompose_compatible(c, |d| unified = d);
            }
            unified
        })
        .collect();
}

/// Append a CMap's Unicode value.
fn push_bf(s: BfString, out: &mut String) {
    match s {
        BfString::Char(c) => out.push(c),
        BfString::String(s) => out.push_str(&s),
    }
}

/// The predefined CMaps `hayro-cmap` carries (Adobe's cmap-resources, BSD-3-Clause).
fn embedded_cmap(name: CMapName<'_>) -> Option<&'static [u8]> {
    hayro_cmap::load_embedded(name)
}

/// Parse a CMap stream (`ToUnicode` or an embedded encoding).
fn parse_cmap(o: Option<&Object>) -> Option<CMap> {
    match o? {
        Object::Stream(s) => CMap::parse(&stream_data(s)?, embedded_cmap),
        _ => None,
    }
}

/// Which predefined CMap names are read as EUC (one byte below 0x80, else two).
fn is_euc_cmap(name: &[u8]) -> bool {
    let has = |needle: &[u8]| name.windows(needle.len()).any(|w| w == needle);
    has(b"EUC")
        || has(b"RKSJ")
        || name.starts_with(b"GBK")
        || name.starts_with(b"B5")
        || name.starts_with(b"ETen")
        || name.starts_with(b"HKscs")
        || name.starts_with(b"KSCms")
}

/// The document's fonts and predefined CMaps, each read once.
#[derive(Default)]
struct FontCache {
    fonts: HashMap<ObjectId, Rc<Font>>,
    predefined: HashMap<Vec<u8>, Option<Rc<CMap>>>,
}

impl FontCache {
    /// A predefined CMap by name.
    fn predefined(&mut self, name: &[u8]) -> Option<Rc<CMap>> {
        if let Some(c) = self.predefined.get(name) {
            return c.clone();
        }
        let cmap = embedded_cmap(CMapName::from_bytes(name))
            .and_then(|data| CMap::parse(data, embedded_cmap))
            .map(Rc::new);
        self.predefined.insert(name.to_vec(), cmap.clone());
        cmap
    }

    /// The font a resource entry names.
    fn font(&mut self, pdf: &lopdf::Document, o: &Object) -> Option<Rc<Font>> {
        let id = o.as_reference().ok();
        if let Some(f) = id.and_then(|id| self.fonts.get(&id)) {
            return Some(f.clone());
        }
        let Object::Dictionary(d) = deref(pdf, o) else {
            return None;
        };
        let font = Rc::new(self.build(pdf, d));
        if let Some(id) = id {
            self.fonts.insert(id, font.clone());
        }
        Some(font)
    }

    fn build(&mut self, pdf: &lopdf::Document, d: &Dictionary) -> Font {
        let subtype = get_name(pdf, d, b"Subtype").unwrap_or(b"");
        let to_unicode = parse_cmap(get(pdf, d, b"ToUnicode"));
        if subtype == b"Type0" {
            return self.build_type0(pdf, d, to_unicode);
        }
        // Simple font: each of 256 codes resolved once, ToUnicode before the encoding.
        let encoding = d.get_font_encoding(pdf).ok();
        let simple = (0..=255u8)
            .map(|code| {
                if let Some(s) = to_unicode
                    .as_ref()
                    .and_then(|m| m.lookup_bf_string(u32::from(code)))
                {
                    let mut out = String::new();
                    push_bf(s, &mut out);
                    return out;
                }
                encoding
                    .as_ref()
                    .and_then(|e| e.bytes_to_string(&[code]).ok())
                    .unwrap_or_default()
            })
            .collect();
        // Type 3 glyph space is the font's FontMatrix; others are 1/1000 of text space.
        let (scale, size_scale) = if subtype == b"Type3" {
            let m: Vec<f32> = match get(pdf, d, b"FontMatrix") {
                Some(Object::Array(a)) => a.iter().filter_map(num).collect(),
                _ => Vec::new(),
            };
            let sx = m.first().copied().unwrap_or(0.001);
            let sy = m.get(3).copied().unwrap_or(0.001).abs();
            (sx, (sy * 1000.0).clamp(0.01, 100.0))
        } else {
            (0.001, 1.0)
        };
        let mut widths = vec![0.5; 256];
        let first = get(pdf, d, b"FirstChar").and_then(num).unwrap_or(0.0);
        if let Some(Object::Array(w)) = get(pdf, d, b"Widths")
            && (0.0..256.0).contains(&first)
        {
            for (slot, o) in widths.iter_mut().skip(first as usize).zip(w) {
                if let Some(v) = num(deref(pdf, o)) {
                    *slot = v * scale;
                }
            }
        }
        Font {
            codespace: Codespace::One,
            simple,
            to_unicode: None,
            encoding: None,
            code_is_unicode: false,
            cid_unicode: None,
            widths,
            cid_widths: HashMap::new(),
            default_width: 0.5,
            size_scale,
        }
    }

    fn build_type0(
        &mut self,
        pdf: &lopdf::Document,
        d: &Dictionary,
        to_unicode: Option<CMap>,
    ) -> Font {
        let descendant = match get(pdf, d, b"DescendantFonts") {
            Some(Object::Array(a)) => match a.first().map(|o| deref(pdf, o)) {
                Some(Object::Dictionary(d)) => Some(d),
                _ => None,
            },
            _ => None,
        };
        let mut codespace = Codespace::Two;
        let mut encoding = None;
        let mut code_is_unicode = false;
        match get(pdf, d, b"Encoding") {
            Some(Object::Name(name)) => {
                let is = |needle: &[u8]| name.windows(needle.len()).any(|w| w == needle);
                if name.starts_with(b"Identity") {
                } else if name.starts_with(b"Uni") && is(b"UTF16") {
                    codespace = Codespace::Utf16;
                    code_is_unicode = true;
                } else if name.starts_with(b"Uni") && is(b"UCS2") {
                    code_is_unicode = true;
                } else {
                    if is_euc_cmap(name) {
                        codespace = Codespace::Euc;
                    }
                    encoding = self.predefined(name);
                }
            }
            Some(o @ Object::Stream(_)) => encoding = parse_cmap(Some(o)).map(Rc::new),
            _ => {}
        }
        // Without ToUnicode, the character collection's CID → Unicode table.
        let mut cid_unicode = None;
        if to_unicode.is_none()
            && !code_is_unicode
            && let Some(info) = descendant.and_then(|f| get_dict(pdf, f, b"CIDSystemInfo"))
        {
            let string = |key: &[u8]| match get(pdf, info, key) {
                Some(Object::String(s, _)) => s.clone(),
                _ => Vec::new(),
            };
            let family =
                CidFamily::from_registry_ordering(&string(b"Registry"), &string(b"Ordering"));
            if let Some(name) = family.ucs2_cmap() {
                cid_unicode = self.predefined(name.to_bytes());
            }
        }
        let mut cid_widths = HashMap::new();
        let mut default_width = 1.0;
        if let Some(f) = descendant {
            if let Some(dw) = get(pdf, f, b"DW").and_then(num) {
                default_width = dw * 0.001;
            }
            if let Some(Object::Array(w)) = get(pdf, f, b"W") {
                read_cid_widths(pdf, w, &mut cid_widths);
            }
        }
        Font {
            codespace,
            simple: Vec::new(),
            to_unicode,
            encoding,
            code_is_unicode,
            cid_unicode,
            widths: Vec::new(),
            cid_widths,
            default_width,
            size_scale: 1.0,
        }
    }
}

/// A CID font's `/W`: `c [w1 w2 …]` and `c_first c_last w`, bounded.
fn read_cid_widths(pdf: &lopdf::Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() && out.len() < MAX_WIDTH_ENTRIES {
        let Some(first) = num(deref(pdf, &w[i])) else {
            break;
        };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).map(|o| deref(pdf, o)) {
            Some(Object::Array(ws)) => {
                for (k, o) in ws.iter().enumerate().take(MAX_WIDTH_ENTRIES) {
                    if let Some(v) = num(deref(pdf, o)) {
                        out.insert(first.saturating_add(k as u32), v * 0.001);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = num(o).unwrap_or(0.0).max(0.0) as u32;
                let v = w
                    .get(i + 2)
                    .and_then(|o| num(deref(pdf, o)))
                    .unwrap_or(1000.0);
                let last = last.min(first.saturating_add(MAX_WIDTH_ENTRIES as u32));
                for c in first..=last {
                    if out.len() >= MAX_WIDTH_ENTRIES {
                        break;
                    }
                    out.insert(c, v * 0.001);
                }
                i += 3;
            }
            None => break,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Content streams

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b` (PDF's row-vector convention: p' = p × a × b).
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

/// A translation by `(tx, ty)`, then `m`.
fn translate(tx: f32, ty: f32, m: &Matrix) -> Matrix {
    mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], m)
}

/// The graphics and text state `q` saves.
#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    h_scale: f32,
    leading: f32,
}

/// The work left for the whole document.
struct Budget {
    ops: usize,
    content_bytes: usize,
    exhausted: bool,
}

/// One page being interpreted.
struct PageWalk<'a, 'c> {
    pdf: &'a lopdf::Document,
    fonts: &'c mut FontCache,
    budget: &'c mut Budget,
    /// The page's box: runs are placed relative to its top-left corner.
    bbox: [f32; 4],
    runs: Vec<Run>,
    images: usize,
    /// Form XObjects being interpreted (a form that draws itself is drawn once).
    forms: Vec<ObjectId>,
    /// Open marked-content sequences: each one's `/ActualText`, and whether it was shown.
    marked: Vec<Option<(String, bool)>>,
}

impl<'a> PageWalk<'a, '_> {
    /// Take `bytes` of content from the document's budget.
    fn charge(&mut self, bytes: usize) -> bool {
        if bytes > self.budget.content_bytes {
            self.budget.exhausted = true;
            self.budget.content_bytes = 0;
            return false;
        }
        self.budget.content_bytes -= bytes;
        true
    }

    /// Interpret a content stream with these resources and this starting CTM.
    fn run_content(&mut self, data: &[u8], resources: Option<&'a Dictionary>, ctm: Matrix) {
        let mut gs = GState {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
        };
        let mut saved: Vec<GState> = Vec::new();
        let mut unsaved_q = 0usize;
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let pdf = self.pdf;
        let fonts = resources.and_then(|r| get_dict(pdf, r, b"Font"));
        let xobjects = resources.and_then(|r| get_dict(pdf, r, b"XObject"));
        let marked_base = self.marked.len();
        let mut lexer = Lexer::new(data);
        let mut a: Vec<Operand<'_>> = Vec::with_capacity(8);
        while let Some(op) = lexer.next_op(&mut a) {
            if self.budget.ops == 0 {
                self.budget.exhausted = true;
                break;
            }
            self.budget.ops -= 1;
            let f = |i: usize| a.get(i).and_then(Operand::num).unwrap_or(0.0);
            let matrix = || [f(0), f(1), f(2), f(3), f(4), f(5)];
            match op {
                b"q" if saved.len() < MAX_STATE_DEPTH => saved.push(gs.clone()),
                b"q" => unsaved_q += 1,
                b"Q" if unsaved_q > 0 => unsaved_q -= 1,
                b"Q" => {
                    if let Some(s) = saved.pop() {
                        gs = s;
                    }
                }
                b"cm" if a.len() == 6 => gs.ctm = mul(&matrix(), &gs.ctm),
                b"BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                b"Tf" => {
                    gs.size = f(1);
                    gs.font = match (fonts, a.first()) {
                        (Some(fd), Some(Operand::Name(n))) => {
                            fd.get(n).ok().and_then(|o| self.fonts.font(pdf, o))
                        }
                        _ => None,
                    };
                }
                b"Tc" => gs.char_spacing = f(0),
                b"Tw" => gs.word_spacing = f(0),
                b"Tz" => gs.h_scale = f(0) / 100.0,
                b"TL" => gs.leading = f(0),
                b"Td" | b"TD" => {
                    if op == b"TD" {
                        gs.leading = -f(1);
                    }
                    tlm = translate(f(0), f(1), &tlm);
                    tm = tlm;
                }
                b"Tm" if a.len() == 6 => {
                    tlm = matrix();
                    tm = tlm;
                }
                b"T*" | b"'" | b"\"" => {
                    if op == b"\"" {
                        gs.word_spacing = f(0);
                        gs.char_spacing = f(1);
                    }
                    tlm = translate(0.0, -gs.leading, &tlm);
                    tm = tlm;
                    if let Some(Operand::Str(s)) = a.last()
                        && op != b"T*"
                    {
                        self.show(&gs, &mut tm, s);
                    }
                }
                b"Tj" => {
                    if let Some(Operand::Str(s)) = a.first() {
                        self.show(&gs, &mut tm, s);
                    }
                }
                b"TJ" => {
                    for item in a.first().map_or(&[][..], Operand::items) {
                        match item {
                            Operand::Str(s) => self.show(&gs, &mut tm, s),
                            Operand::Num(adjust) => {
                                let tx = -adjust / 1000.0 * gs.size * gs.h_scale;
                                tm = translate(tx, 0.0, &tm);
                            }
                            _ => {}
                        }
                    }
                }
                b"BI" => self.images += 1,
                b"Do" => {
                    if let (Some(xo), Some(Operand::Name(n))) = (xobjects, a.first()) {
                        self.draw_xobject(xo, n, &gs, resources);
                    }
                }
                b"BMC" | b"BDC" => {
                    let actual = if op == b"BDC" {
                        self.actual_text(a.get(1), resources)
                    } else {
                        None
                    };
                    if self.marked.len() < MAX_STATE_DEPTH {
                        self.marked.push(actual.map(|t| (t, false)));
                    }
                }
                b"EMC" if self.marked.len() > marked_base => {
                    self.marked.pop();
                }
                _ => {}
            }
            if self.budget.exhausted {
                break;
            }
        }
        // Sequences a stream left open end with it.
        self.marked.truncate(marked_base);
    }

    /// The `/ActualText` of a `BDC`'s properties (inline or named in `/Properties`).
    fn actual_text(
        &self,
        props: Option<&Operand<'_>>,
        resources: Option<&'a Dictionary>,
    ) -> Option<String> {
        match props? {
            Operand::Dict(d) => d.iter().find_map(|(k, v)| match v {
                Operand::Str(s) if *k == b"ActualText" => Some(text_string(s)),
                _ => None,
            }),
            Operand::Name(n) => {
                let pdf = self.pdf;
                let props = resources.and_then(|r| get_dict(pdf, r, b"Properties"))?;
                match get(pdf, get_dict(pdf, props, n)?, b"ActualText")? {
                    Object::String(s, _) => Some(text_string(s)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `Do`: count an image, interpret a form (bounded depth, no cycles).
    fn draw_xobject(
        &mut self,
        xobjects: &'a Dictionary,
        name: &[u8],
        gs: &GState,
        resources: Option<&'a Dictionary>,
    ) {
        let pdf = self.pdf;
        let Ok(o) = xobjects.get(name) else {
            return;
        };
        let Object::Stream(s) = deref(pdf, o) else {
            return;
        };
        match get_name(pdf, &s.dict, b"Subtype") {
            Some(b"Image") => self.images += 1,
            Some(b"Form") => {
                let Ok(id) = o.as_reference() else {
                    return;
                };
                if self.forms.contains(&id) || self.forms.len() >= MAX_FORM_DEPTH {
                    return;
                }
                let Some(data) = stream_data(s) else {
                    return;
                };
                if !self.charge(data.len()) {
                    return;
                }
                let m = match get(pdf, &s.dict, b"Matrix") {
                    Some(Object::Array(a)) if a.len() == 6 => {
                        let v: Vec<f32> = a.iter().map(|o| num(o).unwrap_or(0.0)).collect();
                        [v[0], v[1], v[2], v[3], v[4], v[5]]
                    }
                    _ => IDENTITY,
                };
                let res = get_dict(pdf, &s.dict, b"Resources").or(resources);
                self.forms.push(id);
                self.run_content(&data, res, mul(&m, &gs.ctm));
                self.forms.pop();
            }
            _ => {}
        }
    }

    /// Show a string: one run at the pen, the text matrix advanced past it.
    fn show(&mut self, gs: &GState, tm: &mut Matrix, s: &[u8]) {
        let Some(font) = gs.font.clone() else {
            return;
        };
        let start = mul(tm, &gs.ctm);
        let mut text = String::new();
        let mut advance = 0.0;
        for (code, len) in font.codes(s) {
            font.push_text(code, len, &mut text);
            let mut tx = font.width(code, len) * gs.size + gs.char_spacing;
            if len == 1 && code == 32 {
                tx += gs.word_spacing;
            }
            advance += tx * gs.h_scale;
        }
        *tm = translate(advance, 0.0, tm);
        // Inside /ActualText: its text once, at the first glyph; nothing for the rest.
        if let Some(actual) = self.marked.iter_mut().rev().find_map(Option::as_mut) {
            if actual.1 {
                return;
            }
            actual.1 = true;
            text = actual.0.clone();
        }
        if text.is_empty() {
            return;
        }
        unify_radicals(&mut text);
        let end = mul(tm, &gs.ctm);
        let scale_y = start[2].hypot(start[3]);
        let size = (gs.size.abs() * font.size_scale * scale_y).max(0.1);
        self.runs.push(Run {
            text,
            x: start[4] - self.bbox[0],
            y: self.bbox[3] - start[5],
            width: (end[4] - start[4]).abs(),
            size,
        });
    }
}

// ---------------------------------------------------------------------------------------
// The content-stream lexer

/// One operand of a content-stream operator.
#[derive(Clone, Debug, PartialEq)]
enum Operand<'a> {
    Num(f32),
    Name(&'a [u8]),
    Str(Vec<u8>),
    Array(Vec<Operand<'a>>),
    Dict(Vec<(&'a [u8], Operand<'a>)>),
    /// `true`, `false`, `null`, or anything unreadable.
    Other,
}

impl Operand<'_> {
    fn num(&self) -> Option<f32> {
        match self {
            Operand::Num(n) => Some(*n),
            _ => None,
        }
    }

    fn items(&self) -> &[Self] {
        match self {
            Operand::Array(items) => items,
            _ => &[],
        }
    }
}

/// Operands kept before one operator (more are dropped).
const MAX_OPERANDS: usize = 64;
/// Nesting of arrays and dictionaries in a content stream.
const MAX_NESTING: usize = 32;

/// A PDF content-stream lexer: operators with their operands; inline images skipped.
struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

fn is_regular(b: u8) -> bool {
    !is_white(b)
        && !matches!(
            b,
            b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
        )
}

impl<'a> Lexer<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(is_regular) {
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    /// The next operator with its operands (in `operands`, cleared first); `None` at the end.
    fn next_op(&mut self, operands: &mut Vec<Operand<'a>>) -> Option<&'a [u8]> {
        operands.clear();
        loop {
            self.skip_space();
            let b = self.peek()?;
            if b.is_ascii_alphabetic() || b == b'\'' || b == b'"' || b == b'*' {
                let word = self.word();
                match word {
                    b"true" | b"false" | b"null" => {
                        if operands.len() < MAX_OPERANDS {
                            operands.push(Operand::Other);
                        }
                    }
                    b"BI" => {
                        self.skip_inline_image();
                        return Some(word);
                    }
                    _ => return Some(word),
                }
                continue;
            }
            match self.object(0) {
                Some(o) if operands.len() < MAX_OPERANDS => operands.push(o),
                Some(_) => {}
                None => self.pos += 1,
            }
        }
    }

    /// Skip an inline image: its dictionary up to `ID`, its data up to a white-space
    /// delimited `EI`.
    fn skip_inline_image(&mut self) {
        let data = self.data;
        let Some(id) = find(&data[self.pos..], b"ID") else {
            self.pos = data.len();
            return;
        };
        let mut p = self.pos + id + 2;
        while let Some(i) = find(&data[p..], b"EI") {
            let at = p + i;
            let before = at.checked_sub(1).is_none_or(|i| is_white(data[i]));
            let after = data.get(at + 2).is_none_or(|&b| is_white(b));
            if before && after {
                self.pos = at + 2;
                return;
            }
            p = at + 2;
        }
        self.pos = data.len();
    }

    /// One operand; `None` at a byte that starts none (the caller skips it).
    fn object(&mut self, depth: usize) -> Option<Operand<'a>> {
        self.skip_space();
        match self.peek()? {
            b'0'..=b'9' | b'+' | b'-' | b'.' => Some(self.number()),
            b'/' => {
                self.pos += 1;
                Some(Operand::Name(self.word()))
            }
            b'(' => Some(Operand::Str(self.literal())),
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => break,
                        Some(b'>') => {
                            self.pos += 2;
                            break;
                        }
                        Some(_) if depth >= MAX_NESTING => self.pos += 1,
                        Some(b'/') => {
                            self.pos += 1;
                            let key = self.word();
                            let value = self.object(depth + 1).unwrap_or(Operand::Other);
                            items.push((key, value));
                        }
                        Some(b) if b.is_ascii_alphabetic() => {
                            self.word();
                        }
                        Some(_) => {
                            if self.object(depth + 1).is_none() {
                                self.pos += 1;
                            }
                        }
                    }
                }
                Some(Operand::Dict(items))
            }
            b'<' => Some(Operand::Str(self.hex())),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => break,
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        Some(b) if b.is_ascii_alphabetic() => {
                            self.word();
                            items.push(Operand::Other);
                        }
                        Some(_) if depth < MAX_NESTING => match self.object(depth + 1) {
                            Some(o) => items.push(o),
                            None => self.pos += 1,
                        },
                        Some(_) => self.pos += 1,
                    }
                }
                Some(Operand::Array(items))
            }
            _ => None,
        }
    }

    /// A number: integer or real, a sign, leading or trailing point; junk reads as 0.
    fn number(&mut self) -> Operand<'a> {
        let start = self.pos;
        self.pos += 1;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
        {
            self.pos += 1;
        }
        let bytes = &self.data[start..self.pos];
        let (negative, digits) = match bytes.first() {
            Some(b'-') => (true, &bytes[1..]),
            Some(b'+') => (false, &bytes[1..]),
            _ => (false, bytes),
        };
        let mut value = 0f64;
        let mut scale = 0f64;
        for &b in digits {
            match b {
                b'0'..=b'9' if scale == 0.0 => value = value * 10.0 + f64::from(b - b'0'),
                b'0'..=b'9' => {
                    value += f64::from(b - b'0') * scale;
                    scale /= 10.0;
                }
                b'.' if scale == 0.0 => scale = 0.1,
                _ => break,
            }
        }
        let value = if negative { -value } else { value };
        let value = value as f32;
        Operand::Num(if value.is_finite() { value } else { 0.0 })
    }

    /// A literal string `( … )`: nesting and escapes.
    fn literal(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        break;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
        out
    }

    /// A hex string `< … >`; an odd last digit counts as followed by 0.
    fn hex(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(b) = self.peek() {
            self.pos += 1;
            let v = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                b'>' => break,
                _ => continue,
            };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        out
    }
}

/// First position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF from numbered object bodies (object 1 is the catalog), with a correct
    /// cross-reference table.
    pub(crate) fn build_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    /// A stream object's body.
    fn stream(content: &[u8]) -> Vec<u8> {
        let mut s = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        s.extend_from_slice(content);
        s.extend_from_slice(b"\nendstream");
        s
    }

    /// One A4 page drawing `content` with font `/F1` = object 4 (`font`); `extra` objects
    /// follow as 6, 7, …
    fn one_page(font: &str, content: &[u8], extra: &[&str]) -> Vec<u8> {
        let mut objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
            font.as_bytes().to_vec(),
            stream(content),
        ];
        objects.extend(extra.iter().map(|e| e.as_bytes().to_vec()));
        build_pdf(&objects)
    }

    const HELVETICA: &str =
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }

    fn text_of(pdf: &[u8]) -> String {
        read_pdf(pdf)
            .map(|d| d.text)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A Type0 font with a predefined CMap and an Adobe-GB1 CID font, no ToUnicode.
    fn gb1_font(encoding: &str) -> String {
        format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /{encoding} /DescendantFonts [6 0 R] >>"
        )
    }
    const GB1_CID_FONT: &str = "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>";
    const GB_TEXT: &str = "2026年国务院令第一号";

    #[test]
    fn gbk_euc_h_without_to_unicode_decodes_through_the_cmap() {
        let (gbk, _, _) = encoding_rs::GBK.encode(GB_TEXT);
        let content = format!("BT /F1 16 Tf 72 700 Td <{}> Tj ET", hex(&gbk));
        let pdf = one_page(&gb1_font("GBK-EUC-H"), content.as_bytes(), &[GB1_CID_FONT]);
        assert_eq!(text_of(&pdf), GB_TEXT);
    }

    #[test]
    fn gb_euc_h_without_to_unicode_decodes_through_the_cmap() {
        // GB 2312 in EUC: the same bytes as GBK for these chars.
        let (euc, _, _) = encoding_rs::GBK.encode(GB_TEXT);
        let content = format!("BT /F1 16 Tf 72 700 Td <{}> Tj ET", hex(&euc));
        let pdf = one_page(&gb1_font("GB-EUC-H"), content.as_bytes(), &[GB1_CID_FONT]);
        assert_eq!(text_of(&pdf), GB_TEXT);
    }

    #[test]
    fn unigb_ucs2_and_utf16_codes_are_unicode() {
        let utf16: Vec<u8> = "国务院𠀀令"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        for (cmap, expected) in [("UniGB-UCS2-H", "国务院"), ("UniGB-UTF16-H", "国务院𠀀令")]
        {
            let bytes = if cmap == "UniGB-UCS2-H" {
                &utf16[..6]
            } else {
                &utf16[..]
            };
            let content = format!("BT /F1 16 Tf 72 700 Td <{}> Tj ET", hex(bytes));
            let pdf = one_page(&gb1_font(cmap), content.as_bytes(), &[GB1_CID_FONT]);
            assert_eq!(text_of(&pdf), expected, "{cmap}");
        }
    }

    #[test]
    fn identity_h_with_adobe_gb1_ordering_decodes_cids() {
        // The CIDs of the text, looked up in Adobe's UniGB-UCS2-H.
        let mut cache = FontCache::default();
        let ucs2 = cache
            .predefined(b"UniGB-UCS2-H")
            .expect("UniGB-UCS2-H is embedded");
        let cids: Vec<u8> = "国务院令"
            .chars()
            .map(|c| ucs2.lookup_cid_code(c as u32, 2).expect("in GB1") as u16)
            .flat_map(u16::to_be_bytes)
            .collect();
        let content = format!("BT /F1 16 Tf 72 700 Td <{}> Tj ET", hex(&cids));
        let pdf = one_page(&gb1_font("Identity-H"), content.as_bytes(), &[GB1_CID_FONT]);
        assert_eq!(text_of(&pdf), "国务院令");
    }

    #[test]
    fn to_unicode_wins_over_the_encoding() {
        let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <00> <FF> endcodespacerange\n2 beginbfchar\n<41> <4E2D>\n<42> <6587>\nendbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end";
        let font = "<< /Type /Font /Subtype /Type1 /BaseFont /X /Encoding /WinAnsiEncoding /ToUnicode 6 0 R >>";
        let pdf = one_page(
            font,
            b"BT /F1 12 Tf 72 700 Td (ABC) Tj ET",
            &[&String::from_utf8(stream(cmap.as_bytes())).expect("ascii")],
        );
        assert_eq!(text_of(&pdf), "中文C");
    }

    #[test]
    fn kangxi_radicals_from_to_unicode_read_as_ideographs() {
        let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <00> <FF> endcodespacerange\n3 beginbfchar\n<41> <2F00>\n<42> <2F08>\n<43> <2E8C>\nendbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end";
        let font = "<< /Type /Font /Subtype /Type1 /BaseFont /X /ToUnicode 6 0 R >>";
        let pdf = one_page(
            font,
            b"BT /F1 12 Tf 72 700 Td (ABC) Tj ET",
            &[&String::from_utf8(stream(cmap.as_bytes())).expect("ascii")],
        );
        // U+2E8C (a radical supplement form) has no ideograph to stand for: kept.
        assert_eq!(text_of(&pdf), "一人\u{2E8C}");
    }

    #[test]
    fn runs_carry_position_advance_and_size() {
        let font = "<< /Type /Font /Subtype /Type1 /BaseFont /X /FirstChar 65 /LastChar 66 /Widths [500 1000] /Encoding /WinAnsiEncoding >>";
        let pdf = one_page(
            font,
            b"BT /F1 10 Tf 2 0 0 2 100 700 Tm [(AB) -500 (A)] TJ ET",
            &[],
        );
        let doc = load(&pdf).expect("loads");
        let pages = extract(&doc).pages;
        let runs = &pages[0].runs;
        assert_eq!(pages[0].height, 842.0);
        assert_eq!(runs.len(), 2, "{runs:?}");
        // Tm scales by 2: size 20, "AB" advances (0.5 + 1.0) × 10 × 2 = 30.
        assert_eq!(
            (runs[0].text.as_str(), runs[0].x, runs[0].y, runs[0].size),
            ("AB", 100.0, 142.0, 20.0)
        );
        assert!((runs[0].width - 30.0).abs() < 1e-3, "{runs:?}");
        // The TJ gap of 500/1000 em moves the pen 5 × 2 = 10 further.
        assert!((runs[1].x - 140.0).abs() < 1e-3, "{runs:?}");
    }

    #[test]
    fn actual_text_replaces_the_glyphs_it_spans() {
        let content = b"BT /F1 12 Tf 72 700 Td /Span << /ActualText <FEFF6587> >> BDC (x) Tj (y) Tj EMC (z) Tj ET";
        assert_eq!(text_of(&one_page(HELVETICA, content, &[])), "\u{6587}z");
    }

    #[test]
    fn forms_are_drawn_and_a_form_that_draws_itself_stops() {
        let form = "<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << /Fm 6 0 R >> >> /Length 38 >>\nstream\nBT /F1 12 Tf 72 700 Td (A) Tj ET /Fm Do\nendstream";
        let mut objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Fm 6 0 R >> >> /Contents 5 0 R >>".to_vec(),
            HELVETICA.as_bytes().to_vec(),
            stream(b"/Fm Do"),
        ];
        objects.push(form.as_bytes().to_vec());
        let doc = load(&build_pdf(&objects)).expect("loads");
        let pages = extract(&doc).pages;
        assert_eq!(pages[0].runs.len(), 1, "{:?}", pages[0].runs);
        assert_eq!(pages[0].runs[0].text, "A");
    }

    #[test]
    fn a_self_referencing_page_tree_and_a_huge_count_are_bounded() {
        let objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>".to_vec(),
            // Kids: itself, the page twice, a dangling reference; /Count lies.
            b"<< /Type /Pages /Kids [2 0 R 3 0 R 3 0 R 99 0 R 2 0 R] /Count 1000000 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
            HELVETICA.as_bytes().to_vec(),
            stream(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"),
            // An outline whose item is its own next sibling and child.
            b"<< /Type /Outlines /First 7 0 R /Count 1 >>".to_vec(),
            b"<< /Title (Hello) /Parent 6 0 R /Next 7 0 R /First 7 0 R /Dest [3 0 R /Fit] >>".to_vec(),
        ];
        let pdf = build_pdf(&objects);
        let doc = load(&pdf).expect("loads");
        let extracted = extract(&doc);
        assert_eq!(extracted.pages.len(), 1);
        assert_eq!(extracted.bookmarks.len(), 1);
        assert_eq!(text_of(&pdf), "Hello");
    }

    #[test]
    fn a_million_kids_read_each_page_once() {
        let kids = "3 0 R ".repeat(1_000_000);
        let objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            format!("<< /Type /Pages /Kids [{kids}] /Count 1000000 >>").into_bytes(),
            b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
            HELVETICA.as_bytes().to_vec(),
            stream(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"),
        ];
        let doc = load(&build_pdf(&objects)).expect("loads");
        assert_eq!(extract(&doc).pages.len(), 1);
    }

    #[test]
    fn image_only_pages_are_a_scan_or_a_notice() {
        let image = "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\nA\nendstream";
        let scan_page = |i: usize| {
            format!(
                "<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im 7 0 R >> >> /Contents {i} 0 R >>"
            )
        };
        // Page 1: text; page 2: an image only.
        let objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
            HELVETICA.as_bytes().to_vec(),
            stream(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"),
            scan_page(8).into_bytes(),
            image.as_bytes().to_vec(),
            stream(b"q 595 0 0 842 0 0 cm /Im Do Q"),
        ];
        let doc = read_pdf(&build_pdf(&objects)).expect("opens");
        assert_eq!(doc.text, "Hello");
        assert_eq!(doc.format, SourceFormat::Pdf);
        assert_eq!(
            doc.notices,
            vec![crate::document::FormatNotice::ScannedPages {
                pages: vec![2],
                total: 2
            }]
        );

        let objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            scan_page(5).replace("7 0 R", "4 0 R").into_bytes(),
            image.as_bytes().to_vec(),
            stream(b"q 595 0 0 842 0 0 cm /Im Do Q BI /W 1 /H 1 /CS /G /BPC 8 ID \x00EI Q"),
        ];
        let err = read_pdf(&build_pdf(&objects)).expect_err("a scan has no text");
        assert!(matches!(err, PdfError::ScanOnly { pages: 1 }), "{err}");
        assert!(err.to_string().contains("OCR"), "{err}");
    }

    #[test]
    fn an_empty_page_has_no_text() {
        let pdf = one_page(HELVETICA, b"0 0 m 100 100 l S", &[]);
        assert!(matches!(read_pdf(&pdf), Err(PdfError::NoText)));
    }

    #[test]
    fn too_many_objects_are_refused_before_parsing() {
        let mut objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
        ];
        objects.extend((0..MAX_PDF_OBJECTS).map(|_| b"null".to_vec()));
        assert!(matches!(
            read_pdf(&build_pdf(&objects)),
            Err(PdfError::TooManyObjects { .. })
        ));
        // An object stream that declares a million objects, in a file of a few lines.
        let bomb = b"%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /N 1000000 /First 10 /Length 0 >>\nstream\n\nendstream\nendobj\n";
        assert_eq!(count_objects(bomb), 1 + 1_000_000);
        assert!(matches!(
            read_pdf(bomb),
            Err(PdfError::TooManyObjects { .. })
        ));
        // `/Name` is not `/N`.
        assert_eq!(
            count_objects(b"<< /Type /ObjStm /Name 5 >> stream endobj"),
            1
        );
    }

    #[test]
    fn damaged_files_get_one_clear_error() {
        for bytes in [
            &b"%PDF-1.7\n"[..],
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n",
            b"%PDF-\x00\xff garbage",
        ] {
            match read_pdf(bytes) {
                Err(PdfError::Damaged { .. } | PdfError::NoText) => {}
                other => panic!("{:?}", other.map(|d| d.text)),
            }
        }
    }

    #[test]
    fn the_lexer_reads_operands_and_skips_inline_images() {
        let data = b"% comment\n1 -2.5 .5 +3 4. /Name (a\\(b\\)\\n\\101) <41 42 4> [1 (x) /N true] << /K (v) /D << /E 1 >> >> BDC BI /W 1 ID \x00EI\x01 EI Tj";
        let mut lexer = Lexer::new(data);
        let mut ops = Vec::new();
        let op = lexer.next_op(&mut ops).expect("BDC");
        assert_eq!(op, b"BDC");
        assert_eq!(
            ops[..5],
            [
                Operand::Num(1.0),
                Operand::Num(-2.5),
                Operand::Num(0.5),
                Operand::Num(3.0),
                Operand::Num(4.0)
            ]
        );
        assert_eq!(ops[5], Operand::Name(b"Name"));
        assert_eq!(ops[6], Operand::Str(b"a(b)\nA".to_vec()));
        assert_eq!(ops[7], Operand::Str(b"AB@".to_vec()));
        assert_eq!(
            ops[8],
            Operand::Array(vec![
                Operand::Num(1.0),
                Operand::Str(b"x".to_vec()),
                Operand::Name(b"N"),
                Operand::Other
            ])
        );
        assert!(matches!(&ops[9], Operand::Dict(d) if d.len() == 2 && d[0].0 == b"K"));
        assert_eq!(lexer.next_op(&mut ops), Some(&b"BI"[..]));
        assert_eq!(lexer.next_op(&mut ops), Some(&b"Tj"[..]));
        assert!(ops.is_empty());
        assert_eq!(lexer.next_op(&mut ops), None);
    }

    #[test]
    fn the_lexer_survives_deep_nesting_and_garbage() {
        let mut data = "[".repeat(100_000).into_bytes();
        data.extend_from_slice(&"<<".repeat(100_000).into_bytes());
        data.extend_from_slice(b") > ] >> { } Tj");
        let mut lexer = Lexer::new(&data);
        let mut ops = Vec::new();
        let mut n = 0;
        while lexer.next_op(&mut ops).is_some() {
            n += 1;
        }
        assert!(n <= 2);
    }

    #[test]
    fn sniffing_finds_the_header_in_the_first_kilobyte() {
        assert!(is_pdf(b"%PDF-1.7\n"));
        assert!(is_pdf(&[&[b' '; 1000][..], b"%PDF-1.4"].concat()));
        assert!(!is_pdf(&[&[b' '; 1100][..], b"%PDF-1.4"].concat()));
        assert!(!is_pdf(b"PK\x03\x04"));
    }
}
