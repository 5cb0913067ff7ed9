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
//!
//! Placing the whole list then compares neighbours: where the text before an annotation and
//! the text after it moved by different amounts (an edit between them), an annotation whose
//! quote and context fit at both amounts — a paragraph pasted right beside itself — is
//! *ambiguous*: placed at the better fit and flagged for the user to confirm, never moved
//! silently. Fuzzy and ambiguous placements are remembered ([`Review`], stored) until the
//! user confirms them.

use memchr::memmem;

use super::Annotation;
use crate::document::{Document, TextRange};

/// Chars of context stored on each side of a quote.
pub const CONTEXT_CHARS: usize = 32;

/// How an annotation stands in the current text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AnchorState {
    /// At its old offsets.
    #[default]
    Exact,
    /// The same quote, found elsewhere.
    Moved,
    /// Text close to the quote (small edits inside it), now or on an earlier placing the
    /// user has not confirmed yet.
    Fuzzy,
    /// Its quote and context fit two places equally well (a passage duplicated beside
    /// itself): placed at the better one, not yet confirmed by the user.
    Ambiguous,
    /// Not found (未能定位): kept with its quote and note.
    Unplaced,
}

/// Why the place of an annotation waits for the user's confirmation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReviewReason {
    /// Its text was edited: it was placed on text close to its old quote.
    #[default]
    Fuzzy,
    /// Its text occurs twice with the same context: it may be on the other copy.
    Ambiguous,
}

impl ReviewReason {
    /// The state an annotation waiting for this review is shown in.
    pub fn state(self) -> AnchorState {
        match self {
            ReviewReason::Fuzzy => AnchorState::Fuzzy,
            ReviewReason::Ambiguous => AnchorState::Ambiguous,
        }
    }
}

/// A placement the user has not confirmed yet (stored with the annotation, so that a save
/// and a reload do not forget that its text changed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Review {
    /// The quote as it was before the first unconfirmed placing.
    pub old_quote: String,
    /// Why it needs confirming (ambiguous wins over fuzzy when both happened).
    pub reason: ReviewReason,
}

