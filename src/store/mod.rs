//! Files Pizhu writes for the user: atomic writes, and damaged files kept aside.

pub mod annotations;

use std::path::{Path, PathBuf};

/// Rename a damaged file to `NAME.damaged-N` so it is never overwritten.
pub fn keep_aside(path: &Path) -> Option<PathBuf> {
    (1..1000).find_map(|n| {
        let mut name = path.file_name()?.to_owned();
        name.push(format!(".damaged-{n}"));
        let target = path.with_file_name(name);
        (!target.exists() && std::fs::rename(path, &target).is_ok()).then_some(target)
    })
}

/// Write `bytes` to `path` atomically (temp file in the same directory, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Unique per process and per write, so concurrent writers never share a temp file.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(format!(".tmp-{}-{n}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
    }
}
