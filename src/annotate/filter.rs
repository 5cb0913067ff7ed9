//! The one annotation filter: by colour, tag, note, text and section. The annotations
//! panel, `pizhu notes`, `pizhu export` and every export format choose annotations with it.

use crate::document::TextRange;
use crate::search::folded_contains;

use super::{Annotation, Color, Kind, clean_tag};

/// Which annotations to show, list or export (every part left empty lets everything through).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only highlights of these colours (empty: every colour, and section notes too; a
    /// colour filter leaves section notes out).
    pub colors: Vec<Color>,
    /// Only annotations with at least one of these tags (empty: all); compared without a
    /// leading `#` and ignoring case.
    pub tags: Vec<String>,
    /// Only annotations with a note.
    pub notes_only: bool,
    /// Only annotations whose quote, note or tags hold this text, folded like the find bar
    /// (full and half width, case); blank: all.
    pub query: String,
    /// Only annotations placed in this range (a section), by where they start.
    pub within: Option<TextRange>,
}

impl Filter {
    /// Whether `a` passes the filter.
    pub fn matches(&self, a: &Annotation) -> bool {
        if self.notes_only && a.note.trim().is_empty() {
            return false;
        }
        if !self.colors.is_empty() && (a.kind != Kind::Highlight || !self.colors.contains(&a.color))
        {
            return false;
        }
        if let Some(range) = self.within
            && !(a.is_placed() && range.start <= a.range.start && a.range.start < range.end)
        {
            return false;
        }
        if !self.tags.is_empty() {
            let tags = a.all_tags();
            let wanted = |t: &String| {
                clean_tag(t).is_some_and(|w| {
                    tags.iter()
                        .any(|have| have.to_lowercase() == w.to_lowercase())
                })
            };
            if !self.tags.iter().any(wanted) {
                return false;
            }
        }
        let needle = self.query.trim();
        needle.is_empty()
            || folded_contains(&a.quote, needle)
            || folded_contains(&a.note, needle)
            || a.tags.iter().any(|t| folded_contains(t, needle))
    }

    /// The annotations of `items` that pass, in their order.
    pub fn apply<'a>(
        &'a self,
        items: &'a [Annotation],
    ) -> impl Iterator<Item = &'a Annotation> + 'a {
        items.iter().filter(|a| self.matches(a))
    }

    /// True when the filter lets everything through.
    pub fn is_empty(&self) -> bool {
        self.colors.is_empty()
            && self.tags.is_empty()
            && !self.notes_only
            && self.query.trim().is_empty()
            && self.within.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::{AnchorState, Mark};

    fn highlight(quote: &str, color: Color, start: usize) -> Annotation {
        Annotation {
            kind: Kind::Highlight,
            color,
            quote: quote.to_owned(),
            range: TextRange::new(start, start + quote.chars().count()),
            state: AnchorState::Exact,
            ..Annotation::default()
        }
    }

    #[test]
    fn an_empty_filter_lets_everything_through() {
        let f = Filter::default();
        assert!(f.is_empty());
        let mut note = highlight("", Color::Yellow, 0);
        note.kind = Kind::SectionNote;
        assert!(f.matches(&note) && f.matches(&highlight("甲", Color::Blue, 3)));
        assert!(
            Filter {
                query: "  ".into(),
                ..Filter::default()
            }
            .is_empty()
        );
    }

    #[test]
    fn colours_keep_highlights_of_those_colours_and_drop_section_notes() {
        let blue = Filter {
            colors: vec![Color::Blue],
            ..Filter::default()
        };
        let mut underlined = highlight("甲", Color::Blue, 0);
        underlined.mark = Mark::Underline;
        assert!(
            blue.matches(&underlined),
            "underlines are filtered by colour too"
        );
        assert!(!blue.matches(&highlight("乙", Color::Green, 0)));
        let mut note = highlight("", Color::Blue, 0);
        note.kind = Kind::SectionNote;
        note.note = "x".into();
        assert!(!blue.matches(&note));
    }

    #[test]
    fn tags_match_any_without_hash_and_ignoring_case() {
        let mut a = highlight("甲", Color::Yellow, 0);
        a.tags = vec!["Policy".into()];
        a.note = "见 #重点 处".into();
        let f = |tags: &[&str]| Filter {
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            ..Filter::default()
        };
        assert!(f(&["#policy"]).matches(&a));
        assert!(f(&["＃重点", "其他"]).matches(&a), "the note's #标签 count");
        assert!(!f(&["其他"]).matches(&a));
        assert!(!f(&["#policy"]).matches(&highlight("乙", Color::Yellow, 0)));
    }

    #[test]
    fn notes_only_wants_a_note_that_is_not_blank() {
        let f = Filter {
            notes_only: true,
            ..Filter::default()
        };
        let mut a = highlight("甲", Color::Yellow, 0);
        assert!(!f.matches(&a));
        a.note = "  \n".into();
        assert!(!f.matches(&a));
        a.note = "要点".into();
        assert!(f.matches(&a));
    }

    #[test]
    fn the_query_is_folded_and_looks_in_quote_note_and_tags() {
        let mut a = highlight("数字政府ABC", Color::Yellow, 0);
        a.note = "笔记内容".into();
        a.tags = vec!["作风".into()];
        let q = |s: &str| Filter {
            query: s.into(),
            ..Filter::default()
        };
        assert!(q("政府").matches(&a));
        assert!(q("ａｂｃ").matches(&a), "full width and case are folded");
        assert!(q(" 笔记 ").matches(&a));
        assert!(q("作风").matches(&a));
        assert!(!q("其他").matches(&a));
    }

    #[test]
    fn within_keeps_placed_annotations_starting_in_the_range() {
        let f = Filter {
            within: Some(TextRange::new(10, 20)),
            ..Filter::default()
        };
        assert!(f.matches(&highlight("甲乙", Color::Yellow, 10)));
        assert!(f.matches(&highlight("甲乙丙", Color::Yellow, 19)));
        assert!(!f.matches(&highlight("甲", Color::Yellow, 20)));
        assert!(!f.matches(&highlight("甲", Color::Yellow, 9)));
        let mut unplaced = highlight("甲", Color::Yellow, 12);
        unplaced.state = AnchorState::Unplaced;
        assert!(!f.matches(&unplaced));
        let items = [
            highlight("甲", Color::Yellow, 5),
            highlight("乙", Color::Yellow, 15),
        ];
        assert_eq!(f.apply(&items).count(), 1);
    }
}
