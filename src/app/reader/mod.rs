//! The body: paragraphs typeset in the bundled CJK font, virtualised by paragraph.
//!
//! Only the paragraphs in view are laid out (`Painter::layout_job`, cached by egui); every
//! other paragraph has an estimated height in a [`HeightIndex`] until it is first measured.
//! Measuring happens before the scroll area is shown, and a block measured above the
//! paragraph at the top of the view moves the scroll offset by the same amount, so the
//! text under the reader's eyes never jumps.

pub mod layout_index;
pub mod marks;

use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{
    Align, Color32, FontId, Galley, Key, Modifiers, Rect, Role, ScrollArea, Sense, Ui, Vec2,
    WidgetInfo,
};

use super::annotations_panel::menu_item;
use super::fonts::{self, BODY, HEI, KAI};
use super::theme::{Palette, palette};
use super::{Command, FocusArea, OpenDocument, PizhuApp};
use crate::annotate::{AnnotationId, Color, Mark};
use crate::document::TextRange;
use crate::outline::NodeKind;
use layout_index::{Block, BlockKind, HeightIndex, blocks, estimate_height, text_width_em};
use marks::{MarkStyle, Marker, Shown};

/// Body text size at 100 % zoom, in points.
pub const BODY_PX: f32 = 18.0;
/// Row height as a multiple of the font size.
pub const LINE_HEIGHT: f32 = 1.8;
/// Longest line of body text, in ems (CJK characters): comfortable reading.
pub const MEASURE_EM: f32 = 38.0;
/// Paragraphs measured per frame beyond those in view, so they are exact before they show.
const PREMEASURE_PER_FRAME: usize = 24;

/// Everything that changes how paragraphs are laid out; a change rebuilds the index.
#[derive(Clone, Copy, Debug, PartialEq)]
struct LayoutKey {
    doc: usize,
    wrap_px: f32,
    zoom: f32,
    official: bool,
    hide_boilerplate: bool,
}

/// Sizes for one zoom level.
#[derive(Clone, Copy, Debug)]
pub struct Metrics {
    body_px: f32,
    title_px: f32,
    front_px: f32,
    h1_px: f32,
    h2_px: f32,
}

impl Metrics {
    fn new(zoom: f32) -> Self {
        Self {
            body_px: BODY_PX * zoom,
            title_px: 26.0 * zoom,
            front_px: 15.0 * zoom,
            h1_px: 21.0 * zoom,
            h2_px: 19.0 * zoom,
        }
    }

    /// Font size of a block's text.
    fn size_of(&self, kind: BlockKind, whole_line_heading: bool) -> f32 {
        match kind {
            BlockKind::Title => self.title_px,
            BlockKind::FrontMatter | BlockKind::Boilerplate => self.front_px,
            BlockKind::Heading(1) if whole_line_heading => self.h1_px,
            BlockKind::Heading(2) if whole_line_heading => self.h2_px,
            _ => self.body_px,
        }
    }

    /// Space above and below a block.
    fn gaps(&self, kind: BlockKind) -> (f32, f32) {
        let b = self.body_px;
        match kind {
            BlockKind::Title => (0.6 * b, 0.8 * b),
            BlockKind::FrontMatter => (0.0, 0.3 * b),
            BlockKind::Heading(1) => (1.1 * b, 0.5 * b),
            BlockKind::Heading(_) => (0.5 * b, 0.4 * b),
            BlockKind::Salutation => (0.6 * b, 0.3 * b),
            BlockKind::Body => (0.0, 0.45 * b),
            BlockKind::Boilerplate => (0.0, 0.2 * b),
        }
    }
}

/// The reader's state between frames.
#[derive(Default)]
pub struct ReaderView {
    key: Option<LayoutKey>,
    blocks: Vec<Block>,
    index: HeightIndex,
    /// Which blocks are headings whose title is only their first sentence.
    mixed_heading: Vec<bool>,
    /// Each block's text width in ems (for height estimates).
    widths_em: Vec<f32>,
    /// Scroll offset after the last frame.
    offset: f32,
    viewport_height: f32,
    /// Char to bring to the top next frame.
    pending_jump: Option<usize>,
    /// Char at the top of the view after the last frame.
    top_char: Option<usize>,
    /// Block at the top of the view, and how far into it the view starts.
    anchor: Option<(usize, f32)>,
    /// Blocks hidden because they are boilerplate.
    hidden_lines: usize,
    /// The char last jumped to, the offset that puts it at the top, and the offset the view
    /// settled at: until the reader scrolls, that char (not the first char of its row) is
    /// where the reader is.
    jump_hold: Option<(usize, f32, Option<f32>)>,
    /// Selected text: (anchor, head) char offsets.
    selection: Option<(usize, usize)>,
    /// Where the last plain click landed (Shift+click extends from there).
    caret: Option<usize>,
    /// A drag-selection is under way.
    dragging: bool,
    /// Scroll speed (points per frame) while a drag-selection is held past an edge.
    autoscroll: f32,
    /// Space left above the next jump's target (annotations show with text above them).
    jump_margin: f32,
    /// The chars in view after the last frame.
    visible: Option<TextRange>,
    /// The highlight that was right-clicked, for the context menu.
    context_target: Option<AnnotationId>,
    /// The blocks on screen in the last frame.
    last_shown: Vec<Shown>,
    /// Find-match marks on the scroll bar: (for matches generation, content height,
    /// track height) and their y offsets in the track.
    ticks: Option<((u64, u32, u32), Vec<f32>)>,
}

