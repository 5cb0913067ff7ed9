//! Starting the window and what it says first (issue 16): a folder or a missing file named
//! on the command line (the message and the library, never the sample in its place), an
//! empty file (a message, not a blank page), the loading state (one thing), the Recent menu
//! with repeated titles, and the crash report a panic left (offered once).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::{Duration, Instant};

use egui::{Role, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use pizhu::app::settings::{LanguagePref, RecentDocument, Settings};
use pizhu::app::{Command, PizhuApp, Startup, View};

/// A window at 1400×900 in English with these settings and data folder.
fn window_with(
    startup: Startup,
    settings: Option<PathBuf>,
    data: Option<PathBuf>,
) -> Harness<'static, PizhuApp> {
    common::window_of(Vec2::new(1400.0, 900.0), settings, data, startup)
}

fn alert_texts(h: &Harness<'static, PizhuApp>) -> Vec<String> {
    h.query_all_by_role(Role::Alert)
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect()
}

#[test]
fn a_folder_named_at_start_shows_the_message_and_the_library_not_the_sample() {
    let data = tempfile::tempdir().expect("tmp");
    let folder = tempfile::tempdir().expect("tmp");
    let h = window_with(
        Startup::File(folder.path().to_owned()),
        None,
        Some(data.path().to_owned()),
    );
    let app = h.state();
    assert!(app.current.is_none(), "a document was opened instead");
    assert_eq!(app.view, View::Library);
    let alerts = alert_texts(&h);
    assert!(
        alerts
            .iter()
            .any(|a| a.starts_with("Cannot open the document")
                && a.contains(&folder.path().display().to_string())),
        "{alerts:?}"
    );
    // The library is on screen under the message.
    assert!(h.query_by_label("Add folder…").is_some());
}

#[test]
fn a_missing_file_named_at_start_shows_the_message_and_the_library() {
    let data = tempfile::tempdir().expect("tmp");
    let missing = data.path().join("gone.docx");
    let mut h = window_with(
        Startup::File(missing.clone()),
        None,
        Some(data.path().to_owned()),
    );
    assert!(h.state().current.is_none());
    assert_eq!(h.state().view, View::Library);
    let alerts = alert_texts(&h);
    assert!(alerts.iter().any(|a| a.contains("gone.docx")), "{alerts:?}");
    // Dismissed, the message goes.
    h.get_by_role_and_label(Role::Button, "Dismiss").click();
    h.run();
    assert!(alert_texts(&h).is_empty());
}

/// The binary says it on stderr, in one line, before it tries to open a window (there is
/// no display here, so it then fails to).
#[test]
fn a_folder_or_a_missing_file_on_the_command_line_is_one_line_on_stderr() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    for (arg, said) in [
        (dir.path().to_owned(), "it is a folder, not a document"),
        (dir.path().join("gone.txt"), "no such file"),
    ] {
        let out = Process::new(env!("CARGO_BIN_EXE_pizhu"))
            .arg(&arg)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_RUNTIME_DIR", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("PIZHU_DATA_DIR", &data)
            .output()
            .expect("run pizhu");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!(
                "pizhu: cannot open {}: {said}{}; the window shows the library instead",
                arg.display(),
                if said.starts_with("it is a folder") {
                    " (the library's Add folder… takes folders)"
                } else {
                    ""
                }
            ),
            "{stderr}"
        );
    }
}

#[test]
fn an_empty_file_says_so_instead_of_a_blank_page() {
    let dir = tempfile::tempdir().expect("tmp");
    for (name, bytes) in [("empty.txt", &b""[..]), ("blank.txt", &b"  \n\n\t\n"[..])] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let h = window_with(Startup::File(path), None, None);
        let doc = h.state().current.as_ref().expect("the file is open");
        assert_eq!(doc.name, name);
        // The message in the reader, and again in the status bar instead of
        // "0 characters · ~1 min".
        let shown = h.query_all_by_label("This file is empty").count();
        assert_eq!(shown, 2, "{name}");
        assert!(
            h.query_by_label_contains("characters").is_none(),
            "{name}: a length for an empty file"
        );
    }
}

