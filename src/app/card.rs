//! One annotation as a card in a list: a colour bar, the quote and the note (each up to
//! [`ROWS`] rows, with an ellipsis when longer), a line of tags or source, and a "more" /
//! "less" button that shows the whole text. The annotations panel and the notebook draw
//! their entries with it, and lay out their lists with [`Heights`]: a card's height is
//! known only once its text is laid out, so rows are estimated until drawn and measured
//! when they are (only the cards on screen are ever laid out).

use std::sync::Arc;

use egui::text::TextWrapping;
use egui::{
    Color32, FontSelection, Galley, Rect, Response, RichText, Role, Sense, TextStyle, Ui, Vec2,
    WidgetInfo, WidgetText,
};

/// How many rows of quote, and of note, a folded card shows.
pub const ROWS: usize = 3;

/// Space around a card (each side) and inside it (top and bottom).
const OUTER: f32 = 2.0;
const PAD: f32 = 3.0;
/// Space between the card's lines.
const GAP: f32 = 2.0;
/// Where the text starts, right of the colour bar.
const INDENT: f32 = 10.0;

/// What one card shows.
pub struct Card {
    /// The quote on one line (whitespace folded), with any prefix already in it.
    pub quote: String,
    /// The quote is underlined (an underline mark).
    pub underline: bool,
    /// The note (line breaks kept); empty: no note line.
    pub note: String,
    /// Tags and source on one line; empty: none.
    pub meta: String,
    /// The colour of the meta line (`None`: weak text).
    pub meta_color: Option<Color32>,
    /// The highlight's colour (the bar).
    pub ink: Color32,
    /// The bar is drawn outlined, not filled (a section note).
    pub outlined: bool,
    /// Show the whole quote and note.
    pub expanded: bool,
    /// A row the caller draws under the quote ([`Painted::extra`]), or 0.
    pub extra_h: f32,
}

/// A card laid out for one width.
pub struct Laid {
    quote: Arc<Galley>,
    note: Option<Arc<Galley>>,
    meta: Option<Arc<Galley>>,
    toggle: Option<Arc<Galley>>,
    /// Whether the quote or the note was cut (or would be, folded).
    pub cut: bool,
    /// The card's height, its outer space included.
    pub height: f32,
}

/// What [`paint`] gives back.
pub struct Painted {
    /// The card itself (click, hover, context menu).
    pub response: Response,
    /// The "more" / "less" button was pressed (by pointer or keyboard).
    pub toggled: bool,
    /// Where the caller's row goes ([`Card::extra_h`] tall).
    pub extra: Rect,
}

fn galley(ui: &Ui, text: RichText, width: f32, rows: usize, style: TextStyle) -> Arc<Galley> {
    let wrap = TextWrapping {
        max_width: width,
        max_rows: rows,
        break_anywhere: false,
        overflow_character: Some('…'),
    };
    WidgetText::from(text).into_galley_impl(
        ui.ctx(),
        ui.style(),
        wrap,
        FontSelection::Style(style),
        ui.text_valign(),
    )
}

