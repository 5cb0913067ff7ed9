//! The annotation store and every write, attacked as a hostile environment would: the lock
//! deleted under running writers, a full disk, a backups folder on another file system,
//! damaged records, FIFOs and symlinks where files should be, `-o` onto special files.
//! Each test is named after what broke.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::stderr;
use pizhu::annotate::{Annotation, AnnotationSet, Color, Edit};
use pizhu::document::{Document, TextRange};
use pizhu::store::annotations::{BACKUPS, DocStore, StoreError, fingerprint, parse};

fn pizhu(data_dir: &Path, args: &[&str]) -> Output {
    let data = data_dir.to_str().expect("UTF-8 temp path");
    let all: Vec<&str> = ["--data-dir", data].iter().chain(args).copied().collect();
    common::pizhu(&all)
}

fn sample_doc() -> Document {
    Document::open(&common::sample()).expect("the sample opens")
}

fn copy_sample(dir: &Path) -> PathBuf {
    let path = dir.join("speech.txt");
    std::fs::copy(common::sample(), &path).expect("copy the sample");
    path
}

fn store_path(data: &Path, doc: &Document) -> PathBuf {
    data.join("annotations")
        .join(format!("{}.ron", fingerprint(&doc.text)))
}

fn highlight(doc: &Document, set: &mut AnnotationSet, nth: usize, now: i64) {
    let start = (nth * 7) % (doc.char_count - 10);
    let a = Annotation::highlight(doc, TextRange::new(start, start + 5), Color::Green, now);
    set.apply(vec![Edit::Add(a)], now);
}

/// A tmpfs mounted on `dir` for the life of the guard.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Mount a small tmpfs on `dir`; `None` (after saying so) where mounting is not allowed.
/// Under CI, which runs as root, it must work.
fn mount_tmpfs(dir: &Path, size: &str) -> Option<Mount> {
    std::fs::create_dir_all(dir).expect("mount point");
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(Mount(dir.to_owned()));
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI runs as root and must be able to mount a tmpfs"
    );
    eprintln!("skipped: cannot mount a tmpfs here (not root?)");
    None
}

#[test]
fn regression_lock_file_deleted_while_writers_run_loses_nothing() {
    const WRITERS: usize = 8;
    // 40 each in the suite; `PIZHU_STORM_EACH=200` for the full storm of the issue.
    let each: usize = std::env::var("PIZHU_STORM_EACH")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(40);
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let doc_path = copy_sample(work.path());
    let doc = sample_doc();
    let annotations = data.path().join("annotations");
    std::fs::create_dir_all(&annotations).unwrap();
    // The attacker: every 0.5 ms, delete anything that looks like a lock and try to remove
    // or replace the folder the lock lives on.
    let stop = Arc::new(AtomicBool::new(false));
    let attacker = {
        let (stop, dir) = (Arc::clone(&stop), annotations.clone());
        std::thread::spawn(move || {
            let mut deleted = 0usize;
            while !stop.load(Ordering::Relaxed) {
                if let Ok(entries) = std::fs::read_dir(&dir) {
                    for e in entries.flatten() {
                        if e.file_name().to_string_lossy().ends_with(".lock")
                            && std::fs::remove_file(e.path()).is_ok()
                        {
                            deleted += 1;
                        }
                    }
                }
                let _ = std::fs::remove_dir(&dir);
                std::thread::sleep(Duration::from_micros(500));
            }
            deleted
        })
    };
    let quotes = ["数字政府", "一是", "平台", "数据", "群众", "服务"];
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (data, doc_path) = (data.path().to_owned(), doc_path.clone());
            std::thread::spawn(move || {
                let mut acknowledged = 0;
                for i in 0..each {
                    let quote = quotes[(w + i) % quotes.len()];
                    let out = pizhu(
                        &data,
                        &[
                            "highlight",
                            doc_path.to_str().unwrap(),
                            "--quote",
                            quote,
                            "--note",
                            &format!("writer {w} #{i}"),
                        ],
                    );
                    if out.status.success() {
                        acknowledged += 1;
                    } else {
                        eprintln!("writer {w}: {}", stderr(&out));
                    }
                }
                acknowledged
            })
        })
        .collect();
    let acknowledged: usize = writers.into_iter().map(|w| w.join().unwrap()).sum();
    stop.store(true, Ordering::Relaxed);
    attacker.join().unwrap();
    assert_eq!(
        acknowledged,
        WRITERS * each,
        "every highlight was acknowledged"
    );
    let text = std::fs::read_to_string(store_path(data.path(), &doc)).unwrap();
    let file = parse(&text).unwrap();
    assert_eq!(
        file.annotations.len(),
        acknowledged,
        "every acknowledged highlight is in the store"
    );
    let damaged: Vec<_> = std::fs::read_dir(&annotations)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("damaged"))
        .collect();
    assert!(damaged.is_empty(), "{damaged:?}");
}

