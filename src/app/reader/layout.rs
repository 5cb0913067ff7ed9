//! Typesetting one block: sizes per zoom level, the `LayoutJob` of a paragraph, and the
//! cache that keeps each visible paragraph's galley between frames.
//!
//! A galley depends on the document, the block, the wrap width, the zoom, the reading
//! settings (line height, spacing, indent, justification, face), the theme, the official
//! style and the boilerplate switch (which blocks exist), and on egui's fonts.
//! Selection, highlights and find matches are painted over it (see `marks`), so none of them
//! invalidates a galley.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Align, FontId, Galley};

use super::layout_index::{Block, BlockKind, blocks, estimate_height, text_width_em};
use crate::app::OpenDocument;
use crate::app::fonts::{self, BODY, HEI, KAI};
use crate::app::settings::{Reading, Theme};
use crate::app::theme::Palette;
use crate::document::Document;
use crate::outline::{NodeKind, Outline};

/// Body text size at 100 % zoom, in points.
pub const BODY_PX: f32 = 18.0;
/// Row height as a multiple of the font size (the default of the reading settings).
pub const LINE_HEIGHT: f32 = 1.8;
/// Longest line of body text, in ems (CJK characters): comfortable reading (the default of
/// the reading settings).
pub const MEASURE_EM: f32 = 38.0;

/// Everything that changes how paragraphs are laid out; a change rebuilds the index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutKey {
    /// The document.
    pub doc: crate::session::DocId,
    /// The column width.
    pub wrap_px: f32,
    /// The zoom factor.
    pub zoom: f32,
    /// Whether headings use the official faces.
    pub official: bool,
    /// Whether boilerplate lines are left out.
    pub hide_boilerplate: bool,
    /// The reading settings (line height, spacing, indent, justification, face).
    pub reading: Reading,
}

/// Sizes for one zoom level.
#[derive(Clone, Copy, Debug)]
pub struct Metrics {
    /// Body text size.
    pub body_px: f32,
    title_px: f32,
    front_px: f32,
    h1_px: f32,
    h2_px: f32,
    /// Row height as a multiple of the font size.
    pub line_height: f32,
    /// Space after a body paragraph, in ems.
    paragraph_em: f32,
    /// Whether paragraphs indent their first line.
    pub indent: bool,
    /// Whether lines are justified.
    pub justify: bool,
}

impl Metrics {
    /// The sizes at `zoom` with the default reading settings.
    pub fn new(zoom: f32) -> Self {
        Self::with_reading(zoom, &Reading::default())
    }

    /// The sizes at `zoom` with the reading settings `reading`.
    pub fn with_reading(zoom: f32, reading: &Reading) -> Self {
        Self {
            body_px: BODY_PX * zoom,
            title_px: 26.0 * zoom,
            front_px: 15.0 * zoom,
            h1_px: 21.0 * zoom,
            h2_px: 19.0 * zoom,
            line_height: reading.line_height,
            paragraph_em: reading.paragraph_spacing,
            indent: reading.first_line_indent,
            justify: reading.justify,
        }
    }

    /// Row height of text at `size`.
    pub fn row_px(&self, size: f32) -> f32 {
        (size * self.line_height).round()
    }

    /// Font size of a block's text.
    pub fn size_of(&self, kind: BlockKind, whole_line_heading: bool) -> f32 {
        match kind {
            BlockKind::Title => self.title_px,
            BlockKind::FrontMatter | BlockKind::Boilerplate => self.front_px,
            BlockKind::Heading(1) if whole_line_heading => self.h1_px,
            BlockKind::Heading(2) if whole_line_heading => self.h2_px,
            _ => self.body_px,
        }
    }

    /// Space above and below a block.
    pub fn gaps(&self, kind: BlockKind) -> (f32, f32) {
        let b = self.body_px;
        match kind {
            BlockKind::Title => (0.6 * b, 0.8 * b),
            BlockKind::FrontMatter => (0.0, 0.3 * b),
            BlockKind::Heading(1) => (1.1 * b, 0.5 * b),
            BlockKind::Heading(_) => (0.5 * b, 0.4 * b),
            BlockKind::Salutation => (0.6 * b, 0.3 * b),
            BlockKind::Body => (0.0, self.paragraph_em * b),
            BlockKind::Boilerplate => (0.0, 0.2 * b),
        }
    }
}

/// Estimated height of a block (gaps included) before it is laid out.
pub fn estimate_for(kind: BlockKind, mixed: bool, width_em: f32, m: &Metrics, wrap_px: f32) -> f32 {
    let size = m.size_of(kind, !mixed);
    let (above, below) = m.gaps(kind);
    let indent = if m.indent && indents(kind, mixed) {
        2.0
    } else {
        0.0
    };
    above + below + estimate_height(width_em + indent, size, m.row_px(size), wrap_px)
}

/// Whether a block's first line is indented two characters.
pub fn indents(kind: BlockKind, mixed_heading: bool) -> bool {
    matches!(kind, BlockKind::Body) || mixed_heading
}

/// What the layout of one block needs.
pub struct Style<'a> {
    /// Sizes at the current zoom.
    pub metrics: &'a Metrics,
    /// Colours of the theme.
    pub palette: Palette,
    /// Whether headings use the official faces.
    pub official: bool,
    /// The column width.
    pub wrap_px: f32,
}

/// Bytes that could not be decoded were replaced by U+FFFD, which no bundled face draws: the
/// reader shows the typesetter's 〓 (U+3013, GB 2312) instead — three UTF-8 bytes like
/// U+FFFD, so every offset stays as it is. The document's text keeps U+FFFD.
const UNDECODED: char = '\u{FFFD}';
const UNDECODED_SHOWN: char = '\u{3013}';

/// The font family of a block's text (of a heading's title, in a paragraph that goes on;
/// the rest is in [`BODY`]).
pub fn lead_family(kind: BlockKind, official: bool) -> &'static str {
    match kind {
        BlockKind::Title | BlockKind::Heading(1) => HEI,
        BlockKind::FrontMatter | BlockKind::Heading(2) if official => KAI,
        BlockKind::Heading(2) => HEI,
        BlockKind::FrontMatter
        | BlockKind::Boilerplate
        | BlockKind::Heading(_)
        | BlockKind::Salutation
        | BlockKind::Body => BODY,
    }
}

