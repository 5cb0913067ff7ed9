//! The one model every format renders: the head of the file, then sections in document
//! order, each holding its annotations.

use std::collections::HashMap;

use crate::annotate::{Annotation, Kind, Mark};
use crate::document::TextRange;
use crate::outline::label::node_label;
use crate::outline::{Outline, OutlineIndex, OutlineNode};

use super::labels::Labels;
use super::{Content, Filter, Options, Source};

/// What a section of the report is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SectionKind {
    /// An outline node, by index.
    Node(usize),
    /// Annotations before the first heading.
    Opening,
    /// Annotations that could not be placed in the current text.
    Unplaced,
    /// A document of a collection, by index into [`Report::docs`].
    Document(usize),
    /// A heading known only by its label: a section of a collection's document, or a day
    /// of a collection listed newest first.
    Group,
}

/// One exported annotation with what the formats show beside it.
pub(crate) struct Item<'a> {
    /// The annotation.
    pub a: &'a Annotation,
    /// Its tags (tag field first, then the note's `#标签`).
    pub tags: Vec<String>,
    /// Labels of its section and the section's ancestors (empty before the first heading
    /// and for unplaced annotations).
    pub path: Vec<String>,
    /// How far through the document it starts, in tenths of a percent.
    pub permille: u32,
    /// In a collection: its document, by index into [`Report::docs`].
    pub doc: Option<usize>,
}

impl Item<'_> {
    /// Whether it is a note on a section (shown without a quote).
    pub fn is_section_note(&self) -> bool {
        self.a.kind == Kind::SectionNote
    }

    /// Whether it was placed in the current text.
    pub fn placed(&self) -> bool {
        self.a.is_placed()
    }
}

/// A section heading and the annotations directly under it.
pub(crate) struct Section<'a> {
    /// What the section is.
    pub kind: SectionKind,
    /// Outline depth (1 for the top level, and for the opening and unplaced groups).
    pub depth: u8,
    /// The heading as shown: `一、总体要求`, `一要 进一步压缩…`, `未能定位`.
    pub label: String,
    /// Labels of the section and its ancestors, outermost first.
    pub path: Vec<String>,
    /// Its annotations, in document order.
    pub items: Vec<Item<'a>>,
}

/// A document of a collection, as the export names it.
pub(crate) struct DocHead<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its file, if known.
    pub source_file: Option<&'a str>,
    /// Its length in chars (0: unknown).
    pub chars: usize,
    /// How many of its annotations are exported.
    pub count: usize,
}

/// What a collection (annotations of many documents) adds to a report.
pub(crate) struct CollectionHead {
    /// Grouped by document and section (else in the caller's order, by day).
    pub grouped: bool,
    /// The filter in words, as the caller put it.
    pub filter_summary: Option<String>,
}

/// Everything an export shows, before it is given a format.
pub(crate) struct Report<'a> {
    /// Words in the export's language.
    pub labels: &'static Labels,
    /// The document's title.
    pub title: &'a str,
    /// The source file, if any.
    pub source_file: Option<&'a str>,
    /// When the export was made (as the caller formatted it).
    pub exported_at: &'a str,
    /// The document's length in chars.
    pub doc_chars: usize,
    /// Offset from UTC for creation and change times.
    pub utc_offset_seconds: i32,
    /// Annotations or outline.
    pub content: Content,
    /// The filter applied.
    pub filter: &'a Filter,
    /// The outline (node details for the outline content).
    pub outline: &'a Outline,
    /// Number of annotations exported.
    pub count: usize,
    /// Sections in document order (the opening group first, the unplaced group last).
    ///
    /// For annotations: only sections that hold something, and their ancestors. For the
    /// outline: every node.
    pub sections: Vec<Section<'a>>,
    /// A collection's documents, in the order they first come (empty for one document).
    pub docs: Vec<DocHead<'a>>,
    /// Set when the report is a collection of many documents' annotations.
    pub collection: Option<CollectionHead>,
}

/// How far through a document of `doc_chars` chars char `pos` stands, in tenths of a percent.
pub(crate) fn permille(pos: usize, doc_chars: usize) -> u32 {
    (pos as u64 * 1000 / doc_chars.max(1) as u64).min(1000) as u32
}

/// Whether `a` is exported under `filter`: section notes whose note is empty carry nothing
/// and are never exported.
pub(crate) fn exported(filter: &Filter, a: &Annotation) -> bool {
    !(a.kind == Kind::SectionNote && a.note.trim().is_empty()) && filter.matches(a)
}

