//! Moving around: the list of blanks to fill and the keyboard shortcuts sheet.

use egui::{Role, Ui, WidgetInfo};

use super::{Command, PizhuApp};

/// Chars of context shown on each side of a blank.
const BLANK_CONTEXT: usize = 14;

/// The blanks-to-fill window: every placeholder with its context, in order.
pub fn blanks_window_ui(app: &mut PizhuApp, ctx: &egui::Context) {
    let t = app.t();
    let Some(doc) = app.current.as_ref() else {
        return;
    };
    let mut open = true;
    let mut commands = Vec::new();
    let count = doc.outline.placeholders.len();
    egui::Window::new(format!("{} · {count}", t.blanks))
        .id(egui::Id::unique("blanks-window"))
        .open(&mut open)
        .default_width(420.0)
        .default_pos(egui::pos2(ctx.content_rect().right() - 460.0, 90.0))
        .show(ctx, |ui| {
            if count == 0 {
                ui.weak(t.no_blanks);
                return;
            }
            ui.horizontal(|ui| {
                if ui.button(t.prev_blank).clicked() {
                    commands.push(Command::NextBlank(-1));
                }
                if ui.button(t.next_blank).clicked() {
                    commands.push(Command::NextBlank(1));
                }
            });
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    for (i, p) in doc.outline.placeholders.iter().enumerate() {
                        let before = doc.doc.slice(crate::document::TextRange::new(
                            p.range.start.saturating_sub(BLANK_CONTEXT),
                            p.range.start,
                        ));
                        let after = doc.doc.slice(crate::document::TextRange::new(
                            p.range.end,
                            (p.range.end + BLANK_CONTEXT).min(doc.doc.char_count),
                        ));
                        let before = before.rsplit('\n').next().unwrap_or("");
                        let after = after.split('\n').next().unwrap_or("");
                        let current = app.blank_current == Some(i);
                        let label = format!("{}. …{before}【{}】{after}…", i + 1, p.text);
                        let resp = ui.add(egui::Button::selectable(current, &label).truncate());
                        resp.widget_info(|| {
                            WidgetInfo::selected(Role::Button, true, current, &label)
                        });
                        if resp.clicked() {
                            commands.push(Command::GoToBlank(i));
                        }
                    }
                });
        });
    if !open {
        commands.push(Command::ShowBlanks(false));
    }
    for c in commands {
        app.push(c);
    }
}

/// One row of the shortcuts sheet: keys (Chinese, English), what they do (Chinese, English).
type Shortcut = (&'static str, &'static str, &'static str, &'static str);

