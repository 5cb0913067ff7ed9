//! Export… (Ctrl+E): annotations or the outline, in six formats, filtered; saved with the
//! native save dialog or copied to the clipboard. The export runs on a worker thread.

use std::path::{Path, PathBuf};

use egui::{Role, Ui, WidgetInfo};

use super::{Banner, Command, PizhuApp};
use crate::annotate::{Annotation, Color};
use crate::export::{Content, Filter, Format, Lang, Options, Source, default_file_name, export};
use crate::session::task::Task;

/// What the worker reports.
enum Done {
    /// Written to this file.
    Saved(PathBuf),
    /// Text for the clipboard.
    Copied(String),
    /// What went wrong.
    Failed(String),
}

/// The export window's state.
pub struct ExportView {
    /// Whether the window is shown.
    pub open: bool,
    /// The format.
    pub format: Format,
    /// Export the outline instead of the annotations.
    pub outline: bool,
    /// With the outline, put highlights under their sections.
    pub with_highlights: bool,
    /// Colours kept (none ticked: all).
    pub colors: [bool; 5],
    /// Tag kept (none: all).
    pub tag: Option<String>,
    /// Only annotations with a note.
    pub notes_only: bool,
    /// Tag counts for the tag menu, made when it opens.
    tags: super::annotations_panel::TagCounts,
    /// The save dialog, while it is up.
    dialog: Option<Task<Option<PathBuf>>>,
    /// The export being written.
    working: Option<Task<Done>>,
    /// The last outcome: text and whether it is an error.
    pub status: Option<(String, bool)>,
}

impl Default for ExportView {
    fn default() -> Self {
        Self {
            open: false,
            format: Format::Md,
            outline: false,
            with_highlights: false,
            colors: [false; 5],
            tag: None,
            notes_only: false,
            tags: Default::default(),
            dialog: None,
            working: None,
            status: None,
        }
    }
}

impl ExportView {
    fn options(&self, lang: Lang) -> Options {
        Options {
            content: if self.outline {
                Content::Outline {
                    with_highlights: self.with_highlights,
                }
            } else {
                Content::Annotations
            },
            filter: Filter {
                colors: Color::ALL
                    .into_iter()
                    .zip(self.colors)
                    .filter_map(|(c, on)| on.then_some(c))
                    .collect(),
                tags: self.tag.iter().cloned().collect(),
                notes_only: self.notes_only,
                ..Filter::default()
            },
            lang,
        }
    }
}

/// Everything the worker needs, owned.
struct Job {
    doc: std::sync::Arc<crate::document::Document>,
    outline: std::sync::Arc<crate::outline::Outline>,
    annotations: Vec<Annotation>,
    title: String,
    source_file: Option<String>,
    options: Options,
    format: Format,
}

impl Job {
    fn run(&self) -> Result<Vec<u8>, String> {
        let now = jiff::ZonedDateTime::now();
        let exported_at = now.strftime("%Y-%m-%d %H:%M").to_string();
        let source = Source {
            doc: &self.doc,
            outline: &self.outline,
            annotations: &self.annotations,
            title: &self.title,
            source_file: self.source_file.as_deref(),
            exported_at: &exported_at,
            utc_offset_seconds: now.offset().seconds(),
        };
        export(&source, &self.options, self.format).map_err(|e| e.to_string())
    }
}

