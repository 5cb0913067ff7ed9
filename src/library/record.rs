//! What `library.ron` holds, as written: format version 1.
//!
//! These types are the file format and nothing else; [`super::Library`] and
//! [`super::LibraryDoc`] convert to and from them, so the domain can change without touching
//! the file. Paths are written as text (a path that is not valid Unicode in its lossy form, as
//! the stores record them).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Library, LibraryDoc};

/// Version written into `library.ron`.
pub const FORMAT_VERSION: u32 = 1;

/// The whole file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Library", default)]
pub struct LibraryRecord {
    /// Format version ([`FORMAT_VERSION`]).
    pub version: u32,
    /// Every document, in the order they were added.
    pub docs: Vec<DocRecord>,
    /// Folders added with Add folder…, in the order they were added.
    pub folders: Vec<String>,
}

/// One document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Document", default)]
pub struct DocRecord {
    /// Absolute, canonical path.
    pub path: String,
    /// The store's key: the fingerprint of its text when last seen (`b3-…`).
    pub fingerprint: Option<String>,
    /// Its title (the outline's, else the file name).
    pub title: String,
    /// The file name's extension, lower case (`txt`, `docx`, `pdf`…).
    pub format: String,
    /// When it was added (ms since 1970).
    pub added_ms: i64,
    /// When it was last opened to read (ms since 1970).
    pub last_read_ms: Option<i64>,
}

impl From<&LibraryDoc> for DocRecord {
    fn from(d: &LibraryDoc) -> Self {
        Self {
            path: d.path.to_string_lossy().into_owned(),
            fingerprint: d.fingerprint.clone(),
            title: d.title.clone(),
            format: d.format.clone(),
            added_ms: d.added_ms,
            last_read_ms: d.last_read_ms,
        }
    }
}

impl From<DocRecord> for LibraryDoc {
    fn from(r: DocRecord) -> Self {
        Self {
            path: PathBuf::from(r.path),
            fingerprint: r.fingerprint,
            title: r.title,
            format: r.format,
            added_ms: r.added_ms,
            last_read_ms: r.last_read_ms,
        }
    }
}

impl From<&Library> for LibraryRecord {
    fn from(l: &Library) -> Self {
        Self {
            version: FORMAT_VERSION,
            docs: l.docs.iter().map(DocRecord::from).collect(),
            folders: l
                .folders
                .iter()
                .map(|f| f.to_string_lossy().into_owned())
                .collect(),
        }
    }
}

impl From<LibraryRecord> for Library {
    fn from(r: LibraryRecord) -> Self {
        Self {
            docs: r.docs.into_iter().map(LibraryDoc::from).collect(),
            folders: r.folders.into_iter().map(PathBuf::from).collect(),
        }
    }
}

/// The file's text: RON as the stores are written (two-space indents, no struct names,
/// strings as they are).
pub fn to_ron(library: &Library) -> Result<String, ron::Error> {
    ron::ser::to_string_pretty(
        &LibraryRecord::from(library),
        ron::ser::PrettyConfig::default()
            .struct_names(false)
            .indentor("  ".to_owned())
            .escape_strings(false),
    )
}

/// Why the file's text could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Not a library file (truncated, not RON, not UTF-8): damaged.
    Damaged(String),
    /// Written by a newer Pizhu: not damaged, but not to be written over.
    Newer(u32),
}

/// Parse the file's text.
pub fn parse(bytes: &[u8]) -> Result<Library, ParseError> {
    let text =
        std::str::from_utf8(bytes).map_err(|e| ParseError::Damaged(format!("not UTF-8 ({e})")))?;
    match ron::from_str::<LibraryRecord>(text) {
        Ok(r) if r.version > FORMAT_VERSION => Err(ParseError::Newer(r.version)),
        Ok(r) => Ok(r.into()),
        Err(e) => {
            // A newer Pizhu may have added fields this one cannot read: look at the version.
            #[derive(Deserialize)]
            struct Version {
                #[serde(default)]
                version: u32,
            }
            let newer = ron::Options::default()
                .from_str::<ron::Value>(text)
                .ok()
                .and_then(|v| v.into_rust::<Version>().ok())
                .filter(|v| v.version > FORMAT_VERSION);
            match newer {
                Some(v) => Err(ParseError::Newer(v.version)),
                None => Err(ParseError::Damaged(e.to_string())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_library_round_trips_through_its_text() {
        let lib = Library {
            docs: vec![LibraryDoc {
                path: PathBuf::from("/文件/通知 \"一\".txt"),
                fingerprint: Some("b3-0123".into()),
                title: "关于\n通知".into(),
                format: "txt".into(),
                added_ms: 5,
                last_read_ms: Some(9),
            }],
            folders: vec![PathBuf::from("/文件")],
        };
        let text = to_ron(&lib).unwrap();
        assert!(text.starts_with("(\n  version: 1,"), "{text}");
        assert_eq!(parse(text.as_bytes()).unwrap(), lib);
    }

    #[test]
    fn damage_and_a_newer_format_are_told_apart() {
        assert!(matches!(
            parse(b"(version: 1, docs: [("),
            Err(ParseError::Damaged(_))
        ));
        assert!(matches!(parse(b"\xff\xfe"), Err(ParseError::Damaged(_))));
        assert_eq!(
            parse(b"(version: 4, docs: [], shiny: Some(3))"),
            Err(ParseError::Newer(4))
        );
        assert_eq!(parse(b"(version: 4)"), Err(ParseError::Newer(4)));
        assert_eq!(parse(b"()").unwrap(), Library::default());
    }
}
