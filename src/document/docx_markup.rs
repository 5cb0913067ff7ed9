//! What a `.docx` holds besides its text, placed in the text [`super::docx`] reads: its
//! comments (批注: `word/comments.xml`, replies from `word/commentsExtended.xml`, ranges from
//! the `w:commentRangeStart` / `w:commentRangeEnd` / `w:commentReference` marks of
//! `word/document.xml`) and the runs marked with a highlight, a coloured shading or a
//! coloured underline. Also the map from the text back to `word/document.xml` that the
//! annotated export weaves its comments in by.
//!
//! Nothing here makes a document fail to open: a comments part that is damaged, too large
//! or points at places that are not there is reported in [`CommentProblems`] and the rest is
//! read.
//!
//! Where a comment stands:
//! - between its `commentRangeStart` and `commentRangeEnd` (the two swapped if the end
//!   comes first: ranges may overlap and nest, each comment has its own);
//! - a start without an end runs to its reference mark, else to the end of its paragraph;
//!   an end without a start runs from the start of its paragraph;
//! - with neither, at its reference mark (an empty range); with no mark at all it has no
//!   place and is not read (counted in [`CommentProblems::unplaced`]);
//! - a reply (a `w15:commentEx` with a `w15:paraIdParent`) stays with the comment it
//!   answers, wherever its own marks are.

use std::collections::HashMap;

use quick_xml::events::{BytesRef, BytesStart, Event};

use super::docx::{Archive, DocxError, DocxParagraph, attr, parse_part};
use super::{TextRange, count_chars, normalize_line_ends};

/// Longest comment text kept, in chars; a longer one is cut (and counted).
pub const MAX_COMMENT_CHARS: usize = 200_000;

/// Most comments read from one document.
const MAX_COMMENTS: usize = 100_000;

/// Most bytes of `word/comments.xml` (and of `word/commentsExtended.xml`) inflated.
const MAX_COMMENTS_XML_BYTES: u64 = 64 * 1024 * 1024;

/// Most marked runs recorded (a document coloured run by run keeps its first ones).
const MAX_MARKED_SPANS: usize = 1_000_000;

const COMMENTS_PART: &str = "word/comments.xml";
const EXTENDED_PART: &str = "word/commentsExtended.xml";

/// Inside a comment, paragraph and run properties hold no text (`w:tabs/w:tab` are stops).
const COMMENTS_SKIPPED: &[&str] = &[
    "Fallback",
    "del",
    "delText",
    "delInstrText",
    "instrText",
    "moveFrom",
    "pPr",
    "rPr",
];

/// A comment (批注) of a `.docx`, placed in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocxComment {
    /// Its `w:id`.
    pub id: String,
    /// `w:author`.
    pub author: String,
    /// `w:initials`.
    pub initials: String,
    /// `w:date` as written (ISO 8601), if any.
    pub date: Option<String>,
    /// Its text: paragraphs joined with `\n`.
    pub text: String,
    /// The text it is anchored to (empty for a comment on a point, and for a reply without
    /// marks of its own).
    pub range: TextRange,
    /// The `w:id` of the comment it answers, if it is a reply.
    pub parent: Option<String>,
}

/// The colour a run is marked with.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RunColor {
    /// A Word highlight colour (`w:highlight w:val`: `yellow`, `darkMagenta`…).
    Highlight(String),
    /// A coloured shading (`w:shd w:fill`).
    Shading([u8; 3]),
}

/// A stretch of text whose runs are all marked alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocxHighlight {
    /// Where.
    pub range: TextRange,
    /// Its highlight or shading, if any.
    pub fill: Option<RunColor>,
    /// The colour of its underline, if it has a coloured one.
    pub underline: Option<[u8; 3]>,
}

/// What went wrong reading the comments (the document opens all the same).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommentProblems {
    /// Comments in `word/comments.xml`.
    pub total: usize,
    /// Comments with no mark in the text: not read.
    pub unplaced: usize,
    /// Marks in the text naming no comment, or naming one a second time: ignored.
    pub stray_marks: usize,
    /// Comments longer than [`MAX_COMMENT_CHARS`]: cut there.
    pub cut: usize,
    /// Why the comments part could not be read at all, if it could not.
    pub unreadable: Option<String>,
}

