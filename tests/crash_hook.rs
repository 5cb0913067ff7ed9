//! The panic hook writes a crash report (issue 16). In a test binary of its own: the hook it
//! installs is the whole process's, and would see the panics of every test running beside it.

#[test]
fn the_panic_hook_writes_a_report_of_the_panic() {
    let data = tempfile::tempdir().expect("tmp");
    pizhu::crash::install_for_thread(Some(data.path().to_owned()), "reader");
    let worker = std::thread::Builder::new()
        .name("worker".to_owned())
        .spawn(|| panic!("a worker's panic"))
        .expect("thread")
        .join();
    assert!(worker.is_err());
    assert!(pizhu::crash::unseen(data.path()).is_empty());
    let panicked = std::thread::Builder::new()
        .name("reader".to_owned())
        .spawn(|| {
            let shown: Vec<u32> = Vec::new();
            // A real bug's panic: an index past the end.
            shown[std::hint::black_box(7)]
        })
        .expect("thread")
        .join();
    // Back to the default hook for the rest of this process.
    let _ = std::panic::take_hook();
    assert!(panicked.is_err());
    let reports = pizhu::crash::unseen(data.path());
    assert_eq!(reports.len(), 1, "{reports:?}");
    let text = pizhu::crash::read(&reports[0]).expect("read");
    for needle in [
        "Pizhu closed unexpectedly.",
        &format!("version: {}", env!("CARGO_PKG_VERSION")),
        "thread: reader",
        "location: tests/crash_hook.rs:",
        "message: index out of bounds: the len is 0 but the index is 7",
        "backtrace:",
        "system: ",
    ] {
        assert!(text.contains(needle), "{needle} not in\n{text}");
    }
    assert!(text.len() <= pizhu::crash::MAX_REPORT_BYTES);
}
