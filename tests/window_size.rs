//! The window at every size (issue 16, "Every size"): the text column keeps at least 24
//! characters a line however narrow the window, the side panels yield to rails that open
//! them over the text, focus mode (F11) shows the text alone, and HiDPI lays out the same.

mod common;

use egui::{Key, Modifiers, Role, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use pizhu::app::room::{MIN_CHARS, Place, Side};
use pizhu::app::{PizhuApp, Startup};

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
                    h.hover_at(point);
                    h.run();
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
