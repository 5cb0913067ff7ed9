//! The notebook's core at scale (issue 12), without a window: 1,000 documents with 100
//! annotations each (`pizhu_benches::library_data`, 100,000 annotations).
//!
//! - **cold rebuild**: no index — every store read and every document opened (status and
//!   outline sections), the index written.
//! - **load from the index** (goal ≤ 300 ms), read-only (`write_index = false`).
//! - **select** per keystroke of a query typed into the search, newest first (goal ≤ 50 ms),
//!   and with a tag, colour or document filter; `tag_counts` of everything.
//! - **refreshed** when nothing changed and when one store changed.
//! - **memory**: the process's resident set with the notebook loaded (goal ≤ 300 MB).
//! - **RON instead of postcard** for the same index, read back (why the index is binary).
//! - **re-attaching**: opening a moved and edited document with 1,000 stores around.
//!
//! `cargo bench --bench library` (release). `LIBRARY_DOCS` / `LIBRARY_PER_DOC` change the
//! size (default 1000 × 100).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use pizhu::annotate::{Color, Filter};
use pizhu::library::index::{self, AnnotationRecord, IndexHead};
use pizhu::library::{Notebook, Order, Query};
use pizhu_benches::{env, library_data, ms, rss_mb};

/// A copy of `data` (the stores and `library.ron`) in a temp folder, for runs that write.
fn copy_data(data: &Path, to: &Path) {
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to).expect("folder");
        for e in std::fs::read_dir(from).expect("folder").flatten() {
            if e.path().is_file() {
                std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
            }
        }
    };
    copy(data, to);
    copy(&data.join("annotations"), &to.join("annotations"));
}

fn query(text: &str) -> Query {
    Query {
        filter: Filter {
            query: text.into(),
            ..Filter::default()
        },
        ..Query::default()
    }
}

