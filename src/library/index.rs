//! The notebook's index, `<data>/library.index`: what the stores held when last read, so the
//! notebook of 100,000 annotations opens without parsing a thousand RON files.
//!
//! It is derived and never the only copy of anything: each store is taken from it only while
//! the store file has the same length, modification time and inode as when it was read
//! ([`Stamp`]); any other store is read again, and a missing, damaged or older index is simply
//! rebuilt. Beside the stores it keeps what opening the documents found — which fingerprint
//! the file at a path had (by the file's stamp), and the section labels of each fingerprint's
//! outline — so documents are opened once per change, not once per start.
//!
//! The file is `MAGIC`, a little-endian `u32` version, then the records in the compact
//! binary serde format `postcard` (a RON index of 100,000 annotations took over a second to
//! read back; see BENCHMARKS.md): the head, then each store's annotations as a frame of its
//! own (a little-endian `u32` length and the postcard bytes), so that reading the file only
//! finds the frames and the annotations are decoded where they are wanted, on several threads
//! ([`Body::decode`]). Written atomically (`files::write_atomic`), never by a read-only
//! command.

use std::borrow::Cow;
use std::fs::Metadata;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::annotate::imported::{Imported, Reply};
use crate::annotate::{AnchorState, Annotation, Review};
use crate::document::TextRange;
use crate::files::{Links, open_regular, read_regular, write_atomic};
use crate::store::record::{ColorRecord, KindRecord, MarkRecord, ReviewReasonRecord};

/// The index's file in the data folder.
pub const FILE_NAME: &str = "library.index";
/// What the file starts with.
const MAGIC: &[u8] = b"pizhu notebook index\n";
/// The magic, the version and the head's length (a little-endian `u64`).
const PREAMBLE: usize = MAGIC.len() + 4 + 8;
/// Version of the records after the magic; another version is rebuilt, not read.
pub const INDEX_VERSION: u32 = 5;
/// Largest index read.
const MAX_INDEX_BYTES: u64 = 4 << 30;

/// A file's length, modification time and inode: it changed when any of them did (every
/// store write renames a new file into place, a new inode even within one clock tick).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    /// Length in bytes.
    pub len: u64,
    /// Modification time: seconds since 1970.
    pub secs: i64,
    /// And nanoseconds.
    pub nanos: u32,
    /// The inode (0 where there is none).
    pub inode: u64,
}

impl Stamp {
    /// The stamp of a file described by `meta`.
    pub fn of(meta: &Metadata) -> Self {
        let (secs, nanos) = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |d| (d.as_secs() as i64, d.subsec_nanos()));
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        Self {
            len: meta.len(),
            secs,
            nanos,
            inode,
        }
    }
}

/// Every store file of an annotations folder (`*.ron`, regular files only, never through a
/// link), sorted by name, with its metadata.
pub fn store_files(dir: &Path) -> Vec<(PathBuf, Metadata)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, Metadata)> = entries
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "ron") {
                return None;
            }
            let meta = std::fs::symlink_metadata(&path).ok()?;
            meta.is_file().then_some((path, meta))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The whole index as written: the head (small: what each store and document is), then the
/// bodies (each store's annotations, in the head's order). The two are encoded one after the
/// other, so the head can be read without decoding the annotations ([`parse_head`]).
#[derive(Debug, Default)]
pub struct IndexRecord<'a> {
    /// Stores, documents and outlines.
    pub head: IndexHead<'a>,
    /// Each store's annotations, in the order of `head.stores`.
    pub bodies: Vec<Vec<AnnotationRecord<'a>>>,
}

/// The index as read ([`parse`]): the head, and each store's annotations still encoded.
#[derive(Debug, Default)]
pub struct IndexRead<'a> {
    /// Stores, documents and outlines.
    pub head: IndexHead<'a>,
    /// Each store's annotations, in the order of `head.stores`.
    pub bodies: Vec<Body<'a>>,
}

/// One store's annotations as the index holds them, decoded by [`Body::decode`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Body<'a> {
    bytes: &'a [u8],
    count: u64,
}

