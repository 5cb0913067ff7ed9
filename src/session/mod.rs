//! One open document and everything a reader does with it, without a window: the document
//! and its outline, its annotations and their store, the selected annotation, the way back
//! and forward across jumps, the blank visited last. The window (`app`) and the tests drive it
//! with [`Action`]s and carry out the [`Effect`]s it answers; it never imports egui, eframe or
//! rfd.

pub mod find;
pub mod history;
pub mod keymap;
pub mod notes;
pub mod paste;
pub mod rules;
pub mod task;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::annotate::corrections::{
    Corrected, Correction, CorrectionEdit, CorrectionId, corrected,
};
use crate::annotate::{Annotation, AnnotationId, Color, Edit, Kind, Mark, now_ms};
use crate::document::{Document, SourceFormat, TextRange};
use crate::outline::corrections::{Change, Rule, node_on_line};
use crate::outline::{Outline, outline};
use crate::stats::{Counts, DEFAULT_RATE_CHARS_PER_MIN, Stats, stats};
use find::Find;
use history::History;
use notes::Notes;
use task::{Task, Waker};

/// File name shown for the bundled sample.
pub const SAMPLE_NAME: &str = "sample-speech.txt";

/// The bundled sample speech (our own writing; every outline level).
pub static SAMPLE_TEXT: &str = include_str!("../../assets/sample-speech.txt");

/// Whom a worker wakes when it is done (the window's repaint), set once the window has one.
#[derive(Default)]
struct WakerSlot(Mutex<Option<Waker>>);

impl std::fmt::Debug for WakerSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WakerSlot")
    }
}

/// Above this many chars, a document's counts are made on a worker after it is shown.
const COUNT_LATER_CHARS: usize = 2_000_000;

/// Above this many chars, the outline is made again on a worker after a correction (in the
/// window): on the ~10 MB file it took 5–11 ms of the UI thread's CPU, on 4.5 MB 2–3 ms,
/// on the sample 0.01 ms (`cargo bench --bench corrections`).
const CORRECT_LATER_CHARS: usize = 1_000_000;

/// Which opened document a piece of state belongs to: unique for the life of the process,
/// also when a document is opened twice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(u64);

