//! Document metadata: YAML front matter, a gov.cn metadata block (`索引号`, `发文字号` …), a
//! 公文 header (发文机关标志, 文号, 签发人, 主送机关) and its end matter (署名, 成文日期,
//! 公开方式, 抄送, 印发). Such lines are shown apart from the body and never enter the outline.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// One item of metadata found in the text, before its byte range is turned into chars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Found {
    /// What it is: a gov.cn label (`索引号`, `发文字号` …), a 公文 field (`发文机关标志`,
    /// `主送机关`, `成文日期` …) or a YAML key as written.
    pub key: String,
    /// Its value, as written (YAML quotes removed).
    pub value: String,
    /// The line it stands on.
    pub line: usize,
    /// Absolute byte range of the value in the document text.
    pub bytes: Range<usize>,
}

/// The labels of a gov.cn (and provincial portal) metadata block.
const GOV_LABELS: &[&str] = &[
    "索引号",
    "信息索引号",
    "主题分类",
    "主题词",
    "发文机关",
    "发布机构",
    "发文单位",
    "成文日期",
    "标题",
    "发文字号",
    "文号",
    "发布日期",
    "生效日期",
    "废止日期",
    "公开方式",
    "公开范围",
    "有效性",
    "体裁分类",
    "信息分类",
    "组配分类",
    "所属机构",
    "生成日期",
    "统一编号",
];

/// The first chars of [`GOV_LABELS`].
const LABEL_FIRST_CHARS: &str = "索信主发成标文生废公有体组所统";

/// Labels that alone make a metadata block (a lone `发布日期：` is a web page's date line).
const STRONG_LABELS: &[&str] = &["索引号", "信息索引号", "发文字号", "成文日期", "主题分类"];

/// A gov.cn label at a line start or after white space, with internal white space allowed
/// (`标　　题：`), and the colon after it (optional: a table copied cell by cell).
static GOV_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    let mut labels: Vec<&str> = GOV_LABELS.to_vec();
    // Longer labels first: `信息索引号` before `索引号`, `发文字号` before `文号`.
    labels.sort_by_key(|l| std::cmp::Reverse(l.chars().count()));
    let alts: Vec<String> = labels
        .iter()
        .map(|l| {
            l.chars()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(r"[\s\x{3000}]*")
        })
        .collect();
    Regex::new(&format!(
        r"(?:^|[\s\x{{3000}}])({})[\s\x{{3000}}]*([:：])?",
        alts.join("|")
    ))
    .expect("valid regex")
});

/// `国发〔2024〕1号`, `京政办发〔2023〕12号`, `国办函(2024)5号` (and a `签发人` after it).
static DOC_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([^\s〔\[［(（【]{1,16}[\s\x{3000}]*[〔\[［(（【][\s\x{3000}]*(?:19|20)\d{2}[\s\x{3000}]*[〕\]］)）】][\s\x{3000}]*第?[\s\x{3000}]*\d{1,5}[\s\x{3000}]*号)(?:[\s\x{3000}]+签发人[:：][\s\x{3000}]*(\S.*))?$",
    )
    .expect("valid regex")
});

static SIGNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^签[\s\x{3000}]*发[\s\x{3000}]*人[:：][\s\x{3000}]*(\S.*)$").expect("valid regex")
});

/// A date on a line of its own: `2024年1月5日`, `二〇二四年一月五日`.
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})[\s\x{3000}]*年[\s\x{3000}]*(?:\d{1,2}|[一二三四五六七八九十]{1,2})[\s\x{3000}]*月[\s\x{3000}]*(?:\d{1,2}|[一二三四五六七八九十]{1,3})[\s\x{3000}]*日$")
        .expect("valid regex")
});

/// `（此件公开发布）` and its kin.
static PUBLICITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[（(]此件[^）)]{1,12}[）)]$").expect("valid regex"));

/// `国务院办公厅　　2024年1月6日印发`.
static PRINTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\S.{0,40}?[\s\x{3000}]+(?:19|20)\d{2}年\d{1,2}月\d{1,2}日[\s\x{3000}]*印发$")
        .expect("valid regex")
});

/// What an addressee line (主送机关) names: bodies, never people.
const BODIES: &[&str] = &[
    "人民政府",
    "政府",
    "委员会",
    "各部委",
    "部门",
    "单位",
    "机构",
    "厅",
    "局",
    "委",
    "办",
    "党委",
    "党组",
    "院",
    "所",
    "公司",
    "学校",
];

/// What the name of an issuing authority holds (`某某省人民政府办公厅文件`).
const AUTHORITIES: &[&str] = &[
    "政府",
    "委员会",
    "办公厅",
    "办公室",
    "国务院",
    "中央",
    "人大",
    "政协",
    "法院",
    "检察院",
    "党委",
    "党组",
    "部",
    "局",
    "厅",
    "委",
    "院",
    "署",
    "办",
];

