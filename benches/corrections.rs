//! The outline made again after an outline correction (issue 14), as the window does it:
//! `Session::apply(MakeHeading)` then undo, on the bundled sample speech, the 4.5 MB text
//! and the ~10 MB GB18030 file (`support::big_file`). Thread CPU of each call (the UI
//! thread's cost; a busy machine does not count), best and median of 9, with 0 and 20
//! corrections already made; then on the 10 MB file in the window's way (a waker set: the
//! outline made on a worker), the UI thread's CPU in the call and in the poll that shows
//! the new outline. `cargo bench --bench corrections`.

use pizhu::document::Document;
use pizhu::session::{Action, Session};
use pizhu_benches::{big_file, ms, percentile, project, thread_cpu};
use std::time::Duration;

/// Char offsets of `n` body lines spread over the document (not headings now).
fn body_lines(s: &Session, n: usize) -> Vec<usize> {
    let doc = &s.doc;
    let headed: std::collections::HashSet<usize> = s.outline.nodes.iter().map(|n| n.line).collect();
    let candidates: Vec<usize> = (0..doc.lines.len())
        .filter(|&i| {
            let t = doc.line_text(&doc.lines[i]).trim();
            !headed.contains(&i) && t.chars().count() > 8
        })
        .collect();
    let step = (candidates.len() / (n + 1)).max(1);
    candidates
        .iter()
        .step_by(step)
        .skip(1)
        .take(n)
        .map(|&i| doc.lines[i].range.start)
        .collect()
}

fn cpu(f: impl FnOnce()) -> Duration {
    let start = thread_cpu().unwrap_or_default();
    f();
    thread_cpu().unwrap_or_default().saturating_sub(start)
}

fn measure(name: &str, doc: Document) {
    let mut s = Session::new(doc, None, name.to_owned());
    let places = body_lines(&s, 21);
    let Some((&probe, earlier)) = places.split_last() else {
        return;
    };
    for before in [0, 20] {
        for &at in &earlier[..before.min(earlier.len())] {
            s.apply(Action::MakeHeading { at, level: 2 }, None);
        }
        let mut make = Vec::new();
        let mut undo = Vec::new();
        for _ in 0..9 {
            make.push(cpu(|| {
                s.apply(
                    Action::MakeHeading {
                        at: probe,
                        level: 2,
                    },
                    None,
                );
            }));
            undo.push(cpu(|| {
                s.apply(Action::Undo, None);
            }));
        }
        make.sort();
        undo.sort();
        println!(
            "{name:>12} ({} lines, {} nodes), {before:>2} corrections before: make heading {:>7.2} ms best, {:>7.2} median; undo {:>7.2} best, {:>7.2} median",
            s.doc.lines.len(),
            s.outline.nodes.len(),
            ms(make[0]),
            ms(percentile(&make, 0.5)),
            ms(undo[0]),
            ms(percentile(&undo, 0.5)),
        );
    }
}

/// The same in the window (a waker set): the UI thread's CPU in `apply` and in the `poll`
/// that shows the outline the worker made.
fn measure_window(name: &str, doc: Document) {
    let mut s = Session::new(doc, None, name.to_owned());
    let (tx, woken) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    s.set_waker(std::sync::Arc::new(move || {
        let _ = tx.lock().map(|t| t.send(()));
    }));
    let Some(&probe) = body_lines(&s, 2).last() else {
        return;
    };
    let mut calls = Vec::new();
    let mut polls = Vec::new();
    for i in 0..18 {
        let action = if i % 2 == 0 {
            Action::MakeHeading {
                at: probe,
                level: 2,
            }
        } else {
            Action::Undo
        };
        calls.push(cpu(|| {
            s.apply(action, None);
        }));
        let mut poll = Duration::ZERO;
        while woken.recv_timeout(Duration::from_secs(30)).is_ok() {
            poll += cpu(|| {
                s.poll();
            });
            if !s.outline_pending() {
                break;
            }
        }
        polls.push(poll);
    }
    calls.sort();
    polls.sort();
    println!(
        "{name:>12} in the window: apply {:>6.2} ms best, {:>6.2} median, {:>6.2} worst; the poll that shows it {:>6.2} best, {:>6.2} median, {:>6.2} worst",
        ms(calls[0]),
        ms(percentile(&calls, 0.5)),
        ms(calls[calls.len() - 1]),
        ms(polls[0]),
        ms(percentile(&polls, 0.5)),
        ms(polls[polls.len() - 1]),
    );
}

fn main() {
    let sample = Session::sample();
    measure(
        "sample",
        Document::from_text(sample.doc.text.clone(), "UTF-8", sample.doc.format),
    );
    let medium = project().join("target/bench-data/big4.txt");
    if let Ok(doc) = Document::open(&medium) {
        measure("4.5 MB", doc);
    }
    match big_file().map(|p| Document::open(&p)) {
        Some(Ok(doc)) => {
            measure("10 MB", doc.clone());
            measure_window("10 MB", doc);
        }
        _ => eprintln!("skipped: no big file"),
    }
}
