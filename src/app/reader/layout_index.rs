//! The reader's virtualisation model: blocks (one per visible paragraph) and their heights
//! at the current wrap width, with prefix sums to map scroll offsets to blocks and back.
//! Pure: heights come from a measuring function, so this is tested without a GPU.

use crate::document::{Document, TextRange};
use crate::outline::{LineRole, Outline};

/// How a block is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// The document title.
    Title,
    /// Subtitle, byline, date.
    FrontMatter,
    /// `同志们：` on its own line.
    Salutation,
    /// A heading line at the given outline depth (1 = top).
    Heading(u8),
    /// A body paragraph.
    Body,
    /// Advertising or web residue (dimmed, or hidden).
    Boilerplate,
}

/// One paragraph of the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// The document line it shows.
    pub line: usize,
    /// Its char range.
    pub range: TextRange,
    /// How it is set.
    pub kind: BlockKind,
}

/// The blocks of a document: every non-blank line, boilerplate included only when shown.
pub fn blocks(doc: &Document, outline: &Outline, show_boilerplate: bool) -> Vec<Block> {
    let mut heading_depth = std::collections::HashMap::new();
    for node in &outline.nodes {
        if node.kind == crate::outline::NodeKind::Heading {
            heading_depth.entry(node.line).or_insert(node.depth);
        }
    }
    let mut out = Vec::with_capacity(doc.lines.len());
    let mut last_heading_depth = 1;
    for (i, line) in doc.lines.iter().enumerate() {
        let kind = match outline.roles.get(i).copied().unwrap_or(LineRole::Body) {
            LineRole::Blank => continue,
            LineRole::Boilerplate(_) if !show_boilerplate => continue,
            LineRole::Boilerplate(_) => BlockKind::Boilerplate,
            LineRole::Title => BlockKind::Title,
            LineRole::FrontMatter | LineRole::Metadata => BlockKind::FrontMatter,
            LineRole::Contents => BlockKind::Body,
            LineRole::Salutation => BlockKind::Salutation,
            LineRole::Heading => {
                // A heading split over two lines (a broken `（`) keeps one depth.
                let depth = heading_depth.get(&i).copied().unwrap_or(last_heading_depth);
                last_heading_depth = depth;
                BlockKind::Heading(depth)
            }
            LineRole::Body => BlockKind::Body,
        };
        out.push(Block {
            line: i,
            range: line.range,
            kind,
        });
    }
    out
}

/// Heights of blocks at one wrap width, estimated until measured, with prefix sums.
#[derive(Clone, Debug, Default)]
pub struct HeightIndex {
    heights: Vec<f32>,
    exact: Vec<bool>,
    /// `tops[i]` is the y of block `i`; `tops[n]` the total height.
    tops: Vec<f32>,
    /// First block whose `tops` entry is stale.
    stale_from: usize,
}

impl HeightIndex {
    /// An index over `estimates` (one height per block, spacing included).
    pub fn new(estimates: Vec<f32>) -> Self {
        let n = estimates.len();
        let mut index = Self {
            heights: estimates,
            exact: vec![false; n],
            tops: vec![0.0; n + 1],
            stale_from: 0,
        };
        index.refresh();
        index
    }

    /// Number of blocks.
    pub fn len(&self) -> usize {
        self.heights.len()
    }

    /// True when there is no block.
    pub fn is_empty(&self) -> bool {
        self.heights.is_empty()
    }

    /// Whether block `i` has been measured.
    pub fn is_exact(&self, i: usize) -> bool {
        self.exact.get(i).copied().unwrap_or(false)
    }

    /// Record the measured height of block `i`; returns the change in height.
    pub fn set_exact(&mut self, i: usize, height: f32) -> f32 {
        let Some(h) = self.heights.get_mut(i) else {
            return 0.0;
        };
        let delta = height - *h;
        *h = height;
        self.exact[i] = true;
        if delta != 0.0 {
            self.stale_from = self.stale_from.min(i + 1);
        }
        delta
    }

