//! The library and the notebook (金句库): every document Pizhu knows, and every note of every
//! document in one list.
//!
//! - `library.ron` in the data folder lists the documents (opened or added) and the folders
//!   added; it is written atomically under a lock on the data folder ([`record_open`],
//!   [`add_folder`], [`add_files`], [`locate`], [`remove`]). A damaged file is kept aside and
//!   the library rebuilt from the stores' document records ([`Library::load`]).
//! - The per-document stores stay the one source of truth for notes: the [`Notebook`] reads
//!   them all, through a derived index (`library.index`) rebuilt for each store whose file
//!   changed ([`index`]).
//! - A document moved *and* edited finds its notes by its content ([`reattach`]).
//!
//! The formats and rules are in `docs/library.md`. Nothing here draws: the window and the
//! command line call these functions (on a worker, where they read many files).

pub mod index;
pub mod notebook;
pub mod overview;
pub mod reattach;
pub mod record;
mod scan;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use crate::annotate::now_ms;
use crate::document::Document;
use crate::files::{Links, ReadError, keep_aside, read_regular, write_atomic};
use crate::store::annotations::{fingerprint, lock_folder, read_store, retire};

pub use notebook::{
    DEFAULT_CITATION, DocStatus, Entry, LoadedNotebook, Notebook, NotebookDoc, Order, Query,
    citation, edit_note, rename_tag,
};
pub use reattach::{Offer, attach};

/// The library's file in the data folder.
pub const FILE_NAME: &str = "library.ron";
/// Largest `library.ron` read (a million documents is about 300 MB).
const MAX_LIBRARY_BYTES: u64 = 512 << 20;
/// Documents opened while adding a folder before what was found so far is written.
const ADD_BATCH: usize = 50;

/// One document the library knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryDoc {
    /// Where it is: canonical and absolute.
    pub path: PathBuf,
    /// The key of its store (`b3-…`): the fingerprint of its text when last seen.
    pub fingerprint: Option<String>,
    /// Its title (the outline's, else the file name).
    pub title: String,
    /// `txt`, `docx`, `pdf`…: the file name's extension, lower case.
    pub format: String,
    /// When it was added (ms since 1970).
    pub added_ms: i64,
    /// When it was last opened to read (ms since 1970).
    pub last_read_ms: Option<i64>,
}

/// Every document the library knows, and the folders added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Library {
    /// The documents, in the order they were added.
    pub docs: Vec<LibraryDoc>,
    /// The folders added, in the order they were added.
    pub folders: Vec<PathBuf>,
}

/// The library as loaded.
#[derive(Debug)]
pub struct LoadedLibrary {
    /// What was read (or rebuilt).
    pub library: Library,
    /// What went wrong: the damaged file kept aside as …, rebuilt from the stores.
    pub problem: Option<String>,
}

/// Why a library operation failed. Every message is one line and names the file.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// Writing failed (read-only folder, full disk), or the data folder could not be locked.
    #[error("the library cannot be saved ({source}); check that the folder is writable and has space: {}", path.display())]
    Write {
        /// The I/O error.
        source: std::io::Error,
        /// The file or folder.
        path: PathBuf,
    },
    /// The library file is not one to write over (a link, a FIFO, a newer Pizhu's file, or
    /// damaged and impossible to keep aside): it is left as it is.
    #[error("the library file cannot be written ({reason}) and is left untouched: {}", path.display())]
    Untouchable {
        /// Why.
        reason: String,
        /// The file.
        path: PathBuf,
    },
    /// No document of the library has this path.
    #[error("not in the library: {}", path.display())]
    NotInLibrary {
        /// The path asked for.
        path: PathBuf,
    },
    /// A document could not be opened.
    #[error("the document could not be opened ({reason}): {}", path.display())]
    Open {
        /// What failed.
        reason: String,
        /// The document.
        path: PathBuf,
    },
    /// A folder could not be read.
    #[error("the folder could not be read ({reason}): {}", path.display())]
    Folder {
        /// What failed.
        reason: String,
        /// The folder.
        path: PathBuf,
    },
    /// A store could not be read or written (the message says which and why).
    #[error("{message}: {}", path.display())]
    Store {
        /// One line.
        message: String,
        /// The store file.
        path: PathBuf,
    },
    /// The store has no annotation with this id (removed meanwhile).
    #[error("the notes file holds no annotation {id} (removed meanwhile?): {}", path.display())]
    NoSuchAnnotation {
        /// The id asked for.
        id: crate::annotate::AnnotationId,
        /// The store file.
        path: PathBuf,
    },
    /// Some stores could not be changed; the others were.
    #[error("{skipped} notes files could not be read and were left unchanged ({reason}); {changed} annotations were changed in the others — the first left unchanged: {}", path.display())]
    Incomplete {
        /// Annotations changed in the stores that could be read.
        changed: usize,
        /// Stores left unchanged.
        skipped: usize,
        /// Why the first of them was.
        reason: String,
        /// The first of them.
        path: PathBuf,
    },
}

