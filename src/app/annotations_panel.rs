//! The annotations panel (right): every highlight and note under its section, filters by
//! colour, tag and text, and the editor of the selected annotation.

use std::time::Duration;

use egui::{Color32, Rect, Role, ScrollArea, Sense, TextEdit, Ui, UiBuilder, Vec2, WidgetInfo};

use super::card::{Card, Laid};
use super::reader::{changed, toggle_underline};
use super::theme::{highlight_ink, palette};
use super::{Command, OpenDocument, PizhuApp};
use crate::annotate::group::Row;
use crate::annotate::{Annotation, AnnotationId, Color, Filter, Kind, Mark, clean_tag};
use crate::session::Action as Act;

/// How long a highlight flashes after a jump to it.
pub const FLASH: Duration = Duration::from_millis(1400);

/// The panel's state between frames.
#[derive(Debug, Default)]
pub struct AnnotationsView {
    /// Put the cursor in the note editor next frame.
    pub focus_note: bool,
    /// The annotation to flash, and when it started (egui time, set on first paint).
    flash: Option<(AnnotationId, Option<f64>)>,
    /// Text filter.
    pub filter: String,
    /// Colour filter: the colours shown (none ticked: all).
    pub colors: [bool; 5],
    /// Tag filter.
    pub tag: Option<String>,
    /// The note being edited: its annotation and the text typed.
    editor: Option<(AnnotationId, String)>,
    tag_input: String,
    /// Scroll the list to the selected annotation.
    reveal: bool,
    rows: RowsCache,
    /// Section paths, made once per outline (the rows are remade after every change).
    paths: crate::annotate::group::SectionPaths,
    /// Tag counts for the tag menu, made when the menu opens.
    tags: TagCounts,
    list_offset: f32,
    list_height: f32,
    /// The cards shown whole (their "more" pressed), by annotation.
    pub expanded: std::collections::HashSet<AnnotationId>,
    /// Authors whose imported Word comments are hidden (in the list and the text).
    pub hidden_authors: std::collections::BTreeSet<String>,
    /// The authors of the document's imported comments.
    authors: Authors,
}

/// The authors of a document's imported comments, in order, found again only after the
/// set changed (finding them reads every annotation: not every frame).
#[derive(Debug, Default)]
struct Authors {
    /// The document and set generation they are of.
    key: Option<(crate::session::DocId, u64)>,
    names: Vec<String>,
}

impl Authors {
    /// The authors of `doc`'s imported comments, sorted, each once.
    fn of(&mut self, doc: &OpenDocument) -> &[String] {
        let set = &doc.notes.set;
        let key = (doc.id, set.generation());
        // A document with no imported comment keeps none after a change that brought none
        // (what a change takes away cannot add one): no need to read every annotation.
        if let Some((id, since)) = self.key
            && id == doc.id
            && self.names.is_empty()
            && let Some(delta) = set.changes_since(since)
            && delta.touched.iter().all(|t| {
                t.now_at
                    .and_then(|i| set.items().get(i))
                    .is_none_or(|a| a.imported.as_ref().is_none_or(|i| i.author.is_empty()))
            })
        {
            self.key = Some(key);
        }
        if self.key != Some(key) {
            let names: std::collections::BTreeSet<&str> = doc
                .notes
                .set
                .items()
                .iter()
                .filter_map(|a| a.imported.as_deref())
                .map(|i| i.author.as_str())
                .filter(|a| !a.is_empty())
                .collect();
            self.names = names.into_iter().map(str::to_owned).collect();
            self.key = Some(key);
        }
        &self.names
    }
}

/// Whether `a` is an imported comment of an author in `hidden`.
pub fn hidden(hidden: &std::collections::BTreeSet<String>, a: &Annotation) -> bool {
    !hidden.is_empty()
        && a.imported
            .as_ref()
            .is_some_and(|i| hidden.contains(&i.author))
}

/// What the rows were built for: set generation, text, colours, tag, hidden authors.
type RowsKey = (
    u64,
    String,
    [bool; 5],
    Option<String>,
    std::collections::BTreeSet<String>,
);

#[derive(Debug, Default)]
struct RowsCache {
    key: Option<RowsKey>,
    /// The document the rows are of.
    doc: Option<crate::session::DocId>,
    rows: Vec<Row>,
    /// How many times the rows were made (the heights are for one making and one width).
    made: u64,
    /// When the rows were last patched, not made anew: the making they were patched from,
    /// and for each row the row it was then (the heights follow the same way).
    origin: Option<(u64, Vec<Option<usize>>)>,
    heights: super::card::Heights,
    /// The making, width and line height the heights are for.
    heights_for: Option<(u64, u32, u32)>,
    /// The cards open when the heights were made (their keys say open or not).
    expanded_for: std::collections::HashSet<AnnotationId>,
}

/// Most annotations a change touches for the list to be patched instead of made anew.
const PATCH_MAX: usize = 256;

