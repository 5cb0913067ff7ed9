//! `pizhu highlight FILE --batch HIGHLIGHTS.jsonl`: many highlights in one load and one
//! save of the document's store, through the same path as one `--quote` (the format is in
//! `docs/cli.md`).
//!
//! The batch is all or nothing: every line is read and checked (it parses, the quote occurs
//! often enough) before the store is touched; when any line is bad, each is reported as
//! `line N: reason` on stderr and nothing is saved.

use std::path::Path;

use serde::Deserialize;

use super::{
    Added, CliError, HighlightRequest, Repeats, add_highlights, doc_title, fail, locate_all,
    one_line, open, parse_color,
};
use crate::annotate::Mark;
use crate::document::{Document, TextRange};
use crate::files::{Links, read_bounded, read_regular};
use crate::outline::outline;

/// Largest batch read (a million highlights with notes fit), counted by the bytes read.
pub const MAX_BATCH_BYTES: u64 = 256 << 20;
/// Bad lines reported one by one; the rest are counted.
pub const MAX_LISTED: usize = 20;

/// One line of a batch, as written (fields other than these are refused, so a misspelt
/// `colour` is reported instead of silently ignored).
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object such as {\"quote\": \"…\"}"
)]
struct Line {
    quote: String,
    #[serde(default = "first")]
    nth: u64,
    #[serde(default)]
    color: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    mark: Option<String>,
}

fn first() -> u64 {
    1
}

/// What a line asks for, or why it cannot be used.
fn request(line: &[u8]) -> Result<HighlightRequest, String> {
    let text = std::str::from_utf8(line).map_err(|e| format!("not UTF-8 text ({e})"))?;
    let line: Line = serde_json::from_str(text).map_err(|e| json_reason(&e, text))?;
    if line.nth == 0 {
        return Err("\"nth\" counts from 1; 0 is no occurrence".to_owned());
    }
    let color = match line.color.as_deref() {
        None => Default::default(),
        Some(name) => parse_color(name).map_err(|e| format!("\"color\" {name:?}: {e}"))?,
    };
    let mark = match line.mark.as_deref() {
        None => Mark::Fill,
        Some(name) => parse_mark(name)
            .ok_or_else(|| format!("\"mark\" {name:?}: use fill or underline (背景, 下划线)"))?,
    };
    Ok(HighlightRequest {
        quote: line.quote,
        nth: usize::try_from(line.nth).unwrap_or(usize::MAX),
        color,
        mark,
        note: line.note.unwrap_or_default(),
        tags: line.tags,
    })
}

/// A mark named in English or Chinese.
fn parse_mark(name: &str) -> Option<Mark> {
    match name.trim().to_lowercase().as_str() {
        "fill" | "背景" => Some(Mark::Fill),
        "underline" | "下划线" => Some(Mark::Underline),
        _ => None,
    }
}

/// A JSON error without serde_json's `at line 1 column N` (the line is named already), and
/// with the column counted in chars, as an editor counts it (serde_json counts bytes).
fn json_reason(e: &serde_json::Error, line: &str) -> String {
    let text = e.to_string();
    let reason = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut byte = e.column().min(line.len());
    while !line.is_char_boundary(byte) {
        byte -= 1;
    }
    let column = line[..byte].chars().count();
    format!("not a highlight ({reason}, column {column})")
}

/// The lines of a batch (numbered from 1) that are not blank, a byte-order mark and `\r`
/// line ends dropped.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .filter(|(_, line)| !line.trim_ascii().is_empty())
}

/// Read the batch: standard input for `-`, else a regular file (a FIFO, device or folder
/// is refused without waiting on it), at most [`MAX_BATCH_BYTES`] either way.
fn read(batch: &Path) -> Result<Vec<u8>, CliError> {
    let bytes = if batch == Path::new("-") {
        read_bounded(std::io::stdin().lock(), MAX_BATCH_BYTES)
    } else {
        read_regular(batch, Links::Follow, MAX_BATCH_BYTES)
    };
    bytes.map_err(|e| {
        fail(
            format!(
                "cannot read the batch of highlights ({})",
                one_line(&e.to_string())
            ),
            shown(batch),
        )
    })
}

/// The batch as messages name it.
fn shown(batch: &Path) -> &Path {
    if batch == Path::new("-") {
        Path::new("<stdin>")
    } else {
        batch
    }
}

/// `n` grouped by thousands: `9,998`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `n` and the noun, singular or plural, the number grouped by thousands: `9,998 lines`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}

/// Every line of `bytes` found in `doc`, or every bad line with its reason (and how many
/// lines there were).
#[allow(clippy::type_complexity)]
fn check(
    doc: &Document,
    bytes: &[u8],
) -> Result<Vec<(TextRange, HighlightRequest)>, (usize, Vec<(usize, String)>)> {
    let mut requests = Vec::new();
    let mut bad = Vec::new();
    let mut total = 0;
    for (n, line) in lines(bytes) {
        total += 1;
        match request(line) {
            Ok(req) => requests.push((n, req)),
            Err(reason) => bad.push((n, reason)),
        }
    }
    let wanted: Vec<(&str, usize)> = requests
        .iter()
        .map(|(_, req)| (req.quote.as_str(), req.nth))
        .collect();
    let located = locate_all(doc, &wanted);
    let mut found = Vec::with_capacity(requests.len());
    for ((n, req), at) in requests.into_iter().zip(located) {
        match at {
            Ok(range) => found.push((range, req)),
            Err(e) => bad.push((n, e.message("\"nth\""))),
        }
    }
    if bad.is_empty() {
        Ok(found)
    } else {
        bad.sort_by_key(|&(n, _)| n);
        Err((total, bad))
    }
}

