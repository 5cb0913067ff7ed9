//! The layering of ARCHITECTURE.md, checked on the source: the core imports no face (egui,
//! eframe, rfd, app, cli) and no session or store; session, library and store import no
//! face, and library no session; only
//! `app/keys.rs` names an egui key; only `files.rs` and two named entry points touch files.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without comments (line comments and doc comments) and string
/// literals' contents, so prose that mentions egui is not an import.
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut code = String::new();
        let mut chars = line.chars().peekable();
        let mut in_str = false;
        while let Some(c) = chars.next() {
            if in_str {
                if c == '\\' {
                    chars.next();
                } else if c == '"' {
                    in_str = false;
                    code.push('"');
                }
                continue;
            }
            if c == '"' {
                in_str = true;
                code.push('"');
            } else if c == '/' && chars.peek() == Some(&'/') {
                break;
            } else {
                code.push(c);
            }
        }
        out.push_str(&code);
        out.push('\n');
    }
    out
}

/// Paths a file may not name, by where it lives.
fn forbidden_for(rel: &str) -> &'static [&'static str] {
    const FACES: &[&str] = &["egui", "eframe", "rfd", "crate::app", "crate::cli"];
    const CORE: &[&str] = &[
        "egui",
        "eframe",
        "rfd",
        "crate::app",
        "crate::cli",
        "crate::session",
        "crate::store",
    ];
    let core = [
        "document/",
        "outline/",
        "annotate/",
        "search/",
        "export/",
        "stats.rs",
    ];
    if core.iter().any(|c| rel.starts_with(c)) {
        CORE
    } else if rel.starts_with("session/") || rel.starts_with("store/") {
        FACES
    } else if rel.starts_with("library/") {
        &[
            "egui",
            "eframe",
            "rfd",
            "crate::app",
            "crate::cli",
            "crate::session",
        ]
    } else if rel == "cli.rs" || rel.starts_with("cli/") {
        &["egui", "eframe", "rfd", "crate::app"]
    } else if rel.starts_with("app/") {
        &["crate::cli"]
    } else {
        &[]
    }
}

/// Whether `code` names `path` as a path (`egui::`, `use egui`, `crate::app::`, …).
fn names(code: &str, path: &str) -> Option<String> {
    for line in code.lines() {
        let mut from = 0;
        while let Some(i) = line[from..].find(path) {
            let at = from + i;
            let before = line[..at].chars().next_back();
            let after = line[at + path.len()..].chars().next();
            let starts = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            // `Key::` ends in punctuation: whatever follows is part of the path.
            let open_ended = path.ends_with(|c: char| !(c.is_alphanumeric() || c == '_'));
            let ends = open_ended || after.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            if starts && ends {
                return Some(line.trim().to_owned());
            }
            from = at + path.len();
        }
    }
    None
}

#[test]
fn every_layer_imports_only_what_architecture_md_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    let files = rust_files(&src);
    assert!(files.len() > 30, "found only {} source files", files.len());
    for path in files {
        let rel = path
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let code = code_of(&std::fs::read_to_string(&path).expect("source"));
        for forbidden in forbidden_for(&rel) {
            if let Some(line) = names(&code, forbidden) {
                broken.push(format!("{rel} names {forbidden}: {line}"));
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn only_app_keys_names_an_egui_key() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut broken = Vec::new();
    for path in rust_files(&app) {
        if path.ends_with("keys.rs") {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&path).expect("source"));
        for pattern in [
            "Key::",
            "consume_key",
            "consume_shortcut",
            "key_pressed",
            "KeyboardShortcut",
        ] {
            if let Some(line) = names(&code, pattern) {
                broken.push(format!("{}: {line}", path.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "key bindings outside the keymap (add them to session/keymap.rs and ask app::keys):\n{}",
        broken.join("\n")
    );
}

#[test]
fn only_files_rs_and_two_entry_points_touch_the_file_system_in_the_core() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    for dir in ["document", "outline", "annotate", "search", "export"] {
        for path in rust_files(&src.join(dir)) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name == "tests.rs" {
                continue;
            }
            let code = code_of(&std::fs::read_to_string(&path).expect("source"));
            // Test modules may read fixtures.
            let code = code.split("#[cfg(test)]").next().unwrap_or("");
            for pattern in ["std::fs", "File::open", "File::create", "OpenOptions"] {
                if let Some(line) = names(code, pattern) {
                    broken.push(format!("{dir}/{name}: {line}"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "the core touches files other than through files.rs:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_checker_sees_an_import_and_ignores_prose() {
    let code = code_of("use egui::Ui; // not this\n/// mentions egui\nlet s = \"egui\";");
    assert_eq!(names(&code, "egui").as_deref(), Some("use egui::Ui;"));
    let prose = code_of("/// egui, eframe\nlet s = \"egui::Key::A\"; // egui");
    assert_eq!(names(&prose, "egui"), None);
    assert_eq!(names(&code_of("let x = my_egui::y;"), "egui"), None);
    assert!(names(&code_of("f(Key::A)"), "Key::").is_some());
}
