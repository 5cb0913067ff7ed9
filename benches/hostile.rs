//! Hostile input (issue 10): `pizhu export --outline` on a 4 MB document of 127,000 points
//! under one top-level heading, and `pizhu notes` on a store of 100,000 annotations (with
//! the merge on save and a removal of all of them as one step). Both inputs are generated
//! here, never committed.
//!
//! `cargo bench --bench hostile`. With `PIZHU_BENCH_WRITE=DIR` it only writes the inputs
//! (`DIR/deep.txt`, the notes document `DIR/notes.txt` and its store under `DIR/data`,
//! `PIZHU_BENCH_NOTES=N` annotations, default 100,000) for timing the command line:
//! `pizhu export --outline DIR/deep.txt`, `pizhu notes DIR/notes.txt --data-dir DIR/data`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use pizhu::annotate::{Annotation, AnnotationSet, Color, Edit};
use pizhu::cli::{Command, NotesFormat, run};
use pizhu::document::{Document, SourceFormat, TextRange};
use pizhu::export::notes_text;
use pizhu::export::{Content, Filter, Format, Lang, Options, Source, export};
use pizhu::outline::outline;
use pizhu::store::annotations::DocStore;
use pizhu_benches::Rng;

/// Size of the outline document, in bytes.
const DEEP_BYTES: usize = 4 * 1024 * 1024;
/// Annotations in the notes store.
const NOTES: usize = 100_000;

/// One top-level heading and one `（一）`, then paragraph after paragraph of three points
/// (the later `（一）` lines restart nothing): every node's path goes back to the top.
fn deep_document(bytes: usize) -> String {
    let mut s = String::from("关于压力测试的讲话\n同志们：\n一、总体要求\n");
    let mut n = 0usize;
    while s.len() < bytes {
        n += 1;
        s.push_str(&format!(
            "（一）加强学习第{n}项。一是读书看报。二是深入调研。三是狠抓落实。\n"
        ));
    }
    s
}

/// A document of many sections and points (the deep one, ~1 MB), for the notes.
fn notes_document() -> String {
    deep_document(1024 * 1024)
}

/// `n` highlights of 4–40 chars spread over `doc`, one in five with a short note.
fn highlights(doc: &Document, n: usize) -> Vec<Annotation> {
    let mut rng = Rng(0x5EED_0010_ABCD_0001);
    (0..n)
        .map(|i| {
            let len = rng.range(4, 40);
            let start = rng.range(0, doc.char_count - len);
            let now = 1_780_000_000_000 + i as i64;
            let mut a = Annotation::highlight(
                doc,
                TextRange::new(start, start + len),
                Color::ALL[i % 5],
                now,
            );
            if i % 5 == 0 {
                a.note = format!("第{i}条笔记 #重点");
            }
            a
        })
        .collect()
}

/// Write the notes document and a store of `n` annotations for it under `dir`; returns the
/// document's path and the data folder.
fn write_notes_store(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let doc_path = dir.join("notes.txt");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data folder");
    std::fs::write(&doc_path, notes_document()).expect("notes document");
    let doc = Document::open(&doc_path).expect("opens");
    let mut loaded = DocStore::load(&data, &doc, Some(&doc_path), "关于压力测试的讲话");
    let mut set = AnnotationSet::new(highlights(&doc, n), Vec::new());
    loaded.store.save(&mut set, None).expect("saves");
    (doc_path, data)
}

fn outline_options() -> Options {
    Options {
        content: Content::Outline {
            with_highlights: false,
        },
        filter: Filter::default(),
        lang: Lang::Zh,
        full_path: false,
        full_titles: false,
    }
}

fn bench(c: &mut Criterion) {
    if let Some(dir) = std::env::var_os("PIZHU_BENCH_WRITE") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("folder");
        std::fs::write(dir.join("deep.txt"), deep_document(DEEP_BYTES)).expect("deep");
        let n = std::env::var("PIZHU_BENCH_NOTES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(NOTES);
        write_notes_store(&dir, n);
        eprintln!("wrote {} ({n} annotations)", dir.display());
        return;
    }

    let text = deep_document(DEEP_BYTES);
    let doc = Document::from_text(text, "UTF-8", SourceFormat::Text);
    let o = outline(&doc);
    eprintln!(
        "deep document: {} bytes, {} outline nodes",
        doc.text.len(),
        o.nodes.len()
    );
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(doc.text.len() as u64));
    let options = outline_options();
    for format in [Format::Md, Format::Txt] {
        group.bench_function(
            format!("export --outline 4MB/{}", format.extension()),
            |b| {
                b.iter(|| {
                    let source = Source {
                        doc: &doc,
                        outline: &o,
                        annotations: &[],
                        title: "关于压力测试的讲话",
                        source_file: None,
                        exported_at: "2026-11-27 12:00",
                        utc_offset_seconds: 0,
                    };
                    export(&source, &options, format).expect("exports").len()
                })
            },
        );
    }

    let tmp = tempfile::tempdir().expect("temp dir");
    let (doc_path, data) = write_notes_store(tmp.path(), NOTES);
    let notes_doc = Document::open(&doc_path).expect("opens");
    let notes_outline = outline(&notes_doc);
    let loaded = DocStore::load(&data, &notes_doc, Some(&doc_path), "关于压力测试的讲话");
    assert_eq!(loaded.annotations.len(), NOTES);
    let mut placed = loaded.annotations.clone();
    placed.place_in(&notes_doc);
    group.throughput(Throughput::Elements(NOTES as u64));
    group.bench_function("notes 100k/load", |b| {
        b.iter(|| {
            DocStore::load(&data, &notes_doc, Some(&doc_path), "关于压力测试的讲话")
                .annotations
                .len()
        })
    });
    group.bench_function("notes 100k/place_in", |b| {
        b.iter_batched(
            || loaded.annotations.clone(),
            |mut s| s.place_in(&notes_doc),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("notes 100k/listing (notes_text)", |b| {
        b.iter(|| notes_text("关于压力测试的讲话", &notes_outline, black_box(&placed)).len())
    });
    // Another writer changed every annotation: the merge on save.
    let theirs: Vec<Annotation> = placed
        .items()
        .iter()
        .map(|a| {
            let mut b = a.clone();
            b.modified_ms += 1;
            b.note.push('改');
            b
        })
        .collect();
    group.bench_function("notes 100k/merge (another writer changed every one)", |b| {
        b.iter_batched(
            || (placed.clone(), theirs.clone()),
            |(mut s, t)| s.merge(t, &[]),
            BatchSize::LargeInput,
        )
    });
    // Removing them all as one step (undoing a restore of a backup).
    let removals: Vec<Edit> = placed.items().iter().map(|a| Edit::Remove(a.id)).collect();
    group.bench_function("notes 100k/remove all as one step", |b| {
        b.iter_batched(
            || (placed.clone(), removals.clone()),
            |(mut s, edits)| {
                s.apply(edits, 1_790_000_000_000);
                s.len()
            },
            BatchSize::LargeInput,
        )
    });
    for format in [NotesFormat::Text, NotesFormat::Json] {
        let command = Command::Notes {
            file: Some(doc_path.clone()),
            format,
            filter: Default::default(),
            every: Default::default(),
            no_corrections: false,
        };
        group.bench_function(format!("notes 100k/whole command ({format:?})"), |b| {
            b.iter(|| run(&command, Some(&data)).expect("lists").len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
