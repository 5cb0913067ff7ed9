//! The body: paragraphs typeset in the bundled CJK font, virtualised by paragraph.
//!
//! Only the paragraphs in view are laid out, and their galleys are kept between frames
//! ([`layout::GalleyCache`]); every other paragraph has an estimated height in a
//! [`HeightIndex`] until it is first measured. Measuring happens before the scroll area is
//! shown, and a block measured above the paragraph at the top of the view moves the scroll
//! offset by the same amount, so the text under the reader's eyes never jumps. The blocks of
//! a large document are found on a worker thread, so opening it never holds a frame.
//!
//! Modules: `layout` (typesetting and the galley cache), `layout_index` (blocks and their
//! heights), `scroll` (keys that scroll, scroll-bar marks), `input` (pointer, context menu,
//! keys on the text), `toolbar` (the floating toolbar), `marks` (what is painted over).

mod input;
pub mod layout;
pub mod layout_index;
pub mod marks;
mod scroll;
mod toolbar;

use crate::session::task::Task;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::emath::GuiRounding as _;
use egui::{Align, Color32, Galley, Rect, Role, ScrollArea, Sense, Ui, Vec2, WidgetInfo};

use super::theme::palette;
use super::{Command, FocusArea, OpenDocument, PizhuApp};
use crate::annotate::AnnotationId;
use crate::document::TextRange;
use crate::outline::NodeKind;
use crate::session::Action as Act;
use input::Scene;
pub use input::note_tooltip_id;
pub use layout::{BODY_PX, LINE_HEIGHT, MEASURE_EM, Metrics};
use layout::{
    BlockSet, GalleyCache, GalleyKey, LayoutKey, Style, block_galley, estimate_for,
    first_shown_char,
};
use layout_index::{Block, BlockKind, HeightIndex};
use marks::{MarkStyle, Marker, Shown};
use scroll::Scroll;
pub use toolbar::toolbar_id;
pub(crate) use toolbar::{changed, toggle_underline};

/// Paragraphs measured around those in view (half above, half below), so they are exact
/// before they show; as many as the frame has room for.
const PREMEASURE_PER_FRAME: usize = 24;
/// Documents with more chars than this get their blocks on a worker thread.
const BLOCKS_IN_BACKGROUND_CHARS: usize = 500_000;
/// How often the body looks for blocks being built (the worker also wakes the window).
const BLOCKS_POLL: Duration = Duration::from_millis(100);

/// The reader's state between frames.
#[derive(Default)]
pub struct ReaderView {
    key: Option<LayoutKey>,
    /// The last frame left part of the screen to the next (which then draws it all).
    deferred: bool,
    /// Frames drawn since the layout changed: only the first may leave part of the screen
    /// for later (egui finds what a click hits in the frame before it: every later frame
    /// draws all it shows, so no click is lost).
    frames_since_layout: u32,
    blocks: Vec<Block>,
    index: HeightIndex,
    /// Which blocks are headings whose title is only their first sentence.
    mixed_heading: Vec<bool>,
    /// The chars of each kind of block ([`layout::BlockSet::chars_by_kind`]).
    chars_by_kind: Vec<((BlockKind, bool), Vec<char>)>,
    /// The glyphs to draw ahead, by font, for the galley key they are for, and how many
    /// are drawn.
    warm: Option<(GalleyKey, WarmPlan, usize)>,
    /// Each block's text width in ems (for height estimates).
    widths_em: Vec<f32>,
    /// The (document, hide boilerplate) the blocks are for.
    blocks_key: Option<(crate::session::DocId, bool)>,
    /// Blocks being built on a worker thread, and what for.
    building: Option<((crate::session::DocId, bool), Task<Prepared>)>,
    /// The galleys of recently shown blocks.
    galleys: GalleyCache,
    /// When this frame began (`PizhuApp::show`): laying out ahead stops when the frame has
    /// already had its share.
    frame_started: Option<Instant>,
    /// The highlights and note markers of recently shown blocks, tessellated.
    marks: marks::MarkCache,
    /// Scroll offset after the last frame.
    offset: f32,
    viewport_height: f32,
    /// Where the text was shown in the last frame (screen).
    view_rect: Option<Rect>,
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
    /// The char that was right-clicked (its line is what the outline items correct).
    context_at: Option<usize>,
    /// The blocks on screen in the last frame.
    last_shown: Vec<Shown>,
    /// Find-match marks on the scroll bar: (for matches generation, content height,
    /// track height) and their y offsets in the track.
    ticks: Option<((u64, u32, u32), Vec<f32>)>,
}

