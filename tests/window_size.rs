//! The window at every size (issue 16, "Every size"): the text column keeps at least 24
//! characters a line however narrow the window, the side panels yield to rails that open
//! them over the text, focus mode (F11) shows the text alone, and HiDPI lays out the same.

mod common;

use egui::{Key, Modifiers, Role, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use pizhu::app::room::{MIN_CHARS, Place, Side};
use pizhu::app::{Command, PizhuApp, Startup};
use pizhu::session::Action as Act;

fn window(w: f32, h: f32) -> Harness<'static, PizhuApp> {
    common::window_of(Vec2::new(w, h), None, None, Startup::Sample)
}

/// The most characters drawn on one line of the body text in view (from the laid-out
/// galleys: chars whose rects share a top).
fn chars_a_line(h: &Harness<'static, PizhuApp>) -> usize {
    let reader = &h.state().reader;
    let visible = reader.visible().expect("the text was shown");
    let mut best = 0;
    let mut line: Option<(f32, usize)> = None;
    for pos in visible.start..visible.end {
        let Some(rect) = reader.char_rect(pos) else {
            continue;
        };
        if rect.width() < 1.0 {
            continue;
        }
        line = match line {
            Some((top, n)) if (rect.top() - top).abs() < 2.0 => Some((top, n + 1)),
            _ => Some((rect.top(), 1)),
        };
        best = best.max(line.map_or(0, |(_, n)| n));
    }
    best
}

fn place(h: &Harness<'static, PizhuApp>, side: Side) -> Place {
    h.state().room.place(side).expect("the reader was shown")
}

fn has_outline_tree(h: &Harness<'static, PizhuApp>) -> bool {
    h.query_by_role_and_label(Role::Tree, "Outline tree")
        .is_some()
}

fn has_annotations(h: &Harness<'static, PizhuApp>) -> bool {
    h.query_by_role_and_label(Role::Button, "Close Annotations")
        .is_some()
}

fn text_rect(h: &Harness<'static, PizhuApp>) -> egui::Rect {
    h.get_by_role_and_label(Role::Document, "Text").rect()
}

#[test]
fn at_1400_by_900_both_panels_dock_beside_the_text() {
    let h = window(1400.0, 900.0);
    assert_eq!(place(&h, Side::Outline), Place::Docked);
    assert_eq!(place(&h, Side::Annotations), Place::Docked);
    assert!(has_outline_tree(&h));
    assert!(has_annotations(&h));
    assert!(
        h.query_by_role_and_label(Role::Button, "Outline over the text")
            .is_none()
    );
    let n = chars_a_line(&h);
    assert!(n >= 30, "{n} chars a line at 1400×900");
}

