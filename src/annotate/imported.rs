//! A Word document's comments (批注) and highlighted runs as annotations of their own kind,
//! and the colours and comment text the annotated export writes (so the two directions
//! agree: an exported document opens with the same annotations).
//!
//! - A comment becomes an annotation on its range: its text is the note (a last line
//!   `标签：#a #b` or `Tags: #a #b` gives the tags), its author and date are kept in
//!   [`Imported`], its colour is that of the highlighted or shaded runs under it (yellow
//!   when there are none), and its replies stay with it ([`Reply`]). A comment on exactly
//!   a heading's title, over no highlight, is a section note.
//! - Highlighted, shaded or colour-underlined runs outside every comment become highlights
//!   without a note (author unknown).
//! - Ids come from what the comment or highlight says, not from the time: opening the same
//!   document again makes the same ids, so nothing is imported twice, and a removed one
//!   (its id among the set's removals) stays removed.
//! - Editing one makes it the reader's own ([`owned_if_edited`]): the author goes, the
//!   replies stay.

use std::collections::HashMap;

use crate::document::{Document, DocxComment, RunColor, TextRange};
use crate::outline::Outline;

use super::{Annotation, AnnotationId, AnnotationSet, Color, Kind, Mark};

/// Who wrote an imported comment, and when.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// `w:author` (empty for a highlighted run, whose author Word does not record).
    pub author: String,
    /// `w:initials`.
    pub initials: String,
    /// `w:date`, milliseconds since 1970, if it had one that could be read.
    pub date_ms: Option<i64>,
}

/// A reply to a comment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// Who wrote it.
    pub author: String,
    /// Their initials.
    pub initials: String,
    /// When, milliseconds since 1970.
    pub date_ms: Option<i64>,
    /// What it says.
    pub text: String,
}

/// How the tag line at the end of an exported comment starts (Chinese, English).
pub const TAG_LINE_PREFIXES: [&str; 2] = ["标签：", "Tags: "];

/// The colour a Pizhu highlight fills with (as the exports write it).
pub fn fill_rgb(color: Color) -> [u8; 3] {
    match color {
        Color::Yellow => [0xFF, 0xDF, 0x5E],
        Color::Green => [0x9F, 0xDD, 0x8C],
        Color::Blue => [0x8E, 0xC3, 0xF5],
        Color::Pink => [0xF7, 0xA6, 0xC4],
        Color::Purple => [0xCB, 0xAE, 0xF2],
    }
}

/// The colour of a Pizhu underline (full strength).
pub fn ink_rgb(color: Color) -> [u8; 3] {
    match color {
        Color::Yellow => [0xE0, 0xA8, 0x00],
        Color::Green => [0x3F, 0xA3, 0x4D],
        Color::Blue => [0x2F, 0x7F, 0xD8],
        Color::Pink => [0xE0, 0x52, 0x8A],
        Color::Purple => [0x8A, 0x5C, 0xD6],
    }
}

/// `RRGGBB`.
pub fn hex(rgb: [u8; 3]) -> String {
    format!("{:02X}{:02X}{:02X}", rgb[0], rgb[1], rgb[2])
}

/// The nearest of Word's highlight colours (`w:highlight w:val`).
pub fn word_highlight(color: Color) -> &'static str {
    match color {
        Color::Yellow => "yellow",
        Color::Green => "green",
        Color::Blue => "cyan",
        Color::Pink => "magenta",
        Color::Purple => "darkMagenta",
    }
}

/// The Pizhu colour of a Word highlight colour; `None` for those that mark nothing a reader
/// would call a highlight (black, white, greys).
pub fn color_of_highlight(name: &str) -> Option<Color> {
    Some(match name.trim() {
        "yellow" | "darkYellow" => Color::Yellow,
        "green" | "darkGreen" => Color::Green,
        "cyan" | "blue" | "darkCyan" | "darkBlue" => Color::Blue,
        "magenta" | "red" | "darkRed" => Color::Pink,
        "darkMagenta" => Color::Purple,
        _ => return None,
    })
}