/// `pizhu highlight FILE --batch HIGHLIGHTS.jsonl`.
pub(super) fn highlight_batch(
    file: &Path,
    batch: &Path,
    data_dir: Option<&Path>,
) -> Result<String, CliError> {
    let doc = open(file)?;
    let bytes = read(batch)?;
    let found = match check(&doc, &bytes) {
        Ok(found) => found,
        Err((total, bad)) => {
            for (n, reason) in bad.iter().take(MAX_LISTED) {
                crate::terminal::eprint_line(&format!("pizhu: line {n}: {}", one_line(reason)));
            }
            if bad.len() > MAX_LISTED {
                let more = bad.len() - MAX_LISTED;
                let noun = if more == 1 { "bad line" } else { "bad lines" };
                crate::terminal::eprint_line(&format!(
                    "pizhu: … and {} more {noun}",
                    grouped(more)
                ));
            }
            return Err(fail(
                format!(
                    "{} of {} could not be used; nothing was saved",
                    count(bad.len(), "line", "lines"),
                    count(total, "highlight", "highlights")
                ),
                shown(batch),
            ));
        }
    };
    if found.is_empty() {
        return Ok("the batch holds no highlights; nothing was added\n".to_owned());
    }
    let title = doc_title(&outline(&doc), file);
    let pairs: Vec<(TextRange, &HighlightRequest)> = found.iter().map(|(r, q)| (*r, q)).collect();
    let Added { added, already, .. } =
        add_highlights(file, &doc, &title, &pairs, Repeats::Skip, data_dir)?;
    let mut out = format!("added {}", count(added, "highlight", "highlights"));
    if already > 0 {
        out.push_str(&format!(" ({} already there)", grouped(already)));
    }
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::Color;
    use crate::document::SourceFormat;

    fn doc() -> Document {
        Document::from_text(
            "一、总体要求\n要坚持一是一、二是二。要坚持实事求是。\r\n二、重点任务\n".to_owned(),
            "UTF-8",
            SourceFormat::Text,
        )
    }

    #[test]
    fn a_line_takes_defaults_and_names_in_both_languages() {
        let req = request(br#"{"quote": "q"}"#).expect("valid");
        assert_eq!(
            (req.nth, req.color, req.mark, req.note.as_str()),
            (1, Color::Yellow, Mark::Fill, "")
        );
        let req = request(
            r#"{"quote":"q","nth":2,"color":"绿","note":"n","tags":["a"],"mark":"下划线"}"#
                .as_bytes(),
        )
        .expect("valid");
        assert_eq!(
            (req.nth, req.color, req.mark, req.tags.as_slice()),
            (2, Color::Green, Mark::Underline, &["a".to_owned()][..])
        );
    }

    #[test]
    fn bad_lines_say_why() {
        let reason = |line: &str| request(line.as_bytes()).err().expect("refused");
        assert_eq!(
            reason(r#"{"quote": "q", "colour": "red"}"#),
            "not a highlight (unknown field `colour`, expected one of `quote`, `nth`, `color`, \
             `note`, `tags`, `mark`, column 23)"
        );
        assert!(reason(r#"{"nth": 2}"#).contains("missing field `quote`"));
        assert!(reason(r#""just text""#).contains("expected an object such as"));
        assert!(reason(r#"{"quote": "q""#).contains("EOF while parsing"));
        assert!(reason(r#"{"quote": "q", "nth": 0}"#).contains("counts from 1"));
        assert!(
            reason(r#"{"quote": "q", "color": "red"}"#)
                .starts_with("\"color\" \"red\": unknown colour")
        );
        assert!(reason(r#"{"quote": "q", "mark": "bold"}"#).starts_with("\"mark\" \"bold\""));
        assert!(
            request(b"{\"quote\": \"\xff\"}")
                .err()
                .expect("refused")
                .starts_with("not UTF-8")
        );
    }

    #[test]
    fn blank_lines_bom_and_crlf_are_skipped_but_counted() {
        let numbered: Vec<(usize, &[u8])> =
            lines(b"\xEF\xBB\xBF{\"a\":1}\r\n\n  \r\n{\"b\":2}\n").collect();
        assert_eq!(numbered, [(1, &b"{\"a\":1}"[..]), (4, &b"{\"b\":2}"[..])]);
    }

    #[test]
    fn every_bad_line_is_found_before_anything_is_added() {
        let doc = doc();
        let batch = "{\"quote\": \"要坚持\", \"nth\": 2}\n\
                     {\"quote\": \"要坚持\", \"nth\": 3}\n\
                     {\"quote\": \"不在文中\"}\n\
                     {\"quote\": \"\"}\n";
        let Err((total, bad)) = check(&doc, batch.as_bytes()) else {
            panic!("bad lines pass");
        };
        assert_eq!(total, 4);
        assert_eq!(
            bad,
            [
                (
                    2,
                    "the quote occurs 2 times; \"nth\" 3 is past the last".to_owned()
                ),
                (3, "the quote does not occur in the document".to_owned()),
                (4, "the quote is empty".to_owned()),
            ]
        );
        let found = check(&doc, "{\"quote\": \"要坚持\", \"nth\": 2}\n".as_bytes()).expect("good");
        assert_eq!(found[0].0, TextRange::new(18, 21));
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(count(1, "line", "lines"), "1 line");
        assert_eq!(count(0, "line", "lines"), "0 lines");
        assert_eq!(count(9998, "h", "hs"), "9,998 hs");
        assert_eq!(count(1_234_567, "h", "hs"), "1,234,567 hs");
    }
}
