//! What is painted over the text: the selection, highlights, note markers and the flash
//! after a jump; and hit-testing a point to a char. Ranges come from the document model
//! (char offsets) and become rectangles only here, per visible galley.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::epaint::{Mesh, RectShape, Shape, TessellationOptions, Tessellator};
use egui::{Galley, Painter, Pos2, Rect, Stroke, Vec2};

use crate::annotate::{AnnotationId, AnnotationSet, Kind, Mark};
use crate::app::settings::Theme;
use crate::app::theme::{highlight_fill, highlight_ink, selection_fill};
use crate::document::TextRange;

/// A block on screen this frame.
#[derive(Clone)]
pub struct Shown {
    /// Where the galley is painted (screen).
    pub galley_pos: Pos2,
    /// Its laid-out text.
    pub galley: Arc<Galley>,
    /// Char offset of the galley's first char in the document.
    pub text_start: usize,
    /// Number of chars in the galley.
    pub chars: usize,
    /// The block's full rect (screen), gaps included.
    pub rect: Rect,
    /// Font size of its body text.
    pub size_px: f32,
}

impl Shown {
    /// The document chars this block shows.
    pub fn range(&self) -> TextRange {
        TextRange::new(self.text_start, self.text_start + self.chars)
    }

    /// The char nearest a screen point.
    pub fn char_at(&self, pos: Pos2) -> usize {
        let cursor = self.galley.cursor_from_pos(pos - self.galley_pos);
        self.text_start + cursor.index.0.min(self.chars)
    }

    /// Screen rects covering the part of `range` inside this block, one per row, trimmed
    /// to the height of the text.
    pub fn rects(&self, range: TextRange) -> Vec<Rect> {
        let start = range.start.max(self.text_start) - self.text_start;
        let end = range
            .end
            .min(self.text_start + self.chars)
            .saturating_sub(self.text_start);
        if start >= end {
            return Vec::new();
        }
        range_rects(&self.galley, start..end)
            .into_iter()
            .map(|r| {
                let trim = ((r.height() - 1.4 * self.size_px) / 2.0).max(0.0);
                r.shrink2(Vec2::new(0.0, trim))
                    .translate(self.galley_pos.to_vec2())
            })
            .collect()
    }
}

/// Rects (galley coordinates) covering a char range, one per row.
pub fn range_rects(galley: &Galley, range: Range<usize>) -> Vec<Rect> {
    let mut out = Vec::new();
    let mut row_start = 0usize;
    for row in &galley.rows {
        let row_end = row_start + row.char_count_excluding_newline().0;
        let (s, e) = (range.start.max(row_start), range.end.min(row_end));
        if s < e {
            let x0 = row.pos.x + row.x_offset(egui::text::CharIndex(s - row_start));
            let x1 = row.pos.x + row.x_offset(egui::text::CharIndex(e - row_start));
            out.push(Rect::from_x_y_ranges(x0..=x1, row.min_y()..=row.max_y()));
        }
        row_start += row.char_count_including_newline().0;
        if row_start >= range.end {
            break;
        }
    }
    out
}

/// The block nearest a screen point (by height), among those shown.
pub fn block_at(shown: &[Shown], pos: Pos2) -> Option<&Shown> {
    shown
        .iter()
        .find(|s| s.rect.top() <= pos.y && pos.y < s.rect.bottom())
        .or_else(|| {
            shown.iter().min_by(|a, b| {
                let da = (a.rect.center().y - pos.y).abs();
                let db = (b.rect.center().y - pos.y).abs();
                da.total_cmp(&db)
            })
        })
}

/// The char under a screen point, if a block is near.
pub fn char_at(shown: &[Shown], pos: Pos2) -> Option<usize> {
    block_at(shown, pos).map(|s| s.char_at(pos))
}

/// What the marks of one frame need.
pub struct MarkStyle<'a> {
    /// The annotations.
    pub set: &'a AnnotationSet,
    /// The text selection.
    pub selection: Option<TextRange>,
    /// The selected annotation.
    pub selected: Option<AnnotationId>,
    /// The flashing annotation and its strength.
    pub flash: Option<(AnnotationId, f32)>,
    /// Colour theme.
    pub theme: Theme,
    /// Find matches, in document order.
    pub matches: &'a [TextRange],
    /// The match the reader is at.
    pub current_match: Option<TextRange>,
    /// Authors whose imported comments are hidden.
    pub hidden_authors: &'a std::collections::BTreeSet<String>,
}

