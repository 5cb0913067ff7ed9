//! Finding an annotation's text again after the document changed.
//!
//! Like Hypothesis and Zotero, each annotation keeps its quote, some context on both sides
//! and its old offsets. Placing tries, in order: the old offsets (the text there still
//! matches, and so do at least a few chars of the old context around it); the same with
//! the offsets moved as far as the annotation before it moved (an edit shifts everything
//! after it alike, so a long list is placed without searching the text for each); the exact
//! quote, choosing among its occurrences by context and then by distance from the old
//! place; the old context on both sides with the quote edited between them; an approximate
//! match (edit distance ≤ a quarter of the quote) near the old place or near an exact piece
//! of the quote found anywhere. What none of these places stays unplaced — kept, listed,
//! never dropped.

use memchr::memmem;

use super::Annotation;
use crate::document::{Document, TextRange};

/// Chars of context stored on each side of a quote.
pub const CONTEXT_CHARS: usize = 32;

/// How an annotation was placed in the current text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AnchorState {
    /// At its old offsets.
    #[default]
    Exact,
    /// The same quote, found elsewhere.
    Moved,
    /// Text close to the quote (small edits inside it).
    Fuzzy,
    /// Not found (未能定位): kept with its quote and note.
    Unplaced,
}

/// Chars of the old context that must still surround the quote at its old offsets for it
/// to be taken as unmoved without looking further.
const TRUSTED_CONTEXT_CHARS: usize = 8;

/// Most occurrences of a quote examined (a one-char quote in a big document).
const MAX_OCCURRENCES: usize = 20_000;

/// Where `a` stands in `doc` now, and how it was found (`None`: unplaced).
pub fn place(doc: &Document, a: &Annotation) -> Option<(TextRange, AnchorState)> {
    place_hinted(doc, a, 0)
}

/// [`place`], trying first the old offsets moved by `shift` chars (how far the annotation
/// before it moved: an edit shifts everything after it alike).
fn place_hinted(doc: &Document, a: &Annotation, shift: isize) -> Option<(TextRange, AnchorState)> {
    let quote = a.quote.as_str();
    if quote.is_empty() {
        return (a.range.end <= doc.char_count).then(|| {
            (
                TextRange::new(a.range.start, a.range.start),
                AnchorState::Exact,
            )
        });
    }
    let text = doc.text.as_str();
    let mut at_old_offsets = None;
    if a.range.end <= doc.char_count && a.range.start <= a.range.end {
        let (s, e) = (doc.byte_of(a.range.start), doc.byte_of(a.range.end));
        if text.get(s..e) == Some(quote) {
            // The same words at the old offsets may be another occurrence that the text
            // before shifted there: only trust them when some of the old context agrees.
            if context_agrees(text, s, e, a) {
                return Some((a.range, AnchorState::Exact));
            }
            at_old_offsets = Some(s);
        }
    }
    let quote_len = quote.chars().count();
    if shift != 0
        && let Some(start) = a.range.start.checked_add_signed(shift)
        && start + quote_len <= doc.char_count
    {
        let (s, e) = (doc.byte_of(start), doc.byte_of(start + quote_len));
        if text.get(s..e) == Some(quote) && context_agrees(text, s, e, a) {
            return Some((TextRange::new(start, start + quote_len), AnchorState::Moved));
        }
    }
    let expected_byte = doc.byte_of(a.range.start.min(doc.char_count));
    if let Some(byte) = best_exact(text, a, expected_byte) {
        if Some(byte) == at_old_offsets {
            return Some((a.range, AnchorState::Exact));
        }
        let start = doc.char_of_byte(byte);
        return Some((TextRange::new(start, start + quote_len), AnchorState::Moved));
    }
    let quote_chars: Vec<char> = quote.chars().collect();
    let max_errors = quote_chars.len() / 4;
    if max_errors == 0 {
        // Too short to tell a small edit from another text.
        return None;
    }
    if let Some(range) = between_context(doc, a, &quote_chars, max_errors, expected_byte) {
        return Some((range, AnchorState::Fuzzy));
    }
    approximate(doc, &quote_chars, max_errors, expected_byte).map(|r| (r, AnchorState::Fuzzy))
}

/// Whether at least [`TRUSTED_CONTEXT_CHARS`] of the old context (all of it, when it is
/// shorter) surround bytes `s..e` of `text`.
fn context_agrees(text: &str, s: usize, e: usize, a: &Annotation) -> bool {
    let score =
        common_suffix_chars(&text[..s], &a.prefix) + common_prefix_chars(&text[e..], &a.suffix);
    let full = a.prefix.chars().count() + a.suffix.chars().count();
    score >= full.min(TRUSTED_CONTEXT_CHARS)
}

