//! Fonts: the bundled Noto CJK subsets (see `fonts/README.md`), the named families the
//! reader uses, and the 公文 faces (黑体, 楷体, 仿宋) taken from the system when present.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

use crate::app::settings::ReadingFont;

/// Noto Serif CJK SC (subset): the reading face.
static SERIF: &[u8] = include_bytes!("../../fonts/NotoSerifCJKsc-Regular.subset.otf");
/// Noto Sans CJK SC (subset): the UI face and 黑体-like headings.
static SANS: &[u8] = include_bytes!("../../fonts/NotoSansCJKsc-Regular.subset.otf");

/// Body text (宋体-like serif, or 仿宋 in official style).
pub const BODY: &str = "pizhu-body";
/// Level-1 headings and the title (黑体-like sans).
pub const HEI: &str = "pizhu-hei";
/// Level-2 headings in official style (楷体 where installed).
pub const KAI: &str = "pizhu-kai";

/// The family for a named face.
pub fn family(name: &str) -> FontFamily {
    FontFamily::Name(name.into())
}

/// Which system faces were found for official style.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OfficialFaces {
    /// A 黑体 face.
    pub hei: Option<PathBuf>,
    /// A 楷体 face.
    pub kai: Option<PathBuf>,
    /// A 仿宋 face.
    pub fang: Option<PathBuf>,
    /// A 宋体 face (a reading font; official style does not use it).
    pub song: Option<PathBuf>,
}

/// The bundled face that stands in for a missing system face.
pub const SERIF_NAME: &str = "Noto Serif CJK";
/// The bundled sans face.
pub const SANS_NAME: &str = "Noto Sans CJK";

/// A system face that was asked for and not found, and the bundled face used instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Substitute {
    /// The face looked for (宋体, 仿宋, 楷体, 黑体).
    pub wanted: &'static str,
    /// The bundled face used in its place.
    pub used: &'static str,
}

impl OfficialFaces {
    fn slot(&self, font: ReadingFont) -> Option<&PathBuf> {
        match font {
            ReadingFont::Serif | ReadingFont::Sans => None,
            ReadingFont::Song => self.song.as_ref(),
            ReadingFont::Fang => self.fang.as_ref(),
            ReadingFont::Kai => self.kai.as_ref(),
            ReadingFont::Hei => self.hei.as_ref(),
        }
    }

    /// The faces official style (`official`) or the reading font `font` asks for that are
    /// not installed, each with the bundled face used instead.
    pub fn missing(&self, official: bool, font: ReadingFont) -> Vec<Substitute> {
        let wanted: Vec<ReadingFont> = if official {
            vec![ReadingFont::Hei, ReadingFont::Kai, ReadingFont::Fang]
        } else if font.is_system() {
            vec![font]
        } else {
            Vec::new()
        };
        wanted
            .into_iter()
            .filter(|&f| self.slot(f).is_none())
            .map(|f| Substitute {
                wanted: match f {
                    ReadingFont::Song => "宋体",
                    ReadingFont::Fang => "仿宋",
                    ReadingFont::Kai => "楷体",
                    _ => "黑体",
                },
                used: if f == ReadingFont::Hei {
                    SANS_NAME
                } else {
                    SERIF_NAME
                },
            })
            .collect()
    }
}

/// Font definitions: bundled faces always; with `official`, system 黑/楷/仿宋 faces first
/// where found (each falls back to the bundled faces, so nothing ever renders as tofu).
pub fn definitions(official: Option<&OfficialFaces>) -> FontDefinitions {
    definitions_for(official, ReadingFont::Serif, None)
}

/// Font definitions with body text in `font` when official style is off (`official` is
/// `None`); a system face comes from `faces` and falls back to the bundled serif.
pub fn definitions_for(
    official: Option<&OfficialFaces>,
    font: ReadingFont,
    faces: Option<&OfficialFaces>,
) -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts
        .font_data
        .insert("noto-serif".into(), Arc::new(FontData::from_static(SERIF)));
    fonts
        .font_data
        .insert("noto-sans".into(), Arc::new(FontData::from_static(SANS)));
    let egui_defaults = fonts
        .families
        .get(&FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    let chain = |first: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = first.iter().map(|s| (*s).to_owned()).collect();
        v.extend(egui_defaults.iter().cloned());
        v
    };
    // The UI: Noto Sans first so Chinese and Latin labels share one design.
    fonts.families.insert(
        FontFamily::Proportional,
        chain(&["noto-sans", "noto-serif"]),
    );
    if let Some(mono) = fonts.families.get_mut(&FontFamily::Monospace) {
        mono.push("noto-sans".into());
    }
    let mut body = if font == ReadingFont::Sans && official.is_none() {
        vec!["noto-sans", "noto-serif"]
    } else {
        vec!["noto-serif", "noto-sans"]
    };
    let mut hei = vec!["noto-sans", "noto-serif"];
    let mut kai = vec!["noto-serif", "noto-sans"];
    if let Some(faces) = official {
        for (key, path, list) in [
            ("sys-fang", &faces.fang, &mut body),
            ("sys-hei", &faces.hei, &mut hei),
            ("sys-kai", &faces.kai, &mut kai),
        ] {
            if let Some(bytes) = path.as_ref().and_then(|p| std::fs::read(p).ok()) {
                fonts
                    .font_data
                    .insert(key.into(), Arc::new(FontData::from_owned(bytes)));
                list.insert(0, key);
            }
        }
    }
    if official.is_none()
        && let Some(bytes) = faces
            .and_then(|f| f.slot(font))
            .and_then(|p| std::fs::read(p).ok())
    {
        fonts
            .font_data
            .insert("sys-reading".into(), Arc::new(FontData::from_owned(bytes)));
        body.insert(0, "sys-reading");
    }
    fonts.families.insert(family(BODY), chain(&body));
    fonts.families.insert(family(HEI), chain(&hei));
    fonts.families.insert(family(KAI), chain(&kai));
    fonts
}

