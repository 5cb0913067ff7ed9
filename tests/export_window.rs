//! The export and settings windows (issue 16): apart from each other and below the top bar,
//! still when the language changes; the export window in Chinese names its formats in
//! Chinese, clears its status when the choice changes and greys out the filters for the
//! outline alone.

mod common;

use egui::{Key, Modifiers, Rect, Role, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use pizhu::app::settings::LanguagePref;
use pizhu::app::{Command, PizhuApp, Startup};

fn window(size: Vec2) -> Harness<'static, PizhuApp> {
    common::window_of(size, None, None, Startup::Sample)
}

fn language(h: &mut Harness<'static, PizhuApp>, pref: LanguagePref) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::SetLanguage(pref));
    h.run();
}

/// Both windows open: export (Ctrl+E) and settings.
fn open_both(h: &mut Harness<'static, PizhuApp>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::ShowSettings(true));
    h.run();
}

/// The rect of the window whose title is `title`.
fn window_rect(h: &Harness<'static, PizhuApp>, title: &str) -> Rect {
    h.get_by_role_and_label(Role::Window, title).rect()
}

/// The bottom of the top bar: its lowest button.
fn top_bar_bottom(h: &Harness<'static, PizhuApp>, buttons: &[&str]) -> f32 {
    buttons
        .iter()
        .map(|b| h.get_by_role_and_label(Role::Button, b).rect().bottom())
        .fold(0.0, f32::max)
}

#[test]
fn the_windows_open_apart_below_the_top_bar_and_stay_when_the_language_changes() {
    for size in [Vec2::new(1400.0, 900.0), Vec2::new(1280.0, 800.0)] {
        let mut h = window(size);
        open_both(&mut h);
        let export = window_rect(&h, "Export");
        let settings = window_rect(&h, "Settings");
        assert!(
            !export.intersects(settings),
            "{size:?}: export {export:?} over settings {settings:?}"
        );
        let bar = top_bar_bottom(&h, &["Library", "Settings", "Export…"]);
        assert!(
            export.top() >= bar && settings.top() >= bar,
            "{size:?}: a window over the top bar (bottom {bar}): {export:?} {settings:?}"
        );
        // In Chinese: the same places and widths.
        language(&mut h, LanguagePref::Chinese);
        let export_zh = window_rect(&h, "导出");
        let settings_zh = window_rect(&h, "设置");
        for (en, zh, what) in [
            (export, export_zh, "export"),
            (settings, settings_zh, "settings"),
        ] {
            assert!(
                (en.left() - zh.left()).abs() < 1.0 && (en.top() - zh.top()).abs() < 1.0,
                "{size:?}: the {what} window moved: {en:?} → {zh:?}"
            );
            assert!(
                (en.width() - zh.width()).abs() < 1.0,
                "{size:?}: the {what} window changed width: {en:?} → {zh:?}"
            );
        }
    }
}

#[test]
fn the_chinese_export_window_names_its_formats_in_chinese() {
    let mut h = window(Vec2::new(1400.0, 900.0));
    language(&mut h, LanguagePref::Chinese);
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    for format in ["纯文本", "Markdown", "CSV（Excel/WPS）", "Word（.docx）"] {
        assert!(
            h.query_by_role_and_label(Role::RadioButton, format)
                .is_some(),
            "{format}"
        );
    }
    assert!(h.query_by_label("Plain text").is_none());
    assert!(h.query_by_label("写出原文件的完整路径").is_some());
}

#[test]
fn a_status_clears_when_the_format_changes_and_the_bare_outline_greys_out_the_filters() {
    let mut h = window(Vec2::new(1400.0, 900.0));
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    h.get_by_label("Copy to clipboard").click();
    common::wait_then_run(&mut h, "the export", |app| app.last_copied.is_some());
    assert!(h.query_by_label("Copied to the clipboard").is_some());
    h.get_by_role_and_label(Role::RadioButton, "HTML").click();
    h.run();
    assert!(
        h.query_by_label("Copied to the clipboard").is_none(),
        "the status of the Markdown copy stays under HTML"
    );
    // The outline alone: nothing to filter.
    // The export window's own "Filter Yellow" (the annotations panel has one too).
    let yellow = |h: &Harness<'static, PizhuApp>| {
        let export = window_rect(h, "Export");
        let mine: Vec<bool> = h
            .query_all_by_role_and_label(Role::CheckBox, "Filter Yellow")
            .filter(|n| export.contains_rect(n.rect()))
            .map(|n| n.accesskit_node().is_disabled())
            .collect();
        assert_eq!(mine.len(), 1, "one colour filter in the export window");
        mine[0]
    };
    assert!(!yellow(&h));
    h.get_by_role_and_label(Role::RadioButton, "Outline")
        .click();
    h.run();
    assert!(yellow(&h), "the colour filter is live for the bare outline");
    h.get_by_label("With the highlights under their sections")
        .click();
    h.run();
    assert!(!yellow(&h));
}
