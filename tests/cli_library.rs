//! `pizhu library`, `pizhu notes --all` and `pizhu export --all` (issue 12), run as a user
//! runs them on a data folder of three documents made with `pizhu highlight --batch`: golden
//! listings and exports, each filter, the data folder unchanged by every one of them, and a
//! damaged notes file among the others.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{stderr, stdout};
use pizhu::Document;

/// 2026-03-01 09:00 UTC, in ms since 1970.
const BASE_MS: i64 = 1_772_355_600_000;
const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

const POLICY: &str = "# 关于基层减负的讲话\n\n同志们：开场先讲一句减负的话。\n\n\
                      ## 一、总体要求\n\n### （一）指导思想\n\n坚持问题导向，切实为基层减负。\n\n\
                      ### （二）基本原则\n\n坚持实事求是，力戒形式主义。\n\n\
                      ## 二、重点任务\n\n精简文件会议，减少督查检查。\n";
const JOTTING: &str = "随手记下的一段话，没有标题也没有章节。\n第二行也是随手记的。\n";

/// `pizhu ARGS --data-dir DATA` in UTC.
fn pizhu(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pizhu"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("PIZHU_DATA_DIR")
        .env("TZ", "UTC")
        .output()
        .expect("pizhu runs")
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "failed: {}", stderr(&o));
    assert_eq!(stderr(&o), "", "no warnings");
    stdout(&o)
}

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// A data folder with the notes of three documents, their times fixed.
struct Fixture {
    tmp: tempfile::TempDir,
    data: PathBuf,
    /// The speech (the bundled sample), the policy (Markdown), the jotting.
    docs: [PathBuf; 3],
}

fn store_of(data: &Path, doc: &Path) -> PathBuf {
    let doc = Document::open(doc).expect("opens");
    data.join("annotations").join(format!(
        "{}.ron",
        pizhu::store::annotations::fingerprint(&doc.text)
    ))
}

/// Replace every `key: <digits>` in `text`, in order, by what `value` gives for its index.
fn renumber(text: &str, key: &str, value: impl Fn(usize) -> i64) -> String {
    let re = regex::Regex::new(&format!(r"{key}: (Some\()?\d+")).expect("regex");
    let mut n = 0;
    re.replace_all(text, |c: &regex::Captures| {
        let some = if c.get(1).is_some() { "Some(" } else { "" };
        let v = value(n);
        n += 1;
        format!("{key}: {some}{v}")
    })
    .into_owned()
}

