//! `pizhu highlight FILE --batch HIGHLIGHTS.jsonl` (issue 12), run as a user runs it: many
//! highlights in one load and one save, all or nothing, from a file or stdin, waiting for
//! another writer's lock.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{snapshot_dir, stderr, stdout};
use pizhu::Document;
use pizhu::store::annotations::{fingerprint, parse};

fn pizhu_cmd(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pizhu"));
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("PIZHU_DATA_DIR");
    command
}

fn pizhu(data_dir: &Path, args: &[&str]) -> Output {
    pizhu_cmd(data_dir, args).output().expect("pizhu runs")
}

/// Run with `input` on stdin.
fn pizhu_stdin(data_dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = pizhu_cmd(data_dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("output")
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "failed: {}", stderr(&o));
    stdout(&o)
}

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The annotations the store of `doc_path` holds: (quote, colour, note).
fn stored(data_dir: &Path, doc_path: &Path) -> Vec<pizhu::annotate::Annotation> {
    let doc = Document::open(doc_path).expect("opens");
    let store = data_dir
        .join("annotations")
        .join(format!("{}.ron", fingerprint(&doc.text)));
    let text = std::fs::read_to_string(&store).expect("the store");
    parse(&text).expect("parses").annotations
}

/// A batch file in `dir` holding `lines`.
fn batch_file(dir: &Path, lines: &[String]) -> PathBuf {
    let path = dir.join("highlights.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write the batch");
    path
}

#[test]
fn ten_thousand_highlights_in_one_call() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let doc = tmp.path().join("条例汇编.txt");
    let mut text = String::from("条例汇编\n");
    for n in 1..=10_000 {
        text.push_str(&format!(
            "第{n}条：关于第{n}项工作的具体要求，应当认真落实。\n"
        ));
    }
    std::fs::write(&doc, &text).expect("write the document");
    let colors = ["yellow", "绿", "blue", "粉", "purple"];
    let mut lines: Vec<String> = (1..=9_998)
        .map(|n| {
            let line = serde_json::json!({
                "quote": format!("第{n}条：关于第{n}项工作"),
                "color": colors[n % 5],
                "note": if n % 10 == 0 { format!("第{n}条要点 #重点") } else { String::new() },
                "tags": if n % 7 == 0 { vec!["七"] } else { vec![] },
                "mark": if n % 2 == 0 { "fill" } else { "underline" },
            });
            line.to_string()
        })
        .collect();
    // Two that repeat lines before them: not added twice.
    lines.push(lines[0].clone());
    lines.push(lines[4_999].clone());
    let batch = batch_file(tmp.path(), &lines);
    let start = Instant::now();
    let out = ok(pizhu(&data, &["highlight", s(&doc), "--batch", s(&batch)]));
    let took = start.elapsed();
    let _ = writeln!(
        std::io::stderr(),
        "10,000 batch lines in one call: {:.2} s (debug build)",
        took.as_secs_f64()
    );
    assert_eq!(out, "added 9,998 highlights (2 already there)\n");
    let items = stored(&data, &doc);
    assert_eq!(items.len(), 9_998);
    let underlined = items
        .iter()
        .filter(|a| a.mark == pizhu::annotate::Mark::Underline)
        .count();
    assert_eq!(underlined, 4_999);
    assert_eq!(items.iter().filter(|a| !a.note.is_empty()).count(), 999);
    // The same batch again adds nothing, and leaves the store as it was.
    let before = snapshot_dir(&data.join("annotations"));
    let again = ok(pizhu(&data, &["highlight", s(&doc), "--batch", s(&batch)]));
    assert_eq!(again, "added 0 highlights (10,000 already there)\n");
    assert_eq!(snapshot_dir(&data.join("annotations")), before);
}

