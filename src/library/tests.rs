use std::sync::atomic::AtomicBool;

use super::*;
use crate::annotate::{Annotation, Color, Edit};
use crate::document::{SourceFormat, TextRange};
use crate::store::annotations::DocStore;

pub(crate) const SPEECH: &str = "关于加强作风建设的讲话\n同志们：\n一、提高认识\n作风建设永远在路上。要把“严”字贯穿始终，一刻也不能放松。\n二、狠抓落实\n一要细化责任；二要加强督查；三要严肃问责。\n三、严明纪律\n纪律是管党治党的尺子，必须严字当头。\n";

pub(crate) fn text_doc(text: &str) -> Document {
    Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text)
}

/// Write `text` at `path` and give it a store holding one highlight of each quote (with
/// `note`), saved through the store API. Returns the store file.
pub(crate) fn with_notes(data: &Path, path: &Path, text: &str, quotes: &[(&str, &str)]) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    let doc = Document::open(path).unwrap();
    let title = title_of(&doc, path);
    let mut loaded = DocStore::load(data, &doc, Some(path), &title);
    for (i, (quote, note)) in quotes.iter().enumerate() {
        let byte = doc.text.find(quote).expect("quote in text");
        let start = doc.char_of_byte(byte);
        let mut a = Annotation::highlight(
            &doc,
            TextRange::new(start, start + quote.chars().count()),
            Color::ALL[i % Color::ALL.len()],
            1_000 + i as i64,
        );
        a.note = (*note).to_owned();
        loaded
            .annotations
            .apply(vec![Edit::Add(a)], 1_000 + i as i64);
    }
    loaded.store.save(&mut loaded.annotations, Some(3)).unwrap();
    loaded.store.path().to_owned()
}

/// Every file below `dir` with its bytes (what "the folder did not change" compares).
pub(crate) fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn record_open_adds_then_updates_and_follows_a_moved_file() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let a = tmp.path().join("docs/讲话.txt");
    std::fs::create_dir_all(a.parent().unwrap()).unwrap();
    std::fs::write(&a, SPEECH).unwrap();
    let doc = Document::open(&a).unwrap();
    record_open(&data, &a, &doc, "讲话").unwrap();
    let lib = Library::load(&data).library;
    assert_eq!(lib.docs.len(), 1);
    let d = &lib.docs[0];
    assert_eq!(d.path, canonical(&a));
    assert_eq!(
        d.fingerprint.as_deref(),
        Some(fingerprint(&doc.text).as_str())
    );
    assert_eq!((d.title.as_str(), d.format.as_str()), ("讲话", "txt"));
    assert!(d.last_read_ms.is_some_and(|t| t >= d.added_ms));
    let added = d.added_ms;
    // Opened again under another title: one document, updated.
    record_open(&data, &a, &doc, "新标题").unwrap();
    let lib = Library::load(&data).library;
    assert_eq!(lib.docs.len(), 1);
    assert_eq!(
        (lib.docs[0].title.as_str(), lib.docs[0].added_ms),
        ("新标题", added)
    );
    // Moved: the same text at a new place, the old one gone — the same document.
    let b = tmp.path().join("elsewhere/讲话.TXT");
    std::fs::create_dir_all(b.parent().unwrap()).unwrap();
    std::fs::rename(&a, &b).unwrap();
    record_open(&data, &b, &doc, "新标题").unwrap();
    let lib = Library::load(&data).library;
    assert_eq!(lib.docs.len(), 1, "{lib:?}");
    assert_eq!(lib.docs[0].path, canonical(&b));
    assert_eq!(lib.docs[0].format, "txt");
    // A copy (the original still there) is a document of its own.
    let c = tmp.path().join("copy.md");
    std::fs::write(&c, SPEECH).unwrap();
    record_open(&data, &c, &doc, "副本").unwrap();
    assert_eq!(Library::load(&data).library.docs.len(), 2);
    let text = std::fs::read_to_string(Library::path(&data)).unwrap();
    assert!(text.contains("format: \"md\""), "{text}");
}