/// Lay out a block as a galley (a fresh `LayoutJob`: use [`GalleyCache`] to keep it).
pub fn block_galley(
    painter: &egui::Painter,
    doc: &OpenDocument,
    block: &Block,
    mixed: bool,
    style: &Style,
) -> Arc<Galley> {
    let text = doc.doc.line_text(&doc.doc.lines[block.line]).trim();
    let text_start = first_shown_char(doc, block);
    let m = style.metrics;
    let p = &style.palette;
    let size = m.size_of(block.kind, !mixed);
    let family = lead_family(block.kind, style.official);
    let color = match block.kind {
        BlockKind::Title | BlockKind::Heading(1) => p.title,
        BlockKind::FrontMatter => p.dim,
        BlockKind::Boilerplate => p.boilerplate,
        BlockKind::Heading(_) => p.heading,
        BlockKind::Salutation | BlockKind::Body => p.text,
    };
    let line_height = Some(m.row_px(size));
    let base = TextFormat {
        font_id: FontId::new(size, fonts::family(BODY)),
        color: p.text,
        line_height,
        ..Default::default()
    };
    let lead_format = TextFormat {
        font_id: FontId::new(size, fonts::family(family)),
        color,
        ..base.clone()
    };
    // The heading part of a mixed paragraph: marker, title and its full stop.
    let heading_chars = if mixed {
        heading_on_line(doc, block)
            .map_or(0, |n| (n.title_range.end + 1).saturating_sub(text_start))
    } else if matches!(block.kind, BlockKind::Body | BlockKind::Salutation) {
        0
    } else {
        usize::MAX
    };
    let centred = matches!(block.kind, BlockKind::Title | BlockKind::FrontMatter);
    let mut job = LayoutJob {
        wrap: TextWrapping::wrap_at_width(style.wrap_px),
        halign: if centred { Align::Center } else { Align::LEFT },
        justify: m.justify && !centred,
        ..Default::default()
    };
    let placeholders = placeholders_in(doc, text_start, text.chars().count());
    let points = point_markers_in(doc, text_start, text.chars().count());
    let indent = if m.indent && indents(block.kind, mixed) {
        2.0 * size
    } else {
        0.0
    };
    let mut leading = indent;
    let shown = if text.contains(UNDECODED) {
        std::borrow::Cow::Owned(text.replace(UNDECODED, &UNDECODED_SHOWN.to_string()))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let total = offsets.len() - 1;
    let mut breaks: Vec<usize> = placeholders
        .iter()
        .chain(&points)
        .flat_map(|r| [r.start, r.end])
        .collect();
    if heading_chars < total {
        breaks.push(heading_chars);
    }
    breaks.push(total);
    breaks.sort_unstable();
    breaks.dedup();
    let mut pos = 0usize;
    for end in breaks.into_iter().filter(|&e| e <= total) {
        if end <= pos {
            continue;
        }
        let in_placeholder = placeholders.iter().any(|r| r.start <= pos && pos < r.end);
        let mut format = if pos < heading_chars {
            lead_format.clone()
        } else {
            base.clone()
        };
        if in_placeholder {
            format.background = p.placeholder_bg;
            format.color = p.placeholder_text;
        } else if points.iter().any(|r| r.start <= pos && pos < r.end) {
            // Inline points (`一要`, `第二，`) stand out, so the paragraph's structure shows.
            format.color = p.heading;
            format.font_id = FontId::new(size, fonts::family(HEI));
        }
        job.append(&shown[offsets[pos]..offsets[end]], leading, format);
        leading = 0.0;
        pos = end;
    }
    if job.sections.is_empty() {
        job.append("", leading, base);
    }
    let galley = if job.justify && indent > 0.0 {
        justified_with_indent(painter, job, indent)
    } else {
        painter.layout_job(job)
    };
    if centred {
        return galley;
    }
    break_lines_for_chinese(painter, galley, indent)
}

/// Chars that never start a line (GB/T 15834, W3C clreq §3.1.7; Unicode line-breaking
/// classes CL, CP, EX, IS and NS as Chinese uses them): the pause and stop marks, closing
/// brackets, quotes and title marks, the connector and the interpunct.
fn never_starts_a_line(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '：'
            | '；'
            | '？'
            | '！'
            | '）'
            | '］'
            | '｝'
            | '〕'
            | '〉'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〙'
            | '〗'
            | '〟'
            | '”'
            | '’'
            | '｠'
            | '»'
            | '％'
            | '‰'
            | '℃'
            | '·'
            | '・'
            | '～'
            | '〜'
            | '–'
            | '‼'
            | '⁇'
            | '⁈'
            | '⁉'
            | '々'
            | '〻'
            | ','
            | '.'
            | ':'
            | ';'
            | '?'
            | '!'
            | ')'
            | ']'
            | '}'
            | '%'
    )
}

/// Chars that never end a line: opening brackets, quotes and title marks (classes OP and
/// the opening QU as Chinese uses them).
fn never_ends_a_line(c: char) -> bool {
    matches!(
        c,
        '（' | '［'
            | '｛'
            | '〔'
            | '〈'
            | '《'
            | '「'
            | '『'
            | '【'
            | '〘'
            | '〖'
            | '〝'
            | '“'
            | '‘'
            | '｟'
            | '«'
            | '('
            | '['
            | '{'
    )
}

/// Whether a line may break between `a` and `b`: not before a closing mark, not after an
/// opening one, not inside a dash (——) or an ellipsis (……), not inside a word or number
/// in Latin letters or digits, and not before a space (the space ends the line instead).
fn may_break_between(a: char, b: char) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || ('０'..='９').contains(&c);
    let inseparable = |c: char| matches!(c, '—' | '…' | '⋯' | '─');
    !(never_starts_a_line(b)
        || never_ends_a_line(a)
        || (a == b && inseparable(a))
        || (word(a) && word(b))
        || b.is_whitespace())
}