impl CommentProblems {
    /// Whether there is anything to report.
    pub fn any(&self) -> bool {
        self.unplaced > 0 || self.stray_marks > 0 || self.cut > 0 || self.unreadable.is_some()
    }
}

impl std::fmt::Display for CommentProblems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(why) = &self.unreadable {
            parts.push(format!("its comments could not be read ({why})"));
        }
        if self.unplaced > 0 {
            parts.push(format!(
                "{} of its {} comments have no place in the text (their marks are missing) and were left out",
                self.unplaced, self.total
            ));
        }
        if self.stray_marks > 0 {
            parts.push(format!(
                "{} comment marks in the text name no comment (or one already placed) and were ignored",
                self.stray_marks
            ));
        }
        if self.cut > 0 {
            parts.push(format!(
                "{} comments longer than {MAX_COMMENT_CHARS} characters were cut there",
                self.cut
            ));
        }
        write!(f, "{}", parts.join("; "))
    }
}

/// Comments and marked runs of a `.docx`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocxMarkup {
    /// Every comment that has a place (replies too), in the order of `comments.xml`.
    pub comments: Vec<DocxComment>,
    /// Marked stretches of text, in document order.
    pub highlights: Vec<DocxHighlight>,
    /// What went wrong, if anything.
    pub problems: Option<CommentProblems>,
}

/// One piece of a `.docx`'s text (the content of one XML text event, a tab, a line break)
/// and where it stands in `word/document.xml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextPiece {
    /// Byte offset of the event in the inflated `word/document.xml`.
    pub at: u64,
    /// Its first char in the document's text.
    pub start: usize,
    /// Its length in chars.
    pub chars: usize,
}

/// A `.docx`'s paragraphs and where their text came from.
#[derive(Clone, Debug)]
pub struct DocxTextMap {
    /// The paragraphs, as [`super::read_docx`] reads them.
    pub paragraphs: Vec<DocxParagraph>,
    /// Every piece of text, in the order of `word/document.xml` (paragraphs that the reader
    /// normalises — a `\r` or byte-order mark in their text — are left out).
    pub pieces: Vec<TextPiece>,
    /// The inflated `word/document.xml`.
    pub document_xml: Vec<u8>,
}

/// Which comment mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MarkKind {
    /// `w:commentRangeStart`.
    Start,
    /// `w:commentRangeEnd`.
    End,
    /// `w:commentReference`.
    Reference,
}

/// A place in the text while it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Spot {
    /// `offset` chars into the own text (before any list number) of paragraph `para`
    /// (paragraphs counted as they open).
    In {
        /// The paragraph.
        para: usize,
        /// Chars into its own text.
        offset: usize,
    },
    /// Between paragraphs: before paragraph `next`, after paragraph `after`.
    Between {
        /// The paragraph that opens next.
        next: usize,
        /// The one closed last, if any.
        after: Option<usize>,
    },
}

/// What marks a run's text: its highlight, shading and underline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct RunFormat {
    highlight: Option<String>,
    fill: Option<[u8; 3]>,
    underline: Option<[u8; 3]>,
}

impl RunFormat {
    /// A child of the run's `w:rPr`.
    pub(super) fn property(&mut self, e: &BytesStart<'_>, name: &str) {
        match name {
            "highlight" => {
                self.highlight = attr(e, "val")
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty() && v != "none");
            }
            "shd" => {
                let pattern = attr(e, "val").unwrap_or_default();
                let colour = if pattern.trim() == "solid" {
                    attr(e, "color")
                } else {
                    attr(e, "fill")
                };
                self.fill = colour
                    .as_deref()
                    .and_then(parse_hex)
                    .filter(|&rgb| is_colourful(rgb));
            }
            "u" => {
                let line = attr(e, "val").unwrap_or_default();
                self.underline = if line.trim() == "none" {
                    None
                } else {
                    attr(e, "color").as_deref().and_then(parse_hex)
                };
            }
            _ => {}
        }
    }

    /// Whether the run is marked at all.
    pub(super) fn marks(&self) -> bool {
        self.highlight.is_some() || self.fill.is_some() || self.underline.is_some()
    }

    fn fill(&self) -> Option<RunColor> {
        match (&self.highlight, self.fill) {
            (Some(name), _) => Some(RunColor::Highlight(name.clone())),
            (None, Some(rgb)) => Some(RunColor::Shading(rgb)),
            (None, None) => None,
        }
    }
}

