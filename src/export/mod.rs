//! Annotations and outlines → files people use elsewhere: Markdown, plain text, HTML, CSV,
//! JSON and Word `.docx` (pure: everything is built in memory; only [`write_file`] touches
//! the file system).
//!
//! One model ([`report`]'s `Report`: the document's title, source and export date, then
//! sections in document order, each with its annotations) is built once from a [`Source`]
//! and [`Options`], and rendered by one function per [`Format`]. The shapes of the formats,
//! and the JSON schema, are described in `docs/export-formats.md`.

mod annotated;
mod annotated_gongwen;
mod annotated_weave;
mod collection;
mod docx;
mod html;
pub(crate) mod json;
mod labels;
mod listing;
mod md;
mod report;
mod table;
mod txt;

use std::path::{Path, PathBuf};

pub use annotated::{
    Annotated, AnnotatedOptions, AnnotatedSource, Blanks, HighlightStyle, Layout, annotated_docx,
};
pub use collection::{CollectedNote, Collection, export_collection, filter_summary};
pub use listing::{
    ListedDocument, ListedNote, NotesDocument, notes_all_json, notes_all_text, notes_json,
    notes_text, one_line_quote, outline_json,
};
pub use md::outline_markdown;
pub(crate) use report::{format_time, permille};
pub use txt::outline_text;

use serde::{Deserialize, Serialize};

use crate::annotate::Annotation;
use crate::document::Document;
use crate::outline::Outline;

/// A file format to export to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Markdown: sections as headings, quotes as blockquotes, tags as `#tag` (Obsidian).
    Md,
    /// Plain text in the manner of WeChat Read's note export: section, `◆ quote`, note.
    Txt,
    /// One self-contained HTML page that shows highlights in their colours and prints well.
    Html,
    /// CSV, UTF-8 with a byte-order mark so Excel and WPS read Chinese correctly.
    Csv,
    /// JSON with a documented, versioned schema, for other tools.
    Json,
    /// A Word document: headings per section, quotes and notes as styled paragraphs.
    Docx,
}

impl Format {
    /// Every format, in the order menus offer them.
    pub const ALL: [Format; 6] = [
        Format::Md,
        Format::Txt,
        Format::Html,
        Format::Csv,
        Format::Json,
        Format::Docx,
    ];

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Txt => "txt",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Docx => "docx",
        }
    }

    /// Whether the export is text (UTF-8) rather than a binary package (only `.docx` is not).
    pub fn is_text(self) -> bool {
        self != Format::Docx
    }

    /// The name shown in menus and dialogs.
    pub fn label(self) -> &'static str {
        match self {
            Format::Md => "Markdown",
            Format::Txt => "Plain text",
            Format::Html => "HTML",
            Format::Csv => "CSV (Excel/WPS)",
            Format::Json => "JSON",
            Format::Docx => "Word (.docx)",
        }
    }
}

/// The language of the words an export adds (来源, 导出时间, colour names, headers…).
pub use crate::lang::Lang;

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// Every highlight and note, grouped under its section path.
    Annotations,
    /// The outline (提纲) alone, as an indented list.
    Outline {
        /// Put each (filtered) highlight and note under the deepest node holding it.
        with_highlights: bool,
    },
}

/// Which annotations to export: the one annotation filter (section notes whose note is
/// empty carry nothing and are never exported, whatever the filter).
pub use crate::annotate::filter::Filter;

/// How to export: what, which annotations, and in which language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Annotations or the outline.
    pub content: Content,
    /// Which annotations.
    pub filter: Filter,
    /// Language of the labels the export adds.
    pub lang: Lang,
    /// Show the source file's whole path; by default only its name (an export is shared,
    /// the folders on this computer are nobody's business).
    pub full_path: bool,
    /// In the outline of Markdown, text, HTML and Word: each entry in full, not cut at a
    /// clause boundary near [`OUTLINE_ENTRY_CHARS`] (CSV and JSON are data: always in full).
    pub full_titles: bool,
}

