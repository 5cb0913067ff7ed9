//! [`Document`] → [`Outline`]: numbering grammar, level inference, inline points, title,
//! salutation, boilerplate and placeholders. Pure: no IO, no UI.

mod classify;
pub mod marker;
mod placeholder;

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use classify::{BoilerplateKind, LineRole};
use classify::{Classified, classify, content_of, trim_ws};
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
}

impl Outline {
    /// Index of the deepest node whose range contains char `pos` (the section you are in).
    pub fn node_at(&self, pos: usize) -> Option<usize> {
        let upto = self.nodes.partition_point(|n| n.range.start <= pos);
        (0..upto)
            .rev()
            .find(|&i| {
                self.nodes[i].range.start <= pos
                    && pos < self.nodes[i].range.end.max(self.nodes[i].range.start + 1)
            })
            .or_else(|| upto.checked_sub(1).filter(|&i| self.nodes[i].depth == 1))
    }

    /// Indices of the node and its ancestors, outermost first.
    pub fn path_to(&self, idx: usize) -> Vec<usize> {
        let mut path = vec![idx];
        let mut depth = self.nodes[idx].depth;
        for i in (0..idx).rev() {
            if self.nodes[i].depth < depth {
                path.push(i);
                depth = self.nodes[i].depth;
                if depth == 1 {
                    break;
                }
            }
        }
        path.reverse();
        path
    }
}

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
    /// End of the last content line before the current one.
    prev_content_end: usize,
    /// The current line's char range.
    cur_line: TextRange,
    cur_line_content_start: usize,
    /// Byte where the title of the last point opened begins.
    last_point_title_byte: Option<usize>,
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

/// Chars that end a sentence (and so may precede a point).
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '：' | '!' | '?' | ';' | ':')
}

/// Chars that end a heading's title.
fn ends_title(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '：' | '!' | '?' | ';' | ':')
}

/// Closing quotes and brackets that may follow a sentence end.
fn is_closer(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '"' | '\'' | '》')
}

