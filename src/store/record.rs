//! What a store file holds, as written: format version 1.
//!
//! These types are the file format and nothing else; the domain's [`Annotation`] converts
//! to and from [`AnnotationRecord`], so the domain can change without touching the format.
//! Every type is serialised under the name and with the attributes the domain types had
//! when they were written directly (struct names are not written, but they appear in
//! parse errors), so the files read and write byte for byte as before.
//!
//! Writing borrows from the annotations (nothing is copied for a save); reading owns.

use std::borrow::Cow;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::annotate::corrections::{Correction, CorrectionId};
use crate::annotate::imported::{Imported, Reply};
use crate::annotate::{
    AnchorState, Annotation, AnnotationId, Color, Kind, Mark, Review, ReviewReason,
};
use crate::document::TextRange;
use crate::outline::corrections::Change;

use super::annotations::{DocumentInfo, StoreFile};

/// Version written into every store file.
pub const FORMAT_VERSION: u32 = 1;

/// A store file: its frame, the document, the annotations and the removals.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename = "StoreFile", default)]
pub struct StoreRecord<'a> {
    /// Format version ([`FORMAT_VERSION`]).
    pub version: u32,
    /// Fingerprint of the document's normalised text.
    pub fingerprint: Cow<'a, str>,
    /// The document the notes belong to.
    pub document: DocumentRecord<'a>,
    /// Reading position (char offset at the top of the view).
    pub position: Option<usize>,
    /// Highlights and notes, in document order.
    pub annotations: Vec<AnnotationRecord<'a>>,
    /// Ids removed, with when.
    pub removed: Cow<'a, [(AnnotationId, i64)]>,
    /// The reader's corrections of the outline; absent from the file when there are none
    /// (older stores load without them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<CorrectionRecord<'a>>,
    /// Correction ids removed, with when; absent when there are none.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub corrections_removed: Cow<'a, [(CorrectionId, i64)]>,
}

/// One correction of the outline, format version 1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Correction", default)]
pub struct CorrectionRecord<'a> {
    /// Stable id.
    pub id: CorrectionId,
    /// What it does.
    pub change: ChangeRecord<'a>,
    /// Where the line's first words stood when last placed.
    pub range: RangeRecord,
    /// The line's first words.
    pub quote: Cow<'a, str>,
    /// Context before them.
    pub prefix: Cow<'a, str>,
    /// Context after them.
    pub suffix: Cow<'a, str>,
    /// Creation time, milliseconds since 1970.
    pub created_ms: i64,
    /// Last change, milliseconds since 1970.
    pub modified_ms: i64,
}

/// What a correction does, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Change")]
pub enum ChangeRecord<'a> {
    /// The line is a heading at `level`, shown as `title` when there is one.
    Heading {
        /// 1 for the top level.
        level: Option<u8>,
        /// The title shown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<Cow<'a, str>>,
    },
    /// The line is not a heading.
    #[default]
    NotHeading,
    /// The node on the line moves up (negative) or down (positive) this many levels.
    Shift(i8),
    /// The node on the line is shown with this title.
    Rename(Cow<'a, str>),
}

impl<'a> From<&'a Change> for ChangeRecord<'a> {
    fn from(c: &'a Change) -> Self {
        match c {
            Change::Heading { level, title } => Self::Heading {
                level: *level,
                title: title.as_deref().map(Cow::Borrowed),
            },
            Change::NotHeading => Self::NotHeading,
            Change::Shift(by) => Self::Shift(*by),
            Change::Rename(t) => Self::Rename(Cow::Borrowed(t)),
        }
    }
}

impl From<ChangeRecord<'_>> for Change {
    fn from(c: ChangeRecord<'_>) -> Self {
        match c {
            ChangeRecord::Heading { level, title } => Self::Heading {
                level,
                title: title.map(Cow::into_owned),
            },
            ChangeRecord::NotHeading => Self::NotHeading,
            ChangeRecord::Shift(by) => Self::Shift(by),
            ChangeRecord::Rename(t) => Self::Rename(t.into_owned()),
        }
    }
}

