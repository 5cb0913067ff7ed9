//! The numbering grammar: which markers open a heading, and which open an inline point.

/// A numbering style. Levels are not fixed per style; they are inferred from nesting order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// `一、`
    CnComma,
    /// `（一）`, `(一)`, mixed widths.
    CnParen,
    /// `1.`, `1、`, `1．`
    ArabicDot,
    /// `（1）`, `(1)`, `⑴`
    ArabicParen,
    /// `①`
    Circled,
    /// `［1］`, `[1]`, `【1】`
    ArabicBracket,
    /// `第一章`, `第一节`, `第一部分`, `第一篇`, `第一编` (the char names the unit).
    Chapter(char),
}

/// A numbering marker found at the start of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker {
    /// The numbering style.
    pub style: Style,
    /// The number the marker carries (1-based).
    pub ordinal: u32,
    /// Length of the marker in bytes.
    pub len_bytes: usize,
    /// Length of the marker in chars.
    pub len_chars: usize,
}

/// The families of inline points; items of one family form one sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PointFamily {
    /// `一是`, `二要` (是 and 要 mix freely).
    Ordinal,
    /// `第一，`, `第二，`
    Diyi,
    /// `首先`, `其次`, `再次`, `最后`
    Shouxian,
}

/// An inline-point marker found at a sentence start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PointMarker {
    /// Which sequence family.
    pub family: PointFamily,
    /// Position in the sequence; `u32::MAX` for `最后` (closes any open sequence).
    pub ordinal: u32,
    /// Length of the marker text shown (e.g. `一是`, `第一`), in bytes.
    pub shown_bytes: usize,
    /// Length of everything to skip before the title (marker plus a following comma), in bytes.
    pub skip_bytes: usize,
}

/// Ordinal meaning "the last item" (`最后`).
pub const LAST: u32 = u32::MAX;

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' | '○' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// True for the chars Chinese numerals are written with.
pub fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || c == '十' || c == '百'
}

/// Parse a Chinese numeral (一 … 九十九, 一百 …) at the start of `s`: (value, bytes).
pub fn parse_cn_number(s: &str) -> Option<(u32, usize)> {
    let mut len = 0;
    for (i, c) in s.char_indices() {
        if !is_cn_numeral(c) || i >= 4 * 3 {
            break;
        }
        len = i + c.len_utf8();
    }
    if len == 0 {
        return None;
    }
    let digits = &s[..len];
    let mut total = 0u32;
    let mut current = 0u32;
    let mut last_was_digit = false;
    for c in digits.chars() {
        match c {
            '十' => {
                total += if current == 0 { 10 } else { current * 10 };
                current = 0;
                last_was_digit = false;
            }
            '百' => {
                total += current.max(1) * 100;
                current = 0;
                last_was_digit = false;
            }
            _ => {
                let d = cn_digit(c)?;
                // `一二` is not a number; `〇` only fills a place (`一百〇一`).
                if last_was_digit {
                    return None;
                }
                current = d;
                last_was_digit = d != 0;
            }
        }
    }
    let value = total + current;
    (value > 0).then_some((value, len))
}

/// Parse 1–3 ASCII or full-width digits at the start of `s`: (value, bytes).
fn parse_arabic(s: &str) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut len = 0;
    let mut count = 0;
    for (i, c) in s.char_indices() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            _ => break,
        };
        count += 1;
        if count > 3 {
            return None;
        }
        value = value * 10 + d;
        len = i + c.len_utf8();
    }
    (len > 0 && value > 0).then_some((value, len))
}

fn first_char(s: &str) -> Option<char> {
    s.chars().next()
}

fn is_open_paren(c: char) -> bool {
    matches!(c, '（' | '(')
}

fn is_close_paren(c: char) -> bool {
    matches!(c, '）' | ')')
}

fn is_digit_char(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// `一、二季度`, `一、二期工程`, `（一）、（二）两个标段`: an enumeration, not a heading.
fn starts_enumeration(rest: &str) -> bool {
    let mut chars = rest.chars();
    let enumerated = match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if is_cn_numeral(a) => "、季级类等档产线至到和或期号批轮届".contains(b),
        _ => false,
    };
    // Another marker right after this one lists markers: `（一）、（二）…`.
    enumerated || parse_heading_marker(rest.trim_start_matches(['、', '，', ','])).is_some()
}

fn marker(style: Style, ordinal: u32, s: &str, len_bytes: usize) -> Option<Marker> {
    Some(Marker {
        style,
        ordinal,
        len_bytes,
        len_chars: s[..len_bytes].chars().count(),
    })
}