/// `RRGGBB` → the colour (`auto` and anything else → `None`).
pub fn parse_hex(hex: &str) -> Option<[u8; 3]> {
    let hex = hex.trim();
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Whether a shading colour marks text (not white, grey or black: those are layout).
pub fn is_colourful(rgb: [u8; 3]) -> bool {
    let max = i32::from(*rgb.iter().max().unwrap_or(&0));
    let min = i32::from(*rgb.iter().min().unwrap_or(&0));
    max >= 64 && max - min >= 40
}

/// A marked stretch of one paragraph.
#[derive(Debug)]
struct RunSpan {
    para: usize,
    from: usize,
    to: usize,
    format: RunFormat,
}

/// A piece of text and its XML offset, before paragraphs are placed.
#[derive(Debug)]
pub(super) struct RawPiece {
    at: u64,
    para: usize,
    offset: usize,
    chars: usize,
}

/// What the body parser records besides the paragraphs.
#[derive(Debug, Default)]
pub(super) struct Recorded {
    /// Comment marks: which, the comment's `w:id`, where.
    pub(super) marks: Vec<(MarkKind, String, Spot)>,
    runs: Vec<RunSpan>,
    /// Every piece of text (only when asked for: the export's map).
    pub(super) pieces: Option<Vec<RawPiece>>,
    /// Per paragraph (in opening order): its index among the finished ones (`usize::MAX`
    /// until it closes).
    pub(super) done_of: Vec<usize>,
    /// Per finished paragraph: chars of the list number put in front of it.
    label_chars: Vec<usize>,
}

impl Recorded {
    /// Paragraph `seq` closed as finished paragraph `index`, `label_chars` put in front.
    pub(super) fn closed(&mut self, seq: usize, index: usize, label_chars: usize) {
        if let Some(slot) = self.done_of.get_mut(seq) {
            *slot = index;
        }
        if self.label_chars.len() <= index {
            self.label_chars.resize(index + 1, 0);
        }
        self.label_chars[index] = label_chars;
    }

    /// `chars` chars of text went into paragraph `para` at `offset`, from the XML event at
    /// byte `at`, in a run marked `run` (if marked).
    pub(super) fn text(
        &mut self,
        at: u64,
        para: usize,
        offset: usize,
        chars: usize,
        run: Option<RunFormat>,
    ) {
        if let Some(pieces) = self.pieces.as_mut() {
            pieces.push(RawPiece {
                at,
                para,
                offset,
                chars,
            });
        }
        let Some(format) = run else {
            return;
        };
        if let Some(last) = self.runs.last_mut()
            && last.para == para
            && last.to == offset
            && last.format == format
        {
            last.to = offset + chars;
            return;
        }
        if self.runs.len() < MAX_MARKED_SPANS {
            self.runs.push(RunSpan {
                para,
                from: offset,
                to: offset + chars,
                format,
            });
        }
    }

    /// The recorded pieces, placed in the text of `done`.
    pub(super) fn pieces(&self, done: &[DocxParagraph]) -> Vec<TextPiece> {
        let placer = Placer::new(done, self);
        let Some(pieces) = &self.pieces else {
            return Vec::new();
        };
        pieces
            .iter()
            .filter_map(|p| {
                let d = *self.done_of.get(p.para)?;
                if placer.normalised.get(d).copied().unwrap_or(true) {
                    return None;
                }
                Some(TextPiece {
                    at: p.at,
                    start: placer.at(p.para, p.offset)?,
                    chars: p.chars,
                })
            })
            .collect()
    }
}

/// Turns recorded places into char offsets of the document's text (paragraphs joined with
/// `\n`, each normalised as `Document::from_paragraphs` does).
struct Placer<'a> {
    done: &'a [DocxParagraph],
    recorded: &'a Recorded,
    /// Per finished paragraph: its first char.
    starts: Vec<usize>,
    /// Per finished paragraph: its length in chars, once normalised.
    lens: Vec<usize>,
    /// Per finished paragraph: whether normalising changed it.
    normalised: Vec<bool>,
}

