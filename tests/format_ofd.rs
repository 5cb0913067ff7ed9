//! OFD (GB/T 33190) documents: the corpus's files (one made from the seed speech, real ones
//! from the ofdrw project), variants made with `../shared/tools/make-ofd.py`, the command
//! line, and bad input.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use pizhu::document::{Document, OfdError, OpenError, SourceFormat};

/// `../shared/tools/make-ofd.py`, when the corpus and python3 are there (python3 is
/// required under CI).
fn make_ofd_tool() -> Option<PathBuf> {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/make-ofd.py");
    if !tool.is_file() {
        return None;
    }
    let works = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 must be installed under CI to make OFD files"
        );
        let _ = writeln!(std::io::stderr(), "skipped: python3 not installed");
        return None;
    }
    Some(tool)
}

/// Lay `src` out as an OFD at `out` with make-ofd.py and these options.
fn make_ofd(tool: &Path, src: &Path, out: &Path, options: &[&str]) {
    let run = Command::new("python3")
        .arg(tool)
        .arg(src)
        .arg(out)
        .args(options)
        .output()
        .expect("python3 runs");
    assert!(
        run.status.success(),
        "make-ofd.py {options:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Open a corpus OFD; its lines.
fn lines_of(path: &Path) -> Vec<String> {
    let doc = Document::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(doc.format, SourceFormat::Ofd, "{}", path.display());
    doc.lines
        .iter()
        .map(|l| doc.line_text(l).to_owned())
        .collect()
}

#[test]
fn the_seed_speech_as_ofd_reads_like_the_txt() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    common::assert_reads_like(
        &corpus.join("ofd/speech-lianzheng.ofd"),
        &corpus.join("seed/speech-lianzheng.txt"),
    );
}

#[test]
fn ofd_variants_per_char_shuffled_and_with_a_running_header_read_like_the_seed() {
    let (Some(corpus), Some(tool)) = (common::corpus(), make_ofd_tool()) else {
        return;
    };
    let seed = corpus.join("seed/speech-lianzheng.txt");
    let tmp = tempfile::tempdir().expect("tempdir");
    let header = "某某市人民政府办公室内部资料";
    let variants: [(&str, &[&str]); 4] = [
        ("per-char", &["--per-char"]),
        ("shuffled", &["--shuffle", "7"]),
        ("header", &["--header", header]),
        ("all", &["--per-char", "--shuffle", "3", "--header", header]),
    ];
    for (name, options) in variants {
        let out = tmp.path().join(format!("{name}.ofd"));
        make_ofd(&tool, &seed, &out, options);
        common::assert_reads_like(&out, &seed);
        let doc = Document::open(&out).expect("opens");
        assert!(!doc.text.contains(header), "{name}: running header kept");
        assert!(!doc.text.contains("— 2 —"), "{name}: page number kept");
    }
}

#[test]
fn a_report_as_ofd_has_the_outline_of_the_txt() {
    let (Some(corpus), Some(tool)) = (common::corpus(), make_ofd_tool()) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    for name in ["2026-beijing", "2026-shanghai"] {
        let txt = corpus.join(format!("reports/{name}.txt"));
        let ofd = tmp.path().join(format!("{name}.ofd"));
        make_ofd(&tool, &txt, &ofd, &[]);
        common::assert_reads_like(&ofd, &txt);
    }
}

#[test]
fn pizhu_outline_of_an_ofd_is_the_outline_of_the_txt() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let ofd = corpus.join("ofd/speech-lianzheng.ofd");
    let txt = corpus.join("seed/speech-lianzheng.txt");
    let from_ofd = common::pizhu(&["outline", ofd.to_str().expect("utf-8 path")]);
    let from_txt = common::pizhu(&["outline", txt.to_str().expect("utf-8 path")]);
    assert!(from_ofd.status.success(), "{}", common::stderr(&from_ofd));
    assert!(from_txt.status.success(), "{}", common::stderr(&from_txt));
    let out = common::stdout(&from_ofd);
    assert!(
        out.contains("坚持把政治建设作为党风廉政建设的首要责任"),
        "{out}"
    );
    assert_eq!(out, common::stdout(&from_txt));
}

