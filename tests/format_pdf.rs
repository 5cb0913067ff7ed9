//! PDF: the corpus PDFs read like their sources, a PDF with running headers and page
//! numbers made by LibreOffice reads like its text, the command line's outline of a PDF is
//! the .txt's, and bad PDFs (password, scan, cut short, hostile trees) get one clear error.

mod common;

use std::path::{Path, PathBuf};

use std::time::{Duration, Instant};

use pizhu::document::{Document, FormatNotice, OpenError, PdfError, SourceFormat};

/// Convert `src` to PDF in `dir` with LibreOffice.
fn convert_to_pdf(soffice: &Path, src: &Path, dir: &Path) -> PathBuf {
    common::convert(soffice, src, "pdf", dir)
}

/// `got == expected`, reporting the first difference with some context (not whole texts).
fn assert_same_text(got: &str, expected: &str) {
    if got == expected {
        return;
    }
    let (g, e): (Vec<char>, Vec<char>) = (got.chars().collect(), expected.chars().collect());
    let at = g.iter().zip(&e).take_while(|(a, b)| a == b).count();
    let around = |v: &[char]| -> String {
        v[at.saturating_sub(20)..(at + 40).min(v.len())]
            .iter()
            .collect()
    };
    panic!(
        "texts differ at char {at} of {} / {}:\n got: {}\nwant: {}",
        g.len(),
        e.len(),
        around(&g),
        around(&e)
    );
}

fn open(path: &Path) -> Document {
    Document::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Lines that are page numbers in any of the forms 公文 and office suites print.
fn is_page_number(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = t.trim_matches(|c| matches!(c, '—' | '-' | '－' | '–'));
    (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()))
        || (t.starts_with('第') && t.contains('页'))
        || t.starts_with("Page")
}

#[test]
fn the_libreoffice_pdf_of_the_seed_reads_like_the_seed() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let pdf = corpus.join("pdf/speech-lianzheng.libreoffice.pdf");
    common::assert_reads_like(&pdf, &corpus.join("seed/speech-lianzheng.txt"));
    let doc = open(&pdf);
    assert_eq!(doc.format, SourceFormat::Pdf);
    assert_eq!(doc.encoding, "PDF");
    assert!(doc.notices.is_empty(), "{:?}", doc.notices);
}

#[test]
fn the_calibre_pdf_of_the_seed_reads_like_the_seed() {
    // calibre draws every glyph with its own Type 3 font and maps several ideographs to
    // Kangxi radicals in ToUnicode, giving the real char in /ActualText: read right only
    // when ActualText wins.
    let Some(corpus) = common::corpus() else {
        return;
    };
    common::assert_reads_like(
        &corpus.join("pdf/speech-lianzheng.calibre.pdf"),
        &corpus.join("seed/speech-lianzheng.txt"),
    );
}

#[test]
fn the_beijing_report_pdf_has_the_outline_of_the_txt_and_no_page_furniture() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let pdf = corpus.join("pdf/2026-beijing.libreoffice.pdf");
    let txt = corpus.join("reports/2026-beijing.txt");
    let (doc, reference) = (open(&pdf), open(&txt));
    let (o, r) = (
        pizhu::outline::outline(&doc),
        pizhu::outline::outline(&reference),
    );
    common::assert_well_formed(&o, doc.char_count);
    assert_eq!(common::render(&o), common::render(&r));
    assert_eq!(o.title, r.title);
    // Page 2's line ending in "自然指数-" keeps its hyphen (a hyphen between CJK chars is
    // text, not a broken word).
    let known = |t: &str| common::without_whitespace(t);
    assert_same_text(&known(&doc.text), &known(&reference.text));
    // 13 pages, and paragraphs that ran across page breaks are whole again: as many
    // non-empty lines as the .txt.
    let lines = |d: &Document| d.text.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(lines(&doc), lines(&reference));
    let furniture: Vec<&str> = doc.text.lines().filter(|l| is_page_number(l)).collect();
    assert!(furniture.is_empty(), "{furniture:?}");
}

#[test]
fn a_pdf_with_a_running_header_and_page_numbers_reads_like_its_text() {
    let (Some(corpus), Some(soffice)) = (common::corpus(), common::soffice()) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let seed = corpus.join("seed/speech-lianzheng.txt");
    // A flat ODF text with the seed's lines, a running header and `— N —` footers.
    let text = std::fs::read_to_string(&seed).expect("seed");
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let body: String = text
        .lines()
        .map(|l| format!("<text:p>{}</text:p>\n", escape(l)))
        .collect();
    let fodt = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/><style:header-style/><style:footer-style/></style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
<style:header><text:p>市政府办公室 内部资料 注意保存</text:p></style:header>
<style:footer><text:p>— <text:page-number text:select-page="current">1</text:page-number> —</text:p></style:footer>
</style:master-page></office:master-styles>
<office:body><office:text>
{body}</office:text></office:body></office:document>
"#
    );
    let src = tmp.path().join("speech-header.fodt");
    std::fs::write(&src, fodt).expect("write");
    let pdf = convert_to_pdf(&soffice, &src, tmp.path());
    common::assert_reads_like(&pdf, &seed);
    let doc = open(&pdf);
    assert!(!doc.text.contains("内部资料"), "header left in the body");
    let furniture: Vec<&str> = doc.text.lines().filter(|l| is_page_number(l)).collect();
    assert!(furniture.is_empty(), "{furniture:?}");
}

