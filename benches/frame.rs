//! Headless frame benchmark of the real reading window (an `egui::Context`, no GPU):
//! open the ~10 MB GB18030 document, scroll through it at 1400×900 with the mouse wheel
//! and PageDown, jump to outline nodes, and report frame CPU time (UI pass + tessellation).
//!
//! `cargo bench --bench frame` (release). Goals (issue 3): p99 frame ≤ 4 ms; an outline
//! click shows its heading at the top within 1 frame; readable text well under a second.

use std::time::{Duration, Instant};

use egui::{Event, Key, Modifiers, MouseWheelUnit, Pos2, RawInput, Rect, Vec2};
use pizhu::app::{Command, PizhuApp, Startup};

#[path = "support/mod.rs"]
mod support;
use support::big_file;

const SIZE: Vec2 = Vec2::new(1400.0, 900.0);

struct Frames {
    ctx: egui::Context,
    time: f64,
}

impl Frames {
    /// Run one frame with `events`; returns its CPU time.
    fn frame(&mut self, app: &mut PizhuApp, events: Vec<Event>) -> Duration {
        self.time += 1.0 / 60.0;
        let raw = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SIZE)),
            time: Some(self.time),
            predicted_dt: 1.0 / 60.0,
            events,
            ..Default::default()
        };
        let start = Instant::now();
        let out = self.ctx.run_ui(raw, |ui| app.show(ui));
        let egui::FullOutput {
            shapes,
            pixels_per_point,
            mut textures_delta,
            ..
        } = out;
        let primitives = self.ctx.tessellate(shapes, pixels_per_point);
        let elapsed = start.elapsed();
        std::hint::black_box(primitives);
        textures_delta.clear();
        elapsed
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs us with no args: stay quick then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let Some(path) = big_file() else { return };
    let ctx = egui::Context::default();
    let mut frames = Frames {
        ctx: ctx.clone(),
        time: 0.0,
    };
    let mut app = PizhuApp::new(&ctx, None, None, Startup::Sample);
    frames.frame(&mut app, Vec::new());

    // Open: read + decode + outline + stats, then the first frame with text on screen.
    let start = Instant::now();
    app.open_blocking(&path).expect("big file opens");
    let opened = start.elapsed();
    let first = frames.frame(&mut app, Vec::new());
    let readable = start.elapsed();
    let nodes = app.current.as_ref().map_or(0, |d| d.outline.nodes.len());
    println!(
        "open {:.1} MB: document + outline {:.0} ms, first frame {:.0} ms, readable after {:.0} ms ({nodes} outline nodes)",
        std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1e6),
        ms(opened),
        ms(first),
        ms(readable)
    );

    // Scroll: the wheel every frame, PageDown every 8th frame.
    let pointer = Pos2::new(900.0, 450.0);
    let count = if quick { 60 } else { 3000 };
    scroll(&mut frames, &mut app, pointer, count, "");

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
    scroll(
        &mut frames,
        &mut app,
        pointer,
        count,
        " with 10,000 highlights",
    );
    jumps(&mut frames, &mut app, pointer, nodes, quick);
    find(&mut frames, &mut app);
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
            if app.find.is_current() && !app.find.is_searching() {
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
            app.find.matches.len(),
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
        app.push(Command::JumpToNode(node));
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
