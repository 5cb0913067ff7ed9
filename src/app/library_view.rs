//! The library (书库, Ctrl+L): every document opened or added, with its notes' counts, tags
//! and reading progress; sortable, filterable; add a folder, locate a moved file, remove.

use std::path::PathBuf;

use egui::{Role, Ui, WidgetInfo};
use egui_extras::{Column, TableBuilder};

use super::shelf::{DocRow, Job};
use super::{Command, PizhuApp, View};
use crate::library::DocStatus;
use crate::search::folded_contains;
use crate::session::task::Task;

/// What the table is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Title.
    Title,
    /// Format.
    Format,
    /// Folder.
    Folder,
    /// Date added.
    Added,
    /// Last read (the default: newest first).
    #[default]
    LastRead,
    /// Reading progress.
    Progress,
    /// Number of highlights.
    Highlights,
    /// Number of notes.
    Notes,
}

/// The library view's state.
#[derive(Default)]
pub struct LibraryView {
    /// Title filter (folded).
    pub filter: String,
    /// Sort column.
    pub sort: SortBy,
    /// Ascending instead of the column's natural order.
    pub ascending: bool,
    /// A removal waiting for confirmation: the document and "also its notes".
    pub confirm_remove: Option<(PathBuf, String, bool)>,
    /// The folder or file dialog, while it is up (what it was for).
    dialog: Option<(DialogFor, Task<Option<Vec<PathBuf>>>)>,
}

#[derive(Clone, Debug, PartialEq)]
enum DialogFor {
    AddFolder,
    AddFiles,
    Locate(PathBuf),
}

/// The rows shown: filtered and sorted (indices into `rows`).
pub fn visible(rows: &[DocRow], filter: &str, sort: SortBy, ascending: bool) -> Vec<usize> {
    let needle = filter.trim();
    let mut shown: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            needle.is_empty()
                || folded_contains(&rows[i].title, needle)
                || rows[i]
                    .path
                    .as_deref()
                    .is_some_and(|p| folded_contains(&p.display().to_string(), needle))
        })
        .collect();
    let key = |r: &DocRow| -> (i64, String) {
        match sort {
            SortBy::Title => (0, r.title.clone()),
            SortBy::Format => (0, r.format.clone()),
            SortBy::Folder => (0, folder_of(r)),
            SortBy::Added => (-r.added_ms.unwrap_or(0), String::new()),
            SortBy::LastRead => (-r.last_read_ms.unwrap_or(0), String::new()),
            SortBy::Progress => (-(r.progress.unwrap_or(0.0) * 1000.0) as i64, String::new()),
            SortBy::Highlights => (-(r.highlights as i64), String::new()),
            SortBy::Notes => (-(r.notes as i64), String::new()),
        }
    };
    shown.sort_by(|&a, &b| {
        let order = key(&rows[a])
            .cmp(&key(&rows[b]))
            .then_with(|| rows[a].title.cmp(&rows[b].title));
        if ascending { order.reverse() } else { order }
    });
    shown
}