impl<'a> Body<'a> {
    /// The records, borrowing their strings (`None`: damaged; the index is rebuilt then).
    pub fn decode(self) -> Option<Vec<AnnotationRecord<'a>>> {
        let records: Vec<AnnotationRecord<'a>> = postcard::from_bytes(self.bytes).ok()?;
        (records.len() as u64 == self.count).then_some(records)
    }

    /// The annotations, each made as its record is decoded (no vector of records in
    /// between: 100,000 of them are 25 MB of memory touched for nothing). `None`: damaged.
    pub fn annotations(self) -> Option<Vec<Annotation>> {
        let Annotations(out) = postcard::from_bytes(self.bytes).ok()?;
        (out.len() as u64 == self.count).then_some(out)
    }

    /// How many annotations it holds.
    pub fn count(self) -> u64 {
        self.count
    }
}

/// What each store and document is, without the annotations.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct IndexHead<'a> {
    /// Every store that could be read.
    #[serde(borrow)]
    pub stores: Vec<StoreRecord<'a>>,
    /// What the document file at a path held when it was last opened.
    #[serde(borrow)]
    pub checks: Vec<CheckRecord<'a>>,
    /// Section labels of the outline of each fingerprint's text.
    #[serde(borrow)]
    pub outlines: Vec<OutlineRecord<'a>>,
}

/// One store, as read.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct StoreRecord<'a> {
    /// Its file name in `annotations/`.
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    /// Its file's stamp when read.
    pub stamp: Stamp,
    /// The fingerprint it is the store of (its file name's stem).
    #[serde(borrow)]
    pub fingerprint: Cow<'a, str>,
    /// The document's path as the store records it.
    #[serde(borrow)]
    pub doc_path: Option<Cow<'a, str>>,
    /// The document's title as the store records it.
    #[serde(borrow)]
    pub title: Cow<'a, str>,
    /// The document's length in chars.
    pub chars: u64,
    /// The reading position.
    pub position: Option<u64>,
    /// Annotations that could not be read (one line), when some could not.
    #[serde(borrow)]
    pub problem: Option<Cow<'a, str>>,
    /// How many annotations it holds (its body's length).
    pub count: u64,
    /// A key of its outline corrections (0: none), to tell whether its text's outline was
    /// made with them.
    pub corrections: u64,
}

/// One annotation: every field the store holds but the context (`prefix`, `suffix`), which
/// only placing an annotation in its text uses — never the notebook — and which is more than
/// half of a store's text.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct AnnotationRecord<'a> {
    /// Id.
    pub id: u64,
    /// Highlight or section note.
    pub kind: KindRecord,
    /// Colour.
    pub color: ColorRecord,
    /// Fill or underline.
    pub mark: MarkRecord,
    /// Start (char offset).
    pub start: u64,
    /// End (char offset).
    pub end: u64,
    /// The text it covers.
    #[serde(borrow)]
    pub quote: Cow<'a, str>,
    /// The note.
    #[serde(borrow)]
    pub note: Cow<'a, str>,
    /// Tags of the tag field.
    #[serde(borrow)]
    pub tags: Vec<Cow<'a, str>>,
    /// Created (ms since 1970).
    pub created_ms: i64,
    /// Last changed (ms since 1970).
    pub modified_ms: i64,
    /// An unconfirmed placing: the old quote and why.
    #[serde(borrow)]
    pub review: Option<(Cow<'a, str>, ReviewReasonRecord)>,
    /// The Word comment it was imported from, while unedited: author, initials, date.
    #[serde(borrow)]
    pub imported: Option<(Cow<'a, str>, Cow<'a, str>, Option<i64>)>,
    /// Replies to that comment.
    #[serde(borrow)]
    pub replies: Vec<ReplyRecord<'a>>,
}

/// A reply to an imported comment.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ReplyRecord<'a> {
    /// Who wrote it.
    #[serde(borrow)]
    pub author: Cow<'a, str>,
    /// Their initials.
    #[serde(borrow)]
    pub initials: Cow<'a, str>,
    /// When (ms since 1970).
    pub date_ms: Option<i64>,
    /// What it says.
    #[serde(borrow)]
    pub text: Cow<'a, str>,
}

/// A body's records decoded straight into annotations ([`Body::annotations`]).
struct Annotations(Vec<Annotation>);

impl<'de> Deserialize<'de> for Annotations {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Each;
        impl<'de> serde::de::Visitor<'de> for Each {
            type Value = Annotations;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sequence of annotation records")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                // A damaged length is not trusted with memory.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
                while let Some(record) = seq.next_element::<AnnotationRecord<'de>>()? {
                    out.push(Annotation::from(&record));
                }
                Ok(Annotations(out))
            }
        }
        d.deserialize_seq(Each)
    }
}