impl ReaderView {
    /// The outline changed (a correction): the blocks and their heading styles are made
    /// anew, and the view stays where it is.
    pub fn outline_changed(&mut self) {
        if self.pending_jump.is_none() {
            self.pending_jump = self.top_char;
        }
        self.key = None;
        self.blocks_key = None;
        self.galleys = GalleyCache::default();
        self.marks.clear();
    }

    /// Bring `pos` (a char offset) to the top of the view on the next frame.
    pub fn jump_to_char(&mut self, pos: usize) {
        self.pending_jump = Some(pos);
    }

    /// Bring `pos` into view, a little below the top, unless it is already in view.
    pub fn reveal_char(&mut self, pos: usize) {
        // Well in view: its line is on screen, not at the top edge nor in the bottom fifth
        // (a block merely touching the view is not enough: its char may be below the edge).
        let in_view = self.pending_jump.is_none()
            && self
                .view_rect
                .zip(self.char_rect(pos))
                .is_some_and(|(v, r)| {
                    r.top() >= v.top() + v.height() * 0.05
                        && r.bottom() <= v.bottom() - v.height() * 0.2
                });
        if !in_view {
            self.pending_jump = Some(pos);
            self.jump_margin = (self.viewport_height / 4.0).max(0.0);
        }
    }

    /// Where char `pos` was drawn in the last frame (screen), if it was.
    pub fn char_rect(&self, pos: usize) -> Option<Rect> {
        let range = TextRange::new(pos, pos + 1);
        self.last_shown
            .iter()
            .find(|s| s.range().start <= pos && pos < s.range().end)
            .and_then(|s| s.rects(range).into_iter().next())
    }

    /// Where the chars of `range` were drawn in the last frame (screen), one rect per row.
    pub fn range_rects(&self, range: TextRange) -> Vec<Rect> {
        self.last_shown
            .iter()
            .flat_map(|s| s.rects(range))
            .collect()
    }