/// Every tag of a document's annotations with its count, counted again only when asked
/// for after the set changed: a tag menu asks when it opens, not every frame (counting
/// reads every note).
#[derive(Debug, Default)]
pub struct TagCounts {
    /// The document and set generation counted.
    key: Option<(crate::session::DocId, u64)>,
    counts: Vec<(String, usize)>,
}

impl TagCounts {
    /// The counts for `doc`'s annotations, most used first.
    pub fn of(&mut self, doc: &OpenDocument) -> &[(String, usize)] {
        let key = (doc.id, doc.notes.set.generation());
        if self.key != Some(key) {
            self.counts = tag_counts(doc.notes.set.items());
            self.key = Some(key);
        }
        &self.counts
    }
}

impl AnnotationsView {
    /// The session selected an annotation (or none): bring it into view in the list.
    pub fn select(&mut self, id: Option<AnnotationId>) {
        self.reveal = id.is_some();
    }

    /// Make an annotation flash in the text.
    pub fn flash(&mut self, id: AnnotationId) {
        self.flash = Some((id, None));
    }

    /// The flashing annotation and how strongly it shows at egui time `now` (1 → 0).
    pub fn flashing(&mut self, now: f64) -> Option<(AnnotationId, f32)> {
        let (id, started) = self.flash.as_mut()?;
        let id = *id;
        let t = ((now - *started.get_or_insert(now)) / FLASH.as_secs_f64()) as f32;
        if t >= 1.0 {
            self.flash = None;
            return None;
        }
        Some((id, (1.0 - t) * (0.5 + 0.5 * (t * 9.0).cos().abs())))
    }

    /// Whether a filter is on.
    fn filtering(&self) -> bool {
        !self.filter.trim().is_empty() || self.colors.iter().any(|&c| c) || self.tag.is_some()
    }
}

/// The panel's filters as the one annotation filter (text folded like the find bar).
fn panel_filter(view: &AnnotationsView) -> Filter {
    Filter {
        colors: Color::ALL
            .into_iter()
            .zip(view.colors)
            .filter_map(|(c, on)| on.then_some(c))
            .collect(),
        tags: view.tag.iter().cloned().collect(),
        query: view.filter.clone(),
        ..Filter::default()
    }
}

/// The rows of the list (annotations under their sections) and their tops, remade when
/// the set or the filter changed.
fn build_rows(view: &mut AnnotationsView, doc: &OpenDocument) {
    let set = &doc.notes.set;
    let key = (
        set.generation(),
        view.filter.clone(),
        view.colors,
        view.tag.clone(),
        view.hidden_authors.clone(),
    );
    if view.rows.key.as_ref() == Some(&key) {
        return;
    }
    let items = set.items();
    let filter = panel_filter(view);
    // Only the set changed (the same document, filter and outline): the rows are patched
    // for what changed, the others moved over as they are.
    let patch = match view.rows.key.as_ref() {
        Some(old)
            if view.rows.doc == Some(doc.id)
                && view.hidden_authors.is_empty()
                && (&old.1, &old.2, &old.3, &old.4) == (&key.1, &key.2, &key.3, &key.4) =>
        {
            set.changes_since(old.0)
                .filter(|delta| delta.touched.len() <= PATCH_MAX)
        }
        _ => None,
    };
    if let Some(delta) = patch
        && let Some((rows, origin)) = view.paths.patch(
            std::mem::take(&mut view.rows.rows),
            items,
            &doc.outline,
            &filter,
            &delta,
        )
    {
        view.rows.key = Some(key);
        view.rows.rows = rows;
        view.rows.origin = Some((view.rows.made, origin));
        view.rows.made += 1;
        return;
    }
    let mut rows = view.paths.rows(items, &doc.outline, &filter);
    if !view.hidden_authors.is_empty() {
        rows.retain(|r| !matches!(r, Row::Item(i) if items.get(*i).is_some_and(|a| hidden(&view.hidden_authors, a))));
        // A heading left with nothing under it goes too.
        let mut kept: Vec<Row> = Vec::with_capacity(rows.len());
        for row in rows {
            if !matches!(row, Row::Item(_))
                && kept.last().is_some_and(|r| !matches!(r, Row::Item(_)))
            {
                kept.pop();
            }
            kept.push(row);
        }
        if kept.last().is_some_and(|r| !matches!(r, Row::Item(_))) {
            kept.pop();
        }
        rows = kept;
    }
    view.rows.key = Some(key);
    view.rows.doc = Some(doc.id);
    view.rows.rows = rows;
    view.rows.origin = None;
    view.rows.made += 1;
}

