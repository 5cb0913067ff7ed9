//! The find bar (Ctrl+F): results as you type, counted and listed by section, searched on a
//! worker thread so the window never waits; and the marks it leaves on the scroll bar.

use egui::{Role, TextEdit, Ui, WidgetInfo};

use super::{Command, PizhuApp};
use crate::search::Query;
use crate::session::Action as Act;
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
                let counter = if find.query.text.is_empty() {
                    String::new()
                } else if let Some(e) = &found.error {
                    e.clone()
                } else if !found.is_current(&find.query) {
                    t.searching.to_owned()
                } else if found.matches.is_empty() {
                    t.no_matches.to_owned()
                } else {
                    let at = found
                        .current
                        .map_or("–".to_owned(), |c| (c + 1).to_string());
                    let more = if found.matches.len() >= crate::search::MAX_MATCHES {
                        "+"
                    } else {
                        ""
                    };
                    format!("{at} / {}{more}", found.matches.len())
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
                egui::ScrollArea::vertical()
                    .id_salt("find-sections")
                    .max_height(160.0)
                    .show(ui, |ui| {
                        for &(node, count, first) in found.sections() {
                            let label = match node {
                                Some(i) => super::outline_panel::node_label(&outline, i),
                                None => t.before_first_heading.to_owned(),
                            };
                            let text = format!("{label}：{count}");
                            if ui
                                .add(egui::Button::new(text).frame(false).truncate())
                                .clicked()
                            {
                                commands.push(Command::Act(Act::GoToMatch(first)));
                            }
                        }
                    });
            }
        });
    for c in commands {
        app.push(c);
    }
}