#[test]
fn pizhu_outline_of_a_pdf_is_the_outline_of_the_txt() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    for (pdf, txt) in [
        (
            "pdf/2026-beijing.libreoffice.pdf",
            "reports/2026-beijing.txt",
        ),
        (
            "pdf/speech-lianzheng.libreoffice.pdf",
            "seed/speech-lianzheng.txt",
        ),
    ] {
        let (pdf, txt) = (corpus.join(pdf), corpus.join(txt));
        let from_pdf = common::pizhu(&["outline", pdf.to_str().expect("utf-8 path")]);
        let from_txt = common::pizhu(&["outline", txt.to_str().expect("utf-8 path")]);
        assert!(from_pdf.status.success(), "{}", common::stderr(&from_pdf));
        assert!(from_txt.status.success(), "{}", common::stderr(&from_txt));
        let out = common::stdout(&from_pdf);
        assert!(out.lines().count() > 3, "{out}");
        assert_eq!(out, common::stdout(&from_txt), "{}", pdf.display());
    }
}

#[test]
fn a_pdf_is_sniffed_by_content_whatever_its_name() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let bytes = std::fs::read(corpus.join("pdf/speech-lianzheng.libreoffice.pdf")).expect("read");
    let doc = Document::from_bytes(bytes, "讲话稿.txt").expect("opens");
    assert_eq!(doc.format, SourceFormat::Pdf);
    // Named .pdf but text: one clear error.
    let err = Document::from_bytes("这不是 PDF".as_bytes().to_vec(), "公文.pdf").unwrap_err();
    assert!(matches!(err, OpenError::Pdf(PdfError::NotPdf)), "{err}");
}

/// A small PDF written with lopdf: a page of text for each `Some`, a page that only draws
/// an image (a scan) for each `None`.
fn lopdf_pdf(pages: &[Option<&str>]) -> lopdf::Document {
    use lopdf::content::{Content, Operation};
    use lopdf::{Object, Stream, dictionary};
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let image_id = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2,
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        vec![0, 255, 255, 0],
    ));
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
        "XObject" => dictionary! { "Im0" => image_id },
    });
    let mut kids = Vec::new();
    for page in pages {
        let content = match page {
            Some(text) => Content {
                operations: vec![
                    Operation::new("BT", vec![]),
                    Operation::new("Tf", vec!["F1".into(), 12.into()]),
                    Operation::new("Td", vec![72.into(), 700.into()]),
                    Operation::new("Tj", vec![Object::string_literal(*text)]),
                    Operation::new("ET", vec![]),
                ],
            }
            .encode()
            .expect("encode"),
            None => b"q 595 0 0 842 0 0 cm /Im0 Do Q".to_vec(),
        };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => resources_id,
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"fedcba9876543210".to_vec()),
        ]),
    );
    doc
}

fn saved(mut doc: lopdf::Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

fn encrypted(user_password: &str) -> Vec<u8> {
    use lopdf::{EncryptionState, EncryptionVersion, Permissions};
    let mut doc = lopdf_pdf(&[Some("Notice of the State Council")]);
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password,
        key_length: 128,
        permissions: Permissions::all(),
    })
    .expect("encryption state");
    doc.encrypt(&state).expect("encrypt");
    saved(doc)
}

#[test]
fn an_encrypted_pdf_opens_with_the_empty_password_and_says_when_it_needs_one() {
    let doc = Document::from_bytes(encrypted(""), "open.pdf").expect("empty user password opens");
    assert_eq!(doc.text, "Notice of the State Council");

    let tmp = tempfile::tempdir().expect("tempdir");
    let locked = tmp.path().join("加密.pdf");
    std::fs::write(&locked, encrypted("secret")).expect("write");
    let err = Document::open(&locked).unwrap_err();
    assert!(
        matches!(err, OpenError::Pdf(PdfError::PasswordProtected)),
        "{err}"
    );
    let run = common::pizhu(&["outline", locked.to_str().expect("utf-8 path")]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = common::stderr(&run);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("protected with a password"), "{stderr}");
}