impl DocId {
    /// A new, never used id.
    pub fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// One open document and what the reader does with it.
#[derive(Debug)]
pub struct Session {
    /// Which opening of a document this is.
    pub id: DocId,
    /// Where it came from (`None` for the bundled sample).
    pub path: Option<PathBuf>,
    /// File name for the window title.
    pub name: String,
    /// The document.
    pub doc: Arc<Document>,
    /// Its outline, with the reader's rules and corrections (see [`Session::refresh_outline`]).
    pub outline: Arc<Outline>,
    /// The engine's outline, as `outline` made it.
    engine: Arc<Outline>,
    /// The engine's outline with the rules applied (what corrections start from; see
    /// [`Session::ruled`]).
    ruled: Arc<Outline>,
    /// `ruled` being made for new rules on a worker (a large document in the window).
    ruled_task: Option<Task<Outline>>,
    /// The reader's outline rules (`rules.ron`).
    rules: Vec<Rule>,
    /// The corrections' generation the outline was made for.
    corrected_for: Option<u64>,
    /// The outline of a large document being made again on a worker, for this generation of
    /// the corrections, and whether it is the one shown (see [`Session::refresh_outline`]).
    outline_task: Option<(u64, Task<(Corrected, bool)>)>,
    /// [`CORRECT_LATER_CHARS`] (tests lower it).
    correct_later_chars: usize,
    /// Each correction applied and the line it stands on now.
    pub placed_corrections: Vec<(CorrectionId, usize)>,
    /// Corrections whose line is gone (kept, not applied).
    pub lost_corrections: Vec<CorrectionId>,
    /// Whole-document counts (`None` while a large document is still being counted on a
    /// worker: see [`Session::poll`]).
    pub stats: Option<Stats>,
    /// The count of a large document under way.
    stats_task: Option<Task<Stats>>,
    /// Whom to wake when work on a worker ends (set by the window).
    waker: Arc<WakerSlot>,
    /// Its highlights and notes.
    pub notes: Notes,
    /// The selected annotation (shown in the editor, outlined in the text).
    pub selected: Option<AnnotationId>,
    /// Back / forward across jumps.
    pub history: History,
    /// The blank visited last.
    pub blank: Option<usize>,
    /// The matches of the find bar's query.
    pub find: Find,
    /// The last section counted for the status bar.
    section_cache: RefCell<Option<(usize, Counts)>>,
}

/// Something a reader does with the open document. Where the reader is (`top`, the first
/// char on screen) is given to [`Session::apply`] by the window.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Go to outline node `i`'s heading.
    JumpToNode(usize),
    /// Highlight a range; `open_note` then opens its note.
    Highlight {
        /// What to highlight.
        range: TextRange,
        /// In which colour.
        color: Color,
        /// Fill or underline.
        mark: Mark,
        /// Open the note editor on it.
        open_note: bool,
    },
    /// Highlight the sentence around a char, in `color` (an exact one already there is
    /// selected instead).
    HighlightSentence {
        /// A char in the sentence.
        at: usize,
        /// The colour for a new highlight.
        color: Color,
    },
    /// Replace an annotation (colour, mark, tags) as one undoable step.
    UpdateAnnotation(Annotation),
    /// The note of an annotation as typed so far (one undo step per typing session).
    TypeNote(AnnotationId, String),
    /// Typing in a note ended.
    EndTyping,
    /// Delete an annotation.
    DeleteAnnotation(AnnotationId),
    /// Select an annotation (or none).
    SelectAnnotation(Option<AnnotationId>),
    /// Go to an annotation, select it and make it flash.
    GoToAnnotation(AnnotationId),
    /// Open an annotation's note for writing.
    EditNote(AnnotationId),
    /// Add a note on outline node `i`'s section.
    AddSectionNote(usize),
    /// Undo the last annotation change.
    Undo,
    /// Redo the last undone one.
    Redo,
    /// Go back to where the last jump left.
    Back,
    /// Go forward again.
    Forward,
    /// Go to the next (1) or previous (−1) blank to fill.
    NextBlank(i32),
    /// Go to blank `i`.
    GoToBlank(usize),
    /// Go to the next (1) or previous (−1) match of the find bar's query.
    FindStep(i32),
    /// Go to match `i`.
    GoToMatch(usize),
    /// Bring back what the newest readable backup of the notes holds.
    RestoreBackup,
    /// Make the line holding char `at` a heading at `level` (1–4) in the outline.
    MakeHeading {
        /// A char on the line.
        at: usize,
        /// The level, 1 for the top.
        level: u8,
    },
    /// The line holding char `at` is not a heading.
    NotHeading {
        /// A char on the line.
        at: usize,
    },
    /// Remove the reader's corrections of the line holding char `at`.
    ClearCorrections {
        /// A char on the line.
        at: usize,
    },
    /// Move outline node `node` up (−1, promote) or down (1, demote), with its subtree.
    ShiftNode {
        /// The node.
        node: usize,
        /// Levels (negative: towards the top).
        by: i8,
    },
    /// Show outline node `node` with another title (the document is untouched; empty: its
    /// own title again).
    RenameNode {
        /// The node.
        node: usize,
        /// The title.
        title: String,
    },
}

/// What the window does after an [`Action`].
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Scroll so that this char is at the top.
    JumpTo(usize),
    /// Scroll so that this char is well in view (unless it already is).
    Reveal(usize),
    /// Select this text in the reader.
    SelectText(TextRange),
    /// Clear the reader's text selection.
    ClearTextSelection,
    /// The selected annotation changed (the list brings it into view).
    Selected(Option<AnnotationId>),
    /// Make an annotation flash in the text.
    Flash(AnnotationId),
    /// Open the annotations panel with the cursor in this annotation's note.
    EditNote(AnnotationId),
    /// The outline should select node `i`.
    OutlineSelect(usize),
    /// This highlight colour was used (the next one defaults to it).
    ColourUsed(Color),
    /// The notes were restored from a backup (answering [`Action::RestoreBackup`], from
    /// [`Session::poll`]): how many annotations and outline corrections came back, and the
    /// backup's time (`None`: there was no backup that could be read).
    Restored(Option<notes::Restored>),
    /// The outline was made anew (a correction, its undo, another window's correction).
    OutlineChanged,
}

