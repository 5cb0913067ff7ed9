//! `pizhu outline` with the reader's corrections and outline rules, through the built
//! binary: a store holding corrections is shown (read only: the store's bytes and time
//! stay), `--no-corrections` gives the engine's view, rules from `rules.ron` apply, a
//! `rules.ron` that does not parse is one line on stderr naming it and a failure (the file
//! is left as it is).

use std::path::Path;
use std::process::{Command, Output};

use pizhu::annotate::corrections::{Correction, CorrectionEdit};
use pizhu::document::Document;
use pizhu::outline::corrections::Change;
use pizhu::store::annotations::DocStore;

const TEXT: &str = "关于做好某项工作的通知\n\n一、总体要求\n\n做好工作意义重大。\n\n（一）指导思想\n\n坚持稳中求进。\n\n二、主要任务\n\n加强组织领导\n\n各地要高度重视。\n\n三、保障措施\n\n抓好落实。\n";

fn run(args: &[&str], config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pizhu"))
        .args(args)
        .env_remove("PIZHU_DATA_DIR")
        .env("PIZHU_CONFIG_DIR", config)
        .output()
        .expect("pizhu runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A document and a store with two corrections: `加强组织领导` made a heading at level 2,
/// `三、保障措施` demoted. Returns the document's path and the store file.
fn corrected_document(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let path = dir.join("通知.txt");
    std::fs::write(&path, TEXT).expect("test setup");
    let doc = Document::open(&path).expect("test setup");
    let line = |starts: &str| {
        doc.lines
            .iter()
            .position(|l| doc.line_text(l).starts_with(starts))
            .expect("test setup")
    };
    let data = dir.join("data");
    let mut loaded = DocStore::load(&data, &doc, Some(&path), "通知");
    let heading = Change::Heading {
        level: Some(2),
        title: None,
    };
    let edits = vec![
        CorrectionEdit::Put(
            Correction::on_line(&doc, line("加强"), heading, 1_000).expect("test setup"),
        ),
        CorrectionEdit::Put(
            Correction::on_line(&doc, line("三、"), Change::Shift(1), 2_000).expect("test setup"),
        ),
    ];
    loaded.annotations.correct(edits, 3_000);
    loaded
        .store
        .save(&mut loaded.annotations, None)
        .expect("test setup");
    (path, loaded.store.path().to_owned())
}

#[test]
fn outline_shows_the_corrections_and_never_writes_the_store() {
    let dir = tempfile::tempdir().expect("test setup");
    let config = dir.path().join("config");
    let (path, store) = corrected_document(dir.path());
    let data = dir.path().join("data");
    let before = std::fs::read(&store).expect("test setup");
    let mtime = std::fs::metadata(&store)
        .expect("test setup")
        .modified()
        .expect("test setup");
    let listing = pizhu_snapshot(&data);
    let args = |extra: &[&'static str]| {
        let mut v = vec![
            "outline".to_owned(),
            path.display().to_string(),
            "--data-dir".to_owned(),
            data.display().to_string(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let corrected = run(&strs(&args(&[])), &config);
    assert!(corrected.status.success(), "{}", stderr(&corrected));
    let text = stdout(&corrected);
    assert!(text.contains("加强组织领导"), "{text}");
    let engine = run(&strs(&args(&["--no-corrections"])), &config);
    assert!(engine.status.success(), "{}", stderr(&engine));
    let plain = stdout(&engine);
    assert!(!plain.contains("加强组织领导"), "{plain}");
    // The corrected tree: the new heading under 二、, 三、 demoted under it too.
    let depth = |out: &str, title: &str| {
        out.lines()
            .find(|l| l.contains(title))
            .map(|l| l.len() - l.trim_start().len())
            .unwrap_or_else(|| panic!("{title} in {out}"))
    };
    assert_eq!(depth(&text, "加强组织领导"), depth(&text, "（一）指导思想"));
    assert_eq!(depth(&text, "三、保障措施"), depth(&text, "（一）指导思想"));
    assert_eq!(depth(&plain, "三、保障措施"), depth(&plain, "一、总体要求"));
    // JSON too.
    let json = run(&strs(&args(&["--format", "json"])), &config);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("test setup");
    let titles: Vec<&str> = value["nodes"]
        .as_array()
        .expect("test setup")
        .iter()
        .filter_map(|n| n["title"].as_str())
        .collect();
    assert!(titles.contains(&"加强组织领导"), "{titles:?}");
    // The 提纲 export takes the corrected outline too.
    let export = run(
        &[
            "export",
            &path.display().to_string(),
            "--outline",
            "--format",
            "txt",
            "--data-dir",
            &data.display().to_string(),
        ],
        &config,
    );
    assert!(export.status.success(), "{}", stderr(&export));
    assert!(
        stdout(&export).contains("加强组织领导"),
        "{}",
        stdout(&export)
    );
    // Read only: the store's bytes, its time and the folder are as they were.
    assert_eq!(std::fs::read(&store).expect("test setup"), before);
    assert_eq!(
        std::fs::metadata(&store)
            .expect("test setup")
            .modified()
            .expect("test setup"),
        mtime
    );
    assert_eq!(pizhu_snapshot(&data), listing);
}

#[test]
fn rules_apply_and_no_corrections_skips_them_and_a_bad_rules_file_is_named() {
    let dir = tempfile::tempdir().expect("test setup");
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).expect("test setup");
    let path = dir.path().join("通知.txt");
    std::fs::write(&path, TEXT).expect("test setup");
    let empty = dir.path().join("data");
    let rules = config.join("rules.ron");
    std::fs::write(
        &rules,
        "(version: 1, rules: [(name: \"加强\", pattern: \"^加强\", level: Some(2)), (name: \"三\", pattern: \"^三、\", kind: NotHeading)])",
    )
    .expect("test setup");
    let base = [
        "outline".to_owned(),
        path.display().to_string(),
        "--data-dir".to_owned(),
        empty.display().to_string(),
    ];
    let out = run(&strs(&base), &config);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("加强组织领导"), "{text}");
    assert!(!text.contains("三、保障措施"), "{text}");
    let mut engine = base.to_vec();
    engine.push("--no-corrections".into());
    let plain = stdout(&run(&strs(&engine), &config));
    assert!(
        plain.contains("三、保障措施") && !plain.contains("加强组织领导"),
        "{plain}"
    );
    // A rules file that does not parse: one line naming it, a failure, the file untouched.
    std::fs::write(&rules, "(rules: [(name: ").expect("test setup");
    let bad = run(&strs(&base), &config);
    assert!(!bad.status.success());
    let err = stderr(&bad);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("rules.ron") && err.contains("does not parse"),
        "{err}"
    );
    assert!(bad.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&rules).expect("test setup"),
        "(rules: [(name: "
    );
    // The engine's view does not read the rules at all.
    assert!(run(&strs(&engine), &config).status.success());
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Every file under `dir` (sorted) with its bytes.
fn pizhu_snapshot(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("test setup").flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(pizhu_snapshot(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).expect("test setup")));
        }
    }
    out.sort();
    out
}
