//! The reader's last word on the outline: changes to the engine's tree, line by line —
//! make a line a heading at a level, drop the node on a line, promote or demote a node with
//! its subtree, rename a node in the outline — and user rules (Legado-style TXT contents
//! rules: a regex over each line → a heading level or "not a heading").
//!
//! Pure: the changes come with the line they stand on now (finding that line again after
//! the file was edited is the anchoring of `annotate::corrections`). The outline that comes
//! out is consistent: nodes in document order, depths, parents, section ranges; labels are
//! still made by [`super::label`].

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::{LineRole, MAX_TITLE_CHARS, NodeKind, Outline, OutlineNode, parents_of};
use crate::document::{Document, TextRange, count_chars};

/// Deepest level a heading can be set to by a correction or a rule.
pub const MAX_LEVEL: u8 = 4;

/// One change to the outline, on one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// The line is a heading at `level` (1–[`MAX_LEVEL`]; `None`, from a rule: one level
    /// below the section it is in), titled `title` (`None`: the engine's title, or the
    /// line's text). A node already on the line takes the level, its subtree moving with it.
    Heading {
        /// The level, 1 for the top.
        level: Option<u8>,
        /// The title shown in the outline.
        title: Option<String>,
    },
    /// The line is not a heading: the node on it is dropped, its children go to its parent.
    NotHeading,
    /// The node on the line moves up (negative) or down (positive) this many levels, with
    /// its subtree.
    Shift(i8),
    /// The node on the line is shown with this title (the document is untouched).
    Rename(String),
}

impl Change {
    /// Whether the change alters the tree (not only a title).
    pub fn is_structural(&self) -> bool {
        !matches!(self, Change::Rename(_))
    }
}

/// The line holding char `pos`.
pub fn line_of(doc: &Document, pos: usize) -> Option<usize> {
    let i = doc.lines.partition_point(|l| l.range.end < pos);
    (i < doc.lines.len()).then_some(i)
}

/// The node a change on `line` is about: the first heading starting on that line, else the
/// first point.
pub fn node_on_line(outline: &Outline, line: usize) -> Option<usize> {
    let from = outline.nodes.partition_point(|n| n.line < line);
    let on_line = || (from..outline.nodes.len()).take_while(|&i| outline.nodes[i].line == line);
    on_line()
        .find(|&i| outline.nodes[i].kind == NodeKind::Heading)
        .or_else(|| on_line().next())
}

/// The outline with `changes` (each on the line it stands on now) applied in order. Without
/// changes, the same outline.
pub fn apply(outline: &Outline, doc: &Document, changes: &[(usize, Change)]) -> Outline {
    if changes.is_empty() {
        return outline.clone();
    }
    let mut out = outline.clone();
    let mut structural = false;
    for (line, change) in changes {
        let line = *line;
        if line >= doc.lines.len() {
            continue;
        }
        structural |= change.is_structural();
        match change {
            Change::Heading { level, title } => make_heading(&mut out, doc, line, *level, title),
            Change::NotHeading => {
                if let Some(i) = node_on_line(&out, line) {
                    drop_node(&mut out, i);
                    if let Some(role) = out.roles.get_mut(line)
                        && *role == LineRole::Heading
                    {
                        *role = LineRole::Body;
                    }
                }
            }
            Change::Shift(by) => {
                if let Some(i) = node_on_line(&out, line) {
                    let depth = out.nodes[i].depth as i16 + *by as i16;
                    set_depth(&mut out, i, depth.clamp(1, u8::MAX as i16) as u8);
                }
            }
            Change::Rename(title) => {
                if let Some(i) = node_on_line(&out, line) {
                    out.nodes[i].title = title.trim().to_owned();
                }
            }
        }
        out.parents = parents_of(&out.nodes);
    }
    if structural {
        close_sections(&mut out, outline, doc);
        place_topics(&mut out);
    }
    out.parents = parents_of(&out.nodes);
    out
}

/// The node at `i` and its subtree: indices `i..end`.
fn subtree_end(nodes: &[OutlineNode], i: usize) -> usize {
    let depth = nodes[i].depth;
    (i + 1..nodes.len())
        .find(|&j| nodes[j].depth <= depth)
        .unwrap_or(nodes.len())
}

