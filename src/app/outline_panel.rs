//! The outline tree: collapsible headings and points, a filter, and scroll-spy.

use std::collections::HashMap;
use std::sync::Arc;

use egui::text::LayoutJob;
use egui::{Galley, Role, ScrollArea, Sense, TextEdit, Ui, Vec2, WidgetInfo};

use super::theme::palette;
use super::{Command, FocusArea, PizhuApp};
use crate::outline::{NodeKind, Outline};
use crate::session::Action as Act;
use crate::session::keymap::{Action, Scope};

/// How long one frame may spend drawing the tree's rows before it leaves the rest to the
/// next frame.
const LAYOUT_BUDGET: std::time::Duration = std::time::Duration::from_millis(4);

/// The tree's state between frames.
#[derive(Clone, Debug, Default)]
pub struct OutlineView {
    /// Whether each node shows its children (changed through `set_expanded`).
    expanded: Vec<bool>,
    /// Counts changes to `expanded`, so that the rows know when to be remade.
    expansion: u64,
    /// Whether each node has children.
    has_children: Vec<bool>,
    /// Each node's parent.
    parent: Vec<Option<usize>>,
    /// Filter text typed by the user.
    pub filter: String,
    /// The keyboard cursor: the row the arrow keys move and Enter goes to. Drawn as a
    /// focus ring only while the tree has the keyboard; otherwise it follows `current`.
    pub selected: Option<usize>,
    /// The node of the section at the top of the body (scroll-spy, [`section_in_view`]):
    /// the tree's one highlighted row.
    pub current: Option<usize>,
    /// Nodes shown, in order (recomputed when expansion or filter change).
    rows: Vec<usize>,
    rows_for: Option<(String, u64)>,
    /// A row to scroll into view.
    reveal: Option<usize>,
    /// The last frame left rows for the next (the next one then draws them all).
    deferred: bool,
    /// Frames drawn for this outline: only a new outline's first frames may leave rows for
    /// later (egui finds what a click hits in the frame before it: every later frame draws
    /// every visible row, so no click is lost).
    frames: u32,
    /// Scroll offset and visible height of the tree.
    offset: f32,
    height: f32,
    /// Whether the tree shows topic sentences (段首句), off by default.
    pub show_topics: bool,
    /// Where each topic sentence of the outline goes: after which node row (its heading).
    topic_parent: Vec<Option<usize>>,
    /// Whether each node has topic sentences under it.
    has_topics: Vec<bool>,
    /// The node being renamed in the outline, and the title typed so far (the field takes
    /// the keyboard when it opens: `true` until it has).
    pub renaming: Option<(usize, String, bool)>,
    /// The rows' text, kept between frames.
    galleys: RowGalleys,
}

impl OutlineView {
    /// A tree for `outline`, every heading expanded.
    pub fn new(outline: &Outline) -> Self {
        let n = outline.nodes.len();
        let parent: Vec<Option<usize>> = (0..n).map(|i| outline.parent(i)).collect();
        let mut has_children = vec![false; n];
        for p in parent.iter().flatten() {
            has_children[*p] = true;
        }
        let topic_parent = topic_parents(outline);
        let mut has_topics = vec![false; n];
        for p in topic_parent.iter().flatten() {
            has_topics[*p] = true;
        }
        Self {
            expanded: vec![true; n],
            has_children,
            parent,
            topic_parent,
            has_topics,
            ..Self::default()
        }
    }

    /// The tree for a corrected `outline`: the filter, the topic switch and what was selected
    /// stay; every heading is expanded.
    pub fn remake(&mut self, outline: &Outline) {
        let mut new = Self::new(outline);
        let n = outline.nodes.len();
        new.filter = std::mem::take(&mut self.filter);
        new.show_topics = self.show_topics;
        new.selected = self.selected.filter(|&s| s < n);
        new.current = self.current.filter(|&s| s < n);
        new.offset = self.offset;
        new.height = self.height;
        *self = new;
    }

