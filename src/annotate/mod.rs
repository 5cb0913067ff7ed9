//! Highlights and notes: what they are, how they find their text again, and the edits the
//! window and the command line make to them (pure: no egui, no files).

pub mod anchor;
pub mod corrections;
pub mod filter;
pub mod group;
pub mod imported;
pub mod units;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use crate::document::{Document, TextRange};
use crate::outline::Outline;
pub use anchor::{
    AnchorState, CONTEXT_CHARS, Review, ReviewReason, place, place_all, place_all_after,
};
pub use filter::Filter;

/// A highlight colour (the store and the settings write `store::record::ColorRecord`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Color {
    /// 黄.
    #[default]
    Yellow,
    /// 绿.
    Green,
    /// 蓝.
    Blue,
    /// 粉.
    Pink,
    /// 紫.
    Purple,
}

impl Color {
    /// Every colour, in the order of the toolbar and of the keys 1–5.
    pub const ALL: [Color; 5] = [
        Color::Yellow,
        Color::Green,
        Color::Blue,
        Color::Pink,
        Color::Purple,
    ];

    /// The colour's English name (command line, exports).
    pub fn name(self) -> &'static str {
        match self {
            Color::Yellow => "yellow",
            Color::Green => "green",
            Color::Blue => "blue",
            Color::Pink => "pink",
            Color::Purple => "purple",
        }
    }

    /// The colour named `name` (English or Chinese).
    pub fn from_name(name: &str) -> Option<Color> {
        let name = name.trim().to_lowercase();
        Color::ALL.into_iter().find(|c| {
            c.name() == name || c.chinese() == name || c.chinese().trim_end_matches('色') == name
        })
    }

    /// The colour's Chinese name.
    pub fn chinese(self) -> &'static str {
        match self {
            Color::Yellow => "黄色",
            Color::Green => "绿色",
            Color::Blue => "蓝色",
            Color::Pink => "粉色",
            Color::Purple => "紫色",
        }
    }
}

/// How a highlight is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mark {
    /// A coloured background.
    #[default]
    Fill,
    /// A coloured line under the text.
    Underline,
}

/// What an annotation is attached to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A highlighted passage (possibly with a note).
    #[default]
    Highlight,
    /// A note on an outline section; its anchor is the section heading's title.
    SectionNote,
}

/// Unique id of an annotation (stable across saves, windows and merges).
pub type AnnotationId = u64;

/// One highlight or note (stored as a `store::record::AnnotationRecord`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    /// Stable id.
    pub id: AnnotationId,
    /// Highlight or section note.
    pub kind: Kind,
    /// Colour.
    pub color: Color,
    /// Fill or underline.
    pub mark: Mark,
    /// Where it stood when last placed (char offsets).
    pub range: TextRange,
    /// The text it covers, as it was when last placed.
    pub quote: String,
    /// Up to [`CONTEXT_CHARS`] chars before the quote.
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] chars after the quote.
    pub suffix: String,
    /// The user's note (may contain `#标签`).
    pub note: String,
    /// Tags added in the tag field (without `#`).
    pub tags: Vec<String>,
    /// Creation time, milliseconds since 1970.
    pub created_ms: i64,
    /// Last change, milliseconds since 1970 (merges keep the newer version).
    pub modified_ms: i64,
    /// A placing on changed text (fuzzy or ambiguous) the user has not confirmed yet, with
    /// the quote before it; stored, and absent from the file when there is none.
    pub review: Option<Review>,
    /// How it stands in the current text (not stored; an unconfirmed review shows here).
    pub state: AnchorState,
    /// The Word comment (or highlighted run) it was imported from, while the reader has
    /// not changed it: who wrote it and when ([`imported::owned_if_edited`]).
    pub imported: Option<Box<imported::Imported>>,
    /// Replies to the Word comment it was imported from, in order (kept when edited).
    pub replies: Vec<imported::Reply>,
}

impl Default for Annotation {
    fn default() -> Self {
        Self {
            id: 0,
            kind: Kind::Highlight,
            color: Color::Yellow,
            mark: Mark::Fill,
            range: TextRange::default(),
            quote: String::new(),
            prefix: String::new(),
            suffix: String::new(),
            note: String::new(),
            tags: Vec::new(),
            created_ms: 0,
            modified_ms: 0,
            review: None,
            state: AnchorState::Exact,
            imported: None,
            replies: Vec::new(),
        }
    }
}

static HASHTAG: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"[#＃]([^\s#＃，。；：！？、,.;:!?（）()【】\[\]“”‘’《》<>'\x22]+)")
        .expect("valid hashtag pattern")
});

