//! The session driven as the window drives it, without a window.

use super::*;

fn session() -> Session {
    Session::sample()
}

/// The first sentence that starts at or after char `from`.
fn sentence_after(s: &Session, from: usize) -> TextRange {
    let mut pos = from;
    loop {
        if let Some(r) = crate::annotate::units::sentence_at(&s.doc, pos)
            && r.start >= from
            && !r.is_empty()
        {
            return r;
        }
        pos += 1;
        assert!(pos < s.doc.char_count, "no sentence after {from}");
    }
}

fn highlight(s: &mut Session, range: TextRange, open_note: bool) -> Vec<Effect> {
    s.apply(
        Action::Highlight {
            range,
            color: Color::Green,
            mark: Mark::Fill,
            open_note,
        },
        Some(0),
    )
}

#[test]
fn a_highlight_is_selected_clears_the_text_selection_and_can_open_its_note() {
    let mut s = session();
    let range = sentence_after(&s, 100);
    let effects = highlight(&mut s, range, true);
    let id = s.selected.expect("the new highlight is selected");
    assert_eq!(s.notes.set.get(id).map(|a| a.range), Some(range));
    assert_eq!(
        effects,
        vec![
            Effect::ColourUsed(Color::Green),
            Effect::ClearTextSelection,
            Effect::Selected(Some(id)),
            Effect::EditNote(id),
        ]
    );
    // An empty or out-of-range one is nothing.
    let n = s.notes.set.len();
    assert!(highlight(&mut s, TextRange::new(5, 5), false).is_empty());
    let past = TextRange::new(s.doc.char_count, s.doc.char_count + 3);
    assert!(highlight(&mut s, past, false).is_empty());
    assert_eq!(s.notes.set.len(), n);
}

#[test]
fn undo_removes_the_highlight_and_deselects_it_redo_brings_it_back() {
    let mut s = session();
    let range = sentence_after(&s, 50);
    highlight(&mut s, range, false);
    let id = s.selected.expect("selected");
    assert_eq!(s.apply(Action::Undo, Some(0)), vec![Effect::Selected(None)]);
    assert!(s.notes.set.get(id).is_none());
    assert_eq!(s.selected, None);
    assert!(s.apply(Action::Redo, Some(0)).is_empty());
    assert!(s.notes.set.get(id).is_some());
}

#[test]
fn a_sentence_highlighted_twice_is_selected_not_doubled() {
    let mut s = session();
    let at = sentence_after(&s, 200).start + 2;
    let color = Color::Pink;
    s.apply(Action::HighlightSentence { at, color }, None);
    let first = s.selected.expect("selected");
    s.apply(Action::SelectAnnotation(None), None);
    let effects = s.apply(Action::HighlightSentence { at, color }, None);
    assert_eq!(effects, vec![Effect::Selected(Some(first))]);
    assert_eq!(s.notes.set.len(), 1);
    assert_eq!(s.notes.set.get(first).map(|a| a.color), Some(Color::Pink));
}

#[test]
fn jumps_are_remembered_for_back_and_forward() {
    let mut s = session();
    assert!(s.outline.nodes.len() > 3, "the sample has headings");
    let target = s.outline.nodes[3].range.start;
    assert_eq!(
        s.apply(Action::JumpToNode(3), Some(40)),
        vec![Effect::JumpTo(target), Effect::OutlineSelect(3)]
    );
    assert_eq!(
        s.apply(Action::Back, Some(target)),
        vec![Effect::JumpTo(40)]
    );
    assert_eq!(
        s.apply(Action::Forward, Some(40)),
        vec![Effect::JumpTo(target)]
    );
    // Not laid out yet: nowhere to come back to.
    assert!(s.apply(Action::Back, None).is_empty());
    assert!(s.apply(Action::JumpToNode(usize::MAX), Some(0)).is_empty());
}

