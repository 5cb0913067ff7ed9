//! `pizhu highlight` and `pizhu notes`, run as a user runs them, against a temporary data
//! folder.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::snapshot_dir;
use pizhu::Document;
use pizhu::store::annotations::fingerprint;

/// Run `pizhu` with `--data-dir DIR` after the subcommand's name.
fn pizhu(data_dir: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    let dir = data_dir.to_str().expect("UTF-8 temp path");
    all.insert(1, dir);
    all.insert(1, "--data-dir");
    Command::new(env!("CARGO_BIN_EXE_pizhu"))
        .args(&all)
        .env_remove("PIZHU_DATA_DIR")
        .output()
        .expect("pizhu runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "failed: {}", stderr(&o));
    stdout(&o)
}

/// A failure is one line on stderr that ends with `path`, exit code 1, no panic.
fn assert_one_line_failure(o: &Output, expect: &str, path: &Path) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "one line on stderr, got: {err}");
    assert!(err.starts_with("pizhu: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(expect), "{err:?} should mention {expect:?}");
    assert!(
        err.trim_end().ends_with(&*path.to_string_lossy()),
        "{err:?} should end with {}",
        path.display()
    );
}

/// The bundled sample, copied into `dir` (for tests that edit or move it).
fn copy_sample(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(common::sample(), &path).expect("copy the sample");
    path
}

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// `pizhu notes --format json`, parsed.
fn notes_json(data_dir: &Path, file: &Path) -> serde_json::Value {
    let out = ok(pizhu(data_dir, &["notes", s(file), "--format", "json"]));
    serde_json::from_str(&out).expect("valid JSON")
}

fn annotations(value: &serde_json::Value) -> &Vec<serde_json::Value> {
    value["annotations"].as_array().expect("annotations array")
}

/// Char offset of the `nth` (0-based) occurrence of `quote` in `text`.
fn char_offset(text: &str, quote: &str, nth: usize) -> u64 {
    let byte = text.match_indices(quote).nth(nth).expect("occurrence").0;
    text[..byte].chars().count() as u64
}

fn store_file(data_dir: &Path, doc_path: &Path) -> PathBuf {
    let doc = Document::open(doc_path).expect("opens");
    data_dir
        .join("annotations")
        .join(format!("{}.ron", fingerprint(&doc.text)))
}

#[test]
fn a_highlight_is_listed_under_its_section_path() {
    let data = tempfile::tempdir().expect("temp dir");
    let sample = common::sample();
    let out = ok(pizhu(
        data.path(),
        &[
            "highlight",
            s(&sample),
            "--quote",
            "一是全面清理",
            "--note",
            "先摸清家底 #重点",
            "--tag",
            "专项",
            "--tag",
            "#专项",
            "--tag",
            " ",
        ],
    ));
    assert_eq!(
        out,
        "highlighted 「一是全面清理」 (yellow) in 一、坚持统筹谋划，夯实数字政府建设根基 › \
         （二）把平台整合作为数字政府建设的关键环节 › 一是 全面清理\n"
    );
    let listing = ok(pizhu(data.path(), &["notes", s(&sample)]));
    let lines: Vec<&str> = listing.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            *l == "一、坚持统筹谋划，夯实数字政府建设根基 › （二）把平台整合作为数字政府建设的关键环节 › 一是 全面清理"
        })
        .unwrap_or_else(|| panic!("no section line in:\n{listing}"));
    assert_eq!(lines[at + 1], "  「一是全面清理」");
    assert!(
        lines[at + 2].starts_with("    yellow fill highlight · placed · chars "),
        "{listing}"
    );
    assert_eq!(lines[at + 3], "    note: 先摸清家底 #重点");
    // The tag field's tag once (the repeat and the blank dropped), then the note's hashtag.
    assert_eq!(lines[at + 4], "    tags: 专项, 重点");
    assert_eq!(lines[0], "在全县数字政府建设推进会上的讲话");
    assert_eq!(lines[1], "1 条批注 (1 annotations)");
}

