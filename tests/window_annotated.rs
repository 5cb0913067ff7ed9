//! The window side of issue 15: a `.docx` with a Word comment opens with it in the
//! annotations panel (author kept, once per opening), Ctrl+Shift+E opens the export window
//! on the annotated document, the comments' author is a setting, hiding an author hides
//! their comments, and writing in an imported comment makes it the reader's.

use std::io::Write as _;
use std::time::{Duration, Instant};

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use pizhu::app::settings::LanguagePref;
use pizhu::app::{Command, PizhuApp, Startup};
use pizhu::session::Action as Act;

/// A `.docx` with one paragraph and a comment by 张三 on 作风建设.
fn commented_docx() -> Vec<u8> {
    let document = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>要把</w:t></w:r><w:commentRangeStart w:id="0"/><w:r><w:t>作风建设</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r><w:r><w:t>抓在手上。</w:t></w:r></w:p><w:sectPr/></w:body></w:document>"#;
    let comments = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="0" w:author="张三" w:date="2026-03-01T10:00:00Z" w:initials="张"><w:p><w:r><w:t>再斟酌</w:t></w:r></w:p></w:comment></w:comments>"#;
    let types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, xml) in [
        ("[Content_Types].xml", types),
        ("word/document.xml", document),
        ("word/comments.xml", comments),
    ] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("zip");
        zip.write_all(xml.as_bytes()).expect("zip");
    }
    zip.finish().expect("zip").into_inner()
}

fn open(path: &std::path::Path, data: &std::path::Path) -> Harness<'static, PizhuApp> {
    let (file, dir) = (path.to_owned(), data.to_owned());
    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_max_steps(64)
        .build_eframe(move |cc| PizhuApp::new(&cc.egui_ctx, None, Some(dir), Startup::File(file)));
    let ctx = h.ctx.clone();
    h.state_mut()
        .apply(&ctx, Command::SetLanguage(LanguagePref::English));
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.state().is_loading() || h.state().current.is_none() {
        assert!(Instant::now() < deadline, "the document never opened");
        h.step();
        std::thread::sleep(Duration::from_millis(2));
    }
    h.run();
    h
}

fn imported(h: &Harness<'static, PizhuApp>) -> Vec<pizhu::annotate::Annotation> {
    h.state()
        .current
        .as_ref()
        .expect("open")
        .notes
        .set
        .items()
        .to_vec()
}

#[test]
fn a_word_comment_opens_in_the_panel_and_the_annotated_export_is_one_key_away() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("通知.docx");
    std::fs::write(&file, commented_docx()).expect("write");
    let data = dir.path().join("data");
    let mut h = open(&file, &data);
    let items = imported(&h);
    assert_eq!(items.len(), 1);
    let a = items[0].clone();
    assert_eq!((a.quote.as_str(), a.note.as_str()), ("作风建设", "再斟酌"));
    assert_eq!(a.imported.as_ref().map(|i| i.author.as_str()), Some("张三"));
    // Selected, the editor says whose comment it is.
    let ctx = h.ctx.clone();
    h.state_mut()
        .apply(&ctx, Command::Act(Act::SelectAnnotation(Some(a.id))));
    h.run();
    assert!(
        h.query_by_label_contains("Word comment · 张三").is_some(),
        "the author is shown"
    );
    // Hiding 张三 hides the comment in the list.
    h.state_mut()
        .notes_view
        .hidden_authors
        .insert("张三".to_owned());
    h.state_mut()
        .apply(&ctx, Command::Act(Act::SelectAnnotation(None)));
    h.run();
    assert!(h.query_by_label("作风建设").is_none(), "hidden by author");
    h.state_mut().notes_view.hidden_authors.clear();
    // Ctrl+Shift+E: the export window, on the annotated document.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::E);
    h.run();
    assert!(h.state().export.open && h.state().export.annotated);
    assert!(h.query_by_label("Export annotated document").is_some());
    // The author is a setting.
    h.state_mut()
        .apply(&ctx, Command::SetAuthor("王五".to_owned()));
    assert_eq!(h.state().settings.author, "王五");
    // Writing in the comment makes it the reader's: its author goes.
    h.state_mut().apply(
        &ctx,
        Command::Act(Act::TypeNote(a.id, "再斟酌，已改".into())),
    );
    h.state_mut().apply(&ctx, Command::Act(Act::EndTyping));
    let now = imported(&h);
    assert_eq!(now.len(), 1);
    assert!(now[0].imported.is_none());
    assert_eq!(now[0].note, "再斟酌，已改");
    // Saved and opened again: still one, the reader's own.
    h.state_mut().current.as_mut().expect("open").notes.flush();
    drop(h);
    let h = open(&file, &data);
    let again = imported(&h);
    assert_eq!(again.len(), 1, "imported once: {again:?}");
    assert_eq!(again[0].note, "再斟酌，已改");
}
