//! Headless frame benchmark of the real reading window (an `egui::Context`, no GPU):
//! open the ~10 MB GB18030 document, scroll through it at 1400×900 with the mouse wheel
//! and PageDown, jump to outline nodes, and report frame CPU time (UI pass + tessellation).
//!
//! `cargo bench --bench frame` (release). Goals (issue 3): p99 frame ≤ 4 ms; an outline
//! click shows its heading at the top within 1 frame; readable text well under a second.
//!
//! `PIZHU_FRAME_FILE=PATH` benchmarks another file (issue 11: 100 MB from
//! `../shared/tools/make-big.sh /tmp/big/big100.txt 100`). A filter after `--` runs only the
//! parts whose name contains it: `window-open` (the file opened as the window does it, on a
//! worker thread, frames paced like eframe's: each frame when a repaint is due, at most 60
//! a second), `scroll`, `jumps`, `find`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::{Event, Key, Modifiers, MouseWheelUnit, Pos2, Vec2};
use pizhu::app::{Command, PizhuApp, Startup};

use pizhu::session::Action as Act;
use pizhu_benches::{Frames, big_file, ms, percentile};

/// Whether the part `name` runs: no filter, or a filter it contains.
fn wanted(name: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs us with no args: stay quick then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let path = match std::env::var_os("PIZHU_FRAME_FILE") {
        Some(p) => PathBuf::from(p),
        None => match big_file() {
            Some(p) => p,
            None => return,
        },
    };
    if wanted("window-open") {
        window_open(&path, quick);
    }
    if wanted("show-document") {
        show_document(&path);
    }
    if !(wanted("scroll") || wanted("jumps") || wanted("find")) {
        return;
    }
    let ctx = egui::Context::default();
    let mut frames = Frames::new(&ctx);
    let mut app = PizhuApp::new(&ctx, None, None, Startup::Sample);
    frames.frame(&mut app, Vec::new());

    // Open: read + decode + outline + stats, then the first frame with text on screen.
    let start = Instant::now();
    app.open_blocking(&path).expect("big file opens");
    let opened = start.elapsed();
    let first = frames.frame(&mut app, Vec::new());
    // A large document's blocks are found on a worker thread: frames until text shows.
    let mut slowest = first;
    while app.reader.visible().is_none() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
        slowest = slowest.max(frames.frame(&mut app, Vec::new()));
    }
    let first = slowest;
    let readable = start.elapsed();
    let nodes = app.current.as_ref().map_or(0, |d| d.outline.nodes.len());
    println!(
        "open {:.1} MB: document + outline {:.0} ms, slowest frame until text shows {:.0} ms, readable after {:.0} ms ({nodes} outline nodes)",
        std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1e6),
        ms(opened),
        ms(first),
        ms(readable)
    );

    // Scroll: the wheel every frame, PageDown every 8th frame.
    let pointer = Pos2::new(900.0, 450.0);
    let count = if quick { 60 } else { 3000 };
    if wanted("scroll") {
        scroll(&mut frames, &mut app, pointer, count, "");
    }
    if !(wanted("scroll with highlights") || wanted("jumps") || wanted("find")) {
        return;
    }

    // The same with 10,000 highlights (a tenth with notes) spread through the document.
    if let Some(doc) = app.current.as_mut() {
        let chars = doc.doc.char_count;
        let step = (chars / 10_000).max(1);
        let edits = (0..10_000)
            .map(|k| {
                let start = (k * step).min(chars.saturating_sub(40));
                let mut a = pizhu::annotate::Annotation::highlight(
                    &doc.doc,
                    pizhu::TextRange::new(start, start + 20 + k % 40),
                    pizhu::annotate::Color::ALL[k % 5],
                    1,
                );
                if k % 10 == 0 {
                    a.note = format!("笔记 {k} #标签{}", k % 7);
                }
                pizhu::annotate::Edit::Add(a)
            })
            .collect();
        doc.notes.edit(edits);
    }
    app.push(Command::JumpToChar(0));
    frames.frame(&mut app, Vec::new());
    if wanted("scroll with highlights") {
        scroll(
            &mut frames,
            &mut app,
            pointer,
            count,
            " with 10,000 highlights",
        );
    }
    if wanted("jumps") {
        jumps(&mut frames, &mut app, pointer, nodes, quick);
    }
    if wanted("find") {
        find(&mut frames, &mut app);
    }
}

