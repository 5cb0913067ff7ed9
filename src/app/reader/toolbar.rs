//! The floating toolbar by a selection or the selected highlight, and the edits it makes.

use egui::{Rect, Role, Ui, WidgetInfo};

use super::ReaderView;
use super::input::Scene;
use super::marks;
use crate::annotate::{Color, Mark};
use crate::app::Command;
use crate::document::TextRange;
use crate::session::Action as Act;

/// The command that replaces `a` by a copy changed by `change` (one undoable step).
pub(crate) fn changed(
    a: &crate::annotate::Annotation,
    change: impl FnOnce(&mut crate::annotate::Annotation),
) -> Command {
    let mut new = a.clone();
    change(&mut new);
    Command::Act(Act::UpdateAnnotation(new))
}

/// Fill ↔ underline.
pub(crate) fn toggle_underline(a: &mut crate::annotate::Annotation) {
    a.mark = match a.mark {
        Mark::Fill => Mark::Underline,
        Mark::Underline => Mark::Fill,
    };
}

/// The small floating toolbar by a selection (colours, underline, note, copy) or by the
/// selected highlight (colours, underline, note, copy, delete).
pub(super) fn toolbar_ui(
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
    let highlight = |range, color, mark, open_note| {
        Command::Act(Act::Highlight {
            range,
            color,
            mark,
            open_note,
        })
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
                            .color(crate::app::theme::highlight_ink(c));
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
                            Target::Mark(a) => Command::Act(Act::EditNote(a.id)),
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
                        commands.push(Command::Act(Act::DeleteAnnotation(a.id)));
                    }
                });
            });
        });
    // The keys (H, 1–5, N…) keep working after a click on the toolbar.
    if commands.len() > before {
        ui.memory_mut(|m| m.request_focus(surface));
    }
}