/// The Pizhu colour nearest a shading or underline colour (greys and near-white: none).
pub fn color_of_rgb(rgb: [u8; 3]) -> Option<Color> {
    if !crate::document::is_colourful(rgb) {
        return None;
    }
    let distance = |other: [u8; 3]| -> i32 {
        (0..3)
            .map(|i| {
                let d = i32::from(rgb[i]) - i32::from(other[i]);
                d * d
            })
            .sum()
    };
    Color::ALL
        .into_iter()
        .flat_map(|c| [(c, fill_rgb(c)), (c, ink_rgb(c))])
        .min_by_key(|&(_, other)| distance(other))
        .map(|(c, _)| c)
}

/// What a run's colour means in Pizhu.
fn color_of_run(fill: &RunColor) -> Option<Color> {
    match fill {
        RunColor::Highlight(name) => color_of_highlight(name),
        RunColor::Shading(rgb) => color_of_rgb(*rgb),
    }
}

/// The text of the comment an annotation becomes: its note, then (if it has tags from the
/// tag field) a last line `标签：#a #b` (`Tags: …` when `english`).
pub fn comment_text(note: &str, tags: &[String], english: bool) -> String {
    let note = note.trim_end();
    if tags.is_empty() {
        return note.to_owned();
    }
    let prefix = TAG_LINE_PREFIXES[usize::from(english)];
    let line = tags
        .iter()
        .map(|t| format!("#{t}"))
        .collect::<Vec<_>>()
        .join(" ");
    if note.is_empty() {
        format!("{prefix}{line}")
    } else {
        format!("{note}\n{prefix}{line}")
    }
}

/// A comment's text as a note and the tags of its last line (see [`comment_text`]).
pub fn split_comment_text(text: &str) -> (String, Vec<String>) {
    let text = text.trim_end();
    let (head, last) = match text.rfind('\n') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => ("", text),
    };
    let tags = TAG_LINE_PREFIXES
        .iter()
        .find_map(|p| last.trim_start().strip_prefix(p))
        .and_then(|rest| {
            let tags: Option<Vec<String>> = rest
                .split_whitespace()
                .map(|t| {
                    let t = t.strip_prefix(['#', '＃'])?;
                    (!t.is_empty()).then(|| t.to_owned())
                })
                .collect();
            tags.filter(|t| !t.is_empty())
        });
    match tags {
        Some(tags) => (head.to_owned(), tags),
        None => (text.to_owned(), Vec::new()),
    }
}

/// A `w:date` (`2026-11-28T09:30:00Z`, with or without an offset or fraction; without one
/// it is taken as UTC) in milliseconds since 1970.
pub fn parse_date(date: &str) -> Option<i64> {
    let date = date.trim();
    if let Ok(ts) = date.parse::<jiff::Timestamp>() {
        return Some(ts.as_millisecond());
    }
    let civil: jiff::civil::DateTime = date.parse().ok()?;
    civil
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

/// The annotation a comment or highlight becomes is known by what it says: the same
/// document opened again gives the same ids (never 0).
fn stable_id(parts: &[&str]) -> AnnotationId {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let bytes = hasher.finalize();
    let mut id = [0u8; 8];
    id.copy_from_slice(&bytes.as_bytes()[..8]);
    u64::from_le_bytes(id).max(1)
}

/// Gives each key its own id, the second of two alike one of its own.
#[derive(Default)]
struct Ids(HashMap<AnnotationId, u32>);

impl Ids {
    fn next(&mut self, parts: &[&str]) -> AnnotationId {
        let base = stable_id(parts);
        let n = self.0.entry(base).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            let nth = n.to_string();
            let mut more = parts.to_vec();
            more.push(&nth);
            stable_id(&more)
        }
    }
}

