//! Open + outline throughput: the seed speech, and a ~10 MB GB18030 file made from the
//! corpus by `../shared/tools/make-big.sh` (generated into `target/bench-data`, never committed).
//!
//! `cargo bench --bench open_outline`; the comparison with iconv and the peak-memory check
//! run as whole commands in `benches/compare.sh`.

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pizhu::{Document, outline};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// Make (once) the big GB18030 input, or `None` when the corpus is absent.
fn big_file() -> Option<PathBuf> {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/big.gb18030.txt");
    if out.exists() {
        return Some(out);
    }
    let script = shared().join("tools/make-big.sh");
    if !script.exists() {
        eprintln!("skipped: {} not found", script.display());
        return None;
    }
    std::fs::create_dir_all(out.parent()?).ok()?;
    // 14 MB of UTF-8 text is ~10 MB once re-encoded in GB18030.
    let status = Command::new("bash")
        .arg(&script)
        .arg(&out)
        .arg("14")
        .arg("gb18030")
        .status()
        .ok()?;
    status.success().then_some(out)
}

fn bench(c: &mut Criterion) {
    let seed = shared().join("corpus/seed/speech-lianzheng.gb18030.txt");
    let mut group = c.benchmark_group("open_outline");
    if seed.exists() {
        group.throughput(Throughput::Bytes(
            std::fs::metadata(&seed).map_or(0, |m| m.len()),
        ));
        group.bench_function("seed-gb18030", |b| {
            b.iter(|| {
                outline(&Document::open(&seed).expect("seed opens"))
                    .nodes
                    .len()
            })
        });
    }
    if let Some(big) = big_file() {
        group.sample_size(20);
        group.throughput(Throughput::Bytes(
            std::fs::metadata(&big).map_or(0, |m| m.len()),
        ));
        group.bench_function("big-10mb-gb18030/open", |b| {
            b.iter(|| Document::open(&big).expect("big opens").char_count)
        });
        let doc = Document::open(&big).expect("big opens");
        group.bench_function("big-10mb-gb18030/outline", |b| {
            b.iter(|| outline(&doc).nodes.len())
        });
        group.bench_function("big-10mb-gb18030/open+outline", |b| {
            b.iter(|| {
                outline(&Document::open(&big).expect("big opens"))
                    .nodes
                    .len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
