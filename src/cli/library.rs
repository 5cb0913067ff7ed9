//! `pizhu library`, `pizhu notes --all` and `pizhu export --all`: the library and every note
//! of every document, over `crate::library` (the format and rules are in `docs/cli.md`).
//!
//! All three only read: the library and the notebook are loaded without writing anything
//! (`Library::read`, `Notebook::load(…, false)`), so the data folder is left byte for byte
//! as it was. A notes file that cannot be read is reported on stderr, one line each; the
//! listings go on with the rest (and fail only when nothing could be read), the export fails
//! rather than write a file that silently misses its notes.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{CliError, FilterArgs, NotesFormat, Output, fail, notes_dir, one_line, output_reason};
use crate::export::{
    Collection, Format, Lang, ListedDocument, ListedNote, export_collection, filter_summary,
    format_time, notes_all_json, notes_all_text,
};
use crate::library::overview::{day_bounds, rows};
use crate::library::{DocStatus, Library, LoadedNotebook, Notebook, Order, Query};
use crate::store::annotations::{Access, DocStore};

/// Which documents and dates `notes --all` and `export --all` take, besides the annotation
/// filter. (The options that need `--all` conflict with FILE instead of requiring `--all`:
/// clap takes a flag's default `false` as present, and one of the two is required.)
#[derive(Clone, Debug, Default, clap::Args)]
pub struct AllArgs {
    /// Every document's annotations (instead of one FILE's).
    #[arg(long, conflicts_with = "file", required_unless_present = "file")]
    pub all: bool,
    /// With --all: only documents whose title or path holds this text (ignoring case and
    /// full/half width).
    #[arg(long = "doc", value_name = "PATTERN", conflicts_with = "file")]
    pub doc: Option<String>,
    /// With --all: only annotations made on or after this day (YYYY-MM-DD, local time).
    #[arg(long, value_name = "DATE", conflicts_with = "file", value_parser = parse_day)]
    pub from: Option<Day>,
    /// With --all: only annotations made on or before this day (YYYY-MM-DD, local time).
    #[arg(long, value_name = "DATE", conflicts_with = "file", value_parser = parse_day)]
    pub to: Option<Day>,
}

/// A day named on the command line: as written (`-` between), and its first and last
/// millisecond in the local time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub text: String,
    /// Its first millisecond since 1970.
    pub first_ms: i64,
    /// Its last millisecond since 1970.
    pub last_ms: i64,
}

/// A day, read as the notebook's date filters read it ([`day_bounds`]).
fn parse_day(s: &str) -> Result<Day, String> {
    let (first_ms, last_ms) = day_bounds(s)?;
    Ok(Day {
        text: s.trim().replace(['/', '.'], "-"),
        first_ms,
        last_ms,
    })
}

impl AllArgs {
    /// The notebook query these options and `filter` ask for, or why the dates make none.
    fn query(&self, filter: &FilterArgs) -> Result<Query, String> {
        if let (Some(from), Some(to)) = (&self.from, &self.to)
            && from.first_ms > to.last_ms
        {
            return Err(format!(
                "--from {} is after --to {}; no day is in between",
                from.text, to.text
            ));
        }
        let mut filter = filter.filter();
        filter.within = None;
        Ok(Query {
            filter,
            doc: self.doc.clone(),
            from_ms: self.from.as_ref().map(|d| d.first_ms),
            to_ms: self.to.as_ref().map(|d| d.last_ms),
        })
    }

    /// What the options chose, in words (for the export's head).
    fn summary(&self, filter: &FilterArgs, lang: Lang) -> Option<String> {
        filter_summary(
            &filter.filter(),
            self.doc.as_deref(),
            self.from.as_ref().map(|d| d.text.as_str()),
            self.to.as_ref().map(|d| d.text.as_str()),
            lang,
        )
    }
}

/// The data folder of a command on every document (which has no FILE to name).
fn data_folder(data_dir: Option<&Path>) -> Result<PathBuf, CliError> {
    notes_dir(data_dir, Path::new("--data-dir"))
}

/// The current offset from UTC, for showing times.
fn utc_offset_seconds() -> i32 {
    jiff::ZonedDateTime::now().offset().seconds()
}