/// The heights of the list's rows for a list `width` wide: kept while the rows, the width
/// and the text size stay, estimated again when one changes.
fn ensure_heights(ui: &Ui, view: &mut AnnotationsView, items: &[Annotation], width: f32) {
    let header_h = ui.text_style_height(&egui::TextStyle::Body) + 10.0;
    let review_h = ui.spacing().interact_size.y + 2.0;
    let key = (view.rows.made, width.to_bits(), header_h.to_bits());
    if view.rows.heights_for == Some(key) {
        return;
    }
    let estimate = super::card::Estimate::new(ui, width);
    let expanded = &view.expanded;
    let height = |row: &Row| match row {
        Row::Item(i) if let Some(a) = items.get(*i) => {
            let extra = if shows_review(a) { review_h } else { 0.0 };
            // (No hashing of 10,000 ids when no card is open: the heights are made again
            // when the list is.)
            let open = !expanded.is_empty() && expanded.contains(&a.id);
            (
                estimate.card(&a.quote, &a.note, extra),
                Some(super::card::Heights::key(a.id, 0, open)),
            )
        }
        _ => (header_h, None),
    };
    // Rows patched after a change, for the width and the open cards of the heights kept:
    // only the new rows are estimated.
    let patched = view.rows.origin.take().filter(|(from, _)| {
        view.rows.heights_for == Some((*from, key.1, key.2)) && view.rows.expanded_for == *expanded
    });
    if let Some((_, origin)) = patched {
        let rows = &view.rows.rows;
        view.rows.heights.patch(&origin, |r| height(&rows[r]));
        view.paths.recycle(origin);
    } else {
        let rows = view.rows.rows.iter().map(height);
        view.rows.heights.reset(rows, (width, header_h));
        view.rows.expanded_for.clone_from(expanded);
    }
    view.rows.heights_for = Some(key);
}

/// Every tag in use with its count, most used first.
pub fn tag_counts(items: &[Annotation]) -> Vec<(String, usize)> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for a in items {
        for tag in a.each_tag() {
            *counts.entry(tag).or_default() += 1;
        }
    }
    let mut tags: Vec<(String, usize)> =
        counts.into_iter().map(|(t, n)| (t.to_owned(), n)).collect();
    tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    tags
}

/// A drop-down choosing one tag (or all), with counts (the panel's and the export's
/// filter); the counts are made when it opens.
pub fn tag_combo_ui(
    ui: &mut Ui,
    id_salt: &str,
    t: &super::i18n::Strings,
    selected: &mut Option<String>,
    tags: &mut TagCounts,
    doc: &OpenDocument,
) {
    let current = selected.clone().unwrap_or_else(|| t.all_tags.to_owned());
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(current)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(selected.is_none(), t.all_tags)
                .clicked()
            {
                *selected = None;
            }
            for (tag, n) in tags.of(doc) {
                let on = selected.as_ref() == Some(tag);
                if ui.selectable_label(on, format!("#{tag} ({n})")).clicked() {
                    *selected = Some(tag.clone());
                }
            }
        })
        .response
        .widget_info(|| WidgetInfo::labeled(Role::ComboBox, true, t.tags));
}

/// The right panel.
pub fn annotations_panel_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let width = app.settings.annotations_width;
    let response = egui::Panel::right("annotations-panel")
        .resizable(true)
        .default_size(width)
        .size_range(220.0..=720.0)
        .show(ui, |ui| panel_ui(app, ui));
    let new_width = response.response.rect.width();
    if (new_width - app.settings.annotations_width).abs() > 1.0 {
        app.settings.annotations_width = new_width;
        app.mark_settings_dirty();
    }
}

/// A round colour swatch that acts as a button.
pub(crate) fn swatch(ui: &mut Ui, color: Color, on: bool, label: String) -> egui::Response {
    let (rect, resp) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::click());
    let ink = highlight_ink(color);
    let painter = ui.painter();
    painter.circle_filled(rect.center(), 7.0, ink);
    if on {
        painter.circle_stroke(
            rect.center(),
            9.0,
            egui::Stroke::new(2.0, ui.visuals().strong_text_color()),
        );
    } else if resp.hovered() {
        painter.circle_stroke(rect.center(), 9.0, egui::Stroke::new(1.0, ink));
    }
    resp.widget_info(|| WidgetInfo::selected(Role::Button, true, on, &label));
    resp.on_hover_text(label)
}

