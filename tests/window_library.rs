//! The library and the notebook (金句库) in the window, driven with egui_kittest: a folder
//! dropped on the window joins the library with its notes counted; the notebook finds a note
//! by a folded query, filters by tag, opens the passage, and Back returns; a note edited in
//! the notebook is the note in the document's panel (and in the store of a document that is
//! not open); a moved and edited document keeps its notes.

mod common;

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use pizhu::app::settings::LanguagePref;
use pizhu::app::{Command, PizhuApp, Startup, View};

const SPEECH: &str = "在基层减负工作会议上的讲话\n\n一、总体要求\n\n切实为基层减负，让干部把更多时间用在抓落实上。\n\n二、主要任务\n\n（一）精简文件会议\n\n坚决压减文山会海。ＡＢＣ试点要扎实推进。\n\n（二）改进督查考核\n\n督查检查考核要少而精。\n";
const REPORT: &str = "政府工作报告\n\n一、过去一年工作回顾\n\n经济运行稳中向好。\n\n二、今年工作安排\n\n扎实推进乡村全面振兴。\n";
const NOTES: &str = "# 学习体会\n\n读书使人明智。\n";

/// A dropped folder, as the window system hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        Err("a folder".into())
    }
}

/// The speech with sixty paragraphs before its first heading: its passages are far below
/// the first screen.
fn speech() -> String {
    let (title, rest) = SPEECH.split_once("\n\n").expect("title");
    let filler: String = (1..=60)
        .map(|i| format!("这是开头的第{i}段文字，把后面的内容推到第一屏以外。\n\n"))
        .collect();
    format!("{title}\n\n{filler}{rest}")
}

