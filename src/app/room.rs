//! How the reader's width is shared (issue 16, "Every size"): the text column always keeps
//! room for at least [`MIN_CHARS`] characters a line. A side panel that would take that room
//! yields to a thin rail with a button that opens it over the text (closed by Esc or a click
//! outside); focus mode (F11) shows the text alone, its panels on demand over the text.

use egui::{Rect, Role, Ui, Vec2, WidgetInfo};

use super::{PizhuApp, annotations_panel, keys, outline_panel, reader};
use crate::session::keymap::{self, Action, Scope};

/// The fewest characters a line of body text may hold before the side panels yield.
pub const MIN_CHARS: f32 = 24.0;
/// The width of a side rail.
pub const RAIL: f32 = 34.0;
/// What the body text takes besides its column and its two margins (the scroll bar, the
/// central panel's frame): see `reader::body_ui`.
const TEXT_CHROME: f32 = 32.0;

/// One of the side panels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The outline, on the left.
    Outline,
    /// The annotations, on the right.
    Annotations,
}

/// Where the side panels are this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Hidden by the user.
    Hidden,
    /// Docked beside the text, taking its own width.
    Docked,
    /// A rail: a button opens the panel over the text.
    Rail,
    /// Nothing shown (focus mode); its key opens it over the text.
    OnDemand,
}

/// The window's room state.
#[derive(Debug, Default)]
pub struct Room {
    /// Focus mode: the text alone.
    pub focus: bool,
    /// The side panel opened over the text, if any.
    pub overlay: Option<Side>,
    /// Where each panel was put in the last frame (outline, annotations).
    places: Option<(Place, Place)>,
    /// The overlay's and the rails' rects in the last frame (a click elsewhere closes it).
    keep_open: Vec<Rect>,
    /// The heights of the top bar and the status bar when last shown: focus mode keeps
    /// the same room above and below the text (the text never touches the window's edge).
    pub bars: (f32, f32),
    /// What the top bar moves into its "⋯" menu to fit the window.
    pub bar_fit: super::bars::BarFit,
}

impl Room {
    /// Where `side` was put in the last frame.
    pub fn place(&self, side: Side) -> Option<Place> {
        self.places.map(|(o, a)| match side {
            Side::Outline => o,
            Side::Annotations => a,
        })
    }

    /// Whether `side`'s show/hide key opens it over the text rather than docking it: it is on
    /// a rail or the window is in focus mode.
    pub fn opens_over(&self, side: Side, shown: bool) -> bool {
        self.focus || (shown && self.place(side) == Some(Place::Rail))
    }

    /// Open `side` over the text, or close it if it is open.
    pub fn toggle_overlay(&mut self, side: Side) {
        self.overlay = if self.overlay == Some(side) {
            None
        } else {
            Some(side)
        };
    }
}

/// Which panels dock beside the text in `width`, the text needing `text` points (a line of
/// [`MIN_CHARS`] characters and its margins); the others go on a rail. The outline keeps its
/// place before the annotations.
pub fn places(
    width: f32,
    text: f32,
    outline: Option<f32>,
    annotations: Option<f32>,
) -> (Place, Place) {
    let room = width - text;
    let rail = |w: Option<f32>| if w.is_some() { RAIL } else { 0.0 };
    let o = outline.unwrap_or(0.0);
    let a = annotations.unwrap_or(0.0);
    let (dock_o, dock_a) = if o + a <= room {
        (true, true)
    } else if outline.is_some() && o + rail(annotations) <= room {
        (true, false)
    } else if annotations.is_some() && a + rail(outline) <= room {
        (false, true)
    } else {
        (false, false)
    };
    let place = |w: Option<f32>, dock: bool| match (w, dock) {
        (None, _) => Place::Hidden,
        (Some(_), true) => Place::Docked,
        (Some(_), false) => Place::Rail,
    };
    (place(outline, dock_o), place(annotations, dock_a))
}