impl Options {
    /// Every annotation (or the outline) in `lang`, source file by name, outline entries
    /// trimmed.
    pub fn new(content: Content, lang: Lang) -> Self {
        Options {
            content,
            filter: Filter::default(),
            lang,
            full_path: false,
            full_titles: false,
        }
    }
}

/// The longest outline entry an outline export shows (unless [`Options::full_titles`]), in
/// chars, its `…` included.
pub const OUTLINE_ENTRY_CHARS: usize = 40;

/// `title` cut to at most `max` chars (a `…` in the last): at the last clause boundary
/// (`，；：。！？` and their half-width forms) that keeps a quarter of the room (6 chars at
/// least), else at the last `、` that keeps half of it, else where it reaches the limit;
/// unchanged when it fits.
pub fn trim_entry(title: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let chars: Vec<char> = title.chars().collect();
    if chars.len() <= max || max < 2 {
        return title.into();
    }
    // The text kept holds at most `max - 1` chars, then `…`.
    let room = max - 1;
    let clause = |c: char| "，；：。！？,;:!?".contains(c);
    // The last boundary at or before `room` that keeps at least `least` chars.
    let at = |least: usize, pred: &dyn Fn(char) -> bool| {
        (least..=room.min(chars.len()))
            .rev()
            .find(|&i| i < chars.len() && pred(chars[i]))
    };
    let cut = at((room / 4).max(6), &clause)
        .or_else(|| at(room / 2, &|c| c == '、'))
        .unwrap_or(room);
    let kept: String = chars[..cut].iter().collect();
    format!("{}…", kept.trim_end()).into()
}

/// `path` as an export shows it: its file name alone unless `full` (the path as given).
pub(crate) fn shown_path(path: &str, full: bool) -> &str {
    if full {
        return path;
    }
    // Both separators: a path recorded on Windows names its file after the last `\`.
    path.rsplit(['/', '\\'])
        .find(|part| !part.is_empty())
        .unwrap_or(path)
}

/// What is exported: the document, its outline and annotations, and the words at the head.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The document (for positions and its length).
    pub doc: &'a Document,
    /// Its outline (sections and the outline content).
    pub outline: &'a Outline,
    /// Its annotations, placed in `doc` (unplaced ones go to a last group).
    pub annotations: &'a [Annotation],
    /// The title at the head of the export.
    pub title: &'a str,
    /// The source file's name or path, if any.
    pub source_file: Option<&'a str>,
    /// When the export was made, already formatted by the caller (`2026-11-25 14:03`).
    pub exported_at: &'a str,
    /// Offset from UTC, in seconds, for showing creation and change times.
    pub utc_offset_seconds: i32,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file could not be written.
    #[error(
        "cannot write the export ({source}); check that the folder exists and is writable: {}",
        path.display()
    )]
    Write {
        /// Where it was to be written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The export could not be put together (a bug, not something the user can fix).
    #[error("cannot build the {format} export ({reason}); please report this")]
    Build {
        /// The format's name.
        format: &'static str,
        /// What went wrong.
        reason: String,
    },
}

impl ExportError {
    /// A build failure of `format` for `reason`.
    pub(crate) fn build(format: Format, reason: impl std::fmt::Display) -> Self {
        ExportError::Build {
            format: format.label(),
            reason: reason.to_string(),
        }
    }
}

/// Export `source` as `format`: the file's bytes.
pub fn export(source: &Source, options: &Options, format: Format) -> Result<Vec<u8>, ExportError> {
    let trimmed;
    let mut source = *source;
    if matches!(options.content, Content::Outline { .. })
        && !options.full_titles
        && !matches!(format, Format::Csv | Format::Json)
    {
        trimmed = trimmed_outline(source.outline);
        source.outline = &trimmed;
    }
    render(&report::Report::build(&source, options), format)
}

/// A copy of `outline` with each entry cut to [`OUTLINE_ENTRY_CHARS`] (the heading's marker
/// counts), for reading formats.
fn trimmed_outline(outline: &Outline) -> Outline {
    let mut out = outline.clone();
    for node in &mut out.nodes {
        let marker = node.marker.chars().count();
        let room = OUTLINE_ENTRY_CHARS
            .saturating_sub(marker)
            .max(OUTLINE_ENTRY_CHARS / 2);
        if let std::borrow::Cow::Owned(t) = trim_entry(&node.title, room) {
            node.title = t;
        }
    }
    out
}

