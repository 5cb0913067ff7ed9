//! Notes of a document that was moved *and* edited, found by its content.
//!
//! A store is found by the document's fingerprint, else by the path it records
//! (`DocStore::load`). When neither finds one, the stores whose document is gone (its
//! recorded path holds nothing) or changed (the index saw another text there) are scored
//! against the new text: an annotation counts as found when most of the 8-char shingles of
//! its quote occur in the text, with its context on at least one side. A store with
//! at least [`CONFIDENT_PERCENT`] of its quotes found, and at least two, is taken over at
//! once (its annotations placed by the usual anchoring; the old store moves to `backups/` on
//! the first save, as an edited document's does). A weaker match (at least one quote and
//! [`OFFER_PERCENT`]) is only offered ([`Offer`]): the window asks "these N notes from
//! 《title》 may belong here — Attach / Dismiss", and [`attach`] takes them in.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};

use super::index::{self, Stamp};
use super::{Library, LibraryError, one_line};
use crate::annotate::{Annotation, AnnotationSet, now_ms};
use crate::document::Document;
use crate::store::annotations::{Access, DocStore, Loaded, read_store};

/// Chars in a shingle.
pub const SHINGLE_CHARS: usize = 8;
/// Chars of context taken on each side of a quote.
const CONTEXT: usize = 8;
/// Share of the shingles inside a quote that must occur for it to count as found.
const FOUND_PERCENT: usize = 80;
/// Share of a store's quotes found for its notes to be taken over at once (and at least 2).
pub const CONFIDENT_PERCENT: usize = 60;
/// Share of a store's quotes found for its notes to be offered (and at least 1).
pub const OFFER_PERCENT: usize = 30;
/// Above this many chars, only one shingle in `chars / SAMPLED_SHINGLES` is kept (chosen by
/// its hash, the same choice for the text and the quotes), bounding memory.
const SAMPLED_SHINGLES: usize = 2_000_000;
/// Quotes shown in an offer.
const PREVIEW: usize = 3;

/// Notes that may belong to the document just opened: offered, not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// Their store.
    pub store: PathBuf,
    /// The title of the document they were written on.
    pub title: String,
    /// Where that document was.
    pub path: Option<PathBuf>,
    /// How many annotations the store holds.
    pub notes: usize,
    /// How many of them were found in this document's text.
    pub found: usize,
    /// A few of the quotes found, to show.
    pub preview: Vec<String>,
}

/// A store opened for a document, with what its content found.
#[derive(Debug)]
pub struct Opened {
    /// The store and its annotations (not yet placed), as `DocStore::load` gives them.
    pub loaded: Loaded,
    /// The store whose notes were taken over by content (retired on the first save).
    pub reattached: Option<PathBuf>,
    /// Weaker matches, for the reader to attach or dismiss.
    pub offers: Vec<Offer>,
}

/// The hashes are hashes already: used as they are.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Shingles = HashSet<u64, BuildHasherDefault<Identity>>;

/// FNV-1a of `bytes`, mixed so low bits spread (the set and the sampling use them).
fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 29)
}

/// The hash of every window of `n` chars of `text`, in order (the last `n` char starts
/// kept in a ring: no table as long as the text).
fn windows(text: &str, n: usize, mut each: impl FnMut(u64)) {
    if n == 0 {
        return;
    }
    let mut starts = vec![0usize; n];
    let ends = text.char_indices().map(|(i, _)| i).chain([text.len()]);
    for (seen, i) in ends.enumerate() {
        if seen >= n {
            each(hash(&text.as_bytes()[starts[seen % n]..i]));
        }
        starts[seen % n] = i;
    }
}

/// A text's shingles, sampled for long texts.
struct TextShingles {
    set: Shingles,
    /// One shingle in `modulus` is kept (by hash).
    modulus: u64,
}

impl TextShingles {
    fn of(text: &str, chars: usize) -> Self {
        let modulus = (chars / SAMPLED_SHINGLES).max(1) as u64;
        let mut set = Shingles::with_capacity_and_hasher(
            (chars / modulus as usize).min(SAMPLED_SHINGLES * 2),
            Default::default(),
        );
        windows(text, SHINGLE_CHARS, |h| {
            if h % modulus == 0 {
                set.insert(h);
            }
        });
        Self { set, modulus }
    }