/// Whether `range` can be a range of a text of `char_count` chars: `start <= end <=
/// char_count`. The one rule for stored offsets: an annotation whose offsets break it (a
/// damaged or hostile store) is never placed at them.
pub fn fits(range: TextRange, char_count: usize) -> bool {
    range.start <= range.end && range.end <= char_count
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
        return fits(a.range, doc.char_count).then(|| {
            (
                TextRange::new(a.range.start, a.range.start),
                AnchorState::Exact,
            )
        });
    }
    let text = doc.text.as_str();
    let mut at_old_offsets = None;
    if fits(a.range, doc.char_count) {
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
/// that moved, and the review of those placed fuzzily or ambiguously.
pub fn place_all(doc: &Document, items: &mut [Annotation]) {
    place_all_after(doc, items, None);
}

/// [`place_all`], told how long the text was when the annotations were last placed (the
/// store's `document.chars`), when known. The difference is how far the end of the text
/// moved: one more neighbour for the annotations after the last edit, so that a paragraph
/// pasted beside itself with no annotation after it is still found ambiguous.
pub fn place_all_after(doc: &Document, items: &mut [Annotation], old_char_count: Option<usize>) {
    let mut shift = 0isize;
    let mut placed = Vec::with_capacity(items.len());
    for a in items.iter() {
        let found = place_hinted(doc, a, shift);
        if let Some((range, _)) = found {
            shift = range.start as isize - a.range.start as isize;
        }
        placed.push(found);
    }
    let end_shift = old_char_count.map(|old| doc.char_count as isize - old as isize);
    flag_ambiguous(doc, items, &mut placed, end_shift);
    for (a, found) in items.iter_mut().zip(placed) {
        let Some((range, state)) = found else {
            // Kept as it was, review included, until its text comes back.
            a.state = AnchorState::Unplaced;
            continue;
        };
        let reason = match state {
            AnchorState::Fuzzy => Some(ReviewReason::Fuzzy),
            AnchorState::Ambiguous => Some(ReviewReason::Ambiguous),
            _ => None,
        };
        if let Some(reason) = reason {
            // The first unconfirmed placing keeps the quote the user saw; later ones keep it.
            let review = a.review.get_or_insert_with(|| Review {
                old_quote: a.quote.clone(),
                reason,
            });
            if reason == ReviewReason::Ambiguous {
                review.reason = reason;
            }
        }
        if state == AnchorState::Exact {
            a.range = range;
        } else {
            a.set_range(doc, range);
        }
        a.state = state;
        // A fuzzy placing back on exactly the old text needs no confirming any more.
        if state != AnchorState::Ambiguous
            && a.review
                .as_ref()
                .is_some_and(|r| r.reason == ReviewReason::Fuzzy && r.old_quote == a.quote)
        {
            a.review = None;
            a.state = AnchorState::Exact;
        }
        // Until the user confirms, it shows as it was found when its text changed.
        if let Some(review) = &a.review {
            a.state = review.reason.state();
        }
    }
}

/// Where the text before and the text after an annotation moved by different amounts (an
/// edit between them), check the annotations next to that edit: one whose quote and context
/// fit at both amounts (a paragraph pasted right before or after itself gives the same text
/// either way) cannot be placed for sure. Such a group of neighbours moves together to the
/// amount its contexts fit better (the one of the text before, on a tie: where it was) and
/// is marked [`AnchorState::Ambiguous`].
///
/// `placed` holds what [`place_hinted`] found for each of `items` (in document order by
/// their old offsets); `end_shift` is how far the end of the text moved, when known.
fn flag_ambiguous(
    doc: &Document,
    items: &[Annotation],
    placed: &mut [Option<(TextRange, AnchorState)>],
    end_shift: Option<isize>,
) {
    // The annotations placed on their exact quote, with how far each moved: they say how
    // far the text around them moved.
    let exact: Vec<(usize, isize)> = placed
        .iter()
        .enumerate()
        .filter_map(|(i, found)| match found {
            Some((range, AnchorState::Exact | AnchorState::Moved))
                if !items[i].quote.is_empty() =>
            {
                Some((i, range.start as isize - items[i].range.start as isize))
            }
            _ => None,
        })
        .collect();
    let mut decided = vec![false; items.len()];
    // Each boundary: the position in `exact` where it falls, and the shifts either side (the
    // start of the text never moves; the end moved by `end_shift`, when known).
    let mut boundaries: Vec<(usize, isize, isize)> = Vec::new();
    let mut before = 0isize;
    for (k, &(_, shift)) in exact.iter().enumerate() {
        if shift != before {
            boundaries.push((k, before, shift));
        }
        before = shift;
    }
    if let Some(end) = end_shift
        && end != before
    {
        boundaries.push((exact.len(), before, end));
    }
    for (k, left, right) in boundaries {
        let mut group: Vec<usize> = Vec::new();
        // Before the edit, placed with `left`: do they also fit with `right`?
        for &(i, shift) in exact[..k].iter().rev() {
            if shift != left || decided[i] || !fits_shifted(doc, &items[i], right) {
                break;
            }
            group.push(i);
        }
        // After it, placed with `right`: do they also fit with `left`?
        for &(i, shift) in &exact[k..] {
            if shift != right || decided[i] || !fits_shifted(doc, &items[i], left) {
                break;
            }
            group.push(i);
        }
        if group.is_empty() {
            continue;
        }
        let score_with = |shift: isize| -> usize {
            group
                .iter()
                .map(|&i| shifted_score(doc, &items[i], shift))
                .sum()
        };
        let chosen = if score_with(right) > score_with(left) {
            right
        } else {
            left
        };
        for i in group {
            decided[i] = true;
            let a = &items[i];
            let start = a.range.start.saturating_add_signed(chosen);
            let range = TextRange::new(start, start + a.quote.chars().count());
            placed[i] = Some((range, AnchorState::Ambiguous));
        }
    }
}

/// The chars of `a`'s quote at its old offsets moved by `shift`, when they are in the text.
fn shifted_bytes(doc: &Document, a: &Annotation, shift: isize) -> Option<(usize, usize)> {
    let start = a.range.start.checked_add_signed(shift)?;
    let end = start + a.quote.chars().count();
    if end > doc.char_count {
        return None;
    }
    let (s, e) = (doc.byte_of(start), doc.byte_of(end));
    (doc.text.get(s..e) == Some(a.quote.as_str())).then_some((s, e))
}

/// Whether `a`'s quote stands at its old offsets moved by `shift`, with enough of its old
/// context around it to be trusted there (the test of the old offsets).
fn fits_shifted(doc: &Document, a: &Annotation, shift: isize) -> bool {
    shifted_bytes(doc, a, shift).is_some_and(|(s, e)| context_agrees(&doc.text, s, e, a))
}

/// How many chars of `a`'s old context surround its quote at its old offsets moved by
/// `shift` (0 when the quote is not there).
fn shifted_score(doc: &Document, a: &Annotation, shift: isize) -> usize {
    shifted_bytes(doc, a, shift).map_or(0, |(s, e)| {
        common_suffix_chars(&doc.text[..s], &a.prefix)
            + common_prefix_chars(&doc.text[e..], &a.suffix)
    })
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
