//! Every key binding in one table: what each key does, where it works, and how the shortcuts
//! sheet (F1) and hover texts name it. The window turns these chords into egui input
//! (`app::keys`); nothing else in the program decides what a key means.

/// A modifier combination. `command` is Ctrl (⌘ on a Mac).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mods {
    /// Ctrl / ⌘.
    pub command: bool,
    /// Shift.
    pub shift: bool,
    /// Alt / ⌥.
    pub alt: bool,
}

impl Mods {
    /// No modifier.
    pub const NONE: Self = Self::new(false, false, false);
    /// Ctrl (⌘).
    pub const CMD: Self = Self::new(true, false, false);
    /// Shift.
    pub const SHIFT: Self = Self::new(false, true, false);
    /// Alt.
    pub const ALT: Self = Self::new(false, false, true);
    /// Ctrl+Shift.
    pub const CMD_SHIFT: Self = Self::new(true, true, false);
    /// Ctrl (Cmd on macOS) and Alt.
    pub const CMD_ALT: Self = Self::new(true, false, true);

    const fn new(command: bool, shift: bool, alt: bool) -> Self {
        Self {
            command,
            shift,
            alt,
        }
    }
}

/// A key, a mouse button or a pointer gesture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// A letter key (upper case).
    Letter(char),
    /// A digit key 0–9.
    Digit(u8),
    /// A function key F1–F12.
    F(u8),
    /// `=`.
    Equals,
    /// `+`.
    Plus,
    /// `-`.
    Minus,
    /// `,`.
    Comma,
    /// The typed character `?` (or full-width `？`), whatever keys make it.
    Question,
    /// Space bar.
    Space,
    /// Page Up.
    PageUp,
    /// Page Down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// ↑.
    ArrowUp,
    /// ↓.
    ArrowDown,
    /// ←.
    ArrowLeft,
    /// →.
    ArrowRight,
    /// Enter.
    Enter,
    /// Esc.
    Escape,
    /// Delete.
    Delete,
    /// Backspace.
    Backspace,
    /// The mouse's back side button.
    MouseBack,
    /// The mouse's forward side button.
    MouseForward,
    /// The system's copy command (Ctrl+C or the Copy key / menu).
    CopyEvent,
    /// The system's paste command (Ctrl+V, Shift+Insert or the Paste key), with the
    /// clipboard's text.
    PasteEvent,
    /// A pointer gesture on the text (shown in the sheet, handled by the reader).
    Gesture(Gesture),
}

/// Pointer gestures on the body text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gesture {
    /// Press and drag.
    Drag,
    /// Click with Shift held.
    ShiftClick,
    /// Double click.
    DoubleClick,
    /// Triple click.
    TripleClick,
    /// Click with Alt held.
    AltClick,
}

/// One way to trigger an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Chord {
    /// Modifiers held.
    pub mods: Mods,
    /// The key.
    pub key: Key,
}

impl Chord {
    /// `key` with `mods`.
    pub const fn new(mods: Mods, key: Key) -> Self {
        Self { mods, key }
    }