/// Every comment and marked run of `doc` (a `.docx`) as annotations, placed in it.
pub fn from_document(doc: &Document, outline: &Outline) -> Vec<Annotation> {
    let markup = &doc.markup;
    if markup.comments.is_empty() && markup.highlights.is_empty() {
        return Vec::new();
    }
    let clamp = |r: TextRange| {
        let end = r.end.min(doc.char_count);
        TextRange::new(r.start.min(end), end)
    };
    let by_id: HashMap<&str, &DocxComment> =
        markup.comments.iter().map(|c| (c.id.as_str(), c)).collect();
    // The comment a reply belongs to: up its chain of parents (bounded; a cycle stops).
    let root_of = |c: &DocxComment| -> Option<String> {
        let mut at = c;
        for _ in 0..32 {
            match at.parent.as_deref().and_then(|p| by_id.get(p)) {
                Some(parent) if parent.id != c.id => at = parent,
                _ => break,
            }
        }
        (at.id != c.id).then(|| at.id.clone())
    };
    let mut replies: HashMap<String, Vec<Reply>> = HashMap::new();
    let mut roots = Vec::new();
    for c in &markup.comments {
        match root_of(c) {
            Some(root) => replies.entry(root).or_default().push(Reply {
                author: c.author.clone(),
                initials: c.initials.clone(),
                date_ms: c.date.as_deref().and_then(parse_date),
                text: c.text.clone(),
            }),
            None => roots.push(c),
        }
    }
    let mut ids = Ids::default();
    let mut out = Vec::new();
    let commented: Vec<TextRange> = roots.iter().map(|c| clamp(c.range)).collect();
    for c in roots {
        let range = clamp(c.range);
        let date_ms = c.date.as_deref().and_then(parse_date);
        let (note, tags) = split_comment_text(&c.text);
        let (color, mark, marked) = colour_under(doc, range, &commented);
        let kind = if !marked && outline.nodes.iter().any(|n| n.title_range == range) {
            Kind::SectionNote
        } else {
            Kind::Highlight
        };
        let mut a = Annotation {
            kind,
            color,
            mark,
            note,
            tags,
            created_ms: date_ms.unwrap_or(0),
            modified_ms: date_ms.unwrap_or(0),
            ..Annotation::default()
        };
        a.set_range(doc, range);
        a.id = ids.next(&[
            "docx-comment",
            &c.author,
            c.date.as_deref().unwrap_or(""),
            &c.text,
            &a.quote,
        ]);
        a.imported = Some(Box::new(Imported {
            author: c.author.clone(),
            initials: c.initials.clone(),
            date_ms,
        }));
        a.replies = replies.remove(&c.id).unwrap_or_default();
        out.push(a);
    }
    for h in &markup.highlights {
        let range = clamp(h.range);
        if range.is_empty() || commented.iter().any(|c| c.contains_range(range)) {
            continue;
        }
        let Some((color, mark)) = look(h.fill.as_ref(), h.underline) else {
            continue;
        };
        let mut a = Annotation {
            kind: Kind::Highlight,
            color,
            mark,
            ..Annotation::default()
        };
        a.set_range(doc, range);
        a.id = ids.next(&[
            "docx-highlight",
            color.name(),
            if mark == Mark::Underline { "u" } else { "f" },
            &a.prefix,
            &a.quote,
            &a.suffix,
        ]);
        a.imported = Some(Box::default());
        out.push(a);
    }
    out
}

/// The colour and mark a marked run shows in Pizhu.
fn look(fill: Option<&RunColor>, underline: Option<[u8; 3]>) -> Option<(Color, Mark)> {
    if let Some(color) = fill.and_then(color_of_run) {
        return Some((color, Mark::Fill));
    }
    underline
        .and_then(color_of_rgb)
        .map(|color| (color, Mark::Underline))
}

/// The colour and mark of the marked runs under `range`, and whether there were any;
/// yellow fill when none. Where comments overlap, the shortest one shows its colour (as
/// the reader and the export draw them): the colour is read where this comment is the
/// shortest (`comments`: every comment's range), the most common there winning.
fn colour_under(doc: &Document, range: TextRange, comments: &[TextRange]) -> (Color, Mark, bool) {
    // The stretches of `range` no shorter comment covers.
    let mut own = vec![range];
    for other in comments
        .iter()
        .filter(|o| o.len() < range.len() && o.start < range.end && range.start < o.end)
    {
        own = own
            .into_iter()
            .flat_map(|r| {
                [
                    TextRange::new(r.start, other.start.clamp(r.start, r.end)),
                    TextRange::new(other.end.clamp(r.start, r.end), r.end),
                ]
            })
            .filter(|r| !r.is_empty())
            .collect();
    }
    if own.is_empty() {
        own = vec![range];
    }
    let mut votes: Vec<(Color, Mark, usize)> = Vec::new();
    for h in &doc.markup.highlights {
        let Some((color, mark)) = look(h.fill.as_ref(), h.underline) else {
            continue;
        };
        let overlap: usize = own
            .iter()
            .map(|r| {
                h.range
                    .end
                    .min(r.end)
                    .saturating_sub(h.range.start.max(r.start))
            })
            .sum();
        if overlap == 0 {
            continue;
        }
        match votes.iter_mut().find(|v| v.0 == color && v.1 == mark) {
            Some(v) => v.2 += overlap,
            None => votes.push((color, mark, overlap)),
        }
    }
    match votes.into_iter().max_by_key(|v| v.2) {
        Some((color, mark, _)) => (color, mark, true),
        None => (Color::Yellow, Mark::Fill, false),
    }
}

