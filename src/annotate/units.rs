//! Units of text a click selects: a word-sized run (double click) and a sentence (triple
//! click, Alt+click to highlight a 金句 whole).

use crate::document::{Document, TextRange};

/// Ends a sentence.
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '…')
}

/// Closing marks that stay with the sentence before them.
fn closes(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | '"' | '\''
    )
}

/// Punctuation and spaces: what separates word-sized runs.
fn separates(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(
            c,
            '，' | '。'
                | '、'
                | '；'
                | '：'
                | '！'
                | '？'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '（'
                | '）'
                | '《'
                | '》'
                | '【'
                | '】'
                | '「'
                | '」'
                | '『'
                | '』'
                | '…'
                | '—'
                | '·'
        )
}

/// The line holding char `pos`: (its first char, its text).
fn line_at(doc: &Document, pos: usize) -> Option<(usize, &str)> {
    let i = doc
        .lines
        .partition_point(|l| l.range.start <= pos)
        .checked_sub(1)?;
    let line = &doc.lines[i];
    Some((line.range.start, doc.line_text(line)))
}

/// The sentence around char `pos`: from after the previous 。！？； (or the line start,
/// without leading spaces) through its own end mark and any closing quote.
pub fn sentence_at(doc: &Document, pos: usize) -> Option<TextRange> {
    let (first, text) = line_at(doc, pos)?;
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return None;
    }
    let at = (pos - first).min(chars.len() - 1);
    let mut start = at;
    while start > 0
        && !ends_sentence(chars[start - 1])
        && !(closes(chars[start - 1]) && start >= 2 && ends_sentence(chars[start - 2]))
    {
        start -= 1;
    }
    while start < at && chars[start].is_whitespace() {
        start += 1;
    }
    let mut end = at;
    while end < chars.len() && !ends_sentence(chars[end]) {
        end += 1;
    }
    while end < chars.len() && ends_sentence(chars[end]) {
        end += 1;
    }
    while end < chars.len() && closes(chars[end]) {
        end += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    (end > start).then(|| TextRange::new(first + start, first + end))
}

/// The word-sized run around char `pos`: the characters between punctuation (for Chinese,
/// a clause), or the single punctuation mark clicked.
pub fn word_at(doc: &Document, pos: usize) -> Option<TextRange> {
    let (first, text) = line_at(doc, pos)?;
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return None;
    }
    let at = (pos - first).min(chars.len() - 1);
    if separates(chars[at]) {
        return (!chars[at].is_whitespace()).then(|| TextRange::new(first + at, first + at + 1));
    }
    let mut start = at;
    while start > 0 && !separates(chars[start - 1]) {
        start -= 1;
    }
    let mut end = at;
    while end < chars.len() && !separates(chars[end]) {
        end += 1;
    }
    Some(TextRange::new(first + start, first + end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::SourceFormat;

    fn doc(text: &str) -> Document {
        Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text)
    }

    fn at(d: &Document, r: Option<TextRange>) -> &str {
        d.slice(r.expect("a range"))
    }

    #[test]
    fn sentences_end_at_their_mark_and_keep_closing_quotes() {
        let d = doc("标题\n　　我们要坚持“人民至上。”始终把群众放在心上！第三句；末尾没有句号");
        let second_line = d.lines[1].range.start;
        assert_eq!(
            at(&d, sentence_at(&d, second_line + 4)),
            "我们要坚持“人民至上。”"
        );
        assert_eq!(
            at(&d, sentence_at(&d, second_line + 15)),
            "始终把群众放在心上！"
        );
        assert_eq!(at(&d, sentence_at(&d, second_line + 25)), "第三句；");
        assert_eq!(at(&d, sentence_at(&d, d.char_count - 1)), "末尾没有句号");
        assert_eq!(at(&d, sentence_at(&d, 0)), "标题");
    }

    #[test]
    fn words_are_runs_between_punctuation() {
        let d = doc("坚持稳中求进，推动高质量发展。Digital 2026");
        assert_eq!(at(&d, word_at(&d, 2)), "坚持稳中求进");
        assert_eq!(at(&d, word_at(&d, 6)), "，");
        assert_eq!(at(&d, word_at(&d, 9)), "推动高质量发展");
        assert_eq!(at(&d, word_at(&d, 17)), "Digital");
        assert_eq!(word_at(&d, 22), None);
    }
}