/// Three documents in `docs`, two of them with highlights made by `pizhu highlight`.
fn documents(docs: &Path, data: &Path) {
    std::fs::create_dir_all(docs).expect("docs folder");
    std::fs::write(docs.join("speech.txt"), speech()).expect("write");
    std::fs::write(docs.join("report.txt"), REPORT).expect("write");
    std::fs::write(docs.join("notes.md"), NOTES).expect("write");
    let data = data.to_str().expect("utf-8 path");
    let speech = docs.join("speech.txt");
    let report = docs.join("report.txt");
    for (file, args) in [
        (
            &speech,
            vec![
                "--quote",
                "切实为基层减负",
                "--note",
                "开篇金句",
                "--tag",
                "金句",
            ],
        ),
        (
            &speech,
            vec!["--quote", "ＡＢＣ试点要扎实推进", "--note", "试点的提法"],
        ),
        (
            &report,
            vec![
                "--quote",
                "扎实推进乡村全面振兴",
                "--tag",
                "金句",
                "--color",
                "green",
            ],
        ),
    ] {
        let mut all = vec![
            "--data-dir",
            data,
            "highlight",
            file.to_str().expect("path"),
        ];
        all.extend(args);
        let out = common::pizhu(&all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A window on a first start (no recent document) with its notes in `data`.
fn first_start(data: &Path) -> Harness<'static, PizhuApp> {
    let dir = data.to_owned();
    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_max_steps(64)
        .build_eframe(move |cc| PizhuApp::new(&cc.egui_ctx, None, Some(dir), Startup::Resume));
    let ctx = h.ctx.clone();
    h.state_mut()
        .apply(&ctx, Command::SetLanguage(LanguagePref::English));
    common::wait_then_run(&mut h, "the sample and the library", |app| {
        !app.is_loading() && !app.shelf.is_loading() && app.shelf.data.is_some()
    });
    h
}

fn rows_with_counts(app: &PizhuApp) -> Vec<(String, usize, usize)> {
    let mut rows: Vec<(String, usize, usize)> = app
        .shelf
        .data
        .as_ref()
        .map(|d| {
            d.rows
                .iter()
                .map(|r| (r.title.clone(), r.highlights, r.notes))
                .collect()
        })
        .unwrap_or_default();
    rows.sort();
    rows
}

fn shown(app: &PizhuApp) -> Vec<String> {
    let Some(results) = app.notebook_view.results.as_ref() else {
        return Vec::new();
    };
    let notebook = app.shelf.data.as_ref().expect("loaded").notebook.clone();
    results
        .indices
        .iter()
        .map(|&i| notebook.entries()[i].annotation.quote.clone())
        .collect()
}

#[test]
fn a_dropped_folder_fills_the_library_and_the_notebook_finds_opens_and_edits_its_notes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (docs, data) = (tmp.path().join("docs"), tmp.path().join("data"));
    documents(&docs, &data);
    let mut h = first_start(&data);
    // A first start shows the library.
    assert_eq!(h.state().view, View::Library);

    // Drop the folder: every document joins, with its notes counted.
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(docs.clone())));
    h.step();
    common::wait_then_run(&mut h, "the folder to be added", |app| {
        app.shelf.adding.is_none()
            && !app.shelf.is_busy()
            && !app.shelf.is_loading()
            && rows_with_counts(app).len() >= 3
    });
    let rows = rows_with_counts(h.state());
    assert!(
        rows.contains(&("在基层减负工作会议上的讲话".into(), 2, 2)),
        "{rows:?}"
    );
    assert!(rows.contains(&("政府工作报告".into(), 1, 0)), "{rows:?}");
    assert!(rows.contains(&("学习体会".into(), 0, 0)), "{rows:?}");
    h.get_by_label("在基层减负工作会议上的讲话");

    // The notebook (Ctrl+Shift+F): a half-width lower-case query finds the full-width quote.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    h.run();
    assert_eq!(h.state().view, View::Notebook);
    h.get_by_label("Search quotes, notes and tags…")
        .type_text("abc");
    common::wait_then_run(&mut h, "the search", |app| shown(app).len() == 1);
    assert_eq!(shown(h.state()), vec!["ＡＢＣ试点要扎实推进".to_owned()]);

    // By tag: both 金句, from two documents.
    h.get_by_label("Search quotes, notes and tags…").focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.key_press(Key::Backspace);
    h.run();
    h.get_by_label("Filter Tags").click();
    h.run();
    h.get_by_label("#金句 (2)").click();
    common::wait_then_run(&mut h, "the tag filter", |app| shown(app).len() == 2);
    let mut quotes = shown(h.state());
    quotes.sort();
    assert_eq!(quotes, vec!["切实为基层减负", "扎实推进乡村全面振兴"]);

    // Select it and open it: the document opens at the passage, its highlight selected.
    h.get_by_role_and_label(egui::accesskit::Role::Button, "切实为基层减负")
        .click();
    h.run();
    h.get_by_label("Open at the passage").click();
    common::wait_then_run(&mut h, "the document", |app| {
        !app.is_loading() && app.current.as_ref().is_some_and(|s| s.name == "speech.txt")
    });
    assert_eq!(h.state().view, View::Reader);
    let session = h.state().current.as_ref().expect("open");
    let selected = session.selected_annotation().expect("selected");
    assert_eq!(selected.quote, "切实为基层减负");
    // …and the text is there: the passage on screen, far below the first screen.
    let range = selected.range;
    let visible = h.state().reader.visible().expect("laid out");
    assert!(
        visible.start > 0 && visible.start <= range.start && range.end <= visible.end,
        "{visible:?} {range:?}"
    );
    // Back returns to the notebook, the entry still selected.
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    h.run();
    assert_eq!(h.state().view, View::Notebook);

    // Edit its note in the notebook: the document's panel has the new note.
    h.get_by_label("Note").focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Note").type_text("开篇金句，可用于结尾");
    h.run();
    h.get_by_label("Save (Ctrl+Enter)").click();
    h.run();
    let session = h.state().current.as_ref().expect("open");
    let edited = session
        .notes
        .set
        .items()
        .iter()
        .find(|a| a.quote == "切实为基层减负")
        .expect("still there");
    assert_eq!(edited.note, "开篇金句，可用于结尾");
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(h.state().view, View::Reader);
    h.get_by_label_contains("开篇金句，可用于结尾");

    // A note of a document that is not open is written to its store.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "扎实推进乡村全面振兴")
        .click();
    h.run();
    h.get_by_label("Note").focus();
    h.run();
    h.get_by_label("Note").type_text("乡村振兴的新提法");
    h.run();
    h.get_by_label("Save (Ctrl+Enter)").click();
    common::wait_then_run(&mut h, "the note to be written", |app| {
        app.shelf
            .status
            .as_ref()
            .is_some_and(|(text, _)| text == "Note saved")
    });
    let out = common::pizhu(&[
        "--data-dir",
        data.to_str().expect("path"),
        "notes",
        docs.join("report.txt").to_str().expect("path"),
    ]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("乡村振兴的新提法"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    h.state_mut().flush();
}

#[test]
fn a_moved_and_edited_document_keeps_its_notes_in_the_window() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (docs, data) = (tmp.path().join("docs"), tmp.path().join("data"));
    documents(&docs, &data);
    // Moved to another folder, and edited: a paragraph added, a sentence changed.
    let moved = tmp.path().join("elsewhere/基层减负讲话（定稿）.txt");
    std::fs::create_dir_all(moved.parent().expect("parent")).expect("mkdir");
    let edited = speech()
        .replace("督查检查考核要少而精。", "督查检查考核要少而精、务实管用。")
        .replace(
            "\n\n二、主要任务",
            "\n\n同志们，减负不是减责任。\n\n二、主要任务",
        );
    std::fs::write(&moved, edited).expect("write");
    std::fs::remove_file(docs.join("speech.txt")).expect("remove");

    let mut h = first_start(&data);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::Open(moved.clone()));
    h.step();
    common::wait_then_run(&mut h, "the moved document", |app| {
        !app.is_loading() && app.current.as_ref().is_some_and(|s| s.path.is_some())
    });
    let session = h.state().current.as_ref().expect("open");
    let mut quotes: Vec<(String, String)> = session
        .notes
        .set
        .items()
        .iter()
        .map(|a| (a.quote.clone(), a.note.clone()))
        .collect();
    quotes.sort();
    assert_eq!(
        quotes,
        vec![
            ("切实为基层减负".to_owned(), "开篇金句".to_owned()),
            ("ＡＢＣ试点要扎实推进".to_owned(), "试点的提法".to_owned()),
        ]
    );
    h.state_mut().flush();
}