fn trim_title(s: &str) -> &str {
    trim_ws(s).trim_end_matches(|c: char| {
        matches!(
            c,
            '，' | ',' | '、' | '。' | '；' | ';' | '：' | ':' | '！' | '？' | '…'
        ) || c.is_whitespace()
    })
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
            prev_content_end: 0,
            cur_line: TextRange::default(),
            cur_line_content_start: 0,
            last_point_title_byte: None,
        }
    }

    fn line_text(&self, idx: usize) -> &'a str {
        self.doc.line_text(&self.doc.lines[idx])
    }

    /// Char offset of a byte offset within line `idx`.
    fn char_at(&self, idx: usize, byte: usize) -> usize {
        let line = &self.doc.lines[idx];
        line.range.start + count_chars(&self.doc.text[line.byte_start..byte])
    }

    fn is_content(&self, idx: usize) -> bool {
        !matches!(
            self.cls.roles[idx],
            LineRole::Blank | LineRole::Boilerplate(_)
        )
    }

    fn next_content_line(&self, idx: usize) -> Option<usize> {
        (idx + 1..self.doc.lines.len())
            .find(|&i| self.cls.roles[i] != LineRole::Blank && self.is_content(i))
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
            self.cur_line = line.range;
            let text = self.line_text(i);
            let lead = text.len()
                - text
                    .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
                    .len();
            self.cur_line_content_start = line.range.start + count_chars(&text[..lead]);
            let mut consumed = 1;
            // Every `Body` line lies at or after `body_start`: earlier ones are front matter.
            if self.cls.roles[i] == LineRole::Body {
                let body_from = match self.cls.salutation {
                    Some((l, len)) if l == i => line.byte_start + lead + len,
                    _ => line.byte_start + lead,
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
        let level_idx = self.place(cand.key, cand.ordinal)?;
        let depth = (level_idx + 1) as u8;
        let rest_line = cand.rest_line;
        let rest_end = self.doc.lines[rest_line].byte_end;
        let rest = &self.doc.text[cand.rest_byte..rest_end];
        // Skip separators between marker and title.
        let skipped = rest.len()
            - rest
                .trim_start_matches(|c: char| {
                    c.is_whitespace() || matches!(c, '\u{3000}' | '：' | ':' | '、' | '.' | '．')
                })
                .len();
        let title_from = cand.rest_byte + skipped;
        let rest = &self.doc.text[title_from..rest_end];
        let (title_len, after) = if cand.whole_line {
            (rest.len(), None)
        } else {
            match rest.char_indices().find(|&(_, c)| ends_title(c)) {
                Some((pos, c)) => (pos, Some(title_from + pos + c.len_utf8())),
                None => (rest.len(), None),
            }
        };
        let title = trim_title(&rest[..title_len]);
        if title.is_empty() {
            return None;
        }
        self.stack.truncate(level_idx);
        self.stack.push(Frame {
            key: cand.key,
            ordinal: cand.ordinal,
        });
        let title_start = self.char_at(rest_line, title_from);
        let title_range = TextRange::new(title_start, title_start + title.chars().count());
        self.open_node(OutlineNode {
            depth,
            kind: NodeKind::Heading,
            marker: cand.marker,
            title: title.to_owned(),
            range: TextRange::new(cand.start, cand.start),
            title_range,
            line: idx,
        });
        self.heading_depth = depth;
        self.any_heading = true;
        self.points = [None; 3];
        for l in idx..=idx + cand.extra_lines {
            self.cls.roles[l] = LineRole::Heading;
        }
        if let Some(after) = after {
            self.scan_points(rest_line, after, true);
        }
        Some(cand.extra_lines)
    }

    fn heading_candidate(&self, idx: usize, from_byte: usize) -> Option<HeadingCandidate> {
        let line = self.doc.lines[idx];
        let t = &self.doc.text[from_byte..line.byte_end];
        let content = content_of(self.doc, idx);
        let start = self.char_at(idx, from_byte);
        let md_offset = if content.len() < t.len()
            && self.doc.format == crate::document::SourceFormat::Markdown
        {
            t.len() - t.trim_start_matches(['#', ' ', '\t', '\u{3000}']).len()
        } else {
            0
        };
        let body = &t[md_offset..];
        let marker_at = from_byte + md_offset;
        if let Some(m) = parse_heading_marker(body) {
            let key = StyleKey::Marker(m.style);
            if self.place(key, m.ordinal).is_some() || !matches!(line.hint, LineHint::Heading(_)) {
                return Some(HeadingCandidate {
                    key,
                    ordinal: m.ordinal,
                    start,
                    marker: body[..m.len_bytes].to_owned(),
                    rest_byte: marker_at + m.len_bytes,
                    rest_line: idx,
                    extra_lines: 0,
                    whole_line: false,
                });
            }
        }
        if let LineHint::Heading(level) = line.hint {
            return Some(HeadingCandidate {
                key: StyleKey::Ranked(level),
                ordinal: 1,
                start,
                marker: String::new(),
                rest_byte: marker_at,
                rest_line: idx,
                extra_lines: 0,
                whole_line: true,
            });
        }
        if let Some(c) = self.broken_bracket(idx, body, start) {
            return Some(c);
        }
        if let Some(c) = self.appendix(idx, body, marker_at, start) {
            return Some(c);
        }
        if self.is_unnumbered_heading(idx, body) {
            return Some(HeadingCandidate {
                key: StyleKey::Unnumbered,
                ordinal: 1,
                start,
                marker: String::new(),
                rest_byte: marker_at,
                rest_line: idx,
                extra_lines: 0,
                whole_line: true,
            });
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
        let next_line = self.doc.lines[next];
        let next_text = self.line_text(next);
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
            rest_byte: next_line.byte_start + m.len_bytes - body.len(),
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
        let bare = body.trim_end_matches(['：', ':']);
        if standalone.contains(&bare) {
            return Some(HeadingCandidate {
                key: StyleKey::Appendix,
                ordinal: 1,
                start,
                marker: String::new(),
                rest_byte: at_byte,
                rest_line: idx,
                extra_lines: 0,
                whole_line: true,
            });
        }
        let word = ["附件", "附表", "附录"]
            .into_iter()
            .find(|w| body.starts_with(w))?;
        let after = &body[word.len()..];
        let digits = after
            .char_indices()
            .take_while(|&(_, c)| {
                c.is_ascii_digit() || ('０'..='９').contains(&c) || marker::is_cn_numeral(c)
            })
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let marker_len = word.len() + digits;
        let rest = trim_ws(body[marker_len..].trim_start_matches(['：', ':', '、', '.', ' ']));
        if rest.chars().count() > 40 || rest.contains('。') {
            return None;
        }
        if !rest.is_empty() {
            return Some(HeadingCandidate {
                key: StyleKey::Appendix,
                ordinal: 1,
                start,
                marker: body[..marker_len].to_owned(),
                rest_byte: at_byte + marker_len,
                rest_line: idx,
                extra_lines: 0,
                whole_line: true,
            });
        }
        // The appendix title usually stands on the next line.
        let next = self.next_content_line(idx)?;
        let next_text = content_of(self.doc, next);
        let short_title = next == idx + 1
            && next_text.chars().count() <= 40
            && !next_text
                .chars()
                .any(|c| matches!(c, '。' | '；' | '！' | '？'))
            && parse_heading_marker(next_text).is_none();
        let (rest_byte, rest_line, extra) = if short_title {
            let l = self.doc.lines[next];
            let lead = self.line_text(next).len() - self.line_text(next).trim_start().len();
            (l.byte_start + lead, next, 1)
        } else {
            (at_byte, idx, 0)
        };
        Some(HeadingCandidate {
            key: StyleKey::Appendix,
            ordinal: 1,
            start,
            marker: body[..marker_len].to_owned(),
            rest_byte,
            rest_line,
            extra_lines: extra,
            whole_line: true,
        })
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
        if !(2..=30).contains(&len) {
            return false;
        }
        let punct = |c: char| {
            matches!(
                c,
                '。' | '！'
                    | '？'
                    | '；'
                    | '：'
                    | '，'
                    | '、'
                    | '…'
                    | '!'
                    | '?'
                    | ';'
                    | ':'
                    | ','
                    | '.'
            )
        };
        if body.chars().last().is_some_and(punct) || body.contains(['。', '！', '？']) {
            return false;
        }
        // The line before must close a paragraph (or be the salutation).
        let prev = (0..idx)
            .rev()
            .find(|&i| self.cls.roles[i] != LineRole::Blank && self.is_content(i));
        let prev_ok = prev.is_some_and(|p| {
            self.cls.roles[p] == LineRole::Salutation
                || content_of(self.doc, p)
                    .chars()
                    .last()
                    .is_some_and(|c| ends_sentence(c) || is_closer(c))
        });
        let next_ok = self.next_content_line(idx).is_some_and(|n| {
            let t = content_of(self.doc, n);
            let n_len = t.chars().count();
            n_len >= 40.max(2 * len)
                && t.chars()
                    .last()
                    .is_some_and(|c| ends_sentence(c) || is_closer(c))
        });
        prev_ok && next_ok
    }

    /// Where a heading of this style and number goes: the index in the style stack
    /// (its depth − 1), or `None` when it does not fit the sequence.
    fn place(&self, key: StyleKey, ordinal: u32) -> Option<usize> {
        match key {
            StyleKey::Appendix | StyleKey::Unnumbered => Some(0),
            StyleKey::Ranked(level) => Some(
                self.stack
                    .iter()
                    .position(|f| matches!(f.key, StyleKey::Ranked(l) if l >= level))
                    .unwrap_or(self.stack.len()),
            ),
            StyleKey::Marker(_) => {
                if let Some(i) = self.stack.iter().position(|f| f.key == key) {
                    (ordinal == self.stack[i].ordinal + 1 || ordinal == 1).then_some(i)
                } else if ordinal == 1 || !self.any_heading {
                    Some(self.stack.len())
                } else {
                    None
                }
            }
        }
    }

    /// Scan the text of line `idx` from byte `from` for inline points.
    fn scan_points(&mut self, idx: usize, from: usize, at_start: bool) {
        let line = self.doc.lines[idx];
        let text = &self.doc.text[from..line.byte_end];
        // Jump from one possible marker to the next instead of walking every char.
        let mut last_byte = 0;
        let mut last_char = self.char_at(idx, from);
        for m in POINT_CANDIDATE.find_iter(text) {
            let b = m.start();
            let before = text[..b]
                .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || is_closer(c));
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
            (n, Some(last)) => n == last + 1,
            _ => false,
        };
        if !accepted {
            return;
        }
        let line = self.doc.lines[idx];
        let text = &self.doc.text[at_byte..line.byte_end];
        let marker = &text[..pm.shown_bytes];
        let rest = &text[pm.skip_bytes..];
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
        let lead = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
                .len();
        let title_start = at_char + count_chars(&text[..pm.skip_bytes + lead]);
        let title_range = TextRange::new(title_start, title_start + title.chars().count());
        self.open_node(OutlineNode {
            depth: self.heading_depth + 1,
            kind: NodeKind::Point,
            marker: marker.to_owned(),
            title: title.to_owned(),
            range: TextRange::new(at_char, at_char),
            title_range,
            line: idx,
        });
        self.last_point_title_byte = Some(at_byte + pm.skip_bytes);
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
        prev.title_range.end = prev.title_range.start + title.chars().count();
        prev.title = title.to_owned();
    }

    /// `首先` opens a point only when a sentence starting with `其次`, `再次` or `最后`
    /// follows soon after.
    fn sequence_continues(&self, at_byte: usize) -> bool {
        let mut end = (at_byte + 6000).min(self.doc.text.len());
        while !self.doc.text.is_char_boundary(end) {
            end -= 1;
        }
        NEXT_IN_SEQUENCE.is_match(&self.doc.text[at_byte..end])
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
            let end = if node_start >= self.cur_line.start || at > self.cur_line_content_start {
                at
            } else {
                self.prev_content_end.max(node_start)
            };
            self.nodes[top].range.end = end;
            self.open.pop();
        }
    }

    fn finish(mut self) -> Outline {
        let last_content_end = (0..self.doc.lines.len())
            .rev()
            .find(|&i| self.is_content(i))
            .map_or(0, |i| self.doc.lines[i].range.end);
        for &idx in &self.open {
            let node = &mut self.nodes[idx];
            node.range.end = last_content_end.max(node.range.start);
        }
        let doc = self.doc;
        let roles = self.cls.roles;
        let title_line = self.cls.title_line;
        let title = title_line.map(|i| content_of(doc, i).to_owned());
        let title_range = title_line.map(|i| {
            let line = doc.lines[i];
            let text = doc.line_text(&line);
            let content = content_of(doc, i);
            let off = text.find(content).unwrap_or(0);
            let start = line.range.start + count_chars(&text[..off]);
            TextRange::new(start, start + content.chars().count())
        });
        let salutation = self.cls.salutation.map(|(i, len)| {
            let line = doc.lines[i];
            let text = doc.line_text(&line);
            let lead = text.len() - text.trim_start().len();
            let start = line.range.start + count_chars(&text[..lead]);
            TextRange::new(start, start + count_chars(&text[lead..lead + len]))
        });
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
            nodes: self.nodes,
            placeholders,
            boilerplate,
            roles,
        }
    }
}

#[cfg(test)]
mod tests;
