//! The top bar (open, recent, zoom, theme, panels, settings), the status bar and the
//! settings window.

use egui::{Role, Ui, WidgetInfo};

use super::outline_panel::node_label;
use super::settings::LanguagePref;
use super::{Command, PizhuApp};
use crate::session::Action as Act;
use crate::session::keymap::{self, Action as Does};

/// How many controls the top bar moves into its "⋯" menu when the window is narrow: the
/// bar's width measured at each level (for one language, zoom and view), the fewest moved
/// that fit.
#[derive(Debug, Default)]
pub struct BarFit {
    key: Option<(bool, u32, bool, u32)>,
    needed: [Option<f32>; LEVELS],
}

/// Levels of moving controls into the "⋯" menu: none; Recent and Hide ads; also zoom,
/// Blanks and Settings; also Library, Notebook and Find.
const LEVELS: usize = 4;

impl BarFit {
    /// The level to draw at in `width` (the first whose measured width fits, or one not
    /// measured yet).
    fn level(&mut self, key: (bool, u32, bool, u32), width: f32) -> usize {
        if self.key != Some(key) {
            *self = Self {
                key: Some(key),
                ..Self::default()
            };
        }
        self.needed
            .iter()
            .position(|w| w.is_none_or(|w| w + 4.0 <= width))
            .unwrap_or(LEVELS - 1)
    }
}

/// The top bar: one row in either language (issue 16, "English that fits"): at 1400 points
/// everything but the least used (new document from the clipboard, theme, status bar,
/// official style) is on the bar; a narrower window moves more into the "⋯" menu, never
/// out of reach. Every control names its key on hover.
pub fn top_bar_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let t = app.t();
    let mut commands = Vec::new();
    let reading = app.view == super::View::Reader;
    let bar = egui::Panel::top("top-bar").show(ui, |ui| {
        let width = ui.available_width();
        let key = (
            t.lang.is_zh(),
            app.settings.zoom.to_bits(),
            reading,
            ui.ctx().pixels_per_point().to_bits(),
        );
        let level = app.room.bar_fit.level(key, width);
        let row = |ui: &mut Ui| {
            bar_row_ui(ui, app, t, level, reading, &mut commands);
        };
        let used = if level + 1 == LEVELS {
            // The narrowest: wrap rather than hide.
            ui.horizontal_wrapped(row).response.rect.width()
        } else {
            ui.horizontal(row).response.rect.width()
        };
        app.room.bar_fit.needed[level] = Some(used);
        if used > width + 0.5 && level + 1 < LEVELS {
            ui.ctx().request_repaint();
        }
    });
    app.room.bars.0 = bar.response.rect.height();
    for c in commands {
        app.push(c);
    }
}

