//! Pointer and keys on the text: selecting, the context menu, note tooltips, and the keys
//! that highlight, recolour, copy or delete.

use egui::{Rect, Role, Ui, WidgetInfo};

use super::ReaderView;
use super::marks::{self, Marker, Shown};
use super::toolbar::{Side, changed, toggle_underline};
use crate::annotate::{AnnotationId, Color, Mark};
use crate::app::annotations_panel::menu_item;
use crate::app::{Command, OpenDocument};
use crate::document::TextRange;
use crate::session::Action as Act;
use crate::session::keymap::{Action, Scope};

/// What the pointer, key and toolbar handlers of one frame look at.
#[derive(Clone, Copy)]
pub(super) struct Scene<'a> {
    pub(super) t: &'static crate::app::i18n::Strings,
    pub(super) doc: &'a OpenDocument,
    /// The blocks on screen.
    pub(super) shown: &'a [Shown],
    /// The visible body (screen).
    pub(super) viewport: Rect,
    /// The selected annotation.
    pub(super) selected: Option<AnnotationId>,
    /// The colour H uses.
    pub(super) last_color: Color,
    /// The text surface (gets the keyboard back after a toolbar click).
    pub(super) surface: egui::Id,
    /// Whether the find bar is open (Escape closes it).
    pub(super) find_open: bool,
}

/// Mouse selection: drag (scrolling past the edges), Shift+click to extend, double click for
/// a word-sized run, triple click for a sentence, Alt+click to highlight a sentence, click
/// on a highlight to select it.
pub(super) fn pointer_ui(
    ui: &Ui,
    surface: &egui::Response,
    scene: &Scene,
    reader: &mut ReaderView,
    commands: &mut Vec<Command>,
) {
    let (viewport, shown, doc) = (scene.viewport, scene.shown, scene.doc);
    let (pointer, press, modifiers) = ui.input(|i| {
        (
            i.pointer.interact_pos(),
            i.pointer.press_origin(),
            i.modifiers,
        )
    });
    let clamp = |p: egui::Pos2| {
        egui::Pos2::new(
            p.x.clamp(viewport.left(), viewport.right()),
            p.y.clamp(viewport.top() + 1.0, viewport.bottom() - 1.0),
        )
    };
    let hit = |p: egui::Pos2| marks::char_at(shown, clamp(p));
    if surface.drag_started()
        && let Some(start) = press.and_then(hit)
    {
        let anchor = match reader.selection {
            Some((anchor, _)) if modifiers.shift => anchor,
            _ if modifiers.shift => reader.caret.unwrap_or(start),
            _ => start,
        };
        reader.selection = Some((anchor, start));
        reader.dragging = true;
        commands.push(Command::Act(Act::SelectAnnotation(None)));
    }
    if reader.dragging
        && surface.dragged()
        && let Some(p) = pointer
    {
        if let Some(head) = hit(p)
            && let Some((anchor, _)) = reader.selection
        {
            reader.selection = Some((anchor, head));
        }
        // Past an edge: scroll, faster the further out.
        let over = if p.y < viewport.top() {
            p.y - viewport.top()
        } else if p.y > viewport.bottom() {
            p.y - viewport.bottom()
        } else {
            0.0
        };
        reader.autoscroll = (over * 0.5).clamp(-60.0, 60.0);
        if reader.autoscroll != 0.0 {
            ui.ctx().request_repaint();
        }
    }
    if surface.drag_stopped() || (reader.dragging && !surface.dragged()) {
        reader.dragging = false;
        reader.autoscroll = 0.0;
        if reader.selection().is_none() {
            reader.selection = None;
        }
    }
    let Some(at) = pointer.filter(|p| viewport.contains(*p)).and_then(hit) else {
        return;
    };
    if surface.triple_clicked() {
        if let Some(range) = crate::annotate::units::sentence_at(&doc.doc, at) {
            reader.select(range);
        }
    } else if surface.double_clicked() {
        if let Some(range) = crate::annotate::units::word_at(&doc.doc, at) {
            reader.select(range);
        }
    } else if surface.clicked() {
        if modifiers.alt {
            commands.push(Command::HighlightSentence(at));
        } else if modifiers.shift {
            let anchor = reader
                .selection
                .map(|(a, _)| a)
                .or(reader.caret)
                .unwrap_or(at);
            reader.selection = Some((anchor, at));
        } else {
            reader.selection = None;
            reader.caret = Some(at);
            let on = doc.notes.set.highlight_at(at).map(|a| a.id);
            commands.push(Command::Act(Act::SelectAnnotation(on)));
        }
    }
}

