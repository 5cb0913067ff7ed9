//! The open document's highlights and notes: the set being edited, its store on disk, and
//! when to write it.
//!
//! The store is never read or written on the caller's (the window's) thread while it runs:
//! a save sends a copy of the set to a worker ([`Task`]), which takes the lock, merges what
//! other windows wrote, writes the file and its backups, and sends back only what the merge
//! brought in. That comes back into the set by the same newest-wins merge, so edits made
//! while the save was under way are kept beside the other window's changes. One job runs
//! at a time, and its result is merged before the next copy is taken, so nothing another
//! window wrote is ever written over.
//!
//! Changes by other windows and `pizhu highlight` are noticed by watching the annotations
//! folder (`notify`): the watcher wakes the window only when the store file really changed
//! (size, time or inode differ from what this process last read or wrote). Where watching
//! is not possible, the window asks for a check when it gains focus ([`Notes::check_store`]).
//! Nothing is checked on a timer, so an idle window does no work.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use notify::Watcher as _;

use crate::annotate::corrections::{Correction, CorrectionEdit, CorrectionId};

/// What restoring a backup brought back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Restored {
    /// Annotations added back.
    pub annotations: usize,
    /// Outline corrections added back.
    pub corrections: usize,
    /// The backup's time.
    pub when: SystemTime,
}
use crate::annotate::{Annotation, AnnotationId, AnnotationSet, Edit, now_ms};
use crate::document::Document;
use crate::outline::Outline;
use crate::session::task::{Task, Waker};
use crate::store::annotations::{Access, Autosave, DocStore};

/// Most changed ids remembered between saves; with more, a save compares every annotation.
const DIRTY_MAX: usize = 16;

/// Longest [`Notes::flush`] waits for a write already under way.
const FLUSH_WAIT: Duration = Duration::from_secs(30);

/// A document's annotations and their store.
pub struct Notes {
    /// The highlights and notes.
    pub set: AnnotationSet,
    /// The store and the worker's copy of the set; locked by the worker while it reads or
    /// writes.
    store: Option<Arc<Mutex<Writer>>>,
    /// What the worker's copy holds of each annotation (a save sends what differs).
    sent: Versions,
    /// The ids that may differ from `sent`: those this struct changed since the last save
    /// was prepared, while the set's generation was [`Notes::tracked`]'s. A save then looks
    /// only for these instead of comparing all 10,000 with `sent`.
    dirty: Vec<AnnotationId>,
    /// The set's generation after the last change whose ids are in `dirty` (`None`, or a
    /// generation that is no longer the set's: changed in a way not tracked — undo, redo,
    /// a restore, a change made to `set` directly — so the next save compares everything).
    tracked: Option<u64>,
    /// The worker's copy is to be made anew with the next save (the set changed in a way
    /// `modified_ms` does not show: re-placed).
    resync: bool,
    /// The store file (kept here: the store itself may be busy).
    path: Option<PathBuf>,
    /// The read or write under way.
    job: Option<Running>,
    /// The newest readable backup being read (a restore the user asked for).
    restoring: Option<Task<Option<crate::store::annotations::Backup>>>,
    /// Watches the annotations folder for other writers (`None`: not possible here).
    watch: Option<Arc<Watch>>,
    /// What the worker, the watcher and this thread share.
    shared: Arc<Shared>,
    autosave: Autosave,
    /// The reading position remembered in the store.
    pub stored_position: Option<usize>,
    /// The position to write with the next save.
    position: Option<usize>,
    /// What went wrong loading the store (shown once in a banner).
    pub load_problem: Option<String>,
    /// When loading found damage: the time of the newest backup that can be read (the
    /// banner offers to restore it).
    pub restorable: Option<SystemTime>,
    /// The last failed save (kept until a save succeeds).
    pub save_error: Option<String>,
    /// Another window's changes came in (the view must be redrawn).
    pub merged: bool,
    /// The store whose notes were found by this document's content (it was moved and
    /// edited): they are in the set, and that store is retired on the first save.
    pub reattached: Option<PathBuf>,
    /// Notes that may belong to this document (a weaker match by content), for the window to
    /// offer: Attach runs `library::attach` on a worker, and the store watcher brings them in.
    pub offers: Vec<crate::library::Offer>,
    /// The annotation whose note is being typed (one undo step per typing session).
    typing: Option<AnnotationId>,
    /// Per outline node: annotations in its section (computed for a generation).
    counts: RefCell<Option<(u64, Vec<usize>)>>,
}

impl std::fmt::Debug for Notes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notes")
            .field("annotations", &self.set.len())
            .field("store", &self.path)
            .field("busy", &self.job.as_ref().map(|j| j.saving))
            .field("watching", &self.watch.is_some())
            .field("pending", &self.autosave.pending())
            .field("save_error", &self.save_error)
            .finish_non_exhaustive()
    }
}

impl Drop for Notes {
    /// A write under way is finished before the notes go (a new window or process reading
    /// the store next finds it written); changes not yet being written are not saved here.
    fn drop(&mut self) {
        if let Some(running) = self.job.as_mut()
            && running.saving
        {
            running.task.wait(FLUSH_WAIT);
        }
    }
}

/// State shared with the worker thread and the watcher.
#[derive(Default)]
struct Shared {
    /// Asks the window for a frame (set by the window).
    waker: Mutex<Option<Waker>>,
    /// The store file may have changed since this process last looked.
    changed: AtomicBool,
    /// The annotations folder was made, removed or replaced: watch it again.
    rewatch: AtomicBool,
}

impl Shared {
    fn wake(&self) {
        let waker = lock(&self.waker).clone();
        if let Some(wake) = waker {
            wake();
        }
    }

