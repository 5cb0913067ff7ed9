//! The reading settings in the window (issue 16): line height, column width and the
//! first-line indent changed in Settings → Reading change how the text is laid out at once;
//! they are saved and come back in a new window; "Reset to defaults" restores them.

mod common;

use egui::{Rect, Role, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use pizhu::app::settings::{Reading, ReadingFont};
use pizhu::app::{Command, PizhuApp, Startup};

/// The bundled sample at 1400×900, in English, with its settings in `settings`.
fn window(settings: &std::path::Path) -> Harness<'static, PizhuApp> {
    common::window_of(
        Vec2::new(1400.0, 900.0),
        Some(settings.to_owned()),
        None,
        Startup::Sample,
    )
}

fn open_settings(h: &mut Harness<'static, PizhuApp>) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::ShowSettings(true));
    h.run();
}

/// How the first long body paragraph on screen is laid out.
#[derive(Clone, Debug, PartialEq)]
struct Shape {
    /// Its text.
    text: String,
    /// Its place in the text column (gaps included).
    rect: Rect,
    /// Where its first character starts, from the column's left edge.
    first_x: f32,
    /// From its top to the next paragraph's top.
    pitch: f32,
}

fn paragraph(h: &Harness<'static, PizhuApp>) -> Shape {
    let paragraphs: Vec<(String, Rect)> = h
        .get_all_by_role(Role::Paragraph)
        .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
        .collect();
    let i = paragraphs
        .iter()
        .position(|(label, _)| label.chars().count() > 80)
        .expect("a long paragraph on screen");
    let (text, rect) = paragraphs[i].clone();
    let pitch = paragraphs.get(i + 1).expect("a paragraph after it").1.top() - rect.top();
    let app = h.state();
    let doc = &app.current.as_ref().expect("a document is open").doc;
    let byte = doc.text.find(&text).expect("the paragraph's text");
    let at = app
        .reader
        .char_rect(doc.char_of_byte(byte))
        .expect("its first character is drawn");
    Shape {
        first_x: at.left() - rect.left(),
        text,
        rect,
        pitch,
    }
}

fn set_slider(h: &mut Harness<'static, PizhuApp>, label: &str, value: f64) {
    h.get_by_role_and_label(Role::Slider, label)
        .set_value_accesskit(value);
    h.run();
}

#[test]
fn reading_settings_change_the_layout_are_saved_and_reset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.ron");
    let mut h = window(&path);
    let base = paragraph(&h);
    // Indented two characters by default (18 pt text at 100 %).
    assert!((base.first_x - 36.0).abs() < 2.0, "{base:?}");
    assert!(
        (base.rect.width() - 38.0 * 18.0).abs() < 1.0,
        "{:?}",
        base.rect
    );

    open_settings(&mut h);
    set_slider(&mut h, "Line height", 2.6);
    let tall = paragraph(&h);
    assert_eq!(tall.text, base.text);
    assert!(
        tall.rect.height() > base.rect.height() * 1.2,
        "{:?} → {:?}",
        base.rect,
        tall.rect
    );

    set_slider(&mut h, "Characters a line", 24.0);
    let narrow = paragraph(&h);
    assert!(
        (narrow.rect.width() - 24.0 * 18.0).abs() < 1.0,
        "{:?}",
        narrow.rect
    );
    assert!(narrow.rect.height() > tall.rect.height());

    h.get_by_role_and_label(Role::CheckBox, "Indent first lines")
        .click();
    h.run();
    let flush = paragraph(&h);
    assert!(flush.first_x.abs() < 1.0, "{flush:?}");

    let changed = h.state().settings.reading;
    assert_eq!(
        changed,
        Reading {
            line_height: 2.6,
            column_chars: 24.0,
            first_line_indent: false,
            ..Reading::default()
        }
    );
    h.state_mut().save_settings();
    drop(h);

    // A new window with the same settings file: the same settings, the same layout.
    let mut again = window(&path);
    assert_eq!(again.state().settings.reading, changed);
    let restored = paragraph(&again);
    assert_eq!(restored.text, flush.text);
    assert!((restored.rect.height() - flush.rect.height()).abs() < 1.0);
    assert!((restored.rect.width() - flush.rect.width()).abs() < 1.0);
    assert!(restored.first_x.abs() < 1.0);

    // Reset to defaults: the first layout again.
    open_settings(&mut again);
    again.get_by_label("Reset to defaults").click();
    again.run();
    assert_eq!(again.state().settings.reading, Reading::default());
    let reset = paragraph(&again);
    assert_eq!(reset.text, base.text);
    assert!((reset.rect.height() - base.rect.height()).abs() < 1.0);
    assert!((reset.rect.width() - base.rect.width()).abs() < 1.0);
    assert!((reset.first_x - base.first_x).abs() < 1.0);
    again.state_mut().save_settings();
    let saved = pizhu::app::settings::load(&path);
    assert_eq!(saved.settings.reading, Reading::default());
}