impl Card {
    /// Lay the card out for a list `width` wide; `more` and `less` are the button's words.
    pub fn lay_out(&self, ui: &Ui, width: f32, more: &str, less: &str) -> Laid {
        let inner = (width - 2.0 * OUTER - INDENT - 2.0).max(24.0);
        // The small lines (tags, source, the button) never under the panels' readable
        // minimum, in whatever view the card is.
        let small = ui
            .style()
            .text_styles
            .get(&TextStyle::Small)
            .map_or(super::room::MIN_PANEL_TEXT, |f| f.size)
            .max(super::room::MIN_PANEL_TEXT);
        let rows = if self.expanded { usize::MAX } else { ROWS };
        let quote = RichText::new(&self.quote);
        let quote = if self.underline {
            quote.underline()
        } else {
            quote
        };
        let quote = galley(ui, quote, inner, rows, TextStyle::Body);
        let note = (!self.note.is_empty()).then(|| {
            galley(
                ui,
                RichText::new(&self.note).weak(),
                inner,
                rows,
                TextStyle::Body,
            )
        });
        let cut = if self.expanded {
            // Would the folded card cut it? (Rows of the whole text, not the folded ones.)
            quote.rows.len() > ROWS || note.as_ref().is_some_and(|n| n.rows.len() > ROWS)
        } else {
            quote.elided || note.as_ref().is_some_and(|n| n.elided)
        };
        let toggle = cut.then(|| {
            let word = if self.expanded { less } else { more };
            galley(
                ui,
                RichText::new(word).size(small),
                inner,
                1,
                TextStyle::Small,
            )
        });
        let toggle_w = toggle.as_ref().map_or(0.0, |g| g.size().x + 8.0);
        let meta = (!self.meta.is_empty()).then(|| {
            let text = RichText::new(&self.meta).size(small);
            let text = match self.meta_color {
                Some(c) => text.color(c),
                None => text.weak(),
            };
            galley(ui, text, (inner - toggle_w).max(12.0), 1, TextStyle::Small)
        });
        let mut height = 2.0 * OUTER + 2.0 * PAD + quote.size().y;
        if self.extra_h > 0.0 {
            height += GAP + self.extra_h;
        }
        if let Some(n) = &note {
            height += GAP + n.size().y;
        }
        let meta_h = meta
            .as_ref()
            .map_or(0.0, |m| m.size().y)
            .max(toggle.as_ref().map_or(0.0, |t| t.size().y));
        if meta_h > 0.0 {
            height += GAP + meta_h;
        }
        Laid {
            quote,
            note,
            meta,
            toggle,
            cut,
            height,
        }
    }
}

/// Draw a laid-out card in `rect` (as tall as [`Laid::height`]); `id` tells the card from
/// its neighbours, `label` is what assistive tech reads, `fill` the selected card's
/// background.
pub fn paint(
    ui: &mut Ui,
    rect: Rect,
    id: egui::Id,
    card: &Card,
    laid: &Laid,
    label: &str,
    fill: Option<Color32>,
) -> Painted {
    let rect = rect.shrink(OUTER);
    let response = ui.interact(rect, id, Sense::click());
    let selected = fill.is_some();
    response.widget_info(|| WidgetInfo::selected(Role::Button, true, selected, label));
    let painter = ui.painter_at(rect.expand(1.0));
    if let Some(fill) = fill {
        painter.rect_filled(rect, 4.0, fill);
    } else if response.hovered() {
        painter.rect_filled(rect, 4.0, ui.visuals().faint_bg_color);
    }
    let bar = Rect::from_min_size(rect.min, Vec2::new(4.0, rect.height()));
    if card.outlined {
        painter.rect_stroke(
            bar,
            1.0,
            egui::Stroke::new(1.0, card.ink),
            egui::StrokeKind::Inside,
        );
    } else {
        painter.rect_filled(bar, 1.0, card.ink);
    }
    let text = ui.visuals().text_color();
    let left = rect.min.x + INDENT;
    let mut y = rect.min.y + PAD;
    painter.galley(egui::pos2(left, y), laid.quote.clone(), text);
    y += laid.quote.size().y;
    let mut extra = Rect::from_min_size(egui::pos2(left, y), Vec2::new(rect.right() - left, 0.0));
    if card.extra_h > 0.0 {
        y += GAP;
        extra = Rect::from_min_size(
            egui::pos2(left, y),
            Vec2::new(rect.right() - left - 2.0, card.extra_h),
        );
        y += card.extra_h;
    }
    // The note and the meta line are read out as labels (the quote is the card's own).
    let label_at = |ui: &mut Ui, at: egui::Pos2, g: &Arc<Galley>, text: &str, salt: &str| {
        let r = ui.interact(
            Rect::from_min_size(at, g.size()),
            id.with(salt),
            Sense::hover(),
        );
        r.widget_info(|| WidgetInfo::labeled(Role::Label, true, text));
    };
    if let Some(note) = &laid.note {
        y += GAP;
        painter.galley(egui::pos2(left, y), note.clone(), text);
        label_at(ui, egui::pos2(left, y), note, &card.note, "note");
        y += note.size().y;
    }
    if let Some(meta) = &laid.meta {
        painter.galley(egui::pos2(left, y + GAP), meta.clone(), text);
        label_at(ui, egui::pos2(left, y + GAP), meta, &card.meta, "meta");
    }
    let mut toggled = false;
    if let Some(word) = &laid.toggle {
        let size = word.size() + Vec2::new(6.0, 0.0);
        let at = Rect::from_min_size(egui::pos2(rect.right() - size.x - 2.0, y + GAP), size);
        let button = ui.interact(at, id.with("more"), Sense::click());
        button.widget_info(|| WidgetInfo::labeled(Role::Button, true, word.text().to_owned()));
        let color = if button.hovered() || button.has_focus() {
            ui.visuals().hyperlink_color
        } else {
            ui.visuals().weak_text_color()
        };
        if button.has_focus() {
            painter.rect_stroke(
                at,
                2.0,
                ui.visuals().selection.stroke,
                egui::StrokeKind::Inside,
            );
        }
        painter.galley(at.min + Vec2::new(3.0, 0.0), word.clone(), color);
        toggled = button.clicked();
    }
    Painted {
        response,
        toggled,
        extra,
    }
}