/// The bar's controls at `level` (those moved go in the "⋯" menu, the last control).
fn bar_row_ui(
    ui: &mut Ui,
    app: &PizhuApp,
    t: &'static super::i18n::Strings,
    level: usize,
    reading: bool,
    commands: &mut Vec<Command>,
) {
    let zh = t.lang.is_zh();
    let hover = |what: &str, action: Does| keymap::hover(what, action, zh);
    if level < 3 {
        views_ui(ui, app, t, commands);
        ui.separator();
    }
    if ui
        .button(t.open)
        .on_hover_text(hover(t.open_hint, Does::Open))
        .clicked()
    {
        commands.push(Command::OpenDialog);
    }
    if level < 1 {
        ui.menu_button(t.recent, |ui| recent_menu_ui(ui, app, t, commands));
    }
    if reading {
        if ui
            .button(t.export_button)
            .on_hover_text(hover(t.export_button, Does::Export))
            .clicked()
        {
            commands.push(Command::ShowExport(!app.export.open));
        }
        ui.separator();
        let (can_back, can_forward) = app
            .current
            .as_ref()
            .map_or((false, false), |s| s.history.can());
        let can_back = can_back || app.can_return();
        let back = ui.add_enabled(can_back, egui::Button::new("←"));
        back.widget_info(|| WidgetInfo::labeled(Role::Button, can_back, t.back));
        if back.on_hover_text(hover(t.back, Does::Back)).clicked() {
            commands.push(Command::Act(Act::Back));
        }
        let forward = ui.add_enabled(can_forward, egui::Button::new("→"));
        forward.widget_info(|| WidgetInfo::labeled(Role::Button, can_forward, t.forward));
        if forward
            .on_hover_text(hover(t.forward, Does::Forward))
            .clicked()
        {
            commands.push(Command::Act(Act::Forward));
        }
        if level < 3 {
            find_ui(ui, app, t, commands);
        }
        if level < 2 {
            blanks_ui(ui, app, t, commands);
        }
    }
    if level < 2 {
        ui.separator();
        zoom_ui(ui, app, t, commands);
    }
    ui.separator();
    if reading {
        for (on, label, key, command) in [
            (
                app.settings.show_outline,
                t.outline_panel,
                Does::ToggleOutline,
                Command::ToggleOutline,
            ),
            (
                app.settings.show_annotations,
                t.annotations,
                Does::ToggleAnnotations,
                Command::ToggleAnnotations,
            ),
        ] {
            if ui
                .selectable_label(on, label)
                .on_hover_text(hover(label, key))
                .clicked()
            {
                commands.push(command);
            }
        }
        if level < 1 {
            boilerplate_ui(ui, app, t, commands);
        }
    }
    if level < 2 && settings_ui(ui, t) {
        commands.push(Command::ShowSettings(!app.show_settings));
    }
    let help = ui
        .button("?")
        .on_hover_text(hover(t.shortcuts, Does::Shortcuts));
    help.widget_info(|| WidgetInfo::labeled(Role::Button, true, t.shortcuts));
    if help.clicked() {
        commands.push(Command::ShowShortcuts(!app.show_shortcuts));
    }
    let more = ui.menu_button("⋯", |ui| {
        more_menu_ui(ui, app, t, level, reading, commands);
    });
    more.response
        .widget_info(|| WidgetInfo::labeled(Role::Button, true, t.more_menu));
    more.response.on_hover_text(t.more_menu);
}

/// Library and Notebook; whether one was pressed (the controls below return the same, so
/// that the menu they are in closes).
fn views_ui(
    ui: &mut Ui,
    app: &PizhuApp,
    t: &super::i18n::Strings,
    commands: &mut Vec<Command>,
) -> bool {
    use super::View;
    let mut pressed = false;
    for (view, label, key) in [
        (View::Library, t.library, Does::Library),
        (View::Notebook, t.notebook, Does::Notebook),
    ] {
        let on = app.view == view;
        if ui
            .selectable_label(on, label)
            .on_hover_text(keymap::hover(label, key, t.lang.is_zh()))
            .clicked()
        {
            commands.push(Command::ShowView(if on { View::Reader } else { view }));
            pressed = true;
        }
    }
    pressed
}

/// The Recent menu's entries.
fn recent_menu_ui(
    ui: &mut Ui,
    app: &PizhuApp,
    t: &super::i18n::Strings,
    commands: &mut Vec<Command>,
) {
    if app.settings.recent.is_empty() {
        ui.weak(t.no_recent);
    }
    for (entry, label) in app
        .settings
        .recent
        .iter()
        .zip(recent_labels(&app.settings.recent))
    {
        if ui
            .button(&label)
            .on_hover_text(entry.path.display().to_string())
            .clicked()
        {
            commands.push(Command::Open(entry.path.clone()));
            ui.close();
        }
    }
}

fn find_ui(
    ui: &mut Ui,
    app: &PizhuApp,
    t: &super::i18n::Strings,
    commands: &mut Vec<Command>,
) -> bool {
    let pressed = ui
        .selectable_label(app.find.open, t.find)
        .on_hover_text(keymap::hover(t.find, Does::Find, t.lang.is_zh()))
        .clicked();
    if pressed {
        commands.push(if app.find.open {
            Command::CloseFind
        } else {
            Command::OpenFind
        });
    }
    pressed
}

