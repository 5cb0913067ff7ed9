//! `pizhu outline` on the outline fixtures, through the built binary: document metadata in
//! every format, topic sentences with `--topics`, one line on stderr for a bad file.

mod common;

use std::path::{Path, PathBuf};

use common::{pizhu, stderr, stdout};

fn fixture(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/outline")
        .join(name);
    path.display().to_string()
}

#[test]
fn a_gongwen_header_and_end_matter_are_printed_as_metadata() {
    let out = pizhu(&["outline", &fixture("gongwen-header.txt")]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("cli-outline-gongwen-text", stdout(&out));
    let md = pizhu(&[
        "outline",
        &fixture("gongwen-header.txt"),
        "--format",
        "markdown",
    ]);
    assert!(md.status.success());
    insta::assert_snapshot!("cli-outline-gongwen-markdown", stdout(&md));
}

#[test]
fn json_metadata_points_at_its_values() {
    let path = fixture("govcn-metadata.txt");
    let out = pizhu(&["outline", &path, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let text: Vec<char> = std::fs::read_to_string(&path)
        .expect("fixture")
        .chars()
        .collect();
    let metadata = value["metadata"].as_array().expect("metadata");
    let keys: Vec<&str> = metadata.iter().filter_map(|m| m["key"].as_str()).collect();
    assert_eq!(
        keys,
        [
            "索引号",
            "主题分类",
            "发文机关",
            "成文日期",
            "标题",
            "发文字号",
            "发布日期",
            "主送机关",
            "署名"
        ]
    );
    for m in metadata {
        let (start, end) = (m["start"].as_u64().unwrap(), m["end"].as_u64().unwrap());
        let slice: String = text[start as usize..end as usize].iter().collect();
        assert_eq!(m["value"].as_str(), Some(slice.as_str()), "{m}");
    }
    assert_eq!(
        value["title"],
        "某某省人民政府关于加强基层应急能力建设的意见"
    );
    // Metadata is no heading.
    let nodes = value["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 2);
    // A contents block is reported where it stands.
    let plan = pizhu(&["outline", &fixture("decimal-plan.txt"), "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).expect("valid JSON");
    assert!(plan["contents"]["start"].as_u64() < plan["contents"]["end"].as_u64());
    assert!(value.get("contents").is_none());
}

#[test]
fn topic_sentences_only_with_topics() {
    let path = fixture("topic-sentences.txt");
    let plain = stdout(&pizhu(&["outline", &path]));
    assert!(!plain.contains("做强科技创新核心驱动"), "{plain}");
    let out = pizhu(&["outline", &path, "--topics"]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("cli-outline-topics-text", stdout(&out));
    let json = pizhu(&["outline", &path, "--topics", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    let topics = value["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["kind"] == "topic")
        .count();
    assert_eq!(topics, 6);
}

#[test]
fn a_missing_file_is_one_line_on_stderr() {
    let out = pizhu(&["outline", "/nonexistent/法规.txt", "--topics"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("/nonexistent/法规.txt"), "{err}");
    assert!(stdout(&out).is_empty());
}