/// The rows of `galley` broken by the rules for Chinese ([`may_break_between`]). egui
/// breaks CJK text between any two chars (a line may start with `，` or end with `（`);
/// where it did, the char before the bad break goes to the next line with it (推出, pushing
/// out: the line is justified a little looser, never ragged and never wider than the
/// column), and the rest of the paragraph is laid out again from there. Chars stay where
/// they are in the text (only rows change), so every char index means what it did.
/// `indent` is the first row's indent (its glyphs start at x = `indent`).
fn break_lines_for_chinese(
    painter: &egui::Painter,
    galley: Arc<Galley>,
    indent: f32,
) -> Arc<Galley> {
    let width = galley.job.wrap.max_width;
    if !width.is_finite()
        || galley.rows.len() < 2
        || galley.rows.iter().any(|r| r.ends_with_newline)
    {
        return galley;
    }
    let Some(first_bad) = bad_break(&galley.rows) else {
        return galley;
    };
    let job = Arc::clone(&galley.job);
    let chars: Vec<char> = job.text.chars().collect();
    let bytes: Vec<usize> = job
        .text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(job.text.len()))
        .collect();
    let n = chars.len();
    let mut rows: Vec<egui::epaint::text::PlacedRow> = Vec::new();
    // `laid` holds rows laid out from char `start` on; when they stop short of the paragraph's
    // end (`whole` false: a chunk of it was laid out), their last row is only a stub.
    let mut laid: Vec<egui::epaint::text::PlacedRow> = galley.rows.clone();
    let mut start = 0usize;
    let mut whole = true;
    let mut bad = Some(first_bad);
    loop {
        let usable = if whole { laid.len() } else { laid.len() - 1 };
        match bad.filter(|&k| k < usable) {
            None => {
                start += laid[..usable]
                    .iter()
                    .map(|r| r.row.glyphs.len())
                    .sum::<usize>();
                rows.extend(laid.drain(..usable));
                if whole {
                    break;
                }
            }
            Some(k) => {
                // Rows up to the one before the bad break are kept as they are.
                let row_start = start + laid[..k].iter().map(|r| r.row.glyphs.len()).sum::<usize>();
                let row_end = row_start + laid[k].row.glyphs.len();
                // Push out: the last place before the bad break where a line may end.
                match (row_start + 1..row_end)
                    .rev()
                    .find(|&e| may_break_between(chars[e - 1], chars[e]))
                {
                    Some(end) => {
                        rows.extend(laid.drain(..k));
                        let first = row_start == 0;
                        let row_width = if first { width - indent } else { width };
                        let mut row = lay_out_row(painter, &job, &bytes, row_start..end, row_width);
                        if first {
                            row.pos.x = indent;
                        }
                        rows.push(row);
                        start = end;
                    }
                    None => {
                        // No place at all (a row of marks): left as egui broke it.
                        rows.extend(laid.drain(..=k));
                        start = row_end;
                    }
                }
            }
        }
        // The rest of the paragraph from `start`, a chunk at a time (a paragraph of a
        // hundred thousand chars is not laid out again for each of its bad breaks).
        let to = if n - start <= RELAYOUT_CHUNK_CHARS {
            n
        } else {
            start + RELAYOUT_CHUNK_CHARS
        };
        laid = painter
            .layout_job(slice_job(&job, &bytes, start..to, width))
            .rows
            .clone();
        whole = to == n;
        if !whole && laid.len() < 2 {
            // A chunk shorter than a row (a column thousands of points wide): all of it.
            laid = painter
                .layout_job(slice_job(&job, &bytes, start..n, width))
                .rows
                .clone();
            whole = true;
        }
        bad = bad_break(&laid);
    }
    let mut out = (*galley).clone();
    let mut y = 0.0;
    out.rect = egui::Rect::ZERO;
    out.mesh_bounds = egui::Rect::NOTHING;
    out.num_vertices = 0;
    out.num_indices = 0;
    for row in &mut rows {
        row.pos.y = y;
        y += row.row.size.y;
        out.rect |= row.rect();
        out.mesh_bounds |= row.visuals.mesh_bounds.translate(row.pos.to_vec2());
        out.num_vertices += row.visuals.mesh.vertices.len();
        out.num_indices += row.visuals.mesh.indices.len();
    }
    out.rows = rows;
    debug_assert_eq!(
        out.rows.iter().map(|r| r.row.glyphs.len()).sum::<usize>(),
        n
    );
    Arc::new(out)
}

/// Most chars of a paragraph laid out again at once after a bad break.
const RELAYOUT_CHUNK_CHARS: usize = 1_200;

/// The first row after which the line breaks where Chinese may not.
fn bad_break(rows: &[egui::epaint::text::PlacedRow]) -> Option<usize> {
    (0..rows.len().saturating_sub(1)).find(|&k| {
        match (rows[k].row.glyphs.last(), rows[k + 1].row.glyphs.first()) {
            (Some(a), Some(b)) => !may_break_between(a.chr, b.chr) && !a.chr.is_whitespace(),
            _ => false,
        }
    })
}

/// `job` cut to the chars `chars` (`bytes` are the byte offsets of its chars), without the
/// first section's leading space, wrapped at `width`.
fn slice_job(
    job: &LayoutJob,
    bytes: &[usize],
    chars: std::ops::Range<usize>,
    width: f32,
) -> LayoutJob {
    let (from, to) = (bytes[chars.start], bytes[chars.end]);
    let mut out = LayoutJob {
        wrap: TextWrapping::wrap_at_width(width),
        halign: job.halign,
        justify: job.justify,
        ..Default::default()
    };
    for section in &job.sections {
        let (a, b) = (
            section.byte_range.start.0.max(from),
            section.byte_range.end.0.min(to),
        );
        if a < b {
            out.append(&job.text[a..b], 0.0, section.format.clone());
        }
    }
    out
}

/// One row of a paragraph, the chars `chars`, laid out on its own and justified to `width`
/// when the paragraph is (it is never the paragraph's last row). egui justifies every row
/// but a paragraph's last, so a wide space and one more char follow the row's text: they
/// make a second row, which is dropped.
fn lay_out_row(
    painter: &egui::Painter,
    job: &LayoutJob,
    bytes: &[usize],
    chars: std::ops::Range<usize>,
    width: f32,
) -> egui::epaint::text::PlacedRow {
    let mut row_job = slice_job(job, bytes, chars.clone(), width);
    if let Some(last) = row_job.sections.last() {
        let format = last.format.clone();
        row_job.append("一", width + 1.0, format);
    }
    let galley = painter.layout_job(row_job);
    let mut row = galley.rows[0].clone();
    let want = chars.len();
    if row.row.glyphs.len() != want {
        // egui measured the row a hair wider than its chars add up to and broke it earlier
        // (never seen): the row is set unjustified rather than split.
        let mut plain = slice_job(job, bytes, chars, f32::INFINITY);
        plain.justify = false;
        row = painter.layout_job(plain).rows[0].clone();
    }
    row.pos.x = 0.0;
    row
}