/// A correction without a change is never written (there is none: the domain keeps an
/// `Option` only to have a default).
impl<'a> From<&'a Correction> for CorrectionRecord<'a> {
    fn from(c: &'a Correction) -> Self {
        Self {
            id: c.id,
            change: c
                .change
                .as_ref()
                .map(ChangeRecord::from)
                .unwrap_or_default(),
            range: RangeRecord {
                start: c.range.start,
                end: c.range.end,
            },
            quote: Cow::Borrowed(&c.quote),
            prefix: Cow::Borrowed(&c.prefix),
            suffix: Cow::Borrowed(&c.suffix),
            created_ms: c.created_ms,
            modified_ms: c.modified_ms,
        }
    }
}

impl From<CorrectionRecord<'_>> for Correction {
    fn from(r: CorrectionRecord<'_>) -> Self {
        Self {
            id: r.id,
            change: Some(r.change.into()),
            range: TextRange::new(r.range.start, r.range.end),
            quote: r.quote.into_owned(),
            prefix: r.prefix.into_owned(),
            suffix: r.suffix.into_owned(),
            created_ms: r.created_ms,
            modified_ms: r.modified_ms,
        }
    }
}

/// Where the document was last seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "DocumentInfo", default)]
pub struct DocumentRecord<'a> {
    /// Its path when last opened (absolute), if it came from a file.
    pub path: Option<Cow<'a, Path>>,
    /// Its title.
    pub title: Cow<'a, str>,
    /// Its length in chars.
    pub chars: usize,
}

/// One highlight or note, format version 1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Annotation", default)]
pub struct AnnotationRecord<'a> {
    /// Stable id.
    pub id: AnnotationId,
    /// Highlight or section note.
    pub kind: KindRecord,
    /// Colour.
    pub color: ColorRecord,
    /// Fill or underline.
    pub mark: MarkRecord,
    /// Where it stood when last placed (char offsets; may be inverted in a hostile file).
    pub range: RangeRecord,
    /// The text it covers.
    pub quote: Cow<'a, str>,
    /// Context before the quote.
    pub prefix: Cow<'a, str>,
    /// Context after the quote.
    pub suffix: Cow<'a, str>,
    /// The user's note.
    pub note: Cow<'a, str>,
    /// Tags added in the tag field (without `#`).
    pub tags: Cow<'a, [String]>,
    /// Creation time, milliseconds since 1970.
    pub created_ms: i64,
    /// Last change, milliseconds since 1970.
    pub modified_ms: i64,
    /// An unconfirmed placing; absent from the file when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewRecord<'a>>,
    /// The Word comment it was imported from, while unedited; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<ImportedRecord<'a>>,
    /// Replies to that comment; absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<ReplyRecord<'a>>,
}

/// Who wrote an imported comment, and when, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Imported", default)]
pub struct ImportedRecord<'a> {
    /// The comment's author (empty for a highlighted run).
    pub author: Cow<'a, str>,
    /// Their initials.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub initials: Cow<'a, str>,
    /// The comment's date, milliseconds since 1970.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_ms: Option<i64>,
}

/// A reply to an imported comment, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Reply", default)]
pub struct ReplyRecord<'a> {
    /// Who wrote it.
    pub author: Cow<'a, str>,
    /// Their initials.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub initials: Cow<'a, str>,
    /// When, milliseconds since 1970.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_ms: Option<i64>,
    /// What it says.
    pub text: Cow<'a, str>,
}

impl<'a> From<&'a Imported> for ImportedRecord<'a> {
    fn from(i: &'a Imported) -> Self {
        Self {
            author: Cow::Borrowed(&i.author),
            initials: Cow::Borrowed(&i.initials),
            date_ms: i.date_ms,
        }
    }
}

impl From<ImportedRecord<'_>> for Imported {
    fn from(i: ImportedRecord<'_>) -> Self {
        Self {
            author: i.author.into_owned(),
            initials: i.initials.into_owned(),
            date_ms: i.date_ms,
        }
    }
}

impl<'a> From<&'a Reply> for ReplyRecord<'a> {
    fn from(r: &'a Reply) -> Self {
        Self {
            author: Cow::Borrowed(&r.author),
            initials: Cow::Borrowed(&r.initials),
            date_ms: r.date_ms,
            text: Cow::Borrowed(&r.text),
        }
    }
}

impl From<ReplyRecord<'_>> for Reply {
    fn from(r: ReplyRecord<'_>) -> Self {
        Self {
            author: r.author.into_owned(),
            initials: r.initials.into_owned(),
            date_ms: r.date_ms,
            text: r.text.into_owned(),
        }
    }
}

