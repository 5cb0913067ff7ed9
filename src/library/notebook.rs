//! The notebook (金句库): every highlight, note and section note of every store, with its
//! document and section path, searchable as the user types.
//!
//! Loading takes each store from the index ([`super::index`]) while its file is unchanged and
//! reads it again otherwise; a document is opened only when its file changed since it was
//! last looked at (to tell whether it still has the store's text, and for its outline's
//! section labels). Searching goes through one folded copy of every quote, note and tag
//! (made when loading), so a keystroke is one substring search over it.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use memchr::memmem;

use super::index::{
    self, AnnotationRecord, CheckRecord, IndexHead, IndexRecord, NodeRecord, OutlineRecord, Stamp,
};
use super::{Library, LibraryDoc, LibraryError, one_line};
use crate::annotate::corrections::{Correction, reader_outline};
use crate::annotate::{
    Annotation, AnnotationId, Edit, Filter, Kind, clean_tag, hashtags, now_ms, rename_hashtags,
};
use crate::document::Document;
use crate::outline::corrections::Rule;
use crate::outline::label::{PATH_SEPARATOR, node_label};
use crate::search::fold_char;
use crate::store::annotations::{Access, DocStore, fingerprint, read_store};

/// The citation format used unless the user set another: `{quote}——《{title}》，{section}`
/// (the section part is left out, comma included, when the section is unknown).
pub const DEFAULT_CITATION: &str = "{quote}——《{title}》，{section}";

/// One store's document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotebookDoc {
    /// The store's key (the fingerprint of the document's text).
    pub fingerprint: String,
    /// Its title (the library's, else the store's, else the file name).
    pub title: String,
    /// Where it is (the library's path for this text, else the path the store records).
    pub path: Option<PathBuf>,
    /// The store file.
    pub store: PathBuf,
    /// The document's length in chars (as the store records it).
    pub chars: usize,
    /// The reading position (char offset), for reading progress.
    pub position: Option<usize>,
    /// Whether the document is there with this text.
    pub status: DocStatus,
}

/// Whether a store's document is where it was, with the same text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocStatus {
    /// The file is there and holds the store's text.
    Present,
    /// The file is gone (or cannot be read).
    Missing,
    /// The file is there, but its text is no longer this fingerprint's.
    Changed,
    /// The store records no path (the bundled sample, a document in memory).
    Unknown,
}

/// One annotation, with its document and section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Index into [`Notebook::docs`].
    pub doc: usize,
    /// The annotation as its store holds it.
    pub annotation: Annotation,
    /// Outline labels of its section, outermost first (`outline::label`); empty when the
    /// document's outline is unknown (never opened with this text) or before any heading.
    /// Shared by the entries of one section.
    pub section: Arc<[String]>,
}

/// Which entries to show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Colours, tags, notes only and text (folded as the find bar folds); `within` is
    /// ignored.
    pub filter: Filter,
    /// Only documents whose title or path holds this (folded).
    pub doc: Option<String>,
    /// Only annotations created at or after this time (ms since 1970).
    pub from_ms: Option<i64>,
    /// Only annotations created at or before this time (ms since 1970).
    pub to_ms: Option<i64>,
}

/// In which order [`Notebook::select`] answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// Newest first (by creation).
    #[default]
    Newest,
    /// By document (the library's order, documents it does not know after, by title), then
    /// in document order — so by section.
    ByDocument,
}

/// Every annotation of every store.
#[derive(Clone, Debug, Default)]
pub struct Notebook {
    docs: Vec<NotebookDoc>,
    /// Shared with the notebook this one was [`Notebook::refreshed`] from when only the
    /// library's titles changed.
    entries: Arc<Vec<Entry>>,
    /// Stores that could not be read (one line each).
    problems: Vec<String>,
    /// Per document: its store as read, and its entries.
    stores: Vec<StoreMeta>,
    /// What the document file at a path held when last opened: its stamp and fingerprint.
    checks: HashMap<String, (Stamp, String)>,
    /// Section labels of each fingerprint's outline: the outline the reader sees (the
    /// engine's, the outline rules, the store's corrections).
    outlines: HashMap<String, Arc<Vec<Node>>>,
    /// The rules and corrections each of `outlines` was made with ([`made_for`]; absent: 0,
    /// none).
    outline_keys: HashMap<String, u64>,
    /// The outline rules the section labels are made with.
    rules: Arc<Vec<Rule>>,
    /// [`rules_key`] of `rules`.
    rules_key: u64,
    /// `library.ron`'s stamp when read.
    library_stamp: Option<Stamp>,
    /// Whether this notebook writes the index (not for read-only commands).
    write_index: bool,
    search: Arc<Search>,
}

/// What the notebook keeps of a store besides its annotations.
#[derive(Clone, Debug)]
struct StoreMeta {
    name: String,
    stamp: Stamp,
    recorded_path: Option<String>,
    recorded_title: String,
    problem: Option<String>,
    entries: Range<usize>,
    /// [`corrections_key`] of its corrections.
    corrections_key: u64,
}

/// An outline node as the index keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Node {
    start: usize,
    end: usize,
    depth: u8,
    parent: Option<u32>,
    label: String,
}

/// What searching and filtering go through.
#[derive(Clone, Debug, Default)]
struct Search {
    /// The text searched, made when first wanted ([`Notebook::prepare_search`]).
    text: std::sync::OnceLock<Folded>,
    /// Tag names as first written, by id.
    tag_names: Vec<String>,
    /// Tag ids by lower-case name.
    tag_ids: HashMap<String, u32>,
    /// Every entry's tag ids (the tag field's, then the note's `#标签`), one after another.
    entry_tags: Vec<u32>,
    /// Where each entry's tag ids start in `entry_tags` (and one more: the end).
    tag_starts: Vec<usize>,
    /// Entries newest first.
    newest: Vec<u32>,
}

/// The text a notebook search goes through.
#[derive(Clone, Debug, Default)]
struct Folded {
    /// Every entry's quote, note and tags, folded, each followed by `\u{1}`.
    folded: String,
    /// Where each entry's text starts in `folded` (and one more: the end).
    starts: Vec<usize>,
}

/// The notebook as loaded.
#[derive(Debug, Default)]
pub struct LoadedNotebook {
    /// The notebook.
    pub notebook: Notebook,
    /// Stores that could not be read (in full or at all), one line each naming the file.
    pub problems: Vec<String>,
}

/// A store as read (from its file or from the index).
struct StoreData {
    name: String,
    stamp: Stamp,
    fingerprint: String,
    doc_path: Option<String>,
    title: String,
    chars: usize,
    position: Option<usize>,
    problem: Option<String>,
    annotations: Vec<Annotation>,
    /// [`corrections_key`] of the store's outline corrections.
    corrections_key: u64,
    /// The corrections, when the store file was read (`None`: taken from the index or the
    /// last notebook; read from the file when its outline has to be made again).
    corrections: Option<Vec<Correction>>,
}

