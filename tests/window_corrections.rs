//! The reader's corrections of the outline in the window, driven with egui_kittest: a
//! paragraph made a heading with Ctrl+Alt+2 (the keymap path the context menu's command
//! takes too), a node demoted from the tree's menu command, Ctrl+Z undoing the last one and
//! Ctrl+Shift+Z bringing it back; a new window on the same data folder finds both in the
//! tree. An outline rule edited in Settings applies to the open document.

mod common;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use pizhu::app::{Command, PizhuApp};
use pizhu::session::Action as Act;

const TEXT: &str = "关于做好某项工作的通知\n\n一、总体要求\n\n做好工作意义重大。\n\n（一）指导思想\n\n坚持稳中求进。\n\n二、主要任务\n\n加强组织领导\n\n各地要高度重视。\n\n三、保障措施\n\n抓好落实。\n";

/// The tree as the window holds it: (depth, title) of every node.
fn tree(h: &Harness<'static, PizhuApp>) -> Vec<(u8, String)> {
    let doc = h.state().current.as_ref().expect("open");
    doc.outline
        .nodes
        .iter()
        .map(|n| (n.depth, n.title.clone()))
        .collect()
}

fn node(h: &Harness<'static, PizhuApp>, title: &str) -> usize {
    tree(h)
        .iter()
        .position(|(_, t)| t == title)
        .unwrap_or_else(|| panic!("{title} in {:?}", tree(h)))
}

fn depth(h: &Harness<'static, PizhuApp>, title: &str) -> u8 {
    tree(h)[node(h, title)].0
}

/// Whether the tree shows a row named `label`.
fn in_tree(h: &Harness<'static, PizhuApp>, label: &str) -> bool {
    h.query_all_by_label(label)
        .any(|n| n.accesskit_node().role() != egui::Role::Document)
}

fn press(h: &mut Harness<'static, PizhuApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

#[test]
fn a_heading_made_and_a_node_demoted_survive_a_restart_and_undo_reverts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, data, file) = common::folders_with_file(dir.path(), "通知.txt", TEXT);
    {
        let mut h = common::window_on_file(&config, &data, &file);
        assert!(!tree(&h).iter().any(|(_, t)| t == "加强组织领导"));
        assert_eq!(depth(&h, "保障措施"), 1);
        // The caret in 加强组织领导 (a selection there), then Ctrl+Alt+2.
        let range = {
            let doc = &h.state().current.as_ref().expect("open").doc;
            let byte = doc.text.find("组织领导").expect("in the text");
            let start = doc.char_of_byte(byte);
            pizhu::TextRange::new(start, start + 2)
        };
        h.state_mut().reader.select(range);
        h.run();
        press(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::Num2);
        assert_eq!(depth(&h, "加强组织领导"), 2, "{:?}", tree(&h));
        // The row is in the tree on screen.
        assert!(in_tree(&h, "加强组织领导"));
        // Demote 三、保障措施 (the tree's context menu command).
        let ctx = h.ctx.clone();
        let i = node(&h, "保障措施");
        h.state_mut()
            .apply(&ctx, Command::Act(Act::ShiftNode { node: i, by: 1 }));
        h.run();
        assert_eq!(depth(&h, "保障措施"), 2);
        // Undo reverts the demotion, redo brings it back; the heading stays throughout.
        press(&mut h, Modifiers::COMMAND, Key::Z);
        assert_eq!(depth(&h, "保障措施"), 1);
        assert_eq!(depth(&h, "加强组织领导"), 2);
        press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
        assert_eq!(depth(&h, "保障措施"), 2);
        h.state_mut().flush();
    }
    let h = common::window_on_file(&config, &data, &file);
    assert_eq!(depth(&h, "加强组织领导"), 2, "{:?}", tree(&h));
    assert_eq!(depth(&h, "保障措施"), 2);
    let doc = h.state().current.as_ref().expect("open");
    assert_eq!(doc.notes.set.corrections().len(), 2);
    assert!(doc.lost_corrections.is_empty());
    assert!(in_tree(&h, "加强组织领导"));
}