/// A range of char offsets, as written (`(start: …, end: …)`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "TextRange")]
pub struct RangeRecord {
    /// First char.
    pub start: usize,
    /// One past the last char.
    pub end: usize,
}

/// A highlight colour, as written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Color")]
pub enum ColorRecord {
    /// 黄.
    #[default]
    Yellow,
    /// 绿.
    Green,
    /// 蓝.
    Blue,
    /// 粉.
    Pink,
    /// 紫.
    Purple,
}

/// How a highlight is drawn, as written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Mark")]
pub enum MarkRecord {
    /// A coloured background.
    #[default]
    Fill,
    /// A coloured line under the text.
    Underline,
}

/// What an annotation is attached to, as written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Kind")]
pub enum KindRecord {
    /// A highlighted passage.
    #[default]
    Highlight,
    /// A note on an outline section.
    SectionNote,
}

/// A placing the user has not confirmed yet, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Review", default)]
pub struct ReviewRecord<'a> {
    /// The quote before the first unconfirmed placing.
    pub old_quote: Cow<'a, str>,
    /// Why it needs confirming.
    pub reason: ReviewReasonRecord,
}

/// Why a placing waits for confirmation, as written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ReviewReason")]
pub enum ReviewReasonRecord {
    /// Placed on text close to its old quote.
    #[default]
    Fuzzy,
    /// Its text occurs twice with the same context.
    Ambiguous,
}

impl From<Color> for ColorRecord {
    fn from(c: Color) -> Self {
        match c {
            Color::Yellow => Self::Yellow,
            Color::Green => Self::Green,
            Color::Blue => Self::Blue,
            Color::Pink => Self::Pink,
            Color::Purple => Self::Purple,
        }
    }
}

impl From<ColorRecord> for Color {
    fn from(c: ColorRecord) -> Self {
        match c {
            ColorRecord::Yellow => Self::Yellow,
            ColorRecord::Green => Self::Green,
            ColorRecord::Blue => Self::Blue,
            ColorRecord::Pink => Self::Pink,
            ColorRecord::Purple => Self::Purple,
        }
    }
}

impl From<Mark> for MarkRecord {
    fn from(m: Mark) -> Self {
        match m {
            Mark::Fill => Self::Fill,
            Mark::Underline => Self::Underline,
        }
    }
}

impl From<MarkRecord> for Mark {
    fn from(m: MarkRecord) -> Self {
        match m {
            MarkRecord::Fill => Self::Fill,
            MarkRecord::Underline => Self::Underline,
        }
    }
}

impl From<Kind> for KindRecord {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Highlight => Self::Highlight,
            Kind::SectionNote => Self::SectionNote,
        }
    }
}

impl From<KindRecord> for Kind {
    fn from(k: KindRecord) -> Self {
        match k {
            KindRecord::Highlight => Self::Highlight,
            KindRecord::SectionNote => Self::SectionNote,
        }
    }
}

impl From<ReviewReason> for ReviewReasonRecord {
    fn from(r: ReviewReason) -> Self {
        match r {
            ReviewReason::Fuzzy => Self::Fuzzy,
            ReviewReason::Ambiguous => Self::Ambiguous,
        }
    }
}

impl From<ReviewReasonRecord> for ReviewReason {
    fn from(r: ReviewReasonRecord) -> Self {
        match r {
            ReviewReasonRecord::Fuzzy => Self::Fuzzy,
            ReviewReasonRecord::Ambiguous => Self::Ambiguous,
        }
    }
}

impl<'a> From<&'a Review> for ReviewRecord<'a> {
    fn from(r: &'a Review) -> Self {
        Self {
            old_quote: Cow::Borrowed(&r.old_quote),
            reason: r.reason.into(),
        }
    }
}

impl From<ReviewRecord<'_>> for Review {
    fn from(r: ReviewRecord<'_>) -> Self {
        Self {
            old_quote: r.old_quote.into_owned(),
            reason: r.reason.into(),
        }
    }
}

