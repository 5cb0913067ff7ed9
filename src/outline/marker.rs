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
    /// `第一章`, `第一节`, `第一部分`, `第一篇`, `第一编`, `第一讲`, `第一个问题` (the char
    /// names the unit: 章, 节, 部, 篇, 编, 讲, 问).
    Chapter(char),
    /// `第一条`: an article of a law or regulation, numbered through the whole text.
    Article,
    /// `1.1`, `1.1.1`, `1．1` (and a bare `1` before a short title): decimal numbering, the
    /// number of its parts (1–4).
    Decimal(u8),
    /// `第一、`: a heading numbered with 第 and an enumeration comma.
    DiyiComma,
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
    /// For [`Style::Decimal`], the number before the last part (`2` in `2.3`), else 0.
    pub prefix: u32,
    /// For [`Style::Article`]: white space or a bracketed title follows the marker (`第一条　为了`),
    /// as in every printed law; `第一条为了` is an article only where the numbering fits.
    pub spaced: bool,
    /// For [`Style::Article`]: an article inserted by an amendment (`第十条之一`), which keeps
    /// the number of the article before it.
    pub inserted: bool,
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
    /// `①`, `②` inside a paragraph.
    Circled,
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
    cn_digit(c).is_some() || matches!(c, '十' | '百' | '千')
}