    /// How the chord is written, e.g. `Ctrl+Shift+Z`, `Alt+←`, `Esc`.
    pub fn label(&self, zh: bool) -> String {
        let mut out = String::new();
        if self.mods.command {
            out.push_str("Ctrl+");
        }
        if self.mods.alt {
            out.push_str("Alt+");
        }
        if self.mods.shift {
            out.push_str("Shift+");
        }
        let key: String = match self.key {
            Key::Letter(c) => c.to_string(),
            Key::Digit(d) => d.to_string(),
            Key::F(n) => format!("F{n}"),
            Key::Equals => "=".into(),
            Key::Plus => "+".into(),
            Key::Minus => "-".into(),
            Key::Comma => ",".into(),
            Key::Question => "?".into(),
            Key::Space => "Space".into(),
            Key::PageUp => "PageUp".into(),
            Key::PageDown => "PageDown".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
            Key::ArrowUp => "↑".into(),
            Key::ArrowDown => "↓".into(),
            Key::ArrowLeft => "←".into(),
            Key::ArrowRight => "→".into(),
            Key::Enter => "Enter".into(),
            Key::Escape => "Esc".into(),
            Key::Delete => "Delete".into(),
            Key::Backspace => "Backspace".into(),
            Key::MouseBack => pick(zh, "鼠标后退键", "mouse back button").into(),
            Key::MouseForward => pick(zh, "鼠标前进键", "mouse forward button").into(),
            Key::CopyEvent => pick(zh, "复制", "Copy").into(),
            Key::PasteEvent => pick(zh, "粘贴", "Paste").into(),
            Key::Gesture(g) => match g {
                Gesture::Drag => pick(zh, "拖动", "Drag"),
                Gesture::ShiftClick => pick(zh, "Shift+单击", "Shift+click"),
                Gesture::DoubleClick => pick(zh, "双击", "Double click"),
                Gesture::TripleClick => pick(zh, "三击", "Triple click"),
                Gesture::AltClick => pick(zh, "Alt+单击", "Alt+click"),
            }
            .into(),
        };
        // A gesture names its own modifier.
        if matches!(self.key, Key::Gesture(_)) {
            return key;
        }
        out.push_str(&key);
        out
    }
}

fn pick(zh: bool, a: &'static str, b: &'static str) -> &'static str {
    if zh { a } else { b }
}

/// Where a binding works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Anywhere in the window, even while typing in a text field.
    Window,
    /// Anywhere, unless a text field has the keyboard.
    WindowNotTyping,
    /// The body text, when it has the keyboard or nothing has.
    Reader,
    /// The body text with a text selection.
    Selection,
    /// The body text with an annotation selected.
    Annotation,
    /// The outline tree, when it has the keyboard.
    Outline,
    /// A side panel opened over the text (on a narrow window or in focus mode).
    Overlay,
    /// Focus mode, when the text has nothing else to let go (no selection, find closed).
    Focus,
    /// The find field.
    FindField,
    /// The tag field of the annotations panel.
    TagField,
    /// The library or the notebook, when no text field has the keyboard.
    Shelf,
    /// The note and tag fields of the notebook's selected entry.
    NotebookEditor,
}

/// The sheet's sections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    /// Opening, exporting, panels, settings.
    Document,
    /// Scrolling and jumping.
    Reading,
    /// The find bar.
    Find,
    /// Selecting, highlighting, notes.
    Annotating,
}

impl Group {
    /// All groups in sheet order.
    pub const ALL: [Group; 4] = [
        Group::Document,
        Group::Reading,
        Group::Find,
        Group::Annotating,
    ];

    /// The group's heading.
    pub fn title(self, zh: bool) -> &'static str {
        match self {
            Group::Document => pick(zh, "文档", "Document"),
            Group::Reading => pick(zh, "阅读与跳转", "Reading and moving"),
            Group::Find => pick(zh, "查找", "Find"),
            Group::Annotating => pick(zh, "选择与批注", "Selecting and annotating"),
        }
    }
}