/// Lay out a justified paragraph whose first line is indented. egui's justification moves
/// every row to x = 0, the first row's leading space with it; so the first row is set apart:
/// the same text without the indent, wrapped `indent` narrower and justified to that width,
/// and its first row put in place of the paragraph's, `indent` to the right.
fn justified_with_indent(painter: &egui::Painter, job: LayoutJob, indent: f32) -> Arc<Galley> {
    let mut first_job = job.clone();
    first_job.wrap = TextWrapping::wrap_at_width((job.wrap.max_width - indent).max(1.0));
    if let Some(first) = first_job.sections.first_mut() {
        first.leading_space = 0.0;
    }
    let mut ragged_job = job.clone();
    ragged_job.justify = false;
    let galley = painter.layout_job(job);
    let first = painter.layout_job(first_job);
    match (galley.rows.first(), first.rows.first()) {
        (Some(row), Some(first_row))
            if row.row.char_count_excluding_newline()
                == first_row.row.char_count_excluding_newline() =>
        {
            let mut galley = (*galley).clone();
            galley.rows[0] = egui::epaint::text::PlacedRow {
                pos: egui::pos2(indent, row.pos.y),
                row: Arc::clone(&first_row.row),
                ends_with_newline: row.ends_with_newline,
            };
            Arc::new(galley)
        }
        // The first row broke elsewhere (never seen): left ragged rather than wrong.
        _ => painter.layout_job(ragged_job),
    }
}

/// The char offset of the first char a block shows (its line without leading white space).
pub fn first_shown_char(doc: &OpenDocument, block: &Block) -> usize {
    let raw = doc.doc.line_text(&doc.doc.lines[block.line]);
    block.range.start + raw[..raw.len() - raw.trim_start().len()].chars().count()
}

/// The heading node that starts on a block's line (nodes are sorted by start).
fn heading_on_line<'a>(
    doc: &'a OpenDocument,
    block: &Block,
) -> Option<&'a crate::outline::OutlineNode> {
    let nodes = &doc.outline.nodes;
    let first = nodes.partition_point(|n| n.range.start < block.range.start);
    nodes[first..]
        .iter()
        .take_while(|n| n.range.start <= block.range.end)
        .find(|n| n.line == block.line && n.kind == NodeKind::Heading)
}

/// The markers of inline points within a block's text, relative to its first displayed char.
fn point_markers_in(
    doc: &OpenDocument,
    text_start: usize,
    len: usize,
) -> Vec<std::ops::Range<usize>> {
    let nodes = &doc.outline.nodes;
    let first = nodes.partition_point(|n| n.range.start < text_start);
    nodes[first..]
        .iter()
        .take_while(|n| n.range.start < text_start + len)
        .filter(|n| n.kind == NodeKind::Point)
        .map(|n| {
            let start = n.range.start - text_start;
            start..(start + n.marker.chars().count()).min(len)
        })
        .collect()
}

/// Placeholder ranges within a block's text, relative to its first displayed char.
fn placeholders_in(
    doc: &OpenDocument,
    text_start: usize,
    len: usize,
) -> Vec<std::ops::Range<usize>> {
    let list = &doc.outline.placeholders;
    let first = list.partition_point(|p| p.range.end <= text_start);
    list[first..]
        .iter()
        .take_while(|p| p.range.start < text_start + len)
        .map(|p| p.range.start.saturating_sub(text_start)..(p.range.end - text_start).min(len))
        .collect()
}

/// The blocks of a document for one boilerplate setting, with what their height estimates
/// need. Built from the whole text: on a worker thread for a large document.
#[derive(Clone, Debug, Default)]
pub struct BlockSet {
    /// One per shown paragraph.
    pub blocks: Vec<Block>,
    /// Which blocks are headings whose title is only their first sentence.
    pub mixed_heading: Vec<bool>,
    /// Each block's text width in ems (for height estimates).
    pub widths_em: Vec<f32>,
    /// Lines left out because they are boilerplate.
    pub hidden_lines: usize,
    /// The chars of each kind of block (its kind, and whether it is a heading that goes on
    /// as body text), each once, in the order they first come: their glyphs are drawn
    /// ahead (see [`WARM_CHARS`]).
    pub chars_by_kind: Vec<((BlockKind, bool), Vec<char>)>,
}

/// Most chars of one kind of block whose glyphs are drawn ahead: a document's glyphs then
/// go into egui's font atlas while it opens, and the atlas grows (copied whole into a
/// texture, a frame of several milliseconds) then, not while the document is read.
pub const WARM_CHARS: usize = 2_000;

/// Each char once, in the order they first come, at most [`WARM_CHARS`].
#[derive(Default)]
struct CharsSeen {
    /// Chars of the Basic Multilingual Plane seen, a bit each.
    bmp: Vec<u64>,
    /// Others seen.
    other: std::collections::HashSet<char>,
    chars: Vec<char>,
}

impl CharsSeen {
    fn add(&mut self, text: &str) {
        if self.bmp.is_empty() {
            self.bmp = vec![0; 0x10000 / 64];
        }
        for c in text.chars() {
            if self.chars.len() >= WARM_CHARS {
                return;
            }
            if c.is_whitespace() {
                continue;
            }
            // Drawn as the reader shows it.
            let c = if c == UNDECODED { UNDECODED_SHOWN } else { c };
            let new = match usize::try_from(u32::from(c)) {
                Ok(n) if n < 0x10000 => {
                    let (word, bit) = (n / 64, 1u64 << (n % 64));
                    let new = self.bmp[word] & bit == 0;
                    self.bmp[word] |= bit;
                    new
                }
                _ => self.other.insert(c),
            };
            if new {
                self.chars.push(c);
            }
        }
    }
}

impl BlockSet {
    /// The blocks of `doc`, boilerplate left out when `hide_boilerplate`.
    pub fn build(doc: &Document, outline: &Outline, hide_boilerplate: bool) -> Self {
        let blocks = blocks(doc, outline, !hide_boilerplate);
        let hidden_lines = if hide_boilerplate {
            outline.boilerplate.len()
        } else {
            0
        };
        let heading_end: HashMap<usize, usize> = outline
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Heading)
            .map(|n| (n.line, n.title_range.end))
            .collect();
        let mixed_heading: Vec<bool> = blocks
            .iter()
            .map(|b| {
                matches!(b.kind, BlockKind::Heading(_))
                    && heading_end
                        .get(&b.line)
                        .is_some_and(|&end| end + 1 < b.range.end)
            })
            .collect();
        let widths_em = blocks
            .iter()
            .map(|b| text_width_em(doc.line_text(&doc.lines[b.line]).trim()))
            .collect();
        let mut by_kind: Vec<((BlockKind, bool), CharsSeen)> = Vec::new();
        for (b, &mixed) in blocks.iter().zip(&mixed_heading) {
            let kind = (b.kind, mixed);
            let k = match by_kind.iter().position(|(k, _)| *k == kind) {
                Some(k) => k,
                None => {
                    by_kind.push((kind, CharsSeen::default()));
                    by_kind.len() - 1
                }
            };
            by_kind[k].1.add(doc.line_text(&doc.lines[b.line]));
        }
        let chars_by_kind = by_kind.into_iter().map(|(k, c)| (k, c.chars)).collect();
        Self {
            blocks,
            mixed_heading,
            widths_em,
            hidden_lines,
            chars_by_kind,
        }
    }
}

