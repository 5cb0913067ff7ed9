//! What the command line prints, when the document or the notes are hostile (issue 10):
//! escape sequences are shown, not obeyed, on a terminal and passed on exactly to pipes;
//! Markdown never carries live HTML; listing, merging and removing many notes stays fast.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use pizhu::annotate::{Annotation, AnnotationSet, Color, Edit};
use pizhu::document::{Document, SourceFormat, TextRange};
use pizhu::export::notes_text;
use pizhu::outline::outline;

const BODY: &str =
    "这是一段足够长的正文内容，用来说明前后都是正文段落，而不是标题或者其他的东西。\n";

/// An OSC that retitles the window, one that writes a hyperlink, SGR colours, a C1 CSI,
/// DEL and a bell: what a document or a note may carry. (A heading's title ends at `;`, so
/// headings carry the SGR kind.)
const RETITLE: &str = "\x1b]0;pwned\x07";
const LINK: &str = "\x1b]8;;https://evil.example/\x07点我\x1b]8;;\x07";

/// A document with control sequences in its title, a heading, a point and the body (spread
/// out, as in a real file: a head dense with controls reads as binary).
fn hostile_document() -> String {
    let mut s = format!("关于测试的讲话{RETITLE}\n");
    s.push_str(&BODY.repeat(20));
    s.push_str("一、总体\x1b[31m要求\n");
    s.push_str("正文\x1b[31m红色\x1b[0m字。一是\x1b[2J清屏。二是\u{9b}31m八位\x7f控制。\n");
    s.push_str(&format!("二、重点\n链接{LINK}。\n"));
    s.push_str(&BODY.repeat(20));
    s
}

struct Setup {
    _dir: tempfile::TempDir,
    doc: PathBuf,
    data: PathBuf,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let doc = dir.path().join("hostile.txt");
        std::fs::write(&doc, hostile_document()).expect("document");
        let data = dir.path().join("data");
        let setup = Setup {
            _dir: dir,
            doc,
            data,
        };
        // A highlight whose note and tag hold escapes (written through a pipe).
        let o = setup.piped(&[
            "highlight",
            setup.doc(),
            "--quote",
            "\x1b[31m红色",
            "--note",
            &format!("笔记{LINK}\n第二行\x1b]0;x\x07"),
            "--tag",
            "\x1b[2J",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        setup
    }

    fn doc(&self) -> &str {
        self.doc.to_str().expect("UTF-8 path")
    }

    /// `pizhu ARGS` with stdout and stderr going to pipes.
    fn piped(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pizhu"))
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("pizhu runs")
    }

    /// `pizhu ARGS` on a pseudo-terminal (stdout and stderr both), as `script` records it.
    fn on_terminal(&self, args: &[&str]) -> Vec<u8> {
        let data = self.data.to_str().expect("UTF-8 path");
        let mut words = vec![env!("CARGO_BIN_EXE_pizhu"), "--data-dir", data];
        words.extend_from_slice(args);
        on_terminal(&words)
    }
}

/// Quote `s` for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Whether util-linux `script` is here to run a command on a pseudo-terminal.
fn have_script() -> bool {
    let ok = Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have util-linux `script`"
        );
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "skipped: `script` is not available");
    }
    ok
}

/// Run `words` (program and arguments) under `script -qec … /dev/null`: everything the
/// program writes to the terminal, as a terminal would receive it.
fn on_terminal(words: &[&str]) -> Vec<u8> {
    let command: Vec<String> = words.iter().map(|w| sh_quote(w)).collect();
    let o = Command::new("script")
        .arg("-qec")
        .arg(command.join(" "))
        .arg("/dev/null")
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    o.stdout
}

