//! Annotations under their sections: the rows of the annotations panel (and of any list that
//! shows notes by where they stand), and the outline's counts. Made once: one pass over the
//! items, one section lookup per section, no allocation per item, and each section's path
//! made once per outline ([`SectionPaths`]). After an edit or a merge (inside a frame, in a
//! set of 10,000) both are patched for the annotations the change touched
//! ([`SectionPaths::patch`], [`patch_section_counts`]); what a patch gives equals what
//! making them anew gives (the proptests below).

use std::sync::{Arc, Weak};

use crate::outline::label::{PATH_SEPARATOR, node_path_in};
use crate::outline::{Outline, OutlineIndex};

use super::{Annotation, Delta, Filter};

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

/// [`section_counts`] brought up to date after a change: `counts` are those of the items
/// before it, `delta` what changed since ([`super::AnnotationSet::changes_since`]), `items`
/// the items now. Each touched annotation is taken out of its old section and put in its
/// new one (a look-up and a walk up its ancestors each), instead of counting every item.
pub fn patch_section_counts(
    counts: &mut [usize],
    items: &[Annotation],
    outline: &Outline,
    delta: &Delta,
) {
    let index = outline.index();
    let mut count = |pos: usize, add: bool| {
        let mut node = index.node_at(pos);
        while let Some(n) = node {
            if let Some(c) = counts.get_mut(n) {
                *c = if add { *c + 1 } else { c.saturating_sub(1) };
            }
            node = index.parent(n);
        }
    };
    for t in &delta.touched {
        if let Some(was) = t.was.filter(|w| w.placed) {
            count(was.range.start, false);
        }
        if let Some(a) = t
            .now_at
            .and_then(|i| items.get(i))
            .filter(|a| a.is_placed())
        {
            count(a.range.start, true);
        }
    }
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
    /// Buffers of the last patch, kept for the next (a list of 10,000 rows in fresh memory
    /// costs more in page faults than the patch itself).
    spare: Made,
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

impl SectionPaths {
    /// The rows of [`SectionPaths::rows`] for the `items` now, made from `old`, the rows of
    /// the items at an earlier generation, and `delta`, what changed since (the filter and
    /// the outline the same): rows of untouched annotations are moved over (their indices
    /// moved by the touched ones), touched ones are taken out and put in where they now
    /// belong, and section heads are decided again only around them. Also gives, for each
    /// new row, the old row it is (`None`: a new one), so a list keeps what it knew of them
    /// (their measured heights). `None` when the paths kept are of another outline.
    pub fn patch(
        &mut self,
        old: Vec<Row>,
        items: &[Annotation],
        outline: &Arc<Outline>,
        filter: &Filter,
        delta: &Delta,
    ) -> Option<(Vec<Row>, Vec<Option<usize>>)> {
        if !std::ptr::eq(self.outline.as_ptr(), Arc::as_ptr(outline))
            || self.paths.len() != outline.nodes.len()
        {
            return None;
        }
        let index = outline.index();
        let paths = &mut self.paths;
        let mut old = old;
        let mut out = std::mem::take(&mut self.spare);
        out.rows.clear();
        out.origin.clear();
        patched(&mut old, &mut out, items, &index, filter, delta, |n| {
            paths[n]
                .get_or_insert_with(|| node_path_in(&index, n).join(PATH_SEPARATOR))
                .clone()
        });
        // The old rows' buffer (emptied) makes the next patch's rows.
        self.spare.rows = old;
        Some((out.rows, out.origin))
    }

    /// Give back the origins [`SectionPaths::patch`] returned, once used: the next patch
    /// fills them again.
    pub fn recycle(&mut self, origin: Vec<Option<usize>>) {
        self.spare.origin = origin;
    }
}

/// An untouched item's index before a change → its index after: `gone` are the indices
/// the touched items had before, `came` those they have after (both sorted). Asked in
/// increasing order (each run of rows anew).
struct Remap<'a> {
    gone: &'a [usize],
    came: &'a [usize],
    g: usize,
    c: usize,
}

impl<'a> Remap<'a> {
    fn new(gone: &'a [usize], came: &'a [usize]) -> Self {
        Self {
            gone,
            came,
            g: 0,
            c: 0,
        }
    }

    fn at(&mut self, old: usize) -> usize {
        while self.gone.get(self.g).is_some_and(|&g| g < old) {
            self.g += 1;
        }
        // Its rank among the untouched, then the index holding that rank among the items
        // now (every touched one at or before it pushes it on).
        let rank = old - self.g;
        let mut now = rank + self.c;
        while self.came.get(self.c).is_some_and(|&c| c <= now) {
            self.c += 1;
            now = rank + self.c;
        }
        now
    }
}

/// Rows being made, each with the old row it is.
#[derive(Debug, Default)]
struct Made {
    rows: Vec<Row>,
    origin: Vec<Option<usize>>,
}

impl Made {
    fn push(&mut self, row: Row, origin: Option<usize>) {
        self.rows.push(row);
        self.origin.push(origin);
    }
}