impl MarkStyle<'_> {
    /// Whether `a` is shown (not an imported comment of a hidden author).
    fn shows(&self, a: &crate::annotate::Annotation) -> bool {
        !crate::app::annotations_panel::hidden(self.hidden_authors, a)
    }

    /// What a block's [`fingerprint`] depends on besides its range.
    fn stamp(&self) -> Stamp {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hidden_authors.hash(&mut h);
        Stamp {
            generation: self.set.generation(),
            selected: self.selected,
            hidden: h.finish(),
        }
    }
}

/// The annotations' state a kept [`fingerprint`] was taken in: the set's generation (bumped
/// by every change to it; one set per open document, and the marks are dropped with the
/// blocks when another opens), the selected annotation and the hidden authors. While they
/// stay the same, so does the fingerprint of a block's range, and it is not taken again.
#[derive(Clone, Copy, PartialEq)]
struct Stamp {
    generation: u64,
    selected: Option<AnnotationId>,
    /// A hash of the hidden authors.
    hidden: u64,
}

/// A note marker painted this frame: where, and whose note.
pub struct Marker {
    /// Screen rect.
    pub rect: Rect,
    /// The annotation.
    pub id: AnnotationId,
}

/// Paint highlights, the selection and note markers of one block (before its text).
/// Returns the note markers, and the last selection rect (where the toolbar goes).
///
/// The highlights and note markers of block `block` come from `cache` while the
/// annotations over it stay the same (see [`MarkCache`]); find matches and the selection
/// are painted over them every frame.
pub fn paint_block_marks(
    painter: &Painter,
    shown: &Shown,
    style: &MarkStyle,
    markers: &mut Vec<Marker>,
    cache: &mut MarkCache,
    block: usize,
) -> Option<Rect> {
    cache.paint(painter, shown, style, markers, block);
    let block = shown.range();
    let from = style.matches.partition_point(|m| m.end <= block.start);
    for m in style.matches[from..]
        .iter()
        .take_while(|m| m.start < block.end)
    {
        let current = style.current_match == Some(*m);
        for r in shown.rects(*m) {
            painter.rect_filled(r, 2.0, search_fill(style.theme, current));
            if current {
                painter.rect_stroke(
                    r.expand(1.0),
                    2.0,
                    Stroke::new(1.5, egui::Color32::from_rgb(0xE0, 0x6C, 0x00)),
                    egui::StrokeKind::Outside,
                );
            }
        }
    }
    let mut last_selected = None;
    if let Some(sel) = style.selection {
        for r in shown.rects(sel) {
            painter.rect_filled(r, 0.0, selection_fill(style.theme));
            last_selected = Some(r);
        }
    }
    last_selected
}

/// The shapes of one block's highlights (fill or underline, the selected one's outline,
/// the flash) and note markers, in the order they are painted; the markers' rects go to
/// `markers`.
fn highlight_shapes(
    out: &mut Vec<Shape>,
    shown: &Shown,
    style: &MarkStyle,
    markers: &mut Vec<Marker>,
) {
    let block = shown.range();
    for a in style.set.overlapping(block).filter(|a| style.shows(a)) {
        let rects = shown.rects(a.range);
        let ink = highlight_ink(a.color);
        for r in &rects {
            match a.mark {
                Mark::Fill => {
                    out.push(
                        RectShape::filled(*r, 2.0, highlight_fill(style.theme, a.color)).into(),
                    );
                }
                Mark::Underline => {
                    out.push(Shape::hline(
                        r.x_range(),
                        r.bottom() - 1.0,
                        Stroke::new((shown.size_px / 9.0).max(1.5), ink),
                    ));
                }
            }
            if style.selected == Some(a.id) {
                out.push(
                    RectShape::stroke(
                        r.expand(1.0),
                        2.0,
                        Stroke::new(1.5, ink),
                        egui::StrokeKind::Outside,
                    )
                    .into(),
                );
            }
            if let Some((id, strength)) = style.flash
                && id == a.id
            {
                out.push(
                    RectShape::filled(r.expand(2.0), 3.0, ink.gamma_multiply(strength * 0.6))
                        .into(),
                );
            }
        }
        if !a.note.trim().is_empty()
            && a.range.end <= block.end
            && let Some(last) = rects.last()
        {
            markers.push(Marker {
                rect: note_marker(out, *last, ink, shown.size_px),
                id: a.id,
            });
        }
    }
    // Section notes: a marker after the heading's title.
    for a in section_notes(shown, style) {
        let end = TextRange::new(a.range.start, a.range.end.max(a.range.start + 1));
        if let Some(last) = shown.rects(end).last() {
            markers.push(Marker {
                rect: note_marker(out, *last, highlight_ink(a.color), shown.size_px),
                id: a.id,
            });
        }
    }
}