impl ReaderView {
    /// Bring `pos` (a char offset) to the top of the view on the next frame.
    pub fn jump_to_char(&mut self, pos: usize) {
        self.pending_jump = Some(pos);
    }

    /// Bring `pos` into view, a little below the top, unless it is already in view.
    pub fn reveal_char(&mut self, pos: usize) {
        let in_view = self
            .visible
            .is_some_and(|v| v.start <= pos && pos + 1 < v.end && self.pending_jump.is_none());
        if !in_view {
            self.pending_jump = Some(pos);
            self.jump_margin = (self.viewport_height / 4.0).max(0.0);
        }
    }

    /// The selected text range, if any.
    pub fn selection(&self) -> Option<TextRange> {
        let (a, b) = self.selection?;
        (a != b).then(|| TextRange::new(a.min(b), a.max(b)))
    }

    /// Select a range (tests, Ctrl+A).
    pub fn select(&mut self, range: TextRange) {
        self.selection = Some((range.start, range.end));
    }

    /// Drop the text selection.
    pub fn clear_selection(&mut self) {
        self.selection = None;
        self.dragging = false;
        self.autoscroll = 0.0;
    }

    /// The char under a screen point, as laid out in the last frame.
    pub fn char_at_screen(&self, pos: egui::Pos2) -> Option<usize> {
        self.last_shown
            .iter()
            .find(|s| s.rect.contains(pos))
            .map(|s| s.char_at(pos))
    }

    /// The chars in view after the last frame.
    pub fn visible(&self) -> Option<TextRange> {
        self.visible
    }

    /// The char at the top of the view (after at least one frame).
    pub fn top_char(&self) -> Option<usize> {
        self.pending_jump.or(self.top_char)
    }

    /// The current scroll offset in points.
    pub fn offset(&self) -> f32 {
        self.offset
    }

    /// Height of the visible part of the body.
    pub fn viewport_height(&self) -> f32 {
        self.viewport_height
    }

    /// Total height of the laid-out document (estimated where not yet measured).
    pub fn content_height(&mut self) -> f32 {
        self.index.total()
    }

    /// Index of the block showing char `pos` (the last block starting at or before it).
    fn block_of_char(&self, pos: usize) -> usize {
        self.blocks
            .partition_point(|b| b.range.start <= pos)
            .saturating_sub(1)
    }

    /// Rebuild blocks and estimates when the layout inputs changed; keeps the reading place.
    fn prepare(&mut self, doc: &OpenDocument, key: LayoutKey, metrics: &Metrics) {
        if self.key == Some(key) {
            return;
        }
        if self.key.is_some() && self.pending_jump.is_none() {
            self.pending_jump = self.top_char;
        }
        // Blocks and their text widths depend on the document and the boilerplate switch
        // only; a new width or zoom just redoes the arithmetic below.
        let blocks_key = (key.doc, key.hide_boilerplate);
        if self.key.map(|k| (k.doc, k.hide_boilerplate)) != Some(blocks_key) {
            self.rebuild_blocks(doc, key.hide_boilerplate);
        }
        let estimates = self
            .blocks
            .iter()
            .zip(&self.mixed_heading)
            .zip(&self.widths_em)
            .map(|((b, &mixed), &width)| {
                let size = metrics.size_of(b.kind, !mixed);
                let (above, below) = metrics.gaps(b.kind);
                let indent = if indents(b.kind, mixed) { 2.0 } else { 0.0 };
                above
                    + below
                    + estimate_height(
                        width + indent,
                        size,
                        (size * LINE_HEIGHT).round(),
                        key.wrap_px,
                    )
            })
            .collect();
        self.index = HeightIndex::new(estimates);
        self.key = Some(key);
        self.anchor = None;
    }

    fn rebuild_blocks(&mut self, doc: &OpenDocument, hide_boilerplate: bool) {
        self.blocks = blocks(&doc.doc, &doc.outline, !hide_boilerplate);
        self.hidden_lines = if hide_boilerplate {
            doc.outline.boilerplate.len()
        } else {
            0
        };
        let heading_end: std::collections::HashMap<usize, usize> = doc
            .outline
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Heading)
            .map(|n| (n.line, n.title_range.end))
            .collect();
        self.mixed_heading = self
            .blocks
            .iter()
            .map(|b| {
                matches!(b.kind, BlockKind::Heading(_))
                    && heading_end
                        .get(&b.line)
                        .is_some_and(|&end| end + 1 < b.range.end)
            })
            .collect();
        self.widths_em = self
            .blocks
            .iter()
            .map(|b| text_width_em(doc.doc.line_text(&doc.doc.lines[b.line]).trim()))
            .collect();
    }
}

/// Whether a block's first line is indented two characters.
fn indents(kind: BlockKind, mixed_heading: bool) -> bool {
    matches!(kind, BlockKind::Body) || mixed_heading
}

/// What the layout of one block needs.
struct Style<'a> {
    metrics: &'a Metrics,
    palette: Palette,
    official: bool,
    wrap_px: f32,
}