#[test]
fn narrow_windows_keep_24_chars_a_line_and_the_panels_within_reach() {
    for (w, hgt) in [(900.0, 600.0), (700.0, 500.0)] {
        let mut h = window(w, hgt);
        let n = chars_a_line(&h);
        println!("{w}×{hgt}: {n} chars a line");
        assert!(
            n as f32 >= MIN_CHARS,
            "{n} chars a line at {w}×{hgt} (outline {:?}, annotations {:?})",
            place(&h, Side::Outline),
            place(&h, Side::Annotations)
        );
        // Every panel is docked or on a rail whose button opens it over the text.
        for (side, label, shown) in [
            (
                Side::Outline,
                "Outline over the text",
                has_outline_tree as fn(&Harness<'static, PizhuApp>) -> bool,
            ),
            (
                Side::Annotations,
                "Annotations over the text",
                has_annotations,
            ),
        ] {
            match place(&h, side) {
                Place::Docked => assert!(shown(&h), "{side:?} docked but not shown"),
                Place::Rail => {
                    assert!(!shown(&h), "{side:?} on a rail is closed at first");
                    h.get_by_role_and_label(Role::Button, label).click();
                    h.run();
                    assert!(shown(&h), "{side:?} opens from its rail at {w}×{hgt}");
                    assert_eq!(h.state().room.overlay, Some(side));
                    // The text keeps its column under the panel.
                    let m = chars_a_line(&h);
                    assert!(m as f32 >= MIN_CHARS, "{m} chars with {side:?} open");
                    // Esc closes it.
                    h.key_press(Key::Escape);
                    h.run();
                    assert!(!shown(&h), "Esc closes {side:?}");
                    // A click on the text closes it too.
                    h.get_by_role_and_label(Role::Button, label).click();
                    h.run();
                    assert!(shown(&h));
                    let text = text_rect(&h);
                    let point = match side {
                        Side::Outline => text.right_center() - Vec2::new(20.0, 0.0),
                        Side::Annotations => text.left_center() + Vec2::new(20.0, 0.0),
                    };
                    // Press and release in one frame, as a quick click comes.
                    h.event(egui::Event::PointerButton {
                        pos: point,
                        button: egui::PointerButton::Primary,
                        pressed: true,
                        modifiers: Modifiers::NONE,
                    });
                    h.event(egui::Event::PointerButton {
                        pos: point,
                        button: egui::PointerButton::Primary,
                        pressed: false,
                        modifiers: Modifiers::NONE,
                    });
                    h.run();
                    assert!(!shown(&h), "a click outside closes {side:?}");
                }
                other => panic!("{side:?} is {other:?} at {w}×{hgt}"),
            }
        }
    }
    // At 700×500 neither panel fits beside a 24-character column.
    let h = window(700.0, 500.0);
    assert_eq!(place(&h, Side::Outline), Place::Rail);
    assert_eq!(place(&h, Side::Annotations), Place::Rail);
}

#[test]
fn f11_shows_the_text_alone_and_again_restores_everything() {
    let mut h = window(1400.0, 900.0);
    let before = text_rect(&h);
    h.key_press(Key::F11);
    h.run();
    assert!(h.state().room.focus);
    assert!(!has_outline_tree(&h), "outline hidden in focus mode");
    assert!(!has_annotations(&h), "annotations hidden in focus mode");
    assert!(
        h.query_by_role_and_label(Role::Button, "Open…").is_none(),
        "top bar hidden in focus mode"
    );
    let focused = text_rect(&h);
    assert!(
        focused.width() > before.width() + 500.0,
        "{focused:?} vs {before:?}"
    );
    // Panels on demand with their usual keys, over the text.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num1);
    h.run();
    assert!(
        has_outline_tree(&h),
        "Ctrl+1 opens the outline in focus mode"
    );
    h.key_press(Key::Escape);
    h.run();
    assert!(!has_outline_tree(&h));
    assert!(h.state().room.focus, "the first Esc only closes the panel");
    // F11 again returns.
    h.key_press(Key::F11);
    h.run();
    assert!(!h.state().room.focus);
    assert!(has_outline_tree(&h) && has_annotations(&h));
    assert!(h.query_by_role_and_label(Role::Button, "Open…").is_some());
    // Esc leaves focus mode too.
    h.key_press(Key::F11);
    h.run();
    assert!(h.state().room.focus);
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().room.focus);
    assert!(has_outline_tree(&h) && has_annotations(&h));
}

/// Highlight `n` passages of 12 characters at the starts of the sample's longer lines; their
/// quotes.
fn highlight_passages(h: &mut Harness<'static, PizhuApp>, n: usize) -> Vec<String> {
    let doc = &h.state().current.as_ref().expect("open").doc;
    let mut picked = Vec::new();
    let mut start = 0;
    for line in doc.text.split('\n') {
        let chars = line.chars().count();
        if chars > 30 && picked.len() < n && line.chars().take(12).all(|c| !c.is_whitespace()) {
            let quote: String = line.chars().take(12).collect();
            picked.push((pizhu::TextRange::new(start, start + 12), quote));
        }
        start += chars + 1;
    }
    assert_eq!(picked.len(), n, "{n} passages in the sample");
    let ctx = h.ctx.clone();
    for (range, _) in &picked {
        h.state_mut().apply(
            &ctx,
            Command::Act(Act::Highlight {
                range: *range,
                color: pizhu::annotate::Color::Yellow,
                mark: pizhu::annotate::Mark::Fill,
                open_note: false,
            }),
        );
    }
    h.run();
    picked.into_iter().map(|(_, q)| q).collect()
}

