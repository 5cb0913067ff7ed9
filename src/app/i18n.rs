//! Every string of the user interface, in Simplified Chinese and English.

use super::settings::LanguagePref;
use crate::document::{DecodeError, DocxError, OpenError};

pub use crate::lang::Lang;

impl Lang {
    /// The language to use for a preference: `Auto` follows the system locale.
    pub fn resolve(pref: LanguagePref) -> Self {
        match pref {
            LanguagePref::Chinese => Self::Zh,
            LanguagePref::English => Self::En,
            LanguagePref::Auto => Self::of_system(),
        }
    }

    /// The strings of this language.
    pub fn t(self) -> &'static Strings {
        match self {
            Self::Zh => &ZH,
            Self::En => &EN,
        }
    }
}

/// The fixed strings of the UI.
#[derive(Debug)]
pub struct Strings {
    /// The language these strings are in.
    pub lang: Lang,
    pub app_name: &'static str,
    pub open: &'static str,
    pub open_hint: &'static str,
    pub paste_document: &'static str,
    pub paste_document_hint: &'static str,
    pub pasted_document: &'static str,
    pub paste_empty: &'static str,
    pub recent: &'static str,
    pub no_recent: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub zoom_reset: &'static str,
    pub theme: &'static str,
    pub theme_light: &'static str,
    pub theme_dark: &'static str,
    pub theme_sepia: &'static str,
    pub outline_panel: &'static str,
    pub status_bar: &'static str,
    pub settings: &'static str,
    pub language: &'static str,
    pub language_auto: &'static str,
    pub official_style: &'static str,
    pub official_style_hint: &'static str,
    pub hide_boilerplate: &'static str,
    /// The top bar's short label of `hide_boilerplate` (its full name is read out and shown on hover).
    pub hide_boilerplate_short: &'static str,
    /// The top bar's "⋯" menu of what is used less (its name read out and on hover).
    pub more_menu: &'static str,
    pub show: &'static str,
    pub hide: &'static str,
    pub filter_outline: &'static str,
    pub expand_all: &'static str,
    pub collapse_all: &'static str,
    pub expand: &'static str,
    /// A folded annotation card's button showing its whole quote and note, and folding it again.
    pub card_more: &'static str,
    pub card_less: &'static str,
    pub collapse: &'static str,
    pub collapse_to_level: &'static str,
    pub show_topics: &'static str,
    pub levels: &'static str,
    pub no_outline: &'static str,
    pub no_match: &'static str,
    pub opening: &'static str,
    pub dismiss: &'static str,
    pub cannot_open: &'static str,
    pub document: &'static str,
    pub whole_document: &'static str,
    pub this_section: &'static str,
    pub characters: &'static str,
    pub minutes: &'static str,
    pub position: &'static str,
    pub encoding: &'static str,
    pub files_documents: &'static str,
    pub files_all: &'static str,
    pub placeholder_marked: &'static str,
    pub close: &'static str,
    pub reader: &'static str,
    pub outline_tree: &'static str,
    pub level: &'static str,
    pub annotations: &'static str,
    /// A side rail's button: the panel, shown over the text (`{panel}`).
    pub over_the_text: &'static str,
    pub highlight: &'static str,
    pub underline: &'static str,
    pub note: &'static str,
    pub copy: &'static str,
    pub delete: &'static str,
    pub add_note: &'static str,
    pub edit_note: &'static str,
    pub copy_quote: &'static str,
    pub change_to: &'static str,
    pub highlight_in: &'static str,
    pub filter_by: &'static str,
    pub filter_annotations: &'static str,
    pub all_tags: &'static str,
    pub tags: &'static str,
    pub add_tag: &'static str,
    pub remove_tag: &'static str,
    pub unplaced: &'static str,
    pub unplaced_hint: &'static str,
    /// Button: the place (and text) of an annotation flagged for review is right.
    pub confirm_place: &'static str,
    /// Hover text of that button.
    pub confirm_place_hint: &'static str,
    pub section_note: &'static str,
    pub no_annotations: &'static str,
    pub note_hint: &'static str,
    pub undo: &'static str,
    pub redo: &'static str,
    pub select_all: &'static str,
    pub notes_not_saved: &'static str,
    pub notes_damaged: &'static str,
    /// Settings row: the notes file and its backups.
    pub notes_file: &'static str,
    /// Button: restore the newest backup (settings window).
    pub restore_backup: &'static str,
    /// Hover text of that button.
    pub restore_backup_hint: &'static str,
    /// No backup can be read.
    pub no_backup: &'static str,
    pub doc_notes: &'static str,
    pub highlight_sentence: &'static str,
    pub fill: &'static str,
    pub no_annotation_match: &'static str,
    pub clear_filter: &'static str,
    pub show_in_text: &'static str,
    pub export_title: &'static str,
    pub export_button: &'static str,
    pub export_what: &'static str,
    pub export_with_highlights: &'static str,
    pub export_format: &'static str,
    pub export_filter: &'static str,
    pub export_notes_only: &'static str,
    pub export_save: &'static str,
    pub export_copy: &'static str,
    pub export_saved: &'static str,
    pub export_copied: &'static str,
    pub export_failed: &'static str,
    pub find: &'static str,
    pub find_hint: &'static str,
    pub searching: &'static str,
    pub no_matches: &'static str,
    pub find_prev: &'static str,
    pub find_next: &'static str,
    pub find_exact: &'static str,
    pub find_exact_hint: &'static str,
    pub find_regex: &'static str,
    pub find_regex_hint: &'static str,
    pub by_section: &'static str,
    pub before_first_heading: &'static str,
    pub blanks: &'static str,
    pub no_blanks: &'static str,
    pub next_blank: &'static str,
    pub prev_blank: &'static str,
    pub back: &'static str,
    pub forward: &'static str,
    pub shortcuts: &'static str,
    pub add_files: &'static str,
    pub add_folder: &'static str,
    pub add_folder_hint: &'static str,
    pub back_to_reading: &'static str,
    pub bad_date: &'static str,
    pub by_document: &'static str,
    pub cancel: &'static str,
    pub col_added: &'static str,
    pub col_folder: &'static str,
    pub col_format: &'static str,
    pub col_highlights: &'static str,
    pub col_last_read: &'static str,
    pub col_notes: &'static str,
    pub col_progress: &'static str,
    pub col_tags: &'static str,
    pub col_title: &'static str,
    pub copy_citation: &'static str,
    pub citation_format: &'static str,
    pub citation_format_hint: &'static str,
    pub date_from: &'static str,
    pub date_to: &'static str,
    pub export_selection: &'static str,
    pub file_missing: &'static str,
    pub filter_document: &'static str,
    pub filter_library: &'static str,
    pub library: &'static str,
    pub library_empty: &'static str,
    pub library_failed: &'static str,
    pub library_loading: &'static str,
    pub locate: &'static str,
    pub located: &'static str,
    pub merge_tags_hint: &'static str,
    pub newest_first: &'static str,
    pub no_data_folder: &'static str,
    pub note_saved: &'static str,
    pub notebook: &'static str,
    pub notebook_empty: &'static str,
    pub notebook_file_name: &'static str,
    pub open_at_passage: &'static str,
    pub open_document: &'static str,
    pub remove_confirm: &'static str,
    pub remove_from_library: &'static str,
    pub remove_notes_backup: &'static str,
    pub remove_notes_too: &'static str,
    pub remove_title: &'static str,
    pub removed: &'static str,
    pub removed_with_notes: &'static str,
    pub rename_everywhere: &'static str,
    pub rename_tag: &'static str,
    pub save_note: &'static str,
    pub search_notebook: &'static str,
    pub show_in_notebook: &'static str,
    pub tags_hint: &'static str,
    pub unsaved_note: &'static str,
    pub notes_found_elsewhere: &'static str,
    pub attach: &'static str,
    pub color_names: [&'static str; 5],
}

/// 简体中文.
pub static ZH: Strings = Strings {
    lang: Lang::Zh,
    app_name: "批注",
    open: "打开…",
    open_hint: "打开文档（Ctrl+O），也可把文件拖进窗口",
    paste_document: "从剪贴板新建",
    paste_document_hint: "把复制的文字作为新文档打开，保存在数据文件夹里，批注照常保留",
    pasted_document: "粘贴的文字",
    paste_empty: "剪贴板里没有文字，无法新建文档",
    recent: "最近打开",
    no_recent: "（暂无）",
    zoom_in: "放大",
    zoom_out: "缩小",
    zoom_reset: "原始大小",
    theme: "主题",
    theme_light: "浅色",
    theme_dark: "深色",
    theme_sepia: "护眼",
    outline_panel: "提纲",
    status_bar: "状态栏",
    settings: "设置",
    language: "界面语言",
    language_auto: "跟随系统",
    official_style: "公文样式",
    official_style_hint: "一级标题黑体、二级标题楷体、正文仿宋（系统有这些字体时）",
    hide_boilerplate: "隐藏广告与网页残留",
    hide_boilerplate_short: "隐藏广告",
    more_menu: "更多操作",
    show: "显示",
    hide: "隐藏",
    filter_outline: "筛选提纲…",
    expand_all: "全部展开",
    collapse_all: "全部折叠",
    expand: "展开",
    card_more: "展开全文",
    card_less: "收起",
    collapse: "折叠",
    collapse_to_level: "展开到第几级",
    show_topics: "显示段首句",
    levels: "层级",
    no_outline: "这篇文档没有识别出提纲",
    no_match: "没有匹配的条目",
    opening: "正在打开…",
    dismiss: "知道了",
    cannot_open: "无法打开文档",
    document: "文档",
    whole_document: "全文",
    this_section: "本节",
    characters: "字",
    minutes: "分钟",
    position: "位置",
    encoding: "编码",
    files_documents: "文档（.txt .docx .doc .wps .pdf .ofd .html .epub …）",
    files_all: "所有文件",
    placeholder_marked: "待填写",
    close: "关闭",
    reader: "正文",
    outline_tree: "提纲树",
    level: "级",
    annotations: "批注",
    over_the_text: "{panel}（浮在正文上）",
    highlight: "高亮",
    underline: "下划线",
    note: "笔记",
    copy: "复制",
    delete: "删除",
    add_note: "添加笔记",
    edit_note: "编辑笔记",
    copy_quote: "复制引文",
    change_to: "改为",
    highlight_in: "高亮：",
    filter_by: "筛选：",
    filter_annotations: "筛选批注…",
    all_tags: "全部标签",
    tags: "标签",
    add_tag: "添加标签…",
    remove_tag: "删除标签",
    unplaced: "未能定位",
    unplaced_hint: "原文改动后找不到这些批注对应的文字；引文和笔记都完整保留。",
    confirm_place: "确认",
    confirm_place_hint: "批注的位置和文字没有问题：去掉这条提示（可撤销）",
    section_note: "章节笔记",
    no_annotations: "还没有批注。选中文字后按 H 高亮、N 写笔记，1–5 选颜色；Alt+单击高亮整句；在提纲上右键可添加章节笔记。",
    note_hint: "写下你的想法……可用 #标签",
    undo: "撤销",
    redo: "重做",
    select_all: "全选",
    notes_not_saved: "批注暂时无法保存，仍保留在内存中",
    notes_damaged: "批注文件无法读取",
    notes_file: "批注文件",
    restore_backup: "从备份恢复批注",
    restore_backup_hint: "找回最近一份可读备份中有、而现在没有的批注（现有批注不会被删除或改动；可撤销）",
    no_backup: "没有可读取的批注备份，未作改动",
    doc_notes: "本文批注",
    highlight_sentence: "高亮整句",
    fill: "底色",
    no_annotation_match: "没有符合筛选的批注",
    clear_filter: "清除筛选",
    show_in_text: "在正文中查看",
    export_title: "导出",
    export_button: "导出…",
    export_what: "内容",
    export_with_highlights: "在提纲各节下附上高亮",
    export_format: "格式",
    export_filter: "只导出",
    export_notes_only: "只要写了笔记的",
    export_save: "保存为…",
    export_copy: "复制到剪贴板",
    export_saved: "已导出",
    export_copied: "已复制到剪贴板，可直接粘贴",
    export_failed: "导出失败",
    find: "查找",
    find_hint: "查找（不分全角半角、大小写）",
    searching: "正在查找…",
    no_matches: "无结果",
    find_prev: "上一个（Shift+Enter / Shift+F3）",
    find_next: "下一个（Enter / F3）",
    find_exact: "精确",
    find_exact_hint: "区分全角半角和大小写",
    find_regex: "正则",
    find_regex_hint: "按正则表达式查找",
    by_section: "按章节",
    before_first_heading: "开头部分",
    blanks: "待填写",
    no_blanks: "这篇文档没有待填写的空白",
    next_blank: "下一处（F8）",
    prev_blank: "上一处（Shift+F8）",
    back: "后退（Alt+←）",
    forward: "前进（Alt+→）",
    shortcuts: "快捷键",
    add_files: "添加文件…",
    add_folder: "添加文件夹…",
    add_folder_hint: "把一个文件夹里的所有文档加入书库（也可以把文件夹拖进窗口）",
    back_to_reading: "返回阅读",
    bad_date: "日期请写成 2026-03-01",
    by_document: "按文档",
    cancel: "取消",
    col_added: "添加日期",
    col_folder: "位置",
    col_format: "格式",
    col_highlights: "划线",
    col_last_read: "上次阅读",
    col_notes: "批注",
    col_progress: "进度",
    col_tags: "标签",
    col_title: "标题",
    copy_citation: "复制（带出处）",
    citation_format: "引用格式",
    citation_format_hint: "可用 {quote} {title} {section} {note} {date}",
    date_from: "从",
    date_to: "到",
    export_selection: "导出所列：",
    file_missing: "文件已移动或删除",
    filter_document: "文档…",
    filter_library: "按标题或路径筛选…",
    library: "书库",
    library_empty: "书库还是空的。点“添加文件夹…”，或把文档、文件夹拖进窗口。",
    library_failed: "读取书库时意外中止",
    library_loading: "正在读取书库…",
    locate: "重新定位…",
    located: "已记下文件的新位置",
    merge_tags_hint: "这个标签已经存在：两个标签将合并为一个。",
    newest_first: "最新在前",
    no_data_folder: "没有可用的数据文件夹，书库和金句库无法保存。",
    note_saved: "批注已保存",
    notebook: "金句库",
    notebook_empty: "还没有划线和批注。打开文档，选中文字后按 H 划线、按 N 写批注。",
    notebook_file_name: "金句库",
    open_at_passage: "打开原文",
    open_document: "打开",
    remove_confirm: "移出书库",
    remove_from_library: "移出书库…",
    remove_notes_backup: "批注文件会移到备份文件夹，不会被彻底删除。",
    remove_notes_too: "同时删除它的划线和批注",
    remove_title: "移出书库",
    removed: "已移出书库（批注仍保留）",
    removed_with_notes: "已移出书库，批注已移到备份文件夹",
    rename_everywhere: "全部重命名",
    rename_tag: "重命名标签…",
    save_note: "保存（Ctrl+Enter）",
    search_notebook: "搜索金句、批注和标签…",
    show_in_notebook: "在金句库中查看",
    tags_hint: "标签，用空格分隔",
    unsaved_note: "尚未保存",
    notes_found_elsewhere: "找到可能属于这篇文档的批注",
    attach: "接上这些批注",
    color_names: ["黄色", "绿色", "蓝色", "粉色", "紫色"],
};

/// English.
pub static EN: Strings = Strings {
    lang: Lang::En,
    app_name: "Pizhu",
    open: "Open…",
    open_hint: "Open a document (Ctrl+O), or drop a file onto the window",
    paste_document: "New from clipboard",
    paste_document_hint: "Open the copied text as a new document, kept in the data folder with its notes",
    pasted_document: "Pasted text",
    paste_empty: "The clipboard holds no text to make a document of",
    recent: "Recent",
    no_recent: "(none yet)",
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    zoom_reset: "Actual size",
    theme: "Theme",
    theme_light: "Light",
    theme_dark: "Dark",
    theme_sepia: "Sepia",
    outline_panel: "Outline",
    status_bar: "Status bar",
    settings: "Settings",
    language: "Language",
    language_auto: "System",
    official_style: "Official document style",
    official_style_hint: "Level-1 headings in Hei, level 2 in Kai, body in FangSong, where installed",
    hide_boilerplate: "Hide ads and web residue",
    hide_boilerplate_short: "Hide ads",
    more_menu: "More actions",
    show: "Show",
    hide: "Hide",
    filter_outline: "Filter outline…",
    expand_all: "Expand all",
    collapse_all: "Collapse all",
    expand: "Expand",
    card_more: "More",
    card_less: "Less",
    collapse: "Collapse",
    collapse_to_level: "Expand to level",
    show_topics: "Show topic sentences",
    levels: "Levels",
    no_outline: "No outline was found in this document",
    no_match: "Nothing matches",
    opening: "Opening…",
    dismiss: "Dismiss",
    cannot_open: "Cannot open the document",
    document: "Document",
    whole_document: "Document",
    this_section: "Section",
    characters: "chars",
    minutes: "min",
    position: "Position",
    encoding: "Encoding",
    files_documents: "Documents (.txt .docx .doc .wps .pdf .ofd .html .epub …)",
    files_all: "All files",
    placeholder_marked: "blank to fill",
    close: "Close",
    reader: "Text",
    outline_tree: "Outline tree",
    level: "level",
    annotations: "Annotations",
    over_the_text: "{panel} over the text",
    highlight: "Highlight",
    underline: "Underline",
    note: "Note",
    copy: "Copy",
    delete: "Delete",
    add_note: "Add note",
    edit_note: "Edit note",
    copy_quote: "Copy quote",
    change_to: "Change to",
    highlight_in: "Highlight ",
    filter_by: "Filter ",
    filter_annotations: "Filter annotations…",
    all_tags: "All tags",
    tags: "Tags",
    add_tag: "Add a tag…",
    remove_tag: "Remove tag",
    unplaced: "Could not be placed",
    unplaced_hint: "The text changed and these passages were not found; their quotes and notes are kept.",
    confirm_place: "Confirm",
    confirm_place_hint: "The annotation is on the right text: drop this notice (undoable)",
    section_note: "Section note",
    no_annotations: "No annotations yet. Select text and press H to highlight, N for a note, 1–5 for a colour; Alt+click highlights a whole sentence; right-click an outline entry to add a section note.",
    note_hint: "Write your thoughts… #tags work",
    undo: "Undo",
    redo: "Redo",
    select_all: "Select all",
    notes_not_saved: "Annotations cannot be saved for now; they are kept in memory",
    notes_damaged: "The annotations file could not be read",
    notes_file: "Annotations file",
    restore_backup: "Restore annotations from backup",
    restore_backup_hint: "Bring back what the newest readable backup holds and the document lacks (nothing here is removed or changed; undoable)",
    no_backup: "There is no backup of the annotations that can be read; nothing was changed",
    doc_notes: "Document annotations",
    highlight_sentence: "Highlight sentence",
    fill: "Fill",
    no_annotation_match: "No annotation matches the filter",
    clear_filter: "Clear filter",
    show_in_text: "Show in text",
    export_title: "Export",
    export_button: "Export…",
    export_what: "Content",
    export_with_highlights: "With the highlights under their sections",
    export_format: "Format",
    export_filter: "Only",
    export_notes_only: "Only those with notes",
    export_save: "Save as…",
    export_copy: "Copy to clipboard",
    export_saved: "Exported",
    export_copied: "Copied to the clipboard",
    export_failed: "Export failed",
    find: "Find",
    find_hint: "Find (any width, any case)",
    searching: "Searching…",
    no_matches: "No matches",
    find_prev: "Previous (Shift+Enter / Shift+F3)",
    find_next: "Next (Enter / F3)",
    find_exact: "Exact",
    find_exact_hint: "Match width and case exactly",
    find_regex: "Regex",
    find_regex_hint: "Search with a regular expression",
    by_section: "By section",
    before_first_heading: "Opening",
    blanks: "Blanks",
    no_blanks: "This document has no blanks to fill",
    next_blank: "Next blank (F8)",
    prev_blank: "Previous blank (Shift+F8)",
    back: "Back (Alt+←)",
    forward: "Forward (Alt+→)",
    shortcuts: "Keyboard shortcuts",
    add_files: "Add files…",
    add_folder: "Add folder…",
    add_folder_hint: "Add every document in a folder (or drop a folder on the window)",
    back_to_reading: "Back to reading",
    bad_date: "Write dates as 2026-03-01",
    by_document: "By document",
    cancel: "Cancel",
    col_added: "Added",
    col_folder: "Folder",
    col_format: "Format",
    col_highlights: "Highlights",
    col_last_read: "Last read",
    col_notes: "Notes",
    col_progress: "Progress",
    col_tags: "Tags",
    col_title: "Title",
    copy_citation: "Copy with citation",
    citation_format: "Citation format",
    citation_format_hint: "Use {quote} {title} {section} {note} {date}",
    date_from: "From",
    date_to: "To",
    export_selection: "Export what is listed:",
    file_missing: "File moved or deleted",
    filter_document: "Document…",
    filter_library: "Filter by title or path…",
    library: "Library",
    library_empty: "The library is empty. Click “Add folder…”, or drop documents or a folder on the window.",
    library_failed: "Reading the library stopped unexpectedly",
    library_loading: "Reading the library…",
    locate: "Locate…",
    located: "The file's new place is recorded",
    merge_tags_hint: "This tag exists already: the two will be merged.",
    newest_first: "Newest first",
    no_data_folder: "No data folder: the library and the notebook cannot be kept.",
    note_saved: "Note saved",
    notebook: "Notebook",
    notebook_empty: "No highlights or notes yet. Open a document, select text, and press H to highlight or N to write a note.",
    notebook_file_name: "notebook",
    open_at_passage: "Open at the passage",
    open_document: "Open",
    remove_confirm: "Remove",
    remove_from_library: "Remove from library…",
    remove_notes_backup: "The notes file is moved to the backups folder, never deleted outright.",
    remove_notes_too: "Also delete its highlights and notes",
    remove_title: "Remove from library",
    removed: "Removed from the library (its notes are kept)",
    removed_with_notes: "Removed from the library; its notes were moved to the backups folder",
    rename_everywhere: "Rename everywhere",
    rename_tag: "Rename tag…",
    save_note: "Save (Ctrl+Enter)",
    search_notebook: "Search quotes, notes and tags…",
    show_in_notebook: "Show in the notebook",
    tags_hint: "Tags, separated by spaces",
    unsaved_note: "Not saved yet",
    notes_found_elsewhere: "Notes that may belong to this document were found",
    attach: "Attach them",
    color_names: ["Yellow", "Green", "Blue", "Pink", "Purple"],
};

impl Strings {
    /// Why a document could not be opened, in this language (the path comes last).
    pub fn open_error(&self, error: &OpenError) -> String {
        if self.lang != Lang::Zh {
            return error.to_string();
        }
        match error {
            OpenError::Io { source } => format!("无法读取文件（{source}），请确认文件存在且有读取权限"),
            OpenError::IsDirectory => "这是一个文件夹，不是文档；请选择其中的文档（.txt、.docx、.doc、.wps、.pdf、.ofd、.html、.epub 等）".into(),
            OpenError::TooLarge { size_mb, limit_mb } => {
                format!("文件有 {size_mb} MB，超过了可打开的 {limit_mb} MB；请拆分成较小的文件")
            }
            OpenError::Decode(DecodeError::Binary) => "这是二进制文件（图片、压缩包、程序等），不是文本，也不是可读取的文档；请打开 .txt、.docx、.doc、.wps、.pdf、.ofd、.html 或 .epub 文档".into(),
            OpenError::Decode(DecodeError::Undecodable) => {
                "无法识别文件的编码（支持 UTF-8、UTF-16、GB18030/GBK、Big5）；请转换为 UTF-8 后再打开".into()
            }
            OpenError::Decode(DecodeError::Io(e)) => format!("读取文件时出错（{e}），请确认文件可读"),
            OpenError::Epub(e) => {
                use crate::document::EpubError as E;
                match e {
                    E::NotZip => "这不是有效的 EPUB 电子书（不是 zip 格式）；请重新获取，或用 calibre、Sigil 重新转换".into(),
                    E::Damaged(detail) => format!("这本 EPUB 电子书已损坏（{detail}）；请重新获取，或用 calibre、Sigil 重新转换"),
                    E::Container(detail) => format!("这本 EPUB 电子书已损坏：META-INF/container.xml {detail}，找不到各章内容；请重新获取，或用 calibre、Sigil 修复"),
                    E::Package(detail) => format!("这本 EPUB 电子书已损坏：其包文件（OPF）{detail}；请重新获取，或用 calibre、Sigil 修复"),
                    E::Drm => "这本 EPUB 电子书有 DRM 保护（章节已加密），无法读取；请在购买它的阅读软件中打开".into(),
                    E::TooLarge { limit_mb, .. } => format!("这本 EPUB 电子书太大，解压后超过 {limit_mb} MB；请拆分或转换为 .txt"),
                    E::TooMuchText => "这本 EPUB 电子书的文字太多，无法打开；请把部分内容转换为 .txt".into(),
                }
            }
            OpenError::Web(e) => match e {
                crate::document::WebError::NoPage => "这个网页存档（.mht/.mhtml）里没有 HTML 网页；请在浏览器中打开该网页，另存为“网页，全部”或 .html".into(),
                crate::document::WebError::TooMuchText => "这个网页的文字太多，无法打开；请把各部分分别保存为较小的文件".into(),
            },
            OpenError::Doc(e) => {
                use crate::document::DocError as D;
                match e {
                    D::Encrypted => "这个 Word 97–2003（.doc）文件设置了打开密码，无法读取；请在 Word 或 WPS 中去掉密码后重新保存".into(),
                    D::FastSaved => "这个 .doc 文件是旧版 Word“快速保存”的，无法读取；请在 Word 或 WPS 中打开并重新保存（文件 → 另存为 Word 文档）".into(),
                    D::TooOld => "这是 Word 6 或 Word 95 文件，比可读取的 Word 97–2003 格式更旧；请在 Word 或 WPS 中另存为 .docx".into(),
                    D::Works => "这是 Microsoft Works 文档，不是金山 WPS 文档，无法读取；请在 LibreOffice 或 Works 中另存为 .docx".into(),
                    D::Damaged(detail) => format!("这个 Word 97–2003（.doc）文件已损坏（{detail}）；请在 Word 或 WPS 中修复，或重新获取原文件"),
                    D::TooMuchText => "这个 .doc 文件的文字太多，无法打开；请在 Word 中拆分成较小的文档".into(),
                }
            }
            OpenError::NotAFile(kind) => {
                use crate::files::FileKind as K;
                let what = match kind {
                    K::Fifo => "命名管道（FIFO）",
                    K::CharDevice => "字符设备（如 /dev/zero）",
                    K::BlockDevice => "块设备（磁盘）",
                    K::Socket => "套接字（socket）",
                    K::Symlink => "符号链接",
                    K::Directory => "文件夹",
                    K::Regular | K::Other => "特殊文件",
                };
                format!("这是{what}，不是文档；请选择文档文件（.txt、.docx、.doc、.wps、.pdf、.ofd、.html、.epub 等）")
            }
            OpenError::PasswordProtected => "这个 Word 文件设置了打开密码，无法读取；请在 Word 或 WPS 中打开，去掉密码（文件 → 信息 → 保护文档 → 用密码进行加密，清空密码）后重新保存".into(),
            OpenError::NotWordCompound => "这是 Office 复合文档，但不是 Word 文档（可能是 Excel .xls 或 PowerPoint .ppt 文件）；请打开 Word、.txt 或 .md 文档".into(),
            OpenError::Ofd(e) => {
                use crate::document::OfdError as O;
                match e {
                    O::NotZip => "这不是有效的 OFD 文件（不是 zip 格式）；请打开原始文件，或重新导出为 OFD".into(),
                    O::NotOfd => "这是 zip 压缩包，但不是 OFD 文档（没有 OFD.xml）；请打开原始的 .ofd 文件".into(),
                    O::Damaged(detail) => format!("这个 OFD 文件已损坏（{detail}）；请重新获取原文件，或在 OFD 阅读器中打开后重新保存"),
                    O::Encrypted => "这个 OFD 文件已加密，无法读取；请在有密码的 OFD 阅读器中打开，导出为未加密的文件".into(),
                    O::Unsupported(detail) => format!("这个 OFD 文件使用了无法读取的 zip 特性（{detail}）；请在 OFD 阅读器中打开后重新保存"),
                    O::Missing(what) => format!("这个 OFD 文件已损坏：缺少 {what}；请重新获取原文件，或在 OFD 阅读器中打开后重新保存"),
                    O::Malformed { part, detail } => format!("这个 OFD 文件已损坏：{part} 不是有效的 XML（{detail}）；请重新获取原文件"),
                    O::TooLarge { one_part, limit_mb } => {
                        let what = if *one_part { "其中一个部件" } else { "" };
                        format!("这个 OFD 文件太大，{what}解压后超过 {limit_mb} MB；请拆分文档，或导出为 PDF 或文本")
                    }
                    O::TooMuchText => "这个 OFD 文件的文字太多，无法打开；请拆分成较小的文档".into(),
                    O::ScannedOnly { pages } => format!("这个 OFD 文件没有可读的文字：全部 {pages} 页都是扫描图像；请先做文字识别（OCR）再打开"),
                    O::NoText { pages } => format!("这个 OFD 文件没有可读的文字（共 {pages} 页，页面上没有文字）；请打开其他文件"),
                }
            }
            OpenError::Pdf(e) => {
                use crate::document::PdfError as P;
                match e {
                    P::NotPdf => "这个文件的扩展名是 .pdf，但它不是 PDF（没有 PDF 文件头），可能已损坏或是改了名的其他文件；请打开原始文档".into(),
                    P::Damaged { detail } => format!("这个 PDF 文件已损坏，无法读取其中的页面（{detail}）；请重新获取原文件，或请发送者重新导出"),
                    P::PasswordProtected => "这个 PDF 文件设置了打开密码，无法读取；请在 PDF 阅读器中输入密码打开，另存或打印为不带密码的副本后再打开".into(),
                    P::TooManyObjects { limit } => format!("这个 PDF 由超过 {limit} 个对象组成，超出 Pizhu 的读取上限；它可能已损坏或是为拖垮阅读器而构造的，请在 PDF 阅读器中把它打印为新的 PDF，或拆分后再打开"),
                    P::ScanOnly { pages } => format!("这个 PDF 是扫描件：全部 {pages} 页都是图像，没有可读的文字；请先做文字识别（OCR，例如用 WPS、Acrobat 或 ocrmypdf）再打开"),
                    P::NoText => "这个 PDF 没有可读的文字（页面是空的，或文字被画成了图形）；请打开它的原始文档，或先做文字识别（OCR）".into(),
                }
            }
            OpenError::Docx(e) => match e {
                DocxError::NotZip => "这不是有效的 Word .docx 文件（不是 zip 格式）；请打开原始文件，或在 Word 中重新保存".into(),
                DocxError::NotWord => "这是 zip 压缩包，但不是 Word 文档（没有 word/document.xml，可能是 .xlsx 或 .pptx）；请在 Word 中另存为 .docx".into(),
                DocxError::Encrypted => "这个 .docx 文件设置了密码；请在 Word 中去掉密码后重新保存".into(),
                DocxError::TooLarge { limit_mb } => format!("这个 .docx 文件太大，正文解压后超过 {limit_mb} MB；请在 Word 中拆分，或另存为 .txt"),
                DocxError::TooMuchText => "这个 .docx 文件的文字太多，无法打开；请在 Word 中拆分成较小的文档".into(),
                DocxError::Damaged(detail) | DocxError::Malformed(detail) | DocxError::Unsupported(detail) => {
                    format!("这个 .docx 文件已损坏或格式不受支持（{detail}）；请在 Word 中修复并重新保存，或重新获取原文件")
                }
            },
        }
    }

