//! Annotations under their sections: the rows of the annotations panel (and of any list that
//! shows notes by where they stand). Rebuilt after every edit and merge of a set of 10,000,
//! inside a frame: one pass over the items, one section lookup per section, no allocation
//! per item, and each section's path made once per outline ([`SectionPaths`]), not once per
//! change.

use std::sync::{Arc, Weak};

use crate::outline::label::{PATH_SEPARATOR, node_path_in};
use crate::outline::{Outline, OutlineIndex};

use super::{Annotation, Filter};

/// One row of a grouped list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    /// The head of the annotations that lost their place, with how many there are.
    Unplaced(usize),
    /// The head of a section: its path (`二、… › （三）…`), or `None` before the first
    /// heading (a list shows the document's title there).
    Section(Option<String>),
    /// An annotation, by its index in the items.
    Item(usize),
}

/// The section (outline node) each of `items` starts in, for items in document order: one
/// lookup per run of items in the same section, not one per item.
struct Sections<'a> {
    index: OutlineIndex<'a>,
    /// Positions known to lie in `node` (no other node starts there).
    known: std::ops::Range<usize>,
    node: Option<usize>,
}

impl<'a> Sections<'a> {
    fn new(index: OutlineIndex<'a>) -> Self {
        Self {
            index,
            known: 0..0,
            node: None,
        }
    }

    /// The node `pos` stands in, and whether it differs from the last answer's lookup.
    fn at(&mut self, pos: usize) -> (Option<usize>, bool) {
        if self.known.contains(&pos) {
            return (self.node, false);
        }
        let nodes = &self.index.outline().nodes;
        let node = self.index.node_at(pos);
        self.known = match node {
            Some(n) => {
                let r = nodes[n].range;
                let next = nodes.get(n + 1).map_or(usize::MAX, |m| m.range.start);
                pos..r.end.max(r.start + 1).min(next)
            }
            None => pos..nodes.first().map_or(usize::MAX, |m| m.range.start),
        };
        self.node = node;
        (node, true)
    }
}

/// How many of the placed `items` (in document order) stand in each outline node's
/// section, subsections included (the outline panel's counts).
pub fn section_counts(items: &[Annotation], outline: &Outline) -> Vec<usize> {
    let mut sections = Sections::new(outline.index());
    let mut own = vec![0usize; outline.nodes.len()];
    for a in items.iter().filter(|a| a.is_placed()) {
        if let (Some(n), _) = sections.at(a.range.start) {
            own[n] += 1;
        }
    }
    // Each node's own count is added to its ancestors once (children come after parents:
    // walking backwards, a node's total is complete when its parent takes it).
    let index = &sections.index;
    let mut counts = own;
    for n in (0..counts.len()).rev() {
        if let Some(p) = index.parent(n) {
            counts[p] += counts[n];
        }
    }
    counts
}

/// The rows for the `items` (in document order) that pass `filter`: the unplaced ones first
/// under one head, then the others under the section each starts in. A section's head is
/// written once however many annotations it holds, and again only when the path changes.
/// (A list remade after every change keeps a [`SectionPaths`] and calls
/// [`SectionPaths::rows`], which makes each path once.)
pub fn rows(items: &[Annotation], outline: &Outline, filter: &Filter) -> Vec<Row> {
    let index = outline.index();
    grouped(items, &index, filter, |n| {
        node_path_in(&index, n).join(PATH_SEPARATOR)
    })
}

/// The section paths of one outline's nodes, each made the first time a list needs it and
/// kept: the rows of 10,000 annotations are remade after every change to them, and
/// joining every section's labels again was most of that work.
#[derive(Debug, Default)]
pub struct SectionPaths {
    /// The outline the paths are of (a weak handle: its allocation is not reused while
    /// held, so comparing it tells the same outline from a new one).
    outline: Weak<Outline>,
    paths: Vec<Option<String>>,
}

impl SectionPaths {
    /// [`rows`], with the section paths of `outline` kept between calls.
    pub fn rows(
        &mut self,
        items: &[Annotation],
        outline: &Arc<Outline>,
        filter: &Filter,
    ) -> Vec<Row> {
        if !std::ptr::eq(self.outline.as_ptr(), Arc::as_ptr(outline))
            || self.paths.len() != outline.nodes.len()
        {
            self.outline = Arc::downgrade(outline);
            self.paths = vec![None; outline.nodes.len()];
        }
        let index = outline.index();
        let paths = &mut self.paths;
        grouped(items, &index, filter, |n| {
            paths[n]
                .get_or_insert_with(|| node_path_in(&index, n).join(PATH_SEPARATOR))
                .clone()
        })
    }
}

