//! Export… (Ctrl+E): annotations or the outline, in six formats, filtered; saved with the
//! native save dialog or copied to the clipboard. Export annotated document… (Ctrl+Shift+E):
//! the document itself as a Word file with the highlights in it and the notes as Word
//! comments, signed with the settings' author. The export runs on a worker thread.

use std::path::{Path, PathBuf};

use egui::{Role, Ui, WidgetInfo};

use super::i18n::export_words as words;
use super::{Banner, Command, PizhuApp};
use crate::annotate::{Annotation, Color};
use crate::export::{
    AnnotatedOptions, AnnotatedSource, Blanks, Content, ExportError, Filter, Format,
    HighlightStyle, Lang, Options, Source, annotated_docx, default_file_name, export,
};
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
    /// With the outline, show topic sentences (段首句) under their headings.
    pub topics: bool,
    /// Colours kept (none ticked: all).
    pub colors: [bool; 5],
    /// Tag kept (none: all).
    pub tag: Option<String>,
    /// Only annotations with a note.
    pub notes_only: bool,
    /// The annotated document (a Word file with comments) instead.
    pub annotated: bool,
    /// In the annotated document: shading or Word's highlight colours.
    pub highlight: HighlightStyle,
    /// In the annotated document: a comment 待填写 on each blank.
    pub mark_blanks: bool,
    /// Name the source file by its full path (by default its name only).
    pub full_path: bool,
    /// With the outline: each entry in full, not cut near 40 chars.
    pub full_titles: bool,
    /// What the last status was about: a status is cleared when the format or what is
    /// exported changes.
    status_for: Option<(Format, bool, bool)>,
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
            topics: false,
            colors: [false; 5],
            tag: None,
            notes_only: false,
            annotated: false,
            highlight: HighlightStyle::Shading,
            mark_blanks: false,
            full_path: false,
            full_titles: false,
            status_for: None,
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
            full_path: self.full_path,
            full_titles: self.full_titles,
        }
    }

    /// What is chosen: format, outline, annotated document (a status belongs to one).
    fn choice(&self) -> (Format, bool, bool) {
        (self.format, self.outline, self.annotated)
    }

    /// Whether the filters have nothing to choose from: the outline without highlights.
    pub fn filters_unused(&self) -> bool {
        self.outline && !self.with_highlights && !self.annotated
    }

    /// Show `text` (an error when `is_error`) for what is chosen now.
    fn set_status(&mut self, text: String, is_error: bool) {
        self.status = Some((text, is_error));
        self.status_for = Some(self.choice());
    }
}

/// The name of a format in the window's language (`Format::label` is the English one).
pub fn format_label(format: Format, lang: Lang) -> &'static str {
    match (format, lang) {
        (Format::Txt, Lang::Zh) => "纯文本",
        (Format::Csv, Lang::Zh) => "CSV（Excel/WPS）",
        (Format::Docx, Lang::Zh) => "Word（.docx）",
        (f, _) => f.label(),
    }
}

/// The author the settings name, else the login name, else `Pizhu`.
pub fn comment_author(settings_author: &str) -> String {
    let name = settings_author.trim();
    if !name.is_empty() {
        return name.to_owned();
    }
    ["USER", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|n| !n.trim().is_empty()))
        .unwrap_or_else(|| "Pizhu".to_owned())
}

/// What the annotated document needs besides a report's job.
struct AnnotatedJob {
    options: AnnotatedOptions,
    /// The `.docx` to copy, when the document is one.
    original: Option<PathBuf>,
}

/// Everything the worker needs, owned.
struct Job {
    doc: std::sync::Arc<crate::document::Document>,
    outline: std::sync::Arc<crate::outline::Outline>,
    /// Put the topic sentences in the exported outline (made on the worker).
    topics: bool,
    annotations: Vec<Annotation>,
    title: String,
    source_file: Option<String>,
    options: Options,
    format: Format,
    annotated: Option<AnnotatedJob>,
}