/// Lay out block `i` as a galley (egui caches identical jobs between frames).
fn block_galley(
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
    let (family, color) = match block.kind {
        BlockKind::Title => (HEI, p.title),
        BlockKind::FrontMatter => (if style.official { KAI } else { BODY }, p.dim),
        BlockKind::Boilerplate => (BODY, p.boilerplate),
        BlockKind::Heading(1) => (HEI, p.title),
        BlockKind::Heading(2) => (if style.official { KAI } else { HEI }, p.heading),
        BlockKind::Heading(_) => (BODY, p.heading),
        BlockKind::Salutation | BlockKind::Body => (BODY, p.text),
    };
    let line_height = Some((size * LINE_HEIGHT).round());
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
    let mut job = LayoutJob {
        wrap: TextWrapping::wrap_at_width(style.wrap_px),
        halign: if matches!(block.kind, BlockKind::Title | BlockKind::FrontMatter) {
            Align::Center
        } else {
            Align::LEFT
        },
        ..Default::default()
    };
    let placeholders = placeholders_in(doc, text_start, text.chars().count());
    let points = point_markers_in(doc, text_start, text.chars().count());
    let mut leading = if indents(block.kind, mixed) {
        2.0 * size
    } else {
        0.0
    };
    // Bytes that could not be decoded were replaced by U+FFFD, which no bundled face draws:
    // show the typesetter's 〓 (U+3013, GB 2312) instead — three UTF-8 bytes like U+FFFD,
    // so every offset stays as it is. The document's text keeps U+FFFD.
    let shown = if text.contains('\u{FFFD}') {
        std::borrow::Cow::Owned(text.replace('\u{FFFD}', "\u{3013}"))
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
    painter.layout_job(job)
}

/// The char offset of the first char a block shows (its line without leading white space).
fn first_shown_char(doc: &OpenDocument, block: &Block) -> usize {
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

/// The central panel: banner, loading indicator, hidden-lines notice, and the body.
pub fn central_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let pal = palette(app.settings.theme);
    egui::CentralPanel::default()
        .frame(egui::Frame::new().fill(pal.page))
        .show(ui, |ui| {
            if let Some(banner) = app.banner.clone() {
                banner_ui(app, ui, &banner);
            }
            if let Some((path, elapsed)) = app.loading_state() {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let label = format!(
                    "{} {name}（{:.1} s）",
                    app.t().opening,
                    elapsed.as_secs_f32()
                );
                ui.horizontal(|ui| {
                    ui.add_space(12.0);
                    ui.spinner();
                    ui.label(label);
                });
            }
            if app.current.is_none() {
                ui.centered_and_justified(|ui| ui.label(app.t().open_hint));
                return;
            }
            if app.reader.hidden_lines > 0 {
                let t = app.t();
                ui.horizontal(|ui| {
                    ui.add_space(12.0);
                    ui.weak(t.hidden_lines(app.reader.hidden_lines));
                    if ui.small_button(t.show).clicked() {
                        app.push(Command::ToggleHideBoilerplate);
                    }
                });
            }
            super::find::find_bar_ui(app, ui);
            body_ui(app, ui);
        });
}

fn banner_ui(app: &mut PizhuApp, ui: &mut Ui, banner: &super::Banner) {
    let (text, is_error) = (banner.text.as_str(), banner.is_error);
    let fill = if is_error {
        Color32::from_rgb(0xFD, 0xE2, 0xE1)
    } else {
        Color32::from_rgb(0xE3, 0xF0, 0xFD)
    };
    let stroke = if is_error {
        Color32::from_rgb(0xC0, 0x39, 0x2B)
    } else {
        Color32::from_rgb(0x2E, 0x6D, 0xB4)
    };
    egui::Frame::new()
        .fill(fill)
        .stroke(egui::Stroke::new(1.0, stroke))
        .inner_margin(8.0)
        .outer_margin(6.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(Color32::from_rgb(0x33, 0x22, 0x22), text)
                    .widget_info(|| WidgetInfo::labeled(Role::Alert, true, text));
                if let Some(when) = banner.restore
                    && ui
                        .button(app.t().restore_backup_from(&crate::store::local_time(when)))
                        .clicked()
                {
                    app.push(Command::RestoreBackup);
                }
                if ui.button(app.t().dismiss).clicked() {
                    app.push(Command::DismissBanner);
                }
            });
        });
}

