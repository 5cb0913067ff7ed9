//! The command line's listings: `pizhu outline --format json` and `pizhu notes` as text
//! and JSON (the schemas are in the README). The command line only gathers what they show.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::json::{JsonAnnotation, kind_name, mark_name, state_name, to_json_line};
use crate::annotate::{Annotation, AnnotationSet};
use crate::document::Document;
use crate::outline::label::{PATH_SEPARATOR, node_path_in, section_path_in};
use crate::outline::{NodeKind, Outline};

/// Plain data as a JSON text with a final line break.
fn json_line<T: Serialize>(value: &T) -> String {
    // Serialising plain data structs cannot fail.
    to_json_line(value).unwrap_or_default()
}

#[derive(Serialize)]
struct JsonOutline<'a> {
    title: Option<&'a str>,
    encoding: &'a str,
    chars: usize,
    nodes: Vec<JsonNode<'a>>,
    placeholders: Vec<JsonPlaceholder<'a>>,
    boilerplate: Vec<JsonRange>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    depth: u8,
    kind: NodeKind,
    marker: &'a str,
    title: &'a str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonPlaceholder<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonRange {
    start: usize,
    end: usize,
}

/// The outline as JSON with char offsets (`pizhu outline --format json`).
pub fn outline_json(doc: &Document, outline: &Outline) -> String {
    let value = JsonOutline {
        title: outline.title.as_deref(),
        encoding: &doc.encoding,
        chars: doc.char_count,
        nodes: outline
            .nodes
            .iter()
            .map(|n| JsonNode {
                depth: n.depth,
                kind: n.kind,
                marker: &n.marker,
                title: &n.title,
                start: n.range.start,
                end: n.range.end,
            })
            .collect(),
        placeholders: outline
            .placeholders
            .iter()
            .map(|p| JsonPlaceholder {
                text: &p.text,
                start: p.range.start,
                end: p.range.end,
            })
            .collect(),
        boilerplate: outline
            .boilerplate
            .iter()
            .map(|b| JsonRange {
                start: b.range.start,
                end: b.range.end,
            })
            .collect(),
    };
    json_line(&value)
}

/// A quote as shown on one line (line breaks as `↵`).
pub fn one_line_quote(quote: &str) -> String {
    quote.replace('\n', "↵")
}

/// The listing of `pizhu notes`: annotations under their section paths, unplaced ones last.
pub fn notes_text(title: &str, outline: &Outline, set: &AnnotationSet) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{title}");
    let items = set.items();
    let unplaced = items.iter().filter(|a| !a.is_placed()).count();
    if items.is_empty() {
        let _ = writeln!(out, "没有批注 (no annotations)");
        return out;
    }
    let _ = write!(out, "{} 条批注 ({} annotations)", items.len(), items.len());
    if unplaced > 0 {
        let _ = write!(out, "，{unplaced} 条未能定位 ({unplaced} unplaced)");
    }
    out.push('\n');
    let index = outline.index();
    // The node of the annotation before and its section path (labels are made only when
    // the node changes; two nodes with the same labels share one heading, as before).
    let mut current: Option<(Option<usize>, Vec<String>)> = None;
    for a in items.iter().filter(|a| a.is_placed()) {
        let node = index.node_at(a.range.start);
        if current.as_ref().is_none_or(|(n, _)| *n != node) {
            let path = node.map_or_else(Vec::new, |i| node_path_in(&index, i));
            if current.as_ref().is_none_or(|(_, p)| *p != path) {
                let heading = if path.is_empty() {
                    "开头 (before the first heading)".to_owned()
                } else {
                    path.join(PATH_SEPARATOR)
                };
                let _ = writeln!(out, "\n{heading}");
            }
            current = Some((node, path));
        }
        annotation_text(&mut out, a);
    }
    if unplaced > 0 {
        let _ = writeln!(out, "\n未能定位 (unplaced)");
        for a in items.iter().filter(|a| !a.is_placed()) {
            annotation_text(&mut out, a);
        }
    }
    out
}

/// One annotation of the text listing: quote, what it is, note, tags.
fn annotation_text(out: &mut String, a: &Annotation) {
    let _ = writeln!(out, "  「{}」", one_line_quote(&a.quote));
    let at = if a.is_placed() {
        "chars"
    } else {
        "was at chars"
    };
    let _ = writeln!(
        out,
        "    {} {} {} · {} · {at} {}–{}",
        a.color.name(),
        mark_name(a.mark),
        kind_name(a.kind).replace('_', " "),
        state_name(a.state),
        a.range.start,
        a.range.end
    );
    for (i, line) in a.note.lines().enumerate() {
        let label = if i == 0 { "note:" } else { "     " };
        let _ = writeln!(out, "    {label} {line}");
    }
    let tags = a.all_tags();
    if !tags.is_empty() {
        let _ = writeln!(out, "    tags: {}", tags.join(", "));
    }
}

/// The document a `pizhu notes --format json` listing is of, and where its notes are.
#[derive(Clone, Copy, Debug)]
pub struct NotesDocument<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its file (absolute).
    pub path: &'a Path,
    /// Fingerprint of its normalised text.
    pub fingerprint: &'a str,
    /// Its notes file.
    pub store: &'a Path,
}

#[derive(Serialize)]
struct JsonNotes<'a> {
    document: JsonDocument<'a>,
    annotations: Vec<JsonAnnotation<'a>>,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    title: &'a str,
    path: String,
    fingerprint: &'a str,
    chars: usize,
    store: String,
}

/// The listing of `pizhu notes --format json`: `items` of `doc`, with their section paths,
/// times shown at `utc_offset_seconds`.
pub fn notes_json(
    document: &NotesDocument<'_>,
    doc: &Document,
    outline: &Outline,
    items: &[Annotation],
    utc_offset_seconds: i32,
) -> String {
    let index = outline.index();
    let sections: Vec<Vec<String>> = items
        .iter()
        .map(|a| {
            if a.is_placed() {
                section_path_in(&index, a.range.start)
            } else {
                Vec::new()
            }
        })
        .collect();
    let tags: Vec<Vec<String>> = items.iter().map(Annotation::all_tags).collect();
    let value = JsonNotes {
        document: JsonDocument {
            title: document.title,
            path: document.path.to_string_lossy().into_owned(),
            fingerprint: document.fingerprint,
            chars: doc.char_count,
            store: document.store.to_string_lossy().into_owned(),
        },
        annotations: items
            .iter()
            .zip(&sections)
            .zip(&tags)
            .map(|((a, section), tags)| {
                let permille = super::permille(a.range.start, doc.char_count);
                JsonAnnotation::new(a, section, tags, permille, utc_offset_seconds)
            })
            .collect(),
    };
    json_line(&value)
}