/// [`SectionPaths::patch`] with `path` naming a node's section.
fn patched(
    old: &mut Vec<Row>,
    out: &mut Made,
    items: &[Annotation],
    index: &OutlineIndex<'_>,
    filter: &Filter,
    delta: &Delta,
    mut path: impl FnMut(usize) -> String,
) {
    let everything = filter.is_empty();
    let shown = |a: &Annotation| everything || filter.matches(a);
    let mut gone: Vec<usize> = delta.touched.iter().filter_map(|t| t.was_at).collect();
    gone.sort_unstable();
    let mut came: Vec<usize> = delta.touched.iter().filter_map(|t| t.now_at).collect();
    came.sort_unstable();
    let (came_unplaced, came_placed): (Vec<usize>, Vec<usize>) = came
        .iter()
        .copied()
        .filter(|&i| items.get(i).is_some_and(shown))
        .partition(|&i| !items[i].is_placed());
    let is_gone = |i: usize| gone.binary_search(&i).is_ok();

    out.rows.reserve(old.len() + came.len() + 2);
    out.origin.reserve(old.len() + came.len() + 2);
    let mut old = old.drain(..).enumerate().peekable();
    // The unplaced ones: their head, then each in item order.
    let mut unplaced: Vec<(usize, Option<usize>)> = Vec::new();
    let mut head_row = None;
    if let Some((p, Row::Unplaced(n))) = old.next_if(|(_, r)| matches!(r, Row::Unplaced(_))) {
        head_row = Some(p);
        let mut remap = Remap::new(&gone, &came);
        for (p, row) in old.by_ref().take(n) {
            if let Row::Item(o) = row
                && !is_gone(o)
            {
                unplaced.push((remap.at(o), Some(p)));
            }
        }
    }
    unplaced.extend(came_unplaced.iter().map(|&i| (i, None)));
    unplaced.sort_unstable_by_key(|&(i, _)| i);
    if !unplaced.is_empty() {
        out.push(Row::Unplaced(unplaced.len()), head_row);
        for (i, origin) in unplaced {
            out.push(Row::Item(i), origin);
        }
    }

    // The placed ones: untouched rows moved over with the head before them, as long as
    // nothing was taken out or put in before them since the last item; elsewhere the head
    // is decided again (one where the section's path changes).
    let node = |i: usize| index.node_at(items[i].range.start);
    let mut head = |out: &mut Made, last: Option<usize>, i: usize| {
        let here = node(i);
        let needed = match last.map(node) {
            None => true,
            Some(before) => before != here && before.map(&mut path) != here.map(&mut path),
        };
        if needed {
            out.push(Row::Section(here.map(&mut path)), None);
        }
    };
    let mut remap = Remap::new(&gone, &came);
    let mut fresh = came_placed.into_iter().peekable();
    let mut last: Option<usize> = None;
    let mut changed = false;
    let mut waiting: Option<(usize, Row)> = None;
    for (p, row) in old {
        let o = match row {
            Row::Item(o) => o,
            row => {
                waiting = Some((p, row));
                continue;
            }
        };
        if is_gone(o) {
            waiting = None;
            changed = true;
            continue;
        }
        let now = remap.at(o);
        while let Some(i) = fresh.next_if(|&i| i < now) {
            head(out, last, i);
            out.push(Row::Item(i), None);
            last = Some(i);
            changed = true;
        }
        match waiting.take() {
            _ if changed => head(out, last, now),
            Some((hp, row)) => out.push(row, Some(hp)),
            None => {}
        }
        out.push(Row::Item(now), Some(p));
        last = Some(now);
        changed = false;
    }
    for i in fresh {
        head(out, last, i);
        out.push(Row::Item(i), None);
        last = Some(i);
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

    /// A text with sections at three levels, two headings of the same path, and text
    /// before the first heading.
    const SECTIONS: &str = "同志们：\n开场的话讲一讲。\n一、总体要求\n要求的话讲一讲。\n（一）第一点\n第一点的话讲一讲。\n（二）第二点\n第二点的话讲一讲。\n二、工作安排\n安排的话讲一讲。\n二、工作安排\n再安排的话讲一讲。\n三、保障措施\n1. 第一条\n第一条的话讲一讲。\n2. 第二条\n第二条的话讲一讲。";

    struct Random(crate::testing::Xorshift);

    impl Random {
        fn next(&mut self, n: u64) -> u64 {
            self.0.below(n)
        }

        fn annotation(&mut self, chars: usize, id: u64) -> Annotation {
            let start = self.next(chars as u64 - 4) as usize;
            Annotation {
                id,
                color: Color::ALL[self.next(5) as usize],
                range: TextRange::new(start, start + 1 + self.next(3) as usize),
                quote: ["话", "点", "安排"][self.next(3) as usize].into(),
                modified_ms: 1000 + self.next(50) as i64,
                state: if self.next(5) == 0 {
                    AnchorState::Unplaced
                } else {
                    AnchorState::Exact
                },
                ..Annotation::default()
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// After random edits, merges, typing, undo and redo (patched after each, or after
        /// a few at once), the patched rows and counts are those made from scratch, and
        /// every row of an untouched annotation is the old row moved over.
        #[test]
        fn patched_rows_and_counts_equal_a_rebuild(seed in 1u64.., which_filter in 0usize..4) {
            use crate::annotate::{AnnotationSet, Edit};
            let doc = Document::from_text(SECTIONS.into(), "UTF-8", SourceFormat::Text);
            let outline = Arc::new(crate::outline::outline(&doc));
            let filter = match which_filter {
                0 => Filter::default(),
                1 => Filter { colors: vec![Color::Yellow, Color::Blue], ..Filter::default() },
                2 => Filter { query: "安排".into(), ..Filter::default() },
                _ => Filter { colors: vec![Color::Green], query: "话".into(), ..Filter::default() },
            };
            let mut r = Random(crate::testing::Xorshift(seed));
            let chars = doc.char_count;
            let items: Vec<Annotation> = (0..r.next(40)).map(|k| r.annotation(chars, 1 + k)).collect();
            let mut set = AnnotationSet::new(items, vec![]);
            let mut paths = SectionPaths::default();
            let mut shown = paths.rows(set.items(), &outline, &filter);
            // The same list with sections named coarsely, so that neighbouring sections
            // share a name (as two headings of the same path do): one head for both.
            let index = outline.index();
            let coarse = |n: usize| format!("{}", n / 2);
            let mut coarse_shown = super::grouped(set.items(), &index, &filter, coarse);
            let mut counts = section_counts(set.items(), &outline);
            let mut generation = set.generation();
            let mut then = set.items().to_vec();
            let mut patched_any = false;
            for step in 0..40 {
                let now = 2_000 + step;
                let pool = 60;
                match r.next(7) {
                    0..=2 => {
                        let edits: Vec<Edit> = (0..1 + r.next(3)).map(|_| {
                            let id = 1 + r.next(pool);
                            match r.next(3) {
                                0 => {
                                    let fresh = 1000 + r.next(1_000_000);
                                    Edit::Add(r.annotation(chars, fresh))
                                }
                                1 => Edit::Update(r.annotation(chars, id)),
                                _ => Edit::Remove(id),
                            }
                        }).collect();
                        set.apply(edits, now);
                    }
                    3 => {
                        let theirs = (0..r.next(3)).map(|_| {
                            let id = 1 + r.next(pool);
                            let mut a = r.annotation(chars, id);
                            a.modified_ms += 100;
                            a
                        }).collect();
                        let removed = [(1 + r.next(pool), 1_060)];
                        set.merge(theirs, &removed[..r.next(2) as usize]);
                    }
                    4 => {
                        let id = 1 + r.next(pool);
                        set.replace_last(r.annotation(chars, id), now);
                    }
                    5 => { set.undo(now); }
                    _ => { set.redo(now); }
                }
                // Now and then several changes before the list looks.
                if r.next(3) == 0 {
                    continue;
                }
                let items = set.items();
                match set.changes_since(generation) {
                    Some(delta) => {
                        let old = shown.clone();
                        let (rows_now, origin) = paths
                            .patch(std::mem::take(&mut shown), items, &outline, &filter, &delta)
                            .expect("the same outline");
                        proptest::prop_assert_eq!(&rows_now, &rows(items, &outline, &filter));
                        let mut coarse_now = Made::default();
                        patched(&mut coarse_shown, &mut coarse_now, items, &index, &filter, &delta, coarse);
                        let coarse_now = coarse_now.rows;
                        proptest::prop_assert_eq!(&coarse_now, &super::grouped(items, &index, &filter, coarse));
                        coarse_shown = coarse_now;
                        patch_section_counts(&mut counts, items, &outline, &delta);
                        proptest::prop_assert_eq!(&counts, &section_counts(items, &outline));
                        // Each old row kept is the same row (the same annotation); every
                        // untouched annotation's row is kept.
                        let touched = |id| delta.touched.iter().any(|t| t.id == id);
                        proptest::prop_assert_eq!(origin.len(), rows_now.len());
                        for (row, from) in rows_now.iter().zip(&origin) {
                            match (row, from) {
                                (Row::Item(i), Some(k)) => {
                                    let Row::Item(o) = old[*k] else {
                                        panic!("an item row from a head")
                                    };
                                    proptest::prop_assert_eq!(then[o].id, items[*i].id);
                                    proptest::prop_assert!(!touched(items[*i].id));
                                }
                                (Row::Item(i), None) => {
                                    proptest::prop_assert!(touched(items[*i].id));
                                }
                                (Row::Section(_), Some(k)) => {
                                    proptest::prop_assert_eq!(row, &old[*k]);
                                }
                                _ => {}
                            }
                        }
                        let kept: Vec<usize> = origin.iter().flatten().copied().collect();
                        proptest::prop_assert!(kept.windows(2).all(|w| w[0] < w[1]));
                        patched_any |= !delta.touched.is_empty();
                        shown = rows_now;
                    }
                    None => {
                        shown = paths.rows(items, &outline, &filter);
                        coarse_shown = super::grouped(items, &index, &filter, coarse);
                        counts = section_counts(items, &outline);
                    }
                }
                generation = set.generation();
                then = set.items().to_vec();
            }
            proptest::prop_assert!(patched_any || set.len() < 2);
        }
    }
}