impl StoreData {
    fn from_record(r: &index::StoreRecord<'_>, body: &[AnnotationRecord<'_>]) -> Self {
        Self {
            name: r.name.clone().into_owned(),
            stamp: r.stamp,
            fingerprint: r.fingerprint.clone().into_owned(),
            doc_path: r.doc_path.as_ref().map(|p| p.clone().into_owned()),
            title: r.title.clone().into_owned(),
            chars: r.chars as usize,
            position: r.position.map(|p| p as usize),
            problem: r.problem.as_ref().map(|p| p.clone().into_owned()),
            annotations: body.iter().map(Annotation::from).collect(),
            corrections_key: r.corrections,
            corrections: None,
        }
    }

    /// Read the store file at `path` (nothing is changed). `Err`: the line to report.
    fn read(path: &Path, name: String, stamp: Stamp) -> Result<Option<Self>, String> {
        let parsed = match read_store(path) {
            Ok(Some(parsed)) => parsed,
            Ok(None) => return Ok(None),
            Err(reason) => {
                return Err(format!(
                    "the notes file could not be read ({}): {}",
                    one_line(&reason),
                    path.display()
                ));
            }
        };
        let problem = parsed.unreadable.first().map(|first| {
            format!(
                "{} of {} annotations in the notes file could not be read ({}): {}",
                parsed.unreadable.len(),
                parsed.unreadable.len() + parsed.file.annotations.len(),
                one_line(first),
                path.display()
            )
        });
        let file = parsed.file;
        let fingerprint = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Some(Self {
            name,
            stamp,
            fingerprint,
            doc_path: file.document.path.map(|p| p.to_string_lossy().into_owned()),
            title: file.document.title,
            chars: file.document.chars,
            position: file.position,
            problem,
            // The context places an annotation in its text; the notebook never does, and the
            // index does not keep it (`index::AnnotationRecord`): not held in memory either.
            annotations: file
                .annotations
                .into_iter()
                .map(|a| Annotation {
                    prefix: String::new(),
                    suffix: String::new(),
                    ..a
                })
                .collect(),
            corrections_key: corrections_key(&file.corrections),
            corrections: Some(file.corrections),
        }))
    }
}

/// The library file's stamp, then the library (what changes after the stamp is taken is
/// seen by the next refresh).
fn library_as_of(data_dir: &Path) -> (Option<Stamp>, Library) {
    let stamp = stamp_of(&Library::path(data_dir));
    (stamp, Library::read(data_dir).library)
}

/// The stamp of the file at `path`, not following a link.
fn stamp_of(path: &Path) -> Option<Stamp> {
    std::fs::symlink_metadata(path).ok().map(|m| Stamp::of(&m))
}

/// Every store of `data_dir`, each taken by `reuse` (from the index or the last notebook)
/// when its name and stamp are known, else read again. Returns them, the problems, and
/// whether anything was read again.
fn read_stores(
    data_dir: &Path,
    mut reuse: impl FnMut(&str, Stamp) -> Option<StoreData>,
) -> (Vec<StoreData>, Vec<String>, bool) {
    let mut stores = Vec::new();
    let mut problems = Vec::new();
    let mut changed = false;
    for (path, meta) in index::store_files(&data_dir.join("annotations")) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stamp = Stamp::of(&meta);
        let store = match reuse(&name, stamp) {
            Some(store) => Some(store),
            None => {
                changed = true;
                match StoreData::read(&path, name, stamp) {
                    Ok(store) => store,
                    Err(problem) => {
                        problems.push(problem);
                        None
                    }
                }
            }
        };
        if let Some(store) = store {
            problems.extend(store.problem.clone());
            stores.push(store);
        }
    }
    (stores, problems, changed)
}

impl Notebook {
    /// Read every store of `data_dir` (through the index while a store is unchanged) and the
    /// library (for titles, paths and order). `write_index`: the index is written when
    /// anything was read again — false for read-only commands, which change nothing in the
    /// data folder. Opens documents whose files changed since the index saw them: call it on
    /// a worker.
    pub fn load(data_dir: &Path, write_index: bool) -> LoadedNotebook {
        Self::load_with(data_dir, write_index, Vec::new())
    }

    /// [`Notebook::load`], the section paths made with the outline `rules` (`rules.ron`) as
    /// well as each store's corrections: the outline the reader sees in the window.
    pub fn load_with(data_dir: &Path, write_index: bool, rules: Vec<Rule>) -> LoadedNotebook {
        let bytes = index::read_bytes(data_dir);
        let record = bytes.as_deref().and_then(index::parse);
        let rules = Arc::new(rules);
        // A body that does not decode: the index is damaged after all; read without it.
        Self::load_from(data_dir, record.as_ref(), write_index, &rules).unwrap_or_else(|| {
            Self::load_from(data_dir, None, write_index, &rules).unwrap_or_default()
        })
    }

    /// [`Notebook::load_with`] with the index `record` (`None`: a body of it is damaged).
    fn load_from(
        data_dir: &Path,
        record: Option<&index::IndexRead<'_>>,
        write_index: bool,
        rules: &Arc<Vec<Rule>>,
    ) -> Option<LoadedNotebook> {
        let (by_name, checks, (outlines, outline_keys)) = match record {
            Some(r) => (
                r.head
                    .stores
                    .iter()
                    .zip(&r.bodies)
                    .map(|(s, b)| (s.name.as_ref(), (s, *b)))
                    .collect::<HashMap<_, _>>(),
                checks_of(&r.head.checks),
                outlines_of(&r.head.outlines),
            ),
            None => Default::default(),
        };
        let mut reused = 0;
        // What the index holds of an unchanged store is taken as it is; its annotations are
        // decoded after, on two threads. The library is read meanwhile (the stores are
        // mostly a thousand `stat`s: the other core is free).
        let (library, (stores, problems, mut changed)) = std::thread::scope(|scope| {
            let library = scope.spawn(|| library_as_of(data_dir));
            let stores = read_stores(data_dir, |name, stamp| {
                let (r, _) = by_name.get(name).filter(|(r, _)| r.stamp == stamp)?;
                reused += 1;
                Some(StoreData::from_record(r, &[]))
            });
            // Reading never panics; if it did, it is read here.
            (
                library.join().unwrap_or_else(|_| library_as_of(data_dir)),
                stores,
            )
        });
        // The annotations of a store taken from the index are decoded with the entries
        // (`build`), on two threads.
        let bodies: Vec<Option<index::Body<'_>>> = stores
            .iter()
            .map(|s| {
                by_name
                    .get(s.name.as_str())
                    .filter(|(r, _)| r.stamp == s.stamp && s.annotations.is_empty())
                    .map(|(_, body)| *body)
            })
            .collect();
        // A store removed since the index was written.
        changed |= record.is_none() || reused != by_name.len();
        drop(by_name);
        // A body that does not decode: `None` (the index is read around).
        let notebook = build(
            (data_dir, library),
            (stores, bodies),
            problems,
            checks,
            ((outlines, outline_keys), rules),
            write_index,
            &mut changed,
        )?;
        // No stores and no index: nothing worth a file.
        let empty = record.is_none() && notebook.stores.is_empty();
        if write_index && changed && !empty {
            // The index is derived: failing to write it costs time next start, nothing else.
            let _ = index::write(data_dir, &notebook.to_record());
        }
        Some(LoadedNotebook {
            problems: notebook.problems.clone(),
            notebook,
        })
    }

