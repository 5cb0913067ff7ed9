use super::*;
use crate::document::SourceFormat;

fn outline_of(text: &str) -> Outline {
    outline(&Document::from_text(
        text.to_owned(),
        "UTF-8",
        SourceFormat::Text,
    ))
}

/// `depth kind marker title` per node.
fn summary(o: &Outline) -> Vec<String> {
    o.nodes
        .iter()
        .map(|n| {
            let kind = if n.kind == NodeKind::Point {
                " point"
            } else {
                ""
            };
            format!("{}{} {} {}", n.depth, kind, n.marker, n.title)
        })
        .collect()
}

const BODY: &str =
    "这是一段足够长的正文内容，用来说明前后都是正文段落，而不是标题或者其他的东西，请注意。";

#[test]
fn levels_follow_nesting_order_not_a_fixed_table() {
    // 一、 then 1. directly: 1. is level 2.
    let o = outline_of(&format!(
        "标题\n同志们：\n一、总体要求\n1.第一项。{BODY}\n2.第二项。{BODY}\n二、重点任务\n1.第三项。{BODY}"
    ));
    assert_eq!(
        summary(&o),
        [
            "1 一、 总体要求",
            "2 1. 第一项",
            "2 2. 第二项",
            "1 二、 重点任务",
            "2 1. 第三项"
        ]
    );
}

#[test]
fn heading_as_first_sentence_takes_only_that_sentence() {
    let o = outline_of(
        "标题\n一、总体\n（一）把理论武装作为政治建设的首要任务。只有加强理论武装，才能做好。",
    );
    assert_eq!(o.nodes[1].title, "把理论武装作为政治建设的首要任务");
    assert_eq!(o.nodes[1].marker, "（一）");
}

#[test]
fn decimals_years_and_out_of_sequence_markers_are_not_headings() {
    let o = outline_of(&format!(
        "标题\n同志们：\n一、总体\n3.5万元资金已经拨付到位。{BODY}\n2025年，我们完成了任务。\n七、跳得太远\n（三）没有（一）和（二）\n二、重点\n四、漏掉了三也照样是标题\n六、这一行是一个完整的句子，不是独立的标题。后面还有正文。"
    ));
    assert_eq!(
        summary(&o),
        ["1 一、 总体", "1 二、 重点", "1 四、 漏掉了三也照样是标题"]
    );
}

#[test]
fn appendix_restarts_numbering_at_top_level() {
    let o = outline_of(&format!(
        "标题\n各位代表：\n一、回顾\n{BODY}\n二、安排\n（一）第一方面\n{BODY}\n附件1\n十件民生实事\n一、提高低保标准\n{BODY}\n二、建立护理保险\n{BODY}\n附件2\n名词解释\n1.“两重”：是指重大战略。"
    ));
    assert_eq!(
        summary(&o),
        [
            "1 一、 回顾",
            "1 二、 安排",
            "2 （一） 第一方面",
            "1 附件1 十件民生实事",
            "2 一、 提高低保标准",
            "2 二、 建立护理保险",
            "1 附件2 名词解释",
            "2 1. “两重”",
        ]
    );
}

#[test]
fn inline_points_need_a_sentence_start_and_a_sequence_from_one() {
    let o = outline_of(&format!(
        "标题\n一、总体\n要落实“一岗双责”，推进一网通办。一要加快审批；二要提升服务。三要强化监督。\n二是不该单独出现。{BODY}\n五、不是标题"
    ));
    assert_eq!(
        summary(&o),
        [
            "1 一、 总体",
            "2 point 一要 加快审批",
            "2 point 二要 提升服务",
            "2 point 三要 强化监督"
        ]
    );
}