/// What a salutation names (`同志们：`, `各位代表：`): people, never an addressee.
const PEOPLE: &[&str] = &[
    "同志",
    "代表",
    "委员们",
    "来宾",
    "朋友",
    "女士",
    "先生",
    "老师",
    "同学",
    "大家",
    "嘉宾",
];

fn key_of(label: &str) -> String {
    label.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A gov.cn metadata block among `lines` (`texts` and their absolute byte starts `starts`)
/// of the head: every label and its value (on the line, or on the next line when the label
/// ends its line). Lines that are labels or values are returned in `lines`.
pub(super) fn gov_block(
    texts: &[&str],
    starts: &[usize],
    limit: usize,
) -> (Vec<Found>, Vec<usize>) {
    let mut found = Vec::new();
    let mut lines = Vec::new();
    let limit = limit.min(texts.len());
    let mut i = 0;
    while i < limit {
        let t = texts[i];
        // A label starts the line: its first char is a label's.
        if !t
            .chars()
            .next()
            .is_some_and(|c| LABEL_FIRST_CHARS.contains(c))
        {
            i += 1;
            continue;
        }
        let matches: Vec<regex::Captures> = GOV_LABEL.captures_iter(t).collect();
        // A line of metadata starts with a label.
        let starts_with_label = matches
            .first()
            .and_then(|c| c.get(1))
            .is_some_and(|m| t[..m.start()].trim().is_empty());
        if !starts_with_label {
            i += 1;
            continue;
        }
        let mut value_on_next = None;
        let mut any = false;
        for (k, caps) in matches.iter().enumerate() {
            let (Some(label), whole) = (caps.get(1), caps.get(0).expect("match")) else {
                continue;
            };
            let colon = caps.get(2).is_some();
            let value_end = matches
                .get(k + 1)
                .and_then(|c| c.get(1))
                .map_or(t.len(), |m| m.start());
            let value = t[whole.end().min(value_end)..value_end].trim();
            if !colon && !value.is_empty() {
                // `标题` inside a sentence is no label; only `标题：` or a label alone is.
                continue;
            }
            any = true;
            let key = key_of(label.as_str());
            if value.is_empty() {
                if k + 1 == matches.len() {
                    value_on_next = Some(key);
                }
                continue;
            }
            let start = starts[i] + (value.as_ptr() as usize - t.as_ptr() as usize);
            found.push(Found {
                key,
                value: value.to_owned(),
                line: i,
                bytes: start..start + value.len(),
            });
        }
        if !any {
            i += 1;
            continue;
        }
        lines.push(i);
        if let Some(key) = value_on_next
            && let Some(&next) = texts.get(i + 1)
            && !next.is_empty()
            && next.chars().count() <= 120
            && !GOV_LABEL
                .captures(next)
                .and_then(|c| c.get(1))
                .is_some_and(|m| next[..m.start()].trim().is_empty())
        {
            found.push(Found {
                key,
                value: next.to_owned(),
                line: i + 1,
                bytes: starts[i + 1]..starts[i + 1] + next.len(),
            });
            lines.push(i + 1);
            i += 1;
        }
        i += 1;
    }
    let strong = found
        .iter()
        .any(|f| STRONG_LABELS.contains(&f.key.as_str()));
    let keys: std::collections::HashSet<&str> = found.iter().map(|f| f.key.as_str()).collect();
    if !(strong || keys.len() >= 2) {
        return (Vec::new(), Vec::new());
    }
    (found, lines)
}

/// YAML front matter: `---` on the first line, `key: value` lines, `---` (or `...`).
/// Returns the entries and the last line of the block.
pub(super) fn front_matter(texts: &[&str], starts: &[usize]) -> Option<(Vec<Found>, usize)> {
    if texts.first().copied() != Some("---") {
        return None;
    }
    let close = (1..texts.len().min(200)).find(|&i| matches!(texts[i], "---" | "..."))?;
    let mut found = Vec::new();
    for i in 1..close {
        let t = texts[i];
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let item = t.strip_prefix("- ").map(str::trim);
        if item.is_some() || t == "-" {
            // A list item of the key before: an entry of that key.
            let key = found.last().map(|f: &Found| f.key.clone())?;
            if let Some(v) = item.filter(|v| !v.is_empty()) {
                if found.last().is_some_and(|f| f.value.is_empty()) {
                    found.pop();
                }
                let start = starts[i] + (v.as_ptr() as usize - t.as_ptr() as usize);
                found.push(Found {
                    key,
                    value: v.to_owned(),
                    line: i,
                    bytes: start..start + v.len(),
                });
            }
            continue;
        }
        let colon = t.find(':')?;
        let key = &t[..colon];
        let after = &t[colon + 1..];
        if key.is_empty()
            || key.contains(char::is_whitespace)
                && !key
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '_' || c == '-')
            || !(after.is_empty() || after.starts_with(' '))
        {
            return None;
        }
        let raw = after.trim();
        let value = raw
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| raw.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(raw);
        let start = starts[i] + (value.as_ptr() as usize - t.as_ptr() as usize);
        found.push(Found {
            key: key.trim().to_owned(),
            value: value.to_owned(),
            line: i,
            bytes: start..start + value.len(),
        });
    }
    (!found.is_empty()).then_some((found, close))
}