/// Place every annotation (in document order), updating ranges, quotes and context of those
/// that moved.
pub fn place_all(doc: &Document, items: &mut [Annotation]) {
    let mut shift = 0isize;
    for a in items {
        let old_start = a.range.start;
        let placed = place_hinted(doc, a, shift);
        if let Some((range, _)) = placed {
            shift = range.start as isize - old_start as isize;
        }
        match placed {
            Some((range, AnchorState::Exact)) => {
                a.range = range;
                a.state = AnchorState::Exact;
            }
            Some((range, state)) => {
                a.set_range(doc, range);
                a.state = state;
            }
            None => a.state = AnchorState::Unplaced,
        }
    }
}

/// The byte offset of the occurrence of the quote that best fits its context, nearest the
/// old place among equals.
fn best_exact(text: &str, a: &Annotation, expected_byte: usize) -> Option<usize> {
    let mut best: Option<(usize, usize, usize)> = None; // (score, distance, byte)
    for byte in memmem::find_iter(text.as_bytes(), a.quote.as_bytes()).take(MAX_OCCURRENCES) {
        let before = &text[..byte];
        let after = &text[byte + a.quote.len()..];
        let score = common_suffix_chars(before, &a.prefix) + common_prefix_chars(after, &a.suffix);
        let distance = byte.abs_diff(expected_byte);
        let better = match best {
            None => true,
            Some((s, d, _)) => score > s || (score == s && distance < d),
        };
        if better {
            best = Some((score, distance, byte));
        }
    }
    best.map(|(_, _, byte)| byte)
}