    fn refresh(&mut self) {
        let n = self.heights.len();
        if self.stale_from > n {
            return;
        }
        let mut y = if self.stale_from == 0 {
            0.0
        } else {
            self.tops[self.stale_from - 1] + self.heights[self.stale_from - 1]
        };
        for i in self.stale_from..n {
            self.tops[i] = y;
            y += self.heights[i];
        }
        self.tops[n] = y;
        self.stale_from = n + 1;
    }

    /// The y of block `i` (the total height for `i == len`).
    pub fn top(&mut self, i: usize) -> f32 {
        self.refresh();
        self.tops[i.min(self.heights.len())]
    }

    /// Total height of all blocks.
    pub fn total(&mut self) -> f32 {
        self.top(self.heights.len())
    }

    /// The block covering `y` (the last one past the end).
    pub fn block_at(&mut self, y: f32) -> usize {
        self.refresh();
        let n = self.heights.len();
        if n == 0 {
            return 0;
        }
        let after = self.tops[..n].partition_point(|&top| top <= y);
        after.saturating_sub(1)
    }
}

/// Width of `text` in ems: CJK glyphs and full-width forms are 1 em wide, other chars
/// about 0.55 em — close enough that the scroll bar barely moves when the paragraph is
/// measured for real.
pub fn text_width_em(text: &str) -> f32 {
    text.chars()
        .map(|c| if is_wide(c) { 1.0 } else { 0.55 })
        .sum()
}

/// Estimate the height of a paragraph `width_em` wide (first-line indent included) set at
/// `font_px` with `line_height_px` rows, wrapped at `wrap_px`.
pub fn estimate_height(width_em: f32, font_px: f32, line_height_px: f32, wrap_px: f32) -> f32 {
    let per_row_em = (wrap_px / font_px.max(1.0)).max(1.0);
    let rows = (width_em / per_row_em).ceil().max(1.0);
    rows * line_height_px
}

/// Wide in a CJK face: the wide chars, and the quotes and dashes a CJK face sets full width.
fn is_wide(c: char) -> bool {
    crate::document::is_wide(c) || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::SourceFormat;

    #[test]
    fn prefix_sums_follow_measurements() {
        let mut index = HeightIndex::new(vec![10.0, 20.0, 30.0]);
        assert_eq!(index.total(), 60.0);
        assert_eq!(index.block_at(0.0), 0);
        assert_eq!(index.block_at(9.9), 0);
        assert_eq!(index.block_at(10.0), 1);
        assert_eq!(index.block_at(59.0), 2);
        assert_eq!(index.block_at(1e9), 2);
        assert_eq!(index.set_exact(1, 25.0), 5.0);
        assert!(index.is_exact(1) && !index.is_exact(0));
        assert_eq!(index.top(2), 35.0);
        assert_eq!(index.total(), 65.0);
        assert_eq!(HeightIndex::new(Vec::new()).block_at(5.0), 0);
    }

    #[test]
    fn estimates_count_wide_and_narrow_chars() {
        // 20 CJK chars at 20 px in a 200 px column: 10 per row, plus a 2 em indent → 3 rows.
        let width = text_width_em(&"一".repeat(20)) + 2.0;
        assert_eq!(estimate_height(width, 20.0, 30.0, 200.0), 90.0);
        assert_eq!(estimate_height(text_width_em(""), 20.0, 30.0, 200.0), 30.0);
        assert!((text_width_em("ab一") - 2.1).abs() < 1e-6);
    }

    #[test]
    fn blocks_skip_blank_lines_and_hidden_boilerplate() {
        let doc = Document::from_text(
            "下载\n打印\n全屏\n在全县大会上的讲话稿\n\n同志们：\n一、总体\n正文。".into(),
            "UTF-8",
            SourceFormat::Text,
        );
        let outline = crate::outline::outline(&doc);
        let kinds = |show| {
            blocks(&doc, &outline, show)
                .iter()
                .map(|b| b.kind)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(false),
            [
                BlockKind::Title,
                BlockKind::Salutation,
                BlockKind::Heading(1),
                BlockKind::Body
            ]
        );
        assert_eq!(kinds(true).len(), 7);
        assert_eq!(kinds(true)[0], BlockKind::Boilerplate);
    }
}
