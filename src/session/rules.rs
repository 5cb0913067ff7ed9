//! The reader's outline rules (Legado-style TXT contents rules): `rules.ron` in the config
//! folder (`PIZHU_CONFIG_DIR`, else the per-user config directory, beside `settings.ron`).
//! Each rule is a regex tried on every line and what a matching line is: a heading at a
//! level, or not a heading ([`crate::outline::corrections::Rule`]). They apply after the
//! engine and before the reader's per-document corrections, in the window and in
//! `pizhu outline` alike.
//!
//! A file that does not parse is never written over: the window keeps it aside
//! (`files::keep_aside`) and says so; `pizhu outline` names it and stops.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::files::{Links, Mode, ReadError, keep_aside, read_regular, replace_file};
pub use crate::outline::corrections::{Rule, RuleKind};

/// The rules file's name in the config folder.
pub const RULES_FILE: &str = "rules.ron";

/// Version written into the rules file.
pub const RULES_VERSION: u32 = 1;

/// Largest rules file read.
const MAX_RULES_BYTES: u64 = 4 << 20;

/// What `rules.ron` holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RulesFile {
    /// [`RULES_VERSION`].
    pub version: u32,
    /// The rules, tried in order (a line takes the first that matches).
    pub rules: Vec<Rule>,
}

/// Where the rules live: `PIZHU_CONFIG_DIR/rules.ron`, else the per-user config directory.
pub fn rules_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PIZHU_CONFIG_DIR") {
        return Some(PathBuf::from(dir).join(RULES_FILE));
    }
    directories::ProjectDirs::from("", "", "pizhu").map(|d| d.config_dir().join(RULES_FILE))
}

/// Why the rules could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file does not parse (kept aside when `kept` is set, else left as it is).
    #[error("the outline rules file does not parse ({reason}); {}: {}", match kept {
        Some(_) => "it was kept as",
        None => "it is left untouched",
    }, kept.as_deref().unwrap_or(path).display())]
    Damaged {
        /// What the parser said.
        reason: String,
        /// The file.
        path: PathBuf,
        /// Where it was kept (the window moves it aside).
        kept: Option<PathBuf>,
    },
    /// The file could not be read (not a regular file, too big, no permission).
    #[error("the outline rules file could not be read ({reason}); no rules are used: {}", path.display())]
    Unreadable {
        /// What failed.
        reason: String,
        /// The file.
        path: PathBuf,
    },
}

impl RulesError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            RulesError::Damaged { path, .. } | RulesError::Unreadable { path, .. } => path,
        }
    }
}

/// Read the rules (a missing file: none). With `keep_damaged` (the window) a file that does
/// not parse is moved aside so that the next save starts afresh; without (the command
/// line), nothing is changed.
pub fn load(path: &Path, keep_damaged: bool) -> Result<Vec<Rule>, RulesError> {
    let bytes = match read_regular(path, Links::Follow, MAX_RULES_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Vec::new());
        }
        Err(e) => {
            return Err(RulesError::Unreadable {
                reason: e.to_string(),
                path: path.to_owned(),
            });
        }
    };
    let parsed = std::str::from_utf8(&bytes)
        .map_err(|e| format!("not UTF-8 text ({e})"))
        .and_then(parse);
    match parsed {
        Ok(file) => Ok(file.rules),
        Err(reason) => Err(RulesError::Damaged {
            reason,
            path: path.to_owned(),
            kept: if keep_damaged { keep_aside(path) } else { None },
        }),
    }
}

/// Parse the text of a rules file; a newer version or a level out of 1–4 is refused.
pub fn parse(text: &str) -> Result<RulesFile, String> {
    let file: RulesFile = ron::from_str(text).map_err(|e| e.to_string())?;
    if file.version > RULES_VERSION {
        return Err(format!(
            "written by a newer Pizhu (version {}; this one reads up to {RULES_VERSION})",
            file.version
        ));
    }
    if let Some(bad) = file.rules.iter().find(|r| {
        r.level
            .is_some_and(|l| !(1..=crate::outline::corrections::MAX_LEVEL).contains(&l))
    }) {
        return Err(format!(
            "rule \"{}\": level {} is not 1-{}",
            bad.name,
            bad.level.unwrap_or(0),
            crate::outline::corrections::MAX_LEVEL
        ));
    }
    Ok(file)
}

/// Write the rules atomically (a symlink is followed, as for the settings).
pub fn save(path: &Path, rules: &[Rule]) -> std::io::Result<()> {
    let file = RulesFile {
        version: RULES_VERSION,
        rules: rules.to_vec(),
    };
    let text = ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default())
        .map_err(std::io::Error::other)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    replace_file(path, text.as_bytes(), Mode::Private)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_round_trip_and_a_missing_file_is_no_rules() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(RULES_FILE);
        assert!(load(&path, true).unwrap().is_empty());
        let rules = vec![
            Rule {
                name: "章".into(),
                pattern: "^第.+章".into(),
                level: Some(1),
                ..Rule::default()
            },
            Rule {
                name: "来源".into(),
                pattern: "^来源：".into(),
                level: None,
                kind: RuleKind::NotHeading,
                enabled: false,
            },
        ];
        save(&path, &rules).unwrap();
        assert_eq!(load(&path, true).unwrap(), rules);
        // Written by hand, with defaults left out.
        std::fs::write(
            &path,
            "(rules: [(name: \"节\", pattern: \"^第.+节\", level: Some(2))])",
        )
        .unwrap();
        let read = load(&path, false).unwrap();
        assert_eq!(read[0].level, Some(2));
        assert!(read[0].enabled);
    }

    #[test]
    fn a_damaged_file_is_kept_aside_by_the_window_and_left_by_the_command_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(RULES_FILE);
        std::fs::write(&path, "(rules: [(name: ").unwrap();
        let e = load(&path, false).unwrap_err();
        assert!(e.to_string().contains("left untouched"), "{e}");
        assert!(path.exists());
        let e = load(&path, true).unwrap_err();
        let RulesError::Damaged {
            kept: Some(kept), ..
        } = &e
        else {
            panic!("{e:?}");
        };
        assert!(!path.exists());
        assert_eq!(std::fs::read_to_string(kept).unwrap(), "(rules: [(name: ");
        std::fs::write(
            &path,
            "(rules: [(name: \"x\", pattern: \"x\", level: Some(7))])",
        )
        .unwrap();
        assert!(
            load(&path, false)
                .unwrap_err()
                .to_string()
                .contains("level 7")
        );
    }
}
