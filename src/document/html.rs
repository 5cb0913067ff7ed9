//! Saved web pages: HTML (`.html`, `.htm`, `.xhtml`, `.shtml`) and MHTML web archives
//! (`.mht`, `.mhtml`), read into paragraphs the way a reader mode shows them.
//!
//! The markup is tokenised by html5ever (entities, raw text, tag soup handled as browsers
//! do); the paragraphs are built by one pass over the tokens with a bounded stack of open
//! elements, so a page of millions of nested `<div>`s costs linear time and no recursion.
//! On a web page ([`Mode::Page`]) navigation, headers, footers, share bars, forms, scripts
//! and styles are left out; inside a WeChat article only `#js_content` (and the article's
//! title) is read. In a book ([`Mode::Book`], EPUB chapters) every text is kept.

use std::cell::RefCell;

use encoding_rs::Encoding;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{DecodeError, DocxParagraph, LineHint, decode_text};

/// More paragraphs than this from one page: refused.
const MAX_PARAGRAPHS: usize = 4_000_000;
/// More chars of text than this from one page: refused.
const MAX_TEXT_CHARS: usize = 64_000_000;
/// Open elements tracked; deeper ones are only counted (their tags still balance).
const MAX_STACK: usize = 512;
/// Bytes searched for a `<meta charset>` (the HTML standard's prescan uses 1024).
const META_PRESCAN_BYTES: usize = 4096;
/// Nested multipart levels followed in an MHTML archive.
const MAX_MIME_DEPTH: usize = 4;

/// Why a web page or web archive could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// An MHTML archive without an HTML part.
    #[error(
        "this web archive (.mht/.mhtml) holds no HTML page; open the page in a browser and save it again as \"Web page, complete\" or as .html"
    )]
    NoPage,
    /// The page holds more text than Pizhu reads.
    #[error(
        "the web page holds too much text to open (more than {} million characters or {} million paragraphs); save parts of it as separate files", MAX_TEXT_CHARS / 1_000_000, MAX_PARAGRAPHS / 1_000_000
    )]
    TooMuchText,
}

/// How much of a page is text to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Mode {
    /// A saved web page: leave out navigation, headers, footers, share bars.
    #[default]
    Page,
    /// A chapter of a book: keep every text.
    Book,
}

/// The paragraphs of a page, and where its `id`s are.
#[derive(Debug, Default)]
pub(super) struct Extracted {
    pub paragraphs: Vec<DocxParagraph>,
    /// `(id, index of the first paragraph at or after the element)`.
    pub anchors: Vec<(String, usize)>,
}

/// Whether `head` (a file's first bytes) is an HTML page, by content or by `ext`.
pub(super) fn looks_like_html(head: &[u8], ext: &str) -> bool {
    if matches!(ext, "html" | "htm" | "xhtml" | "shtml" | "xht") {
        return true;
    }
    let mut rest = skip_space(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head));
    // An XML declaration and leading comments (`<!-- saved from url=… -->`) come first.
    if starts_with_ignore_case(rest, b"<?xml") {
        let Some(end) = memchr::memmem::find(rest, b"?>") else {
            return false;
        };
        rest = skip_space(&rest[end + 2..]);
    }
    for _ in 0..16 {
        if !rest.starts_with(b"<!--") {
            break;
        }
        let Some(end) = memchr::memmem::find(rest, b"-->") else {
            return false;
        };
        rest = skip_space(&rest[end + 3..]);
    }
    starts_with_ignore_case(rest, b"<!doctype html") || starts_with_ignore_case(rest, b"<html")
}

/// Whether `head` is an MHTML web archive (MIME headers and a multipart body), or `ext`
/// says so.
pub(super) fn looks_like_mhtml(head: &[u8], ext: &str) -> bool {
    if matches!(ext, "mht" | "mhtml") {
        return true;
    }
    let rest = skip_space(head);
    let mime_header = [
        &b"mime-version:"[..],
        b"from:",
        b"content-type:",
        b"subject:",
        b"date:",
        b"snapshot-content-location:",
    ]
    .iter()
    .any(|h| starts_with_ignore_case(rest, h));
    mime_header && find_ignore_case(&rest[..rest.len().min(8192)], b"multipart/related").is_some()
}