impl<'a> From<&'a Annotation> for AnnotationRecord<'a> {
    fn from(a: &'a Annotation) -> Self {
        Self {
            id: a.id,
            kind: a.kind.into(),
            color: a.color.into(),
            mark: a.mark.into(),
            range: RangeRecord {
                start: a.range.start,
                end: a.range.end,
            },
            quote: Cow::Borrowed(&a.quote),
            prefix: Cow::Borrowed(&a.prefix),
            suffix: Cow::Borrowed(&a.suffix),
            note: Cow::Borrowed(&a.note),
            tags: Cow::Borrowed(&a.tags),
            created_ms: a.created_ms,
            modified_ms: a.modified_ms,
            review: a.review.as_ref().map(ReviewRecord::from),
            imported: a.imported.as_deref().map(ImportedRecord::from),
            replies: a.replies.iter().map(ReplyRecord::from).collect(),
        }
    }
}

/// Never fails: an inverted range (a hand edit, a hostile file) is read as empty at its
/// start, so placing goes by the quote; the state is not stored and starts
/// [`AnchorState::Exact`] until the annotation is placed.
impl From<AnnotationRecord<'_>> for Annotation {
    fn from(r: AnnotationRecord<'_>) -> Self {
        Self {
            id: r.id,
            kind: r.kind.into(),
            color: r.color.into(),
            mark: r.mark.into(),
            range: TextRange {
                start: r.range.start,
                end: r.range.end.max(r.range.start),
            },
            quote: r.quote.into_owned(),
            prefix: r.prefix.into_owned(),
            suffix: r.suffix.into_owned(),
            note: r.note.into_owned(),
            tags: r.tags.into_owned(),
            created_ms: r.created_ms,
            modified_ms: r.modified_ms,
            review: r.review.map(Review::from),
            state: AnchorState::Exact,
            imported: r.imported.map(|i| Box::new(Imported::from(i))),
            replies: r.replies.into_iter().map(Reply::from).collect(),
        }
    }
}

impl<'a> From<&'a DocumentInfo> for DocumentRecord<'a> {
    fn from(d: &'a DocumentInfo) -> Self {
        Self {
            path: d.path.as_deref().map(Cow::Borrowed),
            title: Cow::Borrowed(&d.title),
            chars: d.chars,
        }
    }
}

impl From<DocumentRecord<'_>> for DocumentInfo {
    fn from(d: DocumentRecord<'_>) -> Self {
        Self {
            path: d.path.map(Cow::into_owned),
            title: d.title.into_owned(),
            chars: d.chars,
        }
    }
}

impl<'a> From<&'a StoreFile> for StoreRecord<'a> {
    fn from(f: &'a StoreFile) -> Self {
        Self {
            version: f.version,
            fingerprint: Cow::Borrowed(&f.fingerprint),
            document: (&f.document).into(),
            position: f.position,
            annotations: f.annotations.iter().map(AnnotationRecord::from).collect(),
            removed: Cow::Borrowed(&f.removed),
            corrections: f.corrections.iter().map(CorrectionRecord::from).collect(),
            corrections_removed: Cow::Borrowed(&f.corrections_removed),
        }
    }
}