impl Session {
    /// Compute the outline and counts of a document; its notes in memory only.
    pub fn new(doc: Document, path: Option<PathBuf>, name: String) -> Self {
        let outline = Arc::new(outline(&doc));
        let doc = Arc::new(doc);
        let waker: Arc<WakerSlot> = Arc::default();
        // A large document is shown before its counts are done (the status bar waits).
        let (stats, stats_task) = if doc.char_count <= COUNT_LATER_CHARS {
            (
                Some(stats(&doc, &outline, DEFAULT_RATE_CHARS_PER_MIN)),
                None,
            )
        } else {
            let (d, o, slot) = (Arc::clone(&doc), Arc::clone(&outline), Arc::clone(&waker));
            let wake: Waker = Arc::new(move || {
                let waker = slot.0.lock().ok().and_then(|w| w.clone());
                if let Some(wake) = waker {
                    wake();
                }
            });
            let count = move || stats(&d, &o, DEFAULT_RATE_CHARS_PER_MIN);
            match Task::spawn("stats", Some(wake), count) {
                Ok(task) => (None, Some(task)),
                Err(_) => (
                    Some(stats(&doc, &outline, DEFAULT_RATE_CHARS_PER_MIN)),
                    None,
                ),
            }
        };
        let mut session = Self {
            id: DocId::next(),
            path,
            name,
            doc,
            engine: Arc::clone(&outline),
            ruled: Arc::clone(&outline),
            ruled_task: None,
            outline,
            rules: Vec::new(),
            corrected_for: None,
            outline_task: None,
            correct_later_chars: CORRECT_LATER_CHARS,
            placed_corrections: Vec::new(),
            lost_corrections: Vec::new(),
            stats,
            stats_task,
            waker,
            notes: Notes::in_memory(),
            selected: None,
            history: History::default(),
            blank: None,
            find: Find::default(),
            section_cache: RefCell::new(None),
        };
        session.import_markup();
        session
    }

    /// Load the document's highlights and notes from `data_dir` (none: in memory only).
    pub fn with_notes(mut self, data_dir: Option<&Path>) -> Self {
        if let Some(dir) = data_dir {
            let title = self.display_title().to_owned();
            self.notes = Notes::load(dir, &self.doc, self.path.as_deref(), &title);
            self.import_markup();
            self.refresh_outline();
        }
        self
    }

    /// Use these outline rules (before the corrections); the outline is made anew.
    pub fn set_rules(&mut self, rules: Vec<Rule>) {
        if rules == self.rules {
            return;
        }
        self.rules = rules;
        // A large document in the window has it made on a worker, as its outline (a frame
        // never waits on a whole document).
        self.ruled_task = None;
        if self.doc.char_count > self.correct_later_chars && self.has_waker() {
            let (engine, doc) = (Arc::clone(&self.engine), Arc::clone(&self.doc));
            let rules = self.rules.clone();
            let work = move || corrected(&engine, &doc, &rules, &[]).outline;
            self.ruled_task = Task::spawn("rules-outline", Some(self.wake()), work).ok();
        }
        if self.ruled_task.is_none() {
            self.ruled = Arc::new(corrected(&self.engine, &self.doc, &self.rules, &[]).outline);
        }
        self.corrected_for = None;
        if self.refresh_outline() {
            // Section paths of the annotations panel are keyed on the set's generation.
            self.notes.set.touch();
        }
    }

    /// The engine's outline with the rules (what a correction starts from). Made for new
    /// rules on a worker, it is waited for here: only a correction made within moments of
    /// saving the rules, on a large document, waits.
    fn ruled(&mut self) -> Arc<Outline> {
        if let Some(mut task) = self.ruled_task.take() {
            self.ruled = Arc::new(match task.wait(std::time::Duration::from_secs(60)) {
                Some(outline) => outline,
                // The worker failed (it never panics on text): made here instead.
                None => corrected(&self.engine, &self.doc, &self.rules, &[]).outline,
            });
        }
        Arc::clone(&self.ruled)
    }

    /// Take in the rules' outline if its worker is done.
    fn poll_ruled(&mut self) {
        let Some(task) = &mut self.ruled_task else {
            return;
        };
        if let Some(outline) = task.poll() {
            self.ruled = Arc::new(outline);
            self.ruled_task = None;
        } else if task.lost() {
            self.ruled();
        }
    }

    /// The outline rules in use.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The engine's own outline (without rules and corrections).
    pub fn engine_outline(&self) -> &Arc<Outline> {
        &self.engine
    }

