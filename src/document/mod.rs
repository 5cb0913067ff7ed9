//! Bytes → [`Document`]: format sniffing, encoding detection, line-end normalisation,
//! and the per-line style hints that `.md` and `.docx` sources carry.

mod doc;
mod docx;
mod docx_markup;
mod encoding;
mod epub;
mod html;
pub mod layout;
mod markdown;
mod ofd;
mod pdf;

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::files::{FileKind, Links, ReadError};

pub use doc::DocError;
pub use docx::{
    DocxError, DocxParagraph, MAX_DOCX_XML_BYTES, docx_text_map, read_docx, read_docx_with_markup,
};
pub use docx_markup::{
    CommentProblems, DocxComment, DocxHighlight, DocxMarkup, DocxTextMap, MAX_COMMENT_CHARS,
    RunColor, TextPiece, is_colourful, parse_hex,
};
pub use encoding::{
    DecodeError, DecodeWarning, Decoded, MAX_DECODE_WARNINGS, SNIFF_BYTES, decode_stream,
    decode_text,
};
pub use epub::{EpubError, MAX_EPUB_INFLATED_BYTES, MAX_EPUB_PART_BYTES};
pub use html::WebError;
pub use ofd::{MAX_OFD_INFLATED_BYTES, OfdError};
pub use pdf::{MAX_PDF_PAGES, PdfError};

/// Largest file Pizhu opens; anything bigger is refused with a clear message.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// A half-open range of char offsets into a document's normalised text.
///
/// This is the one coordinate system of Pizhu: outline nodes, placeholders, boilerplate,
/// highlights and search hits all speak it.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct TextRange {
    /// First char of the range.
    pub start: usize,
    /// One past the last char of the range.
    pub end: usize,
}

impl TextRange {
    /// A range from `start` to `end` (char offsets).
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "inverted range {start}..{end}");
        Self { start, end }
    }

    /// Number of chars covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the range covers no char.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when `other` lies entirely inside `self`.
    pub fn contains_range(&self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// The kind of file a document was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// Plain text in any supported encoding.
    Text,
    /// Markdown: `#` headings feed the outline, the text is shown as text.
    Markdown,
    /// A Word `.docx` file.
    Docx,
    /// A Word 97–2003 `.doc` file (or a Kingsoft WPS `.wps`, the same format).
    Doc,
    /// A saved web page (HTML, or the page inside an MHTML archive).
    Html,
    /// An EPUB book, its chapters in reading order.
    Epub,
    /// An OFD file (GB/T 33190), its pages' text reflowed into paragraphs.
    Ofd,
    /// A PDF with a text layer, its pages' text reflowed into paragraphs.
    Pdf,
}

/// The file name extensions of the documents Pizhu opens (lower case, without the dot): the
/// open dialog's filter, the desktop entry's types and a folder's documents are these. A
/// file is still read by its content whatever its name.
pub const EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "docx", "doc", "wps", "pdf", "ofd", "html", "htm", "xhtml",
    "shtml", "mht", "mhtml", "epub",
];

/// What the source format says about a line, before any numbering is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineHint {
    /// No style information (plain text, Normal style).
    #[default]
    None,
    /// Word's Title style.
    Title,
    /// A heading of the given level, 1–9 (Word heading style or outline level, Markdown `#`).
    Heading(u8),
}

/// One line of the normalised text (a paragraph in `.docx`), without its `\n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// Char range of the line's text.
    pub range: TextRange,
    /// Byte offset of the line's first byte in [`Document::text`].
    pub byte_start: usize,
    /// Byte offset one past the line's last byte.
    pub byte_end: usize,
    /// Style hint from the source format.
    pub hint: LineHint,
}

