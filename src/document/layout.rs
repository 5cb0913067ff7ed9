//! Positioned text (PDF, OFD pages) → the paragraphs a person reads.
//!
//! The page formats draw text as runs at positions; nothing in them says where a paragraph
//! ends. [`reflow`] rebuilds the reading: runs → lines by baseline, columns read one after
//! the other, lines → paragraphs by indentation, short last lines and vertical gaps,
//! paragraphs carried across page breaks, running headers, footers and page numbers left
//! out, and the file's own outline (bookmarks) turned into heading hints.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::{DocxParagraph, LineHint, is_wide};

/// A run of text drawn at one place: one or more chars in reading order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Run {
    /// The chars, in reading order.
    pub text: String,
    /// Left edge of the first glyph, page units (pt for PDF, mm for OFD), x grows rightwards.
    pub x: f32,
    /// Baseline, page units, y grows DOWN the page (PDF callers flip: y = page_height - y_pdf).
    pub y: f32,
    /// Advance width of the whole run; 0.0 when unknown (then estimated: size per CJK char,
    /// size/2 per other char).
    pub width: f32,
    /// Font size (em height) in page units.
    pub size: f32,
}

/// One page: its size, its runs in drawing order, and how many images it draws.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// Page width, page units.
    pub width: f32,
    /// Page height, page units.
    pub height: f32,
    /// The text drawn on the page, in drawing order (any order works).
    pub runs: Vec<Run>,
    /// How many images the page draws.
    pub images: usize,
}

/// An entry of the file's own outline (PDF bookmarks, OFD Outlines): a hint for headings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bookmark {
    /// The entry's title as the file gives it.
    pub title: String,
    /// Depth in the outline, 1-based.
    pub level: u8,
    /// The page it points to, 0-based.
    pub page: usize,
}

/// What [`reflow`] made of the pages.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reflowed {
    /// The paragraphs in reading order, headings hinted from the bookmarks.
    pub paragraphs: Vec<DocxParagraph>,
    /// 0-based pages that draw images and have no text: scans (→ FormatNotice::ScannedPages).
    pub image_only_pages: Vec<usize>,
}

impl Reflowed {
    /// The notice naming the scanned pages of a document of `total` pages (none: `None`).
    pub fn scanned_notice(&self, total: usize) -> Option<super::FormatNotice> {
        let page = |p: usize| u32::try_from(p).unwrap_or(u32::MAX);
        (!self.image_only_pages.is_empty()).then(|| super::FormatNotice::ScannedPages {
            pages: self.image_only_pages.iter().map(|&p| page(p + 1)).collect(),
            total: page(total),
        })
    }
}

/// Estimated advance of `text` at font size `size`: a full em per CJK char, half an em
/// for anything else.
pub fn estimate_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| if is_wide(c) { size } else { size * 0.5 })
        .sum()
}

/// Turn pages of positioned text into paragraphs (see the module documentation).
pub fn reflow(pages: &[Page], bookmarks: &[Bookmark]) -> Reflowed {
    let mut lines = Vec::new();
    let mut blocks = Vec::new();
    let mut image_only_pages = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let runs = prepare_runs(page);
        if runs.iter().all(|g| g.text.is_empty()) {
            if page.images > 0 {
                image_only_pages.push(index);
            }
            continue;
        }
        page_lines(index, runs, &mut lines, &mut blocks);
    }
    remove_running_lines(pages, &mut lines);
    let paragraphs = paragraphs(&lines, &blocks);
    let paragraphs = apply_bookmarks(paragraphs, bookmarks);
    Reflowed {
        paragraphs,
        image_only_pages,
    }
}

// ---------------------------------------------------------------------------------------
// Characters

/// Whitespace drawn as text: ASCII and Unicode spaces, including the ideographic U+3000.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{00A0}'
}

/// Whether a line is CJK text: more wide chars than Latin letters.
fn is_cjk_text(text: &str) -> bool {
    let mut wide = 0usize;
    let mut letters = 0usize;
    for c in text.chars() {
        if is_wide(c) {
            wide += 1;
        } else if c.is_alphabetic() {
            letters += 1;
        }
    }
    wide > 0 && wide >= letters
}

// ---------------------------------------------------------------------------------------
// Runs → rows → lines

/// A run with its whitespace edges trimmed and its right edge known.
#[derive(Clone, Debug)]
struct Glyphs {
    /// The chars, blanks at either end removed; empty for a run of blanks only.
    text: String,
    /// Left edge of the first char that is not blank.
    x: f32,
    /// Right edge of the last char that is not blank.
    x1: f32,
    /// Right edge of the run as drawn, blanks included (spaces that fill a line).
    end: f32,
    y: f32,
    size: f32,
}

/// The page's runs with text, trimmed: leading blanks move the left edge (a run of
/// `　　一、` starts two ems in), trailing blanks move the right edge.
fn prepare_runs(page: &Page) -> Vec<Glyphs> {
    let mut out = Vec::with_capacity(page.runs.len());
    for run in &page.runs {
        if !(run.x.is_finite() && run.y.is_finite() && run.size.is_finite() && run.size > 0.0) {
            continue;
        }
        let trimmed = run.text.trim_matches(is_blank);
        let estimated = estimate_width(&run.text, run.size);
        let width = if run.width.is_finite() && run.width > 0.0 {
            run.width
        } else {
            estimated
        };
        // Blanks at either end take their share of the width.
        let scale = if estimated > 0.0 {
            width / estimated
        } else {
            1.0
        };
        if trimmed.is_empty() {
            // Blanks only: no text, but they say how far the line was drawn.
            out.push(Glyphs {
                text: String::new(),
                x: run.x,
                x1: run.x,
                end: run.x + width,
                y: run.y,
                size: run.size,
            });
            continue;
        }
        let lead_len = run.text.len() - run.text.trim_start_matches(is_blank).len();
        let lead = estimate_width(&run.text[..lead_len], run.size) * scale;
        let trail_start = run.text.trim_end_matches(is_blank).len();
        let trail = estimate_width(&run.text[trail_start..], run.size) * scale;
        out.push(Glyphs {
            text: trimmed.to_owned(),
            x: run.x + lead,
            x1: run.x + (width - trail).max(lead),
            end: run.x + width,
            y: run.y,
            size: run.size,
        });
    }
    out
}

/// One line of text as read: within one column, one baseline.
#[derive(Clone, Debug)]
struct Line {
    text: String,
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    page: usize,
    block: usize,
    cjk: bool,
    /// Left out as a running header, footer or page number.
    removed: bool,
}

/// A text block: one column of one page (the whole page when it has one column).
#[derive(Clone, Copy, Debug)]
struct Block {
    /// Whether the block is the only column of its page.
    full_page: bool,
    /// For rows across the columns of a page: the left and right edges of the page's text.
    span: Option<(f32, f32)>,
}

