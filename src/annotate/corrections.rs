//! The reader's corrections of the outline, anchored like highlights.
//!
//! A [`Correction`] is an [`outline::corrections::Change`](Change) on one line, with the
//! line's first words and some context on both sides: after the file is edited it is found
//! again by [`anchor::place`] (old offsets, the same words elsewhere, the context with the
//! words edited between, an approximate match) and applies to the line it is found on. One
//! that is not found is kept — in the set and in the store — and reported, never applied
//! and never dropped.
//!
//! Corrections live beside the annotations in an [`AnnotationSet`]: the same undo history
//! (one Ctrl+Z undoes the last change, whichever it was), the same newest-wins merge by id
//! with removals kept as tombstones, the same store file.

use super::{AnnotationSet, Step, anchor};
use crate::annotate::Annotation;
use crate::document::{Document, TextRange, count_chars};
use crate::outline::Outline;
use crate::outline::corrections::{Change, Rule, apply, line_of, rule_changes};

pub use crate::outline::corrections::MAX_LEVEL;

/// A correction's stable id.
pub type CorrectionId = u64;

/// Chars of a line kept as a correction's quote (its first words find it again).
const QUOTE_CHARS: usize = 48;

/// One change the reader made to the outline, anchored to its line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Correction {
    /// Stable id.
    pub id: CorrectionId,
    /// What it does.
    pub change: Option<Change>,
    /// Where its words stood when it was made (char offsets).
    pub range: TextRange,
    /// The line's first words (without leading white space).
    pub quote: String,
    /// Up to [`anchor::CONTEXT_CHARS`] chars before them.
    pub prefix: String,
    /// Up to [`anchor::CONTEXT_CHARS`] chars after them.
    pub suffix: String,
    /// Creation time, milliseconds since 1970 (corrections apply in this order).
    pub created_ms: i64,
    /// Last change (merges keep the newer version).
    pub modified_ms: i64,
}

impl Correction {
    /// A correction of line `line` of `doc` (`None`: the line is blank or out of range).
    pub fn on_line(doc: &Document, line: usize, change: Change, now_ms: i64) -> Option<Self> {
        let l = doc.lines.get(line)?;
        let text = doc.line_text(l);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return None;
        }
        let lead = count_chars(&text[..text.len() - text.trim_start().len()]);
        let start = l.range.start + lead;
        let len = count_chars(trimmed).min(QUOTE_CHARS);
        let range = TextRange::new(start, start + len);
        let a = Annotation::highlight(doc, range, super::Color::Yellow, now_ms);
        Some(Self {
            id: super::new_id(now_ms),
            change: Some(change),
            range: a.range,
            quote: a.quote,
            prefix: a.prefix,
            suffix: a.suffix,
            created_ms: now_ms,
            modified_ms: now_ms,
        })
    }

    /// The line it stands on in `doc` now (`None`: lost).
    pub fn place(&self, doc: &Document) -> Option<usize> {
        let probe = Annotation {
            range: self.range,
            quote: self.quote.clone(),
            prefix: self.prefix.clone(),
            suffix: self.suffix.clone(),
            ..Annotation::default()
        };
        let (range, _) = anchor::place(doc, &probe)?;
        line_of(doc, range.start)
    }
}

/// An edit to the corrections (what undo and redo replay).
#[derive(Clone, Debug, PartialEq)]
pub enum CorrectionEdit {
    /// Add this correction, or replace the one with its id.
    Put(Correction),
    /// Remove the correction with this id.
    Remove(CorrectionId),
}

/// The outline after user rules and corrections.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Corrected {
    /// The outline to show.
    pub outline: Outline,
    /// Each correction applied, and the line it stands on now.
    pub placed: Vec<(CorrectionId, usize)>,
    /// Corrections whose line was not found (kept, not applied).
    pub lost: Vec<CorrectionId>,
}

/// `engine` (the outline the engine made of `doc`) with the enabled `rules` applied, then
/// `corrections` in the order they were made.
pub fn corrected(
    engine: &Outline,
    doc: &Document,
    rules: &[Rule],
    corrections: &[Correction],
) -> Corrected {
    let mut changes = rule_changes(engine, doc, rules);
    let mut order: Vec<&Correction> = corrections.iter().filter(|c| c.change.is_some()).collect();
    order.sort_by_key(|c| (c.created_ms, c.id));
    let mut placed = Vec::new();
    let mut lost = Vec::new();
    for c in order {
        match c.place(doc) {
            Some(line) => {
                placed.push((c.id, line));
                changes.extend(c.change.clone().map(|ch| (line, ch)));
            }
            None => lost.push(c.id),
        }
    }
    Corrected {
        outline: apply(engine, doc, &changes),
        placed,
        lost,
    }
}

