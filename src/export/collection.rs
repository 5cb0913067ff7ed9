//! A collection: annotations of many documents (the notebook's selection, `pizhu export
//! --all`) in one export, each with its document and section path, grouped by document →
//! section or listed by day in the caller's order (newest first, say).
//!
//! It is rendered by the single-document renderers over the same [`Report`]: a document is a
//! first-level heading (with its source file under it), its section path the headings
//! below; the look, escaping and meta lines are theirs. Only the JSON has a record of its
//! own (`content: "collection"`, `docs/export-formats.md`).

use std::collections::HashMap;

use crate::annotate::{Annotation, Kind};
use crate::outline::Outline;

use super::labels::Labels;
use super::report::{
    CollectionHead, DocHead, Item, Report, Section, SectionKind, filter_words, format_time,
    permille,
};
use super::{Content, ExportError, Filter, Format, Lang};

/// One annotation of a collection, with what the export says of its document.
#[derive(Clone, Copy, Debug)]
pub struct CollectedNote<'a> {
    /// The document's title.
    pub doc_title: &'a str,
    /// The document's file (path or name), if known. Notes with the same title and source
    /// are of one document.
    pub source_file: Option<&'a str>,
    /// The document's length in chars, for where the annotation stands in percent (0:
    /// unknown, no percent shown).
    pub doc_chars: usize,
    /// The labels of its section and the section's ancestors, outermost first (empty before
    /// the first heading, and for one that could not be placed).
    pub section: &'a [String],
    /// The annotation.
    pub annotation: &'a Annotation,
}

/// What a collection export holds and how it is headed.
#[derive(Clone, Debug)]
pub struct Collection<'a> {
    /// The title at the head (`金句库`).
    pub title: &'a str,
    /// The annotations, in the order to show them (within a document and section when
    /// grouped). Section notes without a note carry nothing and are left out, as in every
    /// export.
    pub notes: Vec<CollectedNote<'a>>,
    /// Grouped by document (in the order documents first come) and section path; else one
    /// list in the order given, under a heading for each day.
    pub grouped: bool,
    /// When the export was made, already formatted by the caller (`2026-11-25 14:03`).
    pub exported_at: &'a str,
    /// Offset from UTC, in seconds, for showing creation and change times.
    pub utc_offset_seconds: i32,
    /// The filter that chose the annotations, in words (`#学习 · “减负” · 2026-01-01 起`),
    /// shown under the title; `None` when there is none.
    pub filter_summary: Option<String>,
}

/// Export the collection `c` as `format`, its added words in `lang`: the file's bytes.
pub fn export_collection(
    c: &Collection,
    lang: Lang,
    format: Format,
) -> Result<Vec<u8>, ExportError> {
    // A collection has no outline and no filter of its own (the caller chose the notes).
    let outline = Outline::default();
    super::render(&Report::collect(c, lang, &outline), format)
}

