//! Opening a PDF: a 107-page CJK PDF that LibreOffice makes from ten corpus reports
//! (generated into `target/bench-data`, never committed), through `Document::open` (parse,
//! text extraction, reflow), and beside it poppler's `pdftotext` on the same file in the
//! same run. Goal: within 2× pdftotext's time.
//!
//! `cargo bench --bench formats_pdf`

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use pizhu::{Document, outline};

use pizhu_benches::{ms, percentile, project, shared};

/// The reports concatenated into the PDF (107 A4 pages at LibreOffice's defaults).
const REPORTS: [&str; 10] = [
    "beijing",
    "guangdong",
    "hainan",
    "sichuan",
    "jiangsu",
    "shanghai",
    "yunnan",
    "zhejiang",
    "ningxia",
    "gansu",
];

/// Make (once) the 100-page PDF; `None` when the corpus or soffice is missing.
fn hundred_pages() -> Option<PathBuf> {
    let dir = project().join("target/bench-data");
    let out = dir.join("reports-100p.pdf");
    if out.exists() {
        return Some(out);
    }
    let reports = shared().join("corpus/reports");
    let mut text = String::new();
    for name in REPORTS {
        text.push_str(&std::fs::read_to_string(reports.join(format!("2026-{name}.txt"))).ok()?);
        text.push('\n');
    }
    std::fs::create_dir_all(&dir).ok()?;
    let src = dir.join("reports-100p.txt");
    std::fs::write(&src, text).ok()?;
    let made = pizhu_benches::soffice_convert(&src, "pdf", &dir)?;
    (made == out).then_some(out)
}

/// One run of `pdftotext file /dev/null`, or `None` when it is missing or fails.
fn time_pdftotext(pdf: &PathBuf) -> Option<Duration> {
    let start = Instant::now();
    let status = Command::new("pdftotext")
        .arg(pdf)
        .arg("/dev/null")
        .stderr(Stdio::null())
        .status()
        .ok()?;
    status.success().then(|| start.elapsed())
}

fn bench(c: &mut Criterion) {
    let Some(pdf) = hundred_pages() else {
        eprintln!("skipped: could not make the 100-page PDF (corpus, soffice)");
        return;
    };
    let doc = Document::open(&pdf).expect("the PDF opens");
    assert!(doc.char_count > 200_000, "{} chars", doc.char_count);
    let mut group = c.benchmark_group("formats_pdf");
    group.sample_size(20);
    group.bench_function("107-pages/open", |b| {
        b.iter(|| Document::open(&pdf).expect("the PDF opens").char_count)
    });
    group.bench_function("107-pages/open+outline", |b| {
        b.iter(|| {
            outline(&Document::open(&pdf).expect("the PDF opens"))
                .nodes
                .len()
        })
    });
    group.finish();
    // The same file through poppler, runs interleaved with ours so that both see the same
    // machine (wall clock, one run each).
    let (mut ours, mut poppler) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        let start = Instant::now();
        let _ = Document::open(&pdf).expect("the PDF opens").char_count;
        ours.push(start.elapsed());
        match time_pdftotext(&pdf) {
            Some(t) => poppler.push(t),
            None => break,
        }
    }
    ours.sort();
    poppler.sort();
    if poppler.is_empty() {
        eprintln!("pdftotext not found or failed: no comparison");
        return;
    }
    let (ours_p50, theirs_p50) = (percentile(&ours, 0.5), percentile(&poppler, 0.5));
    eprintln!(
        "formats_pdf 107 pages, {} interleaved runs: Document::open p50 {:.1} ms p90 {:.1} ms; \
         pdftotext p50 {:.1} ms p90 {:.1} ms; ours / pdftotext (p50) {:.2}",
        poppler.len(),
        ms(ours_p50),
        ms(percentile(&ours, 0.9)),
        ms(theirs_p50),
        ms(percentile(&poppler, 0.9)),
        ms(ours_p50) / ms(theirs_p50)
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
