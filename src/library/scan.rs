//! The documents below a folder, found without trusting the file system: symlinked folders
//! are not followed (no loops), hidden folders are skipped, FIFOs, sockets and devices are
//! never opened, and the depth and the number of files are bounded.

use std::path::{Path, PathBuf};

use crate::document::EXTENSIONS;

/// Deepest folder looked into below the one added.
pub const MAX_DEPTH: usize = 32;
/// Most documents taken from one folder.
pub const MAX_DOCUMENTS: usize = 100_000;

/// Whether `path` names a document Pizhu opens, by its extension.
pub fn is_supported(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Every supported document below `folder`, sorted by path. A symlink to a regular file is
/// taken (documents are opened through links); a symlink to a folder is not followed.
pub fn documents_below(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(folder).map_err(|e| e.to_string())?;
    if !meta.is_dir() {
        return Err("it is not a folder".into());
    }
    let mut out = Vec::new();
    let walk = walkdir::WalkDir::new(folder)
        .follow_links(false)
        .max_depth(MAX_DEPTH)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !(e.file_type().is_dir() && is_hidden(e.file_name())));
    for entry in walk {
        // A folder that cannot be read is skipped; the others are still walked.
        let Ok(entry) = entry else { continue };
        let kind = entry.file_type();
        if kind.is_dir() || !is_supported(entry.path()) || is_hidden(entry.file_name()) {
            continue;
        }
        let regular = if kind.is_symlink() {
            // What the link points at, without opening it: only a regular file is taken.
            std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file())
        } else {
            kind.is_file()
        };
        if regular {
            out.push(entry.into_path());
            if out.len() >= MAX_DOCUMENTS {
                break;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_names_are_those_of_the_one_list() {
        assert!(is_supported(Path::new("/a/讲话.TXT")));
        assert!(is_supported(Path::new("b.docx")));
        assert!(!is_supported(Path::new("c.exe")));
        assert!(!is_supported(Path::new("noext")));
    }

    #[cfg(unix)]
    #[test]
    fn links_loops_fifos_and_hidden_folders_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
        std::fs::create_dir_all(root.join(".hidden")).unwrap();
        std::fs::write(root.join("a.txt"), "甲").unwrap();
        std::fs::write(root.join("sub/b.md"), "乙").unwrap();
        std::fs::write(root.join("sub/deeper/c.html"), "<p>丙</p>").unwrap();
        std::fs::write(root.join(".hidden/d.txt"), "丁").unwrap();
        std::fs::write(root.join("e.exe"), "x").unwrap();
        std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("link.txt")).unwrap();
        let fifo = root.join("pipe.txt");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let found: Vec<String> = documents_below(root)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            found,
            ["a.txt", "link.txt", "sub/b.md", "sub/deeper/c.html"]
        );
        assert!(documents_below(&root.join("a.txt")).is_err());
    }
}