/// The section notes (shown, placed, with a note) starting in a block.
fn section_notes<'a>(
    shown: &Shown,
    style: &'a MarkStyle,
) -> impl Iterator<Item = &'a crate::annotate::Annotation> {
    let block = shown.range();
    let items = style.set.items();
    let from = items.partition_point(|a| a.range.start < block.start);
    items[from..]
        .iter()
        .take_while(move |a| a.range.start < block.end.max(block.start + 1))
        .filter(|a| a.kind == Kind::SectionNote && a.is_placed() && !a.note.trim().is_empty())
        .filter(|a| style.shows(a))
}

/// What a block's highlights and note markers look like, as a number: every annotation
/// painted over it (where, colour, mark, whether it has a note, whether it is selected).
/// `None` when the flashing annotation is among them (it changes every frame).
fn fingerprint(shown: &Shown, style: &MarkStyle) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let flash = style.flash.map(|(id, _)| id);
    for a in style
        .set
        .overlapping(shown.range())
        .filter(|a| style.shows(a))
    {
        if flash == Some(a.id) {
            return None;
        }
        (a.id, a.range.start, a.range.end, a.color, a.mark).hash(&mut h);
        (a.note.trim().is_empty(), style.selected == Some(a.id)).hash(&mut h);
    }
    0xFFu8.hash(&mut h);
    for a in section_notes(shown, style) {
        (a.id, a.range.start, a.range.end, a.color).hash(&mut h);
    }
    Some(h.finish())
}

/// What a block's kept marks were made for.
#[derive(Clone, Copy, PartialEq)]
struct MarkKey {
    /// [`fingerprint`] of the annotations over it.
    fingerprint: u64,
    /// The block's chars.
    range: TextRange,
    /// The galley's position within a pixel, in 1/256 pixel (x, y). Whole pixels plus a
    /// fraction in floats are off by a rounding that depends on the whole pixels: the key
    /// does not see it; the mesh is off by as little.
    within_pixel: (i32, i32),
    /// Body text size (the rows' trim and the markers' size follow it).
    size_px: u32,
    theme: Theme,
}

/// One block's highlights and note markers, tessellated.
struct MarkEntry {
    /// The galley they were made over (kept, so a new galley is never mistaken for it).
    galley: Arc<Galley>,
    key: MarkKey,
    /// When the key's fingerprint was last taken (or found the same).
    stamp: Stamp,
    /// The marks, tessellated where they were first painted: moved by whole pixels they
    /// land exactly where shapes tessellated in place would (the tessellator rounds rects
    /// and lines to pixels, halves away from zero: they are never moved across x or y = 0
    /// on screen except above the reader's clip, under the top bar).
    mesh: Arc<Mesh>,
    /// The whole pixels of the galley's position the mesh and markers are placed for.
    whole: Vec2,
    /// The note markers, placed the same way.
    markers: Vec<Marker>,
    /// The frame it was last painted in.
    used: u64,
}

impl super::layout::Kept for MarkEntry {
    fn used(&self) -> u64 {
        self.used
    }

    fn bytes(&self) -> usize {
        mesh_bytes(&self.mesh)
    }
}

/// Blocks kept at most (a long stretch read back and forth); the least recently painted go
/// first.
const MAX_MARKED_BLOCKS: usize = 1_000;
/// Most bytes of kept meshes (a dense block's mesh is tens of kilobytes).
const MAX_MARK_BYTES: usize = 16 << 20;

/// The bytes a mesh holds.
fn mesh_bytes(mesh: &Mesh) -> usize {
    mesh.vertices.len() * std::mem::size_of::<egui::epaint::Vertex>()
        + mesh.indices.len() * std::mem::size_of::<u32>()
}

