//! The file system treated as hostile: every file Pizhu reads or writes goes through here.
//!
//! - Reads open only regular files (a FIFO or device is refused without blocking: the open
//!   is non-blocking and the kind is checked on the open descriptor, not on the path), and
//!   are bounded by the bytes actually read, not by what the metadata claims.
//! - Atomic writes create their temporary file exclusively under an unpredictable name in
//!   the target's folder (never through a planted symlink), fsync it, rename it into place
//!   and fsync the folder.
//! - [`write_output`] is the `-o` / Save as… target: it writes into a FIFO or character
//!   device, follows a symlink to replace its target, and refuses the document being
//!   exported, a read-only file (unless forced), a folder, a block device or a socket.
//! - [`keep_aside`] moves a damaged file to a fresh `NAME.damaged-N` without ever replacing
//!   an existing file.

use std::fs::{File, Metadata};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What kind of thing a path names, as a message says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file.
    Regular,
    /// A folder.
    Directory,
    /// A symbolic link (only seen when links are not followed).
    Symlink,
    /// A named pipe.
    Fifo,
    /// A character device (`/dev/null`, a terminal).
    CharDevice,
    /// A block device (a disk).
    BlockDevice,
    /// A Unix socket.
    Socket,
    /// Something else.
    Other,
}

impl FileKind {
    /// The kind of the file `meta` describes.
    pub fn of(meta: &Metadata) -> Self {
        let t = meta.file_type();
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt as _;
            if t.is_fifo() {
                return Self::Fifo;
            }
            if t.is_char_device() {
                return Self::CharDevice;
            }
            if t.is_block_device() {
                return Self::BlockDevice;
            }
            if t.is_socket() {
                return Self::Socket;
            }
        }
        if t.is_symlink() {
            Self::Symlink
        } else if t.is_dir() {
            Self::Directory
        } else if t.is_file() {
            Self::Regular
        } else {
            Self::Other
        }
    }

    /// The kind in a few words, for messages: "a named pipe (FIFO)".
    pub fn describe(self) -> &'static str {
        match self {
            Self::Regular => "a regular file",
            Self::Directory => "a folder",
            Self::Symlink => "a symbolic link",
            Self::Fifo => "a named pipe (FIFO)",
            Self::CharDevice => "a character device",
            Self::BlockDevice => "a block device",
            Self::Socket => "a socket",
            Self::Other => "a special file",
        }
    }
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Opening or reading failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The path is not a regular file (a FIFO, a device, a folder, a refused symlink).
    #[error("it is {}, not a regular file", .0.describe())]
    NotRegular(FileKind),
    /// More bytes than the limit were read.
    #[error("it is larger than {limit_bytes} bytes")]
    TooLarge {
        /// The limit that was passed.
        limit_bytes: u64,
    },
}

/// Whether a symbolic link at the path itself is followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// Follow it (documents the user named).
    Follow,
    /// Refuse it (files inside Pizhu's own folders, where a link can only be planted).
    Refuse,
}

/// Open `path` for reading if, and only if, it is a regular file. Never blocks on a FIFO.
pub fn open_regular(path: &Path, links: Links) -> Result<(File, Metadata), ReadError> {
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
        if links == Links::Refuse {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        // O_NOFOLLOW on a symlink fails with ELOOP: say what it is.
        Err(_) if links == Links::Refuse && is_symlink(path) => {
            return Err(ReadError::NotRegular(FileKind::Symlink));
        }
        Err(e) => {
            // Opening a folder for reading works on Unix; elsewhere say "folder" too.
            if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
                return Err(ReadError::NotRegular(FileKind::Directory));
            }
            return Err(e.into());
        }
    };
    let meta = file.metadata()?;
    match FileKind::of(&meta) {
        FileKind::Regular => {}
        kind => return Err(ReadError::NotRegular(kind)),
    }
    // O_NONBLOCK changes nothing for a regular file; it only kept the open from waiting
    // for a FIFO's writer.
    Ok((file, meta))
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Read at most `limit_bytes` from `reader` into a buffer; one byte more is an error.
pub fn read_bounded(reader: impl Read, limit_bytes: u64) -> Result<Vec<u8>, ReadError> {
    read_bounded_into(reader, limit_bytes, Vec::new())
}

