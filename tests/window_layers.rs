//! Floating layers in the window (issue 16, rough edges): the selection toolbar, the note
//! tooltip and the blanks window stay inside the text area and off the text they refer to.

mod common;

use egui::{Rect, Role, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use pizhu::app::{PizhuApp, Startup};
use pizhu::document::TextRange;

/// The bundled sample at `w`×`h`, in English.
fn window(w: f32, h: f32) -> Harness<'static, PizhuApp> {
    common::window_of(Vec2::new(w, h), None, None, Startup::Sample)
}

/// The text area (the reader's scroll area).
fn reader_rect(h: &Harness<'static, PizhuApp>) -> Rect {
    h.get_by_role_and_label(Role::Document, "Text").rect()
}

/// The rows of text in view: (chars, rect), top to bottom.
fn rows_in_view(h: &Harness<'static, PizhuApp>) -> Vec<(TextRange, Rect)> {
    let reader = &h.state().reader;
    let view = reader.view_rect().expect("the text was shown");
    let visible = reader.visible().expect("text in view");
    let mut rows: Vec<(TextRange, Rect)> = Vec::new();
    for pos in visible.start..visible.end {
        let Some(r) = reader.char_rect(pos) else {
            continue;
        };
        if r.top() < view.top() || r.bottom() > view.bottom() {
            continue;
        }
        match rows.last_mut() {
            Some((range, rect)) if (rect.top() - r.top()).abs() < 1.0 && range.end == pos => {
                *range = TextRange::new(range.start, pos + 1);
                *rect = rect.union(r);
            }
            _ => rows.push((TextRange::new(pos, pos + 1), r)),
        }
    }
    rows
}

fn area_rect(h: &Harness<'static, PizhuApp>, id: egui::Id) -> Option<Rect> {
    h.ctx.memory(|m| m.area_rect(id))
}

/// Whether the area `id` was shown in the last frame.
fn shows(h: &Harness<'static, PizhuApp>, id: egui::Id) -> bool {
    h.ctx
        .memory(|m| m.areas().visible_layer_ids().iter().any(|l| l.id == id))
}

/// The selection toolbar's rect after selecting `range`.
fn toolbar_for(h: &mut Harness<'static, PizhuApp>, range: TextRange) -> Rect {
    h.state_mut().reader.select(range);
    h.run();
    area_rect(h, pizhu::app::reader::toolbar_id()).expect("the toolbar is shown")
}

/// The toolbar covers no row of the selection nor the row after it, and stays in the text
/// area (never over the side panels).
fn assert_clear(
    h: &Harness<'static, PizhuApp>,
    toolbar: Rect,
    range: TextRange,
    next_row: Option<Rect>,
    what: &str,
) {
    let view = reader_rect(h);
    assert!(
        view.expand(0.5).contains_rect(toolbar),
        "{what}: toolbar {toolbar:?} outside the text area {view:?}"
    );
    let rows = h.state().reader.range_rects(range);
    assert!(!rows.is_empty(), "{what}: the selection is drawn");
    for r in rows.iter().chain(next_row.as_ref()) {
        assert!(
            !toolbar.shrink(0.5).intersects(*r),
            "{what}: toolbar {toolbar:?} over the text at {r:?}"
        );
    }
}

#[test]
fn the_selection_toolbar_stays_off_the_selected_rows_and_inside_the_text() {
    for (w, hgt) in [(1400.0, 900.0), (900.0, 600.0)] {
        let mut h = window(w, hgt);
        let rows = rows_in_view(&h);
        assert!(rows.len() > 6, "{w}x{hgt}: {} rows in view", rows.len());
        // At the top of the view: the last chars of its first row.
        let (first, _) = rows[0];
        let top = TextRange::new(first.end.saturating_sub(3).max(first.start), first.end);
        let toolbar = toolbar_for(&mut h, top);
        assert_clear(&h, toolbar, top, Some(rows[1].1), "top");
        // Near the top and the right edge: the last chars of the first full row.
        let right_edge = rows.iter().map(|r| r.1.right()).fold(0.0, f32::max);
        let k = rows
            .iter()
            .position(|r| r.1.right() > right_edge - 20.0)
            .expect("a full row");
        assert!(k < 8, "{w}x{hgt}: the first full row is row {k}");
        let near_right = TextRange::new(rows[k].0.end - 3, rows[k].0.end);
        let toolbar = toolbar_for(&mut h, near_right);
        assert_clear(&h, toolbar, near_right, Some(rows[k + 1].1), "top right");
        // Near the top-left: the first chars of the second row.
        let (second, _) = rows[1];
        let near_left = TextRange::new(second.start, (second.start + 2).min(second.end));
        let toolbar = toolbar_for(&mut h, near_left);
        assert_clear(&h, toolbar, near_left, Some(rows[2].1), "top left");
        // In the middle, over two rows: above them.
        let mid = rows.len() / 2;
        let two_rows = TextRange::new(rows[mid].0.end - 4, rows[mid + 1].0.start + 4);
        let toolbar = toolbar_for(&mut h, two_rows);
        assert_clear(&h, toolbar, two_rows, Some(rows[mid + 2].1), "middle");
        assert!(
            toolbar.bottom() <= rows[mid].1.top(),
            "{w}x{hgt}: the toolbar {toolbar:?} is above the selection {:?}",
            rows[mid].1
        );
        // At the bottom of the view, at the right edge: still above.
        let (last, _) = rows[rows.len() - 1];
        let bottom = TextRange::new(last.end.saturating_sub(2).max(last.start), last.end);
        let toolbar = toolbar_for(&mut h, bottom);
        assert_clear(&h, toolbar, bottom, None, "bottom right");
    }
}

