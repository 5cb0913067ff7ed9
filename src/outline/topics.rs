//! Topic sentences (段首句): many reports open each paragraph under a heading with a short
//! sentence that the printed edition sets in bold (`做强科技创新核心驱动。…`,
//! `着力加强原始创新和科技攻关。…`). When sibling paragraphs open in parallel like this,
//! those sentences are an optional outline level.

use std::ops::Range;

use super::classify::LineRole;
use super::marker::{parse_heading_marker, parse_point_marker};
use super::{NodeKind, OutlineNode};
use crate::document::{Document, TextRange, count_chars};

/// A topic sentence is at most this long (chars, without its stop).
const MAX_TOPIC_CHARS: usize = 30;
/// … and at least this long.
const MIN_TOPIC_CHARS: usize = 4;

/// The topic sentence a paragraph opens with: its byte length (without the stop) and the
/// byte length with the stop, if the paragraph has one.
fn topic_sentence(text: &str) -> Option<(usize, usize)> {
    let (end, stop) = first_stop(text)?;
    if !matches!(stop, '。' | '！') {
        return None;
    }
    let sentence = &text[..end];
    let chars = sentence.chars().count();
    if !(MIN_TOPIC_CHARS..=MAX_TOPIC_CHARS).contains(&chars)
        || sentence.starts_with(['“', '"', '（', '(', '《'])
        || sentence.contains(['、', '“'])
        || sentence.chars().next().is_some_and(|c| c.is_ascii_digit())
        || parse_point_marker(text).is_some()
        || parse_heading_marker(text).is_some()
    {
        return None;
    }
    Some((end, end + stop.len_utf8()))
}

/// The first stop (`。！？；：，`) in the first bytes that may hold [`MAX_TOPIC_CHARS`] + 1
/// chars: its byte offset and the stop. The stops are full-width forms and CJK punctuation, whose UTF-8
/// starts with `E3` or `EF`: only those bytes are looked at.
fn first_stop(text: &str) -> Option<(usize, char)> {
    let window = (4 * (MAX_TOPIC_CHARS + 1)).min(text.len());
    let bytes = &text.as_bytes()[..window];
    let mut from = 0;
    while let Some(at) = memchr::memchr2(0xE3, 0xEF, &bytes[from..]).map(|i| i + from) {
        let c = text[at..].chars().next()?;
        if matches!(c, '。' | '！' | '？' | '；' | '：' | '，') {
            return Some((at, c));
        }
        from = at + 1;
    }
    None
}

/// A paragraph under a heading: its lines and whether it opens with a topic sentence.
struct Paragraph {
    line: usize,
    /// The last line of the paragraph (a topic sentence alone on its line takes the next).
    last: usize,
    topic: Option<usize>,
}

/// The topic sentences of a document whose outline `nodes` (headings and points) are made:
/// under each heading (and before the first), the paragraphs that open with a short
/// sentence, when at least two do and they are at least half the paragraphs there.
pub(super) fn find(
    doc: &Document,
    roles: &[LineRole],
    content: &[Range<usize>],
    nodes: &[OutlineNode],
) -> Vec<OutlineNode> {
    let mut found = Vec::new();
    let mut group: Vec<Paragraph> = Vec::new();
    let mut depth = 1;
    // Heading nodes by line, in order.
    let mut headings = nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Heading)
        .map(|n| (n.line, n.depth))
        .peekable();
    let n = doc.lines.len();
    let mut i = 0;
    while i < n {
        if headings.peek().is_some_and(|&(l, _)| l <= i) {
            flush(doc, content, &mut group, depth, &mut found);
            while let Some((_, d)) = headings.next_if(|&(l, _)| l <= i) {
                depth = d.saturating_add(1);
            }
        }
        if roles[i] != LineRole::Body {
            i += 1;
            continue;
        }
        let text = &doc.text[content[i].clone()];
        let topic = topic_sentence(text);
        let mut last = i;
        if let Some((_, with_stop)) = topic
            && with_stop == text.len()
        {
            // A topic sentence alone on its line heads the paragraph on the next.
            match (i + 1..n).find(|&j| roles[j] != LineRole::Blank) {
                Some(j) if roles[j] == LineRole::Body && content[j].len() > 3 * text.len() => {
                    last = j;
                }
                _ => {
                    group.push(Paragraph {
                        line: i,
                        last: i,
                        topic: None,
                    });
                    i += 1;
                    continue;
                }
            }
        }
        group.push(Paragraph {
            line: i,
            last,
            topic: topic.map(|t| t.0),
        });
        i = last + 1;
    }
    flush(doc, content, &mut group, depth, &mut found);
    found
}

/// Turn the paragraphs of one section into topic nodes, if they open in parallel.
fn flush(
    doc: &Document,
    content: &[Range<usize>],
    group: &mut Vec<Paragraph>,
    depth: u8,
    found: &mut Vec<OutlineNode>,
) {
    let topics = group.iter().filter(|p| p.topic.is_some()).count();
    if topics >= 2 && 2 * topics >= group.len() {
        for p in group.iter() {
            let Some(len) = p.topic else {
                continue;
            };
            let line = &doc.lines[p.line];
            let start_byte = content[p.line].start;
            let start = line.range.start + count_chars(&doc.text[line.byte_start..start_byte]);
            let title = doc.text[start_byte..start_byte + len].to_owned();
            let chars = title.chars().count();
            let end = doc.lines[p.last].range.end;
            found.push(OutlineNode {
                depth,
                kind: NodeKind::Topic,
                marker: String::new(),
                title,
                range: TextRange::new(start, end),
                title_range: TextRange::new(start, start + chars),
                line: p.line,
            });
        }
    }
    group.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_sentences_are_short_plain_openers() {
        let t = |s: &str| topic_sentence(s).map(|(len, _)| s[..len].to_owned());
        assert_eq!(
            t("做强科技创新核心驱动。全年研发投入增长10%。").as_deref(),
            Some("做强科技创新核心驱动")
        );
        assert_eq!(t("生态底色更加亮丽。").as_deref(), Some("生态底色更加亮丽"));
        // A sentence with a comma, a lead-in, a point, a heading or a quote opens no topic.
        for s in [
            "2025年，我们完成了任务。",
            "主要做了以下工作：",
            "一是加强领导。要压实责任。",
            "（一）加强领导。要压实责任。",
            "“两重”建设。",
            "好。",
            "这一句话太长了太长了太长了太长了太长了太长了太长了太长了太长了。",
        ] {
            assert_eq!(t(s), None, "{s}");
        }
    }
}