#[test]
fn mixed_shi_and_yao_are_one_sequence_and_other_families_work() {
    let o = outline_of(&format!(
        "标题\n一、总体\n一是加强领导。二要压实责任。\n二、保障\n第一，加大投入。第二，培养人才。\n三、作风\n首先，要加强组织。其次，要强化考核。最后，要锤炼作风。\n{BODY}"
    ));
    assert_eq!(
        summary(&o),
        [
            "1 一、 总体",
            "2 point 一是 加强领导",
            "2 point 二要 压实责任",
            "1 二、 保障",
            "2 point 第一 加大投入",
            "2 point 第二 培养人才",
            "1 三、 作风",
            "2 point 首先 要加强组织",
            "2 point 其次 要强化考核",
            "2 point 最后 要锤炼作风",
        ]
    );
}

#[test]
fn idioms_are_not_points() {
    let o = outline_of(
        "标题\n一、作风\n要坚持一是一、二是二。一级带着一级干，落实一岗双责。首先要看到成绩。",
    );
    assert_eq!(summary(&o), ["1 一、 作风"]);
}

#[test]
fn unnumbered_parts_between_paragraphs() {
    let o = outline_of(&format!(
        "2026年政府工作报告\n各位代表：\n{BODY}\n“十四五”时期工作回顾\n{BODY}\n2026年重点工作\n{BODY}\n（一）放大政策效应\n{BODY}\n（二）建设产业体系\n{BODY}"
    ));
    assert_eq!(
        summary(&o),
        [
            "1  “十四五”时期工作回顾",
            "1  2026年重点工作",
            "2 （一） 放大政策效应",
            "2 （二） 建设产业体系"
        ]
    );
}

#[test]
fn broken_bracket_line_joins_the_next() {
    let o = outline_of(&format!(
        "标题\n一、回顾\n（一）经济运行稳中有进。\n{BODY}\n（\n二）改革开放持续深化。\n{BODY}"
    ));
    assert_eq!(
        summary(&o),
        [
            "1 一、 回顾",
            "2 （一） 经济运行稳中有进",
            "2 （二） 改革开放持续深化"
        ]
    );
}

#[test]
fn title_salutation_and_boilerplate() {
    let text = "下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n2026年某省政府工作报告\n——2026年1月25日在某省人民代表大会上\n来源：某某日报\n时间：2026-02-02\n某省省长 某某\n某某同志作政府工作报告。本报记者 某某摄\n各位代表：\n现在，我代表省人民政府，向大会报告工作。\n一、回顾\n相关报道：";
    let o = outline_of(text);
    assert_eq!(o.title.as_deref(), Some("2026年某省政府工作报告"));
    assert_eq!(summary(&o), ["1 一、 回顾"]);
    let bp: Vec<usize> = o.boilerplate.iter().map(|b| b.line).collect();
    assert_eq!(bp, [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 18]);
    assert_eq!(o.roles[10], LineRole::FrontMatter);
    assert_eq!(o.roles[13], LineRole::FrontMatter);
    assert_eq!(o.roles[15], LineRole::Salutation);
}

#[test]
fn ranges_are_nested_and_end_at_the_last_content() {
    let o = outline_of(&format!(
        "标题\n一、总体\n（一）第一。一是甲。二是乙。\n{BODY}\n二、其他\n{BODY}\n\n仅供学习 禁止外传 QQ123456"
    ));
    for (i, n) in o.nodes.iter().enumerate() {
        assert!(n.range.start <= n.range.end, "{n:?}");
        for p in o.path_to(i) {
            assert!(
                o.nodes[p].range.contains_range(n.range),
                "{:?} in {:?}",
                n,
                o.nodes[p]
            );
        }
    }
    let last = o.nodes.last().map(|n| n.range.end);
    let doc = Document::from_text(
        format!("标题\n一、总体\n（一）第一。一是甲。二是乙。\n{BODY}\n二、其他\n{BODY}"),
        "UTF-8",
        SourceFormat::Text,
    );
    assert_eq!(last, Some(doc.char_count));
    // 一是 ends where 二是 starts.
    assert_eq!(o.nodes[2].range.end, o.nodes[3].range.start);
}

