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

// ---------------------------------------------------------------------------------------
// A paragraph duplicated beside itself (issue 10).

/// Four paragraphs; the third is long enough for a quote 32 chars away from both its ends.
const PARAGRAPHS: [&str; 4] = [
    "关于进一步加强机关作风建设的讲话",
    "作风建设是党的建设的重要内容，关系人心向背，关系事业成败。各级机关要充分认识加强作风建设的重要性和紧迫性。",
    "当前，一些机关和干部中仍然存在形式主义、官僚主义等问题，必须下大力气加以解决。要聚焦群众反映强烈的突出问题，坚持问题导向，以钉钉子精神抓好整改落实，确保取得群众看得见、摸得着的实效。要完善制度机制，把作风建设要求融入日常管理之中，形成长效机制，防止问题反弹回潮。",
    "各级党组织要履行主体责任，主要负责同志要亲自抓、带头干，一级抓一级、层层抓落实。",
];

/// The document, with paragraph 3 pasted right before itself when `duplicated`.
fn paragraphs(duplicated: bool) -> Document {
    let mut p: Vec<&str> = PARAGRAPHS.to_vec();
    if duplicated {
        p.insert(2, PARAGRAPHS[2]);
    }
    doc(&p.join("\n"))
}

/// Quotes at the start, in the middle (32+ chars from both ends) and at the end of
/// paragraph 3.
const START: &str = "当前，一些机关和干部";
const MIDDLE: &str = "以钉钉子精神抓好整改落实";
const END: &str = "防止问题反弹回潮";

/// Place `items` (highlights made on `before`) in `after`, knowing the old length.
fn placed_after(
    before: &Document,
    after: &Document,
    mut items: Vec<Annotation>,
) -> Vec<Annotation> {
    place_all_after(after, &mut items, Some(before.char_count));
    items
}

#[test]
fn a_paragraph_duplicated_before_a_highlighted_one_flags_the_highlight_ambiguous() {
    // Pasting a copy of paragraph 3 right before it, or right after it, gives the same text:
    // nothing in the text says which copy is the paragraph that was highlighted. So the
    // highlight is never moved silently: it is marked ambiguous (stored as a review, shown
    // in the panel with a Confirm button) and placed on the copy whose context fits better;
    // on a tie (a quote 32+ chars inside the paragraph, identical context on both copies)
    // it stays at its old offsets — the first copy, where a line diff (`git diff`) would
    // also say the old paragraph still is.
    let before = paragraphs(false);
    let after = paragraphs(true);
    let len = PARAGRAPHS[2].chars().count() + 1;
    for (quote, expected_shift) in [(MIDDLE, 0), (START, 0), (END, len)] {
        let a = mark(&before, quote, 0);
        let b = placed_after(&before, &after, vec![a.clone()]).remove(0);
        assert_eq!(b.state, AnchorState::Ambiguous, "{quote}");
        assert_eq!(
            b.review,
            Some(Review {
                old_quote: quote.to_owned(),
                reason: ReviewReason::Ambiguous
            })
        );
        assert_eq!(after.slice(b.range), quote);
        // Start: the first copy keeps the context before the paragraph. End: the second
        // keeps the context after it. Middle: a tie, the old offsets.
        assert_eq!(b.range.start, a.range.start + expected_shift, "{quote}");
    }
}

#[test]
fn highlights_of_a_duplicated_paragraph_stay_together_and_are_all_flagged() {
    let before = paragraphs(false);
    let after = paragraphs(true);
    let items: Vec<Annotation> = [START, MIDDLE, END]
        .iter()
        .map(|q| mark(&before, q, 0))
        .collect();
    let placed = placed_after(&before, &after, items.clone());
    let shifts: Vec<isize> = placed
        .iter()
        .zip(&items)
        .map(|(b, a)| b.range.start as isize - a.range.start as isize)
        .collect();
    assert!(placed.iter().all(|b| b.state == AnchorState::Ambiguous));
    assert!(
        shifts.iter().all(|&s| s == shifts[0]),
        "one copy: {shifts:?}"
    );
}

