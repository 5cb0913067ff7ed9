//! User settings and reading history, kept as a human-readable RON file in the per-user
//! config directory. Writes are atomic; a file that fails to parse is kept aside, never
//! overwritten.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::keep_aside;

/// Current version of the settings file format.
pub const SETTINGS_VERSION: u32 = 1;
/// How many recent documents are remembered.
pub const MAX_RECENT: usize = 10;

/// Colour theme of the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// Dark text on white.
    #[default]
    Light,
    /// Light text on near-black.
    Dark,
    /// Dark brown text on warm paper.
    Sepia,
}

/// Language of the user interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LanguagePref {
    /// Follow the system locale: Chinese for `zh*`, English otherwise.
    #[default]
    Auto,
    /// 简体中文.
    Chinese,
    /// English.
    English,
}

/// The face body text is set in (when official style is off; official style sets body text
/// in 仿宋).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadingFont {
    /// The bundled Noto Serif CJK (宋体-like).
    #[default]
    Serif,
    /// The bundled Noto Sans CJK (黑体-like).
    Sans,
    /// A system 宋体 face, when one is installed.
    Song,
    /// A system 仿宋 face, when one is installed.
    Fang,
    /// A system 楷体 face, when one is installed.
    Kai,
    /// A system 黑体 face, when one is installed.
    Hei,
}

impl ReadingFont {
    /// Every choice, in the order the settings window offers them.
    pub const ALL: [ReadingFont; 6] = [
        ReadingFont::Serif,
        ReadingFont::Sans,
        ReadingFont::Song,
        ReadingFont::Fang,
        ReadingFont::Kai,
        ReadingFont::Hei,
    ];

    /// Whether the face is looked for among the system's fonts.
    pub fn is_system(self) -> bool {
        !matches!(self, ReadingFont::Serif | ReadingFont::Sans)
    }
}

/// How body text is set (like the reading settings of Foliate and KOReader). The text size
/// is the zoom.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reading {
    /// The body face.
    pub font: ReadingFont,
    /// Row height as a multiple of the font size.
    pub line_height: f32,
    /// Space after a paragraph, in ems.
    pub paragraph_spacing: f32,
    /// Whether a paragraph's first line is indented two characters.
    pub first_line_indent: bool,
    /// Longest line, in characters (ems).
    pub column_chars: f32,
    /// Least space left and right of the text column, in points.
    pub margin: f32,
    /// Whether lines are justified (both edges straight).
    pub justify: bool,
}

/// Bounds of the reading settings: line height, paragraph spacing (em), column (chars),
/// margin (points).
pub const LINE_HEIGHT_RANGE: (f32, f32) = (1.0, 3.0);
/// Paragraph spacing bounds, in ems.
pub const PARAGRAPH_SPACING_RANGE: (f32, f32) = (0.0, 2.0);
/// Column width bounds, in characters.
pub const COLUMN_CHARS_RANGE: (f32, f32) = (10.0, 80.0);
/// Margin bounds, in points.
pub const MARGIN_RANGE: (f32, f32) = (12.0, 200.0);

impl Default for Reading {
    fn default() -> Self {
        Self {
            font: ReadingFont::Serif,
            line_height: 1.8,
            paragraph_spacing: 0.45,
            first_line_indent: true,
            column_chars: 38.0,
            margin: 24.0,
            justify: false,
        }
    }
}

impl Reading {
    /// Values a hand-edited file may have put out of range, brought back into it.
    pub fn sanitized(mut self) -> Self {
        let defaults = Reading::default();
        let clamp = |v: f32, d: f32, (lo, hi): (f32, f32)| {
            if v.is_finite() { v.clamp(lo, hi) } else { d }
        };
        self.line_height = clamp(self.line_height, defaults.line_height, LINE_HEIGHT_RANGE);
        self.paragraph_spacing = clamp(
            self.paragraph_spacing,
            defaults.paragraph_spacing,
            PARAGRAPH_SPACING_RANGE,
        );
        self.column_chars = clamp(self.column_chars, defaults.column_chars, COLUMN_CHARS_RANGE);
        self.margin = clamp(self.margin, defaults.margin, MARGIN_RANGE);
        self
    }
}

/// A document the user opened, and where they were in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecentDocument {
    /// Where the file was.
    pub path: PathBuf,
    /// Its title (or file name) for the menu.
    pub title: String,
    /// Char offset at the top of the view when it was last read.
    pub position: usize,
    /// When it was last opened: seconds since 1970 (UTC); 0 when not known (settings written
    /// before this was kept). The Recent menu shows the date beside titles that repeat.
    pub opened: i64,
}

impl Default for RecentDocument {
    fn default() -> Self {
        Self {
            path: PathBuf::new(),
            title: String::new(),
            position: 0,
            opened: 0,
        }
    }
}

