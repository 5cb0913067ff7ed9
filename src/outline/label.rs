//! The one home of what a reader calls an outline node (`一、总体要求`, `一是 全面清理`) and
//! of section paths (`一、… › （二）… › 一是 全面清理`): the window, the command line and
//! every export name nodes through these functions.

use super::{NodeKind, Outline, OutlineIndex, OutlineNode};

/// What joins the labels of a section path when it is shown on one line.
pub const PATH_SEPARATOR: &str = " › ";

/// Markers that end in their own separator (`一、`, `（一）`, `1.`, `①`, `附：`) read well glued to
/// the title; a bare number (`1` of `1　总则`) does not.
fn is_glued_marker(marker: &str) -> bool {
    let mut chars = marker.chars();
    let single = chars
        .next()
        .is_some_and(|c| !c.is_ascii_digit() && !('０'..='９').contains(&c))
        && chars.next().is_none();
    marker.ends_with(['、', '）', ')', '.', '．', '］', ']', '】', '：', ':']) || single
}

/// A heading as a reader writes it: `一、总体要求`, `附件1 十件实事`, `总体要求`.
pub fn heading_label(marker: &str, title: &str) -> String {
    let sep = if marker.is_empty() || is_glued_marker(marker) {
        ""
    } else {
        " "
    };
    format!("{marker}{sep}{title}")
}

/// A node as a reader names it: headings as written, points as `marker title` (`一是 全面清理`).
pub fn node_label(node: &OutlineNode) -> String {
    match node.kind {
        NodeKind::Heading | NodeKind::Topic => heading_label(&node.marker, &node.title),
        NodeKind::Point => format!("{} {}", node.marker, node.title),
    }
}

/// Labels of node `i` and of its ancestors, outermost first (one lookup; for many, use
/// [`node_path_in`] with an [`OutlineIndex`] built once).
pub fn node_path(outline: &Outline, i: usize) -> Vec<String> {
    outline
        .path_to(i)
        .into_iter()
        .map(|j| node_label(&outline.nodes[j]))
        .collect()
}

/// [`node_path`] through an index built once.
pub fn node_path_in(index: &OutlineIndex<'_>, i: usize) -> Vec<String> {
    let nodes = &index.outline().nodes;
    index
        .path_to(i)
        .into_iter()
        .map(|j| node_label(&nodes[j]))
        .collect()
}

/// Labels of the section holding char `pos` and of its ancestors, outermost first (empty
/// before the first heading).
pub fn section_path(outline: &Outline, pos: usize) -> Vec<String> {
    outline
        .node_at(pos)
        .map_or_else(Vec::new, |i| node_path(outline, i))
}

/// [`section_path`] through an index built once, for listing many annotations.
pub fn section_path_in(index: &OutlineIndex<'_>, pos: usize) -> Vec<String> {
    index
        .node_at(pos)
        .map_or_else(Vec::new, |i| node_path_in(index, i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::TextRange;

    fn node(
        depth: u8,
        kind: NodeKind,
        marker: &str,
        title: &str,
        start: usize,
        end: usize,
    ) -> OutlineNode {
        OutlineNode {
            depth,
            kind,
            marker: marker.to_owned(),
            title: title.to_owned(),
            range: TextRange::new(start, end),
            title_range: TextRange::new(start, start),
            line: 0,
        }
    }

    fn sample() -> Outline {
        Outline {
            nodes: vec![
                node(1, NodeKind::Heading, "一、", "总体要求", 10, 100),
                node(2, NodeKind::Heading, "（二）", "平台整合", 20, 100),
                node(3, NodeKind::Point, "一是", "全面清理", 30, 40),
                node(1, NodeKind::Heading, "附件1", "十件实事", 100, 200),
            ],
            ..Outline::default()
        }
    }

    #[test]
    fn headings_glue_markers_that_end_in_a_separator() {
        assert_eq!(heading_label("一、", "总体要求"), "一、总体要求");
        assert_eq!(heading_label("（一）", "标题"), "（一）标题");
        assert_eq!(heading_label("1.", "标题"), "1.标题");
        assert_eq!(heading_label("①", "标题"), "①标题");
        assert_eq!(heading_label("附件1", "十件实事"), "附件1 十件实事");
        assert_eq!(heading_label("", "总体要求"), "总体要求");
        // A bare decimal number (`1　总则` of a 预案) keeps its space, as `10 附则` does.
        assert_eq!(heading_label("1", "总则"), "1 总则");
        assert_eq!(heading_label("１", "总则"), "１ 总则");
    }

    #[test]
    fn points_are_named_marker_space_title() {
        let o = sample();
        assert_eq!(node_label(&o.nodes[2]), "一是 全面清理");
        assert_eq!(node_label(&o.nodes[3]), "附件1 十件实事");
    }

    #[test]
    fn section_paths_agree_with_and_without_the_index() {
        let o = sample();
        let index = o.index();
        for pos in [0, 10, 25, 35, 45, 100, 150, 250] {
            assert_eq!(
                section_path(&o, pos),
                section_path_in(&index, pos),
                "at {pos}"
            );
        }
        assert!(section_path(&o, 0).is_empty());
        assert_eq!(
            section_path(&o, 35).join(PATH_SEPARATOR),
            "一、总体要求 › （二）平台整合 › 一是 全面清理"
        );
        assert_eq!(section_path(&o, 150), vec!["附件1 十件实事".to_owned()]);
    }
}