fn skip_space(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn starts_with_ignore_case(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Decode an HTML file: a BOM, else `<meta charset>` / `http-equiv`, else detection.
/// Returns the text and the encoding's name.
pub(super) fn decode_html(
    bytes: Vec<u8>,
    declared: Option<&str>,
) -> Result<(String, String), DecodeError> {
    if Encoding::for_bom(&bytes).is_none() {
        let label = declared
            .map(str::to_owned)
            .or_else(|| meta_charset(&bytes[..bytes.len().min(META_PRESCAN_BYTES)]));
        if let Some(enc) = label.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
            // A page that says UTF-8 goes through the text decoder, which says where
            // damaged bytes were replaced; others are decoded as declared.
            if enc != encoding_rs::UTF_8 {
                let enc = if enc == encoding_rs::GBK {
                    // GBK pages often hold GB18030 chars; GB18030 reads both.
                    encoding_rs::GB18030
                } else {
                    enc
                };
                let (text, _) = enc.decode_without_bom_handling(&bytes);
                return Ok((text.into_owned(), enc.name().to_owned()));
            }
        }
    }
    let decoded = decode_text(bytes)?;
    Ok((decoded.text, decoded.encoding.to_owned()))
}

/// The charset a page declares in its first bytes: `<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`.
fn meta_charset(head: &[u8]) -> Option<String> {
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + at;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(i) = memchr::memmem::find(tag, b"charset") {
            let value = skip_space(&tag[i + 7..]);
            if let Some(value) = value.strip_prefix(b"=") {
                let value = skip_space(value);
                let value = value
                    .strip_prefix(b"\"")
                    .or_else(|| value.strip_prefix(b"'"))
                    .unwrap_or(value);
                let len = value
                    .iter()
                    .take_while(|c| {
                        !matches!(c, b'"' | b'\'' | b';' | b'/' | b'>') && !c.is_ascii_whitespace()
                    })
                    .count();
                if len > 0 {
                    return Some(String::from_utf8_lossy(&value[..len]).into_owned());
                }
            }
        }
        from = end.max(start + 5);
    }
    None
}

/// Paragraphs of a decoded page.
pub(super) fn html_to_paragraphs(html: &str, mode: Mode) -> Result<Extracted, WebError> {
    let wechat = mode == Mode::Page
        && (html.contains("id=\"js_content\"") || html.contains("id='js_content'"));
    let sink = Sink {
        state: RefCell::new(State {
            mode,
            wechat,
            ..State::default()
        }),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let mut state = tokenizer.sink.state.into_inner();
    state.flush();
    if state.too_much {
        return Err(WebError::TooMuchText);
    }
    state.mark_title();
    Ok(Extracted {
        paragraphs: state.out,
        anchors: state.anchors,
    })
}

struct Sink {
    state: RefCell<State>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => return state.start(&tag),
                TagKind::EndTag => state.end(&tag.name),
            },
            Token::CharacterTokens(text) => state.text(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// What an open element means for the text inside it.
#[derive(Clone, Debug)]
struct Open {
    name: html5ever::LocalName,
    /// Its content is not text to read (script, navigation …).
    hides: bool,
    /// WeChat's article body or title.
    content: bool,
    heading: bool,
    cell: bool,
    pre: bool,
    block: bool,
    title: bool,
}

#[derive(Default)]
struct State {
    mode: Mode,
    wechat: bool,
    out: Vec<DocxParagraph>,
    anchors: Vec<(String, usize)>,
    chars: usize,
    too_much: bool,
    current: String,
    space: bool,
    stack: Vec<Open>,
    /// Open elements beyond [`MAX_STACK`], only counted.
    untracked: usize,
    hides: usize,
    content: usize,
    cells: usize,
    pre: usize,
    heading: Option<u8>,
    in_title: usize,
    title: String,
    /// Index in `out` of the first `<h1>` paragraph.
    first_h1: Option<usize>,
}

/// Elements with no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame",
];

/// Elements that break paragraphs.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "html",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "xmp",
];