/// Line breaks flattened, so a message stays on one line.
pub(crate) fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// `path` as the stores record it: canonical (else absolute), as text (a path that is not
/// valid Unicode in its lossy form).
pub fn canonical(path: &Path) -> PathBuf {
    let p = std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_owned());
    PathBuf::from(p.to_string_lossy().into_owned())
}

/// `txt`, `docx`…: the extension of `path`, lower case.
fn format_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// A document's title as the window shows it: the outline's, else the file name.
pub fn title_of(doc: &Document, path: &Path) -> String {
    crate::outline::outline(doc).title.unwrap_or_else(|| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    })
}

fn millis(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// What reading `library.ron` found.
enum Read {
    /// There is none.
    Missing,
    /// It parsed.
    Good(Library),
    /// It is damaged: to be kept aside and rebuilt.
    Damaged(String),
    /// It is not to be written over (a link, FIFO or device; a newer Pizhu's file; unreadable).
    Untouchable(String),
}

fn read_file(path: &Path) -> Read {
    let bytes = match read_regular(path, Links::Refuse, MAX_LIBRARY_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Read::Missing,
        Err(e) => return Read::Untouchable(e.to_string()),
    };
    match record::parse(&bytes) {
        Ok(library) => Read::Good(library),
        Err(record::ParseError::Damaged(reason)) => Read::Damaged(reason),
        Err(record::ParseError::Newer(v)) => Read::Untouchable(format!(
            "written by a newer Pizhu (format {v}; this one reads up to {})",
            record::FORMAT_VERSION
        )),
    }
}

impl Library {
    /// `<data>/library.ron`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(FILE_NAME)
    }

    /// Read the library. Never fails: a missing file is an empty library; a damaged one is
    /// kept aside (`library.ron.damaged-N`), the library rebuilt from the stores' document
    /// records and written, and `problem` says so. A file that must not be written over (a
    /// link, a FIFO, a newer Pizhu's) is left alone and the library rebuilt in memory only.
    pub fn load(data_dir: &Path) -> LoadedLibrary {
        let path = Self::path(data_dir);
        match read_file(&path) {
            Read::Missing => LoadedLibrary {
                library: Library::default(),
                problem: None,
            },
            Read::Good(library) => LoadedLibrary {
                library,
                problem: None,
            },
            Read::Untouchable(reason) => LoadedLibrary {
                library: rebuild(data_dir),
                problem: Some(format!(
                    "the library file could not be read ({}) and is left untouched; the library shown is rebuilt from the notes files: {}",
                    one_line(&reason),
                    path.display()
                )),
            },
            Read::Damaged(_) => {
                // Under the lock: another process may be rebuilding it right now.
                let mut problem = None;
                let done = update(data_dir, Some(&mut problem), |_| ());
                match done {
                    Ok(((), library)) => LoadedLibrary { library, problem },
                    Err(e) => LoadedLibrary {
                        library: rebuild(data_dir),
                        problem: Some(format!(
                            "{}; the library shown is rebuilt from the notes files",
                            one_line(&e.to_string())
                        )),
                    },
                }
            }
        }
    }

    /// Read the library without changing anything (read-only commands, the notebook): a
    /// damaged or unreadable file is reported and the library rebuilt in memory only.
    pub fn read(data_dir: &Path) -> LoadedLibrary {
        let path = Self::path(data_dir);
        match read_file(&path) {
            Read::Missing => LoadedLibrary {
                library: Library::default(),
                problem: None,
            },
            Read::Good(library) => LoadedLibrary {
                library,
                problem: None,
            },
            Read::Damaged(reason) | Read::Untouchable(reason) => LoadedLibrary {
                library: rebuild(data_dir),
                problem: Some(format!(
                    "the library file could not be read ({}); the library shown is rebuilt from the notes files: {}",
                    one_line(&reason),
                    path.display()
                )),
            },
        }
    }

    /// The document at `path` (compared canonical, or as given).
    pub fn find(&self, path: &Path) -> Option<&LibraryDoc> {
        let c = canonical(path);
        self.docs.iter().find(|d| d.path == c || d.path == path)
    }

    /// The document whose store is `fingerprint`.
    pub fn by_fingerprint(&self, fingerprint: &str) -> Option<&LibraryDoc> {
        self.docs
            .iter()
            .find(|d| d.fingerprint.as_deref() == Some(fingerprint))
    }
}

