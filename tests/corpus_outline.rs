//! The outline engine on real documents from `../shared/corpus`.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_reads_like, assert_well_formed, corpus, render, shape};
use pizhu::document::Document;
use pizhu::outline::{LineRole, NodeKind, Outline, outline};

fn open(path: &Path) -> (Document, Outline) {
    let doc = Document::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let o = outline(&doc);
    assert_well_formed(&o, doc.char_count);
    (doc, o)
}

/// The seed's outline as the issue states it: depth, kind, marker, title beginning.
const SEED: &[(u8, &str, &str, &str)] = &[
    (
        1,
        "heading",
        "一、",
        "坚持把政治建设作为党风廉政建设的首要责任",
    ),
    (2, "heading", "（一）", "把理论武装"),
    (2, "heading", "（二）", "把增强“四个意识”"),
    (2, "heading", "（三）", "把“不忘初心，牢记使命”"),
    (1, "heading", "二、", "坚持把制度建设"),
    (2, "heading", "（一）", "以更高标准"),
    (2, "heading", "（二）", "研究出台政府工作规则"),
    (2, "heading", "（三）", "强化重点领域"),
    (1, "heading", "三、", "坚持把做好“六稳”工作"),
    (2, "heading", "（一）", "深入开展“一联三帮”专项行动"),
    (2, "heading", "（二）", "坚决把减税降费"),
    (2, "heading", "（三）", "把争取和用好项目资金"),
    (2, "heading", "（四）", "做好就业"),
    (2, "heading", "（五）", "坚持“过紧日子”"),
    (1, "heading", "四、", "坚持把优化营商环境"),
    (2, "heading", "（一）", "压缩行政审批时间，提高行政效率"),
    (3, "point", "一要", "进一步压缩工程建设项目"),
    (3, "point", "二要", "进一步压缩固定资产"),
    (3, "point", "三要", "进一步压缩各类市场主体"),
    (2, "heading", "（二）", "提升服务意识"),
    (2, "heading", "（三）", "落实好《×市优化营商环境条例》"),
    (1, "heading", "五、", "坚决扛牢党风廉政建设责任"),
    (2, "point", "一是", "市政府各位副市长"),
    (2, "point", "二要", "切实加强"),
    (2, "point", "三要", "坚持以案说法"),
    (2, "point", "四要", "持续做好纠正“四风”工作"),
    (2, "point", "五要", "切实做好基层减负工作"),
];

#[test]
fn seed_outline_is_exactly_the_specified_one() {
    let Some(c) = corpus() else { return };
    let (doc, o) = open(&c.join("seed/speech-lianzheng.txt"));
    assert_eq!(
        o.title.as_deref(),
        Some("在市政府第三次廉政工作会议上的讲话")
    );
    assert_eq!(o.nodes.len(), SEED.len(), "{}", render(&o));
    for (node, &(depth, kind, marker, title)) in o.nodes.iter().zip(SEED) {
        let kind_name = if node.kind == NodeKind::Point {
            "point"
        } else {
            "heading"
        };
        assert_eq!(
            (node.depth, kind_name, node.marker.as_str()),
            (depth, kind, marker),
            "{node:?}"
        );
        assert!(
            node.title.starts_with(title),
            "{:?} should start with {title}",
            node.title
        );
        assert!(!node.title.ends_with(['。', '；']), "{:?}", node.title);
    }
    // Exact titles where the issue gives them whole.
    assert_eq!(o.nodes[1].title, "把理论武装作为政治建设的首要任务");
    assert_eq!(o.nodes[15].title, "压缩行政审批时间，提高行政效率");
    assert_eq!(o.placeholders.len(), 11);
    assert!(o.placeholders.iter().all(|p| p.text == "×"));
    // No boilerplate line is title or outline, and every ad line is boilerplate.
    for node in &o.nodes {
        assert!(!matches!(o.roles[node.line], LineRole::Boilerplate(_)));
        assert!(!node.title.contains("QQ") && !node.title.contains("会员"));
    }
    for (i, line) in doc.lines.iter().enumerate() {
        let text = doc.line_text(line);
        if ["QQ", "会员", "订阅", "禁止外传", "酷乐文行"]
            .iter()
            .any(|w| text.contains(w))
        {
            assert!(
                matches!(o.roles[i], LineRole::Boilerplate(_)),
                "line {i} {text:?} is {:?}",
                o.roles[i]
            );
        }
    }
    assert_eq!(o.salutation.map(|r| doc.slice(r)), Some("同志们："));
}