/// [`read_bounded`] into `bytes` (a buffer sized for what is expected: a file's length).
fn read_bounded_into(
    reader: impl Read,
    limit_bytes: u64,
    mut bytes: Vec<u8>,
) -> Result<Vec<u8>, ReadError> {
    reader
        .take(limit_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit_bytes {
        return Err(ReadError::TooLarge { limit_bytes });
    }
    Ok(bytes)
}

/// Read the regular file at `path`, at most `limit_bytes` of it.
pub fn read_regular(path: &Path, links: Links, limit_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path, links)?;
    if meta.len() > limit_bytes {
        return Err(ReadError::TooLarge { limit_bytes });
    }
    // Sized for the file as it is now (one allocation, no copies as it grows; a file that
    // grows meanwhile still stops at the limit).
    let expected = usize::try_from(meta.len()).unwrap_or(0).saturating_add(1);
    read_bounded_into(file, limit_bytes, Vec::with_capacity(expected))
}

/// Permissions of a file written atomically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Only the user may read it (notes, settings): 0600.
    Private,
    /// As a new file normally is (0666 less the umask), e.g. an export.
    Shared,
    /// These permission bits (an existing file's, kept when it is replaced).
    Exactly(u32),
}

/// Write `bytes` to `path` atomically, readable only by the user (see [`write_atomic_mode`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_mode(path, bytes, Mode::Private)
}

/// Write `bytes` to `path` atomically: a temporary file created exclusively (no symlink is
/// ever followed) under an unpredictable name in the same folder, fsynced, renamed over
/// `path`, and the folder fsynced. On failure nothing is left behind and `path` is
/// unchanged. A symlink at `path` itself is replaced, not followed (see [`write_output`]).
pub fn write_atomic_mode(path: &Path, bytes: &[u8], mode: Mode) -> std::io::Result<()> {
    let tmp = write_temp_beside(path, bytes, mode)?;
    persist(tmp, path)
}

/// The first half of an atomic write: `bytes` in a new, fsynced temporary file beside
/// `path`. [`persist`] renames it into place; dropping it removes it.
pub fn write_temp_beside(
    path: &Path,
    bytes: &[u8],
    mode: Mode,
) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = parent_dir(path);
    std::fs::create_dir_all(dir)?;
    let mut prefix = path.file_name().unwrap_or_default().to_owned();
    prefix.push(".tmp-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let bits = match mode {
            Mode::Private => 0o600,
            Mode::Shared => 0o666,
            Mode::Exactly(bits) => bits & 0o7777,
        };
        builder.permissions(std::fs::Permissions::from_mode(bits));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut tmp = builder.tempfile_in(dir)?;
    #[cfg(unix)]
    if let Mode::Exactly(bits) = mode {
        // The umask applied at creation; an existing file's mode is kept as it was.
        use std::os::unix::fs::PermissionsExt as _;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(bits & 0o7777))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// The second half of an atomic write: rename `tmp` over `path`, fsync the folder.
pub fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = File::open(parent_dir(path)) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Write `bytes` to a new file at `path`, readable only by the user, never replacing
/// anything already there (`AlreadyExists` then): written in full to a temporary file first,
/// then linked into place only if the name is free, and the folder fsynced.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = write_temp_beside(path, bytes, Mode::Private)?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    if let Ok(d) = File::open(parent_dir(path)) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Replace the file at `path` atomically as a configuration file is replaced: a symlink is
/// followed (a dotfile manager's link stays a link) and its target replaced; a FIFO, device
/// or folder there is refused, never replaced nor written into.
pub fn replace_file(path: &Path, bytes: &[u8], mode: Mode) -> std::io::Result<()> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        Ok(meta) if !meta.is_file() => {
            return Err(std::io::Error::other(format!(
                "it is {}, not a regular file; nothing was written there",
                FileKind::of(&meta).describe()
            )));
        }
        _ => path.to_owned(),
    };
    if let Ok(meta) = std::fs::metadata(&target)
        && !meta.is_file()
    {
        return Err(std::io::Error::other(format!(
            "it is {}, not a regular file; nothing was written there",
            FileKind::of(&meta).describe()
        )));
    }
    write_atomic_mode(&target, bytes, mode)
}

/// Move a damaged file to `NAME.damaged-N` (the first N free), never replacing anything.
pub fn keep_aside(path: &Path) -> Option<PathBuf> {
    let target = copy_aside(path)?;
    match std::fs::remove_file(path) {
        Ok(()) => Some(target),
        Err(_) => {
            let _ = std::fs::remove_file(&target);
            None
        }
    }
}