    /// The stores' documents.
    pub fn docs(&self) -> &[NotebookDoc] {
        &self.docs
    }

    /// Every annotation, by document (in [`Order::ByDocument`] order).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Stores that could not be read when this notebook was made (one line each).
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Each document's file as text (for [`Notebook::collected`]).
    pub fn source_files(&self) -> Vec<Option<String>> {
        self.docs
            .iter()
            .map(|d| d.path.as_ref().map(|p| p.display().to_string()))
            .collect()
    }

    /// The entries `selection`, in its order, as the collection export takes them
    /// (`files` from [`Notebook::source_files`]): what the notebook's Save as… and
    /// `pizhu export --all` export.
    pub fn collected<'a>(
        &'a self,
        selection: &[usize],
        files: &'a [Option<String>],
    ) -> Vec<crate::export::CollectedNote<'a>> {
        selection
            .iter()
            .map(|&i| {
                let e = &self.entries[i];
                let d = &self.docs[e.doc];
                crate::export::CollectedNote {
                    doc_title: &d.title,
                    source_file: files.get(e.doc).and_then(|f| f.as_deref()),
                    doc_chars: d.chars,
                    section: &e.section,
                    annotation: &e.annotation,
                }
            })
            .collect()
    }

    /// The entries of document `doc`, in document order.
    pub fn entries_of(&self, doc: usize) -> Range<usize> {
        self.stores.get(doc).map_or(0..0, |s| s.entries.clone())
    }

    /// Make the text that searches go through, on this thread alone (about 70 ms for
    /// 100,000 entries). The first search makes it (on two threads) when this was not
    /// called; the window calls it on a worker as soon as the notebook is read, so the
    /// notebook is shown without waiting for it and the other core is left to the window.
    /// Calls made meanwhile wait for the one making it.
    pub fn prepare_search(&self) {
        self.search
            .text
            .get_or_init(|| Folded::of(&self.entries, false));
    }

    fn folded(&self) -> &Folded {
        self.search
            .text
            .get_or_init(|| Folded::of(&self.entries, true))
    }

    /// Indices into [`Notebook::entries`] of the entries `q` lets through, in `order`.
    /// Text is folded as [`crate::search::folded_contains`] folds it.
    pub fn select(&self, q: &Query, order: Order) -> Vec<usize> {
        let n = self.entries.len();
        let s = &self.search;
        // The text: one search through every entry's folded text.
        let needle: String = q.filter.query.trim().chars().map(fold_char).collect();
        let hits: Option<Vec<bool>> = (!needle.is_empty()).then(|| {
            let mut hits = vec![false; n];
            if needle.contains('\u{1}') {
                return hits;
            }
            let finder = memmem::Finder::new(needle.as_bytes());
            let s = self.folded();
            let hay = s.folded.as_bytes();
            let mut at = 0;
            while let Some(found) = finder.find(&hay[at..]) {
                let pos = at + found;
                // The entry holding it; the search goes on after that entry.
                let i = s.starts.partition_point(|&st| st <= pos) - 1;
                hits[i] = true;
                at = s.starts[i + 1];
                if at >= hay.len() {
                    break;
                }
            }
            hits
        });
        let docs_ok: Option<Vec<bool>> = q
            .doc
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|pattern| {
                self.docs
                    .iter()
                    .map(|d| {
                        crate::search::folded_contains(&d.title, pattern)
                            || d.path.as_ref().is_some_and(|p| {
                                crate::search::folded_contains(&p.to_string_lossy(), pattern)
                            })
                    })
                    .collect()
            });
        let wanted_tags: Option<Vec<u32>> = (!q.filter.tags.is_empty()).then(|| {
            q.filter
                .tags
                .iter()
                .filter_map(|t| clean_tag(t))
                .filter_map(|t| s.tag_ids.get(&t.to_lowercase()).copied())
                .collect()
        });
        let f = &q.filter;
        let keep = |i: usize| -> bool {
            let e = &self.entries[i];
            let a = &e.annotation;
            if hits.as_ref().is_some_and(|h| !h[i]) {
                return false;
            }
            if docs_ok.as_ref().is_some_and(|ok| !ok[e.doc]) {
                return false;
            }
            if f.notes_only && a.note.trim().is_empty() {
                return false;
            }
            if !f.colors.is_empty() && (a.kind != Kind::Highlight || !f.colors.contains(&a.color)) {
                return false;
            }
            if q.from_ms.is_some_and(|from| a.created_ms < from)
                || q.to_ms.is_some_and(|to| a.created_ms > to)
            {
                return false;
            }
            if let Some(wanted) = &wanted_tags {
                let have = &s.entry_tags[s.tag_starts[i]..s.tag_starts[i + 1]];
                if !have.iter().any(|t| wanted.contains(t)) {
                    return false;
                }
            }
            true
        };
        match order {
            Order::ByDocument => (0..n).filter(|&i| keep(i)).collect(),
            Order::Newest => s
                .newest
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| keep(i))
                .collect(),
        }
    }

    /// Every tag of the entries of `selection` with how many of them carry it, most used
    /// first, then by name. Tags differing only in case count as one (named as first seen).
    pub fn tag_counts(&self, selection: &[usize]) -> Vec<(String, usize)> {
        let s = &self.search;
        let mut counts = vec![0usize; s.tag_names.len()];
        for &i in selection {
            if i + 1 < s.tag_starts.len() {
                for &t in &s.entry_tags[s.tag_starts[i]..s.tag_starts[i + 1]] {
                    counts[t as usize] += 1;
                }
            }
        }
        let mut out: Vec<(String, usize)> = counts
            .into_iter()
            .enumerate()
            .filter(|&(_, c)| c > 0)
            .map(|(t, c)| (s.tag_names[t].clone(), c))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// A new notebook when a store, the library or a document's file changed since this one
    /// was made, re-reading only the stores that changed (the others are taken from here);
    /// `None` when nothing did. The window calls it on a worker when the store folder
    /// changes.
    pub fn refreshed(&self, data_dir: &Path) -> Option<Notebook> {
        self.refreshed_with(data_dir, &self.rules)
    }

    /// [`Notebook::refreshed`] with these outline rules: when they are not the ones this
    /// notebook was made with, the section paths of every document that is there are made
    /// again (its file opened once).
    pub fn refreshed_with(&self, data_dir: &Path, rules: &[Rule]) -> Option<Notebook> {
        let same_rules = rules_key(rules) == self.rules_key && *rules == **self.rules;
        let files = index::store_files(&data_dir.join("annotations"));
        let mine: HashMap<&str, (Stamp, usize)> = self
            .stores
            .iter()
            .enumerate()
            .map(|(d, s)| (s.name.as_str(), (s.stamp, d)))
            .collect();
        let same_stores = files.len() == mine.len()
            && files.iter().all(|(path, meta)| {
                let name = path.file_name().map(|n| n.to_string_lossy());
                name.and_then(|n| mine.get(n.as_ref()).map(|(s, _)| *s)) == Some(Stamp::of(meta))
            });
        let same_library = stamp_of(&Library::path(data_dir)) == self.library_stamp;
        let statuses_hold = same_stores && self.statuses_hold() && same_rules;
        if statuses_hold && same_library {
            return None;
        }
        // Only the library changed (a document was opened: its last-read time): the same
        // entries under the library's titles, unless a path or the order changed.
        if statuses_hold && let Some(notebook) = self.relabelled(data_dir) {
            return Some(notebook);
        }
        let (stores, problems, _) = read_stores(data_dir, |name, stamp| {
            let &(s, d) = mine.get(name)?;
            (s == stamp).then(|| self.store_data(d))
        });
        let mut changed = true;
        let rules = if same_rules {
            Arc::clone(&self.rules)
        } else {
            Arc::new(rules.to_vec())
        };
        let bodies = vec![None; stores.len()];
        // Nothing to decode: always made.
        let notebook = build(
            (data_dir, library_as_of(data_dir)),
            (stores, bodies),
            problems,
            self.checks.clone(),
            ((self.outlines.clone(), self.outline_keys.clone()), &rules),
            self.write_index,
            &mut changed,
        )
        .unwrap_or_default();
        if self.write_index {
            let _ = index::write(data_dir, &notebook.to_record());
        }
        Some(notebook)
    }

    /// This notebook with the library's titles as they are now, sharing its entries: `None`
    /// when a document's path or the order of the documents changed with them.
    fn relabelled(&self, data_dir: &Path) -> Option<Notebook> {
        let (library_stamp, library) = library_as_of(data_dir);
        let ranks = Ranks::of(&library);
        let mut docs = self.docs.clone();
        for (doc, meta) in docs.iter_mut().zip(&self.stores) {
            let (title, path) = title_and_path(
                ranks.doc(&library, &doc.fingerprint),
                &doc.fingerprint,
                meta.recorded_path.as_deref(),
                &meta.recorded_title,
            );
            if path != doc.path {
                return None;
            }
            doc.title = title;
        }
        let in_order = docs
            .iter()
            .zip(&self.stores)
            .map(|(d, m)| (ranks.of_doc(d), d.title.as_str(), m.name.as_str()))
            .is_sorted();
        in_order.then(|| Notebook {
            docs,
            library_stamp,
            ..self.clone()
        })
    }

    /// Whether every document's file is as it was when its status was found.
    fn statuses_hold(&self) -> bool {
        self.docs.iter().all(|d| {
            let Some(path) = &d.path else {
                return true;
            };
            let now = std::fs::metadata(path)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| Stamp::of(&m));
            let known = self
                .checks
                .get(path.to_string_lossy().as_ref())
                .map(|(s, _)| *s);
            match (d.status, now) {
                (DocStatus::Missing, None) => true,
                (DocStatus::Missing, Some(now)) => known == Some(now) && known.is_some(),
                (_, None) => false,
                (_, Some(now)) => known == Some(now),
            }
        })
    }

    /// Document `d`'s store as this notebook holds it.
    fn store_data(&self, d: usize) -> StoreData {
        let meta = &self.stores[d];
        let doc = &self.docs[d];
        StoreData {
            name: meta.name.clone(),
            stamp: meta.stamp,
            fingerprint: doc.fingerprint.clone(),
            doc_path: meta.recorded_path.clone(),
            title: meta.recorded_title.clone(),
            chars: doc.chars,
            position: doc.position,
            problem: meta.problem.clone(),
            annotations: self.entries[meta.entries.clone()]
                .iter()
                .map(|e| e.annotation.clone())
                .collect(),
            corrections_key: meta.corrections_key,
            corrections: None,
        }
    }

    /// The index's records of this notebook (borrowing its strings).
    fn to_record(&self) -> IndexRecord<'_> {
        let stores = self
            .stores
            .iter()
            .zip(&self.docs)
            .map(|(meta, doc)| index::StoreRecord {
                name: meta.name.as_str().into(),
                stamp: meta.stamp,
                fingerprint: doc.fingerprint.as_str().into(),
                doc_path: meta.recorded_path.as_deref().map(Into::into),
                title: meta.recorded_title.as_str().into(),
                chars: doc.chars as u64,
                position: doc.position.map(|p| p as u64),
                problem: meta.problem.as_deref().map(Into::into),
                count: meta.entries.len() as u64,
                corrections: meta.corrections_key,
            })
            .collect();
        let bodies = self
            .stores
            .iter()
            .map(|meta| {
                self.entries[meta.entries.clone()]
                    .iter()
                    .map(|e| AnnotationRecord::from(&e.annotation))
                    .collect()
            })
            .collect();
        // Only what the documents of these stores need.
        let used: std::collections::HashSet<String> = self
            .docs
            .iter()
            .filter_map(|d| d.path.as_ref())
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let mut checks: Vec<CheckRecord<'_>> = self
            .checks
            .iter()
            .filter(|(path, _)| used.contains(path.as_str()))
            .map(|(path, (stamp, fp))| CheckRecord {
                path: path.as_str().into(),
                stamp: *stamp,
                fingerprint: fp.as_str().into(),
            })
            .collect();
        checks.sort_by(|a, b| a.path.cmp(&b.path));
        let fingerprints: std::collections::HashSet<&str> =
            self.docs.iter().map(|d| d.fingerprint.as_str()).collect();
        let mut outlines: Vec<OutlineRecord<'_>> = self
            .outlines
            .iter()
            .filter(|(fp, _)| fingerprints.contains(fp.as_str()))
            .map(|(fp, nodes)| OutlineRecord {
                fingerprint: fp.as_str().into(),
                nodes: nodes
                    .iter()
                    .map(|n| NodeRecord {
                        start: n.start as u64,
                        end: n.end as u64,
                        parent: n.parent.unwrap_or(u32::MAX),
                        depth: n.depth,
                        label: n.label.as_str().into(),
                    })
                    .collect(),
                made_for: self.outline_keys.get(fp).copied().unwrap_or(0),
            })
            .collect();
        outlines.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        IndexRecord {
            head: IndexHead {
                stores,
                checks,
                outlines,
            },
            bodies,
        }
    }
}

