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

use serde::{Deserialize, Serialize};

use super::{keep_aside, write_atomic};
use crate::annotate::{Annotation, AnnotationId, AnnotationSet};
use crate::document::Document;

/// Version written into every store file.
pub const FORMAT_VERSION: u32 = 1;
/// Backups kept of each store (the versions before the last five writes).
pub const BACKUPS: usize = 5;
/// Removals remembered for merging (older ones are forgotten first).
const MAX_TOMBSTONES: usize = 5000;

/// What a store file holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
}

/// Where the document was last seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentInfo {
    /// Its path when last opened (absolute), if it came from a file.
    pub path: Option<PathBuf>,
    /// Its title.
    pub title: String,
    /// Its length in chars.
    pub chars: usize,
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
    /// The file does not parse and could not be renamed either; nothing will be written.
    #[error("the notes file could not be read ({reason}) and is left untouched; notes are kept in memory only: {}", path.display())]
    Unreadable {
        /// What failed.
        reason: String,
        /// The file.
        path: PathBuf,
    },
    /// Writing failed (read-only folder, full disk).
    #[error("notes cannot be saved ({source}); they are kept in memory only — check that the folder is writable: {}", path.display())]
    Write {
        /// The I/O error.
        source: std::io::Error,
        /// The store file.
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
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
        inode,
    })
}

/// A document's store: where it lives and what this process last read or wrote there.
#[derive(Debug)]
pub struct DocStore {
    dir: PathBuf,
    path: PathBuf,
    fingerprint: String,
    info: DocumentInfo,
    /// The file as this process last read or wrote it.
    seen: Option<Stamp>,
    /// The store of an earlier version of the document, found by its path; retired after
    /// the first save under the new fingerprint.
    migrated_from: Option<PathBuf>,
    /// The file is damaged and could not be moved: never write.
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
    /// What went wrong while loading (damaged file kept aside, …).
    pub problem: Option<StoreError>,
}

impl DocStore {
    /// Open the store of `doc` (read from `doc_path`, if a file) in `data_dir`.
    pub fn load(data_dir: &Path, doc: &Document, doc_path: Option<&Path>, title: &str) -> Loaded {
        let fingerprint = fingerprint(&doc.text);
        Self::load_with(data_dir, fingerprint, doc.char_count, doc_path, title)
    }

    /// [`DocStore::load`] with the fingerprint already computed.
    pub fn load_with(
        data_dir: &Path,
        fingerprint: String,
        chars: usize,
        doc_path: Option<&Path>,
        title: &str,
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
        remove_stale_temps(&dir, &fingerprint);
        let mut store = DocStore {
            dir,
            path,
            fingerprint,
            info: DocumentInfo {
                path: doc_path.clone(),
                title: title.to_owned(),
                chars,
            },
            seen: None,
            migrated_from: None,
            frozen: false,
        };
        let mut problem = None;
        let mut file = match store.read() {
            Ok(file) => file,
            Err(e) => {
                problem = Some(e);
                None
            }
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
            annotations: AnnotationSet::new(file.annotations, file.removed),
            position: file.position,
            store,
            problem,
        }
    }