#[test]
fn real_ofd_files_open_with_their_text() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("ofd");
    // Strings read in each file's Content.xml.
    let hello = lines_of(&dir.join("helloworld.ofd"));
    assert_eq!(hello, vec!["你好呀，OFD Reader&Writer！"]);
    // Chinese entry names in the zip.
    assert_eq!(
        lines_of(&dir.join("chineseDir.ofd")),
        vec!["你好呀，OFD Reader&Writer！"]
    );

    // 11 pages of numbered lines: each item its own paragraph, page numbers left out.
    let poems = lines_of(&dir.join("doc1File.ofd"));
    assert_eq!(poems[0], "1、一日不见兮，思之如狂。――《凤求凰·琴歌》");
    assert!(
        poems
            .iter()
            .any(|l| l == "13、相思相见知何日，此时此夜难为情。――《秋风词》")
    );
    assert!(
        poems
            .iter()
            .any(|l| l.starts_with("14、一枝红艳露凝香，云雨巫山枉断肠。"))
    );
    let items = poems
        .iter()
        .filter(|l| {
            l.split('、')
                .next()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .count();
    assert!(items * 10 >= poems.len() * 9, "{items} of {}", poems.len());

    // A manual: its title over two objects and lines is one paragraph; the stamp
    // annotation ("保密资料") drawn over the page is not text of the document.
    let manual = lines_of(&dir.join("ano.ofd"));
    assert_eq!(manual[0], "可信安全浏览器Web应用开发指南（常用手册）");
    assert!(manual.iter().all(|l| !l.contains("保密资料")));

    // An invoice: the filled-in values, not the template's labels.
    let invoice = lines_of(&dir.join("1.ofd")).join("\n");
    for value in [
        "浙江增值税电子普通发票",
        "江苏京利华新材料有限公司",
        "兰溪市悦济舫餐厅",
        "¥526.00",
    ] {
        assert!(invoice.contains(value), "{value} in {invoice}");
    }
    assert!(
        !invoice.contains("纳税人识别号："),
        "template text read: {invoice}"
    );

    // A certificate and a form: text in many boxes, every value there.
    let certificate = lines_of(&dir.join("keyword.ofd")).join("\n");
    for value in [
        "鲁（2020）泰安市不动产证明第0014777号",
        "中国建设银行股份有限公司泰安分行",
    ] {
        assert!(certificate.contains(value), "{value} in {certificate}");
    }
    let form = lines_of(&dir.join("zsbk.ofd")).join("\n");
    for value in [
        "某某省住房和城乡建设厅",
        "中华监测有限公司保障园区项目",
        "2020年10月9日",
    ] {
        assert!(form.contains(value), "{value} in {form}");
    }
}

#[test]
fn an_ofd_is_sniffed_by_content_and_a_docx_still_opens_as_docx() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let bytes = std::fs::read(corpus.join("ofd/helloworld.ofd")).expect("read");
    for name in ["hello.docx", "hello.zip", "hello"] {
        let doc = Document::from_bytes(bytes.clone(), name).expect("opens");
        assert_eq!(doc.format, SourceFormat::Ofd, "{name}");
        assert_eq!(doc.text, "你好呀，OFD Reader&Writer！");
    }
    let docx = std::fs::read(corpus.join("docx/2026-beijing.styled.docx")).expect("read");
    let doc = Document::from_bytes(docx.clone(), "report.docx").expect("opens");
    assert_eq!(doc.format, SourceFormat::Docx);
    // A .docx renamed .ofd: a zip, but not an OFD.
    let err = Document::from_bytes(docx, "report.ofd").unwrap_err();
    assert!(matches!(err, OpenError::Ofd(OfdError::NotOfd)), "{err}");
}

#[test]
fn bad_ofd_files_get_one_clear_line_and_no_panic() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = tmp.path().join("公文.ofd");
    std::fs::write(&fake, "这不是 OFD 文件").expect("write");
    let err = Document::open(&fake).unwrap_err();
    assert!(matches!(err, OpenError::Ofd(OfdError::NotZip)), "{err}");
    let run = common::pizhu(&["outline", fake.to_str().expect("utf-8 path")]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = common::stderr(&run);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a valid OFD file"), "{stderr}");

    let Some(corpus) = common::corpus() else {
        return;
    };
    let good = std::fs::read(corpus.join("ofd/speech-lianzheng.ofd")).expect("read");
    // Cut short anywhere, or with bytes overwritten: an error or a document, never a panic.
    for cut in [30, good.len() / 3, good.len() / 2, good.len() - 30] {
        let result = Document::from_bytes(good[..cut].to_vec(), "cut.ofd");
        assert!(result.is_err(), "cut at {cut}");
    }
    for at in (0..good.len()).step_by(good.len() / 40) {
        let mut bad = good.clone();
        for b in bad.iter_mut().skip(at).take(16) {
            *b ^= 0x5A;
        }
        let _ = Document::from_bytes(bad, "flipped.ofd");
    }
}
