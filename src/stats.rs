//! 字数, paragraphs and speaking time, counted the way Word counts 字数.

use std::fmt::Write as _;

use serde::Serialize;

use crate::document::{Document, TextRange};
use crate::outline::label::heading_label;
use crate::outline::{LineRole, Outline};

/// Default speaking rate: characters per minute.
pub const DEFAULT_RATE_CHARS_PER_MIN: u32 = 200;

/// Counts for a stretch of text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// 字数 as Word counts it: every CJK character and full-width punctuation mark counts
    /// one, every run of other non-space characters (a Latin word, a number) counts one.
    pub words: usize,
    /// Characters excluding white space.
    pub chars_no_spaces: usize,
    /// Non-empty paragraphs (lines), boilerplate excluded.
    pub paragraphs: usize,
    /// Speaking time in seconds at the given rate.
    pub speaking_seconds: u64,
}

/// Counts for one top-level section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SectionStats {
    /// The section's marker.
    pub marker: String,
    /// The section's title.
    pub title: String,
    /// Its counts.
    pub counts: Counts,
}

/// Counts for a whole document and each of its top-level sections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// The speaking rate used, in characters per minute.
    pub rate_chars_per_min: u32,
    /// The whole document, boilerplate excluded.
    pub total: Counts,
    /// Each top-level section (a heading, or a point in a speech made only of points).
    pub sections: Vec<SectionStats>,
}

/// True for characters Word counts one by one: CJK ideographs, kana, hangul, and
/// full-width punctuation and forms.
fn is_east_asian(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31BF | 0x31F0..=0x9FFF
        | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Count 字数 and non-space characters in `text`.
pub fn count_words(text: &str) -> (usize, usize) {
    let mut words = 0;
    let mut chars = 0;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_whitespace() {
            in_word = false;
            continue;
        }
        chars += 1;
        if is_east_asian(c) {
            words += 1;
            in_word = false;
        } else if !in_word {
            words += 1;
            in_word = true;
        }
    }
    (words, chars)
}

/// Count the content lines of `doc` that intersect `range` (a section, or the whole text).
pub fn counts_in(doc: &Document, outline: &Outline, range: TextRange, rate: u32) -> Counts {
    let mut counts = Counts::default();
    let first = doc.lines.partition_point(|l| l.range.end < range.start);
    for (i, line) in doc.lines.iter().enumerate().skip(first) {
        if line.range.start >= range.end && !(range.is_empty() && line.range.start == range.start) {
            break;
        }
        if matches!(outline.roles[i], LineRole::Blank | LineRole::Boilerplate(_)) {
            continue;
        }
        let text = doc.line_text(line);
        let text = if line.range.start < range.start || line.range.end > range.end {
            let from = range.start.saturating_sub(line.range.start);
            let to = range.end.min(line.range.end) - line.range.start;
            let start = text.char_indices().nth(from).map_or(text.len(), |(b, _)| b);
            let end = text.char_indices().nth(to).map_or(text.len(), |(b, _)| b);
            &text[start..end]
        } else {
            text
        };
        let (w, c) = count_words(text);
        counts.words += w;
        counts.chars_no_spaces += c;
        if w > 0 {
            counts.paragraphs += 1;
        }
    }
    counts.speaking_seconds = speaking_seconds(counts.words, rate);
    counts
}

/// Seconds needed to read `words` aloud at `rate` characters per minute.
pub fn speaking_seconds(words: usize, rate: u32) -> u64 {
    (words as u64 * 60).div_ceil(u64::from(rate.max(1)))
}