#[test]
fn a_damaged_library_is_kept_aside_and_rebuilt_from_the_stores() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let one = tmp.path().join("one.txt");
    let two = tmp.path().join("two.txt");
    with_notes(&data, &one, SPEECH, &[("作风建设永远在路上", "金句")]);
    with_notes(&data, &two, "另一篇\n内容在此。\n", &[("内容在此", "")]);
    let damaged = b"(version: 1, docs: [(path: \"/x";
    std::fs::write(Library::path(&data), damaged).unwrap();
    // Reading only: reported, rebuilt in memory, nothing changed.
    let before = snapshot(&data);
    let read = Library::read(&data);
    assert!(
        read.problem
            .as_deref()
            .is_some_and(|p| p.contains("could not be read"))
    );
    assert_eq!(read.library.docs.len(), 2);
    assert_eq!(snapshot(&data), before, "Library::read changes nothing");
    // Loading: kept aside byte for byte, rebuilt, written, reported.
    let loaded = Library::load(&data);
    let problem = loaded.problem.expect("reported");
    assert!(problem.contains("library.ron.damaged-1"), "{problem}");
    assert_eq!(
        std::fs::read(data.join("library.ron.damaged-1")).unwrap(),
        damaged
    );
    let mut paths: Vec<PathBuf> = loaded.library.docs.iter().map(|d| d.path.clone()).collect();
    paths.sort();
    assert_eq!(paths, [canonical(&one), canonical(&two)]);
    assert!(!loaded.library.docs[0].title.is_empty());
    // The rebuilt file parses; a second load finds nothing wrong.
    let again = Library::load(&data);
    assert!(again.problem.is_none());
    assert_eq!(again.library, loaded.library);
}

#[test]
fn a_newer_library_file_is_never_written_over() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let newer = "(version: 9, docs: [], shiny: 1)";
    std::fs::write(Library::path(data), newer).unwrap();
    let loaded = Library::load(data);
    assert!(
        loaded
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("newer"))
    );
    let doc = text_doc(SPEECH);
    let e = record_open(data, &data.join("x.txt"), &doc, "x").unwrap_err();
    assert!(e.to_string().contains("newer"), "{e}");
    assert!(e.to_string().ends_with("library.ron"), "{e}");
    assert_eq!(std::fs::read_to_string(Library::path(data)).unwrap(), newer);
}

#[cfg(unix)]
#[test]
fn adding_a_folder_skips_loops_fifos_hidden_and_unsupported_files() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let root = tmp.path().join("docs");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join("a.txt"), SPEECH).unwrap();
    std::fs::write(root.join("sub/b.md"), "# 标题乙\n正文。\n").unwrap();
    std::fs::write(root.join(".git/c.txt"), "hidden").unwrap();
    std::fs::write(root.join("d.exe"), "MZ").unwrap();
    std::fs::write(root.join("broken.docx"), "not a zip").unwrap();
    std::os::unix::fs::symlink(&root, root.join("sub/loop")).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(root.join("pipe.txt"))
            .status()
            .unwrap()
            .success()
    );
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let report = add_folder(&data, &root, &cancel, &mut |p: &Progress| {
        seen.push((p.found, p.current.clone()));
    })
    .unwrap();
    assert_eq!(
        (report.added, report.already, report.cancelled),
        (2, 0, false)
    );
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].0.ends_with("broken.docx"));
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|(found, _)| *found == 3));
    let lib = Library::load(&data).library;
    let titles: Vec<&str> = lib.docs.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(titles, ["关于加强作风建设的讲话", "标题乙"]);
    assert_eq!(lib.folders, [canonical(&root)]);
    assert!(lib.docs.iter().all(|d| d.last_read_ms.is_none()));
    // Again: nothing new, the folder remembered once.
    let report = add_folder(&data, &root, &cancel, &mut |_| {}).unwrap();
    assert_eq!((report.added, report.already), (0, 2));
    assert_eq!(Library::load(&data).library.folders.len(), 1);
    // Cancelled before the first file: nothing added, the folder not remembered.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("e.txt"), "戊").unwrap();
    let report = add_folder(&data, &other, &AtomicBool::new(true), &mut |_| {}).unwrap();
    assert!(report.cancelled && report.added == 0);
    assert_eq!(Library::load(&data).library.docs.len(), 2);
    // Not a folder: one line naming it.
    let e = add_folder(&data, &root.join("a.txt"), &cancel, &mut |_| {}).unwrap_err();
    assert!(e.to_string().ends_with("a.txt"), "{e}");
}