    /// What a reader should know about how a document was read, in this language (for a
    /// banner above the text; see [`crate::document::Document::notices`]).
    pub fn format_notice(&self, notice: &crate::document::FormatNotice) -> String {
        use crate::document::{FormatNotice, page_list};
        if self.lang != Lang::Zh {
            return notice.to_string();
        }
        match notice {
            FormatNotice::ScannedPages { pages, total } => format!(
                "共 {total} 页，其中第 {} 页是扫描图片，没有文字层；需要先做文字识别（OCR）才能阅读这些页的文字",
                page_list(pages, "、", "–")
            ),
            FormatNotice::Comments(p) => {
                let mut parts: Vec<String> = Vec::new();
                if let Some(why) = &p.unreadable {
                    parts.push(format!("文档的批注无法读取（{why}）"));
                }
                if p.unplaced > 0 {
                    parts.push(format!(
                        "{} 条批注中有 {} 条在正文中找不到位置（批注标记缺失），未导入",
                        p.total, p.unplaced
                    ));
                }
                if p.stray_marks > 0 {
                    parts.push(format!(
                        "正文中有 {} 个批注标记没有对应的批注（或重复），已忽略",
                        p.stray_marks
                    ));
                }
                if p.cut > 0 {
                    parts.push(format!(
                        "{} 条批注超过 {} 字，超出部分未导入",
                        p.cut,
                        crate::document::MAX_COMMENT_CHARS
                    ));
                }
                parts.join("；")
            }
        }
    }