/// A decoded, normalised document: the text every other module works on.
#[derive(Clone, Debug)]
pub struct Document {
    /// The text, decoded to UTF-8 with `\r\n` and `\r` turned into `\n`.
    pub text: String,
    /// Name of the encoding the text was decoded from (`UTF-8`, `GB18030`, …).
    pub encoding: String,
    /// The kind of source.
    pub format: SourceFormat,
    /// Every line of `text`, in order.
    pub lines: Vec<Line>,
    /// Total number of chars in `text`.
    pub char_count: usize,
    /// Where the file was damaged and bytes were replaced with U+FFFD `�` so that it could
    /// be opened (today: a few invalid bytes in otherwise valid UTF-8). Empty for a clean
    /// file. Each has a one-sentence `Display` for a message line or a banner above the
    /// text, and its `line` (from 1) indexes [`Document::lines`] as `line - 1`, so a banner
    /// can offer to jump there. The command line prints each as a warning on stderr.
    pub warnings: Vec<DecodeWarning>,
    /// What a reader should know about how the document was read that is not damage to its
    /// bytes (pages that are scanned images, …). Shown like [`Document::warnings`]: a
    /// warning line on stderr, a banner in the window.
    pub notices: Vec<FormatNotice>,
    /// A `.docx`'s comments (批注) and marked runs, placed in `text` (empty for other
    /// formats): the session imports them as annotations.
    pub markup: DocxMarkup,
}

/// Something about how a document was read that its reader should know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatNotice {
    /// Pages that are images with no text layer (scans): their text needs OCR.
    ScannedPages {
        /// The pages, numbered from 1, in order.
        pages: Vec<u32>,
        /// How many pages the document has.
        total: u32,
    },
    /// A `.docx` whose comments could not all be read or placed.
    Comments(CommentProblems),
}

impl std::fmt::Display for FormatNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ScannedPages { pages, total } => {
                let (what, verb) = if pages.len() == 1 {
                    ("page", "is a scanned image")
                } else {
                    ("pages", "are scanned images")
                };
                write!(
                    f,
                    "{what} {} of {total} {verb} with no text; run OCR on them to read their text",
                    page_list(pages, ", ", "–")
                )
            }
            Self::Comments(problems) => write!(f, "{problems}"),
        }
    }
}

/// Page numbers as a short list with runs joined: `1–3, 7, 9–10`.
pub fn page_list(pages: &[u32], comma: &str, dash: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < pages.len() {
        let mut j = i;
        while j + 1 < pages.len() && pages[j + 1] == pages[j] + 1 {
            j += 1;
        }
        if !out.is_empty() {
            out.push_str(comma);
        }
        out.push_str(&pages[i].to_string());
        if j > i {
            out.push_str(dash);
            out.push_str(&pages[j].to_string());
        }
        i = j + 1;
    }
    out
}

/// Why a file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file could not be read from disk.
    #[error("cannot read the file ({source}); check that it exists and is readable")]
    Io {
        /// The underlying error.
        #[from]
        source: std::io::Error,
    },
    /// The path names a directory.
    #[error(
        "this is a folder, not a document; choose a document inside it (.txt, .docx, .doc, .wps, .pdf, .ofd, .html, .epub …)"
    )]
    IsDirectory,
    /// The path names a FIFO, a device, a socket: something that is not a file to read.
    #[error(
        "this is {}, not a document; choose a document file (.txt, .docx, .doc, .wps, .pdf, .ofd, .html, .epub …)", .0.describe()
    )]
    NotAFile(FileKind),
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error(
        "the file is {size_mb} MB, more than the {limit_mb} MB Pizhu opens; split it into smaller files"
    )]
    TooLarge {
        /// Size of the file in MB.
        size_mb: u64,
        /// The limit in MB.
        limit_mb: u64,
    },
    /// The bytes are not text in any supported encoding.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The file claims to be, or is, a Word document that cannot be read.
    #[error(transparent)]
    Docx(#[from] DocxError),
    /// A Word 97–2003 `.doc` / WPS `.wps` file that cannot be read.
    #[error(transparent)]
    Doc(#[from] DocError),
    /// A web page or web archive that cannot be read.
    #[error(transparent)]
    Web(#[from] WebError),
    /// An EPUB book that cannot be read.
    #[error(transparent)]
    Epub(#[from] EpubError),
    /// The file claims to be, or is, an OFD document that cannot be read.
    #[error(transparent)]
    Ofd(#[from] OfdError),
    /// A PDF that cannot be read (damaged, password-protected, a scan with no text).
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// A password-protected Office 2007+ file: an OLE compound file holding the encrypted
    /// package (`EncryptionInfo`, `EncryptedPackage`) instead of a zip.
    #[error(
        "this Word file is protected with a password, so Pizhu cannot read it; open it in Word or WPS, remove the password (File → Info → Protect Document → Encrypt with Password, clear it) and save it again"
    )]
    PasswordProtected,
    /// An OLE compound file that is not a Word document (an `.xls`, a `.ppt`, an `.msg` …).
    #[error(
        "this is an Office compound file that is not a Word document (perhaps an Excel .xls or PowerPoint .ppt file); open a Word, .txt or .md document instead"
    )]
    NotWordCompound,
}