/// Whether `text` has a `#` or `＃` at all (a SIMD byte search: the panel asks it of
/// every note after each edit, and most notes have none).
fn may_hold_tag(text: &str) -> bool {
    // One searcher for every call: `memmem::find` would build one per note.
    static FULL_WIDTH_HASH: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("＃".as_bytes()));
    let bytes = text.as_bytes();
    memchr::memchr(b'#', bytes).is_some() || FULL_WIDTH_HASH.find(bytes).is_some()
}

/// [`HASHTAG`] without its group: the whole `#tag`.
static HASHTAG_WHOLE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"[#＃][^\s#＃，。；：！？、,.;:!?（）()【】\[\]“”‘’《》<>'\x22]+")
        .expect("valid hashtag pattern")
});

/// The `#标签` tags written in a note, in order, without duplicates.
pub fn hashtags(note: &str) -> Vec<String> {
    // Most notes have no tag: no regex for them (the panel counts tags over every note).
    if !may_hold_tag(note) {
        return Vec::new();
    }
    let mut seen = BTreeSet::new();
    HASHTAG
        .captures_iter(note)
        .map(|c| c[1].to_owned())
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

/// `note` with every `#from` tag (`＃from` too; the tag compared ignoring case, as filters
/// do) written `#to`, keeping the `#` or `＃` it had; `None` when it holds none.
pub fn rename_hashtags(note: &str, from: &str, to: &str) -> Option<String> {
    if !may_hold_tag(note) {
        return None;
    }
    let from = from.to_lowercase();
    let mut out = String::with_capacity(note.len());
    let mut last = 0;
    for m in HASHTAG_WHOLE.find_iter(note) {
        let hash = m.as_str().chars().next().map_or(1, char::len_utf8);
        if m.as_str()[hash..].to_lowercase() == from {
            out.push_str(&note[last..m.start() + hash]);
            out.push_str(to);
            last = m.end();
        }
    }
    (last > 0).then(|| {
        out.push_str(&note[last..]);
        out
    })
}

/// A tag as typed in the tag field: trimmed, without a leading `#`.
pub fn clean_tag(tag: &str) -> Option<String> {
    let tag = tag.trim().trim_start_matches(['#', '＃']).trim();
    (!tag.is_empty()).then(|| tag.to_owned())
}

impl Annotation {
    /// A new highlight over `range` of `doc`, with its quote and context.
    pub fn highlight(doc: &Document, range: TextRange, color: Color, now_ms: i64) -> Self {
        let mut a = Self {
            id: new_id(now_ms),
            kind: Kind::Highlight,
            color,
            created_ms: now_ms,
            modified_ms: now_ms,
            ..Self::default()
        };
        a.set_range(doc, range);
        a
    }

    /// A new note on outline node `node`'s section (anchored at its heading's title).
    pub fn section_note(doc: &Document, outline: &Outline, node: usize, now_ms: i64) -> Self {
        let title = outline.nodes[node].title_range;
        let range = if title.is_empty() {
            outline.nodes[node].range
        } else {
            title
        };
        let mut a = Self {
            id: new_id(now_ms),
            kind: Kind::SectionNote,
            created_ms: now_ms,
            modified_ms: now_ms,
            ..Self::default()
        };
        a.set_range(doc, range);
        a
    }

    /// Place the annotation at `range`: records the quote and its context.
    pub fn set_range(&mut self, doc: &Document, range: TextRange) {
        let end = range.end.min(doc.char_count);
        let start = range.start.min(end);
        let (s, e) = (doc.byte_of(start), doc.byte_of(end));
        self.range = TextRange::new(start, end);
        self.quote = doc.text[s..e].to_owned();
        self.prefix = last_chars(&doc.text[..s], CONTEXT_CHARS).to_owned();
        self.suffix = first_chars(&doc.text[e..], CONTEXT_CHARS).to_owned();
        self.state = AnchorState::Exact;
    }

    /// Every tag once, borrowed: those of the tag field, then the `#标签` of the note (no
    /// copies: the annotations panel counts them over every annotation after each edit).
    pub fn each_tag(&self) -> impl Iterator<Item = &str> {
        let typed = if may_hold_tag(&self.note) {
            // `find_iter` (no capture groups) runs on the regex's fast path.
            Some(
                HASHTAG_WHOLE
                    .find_iter(&self.note)
                    .map(|m| m.as_str().trim_start_matches(['#', '＃'])),
            )
        } else {
            None
        };
        let mut seen: Vec<&str> = Vec::new();
        self.tags
            .iter()
            .map(String::as_str)
            .chain(typed.into_iter().flatten())
            .filter(move |t| {
                let new = !seen.contains(t);
                if new {
                    seen.push(t);
                }
                new
            })
    }

    /// Every tag: those of the tag field, then the `#标签` of the note.
    pub fn all_tags(&self) -> Vec<String> {
        let mut out = self.tags.clone();
        for t in hashtags(&self.note) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }

    /// Whether it could be placed in the current text.
    pub fn is_placed(&self) -> bool {
        self.state != AnchorState::Unplaced
    }

    /// The user confirmed where it stands (the panel's Confirm): the review is dropped, and
    /// its current quote is what it marks from now on.
    pub fn confirm_place(&mut self) {
        if self.review.take().is_some()
            && matches!(self.state, AnchorState::Fuzzy | AnchorState::Ambiguous)
        {
            self.state = AnchorState::Exact;
        }
    }
}

/// The last `n` chars of `s`.
pub(crate) fn last_chars(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &s[i..],
        _ if n == 0 => "",
        _ => s,
    }
}

