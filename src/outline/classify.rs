//! Line roles before the outline: boilerplate (advertising, web residue, repeats),
//! the document title, front matter (subtitle, byline, date) and the salutation.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::marker::{parse_bare_decimal, parse_heading_marker};
use super::meta::{self, Found};
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
    /// Document metadata: YAML front matter, a gov.cn block (`索引号：…`), a 公文 header
    /// (`国发〔2024〕1号`, the 主送机关) or end matter (署名, 成文日期, `（此件公开发布）`).
    Metadata,
    /// A table of contents (`目录` and its entries) before the body.
    Contents,
    /// A line that opens an outline heading.
    Heading,
    /// Body text.
    Body,
}

/// Lines longer than this (in chars) are body paragraphs, never title or front matter.
const LONG_LINE_CHARS: usize = 80;
/// Advertising and residue lines are short.
const SHORT_LINE_CHARS: usize = 60;
/// The longest title (a judicial interpretation's can run to a hundred chars).
const LONG_TITLE_CHARS: usize = 120;

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
    /// The hint of every line: the format's, or `#` headings of a `.txt` that is Markdown.
    pub hints: Vec<LineHint>,
    /// Document metadata, in document order.
    pub metadata: Vec<Found>,
    /// First and last line of a table of contents.
    pub contents: Option<(usize, usize)>,
    /// The titles of the documents of a compilation (汇编), in order; empty for one document.
    pub documents: Vec<TitleSpan>,
}

