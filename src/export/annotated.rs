//! The annotated document: the whole document as a Word `.docx` with the reader's
//! highlights in it and their notes as real Word comments (批注), for colleagues who work
//! in Word and WPS.
//!
//! - A `.docx` source comes back as a copy of the original with the comments and
//!   highlights woven into `word/document.xml` ([`super::annotated_weave`]): every other
//!   part (styles, numbering, headers, fonts, media) is copied byte for byte, and only the
//!   runs a mark falls in are rewritten. The original's own comments are replaced by the
//!   annotations (those imported from them come back with their authors, dates and replies).
//! - Any other source (text, Markdown, PDF, OFD…) is laid out as a 公文 after GB/T 9704
//!   ([`super::annotated_gongwen`]).
//!
//! In both, a highlight is a shading in its colour (or the nearest Word highlight colour,
//! [`HighlightStyle::Word`]), an underline an underline in its colour; a note (and the tags
//! of the tag field, on a last line `标签：#a #b`) is a comment anchored from
//! `w:commentRangeStart` to `w:commentRangeEnd` around exactly the highlighted text, across
//! runs and paragraphs; a section note is a comment on its heading's title. Comments carry
//! the author from the settings (an imported one its own) and the date it was written.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::annotate::imported::{comment_text, fill_rgb, hex, ink_rgb, word_highlight};
use crate::annotate::{Annotation, Color, Kind, Mark};
use crate::document::{Document, TextPiece, TextRange};
use crate::outline::Outline;

use super::report::clean_text;
use super::{ExportError, Filter, Format, Lang};

/// How a highlight shows in Word.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum HighlightStyle {
    /// A shading in Pizhu's own colour (exact; Word calls it 底纹).
    #[default]
    Shading,
    /// The nearest of Word's highlight colours (突出显示: yellow, green, cyan, magenta,
    /// dark magenta).
    Word,
}

/// What becomes of the blanks to fill (`×`, `XX`, `某某`…).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Blanks {
    /// Left as they are.
    #[default]
    Keep,
    /// Each gets a comment 待填写 ("to fill in").
    Mark,
}

/// How to make the annotated document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnotatedOptions {
    /// The author of the reader's own comments (the settings' name).
    pub author: String,
    /// Which annotations.
    pub filter: Filter,
    /// Shading or Word highlight.
    pub highlight: HighlightStyle,
    /// Blanks kept, or marked with a comment.
    pub blanks: Blanks,
    /// The language of the words the export adds (the tag line, 待填写).
    pub lang: Lang,
    /// When the export is made (the date of the blanks' comments), ms since 1970.
    pub now_ms: i64,
}

impl Default for AnnotatedOptions {
    fn default() -> Self {
        Self {
            author: String::new(),
            filter: Filter::default(),
            highlight: HighlightStyle::Shading,
            blanks: Blanks::Keep,
            lang: Lang::Zh,
            now_ms: 0,
        }
    }
}

/// What is made into an annotated document.
#[derive(Clone, Copy, Debug)]
pub struct AnnotatedSource<'a> {
    /// The document as opened.
    pub doc: &'a Document,
    /// Its outline (headings, title, blanks).
    pub outline: &'a Outline,
    /// Its annotations, placed in `doc`.
    pub annotations: &'a [Annotation],
    /// Its title.
    pub title: &'a str,
    /// The bytes of the original `.docx`, when the document is one: the export is then a
    /// copy of it.
    pub original: Option<&'a [u8]>,
}

/// Which layout an annotated document got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A copy of the original `.docx`.
    Copy,
    /// A 公文 laid out after GB/T 9704.
    Gongwen,
}

/// The annotated document and what went into it.
#[derive(Clone, Debug)]
pub struct Annotated {
    /// The `.docx` file's bytes.
    pub bytes: Vec<u8>,
    /// Which layout.
    pub layout: Layout,
    /// Comments written (replies and blanks included).
    pub comments: usize,
    /// Highlights and underlines written.
    pub highlights: usize,
    /// Annotations that passed the filter but could not be placed in the text: left out.
    pub left_out: usize,
}

/// Make the annotated document.
pub fn annotated_docx(
    source: &AnnotatedSource<'_>,
    options: &AnnotatedOptions,
) -> Result<Annotated, ExportError> {
    match source.original {
        Some(original) => super::annotated_weave::weave(source, original, options),
        None => super::annotated_gongwen::lay_out(source, options),
    }
}

