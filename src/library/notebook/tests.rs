use super::*;
use crate::annotate::Color;
use crate::library::tests::{SPEECH, snapshot, with_notes};
use crate::library::{record_open, title_of};

const OTHER: &str = "数字政府建设方案\n一、总体要求\n推进ＡＢＣ平台建设，提升政务服务效能。\n二、主要任务\n（一）夯实基础\n建设统一的数据底座。\n";

/// Two documents with notes in `data`: the speech (3 highlights) and the plan (2).
fn two_stores(tmp: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let data = tmp.join("data");
    let speech = tmp.join("docs/speech.txt");
    let plan = tmp.join("docs/plan.txt");
    with_notes(
        &data,
        &speech,
        SPEECH,
        &[
            ("作风建设永远在路上", "开头可用 #金句"),
            ("细化责任", ""),
            ("纪律是管党治党的尺子", "#金句 #纪律"),
        ],
    );
    with_notes(
        &data,
        &plan,
        OTHER,
        &[
            ("推进ＡＢＣ平台建设", "数字化 #Policy"),
            ("统一的数据底座", ""),
        ],
    );
    (data, speech, plan)
}

fn quotes(nb: &Notebook, sel: &[usize]) -> Vec<String> {
    sel.iter()
        .map(|&i| nb.entries()[i].annotation.quote.clone())
        .collect()
}

fn query(text: &str) -> Query {
    Query {
        filter: Filter {
            query: text.into(),
            ..Filter::default()
        },
        ..Query::default()
    }
}

#[test]
fn every_annotation_is_listed_with_its_document_and_section() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, speech, plan) = two_stores(tmp.path());
    // The library's order: the plan first.
    for p in [&plan, &speech] {
        let doc = Document::open(p).unwrap();
        record_open(&data, p, &doc, &title_of(&doc, p)).unwrap();
    }
    let loaded = Notebook::load(&data, true);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let nb = loaded.notebook;
    let titles: Vec<&str> = nb.docs().iter().map(|d| d.title.as_str()).collect();
    assert_eq!(titles, ["数字政府建设方案", "关于加强作风建设的讲话"]);
    assert!(nb.docs().iter().all(|d| d.status == DocStatus::Present));
    assert_eq!(nb.docs()[1].position, Some(3));
    assert_eq!(nb.entries().len(), 5);
    let all = nb.select(&Query::default(), Order::ByDocument);
    assert_eq!(
        quotes(&nb, &all),
        [
            "推进ＡＢＣ平台建设",
            "统一的数据底座",
            "作风建设永远在路上",
            "细化责任",
            "纪律是管党治党的尺子"
        ]
    );
    // Sections as outline::label gives them.
    for (d, path) in [(0, &plan), (1, &speech)] {
        let doc = Document::open(path).unwrap();
        let outline = crate::outline::outline(&doc);
        for e in &nb.entries()[nb.entries_of(d)] {
            assert_eq!(e.doc, d);
            assert_eq!(
                *e.section,
                crate::outline::label::section_path(&outline, e.annotation.range.start)
            );
        }
    }
    let rule = nb
        .entries()
        .iter()
        .find(|e| e.annotation.quote == "纪律是管党治党的尺子")
        .unwrap();
    assert_eq!(*rule.section, ["三、严明纪律"]);
    // Newest first.
    let newest = nb.select(&Query::default(), Order::Newest);
    let times: Vec<i64> = newest
        .iter()
        .map(|&i| nb.entries()[i].annotation.created_ms)
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
}

