//! Open + outline throughput: the seed speech, and a ~10 MB GB18030 file made from the
//! corpus by `../shared/tools/make-big.sh` (generated into `target/bench-data`, never committed).
//!
//! `cargo bench --bench open_outline`; the comparison with iconv and the peak-memory check
//! run as whole commands in `benches/compare.sh`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pizhu::{Document, outline};

use pizhu_benches::{big_file, shared};

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