/// Give node `i` depth `depth`, moving its subtree by as much.
fn set_depth(out: &mut Outline, i: usize, depth: u8) {
    let end = subtree_end(&out.nodes, i);
    let delta = depth as i16 - out.nodes[i].depth as i16;
    for node in &mut out.nodes[i..end] {
        node.depth = (node.depth as i16 + delta).clamp(1, u8::MAX as i16) as u8;
    }
}

/// Drop node `i`; its children become children of its parent (the subtree rises so that
/// the shallowest of them takes its place).
fn drop_node(out: &mut Outline, i: usize) {
    let end = subtree_end(&out.nodes, i);
    let depth = out.nodes[i].depth;
    if let Some(shallowest) = out.nodes[i + 1..end].iter().map(|n| n.depth).min() {
        let rise = shallowest - depth;
        for node in &mut out.nodes[i + 1..end] {
            node.depth -= rise;
        }
    }
    out.nodes.remove(i);
}

/// Make `line` a heading at `level` (see [`Change::Heading`]).
fn make_heading(
    out: &mut Outline,
    doc: &Document,
    line: usize,
    level: Option<u8>,
    title: &Option<String>,
) {
    let l = &doc.lines[line];
    let text = doc.line_text(l);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return;
    }
    let level = level.map(|v| v.clamp(1, MAX_LEVEL));
    let existing = node_on_line(out, line);
    let i = match existing {
        Some(i) => {
            out.nodes[i].kind = NodeKind::Heading;
            i
        }
        None => {
            let lead = count_chars(&text[..text.len() - text.trim_start().len()]);
            let title_start = l.range.start + lead;
            let title_len = count_chars(trimmed);
            let title_range = TextRange::new(title_start, title_start + title_len);
            let mut shown: String = trimmed.chars().take(MAX_TITLE_CHARS).collect();
            if title_len > MAX_TITLE_CHARS {
                shown.push('…');
            }
            // One level below the section the line is in, when no level is given.
            let index = out.index();
            let depth_here = index
                .node_at(l.range.start)
                .map_or(0, |p| out.nodes[p].depth);
            let node = OutlineNode {
                depth: level.unwrap_or(depth_here.saturating_add(1).min(MAX_LEVEL)),
                kind: NodeKind::Heading,
                marker: String::new(),
                title: shown,
                range: TextRange::new(l.range.start, l.range.end),
                title_range,
                line,
            };
            // Before the nodes starting on or after the line (its points come under it).
            let at = out.nodes.partition_point(|n| n.range.start < l.range.start);
            out.nodes.insert(at, node);
            at
        }
    };
    if let Some(level) = level {
        set_depth(out, i, level);
    }
    if let Some(title) = title {
        out.nodes[i].title = title.trim().to_owned();
    }
    if let Some(role) = out.roles.get_mut(line)
        && matches!(role, LineRole::Body | LineRole::Heading)
    {
        *role = LineRole::Heading;
    }
}

/// Every heading's section made anew after the tree changed: from its start to the next
/// node at its depth or above (the end of the last line with text before it, when that
/// node opens a line), the last ones to where the engine's last section ended. Points keep
/// their ranges (they end in their paragraph).
fn close_sections(out: &mut Outline, engine: &Outline, doc: &Document) {
    let last_end = engine
        .nodes
        .iter()
        .map(|n| n.range.end)
        .max()
        .unwrap_or(0)
        .max(content_end_before(doc, doc.lines.len()));
    // Nodes whose sections are still open, shallowest first.
    let mut open: Vec<usize> = Vec::new();
    for j in 0..out.nodes.len() {
        let (depth, start, line) = {
            let n = &out.nodes[j];
            (n.depth, n.range.start, n.line)
        };
        while let Some(&top) = open.last() {
            if out.nodes[top].depth < depth {
                break;
            }
            open.pop();
            let opens_line = doc
                .lines
                .get(line)
                .is_some_and(|l| start <= l.range.start + leading_chars(doc.line_text(l)));
            let end = if opens_line {
                content_end_before(doc, line)
            } else {
                start
            };
            let top_node = &mut out.nodes[top];
            top_node.range.end = end.max(top_node.range.start);
        }
        if out.nodes[j].kind == NodeKind::Heading {
            open.push(j);
        }
    }
    for top in open {
        let node = &mut out.nodes[top];
        node.range.end = last_end.max(node.range.start);
    }
}

/// Chars of white space a line starts with.
fn leading_chars(text: &str) -> usize {
    count_chars(&text[..text.len() - text.trim_start().len()])
}