fn batch(tmp: &Path, name: &str, lines: &[&str]) -> PathBuf {
    let path = tmp.join(name);
    std::fs::write(&path, lines.join("\n")).expect("batch");
    path
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let dir = tmp.path().join("docs");
    std::fs::create_dir(&dir).expect("mkdir");
    let speech = dir.join("speech.txt");
    std::fs::copy(common::sample(), &speech).expect("copy");
    let policy = dir.join("减负.md");
    std::fs::write(&policy, POLICY).expect("write");
    let jotting = dir.join("随记.txt");
    std::fs::write(&jotting, JOTTING).expect("write");
    let batches: [(&Path, Vec<&str>); 3] = [
        (
            &speech,
            vec![
                r#"{"quote": "数据不通，系统再多也是“孤岛”", "note": "比喻好 #金句"}"#,
                r#"{"quote": "新建系统一律依托县政务云部署", "color": "green", "mark": "underline", "tags": ["落实"]}"#,
                r#"{"quote": "让各级干部懂数据、用数据、善用数据", "color": "紫", "note": "人才 #金句 #减负"}"#,
                r#"{"quote": "同志们", "color": "blue"}"#,
            ],
        ),
        (
            &policy,
            vec![
                r#"{"quote": "切实为基层减负", "color": "pink", "note": "减负 #基层"}"#,
                r#"{"quote": "力戒形式主义", "tags": ["作风"]}"#,
                r#"{"quote": "减少督查检查", "color": "blue", "note": "督查 #减负"}"#,
            ],
        ),
        (
            &jotting,
            vec![r#"{"quote": "没有标题", "color": "purple"}"#],
        ),
    ];
    for (i, (doc, lines)) in batches.iter().enumerate() {
        let file = batch(tmp.path(), &format!("batch{i}.jsonl"), lines);
        ok(pizhu(&data, &["highlight", s(doc), "--batch", s(&file)]));
    }
    // Fixed times: document d's annotations on day d, an hour apart in document order.
    for (d, (doc, _)) in batches.iter().enumerate() {
        let store = store_of(&data, doc);
        let text = std::fs::read_to_string(&store).expect("store");
        let at = |k: usize| BASE_MS + d as i64 * DAY_MS + k as i64 * HOUR_MS;
        let text = renumber(&text, "created_ms", at);
        let mut text = renumber(&text, "modified_ms", at);
        if d == 0 {
            // Read a quarter of the way.
            text = text.replace("position: None", "position: Some(709)");
        }
        std::fs::write(&store, text).expect("write the store");
    }
    let library = data.join("library.ron");
    let text = std::fs::read_to_string(&library).expect("library.ron");
    let text = renumber(&text, "added_ms", |k| BASE_MS - DAY_MS + k as i64 * HOUR_MS);
    let text = renumber(&text, "last_read_ms", |k| {
        BASE_MS + 10 * DAY_MS + k as i64 * HOUR_MS
    });
    std::fs::write(&library, text).expect("write the library");
    Fixture {
        data,
        docs: [speech, policy, jotting],
        tmp,
    }
}

impl Fixture {
    fn run(&self, args: &[&str]) -> Output {
        pizhu(&self.data, args)
    }

    /// Output with the temporary folder's path written `[tmp]`.
    fn redact(&self, text: &str) -> String {
        text.replace(s(self.tmp.path()), "[tmp]")
    }

    fn ok(&self, args: &[&str]) -> String {
        self.redact(&ok(self.run(args)))
    }
}

/// Every file under `dir` with its bytes, length and modification time.
fn state(dir: &Path) -> Vec<(PathBuf, Vec<u8>, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        let meta = std::fs::symlink_metadata(&path).expect("meta");
        if meta.is_dir() {
            out.extend(state(&path));
        } else {
            let bytes = std::fs::read(&path).expect("read");
            out.push((path, bytes, meta.len(), meta.modified().expect("mtime")));
        }
    }
    out.sort();
    out
}

/// JSON with ids (random) replaced.
fn without_ids(text: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(text).expect("JSON");
    if let Some(items) = value["annotations"].as_array_mut() {
        for a in items {
            a["id"] = "[id]".into();
        }
    }
    serde_json::to_string_pretty(&value).expect("JSON") + "\n"
}

