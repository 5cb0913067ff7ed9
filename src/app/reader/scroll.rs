//! Scrolling by keyboard, and the find-match marks along the scroll bar.

use egui::{Rect, Ui};

use crate::session::keymap::{Action, Scope};

use super::ReaderView;
use crate::document::TextRange;

/// A scroll the keyboard asks for.
pub(super) enum Scroll {
    Lines(f32),
    Pages(f32),
    Home,
    End,
}

/// Reader keys: when the body has focus, or nothing has (a focused button, checkbox or text
/// field keeps its Space, Home and End).
pub(super) fn reader_keys(ui: &Ui, surface: egui::Id) -> (Option<Scroll>, Option<i32>) {
    let focused = ui.memory(|m| m.focused());
    if focused.is_some_and(|f| f != surface) {
        return (None, None);
    }

    ui.input_mut(|i| {
        let mut key = |action| crate::app::keys::pressed(i, action, Scope::Reader);
        let heading = if key(Action::PreviousHeading) {
            Some(-1)
        } else if key(Action::NextHeading) {
            Some(1)
        } else {
            None
        };
        let scroll = if key(Action::PageUp) {
            Some(Scroll::Pages(-1.0))
        } else if key(Action::PageDown) {
            Some(Scroll::Pages(1.0))
        } else if key(Action::Start) {
            Some(Scroll::Home)
        } else if key(Action::End) {
            Some(Scroll::End)
        } else if key(Action::LineDown) {
            Some(Scroll::Lines(1.0))
        } else if key(Action::LineUp) {
            Some(Scroll::Lines(-1.0))
        } else {
            None
        };
        (scroll, heading)
    })
}

/// Small marks on the right edge of the text for every find match, where the scroll bar
/// would show it.
pub(super) fn scroll_bar_marks(
    ui: &Ui,
    reader: &mut ReaderView,
    viewport: Rect,
    matches: &[TextRange],
    generation: u64,
) {
    let total = reader.index.total().max(1.0);
    let key = (generation, total as u32, viewport.height() as u32);
    if reader.ticks.as_ref().is_none_or(|(k, _)| *k != key) {
        let mut ys: Vec<f32> = Vec::new();
        for m in matches {
            let b = reader.block_of_char(m.start);
            let y = (reader.index.top(b) / total * viewport.height()).round();
            if ys.last() != Some(&y) {
                ys.push(y);
            }
        }
        reader.ticks = Some((key, ys));
    }
    let Some((_, ys)) = &reader.ticks else {
        return;
    };
    let x = viewport.right() - 3.0;
    let painter = ui.painter();
    let color = egui::Color32::from_rgb(0xFF, 0x8C, 0x00);
    for &y in ys {
        let y = viewport.top() + y;
        painter.line_segment(
            [egui::pos2(x - 7.0, y), egui::pos2(x, y)],
            egui::Stroke::new(2.0, color),
        );
    }
}