    /// Make the outline anew when the corrections changed (an edit, undo, redo, another
    /// window's change merged); true when it was. In the window (a waker set) a document
    /// over [`CORRECT_LATER_CHARS`] has it made on a worker: this answers false then, and
    /// true from the call (by [`Session::poll`]) that finds it made — unless the corrections
    /// changed again meanwhile (then it is made again for them).
    pub fn refresh_outline(&mut self) -> bool {
        let generation = self.notes.set.corrections_generation();
        if let Some((made_for, task)) = &mut self.outline_task {
            let made_for = *made_for;
            let done = task.poll();
            let lost = done.is_none() && task.lost();
            if done.is_some() || lost {
                self.outline_task = None;
            }
            if (done.is_some() || lost) && made_for == generation {
                let changed = match done {
                    Some((c, same)) => self.show_outline(c, same),
                    // The worker failed (it never panics on text): made here instead.
                    None => self.outline_made_here(),
                };
                if changed {
                    // The annotations panel's sections are keyed on the set's generation:
                    // those made since the corrections changed had the outline before.
                    self.notes.set.touch();
                }
                return changed;
            }
        }
        if self.corrected_for == Some(generation) {
            return false;
        }
        self.corrected_for = Some(generation);
        if self.doc.char_count > self.correct_later_chars
            && self.has_waker()
            && self.outline_task.is_none()
        {
            let engine = Arc::clone(&self.engine);
            let doc = Arc::clone(&self.doc);
            let shown = Arc::clone(&self.outline);
            let rules = self.rules.clone();
            let corrections = self.notes.set.corrections().to_vec();
            let work = move || {
                let c = corrected(&engine, &doc, &rules, &corrections);
                let same = c.outline == *shown;
                (c, same)
            };
            if let Ok(task) = Task::spawn("outline", Some(self.wake()), work) {
                self.outline_task = Some((generation, task));
                return false;
            }
        } else if self.outline_task.is_some() {
            // One worker at a time: made again for these corrections when it is done.
            self.corrected_for = None;
            return false;
        }
        self.outline_made_here()
    }

    /// Make the outline anew on this thread; true when it changed.
    fn outline_made_here(&mut self) -> bool {
        let c = corrected(
            &self.engine,
            &self.doc,
            &self.rules,
            self.notes.set.corrections(),
        );
        let same = *self.outline == c.outline;
        self.show_outline(c, same)
    }

    /// Show `c` (`same`: its outline is the one shown); true when the outline changed.
    fn show_outline(&mut self, c: Corrected, same: bool) -> bool {
        self.placed_corrections = c.placed;
        self.lost_corrections = c.lost;
        // A large outline is freed on another thread, not in a frame.
        let large = self.doc.char_count > self.correct_later_chars;
        if same {
            if large {
                task::drop_elsewhere(c.outline);
            }
            return false;
        }
        let old = std::mem::replace(&mut self.outline, Arc::new(c.outline));
        if large {
            task::drop_elsewhere(old);
        }
        *self.section_cache.borrow_mut() = None;
        self.notes.forget_counts();
        true
    }

    /// Whether the outline is being made again on a worker.
    pub fn outline_pending(&self) -> bool {
        self.outline_task.is_some()
    }

    /// What a worker calls when it is done: the waker the window set, if any.
    fn wake(&self) -> Waker {
        let slot = Arc::clone(&self.waker);
        Arc::new(move || {
            let waker = slot.0.lock().ok().and_then(|w| w.clone());
            if let Some(wake) = waker {
                wake();
            }
        })
    }

    /// The corrections standing on line `line` now (one made since the outline was last made
    /// — on a worker still — is placed here).
    pub fn corrections_on_line(&self, line: usize) -> Vec<&Correction> {
        self.notes
            .set
            .corrections()
            .iter()
            .filter(
                |c| match self.placed_corrections.iter().find(|&&(id, _)| id == c.id) {
                    Some(&(_, l)) => l == line,
                    None => {
                        !self.lost_corrections.contains(&c.id) && c.place(&self.doc) == Some(line)
                    }
                },
            )
            .collect()
    }

    /// Whether outline node `i` stands on a line the reader corrected.
    pub fn node_corrected(&self, i: usize) -> bool {
        self.outline
            .nodes
            .get(i)
            .is_some_and(|n| self.placed_corrections.iter().any(|&(_, l)| l == n.line))
    }

