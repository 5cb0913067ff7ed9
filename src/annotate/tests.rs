use super::*;
use crate::document::SourceFormat;

fn doc(text: &str) -> Document {
    Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text)
}

fn mark(d: &Document, quote: &str, nth: usize) -> Annotation {
    let byte = d.text.match_indices(quote).nth(nth).expect("quote").0;
    let start = d.char_of_byte(byte);
    Annotation::highlight(
        d,
        TextRange::new(start, start + quote.chars().count()),
        Color::Green,
        1000,
    )
}

const SPEECH: &str = "同志们：\n　　一要提高站位。我们要把思想统一到会议精神上来。\n　　二要狠抓落实。我们要把思想统一到会议精神上来，真抓实干。\n　　三要严明纪律。";

#[test]
fn char_and_byte_offsets_convert_both_ways() {
    let d = doc(SPEECH);
    for (byte, _) in d.text.char_indices() {
        assert_eq!(d.byte_of(d.char_of_byte(byte)), byte);
    }
    assert_eq!(d.byte_of(d.char_count), d.text.len());
}

#[test]
fn a_new_highlight_records_quote_and_context() {
    let d = doc(SPEECH);
    let a = mark(&d, "狠抓落实", 0);
    assert_eq!(a.quote, "狠抓落实");
    assert!(a.prefix.ends_with("　　二要"), "{}", a.prefix);
    assert_eq!(a.prefix.chars().count(), CONTEXT_CHARS);
    assert!(a.suffix.starts_with("。我们要"));
    assert_eq!(place(&d, &a), Some((a.range, AnchorState::Exact)));
}

#[test]
fn moved_text_is_found_by_its_quote_and_the_context_picks_the_right_copy() {
    let d = doc(SPEECH);
    // The second of two identical sentences.
    let a = mark(&d, "我们要把思想统一到会议精神上来", 1);
    let edited = doc(&SPEECH.replace("同志们：", "各位同志、同志们：\n前言一段。"));
    let (range, state) = place(&edited, &a).expect("placed");
    assert_eq!(state, AnchorState::Moved);
    assert_eq!(edited.slice(range), a.quote);
    // It is the copy after 二要, not the first one.
    let second = edited
        .text
        .match_indices(a.quote.as_str())
        .nth(1)
        .expect("two")
        .0;
    assert_eq!(range.start, edited.char_of_byte(second));
}

#[test]
fn a_quote_edited_inside_is_placed_fuzzily() {
    let d = doc(SPEECH);
    let a = mark(&d, "我们要把思想统一到会议精神上来，真抓实干", 0);
    let edited = doc(&SPEECH.replace("统一到会议精神上来，真抓", "统一到全会精神上来，真抓"));
    let (range, state) = place(&edited, &a).expect("placed");
    assert_eq!(state, AnchorState::Fuzzy);
    assert_eq!(
        edited.slice(range),
        "我们要把思想统一到全会精神上来，真抓实干"
    );
}

#[test]
fn a_quote_edited_and_moved_far_away_is_still_found() {
    let long_tail: String = "其他内容。".repeat(2000);
    let text = format!("开头。{SPEECH}\n{long_tail}");
    let d = doc(&text);
    let a = mark(&d, "我们要把思想统一到会议精神上来，真抓实干", 0);
    let moved = format!(
        "开头。\n{long_tail}\n{}",
        SPEECH.replace("会议精神", "大会精神")
    );
    let edited = doc(&moved);
    let (range, state) = place(&edited, &a).expect("placed");
    assert_eq!(state, AnchorState::Fuzzy);
    assert_eq!(
        edited.slice(range),
        "我们要把思想统一到大会精神上来，真抓实干"
    );
}

#[test]
fn text_that_is_gone_leaves_the_annotation_unplaced_but_kept() {
    let d = doc(SPEECH);
    let mut set = AnnotationSet::new(
        vec![mark(&d, "严明纪律", 0), mark(&d, "提高站位", 0)],
        vec![],
    );
    let edited = doc(&SPEECH.replace("三要严明纪律。", "三要改进作风。"));
    assert_eq!(set.place_in(&edited), 1);
    assert_eq!(set.len(), 2);
    let lost = set
        .items()
        .iter()
        .find(|a| !a.is_placed())
        .expect("unplaced");
    assert_eq!(lost.quote, "严明纪律");
}

