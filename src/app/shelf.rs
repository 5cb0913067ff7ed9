//! The window's side of the library and the notebook (金句库): what is loaded, and every
//! piece of work on them (loading, refreshing, adding a folder, locating, removing, editing a
//! note, renaming a tag), each on a [`Task`] — a frame only polls.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::annotate::AnnotationId;
pub use crate::library::overview::DocRow;
use crate::library::overview::rows;
use crate::library::{
    AddReport, Library, LibraryError, Notebook, Progress, add_files, add_folder, edit_note, locate,
    remove, rename_tag,
};
use crate::outline::corrections::Rule;
use crate::session::task::{Task, Waker};

/// The library and the notebook as last read, and the rows made from them.
pub struct ShelfData {
    /// The documents the library knows.
    pub library: Library,
    /// Every annotation of every store.
    pub notebook: Arc<Notebook>,
    /// One row per document (library documents and stores without a library entry).
    pub rows: Vec<DocRow>,
    /// What could not be read (the library file, stores), one line each.
    pub problems: Vec<String>,
    /// The library alone, read first at start-up: the notebook (and each row's counts,
    /// progress and tags) is still being read.
    pub partial: bool,
}

/// Read the library alone (a worker's job at start-up, ahead of the notebook: a library
/// file reads in milliseconds, the notebook of a large library in a few hundred).
pub fn load_library(data_dir: &Path) -> ShelfData {
    let loaded = Library::load(data_dir);
    let notebook = Notebook::default();
    let rows = rows(&loaded.library, &notebook, &[]);
    ShelfData {
        library: loaded.library,
        notebook: Arc::new(notebook),
        rows,
        problems: loaded.problem.into_iter().collect(),
        partial: true,
    }
}

/// Read the library and the notebook (a worker's job).
pub fn load(data_dir: &Path) -> ShelfData {
    load_with(data_dir, Vec::new())
}

/// [`load`], the notebook's section paths made with the outline `rules` too.
pub fn load_with(data_dir: &Path, rules: Vec<Rule>) -> ShelfData {
    // The library file is read while the notebook's index is.
    let (loaded, notebook) = std::thread::scope(|scope| {
        let library = scope.spawn(|| Library::load(data_dir));
        let notebook = Notebook::load_with(data_dir, true, rules);
        // Reading never panics; if it did, it is read here.
        let loaded = library.join().unwrap_or_else(|_| Library::load(data_dir));
        (loaded, notebook)
    });
    let mut problems: Vec<String> = loaded.problem.into_iter().collect();
    problems.extend(notebook.problems);
    let rows = rows(&loaded.library, &notebook.notebook, &[]);
    ShelfData {
        library: loaded.library,
        notebook: prepared(notebook.notebook),
        rows,
        problems,
        partial: false,
    }
}

/// Read again what changed since `old` (a worker's job): only changed stores are re-read.
/// `None`: nothing did (the window keeps what it has; showing the notebook asks for this
/// every time).
pub fn refresh(data_dir: &Path, old: &ShelfData, rules: &[Rule]) -> Option<ShelfData> {
    let loaded = Library::load(data_dir);
    let fresh = old.notebook.refreshed_with(data_dir, rules);
    if fresh.is_none() && loaded.problem.is_none() && loaded.library == old.library {
        return None;
    }
    let notebook = fresh.map(prepared).unwrap_or_else(|| old.notebook.clone());
    let mut problems: Vec<String> = loaded.problem.into_iter().collect();
    // Stores that could not be read stay reported until they can.
    problems.extend(
        old.problems
            .iter()
            .filter(|p| !p.starts_with(&Library::path(data_dir).display().to_string()))
            .cloned(),
    );
    problems.dedup();
    let rows = rows(&loaded.library, &notebook, &[]);
    Some(ShelfData {
        library: loaded.library,
        notebook,
        rows,
        problems,
        partial: false,
    })
}

/// A notebook shared with the window, its search text being made on a thread of its own:
/// the notebook is on screen without waiting for it, and it is there by the time a search
/// is typed (a search that comes first waits for it).
fn prepared(notebook: Notebook) -> Arc<Notebook> {
    let notebook = Arc::new(notebook);
    let shared = Arc::clone(&notebook);
    // No thread to be had: the first search makes it.
    let _ = std::thread::Builder::new()
        .name("notebook-text".into())
        .spawn(move || {
            // Made ahead of need: the window and the first answer come first.
            crate::session::task::background();
            shared.prepare_search();
        });
    notebook
}