#[test]
fn markdown_headings_feed_the_outline() {
    let doc = Document::from_text(
        "# 讲话稿\n\n## 总体要求\n\n正文。\n\n### 细节\n\n一是甲。二是乙。\n\n## 重点任务\n".into(),
        "UTF-8",
        SourceFormat::Markdown,
    );
    let o = outline(&doc);
    assert_eq!(o.title.as_deref(), Some("讲话稿"));
    assert_eq!(
        summary(&o),
        [
            "1  总体要求",
            "2  细节",
            "3 point 一是 甲",
            "3 point 二是 乙",
            "1  重点任务"
        ]
    );
}

#[test]
fn points_joined_by_commas_split_their_titles() {
    let o = outline_of(
        "标题\n一、成就\n五年来成绩显著：一是首都功能持续提升，二是高质量发展迈上新台阶，三是民生福祉不断增进。",
    );
    assert_eq!(
        summary(&o),
        [
            "1 一、 成就",
            "2 point 一是 首都功能持续提升",
            "2 point 二是 高质量发展迈上新台阶",
            "2 point 三是 民生福祉不断增进"
        ]
    );
    // A comma never opens a new sequence.
    let o = outline_of("标题\n一、成就\n我们看到，一是新的开始。");
    assert_eq!(summary(&o), ["1 一、 成就"]);
}

/// Every position's node and every node's path, walking back through the nodes and through
/// the index, agree.
fn assert_index_agrees(o: &Outline, chars: usize, name: &str) {
    let index = o.index();
    for i in 0..o.nodes.len() {
        assert_eq!(index.path_to(i), o.path_to(i), "{name}: path of node {i}");
    }
    for pos in 0..=chars + 1 {
        assert_eq!(index.node_at(pos), o.node_at(pos), "{name}: node at {pos}");
    }
}

#[test]
fn the_index_answers_as_the_walk_back_does() {
    let mut texts: Vec<(String, String, SourceFormat)> = vec![
        (
            "nested".into(),
            format!(
                "标题\n一、总体\n（一）第一。一是甲。二是乙。\n{BODY}\n\n（二）第二\n1.细则\n首先，甲。其次，乙。最后，丙。\n二、其他\n{BODY}\n\n仅供学习 禁止外传 QQ123456"
            ),
            SourceFormat::Text,
        ),
        (
            "markdown".into(),
            "# 讲话稿\n\n## 总体要求\n\n正文。\n\n### 细节\n\n一是甲。二是乙。\n\n## 重点任务\n\n#### 深\n\n正文。\n"
                .into(),
            SourceFormat::Markdown,
        ),
        (
            "points only".into(),
            "一是甲。二是乙。\n\n正文。\n一要甲。二要乙。三要丙。\n".into(),
            SourceFormat::Text,
        ),
        (
            "sample".into(),
            include_str!("../../assets/sample-speech.txt").to_owned(),
            SourceFormat::Text,
        ),
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = [
        root.join("tests/fixtures"),
        root.join("../shared/corpus/reports"),
    ];
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if let Ok(text) = std::fs::read_to_string(&path) {
                let format = if path.extension().is_some_and(|x| x == "md") {
                    SourceFormat::Markdown
                } else {
                    SourceFormat::Text
                };
                texts.push((path.display().to_string(), text, format));
            }
        }
    }
    for (name, text, format) in texts {
        let doc = Document::from_text(text, "UTF-8", format);
        let o = outline(&doc);
        assert_index_agrees(&o, doc.char_count, &name);
    }
}

#[test]
fn a_long_run_of_sections_under_one_heading_is_indexed_in_linear_time() {
    // Every node's walk back reaches the one top-level heading: 15,000 nodes, over 100 M
    // steps for all paths by walking, 45,000 through the index.
    let mut text = String::from("标题\n一、总体\n");
    for n in 0..5_000 {
        text.push_str(&format!("（一）第{n}项。一是甲。二是乙。三是丙。\n"));
    }
    let doc = Document::from_text(text, "UTF-8", SourceFormat::Text);
    let o = outline(&doc);
    assert!(o.nodes.len() > 15_000, "{}", o.nodes.len());
    let started = std::time::Instant::now();
    let index = o.index();
    let steps: usize = (0..o.nodes.len()).map(|i| index.path_to(i).len()).sum();
    let found = (0..doc.char_count)
        .step_by(7)
        .filter(|&p| index.node_at(p).is_some())
        .count();
    assert!(steps > 0 && found > 0);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // Spot checks against the walk back.
    for i in (0..o.nodes.len()).step_by(997) {
        assert_eq!(index.path_to(i), o.path_to(i));
    }
}