/// The highlights and note markers of recently shown blocks, tessellated once and moved
/// into place every frame (a dense text has a few hundred highlight rects on screen: made
/// and tessellated every frame, they cost about half a millisecond). A block's marks are
/// made again when the annotations over it, its galley, its position within a pixel, the
/// theme or the tessellation change; while one of them flashes it is painted directly.
#[derive(Default)]
pub struct MarkCache {
    entries: HashMap<usize, MarkEntry>,
    /// Bytes of the kept meshes.
    bytes: usize,
    frame: u64,
    /// Pixels per point and tessellation options the meshes were made with.
    tessellation: Option<(f32, TessellationOptions)>,
    /// How many blocks' marks were made (tests).
    made: u64,
    /// How many fingerprints were taken (tests).
    fingerprinted: u64,
    /// Time spent making marks in this frame.
    spent: Duration,
    /// What making one block's marks has taken lately, in nanoseconds (a moving average;
    /// 0 before the first).
    nanos_per_block: f64,
}

/// What making a block's marks is taken to cost before any was measured (a paragraph
/// under 40 highlights: about 0.1 ms on the 2-core machine of BENCHMARKS.md).
const FIRST_NANOS_PER_BLOCK: f64 = 100_000.0;

impl MarkCache {
    /// Start a frame drawn at `pixels_per_point` with `options`.
    pub fn begin_frame(&mut self, pixels_per_point: f32, options: TessellationOptions) {
        self.frame += 1;
        self.spent = Duration::ZERO;
        if self.tessellation != Some((pixels_per_point, options)) {
            self.clear();
            self.tessellation = Some((pixels_per_point, options));
        }
        let bounds = (MAX_MARKED_BLOCKS, MAX_MARK_BYTES);
        super::layout::evict_least_recent(&mut self.entries, &mut self.bytes, self.frame, bounds);
    }

    /// Drop every block's marks (the blocks were made anew).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// How many blocks' marks are kept, and their meshes' bytes (tests).
    #[cfg(test)]
    fn kept(&self) -> (usize, usize) {
        (self.entries.len(), self.bytes)
    }

    /// How many blocks' marks were made since the cache was created.
    pub fn made(&self) -> u64 {
        self.made
    }

    /// Time spent making marks in this frame so far.
    pub fn spent(&self) -> Duration {
        self.spent
    }

    /// What making a block's marks should take, from those made lately.
    pub fn expected(&self) -> Duration {
        let nanos = if self.nanos_per_block == 0.0 {
            FIRST_NANOS_PER_BLOCK
        } else {
            self.nanos_per_block
        };
        Duration::from_nanos(nanos as u64)
    }

    /// Whether block `block` has marks kept (perhaps for annotations since changed).
    pub fn has(&self, block: usize) -> bool {
        self.entries.contains_key(&block)
    }

    /// Make and keep block `block`'s marks where `shown` puts it, without painting them
    /// (ahead of the block being shown).
    pub fn prepare(&mut self, shown: &Shown, style: &MarkStyle, block: usize) {
        if self.fingerprint(shown, style, block).is_some() {
            self.marks_of(shown, style, &mut Vec::new(), block);
        }
    }

    /// The [`fingerprint`] of block `block` shown as `shown`: the kept one while nothing
    /// it depends on changed (see [`Stamp`]), so a block on screen is not hashed anew
    /// every frame.
    fn fingerprint(&mut self, shown: &Shown, style: &MarkStyle, block: usize) -> Option<u64> {
        if style.flash.is_none()
            && let Some(e) = self.entries.get(&block)
            && e.key.range == shown.range()
            && e.stamp == style.stamp()
        {
            return Some(e.key.fingerprint);
        }
        self.fingerprinted += 1;
        fingerprint(shown, style)
    }

    /// Paint block `block`'s highlights and note markers.
    fn paint(
        &mut self,
        painter: &Painter,
        shown: &Shown,
        style: &MarkStyle,
        markers: &mut Vec<Marker>,
        block: usize,
    ) {
        match self.marks_of(shown, style, markers, block) {
            Placed::Mesh(mesh) => {
                painter.add(Shape::mesh(mesh));
            }
            Placed::Shapes(shapes) => painter.extend(shapes),
            Placed::Nothing => {}
        }
    }