fn blanks_ui(
    ui: &mut Ui,
    app: &PizhuApp,
    t: &super::i18n::Strings,
    commands: &mut Vec<Command>,
) -> bool {
    let blanks = app
        .current
        .as_ref()
        .map_or(0, |d| d.outline.placeholders.len());
    let hover = keymap::hover(t.blanks, Does::ShowBlanks, t.lang.is_zh());
    let pressed = ui
        .selectable_label(app.show_blanks, format!("{} {blanks}", t.blanks))
        .on_hover_text(format!("{hover} · F8 / Shift+F8"))
        .clicked();
    if pressed {
        commands.push(Command::ShowBlanks(!app.show_blanks));
    }
    pressed
}

/// −, the zoom (which resets it) and +.
fn zoom_ui(ui: &mut Ui, app: &PizhuApp, t: &super::i18n::Strings, commands: &mut Vec<Command>) {
    let zh = t.lang.is_zh();
    let out = ui
        .button("−")
        .on_hover_text(keymap::hover(t.zoom_out, Does::ZoomOut, zh));
    out.widget_info(|| WidgetInfo::labeled(Role::Button, true, t.zoom_out));
    if out.clicked() {
        commands.push(Command::Zoom(-1));
    }
    let pct = format!("{:.0}%", app.settings.zoom * 100.0);
    let reset = ui
        .button(&pct)
        .on_hover_text(keymap::hover(t.zoom_reset, Does::ZoomReset, zh));
    reset
        .widget_info(|| WidgetInfo::labeled(Role::Button, true, format!("{} {pct}", t.zoom_reset)));
    if reset.clicked() {
        commands.push(Command::Zoom(0));
    }
    let zin = ui
        .button("+")
        .on_hover_text(keymap::hover(t.zoom_in, Does::ZoomIn, zh));
    zin.widget_info(|| WidgetInfo::labeled(Role::Button, true, t.zoom_in));
    if zin.clicked() {
        commands.push(Command::Zoom(1));
    }
}

/// Hide ads and web residue: a short label, read out by its full name.
fn boilerplate_ui(
    ui: &mut Ui,
    app: &PizhuApp,
    t: &super::i18n::Strings,
    commands: &mut Vec<Command>,
) -> bool {
    let on = app.settings.hide_boilerplate;
    let toggle = ui.selectable_label(on, t.hide_boilerplate_short);
    toggle.widget_info(|| WidgetInfo::selected(Role::Button, true, on, t.hide_boilerplate));
    let pressed = toggle
        .on_hover_text(keymap::hover(
            t.hide_boilerplate,
            Does::ToggleBoilerplate,
            t.lang.is_zh(),
        ))
        .clicked();
    if pressed {
        commands.push(Command::ToggleHideBoilerplate);
    }
    pressed
}

/// The Settings button; whether it was pressed.
fn settings_ui(ui: &mut Ui, t: &super::i18n::Strings) -> bool {
    ui.button(t.settings)
        .on_hover_text(keymap::hover(t.settings, Does::Settings, t.lang.is_zh()))
        .clicked()
}

