//! The egui shell: the reading window on top of the pure core.
//!
//! UI functions (`*_ui`) borrow state read-only where they can and push [`Command`]s; the
//! app applies them after the frame (`apply`). Opening a document runs on a worker thread.

mod annotations_panel;
mod bars;
mod card;
pub mod crash;
mod export_window;
pub mod find;
pub mod fonts;
pub mod i18n;
pub mod keys;
mod library_view;
pub mod navigate;
mod notebook_view;
pub mod outline_panel;
pub mod reader;
pub mod room;
mod rules_editor;
pub mod settings;
pub mod shelf;
pub mod theme;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::session::task::Task;
use crate::session::{Action as Act, Effect};
use i18n::Lang;
use outline_panel::OutlineView;
use reader::ReaderView;
use settings::{LanguagePref, Settings, Theme};

/// Application id: window class, and the name of eframe's storage folder.
pub const APP_ID: &str = "pizhu";
pub use crate::session::{SAMPLE_NAME, SAMPLE_TEXT, Session};

/// Everything the UI can ask the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Something the open document's session does (annotations, jumps, find, blanks).
    Act(Act),
    /// Show the native open dialog.
    OpenDialog,
    /// Open a file.
    Open(PathBuf),
    /// Make a document of pasted text (kept in the data folder) and open it.
    NewFromText(String),
    /// Ask for the clipboard's text, to open it as a new document.
    PasteDocument,
    /// Scroll so that this char sits at the top.
    JumpToChar(usize),
    /// Zoom by a step (+1 / −1), or back to 100 % (0).
    Zoom(i32),
    /// Change the colour theme.
    SetTheme(Theme),
    /// Change the UI language.
    SetLanguage(LanguagePref),
    /// Show or hide the outline panel.
    ToggleOutline,
    /// Show or hide the status bar.
    ToggleStatusBar,
    /// Switch official-document style on or off.
    ToggleOfficialStyle,
    /// Hide or show boilerplate lines.
    ToggleHideBoilerplate,
    /// Show or hide the settings window.
    ShowSettings(bool),
    /// Close the message banner.
    DismissBanner,
    /// Move keyboard focus to the next panel (F6).
    CycleFocus,
    /// Highlight the sentence around a char (Alt+click).
    HighlightSentence(usize),
    /// Put text on the clipboard.
    Copy(String),
    /// Show or hide the annotations panel.
    ToggleAnnotations,
    /// Focus mode on or off: the text alone, its panels on demand.
    ToggleFocus,
    /// Open the find bar with the cursor in it.
    OpenFind,
    /// Close the find bar.
    CloseFind,
    /// Show or hide the blanks list.
    ShowBlanks(bool),
    /// Show or hide the keyboard shortcuts.
    ShowShortcuts(bool),
    /// Switch to the next colour theme.
    NextTheme,
    /// Show or hide the export window.
    ShowExport(bool),
    /// Show the export window on the annotated document (a Word file with comments).
    ShowAnnotatedExport,
    /// The name the annotated document signs comments with.
    SetAuthor(String),
    /// Show the reader, the library or the notebook.
    ShowView(View),
    /// Open a document from the library or the notebook (at an annotation); Back returns.
    OpenFromShelf {
        /// The document.
        path: PathBuf,
        /// The annotation to show.
        at: Option<crate::annotate::AnnotationId>,
    },
    /// Show the notebook's entries of one document.
    NotebookForDocument(String),
    /// Change the library or the stores (on a worker).
    Shelf(shelf::Job),
    /// An entry's document has no file to open: say so.
    ShelfMessage(String),
}

/// What the central area shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// The open document.
    #[default]
    Reader,
    /// Every document (Ctrl+L).
    Library,
    /// Every highlight and note (Ctrl+Shift+F).
    Notebook,
}

/// A message shown at the top of the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banner {
    /// What to say.
    pub text: String,
    /// An error (red) or a notice.
    pub is_error: bool,
    /// The notes were damaged and a backup from this time can be restored: the banner
    /// offers it.
    pub restore: Option<std::time::SystemTime>,
}

/// The document on screen: the session the window shows.
pub type OpenDocument = Session;

/// A document being opened on a worker thread.
struct Loading {
    /// The file being opened (`None`: the bundled sample).
    path: Option<PathBuf>,
    /// Its name, for the indicator.
    name: String,
    started: Instant,
    /// The annotation to show once it is open (opened from the notebook).
    at: Option<crate::annotate::AnnotationId>,
    /// The document and its notes, read on a worker.
    task: Task<Result<OpenDocument, crate::document::OpenError>>,
}

/// Whether this frame's input could act on what a frame draws (a click, a key, a screen
/// reader's action): such a frame must draw everything it shows, never leave a part of it
/// for the next frame (see the layout budgets of the reader and the outline).
pub(crate) fn acting(ui: &egui::Ui) -> bool {
    ui.input(|i| {
        i.pointer.any_pressed()
            || i.pointer.any_released()
            || i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::Paste(_)
                        | egui::Event::Copy
                        | egui::Event::Cut
                        | egui::Event::AccessKitActionRequest(_)
                )
            })
    })
}

/// How long a text cursor blinks after the last input (GTK's default): then it stays lit,
/// so that a window left with the cursor in a field draws nothing until something happens.
const CURSOR_BLINKS_FOR: f64 = 10.0;

/// Blink the text cursor only for [`CURSOR_BLINKS_FOR`] after the last input (a key, the
/// pointer, focus): a blinking cursor is a frame every half second, forever.
fn quiet_cursor(ctx: &egui::Context) {
    let id = egui::Id::unique("pizhu-last-input");
    let (now, input) = ctx.input(|i| (i.time, !i.events.is_empty() || i.pointer.is_moving()));
    let last = if input {
        ctx.data_mut(|d| d.insert_temp(id, now));
        now
    } else {
        ctx.data_mut(|d| *d.get_temp_mut_or(id, now))
    };
    let blink = now - last < CURSOR_BLINKS_FOR;
    if ctx.global_style().visuals.text_cursor.blink != blink {
        ctx.global_style_mut(|s| s.visuals.text_cursor.blink = blink);
        ctx.request_repaint();
    }
}