/// The control characters in `bytes` (decoded as UTF-8) other than line ends and tabs.
fn controls(bytes: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(bytes)
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

#[test]
#[cfg(target_os = "linux")]
fn escape_sequences_from_documents_and_notes_are_shown_not_obeyed_on_a_terminal() {
    if !have_script() {
        return;
    }
    let s = Setup::new();
    let doc = s.doc();
    let out_dir = tempfile::tempdir().expect("temp dir");
    let docx = out_dir.path().join("x.docx");
    // (arguments, whether a control of the document or the notes shows as text: JSON has
    // its own escapes for C0, and `-o` prints only where the file went).
    let runs: Vec<(Vec<&str>, bool)> = vec![
        (vec!["outline", doc], true),
        (vec!["outline", doc, "--format", "markdown"], true),
        (vec!["outline", doc, "--format", "json"], false),
        (vec!["stats", doc], true),
        (vec!["stats", doc, "--format", "json"], false),
        (vec!["notes", doc], true),
        (vec!["notes", doc, "--format", "json"], false),
        (vec!["export", doc, "--format", "txt"], true),
        (vec!["export", doc, "--format", "md"], true),
        (vec!["export", doc, "--format", "csv"], true),
        (vec!["export", doc, "--format", "json"], false),
        // HTML drops the controls XML refuses.
        (vec!["export", doc, "--format", "html"], false),
        (vec!["export", doc, "--outline", "--format", "txt"], true),
        (vec!["highlight", doc, "--quote", "\x1b[2J清屏"], true),
        (
            vec![
                "export",
                doc,
                "--format",
                "docx",
                "-o",
                docx.to_str().expect("path"),
            ],
            false,
        ),
    ];
    for (args, visible) in runs {
        let shown = on_terminal_checked(&s, &args);
        assert_eq!(controls(&shown), Vec::<char>::new(), "{args:?}");
        if visible {
            let text = String::from_utf8_lossy(&shown);
            assert!(text.contains('␛'), "{args:?}: {text}");
        }
    }
    let text = String::from_utf8_lossy(&s.on_terminal(&["notes", doc])).into_owned();
    assert!(
        text.contains("笔记␛]8;;https://evil.example/␇点我"),
        "{text}"
    );
    assert!(text.contains("tags: ␛[2J"), "{text}");
    let text = String::from_utf8_lossy(&s.on_terminal(&["outline", doc])).into_owned();
    assert!(text.contains("关于测试的讲话␛]0;pwned␇"), "{text}");
    assert!(text.contains("一、总体␛[31m要求"), "{text}");
    assert!(text.contains("\\u{9b}31m八位␡控制"), "{text}");
}

/// [`Setup::on_terminal`], checking that the command ran (its output is not a failure).
fn on_terminal_checked(s: &Setup, args: &[&str]) -> Vec<u8> {
    let out = s.on_terminal(args);
    let text = String::from_utf8_lossy(&out);
    assert!(
        !text.contains("panicked") && !text.starts_with("pizhu: cannot"),
        "{args:?}: {text}"
    );
    assert!(!out.is_empty(), "{args:?}");
    out
}

#[test]
fn a_pipe_or_a_file_gets_the_exact_bytes() {
    let s = Setup::new();
    let doc = s.doc();
    let o = s.piped(&["outline", doc]);
    let text = String::from_utf8(o.stdout).expect("UTF-8");
    assert!(
        text.contains(&format!("关于测试的讲话{RETITLE}")),
        "{text:?}"
    );
    assert!(text.contains("一、总体\x1b[31m要求"), "{text:?}");
    assert!(text.contains("\u{9b}31m八位\x7f控制"), "{text:?}");
    let o = s.piped(&["notes", doc]);
    let text = String::from_utf8(o.stdout).expect("UTF-8");
    assert!(text.contains(&format!("笔记{LINK}")), "{text:?}");
    // An export to stdout is byte for byte the export written with -o.
    let out_dir = tempfile::tempdir().expect("temp dir");
    for format in ["txt", "md", "csv", "json", "html"] {
        let file = out_dir.path().join(format!("out.{format}"));
        let piped = s.piped(&["export", doc, "--format", format]);
        assert!(piped.status.success());
        let written = s.piped(&[
            "export",
            doc,
            "--format",
            format,
            "-o",
            file.to_str().expect("path"),
        ]);
        assert!(written.status.success());
        let file_bytes = std::fs::read(&file).expect("export written");
        // The head holds the time of the export, to the minute: compare what follows it.
        let tail = |b: &[u8]| -> Vec<u8> {
            let t = String::from_utf8_lossy(b);
            t.lines()
                .filter(|l| !l.contains("导出") && !l.contains("exported"))
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes()
        };
        assert_eq!(tail(&piped.stdout), tail(&file_bytes), "{format}");
        // (JSON writes ESC as `\u001b`; HTML drops what XML refuses.)
        if !matches!(format, "json" | "html") {
            assert!(
                piped.stdout.contains(&0x1b),
                "{format}: raw escapes pass through a pipe"
            );
        }
    }
}

#[test]
#[cfg(target_os = "linux")]
fn error_lines_show_controls_on_a_terminal_and_pass_them_exactly_to_a_pipe() {
    if !have_script() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join(format!("missing{RETITLE}.txt"));
    let missing = missing.to_str().expect("UTF-8 path");
    let shown = on_terminal(&[env!("CARGO_BIN_EXE_pizhu"), "outline", missing]);
    let text = String::from_utf8_lossy(&shown);
    assert!(text.starts_with("pizhu: "), "{text}");
    assert_eq!(controls(&shown), Vec::<char>::new(), "{text}");
    assert!(text.contains("missing␛]0;pwned␇.txt"), "{text}");
    let o = Command::new(env!("CARGO_BIN_EXE_pizhu"))
        .args(["outline", missing])
        .output()
        .expect("pizhu runs");
    let err = String::from_utf8(o.stderr).expect("UTF-8");
    assert!(err.contains(&format!("missing{RETITLE}.txt")), "{err:?}");
}

/// Markdown events that would be something else than text: raw HTML and links.
fn live_markdown(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new(md)
        .filter_map(|e| match e {
            Event::Html(h) | Event::InlineHtml(h) => Some(format!("html {h:?}")),
            Event::Start(Tag::Link { dest_url, .. }) => Some(format!("link {dest_url:?}")),
            _ => None,
        })
        .collect()
}

#[test]
fn markdown_from_the_command_line_carries_no_raw_html() {
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = dir.path().join("html.txt");
    let text = format!(
        "<style>body{{display:none}}</style>关于测试的讲话\n{}一、<script>alert(1)</script>总体要求\n（一）<b>加强</b>学习。&lt;i&gt;正文。一是<img src=x onerror=alert(1)>读书。二是[点我](javascript:alert(1))看报。\n二、重点\n{}",
        BODY.repeat(3),
        BODY.repeat(3)
    );
    std::fs::write(&doc, text).expect("document");
    let doc = doc.to_str().expect("UTF-8 path");
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_pizhu"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .output()
            .expect("pizhu runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).expect("UTF-8")
    };
    run(&[
        "highlight",
        doc,
        "--quote",
        "读书",
        "--tag",
        "<script>alert(1)</script>",
        "--tag",
        "<style>",
        "--note",
        "<script>x</script> #<b>",
    ]);
    for args in [
        vec!["outline", doc, "--format", "markdown"],
        vec!["export", doc, "--format", "md"],
        vec!["export", doc, "--format", "md", "--outline"],
        vec![
            "export",
            doc,
            "--format",
            "md",
            "--outline",
            "--with-highlights",
        ],
    ] {
        let md = run(&args);
        assert_eq!(live_markdown(&md), Vec::<String>::new(), "{args:?}:\n{md}");
        assert!(md.contains("script"), "{args:?}: the text is still there");
    }
}

/// A document of `n` paragraphs of two points each under one `一、` and one `（一）`: every
/// node's path goes back to the top.
fn deep_document(n: usize) -> Document {
    let mut text = String::from("关于测试的讲话\n一、总体要求\n（一）加强学习。\n");
    for i in 0..n {
        text.push_str(&format!("第{i}段。一是读书看报。二是深入调研。\n"));
    }
    Document::from_text(text, "UTF-8", SourceFormat::Text)
}

#[test]
fn listing_many_notes_under_one_heading_is_not_quadratic() {
    // `pizhu notes` walked back through every node before each annotation to find its
    // section path: 1.44 M annotations took 86 s; these 40,000 took 16 s in a debug build.
    let doc = deep_document(20_000);
    let o = outline(&doc);
    assert!(o.nodes.len() >= 40_000, "{}", o.nodes.len());
    let items: Vec<Annotation> = (0..40_000usize)
        .map(|i| {
            let start = (i * 37) % (doc.char_count - 8);
            let mut a =
                Annotation::highlight(&doc, TextRange::new(start, start + 6), Color::Yellow, 1);
            a.id = i as u64 + 1;
            a
        })
        .collect();
    let set = AnnotationSet::new(items, Vec::new());
    let started = std::time::Instant::now();
    let listing = notes_text("关于测试的讲话", &o, &set);
    let took = started.elapsed();
    assert!(listing.contains("40000 条批注"));
    assert!(listing.contains("\n一、总体要求 › （一）加强学习 › 二是 深入调研\n"));
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
}

#[test]
fn listing_notes_gives_each_run_of_a_section_one_heading() {
    let doc = deep_document(3);
    let o = outline(&doc);
    let quote = |q: &str, nth: usize| {
        let byte = doc.text.match_indices(q).nth(nth).expect("quote").0;
        let start = doc.char_of_byte(byte);
        let mut a = Annotation::highlight(
            &doc,
            TextRange::new(start, start + q.chars().count()),
            Color::Green,
            1,
        );
        a.id = start as u64;
        a
    };
    // Two nodes with the same labels one after the other share a heading, as before.
    let set = AnnotationSet::new(
        vec![
            quote("读书", 0),
            quote("读书", 1),
            quote("调研", 1),
            quote("第2段", 0),
        ],
        Vec::new(),
    );
    let listing = notes_text("关于测试的讲话", &o, &set);
    let headings: Vec<&str> = listing.lines().filter(|l| l.starts_with("一、")).collect();
    assert_eq!(
        headings,
        [
            "一、总体要求 › （一）加强学习 › 一是 读书看报",
            "一、总体要求 › （一）加强学习 › 二是 深入调研",
        ],
        "{listing}"
    );
    assert_eq!(listing.matches("「").count(), 4, "{listing}");
}

/// `n` highlights with distinct ids, spread over a text of `n` chars (no document needed).
fn many_annotations(n: usize) -> Vec<Annotation> {
    (0..n)
        .map(|i| Annotation {
            id: i as u64 + 1,
            range: TextRange::new((i * 7919) % n, (i * 7919) % n + 10),
            quote: "引用的原文".into(),
            modified_ms: 1_000,
            ..Annotation::default()
        })
        .collect()
}

#[test]
fn merging_a_large_store_changed_by_another_writer_is_not_quadratic() {
    // Each incoming annotation was looked for in the whole set: 100,000 took 9 s (release).
    let set = AnnotationSet::new(many_annotations(100_000), Vec::new());
    let theirs: Vec<Annotation> = set
        .items()
        .iter()
        .map(|a| Annotation {
            note: "改过".into(),
            modified_ms: a.modified_ms + 1,
            ..a.clone()
        })
        .collect();
    let removed: Vec<(u64, i64)> = (1..=1_000).map(|id| (id, 5_000)).collect();
    let mut mine = set.clone();
    let started = std::time::Instant::now();
    assert!(mine.merge(theirs, &removed));
    let took = started.elapsed();
    assert_eq!(mine.len(), 99_000);
    assert!(
        mine.items()
            .iter()
            .all(|a| a.note == "改过" && a.id > 1_000)
    );
    assert_eq!(mine.removed().len(), 1_000);
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
}

#[test]
fn removing_a_large_set_as_one_step_is_not_quadratic() {
    // Undoing the restore of a backup removes every annotation it added in one step: each
    // removal searched and shifted the whole set, 31 s for 100,000 (release).
    let mut set = AnnotationSet::new(many_annotations(100_000), Vec::new());
    let ids: Vec<u64> = set.items().iter().map(|a| a.id).collect();
    let started = std::time::Instant::now();
    set.apply(ids.iter().map(|&id| Edit::Remove(id)).collect(), 2_000);
    assert!(set.is_empty());
    assert_eq!(set.removed().len(), 100_000);
    // And back, as one undo: every annotation returns, the tombstones go.
    assert!(set.undo(3_000));
    let took = started.elapsed();
    assert_eq!(set.len(), 100_000);
    assert!(set.removed().is_empty());
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
}

/// The edits of one step applied one by one, as `AnnotationSet::apply` is defined (and was
/// written before it kept a map): the reference for the fast version.
fn apply_one_by_one(
    items: &mut Vec<Annotation>,
    removed: &mut Vec<(u64, i64)>,
    edits: Vec<Edit>,
    now_ms: i64,
) -> Vec<Edit> {
    let mut inverse = Vec::new();
    for edit in edits {
        match edit {
            Edit::Add(mut a) => {
                a.modified_ms = a.modified_ms.max(now_ms);
                removed.retain(|(id, _)| *id != a.id);
                inverse.push(Edit::Remove(a.id));
                items.push(a);
            }
            Edit::Update(mut a) => {
                if let Some(old) = items.iter_mut().find(|o| o.id == a.id) {
                    a.modified_ms = now_ms.max(old.modified_ms + 1);
                    inverse.push(Edit::Update(std::mem::replace(old, a)));
                }
            }
            Edit::Remove(id) => {
                if let Some(i) = items.iter().position(|o| o.id == id) {
                    let old = items.remove(i);
                    removed.push((id, now_ms));
                    inverse.push(Edit::Add(old));
                }
            }
        }
    }
    inverse.reverse();
    items.sort_by_key(|a| (a.range.start, a.range.end, a.id));
    inverse
}

/// `AnnotationSet::merge` as defined, one incoming record at a time: the reference.
fn merge_one_by_one(
    items: &mut Vec<Annotation>,
    removed: &mut Vec<(u64, i64)>,
    theirs: Vec<Annotation>,
    their_removed: &[(u64, i64)],
) -> bool {
    let mut changed = false;
    for &(id, when) in their_removed {
        if let Some(i) = items.iter().position(|a| a.id == id)
            && items[i].modified_ms <= when
        {
            items.remove(i);
            changed = true;
        }
        if !removed.iter().any(|(r, _)| *r == id) {
            removed.push((id, when));
        }
    }
    for a in theirs {
        if removed
            .iter()
            .any(|&(id, when)| id == a.id && when >= a.modified_ms)
        {
            continue;
        }
        match items.iter_mut().find(|o| o.id == a.id) {
            Some(mine) if mine.modified_ms < a.modified_ms => {
                *mine = a;
                changed = true;
            }
            Some(_) => {}
            None => {
                items.push(a);
                changed = true;
            }
        }
    }
    if changed {
        items.sort_by_key(|a| (a.range.start, a.range.end, a.id));
    }
    changed
}

#[test]
fn batched_edits_and_merges_give_what_one_by_one_gives() {
    // Random steps over a few ids (so ids repeat, are removed, re-added, merged back).
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
        }
        fn annotation(&mut self) -> Annotation {
            let start = self.below(20) as usize;
            Annotation {
                id: 1 + self.below(12),
                range: TextRange::new(start, start + self.below(3) as usize),
                modified_ms: self.below(10) as i64,
                note: self.below(1000).to_string(),
                ..Annotation::default()
            }
        }
    }
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    for round in 0..3_000 {
        let items: Vec<Annotation> = (0..rng.below(10)).map(|_| rng.annotation()).collect();
        let removed: Vec<(u64, i64)> = (0..rng.below(4))
            .map(|_| (1 + rng.below(12), rng.below(10) as i64))
            .collect();
        let mut set = AnnotationSet::new(items.clone(), removed.clone());
        let (mut ref_items, mut ref_removed) = (items, removed);
        ref_items.sort_by_key(|a| (a.range.start, a.range.end, a.id));
        for _ in 0..4 {
            if rng.below(3) == 0 {
                let theirs: Vec<Annotation> = (0..rng.below(8)).map(|_| rng.annotation()).collect();
                let their_removed: Vec<(u64, i64)> = (0..rng.below(4))
                    .map(|_| (1 + rng.below(12), rng.below(12) as i64))
                    .collect();
                assert_eq!(
                    set.merge(theirs.clone(), &their_removed),
                    merge_one_by_one(&mut ref_items, &mut ref_removed, theirs, &their_removed),
                    "round {round}"
                );
            } else {
                let edits: Vec<Edit> = (0..1 + rng.below(8))
                    .map(|_| match rng.below(3) {
                        0 => Edit::Add(rng.annotation()),
                        1 => Edit::Update(rng.annotation()),
                        _ => Edit::Remove(1 + rng.below(12)),
                    })
                    .collect();
                let now = 5 + rng.below(10) as i64;
                set.apply(edits.clone(), now);
                let inverse = apply_one_by_one(&mut ref_items, &mut ref_removed, edits, now);
                // The step undoes as the reference's inverse edits do.
                let mut undone = set.clone();
                let (mut undone_items, mut undone_removed) =
                    (ref_items.clone(), ref_removed.clone());
                undone.undo(now + 1);
                apply_one_by_one(&mut undone_items, &mut undone_removed, inverse, now + 1);
                assert_eq!(undone.items(), &undone_items[..], "undo, round {round}");
                assert_eq!(undone.removed(), &undone_removed[..], "undo, round {round}");
            }
            assert_eq!(set.items(), &ref_items[..], "round {round}");
            assert_eq!(set.removed(), &ref_removed[..], "round {round}");
        }
    }
}
