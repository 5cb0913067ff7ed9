//! The floating toolbar by a selection or the selected highlight, and the edits it makes.

use egui::{Pos2, Rect, Role, Ui, Vec2, WidgetInfo};

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

/// The size the toolbar is placed with before it was first shown (the next frame has its own).
const ESTIMATED_SIZE: Vec2 = Vec2::new(340.0, 40.0);
/// Space between a floating layer and the text it refers to.
const GAP: f32 = 6.0;

/// The id of the floating toolbar's area (its rect is in egui's memory).
pub fn toolbar_id() -> egui::Id {
    egui::Id::unique("pizhu-selection-toolbar")
}

/// Which side of its text a floating layer takes first.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Side {
    /// The toolbar: above, so the text after the selection stays readable.
    Above,
    /// A note's tooltip: below (the toolbar of a selected highlight is above it).
    Below,
}

/// Where a layer of `size` goes so it covers neither `rows` (screen rects of the text it
/// refers to, one per row, in order) nor the `line_after` points below them (the next
/// line), inside `view`:
/// above the first row, else below the line after the last, else (a selection taller than
/// the view) at the top of the view; `side` says which of above and below comes first. Left-aligned with the first row above, right-aligned
/// with the last row below, and moved sideways to stay in the view.
pub(super) fn clear_of_rows(
    rows: &[Rect],
    line_after: f32,
    size: Vec2,
    view: Rect,
    side: Side,
) -> Pos2 {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return view.left_top();
    };
    let top = rows.iter().map(|r| r.top()).fold(f32::INFINITY, f32::min);
    let bottom = rows
        .iter()
        .map(|r| r.bottom())
        .fold(f32::NEG_INFINITY, f32::max);
    let above = top - GAP - size.y;
    let below = bottom + line_after + GAP;
    let fits_above = above >= view.top();
    let fits_below = below + size.y <= view.bottom();
    let (x, y) = if fits_above && (side == Side::Above || !fits_below) {
        (first.left(), above)
    } else if fits_below {
        (last.right() - size.x, below)
    } else {
        (first.left(), view.top())
    };
    let x = x.min(view.right() - size.x).max(view.left());
    Pos2::new(x, y)
}

/// The small floating toolbar by a selection (colours, underline, note, copy) or by the
/// selected highlight (colours, underline, note, copy, delete).
pub(super) fn toolbar_ui(ui: &Ui, scene: &Scene, reader: &ReaderView, commands: &mut Vec<Command>) {
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
    let range = match target {
        Target::Text(r) => r,
        Target::Mark(a) => a.range,
    };
    let rows: Vec<Rect> = shown.iter().flat_map(|s| s.rects(range)).collect();
    if !rows.iter().any(|r| viewport.intersects(*r)) {
        return;
    }
    // The line after the rows (in this paragraph or the next), which the toolbar leaves
    // readable too.
    let last_top = rows.last().map_or(0.0, |r| r.top());
    let next_line = shown
        .iter()
        .flat_map(|s| s.rects(TextRange::new(range.end, range.end + 400)))
        .find(|r| r.top() > last_top + 1.0);
    let line_after = next_line.map_or(0.0, |r| r.bottom() - rows[rows.len() - 1].bottom());
    let id = toolbar_id();
    let size = egui::AreaState::load(ui.ctx(), id)
        .and_then(|s| s.size)
        .unwrap_or(ESTIMATED_SIZE);
    let at = clear_of_rows(&rows, line_after, size, viewport, Side::Above);
    let highlight = |range, color, mark, open_note| {
        Command::Act(Act::Highlight {
            range,
            color,
            mark,
            open_note,
        })
    };
    let shown_at = egui::Area::new(id)
        .order(egui::Order::Foreground)
        .fixed_pos(at)
        .constrain_to(viewport)
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
        })
        .response
        .rect;
    // Placed with last frame's size: a toolbar that grew or shrank is placed again.
    if (shown_at.size() - size).length() > 0.5 {
        ui.ctx().request_repaint();
    }
    // The keys (H, 1–5, N…) keep working after a click on the toolbar.
    if commands.len() > before {
        ui.memory_mut(|m| m.request_focus(surface));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(x0: f32, x1: f32, y: f32) -> Rect {
        Rect::from_x_y_ranges(x0..=x1, y..=y + 25.0)
    }

    #[test]
    fn a_layer_goes_above_the_rows_else_below_the_next_line_and_stays_in_view() {
        let view = Rect::from_min_max(Pos2::new(100.0, 50.0), Pos2::new(800.0, 650.0));
        let size = Vec2::new(300.0, 40.0);
        // Room above: left-aligned with the first row, its bottom above the rows.
        let rows = [row(600.0, 790.0, 300.0), row(110.0, 400.0, 332.0)];
        let at = clear_of_rows(&rows, 32.0, size, view, Side::Above);
        assert_eq!(at, Pos2::new(500.0, 300.0 - GAP - 40.0));
        // No room above: below the line after the rows, right-aligned, kept in the view.
        let rows = [row(120.0, 160.0, 55.0)];
        let at = clear_of_rows(&rows, 32.0, size, view, Side::Above);
        assert_eq!(at, Pos2::new(100.0, 80.0 + 32.0 + GAP));
        // Taller than the view: at its top, never outside it.
        let rows = [row(100.0, 800.0, 40.0), row(100.0, 800.0, 640.0)];
        let at = clear_of_rows(&rows, 32.0, size, view, Side::Above);
        assert_eq!(at, Pos2::new(100.0, 50.0));
        // A layer wider than the view starts at its left edge.
        let at = clear_of_rows(
            &[row(300.0, 320.0, 300.0)],
            32.0,
            Vec2::new(900.0, 40.0),
            view,
            Side::Above,
        );
        assert_eq!(at.x, 100.0);
        // Below first: under the rows when there is room, else above.
        let rows = [row(600.0, 790.0, 300.0), row(110.0, 400.0, 332.0)];
        let at = clear_of_rows(&rows, 0.0, size, view, Side::Below);
        assert_eq!(at, Pos2::new(100.0, 357.0 + GAP));
        let rows = [row(600.0, 790.0, 580.0)];
        let at = clear_of_rows(&rows, 0.0, size, view, Side::Below);
        assert_eq!(at, Pos2::new(500.0, 580.0 - GAP - 40.0));
    }
}