#[test]
fn removing_keeps_the_notes_unless_asked_and_then_keeps_them_in_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let a = tmp.path().join("a.txt");
    let store = with_notes(&data, &a, SPEECH, &[("狠抓落实", "要点")]);
    let doc = Document::open(&a).unwrap();
    record_open(&data, &a, &doc, "a").unwrap();
    remove(&data, &a, false).unwrap();
    assert!(Library::load(&data).library.docs.is_empty());
    assert!(store.exists(), "the notes stay");
    let e = remove(&data, &a, false).unwrap_err();
    assert!(matches!(e, LibraryError::NotInLibrary { .. }), "{e}");
    record_open(&data, &a, &doc, "a").unwrap();
    let bytes = std::fs::read(&store).unwrap();
    remove(&data, &a, true).unwrap();
    assert!(!store.exists());
    let kept = data
        .join("annotations/backups")
        .join(store.file_name().unwrap());
    assert_eq!(std::fs::read(kept).unwrap(), bytes, "kept whole in backups");
}

#[test]
fn locating_a_moved_file_updates_its_path_and_an_edited_one_brings_its_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let a = tmp.path().join("a.txt");
    with_notes(&data, &a, SPEECH, &[("狠抓落实", "要点"), ("严明纪律", "")]);
    let doc = Document::open(&a).unwrap();
    record_open(&data, &a, &doc, "a").unwrap();
    // Moved, same text.
    let b = tmp.path().join("moved/b.txt");
    std::fs::create_dir_all(b.parent().unwrap()).unwrap();
    std::fs::rename(&a, &b).unwrap();
    locate(&data, &a, &b).unwrap();
    let lib = Library::load(&data).library;
    assert_eq!(lib.docs[0].path, canonical(&b));
    let store = DocStore::load_read_only(&data, &doc, Some(&b), "");
    assert!(store.store.exists() && store.annotations.len() == 2);
    let recorded = std::fs::read_to_string(store.store.path()).unwrap();
    assert!(
        recorded.contains(&*canonical(&b).to_string_lossy()),
        "{recorded}"
    );
    // Moved again and edited: its notes follow into the new text.
    let c = tmp.path().join("c.txt");
    std::fs::write(
        &c,
        SPEECH.replace("同志们：", "同志们、朋友们：\n（根据录音整理）"),
    )
    .unwrap();
    std::fs::remove_file(&b).unwrap();
    locate(&data, &b, &c).unwrap();
    let edited = Document::open(&c).unwrap();
    let found = DocStore::load_read_only(&data, &edited, Some(&c), "");
    assert_eq!(found.store.fingerprint(), fingerprint(&edited.text));
    assert!(found.store.exists());
    let mut set = found.annotations;
    assert_eq!(
        set.place_in(&edited),
        0,
        "every note placed in the new text"
    );
    assert_eq!(set.len(), 2);
    assert_eq!(
        index::store_files(&data.join("annotations")).len(),
        1,
        "the old store retired"
    );
    let e = locate(&data, &tmp.path().join("nowhere.txt"), &c).unwrap_err();
    assert!(matches!(e, LibraryError::NotInLibrary { .. }), "{e}");
}