/// Count a document and its top-level sections.
pub fn stats(doc: &Document, outline: &Outline, rate: u32) -> Stats {
    let whole = TextRange::new(0, doc.char_count);
    let sections = || {
        outline
            .nodes
            .iter()
            .filter(|n| n.depth == 1)
            .map(|n| SectionStats {
                marker: n.marker.clone(),
                title: n.title.clone(),
                counts: counts_in(doc, outline, n.range, rate),
            })
            .collect::<Vec<_>>()
    };
    // The whole text and its sections are two passes over it: on a large document (opening
    // 100 MB in the window waits for them) they run side by side.
    let (total, sections) = if doc.char_count > PARALLEL_CHARS {
        std::thread::scope(|scope| {
            let total = std::thread::Builder::new()
                .name("stats".into())
                .spawn_scoped(scope, || counts_in(doc, outline, whole, rate));
            let sections = sections();
            let total = match total {
                Ok(handle) => match handle.join() {
                    Ok(total) => total,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                // No thread to be had: one after the other.
                Err(_) => counts_in(doc, outline, whole, rate),
            };
            (total, sections)
        })
    } else {
        (counts_in(doc, outline, whole, rate), sections())
    };
    Stats {
        rate_chars_per_min: rate,
        total,
        sections,
    }
}

/// Above this many chars, [`stats`] counts the whole text and its sections on two threads.
const PARALLEL_CHARS: usize = 1 << 20;

/// `m 分 s 秒` / `m min s s` style duration, language-neutral: `12:05`.
pub fn format_duration(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// Stats as a small table (`pizhu stats`): the whole document, then each section.
pub fn stats_text(outline: &Outline, stats: &Stats) -> String {
    let mut out = String::new();
    if let Some(title) = &outline.title {
        let _ = writeln!(out, "{title}");
    }
    let t = &stats.total;
    let _ = writeln!(
        out,
        "全文\t字数 {}\t段落 {}\t讲话时长 {}（每分钟 {} 字）",
        t.words,
        t.paragraphs,
        format_duration(t.speaking_seconds),
        stats.rate_chars_per_min
    );
    for s in &stats.sections {
        let c = &s.counts;
        let _ = writeln!(
            out,
            "{}\t字数 {}\t段落 {}\t讲话时长 {}",
            heading_label(&s.marker, &s.title),
            c.words,
            c.paragraphs,
            format_duration(c.speaking_seconds)
        );
    }
    out
}

/// Stats as JSON with a final line break (`pizhu stats --format json`).
pub fn stats_json(stats: &Stats) -> String {
    // Serialising plain data structs cannot fail.
    serde_json::to_string_pretty(stats)
        .map(|s| s + "\n")
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_document_counts_the_same_on_two_threads() {
        let mut text = String::from("关于测试的讲话\n");
        let mut n = 0;
        while text.chars().count() <= PARALLEL_CHARS + 1000 {
            n += 1;
            text.push_str(&format!("{}、第{n}部分\n", ["一", "二", "三"][n % 3]));
            text.push_str(&"我们要把思想统一到会议精神上来，真抓实干。".repeat(40));
            text.push('\n');
        }
        let doc = crate::document::Document::from_text(
            text,
            "UTF-8",
            crate::document::SourceFormat::Text,
        );
        let outline = crate::outline::outline(&doc);
        assert!(doc.char_count > PARALLEL_CHARS);
        let got = stats(&doc, &outline, 240);
        let whole = TextRange::new(0, doc.char_count);
        assert_eq!(got.total, counts_in(&doc, &outline, whole, 240));
        let one_by_one: Vec<Counts> = outline
            .nodes
            .iter()
            .filter(|n| n.depth == 1)
            .map(|n| counts_in(&doc, &outline, n.range, 240))
            .collect();
        assert!(!one_by_one.is_empty());
        assert_eq!(
            got.sections
                .iter()
                .map(|s| s.counts.clone())
                .collect::<Vec<_>>(),
            one_by_one
        );
    }

    #[test]
    fn words_count_like_word() {
        // 4 CJK + 2 punctuation + "2019" + "PM2.5" + "QQ206157060"
        assert_eq!(count_words("在2019年，PM2.5下降。QQ206157060").0, 9);
        assert_eq!(count_words("hello world").0, 2);
        assert_eq!(count_words("“一岗双责”").0, 6);
    }

    #[test]
    fn speaking_time_rounds_up() {
        assert_eq!(speaking_seconds(200, 200), 60);
        assert_eq!(speaking_seconds(201, 200), 61);
        assert_eq!(format_duration(125), "2:05");
    }
}
