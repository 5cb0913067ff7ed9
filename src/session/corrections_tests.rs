//! The session's outline corrections: one structural and one rename correction per line,
//! promote/demote folded into a heading's level, removing a correction, undo.

use super::{Action, Effect, Session};
use crate::document::{Document, SourceFormat};
use crate::outline::corrections::Change;

const TEXT: &str = "关于做好某项工作的通知\n\n一、总体要求\n\n做好工作意义重大。\n\n二、主要任务\n\n加强组织领导\n\n各地要高度重视。\n\n三、保障措施\n\n抓好落实。\n";

fn session() -> Session {
    Session::new(
        Document::from_text(TEXT.to_owned(), "UTF-8", SourceFormat::Text),
        None,
        "通知.txt".into(),
    )
}

fn at(s: &Session, text: &str) -> usize {
    s.doc
        .char_of_byte(s.doc.text.find(text).expect("in the text"))
}

fn node(s: &Session, title: &str) -> usize {
    s.outline
        .nodes
        .iter()
        .position(|n| n.title == title)
        .unwrap_or_else(|| panic!("{title}"))
}

fn changes(s: &Session) -> Vec<Change> {
    s.notes
        .set
        .corrections()
        .iter()
        .filter_map(|c| c.change.clone())
        .collect()
}

#[test]
fn one_structural_correction_per_line_and_shifts_fold_into_a_heading_level() {
    let mut s = session();
    let out = s.apply(
        Action::MakeHeading {
            at: at(&s, "组织"),
            level: 3,
        },
        None,
    );
    assert!(out.contains(&Effect::OutlineChanged));
    let i = node(&s, "加强组织领导");
    assert_eq!(s.outline.nodes[i].depth, 3);
    assert!(s.node_corrected(i));
    // Promoting a heading the reader made changes its level, not a second correction.
    s.apply(Action::ShiftNode { node: i, by: -1 }, None);
    assert_eq!(s.outline.nodes[node(&s, "加强组织领导")].depth, 2);
    assert_eq!(
        changes(&s),
        [Change::Heading {
            level: Some(2),
            title: None
        }]
    );
    // Two demotions of an engine heading are one shift of 2; back to 0, no correction.
    let k = node(&s, "保障措施");
    s.apply(Action::ShiftNode { node: k, by: 1 }, None);
    let k = node(&s, "保障措施");
    s.apply(Action::ShiftNode { node: k, by: 1 }, None);
    assert_eq!(changes(&s).len(), 2);
    assert!(changes(&s).contains(&Change::Shift(2)));
    let k = node(&s, "保障措施");
    s.apply(Action::ShiftNode { node: k, by: -2 }, None);
    assert_eq!(changes(&s).len(), 1);
    assert_eq!(s.outline.nodes[node(&s, "保障措施")].depth, 1);
    // Not a heading on a line the reader made a heading: only the correction goes.
    s.apply(
        Action::NotHeading {
            at: at(&s, "加强组织"),
        },
        None,
    );
    assert!(changes(&s).is_empty());
    assert!(!s.outline.nodes.iter().any(|n| n.title == "加强组织领导"));
    // On an engine heading: a NotHeading correction.
    s.apply(
        Action::NotHeading {
            at: at(&s, "三、")
        },
        None,
    );
    assert_eq!(changes(&s), [Change::NotHeading]);
    assert!(!s.outline.nodes.iter().any(|n| n.title == "保障措施"));
    // Undo brings the node back.
    s.apply(Action::Undo, None);
    assert!(s.outline.nodes.iter().any(|n| n.title == "保障措施"));
}

