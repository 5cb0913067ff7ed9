//! One RON file of highlights and notes per document, in the per-user data directory.
//!
//! The file is named by a fingerprint of the document's normalised text, and records the
//! document's path, so a renamed or moved file keeps its notes, and an edited file (new
//! fingerprint) finds them by its path. Writes take a lock, merge what another window or
//! `pizhu highlight` wrote since this one last looked, rotate five backups and replace the
//! file atomically. A file that does not parse is renamed aside and reported, never
//! overwritten. The format is described in `docs/annotation-store.md`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;

pub use super::record::FORMAT_VERSION;
use super::record::{AnnotationRecord, CorrectionRecord, DocumentRecord, StoreRecord};
use crate::annotate::corrections::{Correction, CorrectionId};
use crate::annotate::{Annotation, AnnotationId, AnnotationSet};
use crate::document::Document;
use crate::files::{
    Links, Mode, ReadError, copy_aside, keep_aside, persist, read_regular, write_temp_beside,
};

/// Backups kept of each store (the versions before the last five writes).
pub const BACKUPS: usize = 5;
/// Removals remembered for merging (older ones are forgotten first).
const MAX_TOMBSTONES: usize = 5000;

/// What a store file holds (written and read as a [`StoreRecord`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoreFile {
    /// Format version ([`FORMAT_VERSION`]).
    pub version: u32,
    /// Fingerprint of the document's normalised text.
    pub fingerprint: String,
    /// The document the notes belong to.
    pub document: DocumentInfo,
    /// Reading position (char offset at the top of the view).
    pub position: Option<usize>,
    /// Highlights and notes, in document order.
    pub annotations: Vec<Annotation>,
    /// Ids removed, with when (so a merge with an older copy does not bring them back).
    pub removed: Vec<(AnnotationId, i64)>,
    /// The reader's corrections of the outline (`annotate::corrections`).
    pub corrections: Vec<Correction>,
    /// Correction ids removed, with when.
    pub corrections_removed: Vec<(CorrectionId, i64)>,
}

/// Where the document was last seen (written as a [`DocumentRecord`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentInfo {
    /// Its path when last opened (absolute), if it came from a file.
    pub path: Option<PathBuf>,
    /// Its title.
    pub title: String,
    /// Its length in chars.
    pub chars: usize,
}

/// Largest store file read (a store of a million annotations is about 700 MB).
pub const MAX_STORE_BYTES: u64 = 1 << 30;

/// How a store is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The window and `pizhu highlight`: damaged files are kept aside, the store is written.
    Write,
    /// `pizhu notes` and `pizhu export`: nothing on disk is ever changed, and saving fails.
    ReadOnly,
}

/// Why the store could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not a store; it was renamed.
    #[error("the notes file could not be read ({reason}); it was kept as {}", kept.display())]
    Damaged {
        /// What the parser said.
        reason: String,
        /// Where the damaged file now is.
        kept: PathBuf,
    },
    /// Some annotations in the file could not be read; the others were.
    #[error(
        "{unreadable} of {total} annotations in the notes file could not be read ({reason}); {}: {}",
        match kept {
            Some(_) => "the others are here, and the whole file was kept as",
            None => "the file is left untouched",
        },
        kept.as_deref().unwrap_or(path).display()
    )]
    Partial {
        /// How many records could not be read.
        unreadable: usize,
        /// How many records the file holds.
        total: usize,
        /// What the parser said of the first of them.
        reason: String,
        /// The store file.
        path: PathBuf,
        /// A copy of the whole file as it was (`None`: read-only, or it could not be made).
        kept: Option<PathBuf>,
    },
    /// The file could not be read and is left untouched; nothing will be written over it.
    #[error("the notes file could not be read ({reason}) and is left untouched; notes are kept in memory only: {}", path.display())]
    Unreadable {
        /// What failed.
        reason: String,
        /// The file.
        path: PathBuf,
    },
    /// Writing failed (read-only folder, full disk).
    #[error("notes cannot be saved ({source}); they are kept in memory only — check that the folder is writable and has space: {}", path.display())]
    Write {
        /// The I/O error.
        source: std::io::Error,
        /// The store file (or the folder, or its lock).
        path: PathBuf,
    },
}

/// Fingerprint of a document's normalised text.
pub fn fingerprint(text: &str) -> String {
    let hash = blake3::hash(text.as_bytes());
    format!("b3-{}", &hash.to_hex()[..32])
}

/// The data directory: `explicit` (from `--data-dir`), else `PIZHU_DATA_DIR`, else the
/// per-user data directory.
pub fn data_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = explicit {
        return Some(dir.to_owned());
    }
    if let Some(dir) = std::env::var_os("PIZHU_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "pizhu").map(|d| d.data_dir().to_owned())
}

/// Size and modification time of a file, to notice another writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    /// Every write renames a new file into place: a new inode even within one clock tick.
    inode: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    // The link itself, never its target: a store is never a symlink.
    let meta = std::fs::symlink_metadata(path).ok()?;
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
        inode: inode(&meta),
    })
}

fn inode(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::ino(meta)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0
    }
}

/// Attempts at locking (or saving into) a notes folder that is being replaced meanwhile.
const LOCK_ATTEMPTS: usize = 50;

/// A held lock on a folder (released on drop): see [`lock_folder`].
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    inode: u64,
}

impl DirLock {
    /// Whether the folder at `dir` is still the one this lock holds.
    pub fn holds(&self, dir: &Path) -> bool {
        std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir() && inode(&m) == self.inode)
    }
}