/// What the UI thread does with a loaded document: `show_document`, then each frame until
/// the text is on screen, timed apart.
fn show_document(path: &Path) {
    let ctx = egui::Context::default();
    let mut frames = Frames::new(&ctx);
    let mut app = PizhuApp::new(&ctx, None, None, Startup::Sample);
    for _ in 0..3 {
        frames.frame(&mut app, Vec::new());
    }
    let Ok(doc) = pizhu::session::Session::open(path, None) else {
        println!("show-document: cannot open {}", path.display());
        return;
    };
    let start = Instant::now();
    app.show_document(doc);
    let shown = start.elapsed();
    let mut times = Vec::new();
    while app.reader.visible().is_none() && start.elapsed() < Duration::from_secs(60) {
        times.push(frames.frame(&mut app, Vec::new()));
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..3 {
        times.push(frames.frame(&mut app, Vec::new()));
    }
    let list: Vec<String> = times.iter().map(|d| format!("{:.1}", ms(*d))).collect();
    println!(
        "show-document: show_document {:.1} ms; frames until text and 3 after (ms): {}",
        ms(shown),
        list.join(" ")
    );
}

/// Open `path` the way the window does (`PizhuApp::open`: a worker thread, the loading
/// indicator meanwhile), with frames paced like eframe paces them: a frame runs when a
/// repaint is due (asked for now, or after a delay), at most one per 1/60 s. Reports the time
/// from the open to the first frame with the document's text on screen, how often and how
/// long frames ran while loading, and the frames right after.
fn window_open(path: &Path, quick: bool) {
    let ctx = egui::Context::default();
    // When the next repaint is due (eframe's repaint callback, set from any thread).
    let due: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let due_cb = Arc::clone(&due);
    ctx.set_request_repaint_callback(move |info| {
        let at = Instant::now() + info.delay;
        if let Ok(mut due) = due_cb.lock() {
            *due = Some(due.map_or(at, |d| d.min(at)));
        }
    });
    let mut frames = Frames::new(&ctx);
    let mut app = PizhuApp::new(&ctx, None, None, Startup::Sample);
    for _ in 0..3 {
        frames.frame(&mut app, Vec::new());
    }
    let start = Instant::now();
    app.open(path.to_owned());
    let mut last_frame = Instant::now();
    let mut loading = Vec::new();
    let mut first_full = None;
    let mut swap_frames = Vec::new();
    while start.elapsed() < Duration::from_secs(120) {
        // Wait for a due repaint (none due: eframe sleeps until one is asked for).
        loop {
            let next = due.lock().ok().and_then(|d| *d);
            let now = Instant::now();
            if let Some(at) = next
                && now >= at
                && now >= last_frame + Duration::from_micros(16_667)
            {
                break;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        if let Ok(mut d) = due.lock() {
            *d = None;
        }
        last_frame = Instant::now();
        let was_loading = app.is_loading();
        frames.time = start.elapsed().as_secs_f64();
        let took = frames.frame(&mut app, Vec::new());
        if was_loading && app.is_loading() {
            loading.push(took);
        } else {
            swap_frames.push(took);
        }
        if !app.is_loading() && app.reader.visible().is_some() {
            first_full = Some(start.elapsed());
            break;
        }
    }
    let Some(first_full) = first_full else {
        println!("window-open: not open after 120 s");
        return;
    };
    let load_span = loading.len() as f64 / first_full.as_secs_f64().max(1e-9);
    let swap_max = swap_frames.iter().max().copied().unwrap_or_default();
    loading.sort();
    // The frames after: the UI settling, then the wheel (the first touches of new text).
    let mut after = Vec::new();
    for _ in 0..if quick { 10 } else { 60 } {
        after.push(frames.frame(&mut app, Vec::new()));
    }
    let pointer = Pos2::new(900.0, 450.0);
    for _ in 0..if quick { 10 } else { 120 } {
        let wheel = Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: Vec2::new(0.0, -120.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: Modifiers::NONE,
        };
        after.push(frames.frame(&mut app, vec![Event::PointerMoved(pointer), wheel]));
    }
    after.sort();
    println!(
        "window-open {:.1} MB: first full frame {:.0} ms after the open; {} frames while loading ({load_span:.1} Hz), max {:.2} ms; the document's first frame(s) max {:.2} ms; {} frames after: p99 {:.2} ms, max {:.2} ms",
        std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6),
        ms(first_full),
        loading.len(),
        loading.last().map_or(0.0, |d| ms(*d)),
        ms(swap_max),
        after.len(),
        ms(percentile(&after, 0.99)),
        ms(percentile(&after, 1.0)),
    );
}

/// Find as you type over the whole document: how long until the first match is on screen
/// and the count is complete, and how long frames take meanwhile (the search runs on a
/// worker thread).
fn find(frames: &mut Frames, app: &mut PizhuApp) {
    app.push(Command::OpenFind);
    frames.frame(app, Vec::new());
    for query in [
        "发展",
        "党风廉政建设",
        "数字政府",
        "ｇｄｐ",
        "[一二三四五]是",
    ] {
        app.find.query.text = query.to_owned();
        app.find.query.regex = query.starts_with('[');
        let start = Instant::now();
        let mut frame_times = Vec::new();
        let mut shown = None;
        while start.elapsed() < Duration::from_secs(10) {
            frame_times.push(frames.frame(app, Vec::new()));
            if app
                .current
                .as_ref()
                .is_some_and(|s| s.find.is_current(&app.find.query) && !s.find.is_searching())
            {
                // The frame after the results arrive shows the first one.
                frame_times.push(frames.frame(app, Vec::new()));
                shown = Some(start.elapsed());
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        frame_times.sort();
        println!(
            "find {query:?}: {} matches, first match on screen and count complete after {:.0} ms; {} frames meanwhile, max frame {:.2} ms",
            app.current.as_ref().map_or(0, |s| s.find.matches.len()),
            shown.map_or(f64::NAN, ms),
            frame_times.len(),
            ms(percentile(&frame_times, 1.0))
        );
    }
}

/// Scroll `count` frames: the wheel every frame, PageDown every 8th.
fn scroll(frames: &mut Frames, app: &mut PizhuApp, pointer: Pos2, count: usize, what: &str) {
    let mut times = Vec::new();
    for i in 0..count {
        let mut events = vec![Event::PointerMoved(pointer)];
        if i % 8 == 7 {
            events.push(Event::Key {
                key: Key::PageDown,
                physical_key: None,
                pressed: true,
                repeat: false,
                modifiers: Modifiers::NONE,
            });
        } else {
            events.push(Event::MouseWheel {
                unit: MouseWheelUnit::Point,
                delta: Vec2::new(0.0, -120.0),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
                modifiers: Modifiers::NONE,
            });
        }
        times.push(frames.frame(app, events));
    }
    let position = app.reader.top_char().unwrap_or(0);
    times.sort();
    println!(
        "scroll {count} frames at 1400×900{what}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms (reached char {position})",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(percentile(&times, 0.99)),
        ms(percentile(&times, 1.0))
    );
}

/// Outline clicks: each heading must be at the top one frame after its click.
fn jumps(frames: &mut Frames, app: &mut PizhuApp, pointer: Pos2, nodes: usize, quick: bool) {
    // The wheel stops; then outline clicks jump to spread-out nodes, and each heading must
    // be at the top one frame after its click.
    for _ in 0..30 {
        frames.frame(app, vec![Event::PointerMoved(pointer)]);
    }
    let targets: Vec<usize> = (0..if quick { 5 } else { 200 })
        .map(|k| (k * 7919) % nodes.max(1))
        .collect();
    let mut jump_times = Vec::new();
    let mut late = 0;
    for &node in &targets {
        app.push(Command::Act(Act::JumpToNode(node)));
        jump_times.push(frames.frame(app, Vec::new())); // the click's frame applies the command
        jump_times.push(frames.frame(app, Vec::new())); // the next frame shows it
        let start = app
            .current
            .as_ref()
            .map(|d| d.outline.nodes[node].range.start);
        if app.reader.top_char() != start {
            late += 1;
            let total = app.reader.content_height();
            eprintln!(
                "  node {node}: top char {:?}, node starts at {start:?}; offset {:.0} of {total:.0} (view {:.0})",
                app.reader.top_char(),
                app.reader.offset(),
                app.reader.viewport_height()
            );
        }
    }
    jump_times.sort();
    println!(
        "outline jumps: {} of {} showed their node at the top one frame after the click; jump frames p99 {:.2} ms, max {:.2} ms",
        targets.len() - late,
        targets.len(),
        ms(percentile(&jump_times, 0.99)),
        ms(percentile(&jump_times, 1.0))
    );
}