    /// Whether `a`'s quote is in the text, with its context on at least one side: at least
    /// [`FOUND_PERCENT`] of the shingles inside the quote occur, and at least half of those
    /// that reach into its prefix, or into its suffix (a short quote is only its context's
    /// shingles). `None`: it has no quote, or too few of its shingles are sampled to tell.
    fn holds(&self, a: &Annotation) -> Option<bool> {
        if a.quote.trim().is_empty() {
            return None;
        }
        let before = last_chars(&a.prefix, CONTEXT);
        let after = first_chars(&a.suffix, CONTEXT);
        let text = format!("{before}{}{after}", a.quote);
        let quote_from = before.chars().count();
        let quote_to = quote_from + a.quote.chars().count();
        // (found, total) of the windows inside the quote, reaching left, reaching right.
        let mut inside = (0usize, 0usize);
        let mut left = (0usize, 0usize);
        let mut right = (0usize, 0usize);
        let mut i = 0;
        windows(&text, SHINGLE_CHARS, |h| {
            let (from, to) = (i, i + SHINGLE_CHARS);
            i += 1;
            if h % self.modulus != 0 {
                return;
            }
            let hit = usize::from(self.set.contains(&h));
            let count = |c: &mut (usize, usize)| {
                c.0 += hit;
                c.1 += 1;
            };
            if from < quote_from {
                count(&mut left);
            }
            if to > quote_to {
                count(&mut right);
            }
            if from >= quote_from && to <= quote_to {
                count(&mut inside);
            }
        });
        if inside.1 + left.1 + right.1 == 0 {
            return None;
        }
        let share = |(found, total): (usize, usize), percent: usize| {
            total > 0 && found * 100 >= total * percent
        };
        let inside_ok = inside.1 == 0 || share(inside, FOUND_PERCENT);
        let context_ok = (left.1 == 0 && right.1 == 0) || share(left, 50) || share(right, 50);
        Some(inside_ok && context_ok)
    }
}

fn last_chars(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &s[i..],
        _ if n == 0 => "",
        _ => s,
    }
}

fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// How a store's notes fit a text.
#[derive(Clone, Debug)]
pub struct Match {
    /// The store.
    pub store: PathBuf,
    /// What it holds.
    pub annotations: Vec<Annotation>,
    /// Removals it remembers.
    pub removed: Vec<(u64, i64)>,
    /// The reader's outline corrections it holds, and their removals (they follow the notes).
    pub corrections: (
        Vec<crate::annotate::corrections::Correction>,
        Vec<(u64, i64)>,
    ),
    /// The position it remembers.
    pub position: Option<usize>,
    /// Its document's length then.
    pub chars: usize,
    /// Its document's title and path.
    pub title: String,
    /// Its document's path.
    pub path: Option<PathBuf>,
    /// Annotations with a quote.
    pub quoted: usize,
    /// Of those, found in the text.
    pub found: usize,
    /// Quotes found, a few.
    pub preview: Vec<String>,
}

impl Match {
    /// At least [`CONFIDENT_PERCENT`] of its quotes found, and at least two.
    pub fn confident(&self) -> bool {
        self.found >= 2 && self.found * 100 >= self.quoted * CONFIDENT_PERCENT
    }

    /// At least [`OFFER_PERCENT`] of its quotes found, and at least one.
    pub fn worth_offering(&self) -> bool {
        self.found >= 1 && self.found * 100 >= self.quoted * OFFER_PERCENT
    }

    fn offer(&self) -> Offer {
        Offer {
            store: self.store.clone(),
            title: self.title.clone(),
            path: self.path.clone(),
            notes: self.annotations.len(),
            found: self.found,
            preview: self.preview.clone(),
        }
    }
}

