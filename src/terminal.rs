//! Text bound for a terminal: control characters made visible.
//!
//! Documents and notes may hold anything, including `ESC [`, `ESC ]` (OSC) sequences, NUL or
//! C1 controls, which a terminal would obey (recolour, retitle the window, write hyperlinks,
//! move the cursor over earlier lines). When the command line prints to a terminal, every
//! control except line feed and tab is shown instead as a visible stand-in; to a file or a
//! pipe the bytes go out exactly as they are.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is a control a terminal could act on (C0 other than `\n` and `\t`, DEL, C1),
/// or a bidirectional control that would reorder what the terminal shows (U+061C, U+200E,
/// U+200F, U+202A–U+202E, U+2066–U+2069: a "Trojan Source" line reads otherwise than it
/// is).
fn is_hazard(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every control character other than `\n` and `\t` made visible: C0 controls as
/// the Control Pictures (`␀`…`␟`, so ESC is `␛` and CR is `␍`), DEL as `␡`, C1 controls
/// (U+0080–U+009F) and bidirectional controls as `\u{9b}`-style text. Borrowed unchanged
/// when there is none.
pub fn visible(s: &str) -> Cow<'_, str> {
    let Some(first) = s.find(is_hazard) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        if !is_hazard(c) {
            out.push(c);
            continue;
        }
        match c as u32 {
            n @ 0x00..=0x1F => out.push(char::from_u32(0x2400 + n).unwrap_or('\u{FFFD}')),
            0x7F => out.push('\u{2421}'),
            n => {
                let _ = write!(out, "\\u{{{n:x}}}");
            }
        }
    }
    Cow::Owned(out)
}

/// `s` made [`visible`] when `to_terminal`, else unchanged.
pub fn for_output(s: &str, to_terminal: bool) -> Cow<'_, str> {
    if to_terminal {
        visible(s)
    } else {
        Cow::Borrowed(s)
    }
}

/// Print one message line on stderr (`pizhu: …`), its controls made visible when stderr is
/// a terminal. Failures to write are ignored, as `eprintln!` would panic on them instead.
pub fn eprint_line(message: &str) {
    use std::io::{IsTerminal as _, Write as _};
    let stderr = std::io::stderr();
    let line = for_output(message, stderr.is_terminal());
    let mut lock = stderr.lock();
    let _ = writeln!(lock, "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_line_feeds_and_tabs_pass_through_borrowed() {
        let s = "一、总体要求\n\t正文 with ASCII ~ and ␛ already";
        assert!(matches!(visible(s), Cow::Borrowed(_)));
        assert_eq!(visible(s), s);
    }

    #[test]
    fn escape_sequences_become_control_pictures() {
        assert_eq!(
            visible("a\x1b[31mred\x1b]0;title\x07b"),
            "a␛[31mred␛]0;title␇b"
        );
        assert_eq!(visible("\0\r\x08\x1f"), "␀␍␈␟");
        assert_eq!(visible("x\x7fy"), "x␡y");
    }

    #[test]
    fn bidi_controls_become_escaped_text() {
        // "Trojan Source": U+202E would show the rest of the line reversed.
        assert_eq!(
            visible("批注\u{202E}txt.exe\u{2066}x\u{200F}"),
            "批注\\u{202e}txt.exe\\u{2066}x\\u{200f}"
        );
        assert_eq!(for_output("a\u{202E}b", false), "a\u{202E}b");
    }

    #[test]
    fn c1_controls_become_escaped_text() {
        assert_eq!(
            visible("a\u{9b}31mb\u{80}\u{9f}"),
            "a\\u{9b}31mb\\u{80}\\u{9f}"
        );
    }

    #[test]
    fn no_control_survives_and_the_rest_is_kept_in_order() {
        let all: String = (0u32..0x200).filter_map(char::from_u32).collect();
        let shown = visible(&all);
        assert!(
            !shown.chars().any(is_hazard),
            "a control survived: {shown:?}"
        );
        let kept: String = all.chars().filter(|&c| !is_hazard(c)).collect();
        let shown_kept: String = shown
            .chars()
            .filter(|c| !('\u{2400}'..='\u{2421}').contains(c))
            .collect();
        // Everything else is there, in order (the C1 stand-ins add `\u{..}` text around it).
        let mut rest = shown_kept.as_str();
        for c in kept.chars() {
            let at = rest.find(c).expect("kept char present");
            rest = &rest[at + c.len_utf8()..];
        }
    }

    #[test]
    fn output_to_files_and_pipes_is_exact() {
        let s = "\x1b[2J\0";
        assert_eq!(for_output(s, false), s);
        assert_eq!(for_output(s, true), "␛[2J␀");
    }
}
