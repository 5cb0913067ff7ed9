//! What is painted over the text: the selection, highlights, note markers and the flash
//! after a jump; and hit-testing a point to a char. Ranges come from the document model
//! (char offsets) and become rectangles only here, per visible galley.

use std::ops::Range;
use std::sync::Arc;

use egui::{Galley, Painter, Pos2, Rect, Stroke, Vec2};

use crate::annotate::{AnnotationId, AnnotationSet, Kind, Mark};
use crate::app::settings::Theme;
use crate::app::theme::{highlight_fill, highlight_ink, selection_fill};
use crate::document::TextRange;

/// A block on screen this frame.
#[derive(Clone)]
pub struct Shown {
    /// Where the galley is painted (screen).
    pub galley_pos: Pos2,
    /// Its laid-out text.
    pub galley: Arc<Galley>,
    /// Char offset of the galley's first char in the document.
    pub text_start: usize,
    /// Number of chars in the galley.
    pub chars: usize,
    /// The block's full rect (screen), gaps included.
    pub rect: Rect,
    /// Font size of its body text.
    pub size_px: f32,
}

impl Shown {
    /// The document chars this block shows.
    pub fn range(&self) -> TextRange {
        TextRange::new(self.text_start, self.text_start + self.chars)
    }

    /// The char nearest a screen point.
    pub fn char_at(&self, pos: Pos2) -> usize {
        let cursor = self.galley.cursor_from_pos(pos - self.galley_pos);
        self.text_start + cursor.index.0.min(self.chars)
    }

    /// Screen rects covering the part of `range` inside this block, one per row, trimmed
    /// to the height of the text.
    pub fn rects(&self, range: TextRange) -> Vec<Rect> {
        let start = range.start.max(self.text_start) - self.text_start;
        let end = range
            .end
            .min(self.text_start + self.chars)
            .saturating_sub(self.text_start);
        if start >= end {
            return Vec::new();
        }
        range_rects(&self.galley, start..end)
            .into_iter()
            .map(|r| {
                let trim = ((r.height() - 1.4 * self.size_px) / 2.0).max(0.0);
                r.shrink2(Vec2::new(0.0, trim))
                    .translate(self.galley_pos.to_vec2())
            })
            .collect()
    }
}

/// Rects (galley coordinates) covering a char range, one per row.
pub fn range_rects(galley: &Galley, range: Range<usize>) -> Vec<Rect> {
    let mut out = Vec::new();
    let mut row_start = 0usize;
    for row in &galley.rows {
        let row_end = row_start + row.char_count_excluding_newline().0;
        let (s, e) = (range.start.max(row_start), range.end.min(row_end));
        if s < e {
            let x0 = row.pos.x + row.x_offset(egui::text::CharIndex(s - row_start));
            let x1 = row.pos.x + row.x_offset(egui::text::CharIndex(e - row_start));
            out.push(Rect::from_x_y_ranges(x0..=x1, row.min_y()..=row.max_y()));
        }
        row_start += row.char_count_including_newline().0;
        if row_start >= range.end {
            break;
        }
    }
    out
}

/// The block nearest a screen point (by height), among those shown.
pub fn block_at(shown: &[Shown], pos: Pos2) -> Option<&Shown> {
    shown
        .iter()
        .find(|s| s.rect.top() <= pos.y && pos.y < s.rect.bottom())
        .or_else(|| {
            shown.iter().min_by(|a, b| {
                let da = (a.rect.center().y - pos.y).abs();
                let db = (b.rect.center().y - pos.y).abs();
                da.total_cmp(&db)
            })
        })
}

/// The char under a screen point, if a block is near.
pub fn char_at(shown: &[Shown], pos: Pos2) -> Option<usize> {
    block_at(shown, pos).map(|s| s.char_at(pos))
}

/// What the marks of one frame need.
pub struct MarkStyle<'a> {
    /// The annotations.
    pub set: &'a AnnotationSet,
    /// The text selection.
    pub selection: Option<TextRange>,
    /// The selected annotation.
    pub selected: Option<AnnotationId>,
    /// The flashing annotation and its strength.
    pub flash: Option<(AnnotationId, f32)>,
    /// Colour theme.
    pub theme: Theme,
    /// Find matches, in document order.
    pub matches: &'a [TextRange],
    /// The match the reader is at.
    pub current_match: Option<TextRange>,
    /// Authors whose imported comments are hidden.
    pub hidden_authors: &'a std::collections::BTreeSet<String>,
}

impl MarkStyle<'_> {
    /// Whether `a` is shown (not an imported comment of a hidden author).
    fn shows(&self, a: &crate::annotate::Annotation) -> bool {
        !crate::app::annotations_panel::hidden(self.hidden_authors, a)
    }
}

/// A note marker painted this frame: where, and whose note.
pub struct Marker {
    /// Screen rect.
    pub rect: Rect,
    /// The annotation.
    pub id: AnnotationId,
}

