//! Legible panels (issue 16): annotation cards show up to three rows of quote and note and
//! open to their whole text on "More"; the outline tree's current section and the status
//! bar's path are the heading at the top of the view; the top bar fits one row in English
//! and Chinese.

mod common;

use egui::accesskit::Role;
use egui::{Rect, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use pizhu::app::{Command, PizhuApp, Startup};
use pizhu::session::Action as Act;

fn window(w: f32, h: f32) -> Harness<'static, PizhuApp> {
    common::window_of(Vec2::new(w, h), None, None, Startup::Sample)
}

/// The height of a row of panel text (the body style, as the panels scale it).
fn panel_row(h: &Harness<'static, PizhuApp>) -> f32 {
    let zoom = h.state().settings.zoom;
    let font = h
        .ctx
        .global_style()
        .text_styles
        .get(&egui::TextStyle::Body)
        .cloned()
        .expect("a body style");
    let font = egui::FontId::new(
        (font.size * zoom).max(pizhu::app::room::MIN_PANEL_TEXT),
        font.family,
    );
    h.ctx.fonts_mut(|f| f.row_height(&font))
}

/// Highlight `chars` chars from the first char of the first line longer than 30; the
/// annotation's quote folded to one line, as the card labels it.
fn highlight_long(
    h: &mut Harness<'static, PizhuApp>,
    chars: usize,
) -> (pizhu::annotate::AnnotationId, String) {
    let doc = &h.state().current.as_ref().expect("open").doc;
    let mut start = 0;
    for line in doc.text.split('\n') {
        if line.chars().count() > 30 {
            break;
        }
        start += line.chars().count() + 1;
    }
    let range = pizhu::TextRange::new(start, start + chars);
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
    // Nothing selected: the list has the panel to itself.
    h.state_mut()
        .apply(&ctx, Command::Act(Act::SelectAnnotation(None)));
    h.run();
    let a = h
        .state()
        .current
        .as_ref()
        .expect("open")
        .notes
        .set
        .items()
        .iter()
        .find(|a| a.range == range)
        .expect("the highlight")
        .clone();
    assert!(a.quote.chars().count() + 10 >= chars, "{}", a.quote);
    let label = a.quote.split_whitespace().collect::<Vec<_>>().join(" ");
    (a.id, label)
}

fn card(h: &Harness<'static, PizhuApp>, label: &str) -> Rect {
    h.get_by_role_and_label(Role::Button, label).rect()
}

/// The "More" / "Less" button inside the card at `rect`.
fn toggle_in<'a>(
    h: &'a Harness<'static, PizhuApp>,
    word: &'a str,
    rect: Rect,
) -> egui_kittest::Node<'a> {
    h.query_all_by_role_and_label(Role::Button, word)
        .find(|n| rect.contains_rect(n.rect()))
        .unwrap_or_else(|| panic!("no {word:?} in the card at {rect:?}"))
}

#[test]
fn a_long_quote_shows_three_rows_and_opens_on_more() {
    let mut h = window(1400.0, 900.0);
    let (id, label) = highlight_long(&mut h, 400);
    let row = panel_row(&h);
    let folded = card(&h, &label);
    println!("row {row}, folded card {}", folded.height());
    // Three rows of quote, the "More" row and the card's padding: under four and a half rows.
    assert!(
        folded.height() >= 3.0 * row && folded.height() <= 4.0 * row + 16.0,
        "folded card {} tall, rows {row}",
        folded.height()
    );
    toggle_in(&h, "More", folded).click();
    h.run();
    let open = card(&h, &label);
    println!("expanded card {}", open.height());
    assert!(
        open.height() > 8.0 * row,
        "the whole quote is many rows: {} tall, rows {row}",
        open.height()
    );
    assert!(h.state().notes_view.expanded.contains(&id));
    // The state is kept while the list scrolls: the card is the same height a frame later.
    h.run();
    assert_eq!(card(&h, &label).height(), open.height());
    toggle_in(&h, "Less", open).click();
    h.run();
    assert_eq!(card(&h, &label).height(), folded.height());
    assert!(!h.state().notes_view.expanded.contains(&id));

    // From the keyboard: the button takes the focus and Enter opens the card.
    toggle_in(&h, "More", folded).focus();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(card(&h, &label).height() > 8.0 * row);
}