    /// The edits that make line `line`'s structure `change` (replacing the structural
    /// corrections there; `None`: only removing them), as one step.
    fn restructure(&self, line: usize, change: Option<Change>) -> Vec<CorrectionEdit> {
        let mut edits: Vec<CorrectionEdit> = self
            .corrections_on_line(line)
            .into_iter()
            .filter(|c| c.change.as_ref().is_some_and(Change::is_structural))
            .map(|c| CorrectionEdit::Remove(c.id))
            .collect();
        if let Some(change) = change
            && let Some(c) = Correction::on_line(&self.doc, line, change, now_ms())
        {
            edits.push(CorrectionEdit::Put(c));
        }
        edits
    }

    /// Carry out an outline correction.
    fn correct(&mut self, action: &Action) {
        let line_of = |s: &Self, at: usize| crate::outline::corrections::line_of(&s.doc, at);
        let edits = match action {
            Action::MakeHeading { at, level } => {
                let Some(line) = line_of(self, *at) else {
                    return;
                };
                let level = (*level).clamp(1, crate::outline::corrections::MAX_LEVEL);
                self.restructure(
                    line,
                    Some(Change::Heading {
                        level: Some(level),
                        title: None,
                    }),
                )
            }
            Action::NotHeading { at } => {
                let Some(line) = line_of(self, *at) else {
                    return;
                };
                // Where the rules' outline has no node, removing the corrections is enough.
                let change = node_on_line(&self.ruled(), line).map(|_| Change::NotHeading);
                self.restructure(line, change)
            }
            Action::ClearCorrections { at } => {
                let Some(line) = line_of(self, *at) else {
                    return;
                };
                self.corrections_on_line(line)
                    .into_iter()
                    .map(|c| CorrectionEdit::Remove(c.id))
                    .collect()
            }
            Action::ShiftNode { node, by } => {
                let Some(n) = self.outline.nodes.get(*node) else {
                    return;
                };
                let line = n.line;
                if *by < 0 && n.depth == 1 {
                    return;
                }
                let existing = self
                    .corrections_on_line(line)
                    .into_iter()
                    .find_map(|c| c.change.clone().filter(Change::is_structural));
                let change = match existing {
                    Some(Change::Heading { level, title }) => Some(Change::Heading {
                        level: Some(
                            (level.unwrap_or(n.depth) as i16 + *by as i16)
                                .clamp(1, crate::outline::corrections::MAX_LEVEL as i16)
                                as u8,
                        ),
                        title,
                    }),
                    Some(Change::Shift(k)) => {
                        let k = k.saturating_add(*by);
                        (k != 0).then_some(Change::Shift(k))
                    }
                    _ => Some(Change::Shift(*by)),
                };
                self.restructure(line, change)
            }
            Action::RenameNode { node, title } => {
                let Some(n) = self.outline.nodes.get(*node) else {
                    return;
                };
                let line = n.line;
                let mut edits: Vec<CorrectionEdit> = self
                    .corrections_on_line(line)
                    .into_iter()
                    .filter(|c| matches!(c.change, Some(Change::Rename(_))))
                    .map(|c| CorrectionEdit::Remove(c.id))
                    .collect();
                let title = title.trim();
                let ruled = self.ruled();
                let own = node_on_line(&ruled, line).map(|i| ruled.nodes[i].title.as_str());
                if !title.is_empty()
                    && own != Some(title)
                    && let Some(c) = Correction::on_line(
                        &self.doc,
                        line,
                        Change::Rename(title.to_owned()),
                        now_ms(),
                    )
                {
                    edits.push(CorrectionEdit::Put(c));
                }
                edits
            }
            _ => return,
        };
        if !edits.is_empty() {
            self.notes.correct(edits);
        }
    }

    /// Add the comments and highlighted runs of a `.docx` the notes do not hold yet (nor
    /// removed): imported once, whatever the number of openings.
    fn import_markup(&mut self) {
        let found = crate::annotate::imported::from_document(&self.doc, &self.outline);
        if !found.is_empty() {
            self.notes.import(found);
        }
    }

    /// The bundled sample speech.
    pub fn sample() -> Self {
        let doc = Document::from_text(SAMPLE_TEXT.to_owned(), "UTF-8", SourceFormat::Text);
        Self::new(doc, None, SAMPLE_NAME.to_owned())
    }

