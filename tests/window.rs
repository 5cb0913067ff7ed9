//! The reading window, driven by its accessible labels with egui_kittest (no GPU needed).

mod common;

use std::path::Path;

use egui::{Key, Modifiers, Role, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use pizhu::app::settings::LanguagePref;
use pizhu::app::{Command, PizhuApp, Startup};
use pizhu::outline::NodeKind;
use pizhu::session::Action as Act;

/// A window on `startup`, in English, at 1400×900.
/// The session's find results.
fn found<'h>(h: &'h Harness<'static, PizhuApp>) -> &'h pizhu::session::find::Find {
    &h.state().current.as_ref().expect("a document is open").find
}

fn node_index(h: &Harness<'static, PizhuApp>, title_start: &str) -> usize {
    let doc = h.state().current.as_ref().expect("a document is open");
    doc.outline
        .nodes
        .iter()
        .position(|n| n.title.starts_with(title_start))
        .expect("node exists")
}

fn reader_rect(h: &Harness<'static, PizhuApp>) -> egui::Rect {
    h.get_by_role_and_label(Role::Document, "Text").rect()
}

/// Where the session has the reader (the char at the top of the view, as the window
/// reports it after every frame; what a save writes).
fn position(h: &Harness<'static, PizhuApp>) -> Option<usize> {
    h.state()
        .current
        .as_ref()
        .expect("a document is open")
        .notes
        .position()
}

#[test]
fn the_sample_opens_with_its_outline_and_text() {
    let h = window_at(Startup::Sample);
    let doc = h.state().current.as_ref().expect("sample open");
    assert_eq!(doc.display_title(), "在全县数字政府建设推进会上的讲话");
    // The tree shows every heading level of the sample.
    for label in [
        "一、坚持统筹谋划，夯实数字政府建设根基",
        "（1）做强线上平台",
        "①建好“掌上办”专区",
    ] {
        assert!(
            h.query_by_role_and_label(Role::Button, label).is_some(),
            "tree row {label}"
        );
    }
    // The body shows the title as a heading.
    h.get_by_role_and_label(Role::Heading, "在全县数字政府建设推进会上的讲话");
    // The status bar names the encoding.
    assert!(h.query_by_label_contains("Encoding UTF-8").is_some());
}

#[test]
fn clicking_an_outline_node_brings_its_heading_to_the_top() {
    let mut h = window_at(Startup::Sample);
    let target = "四、压实工作责任，确保各项任务落地见效";
    h.get_by_role_and_label(Role::Button, target).click();
    h.run();
    let i = node_index(&h, "压实工作责任");
    let node_start = h
        .state()
        .current
        .as_ref()
        .map(|d| d.outline.nodes[i].range.start);
    assert_eq!(position(&h), node_start);
    let heading = h.get_by_role_and_label(Role::Heading, target).rect();
    let view = reader_rect(&h);
    assert!(
        (heading.top() - view.top()).abs() < 40.0,
        "heading at {heading:?}, view {view:?}"
    );
    assert_eq!(h.state().outline_view.current, Some(i));
}

#[test]
fn scrolling_moves_the_current_section_in_the_tree() {
    let mut h = window_at(Startup::Sample);
    assert_eq!(
        h.state().outline_view.current,
        None,
        "title area has no section"
    );
    let start = position(&h);
    let mut seen = Vec::new();
    for _ in 0..12 {
        h.key_press(Key::PageDown);
        h.run();
        let top = position(&h).expect("position");
        let doc = h.state().current.as_ref().expect("doc");
        let expected = doc.outline.node_at(top);
        assert_eq!(
            h.state().outline_view.current,
            expected,
            "scroll-spy at char {top}"
        );
        if let Some(i) = expected {
            seen.push(doc.outline.nodes[i].depth);
        }
    }
    assert!(seen.len() >= 6, "{seen:?}");
    assert!(
        seen.iter().any(|&d| d >= 2),
        "deeper sections become current too: {seen:?}"
    );
    // End reaches the very end: the last paragraph drawn is the document's last line, and
    // it ends inside the view. PageDown there stays put.
    h.key_press(Key::End);
    h.run();
    let last_line = pizhu::app::SAMPLE_TEXT
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .expect("a last line");
    let last = h
        .get_all_by_role(Role::Paragraph)
        .last()
        .expect("paragraphs on screen");
    assert_eq!(last.accesskit_node().label().as_deref(), Some(last_line));
    let view = reader_rect(&h);
    assert!(
        view.top() < last.rect().top() && last.rect().bottom() <= view.bottom() + 1.0,
        "{:?} in {view:?}",
        last.rect()
    );
    let at_end = position(&h);
    h.key_press(Key::PageDown);
    h.run();
    assert_eq!(position(&h), at_end);
    // Home goes back to the start: the title at the top.
    h.key_press(Key::Home);
    h.run();
    assert_eq!(position(&h), start);
    let title = h
        .get_by_role_and_label(Role::Heading, "在全县数字政府建设推进会上的讲话")
        .rect();
    assert!(
        (title.top() - view.top()).abs() < 40.0,
        "{title:?} {view:?}"
    );
}

#[test]
fn alt_arrows_step_through_headings() {
    let mut h = window_at(Startup::Sample);
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowDown);
    h.run();
    h.run();
    let first = node_index(&h, "坚持统筹谋划");
    assert_eq!(h.state().outline_view.current, Some(first));
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowDown);
    h.run();
    h.run();
    let second = node_index(&h, "把数据共享作为");
    assert_eq!(h.state().outline_view.current, Some(second));
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowUp);
    h.run();
    h.run();
    assert_eq!(h.state().outline_view.current, Some(first));
}

