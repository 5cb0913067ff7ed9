//! The words an export adds around the user's text, in Chinese and English.

use crate::annotate::{Color, Mark};

use super::Lang;

/// The words of one language.
pub(crate) struct Labels {
    /// `zh-CN` / `en`: the HTML `lang` attribute.
    pub html_lang: &'static str,
    /// File name suffix of an annotations export.
    pub notes_suffix: &'static str,
    /// File name suffix of an outline export.
    pub outline_suffix: &'static str,
    /// File name when the title leaves nothing.
    pub untitled: &'static str,
    /// What an annotations export is called (HTML title, docx subject).
    pub notes_kind: &'static str,
    /// What an outline export is called.
    pub outline_kind: &'static str,
    /// "Source".
    pub source: &'static str,
    /// "Exported".
    pub exported: &'static str,
    /// "Annotations" (count line).
    pub annotations: &'static str,
    /// "Outline" (count line).
    pub outline: &'static str,
    /// "Filter".
    pub filter: &'static str,
    /// "with notes only".
    pub notes_only: &'static str,
    /// Heading of annotations before the first heading.
    pub opening: &'static str,
    /// Heading of annotations that could not be placed.
    pub unplaced: &'static str,
    /// What a section note is called.
    pub section_note: &'static str,
    /// What a highlight is called.
    pub highlight: &'static str,
    /// "underlined".
    pub underline: &'static str,
    /// "background" (a filled highlight).
    pub fill: &'static str,
    /// "Note".
    pub note: &'static str,
    /// "Tags".
    pub tags: &'static str,
    /// Colon after a label (`：` / `: `).
    pub colon: &'static str,
    /// Separator of list items (`、` / `, `).
    pub comma: &'static str,
    /// Column headers of the annotations CSV.
    pub csv_annotations: [&'static str; 13],
    /// Column headers of the outline CSV.
    pub csv_outline: [&'static str; 8],
    /// Names of the outline CSV's row kinds: heading, point, highlight, section note.
    pub csv_row_kinds: [&'static str; 4],
    /// Column headers a collection's CSV puts before the annotations': document, source.
    pub csv_collection: [&'static str; 2],
    /// "Documents" (count line of a collection).
    pub documents: &'static str,
    /// What a document's title is quoted with: `《…》` / `“…”`.
    pub title_quotes: (&'static str, &'static str),
}

/// Chinese.
static ZH: Labels = Labels {
    html_lang: "zh-CN",
    notes_suffix: "批注",
    outline_suffix: "提纲",
    untitled: "未命名",
    notes_kind: "批注",
    outline_kind: "提纲",
    source: "来源",
    exported: "导出时间",
    annotations: "批注",
    outline: "提纲",
    filter: "筛选",
    notes_only: "仅含笔记",
    opening: "开头",
    unplaced: "未能定位",
    section_note: "章节笔记",
    highlight: "划线",
    underline: "下划线",
    fill: "背景",
    note: "笔记",
    tags: "标签",
    colon: "：",
    comma: "、",
    csv_annotations: [
        "章节",
        "类型",
        "原文",
        "笔记",
        "颜色",
        "样式",
        "标签",
        "创建时间",
        "修改时间",
        "起",
        "止",
        "位置",
        "ID",
    ],
    csv_outline: ["层级", "类型", "序号", "标题", "路径", "起", "止", "笔记"],
    csv_row_kinds: ["标题", "要点", "划线", "章节笔记"],
    csv_collection: ["文档", "来源"],
    documents: "文档",
    title_quotes: ("《", "》"),
};

/// English.
static EN: Labels = Labels {
    html_lang: "en",
    notes_suffix: "notes",
    outline_suffix: "outline",
    untitled: "untitled",
    notes_kind: "Notes",
    outline_kind: "Outline",
    source: "Source",
    exported: "Exported",
    annotations: "Annotations",
    outline: "Outline",
    filter: "Filter",
    notes_only: "with notes only",
    opening: "Before the first heading",
    unplaced: "Could not be placed",
    section_note: "Section note",
    highlight: "highlight",
    underline: "underlined",
    fill: "background",
    note: "Note",
    tags: "Tags",
    colon: ": ",
    comma: ", ",
    csv_annotations: [
        "Section", "Kind", "Quote", "Note", "Colour", "Mark", "Tags", "Created", "Modified",
        "Start", "End", "Position", "ID",
    ],
    csv_outline: [
        "Depth", "Kind", "Marker", "Title", "Path", "Start", "End", "Note",
    ],
    csv_row_kinds: ["heading", "point", "highlight", "section note"],
    csv_collection: ["Document", "Source"],
    documents: "Documents",
    title_quotes: ("“", "”"),
};

impl Labels {
    /// The words of `lang`.
    pub fn of(lang: Lang) -> &'static Labels {
        match lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// A colour's name.
    pub fn color(&self, color: Color) -> &'static str {
        if std::ptr::eq(self, &ZH) {
            color.chinese()
        } else {
            color.name()
        }
    }

    /// How a highlight is drawn.
    pub fn mark(&self, mark: Mark) -> &'static str {
        match mark {
            Mark::Fill => self.fill,
            Mark::Underline => self.underline,
        }
    }

    /// `批注：8 条` / `Annotations: 8`.
    pub fn annotations_count(&self, n: usize) -> String {
        let unit = if std::ptr::eq(self, &ZH) { " 条" } else { "" };
        format!("{}{}{n}{unit}", self.annotations, self.colon)
    }

    /// `文档：3 篇` / `Documents: 3`.
    pub fn documents_count(&self, n: usize) -> String {
        let unit = if std::ptr::eq(self, &ZH) { " 篇" } else { "" };
        format!("{}{}{n}{unit}", self.documents, self.colon)
    }

    /// `提纲：27 项` / `Outline: 27 entries`.
    pub fn outline_count(&self, n: usize) -> String {
        let unit = if std::ptr::eq(self, &ZH) {
            " 项"
        } else {
            " entries"
        };
        format!("{}{}{n}{unit}", self.outline, self.colon)
    }

    /// Where an annotation stands: `第 812–830 字 · 5.3%` / `chars 812–830 · 5.3%`; for
    /// one that could not be placed, where it stood (`原在第 812–830 字`).
    pub fn location(&self, start: usize, end: usize, permille: u32, placed: bool) -> String {
        let percent = format_permille(permille);
        match (std::ptr::eq(self, &ZH), placed) {
            (true, true) => format!("第 {start}–{end} 字 · {percent}"),
            (true, false) => format!("原在第 {start}–{end} 字 · {percent}"),
            (false, true) => format!("chars {start}–{end} · {percent}"),
            (false, false) => format!("was at chars {start}–{end} · {percent}"),
        }
    }
}

/// Tenths of a percent as `5.3%`.
pub(crate) fn format_permille(permille: u32) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}