/// The top bar's "⋯" menu: what is used less, and what a narrow bar (`level`) moved here,
/// each with its key on hover.
fn more_menu_ui(
    ui: &mut Ui,
    app: &PizhuApp,
    t: &super::i18n::Strings,
    level: usize,
    reading: bool,
    commands: &mut Vec<Command>,
) {
    let zh = t.lang.is_zh();
    let mut pressed = false;
    if level >= 3 {
        pressed |= views_ui(ui, app, t, commands);
        if reading {
            pressed |= find_ui(ui, app, t, commands);
        }
        ui.separator();
    }
    if level >= 1 {
        ui.menu_button(t.recent, |ui| recent_menu_ui(ui, app, t, commands));
    }
    if ui
        .button(t.paste_document)
        .on_hover_text(keymap::hover(
            t.paste_document_hint,
            Does::PasteDocument,
            zh,
        ))
        .clicked()
    {
        commands.push(Command::PasteDocument);
        ui.close();
    }
    if level >= 2 {
        ui.horizontal(|ui| zoom_ui(ui, app, t, commands));
    }
    ui.menu_button(t.theme, |ui| {
        for (theme, label) in super::theme_choices(t) {
            if ui.radio(app.settings.theme == theme, label).clicked() {
                commands.push(Command::SetTheme(theme));
                ui.close();
            }
        }
    })
    .response
    .on_hover_text(keymap::hover(t.theme, Does::NextTheme, zh));
    if level >= 2 && settings_ui(ui, t) {
        commands.push(Command::ShowSettings(!app.show_settings));
        pressed = true;
    }
    if reading {
        ui.separator();
        if level >= 2 {
            pressed |= blanks_ui(ui, app, t, commands);
        }
        if level >= 1 {
            pressed |= boilerplate_ui(ui, app, t, commands);
        }
        pressed |= toggles_ui(ui, app, t, commands);
    }
    if pressed {
        ui.close();
    }
}

/// The status bar and official style, on and off.
fn toggles_ui(
    ui: &mut Ui,
    app: &PizhuApp,
    t: &super::i18n::Strings,
    commands: &mut Vec<Command>,
) -> bool {
    let mut pressed = false;
    for (on, label, hint, command) in [
        (
            app.settings.show_status_bar,
            t.status_bar,
            "",
            Command::ToggleStatusBar,
        ),
        (
            app.settings.official_style,
            t.official_style,
            t.official_style_hint,
            Command::ToggleOfficialStyle,
        ),
    ] {
        let toggle = ui.selectable_label(on, label);
        let toggle = if hint.is_empty() {
            toggle
        } else {
            toggle.on_hover_text(hint)
        };
        if toggle.clicked() {
            commands.push(command);
            pressed = true;
        }
    }
    pressed
}

/// The Recent menu's labels: each document's title (its path when it has none); a title
/// that more than one entry has gets its format, its folder and the date it was last
/// opened beside it, so that the entries can be told apart.
pub fn recent_labels(recent: &[super::settings::RecentDocument]) -> Vec<String> {
    let title = |r: &super::settings::RecentDocument| {
        if r.title.is_empty() {
            r.path.display().to_string()
        } else {
            r.title.clone()
        }
    };
    let titles: Vec<String> = recent.iter().map(title).collect();
    recent
        .iter()
        .zip(&titles)
        .map(|(entry, t)| {
            if titles.iter().filter(|other| *other == t).count() < 2 {
                return t.clone();
            }
            let mut beside = Vec::new();
            if let Some(ext) = entry.path.extension() {
                beside.push(ext.to_string_lossy().to_uppercase());
            }
            if let Some(folder) = entry.path.parent().and_then(|p| p.file_name()) {
                beside.push(folder.to_string_lossy().into_owned());
            }
            if entry.opened > 0
                && let Ok(when) = jiff::Timestamp::from_second(entry.opened)
            {
                let day = when.to_zoned_datetime(jiff::tz::TimeZone::system());
                beside.push(day.strftime("%Y-%m-%d").to_string());
            }
            if beside.is_empty() {
                t.clone()
            } else {
                format!("{t} — {}", beside.join(" · "))
            }
        })
        .collect()
}