#[test]
fn the_first_document_loading_shows_the_indicator_alone() {
    // Big enough to take a few frames to open in a debug build.
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("long.txt");
    let paragraph = "一、加强组织领导，压实工作责任。各级各部门要把这项工作摆上重要议事日程。\n";
    std::fs::write(&path, paragraph.repeat(200_000)).expect("write");
    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_max_steps(64)
        .build_eframe(move |cc| PizhuApp::new(&cc.egui_ctx, None, None, Startup::File(path)));
    let ctx = h.ctx.clone();
    h.state_mut()
        .apply(&ctx, Command::SetLanguage(LanguagePref::English));
    let mut seen_loading = 0;
    while h.state().is_loading() {
        h.step();
        if h.state().is_loading() && h.state().current.is_none() {
            seen_loading += 1;
            assert_eq!(
                h.query_all_by_role(Role::ProgressIndicator).count(),
                1,
                "one indicator"
            );
            assert!(
                h.query_by_label("Open a document (Ctrl+O), or drop a file onto the window")
                    .is_none(),
                "the hint to open a document while one is opening"
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(seen_loading > 0, "never saw it loading");
    common::settle(&mut h);
    assert!(h.state().current.is_some());
}

fn recent(path: &Path, title: &str, opened: &str) -> RecentDocument {
    RecentDocument {
        path: path.to_owned(),
        title: title.to_owned(),
        position: 0,
        opened: opened
            .parse::<jiff::civil::Date>()
            .expect("a date")
            .at(12, 0, 0, 0)
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .expect("a time")
            .timestamp()
            .as_second(),
    }
}

#[test]
fn recent_entries_with_the_same_title_show_format_folder_and_date() {
    let config = tempfile::tempdir().expect("tmp");
    let settings_path = config.path().join("settings.ron");
    let settings = Settings {
        language: LanguagePref::English,
        recent: vec![
            recent(
                Path::new("/home/u/2025材料/政府工作报告.docx"),
                "政府工作报告",
                "2026-11-20",
            ),
            recent(
                Path::new("/home/u/下载/政府工作报告.pdf"),
                "政府工作报告",
                "2026-10-02",
            ),
            recent(
                Path::new("/home/u/讲话.txt"),
                "在全县推进会上的讲话",
                "2026-09-01",
            ),
        ],
        ..Settings::default()
    };
    pizhu::app::settings::save(&settings_path, &settings).expect("settings");
    let mut h = window_with(Startup::Sample, Some(settings_path), None);
    h.get_by_label("Recent").click();
    h.run();
    for label in [
        "政府工作报告 — DOCX · 2025材料 · 2026-11-20",
        "政府工作报告 — PDF · 下载 · 2026-10-02",
        // A title of its own stays as it is.
        "在全县推进会上的讲话",
    ] {
        assert!(
            h.query_by_role_and_label(Role::Button, label).is_some(),
            "{label} not in the menu"
        );
    }
}

/// A report in the data folder's crash folder, as the panic hook writes it.
fn plant_report(data: &Path, name: &str) -> PathBuf {
    let text = pizhu::crash::report_text(
        "index out of bounds: the len is 3 but the index is 7",
        "src/app/reader/mod.rs:512:9",
        "main",
        "   0: pizhu::app::reader::body_ui",
        "Debian GNU/Linux, x86_64",
    );
    let dir = data.join("crash");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("report");
    path
}

#[test]
fn a_crash_report_is_offered_once_and_show_opens_it() {
    let data = tempfile::tempdir().expect("tmp");
    let report = plant_report(data.path(), "20261128-053012.txt");
    let mut h = window_with(Startup::Sample, None, Some(data.path().to_owned()));
    assert!(
        alert_texts(&h)
            .iter()
            .any(|a| a == "Pizhu closed unexpectedly last time"),
        "{:?}",
        alert_texts(&h)
    );
    h.get_by_role_and_label(Role::Button, "Show report").click();
    common::wait_until(&mut h, "the report", |app| {
        app.crash.shown.is_some() && !app.crash.busy()
    });
    // The window with the text (a new window takes a frame to size itself), Copy and Open
    // folder; the banner gone.
    let deadline = Instant::now() + Duration::from_secs(30);
    while h
        .query_by_label_contains("message: index out of bounds")
        .is_none()
    {
        assert!(Instant::now() < deadline, "the report's text is not shown");
        h.step();
    }
    assert!(
        h.query_by_role_and_label(Role::Button, "Open folder")
            .is_some()
    );
    h.get_by_role_and_label(Role::Button, "Copy").click();
    h.run();
    assert!(
        h.state()
            .last_copied
            .as_deref()
            .is_some_and(|c| c.contains("src/app/reader/mod.rs:512:9"))
    );
    assert!(!alert_texts(&h).iter().any(|a| a.contains("unexpectedly")));
    // Marked: renamed, the text kept.
    assert!(!report.exists());
    let seen = data.path().join("crash/20261128-053012.seen.txt");
    assert!(std::fs::read_to_string(&seen).is_ok_and(|t| t.contains("version:")));
    // The next start does not offer it again.
    let h = window_with(Startup::Sample, None, Some(data.path().to_owned()));
    assert!(h.state().crash.unseen.is_empty());
    assert!(!alert_texts(&h).iter().any(|a| a.contains("unexpectedly")));
}

#[test]
fn dismissing_the_crash_banner_marks_the_reports() {
    let data = tempfile::tempdir().expect("tmp");
    plant_report(data.path(), "20261127-101010.txt");
    plant_report(data.path(), "20261128-053012.txt");
    let mut h = window_with(Startup::Sample, None, Some(data.path().to_owned()));
    assert!(
        alert_texts(&h)
            .iter()
            .any(|a| a == "Pizhu closed unexpectedly last time (2 reports)"),
        "{:?}",
        alert_texts(&h)
    );
    h.get_by_role_and_label(Role::Button, "Dismiss").click();
    // The click's frame starts the marking; then wait for it to end.
    h.run();
    common::wait_until(&mut h, "marking", |app| !app.crash.busy());
    h.run();
    assert!(!alert_texts(&h).iter().any(|a| a.contains("unexpectedly")));
    assert!(h.state().crash.shown.is_none());
    let mut names: Vec<String> = std::fs::read_dir(data.path().join("crash"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["20261127-101010.seen.txt", "20261128-053012.seen.txt"]
    );
    assert!(pizhu::crash::unseen(data.path()).is_empty());
}

/// The hook `main` installs for the window: a panic of the window's thread leaves a report
/// (here a thread named "reader" stands for it); another thread's panic does not.
/// A window left with the cursor in a text field stops drawing: the cursor blinks for a
/// while after the last input, then stays lit and asks for no more frames.
#[test]
fn an_idle_window_with_a_focused_field_stops_repainting() {
    let data = tempfile::tempdir().expect("tmp");
    let mut h = window_with(Startup::Sample, None, Some(data.path().to_owned()));
    let ctx = h.ctx.clone();
    // The notebook puts the cursor in its search field.
    h.state_mut().apply(&ctx, Command::ShowView(View::Notebook));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !h.ctx.text_edit_focused() {
        assert!(
            Instant::now() < deadline,
            "the search field never got the cursor"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(2));
    }
    // The reading position the sample opened at is saved a moment later (real time).
    common::wait_until(&mut h, "the position saved", |app| {
        app.current.as_ref().is_some_and(|s| !s.notes.pending())
    });
    h.event(egui::Event::PointerMoved(egui::pos2(1300.0, 890.0)));
    h.step();
    assert!(h.ctx.global_style().visuals.text_cursor.blink);
    // 15 s of frames (a quarter second each) without input.
    for _ in 0..60 {
        h.step();
    }
    assert!(!h.ctx.global_style().visuals.text_cursor.blink);
    h.step();
    let delay = h.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert_eq!(
        delay,
        Duration::MAX,
        "still asking for frames: {:?}",
        h.ctx.repaint_causes()
    );
    // Input brings the blinking back.
    h.event(egui::Event::PointerMoved(egui::pos2(1310.0, 890.0)));
    h.step();
    assert!(h.ctx.global_style().visuals.text_cursor.blink);
}