/// The export window.
pub fn export_window_ui(app: &mut PizhuApp, ctx: &egui::Context) {
    poll(app);
    let t = app.t();
    let lang = t.lang;
    let Some(doc) = app.current.as_ref() else {
        return;
    };
    let mut open = true;
    let mut start: Option<Option<PathBuf>> = None; // Some(None): copy; Some(Some(p)): save
    let mut ask_path = false;
    let view = &mut app.export;
    let options = view.options(lang);
    let count = doc
        .notes
        .set
        .items()
        .iter()
        .filter(|a| options.filter.matches(a))
        .count();
    egui::Window::new(t.export_title)
        .id(egui::Id::unique("export-window"))
        .open(&mut open)
        .default_width(440.0)
        .collapsible(false)
        .show(ctx, |ui: &mut Ui| {
            ui.horizontal(|ui| {
                ui.label(t.export_what);
                ui.radio_value(&mut view.outline, false, t.annotations);
                ui.radio_value(&mut view.outline, true, t.outline_panel);
            });
            if view.outline {
                ui.checkbox(&mut view.with_highlights, t.export_with_highlights);
            }
            ui.horizontal_wrapped(|ui| {
                ui.label(t.export_format);
                for f in Format::ALL {
                    ui.radio_value(&mut view.format, f, f.label());
                }
            });
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                ui.label(t.export_filter);
                for (i, c) in Color::ALL.into_iter().enumerate() {
                    let label = t.color_name(c);
                    let r = ui.checkbox(&mut view.colors[i], label);
                    r.widget_info(|| {
                        WidgetInfo::selected(
                            Role::CheckBox,
                            true,
                            view.colors[i],
                            format!("{}{label}", t.filter_by),
                        )
                    });
                }
            });
            ui.horizontal_wrapped(|ui| {
                super::annotations_panel::tag_combo_ui(
                    ui,
                    "export-tag",
                    t,
                    &mut view.tag,
                    &mut view.tags,
                    doc,
                );
                ui.checkbox(&mut view.notes_only, t.export_notes_only);
            });
            ui.weak(t.export_count(count, view.outline));
            ui.separator();
            ui.horizontal(|ui| {
                let busy = view.working.is_some() || view.dialog.is_some();
                if ui
                    .add_enabled(!busy, egui::Button::new(t.export_save))
                    .clicked()
                {
                    ask_path = true;
                }
                if view.format.is_text()
                    && ui
                        .add_enabled(!busy, egui::Button::new(t.export_copy))
                        .clicked()
                {
                    start = Some(None);
                }
                if busy {
                    ui.spinner();
                }
            });
            if let Some((text, is_error)) = &view.status {
                let color = if *is_error {
                    egui::Color32::from_rgb(0xC0, 0x39, 0x2B)
                } else {
                    ui.visuals().weak_text_color()
                };
                ui.add(egui::Label::new(egui::RichText::new(text).color(color)).wrap())
                    .widget_info(|| WidgetInfo::labeled(Role::Label, true, text));
            }
        });
    if ask_path {
        let name = default_file_name(doc.display_title(), options.content, view.format, lang);
        let mut dialog = rfd::FileDialog::new()
            .set_title(t.export_save.trim_end_matches('…'))
            .set_file_name(&name)
            .add_filter(view.format.label(), &[view.format.extension()]);
        if let Some(dir) = doc.path.as_ref().and_then(|p| p.parent()) {
            dialog = dialog.set_directory(dir);
        }
        if let Ok(task) = Task::spawn("export-dialog", Some(super::waker(ctx)), move || {
            dialog.save_file()
        }) {
            view.dialog = Some(task);
        }
    }
    if let Some(task) = &mut view.dialog {
        match task.poll() {
            Some(Some(path)) => {
                view.dialog = None;
                start = Some(Some(path));
            }
            Some(None) => view.dialog = None,
            None if task.lost() => view.dialog = None,
            None => {}
        }
    }
    if let Some(target) = start {
        let job = Job {
            doc: doc.doc.clone(),
            outline: doc.outline.clone(),
            annotations: doc.notes.set.items().to_vec(),
            title: doc.display_title().to_owned(),
            source_file: doc.path.as_ref().map(|p| p.display().to_string()),
            options,
            format: view.format,
        };
        // Never over the document itself or its notes.
        let protected: Vec<PathBuf> = doc
            .path
            .iter()
            .cloned()
            .chain(doc.notes.store_path().map(Path::to_owned))
            .collect();
        let work = move || match (job.run(), target) {
            (Err(e), _) => Done::Failed(e),
            (Ok(bytes), Some(path)) => match crate::export::write_file_protecting(
                &path,
                &bytes,
                &protected.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
            ) {
                Ok(()) => Done::Saved(path),
                Err(e) => Done::Failed(e.to_string()),
            },
            (Ok(bytes), None) => Done::Copied(String::from_utf8_lossy(&bytes).into_owned()),
        };
        if let Ok(task) = Task::spawn("export", Some(super::waker(ctx)), work) {
            view.working = Some(task);
            view.status = None;
        }
    }
    if !open {
        app.push(Command::ShowExport(false));
    }
}

/// Take the worker's outcome.
fn poll(app: &mut PizhuApp) {
    let Some(task) = &mut app.export.working else {
        return;
    };
    let done = match task.poll() {
        Some(done) => done,
        None if task.lost() => Done::Failed("the export stopped unexpectedly".into()),
        None => return,
    };
    app.export.working = None;
    let t = app.t();
    match done {
        Done::Saved(path) => {
            app.export.status = Some((format!("{}：{}", t.export_saved, path.display()), false));
        }
        Done::Copied(text) => {
            app.push(Command::Copy(text));
            app.export.status = Some((t.export_copied.to_owned(), false));
        }
        Done::Failed(e) => {
            app.export.status = Some((e.clone(), true));
            app.banner = Some(Banner {
                text: format!("{}：{e}", t.export_failed),
                is_error: true,
                restore: None,
            });
        }
    }
}