/// The side panels of the reader: docked, on rails, or over the text. Runs before the text.
pub fn side_panels_ui(app: &mut PizhuApp, ui: &mut Ui) {
    if app.room.focus {
        focus_margins(app, ui);
    }
    let (outline, annotations) = if app.room.focus {
        (Place::OnDemand, Place::OnDemand)
    } else {
        let reading = app.settings.reading;
        let body_px = reader::Metrics::with_reading(app.settings.zoom, &reading).body_px;
        // A reader who chose a narrower column needs no more than it.
        let chars = MIN_CHARS.min(reading.column_chars);
        let text = chars * body_px + 2.0 * reading.margin + TEXT_CHROME;
        let shown = |on: bool, w: f32| on.then_some(w);
        places(
            ui.available_width(),
            text,
            shown(app.settings.show_outline, app.settings.outline_width),
            shown(
                app.settings.show_annotations,
                app.settings.annotations_width,
            ),
        )
    };
    app.room.places = Some((outline, annotations));
    // A panel that docks again, or was hidden, is no longer open over the text.
    if let Some(side) = app.room.overlay {
        let place = if side == Side::Outline {
            outline
        } else {
            annotations
        };
        if matches!(place, Place::Docked | Place::Hidden) {
            app.room.overlay = None;
        }
    }
    let mut keep_open = Vec::new();
    match outline {
        Place::Docked => outline_panel::outline_panel_ui(app, ui),
        Place::Rail => keep_open.push(rail_ui(app, ui, Side::Outline)),
        Place::Hidden | Place::OnDemand => {}
    }
    match annotations {
        Place::Docked => annotations_panel::annotations_panel_ui(app, ui),
        Place::Rail => keep_open.push(rail_ui(app, ui, Side::Annotations)),
        Place::Hidden | Place::OnDemand => {}
    }
    let typing = ui.ctx().text_edit_focused();
    if app.room.overlay.is_some()
        && !typing
        && ui
            .ctx()
            .input_mut(|i| keys::pressed(i, Action::CloseOverlay, Scope::Overlay))
    {
        app.room.overlay = None;
    }
    if let Some(side) = app.room.overlay {
        let area = ui.available_rect_before_wrap();
        keep_open.push(overlay_ui(app, ui, side, area));
    }
    // A press on the window's own surface (the text, a bar) outside the panel and its rail
    // closes it; a press in one of its menus, a tooltip or a window does not.
    let ctx = ui.ctx().clone();
    if app.room.overlay.is_some()
        && let Some(pos) = ctx.input(|i| {
            // From the events: a press and its release in one frame leave no press origin.
            i.events.iter().find_map(|e| match e {
                egui::Event::PointerButton {
                    pos, pressed: true, ..
                } => Some(*pos),
                _ => None,
            })
        })
        && ctx
            .layer_id_at(pos)
            .is_none_or(|layer| layer.order == egui::Order::Background)
        && !app.room.keep_open.iter().any(|r| r.contains(pos))
        && !keep_open.iter().any(|r| r.contains(pos))
    {
        app.room.overlay = None;
    }
    app.room.keep_open = keep_open;
}

/// Focus mode's margins: the page above and below the text as tall as the bars it hides
/// (the text keeps the normal view's room at the top instead of starting at the edge).
fn focus_margins(app: &PizhuApp, ui: &mut Ui) {
    let page = super::theme::palette(app.settings.theme).page;
    let (top, bottom) = app.room.bars;
    let default = ui.spacing().interact_size.y + 10.0;
    let top = if top > 0.0 { top } else { default };
    let bottom = if bottom > 0.0 { bottom } else { default };
    let frame = egui::Frame::new().fill(page);
    egui::Panel::top("focus-top-margin")
        .frame(frame)
        .resizable(false)
        .show_separator_line(false)
        .exact_size(top)
        .show(ui, |_| {});
    egui::Panel::bottom("focus-bottom-margin")
        .frame(frame)
        .resizable(false)
        .show_separator_line(false)
        .exact_size(bottom)
        .show(ui, |_| {});
}

/// Esc leaves focus mode when nothing else took it (runs after the text had its keys).
pub fn leave_focus_on_escape(app: &mut PizhuApp, ctx: &egui::Context) {
    if app.room.focus
        && app.room.overlay.is_none()
        && !ctx.text_edit_focused()
        && !egui::Popup::is_any_open(ctx)
        && ctx.input_mut(|i| keys::pressed(i, Action::FocusMode, Scope::Focus))
    {
        app.room.focus = false;
    }
}

fn side_label(app: &PizhuApp, side: Side) -> &'static str {
    let t = app.t();
    match side {
        Side::Outline => t.outline_panel,
        Side::Annotations => t.annotations,
    }
}

/// The smallest size of panel text (egui's "small" style is 9 points, too small to read).
pub const MIN_PANEL_TEXT: f32 = 11.0;

/// Panel text follows the zoom and never falls under [`MIN_PANEL_TEXT`] (issue 16, "Legible
/// panels"): every text style of `ui` (headers, tags, count badges, buttons) scaled by `zoom`.
pub fn legible_text(ui: &mut Ui, zoom: f32) {
    for font in ui.style_mut().text_styles.values_mut() {
        font.size = (font.size * zoom).max(MIN_PANEL_TEXT);
    }
}