/// Look for 黑体, 楷体 and 仿宋 faces in the usual font folders (Windows fonts copied to
/// Linux, Founder and Arphic fonts, WenQuanYi, LXGW WenKai …).
pub fn find_official_faces() -> OfficialFaces {
    let mut dirs: Vec<PathBuf> = vec![
        "/usr/share/fonts".into(),
        "/usr/local/share/fonts".into(),
        "C:\\Windows\\Fonts".into(),
        "/System/Library/Fonts".into(),
        "/Library/Fonts".into(),
    ];
    if let Some(home) = directories::BaseDirs::new() {
        dirs.push(home.home_dir().join(".fonts"));
        dirs.push(home.data_dir().join("fonts"));
    }
    let mut faces = OfficialFaces::default();
    for dir in dirs {
        scan(&dir, 0, &mut faces);
    }
    faces
}

fn scan(dir: &Path, depth: usize, faces: &mut OfficialFaces) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if depth < 4 {
                scan(&path, depth + 1, faces);
            }
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_lowercase();
        if !(name.ends_with(".ttf") || name.ends_with(".otf") || name.ends_with(".ttc")) {
            continue;
        }
        let slot = if ["simfang", "fangsong", "仿宋", "fzfs"]
            .iter()
            .any(|k| name.contains(k))
        {
            &mut faces.fang
        } else if ["simkai", "kaiti", "楷体", "ukai", "lxgwwenkai", "fzkt"]
            .iter()
            .any(|k| name.contains(k))
        {
            &mut faces.kai
        } else if ["simhei", "heiti", "黑体", "zenhei", "fzht"]
            .iter()
            .any(|k| name.contains(k))
        {
            &mut faces.hei
        } else if ["simsun", "songti", "宋体", "fzss", "stsong", "uming"]
            .iter()
            .any(|k| name.contains(k))
        {
            &mut faces.song
        } else {
            continue;
        };
        slot.get_or_insert(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_both_bundled_faces() {
        let fonts = definitions(None);
        for name in [BODY, HEI, KAI] {
            let chain = &fonts.families[&family(name)];
            assert!(
                chain.contains(&"noto-serif".to_owned()) && chain.contains(&"noto-sans".to_owned())
            );
        }
        assert_eq!(fonts.families[&FontFamily::Proportional][0], "noto-sans");
    }

    #[test]
    fn official_faces_come_first_when_found() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("simkai.ttf"), SERIF).unwrap();
        let faces = OfficialFaces {
            kai: Some(dir.path().join("simkai.ttf")),
            hei: Some(dir.path().join("missing.ttf")),
            fang: None,
            song: None,
        };
        let fonts = definitions(Some(&faces));
        assert_eq!(fonts.families[&family(KAI)][0], "sys-kai");
        assert_eq!(fonts.families[&family(HEI)][0], "noto-sans");
        let mut found = OfficialFaces::default();
        scan(dir.path(), 0, &mut found);
        assert_eq!(found.kai, Some(dir.path().join("simkai.ttf")));
    }

    #[test]
    fn reading_font_leads_the_body_and_missing_faces_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("simsun.ttc"), SERIF).unwrap();
        let mut found = OfficialFaces::default();
        scan(dir.path(), 0, &mut found);
        assert_eq!(found.song, Some(dir.path().join("simsun.ttc")));
        let body = |f: &FontDefinitions| f.families[&family(BODY)][0].clone();
        assert_eq!(
            body(&definitions_for(None, ReadingFont::Song, Some(&found))),
            "sys-reading"
        );
        assert_eq!(
            body(&definitions_for(None, ReadingFont::Sans, None)),
            "noto-sans"
        );
        // Not installed: the bundled serif, and the settings window says so.
        assert_eq!(
            body(&definitions_for(None, ReadingFont::Kai, Some(&found))),
            "noto-serif"
        );
        assert_eq!(
            found.missing(false, ReadingFont::Kai),
            vec![Substitute {
                wanted: "楷体",
                used: SERIF_NAME
            }]
        );
        assert!(found.missing(false, ReadingFont::Song).is_empty());
        let official: Vec<&str> = found
            .missing(true, ReadingFont::Song)
            .iter()
            .map(|s| s.wanted)
            .collect();
        assert_eq!(official, ["黑体", "楷体", "仿宋"]);
        assert_eq!(found.missing(true, ReadingFont::Serif)[0].used, SANS_NAME);
    }
}