#[test]
fn select_filters_by_folded_text_tag_colour_document_date_and_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, _, _) = two_stores(tmp.path());
    let nb = Notebook::load(&data, false).notebook;
    let sel = |q: &Query| quotes(&nb, &nb.select(q, Order::ByDocument));
    // Full width and half width, any case.
    assert_eq!(sel(&query("abc平台")), ["推进ＡＢＣ平台建设"]);
    assert_eq!(sel(&query("ａＢｃ")), ["推进ＡＢＣ平台建设"]);
    assert_eq!(sel(&query("数字化")), ["推进ＡＢＣ平台建设"], "the note");
    assert_eq!(sel(&query("  纪律  ")).len(), 1);
    assert!(sel(&query("不存在的话")).is_empty());
    // Tags, from the note's #标签, ignoring case and the #.
    let tag = |t: &str| Query {
        filter: Filter {
            tags: vec![t.into()],
            ..Filter::default()
        },
        ..Query::default()
    };
    assert_eq!(sel(&tag("#金句")).len(), 2);
    assert_eq!(sel(&tag("policy")), ["推进ＡＢＣ平台建设"]);
    assert!(sel(&tag("无此标签")).is_empty());
    // Colours: with_notes cycles through them.
    let colour = Query {
        filter: Filter {
            colors: vec![Color::Yellow],
            ..Filter::default()
        },
        ..Query::default()
    };
    // Documents the library does not know: by title (关… before 数…).
    assert_eq!(sel(&colour), ["作风建设永远在路上", "推进ＡＢＣ平台建设"]);
    // Document, by title or path, folded.
    let doc = Query {
        doc: Some("PLAN.TXT".into()),
        ..Query::default()
    };
    assert_eq!(sel(&doc).len(), 2);
    let doc = Query {
        doc: Some("作风建设".into()),
        ..Query::default()
    };
    assert_eq!(sel(&doc).len(), 3);
    // Dates (created 1000, 1001, 1002 in each store), both ends included.
    let dates = Query {
        from_ms: Some(1_001),
        to_ms: Some(1_001),
        ..Query::default()
    };
    assert_eq!(sel(&dates), ["细化责任", "统一的数据底座"]);
    // Notes only.
    let notes = Query {
        filter: Filter {
            notes_only: true,
            ..Filter::default()
        },
        ..Query::default()
    };
    assert_eq!(sel(&notes).len(), 3);
    // Everything at once.
    let all = Query {
        filter: Filter {
            query: "金句".into(),
            tags: vec!["纪律".into()],
            notes_only: true,
            ..Filter::default()
        },
        doc: Some("讲话".into()),
        ..Query::default()
    };
    assert_eq!(sel(&all), ["纪律是管党治党的尺子"]);
    // Tag counts of a selection: most used first, then by name.
    let every = nb.select(&Query::default(), Order::Newest);
    assert_eq!(
        nb.tag_counts(&every),
        [
            ("金句".to_owned(), 2),
            ("Policy".to_owned(), 1),
            ("纪律".to_owned(), 1)
        ]
    );
}

#[test]
fn select_agrees_with_the_one_annotation_filter() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, _, _) = two_stores(tmp.path());
    let nb = Notebook::load(&data, false).notebook;
    let filters = [
        Filter::default(),
        Filter {
            query: "建设".into(),
            ..Filter::default()
        },
        Filter {
            query: "#".into(),
            ..Filter::default()
        },
        Filter {
            tags: vec!["金句".into(), "POLICY".into()],
            colors: vec![Color::Yellow, Color::Blue],
            ..Filter::default()
        },
        Filter {
            notes_only: true,
            query: "ｐｏｌｉｃｙ".into(),
            ..Filter::default()
        },
    ];
    for f in filters {
        let expect: Vec<usize> = (0..nb.entries().len())
            .filter(|&i| f.matches(&nb.entries()[i].annotation))
            .collect();
        let q = Query {
            filter: f.clone(),
            ..Query::default()
        };
        assert_eq!(nb.select(&q, Order::ByDocument), expect, "{f:?}");
    }
}

#[test]
fn a_read_only_load_leaves_the_data_folder_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, speech, _) = two_stores(tmp.path());
    // A damaged library and a damaged store too: reported, left as they are.
    std::fs::write(data.join("library.ron"), "(version: 1, docs: [(").unwrap();
    std::fs::write(
        data.join("annotations/b3-bad.ron"),
        "(version: 1, annotations: [(",
    )
    .unwrap();
    std::fs::remove_file(&speech).unwrap();
    let before = snapshot(&data);
    let loaded = Notebook::load(&data, false);
    assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
    assert!(
        loaded.problems[0].ends_with("b3-bad.ron"),
        "{:?}",
        loaded.problems
    );
    assert_eq!(loaded.notebook.entries().len(), 5);
    assert_eq!(snapshot(&data), before);
    assert!(!index::path(&data).exists());
    // Writing the index is the only change the window's load makes.
    let _ = Notebook::load(&data, true);
    let after = snapshot(&data);
    let new: Vec<&PathBuf> = after
        .iter()
        .map(|(p, _)| p)
        .filter(|p| !before.iter().any(|(q, _)| q == *p))
        .collect();
    assert_eq!(new, [&index::path(&data)]);
}