    /// Whether node `i` shows children that may be folded (its topic sentences count when
    /// shown).
    fn foldable(&self, i: usize) -> bool {
        self.has_children.get(i).copied().unwrap_or(false)
            || (self.show_topics && self.has_topics.get(i).copied().unwrap_or(false))
    }

    /// Whether row `r` is a topic sentence (rows past the nodes are topics).
    pub fn is_topic_row(&self, r: usize) -> bool {
        r >= self.parent.len()
    }

    /// The nodes currently shown, in order.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// Show or hide node `i`'s children.
    fn set_expanded(&mut self, i: usize, on: bool) {
        if self.expanded[i] != on {
            self.expanded[i] = on;
            self.expansion += 1;
        }
    }

    /// Recompute the rows if the filter or the expansion changed.
    pub fn refresh_rows(&mut self, outline: &Outline) {
        let key = (
            self.filter.clone(),
            self.expansion * 2 + u64::from(self.show_topics),
        );
        if self.rows_for.as_ref() == Some(&key) {
            return;
        }
        // Folded like the find bar: full/half width and case do not matter.
        let filter = crate::search::fold(self.filter.trim());
        self.rows.clear();
        let n = outline.nodes.len();
        let shown_topics = if self.show_topics {
            outline.topics.len().min(self.topic_parent.len())
        } else {
            0
        };
        if filter.is_empty() {
            let mut hidden_below: Option<u8> = None;
            let mut next_topic = 0;
            for (i, node) in outline.nodes.iter().enumerate() {
                // Topic sentences that start before this node, in document order.
                while next_topic < shown_topics
                    && outline.topics[next_topic].range.start <= node.range.start
                {
                    if hidden_below.is_none_or(|d| outline.topics[next_topic].depth <= d) {
                        self.rows.push(n + next_topic);
                    }
                    next_topic += 1;
                }
                if let Some(depth) = hidden_below {
                    if node.depth > depth {
                        continue;
                    }
                    hidden_below = None;
                }
                self.rows.push(i);
                if self.foldable(i) && !self.expanded[i] {
                    hidden_below = Some(node.depth);
                }
            }
            for k in next_topic..shown_topics {
                if hidden_below.is_none_or(|d| outline.topics[k].depth <= d) {
                    self.rows.push(n + k);
                }
            }
        } else {
            // Matches, with their ancestors for context.
            let mut keep = vec![false; outline.nodes.len()];
            for (i, node) in outline.nodes.iter().enumerate() {
                let text = crate::search::fold(&format!("{}{}", node.marker, node.title));
                if text.contains(&filter) {
                    let mut at = Some(i);
                    while let Some(j) = at {
                        if keep[j] {
                            break;
                        }
                        keep[j] = true;
                        at = self.parent[j];
                    }
                }
            }
            // Matching topic sentences, with their headings for context.
            let topics: Vec<usize> = (0..shown_topics)
                .filter(|&k| crate::search::fold(&outline.topics[k].title).contains(&filter))
                .collect();
            for &k in &topics {
                let mut at = self.topic_parent[k];
                while let Some(j) = at {
                    if keep[j] {
                        break;
                    }
                    keep[j] = true;
                    at = self.parent[j];
                }
            }
            self.rows
                .extend((0..outline.nodes.len()).filter(|&i| keep[i]));
            // Each after the last row before it.
            for k in topics {
                let t = &outline.topics[k];
                let at = self
                    .rows
                    .partition_point(|&r| r < n && outline.nodes[r].range.start <= t.range.start);
                self.rows.insert(at, n + k);
            }
        }
        self.rows_for = Some(key);
    }

    /// Expand everything, collapse everything, or show `level` levels.
    pub fn expand_to(&mut self, outline: &Outline, level: Option<u8>) {
        for (i, node) in outline.nodes.iter().enumerate() {
            self.set_expanded(i, level.is_none_or(|l| node.depth < l));
        }
    }

    /// The node a row belongs to: itself, or a topic sentence's heading.
    fn node_of_row(&self, r: usize) -> Option<usize> {
        if self.is_topic_row(r) {
            self.topic_parent
                .get(r - self.parent.len())
                .copied()
                .flatten()
        } else {
            Some(r)
        }
    }