impl From<StoreRecord<'_>> for StoreFile {
    fn from(r: StoreRecord<'_>) -> Self {
        Self {
            version: r.version,
            fingerprint: r.fingerprint.into_owned(),
            document: r.document.into(),
            position: r.position,
            annotations: r.annotations.into_iter().map(Annotation::from).collect(),
            removed: r.removed.into_owned(),
            corrections: r.corrections.into_iter().map(Correction::from).collect(),
            corrections_removed: r.corrections_removed.into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty<T: Serialize>(value: &T) -> String {
        ron::ser::to_string_pretty(value, ron::ser::PrettyConfig::default()).expect("ron")
    }

    fn read(text: &str) -> Annotation {
        Annotation::from(ron::from_str::<AnnotationRecord>(text).expect("parses"))
    }

    fn sample() -> Annotation {
        Annotation {
            id: 42,
            kind: Kind::SectionNote,
            color: Color::Purple,
            mark: Mark::Underline,
            range: TextRange::new(3, 9),
            quote: "狠抓落实".into(),
            prefix: "二要".into(),
            suffix: "。".into(),
            note: "笔记\n第二行".into(),
            tags: vec!["作风".into()],
            created_ms: 1,
            modified_ms: 2,
            review: Some(Review {
                old_quote: "抓好\"落实\"".into(),
                reason: ReviewReason::Ambiguous,
            }),
            state: AnchorState::Fuzzy,
            imported: Some(Box::new(Imported {
                author: "张三".into(),
                initials: "张".into(),
                date_ms: Some(1_700_000_000_000),
            })),
            replies: vec![Reply {
                author: "李四".into(),
                initials: String::new(),
                date_ms: None,
                text: "同意\n#补充".into(),
            }],
        }
    }

    #[test]
    fn an_imported_comment_keeps_its_author_date_and_replies_and_plain_ones_write_nothing_new() {
        let a = sample();
        let saved = pretty(&AnnotationRecord::from(&a));
        assert!(saved.contains("imported: Some("), "{saved}");
        assert!(saved.contains("replies: ["), "{saved}");
        assert_eq!(read(&saved).replies, a.replies);
        assert_eq!(read(&saved).imported, a.imported);
        // The reader's own annotation is written as before these fields existed.
        let own = Annotation {
            imported: None,
            replies: Vec::new(),
            ..sample()
        };
        let saved = pretty(&AnnotationRecord::from(&own));
        assert!(
            !saved.contains("imported") && !saved.contains("replies"),
            "{saved}"
        );
        // A highlighted run: author unknown, no initials or date written.
        let run = Annotation {
            imported: Some(Box::default()),
            replies: Vec::new(),
            ..sample()
        };
        let saved = pretty(&AnnotationRecord::from(&run));
        assert!(saved.contains("imported: Some(("), "{saved}");
        assert!(
            !saved.contains("initials") && !saved.contains("date_ms"),
            "{saved}"
        );
        assert_eq!(read(&saved).imported, run.imported);
    }

    #[test]
    fn an_annotation_round_trips_through_its_record_without_its_state() {
        let a = sample();
        let saved = pretty(&AnnotationRecord::from(&a));
        assert!(saved.contains("review: Some("), "{saved}");
        assert!(!saved.contains("state"), "{saved}");
        let back = read(&saved);
        assert_eq!(back.state, AnchorState::Exact);
        assert_eq!(
            back,
            Annotation {
                state: AnchorState::Exact,
                ..a
            }
        );
    }

    #[test]
    fn a_confirmed_annotation_is_written_as_before_reviews_existed() {
        let a = Annotation {
            review: None,
            ..sample()
        };
        let saved = pretty(&AnnotationRecord::from(&a));
        assert!(!saved.contains("review"), "{saved}");
    }

    #[test]
    fn an_older_pizhu_reads_an_annotation_with_a_review_and_keeps_everything_else() {
        // A reader built before `review` existed: serde skips fields it does not know.
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct Older {
            id: u64,
            quote: String,
            note: String,
            tags: Vec<String>,
        }
        let a = sample();
        let saved = pretty(&AnnotationRecord::from(&a));
        let older: Older = ron::from_str(&saved).expect("an older reader parses it");
        assert_eq!(
            (
                older.id,
                older.quote.as_str(),
                older.note.as_str(),
                older.tags
            ),
            (a.id, "狠抓落实", "笔记\n第二行", vec!["作风".to_owned()])
        );
        // And a record without the field reads as no review; missing fields as the default.
        let plain = read("(id: 7, quote: \"狠抓落实\")");
        assert_eq!(
            plain,
            Annotation {
                id: 7,
                quote: "狠抓落实".into(),
                ..Annotation::default()
            }
        );
    }

    #[test]
    fn an_inverted_range_is_read_as_empty_at_its_start() {
        let a = read("(id: 1, range: (start: 9, end: 4))");
        assert_eq!(a.range, TextRange::new(9, 9));
    }

    #[test]
    fn every_variant_is_written_under_its_old_name() {
        for c in Color::ALL {
            assert_eq!(pretty(&ColorRecord::from(c)), format!("{c:?}"));
            assert_eq!(Color::from(ColorRecord::from(c)), c);
        }
        for m in [Mark::Fill, Mark::Underline] {
            assert_eq!(pretty(&MarkRecord::from(m)), format!("{m:?}"));
            assert_eq!(Mark::from(MarkRecord::from(m)), m);
        }
        for k in [Kind::Highlight, Kind::SectionNote] {
            assert_eq!(pretty(&KindRecord::from(k)), format!("{k:?}"));
            assert_eq!(Kind::from(KindRecord::from(k)), k);
        }
        for r in [ReviewReason::Fuzzy, ReviewReason::Ambiguous] {
            assert_eq!(pretty(&ReviewReasonRecord::from(r)), format!("{r:?}"));
            assert_eq!(ReviewReason::from(ReviewReasonRecord::from(r)), r);
        }
    }
}