#[test]
fn notes_as_json() {
    let data = tempfile::tempdir().expect("temp dir");
    let sample = common::sample();
    let file = s(&sample);
    for args in [
        &["--quote", "同志们"][..],
        &["--quote", "数字政府", "--nth", "3", "--color", "绿"],
        &[
            "--quote",
            "要坚持一是一、二是二的作风",
            "--color",
            "purple",
            "--note",
            "作风\n#金句",
            "--tag",
            "作风建设",
        ],
        &["--quote", "由县数据资源局牵头", "--color", "蓝色"],
    ] {
        let mut all = vec!["highlight", file];
        all.extend_from_slice(args);
        ok(pizhu(data.path(), &all));
    }
    let mut value = notes_json(data.path(), &sample);
    let text = std::fs::read_to_string(&sample).expect("sample");
    let doc = &value["document"];
    assert_eq!(doc["title"], "在全县数字政府建设推进会上的讲话");
    assert_eq!(doc["chars"].as_u64(), Some(text.chars().count() as u64));
    assert_eq!(
        doc["fingerprint"].as_str(),
        Some(fingerprint(&text).as_str())
    );
    assert_eq!(
        doc["path"].as_str().map(PathBuf::from),
        Some(sample.canonicalize().expect("canonical"))
    );
    assert!(
        doc["store"]
            .as_str()
            .is_some_and(|p| Path::new(p).starts_with(data.path()) && Path::new(p).exists())
    );
    let items = annotations(&value);
    assert_eq!(items.len(), 4);
    let mut ids = std::collections::BTreeSet::new();
    for a in items {
        let id: u64 = a["id"].as_str().expect("id string").parse().expect("id");
        assert!(ids.insert(id), "ids are unique");
        let (created, modified) = (a["created_ms"].as_i64(), a["modified_ms"].as_i64());
        assert!(created.is_some_and(|c| c > 1_700_000_000_000) && created <= modified);
        // Offsets are char offsets of the quote.
        let (start, end) = (a["start"].as_u64(), a["end"].as_u64());
        let quote = a["quote"].as_str().expect("quote");
        let chars: Vec<char> = text.chars().collect();
        let (start, end) = (start.expect("start") as usize, end.expect("end") as usize);
        assert_eq!(chars[start..end].iter().collect::<String>(), quote);
    }
    // Document order.
    let starts: Vec<u64> = items.iter().filter_map(|a| a["start"].as_u64()).collect();
    assert!(starts.is_sorted(), "{starts:?}");
    // Ids, times and paths differ from run to run.
    value["document"]["path"] = "[path]".into();
    value["document"]["store"] = "[store]".into();
    value["document"]["fingerprint"] = "[fingerprint]".into();
    for a in value["annotations"].as_array_mut().expect("array") {
        a["id"] = "[id]".into();
        a["created_ms"] = "[ms]".into();
        a["modified_ms"] = "[ms]".into();
        a["created"] = "[time]".into();
        a["modified"] = "[time]".into();
    }
    let redacted = serde_json::to_string_pretty(&value).expect("json");
    insta::assert_snapshot!("notes-json", redacted);
    insta::assert_snapshot!("notes-text", ok(pizhu(data.path(), &["notes", file])));
}