#[test]
fn articles_are_nodes_only_at_a_line_start_and_in_sequence() {
    let o = outline_of(
        "某某条例\n第一条　为了规范管理，制定本条例。\n第二条　依照本条例第十条的规定执行。\n第十条规定的标准另行制定。\n第三条　有下列情形之一的：\n（一）甲；\n（二）乙。\n第四条　本条例自公布之日起施行。",
    );
    assert_eq!(
        summary(&o),
        [
            "1 第一条 为了规范管理",
            "1 第二条 依照本条例第十条的规定执行",
            "1 第三条 有下列情形之一的",
            "2 （一） 甲",
            "2 （二） 乙",
            "1 第四条 本条例自公布之日起施行",
        ]
    );
}

#[test]
fn items_restart_in_every_article_and_never_run_on_from_another() {
    let o = outline_of(
        "某某办法\n第一条　下列事项：\n（一）甲；\n（二）乙；\n（三）丙。\n第二条　本办法所称单位，是指机关。\n（四）本条所称机关包括事业单位。\n第三条　下列情形：\n（一）丁；\n（二）戊。",
    );
    assert_eq!(
        summary(&o),
        [
            "1 第一条 下列事项",
            "2 （一） 甲",
            "2 （二） 乙",
            "2 （三） 丙",
            "1 第二条 本办法所称单位",
            "1 第三条 下列情形",
            "2 （一） 丁",
            "2 （二） 戊",
        ]
    );
}

#[test]
fn numbering_runs_on_across_parts() {
    let o = outline_of(&format!(
        "某某意见\n各区人民政府：\n{BODY}\n一、总体要求\n（一）甲。{BODY}\n（二）乙。{BODY}\n二、重点任务\n（三）丙。{BODY}\n（四）丁。{BODY}\n三、保障\n（五）戊。{BODY}"
    ));
    let depths: Vec<(u8, String)> = o
        .nodes
        .iter()
        .map(|n| (n.depth, n.marker.clone()))
        .collect();
    assert_eq!(
        depths,
        [
            (1, "一、".into()),
            (2, "（一）".into()),
            (2, "（二）".into()),
            (1, "二、".into()),
            (2, "（三）".into()),
            (2, "（四）".into()),
            (1, "三、".into()),
            (2, "（五）".into()),
        ]
    );
}

#[test]
fn decimal_headings_and_quantities() {
    let o = outline_of(
        "某某预案\n1　总则\n1.1　编制目的\n为了做好工作，制定本预案。\n1.5万亿元的投资不是标题。\n1.2 编制依据\n依据有关法律。\n2　组织体系\n2.1 指挥部\n负责统一指挥。",
    );
    assert_eq!(
        summary(&o),
        [
            "1 1 总则",
            "2 1.1 编制目的",
            "2 1.2 编制依据",
            "1 2 组织体系",
            "2 2.1 指挥部"
        ]
    );
}

#[test]
fn a_document_of_a_compilation_is_never_swallowed_by_the_appendix_before_it() {
    let o = outline_of(&format!(
        "第一份报告\n——2024年1月5日在某某会议上\n各位代表：\n一、回顾\n{BODY}\n附件\n名词解释\n1.“两新”：指设备更新。\n第二份报告\n——2025年1月5日在某某会议上\n各位代表：\n一、回顾\n{BODY}"
    ));
    assert_eq!(
        summary(&o),
        [
            "1  第一份报告",
            "2 一、 回顾",
            "2 附件 名词解释",
            "3 1. “两新”",
            "1  第二份报告",
            "2 一、 回顾",
        ]
    );
}