/// Everything Pizhu remembers between runs (the file format; see `docs/settings.md`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Format version, for migrations.
    pub version: u32,
    /// Text zoom factor (1.0 = 100 %).
    pub zoom: f32,
    /// Colour theme.
    pub theme: Theme,
    /// Official-document style (公文样式): 黑体/楷体/仿宋 where available.
    pub official_style: bool,
    /// Hide advertising and web residue instead of dimming it.
    pub hide_boilerplate: bool,
    /// Show the outline panel.
    pub show_outline: bool,
    /// Width of the outline panel in points.
    pub outline_width: f32,
    /// Show the status bar.
    pub show_status_bar: bool,
    /// UI language.
    pub language: LanguagePref,
    /// Recently opened documents, most recent first.
    pub recent: Vec<RecentDocument>,
    /// Show the annotations panel.
    pub show_annotations: bool,
    /// Width of the annotations panel in points.
    pub annotations_width: f32,
    /// The colour H highlights in (the last one used).
    #[serde(with = "color_record")]
    pub highlight_color: crate::annotate::Color,
    /// The name the annotated document signs the reader's comments with (empty: the login
    /// name).
    pub author: String,
    /// How Copy with citation writes an entry of the notebook (`{quote}`, `{title}`,
    /// `{section}`, `{note}`, `{date}`).
    pub citation_format: String,
    /// Offers of notes found by content that the reader dismissed: (the document's store
    /// file name, the offered store's file name), newest last. Not offered again.
    pub dismissed_offers: Vec<(String, String)>,
    /// How body text is set.
    pub reading: Reading,
}

/// How many dismissed offers are remembered.
const MAX_DISMISSED_OFFERS: usize = 500;

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            zoom: 1.0,
            theme: Theme::Light,
            official_style: false,
            hide_boilerplate: false,
            show_outline: true,
            outline_width: 300.0,
            show_status_bar: true,
            language: LanguagePref::Auto,
            recent: Vec::new(),
            show_annotations: true,
            annotations_width: 320.0,
            highlight_color: crate::annotate::Color::Yellow,
            author: String::new(),
            citation_format: crate::library::DEFAULT_CITATION.to_owned(),
            dismissed_offers: Vec::new(),
            reading: Reading::default(),
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Smallest and largest zoom factor.
pub const ZOOM_RANGE: (f32, f32) = (0.5, 3.0);

impl Settings {
    /// Put `doc` first in the recent list (keeping its remembered position unless given).
    pub fn remember(&mut self, path: &Path, title: &str, position: Option<usize>) {
        let old = self
            .recent
            .iter()
            .position(|r| r.path == path)
            .map(|i| self.recent.remove(i));
        let position = position.or(old.map(|r| r.position)).unwrap_or(0);
        self.recent.insert(
            0,
            RecentDocument {
                path: path.to_owned(),
                title: title.to_owned(),
                position,
                opened: jiff::Timestamp::now().as_second(),
            },
        );
        self.recent.truncate(MAX_RECENT);
    }

    /// Remember that the notes of store `offered` were not wanted for the document whose
    /// store is `own`.
    pub fn dismiss_offer(&mut self, own: &Path, offered: &Path) {
        let key = (file_name(own), file_name(offered));
        if !self.dismissed_offers.contains(&key) {
            self.dismissed_offers.push(key);
        }
        let over = self
            .dismissed_offers
            .len()
            .saturating_sub(MAX_DISMISSED_OFFERS);
        self.dismissed_offers.drain(..over);
    }

    /// Whether the reader dismissed store `offered`'s notes for the document of store `own`.
    pub fn offer_dismissed(&self, own: &Path, offered: &Path) -> bool {
        let key = (file_name(own), file_name(offered));
        self.dismissed_offers.contains(&key)
    }

    /// The remembered reading position of `path`, if any.
    pub fn position_of(&self, path: &Path) -> Option<usize> {
        self.recent
            .iter()
            .find(|r| r.path == path)
            .map(|r| r.position)
    }

    /// Clamp values a hand-edited file may have put out of range.
    fn sanitize(mut self) -> Self {
        if !self.zoom.is_finite() {
            self.zoom = 1.0;
        }
        self.zoom = self.zoom.clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        if !self.outline_width.is_finite() {
            self.outline_width = 300.0;
        }
        self.outline_width = self.outline_width.clamp(120.0, 900.0);
        self.recent.truncate(MAX_RECENT);
        self.reading = self.reading.sanitized();
        self.version = SETTINGS_VERSION;
        self
    }
}

/// Where the settings live: the per-user config directory, or `PIZHU_CONFIG_DIR`.
pub fn settings_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PIZHU_CONFIG_DIR") {
        return Some(PathBuf::from(dir).join("settings.ron"));
    }
    directories::ProjectDirs::from("", "", "pizhu").map(|d| d.config_dir().join("settings.ron"))
}

/// The outcome of loading settings.
#[derive(Debug)]
pub struct Loaded {
    /// The settings to use.
    pub settings: Settings,
    /// A problem to show the user (the file was unreadable and kept aside, …).
    pub warning: Option<String>,
}

