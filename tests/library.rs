//! The library and the notebook (issue 12) as the window and the command line use them:
//! highlights added with the built `pizhu highlight`, documents opened with
//! `Session::open`, against a temporary data folder.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;

use pizhu::Document;
use pizhu::annotate::AnchorState;
use pizhu::library::{self, DocStatus, Library, Notebook, Order, Query};
use pizhu::session::Session;

/// Run `pizhu` with `--data-dir DIR` after the subcommand's name.
fn pizhu(data_dir: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.insert(1, data_dir.to_str().expect("UTF-8 temp path"));
    all.insert(1, "--data-dir");
    Command::new(env!("CARGO_BIN_EXE_pizhu"))
        .args(&all)
        .env_remove("PIZHU_DATA_DIR")
        .output()
        .expect("pizhu runs")
}

/// `text` edited as a writer revises a document: a paragraph added near the top, one
/// rewritten and one cut (neither holding a highlight), and the first words of a
/// highlighted paragraph changed (its quotes start 12 chars in).
fn revise(text: &str, quotes: &[String]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let holds = |l: &str| quotes.iter().any(|q| l.contains(q.as_str()));
    let free: Vec<usize> = (3..lines.len())
        .filter(|&i| lines[i].chars().count() >= 30 && !holds(lines[i]))
        .collect();
    assert!(free.len() >= 2, "paragraphs without highlights to edit");
    let (rewrite, cut) = (free[0], free[free.len() - 1]);
    let touched = (0..lines.len())
        .find(|&i| holds(lines[i]))
        .expect("test setup");
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i == 2 {
            out.push("（本文根据会议录音整理，有删节）".to_owned());
        }
        if i == cut {
            continue;
        }
        if i == rewrite {
            out.push("这一段在修订时整段改写，原来的内容已经不在了。".to_owned());
        } else if i == touched {
            out.push(format!(
                "总之，{}",
                line.chars().skip(4).collect::<String>()
            ));
        } else {
            out.push((*line).to_owned());
        }
    }
    out.join("\n") + "\n"
}