/// Elements whose content is never text to read.
const ALWAYS_HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "math", "object", "iframe",
    "noembed", "noframes", "select", "datalist", "button", "canvas", "audio", "video", "map",
];

/// Elements left out of a web page (not of a book).
const PAGE_HIDDEN: &[&str] = &["nav", "header", "footer", "aside", "form", "menu", "dialog"];

/// Words in a class or id that mark page furniture.
const FURNITURE_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "crumbs",
    "share",
    "sharebar",
    "bdshare",
    "bdsharebuttonbox",
    "social",
    "sidebar",
    "copyright",
    "qrcode",
    "toolbar",
    "topbar",
    "advert",
    "advertisement",
    "pagination",
    "pager",
];

/// Whole class or id values that mark page furniture.
const FURNITURE_NAMES: &[&str] = &[
    "header",
    "footer",
    "head",
    "foot",
    "top",
    "bottom",
    "banner",
    "comment",
    "comments",
    "related",
    "recommend",
    "login",
    "search",
];

/// `role` values of page furniture.
const FURNITURE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
];

fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

/// Whether a class or id value marks page furniture (navigation, share bars …).
fn is_furniture(value: &str) -> bool {
    value.split_ascii_whitespace().any(|token| {
        let token = token.to_ascii_lowercase();
        FURNITURE_NAMES.contains(&token.as_str())
            || token
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| FURNITURE_WORDS.contains(&w))
    })
}

