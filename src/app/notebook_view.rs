//! The notebook (金句库, Ctrl+Shift+F): every highlight and note of every document in one
//! list, searched as you type, filtered, edited in place, copied with its source, exported.
//!
//! Searching runs on a worker over the shared notebook (the newest query wins), so typing
//! never waits for a search; the list draws only the rows on screen.

use std::path::PathBuf;
use std::sync::Arc;

use egui::{Rect, Role, Sense, Ui, UiBuilder, Vec2, WidgetInfo};

use super::card::{Card, Laid};
use super::export_window::{failure_text, format_label};
use super::shelf::Job;
use super::theme::highlight_ink;
use super::{Command, PizhuApp, View};
use crate::annotate::{AnnotationId, Color, Filter, Kind, Mark, clean_tag};
use crate::export::Format;
use crate::library::{DEFAULT_CITATION, Entry, Notebook, NotebookDoc, Order, Query, citation};
use crate::session::task::Task;

/// What a search asked for (a new one starts when it changes).
#[derive(Clone, Debug, Default, PartialEq)]
struct SearchKey {
    query: String,
    colors: [bool; 5],
    tag: Option<String>,
    doc: String,
    from: String,
    to: String,
    notes_only: bool,
    grouped: bool,
}

/// One line of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    /// A document's heading (grouped view): its index and how many entries follow.
    Doc(usize, usize),
    /// An entry of the notebook.
    Entry(usize),
}

/// A search's answer.
pub struct Results {
    key: SearchKey,
    notebook: Arc<Notebook>,
    /// Entries shown, in order.
    pub indices: Vec<usize>,
    /// The list's rows (document headings when grouped).
    pub rows: Vec<Row>,
    /// What the list's height estimate needs of each row, made with them on the worker:
    /// the first frame of 100,000 rows then reads one small array in order instead of
    /// 100,000 annotations all over memory (that frame took 16–23 ms).
    sizes: Vec<RowSize>,
    /// Tags of the entries shown, with counts.
    pub tags: Vec<(String, usize)>,
    /// Tags of every entry, for the tag menu.
    pub all_tags: Vec<(String, usize)>,
    /// A date that could not be read.
    pub bad_date: bool,
}

/// A row's quote and note lengths (bytes), annotation id and document (0 for a heading).
#[derive(Clone, Copy, Debug, Default)]
struct RowSize {
    quote: u32,
    note: u32,
    id: u64,
    doc: u32,
}

/// The note being edited in place.
#[derive(Clone, Debug, Default, PartialEq)]
struct Editor {
    store: PathBuf,
    id: AnnotationId,
    note: String,
    tags: String,
    dirty: bool,
}

/// The notebook view's state.
pub struct NotebookView {
    /// Search text (folded like the find bar).
    pub query: String,
    /// Colours kept (none ticked: all).
    pub colors: [bool; 5],
    /// Tag kept.
    pub tag: Option<String>,
    /// Documents kept: part of a title or path.
    pub doc: String,
    /// Created on or after (YYYY-MM-DD).
    pub from: String,
    /// Created on or before (YYYY-MM-DD).
    pub to: String,
    /// Only entries with a note.
    pub notes_only: bool,
    /// Grouped by document → section instead of newest first.
    pub grouped: bool,
    /// The last answer.
    pub results: Option<Results>,
    searching: Option<(SearchKey, Task<Results>)>,
    /// The entry selected: its store and id.
    pub selected: Option<(PathBuf, AnnotationId)>,
    editor: Option<Editor>,
    /// Scroll the list so that the selected row shows.
    scroll_to_selected: bool,
    /// A tag being renamed: from, to.
    pub rename: Option<(String, String)>,
    /// Export format.
    pub format: Format,
    export_dialog: Option<Task<Option<PathBuf>>>,
    exporting: Option<Task<Result<PathBuf, String>>>,
    /// Put the cursor in the search field.
    pub focus_search: bool,
    /// Where the selected entry is in the notebook (which notebook, which entry): found
    /// once, not looked up among 100,000 entries every frame.
    found: Option<(usize, Option<usize>)>,
    /// The cards shown whole (their "more" pressed): store and annotation.
    pub expanded: std::collections::HashSet<(PathBuf, AnnotationId)>,
    /// The list's row heights, and the rows (by address), width and text size they are for.
    heights: (super::card::Heights, Option<(usize, usize, u32, u32)>),
}

impl Default for NotebookView {
    fn default() -> Self {
        Self {
            query: String::new(),
            colors: [false; 5],
            tag: None,
            doc: String::new(),
            from: String::new(),
            to: String::new(),
            notes_only: false,
            grouped: false,
            results: None,
            searching: None,
            selected: None,
            editor: None,
            scroll_to_selected: false,
            rename: None,
            format: Format::Md,
            export_dialog: None,
            exporting: None,
            focus_search: true,
            found: None,
            expanded: Default::default(),
            heights: Default::default(),
        }
    }
}