/// What the document file at `path` held when it was last opened.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRecord<'a> {
    /// The path.
    #[serde(borrow)]
    pub path: Cow<'a, str>,
    /// The file's stamp then.
    pub stamp: Stamp,
    /// The fingerprint of its text (empty: it could not be opened).
    #[serde(borrow)]
    pub fingerprint: Cow<'a, str>,
}

/// The sections of one text's outline.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct OutlineRecord<'a> {
    /// The text's fingerprint.
    #[serde(borrow)]
    pub fingerprint: Cow<'a, str>,
    /// Its nodes, in document order.
    #[serde(borrow)]
    pub nodes: Vec<NodeRecord<'a>>,
    /// The outline rules and corrections it was made with (0: none, the engine's own).
    pub made_for: u64,
}

/// One outline node: its range, label and parent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRecord<'a> {
    /// First char.
    pub start: u64,
    /// One past the last.
    pub end: u64,
    /// Index of its parent node (`u32::MAX`: none).
    pub parent: u32,
    /// Its depth (1: top level).
    pub depth: u8,
    /// Its label (`outline::label::node_label`).
    #[serde(borrow)]
    pub label: Cow<'a, str>,
}

impl<'a> From<&'a Annotation> for AnnotationRecord<'a> {
    fn from(a: &'a Annotation) -> Self {
        Self {
            id: a.id,
            kind: a.kind.into(),
            color: a.color.into(),
            mark: a.mark.into(),
            start: a.range.start as u64,
            end: a.range.end as u64,
            quote: Cow::Borrowed(&a.quote),
            note: Cow::Borrowed(&a.note),
            tags: a.tags.iter().map(|t| Cow::Borrowed(t.as_str())).collect(),
            created_ms: a.created_ms,
            modified_ms: a.modified_ms,
            review: a
                .review
                .as_ref()
                .map(|r| (Cow::Borrowed(r.old_quote.as_str()), r.reason.into())),
            imported: a.imported.as_deref().map(|i| {
                (
                    Cow::Borrowed(i.author.as_str()),
                    Cow::Borrowed(i.initials.as_str()),
                    i.date_ms,
                )
            }),
            replies: a
                .replies
                .iter()
                .map(|r| ReplyRecord {
                    author: Cow::Borrowed(&r.author),
                    initials: Cow::Borrowed(&r.initials),
                    date_ms: r.date_ms,
                    text: Cow::Borrowed(&r.text),
                })
                .collect(),
        }
    }
}

impl From<&AnnotationRecord<'_>> for Annotation {
    fn from(r: &AnnotationRecord<'_>) -> Self {
        let start = r.start as usize;
        Self {
            id: r.id,
            kind: r.kind.into(),
            color: r.color.into(),
            mark: r.mark.into(),
            range: TextRange::new(start, (r.end as usize).max(start)),
            quote: r.quote.clone().into_owned(),
            // Not kept in the index (see `AnnotationRecord`).
            prefix: String::new(),
            suffix: String::new(),
            note: r.note.clone().into_owned(),
            tags: r.tags.iter().map(|t| t.clone().into_owned()).collect(),
            created_ms: r.created_ms,
            modified_ms: r.modified_ms,
            review: r.review.as_ref().map(|(q, reason)| Review {
                old_quote: q.clone().into_owned(),
                reason: (*reason).into(),
            }),
            state: AnchorState::Exact,
            imported: r.imported.as_ref().map(|(author, initials, date_ms)| {
                Box::new(Imported {
                    author: author.clone().into_owned(),
                    initials: initials.clone().into_owned(),
                    date_ms: *date_ms,
                })
            }),
            replies: r
                .replies
                .iter()
                .map(|r| Reply {
                    author: r.author.clone().into_owned(),
                    initials: r.initials.clone().into_owned(),
                    date_ms: r.date_ms,
                    text: r.text.clone().into_owned(),
                })
                .collect(),
        }
    }
}

/// `<data>/library.index`.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// The index file's bytes, if there is one that can be read (a regular file, not through a
/// link, with this version's magic). Parse them with [`parse`].
pub fn read_bytes(data_dir: &Path) -> Option<Vec<u8>> {
    let bytes = read_regular(&path(data_dir), Links::Refuse, MAX_INDEX_BYTES).ok()?;
    preamble(&bytes).is_some().then_some(bytes)
}