#[test]
fn undo_and_redo_replay_adds_updates_and_removes() {
    let d = doc(SPEECH);
    let mut set = AnnotationSet::default();
    let a = mark(&d, "提高站位", 0);
    set.apply(vec![Edit::Add(a.clone())], 10);
    let mut noted = a.clone();
    noted.note = "好句子 #金句".into();
    set.apply(vec![Edit::Update(noted)], 20);
    assert_eq!(set.get(a.id).map(|x| x.note.as_str()), Some("好句子 #金句"));
    set.apply(vec![Edit::Remove(a.id)], 30);
    assert!(set.is_empty());
    assert!(set.undo(40));
    assert_eq!(set.get(a.id).map(|x| x.note.as_str()), Some("好句子 #金句"));
    assert!(set.undo(50));
    assert_eq!(set.get(a.id).map(|x| x.note.as_str()), Some(""));
    assert!(set.undo(60));
    assert!(set.is_empty());
    assert!(!set.undo(70));
    assert!(set.redo(80));
    assert!(set.redo(90));
    assert_eq!(set.get(a.id).map(|x| x.note.as_str()), Some("好句子 #金句"));
    // A new edit clears what could be redone.
    set.apply(vec![Edit::Remove(a.id)], 100);
    assert!(!set.redo(110));
}

#[test]
fn merging_keeps_both_windows_changes_and_respects_removals() {
    let d = doc(SPEECH);
    let shared = mark(&d, "提高站位", 0);
    let gone = mark(&d, "严明纪律", 0);
    let mut mine = AnnotationSet::new(vec![shared.clone(), gone.clone()], vec![]);
    // This window adds one and removes one.
    let added_here = mark(&d, "狠抓落实", 0);
    mine.apply(
        vec![Edit::Add(added_here.clone()), Edit::Remove(gone.id)],
        5000,
    );
    // The other window edited the shared note later, added its own, and still has `gone`.
    let mut theirs_shared = shared.clone();
    theirs_shared.note = "另一个窗口".into();
    theirs_shared.modified_ms = 6000;
    let added_there = mark(&d, "真抓实干", 0);
    assert!(mine.merge(vec![theirs_shared, gone.clone(), added_there.clone()], &[]));
    let ids: Vec<_> = mine.items().iter().map(|a| a.id).collect();
    assert!(ids.contains(&added_here.id) && ids.contains(&added_there.id));
    assert!(
        !ids.contains(&gone.id),
        "a removal is not undone by a merge"
    );
    assert_eq!(
        mine.get(shared.id).map(|a| a.note.as_str()),
        Some("另一个窗口")
    );
}

#[test]
fn tags_come_from_the_field_and_from_hashtags_in_the_note() {
    assert_eq!(
        hashtags("很好 #金句，#开头 #金句 ＃结构。"),
        ["金句", "开头", "结构"]
    );
    assert_eq!(clean_tag("  #排比 "), Some("排比".into()));
    assert_eq!(clean_tag(" # "), None);
    let a = Annotation {
        tags: vec!["开头".into()],
        note: "#金句 #开头".into(),
        ..Annotation::default()
    };
    assert_eq!(a.all_tags(), ["开头", "金句"]);
}

#[test]
fn ids_do_not_repeat_even_thousands_a_millisecond() {
    let ids: std::collections::HashSet<_> = (0..20_000).map(|_| new_id(5)).collect();
    assert_eq!(ids.len(), 20_000);
    assert!(!ids.contains(&0));
}

#[test]
fn colours_have_names_in_both_languages() {
    assert_eq!(Color::from_name("Pink"), Some(Color::Pink));
    assert_eq!(Color::from_name("绿色"), Some(Color::Green));
    assert_eq!(Color::from_name("紫"), Some(Color::Purple));
    assert_eq!(Color::from_name("red"), None);
}

#[test]
fn overlapping_highlights_are_found_and_the_shortest_wins_a_click() {
    let d = doc(SPEECH);
    let long = mark(&d, "二要狠抓落实。我们要", 0);
    let short = mark(&d, "狠抓落实", 0);
    let set = AnnotationSet::new(vec![long.clone(), short.clone()], vec![]);
    let pos = short.range.start + 1;
    assert_eq!(set.highlight_at(pos).map(|a| a.id), Some(short.id));
    assert_eq!(
        set.highlight_at(long.range.start).map(|a| a.id),
        Some(long.id)
    );
    assert_eq!(set.overlapping(TextRange::new(pos, pos + 1)).count(), 2);
    assert_eq!(set.overlapping(TextRange::new(0, 3)).count(), 0);
}
