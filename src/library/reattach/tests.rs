use super::*;
use crate::library::tests::with_notes;

/// A speech long enough that its paragraphs are its own.
pub(crate) const LONG: &str = "关于推进基层减负工作的讲话\n同志们：\n一、充分认识基层减负的重要意义\n基层是贯彻落实党中央决策部署的“最后一公里”，基层干部承担着大量具体工作。近年来文山会海有所反弹，督查检查考核过多过频，一些地方把痕迹管理变成了留痕主义。\n二、突出重点精准施策\n（一）持续精简文件会议。能开短会的不开长会，能发短文的不发长文，坚决防止层层加码。\n（二）规范督查检查考核。统筹安排年度计划，实行清单管理，严禁以调研名义变相开展督查。\n（三）整治形式主义为基层减负。坚决纠正“指尖上的形式主义”，政务应用程序能整合的整合，能关停的关停。\n三、强化组织保障\n各级党委要扛起主体责任，主要负责同志亲自抓，把减负成效作为作风建设的重要内容，让基层干部把更多精力用在抓落实上。\n";

const QUOTES: [(&str, &str); 5] = [
    ("基层是贯彻落实党中央决策部署的“最后一公里”", "开头 #金句"),
    ("能开短会的不开长会，能发短文的不发长文", ""),
    ("严禁以调研名义变相开展督查", "#督查"),
    ("坚决纠正“指尖上的形式主义”", "要点"),
    ("把更多精力用在抓落实上", "结尾"),
];

fn stores(data: &Path) -> Vec<PathBuf> {
    index::store_files(&data.join("annotations"))
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

#[test]
fn a_moved_and_edited_document_gets_every_note_back() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let old = tmp.path().join("a/讲话.txt");
    let old_store = with_notes(&data, &old, LONG, &QUOTES);
    // Moved, and edited: a paragraph rewritten (around a quote), one added, one cut.
    let new = tmp.path().join("b/讲话（修订）.txt");
    std::fs::create_dir_all(new.parent().unwrap()).unwrap();
    let edited = LONG
        .replace("近年来文山会海有所反弹", "近几年会议文件又多了起来")
        .replace("统筹安排年度计划，实行清单管理，", "")
        .replace(
            "三、强化组织保障\n",
            "三、强化组织保障\n会议要求，各地要在年底前完成自查。\n",
        );
    std::fs::write(&new, &edited).unwrap();
    std::fs::remove_file(&old).unwrap();
    let doc = Document::open(&new).unwrap();
    let opened = load_store(&data, &doc, Some(&new), "讲话", Access::Write);
    assert_eq!(opened.reattached.as_deref(), Some(old_store.as_path()));
    assert!(opened.offers.is_empty());
    let mut loaded = opened.loaded;
    assert_eq!(loaded.annotations.len(), 5);
    assert_eq!(
        loaded.annotations.place_in_after(&doc, loaded.stored_chars),
        0
    );
    for (quote, note) in QUOTES {
        let a = loaded
            .annotations
            .items()
            .iter()
            .find(|a| a.note == note)
            .unwrap();
        assert_eq!(doc.slice(a.range), quote);
    }
    // The first save writes them under the new text's fingerprint and retires the old store.
    loaded.store.save(&mut loaded.annotations, None).unwrap();
    assert_eq!(stores(&data), [loaded.store.path().to_owned()]);
    assert!(
        data.join("annotations/backups")
            .join(old_store.file_name().unwrap())
            .exists()
    );
    // Opened again: found by fingerprint now.
    let again = load_store(&data, &doc, Some(&new), "讲话", Access::ReadOnly);
    assert!(again.reattached.is_none() && again.loaded.annotations.len() == 5);
}