/// A 公文 header line: the issuing authority's mark (`国务院文件`), the document number
/// (`国发〔2024〕1号`, with a `签发人` after it) or a lone `签发人：`.
pub(super) fn header_line(t: &str, line: usize, start: usize) -> Vec<Found> {
    // Cheap tests before any pattern: a number ends in 号 (or names its signer), a mark in 文件.
    if !(t.contains('号') || t.contains("签发人") || t.ends_with("文件")) {
        return Vec::new();
    }
    let at = |v: &str| start + (v.as_ptr() as usize - t.as_ptr() as usize);
    let one = |key: &str, v: &str| Found {
        key: key.to_owned(),
        value: v.to_owned(),
        line,
        bytes: at(v)..at(v) + v.len(),
    };
    if let Some(c) = DOC_NUMBER.captures(t) {
        let mut out = vec![one("发文字号", c.get(1).map_or("", |m| m.as_str()).trim())];
        if let Some(s) = c.get(2) {
            out.push(one("签发人", s.as_str().trim()));
        }
        return out;
    }
    if let Some(c) = SIGNER.captures(t) {
        return vec![one("签发人", c.get(1).map_or("", |m| m.as_str()).trim())];
    }
    let chars = t.chars().count();
    if (4..=30).contains(&chars)
        && t.ends_with("文件")
        && !t.contains(['，', '。', '：', ':', '、', '《'])
        // `国务院办公厅关于全面推行行政规范性文件` is a title's first line.
        && !t.contains("关于")
        && AUTHORITIES.iter().any(|w| t.contains(w))
    {
        return vec![one("发文机关标志", t)];
    }
    Vec::new()
}

/// A 主送机关 line (`各省、自治区、直辖市人民政府，国务院各部委、各直属机构：`): the
/// value's byte length before the colon.
pub(super) fn addressee(t: &str) -> Option<usize> {
    let colon = t.strip_suffix('：').or_else(|| t.strip_suffix(':'))?;
    let chars = colon.chars().count();
    if !(2..=160).contains(&chars)
        || colon.contains(['。', '；', '！', '？', '“'])
        || PEOPLE.iter().any(|p| colon.contains(p))
    {
        return None;
    }
    BODIES
        .iter()
        .any(|b| colon.contains(b))
        .then_some(colon.len())
}