/// A notes file that could not be read, as one line: what the notebook said (ending with
/// the file), then its newest backup that can be read and how to bring it back.
fn problem_line(dir: &Path, problem: &str) -> String {
    let problem = one_line(problem);
    let Some(fingerprint) = problem_store(dir, &problem) else {
        return problem;
    };
    // Opened to read only: nothing on disk changes.
    let loaded = DocStore::load_with(dir, fingerprint, 0, None, "", Access::ReadOnly);
    match loaded.store.newest_good_backup() {
        Some(b) => {
            let restore = match &b.file.document.path {
                Some(doc) => format!("; `pizhu restore {}` brings it back", doc.display()),
                None => String::new(),
            };
            format!(
                "{problem} — its newest backup that can be read ({}) is {}{restore}",
                crate::store::local_time(b.modified),
                b.path.display()
            )
        }
        None => format!("{problem} — no backup of it can be read either"),
    }
}

/// The fingerprint of the store a problem line names (the notebook's lines end with the
/// file).
fn problem_store(dir: &Path, problem: &str) -> Option<String> {
    let entries = std::fs::read_dir(dir.join("annotations")).ok()?;
    let store = entries.flatten().map(|e| e.path()).find(|p| {
        p.extension().is_some_and(|e| e == "ron")
            && problem.trim_end().ends_with(&*p.to_string_lossy())
    })?;
    Some(store.file_stem()?.to_string_lossy().into_owned())
}

/// Load every store to read only; each store that could not be read is one warning line
/// naming it and its newest backup. Fails when stores exist, none could be read and
/// `need_notes` (a listing of notes would be empty for want of them). Section paths are made
/// with the outline `rules`.
fn load_notebook(
    dir: &Path,
    need_notes: bool,
    rules: Vec<crate::outline::corrections::Rule>,
) -> Result<LoadedNotebook, CliError> {
    let loaded = Notebook::load_with(dir, false, rules);
    for problem in &loaded.problems {
        crate::terminal::eprint_line(&format!("pizhu: warning: {}", problem_line(dir, problem)));
    }
    if need_notes && !loaded.problems.is_empty() && loaded.notebook.docs().is_empty() {
        return Err(fail(
            format!(
                "no notes file could be read ({} could not; see above)",
                loaded.problems.len()
            ),
            &dir.join("annotations"),
        ));
    }
    Ok(loaded)
}

/// A document's status as the listings name it.
fn status_name(status: DocStatus) -> &'static str {
    match status {
        DocStatus::Present => "present",
        DocStatus::Missing => "missing",
        DocStatus::Changed => "changed",
        DocStatus::Unknown => "unknown",
    }
}

/// `pizhu notes --all`: every annotation the filters let through, by document → section.
pub(super) fn notes_all(
    all: &AllArgs,
    filter: &FilterArgs,
    format: NotesFormat,
    data_dir: Option<&Path>,
) -> Result<String, CliError> {
    let dir = data_folder(data_dir)?;
    let query = all.query(filter).map_err(|m| fail(m, &dir))?;
    let notebook = load_notebook(&dir, true, super::corrections::rules()?)?.notebook;
    let selection = notebook.select(&query, Order::ByDocument);
    let docs: Vec<ListedDocument> = notebook
        .docs()
        .iter()
        .map(|d| ListedDocument {
            title: &d.title,
            path: d.path.as_deref(),
            fingerprint: &d.fingerprint,
            store: &d.store,
            chars: d.chars,
            status: status_name(d.status),
        })
        .collect();
    let entries = notebook.entries();
    let notes: Vec<ListedNote> = selection
        .iter()
        .map(|&i| ListedNote {
            doc: entries[i].doc,
            section: &entries[i].section,
            annotation: &entries[i].annotation,
        })
        .collect();
    Ok(match format {
        NotesFormat::Text => notes_all_text(&docs, &notes),
        NotesFormat::Json => notes_all_json(&docs, &notes, utc_offset_seconds()),
    })
}

/// What `pizhu export --all` was asked for.
pub(super) struct ExportAll<'a> {
    pub all: &'a AllArgs,
    pub filter: &'a FilterArgs,
    pub format: Format,
    pub lang: Lang,
    /// Newest first, by day, instead of by document → section.
    pub newest: bool,
    pub output: Option<Output<'a>>,
}