impl NotebookView {
    /// The selected entry's index in `notebook`.
    fn selected_entry(&mut self, notebook: &Arc<Notebook>) -> Option<usize> {
        let (store, id) = self.selected.as_ref()?;
        let here = Arc::as_ptr(notebook) as usize;
        if let Some((at, i)) = self.found
            && at == here
        {
            return i;
        }
        let i = notebook
            .entries()
            .iter()
            .position(|e| e.annotation.id == *id && notebook.docs()[e.doc].store == *store);
        self.found = Some((here, i));
        i
    }

    fn key(&self) -> SearchKey {
        SearchKey {
            query: self.query.clone(),
            colors: self.colors,
            tag: self.tag.clone(),
            doc: self.doc.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            notes_only: self.notes_only,
            grouped: self.grouped,
        }
    }

    /// Clear every filter and the search.
    pub fn clear(&mut self) {
        self.query.clear();
        self.colors = [false; 5];
        self.tag = None;
        self.doc.clear();
        self.from.clear();
        self.to.clear();
        self.notes_only = false;
    }

    /// Whether a search or filter narrows the list.
    pub fn filtering(&self) -> bool {
        let key = self.key();
        key != SearchKey {
            grouped: key.grouped,
            ..SearchKey::default()
        }
    }

    /// Whether the answer on screen is for the current filters and notebook.
    pub fn is_current(&self, notebook: &Arc<Notebook>) -> bool {
        self.results
            .as_ref()
            .is_some_and(|r| r.key == self.key() && Arc::ptr_eq(&r.notebook, notebook))
    }
}

/// A day (`YYYY-MM-DD`) as ms since 1970: its first ms, or with `end` its last. Empty: no
/// bound; `Err` when it cannot be read.
pub fn day_ms(text: &str, end: bool) -> Result<Option<i64>, ()> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let (first, last) = crate::library::overview::day_bounds(text).map_err(|_| ())?;
    Ok(Some(if end { last } else { first }))
}

impl SearchKey {
    /// The filter of annotations it asks for.
    fn filter(&self) -> Filter {
        Filter {
            colors: Color::ALL
                .into_iter()
                .zip(self.colors)
                .filter(|(_, on)| *on)
                .map(|(c, _)| c)
                .collect(),
            tags: self.tag.iter().cloned().collect(),
            notes_only: self.notes_only,
            query: self.query.clone(),
            within: None,
        }
    }

    /// The document filter, when there is one.
    fn doc(&self) -> Option<&str> {
        Some(self.doc.trim()).filter(|d| !d.is_empty())
    }
}

/// Run a search (a worker's job).
fn search(notebook: Arc<Notebook>, key: SearchKey) -> Results {
    let from = day_ms(&key.from, false);
    let to = day_ms(&key.to, true);
    let bad_date = from.is_err() || to.is_err();
    let query = Query {
        filter: key.filter(),
        doc: key.doc().map(str::to_owned),
        from_ms: from.ok().flatten(),
        to_ms: to.ok().flatten(),
    };
    let order = if key.grouped {
        Order::ByDocument
    } else {
        Order::Newest
    };
    let indices = notebook.select(&query, order);
    let tags = notebook.tag_counts(&indices);
    let all: Vec<usize> = (0..notebook.entries().len()).collect();
    let all_tags = notebook.tag_counts(&all);
    let rows = list_rows(notebook.entries(), &indices, key.grouped);
    let sizes = rows
        .iter()
        .map(|r| match r {
            Row::Doc(..) => RowSize::default(),
            Row::Entry(i) => {
                let e = &notebook.entries()[*i];
                let a = &e.annotation;
                let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                RowSize {
                    quote: clamp(a.quote.len()),
                    note: clamp(if a.note.is_empty() { 0 } else { a.note.len() }),
                    id: a.id,
                    doc: clamp(e.doc),
                }
            }
        })
        .collect();
    Results {
        key,
        notebook,
        indices,
        rows,
        sizes,
        tags,
        all_tags,
        bad_date,
    }
}

/// The list's rows: entries, under a heading per document when grouped.
pub fn list_rows(entries: &[Entry], indices: &[usize], grouped: bool) -> Vec<Row> {
    if !grouped {
        return indices.iter().map(|&i| Row::Entry(i)).collect();
    }
    let mut rows = Vec::with_capacity(indices.len() + 16);
    let mut k = 0;
    while k < indices.len() {
        let doc = entries[indices[k]].doc;
        let n = indices[k..]
            .iter()
            .take_while(|&&i| entries[i].doc == doc)
            .count();
        rows.push(Row::Doc(doc, n));
        rows.extend(indices[k..k + n].iter().map(|&i| Row::Entry(i)));
        k += n;
    }
    rows
}