    /// A place where the document was damaged and bytes were replaced, in this language
    /// (for a banner above the text; see [`crate::document::Document::warnings`]).
    pub fn decode_warning(&self, warning: &crate::document::DecodeWarning) -> String {
        if self.lang != Lang::Zh {
            return warning.to_string();
        }
        let crate::document::DecodeWarning {
            byte_offset,
            line,
            count,
            places,
        } = *warning;
        if places <= 1 {
            format!(
                "文件第 {byte_offset} 字节（第 {line} 行）处不是有效的 UTF-8，已将 {count} 个字节替换为 \u{FFFD}"
            )
        } else {
            format!(
                "文件自第 {byte_offset} 字节（第 {line} 行）起另有 {places} 处不是有效的 UTF-8，共 {count} 个字节已替换为 \u{FFFD}"
            )
        }
    }

    /// The name of a highlight colour.
    pub fn color_name(&self, color: crate::annotate::Color) -> &'static str {
        let i = crate::annotate::Color::ALL
            .iter()
            .position(|&c| c == color)
            .unwrap_or(0);
        self.color_names[i]
    }

    /// The notice of an annotation whose place waits for confirming: "文字有改动 · 原文：「…」".
    pub fn review_notice(&self, review: &crate::annotate::Review, quote: &str) -> String {
        use crate::annotate::ReviewReason;
        let zh = self.lang == Lang::Zh;
        let mut out = match (review.reason, zh) {
            (ReviewReason::Fuzzy, true) => "文字有改动".to_owned(),
            (ReviewReason::Fuzzy, false) => "Text changed".to_owned(),
            (ReviewReason::Ambiguous, true) => "同样的文字出现了两处，请确认是这一处".to_owned(),
            (ReviewReason::Ambiguous, false) => {
                "The same text occurs twice: check that this is the one".to_owned()
            }
        };
        if review.old_quote != quote {
            let was: String = review
                .old_quote
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if zh {
                out.push_str(&format!(" · 原文：「{was}」"));
            } else {
                out.push_str(&format!(" — was: «{was}»"));
            }
        }
        out
    }