/// The outline a reader sees of `doc`: the engine's ([`crate::outline::outline`]), then the
/// enabled `rules`, then `corrections` — what the window's tree, `pizhu outline`, `pizhu
/// notes`, `pizhu stats`, the exports and the notebook's section paths all show. With no
/// rules and no corrections, the engine's outline.
pub fn reader_outline(doc: &Document, rules: &[Rule], corrections: &[Correction]) -> Corrected {
    let engine = crate::outline::outline(doc);
    if rules.is_empty() && corrections.is_empty() {
        return Corrected {
            outline: engine,
            ..Corrected::default()
        };
    }
    corrected(&engine, doc, rules, corrections)
}

impl AnnotationSet {
    /// Add back, as one undoable step, every correction of `backup` that this set does not
    /// hold (restoring a backup never removes or changes what is here, as
    /// [`AnnotationSet::restore_from`] does with annotations). Returns how many.
    pub fn restore_corrections_from(&mut self, backup: Vec<Correction>, now_ms: i64) -> usize {
        let edits: Vec<CorrectionEdit> = backup
            .into_iter()
            .filter(|c| c.change.is_some() && !self.corrections.iter().any(|o| o.id == c.id))
            .map(CorrectionEdit::Put)
            .collect();
        let added = edits.len();
        self.correct(edits, now_ms);
        added
    }

    /// The corrections of the outline (in the order they were made).
    pub fn corrections(&self) -> &[Correction] {
        &self.corrections
    }

    /// Correction ids removed, with when (kept in the store as tombstones).
    pub fn corrections_removed(&self) -> &[(CorrectionId, i64)] {
        &self.corrections_removed
    }

    /// Changes whenever the corrections change (the outline is made anew then).
    pub fn corrections_generation(&self) -> u64 {
        self.corrections_generation
    }

    /// Something the views derive from the set changed without an edit (the outline was
    /// made anew with other rules): views keyed on [`AnnotationSet::generation`] remake.
    pub fn touch(&mut self) {
        self.generation += 1;
    }

    /// The set with these corrections and removals (as loaded).
    pub fn with_corrections(
        mut self,
        corrections: Vec<Correction>,
        removed: Vec<(CorrectionId, i64)>,
    ) -> Self {
        self.corrections = corrections;
        self.corrections_removed = removed;
        self.sort_corrections();
        self.corrections_generation += 1;
        self
    }

    /// Apply correction edits as one undoable step.
    pub fn correct(&mut self, edits: Vec<CorrectionEdit>, now_ms: i64) {
        if edits.is_empty() {
            return;
        }
        let inverse = self.correct_raw(edits, now_ms);
        self.undo.push(Step::Corrections(inverse));
        self.redo.clear();
    }

    /// Apply correction edits, returning those that undo them.
    pub(super) fn correct_raw(
        &mut self,
        edits: Vec<CorrectionEdit>,
        now_ms: i64,
    ) -> Vec<CorrectionEdit> {
        let mut inverse = Vec::with_capacity(edits.len());
        for edit in edits {
            match edit {
                CorrectionEdit::Put(mut c) => {
                    match self.corrections.iter_mut().find(|o| o.id == c.id) {
                        Some(old) => {
                            c.modified_ms = now_ms.max(old.modified_ms + 1);
                            inverse.push(CorrectionEdit::Put(std::mem::replace(old, c)));
                        }
                        None => {
                            c.modified_ms = c.modified_ms.max(now_ms);
                            self.corrections_removed.retain(|&(id, _)| id != c.id);
                            inverse.push(CorrectionEdit::Remove(c.id));
                            self.corrections.push(c);
                        }
                    }
                }
                CorrectionEdit::Remove(id) => {
                    if let Some(i) = self.corrections.iter().position(|c| c.id == id) {
                        let old = self.corrections.remove(i);
                        self.corrections_removed
                            .push((id, now_ms.max(old.modified_ms)));
                        inverse.push(CorrectionEdit::Put(old));
                    }
                }
            }
        }
        inverse.reverse();
        self.sort_corrections();
        self.corrections_generation += 1;
        self.generation += 1;
        inverse
    }