fn checks_of(records: &[CheckRecord<'_>]) -> HashMap<String, (Stamp, String)> {
    records
        .iter()
        .map(|c| {
            (
                c.path.clone().into_owned(),
                (c.stamp, c.fingerprint.clone().into_owned()),
            )
        })
        .collect()
}

/// The outlines the index keeps, and what each was made with.
type Outlines = (HashMap<String, Arc<Vec<Node>>>, HashMap<String, u64>);

fn outlines_of(records: &[OutlineRecord<'_>]) -> Outlines {
    let keys = records
        .iter()
        .filter(|o| o.made_for != 0)
        .map(|o| (o.fingerprint.clone().into_owned(), o.made_for))
        .collect();
    let outlines = records
        .iter()
        .map(|o| {
            let nodes = o
                .nodes
                .iter()
                .map(|n| Node {
                    start: n.start as usize,
                    end: n.end as usize,
                    depth: n.depth,
                    parent: (n.parent != u32::MAX).then_some(n.parent),
                    label: n.label.clone().into_owned(),
                })
                .collect();
            (o.fingerprint.clone().into_owned(), Arc::new(nodes))
        })
        .collect();
    (outlines, keys)
}

/// A key of a store's outline corrections: 0 when there are none, else one that changes
/// whenever one of them is added, changed or removed (stable across runs: blake3).
fn corrections_key(corrections: &[Correction]) -> u64 {
    if corrections.is_empty() {
        return 0;
    }
    let mut hasher = blake3::Hasher::new();
    for c in corrections {
        hasher.update(&c.id.to_le_bytes());
        hasher.update(&c.modified_ms.to_le_bytes());
        hasher.update(format!("{:?}", c.change).as_bytes());
    }
    key_of(&hasher)
}

/// A key of the enabled outline rules: 0 when none is enabled.
fn rules_key(rules: &[Rule]) -> u64 {
    let mut hasher = blake3::Hasher::new();
    let mut any = false;
    for r in rules.iter().filter(|r| r.enabled) {
        any = true;
        let what = format!("{:?}\u{0}{:?}\u{0}{:?}\u{1}", r.pattern, r.level, r.kind);
        hasher.update(what.as_bytes());
    }
    if any { key_of(&hasher) } else { 0 }
}

/// What an outline made with rules `rules` and corrections `corrections` (their keys) is
/// made for: 0 with neither (the engine's own outline), never 0 otherwise.
fn made_for(rules: u64, corrections: u64) -> u64 {
    if rules == 0 && corrections == 0 {
        return 0;
    }
    let mut hasher = blake3::Hasher::new();
    hasher.update(&rules.to_le_bytes());
    hasher.update(&corrections.to_le_bytes());
    key_of(&hasher) | 1
}

fn key_of(hasher: &blake3::Hasher) -> u64 {
    let hash = hasher.finalize();
    let bytes: [u8; 8] = hash.as_bytes()[..8].try_into().unwrap_or_default();
    u64::from_le_bytes(bytes)
}

/// The section labels of the outline a reader sees of `doc` (the engine's, the `rules`,
/// the `corrections`).
fn skeleton(doc: &Document, rules: &[Rule], corrections: &[Correction]) -> Vec<Node> {
    let outline = reader_outline(doc, rules, corrections).outline;
    let index = outline.index();
    outline
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| Node {
            start: n.range.start,
            end: n.range.end,
            depth: n.depth,
            parent: index.parent(i).map(|p| p as u32),
            label: node_label(n),
        })
        .collect()
}

/// The deepest node holding char `pos`, as `OutlineIndex::node_at` finds it.
fn node_at(nodes: &[Node], pos: usize) -> Option<usize> {
    let upto = nodes.partition_point(|n| n.start <= pos);
    let last = upto.checked_sub(1)?;
    let mut at = Some(last);
    while let Some(i) = at {
        let n = &nodes[i];
        if n.start <= pos && pos < n.end.max(n.start + 1) {
            return Some(i);
        }
        at = n.parent.map(|p| p as usize);
    }
    (nodes[last].depth == 1).then_some(last)
}

/// Labels of node `i` and its ancestors, outermost first.
fn path_of(nodes: &[Node], i: usize) -> Vec<String> {
    let mut path = vec![nodes[i].label.clone()];
    let mut at = nodes[i].parent;
    while let Some(p) = at {
        let p = p as usize;
        if p >= nodes.len() || path.len() > nodes.len() {
            break;
        }
        path.push(nodes[p].label.clone());
        at = nodes[p].parent;
    }
    path.reverse();
    path
}

/// Whether the file at `path` holds the text `fp` (opening it only when its stamp differs
/// from the one checked last), and the document when it was opened with this text.
fn status_of(
    path: Option<&Path>,
    fp: &str,
    checks: &mut HashMap<String, (Stamp, String)>,
    changed: &mut bool,
) -> (DocStatus, Option<Document>) {
    let Some(path) = path else {
        return (DocStatus::Unknown, None);
    };
    let Some(meta) = std::fs::metadata(path).ok().filter(|m| m.is_file()) else {
        return (DocStatus::Missing, None);
    };
    let stamp = Stamp::of(&meta);
    let key = path.to_string_lossy().into_owned();
    let known = checks
        .get(&key)
        .filter(|(s, _)| *s == stamp)
        .map(|(_, f)| f.clone());
    let mut opened = None;
    let found = match known {
        Some(found) => found,
        None => {
            *changed = true;
            let found = match Document::open(path) {
                Ok(doc) => {
                    let found = fingerprint(&doc.text);
                    if found == fp {
                        opened = Some(doc);
                    }
                    found
                }
                Err(_) => String::new(),
            };
            checks.insert(key, (stamp, found.clone()));
            found
        }
    };
    let status = if found == fp {
        DocStatus::Present
    } else if found.is_empty() {
        DocStatus::Missing
    } else {
        DocStatus::Changed
    };
    (status, opened)
}

/// Make the section labels of store `s`'s text again when it has none, or none made with
/// these rules and its corrections — only for a document that is there (`opened`: already
/// opened by [`status_of`]; else it is opened now). The corrections are read from the store
/// file when they were taken from the index.
fn outline_of(
    s: &mut StoreData,
    doc: &NotebookDoc,
    opened: Option<Document>,
    rules: &[Rule],
    rules_key: u64,
    (outlines, keys): &mut Outlines,
    changed: &mut bool,
) {
    let wanted = made_for(rules_key, s.corrections_key);
    let have = keys.get(&s.fingerprint).copied().unwrap_or(0);
    if doc.status != DocStatus::Present || (outlines.contains_key(&s.fingerprint) && have == wanted)
    {
        return;
    }
    let Some(text) = opened.or_else(|| {
        let d = Document::open(doc.path.as_deref()?).ok()?;
        (fingerprint(&d.text) == s.fingerprint).then_some(d)
    }) else {
        return;
    };
    let corrections = match s.corrections.take() {
        Some(c) => c,
        None if s.corrections_key == 0 => Vec::new(),
        None => match read_store(&doc.store) {
            Ok(Some(parsed)) if corrections_key(&parsed.file.corrections) == s.corrections_key => {
                parsed.file.corrections
            }
            // Changed since it was read (the next refresh reads it again) or unreadable.
            _ => return,
        },
    };
    outlines.insert(
        s.fingerprint.clone(),
        Arc::new(skeleton(&text, rules, &corrections)),
    );
    if wanted == 0 {
        keys.remove(&s.fingerprint);
    } else {
        keys.insert(s.fingerprint.clone(), wanted);
    }
    *changed = true;
}

/// A document's title and path: the library's, else what its store recorded (the title
/// else the file's name, else the fingerprint).
fn title_and_path(
    known: Option<&LibraryDoc>,
    fingerprint: &str,
    recorded_path: Option<&str>,
    recorded_title: &str,
) -> (String, Option<PathBuf>) {
    let path = known
        .map(|d| d.path.clone())
        .or_else(|| recorded_path.map(PathBuf::from));
    let title = [
        known.map(|d| d.title.as_str()).unwrap_or_default(),
        recorded_title,
    ]
    .into_iter()
    .find(|t| !t.trim().is_empty())
    .map(str::to_owned)
    .or_else(|| {
        path.as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
    })
    .unwrap_or_else(|| fingerprint.to_owned());
    (title, path)
}

/// The library's order (by text, else by path); documents it does not know after.
struct Ranks<'a> {
    by_fingerprint: HashMap<&'a str, usize>,
    by_path: HashMap<&'a Path, usize>,
}