#[test]
fn rename_and_clear() {
    let mut s = session();
    let i = node(&s, "总体要求");
    s.apply(
        Action::RenameNode {
            node: i,
            title: " 要求 ".into(),
        },
        None,
    );
    assert_eq!(s.outline.nodes[i].title, "要求");
    assert_eq!(changes(&s), [Change::Rename("要求".into())]);
    // The node's own title again: the rename goes.
    s.apply(
        Action::RenameNode {
            node: i,
            title: "总体要求".into(),
        },
        None,
    );
    assert!(changes(&s).is_empty());
    s.apply(
        Action::RenameNode {
            node: i,
            title: "要求".into(),
        },
        None,
    );
    s.apply(Action::ShiftNode { node: i, by: 1 }, None);
    assert_eq!(changes(&s).len(), 2);
    // Ctrl+Alt+0: every correction of the line.
    s.apply(
        Action::ClearCorrections {
            at: at(&s, "一、")
        },
        None,
    );
    assert!(changes(&s).is_empty());
    assert_eq!(s.outline.nodes[node(&s, "总体要求")].depth, 1);
    // Out-of-range nodes and positions change nothing.
    s.apply(Action::ShiftNode { node: 99, by: 1 }, None);
    s.apply(
        Action::MakeHeading {
            at: 1_000_000,
            level: 2,
        },
        None,
    );
    assert!(changes(&s).is_empty());
}

#[test]
fn rules_apply_before_corrections() {
    let mut s = session();
    s.set_rules(vec![crate::outline::corrections::Rule {
        name: "加强".into(),
        pattern: "^加强".into(),
        level: Some(2),
        ..Default::default()
    }]);
    let i = node(&s, "加强组织领导");
    assert_eq!(s.outline.nodes[i].depth, 2);
    assert!(!s.node_corrected(i));
    // Not a heading overrides the rule for this document.
    s.apply(
        Action::NotHeading {
            at: at(&s, "加强组织"),
        },
        None,
    );
    assert!(!s.outline.nodes.iter().any(|n| n.title == "加强组织领导"));
    assert_eq!(s.engine_outline().nodes.len(), 3);
}

/// A waker as the window's, whose calls arrive on the channel returned.
fn woken_by(s: &mut Session) -> std::sync::mpsc::Receiver<()> {
    let (tx, woken) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    s.set_waker(std::sync::Arc::new(move || {
        let _ = tx.lock().map(|t| t.send(()));
    }));
    woken
}

/// Wait (at most 10 s) for the window's waker, then poll.
fn poll_when_woken(s: &mut Session, woken: &std::sync::mpsc::Receiver<()>) -> Vec<Effect> {
    woken
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the worker wakes the window");
    s.poll()
}

#[test]
fn a_large_documents_outline_is_made_again_on_a_worker() {
    let mut s = session();
    // As if the document were over the size (the 10 MB file took 5-11 ms a correction).
    s.correct_later_chars = 0;
    let woken = woken_by(&mut s);
    let before = s.outline.clone();
    let out = s.apply(
        Action::MakeHeading {
            at: at(&s, "组织"),
            level: 2,
        },
        None,
    );
    // Not made in the call: the outline shown stays until the worker is done.
    assert!(!out.contains(&Effect::OutlineChanged));
    assert!(s.outline_pending());
    assert_eq!(s.outline, before);
    // The new correction is already known on its line (a second one there replaces it).
    let line = crate::outline::corrections::line_of(&s.doc, at(&s, "组织")).unwrap();
    assert_eq!(s.corrections_on_line(line).len(), 1);
    let generation = s.notes.set.generation();
    let out = poll_when_woken(&mut s, &woken);
    assert!(out.contains(&Effect::OutlineChanged), "{out:?}");
    assert!(!s.outline_pending());
    let i = node(&s, "加强组织领导");
    assert_eq!(s.outline.nodes[i].depth, 2);
    assert!(s.node_corrected(i));
    assert!(
        s.notes.set.generation() > generation,
        "the panel's sections remade"
    );
    // Two corrections in a row: the worker for the first is left, the outline is made for
    // both.
    s.apply(Action::ShiftNode { node: i, by: 1 }, None);
    s.apply(
        Action::NotHeading {
            at: at(&s, "三、")
        },
        None,
    );
    let mut shown = false;
    for _ in 0..4 {
        shown |= poll_when_woken(&mut s, &woken).contains(&Effect::OutlineChanged);
        if shown && !s.outline_pending() {
            break;
        }
    }
    assert!(shown);
    assert_eq!(s.outline.nodes[node(&s, "加强组织领导")].depth, 3);
    assert!(!s.outline.nodes.iter().any(|n| n.title == "保障措施"));
    assert_eq!(changes(&s).len(), 2);
    // Undo: the outline follows on the worker too.
    s.apply(Action::Undo, None);
    s.apply(Action::Undo, None);
    s.apply(Action::Undo, None);
    let mut out = Vec::new();
    while s.outline_pending() {
        out.extend(poll_when_woken(&mut s, &woken));
    }
    assert!(out.contains(&Effect::OutlineChanged));
    assert_eq!(s.outline, before);
}

