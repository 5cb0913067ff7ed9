//! [`Document`] → [`Outline`]: numbering grammar, level inference, inline points, title,
//! salutation, boilerplate and placeholders. Pure: no IO, no UI.

mod classify;
pub mod corrections;
pub mod label;
pub mod marker;
mod meta;
mod placeholder;
mod topics;

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use classify::{BoilerplateKind, LineRole};
use classify::{Classified, classify};
use marker::{
    LAST, PointFamily, Style, parse_bare_decimal, parse_dot_before_digit, parse_heading_marker,
    parse_point_marker,
};

use crate::document::{Document, LineHint, TextRange, count_chars};

/// Whether a node is a heading (its own numbered or styled line) or an inline point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// A heading: `一、`, `（一）`, `1.`, a Word or Markdown heading, an unnumbered part.
    Heading,
    /// An inline point inside a paragraph: `一是`, `二要`, `第一，`, `首先`, `①`.
    Point,
    /// A topic sentence (段首句): the short first sentence of one of several parallel
    /// paragraphs under a heading (`做强科技创新核心驱动。…`). Kept apart in
    /// [`Outline::topics`]; [`Outline::with_topics`] puts them in the tree.
    Topic,
}

/// One entry of the outline tree, in document order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineNode {
    /// Nesting depth, 1 for the top level.
    pub depth: u8,
    /// Heading or point.
    pub kind: NodeKind,
    /// The numbering as written (`一、`, `（三）`, `一要`), empty for unnumbered headings.
    pub marker: String,
    /// The heading's title: its line or first sentence, without marker and final punctuation.
    pub title: String,
    /// From the marker to the end of the section or point.
    pub range: TextRange,
    /// Where the title stands in the text.
    pub title_range: TextRange,
    /// Index of the line the node starts on.
    pub line: usize,
}

/// A blank to fill: `×`, `××`, `XX`, `某某`, `○○`, `＿＿`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placeholder {
    /// The placeholder as written.
    pub text: String,
    /// Where it stands.
    pub range: TextRange,
}

/// A line that is not part of the document proper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Boilerplate {
    /// What kind of noise it is.
    pub kind: BoilerplateKind,
    /// The line's range.
    pub range: TextRange,
    /// Index of the line.
    pub line: usize,
}

/// One item of document metadata: a gov.cn label (`索引号`, `发文字号` …), a 公文 field
/// (`发文机关标志`, `签发人`, `主送机关`, `署名`, `成文日期`, `公开方式`, `抄送`, `印发`) or a
/// YAML front-matter key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataEntry {
    /// What it is (see above), the YAML key as written.
    pub key: String,
    /// Its value as written.
    pub value: String,
    /// Where the value stands.
    pub range: TextRange,
    /// Index of its line.
    pub line: usize,
}

/// The structure of a document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outline {
    /// The document's title, if it has one.
    pub title: Option<String>,
    /// Where the title stands.
    pub title_range: Option<TextRange>,
    /// Where the salutation (`同志们：`) stands.
    pub salutation: Option<TextRange>,
    /// Headings and points in document order.
    pub nodes: Vec<OutlineNode>,
    /// Every blank to fill, in document order.
    pub placeholders: Vec<Placeholder>,
    /// Every boilerplate line, in document order.
    pub boilerplate: Vec<Boilerplate>,
    /// The role of every line of the document.
    pub roles: Vec<LineRole>,
    /// Document metadata (front matter, a gov.cn block, a 公文 header and end matter), in
    /// document order.
    #[serde(default)]
    pub metadata: Vec<MetadataEntry>,
    /// Where a table of contents stands (`目录` and its entries), shown as it is.
    #[serde(default)]
    pub contents: Option<TextRange>,
    /// Topic sentences (段首句), an optional level: not in [`Outline::nodes`] (see
    /// [`Outline::with_topics`]).
    #[serde(default)]
    pub topics: Vec<OutlineNode>,
    /// The parent of each node, found once when the outline is made (a frame asks for the
    /// section at the top of the view every time: no walk back through 100,000 nodes).
    /// Empty in an outline read back from JSON: then found when asked for.
    #[serde(skip)]
    parents: Vec<Option<usize>>,
}

/// The parent of each of `nodes` (`None` at the top level): the nearest node before it with
/// a smaller depth.
fn parents_of(nodes: &[OutlineNode]) -> Vec<Option<usize>> {
    let mut parents = Vec::with_capacity(nodes.len());
    // Nodes whose depth rises strictly from the bottom: the candidate parents.
    let mut stack: Vec<usize> = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        while stack
            .last()
            .is_some_and(|&top| nodes[top].depth >= node.depth)
        {
            stack.pop();
        }
        parents.push(stack.last().copied().filter(|_| node.depth > 1));
        stack.push(i);
    }
    parents
}

impl Outline {
    /// Index of the deepest node whose range contains char `pos` (the section you are in):
    /// O(log n + depth).
    pub fn node_at(&self, pos: usize) -> Option<usize> {
        self.index().node_at(pos)
    }

    /// Indices of the node and its ancestors, outermost first.
    pub fn path_to(&self, idx: usize) -> Vec<usize> {
        self.index().path_to(idx)
    }

    /// The parent of node `i` (`None` for a top-level node).
    pub fn parent(&self, i: usize) -> Option<usize> {
        self.index().parent(i)
    }

    /// The outline with its topic sentences in the tree, each under its heading, the points
    /// of its paragraph under it; without topics, the same outline.
    pub fn with_topics(&self) -> Outline {
        if self.topics.is_empty() {
            return self.clone();
        }
        let mut nodes = Vec::with_capacity(self.nodes.len() + self.topics.len());
        let mut topics = self.topics.iter().peekable();
        // The topic whose paragraph the nodes now being copied are in.
        let mut open: Option<OutlineNode> = None;
        for node in &self.nodes {
            while let Some(t) = topics.next_if(|t| t.range.start <= node.range.start) {
                open = Some(t.clone());
                nodes.push(t.clone());
            }
            let mut node = node.clone();
            if let Some(t) = &open
                && node.kind == NodeKind::Point
                && node.depth == t.depth
                && node.range.start < t.range.end
            {
                node.depth += 1;
                node.range.end = node.range.end.min(t.range.end);
            } else if node.range.start >= open.as_ref().map_or(0, |t| t.range.end) {
                open = None;
            }
            nodes.push(node);
        }
        nodes.extend(topics.cloned());
        Outline {
            parents: parents_of(&nodes),
            nodes,
            topics: Vec::new(),
            ..self.clone()
        }
    }

    /// The outline with its parent links: free for an outline made by [`outline`], O(n)
    /// once for one read back from JSON.
    pub fn index(&self) -> OutlineIndex<'_> {
        let parents = if self.parents.len() == self.nodes.len() {
            std::borrow::Cow::Borrowed(self.parents.as_slice())
        } else {
            std::borrow::Cow::Owned(parents_of(&self.nodes))
        };
        OutlineIndex {
            outline: self,
            parents,
        }
    }
}

/// An [`Outline`] with each node's parent, answering the same questions as
/// [`Outline::node_at`] and [`Outline::path_to`] without walking back through the nodes.
#[derive(Clone, Debug)]
pub struct OutlineIndex<'a> {
    outline: &'a Outline,
    /// The parent of each node (`None` at the top level).
    parents: std::borrow::Cow<'a, [Option<usize>]>,
}

impl<'a> OutlineIndex<'a> {
    /// The outline this index was built for.
    pub fn outline(&self) -> &'a Outline {
        self.outline
    }

    /// The parent of node `i` (`None` for a top-level node), as [`Outline::path_to`] finds it.
    pub fn parent(&self, i: usize) -> Option<usize> {
        self.parents.get(i).copied().flatten()
    }

    /// [`Outline::node_at`]: the deepest node whose range contains char `pos`.
    ///
    /// A node holding `pos` is the last node starting at or before it, or an ancestor of
    /// that node (ranges nest, and a node at the same or a smaller depth closes the ones
    /// before it), so only that node's path is looked at.
    pub fn node_at(&self, pos: usize) -> Option<usize> {
        let nodes = &self.outline.nodes;
        let upto = nodes.partition_point(|n| n.range.start <= pos);
        let last = upto.checked_sub(1)?;
        let mut at = Some(last);
        while let Some(i) = at {
            let n = &nodes[i];
            if n.range.start <= pos && pos < n.range.end.max(n.range.start + 1) {
                return Some(i);
            }
            at = self.parents[i];
        }
        (nodes[last].depth == 1).then_some(last)
    }

    /// [`Outline::path_to`]: indices of the node and its ancestors, outermost first.
    pub fn path_to(&self, idx: usize) -> Vec<usize> {
        let mut path = vec![idx];
        let mut at = self.parents[idx];
        while let Some(i) = at {
            path.push(i);
            at = self.parents[i];
        }
        path.reverse();
        path
    }
}