/// Keep the arrow keys for a focused widget that uses them (tree, text) instead of letting
/// egui move focus with them.
pub(crate) fn keep_arrow_keys(ui: &egui::Ui, id: egui::Id) {
    ui.memory_mut(|m| {
        m.set_focus_lock_filter(
            id,
            egui::EventFilter {
                tab: false,
                horizontal_arrows: true,
                vertical_arrows: true,
                escape: false,
            },
        )
    });
}

/// A waker for a [`Task`]: the window repaints when the work is done.
pub(crate) fn waker(ctx: &egui::Context) -> crate::session::task::Waker {
    let ctx = ctx.clone();
    Arc::new(move || ctx.request_repaint())
}

/// The three themes with their names, for menus.
pub(crate) fn theme_choices(t: &i18n::Strings) -> [(Theme, &'static str); 3] {
    [
        (Theme::Light, t.theme_light),
        (Theme::Dark, t.theme_dark),
        (Theme::Sepia, t.theme_sepia),
    ]
}

/// Which panel has keyboard focus, for F6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FocusArea {
    /// The outline tree.
    Outline,
    /// The body text.
    Reader,
}

/// The reading window.
pub struct PizhuApp {
    /// The window's context, to wake it from workers.
    ctx: egui::Context,
    /// Settings and reading history (saved to the config directory).
    pub settings: Settings,
    settings_path: Option<PathBuf>,
    settings_dirty_since: Option<Instant>,
    /// Settings being written on a worker.
    settings_write: Option<Task<Result<(), (std::io::Error, PathBuf)>>>,
    /// Where highlights and notes are stored (`None`: kept in memory only).
    data_dir: Option<PathBuf>,
    /// UI language in effect.
    pub lang: Lang,
    /// The open document.
    pub current: Option<OpenDocument>,
    loading: Option<Loading>,
    /// A message at the top of the window.
    pub banner: Option<Banner>,
    /// The outline tree's state.
    pub outline_view: OutlineView,
    /// The body's state.
    pub reader: ReaderView,
    /// The annotations panel's state (selection, filters, note editor).
    pub notes_view: annotations_panel::AnnotationsView,
    /// How the side panels share the width with the text; focus mode.
    pub room: room::Room,
    /// Whether the settings window is open.
    pub show_settings: bool,
    /// The reader's outline rules (`rules.ron`), as edited in Settings.
    pub rules: rules_editor::RulesEditor,
    /// The text last put on the clipboard.
    pub last_copied: Option<String>,
    /// The find bar.
    pub find: find::FindBar,
    /// Whether the blanks list is shown.
    pub show_blanks: bool,
    /// Whether the shortcuts sheet is shown.
    pub show_shortcuts: bool,
    /// The export window.
    pub export: export_window::ExportView,
    /// Panel that should take keyboard focus this frame.
    pub focus_request: Option<FocusArea>,
    /// The panel that had keyboard focus last.
    pub focus: FocusArea,
    official_faces: Option<fonts::OfficialFaces>,
    fonts_official: bool,
    commands: Vec<Command>,
    window_title: String,
    /// The open dialog, while it is up.
    dialog: Option<Task<Option<PathBuf>>>,
    /// What the central area shows.
    pub view: View,
    /// The library and the notebook, and the work on them.
    pub shelf: shelf::Shelf,
    /// The library view's state.
    pub library_view: library_view::LibraryView,
    /// The notebook view's state.
    pub notebook_view: notebook_view::NotebookView,
    /// Where Back goes once the document's own history is used up (the view a document was
    /// opened from).
    return_to: Option<View>,
    /// Notes found by content that may belong to the open document, offered.
    pub offer: Option<crate::library::Offer>,
    /// First start: the sample is opened behind the library once the library and the
    /// notebook are read (not meanwhile: both would share the two cores and the index).
    sample_after_shelf: bool,
    attaching: Option<Task<Result<(usize, String), String>>>,
    /// Crash reports left by an earlier run, offered once.
    pub crash: crash::CrashView,
}

/// How the app starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Startup {
    /// Open this file.
    File(PathBuf),
    /// Reopen the last document, or the sample on first start.
    #[default]
    Resume,
    /// Open the bundled sample (tests, benchmarks).
    Sample,
}

impl PizhuApp {
    /// A new app with settings from `settings_path` (`None`: defaults, nothing saved).
    pub fn new(
        ctx: &egui::Context,
        settings_path: Option<PathBuf>,
        data_dir: Option<PathBuf>,
        startup: Startup,
    ) -> Self {
        let (settings, warning) = match &settings_path {
            Some(path) => {
                let loaded = settings::load(path);
                (loaded.settings, loaded.warning)
            }
            None => (Settings::default(), None),
        };
        let crash = crash::CrashView::find(data_dir.as_deref());
        let mut app = Self {
            crash,
            ctx: ctx.clone(),
            lang: Lang::resolve(settings.language),
            settings,
            settings_path,
            settings_dirty_since: None,
            settings_write: None,
            data_dir,
            current: None,
            loading: None,
            banner: warning.map(|text| Banner {
                text,
                is_error: true,
                restore: None,
            }),
            outline_view: OutlineView::default(),
            reader: ReaderView::default(),
            notes_view: annotations_panel::AnnotationsView::default(),
            room: room::Room::default(),
            show_settings: false,
            rules: rules_editor::RulesEditor::default(),
            last_copied: None,
            find: find::FindBar::default(),
            show_blanks: false,
            show_shortcuts: false,
            export: export_window::ExportView::default(),
            focus_request: Some(FocusArea::Reader),
            focus: FocusArea::Reader,
            official_faces: None,
            fonts_official: false,
            commands: Vec::new(),
            window_title: String::new(),
            dialog: None,
            view: View::Reader,
            shelf: shelf::Shelf::default(),
            library_view: library_view::LibraryView::default(),
            notebook_view: notebook_view::NotebookView::default(),
            return_to: None,
            offer: None,
            sample_after_shelf: false,
            attaching: None,
        };
        let (rules, rules_warning) = rules_editor::RulesEditor::load(app.settings_path.as_deref());
        app.rules = rules;
        app.shelf.rules = app.rules.saved.clone();
        if let Some(text) = rules_warning {
            app.banner = Some(Banner {
                text,
                is_error: true,
                restore: None,
            });
        }
        app.install_fonts(ctx);
        ctx.set_visuals(theme::visuals(app.settings.theme));
        match startup {
            Startup::File(path) => app.open(path),
            Startup::Sample => app.open_sample(),
            Startup::Resume => match app.settings.recent.first().map(|r| r.path.clone()) {
                Some(path) if path.exists() => app.open(path),
                // First start (or the last document is gone): the library, with the
                // sample behind it.
                _ => {
                    app.show_view(View::Library);
                    if app.shelf.is_loading() {
                        app.sample_after_shelf = true;
                    } else {
                        app.open_sample();
                    }
                }
            },
        }
        app
    }