/// The section path as a reader writes it: `二、… › （三）…`.
pub fn section_line(entry: &Entry) -> String {
    entry.section.join(crate::outline::label::PATH_SEPARATOR)
}

/// Show `results`; the answer they replace may hold the last reference to a notebook that
/// was read again: it is freed off the UI thread.
fn replace_results(view: &mut NotebookView, results: Results) {
    if let Some(old) = view.results.replace(results) {
        crate::session::task::drop_elsewhere(old);
    }
}

/// Start a search when the filters or the notebook changed; take a finished one.
fn poll_search(view: &mut NotebookView, notebook: &Arc<Notebook>, ctx: &egui::Context) {
    if let Some((_, task)) = &mut view.searching {
        match task.poll() {
            Some(results) => {
                view.searching = None;
                replace_results(view, results);
            }
            None if task.lost() => view.searching = None,
            None => {}
        }
    }
    if view.is_current(notebook) {
        return;
    }
    let key = view.key();
    if view.searching.as_ref().is_some_and(|(k, _)| *k == key) {
        return;
    }
    let nb = notebook.clone();
    let k = key.clone();
    // The newest query wins: an older search still running is dropped (its thread ends
    // on its own).
    view.searching = Task::spawn("notebook-search", Some(super::waker(ctx)), move || {
        search(nb, k)
    })
    .ok()
    .map(|task| (key, task));
}

/// The notebook, in the central area.
pub fn notebook_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let t = app.t();
    let mut commands = Vec::new();
    let mut jobs = Vec::new();
    // The library alone (read first at start-up) holds no notes yet.
    let Some(data) = app.shelf.data.clone().filter(|d| !d.partial) else {
        ui.add_space(6.0);
        ui.heading(t.notebook);
        ui.weak(if app.data_dir.is_some() {
            t.library_loading
        } else {
            t.no_data_folder
        });
        return;
    };
    let notebook = data.notebook.clone();
    poll_export(app);
    let view = &mut app.notebook_view;
    poll_search(view, &notebook, ui.ctx());
    let searching = view.searching.is_some();

    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        let shown = view.results.as_ref().map_or(0, |r| r.indices.len());
        ui.heading(t.notebook);
        ui.weak(t.notebook_count(shown, notebook.entries().len()));
        ui.add_space(12.0);
        let search = ui.add(
            egui::TextEdit::singleline(&mut view.query)
                .hint_text(t.search_notebook)
                .desired_width(280.0),
        );
        search.widget_info(|| {
            let mut info = WidgetInfo::text_edit(true, "", &view.query, t.search_notebook);
            info.label = Some(t.search_notebook.to_owned());
            info
        });
        if std::mem::take(&mut view.focus_search) {
            search.request_focus();
        }
        if searching {
            ui.spinner();
        }
        ui.separator();
        ui.selectable_value(&mut view.grouped, false, t.newest_first);
        ui.selectable_value(&mut view.grouped, true, t.by_document);
        ui.separator();
        if ui.button(t.library).on_hover_text("Ctrl+L").clicked() {
            commands.push(Command::ShowView(View::Library));
        }
        if app.current.is_some() && ui.button(t.back_to_reading).on_hover_text("Esc").clicked() {
            commands.push(Command::ShowView(View::Reader));
        }
    });
    ui.horizontal_wrapped(|ui| {
        for (i, color) in Color::ALL.into_iter().enumerate() {
            let label = format!("{}{}", t.filter_by, t.color_name(color));
            if super::annotations_panel::swatch(ui, color, view.colors[i], label).clicked() {
                view.colors[i] = !view.colors[i];
            }
        }
        tag_menu_ui(ui, t, view);
        let doc = ui.add(
            egui::TextEdit::singleline(&mut view.doc)
                .hint_text(t.filter_document)
                .desired_width(140.0),
        );
        doc.widget_info(|| WidgetInfo::text_edit(true, "", &view.doc, t.filter_document));
        ui.label(t.date_from);
        let from = ui.add(
            egui::TextEdit::singleline(&mut view.from)
                .hint_text("2026-01-01")
                .desired_width(88.0),
        );
        from.widget_info(|| WidgetInfo::text_edit(true, "", &view.from, t.date_from));
        ui.label(t.date_to);
        let to = ui.add(
            egui::TextEdit::singleline(&mut view.to)
                .hint_text("2026-12-31")
                .desired_width(88.0),
        );
        to.widget_info(|| WidgetInfo::text_edit(true, "", &view.to, t.date_to));
        ui.checkbox(&mut view.notes_only, t.export_notes_only);
        if view.filtering() && ui.small_button(t.clear_filter).clicked() {
            view.clear();
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(t.export_selection);
        egui::ComboBox::from_id_salt("notebook-format")
            .selected_text(format_label(view.format, t.lang))
            .show_ui(ui, |ui| {
                for f in Format::ALL {
                    ui.selectable_value(&mut view.format, f, format_label(f, t.lang));
                }
            })
            .response
            .widget_info(|| WidgetInfo::labeled(Role::ComboBox, true, t.export_format));
        let busy = view.export_dialog.is_some() || view.exporting.is_some();
        let shown = view.results.as_ref().map_or(0, |r| r.indices.len());
        if ui
            .add_enabled(!busy && shown > 0, egui::Button::new(t.export_save))
            .clicked()
        {
            let name = format!("{}.{}", t.notebook_file_name, view.format.extension());
            let dialog = rfd::FileDialog::new()
                .set_title(t.export_save.trim_end_matches('…'))
                .set_file_name(name)
                .add_filter(
                    format_label(view.format, t.lang),
                    &[view.format.extension()],
                );
            view.export_dialog = Task::spawn(
                "notebook-export-dialog",
                Some(super::waker(ui.ctx())),
                move || dialog.save_file(),
            )
            .ok();
        }
        if busy {
            ui.spinner();
        }
        if view.results.as_ref().is_some_and(|r| r.bad_date) {
            ui.colored_label(ui.visuals().warn_fg_color, t.bad_date);
        }
    });
    super::library_view::status_ui(app, ui);
    let view = &mut app.notebook_view;
    ui.separator();

    start_export(view, &notebook, ui.ctx(), t);

    let Some(results) = view.results.as_ref() else {
        ui.spinner();
        return;
    };
    let results_notebook = results.notebook.clone();
    let selected_entry = view.selected_entry(&results_notebook);
    // The detail pane on the right: the whole quote, the note and tags to edit.
    if let Some(i) = selected_entry {
        egui::Panel::right("notebook-detail")
            .resizable(true)
            .default_size(360.0)
            .size_range(260.0..=640.0)
            .show(ui, |ui| {
                detail_ui(
                    ui,
                    t,
                    &results_notebook,
                    i,
                    view,
                    app.current.as_ref(),
                    &app.settings.citation_format,
                    &mut commands,
                    &mut jobs,
                );
            });
    } else {
        view.editor = None;
    }
    if notebook.entries().is_empty() {
        ui.add_space(20.0);
        ui.vertical_centered(|ui| ui.label(t.notebook_empty));
    } else if view.results.as_ref().is_some_and(|r| r.rows.is_empty()) {
        ui.weak(t.no_annotation_match);
    } else {
        list_ui(ui, t, view, &app.settings.citation_format, &mut commands);
    }
    rename_ui(ui.ctx(), t, view, &mut jobs);
    for c in commands {
        app.push(c);
    }
    for job in jobs {
        app.push(Command::Shelf(job));
    }
}