/// The folder a document is in.
fn folder_of(r: &DocRow) -> String {
    r.path
        .as_deref()
        .and_then(|p| p.parent())
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// A date (ms since 1970) as the user's calendar shows it.
pub fn date(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|ts| {
            ts.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
}

/// The library, in the central area.
pub fn library_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let t = app.t();
    let mut commands = Vec::new();
    let mut jobs = Vec::new();
    poll_dialog(app, &mut jobs);
    let data = app.shelf.data.clone();
    let view = &mut app.library_view;
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        let count = data.as_ref().map_or(0, |d| d.rows.len());
        ui.heading(t.library_title(count));
        ui.add_space(12.0);
        let filter = ui.add(
            egui::TextEdit::singleline(&mut view.filter)
                .hint_text(t.filter_library)
                .desired_width(220.0),
        );
        filter.widget_info(|| {
            let mut info = WidgetInfo::text_edit(true, "", &view.filter, t.filter_library);
            info.label = Some(t.filter_library.to_owned());
            info
        });
        let busy = app.shelf.adding.is_some() || view.dialog.is_some();
        if ui
            .add_enabled(!busy, egui::Button::new(t.add_folder))
            .on_hover_text(t.add_folder_hint)
            .clicked()
        {
            view.dialog = pick(ui.ctx(), DialogFor::AddFolder, t);
        }
        if ui
            .add_enabled(!busy, egui::Button::new(t.add_files))
            .clicked()
        {
            view.dialog = pick(ui.ctx(), DialogFor::AddFiles, t);
        }
        if ui
            .button(t.notebook)
            .on_hover_text("Ctrl+Shift+F")
            .clicked()
        {
            commands.push(Command::ShowView(View::Notebook));
        }
        if app.current.is_some() && ui.button(t.back_to_reading).on_hover_text("Esc").clicked() {
            commands.push(Command::ShowView(View::Reader));
        }
        if app.shelf.is_loading() || app.shelf.is_busy() {
            ui.spinner();
        }
    });
    adding_ui(app, ui);
    status_ui(app, ui);
    let view = &mut app.library_view;
    ui.separator();
    let Some(data) = data else {
        ui.weak(if app.data_dir.is_some() {
            t.library_loading
        } else {
            t.no_data_folder
        });
        finish(app, commands, jobs);
        return;
    };
    if data.rows.is_empty() {
        ui.add_space(20.0);
        ui.vertical_centered(|ui| {
            ui.label(t.library_empty);
        });
        finish(app, commands, jobs);
        return;
    }
    let shown = visible(&data.rows, &view.filter, view.sort, view.ascending);
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let headers: [(SortBy, &str); 8] = [
        (SortBy::Title, t.col_title),
        (SortBy::Format, t.col_format),
        (SortBy::Folder, t.col_folder),
        (SortBy::Added, t.col_added),
        (SortBy::LastRead, t.col_last_read),
        (SortBy::Progress, t.col_progress),
        (SortBy::Highlights, t.col_highlights),
        (SortBy::Notes, t.col_notes),
    ];
    let mut clicked_header = None;
    TableBuilder::new(ui)
        .id_salt("library-table")
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::remainder().at_least(180.0).clip(true))
        .column(Column::auto().at_least(44.0))
        .column(Column::initial(200.0).clip(true))
        .column(Column::auto().at_least(84.0))
        .column(Column::auto().at_least(84.0))
        .column(Column::auto().at_least(52.0))
        .column(Column::auto().at_least(44.0))
        .column(Column::auto().at_least(44.0))
        .column(Column::initial(160.0).clip(true))
        .header(row_h + 2.0, |mut header| {
            for (by, name) in headers {
                header.col(|ui| {
                    let arrow = match (view.sort == by, view.ascending) {
                        (true, false) => " ▼",
                        (true, true) => " ▲",
                        _ => "",
                    };
                    let r = ui.selectable_label(view.sort == by, format!("{name}{arrow}"));
                    r.widget_info(|| {
                        WidgetInfo::selected(Role::Button, true, view.sort == by, name)
                    });
                    if r.clicked() {
                        clicked_header = Some(by);
                    }
                });
            }
            header.col(|ui| {
                ui.strong(t.col_tags);
            });
        })
        .body(|body| {
            body.rows(row_h, shown.len(), |mut row| {
                let r = &data.rows[shown[row.index()]];
                let missing = matches!(r.status, DocStatus::Missing);
                row.col(|ui| {
                    // A moved file: say so where the eye is, with the way to find it.
                    if missing
                        && let Some(path) = &r.path
                        && ui
                            .small_button(t.locate)
                            .on_hover_text(t.file_missing)
                            .clicked()
                    {
                        view.dialog = pick(ui.ctx(), DialogFor::Locate(path.clone()), t);
                    }
                    let title = if missing {
                        egui::RichText::new(format!("！{}", r.title))
                            .color(ui.visuals().warn_fg_color)
                    } else {
                        egui::RichText::new(&r.title)
                    };
                    let l = ui.add(egui::Label::new(title).truncate().selectable(false));
                    let hover = match (&r.path, missing) {
                        (Some(p), true) => format!("{}\n{}", t.file_missing, p.display()),
                        (Some(p), false) => p.display().to_string(),
                        (None, _) => String::new(),
                    };
                    if !hover.is_empty() {
                        l.on_hover_text(hover);
                    }
                });
                row.col(|ui| {
                    ui.label(&r.format);
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(egui::RichText::new(folder_of(r)).weak()).truncate());
                });
                row.col(|ui| {
                    if let Some(ms) = r.added_ms {
                        ui.label(date(ms));
                    }
                });
                row.col(|ui| {
                    if let Some(ms) = r.last_read_ms {
                        ui.label(date(ms));
                    }
                });
                // Counts, progress and tags come with the notebook (read after the library).
                let counting = data.partial;
                row.col(|ui| {
                    if counting {
                        ui.weak("…");
                    } else if let Some(p) = r.progress {
                        ui.label(format!("{:.0}%", p * 100.0));
                    }
                });
                row.col(|ui| {
                    if counting {
                        ui.weak("…");
                    } else {
                        ui.label(r.highlights.to_string());
                    }
                });
                row.col(|ui| {
                    if counting {
                        ui.weak("…");
                    } else {
                        ui.label(r.notes.to_string());
                    }
                });
                row.col(|ui| {
                    let tags: Vec<String> = r
                        .tags
                        .iter()
                        .take(4)
                        .map(|(t, _)| format!("#{t}"))
                        .collect();
                    ui.add(
                        egui::Label::new(egui::RichText::new(tags.join(" ")).small()).truncate(),
                    );
                });
                let resp = row.response();
                resp.widget_info(|| WidgetInfo::labeled(Role::Button, true, &r.title));
                if resp.clicked()
                    && !missing
                    && let Some(path) = &r.path
                {
                    commands.push(Command::OpenFromShelf {
                        path: path.clone(),
                        at: None,
                    });
                }
                resp.context_menu(|ui| {
                    if let Some(path) = &r.path {
                        if !missing && ui.button(t.open_document).clicked() {
                            commands.push(Command::OpenFromShelf {
                                path: path.clone(),
                                at: None,
                            });
                            ui.close();
                        }
                        if ui.button(t.locate).clicked() {
                            view.dialog = pick(ui.ctx(), DialogFor::Locate(path.clone()), t);
                            ui.close();
                        }
                    }
                    if r.notebook_doc.is_some() && ui.button(t.show_in_notebook).clicked() {
                        commands.push(Command::NotebookForDocument(r.title.clone()));
                        ui.close();
                    }
                    if let Some(path) = &r.path
                        && ui.button(t.remove_from_library).clicked()
                    {
                        view.confirm_remove = Some((path.clone(), r.title.clone(), false));
                        ui.close();
                    }
                });
            });
        });
    if let Some(by) = clicked_header {
        if view.sort == by {
            view.ascending = !view.ascending;
        } else {
            // Each column's natural order first: text A→Z, numbers and dates biggest and
            // newest first.
            view.sort = by;
            view.ascending = false;
        }
    }
    confirm_remove_ui(ui, t, view, &mut jobs);
    finish(app, commands, jobs);
}

