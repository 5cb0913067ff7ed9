//! Finding text: matches as char ranges of the document, ignoring the difference between
//! full-width and half-width forms (`０-９`/`0-9`, `（`/`(`, `，`/`,`, `Ｘ`/`X`) and Latin case
//! unless asked for an exact match; or a regular expression.
//!
//! Folding maps every char to exactly one char, so a match in the folded text has the same
//! char offsets as in the original. Searching is cancellable (a shared flag checked between
//! chunks), so the window can run it on a worker thread and start again as the user types.

use std::sync::atomic::{AtomicBool, Ordering};

use memchr::memmem;

use crate::document::{Document, TextRange};
use crate::outline::Outline;

/// Most matches collected (a one-letter query in a big document).
pub const MAX_MATCHES: usize = 200_000;

/// How to match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Query {
    /// What was typed.
    pub text: String,
    /// Match exactly: no width or case folding.
    pub exact: bool,
    /// Treat the text as a regular expression.
    pub regex: bool,
}

/// Why a query cannot run.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SearchError {
    /// The regular expression does not parse.
    #[error("not a valid regular expression: {0}")]
    BadRegex(String),
}

/// The char a char folds to: full-width ASCII forms and the ideographic space to ASCII,
/// Latin capitals to small letters.
pub fn fold_char(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii_uppercase() {
        c.to_ascii_lowercase()
    } else {
        match c {
            // Quotes and dashes typed either way.
            '“' | '”' | '＂' => '"',
            '‘' | '’' | '＇' => '\'',
            _ => c,
        }
    }
}

/// `text` folded char by char (same number of chars).
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// Whether `haystack` contains `needle` after folding both (filters in the panels).
pub fn folded_contains(haystack: &str, needle: &str) -> bool {
    let needle = fold(needle.trim());
    needle.is_empty() || fold(haystack).contains(&needle)
}

/// A document prepared for searching: its folded text (built once per document).
#[derive(Debug)]
pub struct Searchable {
    folded: String,
}

impl Searchable {
    /// Fold the document's text.
    pub fn new(doc: &Document) -> Self {
        Self {
            folded: fold(&doc.text),
        }
    }
}

/// Every match of `query` in `doc`, in order (at most [`MAX_MATCHES`]); `None` if
/// cancelled. An empty query matches nothing.
pub fn find_all(
    doc: &Document,
    searchable: &Searchable,
    query: &Query,
    cancel: &AtomicBool,
) -> Result<Option<Vec<TextRange>>, SearchError> {
    if query.text.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let (haystack, needle) = if query.exact {
        (doc.text.as_str(), query.text.clone())
    } else {
        (searchable.folded.as_str(), fold(&query.text))
    };
    let mut found: Vec<(usize, usize)> = Vec::new(); // byte ranges in the haystack
    if query.regex {
        let re = regex::RegexBuilder::new(&needle)
            .multi_line(true)
            .size_limit(1 << 22)
            .build()
            .map_err(|e| {
                SearchError::BadRegex(e.to_string().lines().last().unwrap_or("").trim().to_owned())
            })?;
        for (k, m) in re.find_iter(haystack).enumerate() {
            if k.is_multiple_of(4096) && cancel.load(Ordering::Relaxed) {
                return Ok(None);
            }
            if m.is_empty() {
                continue;
            }
            found.push((m.start(), m.end()));
            if found.len() >= MAX_MATCHES {
                break;
            }
        }
    } else {
        let finder = memmem::Finder::new(needle.as_bytes());
        let mut from = 0;
        while let Some(i) = finder.find(&haystack.as_bytes()[from..]) {
            let start = from + i;
            found.push((start, start + needle.len()));
            from = start + needle.len();
            if found.len().is_multiple_of(4096) && cancel.load(Ordering::Relaxed) {
                return Ok(None);
            }
            if found.len() >= MAX_MATCHES {
                break;
            }
        }
    }
    // Byte offsets → char offsets, counting forward once.
    let mut out = Vec::with_capacity(found.len());
    let (mut byte, mut chars) = (0usize, 0usize);
    for (k, (s, e)) in found.into_iter().enumerate() {
        if k.is_multiple_of(4096) && cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        chars += crate::document::count_chars(&haystack[byte..s]);
        let len = crate::document::count_chars(&haystack[s..e]);
        out.push(TextRange::new(chars, chars + len));
        chars += len;
        byte = e;
    }
    Ok(Some(out))
}