#[test]
fn nth_chooses_the_occurrence() {
    let data = tempfile::tempdir().expect("temp dir");
    let sample = common::sample();
    let text = std::fs::read_to_string(&sample).expect("sample");
    let count = text.matches("数字政府").count();
    assert!(count > 5);
    ok(pizhu(
        data.path(),
        &["highlight", s(&sample), "--quote", "数字政府"],
    ));
    let nth = count.to_string();
    ok(pizhu(
        data.path(),
        &[
            "highlight",
            s(&sample),
            "--quote",
            "数字政府",
            "--nth",
            &nth,
        ],
    ));
    let value = notes_json(data.path(), &sample);
    let starts: Vec<u64> = annotations(&value)
        .iter()
        .filter_map(|a| a["start"].as_u64())
        .collect();
    assert_eq!(
        starts,
        [
            char_offset(&text, "数字政府", 0),
            char_offset(&text, "数字政府", count - 1)
        ]
    );
    let past = (count + 1).to_string();
    let o = pizhu(
        data.path(),
        &[
            "highlight",
            s(&sample),
            "--quote",
            "数字政府",
            "--nth",
            &past,
        ],
    );
    assert_one_line_failure(
        &o,
        &format!("the quote occurs {count} times; --nth {past} is past the last"),
        &sample,
    );
    let o = pizhu(
        data.path(),
        &["highlight", s(&sample), "--quote", "附件1", "--nth", "2"],
    );
    assert_one_line_failure(
        &o,
        "the quote occurs once; --nth 2 is past the last",
        &sample,
    );
    // --nth counts from 1.
    let o = pizhu(
        data.path(),
        &["highlight", s(&sample), "--quote", "数字政府", "--nth", "0"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(annotations(&notes_json(data.path(), &sample)).len(), 2);
}

#[test]
fn a_quote_that_is_not_there_is_one_line_and_writes_nothing() {
    let data = tempfile::tempdir().expect("temp dir");
    let sample = common::sample();
    let o = pizhu(
        data.path(),
        &["highlight", s(&sample), "--quote", "这句话不在文中"],
    );
    assert_one_line_failure(&o, "the quote does not occur in the document", &sample);
    let o = pizhu(data.path(), &["highlight", s(&sample), "--quote", ""]);
    assert_one_line_failure(&o, "the quote is empty", &sample);
    assert!(
        snapshot_dir(data.path()).is_empty(),
        "nothing written on failure"
    );
    // A document that cannot be opened fails the same way.
    let missing = data.path().join("missing.txt");
    let o = pizhu(
        data.path(),
        &["highlight", s(&missing), "--quote", "同志们"],
    );
    assert_one_line_failure(&o, "cannot open document", &missing);
}

/// `pizhu notes` takes the same filter as `pizhu export` and the window's panel.
#[test]
fn notes_are_filtered_like_the_export() {
    let data = tempfile::tempdir().expect("temp dir");
    let sample = common::sample();
    let file = s(&sample);
    for args in [
        &["--quote", "同志们"][..],
        &["--quote", "数字政府", "--color", "green", "--note", "要点"],
        &[
            "--quote",
            "由县数据资源局牵头",
            "--color",
            "blue",
            "--tag",
            "Policy",
        ],
    ] {
        let mut all = vec!["highlight", file];
        all.extend_from_slice(args);
        ok(pizhu(data.path(), &all));
    }
    let quotes = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["notes", file, "--format", "json"];
        args.extend_from_slice(extra);
        let value: serde_json::Value =
            serde_json::from_str(&ok(pizhu(data.path(), &args))).expect("JSON");
        annotations(&value)
            .iter()
            .filter_map(|a| a["quote"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(quotes(&[]).len(), 3);
    assert_eq!(quotes(&["--color", "green"]), ["数字政府"]);
    assert_eq!(quotes(&["--notes-only"]), ["数字政府"]);
    assert_eq!(quotes(&["--tag", "#policy"]), ["由县数据资源局牵头"]);
    assert_eq!(quotes(&["--query", "同志"]), ["同志们"]);
    assert!(quotes(&["--color", "pink"]).is_empty());
    let text = ok(pizhu(data.path(), &["notes", file, "--query", "资源局"]));
    assert!(
        text.contains("1 条批注") && text.contains("由县数据资源局牵头"),
        "{text}"
    );
    assert!(!text.contains("同志们"), "{text}");
}

#[test]
fn a_bad_colour_is_a_usage_error_naming_the_five() {
    let data = tempfile::tempdir().expect("temp dir");
    let sample = common::sample();
    let o = pizhu(
        data.path(),
        &[
            "highlight",
            s(&sample),
            "--quote",
            "同志们",
            "--color",
            "red",
        ],
    );
    assert!(!o.status.success());
    assert_eq!(o.status.code(), Some(2), "clap's usage error");
    let err = stderr(&o);
    for name in ["yellow", "green", "blue", "pink", "purple"] {
        assert!(err.contains(name), "{err}");
    }
    assert!(snapshot_dir(data.path()).is_empty());
    // Chinese names work, with or without 色.
    for (name, expect) in [("粉", "pink"), ("紫色", "purple"), ("Blue", "blue")] {
        let out = ok(pizhu(
            data.path(),
            &[
                "highlight",
                s(&sample),
                "--quote",
                "同志们",
                "--color",
                name,
            ],
        ));
        assert!(out.contains(&format!("({expect})")), "{out}");
    }
}

#[test]
fn the_data_dir_comes_from_the_environment_and_may_precede_the_subcommand() {
    let data = tempfile::tempdir().expect("temp dir");
    let sample = common::sample();
    let o = Command::new(env!("CARGO_BIN_EXE_pizhu"))
        .args(["highlight", s(&sample), "--quote", "同志们"])
        .env("PIZHU_DATA_DIR", data.path())
        .output()
        .expect("pizhu runs");
    ok(o);
    assert!(store_file(data.path(), &sample).exists());
    // The global option before the subcommand's name reads the same store.
    let o = Command::new(env!("CARGO_BIN_EXE_pizhu"))
        .args(["--data-dir", s(data.path()), "notes", s(&sample)])
        .env_remove("PIZHU_DATA_DIR")
        .output()
        .expect("pizhu runs");
    assert!(ok(o).contains("「同志们」"));
    // A document before a subcommand is refused, not silently ignored.
    let o = Command::new(env!("CARGO_BIN_EXE_pizhu"))
        .args([s(&sample), "notes", s(&sample)])
        .env("PIZHU_DATA_DIR", data.path())
        .output()
        .expect("pizhu runs");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn notes_survive_renaming_the_document() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let first = copy_sample(dir.path(), "讲话.txt");
    ok(pizhu(
        &data,
        &["highlight", s(&first), "--quote", "第二，加强人才培养"],
    ));
    let moved = dir.path().join("moved").join("改名后.txt");
    std::fs::create_dir_all(moved.parent().expect("parent")).expect("mkdir");
    std::fs::rename(&first, &moved).expect("rename");
    let value = notes_json(&data, &moved);
    let items = annotations(&value);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["quote"], "第二，加强人才培养");
    assert_eq!(items[0]["state"], "placed");
    assert_eq!(items[0]["section"][0], "三、强化要素保障，激发数字发展活力");
}

#[test]
fn notes_follow_an_edited_document_by_its_path_and_re_anchor() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let file = copy_sample(dir.path(), "speech.txt");
    let quote = "让各级干部懂数据、用数据、善用数据";
    ok(pizhu(
        &data,
        &["highlight", s(&file), "--quote", quote, "--note", "培训"],
    ));
    let old_store = store_file(&data, &file);
    let before = std::fs::read_to_string(&file).expect("read");
    let edited = before
        .replacen(
            "（2026年3月12日）\n",
            "（2026年3月12日）\n（根据录音整理）\n",
            1,
        )
        .replacen("我讲四点意见。", "我讲四点意见，供大家参考。", 1);
    std::fs::write(&file, &edited).expect("edit");
    let value = notes_json(&data, &file);
    let items = annotations(&value);
    assert_eq!(items.len(), 1, "found through the recorded path");
    assert_eq!(items[0]["state"], "moved");
    assert_eq!(items[0]["quote"], quote);
    assert_eq!(items[0]["note"], "培训");
    assert_eq!(
        items[0]["start"].as_u64(),
        Some(char_offset(&edited, quote, 0))
    );
    assert!(old_store.exists(), "listing moves nothing");
    // The next highlight saves under the new text's fingerprint, keeping the first one.
    ok(pizhu(
        &data,
        &["highlight", s(&file), "--quote", "供大家参考"],
    ));
    let new_store = store_file(&data, &file);
    assert_ne!(new_store, old_store);
    assert!(new_store.exists());
    assert!(!old_store.exists(), "the old store was retired to backups");
    assert!(
        data.join("annotations/backups")
            .join(old_store.file_name().expect("name"))
            .exists()
    );
    let value = notes_json(&data, &file);
    let quotes: Vec<&str> = annotations(&value)
        .iter()
        .filter_map(|a| a["quote"].as_str())
        .collect();
    assert_eq!(quotes, ["供大家参考", quote]);
    assert!(annotations(&value).iter().all(|a| a["state"] == "placed"));
}

#[test]
fn a_highlight_whose_text_is_gone_is_listed_as_unplaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let file = copy_sample(dir.path(), "speech.txt");
    ok(pizhu(
        &data,
        &[
            "highlight",
            s(&file),
            "--quote",
            "第三，深化政企合作",
            "--note",
            "外包",
        ],
    ));
    ok(pizhu(&data, &["highlight", s(&file), "--quote", "同志们"]));
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("第三，深化政企合作。", "")).expect("edit");
    let listing = ok(pizhu(&data, &["notes", s(&file)]));
    let tail = listing
        .split("\n未能定位 (unplaced)\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no unplaced group:\n{listing}"));
    assert!(tail.starts_with("  「第三，深化政企合作」\n"), "{listing}");
    assert!(tail.contains("· unplaced · was at chars "), "{listing}");
    assert!(tail.contains("note: 外包"), "{listing}");
    assert!(
        listing.contains("2 条批注 (2 annotations)，1 条未能定位 (1 unplaced)"),
        "{listing}"
    );
    let value = notes_json(&data, &file);
    let lost: Vec<_> = annotations(&value)
        .iter()
        .filter(|a| a["state"] == "unplaced")
        .collect();
    assert_eq!(lost.len(), 1);
    // The export's record: no section, and `placed` false.
    assert_eq!(lost[0]["section"], serde_json::json!([]));
    assert_eq!(lost[0]["placed"], false);
}