/// The start of the index file, up to the end of its head, when it is one this version
/// reads (a regular file, not through a link): parse it with [`parse_head`]. Reads the head
/// alone, not the annotations after it (what finding re-attaching candidates needs).
pub fn read_head_bytes(data_dir: &Path) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let (file, meta) = open_regular(&path(data_dir), Links::Refuse).ok()?;
    let mut bytes = vec![0; PREAMBLE];
    let mut file = file.take(meta.len().min(MAX_INDEX_BYTES));
    file.read_exact(&mut bytes).ok()?;
    let head_len = preamble(&bytes)?;
    // A length beyond the file is damage, never an allocation.
    if head_len > meta.len().saturating_sub(PREAMBLE as u64) {
        return None;
    }
    let mut head = Vec::with_capacity(PREAMBLE + head_len as usize);
    head.extend_from_slice(&bytes);
    file.take(head_len).read_to_end(&mut head).ok()?;
    (head.len() as u64 == PREAMBLE as u64 + head_len).then_some(head)
}

/// The head's length, when `bytes` start with this version's magic (`None`: not an index
/// this version reads).
fn preamble(bytes: &[u8]) -> Option<u64> {
    let version = bytes.get(MAGIC.len()..MAGIC.len() + 4)?;
    if !bytes.starts_with(MAGIC) || version != INDEX_VERSION.to_le_bytes() {
        return None;
    }
    let len = bytes.get(MAGIC.len() + 4..PREAMBLE)?;
    Some(u64::from_le_bytes(len.try_into().ok()?))
}

/// The head of bytes read by [`read_bytes`] or [`read_head_bytes`], borrowing its strings,
/// and the bytes after it (`None`: damaged; rebuilt then).
pub fn parse_head(bytes: &[u8]) -> Option<(IndexHead<'_>, &[u8])> {
    let len = usize::try_from(preamble(bytes)?).ok()?;
    let rest = bytes.get(PREAMBLE..)?;
    let (head, after) = (rest.get(..len)?, &rest[len..]);
    let head: IndexHead<'_> = postcard::from_bytes(head).ok()?;
    Some((head, after))
}

/// The index in bytes read by [`read_bytes`]: the head decoded, borrowing its strings, and
/// where each store's annotations are (`None`: damaged; rebuilt then). The annotations are
/// decoded by [`Body::decode`].
pub fn parse(bytes: &[u8]) -> Option<IndexRead<'_>> {
    let (head, mut rest) = parse_head(bytes)?;
    let mut bodies = Vec::with_capacity(head.stores.len());
    for store in &head.stores {
        let (len, after) = rest.split_first_chunk::<4>()?;
        let len = u32::from_le_bytes(*len) as usize;
        if after.len() < len {
            return None;
        }
        let (body, after) = after.split_at(len);
        bodies.push(Body {
            bytes: body,
            count: store.count,
        });
        rest = after;
    }
    rest.is_empty().then_some(IndexRead { head, bodies })
}