/// Runs sharing a baseline, sorted left to right.
struct Row {
    runs: Vec<Glyphs>,
    y: f32,
    size: f32,
    /// Right edge of what the row draws, blanks included.
    end: f32,
}

/// Group runs into rows by baseline (tolerance relative to the font size).
fn rows(mut runs: Vec<Glyphs>) -> Vec<Row> {
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Row> = Vec::new();
    for run in runs {
        if let Some(row) = rows.last_mut() {
            // While building, `y` is the first run's baseline and `size` the largest size.
            let size = row.size.max(run.size);
            if run.y - row.y <= 0.4 * size {
                row.size = size;
                row.runs.push(run);
                continue;
            }
        }
        rows.push(Row {
            y: run.y,
            size: run.size,
            end: run.end,
            runs: vec![run],
        });
    }
    for row in &mut rows {
        row.end = row
            .runs
            .iter()
            .map(|g| g.end)
            .fold(f32::NEG_INFINITY, f32::max);
        row.runs.retain(|g| !g.text.is_empty());
        row.runs.sort_by(|a, b| a.x.total_cmp(&b.x));
        // The baseline and size of the row are those of its longest run (its body text,
        // not a superscript).
        let main = row
            .runs
            .iter()
            .max_by_key(|r| r.text.chars().count())
            .map(|r| (r.y, r.size));
        if let Some((y, size)) = main {
            row.y = y;
            row.size = size;
        }
    }
    rows.retain(|row| !row.runs.is_empty());
    rows
}

/// Median of some numbers (0 when there are none).
fn median(mut values: Vec<f32>) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f32::total_cmp);
    values[values.len() / 2]
}

/// Most gutter candidates looked at on one page.
const MAX_GUTTER_CANDIDATES: usize = 8;

/// Most bookmarks matched against the paragraphs, and most paragraphs tried for each.
const MAX_BOOKMARKS: usize = 10_000;
const MAX_BOOKMARK_TRIES: usize = 1_000;

/// Vertical gutters shared by many rows: `(left, right)` x ranges with no text, with
/// columns of text on both sides whose lines run up to the gutter.
fn gutters(rows: &[Row]) -> Vec<(f32, f32)> {
    const BINS: usize = 256;
    if rows.len() < 6 {
        return Vec::new();
    }
    let min_x = rows
        .iter()
        .flat_map(|r| r.runs.iter().map(|g| g.x))
        .fold(f32::INFINITY, f32::min);
    let max_x = rows
        .iter()
        .flat_map(|r| r.runs.iter().map(|g| g.x1))
        .fold(f32::NEG_INFINITY, f32::max);
    let span = max_x - min_x;
    if !span.is_finite() || span <= 0.0 {
        return Vec::new();
    }
    let em = median(rows.iter().map(|r| r.size).collect());
    let bin_of = |x: f32| (((x - min_x) / span * BINS as f32) as usize).min(BINS - 1);
    let mut counts = vec![0u32; BINS];
    let mut marked = vec![usize::MAX; BINS];
    for (i, row) in rows.iter().enumerate() {
        // Runs are sorted by x: each bin is looked at once per row.
        let mut next_bin = 0;
        for g in &row.runs {
            for bin in bin_of(g.x).max(next_bin)..=bin_of(g.x1) {
                if marked[bin] != i {
                    marked[bin] = i;
                    counts[bin] += 1;
                }
            }
            next_bin = next_bin.max(bin_of(g.x1));
        }
    }
    let quiet = (rows.len() / 10).max(1) as u32;
    let x_of = |bin: usize| min_x + span * bin as f32 / BINS as f32;
    let mut found = Vec::new();
    let mut checked = 0;
    let mut bin = 0;
    while bin < BINS {
        if counts[bin] > quiet {
            bin += 1;
            continue;
        }
        let start = bin;
        while bin < BINS && counts[bin] <= quiet {
            bin += 1;
        }
        let (left, right) = (x_of(start), x_of(bin));
        let middle = (left + right) / 2.0;
        if right - left < 0.8 * em || middle < min_x + 0.2 * span || middle > max_x - 0.2 * span {
            continue;
        }
        // Each check below reads every row: a few candidates at most.
        checked += 1;
        if checked > MAX_GUTTER_CANDIDATES {
            break;
        }
        // The column left of the gutter starts at the gutter before it.
        let column_start = found.last().map_or(min_x, |&(_, r): &(f32, f32)| r);
        if left - column_start < 8.0 * em || max_x - right < 8.0 * em {
            continue;
        }
        // Rows with text on both sides; how many of them run up to the gutter; how wide
        // their left parts are (a form's labels are narrow, a column's lines are not).
        let mut both = 0usize;
        let mut filled = 0usize;
        let mut widths = Vec::new();
        for row in rows {
            let inside = row
                .runs
                .iter()
                .filter(|g| g.x >= column_start - em && g.x1 <= middle);
            let (first, last) = inside.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), g| {
                (a.min(g.x), b.max(g.x1))
            });
            let after = row.runs.iter().any(|g| g.x >= middle);
            if last.is_finite() && after {
                both += 1;
                widths.push(last - first);
                if left - last < em {
                    filled += 1;
                }
            }
        }
        if both >= 4
            && both * 2 >= rows.len()
            && filled * 3 >= both * 2
            && median(widths) >= 0.6 * (left - column_start)
        {
            found.push((left, right));
        }
    }
    found
}

/// Join a row segment's runs into one line's text: a gap between Latin chars is one space,
/// a gap next to a CJK char is none.
fn join_runs(runs: &[Glyphs]) -> String {
    let mut text = String::new();
    let mut prev: Option<&Glyphs> = None;
    for g in runs {
        if let Some(p) = prev {
            // The same text drawn twice at the same place (fake bold, shadows): once.
            if p.text == g.text
                && (p.x - g.x).abs() < 0.2 * g.size
                && (p.y - g.y).abs() < 0.2 * g.size
            {
                continue;
            }
            let gap = g.x - p.x1;
            let left = p.text.chars().next_back();
            let right = g.text.chars().next();
            if let (Some(l), Some(r)) = (left, right)
                && gap > 0.15 * g.size.max(p.size)
                && !is_wide(l)
                && !is_wide(r)
            {
                text.push(' ');
            }
        }
        text.push_str(&g.text);
        prev = Some(g);
    }
    text
}