pub(super) fn panel_ui(app: &mut PizhuApp, ui: &mut Ui) {
    super::room::legible_text(ui, app.settings.zoom);
    ui.set_min_width(ui.available_width());
    let t = app.t();
    let theme = app.settings.theme;
    let Some(doc) = app.current.as_ref() else {
        return;
    };
    let mut commands = Vec::new();
    let view = &mut app.notes_view;
    let set = &doc.notes.set;

    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.strong(t.annotations_title(set.len()));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let close = ui.small_button("×");
            close.widget_info(|| {
                WidgetInfo::labeled(Role::Button, true, format!("{} {}", t.close, t.annotations))
            });
            if close.clicked() {
                commands.push(Command::ToggleAnnotations);
            }
        });
    });
    let filter = ui.add(
        TextEdit::singleline(&mut view.filter)
            .hint_text(t.filter_annotations)
            .desired_width(f32::INFINITY),
    );
    filter.widget_info(|| {
        let mut info = WidgetInfo::text_edit(true, "", &view.filter, t.filter_annotations);
        info.label = Some(t.filter_annotations.to_owned());
        info
    });
    build_rows(view, doc);
    ui.horizontal_wrapped(|ui| {
        for (i, color) in Color::ALL.into_iter().enumerate() {
            let label = format!("{}{}", t.filter_by, t.color_name(color));
            if swatch(ui, color, view.colors[i], label).clicked() {
                view.colors[i] = !view.colors[i];
            }
        }
        tag_combo_ui(ui, "tag-filter", t, &mut view.tag, &mut view.tags, doc);
        authors_ui(ui, t.lang, &mut view.hidden_authors, &mut view.authors, doc);
        if view.filtering() && ui.small_button(t.clear_filter).clicked() {
            view.filter.clear();
            view.colors = [false; 5];
            view.tag = None;
        }
    });
    ui.separator();

    if let Some(id) = doc.selected
        && let Some(a) = set.get(id)
    {
        // However long its quote and note, the editor takes at most part of the panel and
        // scrolls; the list keeps the rest (issue 16).
        let panel_h = ui.max_rect().height();
        ScrollArea::vertical()
            .id_salt("annotation-editor")
            .max_height(panel_h * EDITOR_SHARE)
            .auto_shrink([false, true])
            .show(ui, |ui| editor_ui(ui, t, a, view, panel_h, &mut commands));
        ui.separator();
    } else {
        view.editor = None;
    }

    if set.is_empty() {
        ui.add(egui::Label::new(egui::RichText::new(t.no_annotations).weak()).wrap());
    } else if view.rows.rows.is_empty() {
        ui.weak(t.no_annotation_match);
    } else {
        list_ui(ui, t, theme, doc, view, &mut commands);
    }
    for c in commands {
        app.push(c);
    }
}

/// The largest share of the panel's height the selected annotation's editor takes.
const EDITOR_SHARE: f32 = 0.5;
/// The largest share of the panel's height the note field takes (it scrolls inside).
const NOTE_SHARE: f32 = 0.3;

/// The selected annotation: colour, style, quote, note and tags.
fn editor_ui(
    ui: &mut Ui,
    t: &super::i18n::Strings,
    a: &Annotation,
    view: &mut AnnotationsView,
    panel_h: f32,
    commands: &mut Vec<Command>,
) {
    // The buffer follows the annotation unless the user is typing in it (undo, another
    // window's change, a newly selected annotation).
    let note_id = ui.make_persistent_id(("note-editor", a.id));
    let typing = ui.memory(|m| m.has_focus(note_id));
    match &mut view.editor {
        Some((id, text)) if *id == a.id => {
            if !typing && *text != a.note {
                *text = a.note.clone();
            }
        }
        _ => view.editor = Some((a.id, a.note.clone())),
    }
    ui.horizontal_wrapped(|ui| match a.kind {
        Kind::SectionNote => {
            ui.strong(t.section_note);
        }
        Kind::Highlight => {
            for color in Color::ALL {
                let label = format!("{}{}", t.change_to, t.color_name(color));
                if swatch(ui, color, a.color == color, label).clicked() && a.color != color {
                    commands.push(changed(a, |x| x.color = color));
                }
            }
            let underline = a.mark == Mark::Underline;
            if ui.selectable_label(underline, t.underline).clicked() {
                commands.push(changed(a, toggle_underline));
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        if ui.small_button(t.copy_quote).clicked() {
            commands.push(Command::Copy(a.quote.clone()));
        }
        if a.is_placed() && ui.small_button(t.show_in_text).clicked() {
            commands.push(Command::Act(Act::GoToAnnotation(a.id)));
        }
        if ui.small_button(t.delete).clicked() {
            commands.push(Command::Act(Act::DeleteAnnotation(a.id)));
        }
    });
    let quote: String = if a.quote.chars().count() > 300 {
        format!("{}…", a.quote.chars().take(300).collect::<String>())
    } else {
        a.quote.clone()
    };
    let ink = highlight_ink(a.color);
    egui::Frame::new()
        .inner_margin(egui::Margin::symmetric(6, 2))
        .stroke(egui::Stroke::NONE)
        .show(ui, |ui| {
            let r = ui.add(egui::Label::new(format!("「{}」", quote.trim())).wrap());
            ui.painter().vline(
                r.rect.left() - 5.0,
                r.rect.y_range(),
                egui::Stroke::new(3.0, ink),
            );
        });
    if !a.is_placed() {
        ui.colored_label(Color32::from_rgb(0xC0, 0x39, 0x2B), t.unplaced);
    }
    comment_ui(ui, t.lang, a);
    if let Some(review) = a.review.as_ref().filter(|_| shows_review(a)) {
        ui.horizontal_wrapped(|ui| {
            let notice = egui::RichText::new(t.review_notice(review, &a.quote))
                .color(ui.visuals().warn_fg_color);
            ui.add(egui::Label::new(notice).wrap());
            confirm_button(ui, t, a, commands);
        });
    }
    let Some((_, text)) = view.editor.as_mut() else {
        return;
    };
    let edit = ScrollArea::vertical()
        .id_salt(("note-scroll", a.id))
        .max_height(panel_h * NOTE_SHARE)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            ui.add(
                TextEdit::multiline(text)
                    .id(note_id)
                    .hint_text(t.note_hint)
                    .desired_rows(4)
                    .desired_width(f32::INFINITY),
            )
        })
        .inner;
    edit.widget_info(|| {
        let mut info = WidgetInfo::text_edit(true, "", text.as_str(), t.note_hint);
        info.role = Role::MultilineTextInput;
        info.label = Some(t.note.to_owned());
        info
    });
    if view.focus_note {
        edit.request_focus();
        view.focus_note = false;
    }
    if edit.changed() {
        commands.push(Command::Act(Act::TypeNote(a.id, text.clone())));
    }
    if edit.lost_focus() {
        commands.push(Command::Act(Act::EndTyping));
    }
    // Tags: those of the tag field can be removed here; `#标签` ones live in the note.
    ui.horizontal_wrapped(|ui| {
        ui.weak(t.tags);
        for tag in &a.tags {
            let chip = ui.small_button(format!("#{tag} ×"));
            chip.widget_info(|| {
                WidgetInfo::labeled(Role::Button, true, format!("{} {tag}", t.remove_tag))
            });
            if chip.clicked() {
                commands.push(changed(a, |x| x.tags.retain(|t| t != tag)));
            }
        }
        for tag in crate::annotate::hashtags(&a.note) {
            if !a.tags.contains(&tag) {
                ui.weak(format!("#{tag}"));
            }
        }
        let input = ui.add(
            TextEdit::singleline(&mut view.tag_input)
                .hint_text(t.add_tag)
                .desired_width(110.0),
        );
        input.widget_info(|| {
            let mut info = WidgetInfo::text_edit(true, "", &view.tag_input, t.add_tag);
            info.label = Some(t.add_tag.to_owned());
            info
        });
        let entered = input.lost_focus()
            && ui.input_mut(|i| {
                super::keys::pressed(
                    i,
                    crate::session::keymap::Action::AddTag,
                    crate::session::keymap::Scope::TagField,
                )
            });
        if entered && let Some(tag) = clean_tag(&view.tag_input) {
            if !a.tags.contains(&tag) {
                commands.push(changed(a, |x| x.tags.push(tag)));
            }
            view.tag_input.clear();
            input.request_focus();
        }
    });
}

