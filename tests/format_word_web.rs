//! Word 97–2003 `.doc` / Kingsoft `.wps`, saved web pages (HTML, MHTML) and EPUB: each read
//! as the document it was made from.

mod common;

use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::time::{Duration, Instant};

use pizhu::document::{DocError, Document, LineHint, OpenError, SourceFormat};

fn lines(doc: &Document) -> Vec<&str> {
    doc.lines.iter().map(|l| doc.line_text(l)).collect()
}

fn hint_of(doc: &Document, text: &str) -> LineHint {
    doc.lines
        .iter()
        .find(|l| doc.line_text(l) == text)
        .unwrap_or_else(|| panic!("no line {text:?} in {:?}", lines(doc)))
        .hint
}

// ---------------------------------------------------------------- .doc and .wps

#[test]
fn doc_seed_reads_like_the_seed_also_as_wps() {
    let Some(c) = common::corpus() else { return };
    let doc = c.join("doc/speech-lianzheng.doc");
    let seed = c.join("seed/speech-lianzheng.txt");
    common::assert_reads_like(&doc, &seed);
    let opened = Document::open(&doc).expect("opens");
    assert_eq!(opened.format, SourceFormat::Doc);
    // A Kingsoft .wps is the same format: the same file renamed opens the same.
    let dir = tempfile::tempdir().expect("tempdir");
    let wps = dir.path().join("讲话.wps");
    std::fs::copy(&doc, &wps).expect("copy");
    common::assert_reads_like(&wps, &seed);
}

#[test]
fn doc_report_has_the_reports_outline_and_heading_hints() {
    let Some(c) = common::corpus() else { return };
    let doc = c.join("doc/2026-beijing.doc");
    common::assert_reads_like(&doc, &c.join("reports/2026-beijing.txt"));
    // Made from the styled .docx: the same hints as the .docx gives.
    let from_doc = Document::open(&doc).expect("doc");
    let from_docx = Document::open(&c.join("docx/2026-beijing.styled.docx")).expect("docx");
    let hints = |d: &Document| -> Vec<(String, LineHint)> {
        d.lines
            .iter()
            .filter(|l| l.hint != LineHint::None)
            .map(|l| (d.line_text(l).trim().to_owned(), l.hint))
            .collect()
    };
    let expected = hints(&from_docx);
    assert!(expected.len() > 5, "{expected:?}");
    assert!(expected.iter().any(|(_, h)| *h == LineHint::Title));
    assert_eq!(hints(&from_doc), expected);
}

/// A flat ODF text with a header, a footer, a hyperlink, a page-number field and a table.
const FODT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles><style:page-layout style:name="pm1"/></office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p>页眉：某某市人民政府办公室</text:p></style:header>
   <style:footer><text:p>页脚第<text:page-number text:select-page="current">1</text:page-number>页</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text>
  <text:h text:outline-level="1">一、总体要求</text:h>
  <text:p>详见<text:a xlink:type="simple" xlink:href="http://www.gov.cn/">中国政府网</text:a>公告。</text:p>
  <table:table table:name="T1"><table:table-column table:number-columns-repeated="2"/>
   <table:table-row><table:table-cell><text:p>项目</text:p></table:table-cell><table:table-cell><text:p>金额</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>道路</text:p></table:table-cell><table:table-cell><text:p>120万元</text:p></table:table-cell></table:table-row>
  </table:table>
  <text:p>本页是第<text:page-number text:select-page="current">1</text:page-number>页。</text:p>
  <text:p>以上意见，请认真贯彻执行。</text:p>
 </office:text></office:body>
</office:document>
"#;

#[test]
fn doc_made_by_libreoffice_keeps_tables_and_field_results_and_leaves_out_headers() {
    let Some(soffice) = common::soffice() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let fodt = dir.path().join("notice.fodt");
    std::fs::write(&fodt, FODT).expect("write");
    let doc_path = common::convert(&soffice, &fodt, "doc", dir.path());
    let doc = Document::open(&doc_path).expect("opens");
    let got: Vec<&str> = lines(&doc)
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(
        got,
        [
            "一、总体要求",
            "详见中国政府网公告。",
            "项目\t金额",
            "道路\t120万元",
            "本页是第1页。",
            "以上意见，请认真贯彻执行。",
        ],
        "{:?}",
        doc.text
    );
    assert_eq!(hint_of(&doc, "一、总体要求"), LineHint::Heading(1));
    assert!(!doc.text.contains("页眉") && !doc.text.contains("页脚"));
    assert!(!doc.text.contains("HYPERLINK") && !doc.text.contains("PAGE"));
}