/// `pizhu export --all`: the annotations the filters let through, of every document, in one
/// file. Any notes file that cannot be read fails it (nothing is written): an export must
/// not silently miss a document's notes.
pub(super) fn export_all(req: &ExportAll<'_>, data_dir: Option<&Path>) -> Result<String, CliError> {
    let dir = data_folder(data_dir)?;
    if req.output.is_none() && !req.format.is_text() {
        return Err(fail(
            "a Word file cannot go to the terminal; name the output with -o FILE.docx",
            &dir,
        ));
    }
    let query = req.all.query(req.filter).map_err(|m| fail(m, &dir))?;
    let LoadedNotebook { notebook, problems } =
        Notebook::load_with(&dir, false, super::corrections::rules()?);
    if !problems.is_empty() {
        for problem in &problems {
            crate::terminal::eprint_line(&format!("pizhu: {}", problem_line(&dir, problem)));
        }
        return Err(fail(
            format!(
                "{} could not be read (see above); nothing was exported, so that no document's \
                 notes are silently missing",
                if problems.len() == 1 {
                    "1 notes file".to_owned()
                } else {
                    format!("{} notes files", problems.len())
                }
            ),
            &dir.join("annotations"),
        ));
    }
    let order = if req.newest {
        Order::Newest
    } else {
        Order::ByDocument
    };
    let selection = notebook.select(&query, order);
    let docs = notebook.docs();
    let sources = notebook.source_files();
    let notes = notebook.collected(&selection, &sources);
    let now = jiff::ZonedDateTime::now();
    let exported_at = now.strftime("%Y-%m-%d %H:%M").to_string();
    let collection = Collection {
        title: match req.lang {
            Lang::Zh => "金句库",
            Lang::En => "Notebook",
        },
        notes,
        grouped: !req.newest,
        exported_at: &exported_at,
        utc_offset_seconds: now.offset().seconds(),
        filter_summary: req.all.summary(req.filter, req.lang),
    };
    let bytes = export_collection(&collection, req.lang, req.format)
        .map_err(|e| fail(one_line(&e.to_string()), &dir))?;
    match req.output {
        Some(out) => {
            // Never over a document or a notes file.
            let mut protected: Vec<&Path> = docs.iter().map(|d| d.store.as_path()).collect();
            protected.extend(docs.iter().filter_map(|d| d.path.as_deref()));
            crate::files::write_output(out.path, &bytes, &protected, out.force).map_err(|e| {
                fail(
                    format!("cannot write the export ({})", output_reason(&e)),
                    out.path,
                )
            })?;
            crate::terminal::eprint_line(&format!(
                "pizhu: exported {} to {}",
                count_words(collection.notes.len()),
                out.path.display()
            ));
            Ok(String::new())
        }
        None => Ok(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

/// `12 annotations`, `1 annotation`.
fn count_words(n: usize) -> String {
    format!("{n} annotation{}", if n == 1 { "" } else { "s" })
}

/// Formats of `pizhu library`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LibraryFormat {
    /// Readable, one block per document.
    Text,
    /// JSON.
    Json,
}

#[derive(Serialize)]
struct JsonLibrary<'a> {
    documents: Vec<JsonRow<'a>>,
    folders: Vec<String>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    title: &'a str,
    format: &'a str,
    path: Option<String>,
    fingerprint: Option<&'a str>,
    added: Option<String>,
    added_ms: Option<i64>,
    last_read: Option<String>,
    last_read_ms: Option<i64>,
    /// Reading progress in percent, one decimal.
    progress: Option<f64>,
    /// Null when its notes file could not be read.
    highlights: Option<usize>,
    notes: Option<usize>,
    tags: Vec<JsonTag<'a>>,
    status: &'a str,
    in_library: bool,
    notes_readable: bool,
}

#[derive(Serialize)]
struct JsonTag<'a> {
    name: &'a str,
    count: usize,
}

