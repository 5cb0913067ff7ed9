//! Colours: egui visuals per theme, and the reader's own palette.

use egui::{Color32, Visuals};

use super::settings::Theme;

/// The reader's colours for one theme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    /// Page background.
    pub page: Color32,
    /// Body text.
    pub text: Color32,
    /// Headings.
    pub heading: Color32,
    /// Title and level-1 headings.
    pub title: Color32,
    /// Front matter and dimmed boilerplate.
    pub dim: Color32,
    /// Boilerplate (advertising, web residue) when shown.
    pub boilerplate: Color32,
    /// Background behind placeholders (`×`).
    pub placeholder_bg: Color32,
    /// Placeholder text.
    pub placeholder_text: Color32,
    /// The current section in the outline tree.
    pub current: Color32,
    /// Point nodes in the outline tree.
    pub point: Color32,
}

/// egui visuals for a theme.
pub fn visuals(theme: Theme) -> Visuals {
    match theme {
        Theme::Light => Visuals::light(),
        Theme::Dark => Visuals::dark(),
        Theme::Sepia => {
            let mut v = Visuals::light();
            let paper = Color32::from_rgb(0xF1, 0xE7, 0xD0);
            v.panel_fill = paper;
            v.window_fill = Color32::from_rgb(0xF6, 0xEE, 0xDC);
            v.extreme_bg_color = Color32::from_rgb(0xFA, 0xF4, 0xE6);
            v.faint_bg_color = Color32::from_rgb(0xEA, 0xDE, 0xC3);
            v.override_text_color = Some(Color32::from_rgb(0x4A, 0x3B, 0x2A));
            v
        }
    }
}

/// The reader's palette for a theme.
pub fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Light => Palette {
            page: Color32::from_rgb(0xFC, 0xFC, 0xFA),
            text: Color32::from_rgb(0x22, 0x22, 0x22),
            heading: Color32::from_rgb(0x1A, 0x2B, 0x4C),
            title: Color32::from_rgb(0x8B, 0x1A, 0x1A),
            dim: Color32::from_rgb(0x80, 0x80, 0x80),
            boilerplate: Color32::from_rgb(0xB0, 0xB0, 0xB0),
            placeholder_bg: Color32::from_rgb(0xFF, 0xE0, 0x8A),
            placeholder_text: Color32::from_rgb(0x8A, 0x4B, 0x00),
            current: Color32::from_rgb(0xD8, 0xE6, 0xF8),
            point: Color32::from_rgb(0x6A, 0x6A, 0x6A),
        },
        Theme::Dark => Palette {
            page: Color32::from_rgb(0x1C, 0x1C, 0x1E),
            text: Color32::from_rgb(0xD6, 0xD6, 0xD2),
            heading: Color32::from_rgb(0xA8, 0xC4, 0xF0),
            title: Color32::from_rgb(0xF0, 0x9A, 0x8A),
            dim: Color32::from_rgb(0x8C, 0x8C, 0x8C),
            boilerplate: Color32::from_rgb(0x5E, 0x5E, 0x5E),
            placeholder_bg: Color32::from_rgb(0x6B, 0x4E, 0x00),
            placeholder_text: Color32::from_rgb(0xFF, 0xD2, 0x70),
            current: Color32::from_rgb(0x2C, 0x3E, 0x5A),
            point: Color32::from_rgb(0x9A, 0x9A, 0x9A),
        },
        Theme::Sepia => Palette {
            page: Color32::from_rgb(0xF6, 0xEE, 0xDC),
            text: Color32::from_rgb(0x4A, 0x3B, 0x2A),
            heading: Color32::from_rgb(0x3D, 0x2B, 0x1A),
            title: Color32::from_rgb(0x8B, 0x2E, 0x16),
            dim: Color32::from_rgb(0x8E, 0x7B, 0x62),
            boilerplate: Color32::from_rgb(0xB8, 0xA8, 0x90),
            placeholder_bg: Color32::from_rgb(0xF2, 0xC9, 0x6B),
            placeholder_text: Color32::from_rgb(0x6B, 0x3A, 0x00),
            current: Color32::from_rgb(0xE4, 0xD2, 0xAE),
            point: Color32::from_rgb(0x7E, 0x6B, 0x55),
        },
    }
}

/// Background of a highlight (translucent, so overlapping highlights mix).
pub fn highlight_fill(theme: Theme, color: crate::annotate::Color) -> Color32 {
    use crate::annotate::Color as C;
    let (r, g, b) = match (theme, color) {
        (Theme::Dark, C::Yellow) => (0x8A, 0x70, 0x10),
        (Theme::Dark, C::Green) => (0x2E, 0x6B, 0x36),
        (Theme::Dark, C::Blue) => (0x24, 0x55, 0x8C),
        (Theme::Dark, C::Pink) => (0x8C, 0x30, 0x55),
        (Theme::Dark, C::Purple) => (0x5E, 0x3E, 0x8C),
        (_, C::Yellow) => (0xFF, 0xDF, 0x5E),
        (_, C::Green) => (0x9F, 0xDD, 0x8C),
        (_, C::Blue) => (0x8E, 0xC3, 0xF5),
        (_, C::Pink) => (0xF7, 0xA6, 0xC4),
        (_, C::Purple) => (0xCB, 0xAE, 0xF2),
    };
    Color32::from_rgba_unmultiplied(r, g, b, 165)
}

/// A highlight colour at full strength: underlines, swatches, note markers.
pub fn highlight_ink(color: crate::annotate::Color) -> Color32 {
    use crate::annotate::Color as C;
    match color {
        C::Yellow => Color32::from_rgb(0xE0, 0xA8, 0x00),
        C::Green => Color32::from_rgb(0x3F, 0xA3, 0x4D),
        C::Blue => Color32::from_rgb(0x2F, 0x7F, 0xD8),
        C::Pink => Color32::from_rgb(0xE0, 0x52, 0x8A),
        C::Purple => Color32::from_rgb(0x8A, 0x5C, 0xD6),
    }
}

/// Background of selected text.
pub fn selection_fill(theme: Theme) -> Color32 {
    match theme {
        Theme::Dark => Color32::from_rgba_unmultiplied(0x4A, 0x7F, 0xD0, 110),
        _ => Color32::from_rgba_unmultiplied(0x5A, 0x9B, 0xF0, 90),
    }
}