#[test]
fn the_index_is_used_while_stores_are_unchanged_and_rebuilt_when_damaged() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, speech, plan) = two_stores(tmp.path());
    let first = Notebook::load(&data, true).notebook;
    let index_bytes = std::fs::read(index::path(&data)).unwrap();
    // The documents are gone: the index still knows their sections (they were opened once).
    std::fs::remove_file(&speech).unwrap();
    std::fs::write(&plan, "全新的内容\n").unwrap();
    let second = Notebook::load(&data, true).notebook;
    assert_eq!(second.entries(), first.entries());
    let status: Vec<DocStatus> = second.docs().iter().map(|d| d.status).collect();
    assert!(status.contains(&DocStatus::Missing) && status.contains(&DocStatus::Changed));
    assert!(second.entries().iter().any(|e| !e.section.is_empty()));
    // A damaged index is rebuilt from the stores.
    std::fs::write(index::path(&data), &index_bytes[..index_bytes.len() / 3]).unwrap();
    let third = Notebook::load(&data, true).notebook;
    assert_eq!(
        third
            .entries()
            .iter()
            .map(|e| &e.annotation)
            .collect::<Vec<_>>(),
        first
            .entries()
            .iter()
            .map(|e| &e.annotation)
            .collect::<Vec<_>>()
    );
    assert!(index::parse(&std::fs::read(index::path(&data)).unwrap()).is_some());
}

#[test]
fn a_frame_that_does_not_decode_has_every_store_read_from_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, _, _) = two_stores(tmp.path());
    let first = Notebook::load(&data, true).notebook;
    // The last store's frame: its length kept (so the frames still fit), its bytes garbage.
    let mut bytes = std::fs::read(index::path(&data)).unwrap();
    let tail = bytes.len() - 8;
    bytes[tail..].fill(0xFF);
    std::fs::write(index::path(&data), &bytes).unwrap();
    assert!(
        index::parse(&bytes).is_some_and(|r| r.bodies.last().unwrap().annotations().is_none()),
        "the frames fit, the last does not decode"
    );
    // Read around: every note is there (on the two threads that decode, either may fail).
    let second = Notebook::load(&data, false).notebook;
    let notes = |nb: &Notebook| {
        let mut q: Vec<String> = nb
            .entries()
            .iter()
            .map(|e| e.annotation.quote.clone())
            .collect();
        q.sort();
        q
    };
    assert_eq!(notes(&second), notes(&first));
    assert_eq!(second.entries().len(), 5);
}

#[test]
fn refreshed_rereads_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, speech, _) = two_stores(tmp.path());
    let nb = Notebook::load(&data, true).notebook;
    assert!(nb.refreshed(&data).is_none(), "nothing changed");
    // Another window adds a note to the speech.
    let doc = Document::open(&speech).unwrap();
    let title = title_of(&doc, &speech);
    let mut loaded = DocStore::load(&data, &doc, Some(&speech), &title);
    let start = doc.char_of_byte(doc.text.find("严肃问责").unwrap());
    let mut a = Annotation::highlight(
        &doc,
        crate::TextRange::new(start, start + 4),
        Color::Green,
        5_000,
    );
    a.note = "新加的".into();
    loaded.annotations.apply(vec![Edit::Add(a)], 5_000);
    loaded.store.save(&mut loaded.annotations, None).unwrap();
    let fresh = nb.refreshed(&data).expect("the store changed");
    assert_eq!(fresh.entries().len(), 6);
    assert_eq!(
        quotes(&fresh, &fresh.select(&query("新加的"), Order::Newest)),
        ["严肃问责"]
    );
    let e = fresh
        .entries()
        .iter()
        .find(|e| e.annotation.quote == "严肃问责")
        .unwrap();
    let outline = crate::outline::outline(&doc);
    assert_eq!(
        *e.section,
        crate::outline::label::section_path(&outline, e.annotation.range.start)
    );
    assert_eq!(e.section[0], "二、狠抓落实");
    assert!(fresh.refreshed(&data).is_none());
    // A document moved away: its status changes.
    std::fs::remove_file(&speech).unwrap();
    let moved = fresh.refreshed(&data).expect("a document went");
    assert!(moved.docs().iter().any(|d| d.status == DocStatus::Missing));
    // The index written by refreshed() loads as the same notebook.
    let again = Notebook::load(&data, false).notebook;
    assert_eq!(again.entries(), moved.entries());
}