#[test]
fn metadata_ranges_point_at_their_values() {
    let text = "某某省人民政府文件\n某政发〔2025〕8号\n某某省人民政府关于某某工作的通知\n各市、县人民政府：\n现将有关事项通知如下。\n某某省人民政府\n2025年4月10日";
    let doc = Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text);
    let o = outline(&doc);
    let found: Vec<(&str, &str)> = o
        .metadata
        .iter()
        .map(|m| (m.key.as_str(), doc.slice(m.range)))
        .collect();
    assert_eq!(
        found,
        [
            ("发文机关标志", "某某省人民政府文件"),
            ("发文字号", "某政发〔2025〕8号"),
            ("主送机关", "各市、县人民政府"),
            ("署名", "某某省人民政府"),
            ("成文日期", "2025年4月10日"),
        ]
    );
    assert_eq!(o.title.as_deref(), Some("某某省人民政府关于某某工作的通知"));
    for m in &o.metadata {
        assert_eq!(o.roles[m.line], LineRole::Metadata, "{m:?}");
    }
    assert_eq!(o.roles[4], LineRole::Body);
}

#[test]
fn topic_sentences_are_kept_apart_until_asked_for() {
    let o = outline_of(&format!(
        "标题\n一、工作回顾\n做强科技创新。{BODY}\n加快成果转化。{BODY}一是建平台。二是强机制。\n"
    ));
    assert_eq!(
        summary(&o),
        [
            "1 一、 工作回顾",
            "2 point 一是 建平台",
            "2 point 二是 强机制"
        ]
    );
    let titles: Vec<&str> = o.topics.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["做强科技创新", "加快成果转化"]);
    let with = o.with_topics();
    let kinds: Vec<(u8, NodeKind)> = with.nodes.iter().map(|n| (n.depth, n.kind)).collect();
    assert_eq!(
        kinds,
        [
            (1, NodeKind::Heading),
            (2, NodeKind::Topic),
            (2, NodeKind::Topic),
            (3, NodeKind::Point),
            (3, NodeKind::Point),
        ]
    );
    assert_eq!(with.path_to(4), [0, 2, 4]);
    // One short opener alone is no parallel series.
    let o = outline_of(&format!(
        "标题\n一、回顾\n成绩来之不易。{BODY}\n{BODY}\n{BODY}"
    ));
    assert!(o.topics.is_empty());
}

#[test]
fn words_of_a_sentence_on_their_own_lines_are_text_but_menus_are_not() {
    let o = outline_of(
        "某某条例\n第一条　为了规范管理，根据\n宪法\n和\n基本法\n，制定本条例。\n第二条　本条例自公布之日起施行。\n首页\n新闻\n政务\n服务",
    );
    let hidden: Vec<usize> = o.boilerplate.iter().map(|b| b.line).collect();
    assert_eq!(hidden, [7, 8, 9, 10]);
}

#[test]
fn an_article_never_nests_under_the_items_of_the_article_before() {
    // `第 三 条` is not read as an article; its items stand under the chapter, and the next
    // article goes back to the articles' level.
    let o = outline_of(
        "某某办法\n第一章　总则\n第一条　为了规范管理，制定本办法。\n第二章　职责\n第 二 条主管部门履行下列职责：\n（一）编制计划；\n（二）组织验收。\n第三条　本办法自公布之日起施行。",
    );
    assert_eq!(
        summary(&o),
        [
            "1 第一章 总则",
            "2 第一条 为了规范管理",
            "1 第二章 职责",
            "2 （一） 编制计划",
            "2 （二） 组织验收",
            "2 第三条 本办法自公布之日起施行",
        ]
    );
}