impl<'a> Ranks<'a> {
    fn of(library: &'a Library) -> Self {
        let mut by_fingerprint = HashMap::with_capacity(library.docs.len());
        let mut by_path = HashMap::with_capacity(library.docs.len());
        // The first of each, as a scan would find it.
        for (i, l) in library.docs.iter().enumerate().rev() {
            if let Some(f) = l.fingerprint.as_deref() {
                by_fingerprint.insert(f, i);
            }
            by_path.insert(l.path.as_path(), i);
        }
        Self {
            by_fingerprint,
            by_path,
        }
    }

    /// The library's document of a fingerprint (the first, as `Library::by_fingerprint`
    /// finds it), looked up, not scanned.
    fn doc<'l>(&self, library: &'l Library, fingerprint: &str) -> Option<&'l LibraryDoc> {
        let &i = self.by_fingerprint.get(fingerprint)?;
        library.docs.get(i)
    }

    fn of_doc(&self, d: &NotebookDoc) -> usize {
        self.by_fingerprint
            .get(d.fingerprint.as_str())
            .copied()
            .or_else(|| d.path.as_deref().and_then(|p| self.by_path.get(p).copied()))
            .unwrap_or(usize::MAX)
    }
}

/// A document of the notebook, its store, and the index frame its annotations are to be
/// decoded from (`None`: the store brings them).
type Placed<'a> = (NotebookDoc, StoreData, Option<index::Body<'a>>);