/// `pizhu library`: every document, its notes and whether its file is there; read-only.
pub(super) fn library(format: LibraryFormat, data_dir: Option<&Path>) -> Result<String, CliError> {
    let dir = data_folder(data_dir)?;
    let loaded = Library::read(&dir);
    if let Some(problem) = &loaded.problem {
        crate::terminal::eprint_line(&format!("pizhu: warning: {}", one_line(problem)));
    }
    // No sections are listed: a rules file that cannot be read does not stop the listing (the
    // same rules as the window's keep the index's outlines, so no document is opened again).
    let rules = super::corrections::rules().unwrap_or_default();
    let LoadedNotebook { notebook, problems } =
        load_notebook(&dir, loaded.library.docs.is_empty(), rules)?;
    let unreadable: Vec<String> = problems
        .iter()
        .filter_map(|p| problem_store(&dir, &one_line(p)))
        .collect();
    let rows = rows(&loaded.library, &notebook, &unreadable);
    let offset = utc_offset_seconds();
    let minute = |ms: i64| {
        let t = format_time(ms, offset, false);
        t.get(..16).unwrap_or(&t).to_owned()
    };
    let percent = |p: f64| (p * 1000.0).round() / 10.0;
    Ok(match format {
        LibraryFormat::Json => {
            let value = JsonLibrary {
                documents: rows
                    .iter()
                    .map(|r| JsonRow {
                        title: &r.title,
                        format: &r.format,
                        path: r.path.as_ref().map(|p| p.to_string_lossy().into_owned()),
                        fingerprint: r.fingerprint.as_deref(),
                        added: r.added_ms.map(|ms| format_time(ms, offset, true)),
                        added_ms: r.added_ms,
                        last_read: r.last_read_ms.map(|ms| format_time(ms, offset, true)),
                        last_read_ms: r.last_read_ms,
                        progress: r.progress.map(percent),
                        highlights: (!r.unreadable).then_some(r.highlights),
                        notes: (!r.unreadable).then_some(r.notes),
                        tags: r
                            .tags
                            .iter()
                            .map(|(name, count)| JsonTag {
                                name,
                                count: *count,
                            })
                            .collect(),
                        status: status_name(r.status),
                        in_library: r.in_library,
                        notes_readable: !r.unreadable,
                    })
                    .collect(),
                folders: loaded
                    .library
                    .folders
                    .iter()
                    .map(|f| f.to_string_lossy().into_owned())
                    .collect(),
            };
            crate::export::json::to_json_line(&value).unwrap_or_default()
        }
        LibraryFormat::Text => {
            use std::fmt::Write as _;
            let mut out = String::new();
            if rows.is_empty() {
                out.push_str(
                    "没有文档 (the library is empty: open a document, or highlight one with \
                     `pizhu highlight`)\n",
                );
                return Ok(out);
            }
            let n = rows.len();
            let plural = if n == 1 { "" } else { "s" };
            let _ = writeln!(out, "{n} 篇文档 ({n} document{plural})");
            for r in &rows {
                let _ = writeln!(out, "\n{}", r.title.replace('\n', " "));
                let format = if r.format.is_empty() { "?" } else { &r.format };
                let path = r
                    .path
                    .as_ref()
                    .map_or_else(|| "(no file)".to_owned(), |p| p.display().to_string());
                let _ = writeln!(out, "  {format} · {} · {path}", status_name(r.status));
                let mut when = Vec::new();
                match r.added_ms {
                    Some(ms) => when.push(format!("added {}", minute(ms))),
                    None => when.push("not in the library (notes only)".to_owned()),
                }
                if let Some(ms) = r.last_read_ms {
                    when.push(format!("last read {}", minute(ms)));
                }
                if let Some(p) = r.progress {
                    when.push(format!("read {}%", percent(p)));
                }
                let _ = writeln!(out, "  {}", when.join(" · "));
                if r.unreadable {
                    let _ = writeln!(out, "  its notes file could not be read (see above)");
                    continue;
                }
                let mut counts = format!(
                    "  {} highlight{}, {} note{}",
                    r.highlights,
                    if r.highlights == 1 { "" } else { "s" },
                    r.notes,
                    if r.notes == 1 { "" } else { "s" }
                );
                if !r.tags.is_empty() {
                    let tags: Vec<String> = r
                        .tags
                        .iter()
                        .map(|(name, n)| format!("#{name} ({n})"))
                        .collect();
                    let _ = write!(counts, " · tags: {}", tags.join(" "));
                }
                let _ = writeln!(out, "{counts}");
            }
            out
        }
    })
}