/// Longest title kept for a node; longer ones are cut and end in `…`.
pub const MAX_TITLE_CHARS: usize = 200;
/// A heading whose title is at most this long, with no sentence inside, stands on its own.
const STANDALONE_TITLE_CHARS: usize = 40;
/// How far ahead (bytes) a `首先` looks for the `其次`/`最后` that makes it a sequence.
const SEQUENCE_WINDOW_BYTES: usize = 6000;

/// A numbering style as used for level inference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StyleKey {
    Marker(Style),
    /// A Word heading style / outline level or a Markdown heading: its level orders it.
    Ranked(u8),
    /// `附件1`, `附录`, `名词解释`: a new part after the body.
    Appendix,
    /// A short unnumbered part heading (`“十四五”时期工作回顾`).
    Unnumbered,
    /// An opening part (`序言`, `前言`): the parts that follow are its siblings, not its
    /// children.
    Opening,
    /// The title of one document of a compilation (汇编): everything else nests under it.
    Document,
}

#[derive(Clone, Copy, Debug)]
struct Frame {
    key: StyleKey,
    ordinal: u32,
    /// For decimal numbering, the number before the last part (`2` of `2.3`).
    prefix: u32,
}

/// The last heading of a numbering style, for numbering that runs on across parts
/// (`（五）` under `二、` after `（一）…（四）` under `一、`).
#[derive(Clone, Copy, Debug)]
struct Running {
    style: Style,
    ordinal: u32,
    /// The style of the heading it was under.
    parent: Option<StyleKey>,
}

/// Law units quoted inside an article: where they start in the style stack, and the
/// document's own numbering, set aside until the quote ends.
#[derive(Debug)]
struct Quote {
    base: usize,
    running: Vec<Running>,
    article_at: Option<usize>,
}

/// Longest label line (`第二类`) after which a list may start again from `1.`.
const LABEL_CHARS: usize = 12;

/// Longest title of an article (`第一条 为了惩罚犯罪`): its first words.
const ARTICLE_TITLE_CHARS: usize = 24;

/// Words that name a closing or opening part without a number (`结束语`).
const PART_WORDS: &[&str] = &[
    "结束语",
    "结语",
    "前言",
    "引言",
    "序言",
    "导言",
    "总结语",
    "尾声",
    "后记",
    "附则",
];

/// The [`PART_WORDS`] that open a document: what follows is not inside them.
const OPENING_WORDS: &[&str] = &["前言", "引言", "序言", "导言"];

/// The part word a line is (`结束语`, `序　　言`, `前言：`), if it is one.
fn part_word(body: &str) -> Option<&'static str> {
    let body = body.trim_end_matches(['：', ':']);
    if body.chars().nth(12).is_some() {
        return None;
    }
    let compact = || body.chars().filter(|c| !c.is_whitespace());
    PART_WORDS.iter().copied().find(|w| compact().eq(w.chars()))
}

/// The heading a line opens, before it is placed.
struct HeadingCandidate {
    key: StyleKey,
    ordinal: u32,
    /// Char offset of the marker's start.
    start: usize,
    marker: String,
    /// Byte offset in the document text where the text after the marker begins.
    rest_byte: usize,
    /// The line the rest (and title) is on.
    rest_line: usize,
    /// Extra lines the heading consumes (a broken `（` line, an appendix title line).
    extra_lines: usize,
    /// Whether the title is the whole remaining line (unnumbered, appendix, styled).
    whole_line: bool,
    /// Decimal numbering: the number before the last part.
    prefix: u32,
    /// An article that keeps the number before it (`第十条之一`), or one whose number may
    /// skip articles left out (`第十条` after `第七条` in an amended text).
    inserted: bool,
    spaced: bool,
    /// Byte where a second heading starts on the same line: the first item of a list
    /// (`附件：1、查处酒后驾驶操作规程`), which opens under this one.
    follows: Option<usize>,
}

impl HeadingCandidate {
    /// A heading whose title is the whole rest of its line.
    fn whole_line(
        key: StyleKey,
        start: usize,
        marker: String,
        rest_byte: usize,
        rest_line: usize,
    ) -> Self {
        Self {
            key,
            ordinal: 1,
            start,
            marker,
            rest_byte,
            rest_line,
            extra_lines: 0,
            whole_line: true,
            prefix: 0,
            inserted: false,
            spaced: false,
            follows: None,
        }
    }

    /// An appendix part (`附件`, `附表`, `附录`, `注释`…), its title the rest of its line.
    fn appendix(start: usize, marker: String, rest_byte: usize, rest_line: usize) -> Self {
        Self::whole_line(StyleKey::Appendix, start, marker, rest_byte, rest_line)
    }

    /// A heading opened by a numbering marker found at byte `at` of line `idx`.
    fn numbered(m: &marker::Marker, body: &str, start: usize, at: usize, idx: usize) -> Self {
        Self {
            key: StyleKey::Marker(m.style),
            ordinal: m.ordinal,
            start,
            marker: body[..m.len_bytes].to_owned(),
            rest_byte: at + m.len_bytes,
            rest_line: idx,
            extra_lines: 0,
            whole_line: false,
            prefix: m.prefix,
            inserted: m.inserted,
            spaced: m.spaced,
            follows: None,
        }
    }
}

/// Build the outline of a document.
pub fn outline(doc: &Document) -> Outline {
    // The blanks to fill depend on nothing but each line's text: on a large document they
    // are found on a second core while the lines are classified and the tree is built.
    // So are the places where an inline point may begin, first: they are needed once the
    // lines are classified.
    let all = 0..doc.lines.len();
    if doc.text.len() < PARALLEL_BYTES {
        return build(doc, None, || line_placeholders(doc, all));
    }
    std::thread::scope(|scope| {
        let (send, candidates) = std::sync::mpsc::sync_channel(1);
        let blanks = scope.spawn(move || {
            // The receiver is gone only if the outline was made already.
            let _ = send.send(point_candidates(doc));
            line_placeholders(doc, all)
        });
        // A thread that cannot finish (it never panics on text) leaves the blanks unfound,
        // and the candidates are then looked for line by line.
        build(doc, Some(candidates), || blanks.join().unwrap_or_default())
    })
}

/// The candidates of `all` ([`point_candidates`]) in bytes `from..end`: what a search of
/// that text alone finds, unless a candidate begins before `from` and runs past it (then
/// `None`: the text must be searched).
fn candidates_in(all: &[(usize, usize)], from: usize, end: usize) -> Option<&[(usize, usize)]> {
    let first = all.partition_point(|&(s, _)| s < from);
    if first > 0 && all[first - 1].1 > from {
        return None;
    }
    let stop = first + all[first..].partition_point(|&(s, _)| s < end);
    let inside = &all[first..stop];
    // No candidate crosses the end of a line's content (a white space or line break
    // follows it); if one did, the text is searched.
    inside
        .last()
        .is_none_or(|&(_, e)| e <= end)
        .then_some(inside)
}

/// Byte ranges of every possible point marker of every line, in order: what
/// [`Builder::scan_points`] finds in a line's content (no marker holds white space, so
/// these are the markers of each line's content too). Searched line by line: over the
/// whole text the search loses its literal prefilter and walks every byte.
fn point_candidates(doc: &Document) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for line in &doc.lines {
        let text = doc.line_text(line);
        // `①`…`⑳` are U+2460…U+2473, E2 91 A0…E2 91 B3 in UTF-8.
        let candidates = if memchr::memmem::find(text.as_bytes(), b"\xE2\x91").is_some() {
            &*POINT_OR_CIRCLED
        } else {
            &*POINT_CANDIDATE
        };
        let at = line.byte_start;
        found.extend(
            candidates
                .find_iter(text)
                .map(|m| (at + m.start(), at + m.end())),
        );
    }
    found
}

/// Documents from this size (bytes) are outlined on two threads.
const PARALLEL_BYTES: usize = 1 << 20;

/// The blanks of lines `lines`: (line, char offset in the line, char length, text).
fn line_placeholders(
    doc: &Document,
    lines: std::ops::Range<usize>,
) -> Vec<(usize, usize, usize, String)> {
    let mut found = Vec::new();
    for i in lines {
        for (off, len, text) in placeholder::find_in_line(doc.line_text(&doc.lines[i])) {
            found.push((i, off, len, text));
        }
    }
    found
}

