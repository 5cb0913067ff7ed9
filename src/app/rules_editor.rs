//! Settings → 提纲规则 / Outline rules: the reader's rules (`rules.ron`, beside
//! `settings.ron`), added, removed, switched on and off, each with a live preview of the
//! lines it matches in the open document; a pattern that is not a regex shows the regex
//! error in place (on a worker for a large document). Saved atomically with "Save the
//! rules", on a worker (no frame writes the file); once written, the open document's
//! outline is made anew with them. A `rules.ron` that does not parse was kept aside when
//! loading (a banner says where); one that could not even be moved is never written over.

use std::path::{Path, PathBuf};

use egui::{Role, Ui, WidgetInfo};

use super::PizhuApp;
use crate::outline::corrections::{PREVIEW_LINES, Preview, Rule, RuleKind, preview};
use crate::session::rules::{self, RULES_FILE, RulesError};
use crate::session::task::Task;

/// What each rule matched in a document: for (its id, the rules), each rule's preview.
type Previews = (crate::session::DocId, Vec<Rule>, Vec<PreviewOf>);

/// The rules being edited, and where they live.
#[derive(Debug, Default)]
pub struct RulesEditor {
    /// `rules.ron` (`None`: no config folder, nothing is saved).
    path: Option<PathBuf>,
    /// The rules as edited.
    pub rules: Vec<Rule>,
    /// The rules as last loaded or saved (what documents use).
    pub saved: Vec<Rule>,
    /// The file could not be read nor moved aside: never written over.
    frozen: bool,
    /// The last failed save.
    pub error: Option<String>,
    /// Previews for (the document's id, the rules): remade when either changes.
    previews: Option<Previews>,
    /// A write under way: the rules written, or why they were not.
    writing: Option<Task<Result<Vec<Rule>, String>>>,
    /// Previews being made on a worker.
    previewing: Option<Task<Previews>>,
    /// Documents over this many chars have their previews made on a worker (`None`:
    /// [`PREVIEW_LATER_CHARS`]; tests lower it).
    preview_later: Option<usize>,
}

/// One rule's preview, or its regex error.
type PreviewOf = Result<Preview, String>;

/// Documents over this many chars have the rules' previews made on a worker: each rule is
/// tried on every line, and a frame never waits on a whole document (a 10 MB report has
/// 31,000 lines).
const PREVIEW_LATER_CHARS: usize = 1_000_000;

impl RulesEditor {
    /// The rules beside `settings_path` (`None`: none, and none saved), and what to tell the
    /// reader if the file was damaged (kept aside) or unreadable.
    pub fn load(settings_path: Option<&Path>) -> (Self, Option<String>) {
        let path = settings_path
            .and_then(Path::parent)
            .map(|d| d.join(RULES_FILE));
        let Some(file) = &path else {
            return (Self::default(), None);
        };
        match rules::load(file, true) {
            Ok(rules) => (
                Self {
                    saved: rules.clone(),
                    rules,
                    path,
                    ..Self::default()
                },
                None,
            ),
            Err(e) => {
                let frozen = matches!(
                    e,
                    RulesError::Unreadable { .. } | RulesError::Damaged { kept: None, .. }
                );
                (
                    Self {
                        path,
                        frozen,
                        ..Self::default()
                    },
                    Some(e.to_string()),
                )
            }
        }
    }

    /// Whether the edited rules differ from the saved ones.
    pub fn dirty(&self) -> bool {
        self.rules != self.saved
    }

    /// Start writing the rules on a worker (never in a frame; one write at a time). `true`
    /// when they apply at once: there is no config folder to write them to.
    fn save(&mut self, waker: crate::session::task::Waker) -> bool {
        if self.writing.is_some() {
            return false;
        }
        let Some(path) = self.path.clone() else {
            self.saved = self.rules.clone();
            return true;
        };
        if self.frozen {
            self.error = Some(format!(
                "{} is left untouched (it could not be read); nothing was written",
                path.display()
            ));
            return false;
        }
        let rules = self.rules.clone();
        let write = move || match rules::save(&path, &rules) {
            Ok(()) => Ok(rules),
            Err(e) => Err(format!("{e}: {}", path.display())),
        };
        match Task::spawn("rules", Some(waker), write) {
            Ok(task) => self.writing = Some(task),
            Err(e) => self.error = Some(format!("the rules could not be written ({e})")),
        }
        false
    }

    /// Whether the rules are being written.
    pub fn is_saving(&self) -> bool {
        self.writing.is_some()
    }