/// A thin rail with one button that opens `side` over the text; its rect.
fn rail_ui(app: &mut PizhuApp, ui: &mut Ui, side: Side) -> Rect {
    let label = side_label(app, side);
    let action = match side {
        Side::Outline => Action::ToggleOutline,
        Side::Annotations => Action::ToggleAnnotations,
    };
    let hover = keymap::hover(label, action, app.t().lang.is_zh());
    let panel = match side {
        Side::Outline => egui::Panel::left("outline-rail"),
        Side::Annotations => egui::Panel::right("annotations-rail"),
    };
    let open = app.room.overlay == Some(side);
    let response = panel.resizable(false).exact_size(RAIL).show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(6.0);
            // An icon, its name and key on hover (a label written down the rail came out a
            // letter a line in English).
            let button = ui.add(egui::Button::selectable(open, "").min_size(Vec2::splat(26.0)));
            let stroke = ui.style().interact_selectable(&button, open).fg_stroke;
            rail_icon(ui.painter(), button.rect, side, stroke);
            let button = button.on_hover_text(hover);
            let name = app.t().over_the_text.replace("{panel}", label);
            button.widget_info(|| WidgetInfo::selected(Role::Button, true, open, &name));
            if button.clicked() {
                app.room.toggle_overlay(side);
            }
        });
    });
    response.response.rect
}

/// A rail's icon, drawn (no font has one glyph for either in both languages): the outline's
/// is three rows indented like a tree, the annotations panel's a note bubble with two lines.
fn rail_icon(painter: &egui::Painter, rect: Rect, side: Side, stroke: egui::Stroke) {
    let c = rect.center();
    let stroke = egui::Stroke::new(1.5, stroke.color);
    match side {
        Side::Outline => {
            for (k, indent) in [0.0, 4.0, 4.0].into_iter().enumerate() {
                let y = c.y - 5.0 + 5.0 * k as f32;
                painter.line_segment(
                    [egui::pos2(c.x - 7.0 + indent, y), egui::pos2(c.x + 7.0, y)],
                    stroke,
                );
            }
        }
        Side::Annotations => {
            let bubble = Rect::from_center_size(c - Vec2::new(0.0, 1.5), Vec2::new(15.0, 11.0));
            painter.rect_stroke(bubble, 2.0, stroke, egui::StrokeKind::Middle);
            let tail = bubble.left_bottom() + Vec2::new(3.0, 0.0);
            painter.line_segment([tail, tail + Vec2::new(0.0, 4.0)], stroke);
            painter.line_segment(
                [tail + Vec2::new(0.0, 4.0), tail + Vec2::new(4.0, 0.0)],
                stroke,
            );
            for dy in [-2.0, 1.5] {
                let y = bubble.center().y + dy;
                painter.line_segment(
                    [
                        egui::pos2(bubble.left() + 3.5, y),
                        egui::pos2(bubble.right() - 3.5, y),
                    ],
                    stroke,
                );
            }
        }
    }
}

/// `side` drawn over the text in `area` (the room left between the bars); its rect.
fn overlay_ui(app: &mut PizhuApp, ui: &mut Ui, side: Side, area: Rect) -> Rect {
    let wanted = match side {
        Side::Outline => app.settings.outline_width,
        Side::Annotations => app.settings.annotations_width,
    };
    let width = wanted
        .min(area.width() * 0.9)
        .max(160.0_f32.min(area.width()));
    let left = match side {
        Side::Outline => area.left(),
        Side::Annotations => area.right() - width,
    };
    let id = match side {
        Side::Outline => "outline-overlay",
        Side::Annotations => "annotations-overlay",
    };
    let response = egui::Area::new(egui::Id::unique(id))
        .order(egui::Order::Foreground)
        .fixed_pos(egui::pos2(left, area.top()))
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style())
                .corner_radius(0.0)
                .inner_margin(8.0)
                .show(ui, |ui| {
                    let inner = Vec2::new(width, area.height()) - Vec2::splat(16.0);
                    ui.set_min_size(inner);
                    ui.set_max_size(inner);
                    match side {
                        Side::Outline => outline_panel::tree_ui(app, ui),
                        Side::Annotations => annotations_panel::panel_ui(app, ui),
                    }
                });
        });
    response.response.rect
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_docks_first_and_rails_take_their_width() {
        let both = (Some(300.0), Some(320.0));
        // 1400 wide, 500 for the text: both dock.
        assert_eq!(
            places(1400.0, 500.0, both.0, both.1),
            (Place::Docked, Place::Docked)
        );
        // 900 wide: the outline and the annotations' rail fit, not both panels.
        assert_eq!(
            places(900.0, 500.0, both.0, both.1),
            (Place::Docked, Place::Rail)
        );
        // Only the annotations fit beside a rail when the outline is wider.
        assert_eq!(
            places(900.0, 500.0, Some(380.0), Some(320.0)),
            (Place::Rail, Place::Docked)
        );
        // 700 wide: both on rails.
        assert_eq!(
            places(700.0, 500.0, both.0, both.1),
            (Place::Rail, Place::Rail)
        );
        // A hidden panel takes nothing, not even a rail.
        assert_eq!(
            places(900.0, 500.0, None, Some(320.0)),
            (Place::Hidden, Place::Docked)
        );
        assert_eq!(
            places(600.0, 500.0, None, None),
            (Place::Hidden, Place::Hidden)
        );
    }
}