#[test]
fn a_long_note_leaves_the_tag_field_and_the_list_within_reach() {
    let mut h = window(1400.0, 900.0);
    let quotes = highlight_passages(&mut h, 3);
    let first = {
        let set = &h.state().current.as_ref().expect("open").notes.set;
        set.items()
            .iter()
            .find(|a| a.quote == quotes[0])
            .expect("the first highlight")
            .id
    };
    let note: String = "长批注的一行文字，写得很长很长。".repeat(160);
    assert!(note.chars().count() >= 2_500);
    let ctx = h.ctx.clone();
    h.state_mut()
        .apply(&ctx, Command::Act(Act::SelectAnnotation(Some(first))));
    h.state_mut()
        .apply(&ctx, Command::Act(Act::TypeNote(first, note.clone())));
    h.run();
    let a = h
        .state()
        .current
        .as_ref()
        .and_then(|d| d.notes.set.get(first))
        .expect("the note");
    assert_eq!(a.note, note);
    // The panel: from its close button down to the window's bottom, less the status bar.
    let close = h
        .get_by_role_and_label(Role::Button, "Close Annotations")
        .rect();
    let text = text_rect(&h);
    let bottom = text.bottom();
    let tag = h
        .get_by_role_and_label(Role::TextInput, "Add a tag…")
        .rect();
    assert!(
        tag.top() > close.bottom() && tag.bottom() <= bottom,
        "tag field {tag:?} outside the panel (close {close:?}, bottom {bottom})"
    );
    let note_field = h.get_by_role_and_label(Role::MultilineTextInput, "Note");
    assert!(note_field.rect().top() < tag.top());
    for quote in &quotes {
        let row = h.get_by_role_and_label(Role::Button, quote).rect();
        assert!(
            row.top() > tag.bottom() && row.bottom() <= bottom,
            "row {quote} at {row:?} is out of reach (tag field {tag:?}, bottom {bottom})"
        );
    }
}

/// A 1400×900-pixel window at `ppp` pixels a point, in English, the sample loaded.
fn hidpi_window(ppp: f32) -> Harness<'static, PizhuApp> {
    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0) / ppp)
        .with_pixels_per_point(ppp)
        .with_max_steps(64)
        .build_eframe(|cc| PizhuApp::new(&cc.egui_ctx, None, None, Startup::Sample));
    let ctx = h.ctx.clone();
    h.state_mut().apply(
        &ctx,
        Command::SetLanguage(pizhu::app::settings::LanguagePref::English),
    );
    common::settle(&mut h);
    h
}

#[test]
fn hidpi_lays_out_without_overlap_and_keeps_the_column() {
    for ppp in [1.5, 2.0] {
        let h = hidpi_window(ppp);
        let size = Vec2::new(1400.0, 900.0) / ppp;
        let text = text_rect(&h);
        let n = chars_a_line(&h);
        println!("ppp {ppp}: {size:?} points, {n} chars a line");
        assert!(n as f32 >= MIN_CHARS, "{n} chars a line at ppp {ppp}");
        // The top bar's buttons: above the text, inside the window, none over another.
        let bar: Vec<(String, egui::Rect)> = h
            .query_all_by_role(Role::Button)
            .map(|b| (b.accesskit_node().label().unwrap_or_default(), b.rect()))
            .filter(|(_, r)| r.bottom() <= text.top() + 1.0)
            .collect();
        assert!(bar.len() >= 3, "top bar buttons at ppp {ppp}: {bar:?}");
        for (i, (a, ra)) in bar.iter().enumerate() {
            assert!(
                ra.left() >= -0.5 && ra.right() <= size.x + 0.5,
                "{a} at {ra:?} outside the {size:?} window at ppp {ppp}"
            );
            for (b, rb) in &bar[i + 1..] {
                let overlap = ra.intersect(*rb);
                assert!(
                    overlap.width() <= 0.5 || overlap.height() <= 0.5,
                    "{a} {ra:?} overlaps {b} {rb:?} at ppp {ppp}"
                );
            }
        }
        // The text sits between the side panels or their rails, not under them.
        for (side, label) in [
            (Side::Outline, "Outline over the text"),
            (Side::Annotations, "Annotations over the text"),
        ] {
            if place(&h, side) == Place::Rail {
                let rail = h.get_by_role_and_label(Role::Button, label).rect();
                assert!(
                    rail.right() <= text.left() + 0.5 || rail.left() >= text.right() - 0.5,
                    "{label} {rail:?} over the text {text:?} at ppp {ppp}"
                );
            }
        }
    }
}