    /// Bring in another copy's corrections: for each id the newer version wins, a removal
    /// wins over older versions. Returns true when something changed here.
    pub fn merge_corrections(
        &mut self,
        theirs: Vec<Correction>,
        their_removed: &[(CorrectionId, i64)],
    ) -> bool {
        let mut changed = false;
        for &(id, when) in their_removed {
            if let Some(i) = self.corrections.iter().position(|c| c.id == id)
                && self.corrections[i].modified_ms <= when
            {
                self.corrections.remove(i);
                changed = true;
            }
            if !self.corrections_removed.iter().any(|&(r, _)| r == id) {
                self.corrections_removed.push((id, when));
            }
        }
        for c in theirs {
            let gone = self
                .corrections_removed
                .iter()
                .any(|&(r, when)| r == c.id && when >= c.modified_ms);
            if gone {
                continue;
            }
            match self.corrections.iter_mut().find(|o| o.id == c.id) {
                Some(old) if old.modified_ms < c.modified_ms => {
                    *old = c;
                    changed = true;
                }
                Some(_) => {}
                None => {
                    self.corrections.push(c);
                    changed = true;
                }
            }
        }
        if changed {
            self.sort_corrections();
            self.corrections_generation += 1;
            self.generation += 1;
        }
        changed
    }