/// The `.docx` failure of `reason`.
pub(super) fn failure(reason: impl std::fmt::Display) -> ExportError {
    ExportError::build(Format::Docx, reason)
}

/// A comment to write.
#[derive(Clone, Debug)]
pub(super) struct Comment {
    /// Its `w:id`.
    pub id: u32,
    /// What it is anchored to.
    pub range: TextRange,
    pub author: String,
    pub initials: String,
    /// `w:date`, ISO 8601 in UTC.
    pub date: Option<String>,
    pub text: String,
    /// The `w:id` of the comment it answers.
    pub parent: Option<u32>,
}

/// A highlight or underline to paint.
#[derive(Clone, Copy, Debug)]
pub(super) struct Paint {
    pub range: TextRange,
    pub color: Color,
    pub mark: Mark,
}

/// What the export puts into the document.
#[derive(Debug, Default)]
pub(super) struct Marks {
    pub comments: Vec<Comment>,
    pub paints: Vec<Paint>,
    pub left_out: usize,
}

/// Initials for an author: the capitals of a Latin name (`Li Ming` → `LM`), else the
/// first char of the name.
fn initials_of(author: &str) -> String {
    let words: Vec<&str> = author.split_whitespace().collect();
    if words.len() > 1 && words.iter().all(|w| w.is_ascii()) {
        return words
            .iter()
            .filter_map(|w| w.chars().next())
            .map(|c| c.to_ascii_uppercase())
            .collect();
    }
    author.chars().next().map(String::from).unwrap_or_default()
}