#[test]
fn panel_text_follows_the_zoom() {
    let mut h = window(1400.0, 900.0);
    let heights = |h: &Harness<'static, PizhuApp>| {
        [
            h.get_by_label("Expand all").rect().height(),
            h.get_by_role_and_label(Role::TextInput, "Filter annotations…")
                .rect()
                .height(),
        ]
    };
    let before = heights(&h);
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
        h.run();
    }
    common::settle(&mut h);
    let zoom = h.state().settings.zoom;
    assert!(zoom > 1.3, "zoom {zoom}");
    let after = heights(&h);
    for (b, a) in before.iter().zip(after) {
        assert!(a > b * 1.2, "panel text {b} → {a} at zoom {zoom}");
    }
}

#[test]
fn levels_1_2_3_stay_on_one_row_at_every_width_and_zoom() {
    for (w, zoom_steps) in [(1400.0, 0), (1400.0, 3), (900.0, 2)] {
        let mut h = window(w, 900.0);
        for _ in 0..zoom_steps {
            h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
            h.run();
        }
        common::settle(&mut h);
        if place(&h, Side::Outline) != Place::Docked {
            continue;
        }
        let label = h.get_by_label("Levels").rect();
        for level in 1..=3 {
            let b = h
                .get_by_role_and_label(Role::Button, &format!("Expand to level {level}"))
                .rect();
            assert!(
                (b.center().y - label.center().y).abs() < 4.0,
                "level {level} {b:?} not on the row of Levels {label:?} at {w}, {zoom_steps} zoom steps"
            );
        }
    }
}

#[test]
fn outline_points_are_never_larger_than_their_headings() {
    let mut h = window(1400.0, 900.0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    h.run();
    common::settle(&mut h);
    let outline = h.state().current.as_ref().expect("open").outline.clone();
    let point = outline
        .nodes
        .iter()
        .position(|n| n.kind == pizhu::outline::NodeKind::Point)
        .expect("a point in the sample");
    let heading = outline.nodes[..point]
        .iter()
        .rposition(|n| {
            n.kind != pizhu::outline::NodeKind::Point && n.depth < outline.nodes[point].depth
        })
        .expect("its heading");
    let rect_of = |i: usize| {
        let label = pizhu::outline::label::node_label(&outline.nodes[i]);
        h.get_by_role_and_label(Role::Button, &label).rect()
    };
    let (p, hd) = (rect_of(point), rect_of(heading));
    println!("point {p:?} heading {hd:?}");
    assert!(
        p.height() <= hd.height() + 0.5,
        "point {p:?} taller than heading {hd:?}"
    );
}

/// What N does on a selection: a highlight, and its note editor opened.
fn highlight_with_note(h: &mut Harness<'static, PizhuApp>) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(
        &ctx,
        Command::Act(Act::Highlight {
            range: pizhu::TextRange::new(20, 30),
            color: pizhu::annotate::Color::Yellow,
            mark: pizhu::annotate::Mark::Fill,
            open_note: true,
        }),
    );
    h.run();
}

#[test]
fn a_note_written_while_the_annotations_are_on_a_rail_opens_them_over_the_text() {
    let mut h = window(900.0, 600.0);
    assert_eq!(place(&h, Side::Annotations), Place::Rail);
    assert!(!has_annotations(&h));
    // N on a selection: a highlight and its note editor (the panel was on its rail, and the
    // note went unseen).
    highlight_with_note(&mut h);
    assert_eq!(h.state().room.overlay, Some(Side::Annotations));
    assert!(has_annotations(&h), "the panel is over the text");
    assert!(
        !h.state().notes_view.focus_note,
        "its note editor took the cursor"
    );
    // At 1400 the panel is docked: nothing opens over the text.
    let mut h = window(1400.0, 900.0);
    highlight_with_note(&mut h);
    assert_eq!(h.state().room.overlay, None);
}