    /// Make node `i` visible (expand its ancestors) and scroll the tree to it.
    pub fn reveal(&mut self, i: usize) {
        let mut at = self.parent.get(i).copied().flatten();
        while let Some(p) = at {
            self.set_expanded(p, true);
            at = self.parent[p];
        }
        self.reveal = Some(i);
    }

    /// Follow the body: mark the section at the top of the view as current. The keyboard
    /// cursor follows it too unless the tree has the keyboard (`focused`): moving the cursor
    /// never moves the text, and the text moving never moves a cursor in use.
    fn follow(&mut self, current: Option<usize>, focused: bool) {
        if current != self.current {
            self.current = current;
            if !focused {
                self.selected = current;
                if let Some(i) = current {
                    self.reveal(i);
                }
            }
        }
    }
}

/// The heading each topic sentence belongs to: the last heading before it one level up.
fn topic_parents(outline: &Outline) -> Vec<Option<usize>> {
    outline
        .topics
        .iter()
        .map(|t| {
            let upto = outline
                .nodes
                .partition_point(|n| n.range.start <= t.range.start);
            outline.nodes[..upto]
                .iter()
                .rposition(|n| n.kind == NodeKind::Heading && n.depth < t.depth)
        })
        .collect()
}

/// The label of a node as the tree shows it.
pub fn node_label(outline: &Outline, i: usize) -> String {
    crate::outline::label::node_label(&outline.nodes[i])
}

/// The left panel.
pub fn outline_panel_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let width = app.settings.outline_width;
    let response = egui::Panel::left("outline-panel")
        .resizable(true)
        .default_size(width)
        .size_range(160.0..=720.0)
        .show(ui, |ui| tree_ui(app, ui));
    let new_width = response.response.rect.width();
    if (new_width - app.settings.outline_width).abs() > 1.0 {
        app.settings.outline_width = new_width;
        app.mark_settings_dirty();
    }
}

/// The section at the top of the reading view: the outline tree's current row and the
/// status bar's path are both this one answer.
pub fn section_in_view(app: &PizhuApp) -> Option<usize> {
    let doc = app.current.as_ref()?;
    doc.outline.node_at(app.reader.top_char()?)
}