/// The library rebuilt from the stores: each store that records a document's path gives one
/// document (the newest store for a path), added and last read when the store was last
/// written. Reads only.
pub fn rebuild(data_dir: &Path) -> Library {
    let dir = data_dir.join("annotations");
    let mut found: Vec<(SystemTime, LibraryDoc)> = Vec::new();
    for (path, meta) in index::store_files(&dir) {
        let Ok(Some(parsed)) = read_store(&path) else {
            continue;
        };
        let Some(doc_path) = parsed.file.document.path else {
            continue;
        };
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let fp = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        found.push((
            modified,
            LibraryDoc {
                format: format_of(&doc_path),
                path: doc_path,
                fingerprint: Some(fp),
                title: parsed.file.document.title,
                added_ms: millis(modified),
                last_read_ms: Some(millis(modified)),
            },
        ));
    }
    // Oldest first; for a path recorded by several stores, the newest store wins.
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.path.cmp(&b.1.path)));
    let mut library = Library::default();
    for (_, doc) in found {
        match library.docs.iter_mut().find(|d| d.path == doc.path) {
            Some(d) => {
                d.fingerprint = doc.fingerprint;
                d.title = doc.title;
                d.last_read_ms = doc.last_read_ms;
            }
            None => library.docs.push(doc),
        }
    }
    library
}

/// Read, change and write the library under the data folder's lock: the one writer of
/// `library.ron`. A damaged file is kept aside and the library rebuilt first (said in
/// `problem`); the file is written only when something changed. Returns `f`'s answer and the
/// library as written.
fn update<R>(
    data_dir: &Path,
    problem: Option<&mut Option<String>>,
    f: impl FnOnce(&mut Library) -> R,
) -> Result<(R, Library), LibraryError> {
    let path = Library::path(data_dir);
    let write_error = |source: std::io::Error, path: &Path| LibraryError::Write {
        source,
        path: path.to_owned(),
    };
    let _lock = lock_folder(data_dir).map_err(|e| write_error(e, data_dir))?;
    let (mut library, mut dirty) = match read_file(&path) {
        Read::Missing => (Library::default(), false),
        Read::Good(library) => (library, false),
        Read::Untouchable(reason) => return Err(LibraryError::Untouchable { reason, path }),
        Read::Damaged(reason) => {
            let Some(kept) = keep_aside(&path) else {
                return Err(LibraryError::Untouchable {
                    reason: format!("{}; it could not be kept aside", one_line(&reason)),
                    path,
                });
            };
            if let Some(problem) = problem {
                *problem = Some(format!(
                    "the library file could not be read ({}); it was kept as {} and the library was rebuilt from the notes files",
                    one_line(&reason),
                    kept.display()
                ));
            }
            (rebuild(data_dir), true)
        }
    };
    let before = library.clone();
    let answer = f(&mut library);
    dirty |= library != before;
    if dirty {
        let text =
            record::to_ron(&library).map_err(|e| write_error(std::io::Error::other(e), &path))?;
        write_atomic(&path, text.as_bytes()).map_err(|e| write_error(e, &path))?;
    }
    Ok((answer, library))
}