    /// Block `block`'s highlights and note markers where `shown` puts them: its kept mesh
    /// moved into place, or made (and kept) now; the shapes themselves while one flashes.
    fn marks_of(
        &mut self,
        shown: &Shown,
        style: &MarkStyle,
        markers: &mut Vec<Marker>,
        block: usize,
    ) -> Placed {
        let Some(((ppp, options), fingerprint)) =
            self.tessellation.zip(self.fingerprint(shown, style, block))
        else {
            // Flashing (or no frame begun): painted in place, as it is this frame.
            let mut shapes = Vec::new();
            highlight_shapes(&mut shapes, shown, style, markers);
            return Placed::Shapes(shapes);
        };
        // The galley's position split into whole pixels and the part within one (a position
        // on whole pixels, as the reader puts galleys, is within 1/1000 of one).
        let px = shown.galley_pos.to_vec2() * ppp + Vec2::splat(1.0e-3);
        let whole = Vec2::new(px.x.floor(), px.y.floor()) / ppp;
        let within = shown.galley_pos.to_vec2() - whole;
        let key = MarkKey {
            fingerprint,
            range: shown.range(),
            within_pixel: (
                (within.x * ppp * 256.0).round() as i32,
                (within.y * ppp * 256.0).round() as i32,
            ),
            size_px: shown.size_px.to_bits(),
            theme: style.theme,
        };
        let frame = self.frame;
        let entry = match self.entries.get_mut(&block) {
            Some(e) if e.key == key && Arc::ptr_eq(&e.galley, &shown.galley) => e,
            _ => {
                let started = Instant::now();
                let mut shapes = Vec::new();
                let mut local_markers = Vec::new();
                highlight_shapes(&mut shapes, shown, style, &mut local_markers);
                let mut tessellator = Tessellator::new(ppp, options, [1, 1], Vec::new());
                let mut mesh = Mesh::default();
                for shape in shapes {
                    tessellator.tessellate_shape(shape, &mut mesh);
                }
                self.made += 1;
                self.bytes += mesh_bytes(&mesh);
                if let Some(old) = self.entries.remove(&block) {
                    self.bytes -= mesh_bytes(&old.mesh);
                }
                self.entries.insert(
                    block,
                    MarkEntry {
                        galley: Arc::clone(&shown.galley),
                        key,
                        stamp: style.stamp(),
                        mesh: Arc::new(mesh),
                        whole,
                        markers: local_markers,
                        used: frame,
                    },
                );
                let took = started.elapsed();
                self.spent += took;
                let nanos = took.as_nanos() as f64;
                self.nanos_per_block = if self.nanos_per_block == 0.0 {
                    nanos
                } else {
                    0.8 * self.nanos_per_block + 0.2 * nanos
                };
                self.entries.get_mut(&block).expect("just inserted")
            }
        };
        entry.used = frame;
        // Found the same under a later stamp: kept for it.
        entry.stamp = style.stamp();
        let moved = whole - entry.whole;
        if moved != Vec2::ZERO {
            // Moved where it is kept (not copied: the last frame's painting of it is gone),
            // so a block that stays where it was is painted without touching its vertices.
            Arc::make_mut(&mut entry.mesh).translate(moved);
            for m in &mut entry.markers {
                m.rect = m.rect.translate(moved);
            }
            entry.whole = whole;
        }
        markers.extend(entry.markers.iter().map(|m| Marker {
            rect: m.rect,
            id: m.id,
        }));
        if entry.mesh.is_empty() {
            return Placed::Nothing;
        }
        Placed::Mesh(Arc::clone(&entry.mesh))
    }
}

/// A block's marks, ready to paint.
enum Placed {
    /// Tessellated and in place.
    Mesh(Arc<Mesh>),
    /// Shapes to paint as they are.
    Shapes(Vec<Shape>),
    /// No marks.
    Nothing,
}

/// Background of a find match (the current one stronger).
pub fn search_fill(theme: Theme, current: bool) -> egui::Color32 {
    match (theme, current) {
        (Theme::Dark, false) => egui::Color32::from_rgba_unmultiplied(0xC0, 0x70, 0x10, 110),
        (Theme::Dark, true) => egui::Color32::from_rgba_unmultiplied(0xE0, 0x80, 0x10, 200),
        (_, false) => egui::Color32::from_rgba_unmultiplied(0xFF, 0xB0, 0x40, 120),
        (_, true) => egui::Color32::from_rgba_unmultiplied(0xFF, 0x8C, 0x00, 210),
    }
}