    /// How much an export will hold.
    pub fn export_count(&self, annotations: usize, outline: bool) -> String {
        match (self.lang == Lang::Zh, outline) {
            (true, false) => format!("将导出 {annotations} 条批注"),
            (true, true) => format!("导出提纲（可附 {annotations} 条高亮）"),
            (false, false) => format!(
                "{} will be exported",
                plural(annotations, "annotation", "annotations")
            ),
            (false, true) => format!(
                "The outline (with up to {})",
                plural(annotations, "highlight", "highlights")
            ),
        }
    }

    /// A worker thread that ended without its answer: `what` (the reader, the export,
    /// attaching notes) stopped unexpectedly.
    pub fn stopped(&self, what: Worker) -> String {
        match (self.lang, what) {
            (Lang::Zh, Worker::Reader) => "打开文档的过程意外中止".to_owned(),
            (Lang::Zh, Worker::Export) => "导出意外中止".to_owned(),
            (Lang::Zh, Worker::Attach) => "接上批注的过程意外中止".to_owned(),
            (Lang::En, Worker::Reader) => "the reader stopped unexpectedly".to_owned(),
            (Lang::En, Worker::Export) => "the export stopped unexpectedly".to_owned(),
            (Lang::En, Worker::Attach) => "attaching stopped unexpectedly".to_owned(),
        }
    }