/// Everything a key can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Open a document.
    Open,
    /// Open the clipboard's text as a new document.
    PasteDocument,
    /// The library: every document.
    Library,
    /// The notebook (金句库): every highlight and note.
    Notebook,
    /// From the library or the notebook back to the open document.
    BackToReading,
    /// Save the note edited in the notebook.
    SaveNote,
    /// Export annotations or the outline.
    Export,
    /// Export the annotated document (a Word file with comments).
    ExportAnnotated,
    /// Quit.
    Quit,
    /// Zoom in.
    ZoomIn,
    /// Zoom out.
    ZoomOut,
    /// Actual size.
    ZoomReset,
    /// Show or hide the outline panel.
    ToggleOutline,
    /// Show or hide the annotations panel.
    ToggleAnnotations,
    /// Focus mode: the text alone.
    FocusMode,
    /// Close the side panel opened over the text.
    CloseOverlay,
    /// The list of blanks to fill.
    ShowBlanks,
    /// Hide or show boilerplate.
    ToggleBoilerplate,
    /// Next colour theme.
    NextTheme,
    /// Settings.
    Settings,
    /// This sheet.
    Shortcuts,
    /// Page down.
    PageDown,
    /// Page up.
    PageUp,
    /// Scroll a line down.
    LineDown,
    /// Scroll a line up.
    LineUp,
    /// Go to the start.
    Start,
    /// Go to the end.
    End,
    /// Previous heading.
    PreviousHeading,
    /// Next heading.
    NextHeading,
    /// Back across the last jump.
    Back,
    /// Forward again.
    Forward,
    /// Move the keyboard between the outline and the text.
    CycleFocus,
    /// Outline: previous row.
    OutlineUp,
    /// Outline: next row.
    OutlineDown,
    /// Outline: collapse, or go to the parent.
    OutlineCollapse,
    /// Outline: expand, or go to the first child.
    OutlineExpand,
    /// Outline: jump to the row's heading.
    OutlineJump,
    /// Outline: first row.
    OutlineFirst,
    /// Outline: last row.
    OutlineLast,
    /// Next blank to fill.
    NextBlank,
    /// Previous blank.
    PreviousBlank,
    /// Open the find bar.
    Find,
    /// Next match.
    FindNext,
    /// Previous match.
    FindPrevious,
    /// Close the find bar.
    CloseFind,
    /// Select text.
    Select,
    /// Extend the selection.
    ExtendSelection,
    /// Select a phrase.
    SelectPhrase,
    /// Select a sentence.
    SelectSentence,
    /// Highlight the sentence under the pointer.
    HighlightSentence,
    /// Select all.
    SelectAll,
    /// Copy the selection or the selected highlight's text.
    Copy,
    /// Highlight in the last colour.
    Highlight,
    /// Highlight (or recolour) in colour 1–5.
    Colour(u8),
    /// Underline (or toggle underline).
    Underline,
    /// Write a note.
    Note,
    /// Delete the selected highlight.
    Delete,
    /// Undo an annotation change.
    Undo,
    /// Redo.
    Redo,
    /// Clear the selection.
    ClearSelection,
    /// Add the tag typed in the tag field.
    AddTag,
    /// Make the paragraph at the caret (or the selection) a heading at this level in the
    /// outline (1–4); 0 removes the reader's corrections of it.
    HeadingLevel(u8),
    /// Leave the outline's rename field without renaming.
    CancelRename,
}

/// One row of the keymap.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    /// What it does.
    pub action: Action,
    /// The chords that trigger it, the first being the one hover texts show.
    pub chords: &'static [Chord],
    /// Where it works.
    pub scope: Scope,
    /// Its section in the sheet.
    pub group: Group,
    /// What it does, in Chinese.
    pub zh: &'static str,
    /// What it does, in English.
    pub en: &'static str,
}