/// The tag menu: every tag with its count; rename or merge the chosen one.
fn tag_menu_ui(ui: &mut Ui, t: &super::i18n::Strings, view: &mut NotebookView) {
    let tags = view
        .results
        .as_ref()
        .map(|r| r.all_tags.clone())
        .unwrap_or_default();
    let current = view.tag.clone().unwrap_or_else(|| t.all_tags.to_owned());
    egui::ComboBox::from_id_salt("notebook-tag")
        .selected_text(current)
        .height(360.0)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(view.tag.is_none(), t.all_tags)
                .clicked()
            {
                view.tag = None;
            }
            for (tag, n) in &tags {
                let on = view.tag.as_deref() == Some(tag.as_str());
                if ui.selectable_label(on, format!("#{tag} ({n})")).clicked() {
                    view.tag = Some(tag.clone());
                }
            }
        })
        .response
        .widget_info(|| {
            WidgetInfo::labeled(Role::ComboBox, true, format!("{}{}", t.filter_by, t.tags))
        });
    if let Some(tag) = &view.tag
        && ui.small_button(t.rename_tag).clicked()
    {
        view.rename = Some((tag.clone(), tag.clone()));
    }
}

/// Rename or merge a tag in every document.
fn rename_ui(
    ctx: &egui::Context,
    t: &super::i18n::Strings,
    view: &mut NotebookView,
    jobs: &mut Vec<Job>,
) {
    let Some((from, to)) = &mut view.rename else {
        return;
    };
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("rename-tag")).show(ctx, |ui| {
        ui.set_max_width(400.0);
        ui.heading(t.rename_tag);
        ui.label(format!("#{from} →"));
        let field = ui.add(egui::TextEdit::singleline(to).desired_width(240.0));
        field.widget_info(|| WidgetInfo::text_edit(true, "", to.as_str(), t.rename_tag));
        let target = clean_tag(to);
        let merging = view
            .results
            .as_ref()
            .zip(target.as_ref())
            .is_some_and(|(r, target)| r.all_tags.iter().any(|(x, _)| x == target && x != from));
        if merging {
            ui.label(egui::RichText::new(t.merge_tags_hint).small());
        }
        ui.horizontal(|ui| {
            let ok = target.as_ref().is_some_and(|t| t != from);
            if ui
                .add_enabled(ok, egui::Button::new(t.rename_everywhere))
                .clicked()
                && let Some(target) = target.clone()
            {
                jobs.push(Job::RenameTag {
                    from: from.clone(),
                    to: target,
                });
                close = true;
            }
            if ui.button(t.cancel).clicked() {
                close = true;
            }
        });
    });
    if close || modal.should_close() {
        if close
            && let Some((_, to)) = &view.rename
            && let Some(to) = clean_tag(to)
            && view.tag.is_some()
        {
            view.tag = Some(to);
        }
        view.rename = None;
    }
}