/// Make the notebook of `stores`: statuses, order, sections (the outlines known, made again
/// where the rules or a store's corrections are not the ones they were made with), search.
/// A store with a `bodies` frame has its annotations decoded from it (`None`: one did not
/// decode); the others bring theirs.
fn build(
    (data_dir, (library_stamp, library)): (&Path, (Option<Stamp>, Library)),
    (stores, bodies): (Vec<StoreData>, Vec<Option<index::Body<'_>>>),
    problems: Vec<String>,
    mut checks: HashMap<String, (Stamp, String)>,
    (mut outlines, rules): (Outlines, &Arc<Vec<Rule>>),
    write_index: bool,
    changed: &mut bool,
) -> Option<Notebook> {
    let rules_key = rules_key(rules);
    let ranks = Ranks::of(&library);
    let store_dir = data_dir.join("annotations");
    let docs: Vec<Placed<'_>> = stores
        .into_iter()
        .zip(bodies)
        .map(|(mut s, body)| {
            let (title, path) = title_and_path(
                ranks.doc(&library, &s.fingerprint),
                &s.fingerprint,
                s.doc_path.as_deref(),
                &s.title,
            );
            let (status, opened) = status_of(path.as_deref(), &s.fingerprint, &mut checks, changed);
            let doc = NotebookDoc {
                fingerprint: s.fingerprint.clone(),
                title,
                path,
                store: store_dir.join(&s.name),
                chars: s.chars,
                position: s.position,
                status,
            };
            outline_of(
                &mut s,
                &doc,
                opened,
                rules,
                rules_key,
                &mut outlines,
                changed,
            );
            (doc, s, body)
        })
        .collect();
    let mut ranked: Vec<(usize, Placed<'_>)> =
        docs.into_iter().map(|d| (ranks.of_doc(&d.0), d)).collect();
    ranked.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1.0.title.cmp(&b.1.0.title))
            .then_with(|| a.1.1.name.cmp(&b.1.1.name))
    });
    let (outlines, outline_keys) = outlines;
    let mut ranked: Vec<_> = ranked.into_iter().map(|(_, d)| d).collect();
    let (entries, counts) = entries_of(&mut ranked, &outlines)?;
    let mut notebook = Notebook {
        checks,
        outline_keys,
        rules: Arc::clone(rules),
        rules_key,
        library_stamp,
        write_index,
        problems,
        ..Notebook::default()
    };
    let mut first = 0;
    for ((doc, store, _), count) in ranked.into_iter().zip(counts) {
        notebook.stores.push(StoreMeta {
            name: store.name,
            stamp: store.stamp,
            recorded_path: store.doc_path,
            recorded_title: store.title,
            problem: store.problem,
            entries: first..first + count,
            corrections_key: store.corrections_key,
        });
        first += count;
        notebook.docs.push(doc);
    }
    notebook.outlines = outlines;
    notebook.search = Arc::new(Search::of(&entries));
    notebook.entries = Arc::new(entries);
    Some(notebook)
}