    /// Open a file (on the caller's thread).
    pub fn open(path: &Path, data_dir: Option<&Path>) -> Result<Self, crate::document::OpenError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let doc = Document::open(path)?;
        let session = Self::new(doc, Some(path.to_owned()), name).with_notes(data_dir);
        if let Some(dir) = data_dir {
            // The library lists what was read; failing to note it never keeps a document shut.
            let _ = crate::library::record_open(dir, path, &session.doc, session.display_title());
        }
        Ok(session)
    }

    /// The title to show: the document's own, else its file name.
    pub fn display_title(&self) -> &str {
        self.outline.title.as_deref().unwrap_or(&self.name)
    }

    /// Counts for outline node `i`'s section, cached (the status bar asks every frame).
    pub fn section_counts(&self, i: usize) -> Counts {
        let mut cache = self.section_cache.borrow_mut();
        if let Some((node, counts)) = cache.as_ref()
            && *node == i
        {
            return counts.clone();
        }
        let range: TextRange = self.outline.nodes[i].range;
        let counts =
            crate::stats::counts_in(&self.doc, &self.outline, range, DEFAULT_RATE_CHARS_PER_MIN);
        *cache = Some((i, counts.clone()));
        counts
    }

    /// The selected annotation, if it still exists.
    pub fn selected_annotation(&self) -> Option<&Annotation> {
        self.selected.and_then(|id| self.notes.set.get(id))
    }

    /// Do `action` with the reader at char `top` (`None`: not laid out yet); returns what
    /// the window should do.
    pub fn apply(&mut self, action: Action, top: Option<usize>) -> Vec<Effect> {
        let mut out = Vec::new();
        match action {
            Action::JumpToNode(i) => {
                if let Some(start) = self.outline.nodes.get(i).map(|n| n.range.start) {
                    self.record(top);
                    out.extend([Effect::JumpTo(start), Effect::OutlineSelect(i)]);
                }
            }
            Action::Highlight {
                range,
                color,
                mark,
                open_note,
            } => {
                if range.is_empty() || range.end > self.doc.char_count {
                    return out;
                }
                let mut a = Annotation::highlight(&self.doc, range, color, now_ms());
                a.mark = mark;
                let id = a.id;
                self.notes.edit(vec![Edit::Add(a)]);
                out.extend([Effect::ColourUsed(color), Effect::ClearTextSelection]);
                self.select(Some(id), &mut out);
                if open_note {
                    out.push(Effect::EditNote(id));
                }
            }
            Action::HighlightSentence { at, color } => {
                let Some(range) = crate::annotate::units::sentence_at(&self.doc, at) else {
                    return out;
                };
                // A sentence already highlighted exactly is selected, not doubled.
                let existing = self
                    .notes
                    .set
                    .overlapping(range)
                    .find(|a| a.range == range)
                    .map(|a| a.id);
                match existing {
                    Some(id) => self.select(Some(id), &mut out),
                    None => {
                        let highlight = Action::Highlight {
                            range,
                            color,
                            mark: Mark::Fill,
                            open_note: false,
                        };
                        return self.apply(highlight, top);
                    }
                }
            }
            Action::UpdateAnnotation(mut a) => {
                if a.kind == Kind::Highlight {
                    out.push(Effect::ColourUsed(a.color));
                }
                if let Some(old) = self.notes.set.get(a.id) {
                    crate::annotate::imported::owned_if_edited(old, &mut a);
                }
                self.notes.edit(vec![Edit::Update(a)]);
            }
            Action::TypeNote(id, note) => self.notes.type_note(id, note),
            Action::EndTyping => self.notes.end_typing(),
            Action::DeleteAnnotation(id) => {
                self.notes.edit(vec![Edit::Remove(id)]);
                if self.selected == Some(id) {
                    self.select(None, &mut out);
                }
            }
            Action::SelectAnnotation(id) => {
                self.select(id, &mut out);
                if id.is_some() {
                    out.push(Effect::ClearTextSelection);
                }
            }
            Action::GoToAnnotation(id) => {
                let Some(a) = self.notes.set.get(id) else {
                    return out;
                };
                if a.is_placed() {
                    let start = a.range.start;
                    self.record(top);
                    out.extend([Effect::Reveal(start), Effect::Flash(id)]);
                }
                self.select(Some(id), &mut out);
                out.push(Effect::ClearTextSelection);
            }
            Action::EditNote(id) => {
                if self.notes.set.get(id).is_some() {
                    self.select(Some(id), &mut out);
                    out.push(Effect::EditNote(id));
                }
            }
            Action::AddSectionNote(node) => {
                if node >= self.outline.nodes.len() {
                    return out;
                }
                let a = Annotation::section_note(&self.doc, &self.outline, node, now_ms());
                let id = a.id;
                self.notes.edit(vec![Edit::Add(a)]);
                self.select(Some(id), &mut out);
                out.push(Effect::EditNote(id));
            }
            Action::Undo | Action::Redo => {
                let done = if action == Action::Undo {
                    self.notes.undo()
                } else {
                    self.notes.redo()
                };
                if done
                    && let Some(id) = self.selected
                    && self.notes.set.get(id).is_none()
                {
                    self.select(None, &mut out);
                }
            }
            Action::Back | Action::Forward => {
                let Some(top) = top else {
                    return out;
                };
                let to = if action == Action::Back {
                    self.history.back(top)
                } else {
                    self.history.forward(top)
                };
                out.extend(to.map(Effect::JumpTo));
            }
            Action::NextBlank(step) => {
                let list = &self.outline.placeholders;
                if list.is_empty() {
                    return out;
                }
                let n = list.len();
                let next = match self.blank {
                    Some(c) if step > 0 => (c + 1) % n,
                    Some(c) => (c + n - 1) % n,
                    None => {
                        let i = list.partition_point(|p| p.range.start < top.unwrap_or(0));
                        if step > 0 { i % n } else { (i + n - 1) % n }
                    }
                };
                return self.apply(Action::GoToBlank(next), top);
            }
            Action::GoToBlank(i) => {
                let Some(range) = self.outline.placeholders.get(i).map(|p| p.range) else {
                    return out;
                };
                if self.blank.is_none() {
                    self.record(top);
                }
                self.blank = Some(i);
                // Selected, so the blank stands out and can be copied or highlighted.
                out.extend([Effect::Reveal(range.start), Effect::SelectText(range)]);
                self.select(None, &mut out);
            }
            Action::FindStep(step) => {
                if let Some(i) = self.find.step(step, top.unwrap_or(0)) {
                    return self.apply(Action::GoToMatch(i), top);
                }
            }
            Action::GoToMatch(i) => {
                if let Some(m) = self.find.matches.get(i).copied() {
                    if self.find.current.is_none() {
                        self.record(top);
                    }
                    self.find.current = Some(i);
                    out.push(Effect::Reveal(m.start));
                }
            }
            Action::RestoreBackup => {
                // Read on a worker; `poll` answers with `Effect::Restored`.
                if !self.notes.start_restore() {
                    out.push(Effect::Restored(None));
                }
            }
            Action::MakeHeading { .. }
            | Action::NotHeading { .. }
            | Action::ClearCorrections { .. }
            | Action::ShiftNode { .. }
            | Action::RenameNode { .. } => self.correct(&action),
        }
        if self.refresh_outline() {
            out.push(Effect::OutlineChanged);
        }
        out
    }

    /// What finished on a worker since the last call (a restore read its backup); the window
    /// calls it every frame it runs.
    pub fn poll(&mut self) -> Vec<Effect> {
        if let Some(task) = &mut self.stats_task {
            if let Some(stats) = task.poll() {
                self.stats = Some(stats);
                self.stats_task = None;
            } else if task.lost() {
                self.stats_task = None;
            }
        }
        self.poll_ruled();
        let doc = Arc::clone(&self.doc);
        let mut out = match self.notes.poll_restore(&doc) {
            Some(restored) => vec![Effect::Restored(restored)],
            None => Vec::new(),
        };
        if self.refresh_outline() {
            out.push(Effect::OutlineChanged);
        }
        out
    }

    /// Whom to wake when work on a worker ends (the window asks for a frame): the notes'
    /// writer and watcher, a restore, the count of a large document.
    pub fn set_waker(&mut self, waker: Waker) {
        if let Ok(mut slot) = self.waker.0.lock() {
            *slot = Some(Arc::clone(&waker));
        }
        self.notes.set_waker(waker);
    }

    /// Whether [`Session::set_waker`] was called.
    pub fn has_waker(&self) -> bool {
        self.waker.0.lock().is_ok_and(|w| w.is_some())
    }

    /// Remember where the reader is before a jump (for Back).
    pub fn record(&mut self, top: Option<usize>) {
        if let Some(top) = top {
            self.history.record(top);
        }
    }

    fn select(&mut self, id: Option<AnnotationId>, out: &mut Vec<Effect>) {
        self.selected = id;
        out.push(Effect::Selected(id));
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod corrections_tests;