    fn sort_corrections(&mut self) {
        self.corrections.sort_by_key(|c| (c.created_ms, c.id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::SourceFormat;
    use crate::outline::label::node_label;
    use crate::outline::outline;

    const TEXT: &str = "一、总体要求\n\n做好工作意义重大。\n\n（一）指导思想\n\n坚持稳中求进。\n\n二、主要任务\n\n加强组织领导\n\n各地要高度重视。\n\n三、保障措施\n\n抓好落实。\n";

    fn doc(text: &str) -> Document {
        Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text)
    }

    fn line(d: &Document, starts: &str) -> usize {
        d.lines
            .iter()
            .position(|l| d.line_text(l).starts_with(starts))
            .expect("line")
    }

    fn labels(o: &Outline) -> Vec<(u8, String)> {
        o.nodes.iter().map(|n| (n.depth, node_label(n))).collect()
    }

    fn heading(level: u8) -> Change {
        Change::Heading {
            level: Some(level),
            title: None,
        }
    }

    fn two(d: &Document) -> Vec<Correction> {
        vec![
            Correction::on_line(d, line(d, "加强组织领导"), heading(2), 10).unwrap(),
            Correction::on_line(d, line(d, "三、"), Change::Shift(1), 20).unwrap(),
        ]
    }

    fn expected() -> Vec<(u8, String)> {
        [
            (1, "一、总体要求"),
            (2, "（一）指导思想"),
            (1, "二、主要任务"),
            (2, "加强组织领导"),
            (2, "三、保障措施"),
        ]
        .map(|(d, s)| (d, s.to_owned()))
        .to_vec()
    }

    #[test]
    fn corrections_apply_where_they_were_made() {
        let d = doc(TEXT);
        let c = corrected(&outline(&d), &d, &[], &two(&d));
        assert_eq!(labels(&c.outline), expected());
        assert!(c.lost.is_empty());
        assert_eq!(c.placed.len(), 2);
    }

    #[test]
    fn corrections_follow_their_lines_when_the_text_is_edited() {
        let d = doc(TEXT);
        let corrections = two(&d);
        // A paragraph inserted before, a word changed elsewhere.
        let edited = TEXT
            .replace("一、总体要求\n", "前言一段新加的话。\n\n一、总体要求\n")
            .replace("坚持稳中求进", "坚持稳字当头");
        let e = doc(&edited);
        let c = corrected(&outline(&e), &e, &[], &corrections);
        assert_eq!(labels(&c.outline), expected());
        assert!(c.lost.is_empty());
        assert_eq!(
            c.placed,
            vec![
                (corrections[0].id, line(&e, "加强组织领导")),
                (corrections[1].id, line(&e, "三、"))
            ]
        );
        // A small edit inside the corrected line itself: still found (fuzzy).
        let e = doc(&TEXT.replace("加强组织领导", "切实加强组织领导"));
        let c = corrected(&outline(&e), &e, &[], &corrections);
        assert!(c.lost.is_empty(), "{:?}", c.lost);
        assert!(labels(&c.outline).contains(&(2, "切实加强组织领导".to_owned())));
    }

    #[test]
    fn a_correction_whose_line_is_gone_is_kept_and_not_applied() {
        let d = doc(TEXT);
        let mut set = AnnotationSet::default();
        set.correct(two(&d).into_iter().map(CorrectionEdit::Put).collect(), 30);
        let e = doc(&TEXT.replace("加强组织领导\n\n", ""));
        let c = corrected(&outline(&e), &e, &[], set.corrections());
        assert_eq!(c.lost, vec![set.corrections()[0].id]);
        assert_eq!(c.placed.len(), 1);
        assert_eq!(set.corrections().len(), 2);
        assert!(labels(&c.outline).contains(&(2, "三、保障措施".to_owned())));
    }

    #[test]
    fn undo_and_redo_replay_corrections_with_annotation_edits() {
        let d = doc(TEXT);
        let mut set = AnnotationSet::default();
        let [a, b]: [Correction; 2] = two(&d).try_into().unwrap();
        set.correct(vec![CorrectionEdit::Put(a.clone())], 100);
        let h = Annotation::highlight(&d, TextRange::new(0, 2), super::super::Color::Pink, 110);
        set.apply(vec![super::super::Edit::Add(h)], 110);
        set.correct(vec![CorrectionEdit::Put(b.clone())], 120);
        let g = set.corrections_generation();
        assert!(set.undo(130));
        assert_eq!(set.corrections().len(), 1);
        assert!(set.corrections_generation() > g);
        assert!(set.undo(140));
        assert_eq!(set.len(), 0);
        assert_eq!(set.corrections().len(), 1);
        assert!(set.undo(150));
        assert!(set.corrections().is_empty());
        assert_eq!(set.corrections_removed().len(), 2);
        assert!(set.redo(160));
        assert_eq!(set.corrections()[0].id, a.id);
        assert_eq!(set.corrections_removed(), &[(b.id, 130)]);
        // Replacing keeps one correction per id.
        let mut a2 = a.clone();
        a2.change = Some(heading(1));
        set.correct(vec![CorrectionEdit::Put(a2)], 170);
        assert_eq!(set.corrections().len(), 1);
        assert_eq!(set.corrections()[0].change, Some(heading(1)));
        assert!(set.undo(180));
        assert_eq!(set.corrections()[0].change, Some(heading(2)));
    }

    #[test]
    fn restoring_brings_back_the_corrections_missing_here_and_changes_none() {
        let d = doc(TEXT);
        let [a, b]: [Correction; 2] = two(&d).try_into().unwrap();
        let mut set = AnnotationSet::default();
        set.correct(vec![CorrectionEdit::Put(a.clone())], 100);
        // Here, `a` was changed since the backup; `b` was removed.
        let mut a_now = a.clone();
        a_now.change = Some(heading(1));
        set.correct(vec![CorrectionEdit::Put(a_now)], 150);
        let backup = vec![a.clone(), b.clone()];
        assert_eq!(set.restore_corrections_from(backup.clone(), 200), 1);
        assert_eq!(set.corrections().len(), 2);
        assert_eq!(
            set.corrections()[0].change,
            Some(heading(1)),
            "kept as it is here"
        );
        assert_eq!(set.corrections()[1].id, b.id);
        // Newer than any removal, so a merge with an older copy keeps it.
        assert!(set.corrections()[1].modified_ms >= 200);
        assert!(!set.merge_corrections(Vec::new(), &[(b.id, 190)]));
        // Nothing more to bring back; one undo takes the restored one away again.
        assert_eq!(set.restore_corrections_from(backup, 210), 0);
        assert!(set.undo(220));
        assert_eq!(set.corrections().len(), 1);
        let c = corrected(&outline(&d), &d, &[], set.corrections());
        assert!(labels(&c.outline).contains(&(1, "加强组织领导".to_owned())));
        assert_eq!(
            reader_outline(&d, &[], &[a.clone(), b.clone()]).outline,
            corrected(&outline(&d), &d, &[], &[a, b]).outline
        );
    }

    #[test]
    fn merge_keeps_both_sides_and_removals_win_over_older_versions() {
        let d = doc(TEXT);
        let [a, b]: [Correction; 2] = two(&d).try_into().unwrap();
        let mut mine = AnnotationSet::default();
        mine.correct(vec![CorrectionEdit::Put(a.clone())], 100);
        let mut theirs = AnnotationSet::default();
        theirs.correct(vec![CorrectionEdit::Put(b.clone())], 100);
        assert!(
            mine.merge_corrections(theirs.corrections().to_vec(), theirs.corrections_removed())
        );
        assert_eq!(mine.corrections().len(), 2);
        // Merging the same again changes nothing.
        assert!(!mine.merge_corrections(theirs.corrections().to_vec(), &[]));
        // They remove b later: it goes here too, and an old copy does not bring it back.
        theirs.correct(vec![CorrectionEdit::Remove(b.id)], 200);
        assert!(
            mine.merge_corrections(theirs.corrections().to_vec(), theirs.corrections_removed())
        );
        assert_eq!(mine.corrections().len(), 1);
        assert!(!mine.merge_corrections(vec![b.clone()], &[]));
        assert_eq!(mine.corrections()[0].id, a.id);
    }
}