/// Every keyboard shortcut, grouped.
pub const SHORTCUTS: &[(&str, &str, &[Shortcut])] = &[
    (
        "文档",
        "Document",
        &[
            ("Ctrl+O", "Ctrl+O", "打开文档", "Open a document"),
            (
                "Ctrl+E",
                "Ctrl+E",
                "导出批注或提纲",
                "Export annotations or the outline",
            ),
            (
                "Ctrl+Q",
                "Ctrl+Q",
                "退出（一切已保存）",
                "Quit (everything is saved)",
            ),
            (
                "Ctrl+= / Ctrl+- / Ctrl+0",
                "Ctrl+= / Ctrl+- / Ctrl+0",
                "放大 / 缩小 / 原始大小",
                "Zoom in / out / actual size",
            ),
            (
                "Ctrl+1 / Ctrl+2",
                "Ctrl+1 / Ctrl+2",
                "显示或隐藏提纲 / 批注面板",
                "Show or hide the outline / annotations panel",
            ),
            ("Ctrl+3", "Ctrl+3", "待填写列表", "Blanks to fill"),
            (
                "Ctrl+B",
                "Ctrl+B",
                "隐藏或显示广告与网页残留",
                "Hide or show ads and web residue",
            ),
            ("Ctrl+T", "Ctrl+T", "切换主题", "Next theme"),
            ("Ctrl+,", "Ctrl+,", "设置", "Settings"),
            ("F1 / ?", "F1 / ?", "快捷键", "Keyboard shortcuts"),
        ],
    ),
    (
        "阅读与跳转",
        "Reading and moving",
        &[
            (
                "Space / Shift+Space, PageDown / PageUp",
                "Space / Shift+Space, PageDown / PageUp",
                "翻页",
                "Page down / up",
            ),
            ("↑ / ↓", "↑ / ↓", "滚动一行", "Scroll a line"),
            ("Home / End", "Home / End", "开头 / 结尾", "Start / end"),
            (
                "Alt+↑ / Alt+↓",
                "Alt+↑ / Alt+↓",
                "上一个 / 下一个标题",
                "Previous / next heading",
            ),
            (
                "Alt+← / Alt+→ (鼠标侧键)",
                "Alt+← / Alt+→ (mouse side buttons)",
                "后退 / 前进",
                "Back / forward",
            ),
            (
                "F6",
                "F6",
                "在提纲与正文之间切换",
                "Move between the outline and the text",
            ),
            (
                "↑ ↓ ← → Enter Home End",
                "↑ ↓ ← → Enter Home End",
                "在提纲中移动、折叠、展开、跳转",
                "Move, collapse, expand, jump in the outline",
            ),
            (
                "F8 / Shift+F8",
                "F8 / Shift+F8",
                "下一处 / 上一处待填写",
                "Next / previous blank",
            ),
        ],
    ),
    (
        "查找",
        "Find",
        &[
            ("Ctrl+F", "Ctrl+F", "查找", "Find"),
            (
                "Enter / Shift+Enter, F3 / Shift+F3",
                "Enter / Shift+Enter, F3 / Shift+F3",
                "下一个 / 上一个结果",
                "Next / previous match",
            ),
            ("Esc", "Esc", "关闭查找", "Close find"),
        ],
    ),
    (
        "选择与批注",
        "Selecting and annotating",
        &[
            (
                "拖动 / Shift+单击",
                "Drag / Shift+click",
                "选择 / 扩展选择",
                "Select / extend the selection",
            ),
            (
                "双击 / 三击",
                "Double / triple click",
                "选中一段词句 / 整句",
                "Select a phrase / a sentence",
            ),
            (
                "Alt+单击",
                "Alt+click",
                "高亮整句",
                "Highlight the sentence",
            ),
            (
                "Ctrl+A / Ctrl+C",
                "Ctrl+A / Ctrl+C",
                "全选 / 复制",
                "Select all / copy",
            ),
            ("H", "H", "用上次的颜色高亮", "Highlight in the last colour"),
            (
                "1–5",
                "1–5",
                "用黄、绿、蓝、粉、紫高亮（或改色）",
                "Highlight (or recolour) yellow, green, blue, pink, purple",
            ),
            ("U", "U", "下划线", "Underline"),
            ("N", "N", "写笔记", "Write a note"),
            (
                "Delete",
                "Delete",
                "删除选中的高亮",
                "Delete the selected highlight",
            ),
            (
                "Ctrl+Z / Ctrl+Shift+Z",
                "Ctrl+Z / Ctrl+Shift+Z",
                "撤销 / 重做批注修改",
                "Undo / redo annotation changes",
            ),
            ("Esc", "Esc", "取消选择", "Clear the selection"),
        ],
    ),
];

/// The shortcuts sheet (F1).
pub fn shortcuts_window_ui(app: &mut PizhuApp, ctx: &egui::Context) {
    let t = app.t();
    let zh = std::ptr::eq(t, &super::i18n::ZH);
    let mut open = true;
    egui::Window::new(t.shortcuts)
        .id(egui::Id::unique("shortcuts-window"))
        .open(&mut open)
        .default_width(560.0)
        .collapsible(false)
        .show(ctx, |ui: &mut Ui| {
            egui::ScrollArea::vertical()
                .max_height(560.0)
                .show(ui, |ui| {
                    // One grid, so the columns line up across the groups.
                    egui::Grid::new("shortcuts-grid")
                        .num_columns(2)
                        .spacing([18.0, 4.0])
                        .striped(true)
                        .show(ui, |ui| {
                            for (group_zh, group_en, rows) in SHORTCUTS {
                                ui.strong(if zh { *group_zh } else { *group_en });
                                ui.end_row();
                                for (keys_zh, keys_en, what_zh, what_en) in rows.iter() {
                                    ui.strong(if zh { *keys_zh } else { *keys_en });
                                    ui.label(if zh { *what_zh } else { *what_en });
                                    ui.end_row();
                                }
                            }
                        });
                });
        });
    if !open {
        app.push(Command::ShowShortcuts(false));
    }
}