#[test]
fn a_weaker_match_is_offered_not_taken_and_attaching_takes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let old = tmp.path().join("a/讲话.txt");
    let old_store = with_notes(&data, &old, LONG, &QUOTES);
    std::fs::remove_file(&old).unwrap();
    // Another document quotes two of the five passages, with their sentences.
    let other = tmp.path().join("摘编.txt");
    let text = "学习摘编\n基层是贯彻落实党中央决策部署的“最后一公里”，基层干部承担着大量具体工作。\n另有体会：坚决纠正“指尖上的形式主义”，政务应用程序能整合的整合。\n";
    std::fs::write(&other, text).unwrap();
    let doc = Document::open(&other).unwrap();
    let before = std::fs::read(&old_store).unwrap();
    let opened = load_store(&data, &doc, Some(&other), "摘编", Access::Write);
    assert!(opened.reattached.is_none());
    assert!(opened.loaded.annotations.is_empty());
    assert_eq!(opened.offers.len(), 1);
    let offer = &opened.offers[0];
    assert_eq!((offer.notes, offer.found), (5, 2));
    assert_eq!(offer.title, "关于推进基层减负工作的讲话");
    assert_eq!(offer.store, old_store);
    assert_eq!(offer.preview.len(), 2);
    assert!(
        offer.preview[0].contains("最后一公里"),
        "{:?}",
        offer.preview
    );
    assert_eq!(std::fs::read(&old_store).unwrap(), before, "nothing taken");
    // Attach: all five come, two placed, the rest kept unplaced; the old store retired.
    let added = attach(&data, offer, &doc, &other, "摘编").unwrap();
    assert_eq!(added, 5);
    assert!(!old_store.exists());
    let mut found = DocStore::load_read_only(&data, &doc, Some(&other), "摘编");
    assert_eq!(found.annotations.len(), 5);
    assert_eq!(found.annotations.place_in(&doc), 3);
    let e = attach(&data, offer, &doc, &other, "摘编").unwrap_err();
    assert!(e.to_string().contains("gone"), "{e}");
}

#[test]
fn notes_of_a_document_still_there_are_never_taken_by_a_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let original = tmp.path().join("a/讲话.txt");
    with_notes(&data, &original, LONG, &QUOTES);
    let copy = tmp.path().join("copy.txt");
    std::fs::write(&copy, LONG.replace("同志们：", "各位：")).unwrap();
    let doc = Document::open(&copy).unwrap();
    let opened = load_store(&data, &doc, Some(&copy), "", Access::Write);
    assert!(opened.reattached.is_none() && opened.offers.is_empty());
    assert!(opened.loaded.annotations.is_empty());
}

#[test]
fn a_short_quote_is_found_by_its_context() {
    let text = "第一段讲的是甲乙丙丁戊己庚辛。第二段讲的是子丑寅卯辰巳午未。";
    let doc = crate::library::tests::text_doc(text);
    let shingles = TextShingles::of(&doc.text, doc.char_count);
    let start = doc.char_of_byte(text.find("寅卯").unwrap());
    let a = Annotation::highlight(
        &doc,
        crate::TextRange::new(start, start + 2),
        crate::annotate::Color::Yellow,
        1,
    );
    assert_eq!(shingles.holds(&a), Some(true));
    let elsewhere = crate::library::tests::text_doc("毫不相干的文字，寅卯两个字也在这里。");
    let other = TextShingles::of(&elsewhere.text, elsewhere.char_count);
    assert_eq!(
        other.holds(&a),
        Some(false),
        "the quote alone is not enough"
    );
    let blank = Annotation::default();
    assert_eq!(shingles.holds(&blank), None);
}

#[test]
fn windows_are_every_run_of_n_chars() {
    let text = "ab甲乙cd";
    let mut got = Vec::new();
    windows(text, 3, |h| got.push(h));
    let chars: Vec<char> = text.chars().collect();
    let want: Vec<u64> = chars
        .windows(3)
        .map(|w| hash(w.iter().collect::<String>().as_bytes()))
        .collect();
    assert_eq!(got, want);
    let mut none = 0;
    windows("ab", 3, |_| none += 1);
    assert_eq!(none, 0);
}
