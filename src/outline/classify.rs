//! Line roles before the outline: boilerplate (advertising, web residue, repeats),
//! the document title, front matter (subtitle, byline, date) and the salutation.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::marker::parse_heading_marker;
use crate::document::{Document, LineHint, SourceFormat};

/// What kind of boilerplate a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoilerplateKind {
    /// Advertising by whoever redistributed the document (QQ groups, memberships, …).
    Advertising,
    /// Residue of the web page it was copied from (menus, font-size buttons, source lines,
    /// photo captions, share buttons).
    WebResidue,
    /// A line repeated at the head and the tail of the document.
    Repeated,
}

/// The role a line plays in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineRole {
    /// An empty or white-space line.
    Blank,
    /// Not part of the document proper.
    Boilerplate(BoilerplateKind),
    /// The document title.
    Title,
    /// Subtitle, byline, date and the like, between the title and the body.
    FrontMatter,
    /// The salutation (`同志们：`) on a line of its own.
    Salutation,
    /// A line that opens an outline heading.
    Heading,
    /// Body text.
    Body,
}

/// Lines longer than this (in chars) are body paragraphs, never title or front matter.
const LONG_LINE_CHARS: usize = 80;
/// Advertising and residue lines are short.
const SHORT_LINE_CHARS: usize = 60;

/// The document title: one line, or a title wrapped over two.
#[derive(Clone, Debug)]
pub(super) struct TitleSpan {
    /// First and last line of the title.
    pub lines: (usize, usize),
    /// The title text (lines joined, an advertising suffix left out).
    pub text: String,
    /// Absolute byte range of the title in the document text.
    pub bytes: Range<usize>,
}

/// The result of classifying lines.
pub(super) struct Classified {
    /// One role per line (headings are still `Body` here).
    pub roles: Vec<LineRole>,
    /// Byte range of each line's content (see [`content_range`]).
    pub content: Vec<Range<usize>>,
    /// The title.
    pub title: Option<TitleSpan>,
    /// Line index and byte length (from the content start) of the salutation.
    pub salutation: Option<(usize, usize)>,
}

/// Trim white space (ASCII, U+3000 and the rest of Unicode's White_Space).
pub(super) fn trim_ws(s: &str) -> &str {
    s.trim()
}

/// Byte range (absolute, in `doc.text`) of a line's content: without surrounding white
/// space, and for Markdown without heading `#`s and a `**bold**` wrapper.
fn content_range(doc: &Document, idx: usize) -> Range<usize> {
    let line = &doc.lines[idx];
    let raw = doc.line_text(line);
    let mut start = line.byte_start + (raw.len() - raw.trim_start().len());
    // A blank line has its (empty) content at its end.
    let mut end = (line.byte_start + raw.trim_end().len()).max(start);
    if doc.format == SourceFormat::Markdown {
        let text = &doc.text[start..end];
        let mut inner = text;
        if matches!(line.hint, LineHint::Heading(_)) && inner.starts_with('#') {
            inner = inner.trim_start_matches('#').trim_start();
            let closed = inner.trim_end_matches('#');
            if closed.len() < inner.len()
                && (closed.is_empty() || closed.ends_with(char::is_whitespace))
            {
                inner = closed.trim_end();
            }
        }
        for wrap in ["**", "__"] {
            if inner.len() > 2 * wrap.len() && inner.starts_with(wrap) && inner.ends_with(wrap) {
                inner = inner[wrap.len()..inner.len() - wrap.len()].trim();
            }
        }
        let offset = inner.as_ptr() as usize - text.as_ptr() as usize;
        start += offset;
        end = start + inner.len();
    }
    start..end
}

fn char_len(s: &str) -> usize {
    // A char takes at most 4 bytes in UTF-8.
    if s.len() > 4 * 256 {
        256
    } else {
        s.chars().count().min(256)
    }
}

fn is_sentence_punct(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '，' | ',')
}

static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(\d{1,2}\s*[:：时]\s*\d{1,2}(\s*分|\s*[:：]\s*\d{1,2})?)?$")
        .expect("valid regex")
});

static META_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(来源|来源于|稿源|出处|作者|编辑|责任编辑|发布时间|发表时间|发布日期|更新时间|时间|日期|浏览次数|浏览量|阅读量|阅读次数|点击数|点击量|字号|字体|分享|分享到)\s*[:：]\s*(.{0,30})$")
        .expect("valid regex")
});