/// The scrolling body text.
fn body_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let Some(doc) = app.current.as_ref() else {
        return;
    };
    let metrics = Metrics::new(app.settings.zoom);
    let pal = palette(app.settings.theme);
    let avail = ui.available_width();
    let column = (MEASURE_EM * metrics.body_px).min((avail - 48.0).max(120.0));
    let margin_x = ((avail - column) / 2.0).max(12.0);
    let key = LayoutKey {
        doc: Arc::as_ptr(&doc.doc) as usize,
        wrap_px: column.round(),
        zoom: app.settings.zoom,
        official: app.settings.official_style,
        hide_boilerplate: app.settings.hide_boilerplate,
    };
    let style = Style {
        metrics: &metrics,
        palette: pal,
        official: app.settings.official_style,
        wrap_px: column.round(),
    };
    let reader = &mut app.reader;
    reader.prepare(doc, key, &metrics);
    if reader.blocks.is_empty() {
        return;
    }

    // Measure the blocks around the view (before it is shown, so nothing visible moves).
    let painter = ui.painter().clone();
    let measure = |reader: &mut ReaderView, i: usize| -> f32 {
        if reader.index.is_exact(i) {
            return 0.0;
        }
        let block = reader.blocks[i];
        let galley = block_galley(&painter, doc, &block, reader.mixed_heading[i], &style);
        let (above, below) = metrics.gaps(block.kind);
        reader.index.set_exact(i, above + galley.size().y + below)
    };
    let mut offset = reader.offset;
    if let Some(pos) = reader.pending_jump.take() {
        // A jump lands exactly: wheel movement still being smoothed does not carry it off.
        ui.input_mut(|i| i.smooth_scroll_delta = Vec2::ZERO);
        let b = reader.block_of_char(pos);
        measure(reader, b);
        let block = reader.blocks[b];
        let galley = block_galley(&painter, doc, &block, reader.mixed_heading[b], &style);
        let in_block = pos.saturating_sub(first_shown_char(doc, &block));
        let row_y = galley
            .pos_from_cursor(egui::text::CCursor::new(in_block))
            .min
            .y;
        let row_y = if in_block == 0 {
            0.0
        } else {
            row_y + metrics.gaps(block.kind).0
        };
        let margin = std::mem::take(&mut reader.jump_margin);
        offset = (reader.index.top(b) + row_y - margin).max(0.0);
        reader.anchor = Some((b, row_y));
        reader.jump_hold = (margin == 0.0).then_some((pos, offset, None));
    } else if let Some((a, within)) = reader.anchor {
        // Keep the anchor block where it was while blocks above it get measured.
        let rows = (reader.viewport_height / (metrics.body_px * LINE_HEIGHT)).ceil() as usize + 2;
        let from = a.saturating_sub(PREMEASURE_PER_FRAME / 2);
        for i in from..(a + rows + PREMEASURE_PER_FRAME / 2).min(reader.blocks.len()) {
            measure(reader, i);
        }
        let expected = reader.index.top(a) + within;
        if (expected - offset).abs() > 0.5 && (offset - reader.offset).abs() < 0.5 {
            offset = expected;
        }
    }

    let surface_id = ui.make_persistent_id("reader-surface");
    let (page_keys, heading_step) = reader_keys(ui, surface_id);
    let line = metrics.body_px * LINE_HEIGHT;
    let page = (reader.viewport_height - line).max(line);
    offset += reader.autoscroll;
    match page_keys {
        Some(Scroll::Lines(n)) => offset += n * line,
        Some(Scroll::Pages(n)) => offset += n * page,
        Some(Scroll::Home) => offset = 0.0,
        Some(Scroll::End) => offset = reader.index.total(),
        None => {}
    }
    // The scroll area cannot go past the end; asking it to makes it spring back.
    let total = reader.index.total();
    offset = offset.clamp(0.0, (total - reader.viewport_height).max(0.0));

    let area = ScrollArea::vertical()
        .id_salt("reader-scroll")
        .auto_shrink([false, false])
        .vertical_scroll_offset(offset);
    let mark_style = MarkStyle {
        set: &doc.notes.set,
        selection: reader.selection(),
        selected: doc.selected,
        flash: app.notes_view.flashing(ui.input(|i| i.time)),
        theme: app.settings.theme,
        matches: if app.find.open {
            app.find.matches.as_slice()
        } else {
            &[]
        },
        current_match: app
            .find
            .current
            .and_then(|i| app.find.matches.get(i).copied())
            .filter(|_| app.find.open),
    };
    if mark_style.flash.is_some() {
        ui.ctx().request_repaint();
    }
    let mut shown: Vec<Shown> = Vec::new();
    let mut markers: Vec<Marker> = Vec::new();
    let mut toolbar_anchor: Option<Rect> = None;
    let output = area.show_viewport(ui, |ui, viewport| {
        ui.set_height(reader.index.total());
        let origin = ui.max_rect().left_top();
        let first = reader.index.block_at(viewport.min.y);
        let mut i = first;
        while i < reader.blocks.len() {
            measure(reader, i);
            let top = reader.index.top(i);
            if top > viewport.max.y {
                break;
            }
            let block = reader.blocks[i];
            let galley = block_galley(&painter, doc, &block, reader.mixed_heading[i], &style);
            let (above, _) = metrics.gaps(block.kind);
            let pos = origin + Vec2::new(margin_x, top + above);
            let rect = Rect::from_min_size(pos, Vec2::new(style.wrap_px, galley.size().y));
            // A centred galley is laid out around x = 0.
            let pos = if galley.job.halign == Align::Center {
                pos + Vec2::new(style.wrap_px / 2.0, 0.0)
            } else {
                pos
            };
            let text = galley.text().to_owned();
            let placed = Shown {
                galley_pos: pos,
                chars: text.chars().count(),
                galley: galley.clone(),
                text_start: first_shown_char(doc, &block),
                rect: Rect::from_min_size(
                    origin + Vec2::new(margin_x, top),
                    Vec2::new(style.wrap_px, reader.index.top(i + 1) - top),
                ),
                size_px: metrics.size_of(block.kind, !reader.mixed_heading[i]),
            };
            if let Some(r) =
                marks::paint_block_marks(ui.painter(), &placed, &mark_style, &mut markers)
            {
                toolbar_anchor = Some(r);
            }
            shown.push(placed);
            ui.painter().galley(pos, galley, pal.text);
            let id = ui.make_persistent_id(("block", block.line));
            let response = ui.interact(rect, id, Sense::hover());
            let role = match block.kind {
                BlockKind::Heading(_) | BlockKind::Title => Role::Heading,
                _ => Role::Paragraph,
            };
            response.widget_info(|| WidgetInfo::labeled(role, true, &text));
            i += 1;
        }
        first
    });
    let viewport_rect = output.inner_rect;
    let surface = ui.interact(viewport_rect, surface_id, Sense::click_and_drag());
    surface.widget_info(|| WidgetInfo::labeled(Role::Document, true, app.t().reader));
    if surface.clicked() || surface.drag_started() {
        surface.request_focus();
    }
    if app.focus_request == Some(FocusArea::Reader) {
        surface.request_focus();
    }
    if surface.has_focus() {
        app.focus = FocusArea::Reader;
        crate::app::keep_arrow_keys(ui, surface.id);
    }
    if app.find.open && !app.find.matches.is_empty() {
        scroll_bar_marks(
            ui,
            &mut app.reader,
            viewport_rect,
            &app.find.matches,
            app.find.generation,
        );
    }
    let mut commands = Vec::new();
    let scene = Scene {
        t: app.t(),
        doc,
        shown: &shown,
        viewport: viewport_rect,
        selected: doc.selected,
        last_color: app.settings.highlight_color,
        surface: surface_id,
        find_open: app.find.open,
    };
    let reader = &mut app.reader;
    pointer_ui(ui, &surface, &scene, reader, &mut commands);
    note_tooltips(ui, &surface, &scene, &markers);
    context_menu_ui(ui, &surface, &scene, reader, &mut commands);
    mark_keys(ui, surface_id, &scene, reader, &mut commands);
    if !reader.dragging {
        toolbar_ui(ui, &scene, toolbar_anchor, reader, &mut commands);
    }

    let reader = &mut app.reader;
    reader.visible = match (shown.first(), shown.last()) {
        (Some(a), Some(b)) => Some(TextRange::new(a.text_start, b.range().end)),
        _ => None,
    };
    reader.last_shown = shown;
    reader.offset = output.state.clamped_offset().y;
    reader.viewport_height = viewport_rect.height();
    let first = output.inner;
    let a = reader
        .index
        .block_at(reader.offset)
        .max(first.min(reader.blocks.len().saturating_sub(1)));
    let a = if reader.index.top(a) > reader.offset {
        a.saturating_sub(1)
    } else {
        a
    };
    let within = reader.offset - reader.index.top(a);
    reader.anchor = Some((a, within));
    let block = reader.blocks[a];
    let galley = block_galley(&painter, doc, &block, reader.mixed_heading[a], &style);
    let (above, _) = metrics.gaps(block.kind);
    let cursor = galley.cursor_from_pos(Vec2::new(0.0, (within - above).max(0.0) + 1.0));
    reader.top_char = Some((first_shown_char(doc, &block) + cursor.index.0).min(block.range.end));
    // The offset the jump settled at (known after its frame) holds until the reader scrolls.
    match reader.jump_hold {
        // Near the end the view cannot scroll far enough: then the row at the top counts.
        Some((pos, wanted, None)) if (wanted - reader.offset).abs() < 1.0 => {
            reader.jump_hold = Some((pos, wanted, Some(reader.offset)));
            reader.top_char = Some(pos);
        }
        Some((pos, _, Some(at))) if (at - reader.offset).abs() < 1.0 => reader.top_char = Some(pos),
        _ => reader.jump_hold = None,
    }

    if let Some(step) = heading_step
        && let Some(top) = reader.top_char
    {
        let mut headings = doc
            .outline
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind == NodeKind::Heading);
        let target = if step > 0 {
            headings
                .clone()
                .find(|(_, n)| n.range.start > top + 1)
                .map(|(i, _)| i)
        } else {
            headings
                .rfind(|(_, n)| n.range.start + 1 < top)
                .map(|(i, _)| i)
        };
        if let Some(i) = target {
            commands.push(Command::JumpToNode(i));
        }
    }
    for c in commands {
        app.push(c);
    }
}