pub(super) fn tree_ui(app: &mut PizhuApp, ui: &mut Ui) {
    super::room::legible_text(ui, app.settings.zoom);
    // Fill the panel, so that its width is the user's choice and never shrinks to content
    // (while loading, say).
    ui.set_min_width(ui.available_width());
    let t = app.t();
    let Some(doc) = app.current.as_ref() else {
        ui.weak(t.no_outline);
        return;
    };
    let outline = doc.outline.clone();
    let notes = &doc.notes;
    let doc_notes_count = |outline: &Outline, i: usize| notes.count(outline, i);
    let corrected = |i: usize| doc.node_corrected(i);
    let in_view = section_in_view(app);
    let tree_id = ui.make_persistent_id("outline-tree");
    let view = &mut app.outline_view;
    view.follow(in_view, ui.memory(|m| m.has_focus(tree_id)));

    ui.add_space(4.0);
    ui.strong(t.outline_panel);
    ui.horizontal_wrapped(|ui| {
        if ui.small_button(t.expand_all).clicked() {
            view.expand_to(&outline, None);
        }
        if ui.small_button(t.collapse_all).clicked() {
            view.expand_to(&outline, Some(1));
        }
        // "Levels 1 2 3" wraps as one piece, never between its buttons.
        ui.horizontal(|ui| {
            ui.weak(t.levels);
            for level in 1..=3u8 {
                let resp = ui.small_button(format!("{level}"));
                resp.widget_info(|| {
                    WidgetInfo::labeled(
                        Role::Button,
                        true,
                        format!("{} {level}", t.collapse_to_level),
                    )
                });
                if resp.clicked() {
                    view.expand_to(&outline, Some(level));
                }
            }
        });
        if !outline.topics.is_empty() {
            ui.checkbox(&mut view.show_topics, t.show_topics);
        }
    });
    let filter = ui.add(
        TextEdit::singleline(&mut view.filter)
            .hint_text(t.filter_outline)
            .desired_width(f32::INFINITY),
    );
    filter.widget_info(|| {
        let mut info = WidgetInfo::text_edit(true, "", &view.filter, t.filter_outline);
        info.label = Some(t.filter_outline.to_owned());
        info
    });
    ui.separator();

    view.refresh_rows(&outline);
    if outline.nodes.is_empty() {
        ui.weak(t.no_outline);
        return;
    }
    if view.rows.is_empty() {
        ui.weak(t.no_match);
        return;
    }

    let tree_rect = ui.available_rect_before_wrap();
    let tree = ui.interact(tree_rect, tree_id, Sense::click());
    tree.widget_info(|| WidgetInfo::labeled(Role::Tree, true, t.outline_tree));
    if app.focus_request == Some(FocusArea::Outline) {
        tree.request_focus();
        // The cursor starts at the section in view.
        view.selected = view.current.or(view.rows.first().copied());
    }
    let mut commands = Vec::new();
    let focused = tree.has_focus();
    if focused {
        app.focus = FocusArea::Outline;
        super::keep_arrow_keys(ui, tree.id);
        tree_keys(ui, view, &outline, &mut commands);
    }

    let pal = palette(app.settings.theme);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let mut area = ScrollArea::vertical()
        .id_salt("outline-scroll")
        .auto_shrink([false, false]);
    if let Some(target) = view.reveal.take()
        && let Some(row) = view.rows.iter().position(|&r| r == target)
    {
        let y = row as f32 * row_height;
        if y < view.offset || y + row_height > view.offset + view.height {
            area = area.vertical_scroll_offset((y - view.height / 3.0).max(0.0));
        }
    }
    // Taken out for the frame (not copied: 100,000 nodes), put back below.
    let rows = std::mem::take(&mut view.rows);
    let started = std::time::Instant::now();
    // A new outline's first frames may leave rows to the next, but not two in a row (new
    // glyphs are rasterised once, so a slow machine still sees every row) and not while a
    // click or key could be meant for a row left out.
    let may_defer = view.frames < 2 && !view.deferred && !super::acting(ui);
    view.frames = view.frames.saturating_add(1);
    let mut deferred = false;
    view.galleys.begin_frame(ui);
    let output = area.show_rows(ui, row_height, rows.len(), |ui, range| {
        for (k, &i) in rows[range].iter().enumerate() {
            if may_defer && k > 0 && started.elapsed() > LAYOUT_BUDGET {
                // Labels in glyphs never drawn before (a new document): the rest of the
                // tree comes next frame, so no frame stalls.
                ui.ctx().request_repaint();
                deferred = true;
                break;
            }
            let row = egui::Rect::from_min_size(
                ui.cursor().min,
                Vec2::new(ui.available_width(), row_height),
            );
            ui.advance_cursor_after_rect(row);
            if view.is_topic_row(i) {
                let topic = &outline.topics[i - outline.nodes.len()];
                let indent = f32::from(topic.depth.saturating_sub(1)) * 14.0 + 14.0;
                let label = || format!("▪ {}", topic.title);
                let space = row.with_min_x(row.left() + indent);
                let text = RowText {
                    slot: 2 * i,
                    label: &label,
                    size: point_size(ui),
                    underline: false,
                };
                let resp = row_button(ui, &mut view.galleys, tree_id.with(i), space, text, false)
                    .paint(ui, None, Some(pal.point));
                let resp = resp.on_hover_ui(|ui| {
                    ui.label(label());
                });
                if focused && view.selected == Some(i) {
                    cursor_ring(ui, resp.rect);
                }
                if resp.clicked() {
                    view.selected = Some(i);
                    commands.push(Command::JumpToChar(topic.range.start));
                }
                continue;
            }
            let node = &outline.nodes[i];
            let indent = f32::from(node.depth.saturating_sub(1)) * 14.0;
            let icon_rect = egui::Rect::from_center_size(
                egui::pos2(row.left() + indent + 7.0, row.center().y),
                Vec2::splat(14.0),
            );
            if view.foldable(i) {
                let icon = ui.interact(icon_rect, tree_id.with(("fold", i)), Sense::click());
                let openness = if view.expanded[i] { 1.0 } else { 0.0 };
                egui::collapsing_header::paint_default_icon(ui, openness, &icon);
                icon.widget_info(|| {
                    let verb = if view.expanded[i] {
                        t.collapse
                    } else {
                        t.expand
                    };
                    WidgetInfo::labeled(Role::Button, true, format!("{verb} {}", node.title))
                });
                if icon.clicked() {
                    let on = !view.expanded[i];
                    view.set_expanded(i, on);
                }
            }
            let left = icon_rect.right() + ui.spacing().item_spacing.x;
            let space = egui::Rect::from_min_max(egui::pos2(left, row.top()), row.max);
            if view.renaming.as_ref().is_some_and(|r| r.0 == i) {
                let mut field_ui = ui.new_child(
                    egui::UiBuilder::new()
                        .max_rect(space)
                        .layout(egui::Layout::left_to_right(egui::Align::Center)),
                );
                rename_field_ui(&mut field_ui, view, node, t, &mut commands);
                continue;
            }
            // The count of annotations in the section, at the right end.
            let mut right = row.right() - 6.0;
            let count = doc_notes_count(&outline, i);
            if count > 0 {
                let small = egui::TextStyle::Small.resolve(ui.style());
                let galley = ui
                    .painter()
                    .layout_no_wrap(count.to_string(), small, pal.point);
                let rect = egui::Rect::from_min_size(
                    egui::pos2(
                        right - galley.size().x,
                        row.center().y - galley.size().y / 2.0,
                    ),
                    galley.size(),
                );
                let hover = ui.interact(rect, tree_id.with(("count", i)), Sense::hover());
                hover.widget_info(|| WidgetInfo::labeled(Role::Label, true, count.to_string()));
                ui.painter().galley(rect.min, galley, pal.point);
                hover.on_hover_ui(|ui| {
                    ui.label(format!("{} {count}", t.annotations));
                });
                right = rect.left() - ui.spacing().item_spacing.x;
            }
            let label = || node_label(&outline, i);
            let is_corrected = corrected(i);
            let is_point = node.kind == NodeKind::Point;
            let text = RowText {
                slot: 2 * i + usize::from(is_corrected),
                label: &label,
                size: if is_point {
                    point_size(ui)
                } else {
                    egui::TextStyle::Body.resolve(ui.style()).size
                },
                underline: is_corrected,
            };
            // One highlighted row, the section in view; the keyboard cursor is a ring
            // while the tree has the keyboard.
            let current = view.current == Some(i);
            let space = space.with_max_x(right.max(left));
            let resp = row_button(ui, &mut view.galleys, tree_id.with(i), space, text, current)
                .paint(
                    ui,
                    current.then_some(pal.current),
                    is_point.then_some(pal.point),
                );
            if focused && view.selected == Some(i) {
                cursor_ring(ui, resp.rect);
            }
            let resp = resp.on_hover_ui(|ui| {
                if is_corrected {
                    ui.label(format!("{}（{}）", label(), t.fix().corrected));
                } else {
                    ui.label(label());
                }
            });
            if resp.clicked() {
                view.selected = Some(i);
                commands.push(Command::Act(Act::JumpToNode(i)));
            }
            resp.context_menu(|ui| {
                if ui.button(t.add_note).clicked() {
                    commands.push(Command::Act(Act::AddSectionNote(i)));
                    ui.close();
                }
                ui.separator();
                let f = t.fix();
                if node.depth > 1 && ui.button(f.promote).clicked() {
                    commands.push(Command::Act(Act::ShiftNode { node: i, by: -1 }));
                    ui.close();
                }
                if ui.button(f.demote).clicked() {
                    commands.push(Command::Act(Act::ShiftNode { node: i, by: 1 }));
                    ui.close();
                }
                if ui.button(f.rename).clicked() {
                    view.renaming = Some((i, node.title.clone(), true));
                    ui.close();
                }
                if ui.button(f.not_heading).clicked() {
                    commands.push(Command::Act(Act::NotHeading {
                        at: node.title_range.start,
                    }));
                    ui.close();
                }
                if is_corrected && ui.button(f.clear_correction).clicked() {
                    commands.push(Command::Act(Act::ClearCorrections {
                        at: node.title_range.start,
                    }));
                    ui.close();
                }
            });
        }
    });
    view.rows = rows;
    view.deferred = deferred;
    view.offset = output.state.clamped_offset().y;
    view.height = output.inner_rect.height();
    for c in commands {
        app.push(c);
    }
}