impl State {
    fn start(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name = &*tag.name;
        if let Some(id) = attr(tag, "id")
            && self.mode == Mode::Book
        {
            self.anchors.push((id.to_owned(), self.out.len()));
        }
        if VOID.contains(&name) {
            match name {
                "br" => self.line_break(),
                "hr" => self.block_edge(),
                _ => {}
            }
            return TokenSinkResult::Continue;
        }
        let raw = match name {
            "script" => Some(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                Some(RawKind::Rawtext)
            }
            "title" | "textarea" => Some(RawKind::Rcdata),
            _ => None,
        };
        if tag.self_closing {
            // XHTML's `<p/>`, `<a id="x"/>`: nothing inside.
            if BLOCKS.contains(&name) {
                self.block_edge();
            }
            return TokenSinkResult::Continue;
        }
        // Implicit ends, as browsers do: a new item, row or cell ends the open one, and
        // a block ends an open paragraph.
        if let Some(top) = self.stack.last() {
            let top = &*top.name;
            let closes = match name {
                "li" => top == "li",
                "dt" | "dd" => matches!(top, "dt" | "dd"),
                "tr" => matches!(top, "tr" | "td" | "th"),
                "td" | "th" => matches!(top, "td" | "th"),
                "option" => top == "option",
                _ => top == "p" && BLOCKS.contains(&name),
            };
            if closes && self.untracked == 0 {
                self.pop();
                if name == "tr" && self.stack.last().is_some_and(|t| &*t.name == "tr") {
                    self.pop();
                }
            }
        }
        let hides = ALWAYS_HIDDEN.contains(&name)
            || (self.mode == Mode::Page && self.is_page_furniture(name, tag));
        let content = self.wechat
            && (attr(tag, "id").is_some_and(|id| id == "js_content" || id == "activity-name"));
        let heading = match name.as_bytes() {
            [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
            _ => None,
        };
        let open = Open {
            name: tag.name.clone(),
            hides,
            content,
            heading: heading.is_some(),
            cell: matches!(name, "td" | "th"),
            pre: matches!(name, "pre" | "listing" | "textarea"),
            block: BLOCKS.contains(&name),
            title: name == "title",
        };
        if open.block && !open.cell {
            self.block_edge();
        }
        if name == "tr" {
            self.flush();
        }
        if open.cell && self.cells == 0 && !self.current.trim().is_empty() {
            self.current.push('\t');
            self.space = false;
        }
        if let Some(level) = heading
            && self.cells == 0
        {
            self.flush();
            self.heading = Some(level);
        }
        if self.stack.len() < MAX_STACK {
            self.hides += usize::from(open.hides);
            self.content += usize::from(open.content);
            self.cells += usize::from(open.cell);
            self.pre += usize::from(open.pre);
            self.in_title += usize::from(open.title);
            self.stack.push(open);
        } else {
            self.untracked += 1;
        }
        match raw {
            Some(kind) => TokenSinkResult::RawData(kind),
            None => TokenSinkResult::Continue,
        }
    }

    fn is_page_furniture(&self, name: &str, tag: &Tag) -> bool {
        if PAGE_HIDDEN.contains(&name) {
            return true;
        }
        if attr(tag, "role").is_some_and(|r| FURNITURE_ROLES.contains(&r.trim())) {
            return true;
        }
        if attr(tag, "aria-hidden") == Some("true") {
            return true;
        }
        // WeChat's article body is never furniture, whatever its classes.
        if attr(tag, "id").is_some_and(|id| id == "js_content") {
            return false;
        }
        attr(tag, "class").is_some_and(is_furniture) || attr(tag, "id").is_some_and(is_furniture)
    }

    fn end(&mut self, name: &html5ever::LocalName) {
        if self.untracked > 0 {
            self.untracked -= 1;
            return;
        }
        if VOID.contains(&&**name) {
            if &**name == "br" {
                // `</br>` is read as `<br>` by browsers.
                self.line_break();
            }
            return;
        }
        match self.stack.iter().rposition(|o| o.name == *name) {
            Some(at) => {
                while self.stack.len() > at {
                    self.pop();
                }
            }
            // `</p>` without `<p>` is an empty paragraph to browsers.
            None if &**name == "p" => self.block_edge(),
            None => {}
        }
    }

    fn pop(&mut self) {
        let Some(open) = self.stack.pop() else { return };
        self.hides -= usize::from(open.hides);
        self.content -= usize::from(open.content);
        self.cells -= usize::from(open.cell);
        self.pre -= usize::from(open.pre);
        self.in_title -= usize::from(open.title);
        if open.heading && self.cells == 0 {
            self.flush();
            self.heading = None;
        } else if open.cell {
            // The row goes on: the next cell adds its tab.
            self.space = true;
        } else if open.block {
            self.block_edge();
        }
    }

    fn visible(&self) -> bool {
        self.hides == 0 && (!self.wechat || self.content > 0)
    }

    fn text(&mut self, text: &str) {
        if self.in_title > 0 {
            if self.title.len() < 4096 {
                self.title.push_str(text);
            }
            return;
        }
        if !self.visible() {
            return;
        }
        for c in text.chars() {
            match c {
                '\n' if self.pre > 0 => self.line_break(),
                ' ' | '\t' | '\n' | '\r' | '\x0C' | '\u{A0}' => self.space = true,
                c if (c as u32) < 0x20 => {}
                c => {
                    if self.space && !self.current.is_empty() && !self.current.ends_with('\n') {
                        self.current.push(' ');
                    }
                    self.space = false;
                    self.current.push(c);
                    self.chars += 1;
                }
            }
        }
        if self.chars > MAX_TEXT_CHARS {
            self.too_much = true;
            self.current.clear();
        }
    }

    fn line_break(&mut self) {
        if self.visible() && !self.current.is_empty() {
            self.current.push('\n');
            self.space = false;
        }
    }

    /// A block starts or ends: a new paragraph (inside a table cell, a space).
    fn block_edge(&mut self) {
        if self.cells > 0 {
            self.space = true;
        } else {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.space = false;
        let text = self.current.trim_matches(|c: char| c.is_ascii_whitespace());
        if text.is_empty() || self.too_much {
            self.current.clear();
            return;
        }
        if self.out.len() >= MAX_PARAGRAPHS {
            self.too_much = true;
            self.current.clear();
            return;
        }
        let hint = match self.heading {
            Some(1) if self.first_h1.is_none() => {
                self.first_h1 = Some(self.out.len());
                LineHint::Heading(1)
            }
            Some(level) => LineHint::Heading(level),
            None => LineHint::None,
        };
        let text = text.to_owned();
        self.current.clear();
        self.out.push(DocxParagraph { text, hint });
    }

    /// The first `<h1>` is the title when the page's `<title>` says the same.
    fn mark_title(&mut self) {
        let title: String = self.title.split_whitespace().collect();
        let Some(i) = self.first_h1 else { return };
        let h1: String = self.out[i].text.split_whitespace().collect();
        if !title.is_empty() && !h1.is_empty() && (title.contains(&h1) || h1.contains(&title)) {
            self.out[i].hint = LineHint::Title;
        }
    }
}

// ------------------------------------------------------------------------------ MHTML

/// The HTML page inside an MHTML archive: its bytes and the charset its part declares.
pub(super) fn mhtml_page(bytes: &[u8]) -> Result<(Vec<u8>, Option<String>), WebError> {
    find_html_part(bytes, 0).ok_or(WebError::NoPage)
}

/// Headers (unfolded, names lowercased) and the body of one MIME entity.
fn split_entity(bytes: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut pos = 0;
    loop {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |e| pos + e);
        let line = &bytes[pos..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let next = (end + 1).min(bytes.len());
        if line.is_empty() {
            return (headers, &bytes[next..]);
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(String::from_utf8_lossy(line).trim());
            }
        } else if let Some(colon) = memchr::memchr(b':', line) {
            headers.push((
                String::from_utf8_lossy(&line[..colon])
                    .trim()
                    .to_ascii_lowercase(),
                String::from_utf8_lossy(&line[colon + 1..])
                    .trim()
                    .to_owned(),
            ));
        } else {
            // Not a header line: there are no (more) headers.
            return (headers, &bytes[pos..]);
        }
        if end >= bytes.len() {
            return (headers, &[]);
        }
        pos = next;
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A parameter of a header value: `boundary`, `charset` (quotes removed).
fn param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').trim_matches('\'').to_owned())
    })
}