/// The first `n` chars of `s`.
pub(crate) fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A fresh id: 64 random-looking bits from a per-process random key, the time and a
/// counter, so two windows (or a bulk import making thousands a millisecond) never make the
/// same id. Never 0.
pub fn new_id(now_ms: i64) -> AnnotationId {
    use std::hash::BuildHasher as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static KEY: LazyLock<std::collections::hash_map::RandomState> =
        LazyLock::new(std::collections::hash_map::RandomState::new);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    KEY.hash_one((now_ms, n, std::process::id())).max(1)
}

/// Milliseconds since 1970 now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// An edit to the annotation set (what undo and redo replay).
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Add this annotation.
    Add(Annotation),
    /// Replace the annotation with the same id by this one.
    Update(Annotation),
    /// Remove the annotation with this id.
    Remove(AnnotationId),
}

/// Up to this many incoming changes, a merge scans instead of indexing every item.
const FEW: usize = 32;
/// Up to this many items out of order at the end, sorting inserts each where it belongs.
const FEW_TO_INSERT: usize = 8;

/// The annotations of one document, kept in document order, with undo and redo.
#[derive(Clone, Debug, Default)]
pub struct AnnotationSet {
    items: Vec<Annotation>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// Ids removed in this session, with when (so a merge does not bring them back).
    removed: Vec<(AnnotationId, i64)>,
    /// Bumped on every change (views cache on it).
    generation: u64,
    /// Length of the longest placed range (bounds the search for overlaps).
    longest: usize,
    /// The reader's corrections of the outline ([`corrections`]), in the order made.
    corrections: Vec<corrections::Correction>,
    /// Correction ids removed, with when.
    corrections_removed: Vec<(corrections::CorrectionId, i64)>,
    /// Bumped on every change to the corrections.
    corrections_generation: u64,
    /// Where each id stands (its range): with the items sorted by (start, end, id), a
    /// binary search finds it. Kept by every change; not used while `duplicates`.
    at: IdMap<(usize, usize)>,
    /// Some id is held by more than one item: ids are looked for by scanning, every change
    /// takes the general path and is not logged.
    duplicates: bool,
    /// The last changes made in place, each with the generation it made and the ids it
    /// touched with where they stood before ([`AnnotationSet::changes_since`]).
    log: Vec<(u64, Vec<Before>)>,
}

/// An id a change touched, with where it stood before (`None`: not held).
type Before = (AnnotationId, Option<Was>);

/// Most generations [`AnnotationSet::changes_since`] can look back.
const LOG_LEN: usize = 16;
/// Most ids a change touches and still goes into the log (views patch themselves for it);
/// a larger change makes them start over.
const LOGGED_MAX: usize = 64;

/// The key the items are sorted by (unique while no id is held twice).
fn key(a: &Annotation) -> (usize, usize, AnnotationId) {
    (a.range.start, a.range.end, a.id)
}

/// A map keyed by annotation id, hashed by mixing the id's bits (ids are random-looking
/// already; tests and imports use small ones).
type IdMap<V> = std::collections::HashMap<AnnotationId, V, std::hash::BuildHasherDefault<IdHash>>;

/// The hasher of [`IdMap`]: SplitMix64's finaliser over the id.
#[derive(Default)]
pub struct IdHash(u64);

impl std::hash::Hasher for IdHash {
    fn finish(&self) -> u64 {
        let x = self.0;
        let x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        let x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Where an annotation stood before a change: enough for a view to find its row and to
/// take it out of its section's count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Was {
    /// Its range then.
    pub range: TextRange,
    /// Whether it was placed then.
    pub placed: bool,
}

impl Was {
    fn of(a: &Annotation) -> Self {
        Self {
            range: a.range,
            placed: a.is_placed(),
        }
    }
}

/// One annotation that changed between two generations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Touched {
    /// Its id.
    pub id: AnnotationId,
    /// Where it stood at the earlier generation (`None`: not held then).
    pub was: Option<Was>,
    /// Its index in the items at the earlier generation.
    pub was_at: Option<usize>,
    /// Its index in the items now (`None`: not held now).
    pub now_at: Option<usize>,
}

