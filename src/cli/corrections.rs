//! The outline as the reader corrected it, for `pizhu outline`, `notes`, `stats`, `highlight`
//! and `export` (the notebook's `--all` listings make it per document, `library::notebook`):
//! the engine's outline, the user rules of `rules.ron` (config folder), then the document's
//! corrections from its notes file — read only, nothing on disk is changed. A rules file
//! that does not parse fails the command (one line naming it); a notes file that cannot be
//! read is a warning, and the outline is shown without its corrections.

use std::path::Path;

use super::{CliError, one_line};
use crate::annotate::corrections::{Correction, corrected};
use crate::document::Document;
use crate::outline::Outline;
use crate::outline::corrections::Rule;
use crate::session::rules::{load as load_rules, rules_path};
use crate::store::annotations::{DocStore, data_dir};

/// The outline of `doc` (read from `file`; `engine` makes the engine's) with the rules and
/// the corrections. The notes file is read on a second thread while `engine` runs.
pub(super) fn corrected_outline(
    doc: &Document,
    engine: impl FnOnce() -> Outline,
    file: &Path,
    explicit_data_dir: Option<&Path>,
) -> Result<Outline, CliError> {
    let (engine, corrections) = std::thread::scope(|scope| {
        let read = scope.spawn(|| read_corrections(doc, file, explicit_data_dir));
        let engine = engine();
        // Reading never panics; if it did, the outline is shown without corrections.
        (engine, read.join().unwrap_or_default())
    });
    with_corrections(doc, engine, file, &corrections)
}

/// The corrections in `doc`'s notes file (read only; a file that cannot be read is a
/// warning on stderr and no corrections).
fn read_corrections(
    doc: &Document,
    file: &Path,
    explicit_data_dir: Option<&Path>,
) -> Vec<Correction> {
    let Some(dir) = data_dir(explicit_data_dir) else {
        return Vec::new();
    };
    // The title is recorded only when a store is written: this one never is.
    let title = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let loaded = DocStore::load_read_only(&dir, doc, Some(file), &title);
    if let Some(problem) = &loaded.problem {
        crate::terminal::eprint_line(&format!(
            "pizhu: warning: the outline is shown without the corrections that could not be read: {}",
            one_line(&problem.to_string())
        ));
    }
    loaded.annotations.corrections().to_vec()
}

/// `engine` with the rules of `rules.ron` and `corrections` (already read).
pub(super) fn with_corrections(
    doc: &Document,
    engine: Outline,
    file: &Path,
    corrections: &[Correction],
) -> Result<Outline, CliError> {
    let rules = rules()?;
    if rules.is_empty() && corrections.is_empty() {
        return Ok(engine);
    }
    let c = corrected(&engine, doc, &rules, corrections);
    if !c.lost.is_empty() {
        crate::terminal::eprint_line(&format!(
            "pizhu: warning: {} outline correction(s) no longer found in the document are kept in its notes file and not applied: {}",
            c.lost.len(),
            file.display()
        ));
    }
    Ok(c.outline)
}

/// The outline rules of `rules.ron` (none when there is no config folder or no file; a file
/// that cannot be read or does not parse fails the command, naming it).
pub(super) fn rules() -> Result<Vec<Rule>, CliError> {
    match rules_path() {
        Some(path) => load_rules(&path, false).map_err(|e| CliError {
            message: one_line(&e.to_string())
                .trim_end_matches(&*format!(": {}", e.path().display()))
                .to_owned(),
            path: e.path().to_owned(),
        }),
        None => Ok(Vec::new()),
    }
}
