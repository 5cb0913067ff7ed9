//! JSON for other tools, in the versioned schema of `docs/export-formats.md`.

use serde::Serialize;

use super::report::{Item, Report, format_time};
use super::{ExportError, Format};
use crate::annotate::{AnchorState, Annotation, Kind, Mark};
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
    filter: JsonFilter<'a>,
    count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    with_highlights: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nodes: Option<Vec<JsonNode<'a>>>,
    annotations: Vec<JsonAnnotation<'a>>,
}

#[derive(Serialize)]
struct JsonFilter<'a> {
    colors: Vec<&'static str>,
    tags: Vec<String>,
    notes_only: bool,
    /// Absent when no text was asked for (added in schema 1 without a bump: old readers
    /// ignore it).
    #[serde(skip_serializing_if = "str::is_empty")]
    query: &'a str,
    /// The range the annotations were taken from, absent for the whole document.
    #[serde(skip_serializing_if = "Option::is_none")]
    within: Option<[usize; 2]>,
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

/// One annotation as JSON: the one record of the JSON export and of `pizhu notes --format
/// json`.
#[derive(Serialize)]
pub(crate) struct JsonAnnotation<'a> {
    /// A string: ids use all 64 bits, more than a JSON number keeps exactly in most readers.
    id: String,
    kind: &'static str,
    /// How it was placed in the current text (`fuzzy` and `ambiguous` stay until the user
    /// confirms the place in the window).
    state: &'static str,
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

impl<'a> JsonAnnotation<'a> {
    /// The record of `a`, in section `section` (labels, outermost first; empty before the
    /// first heading and when unplaced), with its `tags` (tag field, then the note's), at
    /// `permille` of the document, times shown at `utc_offset_seconds`.
    pub(crate) fn new(
        a: &'a Annotation,
        section: &'a [String],
        tags: &'a [String],
        permille: u32,
        utc_offset_seconds: i32,
    ) -> Self {
        let highlight = a.kind == Kind::Highlight;
        JsonAnnotation {
            id: a.id.to_string(),
            kind: kind_name(a.kind),
            state: state_name(a.state),
            color: highlight.then(|| a.color.name()),
            mark: highlight.then_some(mark_name(a.mark)),
            placed: a.is_placed(),
            section,
            quote: &a.quote,
            note: &a.note,
            tags,
            start: a.range.start,
            end: a.range.end,
            percent: f64::from(permille) / 10.0,
            created: format_time(a.created_ms, utc_offset_seconds, true),
            modified: format_time(a.modified_ms, utc_offset_seconds, true),
            created_ms: a.created_ms,
            modified_ms: a.modified_ms,
        }
    }
}

/// How an annotation was placed, as the JSON and `pizhu notes` name it.
pub(crate) fn state_name(state: AnchorState) -> &'static str {
    match state {
        AnchorState::Exact => "placed",
        AnchorState::Moved => "moved",
        AnchorState::Fuzzy => "fuzzy",
        AnchorState::Ambiguous => "ambiguous",
        AnchorState::Unplaced => "unplaced",
    }
}

/// A kind as the JSON and `pizhu notes` name it.
pub(crate) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Highlight => "highlight",
        Kind::SectionNote => "section_note",
    }
}

/// A mark as the JSON and `pizhu notes` name it.
pub(crate) fn mark_name(mark: Mark) -> &'static str {
    match mark {
        Mark::Fill => "fill",
        Mark::Underline => "underline",
    }
}

fn annotation<'a>(r: &Report, item: &'a Item) -> JsonAnnotation<'a> {
    JsonAnnotation::new(
        item.a,
        &item.path,
        &item.tags,
        item.permille,
        r.utc_offset_seconds,
    )
}

/// Serialise plain data as pretty JSON with a final line break.
pub(crate) fn to_json_line<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}

/// A collection of many documents' annotations as JSON (`content: "collection"`).
#[derive(Serialize)]
struct CollectionExport<'a> {
    schema_version: u32,
    content: &'static str,
    title: &'a str,
    exported_at: &'a str,
    grouped: bool,
    /// The filter in words, as the caller put it; absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<&'a str>,
    count: usize,
    documents: Vec<CollectedDocument<'a>>,
    annotations: Vec<CollectedAnnotation<'a>>,
}

#[derive(Serialize)]
struct CollectedDocument<'a> {
    title: &'a str,
    source_file: Option<&'a str>,
    chars: usize,
    count: usize,
}

/// An annotation of a collection (and of `pizhu notes --all --format json`): the one
/// annotation record, and its document (by index into `documents`).
#[derive(Serialize)]
pub(crate) struct CollectedAnnotation<'a> {
    pub document: usize,
    #[serde(flatten)]
    pub annotation: JsonAnnotation<'a>,
}

/// A collection report as JSON.
fn render_collection(
    r: &Report,
    grouped: bool,
    filter: Option<&str>,
) -> Result<Vec<u8>, ExportError> {
    let value = CollectionExport {
        schema_version: SCHEMA_VERSION,
        content: "collection",
        title: r.title,
        exported_at: r.exported_at,
        grouped,
        filter,
        count: r.count,
        documents: r
            .docs
            .iter()
            .map(|d| CollectedDocument {
                title: d.title,
                source_file: d.source_file,
                chars: d.chars,
                count: d.count,
            })
            .collect(),
        annotations: r
            .sections
            .iter()
            .flat_map(|s| s.items.iter())
            .map(|item| CollectedAnnotation {
                document: item.doc.unwrap_or_default(),
                annotation: annotation(r, item),
            })
            .collect(),
    };
    let mut bytes =
        serde_json::to_vec_pretty(&value).map_err(|e| ExportError::build(Format::Json, e))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The report as JSON.
pub(crate) fn render(r: &Report) -> Result<Vec<u8>, ExportError> {
    if let Some(c) = &r.collection {
        let filter = c.filter_summary.as_deref().filter(|f| !f.trim().is_empty());
        return render_collection(r, c.grouped, filter);
    }
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
                        NodeKind::Topic => "topic",
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
            query: r.filter.query.trim(),
            within: r.filter.within.map(|w| [w.start, w.end]),
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