/// The status bar: where you are, how long it is, the encoding.
pub fn status_bar_ui(app: &mut PizhuApp, ui: &mut Ui) {
    let t = app.t();
    let Some(doc) = app.current.as_ref() else {
        return;
    };
    let top = app.reader.top_char().unwrap_or(0);
    // The same section the outline tree shows as current.
    let current = super::outline_panel::section_in_view(app);
    let breadcrumb = current
        .map(|i| {
            doc.outline
                .path_to(i)
                .into_iter()
                .map(|j| node_label(&doc.outline, j))
                .collect::<Vec<_>>()
                .join(" › ")
        })
        .unwrap_or_else(|| doc.display_title().to_owned());
    // The top-level section's counts (what a speaker times), computed once per section.
    let top_level = current.map(|i| doc.outline.path_to(i)[0]);
    let section = top_level.map(|top| doc.section_counts(top));
    let percent = if doc.doc.char_count == 0 {
        0.0
    } else {
        top as f32 * 100.0 / doc.doc.char_count as f32
    };
    // A large document's counts arrive from a worker a moment after it shows.
    let total = doc.stats.as_ref().map(|s| &s.total);
    // An empty document has no length to tell ("0 字 · 约 1 分钟" would be noise).
    let empty = doc.doc.text.trim().is_empty();
    let bar = egui::Panel::bottom("status-bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(format!("{} {}", t.encoding, doc.doc.encoding));
                ui.separator();
                ui.label(match total {
                    _ if empty => t.empty_document(false).to_owned(),
                    Some(total) => format!(
                        "{} {} {} · {}",
                        t.whole_document,
                        total.words,
                        t.characters,
                        t.speaking_time(total.speaking_seconds)
                    ),
                    None => format!("{} …", t.whole_document),
                });
                if let Some(c) = section.as_ref().filter(|_| !empty) {
                    ui.separator();
                    ui.label(format!(
                        "{} {} {} · {}",
                        t.this_section,
                        c.words,
                        t.characters,
                        t.speaking_time(c.speaking_seconds)
                    ));
                }
                ui.separator();
                // As wide as "100%" whatever the number: the path beside it keeps its width
                // (and its text laid out) while the page scrolls.
                let widest = ui
                    .painter()
                    .layout_no_wrap(
                        format!("{} 100%", t.position),
                        egui::TextStyle::Body.resolve(ui.style()),
                        egui::Color32::PLACEHOLDER,
                    )
                    .size();
                ui.allocate_ui_with_layout(
                    widest,
                    egui::Layout::right_to_left(egui::Align::Center),
                    |ui| {
                        ui.set_min_width(widest.x);
                        ui.label(format!("{} {percent:.0}%", t.position))
                    },
                );
                ui.separator();
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    let crumb = ui.add(egui::Label::new(&breadcrumb).truncate());
                    crumb.widget_info(|| WidgetInfo::labeled(Role::Status, true, &breadcrumb));
                });
            });
        });
    });
    app.room.bars.1 = bar.response.rect.height();
}