/// The rename field in place of node `i`'s row: Enter or leaving it renames, Escape cancels.
fn rename_field_ui(
    ui: &mut Ui,
    view: &mut OutlineView,
    node: &crate::outline::OutlineNode,
    t: &super::i18n::Strings,
    commands: &mut Vec<Command>,
) {
    let Some((i, title, focus)) = view.renaming.as_mut() else {
        return;
    };
    let i = *i;
    let field = ui.add(
        TextEdit::singleline(title)
            .id_salt(("outline-rename", i))
            .desired_width(f32::INFINITY)
            .hint_text(node.title.as_str()),
    );
    field.widget_info(|| WidgetInfo::text_edit(true, "", title.as_str(), t.fix().rename));
    if *focus {
        // Until the field has the keyboard (the closing menu may take a frame).
        if field.has_focus() {
            *focus = false;
        } else {
            field.request_focus();
        }
    } else if field.lost_focus() {
        let cancel =
            ui.input_mut(|inp| super::keys::pressed(inp, Action::CancelRename, Scope::TagField));
        let title = std::mem::take(title);
        view.renaming = None;
        if !cancel {
            commands.push(Command::Act(Act::RenameNode { node: i, title }));
        }
    }
}

/// The rows' text laid out once and kept between frames: the tree is drawn every frame, and
/// laying out (or only hashing) each visible row's text every frame was a fifth of its cost.
#[derive(Clone, Debug, Default)]
struct RowGalleys {
    /// What every kept galley depends on besides its row: the text size and the pixel grid.
    key: Option<(u32, u32)>,
    /// egui's galley of a fixed job: a new one means egui dropped its galleys (new fonts, a
    /// full glyph atlas), and ours point into the old atlas.
    canary: Option<Arc<Galley>>,
    /// By slot (twice the row, plus one when underlined): the width the text was fitted to,
    /// and its galley, in [`egui::Color32::PLACEHOLDER`] (coloured when painted).
    rows: HashMap<usize, (f32, Arc<Galley>)>,
}