#[test]
fn a_short_quote_has_no_more_button_and_a_long_note_is_folded_too() {
    let mut h = window(1400.0, 900.0);
    let (id, label) = highlight_long(&mut h, 8);
    let row = panel_row(&h);
    let short = card(&h, &label);
    assert!(short.height() < 2.0 * row + 16.0, "{}", short.height());
    assert!(
        h.query_all_by_role_and_label(Role::Button, "More")
            .all(|n| !short.contains_rect(n.rect()))
    );
    let note = "一行批注的文字，写得很长很长，".repeat(30);
    let ctx = h.ctx.clone();
    h.state_mut()
        .apply(&ctx, Command::Act(Act::TypeNote(id, note)));
    h.state_mut().apply(&ctx, Command::Act(Act::EndTyping));
    h.state_mut()
        .apply(&ctx, Command::Act(Act::SelectAnnotation(None)));
    h.run();
    let folded = card(&h, &label);
    // One row of quote, three of note, the "More" row.
    assert!(
        folded.height() <= 5.0 * row + 18.0,
        "{} tall, rows {row}",
        folded.height()
    );
    toggle_in(&h, "More", folded).click();
    h.run();
    assert!(card(&h, &label).height() > 8.0 * row);
}

/// The label of node `i` in the tree and the status bar.
fn node_label(h: &Harness<'static, PizhuApp>, i: usize) -> String {
    let doc = h.state().current.as_ref().expect("open");
    pizhu::app::outline_panel::node_label(&doc.outline, i)
}

fn node_starting(h: &Harness<'static, PizhuApp>, title: &str) -> usize {
    let doc = h.state().current.as_ref().expect("open");
    doc.outline
        .nodes
        .iter()
        .position(|n| n.title.starts_with(title))
        .expect("the heading")
}

/// The labels of the tree's rows drawn as selected (highlighted).
fn highlighted_rows(h: &Harness<'static, PizhuApp>) -> Vec<String> {
    let tree = h.get_by_role_and_label(Role::Tree, "Outline tree").rect();
    h.get_all_by_role(Role::Button)
        .filter(|n| tree.contains_rect(n.rect()))
        .filter(|n| n.accesskit_node().toggled() == Some(egui::accesskit::Toggled::True))
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect()
}

/// The status bar's section path.
fn status_path(h: &Harness<'static, PizhuApp>) -> String {
    h.get_by_role(Role::Status)
        .accesskit_node()
        .label()
        .unwrap_or_default()
}

#[test]
fn the_tree_and_the_status_bar_name_the_section_at_the_top_and_the_cursor_moves_nothing() {
    let mut h = window(1400.0, 900.0);
    let i = node_starting(&h, "把平台整合作为");
    let ctx = h.ctx.clone();
    // The outline's own command: its heading goes to the top of the view.
    h.state_mut().apply(&ctx, Command::Act(Act::JumpToNode(i)));
    h.run();
    h.run();
    let label = node_label(&h, i);
    assert_eq!(h.state().outline_view.current, Some(i));
    assert_eq!(highlighted_rows(&h), vec![label.clone()]);
    let path = status_path(&h);
    assert!(
        path.ends_with(&label),
        "status bar {path:?}, tree {label:?}"
    );
    assert!(path.contains(" › "), "{path:?}");

    // The keyboard cursor moves in the tree; the text, the current row and the path stay.
    let position = h.state().reader.top_char();
    h.key_press(egui::Key::F6);
    h.run();
    h.key_press(egui::Key::ArrowDown);
    h.key_press(egui::Key::ArrowDown);
    h.run();
    let cursor = h.state().outline_view.selected.expect("a cursor");
    assert_ne!(cursor, i);
    assert_eq!(h.state().outline_view.current, Some(i));
    assert_eq!(h.state().reader.top_char(), position);
    assert_eq!(highlighted_rows(&h), vec![label.clone()]);
    assert_eq!(status_path(&h), path);

    // Enter goes there: the text, the current row and the path agree again.
    h.key_press(egui::Key::Enter);
    h.run();
    h.run();
    assert_eq!(h.state().outline_view.current, Some(cursor));
    let label = node_label(&h, cursor);
    assert_eq!(highlighted_rows(&h), vec![label.clone()]);
    assert!(status_path(&h).ends_with(&label), "{}", status_path(&h));

    // Scrolling with the tree not focused: the cursor follows the section in view.
    h.get_by_role_and_label(Role::Document, "Text").click();
    h.run();
    for _ in 0..3 {
        h.key_press(egui::Key::PageDown);
        h.run();
    }
    let current = h.state().outline_view.current;
    assert_ne!(current, Some(cursor), "the text moved on");
    assert_eq!(h.state().outline_view.selected, current);
    let label = node_label(&h, current.expect("a section"));
    assert_eq!(highlighted_rows(&h), vec![label.clone()]);
    assert!(status_path(&h).ends_with(&label), "{}", status_path(&h));
}