/// Add or update the document opened from `path` (its text `doc`, its title): its
/// fingerprint, title, format and when it was read. A document with the same text whose old
/// path is gone is the same document moved. Under the lock, written atomically. The window
/// calls it when a document is opened (on a worker), and `pizhu highlight`; read-only
/// commands never do.
pub fn record_open(
    data_dir: &Path,
    path: &Path,
    doc: &Document,
    title: &str,
) -> Result<(), LibraryError> {
    let path = canonical(path);
    let fp = fingerprint(&doc.text);
    let now = now_ms();
    update(data_dir, None, |lib| {
        let i = lib.docs.iter().position(|d| d.path == path).or_else(|| {
            lib.docs.iter().position(|d| {
                d.fingerprint.as_deref() == Some(fp.as_str())
                    && std::fs::symlink_metadata(&d.path).is_err()
            })
        });
        let format = format_of(&path);
        match i {
            Some(i) => {
                let d = &mut lib.docs[i];
                d.path = path;
                d.fingerprint = Some(fp);
                d.title = title.to_owned();
                d.format = format;
                d.last_read_ms = Some(now);
            }
            None => lib.docs.push(LibraryDoc {
                path,
                fingerprint: Some(fp),
                title: title.to_owned(),
                format,
                added_ms: now,
                last_read_ms: Some(now),
            }),
        }
    })
    .map(|_| ())
}

/// How adding documents goes (for a progress line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Documents found (to open).
    pub found: usize,
    /// Added so far (new to the library).
    pub added: usize,
    /// The one being opened.
    pub current: PathBuf,
}

/// What adding documents did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddReport {
    /// New to the library.
    pub added: usize,
    /// Already there (their title and fingerprint updated).
    pub already: usize,
    /// Could not be opened, with why (one line).
    pub failed: Vec<(PathBuf, String)>,
    /// Stopped before the end (what was opened until then is added).
    pub cancelled: bool,
}