/// The outline of `doc`, with the blanks `blanks` gives (asked for last: they may be found
/// on another thread meanwhile).
fn build(
    doc: &Document,
    candidates: Option<std::sync::mpsc::Receiver<Vec<(usize, usize)>>>,
    blanks: impl FnOnce() -> Vec<(usize, usize, usize, String)>,
) -> Outline {
    let classified = classify(doc);
    let mut builder = Builder::new(doc, classified);
    builder.point_candidates = candidates.and_then(|c| c.recv().ok());
    builder.run();
    builder.finish(blanks())
}

struct Builder<'a> {
    doc: &'a Document,
    cls: Classified,
    stack: Vec<Frame>,
    nodes: Vec<OutlineNode>,
    /// Indices of nodes whose range is still open, shallowest first.
    open: Vec<usize>,
    /// Last ordinal of each point family in the current section.
    points: [Option<u32>; 4],
    heading_depth: u8,
    any_heading: bool,
    /// Whether the current document of a compilation has a heading yet.
    doc_heading: bool,
    /// The last heading of each numbering style (numbering running on across parts).
    running: Vec<Running>,
    /// The document has decimal headings (`1.1`), which make a bare `1　总则` a heading.
    decimal_doc: bool,
    /// The level (index in the style stack) of the last article (`第X条`).
    article_at: Option<usize>,
    /// Units of a law quoted by an amending article (`…增加五条…内容如下：` then
    /// `第七节`, `第一百二十三条` …), nested under it in their own numbering.
    quote: Option<Quote>,
    /// Lines that are unnumbered parts of one series (`关于…` after `关于…`).
    series: Vec<usize>,
    /// The next document title of a compilation.
    next_document: usize,
    /// End of the last content line before the current one.
    prev_content_end: usize,
    /// The current line's index and char range, and where its content starts.
    cur_line: usize,
    cur_range: TextRange,
    cur_line_content_start: usize,
    /// Byte where the title of the last point opened begins.
    last_point_title_byte: Option<usize>,
    /// Byte offsets of every sentence-initial `其次`/`再次`/`最后`, found on first need.
    sequence_continuations: Option<Vec<usize>>,
    /// Byte ranges of every possible point marker in the text ([`point_candidates`]), when
    /// found beforehand (on another thread); otherwise each line is searched.
    point_candidates: Option<Vec<(usize, usize)>>,
}

fn family_index(f: PointFamily) -> usize {
    match f {
        PointFamily::Ordinal => 0,
        PointFamily::Diyi => 1,
        PointFamily::Shouxian => 2,
        PointFamily::Circled => 3,
    }
}

/// Where an inline point may begin: a numeral before 是/要, 第 and a numeral, 首先 ….
static POINT_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十]+|首先|其次|再次|最后")
        .expect("valid regex")
});

/// [`POINT_CANDIDATE`] and `①…⑳`, for the lines that hold a circled number (their shared
/// first two bytes are looked for first: the larger set of literals is slower to search).
static POINT_OR_CIRCLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十]+|首先|其次|再次|最后|[①-⑳]")
        .expect("valid regex")
});

/// A sentence that continues a `首先` sequence.
static NEXT_IN_SEQUENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[。！？；：，\n][\s”’」』）]*(?:其次|再次|最后)").expect("valid regex")
});

/// Chars that end a sentence (so a point may follow, and a heading's title stops there).
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '：' | '!' | '?' | ';' | ':')
}

/// Closing quotes and brackets that may follow a sentence end.
fn is_closer(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '"' | '\'' | '》')
}

/// Punctuation a title never ends with.
fn is_trailing_punct(c: char) -> bool {
    ends_sentence(c) || matches!(c, '，' | ',' | '、' | '…' | '.')
}

fn trim_title(s: &str) -> &str {
    s.trim()
        .trim_end_matches(|c: char| is_trailing_punct(c) || c.is_whitespace())
}

/// A title cut to [`MAX_TITLE_CHARS`] (with `…`), and how many chars of the text it shows.
fn capped_title(title: &str) -> (String, usize) {
    match title.char_indices().nth(MAX_TITLE_CHARS) {
        Some((cut, _)) => (format!("{}…", &title[..cut]), MAX_TITLE_CHARS),
        None => (title.to_owned(), title.chars().count()),
    }
}

/// The usual order of item numbering, largest first: `一、` › `（一）` › `1.` › `（1）` › `①`.
fn usual_rank(style: Style) -> Option<u8> {
    match style {
        Style::CnComma => Some(1),
        Style::CnParen => Some(2),
        Style::ArabicDot => Some(3),
        Style::ArabicParen => Some(4),
        Style::Circled => Some(5),
        _ => None,
    }
}

/// The rank of the units of a law, largest first: 编, 分编, 章, 节, 条.
fn law_rank(style: Style) -> Option<u8> {
    match style {
        Style::Chapter('编') => Some(1),
        Style::Chapter('分') => Some(2),
        Style::Chapter('章') => Some(3),
        Style::Chapter('节') => Some(4),
        Style::Article => Some(5),
        _ => None,
    }
}

/// Where an article's title stands in the text after its marker (byte offset, byte length):
/// a bracketed title (`【立法目的】`, `（立法目的）`), or its first clause (`为了惩罚犯罪`).
fn article_title(rest: &str) -> (usize, usize) {
    if let Some(open) = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '【' | '［' | '[' | '〔' | '（'))
    {
        let close = match open {
            '【' => '】',
            '［' => '］',
            '[' => ']',
            '〔' => '〕',
            _ => '）',
        };
        let inner = &rest[open.len_utf8()..];
        if let Some(end) = inner.find(close)
            && (1..=30).contains(&inner[..end].chars().count())
            && !inner[..end].contains(['，', '。'])
        {
            return (open.len_utf8(), end);
        }
    }
    let end = rest
        .char_indices()
        .find(|&(_, c)| ends_sentence(c) || matches!(c, '，' | ','))
        .map_or(rest.len(), |(i, _)| i);
    (0, end)
}

/// An article's title cut to [`ARTICLE_TITLE_CHARS`] (with `…`), and the chars it shows.
fn article_capped(title: &str) -> (String, usize) {
    match title.char_indices().nth(ARTICLE_TITLE_CHARS) {
        Some((cut, _)) => (format!("{}…", &title[..cut]), ARTICLE_TITLE_CHARS),
        None => (title.to_owned(), title.chars().count()),
    }
}

/// `总　　则` → `总则`: a short title spaced out for print.
fn compact_spaced(title: String) -> String {
    let words = title.chars().filter(|c| !c.is_whitespace()).count();
    let spaced = title.contains(char::is_whitespace)
        && words <= 6
        && title
            .chars()
            .all(|c| c.is_whitespace() || ('\u{4E00}'..='\u{9FFF}').contains(&c));
    if spaced {
        title.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        title
    }
}

/// A title without zero-width and other invisible chars.
fn strip_invisible(title: String) -> String {
    if title.chars().any(classify::is_invisible) {
        title
            .chars()
            .filter(|&c| !classify::is_invisible(c))
            .collect()
    } else {
        title
    }
}

impl<'a> Builder<'a> {
    fn new(doc: &'a Document, cls: Classified) -> Self {
        let mut builder = Self {
            doc,
            cls,
            stack: Vec::new(),
            nodes: Vec::new(),
            open: Vec::new(),
            points: [None; 4],
            heading_depth: 0,
            any_heading: false,
            doc_heading: false,
            running: Vec::new(),
            decimal_doc: false,
            article_at: None,
            quote: None,
            series: Vec::new(),
            next_document: 0,
            prev_content_end: 0,
            cur_line: 0,
            cur_range: TextRange::default(),
            cur_line_content_start: 0,
            last_point_title_byte: None,
            sequence_continuations: None,
            point_candidates: None,
        };
        builder.decimal_doc = builder.count_decimal_headings() >= 2;
        builder.series = builder.find_series();
        builder
    }

    /// Lines opening with a decimal heading marker (`1.1　编制目的`), counted up to two.
    fn count_decimal_headings(&self) -> usize {
        (0..self.doc.lines.len())
            .filter(|&i| {
                self.cls.roles[i] == LineRole::Body
                    && self
                        .content(i)
                        .as_bytes()
                        .first()
                        .is_some_and(u8::is_ascii_digit)
                    && parse_heading_marker(self.content(i))
                        .is_some_and(|m| matches!(m.style, Style::Decimal(_)))
            })
            .take(2)
            .count()
    }