    /// The settings file could not be written (`error`), at `path` (last).
    pub fn settings_not_saved(&self, error: &std::io::Error, path: &std::path::Path) -> String {
        match self.lang {
            Lang::Zh => format!(
                "设置未能保存（{error}），请确认文件夹可写入：{}",
                path.display()
            ),
            Lang::En => format!(
                "settings could not be saved ({error}); check the folder is writable: {}",
                path.display()
            ),
        }
    }

    /// The colon before what a message names (a path, a title): `：` in Chinese, `: ` in
    /// English.
    pub fn colon(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "：",
            Lang::En => ": ",
        }
    }

    /// "批注 · N".
    pub fn annotations_title(&self, n: usize) -> String {
        format!("{} · {n}", self.annotations)
    }

    /// Banner button: "从备份恢复（2026-11-27 14:02）".
    pub fn restore_backup_from(&self, when: &str) -> String {
        if self.lang == Lang::Zh {
            format!("从备份恢复（{when}）")
        } else {
            format!("Restore the backup of {when}")
        }
    }

    /// "已从 … 的备份恢复 N 条批注".
    pub fn restored_backup(&self, n: usize, when: &str) -> String {
        match (self.lang == Lang::Zh, n) {
            (true, _) => format!("已从 {when} 的备份恢复 {n} 条批注（Ctrl+Z 可撤销）"),
            (false, 1) => {
                format!("Restored 1 annotation from the backup of {when} (Ctrl+Z undoes it)")
            }
            (false, _) => {
                format!("Restored {n} annotations from the backup of {when} (Ctrl+Z undoes it)")
            }
        }
    }

    /// "已从 … 的备份恢复 N 条批注和 M 处提纲更正" (without the corrections when there are
    /// none).
    pub fn restored_backup_with(&self, n: usize, corrections: usize, when: &str) -> String {
        if corrections == 0 {
            return self.restored_backup(n, when);
        }
        if self.lang == Lang::Zh {
            return format!(
                "已从 {when} 的备份恢复 {n} 条批注和 {corrections} 处提纲更正（Ctrl+Z 可撤销）"
            );
        }
        let count = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        format!(
            "Restored {} and {} from the backup of {when} (Ctrl+Z undoes it)",
            count(n, "annotation", "annotations"),
            count(corrections, "outline correction", "outline corrections")
        )
    }

    /// "已隐藏 N 行广告/网页残留".
    pub fn hidden_lines(&self, n: usize) -> String {
        if self.lang == Lang::Zh {
            format!("已隐藏 {n} 行广告/网页残留")
        } else {
            format!("{} of ads / web residue hidden", plural(n, "line", "lines"))
        }
    }

    /// Speaking time, rounded to whole minutes (at least one).
    pub fn speaking_time(&self, seconds: u64) -> String {
        let minutes = seconds.div_ceil(60).max(1);
        if self.lang == Lang::Zh {
            format!("约 {minutes} 分钟")
        } else {
            format!("~{minutes} min")
        }
    }

    /// What the reader shows for a document without a character of text: an empty file, or
    /// (`explained`: a message above says why, e.g. scanned pages) a file with no text.
    pub fn empty_document(&self, explained: bool) -> &'static str {
        match (self.lang, explained) {
            (Lang::Zh, false) => "这个文件是空的",
            (Lang::Zh, true) => "这个文件里没有文字",
            (Lang::En, false) => "This file is empty",
            (Lang::En, true) => "There is no text in this file",
        }
    }
}