#[test]
fn a_library_change_alone_keeps_the_entries_and_writes_no_index() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, speech, plan) = two_stores(tmp.path());
    for p in [&plan, &speech] {
        let doc = Document::open(p).unwrap();
        record_open(&data, p, &doc, &title_of(&doc, p)).unwrap();
    }
    let nb = Notebook::load(&data, true).notebook;
    let index = index::path(&data);
    let before = (
        std::fs::read(&index).unwrap(),
        std::fs::metadata(&index).unwrap().modified().unwrap(),
    );
    // The speech opened again, under another title: the library changes, no store does.
    let doc = Document::open(&speech).unwrap();
    record_open(&data, &speech, &doc, "改过的标题").unwrap();
    let fresh = nb.refreshed(&data).expect("the library changed");
    assert!(Arc::ptr_eq(&fresh.entries, &nb.entries), "entries shared");
    assert!(fresh.docs().iter().any(|d| d.title == "改过的标题"));
    assert!(fresh.refreshed(&data).is_none(), "and now up to date");
    let after = (
        std::fs::read(&index).unwrap(),
        std::fs::metadata(&index).unwrap().modified().unwrap(),
    );
    assert!(after == before, "the index is not written again");
    // What a whole load makes of the same folder.
    let whole = Notebook::load(&data, false).notebook;
    assert_eq!(whole.docs(), fresh.docs());
    assert_eq!(whole.entries(), fresh.entries());
    // A document the library forgets goes after the others (the plan came first): the
    // entries are made again.
    crate::library::remove(&data, &plan, false).unwrap();
    let reordered = fresh.refreshed(&data).expect("the library changed");
    assert!(!Arc::ptr_eq(&reordered.entries, &nb.entries));
    let whole = Notebook::load(&data, false).notebook;
    assert_eq!(whole.docs(), reordered.docs());
    assert_eq!(whole.entries(), reordered.entries());
}

#[test]
fn a_note_is_edited_in_its_store_even_when_the_document_is_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, speech, _) = two_stores(tmp.path());
    std::fs::remove_file(&speech).unwrap();
    let nb = Notebook::load(&data, false).notebook;
    let e = nb
        .entries()
        .iter()
        .find(|e| e.annotation.quote == "细化责任")
        .unwrap();
    let store = nb.docs()[e.doc].store.clone();
    assert_eq!(nb.docs()[e.doc].status, DocStatus::Missing);
    let id = e.annotation.id;
    edit_note(
        &data,
        &store,
        id,
        "改过的笔记".into(),
        vec!["#要点".into(), " 要点 ".into(), "".into(), "落实".into()],
    )
    .unwrap();
    let back = DocStore::load_file(&store, Access::ReadOnly);
    let a = back.annotations.get(id).unwrap();
    assert_eq!(a.note, "改过的笔记");
    assert_eq!(a.tags, ["要点", "落实"]);
    assert!(a.modified_ms > e.annotation.modified_ms);
    assert_eq!(back.position, Some(3), "the reading position is kept");
    assert_eq!(back.annotations.len(), 3);
    let recorded = std::fs::read_to_string(&store).unwrap();
    assert!(
        recorded.contains("speech.txt"),
        "the document record is kept"
    );
    assert_eq!(back.store.backups().len(), 1, "a backup as usual");
    // No such annotation; a path outside the data folder: refused, nothing written.
    let e = edit_note(&data, &store, 42, String::new(), vec![]).unwrap_err();
    assert!(matches!(e, LibraryError::NoSuchAnnotation { .. }), "{e}");
    let outside = tmp.path().join("x.ron");
    std::fs::write(&outside, "()").unwrap();
    let e = edit_note(&data, &outside, id, String::new(), vec![]).unwrap_err();
    assert!(e.to_string().ends_with("x.ron"), "{e}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "()");
}

