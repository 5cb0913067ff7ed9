//! EPUB books: zip → `META-INF/container.xml` → the package (OPF) → the spine's XHTML
//! chapters in reading order, each read by the web-page reader with every text kept; the
//! table of contents (EPUB 3 `nav`, else EPUB 2 `toc.ncx`) gives heading hints to the
//! paragraphs it points at, when the paragraph says what the entry says.
//!
//! Bounded: each part inflates to at most [`MAX_EPUB_PART_BYTES`], all parts together to
//! at most [`MAX_EPUB_INFLATED_BYTES`] (counted while inflating, whatever the zip declares);
//! at most [`MAX_SPINE`] chapters and [`MAX_TOC`] contents entries are read.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;
use zip::result::ZipError;

use super::docx::CountingReader;
use super::html::{self, Mode};
use super::{DocxParagraph, LineHint};

/// Most bytes read from all of a book's parts together, inflated.
pub const MAX_EPUB_INFLATED_BYTES: u64 = 512 * 1024 * 1024;
/// Most bytes one part may inflate to.
pub const MAX_EPUB_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Most chapters (spine entries) read.
const MAX_SPINE: usize = 20_000;
/// Most table-of-contents entries used.
const MAX_TOC: usize = 50_000;
/// Most paragraphs in a book.
const MAX_PARAGRAPHS: usize = 4_000_000;
const MB: u64 = 1024 * 1024;

/// Why an EPUB book could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EpubError {
    /// Named `.epub` but not a zip archive.
    #[error(
        "this is not a valid EPUB book (it is not a zip archive); get the book again, or convert it again with calibre or Sigil"
    )]
    NotZip,
    /// The zip directory or an entry is damaged.
    #[error(
        "the EPUB book is damaged ({0}); get the book again, or convert it again with calibre or Sigil"
    )]
    Damaged(String),
    /// `META-INF/container.xml` is missing, unreadable or names no package.
    #[error(
        "the EPUB book is damaged: its META-INF/container.xml {0}, so its chapters cannot be found; get the book again, or repair it with calibre or Sigil"
    )]
    Container(String),
    /// The package file (OPF) is missing or unreadable.
    #[error(
        "the EPUB book is damaged: its package file {0}; get the book again, or repair it with calibre or Sigil"
    )]
    Package(String),
    /// The chapters are encrypted (DRM).
    #[error(
        "this EPUB book is protected by DRM (its chapters are encrypted), so Pizhu cannot read it; open it in the reader app it was bought for"
    )]
    Drm,
    /// A part or the whole book inflates past the limits.
    #[error(
        "the EPUB book is too large to open: {what} unpacks to more than {limit_mb} MB; split the book or convert it to .txt"
    )]
    TooLarge {
        /// `one chapter` or `the book`.
        what: &'static str,
        /// The limit in MB.
        limit_mb: u64,
    },
    /// More paragraphs than Pizhu reads.
    #[error(
        "the EPUB book holds too much text to open (more than {} million paragraphs); convert parts of it to .txt", MAX_PARAGRAPHS / 1_000_000
    )]
    TooMuchText,
}

/// Whether a zip held in memory is an EPUB: its `mimetype` says so, or it has a
/// `META-INF/container.xml` (and is not a Word document).
pub(super) fn is_epub(bytes: &[u8]) -> bool {
    let Ok(mut zip) = ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    if let Ok(entry) = zip.by_name("mimetype") {
        let mut head = Vec::new();
        if entry.take(64).read_to_end(&mut head).is_ok()
            && head.trim_ascii() == b"application/epub+zip"
        {
            return true;
        }
    }
    zip.index_for_name("META-INF/container.xml").is_some()
        && zip.index_for_name("word/document.xml").is_none()
}