/// A text field's accessible description, named `label` (what a screen reader says and
/// what tests find it by).
fn labeled_field(text: &str, label: &str) -> WidgetInfo {
    let mut info = WidgetInfo::text_edit(true, "", text, label);
    info.label = Some(label.to_owned());
    info
}

/// The height of a document's heading.
fn doc_height(ui: &Ui) -> f32 {
    ui.text_style_height(&egui::TextStyle::Body) + 14.0
}

/// The list: only the rows on screen are drawn.
fn list_ui(
    ui: &mut Ui,
    t: &super::i18n::Strings,
    view: &mut NotebookView,
    citation_format: &str,
    commands: &mut Vec<Command>,
) {
    let Some(results) = view.results.as_ref() else {
        return;
    };
    let doc_h = doc_height(ui);
    let rows = &results.rows;
    let grouped = results.key.grouped;
    let notebook = results.notebook.clone();
    // Where each row starts: headings have one height, cards are estimated until drawn.
    let (heights, heights_for) = &mut view.heights;
    let width = ui.available_width();
    let key = (
        rows.as_ptr() as usize,
        Arc::as_ptr(&notebook) as usize,
        width.to_bits(),
        doc_h.to_bits(),
    );
    if *heights_for != Some(key) {
        let estimate = super::card::Estimate::new(ui, width);
        let expanded = &view.expanded;
        heights.reset(
            rows.iter().zip(&results.sizes).map(|(r, size)| match r {
                Row::Doc(..) => (doc_h, None),
                Row::Entry(_) => {
                    // (Few cards are open: no path is copied or hashed for each row.)
                    let open = !expanded.is_empty()
                        && expanded.iter().any(|(store, id)| {
                            *id == size.id && *store == notebook.docs()[size.doc as usize].store
                        });
                    (
                        estimate.card_of_lengths(size.quote as usize, size.note as usize, 0.0),
                        Some(super::card::Heights::key(
                            size.id,
                            u64::from(size.doc),
                            open,
                        )),
                    )
                }
            }),
            (width, doc_h),
        );
        *heights_for = Some(key);
    }
    let tops = heights.tops().to_vec();
    let total = tops.last().copied().unwrap_or(0.0);
    let selected = view.selected.clone();
    let mut scroll_to = None;
    if std::mem::take(&mut view.scroll_to_selected)
        && let Some((store, id)) = &selected
        && let Some(k) = rows.iter().position(|r| match r {
            Row::Entry(i) => {
                let e = &notebook.entries()[*i];
                e.annotation.id == *id && notebook.docs()[e.doc].store == *store
            }
            Row::Doc(..) => false,
        })
    {
        scroll_to = Some(tops[k]);
    }
    let mut area = egui::ScrollArea::vertical()
        .id_salt("notebook-list")
        .auto_shrink([false, false]);
    if let Some(y) = scroll_to {
        area = area.vertical_scroll_offset((y - 40.0).max(0.0));
    } else if let Some(y) = heights.take_offset() {
        area = area.vertical_scroll_offset(y);
    }
    let mut clicked = None;
    let mut opened = None;
    let mut toggled = None;
    let expanded = &view.expanded;
    let output = area.show_viewport(ui, |ui, viewport| {
        ui.set_height(total);
        let width = ui.available_width();
        let first = tops
            .partition_point(|&top| top <= viewport.min.y)
            .saturating_sub(1);
        let origin = ui.min_rect().min;
        // Cards drawn taller or shorter than estimated move the rows below this frame.
        let mut shift = 0.0;
        for k in first..rows.len() {
            let top = tops[k] + shift;
            if top > viewport.max.y {
                break;
            }
            let at = origin + Vec2::new(0.0, top);
            match rows[k] {
                Row::Doc(d, n) => {
                    let rect = Rect::from_min_size(at, Vec2::new(width, tops[k + 1] - tops[k]));
                    doc_heading_ui(ui, rect, &notebook.docs()[d], n, t);
                }
                Row::Entry(i) => {
                    let e = &notebook.entries()[i];
                    let doc = &notebook.docs()[e.doc];
                    let on = selected
                        .as_ref()
                        .is_some_and(|(s, id)| *id == e.annotation.id && *s == doc.store);
                    let open = expanded.contains(&(doc.store.clone(), e.annotation.id));
                    let card = card_of(e, doc, !grouped, open, t);
                    let laid = card.lay_out(ui, width, t.card_more, t.card_less);
                    shift += heights.measure(k, laid.height, tops[k] < viewport.min.y);
                    let rect = Rect::from_min_size(at, Vec2::new(width, laid.height));
                    let (resp, more) = entry_ui(ui, rect, e, doc, &card, &laid, on);
                    if more {
                        toggled = Some((doc.store.clone(), e.annotation.id));
                    }
                    if resp.clicked() {
                        clicked = Some(i);
                    }
                    if resp.double_clicked() {
                        opened = Some(i);
                    }
                    resp.context_menu(|ui| {
                        if ui.button(t.open_at_passage).clicked() {
                            opened = Some(i);
                            ui.close();
                        }
                        if ui.button(t.copy_citation).clicked() {
                            clicked = Some(i);
                            if let Some(cite) = citation_of(&notebook, i, citation_format) {
                                commands.push(Command::Copy(cite));
                            }
                            ui.close();
                        }
                        if ui.button(t.copy_quote).clicked() {
                            commands.push(Command::Copy(e.annotation.quote.clone()));
                            ui.close();
                        }
                    });
                }
            }
        }
        if shift != 0.0 {
            // The total changed: lay the list out again with the measured heights.
            ui.ctx().request_repaint();
        }
    });
    heights.shown_at(output.state.clamped_offset().y);
    if let Some(key) = toggled {
        if !view.expanded.remove(&key) {
            view.expanded.insert(key);
        }
        ui.ctx().request_repaint();
    }
    if let Some(i) = clicked.or(opened) {
        let e = &notebook.entries()[i];
        view.selected = Some((notebook.docs()[e.doc].store.clone(), e.annotation.id));
        view.found = Some((Arc::as_ptr(&notebook) as usize, Some(i)));
    }
    if let Some(i) = opened {
        commands.push(open_command(&notebook, i));
    }
}