impl From<ReadError> for OpenError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(source) => Self::Io { source },
            ReadError::NotRegular(FileKind::Directory) => Self::IsDirectory,
            ReadError::NotRegular(kind) => Self::NotAFile(kind),
            ReadError::TooLarge { limit_bytes } => Self::too_large(limit_bytes, limit_bytes),
        }
    }
}

impl OpenError {
    /// [`OpenError::TooLarge`] for a file of `size_bytes` (at least the limit: a file that
    /// grew past the limit while read is known to be at least that big).
    fn too_large(size_bytes: u64, limit_bytes: u64) -> Self {
        const MB: u64 = 1024 * 1024;
        Self::TooLarge {
            size_mb: size_bytes.max(limit_bytes) / MB,
            limit_mb: limit_bytes / MB,
        }
    }

    /// Whether this is the error of a [`Bounded`] reader that went past its limit.
    fn is_past_limit(&self) -> bool {
        let source = match self {
            Self::Io { source } | Self::Decode(DecodeError::Io(source)) => source,
            _ => return false,
        };
        source.get_ref().is_some_and(|e| e.is::<PastLimit>())
    }
}

/// The error a [`Bounded`] reader returns past its limit.
#[derive(Debug, thiserror::Error)]
#[error("more bytes than the limit")]
struct PastLimit;

/// A reader that fails with [`PastLimit`] once more than its limit would come through: the
/// bound is on bytes actually read, whatever the file's metadata said.
struct Bounded<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // At the limit: the file must end here.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(PastLimit)),
            };
        }
        let max = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

impl Document {
    /// Build a document from already-decoded text of the given format.
    pub fn from_text(text: String, encoding: &str, format: SourceFormat) -> Self {
        // A big text is looked over for `\r` and stray byte-order marks while its lines are
        // indexed (both on two threads); the rare one that has them is normalised first.
        let (text, (lines, char_count)) = match line_index_if_normal(&text) {
            Some(index) => (text, index),
            None => {
                let text = normalize_line_ends(text);
                let index = line_index(&text);
                (text, index)
            }
        };
        let mut doc = Self::with_index(text, lines, char_count, encoding, format);
        if format == SourceFormat::Markdown {
            markdown::apply_heading_hints(&mut doc);
        }
        doc
    }