static HEX_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9a-fA-F]{16,}\s*[:：]?$").expect("valid regex"));

static CONTACT_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9]{5,}").expect("valid regex"));

/// Words of web-page chrome: menus, font-size and share buttons, navigation.
const RESIDUE_TOKENS: &[&str] = &[
    "下载",
    "打印",
    "全屏",
    "收藏",
    "字号",
    "字体",
    "加大",
    "还原",
    "减小",
    "默认",
    "大",
    "中",
    "小",
    "分享",
    "分享到",
    "分享到微信",
    "分享到微博",
    "微信",
    "微博",
    "QQ空间",
    "打印本页",
    "打印此页",
    "关闭窗口",
    "关闭本页",
    "关闭",
    "首页",
    "返回",
    "返回首页",
    "返回顶部",
    "当前位置",
    "您的位置",
    "我的位置",
    "您现在的位置",
    "上一篇",
    "下一篇",
    "相关报道",
    "相关文档",
    "相关附件",
    "相关链接",
    "相关阅读",
    "相关新闻",
    "扫一扫在手机打开当前页",
    "扫一扫",
    "评论",
    "点赞",
    "在看",
    "转发",
    "纠错",
    "打开",
    "保存",
    "TOP",
];

/// Strong signs of a redistributor's advertising.
const AD_WORDS: &[&str] = &[
    "QQ",
    "ＱＱ",
    "微信号",
    "公众号",
    "会员",
    "订阅",
    "禁止外传",
    "仅供学习",
    "仅供参考",
    "倒卖",
    "客服",
    "淘宝",
    "扫码",
    "VIP",
    "http",
    "www.",
    "咨询",
    "加群",
    "群号",
    "版权所有",
    "侵权必究",
    "付费",
    "微信",
    "整理",
];

fn is_chrome_symbol(c: char) -> bool {
    matches!(
        c,
        '【' | '】'
            | '['
            | ']'
            | '｜'
            | '|'
            | '>'
            | '<'
            | '》'
            | '《'
            | '：'
            | ':'
            | '·'
            | '•'
            | '×'
            | '/'
            | '-'
            | '—'
            | '_'
    ) || c.is_whitespace()
        || c == '\u{3000}'
}

/// A line made only of web-page chrome.
fn is_web_residue(t: &str) -> bool {
    if META_LABEL.is_match(t) || HEX_ID.is_match(t) {
        return true;
    }
    if TIMESTAMP.is_match(t) && (t.contains(':') || t.contains('：') || t.contains('时')) {
        return true;
    }
    let chars = char_len(t);
    if chars <= 30
        && t.contains("点击")
        && (t.contains("进入") || t.contains("查看") || t.contains("这里"))
    {
        return true;
    }
    if chars > SHORT_LINE_CHARS {
        return false;
    }
    let mut any_token = false;
    for token in t.split(is_chrome_symbol).filter(|s| !s.is_empty()) {
        if !RESIDUE_TOKENS.contains(&token) {
            return false;
        }
        any_token = true;
    }
    // A line of only symbols (`】`, `|`, `>`, a lone `×` close button) is residue too.
    any_token || t.chars().all(is_chrome_symbol)
}

/// A photo caption: `…本报记者 戴冰摄`, `…日报记者 盛学卿`.
fn is_caption(t: &str) -> bool {
    if char_len(t) > 150 {
        return false;
    }
    let tail: String = {
        let chars: Vec<char> = t.chars().collect();
        chars[chars.len().saturating_sub(14)..].iter().collect()
    };
    let ends_credit = ["摄", "摄影", "供图"].iter().any(|w| t.ends_with(w));
    if ends_credit && (tail.contains("记者") || tail.contains(' ') || tail.contains('\u{3000}')) {
        return true;
    }
    if let Some(pos) = t.rfind("记者") {
        let after = &t[pos + "记者".len()..];
        return char_len(after) <= 10
            && !after.chars().any(is_sentence_punct)
            && !after.contains('：');
    }
    false
}

fn has_ad_word(t: &str) -> bool {
    AD_WORDS.iter().any(|w| t.contains(w))
}