/// Work that changes the library or the stores.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// Add every document below a folder.
    AddFolder(PathBuf),
    /// Add these files.
    AddFiles(Vec<PathBuf>),
    /// A moved document is now here.
    Locate {
        /// Where it was.
        old: PathBuf,
        /// Where it is.
        new: PathBuf,
    },
    /// Take a document out of the library (and its notes, when asked: they go to backups).
    Remove {
        /// The document.
        path: PathBuf,
        /// Also put its notes away.
        delete_notes: bool,
    },
    /// Change a note and tags in a store.
    EditNote {
        /// The store.
        store: PathBuf,
        /// The annotation.
        id: AnnotationId,
        /// The new note.
        note: String,
        /// The new tags.
        tags: Vec<String>,
    },
    /// Rename a tag everywhere (onto an existing tag: merge).
    RenameTag {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
}

/// How a job ended.
#[derive(Debug)]
pub enum Outcome {
    /// Documents added (or the adding was cancelled part way).
    Added(AddReport),
    /// Done; the message to show.
    Done(String),
    /// Tags renamed in this many annotations.
    Renamed(usize),
    /// What went wrong.
    Failed(String),
}

/// A folder being added: its progress, shared with the worker, and how to stop it.
pub struct Adding {
    /// What the worker has done so far.
    pub progress: Arc<Mutex<Progress>>,
    /// Set to stop between files.
    pub cancel: Arc<AtomicBool>,
    /// When it started.
    pub started: Instant,
    task: Task<Result<AddReport, LibraryError>>,
}

/// The library and notebook state of the window.
#[derive(Default)]
pub struct Shelf {
    /// What is loaded.
    pub data: Option<Arc<ShelfData>>,
    /// `None` from it: nothing changed.
    loading: Option<Task<Option<ShelfData>>>,
    /// The library alone, read ahead of the notebook at start-up.
    first: Option<Task<ShelfData>>,
    /// Read again when the current load ends.
    again: bool,
    /// A folder or files being added.
    pub adding: Option<Adding>,
    jobs: Vec<Task<Outcome>>,
    /// The last outcome: text and whether it is an error.
    pub status: Option<(String, bool)>,
    /// When the store folder changed (set by a file watcher).
    changed: Arc<AtomicBool>,
    watcher: Option<notify::RecommendedWatcher>,
    /// The outline rules the notebook's section paths are made with (the app sets them).
    pub rules: Vec<Rule>,
}

impl Shelf {
    /// Whether the library is being read.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Whether any change is under way.
    pub fn is_busy(&self) -> bool {
        self.adding.is_some() || !self.jobs.is_empty()
    }

    /// Read the library and notebook on a worker (or again, re-reading only what changed).
    pub fn reload(&mut self, data_dir: Option<&Path>, waker: Waker) {
        let Some(dir) = data_dir.map(Path::to_owned) else {
            return;
        };
        if self.loading.is_some() {
            self.again = true;
            return;
        }
        self.watch(&dir, waker.clone());
        // Only a whole notebook is refreshed; the library alone is read again in full.
        let old = self.data.clone().filter(|d| !d.partial);
        if self.data.is_none() && self.first.is_none() {
            let dir = dir.clone();
            self.first = Task::spawn("library-first", Some(waker.clone()), move || {
                load_library(&dir)
            })
            .ok();
        }
        let rules = self.rules.clone();
        let work = move || match old {
            Some(old) => refresh(&dir, &old, &rules),
            None => Some(load_with(&dir, rules)),
        };
        self.loading = Task::spawn("library", Some(waker), work).ok();
    }