impl<'a> Placer<'a> {
    fn new(done: &'a [DocxParagraph], recorded: &'a Recorded) -> Self {
        let mut starts = Vec::with_capacity(done.len());
        let mut lens = Vec::with_capacity(done.len());
        let mut normalised = Vec::with_capacity(done.len());
        let mut at = 0;
        for p in done {
            let changes = p.text.contains(['\r', '\u{FEFF}']);
            let len = if changes {
                count_chars(&normalize_line_ends(p.text.clone()))
            } else {
                count_chars(&p.text)
            };
            starts.push(at);
            lens.push(len);
            normalised.push(changes);
            at += len + 1;
        }
        Self {
            done,
            recorded,
            starts,
            lens,
            normalised,
        }
    }

    /// The char `offset` chars into the own text of paragraph `seq`.
    fn at(&self, seq: usize, offset: usize) -> Option<usize> {
        let d = *self.recorded.done_of.get(seq)?;
        let start = *self.starts.get(d)?;
        let raw = self.recorded.label_chars.get(d).copied().unwrap_or(0) + offset;
        let within = if self.normalised[d] {
            let text = &self.done[d].text;
            let byte = text.char_indices().nth(raw).map_or(text.len(), |(i, _)| i);
            count_chars(&normalize_line_ends(text[..byte].to_owned()))
        } else {
            raw
        };
        Some(start + within.min(self.lens[d]))
    }

    /// The start (`end` false) or end of finished paragraph `seq`'s text.
    fn edge(&self, seq: usize, end: bool) -> Option<usize> {
        let d = *self.recorded.done_of.get(seq)?;
        let start = *self.starts.get(d)?;
        Some(if end { start + self.lens[d] } else { start })
    }

    /// Where `spot` is; between paragraphs, a start goes to the next paragraph and an end
    /// to the one before.
    fn spot(&self, spot: Spot, as_end: bool) -> Option<usize> {
        match spot {
            Spot::In { para, offset } => self.at(para, offset),
            Spot::Between { next, after } => {
                let before = after.and_then(|a| self.edge(a, true));
                let next = self.edge(next, false);
                if as_end {
                    before.or(next)
                } else {
                    next.or(before)
                }
            }
        }
    }

    /// The paragraph holding char `pos`: its start and end.
    fn paragraph_of(&self, pos: usize) -> Option<(usize, usize)> {
        let d = self.starts.partition_point(|&s| s <= pos).checked_sub(1)?;
        Some((self.starts[d], self.starts[d] + self.lens[d]))
    }

    /// Whether `pos` is the end of a paragraph.
    fn is_paragraph_end(&self, pos: usize) -> bool {
        self.paragraph_of(pos).is_some_and(|(_, end)| end == pos)
    }
}