/// `ms` as a `w:date`.
fn date_of(ms: i64) -> Option<String> {
    let ts = jiff::Timestamp::from_millisecond(ms).ok()?;
    Some(ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// What the filtered annotations (and the blanks, if marked) of `source` put into a
/// document whose text is `doc` (the annotations already placed in it).
pub(super) fn marks(
    doc: &Document,
    outline: &Outline,
    annotations: &[Annotation],
    options: &AnnotatedOptions,
) -> Marks {
    let mut m = Marks::default();
    let english = options.lang == Lang::En;
    let own_initials = initials_of(&options.author);
    let mut next_id = 0u32;
    let mut take_id = || {
        let id = next_id;
        next_id += 1;
        id
    };
    for a in annotations.iter().filter(|a| options.filter.matches(a)) {
        let has_text = !a.note.trim().is_empty() || !a.tags.is_empty();
        if a.kind == Kind::SectionNote && !has_text {
            continue;
        }
        if !a.is_placed() || a.range.end > doc.char_count {
            m.left_out += 1;
            continue;
        }
        if a.kind == Kind::Highlight && !a.range.is_empty() {
            m.paints.push(Paint {
                range: a.range,
                color: a.color,
                mark: a.mark,
            });
        }
        if !has_text && a.replies.is_empty() {
            continue;
        }
        let (author, initials, date_ms) = match a.imported.as_deref() {
            Some(i) if !i.author.is_empty() => (i.author.clone(), i.initials.clone(), i.date_ms),
            _ => (
                options.author.clone(),
                own_initials.clone(),
                Some(if a.created_ms > 0 {
                    a.created_ms
                } else {
                    a.modified_ms
                }),
            ),
        };
        let id = take_id();
        m.comments.push(Comment {
            id,
            range: a.range,
            initials: if initials.is_empty() {
                initials_of(&author)
            } else {
                initials
            },
            author,
            date: date_ms.and_then(date_of),
            text: comment_text(&a.note, &a.tags, english),
            parent: None,
        });
        for r in &a.replies {
            let reply = take_id();
            m.comments.push(Comment {
                id: reply,
                range: a.range,
                author: r.author.clone(),
                initials: if r.initials.is_empty() {
                    initials_of(&r.author)
                } else {
                    r.initials.clone()
                },
                date: r.date_ms.and_then(date_of),
                text: r.text.clone(),
                parent: Some(id),
            });
        }
    }
    if options.blanks == Blanks::Mark {
        let text = if english { "To fill in" } else { "待填写" };
        for p in &outline.placeholders {
            if p.range.end > doc.char_count {
                continue;
            }
            let id = take_id();
            m.comments.push(Comment {
                id,
                range: p.range,
                author: options.author.clone(),
                initials: own_initials.clone(),
                date: date_of(options.now_ms),
                text: text.to_owned(),
                parent: None,
            });
        }
    }
    m
}

/// Text escaped for XML, without the chars XML refuses.
pub(super) fn esc(s: &str) -> String {
    let clean = clean_text(s);
    quick_xml::escape::escape(clean.as_ref()).into_owned()
}

pub(super) const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub(super) const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub(super) const W14_NS: &str = "http://schemas.microsoft.com/office/word/2010/wordml";
pub(super) const W15_NS: &str = "http://schemas.microsoft.com/office/word/2012/wordml";
pub(super) const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
pub(super) const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

pub(super) const COMMENTS_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";
pub(super) const COMMENTS_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
pub(super) const EXTENDED_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml";
pub(super) const EXTENDED_REL: &str =
    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended";

/// The `w14:paraId` of comment `id`'s paragraph (what replies name their parent by).
fn para_id(id: u32) -> String {
    format!("{:08X}", 0x1000_0000 + id)
}

/// `word/comments.xml` for `comments`.
pub(super) fn comments_xml(comments: &[Comment]) -> String {
    let mut out = format!(
        "{XML_DECL}<w:comments xmlns:w=\"{W_NS}\" xmlns:w14=\"{W14_NS}\" xmlns:mc=\"{MC_NS}\" mc:Ignorable=\"w14\">"
    );
    for c in comments {
        let _ = write!(
            out,
            "<w:comment w:id=\"{}\" w:author=\"{}\" w:initials=\"{}\"",
            c.id,
            esc(&c.author),
            esc(&c.initials)
        );
        if let Some(date) = &c.date {
            let _ = write!(out, " w:date=\"{date}\"");
        }
        out.push('>');
        let lines: Vec<&str> = c.text.split('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            // The last paragraph carries the id replies name.
            if i + 1 == lines.len() {
                let _ = write!(out, "<w:p w14:paraId=\"{}\">", para_id(c.id));
            } else {
                out.push_str("<w:p>");
            }
            if i == 0 {
                out.push_str("<w:r><w:annotationRef/></w:r>");
            }
            out.push_str("<w:r>");
            for (j, piece) in line.split('\t').enumerate() {
                if j > 0 {
                    out.push_str("<w:tab/>");
                }
                if !piece.is_empty() {
                    let _ = write!(out, "<w:t xml:space=\"preserve\">{}</w:t>", esc(piece));
                }
            }
            out.push_str("</w:r></w:p>");
        }
        out.push_str("</w:comment>");
    }
    out.push_str("</w:comments>\n");
    out
}

/// `word/commentsExtended.xml` (which comment answers which), when there are replies.
pub(super) fn comments_extended_xml(comments: &[Comment]) -> Option<String> {
    if comments.iter().all(|c| c.parent.is_none()) {
        return None;
    }
    let mut out = format!(
        "{XML_DECL}<w15:commentsEx xmlns:w15=\"{W15_NS}\" xmlns:mc=\"{MC_NS}\" mc:Ignorable=\"w15\">"
    );
    for c in comments {
        let _ = write!(out, "<w15:commentEx w15:paraId=\"{}\"", para_id(c.id));
        if let Some(parent) = c.parent {
            let _ = write!(out, " w15:paraIdParent=\"{}\"", para_id(parent));
        }
        out.push_str(" w15:done=\"0\"/>");
    }
    out.push_str("</w15:commentsEx>\n");
    Some(out)
}

/// The look of a stretch of text: the fill and underline painted on it, and (公文 layout
/// only) the heading level whose font a heading inside a paragraph takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Look {
    pub fill: Option<Color>,
    pub underline: Option<Color>,
    pub heading: u8,
}

/// The looks of the text, as sorted stretches: the shortest fill and the shortest
/// underline over each char win (as the reader draws them).
pub(super) struct Looks {
    /// Stretch starts, sorted; stretch `i` runs to `starts[i + 1]`.
    starts: Vec<usize>,
    looks: Vec<Look>,
}

impl Looks {
    pub(super) fn new(paints: &[Paint], headings: &[(TextRange, u8)]) -> Self {
        let mut cuts: Vec<usize> = paints
            .iter()
            .flat_map(|p| [p.range.start, p.range.end])
            .chain(headings.iter().flat_map(|(r, _)| [r.start, r.end]))
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut by_start: Vec<&Paint> = paints.iter().collect();
        by_start.sort_by_key(|p| p.range.start);
        let mut active: Vec<&Paint> = Vec::new();
        let mut next = 0;
        let mut looks = Vec::with_capacity(cuts.len());
        // Headings do not overlap: sorted by start, one lookup each.
        let mut sorted_headings: Vec<&(TextRange, u8)> = headings.iter().collect();
        sorted_headings.sort_by_key(|(r, _)| r.start);
        for &at in &cuts {
            active.retain(|p| p.range.end > at);
            while next < by_start.len() && by_start[next].range.start <= at {
                if by_start[next].range.end > at {
                    active.push(by_start[next]);
                }
                next += 1;
            }
            let shortest = |mark: Mark| {
                active
                    .iter()
                    .filter(|p| p.mark == mark)
                    .min_by_key(|p| p.range.len())
                    .map(|p| p.color)
            };
            let i = sorted_headings.partition_point(|(r, _)| r.start <= at);
            let heading = i
                .checked_sub(1)
                .map(|i| sorted_headings[i])
                .filter(|(r, _)| r.end > at)
                .map_or(0, |(_, level)| *level);
            looks.push(Look {
                fill: shortest(Mark::Fill),
                underline: shortest(Mark::Underline),
                heading,
            });
        }
        Self {
            starts: cuts,
            looks,
        }
    }

    /// Whether any char of `start..end` has a look.
    pub(super) fn any_in(&self, start: usize, end: usize) -> bool {
        let first = self
            .starts
            .partition_point(|&s| s <= start)
            .saturating_sub(1);
        self.starts[first..]
            .iter()
            .zip(&self.looks[first..])
            .take_while(|(s, _)| **s < end)
            .enumerate()
            .any(|(i, (s, look))| {
                // The stretch reaches into `start..end`.
                let next = self
                    .starts
                    .get(first + i + 1)
                    .copied()
                    .unwrap_or(usize::MAX);
                next > start && *s < end && *look != Look::default()
            })
    }

    /// The look of char `pos`.
    pub(super) fn at(&self, pos: usize) -> Look {
        match self.starts.partition_point(|&s| s <= pos).checked_sub(1) {
            Some(i) => self.looks[i],
            None => Look::default(),
        }
    }
}

/// The run properties a look adds (in schema order among themselves: `w:highlight`, `w:u`,
/// `w:shd`), with namespace prefix `p` (`w:`).
pub(super) fn look_props(
    look: Look,
    style: HighlightStyle,
    p: &str,
) -> Vec<(&'static str, String)> {
    let mut props = Vec::new();
    if let Some(c) = look.fill {
        match style {
            HighlightStyle::Word => props.push((
                "highlight",
                format!("<{p}highlight {p}val=\"{}\"/>", word_highlight(c)),
            )),
            HighlightStyle::Shading => props.push((
                "shd",
                format!(
                    "<{p}shd {p}val=\"clear\" {p}color=\"auto\" {p}fill=\"{}\"/>",
                    hex(fill_rgb(c))
                ),
            )),
        }
    }
    if let Some(c) = look.underline {
        props.push((
            "u",
            format!("<{p}u {p}val=\"single\" {p}color=\"{}\"/>", hex(ink_rgb(c))),
        ));
    }
    props
}

/// The order of `w:rPr`'s children (ECMA-376 `CT_RPr`); unknown ones (`w14:…`) after them,
/// `w:rPrChange` last.
pub(super) fn rpr_rank(local: &str) -> usize {
    const ORDER: &[&str] = &[
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",
        "smallCaps",
        "strike",
        "dstrike",
        "outline",
        "shadow",
        "emboss",
        "imprint",
        "noProof",
        "snapToGrid",
        "vanish",
        "webHidden",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ];
    match ORDER.iter().position(|&n| n == local) {
        Some(i) => i,
        None if local == "rPrChange" => 1000,
        None => 500,
    }
}

/// A comment mark to put between runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Insert {
    /// `w:commentRangeEnd` and the run holding `w:commentReference`.
    End(u32),
    /// `w:commentRangeStart`.
    Start(u32),
    /// Both, for a comment on an empty range: start, end, reference.
    Point(u32),
}