    /// The store file may have changed: ask for a check (waking the window once per burst).
    fn changed(&self) {
        if !self.changed.swap(true, Ordering::SeqCst) {
            self.wake();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The store and the worker's copy of the set: what was last written or read, as far as
/// this window knows (so a save sends only what changed since).
struct Writer {
    store: DocStore,
    mirror: AnnotationSet,
}

/// Each annotation's last change (`modified_ms`), by id.
type Versions = HashMap<AnnotationId, i64>;

fn versions(set: &AnnotationSet) -> Versions {
    set.items().iter().map(|a| (a.id, a.modified_ms)).collect()
}

/// A job on the worker thread.
struct Running {
    task: Task<Outcome>,
    /// A save (not only a check for other writers' changes).
    saving: bool,
}

/// What a job asks of the store.
enum Job {
    /// Bring the worker's copy up to date with these changes, then write it (merging other
    /// writers' changes into it).
    Save {
        /// Annotations added or changed since the last job (all of them when `full`).
        changed: Vec<Annotation>,
        /// Ids no longer in the set.
        gone: Vec<AnnotationId>,
        /// The set's removals, all of them (a few thousand pairs at most).
        removed: Vec<(AnnotationId, i64)>,
        /// `changed` is the whole set: the copy is made anew.
        full: bool,
        position: Option<usize>,
        /// The corrections of the outline and their removals, all of them (a few).
        corrections: Corrections,
    },
    /// Bring in other writers' changes.
    Refresh,
}

/// What a job found: the changes to merge into the set, and what failed.
#[derive(Debug, Default)]
struct Outcome {
    /// Annotations other writers added or changed.
    items: Vec<Annotation>,
    /// Removals by other writers.
    removed: Vec<(AnnotationId, i64)>,
    /// Ids that left the worker's copy.
    gone: Vec<AnnotationId>,
    /// The corrections after the merge, when it changed them.
    corrections: Option<Corrections>,
    /// The error, if the store could not be read or written.
    error: Option<String>,
}

/// The corrections of the outline and the ids removed, with when.
type Corrections = (Vec<Correction>, Vec<(CorrectionId, i64)>);

fn corrections_of(set: &AnnotationSet) -> Corrections {
    (
        set.corrections().to_vec(),
        set.corrections_removed().to_vec(),
    )
}

impl Job {
    fn run(self, w: &mut Writer) -> Outcome {
        let (before, removed_before, result) = match self {
            Job::Save {
                changed,
                gone,
                removed,
                full,
                position,
                corrections,
            } => {
                w.mirror = if full {
                    AnnotationSet::new(changed, removed)
                } else {
                    updated(&w.mirror, changed, &gone, removed)
                }
                .with_corrections(corrections.0, corrections.1);
                // Nothing worth a file yet: no annotations, and the reader is at the start.
                if w.mirror.is_empty()
                    && w.mirror.removed().is_empty()
                    && w.mirror.corrections().is_empty()
                    && w.mirror.corrections_removed().is_empty()
                    && position.unwrap_or(0) == 0
                    && !w.store.exists()
                {
                    return Outcome::default();
                }
                let before = versions(&w.mirror);
                let removed_before = w.mirror.removed().len();
                let result = w.store.save(&mut w.mirror, position);
                (before, removed_before, result)
            }
            Job::Refresh => {
                if !w.store.changed_on_disk() {
                    return Outcome::default();
                }
                let before = versions(&w.mirror);
                let removed_before = w.mirror.removed().len();
                let result = w.store.refresh(&mut w.mirror);
                (before, removed_before, result)
            }
        };
        let mut outcome = match result {
            // The merge changed nothing.
            Ok(false) => Outcome::default(),
            _ => brought_in(&before, removed_before, &w.mirror),
        };
        if result.is_err() || result.as_ref().is_ok_and(|&changed| changed) {
            outcome.corrections = Some(corrections_of(&w.mirror));
        }
        outcome.error = result.err().map(|e| e.to_string());
        outcome
    }
}

/// `mirror` with `changed` put in (by id), `gone` taken out, and `removed` as the removals.
fn updated(
    mirror: &AnnotationSet,
    changed: Vec<Annotation>,
    gone: &[AnnotationId],
    removed: Vec<(AnnotationId, i64)>,
) -> AnnotationSet {
    let mut by_id: HashMap<AnnotationId, Annotation> =
        changed.into_iter().map(|a| (a.id, a)).collect();
    let gone: HashSet<AnnotationId> = gone.iter().copied().collect();
    let mut items: Vec<Annotation> = mirror
        .items()
        .iter()
        .filter(|a| !gone.contains(&a.id))
        .map(|a| by_id.remove(&a.id).unwrap_or_else(|| a.clone()))
        .collect();
    items.extend(by_id.into_values());
    AnnotationSet::new(items, removed)
}

/// What a merge brought into `after`, a set that held `before` (each id's last change) and
/// `removed_before` removals: new and newer annotations, and removals. The merge only
/// appends removals; an annotation that went without one (its id was already known as
/// removed) is passed on as removed when it was last changed, so an edit made since wins.
fn brought_in(before: &Versions, removed_before: usize, after: &AnnotationSet) -> Outcome {
    let items: Vec<Annotation> = after
        .items()
        .iter()
        .filter(|a| before.get(&a.id) != Some(&a.modified_ms))
        .cloned()
        .collect();
    let mut removed: Vec<(AnnotationId, i64)> = after
        .removed()
        .get(removed_before..)
        .unwrap_or_default()
        .to_vec();
    let live: HashSet<AnnotationId> = after.items().iter().map(|a| a.id).collect();
    let gone: Vec<AnnotationId> = before
        .keys()
        .filter(|id| !live.contains(id))
        .copied()
        .collect();
    if !gone.is_empty() {
        let noted: HashSet<AnnotationId> = removed.iter().map(|&(id, _)| id).collect();
        removed.extend(
            gone.iter()
                .filter(|id| !noted.contains(id))
                .map(|id| (*id, before[id])),
        );
    }
    Outcome {
        items,
        removed,
        gone,
        corrections: None,
        error: None,
    }
}

/// The watcher on the annotations folder and on the data folder that holds it (to notice
/// the annotations folder being made or replaced).
struct Watch {
    state: Mutex<WatchState>,
}

struct WatchState {
    watcher: notify::RecommendedWatcher,
    /// The annotations folder.
    dir: PathBuf,
    /// The data folder.
    parent: Option<PathBuf>,
    dir_watched: bool,
    parent_watched: bool,
}

impl Watch {
    /// Watch `file`'s folder and the folder above; `None` when no watcher can be made.
    fn start(file: &Path, store: &Arc<Mutex<Writer>>, shared: &Arc<Shared>) -> Option<Self> {
        let dir = file.parent()?.to_owned();
        let parent = dir.parent().map(Path::to_owned);
        let (file, folder) = (file.to_owned(), dir.clone());
        let store = Arc::downgrade(store);
        let shared_cb = Arc::clone(shared);
        let handler = move |event: notify::Result<notify::Event>| {
            use notify::EventKind;
            use notify::event::{AccessKind, AccessMode};
            let event = match event {
                Ok(event) => event,
                // Events were lost (queue overflow): look.
                Err(_) => return shared_cb.changed(),
            };
            match event.kind {
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
                EventKind::Access(_) => return,
                _ => {}
            }
            if event.paths.contains(&folder) {
                shared_cb.rewatch.store(true, Ordering::SeqCst);
                return shared_cb.changed();
            }
            if !event.paths.contains(&file) {
                return;
            }
            let Some(store) = store.upgrade() else { return };
            // Busy: a job is reading or writing; the window looks again when it ends.
            match store.try_lock() {
                Ok(w) if !w.store.changed_on_disk() => {}
                Ok(_) => shared_cb.changed(),
                Err(_) => {
                    shared_cb.changed.store(true, Ordering::SeqCst);
                }
            }
        };
        let watcher = notify::RecommendedWatcher::new(handler, notify::Config::default()).ok()?;
        let watch = Self {
            state: Mutex::new(WatchState {
                watcher,
                dir,
                parent,
                dir_watched: false,
                parent_watched: false,
            }),
        };
        watch.ensure(shared);
        Some(watch)
    }

    /// Watch whichever of the two folders exists and is not watched yet (again, after the
    /// annotations folder was replaced). Never called with the store locked.
    fn ensure(&self, shared: &Shared) {
        let mut s = lock(&self.state);
        let WatchState {
            watcher,
            dir,
            parent,
            dir_watched,
            parent_watched,
        } = &mut *s;
        if !*parent_watched && let Some(parent) = parent.as_deref() {
            *parent_watched = watcher
                .watch(parent, notify::RecursiveMode::NonRecursive)
                .is_ok();
        }
        if shared.rewatch.swap(false, Ordering::SeqCst) && *dir_watched {
            let _ = watcher.unwatch(dir);
            *dir_watched = false;
        }
        if !*dir_watched {
            *dir_watched = watcher
                .watch(dir, notify::RecursiveMode::NonRecursive)
                .is_ok();
        }
    }
}

impl Notes {
    /// Annotations kept in memory only (no data directory: tests, benchmarks).
    pub fn in_memory() -> Self {
        Self {
            set: AnnotationSet::default(),
            store: None,
            sent: Versions::new(),
            dirty: Vec::new(),
            tracked: None,
            resync: false,
            path: None,
            job: None,
            restoring: None,
            watch: None,
            shared: Arc::default(),
            autosave: Autosave::default(),
            stored_position: None,
            position: None,
            load_problem: None,
            restorable: None,
            save_error: None,
            merged: false,
            reattached: None,
            offers: Vec::new(),
            typing: None,
            counts: RefCell::new(None),
        }
    }

    /// Load the store of `doc` from `data_dir` and place every annotation in the text, and
    /// start watching it for other writers. Reads the file: call it off the UI thread.
    pub fn load(data_dir: &Path, doc: &Document, path: Option<&Path>, title: &str) -> Self {
        // By fingerprint, by path, else by content (a document moved and edited).
        let opened =
            crate::library::reattach::load_store(data_dir, doc, path, title, Access::Write);
        let loaded = opened.loaded;
        let mut set = loaded.annotations;
        set.place_in_after(doc, loaded.stored_chars);
        let restorable = loaded
            .problem
            .as_ref()
            .and_then(|_| loaded.store.newest_good_backup())
            .map(|b| b.modified);
        let file = loaded.store.path().to_owned();
        // Notes taken over from another store (found by path or by content) are written
        // under this document at once: until then the old store looks like a missing
        // document's in the notebook.
        let taken_over = loaded.store.migrated_from().is_some();
        let sent = versions(&set);
        let tracked = Some(set.generation());
        let store = Arc::new(Mutex::new(Writer {
            store: loaded.store,
            mirror: set.clone(),
        }));
        let shared = Arc::<Shared>::default();
        let watch = Watch::start(&file, &store, &shared).map(Arc::new);
        let mut notes = Self {
            set,
            store: Some(store),
            sent,
            dirty: Vec::new(),
            tracked,
            resync: false,
            path: Some(file),
            job: None,
            restoring: None,
            watch,
            shared,
            autosave: Autosave::default(),
            stored_position: loaded.position,
            position: loaded.position,
            load_problem: loaded.problem.map(|e| e.to_string()),
            restorable,
            save_error: None,
            merged: false,
            reattached: opened.reattached,
            offers: opened.offers,
            typing: None,
            counts: RefCell::new(None),
        };
        if taken_over {
            notes.resync = true;
            notes.autosave.edited(Instant::now());
        }
        notes
    }

    /// Set what wakes the window when a write ends or another writer changed the store (a
    /// window passes one that requests a repaint).
    pub fn set_waker(&mut self, waker: Waker) {
        *lock(&self.shared.waker) = Some(waker);
    }

    /// Whether a waker was set.
    pub fn has_waker(&self) -> bool {
        lock(&self.shared.waker).is_some()
    }

    /// Look for other writers' changes at the next [`Notes::tick`] (the window gained focus;
    /// covers file systems that cannot be watched).
    pub fn check_store(&mut self) {
        if self.store.is_some() {
            self.shared.changed.store(true, Ordering::SeqCst);
        }
    }

    /// Start reading the newest readable backup on a worker (it waits for a write under way
    /// first); [`Notes::poll_restore`] brings it in. False when there is no store.
    pub fn start_restore(&mut self) -> bool {
        let Some(store) = self.store.clone() else {
            return false;
        };
        if self.restoring.is_some() {
            return true;
        }
        let shared = Arc::clone(&self.shared);
        let waker: Waker = Arc::new(move || shared.wake());
        let read = move || lock(&store).store.newest_good_backup();
        self.restoring = Task::spawn("restore", Some(waker), read).ok();
        self.restoring.is_some()
    }

    /// Whether a restore is under way.
    pub fn restoring(&self) -> bool {
        self.restoring.is_some()
    }

    /// When the backup started by [`Notes::start_restore`] has been read: add back everything
    /// it holds that is not here (annotations, then outline corrections: two undoable steps),
    /// placed in `doc`. `Some(None)`: there is no backup that can be read; `None`: not done
    /// yet (or nothing started).
    pub fn poll_restore(&mut self, doc: &Document) -> Option<Option<Restored>> {
        let task = self.restoring.as_mut()?;
        let backup = match task.poll() {
            Some(backup) => backup,
            None if task.lost() => None,
            None => return None,
        };
        self.restoring = None;
        let Some(backup) = backup else {
            return Some(None);
        };
        self.typing = None;
        let added = self.set.restore_from(backup.file.annotations, now_ms());
        // The outline corrections the backup holds come back the same way.
        let corrected = self
            .set
            .restore_corrections_from(backup.file.corrections, now_ms());
        if added > 0 {
            self.set.place_in(doc);
            self.resync = true;
        }
        if added > 0 || corrected > 0 {
            self.autosave.edited(Instant::now());
        }
        self.restorable = None;
        Some(Some(Restored {
            annotations: added,
            corrections: corrected,
            when: backup.modified,
        }))
    }

    /// [`Notes::start_restore`] and wait for it (tests, the command line; never in a frame).
    pub fn restore_backup(&mut self, doc: &Document) -> Option<Restored> {
        if !self.start_restore() {
            return None;
        }
        let deadline = Instant::now() + FLUSH_WAIT;
        while Instant::now() < deadline {
            if let Some(done) = self.poll_restore(doc) {
                return done;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        None
    }

    /// Where the store lives, if anywhere.
    pub fn store_path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
    /// Add annotations imported from the document (its Word comments) that the set has
    /// never held; saved with the next save. Returns how many were added.
    pub fn import(&mut self, items: Vec<Annotation>) -> usize {
        self.set.import(items)
    }

    /// Apply edits as one undoable step.
    pub fn edit(&mut self, edits: Vec<Edit>) {
        self.typing = None;
        let before = self.set.generation();
        let ids: Vec<AnnotationId> = edits
            .iter()
            .map(|e| match e {
                Edit::Add(a) | Edit::Update(a) => a.id,
                Edit::Remove(id) => *id,
            })
            .collect();
        self.set.apply(edits, now_ms());
        self.track(before, ids);
        self.autosave.edited(Instant::now());
    }

    /// Apply correction edits (of the outline) as one undoable step.
    pub fn correct(&mut self, edits: Vec<CorrectionEdit>) {
        self.typing = None;
        let before = self.set.generation();
        self.set.correct(edits, now_ms());
        // No annotation changed: the next save still looks only at the dirty ones.
        self.track(before, []);
        self.autosave.edited(Instant::now());
    }

    /// The set went from generation `before` to its present one by changes to `ids` only:
    /// remember them for the next save (unless the set had already changed untracked).
    fn track(&mut self, before: u64, ids: impl IntoIterator<Item = AnnotationId>) {
        if self.tracked != Some(before) {
            return;
        }
        for id in ids {
            if self.dirty.contains(&id) {
                continue;
            }
            if self.dirty.len() == DIRTY_MAX {
                // Many changes: the next save compares everything.
                self.dirty.clear();
                self.tracked = None;
                return;
            }
            self.dirty.push(id);
        }
        self.tracked = Some(self.set.generation());
    }

    /// Set the note of `id` while the user types: one undo step per typing session.
    pub fn type_note(&mut self, id: AnnotationId, note: String) {
        let Some(mut a) = self.set.get(id).cloned() else {
            return;
        };
        if a.note == note {
            return;
        }
        a.note = note;
        // A comment imported from a Word document is the reader's once they write in it.
        a.imported = None;
        let before = self.set.generation();
        if self.typing == Some(id) {
            self.set.replace_last(a, now_ms());
        } else {
            self.set.apply(vec![Edit::Update(a)], now_ms());
            self.typing = Some(id);
        }
        self.track(before, [id]);
        self.autosave.edited(Instant::now());
    }

    /// Typing in a note ended (focus left it): the next change is a new undo step.
    pub fn end_typing(&mut self) {
        self.typing = None;
    }

    /// Undo the last change; false when there was nothing to undo.
    pub fn undo(&mut self) -> bool {
        self.typing = None;
        let done = self.set.undo(now_ms());
        if done {
            self.autosave.edited(Instant::now());
        }
        done
    }

    /// Redo the last undone change.
    pub fn redo(&mut self) -> bool {
        self.typing = None;
        let done = self.set.redo(now_ms());
        if done {
            self.autosave.edited(Instant::now());
        }
        done
    }

    /// Where the reader is (the char at the top of the view, as the window last reported
    /// it; the stored one until then): what the next save writes.
    pub fn position(&self) -> Option<usize> {
        self.position
    }

    /// The reading position changed.
    pub fn set_position(&mut self, position: usize) {
        if self.position != Some(position) {
            self.position = Some(position);
            if self.store.is_some() {
                self.autosave.moved(Instant::now());
            }
        }
    }

    /// Start a write if one is due, start a check when the store changed on disk, and take
    /// in what a finished job found. Never reads or writes the store on this thread.
    /// Returns the time until the next write is due, so the window wakes up for it; `None`
    /// when nothing waits on time (a job under way wakes the window when it ends).
    pub fn tick(&mut self) -> Option<Duration> {
        self.store.as_ref()?;
        self.poll_job();
        if self.job.is_none() {
            if self.autosave.due(Instant::now()) {
                self.start(true);
            } else if self.shared.changed.swap(false, Ordering::SeqCst) {
                self.start(false);
            }
        }
        if self.job.is_some() {
            return None;
        }
        self.autosave.due_in(Instant::now())
    }

    /// Write now if anything changed, and wait until it is written (document switch, exit).
    /// A write already under way is waited for first (at most [`FLUSH_WAIT`]).
    pub fn flush(&mut self) {
        if !self.finish_job(FLUSH_WAIT) {
            self.save_error = Some(format!(
                "notes are still being written after {} s; the last changes may be lost",
                FLUSH_WAIT.as_secs()
            ));
            return;
        }
        if !self.autosave.pending() {
            return;
        }
        let Some(store) = self.store.clone() else {
            self.autosave.saved();
            return;
        };
        let job = self.save_job();
        self.autosave.saved();
        let outcome = {
            let mut store = lock(&store);
            self.shared.changed.store(false, Ordering::SeqCst);
            job.run(&mut store)
        };
        self.apply(outcome, true);
    }

    /// Whether unsaved changes wait (or are being written).
    pub fn pending(&self) -> bool {
        self.autosave.pending() || self.job.as_ref().is_some_and(|j| j.saving)
    }

    /// What a save sends: the annotations that differ from the worker's copy (all of them
    /// after a re-placing), the ids it has that the set no longer has, and the removals.
    /// Costs a look-up per annotation and copies only what changed.
    fn save_job(&mut self) -> Job {
        let full = std::mem::take(&mut self.resync);
        let known = self.tracked == Some(self.set.generation());
        self.tracked = Some(self.set.generation());
        let dirty = std::mem::take(&mut self.dirty);
        if full {
            self.sent = versions(&self.set);
            return Job::Save {
                changed: self.set.items().to_vec(),
                gone: Vec::new(),
                removed: self.set.removed().to_vec(),
                full,
                position: self.position,
                corrections: corrections_of(&self.set),
            };
        }
        let (changed, gone) = if known {
            self.changes_among(&dirty)
        } else {
            self.all_changes()
        };
        for id in &gone {
            self.sent.remove(id);
        }
        for a in &changed {
            self.sent.insert(a.id, a.modified_ms);
        }
        Job::Save {
            changed,
            gone,
            removed: self.set.removed().to_vec(),
            full,
            position: self.position,
            corrections: corrections_of(&self.set),
        }
    }

    /// What differs from the worker's copy: every annotation compared with `sent` (a
    /// look-up per annotation), and the ids the copy holds that the set no longer has.
    fn all_changes(&self) -> (Vec<Annotation>, Vec<AnnotationId>) {
        let mut changed = Vec::new();
        let mut kept = 0;
        for a in self.set.items() {
            match self.sent.get(&a.id) {
                Some(&m) if m == a.modified_ms => kept += 1,
                Some(_) => {
                    kept += 1;
                    changed.push(a.clone());
                }
                None => changed.push(a.clone()),
            }
        }
        // Every id the copy holds is still here, unless fewer were found than it holds.
        let gone: Vec<AnnotationId> = if kept == self.sent.len() {
            Vec::new()
        } else {
            let live: HashSet<AnnotationId> = self.set.items().iter().map(|a| a.id).collect();
            self.sent
                .keys()
                .filter(|id| !live.contains(id))
                .copied()
                .collect()
        };
        (changed, gone)
    }

    /// [`Notes::all_changes`] when only the `dirty` ids can differ from `sent`: each found
    /// through the set's index, a look-up in `sent` only for those.
    fn changes_among(&self, dirty: &[AnnotationId]) -> (Vec<Annotation>, Vec<AnnotationId>) {
        let mut changed = Vec::new();
        let mut gone = Vec::new();
        for &id in dirty {
            let mut found = false;
            for a in self.set.all_with_id(id) {
                found = true;
                if self.sent.get(&a.id) != Some(&a.modified_ms) {
                    changed.push(a.clone());
                }
            }
            if !found && self.sent.contains_key(&id) {
                gone.push(id);
            }
        }
        (changed, gone)
    }

    /// Start a save (`saving`) or a check for other writers' changes on the worker.
    fn start(&mut self, saving: bool) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let job = if saving {
            self.autosave.saved();
            self.save_job()
        } else {
            Job::Refresh
        };
        let shared = Arc::clone(&self.shared);
        let watch = self.watch.clone();
        let waker_shared = Arc::clone(&self.shared);
        let waker: Waker = Arc::new(move || waker_shared.wake());
        let spawned = Task::spawn("notes-store", Some(waker), move || {
            let outcome = {
                let mut store = lock(&store);
                // Whatever changed on disk before this point is merged by this job.
                shared.changed.store(false, Ordering::SeqCst);
                job.run(&mut store)
            };
            // A save may have made the folder; a replaced folder is watched anew.
            if let Some(watch) = watch {
                watch.ensure(&shared);
            }
            outcome
        });
        match spawned {
            Ok(task) => self.job = Some(Running { task, saving }),
            Err(e) if saving => {
                // The copy never got these changes: send everything next time.
                self.resync = true;
                self.save_error = Some(format!(
                    "notes cannot be saved (no thread to write them: {e}); they are kept in memory and tried again with the next change"
                ));
            }
            Err(_) => {}
        }
    }

    /// Take in the result of a finished job, if any.
    fn poll_job(&mut self) {
        let Some(running) = self.job.as_mut() else {
            return;
        };
        if let Some(outcome) = running.task.poll() {
            let saving = running.saving;
            self.job = None;
            self.apply(outcome, saving);
        } else if running.task.lost() {
            self.job_lost();
        }
    }

    /// Wait for the job under way, at most `timeout`, and take in its result; false when
    /// it has not ended by then.
    fn finish_job(&mut self, timeout: Duration) -> bool {
        let Some(running) = self.job.as_mut() else {
            return true;
        };
        if let Some(outcome) = running.task.wait(timeout) {
            let saving = running.saving;
            self.job = None;
            self.apply(outcome, saving);
            true
        } else if running.task.lost() {
            self.job_lost();
            true
        } else {
            false
        }
    }

    fn job_lost(&mut self) {
        // What the copy holds is unknown now.
        self.resync = true;
        if self.job.take().is_some_and(|j| j.saving) {
            self.autosave.edited(Instant::now());
        }
        self.save_error = Some(
            "notes could not be saved (the writer stopped unexpectedly); they are kept in memory and tried again with the next change".into(),
        );
    }

    /// Merge what a job brought in (newest wins, so edits made meanwhile stay).
    fn apply(&mut self, outcome: Outcome, saving: bool) {
        let before = self.set.generation();
        // The worker's copy holds these now.
        for id in &outcome.gone {
            self.sent.remove(id);
        }
        for a in &outcome.items {
            self.sent.insert(a.id, a.modified_ms);
        }
        // What may now differ between the set and `sent`: only these ids.
        let touched: Vec<AnnotationId> = (outcome.gone.iter().copied())
            .chain(outcome.items.iter().map(|a| a.id))
            .chain(outcome.removed.iter().map(|&(id, _)| id))
            .take(DIRTY_MAX + 1)
            .collect();
        if !outcome.items.is_empty() || !outcome.removed.is_empty() {
            self.merged |= self.set.merge(outcome.items, &outcome.removed);
        }
        if let Some((theirs, removed)) = outcome.corrections {
            self.merged |= self.set.merge_corrections(theirs, &removed);
        }
        self.track(before, touched);
        match outcome.error {
            // Kept in memory; tried again with the next change.
            Some(e) => self.save_error = Some(e),
            None if saving => self.save_error = None,
            None => {}
        }
    }

    /// The outline was made anew (rules or corrections): counts are made again when asked.
    pub fn forget_counts(&self) {
        *self.counts.borrow_mut() = None;
    }

    /// Number of annotations in outline node `node`'s section (including subsections).
    pub fn count(&self, outline: &Outline, node: usize) -> usize {
        let generation = self.set.generation();
        let mut cache = self.counts.borrow_mut();
        // After a change the counts are patched for the annotations it touched.
        if let Some((g, counts)) = cache.as_mut()
            && *g != generation
            && counts.len() == outline.nodes.len()
            && let Some(delta) = self.set.changes_since(*g)
        {
            crate::annotate::group::patch_section_counts(counts, self.set.items(), outline, &delta);
            *g = generation;
        }
        if cache
            .as_ref()
            .is_none_or(|(g, c)| *g != generation || c.len() != outline.nodes.len())
        {
            let counts = crate::annotate::group::section_counts(self.set.items(), outline);
            *cache = Some((generation, counts));
        }
        cache
            .as_ref()
            .and_then(|(_, c)| c.get(node).copied())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::Color;
    use crate::document::{SourceFormat, TextRange};
    use std::sync::atomic::AtomicUsize;

    const TEXT: &str = "同志们：\n　　一要提高站位。二要狠抓落实。三要严明纪律。四要改进作风。";
    const DOC_PATH: &str = "/x/speech.txt";

    fn doc() -> Document {
        Document::from_text(TEXT.to_owned(), "UTF-8", SourceFormat::Text)
    }

    fn highlight(d: &Document, quote: &str, note: &str) -> Annotation {
        let start = d.char_of_byte(d.text.find(quote).expect("quote"));
        let mut a = Annotation::highlight(
            d,
            TextRange::new(start, start + quote.chars().count()),
            Color::Yellow,
            now_ms(),
        );
        a.note = note.to_owned();
        a
    }

    fn load(dir: &Path, d: &Document) -> Notes {
        Notes::load(dir, d, Some(Path::new(DOC_PATH)), "讲话")
    }

    /// Another process: load the store, change it, save it.
    fn other_writer(dir: &Path, d: &Document, change: impl FnOnce(&mut AnnotationSet)) {
        let mut loaded = DocStore::load(dir, d, Some(Path::new(DOC_PATH)), "讲话");
        change(&mut loaded.annotations);
        loaded
            .store
            .save(&mut loaded.annotations, None)
            .expect("other writer saves");
    }

    /// What the store file holds now: each annotation's note, by its quote.
    fn on_disk(dir: &Path, d: &Document) -> Vec<(String, String)> {
        let loaded = DocStore::load(dir, d, Some(Path::new(DOC_PATH)), "讲话");
        assert!(loaded.problem.is_none(), "{:?}", loaded.problem);
        quotes_and_notes(&loaded.annotations)
    }

    fn in_set(notes: &Notes) -> Vec<(String, String)> {
        quotes_and_notes(&notes.set)
    }

    /// Each annotation's quote and note, sorted.
    fn quotes_and_notes(set: &AnnotationSet) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = set
            .items()
            .iter()
            .map(|a| (a.quote.clone(), a.note.clone()))
            .collect();
        all.sort();
        all
    }

    fn pair(quote: &str, note: &str) -> (String, String) {
        (quote.to_owned(), note.to_owned())
    }

    #[test]
    fn edits_made_while_a_save_is_under_way_survive_beside_another_writers_changes() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc();
        let mut notes = load(dir.path(), &d);
        let a = highlight(&d, "一要提高站位", "");
        let gone = highlight(&d, "四要改进作风", "");
        let (a_id, gone_id) = (a.id, gone.id);
        notes.edit(vec![Edit::Add(a), Edit::Add(gone)]);
        notes.flush();
        // Another window adds one highlight and removes another.
        other_writer(dir.path(), &d, |set| {
            set.apply(
                vec![
                    Edit::Add(highlight(&d, "二要狠抓落实", "别处")),
                    Edit::Remove(gone_id),
                ],
                now_ms(),
            );
        });
        // This window edits and a save starts; more edits come while it is under way.
        let mut first = notes.set.get(a_id).cloned().unwrap();
        first.note = "改过".into();
        notes.edit(vec![Edit::Update(first)]);
        notes.start(true);
        assert!(notes.job.is_some(), "the save runs on the worker");
        assert!(notes.pending());
        notes.edit(vec![Edit::Add(highlight(&d, "三要严明纪律", "写入时加的"))]);
        let mut again = notes.set.get(a_id).cloned().unwrap();
        again.note = "又改过".into();
        notes.type_note(a_id, again.note.clone());
        assert!(notes.finish_job(Duration::from_secs(10)));
        let want = vec![
            pair("一要提高站位", "又改过"),
            pair("三要严明纪律", "写入时加的"),
            pair("二要狠抓落实", "别处"),
        ];
        assert_eq!(in_set(&notes), want);
        assert!(notes.merged);
        assert!(notes.save_error.is_none());
        // The edits made during the save are still to be written, and then all is on disk.
        assert!(notes.pending());
        notes.flush();
        assert_eq!(on_disk(dir.path(), &d), want);
        // Undo still works on this window's own steps.
        assert!(notes.undo());
        assert_eq!(notes.set.get(a_id).map(|a| a.note.as_str()), Some("改过"));
    }

    #[test]
    fn flush_waits_until_everything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc();
        let mut notes = load(dir.path(), &d);
        notes.edit(vec![Edit::Add(highlight(&d, "一要提高站位", "甲"))]);
        notes.start(true);
        notes.edit(vec![Edit::Add(highlight(&d, "二要狠抓落实", "乙"))]);
        notes.set_position(7);
        notes.flush();
        assert!(notes.job.is_none());
        assert!(!notes.pending());
        assert_eq!(
            on_disk(dir.path(), &d),
            vec![pair("一要提高站位", "甲"), pair("二要狠抓落实", "乙")]
        );
        let loaded = DocStore::load(dir.path(), &d, Some(Path::new(DOC_PATH)), "讲话");
        assert_eq!(loaded.position, Some(7));
    }

    #[test]
    fn tick_never_writes_on_the_callers_thread_and_returns_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc();
        let mut notes = load(dir.path(), &d);
        let woken = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&woken);
        notes.set_waker(Arc::new(move || {
            count.fetch_add(1, Ordering::SeqCst);
        }));
        notes.edit(vec![Edit::Add(highlight(&d, "一要提高站位", "甲"))]);
        // Not due yet: the window is told when to come back.
        let wait = notes.tick().expect("a write is due later");
        assert!(wait > Duration::ZERO);
        std::thread::sleep(wait);
        // Due: the write starts on the worker; tick asks for no timed wake-up meanwhile.
        assert_eq!(notes.tick(), None);
        assert!(notes.job.is_some());
        let deadline = Instant::now() + Duration::from_secs(10);
        while notes.job.is_some() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
            notes.tick();
        }
        assert!(notes.job.is_none());
        assert!(
            woken.load(Ordering::SeqCst) >= 1,
            "the worker woke the window"
        );
        assert_eq!(on_disk(dir.path(), &d), vec![pair("一要提高站位", "甲")]);
        // Nothing pending: no timed wake-up at all.
        notes.shared.changed.store(false, Ordering::SeqCst);
        assert_eq!(notes.tick(), None);
    }

    #[test]
    fn a_failed_save_is_reported_and_the_notes_stay_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc();
        let mut notes = load(dir.path(), &d);
        // The notes folder is a file: nothing can be written.
        std::fs::write(dir.path().join("annotations"), b"not a folder").unwrap();
        notes.edit(vec![Edit::Add(highlight(&d, "一要提高站位", "甲"))]);
        notes.start(true);
        assert!(notes.finish_job(Duration::from_secs(10)));
        let error = notes.save_error.clone().expect("the failure is reported");
        assert!(error.contains("cannot be saved"), "{error}");
        assert_eq!(in_set(&notes), vec![pair("一要提高站位", "甲")]);
        // Once the folder can be made, the next change saves everything, and the error goes.
        std::fs::remove_file(dir.path().join("annotations")).unwrap();
        notes.edit(vec![Edit::Add(highlight(&d, "二要狠抓落实", "乙"))]);
        notes.flush();
        assert!(notes.save_error.is_none());
        assert_eq!(
            on_disk(dir.path(), &d),
            vec![pair("一要提高站位", "甲"), pair("二要狠抓落实", "乙")]
        );
    }

    /// Tick until `done`, at most 10 s.
    fn tick_until(notes: &mut Notes, done: impl Fn(&Notes) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(notes) && Instant::now() < deadline {
            notes.tick();
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(done(notes), "timed out: {notes:?}");
    }

    #[test]
    fn another_writers_change_wakes_the_window_and_is_merged() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc();
        let mut notes = load(dir.path(), &d);
        assert!(notes.watch.is_some(), "inotify is available here");
        let woken = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&woken);
        notes.set_waker(Arc::new(move || {
            count.fetch_add(1, Ordering::SeqCst);
        }));
        // No store yet, not even its folder: the data folder is watched for it.
        assert!(!dir.path().join("annotations").exists());
        other_writer(dir.path(), &d, |set| {
            set.apply(
                vec![Edit::Add(highlight(&d, "二要狠抓落实", "别处"))],
                now_ms(),
            );
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while woken.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            woken.load(Ordering::SeqCst) > 0,
            "the watcher woke the window"
        );
        tick_until(&mut notes, |n| n.set.len() == 1 && n.job.is_none());
        assert!(notes.merged);
        // The folder is watched now: a second change comes in too.
        notes.merged = false;
        other_writer(dir.path(), &d, |set| {
            set.apply(
                vec![Edit::Add(highlight(&d, "三要严明纪律", "又一处"))],
                now_ms(),
            );
        });
        tick_until(&mut notes, |n| n.set.len() == 2 && n.job.is_none());
        assert_eq!(
            in_set(&notes),
            vec![pair("三要严明纪律", "又一处"), pair("二要狠抓落实", "别处")]
        );
        // This window's own write is not taken for another writer's.
        notes.edit(vec![Edit::Add(highlight(&d, "一要提高站位", "甲"))]);
        notes.flush();
        std::thread::sleep(Duration::from_millis(300));
        if notes.shared.changed.load(Ordering::SeqCst) {
            notes.tick();
            assert!(notes.finish_job(Duration::from_secs(10)));
        }
        notes.merged = false;
        // (The check's own wake-up comes just after its result.)
        std::thread::sleep(Duration::from_millis(100));
        let before = woken.load(Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(woken.load(Ordering::SeqCst), before);
        assert!(!notes.shared.changed.load(Ordering::SeqCst));
    }

    #[test]
    fn without_a_watcher_a_check_on_focus_brings_changes_in() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc();
        let mut notes = load(dir.path(), &d);
        notes.watch = None;
        other_writer(dir.path(), &d, |set| {
            set.apply(
                vec![Edit::Add(highlight(&d, "二要狠抓落实", "别处"))],
                now_ms(),
            );
        });
        notes.shared.changed.store(false, Ordering::SeqCst);
        notes.tick();
        assert!(notes.set.is_empty() && notes.job.is_none());
        notes.check_store();
        tick_until(&mut notes, |n| n.set.len() == 1 && n.job.is_none());
        assert!(notes.merged);
    }

    /// Every annotation's id, last change and note.
    fn versions_of(items: &[Annotation]) -> Vec<(AnnotationId, i64, String)> {
        let mut all: Vec<_> = items
            .iter()
            .map(|a| (a.id, a.modified_ms, a.note.clone()))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn after_any_mix_of_edits_saves_and_other_writers_the_file_holds_the_set() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc();
        let quotes = [
            "一要提高站位",
            "二要狠抓落实",
            "三要严明纪律",
            "四要改进作风",
        ];
        let mut notes = load(dir.path(), &d);
        let mut tracked_steps = 0;
        let mut rng = crate::testing::Xorshift(0x2545_F491_4F6C_DD1D);
        let mut next = |n: usize| rng.below(n as u64) as usize;
        for step in 0..200 {
            let ids: Vec<AnnotationId> = notes.set.items().iter().map(|a| a.id).collect();
            match next(9) {
                0 | 1 => notes.edit(vec![Edit::Add(highlight(
                    &d,
                    quotes[next(4)],
                    &format!("第{step}步"),
                ))]),
                2 if !ids.is_empty() => {
                    notes.type_note(ids[next(ids.len())], format!("改于第{step}步"));
                }
                3 if !ids.is_empty() => notes.edit(vec![Edit::Remove(ids[next(ids.len())])]),
                4 => {
                    notes.undo();
                }
                5 => {
                    notes.redo();
                }
                6 if notes.job.is_none() => notes.start(true),
                7 => {
                    notes.finish_job(Duration::from_secs(10));
                }
                _ => other_writer(dir.path(), &d, |set| {
                    let theirs: Vec<AnnotationId> = set.items().iter().map(|a| a.id).collect();
                    let edit = match (next(3), theirs.is_empty()) {
                        (0, false) => Edit::Remove(theirs[next(theirs.len())]),
                        (1, false) => {
                            let mut a = set.items()[next(theirs.len())].clone();
                            a.note = format!("别处改于第{step}步");
                            Edit::Update(a)
                        }
                        _ => Edit::Add(highlight(&d, quotes[next(4)], &format!("别处{step}"))),
                    };
                    set.apply(vec![edit], now_ms() + 1);
                }),
            }
            if step == 120 {
                // A restore re-places everything: the worker's copy is made anew.
                notes.restore_backup(&d);
            }
            // A save then looks only at the ids changed since the last one: it must find
            // what comparing every annotation finds.
            if notes.tracked == Some(notes.set.generation()) {
                tracked_steps += 1;
                let differs = |(mut changed, mut gone): (Vec<Annotation>, Vec<AnnotationId>)| {
                    changed.sort_by_key(|a| (a.id, a.modified_ms));
                    gone.sort_unstable();
                    (versions_of(&changed), gone)
                };
                assert_eq!(
                    differs(notes.changes_among(&notes.dirty)),
                    differs(notes.all_changes()),
                    "step {step}"
                );
            }
        }
        assert!(tracked_steps > 50, "{tracked_steps} steps tracked");
        notes.flush();
        notes.check_store();
        notes.tick();
        assert!(notes.finish_job(Duration::from_secs(10)));
        // Removals with no other writer about: only this window's copy can drop them.
        let ids: Vec<AnnotationId> = notes.set.items().iter().map(|a| a.id).collect();
        notes.edit(ids.iter().take(3).map(|&id| Edit::Remove(id)).collect());
        notes.start(true);
        assert!(notes.finish_job(Duration::from_secs(10)));
        notes.autosave.edited(Instant::now());
        notes.flush();
        let loaded = DocStore::load(dir.path(), &d, Some(Path::new(DOC_PATH)), "讲话");
        assert_eq!(
            versions_of(loaded.annotations.items()),
            versions_of(notes.set.items())
        );
        let mirror = lock(notes.store.as_ref().unwrap()).mirror.clone();
        assert_eq!(versions_of(mirror.items()), versions_of(notes.set.items()));
    }

    #[test]
    fn counts_per_section_include_subsections() {
        let d = Document::from_text(
            crate::session::SAMPLE_TEXT.to_owned(),
            "UTF-8",
            SourceFormat::Text,
        );
        let outline = crate::outline::outline(&d);
        let mut notes = Notes::in_memory();
        let step = d.char_count / 97;
        notes.edit(
            (0..97)
                .map(|k| {
                    let start = k * step;
                    Edit::Add(Annotation::highlight(
                        &d,
                        TextRange::new(start, start + 3),
                        Color::Blue,
                        now_ms(),
                    ))
                })
                .collect(),
        );
        for node in 0..outline.nodes.len() {
            let mut want = 0;
            for a in notes.set.items() {
                if let Some(n) = outline.node_at(a.range.start)
                    && outline.path_to(n).contains(&node)
                {
                    want += 1;
                }
            }
            assert_eq!(notes.count(&outline, node), want, "node {node}");
        }
        assert!(notes.count(&outline, 0) > 0);
    }

    #[test]
    fn in_memory_notes_never_wake() {
        let d = doc();
        let mut notes = Notes::in_memory();
        notes.edit(vec![Edit::Add(highlight(&d, "一要提高站位", "甲"))]);
        notes.check_store();
        assert_eq!(notes.tick(), None);
        notes.flush();
        assert_eq!(notes.set.len(), 1);
    }
}