    /// Watch the store folder and the library file, so that the views follow changes made
    /// elsewhere (another window, the command line) without a restart.
    fn watch(&mut self, dir: &Path, waker: Waker) {
        use notify::Watcher as _;
        if self.watcher.is_some() {
            return;
        }
        let changed = self.changed.clone();
        let handler = move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            if event.kind.is_access() {
                return;
            }
            // Stores and the library file; not temp files, locks or backups.
            let relevant = event.paths.iter().any(|p| {
                p.extension().is_some_and(|e| e == "ron")
                    && !p.components().any(|c| c.as_os_str() == "backups")
            });
            if relevant && !changed.swap(true, Ordering::SeqCst) {
                waker();
            }
        };
        let Ok(mut watcher) = notify::RecommendedWatcher::new(handler, notify::Config::default())
        else {
            return;
        };
        let annotations = dir.join("annotations");
        let _ = watcher.watch(dir, notify::RecursiveMode::NonRecursive);
        if annotations.is_dir() {
            let _ = watcher.watch(&annotations, notify::RecursiveMode::NonRecursive);
        }
        self.watcher = Some(watcher);
    }

    /// Take what the workers finished; `true` when something new is on screen.
    pub fn poll(
        &mut self,
        data_dir: Option<&Path>,
        waker: &Waker,
        t: &super::i18n::Strings,
    ) -> bool {
        let mut changed = false;
        if let Some(task) = &mut self.first {
            match task.poll() {
                Some(data) => {
                    self.first = None;
                    // Unless the whole of it came first.
                    if self.data.is_none() {
                        self.data = Some(Arc::new(data));
                        changed = true;
                    }
                }
                None if task.lost() => self.first = None,
                None => {}
            }
        }
        if let Some(task) = &mut self.loading {
            match task.poll() {
                Some(None) => self.loading = None,
                Some(Some(data)) => {
                    self.loading = None;
                    // The notebook it replaces is freed off the UI thread.
                    if let Some(old) = self.data.replace(Arc::new(data)) {
                        crate::session::task::drop_elsewhere(old);
                    }
                    changed = true;
                }
                None if task.lost() => {
                    self.loading = None;
                    self.status = Some((t.library_failed.to_owned(), true));
                }
                None => {}
            }
        }
        let mut reload = std::mem::take(&mut self.again) && self.loading.is_none();
        if let Some(adding) = &mut self.adding {
            match adding.task.poll() {
                Some(done) => {
                    self.status = Some(match done {
                        Ok(report) => (t.library_added(&report), !report.failed.is_empty()),
                        Err(e) => (e.to_string(), true),
                    });
                    self.adding = None;
                    reload = true;
                }
                None if adding.task.lost() => {
                    self.adding = None;
                    self.status = Some((t.library_failed.to_owned(), true));
                    reload = true;
                }
                None => {}
            }
        }
        let mut i = 0;
        while i < self.jobs.len() {
            let task = &mut self.jobs[i];
            let outcome = match task.poll() {
                Some(outcome) => outcome,
                None if task.lost() => Outcome::Failed(t.library_failed.to_owned()),
                None => {
                    i += 1;
                    continue;
                }
            };
            self.jobs.remove(i);
            self.status = Some(match outcome {
                Outcome::Added(report) => (t.library_added(&report), !report.failed.is_empty()),
                Outcome::Done(text) => (text, false),
                Outcome::Renamed(n) => (t.tag_renamed(n), false),
                Outcome::Failed(e) => (e, true),
            });
            reload = true;
        }
        if self.changed.swap(false, Ordering::SeqCst) {
            reload = true;
        }
        if reload {
            self.reload(data_dir, waker.clone());
        }
        changed
    }

    /// Start adding a folder or files, with progress and a way to cancel.
    pub fn add(&mut self, data_dir: Option<&Path>, job: Job, waker: Waker) -> Result<(), String> {
        let dir = data_dir
            .ok_or_else(|| "no data folder".to_owned())?
            .to_owned();
        if self.adding.is_some() {
            return Ok(());
        }
        let progress = Arc::new(Mutex::new(Progress {
            found: 0,
            added: 0,
            current: PathBuf::new(),
        }));
        let cancel = Arc::new(AtomicBool::new(false));
        let (p, c) = (progress.clone(), cancel.clone());
        let wake = waker.clone();
        let work = move || {
            let mut last = Instant::now();
            let mut report = |now: &Progress| {
                if let Ok(mut shared) = p.lock() {
                    *shared = Progress {
                        found: now.found,
                        added: now.added,
                        current: now.current.clone(),
                    };
                }
                // The window redraws the counter a few times a second, not per file.
                if last.elapsed().as_millis() > 100 {
                    last = Instant::now();
                    wake();
                }
            };
            match job {
                Job::AddFolder(folder) => add_folder(&dir, &folder, &c, &mut report),
                Job::AddFiles(files) => add_files(&dir, &files, &c, &mut report),
                _ => Ok(AddReport {
                    added: 0,
                    already: 0,
                    failed: Vec::new(),
                    cancelled: false,
                }),
            }
        };
        let task = Task::spawn("library-add", Some(waker), work).map_err(|e| e.to_string())?;
        self.adding = Some(Adding {
            progress,
            cancel,
            started: Instant::now(),
            task,
        });
        Ok(())
    }

    /// Stop adding after the current file.
    pub fn cancel_adding(&self) {
        if let Some(adding) = &self.adding {
            adding.cancel.store(true, Ordering::SeqCst);
        }
    }

    /// Run a change (locate, remove, edit, rename) on a worker.
    pub fn run(
        &mut self,
        data_dir: Option<&Path>,
        job: Job,
        waker: Waker,
        t: &'static super::i18n::Strings,
    ) {
        let Some(dir) = data_dir.map(Path::to_owned) else {
            self.status = Some((t.no_data_folder.to_owned(), true));
            return;
        };
        if matches!(job, Job::AddFolder(_) | Job::AddFiles(_)) {
            if let Err(e) = self.add(Some(&dir), job, waker) {
                self.status = Some((e, true));
            }
            return;
        }
        let work = move || -> Outcome {
            let done = match job {
                Job::Locate { old, new } => locate(&dir, &old, &new).map(|()| t.located.to_owned()),
                Job::Remove { path, delete_notes } => remove(&dir, &path, delete_notes).map(|()| {
                    if delete_notes {
                        t.removed_with_notes
                    } else {
                        t.removed
                    }
                    .to_owned()
                }),
                Job::EditNote {
                    store,
                    id,
                    note,
                    tags,
                } => edit_note(&dir, &store, id, note, tags).map(|()| t.note_saved.to_owned()),
                Job::RenameTag { from, to } => {
                    return match rename_tag(&dir, &from, &to) {
                        Ok(n) => Outcome::Renamed(n),
                        Err(e) => Outcome::Failed(e.to_string()),
                    };
                }
                // Started with progress above.
                Job::AddFolder(_) | Job::AddFiles(_) => Ok(String::new()),
            };
            match done {
                Ok(text) => Outcome::Done(text),
                Err(e) => Outcome::Failed(e.to_string()),
            }
        };
        match Task::spawn("library-change", Some(waker), work) {
            Ok(task) => self.jobs.push(task),
            Err(e) => self.status = Some((e.to_string(), true)),
        }
    }
}