#[test]
fn bad_lines_are_listed_and_nothing_is_saved() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let sample = common::sample();
    let lines = [
        r#"{"quote": "同志们"}"#,
        r#"{"quote": "数字政府", "nth": 99}"#,
        r#"{"quote": "不在文中的一句话"}"#,
        "",
        r#"{"quote": "同志们", "colour": "red"}"#,
        r#"{"quote": "同志们", "color": "red"}"#,
        r#"{"quote": "同志们""#,
    ]
    .map(str::to_owned);
    let batch = batch_file(tmp.path(), &lines);
    let o = pizhu(&data, &["highlight", s(&sample), "--batch", s(&batch)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    let got: Vec<&str> = err.lines().collect();
    assert_eq!(
        got,
        [
            "pizhu: line 2: the quote occurs 20 times; \"nth\" 99 is past the last",
            "pizhu: line 3: the quote does not occur in the document",
            "pizhu: line 5: not a highlight (unknown field `colour`, expected one of `quote`, \
             `nth`, `color`, `note`, `tags`, `mark`, column 25)",
            "pizhu: line 6: \"color\" \"red\": unknown colour; use one of yellow, green, blue, \
             pink, purple (or 黄, 绿, 蓝, 粉, 紫)",
            "pizhu: line 7: not a highlight (EOF while parsing an object, column 15)",
            &format!(
                "pizhu: 5 lines of 6 highlights could not be used; nothing was saved: {}",
                batch.display()
            ),
        ],
        "{err}"
    );
    assert!(snapshot_dir(&data).is_empty(), "nothing written");
}

#[test]
fn many_bad_lines_are_listed_up_to_twenty() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let sample = common::sample();
    let lines: Vec<String> = (0..25)
        .map(|i| format!("{{\"quote\": \"没有{i}\"}}"))
        .collect();
    let batch = batch_file(tmp.path(), &lines);
    let o = pizhu(&data, &["highlight", s(&sample), "--batch", s(&batch)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let got: Vec<&str> = err.lines().collect();
    assert_eq!(got.len(), 22, "{err}");
    assert_eq!(
        got[19],
        "pizhu: line 20: the quote does not occur in the document"
    );
    assert_eq!(got[20], "pizhu: … and 5 more bad lines");
    assert!(got[21].starts_with("pizhu: 25 lines of 25 highlights could not be used"));
    assert!(snapshot_dir(&data).is_empty());
}

#[test]
fn a_batch_on_stdin_and_its_listing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let sample = common::sample();
    let batch = "\u{FEFF}{\"quote\": \"数据不通，系统再多也是“孤岛”\", \"note\": \"比喻好 #金句\"}\r\n\
                 {\"quote\": \"数字政府\", \"nth\": 3, \"color\": \"绿\", \"tags\": [\"专项\", \"#专项\"]}\r\n\
                 \r\n\
                 {\"quote\": \"新建系统一律依托县政务云部署\", \"color\": \"blue\", \"mark\": \"underline\"}\n\
                 {\"quote\": \"要坚持一是一、二是二的作风\", \"color\": \"紫\", \"note\": \"作风\\n#金句\", \"mark\": \"下划线\"}\n";
    let out = ok(pizhu_stdin(
        &data,
        &["highlight", s(&sample), "--batch", "-"],
        batch.as_bytes(),
    ));
    assert_eq!(out, "added 4 highlights\n");
    let listing = ok(pizhu(&data, &["notes", s(&sample)]));
    insta::assert_snapshot!("batch-notes-listing", listing);
    // A bad line on stdin is named by its line; the batch as `<stdin>`.
    let o = pizhu_stdin(
        &data,
        &["highlight", s(&sample), "--batch", "-"],
        b"{\"quote\": \"\"}\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "pizhu: line 1: the quote is empty\n\
         pizhu: 1 line of 1 highlight could not be used; nothing was saved: <stdin>\n"
    );
}

#[test]
fn a_fifo_folder_or_missing_file_is_refused_without_waiting() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let sample = common::sample();
    let fifo = tmp.path().join("batch.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let start = Instant::now();
    let o = pizhu(&data, &["highlight", s(&sample), "--batch", s(&fifo)]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "waited on the FIFO"
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!(
            "pizhu: cannot read the batch of highlights (it is a named pipe (FIFO), not a \
             regular file): {}\n",
            fifo.display()
        )
    );
    let o = pizhu(&data, &["highlight", s(&sample), "--batch", s(tmp.path())]);
    assert!(
        stderr(&o).contains("it is a folder, not a regular file"),
        "{}",
        stderr(&o)
    );
    let missing = tmp.path().join("missing.jsonl");
    let o = pizhu(&data, &["highlight", s(&sample), "--batch", s(&missing)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).trim_end().ends_with(s(&missing)),
        "{}",
        stderr(&o)
    );
    assert!(snapshot_dir(&data).is_empty());
    // An empty batch adds nothing and writes nothing.
    let empty = batch_file(tmp.path(), &[String::new()]);
    let out = ok(pizhu(
        &data,
        &["highlight", s(&sample), "--batch", s(&empty)],
    ));
    assert_eq!(out, "the batch holds no highlights; nothing was added\n");
    assert!(snapshot_dir(&data).is_empty());
}

#[test]
fn batch_and_quote_do_not_mix() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let sample = common::sample();
    for args in [
        &[
            "highlight",
            s(&sample),
            "--batch",
            "x.jsonl",
            "--quote",
            "同志们",
        ][..],
        &[
            "highlight",
            s(&sample),
            "--batch",
            "x.jsonl",
            "--color",
            "green",
        ],
        &["highlight", s(&sample)],
    ] {
        let o = pizhu(tmp.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn a_batch_waits_for_another_writers_lock_and_keeps_what_it_wrote() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let other = tmp.path().join("other");
    let sample = common::sample();
    // The store exists, with one highlight.
    ok(pizhu(
        &data,
        &["highlight", s(&sample), "--quote", "同志们"],
    ));
    // What another writer will have saved meanwhile: the same store with another highlight.
    let name = stored_name(&sample);
    std::fs::create_dir_all(other.join("annotations")).expect("mkdir");
    std::fs::copy(
        data.join("annotations").join(&name),
        other.join("annotations").join(&name),
    )
    .expect("copy the store");
    ok(pizhu(
        &other,
        &["highlight", s(&sample), "--quote", "一是全面清理"],
    ));
    let theirs = std::fs::read(other.join("annotations").join(&name)).expect("their store");

    // The other writer holds the lock (on the notes folder, as every writer takes it).
    let folder = std::fs::File::open(data.join("annotations")).expect("the notes folder");
    folder.lock().expect("lock");
    let batch = batch_file(
        tmp.path(),
        &[
            r#"{"quote": "数据不通，系统再多也是“孤岛”"}"#.to_owned(),
            r#"{"quote": "新建系统一律依托县政务云部署", "color": "green"}"#.to_owned(),
        ],
    );
    let mut child = pizhu_cmd(&data, &["highlight", s(&sample), "--batch", s(&batch)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().expect("poll").is_none(),
        "the batch waits while the lock is held"
    );
    // The other writer replaces the store, as a save does, then lets go.
    let staged = data.join("annotations").join("staged.tmp");
    std::fs::write(&staged, &theirs).expect("stage");
    std::fs::rename(&staged, data.join("annotations").join(&name)).expect("replace");
    drop(folder);
    let out = child.wait_with_output().expect("output");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "added 2 highlights\n");
    let mut quotes: Vec<String> = stored(&data, &sample)
        .into_iter()
        .map(|a| a.quote)
        .collect();
    quotes.sort();
    assert_eq!(
        quotes,
        [
            "一是全面清理",
            "同志们",
            "数据不通，系统再多也是“孤岛”",
            "新建系统一律依托县政务云部署"
        ],
        "the other writer's highlight and the batch's are all kept"
    );
}

/// The store file's name of `doc_path`.
fn stored_name(doc_path: &Path) -> String {
    let doc = Document::open(doc_path).expect("opens");
    format!("{}.ron", fingerprint(&doc.text))
}
