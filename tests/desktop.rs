//! The desktop entry (`assets/pizhu.desktop`): valid, and declaring a type for every kind of
//! file Pizhu opens, so that a file manager offers Pizhu for each of them.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

/// The MIME types a file manager gives each extension Pizhu opens (shared-mime-info's names,
/// with Kingsoft's own for `.wps` and the national standard's for `.ofd`).
const TYPES: &[(&str, &[&str])] = &[
    ("txt", &["text/plain"]),
    ("text", &["text/plain"]),
    ("md", &["text/markdown", "text/x-markdown"]),
    ("markdown", &["text/markdown", "text/x-markdown"]),
    (
        "docx",
        &["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ),
    ("doc", &["application/msword", "application/wps-office.doc"]),
    (
        "wps",
        &["application/wps-office.wps", "application/vnd.ms-works"],
    ),
    ("pdf", &["application/pdf"]),
    ("ofd", &["application/ofd"]),
    ("html", &["text/html"]),
    ("htm", &["text/html"]),
    ("shtml", &["text/html"]),
    ("xhtml", &["application/xhtml+xml"]),
    ("mht", &["application/x-mimearchive", "multipart/related"]),
    ("mhtml", &["application/x-mimearchive", "multipart/related"]),
    ("epub", &["application/epub+zip"]),
];

fn entry() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/pizhu.desktop");
    std::fs::read_to_string(path).expect("assets/pizhu.desktop")
}

#[test]
fn every_extension_pizhu_opens_has_its_types_in_the_desktop_entry() {
    let entry = entry();
    let declared: Vec<&str> = entry
        .lines()
        .find_map(|l| l.strip_prefix("MimeType="))
        .expect("a MimeType line")
        .split(';')
        .filter(|t| !t.is_empty())
        .collect();
    for ext in pizhu::document::EXTENSIONS {
        let (_, types) = TYPES
            .iter()
            .find(|(e, _)| e == ext)
            .unwrap_or_else(|| panic!(".{ext} has no MIME type in this test's table"));
        for t in *types {
            assert!(declared.contains(t), ".{ext}: {t} is not declared");
        }
    }
    // One file at a time, as the command line takes it.
    assert!(entry.lines().any(|l| l == "Exec=pizhu %f"), "{entry}");
}

#[test]
fn the_desktop_entry_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/pizhu.desktop");
    let Ok(out) = Command::new("desktop-file-validate").arg(&path).output() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "desktop-file-validate must be installed under CI (Debian: desktop-file-utils)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "skipped: desktop-file-validate not installed"
        );
        return;
    };
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}