#[test]
fn a_highlight_after_the_duplicate_is_enough_to_flag_it_without_the_old_length() {
    // The window today places without the old length: the highlight in paragraph 4 moved,
    // the one in paragraph 3 fits both at its old place and moved as far: ambiguous.
    let before = paragraphs(false);
    let after = paragraphs(true);
    let third = mark(&before, MIDDLE, 0);
    let fourth = mark(&before, "层层抓落实", 0);
    let mut set = AnnotationSet::new(vec![third.clone(), fourth.clone()], vec![]);
    assert_eq!(set.place_in(&after), 0);
    assert_eq!(
        set.get(third.id).map(|a| a.state),
        Some(AnchorState::Ambiguous)
    );
    let moved = set.get(fourth.id).expect("kept");
    assert_eq!(moved.state, AnchorState::Moved);
    assert_eq!(after.slice(moved.range), "层层抓落实");
}

#[test]
fn a_paragraph_that_was_already_twice_in_an_unchanged_text_is_not_flagged() {
    // The same text with the same offsets: nothing moved, nothing to confirm — on either
    // copy, with or without the old length, and after a confirmed ambiguous placing.
    let text = paragraphs(true);
    for nth in [0, 1] {
        let a = mark(&text, MIDDLE, nth);
        for old_len in [None, Some(text.char_count)] {
            let mut items = vec![a.clone()];
            place_all_after(&text, &mut items, old_len);
            assert_eq!(
                (items[0].state, items[0].range),
                (AnchorState::Exact, a.range)
            );
            assert_eq!(items[0].review, None);
        }
    }
    let before = paragraphs(false);
    let mut b = placed_after(&before, &text, vec![mark(&before, MIDDLE, 0)]).remove(0);
    b.confirm_place();
    assert_eq!((b.state, b.review.as_ref()), (AnchorState::Exact, None));
    let again = placed_after(&text, &text, vec![b.clone()]).remove(0);
    assert_eq!(
        (again.state, again.range, again.review),
        (AnchorState::Exact, b.range, None)
    );
}

#[test]
fn a_paragraph_copied_far_from_itself_leaves_the_highlight_where_it_was() {
    let before = paragraphs(false);
    let copied = doc(&format!("{}\n{}", PARAGRAPHS.join("\n"), PARAGRAPHS[2]));
    let a = mark(&before, MIDDLE, 0);
    let b = placed_after(&before, &copied, vec![a.clone()]).remove(0);
    assert_eq!(
        (b.state, b.range, b.review),
        (AnchorState::Exact, a.range, None)
    );
}

// ---------------------------------------------------------------------------------------
// A fuzzy placing is remembered until confirmed (issue 10).

#[test]
fn a_fuzzy_placement_is_still_flagged_after_a_save_and_the_next_load() {
    let d = doc(SPEECH);
    let old = "我们要把思想统一到会议精神上来，真抓实干";
    let a = mark(&d, old, 0);
    let edited = doc(&SPEECH.replace("统一到会议精神上来，真抓", "统一到全会精神上来，真抓"));
    let mut items = vec![a];
    place_all_after(&edited, &mut items, Some(d.char_count));
    let b = items.remove(0);
    assert_eq!(b.state, AnchorState::Fuzzy);
    assert_eq!(b.quote, "我们要把思想统一到全会精神上来，真抓实干");
    let review = Review {
        old_quote: old.to_owned(),
        reason: ReviewReason::Fuzzy,
    };
    assert_eq!(b.review.as_ref(), Some(&review));
    // Saved and read back (the review is stored, the state is not: the store's records,
    // `store::record`, check that), then placed again: now at its exact offsets, and still
    // fuzzy, with the quote from before the edit.
    let read = Annotation {
        state: AnchorState::default(),
        ..b.clone()
    };
    let mut items = vec![read];
    place_all_after(&edited, &mut items, Some(edited.char_count));
    assert_eq!(items[0].state, AnchorState::Fuzzy);
    assert_eq!(items[0].range, b.range);
    assert_eq!(items[0].review.as_ref(), Some(&review));
    // A second edit keeps the quote the user last saw.
    let again = doc(&SPEECH.replace("统一到会议精神上来，真抓", "统一到全会精神上去，真抓"));
    place_all_after(&again, &mut items, Some(edited.char_count));
    assert_eq!(items[0].quote, "我们要把思想统一到全会精神上去，真抓实干");
    assert_eq!(items[0].review.as_ref(), Some(&review));
    // Confirmed: exact from now on, with no review to store.
    items[0].confirm_place();
    assert_eq!(
        (items[0].state, items[0].review.as_ref()),
        (AnchorState::Exact, None)
    );
    place_all_after(&again, &mut items, Some(again.char_count));
    assert_eq!(
        (items[0].state, items[0].review.as_ref()),
        (AnchorState::Exact, None)
    );
}

