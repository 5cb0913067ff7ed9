//! The keymap (`session::keymap`) in egui's terms: the only place that turns egui input into
//! key bindings. Every view asks here whether an action's key was pressed.

use egui::{InputState, Modifiers};

use crate::session::keymap::{Action, Chord, Key, Mods, Scope};

/// egui's modifiers for a chord's.
fn modifiers(mods: Mods) -> Modifiers {
    let mut m = Modifiers::NONE;
    if mods.command {
        m |= Modifiers::COMMAND;
    }
    if mods.shift {
        m |= Modifiers::SHIFT;
    }
    if mods.alt {
        m |= Modifiers::ALT;
    }
    m
}

/// egui's key for a keymap key (`None`: not a keyboard key).
fn egui_key(key: Key) -> Option<egui::Key> {
    use egui::Key as E;
    Some(match key {
        Key::Letter(c) => match c {
            'A' => E::A,
            'B' => E::B,
            'C' => E::C,
            'E' => E::E,
            'F' => E::F,
            'H' => E::H,
            'N' => E::N,
            'O' => E::O,
            'Q' => E::Q,
            'T' => E::T,
            'U' => E::U,
            'Y' => E::Y,
            'Z' => E::Z,
            other => E::from_name(&other.to_string())?,
        },
        Key::Digit(d) => [
            E::Num0,
            E::Num1,
            E::Num2,
            E::Num3,
            E::Num4,
            E::Num5,
            E::Num6,
            E::Num7,
            E::Num8,
            E::Num9,
        ]
        .get(usize::from(d))
        .copied()?,
        Key::F(n) => [
            E::F1,
            E::F2,
            E::F3,
            E::F4,
            E::F5,
            E::F6,
            E::F7,
            E::F8,
            E::F9,
            E::F10,
            E::F11,
            E::F12,
        ]
        .get(usize::from(n).checked_sub(1)?)
        .copied()?,
        Key::Equals => E::Equals,
        Key::Plus => E::Plus,
        Key::Minus => E::Minus,
        Key::Comma => E::Comma,
        Key::Space => E::Space,
        Key::PageUp => E::PageUp,
        Key::PageDown => E::PageDown,
        Key::Home => E::Home,
        Key::End => E::End,
        Key::ArrowUp => E::ArrowUp,
        Key::ArrowDown => E::ArrowDown,
        Key::ArrowLeft => E::ArrowLeft,
        Key::ArrowRight => E::ArrowRight,
        Key::Enter => E::Enter,
        Key::Escape => E::Escape,
        Key::Delete => E::Delete,
        Key::Backspace => E::Backspace,
        Key::Question
        | Key::MouseBack
        | Key::MouseForward
        | Key::CopyEvent
        | Key::PasteEvent
        | Key::Gesture(_) => {
            return None;
        }
    })
}

/// Whether `chord` happened this frame; a key press is consumed so nothing else acts on it.
fn consume_chord(i: &mut InputState, chord: &Chord) -> bool {
    match chord.key {
        Key::Question => i
            .events
            .iter()
            .any(|e| matches!(e, egui::Event::Text(t) if t == "?" || t == "？")),
        Key::MouseBack => i.pointer.button_pressed(egui::PointerButton::Extra1),
        Key::MouseForward => i.pointer.button_pressed(egui::PointerButton::Extra2),
        Key::CopyEvent => i.events.iter().any(|e| matches!(e, egui::Event::Copy)),
        Key::PasteEvent => i.events.iter().any(|e| matches!(e, egui::Event::Paste(_))),
        Key::Gesture(_) => false,
        key => {
            let Some(wanted) = egui_key(key) else {
                return false;
            };
            let pattern = modifiers(chord.mods);
            let mut hit = false;
            i.events.retain(|e| {
                let matched = matches!(
                    e,
                    egui::Event::Key { key: k, pressed: true, modifiers: m, .. }
                        if *k == wanted && exactly(*m, pattern, key)
                );
                hit |= matched;
                !matched
            });
            hit
        }
    }
}

/// Whether pressed modifiers are the chord's: Ctrl/⌘ as egui matches them, and Shift and Alt
/// exactly (egui's own matching ignores extra ones, so F8 would fire on Shift+F8), except
/// for `+`, which takes Shift to type on most keyboards.
fn exactly(pressed: Modifiers, pattern: Modifiers, key: Key) -> bool {
    pressed.matches_logically(pattern)
        && pressed.alt == pattern.alt
        && (pressed.shift == pattern.shift || key == Key::Plus)
}

/// Whether a key of `action` in `scope` was pressed this frame (consumed).
pub fn pressed(i: &mut InputState, action: Action, scope: Scope) -> bool {
    // Every chord is tried, so a second chord of the same action is consumed too.
    crate::session::keymap::chords(action, scope).fold(false, |hit, c| consume_chord(i, c) | hit)
}

/// The first of `actions` whose key was pressed in `scope`.
pub fn first_pressed(i: &mut InputState, scope: Scope, actions: &[Action]) -> Option<Action> {
    actions.iter().copied().find(|&a| pressed(i, a, scope))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::keymap::KEYMAP;

    #[test]
    fn every_keyboard_chord_has_an_egui_key() {
        for b in KEYMAP {
            for chord in b.chords {
                let special = matches!(
                    chord.key,
                    Key::Question
                        | Key::MouseBack
                        | Key::MouseForward
                        | Key::CopyEvent
                        | Key::PasteEvent
                        | Key::Gesture(_)
                );
                assert!(
                    special || egui_key(chord.key).is_some(),
                    "{} has no egui key",
                    chord.label(false)
                );
            }
        }
    }

    #[test]
    fn a_key_press_triggers_its_action_once_and_only_with_its_modifiers() {
        let press = |key: egui::Key, modifiers: Modifiers| egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        };
        let ctx = egui::Context::default();
        let mut input = egui::RawInput::default();
        input.events.push(press(egui::Key::Z, Modifiers::COMMAND));
        input.events.push(press(egui::Key::F8, Modifiers::SHIFT));
        let mut output = ctx.run_ui(input, |ui| {
            ui.input_mut(|i| {
                assert!(!pressed(i, Action::Redo, Scope::WindowNotTyping));
                // Shift+F8 is not F8, whichever is asked first.
                assert!(!pressed(i, Action::NextBlank, Scope::Window));
                assert!(pressed(i, Action::PreviousBlank, Scope::Window));
                assert!(pressed(i, Action::Undo, Scope::WindowNotTyping));
                // Consumed: a second look finds nothing.
                assert!(!pressed(i, Action::Undo, Scope::WindowNotTyping));
            });
        });
        output.textures_delta.clear();
    }
}