/// The index as bytes.
pub fn to_bytes(record: &IndexRecord<'_>) -> Result<Vec<u8>, postcard::Error> {
    let mut out = Vec::with_capacity(1 << 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&INDEX_VERSION.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    let mut out = postcard::to_extend(&record.head, out)?;
    let head_len = (out.len() - PREAMBLE) as u64;
    out[PREAMBLE - 8..PREAMBLE].copy_from_slice(&head_len.to_le_bytes());
    for body in &record.bodies {
        let at = out.len();
        out.extend_from_slice(&[0; 4]);
        out = postcard::to_extend(body, out)?;
        let len =
            u32::try_from(out.len() - at - 4).map_err(|_| postcard::Error::SerializeBufferFull)?;
        out[at..at + 4].copy_from_slice(&len.to_le_bytes());
    }
    Ok(out)
}

/// Write the index atomically.
pub fn write(data_dir: &Path, record: &IndexRecord<'_>) -> std::io::Result<()> {
    let bytes = to_bytes(record).map_err(std::io::Error::other)?;
    write_atomic(&path(data_dir), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::{Color, Kind, Mark, ReviewReason};

    #[test]
    fn an_index_round_trips_and_a_damaged_one_is_not_read() {
        let a = Annotation {
            id: 7,
            kind: Kind::SectionNote,
            color: Color::Pink,
            mark: Mark::Underline,
            range: TextRange::new(3, 9),
            quote: "狠抓落实".into(),
            prefix: "二要".into(),
            suffix: "。".into(),
            note: "笔记 #金句".into(),
            tags: vec!["作风".into()],
            created_ms: 1,
            modified_ms: 2,
            review: Some(Review {
                old_quote: "抓好".into(),
                reason: ReviewReason::Ambiguous,
            }),
            state: AnchorState::Exact,
            imported: Some(Box::new(Imported {
                author: "张三".into(),
                initials: "ZS".into(),
                date_ms: Some(5),
            })),
            replies: vec![Reply {
                author: "李四".into(),
                initials: String::new(),
                date_ms: None,
                text: "同意".into(),
            }],
        };
        let record = IndexRecord {
            head: IndexHead {
                stores: vec![StoreRecord {
                    name: "b3-1.ron".into(),
                    stamp: Stamp {
                        len: 5,
                        secs: 6,
                        nanos: 7,
                        inode: 8,
                    },
                    fingerprint: "b3-1".into(),
                    doc_path: Some("/x/讲话.txt".into()),
                    title: "讲话".into(),
                    chars: 99,
                    position: Some(4),
                    problem: None,
                    count: 1,
                    corrections: 3,
                }],
                checks: vec![CheckRecord {
                    path: "/x/讲话.txt".into(),
                    stamp: Stamp::default(),
                    fingerprint: "b3-1".into(),
                }],
                outlines: vec![OutlineRecord {
                    fingerprint: "b3-1".into(),
                    nodes: vec![NodeRecord {
                        start: 0,
                        end: 9,
                        parent: u32::MAX,
                        depth: 1,
                        label: "一、总体要求".into(),
                    }],
                    made_for: 5,
                }],
            },
            bodies: vec![vec![AnnotationRecord::from(&a)]],
        };
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &record).unwrap();
        let bytes = read_bytes(dir.path()).expect("read back");
        let back = parse(&bytes).expect("parses");
        let body = back.bodies[0].decode().expect("the body decodes");
        // Everything but the context, which the index does not keep.
        let kept = Annotation {
            prefix: String::new(),
            suffix: String::new(),
            ..a.clone()
        };
        assert_eq!(Annotation::from(&body[0]), kept);
        assert_eq!(back.bodies[0].annotations(), Some(vec![kept]));
        assert!(
            matches!(body[0].quote, Cow::Borrowed(_)),
            "annotations borrow too"
        );
        assert!(
            matches!(back.head.stores[0].title, Cow::Borrowed(_)),
            "strings borrow"
        );
        assert_eq!(back.head.checks, record.head.checks);
        assert_eq!(back.head.outlines[0].nodes, record.head.outlines[0].nodes);
        assert_eq!(back.head.outlines[0].made_for, 5);
        assert_eq!(back.head.stores[0].corrections, 3);
        let (head, _) = parse_head(&bytes).expect("the head alone");
        assert_eq!(head.stores[0].count, 1);
        // The head read alone: the file up to the end of its head, and no more.
        let head_bytes = read_head_bytes(dir.path()).expect("the head's bytes");
        assert!(head_bytes.len() < bytes.len() && bytes.starts_with(&head_bytes));
        let (head, rest) = parse_head(&head_bytes).expect("parses");
        assert!(rest.is_empty());
        assert_eq!(head.checks, record.head.checks);
        // A head length beyond the file: not read (and nothing allocated for it).
        let mut long_head = bytes.clone();
        long_head[PREAMBLE - 8..PREAMBLE].copy_from_slice(&u64::MAX.to_le_bytes());
        std::fs::write(path(dir.path()), &long_head).unwrap();
        assert!(read_head_bytes(dir.path()).is_none());
        assert!(parse_head(&long_head).is_none());
        // Cut inside the head: not read.
        std::fs::write(path(dir.path()), &bytes[..PREAMBLE + 3]).unwrap();
        assert!(read_head_bytes(dir.path()).is_none());
        // Cut short: not read. Another version: not read.
        std::fs::write(path(dir.path()), &bytes[..bytes.len() / 2]).unwrap();
        let cut = read_bytes(dir.path()).unwrap();
        assert!(parse(&cut).is_none());
        // A body that does not hold what the head says: found when decoded.
        let mut short = record;
        short.head.stores[0].count = 2;
        let bytes = to_bytes(&short).unwrap();
        let frames = parse(&bytes).expect("frames fit");
        assert!(frames.bodies[0].decode().is_none());
        assert!(frames.bodies[0].annotations().is_none());
        // Bytes after the last frame: not read.
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(parse(&longer).is_none());
        let mut other = bytes.clone();
        other[MAGIC.len()] = 9;
        std::fs::write(path(dir.path()), other).unwrap();
        assert!(read_bytes(dir.path()).is_none());
    }
}