/// Open an entry's document at its passage.
fn open_command(notebook: &Notebook, i: usize) -> Command {
    let e = &notebook.entries()[i];
    let doc = &notebook.docs()[e.doc];
    match &doc.path {
        Some(path) => Command::OpenFromShelf {
            path: path.clone(),
            at: Some(e.annotation.id),
        },
        None => Command::ShelfMessage(doc.title.clone()),
    }
}

fn doc_heading_ui(ui: &mut Ui, rect: Rect, doc: &NotebookDoc, n: usize, t: &super::i18n::Strings) {
    let mut child = ui.new_child(UiBuilder::new().max_rect(rect.shrink2(Vec2::new(4.0, 4.0))));
    child.horizontal(|ui| {
        ui.strong(format!("《{}》", doc.title));
        ui.weak(t.entries_count(n));
        if matches!(doc.status, crate::library::DocStatus::Missing) {
            ui.colored_label(ui.visuals().warn_fg_color, t.file_missing);
        }
    });
}

/// The card of one entry: quote, note, tags · title › section.
fn card_of(
    e: &Entry,
    doc: &NotebookDoc,
    // Grouped under its document's heading, an entry does not repeat the title.
    with_title: bool,
    expanded: bool,
    t: &super::i18n::Strings,
) -> Card {
    let a = &e.annotation;
    let quote_line: String = a.quote.split_whitespace().collect::<Vec<_>>().join(" ");
    let quote = if a.kind == Kind::SectionNote {
        format!("{} · {}", t.section_note, quote_line)
    } else {
        quote_line
    };
    let mut meta: Vec<String> = a.all_tags().iter().map(|t| format!("#{t}")).collect();
    let section = section_line(e);
    match (with_title, section.is_empty()) {
        (true, true) => meta.push(format!("《{}》", doc.title)),
        (true, false) => meta.push(format!(
            "《{}》{}{section}",
            doc.title,
            crate::outline::label::PATH_SEPARATOR
        )),
        (false, false) => meta.push(section),
        (false, true) => {}
    }
    Card {
        quote,
        underline: a.mark == Mark::Underline,
        note: a.note.clone(),
        meta: meta.join(" · "),
        meta_color: None,
        ink: highlight_ink(a.color),
        outlined: a.kind == Kind::SectionNote,
        expanded,
        extra_h: 0.0,
    }
}