impl Insert {
    /// The XML, with namespace prefix `p`.
    pub(super) fn xml(self, p: &str) -> String {
        match self {
            Insert::Start(id) => format!("<{p}commentRangeStart {p}id=\"{id}\"/>"),
            Insert::End(id) => format!(
                "<{p}commentRangeEnd {p}id=\"{id}\"/><{p}r><{p}commentReference {p}id=\"{id}\"/></{p}r>"
            ),
            Insert::Point(id) => format!("{}{}", Insert::Start(id).xml(p), Insert::End(id).xml(p)),
        }
    }

    fn id(self) -> u32 {
        match self {
            Insert::End(id) | Insert::Start(id) | Insert::Point(id) => id,
        }
    }

    fn order(self) -> u8 {
        match self {
            Insert::End(_) => 0,
            Insert::Start(_) => 1,
            Insert::Point(_) => 2,
        }
    }
}

/// Where a mark goes: before char `offset` of piece `piece` (`offset == chars`: after it).
pub(super) type Cut = (usize, usize);

/// Where each comment's marks go among `pieces` (sorted by their start in the text):
/// a start before the first char at or after it, an end after the last char before it.
pub(super) fn cuts(pieces: &[TextPiece], comments: &[Comment]) -> Vec<(Cut, Insert)> {
    let mut out = Vec::with_capacity(comments.len() * 2);
    let start_cut = |c: usize| -> Option<Cut> {
        let i = pieces.partition_point(|p| p.start + p.chars <= c);
        let p = pieces.get(i)?;
        Some((i, c.saturating_sub(p.start).min(p.chars)))
    };
    let end_cut = |c: usize| -> Option<Cut> {
        let i = pieces.partition_point(|p| p.start < c).checked_sub(1)?;
        let p = &pieces[i];
        Some((i, (c - p.start).min(p.chars)))
    };
    for c in comments {
        if c.range.is_empty() {
            if let Some(cut) = start_cut(c.range.start).or_else(|| end_cut(c.range.start)) {
                out.push((cut, Insert::Point(c.id)));
            }
            continue;
        }
        match (start_cut(c.range.start), end_cut(c.range.end)) {
            (Some(s), Some(e)) if s <= e => {
                out.push((s, Insert::Start(c.id)));
                out.push((e, Insert::End(c.id)));
            }
            // No text of its own between the marks (a range over an empty paragraph): at a point.
            (Some(s), _) | (None, Some(s)) => out.push((s, Insert::Point(c.id))),
            (None, None) => {}
        }
    }
    // At one place: ends before starts; an end of a later-starting comment first and a start
    // of a longer one first, so that ranges nest where they can (readers that keep a stack
    // of open comments, as pandoc does, lose none).
    let range_of = |id: u32| {
        comments
            .iter()
            .find(|c| c.id == id)
            .map_or(TextRange::default(), |c| c.range)
    };
    out.sort_by_key(|&(cut, insert)| {
        let r = range_of(insert.id());
        let within = match insert {
            Insert::End(_) => usize::MAX - r.start,
            Insert::Start(_) => usize::MAX - r.end,
            Insert::Point(_) => 0,
        };
        (cut, insert.order(), within)
    });
    out
}

