//! Opening OFD files: a 100-page OFD laid out like a printed 公文 by
//! `../shared/tools/make-ofd.py` from three corpus reports and the start of a fourth
//! (generated into `target/bench-data`, never committed), one TextCode per line with
//! `DeltaX`, and the same with one TextCode per char (`--per-char`, the heavier XML).
//! Goal: `Document::open` under 1 s.
//!
//! `cargo bench --bench formats_ofd`

use std::path::PathBuf;
use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};
use pizhu::{Document, outline};

use pizhu_benches::{project, shared};

/// Make (once) the 100-page OFD, with `--per-char` or not; `None` when the corpus, the
/// tool or python3 is missing.
fn hundred_pages(per_char: bool) -> Option<PathBuf> {
    let dir = project().join("target/bench-data");
    let name = if per_char {
        "reports-100p.per-char.ofd"
    } else {
        "reports-100p.ofd"
    };
    let out = dir.join(name);
    if out.exists() {
        return Some(out);
    }
    let reports = shared().join("corpus/reports");
    let mut text = String::new();
    for name in ["2026-beijing", "2026-jiangsu", "2026-shanghai"] {
        text.push_str(&std::fs::read_to_string(reports.join(format!("{name}.txt"))).ok()?);
        text.push('\n');
    }
    // The first 32 lines of a fourth report make it 100 pages.
    let fourth = std::fs::read_to_string(reports.join("2026-ningxia.txt")).ok()?;
    for line in fourth.lines().take(32) {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::create_dir_all(&dir).ok()?;
    let src = dir.join("reports-100p.txt");
    std::fs::write(&src, text).ok()?;
    let mut make = Command::new("python3");
    make.arg(shared().join("tools/make-ofd.py"))
        .arg(&src)
        .arg(&out);
    if per_char {
        make.arg("--per-char");
    }
    let made = make.output().ok()?;
    eprintln!("{}", String::from_utf8_lossy(&made.stdout).trim());
    made.status.success().then_some(out)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("formats_ofd");
    group.sample_size(20);
    for per_char in [false, true] {
        let Some(ofd) = hundred_pages(per_char) else {
            eprintln!("skipped: could not make the 100-page OFD (corpus, make-ofd.py, python3)");
            return;
        };
        let label = if per_char {
            "100-pages-per-char"
        } else {
            "100-pages"
        };
        let doc = Document::open(&ofd).expect("the OFD opens");
        assert!(doc.char_count > 50_000, "{} chars", doc.char_count);
        group.bench_function(format!("{label}/open"), |b| {
            b.iter(|| Document::open(&ofd).expect("the OFD opens").char_count)
        });
        group.bench_function(format!("{label}/open+outline"), |b| {
            b.iter(|| {
                outline(&Document::open(&ofd).expect("the OFD opens"))
                    .nodes
                    .len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