/// The right edge of the paragraph's first row, from the column's left edge.
fn first_row_right(h: &Harness<'static, PizhuApp>, shape: &Shape) -> f32 {
    let app = h.state();
    let doc = &app.current.as_ref().expect("a document is open").doc;
    let start = doc.char_of_byte(doc.text.find(&shape.text).expect("the paragraph's text"));
    let first = app.reader.char_rect(start).expect("drawn");
    (start..start + shape.text.chars().count())
        .map_while(|c| app.reader.char_rect(c))
        .take_while(|r| (r.top() - first.top()).abs() < 1.0)
        .map(|r| r.right() - shape.rect.left())
        .fold(0.0, f32::max)
}

#[test]
fn justified_rows_reach_the_right_edge_and_the_face_can_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.ron");
    let mut h = window(&path);
    open_settings(&mut h);
    // Wide margins narrow the column to a width that is not a whole number of characters
    // (18 pt): ragged rows end short of its right edge.
    // (The text area's width depends on the panels: the first margin that gives one.)
    let ragged = (0..10)
        .find_map(|k| {
            set_slider(&mut h, "Margins", 200.0 - 4.0 * f64::from(k));
            let shape = paragraph(&h);
            let width = shape.rect.width();
            (width < 38.0 * 18.0 && (4.0..14.0).contains(&(width % 18.0))).then_some(shape)
        })
        .expect("a margin that narrows the column to a part of a character");
    let width = ragged.rect.width();
    assert!(
        first_row_right(&h, &ragged) < width - 4.0,
        "{} of {width}",
        first_row_right(&h, &ragged)
    );
    h.get_by_role_and_label(Role::CheckBox, "Justify").click();
    h.run();
    assert!(h.state().settings.reading.justify);
    let justified = paragraph(&h);
    // The first line keeps its indent.
    assert!((justified.first_x - 36.0).abs() < 2.0, "{justified:?}");
    assert!(
        (first_row_right(&h, &justified) - width).abs() < 1.0,
        "{} of {width}",
        first_row_right(&h, &justified)
    );

    // The bundled sans face, chosen in the list: the text is laid out again in it.
    h.get_by_role_and_label(Role::ComboBox, "Body font").click();
    h.run();
    h.get_by_label("Sans (bundled)").click();
    h.run();
    assert_eq!(h.state().settings.reading.font, ReadingFont::Sans);
    set_slider(&mut h, "Paragraph spacing", 1.0);
    assert_eq!(h.state().settings.reading.paragraph_spacing, 1.0);
    let sans = paragraph(&h);
    assert_eq!(sans.text, justified.text);
    // 0.55 em (18 pt) more after the paragraph.
    assert!(
        (sans.pitch - justified.pitch - 0.55 * 18.0).abs() < 1.0,
        "{justified:?} → {sans:?}"
    );
}

#[test]
fn missing_official_and_reading_faces_are_named_with_the_face_used() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = window(&dir.path().join("settings.ron"));
    let faces = pizhu::app::fonts::find_official_faces();
    let t = &pizhu::app::i18n::EN;
    open_settings(&mut h);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::ToggleOfficialStyle);
    h.run();
    // Official style sets the body face: the choice waits until it is off.
    assert!(
        h.get_by_role_and_label(Role::ComboBox, "Body font")
            .accesskit_node()
            .is_disabled()
    );
    let missing = faces.missing(true, ReadingFont::Serif);
    for face in ["黑体", "楷体", "仿宋"] {
        let text = t.face_missing(face, face == "黑体");
        let named = h.query_by_label(&text).is_some();
        let not_found = missing.iter().any(|m| m.wanted == face);
        assert_eq!(named, not_found, "{text}");
    }
    // Official style off, a system 楷体 chosen for the body.
    h.state_mut().apply(&ctx, Command::ToggleOfficialStyle);
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Body font").click();
    h.run();
    h.get_by_label("Kai").click();
    h.run();
    assert_eq!(h.state().settings.reading.font, ReadingFont::Kai);
    let text = t.face_missing("楷体", false);
    assert_eq!(h.query_by_label(&text).is_some(), faces.kai.is_none());
    assert!(h.query_by_label(&t.face_missing("黑体", true)).is_none());
    // In Chinese: the same in Chinese words.
    h.state_mut().apply(
        &ctx,
        Command::SetLanguage(pizhu::app::settings::LanguagePref::Chinese),
    );
    h.run();
    let zh = pizhu::app::i18n::ZH.face_missing("楷体", false);
    assert_eq!(zh, "未找到楷体，使用内置思源宋体代替");
    assert_eq!(h.query_by_label(&zh).is_some(), faces.kai.is_none());
}

/// The glyphs of the text go into egui's font atlas while the document opens, a few each
/// quiet frame (the window keeps drawing until they are in): reading it to the end
/// afterwards adds none (so the atlas does not grow, copied whole, while the reader
/// scrolls).
#[test]
fn the_texts_glyphs_are_drawn_before_it_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = window(&dir.path().join("settings.ron"));
    let atlas = |h: &Harness<'static, PizhuApp>| {
        h.ctx
            .fonts(|f| (f.font_image_size(), f.font_atlas_fill_ratio()))
    };
    // Quiet frames: each draws some glyphs at least.
    for _ in 0..200 {
        h.step();
    }
    let opened = atlas(&h);
    for _ in 0..30 {
        h.key_press(egui::Key::PageDown);
        h.run();
    }
    assert_eq!(
        opened,
        atlas(&h),
        "reading to the end drew glyphs not drawn ahead"
    );
}