/// A scroll the keyboard asks for.
enum Scroll {
    Lines(f32),
    Pages(f32),
    Home,
    End,
}

/// Reader keys: when the body has focus, or nothing has (a focused button, checkbox or text
/// field keeps its Space, Home and End).
fn reader_keys(ui: &Ui, surface: egui::Id) -> (Option<Scroll>, Option<i32>) {
    let focused = ui.memory(|m| m.focused());
    if focused.is_some_and(|f| f != surface) {
        return (None, None);
    }

    ui.input_mut(|i| {
        let alt_up = i.consume_key(Modifiers::ALT, Key::ArrowUp);
        let alt_down = i.consume_key(Modifiers::ALT, Key::ArrowDown);
        let heading = if alt_up {
            Some(-1)
        } else if alt_down {
            Some(1)
        } else {
            None
        };
        let scroll = if i.consume_key(Modifiers::SHIFT, Key::Space)
            || i.consume_key(Modifiers::NONE, Key::PageUp)
        {
            Some(Scroll::Pages(-1.0))
        } else if i.consume_key(Modifiers::NONE, Key::Space)
            || i.consume_key(Modifiers::NONE, Key::PageDown)
        {
            Some(Scroll::Pages(1.0))
        } else if i.consume_key(Modifiers::NONE, Key::Home)
            || i.consume_key(Modifiers::COMMAND, Key::Home)
        {
            Some(Scroll::Home)
        } else if i.consume_key(Modifiers::NONE, Key::End)
            || i.consume_key(Modifiers::COMMAND, Key::End)
        {
            Some(Scroll::End)
        } else if i.consume_key(Modifiers::NONE, Key::ArrowDown) {
            Some(Scroll::Lines(1.0))
        } else if i.consume_key(Modifiers::NONE, Key::ArrowUp) {
            Some(Scroll::Lines(-1.0))
        } else {
            None
        };
        (scroll, heading)
    })
}