#[test]
fn f6_moves_focus_to_the_tree_and_the_keyboard_walks_it() {
    let mut h = window_at(Startup::Sample);
    h.key_press(Key::F6);
    h.run();
    assert!(
        h.get_by_role_and_label(Role::Tree, "Outline tree")
            .is_focused()
    );
    h.key_press(Key::ArrowDown);
    h.key_press(Key::ArrowDown);
    h.run();
    let selected = h.state().outline_view.selected.expect("a row is selected");
    h.key_press(Key::Enter);
    h.run();
    h.run();
    let start = h
        .state()
        .current
        .as_ref()
        .map(|d| d.outline.nodes[selected].range.start);
    assert_eq!(position(&h), start);
    // Left on an expanded node collapses it; its children leave the tree.
    h.key_press(Key::Home);
    h.key_press(Key::ArrowLeft);
    h.run();
    let child = "（一）把数据共享作为数字政府建设的基础工程";
    assert!(h.query_by_role_and_label(Role::Button, child).is_none());
    h.key_press(Key::ArrowRight);
    h.run();
    assert!(h.query_by_role_and_label(Role::Button, child).is_some());
    // F6 again returns to the text.
    h.key_press(Key::F6);
    h.run();
    assert!(h.get_by_role_and_label(Role::Document, "Text").is_focused());
}

#[test]
fn the_filter_narrows_the_tree() {
    let mut h = window_at(Startup::Sample);
    h.get_by_role_and_label(Role::TextInput, "Filter outline…")
        .focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Filter outline…")
        .type_text("一网");
    h.run();
    let rows = h.state().outline_view.rows().to_vec();
    let doc = h.state().current.as_ref().expect("doc");
    let labels: Vec<String> = rows
        .iter()
        .map(|&i| doc.outline.nodes[i].title.clone())
        .collect();
    assert!(labels.iter().any(|l| l.contains("一网通办")), "{labels:?}");
    assert!(labels.iter().any(|l| l.contains("一网统管")), "{labels:?}");
    assert!(
        labels.len() <= 5,
        "only matches and their parents: {labels:?}"
    );
    // Keys typed into the filter stay there: the text does not scroll.
    let at = position(&h);
    h.key_press(Key::Space);
    h.key_press(Key::End);
    h.run();
    assert_eq!(position(&h), at);
}

#[test]
fn collapse_to_level_and_expand_all() {
    let mut h = window_at(Startup::Sample);
    h.get_by_role_and_label(Role::Button, "Expand to level 1")
        .click();
    h.run();
    let doc_depths: Vec<u8> = {
        let doc = h.state().current.as_ref().expect("doc");
        h.state()
            .outline_view
            .rows()
            .iter()
            .map(|&i| doc.outline.nodes[i].depth)
            .collect()
    };
    assert!(doc_depths.iter().all(|&d| d == 1), "{doc_depths:?}");
    h.get_by_role_and_label(Role::Button, "Expand all").click();
    h.run();
    let total = h.state().current.as_ref().map(|d| d.outline.nodes.len());
    assert_eq!(Some(h.state().outline_view.rows().len()), total);
}

#[test]
fn zoom_keys_change_the_text_size() {
    let mut h = window_at(Startup::Sample);
    let before = h
        .get_by_role_and_label(Role::Heading, "在全县数字政府建设推进会上的讲话")
        .rect()
        .height();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    h.run();
    assert!((h.state().settings.zoom - 1.1).abs() < 1e-3);
    h.get_by_role_and_label(Role::Button, "Actual size 110%");
    let after = h
        .get_by_role_and_label(Role::Heading, "在全县数字政府建设推进会上的讲话")
        .rect()
        .height();
    assert!(after > before * 1.05, "{before} → {after}");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    h.run();
    assert!(h.state().settings.zoom < 1.0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    h.run();
    assert_eq!(h.state().settings.zoom, 1.0);
}

#[test]
fn boilerplate_is_dimmed_or_hidden_with_one_toggle() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/unnumbered.txt");
    let mut h = window_at(Startup::File(path));
    assert!(
        h.query_by_label("来源：某县日报").is_some(),
        "shown, dimmed"
    );
    h.get_by_role_and_label(Role::Button, "Hide ads and web residue")
        .click();
    h.run();
    assert!(h.query_by_label("来源：某县日报").is_none());
    assert!(
        h.query_by_label("7 lines of ads / web residue hidden")
            .is_some()
    );
    h.get_by_role_and_label(Role::Button, "Show").click();
    h.run();
    assert!(h.query_by_label("来源：某县日报").is_some());
}

#[test]
fn a_bad_file_shows_a_message_and_keeps_the_document() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("picture.txt");
    std::fs::write(&bad, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").expect("write");
    let mut h = window_at(Startup::Sample);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::Open(bad));
    common::settle(&mut h);
    let alert = h.get_by_role(Role::Alert);
    let text = alert.accesskit_node().label().unwrap_or_default();
    assert!(
        text.contains("binary data") && text.contains("picture.txt"),
        "{text}"
    );
    assert_eq!(
        h.state().current.as_ref().map(|d| d.name.as_str()),
        Some("sample-speech.txt")
    );
    h.get_by_role_and_label(Role::Button, "Dismiss").click();
    h.run();
    assert!(h.query_by_role(Role::Alert).is_none());
}

#[test]
fn points_are_listed_under_their_heading_in_the_tree() {
    let h = window_at(Startup::Sample);
    let doc = h.state().current.as_ref().expect("doc");
    let point = doc
        .outline
        .nodes
        .iter()
        .position(|n| n.kind == NodeKind::Point)
        .expect("a point");
    let label = pizhu::app::outline_panel::node_label(&doc.outline, point);
    assert!(label.starts_with("一是"), "{label}");
    assert!(h.query_by_role_and_label(Role::Button, &label).is_some());
}

/// Every character of every corpus document has a glyph in the bundled fonts: no tofu.
#[test]
fn no_tofu_on_any_corpus_document() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let ctx = egui::Context::default();
    ctx.set_fonts(pizhu::app::fonts::definitions(None));
    let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
    out.textures_delta.clear();
    let body = egui::FontId::new(18.0, pizhu::app::fonts::family(pizhu::app::fonts::BODY));
    for sub in ["seed", "reports", "docx"] {
        for entry in std::fs::read_dir(corpus.join(sub))
            .expect("corpus folder")
            .flatten()
        {
            let doc = pizhu::Document::open(&entry.path()).expect("corpus opens");
            let missing: std::collections::BTreeSet<char> = ctx.fonts_mut(|f| {
                doc.text
                    .chars()
                    .filter(|c| !c.is_control() && !f.has_glyph(&body, *c))
                    .collect()
            });
            assert!(
                missing.is_empty(),
                "{}: no glyph for {missing:?}",
                entry.path().display()
            );
        }
    }
}