fn moved_and_edited_keeps_every_note(source: &Path) {
    let tmp = tempfile::tempdir().expect("test setup");
    let data = tmp.path().join("data");
    let name = source
        .file_name()
        .expect("test setup")
        .to_string_lossy()
        .into_owned();
    let a = tmp.path().join("收文").join(&name);
    std::fs::create_dir_all(a.parent().expect("test setup")).expect("test setup");
    std::fs::copy(source, &a).expect("test setup");
    let text = Document::open(&a).expect("test setup").text;
    let quotes = common::passages(&text, 8);
    for (i, q) in quotes.iter().enumerate() {
        let note = format!("第{i}条笔记 #摘录");
        let o = pizhu(
            &data,
            &[
                "highlight",
                a.to_str().expect("test setup"),
                "--quote",
                q,
                "--note",
                &note,
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    // Moved to another folder and revised there.
    let b = tmp.path().join("归档/2026").join(format!("修订-{name}"));
    std::fs::create_dir_all(b.parent().expect("test setup")).expect("test setup");
    std::fs::write(&b, revise(&text, &quotes)).expect("test setup");
    std::fs::remove_file(&a).expect("test setup");
    let session = Session::open(&b, Some(&data)).expect("opens");
    assert!(session.notes.reattached.is_some(), "found by content");
    assert!(session.notes.offers.is_empty());
    let items = session.notes.set.items();
    assert_eq!(items.len(), quotes.len(), "every note is back");
    for (i, q) in quotes.iter().enumerate() {
        let a = items
            .iter()
            .find(|a| a.note == format!("第{i}条笔记 #摘录"))
            .unwrap_or_else(|| panic!("note {i}"));
        assert_ne!(a.state, AnchorState::Unplaced, "{q}");
        assert_eq!(session.doc.slice(a.range), q.as_str());
    }
    // The library knows the document at its new place.
    let lib = Library::load(&data).library;
    assert!(lib.find(&b).is_some(), "{lib:?}");
    // Taken over notes are written under the new text at once (no edit needed) and the old
    // store retired: the notebook never shows them under a missing document.
    let mut session = session;
    assert!(
        session.notes.pending(),
        "the re-attached notes wait to be written"
    );
    session.notes.flush();
    assert!(
        session.notes.save_error.is_none(),
        "{:?}",
        session.notes.save_error
    );
    let stores: Vec<PathBuf> = std::fs::read_dir(data.join("annotations"))
        .expect("test setup")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    assert_eq!(stores.len(), 1, "{stores:?}");
    let notebook = Notebook::load(&data, true).notebook;
    assert_eq!(notebook.docs().len(), 1);
    assert_eq!(notebook.docs()[0].status, DocStatus::Present);
    assert_eq!(notebook.entries().len(), quotes.len());
}

#[test]
fn a_moved_and_edited_document_gets_every_note_back() {
    moved_and_edited_keeps_every_note(&common::sample());
    if let Some(corpus) = common::corpus() {
        moved_and_edited_keeps_every_note(&corpus.join("seed/speech-lianzheng.txt"));
        moved_and_edited_keeps_every_note(&corpus.join("reports/2026-zhejiang.txt"));
    }
}

#[test]
fn a_weaker_match_is_offered_and_attached_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let a = tmp.path().join("sample.txt");
    std::fs::copy(common::sample(), &a).unwrap();
    let text = Document::open(&a).unwrap().text;
    let quotes = common::passages(&text, 6);
    for q in &quotes {
        let o = pizhu(&data, &["highlight", a.to_str().unwrap(), "--quote", q]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    std::fs::remove_file(&a).unwrap();
    // A digest that quotes the paragraphs of two of the six.
    let digest = tmp.path().join("摘编.txt");
    let paragraphs: Vec<&str> = quotes[..2]
        .iter()
        .map(|q| text.lines().find(|l| l.contains(q.as_str())).unwrap())
        .collect();
    std::fs::write(&digest, format!("学习摘编\n{}\n", paragraphs.join("\n"))).unwrap();
    let session = Session::open(&digest, Some(&data)).unwrap();
    assert!(session.notes.set.is_empty(), "nothing taken");
    assert!(session.notes.reattached.is_none());
    assert_eq!(session.notes.offers.len(), 1);
    let offer = session.notes.offers[0].clone();
    assert_eq!((offer.notes, offer.found), (6, 2));
    let added = library::attach(&data, &offer, &session.doc, &digest, "摘编").unwrap();
    assert_eq!(added, 6);
    let again = Session::open(&digest, Some(&data)).unwrap();
    assert_eq!(again.notes.set.len(), 6);
    let placed = again
        .notes
        .set
        .items()
        .iter()
        .filter(|a| a.is_placed())
        .count();
    assert_eq!(placed, 2, "the two quoted passages placed, the rest kept");
}

#[test]
fn the_notebook_lists_documents_added_from_a_folder_and_a_read_only_load_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(docs.join(".hidden")).unwrap();
    std::fs::copy(common::sample(), docs.join("sample.txt")).unwrap();
    std::fs::copy(common::sample(), docs.join(".hidden/again.txt")).unwrap();
    std::fs::write(docs.join("notes.exe"), "MZ").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&docs, docs.join("loop")).unwrap();
    if let Some(corpus) = common::corpus() {
        for f in ["2026-beijing.txt", "2026-gansu.gbk.txt"] {
            std::fs::copy(corpus.join("reports").join(f), docs.join(f)).unwrap();
        }
    }
    let report = library::add_folder(&data, &docs, &AtomicBool::new(false), &mut |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    let lib = Library::load(&data).library;
    assert_eq!(lib.docs.len(), report.added);
    assert!(lib.docs.iter().all(|d| d.fingerprint.is_some()));
    // Highlight in each, list them all, then look without writing.
    for d in &lib.docs {
        let text = Document::open(&d.path).unwrap().text;
        let q = &common::passages(&text, 1)[0];
        let o = pizhu(
            &data,
            &[
                "highlight",
                d.path.to_str().unwrap(),
                "--quote",
                q,
                "--tag",
                "要点",
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let loaded = Notebook::load(&data, true);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let nb = loaded.notebook;
    assert_eq!(nb.entries().len(), lib.docs.len());
    let titles: Vec<&str> = nb.docs().iter().map(|d| d.title.as_str()).collect();
    let library_titles: Vec<&str> = lib.docs.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(titles, library_titles, "the library's order");
    let all = nb.select(&Query::default(), Order::Newest);
    assert_eq!(nb.tag_counts(&all), [("要点".to_owned(), lib.docs.len())]);
    // A document gone, a damaged store: a read-only load reports and changes nothing.
    std::fs::remove_file(docs.join("sample.txt")).unwrap();
    std::fs::write(
        data.join("annotations/b3-0000.ron"),
        "(version: 1, annotations: [(",
    )
    .unwrap();
    let before = files(&data);
    let read = Notebook::load(&data, false);
    assert_eq!(read.problems.len(), 1, "{:?}", read.problems);
    assert!(
        read.notebook
            .docs()
            .iter()
            .any(|d| d.status == DocStatus::Missing)
    );
    assert_eq!(files(&data), before, "byte-identical");
}

/// Every file below `dir` with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("test setup").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).expect("test setup")));
            }
        }
    }
    out.sort();
    out
}