/// Comments and marked runs of a document whose body recorded `recorded` and made `done`.
pub(super) fn markup(
    archive: &mut Archive<'_>,
    recorded: &Recorded,
    done: &[DocxParagraph],
) -> DocxMarkup {
    let placer = Placer::new(done, recorded);
    let highlights = highlights(&placer, recorded);
    let has_part = archive.index_for_name(COMMENTS_PART).is_some();
    if !has_part && recorded.marks.is_empty() {
        return DocxMarkup {
            highlights,
            ..DocxMarkup::default()
        };
    }
    let mut problems = CommentProblems::default();
    let raw = if has_part {
        match read_comments(archive) {
            Ok(raw) => raw,
            Err(why) => {
                problems.unreadable = Some(why);
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    let parents = read_parents(archive);
    let comments = place_comments(&placer, recorded, raw, &parents, &mut problems);
    DocxMarkup {
        comments,
        highlights,
        problems: problems.any().then_some(problems),
    }
}

/// The marked runs as stretches of text: neighbours marked alike are joined, also across
/// a paragraph end (a highlight over two paragraphs).
fn highlights(placer: &Placer<'_>, recorded: &Recorded) -> Vec<DocxHighlight> {
    let mut out: Vec<DocxHighlight> = Vec::new();
    let mut spans: Vec<(TextRange, &RunFormat)> = recorded
        .runs
        .iter()
        .filter_map(|s| {
            let from = placer.at(s.para, s.from)?;
            let to = placer.at(s.para, s.to)?;
            (to > from).then(|| (TextRange::new(from, to), &s.format))
        })
        .collect();
    spans.sort_by_key(|(r, _)| (r.start, r.end));
    for (range, format) in spans {
        let fill = format.fill();
        if let Some(last) = out.last_mut()
            && last.fill == fill
            && last.underline == format.underline
            && (last.range.end == range.start
                || (last.range.end + 1 == range.start && placer.is_paragraph_end(last.range.end)))
        {
            last.range.end = range.end;
            continue;
        }
        out.push(DocxHighlight {
            range,
            fill,
            underline: format.underline,
        });
    }
    out
}

/// A comment as `comments.xml` has it.
#[derive(Debug, Default)]
struct RawComment {
    id: String,
    author: String,
    initials: String,
    date: Option<String>,
    text: String,
    chars: usize,
    cut: bool,
    /// `w14:paraId` of its last paragraph (what `commentsExtended.xml` names it by).
    para_id: Option<String>,
}

impl RawComment {
    fn push(&mut self, s: &str) {
        if self.chars >= MAX_COMMENT_CHARS {
            self.cut |= !s.is_empty();
            return;
        }
        let room = MAX_COMMENT_CHARS - self.chars;
        let n = count_chars(s);
        if n <= room {
            self.text.push_str(s);
            self.chars += n;
        } else {
            self.text.extend(s.chars().take(room));
            self.chars = MAX_COMMENT_CHARS;
            self.cut = true;
        }
    }
}

/// Read `word/comments.xml`: every comment with its text; why not, if it cannot be read.
fn read_comments(archive: &mut Archive<'_>) -> Result<Vec<RawComment>, String> {
    let entry = archive.by_name(COMMENTS_PART).map_err(|e| e.to_string())?;
    let mut comments: Vec<RawComment> = Vec::new();
    let mut current: Option<RawComment> = None;
    let mut in_text = false;
    let mut paragraphs = 0usize;
    let result = parse_part(entry, MAX_COMMENTS_XML_BYTES, COMMENTS_SKIPPED, |event| {
        let empty = matches!(event, Event::Empty(_));
        match &event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "comment" => {
                if comments.len() < MAX_COMMENTS {
                    current = Some(RawComment {
                        id: attr(e, "id").unwrap_or_default(),
                        author: attr(e, "author").unwrap_or_default(),
                        initials: attr(e, "initials").unwrap_or_default(),
                        date: attr(e, "date").filter(|d| !d.trim().is_empty()),
                        ..RawComment::default()
                    });
                    paragraphs = 0;
                }
                // An empty `<w:comment/>` ends at once.
                if empty {
                    comments.extend(current.take());
                }
            }
            Event::End(e) if e.local_name().as_ref() == "comment" => {
                comments.extend(current.take());
            }
            Event::Start(e) | Event::Empty(e) => {
                let Some(c) = current.as_mut() else {
                    return Ok(());
                };
                match e.local_name().as_ref() {
                    "p" => {
                        if paragraphs > 0 {
                            c.push("\n");
                        }
                        paragraphs += 1;
                        c.para_id = attr(e, "paraId").or(c.para_id.take());
                    }
                    "t" => in_text = !empty,
                    "tab" | "ptab" => c.push("\t"),
                    "br" | "cr" => c.push("\n"),
                    "noBreakHyphen" => c.push("-"),
                    _ => {}
                }
            }
            Event::End(e) if e.local_name().as_ref() == "t" => in_text = false,
            Event::Text(t) if in_text => {
                if let Some(c) = current.as_mut() {
                    c.push(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let Some(c) = current.as_mut() {
                    c.push(&resolve_ref(r)?);
                }
            }
            _ => {}
        }
        Ok(())
    });
    match result {
        Ok(()) => Ok(comments),
        Err(e) => Err(comments_error(&e)),
    }
}

/// `&amp;`, `&#x4E00;` and friends.
fn resolve_ref(r: &BytesRef<'_>) -> Result<String, DocxError> {
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| DocxError::Malformed(e.to_string()))?
    {
        return Ok(c.to_string());
    }
    let name: &str = r;
    quick_xml::escape::resolve_predefined_entity(name)
        .map(str::to_owned)
        .ok_or_else(|| DocxError::Malformed(format!("unknown entity &{name};")))
}

/// A failure of the comments part, in words about that part.
fn comments_error(e: &DocxError) -> String {
    match e {
        DocxError::TooLarge { .. } => format!(
            "word/comments.xml unpacks to more than {} MB",
            MAX_COMMENTS_XML_BYTES / (1024 * 1024)
        ),
        DocxError::Malformed(detail) | DocxError::Damaged(detail) => {
            format!("word/comments.xml is damaged: {detail}")
        }
        other => other.to_string(),
    }
}

/// `w15:paraId` → `w15:paraIdParent` from `word/commentsExtended.xml` (a missing or broken
/// part: no replies).
fn read_parents(archive: &mut Archive<'_>) -> HashMap<String, String> {
    let mut parents = HashMap::new();
    let Ok(entry) = archive.by_name(EXTENDED_PART) else {
        return parents;
    };
    let result = parse_part(entry, MAX_COMMENTS_XML_BYTES, &[], |event| {
        if let Event::Start(e) | Event::Empty(e) = event
            && e.local_name().as_ref() == "commentEx"
            && let (Some(id), Some(parent)) = (attr(&e, "paraId"), attr(&e, "paraIdParent"))
            && parents.len() < MAX_COMMENTS
        {
            parents.insert(id, parent);
        }
        Ok(())
    });
    if result.is_err() {
        parents.clear();
    }
    parents
}

/// Give each comment its range from the marks (see the module's rules).
fn place_comments(
    placer: &Placer<'_>,
    recorded: &Recorded,
    raw: Vec<RawComment>,
    parents: &HashMap<String, String>,
    problems: &mut CommentProblems,
) -> Vec<DocxComment> {
    problems.total = raw.len();
    // The first mark of each kind per comment id.
    let known: std::collections::HashSet<&str> = raw.iter().map(|c| c.id.as_str()).collect();
    let mut marks: HashMap<&str, [Option<usize>; 3]> = HashMap::new();
    for (kind, id, spot) in &recorded.marks {
        if !known.contains(id.as_str()) {
            problems.stray_marks += 1;
            continue;
        }
        let slot = match kind {
            MarkKind::Start => 0,
            MarkKind::End => 1,
            MarkKind::Reference => 2,
        };
        let entry = marks.entry(id.as_str()).or_default();
        if entry[slot].is_some() {
            problems.stray_marks += 1;
            continue;
        }
        entry[slot] = placer.spot(*spot, slot != 0);
    }
    // Which comment owns each paragraph id (replies name their parent by it).
    let by_para: HashMap<&str, &str> = raw
        .iter()
        .filter_map(|c| Some((c.para_id.as_deref()?, c.id.as_str())))
        .collect();
    let mut seen_ids = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for c in &raw {
        let parent = c
            .para_id
            .as_deref()
            .and_then(|p| parents.get(p))
            .and_then(|p| by_para.get(p.as_str()))
            .filter(|&&p| p != c.id)
            .map(|p| (*p).to_owned());
        let [start, end, reference] = marks.get(c.id.as_str()).copied().unwrap_or_default();
        let range = match (start, end) {
            (Some(s), Some(e)) => Some(TextRange::new(s.min(e), s.max(e))),
            (Some(s), None) => {
                let to = reference
                    .filter(|&r| r >= s)
                    .or_else(|| placer.paragraph_of(s).map(|(_, end)| end))
                    .unwrap_or(s);
                Some(TextRange::new(s, to))
            }
            (None, Some(e)) => {
                let from = placer.paragraph_of(e).map_or(e, |(start, _)| start.min(e));
                Some(TextRange::new(from, e))
            }
            (None, None) => reference.map(|r| TextRange::new(r, r)),
        };
        let range = match (range, &parent) {
            (Some(range), _) => range,
            (None, Some(_)) => TextRange::default(),
            (None, None) => {
                problems.unplaced += 1;
                continue;
            }
        };
        if !seen_ids.insert(c.id.as_str()) {
            // Two comments with one id: the marks belong to the first.
            problems.stray_marks += 1;
            continue;
        }
        problems.cut += usize::from(c.cut);
        out.push(DocxComment {
            id: c.id.clone(),
            author: c.author.clone(),
            initials: c.initials.clone(),
            date: c.date.clone(),
            text: c.text.clone(),
            range,
            parent,
        });
    }
    out
}