/// A dropped file, as the window system hands it over.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_file_opens_it() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/appendix.txt");
    let mut h = window_at(Startup::Sample);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path)));
    h.step();
    common::settle(&mut h);
    let doc = h.state().current.as_ref().expect("doc");
    assert_eq!(doc.name, "appendix.txt");
    assert_eq!(doc.display_title(), "关于民生实事项目的报告");
}

#[test]
fn reopening_returns_to_the_same_place_with_the_same_settings() {
    let config = tempfile::tempdir().expect("temp dir");
    let settings = config.path().join("settings.ron");
    // A document long enough to scroll: a copy of the sample speech.
    let fixture = config.path().join("speech.txt");
    std::fs::copy(common::sample(), &fixture).expect("copy sample");
    let node;
    let left_at;
    {
        let settings = settings.clone();
        let fixture = fixture.clone();
        let mut h = Harness::builder()
            .with_size(Vec2::new(1400.0, 900.0))
            .with_max_steps(64)
            .build_eframe(move |cc| {
                PizhuApp::new(&cc.egui_ctx, Some(settings), None, Startup::File(fixture))
            });
        common::settle(&mut h);
        node = node_index(&h, "压实工作责任");
        let ctx = h.ctx.clone();
        h.state_mut().apply(&ctx, Command::Zoom(1));
        h.state_mut()
            .apply(&ctx, Command::SetTheme(pizhu::app::settings::Theme::Sepia));
        h.run();
        h.state_mut()
            .apply(&ctx, Command::Act(Act::JumpToNode(node)));
        h.run();
        left_at = position(&h);
        h.state_mut().save_settings();
    }
    let saved = std::fs::read_to_string(&settings).expect("settings written");
    assert!(
        saved.contains("speech.txt") && saved.contains("Sepia"),
        "{saved}"
    );
    // Bare `pizhu`: the last document, at the last position.
    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_max_steps(64)
        .build_eframe(move |cc| PizhuApp::new(&cc.egui_ctx, Some(settings), None, Startup::Resume));
    common::settle(&mut h);
    let doc = h.state().current.as_ref().expect("doc reopened");
    assert_eq!(doc.path.as_deref(), Some(fixture.as_path()));
    let start = doc.outline.nodes[node].range.start;
    assert!(left_at.is_some_and(|p| p > 0 && p <= start), "{left_at:?}");
    assert_eq!(position(&h), left_at);
    assert!((h.state().settings.zoom - 1.1).abs() < 1e-3);
    assert_eq!(h.state().settings.theme, pizhu::app::settings::Theme::Sepia);
}

#[test]
fn a_damaged_settings_file_is_reported_and_kept() {
    let config = tempfile::tempdir().expect("temp dir");
    let settings = config.path().join("settings.ron");
    std::fs::write(&settings, "(zoom: ").expect("write");
    let path = settings.clone();
    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_max_steps(64)
        .build_eframe(move |cc| PizhuApp::new(&cc.egui_ctx, Some(path), None, Startup::Sample));
    common::settle(&mut h);
    let alert = h
        .get_by_role(Role::Alert)
        .accesskit_node()
        .label()
        .unwrap_or_default();
    assert!(alert.contains("damaged"), "{alert}");
    assert_eq!(
        std::fs::read_to_string(config.path().join("settings.ron.damaged-1")).expect("kept"),
        "(zoom: "
    );
}

// ---------------------------------------------------------------------------------------
// Highlights and notes.

/// A window on the sample with annotations stored in `data_dir`.
/// Run frames until the open document's notes are written (the save runs on a writer
/// thread shortly after the last edit; on a loaded machine it may take a while).
fn wait_saved(h: &mut Harness<'static, PizhuApp>) {
    common::wait_until(h, "the notes to be saved", |app| {
        app.current.as_ref().is_some_and(|s| !s.notes.pending())
    });
}

/// A 1400×900 window, in English, once what `startup` opens is loaded.
fn window_at(startup: Startup) -> Harness<'static, PizhuApp> {
    common::window_of(Vec2::new(1400.0, 900.0), None, None, startup)
}

fn window_with_data(data_dir: &Path) -> Harness<'static, PizhuApp> {
    common::window_of(
        Vec2::new(1400.0, 900.0),
        None,
        Some(data_dir.to_owned()),
        Startup::Sample,
    )
}

/// The char range of the first occurrence of `quote` in the open document.
fn range_of(h: &Harness<'static, PizhuApp>, quote: &str) -> pizhu::TextRange {
    let doc = &h.state().current.as_ref().expect("open").doc;
    let byte = doc.text.find(quote).expect("quote in the document");
    let start = doc.char_of_byte(byte);
    pizhu::TextRange::new(start, start + quote.chars().count())
}

fn annotations(h: &Harness<'static, PizhuApp>) -> Vec<pizhu::annotate::Annotation> {
    h.state()
        .current
        .as_ref()
        .expect("open")
        .notes
        .set
        .items()
        .to_vec()
}

fn press(h: &mut Harness<'static, PizhuApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

/// Bring `quote` into view and return a screen point on its `nth` char.
fn point_in(h: &mut Harness<'static, PizhuApp>, quote: &str, nth: usize) -> egui::Pos2 {
    let range = range_of(h, quote);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::JumpToChar(range.start));
    h.run();
    let rect = h
        .get_all_by_role(Role::Paragraph)
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.contains(quote))
        })
        .expect("paragraph in view")
        .rect();
    let target = range.start + nth;
    for dy in (4..rect.height() as i32).step_by(6) {
        for dx in (0..rect.width() as i32).step_by(2) {
            let p = rect.left_top() + Vec2::new(dx as f32, dy as f32);
            if h.state().reader.char_at_screen(p) == Some(target) {
                return p;
            }
        }
    }
    panic!("char {target} not found on screen");
}