/// One entry as a card (see [`super::card`]); its response, and whether its "more" /
/// "less" was pressed.
fn entry_ui(
    ui: &mut Ui,
    rect: Rect,
    e: &Entry,
    doc: &NotebookDoc,
    card: &Card,
    laid: &Laid,
    selected: bool,
) -> (egui::Response, bool) {
    let a = &e.annotation;
    let quote_line: String = a.quote.split_whitespace().collect::<Vec<_>>().join(" ");
    let fill = selected.then(|| ui.visuals().selection.bg_fill.gamma_multiply(0.35));
    let painted = super::card::paint(
        ui,
        rect,
        ui.scope_id().with(("entry", &doc.store, a.id)),
        card,
        laid,
        &quote_line,
        fill,
    );
    let resp = if a.note.is_empty() || !laid.cut {
        painted.response
    } else {
        painted.response.on_hover_text(&a.note)
    };
    (resp, painted.toggled)
}

/// The selected entry in full: quote, source, note and tags to edit, and what to do with it.
#[allow(clippy::too_many_arguments)]
fn detail_ui(
    ui: &mut Ui,
    t: &super::i18n::Strings,
    notebook: &Notebook,
    i: usize,
    view: &mut NotebookView,
    current: Option<&super::OpenDocument>,
    citation_format: &str,
    commands: &mut Vec<Command>,
    jobs: &mut Vec<Job>,
) {
    let e = &notebook.entries()[i];
    let doc = &notebook.docs()[e.doc];
    let a = &e.annotation;
    // The buffer follows the entry unless the user has typed in it.
    let fresh = Editor {
        store: doc.store.clone(),
        id: a.id,
        note: a.note.clone(),
        tags: a.tags.join(" "),
        dirty: false,
    };
    let editor = view.editor.get_or_insert_with(|| fresh.clone());
    if editor.store != fresh.store || editor.id != fresh.id || (!editor.dirty && *editor != fresh) {
        *editor = fresh;
    }
    ui.add_space(6.0);
    ui.label(egui::RichText::new(format!("《{}》", doc.title)).strong());
    let section = section_line(e);
    if !section.is_empty() {
        ui.add(egui::Label::new(egui::RichText::new(&section).weak()).wrap());
    }
    ui.weak(super::library_view::date(a.created_ms));
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("notebook-quote")
        .max_height(ui.available_height() * 0.35)
        .show(ui, |ui| {
            let ink = highlight_ink(a.color);
            ui.horizontal_top(|ui| {
                let (bar, _) = ui.allocate_exact_size(Vec2::new(4.0, 20.0), Sense::hover());
                ui.painter().rect_filled(bar, 1.0, ink);
                ui.add(egui::Label::new(&a.quote).wrap().selectable(true));
            });
        });
    ui.separator();
    let note = egui::ScrollArea::vertical()
        .id_salt("notebook-note")
        .max_height(180.0)
        .show(ui, |ui| {
            ui.add(
                egui::TextEdit::multiline(&mut editor.note)
                    .desired_rows(4)
                    .desired_width(f32::INFINITY)
                    .hint_text(t.note_hint),
            )
        })
        .inner;
    note.widget_info(|| labeled_field(&editor.note, t.note));
    if note.changed() {
        editor.dirty = true;
    }
    let tags = ui.add(
        egui::TextEdit::singleline(&mut editor.tags)
            .desired_width(f32::INFINITY)
            .hint_text(t.tags_hint),
    );
    tags.widget_info(|| labeled_field(&editor.tags, t.tags));
    if tags.changed() {
        editor.dirty = true;
    }
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        let save = ui.add_enabled(editor.dirty, egui::Button::new(t.save_note));
        let by_key = (note.has_focus() || tags.has_focus())
            && ui.input_mut(|i| {
                super::keys::pressed(
                    i,
                    crate::session::keymap::Action::SaveNote,
                    crate::session::keymap::Scope::NotebookEditor,
                )
            });
        if (save.clicked() || by_key) && editor.dirty {
            let new_tags: Vec<String> = editor
                .tags
                .split([' ', ',', '，', '、', '#'])
                .filter_map(clean_tag)
                .collect();
            let same_doc =
                current.is_some_and(|s| s.notes.store_path() == Some(doc.store.as_path()));
            match current
                .filter(|_| same_doc)
                .and_then(|s| s.notes.set.get(a.id))
            {
                // The open document's notes: through its session (undoable, shown at once).
                Some(open) => {
                    let mut changed = open.clone();
                    changed.note = editor.note.clone();
                    changed.tags = new_tags;
                    commands.push(Command::Act(crate::session::Action::UpdateAnnotation(
                        changed,
                    )));
                }
                None => jobs.push(Job::EditNote {
                    store: doc.store.clone(),
                    id: a.id,
                    note: editor.note.clone(),
                    tags: new_tags,
                }),
            }
            editor.dirty = false;
        }
        if ui.button(t.open_at_passage).clicked() {
            commands.push(open_command(notebook, i));
        }
        if let Some(cite) = citation_of(notebook, i, citation_format)
            && ui.button(t.copy_citation).on_hover_text(&cite).clicked()
        {
            commands.push(Command::Copy(cite));
        }
    });
    if editor.dirty {
        ui.weak(t.unsaved_note);
    }
}