/// The end matter of a 公文 that ends at line `end` (exclusive): the date on a line of its
/// own (成文日期), the signature line before it (署名), `（此件公开发布）`, `抄送：`, the
/// `…印发` line. Found only when the date is among the last lines.
pub(super) fn end_matter(
    texts: &[&str],
    starts: &[usize],
    end: usize,
    is_content: impl Fn(usize) -> bool,
) -> Vec<Found> {
    let mut found = Vec::new();
    let mut seen = 0;
    let mut date = None;
    let mut i = end;
    let whole = |key: &str, i: usize| Found {
        key: key.to_owned(),
        value: texts[i].to_owned(),
        line: i,
        bytes: starts[i]..starts[i] + texts[i].len(),
    };
    while i > 0 && seen < 6 {
        i -= 1;
        if !is_content(i) {
            continue;
        }
        seen += 1;
        let t = texts[i];
        if t.ends_with('日') && DATE_LINE.is_match(t) {
            date = Some(i);
            break;
        }
        if t.starts_with(['（', '(']) && PUBLICITY.is_match(t) {
            found.push(whole("公开方式", i));
        } else if let Some(v) = t.strip_prefix("抄送：").or_else(|| t.strip_prefix("抄送:")) {
            let v = v.trim();
            let at = starts[i] + (v.as_ptr() as usize - t.as_ptr() as usize);
            found.push(Found {
                key: "抄送".to_owned(),
                value: v.to_owned(),
                line: i,
                bytes: at..at + v.len(),
            });
        } else if t.ends_with("印发") && PRINTED.is_match(t) {
            found.push(whole("印发", i));
        } else {
            // Anything else after the date: this is no end matter.
            return Vec::new();
        }
    }
    let Some(date) = date else {
        return Vec::new();
    };
    found.push(whole("成文日期", date));
    // The signature: the content line right before the date, a short name.
    if let Some(sig) = (0..date).rev().find(|&j| is_content(j)) {
        let t = texts[sig];
        let chars = t.chars().count();
        if (2..=40).contains(&chars)
            && !t.ends_with(|c: char| "。；！？：:，,".contains(c))
            && !t.contains(['。', '；', '，'])
        {
            found.push(whole("署名", sig));
        }
    }
    found.sort_by_key(|f| f.line);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts_of(texts: &[&str]) -> Vec<usize> {
        let mut at = 0;
        texts
            .iter()
            .map(|t| {
                let s = at;
                at += t.len() + 1;
                s
            })
            .collect()
    }

    fn pairs(found: &[Found]) -> Vec<(String, String)> {
        found
            .iter()
            .map(|f| (f.key.clone(), f.value.clone()))
            .collect()
    }

    #[test]
    fn a_gov_cn_block_in_its_three_shapes() {
        let texts = [
            "索　引　号：000014349/2024-00012",
            "主题分类：城乡建设、环境保护\\其他",
            "发文机关：",
            "国务院",
            "标　　题：国务院关于某某工作的通知",
            "发文字号：国发〔2024〕1号　　发布日期：2024年01月10日",
            "正文。",
        ];
        let (found, lines) = gov_block(&texts, &starts_of(&texts), texts.len());
        assert_eq!(
            pairs(&found),
            [
                ("索引号".into(), "000014349/2024-00012".into()),
                ("主题分类".into(), "城乡建设、环境保护\\其他".into()),
                ("发文机关".into(), "国务院".into()),
                ("标题".into(), "国务院关于某某工作的通知".into()),
                ("发文字号".into(), "国发〔2024〕1号".into()),
                ("发布日期".into(), "2024年01月10日".into()),
            ]
        );
        assert_eq!(lines, [0, 1, 2, 3, 4, 5]);
        // The byte ranges point at the values.
        let text = texts.join("\n");
        for f in &found {
            assert_eq!(&text[f.bytes.clone()], f.value);
        }
    }

    #[test]
    fn a_lone_date_line_or_a_word_in_a_sentence_is_no_block() {
        let texts = ["发布日期：2024-01-10", "标题党的问题要重视。"];
        assert!(gov_block(&texts, &starts_of(&texts), 2).0.is_empty());
    }

    #[test]
    fn yaml_front_matter() {
        let texts = [
            "---",
            "title: \"讲话稿\"",
            "date: 2026-01-05",
            "tags:",
            "- 党建",
            "---",
            "# 讲话稿",
        ];
        let (found, end) = front_matter(&texts, &starts_of(&texts)).expect("front matter");
        assert_eq!(end, 5);
        assert_eq!(
            pairs(&found),
            [
                ("title".into(), "讲话稿".into()),
                ("date".into(), "2026-01-05".into()),
                ("tags".into(), "党建".into()),
            ]
        );
        // A rule and a paragraph are no front matter.
        let texts = ["---", "这是正文，不是元数据。", "---"];
        assert!(front_matter(&texts, &starts_of(&texts)).is_none());
    }

    #[test]
    fn header_lines() {
        let p = |t: &str| pairs(&header_line(t, 0, 0));
        assert_eq!(
            p("国务院文件"),
            [("发文机关标志".into(), "国务院文件".into())]
        );
        assert_eq!(
            p("国发〔2024〕1号"),
            [("发文字号".into(), "国发〔2024〕1号".into())]
        );
        assert_eq!(
            p("京政办发〔2023〕12号　　签发人：某某"),
            [
                ("发文字号".into(), "京政办发〔2023〕12号".into()),
                ("签发人".into(), "某某".into())
            ]
        );
        assert!(p("关于印发国发〔2024〕1号文件的通知").is_empty());
        assert!(p("我们要认真学习这份文件").is_empty());
    }

    #[test]
    fn addressees_are_bodies_not_people() {
        let t = "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：";
        assert_eq!(addressee(t), Some(t.len() - "：".len()));
        assert_eq!(addressee("同志们："), None);
        assert_eq!(addressee("各位代表、各位委员："), None);
        assert_eq!(addressee("重点抓好以下工作："), None);
    }

    #[test]
    fn end_matter_after_the_body() {
        let texts = [
            "请认真贯彻执行。",
            "国务院",
            "2024年1月5日",
            "（此件公开发布）",
        ];
        let found = end_matter(&texts, &starts_of(&texts), texts.len(), |_| true);
        assert_eq!(
            pairs(&found),
            [
                ("署名".into(), "国务院".into()),
                ("成文日期".into(), "2024年1月5日".into()),
                ("公开方式".into(), "（此件公开发布）".into()),
            ]
        );
        let texts = ["2024年1月5日", "会议强调，要抓好落实。"];
        assert!(end_matter(&texts, &starts_of(&texts), 2, |_| true).is_empty());
    }
}