    /// Where the text was shown in the last frame (screen).
    pub fn view_rect(&self) -> Option<Rect> {
        self.view_rect
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

    /// Time the last frame spent laying out paragraphs (those shown and those ahead) and
    /// making highlights, and how many blocks' marks were made since the reader began
    /// (benchmarks: what a slow frame did).
    pub fn last_frame_work(&self) -> (Duration, Duration, u64) {
        (self.galleys.spent(), self.marks.spent(), self.marks.made())
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
    /// False while the blocks are still being built (nothing to show yet).
    fn prepare(
        &mut self,
        doc: &OpenDocument,
        key: LayoutKey,
        metrics: &Metrics,
        ctx: &egui::Context,
    ) -> bool {
        if self.key == Some(key) {
            return true;
        }
        if self.key.is_some() && self.pending_jump.is_none() {
            self.pending_jump = self.top_char;
        }
        // Blocks and their text widths depend on the document and the boilerplate switch
        // only; a new width or zoom just redoes the arithmetic below.
        let blocks_key = (key.doc, key.hide_boilerplate);
        if self.blocks_key != Some(blocks_key) {
            let Some(ready) = self.take_blocks(doc, blocks_key, key, *metrics, ctx) else {
                // Until they come, nothing of the old layout is shown or hit.
                self.key = None;
                self.blocks.clear();
                self.index = HeightIndex::default();
                self.last_shown.clear();
                self.visible = None;
                self.anchor = None;
                return false;
            };
            let Prepared { set, index } = ready;
            self.blocks = set.blocks;
            self.marks.clear();
            self.mixed_heading = set.mixed_heading;
            self.chars_by_kind = set.chars_by_kind;
            self.warm = None;
            self.widths_em = set.widths_em;
            self.hidden_lines = set.hidden_lines;
            self.blocks_key = Some(blocks_key);
            if let Some((for_key, index)) = index
                && for_key == key
            {
                // Estimated on the worker for this very layout: nothing left to do here.
                self.index = index;
                self.frames_since_layout = 0;
                self.key = Some(key);
                self.anchor = None;
                return true;
            }
        }
        self.index = HeightIndex::new(estimates(
            &self.blocks,
            &self.mixed_heading,
            &self.widths_em,
            metrics,
            key.wrap_px,
        ));
        self.frames_since_layout = 0;
        self.key = Some(key);
        self.anchor = None;
        true
    }

    /// The blocks for `blocks_key`: built here for a small document; for a large one, started
    /// on a worker thread (with the height estimates for `key`, a million blocks' worth of
    /// arithmetic kept out of the frame) and `None` until it is done.
    fn take_blocks(
        &mut self,
        doc: &OpenDocument,
        blocks_key: (crate::session::DocId, bool),
        key: LayoutKey,
        metrics: Metrics,
        ctx: &egui::Context,
    ) -> Option<Prepared> {
        let hide = blocks_key.1;
        if doc.doc.char_count <= BLOCKS_IN_BACKGROUND_CHARS {
            self.building = None;
            let set = BlockSet::build(&doc.doc, &doc.outline, hide);
            return Some(Prepared { set, index: None });
        }
        if let Some((k, task)) = &mut self.building
            && *k == blocks_key
        {
            if let Some(ready) = task.poll() {
                self.building = None;
                return Some(ready);
            }
            if task.lost() {
                // The worker died: build here rather than show nothing.
                self.building = None;
                let set = BlockSet::build(&doc.doc, &doc.outline, hide);
                return Some(Prepared { set, index: None });
            }
            ctx.request_repaint_after(BLOCKS_POLL);
            return None;
        }
        let (text, outline) = (Arc::clone(&doc.doc), Arc::clone(&doc.outline));
        let work = move || {
            let set = BlockSet::build(&text, &outline, hide);
            let heights = estimates(
                &set.blocks,
                &set.mixed_heading,
                &set.widths_em,
                &metrics,
                key.wrap_px,
            );
            Prepared {
                set,
                index: Some((key, HeightIndex::new(heights))),
            }
        };
        match Task::spawn("reader-blocks", Some(super::waker(ctx)), work) {
            Ok(task) => {
                self.building = Some((blocks_key, task));
                ctx.request_repaint_after(BLOCKS_POLL);
                None
            }
            Err(_) => {
                let set = BlockSet::build(&doc.doc, &doc.outline, hide);
                Some(Prepared { set, index: None })
            }
        }
    }

    /// Draw the document's glyphs ahead while any are left ([`Self::warm_glyphs`]), then
    /// lay out the galleys the reader may ask for next — a screen below the view and one
    /// above (the wheel, PageDown, PageUp) and the document's first and last screens (Home,
    /// End) — nearest first, while the frame has room for them (see [`AHEAD_UNTIL`]); the
    /// rest in the next frames (see [`Self::has_room`]). Those already kept count as used,
    /// so they stay kept. Then the highlights of the screen below. Heights are not measured
    /// here, but where the view allows for them.
    fn lay_out_ahead(
        &mut self,
        painter: &egui::Painter,
        doc: &OpenDocument,
        style: &Style,
        marks: &MarkStyle,
        at: Placement,
    ) {
        let n = self.blocks.len();
        if n == 0 {
            return;
        }
        let screen = self.viewport_height.max(1.0);
        let (top, bottom) = (self.offset, self.offset + screen);
        let total = self.index.total();
        let below = self.index.block_at(bottom)..=self.index.block_at(bottom + screen);
        let above = (self.index.block_at((top - screen).max(0.0))..=self.index.block_at(top)).rev();
        let start = 0..=self.index.block_at(screen);
        let end = self.index.block_at((total - screen).max(0.0))..=n - 1;
        let before = self.spent();
        let quiet = painter.ctx().input(|i| i.events.is_empty());
        self.warm_glyphs(painter, style, before, quiet);
        for i in below.clone().chain(above).chain(start).chain(end) {
            if self.galleys.touch(i) {
                continue;
            }
            if self.has_room(self.galleys.expected(self.blocks[i].range.len()), before) {
                self.galley(i, painter, doc, style);
            }
        }
        // The highlights of the screen below too, where its galleys are laid out: PageDown
        // then shows them without making them. (Below the view only: the tessellator rounds
        // halves away from zero, so marks made on screen's positive side are moved by whole
        // pixels exactly.)
        for i in below {
            if self.marks.has(i) || !self.galleys.touch(i) {
                continue;
            }
            if !self.has_room(self.marks.expected(), before) {
                break;
            }
            let galley = self.galley(i, painter, doc, style);
            let shown = self.place(i, galley, at, doc, style);
            if shown.galley_pos.y >= 0.0 {
                self.marks.prepare(&shown, marks, i);
            }
        }
    }

    /// Draw ahead the glyphs the document's text is set in — each kind of block's chars in
    /// its fonts and size — as many as the frame has room for, one chunk at least in a
    /// `quiet` frame (no input) (see [`layout::WARM_CHARS`]),
    /// no more than about 40 % of egui's font atlas holds (it is cleared when it fills up).
    fn warm_glyphs(
        &mut self,
        painter: &egui::Painter,
        style: &Style,
        before: Duration,
        quiet: bool,
    ) {
        /// Chars drawn at a time.
        const CHUNK: usize = 50;
        let Some(key) = self.galleys.key() else {
            return;
        };
        if self.warm.as_ref().is_none_or(|(k, _, _)| *k != key) {
            let plan = warm_plan(&self.chars_by_kind, style, painter);
            self.warm = Some((key, plan, 0));
        }
        let mut drew = false;
        loop {
            let Some((_, plan, done)) = &self.warm else {
                return;
            };
            // The next chunk, within one font.
            let (mut at, mut k) = (*done, 0);
            while k < plan.len() && at >= plan[k].1.len() {
                at -= plan[k].1.len();
                k += 1;
            }
            let Some((font, chars)) = plan.get(k) else {
                return;
            };
            let end = (at + CHUNK).min(chars.len());
            // A frame with no input draws a chunk at least, so the glyphs are all in after
            // some quiet frames however slow the machine (or the build) is.
            let first_quiet = quiet && !drew;
            if !first_quiet && !self.has_room(self.galleys.expected(end - at), before) {
                if drew {
                    // On in the next frame; not from a frame that had no room at all (an
                    // idle window whose frames never have room would never be idle).
                    painter.ctx().request_repaint();
                }
                return;
            }
            let text: String = chars[at..end].iter().collect();
            let font = font.clone();
            let started = Instant::now();
            // Only its glyphs matter: they stay in the atlas.
            drop(painter.layout_no_wrap(text, font, Color32::WHITE));
            self.galleys.count_spent(started.elapsed());
            drew = true;
            if let Some((_, _, done)) = &mut self.warm {
                *done += end - at;
            }
        }
    }

    /// What this frame spent laying out text and making highlights.
    fn spent(&self) -> Duration {
        self.galleys.spent() + self.marks.spent()
    }

    /// Block `i`, laid out as `galley`, where `at` puts it: its galley on whole pixels (where
    /// the tessellator puts text, so its highlights, made ahead or kept, fit it exactly).
    fn place(
        &mut self,
        i: usize,
        galley: Arc<Galley>,
        at: Placement,
        doc: &OpenDocument,
        style: &Style,
    ) -> Shown {
        let block = self.blocks[i];
        let top = self.index.top(i);
        let (above, _) = style.metrics.gaps(block.kind);
        let pos = at.origin + Vec2::new(at.margin_x, top + above);
        // A centred galley is laid out around x = 0.
        let pos = if galley.job.halign == Align::Center {
            pos + Vec2::new(style.wrap_px / 2.0, 0.0)
        } else {
            pos
        };
        Shown {
            galley_pos: pos.round_to_pixels(at.pixels_per_point),
            chars: galley.text().chars().count(),
            galley,
            text_start: first_shown_char(doc, &block),
            rect: Rect::from_min_size(
                at.origin + Vec2::new(at.margin_x, top),
                Vec2::new(style.wrap_px, self.index.top(i + 1) - top),
            ),
            size_px: style.metrics.size_of(block.kind, !self.mixed_heading[i]),
        }
    }

    /// Whether this frame has room for work on a block it does not show (laying it out
    /// ahead or to measure it, making its highlights ahead) that should take `expected`,
    /// `before` being what the frame had spent on such work when this kind of work began
    /// ([`Self::spent`]). Only if the frame, with `expected`, stays under [`AHEAD_UNTIL`]:
    /// a frame that already had its share (a change to the notes, a panel remade) leaves
    /// the text to the next ones, and a long paragraph waits for a frame with room for it.
    /// Nor does one frame spend more than about [`AHEAD_BUDGET`] on it (one paragraph at
    /// least, if it has room): a light frame stays light.
    fn has_room(&self, expected: Duration, before: Duration) -> bool {
        let so_far = self.frame_started.map_or(self.spent(), |t| t.elapsed());
        let spent = self.spent().saturating_sub(before);
        so_far + expected <= AHEAD_UNTIL && (spent.is_zero() || spent + expected <= AHEAD_BUDGET)
    }

    /// Note that a frame begins now (what it may spend laying out ahead counts from here).
    pub fn begin_frame(&mut self) {
        self.frame_started = Some(Instant::now());
    }

    /// Whether the blocks of the document are still being found (large documents).
    pub fn is_preparing(&self) -> bool {
        self.building.is_some()
    }

    /// The galley of block `i` (kept between frames).
    fn galley(
        &mut self,
        i: usize,
        painter: &egui::Painter,
        doc: &OpenDocument,
        style: &Style,
    ) -> Arc<Galley> {
        let block = self.blocks[i];
        let mixed = self.mixed_heading[i];
        self.galleys
            .get(i, || block_galley(painter, doc, &block, mixed, style))
    }
}

/// How long one frame may spend laying out the body's paragraphs before it leaves the rest
/// of the screen to the next frame.
const LAYOUT_BUDGET: Duration = Duration::from_millis(5);

/// About how long one frame may spend laying out text ahead.
const AHEAD_BUDGET: Duration = Duration::from_micros(1_000);

/// How far into a frame (since `PizhuApp::show` began) laying out text ahead may take it: a
/// little every frame keeps a screen or two ready ahead of the wheel and PageDown, and with
/// tessellation after it (0.5 ms, up to 1.5 ms while other threads write) the frame stays
/// under 4 ms (`cargo bench --bench notes_frame`). At 2.8 ms, the frames that used it all
/// went to 3.6–4.3 ms on a quiet machine.
const AHEAD_UNTIL: Duration = Duration::from_micros(2_400);

/// Chars whose glyphs are drawn ahead, by font.
type WarmPlan = Vec<(egui::FontId, Vec<char>)>;

/// The glyphs to draw ahead for `chars_by_kind` set in `style`: each font's chars, each
/// once, while they take no more than 40 % of egui's font atlas.
fn warm_plan(
    chars_by_kind: &[((BlockKind, bool), Vec<char>)],
    style: &Style,
    painter: &egui::Painter,
) -> WarmPlan {
    let mut plan: WarmPlan = Vec::new();
    let mut add =
        |font: egui::FontId, chars: &[char]| match plan.iter_mut().find(|(f, _)| *f == font) {
            Some((_, have)) => {
                let seen: std::collections::HashSet<char> = have.iter().copied().collect();
                let new: Vec<char> = chars
                    .iter()
                    .filter(|c| !seen.contains(c))
                    .copied()
                    .collect();
                have.extend(new);
            }
            None => plan.push((font, chars.to_vec())),
        };
    for &((kind, mixed), ref chars) in chars_by_kind {
        let size = style.metrics.size_of(kind, !mixed);
        let family = |name| crate::app::fonts::family(name);
        add(
            egui::FontId::new(size, family(layout::lead_family(kind, style.official))),
            chars,
        );
        if mixed {
            // A heading that goes on as body text: its title in the heading's face, the rest
            // in the body's.
            add(
                egui::FontId::new(size, family(crate::app::fonts::BODY)),
                chars,
            );
        }
    }
    // Only glyphs a face has (a heading's face may lack a char only the body part has).
    painter.ctx().fonts_mut(|f| {
        for (font, chars) in &mut plan {
            chars.retain(|&c| f.has_glyph(font, c));
        }
    });
    // The font with most chars (the body's) first: it is the one the atlas must hold.
    plan.sort_by_key(|(_, chars)| std::cmp::Reverse(chars.len()));
    let side = painter.ctx().fonts(|f| f.font_image_size()[0]) as f32;
    let ppp = painter.pixels_per_point();
    let mut room = 0.4 * side * side;
    for (font, chars) in &mut plan {
        let cell = (font.size * ppp + 2.0).powi(2);
        let n = chars.len().min((room / cell).max(0.0) as usize);
        chars.truncate(n);
        room -= n as f32 * cell;
    }
    plan
}

/// Where the blocks go on screen this frame.
#[derive(Clone, Copy)]
struct Placement {
    /// The top left of the scrolled content (screen).
    origin: egui::Pos2,
    /// The text column's left edge, from the content's.
    margin_x: f32,
    pixels_per_point: f32,
}

/// Blocks found on a worker, with their height index for the layout they were found for.
struct Prepared {
    set: BlockSet,
    index: Option<(LayoutKey, HeightIndex)>,
}

/// The estimated height of every block at `metrics` and `wrap_px`.
fn estimates(
    blocks: &[Block],
    mixed_heading: &[bool],
    widths_em: &[f32],
    metrics: &Metrics,
    wrap_px: f32,
) -> Vec<f32> {
    blocks
        .iter()
        .zip(mixed_heading)
        .zip(widths_em)
        .map(|((b, &mixed), &width)| estimate_for(b.kind, mixed, width, metrics, wrap_px))
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
            if let Some((name, elapsed)) = app.loading_state() {
                let t = app.t();
                let seconds = elapsed.as_secs_f32();
                let label = match t.lang {
                    super::i18n::Lang::Zh => format!("{} {name}（{seconds:.1} 秒）", t.opening),
                    super::i18n::Lang::En => format!("{} {name} ({seconds:.1} s)", t.opening),
                };
                ui.horizontal(|ui| {
                    ui.add_space(12.0);
                    loading_indicator(ui);
                    ui.label(label);
                });
                // One thing while the first document opens: the indicator, not the hint
                // to open one as well.
                if app.current.is_none() {
                    return;
                }
            }
            if app.current.is_none() {
                ui.centered_and_justified(|ui| ui.label(app.t().open_hint));
                return;
            }
            if let Some(doc) = &app.current
                && doc.doc.text.trim().is_empty()
            {
                // Not a blank page: say what there is to see.
                let t = app.t();
                let explained = !doc.doc.notices.is_empty() || !doc.doc.warnings.is_empty();
                let name = doc
                    .path
                    .as_ref()
                    .map_or_else(|| doc.name.clone(), |p| p.display().to_string());
                ui.add_space((ui.available_height() / 3.0).max(0.0));
                ui.vertical_centered(|ui| {
                    ui.label(egui::RichText::new(t.empty_document(explained)).size(20.0));
                    ui.add_space(6.0);
                    ui.weak(name);
                });
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

/// How often the loading indicator moves.
const INDICATOR_STEP: Duration = Duration::from_millis(100);

/// A spinner that turns in steps, a few times a second (egui's asks for every frame).
fn loading_indicator(ui: &mut Ui) {
    let size = ui.style().spacing.interact_size.y;
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), Sense::hover());
    response.widget_info(|| WidgetInfo::new(Role::ProgressIndicator));
    let step = (ui.input(|i| i.time) / INDICATOR_STEP.as_secs_f64()).floor();
    let start = step * 0.1 * std::f64::consts::TAU;
    let radius = rect.height() * 0.5 - 2.0;
    let points: Vec<egui::Pos2> = (0..=24)
        .map(|k| {
            let angle = start + f64::from(k) / 24.0 * 1.5 * std::f64::consts::PI;
            let (sin, cos) = angle.sin_cos();
            rect.center() + radius * Vec2::new(cos as f32, sin as f32)
        })
        .collect();
    ui.painter().add(egui::Shape::line(
        points,
        egui::Stroke::new(3.0, ui.visuals().strong_text_color()),
    ));
    ui.ctx().request_repaint_after(INDICATOR_STEP);
}

pub(crate) fn banner_ui(app: &mut PizhuApp, ui: &mut Ui, banner: &super::Banner) {
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
                    app.push(Command::Act(Act::RestoreBackup));
                }
                if ui.button(app.t().dismiss).clicked() {
                    app.push(Command::DismissBanner);
                }
            });
        });
}