/// Chars that take no room and are no text: zero-width spaces and joiners, the byte-order
/// mark, the word joiner, the soft hyphen.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
    )
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// Trim white space (ASCII, U+3000 and the rest of Unicode's White_Space) and invisible chars.
pub(super) fn trim_ws(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Byte range (absolute, in `doc.text`) of a line's content: without surrounding white
/// space and invisible chars, and for Markdown without heading `#`s and a `**bold**` wrapper.
fn content_range(doc: &Document, idx: usize, hint: LineHint, markdown: bool) -> Range<usize> {
    let line = &doc.lines[idx];
    let raw = doc.line_text(line);
    let mut start = line.byte_start + (raw.len() - raw.trim_start_matches(is_space).len());
    // A blank line has its (empty) content at its end.
    let mut end = (line.byte_start + raw.trim_end_matches(is_space).len()).max(start);
    if markdown {
        let text = &doc.text[start..end];
        let mut inner = text;
        if matches!(hint, LineHint::Heading(_)) && inner.starts_with('#') {
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

/// `# 标题` … `###### 标题`: an ATX heading of a `.txt` that is Markdown.
fn atx_level(t: &str) -> Option<u8> {
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    let rest = &t[hashes..];
    ((1..=6).contains(&hashes) && rest.starts_with([' ', '\t']) && !rest.trim().is_empty())
        .then(|| u8::try_from(hashes).unwrap_or(6))
}

/// The hint of every line. A plain-text file that is really Markdown (YAML front matter, or
/// at least two `#` headings outside code fences) gets its `#` lines as headings.
fn line_hints(doc: &Document) -> (Vec<LineHint>, bool) {
    let mut hints: Vec<LineHint> = doc.lines.iter().map(|l| l.hint).collect();
    if doc.format != SourceFormat::Text {
        return (hints, doc.format == SourceFormat::Markdown);
    }
    let mut fence = false;
    let mut found = Vec::new();
    let mut front_matter = false;
    for (i, line) in doc.lines.iter().enumerate() {
        let t = doc.line_text(line);
        let first = t.as_bytes().first().copied();
        if !matches!(first, Some(b'#' | b'`' | b'~' | b'-')) {
            continue;
        }
        let t = t.trim_end();
        if i == 0 && t == "---" {
            front_matter = true;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
        } else if !fence && let Some(level) = atx_level(t) {
            found.push((i, level));
        }
    }
    let markdown = found.len() >= 2 || (front_matter && !found.is_empty());
    if markdown {
        for (i, level) in found {
            hints[i] = LineHint::Heading(level);
        }
    }
    (hints, markdown)
}

/// Whether `s` has more than `n` chars, without counting them when its length in bytes
/// already tells (a char takes one to four bytes).
fn longer_than(s: &str, n: usize) -> bool {
    if s.len() <= n {
        false
    } else if s.len() > 4 * n {
        true
    } else {
        // Chars are the bytes that do not continue one (counted a word at a time).
        s.bytes().filter(|&b| (b as i8) >= -0x40).count() > n
    }
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
    Regex::new(r"^[（(【\[]?\s*(来源|来源于|稿源|稿件来源|文章来源|信息来源|图片来源|出处|作者|编辑|责编|责任编辑|审核|校对|发布时间|发表时间|发布日期|更新时间|时间|日期|浏览次数|浏览量|阅读量|阅读次数|点击数|点击量|访问量|字号|字体|分享|分享到|分类|隐藏分类)\s*[:：]\s*([^（(【\[）)】\]]{0,30}?)\s*[）)】\]]?$")
        .expect("valid regex")
});

/// `首页 > 政务公开 > 政策文件`, `当前位置：首页 > …`: a breadcrumb trail.
fn is_breadcrumb(t: &str) -> bool {
    if [
        "当前位置",
        "您的位置",
        "您现在的位置",
        "所在位置",
        "我的位置",
    ]
    .iter()
    .any(|w| t.starts_with(w))
    {
        return true;
    }
    if t.len() > 240 || !t.contains(['>', '›', '»', '＞', '→']) {
        return false;
    }
    let mut parts = 0;
    for p in t.split(['>', '›', '»', '＞', '→']).map(str::trim) {
        if char_len(p) > 16 || p.chars().any(is_sentence_punct) {
            return false;
        }
        parts += 1;
    }
    parts >= 3
}

/// The licence and provenance tail of a wiki copy: `本作品在全世界都属于公有领域…`,
/// `Public domain`, `取自“https://zh.wikisource.org/…”`, `姊妹计划：数据项`.
fn is_licence_line(t: &str) -> bool {
    const MARKS: &[&str] = &[
        "Public domain",
        "public domain",
        "CC BY",
        "CC-BY",
        "CC0",
        "维基文库",
        "维基百科",
        "Wikisource",
        "wikisource",
        "wikipedia",
        "本页面最后修订",
        "隐藏分类",
        "姊妹计划",
        "GNU自由文档",
    ];
    if MARKS.iter().any(|w| t.contains(w)) || t.starts_with("取自“") || t.starts_with("取自\"")
    {
        return true;
    }
    ["本作品", "此作品", "这部作品", "该作品"]
        .iter()
        .any(|w| t.contains(w))
        && [
            "公有领域",
            "著作权法",
            "版权",
            "许可协议",
            "授权条款",
            "知识共享",
        ]
        .iter()
        .any(|w| t.contains(w))
        && !is_heading_like(t)
}

/// `上一篇：…`, `相关阅读：`: links to other pages.
fn is_link_line(t: &str) -> bool {
    [
        "上一篇",
        "下一篇",
        "上一条",
        "下一条",
        "相关阅读",
        "推荐阅读",
        "延伸阅读",
        "相关文章",
        "相关新闻",
        "热点推荐",
        "猜你喜欢",
        "更多阅读",
    ]
    .iter()
    .any(|w| {
        t.strip_prefix(w).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(['：', ':', ' ', '　', '》', '>'])
        })
    })
}

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
    "复制链接",
    "复制",
    "手机版",
    "扫码",
    "微信扫一扫",
    "扫一扫分享",
    "打印文章",
    "收藏本页",
    "字体大小",
    "视力保护色",
    "护眼模式",
    "背景色",
    "关闭本窗口",
    "打印正文",
    "【打印】",
    "A+",
    "A-",
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
#[cfg(test)]
fn is_web_residue(t: &str) -> bool {
    is_web_residue_of(t, char_len(t))
}

/// [`is_web_residue`] of a line of `chars` chars.
fn is_web_residue_of(t: &str, chars: usize) -> bool {
    // Chrome is short: a paragraph is none (and costs no regex).
    if chars > 100 {
        return false;
    }
    // Cheap tests before each pattern: a label has a colon, an id and a time start with a
    // digit.
    let colon = t.contains('：') || t.contains(':');
    let first = t.as_bytes().first().copied().unwrap_or(0);
    if (colon && META_LABEL.is_match(t))
        || (first.is_ascii_hexdigit() && HEX_ID.is_match(t))
        || is_breadcrumb(t)
        || is_link_line(t)
    {
        return true;
    }
    if first.is_ascii_digit() && (colon || t.contains('时')) && TIMESTAMP.is_match(t) {
        return true;
    }
    if chars > SHORT_LINE_CHARS {
        return false;
    }
    if chars <= 30
        && t.contains("点击")
        && (t.contains("进入") || t.contains("查看") || t.contains("这里"))
    {
        return true;
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
#[cfg(test)]
fn is_caption(t: &str) -> bool {
    is_caption_of(t, char_len(t))
}

/// [`is_caption`] of a line of `chars` chars.
fn is_caption_of(t: &str, chars: usize) -> bool {
    if chars > 150 {
        return false;
    }
    // `（新华社记者 某某 摄）`
    let t = t
        .strip_prefix(['（', '('])
        .and_then(|x| x.strip_suffix(['）', ')']))
        .unwrap_or(t);
    let ends_credit = ["摄", "摄影", "供图"].iter().any(|w| t.ends_with(w));
    if ends_credit {
        // The last 14 chars name the photographer.
        let tail = t.char_indices().rev().nth(13).map_or(t, |(i, _)| &t[i..]);
        if tail.contains("记者") || tail.contains(' ') || tail.contains('\u{3000}') {
            return true;
        }
    }
    // `记者` and at most ten chars after it: looked for in the line's last bytes only.
    let mut from = t.len().saturating_sub(12 * 4 + "记者".len());
    while !t.is_char_boundary(from) {
        from += 1;
    }
    if let Some(pos) = t[from..].rfind("记者").map(|p| p + from) {
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
    // `同志们！` on a line of its own opens older speeches as `同志们：` opens newer ones.
    let end = match t.find(['：', ':']) {
        Some(end) => end,
        None if t.ends_with(['！', '!']) && char_len(t) <= 12 => {
            t.len() - t.chars().next_back().map_or(0, char::len_utf8)
        }
        None => return None,
    };
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

/// `1　总则` right before its `1.1　编制目的`: the first heading of decimal numbering.
fn opens_decimal(texts: &[&str], i: usize) -> bool {
    let Some(m) = parse_bare_decimal(texts[i]) else {
        return false;
    };
    texts[i + 1..]
        .iter()
        .find(|t| !t.is_empty())
        .and_then(|t| parse_heading_marker(t))
        .is_some_and(|n| {
            n.style == super::marker::Style::Decimal(2) && n.prefix == m.ordinal && n.ordinal == 1
        })
}

fn is_heading_like(t: &str) -> bool {
    parse_heading_marker(t).is_some()
}

/// Classify every line of `doc`.
pub(super) fn classify(doc: &Document) -> Classified {
    let n = doc.lines.len();
    let (hints, markdown) = line_hints(doc);
    let content: Vec<Range<usize>> = (0..n)
        .map(|i| content_range(doc, i, hints[i], markdown))
        .collect();
    let texts: Vec<&str> = content.iter().map(|r| &doc.text[r.clone()]).collect();
    let starts: Vec<usize> = content.iter().map(|r| r.start).collect();
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
    // A long line is a paragraph; a long title (no comma, no stop, naming its genre) is not.
    let long = |i: usize| {
        let t = texts[i];
        longer_than(t, LONG_LINE_CHARS)
            && (t.contains(['。', '；', '，', '：'])
                || !is_genre_title(t)
                || longer_than(t, LONG_TITLE_CHARS))
    };

    // Metadata at the head: YAML front matter, a gov.cn block, a 公文 header.
    let mut metadata = Vec::new();
    let mut yaml_title = None;
    if let Some((found, close)) = meta::front_matter(&texts, &starts) {
        for role in &mut roles[..=close] {
            *role = LineRole::Metadata;
        }
        yaml_title = found
            .iter()
            .find(|f| f.key.eq_ignore_ascii_case("title") && !f.value.is_empty())
            .cloned();
        metadata.extend(found);
    }
    let first_long = (0..n).find(|&i| long(i)).unwrap_or(n);
    let head_limit = first_long.min(80);
    let (gov, gov_lines) = meta::gov_block(&texts, &starts, head_limit);
    for &i in &gov_lines {
        if roles[i] == LineRole::Body {
            roles[i] = LineRole::Metadata;
        }
    }
    let gov_title = gov.iter().find(|f| f.key == "标题").cloned();
    metadata.extend(gov);
    for i in 0..head_limit {
        if roles[i] != LineRole::Body {
            continue;
        }
        let found = meta::header_line(texts[i], i, starts[i]);
        if !found.is_empty() {
            roles[i] = LineRole::Metadata;
            add_once(&mut metadata, found);
        }
    }
    let contents = find_contents(&texts, &roles);
    if let Some((a, b)) = contents {
        for role in &mut roles[a..=b] {
            if *role == LineRole::Body {
                *role = LineRole::Contents;
            }
        }
    }

    // Where the body starts at the latest: a salutation, a numbered heading or a long paragraph.
    let head_end = (0..n)
        .find(|&i| {
            let t = texts[i];
            roles[i] == LineRole::Body
                && (salutation_len(t).is_some()
                    || is_heading_like(t)
                    || opens_decimal(&texts, i)
                    || matches!(hints[i], LineHint::Heading(_))
                    || super::part_word(t).is_some_and(|w| super::OPENING_WORDS.contains(&w))
                    || long(i))
        })
        .unwrap_or(n);
    // Where the tail starts: after the last long paragraph, or the last few lines of a
    // document made only of short ones.
    let after_last_long = (0..n).rev().find(|&i| long(i)).map(|i| i + 1);
    let tail_start = after_last_long.unwrap_or(n.saturating_sub(5)).max(head_end);
    let in_edge = |i: usize| i < head_end || i >= tail_start;

    mark_residue(&texts, &mut roles, head_end);
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
            && !longer_than(t, SHORT_LINE_CHARS)
            // Where the line stands and a contact number are cheaper to test than 24 words.
            && (in_edge(i) || CONTACT_NUMBER.is_match(t))
            && has_ad_word(t)
            // `…现就审理倒卖车票刑事案件的有关问题解释如下：` opens the body.
            && !t.ends_with("如下：")
            && !is_heading_like(t)
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
    // The front matter's `title:` is the title; so is a gov.cn block's `标题：` when no line
    // of the page states it.
    let from_meta = |f: &Found| TitleSpan {
        lines: (f.line, f.line),
        text: f.value.clone(),
        bytes: f.bytes.clone(),
    };
    if let Some(y) = &yaml_title
        && title.as_ref().is_none_or(|t| t.text != y.value)
    {
        // The same title as the first heading (`# 标题`): that line is the title.
        let stated = (0..n)
            .filter(|&i| roles[i] == LineRole::Body)
            .take(3)
            .find(|&i| texts[i] == y.value);
        title = Some(match stated {
            Some(i) => TitleSpan {
                lines: (i, i),
                text: y.value.clone(),
                bytes: content[i].clone(),
            },
            None => from_meta(y),
        });
    }
    if title.is_none() {
        title = gov_title.as_ref().map(from_meta);
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
    // The 主送机关 of a 公文: the line after the title (or its header) that addresses bodies;
    // the body starts after it.
    let mut head_end = head_end;
    if let Some(t) = &title {
        let after = (t.lines.1 + 1..n)
            .filter(|&i| !matches!(roles[i], LineRole::Blank | LineRole::Boilerplate(_)))
            .take(3)
            .find(|&i| roles[i] == LineRole::Body);
        if let Some(i) = after
            && let Some(len) = meta::addressee(texts[i])
        {
            roles[i] = LineRole::Metadata;
            head_end = head_end.min(i + 1);
            metadata.push(Found {
                key: "主送机关".to_owned(),
                value: texts[i][..len].to_owned(),
                line: i,
                bytes: starts[i]..starts[i] + len,
            });
        }
    }

    let documents = find_documents(doc, &texts, &content, &mut roles, title.as_ref(), head_end);
    // End matter (署名, 成文日期 …) before each document that follows, before an appendix,
    // and at the end.
    let mut ends: Vec<usize> = documents.iter().skip(1).map(|d| d.lines.0).collect();
    ends.extend((head_end..n).filter(|&i| {
        roles[i] == LineRole::Body
            && (texts[i].starts_with("附件")
                || texts[i].starts_with("附表")
                || matches!(texts[i], "附：" | "附:"))
            && !longer_than(texts[i], 40)
    }));
    ends.push(n);
    for end in ends {
        let found = meta::end_matter(&texts, &starts, end, |i| {
            !matches!(roles[i], LineRole::Blank | LineRole::Boilerplate(_))
        });
        if found
            .iter()
            .any(|f| roles[f.line] != LineRole::Body || f.line < head_end)
        {
            continue;
        }
        for f in &found {
            roles[f.line] = LineRole::Metadata;
        }
        add_once(&mut metadata, found);
    }
    metadata.sort_by_key(|f| (f.line, f.bytes.start));

    // Salutation: the first one before the body proper.
    let scan_from = title.as_ref().map_or(0, |t| t.lines.1 + 1);
    let mut salutation = None;
    let mut body_start = head_end.max(scan_from);
    for i in scan_from..n {
        if roles[i] != LineRole::Body {
            continue;
        }
        if let Some(len) = salutation_len(texts[i]).filter(|_| hints[i] == LineHint::None) {
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
            if *role != LineRole::Metadata {
                *role = LineRole::Title;
            }
        }
    }
    let first_document = documents.first().map(|d| d.lines.0);
    for (i, role) in roles.iter_mut().enumerate().take(body_start) {
        if *role == LineRole::Body && first_document != Some(i) {
            *role = LineRole::FrontMatter;
        }
    }
    Classified {
        roles,
        content,
        title,
        salutation,
        hints,
        metadata,
        contents,
        documents,
    }
}

/// Add the metadata `found` whose key is not known yet (a gov.cn block and the page's own
/// header both state the 发文字号; the card shows it once).
fn add_once(metadata: &mut Vec<Found>, found: Vec<Found>) {
    for f in found {
        if !metadata.iter().any(|m| m.key == f.key) {
            metadata.push(f);
        }
    }
}

/// Text without white space, for comparing a contents entry with its heading.
fn compact(t: &str) -> String {
    t.chars().filter(|c| !is_space(*c)).collect()
}

/// A contents entry without its page number and leader dots: `第一章　总则……1` → `第一章总则`.
fn entry_key(t: &str) -> String {
    let t = t.trim_end_matches(|c: char| {
        c.is_ascii_digit() || is_space(c) || matches!(c, '…' | '.' | '．' | '·' | '-' | '—' | '_')
    });
    compact(t)
}

/// A table of contents near the top: a `目录` line, then short entries up to the line where
/// the first entry comes again (the body begins) or a paragraph starts.
fn find_contents(texts: &[&str], roles: &[LineRole]) -> Option<(usize, usize)> {
    let limit = texts.len().min(400);
    let at = (0..limit).find(|&i| {
        roles[i] == LineRole::Body && matches!(compact(texts[i]).as_str(), "目录" | "目次")
    })?;
    let mut first: Option<String> = None;
    let mut last = at;
    let mut entries = 0;
    for (i, t) in texts.iter().enumerate().skip(at + 1) {
        if t.is_empty() {
            continue;
        }
        if roles[i] != LineRole::Body
            || longer_than(t, SHORT_LINE_CHARS)
            || t.ends_with(['。', '；', '：', ':'])
        {
            break;
        }
        let key = entry_key(t);
        if key.is_empty() {
            last = i;
            continue;
        }
        match &first {
            None => first = Some(key),
            Some(f) if *f == key => break,
            Some(_) => {}
        }
        entries += 1;
        last = i;
    }
    (entries >= 2).then_some((at, last))
}

/// A line of nothing but chrome symbols: `>`, `|`, `】`, a lone `×`.
fn is_symbol_line(t: &str) -> bool {
    !t.is_empty() && t.chars().all(is_chrome_symbol)
}

/// Chars that end a sentence or close one: a line ending in one ends its sentence.
fn closes_sentence(t: &str) -> bool {
    t.ends_with(|c: char| {
        matches!(
            c,
            '。' | '！'
                | '？'
                | '；'
                | '：'
                | '!'
                | '?'
                | ';'
                | ':'
                | '”'
                | '’'
                | '」'
                | '』'
                | '）'
                | ')'
                | '》'
                | '】'
        )
    })
}

/// How many lines at the end of a document may be a wiki copy's licence and provenance.
const LICENCE_TAIL_LINES: usize = 40;

fn mark_residue(texts: &[&str], roles: &mut [LineRole], head_end: usize) {
    let residue = LineRole::Boilerplate(BoilerplateKind::WebResidue);
    // Licence tails stand at the head or the end (looked for only there: the marks are
    // searched for in every line otherwise).
    let n = texts.len();
    for i in (0..head_end.min(n)).chain(n.saturating_sub(LICENCE_TAIL_LINES).max(head_end)..n) {
        if roles[i] == LineRole::Body && char_len(texts[i]) <= 400 && is_licence_line(texts[i]) {
            roles[i] = residue;
        }
    }
    let mut i = 0;
    while i < texts.len() {
        let t = texts[i];
        // Residue and captions are short lines: a longer one is no candidate (and is not
        // counted).
        let chars = if t.len() > 4 * 150 { 151 } else { char_len(t) };
        if roles[i] == LineRole::Body
            && chars <= 150
            && (is_web_residue_of(t, chars) || (is_caption_of(t, chars) && !is_heading_like(t)))
        {
            roles[i] = residue;
            // `来源：` alone: its value sits on the next line.
            if META_LABEL.captures(t).is_some_and(|c| {
                c.get(2).is_none_or(|v| v.is_empty())
                    && !c.get(1).is_some_and(|l| {
                        matches!(
                            l.as_str(),
                            "分享" | "分享到" | "字号" | "字体" | "分类" | "隐藏分类"
                        )
                    })
            }) && let Some(next) = texts.get(i + 1)
                && !next.is_empty()
                && !longer_than(next, 20)
                && !next.chars().any(is_sentence_punct)
            {
                roles[i + 1] = residue;
                i += 1;
            } else if HEX_ID.is_match(t)
                && let Some(next) = texts.get(i + 1)
                && !longer_than(next, SHORT_LINE_CHARS)
            {
                // A related-link id, then the linked page's title.
                roles[i + 1] = residue;
                i += 1;
            }
        }
        i += 1;
    }
    // Links split over lines around `>` and `|` lines: `首页` / `>` / `政务公开` / `>`.
    let prev_content = |i: usize| (0..i).rev().find(|&j| !texts[j].is_empty());
    let next_content = |i: usize| (i + 1..texts.len()).find(|&j| !texts[j].is_empty());
    for i in 0..texts.len() {
        let t = texts[i];
        if roles[i] != LineRole::Body
            || t.is_empty()
            || longer_than(t, 16)
            || t.chars().any(is_sentence_punct)
            || is_heading_like(t)
        {
            continue;
        }
        let separator = |j: Option<usize>| {
            j.is_some_and(|j| {
                roles[j] == residue
                    && matches!(
                        texts[j],
                        ">" | "＞" | "›" | "»" | "|" | "｜" | "/" | ">>" | "》"
                    )
            })
        };
        if separator(prev_content(i)) || separator(next_content(i)) {
            roles[i] = residue;
        }
    }
    // Menus: three or more very short lines in a row; but words of a sentence that a copied
    // page broke at its links (`根据` / `宪法` / `和` / `基本法` / `，制定本法。`) are text,
    // and so is a schedule's head (`附表` / `物品目录` / `甲类`).
    let is_tiny = |t: &str| {
        !t.is_empty()
            && !longer_than(t, 4)
            && !t.chars().any(is_sentence_punct)
            && !is_heading_like(t)
            && !["附件", "附表", "附录"].iter().any(|w| t.starts_with(w))
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
        let in_sentence = start >= head_end
            && prev_content(start).is_some_and(|p| {
                roles[p] == LineRole::Body
                    && !closes_sentence(texts[p])
                    && !is_symbol_line(texts[p])
            })
            && next_content(end.saturating_sub(1)).is_some_and(|q| {
                let t = texts[q];
                roles[q] == LineRole::Body
                    && (t.starts_with(|c: char| "，、。；：）”,.;:)".contains(c))
                        || closes_sentence(t))
            })
            && !texts[start..end].iter().any(|t| RESIDUE_TOKENS.contains(t));
        if end - start >= 3 && !in_sentence {
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
    "汇编",
    "选编",
    "文集",
    "摘编",
    "解释",
    "规则",
    "答复",
    "准则",
    "章程",
    "守则",
    "预案",
    "法",
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
    // `…的解释（二）`, `…办法（试行）`, `…条例（2024年修订）`: the genre before the bracket.
    let t = match t
        .strip_suffix(['）', ')'])
        .and_then(|b| b.rfind(['（', '(']).map(|o| &b[..o]))
    {
        Some(before) if char_len(&t[before.len()..]) <= 12 => before,
        _ => t,
    };
    let t = t.trim_end_matches(['）', ')']);
    GENRES.iter().any(|g| t.ends_with(g))
}

/// A line that may be the title: short, or up to [`LONG_TITLE_CHARS`] when it names its
/// genre (`最高人民法院、最高人民检察院关于办理…若干问题的解释`).
fn is_title_candidate(t: &str) -> bool {
    let len = char_len(t);
    (len <= SHORT_LINE_CHARS
        || (len <= LONG_TITLE_CHARS && is_genre_title(t) && !t.contains(['。', '；', '，'])))
        && !t.ends_with('。')
        && !is_front_matter_line(t)
        && salutation_len(t).is_none()
        && !is_heading_like(t)
}

/// A line that leaves a `《` open: the title it starts goes on on the next line.
fn opens_quote(t: &str) -> bool {
    t.matches('《').count() > t.matches('》').count()
}

/// A line spaced out for print (`几 个 问 题 的 通 知`) without its spaces; any other line
/// as it is.
fn unspaced(t: &str) -> std::borrow::Cow<'_, str> {
    let mut words = t.split_whitespace();
    let spaced = t.contains(is_space)
        && words.clone().count() >= 3
        && words.all(|w| w.chars().count() == 1 && !w.is_ascii());
    if spaced {
        t.split_whitespace().collect::<String>().into()
    } else {
        t.into()
    }
}

/// Whether line `i` has no marker before its words, only spaces or invisible chars (a title
/// over several lines is one range: a marker of a line after the first would be inside it).
fn bare(doc: &Document, content: &[Range<usize>], i: usize) -> bool {
    doc.text[doc.lines[i].byte_start..content[i].start]
        .chars()
        .all(|c| c.is_whitespace() || is_invisible(c))
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
                && (!genre_only || (is_genre_title(&unspaced(texts[i])) && !opens_quote(texts[i])))
        })?
    };
    // A title wrapped over two or three lines: short unpunctuated lines right before the
    // genre line (`关于进一步加强` / `基层治理工作的` / `实施意见`).
    let continues = |p: usize| {
        genre_only
            && roles[p] == LineRole::Body
            && is_title_candidate(texts[p])
            && char_len(texts[p]) <= 30
            && !texts[p]
                .chars()
                .any(|c| is_sentence_punct(c) || matches!(c, '：' | ':'))
            // `暂时调整实施《中华人民共和国药品管理法` ends in a genre inside an open `《`.
            && (!is_genre_title(texts[p]) || opens_quote(texts[p]))
            && !is_front_matter_line(texts[p])
    };
    let mut first = line;
    // The title's range runs from the first line's words: a line after it with a marker of
    // its own (`# 政府工作报告`) would put that marker inside the title.
    while first > 0 && line - first < 2 && continues(first - 1) && bare(doc, content, first) {
        first -= 1;
    }
    let last_text = texts[line];
    let cut = ad_suffix_start(last_text).unwrap_or(last_text.len());
    let end = content[line].start + trim_ws(&last_text[..cut]).len();
    let text: String = (first..=line)
        .map(|i| {
            if i == line {
                unspaced(trim_ws(&last_text[..cut]))
            } else {
                unspaced(texts[i])
            }
        })
        .collect();
    Some(TitleSpan {
        lines: (first, line),
        text,
        bytes: content[first].start..end,
    })
}

/// The end of a compilation's title (`…讲话汇编`): the documents follow it.
fn is_compilation_title(t: &str) -> bool {
    ["汇编", "选编", "文集", "合集", "汇集", "摘编"]
        .iter()
        .any(|w| t.trim_end_matches(['）', ')']).ends_with(w))
}

/// The titles of the documents of a compilation (汇编): several speeches, reports or a
/// notice and the plan it issues, one after another. A document's title is a short line
/// naming its genre, after the end of a paragraph (or of the one before it), and followed
/// by its own front matter (date, byline), salutation, addressee or document number, or
/// quoted in `《》` earlier (a notice issuing it). Empty when the text is one document.
fn find_documents(
    doc: &Document,
    texts: &[&str],
    content: &[Range<usize>],
    roles: &mut [LineRole],
    title: Option<&TitleSpan>,
    head_end: usize,
) -> Vec<TitleSpan> {
    let n = texts.len();
    let Some(main) = title else {
        return Vec::new();
    };
    let is_content = |roles: &[LineRole], i: usize| {
        !matches!(roles[i], LineRole::Blank | LineRole::Boilerplate(_))
    };
    let compilation = is_compilation_title(&main.text);
    let from = main.lines.1 + 1;
    let mut found: Vec<TitleSpan> = Vec::new();
    for i in from.max(if compilation { from } else { head_end })..n {
        let t = texts[i];
        if roles[i] != LineRole::Body
            || t == main.text
            || !longer_than(t, 3)
            || longer_than(t, 50)
            || t.ends_with(|c: char| is_sentence_punct(c) || matches!(c, '：' | ':'))
            || t.contains(['。', '；', '！', '？'])
            || is_heading_like(t)
            || t.starts_with("附件")
            || t.starts_with("附表")
            || !is_genre_title(t)
        {
            continue;
        }
        let next: Vec<usize> = (i + 1..n)
            .filter(|&j| is_content(roles, j))
            .take(3)
            .collect();
        let opens = next.iter().any(|&j| {
            let nt = texts[j];
            is_front_matter_line(nt)
                || salutation_len(nt).is_some()
                || meta::addressee(nt).is_some()
                || !meta::header_line(nt, j, 0).is_empty()
        });
        // Or a title over two lines (`文化体制改革中经营性文化事业单位` / `转制为企业的规定`):
        // a short unpunctuated line right before the genre line, after the end of a paragraph.
        let before = (0..i).rev().find(|&p| is_content(roles, p));
        let two = before.filter(|&p| {
            let pt = texts[p];
            p >= from
                && roles[p] == LineRole::Body
                // Only blank lines between the two, and no marker before the second's words.
                && (p + 1..i).all(|q| roles[q] == LineRole::Blank)
                && bare(doc, content, i)
                && !longer_than(pt, 30)
                && !pt
                    .chars()
                    .any(|c| is_sentence_punct(c) || matches!(c, '：' | ':'))
                && !is_heading_like(pt)
                && !is_genre_title(pt)
                && !is_front_matter_line(pt)
                && !["附件", "附表", "附录"].iter().any(|w| pt.starts_with(w))
                && !meta_date(pt)
                && meta::header_line(pt, p, 0).is_empty()
                && (0..p)
                    .rev()
                    .find(|&q| is_content(roles, q))
                    .is_some_and(|q| closes_sentence(texts[q]) || meta_date(texts[q]))
        });
        for first in std::iter::once(i).chain(two) {
            let t = if first < i {
                format!("{}{t}", texts[first])
            } else {
                t.to_owned()
            };
            // The document's own title said again in its head (`最高人民法院 最高人民检察院` /
            // `关于办理…的解释（二）`) opens no second document.
            let plain = |s: &str| -> String {
                s.chars()
                    .filter(|&c| !c.is_whitespace() && c != '、')
                    .collect()
            };
            if first < i && plain(&t) == plain(&main.text) {
                break;
            }
            let prev = (0..first).rev().find(|&p| is_content(roles, p));
            let prev_ok = prev.is_none_or(|p| {
                let pt = texts[p];
                (compilation && p <= main.lines.1)
                    || roles[p] == LineRole::Metadata
                    || closes_sentence(pt)
                    || meta_date(pt)
            });
            if !prev_ok
                || prev.is_some_and(|p| texts[p].starts_with("附件") && char_len(texts[p]) <= 6)
            {
                continue;
            }
            // A notice issuing it quotes it shortly before (within 20 KB).
            let quoted = || {
                let needle = format!("《{t}》");
                let end = content[first].start;
                let mut from = end.saturating_sub(20_000);
                while !doc.text.is_char_boundary(from) {
                    from += 1;
                }
                // memchr's search: `str::contains` is several times slower on CJK text.
                memchr::memmem::find(&doc.text.as_bytes()[from..end], needle.as_bytes()).is_some()
            };
            if opens || quoted() {
                found.push(TitleSpan {
                    lines: (first, i),
                    text: t,
                    bytes: content[first].start..content[i].end,
                });
                break;
            }
        }
    }
    if found.is_empty() || (compilation && found.len() < 2) {
        return Vec::new();
    }
    if !compilation {
        found.insert(0, main.clone());
    }
    // Each document's own front matter and salutation.
    for d in found.iter().skip(usize::from(!compilation)) {
        let mut j = d.lines.1 + 1;
        let mut seen = 0;
        while j < n && seen < 4 {
            if !is_content(roles, j) {
                j += 1;
                continue;
            }
            seen += 1;
            let t = texts[j];
            if roles[j] != LineRole::Body {
                j += 1;
                continue;
            }
            if salutation_len(t).is_some_and(|len| len == t.len()) {
                roles[j] = LineRole::Salutation;
                break;
            }
            if is_front_matter_line(t)
                || (char_len(t) <= 12 && !t.chars().any(is_sentence_punct) && !is_heading_like(t))
            {
                roles[j] = LineRole::FrontMatter;
                j += 1;
                continue;
            }
            break;
        }
    }
    found
}

/// A date on a line of its own (a document's last line).
fn meta_date(t: &str) -> bool {
    let t = t.trim_end_matches(|c: char| c.is_whitespace());
    char_len(t) <= 16 && t.ends_with('日') && t.contains('年') && t.contains('月')
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
        // A contents block repeats the headings on purpose.
        if longer_than(t, 3) && !matches!(roles[i], LineRole::Contents | LineRole::Metadata) {
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