/// The command that replaces `a` by a copy changed by `change` (one undoable step).
pub(crate) fn changed(
    a: &crate::annotate::Annotation,
    change: impl FnOnce(&mut crate::annotate::Annotation),
) -> Command {
    let mut new = a.clone();
    change(&mut new);
    Command::UpdateAnnotation(new)
}

/// Fill ↔ underline.
pub(crate) fn toggle_underline(a: &mut crate::annotate::Annotation) {
    a.mark = match a.mark {
        Mark::Fill => Mark::Underline,
        Mark::Underline => Mark::Fill,
    };
}

/// What the pointer, key and toolbar handlers of one frame look at.
#[derive(Clone, Copy)]
struct Scene<'a> {
    t: &'static super::i18n::Strings,
    doc: &'a OpenDocument,
    /// The blocks on screen.
    shown: &'a [Shown],
    /// The visible body (screen).
    viewport: Rect,
    /// The selected annotation.
    selected: Option<AnnotationId>,
    /// The colour H uses.
    last_color: Color,
    /// The text surface (gets the keyboard back after a toolbar click).
    surface: egui::Id,
    /// Whether the find bar is open (Escape closes it).
    find_open: bool,
}

/// Mouse selection: drag (scrolling past the edges), Shift+click to extend, double click for
/// a word-sized run, triple click for a sentence, Alt+click to highlight a sentence, click
/// on a highlight to select it.
fn pointer_ui(
    ui: &Ui,
    surface: &egui::Response,
    scene: &Scene,
    reader: &mut ReaderView,
    commands: &mut Vec<Command>,
) {
    let (viewport, shown, doc) = (scene.viewport, scene.shown, scene.doc);
    let (pointer, press, modifiers) = ui.input(|i| {
        (
            i.pointer.interact_pos(),
            i.pointer.press_origin(),
            i.modifiers,
        )
    });
    let clamp = |p: egui::Pos2| {
        egui::Pos2::new(
            p.x.clamp(viewport.left(), viewport.right()),
            p.y.clamp(viewport.top() + 1.0, viewport.bottom() - 1.0),
        )
    };
    let hit = |p: egui::Pos2| marks::char_at(shown, clamp(p));
    if surface.drag_started()
        && let Some(start) = press.and_then(hit)
    {
        let anchor = match reader.selection {
            Some((anchor, _)) if modifiers.shift => anchor,
            _ if modifiers.shift => reader.caret.unwrap_or(start),
            _ => start,
        };
        reader.selection = Some((anchor, start));
        reader.dragging = true;
        commands.push(Command::SelectAnnotation(None));
    }
    if reader.dragging
        && surface.dragged()
        && let Some(p) = pointer
    {
        if let Some(head) = hit(p)
            && let Some((anchor, _)) = reader.selection
        {
            reader.selection = Some((anchor, head));
        }
        // Past an edge: scroll, faster the further out.
        let over = if p.y < viewport.top() {
            p.y - viewport.top()
        } else if p.y > viewport.bottom() {
            p.y - viewport.bottom()
        } else {
            0.0
        };
        reader.autoscroll = (over * 0.5).clamp(-60.0, 60.0);
        if reader.autoscroll != 0.0 {
            ui.ctx().request_repaint();
        }
    }
    if surface.drag_stopped() || (reader.dragging && !surface.dragged()) {
        reader.dragging = false;
        reader.autoscroll = 0.0;
        if reader.selection().is_none() {
            reader.selection = None;
        }
    }
    let Some(at) = pointer.filter(|p| viewport.contains(*p)).and_then(hit) else {
        return;
    };
    if surface.triple_clicked() {
        if let Some(range) = crate::annotate::units::sentence_at(&doc.doc, at) {
            reader.select(range);
        }
    } else if surface.double_clicked() {
        if let Some(range) = crate::annotate::units::word_at(&doc.doc, at) {
            reader.select(range);
        }
    } else if surface.clicked() {
        if modifiers.alt {
            commands.push(Command::HighlightSentence(at));
        } else if modifiers.shift {
            let anchor = reader
                .selection
                .map(|(a, _)| a)
                .or(reader.caret)
                .unwrap_or(at);
            reader.selection = Some((anchor, at));
        } else {
            reader.selection = None;
            reader.caret = Some(at);
            let on = doc.notes.set.highlight_at(at).map(|a| a.id);
            commands.push(Command::SelectAnnotation(on));
        }
    }
}

/// Hovering a note marker, or a highlight with a note, shows the note.
fn note_tooltips(ui: &Ui, surface: &egui::Response, scene: &Scene, markers: &[Marker]) {
    let (shown, doc) = (scene.shown, scene.doc);
    if !surface.hovered() {
        return;
    }
    let Some(p) = ui.input(|i| i.pointer.hover_pos()) else {
        return;
    };
    let id = markers
        .iter()
        .find(|m| m.rect.expand(3.0).contains(p))
        .map(|m| m.id)
        .or_else(|| {
            let block = shown.iter().find(|s| s.rect.contains(p))?;
            let at = block.char_at(p);
            let a = doc.notes.set.highlight_at(at)?;
            // Only when the pointer is really over the highlighted text.
            block
                .rects(a.range)
                .iter()
                .any(|r| r.contains(p))
                .then_some(a.id)
        });
    let Some(a) = id.and_then(|id| doc.notes.set.get(id)) else {
        return;
    };
    if a.note.trim().is_empty() {
        return;
    }
    let note = a.note.clone();
    surface.clone().on_hover_ui_at_pointer(|ui| {
        ui.set_max_width(360.0);
        ui.label(note);
    });
}