/// A report as `format`: the file's bytes.
fn render(report: &report::Report, format: Format) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Md => Ok(md::render(report).into_bytes()),
        Format::Txt => Ok(txt::render(report).into_bytes()),
        Format::Html => Ok(html::render(report).into_bytes()),
        Format::Csv => table::render(report),
        Format::Json => json::render(report),
        Format::Docx => docx::render(report),
    }
}

/// Longest title kept in a file name, in chars.
const MAX_NAME_TITLE_CHARS: usize = 80;
/// Longest title kept in a file name, in bytes (file systems count bytes: 255 at most, suffix included).
const MAX_NAME_TITLE_BYTES: usize = 240;

/// Invisible format characters: the bidi controls (embeddings, overrides, isolates, marks),
/// which make a file name read differently from what it is (`报告\u{202E}txt.exe`), and the
/// zero-width and other invisible characters, which make two names that look the same differ.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                      // soft hyphen
        | '\u{061C}'                    // Arabic letter mark
        | '\u{180E}'                    // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'       // zero-width space, non-joiner, joiner; LRM, RLM
        | '\u{202A}'..='\u{202E}'       // embeddings and overrides
        | '\u{2060}'..='\u{2064}'       // word joiner, invisible operators
        | '\u{2066}'..='\u{206F}'       // isolates; deprecated format characters
        | '\u{FEFF}'                    // zero-width no-break space (byte-order mark)
        | '\u{FFF9}'..='\u{FFFB}'       // interlinear annotation
        | '\u{E0000}'..='\u{E007F}'     // tag characters
    )
}

/// The file name an export is offered under: `<title>-批注.md`, `<title>-提纲.docx`
/// (`-notes`, `-outline` in English), with characters that Windows or Linux refuse in file
/// names, bidi controls and invisible format characters removed and the title cut to 80
/// chars; `未命名` / `untitled` when nothing is left.
pub fn default_file_name(title: &str, content: Content, format: Format, lang: Lang) -> String {
    let words = labels::Labels::of(lang);
    let mut clean = String::with_capacity(title.len());
    let mut chars = 0;
    for c in title.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            || c.is_control()
            || is_invisible_format(c)
        {
            continue;
        }
        if c == ' ' && (clean.is_empty() || clean.ends_with(' ')) {
            continue;
        }
        if chars == MAX_NAME_TITLE_CHARS || clean.len() + c.len_utf8() > MAX_NAME_TITLE_BYTES {
            break;
        }
        clean.push(c);
        chars += 1;
    }
    // Leading dots hide a file on Linux; trailing dots and spaces are dropped by Windows.
    let clean = clean
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let title = if clean.is_empty() {
        words.untitled
    } else {
        clean
    };
    let what = match content {
        Content::Annotations => words.notes_suffix,
        Content::Outline { .. } => words.outline_suffix,
    };
    format!("{title}-{what}.{}", format.extension())
}

/// Write an export to `path` as [`crate::files::write_output`] does for `-o` (atomically,
/// keeping an existing file's permissions, through a symlink to its target, into a FIFO or
/// device; a folder or read-only file refused), so a failure never leaves a half-written
/// file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    write_file_protecting(path, bytes, &[])
}

/// [`write_file`], refusing to write over any of `protected` (the document being exported,
/// its notes).
pub fn write_file_protecting(
    path: &Path,
    bytes: &[u8],
    protected: &[&Path],
) -> Result<(), ExportError> {
    crate::files::write_output(path, bytes, protected, false)
        .map(|_| ())
        .map_err(|e| ExportError::Write {
            path: path.to_owned(),
            source: match e {
                crate::files::OutputError::Io(e) => e,
                crate::files::OutputError::Refused(why) => std::io::Error::other(why),
            },
        })
}

#[cfg(test)]
mod tests;