#[test]
fn lists_restart_after_a_label_and_start_after_one() {
    let o = outline_of(
        "某某办法\n第一条　本办法所列物品见附表。\n第二条　本办法自公布之日起施行。\n附表\n物品目录\n甲类\n1．1—甲基丙酮\n2．2，3—二甲基丁烷\n乙类\n1．甲醇\n2．乙醇\n注：1．带*的品种从严管理。\n2．混合物按最高类别管理。",
    );
    let markers: Vec<(u8, &str)> = o
        .nodes
        .iter()
        .map(|n| (n.depth, n.marker.as_str()))
        .collect();
    assert_eq!(
        markers,
        [
            (1, "第一条"),
            (1, "第二条"),
            (1, "附表"),
            (2, "1．"),
            (2, "2．"),
            (2, "1．"),
            (2, "2．"),
            (2, "1．"),
            (2, "2．"),
        ]
    );
    // The item after `注：` starts where its number stands.
    assert_eq!(o.nodes[7].title, "带*的品种从严管理");
    // A `1．` after a sentence is no restart: a second `1．` under the same parent is not
    // a heading.
    let o = outline_of(
        "某某办法\n第一条　本办法所列物品见附表。\n附表\n1．甲醇\n2．乙醇\n以上物品应当单独存放，不得与其他物品混放。\n1．丙醇",
    );
    assert_eq!(o.nodes.iter().filter(|n| n.marker == "1．").count(), 1);
}

#[test]
fn a_title_over_lines_keeps_every_line() {
    let body = "为了做好有关工作，经研究，现就有关事项通知如下。各地区、各部门要认真贯彻落实，确保各项措施落到实处，取得实效。";
    for (text, title) in [
        // A first line ending in 文件 after 关于 is no issuing authority.
        (
            format!(
                "某某省人民政府办公厅关于清理规范性文件\n有关事项的通知\n某政办发〔2026〕3号\n各市人民政府：\n{body}"
            ),
            "某某省人民政府办公厅关于清理规范性文件有关事项的通知",
        ),
        // A line ending in 法 inside an open 《 goes on on the next line.
        (
            format!(
                "某某省人民政府关于在某某试验区暂时调整\n实施《中华人民共和国某某管理法\n实施条例》有关规定的决定\n某政发〔2026〕5号\n{body}"
            ),
            "某某省人民政府关于在某某试验区暂时调整实施《中华人民共和国某某管理法实施条例》有关规定的决定",
        ),
        // A line spaced out for print.
        (
            format!("某某省人民政府关于粮食收购\n几 个 问 题 的 通 知\n某政发〔1981〕8号\n{body}"),
            "某某省人民政府关于粮食收购几个问题的通知",
        ),
    ] {
        assert_eq!(outline_of(&text).title.as_deref(), Some(title), "{text}");
    }
}

#[test]
fn a_list_of_attachments_numbered_from_the_word_attachment() {
    // `附件1.` followed by `2.`: the list's first item, not attachment 1's heading.
    let o = outline_of(&format!(
        "某某省人民政府关于某某口岸范围的批复\n某某市人民政府：\n一、口岸范围包括查验区和大桥部分桥面。{BODY}\n二、土地使用期限至2047年止。{BODY}\n附件1.查验区界址点坐标\n2.大桥部分桥面界址点坐标\n某某省人民政府\n2026年1月5日"
    ));
    assert_eq!(
        summary(&o),
        [
            "1 一、 口岸范围包括查验区和大桥部分桥面",
            "1 二、 土地使用期限至2047年止",
            "1 附件 ",
            "2 1. 查验区界址点坐标",
            "2 2. 大桥部分桥面界址点坐标",
        ]
    );
}

#[test]
fn the_lead_in_of_a_judicial_interpretation_is_no_advertising() {
    // `倒卖` is an advertising word (`举报倒卖会员资料的人`), but a sentence that opens the
    // body with `…如下：` is text.
    let o = outline_of(
        "最高人民法院关于审理倒卖车票刑事案件有关问题的解释\n\n1999年9月2日 最高人民法院审判委员会通过\n\n为依法惩处倒卖车票的犯罪活动，根据刑法的有关规定，现就审理倒卖车票刑事案件的有关问题解释如下：\n\n第一条 高价倒卖车票，票面数额在五千元以上的，依照刑法的规定定罪处罚。\n\n第二条 本解释自公布之日起施行。",
    );
    assert!(o.boilerplate.is_empty(), "{:?}", o.boilerplate);
    assert_eq!(o.nodes.len(), 2);
}