/// Matches per outline section, in order of each section's first match: (deepest node,
/// number of matches, index of its first match); matches before the first heading count
/// under `None`.
pub fn by_section(outline: &Outline, matches: &[TextRange]) -> Vec<(Option<usize>, usize, usize)> {
    let mut out: Vec<(Option<usize>, usize, usize)> = Vec::new();
    let mut last: Option<(Option<usize>, usize)> = None; // (node, index in out)
    for (k, m) in matches.iter().enumerate() {
        let node = outline.node_at(m.start);
        match last {
            Some((n, i)) if n == node => out[i].1 += 1,
            _ => {
                // A section interrupted by a subsection comes back: count it where it began.
                let i = match out.iter().position(|(n, _, _)| *n == node) {
                    Some(i) => {
                        out[i].1 += 1;
                        i
                    }
                    None => {
                        out.push((node, 1, k));
                        out.len() - 1
                    }
                };
                last = Some((node, i));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::SourceFormat;

    fn doc(text: &str) -> Document {
        Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text)
    }

    fn find(d: &Document, text: &str, exact: bool, regex: bool) -> Vec<String> {
        let s = Searchable::new(d);
        let q = Query {
            text: text.into(),
            exact,
            regex,
        };
        find_all(d, &s, &q, &AtomicBool::new(false))
            .expect("valid")
            .expect("not cancelled")
            .into_iter()
            .map(|r| d.slice(r).to_owned())
            .collect()
    }

    #[test]
    fn width_and_case_fold_unless_exact() {
        let d = doc("第１２条（试行）规定，Ｘ市与x县、X区。ＧＤＰ增长3%，gdp");
        assert_eq!(find(&d, "12", false, false), ["１２"]);
        assert_eq!(find(&d, "(试行)", false, false), ["（试行）"]);
        assert_eq!(find(&d, "X", false, false), ["Ｘ", "x", "X"]);
        assert_eq!(find(&d, "X", true, false), ["X"]);
        assert_eq!(find(&d, "gdp", false, false), ["ＧＤＰ", "gdp"]);
        assert_eq!(find(&d, "规定,", false, false), ["规定，"]);
    }

    #[test]
    fn offsets_stay_right_after_many_multibyte_chars() {
        let text = format!("{}目标词\n{}目标词", "中".repeat(5000), "ａ".repeat(3000));
        let d = doc(&text);
        let s = Searchable::new(&d);
        let q = Query {
            text: "目标词".into(),
            ..Query::default()
        };
        let hits = find_all(&d, &s, &q, &AtomicBool::new(false))
            .expect("ok")
            .expect("done");
        assert_eq!(
            hits,
            [TextRange::new(5000, 5003), TextRange::new(8004, 8007)]
        );
    }

    #[test]
    fn regex_mode_and_its_errors() {
        let d = doc("一是加强，二是推进，三是落实");
        assert_eq!(
            find(&d, "[一二三]是", false, true),
            ["一是", "二是", "三是"]
        );
        let s = Searchable::new(&d);
        let bad = Query {
            text: "(".into(),
            regex: true,
            ..Query::default()
        };
        assert!(matches!(
            find_all(&d, &s, &bad, &AtomicBool::new(false)),
            Err(SearchError::BadRegex(_))
        ));
    }

    #[test]
    fn a_cancelled_search_says_so() {
        let d = doc(&"词".repeat(20_000));
        let s = Searchable::new(&d);
        let q = Query {
            text: "词".into(),
            ..Query::default()
        };
        assert_eq!(find_all(&d, &s, &q, &AtomicBool::new(true)), Ok(None));
    }

    #[test]
    fn matches_are_counted_per_section_with_their_first_match() {
        let d = doc("一、总体要求\n词。词。\n（一）细则\n词。\n二、保障措施\n词。");
        let o = crate::outline::outline(&d);
        let s = Searchable::new(&d);
        let q = Query {
            text: "词".into(),
            ..Query::default()
        };
        let hits = find_all(&d, &s, &q, &AtomicBool::new(false))
            .expect("ok")
            .expect("done");
        let sections = by_section(&o, &hits);
        let labels: Vec<(String, usize, usize)> = sections
            .iter()
            .map(|&(n, c, f)| {
                (
                    n.map(|i| o.nodes[i].title.clone()).unwrap_or_default(),
                    c,
                    f,
                )
            })
            .collect();
        assert_eq!(
            labels,
            [
                ("总体要求".to_owned(), 2, 0),
                ("细则".to_owned(), 1, 2),
                ("保障措施".to_owned(), 1, 3)
            ]
        );
    }

    #[test]
    fn folded_contains_for_filters() {
        assert!(folded_contains("（一）把ＧＤＰ作为", "(一)把gdp"));
        assert!(!folded_contains("abc", "x"));
        assert!(folded_contains("abc", "  "));
    }
}