    /// Build a document from `.docx` paragraphs (joined with `\n`, hints on their first line).
    pub fn from_paragraphs(paragraphs: Vec<DocxParagraph>) -> Self {
        let mut text = String::new();
        let mut hints = Vec::with_capacity(paragraphs.len());
        for (i, p) in paragraphs.into_iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let para = normalize_line_ends(p.text);
            hints.push(p.hint);
            // Lines inside a paragraph (from <w:br/>) carry no hint of their own.
            for _ in para.matches('\n') {
                hints.push(LineHint::None);
            }
            text.push_str(&para);
        }
        let mut doc = Self::with_lines(text, "UTF-8 (Word)", SourceFormat::Docx);
        for (line, hint) in doc.lines.iter_mut().zip(hints) {
            line.hint = hint;
        }
        doc
    }

    /// Decode `bytes` read from a file called `name` (its extension helps pick the format).
    pub fn from_bytes(bytes: Vec<u8>, name: &str) -> Result<Self, OpenError> {
        let len = bytes.len() as u64;
        Self::from_stream(bytes, std::io::empty(), len, name)
    }

    /// Decode a file given its first bytes, a reader for the rest, and its size.
    fn from_stream(
        mut head: Vec<u8>,
        mut rest: impl std::io::Read,
        total_len: u64,
        name: &str,
    ) -> Result<Self, OpenError> {
        let ext = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .unwrap_or_default();
        if pdf::is_pdf(&head) {
            rest.read_to_end(&mut head)?;
            return Ok(pdf::read_pdf(&head)?);
        }
        if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            rest.read_to_end(&mut head)?;
            if ext == "ofd" || ofd::is_ofd(&head) {
                return Ok(ofd::read_ofd(&head)?);
            }
            if ext == "epub" || epub::is_epub(&head) {
                let mut doc = Self::from_paragraphs(epub::read_epub(&head)?);
                doc.format = SourceFormat::Epub;
                doc.encoding = "UTF-8 (EPUB)".to_owned();
                return Ok(doc);
            }
            let (paragraphs, markup) = read_docx_with_markup(&head)?;
            let mut doc = Self::from_paragraphs(paragraphs);
            doc.notices
                .extend(markup.problems.clone().map(FormatNotice::Comments));
            doc.markup = markup;
            return Ok(doc);
        }
        if head.starts_with(&CFB_MAGIC) {
            rest.read_to_end(&mut head)?;
            let mut doc = Self::from_paragraphs(doc::read_compound(head, &ext)?);
            doc.format = SourceFormat::Doc;
            doc.encoding = "Word 97–2003".to_owned();
            return Ok(doc);
        }
        let html_by_content = html::looks_like_html(&head, "");
        if !html_by_content && html::looks_like_mhtml(&head, &ext) {
            rest.read_to_end(&mut head)?;
            let (page, charset) = html::mhtml_page(&head)?;
            drop(head);
            return Self::from_web_page(page, charset.as_deref(), "MHTML");
        }
        if html_by_content || html::looks_like_html(&head, &ext) {
            rest.read_to_end(&mut head)?;
            return Self::from_web_page(head, None, "HTML");
        }
        if ext == "docx" {
            return Err(DocxError::NotZip.into());
        }
        if ext == "ofd" {
            return Err(OfdError::NotZip.into());
        }
        if ext == "epub" {
            return Err(EpubError::NotZip.into());
        }
        if ext == "pdf" {
            return Err(PdfError::NotPdf.into());
        }
        let decoded = decode_stream(head, rest, total_len)?;
        let format = if matches!(ext.as_str(), "md" | "markdown" | "mdown" | "mkd") {
            SourceFormat::Markdown
        } else {
            SourceFormat::Text
        };
        let mut doc = Self::from_text(decoded.text, decoded.encoding, format);
        doc.warnings = decoded.warnings;
        Ok(doc)
    }

    /// A saved web page's main text (`what`: `HTML`, `MHTML`, for the encoding label).
    fn from_web_page(bytes: Vec<u8>, charset: Option<&str>, what: &str) -> Result<Self, OpenError> {
        let (text, encoding) = html::decode_html(bytes, charset)?;
        let page = html::html_to_paragraphs(&text, html::Mode::Page)?;
        let mut doc = Self::from_paragraphs(page.paragraphs);
        doc.format = SourceFormat::Html;
        doc.encoding = format!("{encoding} ({what})");
        Ok(doc)
    }

    /// Read and decode the file at `path`.
    ///
    /// Only a regular file is read (a symlink to one is followed): a folder, a FIFO or a
    /// device is refused at once, without blocking and without reading it. At most
    /// [`MAX_FILE_BYTES`] are read, counted as they are read, not taken from the metadata.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let (file, meta) = crate::files::open_regular(path, Links::Follow)?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        Self::read_from(file, meta.len(), name, MAX_FILE_BYTES)
    }

    /// Decode what `reader` yields (a file whose metadata says `len` bytes, called `name`),
    /// reading at most `limit` bytes.
    fn read_from(reader: impl Read, len: u64, name: &str, limit: u64) -> Result<Self, OpenError> {
        if len > limit {
            return Err(OpenError::too_large(len, limit));
        }
        let mut reader = Bounded {
            inner: reader,
            left: limit,
        };
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        let read_head = (&mut reader)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(OpenError::from);
        read_head
            .and_then(|_| Self::from_stream(head, reader, len, name))
            .map_err(|e| {
                if e.is_past_limit() {
                    OpenError::too_large(len, limit)
                } else {
                    e
                }
            })
    }

    /// The text of a line.
    pub fn line_text(&self, line: &Line) -> &str {
        &self.text[line.byte_start..line.byte_end]
    }

    /// The text covered by a char range (slow for ranges far into big documents: it walks).
    pub fn slice(&self, range: TextRange) -> &str {
        let idx = self.lines.partition_point(|l| l.range.end < range.start);
        let Some(line) = self.lines.get(idx) else {
            return "";
        };
        let start_byte = byte_of_char(&self.text, line.byte_start, range.start - line.range.start);
        let end_byte = byte_of_char(&self.text, start_byte, range.len());
        &self.text[start_byte..end_byte]
    }

    /// Byte offset in [`Document::text`] of char `pos` (the text's length past the end).
    pub fn byte_of(&self, pos: usize) -> usize {
        let idx = self.lines.partition_point(|l| l.range.end < pos);
        match self.lines.get(idx) {
            Some(line) => byte_of_char(&self.text, line.byte_start, pos - line.range.start),
            None => self.text.len(),
        }
    }

    /// Char offset of byte offset `byte` (which must fall on a char boundary).
    pub fn char_of_byte(&self, byte: usize) -> usize {
        let idx = self
            .lines
            .partition_point(|l| l.byte_start <= byte)
            .saturating_sub(1);
        match self.lines.get(idx) {
            Some(line) => {
                let end = byte.min(self.text.len());
                line.range.start + count_chars(self.text.get(line.byte_start..end).unwrap_or(""))
            }
            None => 0,
        }
    }

    fn with_lines(text: String, encoding: &str, format: SourceFormat) -> Self {
        let (lines, char_count) = line_index(&text);
        Self::with_index(text, lines, char_count, encoding, format)
    }

    fn with_index(
        text: String,
        lines: Vec<Line>,
        char_count: usize,
        encoding: &str,
        format: SourceFormat,
    ) -> Self {
        Self {
            text,
            encoding: encoding.to_owned(),
            format,
            lines,
            char_count,
            warnings: Vec::new(),
            notices: Vec::new(),
            markup: DocxMarkup::default(),
        }
    }
}