/// Estimated heights of cards not yet drawn, for a list of one width: quote and note rows
/// guessed from their length (a CJK char is about one em wide and 3 bytes in UTF-8, a Latin
/// one half an em and 1 byte), so that the scroll bar is about right before each card is
/// measured. Constant time a card: a list of 100,000 is estimated in a frame.
pub struct Estimate {
    body: f32,
    small: f32,
    per_row: f32,
}

impl Estimate {
    /// For cards in a list `width` wide, in `ui`'s text sizes.
    pub fn new(ui: &Ui, width: f32) -> Self {
        let em = ui
            .style()
            .text_styles
            .get(&TextStyle::Body)
            .map_or(14.0, |f| f.size);
        Self {
            body: ui.text_style_height(&TextStyle::Body),
            small: ui.text_style_height(&TextStyle::Small),
            per_row: ((width - 2.0 * OUTER - INDENT - 2.0).max(24.0) / em).max(1.0),
        }
    }

    /// A card with this quote and note, and `extra` for the caller's row.
    pub fn card(&self, quote: &str, note: &str, extra: f32) -> f32 {
        self.card_of_lengths(quote.len(), note.len(), extra)
    }

    /// [`Estimate::card`] from the quote's and the note's lengths in bytes alone (a list
    /// of 100,000 keeps them beside its rows instead of visiting every annotation).
    pub fn card_of_lengths(&self, quote: usize, note: usize, extra: f32) -> f32 {
        let rows = |bytes: usize| -> f32 {
            let ems = bytes as f32 * 0.4;
            (ems / self.per_row).ceil().clamp(1.0, ROWS as f32)
        };
        let mut h = 2.0 * OUTER + 2.0 * PAD + rows(quote) * self.body + GAP + self.small;
        if extra > 0.0 {
            h += GAP + extra;
        }
        if note > 0 {
            h += GAP + rows(note) * self.body;
        }
        h
    }
}

/// The heights of a list's rows: estimated, then measured as each card is drawn, with the
/// tops they add up to. A list remakes it (with [`Heights::reset`]) when its rows or its
/// width change; the cards measured are remembered by their key (annotation and whether
/// open) while the width and the text size stay, so a list remade after an edit does not
/// move what is in view.
#[derive(Debug, Default)]
pub struct Heights {
    heights: Vec<f32>,
    /// Each row's card key (`None`: not a card).
    keys: Vec<Option<u64>>,
    /// Measured card heights by key, for the width and text size in `known_for`.
    known: std::collections::HashMap<u64, f32, std::hash::BuildHasherDefault<Mixed>>,
    known_for: Option<(u32, u32)>,
    tops: Vec<f32>,
    /// A measured height differed from the one used: the tops are made again.
    stale: bool,
    /// The list's scroll offset last frame, and how far to move it next frame: cards above
    /// the view's top were measured taller or shorter than estimated, and what is in view
    /// stays put.
    offset: f32,
    fix: f32,
    /// The buffers of the heights and keys before the last patch, for the next.
    spare: (Vec<f32>, Vec<Option<u64>>),
}

