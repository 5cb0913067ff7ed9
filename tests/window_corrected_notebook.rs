//! A correction made in the window reaches the notebook without a restart (issue 14): a
//! paragraph made a heading with Ctrl+Alt+2 is the section of the note under it when the
//! notebook is shown again, and taking the correction away takes it out again.

mod common;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use pizhu::annotate::{Color, Mark};
use pizhu::app::{Command, PizhuApp, View};
use pizhu::session::Action as Act;

const TEXT: &str = "关于做好某项工作的通知\n\n一、总体要求\n\n做好工作意义重大。\n\n二、主要任务\n\n加强组织领导\n\n各地要高度重视。\n\n三、保障措施\n\n抓好落实。\n";

/// Chars `from..from + len` of the text holding `text`.
fn range_of(h: &Harness<'static, PizhuApp>, text: &str) -> pizhu::TextRange {
    let doc = &h.state().current.as_ref().expect("open").doc;
    let start = doc.char_of_byte(doc.text.find(text).expect("in the text"));
    pizhu::TextRange::new(start, start + text.chars().count())
}

/// The section path of the notebook's entry quoting `quote`, once the notebook shown holds
/// it as `want` (the test fails when it does not within 30 s).
fn notebook_section(h: &mut Harness<'static, PizhuApp>, quote: &str, want: &[&str]) -> Vec<String> {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::ShowView(View::Notebook));
    let section = |app: &PizhuApp| -> Option<Vec<String>> {
        let data = app.shelf.data.as_ref().filter(|d| !d.partial)?;
        data.notebook
            .entries()
            .iter()
            .find(|e| e.annotation.quote == quote)
            .map(|e| e.section.to_vec())
    };
    common::wait_until(h, "the notebook's section", |app| {
        !app.shelf.is_loading() && section(app).is_some_and(|s| s == want)
    });
    section(h.state()).unwrap_or_default()
}

#[test]
fn the_notebook_follows_a_heading_made_in_the_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, data, file) = common::folders_with_file(dir.path(), "通知.txt", TEXT);
    let mut h = common::window_on_file(&config, &data, &file);
    let ctx = h.ctx.clone();
    let range = range_of(&h, "各地要高度重视");
    h.state_mut().apply(
        &ctx,
        Command::Act(Act::Highlight {
            range,
            color: Color::Yellow,
            mark: Mark::Fill,
            open_note: false,
        }),
    );
    h.run();
    h.state_mut().flush();
    assert_eq!(
        notebook_section(&mut h, "各地要高度重视", &["二、主要任务"]),
        ["二、主要任务"]
    );
    // Back to the text: 加强组织领导 made a heading at level 2 (Ctrl+Alt+2 at the caret).
    h.state_mut().apply(&ctx, Command::ShowView(View::Reader));
    h.run();
    let heading = range_of(&h, "组织领导");
    h.state_mut().reader.select(heading);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::ALT, Key::Num2);
    h.run();
    h.state_mut().flush();
    assert_eq!(
        notebook_section(&mut h, "各地要高度重视", &["二、主要任务", "加强组织领导"]),
        ["二、主要任务", "加强组织领导"]
    );
    // Ctrl+Alt+0 takes the correction away: the notebook follows again.
    h.state_mut().apply(&ctx, Command::ShowView(View::Reader));
    h.run();
    h.state_mut().reader.select(heading);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::ALT, Key::Num0);
    h.run();
    h.state_mut().flush();
    assert_eq!(
        notebook_section(&mut h, "各地要高度重视", &["二、主要任务"]),
        ["二、主要任务"]
    );
}
