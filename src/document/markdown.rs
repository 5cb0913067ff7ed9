//! Markdown: pulldown-cmark finds the real headings (ATX and setext, never inside code).

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag};

use super::{Document, LineHint};

/// Set a `Heading(n)` hint on the first line of every Markdown heading.
pub(super) fn apply_heading_hints(doc: &mut Document) {
    let mut found = Vec::new();
    for (event, range) in Parser::new(&doc.text).into_offset_iter() {
        if let Event::Start(Tag::Heading { level, .. }) = event {
            found.push((range.start, heading_level(level)));
        }
    }
    for (byte, level) in found {
        let idx = doc.lines.partition_point(|l| l.byte_end < byte);
        if let Some(line) = doc.lines.get_mut(idx) {
            line.hint = LineHint::Heading(level);
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Document, LineHint, SourceFormat};

    #[test]
    fn atx_and_setext_headings_but_not_code() {
        let text = "# 标题\n\n正文。\n\n## 第二级\n\n```\n# 不是标题\n```\n\n小节\n----\n";
        let doc = Document::from_text(text.into(), "UTF-8", SourceFormat::Markdown);
        let hints: Vec<(usize, LineHint)> = doc
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.hint != LineHint::None)
            .map(|(i, l)| (i, l.hint))
            .collect();
        assert_eq!(
            hints,
            vec![
                (0, LineHint::Heading(1)),
                (4, LineHint::Heading(2)),
                (10, LineHint::Heading(2))
            ]
        );
    }
}