/// What changed in the items since a generation ([`AnnotationSet::changes_since`]): every
/// annotation added, changed or removed, each once. The others kept their content and their
/// order (their indices moved only by the touched ones).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delta {
    /// The touched annotations, in the order first touched.
    pub touched: Vec<Touched>,
}

/// One undoable step: annotation edits or correction edits.
#[derive(Clone, Debug)]
enum Step {
    Notes(Vec<Edit>),
    Corrections(Vec<corrections::CorrectionEdit>),
}

impl AnnotationSet {
    /// Apply a step, returning the step that undoes it.
    fn replay(&mut self, step: Step, now_ms: i64) -> Step {
        match step {
            Step::Notes(edits) => Step::Notes(self.apply_raw(edits, now_ms)),
            Step::Corrections(edits) => Step::Corrections(self.correct_raw(edits, now_ms)),
        }
    }
}

impl AnnotationSet {
    /// A set holding `items` (sorted into document order).
    pub fn new(items: Vec<Annotation>, removed: Vec<(AnnotationId, i64)>) -> Self {
        let mut set = Self {
            items,
            removed,
            ..Self::default()
        };
        set.sort();
        set
    }

    /// All annotations in document order (unplaced ones by their old position).
    pub fn items(&self) -> &[Annotation] {
        &self.items
    }

    /// Ids removed, with the time (kept in the store as tombstones).
    pub fn removed(&self) -> &[(AnnotationId, i64)] {
        &self.removed
    }

    /// Changes on every edit.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The annotation with this id (the first in document order, if more hold it).
    pub fn get(&self, id: AnnotationId) -> Option<&Annotation> {
        self.position(id).map(|i| &self.items[i])
    }

    /// The index in [`AnnotationSet::items`] of the annotation with this id (the first, if
    /// more hold it): a look-up and a binary search.
    pub fn position(&self, id: AnnotationId) -> Option<usize> {
        if self.duplicates {
            return self.items.iter().position(|a| a.id == id);
        }
        let &(start, end) = self.at.get(&id)?;
        self.items
            .binary_search_by(|a| key(a).cmp(&(start, end, id)))
            .ok()
    }

    /// Every annotation holding this id, in document order (more than one only in a set
    /// that holds an id twice).
    pub fn all_with_id(&self, id: AnnotationId) -> impl Iterator<Item = &Annotation> {
        let (all, one) = if self.duplicates {
            (&self.items[..], None)
        } else {
            (&[][..], self.get(id))
        };
        one.into_iter()
            .chain(all.iter().filter(move |a| a.id == id))
    }

    /// What changed in the items since generation `since`: the annotations added, changed or
    /// removed, with where each stood then and stands now. `None` when that is not known (the
    /// changes since then were large, made all at once — loading, placing, undoing a
    /// restore — or too many generations ago, or the outline's corrections changed): a view
    /// then starts over.
    pub fn changes_since(&self, since: u64) -> Option<Delta> {
        if since == self.generation {
            return Some(Delta::default());
        }
        if since > self.generation || self.duplicates {
            return None;
        }
        // Every generation after `since` must be in the log, in order.
        let from = self.log.iter().position(|(g, _)| *g == since + 1)?;
        let entries = &self.log[from..];
        let contiguous = entries
            .iter()
            .enumerate()
            .all(|(k, (g, _))| *g == since + 1 + k as u64);
        if !contiguous || entries.last().map(|(g, _)| *g) != Some(self.generation) {
            return None;
        }
        // Each id once, with where it stood before it was first touched.
        let mut first: Vec<Before> = Vec::new();
        for (_, touched) in entries {
            for &(id, was) in touched {
                if !first.iter().any(|f| f.0 == id) {
                    first.push((id, was));
                }
            }
        }
        let now: Vec<Option<usize>> = first.iter().map(|&(id, _)| self.position(id)).collect();
        // An untouched item's key is the same then and now: the items before `was` then are
        // the items before it now, less the touched ones now before it, plus the touched
        // ones then before it.
        let then_key = |&(id, was): &Before| was.map(|w| (w.range.start, w.range.end, id));
        let touched = first
            .iter()
            .zip(&now)
            .map(|(f, &now_at)| {
                let was_at = then_key(f).map(|k| {
                    let before_now = self.items.partition_point(|a| key(a) < k);
                    let touched_now = now
                        .iter()
                        .flatten()
                        .filter(|&&i| key(&self.items[i]) < k)
                        .count();
                    let touched_then = first.iter().filter_map(then_key).filter(|&t| t < k).count();
                    before_now - touched_now + touched_then
                });
                Touched {
                    id: f.0,
                    was: f.1,
                    was_at,
                    now_at,
                }
            })
            .collect();
        Some(Delta { touched })
    }