/// Make the lines of one page, in reading order (column by column), and its blocks.
fn page_lines(
    page_index: usize,
    runs: Vec<Glyphs>,
    lines: &mut Vec<Line>,
    blocks: &mut Vec<Block>,
) {
    let rows = rows(runs);
    let gutters = gutters(&rows);
    // On a page of one column, blanks drawn up to the right edge make a full line.
    let one_column = gutters.is_empty();
    let make_line = |runs: &[Glyphs], row: &Row, block: usize| {
        let text = join_runs(runs);
        let x0 = runs.first().map_or(0.0, |g| g.x);
        let ink = runs.iter().map(|g| g.x1).fold(x0, f32::max);
        let x1 = if one_column { ink.max(row.end) } else { ink };
        Line {
            cjk: is_cjk_text(&text),
            text,
            x0,
            x1,
            y: row.y,
            size: row.size,
            page: page_index,
            block,
            removed: false,
        }
    };
    if gutters.is_empty() {
        let block = blocks.len();
        blocks.push(Block {
            full_page: true,
            span: None,
        });
        for row in &rows {
            lines.push(make_line(&row.runs, row, block));
        }
        return;
    }
    // Rows inside columns wait in their column; a row across the gutters (a title over
    // both columns) first lets the columns above it be read.
    let centres: Vec<f32> = gutters.iter().map(|(l, r)| (l + r) / 2.0).collect();
    let mut columns: Vec<Vec<Line>> = vec![Vec::new(); centres.len() + 1];
    let flush = |columns: &mut Vec<Vec<Line>>, lines: &mut Vec<Line>, blocks: &mut Vec<Block>| {
        for column in columns.iter_mut() {
            if column.is_empty() {
                continue;
            }
            let block = blocks.len();
            blocks.push(Block {
                full_page: false,
                span: None,
            });
            for mut line in column.drain(..) {
                line.block = block;
                lines.push(line);
            }
        }
    };
    // Rows across the columns are measured against the whole page's text.
    let page_left = rows
        .iter()
        .flat_map(|r| r.runs.iter().map(|g| g.x))
        .fold(f32::INFINITY, f32::min);
    let page_right = rows
        .iter()
        .flat_map(|r| r.runs.iter().map(|g| g.x1))
        .fold(f32::NEG_INFINITY, f32::max);
    let mut span_block: Option<usize> = None;
    for row in &rows {
        let spans = row
            .runs
            .iter()
            .any(|g| centres.iter().any(|&c| g.x < c && g.x1 > c));
        if spans {
            flush(&mut columns, lines, blocks);
            let block = *span_block.get_or_insert_with(|| {
                blocks.push(Block {
                    full_page: false,
                    span: Some((page_left, page_right)),
                });
                blocks.len() - 1
            });
            lines.push(make_line(&row.runs, row, block));
            continue;
        }
        span_block = None;
        let mut start = 0;
        while start < row.runs.len() {
            let column = centres.iter().filter(|&&c| c <= row.runs[start].x).count();
            let mut end = start + 1;
            while end < row.runs.len()
                && centres.iter().filter(|&&c| c <= row.runs[end].x).count() == column
            {
                end += 1;
            }
            columns[column].push(make_line(&row.runs[start..end], row, usize::MAX));
            start = end;
        }
    }
    flush(&mut columns, lines, blocks);
}

// ---------------------------------------------------------------------------------------
// Running headers, footers, page numbers

/// A page number on its own: `— 3 —`, `-3-`, `3`, `第3页`, `第3页 共12页`, `Page 3 of 12`, `3/12`.
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)^(?:
            [-–—―－~〜·•\s]*[0-9０-９]{1,5}[-–—―－~〜·•\s]*
          | [-–—―－\s]*第\s*[0-9０-９一二三四五六七八九十百〇零]{1,6}\s*页\s*(?:[,，/／]?\s*共\s*[0-9０-９一二三四五六七八九十百〇零]{1,6}\s*页)?[-–—―－\s]*
          | page\s*[0-9]{1,5}(?:\s*(?:of|/)\s*[0-9]{1,5})?
          | [0-9]{1,5}\s*/\s*[0-9]{1,5}
          | [ivxlc]{1,6}
        )$",
    )
    .expect("page number pattern")
});

/// A line with digits masked and spaces dropped, to compare headers across pages.
fn running_key(text: &str) -> String {
    text.chars()
        .filter(|c| !is_blank(*c))
        .map(|c| {
            if c.is_ascii_digit() || ('０'..='９').contains(&c) {
                '#'
            } else {
                c
            }
        })
        .collect()
}