/// Finds the node each annotation belongs to, in O(log n + depth) per annotation.
struct NodeFinder<'o> {
    index: OutlineIndex<'o>,
    /// The first node whose title range is a given range (or whose whole range is, when its
    /// title range is empty): where a section note is anchored.
    by_title: HashMap<TextRange, usize>,
}

impl<'o> NodeFinder<'o> {
    fn new(outline: &'o Outline) -> Self {
        let mut by_title = HashMap::new();
        for (i, n) in outline.nodes.iter().enumerate() {
            by_title.entry(n.title_range).or_insert(i);
            if n.title_range.is_empty() {
                by_title.entry(n.range).or_insert(i);
            }
        }
        Self {
            index: outline.index(),
            by_title,
        }
    }

    /// The node a placed annotation belongs to: a section note's own node, else the deepest
    /// node holding its start.
    fn node_of(&self, a: &Annotation) -> Option<usize> {
        if a.kind == Kind::SectionNote
            && let Some(&i) = self.by_title.get(&a.range)
        {
            return Some(i);
        }
        self.index.node_at(a.range.start)
    }
}

impl<'a> Report<'a> {
    /// Group and order the annotations of `source` that pass the filter.
    pub fn build(source: &Source<'a>, options: &'a Options) -> Self {
        let outline = source.outline;
        let labels = Labels::of(options.lang);
        let node_labels: Vec<String> = outline.nodes.iter().map(node_label).collect();
        let finder = NodeFinder::new(outline);
        let path_of = |i: usize| -> Vec<String> {
            finder
                .index
                .path_to(i)
                .into_iter()
                .map(|j| node_labels[j].clone())
                .collect()
        };

        let mut chosen: Vec<&Annotation> = match options.content {
            Content::Outline {
                with_highlights: false,
            } => Vec::new(),
            _ => source
                .annotations
                .iter()
                .filter(|a| exported(&options.filter, a))
                .collect(),
        };
        chosen.sort_by_key(|a| (!a.is_placed(), a.range.start, a.range.end, a.id));
        let count = chosen.len();

        // Annotations under each node (and before the first heading / unplaced).
        let mut by_node: Vec<Vec<Item<'a>>> =
            (0..outline.nodes.len()).map(|_| Vec::new()).collect();
        let mut opening = Vec::new();
        let mut unplaced = Vec::new();
        for a in chosen {
            let permille = permille(a.range.start, source.doc.char_count);
            let node = if a.is_placed() {
                finder.node_of(a)
            } else {
                None
            };
            let item = Item {
                a,
                tags: a.all_tags(),
                path: node.map(path_of).unwrap_or_default(),
                permille,
                doc: None,
            };
            match node {
                _ if !a.is_placed() => unplaced.push(item),
                Some(i) => by_node[i].push(item),
                None => opening.push(item),
            }
        }

        let mut sections = Vec::new();
        if !opening.is_empty() {
            sections.push(Section {
                kind: SectionKind::Opening,
                depth: 1,
                label: labels.opening.to_owned(),
                path: vec![labels.opening.to_owned()],
                items: opening,
            });
        }
        let all_nodes = matches!(options.content, Content::Outline { .. });
        // Whether a node's heading is already out (each ancestor is emitted once).
        let mut emitted = vec![false; outline.nodes.len()];
        for (i, items) in by_node.into_iter().enumerate() {
            if !all_nodes && items.is_empty() {
                continue;
            }
            for j in finder.index.path_to(i) {
                if emitted[j] {
                    continue;
                }
                emitted[j] = true;
                sections.push(Section {
                    kind: SectionKind::Node(j),
                    depth: outline.nodes[j].depth.max(1),
                    label: node_labels[j].clone(),
                    path: path_of(j),
                    items: Vec::new(),
                });
            }
            if let Some(own) = sections
                .iter_mut()
                .rev()
                .find(|s| s.kind == SectionKind::Node(i))
            {
                own.items = items;
            }
        }
        if !unplaced.is_empty() {
            sections.push(Section {
                kind: SectionKind::Unplaced,
                depth: 1,
                label: labels.unplaced.to_owned(),
                path: vec![labels.unplaced.to_owned()],
                items: unplaced,
            });
        }

        Report {
            labels,
            title: source.title,
            source_file: source
                .source_file
                .map(|f| super::shown_path(f, options.full_path)),
            exported_at: source.exported_at,
            doc_chars: source.doc.char_count,
            utc_offset_seconds: source.utc_offset_seconds,
            content: options.content,
            filter: &options.filter,
            outline,
            count,
            sections,
            docs: Vec::new(),
            collection: None,
        }
    }

