//! The annotated copy of a `.docx`: the original package with comments and highlights
//! woven into `word/document.xml`.
//!
//! The reader records where each piece of the text stands in `word/document.xml`
//! ([`crate::document::docx_text_map`]); a comment's marks go before the first char and
//! after the last char of its range, splitting the runs they fall in, and a highlighted
//! stretch gets its shading or highlight in the properties of the runs (split where it
//! starts and ends). Only those runs are rewritten — each split part keeps the run's own
//! properties and attributes — and everything else in the part is copied byte for byte;
//! so are the other parts of the package, except the relationships and content types that
//! name the comments. The original's own comment marks and comments parts are dropped:
//! its comments come back as the annotations imported from them.
//!
//! A run that holds another run (a text box inside a drawing) is never split itself; marks
//! that would fall in its own text go to the nearest piece of text outside it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::annotate::Annotation;
use crate::document::{Document, TextPiece, docx_text_map};

use super::ExportError;
use super::annotated::{
    Annotated, AnnotatedOptions, AnnotatedSource, COMMENTS_REL, COMMENTS_TYPE, Cut, EXTENDED_REL,
    EXTENDED_TYPE, HighlightStyle, Insert, Layout, Look, Looks, Package, RunWriter,
    comments_extended_xml, comments_xml, cuts, failure, marks, no_heading_props,
};

const DOCUMENT_PART: &str = "word/document.xml";
const RELS_PART: &str = "word/_rels/document.xml.rels";
const TYPES_PART: &str = "[Content_Types].xml";

/// Relationship types of the parts that hold comments (dropped and written anew).
const COMMENT_RELS: &[&str] = &[
    "/relationships/comments",
    "/relationships/commentsExtended",
    "/relationships/commentsIds",
    "/relationships/commentsExtensible",
];

/// Most bytes of the relationships or content types part read.
const MAX_SMALL_PART_BYTES: u64 = 16 * 1024 * 1024;

/// The annotated copy of `original`.
pub(super) fn weave(
    source: &AnnotatedSource<'_>,
    original: &[u8],
    options: &AnnotatedOptions,
) -> Result<Annotated, ExportError> {
    let map = docx_text_map(original)
        .map_err(|e| failure(format!("the original .docx cannot be read again: {e}")))?;
    let doc = Document::from_paragraphs(map.paragraphs.clone());
    // The file may have changed since it was opened: place the annotations in it as it is.
    let (annotations, outline): (Cow<'_, [Annotation]>, Cow<'_, _>) = if doc.text == source.doc.text
    {
        (
            Cow::Borrowed(source.annotations),
            Cow::Borrowed(source.outline),
        )
    } else {
        let mut items = source.annotations.to_vec();
        crate::annotate::place_all(&doc, &mut items);
        (Cow::Owned(items), Cow::Owned(crate::outline::outline(&doc)))
    };
    let marks = marks(&doc, &outline, &annotations, options);
    let xml = &map.document_xml;
    let runs = scan(xml)?;
    // Only the text of runs that can be split takes marks.
    let mut pieces: Vec<TextPiece> = map
        .pieces
        .iter()
        .filter(|p| runs.innermost_at(p.at).is_some())
        .copied()
        .collect();
    pieces.sort_by_key(|p| (p.start, p.at));
    let cuts = cuts(&pieces, &marks.comments);
    let looks = Looks::new(&marks.paints, &[]);
    let new_xml = rewrite(xml, &runs, &pieces, &cuts, &looks, options.highlight)?;
    let bytes = repackage(original, &new_xml, &marks.comments)?;
    Ok(Annotated {
        bytes,
        layout: Layout::Copy,
        comments: marks.comments.len(),
        highlights: marks.paints.len(),
        left_out: marks.left_out,
    })
}

/// A run in `document.xml`: its bytes, and what it holds.
#[derive(Clone, Copy, Debug)]
struct Run {
    start: usize,
    end: usize,
    /// It holds a `w:commentReference` (dropped with the old comments).
    has_reference: bool,
}