/// The entries of the documents `ranked` (in that order) and how many each has: each store's
/// annotations — decoded from its index frame, or those it brought — in document order, with
/// their section labels. On two threads, each taking a run of documents holding about half
/// the annotations. `None`: a frame did not decode.
fn entries_of(
    ranked: &mut [Placed<'_>],
    outlines: &HashMap<String, Arc<Vec<Node>>>,
) -> Option<(Vec<Entry>, Vec<usize>)> {
    let count = |(_, s, b): &Placed<'_>| b.map_or(s.annotations.len(), |b| b.count() as usize);
    let total: usize = ranked.iter().map(count).sum();
    let mut split = 0;
    let mut before = 0;
    while split < ranked.len() && before * 2 < total {
        before += count(&ranked[split]);
        split += 1;
    }
    // A run of documents into `out`, the first being document `first`.
    let run = |docs: &mut [Placed<'_>], first: usize, mut out: Vec<Entry>| {
        let mut counts = Vec::with_capacity(docs.len());
        for (i, (doc, store, body)) in docs.iter_mut().enumerate() {
            let mut annotations = match body.take() {
                Some(body) if body.count() > 0 => body.annotations()?,
                _ => std::mem::take(&mut store.annotations),
            };
            annotations.sort_by_key(|a| (a.range.start, a.range.end, a.id));
            counts.push(annotations.len());
            let nodes = outlines.get(&doc.fingerprint);
            // Consecutive annotations are mostly in the same section: its labels made once.
            let mut last: Option<(Option<usize>, Arc<[String]>)> = None;
            for a in annotations {
                let section = match nodes {
                    Some(nodes) => {
                        let node = node_at(nodes, a.range.start);
                        match &last {
                            Some((n, labels)) if *n == node => Arc::clone(labels),
                            _ => {
                                let labels: Arc<[String]> =
                                    node.map(|i| path_of(nodes, i)).unwrap_or_default().into();
                                last = Some((node, Arc::clone(&labels)));
                                labels
                            }
                        }
                    }
                    None => Arc::from([]),
                };
                out.push(Entry {
                    doc: first + i,
                    annotation: a,
                    section,
                });
            }
        }
        Some((out, counts))
    };
    let (head, tail) = ranked.split_at_mut(split);
    let (mine, theirs) = std::thread::scope(|scope| {
        let theirs = scope.spawn(|| run(tail, split, Vec::with_capacity(total - before)));
        // Sized for both: the other run is moved in after it.
        let mine = run(head, 0, Vec::with_capacity(total));
        // Decoding never panics; if it did, the index is read around.
        (mine, theirs.join().ok().flatten())
    });
    let ((mut entries, mut counts), (rest, rest_counts)) = (mine?, theirs?);
    entries.extend(rest);
    counts.extend(rest_counts);
    Some((entries, counts))
}

impl Search {
    fn of(entries: &[Entry]) -> Self {
        let mut s = Search {
            tag_starts: Vec::with_capacity(entries.len() + 1),
            ..Search::default()
        };
        // Newest first; of two made at once, the earlier entry first. Sorted on a second
        // thread while the tags are gathered here.
        let newest = || {
            let mut newest: Vec<(std::cmp::Reverse<i64>, u32)> = entries
                .iter()
                .zip(0u32..)
                .map(|(e, i)| (std::cmp::Reverse(e.annotation.created_ms), i))
                .collect();
            newest.sort_unstable();
            newest.into_iter().map(|(_, i)| i).collect()
        };
        std::thread::scope(|scope| {
            let sorting = scope.spawn(newest);
            s.tags_of(entries);
            // Sorting never panics; if it did, it is done here.
            s.newest = sorting.join().unwrap_or_else(|_| newest());
        });
        s
    }

    /// The tags of every entry, each once, by id.
    fn tags_of(&mut self, entries: &[Entry]) {
        let s = self;
        let mut exact: HashMap<&str, u32> = HashMap::new();
        for e in entries {
            let a = &e.annotation;
            s.tag_starts.push(s.entry_tags.len());
            for tag in a.each_tag() {
                // A tag as written was seen before: no lower-casing (a String each time).
                let id = match exact.get(tag) {
                    Some(&id) => id,
                    None => {
                        let key = tag.to_lowercase();
                        let id = match s.tag_ids.get(&key) {
                            Some(&id) => id,
                            None => {
                                let id = s.tag_names.len() as u32;
                                s.tag_names.push(tag.to_owned());
                                s.tag_ids.insert(key, id);
                                id
                            }
                        };
                        exact.insert(tag, id);
                        id
                    }
                };
                // `each_tag` may give one tag in two cases: counted once.
                if !s.entry_tags[s.tag_starts[s.tag_starts.len() - 1]..].contains(&id) {
                    s.entry_tags.push(id);
                }
            }
        }
        s.tag_starts.push(s.entry_tags.len());
    }
}

impl Folded {
    /// The folded text of `entries`; with `split`, each half on its own thread, then joined.
    fn of(entries: &[Entry], split: bool) -> Self {
        if !split {
            let (mut folded, mut starts) = fold_entries(entries);
            starts.push(folded.len());
            folded.shrink_to_fit();
            return Self { folded, starts };
        }
        let half = entries.len() / 2;
        let (mut folded, mut starts) = std::thread::scope(|scope| {
            let second = scope.spawn(|| fold_entries(&entries[half..]));
            let (mut folded, mut starts) = fold_entries(&entries[..half]);
            let (rest, rest_starts) = second
                .join()
                .unwrap_or_else(|_| fold_entries(&entries[half..]));
            let base = folded.len();
            folded.push_str(&rest);
            starts.extend(rest_starts.into_iter().map(|i| i + base));
            (folded, starts)
        });
        starts.push(folded.len());
        folded.shrink_to_fit();
        Self { folded, starts }
    }
}

/// The folded quote, note and tags of `entries` (each ended by `\u{1}`), and where each
/// entry's text starts.
fn fold_entries(entries: &[Entry]) -> (String, Vec<usize>) {
    let bytes: usize = entries
        .iter()
        .map(|e| e.annotation.quote.len() + e.annotation.note.len() + 3)
        .sum();
    let mut folded = String::with_capacity(bytes + 64);
    let mut starts = Vec::with_capacity(entries.len());
    for e in entries {
        let a = &e.annotation;
        starts.push(folded.len());
        push_folded(&mut folded, &a.quote);
        folded.push('\u{1}');
        push_folded(&mut folded, &a.note);
        folded.push('\u{1}');
        for t in &a.tags {
            push_folded(&mut folded, t);
            folded.push('\u{1}');
        }
    }
    (folded, starts)
}

/// Append `text` folded (as `search::fold`), copying runs that folding leaves alone.
fn push_folded(out: &mut String, text: &str) {
    // Most text (CJK) folds to itself: copied as it is. Only ASCII capitals, `\u{1}`, the
    // ideographic space and chars whose UTF-8 starts with E2 (curly quotes) or EF (full-width
    // forms) can fold to something else: bytes are looked at before chars.
    let may_fold = |b: &u8| b.is_ascii_uppercase() || matches!(b, 0x01 | 0xE2 | 0xEF);
    if !(text.as_bytes().iter().any(may_fold) || text.contains('\u{3000}'))
        || text.chars().all(|c| fold_char(c) == c && c != '\u{1}')
    {
        out.push_str(text);
        return;
    }
    out.extend(
        text.chars()
            .map(fold_char)
            .map(|c| if c == '\u{1}' { ' ' } else { c }),
    );
}

/// The store file `store` if it is one of `data_dir`'s (a `*.ron` directly in its
/// `annotations/` folder): nothing else is ever written by the notebook.
fn own_store(data_dir: &Path, store: &Path) -> Result<PathBuf, LibraryError> {
    let dir = data_dir.join("annotations");
    let inside = store.parent().is_some_and(|p| {
        p == dir || std::fs::canonicalize(p).ok() == std::fs::canonicalize(&dir).ok()
    }) && store.extension().is_some_and(|e| e == "ron");
    if !inside {
        return Err(LibraryError::Store {
            message: format!("not a notes file of the data folder {}", data_dir.display()),
            path: store.to_owned(),
        });
    }
    Ok(dir.join(store.file_name().unwrap_or_default()))
}

/// Load a store to change it: under the store's rules (a damaged file is kept aside and
/// reported; nothing is written then).
fn load_for_edit(store: &Path) -> Result<crate::store::annotations::Loaded, LibraryError> {
    let mut loaded = DocStore::load_file(store, Access::Write);
    if let Some(problem) = loaded.problem.take() {
        return Err(LibraryError::Store {
            message: format!("{}; nothing was changed", one_line(&problem.to_string())),
            path: store.to_owned(),
        });
    }
    if !loaded.store.exists() {
        return Err(LibraryError::Store {
            message: "the notes file is gone (removed or renamed meanwhile); nothing was changed"
                .into(),
            path: store.to_owned(),
        });
    }
    Ok(loaded)
}

fn save(loaded: &mut crate::store::annotations::Loaded, store: &Path) -> Result<(), LibraryError> {
    loaded
        .store
        .save(&mut loaded.annotations, loaded.position)
        .map(|_| ())
        .map_err(|e| LibraryError::Store {
            message: one_line(&e.to_string()),
            path: store.to_owned(),
        })
}

/// Tags as typed: cleaned (no `#`, trimmed), blanks and repeats (ignoring case) dropped.
fn clean_tags(tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags.iter().filter_map(|t| clean_tag(t)) {
        if !out.iter().any(|o| o.to_lowercase() == t.to_lowercase()) {
            out.push(t);
        }
    }
    out
}

/// Set the note and tags of annotation `id` in the store file `store`: under the store's
/// lock, merged with what is on disk (newest wins), written atomically with its backups. The
/// document need not exist.
pub fn edit_note(
    data_dir: &Path,
    store: &Path,
    id: AnnotationId,
    note: String,
    tags: Vec<String>,
) -> Result<(), LibraryError> {
    let store = own_store(data_dir, store)?;
    let mut loaded = load_for_edit(&store)?;
    let Some(mut a) = loaded.annotations.get(id).cloned() else {
        return Err(LibraryError::NoSuchAnnotation { id, path: store });
    };
    let tags = clean_tags(tags);
    if a.note == note && a.tags == tags {
        return Ok(());
    }
    a.note = note;
    a.tags = tags;
    loaded.annotations.apply(vec![Edit::Update(a)], now_ms());
    save(&mut loaded, &store)
}

/// Rename the tag `from` to `to` in every store — in tag fields and as `#from` in notes,
/// ignoring case; renaming onto a tag that exists merges the two. Returns how many
/// annotations changed. Stores that cannot be read are left unchanged and reported (after
/// the others were changed).
pub fn rename_tag(data_dir: &Path, from: &str, to: &str) -> Result<usize, LibraryError> {
    let (Some(from), Some(to)) = (clean_tag(from), clean_tag(to)) else {
        return Err(LibraryError::Store {
            message: "a tag to rename, and a new name, both not blank, are needed".into(),
            path: data_dir.to_owned(),
        });
    };
    if hashtags(&format!("#{to}")) != [to.clone()] {
        return Err(LibraryError::Store {
            message: format!(
                "“{to}” cannot be a tag: it holds a space or punctuation that ends a #tag"
            ),
            path: data_dir.to_owned(),
        });
    }
    let key = from.to_lowercase();
    let notebook = Notebook::load(data_dir, false).notebook;
    let mut changed = 0;
    let mut skipped: Vec<(PathBuf, String)> = Vec::new();
    for (d, doc) in notebook.docs.iter().enumerate() {
        let has = notebook.entries[notebook.entries_of(d)]
            .iter()
            .any(|e| e.annotation.each_tag().any(|t| t.to_lowercase() == key));
        if !has {
            continue;
        }
        let mut loaded = match load_for_edit(&doc.store) {
            Ok(loaded) => loaded,
            Err(e) => {
                skipped.push((doc.store.clone(), e.to_string()));
                continue;
            }
        };
        let edits: Vec<Edit> = loaded
            .annotations
            .items()
            .iter()
            .filter_map(|a| renamed(a, &key, &to))
            .map(Edit::Update)
            .collect();
        let n = edits.len();
        if n == 0 {
            continue;
        }
        loaded.annotations.apply(edits, now_ms());
        match save(&mut loaded, &doc.store) {
            Ok(()) => changed += n,
            Err(e) => skipped.push((doc.store.clone(), e.to_string())),
        }
    }
    match skipped.first() {
        None => Ok(changed),
        Some((path, reason)) => Err(LibraryError::Incomplete {
            changed,
            skipped: skipped.len(),
            reason: reason.clone(),
            path: path.clone(),
        }),
    }
}

/// `a` with the tag `key` (lower case) renamed `to`, if it has it.
fn renamed(a: &Annotation, key: &str, to: &str) -> Option<Annotation> {
    let has = a.tags.iter().any(|t| t.to_lowercase() == key);
    let note = rename_hashtags(&a.note, key, to);
    if !has && note.is_none() {
        return None;
    }
    let mut b = a.clone();
    if has {
        let tags = a
            .tags
            .iter()
            .map(|t| {
                if t.to_lowercase() == key {
                    to.to_owned()
                } else {
                    t.clone()
                }
            })
            .collect();
        b.tags = clean_tags(tags);
    }
    if let Some(note) = note {
        b.note = note;
    }
    Some(b)
}

/// Characters left out before a placeholder whose value is empty (`，{section}`).
const SEPARATORS: &[char] = &[
    ',', '，', '、', ';', '；', ':', '：', '·', '|', '/', '-', '—', ' ', '\t', '　',
];

/// The entry quoted in `format`: `{quote}`, `{title}`, `{section}` (labels joined by ` › `),
/// `{note}` and `{date}` (created, local `YYYY-MM-DD`) are filled in; a placeholder whose
/// value is empty takes the separators just before it along (`，{section}` without a section
/// leaves nothing). Unknown `{…}` are kept as written.
pub fn citation(format: &str, entry: &Entry, doc: &NotebookDoc) -> String {
    let a = &entry.annotation;
    let mut out = String::with_capacity(format.len() + a.quote.len() + doc.title.len() + 32);
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            out.push_str(after);
            rest = "";
            break;
        };
        let name = &after[1..close];
        let value = match name {
            "quote" => Some(a.quote.trim().to_owned()),
            "title" => Some(doc.title.clone()),
            "section" => Some(entry.section.join(PATH_SEPARATOR)),
            "note" => Some(a.note.trim().to_owned()),
            "date" => Some(local_date(a.created_ms)),
            _ => None,
        };
        match value {
            Some(v) if v.is_empty() => {
                let kept = out.trim_end_matches(SEPARATORS).len();
                out.truncate(kept);
            }
            Some(v) => out.push_str(&v),
            None => out.push_str(&after[..=close]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A time (ms since 1970) as the local date, `YYYY-MM-DD` (empty when out of range).
fn local_date(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|ts| {
            ts.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