/// What chose a collection's annotations, in words, for [`Collection::filter_summary`]: the
/// annotation filter as every export writes it (`黄色 · #学习 · 仅含笔记 · “减负”`), then
/// the document pattern and the dates (`YYYY-MM-DD`, as the caller has them); `None` when
/// nothing was chosen.
pub fn filter_summary(
    filter: &Filter,
    doc: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    lang: Lang,
) -> Option<String> {
    let l = Labels::of(lang);
    let mut parts = filter_words(l, filter);
    let (open, close) = l.title_quotes;
    if let Some(doc) = doc.map(str::trim).filter(|d| !d.is_empty()) {
        parts.push(format!("{}{}{open}{doc}{close}", l.documents, l.colon));
    }
    let zh = lang == Lang::Zh;
    match (from, to) {
        (Some(from), Some(to)) if zh => parts.push(format!("{from} 至 {to}")),
        (Some(from), Some(to)) => parts.push(format!("{from} to {to}")),
        (Some(from), None) if zh => parts.push(format!("{from} 起")),
        (Some(from), None) => parts.push(format!("from {from}")),
        (None, Some(to)) if zh => parts.push(format!("至 {to}")),
        (None, Some(to)) => parts.push(format!("until {to}")),
        (None, None) => {}
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// Nothing filtered out (the caller's filter is in its summary).
static NO_FILTER: Filter = Filter {
    colors: Vec::new(),
    tags: Vec::new(),
    notes_only: false,
    query: String::new(),
    within: None,
};

/// Where an annotation goes within its document.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Place<'a> {
    /// Before the first heading.
    Opening,
    /// Under this section path.
    Path(&'a [String]),
    /// Not placed in the current text.
    Unplaced,
}

/// A document's annotations, by where they go, in the order each place first comes.
#[derive(Default)]
struct DocGroups<'a> {
    places: Vec<(Place<'a>, Vec<Item<'a>>)>,
    index: HashMap<Place<'a>, usize>,
}

impl<'a> Report<'a> {
    /// The report of a collection: documents as first-level sections (or days, when not
    /// grouped), their section paths below.
    pub(crate) fn collect(c: &Collection<'a>, lang: Lang, outline: &'a Outline) -> Self {
        let labels = Labels::of(lang);
        let mut docs: Vec<DocHead<'a>> = Vec::new();
        let mut doc_of: HashMap<(&'a str, Option<&'a str>), usize> = HashMap::new();
        let mut items = Vec::with_capacity(c.notes.len());
        for n in &c.notes {
            let a = n.annotation;
            if a.kind == Kind::SectionNote && a.note.trim().is_empty() {
                continue;
            }
            let doc = *doc_of
                .entry((n.doc_title, n.source_file))
                .or_insert_with(|| {
                    docs.push(DocHead {
                        title: n.doc_title,
                        // By name: an export of notes is shared, the folders on this
                        // computer are nobody else's business (notes of two files of one
                        // name stay two documents).
                        source_file: n.source_file.map(|f| super::shown_path(f, false)),
                        chars: n.doc_chars,
                        count: 0,
                    });
                    docs.len() - 1
                });
            docs[doc].count += 1;
            let item = Item {
                a,
                tags: a.all_tags(),
                path: n.section.to_vec(),
                permille: if n.doc_chars == 0 {
                    0
                } else {
                    permille(a.range.start, n.doc_chars)
                },
                doc: Some(doc),
            };
            items.push((item, n.section));
        }
        let count = items.len();
        let sections = if c.grouped {
            grouped(labels, &docs, items)
        } else {
            by_day(
                c.utc_offset_seconds,
                items.into_iter().map(|(item, _)| item),
            )
        };
        Report {
            labels,
            title: c.title,
            source_file: None,
            exported_at: c.exported_at,
            doc_chars: 0,
            utc_offset_seconds: c.utc_offset_seconds,
            content: Content::Annotations,
            filter: &NO_FILTER,
            outline,
            count,
            sections,
            docs,
            collection: Some(CollectionHead {
                grouped: c.grouped,
                filter_summary: c.filter_summary.clone(),
            }),
        }
    }
}

/// Documents in the order they first come; in each, the annotations before the first
/// heading, then each section path (its headings that differ from the path before it, so
/// a parent is not repeated above each child), then those not placed.
fn grouped<'a>(
    labels: &Labels,
    docs: &[DocHead<'a>],
    items: Vec<(Item<'a>, &'a [String])>,
) -> Vec<Section<'a>> {
    let mut by_doc: Vec<DocGroups<'a>> = (0..docs.len()).map(|_| DocGroups::default()).collect();
    for (item, section) in items {
        let place = if !item.placed() {
            Place::Unplaced
        } else if section.is_empty() {
            Place::Opening
        } else {
            Place::Path(section)
        };
        let groups = &mut by_doc[item.doc.unwrap_or_default()];
        let at = *groups.index.entry(place.clone()).or_insert_with(|| {
            groups.places.push((place, Vec::new()));
            groups.places.len() - 1
        });
        groups.places[at].1.push(item);
    }
    let mut sections = Vec::new();
    for (d, mut groups) in by_doc.into_iter().enumerate() {
        let title = docs[d].title.to_owned();
        sections.push(Section {
            kind: SectionKind::Document(d),
            depth: 1,
            label: title.clone(),
            path: vec![title],
            items: Vec::new(),
        });
        // The opening first and the unplaced last, whatever order they came in.
        groups.places.sort_by_key(|(place, _)| match place {
            Place::Opening => 0,
            Place::Path(_) => 1,
            Place::Unplaced => 2,
        });
        let mut previous: &[String] = &[];
        for (place, items) in groups.places {
            let path = match place {
                Place::Opening | Place::Unplaced => {
                    let (kind, label) = if place == Place::Opening {
                        (SectionKind::Opening, labels.opening)
                    } else {
                        (SectionKind::Unplaced, labels.unplaced)
                    };
                    sections.push(Section {
                        kind,
                        depth: 2,
                        label: label.to_owned(),
                        path: vec![label.to_owned()],
                        items,
                    });
                    previous = &[];
                    continue;
                }
                Place::Path(path) => path,
            };
            // The headings this path does not share with the one before (at least its own).
            let shared = previous
                .iter()
                .zip(path)
                .take_while(|(a, b)| a == b)
                .count()
                .min(path.len() - 1);
            for j in shared..path.len() {
                sections.push(Section {
                    kind: SectionKind::Group,
                    depth: u8::try_from(j + 2).unwrap_or(u8::MAX),
                    label: path[j].clone(),
                    path: path[..=j].to_vec(),
                    items: Vec::new(),
                });
            }
            if let Some(own) = sections.last_mut() {
                own.items = items;
            }
            previous = path;
        }
    }
    sections
}

/// The items in the order given, under a heading for each day they were made on (a new
/// heading whenever the day changes).
fn by_day<'a>(offset_seconds: i32, items: impl Iterator<Item = Item<'a>>) -> Vec<Section<'a>> {
    let mut sections: Vec<Section<'a>> = Vec::new();
    for item in items {
        let time = format_time(item.a.created_ms, offset_seconds, false);
        let day = time.get(..10).unwrap_or("—").to_owned();
        match sections.last_mut() {
            Some(s) if s.label == day => s.items.push(item),
            _ => sections.push(Section {
                kind: SectionKind::Group,
                depth: 1,
                label: day.clone(),
                path: vec![day],
                items: vec![item],
            }),
        }
    }
    sections
}