    fn install_fonts(&mut self, ctx: &egui::Context) {
        let official = self.settings.official_style;
        let font = self.settings.reading.font;
        if (official || font.is_system()) && self.official_faces.is_none() {
            self.official_faces = Some(fonts::find_official_faces());
        }
        let faces = self.official_faces.as_ref();
        ctx.set_fonts(fonts::definitions_for(
            faces.filter(|_| official),
            font,
            faces,
        ));
        self.fonts_official = official;
    }

    /// The strings of the current language.
    pub fn t(&self) -> &'static i18n::Strings {
        self.lang.t()
    }

    /// Queue a command for the end of the frame.
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Whether a document is being opened.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Start opening `path` on a worker thread; the current document stays until it is ready.
    pub fn open(&mut self, path: PathBuf) {
        // A file the reader chose is what they want to see (from the library too).
        self.view = View::Reader;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let data_dir = self.data_dir.clone();
        let worker_path = path.clone();
        self.start_loading(Some(path), name, move || {
            // One name per file: recent list, positions, dialogs and exports see the full
            // path (resolved here: a network folder may take its time).
            let path = std::fs::canonicalize(&worker_path).unwrap_or(worker_path);
            OpenDocument::open(&path, data_dir.as_deref())
        });
    }

    /// Open pasted text as a document: kept as a UTF-8 file in the data folder's `pasted`
    /// folder (written on the worker), so that its notes are kept like any document's;
    /// without a data folder, a document in memory only.
    fn open_pasted(&mut self, text: String) {
        let t = self.t();
        if text.trim().is_empty() {
            self.banner = Some(Banner {
                text: t.paste_empty.to_owned(),
                is_error: true,
                restore: None,
            });
            return;
        }
        let name = t.pasted_document.to_owned();
        match self.data_dir.clone() {
            Some(data_dir) => {
                // The user's clock to the minute, without the colon file names avoid.
                let stamp = crate::store::local_time(std::time::SystemTime::now()).replace(':', "");
                self.start_loading(None, name, move || {
                    let path =
                        crate::session::paste::keep(&data_dir, &text, &stamp).map_err(|e| {
                            crate::document::OpenError::Io {
                                source: std::io::Error::other(e.to_string()),
                            }
                        })?;
                    OpenDocument::open(&path, Some(&data_dir))
                });
            }
            None => self.start_loading(None, name.clone(), move || {
                let doc = crate::document::Document::from_text(
                    text,
                    "UTF-8",
                    crate::document::SourceFormat::Text,
                );
                Ok(OpenDocument::new(doc, None, name))
            }),
        }
    }

    /// Show the bundled sample, its notes read on a worker like any document's.
    fn open_sample(&mut self) {
        let data_dir = self.data_dir.clone();
        self.start_loading(None, crate::session::SAMPLE_NAME.to_owned(), move || {
            Ok(OpenDocument::sample().with_notes(data_dir.as_deref()))
        });
    }

    fn start_loading(
        &mut self,
        path: Option<PathBuf>,
        name: String,
        work: impl FnOnce() -> Result<OpenDocument, crate::document::OpenError> + Send + 'static,
    ) {
        // The outline rules go through the whole document: on the worker too.
        let rules = self.rules.saved.clone();
        let work = move || {
            work().map(|mut document| {
                document.set_rules(rules);
                document
            })
        };
        match Task::spawn("open-document", Some(waker(&self.ctx)), work) {
            Ok(task) => {
                self.loading = Some(Loading {
                    path,
                    name,
                    started: Instant::now(),
                    at: None,
                    task,
                });
            }
            Err(e) => self.fail(format!("{e}{}{name}", self.t().colon())),
        }
    }

    /// Open `path` from the library or the notebook: the reader comes up at annotation `at`,
    /// and Back returns to the view it came from.
    fn open_from_shelf(&mut self, path: PathBuf, at: Option<crate::annotate::AnnotationId>) {
        if self.view != View::Reader {
            self.return_to = Some(self.view);
        }
        let same = self.current.as_ref().is_some_and(|d| {
            d.path
                .as_deref()
                .is_some_and(|p| p == path || std::fs::canonicalize(&path).is_ok_and(|c| c == p))
        });
        self.view = View::Reader;
        if same {
            if let Some(id) = at {
                self.act(Act::GoToAnnotation(id));
            }
            return;
        }
        self.open(path);
        if let Some(loading) = &mut self.loading {
            loading.at = at;
        }
    }

    /// Select annotation `id` of a document just opened and show it, without a Back step
    /// inside the document (Back returns to where it was opened from).
    fn show_annotation(&mut self, id: crate::annotate::AnnotationId) {
        let Some(session) = self.current.as_mut() else {
            return;
        };
        for effect in session.apply(Act::GoToAnnotation(id), None) {
            // Nothing is laid out yet to reveal within: jump, as the outline does.
            let effect = match effect {
                Effect::Reveal(pos) => Effect::JumpTo(pos),
                other => other,
            };
            self.carry_out(effect);
        }
    }

    /// Whether Back returns to the library or the notebook.
    pub fn can_return(&self) -> bool {
        self.view == View::Reader && self.return_to.is_some()
    }

    /// Show the reader, the library or the notebook (these two read what changed first).
    pub fn show_view(&mut self, view: View) {
        if view != View::Reader {
            self.shelf
                .reload(self.data_dir.as_deref(), waker(&self.ctx));
            if view == View::Notebook {
                self.notebook_view.focus_search = true;
            }
        } else if self.current.is_none() {
            // Nothing to read: the library stays.
            return;
        }
        if view != self.view {
            self.return_to = None;
        }
        self.view = view;
    }

    /// The first offer of notes found by content for `document` that the reader has not
    /// dismissed.
    fn next_offer(&self, document: &OpenDocument) -> Option<crate::library::Offer> {
        let own = document.notes.store_path()?;
        document
            .notes
            .offers
            .iter()
            .find(|o| !self.settings.offer_dismissed(own, &o.store))
            .cloned()
    }

    /// Dismiss the offer shown: remembered, so that it is not made again; the next one (if
    /// any) is shown.
    pub fn dismiss_offer(&mut self) {
        let Some(offer) = self.offer.take() else {
            return;
        };
        if let Some(own) = self
            .current
            .as_ref()
            .and_then(|d| d.notes.store_path())
            .map(Path::to_owned)
        {
            self.settings.dismiss_offer(&own, &offer.store);
            self.mark_settings_dirty();
        }
        self.offer = self.current.as_ref().and_then(|d| self.next_offer(d));
    }

    /// Take the offered notes into the open document's store (on a worker); the store
    /// watcher then brings them into the set.
    pub fn attach_offer(&mut self, offer: crate::library::Offer) {
        let (Some(dir), Some(session)) = (self.data_dir.clone(), self.current.as_ref()) else {
            return;
        };
        let Some(path) = session.path.clone() else {
            return;
        };
        self.offer = None;
        let doc = session.doc.clone();
        let title = session.display_title().to_owned();
        let work = move || {
            crate::library::attach(&dir, &offer, &doc, &path, &title)
                .map(|n| (n, offer.title.clone()))
                .map_err(|e| e.to_string())
        };
        self.attaching = Task::spawn("attach-notes", Some(waker(&self.ctx)), work).ok();
    }

    fn poll_attach(&mut self) {
        let Some(task) = &mut self.attaching else {
            return;
        };
        let done = match task.poll() {
            Some(done) => done,
            None if task.lost() => Err(self.lang.t().stopped(i18n::Worker::Attach)),
            None => return,
        };
        self.attaching = None;
        let t = self.t();
        self.banner = Some(match done {
            Ok((n, title)) => {
                if let Some(session) = self.current.as_mut() {
                    session.notes.check_store();
                }
                Banner {
                    text: t.attached(n, &title),
                    is_error: false,
                    restore: None,
                }
            }
            Err(e) => Banner {
                text: e,
                is_error: true,
                restore: None,
            },
        });
    }

    /// Take what the library's workers finished.
    fn poll_shelf(&mut self, ctx: &egui::Context) {
        let t = self.t();
        if self.shelf.poll(self.data_dir.as_deref(), &waker(ctx), t) {
            ctx.request_repaint();
        }
        // Asked for the notebook at start: its first answer is on screen before the sample
        // is opened (both would share the two cores, and the sample's open looks through the
        // notes of every store for its own).
        let notebook_coming = self.view == View::Notebook && self.notebook_view.results.is_none();
        if self.sample_after_shelf && !self.shelf.is_loading() {
            if notebook_coming {
                // The answer arrives later in a frame than this: look again soon.
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
                return;
            }
            self.sample_after_shelf = false;
            if self.current.is_none() && self.loading.is_none() {
                self.open_sample();
            }
        }
    }

    /// Show the native open dialog on its own thread, so the window keeps drawing.
    fn open_dialog(&mut self, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        let t = self.t();
        let mut dialog = rfd::FileDialog::new()
            .set_title(t.open.trim_end_matches('…'))
            .add_filter(t.files_documents, crate::document::EXTENSIONS)
            .add_filter(t.files_all, &["*"]);
        if let Some(dir) = self
            .current
            .as_ref()
            .and_then(|d| d.path.as_ref())
            .and_then(|p| p.parent())
        {
            dialog = dialog.set_directory(dir);
        }
        if let Ok(task) = Task::spawn("open-dialog", Some(waker(ctx)), move || dialog.pick_file()) {
            self.dialog = Some(task);
        }
    }

    fn poll_dialog(&mut self) {
        let Some(task) = &mut self.dialog else { return };
        match task.poll() {
            Some(picked) => {
                self.dialog = None;
                if let Some(path) = picked {
                    self.open(path);
                }
            }
            None if task.lost() => self.dialog = None,
            None => {}
        }
    }

    /// Show the annotations panel with the cursor in the selected annotation's note.
    fn open_note_editor(&mut self) {
        if !self.settings.show_annotations {
            self.settings.show_annotations = true;
            self.mark_settings_dirty();
        }
        self.notes_view.focus_note = true;
        // On a rail or in focus mode the panel is not on screen: open it over the text.
        if self.room.opens_over(room::Side::Annotations, true) {
            self.room.overlay = Some(room::Side::Annotations);
        }
    }

    /// Open `path` on this thread (benchmarks, tests).
    pub fn open_blocking(&mut self, path: &Path) -> Result<(), String> {
        let document = OpenDocument::open(path, self.data_dir.as_deref())
            .map_err(|e| format!("{e}: {}", path.display()))?;
        // What was being opened (the sample at start-up, say) no longer comes in after it.
        self.loading = None;
        self.show_document(document);
        Ok(())
    }

    fn fail(&mut self, message: String) {
        self.banner = Some(Banner {
            text: format!("{}{}{message}", self.t().cannot_open, self.t().colon()),
            is_error: true,
            restore: None,
        });
    }

    /// Put a loaded document on screen, at its remembered reading position.
    pub fn show_document(&mut self, mut document: OpenDocument) {
        document.set_rules(self.rules.saved.clone());
        self.remember_position();
        if let Some(old) = self.current.as_mut() {
            old.notes.flush();
        }
        let position = document
            .path
            .as_deref()
            .and_then(|p| self.settings.position_of(p))
            .or(document.notes.stored_position)
            .unwrap_or(0);
        if !document.doc.warnings.is_empty() || !document.doc.notices.is_empty() {
            // Bytes that could not be decoded were replaced, pages that are scans: say so, once.
            let t = self.t();
            let text = document
                .doc
                .warnings
                .iter()
                // The text shows replaced bytes as 〓 (no bundled face draws U+FFFD).
                .map(|w| t.decode_warning(w).replace('\u{FFFD}', "\u{3013}"))
                .chain(document.doc.notices.iter().map(|n| t.format_notice(n)))
                .collect::<Vec<_>>()
                .join(if self.lang == Lang::Zh { "；" } else { "; " });
            let colon = if self.lang == Lang::Zh { "：" } else { ": " };
            self.banner = Some(Banner {
                text: format!("{text}{colon}{}", document.name),
                is_error: false,
                restore: None,
            });
        }
        if let Some(problem) = &document.notes.load_problem {
            self.banner = Some(Banner {
                text: format!("{}{}{problem}", self.t().notes_damaged, self.t().colon()),
                is_error: true,
                restore: document.notes.restorable,
            });
        }
        // Notes found by content: taken over at once (say so), or offered.
        if document.notes.reattached.is_some() {
            self.banner = Some(Banner {
                text: self.t().reattached().to_owned(),
                is_error: false,
                restore: None,
            });
        }
        self.offer = self.next_offer(&document);
        self.notes_view = annotations_panel::AnnotationsView::default();
        if let Some(path) = &document.path {
            self.settings
                .remember(path, document.display_title(), Some(position));
            self.mark_settings_dirty();
        }
        if !document.lost_corrections.is_empty() && self.banner.is_none() {
            self.banner = Some(Banner {
                text: self.t().lost_corrections(document.lost_corrections.len()),
                is_error: false,
                restore: None,
            });
        }
        self.outline_view = OutlineView::new(&document.outline);
        self.reader = ReaderView::default();
        self.reader.jump_to_char(position);
        self.current = Some(document);
    }

    /// Store the reading position of the current document in the recent list.
    fn remember_position(&mut self) {
        let Some(doc) = &self.current else { return };
        let (Some(path), Some(position)) = (doc.path.clone(), self.reader.top_char()) else {
            return;
        };
        if self.settings.position_of(&path) != Some(position) {
            let title = doc.display_title().to_owned();
            if let Some(entry) = self.settings.recent.iter_mut().find(|r| r.path == path) {
                entry.position = position;
                entry.title = title;
            } else {
                self.settings.remember(&path, &title, Some(position));
            }
            self.mark_settings_dirty();
        }
    }

    pub(crate) fn mark_settings_dirty(&mut self) {
        // Without a settings file (tests, benchmarks) there is nothing to save.
        if self.settings_path.is_none() {
            return;
        }
        // Saved once things settle: a second after the last change (scrolling changes the
        // reading position every frame).
        self.settings_dirty_since = Some(Instant::now());
    }

    /// Write settings now if they changed, on this thread (exit, tests): waits for a write
    /// under way first.
    pub fn save_settings(&mut self) {
        if let Some(mut task) = self.settings_write.take()
            && let Some(done) = task.wait(Duration::from_secs(10))
        {
            self.settings_written(done);
        }
        self.remember_position();
        if self.settings_dirty_since.take().is_none() {
            return;
        }
        let Some(path) = self.settings_path.clone() else {
            return;
        };
        let done = settings::save(&path, &self.settings).map_err(|e| (e, path));
        self.settings_written(done);
    }

    /// Write settings on a worker if they changed (never in a frame); one write at a time.
    fn save_settings_soon(&mut self, ctx: &egui::Context) {
        if let Some(task) = &mut self.settings_write {
            match task.poll() {
                Some(done) => {
                    self.settings_write = None;
                    self.settings_written(done);
                }
                None if task.lost() => self.settings_write = None,
                None => return,
            }
        }
        self.remember_position();
        if self.settings_dirty_since.take().is_none() {
            return;
        }
        let Some(path) = self.settings_path.clone() else {
            return;
        };
        let settings = self.settings.clone();
        let write = move || settings::save(&path, &settings).map_err(|e| (e, path));
        match Task::spawn("settings", Some(waker(ctx)), write) {
            Ok(task) => self.settings_write = Some(task),
            // No thread to be had: try again on the next change.
            Err(_) => self.settings_dirty_since = Some(Instant::now()),
        }
    }

    /// A settings write ended: a failure gets a banner.
    fn settings_written(&mut self, done: Result<(), (std::io::Error, PathBuf)>) {
        if let Err((e, path)) = done {
            self.banner = Some(Banner {
                text: self.t().settings_not_saved(&e, &path),
                is_error: true,
                restore: None,
            });
        }
    }

    /// One frame of the whole window (what `eframe::App::ui` runs; benchmarks call it too).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.reader.begin_frame();
        quiet_cursor(ui.ctx());
        self.poll_loading(ui.ctx());
        self.poll_dialog();
        self.poll_shelf(ui.ctx());
        rules_editor::poll_rules(self);
        self.global_input(ui.ctx());
        if !(self.room.focus && self.view == View::Reader) {
            bars::top_bar_ui(self, ui);
        }
        export_window::remember_content_top(ui);
        crash::banner_ui(self, ui);
        // The reader shows the message in its own area; the library and the notebook above
        // theirs (a document that could not be opened at start leaves the library).
        if self.view != View::Reader
            && let Some(banner) = self.banner.clone()
        {
            egui::Panel::top("banner").show(ui, |ui| reader::banner_ui(self, ui, &banner));
        }
        self.poll_attach();
        if self.view == View::Reader {
            shelf::offer_bar_ui(self, ui);
        }
        if self.settings.show_status_bar && self.view == View::Reader && !self.room.focus {
            bars::status_bar_ui(self, ui);
        }
        match self.view {
            View::Reader => {
                room::side_panels_ui(self, ui);
                reader::central_ui(self, ui);
                room::leave_focus_on_escape(self, ui.ctx());
            }
            View::Library => {
                egui::CentralPanel::default().show(ui, |ui| library_view::library_ui(self, ui));
            }
            View::Notebook => {
                egui::CentralPanel::default().show(ui, |ui| notebook_view::notebook_ui(self, ui));
            }
        }
        if self.show_settings {
            bars::settings_window_ui(self, ui.ctx());
        }
        if self.show_blanks {
            navigate::blanks_window_ui(self, ui.ctx());
        }
        if self.show_shortcuts {
            navigate::shortcuts_window_ui(self, ui.ctx());
        }
        if self.export.open {
            export_window::export_window_ui(self, ui.ctx());
        }
        crash::report_window_ui(self, ui.ctx());
        self.focus_request = None;
        let commands = std::mem::take(&mut self.commands);
        // Commands change what the next frame shows, and this frame is already drawn: ask
        // for that frame now (a key's effect is never left waiting for the mouse to move).
        if !commands.is_empty() {
            ui.ctx().request_repaint();
        }
        for command in commands {
            self.apply(ui.ctx(), command);
        }
        self.remember_position_lazily();
        self.tick_notes(ui.ctx());
        if self.settings_write.is_some()
            || self
                .settings_dirty_since
                .is_some_and(|since| since.elapsed() > Duration::from_millis(1000))
        {
            self.save_settings_soon(ui.ctx());
        } else if self.settings_dirty_since.is_some() {
            ui.ctx().request_repaint_after(Duration::from_millis(1050));
        }
    }

    fn remember_position_lazily(&mut self) {
        let top = self.reader.top_char();
        let Some(doc) = self.current.as_mut() else {
            return;
        };
        if let Some(top) = top {
            doc.notes.set_position(top);
        }
        if let (Some(path), Some(top)) = (&doc.path, self.reader.top_char())
            && self.settings.position_of(path) != Some(top)
        {
            self.mark_settings_dirty();
        }
    }

    /// Save annotations when due; report a failed save once per failure.
    fn tick_notes(&mut self, ctx: &egui::Context) {
        let Some(doc) = self.current.as_mut() else {
            return;
        };
        if !doc.has_waker() {
            doc.set_waker(waker(ctx));
        }
        if ctx.input(|i| i.events.contains(&egui::Event::WindowFocused(true))) {
            doc.notes.check_store();
        }
        let finished = doc.poll();
        let before = doc.notes.save_error.clone();
        if let Some(wait) = doc.notes.tick() {
            ctx.request_repaint_after(wait + Duration::from_millis(10));
        }
        if std::mem::take(&mut doc.notes.merged) {
            ctx.request_repaint();
        }
        let after = doc.notes.save_error.clone();
        if after != before
            && let Some(error) = after
        {
            self.banner = Some(Banner {
                text: format!("{}{}{error}", self.t().notes_not_saved, self.t().colon()),
                is_error: true,
                restore: None,
            });
        }
        if !finished.is_empty() {
            // Taken in after this frame's panels were drawn: the next frame shows them (a
            // restore's banner, an outline rebuilt), even in a window with nothing else to do.
            ctx.request_repaint();
        }
        for effect in finished {
            self.carry_out(effect);
        }
    }

    /// Write unsaved annotations and settings (exit).
    pub fn flush(&mut self) {
        if let Some(doc) = self.current.as_mut() {
            if let Some(top) = self.reader.top_char() {
                doc.notes.set_position(top);
            }
            doc.notes.flush();
        }
        self.save_settings();
    }

    fn poll_loading(&mut self, ctx: &egui::Context) {
        let Some(loading) = &mut self.loading else {
            return;
        };
        match loading.task.poll() {
            Some(Ok(doc)) => {
                let at = loading.at;
                self.loading = None;
                // An earlier failure to open is answered; other notices stay.
                if self
                    .banner
                    .as_ref()
                    .is_some_and(|b| b.text.starts_with(self.t().cannot_open))
                {
                    self.banner = None;
                }
                self.show_document(doc);
                if let Some(id) = at {
                    self.show_annotation(id);
                }
            }
            Some(Err(error)) => {
                let what = loading
                    .path
                    .as_ref()
                    .map_or_else(|| loading.name.clone(), |p| p.display().to_string());
                let t = self.t();
                let message = format!("{}{}{what}", t.open_error(&error), t.colon());
                self.loading = None;
                self.fail(message);
                // Nothing on screen yet (a missing file or a folder named at start): the
                // message and the library, never another document in its place.
                if self.current.is_none() {
                    self.show_view(View::Library);
                }
            }
            None if loading.task.lost() => {
                let name = loading.name.clone();
                self.loading = None;
                let t = self.t();
                self.fail(format!(
                    "{}{}{name}",
                    t.stopped(i18n::Worker::Reader),
                    t.colon()
                ));
            }
            // The worker wakes the window when done; meanwhile the indicator ticks slowly.
            None => ctx.request_repaint_after(Duration::from_millis(100)),
        }
    }

    /// The name of the document being opened, and the time it has taken so far.
    pub fn loading_state(&self) -> Option<(&str, Duration)> {
        self.loading
            .as_ref()
            .map(|l| (l.name.as_str(), l.started.elapsed()))
    }

    fn global_input(&mut self, ctx: &egui::Context) {
        use crate::session::keymap::{Action, Scope};
        // In the keymap's order; Undo/Redo and the rest of `WindowNotTyping` leave a text
        // field its own keys (it undoes its own typing).
        const WINDOW: &[(Action, Scope)] = &[
            (Action::Open, Scope::Window),
            (Action::PasteDocument, Scope::WindowNotTyping),
            (Action::Library, Scope::Window),
            // Before Find: Ctrl+F would also take Ctrl+Shift+F.
            (Action::Notebook, Scope::Window),
            (Action::Export, Scope::Window),
            (Action::ExportAnnotated, Scope::Window),
            (Action::Quit, Scope::Window),
            (Action::ZoomIn, Scope::Window),
            (Action::ZoomOut, Scope::Window),
            (Action::ZoomReset, Scope::Window),
            (Action::ToggleOutline, Scope::Window),
            (Action::ToggleAnnotations, Scope::Window),
            (Action::FocusMode, Scope::Window),
            (Action::ShowBlanks, Scope::Window),
            (Action::ToggleBoilerplate, Scope::Window),
            (Action::NextTheme, Scope::Window),
            (Action::Settings, Scope::Window),
            (Action::Shortcuts, Scope::Window),
            (Action::Shortcuts, Scope::WindowNotTyping),
            (Action::Back, Scope::WindowNotTyping),
            (Action::Forward, Scope::WindowNotTyping),
            (Action::CycleFocus, Scope::Window),
            (Action::NextBlank, Scope::Window),
            (Action::PreviousBlank, Scope::Window),
            (Action::Find, Scope::Window),
            (Action::FindNext, Scope::Window),
            (Action::FindPrevious, Scope::Window),
            (Action::Redo, Scope::WindowNotTyping),
            (Action::Undo, Scope::WindowNotTyping),
        ];
        let typing = ctx.text_edit_focused();
        let (actions, dropped, pasted) = ctx.input_mut(|i| {
            let pasted = i.events.iter().find_map(|e| match e {
                egui::Event::Paste(text) => Some(text.clone()),
                _ => None,
            });
            let actions: Vec<Action> = WINDOW
                .iter()
                .filter(|(_, scope)| !(typing && *scope == Scope::WindowNotTyping))
                .filter(|&&(action, scope)| keys::pressed(i, action, scope))
                .map(|&(action, _)| action)
                .collect();
            let dropped = i
                .raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .find(|p| !p.as_os_str().is_empty());
            (actions, dropped, pasted)
        });
        for action in actions {
            let command = match action {
                Action::Open => Command::OpenDialog,
                Action::PasteDocument => match &pasted {
                    Some(text) => Command::NewFromText(text.clone()),
                    // The key without the clipboard's text: ask for it (it comes as a paste).
                    None => Command::PasteDocument,
                },
                Action::Library => Command::ShowView(if self.view == View::Library {
                    View::Reader
                } else {
                    View::Library
                }),
                Action::Notebook => Command::ShowView(if self.view == View::Notebook {
                    View::Reader
                } else {
                    View::Notebook
                }),
                Action::Export => Command::ShowExport(true),
                Action::ExportAnnotated => Command::ShowAnnotatedExport,
                Action::Quit => {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    continue;
                }
                Action::ZoomIn => Command::Zoom(1),
                Action::ZoomOut => Command::Zoom(-1),
                Action::ZoomReset => Command::Zoom(0),
                Action::ToggleOutline => Command::ToggleOutline,
                Action::ToggleAnnotations => Command::ToggleAnnotations,
                Action::FocusMode => Command::ToggleFocus,
                Action::ShowBlanks => Command::ShowBlanks(true),
                Action::ToggleBoilerplate => Command::ToggleHideBoilerplate,
                Action::NextTheme => Command::NextTheme,
                Action::Settings => Command::ShowSettings(true),
                Action::Shortcuts => Command::ShowShortcuts(true),
                Action::Back => Command::Act(Act::Back),
                Action::Forward => Command::Act(Act::Forward),
                Action::CycleFocus => Command::CycleFocus,
                Action::NextBlank => Command::Act(Act::NextBlank(1)),
                Action::PreviousBlank => Command::Act(Act::NextBlank(-1)),
                Action::Find => Command::OpenFind,
                Action::FindNext => Command::Act(Act::FindStep(1)),
                Action::FindPrevious => Command::Act(Act::FindStep(-1)),
                Action::Redo => Command::Act(Act::Redo),
                Action::Undo => Command::Act(Act::Undo),
                _ => continue,
            };
            self.push(command);
        }
        if let Some(path) = dropped {
            // A folder dropped on the window joins the library; a file opens.
            if path.is_dir() {
                self.push(Command::ShowView(View::Library));
                self.push(Command::Shelf(shelf::Job::AddFolder(path)));
            } else {
                self.push(Command::Open(path));
            }
        }
        // Esc in the library or the notebook goes back to the document (unless a text
        // field or a popup takes it).
        if self.view != View::Reader
            && self.current.is_some()
            && !typing
            && !egui::Popup::is_any_open(ctx)
            && ctx.input_mut(|i| keys::pressed(i, Action::BackToReading, Scope::Shelf))
        {
            self.push(Command::ShowView(View::Reader));
        }
    }

    /// Do a session action on the open document and carry out what it answers.
    fn act(&mut self, action: Act) {
        let top = self.reader.top_char();
        let Some(session) = self.current.as_mut() else {
            return;
        };
        for effect in session.apply(action, top) {
            self.carry_out(effect);
        }
    }

    /// What the window does for a session's [`Effect`].
    fn carry_out(&mut self, effect: Effect) {
        match effect {
            Effect::JumpTo(pos) => self.reader.jump_to_char(pos),
            Effect::Reveal(pos) => self.reader.reveal_char(pos),
            Effect::SelectText(range) => self.reader.select(range),
            Effect::ClearTextSelection => self.reader.clear_selection(),
            Effect::Selected(id) => self.notes_view.select(id),
            Effect::Flash(id) => self.notes_view.flash(id),
            Effect::EditNote(_) => self.open_note_editor(),
            Effect::OutlineSelect(i) => self.outline_view.selected = Some(i),
            Effect::OutlineChanged => {
                if let Some(doc) = &self.current {
                    self.outline_view.remake(&doc.outline);
                }
                self.reader.outline_changed();
            }
            Effect::ColourUsed(color) => {
                if self.settings.highlight_color != color {
                    self.settings.highlight_color = color;
                    self.mark_settings_dirty();
                }
            }
            Effect::Restored(restored) => {
                let t = self.t();
                let text = match restored {
                    Some(r) => t.restored_backup_with(
                        r.annotations,
                        r.corrections,
                        &crate::store::local_time(r.when),
                    ),
                    None => t.no_backup.to_owned(),
                };
                self.banner = Some(Banner {
                    text,
                    is_error: false,
                    restore: None,
                });
            }
        }
    }

    /// Carry out a command.
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::OpenDialog => self.open_dialog(ctx),
            Command::PasteDocument => ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaste),
            Command::NewFromText(text) => self.open_pasted(text),
            Command::Open(path) => self.open(path),
            Command::Act(Act::Back)
                if self.view == View::Reader
                    && self.return_to.is_some()
                    && !self.current.as_ref().is_some_and(|s| s.history.can().0) =>
            {
                if let Some(view) = self.return_to.take() {
                    self.show_view(view);
                    self.notebook_view.reveal_selected();
                }
            }
            Command::Act(action) => self.act(action),
            Command::ShowView(view) => self.show_view(view),
            Command::OpenFromShelf { path, at } => self.open_from_shelf(path, at),
            Command::NotebookForDocument(title) => {
                self.notebook_view.clear();
                self.notebook_view.doc = title;
                self.show_view(View::Notebook);
            }
            Command::Shelf(job) => {
                let t = self.t();
                self.shelf.run(self.data_dir.as_deref(), job, waker(ctx), t);
            }
            Command::ShelfMessage(title) => {
                let t = self.t();
                self.shelf.status = Some((format!("{}{}{title}", t.file_missing, t.colon()), true));
            }
            Command::JumpToChar(pos) => self.reader.jump_to_char(pos),
            Command::Zoom(step) => {
                let zoom = match step {
                    0 => 1.0,
                    s if s > 0 => self.settings.zoom * 1.1,
                    _ => self.settings.zoom / 1.1,
                };
                self.settings.zoom = (zoom * 100.0).round() / 100.0;
                self.settings.zoom = self
                    .settings
                    .zoom
                    .clamp(settings::ZOOM_RANGE.0, settings::ZOOM_RANGE.1);
                self.mark_settings_dirty();
            }
            Command::SetTheme(theme) => {
                self.settings.theme = theme;
                ctx.set_visuals(theme::visuals(theme));
                self.mark_settings_dirty();
            }
            Command::SetLanguage(pref) => {
                self.settings.language = pref;
                self.lang = Lang::resolve(pref);
                self.mark_settings_dirty();
            }
            Command::ToggleOutline
                if self
                    .room
                    .opens_over(room::Side::Outline, self.settings.show_outline) =>
            {
                self.room.toggle_overlay(room::Side::Outline);
            }
            Command::ToggleAnnotations
                if self
                    .room
                    .opens_over(room::Side::Annotations, self.settings.show_annotations) =>
            {
                self.room.toggle_overlay(room::Side::Annotations);
            }
            Command::ToggleFocus => {
                self.room.focus = !self.room.focus;
                self.room.overlay = None;
            }
            Command::ToggleOutline => {
                self.settings.show_outline = !self.settings.show_outline;
                self.mark_settings_dirty();
            }
            Command::ToggleStatusBar => {
                self.settings.show_status_bar = !self.settings.show_status_bar;
                self.mark_settings_dirty();
            }
            Command::ToggleOfficialStyle => {
                self.settings.official_style = !self.settings.official_style;
                self.install_fonts(ctx);
                self.mark_settings_dirty();
            }
            Command::ToggleHideBoilerplate => {
                let top = self.reader.top_char();
                self.settings.hide_boilerplate = !self.settings.hide_boilerplate;
                if let Some(top) = top {
                    self.reader.jump_to_char(top);
                }
                self.mark_settings_dirty();
            }
            Command::ShowSettings(show) => self.show_settings = show,
            Command::DismissBanner => self.banner = None,
            Command::HighlightSentence(at) => self.act(Act::HighlightSentence {
                at,
                color: self.settings.highlight_color,
            }),
            Command::Copy(text) => {
                self.last_copied = Some(text.clone());
                ctx.copy_text(text);
            }
            Command::ToggleAnnotations => {
                self.settings.show_annotations = !self.settings.show_annotations;
                self.mark_settings_dirty();
            }
            Command::OpenFind => {
                self.find.open = true;
                self.find.focus = true;
                // A short selection becomes the query, as in every editor.
                if let (Some(doc), Some(range)) = (self.current.as_ref(), self.reader.selection())
                    && range.len() <= 60
                {
                    let text = doc.doc.slice(range);
                    if !text.contains('\n') {
                        self.find.query.text = text.to_owned();
                    }
                }
            }
            Command::CloseFind => {
                self.find.open = false;
                self.focus_request = Some(FocusArea::Reader);
            }
            Command::ShowBlanks(show) => self.show_blanks = show,
            Command::ShowShortcuts(show) => self.show_shortcuts = show,
            Command::ShowExport(show) => {
                self.export.open = show;
                if show {
                    self.export.status = None;
                    self.export.annotated = false;
                }
            }
            Command::ShowAnnotatedExport => {
                self.export.open = true;
                self.export.status = None;
                self.export.annotated = true;
            }
            Command::SetAuthor(author) => {
                self.settings.author = author;
                self.mark_settings_dirty();
            }
            Command::NextTheme => {
                let themes = theme_choices(self.t());
                let i = themes
                    .iter()
                    .position(|(t, _)| *t == self.settings.theme)
                    .unwrap_or(0);
                self.apply(ctx, Command::SetTheme(themes[(i + 1) % themes.len()].0));
            }
            Command::CycleFocus => {
                // (A tree never drawn, on a rail from the start, has no rows yet.)
                let has_tree = self
                    .current
                    .as_ref()
                    .is_some_and(|d| !d.outline.nodes.is_empty())
                    && (self.outline_view.filter.is_empty()
                        || !self.outline_view.rows().is_empty());
                let next = match self.focus {
                    FocusArea::Reader
                        if (self.settings.show_outline || self.room.focus) && has_tree =>
                    {
                        FocusArea::Outline
                    }
                    _ => FocusArea::Reader,
                };
                // On a rail or in focus mode the outline opens over the text to take the
                // keys, and closes when they go back to the text.
                let over = self
                    .room
                    .opens_over(room::Side::Outline, self.settings.show_outline);
                match next {
                    FocusArea::Outline if over => self.room.overlay = Some(room::Side::Outline),
                    FocusArea::Reader if over && self.room.overlay == Some(room::Side::Outline) => {
                        self.room.overlay = None;
                    }
                    _ => {}
                }
                self.focus_request = Some(next);
            }
        }
    }
}