/// The paragraphs of an EPUB held in memory.
pub(super) fn read_epub(bytes: &[u8]) -> Result<Vec<DocxParagraph>, EpubError> {
    let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        EpubError::Damaged(format!(
            "its zip directory is unreadable, maybe cut short: {e}"
        ))
    })?;
    let mut book = Book {
        zip,
        left: MAX_EPUB_INFLATED_BYTES,
    };
    let container = book
        .read("META-INF/container.xml")?
        .ok_or_else(|| EpubError::Container("is missing".into()))?;
    let opf_path = rootfile(&container)?;
    let opf = book
        .read(&opf_path)?
        .ok_or_else(|| EpubError::Package(format!("{opf_path} is missing")))?;
    let package = Package::parse(&opf, dir_of(&opf_path))
        .map_err(|e| EpubError::Package(format!("{opf_path} is not valid XML ({e})")))?;
    if package.spine.is_empty() {
        return Err(EpubError::Package(format!(
            "{opf_path} lists no chapters in its spine"
        )));
    }
    if book.drm()? {
        return Err(EpubError::Drm);
    }

    let mut paragraphs: Vec<DocxParagraph> = Vec::new();
    // (path, id) → paragraph index; path → index of its first paragraph.
    let mut anchors: HashMap<(String, String), usize> = HashMap::new();
    let mut starts: HashMap<String, usize> = HashMap::new();
    for path in package.spine.iter().take(MAX_SPINE) {
        let Some(bytes) = book.read(path)? else {
            continue;
        };
        let (text, _) = html::decode_html(bytes, None)
            .map_err(|e| EpubError::Damaged(format!("{path}: {e}")))?;
        let chapter =
            html::html_to_paragraphs(&text, Mode::Book).map_err(|_| EpubError::TooMuchText)?;
        let base = paragraphs.len();
        starts.entry(path.clone()).or_insert(base);
        for (id, i) in chapter.anchors {
            anchors.entry((path.clone(), id)).or_insert(base + i);
        }
        paragraphs.extend(chapter.paragraphs);
        if paragraphs.len() > MAX_PARAGRAPHS {
            return Err(EpubError::TooMuchText);
        }
    }

    // One title: the first; later chapters' titles are first-level headings.
    let mut seen_title = false;
    for p in &mut paragraphs {
        if p.hint == LineHint::Title {
            if seen_title {
                p.hint = LineHint::Heading(1);
            }
            seen_title = true;
        }
    }

    let toc = match &package.nav {
        Some(nav) => book.read(nav)?.map(|b| nav_entries(&b, dir_of(nav))),
        None => None,
    };
    let toc = match (toc, &package.ncx) {
        (Some(entries), _) if !entries.is_empty() => entries,
        (_, Some(ncx)) => book
            .read(ncx)?
            .map(|b| ncx_entries(&b, dir_of(ncx)))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    for entry in toc.iter().take(MAX_TOC) {
        let (path, fragment) = match entry.target.split_once('#') {
            Some((p, f)) => (p.to_owned(), Some(f.to_owned())),
            None => (entry.target.clone(), None),
        };
        let index = match fragment {
            Some(f) => anchors
                .get(&(path.clone(), f))
                .or_else(|| starts.get(&path))
                .copied(),
            None => starts.get(&path).copied(),
        };
        let Some(p) = index.and_then(|i| paragraphs.get_mut(i)) else {
            continue;
        };
        if p.hint == LineHint::None && same_words(&p.text, &entry.label) {
            p.hint = LineHint::Heading(entry.depth.clamp(1, 9));
        }
    }
    Ok(paragraphs)
}

/// Whether a paragraph says what a contents entry says (whitespace ignored).
fn same_words(text: &str, label: &str) -> bool {
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let (text, label) = (squeeze(text), squeeze(label));
    !label.is_empty() && (text == label || (text.starts_with(&label) && label.chars().count() >= 4))
}

/// The zip and what is left of the inflation budget.
struct Book<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    left: u64,
}

impl Book<'_> {
    /// A part's bytes, `None` if there is no such entry.
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>, EpubError> {
        let mut entry = match self.zip.by_name(path) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED)) => {
                return Err(EpubError::Drm);
            }
            Err(e) => return Err(EpubError::Damaged(format!("{path}: {e}"))),
        };
        let (limit, what) = if self.left < MAX_EPUB_PART_BYTES {
            (self.left, "the book")
        } else {
            (MAX_EPUB_PART_BYTES, "one chapter")
        };
        let too_large = || EpubError::TooLarge {
            what,
            limit_mb: if what == "the book" {
                MAX_EPUB_INFLATED_BYTES / MB
            } else {
                MAX_EPUB_PART_BYTES / MB
            },
        };
        if entry.size() > limit {
            return Err(too_large());
        }
        let mut reader = CountingReader::new(&mut entry, limit);
        let mut out = Vec::new();
        if let Err(e) = reader.read_to_end(&mut out) {
            return Err(if reader.exceeded {
                too_large()
            } else {
                EpubError::Damaged(format!("{path}: {e}"))
            });
        }
        self.left -= out.len() as u64;
        Ok(Some(out))
    }

    /// Whether `META-INF/encryption.xml` encrypts more than fonts (font obfuscation is
    /// not DRM).
    fn drm(&mut self) -> Result<bool, EpubError> {
        let Some(xml) = self.read("META-INF/encryption.xml")? else {
            return Ok(false);
        };
        let mut reader = Reader::from_reader(xml.as_slice());
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e))
                    if e.local_name().as_ref() == "EncryptionMethod" =>
                {
                    let algorithm = attr(&e, "Algorithm").unwrap_or_default();
                    if !algorithm.contains("idpf.org/2008/embedding")
                        && !algorithm.contains("ns.adobe.com/pdf/enc#RC")
                    {
                        return Ok(true);
                    }
                }
                Ok(Event::Eof) | Err(_) => return Ok(false),
                _ => {}
            }
            buf.clear();
        }
    }
}

fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value.to_string())
}

/// The package path named by `container.xml`.
fn rootfile(container: &[u8]) -> Result<String, EpubError> {
    let mut reader = Reader::from_reader(container);
    let mut buf = Vec::new();
    let mut first = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "rootfile" => {
                if let Some(path) = attr(&e, "full-path") {
                    let opf =
                        attr(&e, "media-type").is_none_or(|m| m == "application/oebps-package+xml");
                    if opf {
                        return Ok(unescape_path(&path));
                    }
                    first.get_or_insert(path);
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(EpubError::Container(format!("is not valid XML ({e})"))),
            _ => {}
        }
        buf.clear();
    }
    first
        .map(|p| unescape_path(&p))
        .ok_or_else(|| EpubError::Container("names no package file".into()))
}

/// The folder of a path inside the zip, with its trailing `/` (empty at the top).
fn dir_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..=i])
}

/// Percent-decoding of an href (`%E7%AB%A0.xhtml`) and `&amp;`.
fn unescape_path(href: &str) -> String {
    let href = href.replace("&amp;", "&");
    let bytes = href.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|c| (*c as char).to_digit(16)),
                bytes.get(i + 2).and_then(|c| (*c as char).to_digit(16)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `href` (relative to `base`, a folder) as a path inside the zip, fragment kept.
fn resolve(base: &str, href: &str) -> String {
    let href = unescape_path(href.trim());
    let (file, fragment) = match href.split_once('#') {
        Some((f, frag)) => (f.to_owned(), Some(frag.to_owned())),
        None => (href.clone(), None),
    };
    let mut parts: Vec<&str> = if file.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for part in file.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if file.is_empty() {
        // `#frag` alone: the base document itself is meant; callers pass a file base.
        path = base.trim_end_matches('/').to_owned();
    }
    match fragment {
        Some(f) => format!("{path}#{f}"),
        None => path,
    }
}

/// What the OPF says: chapters in reading order and where the contents are.
#[derive(Debug, Default)]
struct Package {
    spine: Vec<String>,
    nav: Option<String>,
    ncx: Option<String>,
}

impl Package {
    fn parse(opf: &[u8], base: &str) -> Result<Self, quick_xml::Error> {
        // id → (path, media type, properties)
        let mut items: HashMap<String, (String, String, String)> = HashMap::new();
        let mut spine_ids = Vec::new();
        let mut toc_id = None;
        let mut reader = Reader::from_reader(opf);
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf)? {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    "item" => {
                        if let (Some(id), Some(href)) = (attr(&e, "id"), attr(&e, "href")) {
                            items.insert(
                                id,
                                (
                                    resolve(base, &href),
                                    attr(&e, "media-type").unwrap_or_default(),
                                    attr(&e, "properties").unwrap_or_default(),
                                ),
                            );
                        }
                    }
                    "spine" => toc_id = attr(&e, "toc"),
                    "itemref" => {
                        if let Some(id) = attr(&e, "idref")
                            && spine_ids.len() < MAX_SPINE
                        {
                            spine_ids.push(id);
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        let spine = spine_ids
            .iter()
            .filter_map(|id| items.get(id))
            .filter(|(_, media, _)| {
                media.is_empty() || media.contains("html") || media.contains("xml")
            })
            .map(|(path, _, _)| path.clone())
            .collect();
        let nav = items
            .values()
            .find(|(_, _, props)| props.split_whitespace().any(|p| p == "nav"))
            .map(|(path, _, _)| path.clone());
        let ncx = toc_id
            .and_then(|id| items.get(&id))
            .or_else(|| {
                items
                    .values()
                    .find(|(_, media, _)| media == "application/x-dtbncx+xml")
            })
            .map(|(path, _, _)| path.clone());
        Ok(Self { spine, nav, ncx })
    }
}

/// One contents entry: where it points (`path#fragment`), its text and its depth (from 1).
#[derive(Debug, PartialEq, Eq)]
struct TocEntry {
    target: String,
    label: String,
    depth: u8,
}

/// The entries of an EPUB 3 navigation document's `toc` nav (depth = `<ol>` nesting).
fn nav_entries(xhtml: &[u8], base: &str) -> Vec<TocEntry> {
    let mut reader = Reader::from_reader(xhtml);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut entries = Vec::new();
    // Inside the toc nav: its depth in navs, and the <ol> depth.
    let mut in_toc = false;
    let mut navs = 0usize;
    let mut ols = 0usize;
    let mut current: Option<TocEntry> = None;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "nav" => {
                    if in_toc {
                        navs += 1;
                    } else if attr(&e, "type")
                        .is_none_or(|t| t.split_whitespace().any(|t| t == "toc"))
                        && entries.is_empty()
                    {
                        in_toc = true;
                        navs = 1;
                    }
                }
                "ol" if in_toc => ols += 1,
                "a" if in_toc => {
                    current = attr(&e, "href").map(|href| TocEntry {
                        target: resolve(base, &href),
                        label: String::new(),
                        depth: ols.clamp(1, 9) as u8,
                    });
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some(entry) = current.as_mut() {
                    entry.label.push_str(&t);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "nav" if in_toc => {
                    navs -= 1;
                    if navs == 0 {
                        in_toc = false;
                    }
                }
                "ol" if in_toc => ols = ols.saturating_sub(1),
                "a" => {
                    if let Some(entry) = current.take()
                        && entries.len() < MAX_TOC
                    {
                        entries.push(entry);
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    entries
}

/// The entries of an EPUB 2 `toc.ncx` (depth = `navPoint` nesting).
fn ncx_entries(xml: &[u8], base: &str) -> Vec<TocEntry> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut entries = Vec::new();
    // Per open navPoint: (label, target).
    let mut open: Vec<(String, Option<String>)> = Vec::new();
    let mut in_text = false;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "navPoint" if open.len() < 64 => open.push((String::new(), None)),
                "text" => in_text = true,
                "content" => {
                    if let (Some(top), Some(src)) = (open.last_mut(), attr(&e, "src"))
                        && top.1.is_none()
                    {
                        top.1 = Some(resolve(base, &src));
                        let depth = open.len().clamp(1, 9) as u8;
                        if entries.len() < MAX_TOC
                            && let Some((label, Some(target))) = open.last()
                        {
                            entries.push(TocEntry {
                                target: target.clone(),
                                label: label.clone(),
                                depth,
                            });
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some(top) = open.last_mut()
                    && top.1.is_none()
                {
                    top.0.push_str(&t);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "navPoint" => {
                    open.pop();
                }
                "text" => in_text = false,
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip of `(name, content)` entries, stored.
    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, content) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(content).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const CONTAINER: &[u8] = br#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;

    const OPF: &[u8] = br#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><manifest>
        <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
        <item id="c1" href="text/ch%201.xhtml" media-type="application/xhtml+xml"/>
        <item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/>
        <item id="img" href="a.png" media-type="image/png"/></manifest>
        <spine><itemref idref="c1"/><itemref idref="img"/><itemref idref="c2"/></spine></package>"#;

    const NAV: &str = r#"<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
        <nav epub:type="toc"><ol><li><a href="text/ch%201.xhtml">第一章 总则</a><ol><li><a href="text/ch2.xhtml#s1">一、 目标</a></li></ol></li></ol></nav>
        <nav epub:type="landmarks"><ol><li><a href="text/ch2.xhtml">正文</a></li></ol></nav></body></html>"#;

    fn book(extra: &[(&str, &[u8])]) -> Vec<u8> {
        let mut entries: Vec<(&str, &[u8])> = vec![
            ("mimetype", b"application/epub+zip"),
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", OPF),
            ("OEBPS/nav.xhtml", NAV.as_bytes()),
            (
                "OEBPS/text/ch 1.xhtml",
                "<html><head><title>书</title></head><body><p class=\"c\">第一章 总则</p><p>正文。</p></body></html>".as_bytes(),
            ),
            (
                "OEBPS/text/ch2.xhtml",
                "<html><body><p>前言</p><p id=\"s1\">一、目标</p><p>文字<br/>续</p></body></html>".as_bytes(),
            ),
        ];
        entries.extend_from_slice(extra);
        zip_of(&entries)
    }

    #[test]
    fn spine_order_and_nav_hints() {
        let bytes = book(&[]);
        assert!(is_epub(&bytes));
        let paras = read_epub(&bytes).unwrap();
        let got: Vec<(&str, LineHint)> = paras.iter().map(|p| (p.text.as_str(), p.hint)).collect();
        assert_eq!(
            got,
            [
                ("第一章 总则", LineHint::Heading(1)),
                ("正文。", LineHint::None),
                ("前言", LineHint::None),
                ("一、目标", LineHint::Heading(2)),
                ("文字\n续", LineHint::None),
            ]
        );
    }

    #[test]
    fn ncx_when_there_is_no_nav() {
        let ncx = br#"<ncx><navMap><navPoint id="a"><navLabel><text>X</text></navLabel><content src="a.xhtml"/>
            <navPoint id="b"><navLabel><text>Y</text></navLabel><content src="a.xhtml#y"/></navPoint></navPoint></navMap></ncx>"#;
        assert_eq!(
            ncx_entries(ncx, "OEBPS/"),
            [
                TocEntry {
                    target: "OEBPS/a.xhtml".into(),
                    label: "X".into(),
                    depth: 1
                },
                TocEntry {
                    target: "OEBPS/a.xhtml#y".into(),
                    label: "Y".into(),
                    depth: 2
                },
            ]
        );
    }

    #[test]
    fn broken_containers_and_packages_are_named() {
        let no_container = zip_of(&[("mimetype", b"application/epub+zip")]);
        let err = read_epub(&no_container).unwrap_err();
        assert!(matches!(err, EpubError::Container(_)), "{err}");
        assert!(
            err.to_string().contains("container.xml is missing"),
            "{err}"
        );
        let broken = zip_of(&[(
            "META-INF/container.xml",
            b"<container><rootfiles><rootfile full-path=",
        )]);
        let err = read_epub(&broken).unwrap_err();
        assert!(matches!(err, EpubError::Container(_)), "{err}");
        let nameless = zip_of(&[("META-INF/container.xml", b"<container/>")]);
        assert!(
            read_epub(&nameless)
                .unwrap_err()
                .to_string()
                .contains("names no package")
        );
        let no_opf = zip_of(&[("META-INF/container.xml", CONTAINER)]);
        let err = read_epub(&no_opf).unwrap_err();
        assert!(matches!(err, EpubError::Package(_)), "{err}");
        let drm = book(&[(
            "META-INF/encryption.xml",
            br#"<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/></EncryptedData></encryption>"#,
        )]);
        assert!(matches!(read_epub(&drm).unwrap_err(), EpubError::Drm));
        let fonts = book(&[(
            "META-INF/encryption.xml",
            br#"<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/></EncryptedData></encryption>"#,
        )]);
        assert!(read_epub(&fonts).is_ok());
    }

    #[test]
    fn inflation_is_bounded() {
        // A chapter of 65 MB of zeros, deflated to a few KB.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in [
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", OPF),
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(content).unwrap();
        }
        zip.start_file("OEBPS/text/ch 1.xhtml", options).unwrap();
        let block = vec![b' '; 1 << 20];
        for _ in 0..65 {
            zip.write_all(&block).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 1 << 20);
        let err = read_epub(&bytes).unwrap_err();
        assert!(matches!(err, EpubError::TooLarge { .. }), "{err}");
    }

    #[test]
    fn paths_resolve() {
        assert_eq!(
            resolve("OEBPS/", "text/ch%201.xhtml#a"),
            "OEBPS/text/ch 1.xhtml#a"
        );
        assert_eq!(resolve("OEBPS/text/", "../nav.xhtml"), "OEBPS/nav.xhtml");
        assert_eq!(resolve("", "./a.xhtml"), "a.xhtml");
        assert!(same_words("第一章  总则", "第一章 总则"));
        assert!(!same_words("仅供学习", "讲话"));
        assert!(!same_words("x", ""));
    }
}
