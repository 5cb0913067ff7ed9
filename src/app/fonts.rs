//! Fonts: the bundled Noto CJK subsets (see `fonts/README.md`), the named families the
//! reader uses, and the 公文 faces (黑体, 楷体, 仿宋) taken from the system when present.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

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
}

/// Font definitions: bundled faces always; with `official`, system 黑/楷/仿宋 faces first
/// where found (each falls back to the bundled faces, so nothing ever renders as tofu).
pub fn definitions(official: Option<&OfficialFaces>) -> FontDefinitions {
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
    let mut body = vec!["noto-serif", "noto-sans"];
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
        if !(name.ends_with(".ttf") || name.ends_with(".otf")) {
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
        };
        let fonts = definitions(Some(&faces));
        assert_eq!(fonts.families[&family(KAI)][0], "sys-kai");
        assert_eq!(fonts.families[&family(HEI)][0], "noto-sans");
        let mut found = OfficialFaces::default();
        scan(dir.path(), 0, &mut found);
        assert_eq!(found.kai, Some(dir.path().join("simkai.ttf")));
    }
}