    /// A short line standing alone between paragraphs (a part heading without a number).
    fn is_standalone_line(&self, idx: usize, body: &str) -> bool {
        let len = body.chars().count();
        // Markup left in a text (`<!-- FORCE BREAK -->`, `---`) is never a part's title.
        let markup = body.starts_with(|c: char| {
            c.is_ascii_punctuation() && !matches!(c, '"' | '\'' | '(' | '[')
        });
        if !(2..=30).contains(&len)
            || markup
            || body.ends_with(is_trailing_punct)
            || body.contains(['。', '！', '？'])
            || parse_heading_marker(body).is_some()
        {
            return false;
        }
        let closes_paragraph = |t: &str| t.ends_with(|c: char| ends_sentence(c) || is_closer(c));
        // The line before must close a paragraph (or be the salutation or front matter).
        let prev = (0..idx).rev().find(|&i| self.is_content(i));
        let prev_ok = prev.is_some_and(|p| {
            matches!(
                self.cls.roles[p],
                LineRole::Salutation | LineRole::FrontMatter | LineRole::Metadata
            ) || closes_paragraph(self.content(p))
        });
        let next_ok = self.next_content_line(idx).is_some_and(|n| {
            let t = self.content(n);
            t.chars().count() >= 40.max(2 * len) && closes_paragraph(t)
        });
        prev_ok && next_ok
    }

    /// Unnumbered parts of one series: standalone lines sharing their first two chars
    /// (`关于九大路线`, `关于路线斗争`, `关于形势和任务`).
    fn find_series(&self) -> Vec<usize> {
        let mut by_prefix: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for i in 0..self.doc.lines.len() {
            if self.cls.roles[i] != LineRole::Body {
                continue;
            }
            let body = self.content(i);
            // Cheap tests first: most lines are long paragraphs.
            if body.len() > 30 * 4 || body.chars().nth(1).is_none() {
                continue;
            }
            if self.is_standalone_line(i, body) {
                let prefix: String = body.chars().take(2).collect();
                if prefix
                    .chars()
                    .all(|c| c.is_alphanumeric() && !c.is_ascii_digit())
                {
                    by_prefix.entry(prefix).or_default().push(i);
                }
            }
        }
        let mut series: Vec<usize> = by_prefix
            .into_values()
            .filter(|v| v.len() >= 2)
            .flatten()
            .collect();
        series.sort_unstable();
        series
    }

    /// Char offset of a byte offset within line `idx`.
    fn char_at(&self, idx: usize, byte: usize) -> usize {
        let line = &self.doc.lines[idx];
        line.range.start + count_chars(&self.doc.text[line.byte_start..byte])
    }