/// `bytes` (a compound file) with its WordDocument stream changed by `edit`.
fn edit_word_stream(bytes: &[u8], edit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut cfb = cfb::CompoundFile::open(std::io::Cursor::new(bytes.to_vec())).expect("cfb");
    let mut word = Vec::new();
    cfb.open_stream("/WordDocument")
        .expect("stream")
        .read_to_end(&mut word)
        .expect("read");
    edit(&mut word);
    let mut stream = cfb.open_stream("/WordDocument").expect("stream");
    stream.seek(SeekFrom::Start(0)).expect("seek");
    stream.write_all(&word).expect("write");
    drop(stream);
    cfb.flush().expect("flush");
    cfb.into_inner().into_inner()
}

#[test]
fn doc_flags_fast_saved_and_encrypted_get_their_message() {
    let Some(c) = common::corpus() else { return };
    let bytes = std::fs::read(c.join("doc/speech-lianzheng.doc")).expect("doc");
    // The untouched copy round-trips through the editor and still opens.
    let same = edit_word_stream(&bytes, |_| {});
    Document::from_bytes(same, "x.doc").expect("opens");
    let fast = edit_word_stream(&bytes, |w| w[10] |= 0x04);
    let err = Document::from_bytes(fast, "x.doc").expect_err("fast-saved");
    assert!(matches!(err, OpenError::Doc(DocError::FastSaved)), "{err}");
    assert!(err.to_string().contains("save it again"), "{err}");
    let encrypted = edit_word_stream(&bytes, |w| w[11] |= 0x01);
    let err = Document::from_bytes(encrypted, "x.doc").expect_err("encrypted");
    assert!(matches!(err, OpenError::Doc(DocError::Encrypted)), "{err}");
    assert!(err.to_string().contains("password"), "{err}");
    // An older FIB (Word 6/95) is named as such.
    let wrong = edit_word_stream(&bytes, |w| w[2..4].copy_from_slice(&[0x65, 0]));
    let err = Document::from_bytes(wrong, "x.doc").expect_err("Word 6");
    assert!(matches!(err, OpenError::Doc(DocError::TooOld)), "{err}");
}

#[test]
fn doc_cut_short_or_scribbled_never_panics() {
    let Some(c) = common::corpus() else { return };
    for name in ["doc/speech-lianzheng.doc", "doc/2026-beijing.doc"] {
        let bytes = std::fs::read(c.join(name)).expect("doc");
        for len in [8, 511, 512, 1024, 4096, bytes.len() / 3, bytes.len() / 2] {
            let err = Document::from_bytes(bytes[..len].to_vec(), "x.doc");
            assert!(err.is_err(), "{name} cut at {len} opened");
        }
        // Bytes of the WordDocument stream overwritten: an error or a document, no panic.
        for at in [24usize, 64, 76, 154, 418, 422, 600, 1500] {
            let scribbled = edit_word_stream(&bytes, |w| {
                if let Some(b) = w.get_mut(at..at + 4) {
                    b.copy_from_slice(&[0xFF, 0xFF, 0xFF, 0x7F]);
                }
            });
            let _ = Document::from_bytes(scribbled, "x.doc");
        }
    }
}

#[test]
fn works_wps_is_named_as_works() {
    let mut cfb = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("cfb");
    for name in ["/CONTENTS", "/SPELLING"] {
        let mut s = cfb.create_stream(name).expect("stream");
        s.write_all(&[3u8; 700]).expect("write");
    }
    cfb.flush().expect("flush");
    let bytes = cfb.into_inner().into_inner();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("信.wps");
    std::fs::write(&path, &bytes).expect("write");
    let err = Document::open(&path).expect_err("works");
    assert!(matches!(err, OpenError::Doc(DocError::Works)), "{err}");
    let out = common::pizhu(&["outline", &path.to_string_lossy()]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("Microsoft Works"),
        "{}",
        common::stderr(&out)
    );
}