/// The list: virtualised rows of section headers and annotations.
fn list_ui(
    ui: &mut Ui,
    t: &super::i18n::Strings,
    theme: super::settings::Theme,
    doc: &OpenDocument,
    view: &mut AnnotationsView,
    commands: &mut Vec<Command>,
) {
    let pal = palette(theme);
    let items = doc.notes.set.items();
    let mut area = ScrollArea::vertical()
        .id_salt("annotations-list")
        .auto_shrink([false, false]);
    if let Some(y) = view.rows.heights.take_offset() {
        area = area.vertical_scroll_offset(y);
    }
    if std::mem::take(&mut view.reveal)
        && let Some(id) = doc.selected
        && let Some(row) =
            view.rows.rows.iter().position(
                |r| matches!(r, Row::Item(i) if items.get(*i).is_some_and(|a| a.id == id)),
            )
        && row + 1 < view.rows.heights.tops().len()
    {
        let tops = view.rows.heights.tops();
        let (y, end) = (tops[row], tops[row + 1]);
        if y < view.list_offset || end > view.list_offset + view.list_height {
            area = area.vertical_scroll_offset((y - view.list_height / 3.0).max(0.0));
        }
    }
    let output = area.show_viewport(ui, |ui, viewport| {
        let width = ui.available_width();
        ensure_heights(ui, view, items, width);
        let rows = &view.rows.rows;
        let heights = &mut view.rows.heights;
        let tops = heights.tops().to_vec();
        let total = tops.last().copied().unwrap_or(0.0);
        ui.set_height(total);
        let origin = ui.max_rect().left_top();
        let first = tops
            .partition_point(|&y| y <= viewport.min.y)
            .saturating_sub(1);
        // Cards drawn taller or shorter than estimated move the rows below them this frame.
        let mut shift = 0.0;
        for (r, row) in rows.iter().enumerate().skip(first) {
            let top = tops[r] + shift;
            if top > viewport.max.y {
                break;
            }
            let at = origin + Vec2::new(0.0, top);
            match row {
                Row::Unplaced(_) | Row::Section(_) => {
                    let rect = Rect::from_min_size(at, Vec2::new(width, tops[r + 1] - tops[r]));
                    let (label, unplaced) = match row {
                        Row::Unplaced(n) => (format!("{} · {n}", t.unplaced), true),
                        Row::Section(Some(path)) => (path.clone(), false),
                        _ => (doc.display_title().to_owned(), false),
                    };
                    let mut child = ui.new_child(UiBuilder::new().max_rect(rect));
                    child.add_space(4.0);
                    let text = egui::RichText::new(&label).small().strong();
                    let text = if unplaced {
                        text.color(Color32::from_rgb(0xC0, 0x39, 0x2B))
                    } else {
                        text
                    };
                    let resp = child.add(egui::Label::new(text).truncate());
                    if unplaced {
                        resp.on_hover_text(t.unplaced_hint);
                    } else {
                        resp.on_hover_text(label);
                    }
                }
                Row::Item(i) => {
                    let Some(a) = items.get(*i) else { continue };
                    let card = card_of(ui, t, a, view.expanded.contains(&a.id));
                    let laid = card.lay_out(ui, width, t.card_more, t.card_less);
                    shift += heights.measure(r, laid.height, tops[r] < viewport.min.y);
                    let rect = Rect::from_min_size(at, Vec2::new(width, laid.height));
                    let selected = (doc.selected == Some(a.id)).then_some(pal.current);
                    if item_ui(ui, t, rect, a, &card, &laid, selected, commands) {
                        if !view.expanded.remove(&a.id) {
                            view.expanded.insert(a.id);
                        }
                        ui.ctx().request_repaint();
                    }
                }
            }
        }
        if shift != 0.0 {
            // The total changed: lay the list out again with the measured heights.
            ui.ctx().request_repaint();
        }
    });
    view.list_offset = output.state.clamped_offset().y;
    view.rows.heights.shown_at(view.list_offset);
    view.list_height = output.inner_rect.height();
}