/// The scrolling body text.
fn body_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let started = Instant::now();
    // Before the keys that scroll are taken out of the input.
    let acting = super::acting(ui);
    let Some(doc) = app.current.as_ref() else {
        return;
    };
    let reading = app.settings.reading;
    let metrics = Metrics::with_reading(app.settings.zoom, &reading);
    let pal = palette(app.settings.theme);
    let avail = ui.available_width();
    let column =
        (reading.column_chars * metrics.body_px).min((avail - 2.0 * reading.margin).max(120.0));
    let margin_x = ((avail - column) / 2.0).max(12.0);
    let key = LayoutKey {
        doc: doc.id,
        wrap_px: column.round(),
        zoom: app.settings.zoom,
        official: app.settings.official_style,
        hide_boilerplate: app.settings.hide_boilerplate,
        reading,
    };
    let style = Style {
        metrics: &metrics,
        palette: pal,
        official: app.settings.official_style,
        wrap_px: column.round(),
    };
    let reader = &mut app.reader;
    if !reader.prepare(doc, key, &metrics, ui.ctx()) {
        ui.horizontal(|ui| {
            ui.add_space(12.0);
            loading_indicator(ui);
        });
        return;
    }
    if reader.blocks.is_empty() {
        return;
    }
    let painter = ui.painter().clone();
    let canary = painter.layout_job(GalleyCache::canary_job());
    reader.galleys.begin_frame(
        GalleyKey {
            layout: key,
            theme: app.settings.theme,
            pixels_per_point: ui.ctx().pixels_per_point(),
        },
        canary,
    );
    reader.marks.begin_frame(
        ui.ctx().pixels_per_point(),
        ui.ctx().options(|o| o.tessellation_options),
    );

    // Measure the blocks around the view (before it is shown, so nothing visible moves).
    let measure = |reader: &mut ReaderView, i: usize| -> f32 {
        if reader.index.is_exact(i) {
            return 0.0;
        }
        let kind = reader.blocks[i].kind;
        let galley = reader.galley(i, &painter, doc, &style);
        let (above, below) = metrics.gaps(kind);
        reader.index.set_exact(i, above + galley.size().y + below)
    };
    let mut offset = reader.offset;
    if let Some(pos) = reader.pending_jump.take() {
        // A jump lands exactly: wheel movement still being smoothed does not carry it off.
        ui.input_mut(|i| i.smooth_scroll_delta = Vec2::ZERO);
        let b = reader.block_of_char(pos);
        measure(reader, b);
        let block = reader.blocks[b];
        let galley = reader.galley(b, &painter, doc, &style);
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
        // Keep the anchor block where it was while blocks above it get measured. The blocks
        // on screen first: from the anchor down until they fill the view.
        let n = reader.blocks.len();
        let bottom = reader.index.top(a) + within + reader.viewport_height;
        let mut view_end = a;
        while view_end < n && reader.index.top(view_end) < bottom {
            measure(reader, view_end);
            view_end += 1;
        }
        // Then the blocks around the view, nearest first, those already laid out (ahead)
        // and those the frame has room for (see [`ReaderView::has_room`]); the rest in the
        // next frames.
        let before = reader.spent();
        let above = (a.saturating_sub(PREMEASURE_PER_FRAME / 2)..a).rev();
        let below = view_end..(view_end + PREMEASURE_PER_FRAME / 2).min(n);
        let mut left = false;
        for i in above.chain(below) {
            if reader.index.is_exact(i) {
                continue;
            }
            let expected = reader.galleys.expected(reader.blocks[i].range.len());
            if reader.galleys.touch(i) || reader.has_room(expected, before) {
                measure(reader, i);
            } else {
                left = true;
            }
        }
        if left && reader.galleys.spent() > before {
            // Measuring goes on in the next frames while it gets anywhere.
            ui.ctx().request_repaint();
        }
        let expected = reader.index.top(a) + within;
        if (expected - offset).abs() > 0.5 && (offset - reader.offset).abs() < 0.5 {
            offset = expected;
        }
    }

    let surface_id = ui.make_persistent_id("reader-surface");
    let (page_keys, heading_step) = scroll::reader_keys(ui, surface_id);
    let line = metrics.body_px * metrics.line_height;
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
            doc.find.matches.as_slice()
        } else {
            &[]
        },
        current_match: doc
            .find
            .current
            .and_then(|i| doc.find.matches.get(i).copied())
            .filter(|_| app.find.open),
        hidden_authors: &app.notes_view.hidden_authors,
    };
    if mark_style.flash.is_some() {
        ui.ctx().request_repaint();
    }
    let mut shown: Vec<Shown> = Vec::new();
    let mut markers: Vec<Marker> = Vec::new();
    // The first frames of a new layout (a new document, zoom or width) may leave the rest
    // of the screen to the next, but not two in a row (new glyphs are rasterised once, so a
    // slow machine still sees the whole screen) and not while a click or key could be meant
    // for the text left out.
    let may_defer = reader.frames_since_layout < 2 && !reader.deferred && !super::acting(ui);
    reader.frames_since_layout = reader.frames_since_layout.saturating_add(1);
    let mut deferred = false;
    let mut placement = None;
    let output = area.show_viewport(ui, |ui, viewport| {
        ui.set_height(reader.index.total());
        let origin = ui.max_rect().left_top();
        let at = Placement {
            origin,
            margin_x,
            pixels_per_point: ui.ctx().pixels_per_point(),
        };
        placement = Some(at);
        let first = reader.index.block_at(viewport.min.y);
        let mut i = first;
        while i < reader.blocks.len() {
            if may_defer && i > first && started.elapsed() > LAYOUT_BUDGET {
                // New text in glyphs never drawn before (a document's first screen): the
                // rest of the screen comes next frame, so no frame stalls.
                ui.ctx().request_repaint();
                deferred = true;
                break;
            }
            measure(reader, i);
            let top = reader.index.top(i);
            if top > viewport.max.y {
                break;
            }
            let block = reader.blocks[i];
            let galley = reader.galley(i, &painter, doc, &style);
            let (above, _) = metrics.gaps(block.kind);
            let rect = Rect::from_min_size(
                origin + Vec2::new(margin_x, top + above),
                Vec2::new(style.wrap_px, galley.size().y),
            );
            let placed = reader.place(i, Arc::clone(&galley), at, doc, &style);
            let pos = placed.galley_pos;
            marks::paint_block_marks(
                ui.painter(),
                &placed,
                &mark_style,
                &mut markers,
                &mut reader.marks,
                i,
            );
            shown.push(placed);
            ui.painter().galley(pos, Arc::clone(&galley), pal.text);
            let id = ui.make_persistent_id(("block", block.line));
            let response = ui.interact(rect, id, Sense::hover());
            let role = match block.kind {
                BlockKind::Heading(_) | BlockKind::Title => Role::Heading,
                _ => Role::Paragraph,
            };
            response.widget_info(|| WidgetInfo::labeled(role, true, galley.text()));
            i += 1;
        }
        first
    });
    reader.deferred = deferred;
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
    if app.find.open && !doc.find.matches.is_empty() {
        scroll::scroll_bar_marks(
            ui,
            &mut app.reader,
            viewport_rect,
            &doc.find.matches,
            doc.find.generation,
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
    input::pointer_ui(ui, &surface, &scene, reader, &mut commands);
    input::note_tooltips(ui, &surface, &scene, &markers);
    input::context_menu_ui(ui, &surface, &scene, reader, &mut commands);
    input::mark_keys(ui, surface_id, &scene, reader, &mut commands);
    if !reader.dragging {
        toolbar::toolbar_ui(ui, &scene, reader, &mut commands);
    }

    let reader = &mut app.reader;
    reader.visible = match (shown.first(), shown.last()) {
        (Some(a), Some(b)) => Some(TextRange::new(a.text_start, b.range().end)),
        _ => None,
    };
    reader.last_shown = shown;
    reader.offset = output.state.clamped_offset().y;
    reader.viewport_height = viewport_rect.height();
    reader.view_rect = Some(viewport_rect);
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
    let galley = reader.galley(a, &painter, doc, &style);
    let (above, _) = metrics.gaps(block.kind);
    // The first char of the row at the top: left of everything (a centred galley is laid
    // out around x = 0, where x = 0 is the middle of its rows).
    let cursor = galley.cursor_from_pos(Vec2::new(-1.0e6, (within - above).max(0.0) + 1.0));
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

    // What the next keys and wheel turns will show, laid out ahead within the frame's budget:
    // not in a new layout's first frames, which spend theirs on the screen, nor in a frame
    // a click or key came in (it has its own work; the frames after it lay out ahead).
    if !deferred
        && reader.frames_since_layout > 2
        && !acting
        && let Some(at) = placement
    {
        reader.lay_out_ahead(&painter, doc, &style, &mark_style, at);
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
            commands.push(Command::Act(Act::JumpToNode(i)));
        }
    }
    for c in commands {
        app.push(c);
    }
}