/// Find a heading numbering marker at the very start of `s` (already left-trimmed).
pub fn parse_heading_marker(s: &str) -> Option<Marker> {
    let c0 = first_char(s)?;
    if is_open_paren(c0) {
        let inner = &s[c0.len_utf8()..];
        if let Some((n, len)) = parse_cn_number(inner) {
            let close = first_char(&inner[len..])?;
            if is_close_paren(close) {
                let end = c0.len_utf8() + len + close.len_utf8();
                if starts_enumeration(&s[end..]) {
                    return None;
                }
                return marker(Style::CnParen, n, s, end);
            }
        } else if let Some((n, len)) = parse_arabic(inner) {
            let close = first_char(&inner[len..])?;
            if is_close_paren(close) {
                let end = c0.len_utf8() + len + close.len_utf8();
                return marker(Style::ArabicParen, n, s, end);
            }
        }
        return None;
    }
    if matches!(c0, '［' | '[' | '【') {
        let inner = &s[c0.len_utf8()..];
        let (n, len) = parse_arabic(inner)?;
        let close = first_char(&inner[len..])?;
        if matches!(close, '］' | ']' | '】') {
            return marker(
                Style::ArabicBracket,
                n,
                s,
                c0.len_utf8() + len + close.len_utf8(),
            );
        }
        return None;
    }
    if ('①'..='⑳').contains(&c0) {
        return marker(Style::Circled, c0 as u32 - '①' as u32 + 1, s, c0.len_utf8());
    }
    if ('⑴'..='⒇').contains(&c0) {
        return marker(
            Style::ArabicParen,
            c0 as u32 - '⑴' as u32 + 1,
            s,
            c0.len_utf8(),
        );
    }
    if ('⒈'..='⒛').contains(&c0) {
        return marker(
            Style::ArabicDot,
            c0 as u32 - '⒈' as u32 + 1,
            s,
            c0.len_utf8(),
        );
    }
    if c0 == '第' {
        let inner = &s[c0.len_utf8()..];
        let (n, len) = parse_cn_number(inner).or_else(|| parse_arabic(inner))?;
        let after = &inner[len..];
        for unit in ["部分", "章", "节", "篇", "编"] {
            if after.starts_with(unit) {
                let unit_char = first_char(unit)?;
                return marker(
                    Style::Chapter(unit_char),
                    n,
                    s,
                    c0.len_utf8() + len + unit.len(),
                );
            }
        }
        return None;
    }
    if let Some((n, len)) = parse_cn_number(s) {
        let sep = first_char(&s[len..])?;
        // `一、`, or the full- or half-width stop some writers use instead (`一．`, `一.`).
        if matches!(sep, '、' | '．' | '.') {
            let end = len + sep.len_utf8();
            if starts_enumeration(&s[end..]) {
                return None;
            }
            return marker(Style::CnComma, n, s, end);
        }
        return None;
    }
    if let Some((n, len)) = parse_arabic(s) {
        let sep = first_char(&s[len..])?;
        if matches!(sep, '.' | '、' | '．') {
            let end = len + sep.len_utf8();
            // `2.5`, `3.5万元`, `2025.1`: a decimal, not a heading.
            match first_char(&s[end..]) {
                Some(c) if is_digit_char(c) || c == '%' || c == '％' => return None,
                _ => {}
            }
            return marker(Style::ArabicDot, n, s, end);
        }
    }
    None
}

