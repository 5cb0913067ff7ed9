//! Opening a Word 97–2003 `.doc`: about 2 MB that LibreOffice makes from the corpus
//! reports, concatenated and repeated (generated into `target/bench-data`, never
//! committed), through `Document::open` (compound file, piece table, styles, paragraphs).
//! Goal: under 1 s.
//!
//! `cargo bench --bench formats_doc`

use std::path::PathBuf;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use pizhu::{Document, outline};

use pizhu_benches::{ms, percentile, project, shared};

/// UTF-8 bytes of report text put into the `.doc` (Chinese: about 1 M chars, which Word
/// stores as UTF-16, so about 2 MB of text in the file).
const TEXT_BYTES: usize = 3 * 1024 * 1024;

/// Make (once) the 2 MB `.doc`; `None` when the corpus or soffice is missing.
fn two_megabytes() -> Option<PathBuf> {
    let dir = project().join("target/bench-data");
    let out = dir.join("reports-2mb.doc");
    if out.exists() {
        return Some(out);
    }
    let reports = shared().join("corpus/reports");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&reports)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "txt") && !p.to_string_lossy().contains(".gbk.")
        })
        .collect();
    names.sort();
    let mut text = String::new();
    'fill: loop {
        for name in &names {
            text.push_str(&std::fs::read_to_string(name).ok()?);
            text.push('\n');
            if text.len() >= TEXT_BYTES {
                break 'fill;
            }
        }
    }
    std::fs::create_dir_all(&dir).ok()?;
    let src = dir.join("reports-2mb.txt");
    std::fs::write(&src, text).ok()?;
    let made = pizhu_benches::soffice_convert(&src, "doc", &dir)?;
    (made == out).then_some(out)
}

fn bench(c: &mut Criterion) {
    let Some(doc_path) = two_megabytes() else {
        eprintln!("skipped: could not make the 2 MB .doc (corpus, soffice)");
        return;
    };
    let size = std::fs::metadata(&doc_path).map_or(0, |m| m.len());
    let doc = Document::open(&doc_path).expect("the .doc opens");
    assert!(doc.char_count > 500_000, "{} chars", doc.char_count);
    let mut group = c.benchmark_group("formats_doc");
    group.sample_size(20);
    group.bench_function("2mb/open", |b| {
        b.iter(|| {
            Document::open(&doc_path)
                .expect("the .doc opens")
                .char_count
        })
    });
    group.bench_function("2mb/open+outline", |b| {
        b.iter(|| {
            outline(&Document::open(&doc_path).expect("the .doc opens"))
                .nodes
                .len()
        })
    });
    group.finish();
    let mut runs = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let _ = Document::open(&doc_path)
            .expect("the .doc opens")
            .char_count;
        runs.push(start.elapsed());
    }
    runs.sort();
    eprintln!(
        "formats_doc {:.1} MB .doc, {} chars, 20 runs: Document::open p50 {:.1} ms p90 {:.1} ms (goal < 1000 ms)",
        size as f64 / (1024.0 * 1024.0),
        doc.char_count,
        ms(percentile(&runs, 0.5)),
        ms(percentile(&runs, 0.9)),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
