//! [`Document`] → [`Outline`]: numbering grammar, level inference, inline points, title,
//! salutation, boilerplate and placeholders. Pure: no IO, no UI.

mod classify;
pub mod label;
pub mod marker;
mod placeholder;

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use classify::{BoilerplateKind, LineRole};
use classify::{Classified, classify};
use marker::{LAST, PointFamily, Style, parse_heading_marker, parse_point_marker};

use crate::document::{Document, LineHint, TextRange, count_chars};

/// Whether a node is a heading (its own numbered or styled line) or an inline point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// A heading: `一、`, `（一）`, `1.`, a Word or Markdown heading, an unnumbered part.
    Heading,
    /// An inline point inside a paragraph: `一是`, `二要`, `第一，`, `首先`.
    Point,
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
}

#[derive(Clone, Copy, Debug)]
struct Frame {
    key: StyleKey,
    ordinal: u32,
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
        }
    }
}

/// Build the outline of a document.
pub fn outline(doc: &Document) -> Outline {
    let classified = classify(doc);
    let mut builder = Builder::new(doc, classified);
    builder.run();
    builder.finish()
}

struct Builder<'a> {
    doc: &'a Document,
    cls: Classified,
    stack: Vec<Frame>,
    nodes: Vec<OutlineNode>,
    /// Indices of nodes whose range is still open, shallowest first.
    open: Vec<usize>,
    /// Last ordinal of each point family in the current section.
    points: [Option<u32>; 3],
    heading_depth: u8,
    any_heading: bool,
    /// Last number seen for each chapter unit (章 numbers run on across 篇).
    chapters: Vec<(char, u32)>,
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
}

fn family_index(f: PointFamily) -> usize {
    match f {
        PointFamily::Ordinal => 0,
        PointFamily::Diyi => 1,
        PointFamily::Shouxian => 2,
    }
}

/// Where an inline point may begin: a numeral before 是/要, 第 and a numeral, 首先 ….
static POINT_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十]+|首先|其次|再次|最后")
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