impl Job {
    fn run(&self) -> Result<Vec<u8>, String> {
        if let Some(job) = &self.annotated {
            let original = match &job.original {
                Some(path) => Some(
                    crate::files::read_regular(
                        path,
                        crate::files::Links::Follow,
                        crate::document::MAX_FILE_BYTES,
                    )
                    .map_err(|e| match self.options.lang {
                        Lang::Zh => format!("无法读取原 Word 文档（{e}）：{}", path.display()),
                        Lang::En => {
                            format!("cannot read the Word document ({e}): {}", path.display())
                        }
                    })?,
                ),
                None => None,
            };
            let source = AnnotatedSource {
                doc: &self.doc,
                outline: &self.outline,
                annotations: &self.annotations,
                title: &self.title,
                original: original.as_deref(),
            };
            return annotated_docx(&source, &job.options)
                .map(|made| made.bytes)
                .map_err(|e| failure_text(&e, self.options.lang));
        }
        let now = jiff::ZonedDateTime::now();
        let exported_at = now.strftime("%Y-%m-%d %H:%M").to_string();
        let with_topics;
        let outline = if self.topics {
            with_topics = self.outline.with_topics();
            &with_topics
        } else {
            &*self.outline
        };
        let source = Source {
            doc: &self.doc,
            outline,
            annotations: &self.annotations,
            title: &self.title,
            source_file: self.source_file.as_deref(),
            exported_at: &exported_at,
            utc_offset_seconds: now.offset().seconds(),
        };
        export(&source, &self.options, self.format).map_err(|e| failure_text(&e, self.options.lang))
    }
}

/// Why an export failed, in the window's language (the path last, after `：`).
pub fn failure_text(e: &ExportError, lang: Lang) -> String {
    match (e, lang) {
        (_, Lang::En) => e.to_string(),
        (ExportError::Write { path, source }, Lang::Zh) => format!(
            "无法写入导出文件（{source}），请确认文件夹存在且可写入：{}",
            path.display()
        ),
        (ExportError::Build { format, reason }, Lang::Zh) => {
            format!("无法生成 {format} 导出（{reason}），这是程序的问题，请报告")
        }
    }
}

/// The export window's width, the same in both languages.
const WINDOW_WIDTH: f32 = 460.0;

/// Where the text area starts, below the top bar (remembered each frame by
/// [`remember_content_top`]).
fn content_top(ctx: &egui::Context) -> f32 {
    ctx.data(|d| d.get_temp(egui::Id::unique(CONTENT_TOP)))
        .unwrap_or_else(|| ctx.content_rect().top() + 64.0)
}

/// The memory key of [`content_top`].
const CONTENT_TOP: &str = "pizhu-content-top";

/// Remember where the space below the top bar starts (the app calls it after drawing the
/// top bar), so floating windows open below it, never over its buttons.
pub fn remember_content_top(ui: &Ui) {
    let top = ui.available_rect_before_wrap().top();
    ui.ctx()
        .data_mut(|d| d.insert_temp(egui::Id::unique(CONTENT_TOP), top));
}

/// The export window's id (its place is kept under it).
const EXPORT_WINDOW: &str = "export-window";
/// The settings window's id.
pub const SETTINGS_WINDOW: &str = "settings-window";

/// Where a window shown now is on screen.
fn shown_rect(ctx: &egui::Context, id: &'static str) -> Option<egui::Rect> {
    let id = egui::Id::unique(id);
    ctx.memory(|m| {
        m.areas()
            .is_visible(&egui::LayerId::new(egui::Order::Middle, id))
            .then(|| m.area_rect(id))
            .flatten()
    })
}

/// `wanted` (a window's first place, at its usual size), moved below `other` when that
/// window is shown there (a narrow screen has no room for the two side by side).
fn clear_of(wanted: egui::Rect, other: Option<egui::Rect>) -> egui::Pos2 {
    match other {
        Some(other) if other.intersects(wanted) => egui::pos2(wanted.left(), other.bottom() + 8.0),
        _ => wanted.left_top(),
    }
}

/// Where the export window first opens: below the top bar, near the right edge (the
/// settings window opens at the left; below it when the screen is too narrow for both).
pub fn default_pos(ctx: &egui::Context) -> egui::Pos2 {
    let screen = ctx.content_rect();
    let left = (screen.right() - WINDOW_WIDTH - 40.0).max(screen.left() + 8.0);
    let wanted = egui::Rect::from_min_size(
        egui::pos2(left, content_top(ctx) + 16.0),
        egui::vec2(WINDOW_WIDTH, 320.0),
    );
    clear_of(wanted, shown_rect(ctx, SETTINGS_WINDOW))
}