#[test]
fn an_article_number_alone_on_its_line_takes_its_title_from_the_next() {
    let o = outline_of(
        "某某条例\n第一章　总则\n第一条\n为了规范管理，制定本条例。\n第二条\n本条例适用于本省。有下列情形之一的，一是加强管理，二是强化服务。\n第二章　附则\n第三条　本条例自公布之日起施行。",
    );
    assert_eq!(
        summary(&o),
        [
            "1 第一章 总则",
            "2 第一条 为了规范管理",
            "2 第二条 本条例适用于本省",
            // The points of the line under the article are found once.
            "3 point 一是 加强管理",
            "3 point 二是 强化服务",
            "1 第二章 附则",
            "2 第三条 本条例自公布之日起施行",
        ]
    );
    // The title stands where its range says, on the next line.
    let doc = Document::from_text(
        "某某条例\n第一条\n为了规范管理，制定本条例。\n第二条　本条例自公布之日起施行。".to_owned(),
        "UTF-8",
        SourceFormat::Text,
    );
    let o = outline(&doc);
    assert_eq!(doc.slice(o.nodes[0].title_range), "为了规范管理");
    assert_eq!(o.nodes[0].line, 1);
}

#[test]
fn a_chapter_number_alone_on_its_line_takes_the_next_line_as_its_title() {
    let o = outline_of(
        "某某条例\n第一章\n总　　则\n第一条　为了规范管理，制定本条例。\n第二章\n\n法律责任\n\n第二条　违反本条例的，依法处理。",
    );
    assert_eq!(
        summary(&o),
        [
            "1 第一章 总则",
            "2 第一条 为了规范管理",
            "1 第二章 法律责任",
            "2 第二条 违反本条例的",
        ]
    );
    // The title's line belongs to the heading; the blank lines around it stay blank.
    assert_eq!(o.roles[2], LineRole::Heading);
    assert_eq!(o.roles[5], LineRole::Blank);
}

#[test]
fn a_big_document_outlined_on_two_threads_is_outlined_as_on_one() {
    // Points after a salutation, after a heading's title on its line, after commas, circled
    // numbers, `首先`/`其次`, and markers that run on into a heading's title (`十二是`).
    let part = format!(
        "同志们：一是要加强学习。二是要推动落实。\n\
         一、总体要求。首先，统一思想。其次，明确任务。最后，狠抓落实。{BODY}\n\
         （一）加强理论武装。一是学深。二是悟透。三是做实。{BODY}\n\
         （二）十二是个数字。加强纪律建设，一是要严。二是要实。{BODY}\n\
         \u{3000}\u{3000}主要有：①规划；②建设；③管理。{BODY}\n\
         第一，坚持原则。第二，讲究方法。{BODY}\n\
         二、重点任务\n\
         1.第一项。{BODY}\n"
    );
    let text = part.repeat(1 + PARALLEL_BYTES / part.len());
    let doc = Document::from_text(text, "UTF-8", SourceFormat::Text);
    assert!(doc.text.len() >= PARALLEL_BYTES);
    let on_two = outline(&doc);
    let on_one = build(&doc, None, || line_placeholders(&doc, 0..doc.lines.len()));
    assert!(on_two.nodes.iter().any(|n| n.kind == NodeKind::Point));
    assert!(on_two.nodes.iter().any(|n| n.marker.starts_with('①')));
    assert_eq!(on_two, on_one);
}

#[test]
fn point_candidates_found_beforehand_stand_for_a_search_only_when_none_is_cut() {
    let all = [(0, 6), (10, 16), (20, 26)];
    assert_eq!(candidates_in(&all, 0, 30), Some(&all[..]));
    assert_eq!(candidates_in(&all, 6, 30), Some(&all[1..]));
    assert_eq!(candidates_in(&all, 8, 17), Some(&all[1..2]));
    assert_eq!(candidates_in(&all, 17, 19), Some(&all[..0]));
    // A candidate across the start or the end: the text is searched instead.
    assert_eq!(candidates_in(&all, 3, 30), None);
    assert_eq!(candidates_in(&all, 6, 12), None);
}