/// End of the last line with text before line `line` (0 when there is none).
fn content_end_before(doc: &Document, line: usize) -> usize {
    (0..line.min(doc.lines.len()))
        .rev()
        .find(|&k| !doc.line_text(&doc.lines[k]).trim().is_empty())
        .map_or(0, |k| doc.lines[k].range.end)
}

/// Topic sentences one level below the heading whose section holds them; those on a line
/// that is now a node are dropped.
fn place_topics(out: &mut Outline) {
    if out.topics.is_empty() {
        return;
    }
    let parents = parents_of(&out.nodes);
    let view = Outline {
        nodes: out.nodes.clone(),
        parents,
        ..Outline::default()
    };
    let index = view.index();
    let mut topics = std::mem::take(&mut out.topics);
    topics.retain_mut(|t| {
        if node_on_line(&view, t.line).is_some() {
            return false;
        }
        // The deepest heading holding it (a point's section is never a topic's parent).
        let mut at = index.node_at(t.range.start);
        while let Some(i) = at {
            if view.nodes[i].kind == NodeKind::Heading {
                break;
            }
            at = index.parent(i);
        }
        t.depth = at.map_or(1, |i| view.nodes[i].depth + 1);
        true
    });
    out.topics = topics;
}

/// What a rule does to the lines it matches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleKind {
    /// A heading (at the rule's level, or one below the section it is in).
    #[default]
    Heading,
    /// Not a heading.
    NotHeading,
}

/// A user rule, as `rules.ron` holds it: lines matching `pattern` are headings at `level`
/// (or, with `kind: NotHeading`, not headings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rule {
    /// The rule's name, shown in Settings.
    pub name: String,
    /// A regular expression (Rust `regex` syntax) tried on each line's text.
    pub pattern: String,
    /// The level of the headings it makes, 1–[`MAX_LEVEL`].
    pub level: Option<u8>,
    /// Heading or not a heading.
    pub kind: RuleKind,
    /// Off rules are kept but not applied.
    pub enabled: bool,
}

impl Default for Rule {
    fn default() -> Self {
        Self {
            name: String::new(),
            pattern: String::new(),
            level: Some(1),
            kind: RuleKind::Heading,
            enabled: true,
        }
    }
}

impl Rule {
    /// The change the rule makes on a matching line.
    pub fn change(&self) -> Change {
        match self.kind {
            RuleKind::Heading => Change::Heading {
                level: self.level.map(|l| l.clamp(1, MAX_LEVEL)),
                title: None,
            },
            RuleKind::NotHeading => Change::NotHeading,
        }
    }

    /// The rule's regex, or why it is not one.
    pub fn regex(&self) -> Result<Regex, String> {
        if self.pattern.is_empty() {
            return Err("the pattern is empty".into());
        }
        regex::RegexBuilder::new(&self.pattern)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| e.to_string())
    }
}

/// Lines a rule may match: not blank, not boilerplate, not the title or metadata.
fn rule_line(outline: &Outline, line: usize) -> bool {
    matches!(
        outline.roles.get(line),
        None | Some(LineRole::Body | LineRole::Heading | LineRole::FrontMatter)
    )
}

/// The changes the enabled rules make, line by line in document order (a line matched by
/// several rules takes the first). Rules whose regex does not compile are skipped (see
/// [`preview`] for why).
pub fn rule_changes(outline: &Outline, doc: &Document, rules: &[Rule]) -> Vec<(usize, Change)> {
    let compiled: Vec<(Regex, Change)> = rules
        .iter()
        .filter(|r| r.enabled)
        .filter_map(|r| r.regex().ok().map(|re| (re, r.change())))
        .collect();
    if compiled.is_empty() {
        return Vec::new();
    }
    let mut changes = Vec::new();
    for (i, line) in doc.lines.iter().enumerate() {
        if !rule_line(outline, i) {
            continue;
        }
        let text = doc.line_text(line);
        if text.trim().is_empty() {
            continue;
        }
        if let Some((_, change)) = compiled.iter().find(|(re, _)| re.is_match(text)) {
            changes.push((i, change.clone()));
        }
    }
    changes
}

/// What a rule matches in a document, for the live preview in Settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// How many lines it matches.
    pub count: usize,
    /// The first of them: line index and text (trimmed).
    pub first: Vec<(usize, String)>,
}

/// Lines shown in a preview.
pub const PREVIEW_LINES: usize = 5;