/// Load settings from `path`; a missing file gives defaults, a broken one is moved aside.
pub fn load(path: &Path) -> Loaded {
    use crate::files::{Links, ReadError, read_regular};
    // A settings file is small: a FIFO or device there is never read, nor waited on.
    let text = match read_regular(path, Links::Follow, 16 << 20) {
        // Bytes that are not UTF-8 are damage like any other: kept aside below.
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                settings: Settings::default(),
                warning: None,
            };
        }
        Err(e) => {
            return Loaded {
                settings: Settings::default(),
                warning: Some(format!(
                    "settings could not be read ({e}); using defaults: {}",
                    path.display()
                )),
            };
        }
    };
    match ron::from_str::<Settings>(&text) {
        Ok(settings) => Loaded {
            settings: settings.sanitize(),
            warning: None,
        },
        Err(e) => {
            let aside = keep_aside(path);
            let kept = aside.as_ref().map_or_else(
                || "left in place".to_owned(),
                |p| format!("kept as {}", p.display()),
            );
            Loaded {
                settings: Settings::default(),
                warning: Some(format!(
                    "settings file is damaged ({e}); it was {kept} and defaults are used: {}",
                    path.display()
                )),
            }
        }
    }
}

/// Save settings atomically: write a temp file beside the target, flush it, rename it over.
pub fn save(path: &Path, settings: &Settings) -> std::io::Result<()> {
    let text = ron::ser::to_string_pretty(settings, ron::ser::PrettyConfig::default())
        .map_err(std::io::Error::other)?;
    crate::files::replace_file(path, text.as_bytes(), crate::files::Mode::Private)
}

/// The settings file writes a colour as the store does (`store::record::ColorRecord`), so
/// the domain's `Color` is not a file format.
mod color_record {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::annotate::Color;
    use crate::store::record::ColorRecord;

    pub fn serialize<S: Serializer>(color: &Color, s: S) -> Result<S::Ok, S::Error> {
        ColorRecord::from(*color).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Color, D::Error> {
        ColorRecord::deserialize(d).map(Color::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_recent_list() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.ron");
        let mut s = Settings {
            zoom: 1.25,
            theme: Theme::Sepia,
            ..Settings::default()
        };
        for i in 0..12 {
            s.remember(
                Path::new(&format!("/d/{i}.txt")),
                &format!("文档{i}"),
                Some(i * 10),
            );
        }
        s.remember(Path::new("/d/5.txt"), "文档5", None);
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0].path, Path::new("/d/5.txt"));
        assert_eq!(s.position_of(Path::new("/d/5.txt")), Some(50));
        save(&path, &s).unwrap();
        let loaded = load(&path);
        assert!(loaded.warning.is_none());
        assert_eq!(loaded.settings, s);
    }

    #[test]
    fn damaged_file_is_kept_aside_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        std::fs::write(&path, "(zoom: 你好").unwrap();
        let loaded = load(&path);
        assert_eq!(loaded.settings, Settings::default());
        let warning = loaded.warning.unwrap();
        assert!(warning.contains("damaged"), "{warning}");
        let aside = dir.path().join("settings.ron.damaged-1");
        assert_eq!(std::fs::read_to_string(aside).unwrap(), "(zoom: 你好");
        assert!(!path.exists());
    }

    #[test]
    fn missing_file_gives_defaults_and_odd_values_are_clamped() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            load(&dir.path().join("none.ron")).settings,
            Settings::default()
        );
        let path = dir.path().join("s.ron");
        std::fs::write(&path, "(zoom: 40.0, outline_width: -3.0, future_field: 1)").unwrap();
        let loaded = load(&path);
        assert_eq!(loaded.settings.zoom, ZOOM_RANGE.1);
        assert_eq!(loaded.settings.outline_width, 120.0);
    }

    #[test]
    fn reading_settings_round_trip_and_old_files_get_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        let s = Settings {
            reading: Reading {
                font: ReadingFont::Kai,
                line_height: 2.2,
                paragraph_spacing: 1.0,
                first_line_indent: false,
                column_chars: 30.0,
                margin: 60.0,
                justify: true,
            },
            ..Settings::default()
        };
        save(&path, &s).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("line_height: 2.2"), "{text}");
        assert_eq!(load(&path).settings, s);
        // A file written before the reading settings existed.
        std::fs::write(&path, "(version: 1, zoom: 1.5, theme: Dark)").unwrap();
        let loaded = load(&path);
        assert!(loaded.warning.is_none());
        assert_eq!(loaded.settings.zoom, 1.5);
        assert_eq!(loaded.settings.reading, Reading::default());
        // A partial reading record keeps its values and gets defaults for the rest.
        std::fs::write(
            &path,
            "(reading: (justify: true, line_height: 9.0, margin: -5.0))",
        )
        .unwrap();
        let reading = load(&path).settings.reading;
        assert!(reading.justify);
        assert_eq!(reading.line_height, LINE_HEIGHT_RANGE.1);
        assert_eq!(reading.margin, MARGIN_RANGE.0);
        assert_eq!(reading.column_chars, Reading::default().column_chars);
    }
}