#[test]
fn a_tag_is_renamed_and_merged_across_stores() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, _, _) = two_stores(tmp.path());
    // Give the plan's second highlight the tag 金句 in its tag field.
    let nb = Notebook::load(&data, false).notebook;
    let e = nb
        .entries()
        .iter()
        .find(|e| e.annotation.quote == "统一的数据底座")
        .unwrap();
    let plan_store = nb.docs()[e.doc].store.clone();
    edit_note(
        &data,
        &plan_store,
        e.annotation.id,
        String::new(),
        vec!["金句".into()],
    )
    .unwrap();
    assert_eq!(rename_tag(&data, "#金句", "名句").unwrap(), 3);
    let nb = Notebook::load(&data, false).notebook;
    let all = nb.select(&Query::default(), Order::ByDocument);
    let counts = nb.tag_counts(&all);
    assert!(counts.contains(&("名句".to_owned(), 3)), "{counts:?}");
    assert!(!counts.iter().any(|(t, _)| t == "金句"));
    let speech_note = nb
        .entries()
        .iter()
        .find(|e| e.annotation.quote == "作风建设永远在路上")
        .unwrap();
    assert_eq!(speech_note.annotation.note, "开头可用 #名句");
    // Merging: POLICY (written Policy) onto 纪律, which exists.
    assert_eq!(rename_tag(&data, "POLICY", "纪律").unwrap(), 1);
    let nb = Notebook::load(&data, false).notebook;
    let counts = nb.tag_counts(&nb.select(&Query::default(), Order::Newest));
    assert_eq!(
        counts,
        [("名句".to_owned(), 3), ("纪律".to_owned(), 2)],
        "{counts:?}"
    );
    assert_eq!(rename_tag(&data, "无此标签", "x").unwrap(), 0);
    assert!(
        rename_tag(&data, "名句", "两 个").is_err(),
        "a space ends a #tag"
    );
}

#[test]
fn a_citation_fills_its_placeholders_and_drops_an_empty_section_cleanly() {
    let doc = NotebookDoc {
        fingerprint: "b3-1".into(),
        title: "关于加强作风建设的讲话".into(),
        path: None,
        store: PathBuf::from("/d/b3-1.ron"),
        chars: 10,
        position: None,
        status: DocStatus::Unknown,
    };
    let mut entry = Entry {
        doc: 0,
        annotation: Annotation {
            quote: "作风建设永远在路上\n".into(),
            note: "开头".into(),
            created_ms: 1_780_000_000_000,
            ..Annotation::default()
        },
        section: ["一、提高认识".to_owned(), "（一）总体".to_owned()].into(),
    };
    assert_eq!(
        citation(DEFAULT_CITATION, &entry, &doc),
        "作风建设永远在路上——《关于加强作风建设的讲话》，一、提高认识 › （一）总体"
    );
    entry.section = Arc::from([]);
    assert_eq!(
        citation(DEFAULT_CITATION, &entry, &doc),
        "作风建设永远在路上——《关于加强作风建设的讲话》"
    );
    let date = citation("{date}", &entry, &doc);
    assert!(date.starts_with("2026-05-2"), "{date}");
    assert_eq!(
        citation("“{quote}”（{note}）{unknown} {", &entry, &doc),
        "“作风建设永远在路上”（开头）{unknown} {"
    );
}

#[test]
fn folding_for_the_search_is_the_find_bar_folding() {
    for text in [
        "坚持以人民为中心的发展思想。",
        "ＡＢＣ试点要扎实推进",
        "“两个确立”、‘四个意识’",
        "全角　空格和ASCII Caps",
        "控制\u{1}字符",
        "",
        "ｈｔｔｐ：／／ｇｏｖ．ｃｎ",
    ] {
        let mut out = String::new();
        super::push_folded(&mut out, text);
        let expected: String = crate::search::fold(text).replace('\u{1}', " ");
        assert_eq!(out, expected, "{text}");
    }
}