/// Mark the lines at the top and bottom of pages that repeat on many pages (digits
/// masked) and page numbers.
fn remove_running_lines(pages: &[Page], lines: &mut [Line]) {
    // Candidate lines: up to two from the top and two from the bottom of each page, inside
    // the page's top or bottom band.
    let mut candidates: Vec<usize> = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let page = lines[start].page;
        let mut end = start;
        while end < lines.len() && lines[end].page == page {
            end += 1;
        }
        let mut order: Vec<usize> = (start..end).collect();
        order.sort_by(|&a, &b| lines[a].y.total_cmp(&lines[b].y));
        let height = pages.get(page).map_or(0.0, |p| p.height);
        let height = if height > 0.0 {
            height
        } else {
            lines[start..end].iter().map(|l| l.y).fold(0.0, f32::max)
        };
        let first = candidates.len();
        for &i in order.iter().take(2) {
            if lines[i].y <= 0.12 * height {
                candidates.push(i);
            }
        }
        for &i in order.iter().rev().take(2) {
            if lines[i].y - lines[i].size >= 0.85 * height && !candidates[first..].contains(&i) {
                candidates.push(i);
            }
        }
        start = end;
    }
    let text_pages = {
        let mut pages: Vec<usize> = lines.iter().map(|l| l.page).collect();
        pages.dedup();
        pages.len()
    };
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    for &i in &candidates {
        let entry = seen
            .entry(running_key(&lines[i].text))
            .or_insert((0, usize::MAX));
        if entry.1 != lines[i].page {
            entry.0 += 1;
            entry.1 = lines[i].page;
        }
    }
    for &i in &candidates {
        let count = seen.get(&running_key(&lines[i].text)).map_or(0, |e| e.0);
        let repeats = count >= 2 && (count >= 3 || count * 2 >= text_pages);
        if repeats || PAGE_NUMBER.is_match(lines[i].text.trim()) {
            lines[i].removed = true;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Lines → paragraphs

/// The measured edges of a block's text.
#[derive(Clone, Copy, Debug)]
struct Edges {
    left: f32,
    right: f32,
}

/// A paragraph being built, with the page it starts on.
struct Para {
    text: String,
    page: usize,
}

/// Edges of every block: its own, or the document's usual ones for a short full-page
/// block (the last page of a document holds a few lines).
fn block_edges(lines: &[&Line], blocks: &[Block]) -> Vec<Edges> {
    let mut edges: Vec<Option<(f32, f32, usize)>> = vec![None; blocks.len()];
    for line in lines {
        let e = edges[line.block].get_or_insert((f32::INFINITY, f32::NEG_INFINITY, 0));
        e.0 = e.0.min(line.x0);
        e.1 = e.1.max(line.x1);
        e.2 += 1;
    }
    let full: Vec<(f32, f32)> = edges
        .iter()
        .zip(blocks)
        .filter_map(|(e, b)| e.filter(|e| b.full_page && e.2 >= 4).map(|e| (e.0, e.1)))
        .collect();
    let usual_left = median(full.iter().map(|e| e.0).collect());
    let usual_right = median(full.iter().map(|e| e.1).collect());
    edges
        .iter()
        .zip(blocks)
        .map(|(e, b)| match e {
            _ if b.span.is_some() => {
                let (left, right) = b.span.unwrap_or_default();
                Edges { left, right }
            }
            Some((left, right, n)) if b.full_page && *n < 4 && !full.is_empty() => Edges {
                left: left.min(usual_left),
                right: right.max(usual_right),
            },
            Some((left, right, _)) => Edges {
                left: *left,
                right: *right,
            },
            None => Edges {
                left: 0.0,
                right: 0.0,
            },
        })
        .collect()
}

/// Width of the first word of a line: what would have fitted at the end of the line before.
fn first_word_width(line: &Line) -> f32 {
    let mut width = 0.0;
    let mut chars = line.text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_wide(c) || (width == 0.0 && OPENING.contains(c)) {
            if width > 0.0 {
                // A number or word, and the punctuation after it: `5.4%，`.
                return width + if CLOSING.contains(c) { line.size } else { 0.0 };
            }
            // CJK line breaking keeps an opening bracket with the char after it and a
            // closing one with the char before it: `市“一`, `“一`, `帮；` move to the next
            // line together, leaving the line before short by their width.
            let second = chars.next();
            let third = chars.next();
            let together = match (second, third) {
                (Some(b), Some(_)) if OPENING.contains(b) => 3.0,
                (Some(b), _) if CLOSING.contains(b) => 2.0,
                (Some(_), _) if OPENING.contains(c) => 2.0,
                _ => 1.0,
            };
            return together * line.size;
        }
        if is_blank(c) {
            break;
        }
        width += line.size * 0.5;
    }
    width
}

/// Punctuation a CJK line may not end with.
const OPENING: &str = "“‘《（「『【〔〈〖([{";

/// Punctuation a CJK line may not start with.
const CLOSING: &str = "，。、；：？！”’》）」』】〕〉〗…,.;:?!)]}";

/// Whether `line` stops clearly short of the block's right edge.
///
/// In a document whose paragraphs start indented or with space above, a CJK line followed
/// by one that is not indented must end more than 4 em short: line breaking rules (numbers kept with the
/// punctuation around them, `，308`, `75.6%从`) leave lines a few chars short inside a
/// paragraph.
fn ends_short(line: &Line, next: &Line, edges: Edges, indent_style: bool) -> bool {
    let room = edges.right - line.x1;
    let mut need = first_word_width(next) + if line.cjk { 0.0 } else { 0.3 * line.size };
    if indent_style && line.cjk {
        need = need.max(3.5 * line.size);
    }
    room > need + 0.5 * line.size
}

/// Whether a line starts to the right of the block's left edge (by most of an em).
fn indented(line: &Line, edges: Edges) -> bool {
    line.x0 - edges.left > 0.8 * line.size
}

/// Whether a line is centred in its block: clear of both edges, by about as much.
fn centred(line: &Line, edges: Edges) -> bool {
    let left = line.x0 - edges.left;
    let right = edges.right - line.x1;
    left > line.size && right > line.size && (left - right).abs() < line.size
}

/// Whether two font sizes differ (a heading against body text).
fn sizes_differ(a: f32, b: f32) -> bool {
    (a - b).abs() > 0.12 * a.max(b)
}

/// Append a line to a paragraph: CJK lines join directly, Latin with one space, and a
/// hyphen between Latin letters at the end of a line joins the word without it (between
/// CJK chars a hyphen is text: `自然指数-科研城市`).
fn append_line(text: &mut String, prev: &Line, line: &str) {
    let line = line.trim_matches(is_blank);
    let last = text.chars().next_back();
    let first = line.chars().next();
    if let (Some('-'), Some(first)) = (last, first) {
        let before = text[..text.len() - 1].chars().next_back();
        let latin = |c: char| c.is_alphabetic() && !is_wide(c);
        if before.is_some_and(latin) && latin(first) {
            text.pop();
            text.push_str(line);
            return;
        }
    }
    let space = match (last, first) {
        (Some(l), Some(f)) => !prev.cjk && !is_wide(l) && !is_wide(f) && !is_blank(l),
        _ => false,
    };
    if space {
        text.push(' ');
    }
    text.push_str(line);
}

/// Lines → paragraphs.
fn paragraphs(all: &[Line], blocks: &[Block]) -> Vec<Para> {
    let lines: Vec<&Line> = all.iter().filter(|l| !l.removed).collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let edges = block_edges(&lines, blocks);
    // The usual line pitch, in ems, between lines of one block.
    let pitch = median(
        lines
            .windows(2)
            .filter(|w| w[0].block == w[1].block && w[1].y > w[0].y)
            .map(|w| (w[1].y - w[0].y) / w[1].size.max(w[0].size))
            .collect(),
    );
    let pitch = if pitch > 0.0 { pitch } else { 1.5 };
    let body_size = median(lines.iter().map(|l| l.size).collect());
    // Paragraphs marked by indented first lines or by space above them (one line in
    // twelve or more so marked).
    let indented_lines = lines.iter().filter(|l| indented(l, edges[l.block])).count();
    let spaced_lines = lines
        .windows(2)
        .filter(|w| {
            w[0].block == w[1].block && w[1].y - w[0].y > 1.4 * pitch * w[1].size.max(w[0].size)
        })
        .count();
    let marked = |n: usize| n >= 3 && n * 12 >= lines.len();
    let indent_style = marked(indented_lines) || marked(spaced_lines);
    let mut paras: Vec<Para> = Vec::new();
    let mut prev: Option<&Line> = None;
    for &line in &lines {
        let starts = match prev {
            None => true,
            Some(p) => new_paragraph(p, line, &edges, (pitch, body_size, indent_style)),
        };
        match paras.last_mut() {
            Some(para) if !starts => {
                if let Some(p) = prev {
                    append_line(&mut para.text, p, &line.text);
                }
            }
            _ => paras.push(Para {
                text: line.text.trim_matches(is_blank).to_owned(),
                page: line.page,
            }),
        }
        prev = Some(line);
    }
    paras.retain(|p| !p.text.is_empty());
    paras
}

/// A list item's marker at the start of a line: `1、`, `2.`, `（三）`, `四、`, `第五条`.
static ITEM_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[0-9０-９]{1,3}(?:、|[.．](?:[^0-9０-９]|$))|[（(][一二三四五六七八九十0-9０-９]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十百0-9]{1,4}[章节条])",
    )
    .expect("item pattern")
});