    /// Whether the store file exists.
    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// The store file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The document's fingerprint.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Read and parse the store file (`Ok(None)`: there is none). A file that does not
    /// parse is renamed aside.
    fn read(&mut self) -> Result<Option<StoreFile>, StoreError> {
        let before = stamp(&self.path);
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                self.frozen = true;
                return Err(StoreError::Unreadable {
                    reason: e.to_string(),
                    path: self.path.clone(),
                });
            }
        };
        // Bytes that are not UTF-8 are damage like any other, and set aside the same way.
        let parsed = match std::str::from_utf8(&bytes) {
            Ok(text) => parse(text),
            Err(e) => Err(format!("not UTF-8 text ({e})")),
        };
        match parsed {
            Ok(file) => {
                self.seen = before;
                Ok(Some(file))
            }
            // A newer Pizhu's file is not damaged: leave it alone, write nothing over it.
            Err(reason) if written_by_newer(&bytes) => {
                self.frozen = true;
                Err(StoreError::Unreadable {
                    reason,
                    path: self.path.clone(),
                })
            }
            Err(reason) => match keep_aside(&self.path) {
                Some(kept) => {
                    self.seen = None;
                    Err(StoreError::Damaged { reason, kept })
                }
                None => {
                    self.frozen = true;
                    Err(StoreError::Unreadable {
                        reason,
                        path: self.path.clone(),
                    })
                }
            },
        }
    }

    /// A store of an earlier version of this document (same path, other fingerprint).
    fn find_by_path(&self, doc_path: &Path) -> Option<(PathBuf, StoreFile)> {
        let mut best: Option<(SystemTime, PathBuf, StoreFile)> = None;
        for entry in std::fs::read_dir(&self.dir).ok()?.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "ron") || path == self.path {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(file) = parse(&text) else { continue };
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
        let _lock = self.lock();
        match self.read()? {
            Some(theirs) => Ok(set.merge(theirs.annotations, &theirs.removed)),
            None => {
                self.seen = None;
                Ok(false)
            }
        }
    }

    /// Write the store: under a lock, merged with what another process wrote since this one
    /// last looked, after rotating the backups. Returns true when the merge changed `set`.
    pub fn save(
        &mut self,
        set: &mut AnnotationSet,
        position: Option<usize>,
    ) -> Result<bool, StoreError> {
        if self.frozen {
            return Err(StoreError::Unreadable {
                reason: "damaged earlier".into(),
                path: self.path.clone(),
            });
        }
        let write_error = |source: std::io::Error, path: &Path| StoreError::Write {
            source,
            path: path.to_owned(),
        };
        std::fs::create_dir_all(&self.dir).map_err(|e| write_error(e, &self.dir))?;
        let _lock = self.lock().map_err(|e| write_error(e, &self.path))?;
        let mut merged = false;
        if self.changed_on_disk()
            && let Some(theirs) = self.read()?
        {
            merged = set.merge(theirs.annotations, &theirs.removed);
        }
        let mut removed = set.removed().to_vec();
        if removed.len() > MAX_TOMBSTONES {
            removed.sort_by_key(|&(_, when)| std::cmp::Reverse(when));
            removed.truncate(MAX_TOMBSTONES);
        }
        let file = StoreFile {
            version: FORMAT_VERSION,
            fingerprint: self.fingerprint.clone(),
            document: self.info.clone(),
            position,
            annotations: set.items().to_vec(),
            removed,
        };
        let text = to_ron(&file).map_err(|e| write_error(std::io::Error::other(e), &self.path))?;
        self.rotate_backups();
        write_atomic(&self.path, text.as_bytes()).map_err(|e| write_error(e, &self.path))?;
        self.seen = stamp(&self.path);
        if let Some(old) = self.migrated_from.take() {
            // The earlier version's notes now live here; keep its file with the backups.
            let _ = std::fs::create_dir_all(self.dir.join("backups"));
            let name = old.file_name().map(|n| n.to_owned()).unwrap_or_default();
            let _ = std::fs::rename(&old, self.dir.join("backups").join(name));
        }
        Ok(merged)
    }

    /// An exclusive lock on the store (a sibling `.lock` file; released on drop).
    fn lock(&self) -> std::io::Result<File> {
        let lock_path = self.path.with_extension("lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(lock_path)?;
        file.lock()?;
        Ok(file)
    }

    /// Keep the file being replaced as backup 1, shifting older backups up to [`BACKUPS`].
    fn rotate_backups(&self) {
        if !self.path.exists() {
            return;
        }
        let dir = self.dir.join("backups");
        if std::fs::create_dir_all(&dir).is_err() {
            return;
        }
        let name = |n: usize| dir.join(format!("{}.{n}.ron", self.fingerprint));
        let _ = std::fs::remove_file(name(BACKUPS));
        for n in (1..BACKUPS).rev() {
            let _ = std::fs::rename(name(n), name(n + 1));
        }
        // A hard link keeps the old contents once the new file is renamed over the name.
        if std::fs::hard_link(&self.path, name(1)).is_err() {
            let _ = std::fs::copy(&self.path, name(1));
        }
    }

    /// Paths of the backups that exist, newest first.
    pub fn backups(&self) -> Vec<PathBuf> {
        (1..=BACKUPS)
            .map(|n| {
                self.dir
                    .join("backups")
                    .join(format!("{}.{n}.ron", self.fingerprint))
            })
            .filter(|p| p.exists())
            .collect()
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

/// Parse a store file's text.
pub fn parse(text: &str) -> Result<StoreFile, String> {
    let file: StoreFile = ron::from_str(text).map_err(|e| e.to_string())?;
    if file.version > FORMAT_VERSION {
        return Err(format!(
            "written by a newer Pizhu (format {}; this one reads up to {FORMAT_VERSION})",
            file.version
        ));
    }
    Ok(file)
}

/// A store file as RON text.
///
/// Strings are written as they are (a note's line breaks as line breaks; raw strings
/// `r#"…"#` when they hold `"` or `\`): escaping them char by char made saving 10,000
/// annotations take over 100 ms instead of under 10.
pub fn to_ron(file: &StoreFile) -> Result<String, ron::Error> {
    ron::ser::to_string_pretty(
        file,
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