/// The section path of the entry quoting `quote`.
fn section_of(nb: &Notebook, quote: &str) -> Vec<String> {
    nb.entries()
        .iter()
        .find(|e| e.annotation.quote == quote)
        .expect("the entry")
        .section
        .to_vec()
}

#[test]
fn a_correction_written_to_a_store_changes_the_section_paths_after_a_refresh() {
    use crate::annotate::corrections::{Correction, CorrectionEdit};
    use crate::outline::corrections::{Change, RuleKind};
    let tmp = tempfile::tempdir().unwrap();
    let (data, speech, plan) = two_stores(tmp.path());
    let nb = Notebook::load(&data, true).notebook;
    assert_eq!(section_of(&nb, "推进ＡＢＣ平台建设"), ["一、总体要求"]);
    assert_eq!(
        section_of(&nb, "统一的数据底座"),
        ["二、主要任务", "（一）夯实基础"]
    );
    // The window makes a paragraph of the plan a heading (level 2): written to its store.
    let doc = Document::open(&plan).unwrap();
    let line = doc
        .lines
        .iter()
        .position(|l| doc.line_text(l).starts_with("推进"))
        .unwrap();
    let heading = Change::Heading {
        level: Some(2),
        title: Some("平台建设".into()),
    };
    let correction = Correction::on_line(&doc, line, heading, 6_000).unwrap();
    let mut loaded = DocStore::load(&data, &doc, Some(&plan), &title_of(&doc, &plan));
    loaded
        .annotations
        .correct(vec![CorrectionEdit::Put(correction.clone())], 6_000);
    loaded.store.save(&mut loaded.annotations, None).unwrap();
    let fresh = nb.refreshed(&data).expect("the store changed");
    assert_eq!(
        section_of(&fresh, "推进ＡＢＣ平台建设"),
        ["一、总体要求", "平台建设"]
    );
    // Only that document's outline was made again: the speech's is shared.
    let fp = |path: &Path| fingerprint(&Document::open(path).unwrap().text);
    let (speech_fp, plan_fp) = (fp(&speech), fp(&plan));
    assert!(Arc::ptr_eq(
        &nb.outlines[&speech_fp],
        &fresh.outlines[&speech_fp]
    ));
    assert!(!Arc::ptr_eq(
        &nb.outlines[&plan_fp],
        &fresh.outlines[&plan_fp]
    ));
    assert!(fresh.refreshed(&data).is_none(), "and now up to date");
    // The index keeps the corrected outline and what it was made with.
    let again = Notebook::load(&data, false).notebook;
    assert_eq!(again.entries(), fresh.entries());
    assert_eq!(again.outline_keys, fresh.outline_keys);
    assert_eq!(again.outline_keys.len(), 1);
    // Outline rules (rules.ron): every document's outline is made with them.
    let rules = vec![Rule {
        name: "no items".into(),
        pattern: "^（一）".into(),
        kind: RuleKind::NotHeading,
        ..Rule::default()
    }];
    let ruled = fresh
        .refreshed_with(&data, &rules)
        .expect("the rules changed");
    assert_eq!(section_of(&ruled, "统一的数据底座"), ["二、主要任务"]);
    assert_eq!(
        section_of(&ruled, "推进ＡＢＣ平台建设"),
        ["一、总体要求", "平台建设"]
    );
    assert!(ruled.refreshed_with(&data, &rules).is_none());
    assert!(ruled.refreshed(&data).is_none(), "its own rules kept");
    // The correction undone, the rules gone: the engine's outline again.
    let mut loaded = DocStore::load(&data, &doc, Some(&plan), &title_of(&doc, &plan));
    loaded
        .annotations
        .correct(vec![CorrectionEdit::Remove(correction.id)], 7_000);
    loaded.store.save(&mut loaded.annotations, None).unwrap();
    let back = ruled.refreshed_with(&data, &[]).expect("both changed");
    assert_eq!(section_of(&back, "推进ＡＢＣ平台建设"), ["一、总体要求"]);
    assert_eq!(
        section_of(&back, "统一的数据底座"),
        section_of(&nb, "统一的数据底座")
    );
    assert!(back.outline_keys.is_empty());
}