/// The settings window.
pub fn settings_window_ui(app: &mut PizhuApp, ctx: &egui::Context) {
    let t = app.t();
    let mut open = true;
    let mut commands = Vec::new();
    let mut citation_changed = false;
    let mut reading_changed = (false, false);
    // One id and one width in both languages (the title changes with the language; the
    // window must not move or jump), below the top bar, apart from the export window.
    egui::Window::new(t.settings)
        .id(egui::Id::unique(super::export_window::SETTINGS_WINDOW))
        .open(&mut open)
        .resizable(false)
        .min_width(super::export_window::SETTINGS_WIDTH)
        .default_pos(super::export_window::settings_default_pos(ctx))
        .collapsible(false)
        .show(ctx, |ui| {
            egui::Grid::new("settings-grid")
                .num_columns(2)
                .spacing([16.0, 8.0])
                .show(ui, |ui| {
                    ui.label(t.language);
                    ui.horizontal(|ui| {
                        for (pref, label) in [
                            (LanguagePref::Auto, t.language_auto),
                            (LanguagePref::Chinese, "简体中文"),
                            (LanguagePref::English, "English"),
                        ] {
                            if ui.radio(app.settings.language == pref, label).clicked() {
                                commands.push(Command::SetLanguage(pref));
                            }
                        }
                    });
                    ui.end_row();
                    ui.label(t.theme);
                    ui.horizontal(|ui| {
                        for (theme, label) in super::theme_choices(t) {
                            if ui.radio(app.settings.theme == theme, label).clicked() {
                                commands.push(Command::SetTheme(theme));
                            }
                        }
                    });
                    ui.end_row();
                    ui.label(format!("{} / {}", t.zoom_in, t.zoom_out));
                    ui.horizontal(|ui| {
                        let out = ui.button("−");
                        out.widget_info(|| WidgetInfo::labeled(Role::Button, true, t.zoom_out));
                        if out.clicked() {
                            commands.push(Command::Zoom(-1));
                        }
                        ui.label(format!("{:.0}%", app.settings.zoom * 100.0));
                        let zin = ui.button("+");
                        zin.widget_info(|| WidgetInfo::labeled(Role::Button, true, t.zoom_in));
                        if zin.clicked() {
                            commands.push(Command::Zoom(1));
                        }
                    });
                    ui.end_row();
                    ui.label(t.official_style);
                    let mut official = app.settings.official_style;
                    if ui.checkbox(&mut official, t.official_style_hint).changed() {
                        commands.push(Command::ToggleOfficialStyle);
                    }
                    ui.end_row();
                    ui.label(t.hide_boilerplate);
                    let mut hide = app.settings.hide_boilerplate;
                    if ui.checkbox(&mut hide, t.hide).changed() {
                        commands.push(Command::ToggleHideBoilerplate);
                    }
                    ui.end_row();
                    ui.label(t.citation_format);
                    let cite = ui.add(
                        egui::TextEdit::singleline(&mut app.settings.citation_format)
                            .desired_width(260.0),
                    );
                    cite.widget_info(|| {
                        WidgetInfo::text_edit(
                            true,
                            "",
                            &app.settings.citation_format,
                            t.citation_format,
                        )
                    });
                    if cite.on_hover_text(t.citation_format_hint).changed() {
                        citation_changed = true;
                    }
                    ui.end_row();
                    author_row(ui, t.lang, &app.settings.author, &mut commands);
                    if let Some(store) = app.current.as_ref().and_then(|d| d.notes.store_path()) {
                        ui.label(t.notes_file);
                        ui.vertical(|ui| {
                            ui.add(
                                egui::Label::new(
                                    egui::RichText::new(store.display().to_string())
                                        .small()
                                        .weak(),
                                )
                                .wrap(),
                            );
                            if ui
                                .button(t.restore_backup)
                                .on_hover_text(t.restore_backup_hint)
                                .clicked()
                            {
                                commands.push(Command::Act(Act::RestoreBackup));
                            }
                        });
                        ui.end_row();
                    }
                });
            reading_changed = reading_ui(app, ui);
            super::rules_editor::rules_ui(app, ui);
        });
    if citation_changed {
        app.mark_settings_dirty();
    }
    if reading_changed.0 {
        if reading_changed.1 {
            app.install_fonts(ctx);
        }
        app.mark_settings_dirty();
        ctx.request_repaint();
    }
    if !open {
        commands.push(Command::ShowSettings(false));
    }
    for c in commands {
        app.push(c);
    }
}

