//! JSON for other tools, in the versioned schema of `docs/export-formats.md`.

use serde::Serialize;

use super::report::{Item, Report};
use super::{ExportError, Format};
use crate::annotate::{Kind, Mark};
use crate::outline::NodeKind;

/// The schema's version; bumped on any change a reader could notice.
pub(crate) const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Export<'a> {
    schema_version: u32,
    content: &'static str,
    title: &'a str,
    source_file: Option<&'a str>,
    exported_at: &'a str,
    document_chars: usize,
    filter: JsonFilter,
    count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    with_highlights: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nodes: Option<Vec<JsonNode<'a>>>,
    annotations: Vec<JsonAnnotation<'a>>,
}

#[derive(Serialize)]
struct JsonFilter {
    colors: Vec<&'static str>,
    tags: Vec<String>,
    notes_only: bool,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    depth: u8,
    kind: &'static str,
    marker: &'a str,
    title: &'a str,
    label: &'a str,
    path: &'a [String],
    start: usize,
    end: usize,
    annotations: Vec<String>,
}

#[derive(Serialize)]
struct JsonAnnotation<'a> {
    /// A string: ids use all 64 bits, more than a JSON number keeps exactly in most readers.
    id: String,
    kind: &'static str,
    color: Option<&'static str>,
    mark: Option<&'static str>,
    placed: bool,
    section: &'a [String],
    quote: &'a str,
    note: &'a str,
    tags: &'a [String],
    start: usize,
    end: usize,
    percent: f64,
    created: String,
    modified: String,
    created_ms: i64,
    modified_ms: i64,
}

fn annotation<'a>(r: &Report, item: &'a Item) -> JsonAnnotation<'a> {
    let a = item.a;
    let highlight = a.kind == Kind::Highlight;
    JsonAnnotation {
        id: a.id.to_string(),
        kind: match a.kind {
            Kind::Highlight => "highlight",
            Kind::SectionNote => "section_note",
        },
        color: highlight.then(|| a.color.name()),
        mark: highlight.then_some(match a.mark {
            Mark::Fill => "fill",
            Mark::Underline => "underline",
        }),
        placed: item.placed(),
        section: &item.path,
        quote: &a.quote,
        note: &a.note,
        tags: &item.tags,
        start: a.range.start,
        end: a.range.end,
        percent: f64::from(item.permille) / 10.0,
        created: r.rfc3339(a.created_ms),
        modified: r.rfc3339(a.modified_ms),
        created_ms: a.created_ms,
        modified_ms: a.modified_ms,
    }
}

/// The report as JSON.
pub(crate) fn render(r: &Report) -> Result<Vec<u8>, ExportError> {
    let annotations = r
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(|item| annotation(r, item)))
        .collect();
    let nodes = r.is_outline().then(|| {
        r.sections
            .iter()
            .filter_map(|s| {
                let node = r.node(s)?;
                Some(JsonNode {
                    depth: node.depth,
                    kind: match node.kind {
                        NodeKind::Heading => "heading",
                        NodeKind::Point => "point",
                    },
                    marker: &node.marker,
                    title: &node.title,
                    label: &s.label,
                    path: &s.path,
                    start: node.range.start,
                    end: node.range.end,
                    annotations: s.items.iter().map(|i| i.a.id.to_string()).collect(),
                })
            })
            .collect()
    });
    let value = Export {
        schema_version: SCHEMA_VERSION,
        content: if r.is_outline() {
            "outline"
        } else {
            "annotations"
        },
        title: r.title,
        source_file: r.source_file,
        exported_at: r.exported_at,
        document_chars: r.doc_chars,
        filter: JsonFilter {
            colors: r.filter.colors.iter().map(|c| c.name()).collect(),
            tags: r
                .filter
                .tags
                .iter()
                .filter_map(|t| crate::annotate::clean_tag(t))
                .collect(),
            notes_only: r.filter.notes_only,
        },
        count: r.count,
        with_highlights: r.is_outline().then(|| r.shows_annotations()),
        nodes,
        annotations,
    };
    let mut bytes =
        serde_json::to_vec_pretty(&value).map_err(|e| ExportError::build(Format::Json, e))?;
    bytes.push(b'\n');
    Ok(bytes)
}