/// An exclusive lock on the folder `dir` itself, made if missing (released on drop): the
/// annotations folder for its stores, the data folder for `library.ron`. A lock *file* can be
/// deleted while writers run, letting the next writer lock a new file beside the old holder;
/// a folder that holds files cannot be removed while it holds anything. What is locked is
/// checked to still be the folder at that path (an empty folder could be removed and made
/// anew while this process waited).
pub fn lock_folder(dir: &Path) -> std::io::Result<DirLock> {
    for _ in 0..LOCK_ATTEMPTS {
        std::fs::create_dir_all(dir)?;
        let file = match File::open(dir) {
            Ok(file) => file,
            // Removed between making it and opening it: make it again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let meta = file.metadata()?;
        if !meta.is_dir() {
            return Err(std::io::Error::other(format!(
                "{} is not a folder",
                dir.display()
            )));
        }
        file.lock()?;
        let lock = DirLock {
            _file: file,
            inode: inode(&meta),
        };
        if lock.holds(dir) {
            return Ok(lock);
        }
    }
    Err(std::io::Error::other(
        "the folder was removed or replaced during every attempt to lock it",
    ))
}

/// How one attempt at saving ended.
enum Attempt {
    /// Written (or nothing to write); whether the merge changed the set.
    Done(bool),
    /// The folder was replaced under the lock: nothing was written; try again.
    FolderReplaced(bool),
}

/// A document's store: where it lives and what this process last read or wrote there.
#[derive(Debug)]
pub struct DocStore {
    dir: PathBuf,
    path: PathBuf,
    fingerprint: String,
    info: DocumentInfo,
    access: Access,
    /// The file as this process last read or wrote it.
    seen: Option<Stamp>,
    /// Hash of the text this process last wrote (an unchanged store is not rewritten, so
    /// the backups keep distinct versions).
    written: Option<blake3::Hash>,
    /// The store of an earlier version of the document, found by its path; retired after
    /// the first save under the new fingerprint.
    migrated_from: Option<PathBuf>,
    /// The file is damaged and could not be moved, or is from a newer Pizhu: never write.
    frozen: bool,
}

/// A store as loaded.
#[derive(Debug)]
pub struct Loaded {
    /// The store handle (for saving).
    pub store: DocStore,
    /// The annotations, not yet placed in the document.
    pub annotations: AnnotationSet,
    /// The remembered reading position.
    pub position: Option<usize>,
    /// How long the document was when the store was last written (`None`: unknown), so
    /// that placing can tell how far the end of the text moved.
    pub stored_chars: Option<usize>,
    /// What went wrong while loading (damaged file kept aside, …).
    pub problem: Option<StoreError>,
}

/// A backup that parses completely, ready to be restored.
#[derive(Debug)]
pub struct Backup {
    /// Its file.
    pub path: PathBuf,
    /// When it was written (the version it holds was replaced then).
    pub modified: SystemTime,
    /// What it holds.
    pub file: StoreFile,
}

impl DocStore {
    /// Open the store of `doc` (read from `doc_path`, if a file) in `data_dir`, to read and
    /// write it.
    pub fn load(data_dir: &Path, doc: &Document, doc_path: Option<&Path>, title: &str) -> Loaded {
        Self::load_as(data_dir, doc, doc_path, title, Access::Write)
    }

    /// Open the store of `doc` only to read it: nothing on disk changes, whatever is found.
    pub fn load_read_only(
        data_dir: &Path,
        doc: &Document,
        doc_path: Option<&Path>,
        title: &str,
    ) -> Loaded {
        Self::load_as(data_dir, doc, doc_path, title, Access::ReadOnly)
    }

    fn load_as(
        data_dir: &Path,
        doc: &Document,
        doc_path: Option<&Path>,
        title: &str,
        access: Access,
    ) -> Loaded {
        let fingerprint = fingerprint(&doc.text);
        Self::load_with(
            data_dir,
            fingerprint,
            doc.char_count,
            doc_path,
            title,
            access,
        )
    }

    /// [`DocStore::load`] with the fingerprint already computed.
    pub fn load_with(
        data_dir: &Path,
        fingerprint: String,
        chars: usize,
        doc_path: Option<&Path>,
        title: &str,
        access: Access,
    ) -> Loaded {
        let dir = data_dir.join("annotations");
        let path = dir.join(format!("{fingerprint}.ron"));
        // Recorded as text: a path that is not valid Unicode is kept in its lossy form (the
        // store must serialise), and compared in that same form.
        let doc_path = doc_path.map(|p| {
            let p = std::fs::canonicalize(p)
                .or_else(|_| std::path::absolute(p))
                .unwrap_or_else(|_| p.to_owned());
            PathBuf::from(p.to_string_lossy().into_owned())
        });
        if access == Access::Write {
            remove_stale_temps(&dir, &fingerprint);
        }
        let mut store = DocStore {
            dir,
            path,
            fingerprint,
            info: DocumentInfo {
                path: doc_path.clone(),
                title: title.to_owned(),
                chars,
            },
            access,
            seen: None,
            written: None,
            migrated_from: None,
            frozen: access == Access::ReadOnly,
        };
        let (mut file, problem) = match store.read() {
            Ok(Some((file, problem))) => (Some(file), problem),
            Ok(None) => (None, None),
            Err(e) => (None, Some(e)),
        };
        if file.is_none()
            && problem.is_none()
            && let Some(doc_path) = &doc_path
            && let Some((old, found)) = store.find_by_path(doc_path)
        {
            store.migrated_from = Some(old);
            file = Some(found);
        }
        let file = file.unwrap_or_default();
        Loaded {
            stored_chars: Some(file.document.chars).filter(|&n| n > 0),
            annotations: AnnotationSet::new(file.annotations, file.removed)
                .with_corrections(file.corrections, file.corrections_removed),
            position: file.position,
            store,
            problem,
        }
    }

    /// Open a store by its file, without its document (the notebook edits the notes of
    /// documents that may be gone): the store's name gives the fingerprint, and what the file
    /// records of the document is written back as it was. A store that does not exist loads
    /// empty (check [`DocStore::exists`] before saving one).
    pub fn load_file(path: &Path, access: Access) -> Loaded {
        let dir = path
            .parent()
            .map(Path::to_owned)
            .unwrap_or_else(|| PathBuf::from("."));
        let fingerprint = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if access == Access::Write {
            remove_stale_temps(&dir, &fingerprint);
        }
        let mut store = DocStore {
            dir,
            path: path.to_owned(),
            fingerprint,
            info: DocumentInfo::default(),
            access,
            seen: None,
            written: None,
            migrated_from: None,
            frozen: access == Access::ReadOnly,
        };
        let (file, problem) = match store.read() {
            Ok(Some((file, problem))) => (file, problem),
            Ok(None) => (StoreFile::default(), None),
            Err(e) => (StoreFile::default(), Some(e)),
        };
        store.info = file.document.clone();
        Loaded {
            stored_chars: Some(file.document.chars).filter(|&n| n > 0),
            annotations: AnnotationSet::new(file.annotations, file.removed)
                .with_corrections(file.corrections, file.corrections_removed),
            position: file.position,
            store,
            problem,
        }
    }

    /// Take the notes of another store (`old`: one found by the content of the document, see
    /// `library::reattach`) as this document's: the caller puts its annotations in the set;
    /// the first save writes them under this fingerprint and moves `old` to `backups/`, as for
    /// an edited document found by its path.
    pub fn adopt(&mut self, old: PathBuf) {
        if old != self.path {
            self.migrated_from = Some(old);
        }
    }

    /// Whether notes were found for the document: its own store, or an earlier version's
    /// (found by path, or adopted).
    pub fn found(&self) -> bool {
        self.migrated_from.is_some() || self.exists()
    }

    /// The store whose notes were taken over (found by path or adopted), until the first
    /// save retires it.
    pub fn migrated_from(&self) -> Option<&Path> {
        self.migrated_from.as_deref()
    }

    /// Whether the store file exists.
    pub fn exists(&self) -> bool {
        std::fs::symlink_metadata(&self.path).is_ok()
    }

    /// The store file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The document's fingerprint.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Read and parse the store file (`Ok(None)`: there is none). Records that do not parse
    /// are reported beside what was read (a copy of the whole file is kept aside when
    /// writing); a file that does not parse at all is renamed aside when writing, left
    /// alone when reading only.
    fn read(&mut self) -> Result<Option<(StoreFile, Option<StoreError>)>, StoreError> {
        let before = stamp(&self.path);
        let unreadable = |reason: String, path: &Path| StoreError::Unreadable {
            reason,
            path: path.to_owned(),
        };
        let bytes = match read_regular(&self.path, Links::Refuse, MAX_STORE_BYTES) {
            Ok(bytes) => bytes,
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                // Not a regular file (a planted link, a FIFO), unreadable, or too big: left
                // as it is, and nothing is written over it.
                self.frozen = true;
                return Err(unreadable(e.to_string(), &self.path));
            }
        };
        // Bytes that are not UTF-8 are damage like any other, and set aside the same way.
        let parsed = match std::str::from_utf8(&bytes) {
            Ok(text) => parse_records(text),
            Err(e) => Err(format!("not UTF-8 text ({e})")),
        };
        match parsed {
            Ok(Parsed { file, unreadable }) if unreadable.is_empty() => {
                self.seen = before;
                Ok(Some((file, None)))
            }
            Ok(Parsed { file, unreadable }) => {
                let kept = match self.access {
                    Access::Write => match copy_aside(&self.path) {
                        Some(kept) => Some(kept),
                        None => {
                            // The unreadable records exist only in this file: never replace it.
                            self.frozen = true;
                            None
                        }
                    },
                    Access::ReadOnly => None,
                };
                self.seen = before;
                let problem = StoreError::Partial {
                    unreadable: unreadable.len(),
                    total: unreadable.len() + file.annotations.len() + file.corrections.len(),
                    reason: unreadable[0].clone(),
                    path: self.path.clone(),
                    kept,
                };
                Ok(Some((file, Some(problem))))
            }
            // A newer Pizhu's file is not damaged: leave it alone, write nothing over it.
            Err(reason) if written_by_newer(&bytes) => {
                self.frozen = true;
                Err(unreadable(reason, &self.path))
            }
            Err(reason) if self.access == Access::ReadOnly => Err(unreadable(reason, &self.path)),
            Err(reason) => match keep_aside(&self.path) {
                Some(kept) => {
                    self.seen = None;
                    Err(StoreError::Damaged { reason, kept })
                }
                None => {
                    self.frozen = true;
                    Err(unreadable(reason, &self.path))
                }
            },
        }
    }

    /// A store of an earlier version of this document (same path, other fingerprint).
    fn find_by_path(&self, doc_path: &Path) -> Option<(PathBuf, StoreFile)> {
        let mut best: Option<(SystemTime, PathBuf, StoreFile)> = None;
        let plain_name = plain_file_name(doc_path);
        for entry in std::fs::read_dir(&self.dir).ok()?.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "ron") || path == self.path {
                continue;
            }
            // Only regular files, never through a link, never waiting on a FIFO.
            let Ok(bytes) = read_regular(&path, Links::Refuse, MAX_STORE_BYTES) else {
                continue;
            };
            // A store that does not hold the document's file name anywhere is not its: not
            // parsed (a new document would otherwise parse every store of the library).
            if let Some(name) = &plain_name
                && memchr::memmem::find(&bytes, name.as_bytes()).is_none()
            {
                continue;
            }
            let Ok(file) = std::str::from_utf8(&bytes)
                .map_err(|_| ())
                .and_then(|text| parse(text).map_err(|_| ()))
            else {
                continue;
            };
            if file.document.path.as_deref() != Some(doc_path) {
                continue;
            }
            let modified = entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            if best.as_ref().is_none_or(|(m, _, _)| modified > *m) {
                best = Some((modified, path, file));
            }
        }
        best.map(|(_, path, file)| (path, file))
    }

    /// Whether another process changed the file since this one last read or wrote it.
    pub fn changed_on_disk(&self) -> bool {
        stamp(&self.path) != self.seen
    }

    /// Bring in what another process wrote since (returns true when `set` changed).
    pub fn refresh(&mut self, set: &mut AnnotationSet) -> Result<bool, StoreError> {
        if !self.changed_on_disk() {
            return Ok(false);
        }
        let _lock = if self.access == Access::Write {
            Some(self.lock().map_err(|e| self.write_error(e, &self.dir))?)
        } else {
            None
        };
        match self.read()? {
            Some((theirs, problem)) => {
                let changed = set.merge(theirs.annotations, &theirs.removed)
                    | set.merge_corrections(theirs.corrections, &theirs.corrections_removed);
                match problem {
                    Some(problem) => Err(problem),
                    None => Ok(changed),
                }
            }
            None => {
                self.seen = None;
                Ok(false)
            }
        }
    }

    fn write_error(&self, source: std::io::Error, path: &Path) -> StoreError {
        StoreError::Write {
            source,
            path: path.to_owned(),
        }
    }

    /// Write the store: under a lock, merged with what another process wrote since this one
    /// last looked. The new file is written in full before anything else changes; then the
    /// file it replaces becomes backup 1 (only when it differs from backup 1), then the new
    /// one is renamed into place. A failure at any step leaves the store and every backup as
    /// they were. Returns true when the merge changed `set`.
    pub fn save(
        &mut self,
        set: &mut AnnotationSet,
        position: Option<usize>,
    ) -> Result<bool, StoreError> {
        if self.frozen {
            return Err(StoreError::Unreadable {
                reason: match self.access {
                    Access::ReadOnly => "opened to read only".into(),
                    Access::Write => "it was damaged or written by a newer Pizhu".into(),
                },
                path: self.path.clone(),
            });
        }
        let mut merged = false;
        for _ in 0..LOCK_ATTEMPTS {
            match self.save_once(set, position)? {
                Attempt::Done(changed) => return Ok(merged | changed),
                Attempt::FolderReplaced(changed) => merged |= changed,
            }
        }
        Err(self.write_error(
            std::io::Error::other("the notes folder was replaced during every attempt to save"),
            &self.dir,
        ))
    }

    fn save_once(
        &mut self,
        set: &mut AnnotationSet,
        position: Option<usize>,
    ) -> Result<Attempt, StoreError> {
        let lock = self.lock().map_err(|e| self.write_error(e, &self.dir))?;
        let mut merged = false;
        if self.changed_on_disk() {
            self.written = None;
            // A partly damaged file from another writer: its readable records are merged,
            // the whole file was kept aside by `read`.
            if let Some((theirs, _)) = self.read()? {
                merged = set.merge(theirs.annotations, &theirs.removed)
                    | set.merge_corrections(theirs.corrections, &theirs.corrections_removed);
            }
            if self.frozen {
                return Err(StoreError::Unreadable {
                    reason: "another writer left it damaged".into(),
                    path: self.path.clone(),
                });
            }
        }
        let mut removed = set.removed().to_vec();
        if removed.len() > MAX_TOMBSTONES {
            removed.sort_by_key(|&(_, when)| std::cmp::Reverse(when));
            removed.truncate(MAX_TOMBSTONES);
        }
        // Records borrowed from the set: nothing is copied to be written.
        let record = StoreRecord {
            version: FORMAT_VERSION,
            fingerprint: self.fingerprint.as_str().into(),
            document: (&self.info).into(),
            position,
            annotations: set.items().iter().map(AnnotationRecord::from).collect(),
            removed: removed.into(),
            corrections: set
                .corrections()
                .iter()
                .filter(|c| c.change.is_some())
                .map(CorrectionRecord::from)
                .collect(),
            corrections_removed: set.corrections_removed().into(),
        };
        let text = record_to_ron(&record)
            .map_err(|e| self.write_error(std::io::Error::other(e), &self.path))?;
        let hash = blake3::hash(text.as_bytes());
        if self.written == Some(hash) && !self.changed_on_disk() {
            return Ok(Attempt::Done(merged));
        }
        let tmp = match write_temp_beside(&self.path, text.as_bytes(), Mode::Private) {
            Ok(tmp) => tmp,
            // The (still empty) folder was removed from under the lock: lock it again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !lock.holds(&self.dir) => {
                return Ok(Attempt::FolderReplaced(merged));
            }
            Err(e) => return Err(self.write_error(e, &self.path)),
        };
        // The temp file now keeps the locked folder from being removed; if the folder was
        // removed and made anew before it was written, the lock protects nothing there.
        if !lock.holds(&self.dir) {
            return Ok(Attempt::FolderReplaced(merged));
        }
        self.rotate_backups();
        persist(tmp, &self.path).map_err(|e| self.write_error(e, &self.path))?;
        self.seen = stamp(&self.path);
        self.written = Some(hash);
        if let Some(old) = self.migrated_from.take() {
            // The earlier version's notes now live here; keep its file with the backups.
            let _ = retire(&old);
        }
        drop(lock);
        Ok(Attempt::Done(merged))
    }

    /// An exclusive lock on the annotations folder itself (see [`lock_folder`]).
    fn lock(&self) -> std::io::Result<DirLock> {
        lock_folder(&self.dir)
    }

    fn backup_path(&self, n: usize) -> PathBuf {
        self.dir
            .join("backups")
            .join(format!("{}.{n}.ron", self.fingerprint))
    }

    /// Keep the file about to be replaced as backup 1, shifting older backups up to
    /// [`BACKUPS`] — only when it differs from backup 1, so failed or repeated saves never
    /// push distinct versions out. No existing backup is ever opened for writing: the new
    /// one is a hard link (or a copy in a new file) made under a fresh name and renamed
    /// into place, and the shifting is done by renames.
    fn rotate_backups(&self) {
        let Ok(current) = std::fs::symlink_metadata(&self.path) else {
            return;
        };
        if !current.is_file() {
            return;
        }
        let dir = self.dir.join("backups");
        if std::fs::create_dir_all(&dir).is_err() {
            return;
        }
        if let Ok(first) = std::fs::symlink_metadata(self.backup_path(1))
            && ((inode(&first) == inode(&current) && inode(&current) != 0)
                || (first.len() == current.len() && same_bytes(&self.path, &self.backup_path(1))))
        {
            return;
        }
        // The new backup under a fresh name first; nothing moves unless it exists.
        let fresh = dir.join(format!(
            "{}.new-{}-{}.ron",
            self.fingerprint,
            std::process::id(),
            crate::annotate::new_id(0)
        ));
        if std::fs::hard_link(&self.path, &fresh).is_err() {
            let Ok(bytes) = read_regular(&self.path, Links::Refuse, MAX_STORE_BYTES) else {
                return;
            };
            let Ok(tmp) = write_temp_beside(&fresh, &bytes, Mode::Private) else {
                return;
            };
            if persist(tmp, &fresh).is_err() {
                return;
            }
        }
        for n in (1..BACKUPS).rev() {
            let _ = std::fs::rename(self.backup_path(n), self.backup_path(n + 1));
        }
        if std::fs::rename(&fresh, self.backup_path(1)).is_err() {
            let _ = std::fs::remove_file(&fresh);
        }
    }

    /// Paths of the backups that exist, newest first.
    pub fn backups(&self) -> Vec<PathBuf> {
        (1..=BACKUPS)
            .map(|n| self.backup_path(n))
            .filter(|p| p.exists())
            .collect()
    }

    /// The newest backup that parses completely, if any.
    pub fn newest_good_backup(&self) -> Option<Backup> {
        self.backups().into_iter().find_map(|path| {
            let bytes = read_regular(&path, Links::Refuse, MAX_STORE_BYTES).ok()?;
            let file = parse(std::str::from_utf8(&bytes).ok()?).ok()?;
            let modified = std::fs::symlink_metadata(&path)
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            Some(Backup {
                path,
                modified,
                file,
            })
        })
    }
}

