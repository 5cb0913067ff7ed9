//! The library at a glance: one row per document, joining the library's documents with what
//! the notebook knows of their notes (counts, tags, reading progress, whether the file is
//! where it was). The window's library view and `pizhu library` both list these rows.

use std::path::{Path, PathBuf};

use super::{DocStatus, Library, Notebook};
use crate::annotate::Kind;

/// One document of the library.
#[derive(Clone, Debug, PartialEq)]
pub struct DocRow {
    /// Its title (the outline's, else the file name).
    pub title: String,
    /// Its format: the extension, lower case.
    pub format: String,
    /// Where the file is (`None`: notes of a document that was never a file).
    pub path: Option<PathBuf>,
    /// Its fingerprint, when known.
    pub fingerprint: Option<String>,
    /// When it joined the library (ms since 1970; `None`: not in the library, only notes).
    pub added_ms: Option<i64>,
    /// When it was last opened.
    pub last_read_ms: Option<i64>,
    /// How far it has been read, 0–1.
    pub progress: Option<f64>,
    /// Highlights (section notes not counted).
    pub highlights: usize,
    /// Annotations with a note.
    pub notes: usize,
    /// Its tags with their counts, the most used first.
    pub tags: Vec<(String, usize)>,
    /// Whether the file is where it was, and still this text.
    pub status: DocStatus,
    /// Listed in the library file (else known only by its notes).
    pub in_library: bool,
    /// Its notes file is there but could not be read: the counts are not known.
    pub unreadable: bool,
    /// Its notes file.
    pub store: Option<PathBuf>,
    /// Its index among the notebook's documents.
    pub notebook_doc: Option<usize>,
}

/// Every document of the library (in its order), then every document with notes that the
/// library does not know. `unreadable` lists the fingerprints of stores that could not be
/// read.
pub fn rows(library: &Library, notebook: &Notebook, unreadable: &[String]) -> Vec<DocRow> {
    let docs = notebook.docs();
    let entries = notebook.entries();
    let mut matched = vec![false; docs.len()];
    let of_notebook = |d: usize| {
        let range = notebook.entries_of(d);
        let selection: Vec<usize> = range.clone().collect();
        let items = &entries[range];
        let highlights = items
            .iter()
            .filter(|e| e.annotation.kind == Kind::Highlight)
            .count();
        let notes = items
            .iter()
            .filter(|e| !e.annotation.note.trim().is_empty())
            .count();
        let doc = &docs[d];
        let progress = match (doc.position, doc.chars) {
            (Some(p), chars) if chars > 0 => Some((p as f64 / chars as f64).min(1.0)),
            _ => None,
        };
        (highlights, notes, notebook.tag_counts(&selection), progress)
    };
    let mut rows = Vec::with_capacity(library.docs.len() + docs.len());
    // Each store's document by fingerprint and by path (the first of each, as a scan would).
    let mut by_fingerprint = std::collections::HashMap::with_capacity(docs.len());
    let mut by_path = std::collections::HashMap::with_capacity(docs.len());
    for (d, doc) in docs.iter().enumerate().rev() {
        by_fingerprint.insert(doc.fingerprint.as_str(), d);
        if let Some(p) = doc.path.as_deref() {
            by_path.insert(p, d);
        }
    }
    for l in &library.docs {
        let found = l
            .fingerprint
            .as_deref()
            .and_then(|f| by_fingerprint.get(f).copied())
            .or_else(|| by_path.get(l.path.as_path()).copied());
        let (highlights, notes, tags, progress) = match found {
            Some(d) => {
                matched[d] = true;
                of_notebook(d)
            }
            None => (0, 0, Vec::new(), None),
        };
        rows.push(DocRow {
            title: if l.title.is_empty() {
                file_name(&l.path)
            } else {
                l.title.clone()
            },
            format: l.format.clone(),
            path: Some(l.path.clone()),
            fingerprint: l.fingerprint.clone(),
            added_ms: Some(l.added_ms),
            last_read_ms: l.last_read_ms,
            progress,
            highlights,
            notes,
            tags,
            status: found.map_or_else(|| presence(&l.path), |d| docs[d].status),
            in_library: true,
            unreadable: found.is_none()
                && l.fingerprint
                    .as_ref()
                    .is_some_and(|f| unreadable.contains(f)),
            store: found.map(|d| docs[d].store.clone()),
            notebook_doc: found,
        });
    }
    for (d, doc) in docs.iter().enumerate() {
        if matched[d] {
            continue;
        }
        let (highlights, notes, tags, progress) = of_notebook(d);
        rows.push(DocRow {
            title: doc.title.clone(),
            format: format_of(doc.path.as_deref()),
            path: doc.path.clone(),
            fingerprint: Some(doc.fingerprint.clone()),
            added_ms: None,
            last_read_ms: None,
            progress,
            highlights,
            notes,
            tags,
            status: doc.status,
            in_library: false,
            unreadable: false,
            store: Some(doc.store.clone()),
            notebook_doc: Some(d),
        });
    }
    rows
}

/// The format of a document named by its path: its extension, lower case.
pub fn format_of(path: Option<&Path>) -> String {
    path.and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Whether a library document without notes is where it was (a link or any file there
/// counts: it is looked at, never read).
fn presence(path: &Path) -> DocStatus {
    if std::fs::symlink_metadata(path).is_ok() {
        DocStatus::Present
    } else {
        DocStatus::Missing
    }
}

/// A day written `YYYY-MM-DD` (also `/` or `.` between) in the user's time zone: its first
/// and last millisecond since 1970. The notebook's date filters (window and `--from` /
/// `--to`) read days with it.
pub fn day_bounds(text: &str) -> Result<(i64, i64), String> {
    let day: jiff::civil::Date = text
        .trim()
        .replace(['/', '.'], "-")
        .parse()
        .map_err(|_| format!("'{}' is not a date like 2026-03-01", text.trim()))?;
    let tz = jiff::tz::TimeZone::system();
    let start = day
        .to_zoned_datetime(tz.clone())
        .map_err(|e| e.to_string())?
        .timestamp()
        .as_millisecond();
    let next = day
        .tomorrow()
        .and_then(|d| d.to_zoned_datetime(tz))
        .map_err(|e| e.to_string())?
        .timestamp()
        .as_millisecond();
    Ok((start, next - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_its_first_to_its_last_millisecond_and_other_text_is_refused() {
        let (start, end) = day_bounds("2026-03-01").expect("a date");
        assert_eq!(end - start, 24 * 3600 * 1000 - 1);
        assert_eq!(day_bounds(" 2026/03/01 "), Ok((start, end)));
        assert_eq!(day_bounds("2026.03.01"), Ok((start, end)));
        let refused = day_bounds("三月").expect_err("not a date");
        assert!(refused.contains("2026-03-01"), "{refused}");
    }
}