/// A worker of the window whose end a message names ([`Strings::stopped`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Worker {
    /// Opening a document.
    Reader,
    /// Writing an export.
    Export,
    /// Attaching notes found elsewhere.
    Attach,
}

/// `1 annotation`, `2 annotations`: a count and the English noun that agrees with it.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// ASCII words a Chinese interface may show: keys, file formats and product names,
/// the citation template's placeholders (in braces, dropped before the check).
/// The words of the crash report's banner and window (`app/crash.rs`).
pub struct CrashWords {
    pub closed: &'static str,
    pub reports: fn(usize) -> String,
    pub show: &'static str,
    pub dismiss: &'static str,
    pub title: &'static str,
    pub copy: &'static str,
    pub open_folder: &'static str,
    pub close: &'static str,
    pub unreadable: &'static str,
    pub nothing_sent: &'static str,
}

pub fn crash_words(lang: Lang) -> CrashWords {
    match lang {
        Lang::Zh => CrashWords {
            closed: "批注上次意外关闭",
            reports: |n| format!("（共 {n} 份报告）"),
            show: "查看报告",
            dismiss: "忽略",
            title: "崩溃报告",
            copy: "复制",
            open_folder: "打开所在文件夹",
            close: "关闭",
            unreadable: "无法读取报告",
            nothing_sent: "报告只保存在本机，没有发送到任何地方。",
        },
        Lang::En => CrashWords {
            closed: "Pizhu closed unexpectedly last time",
            reports: |n| format!(" ({n} reports)"),
            show: "Show report",
            dismiss: "Dismiss",
            title: "Crash report",
            copy: "Copy",
            open_folder: "Open folder",
            close: "Close",
            unreadable: "The report could not be read",
            nothing_sent: "The report stays on this computer; nothing was sent anywhere.",
        },
    }
}

/// The words of the annotated document's controls.
pub struct ExportWords {
    pub what: &'static str,
    pub title: &'static str,
    pub highlight_as: &'static str,
    pub shading: &'static str,
    pub word_colours: &'static str,
    pub mark_blanks: &'static str,
    pub author: &'static str,
    pub author_hint: &'static str,
    pub file_suffix: &'static str,
    pub copy_of: &'static str,
    pub gongwen: &'static str,
    pub full_path: &'static str,
    pub full_path_hint: &'static str,
    pub full_titles: &'static str,
    pub full_titles_hint: &'static str,
    pub filters_unused: &'static str,
}

pub fn export_words(lang: Lang) -> ExportWords {
    match lang {
        Lang::Zh => ExportWords {
            what: "批注版文档（Word）",
            title: "导出批注版文档",
            highlight_as: "划线显示为",
            shading: "底纹（Pizhu 的颜色）",
            word_colours: "Word 突出显示颜色",
            mark_blanks: "每处待填写（×）加批注“待填写”",
            author: "批注署名",
            author_hint: "在“设置”中修改",
            file_suffix: "批注版",
            copy_of: "原 Word 文档的副本，样式不变",
            gongwen: "按 GB/T 9704 公文格式排版",
            full_path: "写出原文件的完整路径",
            full_path_hint: "默认只写文件名，不透露本机的文件夹",
            full_titles: "提纲条目写完整句",
            full_titles_hint: "默认超过 40 字的条目在分句处截断，加“…”",
            filters_unused: "只导出提纲时不涉及批注，无需筛选",
        },
        Lang::En => ExportWords {
            what: "Annotated document (Word)",
            title: "Export annotated document",
            highlight_as: "Highlights as",
            shading: "Shading (Pizhu's colours)",
            word_colours: "Word highlight colours",
            mark_blanks: "A comment \"To fill in\" on each blank (×)",
            author: "Comments signed",
            author_hint: "change it in Settings",
            file_suffix: "annotated",
            copy_of: "a copy of the original Word document, its styles kept",
            gongwen: "laid out as an official document (GB/T 9704)",
            full_path: "Full path of the source file",
            full_path_hint: "By default only the file name: nothing of this computer's folders",
            full_titles: "Whole sentences in the outline",
            full_titles_hint: "By default an entry over 40 chars is cut at a clause, with “…”",
            filters_unused: "The outline alone holds no annotations: nothing to filter",
        },
    }
}

#[cfg(test)]
const ZH_ASCII_ALLOWED: &[&str] = &[
    "Ctrl",
    "Shift",
    "Alt",
    "Enter",
    "Esc",
    "Delete",
    "Tab",
    "PDF",
    "Markdown",
    "CSV",
    "JSON",
    "HTML",
    "Word",
    "Excel",
    "WPS",
    "OFD",
    "EPUB",
    "DRM",
    "OCR",
    "UTF",
    "GBK",
    "GB",
    "T",
    "Big",
    "MB",
    "Pizhu",
    "docx",
    "doc",
    "txt",
    "wps",
    "pdf",
    "ofd",
    "html",
    "epub",
    "md",
    "mht",
    "mhtml",
    "zip",
    "xlsx",
    "pptx",
    "xls",
    "ppt",
    "XML",
    "OPF",
    "META",
    "INF",
    "container",
    "xml",
    "calibre",
    "Sigil",
    "Office",
    "PowerPoint",
    "Microsoft",
    "Works",
    "LibreOffice",
    "Acrobat",
    "ocrmypdf",
    "FIFO",
    "socket",
    "dev",
    "zero",
    "Unicode",
    "s",
    "ms",
    "KB",
];