/// Most rows kept (a long outline scrolled end to end starts again).
const MAX_ROW_GALLEYS: usize = 2_000;

impl RowGalleys {
    /// Start a frame: drop everything laid out for other fonts or sizes.
    fn begin_frame(&mut self, ui: &Ui) {
        let canary = ui
            .painter()
            .layout_job(super::reader::layout::GalleyCache::canary_job());
        let key = (
            egui::TextStyle::Body.resolve(ui.style()).size.to_bits(),
            ui.ctx().pixels_per_point().to_bits(),
        );
        let same_fonts = self
            .canary
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, &canary));
        if self.key != Some(key) || !same_fonts || self.rows.len() > MAX_ROW_GALLEYS {
            self.rows.clear();
            self.key = Some(key);
        }
        self.canary = Some(canary);
    }
}

/// A row's text.
struct RowText<'a> {
    /// Where its galley is kept in [`RowGalleys`].
    slot: usize,
    /// The text, made only when it is laid out or read out.
    label: &'a dyn Fn() -> String,
    size: f32,
    underline: bool,
}

/// A row's button, laid out but not yet painted.
struct RowButton {
    response: egui::Response,
    galley: Arc<Galley>,
    selected: bool,
}

/// The button of a row: its text fitted into `space` (cut with "…"), as wide as its text,
/// centred on the row; it answers clicks and reads out as a selectable button, like
/// `egui::Button::selectable(selected, text).truncate()`, which it replaces (a button lays
/// out its text and makes child `Ui`s every frame: with every row, most of the tree's cost).
fn row_button(
    ui: &Ui,
    galleys: &mut RowGalleys,
    id: egui::Id,
    space: egui::Rect,
    text: RowText<'_>,
    selected: bool,
) -> RowButton {
    let pad = ui.spacing().button_padding;
    let width = (space.width() - 2.0 * pad.x).max(0.0);
    let kept = galleys
        .rows
        .get(&text.slot)
        .filter(|(w, _)| (w - width).abs() < 0.5)
        .map(|(_, g)| Arc::clone(g));
    let galley = kept.unwrap_or_else(|| {
        let mut job = LayoutJob::single_section(
            (text.label)(),
            egui::TextFormat {
                font_id: egui::FontId::new(
                    text.size,
                    egui::TextStyle::Body.resolve(ui.style()).family,
                ),
                color: egui::Color32::PLACEHOLDER,
                underline: if text.underline {
                    egui::Stroke::new(1.0, egui::Color32::PLACEHOLDER)
                } else {
                    egui::Stroke::NONE
                },
                ..Default::default()
            },
        );
        job.wrap = egui::text::TextWrapping::truncate_at_width(width);
        let galley = ui.painter().layout_job(job);
        galleys.rows.insert(text.slot, (width, Arc::clone(&galley)));
        galley
    });
    let height = (galley.size().y + 2.0 * pad.y).max(ui.spacing().interact_size.y);
    let rect = egui::Rect::from_min_size(
        egui::pos2(space.left(), space.center().y - height / 2.0),
        Vec2::new(galley.size().x + 2.0 * pad.x, height),
    );
    let response = ui.interact(rect, id, Sense::click());
    response.widget_info(|| {
        WidgetInfo::selected(Role::Button, ui.is_enabled(), selected, (text.label)())
    });
    RowButton {
        response,
        galley,
        selected,
    }
}