#[test]
fn seed_encodings_and_line_ends_give_the_same_outline() {
    let Some(c) = corpus() else { return };
    let (_, reference) = open(&c.join("seed/speech-lianzheng.txt"));
    for (name, encoding) in [
        ("seed/speech-lianzheng.gb18030.txt", "GB18030"),
        ("seed/speech-lianzheng.utf16le-bom.txt", "UTF-16LE"),
        ("seed/speech-lianzheng.crlf.txt", "UTF-8"),
    ] {
        let (doc, o) = open(&c.join(name));
        assert_eq!(doc.encoding, encoding, "{name}");
        assert_eq!(shape(&o), shape(&reference), "{name}");
        assert_eq!(o.title, reference.title, "{name}");
        assert_eq!(o.placeholders.len(), 11, "{name}");
        assert!(!doc.text.contains('\r'), "{name}");
    }
}

#[test]
fn gbk_report_gives_the_same_outline_as_utf8() {
    let Some(c) = corpus() else { return };
    let (gbk_doc, gbk) = open(&c.join("reports/2026-gansu.gbk.txt"));
    let (_, utf8) = open(&c.join("reports/2026-gansu.txt"));
    assert_eq!(gbk_doc.encoding, "GB18030");
    assert_eq!(shape(&gbk), shape(&utf8));
    assert_eq!(gbk.title, utf8.title);
}

#[test]
fn docx_files_give_the_same_outline_as_their_text() {
    let Some(c) = corpus() else { return };
    for (docx, txt) in [
        (
            "docx/speech-lianzheng.plain.docx",
            "seed/speech-lianzheng.txt",
        ),
        ("docx/2026-sichuan.plain.docx", "reports/2026-sichuan.txt"),
        ("docx/2026-beijing.styled.docx", "reports/2026-beijing.txt"),
    ] {
        let (_, from_docx) = open(&c.join(docx));
        let (_, from_txt) = open(&c.join(txt));
        assert_eq!(render(&from_docx), render(&from_txt), "{docx}");
        assert_eq!(from_docx.title, from_txt.title, "{docx}");
    }
    assert_reads_like(
        &c.join("docx/speech-lianzheng.plain.docx"),
        &c.join("seed/speech-lianzheng.txt"),
    );
}

/// The files of a folder (not its folders), sorted.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
}