/// The reader changed an imported annotation (`old` → `new`): its note, tags, colour, mark
/// or kind. It is theirs from now on: the comment's author and date go; its replies stay.
pub fn owned_if_edited(old: &Annotation, new: &mut Annotation) {
    let edited = old.note != new.note
        || old.tags != new.tags
        || old.color != new.color
        || old.mark != new.mark
        || old.kind != new.kind;
    if edited {
        new.imported = None;
    }
}

impl AnnotationSet {
    /// Add the annotations of `imported` that this set has never held (neither here nor
    /// among its removals): what a document's comments add when it is opened. Not an undo
    /// step. Returns how many were added.
    pub fn import(&mut self, imported: Vec<Annotation>) -> usize {
        let known: std::collections::HashSet<AnnotationId> = self
            .items
            .iter()
            .map(|a| a.id)
            .chain(self.removed.iter().map(|&(id, _)| id))
            .collect();
        let before = self.items.len();
        self.items
            .extend(imported.into_iter().filter(|a| !known.contains(&a.id)));
        let added = self.items.len() - before;
        if added > 0 {
            self.sort();
            self.generation += 1;
        }
        added
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_go_to_the_last_line_and_come_back() {
        let tags = vec!["作风".to_owned(), "金句".to_owned()];
        let text = comment_text("要点\n第二行", &tags, false);
        assert_eq!(text, "要点\n第二行\n标签：#作风 #金句");
        assert_eq!(
            split_comment_text(&text),
            ("要点\n第二行".to_owned(), tags.clone())
        );
        assert_eq!(
            split_comment_text(&comment_text("", &tags, true)),
            (String::new(), tags)
        );
        // A note's own last line of hashtags stays in the note.
        assert_eq!(
            split_comment_text("金句\n#金句"),
            ("金句\n#金句".to_owned(), Vec::new())
        );
        assert_eq!(
            split_comment_text("标签：没有井号"),
            ("标签：没有井号".to_owned(), Vec::new())
        );
    }

    #[test]
    fn colours_map_both_ways() {
        for c in Color::ALL {
            assert_eq!(color_of_highlight(word_highlight(c)), Some(c), "{c:?}");
            assert_eq!(color_of_rgb(fill_rgb(c)), Some(c), "{c:?}");
            assert_eq!(color_of_rgb(ink_rgb(c)), Some(c), "{c:?}");
        }
        assert_eq!(color_of_highlight("black"), None);
        assert_eq!(color_of_highlight("lightGray"), None);
        assert_eq!(color_of_rgb([0xFF, 0xFF, 0x00]), Some(Color::Yellow));
        assert_eq!(color_of_rgb([0xD9, 0xD9, 0xD9]), None);
        assert_eq!(color_of_rgb([0xFF, 0xFF, 0xFF]), None);
    }

    #[test]
    fn dates_with_and_without_an_offset() {
        assert_eq!(parse_date("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_date("1970-01-01T00:00:01"), Some(1000));
        assert_eq!(parse_date("1970-01-01T08:00:01+08:00"), Some(1000));
        assert_eq!(parse_date("1970-01-01T00:00:01.5Z"), Some(1500));
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let mut a = Ids::default();
        let mut b = Ids::default();
        let first = a.next(&["x", "y"]);
        assert_eq!(first, b.next(&["x", "y"]));
        assert_ne!(first, a.next(&["x", "y"]));
        assert_ne!(stable_id(&["xy"]), stable_id(&["x", "y"]));
    }
}