#[test]
fn listing_never_writes_the_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let file = copy_sample(dir.path(), "speech.txt");
    // No store yet, no data folder: listing creates neither.
    let out = ok(pizhu(&data, &["notes", s(&file)]));
    assert!(out.contains("没有批注 (no annotations)"), "{out}");
    assert!(!data.exists());
    ok(pizhu(
        &data,
        &["highlight", s(&file), "--quote", "下面，我讲四点意见"],
    ));
    let before = snapshot_dir(&data);
    assert!(!before.is_empty());
    // An edit moves the highlight: listing places it but keeps the store as it was.
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, format!("前言。\n{text}")).expect("edit");
    let value = notes_json(&data, &file);
    assert_eq!(annotations(&value)[0]["state"], "moved");
    ok(pizhu(&data, &["notes", s(&file)]));
    assert_eq!(snapshot_dir(&data), before);
}

#[test]
fn a_damaged_store_is_reported_kept_aside_and_not_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let file = copy_sample(dir.path(), "speech.txt");
    let store = store_file(&data, &file);
    std::fs::create_dir_all(store.parent().expect("parent")).expect("mkdir");
    let garbage = "(version: 1, annotations: [ (id: 5, quote: \"半截";
    std::fs::write(&store, garbage).expect("write");
    let kept_1 = store.with_file_name(format!(
        "{}.damaged-1",
        store.file_name().expect("name").to_string_lossy()
    ));
    let kept_2 = store.with_file_name(format!(
        "{}.damaged-2",
        store.file_name().expect("name").to_string_lossy()
    ));

    // Listing only reads: it fails on one line, pointing at the backups, and leaves the
    // file where it is.
    let o = pizhu(&data, &["notes", s(&file)]);
    assert_one_line_failure(&o, "could not be read", &store);
    assert!(stderr(&o).contains("left as it is"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert_eq!(std::fs::read_to_string(&store).expect("untouched"), garbage);
    assert!(!kept_1.exists());

    // Highlighting over a damaged store saves nothing and says where the file went.
    let o = pizhu(&data, &["highlight", s(&file), "--quote", "同志们"]);
    assert_one_line_failure(&o, "nothing was saved", &kept_1);
    assert!(!store.exists(), "no new store over the damaged one");
    assert_eq!(std::fs::read_to_string(&kept_1).expect("kept"), garbage);

    // The next highlight starts a new store; a second damage is kept beside the first.
    ok(pizhu(&data, &["highlight", s(&file), "--quote", "同志们"]));
    assert!(store.exists());
    std::fs::write(&store, "not RON at all").expect("write");
    let o = pizhu(&data, &["highlight", s(&file), "--quote", "同志们"]);
    assert_one_line_failure(&o, "nothing was saved", &kept_2);
    assert_eq!(std::fs::read_to_string(&kept_1).expect("kept"), garbage);
    assert_eq!(
        std::fs::read_to_string(&kept_2).expect("kept"),
        "not RON at all"
    );
}

#[test]
fn an_unwritable_store_fails_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let sample = common::sample();
    // A folder where the store should be: never read, never replaced, even for root.
    let store = store_file(&data, &sample);
    std::fs::create_dir_all(&store).expect("mkdir");
    let o = pizhu(&data, &["highlight", s(&sample), "--quote", "同志们"]);
    assert_one_line_failure(&o, "nothing was saved", &store);
    assert!(stderr(&o).contains("it is a folder"), "{}", stderr(&o));
    assert!(store.is_dir());
    // A file where the data folder should be.
    let data = dir.path().join("file");
    std::fs::write(&data, "a file").expect("write");
    let o = pizhu(&data, &["highlight", s(&sample), "--quote", "同志们"]);
    assert_one_line_failure(&o, "nothing was saved", &store_file(&data, &sample));
}