/// Whether a line ends a sentence (and so may end a paragraph).
fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches(is_blank).ends_with([
        '。', '！', '？', '；', '：', '!', '?', ';', ':', '》', '」', '』', '”',
    ])
}

/// A list: the line before ends a sentence and this one starts with an item's marker.
fn starts_item(prev: &Line, line: &Line) -> bool {
    ends_sentence(&prev.text) && ITEM_START.is_match(line.text.trim_start_matches(is_blank))
}

/// Whether `line` starts a new paragraph after `prev`.
fn new_paragraph(
    prev: &Line,
    line: &Line,
    edges: &[Edges],
    (pitch, body_size, indent_style): (f32, f32, bool),
) -> bool {
    let (pe, le) = (edges[prev.block], edges[line.block]);
    if sizes_differ(prev.size, line.size) || starts_item(prev, line) {
        return true;
    }
    if prev.block != line.block {
        // Across a page or column break: the paragraph goes on when the last line ran to
        // the right edge and the next one is not indented.
        return ends_short(prev, line, pe, indent_style) || indented(line, le) || centred(prev, pe);
    }
    let dy = line.y - prev.y;
    if dy <= 0.0 || dy > 1.4 * pitch * line.size.max(prev.size) {
        return true;
    }
    // A title over several centred lines.
    if centred(line, le)
        && (centred(prev, pe)
            || (prev.size > 1.15 * body_size && !ends_short(prev, line, pe, indent_style)))
    {
        return false;
    }
    if indented(line, le) {
        return true;
    }
    ends_short(prev, line, pe, indent_style)
}

// ---------------------------------------------------------------------------------------
// Bookmarks → heading hints

/// Text without blanks, for comparing titles.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !is_blank(*c)).collect()
}