#[test]
fn a_fuzzy_quote_whose_text_comes_back_needs_no_confirming() {
    let d = doc(SPEECH);
    let old = "我们要把思想统一到会议精神上来，真抓实干";
    let edited = doc(&SPEECH.replace("会议精神上来，真抓", "全会精神上来，真抓"));
    let mut items = vec![mark(&d, old, 0)];
    place_all_after(&edited, &mut items, Some(d.char_count));
    assert_eq!(items[0].state, AnchorState::Fuzzy);
    place_all_after(&d, &mut items, Some(edited.char_count));
    assert_eq!(
        (items[0].quote.as_str(), items[0].state),
        (old, AnchorState::Exact)
    );
    assert_eq!(items[0].review, None);
}

// ---------------------------------------------------------------------------------------
// One rule for stored offsets (issue 10).

#[test]
fn an_empty_quote_past_the_end_is_unplaced_in_notes_and_in_the_export_alike() {
    use crate::export::{Content, Filter, Format, Lang, Options, Source, export};
    let d = doc(SPEECH);
    let n = d.char_count;
    let note = |id: u64, start: usize, end: usize| Annotation {
        id,
        kind: Kind::SectionNote,
        // Built field by field: a hostile store can hold an inverted range.
        range: TextRange { start, end },
        note: "空引文的笔记".into(),
        ..Annotation::default()
    };
    let cases = [
        // Start past the end, end within: an inverted range.
        (1, n + 5, n - 2, false),
        // Both past the end.
        (2, n + 3, n + 7, false),
        (3, n + 1, n + 1, false),
        // Inverted inside the text.
        (4, 9, 4, false),
        // At the very end, and inside.
        (5, n, n, true),
        (6, 3, 3, true),
    ];
    let mut items: Vec<Annotation> = cases.iter().map(|&(id, s, e, _)| note(id, s, e)).collect();
    place_all(&d, &mut items);
    for (a, &(id, start, end, ok)) in items.iter().zip(&cases) {
        assert_eq!(a.is_placed(), ok, "{start}..{end}");
        assert_eq!(
            place(&d, &note(id, start, end)).is_some(),
            ok,
            "{start}..{end}"
        );
        if ok {
            assert!(a.range.end <= n);
        }
    }
    let o = crate::outline::outline(&d);
    let options = Options {
        content: Content::Annotations,
        filter: Filter::default(),
        lang: Lang::En,
        full_path: false,
        full_titles: false,
    };
    let source = Source {
        doc: &d,
        outline: &o,
        annotations: &items,
        title: "t",
        source_file: None,
        exported_at: "2026-01-02 03:04",
        utc_offset_seconds: 0,
    };
    let json = export(&source, &options, Format::Json).expect("export");
    let value: serde_json::Value = serde_json::from_slice(&json).expect("json");
    let exported = value["annotations"].as_array().expect("annotations");
    for &(id, start, end, ok) in &cases {
        let e = exported
            .iter()
            .find(|e| e["id"].as_str().and_then(|s| s.parse().ok()) == Some(id))
            .expect("exported");
        assert_eq!(e["placed"], ok, "{start}..{end}");
    }
    // `pizhu notes` lists the same ones as unplaced (the inverted ones cannot go into an
    // `AnnotationSet` yet: its sorting takes `range.len()`, which they overflow).
    let valid: Vec<Annotation> = items
        .iter()
        .filter(|a| a.range.start <= a.range.end)
        .cloned()
        .collect();
    let set = AnnotationSet::new(valid, vec![]);
    let listing = crate::export::notes_text("t", &o, &set);
    assert!(listing.contains("2 unplaced"), "{listing}");
}