impl Heights {
    /// Start over with these rows: each one's height (an estimate, or exact for a row that
    /// is not a card) and card key; `layout` is the list's width and text size (the cards
    /// measured for another are forgotten). A card measured before keeps its height.
    pub fn reset(&mut self, rows: impl Iterator<Item = (f32, Option<u64>)>, layout: (f32, f32)) {
        let layout = (layout.0.to_bits(), layout.1.to_bits());
        if self.known_for != Some(layout) {
            self.known.clear();
            self.known_for = Some(layout);
        }
        self.heights.clear();
        self.keys.clear();
        for (h, key) in rows {
            let known = key
                .filter(|_| !self.known.is_empty())
                .and_then(|k| self.known.get(&k))
                .copied();
            self.heights.push(known.unwrap_or(h));
            self.keys.push(key);
        }
        self.stale = true;
        self.tops();
    }

    /// The rows changed by a few (the list's width and text size the same): `origin` gives,
    /// for each row now, the row it was (its height kept, as measured or estimated), and
    /// `fresh` the height and key of a new one (a card measured before keeps its measured
    /// height, as with [`Heights::reset`]). A list of 10,000 patched after an edit keeps
    /// every height it knew without looking any up.
    pub fn patch(
        &mut self,
        origin: &[Option<usize>],
        mut fresh: impl FnMut(usize) -> (f32, Option<u64>),
    ) {
        let (mut heights, mut keys) = std::mem::take(&mut self.spare);
        heights.clear();
        keys.clear();
        heights.reserve(origin.len());
        keys.reserve(origin.len());
        for (row, from) in origin.iter().enumerate() {
            let kept = from.and_then(|k| Some((*self.heights.get(k)?, *self.keys.get(k)?)));
            let (h, key) = kept.unwrap_or_else(|| {
                let (h, key) = fresh(row);
                let known = key
                    .filter(|_| !self.known.is_empty())
                    .and_then(|k| self.known.get(&k))
                    .copied();
                (known.unwrap_or(h), key)
            });
            heights.push(h);
            keys.push(key);
        }
        self.spare = (
            std::mem::replace(&mut self.heights, heights),
            std::mem::replace(&mut self.keys, keys),
        );
        self.stale = true;
        self.tops();
    }

    /// A card's key: its annotation, the store it is in (`0` for a list of one document's)
    /// and whether it is open, mixed (a list of 100,000 is keyed in a frame).
    pub fn key(id: u64, store: u64, open: bool) -> u64 {
        mix(mix(id) ^ store.rotate_left(29) ^ u64::from(open))
    }

    /// Where each row starts, and the total height last.
    pub fn tops(&mut self) -> &[f32] {
        if self.stale {
            self.tops.clear();
            self.tops.reserve(self.heights.len() + 1);
            let mut y = 0.0;
            for h in &self.heights {
                self.tops.push(y);
                y += h;
            }
            self.tops.push(y);
            self.stale = false;
        }
        &self.tops
    }

    /// Row `i` measured `h` tall; the difference from the height used so far (the rows
    /// below it move by that much). `above`: the row starts above the view's top.
    pub fn measure(&mut self, i: usize, h: f32, above: bool) -> f32 {
        let Some(old) = self.heights.get_mut(i) else {
            return 0.0;
        };
        if let Some(key) = self.keys.get(i).copied().flatten() {
            self.known.insert(key, h);
        }
        let diff = h - *old;
        // The measured height is kept even when too close to move anything: a list
        // patched after a change keeps it as it is, as a list remade looks it up.
        *old = h;
        if diff.abs() > 0.25 {
            self.stale = true;
            if above {
                self.fix += diff;
            }
            diff
        } else {
            0.0
        }
    }

    /// The scroll offset to set this frame, if cards above the view changed height.
    pub fn take_offset(&mut self) -> Option<f32> {
        let fix = std::mem::take(&mut self.fix);
        (fix != 0.0).then(|| (self.offset + fix).max(0.0))
    }

    /// The list was shown scrolled to `offset`.
    pub fn shown_at(&mut self, offset: f32) {
        self.offset = offset;
    }
}