/// A small folded-corner note sign at the top right of a rect's end; returns its rect.
fn note_marker(out: &mut Vec<Shape>, end: Rect, ink: egui::Color32, size_px: f32) -> Rect {
    let s = (size_px * 0.42).max(6.0);
    let rect = Rect::from_min_size(
        Pos2::new(end.right() + 1.0, end.top() - s * 0.35),
        Vec2::splat(s),
    );
    out.push(RectShape::filled(rect, 1.5, ink).into());
    let fold = s * 0.38;
    out.push(egui::Shape::convex_polygon(
        vec![
            Pos2::new(rect.right() - fold, rect.bottom()),
            rect.right_bottom(),
            Pos2::new(rect.right(), rect.bottom() - fold),
        ],
        egui::Color32::WHITE.gamma_multiply(0.85),
        Stroke::NONE,
    ));
    rect
}

/// Plain text of a range for the clipboard: each line without its indentation.
pub fn copy_text(doc: &crate::document::Document, range: TextRange) -> String {
    doc.slice(range)
        .split('\n')
        .map(|l| l.trim_start_matches([' ', '\u{3000}', '\t']))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, SourceFormat};

    /// A block's marks from the cache are the shapes tessellated in place: the same
    /// triangles, the same colours, the same note markers; made once for every position
    /// with the same part within a pixel, and again when an annotation over the block
    /// changes (not when one elsewhere does).
    /// `text` as one block at `pos`: 20 px type, 300 wide.
    fn shown_at(ui: &egui::Ui, text: &str, pos: Pos2) -> Shown {
        let galley = ui.painter().layout(
            text.to_owned(),
            egui::FontId::proportional(20.0),
            egui::Color32::BLACK,
            300.0,
        );
        Shown {
            galley_pos: pos,
            chars: text.chars().count(),
            galley,
            text_start: 0,
            rect: Rect::from_min_size(pos, Vec2::new(300.0, 400.0)),
            size_px: 20.0,
        }
    }

    /// The marks of `set`: nothing selected, flashing or found, the light theme.
    fn plain_style<'a>(
        set: &'a AnnotationSet,
        hidden: &'a std::collections::BTreeSet<String>,
    ) -> MarkStyle<'a> {
        MarkStyle {
            set,
            selection: None,
            selected: None,
            flash: None,
            theme: Theme::Light,
            matches: &[],
            current_match: None,
            hidden_authors: hidden,
        }
    }

    #[test]
    fn kept_marks_are_the_shapes_tessellated_in_place() {
        use crate::annotate::{Annotation, Color, Edit};
        let text =
            "各级党组织要履行主体责任，主要负责同志要亲自抓、带头干，一级抓一级、层层抓落实。"
                .repeat(4);
        let chars = text.chars().count();
        let doc = Document::from_text(
            format!("{text}\n第二段在这一块之外。"),
            "UTF-8",
            SourceFormat::Text,
        );
        let mark = |start: usize, len: usize, color: Color, mark: Mark, note: &str| {
            let mut a =
                Annotation::highlight(&doc, TextRange::new(start, start + len), color, 1_000);
            a.mark = mark;
            a.note = note.to_owned();
            a
        };
        let mut set = AnnotationSet::new(
            vec![
                mark(3, 40, Color::Yellow, Mark::Fill, "要点"),
                mark(20, 30, Color::Blue, Mark::Underline, ""),
                mark(25, 60, Color::Green, Mark::Fill, "两行以上"),
                mark(90, 5, Color::Pink, Mark::Fill, ""),
            ],
            vec![],
        );
        let selected = set.items()[2].id;
        let ctx = egui::Context::default();
        let hidden = std::collections::BTreeSet::new();
        let mut cache = MarkCache::default();
        let options = egui::epaint::TessellationOptions::default();
        let run = |cache: &mut MarkCache, set: &AnnotationSet, pos: Pos2, flash: bool| {
            let mut out = None;
            let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
                let shown = shown_at(ui, &text, pos);
                let style = MarkStyle {
                    selected: Some(selected),
                    flash: flash.then_some((selected, 0.5)),
                    ..plain_style(set, &hidden)
                };
                // In place, as every frame painted them before.
                let mut shapes = Vec::new();
                let mut expected_markers = Vec::new();
                highlight_shapes(&mut shapes, &shown, &style, &mut expected_markers);
                let mut tessellator = Tessellator::new(1.0, options, [1, 1], Vec::new());
                let mut expected = Mesh::default();
                for shape in shapes {
                    tessellator.tessellate_shape(shape, &mut expected);
                }
                cache.begin_frame(1.0, options);
                let mut markers = Vec::new();
                let placed = cache.marks_of(&shown, &style, &mut markers, 7);
                out = Some((expected, expected_markers, placed, markers));
            });
            output.textures_delta.clear();
            out.expect("a frame")
        };
        let same = |a: &Mesh, b: &Mesh| {
            assert_eq!(a.indices, b.indices);
            assert_eq!(a.vertices.len(), b.vertices.len());
            for (n, (x, y)) in a.vertices.iter().zip(&b.vertices).enumerate() {
                assert_eq!(x.color, y.color);
                assert!(
                    (x.pos - y.pos).length() < 1e-3,
                    "vertex {n}: {:?} in place, {:?} kept",
                    x.pos,
                    y.pos
                );
            }
        };
        let same_markers = |a: &[Marker], b: &[Marker]| {
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(b) {
                assert_eq!(x.id, y.id);
                assert!((x.rect.min - y.rect.min).length() < 1e-3);
                assert!((x.rect.max - y.rect.max).length() < 1e-3);
            }
        };
        // Scrolled by whole pixels: made once, then moved.
        for (k, pos) in [
            Pos2::new(40.37, 120.81),
            Pos2::new(40.37, 63.81),
            Pos2::new(40.37, 300.81),
        ]
        .into_iter()
        .enumerate()
        {
            let (expected, expected_markers, placed, markers) = run(&mut cache, &set, pos, false);
            let Placed::Mesh(mesh) = placed else {
                panic!("a mesh")
            };
            assert!(!expected.is_empty() && expected_markers.len() == 2);
            same(&expected, &mesh);
            same_markers(&expected_markers, &markers);
            assert_eq!(cache.made(), 1, "position {k}");
            // Nothing changed: the block's fingerprint is not taken again.
            assert_eq!(cache.fingerprinted, 1, "position {k}");
        }
        // Another part within a pixel (a half: rects on pixel edges round the same way
        // moved or not): made again, still the same as in place.
        for pos in [Pos2::new(40.5, 120.25), Pos2::new(40.5, 421.25)] {
            let (expected, _, placed, _) = run(&mut cache, &set, pos, false);
            let Placed::Mesh(mesh) = placed else {
                panic!("a mesh")
            };
            same(&expected, &mesh);
            assert_eq!(cache.made(), 2);
        }
        // An annotation outside the block changes nothing; one over it makes it again.
        let far = Annotation::highlight(
            &doc,
            TextRange::new(chars + 2, chars + 5),
            Color::Purple,
            2_000,
        );
        set.apply(vec![Edit::Add(far)], 2_000);
        let (_, _, placed, _) = run(&mut cache, &set, Pos2::new(40.5, 120.25), false);
        assert!(matches!(placed, Placed::Mesh(_)));
        assert_eq!(cache.made(), 2);
        assert_eq!(
            cache.fingerprinted, 2,
            "the set changed: taken again, found the same"
        );
        let _ = run(&mut cache, &set, Pos2::new(40.5, 120.25), false);
        assert_eq!((cache.made(), cache.fingerprinted), (2, 2));
        let mut changed = set.items()[3].clone();
        changed.color = Color::Purple;
        set.apply(vec![Edit::Update(changed)], 3_000);
        let (expected, _, placed, _) = run(&mut cache, &set, Pos2::new(40.5, 120.25), false);
        let Placed::Mesh(mesh) = placed else {
            panic!("a mesh")
        };
        same(&expected, &mesh);
        assert_eq!(cache.made(), 3);
        // Another selection (the kept fingerprint was taken with the old one): made again.
        let selected_before = selected;
        let other = MarkStyle {
            selected: Some(set.items()[0].id),
            ..plain_style(&set, &hidden)
        };
        assert_ne!(Some(selected_before), other.selected);
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            cache.begin_frame(1.0, options);
            let shown = shown_at(ui, &text, Pos2::new(40.5, 120.25));
            let _ = cache.marks_of(&shown, &other, &mut Vec::new(), 7);
        });
        output.textures_delta.clear();
        assert_eq!(cache.made(), 4);
        let (expected, _, placed, _) = run(&mut cache, &set, Pos2::new(40.5, 120.25), false);
        let Placed::Mesh(mesh) = placed else {
            panic!("a mesh")
        };
        same(&expected, &mesh);
        assert_eq!(cache.made(), 5, "and again when it comes back");
        // While the selected one flashes, the shapes are painted as they are.
        let (_, _, placed, _) = run(&mut cache, &set, Pos2::new(40.5, 120.25), true);
        assert!(matches!(placed, Placed::Shapes(_)));
        assert_eq!(cache.made(), 5);
        // Made ahead below the view, on whole pixels as the reader places galleys, then
        // shown where the view scrolled: not made again, the same as in place.
        let mut ahead = MarkCache::default();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            ahead.begin_frame(1.0, options);
            let style = MarkStyle {
                selected: Some(selected),
                ..plain_style(&set, &hidden)
            };
            assert!(!ahead.has(7));
            ahead.prepare(&shown_at(ui, &text, Pos2::new(40.0, 1250.0)), &style, 7);
            assert!(ahead.has(7));
        });
        output.textures_delta.clear();
        assert_eq!(ahead.made(), 1);
        let (expected, expected_markers, placed, markers) =
            run(&mut ahead, &set, Pos2::new(40.0, 310.0), false);
        let Placed::Mesh(mesh) = placed else {
            panic!("a mesh")
        };
        same(&expected, &mesh);
        same_markers(&expected_markers, &markers);
        assert_eq!(ahead.made(), 1);
    }

    #[test]
    fn kept_marks_stay_within_their_bounds_and_keep_the_last_frame() {
        use crate::annotate::{Annotation, Color};
        let text = "各级党组织要履行主体责任，主要负责同志要亲自抓、带头干。".repeat(3);
        let chars = text.chars().count();
        let doc = Document::from_text(text.clone(), "UTF-8", SourceFormat::Text);
        let set = AnnotationSet::new(
            (0..chars / 4)
                .map(|k| {
                    let range = TextRange::new(k * 4, k * 4 + 3);
                    Annotation::highlight(&doc, range, Color::ALL[k % 5], 1_000)
                })
                .collect(),
            vec![],
        );
        let ctx = egui::Context::default();
        let hidden = std::collections::BTreeSet::new();
        let options = egui::epaint::TessellationOptions::default();
        let mut cache = MarkCache::default();
        let blocks = MAX_MARKED_BLOCKS * 2 + 7;
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let shown = shown_at(ui, &text, Pos2::new(10.0, 10.0));
            let style = plain_style(&set, &hidden);
            // A new block every frame, as when a long text scrolls by.
            let mut one = 0;
            for block in 0..blocks {
                cache.begin_frame(1.0, options);
                let mut markers = Vec::new();
                let Placed::Mesh(mesh) = cache.marks_of(&shown, &style, &mut markers, block) else {
                    panic!("block {block} has marks");
                };
                one = mesh_bytes(&mesh);
                let (kept, bytes) = cache.kept();
                assert!(kept <= MAX_MARKED_BLOCKS + 1, "{kept} blocks kept");
                assert!(bytes <= MAX_MARK_BYTES + one, "{bytes} bytes kept");
                assert_eq!(bytes, kept * one, "the bytes follow what is kept");
            }
            // Going over a bound drops down to half of it, not more.
            let (kept, bytes) = cache.kept();
            assert!(one > 0);
            assert!(kept > MAX_MARKED_BLOCKS / 2 || bytes + one > MAX_MARK_BYTES / 2);
            assert_eq!(cache.made(), blocks as u64);
            // The last frame's block is kept: painting it again makes nothing.
            cache.begin_frame(1.0, options);
            let _ = cache.marks_of(&shown, &style, &mut Vec::new(), blocks - 1);
            assert_eq!(cache.made(), blocks as u64);
        });
        output.textures_delta.clear();
    }

    #[test]
    fn copied_text_drops_paragraph_indentation() {
        let d = Document::from_text(
            "标题\n　　第一段。\n　　第二段。".to_owned(),
            "UTF-8",
            SourceFormat::Text,
        );
        assert_eq!(
            copy_text(&d, TextRange::new(0, d.char_count)),
            "标题\n第一段。\n第二段。"
        );
    }
}