/// Everything besides the block that a galley depends on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GalleyKey {
    /// Document, width, zoom, official style, boilerplate switch.
    pub layout: LayoutKey,
    /// Colours are part of the galley.
    pub theme: Theme,
    /// Glyphs are placed on the pixel grid.
    pub pixels_per_point: f32,
}

/// Most galleys kept (a few thousand paragraphs: a long report read back and forth; their
/// text is bounded below).
const MAX_GALLEYS: usize = 4_000;
/// Most text (bytes) kept in galleys (a few very long paragraphs are not kept long).
const MAX_TEXT_BYTES: usize = 400_000;

/// One kept galley.
struct Entry {
    galley: Arc<Galley>,
    bytes: usize,
    /// The frame that last used it.
    used: u64,
}

/// The galleys of the blocks laid out recently, by block index, kept between frames so a
/// frame lays out only paragraphs it has not seen (no `LayoutJob` per visible paragraph per
/// frame). Everything is dropped when the [`GalleyKey`] changes or egui drops its own
/// galleys (new fonts, a full glyph atlas: galleys point into the atlas); the least recently
/// used go beyond [`MAX_GALLEYS`] galleys or [`MAX_TEXT_BYTES`] bytes of text.
#[derive(Default)]
pub struct GalleyCache {
    key: Option<GalleyKey>,
    /// egui's galley of a tiny fixed job, laid out every frame: while egui keeps its
    /// galleys it returns the same one, and a new one means it dropped them.
    canary: Option<Arc<Galley>>,
    entries: HashMap<usize, Entry>,
    bytes: usize,
    frame: u64,
    /// Time spent laying out galleys in this frame.
    spent: Duration,
    /// What laying out a char has taken lately, in nanoseconds, a paragraph counting
    /// [`PARAGRAPH_CHARS`] more chars than it has (a moving average; 0 before the first
    /// galley).
    nanos_per_char: f64,
}

/// What laying out a char is taken to cost before any was measured (a CJK paragraph of 300
/// chars takes about 0.7 ms on the 2-core machine of BENCHMARKS.md).
const FIRST_NANOS_PER_CHAR: f64 = 3_000.0;

/// What laying out a paragraph costs beyond its chars, in chars: a heading of 19 chars
/// takes about as long as body text of 70 (`GalleyCache::get` timed during `cargo bench
/// --bench notes_frame`), so short paragraphs do not make the cost per char swing.
const PARAGRAPH_CHARS: usize = 50;

impl GalleyCache {
    /// The job whose galley tells whether egui still has the galleys of the last frame.
    pub fn canary_job() -> LayoutJob {
        LayoutJob::simple_singleline(
            "文A".to_owned(),
            FontId::new(13.0, fonts::family(BODY)),
            egui::Color32::WHITE,
        )
    }

    /// Start a frame laid out with `key`; `canary` is this frame's galley of
    /// [`Self::canary_job`].
    pub fn begin_frame(&mut self, key: GalleyKey, canary: Arc<Galley>) {
        self.frame += 1;
        self.spent = Duration::ZERO;
        let same_fonts = self
            .canary
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, &canary));
        if self.key != Some(key) || !same_fonts {
            self.clear();
            self.key = Some(key);
        }
        self.canary = Some(canary);
        self.evict();
    }

    /// The galley of block `i`, laid out by `layout` unless kept.
    pub fn get(&mut self, i: usize, layout: impl FnOnce() -> Arc<Galley>) -> Arc<Galley> {
        let frame = self.frame;
        if let Some(e) = self.entries.get_mut(&i) {
            e.used = frame;
            return Arc::clone(&e.galley);
        }
        let started = Instant::now();
        let galley = layout();
        let took = started.elapsed();
        self.spent += took;
        let chars = galley.text().chars().count() + PARAGRAPH_CHARS;
        let per_char = took.as_nanos() as f64 / chars as f64;
        self.nanos_per_char = if self.nanos_per_char == 0.0 {
            per_char
        } else {
            0.8 * self.nanos_per_char + 0.2 * per_char
        };
        let bytes = galley.text().len();
        self.bytes += bytes;
        self.entries.insert(
            i,
            Entry {
                galley: Arc::clone(&galley),
                bytes,
                used: frame,
            },
        );
        galley
    }

    /// Whether block `i`'s galley is kept; if so it counts as used in this frame (and is
    /// not dropped while it is asked for every frame).
    pub fn touch(&mut self, i: usize) -> bool {
        let frame = self.frame;
        self.entries.get_mut(&i).map(|e| e.used = frame).is_some()
    }

    /// What laying out a paragraph of `chars` chars should take, from the galleys laid out
    /// lately.
    pub fn expected(&self, chars: usize) -> Duration {
        let per_char = if self.nanos_per_char == 0.0 {
            FIRST_NANOS_PER_CHAR
        } else {
            self.nanos_per_char
        };
        Duration::from_nanos((per_char * (chars + PARAGRAPH_CHARS) as f64) as u64)
    }

    /// Time spent laying out galleys in this frame so far.
    pub fn spent(&self) -> Duration {
        self.spent
    }

    /// Count `took`, spent laying out text for the reader elsewhere, as spent in this frame.
    pub fn count_spent(&mut self, took: Duration) {
        self.spent += took;
    }

    /// What the galleys are laid out for.
    pub fn key(&self) -> Option<GalleyKey> {
        self.key
    }

    /// Number of galleys kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no galley is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drop every galley.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// Drop the least recently used galleys beyond the bounds (not those of the last frame).
    fn evict(&mut self) {
        let bounds = (MAX_GALLEYS, MAX_TEXT_BYTES);
        evict_least_recent(&mut self.entries, &mut self.bytes, self.frame, bounds);
    }
}

/// An entry of a cache kept by block between frames (galleys, marks).
pub trait Kept {
    /// The frame that last used it.
    fn used(&self) -> u64;
    /// The bytes it holds.
    fn bytes(&self) -> usize;
}

impl Kept for Entry {
    fn used(&self) -> u64 {
        self.used
    }