    /// Whether this is the outline content.
    pub fn is_outline(&self) -> bool {
        matches!(self.content, Content::Outline { .. })
    }

    /// Whether annotations are shown (always for annotations; for the outline when asked).
    pub fn shows_annotations(&self) -> bool {
        !matches!(
            self.content,
            Content::Outline {
                with_highlights: false
            }
        )
    }

    /// What the export is called (`批注` / `提纲`).
    pub fn kind_name(&self) -> &'static str {
        if self.is_outline() {
            self.labels.outline_kind
        } else {
            self.labels.notes_kind
        }
    }

    /// The lines under the title: source, export date, counts, filter.
    pub fn header_lines(&self) -> Vec<String> {
        let l = self.labels;
        let mut lines = Vec::new();
        if let Some(c) = &self.collection {
            lines.push(format!("{}{}{}", l.exported, l.colon, self.exported_at));
            lines.push(l.annotations_count(self.count));
            lines.push(l.documents_count(self.docs.len()));
            if let Some(filter) = c.filter_summary.as_deref().filter(|f| !f.trim().is_empty()) {
                lines.push(format!("{}{}{filter}", l.filter, l.colon));
            }
            return lines;
        }
        if let Some(file) = self.source_file {
            lines.push(format!("{}{}{file}", l.source, l.colon));
        }
        lines.push(format!("{}{}{}", l.exported, l.colon, self.exported_at));
        if self.is_outline() {
            lines.push(l.outline_count(self.outline.nodes.len()));
        }
        if self.shows_annotations() {
            lines.push(l.annotations_count(self.count));
            if let Some(filter) = self.filter_text() {
                lines.push(format!("{}{}{filter}", l.filter, l.colon));
            }
        }
        lines
    }

    /// The filter in words (`黄色、绿色 · #学习 · 仅含笔记`), or `None` when there is none.
    fn filter_text(&self) -> Option<String> {
        let parts = filter_words(self.labels, self.filter);
        (!parts.is_empty()).then(|| parts.join(" · "))
    }

    /// The lines under a section's heading: a collection's document names its file.
    pub fn section_lines(&self, section: &Section) -> Vec<String> {
        let l = self.labels;
        match section.kind {
            SectionKind::Document(i) => self
                .docs
                .get(i)
                .and_then(|d| d.source_file)
                .map(|file| format!("{}{}{file}", l.source, l.colon))
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Where an annotation of a collection comes from: `《title》 › section › …`.
    pub fn origin(&self, item: &Item) -> Option<String> {
        let doc = self.docs.get(item.doc?)?;
        let (open, close) = self.labels.title_quotes;
        let mut parts = vec![format!("{open}{}{close}", doc.title)];
        parts.extend(item.path.iter().cloned());
        Some(parts.join(crate::outline::label::PATH_SEPARATOR))
    }

    /// The line shown beside an annotation: what it is (colour, underline, or section
    /// note) and where it stands; in a collection also when it was made, and, listed by
    /// day, its document and section.
    pub fn meta(&self, item: &Item) -> String {
        let l = self.labels;
        let a = item.a;
        let mut parts: Vec<String> = Vec::new();
        if item.is_section_note() {
            parts.push(l.section_note.to_owned());
        } else {
            parts.push(l.color(a.color).to_owned());
            if a.mark == Mark::Underline {
                parts.push(l.underline.to_owned());
            }
        }
        let Some(c) = &self.collection else {
            parts.push(l.location(a.range.start, a.range.end, item.permille, item.placed()));
            return parts.join(" · ");
        };
        let time = format_time(a.created_ms, self.utc_offset_seconds, false);
        // To the minute.
        let time = time.get(..16).unwrap_or(&time).to_owned();
        if c.grouped {
            let chars = item
                .doc
                .and_then(|d| self.docs.get(d))
                .map_or(0, |d| d.chars);
            let location = l.location(a.range.start, a.range.end, item.permille, item.placed());
            parts.push(match location.rsplit_once(" · ") {
                // The document's length is not known: no percent.
                Some((at, _)) if chars == 0 => at.to_owned(),
                _ => location,
            });
            parts.push(time);
        } else {
            parts.push(time);
            parts.extend(self.origin(item));
        }
        parts.join(" · ")
    }

    /// Tags as `#tag` words, spaces inside a tag turned into `_` (so each stays one word).
    pub fn hashtags(item: &Item) -> String {
        item.tags
            .iter()
            .map(|t| format!("#{}", t.split_whitespace().collect::<Vec<_>>().join("_")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Like [`Report::hashtags`], only the tags not already written as `#标签` in the note
    /// (Markdown shows the note as text, where those are tags already), each word of a tag
    /// passed through `word` (Markdown escapes it: a tag is text like any other field).
    pub fn extra_hashtags(item: &Item, word: impl Fn(&str) -> String) -> String {
        let inline = crate::annotate::hashtags(&item.a.note);
        item.tags
            .iter()
            .filter(|t| !inline.contains(t))
            .map(|t| {
                let words: Vec<String> = t.split_whitespace().map(&word).collect();
                format!("#{}", words.join("_"))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The outline node of a section, if it is one.
    pub fn node(&self, section: &Section) -> Option<&'a OutlineNode> {
        match section.kind {
            SectionKind::Node(i) => self.outline.nodes.get(i),
            _ => None,
        }
    }

    /// A time (ms since 1970) as local `YYYY-MM-DD HH:MM:SS`.
    pub fn local_time(&self, ms: i64) -> String {
        format_time(ms, self.utc_offset_seconds, false)
    }
}

/// The parts of an annotation filter in words (`黄色、绿色`, `#学习`, `仅含笔记`, `“减负”`).
pub(crate) fn filter_words(l: &Labels, f: &Filter) -> Vec<String> {
    let mut parts = Vec::new();
    if !f.colors.is_empty() {
        let names: Vec<&str> = f.colors.iter().map(|&c| l.color(c)).collect();
        parts.push(names.join(l.comma));
    }
    let tags: Vec<String> = f
        .tags
        .iter()
        .filter_map(|t| crate::annotate::clean_tag(t))
        .map(|t| format!("#{t}"))
        .collect();
    if !tags.is_empty() {
        parts.push(tags.join(" "));
    }
    if f.notes_only {
        parts.push(l.notes_only.to_owned());
    }
    let query = f.query.trim();
    if !query.is_empty() {
        parts.push(format!("“{query}”"));
    }
    if let Some(w) = f.within {
        parts.push(l.location(w.start, w.end, 0, true).replace(" · 0.0%", ""));
    }
    parts
}

/// Format `ms` since 1970 at a fixed offset from UTC; times out of range show as empty.
pub(crate) fn format_time(ms: i64, offset_seconds: i32, rfc3339: bool) -> String {
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
        return String::new();
    };
    let offset = jiff::tz::Offset::from_seconds(offset_seconds).unwrap_or(jiff::tz::Offset::UTC);
    let dt = offset.to_datetime(ts);
    let (date, time) = (dt.date(), dt.time());
    let base = format!(
        "{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}",
        date.year(),
        date.month(),
        date.day(),
        if rfc3339 { 'T' } else { ' ' },
        time.hour(),
        time.minute(),
        time.second()
    );
    if !rfc3339 {
        return base;
    }
    let secs = offset.seconds();
    if secs == 0 {
        return format!("{base}Z");
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    format!("{base}{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
}

/// A highlight colour as RGB hex without `#` (the light theme's values).
pub(crate) fn color_hex(color: crate::annotate::Color) -> &'static str {
    use crate::annotate::Color;
    match color {
        Color::Yellow => "FFDF5E",
        Color::Green => "9FDD8C",
        Color::Blue => "8EC3F5",
        Color::Pink => "F7A6C4",
        Color::Purple => "CBAEF2",
    }
}

/// `s` without the chars XML 1.0 and HTML refuse (controls other than tab and line ends,
/// and the noncharacters), which a pasted note may hold.
pub(crate) fn clean_text(s: &str) -> std::borrow::Cow<'_, str> {
    fn bad(c: char) -> bool {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
            || (c as u32 & 0xFFFE) == 0xFFFE
    }
    if s.chars().any(bad) {
        s.chars().filter(|&c| !bad(c)).collect::<String>().into()
    } else {
        s.into()
    }
}