/// [`rows`] with `path` naming a node's section.
fn grouped(
    items: &[Annotation],
    index: &OutlineIndex<'_>,
    filter: &Filter,
    mut path: impl FnMut(usize) -> String,
) -> Vec<Row> {
    let everything = filter.is_empty();
    let shown = |a: &Annotation| everything || filter.matches(a);
    let mut rows = Vec::with_capacity(items.len() + 64);
    let unplaced = items.iter().filter(|a| !a.is_placed() && shown(a)).count();
    if unplaced > 0 {
        rows.push(Row::Unplaced(unplaced));
        rows.extend(
            (0..items.len())
                .filter(|&i| !items[i].is_placed() && shown(&items[i]))
                .map(Row::Item),
        );
    }
    let mut sections = Sections::new(index.clone());
    let mut last: Option<Option<String>> = None;
    for (i, a) in items.iter().enumerate() {
        if !a.is_placed() || !shown(a) {
            continue;
        }
        if let (node, true) = sections.at(a.range.start) {
            let path = node.map(&mut path);
            if last.as_ref() != Some(&path) {
                rows.push(Row::Section(path.clone()));
                last = Some(path);
            }
        }
        rows.push(Row::Item(i));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::{AnchorState, Color, Kind};
    use crate::document::{Document, SourceFormat, TextRange};

    const SPEECH: &str = "同志们：\n开场的话。\n一、总体要求\n要求的话。\n（一）第一点\n第一点的话。\n（二）第二点\n第二点的话。\n二、工作安排\n安排的话。";

    fn at(doc: &Document, text: &str, color: Color) -> Annotation {
        let start = doc.text[..doc.text.find(text).expect("in the text")]
            .chars()
            .count();
        Annotation {
            kind: Kind::Highlight,
            color,
            quote: text.to_owned(),
            range: TextRange::new(start, start + text.chars().count()),
            state: AnchorState::Exact,
            ..Annotation::default()
        }
    }

    fn grouped(items: &[Annotation], filter: &Filter) -> Vec<String> {
        let doc = Document::from_text(SPEECH.into(), "UTF-8", SourceFormat::Text);
        let outline = crate::outline::outline(&doc);
        rows(items, &outline, filter)
            .into_iter()
            .map(|r| match r {
                Row::Unplaced(n) => format!("unplaced {n}"),
                Row::Section(None) => "(before)".into(),
                Row::Section(Some(p)) => p,
                Row::Item(i) => format!("  {}", items[i].quote),
            })
            .collect()
    }

    #[test]
    fn items_stand_under_their_sections_and_unplaced_ones_first() {
        let doc = Document::from_text(SPEECH.into(), "UTF-8", SourceFormat::Text);
        let mut lost = at(&doc, "开场", Color::Yellow);
        lost.state = AnchorState::Unplaced;
        let items = vec![
            lost,
            at(&doc, "开场的话", Color::Yellow),
            at(&doc, "要求的话", Color::Green),
            at(&doc, "第一点的话", Color::Yellow),
            at(&doc, "第一点", Color::Blue),
            at(&doc, "第二点的话", Color::Yellow),
            at(&doc, "安排的话", Color::Yellow),
        ];
        // The items must be in document order, as the set keeps them.
        let mut sorted = items.clone();
        sorted[1..].sort_by_key(|a| a.range.start);
        assert_eq!(
            grouped(&sorted, &Filter::default()),
            [
                "unplaced 1",
                "  开场",
                "(before)",
                "  开场的话",
                "一、总体要求",
                "  要求的话",
                "一、总体要求 › （一）第一点",
                "  第一点",
                "  第一点的话",
                "一、总体要求 › （二）第二点",
                "  第二点的话",
                "二、工作安排",
                "  安排的话",
            ]
        );
        // A filter leaves out items and the heads left empty.
        let green = Filter {
            colors: vec![Color::Green],
            ..Filter::default()
        };
        assert_eq!(grouped(&sorted, &green), ["一、总体要求", "  要求的话"]);
    }

    #[test]
    fn section_counts_add_subsections_to_their_parents() {
        let doc = Document::from_text(SPEECH.into(), "UTF-8", SourceFormat::Text);
        let outline = crate::outline::outline(&doc);
        let mut items: Vec<Annotation> = [
            "开场的话",
            "要求的话",
            "第一点的话",
            "第一点",
            "第二点的话",
            "第二点",
            "安排的话",
        ]
        .iter()
        .map(|q| at(&doc, q, Color::Yellow))
        .collect();
        items[0].state = AnchorState::Unplaced;
        items.sort_by_key(|a| a.range.start);
        let titles: Vec<&str> = outline.nodes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["总体要求", "第一点", "第二点", "工作安排"]);
        assert_eq!(section_counts(&items, &outline), [5, 2, 2, 1]);
        // The same as counting each node's range directly.
        for (n, node) in outline.nodes.iter().enumerate() {
            let direct = items
                .iter()
                .filter(|a| {
                    a.is_placed()
                        && node.range.start <= a.range.start
                        && a.range.start < node.range.end
                })
                .count();
            assert_eq!(
                section_counts(&items, &outline)[n],
                direct,
                "{}",
                node.title
            );
        }
    }

    #[test]
    fn kept_section_paths_give_the_same_rows_and_follow_a_new_outline() {
        let doc = Document::from_text(SPEECH.into(), "UTF-8", SourceFormat::Text);
        let outline = Arc::new(crate::outline::outline(&doc));
        let mut items: Vec<Annotation> = [
            "开场的话",
            "要求的话",
            "第一点的话",
            "第二点的话",
            "安排的话",
        ]
        .iter()
        .map(|q| at(&doc, q, Color::Yellow))
        .collect();
        items.sort_by_key(|a| a.range.start);
        let mut paths = SectionPaths::default();
        let everything = Filter::default();
        let first = paths.rows(&items, &outline, &everything);
        assert_eq!(first, rows(&items, &outline, &everything));
        // Again (the paths kept), and with one item fewer, as after a change.
        assert_eq!(paths.rows(&items, &outline, &everything), first);
        let fewer = &items[1..];
        assert_eq!(
            paths.rows(fewer, &outline, &everything),
            rows(fewer, &outline, &everything)
        );
        // Another outline (another document): its own paths, not the kept ones.
        let other = Document::from_text(
            SPEECH.replace("总体要求", "全面要求"),
            "UTF-8",
            SourceFormat::Text,
        );
        let other_outline = Arc::new(crate::outline::outline(&other));
        let mut moved = items.clone();
        for a in &mut moved {
            a.range = at(&other, &a.quote, Color::Yellow).range;
        }
        let heads: Vec<Row> = paths
            .rows(&moved, &other_outline, &everything)
            .into_iter()
            .filter(|r| matches!(r, Row::Section(_)))
            .collect();
        assert!(
            heads.contains(&Row::Section(Some("一、全面要求".into()))),
            "{heads:?}"
        );
        assert!(
            !heads.contains(&Row::Section(Some("一、总体要求".into()))),
            "{heads:?}"
        );
    }

    #[test]
    fn the_fast_section_lookup_agrees_with_looking_up_every_item() {
        // Every char of the speech highlighted on its own: each item's head must be the
        // path of the node it starts in, as `node_at` finds it.
        let doc = Document::from_text(SPEECH.into(), "UTF-8", SourceFormat::Text);
        let outline = crate::outline::outline(&doc);
        let index = outline.index();
        let items: Vec<Annotation> = (0..doc.char_count)
            .map(|p| Annotation {
                kind: Kind::Highlight,
                range: TextRange::new(p, p + 1),
                state: AnchorState::Exact,
                ..Annotation::default()
            })
            .collect();
        let mut head = None;
        for row in rows(&items, &outline, &Filter::default()) {
            match row {
                Row::Section(path) => head = Some(path),
                Row::Item(i) => {
                    let want = index
                        .node_at(items[i].range.start)
                        .map(|n| node_path_in(&index, n).join(PATH_SEPARATOR));
                    assert_eq!(head.as_ref(), Some(&want), "char {i}");
                }
                Row::Unplaced(_) => panic!("nothing is unplaced"),
            }
        }
    }
}