/// The settings window's width (the same in both languages, so changing the language
/// there never moves what is under the pointer).
pub const SETTINGS_WIDTH: f32 = 640.0;

/// Where the settings window first opens: below the top bar, at the left (below the export
/// window when the screen is too narrow for both).
pub fn settings_default_pos(ctx: &egui::Context) -> egui::Pos2 {
    let screen = ctx.content_rect();
    let wanted = egui::Rect::from_min_size(
        egui::pos2(screen.left() + 24.0, content_top(ctx) + 16.0),
        egui::vec2(SETTINGS_WIDTH, 400.0),
    );
    clear_of(wanted, shown_rect(ctx, EXPORT_WINDOW))
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
    let author = comment_author(&app.settings.author);
    let view = &mut app.export;
    let options = view.options(lang);
    let w = words(lang);
    let count = doc
        .notes
        .set
        .items()
        .iter()
        .filter(|a| options.filter.matches(a))
        .count();
    egui::Window::new(if view.annotated {
        w.title
    } else {
        t.export_title
    })
    .id(egui::Id::unique(EXPORT_WINDOW))
    .open(&mut open)
    // One width in both languages, so the window never jumps when the language changes;
    // below the top bar, left of where the settings window opens.
    .resizable(false)
    .min_width(WINDOW_WIDTH)
    .max_width(WINDOW_WIDTH)
    .default_pos(default_pos(ctx))
    .collapsible(false)
    .show(ctx, |ui: &mut Ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(t.export_what);
            if ui
                .radio(!view.annotated && !view.outline, t.annotations)
                .clicked()
            {
                (view.annotated, view.outline) = (false, false);
            }
            if ui
                .radio(!view.annotated && view.outline, t.outline_panel)
                .clicked()
            {
                (view.annotated, view.outline) = (false, true);
            }
            if ui.radio(view.annotated, w.what).clicked() {
                view.annotated = true;
            }
        });
        if view.annotated {
            ui.weak(if doc.doc.format == crate::document::SourceFormat::Docx {
                w.copy_of
            } else {
                w.gongwen
            });
            ui.horizontal_wrapped(|ui| {
                ui.label(w.highlight_as);
                ui.radio_value(&mut view.highlight, HighlightStyle::Shading, w.shading);
                ui.radio_value(&mut view.highlight, HighlightStyle::Word, w.word_colours);
            });
            ui.checkbox(&mut view.mark_blanks, w.mark_blanks);
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{}{}{author}", w.author, t.colon()));
                ui.weak(format!("（{}）", w.author_hint));
            });
        } else {
            if view.outline {
                ui.checkbox(&mut view.with_highlights, t.export_with_highlights);
                if !doc.outline.topics.is_empty() {
                    ui.checkbox(&mut view.topics, t.show_topics);
                }
                ui.checkbox(&mut view.full_titles, w.full_titles)
                    .on_hover_text(w.full_titles_hint);
            }
            ui.horizontal_wrapped(|ui| {
                ui.label(t.export_format);
                for f in Format::ALL {
                    ui.radio_value(&mut view.format, f, format_label(f, lang));
                }
            });
            ui.checkbox(&mut view.full_path, w.full_path)
                .on_hover_text(w.full_path_hint);
        }
        // A status (saved, failed) belongs to what was chosen when it came.
        if view.status_for.is_some_and(|c| c != view.choice()) {
            view.status = None;
            view.status_for = None;
        }
        ui.separator();
        // The outline alone holds no annotations: the filters are greyed out.
        let filters = !view.filters_unused();
        ui.add_enabled_ui(filters, |ui| {
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
        })
        .response
        .on_disabled_hover_text(w.filters_unused);
        if filters {
            ui.weak(t.export_count(count, view.outline && !view.annotated));
        } else {
            ui.weak(w.filters_unused);
        }
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
                && !view.annotated
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
        let format = if view.annotated {
            Format::Docx
        } else {
            view.format
        };
        let mut name = default_file_name(doc.display_title(), options.content, format, lang);
        if view.annotated {
            // `标题-批注.docx` → `标题-批注版.docx`.
            let stem = name.rsplit_once('-').map_or(name.as_str(), |(s, _)| s);
            name = format!("{stem}-{}.docx", w.file_suffix);
        }
        let mut dialog = rfd::FileDialog::new()
            .set_title(t.export_save.trim_end_matches('…'))
            .set_file_name(&name)
            .add_filter(format_label(format, lang), &[format.extension()]);
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
            topics: view.outline && view.topics,
            annotations: doc.notes.set.items().to_vec(),
            title: doc.display_title().to_owned(),
            source_file: doc.path.as_ref().map(|p| p.display().to_string()),
            annotated: view.annotated.then(|| AnnotatedJob {
                options: AnnotatedOptions {
                    author: author.clone(),
                    filter: options.filter.clone(),
                    highlight: view.highlight,
                    blanks: if view.mark_blanks {
                        Blanks::Mark
                    } else {
                        Blanks::Keep
                    },
                    lang,
                    now_ms: crate::annotate::now_ms(),
                },
                original: doc
                    .path
                    .clone()
                    .filter(|_| doc.doc.format == crate::document::SourceFormat::Docx),
            }),
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
                Err(e) => Done::Failed(failure_text(&e, lang)),
            },
            (Ok(bytes), None) => Done::Copied(String::from_utf8_lossy(&bytes).into_owned()),
        };
        if let Ok(task) = Task::spawn("export", Some(super::waker(ctx)), work) {
            view.working = Some(task);
            view.status = None;
            view.status_for = None;
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
        None if task.lost() => Done::Failed(app.lang.t().stopped(super::i18n::Worker::Export)),
        None => return,
    };
    app.export.working = None;
    let t = app.t();
    match done {
        Done::Saved(path) => {
            let text = format!("{}{}{}", t.export_saved, t.colon(), path.display());
            app.export.set_status(text, false);
        }
        Done::Copied(text) => {
            app.push(Command::Copy(text));
            app.export.set_status(t.export_copied.to_owned(), false);
        }
        Done::Failed(e) => {
            app.export.set_status(e.clone(), true);
            app.banner = Some(Banner {
                text: format!("{}{}{e}", t.export_failed, t.colon()),
                is_error: true,
                restore: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::i18n::stray_ascii_words;

    #[test]
    fn the_chinese_window_names_formats_and_choices_in_chinese() {
        let w = words(Lang::Zh);
        let mut texts: Vec<String> = Format::ALL
            .iter()
            .map(|&f| format_label(f, Lang::Zh).to_owned())
            .collect();
        texts.extend(
            [
                w.what,
                w.title,
                w.highlight_as,
                w.shading,
                w.word_colours,
                w.mark_blanks,
                w.author,
                w.author_hint,
                w.file_suffix,
                w.copy_of,
                w.gongwen,
                w.full_path,
                w.full_path_hint,
                w.full_titles,
                w.full_titles_hint,
                w.filters_unused,
            ]
            .map(str::to_owned),
        );
        let write = ExportError::Write {
            path: "/tmp/导出.md".into(),
            source: std::io::Error::other("disk full"),
        };
        let text = failure_text(&write, Lang::Zh);
        assert!(text.ends_with("：/tmp/导出.md"), "{text}");
        for text in &texts {
            assert!(stray_ascii_words(text).is_empty(), "{text}");
        }
        assert_eq!(format_label(Format::Txt, Lang::Zh), "纯文本");
        assert_eq!(format_label(Format::Txt, Lang::En), "Plain text");
    }

    #[test]
    fn a_status_belongs_to_the_choice_it_came_for_and_filters_rest_for_the_bare_outline() {
        let mut view = ExportView::default();
        view.set_status("已导出：a.md".into(), false);
        assert_eq!(view.status_for, Some((Format::Md, false, false)));
        assert!(!view.filters_unused());
        view.outline = true;
        assert!(view.filters_unused());
        view.with_highlights = true;
        assert!(!view.filters_unused());
    }
}