/// Writes the runs of one stretch of a paragraph: text char by char with its look, comment
/// marks between runs, and other run content as it was; a run is opened only for content.
pub(super) struct RunWriter<'a> {
    pub out: String,
    /// The namespace prefix of the runs (`w:`).
    prefix: &'a str,
    /// The run's start tag as it was (`<w:r w:rsidR="…">`).
    open_tag: String,
    /// The run's own properties: (local name, XML).
    base_props: Vec<(String, String)>,
    style: HighlightStyle,
    /// Extra properties for a heading inside a paragraph (公文 layout), by level.
    heading_props: fn(u8, &str) -> Vec<(&'static str, String)>,
    run_open: Option<Look>,
    text_open: bool,
    /// Runs opened (a look's first char, a mark's neighbour…).
    pub runs: usize,
}

impl<'a> RunWriter<'a> {
    pub(super) fn new(
        prefix: &'a str,
        open_tag: String,
        base_props: Vec<(String, String)>,
        style: HighlightStyle,
        heading_props: fn(u8, &str) -> Vec<(&'static str, String)>,
    ) -> Self {
        Self {
            out: String::new(),
            prefix,
            open_tag,
            base_props,
            style,
            heading_props,
            run_open: None,
            text_open: false,
            runs: 0,
        }
    }

    fn open(&mut self, look: Look) {
        if self.run_open == Some(look) {
            return;
        }
        self.close();
        let p = self.prefix;
        self.out.push_str(&self.open_tag);
        let mut extra = look_props(look, self.style, p);
        if look.heading > 0 {
            extra.extend((self.heading_props)(look.heading, p));
        }
        let replaced: Vec<&str> = extra.iter().map(|(name, _)| *name).collect();
        let mut props: Vec<(usize, &str)> = self
            .base_props
            .iter()
            .filter(|(name, _)| !replaced.contains(&name.as_str()))
            .map(|(name, xml)| (rpr_rank(name), xml.as_str()))
            .collect();
        props.extend(
            extra
                .iter()
                .map(|(name, xml)| (rpr_rank(name), xml.as_str())),
        );
        // Stable: the original's order among equals.
        props.sort_by_key(|&(rank, _)| rank);
        if !props.is_empty() {
            let _ = write!(self.out, "<{p}rPr>");
            for (_, xml) in props {
                self.out.push_str(xml);
            }
            let _ = write!(self.out, "</{p}rPr>");
        }
        self.run_open = Some(look);
        self.runs += 1;
    }

    fn close_text(&mut self) {
        if self.text_open {
            let _ = write!(self.out, "</{}t>", self.prefix);
            self.text_open = false;
        }
    }

    /// Close the run, if one is open.
    pub(super) fn close(&mut self) {
        self.close_text();
        if self.run_open.take().is_some() {
            let _ = write!(self.out, "</{}r>", self.prefix);
        }
    }

    /// A comment mark (between runs).
    pub(super) fn insert(&mut self, insert: Insert) {
        self.close();
        let xml = insert.xml(self.prefix);
        self.out.push_str(&xml);
    }

    /// One char of text with its look (`\t` becomes `w:tab`).
    pub(super) fn char(&mut self, c: char, look: Look) {
        self.open(look);
        if c == '\t' {
            self.close_text();
            let _ = write!(self.out, "<{}tab/>", self.prefix);
            return;
        }
        if !self.text_open {
            let _ = write!(self.out, "<{}t xml:space=\"preserve\">", self.prefix);
            self.text_open = true;
        }
        let mut buf = [0u8; 4];
        self.out.push_str(&esc(c.encode_utf8(&mut buf)));
    }

    /// Run content kept as it was (a tab, a drawing, a field char…), in the current look.
    pub(super) fn raw(&mut self, xml: &str, look: Look) {
        self.open(look);
        self.close_text();
        self.out.push_str(xml);
    }

    /// The runs written.
    pub(super) fn finish(mut self) -> String {
        self.close();
        self.out
    }
}

/// No heading fonts (a copy of an original keeps its own).
pub(super) fn no_heading_props(_: u8, _: &str) -> Vec<(&'static str, String)> {
    Vec::new()
}

/// A zip writer over memory, deflating.
pub(super) struct Package {
    zip: zip::ZipWriter<std::io::Cursor<Vec<u8>>>,
}

impl Package {
    pub(super) fn new() -> Self {
        Self {
            zip: zip::ZipWriter::new(std::io::Cursor::new(Vec::new())),
        }
    }

    /// Add a part.
    pub(super) fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), ExportError> {
        let options = zip::write::SimpleFileOptions::DEFAULT
            .compression_method(zip::CompressionMethod::Deflated);
        self.zip.start_file(name, options).map_err(failure)?;
        self.zip.write_all(bytes).map_err(failure)
    }

    /// Copy a part of another zip as it is (still compressed).
    pub(super) fn copy<R: std::io::Read>(
        &mut self,
        file: zip::read::ZipFile<'_, R>,
    ) -> Result<(), ExportError> {
        self.zip.raw_copy_file(file).map_err(failure)
    }

    pub(super) fn finish(self) -> Result<Vec<u8>, ExportError> {
        Ok(self.zip.finish().map_err(failure)?.into_inner())
    }
}