    /// A change made in place touched these ids (with where each stood before): a new
    /// generation, logged for the views.
    fn changed(&mut self, touched: Vec<Before>) {
        self.generation += 1;
        if touched.len() > LOGGED_MAX {
            self.log.clear();
            return;
        }
        if self.log.len() == LOG_LEN {
            self.log.remove(0);
        }
        self.log.push((self.generation, touched));
    }

    /// Put `a` where it belongs (no item holds its id); its index.
    fn insert(&mut self, a: Annotation) -> usize {
        let k = key(&a);
        let i = self.items.partition_point(|x| key(x) < k);
        self.longest = self.longest.max(a.range.len());
        self.at.insert(a.id, (a.range.start, a.range.end));
        self.items.insert(i, a);
        i
    }

    /// Take out the item at `i`.
    fn remove_at(&mut self, i: usize) -> Annotation {
        let old = self.items.remove(i);
        self.at.remove(&old.id);
        if old.range.len() >= self.longest {
            self.longest = self.items.iter().map(|a| a.range.len()).max().unwrap_or(0);
        }
        old
    }

    /// Put `a` (the same id) in place of the item at `i`, moving it where its range puts it;
    /// the item it replaced.
    fn replace_at(&mut self, i: usize, a: Annotation) -> Annotation {
        let (old_len, new_len) = (self.items[i].range.len(), a.range.len());
        let k = key(&a);
        let to = if key(&self.items[i]) == k {
            i
        } else {
            self.at.insert(a.id, (a.range.start, a.range.end));
            let j = self.items.partition_point(|x| key(x) < k);
            if j > i {
                // The items between move up one; the old one ends just before `j`.
                self.items[i..j].rotate_left(1);
                j - 1
            } else {
                self.items[j..=i].rotate_right(1);
                j
            }
        };
        let old = std::mem::replace(&mut self.items[to], a);
        if new_len >= self.longest {
            self.longest = new_len;
        } else if old_len >= self.longest {
            self.longest = self.items.iter().map(|a| a.range.len()).max().unwrap_or(0);
        }
        old
    }

    /// Number of annotations.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Apply edits as one undoable step.
    pub fn apply(&mut self, edits: Vec<Edit>, now_ms: i64) {
        if edits.is_empty() {
            return;
        }
        let inverse = self.apply_raw(edits, now_ms);
        self.undo.push(Step::Notes(inverse));
        self.redo.clear();
    }

    /// Replace an annotation as part of the last undo step (typing a note: the whole
    /// typing session undoes at once).
    pub fn replace_last(&mut self, mut a: Annotation, now_ms: i64) {
        if !self.duplicates {
            if let Some(i) = self.position(a.id) {
                let was = Was::of(&self.items[i]);
                a.modified_ms = now_ms.max(self.items[i].modified_ms + 1);
                let id = a.id;
                self.replace_at(i, a);
                self.redo.clear();
                self.changed(vec![(id, Some(was))]);
            }
            return;
        }
        if let Some(old) = self.items.iter_mut().find(|o| o.id == a.id) {
            a.modified_ms = now_ms.max(old.modified_ms + 1);
            *old = a;
            self.redo.clear();
            self.sort();
            self.generation += 1;
        }
    }

    /// Undo the last step; false when there is nothing to undo.
    pub fn undo(&mut self, now_ms: i64) -> bool {
        let Some(step) = self.undo.pop() else {
            return false;
        };
        let inverse = self.replay(step, now_ms);
        self.redo.push(inverse);
        true
    }

    /// Redo the last undone step; false when there is nothing to redo.
    pub fn redo(&mut self, now_ms: i64) -> bool {
        let Some(step) = self.redo.pop() else {
            return false;
        };
        let inverse = self.replay(step, now_ms);
        self.undo.push(inverse);
        true
    }

    /// Whether undo / redo would do something.
    pub fn can_undo(&self) -> (bool, bool) {
        (!self.undo.is_empty(), !self.redo.is_empty())
    }

    /// Apply edits, returning the edits that undo them (in reverse order).
    ///
    /// Each edit sees the ones before it. A batch of many edits (restoring a backup, undoing
    /// that) costs O(n + edits): the items holding each id are looked up in a map built on
    /// first need, removed items are only marked and dropped at the end (the rest keep their
    /// order), and so are the tombstones an added annotation lifts.
    fn apply_raw(&mut self, edits: Vec<Edit>, now_ms: i64) -> Vec<Edit> {
        if self.can_edit_in_place(&edits) {
            self.apply_in_place(edits, now_ms)
        } else {
            self.log.clear();
            self.apply_indexed(edits, now_ms)
        }
    }

    /// Whether [`AnnotationSet::apply_in_place`] does what the general path does: a few
    /// edits, no id held twice now or after them.
    fn can_edit_in_place(&self, edits: &[Edit]) -> bool {
        if self.duplicates || edits.len() > FEW {
            return false;
        }
        let added = |k: usize| match &edits[k] {
            Edit::Add(a) => Some(a.id),
            _ => None,
        };
        (0..edits.len()).all(|k| {
            added(k)
                .is_none_or(|id| !self.at.contains_key(&id) && (0..k).all(|j| added(j) != Some(id)))
        })
    }