#[test]
fn a_node_renamed_in_the_tree_keeps_its_text_and_escape_cancels() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, data, file) = common::folders_with_file(dir.path(), "通知.txt", TEXT);
    let mut h = common::window_on_file(&config, &data, &file);
    let i = node(&h, "保障措施");
    // What the tree's context menu item does: open the field on the node's title.
    h.state_mut().outline_view.renaming = Some((i, "保障措施".into(), true));
    h.run();
    press(&mut h, Modifiers::COMMAND, Key::A);
    h.event(egui::Event::Text("落实保障".into()));
    h.run();
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(tree(&h)[i], (1, "落实保障".to_owned()), "{:?}", tree(&h));
    assert!(
        h.state()
            .current
            .as_ref()
            .expect("open")
            .doc
            .text
            .contains("三、保障措施")
    );
    // Escape leaves the title as it is.
    h.state_mut().outline_view.renaming = Some((i, "落实保障".into(), true));
    h.run();
    h.event(egui::Event::Text("又改".into()));
    h.run();
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(tree(&h)[i].1, "落实保障");
    assert!(h.state().outline_view.renaming.is_none());
    // Undo: the engine's title again.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(tree(&h)[i].1, "保障措施");
}

/// Settings shown, and a rule added there (not saved yet): lines starting 加强 are level-2
/// headings.
fn add_rule_in_settings(h: &mut Harness<'static, PizhuApp>) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::ShowSettings(true));
    h.run();
    h.get_by_label("Add a rule").click();
    h.run();
    {
        let rule = &mut h.state_mut().rules.rules[0];
        rule.name = "加强".into();
        rule.pattern = "^加强".into();
        rule.level = Some(2);
    }
    h.run();
}

#[test]
fn an_outline_rule_saved_in_settings_applies_to_the_open_document() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, data, file) = common::folders_with_file(dir.path(), "通知.txt", TEXT);
    let mut h = common::window_on_file(&config, &data, &file);
    add_rule_in_settings(&mut h);
    assert!(h.query_by_label_contains("1 line matches").is_some());
    // A bad regex is explained in place.
    h.state_mut().rules.rules[0].pattern = "^加强(".into();
    h.run();
    assert!(
        h.query_by_label_contains("Not a regular expression")
            .is_some()
    );
    h.state_mut().rules.rules[0].pattern = "^加强".into();
    h.run();
    h.get_by_label("Save the rules").click();
    h.run();
    // Written on a worker: the button waits meanwhile, then the outline follows.
    common::wait_then_run(&mut h, "the rules written", |app| !app.rules.is_saving());
    assert_eq!(depth(&h, "加强组织领导"), 2);
    assert!(h.state().rules.error.is_none());
    let saved = std::fs::read_to_string(config.join("rules.ron")).expect("rules written");
    assert!(saved.contains("^加强"), "{saved}");
}

#[test]
fn outline_rules_that_cannot_be_written_say_so_and_change_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, data, file) = common::folders_with_file(dir.path(), "通知.txt", TEXT);
    let mut h = common::window_on_file(&config, &data, &file);
    // The rules' place is taken by a folder: no file can be renamed onto it.
    std::fs::create_dir(config.join("rules.ron")).expect("a folder in the way");
    add_rule_in_settings(&mut h);
    let before = tree(&h);
    assert!(!before.iter().any(|(_, t)| t == "加强组织领导"));
    h.get_by_label("Save the rules").click();
    h.run();
    common::wait_then_run(&mut h, "the rules written", |app| !app.rules.is_saving());
    assert!(
        h.query_by_label_contains("The outline rules could not be saved")
            .is_some()
    );
    assert_eq!(tree(&h), before, "the outline is as it was");
    assert!(h.state().rules.saved.is_empty());
    assert!(h.state().rules.dirty(), "the edits are kept to save again");
    assert!(config.join("rules.ron").is_dir());
}
