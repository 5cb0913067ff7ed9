//! The `pizhu` command line, run as a user runs it.

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::Output;

use common::{pizhu, stdout};

/// A failure is one line on stderr, a non-zero exit, and no panic.
fn assert_clean_failure(o: &Output, expect: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "should fail: {err}");
    assert_eq!(err.lines().count(), 1, "one line on stderr, got: {err}");
    assert!(err.starts_with("pizhu: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(expect), "{err:?} should mention {expect:?}");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path.to_string_lossy().into_owned()
}

fn sample() -> String {
    common::sample().to_string_lossy().into_owned()
}

#[test]
fn outline_formats_on_the_sample() {
    let text = pizhu(&["outline", &sample()]);
    assert!(text.status.success());
    insta::assert_snapshot!("cli-outline-text", stdout(&text));
    let md = pizhu(&["outline", &sample(), "--format", "markdown"]);
    insta::assert_snapshot!("cli-outline-markdown", stdout(&md));
    let json = pizhu(&["outline", &sample(), "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert_eq!(value["title"], "在全县数字政府建设推进会上的讲话");
    assert_eq!(value["encoding"], "UTF-8");
    let chars = value["chars"].as_u64().expect("chars");
    let nodes = value["nodes"].as_array().expect("nodes");
    assert!(nodes.len() > 20);
    for node in nodes {
        for key in ["depth", "kind", "marker", "title", "start", "end"] {
            assert!(node.get(key).is_some(), "node lacks {key}: {node}");
        }
        assert!(node["end"].as_u64() <= Some(chars));
    }
    assert_eq!(nodes[0]["kind"], "heading");
    assert!(nodes.iter().any(|n| n["kind"] == "point"));
    let placeholders = value["placeholders"].as_array().expect("placeholders");
    let texts: Vec<&str> = placeholders
        .iter()
        .filter_map(|p| p["text"].as_str())
        .collect();
    assert_eq!(texts, ["×", "××", "○○", "××", "XX", "某某"]);
    // Offsets are char offsets into the normalised text.
    let body: Vec<char> = std::fs::read_to_string(common::sample())
        .expect("sample")
        .chars()
        .collect();
    for p in placeholders {
        let (s, e) = (
            p["start"].as_u64().unwrap_or(0) as usize,
            p["end"].as_u64().unwrap_or(0) as usize,
        );
        assert_eq!(
            body[s..e].iter().collect::<String>(),
            p["text"].as_str().unwrap_or_default()
        );
    }
    insta::assert_snapshot!("cli-outline-json", stdout(&json));
}

#[test]
fn stats_on_the_sample() {
    let text = pizhu(&["stats", &sample()]);
    assert!(text.status.success());
    insta::assert_snapshot!("cli-stats-text", stdout(&text));
    let json = pizhu(&["stats", &sample(), "--format", "json", "--rate", "250"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert_eq!(value["rate_chars_per_min"], 250);
    let total = value["total"]["words"].as_u64().expect("words");
    let sections: u64 = value["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .filter_map(|s| s["counts"]["words"].as_u64())
        .sum();
    assert!(
        sections < total && sections > total / 2,
        "{sections} of {total}"
    );
    assert_eq!(
        value["total"]["speaking_seconds"].as_u64(),
        Some((total * 60).div_ceil(250))
    );
}

#[test]
fn help_and_version() {
    let help = pizhu(&["--help"]);
    assert!(help.status.success());
    for word in ["outline", "stats"] {
        assert!(stdout(&help).contains(word));
    }
    let version = pizhu(&["--version"]);
    assert_eq!(
        stdout(&version).trim(),
        format!("pizhu {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn bad_input_gets_one_clear_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    assert_clean_failure(&pizhu(&["outline", "/no/such/file.txt"]), "No such file");
    assert_clean_failure(&pizhu(&["outline", &d.to_string_lossy()]), "folder");
    let png = write(d, "picture.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10");
    assert_clean_failure(&pizhu(&["outline", &png]), "binary");
    let random: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let random = write(d, "random.bin", &random);
    assert_clean_failure(&pizhu(&["stats", &random]), "binary");
    let fake = write(d, "fake.docx", "这不是Word文件".as_bytes());
    assert_clean_failure(&pizhu(&["outline", &fake]), "not a zip");
    let doc = write(
        d,
        "old.doc",
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
    );
    assert_clean_failure(&pizhu(&["outline", &doc]), ".doc");

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
        .expect("zip");
    zip.write_all(b"<workbook/>").expect("zip");
    let xlsx = zip.finish().expect("zip").into_inner();
    let not_word = write(d, "sheet.docx", &xlsx);
    assert_clean_failure(&pizhu(&["outline", &not_word]), "not a Word document");

    if let Some(c) = common::corpus() {
        let real = std::fs::read(c.join("docx/speech-lianzheng.plain.docx")).expect("docx");
        let cut = write(d, "cut.docx", &real[..real.len() / 2]);
        assert_clean_failure(&pizhu(&["outline", &cut]), "damaged");
    }
    // The path comes last in the message.
    let o = pizhu(&["outline", &png]);
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .trim_end()
            .ends_with(&png)
    );
    // Usage errors are clap's, with its own exit code.
    let o = pizhu(&["outline", &sample(), "--format", "pdf"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_docx_that_inflates_past_the_limit_is_refused_quickly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("zip");
    zip.write_all(b"<?xml version=\"1.0\"?><w:document xmlns:w=\"w\"><w:body>")
        .expect("zip");
    let chunk = "<w:p><w:r><w:t>炸弹</w:t></w:r></w:p>".repeat(4096);
    let limit = pizhu::document::MAX_DOCX_XML_BYTES as usize;
    let mut written = 0;
    while written <= limit + chunk.len() {
        zip.write_all(chunk.as_bytes()).expect("zip");
        written += chunk.len();
    }
    let bytes = zip.finish().expect("zip").into_inner();
    assert!(
        bytes.len() < 4 * 1024 * 1024,
        "the bomb is small on disk: {}",
        bytes.len()
    );
    let bomb = write(dir.path(), "bomb.docx", &bytes);
    assert_clean_failure(&pizhu(&["outline", &bomb]), "MB");
}

#[test]
fn empty_and_blank_files_are_empty_documents() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, bytes) in [("empty.txt", &b""[..]), ("blank.txt", b"  \n\n\t\r\n")] {
        let path = write(dir.path(), name, bytes);
        let o = pizhu(&["outline", &path, "--format", "json"]);
        assert!(o.status.success(), "{name}");
        let value: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(value["nodes"].as_array().map(Vec::len), Some(0));
        assert!(value["title"].is_null());
        let s = pizhu(&["stats", &path]);
        assert!(s.status.success());
    }
}

#[test]
fn corpus_gbk_file_reports_its_encoding() {
    let Some(c) = common::corpus() else { return };
    let path = c.join("reports/2026-gansu.gbk.txt");
    let o = pizhu(&["outline", &path.to_string_lossy(), "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(value["encoding"], "GB18030");
    assert_eq!(value["title"], "2026年甘肃省政府工作报告");
}

#[test]
fn export_writes_notes_to_stdout_or_a_file_and_fails_cleanly() {
    let data = tempfile::tempdir().expect("tempdir");
    let d = data.path().to_string_lossy().into_owned();
    let quote = "数字政府建设是一项系统工程";
    let o = pizhu(&[
        "--data-dir",
        &d,
        "highlight",
        &sample(),
        "--quote",
        quote,
        "--color",
        "pink",
        "--note",
        "开篇 #金句",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Markdown on stdout.
    let o = pizhu(&["--data-dir", &d, "export", &sample()]);
    assert!(o.status.success());
    let md = stdout(&o);
    assert!(md.starts_with("# 在全县数字政府建设推进会上的讲话"), "{md}");
    assert!(md.contains(&format!("> {quote}")), "{md}");
    // Filters: no green highlight, so nothing but the head.
    let o = pizhu(&[
        "--data-dir",
        &d,
        "export",
        &sample(),
        "--format",
        "txt",
        "--color",
        "green",
    ]);
    assert!(o.status.success());
    assert!(!stdout(&o).contains(quote));
    let o = pizhu(&[
        "--data-dir",
        &d,
        "export",
        &sample(),
        "--format",
        "csv",
        "--tag",
        "金句",
    ]);
    assert!(stdout(&o).starts_with('\u{feff}') && stdout(&o).contains(quote));
    // The outline alone.
    let o = pizhu(&["export", &sample(), "--outline", "--format", "md"]);
    assert!(stdout(&o).contains("一、坚持统筹谋划，夯实数字政府建设根基"));
    // Word needs a file; a file goes where asked.
    let o = pizhu(&["--data-dir", &d, "export", &sample(), "--format", "docx"]);
    assert_clean_failure(&o, "-o FILE.docx");
    let out = data.path().join("讲话-批注.docx");
    let o = pizhu(&[
        "--data-dir",
        &d,
        "export",
        &sample(),
        "--format",
        "docx",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&out).expect("written");
    assert!(bytes.starts_with(b"PK"));
    // A folder that cannot be written: one line, ending with the path, nothing left.
    let blocked = data.path().join("not-a-folder");
    std::fs::write(&blocked, "x").expect("file");
    let target = blocked.join("x.md");
    let o = pizhu(&[
        "--data-dir",
        &d,
        "export",
        &sample(),
        "-o",
        &target.to_string_lossy(),
    ]);
    assert_clean_failure(&o, "cannot write the export");
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .trim_end()
            .ends_with(&*target.to_string_lossy())
    );
    assert!(!target.exists());
}