fn common_prefix_chars(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn common_suffix_chars(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The old context is still there on both sides, with an edited quote between: take the
/// text between them when it is close enough to the quote.
fn between_context(
    doc: &Document,
    a: &Annotation,
    quote: &[char],
    max_errors: usize,
    expected_byte: usize,
) -> Option<TextRange> {
    const KEY_CHARS: usize = 12;
    let prefix_key = super::last_chars(&a.prefix, KEY_CHARS);
    let suffix_key = super::first_chars(&a.suffix, KEY_CHARS);
    if prefix_key.chars().count() < 4 || suffix_key.chars().count() < 4 {
        return None;
    }
    let text = doc.text.as_str();
    let quote_bytes: usize = quote.iter().map(|c| c.len_utf8()).sum();
    let reach = quote_bytes + quote_bytes / 2 + 64;
    let mut best: Option<(usize, usize, TextRange)> = None; // (errors, distance, range)
    for p in memmem::find_iter(text.as_bytes(), prefix_key.as_bytes()).take(MAX_OCCURRENCES) {
        let start = p + prefix_key.len();
        let window_end = (start + reach).min(text.len());
        let window = text.get(start..window_end).or_else(|| {
            let mut end = window_end;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.get(start..end)
        })?;
        let Some(s) = window.find(suffix_key) else {
            continue;
        };
        let between: Vec<char> = window[..s].chars().collect();
        let errors = edit_distance(quote, &between);
        if errors > max_errors {
            continue;
        }
        let distance = start.abs_diff(expected_byte);
        if best.is_none_or(|(e, d, _)| errors < e || (errors == e && distance < d)) {
            let first = doc.char_of_byte(start);
            best = Some((
                errors,
                distance,
                TextRange::new(first, first + between.len()),
            ));
        }
    }
    best.map(|(_, _, r)| r)
}

/// Levenshtein distance between two char slices.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != cb)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// Approximate search (Sellers): near the old place first, then around exact pieces of the
/// quote found anywhere in the document.
fn approximate(
    doc: &Document,
    quote: &[char],
    max_errors: usize,
    expected_byte: usize,
) -> Option<TextRange> {
    let text = doc.text.as_str();
    let span_bytes = quote.iter().map(|c| c.len_utf8()).sum::<usize>() * 2 + 3000;
    let mut windows = vec![expected_byte];
    // Pieces: a quote with at most `max_errors` edits keeps one of `max_errors + 1` pieces.
    let pieces = (max_errors + 1).min(8);
    let piece_len = quote.len() / pieces;
    if piece_len >= 3 {
        for k in 0..pieces {
            let piece: String = quote[k * piece_len..(k + 1) * piece_len].iter().collect();
            windows.extend(memmem::find_iter(text.as_bytes(), piece.as_bytes()).take(64));
        }
    }
    windows.sort_by_key(|b| b.abs_diff(expected_byte));
    let mut best: Option<(usize, usize, TextRange)> = None;
    let mut searched: Vec<(usize, usize)> = Vec::new();
    for centre in windows.into_iter().take(64) {
        let from = floor_boundary(text, centre.saturating_sub(span_bytes));
        let to = floor_boundary(text, (centre + span_bytes).min(text.len()));
        if searched.iter().any(|&(f, t)| f <= from && to <= t) {
            continue;
        }
        searched.push((from, to));
        let window: Vec<char> = text[from..to].chars().collect();
        if let Some((errors, start, end)) = sellers(quote, &window, max_errors) {
            let first = doc.char_of_byte(from) + start;
            let range = TextRange::new(first, doc.char_of_byte(from) + end);
            let distance = doc.byte_of(first).abs_diff(expected_byte);
            if best.is_none_or(|(e, d, _)| errors < e || (errors == e && distance < d)) {
                best = Some((errors, distance, range));
            }
            if errors == 0 {
                break;
            }
        }
    }
    best.map(|(_, _, r)| r)
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The best approximate occurrence of `pattern` in `text` with at most `k` edits:
/// (edits, start, end) in chars of `text`.
fn sellers(pattern: &[char], text: &[char], k: usize) -> Option<(usize, usize, usize)> {
    let m = pattern.len();
    let mut col: Vec<usize> = (0..=m).collect();
    let mut best: Option<(usize, usize)> = None; // (errors, end)
    for (j, &c) in text.iter().enumerate() {
        let mut diag = col[0];
        col[0] = 0;
        for i in 0..m {
            let up = col[i + 1];
            col[i + 1] = (diag + usize::from(pattern[i] != c))
                .min(up + 1)
                .min(col[i] + 1);
            diag = up;
        }
        if col[m] <= k && best.is_none_or(|(e, _)| col[m] < e) {
            best = Some((col[m], j + 1));
        }
    }
    let (errors, end) = best?;
    // The start: the same search backwards from the end.
    let rev_pattern: Vec<char> = pattern.iter().rev().copied().collect();
    let from = end.saturating_sub(m + k);
    let rev_text: Vec<char> = text[from..end].iter().rev().copied().collect();
    let mut col: Vec<usize> = (0..=m).collect();
    let mut len = None;
    for (j, &c) in rev_text.iter().enumerate() {
        let mut diag = col[0];
        col[0] = j + 1;
        for i in 0..m {
            let up = col[i + 1];
            col[i + 1] = (diag + usize::from(rev_pattern[i] != c))
                .min(up + 1)
                .min(col[i] + 1);
            diag = up;
        }
        if col[m] <= errors {
            len = Some(j + 1);
            // Keep going only while it gets no worse: the shortest span with the least edits.
            break;
        }
    }
    let len = len?;
    Some((errors, end - len, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::Color;
    use crate::document::SourceFormat;

    fn doc(text: &str) -> Document {
        Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text)
    }

    fn mark(d: &Document, quote: &str, nth: usize) -> Annotation {
        let byte = d.text.match_indices(quote).nth(nth).expect("quote").0;
        let start = d.char_of_byte(byte);
        Annotation::highlight(
            d,
            TextRange::new(start, start + quote.chars().count()),
            Color::Yellow,
            1,
        )
    }

    const TEXT: &str = "一、甲方案推进数字政府建设工作。\n二、乙方面完善数字政府运行机制。";

    #[test]
    fn another_occurrence_shifted_onto_the_old_offsets_is_not_taken_for_the_quote() {
        let d = doc(TEXT);
        let second = mark(&d, "数字政府", 1);
        // Text inserted at the start, exactly as long as the distance between the two
        // occurrences, puts the first one where the second stood.
        let first_start = mark(&d, "数字政府", 0).range.start;
        let shift: String = "前".repeat(second.range.start - first_start);
        let edited = doc(&format!("{shift}{TEXT}"));
        assert_eq!(edited.slice(second.range), "数字政府");
        let (range, state) = place(&edited, &second).expect("placed");
        assert_eq!(state, AnchorState::Moved);
        assert_eq!(range.start, second.range.start + shift.chars().count());
    }

    #[test]
    fn an_edit_right_beside_a_quote_leaves_it_exact() {
        let d = doc(TEXT);
        let a = mark(&d, "数字政府", 1);
        // The words just before change; the quote and what follows it stay.
        let edited = doc(&TEXT.replace("乙方面完善", "丙方面改进"));
        assert_eq!(place(&edited, &a), Some((a.range, AnchorState::Exact)));
        // Both sides change, the quote stays at its offsets and occurs only once more.
        let edited = doc(&TEXT.replace("乙方面完善数字政府运行机制", "丙方面改进数字政府工作方式"));
        assert_eq!(place(&edited, &a), Some((a.range, AnchorState::Exact)));
    }
}