/// Keep a copy of `path` as `NAME.damaged-N` (the first N free), leaving `path` in place.
/// The copy is a hard link where the file system allows (so it costs nothing), else a new
/// file written exclusively.
pub fn copy_aside(path: &Path) -> Option<PathBuf> {
    (1..1000).find_map(|n| {
        let mut name = path.file_name()?.to_owned();
        name.push(format!(".damaged-{n}"));
        let target = path.with_file_name(name);
        // link() fails if the name exists: nothing is ever replaced.
        match std::fs::hard_link(path, &target) {
            Ok(()) => return Some(target),
            // Kept already (the same file under that name): no second copy.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let same = std::fs::symlink_metadata(path)
                    .is_ok_and(|meta| !meta.is_symlink() && same_file(&meta, &target));
                return same.then_some(target);
            }
            Err(_) => {}
        }
        let bytes = read_regular(path, Links::Refuse, u64::MAX).ok()?;
        let mut file = File::options()
            .write(true)
            .create_new(true)
            .open(&target)
            .ok()?;
        (file.write_all(&bytes).is_ok() && file.sync_all().is_ok()).then_some(target)
    })
}

/// Why an output file was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Pizhu will not write there; the message says why and what to do.
    #[error("{0}")]
    Refused(String),
}

/// How an output file was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// A new or replaced regular file (atomically).
    File,
    /// Into a FIFO or character device (`/dev/stdout`, a pipe).
    Stream,
}

/// Write an export or report to `path` as a user asked for it with `-o` or Save as…:
/// - a regular file is replaced atomically and keeps its permissions; a new file gets the
///   usual ones;
/// - a symlink is followed and its target replaced (the link stays a link);
/// - a FIFO or character device is written into;
/// - a folder, block device or socket is refused;
/// - any of `protected` (the document being exported, the notes) is refused;
/// - a read-only file is refused unless `force`.
pub fn write_output(
    path: &Path,
    bytes: &[u8],
    protected: &[&Path],
    force: bool,
) -> Result<Written, OutputError> {
    let (target, meta) = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            write_atomic_mode(path, bytes, Mode::Shared)?;
            return Ok(Written::File);
        }
        Err(e) => return Err(e.into()),
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = std::fs::canonicalize(path).map_err(|_| {
                OutputError::Refused(
                    "it is a symbolic link to a file that does not exist; name the file itself"
                        .into(),
                )
            })?;
            let meta = std::fs::metadata(&target)?;
            (target, meta)
        }
        Ok(meta) => (path.to_owned(), meta),
    };
    match FileKind::of(&meta) {
        FileKind::Regular => {}
        FileKind::Fifo | FileKind::CharDevice => {
            let mut file = File::options().write(true).open(&target)?;
            file.write_all(bytes)?;
            file.flush()?;
            return Ok(Written::Stream);
        }
        kind => {
            return Err(OutputError::Refused(format!(
                "it is {}; name a file to write",
                kind.describe()
            )));
        }
    }
    if protected.iter().any(|p| same_file(&meta, p)) {
        return Err(OutputError::Refused(
            "that is the document being exported (or its notes), which would be lost; choose \
             another name"
                .into(),
        ));
    }
    if meta.permissions().readonly() && !force {
        return Err(OutputError::Refused(
            "the file is read-only; choose another name, or replace it with --force".into(),
        ));
    }
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt as _;
        Mode::Exactly(meta.permissions().mode())
    };
    #[cfg(not(unix))]
    let mode = Mode::Shared;
    write_atomic_mode(&target, bytes, mode)?;
    Ok(Written::File)
}

