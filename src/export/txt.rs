//! Plain text in the manner of WeChat Read's note export: the section, then `◆ quote`, then
//! the note; the outline as an indented tree.

use std::fmt::Write as _;

use crate::outline::label::node_label;
use crate::outline::{NodeKind, Outline, OutlineNode};

use super::report::{Item, Report, Section, SectionKind};

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
            if let SectionKind::Document(_) = s.kind {
                // A collection's document stands out from the sections under it.
                let (open, close) = r.labels.title_quotes;
                let _ = writeln!(out, "{open}{}{close}", one_line(&s.label));
            } else {
                let _ = writeln!(out, "{}", one_line(&s.label));
            }
            for line in r.section_lines(s) {
                let _ = writeln!(out, "{line}");
            }
            out.push('\n');
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
    // Tags the note already shows as `#标签` are not written again.
    let tags = Report::extra_hashtags(item, str::to_owned);
    if !tags.is_empty() {
        let _ = writeln!(out, "{body}{}{}{tags}", l.tags, l.colon);
    }
}

/// One entry of the outline tree, with its annotations below it.
fn outline_entry(r: &Report, s: &Section, out: &mut String) {
    let indent = "  ".repeat(usize::from(s.depth.saturating_sub(1)));
    let text = match r.node(s) {
        Some(node) => node_text(node),
        None => one_line(&s.label),
    };
    let _ = writeln!(out, "{indent}{text}");
    let inner = format!("{indent}  ");
    for item in &s.items {
        annotation(r, item, &inner, out);
    }
}

/// One node of the outline tree on one line: the heading as written, a point as `· 一是：title`.
fn node_text(node: &OutlineNode) -> String {
    match node.kind {
        NodeKind::Heading => one_line(&node_label(node)),
        NodeKind::Point => format!("· {}：{}", node.marker, one_line(&node.title)),
        NodeKind::Topic => format!("▪ {}", one_line(&node.title)),
    }
}

/// The outline alone as an indented tree under the title (`pizhu outline`): the same lines
/// as the outline export, without its head lines.
pub fn outline_text(outline: &Outline) -> String {
    let mut out = String::new();
    if let Some(title) = &outline.title {
        let _ = writeln!(out, "{}", one_line(title));
    }
    // The document's metadata (文号, 主送机关, 成文日期 …), then a blank line.
    for m in &outline.metadata {
        let _ = writeln!(out, "{}：{}", one_line(&m.key), one_line(&m.value));
    }
    if !outline.metadata.is_empty() {
        out.push('\n');
    }
    for node in &outline.nodes {
        let indent = "  ".repeat(usize::from(node.depth.saturating_sub(1)));
        let _ = writeln!(out, "{indent}{}", node_text(node));
    }
    out
}