/// The card of annotation `a`: its quote (a section note's marked so), note and tags.
fn card_of(ui: &Ui, t: &super::i18n::Strings, a: &Annotation, expanded: bool) -> Card {
    let quote_line: String = a.quote.split_whitespace().collect::<Vec<_>>().join(" ");
    let quote = if a.kind == Kind::SectionNote {
        format!("{} · {}", t.section_note, quote_line)
    } else {
        quote_line
    };
    let tags = a
        .all_tags()
        .iter()
        .map(|t| format!("#{t}"))
        .collect::<Vec<_>>()
        .join(" ");
    let ink = highlight_ink(a.color);
    Card {
        quote,
        underline: a.mark == Mark::Underline,
        note: a.note.clone(),
        meta: tags,
        meta_color: Some(ink),
        ink,
        outlined: a.kind == Kind::SectionNote,
        expanded,
        extra_h: if shows_review(a) {
            ui.spacing().interact_size.y + 2.0
        } else {
            0.0
        },
    }
}

/// One annotation in the list: colour bar, quote, note, tags (see [`super::card`]); whether
/// its "more" / "less" was pressed.
#[allow(clippy::too_many_arguments)]
fn item_ui(
    ui: &mut Ui,
    t: &super::i18n::Strings,
    rect: Rect,
    a: &Annotation,
    card: &Card,
    laid: &Laid,
    selected: Option<Color32>,
    commands: &mut Vec<Command>,
) -> bool {
    let quote_line: String = a.quote.split_whitespace().collect::<Vec<_>>().join(" ");
    let painted = super::card::paint(
        ui,
        rect,
        ui.scope_id().with(("annotation", a.id)),
        card,
        laid,
        &quote_line,
        selected,
    );
    if let Some(review) = a.review.as_ref().filter(|_| shows_review(a)) {
        let notice = t.review_notice(review, &a.quote);
        let mut child = ui.new_child(UiBuilder::new().max_rect(painted.extra));
        child.horizontal(|ui| {
            // The button's own width, whatever the zoom and the language.
            let button = egui::WidgetText::from(t.confirm_place)
                .into_galley(ui, None, f32::INFINITY, egui::TextStyle::Button)
                .size()
                .x
                + 2.0 * ui.spacing().button_padding.x
                + ui.spacing().item_spacing.x
                + 4.0;
            let room = (ui.available_width() - button).max(40.0);
            ui.scope(|ui| {
                ui.set_max_width(room);
                let text = egui::RichText::new(notice.as_str())
                    .small()
                    .color(ui.visuals().warn_fg_color);
                ui.add(egui::Label::new(text).truncate().selectable(false))
                    .on_hover_text(notice.as_str());
            });
            confirm_button(ui, t, a, commands);
        });
    }
    let resp = if a.note.is_empty() || !laid.cut {
        painted.response
    } else {
        painted.response.on_hover_text(&a.note)
    };
    if resp.clicked() {
        commands.push(Command::Act(Act::GoToAnnotation(a.id)));
    }
    resp.context_menu(|ui| annotation_menu_items(ui, t, a, commands));
    painted.toggled
}

/// Whether the panel shows `a`'s review notice (placed annotations waiting for a confirm).
fn shows_review(a: &Annotation) -> bool {
    a.review.is_some() && a.is_placed()
}

