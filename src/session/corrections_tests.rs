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
