//! Crash reports: when the window panics, a report (the message, where in the code, the
//! backtrace, the version and the system) is written to `<data>/crash/<time>.txt`; the next
//! start offers to show it, and a report shown or dismissed is marked seen
//! (`<time>.seen.txt`) so that it is offered once. Nothing is sent anywhere.
//!
//! The writer runs inside the panic hook: it never panics itself (no unwrap, no indexing),
//! writes atomically through [`crate::files`] (a new file, never replacing one, never
//! through a symlink) and bounds the report's size.

use std::path::{Path, PathBuf};

use crate::files::{self, Links};

/// The folder of the data folder that holds crash reports.
pub const FOLDER: &str = "crash";

/// The largest report written (a deep backtrace is cut, the head kept).
pub const MAX_REPORT_BYTES: usize = 64 * 1024;

/// How many unseen reports are looked at (the newest).
const MAX_LISTED: usize = 50;

/// What a report file's name ends with once it was shown or dismissed.
const SEEN: &str = ".seen.txt";

/// The crash folder of a data folder.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join(FOLDER)
}

/// Install the panic hook of the window: the default hook runs first (the message on
/// stderr), then a panic of the main thread (the window's: it closes the window) writes a
/// report to `data_dir`'s crash folder. A worker's panic is answered in the window at once
/// ("… stopped unexpectedly") and the window stays: it leaves no report.
pub fn install(data_dir: Option<PathBuf>) {
    install_for_thread(data_dir, "main");
}

/// [`install`] for panics of the thread named `thread` (tests panic on a thread of their
/// own).
pub fn install_for_thread(data_dir: Option<PathBuf>, thread: &'static str) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        if std::thread::current().name() != Some(thread) {
            return;
        }
        if let Some(dir) = &data_dir {
            let message = payload_text(info.payload());
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            let thread = std::thread::current()
                .name()
                .unwrap_or("unnamed")
                .to_owned();
            let backtrace = std::backtrace::Backtrace::force_capture().to_string();
            let report = report_text(&message, &location, &thread, &backtrace, &system());
            match write_report(dir, &report, jiff::Timestamp::now()) {
                Ok(path) => {
                    let _ = std::io::Write::write_all(
                        &mut std::io::stderr(),
                        format!("pizhu: a crash report was written to {}\n", path.display())
                            .as_bytes(),
                    );
                }
                Err(e) => {
                    let _ = std::io::Write::write_all(
                        &mut std::io::stderr(),
                        format!("pizhu: the crash report could not be written ({e})\n").as_bytes(),
                    );
                }
            }
        }
    }));
}

/// The text of a panic's payload (`panic!("…")` gives a `&str` or a `String`).
fn payload_text(payload: &dyn std::any::Any) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

/// The operating system: its name from `/etc/os-release` (read bounded, never through a
/// symlink's surprises: a regular file only), the kernel, the architecture.
pub fn system() -> String {
    let name = files::read_regular(Path::new("/etc/os-release"), Links::Follow, 16 * 1024)
        .ok()
        .and_then(|bytes| {
            String::from_utf8_lossy(&bytes).lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_owned())
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned());
    let kernel = files::read_regular(Path::new("/proc/sys/kernel/osrelease"), Links::Follow, 4096)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let mut out = name;
    if !kernel.is_empty() {
        out.push_str(", kernel ");
        out.push_str(&kernel);
    }
    out.push_str(", ");
    out.push_str(std::env::consts::ARCH);
    out
}

/// A report's text, at most [`MAX_REPORT_BYTES`] (the backtrace's tail is cut first).
pub fn report_text(
    message: &str,
    location: &str,
    thread: &str,
    backtrace: &str,
    system: &str,
) -> String {
    let mut text = format!(
        "Pizhu closed unexpectedly.\n\
         This report stays on this computer; nothing was sent anywhere.\n\n\
         version: {}\n\
         system: {system}\n\
         thread: {thread}\n\
         location: {location}\n\
         message: {message}\n\n\
         backtrace:\n{backtrace}\n",
        env!("CARGO_PKG_VERSION"),
    );
    if text.len() > MAX_REPORT_BYTES {
        const CUT: &str = "\n… (the rest was cut)\n";
        let mut end = MAX_REPORT_BYTES.saturating_sub(CUT.len());
        while end > 0 && !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str(CUT);
    }
    text
}

/// Write `report` as a new file in `data_dir`'s crash folder, named by the time `now`
/// (UTC, to the second; `-2`, `-3`… when the name is taken). The crash folder is made when
/// missing; a crash folder that is a symlink or not a folder is refused. Never replaces a
/// file and never writes through a symlink.
pub fn write_report(
    data_dir: &Path,
    report: &str,
    now: jiff::Timestamp,
) -> std::io::Result<PathBuf> {
    let dir = folder(data_dir);
    match std::fs::symlink_metadata(&dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(std::io::Error::other(format!(
                "{} is not a folder (a symlink or a file); nothing was written",
                dir.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(&dir)?,
        Err(e) => return Err(e),
    }
    let stamp = now.strftime("%Y%m%d-%H%M%S").to_string();
    let bytes = report.as_bytes();
    let bytes = bytes.get(..MAX_REPORT_BYTES).unwrap_or(bytes);
    for n in 1..100 {
        let name = if n == 1 {
            format!("{stamp}.txt")
        } else {
            format!("{stamp}-{n}.txt")
        };
        let path = dir.join(name);
        match files::write_new(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "too many crash reports of the same second",
    ))
}

/// The reports not yet shown or dismissed, newest first (regular files only).
pub fn unseen(data_dir: &Path) -> Vec<PathBuf> {
    let dir = folder(data_dir);
    // A crash folder that is a symlink is not looked into.
    if !std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".txt") && !n.ends_with(SEEN) && !n.contains(".tmp-"))
        })
        .collect();
    // Names are times: the newest sorts last.
    found.sort();
    found.reverse();
    found.truncate(MAX_LISTED);
    found
}

