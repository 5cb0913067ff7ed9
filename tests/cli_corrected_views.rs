//! Every command that shows a section shows it in the outline the reader sees (issue 14):
//! a paragraph made a heading by a correction in the notes file is the section of the notes
//! under it in `pizhu highlight`'s answer, `pizhu notes`, `pizhu stats`, `pizhu export` and
//! `pizhu notes --all` (golden files); `--no-corrections` gives the engine's view; `pizhu
//! restore` brings back the corrections a backup holds.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::{stderr, stdout};
use pizhu::annotate::corrections::{Correction, CorrectionEdit, CorrectionId};
use pizhu::document::Document;
use pizhu::outline::corrections::Change;
use pizhu::store::annotations::DocStore;

const TEXT: &str = "关于做好某项工作的通知\n\n一、总体要求\n\n做好工作意义重大。\n\n（一）指导思想\n\n坚持稳中求进。\n\n二、主要任务\n\n加强组织领导\n\n各地要高度重视。\n\n三、保障措施\n\n抓好落实。\n";

/// A document, its data folder and an empty config folder (no rules).
struct Fixture {
    tmp: tempfile::TempDir,
    doc: PathBuf,
    data: PathBuf,
    config: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let tmp = tempfile::tempdir().expect("test setup");
        let doc = tmp.path().join("通知.txt");
        std::fs::write(&doc, TEXT).expect("test setup");
        let data = tmp.path().join("data");
        let config = tmp.path().join("config");
        std::fs::create_dir_all(&config).expect("test setup");
        Self {
            tmp,
            doc,
            data,
            config,
        }
    }

    /// `pizhu ARGS --data-dir DATA` in UTC.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pizhu"))
            .args(args)
            .arg("--data-dir")
            .arg(&self.data)
            .env_remove("PIZHU_DATA_DIR")
            .env("PIZHU_CONFIG_DIR", &self.config)
            .env("TZ", "UTC")
            .output()
            .expect("pizhu runs")
    }

    /// Its stdout, the temporary folder written `[tmp]`; it must succeed without warnings.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "failed: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "no warnings");
        stdout(&o).replace(self.tmp.path().to_str().expect("UTF-8"), "[tmp]")
    }

    fn doc(&self) -> &str {
        self.doc.to_str().expect("UTF-8")
    }

    /// Apply correction edits to the document's notes file, as the window saves them.
    fn correct(&self, edits: impl FnOnce(&Document) -> Vec<CorrectionEdit>) {
        let doc = Document::open(&self.doc).expect("test setup");
        let mut loaded = DocStore::load(&self.data, &doc, Some(&self.doc), "通知");
        assert!(loaded.problem.is_none());
        loaded.annotations.correct(edits(&doc), 1_000);
        loaded
            .store
            .save(&mut loaded.annotations, None)
            .expect("test setup");
    }

    /// Make `加强组织领导` a heading at level 1 (it is a plain paragraph to the engine).
    fn make_heading(&self) -> CorrectionId {
        let mut id = 0;
        self.correct(|doc| {
            let line = doc
                .lines
                .iter()
                .position(|l| doc.line_text(l) == "加强组织领导")
                .expect("test setup");
            let heading = Change::Heading {
                level: Some(1),
                title: None,
            };
            let c = Correction::on_line(doc, line, heading, 1_000).expect("test setup");
            id = c.id;
            vec![CorrectionEdit::Put(c)]
        });
        id
    }

    /// Two highlights through the command line; the answers.
    fn highlight(&self) -> String {
        let mut said = self.ok(&[
            "highlight",
            self.doc(),
            "--quote",
            "各地要高度重视",
            "--note",
            "要落实到人",
        ]);
        said += &self.ok(&[
            "highlight",
            self.doc(),
            "--quote",
            "抓好落实",
            "--color",
            "绿",
        ]);
        said
    }
}

#[test]
fn a_heading_made_by_a_correction_is_the_section_in_every_command() {
    let f = Fixture::new();
    f.make_heading();
    insta::assert_snapshot!("corrected-highlight", f.highlight());
    let notes = f.ok(&["notes", f.doc()]);
    insta::assert_snapshot!("corrected-notes-text", notes);
    let engine = f.ok(&["notes", f.doc(), "--no-corrections"]);
    assert!(!engine.contains("加强组织领导"), "{engine}");
    assert!(engine.contains("二、主要任务"), "{engine}");
    let json = f.ok(&["notes", f.doc(), "--format", "json"]);
    assert!(json.contains("\"加强组织领导\""), "{json}");
    insta::assert_snapshot!("corrected-stats-text", f.ok(&["stats", f.doc()]));
    let engine = f.ok(&["stats", f.doc(), "--no-corrections"]);
    assert!(!engine.contains("加强组织领导"), "{engine}");
    let exported = regex::Regex::new(r"导出时间：\d{4}-\d\d-\d\d \d\d:\d\d").expect("regex");
    let md = f.ok(&["export", f.doc(), "--format", "md"]);
    insta::assert_snapshot!(
        "corrected-export-md",
        exported.replace(&md, "导出时间：[now]")
    );
    let engine = f.ok(&["export", f.doc(), "--format", "md", "--no-corrections"]);
    assert!(!engine.contains("加强组织领导"), "{engine}");
    insta::assert_snapshot!("corrected-notes-all", f.ok(&["notes", "--all"]));
    let all = f.ok(&["export", "--all", "--format", "md"]);
    assert!(all.contains("加强组织领导"), "{all}");
    // --no-corrections is for one document.
    let o = f.run(&["notes", "--all", "--no-corrections"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn notes_all_follows_a_correction_made_after_the_notes() {
    let f = Fixture::new();
    f.highlight();
    let before = f.ok(&["notes", "--all"]);
    assert!(!before.contains("加强组织领导"), "{before}");
    f.make_heading();
    let after = f.ok(&["notes", "--all"]);
    assert!(after.contains("加强组织领导"), "{after}");
}

#[test]
fn restore_brings_back_the_corrections_of_the_backup() {
    let f = Fixture::new();
    f.highlight();
    let id = f.make_heading();
    // The correction is removed (a save: backup 1 is the file that held it).
    f.correct(|_| vec![CorrectionEdit::Remove(id)]);
    let outline = |f: &Fixture| f.ok(&["outline", f.doc()]);
    assert!(!outline(&f).contains("加强组织领导"));
    let said = f.ok(&["restore", f.doc()]);
    assert!(
        said.starts_with("restored 0 annotations and 1 outline correction from the backup of"),
        "{said}"
    );
    assert!(outline(&f).contains("加强组织领导"), "{}", outline(&f));
    let notes = f.ok(&["notes", f.doc()]);
    assert!(notes.contains("加强组织领导"), "{notes}");
    // Restoring again brings back nothing more (the backup's correction is here).
    let again = f.ok(&["restore", f.doc()]);
    assert!(again.starts_with("restored 0 annotations from"), "{again}");
}
