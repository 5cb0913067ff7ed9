//! Outline corrections in the annotation store: they round-trip; a store written before
//! them loads (with none) and is written back as it was; two writers of the same store keep
//! both sides' corrections, and a removal by one is not undone by the other's older copy.

use pizhu::annotate::corrections::{Correction, CorrectionEdit};
use pizhu::annotate::{Annotation, Color};
use pizhu::document::{Document, SourceFormat, TextRange};
use pizhu::outline::corrections::Change;
use pizhu::store::annotations::{DocStore, StoreFile, parse, to_ron};

const TEXT: &str = "关于做好某项工作的通知\n\n一、总体要求\n\n加强组织领导\n\n各地要高度重视。\n\n二、保障措施\n\n抓好落实。\n";

fn doc() -> Document {
    Document::from_text(TEXT.to_owned(), "UTF-8", SourceFormat::Text)
}

fn line(d: &Document, starts: &str) -> usize {
    d.lines
        .iter()
        .position(|l| d.line_text(l).starts_with(starts))
        .expect("line")
}

fn correction(d: &Document, starts: &str, change: Change, ms: i64) -> Correction {
    Correction::on_line(d, line(d, starts), change, ms).expect("a line with text")
}

#[test]
fn corrections_round_trip_through_the_file() {
    let d = doc();
    let file = StoreFile {
        version: 1,
        corrections: vec![
            correction(
                &d,
                "加强",
                Change::Heading {
                    level: Some(2),
                    title: Some("组织 \"领导\"\n".into()),
                },
                10,
            ),
            correction(&d, "二、", Change::Shift(-1), 11),
            correction(&d, "一、", Change::Rename("要求".into()), 12),
            correction(&d, "抓好", Change::NotHeading, 13),
        ],
        corrections_removed: vec![(7, 99)],
        ..StoreFile::default()
    };
    let text = to_ron(&file).expect("serialises");
    assert!(text.contains("corrections: ["), "{text}");
    assert_eq!(parse(&text).expect("parses"), file, "{text}");
    // Without corrections, the fields are not written at all.
    let plain = to_ron(&StoreFile {
        version: 1,
        ..StoreFile::default()
    })
    .expect("test setup");
    assert!(!plain.contains("corrections"), "{plain}");
}

#[test]
fn a_store_without_corrections_loads_and_a_bad_correction_is_reported() {
    let old = "(version: 1, fingerprint: \"b3-x\", document: (path: None, title: \"t\", chars: 3), position: None, annotations: [], removed: [])";
    let file = parse(old).expect("an old store parses");
    assert!(file.corrections.is_empty() && file.corrections_removed.is_empty());
    let bad = "(version: 1, annotations: [], removed: [], corrections: [(id: 1, change: Heading(level: Some(2)), quote: \"x\"), (id: 2, change: Sideways)])";
    let err = parse(bad).expect_err("should fail");
    assert!(err.contains("correction 2"), "{err}");
}

#[test]
fn two_writers_keep_both_sides_corrections() {
    let dir = tempfile::tempdir().expect("test setup");
    let d = doc();
    let path = dir.path().join("通知.txt");
    std::fs::write(&path, TEXT).expect("test setup");
    let mut one = DocStore::load(dir.path(), &d, Some(&path), "通知");
    let mut two = DocStore::load(dir.path(), &d, Some(&path), "通知");
    let heading = correction(
        &d,
        "加强",
        Change::Heading {
            level: Some(2),
            title: None,
        },
        100,
    );
    let shift = correction(&d, "二、", Change::Shift(1), 101);
    one.annotations
        .correct(vec![CorrectionEdit::Put(heading.clone())], 100);
    // The other writer adds a highlight and a correction of its own.
    let h = Annotation::highlight(&d, TextRange::new(0, 4), Color::Green, 101);
    two.annotations
        .apply(vec![pizhu::annotate::Edit::Add(h)], 101);
    two.annotations
        .correct(vec![CorrectionEdit::Put(shift.clone())], 101);
    one.store
        .save(&mut one.annotations, None)
        .expect("test setup");
    two.store
        .save(&mut two.annotations, None)
        .expect("test setup");
    // The second save merged the first's correction in.
    let ids = |set: &pizhu::annotate::AnnotationSet| {
        let mut v: Vec<u64> = set.corrections().iter().map(|c| c.id).collect();
        v.sort();
        v
    };
    let mut both = vec![heading.id, shift.id];
    both.sort();
    assert_eq!(ids(&two.annotations), both);
    let reread = DocStore::load(dir.path(), &d, Some(&path), "通知");
    assert_eq!(ids(&reread.annotations), both);
    assert_eq!(reread.annotations.len(), 1);
    // The first writer removes its correction; the second, saving its older copy, does
    // not bring it back.
    one.store.refresh(&mut one.annotations).expect("test setup");
    one.annotations
        .correct(vec![CorrectionEdit::Remove(heading.id)], 200);
    one.store
        .save(&mut one.annotations, None)
        .expect("test setup");
    two.annotations.apply(
        vec![pizhu::annotate::Edit::Remove(two.annotations.items()[0].id)],
        150,
    );
    two.store
        .save(&mut two.annotations, None)
        .expect("test setup");
    let last = DocStore::load(dir.path(), &d, Some(&path), "通知");
    assert_eq!(ids(&last.annotations), vec![shift.id]);
    assert_eq!(last.annotations.corrections_removed().len(), 1);
    assert!(last.annotations.is_empty());
}

#[test]
fn a_moved_and_edited_document_keeps_its_outline_corrections() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let old = dir.path().join("a").join("通知.txt");
    std::fs::create_dir_all(old.parent().expect("folder")).expect("folder");
    std::fs::write(&old, TEXT).expect("write");
    {
        let mut s = pizhu::session::Session::open(&old, Some(&data)).expect("opens");
        let at = s
            .doc
            .char_of_byte(s.doc.text.find("加强").expect("in the text"));
        s.apply(pizhu::session::Action::MakeHeading { at, level: 2 }, None);
        // Highlights too, so the notes are found by content.
        for quote in ["各地要高度重视", "抓好落实", "加强组织领导"] {
            let byte = s.doc.text.find(quote).expect("quote");
            let start = s.doc.char_of_byte(byte);
            let range = TextRange::new(start, start + quote.chars().count());
            s.apply(
                pizhu::session::Action::Highlight {
                    range,
                    color: Color::Yellow,
                    mark: pizhu::annotate::Mark::Fill,
                    open_note: false,
                },
                None,
            );
        }
        s.notes.flush();
    }
    // Moved to another folder and edited: a paragraph before, a word changed.
    let new = dir.path().join("b").join("通知（修订）.txt");
    std::fs::create_dir_all(new.parent().expect("folder")).expect("folder");
    let edited = TEXT
        .replace("一、总体要求\n", "新增的一段说明。\n\n一、总体要求\n")
        .replace("抓好落实", "切实抓好落实");
    std::fs::write(&new, edited).expect("write");
    std::fs::remove_file(&old).expect("moved");
    let s = pizhu::session::Session::open(&new, Some(&data)).expect("opens");
    assert!(s.notes.reattached.is_some(), "notes found by content");
    let heading = s
        .outline
        .nodes
        .iter()
        .find(|n| n.title == "加强组织领导")
        .expect("the correction came along");
    assert_eq!(heading.depth, 2);
    assert!(s.lost_corrections.is_empty());
}