/// Every control of the top bar: the buttons above the text and the side panels.
fn top_bar(h: &Harness<'static, PizhuApp>) -> Vec<(String, Rect)> {
    // Above the text (whose name is in the language shown) and the side panels.
    let top = h.get_by_role(Role::Document).rect().top() + 1.0;
    h.get_all_by_role(Role::Button)
        .filter(|n| n.rect().bottom() <= top)
        .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
        .collect()
}

fn language(h: &mut Harness<'static, PizhuApp>, lang: pizhu::app::settings::LanguagePref) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::SetLanguage(lang));
    h.run();
}

/// Every action of the top bar, by the start of its name (English, Chinese).
const BAR_ACTIONS: &[(&str, &str)] = &[
    ("Library", "书库"),
    ("Notebook", "金句库"),
    ("Open…", "打开…"),
    ("Recent", "最近打开"),
    ("Export…", "导出…"),
    ("Back", "后退"),
    ("Forward", "前进"),
    ("Find", "查找"),
    ("Blanks", "待填写"),
    ("Zoom out", "缩小"),
    ("Actual size", "原始大小"),
    ("Zoom in", "放大"),
    ("Outline", "提纲"),
    ("Annotations", "批注"),
    ("Hide ads and web residue", "隐藏广告与网页残留"),
    ("Settings", "设置"),
    ("Keyboard shortcuts", "快捷键"),
    ("New from clipboard", "从剪贴板新建"),
    ("Theme", "主题"),
    ("Status bar", "状态栏"),
    ("Official document style", "公文样式"),
];

#[test]
fn the_top_bar_is_one_row_at_every_size_in_english_and_chinese() {
    use pizhu::app::settings::LanguagePref;
    for (w, hgt) in [(1400.0, 900.0), (900.0, 600.0), (700.0, 500.0)] {
        let mut h = window(w, hgt);
        for (lang, more) in [
            (LanguagePref::English, "More actions"),
            (LanguagePref::Chinese, "更多操作"),
        ] {
            language(&mut h, lang);
            let bar = top_bar(&h);
            let labels: Vec<&str> = bar.iter().map(|(l, _)| l.as_str()).collect();
            println!("{w}×{hgt} {lang:?}: {labels:?}");
            if w >= 1400.0 {
                // All but the least used are on the bar.
                assert!(bar.len() >= 18, "{lang:?}: {labels:?}");
            }
            assert!(labels.contains(&more), "{labels:?}");
            let y = bar[0].1.center().y;
            for (label, rect) in &bar {
                assert!(
                    (rect.center().y - y).abs() < 4.0,
                    "{w}×{hgt} {lang:?}: {label:?} at {rect:?}, not in the row at {y} ({labels:?})"
                );
                assert!(
                    rect.right() <= w + 0.5,
                    "{label:?} at {rect:?} beyond the window"
                );
            }
            // Every action is on the bar or in its "⋯" menu.
            h.get_by_role_and_label(Role::Button, more).click();
            h.run();
            let names: Vec<String> = h
                .get_all_by_role(Role::Button)
                .filter_map(|n| n.accesskit_node().label())
                .collect();
            for (en, zh) in BAR_ACTIONS {
                let name = if lang == LanguagePref::Chinese {
                    zh
                } else {
                    en
                };
                assert!(
                    names.iter().any(|n| n.starts_with(name)),
                    "{w}×{hgt} {lang:?}: {name} neither on the bar nor in the menu"
                );
            }
            h.key_press(egui::Key::Escape);
            h.run();
        }
    }
}

