//! The command line's listings: `pizhu outline --format json` and `pizhu notes` as text
//! and JSON (the schemas are in the README). The command line only gathers what they show.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::json::{
    CollectedAnnotation, JsonAnnotation, kind_name, mark_name, state_name, to_json_line,
};
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
    /// Document metadata (文号, 主送机关, a gov.cn block, YAML front matter …).
    metadata: Vec<JsonMetadata<'a>>,
    /// Where a table of contents stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    contents: Option<JsonRange>,
}

#[derive(Serialize)]
struct JsonMetadata<'a> {
    key: &'a str,
    value: &'a str,
    start: usize,
    end: usize,
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
        metadata: outline
            .metadata
            .iter()
            .map(|m| JsonMetadata {
                key: &m.key,
                value: &m.value,
                start: m.range.start,
                end: m.range.end,
            })
            .collect(),
        contents: outline.contents.map(|c| JsonRange {
            start: c.start,
            end: c.end,
        }),
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
                    OPENING.to_owned()
                } else {
                    path.join(PATH_SEPARATOR)
                };
                let _ = writeln!(out, "\n{heading}");
            }
            current = Some((node, path));
        }
        annotation_text(&mut out, a, "");
    }
    if unplaced > 0 {
        let _ = writeln!(out, "\n{UNPLACED}");
        for a in items.iter().filter(|a| !a.is_placed()) {
            annotation_text(&mut out, a, "");
        }
    }
    out
}

/// The heading of annotations before the first heading in the listings.
const OPENING: &str = "开头 (before the first heading)";
/// The heading of annotations that could not be placed in the listings.
const UNPLACED: &str = "未能定位 (unplaced)";

/// A document of `pizhu notes --all`.
#[derive(Clone, Copy, Debug)]
pub struct ListedDocument<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its file, if known.
    pub path: Option<&'a Path>,
    /// Fingerprint of its text (its store's name).
    pub fingerprint: &'a str,
    /// Its notes file.
    pub store: &'a Path,
    /// Its length in chars (0: unknown).
    pub chars: usize,
    /// `present`, `missing`, `changed` or `unknown`: whether its file is where it was.
    pub status: &'a str,
}

/// An annotation of `pizhu notes --all`: its document (index into the documents), section
/// path and itself.
#[derive(Clone, Copy, Debug)]
pub struct ListedNote<'a> {
    /// Index into the documents.
    pub doc: usize,
    /// Labels of its section and the section's ancestors (empty before the first heading
    /// and when unplaced).
    pub section: &'a [String],
    /// The annotation.
    pub annotation: &'a Annotation,
}

/// The listing of `pizhu notes --all`: documents in the order their first annotation comes,
/// each with its annotations under their section paths (in the order given), those not
/// placed last.
pub fn notes_all_text(docs: &[ListedDocument<'_>], notes: &[ListedNote<'_>]) -> String {
    let mut out = String::new();
    let mut order: Vec<usize> = Vec::new();
    let mut of_doc: Vec<Vec<&ListedNote>> = vec![Vec::new(); docs.len()];
    for n in notes {
        let Some(list) = of_doc.get_mut(n.doc) else {
            continue;
        };
        if list.is_empty() {
            order.push(n.doc);
        }
        list.push(n);
    }
    if notes.is_empty() {
        let _ = writeln!(out, "没有批注 (no annotations)");
        return out;
    }
    let (n, docs_n) = (notes.len(), order.len());
    let _ = writeln!(
        out,
        "{n} 条批注，{docs_n} 篇文档 ({n} annotation{} in {docs_n} document{})",
        if n == 1 { "" } else { "s" },
        if docs_n == 1 { "" } else { "s" }
    );
    for d in order {
        let doc = &docs[d];
        let _ = write!(out, "\n《{}》", doc.title.replace('\n', " "));
        match doc.path {
            Some(path) => {
                let _ = write!(out, " {}", path.display());
            }
            None => out.push_str(" (no file)"),
        }
        if !matches!(doc.status, "present" | "unknown") {
            let _ = write!(out, " ({})", doc.status);
        }
        out.push('\n');
        let (placed, unplaced): (Vec<&ListedNote>, Vec<&ListedNote>) =
            of_doc[d].iter().partition(|n| n.annotation.is_placed());
        let mut current: Option<&[String]> = None;
        for n in placed {
            if current != Some(n.section) {
                let heading = if n.section.is_empty() {
                    OPENING.to_owned()
                } else {
                    n.section.join(PATH_SEPARATOR)
                };
                let _ = writeln!(out, "  {heading}");
                current = Some(n.section);
            }
            annotation_text(&mut out, n.annotation, "  ");
        }
        if !unplaced.is_empty() {
            let _ = writeln!(out, "  {UNPLACED}");
            for n in unplaced {
                annotation_text(&mut out, n.annotation, "  ");
            }
        }
    }
    out
}

