//! The find bar in the window (issue 16): the current match lands well inside the view, the
//! "By section" list takes its own room above the text and counts subsections into their
//! sections, and the counter never shows another query's count.

mod common;

use egui::{Key, Modifiers, Role, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use pizhu::app::{PizhuApp, Startup};
use pizhu::session::find::{Counter, Find};

/// The bundled sample at 1400×900, in English.
fn window() -> Harness<'static, PizhuApp> {
    common::window_of(Vec2::new(1400.0, 900.0), None, None, Startup::Sample)
}

fn found<'h>(h: &'h Harness<'static, PizhuApp>) -> &'h Find {
    &h.state().current.as_ref().expect("a document is open").find
}

fn settle_find(h: &mut Harness<'static, PizhuApp>) {
    common::wait_until(h, "the search", |app| {
        app.current
            .as_ref()
            .is_some_and(|s| s.find.is_current(&app.find.query) && !s.find.is_searching())
    });
    h.run();
}

fn press(h: &mut Harness<'static, PizhuApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

/// Ctrl+F and type `text` (the search left running).
fn type_query(h: &mut Harness<'static, PizhuApp>, text: &str) {
    press(h, Modifiers::COMMAND, Key::F);
    h.get_by_role_and_label(Role::TextInput, "Find")
        .type_text(text);
}

fn reader_rect(h: &Harness<'static, PizhuApp>) -> egui::Rect {
    h.get_by_role_and_label(Role::Document, "Text").rect()
}

#[test]
fn each_match_stepped_to_lands_well_inside_the_view() {
    let mut h = window();
    type_query(&mut h, "数据");
    h.run();
    settle_find(&mut h);
    let n = found(&h).matches.len();
    assert!(n > 20, "{n} matches");
    for k in 0..n.min(24) {
        press(&mut h, Modifiers::NONE, Key::Enter);
        h.run();
        let current = found(&h).current.expect("a current match");
        let m = found(&h).matches[current];
        let view = h.state().reader.view_rect().expect("the text was shown");
        let at = h
            .state()
            .reader
            .char_rect(m.start)
            .unwrap_or_else(|| panic!("match {k} is drawn"));
        assert!(
            at.top() >= view.top() && at.bottom() <= view.bottom() - view.height() * 0.15,
            "match {k} at {at:?} is not well inside {view:?}"
        );
    }
}

#[test]
fn the_by_section_list_takes_its_own_room_and_counts_subsections() {
    let mut h = window();
    type_query(&mut h, "数据");
    h.run();
    settle_find(&mut h);
    let text_before = reader_rect(&h);
    h.get_by_label("By section").click();
    h.run();
    let text_after = reader_rect(&h);
    let sections = found(&h).sections().to_vec();
    assert!(sections.len() > 3, "{sections:?}");
    let outline = h.state().current.as_ref().expect("open").outline.clone();
    // Where the entries are laid out (the list scrolls past 160 points: the ones below are
    // clipped, not drawn over the text).
    let mut entries: Vec<egui::Rect> = Vec::new();
    for m in &sections {
        let label = match m.node {
            Some(i) => pizhu::outline::label::node_label(&outline.nodes[i]),
            None => h.state().t().before_first_heading.to_owned(),
        };
        let name = format!("{label}: {}", m.count);
        entries.extend(h.query_by_label(&name).map(|e| e.rect()));
    }
    assert!(entries.len() >= 3, "the list shows its entries");
    let top = entries.iter().map(|r| r.top()).fold(f32::MAX, f32::min);
    let bottom = entries.iter().map(|r| r.bottom()).fold(f32::MIN, f32::max);
    let list_height = (bottom - top).min(160.0);
    assert!(
        text_after.top() >= top + list_height - 1.0,
        "the list ({top}..{bottom}, {list_height} shown) covers the text at {text_after:?}"
    );
    assert!(
        text_after.top() > text_before.top(),
        "the text moved down for the list"
    );
    // A section's count holds its subsections': the top level adds up to every match.
    let top: usize = sections
        .iter()
        .filter(|m| m.depth <= 1)
        .map(|m| m.count)
        .sum();
    assert_eq!(top, found(&h).matches.len());
    // A chapter listed with its sections: at least the sum of theirs.
    let children_of = |p: usize| -> usize {
        sections
            .iter()
            .filter(|c| {
                c.node
                    .is_some_and(|i| i != p && outline.parent(i) == Some(p))
            })
            .map(|c| c.count)
            .sum()
    };
    let (parent, own_and_children) = sections
        .iter()
        .filter_map(|m| m.node.map(|p| (m, children_of(p))))
        .find(|(_, sum)| *sum > 0)
        .expect("a section with subsections");
    assert!(parent.count >= own_and_children && own_and_children > 0);
}

#[test]
fn the_counter_never_shows_the_last_querys_count() {
    let mut h = window();
    type_query(&mut h, "数据");
    h.run();
    settle_find(&mut h);
    let old = found(&h).matches.len();
    assert!(
        h.query_by_label(&format!("1 / {old}")).is_some()
            || h.query_by_label(&format!("– / {old}")).is_some()
    );
    // Typed on: from the next frame on, the counter is for the new query.
    h.get_by_role_and_label(Role::TextInput, "Find")
        .type_text("共享");
    for _ in 0..4 {
        h.step();
        let query = h.state().find.query.clone();
        let counter = found(&h).counter(&query);
        assert!(
            matches!(counter, Counter::Searching)
                || matches!(counter, Counter::At { total, .. } if total != old),
            "{counter:?} for {:?}",
            query.text
        );
        assert!(
            h.query_by_label(&format!("1 / {old}")).is_none(),
            "the old count is shown for {:?}",
            query.text
        );
    }
    settle_find(&mut h);
    let new = found(&h).matches.len();
    assert!(new < old && new > 0, "{new} of {old}");
    assert!(h.query_by_label(&format!("1 / {new}")).is_some());
}