/// Hovering a note marker, or a highlight with a note, shows the note.
pub(super) fn note_tooltips(ui: &Ui, surface: &egui::Response, scene: &Scene, markers: &[Marker]) {
    let (shown, doc) = (scene.shown, scene.doc);
    if !surface.hovered() {
        return;
    }
    let Some(p) = ui.input(|i| i.pointer.hover_pos()) else {
        return;
    };
    let id = markers
        .iter()
        .find(|m| m.rect.expand(3.0).contains(p))
        .map(|m| m.id)
        .or_else(|| {
            let block = shown.iter().find(|s| s.rect.contains(p))?;
            let at = block.char_at(p);
            let a = doc.notes.set.highlight_at(at)?;
            // Only when the pointer is really over the highlighted text.
            block
                .rects(a.range)
                .iter()
                .any(|r| r.contains(p))
                .then_some(a.id)
        });
    let Some(a) = id.and_then(|id| doc.notes.set.get(id)) else {
        return;
    };
    if a.note.trim().is_empty() {
        return;
    }
    // Off the highlighted rows (below them, else above) and inside the text area.
    let range = TextRange::new(a.range.start, a.range.end.max(a.range.start + 1));
    let rows: Vec<Rect> = shown.iter().flat_map(|s| s.rects(range)).collect();
    let id = note_tooltip_id();
    let size = egui::AreaState::load(ui.ctx(), id)
        .and_then(|s| s.size)
        .unwrap_or(egui::vec2(NOTE_TOOLTIP_WIDTH, 40.0));
    let at = super::toolbar::clear_of_rows(&rows, 0.0, size, scene.viewport, Side::Below);
    let width = NOTE_TOOLTIP_WIDTH
        .min(scene.viewport.width() - 16.0)
        .max(80.0);
    let shown_at = egui::Area::new(id)
        .order(egui::Order::Tooltip)
        .interactable(false)
        .fade_in(false)
        .fixed_pos(at)
        .constrain_to(scene.viewport)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(width);
                ui.label(a.note.as_str());
            });
        })
        .response
        .rect;
    if (shown_at.size() - size).length() > 0.5 {
        ui.ctx().request_repaint();
    }
}

/// Widest a note's tooltip gets.
const NOTE_TOOLTIP_WIDTH: f32 = 360.0;

/// The id of the note tooltip's area (its rect is in egui's memory).
pub fn note_tooltip_id() -> egui::Id {
    egui::Id::unique("pizhu-note-tooltip")
}

/// Right click: on a highlight, its actions; elsewhere, copy / highlight the selection.
pub(super) fn context_menu_ui(
    ui: &Ui,
    surface: &egui::Response,
    scene: &Scene,
    reader: &mut ReaderView,
    commands: &mut Vec<Command>,
) {
    let (t, doc, shown, color) = (scene.t, scene.doc, scene.shown, scene.last_color);
    if surface.secondary_clicked() {
        let at = ui
            .input(|i| i.pointer.interact_pos())
            .and_then(|p| marks::char_at(shown, p));
        reader.context_target = at
            .and_then(|at| doc.notes.set.highlight_at(at))
            .map(|a| a.id);
        reader.context_at = at;
        if let Some(id) = reader.context_target {
            commands.push(Command::Act(Act::SelectAnnotation(Some(id))));
        }
    }
    let target = reader.context_target.and_then(|id| doc.notes.set.get(id));
    let selection = reader.selection();
    surface.context_menu(|ui| {
        if let Some(a) = target {
            ui.horizontal(|ui| {
                for c in Color::ALL {
                    let label = format!("{}{}", t.change_to, t.color_name(c));
                    let dot = ui.add(egui::Button::new(
                        egui::RichText::new("●").color(crate::app::theme::highlight_ink(c)),
                    ));
                    dot.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
                    if dot.on_hover_text(&label).clicked() {
                        commands.push(changed(a, |x| x.color = c));
                        ui.close();
                    }
                }
            });
            let underline = a.mark == Mark::Underline;
            if ui
                .button(if underline { t.fill } else { t.underline })
                .clicked()
            {
                commands.push(changed(a, toggle_underline));
                ui.close();
            }
            crate::app::annotations_panel::annotation_menu_items(ui, t, a, commands);
        } else {
            if let Some(range) = selection {
                let highlight = |open_note| {
                    Command::Act(Act::Highlight {
                        range,
                        color,
                        mark: Mark::Fill,
                        open_note,
                    })
                };
                // The text is copied out only when asked (a selection can be the whole book).
                if ui.button(t.copy).clicked() {
                    commands.push(Command::Copy(marks::copy_text(&doc.doc, range)));
                    ui.close();
                }
                menu_item(ui, t.highlight, highlight(false), commands);
                menu_item(ui, t.add_note, highlight(true), commands);
            }
            if ui.button(t.select_all).clicked() {
                reader.select(TextRange::new(0, doc.doc.char_count));
                ui.close();
            }
        }
        if let Some(at) = reader.context_at {
            ui.separator();
            outline_menu_items(ui, t, doc, at, commands);
        }
    });
}

