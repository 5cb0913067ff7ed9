//! Plain text in the manner of WeChat Read's note export: the section, then `◆ quote`, then
//! the note; the outline as an indented tree.

use std::fmt::Write as _;

use crate::outline::NodeKind;

use super::report::{Item, Report, Section};

/// The report as plain text.
pub(crate) fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", one_line(r.title));
    for line in r.header_lines() {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    if r.is_outline() {
        for s in &r.sections {
            outline_entry(r, s, &mut out);
        }
    } else {
        for s in &r.sections {
            let _ = writeln!(out, "{}\n", one_line(&s.label));
            for item in &s.items {
                annotation(r, item, "", &mut out);
                out.push('\n');
            }
        }
    }
    out
}

/// Line breaks of a title or label turned into spaces.
fn one_line(s: &str) -> String {
    s.split('\n').collect::<Vec<_>>().join(" ")
}

/// One annotation, each line after `indent`: `◆ quote`, what and where, note, tags.
fn annotation(r: &Report, item: &Item, indent: &str, out: &mut String) {
    let l = r.labels;
    let body = format!("{indent}  ");
    if item.is_section_note() {
        let _ = writeln!(out, "{indent}◇ {}", r.meta(item));
    } else {
        for (i, line) in item.a.quote.split('\n').enumerate() {
            let lead = if i == 0 { "◆ " } else { "  " };
            let _ = writeln!(out, "{indent}{lead}{line}");
        }
        let _ = writeln!(out, "{body}{}", r.meta(item));
    }
    let note = item.a.note.trim();
    for (i, line) in note.lines().enumerate() {
        if i == 0 {
            let _ = writeln!(out, "{body}{}{}{line}", l.note, l.colon);
        } else {
            let _ = writeln!(out, "{body}{line}");
        }
    }
    if !item.tags.is_empty() {
        let _ = writeln!(out, "{body}{}{}{}", l.tags, l.colon, Report::hashtags(item));
    }
}

/// One entry of the outline tree, with its annotations below it.
fn outline_entry(r: &Report, s: &Section, out: &mut String) {
    let indent = "  ".repeat(usize::from(s.depth.saturating_sub(1)));
    match r.node(s) {
        Some(node) if node.kind == NodeKind::Point => {
            let _ = writeln!(out, "{indent}· {}：{}", node.marker, one_line(&node.title));
        }
        _ => {
            let _ = writeln!(out, "{indent}{}", one_line(&s.label));
        }
    }
    let inner = format!("{indent}  ");
    for item in &s.items {
        annotation(r, item, &inner, out);
    }
}
