//! Markdown: sections as headings, quotes as blockquotes, notes as text, tags as `#tag`
//! (pastes cleanly into Obsidian); the outline as a nested list.

use std::fmt::Write as _;

use crate::outline::label::node_label;
use crate::outline::{NodeKind, Outline, OutlineNode};

use super::report::{Item, Report, Section};

/// The report as Markdown.
pub(crate) fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(r.title, false));
    for line in r.header_lines() {
        let _ = writeln!(out, "- {}", escape(&line, false));
    }
    if r.is_outline() {
        out.push('\n');
        for s in &r.sections {
            outline_entry(r, s, &mut out);
        }
    } else {
        for s in &r.sections {
            let level = (usize::from(s.depth) + 1).min(6);
            let _ = writeln!(out, "\n{} {}", "#".repeat(level), escape(&s.label, false));
            for line in r.section_lines(s) {
                let _ = writeln!(out, "\n{}", escape(&line, false));
            }
            for item in &s.items {
                out.push('\n');
                annotation(r, item, &mut out);
            }
        }
    }
    out
}

/// One annotation: quote (blockquote), what and where, note, tags.
fn annotation(r: &Report, item: &Item, out: &mut String) {
    if !item.is_section_note() {
        let quote = escape(&item.a.quote, false);
        for line in with_breaks(&quote.split('\n').collect::<Vec<_>>()) {
            if line.is_empty() {
                out.push_str(">\n");
            } else {
                let _ = writeln!(out, "> {line}");
            }
        }
        out.push('\n');
    }
    // A collection's meta line names documents and sections: text like any other.
    let _ = writeln!(out, "*{}*", escape(&r.meta(item), false));
    let note = item.a.note.trim();
    if !note.is_empty() {
        let _ = writeln!(out);
        for line in with_breaks(&escape(note, true).split('\n').collect::<Vec<_>>()) {
            let _ = writeln!(out, "{line}");
        }
    }
    let tags = Report::extra_hashtags(item, tag_word);
    if !tags.is_empty() {
        let _ = writeln!(out, "\n{tags}");
    }
}

/// Lines of one block of text as Markdown keeps them: each line that another follows ends
/// in a hard break (two spaces), a run of blank lines becomes one (a new paragraph).
fn with_breaks(lines: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() {
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        if let Some(last) = out.last_mut().filter(|l| !l.is_empty()) {
            last.push_str("  ");
        }
        out.push(line.to_owned());
    }
    if out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// One entry of the outline list, with its annotations as items below it.
fn outline_entry(r: &Report, s: &Section, out: &mut String) {
    let indent = "  ".repeat(usize::from(s.depth.saturating_sub(1)));
    let text = match r.node(s) {
        Some(node) => node_text(node),
        None => escape(&s.label, false),
    };
    let _ = writeln!(out, "{indent}- {text}");
    for item in &s.items {
        let first = if item.is_section_note() {
            format!("{}{}", r.labels.section_note, r.labels.colon)
        } else {
            format!("◆ {}", escape(&item.a.quote, false))
        };
        let mut lines: Vec<String> = first.split('\n').map(str::to_owned).collect();
        let note = item.a.note.trim();
        if !note.is_empty() {
            let note = escape(note, true);
            if item.is_section_note() {
                let mut note_lines = note.split('\n');
                if let (Some(head), Some(first)) = (lines.first_mut(), note_lines.next()) {
                    head.push_str(first);
                }
                lines.extend(note_lines.map(str::to_owned));
            } else {
                lines.extend(note.split('\n').map(str::to_owned));
            }
        }
        let tags = Report::extra_hashtags(item, tag_word);
        if !tags.is_empty() {
            lines.push(tags);
        }
        // Continuation lines of one list item, indented under its text (a blank line in a
        // note stays: the item goes on after it), each line kept by a hard break.
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        for (i, line) in with_breaks(&lines).iter().enumerate() {
            if line.is_empty() {
                out.push('\n');
                continue;
            }
            let bullet = if i == 0 { "- " } else { "  " };
            let _ = writeln!(out, "{indent}  {bullet}{line}");
        }
    }
}

/// One node of the outline list, escaped: the heading as written, a point as `*一是*：title`.
fn node_text(node: &OutlineNode) -> String {
    match node.kind {
        NodeKind::Heading => escape(&node_label(node), false),
        NodeKind::Topic => format!("**{}**", escape(&node.title, false)),
        NodeKind::Point => format!(
            "*{}*：{}",
            escape(&node.marker, false),
            escape(&node.title, false)
        ),
    }
}

/// The outline alone as a nested Markdown list under the title as a heading (`pizhu outline
/// --format markdown`): the same entries as the outline export, without its head lines.
pub fn outline_markdown(outline: &Outline) -> String {
    let mut out = String::new();
    if let Some(title) = &outline.title {
        let _ = writeln!(out, "# {}\n", escape(title, false));
    }
    // The document's metadata as a quote block.
    for m in &outline.metadata {
        let _ = writeln!(
            out,
            "> {}：{}  ",
            escape(&m.key, false),
            escape(&m.value, false)
        );
    }
    if !outline.metadata.is_empty() {
        out.push('\n');
    }
    for node in &outline.nodes {
        let indent = "  ".repeat(usize::from(node.depth.saturating_sub(1)));
        let _ = writeln!(out, "{indent}- {}", node_text(node));
    }
    out
}

/// One word of a tag, escaped like any other text (a tag may hold `<script>` or `[x](y)`).
fn tag_word(word: &str) -> String {
    escape(word, false)
}

/// Markdown-escape `s` so it shows as written: inline syntax is escaped everywhere, block
/// syntax (`#`, `-`, `+`, `1.`) at line starts; leading spaces are dropped (they would make
/// code blocks). With `keep_hashtags`, a `#` inside a line stays (an Obsidian tag).
pub(crate) fn escape(s: &str, keep_hashtags: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (n, line) in s.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let line = line.trim_start_matches([' ', '\t']);
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        for (i, c) in line.chars().enumerate() {
            let escaped = match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '=' | '$' | '&' => {
                    true
                }
                // `#tag` starts no heading; `# ` and a lone `#` do.
                '#' => {
                    !keep_hashtags
                        || (i == 0
                            && matches!(line[1..].chars().next(), None | Some(' ' | '\t' | '#')))
                }
                '-' | '+' => i == 0,
                '.' | ')' => digits > 0 && i == digits,
                _ => false,
            };
            if escaped {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}