    /// The content of line `idx` (trimmed; Markdown marks removed).
    fn content(&self, idx: usize) -> &'a str {
        &self.doc.text[self.cls.content[idx].clone()]
    }

    fn is_content(&self, idx: usize) -> bool {
        !matches!(
            self.cls.roles[idx],
            LineRole::Blank | LineRole::Boilerplate(_)
        )
    }

    fn next_content_line(&self, idx: usize) -> Option<usize> {
        (idx + 1..self.doc.lines.len()).find(|&i| self.is_content(i))
    }

    fn run(&mut self) {
        let n = self.doc.lines.len();
        let mut i = 0;
        while i < n {
            if !self.is_content(i) {
                i += 1;
                continue;
            }
            let line = self.doc.lines[i];
            let content_start = self.cls.content[i].start;
            self.cur_line = i;
            self.cur_range = line.range;
            self.cur_line_content_start = self.char_at(i, content_start);
            let mut consumed = 1;
            if self
                .cls
                .documents
                .get(self.next_document)
                .is_some_and(|d| d.lines.0 == i)
            {
                consumed += self.open_document(i);
            } else if self.cls.roles[i] == LineRole::Body {
                // Every `Body` line lies at or after the body start: earlier ones are front
                // matter.
                let body_from = match self.cls.salutation {
                    Some((l, len)) if l == i => content_start + len,
                    _ => content_start,
                };
                if let Some(extra) = self.try_heading(i, body_from) {
                    consumed += extra;
                } else {
                    self.scan_points(i, body_from, true);
                }
            }
            let last = i + consumed - 1;
            self.prev_content_end = self.doc.lines[last].range.end;
            i += consumed;
        }
    }

    /// Open the next document of a compilation at its title on line `idx`: a top-level part
    /// whose numbering starts afresh. Returns the extra lines its title takes.
    fn open_document(&mut self, idx: usize) -> usize {
        let d = &self.cls.documents[self.next_document];
        self.next_document += 1;
        let (last, text, bytes) = (d.lines.1, d.text.clone(), d.bytes.clone());
        let start = self.char_at(idx, bytes.start);
        let (title, shown) = capped_title(&text);
        // A title over two lines spans both (its text joins them without the line break).
        let title_end = if last > idx && shown == text.chars().count() {
            self.char_at(last, bytes.end)
        } else {
            start + shown
        };
        self.stack.clear();
        self.stack.push(Frame {
            key: StyleKey::Document,
            ordinal: 1,
            prefix: 0,
        });
        self.running.clear();
        self.article_at = None;
        self.quote = None;
        self.open_node(OutlineNode {
            depth: 1,
            kind: NodeKind::Heading,
            marker: String::new(),
            title,
            range: TextRange::new(start, start),
            title_range: TextRange::new(start, title_end),
            line: idx,
        });
        self.heading_depth = 1;
        self.any_heading = true;
        self.doc_heading = false;
        self.points = [None; 4];
        for role in &mut self.cls.roles[idx..=last] {
            if *role != LineRole::Title {
                *role = LineRole::Heading;
            }
        }
        last - idx
    }

    /// Open a heading on line `idx` if one starts there; returns the extra lines consumed.
    fn try_heading(&mut self, idx: usize, from_byte: usize) -> Option<usize> {
        let mut cand = self.heading_candidate(idx, from_byte)?;
        self.enter_or_leave_quote(&cand);
        // `第一条` alone on its line: its title is the first words of the next line; `第一章`
        // alone: the next line, short and without a sentence, is its title.
        let bare = self.doc.text[cand.rest_byte..self.cls.content[idx].end.max(cand.rest_byte)]
            .trim()
            .is_empty();
        let below = self.next_content_line(idx).filter(|&n| {
            bare && self.cls.roles[n] == LineRole::Body
                && parse_heading_marker(self.content(n)).is_none()
        });
        match (cand.key, below) {
            (StyleKey::Marker(Style::Article), Some(n)) => {
                cand.rest_line = n;
                cand.rest_byte = self.cls.content[n].start;
            }
            (StyleKey::Marker(Style::Chapter(_)), Some(n))
                if self.content(n).chars().count() <= STANDALONE_TITLE_CHARS
                    && !self.content(n).contains(['。', '！', '？', '；', '，']) =>
            {
                cand.rest_line = n;
                cand.rest_byte = self.cls.content[n].start;
                cand.extra_lines = n - idx;
                cand.whole_line = true;
            }
            _ => {}
        }
        let rest_line = cand.rest_line;
        let rest_end = self.cls.content[rest_line].end;
        let rest = &self.doc.text[cand.rest_byte.min(rest_end)..rest_end];
        // Skip separators between marker and title.
        let skipped = rest.len()
            - rest
                .trim_start_matches(|c: char| {
                    c.is_whitespace() || matches!(c, '：' | ':' | '、' | '.' | '．')
                })
                .len();
        let title_from = cand.rest_byte + skipped;
        let rest = &self.doc.text[title_from.min(rest_end)..rest_end];
        let article = cand.key == StyleKey::Marker(Style::Article);
        let (title_from, title_len, after) = if cand.follows.is_some() {
            (cand.rest_byte, 0, None)
        } else if article {
            let (from, len) = article_title(rest);
            // Points of a next line that holds the title are found when that line is read.
            let after = rest
                .char_indices()
                .find(|&(_, c)| ends_sentence(c))
                .map(|(pos, c)| title_from + pos + c.len_utf8())
                .filter(|_| rest_line == idx);
            (title_from + from, len, after)
        } else if cand.whole_line {
            (title_from, rest.len(), None)
        } else {
            match rest.char_indices().find(|&(_, c)| ends_sentence(c)) {
                Some((pos, c)) => (title_from, pos, Some(title_from + pos + c.len_utf8())),
                None => (title_from, rest.len(), None),
            }
        };
        let rest = &self.doc.text[title_from.min(rest_end)..rest_end];
        let title = trim_title(&rest[..title_len.min(rest.len())]);
        // An article may have no words of its own; an appendix (`附件一`) may stand alone.
        let bare_appendix = cand.key == StyleKey::Appendix && !cand.marker.is_empty();
        if title.is_empty() && !article && !bare_appendix {
            return None;
        }
        // A title that is its whole line, short, with no sentence in it, stands on its own;
        // only such a line may restart a top-level list or skip a number.
        let standalone = !article
            && after.is_none_or(|a| a >= rest_end)
            && title.chars().count() <= STANDALONE_TITLE_CHARS;
        let level_idx = self.place(&cand, standalone)?;
        let depth = u8::try_from(level_idx + 1).unwrap_or(u8::MAX);
        let parent = level_idx.checked_sub(1).map(|p| self.stack[p].key);
        self.stack.truncate(level_idx);
        self.stack.push(Frame {
            key: cand.key,
            ordinal: cand.ordinal,
            prefix: cand.prefix,
        });
        if cand.key == StyleKey::Marker(Style::Article) {
            self.article_at = Some(level_idx);
        }
        if let StyleKey::Marker(style) = cand.key {
            self.running.retain(|r| r.style != style);
            self.running.push(Running {
                style,
                ordinal: cand.ordinal,
                parent,
            });
        }
        let (title, shown_chars) = if article {
            article_capped(title)
        } else {
            capped_title(title)
        };
        let title = compact_spaced(strip_invisible(title));
        let title_start = self.char_at(rest_line, title_from);
        self.open_node(OutlineNode {
            depth,
            kind: NodeKind::Heading,
            marker: cand.marker,
            title,
            range: TextRange::new(cand.start, cand.start),
            title_range: TextRange::new(title_start, title_start + shown_chars),
            line: idx,
        });
        self.heading_depth = depth;
        self.any_heading = true;
        self.doc_heading = true;
        self.points = [None; 4];
        for role in &mut self.cls.roles[idx..=idx + cand.extra_lines] {
            if *role != LineRole::Blank {
                *role = LineRole::Heading;
            }
        }
        if let Some(after) = after {
            self.scan_points(rest_line, after, true);
        }
        if let Some(item) = cand.follows {
            return Some(cand.extra_lines + self.try_heading(idx, item).unwrap_or(0));
        }
        Some(cand.extra_lines)
    }

    fn heading_candidate(&self, idx: usize, from_byte: usize) -> Option<HeadingCandidate> {
        let hint = self.cls.hints[idx];
        let body = &self.doc.text[from_byte..self.cls.content[idx].end];
        let start = self.char_at(idx, from_byte);
        let marker = parse_heading_marker(body).or_else(|| self.bare_decimal(idx, body));
        let numbered =
            |m: &marker::Marker| HeadingCandidate::numbered(m, body, start, from_byte, idx);
        if let Some(m) = marker {
            let cand = numbered(&m);
            // A styled heading whose numbering does not fit is still a heading (by its style).
            let fits = self.place(&cand, true).is_some();
            if fits || !matches!(hint, LineHint::Heading(_)) {
                // `20.2026年…`, `21.5+2…`: the next item of a list, not a decimal.
                if !fits && let Some(item) = self.item_before_digit(idx, body) {
                    return Some(numbered(&item));
                }
                return Some(cand);
            }
        } else if let Some(item) = self.item_before_digit(idx, body) {
            return Some(numbered(&item));
        }
        if let LineHint::Heading(level) = hint {
            return Some(HeadingCandidate::whole_line(
                StyleKey::Ranked(level),
                start,
                String::new(),
                from_byte,
                idx,
            ));
        }
        if let Some(c) = self.broken_bracket(idx, body, start) {
            return Some(c);
        }
        if let Some(c) = self.appendix(idx, body, from_byte, start) {
            return Some(c);
        }
        if let Some(c) = self.labelled_list(idx, body, from_byte) {
            return Some(c);
        }
        if self.is_unnumbered_heading(idx, body) {
            let opening = part_word(body).is_some_and(|w| OPENING_WORDS.contains(&w));
            return Some(HeadingCandidate::whole_line(
                if opening {
                    StyleKey::Opening
                } else {
                    StyleKey::Unnumbered
                },
                start,
                String::new(),
                from_byte,
                idx,
            ));
        }
        None
    }

    /// `1　总则`: the top level of a document numbered `1.1`, `1.2` …, a short title alone.
    fn bare_decimal(&self, idx: usize, body: &str) -> Option<marker::Marker> {
        if !self.decimal_doc {
            return None;
        }
        let m = parse_bare_decimal(body)?;
        let title = body[m.len_bytes..].trim();
        let short = title.chars().count() <= 20 && !title.contains(['。', '，', '；', '：']);
        // The next top-level number, or its own `N.1` follows soon.
        let goes_on = self
            .stack
            .iter()
            .any(|f| f.key == StyleKey::Marker(Style::Decimal(1)) && f.ordinal + 1 == m.ordinal);
        let opens = goes_on
            || (idx + 1..self.doc.lines.len())
                .filter(|&i| self.is_content(i))
                .take(6)
                .any(|i| {
                    parse_heading_marker(self.content(i)).is_some_and(|n| {
                        n.style == Style::Decimal(2) && n.prefix == m.ordinal && n.ordinal == 1
                    })
                });
        (short && opens).then_some(m)
    }

    /// `20.2026年10件民生实事`: the next item of an open `1.` list, a digit after its stop;
    /// `1．1—苯基—2—丙酮` (a list of chemicals in a law's schedule): a first item whose
    /// `2.` opens the next line.
    fn item_before_digit(&self, idx: usize, body: &str) -> Option<marker::Marker> {
        let m = parse_dot_before_digit(body)?;
        let goes_on = self
            .stack
            .iter()
            .any(|f| f.key == StyleKey::Marker(Style::ArabicDot) && f.ordinal + 1 == m.ordinal);
        let opens = m.ordinal == 1
            && self.next_content_line(idx).is_some_and(|n| {
                let next = self.content(n);
                parse_heading_marker(next)
                    .or_else(|| parse_dot_before_digit(next))
                    .is_some_and(|n| n.style == Style::ArabicDot && n.ordinal == 2)
            });
        (goes_on || opens).then_some(m)
    }

    /// `注：1．符合本表所列情形之一的…` followed by `2．…`: a list that starts after a label
    /// (注, 说明, 备注, 附注) on its first line; the item opens where its number stands.
    fn labelled_list(&self, idx: usize, body: &str, from_byte: usize) -> Option<HeadingCandidate> {
        let rest = ["注", "说明", "备注", "附注"]
            .into_iter()
            .find_map(|w| body.strip_prefix(w))?
            .strip_prefix(['：', ':'])?
            .trim_start();
        let m = parse_heading_marker(rest).filter(|m| m.ordinal == 1)?;
        let second = self.next_content_line(idx).is_some_and(|n| {
            parse_heading_marker(self.content(n))
                .is_some_and(|n| n.style == m.style && n.ordinal == 2)
        });
        if !second {
            return None;
        }
        let at = from_byte + (rest.as_ptr() as usize - body.as_ptr() as usize);
        Some(HeadingCandidate::numbered(
            &m,
            rest,
            self.char_at(idx, at),
            at,
            idx,
        ))
    }

    /// `（` alone on a line, its numeral and `）` on the next: one heading over two lines.
    fn broken_bracket(&self, idx: usize, body: &str, start: usize) -> Option<HeadingCandidate> {
        if !matches!(body, "（" | "(") {
            return None;
        }
        let next = idx + 1;
        if next >= self.doc.lines.len() || !self.is_content(next) {
            return None;
        }
        let next_text = self.content(next);
        let joined = format!("{body}{next_text}");
        let m = parse_heading_marker(&joined)?;
        if !matches!(m.style, Style::CnParen | Style::ArabicParen) {
            return None;
        }
        Some(HeadingCandidate {
            key: StyleKey::Marker(m.style),
            ordinal: m.ordinal,
            start,
            marker: joined[..m.len_bytes].to_owned(),
            rest_byte: self.cls.content[next].start + m.len_bytes - body.len(),
            rest_line: next,
            extra_lines: 1,
            whole_line: false,
            prefix: 0,
            inserted: false,
            spaced: false,
            follows: None,
        })
    }

    /// `附件1`, `附件：`, `附录`, `名词解释`, `注释`: a part after the body, numbering restarts.
    fn appendix(
        &self,
        idx: usize,
        body: &str,
        at_byte: usize,
        start: usize,
    ) -> Option<HeadingCandidate> {
        if !self.any_heading && self.cls.salutation.is_none() {
            return None;
        }
        let standalone = ["名词解释", "名词注释", "注释", "名词说明", "附录"];
        if standalone.contains(&body.trim_end_matches(['：', ':'])) {
            return Some(HeadingCandidate::appendix(
                start,
                String::new(),
                at_byte,
                idx,
            ));
        }
        // `附：` alone, the title of a schedule or attachment on the next line
        // (`XX省2026年重点项目清单`): a part as `附件：` is.
        if matches!(body.trim_end(), "附：" | "附:") {
            let next = self.next_content_line(idx).filter(|&n| n == idx + 1)?;
            let next_text = self.content(next);
            if next_text.chars().count() > STANDALONE_TITLE_CHARS
                || next_text.contains(['。', '；', '！', '？'])
                || parse_heading_marker(next_text).is_some()
            {
                return None;
            }
            let word = body.trim_end();
            let mut cand =
                HeadingCandidate::appendix(start, word.to_owned(), at_byte + word.len(), idx);
            cand.rest_byte = self.cls.content[next].start;
            cand.rest_line = next;
            cand.extra_lines = 1;
            return Some(cand);
        }
        let word = ["附件", "附表", "附录"]
            .into_iter()
            .find(|w| body.starts_with(w))?;
        let digits = body[word.len()..]
            .char_indices()
            .take_while(|&(_, c)| {
                c.is_ascii_digit() || ('０'..='９').contains(&c) || marker::is_cn_numeral(c)
            })
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        // `附件1.深圳湾口岸…` with `2.…` on the next line: the number is the first item of a
        // list of attachments, not the attachment's own.
        let listed = &body[word.len()..];
        let first = parse_heading_marker(listed).filter(|m| digits > 0 && m.ordinal == 1);
        if let Some(first) = first
            && self.next_content_line(idx).is_some_and(|n| {
                parse_heading_marker(self.content(n))
                    .is_some_and(|m| m.ordinal == 2 && m.style == first.style)
            })
        {
            let mut cand =
                HeadingCandidate::appendix(start, word.to_owned(), at_byte + word.len(), idx);
            cand.follows = Some(at_byte + word.len());
            return Some(cand);
        }
        let marker_len = word.len() + digits;
        let marker = body[..marker_len].to_owned();
        let rest = body[marker_len..]
            .trim_start_matches(['：', ':', '、', '.', ' '])
            .trim();
        if rest.chars().count() > STANDALONE_TITLE_CHARS || rest.contains('。') {
            return None;
        }
        // `附件：1、查处酒后驾驶操作规程`: the list of attachments starts on the line.
        if parse_heading_marker(rest).is_some_and(|m| m.ordinal == 1) {
            let mut cand = HeadingCandidate::appendix(start, marker, at_byte + marker_len, idx);
            let item = at_byte + (rest.as_ptr() as usize - body.as_ptr() as usize);
            cand.follows = Some(item);
            return Some(cand);
        }
        if !rest.is_empty() {
            return Some(HeadingCandidate::appendix(
                start,
                marker,
                at_byte + marker_len,
                idx,
            ));
        }
        // The appendix title usually stands on the next line.
        let mut cand = HeadingCandidate::appendix(start, marker, at_byte + marker_len, idx);
        if let Some(next) = self.next_content_line(idx).filter(|&n| n == idx + 1) {
            let next_text = self.content(next);
            if next_text.chars().count() <= STANDALONE_TITLE_CHARS
                && !next_text.contains(['。', '；', '！', '？'])
                && parse_heading_marker(next_text).is_none()
            {
                cand.rest_byte = self.cls.content[next].start;
                cand.rest_line = next;
                cand.extra_lines = 1;
            }
        }
        Some(cand)
    }

    /// The index of the top level in the style stack: 1 inside a document of a compilation,
    /// below the quoting article inside a quote.
    fn base(&self) -> usize {
        if let Some(q) = &self.quote {
            return q.base;
        }
        usize::from(
            self.stack
                .first()
                .is_some_and(|f| f.key == StyleKey::Document),
        )
    }

    /// The number a unit of a law would carry if it went on with the numbering so far, and
    /// whether `cand` is that unit (or an article inserted after the last: `第十条之一`).
    fn continues(running: &[Running], cand: &HeadingCandidate, style: Style) -> bool {
        match running.iter().find(|r| r.style == style).map(|r| r.ordinal) {
            Some(last) => {
                cand.ordinal == last.saturating_add(1) || (cand.inserted && cand.ordinal == last)
            }
            None => cand.ordinal == 1,
        }
    }

    /// An amending article that ends in a colon (`…分别作为第一百二十三条至第一百二十七条。
    /// 内容如下：`) followed by units of a law whose numbers are not the document's own
    /// (`第七节`, `第一百二十三条` after `第五十二条`) quotes them: they nest under it in their
    /// own numbering until a heading goes on with the document's (`第五十三条`), or an
    /// appendix or unnumbered part comes.
    fn enter_or_leave_quote(&mut self, cand: &HeadingCandidate) {
        let law_style = match cand.key {
            StyleKey::Marker(s) if law_rank(s).is_some() => Some(s),
            _ => None,
        };
        if let Some(q) = &self.quote {
            let leaves = match (cand.key, law_style) {
                (_, Some(style)) => Self::continues(&q.running, cand, style),
                (StyleKey::Marker(_), None) => false,
                _ => true,
            };
            if leaves {
                let q = self.quote.take().expect("in a quote");
                self.stack.truncate(q.base);
                self.running = q.running;
                self.article_at = q.article_at;
            }
            return;
        }
        let Some(style) = law_style else { return };
        let quoting = self
            .stack
            .last()
            .is_some_and(|f| f.key == StyleKey::Marker(Style::Article))
            && (0..self.cur_line)
                .rev()
                .find(|&i| self.is_content(i))
                .is_some_and(|p| self.content(p).ends_with(['：', ':']));
        if !quoting || Self::continues(&self.running, cand, style) {
            return;
        }
        // A number a little ahead is an article the text left out, not a quote.
        if style == Style::Article
            && self
                .running_last(style)
                .is_some_and(|l| cand.ordinal > l && cand.ordinal <= l.saturating_add(10))
        {
            return;
        }
        self.quote = Some(Quote {
            base: self.stack.len(),
            running: std::mem::take(&mut self.running),
            article_at: self.article_at.take(),
        });
    }

    /// A part heading without a number: a closing or opening part (`结束语`), a line of a
    /// series of such parts (`关于…`), or a short unpunctuated line between body paragraphs at
    /// the top level of a document whose parts are not numbered (`“十四五”时期工作回顾`).
    fn is_unnumbered_heading(&self, idx: usize, body: &str) -> bool {
        let started = self.cls.salutation.is_some() || self.any_heading || self.cls.title.is_some();
        if started && part_word(body).is_some() {
            return true;
        }
        if self.series.binary_search(&idx).is_ok() {
            return true;
        }
        let base = self.base();
        if !(self.stack.len() <= base
            || matches!(
                self.stack[base].key,
                StyleKey::Unnumbered | StyleKey::Opening
            ))
        {
            return false;
        }
        if self.cls.salutation.is_none() && !self.any_heading {
            return false;
        }
        self.is_standalone_line(idx, body)
    }

    /// Where a heading goes: the index in the style stack (its depth − 1), or `None` when it
    /// does not fit the sequence. `standalone` says whether the heading is a short line of
    /// its own, which may restart a top-level list or skip a number or two.
    fn place(&self, cand: &HeadingCandidate, standalone: bool) -> Option<usize> {
        let base = self.base();
        let (key, ordinal) = (cand.key, cand.ordinal);
        match key {
            StyleKey::Document => Some(0),
            StyleKey::Appendix | StyleKey::Unnumbered | StyleKey::Opening => Some(base),
            StyleKey::Ranked(level) => Some(
                self.stack
                    .iter()
                    .skip(base)
                    .position(|f| matches!(f.key, StyleKey::Ranked(l) if l >= level))
                    .map_or(self.stack.len(), |i| i + base),
            ),
            StyleKey::Marker(style) => {
                // Levels below the base (a quoting article) are not this one's.
                let open = self.stack.iter().skip(base).position(|f| f.key == key);
                if let Some(i) = open.map(|i| i + base) {
                    let frame = self.stack[i];
                    let last = frame.ordinal;
                    if let Style::Decimal(_) = style {
                        // `1.3` after `1.2`; `2.1` after `1.3` when no `2` line stands between.
                        let next = ordinal == last.saturating_add(1) && cand.prefix == frame.prefix;
                        let new_parent =
                            ordinal == 1 && cand.prefix == frame.prefix.saturating_add(1);
                        return (next || new_parent).then_some(i);
                    }
                    let next = ordinal == last.saturating_add(1);
                    // A restart under the same parent would be a second `（一）`: only the
                    // top level restarts, and only with a heading line of its own.
                    // A list also starts again after a label on its own line (`第二类`) or
                    // on the item's line (`注：1．…`).
                    let restart = ordinal == 1
                        && ((i == base && standalone)
                            || self.after_lead_in()
                            || cand.start > self.cur_line_content_start);
                    let gap = standalone
                        && ordinal > last.saturating_add(1)
                        && ordinal <= last.saturating_add(3)
                        && !self.sequence_resumes(style, last);
                    // Articles: `第十条之一` keeps the number; an amended text leaves articles out.
                    let article = style == Style::Article
                        && ((cand.inserted && ordinal == last)
                            || (cand.spaced
                                && ordinal > last.saturating_add(1)
                                && ordinal <= last.saturating_add(10)
                                && !self.sequence_resumes(style, last)));
                    (next || restart || gap || article).then_some(i)
                } else if let Some(i) = self.smaller_law_unit(style) {
                    // `第二章` after articles with no chapter before them (a text that lost its
                    // `第一章`): a chapter never nests under an article or a section.
                    (ordinal == 1 || standalone || self.fits_new_level(cand, style)).then_some(i)
                } else {
                    let level = match style {
                        Style::Article => self.article_level(),
                        _ if ordinal == 1 => self.list_level(style),
                        _ => self.new_level(),
                    };
                    self.fits_new_level(cand, style).then_some(level)
                }
            }
        }
    }

    /// Where a heading of a style not open at the moment goes: below the current one, or in
    /// the place of an opening part (`序言` is followed by `第一章`, not its parent).
    fn new_level(&self) -> usize {
        let base = self.base();
        if self.stack.len() == base + 1 && self.stack[base].key == StyleKey::Opening {
            base
        } else {
            self.stack.len()
        }
    }

    /// Where a new list of `style` goes: below the current heading, but never below an item
    /// of a style that ranks lower in the usual order `一、` › `（一）` › `1.` › `（1）` › `①`
    /// (the `一、` notes of a schedule after its `1．` list are not inside its last item).
    fn list_level(&self, style: Style) -> usize {
        let mut level = self.new_level();
        let Some(rank) = usual_rank(style) else {
            return level;
        };
        while level > self.base()
            && matches!(self.stack[level - 1].key,
                StyleKey::Marker(s) if usual_rank(s).is_some_and(|r| r > rank))
        {
            level -= 1;
        }
        level
    }

    /// Where an article goes when no article is open: at the level of the article before
    /// it when only items of that article (`（一）`, `1.`) stand below that level — an
    /// article never nests under an item, even when the article before it was not
    /// recognised (`第四百一十四 条` with a stray space).
    fn article_level(&self) -> usize {
        let level = self
            .stack
            .iter()
            .rposition(|f| match f.key {
                StyleKey::Marker(s) => law_rank(s).is_some(),
                _ => true,
            })
            .map_or(self.base(), |i| i + 1);
        if self.article_at == Some(level) {
            level
        } else {
            self.new_level()
        }
    }

    /// Whether a heading of a style not open at the moment may open a level below the
    /// current one: a first item, the document's first heading, an article that goes on
    /// with the numbering of the articles before it (articles run through the whole law, 章
    /// through its 篇), or numbering that runs on across parts (`（五）` under `二、` after
    /// `（一）…（四）` under `一、`) — never across articles: a `（六）` in 第三条 is no
    /// sixth item of 第二条.
    fn fits_new_level(&self, cand: &HeadingCandidate, style: Style) -> bool {
        let ordinal = cand.ordinal;
        let parent = self.stack.last().map(|f| f.key);
        // The first unit of a quote carries the number it will have in the quoted law.
        if self
            .quote
            .as_ref()
            .is_some_and(|q| q.base == self.stack.len())
        {
            return true;
        }
        if let Style::Decimal(k) = style {
            // `1.2.1` under `1.2`: the parent's number is this one's prefix.
            let parent_fits = match self.stack.last() {
                Some(f) if f.key == StyleKey::Marker(Style::Decimal(k - 1)) => {
                    f.ordinal == cand.prefix
                }
                _ => true,
            };
            return parent_fits && (ordinal == 1 || !self.any_heading);
        }
        if style == Style::Article {
            return match self.running_last(style) {
                // `第一条为了…` without a space: an article only where the numbering goes on.
                Some(l) if !cand.spaced => {
                    ordinal == l.saturating_add(1) || (cand.inserted && ordinal == l)
                }
                Some(l) => {
                    (cand.inserted && ordinal == l)
                        || (ordinal > l && ordinal <= l.saturating_add(10))
                }
                // The first article (of a law, or of one book of a code: `第四百六十三条`).
                None => cand.spaced || self.article_follows(ordinal),
            };
        }
        if ordinal == 1 || !self.any_heading || (self.base() == 1 && !self.doc_heading) {
            return true;
        }
        let Some(run) = self.running.iter().find(|r| r.style == style) else {
            return false;
        };
        let next = ordinal == run.ordinal.saturating_add(1);
        match style {
            Style::Chapter(_) => next,
            _ => next && run.parent == parent && parent != Some(StyleKey::Marker(Style::Article)),
        }
    }

    /// Whether the paragraph before the current line ends in a colon (`核材料，是指：`), or
    /// is a short label of its own (`第二类`, `续表` in a law's schedule): it introduces a
    /// new list, which may start again from its first item.
    fn after_lead_in(&self) -> bool {
        (0..self.cur_line)
            .rev()
            .find(|&i| self.is_content(i))
            .is_some_and(|p| {
                let t = self.content(p);
                self.cls.roles[p] == LineRole::Body
                    && (t.ends_with(['：', ':'])
                        || (t.chars().count() <= LABEL_CHARS
                            && t.chars().all(|c| c.is_alphanumeric() || c == '*')))
            })
    }

    /// The first open level that is a smaller unit of a law than `style` (编 › 分编 › 章 ›
    /// 节 › 条), where a heading of `style` goes instead of under it.
    fn smaller_law_unit(&self, style: Style) -> Option<usize> {
        let rank = law_rank(style)?;
        let base = self.base();
        self.stack
            .iter()
            .enumerate()
            .skip(base)
            .find_map(|(i, f)| match f.key {
                StyleKey::Marker(s) if law_rank(s).is_some_and(|r| r > rank) => Some(i),
                _ => None,
            })
    }

    /// The last number of a style seen so far in this document.
    fn running_last(&self, style: Style) -> Option<u32> {
        self.running
            .iter()
            .find(|r| r.style == style)
            .map(|r| r.ordinal)
    }

    /// Whether `第N+1条` opens a line soon after this one (an unspaced `第N条` is an article).
    fn article_follows(&self, n: u32) -> bool {
        (self.cur_line + 1..self.doc.lines.len())
            .filter(|&i| self.is_content(i))
            .take(40)
            .filter_map(|i| parse_heading_marker(self.content(i)))
            .any(|m| m.style == Style::Article && m.ordinal == n + 1)
    }

    /// Whether a later heading line of `style` carries on from `last`, which shows that a
    /// number skipping ahead here is a stray line, not a heading the writer left out.
    fn sequence_resumes(&self, style: Style, last: u32) -> bool {
        (self.cur_line + 1..self.doc.lines.len())
            .filter(|&i| self.is_content(i))
            .find_map(|i| parse_heading_marker(self.content(i)).filter(|m| m.style == style))
            .is_some_and(|m| m.ordinal == last.saturating_add(1))
    }

    /// Scan the text of line `idx` from byte `from` for inline points.
    fn scan_points(&mut self, idx: usize, from: usize, at_start: bool) {
        let end = self.cls.content[idx].end.max(from);
        let text = &self.doc.text[from..end];
        // Jump from one possible marker to the next instead of walking every char.
        let mut last_byte = 0;
        let mut last_char = self.char_at(idx, from);
        let found = self.point_candidates.take();
        let searched: Vec<(usize, usize)>;
        let matches = match found
            .as_deref()
            .and_then(|all| candidates_in(all, from, end))
        {
            Some(matches) => matches,
            None => {
                // `①`…`⑳` are U+2460…U+2473, E2 91 A0…E2 91 B3 in UTF-8.
                let candidates = if memchr::memmem::find(text.as_bytes(), b"\xE2\x91").is_some() {
                    &*POINT_OR_CIRCLED
                } else {
                    &*POINT_CANDIDATE
                };
                searched = candidates
                    .find_iter(text)
                    .map(|m| (from + m.start(), from + m.end()))
                    .collect();
                &searched
            }
        };
        for &(m_start, m_end) in matches {
            let b = m_start - from;
            let m = &text[b..m_end - from];
            let before = text[..b].trim_end_matches(|c: char| c.is_whitespace() || is_closer(c));
            let (sentence_start, clause_start) = match before.chars().next_back() {
                None => (at_start, false),
                Some(c) => (ends_sentence(c), matches!(c, '，' | ',' | '、')),
            };
            let circled = m.starts_with(|c: char| ('①'..='⑳').contains(&c));
            if !(sentence_start || clause_start || circled) {
                continue;
            }
            let Some(pm) = parse_point_marker(&text[b..]) else {
                continue;
            };
            // After a comma only the next item of an open sequence may follow (`一是…，二是…`),
            // or a first item whose second follows (`加强纪律建设，一是要…。二是要…`); `①`
            // opens a sequence anywhere when `②` follows.
            let opens = pm.ordinal == 1
                && (circled || clause_start)
                && self.second_follows(idx, &text[b + pm.shown_bytes..], pm.family);
            let accept = if circled {
                pm.ordinal != 1 || opens
            } else {
                sentence_start || pm.ordinal != 1 || opens
            };
            if accept {
                last_char += count_chars(&text[last_byte..b]);
                last_byte = b;
                self.try_point(idx, from + b, last_char, pm);
            }
        }
        self.point_candidates = found;
    }

    /// Whether the second item of a sequence of `family` follows a first one: in the rest of
    /// its line `rest`, or at the start of the next paragraph.
    fn second_follows(&self, idx: usize, rest: &str, family: PointFamily) -> bool {
        let seconds: &[&str] = match family {
            PointFamily::Ordinal => &["二是", "二要"],
            PointFamily::Diyi => &["第二，", "第二、", "第二,"],
            PointFamily::Circled => &["②"],
            PointFamily::Shouxian => return false,
        };
        if seconds.iter().any(|w| rest.contains(w)) {
            return true;
        }
        family != PointFamily::Circled
            && self
                .next_content_line(idx)
                .is_some_and(|n| seconds.iter().any(|w| self.content(n).starts_with(w)))
    }

    fn try_point(&mut self, idx: usize, at_byte: usize, at_char: usize, pm: marker::PointMarker) {
        let slot = family_index(pm.family);
        let accepted = match (pm.ordinal, self.points[slot]) {
            (1, _) => pm.family != PointFamily::Shouxian || self.sequence_continues(at_byte),
            (LAST, Some(_)) => pm.family == PointFamily::Shouxian,
            (n, Some(last)) => n == last.saturating_add(1),
            _ => false,
        };
        if !accepted {
            return;
        }
        let text = &self.doc.text[at_byte..self.cls.content[idx].end.max(at_byte)];
        let marker = &text[..pm.shown_bytes];
        let rest = &text[pm.skip_bytes.min(text.len())..];
        let end = rest
            .char_indices()
            .find(|&(_, c)| ends_sentence(c) && c != '：' && c != ':')
            .map_or(rest.len(), |(p, _)| p);
        let title = trim_title(&rest[..end]);
        if title.is_empty() {
            return;
        }
        self.points[slot] = if pm.ordinal == LAST {
            None
        } else {
            Some(pm.ordinal)
        };
        self.shorten_previous_point(idx, at_byte, at_char);
        let lead = rest.len() - rest.trim_start().len();
        let title_start = at_char + count_chars(&text[..pm.skip_bytes + lead]);
        let (title, shown_chars) = capped_title(title);
        self.open_node(OutlineNode {
            depth: self.heading_depth.saturating_add(1),
            kind: NodeKind::Point,
            marker: marker.to_owned(),
            title,
            range: TextRange::new(at_char, at_char),
            title_range: TextRange::new(title_start, title_start + shown_chars),
            line: idx,
        });
        self.last_point_title_byte = Some(at_byte + pm.skip_bytes + lead);
    }

    /// `一是甲，二是乙。`: the first point's title stops where the second point starts.
    fn shorten_previous_point(&mut self, idx: usize, at_byte: usize, at_char: usize) {
        let (Some(prev), Some(title_byte)) = (self.nodes.last_mut(), self.last_point_title_byte)
        else {
            return;
        };
        if prev.kind != NodeKind::Point
            || prev.line != idx
            || prev.title_range.end <= at_char
            || title_byte > at_byte
        {
            return;
        }
        let title = trim_title(&self.doc.text[title_byte..at_byte]);
        if title.is_empty() {
            return;
        }
        let (title, shown_chars) = capped_title(title);
        prev.title_range.end = prev.title_range.start + shown_chars;
        prev.title = title;
    }

    /// `首先` opens a point only when a sentence starting with `其次`, `再次` or `最后`
    /// follows soon after.
    fn sequence_continues(&mut self, at_byte: usize) -> bool {
        let text = &self.doc.text;
        let found = self.sequence_continuations.get_or_insert_with(|| {
            NEXT_IN_SEQUENCE
                .find_iter(text)
                .map(|m| m.start())
                .collect()
        });
        let next = found.partition_point(|&p| p < at_byte);
        found
            .get(next)
            .is_some_and(|&p| p - at_byte <= SEQUENCE_WINDOW_BYTES)
    }

    fn open_node(&mut self, node: OutlineNode) {
        self.close_from(node.depth, node.range.start);
        self.nodes.push(node);
        self.open.push(self.nodes.len() - 1);
    }

    /// Close every open node at `depth` or deeper, because something starts at char `at`.
    fn close_from(&mut self, depth: u8, at: usize) {
        while let Some(&top) = self.open.last() {
            if self.nodes[top].depth < depth {
                break;
            }
            let node_start = self.nodes[top].range.start;
            let end = if node_start >= self.cur_range.start || at > self.cur_line_content_start {
                at
            } else {
                self.prev_content_end.max(node_start)
            };
            self.nodes[top].range.end = end;
            self.open.pop();
        }
    }

    fn finish(mut self, blanks: Vec<(usize, usize, usize, String)>) -> Outline {
        let doc = self.doc;
        let last_content_end = (0..doc.lines.len())
            .rev()
            .find(|&i| self.is_content(i))
            .map_or(0, |i| doc.lines[i].range.end);
        for &idx in &self.open {
            let node = &mut self.nodes[idx];
            node.range.end = last_content_end.max(node.range.start);
        }
        let byte_to_char = |byte: usize| {
            let line = doc
                .lines
                .partition_point(|l| l.byte_end < byte)
                .min(doc.lines.len().saturating_sub(1));
            let l = &doc.lines[line];
            l.range.start + count_chars(&doc.text[l.byte_start..byte.max(l.byte_start)])
        };
        let title_range = self
            .cls
            .title
            .as_ref()
            .map(|t| TextRange::new(byte_to_char(t.bytes.start), byte_to_char(t.bytes.end)));
        let salutation = self.cls.salutation.map(|(i, len)| {
            let start = self.cls.content[i].start;
            TextRange::new(byte_to_char(start), byte_to_char(start + len))
        });
        let title = self.cls.title.take().map(|t| strip_invisible(t.text));
        let metadata = std::mem::take(&mut self.cls.metadata)
            .into_iter()
            .map(|f| MetadataEntry {
                range: TextRange::new(byte_to_char(f.bytes.start), byte_to_char(f.bytes.end)),
                key: f.key,
                value: f.value,
                line: f.line,
            })
            .collect();
        let contents = self
            .cls
            .contents
            .map(|(a, b)| TextRange::new(doc.lines[a].range.start, doc.lines[b].range.end));
        let topics = topics::find(doc, &self.cls.roles, &self.cls.content, &self.nodes);
        let roles = std::mem::take(&mut self.cls.roles);
        let mut boilerplate = Vec::new();
        for (i, line) in doc.lines.iter().enumerate() {
            if let LineRole::Boilerplate(kind) = roles[i] {
                boilerplate.push(Boilerplate {
                    kind,
                    range: line.range,
                    line: i,
                });
            }
        }
        // Blanks of the document proper (not of its boilerplate).
        let placeholders = blanks
            .into_iter()
            .filter(|&(i, ..)| !matches!(roles[i], LineRole::Blank | LineRole::Boilerplate(_)))
            .map(|(i, off, len, text)| {
                let start = doc.lines[i].range.start + off;
                Placeholder {
                    text,
                    range: TextRange::new(start, start + len),
                }
            })
            .collect();
        Outline {
            title,
            title_range,
            salutation,
            parents: parents_of(&self.nodes),
            nodes: self.nodes,
            placeholders,
            boilerplate,
            roles,
            metadata,
            contents,
            topics,
        }
    }
}

#[cfg(test)]
mod tests;