fn find_html_part(bytes: &[u8], depth: usize) -> Option<(Vec<u8>, Option<String>)> {
    let (headers, body) = split_entity(bytes);
    // A part without a type is plain text (RFC 2045).
    let content_type = header(&headers, "content-type").unwrap_or("text/plain");
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media.starts_with("multipart/") {
        if depth >= MAX_MIME_DEPTH {
            return None;
        }
        let boundary = param(content_type, "boundary")?;
        return parts(body, &boundary).find_map(|part| find_html_part(part, depth + 1));
    }
    if media != "text/html" && media != "application/xhtml+xml" {
        return None;
    }
    let encoding = header(&headers, "content-transfer-encoding")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let decoded = match encoding.as_str() {
        "quoted-printable" => quoted_printable(body),
        "base64" => base64(body),
        _ => body.to_vec(),
    };
    Some((decoded, param(content_type, "charset")))
}

/// The parts between `--boundary` lines.
fn parts<'b>(body: &'b [u8], boundary: &str) -> impl Iterator<Item = &'b [u8]> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&body[from..], &delimiter) {
        let at = from + at;
        // A delimiter starts a line.
        if at == 0 || body[at - 1] == b'\n' {
            starts.push(at);
        }
        from = at + delimiter.len();
    }
    let mut out = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let after = start + delimiter.len();
        if body[after..].starts_with(b"--") {
            break;
        }
        let line_end = memchr::memchr(b'\n', &body[after..]).map_or(body.len(), |e| after + e + 1);
        let end = starts.get(i + 1).copied().unwrap_or(body.len());
        if line_end <= end {
            out.push(&body[line_end..end]);
        }
    }
    out.into_iter()
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Quoted-printable: `=XX` bytes, `=` at a line end joins lines.
fn quoted_printable(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c != b'=' {
            out.push(c);
            i += 1;
            continue;
        }
        let rest = &body[i + 1..];
        if rest.starts_with(b"\r\n") {
            i += 3;
        } else if rest.starts_with(b"\n") {
            i += 2;
        } else if let (Some(h), Some(l)) = (
            rest.first().copied().and_then(hex),
            rest.get(1).copied().and_then(hex),
        ) {
            out.push(h << 4 | l);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Base64, ignoring line breaks and anything outside the alphabet.
fn base64(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in body {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> Vec<(String, LineHint)> {
        html_to_paragraphs(html, Mode::Page)
            .unwrap()
            .paragraphs
            .into_iter()
            .map(|p| (p.text, p.hint))
            .collect()
    }

    fn texts(html: &str, mode: Mode) -> Vec<String> {
        html_to_paragraphs(html, mode)
            .unwrap()
            .paragraphs
            .into_iter()
            .map(|p| p.text)
            .collect()
    }

    #[test]
    fn blocks_breaks_headings_and_title() {
        let got = page(
            "<html><head><title>关于做好工作的通知 - 中国政府网</title><style>p{}</style></head>\
             <body><h1>关于做好工作的通知</h1><p>各&nbsp;地：<br>请  认真\n 落实。</p>\
             <h2>一、总体要求</h2><div>正文<b>加粗</b>&amp;<span>续</span></div><p>末</body></html>",
        );
        assert_eq!(
            got,
            [
                ("关于做好工作的通知".into(), LineHint::Title),
                ("各 地：\n请 认真 落实。".into(), LineHint::None),
                ("一、总体要求".into(), LineHint::Heading(2)),
                ("正文加粗&续".into(), LineHint::None),
                ("末".into(), LineHint::None),
            ]
        );
        // Without a matching <title>, <h1> is a level-1 heading.
        assert_eq!(page("<h1>标题</h1>")[0].1, LineHint::Heading(1));
    }

    #[test]
    fn furniture_scripts_and_comments_are_left_out_of_pages_not_books() {
        let html = "<body><nav>首页 | 新闻</nav><div class=\"header\">网站头</div>\
            <div class=\"bdsharebuttonbox\">分享到</div><script>var x='<p>no</p>';</script>\
            <!-- 注释 --><div class=\"article-content\"><p>正文一</p></div>\
            <div id=\"footer\">版权所有</div><div role=\"navigation\">导航</div></body>";
        assert_eq!(texts(html, Mode::Page), ["正文一"]);
        assert_eq!(
            texts(html, Mode::Book),
            [
                "首页 | 新闻",
                "网站头",
                "分享到",
                "正文一",
                "版权所有",
                "导航"
            ]
        );
    }

    #[test]
    fn wechat_articles_read_only_the_article() {
        let html = "<body><div class=\"top\">公众号</div>\
            <h1 class=\"rich_media_title\" id=\"activity-name\">学习贯彻会议精神</h1>\
            <div id=\"meta\">作者 2024-01-01</div>\
            <div class=\"rich_media_content\" id=\"js_content\" style=\"visibility: hidden;\">\
            <p>一、提高认识</p><section><span>正文</span></section></div>\
            <div class=\"qr_code_pc\">扫码关注</div><p>阅读原文</p></body>";
        assert_eq!(
            texts(html, Mode::Page),
            ["学习贯彻会议精神", "一、提高认识", "正文"]
        );
    }

    #[test]
    fn tables_are_rows_of_tab_separated_cells() {
        let html = "<table><tr><td><p>项目</p></td><td>金额</td></tr>\
            <tr><td>道路<p>改造</p></td><td>120</td></table><p>后</p>";
        assert_eq!(
            texts(html, Mode::Page),
            ["项目\t金额", "道路 改造\t120", "后"]
        );
    }

    #[test]
    fn anchors_point_at_the_next_paragraph() {
        let got = html_to_paragraphs(
            "<p>前</p><h2 id=\"c1\">第一章</h2><p>文</p><a id=\"end\"/>",
            Mode::Book,
        )
        .unwrap();
        assert_eq!(got.anchors, [("c1".into(), 1), ("end".into(), 3)]);
    }

    #[test]
    fn deep_nesting_is_linear_and_flat() {
        let n = 200_000;
        let html = format!(
            "{}深{}<p>后</p>",
            "<div><b>".repeat(n),
            "</b></div>".repeat(n)
        );
        let start = std::time::Instant::now();
        assert_eq!(texts(&html, Mode::Page), ["深", "后"]);
        // A guard against quadratic work (4·10^10 steps here), not a speed goal (that is in
        // benches): linear takes a second or two even in a debug build on a loaded machine.
        assert!(start.elapsed() < std::time::Duration::from_secs(120));
    }

    #[test]
    fn sniffing() {
        assert!(looks_like_html(b"\xEF\xBB\xBF \n<!DOCTYPE HTML>", ""));
        assert!(looks_like_html(b"<Html lang=zh>", "txt"));
        assert!(looks_like_html(
            b"<!-- saved from url=(0014)about:internet -->\r\n<html>",
            ""
        ));
        assert!(looks_like_html(
            b"<?xml version=\"1.0\"?>\n<html xmlns=\"x\">",
            ""
        ));
        assert!(looks_like_html(b"", "htm"));
        assert!(!looks_like_html(b"<p>not a page</p>", "txt"));
        assert!(!looks_like_html("一、html".as_bytes(), "txt"));
        assert!(looks_like_mhtml(
            b"From: <Saved by Blink>\r\nContent-Type: multipart/related;\r\n",
            ""
        ));
        assert!(!looks_like_mhtml(b"From: someone\n\nhello", "txt"));
    }

    #[test]
    fn charset_from_meta_or_detection() {
        assert_eq!(
            meta_charset(b"<head><META charset=\"GBK\">").as_deref(),
            Some("gbk")
        );
        assert_eq!(
            meta_charset(b"<meta http-equiv=Content-Type content=\"text/html; charset=gb2312\">")
                .as_deref(),
            Some("gb2312")
        );
        assert_eq!(meta_charset(b"<meta name=x content=y>"), None);
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=gb2312><p>讲话</p>");
        let (text, enc) = decode_html(gbk.into_owned(), None).unwrap();
        assert!(text.contains("讲话"), "{text}");
        assert_eq!(enc, "gb18030");
    }

    #[test]
    fn quoted_printable_and_base64_decode() {
        assert_eq!(
            quoted_printable(b"a=3D=E4=BD=A0=\r\nb=\nc=zz"),
            b"a=\xE4\xBD\xA0bc=zz"
        );
        assert_eq!(base64(b"5L2g\r\n5aW9"), "你好".as_bytes());
        assert_eq!(base64(b"YQ=="), b"a");
    }

    #[test]
    fn mhtml_parts_are_searched_for_the_page() {
        let mht = b"From: <Saved by Blink>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\
            \ttype=\"text/html\";\r\n\tboundary=\"----B\"\r\n\r\n------B\r\nContent-Type: image/png\r\n\
            Content-Transfer-Encoding: base64\r\n\r\niVBO\r\n------B\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\
            Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>=E4=BD=A0</p>\r\n------B--\r\n";
        let (page, charset) = mhtml_page(mht).unwrap();
        assert_eq!(page, "<p>你</p>\r\n".as_bytes());
        assert_eq!(charset.as_deref(), Some("utf-8"));
        assert!(matches!(
            mhtml_page(
                b"Content-Type: multipart/related; boundary=x\r\n\r\n--x\r\n\r\nhi\r\n--x--"
            ),
            Err(WebError::NoPage)
        ));
        // Cut anywhere: no panic.
        for len in 0..mht.len() {
            let _ = mhtml_page(&mht[..len]);
        }
    }
}