/// The ASCII words of `text` (placeholders in braces left out) not in the allow-list.
#[cfg(test)]
pub(crate) fn stray_ascii_words(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty() && !ZH_ASCII_ALLOWED.contains(w))
        // A single capital is a key (Ctrl+O, H, N).
        .filter(|w| !(w.len() == 1 && w.chars().all(|c| c.is_ascii_uppercase())))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_picks_the_language() {
        assert_eq!(Lang::from_locale(Some("zh-CN")), Lang::Zh);
        assert_eq!(Lang::from_locale(Some("zh_TW.UTF-8")), Lang::Zh);
        assert_eq!(Lang::from_locale(Some("en-US")), Lang::En);
        assert_eq!(Lang::from_locale(None), Lang::En);
        assert_eq!(Lang::resolve(LanguagePref::Chinese), Lang::Zh);
    }

    #[test]
    fn open_errors_are_explained_in_the_ui_language() {
        let binary = OpenError::Decode(DecodeError::Binary);
        assert!(ZH.open_error(&binary).contains("二进制"));
        assert!(EN.open_error(&binary).contains("binary data"));
        let docx = OpenError::Docx(DocxError::TooLarge { limit_mb: 128 });
        assert!(ZH.open_error(&docx).contains("128 MB"));
        let fifo = OpenError::NotAFile(crate::files::FileKind::Fifo);
        assert!(ZH.open_error(&fifo).contains("命名管道"));
        assert!(EN.open_error(&fifo).contains("named pipe (FIFO)"));
        let protected = ZH.open_error(&OpenError::PasswordProtected);
        assert!(protected.contains("密码"), "{protected}");
        let xls = ZH.open_error(&OpenError::NotWordCompound);
        assert!(xls.contains("不是 Word 文档"), "{xls}");
        let works = ZH.open_error(&OpenError::Doc(crate::document::DocError::Works));
        assert!(works.contains("Microsoft Works"), "{works}");
        let damaged = OpenError::Doc(crate::document::DocError::Damaged("x".into()));
        assert!(ZH.open_error(&damaged).contains("已损坏（x）"));
        let page = ZH.open_error(&OpenError::Web(crate::document::WebError::NoPage));
        assert!(page.contains("没有 HTML 网页"), "{page}");
        let drm = ZH.open_error(&OpenError::Epub(crate::document::EpubError::Drm));
        assert!(drm.contains("DRM"), "{drm}");
        let damage = crate::document::DecodeWarning {
            byte_offset: 123_456,
            line: 789,
            count: 1,
            places: 1,
        };
        assert!(ZH.decode_warning(&damage).contains("第 789 行"));
        let scans = crate::document::FormatNotice::ScannedPages {
            pages: vec![2, 3, 5],
            total: 6,
        };
        assert!(ZH.format_notice(&scans).contains("第 2–3、5 页是扫描图片"));
        assert!(EN.format_notice(&scans).contains("pages 2–3, 5 of 6"));
        assert!(EN.decode_warning(&damage).contains("(line 789)"));
    }

    /// Every quoted string in a `Debug` rendering (`Strings { a: "…", b: ["…"] }`).
    fn debug_strings(debug: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut chars = debug.chars();
        while let Some(c) = chars.next() {
            if c != '"' {
                continue;
            }
            let mut s = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => s.extend(chars.next()),
                    '"' => break,
                    _ => s.push(c),
                }
            }
            out.push(s);
        }
        out
    }

    #[test]
    fn the_chinese_interface_has_no_english_words() {
        let mut texts = debug_strings(&format!("{ZH:?}"));
        assert!(texts.len() > 150, "every field is walked: {}", texts.len());
        texts.extend([
            ZH.export_count(1, false),
            ZH.export_count(3, true),
            ZH.hidden_lines(2),
            ZH.speaking_time(90),
            ZH.restored_backup(1, "2026-11-27 14:02"),
            ZH.restored_backup_with(0, 2, "2026-11-27 14:02"),
            ZH.restore_backup_from("2026-11-27 14:02"),
            ZH.annotations_title(4),
            ZH.stopped(Worker::Reader),
            ZH.stopped(Worker::Export),
            ZH.stopped(Worker::Attach),
            ZH.settings_not_saved(
                &std::io::Error::other("磁盘已满"),
                std::path::Path::new("/tmp/设置.ron"),
            )
            .replace("/tmp/设置.ron", ""),
        ]);
        let stray: Vec<(String, Vec<String>)> = texts
            .into_iter()
            .filter_map(|t| {
                let words = stray_ascii_words(&t);
                (!words.is_empty()).then_some((t, words))
            })
            .collect();
        assert!(
            stray.is_empty(),
            "English in the Chinese interface: {stray:#?}"
        );
        // What it catches: the export window's format list once said "Plain text".
        assert_eq!(stray_ascii_words("格式：Plain text"), ["Plain", "text"]);
        assert!(stray_ascii_words("Ctrl+O 打开 PDF、{title}").is_empty());
    }

    #[test]
    fn english_counts_agree_with_their_number() {
        assert_eq!(EN.export_count(1, false), "1 annotation will be exported");
        assert_eq!(EN.export_count(2, false), "2 annotations will be exported");
        assert_eq!(
            EN.export_count(1, true),
            "The outline (with up to 1 highlight)"
        );
        assert_eq!(EN.hidden_lines(1), "1 line of ads / web residue hidden");
        assert_eq!(EN.hidden_lines(0), "0 lines of ads / web residue hidden");
        assert_eq!(
            EN.restored_backup(1, "x"),
            "Restored 1 annotation from the backup of x (Ctrl+Z undoes it)"
        );
        assert_eq!(
            EN.restored_backup_with(0, 1, "x"),
            "Restored 0 annotations and 1 outline correction from the backup of x (Ctrl+Z undoes it)"
        );
        assert_eq!(ZH.colon(), "：");
        assert_eq!(EN.colon(), ": ");
    }

    #[test]
    fn formatted_strings() {
        assert_eq!(ZH.hidden_lines(3), "已隐藏 3 行广告/网页残留");
        assert_eq!(EN.speaking_time(61), "~2 min");
        assert_eq!(ZH.speaking_time(0), "约 1 分钟");
    }
}

/// The strings of the reader's outline corrections and outline rules (issue 14).
#[derive(Debug)]
pub struct OutlineFixStrings {
    /// Context menu items making a line a heading at levels 1–4.
    pub make_heading: [&'static str; 4],
    /// The line (or node) is not a heading.
    pub not_heading: &'static str,
    /// Remove the reader's corrections of the line.
    pub clear_correction: &'static str,
    /// Move a node up a level.
    pub promote: &'static str,
    /// Move a node down a level.
    pub demote: &'static str,
    /// Rename a node in the outline.
    pub rename: &'static str,
    /// Hover text of the mark on a corrected node.
    pub corrected: &'static str,
    /// The Settings section.
    pub rules_title: &'static str,
    /// What the rules do.
    pub rules_help: &'static str,
    /// A rule's name field.
    pub rule_name: &'static str,
    /// A rule's pattern field.
    pub rule_pattern: &'static str,
    /// A rule's on switch.
    pub rule_enabled: &'static str,
    /// A rule's level choice.
    pub rule_level: &'static str,
    /// Heading levels offered for a rule, then "not a heading".
    pub rule_levels: [&'static str; 5],
    /// Add a rule.
    pub add_rule: &'static str,
    /// Remove a rule.
    pub remove_rule: &'static str,
    /// Save the rules.
    pub save_rules: &'static str,
    /// A pattern that is not a regex, before the regex error.
    pub bad_pattern: &'static str,
    /// No document open for the preview.
    pub no_preview: &'static str,
    /// The rules file could not be written.
    pub rules_not_saved: &'static str,
}

/// Chinese strings of the outline corrections.
pub static ZH_FIX: OutlineFixStrings = OutlineFixStrings {
    make_heading: [
        "设为标题（第一级）",
        "设为标题（第二级）",
        "设为标题（第三级）",
        "设为标题（第四级）",
    ],
    not_heading: "不是标题",
    clear_correction: "撤除对此行提纲的更正",
    promote: "升级",
    demote: "降级",
    rename: "在提纲中重命名",
    corrected: "已由你更正",
    rules_title: "提纲规则",
    rules_help: "每条规则是一个正则表达式，逐行匹配：匹配的行设为某一级标题，或不是标题。规则在自动识别之后、你对单篇文档的更正之前生效。",
    rule_name: "名称",
    rule_pattern: "正则表达式",
    rule_enabled: "启用",
    rule_level: "级别",
    rule_levels: ["第一级", "第二级", "第三级", "第四级", "不是标题"],
    add_rule: "添加规则",
    remove_rule: "删除",
    save_rules: "保存规则",
    bad_pattern: "正则表达式有误：",
    no_preview: "打开文档后可预览匹配的行",
    rules_not_saved: "提纲规则未能保存",
};

/// English strings of the outline corrections.
pub static EN_FIX: OutlineFixStrings = OutlineFixStrings {
    make_heading: [
        "Make heading (level 1)",
        "Make heading (level 2)",
        "Make heading (level 3)",
        "Make heading (level 4)",
    ],
    not_heading: "Not a heading",
    clear_correction: "Remove your outline correction of this line",
    promote: "Promote",
    demote: "Demote",
    rename: "Rename in outline",
    corrected: "Corrected by you",
    rules_title: "Outline rules",
    rules_help: "Each rule is a regular expression tried on every line: a matching line becomes a heading at a level, or is not a heading. Rules apply after the automatic outline and before your corrections of a document.",
    rule_name: "Name",
    rule_pattern: "Regular expression",
    rule_enabled: "On",
    rule_level: "Level",
    rule_levels: ["Level 1", "Level 2", "Level 3", "Level 4", "Not a heading"],
    add_rule: "Add a rule",
    remove_rule: "Remove",
    save_rules: "Save the rules",
    bad_pattern: "Not a regular expression: ",
    no_preview: "Open a document to preview the lines matched",
    rules_not_saved: "The outline rules could not be saved",
};

impl Strings {
    /// The strings of the outline corrections in this language.
    pub fn fix(&self) -> &'static OutlineFixStrings {
        match self.lang {
            Lang::Zh => &ZH_FIX,
            Lang::En => &EN_FIX,
        }
    }

    /// How many lines an outline rule matches.
    pub fn rule_matches(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("匹配 {n} 行"),
            Lang::En => plural(n, "line matches", "lines match"),
        }
    }