#[test]
fn rails_show_an_icon_not_a_word_a_letter_a_line() {
    use pizhu::app::settings::LanguagePref;
    let mut h = window(700.0, 500.0);
    for lang in [LanguagePref::English, LanguagePref::Chinese] {
        language(&mut h, lang);
        let rails: Vec<_> = h
            .get_all_by_role(Role::Button)
            .filter(|n| {
                n.accesskit_node()
                    .label()
                    .is_some_and(|l| l.contains("over the text") || l.contains("浮在正文上"))
            })
            .map(|n| n.rect())
            .collect();
        assert!(!rails.is_empty(), "{lang:?}: a rail at 700×500");
        for rect in rails {
            assert!(
                rect.width() >= rect.height(),
                "{lang:?}: a rail's button {rect:?} is taller than wide"
            );
        }
    }
}

#[test]
fn focus_mode_keeps_the_room_above_the_text() {
    let mut h = window(1400.0, 900.0);
    let normal = h.get_by_role(Role::Document).rect();
    h.key_press(egui::Key::F11);
    h.run();
    assert!(h.state().room.focus);
    let focused = h.get_by_role(Role::Document).rect();
    println!("text at {normal:?}, in focus mode {focused:?}");
    assert!(
        (focused.top() - normal.top()).abs() < 1.0,
        "the text starts at {} in focus mode, {} in the normal view",
        focused.top(),
        normal.top()
    );
    assert!(focused.top() >= 20.0);
    // Scrolled on, the text's area still starts below the margin (the first line is
    // clipped there, never drawn against the window's edge).
    for _ in 0..3 {
        h.key_press(egui::Key::PageDown);
        h.run();
    }
    assert_eq!(h.get_by_role(Role::Document).rect().top(), focused.top());
}

#[test]
fn f6_on_a_rail_opens_the_outline_over_the_text_and_focuses_it() {
    for (w, hgt, focus_mode) in [(700.0, 500.0, false), (1400.0, 900.0, true)] {
        let mut h = window(w, hgt);
        if focus_mode {
            h.key_press(egui::Key::F11);
            h.run();
        } else {
            assert_eq!(
                h.state().room.place(pizhu::app::room::Side::Outline),
                Some(pizhu::app::room::Place::Rail)
            );
        }
        assert!(
            h.query_by_role_and_label(Role::Tree, "Outline tree")
                .is_none()
        );
        h.key_press(egui::Key::F6);
        h.run();
        assert_eq!(
            h.state().room.overlay,
            Some(pizhu::app::room::Side::Outline),
            "{w}×{hgt}"
        );
        assert!(
            h.get_by_role_and_label(Role::Tree, "Outline tree")
                .is_focused(),
            "{w}×{hgt}: the tree has the keyboard"
        );
        // The arrows walk it at once.
        let before = h.state().outline_view.selected;
        h.key_press(egui::Key::ArrowDown);
        h.run();
        assert_ne!(h.state().outline_view.selected, before, "{w}×{hgt}");
        // F6 again: back to the text, the outline closed.
        h.key_press(egui::Key::F6);
        h.run();
        assert_eq!(h.state().room.overlay, None, "{w}×{hgt}");
        assert!(
            h.query_by_role_and_label(Role::Tree, "Outline tree")
                .is_none()
        );
    }
}