/// Highlight `range` with `note` (through the window's commands, as the panel does).
fn note_on(h: &mut Harness<'static, PizhuApp>, range: TextRange, note: &str) {
    use pizhu::app::Command;
    use pizhu::session::Action as Act;
    let ctx = h.ctx.clone();
    h.state_mut().apply(
        &ctx,
        Command::Act(Act::Highlight {
            range,
            color: pizhu::annotate::Color::Yellow,
            mark: pizhu::annotate::Mark::Fill,
            open_note: false,
        }),
    );
    let id = h
        .state()
        .current
        .as_ref()
        .and_then(|d| d.notes.set.highlight_at(range.start))
        .expect("the new highlight")
        .id;
    h.state_mut()
        .apply(&ctx, Command::Act(Act::TypeNote(id, note.to_owned())));
    h.run();
}

#[test]
fn a_notes_tooltip_leaves_its_highlight_readable_inside_the_text() {
    let note = "这一段要和第三部分对照着读，数据口径不同。".repeat(4);
    for (w, hgt) in [(1400.0, 900.0), (900.0, 600.0)] {
        let mut h = window(w, hgt);
        let rows = rows_in_view(&h);
        let n = rows.len();
        assert!(n > 6, "{w}x{hgt}: {n} rows in view");
        // Over two rows in the middle, at the right edge of the top row, at the bottom.
        let cases = [
            (
                "middle",
                TextRange::new(rows[n / 2].0.end - 5, rows[n / 2 + 1].0.start + 5),
            ),
            (
                "top right",
                TextRange::new(rows[0].0.end - 3, rows[0].0.end),
            ),
            (
                "bottom",
                TextRange::new(rows[n - 1].0.start, rows[n - 1].0.start + 4),
            ),
        ];
        for (what, range) in cases {
            note_on(&mut h, range, &note);
            let highlighted = h.state().reader.range_rects(range);
            assert!(!highlighted.is_empty(), "{what}: the highlight is drawn");
            h.event(egui::Event::PointerMoved(highlighted[0].center()));
            h.run();
            let tip = area_rect(&h, pizhu::app::reader::note_tooltip_id())
                .unwrap_or_else(|| panic!("{w}x{hgt} {what}: the note's tooltip is shown"));
            let id = pizhu::app::reader::note_tooltip_id();
            assert!(shows(&h, id), "{w}x{hgt} {what}: the tooltip is visible");
            let view = reader_rect(&h);
            assert!(
                view.expand(0.5).contains_rect(tip),
                "{w}x{hgt} {what}: tooltip {tip:?} outside the text area {view:?}"
            );
            for r in &highlighted {
                assert!(
                    !tip.shrink(0.5).intersects(*r),
                    "{w}x{hgt} {what}: tooltip {tip:?} over its highlight at {r:?}"
                );
            }
            // Away from the highlight, the tooltip goes.
            h.event(egui::Event::PointerMoved(
                view.left_top() + Vec2::new(2.0, 2.0),
            ));
            h.run();
            assert!(!shows(&h, id), "{w}x{hgt} {what}: the tooltip goes");
        }
    }
}

#[test]
fn the_blanks_window_opens_in_the_text_area_clear_of_the_panels() {
    use pizhu::app::Command;
    let mut h = window(1400.0, 900.0);
    let blanks = h
        .state()
        .current
        .as_ref()
        .map_or(0, |d| d.outline.placeholders.len());
    assert!(blanks > 0, "the sample has blanks to fill");
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::ShowBlanks(true));
    h.run();
    let id = pizhu::app::navigate::blanks_window_id();
    for size in [
        Vec2::new(1400.0, 900.0),
        Vec2::new(1100.0, 700.0),
        Vec2::new(900.0, 600.0),
        Vec2::new(1400.0, 900.0),
    ] {
        h.set_size(size);
        h.run();
        assert!(shows(&h, id), "{size:?}: the blanks window is shown");
        let window = area_rect(&h, id).expect("the blanks window");
        let text = reader_rect(&h);
        assert!(
            text.expand(0.5).contains_rect(window),
            "{size:?}: blanks window {window:?} outside the text area {text:?}"
        );
        // At the text area's bottom-right corner.
        assert!(
            (text.right() - window.right()).abs() < 16.0
                && (text.bottom() - window.bottom()).abs() < 16.0,
            "{size:?}: blanks window {window:?} not at the corner of {text:?}"
        );
        // Clear of the annotations panel's filters and of its close button.
        for label in ["Filter annotations…", "Close Annotations"] {
            if let Some(node) = h.query_by_label(label) {
                let r = node.rect();
                assert!(
                    !window.intersects(r),
                    "{size:?}: blanks window {window:?} over {label} at {r:?}"
                );
            }
        }
    }
    // Its list still works from there: the first blank is a button in the window.
    assert!(
        h.query_all_by_role(Role::Button)
            .any(|b| window_contains(&h, id, b.rect())
                && b.accesskit_node()
                    .label()
                    .is_some_and(|l| l.starts_with("1. "))),
        "the first blank is listed"
    );
}

fn window_contains(h: &Harness<'static, PizhuApp>, id: egui::Id, r: Rect) -> bool {
    area_rect(h, id).is_some_and(|w| w.contains_rect(r))
}
