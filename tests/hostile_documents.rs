//! Documents as they come from the world: special files named as documents, Chinese
//! UTF-16 without a BOM, UTF-8 with a bad byte, password-protected Word files.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pizhu::document::{Document, OpenError};
use pizhu::files::FileKind;
use pizhu::outline::outline;

use common::{pizhu, stderr};

/// A failure is one line on stderr, exit code 1, no panic, and says `expect`.
fn assert_clean_failure(o: &Output, expect: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "one line on stderr, got: {err}");
    assert!(err.starts_with("pizhu: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(expect), "{err:?} should mention {expect:?}");
}

/// Open `path` on another thread; fail (rather than hang the suite) after a few seconds.
fn open_promptly(path: &Path) -> Result<Document, OpenError> {
    let (tx, rx) = mpsc::channel();
    let owned = path.to_owned();
    std::thread::spawn(move || {
        let _ = tx.send(Document::open(&owned));
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(result) => result,
        Err(_) => {
            // Unblock a reader stuck on a FIFO, then fail.
            let _ = std::fs::OpenOptions::new().write(true).open(path);
            panic!("opening {} did not return", path.display());
        }
    }
}

fn mkfifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let status = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
    assert!(status.success());
    path
}

fn assert_not_a_file(path: &Path, kind: FileKind, says: &str) {
    let started = Instant::now();
    let err = open_promptly(path).expect_err("must be refused");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{path:?} took too long"
    );
    match &err {
        OpenError::NotAFile(k) => assert_eq!(*k, kind, "{path:?}"),
        other => panic!("{path:?}: {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(says), "{message}");
    assert!(message.contains("not a document"), "{message}");
}

#[cfg(unix)]
#[test]
fn regression_dev_zero_is_refused_not_read_forever() {
    assert_not_a_file(
        Path::new("/dev/zero"),
        FileKind::CharDevice,
        "character device",
    );
}

#[cfg(unix)]
#[test]
fn regression_dev_urandom_is_refused_not_read_forever() {
    assert_not_a_file(
        Path::new("/dev/urandom"),
        FileKind::CharDevice,
        "character device",
    );
}

#[cfg(unix)]
#[test]
fn regression_fifo_without_writer_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = mkfifo(dir.path(), "speech.txt");
    assert_not_a_file(&fifo, FileKind::Fifo, "named pipe (FIFO)");
}

#[test]
fn regression_folder_is_still_called_a_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = open_promptly(dir.path()).expect_err("a folder is refused");
    assert!(matches!(err, OpenError::IsDirectory), "{err:?}");
    assert!(err.to_string().contains("folder"), "{err}");
}

#[cfg(unix)]
#[test]
fn regression_cli_refuses_special_files_in_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = mkfifo(dir.path(), "pipe.md");
    let fifo = fifo.to_string_lossy().into_owned();
    let folder = dir.path().to_string_lossy().into_owned();
    for (path, says) in [
        ("/dev/zero", "character device"),
        ("/dev/urandom", "character device"),
        (fifo.as_str(), "named pipe (FIFO)"),
        (folder.as_str(), "folder"),
    ] {
        for command in ["outline", "stats"] {
            let started = Instant::now();
            let o = pizhu(&[command, path]);
            assert!(started.elapsed() < Duration::from_secs(10), "{path}");
            assert_clean_failure(&o, says);
            assert!(stderr(&o).trim_end().ends_with(path), "{}", stderr(&o));
        }
    }
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if little_endian {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            }
        })
        .collect()
}