impl RowButton {
    /// Paint the button: framed while hovered, pressed or selected (in `fill` if given),
    /// its text in `color` or the state's text colour.
    fn paint(
        self,
        ui: &Ui,
        fill: Option<egui::Color32>,
        color: Option<egui::Color32>,
    ) -> egui::Response {
        let Self {
            response,
            galley,
            selected,
        } = self;
        let rect = response.rect;
        if ui.is_rect_visible(rect) {
            let visuals = ui.style().interact_selectable(&response, selected);
            if selected || response.hovered() || response.is_pointer_button_down_on() {
                ui.painter().rect(
                    rect.expand(visuals.expansion),
                    visuals.corner_radius,
                    fill.filter(|_| selected).unwrap_or(visuals.weak_bg_fill),
                    visuals.bg_stroke,
                    egui::StrokeKind::Inside,
                );
            }
            let pos = egui::pos2(
                rect.left() + ui.spacing().button_padding.x,
                rect.center().y - galley.size().y / 2.0,
            );
            ui.painter()
                .galley(pos, galley, color.unwrap_or(visuals.text_color()));
        }
        if let Some(cursor) = ui.visuals().interact_cursor
            && response.hovered()
        {
            ui.ctx().set_cursor_icon(cursor);
        }
        response
    }
}

/// The keyboard cursor's ring around a row.
fn cursor_ring(ui: &Ui, rect: egui::Rect) {
    let stroke = ui.visuals().widgets.active.fg_stroke;
    ui.painter().rect_stroke(
        rect.expand(1.0),
        3.0,
        egui::Stroke::new(1.5, stroke.color),
        egui::StrokeKind::Inside,
    );
}