/// `同志们：`, `各位代表：`, `尊敬的各位来宾：` — returns the salutation's byte length.
pub(super) fn salutation_len(t: &str) -> Option<usize> {
    const ADDRESS: &[&str] = &[
        "同志",
        "代表",
        "委员",
        "来宾",
        "朋友",
        "女士",
        "先生",
        "老师",
        "同学",
        "领导",
        "各位",
        "大家",
        "尊敬的",
        "亲爱的",
        "嘉宾",
    ];
    let end = t.find(['：', ':'])?;
    let head = &t[..end];
    if head.is_empty()
        || char_len(head) > 20
        || head
            .chars()
            .any(|c| is_sentence_punct(c) && c != '，' && c != ',')
    {
        return None;
    }
    if !ADDRESS.iter().any(|w| head.contains(w)) {
        return None;
    }
    Some(end + t[end..].chars().next().map_or(0, char::len_utf8))
}

/// Lines that belong to front matter and can never be the title.
fn is_front_matter_line(t: &str) -> bool {
    t.starts_with('—')
        || t.starts_with('－')
        || t.starts_with("--")
        || TIMESTAMP.is_match(t)
        || ((t.starts_with('（') || t.starts_with('(')) && (t.ends_with('）') || t.ends_with(')')))
}

fn is_heading_like(t: &str) -> bool {
    parse_heading_marker(t).is_some()
}

/// Classify every line of `doc`.
pub(super) fn classify(doc: &Document) -> Classified {
    let n = doc.lines.len();
    let content: Vec<Range<usize>> = (0..n).map(|i| content_range(doc, i)).collect();
    let texts: Vec<&str> = content.iter().map(|r| &doc.text[r.clone()]).collect();
    let mut roles: Vec<LineRole> = texts
        .iter()
        .map(|t| {
            if t.is_empty() {
                LineRole::Blank
            } else {
                LineRole::Body
            }
        })
        .collect();
    let long = |i: usize| char_len(texts[i]) > LONG_LINE_CHARS;

    // Where the body starts at the latest: a salutation, a numbered heading or a long paragraph.
    let head_end = (0..n)
        .find(|&i| {
            let t = texts[i];
            !t.is_empty()
                && (salutation_len(t).is_some()
                    || is_heading_like(t)
                    || matches!(doc.lines[i].hint, LineHint::Heading(_))
                    || long(i))
        })
        .unwrap_or(n);
    // Where the tail starts: after the last long paragraph, or the last few lines of a
    // document made only of short ones.
    let after_last_long = (0..n).rev().find(|&i| long(i)).map(|i| i + 1);
    let tail_start = after_last_long.unwrap_or(n.saturating_sub(5)).max(head_end);
    let in_edge = |i: usize| i < head_end || i >= tail_start;

    mark_residue(&texts, &mut roles);
    // A 公文 title names its genre (…的讲话, …工作报告); find it before advertising is marked,
    // so that a title with an advertising suffix or no blank line around it is never lost.
    let mut title = find_title(doc, &texts, &content, &roles, head_end, true);
    let is_title = |i: usize, title: &Option<TitleSpan>| {
        title
            .as_ref()
            .is_some_and(|t| (t.lines.0..=t.lines.1).contains(&i))
    };
    for i in 0..n {
        let t = texts[i];
        if roles[i] == LineRole::Body
            && !is_title(i, &title)
            && char_len(t) <= SHORT_LINE_CHARS
            && has_ad_word(t)
            && !is_heading_like(t)
            && (in_edge(i) || CONTACT_NUMBER.is_match(t))
        {
            roles[i] = LineRole::Boilerplate(BoilerplateKind::Advertising);
        }
    }
    let keep = title.as_ref().map_or(0..0, |t| t.lines.0..t.lines.1 + 1);
    expand_ad_blocks(&mut roles, 0, head_end.min(n), &keep);
    expand_ad_blocks(&mut roles, tail_start, n, &keep);
    if title.is_none() {
        title = find_title(doc, &texts, &content, &roles, head_end, false);
    }
    // Head/tail stamps are looked for only after the body proper (its last long paragraph).
    if let Some(tail) = after_last_long {
        mark_repeats(
            &texts,
            &mut roles,
            title.as_ref().map(|t| t.lines),
            head_end,
            tail.max(head_end),
        );
    }

    // Salutation: the first one before the body proper.
    let scan_from = title.as_ref().map_or(0, |t| t.lines.1 + 1);
    let mut salutation = None;
    let mut body_start = head_end.max(scan_from);
    for i in scan_from..n {
        if roles[i] != LineRole::Body {
            continue;
        }
        if let Some(len) = salutation_len(texts[i]).filter(|_| doc.lines[i].hint == LineHint::None)
        {
            salutation = Some((i, len));
            if len == texts[i].len() {
                roles[i] = LineRole::Salutation;
                body_start = i + 1;
            } else {
                body_start = i;
            }
            break;
        }
        if i >= head_end {
            break;
        }
    }
    if let Some(t) = &title {
        for role in &mut roles[t.lines.0..=t.lines.1] {
            *role = LineRole::Title;
        }
    }
    for role in roles.iter_mut().take(body_start) {
        if *role == LineRole::Body {
            *role = LineRole::FrontMatter;
        }
    }
    Classified {
        roles,
        content,
        title,
        salutation,
    }
}