    /// [`AnnotationSet::apply_raw`] for a few edits: each added or moved annotation goes
    /// where it belongs by binary search, each id is found through the index; logged.
    fn apply_in_place(&mut self, edits: Vec<Edit>, now_ms: i64) -> Vec<Edit> {
        let mut inverse = Vec::with_capacity(edits.len());
        let mut touched: Vec<Before> = Vec::with_capacity(edits.len());
        for edit in edits {
            let id = match &edit {
                Edit::Add(a) | Edit::Update(a) => a.id,
                Edit::Remove(id) => *id,
            };
            if !touched.iter().any(|t| t.0 == id) {
                let was = self.position(id).map(|i| Was::of(&self.items[i]));
                touched.push((id, was));
            }
            match edit {
                Edit::Add(mut a) => {
                    a.modified_ms = a.modified_ms.max(now_ms);
                    // Its tombstones are lifted.
                    if self.removed.iter().any(|&(r, _)| r == id) {
                        self.removed.retain(|&(r, _)| r != id);
                    }
                    inverse.push(Edit::Remove(id));
                    self.insert(a);
                }
                Edit::Update(mut a) => {
                    if let Some(i) = self.position(id) {
                        a.modified_ms = now_ms.max(self.items[i].modified_ms + 1);
                        inverse.push(Edit::Update(self.replace_at(i, a)));
                    }
                }
                Edit::Remove(id) => {
                    if let Some(i) = self.position(id) {
                        let old = self.remove_at(i);
                        self.removed.push((id, now_ms));
                        inverse.push(Edit::Add(old));
                    }
                }
            }
        }
        inverse.reverse();
        self.changed(touched);
        inverse
    }

    /// [`AnnotationSet::apply_raw`] for any edits (not logged).
    fn apply_indexed(&mut self, edits: Vec<Edit>, now_ms: i64) -> Vec<Edit> {
        use std::collections::HashMap;
        let mut inverse = Vec::with_capacity(edits.len());
        // Indices of the live items holding each id, first first; `dead` marks removed ones.
        let mut at: Option<HashMap<AnnotationId, Vec<usize>>> = None;
        let mut dead: Vec<bool> = Vec::new();
        // For each id added: the tombstones before this index in `removed` are lifted.
        let mut lifted: HashMap<AnnotationId, usize> = HashMap::new();
        let index = |items: &[Annotation]| {
            let mut at: HashMap<AnnotationId, Vec<usize>> = HashMap::with_capacity(items.len());
            for (i, a) in items.iter().enumerate() {
                at.entry(a.id).or_default().push(i);
            }
            at
        };
        for edit in edits {
            match edit {
                Edit::Add(mut a) => {
                    a.modified_ms = a.modified_ms.max(now_ms);
                    lifted.insert(a.id, self.removed.len());
                    inverse.push(Edit::Remove(a.id));
                    if let Some(at) = at.as_mut() {
                        at.entry(a.id).or_default().push(self.items.len());
                        dead.push(false);
                    }
                    self.items.push(a);
                }
                Edit::Update(mut a) => {
                    let at = at.get_or_insert_with(|| {
                        dead = vec![false; self.items.len()];
                        index(&self.items)
                    });
                    if let Some(&i) = at.get(&a.id).and_then(|live| live.first()) {
                        let old = &mut self.items[i];
                        a.modified_ms = now_ms.max(old.modified_ms + 1);
                        inverse.push(Edit::Update(std::mem::replace(old, a)));
                    }
                }
                Edit::Remove(id) => {
                    let at = at.get_or_insert_with(|| {
                        dead = vec![false; self.items.len()];
                        index(&self.items)
                    });
                    if let Some(live) = at.get_mut(&id)
                        && !live.is_empty()
                    {
                        let i = live.remove(0);
                        dead[i] = true;
                        let old = std::mem::take(&mut self.items[i]);
                        self.removed.push((id, now_ms));
                        inverse.push(Edit::Add(old));
                    }
                }
            }
        }
        if dead.contains(&true) {
            let mut i = 0;
            self.items.retain(|_| {
                i += 1;
                !dead[i - 1]
            });
        }
        if !lifted.is_empty() {
            let mut k = 0;
            self.removed.retain(|(id, _)| {
                k += 1;
                lifted.get(id).is_none_or(|&upto| k > upto)
            });
        }
        inverse.reverse();
        self.sort();
        self.generation += 1;
        inverse
    }