    /// Outline corrections whose line is gone from the document.
    pub fn lost_corrections(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("{n} 处提纲更正在文档中找不到原文，已保留但未生效"),
            Lang::En => format!(
                "{} not found in the document: kept, not applied",
                plural(n, "outline correction", "outline corrections")
            ),
        }
    }
}

#[cfg(test)]
mod fix_tests {
    use super::*;

    #[test]
    fn the_chinese_outline_corrections_have_no_english_words() {
        let mut texts: Vec<String> = ZH_FIX
            .make_heading
            .iter()
            .chain(&ZH_FIX.rule_levels)
            .map(|s| s.to_string())
            .collect();
        texts.extend(
            [
                ZH_FIX.not_heading,
                ZH_FIX.clear_correction,
                ZH_FIX.promote,
                ZH_FIX.demote,
                ZH_FIX.rename,
                ZH_FIX.corrected,
                ZH_FIX.rules_title,
                ZH_FIX.rules_help,
                ZH_FIX.rule_name,
                ZH_FIX.rule_pattern,
                ZH_FIX.rule_enabled,
                ZH_FIX.rule_level,
                ZH_FIX.add_rule,
                ZH_FIX.remove_rule,
                ZH_FIX.save_rules,
                ZH_FIX.bad_pattern,
                ZH_FIX.no_preview,
                ZH_FIX.rules_not_saved,
            ]
            .map(str::to_owned),
        );
        texts.extend([ZH.rule_matches(3), ZH.lost_corrections(2)]);
        for t in texts {
            assert!(stray_ascii_words(&t).is_empty(), "{t}");
        }
        assert_eq!(EN.rule_matches(1), "1 line matches");
        assert_eq!(EN.fix().promote, "Promote");
    }
}

/// Strings of the settings window's Reading section.
#[derive(Debug)]
pub struct ReadingStrings {
    /// The section's heading.
    pub title: &'static str,
    /// The body face.
    pub font: &'static str,
    /// The faces, in the order of `ReadingFont::ALL`.
    pub font_names: [&'static str; 6],
    /// Why the face cannot be chosen in official style.
    pub font_in_official: &'static str,
    /// Row height.
    pub line_height: &'static str,
    /// Space after a paragraph.
    pub paragraph_spacing: &'static str,
    /// Indent the first line.
    pub first_line_indent: &'static str,
    /// Longest line.
    pub column_width: &'static str,
    /// Space beside the column.
    pub margins: &'static str,
    /// Straight right edge.
    pub justify: &'static str,
    /// Back to the defaults.
    pub reset: &'static str,
    /// The bundled serif face's name.
    pub bundled_serif: &'static str,
    /// The bundled sans face's name.
    pub bundled_sans: &'static str,
}

/// Chinese strings of the Reading section.
pub static ZH_READING: ReadingStrings = ReadingStrings {
    title: "阅读",
    font: "正文字体",
    font_names: ["内置宋体", "内置黑体", "宋体", "仿宋", "楷体", "黑体"],
    font_in_official: "公文样式开启时正文用仿宋",
    line_height: "行距",
    paragraph_spacing: "段距",
    first_line_indent: "首行缩进两字",
    column_width: "每行最多字数",
    margins: "页边距",
    justify: "两端对齐",
    reset: "恢复默认",
    bundled_serif: "内置思源宋体",
    bundled_sans: "内置思源黑体",
};

/// English strings of the Reading section.
pub static EN_READING: ReadingStrings = ReadingStrings {
    title: "Reading",
    font: "Body font",
    font_names: [
        "Serif (bundled)",
        "Sans (bundled)",
        "Song",
        "FangSong",
        "Kai",
        "Hei",
    ],
    font_in_official: "Official document style sets body text in FangSong",
    line_height: "Line height",
    paragraph_spacing: "Paragraph spacing",
    first_line_indent: "Indent first lines",
    column_width: "Characters a line",
    margins: "Margins",
    justify: "Justify",
    reset: "Reset to defaults",
    bundled_serif: "the bundled Noto Serif CJK",
    bundled_sans: "the bundled Noto Sans CJK",
};

impl Strings {
    /// The strings of the Reading section in this language.
    pub fn reading(&self) -> &'static ReadingStrings {
        match self.lang {
            Lang::Zh => &ZH_READING,
            Lang::En => &EN_READING,
        }
    }

    /// A face (宋体, 仿宋, 楷体, 黑体) that is not installed, and the bundled one used
    /// instead (`sans`: the sans face).
    pub fn face_missing(&self, wanted: &str, sans: bool) -> String {
        let r = self.reading();
        let used = if sans {
            r.bundled_sans
        } else {
            r.bundled_serif
        };
        match self.lang {
            Lang::Zh => format!("未找到{wanted}，使用{used}代替"),
            Lang::En => {
                let name = match wanted {
                    "宋体" => "Song (宋体)",
                    "仿宋" => "FangSong (仿宋)",
                    "楷体" => "Kai (楷体)",
                    _ => "Hei (黑体)",
                };
                format!("{name} is not installed; using {used} instead")
            }
        }
    }
}

#[cfg(test)]
mod reading_tests {
    use super::*;

    #[test]
    fn the_chinese_crash_report_words_have_no_english_words() {
        let w = crash_words(Lang::Zh);
        for t in [
            w.closed,
            w.show,
            w.dismiss,
            w.title,
            w.copy,
            w.open_folder,
            w.close,
            w.unreadable,
            w.nothing_sent,
        ]
        .map(str::to_owned)
        .into_iter()
        .chain([(w.reports)(2)])
        {
            assert!(stray_ascii_words(&t).is_empty(), "{t}");
        }
    }

    #[test]
    fn the_chinese_reading_section_has_no_english_words() {
        let r = &ZH_READING;
        let mut texts: Vec<String> = r.font_names.iter().map(|s| s.to_string()).collect();
        texts.extend(
            [
                r.title,
                r.font,
                r.font_in_official,
                r.line_height,
                r.paragraph_spacing,
                r.first_line_indent,
                r.column_width,
                r.margins,
                r.justify,
                r.reset,
            ]
            .map(str::to_owned),
        );
        texts.push(ZH.face_missing("仿宋", false));
        for t in texts {
            assert!(stray_ascii_words(&t).is_empty(), "{t}");
        }
        assert_eq!(
            ZH.face_missing("黑体", true),
            "未找到黑体，使用内置思源黑体代替"
        );
        assert_eq!(
            EN.face_missing("仿宋", false),
            "FangSong (仿宋) is not installed; using the bundled Noto Serif CJK instead"
        );
    }
}