fn finish(app: &mut PizhuApp, commands: Vec<Command>, jobs: Vec<Job>) {
    for c in commands {
        app.push(c);
    }
    for job in jobs {
        app.push(Command::Shelf(job));
    }
}

/// A folder being added: how far it got, and Cancel.
fn adding_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let t = app.t();
    let Some(adding) = &app.shelf.adding else {
        return;
    };
    let progress = adding
        .progress
        .lock()
        .map(|p| (p.found, p.added, p.current.display().to_string()))
        .unwrap_or_default();
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label(t.adding_progress(progress.0, progress.1));
        ui.add(egui::Label::new(egui::RichText::new(&progress.2).weak().small()).truncate());
        if ui.button(t.cancel).clicked() {
            app.shelf.cancel_adding();
        }
    });
}

/// The last outcome and anything that could not be read.
pub fn status_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let t = app.t();
    let problems = app
        .shelf
        .data
        .as_ref()
        .map(|d| d.problems.clone())
        .unwrap_or_default();
    let mut dismiss = false;
    if let Some((text, is_error)) = &app.shelf.status {
        ui.horizontal(|ui| {
            let color = if *is_error {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().weak_text_color()
            };
            ui.add(egui::Label::new(egui::RichText::new(text).color(color)).wrap())
                .widget_info(|| WidgetInfo::labeled(Role::Label, true, text));
            if ui.small_button("×").on_hover_text(t.dismiss).clicked() {
                dismiss = true;
            }
        });
    }
    if dismiss {
        app.shelf.status = None;
    }
    if !problems.is_empty() {
        egui::CollapsingHeader::new(
            egui::RichText::new(t.shelf_problems(problems.len())).color(ui.visuals().warn_fg_color),
        )
        .id_salt("shelf-problems")
        .show(ui, |ui| {
            for p in &problems {
                ui.add(egui::Label::new(egui::RichText::new(p).small()).wrap());
            }
        });
    }
}

