//! Shared helpers for integration tests.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use pizhu::app::settings::LanguagePref;
use pizhu::app::{Command as AppCommand, PizhuApp, Startup};
use pizhu::outline::{NodeKind, Outline};

/// The shared corpus beside the project, or `None` (after saying so) when it is absent.
/// Under CI (`CI` set) a missing corpus fails the test instead of skipping it.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "corpus not found at {}; CI must have ../shared/corpus",
            dir.display()
        );
    }
    // Written to stderr directly: the test harness captures `eprintln!` of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: corpus not found at {}",
        dir.display()
    );
    None
}

/// The bundled sample speech.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample-speech.txt")
}

/// `(depth, kind, marker, title)` of every node: what "the same outline" means.
pub fn shape(outline: &Outline) -> Vec<(u8, NodeKind, String, String)> {
    outline
        .nodes
        .iter()
        .map(|n| (n.depth, n.kind, n.marker.clone(), n.title.clone()))
        .collect()
}

/// Every range is in bounds, ordered, and nested inside its parent's.
pub fn assert_well_formed(outline: &Outline, char_count: usize) {
    let mut parents: Vec<usize> = Vec::new();
    let mut prev_start = 0;
    for (i, n) in outline.nodes.iter().enumerate() {
        assert!(
            n.range.start <= n.range.end && n.range.end <= char_count,
            "out of bounds: {n:?}"
        );
        assert!(n.range.start >= prev_start, "out of order: {n:?}");
        assert!(
            n.title_range.start >= n.range.start,
            "title before node: {n:?}"
        );
        prev_start = n.range.start;
        assert!(n.depth >= 1, "depth 0: {n:?}");
        while parents
            .last()
            .is_some_and(|&p| outline.nodes[p].depth >= n.depth)
        {
            parents.pop();
        }
        let expected_depth = parents.last().map_or(1, |&p| outline.nodes[p].depth + 1);
        assert_eq!(n.depth, expected_depth, "depth jumps: {n:?}");
        if let Some(&p) = parents.last() {
            let parent = &outline.nodes[p];
            assert!(
                parent.range.contains_range(n.range),
                "{n:?} escapes {parent:?}"
            );
        }
        parents.push(i);
    }
    for p in &outline.placeholders {
        assert!(p.range.start < p.range.end && p.range.end <= char_count);
    }
    for b in &outline.boilerplate {
        assert!(b.range.end <= char_count);
    }
}

/// Render nodes compactly for assertions: `depth kind marker title`.
pub fn render(outline: &Outline) -> String {
    let mut out = String::new();
    for n in &outline.nodes {
        let kind = match n.kind {
            NodeKind::Point => "point ",
            NodeKind::Topic => "topic ",
            NodeKind::Heading => "",
        };
        out.push_str(&format!("{} {kind}{} {}\n", n.depth, n.marker, n.title));
    }
    out
}

/// Run the `pizhu` binary with `args` (no `PIZHU_DATA_DIR` from the environment).
pub fn pizhu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pizhu"))
        .args(args)
        .env_remove("PIZHU_DATA_DIR")
        .output()
        .expect("pizhu runs")
}

/// What a run printed on stdout.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What a run printed on stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The text with every whitespace char removed: what "the same text after whitespace
/// normalisation" compares (a PDF's or OFD's line breaks and indents are layout, not text).
pub fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `converted` (a PDF, OFD, .doc, HTML, EPUB … made from `original`) reads as the original:
/// the same outline, title, blanks and boilerplate, and the same text once whitespace is
/// ignored. `original` is usually the seed's `.txt`.
pub fn assert_reads_like(converted: &Path, original: &Path) {
    let open = |p: &Path| {
        let doc =
            pizhu::document::Document::open(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let o = pizhu::outline::outline(&doc);
        assert_well_formed(&o, doc.char_count);
        (doc, o)
    };
    let (doc, o) = open(converted);
    let (ref_doc, reference) = open(original);
    let name = converted.display();
    assert_eq!(render(&o), render(&reference), "{name}: outline");
    assert_eq!(o.title, reference.title, "{name}: title");
    assert_eq!(
        o.placeholders.len(),
        reference.placeholders.len(),
        "{name}: blanks"
    );
    assert_eq!(
        o.boilerplate.len(),
        reference.boilerplate.len(),
        "{name}: boilerplate"
    );
    assert_eq!(
        without_whitespace(&doc.text),
        without_whitespace(&ref_doc.text),
        "{name}: text"
    );
}

/// The program `name` on `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// `soffice`, or `None` (after saying so) when it is missing; under CI it must be there.
pub fn soffice() -> Option<PathBuf> {
    let found = on_path("soffice");
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "soffice must be installed under CI (Debian: libreoffice-writer-nogui)"
        );
        let _ = writeln!(std::io::stderr(), "skipped: soffice not installed");
    }
    found
}