/// Add every supported document ([`crate::document::EXTENSIONS`]) below `folder`: symlinked
/// folders are not followed (no loops), FIFOs and devices are skipped, hidden folders too,
/// and the depth is bounded. Each is opened for its fingerprint and title; what was opened is
/// written every few dozen documents, so a cancel (checked between files) keeps it. The
/// folder is remembered when the walk was not cancelled.
pub fn add_folder(
    data_dir: &Path,
    folder: &Path,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<AddReport, LibraryError> {
    let files = scan::documents_below(folder).map_err(|reason| LibraryError::Folder {
        reason,
        path: folder.to_owned(),
    })?;
    let mut report = add_paths(data_dir, &files, cancel, progress)?;
    if !report.cancelled {
        let folder = canonical(folder);
        update(data_dir, None, |lib| {
            if !lib.folders.contains(&folder) {
                lib.folders.push(folder);
            }
        })?;
    }
    report.failed.sort();
    Ok(report)
}

/// Add these documents (opened for their fingerprint and title). Cancellable between files.
pub fn add_files(
    data_dir: &Path,
    files: &[PathBuf],
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<AddReport, LibraryError> {
    add_paths(data_dir, files, cancel, progress)
}

fn add_paths(
    data_dir: &Path,
    files: &[PathBuf],
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<AddReport, LibraryError> {
    let known: std::collections::HashSet<PathBuf> = Library::read(data_dir)
        .library
        .docs
        .into_iter()
        .map(|d| d.path)
        .collect();
    let mut report = AddReport::default();
    let mut pending: Vec<LibraryDoc> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let flush = |pending: &mut Vec<LibraryDoc>| -> Result<(), LibraryError> {
        if pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(pending);
        update(data_dir, None, move |lib| {
            for doc in batch {
                match lib.docs.iter_mut().find(|d| d.path == doc.path) {
                    Some(d) => {
                        d.fingerprint = doc.fingerprint;
                        d.title = doc.title;
                        d.format = doc.format;
                    }
                    None => lib.docs.push(doc),
                }
            }
        })
        .map(|_| ())
    };
    for file in files {
        if cancel.load(Ordering::Relaxed) {
            report.cancelled = true;
            break;
        }
        progress(&Progress {
            found: files.len(),
            added: report.added,
            current: file.clone(),
        });
        let path = canonical(file);
        if !seen.insert(path.clone()) {
            continue;
        }
        match Document::open(file) {
            Ok(doc) => {
                if known.contains(&path) {
                    report.already += 1;
                } else {
                    report.added += 1;
                }
                pending.push(LibraryDoc {
                    fingerprint: Some(fingerprint(&doc.text)),
                    title: title_of(&doc, &path),
                    format: format_of(&path),
                    added_ms: now_ms(),
                    last_read_ms: None,
                    path,
                });
            }
            Err(e) => report.failed.push((file.clone(), one_line(&e.to_string()))),
        }
        if pending.len() >= ADD_BATCH {
            flush(&mut pending)?;
        }
    }
    flush(&mut pending)?;
    Ok(report)
}

/// Point the document that was at `old` at its new place `new`. Its notes follow by
/// fingerprint; when the text changed too, its store's notes are placed in the new text and
/// saved under the new fingerprint (the old store retired to backups), as [`attach`] does.
pub fn locate(data_dir: &Path, old: &Path, new: &Path) -> Result<(), LibraryError> {
    let doc = Document::open(new).map_err(|e| LibraryError::Open {
        reason: one_line(&e.to_string()),
        path: new.to_owned(),
    })?;
    let new_path = canonical(new);
    let old_path = std::path::absolute(old).unwrap_or_else(|_| old.to_owned());
    let title = title_of(&doc, &new_path);
    let fp = fingerprint(&doc.text);
    let (old_fp, _) = update(data_dir, None, |lib| {
        let i = lib
            .docs
            .iter()
            .position(|d| d.path == old_path || d.path == old || d.path == canonical(old))?;
        let old_fp = lib.docs[i].fingerprint.clone();
        let d = &mut lib.docs[i];
        d.path = new_path.clone();
        d.fingerprint = Some(fp.clone());
        d.title = title.clone();
        d.format = format_of(&new_path);
        // The new place may have been added on its own already: one entry for it.
        let mut k = 0;
        lib.docs.retain(|d| {
            k += 1;
            k - 1 == i || d.path != new_path
        });
        Some(old_fp)
    })?;
    let Some(old_fp) = old_fp else {
        return Err(LibraryError::NotInLibrary {
            path: old.to_owned(),
        });
    };
    let old_store = old_fp
        .filter(|o| *o != fp)
        .map(|o| data_dir.join("annotations").join(format!("{o}.ron")))
        .filter(|s| std::fs::symlink_metadata(s).is_ok());
    match old_store {
        Some(store) => {
            reattach::attach_store(data_dir, &store, &doc, &new_path, &title).map(|_| ())
        }
        // Same text: the store records the new place now.
        None => reattach::record_path(data_dir, &doc, &new_path, &title),
    }
}

/// Remove the document at `path` from the library. Its notes stay, unless `delete_notes`:
/// then its store is moved to `annotations/backups/` (kept there, never unlinked).
pub fn remove(data_dir: &Path, path: &Path, delete_notes: bool) -> Result<(), LibraryError> {
    let c = canonical(path);
    let (gone, _) = update(data_dir, None, |lib| {
        let i = lib
            .docs
            .iter()
            .position(|d| d.path == c || d.path == path)?;
        Some(lib.docs.remove(i))
    })?;
    let Some(gone) = gone else {
        return Err(LibraryError::NotInLibrary {
            path: path.to_owned(),
        });
    };
    if !delete_notes {
        return Ok(());
    }
    let Some(fp) = gone.fingerprint else {
        return Ok(());
    };
    let dir = data_dir.join("annotations");
    let store = dir.join(format!("{fp}.ron"));
    if std::fs::symlink_metadata(&store).is_err() {
        return Ok(());
    }
    let _lock = lock_folder(&dir).map_err(|source| LibraryError::Write {
        source,
        path: dir.clone(),
    })?;
    retire(&store).map(|_| ()).map_err(|e| LibraryError::Store {
        message: format!(
            "the notes file could not be moved to the backups ({}); it is left where it is",
            one_line(&e.to_string())
        ),
        path: store,
    })
}

#[cfg(test)]
mod tests;