/// The button confirming a reviewed annotation's place: one undoable change, like any other.
fn confirm_button(
    ui: &mut Ui,
    t: &super::i18n::Strings,
    a: &Annotation,
    commands: &mut Vec<Command>,
) {
    let button = ui
        .small_button(t.confirm_place)
        .on_hover_text(t.confirm_place_hint);
    if button.clicked() {
        commands.push(changed(a, Annotation::confirm_place));
    }
}

/// A menu entry that queues `command` and closes the menu.
pub fn menu_item(ui: &mut Ui, label: &str, command: Command, commands: &mut Vec<Command>) {
    if ui.button(label).clicked() {
        commands.push(command);
        ui.close();
    }
}

/// The entries every annotation's context menu ends with: edit the note, copy the quote,
/// delete (the panel's list and the text share them).
pub fn annotation_menu_items(
    ui: &mut Ui,
    t: &super::i18n::Strings,
    a: &Annotation,
    commands: &mut Vec<Command>,
) {
    menu_item(ui, t.edit_note, Command::Act(Act::EditNote(a.id)), commands);
    menu_item(ui, t.copy_quote, Command::Copy(a.quote.clone()), commands);
    menu_item(
        ui,
        t.delete,
        Command::Act(Act::DeleteAnnotation(a.id)),
        commands,
    );
}