/// The library's and notebook's sentences with numbers in them.
impl super::i18n::Strings {
    fn zh(&self) -> bool {
        self.lang == super::i18n::Lang::Zh
    }

    /// "书库 · 12".
    pub fn library_title(&self, n: usize) -> String {
        format!("{} · {n}", self.library)
    }

    /// "显示 20 / 共 1,000 条".
    pub fn notebook_count(&self, shown: usize, total: usize) -> String {
        if self.zh() {
            format!("{shown} / {total} 条")
        } else {
            format!("{shown} of {total}")
        }
    }

    /// A document's heading in the grouped notebook.
    pub fn entries_count(&self, n: usize) -> String {
        if self.zh() {
            format!("{n} 条")
        } else if n == 1 {
            "1 entry".to_owned()
        } else {
            format!("{n} entries")
        }
    }

    /// While a folder is added.
    pub fn adding_progress(&self, found: usize, added: usize) -> String {
        if self.zh() {
            format!("正在添加：找到 {found} 个文档，已加入 {added} 个")
        } else {
            let found = super::i18n::plural(found, "document", "documents");
            format!("Adding: {found} found, {added} added")
        }
    }

    /// When adding ended.
    pub fn library_added(&self, r: &AddReport) -> String {
        let mut text = if self.zh() {
            format!("加入 {} 个文档（{} 个已在书库中）", r.added, r.already)
        } else {
            format!(
                "{} added ({} already in the library)",
                super::i18n::plural(r.added, "document", "documents"),
                r.already
            )
        };
        if r.cancelled {
            text.push_str(if self.zh() {
                "，已取消"
            } else {
                "; cancelled"
            });
        }
        if let Some((path, why)) = r.failed.first() {
            let more = r.failed.len() - 1;
            text.push_str(&if self.zh() {
                format!(
                    "；{} 个无法打开：{}（{why}）",
                    r.failed.len(),
                    path.display()
                )
            } else {
                format!(
                    "; {} could not be opened: {} ({why})",
                    r.failed.len(),
                    path.display()
                )
            });
            if more > 0 {
                text.push_str(&if self.zh() {
                    "等".to_owned()
                } else {
                    format!(" and {more} more")
                });
            }
        }
        text
    }