impl Binding {
    /// What it does, in the language asked for.
    pub fn what(&self, zh: bool) -> &'static str {
        pick(zh, self.zh, self.en)
    }

    /// Its chords, written out: `Ctrl+Shift+Z / Ctrl+Y`.
    pub fn keys(&self, zh: bool) -> String {
        self.chords
            .iter()
            .map(|c| c.label(zh))
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

const fn c(mods: Mods, key: Key) -> Chord {
    Chord::new(mods, key)
}

const fn k(key: Key) -> Chord {
    Chord::new(Mods::NONE, key)
}

const fn cmd(key: Key) -> Chord {
    Chord::new(Mods::CMD, key)
}

const fn gesture(g: Gesture) -> Chord {
    Chord::new(Mods::NONE, Key::Gesture(g))
}

macro_rules! bind {
    ($action:expr, [$($chord:expr),+ $(,)?], $scope:ident, $group:ident, $zh:expr, $en:expr) => {
        Binding {
            action: $action,
            chords: &[$($chord),+],
            scope: Scope::$scope,
            group: Group::$group,
            zh: $zh,
            en: $en,
        }
    };
}

/// Every binding. Order is the sheet's order within each group; where two bindings share a
/// chord, their scopes never overlap (a test checks it).
#[rustfmt::skip]
pub const KEYMAP: &[Binding] = &[
    // Document
    bind!(Action::Open, [cmd(Key::Letter('O'))], Window, Document, "打开文档", "Open a document"),
    bind!(Action::PasteDocument, [cmd(Key::Letter('V')), k(Key::PasteEvent)], WindowNotTyping, Document, "把剪贴板里的文字作为新文档打开", "Open the clipboard's text as a new document"),
    bind!(Action::Library, [cmd(Key::Letter('L'))], Window, Document, "书库：所有文档", "Library: every document"),
    bind!(Action::Notebook, [c(Mods::CMD_SHIFT, Key::Letter('F'))], Window, Document, "金句库：所有划线和批注", "Notebook: every highlight and note"),
    bind!(Action::BackToReading, [k(Key::Escape)], Shelf, Document, "从书库或金句库回到正在读的文档", "From the library or the notebook back to the document"),
    bind!(Action::SaveNote, [cmd(Key::Enter)], NotebookEditor, Document, "保存在金句库里改的批注", "Save the note edited in the notebook"),
    bind!(Action::Export, [cmd(Key::Letter('E'))], Window, Document, "导出批注或提纲", "Export annotations or the outline"),
    bind!(Action::ExportAnnotated, [c(Mods::CMD_SHIFT, Key::Letter('E'))], Window, Document, "导出批注版文档（Word 批注）", "Export the annotated document (Word comments)"),
    bind!(Action::Quit, [cmd(Key::Letter('Q'))], Window, Document, "退出（一切已保存）", "Quit (everything is saved)"),
    bind!(Action::ZoomIn, [cmd(Key::Equals), cmd(Key::Plus)], Window, Document, "放大", "Zoom in"),
    bind!(Action::ZoomOut, [cmd(Key::Minus)], Window, Document, "缩小", "Zoom out"),
    bind!(Action::ZoomReset, [cmd(Key::Digit(0))], Window, Document, "原始大小", "Actual size"),
    bind!(Action::ToggleOutline, [cmd(Key::Digit(1))], Window, Document, "显示或隐藏提纲", "Show or hide the outline"),
    bind!(Action::ToggleAnnotations, [cmd(Key::Digit(2))], Window, Document, "显示或隐藏批注面板", "Show or hide the annotations panel"),
    bind!(Action::FocusMode, [k(Key::F(11))], Window, Document, "专注模式：只显示正文，面板按键即现（再按一次返回）", "Focus mode: the text alone, panels by their keys (again to return)"),
    bind!(Action::FocusMode, [k(Key::Escape)], Focus, Document, "退出专注模式", "Leave focus mode"),
    bind!(Action::CloseOverlay, [k(Key::Escape)], Overlay, Document, "关闭浮在正文上的面板（窗口窄时或专注模式中）", "Close the panel shown over the text (narrow window or focus mode)"),
    bind!(Action::ShowBlanks, [cmd(Key::Digit(3))], Window, Document, "待填写列表", "Blanks to fill"),
    bind!(Action::ToggleBoilerplate, [cmd(Key::Letter('B'))], Window, Document, "隐藏或显示广告与网页残留", "Hide or show ads and web residue"),
    bind!(Action::NextTheme, [cmd(Key::Letter('T'))], Window, Document, "切换主题", "Next theme"),
    bind!(Action::Settings, [cmd(Key::Comma)], Window, Document, "设置", "Settings"),
    bind!(Action::Shortcuts, [k(Key::F(1))], Window, Document, "快捷键", "Keyboard shortcuts"),
    bind!(Action::Shortcuts, [k(Key::Question)], WindowNotTyping, Document, "快捷键（不在输入时）", "Keyboard shortcuts (when not typing)"),
    // Reading and moving
    bind!(Action::PageDown, [k(Key::Space), k(Key::PageDown)], Reader, Reading, "下一页", "Page down"),
    bind!(Action::PageUp, [c(Mods::SHIFT, Key::Space), k(Key::PageUp)], Reader, Reading, "上一页", "Page up"),
    bind!(Action::LineDown, [k(Key::ArrowDown)], Reader, Reading, "向下滚动一行", "Scroll a line down"),
    bind!(Action::LineUp, [k(Key::ArrowUp)], Reader, Reading, "向上滚动一行", "Scroll a line up"),
    bind!(Action::Start, [k(Key::Home), cmd(Key::Home)], Reader, Reading, "开头", "Start"),
    bind!(Action::End, [k(Key::End), cmd(Key::End)], Reader, Reading, "结尾", "End"),
    bind!(Action::PreviousHeading, [c(Mods::ALT, Key::ArrowUp)], Reader, Reading, "上一个标题", "Previous heading"),
    bind!(Action::NextHeading, [c(Mods::ALT, Key::ArrowDown)], Reader, Reading, "下一个标题", "Next heading"),
    bind!(Action::Back, [c(Mods::ALT, Key::ArrowLeft), k(Key::MouseBack)], WindowNotTyping, Reading, "后退", "Back"),
    bind!(Action::Forward, [c(Mods::ALT, Key::ArrowRight), k(Key::MouseForward)], WindowNotTyping, Reading, "前进", "Forward"),
    bind!(Action::CycleFocus, [k(Key::F(6))], Window, Reading, "在提纲与正文之间切换", "Move between the outline and the text"),
    bind!(Action::OutlineUp, [k(Key::ArrowUp)], Outline, Reading, "提纲：上一项", "Outline: previous entry"),
    bind!(Action::OutlineDown, [k(Key::ArrowDown)], Outline, Reading, "提纲：下一项", "Outline: next entry"),
    bind!(Action::OutlineCollapse, [k(Key::ArrowLeft)], Outline, Reading, "提纲：折叠或回到上级", "Outline: collapse, or go to the parent"),
    bind!(Action::OutlineExpand, [k(Key::ArrowRight)], Outline, Reading, "提纲：展开或进入下级", "Outline: expand, or go to the first child"),
    bind!(Action::OutlineJump, [k(Key::Enter)], Outline, Reading, "提纲：跳到该标题", "Outline: jump to the heading"),
    bind!(Action::OutlineFirst, [k(Key::Home)], Outline, Reading, "提纲：第一项", "Outline: first entry"),
    bind!(Action::OutlineLast, [k(Key::End)], Outline, Reading, "提纲：最后一项", "Outline: last entry"),
    bind!(Action::NextBlank, [k(Key::F(8))], Window, Reading, "下一处待填写", "Next blank"),
    bind!(Action::PreviousBlank, [c(Mods::SHIFT, Key::F(8))], Window, Reading, "上一处待填写", "Previous blank"),
    // Find
    bind!(Action::Find, [cmd(Key::Letter('F'))], Window, Find, "查找", "Find"),
    bind!(Action::FindNext, [k(Key::F(3))], Window, Find, "下一个结果", "Next match"),
    bind!(Action::FindPrevious, [c(Mods::SHIFT, Key::F(3))], Window, Find, "上一个结果", "Previous match"),
    bind!(Action::FindNext, [k(Key::Enter)], FindField, Find, "下一个结果（在查找框中）", "Next match (in the find field)"),
    bind!(Action::FindPrevious, [c(Mods::SHIFT, Key::Enter)], FindField, Find, "上一个结果（在查找框中）", "Previous match (in the find field)"),
    bind!(Action::CloseFind, [k(Key::Escape)], FindField, Find, "关闭查找", "Close find"),
    bind!(Action::CloseFind, [k(Key::Escape)], Reader, Find, "关闭查找（无选择时）", "Close find (nothing selected)"),
    // Selecting and annotating
    bind!(Action::Select, [gesture(Gesture::Drag)], Reader, Annotating, "选择", "Select"),
    bind!(Action::ExtendSelection, [gesture(Gesture::ShiftClick)], Reader, Annotating, "扩展选择", "Extend the selection"),
    bind!(Action::SelectPhrase, [gesture(Gesture::DoubleClick)], Reader, Annotating, "选中一段词句", "Select a phrase"),
    bind!(Action::SelectSentence, [gesture(Gesture::TripleClick)], Reader, Annotating, "选中整句", "Select a sentence"),
    bind!(Action::HighlightSentence, [gesture(Gesture::AltClick)], Reader, Annotating, "高亮整句", "Highlight the sentence"),
    bind!(Action::SelectAll, [cmd(Key::Letter('A'))], Reader, Annotating, "全选", "Select all"),
    bind!(Action::Copy, [cmd(Key::Letter('C')), k(Key::CopyEvent)], Reader, Annotating, "复制选中的文字或高亮", "Copy the selection or the highlight"),
    bind!(Action::Highlight, [k(Key::Letter('H'))], Selection, Annotating, "用上次的颜色高亮", "Highlight in the last colour"),
    bind!(Action::Colour(1), [k(Key::Digit(1))], Reader, Annotating, "黄色高亮（或改色）", "Highlight (or recolour) yellow"),
    bind!(Action::Colour(2), [k(Key::Digit(2))], Reader, Annotating, "绿色高亮（或改色）", "Highlight (or recolour) green"),
    bind!(Action::Colour(3), [k(Key::Digit(3))], Reader, Annotating, "蓝色高亮（或改色）", "Highlight (or recolour) blue"),
    bind!(Action::Colour(4), [k(Key::Digit(4))], Reader, Annotating, "粉色高亮（或改色）", "Highlight (or recolour) pink"),
    bind!(Action::Colour(5), [k(Key::Digit(5))], Reader, Annotating, "紫色高亮（或改色）", "Highlight (or recolour) purple"),
    bind!(Action::Underline, [k(Key::Letter('U'))], Reader, Annotating, "下划线（或取消）", "Underline (or remove it)"),
    bind!(Action::Note, [k(Key::Letter('N'))], Reader, Annotating, "写笔记", "Write a note"),
    bind!(Action::Delete, [k(Key::Delete), k(Key::Backspace)], Annotation, Annotating, "删除选中的高亮", "Delete the selected highlight"),
    bind!(Action::Undo, [cmd(Key::Letter('Z'))], WindowNotTyping, Annotating, "撤销批注修改", "Undo an annotation change"),
    bind!(Action::Redo, [c(Mods::CMD_SHIFT, Key::Letter('Z')), cmd(Key::Letter('Y'))], WindowNotTyping, Annotating, "重做批注修改", "Redo an annotation change"),
    bind!(Action::ClearSelection, [k(Key::Escape)], Selection, Annotating, "取消选择", "Clear the selection"),
    bind!(Action::ClearSelection, [k(Key::Escape)], Annotation, Annotating, "取消选中的高亮", "Deselect the highlight"),
    bind!(Action::AddTag, [k(Key::Enter)], TagField, Annotating, "添加标签（在标签框中）", "Add the tag (in the tag field)"),
    // Correcting the outline
    bind!(Action::HeadingLevel(1), [c(Mods::CMD_ALT, Key::Digit(1))], Reader, Annotating, "把光标所在段设为一级标题（提纲）", "Make the paragraph at the caret a level 1 heading (outline)"),
    bind!(Action::HeadingLevel(2), [c(Mods::CMD_ALT, Key::Digit(2))], Reader, Annotating, "把光标所在段设为二级标题", "Make the paragraph at the caret a level 2 heading"),
    bind!(Action::HeadingLevel(3), [c(Mods::CMD_ALT, Key::Digit(3))], Reader, Annotating, "把光标所在段设为三级标题", "Make the paragraph at the caret a level 3 heading"),
    bind!(Action::HeadingLevel(4), [c(Mods::CMD_ALT, Key::Digit(4))], Reader, Annotating, "把光标所在段设为四级标题", "Make the paragraph at the caret a level 4 heading"),
    bind!(Action::HeadingLevel(0), [c(Mods::CMD_ALT, Key::Digit(0))], Reader, Annotating, "撤除对光标所在段提纲的更正", "Remove your outline correction of the paragraph at the caret"),
    bind!(Action::CancelRename, [k(Key::Escape)], TagField, Annotating, "取消在提纲中重命名（在重命名框中）", "Cancel renaming in the outline (in the rename field)"),
];

/// The bindings of `action` (one or more rows; find keys work in two places).
pub fn bindings(action: Action) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.action == action)
}

