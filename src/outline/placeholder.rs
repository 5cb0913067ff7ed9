//! Placeholders: the blanks (`×`, `××`, `XX`, `某某`, `○○`, `＿＿`) left where names and
//! figures were removed.

use std::sync::LazyLock;

use regex::Regex;

use super::marker::is_cn_numeral;

/// The multi-byte placeholder chars, as literals: their two- and three-byte prefixes make
/// a selective SIMD prefilter (a one-byte set would stop at every CJK lead byte).
static MULTI_BYTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("×|╳|Ｘ|某|○|◯|□|＿").expect("valid regex"));

/// A fast test for lines that may hold a placeholder at all.
fn may_hold_placeholder(text: &str) -> bool {
    memchr::memchr2(b'X', b'_', text.as_bytes()).is_some() || MULTI_BYTE.is_match(text)
}

fn is_candidate(c: char) -> bool {
    matches!(
        c,
        '×' | '╳' | 'X' | 'Ｘ' | '某' | '○' | '◯' | '□' | '＿' | '_'
    )
}

/// A placeholder found in a line: (char offset in the line, char length, text).
pub(super) fn find_in_line(text: &str) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    if !may_hold_placeholder(text) {
        return found;
    }
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().enumerate().peekable();
    while let Some((pos, (byte, c))) = chars.next() {
        if !is_candidate(c) {
            prev = Some(c);
            continue;
        }
        let mut run = 1;
        while chars.next_if(|&(_, (_, x))| x == c).is_some() {
            run += 1;
        }
        let next = chars.peek().map(|&(_, (_, x))| x);
        if is_placeholder_run(c, run, prev, next) {
            let end = byte + c.len_utf8() * run;
            found.push((pos, run, text[byte..end].to_owned()));
        }
        prev = Some(c);
    }
    found
}

fn is_admin_unit(c: char) -> bool {
    "市县区省镇乡村局委办厅处科部司厂校院所队组街社".contains(c)
}

fn is_placeholder_run(c: char, run: usize, prev: Option<char>, next: Option<char>) -> bool {
    let ascii_letter = |x: Option<char>| x.is_some_and(|x| x.is_ascii_alphanumeric());
    match c {
        // `3×4` is a multiplication.
        // `3×4` is a multiplication; `“数据要素×”行动` names a policy.
        '×' | '╳' => {
            let multiplication = prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit());
            let in_name = next.is_some_and(|n| matches!(n, '”' | '"' | '」' | '』' | '’'));
            !multiplication && !in_name
        }
        'X' | 'Ｘ' => {
            !ascii_letter(prev)
                && !ascii_letter(next)
                && (run >= 2 || next.is_some_and(is_admin_unit))
        }
        '某' => run >= 2,
        // `二○○六年` spells a year with ○ as zero.
        '○' | '◯' | '□' => {
            run >= 2 && !prev.is_some_and(is_cn_numeral) && !next.is_some_and(is_cn_numeral)
        }
        '＿' => run >= 2,
        '_' => run >= 3,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        find_in_line(s).into_iter().map(|p| p.2).collect()
    }

    #[test]
    fn finds_blanks() {
        assert_eq!(texts("×县围绕政府廉政建设作了发言"), ["×"]);
        assert_eq!(texts("减免税费×亿元，占比×%"), ["×", "×"]);
        assert_eq!(
            texts("××乡和XX公司、某某同志、○○村、＿＿＿"),
            ["××", "XX", "某某", "○○", "＿＿＿"]
        );
        assert_eq!(texts("X市X县"), ["X", "X"]);
    }

    #[test]
    fn leaves_lookalikes() {
        assert!(texts("3×4的矩阵").is_empty());
        assert!(texts("深化“数据要素×”行动").is_empty());
        assert!(texts("二○○六年").is_empty());
        assert!(texts("XXL号、X光、某些地方").is_empty());
        assert!(texts("snake_case").is_empty());
    }
}