/// The outline items of the reader's context menu, for the line holding char `at`: make it
/// a heading at a level, not a heading, and (when the reader corrected it) undo that.
fn outline_menu_items(
    ui: &mut Ui,
    t: &'static crate::app::i18n::Strings,
    doc: &OpenDocument,
    at: usize,
    commands: &mut Vec<Command>,
) {
    let f = t.fix();
    let line = crate::outline::corrections::line_of(&doc.doc, at);
    let heading = line.and_then(|l| crate::outline::corrections::node_on_line(&doc.outline, l));
    ui.menu_button(
        f.make_heading[0]
            .split(['（', '('])
            .next()
            .unwrap_or("")
            .trim(),
        |ui| {
            for level in 1..=crate::outline::corrections::MAX_LEVEL {
                let current = heading.is_some_and(|i| doc.outline.nodes[i].depth == level);
                let item = egui::Button::selectable(current, f.make_heading[level as usize - 1]);
                let hint = crate::session::keymap::hint(
                    Action::HeadingLevel(level),
                    t.lang == crate::app::i18n::Lang::Zh,
                );
                let resp = ui.add(item);
                let resp = match hint {
                    Some(key) => resp.on_hover_text(key),
                    None => resp,
                };
                if resp.clicked() {
                    commands.push(Command::Act(Act::MakeHeading { at, level }));
                    ui.close();
                }
            }
        },
    );
    if heading.is_some() {
        menu_item(
            ui,
            f.not_heading,
            Command::Act(Act::NotHeading { at }),
            commands,
        );
    }
    if line.is_some_and(|l| !doc.corrections_on_line(l).is_empty()) {
        menu_item(
            ui,
            f.clear_correction,
            Command::Act(Act::ClearCorrections { at }),
            commands,
        );
    }
}

/// Keys for selections and highlights (when the text or nothing has focus): H highlights
/// in the last colour, 1–5 in a colour (or recolour the selected highlight), U underlines,
/// N opens a note, Delete removes the selected highlight, Ctrl+A selects all, Ctrl+C
/// copies, Escape lets go.
pub(super) fn mark_keys(
    ui: &Ui,
    surface: egui::Id,
    scene: &Scene,
    reader: &mut ReaderView,
    commands: &mut Vec<Command>,
) {
    let (doc, selected, last_color) = (scene.doc, scene.selected, scene.last_color);
    if ui.memory(|m| m.focused()).is_some_and(|f| f != surface) {
        return;
    }
    let selection = reader.selection();
    let annotation = selected.and_then(|id| doc.notes.set.get(id));
    ui.input_mut(|i| {
        let mut key = |action, scope| crate::app::keys::pressed(i, action, scope);
        if key(Action::SelectAll, Scope::Reader) {
            reader.select(TextRange::new(0, doc.doc.char_count));
            return;
        }
        if key(Action::Copy, Scope::Reader) {
            if let Some(range) = selection {
                commands.push(Command::Copy(marks::copy_text(&doc.doc, range)));
            } else if let Some(a) = annotation {
                commands.push(Command::Copy(a.quote.clone()));
            }
            return;
        }
        // Ctrl+Alt+1…4 / 0: the outline level of the paragraph at the caret.
        if let Some(level) = (0..=crate::outline::corrections::MAX_LEVEL)
            .find(|&n| key(Action::HeadingLevel(n), Scope::Reader))
        {
            let at = selection
                .map(|r| r.start)
                .or(reader.caret)
                .or(reader.top_char);
            if let Some(at) = at {
                commands.push(Command::Act(if level == 0 {
                    Act::ClearCorrections { at }
                } else {
                    Act::MakeHeading { at, level }
                }));
            }
            return;
        }
        let digit = (1..=5u8)
            .position(|n| key(Action::Colour(n), Scope::Reader))
            .map(|n| Color::ALL[n]);
        if let Some(range) = selection {
            let highlight = |color, mark, open_note| {
                Command::Act(Act::Highlight {
                    range,
                    color,
                    mark,
                    open_note,
                })
            };
            if let Some(color) = digit {
                commands.push(highlight(color, Mark::Fill, false));
            } else if key(Action::Highlight, Scope::Selection) {
                commands.push(highlight(last_color, Mark::Fill, false));
            } else if key(Action::Underline, Scope::Reader) {
                commands.push(highlight(last_color, Mark::Underline, false));
            } else if key(Action::Note, Scope::Reader) {
                commands.push(highlight(last_color, Mark::Fill, true));
            } else if key(Action::ClearSelection, Scope::Selection) {
                reader.clear_selection();
            }
        } else if let Some(a) = annotation {
            if let Some(color) = digit
                && a.color != color
            {
                commands.push(changed(a, |x| x.color = color));
            } else if key(Action::Underline, Scope::Reader) {
                commands.push(changed(a, toggle_underline));
            } else if key(Action::Note, Scope::Reader) {
                commands.push(Command::Act(Act::EditNote(a.id)));
            } else if key(Action::Delete, Scope::Annotation) {
                commands.push(Command::Act(Act::DeleteAnnotation(a.id)));
            } else if key(Action::ClearSelection, Scope::Annotation) {
                commands.push(Command::Act(Act::SelectAnnotation(None)));
            }
        } else if scene.find_open && key(Action::CloseFind, Scope::Reader) {
            commands.push(Command::CloseFind);
        }
    });
}