impl eframe::App for PizhuApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Also runs while the window is hidden or covered: edits are saved on time.
        self.tick_notes(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
        let title = match &self.current {
            Some(doc) => format!("{} — {}", doc.display_title(), self.t().app_name),
            None => self.t().app_name.to_owned(),
        };
        if self.window_title != title {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
    }

    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        self.flush();
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.flush();
    }

    fn persist_egui_memory(&self) -> bool {
        false
    }
}

/// The window's icon: `assets/icons/hicolor/128x128/apps/pizhu.png` (made from
/// `assets/icons/pizhu.svg` by `tools/render-icons.sh`), built into the binary.
pub fn window_icon() -> Option<egui::IconData> {
    const PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/128x128/apps/pizhu.png");
    eframe::icon_data::from_png_bytes(PNG).ok()
}

/// Run the window (blocking until it closes).
pub fn run(startup: Startup, data_dir: Option<PathBuf>) -> eframe::Result {
    let mut viewport = egui::ViewportBuilder::default();
    if let Some(icon) = window_icon() {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport: viewport
            .with_title("批注 Pizhu")
            .with_app_id(APP_ID)
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let settings_path = settings::settings_path();
    let data_dir = crate::store::annotations::data_dir(data_dir.as_deref());
    eframe::run_native(
        APP_ID,
        options,
        Box::new(move |cc| {
            Ok(Box::new(PizhuApp::new(
                &cc.egui_ctx,
                settings_path,
                data_dir,
                startup,
            )))
        }),
    )
}