/// Find an inline-point marker at the start of `s` (a sentence start).
pub fn parse_point_marker(s: &str) -> Option<PointMarker> {
    let comma_len = |rest: &str| match first_char(rest) {
        Some(c @ ('，' | ',' | '、' | '：' | ':')) => c.len_utf8(),
        _ => 0,
    };
    for (word, ordinal) in [("首先", 1), ("其次", 2), ("再次", 3), ("最后", LAST)] {
        if let Some(rest) = s.strip_prefix(word) {
            return Some(PointMarker {
                family: PointFamily::Shouxian,
                ordinal,
                shown_bytes: word.len(),
                skip_bytes: word.len() + comma_len(rest),
            });
        }
    }
    if let Some(rest) = s.strip_prefix('第') {
        let (n, len) = parse_cn_number(rest)?;
        let comma = comma_len(&rest[len..]);
        // `第一、二轮` enumerates rounds; it does not open a point.
        if comma == 0 || first_char(&rest[len + comma..]).is_some_and(is_cn_numeral) {
            return None;
        }
        let shown = '第'.len_utf8() + len;
        return Some(PointMarker {
            family: PointFamily::Diyi,
            ordinal: n,
            shown_bytes: shown,
            skip_bytes: shown + comma,
        });
    }
    let (n, len) = parse_cn_number(s)?;
    let rest = &s[len..];
    let suffix = if rest.starts_with("是要") {
        "是要".len()
    } else if rest.starts_with('是') || rest.starts_with('要') {
        '是'.len_utf8()
    } else {
        return None;
    };
    // `一是一、二是二` is an idiom, not a point.
    if first_char(&rest[suffix..]).is_some_and(is_cn_numeral) {
        return None;
    }
    let shown = len + suffix;
    Some(PointMarker {
        family: PointFamily::Ordinal,
        ordinal: n,
        shown_bytes: shown,
        skip_bytes: shown + comma_len(&s[shown..]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style_of(s: &str) -> Option<(Style, u32, &str)> {
        parse_heading_marker(s).map(|m| (m.style, m.ordinal, &s[..m.len_bytes]))
    }

    #[test]
    fn chinese_numbers() {
        for (s, v) in [
            ("一", 1),
            ("十", 10),
            ("十一", 11),
            ("二十", 20),
            ("二十三", 23),
            ("九十九", 99),
            ("一百", 100),
            ("一百〇一", 101),
        ] {
            assert_eq!(parse_cn_number(s).map(|x| x.0), Some(v), "{s}");
        }
        assert_eq!(parse_cn_number("一二"), None);
        assert_eq!(parse_cn_number("〇"), None);
    }

    #[test]
    fn heading_markers() {
        assert_eq!(style_of("一、坚持"), Some((Style::CnComma, 1, "一、")));
        assert_eq!(style_of("十二、坚持"), Some((Style::CnComma, 12, "十二、")));
        assert_eq!(style_of("一.总体要求"), Some((Style::CnComma, 1, "一.")));
        assert_eq!(
            style_of("一、三大攻坚战取得决定性成就"),
            Some((Style::CnComma, 1, "一、"))
        );
        assert_eq!(style_of("（三）把"), Some((Style::CnParen, 3, "（三）")));
        assert_eq!(style_of("(三)把"), Some((Style::CnParen, 3, "(三)")));
        assert_eq!(style_of("（三)把"), Some((Style::CnParen, 3, "（三)")));
        assert_eq!(style_of("1.优化"), Some((Style::ArabicDot, 1, "1.")));
        assert_eq!(style_of("12、优化"), Some((Style::ArabicDot, 12, "12、")));
        assert_eq!(style_of("１．优化"), Some((Style::ArabicDot, 1, "１．")));
        assert_eq!(
            style_of("（2）做实"),
            Some((Style::ArabicParen, 2, "（2）"))
        );
        assert_eq!(style_of("⑵做实"), Some((Style::ArabicParen, 2, "⑵")));
        assert_eq!(style_of("③用好"), Some((Style::Circled, 3, "③")));
        assert_eq!(
            style_of("［27］五个必须："),
            Some((Style::ArabicBracket, 27, "［27］"))
        );
        assert_eq!(
            style_of("第一章 总则"),
            Some((Style::Chapter('章'), 1, "第一章"))
        );
        assert_eq!(
            style_of("第三部分 重点任务"),
            Some((Style::Chapter('部'), 3, "第三部分"))
        );
    }

    #[test]
    fn heading_marker_traps() {
        for s in [
            "3.5万元",
            "2.5",
            "2025年",
            "2025.1",
            "12.5%",
            "一岗双责",
            "一、二季度",
            "一、二期工程建设",
            "一、二号线已经通车",
            "（一）、（二）两个标段",
            "（2026年）",
            "第一时间",
            "一是加强",
        ] {
            assert_eq!(style_of(s), None, "{s}");
        }
    }

    #[test]
    fn point_markers() {
        fn p(s: &str) -> Option<(PointFamily, u32, &str)> {
            parse_point_marker(s).map(|m| (m.family, m.ordinal, &s[..m.shown_bytes]))
        }
        assert_eq!(p("一是加强"), Some((PointFamily::Ordinal, 1, "一是")));
        assert_eq!(p("二要切实"), Some((PointFamily::Ordinal, 2, "二要")));
        assert_eq!(p("三是要坚持"), Some((PointFamily::Ordinal, 3, "三是要")));
        assert_eq!(p("第二，加强"), Some((PointFamily::Diyi, 2, "第二")));
        assert_eq!(p("首先，要"), Some((PointFamily::Shouxian, 1, "首先")));
        assert_eq!(p("最后，要"), Some((PointFamily::Shouxian, LAST, "最后")));
        for s in [
            "一岗双责",
            "一网通办",
            "一级带着一级干",
            "一是一、二是二",
            "第一时间",
            "第一、二轮督察",
        ] {
            assert_eq!(p(s), None, "{s}");
        }
    }
}