/// The settings window's Reading section: face, line height, paragraph spacing, indent,
/// column width, margins, justification, and a reset. Whether something changed, and
/// whether the face did.
fn reading_ui(app: &mut PizhuApp, ui: &mut egui::Ui) -> (bool, bool) {
    use crate::app::settings::{
        COLUMN_CHARS_RANGE, LINE_HEIGHT_RANGE, MARGIN_RANGE, PARAGRAPH_SPACING_RANGE, Reading,
        ReadingFont,
    };
    let t = app.t();
    let r = t.reading();
    let before = app.settings.reading;
    let official = app.settings.official_style;
    let reading = &mut app.settings.reading;
    ui.separator();
    ui.strong(r.title);
    egui::Grid::new("settings-reading")
        .num_columns(2)
        .spacing([16.0, 8.0])
        .show(ui, |ui| {
            ui.label(r.font);
            let name = |f: ReadingFont| {
                ReadingFont::ALL
                    .iter()
                    .position(|&x| x == f)
                    .map_or("", |i| r.font_names[i])
            };
            // Official style sets body text in 仿宋: the choice waits until it is off.
            let combo = ui
                .add_enabled_ui(!official, |ui| {
                    egui::ComboBox::from_id_salt("reading-font")
                        .selected_text(name(reading.font))
                        .width(160.0)
                        .show_ui(ui, |ui| {
                            for f in ReadingFont::ALL {
                                ui.selectable_value(&mut reading.font, f, name(f));
                            }
                        })
                        .response
                })
                .inner;
            combo.widget_info(|| WidgetInfo::labeled(Role::ComboBox, !official, r.font));
            if official {
                combo.on_disabled_hover_text(r.font_in_official);
            }
            ui.end_row();
            let slider = |ui: &mut egui::Ui,
                          label: &str,
                          value: &mut f32,
                          (lo, hi): (f32, f32),
                          step: f64,
                          decimals: usize| {
                ui.label(label);
                let response = ui.add(
                    egui::Slider::new(value, lo..=hi)
                        .step_by(step)
                        .fixed_decimals(decimals),
                );
                let v = f64::from(*value);
                response.widget_info(|| WidgetInfo::slider(true, v, label));
                ui.end_row();
            };
            slider(
                ui,
                r.line_height,
                &mut reading.line_height,
                LINE_HEIGHT_RANGE,
                0.05,
                2,
            );
            slider(
                ui,
                r.paragraph_spacing,
                &mut reading.paragraph_spacing,
                PARAGRAPH_SPACING_RANGE,
                0.05,
                2,
            );
            slider(
                ui,
                r.column_width,
                &mut reading.column_chars,
                COLUMN_CHARS_RANGE,
                1.0,
                0,
            );
            slider(ui, r.margins, &mut reading.margin, MARGIN_RANGE, 2.0, 0);
            ui.label("");
            ui.checkbox(&mut reading.first_line_indent, r.first_line_indent);
            ui.end_row();
            ui.label("");
            ui.checkbox(&mut reading.justify, r.justify);
            ui.end_row();
        });
    if ui.button(r.reset).clicked() {
        *reading = Reading::default();
    }
    // Faces asked for (official style, a system reading face) that are not installed.
    if let Some(faces) = &app.official_faces {
        for missing in faces.missing(app.settings.official_style, app.settings.reading.font) {
            ui.label(
                egui::RichText::new(
                    t.face_missing(missing.wanted, missing.used == super::fonts::SANS_NAME),
                )
                .weak(),
            );
        }
    }
    app.settings.reading = app.settings.reading.sanitized();
    let after = app.settings.reading;
    (after != before, after.font != before.font)
}

/// Settings: the name the annotated document signs the reader's comments with.
fn author_row(
    ui: &mut egui::Ui,
    lang: crate::lang::Lang,
    author: &str,
    commands: &mut Vec<Command>,
) {
    let (label, hint) = match lang {
        crate::lang::Lang::Zh => (
            "批注署名",
            "导出批注版 Word 文档时批注的作者（空：系统用户名）",
        ),
        crate::lang::Lang::En => (
            "Comment author",
            "The author of the comments in an exported annotated Word document (empty: the login name)",
        ),
    };
    ui.label(label);
    let mut name = author.to_owned();
    let edit = ui.add(
        egui::TextEdit::singleline(&mut name)
            .hint_text(super::export_window::comment_author(""))
            .desired_width(200.0),
    );
    edit.widget_info(|| WidgetInfo::text_edit(true, "", &name, label));
    if edit.on_hover_text(hint).changed() {
        commands.push(Command::SetAuthor(name));
    }
    ui.end_row();
}