// ---------------------------------------------------------------- web pages

#[test]
fn html_export_reads_like_the_seed() {
    let Some(c) = common::corpus() else { return };
    let html = c.join("html/speech-lianzheng.html");
    common::assert_reads_like(&html, &c.join("seed/speech-lianzheng.txt"));
    let doc = Document::open(&html).expect("opens");
    assert_eq!(doc.format, SourceFormat::Html);
    assert!(doc.encoding.starts_with("UTF-8"), "{}", doc.encoding);
    // The page's CSS is not text.
    assert!(!doc.text.contains("line-height"));
}

#[test]
fn gbk_page_with_meta_charset() {
    let html = "<!DOCTYPE html><html><head><meta charset=\"gbk\"><title>通知</title></head>\
                <body><p>各区县人民政府：</p><p>现将有关事项通知如下。</p></body></html>";
    let (bytes, _, _) = encoding_rs::GBK.encode(html);
    let bytes = bytes.into_owned();
    let doc = Document::from_bytes(bytes.clone(), "通知.htm").expect("opens");
    assert_eq!(lines(&doc), ["各区县人民政府：", "现将有关事项通知如下。"]);
    assert!(doc.encoding.starts_with("gb18030"), "{}", doc.encoding);
    // Sniffed by content, whatever the name.
    let doc = Document::from_bytes(bytes, "download").expect("opens");
    assert_eq!(doc.format, SourceFormat::Html);
}

/// A gov.cn-like page: navigation, a share bar and a footer around the article.
const CLUTTERED: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>关于加强廉政建设的意见_中国政府网</title>
<script>window.x = "<p>脚本</p>";</script><style>.a{color:red}</style></head>
<body>
<div class="header"><a href="/">首页</a> | <a href="/zhengce">政策</a></div>
<nav><ul><li>国务院</li><li>总理</li></ul></nav>
<div class="crumbs">首页 &gt; 政策 &gt; 文件</div>
<div class="article">
  <h1>关于加强廉政建设的意见</h1>
  <div class="pages-date">2024-01-05 来源：办公厅</div>
  <div class="bdsharebuttonbox">分享到：微信 微博</div>
  <div id="UCAP-CONTENT">
    <p>各省、自治区、直辖市人民政府：</p>
    <h2>一、总体要求</h2>
    <p>（一）坚持问题导向。推动工作落实。</p>
    <table><tr><td>项目</td><td>金额</td></tr><tr><td>道路</td><td>120万元</td></tr></table>
  </div>
</div>
<!-- 统计代码 -->
<div id="footer">版权所有：中国政府网 | 京ICP备05070218号</div>
</body></html>"#;

#[test]
fn cluttered_page_reads_only_the_article() {
    let doc = Document::from_bytes(CLUTTERED.as_bytes().to_vec(), "page.html").expect("opens");
    assert_eq!(
        lines(&doc),
        [
            "关于加强廉政建设的意见",
            "2024-01-05 来源：办公厅",
            "各省、自治区、直辖市人民政府：",
            "一、总体要求",
            "（一）坚持问题导向。推动工作落实。",
            "项目\t金额",
            "道路\t120万元",
        ]
    );
    assert_eq!(hint_of(&doc, "关于加强廉政建设的意见"), LineHint::Title);
    assert_eq!(hint_of(&doc, "一、总体要求"), LineHint::Heading(2));
    let outline = pizhu::outline::outline(&doc);
    assert_eq!(outline.title.as_deref(), Some("关于加强廉政建设的意见"));
    // Web pages named .doc (Word's "save as web page", many download sites) are pages.
    let as_doc = Document::from_bytes(CLUTTERED.as_bytes().to_vec(), "意见.doc").expect("opens");
    assert_eq!(as_doc.format, SourceFormat::Html);
    assert_eq!(as_doc.text, doc.text);
}

