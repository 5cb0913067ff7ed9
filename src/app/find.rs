//! The find bar (Ctrl+F): results as you type, counted and listed by section, searched on a
//! worker thread so the window never waits; and the marks it leaves on the scroll bar.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, OnceLock};

use egui::{Role, TextEdit, Ui, WidgetInfo};

use super::{Command, PizhuApp};
use crate::document::{Document, TextRange};
use crate::search::{Query, SearchError, Searchable, by_section, find_all};
use crate::session::keymap::{Action, Scope};

/// The outcome of one search.
type Outcome = Result<Option<Vec<TextRange>>, SearchError>;

/// A search running on a worker thread.
struct Running {
    query: Query,
    cancel: Arc<AtomicBool>,
    result: Receiver<Outcome>,
}

/// The find bar's state.
#[derive(Default)]
pub struct FindState {
    /// Whether the bar is shown.
    pub open: bool,
    /// What to look for.
    pub query: Query,
    /// Put the cursor in the field next frame.
    pub focus: bool,
    /// The folded text of the document searched (built once, on the worker).
    searchable: Arc<OnceLock<Searchable>>,
    /// The document the folded text belongs to.
    doc: usize,
    running: Option<Running>,
    /// The matches of `done_for`, in document order.
    pub matches: Arc<Vec<TextRange>>,
    /// The query `matches` answer.
    done_for: Option<Query>,
    /// The match the reader is at.
    pub current: Option<usize>,
    /// Why the query cannot run.
    pub error: Option<String>,
    /// Show the matches per section.
    pub show_sections: bool,
    /// Matches per section (deepest node, count, first match), cached for `matches`.
    sections: Vec<(Option<usize>, usize, usize)>,
    /// Bumped when `matches` change (the scroll-bar marks cache on it).
    pub generation: u64,
}

impl FindState {
    /// Forget everything about the previous document.
    pub fn reset_for(&mut self, doc: &Arc<Document>) {
        let id = Arc::as_ptr(doc) as usize;
        if self.doc != id {
            self.cancel();
            self.doc = id;
            self.searchable = Arc::new(OnceLock::new());
            self.matches = Arc::new(Vec::new());
            self.done_for = None;
            self.current = None;
            self.sections.clear();
            self.generation += 1;
        }
    }