#[test]
fn a_scanned_pdf_says_it_needs_ocr() {
    // Text on page 1, a scanned image on page 2: it opens, with a notice.
    let mixed = saved(lopdf_pdf(&[Some("Page one has text"), None]));
    let opened = Document::from_bytes(mixed, "mixed.pdf").expect("opens");
    assert_eq!(opened.text, "Page one has text");
    assert_eq!(
        opened.notices,
        vec![FormatNotice::ScannedPages {
            pages: vec![2],
            total: 2
        }]
    );
    assert!(opened.notices[0].to_string().contains("OCR"));

    // Only scans: one error saying so, on the command line too.
    let tmp = tempfile::tempdir().expect("tempdir");
    let scan = tmp.path().join("扫描件.pdf");
    std::fs::write(&scan, saved(lopdf_pdf(&[None, None]))).expect("write");
    let err = Document::open(&scan).unwrap_err();
    assert!(
        matches!(err, OpenError::Pdf(PdfError::ScanOnly { pages: 2 })),
        "{err}"
    );
    let run = common::pizhu(&["outline", scan.to_str().expect("utf-8 path")]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = common::stderr(&run);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("is a scan") && stderr.contains("OCR"),
        "{stderr}"
    );
}

#[test]
fn a_cut_short_pdf_opens_what_it_can_or_says_it_is_damaged() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    for name in [
        "pdf/2026-beijing.libreoffice.pdf",
        "pdf/speech-lianzheng.calibre.pdf",
    ] {
        let good = std::fs::read(corpus.join(name)).expect("read");
        let whole = Document::from_bytes(good.clone(), "whole.pdf").expect("opens");
        // Without its last line (%%EOF) or its trailer the xref is rebuilt: all the text.
        for cut in [good.len() - 7, good.len() - 40] {
            let doc = Document::from_bytes(good[..cut].to_vec(), "cut.pdf")
                .unwrap_or_else(|e| panic!("{name} cut at {cut}: {e}"));
            assert_eq!(doc.text, whole.text, "{name} cut at {cut}");
        }
        // Cut anywhere: a document or one clear error, quickly, never a panic.
        for tenth in 0..10 {
            let cut = good.len() * tenth / 10 + 17;
            let start = Instant::now();
            match Document::from_bytes(good[..cut].to_vec(), "cut.pdf") {
                Ok(doc) => assert!(!doc.text.is_empty()),
                Err(OpenError::Pdf(e)) => {
                    assert!(!e.to_string().contains('\n'), "{e}");
                }
                Err(e) => panic!("{name} cut at {cut}: not a PDF error: {e}"),
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{name} cut at {cut}"
            );
        }
    }
    let run = {
        let tmp = tempfile::tempdir().expect("tempdir");
        let cut = tmp.path().join("cut.pdf");
        let good = std::fs::read(corpus.join("pdf/2026-beijing.libreoffice.pdf")).expect("read");
        std::fs::write(&cut, &good[..good.len() / 2]).expect("write");
        common::pizhu(&["outline", cut.to_str().expect("utf-8 path")])
    };
    assert_eq!(run.status.code(), Some(1));
    let stderr = common::stderr(&run);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("PDF is damaged"), "{stderr}");
}

/// A hand-written PDF from object bodies (object 1 is the catalog).
fn raw_pdf(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn hostile_page_trees_are_bounded() {
    let content = "BT /F1 12 Tf 72 700 Td (Hello) Tj ET";
    let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>";
    let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
    let stream = format!(
        "<< /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    );
    for pages in [
        // Its own kid, and a /Count of a million.
        "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1000000 >>".to_owned(),
        // Two nodes that are each other's kids.
        "<< /Type /Pages /Kids [6 0 R 3 0 R] /Count 2 >>".to_owned(),
        // A page tree node that is not an array of kids.
        "<< /Type /Pages /Kids 3 0 R /Count 1 >>".to_owned(),
    ] {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            pages.clone(),
            page.to_owned(),
            font.to_owned(),
            stream.clone(),
            "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>".to_owned(),
        ];
        let start = Instant::now();
        match Document::from_bytes(raw_pdf(&objects), "hostile.pdf") {
            Ok(doc) => assert_eq!(doc.text, "Hello", "{pages}"),
            Err(e) => assert!(matches!(e, OpenError::Pdf(_)), "{pages}: {e}"),
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{pages}");
    }
    // A million pages that exist: read up to the limit, in bounded time.
    let kids: String = (0..20_000).map(|_| "3 0 R ").collect();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!("<< /Type /Pages /Kids [{kids}] /Count 1000000 >>"),
        page.to_owned(),
        font.to_owned(),
        stream,
    ];
    let start = Instant::now();
    let doc = Document::from_bytes(raw_pdf(&objects), "many.pdf").expect("opens");
    assert_eq!(doc.text, "Hello");
    assert!(start.elapsed() < Duration::from_secs(10));
}