#[test]
fn merging_a_few_changes_by_scanning_gives_what_the_index_gives() {
    // Random sets with duplicate ids, removals on both sides and changes newer and older than
    // ours: both ways of merging must leave the same items, removals and answer.
    let d = doc(SPEECH);
    let mut rng = crate::testing::Xorshift(0x9E37_79B9_7F4A_7C15);
    let mut next = |n: u64| rng.below(n);
    let base = mark(&d, "提高站位", 0);
    for round in 0..500 {
        let annotation = |id: u64, next: &mut dyn FnMut(u64) -> u64| {
            let mut a = base.clone();
            a.id = id;
            a.modified_ms = 1000 + next(50) as i64;
            a.note = format!("{}", next(3));
            let start = next(20) as usize;
            a.range = TextRange::new(start, start + 1 + next(5) as usize);
            a
        };
        let mine: Vec<Annotation> = (0..next(12))
            .map(|_| annotation(next(10), &mut next))
            .collect();
        let my_removed: Vec<(AnnotationId, i64)> = (0..next(4))
            .map(|_| (next(10), 1000 + next(50) as i64))
            .collect();
        let theirs: Vec<Annotation> = (0..next(10))
            .map(|_| annotation(next(10), &mut next))
            .collect();
        let their_removed: Vec<(AnnotationId, i64)> = (0..next(5))
            .map(|_| (next(10), 1000 + next(50) as i64))
            .collect();
        let set = AnnotationSet::new(mine, my_removed);
        let (mut a, mut b) = (set.clone(), set);
        let changed_a = a.merge_few(theirs.clone(), &their_removed);
        let changed_b = b.merge_indexed(theirs, &their_removed);
        assert_eq!(changed_a, changed_b, "round {round}");
        let key = |s: &AnnotationSet| -> Vec<(u64, i64, String, TextRange)> {
            s.items()
                .iter()
                .map(|x| (x.id, x.modified_ms, x.note.clone(), x.range))
                .collect()
        };
        assert_eq!(key(&a), key(&b), "round {round}");
        assert_eq!(a.removed(), b.removed(), "round {round}");
    }
}

#[test]
fn each_tag_gives_the_same_tags_as_all_tags_without_copying() {
    let d = doc(SPEECH);
    let mut a = mark(&d, "提高站位", 0);
    a.tags = vec!["金句".into(), "提法".into()];
    a.note = "好 #金句 又 ＃新提法，#新提法 #数字".into();
    let each: Vec<&str> = a.each_tag().collect();
    assert_eq!(each, a.all_tags());
    assert_eq!(each, ["金句", "提法", "新提法", "数字"]);
    a.note = "没有标签".into();
    assert_eq!(a.each_tag().collect::<Vec<_>>(), ["金句", "提法"]);
}

#[test]
fn hashtags_are_renamed_ignoring_case_and_keeping_their_hash() {
    let note = "好 #Policy，又 ＃policy #policy2 #其他 #policy";
    assert_eq!(
        rename_hashtags(note, "policy", "政策").as_deref(),
        Some("好 #政策，又 ＃政策 #policy2 #其他 #政策")
    );
    assert_eq!(rename_hashtags(note, "无", "有"), None);
    assert_eq!(rename_hashtags("没有标签", "policy", "x"), None);
}

/// Adding a few annotations to thousands in order inserts each where it belongs; the
/// order is the stable sort's (start, end, id), equals kept in the order they came.
#[test]
fn a_few_added_to_many_land_where_the_sort_puts_them() {
    let text = "各级党组织要履行主体责任，主要负责同志要亲自抓、带头干。".repeat(100);
    let d = doc(&text);
    let at = |start: usize, len: usize, color: Color| {
        Annotation::highlight(&d, TextRange::new(start, start + len), color, 1_000)
    };
    let mut items: Vec<Annotation> = (0..2_000)
        .map(|i| at((i * 7919) % (d.char_count - 40), 5 + i % 30, Color::Yellow))
        .collect();
    items.sort_by_key(|a| (a.range.start, a.range.end, a.id));
    let mut set = AnnotationSet::new(items, vec![]);
    for batch in [1, 3, FEW_TO_INSERT, FEW_TO_INSERT + 1] {
        let added: Vec<Annotation> = (0..batch)
            .map(|k| at((k * 104_729) % (d.char_count - 40), 12, Color::Blue))
            .collect();
        // One of them twice, as a duplicated id may be held.
        let mut edits: Vec<Edit> = added.iter().cloned().map(Edit::Add).collect();
        edits.push(Edit::Add(added[0].clone()));
        let mut expected: Vec<Annotation> = set.items().to_vec();
        expected.extend(added.iter().cloned());
        expected.push(added[0].clone());
        expected.sort_by_key(|a| (a.range.start, a.range.end, a.id));
        set.apply(edits, 2_000);
        let ids = |v: &[Annotation]| v.iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(ids(set.items()), ids(&expected), "{batch} added");
        assert!(set.overlapping(added[0].range).any(|a| a.id == added[0].id));
    }
}