/// Export what the filters show, once the save dialog answered.
fn start_export(
    view: &mut NotebookView,
    notebook: &Arc<Notebook>,
    ctx: &egui::Context,
    t: &'static super::i18n::Strings,
) {
    let Some(task) = &mut view.export_dialog else {
        return;
    };
    let path = match task.poll() {
        Some(Some(path)) => path,
        Some(None) => {
            view.export_dialog = None;
            return;
        }
        None if task.lost() => {
            view.export_dialog = None;
            return;
        }
        None => return,
    };
    view.export_dialog = None;
    let Some(results) = &view.results else { return };
    let indices = results.indices.clone();
    let notebook = notebook.clone();
    let format = view.format;
    let grouped = view.grouped;
    let key = view.key();
    let filter_summary = crate::export::filter_summary(
        &key.filter(),
        key.doc(),
        Some(key.from.trim()).filter(|d| !d.is_empty()),
        Some(key.to.trim()).filter(|d| !d.is_empty()),
        t.lang,
    );
    let work = move || -> Result<PathBuf, String> {
        let bytes = export_entries(&notebook, &indices, grouped, filter_summary, format, t)?;
        // Never over a document or a notes file.
        let protected: Vec<&std::path::Path> = notebook
            .docs()
            .iter()
            .flat_map(|d| std::iter::once(d.store.as_path()).chain(d.path.as_deref()))
            .collect();
        crate::export::write_file_protecting(&path, &bytes, &protected)
            .map_err(|e| failure_text(&e, t.lang))?;
        Ok(path)
    };
    view.exporting = Task::spawn("notebook-export", Some(super::waker(ctx)), work).ok();
}

/// The entries as an export in `format` (the window's Export the selection).
pub fn export_entries(
    notebook: &Notebook,
    indices: &[usize],
    grouped: bool,
    filter_summary: Option<String>,
    format: Format,
    t: &super::i18n::Strings,
) -> Result<Vec<u8>, String> {
    use crate::export::{Collection, export_collection};
    let now = jiff::ZonedDateTime::now();
    let exported_at = now.strftime("%Y-%m-%d %H:%M").to_string();
    let files = notebook.source_files();
    let notes = notebook.collected(indices, &files);
    let collection = Collection {
        title: t.notebook,
        notes,
        grouped,
        exported_at: &exported_at,
        utc_offset_seconds: now.offset().seconds(),
        filter_summary,
    };
    export_collection(&collection, t.lang, format).map_err(|e| failure_text(&e, t.lang))
}

fn poll_export(app: &mut PizhuApp) {
    let Some(task) = &mut app.notebook_view.exporting else {
        return;
    };
    let done = match task.poll() {
        Some(done) => done,
        None if task.lost() => Err(app.lang.t().stopped(super::i18n::Worker::Export)),
        None => return,
    };
    app.notebook_view.exporting = None;
    let t = app.t();
    app.shelf.status = Some(match done {
        Ok(path) => (
            format!("{}{}{}", t.export_saved, t.colon(), path.display()),
            false,
        ),
        Err(e) => (format!("{}{}{e}", t.export_failed, t.colon()), true),
    });
}

/// The citation of entry `i` in the user's format (Copy with citation).
pub fn citation_of(notebook: &Notebook, i: usize, format: &str) -> Option<String> {
    let e = notebook.entries().get(i)?;
    let doc = notebook.docs().get(e.doc)?;
    let format = if format.trim().is_empty() {
        DEFAULT_CITATION
    } else {
        format
    };
    Some(citation(format, e, doc))
}

impl NotebookView {
    /// Scroll the list to the selected entry (coming back from its document).
    pub fn reveal_selected(&mut self) {
        self.scroll_to_selected = self.selected.is_some();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_in_the_local_zone_and_bad_ones_are_reported() {
        let from = day_ms("2026-03-01", false).expect("date").expect("bound");
        let to = day_ms("2026-03-01", true).expect("date").expect("bound");
        assert_eq!(to - from, 24 * 3600 * 1000 - 1);
        assert_eq!(day_ms("2026/03/01", false), Ok(Some(from)));
        assert_eq!(day_ms("  ", false), Ok(None));
        assert!(day_ms("三月", false).is_err());
    }
}