/// Right click: on a highlight, its actions; elsewhere, copy / highlight the selection.
fn context_menu_ui(
    ui: &Ui,
    surface: &egui::Response,
    scene: &Scene,
    reader: &mut ReaderView,
    commands: &mut Vec<Command>,
) {
    let (t, doc, shown, color) = (scene.t, scene.doc, scene.shown, scene.last_color);
    if surface.secondary_clicked() {
        let at = ui
            .input(|i| i.pointer.interact_pos())
            .and_then(|p| marks::char_at(shown, p));
        reader.context_target = at
            .and_then(|at| doc.notes.set.highlight_at(at))
            .map(|a| a.id);
        if let Some(id) = reader.context_target {
            commands.push(Command::SelectAnnotation(Some(id)));
        }
    }
    let target = reader.context_target.and_then(|id| doc.notes.set.get(id));
    let selection = reader.selection();
    surface.context_menu(|ui| {
        if let Some(a) = target {
            ui.horizontal(|ui| {
                for c in Color::ALL {
                    let label = format!("{}{}", t.change_to, t.color_name(c));
                    let dot = ui.add(egui::Button::new(
                        egui::RichText::new("●").color(super::theme::highlight_ink(c)),
                    ));
                    dot.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
                    if dot.on_hover_text(&label).clicked() {
                        commands.push(changed(a, |x| x.color = c));
                        ui.close();
                    }
                }
            });
            let underline = a.mark == Mark::Underline;
            if ui
                .button(if underline { t.fill } else { t.underline })
                .clicked()
            {
                commands.push(changed(a, toggle_underline));
                ui.close();
            }
            super::annotations_panel::annotation_menu_items(ui, t, a, commands);
        } else {
            if let Some(range) = selection {
                let highlight = |open_note| Command::Highlight {
                    range,
                    color,
                    mark: Mark::Fill,
                    open_note,
                };
                // The text is copied out only when asked (a selection can be the whole book).
                if ui.button(t.copy).clicked() {
                    commands.push(Command::Copy(marks::copy_text(&doc.doc, range)));
                    ui.close();
                }
                menu_item(ui, t.highlight, highlight(false), commands);
                menu_item(ui, t.add_note, highlight(true), commands);
            }
            if ui.button(t.select_all).clicked() {
                reader.select(TextRange::new(0, doc.doc.char_count));
                ui.close();
            }
        }
    });
}

/// Keys for selections and highlights (when the text or nothing has focus): H highlights
/// in the last colour, 1–5 in a colour (or recolour the selected highlight), U underlines,
/// N opens a note, Delete removes the selected highlight, Ctrl+A selects all, Ctrl+C
/// copies, Escape lets go.
fn mark_keys(
    ui: &Ui,
    surface: egui::Id,
    scene: &Scene,
    reader: &mut ReaderView,
    commands: &mut Vec<Command>,
) {
    let (doc, selected, last_color) = (scene.doc, scene.selected, scene.last_color);
    if ui.memory(|m| m.focused()).is_some_and(|f| f != surface) {
        return;
    }
    let selection = reader.selection();
    let annotation = selected.and_then(|id| doc.notes.set.get(id));
    let copy_event = ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Copy)));
    ui.input_mut(|i| {
        if i.consume_key(Modifiers::COMMAND, Key::A) {
            reader.select(TextRange::new(0, doc.doc.char_count));
            return;
        }
        if copy_event || i.consume_key(Modifiers::COMMAND, Key::C) {
            if let Some(range) = selection {
                commands.push(Command::Copy(marks::copy_text(&doc.doc, range)));
            } else if let Some(a) = annotation {
                commands.push(Command::Copy(a.quote.clone()));
            }
            return;
        }
        let digit = [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5]
            .iter()
            .position(|&k| i.consume_key(Modifiers::NONE, k))
            .map(|n| Color::ALL[n]);
        if let Some(range) = selection {
            let highlight = |color, mark, open_note| Command::Highlight {
                range,
                color,
                mark,
                open_note,
            };
            if let Some(color) = digit {
                commands.push(highlight(color, Mark::Fill, false));
            } else if i.consume_key(Modifiers::NONE, Key::H) {
                commands.push(highlight(last_color, Mark::Fill, false));
            } else if i.consume_key(Modifiers::NONE, Key::U) {
                commands.push(highlight(last_color, Mark::Underline, false));
            } else if i.consume_key(Modifiers::NONE, Key::N) {
                commands.push(highlight(last_color, Mark::Fill, true));
            } else if i.consume_key(Modifiers::NONE, Key::Escape) {
                reader.clear_selection();
            }
        } else if let Some(a) = annotation {
            if let Some(color) = digit
                && a.color != color
            {
                commands.push(changed(a, |x| x.color = color));
            } else if i.consume_key(Modifiers::NONE, Key::U) {
                commands.push(changed(a, toggle_underline));
            } else if i.consume_key(Modifiers::NONE, Key::N) {
                commands.push(Command::EditNote(a.id));
            } else if i.consume_key(Modifiers::NONE, Key::Delete)
                || i.consume_key(Modifiers::NONE, Key::Backspace)
            {
                commands.push(Command::DeleteAnnotation(a.id));
            } else if i.consume_key(Modifiers::NONE, Key::Escape) {
                commands.push(Command::SelectAnnotation(None));
            }
        } else if scene.find_open && i.consume_key(Modifiers::NONE, Key::Escape) {
            commands.push(Command::CloseFind);
        }
    });
}