/// Paint highlights, the selection and note markers of one block (before its text).
/// Returns the note markers, and the last selection rect (where the toolbar goes).
pub fn paint_block_marks(
    painter: &Painter,
    shown: &Shown,
    style: &MarkStyle,
    markers: &mut Vec<Marker>,
) -> Option<Rect> {
    let block = shown.range();
    for a in style.set.overlapping(block).filter(|a| style.shows(a)) {
        let rects = shown.rects(a.range);
        let ink = highlight_ink(a.color);
        for r in &rects {
            match a.mark {
                Mark::Fill => {
                    painter.rect_filled(*r, 2.0, highlight_fill(style.theme, a.color));
                }
                Mark::Underline => {
                    painter.hline(
                        r.x_range(),
                        r.bottom() - 1.0,
                        Stroke::new((shown.size_px / 9.0).max(1.5), ink),
                    );
                }
            }
            if style.selected == Some(a.id) {
                painter.rect_stroke(
                    r.expand(1.0),
                    2.0,
                    Stroke::new(1.5, ink),
                    egui::StrokeKind::Outside,
                );
            }
            if let Some((id, strength)) = style.flash
                && id == a.id
            {
                painter.rect_filled(r.expand(2.0), 3.0, ink.gamma_multiply(strength * 0.6));
            }
        }
        if !a.note.trim().is_empty()
            && a.range.end <= block.end
            && let Some(last) = rects.last()
        {
            markers.push(Marker {
                rect: note_marker(painter, *last, ink, shown.size_px),
                id: a.id,
            });
        }
    }
    // Section notes: a marker after the heading's title.
    let items = style.set.items();
    let from = items.partition_point(|a| a.range.start < block.start);
    for a in items[from..]
        .iter()
        .take_while(|a| a.range.start < block.end.max(block.start + 1))
        .filter(|a| a.kind == Kind::SectionNote && a.is_placed() && !a.note.trim().is_empty())
        .filter(|a| style.shows(a))
    {
        let end = TextRange::new(a.range.start, a.range.end.max(a.range.start + 1));
        if let Some(last) = shown.rects(end).last() {
            markers.push(Marker {
                rect: note_marker(painter, *last, highlight_ink(a.color), shown.size_px),
                id: a.id,
            });
        }
    }
    let from = style.matches.partition_point(|m| m.end <= block.start);
    for m in style.matches[from..]
        .iter()
        .take_while(|m| m.start < block.end)
    {
        let current = style.current_match == Some(*m);
        for r in shown.rects(*m) {
            painter.rect_filled(r, 2.0, search_fill(style.theme, current));
            if current {
                painter.rect_stroke(
                    r.expand(1.0),
                    2.0,
                    Stroke::new(1.5, egui::Color32::from_rgb(0xE0, 0x6C, 0x00)),
                    egui::StrokeKind::Outside,
                );
            }
        }
    }
    let mut last_selected = None;
    if let Some(sel) = style.selection {
        for r in shown.rects(sel) {
            painter.rect_filled(r, 0.0, selection_fill(style.theme));
            last_selected = Some(r);
        }
    }
    last_selected
}

/// Background of a find match (the current one stronger).
pub fn search_fill(theme: Theme, current: bool) -> egui::Color32 {
    match (theme, current) {
        (Theme::Dark, false) => egui::Color32::from_rgba_unmultiplied(0xC0, 0x70, 0x10, 110),
        (Theme::Dark, true) => egui::Color32::from_rgba_unmultiplied(0xE0, 0x80, 0x10, 200),
        (_, false) => egui::Color32::from_rgba_unmultiplied(0xFF, 0xB0, 0x40, 120),
        (_, true) => egui::Color32::from_rgba_unmultiplied(0xFF, 0x8C, 0x00, 210),
    }
}

/// A small folded-corner note sign at the top right of a rect's end; returns its rect.
fn note_marker(painter: &Painter, end: Rect, ink: egui::Color32, size_px: f32) -> Rect {
    let s = (size_px * 0.42).max(6.0);
    let rect = Rect::from_min_size(
        Pos2::new(end.right() + 1.0, end.top() - s * 0.35),
        Vec2::splat(s),
    );
    painter.rect_filled(rect, 1.5, ink);
    let fold = s * 0.38;
    painter.add(egui::Shape::convex_polygon(
        vec![
            Pos2::new(rect.right() - fold, rect.bottom()),
            rect.right_bottom(),
            Pos2::new(rect.right(), rect.bottom() - fold),
        ],
        egui::Color32::WHITE.gamma_multiply(0.85),
        Stroke::NONE,
    ));
    rect
}

/// Plain text of a range for the clipboard: each line without its indentation.
pub fn copy_text(doc: &crate::document::Document, range: TextRange) -> String {
    doc.slice(range)
        .split('\n')
        .map(|l| l.trim_start_matches([' ', '\u{3000}', '\t']))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, SourceFormat};

    #[test]
    fn copied_text_drops_paragraph_indentation() {
        let d = Document::from_text(
            "标题\n　　第一段。\n　　第二段。".to_owned(),
            "UTF-8",
            SourceFormat::Text,
        );
        assert_eq!(
            copy_text(&d, TextRange::new(0, d.char_count)),
            "标题\n第一段。\n第二段。"
        );
    }
}