fn bench(c: &mut Criterion) {
    let (docs, per_doc) = (env("LIBRARY_DOCS", 1000), env("LIBRARY_PER_DOC", 100));
    let (doc_dir, data) = library_data(docs, per_doc);
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = tmp.path().join("data");
    copy_data(&data, &work);

    // Cold: no index.
    let _ = std::fs::remove_file(index::path(&work));
    let rss_before = rss_mb();
    let t = Instant::now();
    let cold = Notebook::load(&work, true);
    let cold_time = t.elapsed();
    assert!(cold.problems.is_empty(), "{:?}", cold.problems);
    let entries = cold.notebook.entries().len();
    assert_eq!(entries, docs * per_doc);
    let sections = cold
        .notebook
        .entries()
        .iter()
        .filter(|e| !e.section.is_empty())
        .count();
    let index_bytes = std::fs::metadata(index::path(&work)).map_or(0, |m| m.len());
    drop(cold);
    println!(
        "notebook cold rebuild ({docs} stores, {docs} documents opened, {entries} annotations, {sections} with a section): {:.0} ms; index {:.1} MB",
        ms(cold_time),
        index_bytes as f64 / 1e6
    );

    // Warm: from the index, read-only; memory with it loaded.
    let t = Instant::now();
    let _warm = Notebook::load(&work, false).notebook;
    let warm_time = t.elapsed();
    let rss_loaded = rss_mb();
    println!(
        "notebook load from the index: {:.0} ms (first run); RSS {:.0} MB before loading, {:.0} MB with the notebook",
        ms(warm_time),
        rss_before,
        rss_loaded
    );

    // RON instead of postcard: the same records, written and read back.
    {
        let bytes = index::read_bytes(&work).expect("index");
        let record = index::parse(&bytes).expect("index parses");
        let bodies: Vec<Vec<AnnotationRecord<'_>>> = record
            .bodies
            .iter()
            .map(|b| b.decode().expect("a body decodes"))
            .collect();
        let ron_text = ron::ser::to_string(&(&record.head, &bodies)).expect("the index as RON");
        let t = Instant::now();
        let back: (IndexHead<'_>, Vec<Vec<AnnotationRecord<'_>>>) =
            ron::from_str(&ron_text).expect("RON reads back");
        let ron_time = t.elapsed();
        let t = Instant::now();
        let again = index::parse(&bytes).expect("index parses");
        let decoded: usize = again
            .bodies
            .iter()
            .map(|b| b.decode().map_or(0, |r| r.len()))
            .sum();
        let postcard_time = t.elapsed();
        assert_eq!(decoded, bodies.iter().map(Vec::len).sum::<usize>());
        assert_eq!(again.bodies.len(), back.1.len());
        println!(
            "the index read back: postcard {:.0} ms ({:.1} MB), RON {:.0} ms ({:.1} MB)",
            ms(postcard_time),
            bytes.len() as f64 / 1e6,
            ms(ron_time),
            ron_text.len() as f64 / 1e6
        );
    }

    // The notes of a document moved and edited, with every other store around.
    let moved = tmp.path().join("moved.txt");
    let original = doc_dir.join("report-0007.txt");
    let text = std::fs::read_to_string(&original).expect("document");
    std::fs::write(&moved, text.replacen("。", "，据统计，", 3)).expect("moved copy");
    let store = work.join("annotations").join(format!(
        "{}.ron",
        pizhu::store::annotations::fingerprint(
            &pizhu::Document::open(&original).expect("opens").text
        )
    ));
    // Its old place is gone: the stored path is another's now.
    let recorded = std::fs::read_to_string(&store).expect("store");
    std::fs::write(&store, recorded.replace("report-0007.txt", "gone-0007.txt")).expect("store");
    // And the library's copy: the original is not where they say (it moved).
    let lib = std::fs::read_to_string(work.join("library.ron")).expect("library");
    std::fs::write(
        work.join("library.ron"),
        lib.replace("report-0007.txt", "gone-0007.txt"),
    )
    .expect("library");
    let doc = pizhu::Document::open(&moved).expect("opens");
    let t = Instant::now();
    let opened = pizhu::library::reattach::load_store(
        &work,
        &doc,
        Some(&moved),
        "moved",
        pizhu::store::annotations::Access::ReadOnly,
    );
    println!(
        "open a moved and edited document among {docs} stores (found by content: {} of {per_doc} notes): {:.0} ms",
        opened.loaded.annotations.len(),
        ms(t.elapsed())
    );
    let _ = Notebook::load(&work, true);
    // What is on disk now (the store and library.ron changed above).
    let warm = Notebook::load(&work, false).notebook;

    // Where a load's time goes: the index read, its parse, the library, the rest (stores
    // checked, records made entries, folding, section paths), and dropping it all.
    {
        let best = |f: &mut dyn FnMut()| {
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        let read = best(&mut || drop(black_box(index::read_bytes(&work))));
        let bytes = index::read_bytes(&work).expect("index");
        let parse = best(&mut || drop(black_box(index::parse(&bytes))));
        let library = best(&mut || drop(black_box(pizhu::library::Library::read(&work))));
        let mut loaded = Vec::new();
        let load = best(&mut || loaded.push(Notebook::load(&work, false)));
        let t = Instant::now();
        drop(loaded);
        let dropped = t.elapsed() / 5;
        // What the window's worker does at start: the library, the notebook, the rows.
        let mut shelves = Vec::new();
        let shelf = best(&mut || shelves.push(pizhu::app::shelf::load(&work)));
        let mut rows = Vec::new();
        let lib = pizhu::library::Library::read(&work).library;
        let notebook = Notebook::load(&work, false).notebook;
        let rows_time =
            best(&mut || rows.push(pizhu::library::overview::rows(&lib, &notebook, &[])));
        drop(shelves);
        println!(
            "the window's read at start (shelf::load), best of 5: {:.0} ms, of which the rows {:.0} ms",
            ms(shelf),
            ms(rows_time)
        );
        println!(
            "notebook load, best of 5: {:.0} ms = index read {:.0} ms + parse {:.0} ms + library.ron {:.0} ms + the rest {:.0} ms; dropping it {:.0} ms",
            ms(load),
            ms(read),
            ms(parse),
            ms(library),
            ms(load.saturating_sub(read + parse + library)),
            ms(dropped)
        );
    }

    let mut group = c.benchmark_group("notebook");
    group.sample_size(10);
    group.bench_function("load from the index (read-only)", |b| {
        // What a load returns is kept (the window keeps it): its drop is not the load's.
        b.iter_with_large_drop(|| Notebook::load(&work, false))
    });
    group.bench_function("refreshed, nothing changed", |b| {
        b.iter(|| black_box(warm.refreshed(&work).is_none()))
    });
    group.finish();

    let mut group = c.benchmark_group("notebook-select");
    group.sample_size(30);
    // A query typed a char at a time: a common char, then narrower.
    let sample: String = warm.entries()[12_345 % entries]
        .annotation
        .quote
        .chars()
        .take(4)
        .collect();
    let mut typed = String::new();
    for ch in sample.chars() {
        typed.push(ch);
        let q = query(&typed);
        let hits = warm.select(&q, Order::Newest).len();
        group.bench_function(format!("keystroke '{typed}' ({hits} hits)"), |b| {
            b.iter(|| black_box(warm.select(&q, Order::Newest).len()))
        });
    }
    let everything = Query::default();
    group.bench_function("everything, newest first", |b| {
        b.iter(|| black_box(warm.select(&everything, Order::Newest).len()))
    });
    let filtered = Query {
        filter: Filter {
            tags: vec!["金句".into()],
            colors: vec![Color::Yellow, Color::Green],
            notes_only: false,
            ..Filter::default()
        },
        doc: Some("第1".into()),
        ..Query::default()
    };
    group.bench_function("tag + colours + document, by document", |b| {
        b.iter(|| black_box(warm.select(&filtered, Order::ByDocument).len()))
    });
    let all = warm.select(&everything, Order::Newest);
    group.bench_function("tag counts of everything", |b| {
        b.iter(|| black_box(warm.tag_counts(&all).len()))
    });
    group.finish();

    // One store changed (another window saved): refreshed re-reads it alone.
    let first = warm.docs()[0].store.clone();
    let mut loaded = pizhu::store::annotations::DocStore::load_file(
        &first,
        pizhu::store::annotations::Access::Write,
    );
    loaded
        .store
        .save(&mut loaded.annotations, Some(42))
        .expect("saved");
    let t = Instant::now();
    let fresh = warm.refreshed(&work).expect("a store changed");
    println!(
        "refreshed after one store changed: {:.0} ms ({} entries)",
        ms(t.elapsed()),
        fresh.entries().len()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
