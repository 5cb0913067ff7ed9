//! The annotation store with 10,000 annotations on a ~57,000-char document: load (read +
//! parse), place in the text (unchanged, and after an edit near the top that shifts every
//! annotation), and save (serialise, lock, backup rotation, atomic write with fsync).
//!
//! `cargo bench --bench store`. Goal: load ≤ 50 ms, save ≤ 50 ms.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use pizhu::annotate::{Annotation, AnnotationSet, Color, Mark};
use pizhu::document::{Document, SourceFormat, TextRange};
use pizhu::store::annotations::{DocStore, parse, to_ron};
use pizhu_benches::{POOL, Rng, twenty_samples as document};

const ANNOTATIONS: usize = 10_000;

/// 10,000 highlights of 10–60 chars; 30 % with notes of 20–200 chars, some with tags.
fn annotations(doc: &Document, rng: &mut Rng) -> Vec<Annotation> {
    let pool: Vec<char> = POOL.chars().collect();
    let tags = ["金句", "重点", "数据", "作风", "待核实", "引用"];
    (0..ANNOTATIONS)
        .map(|i| {
            let len = rng.range(10, 60);
            let start = rng.range(0, doc.char_count - len);
            // Distinct times: ids are unique per millisecond and counter.
            let now = 1_780_000_000_000 + i as i64;
            let mut a = Annotation::highlight(
                doc,
                TextRange::new(start, start + len),
                Color::ALL[i % 5],
                now,
            );
            if i % 7 == 0 {
                a.mark = Mark::Underline;
            }
            if rng.range(0, 9) < 3 {
                a.note = (0..rng.range(20, 200))
                    .map(|_| pool[rng.range(0, pool.len() - 1)])
                    .collect();
                if rng.range(0, 2) == 0 {
                    a.note.push_str(" #金句");
                }
            }
            if rng.range(0, 4) == 0 {
                for _ in 0..rng.range(1, 3) {
                    let t = tags[rng.range(0, tags.len() - 1)].to_owned();
                    if !a.tags.contains(&t) {
                        a.tags.push(t);
                    }
                }
            }
            a
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let text = document(&mut rng);
    let doc = Document::from_text(text.clone(), "UTF-8", SourceFormat::Text);
    let items = annotations(&doc, &mut rng);
    let dir = tempfile::tempdir().expect("temp dir");
    let doc_path = Path::new("/bench/report.txt");
    let mut loaded = DocStore::load(dir.path(), &doc, Some(doc_path), "报告");
    let mut set = AnnotationSet::new(items, Vec::new());
    assert_eq!(set.len(), ANNOTATIONS);
    loaded.store.save(&mut set, Some(100)).expect("first save");
    let file_text = std::fs::read_to_string(loaded.store.path()).expect("store");
    eprintln!(
        "store: {} annotations, {} bytes",
        ANNOTATIONS,
        file_text.len()
    );

    let mut group = c.benchmark_group("store-10k");
    group.sample_size(20);
    group.bench_function("load (read + parse)", |b| {
        b.iter(|| {
            let l = DocStore::load(dir.path(), &doc, Some(doc_path), "报告");
            assert!(l.problem.is_none());
            black_box(l.annotations.len())
        })
    });
    group.bench_function("parse", |b| {
        b.iter(|| {
            parse(black_box(&file_text))
                .expect("parses")
                .annotations
                .len()
        })
    });
    let file = parse(&file_text).expect("parses");
    group.bench_function("to_ron", |b| {
        b.iter(|| to_ron(black_box(&file)).expect("serialises").len())
    });
    group.bench_function("place_in (unchanged text)", |b| {
        b.iter_batched(
            || AnnotationSet::new(file.annotations.clone(), Vec::new()),
            |mut s| s.place_in(&doc),
            criterion::BatchSize::LargeInput,
        )
    });
    // A paragraph inserted after the first heading: every annotation after it shifts.
    let first_line_end = text.find('\n').expect("a line");
    let edited_text = format!(
        "{}\n新增的一段说明文字，共二十个字左右。{}",
        &text[..first_line_end],
        &text[first_line_end..]
    );
    let edited = Document::from_text(edited_text, "UTF-8", SourceFormat::Text);
    {
        let mut s = AnnotationSet::new(file.annotations.clone(), Vec::new());
        let unplaced = s.place_in(&edited);
        eprintln!("after the edit: {unplaced} of {ANNOTATIONS} unplaced");
    }
    group.bench_function("place_in (text shifted by an edit)", |b| {
        b.iter_batched(
            || AnnotationSet::new(file.annotations.clone(), Vec::new()),
            |mut s| s.place_in(&edited),
            criterion::BatchSize::LargeInput,
        )
    });
    group.sample_size(10);
    group.bench_function(
        "save (lock, merge check, backups, atomic write, fsync)",
        |b| b.iter(|| loaded.store.save(&mut set, Some(100)).expect("saves")),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