    fn bytes(&self) -> usize {
        self.bytes
    }
}

/// Once `entries` hold more than `max` entries or `max_bytes` bytes (`bytes`, kept up to
/// date), drop the least recently used down to half of both, never one used in the last
/// frame before `frame`.
pub fn evict_least_recent<E: Kept>(
    entries: &mut HashMap<usize, E>,
    bytes: &mut usize,
    frame: u64,
    (max, max_bytes): (usize, usize),
) {
    if entries.len() <= max && *bytes <= max_bytes {
        return;
    }
    let mut by_age: Vec<(u64, usize)> = entries.iter().map(|(&i, e)| (e.used(), i)).collect();
    by_age.sort_unstable();
    for (used, i) in by_age {
        if (entries.len() <= max / 2 && *bytes <= max_bytes / 2) || used + 1 >= frame {
            break;
        }
        if let Some(e) = entries.remove(&i) {
            *bytes -= e.bytes();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::settings::Theme;
    use crate::app::theme::palette;

    /// The sample's blocks and a context with the app's fonts.
    fn setup() -> (egui::Context, OpenDocument, BlockSet) {
        let ctx = egui::Context::default();
        ctx.set_fonts(fonts::definitions(None));
        let doc = OpenDocument::sample();
        let set = BlockSet::build(&doc.doc, &doc.outline, false);
        (ctx, doc, set)
    }

    /// One pass of `ctx` (its texture changes dropped: no GPU here).
    fn run(ctx: &egui::Context, f: impl FnMut(&mut egui::Ui)) {
        let mut out = ctx.run_ui(egui::RawInput::default(), f);
        out.textures_delta.clear();
    }

    fn key(zoom: f32, wrap_px: f32, theme: Theme) -> GalleyKey {
        GalleyKey {
            layout: LayoutKey {
                doc: crate::session::DocId::default(),
                wrap_px,
                zoom,
                official: false,
                hide_boilerplate: false,
                reading: Reading::default(),
            },
            theme,
            pixels_per_point: 1.0,
        }
    }

    /// One frame: the galleys of `blocks` as the reader gets them.
    fn frame(
        ctx: &egui::Context,
        cache: &mut GalleyCache,
        doc: &OpenDocument,
        set: &BlockSet,
        key: GalleyKey,
        blocks: &[usize],
    ) -> Vec<Arc<Galley>> {
        let mut out = Vec::new();
        run(ctx, |ui| {
            let painter = ui.painter();
            cache.begin_frame(key, painter.layout_job(GalleyCache::canary_job()));
            let metrics = Metrics::new(key.layout.zoom);
            let style = Style {
                metrics: &metrics,
                palette: palette(key.theme),
                official: key.layout.official,
                wrap_px: key.layout.wrap_px,
            };
            for &i in blocks {
                let (block, mixed) = (set.blocks[i], set.mixed_heading[i]);
                out.push(cache.get(i, || block_galley(painter, doc, &block, mixed, &style)));
            }
        });
        out
    }

    /// The first body paragraph of the sample (long enough to wrap).
    fn body(set: &BlockSet) -> usize {
        set.blocks
            .iter()
            .position(|b| b.kind == BlockKind::Body && b.range.len() > 60)
            .expect("the sample has a long body paragraph")
    }

    #[test]
    fn same_inputs_reuse_the_galley_between_frames() {
        let (ctx, doc, set) = setup();
        let mut cache = GalleyCache::default();
        let k = key(1.0, 500.0, Theme::Light);
        let i = body(&set);
        let first = frame(&ctx, &mut cache, &doc, &set, k, &[0, i]);
        let second = frame(&ctx, &mut cache, &doc, &set, k, &[0, i]);
        assert!(Arc::ptr_eq(&first[1], &second[1]));
        assert!(Arc::ptr_eq(&first[0], &second[0]));
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn zoom_width_and_theme_lay_out_again() {
        let (ctx, doc, set) = setup();
        let mut cache = GalleyCache::default();
        let i = body(&set);
        let base = frame(
            &ctx,
            &mut cache,
            &doc,
            &set,
            key(1.0, 500.0, Theme::Light),
            &[i],
        );
        let zoomed = frame(
            &ctx,
            &mut cache,
            &doc,
            &set,
            key(1.5, 500.0, Theme::Light),
            &[i],
        );
        assert!(!Arc::ptr_eq(&base[0], &zoomed[0]));
        assert!(zoomed[0].size().y > base[0].size().y);
        let narrow = frame(
            &ctx,
            &mut cache,
            &doc,
            &set,
            key(1.0, 300.0, Theme::Light),
            &[i],
        );
        assert!(!Arc::ptr_eq(&base[0], &narrow[0]));
        assert!(narrow[0].rows.len() > base[0].rows.len());
        let dark = frame(
            &ctx,
            &mut cache,
            &doc,
            &set,
            key(1.0, 300.0, Theme::Dark),
            &[i],
        );
        assert!(!Arc::ptr_eq(&narrow[0], &dark[0]));
        // Back to the first inputs: a fresh layout, equal to the first.
        let again = frame(
            &ctx,
            &mut cache,
            &doc,
            &set,
            key(1.0, 500.0, Theme::Light),
            &[i],
        );
        assert_eq!(again[0].size(), base[0].size());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn justified_paragraphs_keep_their_indent_and_fill_their_rows() {
        let (ctx, doc, set) = setup();
        let i = body(&set);
        let block = set.blocks[i];
        let wrap_px = 18.0 * 20.5;
        let lay_out = |reading: Reading| {
            let mut galley = None;
            run(&ctx, |ui| {
                let metrics = Metrics::with_reading(1.0, &reading);
                let style = Style {
                    metrics: &metrics,
                    palette: palette(Theme::Light),
                    official: false,
                    wrap_px,
                };
                galley = Some(block_galley(ui.painter(), &doc, &block, false, &style));
            });
            galley.expect("laid out")
        };
        let right = |row: &egui::epaint::text::PlacedRow| {
            row.pos.x
                + row
                    .row
                    .glyphs
                    .last()
                    .map_or(0.0, |g| g.logical_rect().max.x)
        };
        let ragged = lay_out(Reading::default());
        let justified = lay_out(Reading {
            justify: true,
            ..Reading::default()
        });
        assert!(ragged.rows.len() > 2);
        assert_eq!(justified.text(), ragged.text());
        assert_eq!(justified.rows.len(), ragged.rows.len());
        // The first row starts two characters in; every row but the last ends at the edge.
        let first_glyph = |g: &Galley| g.rows[0].pos.x + g.rows[0].row.glyphs[0].pos.x;
        assert!((first_glyph(&justified) - 36.0).abs() < 1.0);
        assert!((first_glyph(&ragged) - 36.0).abs() < 1.0);
        let n = justified.rows.len();
        for row in &justified.rows[..n - 1] {
            assert!((right(row) - wrap_px).abs() < 1.0, "{}", right(row));
        }
        assert!(
            ragged.rows[..n - 1]
                .iter()
                .any(|r| right(r) < wrap_px - 4.0)
        );
        // Without the indent, the first row starts at the edge.
        let flush = lay_out(Reading {
            justify: true,
            first_line_indent: false,
            ..Reading::default()
        });
        assert!(first_glyph(&flush).abs() < 1.0);
    }

    /// The galley of every body paragraph of `text` at `wrap_px` with `reading`.
    fn paragraphs(text: &str, wrap_px: f32, reading: Reading) -> Vec<(String, Arc<Galley>)> {
        let ctx = egui::Context::default();
        ctx.set_fonts(fonts::definitions(None));
        let doc = OpenDocument::new(
            Document::from_text(
                text.to_owned(),
                "UTF-8",
                crate::document::SourceFormat::Text,
            ),
            None,
            "test".to_owned(),
        );
        let set = BlockSet::build(&doc.doc, &doc.outline, false);
        let mut out = Vec::new();
        // Fonts are loaded in the first pass: the second lays out with them.
        for _ in 0..2 {
            out.clear();
            run(&ctx, |ui| {
                let metrics = Metrics::with_reading(1.0, &reading);
                let style = Style {
                    metrics: &metrics,
                    palette: palette(Theme::Light),
                    official: false,
                    wrap_px,
                };
                for (i, block) in set.blocks.iter().enumerate() {
                    if block.kind != BlockKind::Body {
                        continue;
                    }
                    let shown = doc.doc.line_text(&doc.doc.lines[block.line]).trim();
                    let galley =
                        block_galley(ui.painter(), &doc, block, set.mixed_heading[i], &style);
                    out.push((shown.to_owned(), galley));
                }
            });
        }
        out
    }

    /// Right edge of a row's last glyph (galley coordinates).
    fn right(row: &egui::epaint::text::PlacedRow) -> f32 {
        row.pos.x
            + row
                .row
                .glyphs
                .last()
                .map_or(0.0, |g| g.logical_rect().max.x)
    }

    /// Every row but the last of `galley` (`text`, `wrap_px` wide) obeys the rules for
    /// Chinese and, justified, fills the column; the text and its chars are unchanged.
    fn assert_typeset(text: &str, galley: &Galley, wrap_px: f32, justify: bool) -> usize {
        assert_eq!(galley.text(), text);
        let rows: Vec<String> = galley.rows.iter().map(|r| r.row.text()).collect();
        assert_eq!(rows.concat(), text, "every char in one row, in order");
        let n = galley.rows.len();
        for (k, row) in galley.rows.iter().enumerate() {
            let first = row.row.glyphs.first().map(|g| g.chr);
            let last = row.row.glyphs.last().map(|g| g.chr);
            if k > 0 {
                assert!(
                    !first.is_some_and(never_starts_a_line),
                    "row {k} of {n} at {wrap_px} starts with {first:?}: {rows:#?}"
                );
            }
            if k + 1 < n {
                assert!(
                    !last.is_some_and(never_ends_a_line),
                    "row {k} of {n} at {wrap_px} ends with {last:?}: {rows:#?}"
                );
                let edge = right(row);
                // (A row of one char before an unbreakable run cannot be spread: egui sets
                // it flush left. Only seen under 8 chars a line.)
                if justify && row.row.glyphs.len() > 1 {
                    assert!(
                        (edge - wrap_px).abs() < 1.0,
                        "row {k} ends at {edge}, not {wrap_px}: {rows:#?}"
                    );
                } else {
                    assert!(edge <= wrap_px + 0.5, "row {k} ends at {edge}");
                }
            }
            // Rows are stacked without gaps or overlaps.
            if k > 0 {
                let above = &galley.rows[k - 1];
                assert!((row.pos.y - (above.pos.y + above.row.size.y)).abs() < 0.01);
            }
        }
        // Each char's cursor is on the row holding it (a cursor between two rows counts
        // as the end of the first).
        let mut at = 0;
        for row in &galley.rows {
            for i in 1..row.row.glyphs.len() {
                let r = galley.pos_from_cursor(egui::text::CCursor::new(at + i));
                assert!(
                    r.min.y >= row.pos.y - 0.01 && r.min.y < row.pos.y + row.row.size.y,
                    "char {} is drawn on its row",
                    at + i
                );
            }
            at += row.row.glyphs.len();
        }
        n
    }

    /// Paragraphs dense with pause marks, brackets, title marks and quotes.
    const PUNCTUATED: &str = concat!(
        "标题\n",
        "\u{3000}\u{3000}一、二、三、四、五、六、七、八、九、十，（甲）（乙）（丙）《一》《二》",
        "《三》，“一”“二”“三”；好、好、好。（见《某某文件》第三条、第四条。）天、地、人，",
        "《论语》、《孟子》、《大学》、《中庸》：“学而时习之，不亦说乎？”\n",
        "\u{3000}\u{3000}研究、部署、落实，抓好（一）（二）（三）项工作；坚持“两个毫不动摇”，",
        "推动《规划》《纲要》落地见效。2025年、2026年：增长5.2%、6.1%！“请、请、请。”",
        "（一）（二）（三）、（四）、（五）……各地各部门——特别是基层——要抓紧。\n",
    );

    #[test]
    fn no_row_starts_with_a_closing_mark_nor_ends_with_an_opening_one() {
        for justify in [true, false] {
            for indent in [true, false] {
                let reading = Reading {
                    justify,
                    first_line_indent: indent,
                    ..Reading::default()
                };
                let mut rows = 0;
                for chars in 6..=30 {
                    for extra in [0.0, 0.3, 0.7] {
                        let wrap_px = 18.0 * (chars as f32 + extra);
                        for (text, galley) in paragraphs(PUNCTUATED, wrap_px, reading) {
                            rows += assert_typeset(&text, &galley, wrap_px, justify);
                        }
                    }
                }
                assert!(rows > 500, "{rows} rows");
            }
        }
    }

    #[test]
    fn a_paragraph_longer_than_a_chunk_is_broken_by_the_same_rules() {
        let body: String = PUNCTUATED
            .lines()
            .skip(1)
            .map(|l| l.trim_start_matches('\u{3000}'))
            .collect::<Vec<_>>()
            .concat();
        let text = format!("标题\n\u{3000}\u{3000}{}\n", body.repeat(24));
        assert!(text.chars().count() > 3 * RELAYOUT_CHUNK_CHARS);
        for chars in [11.3, 24.0, 38.5] {
            let wrap_px = 18.0 * chars;
            let reading = Reading {
                justify: true,
                ..Reading::default()
            };
            let laid = paragraphs(&text, wrap_px, reading);
            assert_eq!(laid.len(), 1);
            let (shown, galley) = &laid[0];
            let rows = assert_typeset(shown, galley, wrap_px, true);
            assert!(
                rows as f32 > shown.chars().count() as f32 / chars,
                "{rows} rows"
            );
        }
    }

    /// Two paragraphs of the bundled speech where egui alone ends a row with `“` (at 24
    /// and at 30 chars a line): their rows, kept as golden text (one row a line).
    #[test]
    fn the_sample_speech_breaks_as_chinese_typesetting_does() {
        let text = crate::session::SAMPLE_TEXT;
        let mut golden = String::new();
        for (chars, starts) in [(24.0, "2025年，全县"), (30.0, "基层是数字政府")] {
            let wrap_px = 18.0 * chars;
            let reading = Reading {
                justify: true,
                ..Reading::default()
            };
            let (shown, galley) = paragraphs(text, wrap_px, reading)
                .into_iter()
                .find(|(t, _)| t.starts_with(starts))
                .expect("the paragraph is in the sample");
            assert_typeset(&shown, &galley, wrap_px, true);
            golden.push_str(&format!("== {chars} chars a line, justified ==\n"));
            for row in &galley.rows {
                golden.push_str(&row.row.text());
                golden.push('\n');
            }
        }
        insta::assert_snapshot!(golden);
    }

    #[test]
    fn new_fonts_drop_the_galleys() {
        let (ctx, doc, set) = setup();
        let mut cache = GalleyCache::default();
        let k = key(1.0, 500.0, Theme::Light);
        let first = frame(&ctx, &mut cache, &doc, &set, k, &[0]);
        // Fonts set during a frame apply from the next one: that frame lays out again.
        let mut changed = fonts::definitions(None);
        changed
            .families
            .insert(egui::FontFamily::Name("another".into()), Vec::new());
        ctx.set_fonts(changed);
        let second = frame(&ctx, &mut cache, &doc, &set, k, &[0]);
        assert!(!Arc::ptr_eq(&first[0], &second[0]));
        let third = frame(&ctx, &mut cache, &doc, &set, k, &[0]);
        assert!(Arc::ptr_eq(&second[0], &third[0]));
    }

    #[test]
    fn each_kind_of_block_has_its_chars_once_in_the_order_they_come() {
        let doc = OpenDocument::new(
            Document::from_text(
                "关于推进工作的报告\n\n一、总体要求\n\n要推进 推进，再推进。\n\n二、主要任务\n\n任务要实。"
                    .to_owned(),
                "UTF-8",
                crate::document::SourceFormat::Text,
            ),
            None,
            "test".to_owned(),
        );
        let set = BlockSet::build(&doc.doc, &doc.outline, false);
        let chars = |kind: BlockKind| -> String {
            set.chars_by_kind
                .iter()
                .find(|((k, mixed), _)| *k == kind && !mixed)
                .map(|(_, c)| c.iter().collect())
                .unwrap_or_default()
        };
        assert_eq!(chars(BlockKind::Title), "关于推进工作的报告");
        assert_eq!(chars(BlockKind::Heading(1)), "一、总体要求二主任务");
        // Each once, spaces left out.
        assert_eq!(chars(BlockKind::Body), "要推进，再。任务实");
    }

    #[test]
    fn the_cost_of_laying_out_is_learnt_from_the_galleys_laid_out() {
        let ctx = egui::Context::default();
        let mut cache = GalleyCache::default();
        let k = key(1.0, 500.0, Theme::Light);
        let first = FIRST_NANOS_PER_CHAR * (1_000 + PARAGRAPH_CHARS) as f64;
        assert_eq!(cache.expected(1_000), Duration::from_nanos(first as u64));
        run(&ctx, |ui| {
            let painter = ui.painter();
            cache.begin_frame(k, painter.layout_job(GalleyCache::canary_job()));
            cache.get(0, || {
                // Slow on purpose: 2 ms for 100 chars, 20 µs a char.
                std::thread::sleep(Duration::from_millis(2));
                painter.layout_no_wrap("字".repeat(100), FontId::default(), egui::Color32::BLACK)
            });
        });
        // At least 2 ms for 100 chars and a paragraph: 100 chars more and a paragraph take
        // as long again.
        let learnt = cache.expected(100);
        assert!(learnt >= Duration::from_millis(2), "{learnt:?}");
        assert!(learnt < Duration::from_millis(20), "{learnt:?}");
        let twice = cache.expected(200 + PARAGRAPH_CHARS).as_secs_f64() / learnt.as_secs_f64();
        assert!((twice - 2.0).abs() < 0.01, "{twice}");
    }

    #[test]
    fn the_cache_keeps_a_bounded_number_of_galleys() {
        let ctx = egui::Context::default();
        let mut cache = GalleyCache::default();
        let k = key(1.0, 500.0, Theme::Light);
        // Ten blocks a frame, never the same twice: the least recently used go.
        let frames = MAX_GALLEYS / 10 + 50;
        for f in 0..frames {
            run(&ctx, |ui| {
                let painter = ui.painter();
                cache.begin_frame(k, painter.layout_job(GalleyCache::canary_job()));
                for i in f * 10..f * 10 + 10 {
                    let galley = cache.get(i, || {
                        painter.layout_no_wrap(
                            i.to_string(),
                            FontId::default(),
                            egui::Color32::BLACK,
                        )
                    });
                    assert_eq!(galley.text(), i.to_string());
                }
            });
            assert!(cache.len() <= MAX_GALLEYS + 10);
        }
        assert!(cache.len() >= MAX_GALLEYS / 2);
        // The last frame's blocks are still there.
        run(&ctx, |ui| {
            let painter = ui.painter();
            cache.begin_frame(k, painter.layout_job(GalleyCache::canary_job()));
            let last = frames * 10 - 5;
            let kept = cache.get(last, || panic!("block {last} was dropped"));
            assert_eq!(kept.text(), last.to_string());
        });
    }
}