/// The runs and old comment marks of `document.xml`.
#[derive(Debug, Default)]
struct Scan {
    /// Runs that hold no other run, in document order.
    runs: Vec<Run>,
    /// `w:commentRangeStart` / `w:commentRangeEnd` elements: their bytes.
    old_marks: Vec<(usize, usize)>,
}

impl Scan {
    /// The innermost run holding byte `at`.
    fn innermost_at(&self, at: u64) -> Option<usize> {
        let at = usize::try_from(at).ok()?;
        let i = self
            .runs
            .partition_point(|r| r.start <= at)
            .checked_sub(1)?;
        (at < self.runs[i].end).then_some(i)
    }
}

fn xml_error(e: &quick_xml::Error, at: u64) -> ExportError {
    failure(format!(
        "word/document.xml cannot be rewritten ({e} at byte {at})"
    ))
}

/// Find the runs and old comment marks of `xml`.
fn scan(xml: &[u8]) -> Result<Scan, ExportError> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Scan::default();
    // Open runs: start, holds another run, holds a reference.
    let mut open: Vec<(usize, bool, bool)> = Vec::new();
    let mut mark_open: Vec<usize> = Vec::new();
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(&e, at))?;
        let after = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let at = usize::try_from(at).unwrap_or(usize::MAX);
        match &event {
            Event::Eof => break,
            Event::Start(e) => match e.local_name().as_ref() {
                "r" => {
                    for frame in &mut open {
                        frame.1 = true;
                    }
                    open.push((at, false, false));
                }
                "commentRangeStart" | "commentRangeEnd" => mark_open.push(at),
                "commentReference" => {
                    if let Some(frame) = open.last_mut() {
                        frame.2 = true;
                    }
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "commentRangeStart" | "commentRangeEnd" => out.old_marks.push((at, after)),
                "commentReference" => {
                    if let Some(frame) = open.last_mut() {
                        frame.2 = true;
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "r" => {
                    if let Some((start, nested, has_reference)) = open.pop()
                        && !nested
                    {
                        out.runs.push(Run {
                            start,
                            end: after,
                            has_reference,
                        });
                    }
                }
                "commentRangeStart" | "commentRangeEnd" => {
                    if let Some(start) = mark_open.pop() {
                        out.old_marks.push((start, after));
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    out.runs.sort_by_key(|r| r.start);
    Ok(out)
}

/// `xml` with every run that a mark or a look falls in rewritten, and the old comment
/// marks gone.
fn rewrite(
    xml: &[u8],
    scan: &Scan,
    pieces: &[TextPiece],
    cuts: &[(Cut, Insert)],
    looks: &Looks,
    style: HighlightStyle,
) -> Result<Vec<u8>, ExportError> {
    // Piece by XML offset, and the marks of each piece.
    let by_at: HashMap<u64, usize> = pieces.iter().enumerate().map(|(i, p)| (p.at, i)).collect();
    let mut at_piece: HashMap<usize, Vec<(usize, Insert)>> = HashMap::new();
    for &((piece, offset), insert) in cuts {
        at_piece.entry(piece).or_default().push((offset, insert));
    }
    // Runs to rewrite: those with a mark, a look or an old reference.
    let mut touched: Vec<bool> = scan.runs.iter().map(|r| r.has_reference).collect();
    for (i, p) in pieces.iter().enumerate() {
        let Some(run) = scan.innermost_at(p.at) else {
            continue;
        };
        if at_piece.contains_key(&i) || looks.any_in(p.start, p.start + p.chars) {
            touched[run] = true;
        }
    }
    let mut splices: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    for (run, _) in scan.runs.iter().zip(&touched).filter(|(_, t)| **t) {
        let new = rewrite_run(xml, *run, &by_at, pieces, &at_piece, looks, style)?;
        splices.push((run.start, run.end, new.into_bytes()));
    }
    let inside_touched = |at: usize| {
        let i = scan.runs.partition_point(|r| r.start <= at);
        i > 0 && touched[i - 1] && at < scan.runs[i - 1].end
    };
    for &(start, end) in &scan.old_marks {
        if !inside_touched(start) {
            splices.push((start, end, Vec::new()));
        }
    }
    splices.sort_by_key(|s| s.0);
    let mut out = Vec::with_capacity(xml.len() + splices.len() * 64);
    let mut at = 0;
    for (start, end, bytes) in splices {
        if start < at {
            continue;
        }
        out.extend_from_slice(&xml[at..start]);
        out.extend_from_slice(&bytes);
        at = end;
    }
    out.extend_from_slice(&xml[at..]);
    Ok(out)
}

/// The namespace prefix of a qualified name (`w:r` → `w:`).
fn prefix_of(name: &str) -> String {
    match name.find(':') {
        Some(i) => name[..=i].to_owned(),
        None => String::new(),
    }
}

/// One run, split where marks and looks change.
fn rewrite_run(
    xml: &[u8],
    run: Run,
    by_at: &HashMap<u64, usize>,
    pieces: &[TextPiece],
    at_piece: &HashMap<usize, Vec<(usize, Insert)>>,
    looks: &Looks,
    style: HighlightStyle,
) -> Result<String, ExportError> {
    let bytes = &xml[run.start..run.end];
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut next = || -> Result<(Event<'static>, usize, usize), ExportError> {
        let at = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(&e, at + run.start as u64))?
            .into_owned();
        let after = reader.buffer_position();
        buf.clear();
        Ok((
            event,
            usize::try_from(at).unwrap_or(0),
            usize::try_from(after).unwrap_or(0),
        ))
    };
    // The run's start tag.
    let (first, s0, e0) = next()?;
    let Event::Start(tag) = first else {
        return Ok(String::from_utf8_lossy(bytes).into_owned());
    };
    let prefix = prefix_of(tag.name().as_ref());
    let open_tag = String::from_utf8_lossy(&bytes[s0..e0]).into_owned();
    // Children of the run: (first event, its bytes, and for `w:t` its inner events).
    let mut base_props: Vec<(String, String)> = Vec::new();
    let mut children: Vec<Child> = Vec::new();
    loop {
        let (event, start, end) = next()?;
        match event {
            Event::End(_) | Event::Eof => break,
            Event::Empty(e) => {
                let local = e.local_name().as_ref().to_owned();
                if local == "rPr" {
                    continue;
                }
                children.push(Child {
                    local,
                    start,
                    end,
                    inner: Vec::new(),
                });
            }
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_owned();
                // Read to the matching end, keeping `w:t`'s text events.
                let mut depth = 1;
                let mut inner = Vec::new();
                let mut stop = end;
                while depth > 0 {
                    let (event, s, e) = next()?;
                    match &event {
                        Event::Start(_) => depth += 1,
                        Event::End(_) => depth -= 1,
                        Event::Eof => {
                            return Err(failure("a run of word/document.xml ends early"));
                        }
                        _ => {}
                    }
                    if local == "rPr" && depth == 1 {
                        // A property: from its start to its end.
                        if let Event::Empty(p) = &event {
                            base_props.push((
                                p.local_name().as_ref().to_owned(),
                                String::from_utf8_lossy(&bytes[s..e]).into_owned(),
                            ));
                        } else if let Event::Start(p) = &event {
                            let name = p.local_name().as_ref().to_owned();
                            let from = s;
                            let mut d = 1;
                            let mut to = e;
                            while d > 0 {
                                let (ev, _, e2) = next()?;
                                match ev {
                                    Event::Start(_) => d += 1,
                                    Event::End(_) => d -= 1,
                                    Event::Eof => {
                                        return Err(failure(
                                            "a run of word/document.xml ends early",
                                        ));
                                    }
                                    _ => {}
                                }
                                to = e2;
                            }
                            base_props.push((
                                name,
                                String::from_utf8_lossy(&bytes[from..to]).into_owned(),
                            ));
                        }
                    } else if matches!(event, Event::Text(_) | Event::GeneralRef(_)) {
                        inner.push((event, s));
                    }
                    stop = e;
                }
                if local == "rPr" {
                    continue;
                }
                children.push(Child {
                    local,
                    start,
                    end: stop,
                    inner,
                });
            }
            // Whitespace between a run's children means nothing.
            _ => {}
        }
    }
    let mut w = RunWriter::new(&prefix, open_tag, base_props, style, no_heading_props);
    let mut look = Look::default();
    let marks_at = |w: &mut RunWriter<'_>, piece: usize, offset: usize| {
        if let Some(list) = at_piece.get(&piece) {
            for &(o, insert) in list {
                if o == offset {
                    w.insert(insert);
                }
            }
        }
    };
    for child in &children {
        let raw = String::from_utf8_lossy(&bytes[child.start..child.end]);
        match child.local.as_str() {
            "commentReference" | "commentRangeStart" | "commentRangeEnd" => {}
            "t" if !child.inner.is_empty() => {
                // Char by char when every text event is a known piece, else as it was.
                let known: Option<Vec<(usize, String)>> = child
                    .inner
                    .iter()
                    .map(|(event, s)| {
                        let i = *by_at.get(&((run.start + s) as u64))?;
                        Some((i, decoded(event)?))
                    })
                    .collect();
                let Some(known) = known.filter(|k| {
                    k.iter()
                        .all(|(i, text)| text.chars().count() == pieces[*i].chars)
                }) else {
                    w.raw(&raw, look);
                    continue;
                };
                for (i, text) in known {
                    let p = pieces[i];
                    for (k, c) in text.chars().enumerate() {
                        marks_at(&mut w, i, k);
                        look = looks.at(p.start + k);
                        w.char(c, look);
                    }
                    marks_at(&mut w, i, p.chars);
                }
            }
            _ => {
                let piece = by_at.get(&((run.start + child.start) as u64)).copied();
                match piece {
                    Some(i) => {
                        let p = pieces[i];
                        marks_at(&mut w, i, 0);
                        look = looks.at(p.start);
                        w.raw(&raw, look);
                        marks_at(&mut w, i, p.chars);
                    }
                    None => w.raw(&raw, look),
                }
            }
        }
    }
    Ok(w.finish())
}

/// A child element of a run.
#[derive(Debug)]
struct Child {
    local: String,
    start: usize,
    end: usize,
    /// For `w:t`: its text events and their offsets in the run.
    inner: Vec<(Event<'static>, usize)>,
}

/// The text of a text or entity event, as the reader decodes it.
fn decoded(event: &Event<'_>) -> Option<String> {
    match event {
        Event::Text(t) => Some(t.xml10_content().into_owned()),
        Event::GeneralRef(r) => {
            if let Ok(Some(c)) = r.resolve_char_ref() {
                return Some(c.to_string());
            }
            let name: &str = r;
            quick_xml::escape::resolve_predefined_entity(name).map(str::to_owned)
        }
        _ => None,
    }
}

/// A part of the original, read whole (bounded).
fn read_part(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let entry = archive.by_name(name).ok()?;
    let mut text = String::new();
    entry
        .take(MAX_SMALL_PART_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// The package of `original` with `document_xml` as its document, the comments parts
/// written anew, and the relationships and content types naming them.
fn repackage(
    original: &[u8],
    document_xml: &[u8],
    comments: &[super::annotated::Comment],
) -> Result<Vec<u8>, ExportError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(original)).map_err(|e| failure(e.to_string()))?;
    let extended = comments_extended_xml(comments);
    let mut ours: Vec<(&str, &str, &str, String)> = Vec::new();
    if !comments.is_empty() {
        ours.push((
            "word/comments.xml",
            COMMENTS_TYPE,
            COMMENTS_REL,
            comments_xml(comments),
        ));
    }
    if let Some(extended) = extended {
        ours.push((
            "word/commentsExtended.xml",
            EXTENDED_TYPE,
            EXTENDED_REL,
            extended,
        ));
    }
    let rels = read_part(&mut archive, RELS_PART).unwrap_or_else(|| {
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"></Relationships>".to_owned()
    });
    let (rels, dropped) = edit_rels(&rels, &ours)?;
    let types = read_part(&mut archive, TYPES_PART)
        .ok_or_else(|| failure("the original .docx has no [Content_Types].xml"))?;
    let types = edit_types(&types, &dropped, &ours)?;
    let mut package = Package::new();
    package.add(TYPES_PART, types.as_bytes())?;
    let mut wrote_rels = false;
    for i in 0..archive.len() {
        let file = archive
            .by_index_raw(i)
            .map_err(|e| failure(e.to_string()))?;
        let name = file
            .name()
            .map_err(|e| failure(e.to_string()))?
            .into_owned();
        match name.as_str() {
            TYPES_PART => {}
            DOCUMENT_PART => {
                drop(file);
                package.add(DOCUMENT_PART, document_xml)?;
            }
            RELS_PART => {
                drop(file);
                package.add(RELS_PART, rels.as_bytes())?;
                wrote_rels = true;
            }
            _ if dropped.contains(&name) => {}
            _ if ours.iter().any(|(part, ..)| *part == name) => {}
            _ => package.copy(file)?,
        }
    }
    if !wrote_rels {
        package.add(RELS_PART, rels.as_bytes())?;
    }
    for (part, _, _, xml) in &ours {
        package.add(part, xml.as_bytes())?;
    }
    package.finish()
}

/// A relationship target of `word/document.xml` as a part name (`comments.xml` →
/// `word/comments.xml`, `/word/x.xml` → `word/x.xml`).
fn part_of(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("word/{target}"),
    }
}

/// The relationships without those of comments parts, with `ours` added; and the parts
/// the dropped ones named.
fn edit_rels(
    rels: &str,
    ours: &[(&str, &str, &str, String)],
) -> Result<(String, Vec<String>), ExportError> {
    let mut reader = Reader::from_str(rels);
    let mut writer = quick_xml::Writer::new(Vec::new());
    let mut dropped = Vec::new();
    let fail = |e: &dyn std::fmt::Display| failure(format!("word/_rels/document.xml.rels: {e}"));
    loop {
        let event = reader.read_event().map_err(|e| fail(&e))?;
        match &event {
            Event::Eof => break,
            Event::Empty(e) | Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let attr = |name: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == name)
                        .map(|a| a.value.into_owned())
                };
                let kind = attr("Type").unwrap_or_default();
                if COMMENT_RELS.iter().any(|r| kind.ends_with(r)) {
                    dropped.extend(attr("Target").map(|t| part_of(&t)));
                    continue;
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationship" => {}
            Event::End(e) if e.local_name().as_ref() == "Relationships" => {
                for (i, (part, _, rel, _)) in ours.iter().enumerate() {
                    let target = part.strip_prefix("word/").unwrap_or(part);
                    let line = format!(
                        "<Relationship Id=\"rIdPizhu{}\" Type=\"{rel}\" Target=\"{target}\"/>",
                        i + 1
                    );
                    writer.get_mut().extend_from_slice(line.as_bytes());
                }
            }
            _ => {}
        }
        writer.write_event(event).map_err(|e| fail(&e))?;
    }
    let text = String::from_utf8(writer.into_inner()).map_err(|e| fail(&e))?;
    Ok((text, dropped))
}

/// The content types without the overrides of `dropped` parts, with `ours` added.
fn edit_types(
    types: &str,
    dropped: &[String],
    ours: &[(&str, &str, &str, String)],
) -> Result<String, ExportError> {
    let mut reader = Reader::from_str(types);
    let mut writer = quick_xml::Writer::new(Vec::new());
    let fail = |e: &dyn std::fmt::Display| failure(format!("[Content_Types].xml: {e}"));
    let ours_parts: Vec<String> = ours.iter().map(|(p, ..)| format!("/{p}")).collect();
    loop {
        let event = reader.read_event().map_err(|e| fail(&e))?;
        match &event {
            Event::Eof => break,
            Event::Empty(e) if e.local_name().as_ref() == "Override" => {
                let part = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "PartName")
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default();
                let name = part.trim_start_matches('/');
                if dropped.iter().any(|d| d == name) || ours_parts.contains(&part) {
                    continue;
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Types" => {
                for (part, kind, _, _) in ours {
                    let line = format!("<Override PartName=\"/{part}\" ContentType=\"{kind}\"/>");
                    writer.get_mut().extend_from_slice(line.as_bytes());
                }
            }
            _ => {}
        }
        writer.write_event(event).map_err(|e| fail(&e))?;
    }
    String::from_utf8(writer.into_inner()).map_err(|e| fail(&e))
}