#[cfg(test)]
impl Heights {
    /// Each row's height and key.
    pub(super) fn rows(&self) -> (Vec<f32>, Vec<Option<u64>>) {
        (self.heights.clone(), self.keys.clone())
    }

    /// Empty, knowing the cards measured here (a list about to be remade).
    pub(super) fn knowing_the_same(&self) -> Self {
        Self {
            known: self.known.clone(),
            known_for: self.known_for,
            ..Self::default()
        }
    }
}

/// SplitMix64's finaliser: spreads the bits of `x` over the whole word.
fn mix(x: u64) -> u64 {
    let x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The hasher of keys already mixed by [`Heights::key`]: the key is its own hash.
#[derive(Default)]
struct Mixed(u64);

impl std::hash::Hasher for Mixed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measured_cards_keep_their_height_until_the_width_changes() {
        let (a, b) = (Heights::key(1, 0, false), Heights::key(2, 0, false));
        assert_ne!(a, b);
        assert_ne!(a, Heights::key(1, 0, true));
        assert_ne!(a, Heights::key(1, 7, false));
        let rows = || [(10.0, None), (20.0, Some(a)), (30.0, Some(b))].into_iter();
        let mut h = Heights::default();
        h.reset(rows(), (300.0, 14.0));
        assert_eq!(h.tops(), &[0.0, 10.0, 30.0, 60.0]);
        // Drawn taller than estimated: the rows below move, the tops are made again.
        assert_eq!(h.measure(1, 25.0, false), 5.0);
        assert_eq!(h.tops(), &[0.0, 10.0, 35.0, 65.0]);
        assert_eq!(h.measure(1, 25.0, false), 0.0);
        // The list remade (an edit): the measured card keeps its height.
        h.reset(rows(), (300.0, 14.0));
        assert_eq!(h.tops(), &[0.0, 10.0, 35.0, 65.0]);
        // Another width: estimates again.
        h.reset(rows(), (280.0, 14.0));
        assert_eq!(h.tops(), &[0.0, 10.0, 30.0, 60.0]);
        // A card above the view measured: the view moves with it.
        h.shown_at(100.0);
        assert_eq!(h.take_offset(), None);
        h.measure(2, 20.0, true);
        assert_eq!(h.take_offset(), Some(90.0));
        assert_eq!(h.take_offset(), None);
    }

    #[test]
    fn a_patched_list_keeps_its_heights_and_equals_one_remade() {
        let key = |id: u64| Heights::key(id, 0, false);
        // Rows: a head, then cards 1..=6 estimated 20 tall.
        let rows = |ids: &[u64]| {
            std::iter::once((10.0, None))
                .chain(ids.iter().map(|&id| (20.0, Some(key(id)))))
                .collect::<Vec<_>>()
        };
        let mut h = Heights::default();
        h.reset(rows(&[1, 2, 3, 4, 5, 6]).into_iter(), (300.0, 14.0));
        // Cards 2 and 5 drawn; 5 only a little off its estimate.
        h.measure(2, 31.0, false);
        h.measure(5, 20.125, false);
        // Card 3 removed, card 7 added after 5, card 4 changed (taken out, put back).
        let now = [1, 2, 4, 5, 7, 6];
        let origin = [Some(0), Some(1), Some(2), None, Some(5), None, Some(6)];
        let new_rows = rows(&now);
        let mut fresh_asked = Vec::new();
        h.patch(&origin, |row| {
            fresh_asked.push(row);
            new_rows[row]
        });
        assert_eq!(fresh_asked, [3, 5]);
        assert_eq!(h.heights, [10.0, 20.0, 31.0, 20.0, 20.125, 20.0, 20.0]);
        // The same as remaking the list with everything measured so far.
        let mut remade = Heights {
            known: h.known.clone(),
            known_for: h.known_for,
            ..Heights::default()
        };
        remade.reset(new_rows.into_iter(), (300.0, 14.0));
        assert_eq!(remade.heights, h.heights);
        assert_eq!(remade.keys, h.keys);
        assert_eq!(remade.tops(), h.tops());
    }
}