/// Texts from this size (bytes) have their lines indexed in two halves on two threads.
const PARALLEL_LINES_BYTES: usize = 512 * 1024;

/// Every line of `text` (split at `\n`) and the number of chars in it.
fn line_index(text: &str) -> (Vec<Line>, usize) {
    index_lines(text, |_| true).unwrap_or_default()
}

/// [`line_index`] of `text` if it needs no [`normalize_line_ends`].
fn line_index_if_normal(text: &str) -> Option<(Vec<Line>, usize)> {
    index_lines(text, |piece| !needs_normalizing(piece.as_bytes()))
}

/// [`line_index`] of `text` if `ok` holds for both its halves (for the whole of a small
/// text), `None` otherwise. A big text is done in two halves on two threads.
fn index_lines(text: &str, ok: impl Fn(&str) -> bool + Sync) -> Option<(Vec<Line>, usize)> {
    let mid = text.len() / 2;
    let cut = (text.len() >= PARALLEL_LINES_BYTES)
        .then(|| memchr::memchr(b'\n', &text.as_bytes()[mid..]))
        .flatten()
        .map(|i| mid + i);
    let Some(cut) = cut else {
        if !ok(text) {
            return None;
        }
        if text.is_empty() {
            return Some((Vec::new(), 0));
        }
        let lines = lines_from(text, 0, 0);
        let char_count = lines.last().map_or(0, |l| l.range.end);
        return Some((lines, char_count));
    };
    // The lines before the line feed at `cut` and those after it: the second half's offsets
    // are shifted once the first half's char count is known. (Nothing `ok` looks for holds
    // a line feed, so none is cut in two.)
    let index =
        |piece: &str, byte_start: usize| ok(piece).then(|| lines_from(piece, 0, byte_start));
    let (lines, tail) = std::thread::scope(|scope| {
        let tail = scope.spawn(|| index(&text[cut + 1..], cut + 1));
        (index(&text[..cut], 0), tail.join())
    });
    let tail = tail.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let mut lines = lines?;
    let shift = lines.last().map_or(0, |l| l.range.end) + 1;
    lines.reserve_exact(tail.len());
    lines.extend(tail.into_iter().map(|mut l| {
        l.range.start += shift;
        l.range.end += shift;
        l
    }));
    let char_count = lines.last().map_or(0, |l| l.range.end);
    Some((lines, char_count))
}