    /// The write under way, if it ended: `true` when the rules were written (they are then
    /// the saved ones), `false` with [`Self::error`] set when not.
    fn poll(&mut self) -> Option<bool> {
        let task = self.writing.as_mut()?;
        let done = match task.poll() {
            Some(done) => done,
            None if task.lost() => Err("the rules could not be written".to_owned()),
            None => return None,
        };
        self.writing = None;
        Some(match done {
            Ok(rules) => {
                self.saved = rules;
                self.error = None;
                true
            }
            Err(e) => {
                self.error = Some(e);
                false
            }
        })
    }
}

/// What each rule matches in `doc` (its engine outline skips boilerplate), or its regex
/// error, remade only when the rules or the document change. For a document over
/// [`PREVIEW_LATER_CHARS`] they are made on a worker, and the last ones are shown until the
/// new ones arrive (`waker` asks for the frame that shows them).
fn previews<'a>(
    editor: &'a mut RulesEditor,
    doc: &crate::session::Session,
    waker: crate::session::task::Waker,
) -> &'a [PreviewOf] {
    if let Some(task) = &mut editor.previewing {
        let done = task.poll();
        if done.is_some() || task.lost() {
            editor.previewing = None;
        }
        if done.is_some() {
            editor.previews = done;
        }
    }
    let fresh = editor
        .previews
        .as_ref()
        .is_some_and(|(id, rules, _)| *id == doc.id && *rules == editor.rules);
    if !fresh {
        let (engine, text) = (std::sync::Arc::clone(doc.engine_outline()), doc.doc.clone());
        let (id, rules) = (doc.id, editor.rules.clone());
        let make = move || -> Previews {
            let list = rules.iter().map(|r| preview(r, &engine, &text)).collect();
            (id, rules, list)
        };
        if doc.doc.char_count <= editor.preview_later.unwrap_or(PREVIEW_LATER_CHARS) {
            editor.previews = Some(make());
        } else if editor.previewing.is_none() {
            // One worker at a time; when it is done, the next starts for the rules then
            // (and again in the next frame if no thread could be had).
            editor.previewing = Task::spawn("rule-previews", Some(waker), make).ok();
        }
    }
    editor
        .previews
        .as_ref()
        .map_or(&[][..], |(_, _, list)| list.as_slice())
}

/// The rules section of the settings window.
pub fn rules_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let t = app.t();
    let f = t.fix();
    ui.separator();
    ui.strong(f.rules_title);
    ui.add(egui::Label::new(egui::RichText::new(f.rules_help).small().weak()).wrap());
    let doc = app.current.as_ref();
    let shown: Vec<Option<Result<Preview, String>>> = match doc {
        Some(doc) => previews(&mut app.rules, doc, super::waker(ui.ctx()))
            .iter()
            .cloned()
            .map(Some)
            .collect(),
        None => vec![None; app.rules.rules.len()],
    };
    let mut remove = None;
    for (k, rule) in app.rules.rules.iter_mut().enumerate() {
        ui.push_id(("rule", k), |ui| {
            ui.horizontal(|ui| {
                ui.checkbox(&mut rule.enabled, f.rule_enabled);
                let name = ui.add(
                    egui::TextEdit::singleline(&mut rule.name)
                        .hint_text(f.rule_name)
                        .desired_width(90.0),
                );
                name.widget_info(|| WidgetInfo::text_edit(true, "", &rule.name, f.rule_name));
                let pattern = ui.add(
                    egui::TextEdit::singleline(&mut rule.pattern)
                        .hint_text(f.rule_pattern)
                        .code_editor()
                        .desired_width(180.0),
                );
                pattern
                    .widget_info(|| WidgetInfo::text_edit(true, "", &rule.pattern, f.rule_pattern));
                let chosen = match rule.kind {
                    RuleKind::NotHeading => 4,
                    RuleKind::Heading => rule.level.map_or(0, |l| l.clamp(1, 4) as usize - 1),
                };
                egui::ComboBox::from_id_salt("level")
                    .selected_text(f.rule_levels[chosen])
                    .show_ui(ui, |ui| {
                        for (v, label) in f.rule_levels.iter().enumerate() {
                            if ui.selectable_label(v == chosen, *label).clicked() {
                                if v == 4 {
                                    rule.kind = RuleKind::NotHeading;
                                } else {
                                    rule.kind = RuleKind::Heading;
                                    rule.level = Some(v as u8 + 1);
                                }
                            }
                        }
                    })
                    .response
                    .widget_info(|| WidgetInfo::labeled(Role::ComboBox, true, f.rule_level));
                if ui.small_button(f.remove_rule).clicked() {
                    remove = Some(k);
                }
            });
            match shown.get(k).cloned().flatten() {
                Some(Ok(p)) => {
                    ui.label(egui::RichText::new(t.rule_matches(p.count)).small());
                    for (line, text) in p.first.iter().take(PREVIEW_LINES) {
                        ui.label(
                            egui::RichText::new(format!("{:>6}  {text}", line + 1))
                                .small()
                                .weak()
                                .monospace(),
                        );
                    }
                }
                Some(Err(e)) if !rule.pattern.is_empty() => {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        egui::RichText::new(format!("{}\n{e}", f.bad_pattern))
                            .small()
                            .monospace(),
                    );
                }
                Some(Err(_)) => {}
                None => {
                    ui.label(egui::RichText::new(f.no_preview).small().weak());
                }
            }
        });
    }
    if let Some(k) = remove {
        app.rules.rules.remove(k);
    }
    ui.horizontal(|ui| {
        if ui.button(f.add_rule).clicked() {
            app.rules.rules.push(Rule::default());
        }
        let can_save = app.rules.dirty() && !app.rules.is_saving();
        if ui
            .add_enabled(can_save, egui::Button::new(f.save_rules))
            .clicked()
        {
            apply_rules(app);
        }
    });
    if let Some(e) = &app.rules.error {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("{}{}{e}", f.rules_not_saved, t.colon()),
        );
    }
}