/// The lines `rule` matches in `doc` (with `outline`, the engine's, to skip boilerplate),
/// or the regex error, in words, when its pattern is not a regex.
pub fn preview(rule: &Rule, outline: &Outline, doc: &Document) -> Result<Preview, String> {
    let re = rule.regex()?;
    let mut preview = Preview {
        count: 0,
        first: Vec::new(),
    };
    for (i, line) in doc.lines.iter().enumerate() {
        let text = doc.line_text(line);
        if !rule_line(outline, i) || text.trim().is_empty() || !re.is_match(text) {
            continue;
        }
        preview.count += 1;
        if preview.first.len() < PREVIEW_LINES {
            preview
                .first
                .push((i, text.trim().chars().take(60).collect()));
        }
    }
    Ok(preview)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::SourceFormat;
    use crate::outline::label::node_path;
    use crate::outline::outline;

    const TEXT: &str = "关于做好某项工作的通知\n\n一、总体要求\n\n做好工作意义重大。\n\n（一）指导思想\n\n坚持稳中求进。\n\n（二）基本原则\n\n坚持问题导向。\n\n二、主要任务\n\n加强组织领导\n\n各地要高度重视。\n\n三、保障措施\n\n抓好落实。\n";

    fn doc(text: &str) -> Document {
        Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text)
    }

    fn line(d: &Document, starts: &str) -> usize {
        d.lines
            .iter()
            .position(|l| d.line_text(l).starts_with(starts))
            .expect("line")
    }

    fn tree(o: &Outline) -> Vec<String> {
        (0..o.nodes.len())
            .map(|i| {
                format!(
                    "{}{}",
                    "  ".repeat(o.nodes[i].depth as usize - 1),
                    node_path(o, i).last().unwrap()
                )
            })
            .collect()
    }

    /// Ranges nest and are in order, parents are the ones found from scratch.
    fn consistent(o: &Outline) {
        assert_eq!(o.parents, parents_of(&o.nodes));
        for w in o.nodes.windows(2) {
            assert!(w[0].range.start <= w[1].range.start, "{w:?}");
        }
        for i in 0..o.nodes.len() {
            if let Some(p) = o.parent(i) {
                let (n, p) = (&o.nodes[i], &o.nodes[p]);
                if p.kind == NodeKind::Heading {
                    assert!(p.range.start <= n.range.start && n.range.start <= p.range.end);
                }
            }
        }
    }

    #[test]
    fn no_changes_give_the_same_outline() {
        let d = doc(TEXT);
        let o = outline(&d);
        assert_eq!(apply(&o, &d, &[]), o);
    }

    #[test]
    fn a_line_made_a_heading_takes_the_paragraphs_after_it() {
        let d = doc(TEXT);
        let o = outline(&d);
        let l = line(&d, "加强组织领导");
        let c = apply(
            &o,
            &d,
            &[(
                l,
                Change::Heading {
                    level: Some(2),
                    title: None,
                },
            )],
        );
        consistent(&c);
        assert_eq!(
            tree(&c),
            [
                "一、总体要求",
                "  （一）指导思想",
                "  （二）基本原则",
                "二、主要任务",
                "  加强组织领导",
                "三、保障措施"
            ]
        );
        let i = node_on_line(&c, l).unwrap();
        assert_eq!(c.nodes[i].title_range, d.lines[l].range);
        let inside = d.lines[line(&d, "各地要")].range.start;
        assert_eq!(c.node_at(inside), Some(i));
        assert_eq!(c.roles[l], LineRole::Heading);
        // With a title of its own.
        let c = apply(
            &o,
            &d,
            &[(
                l,
                Change::Heading {
                    level: Some(1),
                    title: Some("组织".into()),
                },
            )],
        );
        assert_eq!(tree(&c)[4], "组织");
    }

    #[test]
    fn not_a_heading_drops_the_node_and_its_children_go_to_its_parent() {
        let d = doc(TEXT);
        let o = outline(&d);
        let c = apply(&o, &d, &[(line(&d, "一、"), Change::NotHeading)]);
        consistent(&c);
        assert_eq!(
            tree(&c),
            [
                "（一）指导思想",
                "（二）基本原则",
                "二、主要任务",
                "三、保障措施"
            ]
        );
        assert_eq!(c.parent(0), None);
        // A child's section's parent is its old grandparent, never the sibling before.
        let c = apply(&o, &d, &[(line(&d, "二、"), Change::NotHeading)]);
        consistent(&c);
        assert_eq!(
            tree(&c),
            [
                "一、总体要求",
                "  （一）指导思想",
                "  （二）基本原则",
                "三、保障措施"
            ]
        );
        // The section before now runs on over the dropped one's text.
        let pos = d.lines[line(&d, "各地要")].range.start;
        assert_eq!(c.node_at(pos), Some(2));
    }

    #[test]
    fn promote_and_demote_move_the_subtree() {
        let d = doc(TEXT);
        let o = outline(&d);
        let c = apply(&o, &d, &[(line(&d, "二、"), Change::Shift(1))]);
        consistent(&c);
        assert_eq!(
            tree(&c),
            [
                "一、总体要求",
                "  （一）指导思想",
                "  （二）基本原则",
                "  二、主要任务",
                "三、保障措施"
            ]
        );
        assert_eq!(c.parent(3), Some(0));
        let c = apply(&o, &d, &[(line(&d, "一、"), Change::Shift(1))]);
        assert_eq!(
            tree(&c)[..3],
            ["  一、总体要求", "    （一）指导思想", "    （二）基本原则"]
        );
        let c = apply(&o, &d, &[(line(&d, "（二）"), Change::Shift(-1))]);
        consistent(&c);
        assert_eq!(
            tree(&c)[..3],
            ["一、总体要求", "  （一）指导思想", "（二）基本原则"]
        );
        // Never above the top level.
        let c = apply(&o, &d, &[(line(&d, "一、"), Change::Shift(-3))]);
        assert_eq!(c, apply(&o, &d, &[(line(&d, "一、"), Change::Shift(0))]));
        assert_eq!(c.nodes[0].depth, 1);
    }

    #[test]
    fn rename_changes_only_the_title_shown() {
        let d = doc(TEXT);
        let o = outline(&d);
        let c = apply(
            &o,
            &d,
            &[(line(&d, "（一）"), Change::Rename("思想".into()))],
        );
        assert_eq!(node_path(&c, 1), ["一、总体要求", "（一）思想"]);
        assert_eq!(c.nodes[1].range, o.nodes[1].range);
        assert!(d.text.contains("（一）指导思想"));
    }

    #[test]
    fn a_heading_made_and_moved_keeps_the_tree_consistent() {
        let d = doc(TEXT);
        let o = outline(&d);
        let l = line(&d, "加强组织领导");
        let c = apply(
            &o,
            &d,
            &[
                (
                    l,
                    Change::Heading {
                        level: Some(3),
                        title: None,
                    },
                ),
                (l, Change::Shift(-1)),
                (line(&d, "三、"), Change::Shift(1)),
            ],
        );
        consistent(&c);
        assert_eq!(
            tree(&c),
            [
                "一、总体要求",
                "  （一）指导思想",
                "  （二）基本原则",
                "二、主要任务",
                "  加强组织领导",
                "  三、保障措施"
            ]
        );
    }

    #[test]
    fn rules_make_and_unmake_headings_and_preview_what_they_match() {
        let d = doc(TEXT);
        let o = outline(&d);
        let rules = vec![
            Rule {
                name: "要求".into(),
                pattern: "^加强".into(),
                level: Some(2),
                ..Rule::default()
            },
            Rule {
                name: "no".into(),
                pattern: "^三、".into(),
                kind: RuleKind::NotHeading,
                ..Rule::default()
            },
            Rule {
                name: "off".into(),
                pattern: "^坚持".into(),
                enabled: false,
                ..Rule::default()
            },
        ];
        let changes = rule_changes(&o, &d, &rules);
        assert_eq!(changes.len(), 2);
        let c = apply(&o, &d, &changes);
        assert_eq!(
            tree(&c),
            [
                "一、总体要求",
                "  （一）指导思想",
                "  （二）基本原则",
                "二、主要任务",
                "  加强组织领导"
            ]
        );
        let p = preview(&rules[2], &o, &d).unwrap();
        assert_eq!(p.count, 2);
        assert_eq!(p.first[0].1, "坚持稳中求进。");
        let bad = Rule {
            pattern: "第(".into(),
            ..Rule::default()
        };
        let err = preview(&bad, &o, &d).unwrap_err();
        assert!(err.contains("unclosed group"), "{err}");
        // A bad rule is skipped, the others still apply.
        let with_bad = [bad, rules[0].clone()];
        assert_eq!(rule_changes(&o, &d, &with_bad).len(), 1);
    }
}