/// The stores whose document is gone or changed, other than `exclude`: (store file, its
/// recorded document path). Taken from the index's head where a store is unchanged (its
/// annotations are not decoded), else from the store file.
fn orphans(data_dir: &Path, exclude: &Path) -> Vec<PathBuf> {
    // The head alone: the annotations after it are not wanted here.
    let bytes = index::read_head_bytes(data_dir);
    let head = bytes.as_deref().and_then(index::parse_head).map(|(h, _)| h);
    // Looked up once per store: by name, and the checks by path.
    let (stores, checks) = head.as_ref().map_or_else(Default::default, |h| {
        let stores: HashMap<&str, &index::StoreRecord<'_>> =
            h.stores.iter().map(|s| (s.name.as_ref(), s)).collect();
        let mut checks: HashMap<&str, Vec<&index::CheckRecord<'_>>> = HashMap::new();
        for c in &h.checks {
            checks.entry(c.path.as_ref()).or_default().push(c);
        }
        (stores, checks)
    });
    let library = Library::read(data_dir).library;
    // The first document with a fingerprint, as `Library::by_fingerprint` finds it.
    let mut by_fingerprint: HashMap<&str, &Path> = HashMap::new();
    for d in &library.docs {
        if let Some(fp) = d.fingerprint.as_deref() {
            by_fingerprint.entry(fp).or_insert(d.path.as_path());
        }
    }
    let mut out = Vec::new();
    for (path, meta) in index::store_files(&data_dir.join("annotations")) {
        if path == exclude {
            continue;
        }
        let stamp = Stamp::of(&meta);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let known = name
            .as_deref()
            .and_then(|name| stores.get(name))
            .filter(|s| s.stamp == stamp);
        let (fp, doc_path) = match known {
            Some(s) => (
                s.fingerprint.to_string(),
                s.doc_path.as_ref().map(|p| PathBuf::from(p.as_ref())),
            ),
            None => match read_store(&path) {
                Ok(Some(parsed)) => (
                    path.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    parsed.file.document.path,
                ),
                _ => continue,
            },
        };
        // The library may know where the text went (Locate…).
        let located = by_fingerprint
            .get(fp.as_str())
            .filter(|p| Some(**p) != doc_path.as_deref());
        if located.is_some_and(|p| p.is_file()) {
            continue;
        }
        let Some(doc_path) = doc_path else {
            continue;
        };
        let orphan = match std::fs::metadata(&doc_path) {
            Err(_) => true,
            Ok(m) if !m.is_file() => true,
            // There: an orphan only if the index saw another text at that path, at this stamp.
            Ok(m) => checks
                .get(doc_path.to_string_lossy().as_ref())
                .is_some_and(|cs| {
                    cs.iter()
                        .any(|c| c.stamp == Stamp::of(&m) && c.fingerprint.as_ref() != fp)
                }),
        };
        if orphan {
            out.push(path);
        }
    }
    out
}

/// Every store whose document is gone or changed, scored against `doc`'s text, best first
/// (only those worth offering). `exclude`: the document's own store.
pub fn matches(data_dir: &Path, doc: &Document, exclude: &Path) -> Vec<Match> {
    let candidates = orphans(data_dir, exclude);
    if candidates.is_empty() {
        return Vec::new();
    }
    let shingles = TextShingles::of(&doc.text, doc.char_count);
    let mut out: Vec<Match> = candidates
        .into_iter()
        .filter_map(|store| {
            let parsed = read_store(&store).ok()??;
            let file = parsed.file;
            let (mut quoted, mut found, mut preview) = (0, 0, Vec::new());
            for a in &file.annotations {
                match shingles.holds(a) {
                    Some(true) => {
                        quoted += 1;
                        found += 1;
                        if preview.len() < PREVIEW {
                            preview.push(a.quote.trim().chars().take(80).collect());
                        }
                    }
                    Some(false) => quoted += 1,
                    None => {}
                }
            }
            let m = Match {
                store,
                annotations: file.annotations,
                removed: file.removed,
                corrections: (file.corrections, file.corrections_removed),
                position: file.position,
                chars: file.document.chars,
                title: file.document.title,
                path: file.document.path,
                quoted,
                found,
                preview,
            };
            m.worth_offering().then_some(m)
        })
        .collect();
    out.sort_by(|a, b| {
        (b.confident(), b.found * 1000 / b.quoted.max(1), b.found)
            .cmp(&(a.confident(), a.found * 1000 / a.quoted.max(1), a.found))
            .then_with(|| a.store.cmp(&b.store))
    });
    out
}

/// Open the store of `doc` (read from `doc_path`) as `DocStore::load` does, and when that
/// finds none (by fingerprint or path), look for its notes by content: a confident match is
/// taken over (with [`Access::Write`], its store retired on the first save), weaker ones are
/// offered. The window's `Notes::load` calls it; so may a command that writes.
pub fn load_store(
    data_dir: &Path,
    doc: &Document,
    doc_path: Option<&Path>,
    title: &str,
    access: Access,
) -> Opened {
    let mut loaded = match access {
        Access::Write => DocStore::load(data_dir, doc, doc_path, title),
        Access::ReadOnly => DocStore::load_read_only(data_dir, doc, doc_path, title),
    };
    if loaded.store.found() || loaded.problem.is_some() {
        return Opened {
            loaded,
            reattached: None,
            offers: Vec::new(),
        };
    }
    let own = loaded.store.path().to_owned();
    let mut found = matches(data_dir, doc, &own).into_iter();
    let mut reattached = None;
    let mut offers = Vec::new();
    if let Some(best) = found.next() {
        if best.confident() {
            loaded.annotations = AnnotationSet::new(best.annotations, best.removed)
                .with_corrections(best.corrections.0, best.corrections.1);
            loaded.position = best.position.filter(|&p| p < doc.char_count);
            loaded.stored_chars = Some(best.chars).filter(|&n| n > 0);
            if access == Access::Write {
                loaded.store.adopt(best.store.clone());
            }
            reattached = Some(best.store);
        } else {
            offers.push(best.offer());
        }
    }
    offers.extend(found.map(|m| m.offer()));
    Opened {
        loaded,
        reattached,
        offers,
    }
}