/// Convert `input` with LibreOffice to `format` (`doc`, `epub` …) in `dir`; the new file.
pub fn convert(soffice: &Path, input: &Path, format: &str, dir: &Path) -> PathBuf {
    let profile = dir.join("lo-profile");
    let mut child = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", format, "--outdir"])
        .arg(dir)
        .arg(input)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn soffice");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("soffice took more than 300 s on {}", input.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("output");
    let ext = format.split(':').next().unwrap_or(format);
    let stem = input.file_stem().expect("stem").to_string_lossy();
    let made = dir.join(format!("{stem}.{ext}"));
    assert!(
        made.is_file(),
        "soffice made no {ext} from {}: {}\n{}",
        input.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    made
}

/// The part `name` of a `.docx` (zip) package, as text.
pub fn docx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut part = zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut text = String::new();
    part.read_to_string(&mut text).expect("UTF-8 part");
    text
}

/// XML indented one element a line (for golden files).
pub fn pretty_xml(xml: &str) -> String {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut writer = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 1);
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            event => writer.write_event(event).expect("write"),
        }
    }
    String::from_utf8(writer.into_inner()).expect("UTF-8")
}

/// Every file under `dir` with its contents (sorted), to show that nothing was written.
pub fn snapshot_dir(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(snapshot_dir(&path));
        } else {
            let bytes = std::fs::read(&path).expect("read");
            out.push((path, bytes));
        }
    }
    out.sort();
    out
}

/// `n` passages of `text` to highlight, spread through it: 14 chars from 12 chars into long
/// paragraphs (further in, or the next paragraph, when that is not unique in the text).
pub fn passages(text: &str, n: usize) -> Vec<String> {
    let long: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.chars().count() >= 40)
        .collect();
    assert!(long.len() >= n, "{} long paragraphs", long.len());
    let step = long.len() / n;
    let mut out: Vec<String> = Vec::new();
    for i in 0..n {
        let q = long[i * step..]
            .iter()
            .flat_map(|line| {
                [12, 18, 24].map(|skip| line.chars().skip(skip).take(14).collect::<String>())
            })
            .find(|q| q.chars().count() == 14 && text.matches(q.as_str()).count() == 1)
            .expect("a passage found once");
        if !out.contains(&q) {
            out.push(q);
        }
    }
    assert_eq!(out.len(), n);
    out
}

/// Folders for a window test in `dir`: `config` (made), `data` (made when first written),
/// and the document `name` holding `text`.
pub fn folders_with_file(dir: &Path, name: &str, text: &str) -> (PathBuf, PathBuf, PathBuf) {
    let (config, data) = (dir.join("config"), dir.join("data"));
    std::fs::create_dir_all(&config).expect("config");
    let file = dir.join(name);
    std::fs::write(&file, text).expect("write");
    (config, data, file)
}

/// A 1400×900 window on `file`, settings in `config`, notes in `data`, in English, once the
/// document is open.
pub fn window_on_file(config: &Path, data: &Path, file: &Path) -> Harness<'static, PizhuApp> {
    let h = window_of(
        egui::Vec2::new(1400.0, 900.0),
        Some(config.join("settings.ron")),
        Some(data.to_owned()),
        Startup::File(file.to_owned()),
    );
    assert!(h.state().current.is_some(), "the document opened");
    h
}

/// A window of `size` as `PizhuApp::new` makes it (`settings` file, `data` folder,
/// `startup`), in English, once what it opens is loaded.
pub fn window_of(
    size: egui::Vec2,
    settings: Option<PathBuf>,
    data: Option<PathBuf>,
    startup: Startup,
) -> Harness<'static, PizhuApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .with_max_steps(64)
        .build_eframe(move |cc| PizhuApp::new(&cc.egui_ctx, settings, data, startup));
    let ctx = h.ctx.clone();
    h.state_mut()
        .apply(&ctx, AppCommand::SetLanguage(LanguagePref::English));
    settle(&mut h);
    h
}

/// Run frames until `done` holds (work on worker threads: loading, search, export), at most
/// 30 s.
pub fn wait_until(
    h: &mut Harness<'static, PizhuApp>,
    what: &str,
    done: impl Fn(&PizhuApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "{what} never finished");
        h.step();
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// [`wait_until`], then frames until the window is still.
pub fn wait_then_run(
    h: &mut Harness<'static, PizhuApp>,
    what: &str,
    done: impl Fn(&PizhuApp) -> bool,
) {
    wait_until(h, what, done);
    h.run();
}

/// Run frames until no document is loading and the window is still.
pub fn settle(h: &mut Harness<'static, PizhuApp>) {
    wait_then_run(h, "loading", |app| !app.is_loading());
}