/// Arrow keys, Enter, Left and Right in the tree.
fn tree_keys(ui: &Ui, view: &mut OutlineView, outline: &Outline, commands: &mut Vec<Command>) {
    let (up, down, left, right, enter, home, end) = ui.input_mut(|i| {
        let mut key = |action| super::keys::pressed(i, action, Scope::Outline);
        (
            key(Action::OutlineUp),
            key(Action::OutlineDown),
            key(Action::OutlineCollapse),
            key(Action::OutlineExpand),
            key(Action::OutlineJump),
            key(Action::OutlineFirst),
            key(Action::OutlineLast),
        )
    });
    let rows = &view.rows;
    let pos = view
        .selected
        .and_then(|s| rows.iter().position(|&r| r == s));
    let select = |view: &mut OutlineView, i: usize| {
        view.selected = Some(i);
        view.reveal = Some(i);
    };
    if down {
        let next = pos.map_or(0, |p| (p + 1).min(rows.len() - 1));
        select(view, view.rows[next]);
    } else if up {
        let prev = pos.map_or(0, |p| p.saturating_sub(1));
        select(view, view.rows[prev]);
    } else if home {
        select(view, view.rows[0]);
    } else if end {
        select(view, view.rows[view.rows.len() - 1]);
    } else if let Some(s) = view.selected.filter(|&s| view.is_topic_row(s)) {
        // A topic sentence: Enter goes to it, Left to its heading.
        if enter {
            let k = s - outline.nodes.len();
            if let Some(t) = outline.topics.get(k) {
                commands.push(Command::JumpToChar(t.range.start));
            }
        } else if left && let Some(p) = view.node_of_row(s) {
            select(view, p);
        }
    } else if let Some(s) = view.selected {
        if right {
            if view.foldable(s) && !view.expanded[s] {
                view.set_expanded(s, true);
            } else if view.has_children[s] && view.rows.contains(&(s + 1)) {
                // The first child, unless the filter hides it.
                select(view, s + 1);
            }
        } else if left {
            if view.foldable(s) && view.expanded[s] {
                view.set_expanded(s, false);
            } else if let Some(p) = view.parent[s] {
                select(view, p);
            }
        } else if enter {
            commands.push(Command::Act(Act::JumpToNode(s)));
        }
    }
}

/// The size of inline points and topic sentences: a little under the headings' font size
/// (the line height, which it used, is larger than the font in CJK faces, so points came
/// out larger than their headings).
fn point_size(ui: &Ui) -> f32 {
    egui::TextStyle::Body.resolve(ui.style()).size * 0.9
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, SourceFormat};

    fn outline_of(text: &str) -> Outline {
        crate::outline::outline(&Document::from_text(
            text.to_owned(),
            "UTF-8",
            SourceFormat::Text,
        ))
    }

    const BODY: &str =
        "全年研发经费投入增长百分之十二，新增国家级创新平台五个，高新技术企业突破两千家。";

    #[test]
    fn topic_sentences_are_rows_only_when_shown_and_fold_with_their_heading() {
        let o = outline_of(&format!(
            "标题\n一、回顾\n做强科技创新。{BODY}\n加快成果转化。{BODY}\n二、安排\n{BODY}"
        ));
        assert_eq!(o.nodes.len(), 2);
        assert_eq!(o.topics.len(), 2);
        let mut view = OutlineView::new(&o);
        view.refresh_rows(&o);
        assert_eq!(view.rows(), [0, 1]);
        view.show_topics = true;
        view.refresh_rows(&o);
        assert_eq!(view.rows(), [0, 2, 3, 1]);
        assert!(view.is_topic_row(2) && !view.is_topic_row(1));
        assert_eq!(view.node_of_row(3), Some(0));
        // Folding the heading hides its topic sentences.
        assert!(view.foldable(0) && !view.foldable(1));
        view.set_expanded(0, false);
        view.refresh_rows(&o);
        assert_eq!(view.rows(), [0, 1]);
        // The filter finds topic sentences too, after the rows before them.
        view.set_expanded(0, true);
        view.filter = "转化".to_owned();
        view.refresh_rows(&o);
        assert_eq!(view.rows(), [0, 3]);
    }
}