/// The small floating toolbar by a selection (colours, underline, note, copy) or by the
/// selected highlight (colours, underline, note, copy, delete).
fn toolbar_ui(
    ui: &Ui,
    scene: &Scene,
    selection_rect: Option<Rect>,
    reader: &ReaderView,
    commands: &mut Vec<Command>,
) {
    let Scene {
        t,
        doc,
        shown,
        viewport,
        selected,
        last_color,
        surface,
        ..
    } = *scene;
    let before = commands.len();
    // What the toolbar acts on: the selected text, else the selected highlight.
    enum Target<'a> {
        Text(TextRange),
        Mark(&'a crate::annotate::Annotation),
    }
    let target = match (
        reader.selection(),
        selected.and_then(|id| doc.notes.set.get(id)),
    ) {
        (Some(range), _) => Target::Text(range),
        (None, Some(a)) if a.kind == crate::annotate::Kind::Highlight => Target::Mark(a),
        _ => return,
    };
    let anchor = match target {
        Target::Text(_) => selection_rect,
        Target::Mark(a) => shown.iter().flat_map(|s| s.rects(a.range)).last(),
    };
    let Some(anchor) = anchor.filter(|r| viewport.intersects(*r)) else {
        return;
    };
    let width = 300.0;
    let x = anchor
        .right()
        .min(viewport.right() - width)
        .max(viewport.left());
    let y = if anchor.bottom() + 44.0 < viewport.bottom() {
        anchor.bottom() + 6.0
    } else {
        (anchor.top() - 44.0).max(viewport.top())
    };
    let highlight = |range, color, mark, open_note| Command::Highlight {
        range,
        color,
        mark,
        open_note,
    };
    egui::Area::new(ui.scope_id().with("selection-toolbar"))
        .order(egui::Order::Foreground)
        .fixed_pos(egui::pos2(x, y))
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    for (n, c) in Color::ALL.into_iter().enumerate() {
                        let (label, on) = match target {
                            Target::Mark(a) => {
                                (format!("{}{}", t.change_to, t.color_name(c)), a.color == c)
                            }
                            Target::Text(_) => {
                                (format!("{}{}", t.highlight_in, t.color_name(c)), false)
                            }
                        };
                        let text = egui::RichText::new(if on { "◎" } else { "●" })
                            .size(18.0)
                            .color(super::theme::highlight_ink(c));
                        let dot = ui.add(egui::Button::new(text).frame(false));
                        dot.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
                        if dot.on_hover_text(format!("{label} ({})", n + 1)).clicked() {
                            commands.push(match target {
                                Target::Text(r) => highlight(r, c, Mark::Fill, false),
                                Target::Mark(a) => changed(a, |x| x.color = c),
                            });
                        }
                    }
                    ui.separator();
                    let underline = matches!(target, Target::Mark(a) if a.mark == Mark::Underline);
                    if ui
                        .selectable_label(underline, t.underline)
                        .on_hover_text("U")
                        .clicked()
                    {
                        commands.push(match target {
                            Target::Text(r) => highlight(r, last_color, Mark::Underline, false),
                            Target::Mark(a) => changed(a, toggle_underline),
                        });
                    }
                    if ui.button(t.note).on_hover_text("N").clicked() {
                        commands.push(match target {
                            Target::Text(r) => highlight(r, last_color, Mark::Fill, true),
                            Target::Mark(a) => Command::EditNote(a.id),
                        });
                    }
                    if ui.button(t.copy).on_hover_text("Ctrl+C").clicked() {
                        commands.push(Command::Copy(match target {
                            Target::Text(r) => marks::copy_text(&doc.doc, r),
                            Target::Mark(a) => a.quote.clone(),
                        }));
                    }
                    if let Target::Mark(a) = target
                        && ui.button(t.delete).on_hover_text("Delete").clicked()
                    {
                        commands.push(Command::DeleteAnnotation(a.id));
                    }
                });
            });
        });
    // The keys (H, 1–5, N…) keep working after a click on the toolbar.
    if commands.len() > before {
        ui.memory_mut(|m| m.request_focus(surface));
    }
}

/// Small marks on the right edge of the text for every find match, where the scroll bar
/// would show it.
fn scroll_bar_marks(
    ui: &Ui,
    reader: &mut ReaderView,
    viewport: Rect,
    matches: &[TextRange],
    generation: u64,
) {
    let total = reader.index.total().max(1.0);
    let key = (generation, total as u32, viewport.height() as u32);
    if reader.ticks.as_ref().is_none_or(|(k, _)| *k != key) {
        let mut ys: Vec<f32> = Vec::new();
        for m in matches {
            let b = reader.block_of_char(m.start);
            let y = (reader.index.top(b) / total * viewport.height()).round();
            if ys.last() != Some(&y) {
                ys.push(y);
            }
        }
        reader.ticks = Some((key, ys));
    }
    let Some((_, ys)) = &reader.ticks else {
        return;
    };
    let x = viewport.right() - 3.0;
    let painter = ui.painter();
    let color = egui::Color32::from_rgb(0xFF, 0x8C, 0x00);
    for &y in ys {
        let y = viewport.top() + y;
        painter.line_segment(
            [egui::pos2(x - 7.0, y), egui::pos2(x, y)],
            egui::Stroke::new(2.0, color),
        );
    }
}