impl<'a> Builder<'a> {
    fn new(doc: &'a Document, cls: Classified) -> Self {
        Self {
            doc,
            cls,
            stack: Vec::new(),
            nodes: Vec::new(),
            open: Vec::new(),
            points: [None; 3],
            heading_depth: 0,
            any_heading: false,
            chapters: Vec::new(),
            prev_content_end: 0,
            cur_line: 0,
            cur_range: TextRange::default(),
            cur_line_content_start: 0,
            last_point_title_byte: None,
            sequence_continuations: None,
        }
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
            // Every `Body` line lies at or after the body start: earlier ones are front matter.
            if self.cls.roles[i] == LineRole::Body {
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

    /// Open a heading on line `idx` if one starts there; returns the extra lines consumed.
    fn try_heading(&mut self, idx: usize, from_byte: usize) -> Option<usize> {
        let cand = self.heading_candidate(idx, from_byte)?;
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
        let (title_len, after) = if cand.whole_line {
            (rest.len(), None)
        } else {
            match rest.char_indices().find(|&(_, c)| ends_sentence(c)) {
                Some((pos, c)) => (pos, Some(title_from + pos + c.len_utf8())),
                None => (rest.len(), None),
            }
        };
        let title = trim_title(&rest[..title_len]);
        if title.is_empty() {
            return None;
        }
        // A title that is its whole line, short, with no sentence in it, stands on its own;
        // only such a line may restart a top-level list or skip a number.
        let standalone =
            after.is_none_or(|a| a >= rest_end) && title.chars().count() <= STANDALONE_TITLE_CHARS;
        let level_idx = self.place(cand.key, cand.ordinal, standalone)?;
        let depth = u8::try_from(level_idx + 1).unwrap_or(u8::MAX);
        self.stack.truncate(level_idx);
        self.stack.push(Frame {
            key: cand.key,
            ordinal: cand.ordinal,
        });
        if let StyleKey::Marker(Style::Chapter(unit)) = cand.key {
            self.chapters.retain(|&(u, _)| u != unit);
            self.chapters.push((unit, cand.ordinal));
        }
        let (title, shown_chars) = capped_title(title);
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
        self.points = [None; 3];
        for role in &mut self.cls.roles[idx..=idx + cand.extra_lines] {
            *role = LineRole::Heading;
        }
        if let Some(after) = after {
            self.scan_points(rest_line, after, true);
        }
        Some(cand.extra_lines)
    }

    fn heading_candidate(&self, idx: usize, from_byte: usize) -> Option<HeadingCandidate> {
        let line = self.doc.lines[idx];
        let body = &self.doc.text[from_byte..self.cls.content[idx].end];
        let start = self.char_at(idx, from_byte);
        if let Some(m) = parse_heading_marker(body) {
            let key = StyleKey::Marker(m.style);
            // A styled heading whose numbering does not fit is still a heading (by its style).
            let fits = self.place(key, m.ordinal, true).is_some();
            if fits || !matches!(line.hint, LineHint::Heading(_)) {
                return Some(HeadingCandidate {
                    key,
                    ordinal: m.ordinal,
                    start,
                    marker: body[..m.len_bytes].to_owned(),
                    rest_byte: from_byte + m.len_bytes,
                    rest_line: idx,
                    extra_lines: 0,
                    whole_line: false,
                });
            }
        }
        if let LineHint::Heading(level) = line.hint {
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
        if self.is_unnumbered_heading(idx, body) {
            return Some(HeadingCandidate::whole_line(
                StyleKey::Unnumbered,
                start,
                String::new(),
                from_byte,
                idx,
            ));
        }
        None
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
            return Some(HeadingCandidate::whole_line(
                StyleKey::Appendix,
                start,
                String::new(),
                at_byte,
                idx,
            ));
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
        let marker_len = word.len() + digits;
        let marker = body[..marker_len].to_owned();
        let rest = body[marker_len..]
            .trim_start_matches(['：', ':', '、', '.', ' '])
            .trim();
        if rest.chars().count() > STANDALONE_TITLE_CHARS || rest.contains('。') {
            return None;
        }
        if !rest.is_empty() {
            return Some(HeadingCandidate::whole_line(
                StyleKey::Appendix,
                start,
                marker,
                at_byte + marker_len,
                idx,
            ));
        }
        // The appendix title usually stands on the next line.
        let mut cand = HeadingCandidate::whole_line(
            StyleKey::Appendix,
            start,
            marker,
            at_byte + marker_len,
            idx,
        );
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

    /// A short unpunctuated line between body paragraphs, at the top level of a document
    /// whose parts are not numbered (`“十四五”时期工作回顾`).
    fn is_unnumbered_heading(&self, idx: usize, body: &str) -> bool {
        if !(self.stack.is_empty() || matches!(self.stack[0].key, StyleKey::Unnumbered)) {
            return false;
        }
        if self.cls.salutation.is_none() && !self.any_heading {
            return false;
        }
        let len = body.chars().count();
        if !(2..=30).contains(&len)
            || body.ends_with(is_trailing_punct)
            || body.contains(['。', '！', '？'])
        {
            return false;
        }
        let closes_paragraph = |t: &str| t.ends_with(|c: char| ends_sentence(c) || is_closer(c));
        // The line before must close a paragraph (or be the salutation).
        let prev = (0..idx).rev().find(|&i| self.is_content(i));
        let prev_ok = prev.is_some_and(|p| {
            self.cls.roles[p] == LineRole::Salutation || closes_paragraph(self.content(p))
        });
        let next_ok = self.next_content_line(idx).is_some_and(|n| {
            let t = self.content(n);
            t.chars().count() >= 40.max(2 * len) && closes_paragraph(t)
        });
        prev_ok && next_ok
    }

    /// Where a heading of this style and number goes: the index in the style stack
    /// (its depth − 1), or `None` when it does not fit the sequence. `standalone` says
    /// whether the heading is a short line of its own, which may restart a top-level
    /// list or skip a number or two.
    fn place(&self, key: StyleKey, ordinal: u32, standalone: bool) -> Option<usize> {
        match key {
            StyleKey::Appendix | StyleKey::Unnumbered => Some(0),
            StyleKey::Ranked(level) => Some(
                self.stack
                    .iter()
                    .position(|f| matches!(f.key, StyleKey::Ranked(l) if l >= level))
                    .unwrap_or(self.stack.len()),
            ),
            StyleKey::Marker(style) => {
                if let Some(i) = self.stack.iter().position(|f| f.key == key) {
                    let last = self.stack[i].ordinal;
                    let next = ordinal == last.saturating_add(1);
                    // A restart under the same parent would be a second `（一）`: only the
                    // top level restarts, and only with a heading line of its own.
                    let restart = ordinal == 1 && i == 0 && standalone;
                    let gap = standalone
                        && ordinal > last.saturating_add(1)
                        && ordinal <= last.saturating_add(3)
                        && !self.sequence_resumes(style, last);
                    (next || restart || gap).then_some(i)
                } else if ordinal == 1 || !self.any_heading {
                    Some(self.stack.len())
                } else if let Style::Chapter(unit) = style {
                    // 章 numbers run on across 篇: 第三章 may follow 第二篇.
                    let last = self
                        .chapters
                        .iter()
                        .find(|&&(u, _)| u == unit)
                        .map(|&(_, n)| n);
                    (last.map(|n| n.saturating_add(1)) == Some(ordinal)).then_some(self.stack.len())
                } else {
                    None
                }
            }
        }
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
        for m in POINT_CANDIDATE.find_iter(text) {
            let b = m.start();
            let before = text[..b].trim_end_matches(|c: char| c.is_whitespace() || is_closer(c));
            let (sentence_start, clause_start) = match before.chars().next_back() {
                None => (at_start, false),
                Some(c) => (ends_sentence(c), matches!(c, '，' | ',')),
            };
            if !(sentence_start || clause_start) {
                continue;
            }
            let Some(pm) = parse_point_marker(&text[b..]) else {
                continue;
            };
            // After a comma only the next item of an open sequence may follow (`一是…，二是…`).
            if sentence_start || pm.ordinal != 1 {
                last_char += count_chars(&text[last_byte..b]);
                last_byte = b;
                self.try_point(idx, from + b, last_char, pm);
            }
        }
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

    fn finish(mut self) -> Outline {
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
            self.char_at(line, byte.max(doc.lines[line].byte_start))
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
        let title = self.cls.title.take().map(|t| t.text);
        let roles = std::mem::take(&mut self.cls.roles);
        let mut placeholders = Vec::new();
        let mut boilerplate = Vec::new();
        for (i, line) in doc.lines.iter().enumerate() {
            match roles[i] {
                LineRole::Blank => {}
                LineRole::Boilerplate(kind) => boilerplate.push(Boilerplate {
                    kind,
                    range: line.range,
                    line: i,
                }),
                _ => {
                    for (off, len, text) in placeholder::find_in_line(doc.line_text(line)) {
                        let start = line.range.start + off;
                        placeholders.push(Placeholder {
                            text,
                            range: TextRange::new(start, start + len),
                        });
                    }
                }
            }
        }
        Outline {
            title,
            title_range,
            salutation,
            parents: parents_of(&self.nodes),
            nodes: self.nodes,
            placeholders,
            boilerplate,
            roles,
        }
    }
}

#[cfg(test)]
mod tests;