/// Highlight the first `quote` in `color` through the session: for tests that need a
/// highlight to be there, not the keys that make one.
fn highlight(h: &mut Harness<'static, PizhuApp>, quote: &str, color: pizhu::annotate::Color) {
    let range = range_of(h, quote);
    let ctx = h.ctx.clone();
    h.state_mut().apply(
        &ctx,
        Command::Act(Act::Highlight {
            range,
            color,
            mark: pizhu::annotate::Mark::Fill,
            open_note: false,
        }),
    );
    h.run();
}

/// Select the first `quote` as a reader does: by dragging across it on screen.
fn select_on_screen(h: &mut Harness<'static, PizhuApp>, quote: &str) {
    let from = point_in(h, quote, 0);
    let to = point_in(h, quote, quote.chars().count());
    drag(h, from, to, Modifiers::NONE);
}

fn drag(
    h: &mut Harness<'static, PizhuApp>,
    from: egui::Pos2,
    to: egui::Pos2,
    modifiers: Modifiers,
) {
    use egui::{Event, PointerButton};
    h.event(Event::PointerMoved(from));
    h.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers,
    });
    h.step();
    for k in 1..=6 {
        let p = from + (to - from) * (k as f32 / 6.0);
        h.event(Event::PointerMoved(p));
        h.step();
    }
    h.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers,
    });
    h.run();
}

fn click_at(h: &mut Harness<'static, PizhuApp>, p: egui::Pos2, modifiers: Modifiers) {
    use egui::{Event, PointerButton};
    h.event(Event::ModifiersChanged(modifiers));
    h.event(Event::PointerMoved(p));
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: p,
            button: PointerButton::Primary,
            pressed,
            modifiers,
        });
        h.step();
    }
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
}

const SENTENCE: &str = "数字政府建设是一项系统工程";

#[test]
fn dragging_selects_text_and_h_highlights_it_in_the_panel() {
    let mut h = window_at(Startup::Sample);
    let quote = SENTENCE;
    select_on_screen(&mut h, quote);
    let doc = h.state().current.as_ref().expect("open");
    let selection = h.state().reader.selection().expect("a selection");
    assert_eq!(doc.doc.slice(selection), quote);
    // The floating toolbar offers the colours.
    h.get_by_role_and_label(Role::Button, "Highlight Green");
    press(&mut h, Modifiers::NONE, Key::H);
    let all = annotations(&h);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].quote, quote);
    assert_eq!(all[0].color, pizhu::annotate::Color::Yellow);
    assert!(h.state().reader.selection().is_none());
    // Listed in the panel under its section.
    assert!(h.query_by_role_and_label(Role::Button, quote).is_some());
}

#[test]
fn number_keys_pick_colours_u_underlines_and_undo_redo_replay() {
    let mut h = window_at(Startup::Sample);
    select_on_screen(&mut h, SENTENCE);
    press(&mut h, Modifiers::NONE, Key::Num3);
    let a = annotations(&h).pop().expect("highlighted");
    assert_eq!(a.color, pizhu::annotate::Color::Blue);
    // The new highlight is selected: 5 recolours it, U underlines it.
    press(&mut h, Modifiers::NONE, Key::Num5);
    press(&mut h, Modifiers::NONE, Key::U);
    let a = annotations(&h).pop().expect("still there");
    assert_eq!(a.color, pizhu::annotate::Color::Purple);
    assert_eq!(a.mark, pizhu::annotate::Mark::Underline);
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert!(annotations(&h).is_empty());
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(annotations(&h).len(), 1);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let a = annotations(&h).pop().expect("back to the first version");
    assert_eq!(a.color, pizhu::annotate::Color::Blue);
    assert_eq!(a.mark, pizhu::annotate::Mark::Fill);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(
        annotations(&h).pop().map(|a| a.color),
        Some(pizhu::annotate::Color::Purple)
    );
}

#[test]
fn alt_click_highlights_the_whole_sentence() {
    let mut h = window_at(Startup::Sample);
    let p = point_in(&mut h, SENTENCE, 3);
    click_at(&mut h, p, Modifiers::ALT);
    let a = annotations(&h).pop().expect("a highlight");
    let doc = &h.state().current.as_ref().expect("open").doc;
    let sentence =
        pizhu::annotate::units::sentence_at(doc, range_of(&h, SENTENCE).start).expect("sentence");
    assert_eq!(a.range, sentence);
    assert!(
        a.quote.starts_with(SENTENCE) && a.quote.ends_with('。'),
        "{}",
        a.quote
    );
}

#[test]
fn clicking_a_highlight_selects_it_and_n_writes_its_note_with_tags() {
    let mut h = window_at(Startup::Sample);
    highlight(&mut h, SENTENCE, pizhu::annotate::Color::Yellow);
    // Click elsewhere, then on the highlight: it is selected again.
    let ctx = h.ctx.clone();
    h.state_mut()
        .apply(&ctx, Command::Act(Act::SelectAnnotation(None)));
    h.run();
    let p = point_in(&mut h, SENTENCE, 2);
    click_at(&mut h, p, Modifiers::NONE);
    let id = annotations(&h)[0].id;
    assert_eq!(
        h.state().current.as_ref().and_then(|s| s.selected),
        Some(id)
    );
    press(&mut h, Modifiers::NONE, Key::N);
    let editor = h.get_by_role_and_label(Role::MultilineTextInput, "Note");
    assert!(editor.is_focused());
    editor.type_text("开篇定调 #金句");
    h.run();
    let a = annotations(&h).pop().expect("annotation");
    assert_eq!(a.note, "开篇定调 #金句");
    assert_eq!(a.all_tags(), ["金句"]);
    // A tag from the tag field.
    let field = h.get_by_role_and_label(Role::TextInput, "Add a tag…");
    field.focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Add a tag…")
        .type_text("结构");
    h.run();
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(
        annotations(&h).pop().expect("a").all_tags(),
        ["结构", "金句"]
    );
    // The tag filter lists both; filtering by text narrows the list.
    let filter = h.get_by_role_and_label(Role::TextInput, "Filter annotations…");
    filter.focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Filter annotations…")
        .type_text("不存在的字");
    h.run();
    assert!(
        h.query_by_label("No annotation matches the filter")
            .is_some()
    );
}