/// Random annotations and changes for the in-place paths' properties: ids from a small
/// pool (so changes meet), ranges over a short text, some unplaced.
struct Changes {
    rng: crate::testing::Xorshift,
    clock: i64,
}

impl Changes {
    fn next(&mut self, n: u64) -> u64 {
        self.rng.below(n)
    }

    fn annotation(&mut self, id: AnnotationId) -> Annotation {
        self.clock += 1;
        let start = self.next(40) as usize;
        Annotation {
            id,
            range: TextRange::new(start, start + self.next(6) as usize),
            note: format!("{}", self.next(4)),
            modified_ms: 1000 + self.next(60) as i64,
            state: if self.next(6) == 0 {
                AnchorState::Unplaced
            } else {
                AnchorState::Exact
            },
            ..Annotation::default()
        }
    }

    fn edits(&mut self, pool: u64) -> Vec<Edit> {
        let n = if self.next(10) == 0 {
            40
        } else {
            1 + self.next(3)
        };
        (0..n)
            .map(|_| {
                let id = 1 + self.next(pool);
                match self.next(3) {
                    // Half of them new, as most additions are (a held id is added too:
                    // the set then holds it twice).
                    0 if self.next(2) == 0 => {
                        let fresh = 1 + pool + self.next(100_000);
                        Edit::Add(self.annotation(fresh))
                    }
                    0 => Edit::Add(self.annotation(id)),
                    1 => Edit::Update(self.annotation(id)),
                    _ => Edit::Remove(id),
                }
            })
            .collect()
    }

    fn theirs(&mut self, pool: u64) -> (Vec<Annotation>, Vec<(AnnotationId, i64)>) {
        let many = self.next(12) == 0;
        let n = if many { 30 } else { self.next(4) };
        let theirs = (0..n)
            .map(|_| {
                let id = 1 + self.next(pool);
                self.annotation(id)
            })
            .collect();
        let removed = (0..self.next(3))
            .map(|_| (1 + self.next(pool), 1000 + self.next(60) as i64))
            .collect();
        (theirs, removed)
    }
}

/// The set's lookups agree with scanning its items.
fn check_index(set: &AnnotationSet) {
    for a in set.items() {
        let first = set.items().iter().position(|x| x.id == a.id);
        assert_eq!(set.position(a.id), first);
        assert_eq!(set.all_with_id(a.id).count(), {
            set.items().iter().filter(|x| x.id == a.id).count()
        });
    }
    assert_eq!(set.position(u64::MAX), None);
    let sorted = set.items().windows(2).all(|w| key(&w[0]) <= key(&w[1]));
    assert!(sorted);
}