#[test]
fn blanks_are_visited_in_order_from_the_reading_position_and_wrap() {
    let mut s = session();
    let blanks: Vec<TextRange> = s.outline.placeholders.iter().map(|p| p.range).collect();
    assert!(blanks.len() >= 2, "the sample has blanks to fill");
    // From the reading position: the first blank after it.
    let top = blanks[0].start + 1;
    let effects = s.apply(Action::NextBlank(1), Some(top));
    assert_eq!(s.blank, Some(1));
    assert!(effects.contains(&Effect::SelectText(blanks[1])));
    assert!(effects.contains(&Effect::Reveal(blanks[1].start)));
    // Then on from the blank visited, wrapping both ways.
    let n = blanks.len();
    for _ in 0..n {
        s.apply(Action::NextBlank(1), Some(top));
    }
    assert_eq!(s.blank, Some(1));
    s.apply(Action::NextBlank(-1), Some(top));
    s.apply(Action::NextBlank(-1), Some(top));
    assert_eq!(s.blank, Some((1 + n - 2) % n));
    // The first visit was remembered for Back.
    assert_eq!(s.history.can(), (true, false));
}

#[test]
fn going_to_an_annotation_reveals_flashes_and_selects_it() {
    let mut s = session();
    let range = sentence_after(&s, 300);
    highlight(&mut s, range, false);
    let id = s.selected.expect("selected");
    s.apply(Action::SelectAnnotation(None), None);
    let effects = s.apply(Action::GoToAnnotation(id), Some(7));
    assert_eq!(
        effects,
        vec![
            Effect::Reveal(range.start),
            Effect::Flash(id),
            Effect::Selected(Some(id)),
            Effect::ClearTextSelection,
        ]
    );
    assert_eq!(
        s.apply(Action::Back, Some(range.start)),
        vec![Effect::JumpTo(7)]
    );
}

#[test]
fn deleting_the_selected_annotation_deselects_it() {
    let mut s = session();
    let range = sentence_after(&s, 10);
    highlight(&mut s, range, false);
    let id = s.selected.expect("selected");
    let effects = s.apply(Action::DeleteAnnotation(id), None);
    assert_eq!(effects, vec![Effect::Selected(None)]);
    assert!(s.notes.set.is_empty());
}

#[test]
fn typing_a_note_is_one_undo_step() {
    let mut s = session();
    let a = s.apply(Action::AddSectionNote(1), None);
    let id = s.selected.expect("the section note is selected");
    assert!(a.contains(&Effect::EditNote(id)));
    for typed in ["要", "要点", "要点一"] {
        s.apply(Action::TypeNote(id, typed.to_owned()), None);
    }
    s.apply(Action::EndTyping, None);
    assert_eq!(s.notes.set.get(id).map(|a| a.note.as_str()), Some("要点一"));
    s.apply(Action::Undo, None);
    assert_eq!(s.notes.set.get(id).map(|a| a.note.as_str()), Some(""));
}

#[test]
fn every_opening_has_its_own_id() {
    let (a, b) = (session(), session());
    assert_ne!(a.id, b.id);
}

#[test]
fn restoring_without_a_store_says_there_is_no_backup() {
    let mut s = session();
    assert_eq!(
        s.apply(Action::RestoreBackup, None),
        vec![Effect::Restored(None)]
    );
}

#[test]
fn a_large_document_is_shown_before_its_counts_which_arrive_from_a_worker() {
    let paragraph = "我们要把思想统一到会议精神上来，真抓实干，久久为功。\n";
    let text = paragraph.repeat(COUNT_LATER_CHARS / paragraph.chars().count() + 10);
    let doc = Document::from_text(text, "UTF-8", SourceFormat::Text);
    let mut s = Session::new(doc, None, "big.txt".into());
    let woken = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = Arc::clone(&woken);
    s.set_waker(Arc::new(move || {
        flag.store(true, std::sync::atomic::Ordering::SeqCst)
    }));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while s.stats.is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the counts never came"
        );
        s.poll();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let expected = stats(&s.doc, &s.outline, DEFAULT_RATE_CHARS_PER_MIN);
    assert_eq!(s.stats.as_ref().map(|x| &x.total), Some(&expected.total));
    // A small one is counted at once.
    assert!(session().stats.is_some());
}