/// Versions of the store kept in the backups folder, newest first.
fn backup_texts(store: &DocStore) -> Vec<String> {
    store
        .backups()
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a backup"))
        .collect()
}

#[test]
fn regression_a_failed_save_on_a_full_disk_keeps_every_backup_and_the_store() {
    let data = tempfile::tempdir().unwrap();
    let Some(_mount) = mount_tmpfs(data.path(), "256k") else {
        return;
    };
    let doc = sample_doc();
    let mut loaded = DocStore::load(data.path(), &doc, None, "讲话");
    for i in 0..7 {
        highlight(&doc, &mut loaded.annotations, i, 1000 + i as i64);
        loaded
            .store
            .save(&mut loaded.annotations, Some(i))
            .expect("room for the first saves");
    }
    let before_backups = backup_texts(&loaded.store);
    assert_eq!(before_backups.len(), BACKUPS);
    let mut distinct = before_backups.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), BACKUPS, "five distinct versions");
    let store_before = std::fs::read_to_string(loaded.store.path()).unwrap();
    // Fill the disk.
    let filler = data.path().join("filler");
    {
        use std::io::Write as _;
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![b'x'; 4096];
        while f.write_all(&block).and_then(|()| f.sync_all()).is_ok() {}
    }
    for i in 0..5 {
        highlight(&doc, &mut loaded.annotations, 100 + i, 2000 + i as i64);
        let err = loaded
            .store
            .save(&mut loaded.annotations, Some(100 + i))
            .expect_err("the disk is full");
        assert!(matches!(err, StoreError::Write { .. }), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(loaded.store.path()).unwrap(),
        store_before,
        "the store is as it was"
    );
    assert_eq!(
        backup_texts(&loaded.store),
        before_backups,
        "five failed saves changed no backup"
    );
    let leftovers: Vec<_> = std::fs::read_dir(data.path().join("annotations"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Space again: everything kept in memory is written.
    std::fs::remove_file(&filler).unwrap();
    loaded
        .store
        .save(&mut loaded.annotations, Some(7))
        .expect("room again");
    let file = parse(&std::fs::read_to_string(loaded.store.path()).unwrap()).unwrap();
    assert_eq!(file.annotations.len(), 12);
}

#[test]
fn regression_backup_rotation_never_truncates_the_store_when_links_fail() {
    let data = tempfile::tempdir().unwrap();
    let doc = sample_doc();
    // Backups on another file system: hard links fail (EXDEV) and copies are made.
    let Some(_mount) = mount_tmpfs(&data.path().join("annotations/backups"), "4m") else {
        return;
    };
    let mut loaded = DocStore::load(data.path(), &doc, None, "讲话");
    let mut versions = Vec::new();
    for i in 0..9 {
        highlight(&doc, &mut loaded.annotations, i, 1000 + i as i64);
        loaded.store.save(&mut loaded.annotations, Some(i)).unwrap();
        let now = std::fs::read_to_string(loaded.store.path()).unwrap();
        assert_eq!(
            parse(&now).unwrap().annotations.len(),
            i + 1,
            "the live store holds everything after save {i}"
        );
        versions.push(now);
    }
    // Backup n is the version before the last n-1 saves.
    let expected: Vec<String> = versions
        .iter()
        .rev()
        .skip(1)
        .take(BACKUPS)
        .cloned()
        .collect();
    assert_eq!(backup_texts(&loaded.store), expected);
}

#[test]
fn a_backup_that_is_the_live_store_is_not_rotated_into_duplicates() {
    let data = tempfile::tempdir().unwrap();
    let doc = sample_doc();
    let mut loaded = DocStore::load(data.path(), &doc, None, "讲话");
    for i in 0..3 {
        highlight(&doc, &mut loaded.annotations, i, 1000 + i as i64);
        loaded.store.save(&mut loaded.annotations, None).unwrap();
    }
    // What an older Pizhu left after a failed write: backup 1 is a link to the live store.
    let first = loaded.store.backups()[0].clone();
    std::fs::remove_file(&first).unwrap();
    std::fs::hard_link(loaded.store.path(), &first).unwrap();
    let before = backup_texts(&loaded.store);
    let live = std::fs::read_to_string(loaded.store.path()).unwrap();
    highlight(&doc, &mut loaded.annotations, 9, 5000);
    loaded.store.save(&mut loaded.annotations, None).unwrap();
    let after = backup_texts(&loaded.store);
    assert_eq!(after, before, "no second copy of the same version");
    assert_eq!(after[0], live);
    // Saving the same thing again writes nothing and rotates nothing.
    let stamp = std::fs::metadata(loaded.store.path())
        .unwrap()
        .modified()
        .unwrap();
    loaded.store.save(&mut loaded.annotations, None).unwrap();
    assert_eq!(backup_texts(&loaded.store), after);
    assert_eq!(
        std::fs::metadata(loaded.store.path())
            .unwrap()
            .modified()
            .unwrap(),
        stamp
    );
}

/// A data folder whose store for the sample holds three highlights, the second with a
/// value this Pizhu does not know.
fn store_with_one_bad_record(data: &Path, doc_path: &Path) -> PathBuf {
    for (quote, color) in [("数字政府", "green"), ("一是", "blue"), ("平台", "pink")] {
        let out = pizhu(
            data,
            &[
                "highlight",
                doc_path.to_str().expect("UTF-8 path"),
                "--quote",
                quote,
                "--color",
                color,
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let path = store_path(data, &sample_doc());
    let text = std::fs::read_to_string(&path).expect("the store");
    assert!(text.contains("color: Blue"), "{text}");
    std::fs::write(&path, text.replacen("color: Blue", "color: Orange", 1)).expect("write");
    path
}

fn folder_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn regression_a_damaged_store_never_empties_an_export_and_read_only_commands_change_nothing() {
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let doc_path = copy_sample(work.path());
    let store = store_with_one_bad_record(data.path(), &doc_path);
    let damaged_text = std::fs::read_to_string(&store).unwrap();
    let names_before = folder_names(&data.path().join("annotations"));
    let report = work.path().join("report.md");
    std::fs::write(&report, "a good report").unwrap();
    for args in [
        vec![
            "export",
            doc_path.to_str().unwrap(),
            "-o",
            report.to_str().unwrap(),
        ],
        vec!["export", doc_path.to_str().unwrap()],
        vec!["notes", doc_path.to_str().unwrap()],
        vec!["notes", doc_path.to_str().unwrap(), "--format", "json"],
    ] {
        let out = pizhu(data.path(), &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} printed something");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("1 of 3 annotations in the notes file could not be read"),
            "{err}"
        );
        assert!(err.contains("backup"), "points at the backups: {err}");
        assert!(err.contains("pizhu restore"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "a good report");
    assert_eq!(std::fs::read_to_string(&store).unwrap(), damaged_text);
    assert_eq!(
        folder_names(&data.path().join("annotations")),
        names_before,
        "nothing renamed, copied or removed"
    );
    // A writer keeps the two good records, keeps the whole file aside, and says so.
    let out = pizhu(
        data.path(),
        &["highlight", doc_path.to_str().unwrap(), "--quote", "群众"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 of 3 annotations"),
        "{}",
        stderr(&out)
    );
    let kept = store.with_file_name(format!(
        "{}.damaged-1",
        store.file_name().unwrap().to_string_lossy()
    ));
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), damaged_text);
    let file = parse(&std::fs::read_to_string(&store).unwrap()).unwrap();
    assert_eq!(file.annotations.len(), 3, "two good ones and the new one");
    // Restoring brings back the newest backup that parses in full. Backup 1 is the partly
    // damaged file (it was replaced by the save above); backup 2, from before the damage,
    // holds the first two highlights. (The store with three was overwritten in place by
    // the line below, so no backup has it.)
    std::fs::write(&store, "(version: 1, annotations: [ (id: 5, quote: \"半截").unwrap();
    let out = pizhu(data.path(), &["notes", doc_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let out = pizhu(data.path(), &["restore", doc_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.starts_with("restored 2 annotations"), "{said}");
    assert!(said.contains(".2.ron"), "{said}");
    let out = pizhu(
        data.path(),
        &["notes", doc_path.to_str().unwrap(), "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["annotations"].as_array().unwrap().len(), 2);
}

#[cfg(unix)]
#[test]
fn regression_fifos_and_symlinks_in_the_notes_folder_are_never_read() {
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let doc_path = copy_sample(work.path());
    let doc = sample_doc();
    let annotations = data.path().join("annotations");
    std::fs::create_dir_all(&annotations).unwrap();
    // A FIFO among the stores (another document's): the search by path must not wait on it.
    let status = Command::new("mkfifo")
        .arg(annotations.join("b3-other.ron"))
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let out = pizhu(data.path(), &["notes", doc_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The store itself a FIFO: refused at once, left in place.
    let store = store_path(data.path(), &doc);
    let status = Command::new("mkfifo").arg(&store).status().unwrap();
    assert!(status.success());
    let out = pizhu(data.path(), &["notes", doc_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("named pipe"), "{}", stderr(&out));
    let out = pizhu(
        data.path(),
        &["highlight", doc_path.to_str().unwrap(), "--quote", "平台"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&store)
            .unwrap()
            .file_type()
            .is_fifo_like()
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "nothing waited"
    );
    // The store a symlink to a secret: never read, never quoted, never written through.
    std::fs::remove_file(&store).unwrap();
    let secret = work.path().join("shadow");
    std::fs::write(&secret, "root:$6$secret-hash:19000:0:99999:7:::").unwrap();
    std::os::unix::fs::symlink(&secret, &store).unwrap();
    for args in [
        vec!["notes", doc_path.to_str().unwrap()],
        vec!["highlight", doc_path.to_str().unwrap(), "--quote", "平台"],
    ] {
        let out = pizhu(data.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("symbolic link"), "{err}");
        assert!(!err.contains("secret-hash"), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "root:$6$secret-hash:19000:0:99999:7:::"
    );
}

/// `FileType::is_fifo` by another name, to keep the imports short.
trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

impl FifoLike for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt as _;
        self.is_fifo()
    }
}

#[cfg(unix)]
#[test]
fn regression_export_output_onto_special_files_the_source_read_only_files_and_links() {
    use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let doc_path = copy_sample(work.path());
    let original = std::fs::read(&doc_path).unwrap();
    let export = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "export",
            doc_path.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        pizhu(data.path(), &args)
    };
    // A character device stays a device (as root, `-o /dev/null` used to replace the device
    // node with a regular file). A null device of our own, so that a regression cannot
    // break the machine's /dev/null.
    let null = work.path().join("null");
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let out = export(&null, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let meta = std::fs::symlink_metadata(&null).unwrap();
        assert!(meta.file_type().is_char_device(), "still a device");
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root: mknod works"
        );
        eprintln!("skipped: cannot make a device node here (not root?)");
    }
    // The document being exported is refused and untouched, also through a link.
    let link = work.path().join("link.md");
    std::os::unix::fs::symlink(&doc_path, &link).unwrap();
    for target in [&doc_path, &link] {
        let out = export(target, &[]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("document being exported"),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read(&doc_path).unwrap(), original);
    }
    // A read-only file: refused; --force replaces it and keeps it read-only.
    let ro = work.path().join("ro.md");
    std::fs::write(&ro, "keep").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = export(&ro, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "keep");
    let out = export(&ro, &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(std::fs::read_to_string(&ro).unwrap(), "keep");
    assert_eq!(
        std::fs::metadata(&ro).unwrap().permissions().mode() & 0o777,
        0o444
    );
    // A symlink to another file: the target is written, the link stays a link.
    let report = work.path().join("report.md");
    std::fs::write(&report, "old").unwrap();
    let latest = work.path().join("latest.md");
    std::os::unix::fs::symlink(&report, &latest).unwrap();
    let out = export(&latest, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&latest).unwrap().is_symlink());
    assert!(std::fs::read_to_string(&report).unwrap().contains("批注"));
    // A FIFO with a reader gets the export written into it.
    let fifo = work.path().join("pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = export(&fifo, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(reader.join().unwrap().contains("批注"));
}