/// Move a store file to `backups/` beside it, under its own name when that is free, else
/// `NAME.retired-N.ron` (the first `N` free): never replacing a file there, never deleting
/// anything. Returns where it went.
pub fn retire(store: &Path) -> std::io::Result<PathBuf> {
    let dir = store
        .parent()
        .ok_or_else(|| std::io::Error::other("a store file has a folder"))?
        .join("backups");
    std::fs::create_dir_all(&dir)?;
    let stem = store
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = std::fs::symlink_metadata(store)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(format!(
            "it is {}, not a notes file",
            crate::files::FileKind::of(&meta).describe()
        )));
    }
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.ron")
        } else {
            format!("{stem}.retired-{n}.ron")
        };
        let target = dir.join(name);
        // link() never replaces a file: the name is taken only if it is free.
        match std::fs::hard_link(store, &target) {
            Ok(()) => {
                std::fs::remove_file(store)?;
                return Ok(target);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // No hard links here (another file system): a rename onto a name seen free.
            Err(_) if std::fs::symlink_metadata(&target).is_err() => {
                std::fs::rename(store, &target)?;
                return Ok(target);
            }
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free name in the backups folder"))
}

/// Read a store file without changing anything: only a regular file, never through a link,
/// at most [`MAX_STORE_BYTES`], parsed record by record. `Ok(None)`: there is no such file.
pub fn read_store(path: &Path) -> Result<Option<Parsed>, String> {
    let bytes = match read_regular(path, Links::Refuse, MAX_STORE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("not UTF-8 text ({e})"))?;
    parse_records(text).map(Some)
}

/// Whether two files hold the same bytes (false when either cannot be read).
fn same_bytes(a: &Path, b: &Path) -> bool {
    match (
        read_regular(a, Links::Refuse, MAX_STORE_BYTES),
        read_regular(b, Links::Refuse, MAX_STORE_BYTES),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Remove temporary files a killed writer left beside the store (older than a minute, so a
/// write under way in another process is never touched).
fn remove_stale_temps(dir: &Path, fingerprint: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!("{fingerprint}.ron.tmp-");
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(60));
        if stale && entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a file carries a format version newer than this Pizhu reads.
fn written_by_newer(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Version {
        #[serde(default)]
        version: u32,
    }
    // Only the version matters; other fields (whatever a newer Pizhu added) are ignored.
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|text| {
            ron::Options::default()
                .from_str::<ron::Value>(text)
                .ok()
                .and_then(|v| v.into_rust::<Version>().ok())
        })
        .is_some_and(|v| v.version > FORMAT_VERSION)
}

/// A store file read record by record.
#[derive(Debug)]
pub struct Parsed {
    /// Everything that could be read.
    pub file: StoreFile,
    /// For each annotation that could not be read, what the parser said.
    pub unreadable: Vec<String>,
}

/// The shape of a store file with every record kept as its RON text, so one bad record
/// does not hide the others.
#[derive(Default, Deserialize)]
#[serde(default)]
struct RawStoreFile<'a> {
    version: u32,
    fingerprint: String,
    #[serde(borrow, deserialize_with = "some_raw")]
    document: Option<&'a ron::value::RawValue>,
    position: Option<usize>,
    #[serde(borrow)]
    annotations: Vec<&'a ron::value::RawValue>,
    #[serde(borrow)]
    removed: Vec<&'a ron::value::RawValue>,
    #[serde(borrow)]
    corrections: Vec<&'a ron::value::RawValue>,
    #[serde(borrow)]
    corrections_removed: Vec<&'a ron::value::RawValue>,
}

/// A record written as itself (not as `Some(…)`), kept as its text.
fn some_raw<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<&'de ron::value::RawValue>, D::Error> {
    <&ron::value::RawValue>::deserialize(d).map(Some)
}

/// Parse a store file's text record by record: the file's frame must parse; each
/// annotation that does not is reported and skipped (a removal record that does not is
/// dropped; a damaged document record becomes empty).
pub fn parse_records(text: &str) -> Result<Parsed, String> {
    // A healthy file (nearly always) in one pass; record by record only when that fails.
    if let Ok(record) = ron::from_str::<StoreRecord>(text)
        && record.version <= FORMAT_VERSION
    {
        return Ok(Parsed {
            file: record.into(),
            unreadable: Vec::new(),
        });
    }
    let raw: RawStoreFile = ron::from_str(text).map_err(|e| e.to_string())?;
    if raw.version > FORMAT_VERSION {
        return Err(format!(
            "written by a newer Pizhu (format {}; this one reads up to {FORMAT_VERSION})",
            raw.version
        ));
    }
    let mut unreadable = Vec::new();
    let mut annotations = Vec::with_capacity(raw.annotations.len());
    for (i, record) in raw.annotations.iter().enumerate() {
        match record.into_rust::<AnnotationRecord>() {
            Ok(a) => annotations.push(Annotation::from(a)),
            Err(e) => unreadable.push(format!("annotation {}: {}", i + 1, e.code)),
        }
    }
    let mut corrections = Vec::with_capacity(raw.corrections.len());
    for (i, record) in raw.corrections.iter().enumerate() {
        match record.into_rust::<CorrectionRecord>() {
            Ok(c) => corrections.push(Correction::from(c)),
            Err(e) => unreadable.push(format!("correction {}: {}", i + 1, e.code)),
        }
    }
    let file = StoreFile {
        version: raw.version,
        fingerprint: raw.fingerprint,
        document: raw
            .document
            .and_then(|d| d.into_rust::<DocumentRecord>().ok())
            .map(DocumentInfo::from)
            .unwrap_or_default(),
        position: raw.position,
        annotations,
        removed: raw
            .removed
            .iter()
            .filter_map(|r| r.into_rust().ok())
            .collect(),
        corrections,
        corrections_removed: raw
            .corrections_removed
            .iter()
            .filter_map(|r| r.into_rust().ok())
            .collect(),
    };
    Ok(Parsed { file, unreadable })
}

/// Parse a store file's text; any record that does not parse is an error.
pub fn parse(text: &str) -> Result<StoreFile, String> {
    let parsed = parse_records(text)?;
    match parsed.unreadable.first() {
        Some(reason) => Err(reason.clone()),
        None => Ok(parsed.file),
    }
}

/// A store file as RON text.
///
/// Strings are written as they are (a note's line breaks as line breaks; raw strings
/// `r#"…"#` when they hold `"` or `\`): escaping them char by char made saving 10,000
/// annotations take over 100 ms instead of under 10.
pub fn to_ron(file: &StoreFile) -> Result<String, ron::Error> {
    record_to_ron(&StoreRecord::from(file))
}

/// A store record as RON text (see [`to_ron`]).
fn record_to_ron(record: &StoreRecord<'_>) -> Result<String, ron::Error> {
    ron::ser::to_string_pretty(
        record,
        ron::ser::PrettyConfig::default()
            .struct_names(false)
            .indentor("  ".to_owned())
            .escape_strings(false),
    )
}

/// When unsaved changes must be written: annotation edits within half a second of the
/// first unsaved one (a stream of edits still saves), the reading position a second after
/// scrolling stops.
#[derive(Clone, Copy, Debug, Default)]
pub struct Autosave {
    edits_since: Option<Instant>,
    position_since: Option<Instant>,
}

/// Longest an annotation edit waits before it is written.
pub const EDIT_DELAY: Duration = Duration::from_millis(400);
/// How long the reading position must stay still before it is written.
pub const POSITION_DELAY: Duration = Duration::from_millis(1000);

impl Autosave {
    /// An annotation changed.
    pub fn edited(&mut self, now: Instant) {
        self.edits_since.get_or_insert(now);
    }

    /// The reading position changed.
    pub fn moved(&mut self, now: Instant) {
        self.position_since = Some(now);
    }

    /// Whether anything waits to be written.
    pub fn pending(&self) -> bool {
        self.edits_since.is_some() || self.position_since.is_some()
    }

    /// Whether annotation edits wait to be written.
    pub fn edits_pending(&self) -> bool {
        self.edits_since.is_some()
    }

    /// Time until the next write is due (`None`: nothing waits).
    pub fn due_in(&self, now: Instant) -> Option<Duration> {
        let edits = self
            .edits_since
            .map(|t| (t + EDIT_DELAY).saturating_duration_since(now));
        let position = self
            .position_since
            .map(|t| (t + POSITION_DELAY).saturating_duration_since(now));
        match (edits, position) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether a write is due now.
    pub fn due(&self, now: Instant) -> bool {
        self.due_in(now).is_some_and(|d| d.is_zero())
    }

    /// Everything was written.
    pub fn saved(&mut self) {
        *self = Self::default();
    }
}

/// `path`'s file name when a store writes it as it is (letters, digits, CJK, a few ASCII
/// marks: nothing a RON string escapes), to be looked for in a store's bytes.
fn plain_file_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let plain = |c: char| {
        c.is_ascii_alphanumeric()
            || " .-_()[]+,#@".contains(c)
            || matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '（' | '）' | '《' | '》' | '、' | '，')
    };
    (!name.is_empty() && name.chars().all(plain)).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::{Color, Edit};
    use crate::document::SourceFormat;
    use crate::document::TextRange;

    fn doc(text: &str) -> Document {
        Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text)
    }

    const TEXT: &str = "同志们：\n　　一要提高站位。二要狠抓落实。三要严明纪律。";

    fn add(set: &mut AnnotationSet, d: &Document, quote: &str, now: i64) -> AnnotationId {
        let byte = d.text.find(quote).expect("quote");
        let start = d.char_of_byte(byte);
        let mut a = Annotation::highlight(
            d,
            TextRange::new(start, start + quote.chars().count()),
            Color::Blue,
            now,
        );
        a.note = format!("笔记 {quote} #金句");
        let id = a.id;
        set.apply(vec![Edit::Add(a)], now);
        id
    }

    #[test]
    fn a_store_round_trips_through_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc(TEXT);
        let mut loaded = DocStore::load(dir.path(), &d, Some(Path::new("/x/speech.txt")), "讲话");
        assert!(loaded.annotations.is_empty() && loaded.problem.is_none());
        add(&mut loaded.annotations, &d, "狠抓落实", 1);
        loaded.store.save(&mut loaded.annotations, Some(7)).unwrap();
        let again = DocStore::load(dir.path(), &d, Some(Path::new("/x/speech.txt")), "讲话");
        assert_eq!(again.annotations.items(), loaded.annotations.items());
        assert_eq!(again.position, Some(7));
        let text = std::fs::read_to_string(again.store.path()).unwrap();
        assert!(text.contains("quote: \"狠抓落实\""), "{text}");
        assert!(text.contains("version: 1"), "{text}");
    }

    #[test]
    fn a_moved_document_keeps_its_notes_and_an_edited_one_finds_them_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc(TEXT);
        let mut loaded = DocStore::load(dir.path(), &d, Some(Path::new("/a/one.txt")), "");
        add(&mut loaded.annotations, &d, "严明纪律", 1);
        loaded.store.save(&mut loaded.annotations, None).unwrap();
        // Same text under another name: same fingerprint.
        let moved = DocStore::load(dir.path(), &d, Some(Path::new("/b/two.txt")), "");
        assert_eq!(moved.annotations.len(), 1);
        // Edited text at the old path: found through the recorded path.
        let edited = doc(&TEXT.replace("同志们：", "各位：\n"));
        let mut found = DocStore::load(dir.path(), &edited, Some(Path::new("/a/one.txt")), "");
        assert_eq!(found.annotations.len(), 1);
        assert_eq!(found.annotations.place_in(&edited), 0);
        found.store.save(&mut found.annotations, None).unwrap();
        let stores: Vec<_> = std::fs::read_dir(dir.path().join("annotations"))
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "ron"))
            .collect();
        assert_eq!(stores.len(), 1, "the old store moved to backups");
    }

    #[test]
    fn an_edited_document_finds_its_notes_by_path_whatever_its_name() {
        // CJK names are looked for in the stores' bytes first; names a RON string escapes
        // (a quote, a backslash, a tab) are always parsed.
        for name in [
            "2026年政府工作报告（全文）.txt",
            "say \"hi\"\\.txt",
            "tab\tname.txt",
        ] {
            let dir = tempfile::tempdir().unwrap();
            let d = doc(TEXT);
            let at = Path::new("/a").join(name);
            let mut loaded = DocStore::load(dir.path(), &d, Some(&at), "");
            add(&mut loaded.annotations, &d, "严明纪律", 1);
            loaded.store.save(&mut loaded.annotations, None).unwrap();
            // Another document's store with another name beside it.
            let other = doc("另一篇文章。");
            let mut o = DocStore::load(dir.path(), &other, Some(Path::new("/a/other.txt")), "");
            add(&mut o.annotations, &other, "另一篇", 1);
            o.store.save(&mut o.annotations, None).unwrap();
            let edited = doc(&TEXT.replace("同志们：", "各位：\n"));
            let found = DocStore::load_read_only(dir.path(), &edited, Some(&at), "");
            assert_eq!(found.annotations.len(), 1, "{name}");
            // A name no store holds finds nothing.
            let none =
                DocStore::load_read_only(dir.path(), &edited, Some(Path::new("/a/新.txt")), "");
            assert_eq!(none.annotations.len(), 0, "{name}");
        }
    }

    #[test]
    fn a_damaged_store_is_kept_aside_reported_and_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc(TEXT);
        let path = dir
            .path()
            .join("annotations")
            .join(format!("{}.ron", fingerprint(&d.text)));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "(version: 1, annotations: [ (id: 5, quote: \"半截").unwrap();
        let mut loaded = DocStore::load(dir.path(), &d, None, "");
        let Some(StoreError::Damaged { kept, .. }) = &loaded.problem else {
            panic!("{:?}", loaded.problem);
        };
        assert_eq!(
            std::fs::read_to_string(kept).unwrap(),
            "(version: 1, annotations: [ (id: 5, quote: \"半截"
        );
        add(&mut loaded.annotations, &d, "提高站位", 1);
        loaded.store.save(&mut loaded.annotations, None).unwrap();
        assert!(kept.exists(), "the damaged copy survives the next save");
    }

    #[test]
    fn two_writers_merge_instead_of_overwriting_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc(TEXT);
        let mut a = DocStore::load(dir.path(), &d, None, "");
        let mut b = DocStore::load(dir.path(), &d, None, "");
        let first = add(&mut a.annotations, &d, "提高站位", 100);
        a.store.save(&mut a.annotations, None).unwrap();
        let second = add(&mut b.annotations, &d, "狠抓落实", 200);
        assert!(
            b.store.save(&mut b.annotations, None).unwrap(),
            "b merged a's note"
        );
        // a removes its own note; b learns of it on refresh.
        a.annotations.apply(vec![Edit::Remove(first)], 300);
        a.store.save(&mut a.annotations, None).unwrap();
        assert!(b.store.refresh(&mut b.annotations).unwrap());
        let ids: Vec<_> = b.annotations.items().iter().map(|x| x.id).collect();
        assert_eq!(ids, [second]);
        let last = DocStore::load(dir.path(), &d, None, "");
        assert_eq!(
            last.annotations
                .items()
                .iter()
                .map(|x| x.id)
                .collect::<Vec<_>>(),
            [second]
        );
    }

    #[test]
    fn five_backups_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc(TEXT);
        let mut s = DocStore::load(dir.path(), &d, None, "");
        for i in 0..8 {
            s.store.save(&mut s.annotations, Some(i)).unwrap();
        }
        let backups = s.store.backups();
        assert_eq!(backups.len(), BACKUPS);
        // Backup 1 is the version before the last write.
        let newest = parse(&std::fs::read_to_string(&backups[0]).unwrap()).unwrap();
        assert_eq!(newest.position, Some(6));
        let oldest = parse(&std::fs::read_to_string(&backups[4]).unwrap()).unwrap();
        assert_eq!(oldest.position, Some(2));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_kept_aside_and_a_newer_format_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc(TEXT);
        let path = dir
            .path()
            .join("annotations")
            .join(format!("{}.ron", fingerprint(&d.text)));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"(version: 1, \xff\xfe)").unwrap();
        let mut loaded = DocStore::load(dir.path(), &d, None, "");
        assert!(
            matches!(loaded.problem, Some(StoreError::Damaged { .. })),
            "{:?}",
            loaded.problem
        );
        add(&mut loaded.annotations, &d, "提高站位", 1);
        loaded.store.save(&mut loaded.annotations, None).unwrap();
        // A file from a newer Pizhu: reported, never renamed, never overwritten.
        let newer = "(version: 7, annotations: [], shiny_new_field: 3)";
        std::fs::write(&path, newer).unwrap();
        let mut loaded = DocStore::load(dir.path(), &d, None, "");
        assert!(
            matches!(loaded.problem, Some(StoreError::Unreadable { .. })),
            "{:?}",
            loaded.problem
        );
        add(&mut loaded.annotations, &d, "提高站位", 2);
        assert!(loaded.store.save(&mut loaded.annotations, None).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), newer);
    }

    #[test]
    fn a_newer_format_is_not_read_as_empty() {
        assert!(parse("(version: 99)").unwrap_err().contains("newer"));
    }

    #[test]
    fn edits_are_due_within_half_a_second_even_while_editing_continues() {
        let t0 = Instant::now();
        let mut auto = Autosave::default();
        assert_eq!(auto.due_in(t0), None);
        auto.edited(t0);
        auto.edited(t0 + Duration::from_millis(300));
        assert!(!auto.due(t0 + Duration::from_millis(200)));
        assert!(auto.due(t0 + EDIT_DELAY));
        auto.saved();
        auto.moved(t0);
        auto.moved(t0 + Duration::from_millis(900));
        assert!(!auto.due(t0 + Duration::from_millis(1500)));
        assert!(auto.due(t0 + Duration::from_millis(1900)));
    }
}