fn confirm_remove_ui(
    ui: &mut Ui,
    t: &'static super::i18n::Strings,
    view: &mut LibraryView,
    jobs: &mut Vec<Job>,
) {
    let Some((path, title, delete_notes)) = &mut view.confirm_remove else {
        return;
    };
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("confirm-remove")).show(ui.ctx(), |ui| {
        ui.set_max_width(420.0);
        ui.heading(t.remove_title);
        ui.label(t.remove_question(title));
        ui.checkbox(delete_notes, t.remove_notes_too);
        if *delete_notes {
            ui.label(egui::RichText::new(t.remove_notes_backup).small().weak());
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button(t.remove_confirm).clicked() {
                jobs.push(Job::Remove {
                    path: path.clone(),
                    delete_notes: *delete_notes,
                });
                close = true;
            }
            if ui.button(t.cancel).clicked() {
                close = true;
            }
        });
    });
    if close || modal.should_close() {
        view.confirm_remove = None;
    }
}

/// Show a folder or file dialog on its own thread.
fn pick(
    ctx: &egui::Context,
    what: DialogFor,
    t: &'static super::i18n::Strings,
) -> Option<(DialogFor, Task<Option<Vec<PathBuf>>>)> {
    let what2 = what.clone();
    let work = move || {
        let dialog = rfd::FileDialog::new();
        match what2 {
            DialogFor::AddFolder => dialog
                .set_title(t.add_folder.trim_end_matches('…'))
                .pick_folder()
                .map(|f| vec![f]),
            DialogFor::AddFiles => dialog
                .set_title(t.add_files.trim_end_matches('…'))
                .add_filter(t.files_documents, crate::document::EXTENSIONS)
                .pick_files(),
            DialogFor::Locate(old) => {
                let mut dialog = dialog
                    .set_title(t.locate.trim_end_matches('…'))
                    .add_filter(t.files_documents, crate::document::EXTENSIONS);
                if let Some(name) = old.file_name() {
                    dialog = dialog.set_file_name(name.to_string_lossy());
                }
                dialog.pick_file().map(|f| vec![f])
            }
        }
    };
    Task::spawn("library-dialog", Some(super::waker(ctx)), work)
        .ok()
        .map(|task| (what, task))
}

fn poll_dialog(app: &mut PizhuApp, jobs: &mut Vec<Job>) {
    let Some((what, task)) = &mut app.library_view.dialog else {
        return;
    };
    let picked = match task.poll() {
        Some(picked) => picked,
        None if task.lost() => None,
        None => return,
    };
    let what = what.clone();
    app.library_view.dialog = None;
    let Some(mut paths) = picked.filter(|p| !p.is_empty()) else {
        return;
    };
    jobs.push(match what {
        DialogFor::AddFolder => Job::AddFolder(paths.remove(0)),
        DialogFor::AddFiles => Job::AddFiles(paths),
        DialogFor::Locate(old) => Job::Locate {
            old,
            new: paths.remove(0),
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, last: i64, highlights: usize) -> DocRow {
        DocRow {
            title: title.into(),
            format: "txt".into(),
            path: Some(PathBuf::from(format!("/docs/{title}.txt"))),
            fingerprint: None,
            added_ms: Some(1),
            last_read_ms: Some(last),
            progress: None,
            highlights,
            notes: 0,
            tags: Vec::new(),
            status: DocStatus::Present,
            in_library: true,
            unreadable: false,
            store: None,
            notebook_doc: None,
        }
    }

    #[test]
    fn rows_sort_newest_first_and_filter_folded() {
        let rows = vec![
            row("政府工作报告", 10, 3),
            row("ＡＢＣ讲话", 30, 1),
            row("规划", 20, 9),
        ];
        assert_eq!(visible(&rows, "", SortBy::LastRead, false), vec![1, 2, 0]);
        assert_eq!(visible(&rows, "", SortBy::LastRead, true), vec![0, 2, 1]);
        assert_eq!(visible(&rows, "", SortBy::Highlights, false), vec![2, 0, 1]);
        // Full-width letters match a half-width query, case folded.
        assert_eq!(visible(&rows, "abc", SortBy::Title, false), vec![1]);
        assert_eq!(visible(&rows, "报告", SortBy::Title, false), vec![0]);
    }
}