#[test]
fn restoring_a_backup_brings_back_its_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("通知.txt");
    std::fs::write(&path, TEXT).unwrap();
    let data = dir.path().join("data");
    let mut s = Session::open(&path, Some(&data)).unwrap();
    s.apply(
        Action::MakeHeading {
            at: at(&s, "组织"),
            level: 2,
        },
        None,
    );
    s.notes.flush();
    // Removed again and saved: the notes file before (with the correction) is backup 1.
    s.apply(
        Action::ClearCorrections {
            at: at(&s, "组织")
        },
        None,
    );
    s.notes.flush();
    assert!(changes(&s).is_empty());
    assert!(!s.outline.nodes.iter().any(|n| n.title == "加强组织领导"));
    s.apply(Action::RestoreBackup, None);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut out = Vec::new();
    while !out.iter().any(|e| matches!(e, Effect::Restored(_))) {
        assert!(std::time::Instant::now() < deadline, "restored in time");
        std::thread::sleep(std::time::Duration::from_millis(5));
        out.extend(s.poll());
    }
    assert!(out.contains(&Effect::OutlineChanged), "{out:?}");
    let restored = out.iter().find_map(|e| match e {
        Effect::Restored(Some(r)) => Some((r.annotations, r.corrections)),
        _ => None,
    });
    assert_eq!(restored, Some((0, 1)), "what the banner says came back");
    assert_eq!(changes(&s).len(), 1);
    assert_eq!(s.outline.nodes[node(&s, "加强组织领导")].depth, 2);
    // Saved, and found by a new window.
    s.notes.flush();
    let again = Session::open(&path, Some(&data)).unwrap();
    assert!(
        again
            .outline
            .nodes
            .iter()
            .any(|n| n.title == "加强组织领导")
    );
    // One undo takes the restored correction away again.
    s.apply(Action::Undo, None);
    assert!(changes(&s).is_empty());
}

#[test]
fn new_rules_on_a_large_document_are_applied_on_workers() {
    let mut s = session();
    s.correct_later_chars = 0;
    let woken = woken_by(&mut s);
    let before = s.outline.clone();
    let rule = crate::outline::corrections::Rule {
        name: "加强".into(),
        pattern: "^加强".into(),
        level: Some(2),
        ..Default::default()
    };
    s.set_rules(vec![rule.clone()]);
    // Neither the rules' outline nor the one shown is made in the call.
    assert!(s.ruled_task.is_some());
    assert!(s.outline_pending());
    assert_eq!(s.outline, before);
    let mut shown = false;
    for _ in 0..4 {
        shown |= poll_when_woken(&mut s, &woken).contains(&Effect::OutlineChanged);
        if shown && !s.outline_pending() && s.ruled_task.is_none() {
            break;
        }
    }
    assert!(shown);
    assert_eq!(s.outline.nodes[node(&s, "加强组织领导")].depth, 2);
    assert!(s.ruled.nodes.iter().any(|n| n.title == "加强组织领导"));
    // A correction made at once after new rules starts from them: "not a heading" on the
    // rule's heading is a correction (the rules' outline was waited for), not nothing.
    s.set_rules(Vec::new());
    while s.ruled_task.is_some() || s.outline_pending() {
        poll_when_woken(&mut s, &woken);
    }
    assert!(!s.ruled.nodes.iter().any(|n| n.title == "加强组织领导"));
    s.set_rules(vec![rule]);
    assert!(s.ruled_task.is_some());
    s.apply(
        Action::NotHeading {
            at: at(&s, "加强组织"),
        },
        None,
    );
    assert!(s.ruled_task.is_none());
    assert_eq!(changes(&s).len(), 1, "{:?}", changes(&s));
}