#[test]
fn clicking_an_annotation_in_the_panel_scrolls_the_text_there() {
    let mut h = window_at(Startup::Sample);
    let quote = "让我们以更加坚定的信心、更加务实的举措";
    let range = range_of(&h, quote);
    highlight(&mut h, quote, pizhu::annotate::Color::Green);
    press(&mut h, Modifiers::NONE, Key::Home);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::JumpToChar(0));
    h.run();
    assert!(
        h.state()
            .reader
            .visible()
            .is_some_and(|v| v.end < range.start)
    );
    h.get_by_role_and_label(Role::Button, quote).click();
    h.run();
    let visible = h.state().reader.visible().expect("visible");
    assert!(
        visible.start <= range.start && range.end <= visible.end,
        "{visible:?} {range:?}"
    );
}

#[test]
fn a_section_note_is_added_from_the_tree() {
    let mut h = window_at(Startup::Sample);
    let label = "四、压实工作责任，确保各项任务落地见效";
    h.get_by_role_and_label(Role::Button, label)
        .click_secondary();
    h.run();
    h.get_by_role_and_label(Role::Button, "Add note").click();
    h.run();
    let a = annotations(&h).pop().expect("section note");
    assert_eq!(a.kind, pizhu::annotate::Kind::SectionNote);
    assert_eq!(a.quote, "压实工作责任，确保各项任务落地见效");
    let editor = h.get_by_role_and_label(Role::MultilineTextInput, "Note");
    assert!(editor.is_focused());
    // The tree counts it.
    let i = node_index(&h, "压实工作责任");
    let doc = h.state().current.as_ref().expect("open");
    assert_eq!(doc.notes.count(&doc.outline, i), 1);
}

#[test]
fn ctrl_c_copies_the_selection_without_indentation() {
    let mut h = window_at(Startup::Sample);
    select_on_screen(&mut h, SENTENCE);
    press(&mut h, Modifiers::COMMAND, Key::C);
    assert_eq!(h.state().last_copied.as_deref(), Some(SENTENCE));
    // A paragraph copies without its first-line indent.
    let doc = &h.state().current.as_ref().expect("open").doc;
    let line = doc
        .lines
        .iter()
        .find(|l| doc.line_text(l).starts_with('\u{3000}'));
    if let Some(line) = line {
        let range = line.range;
        h.state_mut().reader.select(range);
        press(&mut h, Modifiers::COMMAND, Key::C);
        let copied = h.state().last_copied.clone().expect("copied");
        assert!(!copied.starts_with('\u{3000}'), "{copied}");
    }
}

#[test]
fn highlights_and_notes_survive_a_restart() {
    let data = tempfile::tempdir().expect("tempdir");
    {
        let mut h = window_with_data(data.path());
        highlight(&mut h, SENTENCE, pizhu::annotate::Color::Pink);
        let id = annotations(&h)[0].id;
        let ctx = h.ctx.clone();
        h.state_mut()
            .apply(&ctx, Command::Act(Act::TypeNote(id, "重读 #金句".into())));
        // Written without quitting (on the writer thread, shortly after the edit).
        wait_saved(&mut h);
    }
    let stores: Vec<_> = std::fs::read_dir(data.path().join("annotations"))
        .expect("annotations folder")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "ron"))
        .collect();
    assert_eq!(stores.len(), 1);
    let h = window_with_data(data.path());
    let a = annotations(&h).pop().expect("reloaded");
    assert_eq!(
        (a.quote.as_str(), a.note.as_str()),
        (SENTENCE, "重读 #金句")
    );
    assert_eq!(a.color, pizhu::annotate::Color::Pink);
    assert!(h.query_by_role_and_label(Role::Button, SENTENCE).is_some());
}

#[test]
fn a_damaged_store_is_reported_and_kept() {
    let data = tempfile::tempdir().expect("tempdir");
    let text = pizhu::app::SAMPLE_TEXT;
    let name = format!("{}.ron", pizhu::store::annotations::fingerprint(text));
    let path = data.path().join("annotations").join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, "(version: 1, annotations: [(quote: \"断").expect("write");
    let h = window_with_data(data.path());
    let alert = h
        .get_by_role(Role::Alert)
        .accesskit_node()
        .label()
        .unwrap_or_default();
    assert!(
        alert.contains("could not be read") && alert.contains(".damaged-1"),
        "{alert}"
    );
    let kept = path.with_file_name(format!(
        "{}.damaged-1",
        path.file_name().expect("name").to_string_lossy()
    ));
    assert_eq!(
        std::fs::read_to_string(kept).expect("kept"),
        "(version: 1, annotations: [(quote: \"断"
    );
}