#[test]
fn wechat_article_reads_js_content() {
    let html = r#"<!DOCTYPE html><html><head><title>学习贯彻全会精神</title></head><body>
      <div class="rich_media_area_primary">
        <h1 class="rich_media_title" id="activity-name"> 学习贯彻全会精神 </h1>
        <div id="meta_content"><span>某某发布</span> <em>2024年1月5日</em></div>
        <div class="rich_media_content js_underline_content" id="js_content" style="visibility: hidden;">
          <section><p><span>一、提高政治站位</span></p><p>全文如下。</p></section>
        </div>
        <div class="qr_code_pc_inner">微信扫一扫关注该公众号</div>
      </div>
      <div id="js_pc_qr_code">扫码</div><p>阅读原文</p>
    </body></html>"#;
    let doc = Document::from_bytes(html.as_bytes().to_vec(), "wx.html").expect("opens");
    assert_eq!(
        lines(&doc),
        ["学习贯彻全会精神", "一、提高政治站位", "全文如下。"]
    );
    assert_eq!(hint_of(&doc, "学习贯彻全会精神"), LineHint::Title);
}

/// `html` wrapped in an MHTML archive (as Chrome saves it), with the page encoded `how`.
fn mhtml(html: &[u8], how: &str) -> Vec<u8> {
    let body = match how {
        "base64" => {
            const A: &[u8; 64] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut out = String::new();
            for (i, chunk) in html.chunks(3).enumerate() {
                if i > 0 && i % 19 == 0 {
                    out.push_str("\r\n");
                }
                let b = [
                    chunk[0],
                    chunk.get(1).copied().unwrap_or(0),
                    chunk.get(2).copied().unwrap_or(0),
                ];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                for k in 0..4 {
                    if k <= chunk.len() {
                        out.push(A[(n >> (18 - 6 * k)) as usize & 63] as char);
                    } else {
                        out.push('=');
                    }
                }
            }
            out
        }
        _ => {
            let mut out = String::new();
            let mut col = 0;
            for &b in html {
                let piece = if b == b'\n' {
                    col = 0;
                    out.push_str("\r\n");
                    continue;
                } else if b == b'=' || b >= 0x80 {
                    format!("={b:02X}")
                } else {
                    (b as char).to_string()
                };
                if col + piece.len() > 75 {
                    out.push_str("=\r\n");
                    col = 0;
                }
                col += piece.len();
                out.push_str(&piece);
            }
            out
        }
    };
    format!(
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: http://www.gov.cn/x.htm\r\n\
         Subject: =?utf-8?Q?x?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\
         \ttype=\"text/html\";\r\n\tboundary=\"----MultipartBoundary--abc----\"\r\n\r\n\
         ------MultipartBoundary--abc----\r\nContent-Type: text/css\r\n\
         Content-Transfer-Encoding: quoted-printable\r\nContent-Location: cid:css\r\n\r\n\
         p {{ color: red; }}\r\n\
         ------MultipartBoundary--abc----\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\
         Content-Transfer-Encoding: {how}\r\nContent-Location: http://www.gov.cn/x.htm\r\n\r\n\
         {body}\r\n\
         ------MultipartBoundary--abc----\r\nContent-Type: image/png\r\n\
         Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n\
         ------MultipartBoundary--abc------\r\n"
    )
    .into_bytes()
}

#[test]
fn mhtml_archives_read_like_the_seed() {
    let Some(c) = common::corpus() else { return };
    let html = std::fs::read(c.join("html/speech-lianzheng.html")).expect("html");
    let seed = c.join("seed/speech-lianzheng.txt");
    let dir = tempfile::tempdir().expect("tempdir");
    for (how, name) in [("quoted-printable", "讲话.mhtml"), ("base64", "讲话.mht")] {
        let path = dir.path().join(name);
        std::fs::write(&path, mhtml(&html, how)).expect("write");
        common::assert_reads_like(&path, &seed);
        // Sniffed by content too.
        let bytes = std::fs::read(&path).expect("read");
        let doc = Document::from_bytes(bytes, "saved").expect("opens");
        assert_eq!(doc.format, SourceFormat::Html, "{how}");
        assert!(doc.encoding.contains("MHTML"), "{}", doc.encoding);
    }
    // An archive without a page.
    let no_page = b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: image/png\r\n\r\nxx\r\n--b--\r\n";
    let err = Document::from_bytes(no_page.to_vec(), "x.mht").expect_err("no page");
    assert!(matches!(err, OpenError::Web(_)), "{err}");
    assert!(err.to_string().contains("no HTML page"), "{err}");
}