    /// Bring in another copy of the same document's annotations (another window wrote the
    /// store): for each id the newer version wins; a removal wins over older versions.
    /// Returns true when something changed here.
    pub fn merge(
        &mut self,
        theirs: Vec<Annotation>,
        their_removed: &[(AnnotationId, i64)],
    ) -> bool {
        // Another window's change is usually a handful of annotations: a scan of the items
        // per change costs less than indexing ten thousand of them (the window merges on the
        // UI thread).
        if theirs.len() + their_removed.len() > FEW {
            self.log.clear();
            self.merge_indexed(theirs, their_removed)
        } else if self.duplicates {
            self.merge_few(theirs, their_removed)
        } else {
            self.merge_in_place(theirs, their_removed)
        }
    }

    /// Keep `id`'s removal (at `when`) unless one is kept already.
    fn remember_removal(&mut self, id: AnnotationId, when: i64) {
        if !self.removed.iter().any(|&(r, _)| r == id) {
            self.removed.push((id, when));
        }
    }

    /// Whether `id` was removed at or after `modified_ms` (a change older than its removal
    /// does not bring it back).
    fn removed_since(&self, id: AnnotationId, modified_ms: i64) -> bool {
        self.removed
            .iter()
            .filter(|&&(r, _)| r == id)
            .any(|&(_, when)| when >= modified_ms)
    }

    /// [`AnnotationSet::merge`] for a few changes to a set holding each id once: each found
    /// through the index and put where it belongs; logged.
    fn merge_in_place(
        &mut self,
        theirs: Vec<Annotation>,
        their_removed: &[(AnnotationId, i64)],
    ) -> bool {
        let mut touched: Vec<Before> = Vec::new();
        let note = |touched: &mut Vec<Before>, id, was| {
            if !touched.iter().any(|t: &Before| t.0 == id) {
                touched.push((id, was));
            }
        };
        for &(id, when) in their_removed {
            if let Some(i) = self.position(id)
                && self.items[i].modified_ms <= when
            {
                note(&mut touched, id, Some(Was::of(&self.items[i])));
                self.remove_at(i);
            }
            self.remember_removal(id, when);
        }
        for a in theirs {
            if self.removed_since(a.id, a.modified_ms) {
                continue;
            }
            match self.position(a.id) {
                Some(i) if self.items[i].modified_ms < a.modified_ms => {
                    note(&mut touched, a.id, Some(Was::of(&self.items[i])));
                    self.replace_at(i, a);
                }
                Some(_) => {}
                None => {
                    note(&mut touched, a.id, None);
                    self.insert(a);
                }
            }
        }
        let changed = !touched.is_empty();
        if changed {
            self.changed(touched);
        }
        changed
    }

    /// [`AnnotationSet::merge`] through an index of every item: linear in items + changes.
    fn merge_indexed(
        &mut self,
        theirs: Vec<Annotation>,
        their_removed: &[(AnnotationId, i64)],
    ) -> bool {
        use std::collections::HashMap;
        use std::collections::hash_map::Entry;
        // O(n + theirs) for stores of a million annotations: the live items holding each id
        // (first first), removed ones only marked and dropped at the end (the rest keep their
        // order), and the latest removal time of each id.
        let mut at: HashMap<AnnotationId, Vec<usize>> = HashMap::with_capacity(self.items.len());
        for (i, a) in self.items.iter().enumerate() {
            at.entry(a.id).or_default().push(i);
        }
        let mut dead = vec![false; self.items.len()];
        let mut removed_at: HashMap<AnnotationId, i64> =
            HashMap::with_capacity(self.removed.len() + their_removed.len());
        for &(id, when) in &self.removed {
            let latest = removed_at.entry(id).or_insert(when);
            *latest = (*latest).max(when);
        }
        let mut changed = false;
        for &(id, when) in their_removed {
            if let Some(live) = at.get_mut(&id)
                && let Some(&i) = live.first()
                && self.items[i].modified_ms <= when
            {
                live.remove(0);
                dead[i] = true;
                changed = true;
            }
            if let Entry::Vacant(e) = removed_at.entry(id) {
                e.insert(when);
                self.removed.push((id, when));
            }
        }
        for a in theirs {
            let gone = removed_at
                .get(&a.id)
                .is_some_and(|&when| when >= a.modified_ms);
            if gone {
                continue;
            }
            match at.get(&a.id).and_then(|live| live.first()) {
                Some(&i) if self.items[i].modified_ms < a.modified_ms => {
                    self.items[i] = a;
                    changed = true;
                }
                Some(_) => {}
                None => {
                    at.entry(a.id).or_default().push(self.items.len());
                    dead.push(false);
                    self.items.push(a);
                    changed = true;
                }
            }
        }
        if dead.contains(&true) {
            let mut i = 0;
            self.items.retain(|_| {
                i += 1;
                !dead[i - 1]
            });
        }
        if changed {
            self.sort();
            self.generation += 1;
        }
        changed
    }