#[test]
fn a_damaged_store_offers_its_newest_backup_and_restoring_brings_the_notes_back() {
    let data = tempfile::tempdir().expect("tempdir");
    // Two highlights saved (the second save leaves the first version as backup 1).
    {
        let mut h = window_with_data(data.path());
        for quote in [SENTENCE, "数字政府"] {
            highlight(&mut h, quote, pizhu::annotate::Color::Yellow);
            h.state_mut().flush();
        }
        assert_eq!(annotations(&h).len(), 2);
    }
    let text = pizhu::app::SAMPLE_TEXT;
    let name = format!("{}.ron", pizhu::store::annotations::fingerprint(text));
    let path = data.path().join("annotations").join(name);
    std::fs::write(&path, "(version: 1, annotations: [(quote: \"断").expect("write");
    let mut h = window_with_data(data.path());
    assert!(annotations(&h).is_empty());
    let restore = h
        .query_all_by_role(Role::Button)
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with("Restore the backup of"))
        })
        .expect("the banner offers the backup");
    restore.click();
    // The click's frame starts the restore (waiting before it, the wait ended at once and
    // the notes were looked at before the backup came in: a race seen under load).
    h.run();
    assert!(
        h.state()
            .current
            .as_ref()
            .is_some_and(|s| s.notes.restoring() || !s.notes.set.items().is_empty()),
        "the restore started"
    );
    // The backup is read on a worker; the window brings it in when it is there.
    common::wait_until(&mut h, "the restore", |app| {
        app.current.as_ref().is_some_and(|s| !s.notes.restoring())
    });
    common::settle(&mut h);
    let restored = annotations(&h);
    assert_eq!(restored.len(), 1, "backup 1 held the first highlight");
    assert_eq!(restored[0].quote, SENTENCE);
    let alert = h
        .get_by_role(Role::Alert)
        .accesskit_node()
        .label()
        .unwrap_or_default();
    assert!(
        alert.starts_with("Restored 1 annotation from the backup of"),
        "{alert}"
    );
    // Undoable, and saved like any edit.
    h.state_mut().flush();
    let saved = pizhu::store::annotations::parse(&std::fs::read_to_string(&path).expect("store"))
        .expect("parses");
    assert_eq!(saved.annotations.len(), 1);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(annotations(&h).is_empty());
}

#[test]
fn a_bad_byte_in_utf8_opens_the_document_and_says_where() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("damaged.txt");
    let text = pizhu::app::SAMPLE_TEXT.as_bytes();
    let cut = text.len() / 2;
    let cut = (cut..text.len())
        .find(|&i| text[i] == b'\n')
        .expect("a line end")
        + 1;
    let mut bytes = text[..cut].to_vec();
    bytes.push(0xFF);
    bytes.extend_from_slice(&text[cut..]);
    std::fs::write(&path, &bytes).expect("write");
    let h = window_at(Startup::File(path));
    let doc = &h.state().current.as_ref().expect("opened").doc;
    assert!(doc.text.contains('\u{FFFD}'));
    let alert = h
        .get_by_role(Role::Alert)
        .accesskit_node()
        .label()
        .unwrap_or_default();
    assert!(
        alert.contains(&format!("byte {cut}")) && alert.ends_with("damaged.txt"),
        "{alert}"
    );
}

#[test]
fn an_unwritable_data_folder_warns_and_keeps_annotations_in_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A file where the data folder should be: nothing can be created under it.
    let blocked = dir.path().join("not-a-folder");
    std::fs::write(&blocked, "x").expect("write");
    let mut h = window_with_data(&blocked);
    highlight(&mut h, SENTENCE, pizhu::annotate::Color::Yellow);
    common::wait_until(&mut h, "the failed save", |app| {
        app.current
            .as_ref()
            .is_some_and(|s| s.notes.save_error.is_some())
    });
    h.run();
    let alert = h
        .get_by_role(Role::Alert)
        .accesskit_node()
        .label()
        .unwrap_or_default();
    assert!(alert.contains("kept in memory"), "{alert}");
    assert_eq!(annotations(&h).len(), 1);
}

#[test]
fn shift_click_extends_and_ctrl_a_selects_everything() {
    let mut h = window_at(Startup::Sample);
    let start = point_in(&mut h, SENTENCE, 0);
    click_at(&mut h, start, Modifiers::NONE);
    let end = point_in(&mut h, SENTENCE, 6);
    click_at(&mut h, end, Modifiers::SHIFT);
    let doc = h.state().current.as_ref().expect("open").doc.clone();
    let selection = h.state().reader.selection().expect("extended");
    assert_eq!(doc.slice(selection), "数字政府建设");
    press(&mut h, Modifiers::COMMAND, Key::A);
    let all = h.state().reader.selection().expect("all");
    assert_eq!((all.start, all.end), (0, doc.char_count));
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().reader.selection().is_none());
}