#[test]
fn a_dismissed_offer_of_notes_is_not_made_again() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let a = tmp.path().join("sample.txt");
    std::fs::copy(common::sample(), &a).expect("copy");
    let text = pizhu::Document::open(&a).expect("opens").text;
    let quotes = common::passages(&text, 6);
    for q in &quotes {
        let out = common::pizhu(&[
            "--data-dir",
            data.to_str().expect("utf-8"),
            "highlight",
            a.to_str().expect("utf-8"),
            "--quote",
            q,
        ]);
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    std::fs::remove_file(&a).expect("remove");
    // A digest quoting the paragraphs of two of the six: offered, not taken.
    let digest = tmp.path().join("摘编.txt");
    let paragraphs: Vec<&str> = quotes[..2]
        .iter()
        .map(|q| text.lines().find(|l| l.contains(q.as_str())).expect("line"))
        .collect();
    std::fs::write(&digest, format!("学习摘编\n{}\n", paragraphs.join("\n"))).expect("write");

    let mut h = first_start(&data);
    let open = |h: &mut Harness<'static, PizhuApp>| {
        let ctx = h.ctx.clone();
        h.state_mut().apply(&ctx, Command::Open(digest.clone()));
        h.step();
        common::wait_then_run(h, "the digest", |app| {
            !app.is_loading()
                && app
                    .current
                    .as_ref()
                    .is_some_and(|s| s.path.as_deref() == Some(digest.as_path()))
        });
    };
    open(&mut h);
    assert!(h.state().offer.is_some(), "the notes are offered");
    h.get_by_label("Dismiss").click();
    h.run();
    assert!(h.state().offer.is_none());
    assert!(
        h.query_by_label("Attach them").is_none(),
        "the offer bar is gone"
    );
    // Opened again: not offered again (and nothing was taken).
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::ShowView(View::Library));
    h.run();
    open(&mut h);
    assert!(
        h.state().offer.is_none(),
        "a dismissed offer is not made again"
    );
    assert!(
        h.state()
            .current
            .as_ref()
            .expect("open")
            .notes
            .set
            .is_empty()
    );
    h.state_mut().flush();
}

#[test]
fn asked_for_at_start_the_notebook_comes_before_the_sample() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (docs, data) = (tmp.path().join("docs"), tmp.path().join("data"));
    documents(&docs, &data);
    let dir = data.clone();
    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_max_steps(64)
        .build_eframe(move |cc| {
            let mut app = PizhuApp::new(&cc.egui_ctx, None, Some(dir), Startup::Resume);
            // The notebook asked for before the first frame (as Ctrl+Shift+F in it does): the
            // reader wants their notes, not the sample.
            app.apply(&cc.egui_ctx, Command::ShowView(View::Notebook));
            app
        });
    let started = std::time::Instant::now();
    // Every frame until the sample is open: it starts opening only once the notebook's
    // first answer is on screen.
    while h.state().current.is_none() {
        let app = h.state();
        assert!(
            !app.is_loading() || app.notebook_view.results.is_some(),
            "the sample was opened before the notebook was shown"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the sample never opened"
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(h.state().view, View::Notebook, "the sample opens behind it");
    assert!(!shown(h.state()).is_empty());
}