/// A file's name, for messages and golden-file names.
fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn report_paths(c: &Path) -> Vec<PathBuf> {
    let paths: Vec<_> = files_in(&c.join("reports"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    assert!(
        paths.len() >= 10,
        "expected the ten reports, found {}",
        paths.len()
    );
    paths
}

fn is_cn_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// `一、…` at the start of a line (not `一、二季度`).
fn starts_cn_comma(t: &str) -> bool {
    let digits: String = t.chars().take_while(|&c| is_cn_numeral(c)).collect();
    !digits.is_empty() && t[digits.len()..].starts_with('、')
}

/// `（一）…` at the start of a line.
fn starts_cn_paren(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('（') else {
        return false;
    };
    let digits: String = rest.chars().take_while(|&c| is_cn_numeral(c)).collect();
    !digits.is_empty() && rest[digits.len()..].starts_with('）')
}

#[test]
fn every_numbered_heading_in_the_reports_is_a_correctly_nested_node() {
    let Some(c) = corpus() else { return };
    for path in report_paths(&c) {
        let name = name_of(&path);
        let (doc, o) = open(&path);
        for (i, line) in doc.lines.iter().enumerate() {
            let t = doc.line_text(line).trim();
            if !(starts_cn_comma(t) || starts_cn_paren(t)) {
                continue;
            }
            let node = o
                .nodes
                .iter()
                .position(|n| n.line == i && n.kind == NodeKind::Heading);
            let Some(idx) = node else {
                panic!("{name}: line {i} {t:?} is not an outline heading");
            };
            let path_to = o.path_to(idx);
            let node = &o.nodes[idx];
            if starts_cn_paren(t) {
                // （一） sits directly under a 一、 part, an unnumbered part, or an appendix.
                assert!(path_to.len() >= 2, "{name}: {t:?} is not nested");
                let parent = &o.nodes[path_to[path_to.len() - 2]];
                assert!(
                    parent.marker.ends_with('、') || parent.marker.is_empty(),
                    "{name}: {t:?} under {parent:?}"
                );
            } else {
                // 一、 is top level, or directly under an appendix (附件1).
                let top = &o.nodes[path_to[0]];
                assert!(
                    node.depth == 1 || (node.depth == 2 && top.marker.starts_with("附件")),
                    "{name}: {t:?} at depth {} under {top:?}",
                    node.depth
                );
            }
        }
    }
}

#[test]
fn appendix_numbering_never_nests_under_the_body() {
    let Some(c) = corpus() else { return };
    for name in ["2026-guangdong.txt", "2026-sichuan.txt", "2026-hainan.txt"] {
        let (_, o) = open(&c.join("reports").join(name));
        let appendix = o
            .nodes
            .iter()
            .position(|n| {
                n.depth == 1
                    && (n.marker.starts_with("附件")
                        || ["名词解释", "注释"].contains(&n.title.as_str()))
            })
            .unwrap_or_else(|| panic!("{name}: no appendix part\n{}", render(&o)));
        for n in &o.nodes[appendix + 1..] {
            assert!(n.depth <= 2, "{name}: {n:?} nests too deep");
        }
    }
}

#[test]
fn every_sentence_initial_yishi_starts_a_point() {
    let Some(c) = corpus() else { return };
    for path in report_paths(&c) {
        let (doc, o) = open(&path);
        let name = name_of(&path);
        let point_starts: std::collections::HashSet<usize> = o
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Point)
            .map(|n| n.range.start)
            .collect();
        for (i, line) in doc.lines.iter().enumerate() {
            if matches!(o.roles[i], LineRole::Boilerplate(_)) {
                continue;
            }
            let mut sentence_start = true;
            for (pos, (_, ch)) in doc.line_text(line).char_indices().enumerate() {
                let rest = &doc.line_text(line)[doc
                    .line_text(line)
                    .char_indices()
                    .nth(pos)
                    .map_or(0, |x| x.0)..];
                if sentence_start && rest.starts_with("一是") {
                    assert!(
                        point_starts.contains(&(line.range.start + pos)),
                        "{name}: line {i}: sentence-initial 一是 at char {pos} is not a point: {}",
                        rest.chars().take(30).collect::<String>()
                    );
                }
                sentence_start = matches!(ch, '。' | '！' | '？' | '；' | '：');
            }
        }
    }
}

#[test]
fn corpus_outlines_match_golden_files() {
    let Some(c) = corpus() else { return };
    let mut files = report_paths(&c);
    for sub in ["seed", "docx"] {
        files.extend(files_in(&c.join(sub)));
    }
    for path in files {
        let (doc, o) = open(&path);
        let name = name_of(&path);
        let mut golden = format!(
            "title: {:?}\nencoding: {}\nplaceholders: {}\nboilerplate lines: {}\n\n",
            o.title,
            doc.encoding,
            o.placeholders.len(),
            o.boilerplate.len()
        );
        golden.push_str(&pizhu::export::outline_text(&o));
        insta::assert_snapshot!(format!("outline-{name}"), golden);
    }
}

#[test]
fn sample_speech_exercises_every_level() {
    let (_, o) = open(&common::sample());
    insta::assert_snapshot!("outline-sample-speech", render(&o));
    let max_depth = o
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Heading)
        .map(|n| n.depth)
        .max();
    assert!(
        max_depth >= Some(5),
        "sample should reach ① items:\n{}",
        render(&o)
    );
    for marker in [
        "一、",
        "（一）",
        "1.",
        "（1）",
        "①",
        "一是",
        "一要",
        "第一",
        "首先",
    ] {
        assert!(
            o.nodes.iter().any(|n| n.marker == marker),
            "sample lacks {marker}"
        );
    }
    assert!(o.nodes.iter().any(|n| n.marker.starts_with("附件")));
    assert!(o.placeholders.len() >= 5);
}