/// Take the offered notes into `doc`'s store (on a worker): those it does not hold yet are
/// placed in the text (the usual anchoring) and saved under the lock, merged with what is
/// there; the offered store then moves to `backups/`. A window showing the document gets
/// them through its store watcher. Returns how many were added.
pub fn attach(
    data_dir: &Path,
    offer: &Offer,
    doc: &Document,
    doc_path: &Path,
    title: &str,
) -> Result<usize, LibraryError> {
    attach_store(data_dir, &offer.store, doc, doc_path, title)
}

/// [`attach`] of the store file `store`.
pub(crate) fn attach_store(
    data_dir: &Path,
    store: &Path,
    doc: &Document,
    doc_path: &Path,
    title: &str,
) -> Result<usize, LibraryError> {
    let store_error = |message: String, path: &Path| LibraryError::Store {
        message,
        path: path.to_owned(),
    };
    let theirs = match read_store(store) {
        Ok(Some(parsed)) if parsed.unreadable.is_empty() => parsed.file,
        Ok(Some(parsed)) => {
            return Err(store_error(
                format!(
                    "{} annotations of the notes file could not be read; nothing was attached",
                    parsed.unreadable.len()
                ),
                store,
            ));
        }
        Ok(None) => {
            return Err(store_error(
                "the notes file is gone (attached or removed meanwhile); nothing was attached"
                    .into(),
                store,
            ));
        }
        Err(reason) => {
            return Err(store_error(
                format!(
                    "the notes file could not be read ({}); nothing was attached",
                    one_line(&reason)
                ),
                store,
            ));
        }
    };
    let mut loaded = DocStore::load(data_dir, doc, Some(doc_path), title);
    if let Some(problem) = loaded.problem.take() {
        return Err(store_error(
            format!("{}; nothing was attached", one_line(&problem.to_string())),
            loaded.store.path(),
        ));
    }
    if loaded.store.path() == store {
        return Ok(0);
    }
    let mut incoming = AnnotationSet::new(theirs.annotations, Vec::new());
    incoming.place_in_after(doc, Some(theirs.document.chars).filter(|&n| n > 0));
    let mut set = loaded.annotations;
    set.place_in_after(doc, loaded.stored_chars);
    let added = set.restore_from(incoming.items().to_vec(), now_ms());
    // The outline corrections come along (merged by id, as another writer's would be).
    set.merge_corrections(theirs.corrections, &theirs.corrections_removed);
    let position = loaded
        .position
        .or(theirs.position.filter(|&p| p < doc.char_count));
    // The first save under this fingerprint retires the attached store.
    loaded.store.adopt(store.to_owned());
    loaded
        .store
        .save(&mut set, position)
        .map_err(|e| store_error(one_line(&e.to_string()), store))?;
    Ok(added)
}

/// Write `doc`'s store again so it records `doc_path` (after Locate… of a document whose text
/// did not change). Nothing is written when it has no store.
pub(crate) fn record_path(
    data_dir: &Path,
    doc: &Document,
    doc_path: &Path,
    title: &str,
) -> Result<(), LibraryError> {
    let mut loaded = DocStore::load(data_dir, doc, Some(doc_path), title);
    if let Some(problem) = loaded.problem.take() {
        return Err(LibraryError::Store {
            message: one_line(&problem.to_string()),
            path: loaded.store.path().to_owned(),
        });
    }
    if !loaded.store.exists() {
        return Ok(());
    }
    loaded
        .store
        .save(&mut loaded.annotations, loaded.position)
        .map(|_| ())
        .map_err(|e| LibraryError::Store {
            message: one_line(&e.to_string()),
            path: loaded.store.path().to_owned(),
        })
}

#[cfg(test)]
mod tests;
