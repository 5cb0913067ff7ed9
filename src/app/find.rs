//! The find bar (Ctrl+F): results as you type, counted and listed by section, searched on a
//! worker thread so the window never waits; and the marks it leaves on the scroll bar.

use egui::{Role, TextEdit, Ui, WidgetInfo};

use super::{Command, PizhuApp};
use crate::search::Query;
use crate::session::Action as Act;
use crate::session::find::Counter;
use crate::session::keymap::{Action, Scope};

/// The find bar's own state; the matches live in the session ([`crate::session::find`]).
#[derive(Debug, Default)]
pub struct FindBar {
    /// Whether the bar is shown.
    pub open: bool,
    /// What to look for (kept across documents).
    pub query: Query,
    /// Put the cursor in the field next frame.
    pub focus: bool,
    /// Show the matches per section.
    pub show_sections: bool,
}

/// The find bar, above the text.
pub fn find_bar_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let t = app.t();
    let top = app.reader.top_char().unwrap_or(0);
    let Some(session) = app.current.as_mut() else {
        return;
    };
    let outline = session.outline.clone();
    let mut commands = Vec::new();
    let find = &mut app.find;
    let found = &mut session.find;
    let asked = find.query.clone();
    if find.open {
        found.search(&find.query, &session.doc, Some(super::waker(ui.ctx())));
    }
    if found.poll(&outline) {
        // As you type, the reader goes to the first match from where it is.
        if let Some(i) = found.first_from(top) {
            commands.push(Command::Act(Act::GoToMatch(i)));
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
                        commands.push(Command::Act(Act::FindStep(1)));
                    }
                    if shift_enter {
                        commands.push(Command::Act(Act::FindStep(-1)));
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
                let counter = match found.counter(&find.query) {
                    Counter::Empty => String::new(),
                    Counter::Searching => t.searching.to_owned(),
                    Counter::Error(e) => e,
                    Counter::NoMatches => t.no_matches.to_owned(),
                    Counter::At {
                        current,
                        total,
                        more,
                    } => {
                        let at = current.map_or("–".to_owned(), |c| (c + 1).to_string());
                        format!("{at} / {total}{}", if more { "+" } else { "" })
                    }
                };
                ui.label(&counter)
                    .widget_info(|| WidgetInfo::labeled(Role::Label, true, &counter));
                let prev = ui.small_button("▲").on_hover_text(t.find_prev);
                prev.widget_info(|| WidgetInfo::labeled(Role::Button, true, t.find_prev));
                if prev.clicked() {
                    commands.push(Command::Act(Act::FindStep(-1)));
                }
                let next = ui.small_button("▼").on_hover_text(t.find_next);
                next.widget_info(|| WidgetInfo::labeled(Role::Button, true, t.find_next));
                if next.clicked() {
                    commands.push(Command::Act(Act::FindStep(1)));
                }
                ui.separator();
                ui.toggle_value(&mut find.query.exact, t.find_exact)
                    .on_hover_text(t.find_exact_hint);
                ui.toggle_value(&mut find.query.regex, t.find_regex)
                    .on_hover_text(t.find_regex_hint);
                if !found.sections().is_empty() {
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
            if find.show_sections && !found.sections().is_empty() {
                // In the bar's own space (the text starts below it), each section indented
                // by depth with its subsections' matches counted in.
                egui::ScrollArea::vertical()
                    .id_salt("find-sections")
                    .max_height(160.0)
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        for m in found.sections() {
                            let label = match m.node {
                                Some(i) => super::outline_panel::node_label(&outline, i),
                                None => t.before_first_heading.to_owned(),
                            };
                            let text = format!("{label}{}{}", t.colon(), m.count);
                            ui.horizontal(|ui| {
                                ui.add_space(f32::from(m.depth.saturating_sub(1)) * 16.0);
                                if ui
                                    .add(egui::Button::new(text).frame(false).truncate())
                                    .clicked()
                                {
                                    commands.push(Command::Act(Act::GoToMatch(m.first)));
                                }
                            });
                        }
                    });
            }
        });
    // A query changed in this frame (typed, or exact/regex toggled after the counter was
    // drawn): start its search now and draw again, so the counter never stays on the old
    // query's count until something else wakes the window.
    if find.query != asked {
        found.search(&find.query, &session.doc, Some(super::waker(ui.ctx())));
        ui.ctx().request_repaint();
    }
    for c in commands {
        app.push(c);
    }
}