#[test]
fn fixture_documents_match_golden_files() {
    let files = files_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
    assert!(files.len() >= 5);
    for path in files {
        let (doc, o) = open(&path);
        let name = name_of(&path);
        let mut golden = format!(
            "title: {:?}\nsalutation: {:?}\n\n",
            o.title,
            o.salutation.map(|r| doc.slice(r))
        );
        golden.push_str(&render(&o));
        golden.push_str("\nplaceholders:");
        for p in &o.placeholders {
            golden.push_str(&format!(" {}", p.text));
        }
        golden.push_str("\nboilerplate:\n");
        for b in &o.boilerplate {
            golden.push_str(&format!("  {:?} {}\n", b.kind, doc.slice(b.range)));
        }
        insta::assert_snapshot!(format!("fixture-{name}"), golden);
    }
}

/// The golden text of a fixture of `tests/fixtures/outline`: title, salutation, metadata,
/// contents block, outline, topic sentences, blanks and boilerplate.
fn outline_golden(doc: &Document, o: &Outline) -> String {
    let mut golden = format!(
        "title: {:?}\nsalutation: {:?}\n",
        o.title,
        o.salutation.map(|r| doc.slice(r))
    );
    for m in &o.metadata {
        assert_eq!(doc.slice(m.range), m.value, "{m:?}");
        golden.push_str(&format!("metadata: {} = {}\n", m.key, m.value));
    }
    if let Some(c) = o.contents {
        let lines = doc.slice(c).lines().count();
        golden.push_str(&format!("contents: {lines} lines\n"));
    }
    golden.push('\n');
    golden.push_str(&render(o));
    if !o.topics.is_empty() {
        golden.push_str("\ntopics:\n");
        for t in &o.topics {
            assert_eq!(doc.slice(t.title_range), t.title, "{t:?}");
            golden.push_str(&format!("{} {}\n", t.depth, t.title));
        }
        // In the tree, every topic sits under its heading, its points under it.
        let with = o.with_topics();
        assert_well_formed(&with, doc.char_count);
        golden.push_str("\nwith topics:\n");
        golden.push_str(&render(&with));
    }
    golden.push_str("\nplaceholders:");
    for p in &o.placeholders {
        golden.push_str(&format!(" {}", p.text));
    }
    golden.push_str("\nboilerplate:\n");
    for b in &o.boilerplate {
        golden.push_str(&format!("  {:?} {}\n", b.kind, doc.slice(b.range)));
    }
    golden
}

#[test]
fn outline_fixtures_match_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/outline");
    let files = files_in(&dir);
    assert!(files.len() >= 15, "{} fixtures", files.len());
    for path in files {
        let (doc, o) = open(&path);
        let name = name_of(&path);
        // Every title stands where its range says, and no title keeps an invisible char.
        for n in &o.nodes {
            assert!(
                !n.title.contains(['\u{200B}', '\u{FEFF}', '\u{200C}']),
                "{name}: {n:?}"
            );
        }
        insta::assert_snapshot!(format!("outline-fixture-{name}"), outline_golden(&doc, &o));
    }
}