/// Who wrote an imported Word comment, when, and its replies (the editor shows them).
fn comment_ui(ui: &mut Ui, lang: crate::lang::Lang, a: &Annotation) {
    let zh = lang == crate::lang::Lang::Zh;
    let when = |ms: Option<i64>| {
        ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .map(|ts| {
                ts.to_zoned_datetime(jiff::tz::TimeZone::system())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    };
    if let Some(i) = a.imported.as_deref() {
        let text = match (i.author.is_empty(), zh) {
            (true, true) => "Word 文档中的突出显示（未改动）".to_owned(),
            (true, false) => "A highlight from the Word document (unchanged)".to_owned(),
            (false, true) => format!(
                "Word 批注 · {} · {}（改动后即为你的批注）",
                i.author,
                when(i.date_ms)
            ),
            (false, false) => format!(
                "Word comment · {} · {} (yours once you change it)",
                i.author,
                when(i.date_ms)
            ),
        };
        ui.add(egui::Label::new(egui::RichText::new(text).small().weak()).wrap());
    }
    for r in &a.replies {
        let head = format!("↳ {} · {}", r.author, when(r.date_ms));
        ui.add(egui::Label::new(egui::RichText::new(head).small().strong()).wrap());
        ui.add(egui::Label::new(egui::RichText::new(&r.text).small()).wrap());
    }
}

/// The authors of the document's imported comments, each with a tick that hides theirs.
fn authors_ui(
    ui: &mut Ui,
    lang: crate::lang::Lang,
    hidden: &mut std::collections::BTreeSet<String>,
    known: &mut Authors,
    doc: &OpenDocument,
) {
    let authors = known.of(doc);
    if authors.is_empty() {
        return;
    }
    let zh = lang == crate::lang::Lang::Zh;
    let label = if hidden.is_empty() {
        if zh { "批注作者" } else { "Authors" }.to_owned()
    } else if zh {
        format!("已隐藏 {} 位作者", hidden.len())
    } else {
        format!(
            "{} hidden",
            super::i18n::plural(hidden.len(), "author", "authors")
        )
    };
    egui::ComboBox::from_id_salt("author-filter")
        .selected_text(label)
        .show_ui(ui, |ui| {
            for author in authors {
                let author = author.as_str();
                let mut shown = !hidden.contains(author);
                let text = if zh {
                    format!("显示 {author} 的批注")
                } else {
                    format!("Show {author}'s comments")
                };
                if ui.checkbox(&mut shown, text).changed() {
                    if shown {
                        hidden.remove(author);
                    } else {
                        hidden.insert(author.to_owned());
                    }
                }
            }
        })
        .response
        .widget_info(|| {
            WidgetInfo::labeled(
                Role::ComboBox,
                true,
                if zh { "批注作者" } else { "Authors" },
            )
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::{AnchorState, Edit};
    use crate::document::{Document, SourceFormat, TextRange};

    const TEXT: &str = "同志们：\n开场的话讲一讲。\n一、总体要求\n要求的话讲一讲。\n（一）第一点\n第一点的话讲一讲。\n（二）第二点\n第二点的话讲一讲。\n二、工作安排\n安排的话讲一讲。\n三、保障措施\n保障的话讲一讲。";

    struct Random(crate::testing::Xorshift);

    impl Random {
        fn next(&mut self, n: u64) -> u64 {
            self.0.below(n)
        }

        fn annotation(&mut self, chars: usize, id: u64) -> Annotation {
            let start = self.next(chars as u64 - 4) as usize;
            Annotation {
                id,
                color: Color::ALL[self.next(5) as usize],
                range: TextRange::new(start, start + 1 + self.next(3) as usize),
                quote: "话".repeat(1 + self.next(80) as usize),
                note: "讲".repeat(self.next(3) as usize * 40),
                modified_ms: 1000 + self.next(50) as i64,
                state: if self.next(6) == 0 {
                    AnchorState::Unplaced
                } else {
                    AnchorState::Exact
                },
                ..Annotation::default()
            }
        }
    }

    /// The rows and heights of `view` for `doc` in a list 300 wide, as a frame makes them;
    /// whether they were patched.
    fn lay_out(ctx: &egui::Context, view: &mut AnnotationsView, doc: &OpenDocument) -> bool {
        let mut patched = false;
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            build_rows(view, doc);
            patched = view.rows.origin.is_some();
            ensure_heights(ui, view, doc.notes.set.items(), 300.0);
        });
        out.textures_delta.clear();
        patched
    }

    /// The panel's list patched after each change (edits, merges, typing, undo, redo, now
    /// and then a filter) shows the rows and heights of a list made from scratch that knows
    /// the same measured cards, and keeps every measured height.
    #[test]
    fn the_list_patched_after_changes_equals_the_list_remade() {
        let ctx = egui::Context::default();
        for seed in 1..40u64 {
            let mut r = Random(crate::testing::Xorshift(
                seed.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            ));
            let mut doc = OpenDocument::new(
                Document::from_text(TEXT.into(), "UTF-8", SourceFormat::Text),
                None,
                "t".into(),
            );
            let chars = doc.doc.char_count;
            let items = (0..r.next(60)).map(|k| Edit::Add(r.annotation(chars, 1 + k)));
            doc.notes.set.apply(items.collect(), 1_000);
            let mut view = AnnotationsView::default();
            let mut patched = 0;
            for step in 0..30 {
                let now = 2_000 + step;
                let id = 1 + r.next(70);
                match r.next(8) {
                    0 | 1 => {
                        let fresh = 10_000 + r.next(1_000_000);
                        let a = r.annotation(chars, fresh);
                        doc.notes.set.apply(vec![Edit::Add(a)], now);
                    }
                    2 => {
                        let a = r.annotation(chars, id);
                        doc.notes.set.apply(vec![Edit::Update(a)], now);
                    }
                    3 => doc.notes.set.apply(vec![Edit::Remove(id)], now),
                    4 => {
                        let mut a = r.annotation(chars, id);
                        a.modified_ms = 5_000;
                        doc.notes.set.merge(vec![a], &[]);
                    }
                    5 => {
                        doc.notes.set.undo(now);
                    }
                    6 => view.colors[r.next(5) as usize] ^= true,
                    _ => {
                        let a = r.annotation(chars, id);
                        doc.notes.set.replace_last(a, now);
                    }
                }
                patched += usize::from(lay_out(&ctx, &mut view, &doc));
                // A list made from scratch.
                let mut fresh = AnnotationsView {
                    colors: view.colors,
                    ..AnnotationsView::default()
                };
                fresh.rows.heights = view.rows.heights.knowing_the_same();
                lay_out(&ctx, &mut fresh, &doc);
                assert_eq!(view.rows.rows, fresh.rows.rows, "seed {seed} step {step}");
                assert_eq!(
                    view.rows.heights.rows(),
                    fresh.rows.heights.rows(),
                    "seed {seed} step {step}"
                );
                // Some cards drawn (measured), as scrolling does.
                let cards: Vec<usize> = (0..view.rows.rows.len())
                    .filter(|&i| matches!(view.rows.rows[i], Row::Item(_)))
                    .collect();
                for _ in 0..3.min(cards.len()) {
                    let row = cards[r.next(cards.len() as u64) as usize];
                    view.rows
                        .heights
                        .measure(row, 30.0 + r.next(40) as f32, false);
                }
            }
            assert!(patched > 0, "seed {seed}: never patched");
        }
    }

    #[test]
    fn the_authors_follow_changes_without_reading_every_annotation_when_there_are_none() {
        let mut doc = OpenDocument::new(
            Document::from_text(TEXT.into(), "UTF-8", SourceFormat::Text),
            None,
            "t".into(),
        );
        let chars = doc.doc.char_count;
        let mut r = Random(crate::testing::Xorshift(7));
        let mut authors = Authors::default();
        let items = (0..20).map(|k| Edit::Add(r.annotation(chars, 1 + k)));
        doc.notes.set.apply(items.collect(), 1_000);
        assert!(authors.of(&doc).is_empty());
        doc.notes.set.apply(vec![Edit::Remove(3)], 2_000);
        assert!(authors.of(&doc).is_empty());
        // A comment imported from Word comes in (another window merged it): its author shows.
        let mut comment = r.annotation(chars, 99);
        comment.imported = Some(Box::new(crate::annotate::imported::Imported {
            author: "张三".into(),
            ..Default::default()
        }));
        doc.notes.set.merge(vec![comment], &[]);
        assert_eq!(authors.of(&doc), ["张三"]);
        // And goes with it.
        doc.notes.set.apply(vec![Edit::Remove(99)], 3_000);
        assert!(authors.of(&doc).is_empty());
    }
}