#[test]
fn the_cards_in_view_stay_put_when_the_list_is_remade() {
    let mut h = window(1400.0, 900.0);
    // Many highlights of 50 chars: cards of two or three rows, estimated before they show.
    let doc = &h.state().current.as_ref().expect("open").doc;
    let mut ranges = Vec::new();
    let mut start = 0;
    for line in doc.text.split('\n') {
        let n = line.chars().count();
        if n >= 50 {
            ranges.push(pizhu::TextRange::new(start, start + 50));
        }
        start += n + 1;
    }
    assert!(ranges.len() >= 12, "{} long paragraphs", ranges.len());
    let ctx = h.ctx.clone();
    for range in &ranges {
        h.state_mut().apply(
            &ctx,
            Command::Act(Act::Highlight {
                range: *range,
                color: pizhu::annotate::Color::Green,
                mark: pizhu::annotate::Mark::Fill,
                open_note: false,
            }),
        );
    }
    h.state_mut()
        .apply(&ctx, Command::Act(Act::SelectAnnotation(None)));
    h.run();
    let items = h
        .state()
        .current
        .as_ref()
        .expect("open")
        .notes
        .set
        .items()
        .to_vec();
    let label =
        |a: &pizhu::annotate::Annotation| a.quote.split_whitespace().collect::<Vec<_>>().join(" ");
    // Scroll the list down with the wheel, a step at a time (every card passes through view).
    let panel = h
        .get_by_role_and_label(Role::Button, "Close Annotations")
        .rect();
    h.hover_at(egui::pos2(panel.left() - 100.0, panel.bottom() + 400.0));
    for _ in 0..6 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: Vec2::new(0.0, -120.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        h.run();
    }
    // A card well inside the view, and the first card (above it, out of view).
    let in_view = |h: &Harness<'static, PizhuApp>| -> Vec<(String, Rect)> {
        items
            .iter()
            .filter_map(|a| {
                let l = label(a);
                let rect = h
                    .query_by_role_and_label(Role::Button, &l)
                    .map(|n| n.rect());
                rect.map(|r| (l, r))
            })
            .filter(|(_, r)| r.top() > panel.bottom() + 150.0 && r.bottom() < 800.0)
            .collect()
    };
    let shown = in_view(&h);
    let (watched, before) = shown
        .first()
        .cloned()
        .expect("a card in view after scrolling");
    let first = &items[0];
    assert!(
        h.query_by_role_and_label(Role::Button, &label(first))
            .is_none_or(|n| n.rect().bottom() < panel.bottom() + 100.0),
        "the list was scrolled"
    );
    // A note typed on the first card remakes the list; what is in view does not move.
    h.state_mut().apply(
        &ctx,
        Command::Act(Act::TypeNote(first.id, "一条新批注".into())),
    );
    h.state_mut().apply(&ctx, Command::Act(Act::EndTyping));
    h.run();
    let after = h.get_by_role_and_label(Role::Button, &watched).rect();
    assert!(
        (after.top() - before.top()).abs() < 1.0,
        "{watched}: {before:?} → {after:?}"
    );
}

#[test]
fn notebook_cards_fold_and_open_like_the_panel() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let doc = tmp.path().join("speech.txt");
    let quote =
        "各部门要严格落实政务数据目录管理制度，做到应编尽编、应归尽归、应享尽享，".repeat(12);
    std::fs::write(&doc, format!("讲话\n\n一、总体要求\n\n{quote}\n")).expect("write");
    let out = common::pizhu(&[
        "--data-dir",
        data.to_str().expect("path"),
        "highlight",
        doc.to_str().expect("path"),
        "--quote",
        &quote,
        "--note",
        "很长的批注，讲清楚为什么这一段要记下来。"
            .repeat(8)
            .as_str(),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let dir = data.clone();
    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_max_steps(64)
        .build_eframe(move |cc| PizhuApp::new(&cc.egui_ctx, None, Some(dir), Startup::Resume));
    let ctx = h.ctx.clone();
    h.state_mut().apply(
        &ctx,
        Command::SetLanguage(pizhu::app::settings::LanguagePref::English),
    );
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::F,
    );
    common::wait_then_run(&mut h, "the notebook", |app| {
        app.notebook_view
            .results
            .as_ref()
            .is_some_and(|r| !r.rows.is_empty())
    });
    let row = panel_row(&h);
    let folded = card(&h, &quote);
    println!("notebook card {} tall, rows {row}", folded.height());
    // Three rows of quote, three of note, the tags and source line.
    assert!(
        folded.height() <= 7.0 * row + 24.0,
        "{} tall, rows {row}",
        folded.height()
    );
    toggle_in(&h, "More", folded).click();
    h.run();
    let open = card(&h, &quote);
    assert!(open.height() > folded.height() + row, "{open:?}");
    toggle_in(&h, "Less", open).click();
    h.run();
    assert_eq!(card(&h, &quote).height(), folded.height());
}
