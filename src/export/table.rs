//! CSV, UTF-8 with a byte-order mark so Excel and WPS read Chinese correctly: one row per
//! annotation, or one row per outline node (and per annotation under it).

use super::report::{Item, Report, Section, SectionKind};
use super::{ExportError, Format};
use crate::outline::NodeKind;

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The report as CSV.
pub(crate) fn render(r: &Report) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let fail = |e: csv::Error| ExportError::build(Format::Csv, e);
    if r.is_outline() {
        w.write_record(r.labels.csv_outline).map_err(fail)?;
        for s in &r.sections {
            if let Some(row) = node_row(r, s) {
                w.write_record(&row).map_err(fail)?;
            }
            for item in &s.items {
                w.write_record(item_row(r, s, item)).map_err(fail)?;
            }
        }
    } else if r.collection.is_some() {
        let l = r.labels;
        w.write_record(l.csv_collection.iter().chain(&l.csv_annotations))
            .map_err(fail)?;
        for s in &r.sections {
            for item in &s.items {
                let doc = item.doc.and_then(|d| r.docs.get(d));
                let head = [
                    cell(doc.map_or("", |d| d.title)),
                    cell(doc.and_then(|d| d.source_file).unwrap_or_default()),
                ];
                let row = head.into_iter().chain(annotation_row(r, s, item));
                w.write_record(row).map_err(fail)?;
            }
        }
    } else {
        w.write_record(r.labels.csv_annotations).map_err(fail)?;
        for s in &r.sections {
            for item in &s.items {
                w.write_record(annotation_row(r, s, item)).map_err(fail)?;
            }
        }
    }
    w.into_inner()
        .map_err(|e| ExportError::build(Format::Csv, e.error()))
}

/// A text cell that a spreadsheet would take for a formula (`=`, `+`, `-`, `@` first) gets a
/// leading `'`, so it shows as text and runs nothing.
pub(crate) fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// The section column: the path, or the group's name (opening, unplaced).
fn section_cell(r: &Report, s: &Section, item: &Item) -> String {
    if !item.path.is_empty() {
        item.path.join(" › ")
    } else if r.collection.is_some() {
        // A collection's sections are documents, sections and days: name the group.
        let l = r.labels;
        (if item.placed() { l.opening } else { l.unplaced }).to_owned()
    } else {
        s.label.clone()
    }
}

/// One annotation of the annotations table.
fn annotation_row(r: &Report, s: &Section, item: &Item) -> Vec<String> {
    let l = r.labels;
    let a = item.a;
    let (kind, color, mark) = if item.is_section_note() {
        (l.section_note, "", "")
    } else {
        (l.highlight, l.color(a.color), l.mark(a.mark))
    };
    vec![
        cell(&section_cell(r, s, item)),
        kind.to_owned(),
        cell(&a.quote),
        cell(&a.note),
        color.to_owned(),
        mark.to_owned(),
        cell(&Report::hashtags(item)),
        r.local_time(a.created_ms),
        r.local_time(a.modified_ms),
        a.range.start.to_string(),
        a.range.end.to_string(),
        super::labels::format_permille(item.permille),
        id_cell(a.id),
    ]
}

/// An annotation's id as a cell every spreadsheet keeps as text: `="15234234234234234234"`.
/// A bare 20-digit number would be read as a number and shown as `1.52342E+19`, its last
/// digits lost; Excel, WPS and LibreOffice read this constant formula as the digits
/// themselves (`tests/export.rs` reads it back through LibreOffice).
fn id_cell(id: u64) -> String {
    format!("=\"{id}\"")
}

/// The row of an outline node (none for the opening and unplaced groups).
fn node_row(r: &Report, s: &Section) -> Option<Vec<String>> {
    let node = r.node(s)?;
    let kinds = r.labels.csv_row_kinds;
    let kind = match node.kind {
        NodeKind::Heading => kinds[0],
        NodeKind::Point | NodeKind::Topic => kinds[1],
    };
    Some(vec![
        node.depth.to_string(),
        kind.to_owned(),
        cell(&node.marker),
        cell(&node.title),
        cell(&s.path.join(" › ")),
        node.range.start.to_string(),
        node.range.end.to_string(),
        String::new(),
    ])
}

/// The row of an annotation under an outline node, one level deeper.
fn item_row(r: &Report, s: &Section, item: &Item) -> Vec<String> {
    let kinds = r.labels.csv_row_kinds;
    let depth = match s.kind {
        SectionKind::Node(_) | SectionKind::Document(_) | SectionKind::Group => {
            s.depth.saturating_add(1)
        }
        SectionKind::Opening | SectionKind::Unplaced => 1,
    };
    let kind = if item.is_section_note() {
        kinds[3]
    } else {
        kinds[2]
    };
    vec![
        depth.to_string(),
        kind.to_owned(),
        String::new(),
        cell(&item.a.quote),
        cell(&section_cell(r, s, item)),
        item.a.range.start.to_string(),
        item.a.range.end.to_string(),
        cell(&item.a.note),
    ]
}
