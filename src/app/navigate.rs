//! Moving around: the list of blanks to fill and the keyboard shortcuts sheet.

use egui::{Role, Ui, WidgetInfo};

use super::{Command, PizhuApp};
use crate::session::Action as Act;

/// Chars of context shown on each side of a blank.
const BLANK_CONTEXT: usize = 14;

/// Space between the blanks window and the edges of the text area.
const BLANKS_MARGIN: f32 = 8.0;

/// The id of the blanks window (its rect is in egui's memory).
pub fn blanks_window_id() -> egui::Id {
    egui::Id::unique("blanks-window")
}

/// The blanks-to-fill window: every placeholder with its context, in order.
pub fn blanks_window_ui(app: &mut PizhuApp, ctx: &egui::Context) {
    let t = app.t();
    let Some(doc) = app.current.as_ref() else {
        return;
    };
    let mut open = true;
    let mut commands = Vec::new();
    let count = doc.outline.placeholders.len();
    // Inside the text area, at its bottom-right corner, clear of the side panels and the
    // bars, and kept there when the window is resized.
    let area = app.reader.view_rect().unwrap_or_else(|| ctx.content_rect());
    let list_height = (area.height() - 150.0).clamp(80.0, 420.0);
    egui::Window::new(format!("{} · {count}", t.blanks))
        .id(blanks_window_id())
        .open(&mut open)
        .default_width(420.0_f32.min(area.width() - 2.0 * BLANKS_MARGIN))
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::Vec2::ZERO)
        .constrain_to(area.shrink(BLANKS_MARGIN))
        .show(ctx, |ui| {
            if count == 0 {
                ui.weak(t.no_blanks);
                return;
            }
            ui.horizontal(|ui| {
                if ui.button(t.prev_blank).clicked() {
                    commands.push(Command::Act(Act::NextBlank(-1)));
                }
                if ui.button(t.next_blank).clicked() {
                    commands.push(Command::Act(Act::NextBlank(1)));
                }
            });
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(list_height)
                .show(ui, |ui| {
                    for (i, p) in doc.outline.placeholders.iter().enumerate() {
                        let before = doc.doc.slice(crate::document::TextRange::new(
                            p.range.start.saturating_sub(BLANK_CONTEXT),
                            p.range.start,
                        ));
                        let after = doc.doc.slice(crate::document::TextRange::new(
                            p.range.end,
                            (p.range.end + BLANK_CONTEXT).min(doc.doc.char_count),
                        ));
                        let before = before.rsplit('\n').next().unwrap_or("");
                        let after = after.split('\n').next().unwrap_or("");
                        let current = app.current.as_ref().is_some_and(|s| s.blank == Some(i));
                        let label = format!("{}. …{before}【{}】{after}…", i + 1, p.text);
                        let resp = ui.add(egui::Button::selectable(current, &label).truncate());
                        resp.widget_info(|| {
                            WidgetInfo::selected(Role::Button, true, current, &label)
                        });
                        if resp.clicked() {
                            commands.push(Command::Act(Act::GoToBlank(i)));
                        }
                    }
                });
        });
    if !open {
        commands.push(Command::ShowBlanks(false));
    }
    for c in commands {
        app.push(c);
    }
}

/// The shortcuts sheet (F1).
pub fn shortcuts_window_ui(app: &mut PizhuApp, ctx: &egui::Context) {
    let t = app.t();
    let zh = t.lang.is_zh();
    let mut open = true;
    egui::Window::new(t.shortcuts)
        .id(egui::Id::unique("shortcuts-window"))
        .open(&mut open)
        .default_width(560.0)
        .collapsible(false)
        .show(ctx, |ui: &mut Ui| {
            egui::ScrollArea::vertical()
                .max_height(560.0)
                .show(ui, |ui| {
                    // One grid, so the columns line up across the groups.
                    egui::Grid::new("shortcuts-grid")
                        .num_columns(2)
                        .spacing([18.0, 4.0])
                        .striped(true)
                        .show(ui, |ui| {
                            for group in crate::session::keymap::sheet(zh) {
                                ui.strong(group.title);
                                ui.end_row();
                                for (keys, what) in &group.rows {
                                    ui.strong(keys);
                                    ui.label(*what);
                                    ui.end_row();
                                }
                            }
                        });
                });
        });
    if !open {
        app.push(Command::ShowShortcuts(false));
    }
}