#[test]
fn fifty_megabytes_of_nested_divs_open_in_bounded_time() {
    let n = 50 * 1024 * 1024 / 11;
    let mut html = String::with_capacity(n * 11 + 100);
    html.push_str("<!DOCTYPE html><html><body>");
    for _ in 0..n {
        html.push_str("<div>");
    }
    html.push_str("最深处");
    for _ in 0..n {
        html.push_str("</div>");
    }
    html.push_str("<p>之后</p></body></html>");
    assert!(html.len() > 49 * 1024 * 1024);
    let start = Instant::now();
    let doc = Document::from_bytes(html.into_bytes(), "bomb.html").expect("opens");
    let took = start.elapsed();
    assert_eq!(lines(&doc), ["最深处", "之后"]);
    // Linear: about 25 s in a debug build on two busy cores; the bound leaves room for CI.
    assert!(took < Duration::from_secs(120), "took {took:?}");
}

#[test]
fn cli_outlines_a_web_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.html");
    std::fs::write(&path, CLUTTERED).expect("write");
    let out = common::pizhu(&["outline", &path.to_string_lossy()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert!(text.contains("一、总体要求"), "{text}");
    assert!(text.contains("坚持问题导向"), "{text}");
    assert!(!text.contains("版权所有"), "{text}");
}

// ---------------------------------------------------------------- EPUB

/// `epub` (a zip) with `container.xml` replaced by `container`.
fn with_container(epub: &[u8], container: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("name").into_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("read");
        if name == "META-INF/container.xml" {
            content = container.to_vec();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&content).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

#[test]
fn epub_made_by_libreoffice_reads_like_the_seed() {
    let Some(c) = common::corpus() else { return };
    let Some(soffice) = common::soffice() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    // The .txt itself: LibreOffice's EPUB export of a text document.
    let seed = c.join("seed/speech-lianzheng.txt");
    let txt = dir.path().join("speech.txt");
    std::fs::copy(&seed, &txt).expect("copy");
    let epub = common::convert(&soffice, &txt, "epub", dir.path());
    common::assert_reads_like(&epub, &seed);
    let doc = Document::open(&epub).expect("opens");
    assert_eq!(doc.format, SourceFormat::Epub);
    // Sniffed by content, whatever the name.
    let bytes = std::fs::read(&epub).expect("read");
    let doc = Document::from_bytes(bytes.clone(), "book.zip").expect("opens");
    assert_eq!(doc.format, SourceFormat::Epub);

    // A broken container.xml: one clear sentence, no panic.
    for container in [
        &b"<container><rootfiles><rootfile full-path="[..],
        b"<container><rootfiles/></container>",
        b"<container><rootfiles><rootfile full-path=\"OEBPS/missing.opf\"/></rootfiles></container>",
    ] {
        let broken = with_container(&bytes, container);
        let err = Document::from_bytes(broken, "book.epub").expect_err("broken");
        assert!(matches!(err, OpenError::Epub(_)), "{err}");
        let message = err.to_string();
        assert!(message.contains("EPUB book is damaged"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
    // Cut short: refused, no panic.
    for len in [100, bytes.len() / 2, bytes.len() - 10] {
        assert!(Document::from_bytes(bytes[..len].to_vec(), "book.epub").is_err());
    }
}

#[test]
fn epub_of_the_styled_report_keeps_its_outline_and_headings() {
    let Some(c) = common::corpus() else { return };
    let Some(soffice) = common::soffice() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let docx = c.join("docx/2026-beijing.styled.docx");
    let epub = common::convert(&soffice, &docx, "epub", dir.path());
    common::assert_reads_like(&epub, &c.join("reports/2026-beijing.txt"));
    let book = Document::open(&epub).expect("opens");
    let word = Document::open(&docx).expect("opens");
    // LibreOffice starts a chapter at each Heading 1 and lists only those in the contents
    // (its Heading 2 paragraphs become styled <p>s): the contents give them back as
    // level-1 headings; the level-2 ones come from their numbering, as the check above saw.
    let headings = |d: &Document, level: u8| -> Vec<String> {
        d.lines
            .iter()
            .filter(|l| l.hint == LineHint::Heading(level))
            .map(|l| d.line_text(l).trim().to_owned())
            .collect()
    };
    let expected = headings(&word, 1);
    assert_eq!(expected.len(), 3, "{expected:?}");
    assert_eq!(headings(&book, 1), expected);
}