#[test]
fn dragging_past_the_bottom_edge_scrolls_and_keeps_selecting() {
    use egui::{Event, PointerButton};
    let mut h = window_at(Startup::Sample);
    let from = point_in(&mut h, SENTENCE, 0);
    let before = position(&h).expect("position");
    let below = egui::pos2(from.x, reader_rect(&h).bottom() + 60.0);
    h.event(Event::PointerMoved(from));
    h.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.step();
    for _ in 0..40 {
        h.event(Event::PointerMoved(below));
        h.step();
    }
    let scrolled = position(&h).expect("position");
    h.event(Event::PointerButton {
        pos: below,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
    // Some ten rows further on.
    assert!(scrolled > before + 300, "{before} → {scrolled}");
    let selection = h.state().reader.selection().expect("selection");
    let range = range_of(&h, SENTENCE);
    assert_eq!(selection.start, range.start);
    assert!(selection.end > range.end + 200, "{selection:?}");
}

#[test]
fn annotations_whose_text_is_gone_are_listed_as_unplaced() {
    use pizhu::annotate::{Annotation, Edit};
    let data = tempfile::tempdir().expect("tempdir");
    let doc = pizhu::Document::from_text(
        pizhu::app::SAMPLE_TEXT.to_owned(),
        "UTF-8",
        pizhu::document::SourceFormat::Text,
    );
    let mut loaded = pizhu::store::annotations::DocStore::load(data.path(), &doc, None, "");
    let mut lost =
        Annotation::highlight(&doc, pizhu::TextRange::new(10, 30), Default::default(), 1);
    lost.quote = "这段文字在样例讲话里从来没有出现过".into();
    lost.prefix.clear();
    lost.suffix.clear();
    lost.note = "旧版本里的笔记".into();
    loaded.annotations.apply(vec![Edit::Add(lost)], 1);
    loaded
        .store
        .save(&mut loaded.annotations, None)
        .expect("saved");
    let h = window_with_data(data.path());
    assert!(
        h.query_by_label_contains("Could not be placed · 1")
            .is_some()
    );
    let a = annotations(&h).pop().expect("kept");
    assert!(!a.is_placed());
    assert_eq!(a.note, "旧版本里的笔记");
    assert!(
        h.query_by_role_and_label(Role::Button, "这段文字在样例讲话里从来没有出现过")
            .is_some()
    );
}

// ---------------------------------------------------------------------------------------
// Find, blanks, history.

/// Run frames until the find bar's search has finished.
fn settle_find(h: &mut Harness<'static, PizhuApp>) {
    common::wait_until(h, "the search", |app| {
        app.current
            .as_ref()
            .is_some_and(|s| s.find.is_current(&app.find.query) && !s.find.is_searching())
    });
    h.run();
}

fn find(h: &mut Harness<'static, PizhuApp>, text: &str) {
    press(h, Modifiers::COMMAND, Key::F);
    let field = h.get_by_role_and_label(Role::TextInput, "Find");
    assert!(
        field.is_focused(),
        "Ctrl+F puts the cursor in the find field"
    );
    field.type_text(text);
    h.run();
    settle_find(h);
}

fn seed_window() -> Option<Harness<'static, PizhuApp>> {
    let corpus = common::corpus()?;
    Some(window_at(Startup::File(
        corpus.join("seed/speech-lianzheng.txt"),
    )))
}

#[test]
fn find_counts_matches_and_steps_through_them() {
    let Some(mut h) = seed_window() else { return };
    find(&mut h, "党风廉政建设");
    assert_eq!(found(&h).matches.len(), 25);
    assert!(h.query_by_label("1 / 25").is_some());
    let doc = h.state().current.as_ref().expect("open").doc.clone();
    for k in 1..5 {
        press(&mut h, Modifiers::NONE, Key::Enter);
        assert_eq!(found(&h).current, Some(k));
        let m = found(&h).matches[k];
        assert_eq!(doc.slice(m), "党风廉政建设");
        let visible = h.state().reader.visible().expect("visible");
        assert!(
            visible.start <= m.start && m.end <= visible.end,
            "match {k} in view"
        );
        assert!(h.query_by_label(&format!("{} / 25", k + 1)).is_some());
    }
    press(&mut h, Modifiers::SHIFT, Key::Enter);
    assert_eq!(found(&h).current, Some(3));
    // F3 works from the text too; Escape closes the bar.
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(!h.state().find.open);
    press(&mut h, Modifiers::NONE, Key::F3);
    assert_eq!(found(&h).current, Some(4));
    // Matches are listed by section.
    assert!(found(&h).sections().len() > 3);
}

#[test]
fn find_ignores_full_and_half_width_unless_exact() {
    let mut h = window_at(Startup::Sample);
    find(&mut h, "ＸＸ");
    let doc = h.state().current.as_ref().expect("open").doc.clone();
    let texts: Vec<String> = found(&h)
        .matches
        .iter()
        .map(|m| doc.slice(*m).to_owned())
        .collect();
    assert!(texts.iter().any(|f| f == "XX"), "{texts:?}");
    let ctx = h.ctx.clone();
    h.state_mut().find.query.exact = true;
    h.state_mut().apply(&ctx, Command::OpenFind);
    h.run();
    settle_find(&mut h);
    assert!(found(&h).matches.is_empty());
    assert!(h.query_by_label("No matches").is_some());
}

#[test]
fn the_blanks_list_has_every_placeholder_and_f8_visits_them_in_order() {
    let Some(mut h) = seed_window() else { return };
    press(&mut h, Modifiers::COMMAND, Key::Num3);
    let placeholders = h
        .state()
        .current
        .as_ref()
        .expect("open")
        .outline
        .placeholders
        .clone();
    assert_eq!(placeholders.len(), 11);
    assert!(h.query_by_label_contains("Blanks · 11").is_some());
    for (k, p) in placeholders.iter().enumerate() {
        // Focus back on the text (the window's buttons keep their own keys).
        h.state_mut().focus_request = Some(pizhu::app::FocusArea::Reader);
        press(&mut h, Modifiers::NONE, Key::F8);
        assert_eq!(h.state().current.as_ref().and_then(|s| s.blank), Some(k));
        assert_eq!(h.state().reader.selection(), Some(p.range));
        let visible = h.state().reader.visible().expect("visible");
        assert!(
            visible.start <= p.range.start && p.range.end <= visible.end,
            "blank {k}"
        );
    }
    press(&mut h, Modifiers::SHIFT, Key::F8);
    assert_eq!(h.state().current.as_ref().and_then(|s| s.blank), Some(9));
}

#[test]
fn back_returns_to_where_an_outline_click_left_and_forward_goes_again() {
    let mut h = window_at(Startup::Sample);
    press(&mut h, Modifiers::NONE, Key::PageDown);
    let before = position(&h).expect("top");
    h.get_by_role_and_label(Role::Button, "四、压实工作责任，确保各项任务落地见效")
        .click();
    h.run();
    let after = position(&h).expect("top");
    assert_ne!(before, after);
    press(&mut h, Modifiers::ALT, Key::ArrowLeft);
    assert_eq!(position(&h), Some(before));
    press(&mut h, Modifiers::ALT, Key::ArrowRight);
    assert_eq!(position(&h), Some(after));
    // The mouse's back button too.
    let p = reader_rect(&h).center();
    h.event(egui::Event::PointerButton {
        pos: p,
        button: egui::PointerButton::Extra1,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.run();
    assert_eq!(position(&h), Some(before));
}

#[test]
fn f1_shows_the_shortcuts_in_the_ui_language() {
    let mut h = window_at(Startup::Sample);
    press(&mut h, Modifiers::NONE, Key::F1);
    assert!(h.query_by_label("Next blank").is_some());
    assert!(h.query_by_label("Shift+F8").is_some());
    let ctx = h.ctx.clone();
    h.state_mut()
        .apply(&ctx, Command::SetLanguage(LanguagePref::Chinese));
    h.run();
    assert!(h.query_by_label("下一处待填写").is_some());
}

#[test]
fn export_copies_the_annotations_as_markdown() {
    let mut h = window_at(Startup::Sample);
    highlight(&mut h, SENTENCE, pizhu::annotate::Color::Green);
    press(&mut h, Modifiers::COMMAND, Key::E);
    assert!(h.query_by_label("1 annotation will be exported").is_some());
    h.get_by_label("Copy to clipboard").click();
    common::wait_until(&mut h, "the export", |app| app.last_copied.is_some());
    let copied = h.state().last_copied.clone().expect("copied");
    assert!(
        copied.starts_with("# 在全县数字政府建设推进会上的讲话"),
        "{copied}"
    );
    assert!(copied.contains(&format!("> {SENTENCE}")), "{copied}");
    // The outline, as a list.
    h.get_by_role_and_label(Role::RadioButton, "Outline")
        .click();
    h.run();
    h.state_mut().last_copied = None;
    h.get_by_label("Copy to clipboard").click();
    common::wait_until(&mut h, "the export", |app| app.last_copied.is_some());
    let copied = h.state().last_copied.clone().expect("copied");
    assert!(
        copied.contains("一、坚持统筹谋划，夯实数字政府建设根基"),
        "{copied}"
    );
    assert!(
        !copied.contains(SENTENCE),
        "no highlights unless asked: {copied}"
    );
}

#[test]
fn an_annotation_whose_text_changed_is_flagged_until_confirmed_in_the_panel() {
    use pizhu::annotate::{Annotation, Edit};
    // The store holds a highlight made on an earlier draft, whose words were edited since.
    let now = SENTENCE;
    let before = "数字政府建设是一项复杂工程";
    let data = tempfile::tempdir().expect("tempdir");
    let doc = pizhu::Document::from_text(
        pizhu::app::SAMPLE_TEXT.to_owned(),
        "UTF-8",
        pizhu::document::SourceFormat::Text,
    );
    let mut loaded = pizhu::store::annotations::DocStore::load(data.path(), &doc, None, "");
    let start = doc.char_of_byte(doc.text.find(now).expect("quote"));
    let range = pizhu::TextRange::new(start, start + now.chars().count());
    let mut a = Annotation::highlight(&doc, range, Default::default(), 1);
    a.quote = before.into();
    loaded.annotations.apply(vec![Edit::Add(a)], 1);
    loaded
        .store
        .save(&mut loaded.annotations, None)
        .expect("saved");

    let notice = format!("Text changed — was: «{before}»");
    let mut h = window_with_data(data.path());
    assert!(h.query_by_label_contains(&notice).is_some(), "the notice");
    let a = annotations(&h).pop().expect("placed");
    assert_eq!((a.quote.as_str(), a.is_placed()), (now, true));
    // In its row of the list, notice and button both.
    let row = h.get_by_role_and_label(Role::Button, now).rect();
    let confirm = h.get_by_role_and_label(Role::Button, "Confirm").rect();
    let notice_rect = h.get_by_label_contains("Text changed").rect();
    assert!(
        row.contains_rect(confirm) && row.contains_rect(notice_rect),
        "{row:?} {confirm:?} {notice_rect:?}"
    );
    assert!(
        notice_rect.right() <= confirm.left(),
        "{notice_rect:?} {confirm:?}"
    );
    h.get_by_role_and_label(Role::Button, "Confirm").click();
    h.run();
    assert!(h.query_by_label_contains("Text changed").is_none());
    assert_eq!(annotations(&h).pop().expect("kept").review, None);
    // Saved without quitting; a new window finds it confirmed.
    wait_saved(&mut h);
    drop(h);
    let h = window_with_data(data.path());
    assert!(h.query_by_label_contains("Text changed").is_none());
    assert!(h.query_by_role_and_label(Role::Button, "Confirm").is_none());
    let a = annotations(&h).pop().expect("kept");
    assert_eq!((a.quote.as_str(), a.review), (now, None));
}

#[test]
fn pasted_text_opens_as_a_document_kept_in_the_data_folder() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut h = window_with_data(data.path());
    let text = "在全县基层减负工作推进会上的讲话\n同志们：\n一、认清形势\n基层减负要抓实。\n二、抓好落实\n一是精简会议，二是压缩文件。";
    // In the find field, a paste is the field's own: no document is made.
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::OpenFind);
    h.run();
    h.event(egui::Event::Paste("基层".into()));
    h.run();
    assert!(!h.state().is_loading());
    assert_eq!(
        h.state().current.as_ref().expect("open").path,
        None,
        "still the sample"
    );
    h.key_press(Key::Escape);
    h.run();
    // Anywhere else, Ctrl+V's paste opens the text as a new document (on a worker).
    h.event(egui::Event::Paste(text.into()));
    h.step();
    common::settle(&mut h);
    let doc = h.state().current.as_ref().expect("open");
    let path = doc.path.clone().expect("kept as a file");
    assert_eq!(path.parent(), Some(data.path().join("pasted").as_path()));
    assert!(
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("在全县基层减负工作推进会上的讲话 ")),
        "{path:?}"
    );
    assert_eq!(
        doc.outline.title.as_deref(),
        Some("在全县基层减负工作推进会上的讲话")
    );
    let titles: Vec<&str> = doc.outline.nodes.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["认清形势", "抓好落实", "精简会议", "压缩文件"]);
    assert!(h.query_all_by_label("二、抓好落实").next().is_some());
    // A highlight on it is kept like any document's.
    let range = range_of(&h, "基层减负要抓实");
    h.state_mut().apply(
        &ctx,
        Command::Act(Act::Highlight {
            range,
            color: pizhu::annotate::Color::Green,
            mark: pizhu::annotate::Mark::Fill,
            open_note: false,
        }),
    );
    h.run();
    wait_saved(&mut h);
    let reopened = pizhu::session::Session::open(&path, Some(data.path())).expect("reopens");
    assert_eq!(reopened.notes.set.len(), 1);
    // Blank text: a clear banner, no document.
    h.event(egui::Event::Paste(" \n ".into()));
    h.run();
    let alert = h
        .get_by_role(Role::Alert)
        .accesskit_node()
        .label()
        .unwrap_or_default();
    assert!(alert.contains("no text"), "{alert}");
}
