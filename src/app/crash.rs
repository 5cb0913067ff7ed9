//! The window's side of crash reports (`crate::crash`): at start, a report the last run
//! left is offered in a banner ("Pizhu closed unexpectedly last time — Show report /
//! Dismiss"); Show opens it in a window (the text, Copy, Open folder), and both mark the
//! reports seen so the banner does not come back. Reading and marking run on a worker.

use std::path::PathBuf;

use egui::{Color32, Role, Ui, WidgetInfo};

use super::i18n::crash_words as words;
use super::{Command, PizhuApp, waker};
use crate::session::task::Task;

/// The crash reports the window knows of.
#[derive(Default)]
pub struct CrashView {
    /// Reports not shown or dismissed yet, newest first (found at start).
    pub unseen: Vec<PathBuf>,
    /// The report on screen: its path and text.
    pub shown: Option<(PathBuf, String)>,
    reading: Option<Task<(PathBuf, String)>>,
    marking: Option<Task<()>>,
}

impl CrashView {
    /// The reports a data folder holds that were never shown nor dismissed.
    pub fn find(data_dir: Option<&std::path::Path>) -> Self {
        Self {
            unseen: data_dir.map(crate::crash::unseen).unwrap_or_default(),
            ..Self::default()
        }
    }

    /// Whether a report is being read or marked.
    pub fn busy(&self) -> bool {
        self.reading.is_some() || self.marking.is_some()
    }

    /// Mark every unseen report seen (on a worker) and forget them here.
    fn mark_all(&mut self, ctx: &egui::Context) {
        let paths = std::mem::take(&mut self.unseen);
        if paths.is_empty() {
            return;
        }
        let work = move || {
            mark_seen_all(&paths);
        };
        self.marking = Task::spawn("crash-reports", Some(waker(ctx)), work).ok();
    }

    fn poll(&mut self) {
        if let Some(task) = &mut self.marking
            && (task.poll().is_some() || task.lost())
        {
            self.marking = None;
        }
        if let Some(task) = &mut self.reading {
            if let Some(done) = task.poll() {
                self.shown = Some(done);
                self.reading = None;
            } else if task.lost() {
                self.reading = None;
            }
        }
    }
}

/// The banner offering the last run's crash report (nothing when there is none).
pub fn banner_ui(app: &mut PizhuApp, ui: &mut Ui) {
    app.crash.poll();
    if app.crash.unseen.is_empty() {
        return;
    }
    let w = words(app.lang);
    let text = match app.crash.unseen.len() {
        1 => w.closed.to_owned(),
        n => format!("{}{}", w.closed, (w.reports)(n)),
    };
    let (mut show, mut dismiss) = (false, false);
    egui::Panel::top("crash-banner").show(ui, |ui| {
        egui::Frame::new()
            .fill(Color32::from_rgb(0xFD, 0xE2, 0xE1))
            .stroke(egui::Stroke::new(1.0, Color32::from_rgb(0xC0, 0x39, 0x2B)))
            .inner_margin(8.0)
            .outer_margin(4.0)
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(Color32::from_rgb(0x33, 0x22, 0x22), &text)
                        .widget_info(|| WidgetInfo::labeled(Role::Alert, true, &text));
                    show = ui.button(w.show).clicked();
                    dismiss = ui.button(w.dismiss).clicked();
                });
            });
    });
    let ctx = ui.ctx().clone();
    if show && let Some(newest) = app.crash.unseen.first().cloned() {
        let unreadable = w.unreadable;
        let paths = std::mem::take(&mut app.crash.unseen);
        // Read, then mark every report seen, on one worker: marked first (renamed), the
        // report could not be read under its old name (a race two workers lost now and then).
        let work = move || {
            let text = crate::crash::read(&newest).unwrap_or_else(|e| format!("{unreadable}: {e}"));
            let shown = mark_seen_all(&paths)
                .into_iter()
                .find_map(|(was, now)| (was == newest).then_some(now))
                .unwrap_or(newest);
            (shown, text)
        };
        app.crash.reading = Task::spawn("crash-report", Some(waker(&ctx)), work).ok();
    } else if dismiss {
        app.crash.mark_all(&ctx);
    }
}

/// Mark each report seen (renamed); those renamed, with their new names. A report that
/// cannot be renamed is offered again next time: no harm.
fn mark_seen_all(paths: &[PathBuf]) -> Vec<(PathBuf, PathBuf)> {
    paths
        .iter()
        .filter_map(|p| {
            crate::crash::mark_seen(p)
                .ok()
                .map(|seen| (p.clone(), seen))
        })
        .collect()
}

/// The window with a report's text, Copy and Open folder.
pub fn report_window_ui(app: &mut PizhuApp, ctx: &egui::Context) {
    let Some((path, text)) = app.crash.shown.clone() else {
        return;
    };
    let w = words(app.lang);
    let mut open = true;
    let (mut copy, mut folder, mut close) = (false, false, false);
    egui::Window::new(w.title)
        .open(&mut open)
        .collapsible(false)
        .default_size([720.0, 480.0])
        // In the middle of the window, clear of the toolbar.
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .show(ctx, |ui| {
            ui.weak(w.nothing_sent);
            ui.add(
                egui::Label::new(egui::RichText::new(path.display().to_string()).small()).wrap(),
            );
            ui.horizontal(|ui| {
                copy = ui.button(w.copy).clicked();
                folder = ui.button(w.open_folder).clicked();
                close = ui.button(w.close).clicked();
            });
            ui.separator();
            egui::ScrollArea::both()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    ui.add(egui::Label::new(egui::RichText::new(&text).monospace()).extend());
                });
        });
    if copy {
        app.push(Command::Copy(text));
    }
    if folder && let Some(dir) = path.parent().map(std::path::Path::to_path_buf) {
        open_folder(dir);
    }
    if close || !open {
        app.crash.shown = None;
    }
}

/// Show a folder in the system's file manager (on a thread of its own, which waits for the
/// opener so that it leaves no zombie behind).
fn open_folder(dir: PathBuf) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::thread::Builder::new()
        .name("open-folder".to_owned())
        .spawn(move || {
            if let Ok(mut child) = std::process::Command::new(opener)
                .arg(&dir)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
            {
                let _ = child.wait();
            }
        });
}