/// The chords of `action` in `scope`.
pub fn chords(action: Action, scope: Scope) -> impl Iterator<Item = &'static Chord> {
    bindings(action)
        .filter(move |b| b.scope == scope)
        .flat_map(|b| b.chords.iter())
}

/// The hover hint for a control that does `action`: its first chord, e.g. `Ctrl+F`.
pub fn hint(action: Action, zh: bool) -> Option<String> {
    bindings(action)
        .next()
        .and_then(|b| b.chords.first())
        .map(|c| c.label(zh))
}

/// A control's hover text: what it does and its key, `查找 (Ctrl+F)`.
pub fn hover(what: &str, action: Action, zh: bool) -> String {
    match hint(action, zh) {
        Some(key) => format!("{what} ({key})"),
        None => what.to_owned(),
    }
}

/// One section of the shortcuts sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetGroup {
    /// The section's heading.
    pub title: &'static str,
    /// Keys and what they do.
    pub rows: Vec<(String, &'static str)>,
}

/// The shortcuts sheet, generated from [`KEYMAP`].
pub fn sheet(zh: bool) -> Vec<SheetGroup> {
    Group::ALL
        .iter()
        .map(|&group| SheetGroup {
            title: group.title(zh),
            rows: KEYMAP
                .iter()
                .filter(|b| b.group == group)
                .map(|b| (b.keys(zh), b.what(zh)))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scopes that can be live at the same moment.
    fn overlap(a: Scope, b: Scope) -> bool {
        use Scope::*;
        let window = |s| matches!(s, Window | WindowNotTyping);
        if a == b || window(a) || window(b) {
            return true;
        }
        // A selection and a selected annotation are both in the body text.
        let body = |s| matches!(s, Reader | Selection | Annotation);
        body(a) && body(b) && (a == Reader || b == Reader)
    }

    #[test]
    fn every_bound_chord_is_on_the_sheet_under_its_group() {
        for zh in [true, false] {
            let sheet = sheet(zh);
            for b in KEYMAP {
                let group = sheet
                    .iter()
                    .find(|g| g.title == b.group.title(zh))
                    .expect("group on the sheet");
                for chord in b.chords {
                    let label = chord.label(zh);
                    assert!(
                        group.rows.iter().any(|(keys, what)| *what == b.what(zh)
                            && keys.split(" / ").any(|k| k == label)),
                        "{label} ({:?}) is not on the sheet",
                        b.action
                    );
                }
            }
        }
    }

    #[test]
    fn no_chord_means_two_things_in_one_place() {
        for (i, a) in KEYMAP.iter().enumerate() {
            for b in &KEYMAP[i + 1..] {
                if a.action == b.action || !overlap(a.scope, b.scope) {
                    continue;
                }
                // Escape closes find in the body only when there is no selection: the
                // reader asks the selection first.
                let both_escape = a.action == Action::CloseFind || b.action == Action::CloseFind;
                for chord in a.chords {
                    if both_escape && chord.key == Key::Escape {
                        continue;
                    }
                    assert!(
                        !b.chords.contains(chord),
                        "{} is bound to {:?} and {:?} in overlapping places",
                        chord.label(false),
                        a.action,
                        b.action
                    );
                }
            }
        }
    }

    #[test]
    fn labels_read_as_people_write_them() {
        assert_eq!(
            Chord::new(Mods::CMD_SHIFT, Key::Letter('Z')).label(false),
            "Ctrl+Shift+Z"
        );
        assert_eq!(Chord::new(Mods::ALT, Key::ArrowLeft).label(true), "Alt+←");
        assert_eq!(hint(Action::Find, true).as_deref(), Some("Ctrl+F"));
        assert_eq!(hover("查找", Action::Find, true), "查找 (Ctrl+F)");
        let redo = bindings(Action::Redo).next().expect("redo bound");
        assert_eq!(redo.keys(false), "Ctrl+Shift+Z / Ctrl+Y");
    }
}