#[test]
fn the_library_lists_every_document_with_its_notes() {
    let f = fixture();
    insta::assert_snapshot!("library-text", f.ok(&["library"]));
    let json = f.ok(&["library", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let docs = value["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0]["progress"], 25.0);
    assert_eq!(docs[1]["format"], "md");
    insta::assert_snapshot!("library-json", json);
}

#[test]
fn notes_all_with_each_filter() {
    let f = fixture();
    let json = f.ok(&["notes", "--all", "--format", "json"]);
    insta::assert_snapshot!("notes-all-json", without_ids(&json));
    let mut listings = String::new();
    for args in [
        &[][..],
        &["--tag", "金句"],
        &["--tag", "#作风", "--tag", "落实"],
        &["--color", "blue", "--color", "粉"],
        &["--search", "减负"],
        &["--query", "督查"],
        &["--doc", "减负"],
        &["--doc", "SPEECH.TXT"],
        &["--notes-only"],
        &["--from", "2026-03-02"],
        &["--to", "2026-03-01"],
        &["--from", "2026-03-02", "--to", "2026-03-02"],
        &["--tag", "金句", "--color", "purple", "--notes-only"],
        &["--search", "不在任何批注里"],
    ] {
        let mut all = vec!["notes", "--all"];
        all.extend_from_slice(args);
        listings.push_str(&format!("$ pizhu {}\n", all.join(" ")));
        listings.push_str(&f.ok(&all));
        listings.push('\n');
    }
    insta::assert_snapshot!("notes-all-filters", listings);
}

#[test]
fn export_all_in_every_format() {
    let f = fixture();
    let exported = regex::Regex::new(r"导出时间：\d{4}-\d\d-\d\d \d\d:\d\d").expect("regex");
    let md = f.ok(&["export", "--all", "--format", "md"]);
    insta::assert_snapshot!("export-all-md", exported.replace(&md, "导出时间：[now]"));
    let csv = f.ok(&[
        "export", "--all", "--format", "csv", "--tag", "金句", "--tag", "减负",
    ]);
    // The last column is the (random) id, written `="…"` so spreadsheets keep it as text.
    let ids = regex::Regex::new(r#"(?m),"=""\d+"""(\r?)$"#).expect("regex");
    let csv = ids.replace_all(csv.trim_start_matches('\u{FEFF}'), ",[id]$1");
    insta::assert_snapshot!("export-all-csv", csv);
    let json = f.ok(&[
        "export",
        "--all",
        "--format",
        "json",
        "--newest",
        "--english",
    ]);
    let mut value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(value["grouped"], false);
    value["exported_at"] = "[now]".into();
    insta::assert_snapshot!(
        "export-all-json",
        without_ids(&serde_json::to_string(&value).expect("JSON"))
    );

    // Word: to a file only, read back by Pizhu's own reader.
    let out = f.tmp.path().join("金句库.docx");
    let o = f.run(&["export", "--all", "--format", "docx", "--doc", "减负"]);
    assert_eq!(o.status.code(), Some(1), "docx needs -o");
    let o = f.run(&[
        "export",
        "--all",
        "--format",
        "docx",
        "--doc",
        "减负",
        "-o",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!("pizhu: exported 3 annotations to {}\n", out.display())
    );
    let doc = Document::open(&out).expect("the export opens");
    assert_eq!(doc.line_text(&doc.lines[0]), "金句库");
    for quote in ["切实为基层减负", "力戒形式主义", "减少督查检查"] {
        assert!(doc.text.contains(quote), "{quote}");
    }
    assert!(!doc.text.contains("孤岛"), "only the chosen document");
    assert!(doc.text.contains("筛选：文档：《减负》"), "{}", doc.text);
    // Never over a document or a notes file.
    let store = store_of(&f.data, &f.docs[1]);
    let before = std::fs::read(&store).expect("store");
    let o = f.run(&["export", "--all", "-o", s(&store)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("which would be lost"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&store).expect("store"), before);
}

#[test]
fn read_only_commands_change_nothing_in_the_data_folder() {
    let f = fixture();
    // A damaged notes file too: read-only commands neither keep it aside nor rebuild.
    let jotting = store_of(&f.data, &f.docs[2]);
    std::fs::write(&jotting, "(damaged").expect("damage");
    let before = state(&f.data);
    let out = f.tmp.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    for args in [
        &["library"][..],
        &["library", "--format", "json"],
        &["notes", "--all"],
        &["notes", "--all", "--format", "json", "--tag", "金句"],
        &["export", "--all"],
        &[
            "export",
            "--all",
            "--format",
            "docx",
            "-o",
            s(&out.join("a.docx")),
        ],
        &["notes", s(&f.docs[0])],
        &["export", s(&f.docs[0]), "--format", "csv"],
    ] {
        let o = f.run(args);
        assert!(!stderr(&o).contains("panicked"), "{args:?}");
        assert_eq!(state(&f.data), before, "{args:?} changed the data folder");
    }
    assert!(!f.data.join("library.index").exists());
}

#[test]
fn a_damaged_notes_file_among_many() {
    let f = fixture();
    // A second save of the policy's notes, so that a backup of it exists.
    ok(f.run(&["highlight", s(&f.docs[1]), "--quote", "精简文件会议"]));
    let store = store_of(&f.data, &f.docs[1]);
    std::fs::write(&store, "(this is not a store").expect("damage");
    let backup = f.data.join("annotations/backups").join(format!(
        "{}.1.ron",
        store.file_stem().and_then(|n| n.to_str()).expect("name")
    ));
    assert!(backup.exists());

    // The listing goes on with the others, one warning line naming the file and its backup.
    let o = f.run(&["notes", "--all"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("pizhu: warning: "), "{err}");
    assert!(err.contains(s(&store)), "{err}");
    assert!(
        err.contains("its newest backup that can be read ("),
        "{err}"
    );
    assert!(err.contains(s(&backup)), "{err}");
    assert!(
        err.contains(&format!("`pizhu restore {}`", f.docs[1].display())),
        "{err}"
    );
    let listing = stdout(&o);
    assert!(
        listing.contains("孤岛") && listing.contains("没有标题"),
        "{listing}"
    );
    assert!(!listing.contains("督查"), "{listing}");

    // The library lists all three; the damaged one says its notes could not be read.
    let o = f.run(&["library"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
    assert!(stdout(&o).contains("its notes file could not be read (see above)"));
    let o = f.run(&["library", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(value["documents"][1]["notes_readable"], false);
    assert_eq!(value["documents"][1]["highlights"], serde_json::Value::Null);

    // The export would miss its notes: it fails and writes nothing.
    let out = f.tmp.path().join("金句库.md");
    let o = f.run(&["export", "--all", "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].contains(s(&store)) && lines[0].contains(s(&backup)),
        "{err}"
    );
    assert!(
        lines[1]
            .starts_with("pizhu: 1 notes file could not be read (see above); nothing was exported"),
        "{err}"
    );
    assert!(!out.exists());
    let o = f.run(&["export", "--all"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");

    // Nothing readable at all: the listing fails.
    for doc in [&f.docs[0], &f.docs[2]] {
        std::fs::write(store_of(&f.data, doc), "(").expect("damage");
    }
    let o = f.run(&["notes", "--all"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .lines()
            .last()
            .is_some_and(|l| l.contains("no notes file could be read"))
    );
    // The library file itself is still read.
    assert!(f.run(&["library"]).status.success());
}

#[test]
fn a_moved_document_is_flagged_missing() {
    let f = fixture();
    std::fs::rename(&f.docs[2], f.tmp.path().join("elsewhere.txt")).expect("move");
    let library = f.ok(&["library"]);
    assert!(
        library.contains("  txt · missing · [tmp]/docs/随记.txt"),
        "{library}"
    );
    let notes = f.ok(&["notes", "--all", "--doc", "随记"]);
    assert_eq!(
        notes.lines().nth(2),
        Some("《随记.txt》 [tmp]/docs/随记.txt (missing)"),
        "{notes}"
    );
}

#[test]
fn usage_errors() {
    let f = fixture();
    let speech = s(&f.docs[0]);
    for args in [
        &["notes", "--all", speech][..],
        &["notes"],
        &["export"],
        &["export", "--all", "--outline"],
        &["export", "--all", "--annotated"],
        &["notes", speech, "--doc", "x"],
        &["export", speech, "--newest"],
        &["notes", "--all", "--from", "2026-13-01"],
        &["notes", "--all", "--from", "2026-3-1"],
        &["notes", "--all", "--to", "yesterday"],
    ] {
        let o = f.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let o = f.run(&[
        "notes",
        "--all",
        "--from",
        "2026-03-05",
        "--to",
        "2026-03-01",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!(
            "pizhu: --from 2026-03-05 is after --to 2026-03-01; no day is in between: {}\n",
            f.data.display()
        )
    );
    let _ = writeln!(std::io::stderr(), "usage errors checked");
}