/// The lines of `text`, which starts at char `char_start` and byte `byte_start`.
fn lines_from(text: &str, char_start: usize, byte_start: usize) -> Vec<Line> {
    let mut lines = Vec::with_capacity(text.len() / 64 + 1);
    let mut char_pos = char_start;
    let mut byte_pos = byte_start;
    for piece in text.split('\n') {
        let chars = count_chars(piece);
        lines.push(Line {
            range: TextRange::new(char_pos, char_pos + chars),
            byte_start: byte_pos,
            byte_end: byte_pos + piece.len(),
            hint: LineHint::None,
        });
        char_pos += chars + 1;
        byte_pos += piece.len() + 1;
    }
    lines
}

/// The first bytes of an OLE compound file (CFB): old `.doc`, `.xls`, `.ppt`, and the
/// container of password-protected `.docx` files.
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Ideographs, kana, hangul, CJK punctuation and full-width forms: text set one em per char
/// with no spaces between words (page layout joins lines by it, the reader estimates widths
/// by it).
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF
        | 0x2E80..=0x303F
        | 0x3040..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0xFE10..=0xFE1F
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFF)
}

/// Count chars (std's counter is vectorised).
pub fn count_chars(s: &str) -> usize {
    s.chars().count()
}

/// Byte offset of the char `n` chars after byte offset `from` in `text`.
fn byte_of_char(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// Whether text has a `\r` or a byte-order mark for [`normalize_line_ends`] to take out.
fn needs_normalizing(bytes: &[u8]) -> bool {
    // Byte searches (SIMD): a `char` pattern would decode the whole text. U+FEFF is EF BB BF;
    // the pair EF BB is rare in Chinese text (U+FEC0…U+FEFF), where BB BF and BF alone are
    // everywhere (仿 E4 BB BF, 绿 E7 BB BF): searched for as a pair, then the third byte.
    memchr::memchr(b'\r', bytes).is_some()
        || memchr::memmem::find_iter(bytes, b"\xEF\xBB").any(|i| bytes.get(i + 2) == Some(&0xBF))
}

/// Turn `\r\n` and lone `\r` into `\n` and drop stray byte-order marks (U+FEFF, left
/// mid-text when files are joined), reusing the buffer when there is nothing to do.
pub fn normalize_line_ends(text: String) -> String {
    if !needs_normalizing(text.as_bytes()) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{FEFF}' => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_byte_order_mark_or_a_carriage_return_needs_normalising() {
        for (t, needs) in [
            ("仿绿，：（）ﻀﻼ", false),
            ("a\u{FEFF}b", true),
            ("\u{FEFF}", true),
            ("x\r", true),
            ("", false),
        ] {
            assert_eq!(needs_normalizing(t.as_bytes()), needs, "{t}");
        }
    }

    #[test]
    fn line_ends_are_normalised() {
        assert_eq!(normalize_line_ends("a\r\nb\rc\n".into()), "a\nb\nc\n");
        assert_eq!(
            normalize_line_ends("\u{FEFF}同志们：\n\u{FEFF}一、".into()),
            "同志们：\n一、"
        );
    }

    #[test]
    fn lines_carry_char_and_byte_offsets() {
        let doc = Document::from_text("一、总\n\n二x".into(), "UTF-8", SourceFormat::Text);
        assert_eq!(doc.lines.len(), 3);
        assert_eq!(doc.lines[0].range, TextRange::new(0, 3));
        assert_eq!(doc.lines[1].range, TextRange::new(4, 4));
        assert_eq!(doc.lines[2].range, TextRange::new(5, 7));
        assert_eq!(doc.line_text(&doc.lines[2]), "二x");
        assert_eq!(doc.char_count, 7);
        assert_eq!(doc.slice(TextRange::new(1, 3)), "、总");
        assert_eq!(doc.slice(TextRange::new(5, 7)), "二x");
    }

    #[test]
    fn a_big_text_is_indexed_in_two_halves_as_in_one() {
        let mut text = "一、总体要求\n\n（一）加强学习，推动落实。𠀀x\n".repeat(20_000);
        for end in ["", "\n", "尾"] {
            text.push_str(end);
            assert!(text.len() >= PARALLEL_LINES_BYTES);
            let (lines, chars) = line_index(&text);
            let one = lines_from(&text, 0, 0);
            assert_eq!(lines, one);
            assert_eq!(chars, text.chars().count());
            assert_eq!(lines.len(), text.matches('\n').count() + 1);
        }
        // A `\r` or a byte-order mark in either half is normalised away first.
        for odd in ["\r\n", "\r", "\u{FEFF}"] {
            for at in [1000, text.len() - 1000] {
                let at = text.floor_char_boundary(at);
                let mut with = text.clone();
                with.insert_str(at, odd);
                let doc = Document::from_text(with.clone(), "UTF-8", SourceFormat::Text);
                assert_eq!(doc.text, normalize_line_ends(with));
                assert_eq!(doc.lines, lines_from(&doc.text, 0, 0));
            }
        }
        // One long line: nowhere to cut.
        let line = "讲".repeat(300_000);
        let (lines, chars) = line_index(&line);
        assert_eq!((lines.len(), chars), (1, 300_000));
    }

    #[test]
    fn empty_text_has_no_lines() {
        let doc = Document::from_text(String::new(), "UTF-8", SourceFormat::Text);
        assert!(doc.lines.is_empty());
        assert_eq!(doc.char_count, 0);
    }

    #[test]
    fn regression_a_file_longer_than_its_metadata_is_still_bounded() {
        // The metadata says 10 bytes; the reader never ends. Every path stops at the limit.
        let limit = 1 << 20;
        for head in [
            &b"plain text "[..],
            b"PK\x03\x04",
            &CFB_MAGIC,
            "讲话".as_bytes(),
            b"\xD6\xB2\xBB\xB0",
        ] {
            let endless = head.chain(std::io::repeat(b'a'));
            let err = Document::read_from(endless, 10, "x.txt", limit).unwrap_err();
            assert!(matches!(err, OpenError::TooLarge { .. }), "{head:?}: {err}");
        }
        // Exactly the limit is fine.
        let exact = std::io::repeat(b'a').take(limit);
        let doc = Document::read_from(exact, limit, "x.txt", limit).unwrap();
        assert_eq!(doc.char_count, limit as usize);
        // And the metadata alone refuses what is too big before reading.
        let err = Document::read_from(std::io::empty(), 3 << 20, "x.txt", limit).unwrap_err();
        assert!(
            matches!(
                err,
                OpenError::TooLarge {
                    size_mb: 3,
                    limit_mb: 1
                }
            ),
            "{err}"
        );
    }

    /// An OLE compound file with these streams.
    fn compound_file(streams: &[&str]) -> Vec<u8> {
        let mut cfb = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        for name in streams {
            let mut stream = cfb.create_stream(name).unwrap();
            std::io::Write::write_all(&mut stream, &[7u8; 600]).unwrap();
        }
        cfb.flush().unwrap();
        cfb.into_inner().into_inner()
    }

    #[test]
    fn regression_password_protected_docx_called_old_binary_word() {
        let encrypted = compound_file(&["/EncryptionInfo", "/EncryptedPackage"]);
        for name in ["报告.docx", "报告.doc", "报告"] {
            let err = Document::from_bytes(encrypted.clone(), name).unwrap_err();
            assert!(matches!(err, OpenError::PasswordProtected), "{name}: {err}");
            assert!(err.to_string().contains("password"), "{err}");
        }
        // A WordDocument stream that is not one: damaged, said in Word's terms.
        let doc = compound_file(&["/WordDocument", "/1Table"]);
        let err = Document::from_bytes(doc, "old.doc").unwrap_err();
        assert!(matches!(err, OpenError::Doc(DocError::Damaged(_))), "{err}");
        // A Microsoft Works .wps is named as such.
        let works = compound_file(&["/CONTENTS", "/MatOST"]);
        let err = Document::from_bytes(works, "旧.wps").unwrap_err();
        assert!(matches!(err, OpenError::Doc(DocError::Works)), "{err}");
        assert!(err.to_string().contains("Microsoft Works"), "{err}");
        let xls = compound_file(&["/Workbook"]);
        let err = Document::from_bytes(xls, "sheet.xls").unwrap_err();
        assert!(matches!(err, OpenError::NotWordCompound), "{err}");
        // Too damaged to look inside: a damaged Word file, and no panic.
        let mut cut = compound_file(&["/WordDocument"]);
        for len in [8, 100, 512, 700, cut.len() - 1] {
            let err = Document::from_bytes(cut[..len].to_vec(), "old.doc").unwrap_err();
            assert!(
                matches!(err, OpenError::Doc(DocError::Damaged(_))),
                "{len}: {err}"
            );
        }
        cut[600..].fill(0xFF);
        assert!(Document::from_bytes(cut, "old.doc").is_err());
    }

    #[test]
    fn damage_warnings_reach_the_document() {
        let mut bytes = "同志们：\n一、坚持学习，推动工作落实。".as_bytes().to_vec();
        bytes.insert(13, 0xFF);
        let doc = Document::from_bytes(bytes, "x.md").unwrap();
        assert_eq!(doc.warnings.len(), 1);
        assert_eq!((doc.warnings[0].byte_offset, doc.warnings[0].line), (13, 2));
        assert!(doc.line_text(&doc.lines[1]).starts_with('\u{FFFD}'));
        assert!(
            Document::from_text("x".into(), "UTF-8", SourceFormat::Text)
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn scanned_pages_are_listed_with_runs_joined() {
        let notice = FormatNotice::ScannedPages {
            pages: vec![1, 2, 3, 7, 9, 10],
            total: 12,
        };
        assert_eq!(
            notice.to_string(),
            "pages 1–3, 7, 9–10 of 12 are scanned images with no text; run OCR on them to read their text"
        );
        let one = FormatNotice::ScannedPages {
            pages: vec![4],
            total: 4,
        };
        assert!(
            one.to_string()
                .starts_with("page 4 of 4 is a scanned image")
        );
        assert_eq!(page_list(&[], ", ", "–"), "");
    }

    #[test]
    fn fake_docx_is_refused() {
        let err = Document::from_bytes(b"hello".to_vec(), "x.docx").unwrap_err();
        assert!(matches!(err, OpenError::Docx(DocxError::NotZip)), "{err}");
    }
}