    /// The removal dialog's question.
    pub fn remove_question(&self, title: &str) -> String {
        if self.zh() {
            format!("把《{title}》移出书库？文件本身不会被删除。")
        } else {
            format!("Remove “{title}” from the library? The file itself is not deleted.")
        }
    }

    /// Files that could not be read.
    pub fn shelf_problems(&self, n: usize) -> String {
        if self.zh() {
            format!("{n} 个文件无法读取")
        } else {
            format!(
                "{} could not be read",
                super::i18n::plural(n, "file", "files")
            )
        }
    }

    /// After renaming a tag.
    pub fn tag_renamed(&self, n: usize) -> String {
        if self.zh() {
            format!("已在 {n} 条划线和批注中改名")
        } else {
            let what = super::i18n::plural(n, "highlight or note", "highlights and notes");
            format!("Renamed in {what}")
        }
    }
}

/// The strip that offers notes found by content (a document moved and edited, weaker
/// match): Attach takes them in on a worker; the store watcher brings them into the panel.
pub fn offer_bar_ui(app: &mut super::PizhuApp, ui: &mut egui::Ui) {
    let Some(offer) = app.offer.clone() else {
        return;
    };
    let t = app.t();
    let mut attach = false;
    let mut dismiss = false;
    egui::Panel::top("offer-bar").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            let text = t.offer_text(&offer);
            ui.label(&text).widget_info(|| {
                egui::WidgetInfo::labeled(egui::accesskit::Role::Alert, true, &text)
            });
            attach = ui.button(t.attach).clicked();
            dismiss = ui.button(t.dismiss).clicked();
        });
    });
    if dismiss {
        app.dismiss_offer();
    }
    if attach {
        app.attach_offer(offer);
    }
}

impl super::i18n::Strings {
    /// "在《旧标题》上写的 5 条批注中有 2 条在这篇文档里找到：“…”".
    pub fn offer_text(&self, offer: &crate::library::Offer) -> String {
        let quotes: Vec<String> = offer
            .preview
            .iter()
            .map(|q| {
                let q: String = q.chars().take(24).collect();
                format!("“{q}”")
            })
            .collect();
        if self.zh() {
            format!(
                "{}：在《{}》上写的 {} 条批注中，有 {} 条的原文在这篇文档里：{}",
                self.notes_found_elsewhere,
                offer.title,
                offer.notes,
                offer.found,
                quotes.join("、")
            )
        } else {
            format!(
                "{}: {} of the {} written on “{}” quote this document: {}",
                self.notes_found_elsewhere,
                offer.found,
                super::i18n::plural(offer.notes, "note", "notes"),
                offer.title,
                quotes.join(", ")
            )
        }
    }

    /// After notes were attached.
    pub fn attached(&self, n: usize, title: &str) -> String {
        if self.zh() {
            format!("已接上《{title}》的 {n} 条批注")
        } else {
            let notes = super::i18n::plural(n, "note", "notes");
            format!("{notes} from “{title}” attached")
        }
    }

    /// When a moved and edited document's notes were found by content at once.
    pub fn reattached(&self) -> &'static str {
        if self.zh() {
            "这篇文档的位置和内容都变了：按内容找到了它的批注，已接上"
        } else {
            "This document was moved and edited: its notes were found by their content and attached"
        }
    }
}