/// What `changes_since` said about the items of generation `then`, checked against them.
fn check_delta(then: &[Annotation], now: &[Annotation], delta: &Delta) {
    let touched = |id: AnnotationId| delta.touched.iter().any(|t| t.id == id);
    for t in &delta.touched {
        let was = then.iter().position(|a| a.id == t.id);
        assert_eq!(t.was_at, was, "{t:?}");
        assert_eq!(
            t.was,
            was.map(|i| Was {
                range: then[i].range,
                placed: then[i].is_placed()
            })
        );
        assert_eq!(t.now_at, now.iter().position(|a| a.id == t.id), "{t:?}");
    }
    let kept = |items: &[Annotation]| -> Vec<Annotation> {
        items.iter().filter(|a| !touched(a.id)).cloned().collect()
    };
    assert_eq!(
        kept(then),
        kept(now),
        "untouched annotations stay as they were"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Every change made in place (edits, merges, typing, undo, redo) leaves the set as the
    /// general path leaves it (items, order, removals, undo), its index agrees with its
    /// items, and what `changes_since` reports is what changed.
    #[test]
    fn changes_in_place_equal_the_general_path(seed in 1u64.., pool in 3u64..40) {
        let mut r = Changes {
            rng: crate::testing::Xorshift(seed),
            clock: 0,
        };
        let items: Vec<Annotation> = (0..r.next(30))
            .map(|k| r.annotation(1 + k))
            .collect();
        let mut fast = AnnotationSet::new(items, vec![(pool + 1, 1500)]);
        let mut general = fast.clone();
        let mut history: Vec<(u64, Vec<Annotation>)> =
            vec![(fast.generation(), fast.items().to_vec())];
        let mut deltas = 0;
        for step in 0..30 {
            let now = 2000 + step;
            // The general path: the one a set holding an id twice takes.
            general.duplicates = true;
            match r.next(6) {
                0 | 1 => {
                    let edits = r.edits(pool);
                    fast.apply(edits.clone(), now);
                    general.apply(edits, now);
                }
                2 => {
                    let (theirs, removed) = r.theirs(pool);
                    let a = fast.merge(theirs.clone(), &removed);
                    let b = general.merge(theirs, &removed);
                    proptest::prop_assert_eq!(a, b);
                }
                3 => {
                    let id = 1 + r.next(pool);
                    let a = r.annotation(id);
                    fast.replace_last(a.clone(), now);
                    general.replace_last(a, now);
                }
                4 => {
                    proptest::prop_assert_eq!(fast.undo(now), general.undo(now));
                }
                _ => {
                    proptest::prop_assert_eq!(fast.redo(now), general.redo(now));
                }
            }
            general.duplicates = false;
            proptest::prop_assert_eq!(fast.items(), general.items());
            proptest::prop_assert_eq!(fast.removed(), general.removed());
            proptest::prop_assert_eq!(fast.generation(), general.generation());
            proptest::prop_assert_eq!(fast.can_undo(), general.can_undo());
            check_index(&fast);
            if history.last().map(|h| h.0) != Some(fast.generation()) {
                history.push((fast.generation(), fast.items().to_vec()));
            }
            for (g, then) in &history {
                if let Some(delta) = fast.changes_since(*g) {
                    check_delta(then, fast.items(), &delta);
                    deltas += usize::from(!delta.touched.is_empty());
                }
            }
        }
        // A small change to a set holding each id once is reported, not only refused.
        if !fast.duplicates {
            let g = fast.generation();
            let fresh = r.annotation(pool + 100);
            fast.apply(vec![Edit::Add(fresh)], 9_000);
            let delta = fast.changes_since(g);
            proptest::prop_assert!(delta.is_some());
            check_delta(&history.last().expect("a generation").1, fast.items(), &delta.unwrap_or_default());
            deltas += 1;
        }
        proptest::prop_assert!(deltas > 0 || fast.duplicates);
    }
}

#[test]
fn one_change_is_reported_with_where_it_stood_and_a_large_one_is_not() {
    let text = "各级党组织要履行主体责任，主要负责同志要亲自抓、带头干。".repeat(20);
    let d = doc(&text);
    let at = |start: usize| {
        Annotation::highlight(&d, TextRange::new(start, start + 4), Color::Yellow, 1_000)
    };
    let mut set = AnnotationSet::new((0..100).map(|i| at(i * 5)).collect(), vec![]);
    let g = set.generation();
    let moved = {
        let mut a = set.items()[10].clone();
        a.set_range(&d, TextRange::new(2, 6));
        a
    };
    set.apply(vec![Edit::Update(moved.clone())], 2_000);
    let delta = set.changes_since(g).expect("one change is known");
    assert_eq!(
        delta.touched,
        [Touched {
            id: moved.id,
            was: Some(Was {
                range: TextRange::new(50, 54),
                placed: true
            }),
            was_at: Some(10),
            now_at: Some(1),
        }]
    );
    assert_eq!(set.get(moved.id).map(|a| a.range), Some(moved.range));
    assert_eq!(set.changes_since(set.generation()), Some(Delta::default()));
    // Many at once (a restore): the views start over.
    let g = set.generation();
    set.apply((0..FEW + 1).map(|i| Edit::Add(at(i * 3))).collect(), 3_000);
    assert_eq!(set.changes_since(g), None);
    // So does a change the set does not log (the outline made anew).
    let g = set.generation();
    set.touch();
    set.apply(vec![Edit::Remove(moved.id)], 4_000);
    assert_eq!(set.changes_since(g), None);
    assert!(set.changes_since(g + 1).is_some());
}