/// Save the edited rules; the open document's outline is made anew with them once they
/// are written ([`poll_rules`]).
pub fn apply_rules(app: &mut PizhuApp) {
    if app.rules.save(super::waker(&app.ctx)) {
        rules_saved(app);
    }
}

/// Take in a write of the rules that ended (every frame).
pub fn poll_rules(app: &mut PizhuApp) {
    if app.rules.poll() == Some(true) {
        rules_saved(app);
    }
}

/// The rules were saved: the open document's outline is made anew with them.
fn rules_saved(app: &mut PizhuApp) {
    let rules = app.rules.saved.clone();
    // The notebook's section paths follow when it is next shown.
    app.shelf.rules = rules.clone();
    let changed = match app.current.as_mut() {
        Some(doc) => {
            doc.set_rules(rules);
            true
        }
        None => false,
    };
    if changed {
        app.carry_out(crate::session::Effect::OutlineChanged);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, SourceFormat};
    use crate::session::Session;

    #[test]
    fn a_large_documents_previews_are_made_on_a_worker_and_the_last_stay_meanwhile() {
        let text = "关于做好某项工作的通知\n\n一、总体要求\n\n做好工作意义重大。\n\n二、主要任务\n\n加强组织领导\n\n各地要高度重视。\n";
        let doc = Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text);
        let session = Session::new(doc, None, "通知".into());
        let mut editor = RulesEditor {
            rules: vec![Rule {
                name: "加强".into(),
                pattern: "^加强".into(),
                level: Some(2),
                ..Default::default()
            }],
            // As if the document were over the bound.
            preview_later: Some(0),
            ..RulesEditor::default()
        };
        let (tx, woken) = std::sync::mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        let waker: crate::session::task::Waker = std::sync::Arc::new(move || {
            let _ = tx.lock().map(|t| t.send(()));
        });
        let wait = || {
            woken
                .recv_timeout(std::time::Duration::from_secs(10))
                .expect("the worker wakes the window");
        };
        let count = |list: &[PreviewOf]| list[0].as_ref().map(|p| p.count).ok();
        // Not made in the call: nothing to show yet.
        assert!(previews(&mut editor, &session, waker.clone()).is_empty());
        assert!(editor.previewing.is_some());
        wait();
        assert_eq!(
            count(previews(&mut editor, &session, waker.clone())),
            Some(1)
        );
        assert!(editor.previewing.is_none());
        // The pattern edited: the last previews are shown until the new ones arrive.
        editor.rules[0].pattern = "^(".into();
        assert_eq!(
            count(previews(&mut editor, &session, waker.clone())),
            Some(1)
        );
        wait();
        let list = previews(&mut editor, &session, waker.clone());
        assert!(list[0].is_err(), "{list:?}");
        // A document under the bound: made at once.
        editor.preview_later = None;
        editor.rules[0].pattern = "^加强".into();
        assert_eq!(count(previews(&mut editor, &session, waker)), Some(1));
        assert!(editor.previewing.is_none());
    }
}