    /// [`AnnotationSet::merge`] for a few changes, by scanning: the same outcome, without
    /// indexing every item.
    fn merge_few(
        &mut self,
        theirs: Vec<Annotation>,
        their_removed: &[(AnnotationId, i64)],
    ) -> bool {
        let mut dead: Vec<usize> = Vec::new();
        let first_live = |items: &[Annotation], dead: &[usize], id: AnnotationId| {
            (0..items.len()).find(|&i| items[i].id == id && !dead.contains(&i))
        };
        let mut changed = false;
        for &(id, when) in their_removed {
            if let Some(i) = first_live(&self.items, &dead, id)
                && self.items[i].modified_ms <= when
            {
                dead.push(i);
                changed = true;
            }
            self.remember_removal(id, when);
        }
        for a in theirs {
            if self.removed_since(a.id, a.modified_ms) {
                continue;
            }
            match first_live(&self.items, &dead, a.id) {
                Some(i) if self.items[i].modified_ms < a.modified_ms => {
                    self.items[i] = a;
                    changed = true;
                }
                Some(_) => {}
                None => {
                    self.items.push(a);
                    changed = true;
                }
            }
        }
        if !dead.is_empty() {
            let mut i = 0;
            self.items.retain(|_| {
                i += 1;
                !dead.contains(&(i - 1))
            });
        }
        if changed {
            self.sort();
            self.generation += 1;
        }
        changed
    }

    /// Re-place every annotation in `doc` (after loading); returns how many are unplaced.
    pub fn place_in(&mut self, doc: &Document) -> usize {
        self.place_in_after(doc, None)
    }

    /// Annotations whose range overlaps `range` (placed ones only), in document order.
    pub fn overlapping(&self, range: TextRange) -> impl Iterator<Item = &Annotation> {
        let upto = self
            .items
            .partition_point(|a| a.range.start < range.end.max(range.start + 1));
        let from = self
            .items
            .partition_point(|a| a.range.start + self.longest < range.start);
        self.items[from..upto.max(from)].iter().filter(move |a| {
            a.is_placed() && a.kind == Kind::Highlight && a.range.end > range.start
        })
    }

    /// The highlight under char `pos` (the shortest one, when they overlap).
    pub fn highlight_at(&self, pos: usize) -> Option<&Annotation> {
        self.overlapping(TextRange::new(pos, pos + 1))
            .filter(|a| a.range.start <= pos && pos < a.range.end)
            .min_by_key(|a| a.range.len())
    }
}

impl AnnotationSet {
    /// Add back, as one undoable step, every annotation of `backup` that this set does not
    /// hold (restoring a backup never removes or changes what is here). Returns how many.
    pub fn restore_from(&mut self, backup: Vec<Annotation>, now_ms: i64) -> usize {
        let have: std::collections::HashSet<AnnotationId> =
            self.items.iter().map(|a| a.id).collect();
        let edits: Vec<Edit> = backup
            .into_iter()
            .filter(|a| !have.contains(&a.id))
            .map(Edit::Add)
            .collect();
        let added = edits.len();
        self.apply(edits, now_ms);
        added
    }

    /// [`AnnotationSet::place_in`], told how long the text was when the annotations were
    /// last placed (the store's `document.chars`), so that a paragraph pasted beside a
    /// highlighted copy of itself is flagged even with nothing after it.
    pub fn place_in_after(&mut self, doc: &Document, old_char_count: Option<usize>) -> usize {
        anchor::place_all_after(doc, &mut self.items, old_char_count);
        self.sort();
        self.generation += 1;
        self.items.iter().filter(|a| !a.is_placed()).count()
    }

    /// Sort the items into document order (after a change made all at once) and index them.
    fn sort(&mut self) {
        // An edit usually adds a few annotations at the end of items in order: each goes
        // in where it belongs (after its equals, as the stable sort puts it), which moves
        // the items after it once instead of merging all ten thousand.
        let sorted = self
            .items
            .windows(2)
            .position(|w| key(&w[0]) > key(&w[1]))
            .map_or(self.items.len(), |i| i + 1);
        if self.items.len() - sorted <= FEW_TO_INSERT {
            let tail = self.items.split_off(sorted);
            for a in tail {
                let at = self.items.partition_point(|x| key(x) <= key(&a));
                self.items.insert(at, a);
            }
        } else {
            self.items.sort_by_key(key);
        }
        self.longest = self.items.iter().map(|a| a.range.len()).max().unwrap_or(0);
        self.at.clear();
        self.at.reserve(self.items.len());
        self.duplicates = false;
        for a in &self.items {
            if self.at.insert(a.id, (a.range.start, a.range.end)).is_some() {
                self.duplicates = true;
            }
        }
    }
}

#[cfg(test)]
mod tests;