/// Whether the file `meta` describes is the one at `other` (same device and inode).
pub fn same_file(meta: &Metadata, other: &Path) -> bool {
    let Ok(theirs) = std::fs::metadata(other) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        meta.dev() == theirs.dev() && meta.ino() == theirs.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (meta, theirs);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_files_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.ron");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn kept_aside_files_get_fresh_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.ron");
        std::fs::write(&path, "1").unwrap();
        assert_eq!(keep_aside(&path), Some(dir.path().join("x.ron.damaged-1")));
        std::fs::write(&path, "2").unwrap();
        assert_eq!(keep_aside(&path), Some(dir.path().join("x.ron.damaged-2")));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("x.ron.damaged-1")).unwrap(),
            "1"
        );
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn regression_temp_files_never_follow_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let path = dir.path().join("store.ron");
        // The old predictable names: NAME.tmp-PID-N.
        for n in 0..64 {
            let planted = dir
                .path()
                .join(format!("store.ron.tmp-{}-{n}", std::process::id()));
            std::os::unix::fs::symlink(&victim, planted).unwrap();
        }
        for _ in 0..20 {
            write_atomic(&path, b"notes").unwrap();
        }
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "notes");
    }

    #[cfg(unix)]
    #[test]
    fn regression_fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.ron");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        for (path, kind) in [
            (fifo.as_path(), FileKind::Fifo),
            (Path::new("/dev/zero"), FileKind::CharDevice),
            (Path::new("/dev/urandom"), FileKind::CharDevice),
            (dir.path(), FileKind::Directory),
        ] {
            match read_regular(path, Links::Follow, 1 << 20) {
                Err(ReadError::NotRegular(k)) => assert_eq!(k, kind, "{path:?}"),
                other => panic!("{path:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn reads_are_bounded_by_bytes_read() {
        let bytes = read_bounded(std::io::repeat(b'x'), 1000);
        assert!(matches!(
            bytes,
            Err(ReadError::TooLarge { limit_bytes: 1000 })
        ));
        assert_eq!(read_bounded(&b"abc"[..], 3).unwrap(), b"abc");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_refused_where_they_can_only_be_planted() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "root:x:0:0").unwrap();
        let link = dir.path().join("store.ron");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        assert!(matches!(
            read_regular(&link, Links::Refuse, 100),
            Err(ReadError::NotRegular(FileKind::Symlink))
        ));
        assert_eq!(
            read_regular(&link, Links::Follow, 100).unwrap(),
            b"root:x:0:0"
        );
    }

    #[cfg(unix)]
    #[test]
    fn settings_replace_a_linked_file_in_place_and_never_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        // A dotfile manager's link: the target is replaced, the link stays.
        let real = dir.path().join("dotfiles-settings.ron");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("settings.ron");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace_file(&link, b"new", Mode::Private).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        // A FIFO is refused at once, and stays a FIFO.
        let fifo = dir.path().join("pipe.ron");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = replace_file(&fifo, b"x", Mode::Private).unwrap_err();
        assert!(err.to_string().contains("named pipe"), "{err}");
        let kind = FileKind::of(&std::fs::symlink_metadata(&fifo).unwrap());
        assert_eq!(kind, FileKind::Fifo);
    }

    #[cfg(unix)]
    #[test]
    fn outputs_follow_links_write_into_devices_and_refuse_what_they_must() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("speech.txt");
        std::fs::write(&doc, "讲话").unwrap();
        // The document itself, under its own name and through a link.
        let link_to_doc = dir.path().join("link.md");
        std::os::unix::fs::symlink(&doc, &link_to_doc).unwrap();
        for target in [&doc, &link_to_doc] {
            let err = write_output(target, b"x", &[&doc], false).unwrap_err();
            assert!(matches!(err, OutputError::Refused(_)), "{err}");
        }
        assert_eq!(std::fs::read_to_string(&doc).unwrap(), "讲话");
        // A link to another file: its target is replaced, the link stays.
        let report = dir.path().join("report.md");
        std::fs::write(&report, "old").unwrap();
        let link = dir.path().join("latest.md");
        std::os::unix::fs::symlink(&report, &link).unwrap();
        assert_eq!(
            write_output(&link, b"new", &[&doc], false).unwrap(),
            Written::File
        );
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "new");
        // A read-only file: refused, untouched; --force replaces it and keeps its mode.
        std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert!(write_output(&report, b"newer", &[], false).is_err());
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "new");
        write_output(&report, b"newer", &[], true).unwrap();
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "newer");
        let mode = std::fs::metadata(&report).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o444);
        // A device is written into and stays a device.
        assert_eq!(
            write_output(Path::new("/dev/null"), b"x", &[], false).unwrap(),
            Written::Stream
        );
        assert!(FileKind::of(&std::fs::metadata("/dev/null").unwrap()) == FileKind::CharDevice);
        // A folder is refused.
        assert!(matches!(
            write_output(dir.path(), b"x", &[], false),
            Err(OutputError::Refused(_))
        ));
        // A dangling link is refused, and stays as it was.
        let dangling = dir.path().join("dangling.md");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(write_output(&dangling, b"x", &[], false).is_err());
        assert!(!dir.path().join("nowhere").exists());
    }
}