#[test]
fn regression_chinese_utf16_without_bom_called_binary_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A fixture of our own: short, with `一` (a NUL byte where UTF-16 sniffing looked for none).
    let text = "关于做好年度工作的通知\n一、统一思想，提高认识。\n二、加强领导，狠抓落实。\n";
    for (le, name) in [(true, "UTF-16LE"), (false, "UTF-16BE")] {
        let path = dir.path().join(format!("notice-{name}.txt"));
        std::fs::write(&path, utf16(text, le)).expect("write");
        let doc = Document::open(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((doc.text.as_str(), doc.encoding.as_str()), (text, name));
        assert!(doc.warnings.is_empty());
    }
    // The seed speech, as Windows Notepad saves "Unicode" without its BOM.
    let Some(c) = common::corpus() else { return };
    let seed = Document::open(&c.join("seed/speech-lianzheng.txt")).expect("seed opens");
    let seed_outline = common::shape(&outline(&seed));
    let utf8 = std::fs::read_to_string(c.join("seed/speech-lianzheng.txt")).expect("seed");
    for (le, name) in [(true, "UTF-16LE"), (false, "UTF-16BE")] {
        let path = dir.path().join(format!("speech-{name}.txt"));
        std::fs::write(&path, utf16(&utf8, le)).expect("write");
        let doc = Document::open(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.encoding, name);
        assert_eq!(doc.text, seed.text, "{name}");
        assert_eq!(common::shape(&outline(&doc)), seed_outline, "{name}");
        let o = pizhu(&["outline", &path.to_string_lossy(), "--format", "json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let value: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(value["encoding"], name);
    }
}

/// `bytes` with `0xFF` inserted at the first line start at or after `at`: (bytes, offset, line).
fn with_bad_byte(mut bytes: Vec<u8>, at: usize) -> (Vec<u8>, usize, usize) {
    let offset = at
        + bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("a line")
        + 1;
    let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
    bytes.insert(offset, 0xFF);
    (bytes, offset, line)
}

#[test]
fn regression_one_bad_byte_in_600_kb_of_utf8_called_not_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Our own text, made long; and the corpus reports joined, when they are there.
    let own = "一、坚持把学习贯彻落到实处\n（一）加强理论武装。要持续深化学习，推动工作落实。\n"
        .repeat(8_000)
        .into_bytes();
    let mut texts = vec![("own", own)];
    if let Some(c) = common::corpus() {
        let mut joined = Vec::new();
        let names = [
            "beijing",
            "gansu",
            "guangdong",
            "shanghai",
            "sichuan",
            "jiangsu",
            "ningxia",
            "hainan",
            "yunnan",
            "zhejiang",
        ];
        for name in names {
            let path = c.join(format!("reports/2026-{name}.txt"));
            joined.extend(std::fs::read(path).expect("report"));
        }
        assert!(joined.len() > 600_000, "{}", joined.len());
        texts.push(("reports", joined));
    }
    for (what, clean) in texts {
        for at in [100, 250_000, clean.len() - 2_000] {
            let (bytes, offset, line) = with_bad_byte(clean.clone(), at);
            let path = dir.path().join(format!("{what}-{at}.txt"));
            std::fs::write(&path, &bytes).expect("write");
            let doc = Document::open(&path).unwrap_or_else(|e| panic!("{what} {at}: {e}"));
            assert_eq!(doc.encoding, "UTF-8");
            assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
            let w = &doc.warnings[0];
            assert_eq!((w.byte_offset, w.line, w.count), (offset as u64, line, 1));
            // The line number finds the replaced byte in the document.
            let text = doc.line_text(&doc.lines[w.line - 1]);
            assert!(text.starts_with('\u{FFFD}'), "{text}");
            assert_eq!(doc.text.matches('\u{FFFD}').count(), 1);

            // The command line warns on one line and goes on.
            let p = path.to_string_lossy().into_owned();
            let o = pizhu(&["outline", &p]);
            assert!(o.status.success(), "{}", stderr(&o));
            assert!(!o.stdout.is_empty());
            assert_eq!(
                stderr(&o),
                format!(
                    "pizhu: warning: the file is not valid UTF-8 at byte {offset} (line {line}); \
                     1 byte was replaced with \u{FFFD}: {p}\n"
                )
            );
        }
    }
}

#[test]
fn regression_gbk_is_not_swallowed_as_damaged_utf8() {
    let Some(c) = common::corpus() else { return };
    for path in [
        c.join("reports/2026-gansu.gbk.txt"),
        c.join("seed/speech-lianzheng.gb18030.txt"),
    ] {
        let doc = Document::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(doc.encoding, "GB18030", "{}", path.display());
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        assert!(!doc.text.contains('\u{FFFD}'));
        let o = pizhu(&["outline", &path.to_string_lossy()]);
        assert!(o.status.success() && o.stderr.is_empty(), "{}", stderr(&o));
    }
    // The UTF-8 original and the GBK copy are the same document.
    let utf8 = Document::open(&c.join("reports/2026-gansu.txt")).expect("opens");
    let gbk = Document::open(&c.join("reports/2026-gansu.gbk.txt")).expect("opens");
    assert_eq!(utf8.text, gbk.text);
}

/// An OLE compound file with these streams, as Word writes a password-protected .docx
/// (`EncryptionInfo` + `EncryptedPackage`), a .doc (`WordDocument`) or an .xls (`Workbook`).
fn compound_file(streams: &[&str]) -> Vec<u8> {
    let mut cfb = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("cfb");
    for (i, name) in streams.iter().enumerate() {
        let mut stream = cfb.create_stream(name).expect("stream");
        stream
            .write_all(&vec![i as u8 + 1; 5000])
            .expect("stream data");
    }
    cfb.flush().expect("cfb");
    cfb.into_inner().into_inner()
}

#[test]
fn regression_password_protected_docx_called_old_binary_word() {
    let dir = tempfile::tempdir().expect("temp dir");
    let encrypted = dir.path().join("报告（加密）.docx");
    std::fs::write(
        &encrypted,
        compound_file(&["/EncryptionInfo", "/EncryptedPackage", "/\u{6}DataSpaces"]),
    )
    .expect("write");
    let err = Document::open(&encrypted).expect_err("refused");
    assert!(matches!(err, OpenError::PasswordProtected), "{err:?}");
    let o = pizhu(&["outline", &encrypted.to_string_lossy()]);
    assert_clean_failure(&o, "protected with a password");
    assert!(!stderr(&o).contains(".doc)"), "{}", stderr(&o));

    let xls = dir.path().join("table.xls");
    std::fs::write(
        &xls,
        compound_file(&["/Workbook", "/\u{5}SummaryInformation"]),
    )
    .expect("write");
    let err = Document::open(&xls).expect_err("refused");
    assert!(matches!(err, OpenError::NotWordCompound), "{err:?}");
    assert_clean_failure(
        &pizhu(&["outline", &xls.to_string_lossy()]),
        "not a Word document",
    );

    let doc = dir.path().join("old.doc");
    std::fs::write(&doc, compound_file(&["/WordDocument", "/1Table"])).expect("write");
    assert!(matches!(Document::open(&doc), Err(OpenError::Doc(_))));

    // Real Word 97 files open (tests/format_word_web.rs checks their text).
    let Some(c) = common::corpus() else { return };
    for name in ["doc/speech-lianzheng.doc", "doc/2026-beijing.doc"] {
        Document::open(&c.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Cut short anywhere, they are refused without a panic.
        let bytes = std::fs::read(c.join(name)).expect("doc");
        for len in (8..bytes.len()).step_by(bytes.len() / 37 + 1) {
            assert!(Document::from_bytes(bytes[..len].to_vec(), "x.doc").is_err());
        }
    }
}
