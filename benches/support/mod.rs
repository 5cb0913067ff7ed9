//! Inputs shared by the benchmarks.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The project's root (the benchmarks are a package in `benches/`).
pub fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shared folder beside the project (corpus and tools).
pub fn shared() -> PathBuf {
    project().join("../shared")
}

/// Make (once) a ~10 MB GB18030 file from the corpus reports with
/// `../shared/tools/make-big.sh OUT 14 gb18030` (14 MB of UTF-8 is ~10 MB in GB18030),
/// in `target/bench-data`; `None` when the tool is absent.
pub fn big_file() -> Option<PathBuf> {
    let out = project().join("target/bench-data/big.gb18030.txt");
    if out.exists() {
        return Some(out);
    }
    let script = shared().join("tools/make-big.sh");
    if !script.exists() {
        eprintln!("skipped: {} not found", script.display());
        return None;
    }
    std::fs::create_dir_all(out.parent()?).ok()?;
    let status = Command::new("bash")
        .arg(&script)
        .arg(&out)
        .arg("14")
        .arg("gb18030")
        .status()
        .ok()?;
    status.success().then_some(out)
}