/// Parse a Chinese numeral (一 … 九十九, 一百 …) at the start of `s`: (value, bytes).
pub fn parse_cn_number(s: &str) -> Option<(u32, usize)> {
    let mut len = 0;
    for (i, c) in s.char_indices() {
        // Up to eight chars: `一千一百六十四`.
        if !is_cn_numeral(c) || i >= 8 * 3 {
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
            '千' => {
                total += current.max(1) * 1000;
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
    enumerated || lists_markers(rest)
}

/// Another marker right after this one lists markers: `（一）、（二）两个标段`; a unit of a
/// law does not (`二、第二十条增加一款` is item two of an amending decision).
fn lists_markers(rest: &str) -> bool {
    parse_heading_marker(rest.trim_start_matches(['、', '，', ',']))
        .is_some_and(|m| !matches!(m.style, Style::Article | Style::Chapter(_)))
}

fn marker(style: Style, ordinal: u32, s: &str, len_bytes: usize) -> Option<Marker> {
    Some(Marker {
        style,
        ordinal,
        len_bytes,
        len_chars: s[..len_bytes].chars().count(),
        prefix: 0,
        spaced: false,
        inserted: false,
    })
}

/// Chars that never stand between a marker and its title: what follows a number that is a
/// quantity (`1.5万亿元`, `6.5级`, `2.1倍`, `3.2%`).
fn is_unit_char(c: char) -> bool {
    "万亿千百十元角分%％倍个米吨度级岁年月日天周时秒公里亩户人次件项家座台辆条所名位只头斤克升余多左右以上下兆毫厘号期批届轮"
        .contains(c)
}

/// White space that may separate a marker from its title (`1.1　编制目的`).
fn is_gap(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// `1.1`, `1．1．1`, `2.3.4.1` at the start of `s`: the decimal heading marker, if a title
/// (not a unit: `1.5万亿元`) follows.
fn parse_decimal(s: &str) -> Option<Marker> {
    let mut parts: Vec<u32> = Vec::new();
    let mut end = 0;
    loop {
        let (n, len) = parse_arabic_with_zero(&s[end..])?;
        parts.push(n);
        end += len;
        match first_char(&s[end..]) {
            Some(c @ ('.' | '．')) => {
                let after = &s[end + c.len_utf8()..];
                if first_char(after).is_some_and(is_digit_char) && parts.len() < 4 {
                    end += c.len_utf8();
                } else {
                    // `1.1.` ends with a stop of its own: part of the marker.
                    if parts.len() >= 2 {
                        end += c.len_utf8();
                    }
                    break;
                }
            }
            _ => break,
        }
    }
    if parts.len() < 2 || parts[0] == 0 || parts[parts.len() - 1] == 0 {
        return None;
    }
    // A title follows: after white space, or a word or an opening quote right away
    // (`1.1编制目的`, `2.3“两重”建设`); never a unit, a digit or a sign (`21.5+2`).
    match first_char(&s[end..]) {
        Some(c) if is_gap(c) => {}
        Some(c) if is_unit_char(c) => return None,
        Some(c)
            if ('\u{4E00}'..='\u{9FFF}').contains(&c)
                || matches!(c, '“' | '《' | '（' | '【' | '"') => {}
        _ => return None,
    }
    let k = u8::try_from(parts.len()).ok()?;
    let mut m = marker(Style::Decimal(k), parts[parts.len() - 1], s, end)?;
    m.prefix = parts[parts.len() - 2];
    Some(m)
}

/// A bare `1` followed by white space (`1　总则`): the top level of decimal numbering, which
/// only the document's own `1.1` headings make a heading (see the builder).
pub fn parse_bare_decimal(s: &str) -> Option<Marker> {
    let (n, len) = parse_arabic(s)?;
    let gap = first_char(&s[len..]).filter(|&c| is_gap(c))?;
    let title = s[len + gap.len_utf8()..].trim_start_matches(is_gap);
    let c = first_char(title)?;
    if is_digit_char(c) || is_unit_char(c) || c.is_ascii_punctuation() {
        return None;
    }
    marker(Style::Decimal(1), n, s, len)
}

/// `20.2026年…`, `21.5+2…`: `N.` before a digit, which only the next number of an open list
/// makes a heading (see the builder); never before a decimal's unit or `%`.
pub fn parse_dot_before_digit(s: &str) -> Option<Marker> {
    let (n, len) = parse_arabic(s)?;
    let sep = first_char(&s[len..]).filter(|&c| matches!(c, '.' | '．'))?;
    let end = len + sep.len_utf8();
    let after = &s[end..];
    let digits = after.chars().take_while(|&c| is_digit_char(c)).count();
    let next = after.chars().nth(digits);
    if digits == 0 || next.is_some_and(|c| matches!(c, '%' | '％' | '.' | '．')) {
        return None;
    }
    // `3.5万元` is a quantity; `20.2026年10件民生实事` is item 20 on the year 2026.
    if digits < 4 && next.is_some_and(is_unit_char) {
        return None;
    }
    marker(Style::ArabicDot, n, s, end)
}

/// [`parse_arabic`], also reading `0` (a part of `1.0`) — 1–3 digits.
fn parse_arabic_with_zero(s: &str) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut len = 0;
    for (count, (i, c)) in s.char_indices().enumerate() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            _ => break,
        };
        if count >= 3 {
            return None;
        }
        value = value * 10 + d;
        len = i + c.len_utf8();
    }
    (len > 0).then_some((value, len))
}

/// `第十条`, `第十条之一` ending at byte `end` of `s`, with what follows it.
fn article(s: &str, n: u32, mut end: usize) -> Option<Marker> {
    let mut inserted = false;
    if let Some(rest) = s[end..].strip_prefix('之')
        && let Some((_, len)) = parse_cn_number(rest)
    {
        end += '之'.len_utf8() + len;
        inserted = true;
    }
    let spaced = match first_char(&s[end..]) {
        None => true,
        Some(c) => is_gap(c) || matches!(c, '【' | '［' | '[' | '〔'),
    };
    let mut m = marker(Style::Article, n, s, end)?;
    m.spaced = spaced;
    m.inserted = inserted;
    Some(m)
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
                // `（五）一等秘书` is item five; only `（一）、（二）…` lists markers.
                if lists_markers(&s[end..]) {
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
        for (unit, unit_char) in [
            ("部分", '部'),
            ("章", '章'),
            ("节", '节'),
            ("篇", '篇'),
            ("编", '编'),
            ("讲", '讲'),
            ("个问题", '问'),
            ("分编", '分'),
        ] {
            if after.starts_with(unit) {
                return marker(
                    Style::Chapter(unit_char),
                    n,
                    s,
                    c0.len_utf8() + len + unit.len(),
                );
            }
        }
        // `第四百一十四 条`: a stray space before 条 (an article only where the numbering
        // goes on: see the builder).
        let article_rest = after.strip_prefix('条').or_else(|| {
            after
                .strip_prefix([' ', '\u{3000}'])
                .and_then(|a| a.strip_prefix('条'))
                .filter(|rest| !first_char(rest).is_some_and(is_gap))
        });
        if let Some(rest) = article_rest {
            return article(s, n, s.len() - rest.len());
        }
        // `第一、加强领导`: a heading, unless it enumerates (`第一、二轮督察`).
        if after.starts_with('、') {
            let end = c0.len_utf8() + len + '、'.len_utf8();
            if first_char(&s[end..]).is_none_or(is_cn_numeral) || starts_enumeration(&s[end..]) {
                return None;
            }
            return marker(Style::DiyiComma, n, s, end);
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
    if let Some(m) = parse_decimal(s) {
        return Some(m);
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
    if let Some(c) = first_char(s).filter(|c| ('①'..='⑳').contains(c)) {
        let shown = c.len_utf8();
        return Some(PointMarker {
            family: PointFamily::Circled,
            ordinal: c as u32 - '①' as u32 + 1,
            shown_bytes: shown,
            skip_bytes: shown + comma_len(&s[shown..]),
        });
    }
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
            ("一百一十一", 111),
            ("一千二百六十", 1260),
            ("一千零一", 1001),
            ("一千一百六十四", 1164),
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
    fn articles_decimals_and_more_part_markers() {
        let article = |s: &str| parse_heading_marker(s).map(|m| (m.ordinal, m.spaced, m.inserted));
        assert_eq!(
            style_of("第十二条　本条例自公布之日起施行。"),
            Some((Style::Article, 12, "第十二条"))
        );
        assert_eq!(article("第一条 为了规范"), Some((1, true, false)));
        assert_eq!(article("第一条【立法目的】为了"), Some((1, true, false)));
        assert_eq!(article("第一条为了规范"), Some((1, false, false)));
        assert_eq!(article("第十条之一　运营单位"), Some((10, true, true)));
        assert_eq!(article("第四百一十四 条报请"), Some((414, false, false)));
        assert_eq!(
            style_of("第一百三十三条之一 在道路上"),
            Some((Style::Article, 133, "第一百三十三条之一"))
        );
        assert_eq!(
            style_of("第二个问题：扎实做好"),
            Some((Style::Chapter('问'), 2, "第二个问题"))
        );
        assert_eq!(
            style_of("第三讲 党的建设"),
            Some((Style::Chapter('讲'), 3, "第三讲"))
        );
        assert_eq!(
            style_of("第一、稳定粮食生产"),
            Some((Style::DiyiComma, 1, "第一、"))
        );
        assert_eq!(style_of("第一、二轮督察"), None);
        assert_eq!(
            style_of("二、第二十条增加一款，作为第二款"),
            Some((Style::CnComma, 2, "二、"))
        );
        assert_eq!(
            style_of("（三）第五章修改为"),
            Some((Style::CnParen, 3, "（三）"))
        );
        fn decimal(s: &str) -> Option<(Style, u32, u32, &str)> {
            parse_heading_marker(s).map(|m| (m.style, m.prefix, m.ordinal, &s[..m.len_bytes]))
        }
        assert_eq!(
            decimal("1.1 编制目的"),
            Some((Style::Decimal(2), 1, 1, "1.1"))
        );
        assert_eq!(
            decimal("1．2　编制依据"),
            Some((Style::Decimal(2), 1, 2, "1．2"))
        );
        assert_eq!(
            decimal("3.1.2 大型灾害响应"),
            Some((Style::Decimal(3), 1, 2, "3.1.2"))
        );
        assert_eq!(
            decimal("2.10编制说明"),
            Some((Style::Decimal(2), 2, 10, "2.10"))
        );
        for s in [
            "1.5万亿元的投资",
            "2.5倍于上年",
            "6.5级地震",
            "3.2%",
            "2024.1.5",
            "1.2",
            "5.5%左右",
        ] {
            assert_eq!(parse_heading_marker(s), None, "{s}");
        }
        let bare = |s: &str| parse_bare_decimal(s).map(|m| (m.style, m.ordinal));
        assert_eq!(bare("1　总则"), Some((Style::Decimal(1), 1)));
        assert_eq!(bare("2 组织指挥体系"), Some((Style::Decimal(1), 2)));
        assert_eq!(bare("2 000 万元"), None);
        assert_eq!(bare("3 个方面"), None);
        let dot = |s: &str| parse_dot_before_digit(s).map(|m| m.ordinal);
        assert_eq!(dot("20.2026年10件民生实事"), Some(20));
        assert_eq!(dot("21.5+2就业之家"), Some(21));
        assert_eq!(dot("3.5万元"), None);
        assert_eq!(dot("5.5%左右"), None);
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
        assert_eq!(p("②建立台账"), Some((PointFamily::Circled, 2, "②")));
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