fn mark_residue(texts: &[&str], roles: &mut [LineRole]) {
    let residue = LineRole::Boilerplate(BoilerplateKind::WebResidue);
    let mut i = 0;
    while i < texts.len() {
        let t = texts[i];
        if roles[i] == LineRole::Body
            && (is_web_residue(t) || (is_caption(t) && !is_heading_like(t)))
        {
            roles[i] = residue;
            // `来源：` alone: its value sits on the next line.
            if META_LABEL
                .captures(t)
                .is_some_and(|c| c.get(2).is_none_or(|v| v.is_empty()))
                && let Some(next) = texts.get(i + 1)
                && !next.is_empty()
                && char_len(next) <= 20
                && !next.chars().any(is_sentence_punct)
            {
                roles[i + 1] = residue;
                i += 1;
            } else if HEX_ID.is_match(t)
                && let Some(next) = texts.get(i + 1)
                && char_len(next) <= SHORT_LINE_CHARS
            {
                // A related-link id, then the linked page's title.
                roles[i + 1] = residue;
                i += 1;
            }
        }
        i += 1;
    }
    // Menus: three or more very short lines in a row.
    let is_tiny = |t: &str| {
        !t.is_empty()
            && char_len(t) <= 4
            && !t.chars().any(is_sentence_punct)
            && !is_heading_like(t)
    };
    let mut start = 0;
    while start < texts.len() {
        if !is_tiny(texts[start]) {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < texts.len() && is_tiny(texts[end]) {
            end += 1;
        }
        if end - start >= 3 {
            for role in &mut roles[start..end] {
                if *role == LineRole::Body {
                    *role = residue;
                }
            }
        }
        start = end;
    }
}

/// In the head or tail, a block of lines (between blank lines) that is at least a third
/// advertising is advertising as a whole.
fn expand_ad_blocks(roles: &mut [LineRole], from: usize, to: usize, keep: &Range<usize>) {
    let ad = LineRole::Boilerplate(BoilerplateKind::Advertising);
    let mut i = from;
    while i < to {
        if roles[i] == LineRole::Blank {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < to && roles[end] != LineRole::Blank {
            end += 1;
        }
        let ads = roles[i..end].iter().filter(|r| **r == ad).count();
        if ads > 0 && ads * 3 >= end - i {
            for (j, role) in roles.iter_mut().enumerate().take(end).skip(i) {
                if *role == LineRole::Body && !keep.contains(&j) {
                    *role = ad;
                }
            }
        }
        i = end;
    }
}

/// Document genres (文种) that end the title of a speech or official document.
const GENRES: &[&str] = &[
    "讲话",
    "报告",
    "发言",
    "致辞",
    "讲稿",
    "意见",
    "通知",
    "决定",
    "方案",
    "规划",
    "纲要",
    "总结",
    "提纲",
    "汇报",
    "党课",
    "演讲",
    "贺信",
    "主持词",
    "述职",
    "体会",
    "办法",
    "规定",
    "条例",
    "细则",
    "通报",
    "请示",
    "批复",
    "函",
    "纪要",
    "公告",
    "通告",
    "决议",
    "议案",
    "倡议书",
    "讲话稿",
    "发言稿",
    "工作要点",
];

/// A bracketed suffix such as `（会员专享）` that advertises rather than titles.
fn ad_suffix_start(t: &str) -> Option<usize> {
    let body = t.trim_end_matches(['）', ')', '】', ']']);
    if body.len() == t.len() {
        return None;
    }
    let open = body.rfind(['（', '(', '【', '['])?;
    has_ad_word(&t[open..]).then_some(open)
}

fn is_genre_title(t: &str) -> bool {
    let t = &t[..ad_suffix_start(t).unwrap_or(t.len())];
    let t = t.trim_end_matches(['）', ')']);
    GENRES.iter().any(|g| t.ends_with(g))
}

fn is_title_candidate(t: &str) -> bool {
    char_len(t) <= SHORT_LINE_CHARS
        && !t.ends_with('。')
        && !is_front_matter_line(t)
        && salutation_len(t).is_none()
        && !is_heading_like(t)
}

fn find_title(
    doc: &Document,
    texts: &[&str],
    content: &[Range<usize>],
    roles: &[LineRole],
    head_end: usize,
    genre_only: bool,
) -> Option<TitleSpan> {
    let line = if let Some(i) = doc.lines.iter().position(|l| l.hint == LineHint::Title) {
        i
    } else {
        let limit = if head_end == 0 { 1 } else { head_end };
        (0..limit.min(texts.len())).find(|&i| {
            roles[i] == LineRole::Body
                && is_title_candidate(texts[i])
                && (!genre_only || is_genre_title(texts[i]))
        })?
    };
    // A title wrapped over two lines: a short unpunctuated line right before the genre line.
    let first = match line.checked_sub(1) {
        Some(p)
            if genre_only
                && roles[p] == LineRole::Body
                && is_title_candidate(texts[p])
                && char_len(texts[p]) <= 30
                && !texts[p]
                    .chars()
                    .any(|c| is_sentence_punct(c) || matches!(c, '：' | ':'))
                && !is_genre_title(texts[p]) =>
        {
            p
        }
        _ => line,
    };
    let last_text = texts[line];
    let cut = ad_suffix_start(last_text).unwrap_or(last_text.len());
    let end = content[line].start + trim_ws(&last_text[..cut]).len();
    let text: String = (first..=line)
        .map(|i| {
            if i == line {
                trim_ws(&last_text[..cut])
            } else {
                texts[i]
            }
        })
        .collect();
    Some(TitleSpan {
        lines: (first, line),
        text,
        bytes: content[first].start..end,
    })
}

/// Lines found both at the head and at the tail are the redistributor's stamp.
fn mark_repeats(
    texts: &[&str],
    roles: &mut [LineRole],
    title_lines: Option<(usize, usize)>,
    head_end: usize,
    tail_start: usize,
) {
    let n = texts.len();
    let key = |t: &str| -> String {
        let t = salutation_len(t).map_or(t, |len| trim_ws(&t[len..]));
        t.to_owned()
    };
    let head_limit = (head_end + 3).min(n).min(tail_start);
    let mut head: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, t) in texts.iter().enumerate().take(head_limit) {
        if char_len(t) >= 4 {
            head.entry(key(t)).or_default().push(i);
        }
    }
    let repeated = LineRole::Boilerplate(BoilerplateKind::Repeated);
    for i in tail_start.max(head_limit)..n {
        if texts[i].is_empty() {
            continue;
        }
        let Some(firsts) = head.get(&key(texts[i])) else {
            continue;
        };
        if !matches!(roles[i], LineRole::Boilerplate(_)) {
            roles[i] = repeated;
        }
        for &f in firsts {
            let in_title = title_lines.is_some_and(|(a, b)| (a..=b).contains(&f));
            if !in_title && roles[f] == LineRole::Body && f < head_end {
                roles[f] = repeated;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residue_lines() {
        for t in [
            "下载",
            "【字号：",
            "】",
            "分享到:",
            "来源：北京日报",
            "时间：2026-02-02",
            "2026-02-09 09:45:30",
            "abcd39f1fb7f426d9dfb6bd0fa1f2146:",
            "》》点击图片进入专题《《",
            "打印本页",
            "×",
            "|",
        ] {
            assert!(is_web_residue(t), "{t}");
        }
        for t in [
            "一、2025年工作回顾",
            "政府工作报告",
            "各位代表：",
            "（2026年3月12日）",
        ] {
            assert!(!is_web_residue(t), "{t}");
        }
    }

    #[test]
    fn captions() {
        assert!(is_caption("殷勇同志作政府工作报告。本报记者 戴冰摄"));
        assert!(is_caption(
            "任振鹤作政府工作报告。新甘肃·甘肃日报记者 盛学卿"
        ));
        assert!(!is_caption("我们要加强与新闻记者的沟通，讲好发展故事。"));
    }

    #[test]
    fn salutations() {
        assert_eq!(salutation_len("同志们："), Some("同志们：".len()));
        assert_eq!(
            salutation_len("各位代表：现在，我代表"),
            Some("各位代表：".len())
        );
        assert_eq!(salutation_len("重点抓好八个方面工作："), None);
        assert_eq!(salutation_len("会员群：   免费QQ群："), None);
    }
}