#[derive(Serialize)]
struct JsonAllNotes<'a> {
    documents: Vec<JsonListedDocument<'a>>,
    annotations: Vec<CollectedAnnotation<'a>>,
}

#[derive(Serialize)]
struct JsonListedDocument<'a> {
    title: &'a str,
    path: Option<String>,
    fingerprint: &'a str,
    chars: usize,
    store: String,
    status: &'a str,
    count: usize,
}

/// The listing of `pizhu notes --all --format json`: every document, and each annotation
/// (the record of the JSON export) with the index of its document, in the order given;
/// times shown at `utc_offset_seconds`.
pub fn notes_all_json(
    docs: &[ListedDocument<'_>],
    notes: &[ListedNote<'_>],
    utc_offset_seconds: i32,
) -> String {
    let tags: Vec<Vec<String>> = notes.iter().map(|n| n.annotation.all_tags()).collect();
    let mut counts = vec![0; docs.len()];
    for n in notes {
        if let Some(c) = counts.get_mut(n.doc) {
            *c += 1;
        }
    }
    let value = JsonAllNotes {
        documents: docs
            .iter()
            .zip(counts)
            .map(|(d, count)| JsonListedDocument {
                title: d.title,
                path: d.path.map(|p| p.to_string_lossy().into_owned()),
                fingerprint: d.fingerprint,
                chars: d.chars,
                store: d.store.to_string_lossy().into_owned(),
                status: d.status,
                count,
            })
            .collect(),
        annotations: notes
            .iter()
            .zip(&tags)
            .map(|(n, tags)| {
                let chars = docs.get(n.doc).map_or(0, |d| d.chars);
                let a = n.annotation;
                let permille = if chars == 0 {
                    0
                } else {
                    super::permille(a.range.start, chars)
                };
                CollectedAnnotation {
                    document: n.doc,
                    annotation: JsonAnnotation::new(
                        a,
                        n.section,
                        tags,
                        permille,
                        utc_offset_seconds,
                    ),
                }
            })
            .collect(),
    };
    json_line(&value)
}

/// One annotation of the text listing, each line after `indent`: quote, what it is, note,
/// tags.
fn annotation_text(out: &mut String, a: &Annotation, indent: &str) {
    let _ = writeln!(out, "{indent}  「{}」", one_line_quote(&a.quote));
    let at = if a.is_placed() {
        "chars"
    } else {
        "was at chars"
    };
    let _ = writeln!(
        out,
        "{indent}    {} {} {} · {} · {at} {}–{}",
        a.color.name(),
        mark_name(a.mark),
        kind_name(a.kind).replace('_', " "),
        state_name(a.state),
        a.range.start,
        a.range.end
    );
    for (i, line) in a.note.lines().enumerate() {
        let label = if i == 0 { "note:" } else { "     " };
        let _ = writeln!(out, "{indent}    {label} {line}");
    }
    let tags = a.all_tags();
    if !tags.is_empty() {
        let _ = writeln!(out, "{indent}    tags: {}", tags.join(", "));
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