/// Give `Heading(level)` to the paragraph each bookmark names: the first one, from the
/// bookmark's page on, that starts with its title.
fn apply_bookmarks(paras: Vec<Para>, bookmarks: &[Bookmark]) -> Vec<DocxParagraph> {
    let mut hints = vec![LineHint::None; paras.len()];
    if !bookmarks.is_empty() {
        let starts: Vec<String> = paras
            .iter()
            .map(|p| p.text.chars().filter(|c| !is_blank(*c)).take(200).collect())
            .collect();
        // Paragraphs by their first two chars: a bookmark tries only those it could name.
        let mut by_start: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, start) in starts.iter().enumerate() {
            by_start
                .entry(start.chars().take(2).collect())
                .or_default()
                .push(i);
        }
        for mark in bookmarks.iter().take(MAX_BOOKMARKS) {
            let title = squeeze(&mark.title);
            if title.chars().count() < 2 {
                continue;
            }
            let key: String = title.chars().take(2).collect();
            let Some(candidates) = by_start.get(&key) else {
                continue;
            };
            let from = paras.partition_point(|p| p.page < mark.page);
            let split = candidates.partition_point(|&i| i < from);
            let found = candidates[split..]
                .iter()
                .chain(&candidates[..split])
                .take(MAX_BOOKMARK_TRIES)
                .copied()
                .find(|&i| hints[i] == LineHint::None && starts[i].starts_with(&title));
            if let Some(i) = found {
                hints[i] = LineHint::Heading(mark.level.clamp(1, 9));
            }
        }
    }
    paras
        .into_iter()
        .zip(hints)
        .map(|(p, hint)| DocxParagraph { text: p.text, hint })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EM: f32 = 5.0;

    /// A run of `text` at (x, y), one em per CJK char, half an em for others.
    fn run(text: &str, x: f32, y: f32) -> Run {
        Run {
            text: text.into(),
            x,
            y,
            width: estimate_width(text, EM),
            size: EM,
        }
    }

    /// An A4-like page (mm) holding these runs.
    fn page(runs: Vec<Run>) -> Page {
        Page {
            width: 210.0,
            height: 297.0,
            runs,
            images: 0,
        }
    }

    fn texts(pages: &[Page]) -> Vec<String> {
        reflow(pages, &[])
            .paragraphs
            .into_iter()
            .map(|p| p.text)
            .collect()
    }

    const LEFT: f32 = 30.0;
    const RIGHT: f32 = 180.0;
    /// Chars per full CJK line between LEFT and RIGHT.
    const COLS: usize = 30;
    const PITCH: f32 = 9.0;

    /// Lay CJK paragraphs out like a printed 公文: two-em indent, full lines, one row each,
    /// starting at row `first_row`; returns the runs and the next row.
    fn lay_out(paras: &[&str], first_row: usize) -> (Vec<Run>, usize) {
        let mut runs = Vec::new();
        let mut row = first_row;
        for para in paras {
            let chars: Vec<char> = para.chars().collect();
            let mut i = 0;
            let mut first = true;
            while i < chars.len() {
                let indent = if first { 2 } else { 0 };
                let n = (COLS - indent).min(chars.len() - i);
                let text: String = chars[i..i + n].iter().collect();
                runs.push(run(
                    &text,
                    LEFT + indent as f32 * EM,
                    40.0 + row as f32 * PITCH,
                ));
                i += n;
                row += 1;
                first = false;
            }
        }
        (runs, row)
    }

    fn long(seed: &str, n: usize) -> String {
        seed.chars().cycle().take(n).collect()
    }

    #[test]
    fn runs_on_one_baseline_make_one_line_in_x_order() {
        // Drawn right to left, baselines a little apart: one line, read left to right.
        let p = page(vec![
            run("工作", 40.0, 50.3),
            run("我们的", 25.0, 50.0),
            run("下一行", 25.0, 50.0 + PITCH),
        ]);
        let reflowed = reflow(&[p], &[]);
        assert_eq!(reflowed.paragraphs.len(), 1);
        assert_eq!(reflowed.paragraphs[0].text, "我们的工作下一行");
        // Rows apart by more than the tolerance are two lines (joined, CJK, no space).
        let p = page(vec![run("上", 25.0, 50.0), run("下", 25.0, 53.0)]);
        assert_eq!(texts(&[p]), vec!["上下"]);
    }

    #[test]
    fn a_wide_gap_is_no_space_in_cjk_but_one_space_in_latin() {
        let line = |runs: Vec<Run>| texts(&[page(runs)]).join("|");
        assert_eq!(
            line(vec![run("姓名", 30.0, 50.0), run("张三", 60.0, 50.0)]),
            "姓名张三"
        );
        let world = 30.0 + 2.5 * EM + 1.5;
        assert_eq!(
            line(vec![run("hello", 30.0, 80.0), run("world", world, 80.0)]),
            "hello world"
        );
        // A gap as wide as the whole word is still one space.
        assert_eq!(
            line(vec![run("hello", 30.0, 80.0), run("world", 80.0, 80.0)]),
            "hello world"
        );
        let cjk = 30.0 + 1.5 * EM + 6.0;
        assert_eq!(
            line(vec![run("OFD", 30.0, 110.0), run("阅读器", cjk, 110.0)]),
            "OFD阅读器"
        );
        // A run that brings its own space gets no second one.
        assert_eq!(
            line(vec![run("hello ", 30.0, 80.0), run("world", 80.0, 80.0)]),
            "hello world"
        );
    }

    #[test]
    fn touching_latin_runs_get_no_space_and_repeated_runs_are_read_once() {
        let p = page(vec![
            run("Rea", 30.0, 50.0),
            run("der", 30.0 + 1.5 * EM, 50.0),
            // Fake bold: the same run drawn again a hair to the right.
            run("der", 30.0 + 1.5 * EM + 0.2, 50.0),
        ]);
        assert_eq!(texts(&[p]), vec!["Reader"]);
    }

    #[test]
    fn two_columns_are_read_one_after_the_other() {
        let mut runs = Vec::new();
        // A title across both columns, then two columns of 10 full lines each.
        runs.push(run(
            "标题横跨两栏的一行文字标题横跨两栏的一行文字",
            40.0,
            30.0,
        ));
        for row in 0..10 {
            let y = 45.0 + row as f32 * PITCH;
            // The left column's paragraph ends short on its last line.
            let left = if row == 9 {
                "左栏第9行".to_owned()
            } else {
                format!("左栏第{row}行文字内容满行左栏第{row}行")
            };
            runs.push(run(&left, 20.0, y));
            runs.push(run(
                &format!("右栏第{row}行文字内容满行右栏第{row}行"),
                110.0,
                y,
            ));
        }
        let paras = texts(&[page(runs)]);
        assert_eq!(paras.len(), 3, "{paras:?}");
        assert!(paras[0].starts_with("标题"));
        assert!(paras[1].starts_with("左栏第0行") && paras[1].ends_with("左栏第9行"));
        assert!(paras[2].starts_with("右栏第0行") && paras[2].ends_with("右栏第9行"));
        assert!(!paras[1].contains('右'), "{paras:?}");
    }

    #[test]
    fn a_form_with_label_and_value_columns_stays_row_by_row() {
        // Labels and values with a wide gap but values of any length: not newspaper columns.
        let mut runs = Vec::new();
        for (i, (label, value)) in [
            ("姓名", "张三"),
            ("性别", "男"),
            ("出生日期", "一九八〇年一月"),
            ("单位", "某某市人民政府办公室"),
            ("职务", "科员"),
            ("证书编号", "第〇〇一号"),
            ("发证机关", "某某市"),
        ]
        .iter()
        .enumerate()
        {
            let y = 40.0 + i as f32 * 2.0 * PITCH;
            runs.push(run(label, 30.0, y));
            runs.push(run(value, 110.0, y));
        }
        let paras = texts(&[page(runs)]);
        assert_eq!(paras[0], "姓名张三", "{paras:?}");
        assert_eq!(paras[2], "出生日期一九八〇年一月", "{paras:?}");
    }

    #[test]
    fn cjk_lines_join_without_space_latin_with_one_and_hyphens_join_words() {
        let latin = |t: &str, y: f32| Run {
            text: t.into(),
            x: LEFT,
            y,
            width: RIGHT - LEFT - if t.ends_with('.') { 60.0 } else { 0.0 },
            size: EM,
        };
        let p = page(vec![
            latin("The reader opens the docu-", 50.0),
            latin("ment and keeps its notes", 50.0 + PITCH),
            latin("with it.", 50.0 + 2.0 * PITCH),
        ]);
        assert_eq!(
            texts(&[p]),
            vec!["The reader opens the document and keeps its notes with it."]
        );
        let (runs, _) = lay_out(&[&long("坚持学习推动落实", 70)], 0);
        let paras = texts(&[page(runs)]);
        assert_eq!(paras, vec![long("坚持学习推动落实", 70)]);
        // A hyphen not between letters stays.
        let p = page(vec![
            latin("numbers 1990-", 50.0),
            latin("2000 were kept.", 50.0 + PITCH),
        ]);
        assert!(texts(&[p])[0].contains("1990-"));
        // Nor between CJK chars: `自然指数-科研城市` broken after the hyphen keeps it.
        let p = page(vec![
            latin("建设自然指数-", 50.0),
            latin("科研城市。", 50.0 + PITCH),
        ]);
        assert_eq!(texts(&[p]), vec!["建设自然指数-科研城市。"]);
    }

    #[test]
    fn an_indented_line_starts_a_paragraph() {
        let a = long("甲", 40);
        let b = long("乙", 35);
        let (runs, _) = lay_out(&[&a, &b], 0);
        assert_eq!(texts(&[page(runs)]), vec![a, b]);
    }

    #[test]
    fn a_short_line_ends_a_paragraph_even_without_indent() {
        let p = page(vec![
            run(&long("甲", COLS), LEFT, 50.0),
            run(&long("甲", 10), LEFT, 50.0 + PITCH),
            run(&long("乙", COLS), LEFT, 50.0 + 2.0 * PITCH),
            run(&long("乙", COLS - 1), LEFT, 50.0 + 3.0 * PITCH),
            run(&long("乙", 3), LEFT, 50.0 + 4.0 * PITCH),
        ]);
        assert_eq!(
            texts(&[p]),
            vec![long("甲", COLS + 10), long("乙", 2 * COLS + 2)]
        );
    }

    #[test]
    fn a_line_left_short_by_chars_that_break_together_goes_on() {
        // `市“` and `帮；` cannot be split, so the line before them ends two or three chars
        // short: not the end of a paragraph. Three chars short before a plain char is.
        for (next, short_by, joined) in [
            ("市“一联三帮”专项行动", 3, true),
            ("帮；贵在实", 2, true),
            ("“一网通办”", 2, true),
            ("5.4%，高于全国", 3, true),
            ("落实到位", 2, false),
        ] {
            let p = page(vec![
                run(&long("甲", COLS), LEFT, 50.0),
                run(&long("甲", COLS - short_by), LEFT, 50.0 + PITCH),
                run(next, LEFT, 50.0 + 2.0 * PITCH),
            ]);
            assert_eq!(texts(&[p]).len() == 1, joined, "{next}");
        }
    }

    #[test]
    fn in_an_indented_document_a_line_a_few_chars_short_goes_on() {
        // Paragraphs start indented; inside the second one a line ends 3 chars short (a
        // number kept whole), and the line after it is not indented: the same paragraph.
        let mut runs = lay_out(&[&long("甲", 70), &long("乙", 58)], 0).0;
        runs.push(run(&long("丙", COLS - 3), LEFT, 40.0 + 5.0 * PITCH));
        runs.push(run("5.4%，高于全国。", LEFT, 40.0 + 6.0 * PITCH));
        runs.extend(lay_out(&[&long("丁", 40)], 7).0);
        let paras = texts(&[page(runs)]);
        assert_eq!(paras.len(), 3, "{paras:?}");
        assert!(paras[1].ends_with("丙5.4%，高于全国。"), "{paras:?}");
        // The same where paragraphs are marked by space above them.
        let mut runs = vec![run(&long("甲", COLS), LEFT, 40.0)];
        for row in 0..3 {
            runs.push(run(&long("乙", COLS), LEFT, 60.0 + row as f32 * PITCH));
        }
        runs.push(run(&long("丙", COLS - 3), LEFT, 60.0 + 3.0 * PITCH));
        runs.push(run("5.4%，高于全国。", LEFT, 60.0 + 4.0 * PITCH));
        runs.push(run(&long("丁", 10), LEFT, 80.0 + 4.0 * PITCH));
        runs.push(run(&long("戊", 10), LEFT, 100.0 + 4.0 * PITCH));
        let paras = texts(&[page(runs)]);
        assert_eq!(paras.len(), 4, "{paras:?}");
        assert!(paras[1].ends_with("丙5.4%，高于全国。"), "{paras:?}");
        // Without indented paragraphs, the same short line ends its paragraph.
        let p = page(vec![
            run(&long("丙", COLS), LEFT, 50.0),
            run(&long("丙", COLS - 3), LEFT, 50.0 + PITCH),
            run("高于全国。", LEFT, 50.0 + 2.0 * PITCH),
        ]);
        assert_eq!(texts(&[p]).len(), 2);
    }

    #[test]
    fn a_vertical_gap_starts_a_paragraph() {
        let p = page(vec![
            run(&long("甲", COLS), LEFT, 50.0),
            run(&long("甲", COLS), LEFT, 50.0 + PITCH),
            run(&long("甲", COLS), LEFT, 50.0 + 2.0 * PITCH),
            run(&long("乙", COLS), LEFT, 50.0 + 4.0 * PITCH),
            run(&long("乙", 4), LEFT, 50.0 + 5.0 * PITCH),
        ]);
        assert_eq!(
            texts(&[p]),
            vec![long("甲", 3 * COLS), long("乙", COLS + 4)]
        );
    }

    #[test]
    fn a_paragraph_goes_on_across_a_page_break() {
        // 25 full rows on page 1; the paragraph ends on page 2, then a new one starts.
        let a = long("春夏秋冬", 28 + 24 * COLS + 7);
        let (mut runs1, _) = lay_out(&[&a], 0);
        let runs2: Vec<Run> = runs1.split_off(25);
        let runs2: Vec<Run> = runs2
            .into_iter()
            .map(|mut r| {
                r.y -= 25.0 * PITCH;
                r
            })
            .chain(lay_out(&[&long("新段", 50)], 1).0)
            .collect();
        let paras = texts(&[page(runs1), page(runs2)]);
        assert_eq!(paras, vec![a, long("新段", 50)]);
        // An indented first line on the next page is a new paragraph.
        let (r1, _) = lay_out(&[&long("甲", 28 + 5 * COLS)], 0);
        let (r2, _) = lay_out(&[&long("乙", 40)], 0);
        assert_eq!(texts(&[page(r1), page(r2)]).len(), 2);
    }

    #[test]
    fn running_headers_footers_and_page_numbers_are_removed() {
        let numbers = [
            "— 1 —",
            "-2-",
            "- 3 -",
            "4",
            "第5页",
            "第6页 共12页",
            "Page 7 of 12",
        ];
        let mut pages = Vec::new();
        let mut body = Vec::new();
        for (n, number) in numbers.iter().enumerate() {
            let text = long(&format!("第{n}页正文"), 3 * COLS - 2);
            let (mut runs, _) = lay_out(&[&text], 0);
            body.push(text);
            runs.push(run("某某市人民政府办公室文件", LEFT, 20.0));
            runs.push(run(&format!("机密 第{}期", n + 1), 150.0, 20.0 + 2.0 * EM));
            runs.push(run(number, 100.0, 280.0));
            pages.push(page(runs));
        }
        assert_eq!(texts(&pages), body);
        // A page number alone on a one-page document goes too; a body line does not.
        let (mut runs, _) = lay_out(&[&long("正文", 20)], 0);
        runs.push(run("— 1 —", 100.0, 280.0));
        assert_eq!(texts(&[page(runs)]), vec![long("正文", 20)]);
        // A line at the top of only one page of many is kept.
        let mut pages = Vec::new();
        for n in 0..4 {
            let (mut runs, _) = lay_out(&[&long("内容", 20)], 0);
            if n == 0 {
                runs.push(run("只在首页的一行", LEFT, 20.0));
            }
            pages.push(page(runs));
        }
        assert_eq!(texts(&pages)[0], "只在首页的一行");
    }

    #[test]
    fn page_numbers_pattern() {
        for s in [
            "— 3 —",
            "-3-",
            "- 3 -",
            "3",
            "第3页",
            "第3页 共12页",
            "Page 3 of 12",
            "3/12",
            "第 三 页",
        ] {
            assert!(PAGE_NUMBER.is_match(s), "{s}");
        }
        for s in ["第三章", "一、总体要求", "2026年", "Page one"] {
            assert!(!PAGE_NUMBER.is_match(s), "{s}");
        }
    }

    #[test]
    fn full_width_indent_spaces_are_dropped_and_move_the_left_edge() {
        // The indent drawn as two U+3000 at the left margin, not as an x offset.
        let p = page(vec![
            run(&format!("　　{}", long("甲", COLS - 2)), LEFT, 50.0),
            run(&long("甲", 5), LEFT, 50.0 + PITCH),
            run(&format!("　　{}", long("乙", 5)), LEFT, 50.0 + 2.0 * PITCH),
        ]);
        assert_eq!(texts(&[p]), vec![long("甲", COLS + 3), long("乙", 5)]);
    }

    #[test]
    fn a_centred_title_on_two_lines_is_one_paragraph() {
        let big = Run {
            size: 8.0,
            width: 16.0 * 8.0,
            ..run(&long("标", 16), 41.0, 40.0)
        };
        let second = Run {
            size: 8.0,
            width: 6.0 * 8.0,
            ..run(&long("题", 6), 81.0, 52.0)
        };
        let (body, _) = lay_out(&[&long("正", 40)], 3);
        let mut runs = vec![big, second];
        runs.extend(body);
        let paras = texts(&[page(runs)]);
        assert_eq!(
            paras,
            vec![
                format!("{}{}", long("标", 16), long("题", 6)),
                long("正", 40)
            ]
        );
    }

    #[test]
    fn blanks_drawn_to_the_right_edge_fill_the_line() {
        // "会员群：" and spaces up to the edge, wrapped: the line goes on, as one paragraph.
        let spaces = " ".repeat(2 * (COLS - 6));
        for runs in [
            vec![run(&format!("会员群：{spaces}"), LEFT + 2.0 * EM, 50.0)],
            // The same with the blanks drawn as runs of their own.
            vec![
                run("会员群：", LEFT + 2.0 * EM, 50.0),
                run(&spaces, LEFT + 6.0 * EM, 50.0),
            ],
        ] {
            let mut runs = runs;
            runs.push(run("免费QQ群：", LEFT, 50.0 + PITCH));
            assert_eq!(texts(&[page(runs)]), vec!["会员群：免费QQ群："]);
        }
    }

    #[test]
    fn regression_a_short_indented_heading_is_not_a_centred_title() {
        // An indented heading ending short, then an indented first line: two paragraphs,
        // although both lines sit near the middle of the block.
        let (runs, _) = lay_out(&[&long("二", 24), &long("一", 40)], 0);
        assert_eq!(texts(&[page(runs)]), vec![long("二", 24), long("一", 40)]);
        let head = Run {
            width: 24.0 * EM,
            ..run(&long("二", 24), LEFT + 2.0 * EM, 50.0)
        };
        let next = run(&long("一", COLS - 2), LEFT + 2.0 * EM, 50.0 + PITCH);
        assert_eq!(texts(&[page(vec![head, next])]).len(), 2);
    }

    #[test]
    fn a_list_item_after_a_full_line_ending_a_sentence_starts_a_paragraph() {
        // Items one line each, some as long as the longest: the marker tells them apart.
        let item = |text: &str, row: usize| run(text, LEFT, 50.0 + row as f32 * PITCH);
        let p = page(vec![
            item(&format!("1、{}。", long("甲", COLS - 3)), 0),
            item(&format!("2、{}》", long("乙", COLS - 3)), 1),
            item(&format!("3.{}", long("丙", COLS - 2)), 2),
            item(&format!("1.5{}。", long("丁", COLS - 4)), 3),
            item("（四）戊。", 4),
        ]);
        let paras = texts(&[p]);
        assert_eq!(paras.len(), 4, "{paras:?}");
        // "1.5…" is a number, not an item: it goes on the line before.
        assert!(
            paras[2].starts_with("3.") && paras[2].contains("1.5"),
            "{paras:?}"
        );
        assert_eq!(paras[3], "（四）戊。");
    }

    #[test]
    fn bookmarks_become_heading_hints() {
        let (runs1, _) = lay_out(&["目录", "一、总体要求……1", "二、主要任务……2"], 0);
        let (runs2, _) = lay_out(
            &["一、总体要求", &long("内容", 40), "二、主要任务", "正文"],
            0,
        );
        let marks = [
            Bookmark {
                title: "一、总体要求".into(),
                level: 1,
                page: 1,
            },
            Bookmark {
                title: " 二、主要任务".into(),
                level: 2,
                page: 1,
            },
            Bookmark {
                title: "不存在的标题".into(),
                level: 1,
                page: 0,
            },
        ];
        let out = reflow(&[page(runs1), page(runs2)], &marks);
        let hinted: Vec<(&str, LineHint)> = out
            .paragraphs
            .iter()
            .filter(|p| p.hint != LineHint::None)
            .map(|p| (p.text.as_str(), p.hint))
            .collect();
        assert_eq!(
            hinted,
            vec![
                ("一、总体要求", LineHint::Heading(1)),
                ("二、主要任务", LineHint::Heading(2))
            ]
        );
    }

    #[test]
    fn a_page_of_a_hundred_thousand_runs_takes_little_time() {
        // One char per run: 1,000 on one baseline, then 100 rows of them.
        let mut runs = Vec::new();
        for row in 0..100 {
            for i in 0..1_000 {
                runs.push(run("字", LEFT + i as f32 * EM, 40.0 + row as f32 * PITCH));
            }
        }
        let start = std::time::Instant::now();
        let out = reflow(&[page(runs)], &[]);
        assert_eq!(
            out.paragraphs
                .iter()
                .map(|p| p.text.chars().count())
                .sum::<usize>(),
            100_000
        );
        assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    }

    #[test]
    fn many_bookmarks_that_match_nothing_take_little_time() {
        // 10,000 paragraphs all starting alike, 10,000 bookmarks matching none of them.
        let mut pages = Vec::new();
        for _ in 0..250 {
            let paras: Vec<String> = (0..40).map(|i| format!("一、第{i}项")).collect();
            let refs: Vec<&str> = paras.iter().map(String::as_str).collect();
            pages.push(page(lay_out(&refs, 0).0));
        }
        let marks: Vec<Bookmark> = (0..10_000)
            .map(|i| Bookmark {
                title: format!("一、没有的{i}"),
                level: 1,
                page: 0,
            })
            .collect();
        let start = std::time::Instant::now();
        let out = reflow(&pages, &marks);
        assert!(out.paragraphs.iter().all(|p| p.hint == LineHint::None));
        assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    }

    #[test]
    fn pages_with_images_and_no_text_are_listed() {
        let (runs, _) = lay_out(&["正文"], 0);
        let pages = [
            Page {
                images: 1,
                ..page(vec![run("　 ", 30.0, 30.0)])
            },
            Page {
                images: 2,
                ..page(runs)
            },
            page(Vec::new()),
            Page {
                images: 1,
                ..page(Vec::new())
            },
        ];
        let out = reflow(&pages, &[]);
        assert_eq!(out.image_only_pages, vec![0, 3]);
        assert_eq!(out.paragraphs.len(), 1);
        assert!(reflow(&[], &[]).paragraphs.is_empty());
    }

    #[test]
    fn hostile_numbers_do_not_panic() {
        let p = page(vec![
            Run {
                x: f32::NAN,
                ..run("甲", 0.0, 0.0)
            },
            Run {
                size: 0.0,
                ..run("乙", 0.0, 0.0)
            },
            Run {
                width: f32::INFINITY,
                ..run("丙", 1e30, -1e30)
            },
            Run {
                width: -5.0,
                ..run("丁", -1e30, 1e30)
            },
        ]);
        let out = reflow(&[p], &[]);
        assert!(out.paragraphs.iter().any(|p| p.text.contains('丙')));
    }

    #[test]
    fn a_hundred_pages_reflow_in_a_few_milliseconds() {
        let mut pages = Vec::new();
        for n in 0..100 {
            let text = long("坚持以人民为中心的发展思想，推动高质量发展。", 10 * COLS);
            let (mut runs, _) = lay_out(&[&text[..], &text[..]], 0);
            runs.push(run(&format!("— {} —", n + 1), 100.0, 280.0));
            pages.push(page(runs));
        }
        let start = std::time::Instant::now();
        let out = reflow(&pages, &[]);
        let took = start.elapsed();
        assert_eq!(out.paragraphs.len(), 200);
        // Generous for an unoptimised test build on a busy machine.
        assert!(took.as_millis() < 500, "{took:?}");
    }
}