/// Read a report (a regular file, never through a symlink, at most twice the largest
/// report written).
pub fn read(path: &Path) -> Result<String, files::ReadError> {
    files::read_regular(path, Links::Refuse, 2 * MAX_REPORT_BYTES as u64)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Mark a report seen: `<time>.txt` becomes `<time>.seen.txt` (renamed, never replacing a
/// file: when that name is taken the report stays as it is). Returns the new path.
pub fn mark_seen(path: &Path) -> std::io::Result<PathBuf> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".txt"))
        .ok_or_else(|| std::io::Error::other("not a crash report"))?;
    let target = path.with_file_name(format!("{name}{SEEN}"));
    if std::fs::symlink_metadata(&target).is_ok() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} exists", target.display()),
        ));
    }
    // A rename moves the link itself, never what a symlink points to.
    std::fs::rename(path, &target)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> jiff::Timestamp {
        "2026-11-28T05:30:12Z".parse().expect("a time")
    }

    #[test]
    fn a_report_is_written_read_back_and_marked_seen_once() {
        let dir = tempfile::tempdir().expect("tmp");
        assert!(unseen(dir.path()).is_empty());
        let text = report_text(
            "index out of bounds",
            "src/app/reader/mod.rs:10:5",
            "main",
            "0: pizhu::main",
            "Debian GNU/Linux 13, x86_64",
        );
        let first = write_report(dir.path(), &text, now()).expect("written");
        assert_eq!(first, dir.path().join("crash/20261128-053012.txt"));
        // The same second again: a second file, the first untouched.
        let second = write_report(dir.path(), "another", now()).expect("written");
        assert_eq!(second, dir.path().join("crash/20261128-053012-2.txt"));
        assert_eq!(read(&first).expect("read"), text);
        for needle in [
            "version: 0.1.0",
            "location: src/app/reader/mod.rs:10:5",
            "message: index out of bounds",
            "backtrace:\n0: pizhu::main",
            "nothing was sent anywhere",
        ] {
            assert!(text.contains(needle), "{needle} in {text}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&first)
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "only the user reads a report");
        }
        assert_eq!(unseen(dir.path()).len(), 2);
        let seen = mark_seen(&first).expect("marked");
        assert_eq!(seen, dir.path().join("crash/20261128-053012.seen.txt"));
        assert_eq!(unseen(dir.path()), vec![second.clone()]);
        mark_seen(&second).expect("marked");
        assert!(unseen(dir.path()).is_empty());
        // Nothing else in the folder: no temporary files left.
        let mut names: Vec<String> = std::fs::read_dir(folder(dir.path()))
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["20261128-053012-2.seen.txt", "20261128-053012.seen.txt"]
        );
    }

    #[test]
    fn a_report_is_bounded() {
        let backtrace = "  frame in some_function_with_a_long_name\n".repeat(10_000);
        let text = report_text("boom", "src/main.rs:1:1", "main", &backtrace, "linux");
        assert!(text.len() <= MAX_REPORT_BYTES, "{}", text.len());
        assert!(text.starts_with("Pizhu closed unexpectedly."));
        assert!(text.contains("message: boom"));
        assert!(text.ends_with("… (the rest was cut)\n"));
        // Cut on a character boundary with wide characters too.
        let text = report_text("崩溃", "", "main", &"栈帧".repeat(40_000), "linux");
        assert!(text.len() <= MAX_REPORT_BYTES);
        let dir = tempfile::tempdir().expect("tmp");
        let huge = "x".repeat(3 * MAX_REPORT_BYTES);
        let path = write_report(dir.path(), &huge, now()).expect("written");
        assert_eq!(
            std::fs::metadata(&path).expect("meta").len(),
            MAX_REPORT_BYTES as u64
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_report_is_never_written_through_a_symlink() {
        let dir = tempfile::tempdir().expect("tmp");
        let elsewhere = tempfile::tempdir().expect("tmp");
        // The crash folder a symlink to another folder: refused, nothing written there.
        std::os::unix::fs::symlink(elsewhere.path(), folder(dir.path())).expect("symlink");
        assert!(write_report(dir.path(), "x", now()).is_err());
        assert_eq!(std::fs::read_dir(elsewhere.path()).expect("dir").count(), 0);
        assert!(unseen(dir.path()).is_empty());
        std::fs::remove_file(folder(dir.path())).expect("unlink");
        // A symlink where the report's name is: left alone, the report goes beside it.
        std::fs::create_dir(folder(dir.path())).expect("mkdir");
        let target = elsewhere.path().join("victim");
        std::fs::write(&target, "keep").expect("write");
        let link = folder(dir.path()).join("20261128-053012.txt");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let path = write_report(dir.path(), "report", now()).expect("written");
        assert_eq!(path, folder(dir.path()).join("20261128-053012-2.txt"));
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep");
        // Neither listed nor read through.
        assert_eq!(unseen(dir.path()), vec![path]);
        assert!(read(&link).is_err());
    }
}