    fn cancel(&mut self) {
        if let Some(r) = self.running.take() {
            r.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the results are for the query as typed.
    pub fn is_current(&self) -> bool {
        self.done_for.as_ref() == Some(&self.query)
    }

    /// Whether a search is under way.
    pub fn is_searching(&self) -> bool {
        self.running.is_some()
    }

    /// Start a search for the query if the results are not for it (returns immediately).
    pub fn update(&mut self, doc: &Arc<Document>, ctx: &egui::Context) {
        self.reset_for(doc);
        if !self.open || self.is_current() {
            return;
        }
        if self.running.as_ref().is_some_and(|r| r.query == self.query) {
            return;
        }
        self.cancel();
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let (doc, searchable, query, flag, ctx) = (
            doc.clone(),
            self.searchable.clone(),
            self.query.clone(),
            cancel.clone(),
            ctx.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("find".into())
            .spawn(move || {
                let folded = searchable.get_or_init(|| Searchable::new(&doc));
                let outcome = find_all(&doc, folded, &query, &flag);
                let _ = tx.send(outcome);
                ctx.request_repaint();
            });
        if spawned.is_ok() {
            self.running = Some(Running {
                query: self.query.clone(),
                cancel,
                result: rx,
            });
        }
    }

    /// Take a finished search's result; returns true when new matches arrived.
    pub fn poll(&mut self, outline: &crate::outline::Outline) -> bool {
        let Some(running) = &self.running else {
            return false;
        };
        let outcome = match running.result.try_recv() {
            Ok(outcome) => outcome,
            Err(TryRecvError::Empty) => return false,
            Err(TryRecvError::Disconnected) => {
                self.running = None;
                return false;
            }
        };
        let query = running.query.clone();
        self.running = None;
        match outcome {
            Ok(Some(matches)) => {
                self.sections = by_section(outline, &matches);
                self.matches = Arc::new(matches);
                self.error = None;
            }
            Ok(None) => return false,
            Err(e) => {
                self.error = Some(e.to_string());
                self.matches = Arc::new(Vec::new());
                self.sections.clear();
            }
        }
        self.done_for = Some(query);
        self.current = None;
        self.generation += 1;
        true
    }

    /// The first match at or after char `pos` (wrapping to the first).
    pub fn first_from(&self, pos: usize) -> Option<usize> {
        if self.matches.is_empty() {
            return None;
        }
        let i = self.matches.partition_point(|m| m.start < pos);
        Some(if i < self.matches.len() { i } else { 0 })
    }

    /// The next (`step` = 1) or previous (−1) match, wrapping; from `pos` when none is
    /// current.
    pub fn step(&self, step: i32, pos: usize) -> Option<usize> {
        let n = self.matches.len();
        if n == 0 {
            return None;
        }
        Some(match self.current {
            Some(c) if step > 0 => (c + 1) % n,
            Some(c) => (c + n - 1) % n,
            None if step > 0 => self.first_from(pos).unwrap_or(0),
            None => {
                let i = self.matches.partition_point(|m| m.start < pos);
                (i + n - 1) % n
            }
        })
    }

    /// Matches per section, for the list under the bar.
    pub fn sections(&self) -> &[(Option<usize>, usize, usize)] {
        &self.sections
    }
}

/// The find bar, above the text.
pub fn find_bar_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let t = app.t();
    let Some(doc) = app.current.as_ref() else {
        return;
    };
    let outline = doc.outline.clone();
    let docref = doc.doc.clone();
    let top = app.reader.top_char().unwrap_or(0);
    let mut commands = Vec::new();
    let find = &mut app.find;
    find.update(&docref, ui.ctx());
    if find.poll(&outline) {
        // As you type, the reader goes to the first match from where it is.
        if let Some(i) = find.first_from(top) {
            commands.push(Command::GoToMatch(i));
        }
    }
    if !find.open {
        for c in commands {
            app.push(c);
        }
        return;
    }
    let field_id = ui.make_persistent_id("find-field");
    egui::Frame::new()
        .inner_margin(egui::Margin::symmetric(12, 4))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                // Enter, Shift+Enter and Escape are taken before the field sees them: a
                // single-line field would give up the cursor on Enter.
                if ui.memory(|m| m.has_focus(field_id)) {
                    // Shift+Enter first: a plain Enter pattern also matches it.
                    let (shift_enter, enter, escape) = ui.input_mut(|i| {
                        let mut key = |action| super::keys::pressed(i, action, Scope::FindField);
                        let previous = key(Action::FindPrevious);
                        (previous, key(Action::FindNext), key(Action::CloseFind))
                    });
                    if enter {
                        commands.push(Command::FindStep(1));
                    }
                    if shift_enter {
                        commands.push(Command::FindStep(-1));
                    }
                    if escape {
                        commands.push(Command::CloseFind);
                    }
                }
                let field = ui.add(
                    TextEdit::singleline(&mut find.query.text)
                        .id(field_id)
                        .hint_text(t.find_hint)
                        .desired_width(260.0),
                );
                field.widget_info(|| {
                    let mut info =
                        WidgetInfo::text_edit(true, "", find.query.text.as_str(), t.find_hint);
                    info.label = Some(t.find.to_owned());
                    info
                });
                if std::mem::take(&mut find.focus) {
                    field.request_focus();
                }
                let counter = if find.query.text.is_empty() {
                    String::new()
                } else if let Some(e) = &find.error {
                    e.clone()
                } else if !find.is_current() {
                    t.searching.to_owned()
                } else if find.matches.is_empty() {
                    t.no_matches.to_owned()
                } else {
                    let at = find.current.map_or("–".to_owned(), |c| (c + 1).to_string());
                    let more = if find.matches.len() >= crate::search::MAX_MATCHES {
                        "+"
                    } else {
                        ""
                    };
                    format!("{at} / {}{more}", find.matches.len())
                };
                ui.label(&counter)
                    .widget_info(|| WidgetInfo::labeled(Role::Label, true, &counter));
                let prev = ui.small_button("▲").on_hover_text(t.find_prev);
                prev.widget_info(|| WidgetInfo::labeled(Role::Button, true, t.find_prev));
                if prev.clicked() {
                    commands.push(Command::FindStep(-1));
                }
                let next = ui.small_button("▼").on_hover_text(t.find_next);
                next.widget_info(|| WidgetInfo::labeled(Role::Button, true, t.find_next));
                if next.clicked() {
                    commands.push(Command::FindStep(1));
                }
                ui.separator();
                ui.toggle_value(&mut find.query.exact, t.find_exact)
                    .on_hover_text(t.find_exact_hint);
                ui.toggle_value(&mut find.query.regex, t.find_regex)
                    .on_hover_text(t.find_regex_hint);
                if !find.sections.is_empty() {
                    ui.toggle_value(&mut find.show_sections, t.by_section);
                }
                let close = ui.small_button("×");
                close.widget_info(|| {
                    WidgetInfo::labeled(Role::Button, true, format!("{} {}", t.close, t.find))
                });
                if close.clicked() {
                    commands.push(Command::CloseFind);
                }
            });
            if find.show_sections && !find.sections.is_empty() {
                egui::ScrollArea::vertical()
                    .id_salt("find-sections")
                    .max_height(160.0)
                    .show(ui, |ui| {
                        for &(node, count, first) in &find.sections {
                            let label = match node {
                                Some(i) => super::outline_panel::node_label(&outline, i),
                                None => t.before_first_heading.to_owned(),
                            };
                            let text = format!("{label}：{count}");
                            if ui
                                .add(egui::Button::new(text).frame(false).truncate())
                                .clicked()
                            {
                                commands.push(Command::GoToMatch(first));
                            }
                        }
                    });
            }
        });
    for c in commands {
        app.push(c);
    }
}
