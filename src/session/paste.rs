//! Pasted text as a document: kept as a UTF-8 file in the data folder, so that it opens,
//! outlines and keeps its notes like any file (and the library lists it by its title).

use std::path::{Path, PathBuf};

use crate::document::{Document, SourceFormat};

/// The folder in the data folder that holds pasted documents.
pub const FOLDER: &str = "pasted";

/// Longest part of a file name taken from the text's title.
const NAME_CHARS: usize = 30;

/// Why pasted text could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum PasteError {
    /// Nothing but white space was pasted.
    #[error("the clipboard holds no text to make a document of")]
    Empty,
    /// The file could not be written.
    #[error("cannot keep the pasted text in {}: {source}", .folder.display())]
    Io {
        /// The folder it was to go in.
        folder: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

/// Keep `text` as a new document in `data_dir`'s `pasted` folder, named after its title (or
/// its first line) and `stamp` (e.g. `2026-11-28 0935`), and return the file's path. Line
/// ends are normalised; nothing existing is ever replaced (a second paste in the same minute
/// gets `-2`, `-3` …).
pub fn keep(data_dir: &Path, text: &str, stamp: &str) -> Result<PathBuf, PasteError> {
    let text = crate::document::normalize_line_ends(text.trim().to_owned());
    if text.is_empty() {
        return Err(PasteError::Empty);
    }
    let folder = data_dir.join(FOLDER);
    let io = |source| PasteError::Io {
        folder: folder.clone(),
        source,
    };
    std::fs::create_dir_all(&folder).map_err(io)?;
    let name = file_stem(&text);
    let mut body = text;
    body.push('\n');
    for n in 1..1000 {
        let file = if n == 1 {
            format!("{name} {stamp}.txt")
        } else {
            format!("{name} {stamp}-{n}.txt")
        };
        let path = folder.join(file);
        match crate::files::write_new(&path, body.as_bytes()) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(e)),
        }
    }
    Err(io(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "too many pasted documents with this name",
    )))
}

/// A file name stem for the text: its outline's title, else its first line, without chars
/// file systems refuse, cut to [`NAME_CHARS`].
fn file_stem(text: &str) -> String {
    // The title is found in the first lines; a long paste is not outlined whole for a name.
    let head: String = text.lines().take(40).collect::<Vec<_>>().join("\n");
    let doc = Document::from_text(head, "UTF-8", SourceFormat::Text);
    let outline = crate::outline::outline(&doc);
    let title = outline.title.unwrap_or_else(|| {
        text.lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_owned()
    });
    let clean: String = title
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        })
        .take(NAME_CHARS)
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim().to_owned();
    if clean.is_empty() {
        "粘贴的文字".to_owned()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_text_becomes_a_file_named_after_its_title() {
        let dir = tempfile::tempdir().unwrap();
        let text = "来源：某网站 2026-03-01\r\n在全市安全生产工作会议上的讲话\r\n同志们：\r\n一、提高认识\r\n我们要……\r\n";
        let path = keep(dir.path(), text, "2026-11-28 0935").unwrap();
        assert_eq!(path.parent().unwrap(), dir.path().join(FOLDER));
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            "在全市安全生产工作会议上的讲话 2026-11-28 0935.txt"
        );
        let kept = std::fs::read_to_string(&path).unwrap();
        assert!(
            !kept.contains('\r') && kept.ends_with("我们要……\n"),
            "{kept:?}"
        );
        // The same paste again in the same minute: a second file, the first untouched.
        let again = keep(dir.path(), text, "2026-11-28 0935").unwrap();
        assert!(again.to_str().unwrap().ends_with("0935-2.txt"), "{again:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), kept);
        // It opens as a document with that title.
        let doc = Document::open(&again).unwrap();
        assert_eq!(
            crate::outline::outline(&doc).title.as_deref(),
            Some("在全市安全生产工作会议上的讲话")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_or_fifo_planted_at_the_name_is_never_followed_nor_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join(FOLDER);
        std::fs::create_dir_all(&folder).unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        let name = |n: &str| folder.join(format!("标题 2026-11-28 0935{n}.txt"));
        std::os::unix::fs::symlink(&victim, name("")).unwrap();
        let fifo = name("-2");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let path = keep(dir.path(), "标题\n正文。", "2026-11-28 0935").unwrap();
        let expected = if made.is_ok_and(|s| s.success()) {
            "-3"
        } else {
            "-2"
        };
        assert_eq!(path, name(expected));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert!(
            std::fs::symlink_metadata(name(""))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // Nothing but the three names in the folder: no temp file left behind.
        assert_eq!(
            std::fs::read_dir(&folder).unwrap().count(),
            1 + usize::from(expected == "-3") + 1
        );
    }

    #[test]
    fn names_lose_what_file_systems_refuse_and_blank_text_is_refused() {
        assert_eq!(file_stem("a/b:c*d?\"e<f>g|h\\i"), "abcdefghi");
        assert_eq!(file_stem("..\n"), "粘贴的文字");
        assert_eq!(file_stem(&"长".repeat(80)).chars().count(), NAME_CHARS);
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            keep(dir.path(), " \n\t ", "x"),
            Err(PasteError::Empty)
        ));
        // A folder that cannot be made: one clear error, nothing written.
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, "x").unwrap();
        let err = keep(&file, "正文", "x").unwrap_err();
        assert!(matches!(err, PasteError::Io { .. }), "{err}");
    }
}
