//! The open document's highlights and notes: the set being edited, its store on disk, and
//! when to write it.

use std::cell::RefCell;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use crate::annotate::{AnnotationId, AnnotationSet, Edit, now_ms};
use crate::document::Document;
use crate::outline::Outline;
use crate::store::annotations::{Autosave, DocStore};

/// How often the store file is checked for changes made by another window.
const REFRESH_EVERY: Duration = Duration::from_secs(2);

/// A document's annotations and their store.
#[derive(Debug)]
pub struct Notes {
    /// The highlights and notes.
    pub set: AnnotationSet,
    store: Option<DocStore>,
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
    last_refresh: Instant,
    /// Another window's changes came in (the view must be redrawn).
    pub merged: bool,
    /// The annotation whose note is being typed (one undo step per typing session).
    typing: Option<AnnotationId>,
    /// Per outline node: annotations in its section (computed for a generation).
    counts: RefCell<Option<(u64, Vec<usize>)>>,
}

impl Notes {
    /// Annotations kept in memory only (no data directory: tests, benchmarks).
    pub fn in_memory() -> Self {
        Self {
            set: AnnotationSet::default(),
            store: None,
            autosave: Autosave::default(),
            stored_position: None,
            position: None,
            load_problem: None,
            restorable: None,
            save_error: None,
            last_refresh: Instant::now(),
            merged: false,
            typing: None,
            counts: RefCell::new(None),
        }
    }

    /// Load the store of `doc` from `data_dir` and place every annotation in the text.
    pub fn load(data_dir: &Path, doc: &Document, path: Option<&Path>, title: &str) -> Self {
        let loaded = DocStore::load(data_dir, doc, path, title);
        let mut set = loaded.annotations;
        set.place_in_after(doc, loaded.stored_chars);
        let restorable = loaded
            .problem
            .as_ref()
            .and_then(|_| loaded.store.newest_good_backup())
            .map(|b| b.modified);
        Self {
            set,
            store: Some(loaded.store),
            stored_position: loaded.position,
            position: loaded.position,
            load_problem: loaded.problem.map(|e| e.to_string()),
            restorable,
            ..Self::in_memory()
        }
    }

    /// Add back everything the newest readable backup holds that is not here, as one
    /// undoable step, and place it in `doc`. Returns how many came back and the backup's
    /// time; `None` when there is no backup that can be read.
    pub fn restore_backup(&mut self, doc: &Document) -> Option<(usize, SystemTime)> {
        let backup = self.store.as_ref()?.newest_good_backup()?;
        self.typing = None;
        let added = self.set.restore_from(backup.file.annotations, now_ms());
        if added > 0 {
            self.set.place_in(doc);
            self.autosave.edited(Instant::now());
        }
        self.restorable = None;
        Some((added, backup.modified))
    }

    /// Where the store lives, if anywhere.
    pub fn store_path(&self) -> Option<&Path> {
        self.store.as_ref().map(|s| s.path())
    }

    /// Apply edits as one undoable step.
    pub fn edit(&mut self, edits: Vec<Edit>) {
        self.typing = None;
        self.set.apply(edits, now_ms());
        self.autosave.edited(Instant::now());
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
        if self.typing == Some(id) {
            self.set.replace_last(a, now_ms());
        } else {
            self.set.apply(vec![Edit::Update(a)], now_ms());
            self.typing = Some(id);
        }
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

    /// The reading position changed.
    pub fn set_position(&mut self, position: usize) {
        if self.position != Some(position) {
            self.position = Some(position);
            if self.store.is_some() {
                self.autosave.moved(Instant::now());
            }
        }
    }

    /// Write the store if a write is due, and pick up changes from other windows. Returns
    /// the time until the next write is due, so the window wakes up for it.
    pub fn tick(&mut self) -> Option<Duration> {
        let store = self.store.as_mut()?;
        let now = Instant::now();
        if self.autosave.due(now) {
            self.save_now();
        } else if !self.autosave.edits_pending()
            && now.duration_since(self.last_refresh) >= REFRESH_EVERY
        {
            self.last_refresh = now;
            match store.refresh(&mut self.set) {
                Ok(changed) => self.merged |= changed,
                Err(e) => self.save_error = Some(e.to_string()),
            }
        }
        let due = self.autosave.due_in(Instant::now());
        Some(due.unwrap_or(REFRESH_EVERY))
    }

    /// Write now if anything changed (document switch, exit).
    pub fn flush(&mut self) {
        if self.autosave.pending() {
            self.save_now();
        }
    }

    fn save_now(&mut self) {
        let Some(store) = self.store.as_mut() else {
            self.autosave.saved();
            return;
        };
        // Nothing worth a file yet: no annotations, and the reader is at the start.
        if self.set.is_empty()
            && self.set.removed().is_empty()
            && self.position.unwrap_or(0) == 0
            && !store.exists()
        {
            self.autosave.saved();
            return;
        }
        match store.save(&mut self.set, self.position) {
            Ok(changed) => {
                self.merged |= changed;
                self.save_error = None;
                self.autosave.saved();
            }
            Err(e) => {
                // Kept in memory; tried again with the next change.
                self.save_error = Some(e.to_string());
                self.autosave.saved();
            }
        }
        self.last_refresh = Instant::now();
    }

    /// Whether unsaved changes wait.
    pub fn pending(&self) -> bool {
        self.autosave.pending()
    }

    /// Number of annotations in outline node `node`'s section (including subsections).
    pub fn count(&self, outline: &Outline, node: usize) -> usize {
        let generation = self.set.generation();
        let mut cache = self.counts.borrow_mut();
        if cache
            .as_ref()
            .is_none_or(|(g, c)| *g != generation || c.len() != outline.nodes.len())
        {
            let mut counts = vec![0usize; outline.nodes.len()];
            for a in self.set.items().iter().filter(|a| a.is_placed()) {
                if let Some(n) = outline.node_at(a.range.start) {
                    for i in outline.path_to(n) {
                        counts[i] += 1;
                    }
                }
            }
            *cache = Some((generation, counts));
        }
        cache
            .as_ref()
            .and_then(|(_, c)| c.get(node).copied())
            .unwrap_or(0)
    }
}
