//! Inputs shared by the benchmarks.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The project's root (the benchmarks are a package in `benches/`).
pub fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shared folder beside the project (corpus and tools).
pub fn shared() -> PathBuf {
    project().join("../shared")
}

/// Make (once) a ~10 MB GB18030 file from the corpus reports with
/// `../shared/tools/make-big.sh OUT 14 gb18030` (14 MB of UTF-8 is ~10 MB in GB18030),
/// in `target/bench-data`; `None` when the tool is absent.
pub fn big_file() -> Option<PathBuf> {
    let out = project().join("target/bench-data/big.gb18030.txt");
    if out.exists() {
        return Some(out);
    }
    let script = shared().join("tools/make-big.sh");
    if !script.exists() {
        eprintln!("skipped: {} not found", script.display());
        return None;
    }
    std::fs::create_dir_all(out.parent()?).ok()?;
    let status = Command::new("bash")
        .arg(&script)
        .arg(&out)
        .arg("14")
        .arg("gb18030")
        .status()
        .ok()?;
    status.success().then_some(out)
}

/// xorshift64*: small, seedable, good enough for picking places and lengths.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
}

/// Common characters, for text that differs from copy to copy and for notes.
pub const POOL: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工\
也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制";

/// Twenty copies of the sample under their own headings, every eighth char changed, so the
/// copies differ as the parts of a long report do (~57,000 chars).
pub fn twenty_samples(rng: &mut Rng) -> String {
    let pool: Vec<char> = POOL.chars().collect();
    let mut out = String::new();
    for part in 1..=20 {
        out.push_str(&format!("第{part}部分 专题{part}\n"));
        for (i, c) in pizhu::app::SAMPLE_TEXT.chars().enumerate() {
            if i % 8 == 7 && c != '\n' {
                out.push(pool[rng.range(0, pool.len() - 1)]);
            } else {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// The window size the frame benchmarks draw at.
pub const SIZE: egui::Vec2 = egui::Vec2::new(1400.0, 900.0);

/// The real window (`PizhuApp::show`) driven headless at 60 frames a second.
pub struct Frames {
    /// The egui context the frames run in.
    pub ctx: egui::Context,
    /// egui time of the last frame, in seconds.
    pub time: f64,
}

impl Frames {
    /// Frames in `ctx`, starting at time 0.
    pub fn new(ctx: &egui::Context) -> Self {
        Self {
            ctx: ctx.clone(),
            time: 0.0,
        }
    }

    /// Run one frame with `events` (layout and tessellation); returns how long it took.
    pub fn frame(
        &mut self,
        app: &mut pizhu::app::PizhuApp,
        events: Vec<egui::Event>,
    ) -> std::time::Duration {
        self.time += 1.0 / 60.0;
        let raw = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE)),
            time: Some(self.time),
            predicted_dt: 1.0 / 60.0,
            events,
            ..Default::default()
        };
        let start = std::time::Instant::now();
        let out = self.ctx.run_ui(raw, |ui| app.show(ui));
        let egui::FullOutput {
            shapes,
            pixels_per_point,
            mut textures_delta,
            ..
        } = out;
        let primitives = self.ctx.tessellate(shapes, pixels_per_point);
        let elapsed = start.elapsed();
        std::hint::black_box(primitives);
        textures_delta.clear();
        elapsed
    }
}

/// The `p` quantile (0–1) of sorted durations.
pub fn percentile(sorted: &[std::time::Duration], p: f64) -> std::time::Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Milliseconds.
pub fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU time this thread has run (`CLOCK_THREAD_CPUTIME_ID`, exact to the nanosecond here),
/// so that a frame is measured apart from what other processes on a busy machine take.
/// (`/proc/thread-self/schedstat` counts in 4-ms ticks on this kernel: useless for frames.)
pub fn thread_cpu() -> Option<std::time::Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| {
        std::time::Duration::new(
            u64::try_from(ts.tv_sec).unwrap_or(0),
            u32::try_from(ts.tv_nsec).unwrap_or(0),
        )
    })
}

/// This thread's minor page faults and involuntary context switches so far
/// (`getrusage(RUSAGE_THREAD)`): what a slow frame may have paid besides its work.
pub fn thread_faults() -> (u64, u64) {
    // SAFETY: an all-zero `rusage` is valid; the call only writes it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable rusage.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    if rc != 0 {
        return (0, 0);
    }
    (
        u64::try_from(usage.ru_minflt).unwrap_or(0),
        u64::try_from(usage.ru_nivcsw).unwrap_or(0),
    )
}

/// A fixed piece of CPU work, timed like a frame, to tell the machine's noise from a
/// frame's own: on a shared virtual machine the same work now and then takes several
/// times as long (2 cores of a KVM guest, 2026-11-28: a fixed 1.6 ms loop, timed in thread
/// CPU every 16 ms, went over 3.6 ms in about 6 of 1,800 runs). Run between the frames, it
/// shows how many frames the host alone pushes over a bound.
pub struct Control {
    buf: Vec<u64>,
    rounds: usize,
}

impl Control {
    /// Work that takes about `target` of this thread's CPU (the median of 31 runs).
    pub fn new(target: std::time::Duration) -> Self {
        let mut control = Control {
            buf: (0..32_768u64).collect(),
            rounds: 1,
        };
        let mut runs: Vec<std::time::Duration> = (0..31).map(|_| control.run()).collect();
        runs.sort();
        let one = runs[15].max(std::time::Duration::from_nanos(1));
        control.rounds = (target.as_secs_f64() / one.as_secs_f64()).round().max(1.0) as usize;
        control
    }

    /// Do the work once; the thread CPU it took.
    pub fn run(&mut self) -> std::time::Duration {
        let start = thread_cpu();
        for r in 0..self.rounds as u64 {
            for x in &mut self.buf {
                *x = (x.wrapping_mul(0x5851_F42D_4C95_7F2D).wrapping_add(r)) ^ (*x >> 29);
            }
            std::hint::black_box(&mut self.buf);
        }
        start
            .zip(thread_cpu())
            .map_or(std::time::Duration::ZERO, |(a, b)| b.saturating_sub(a))
    }
}

/// Convert `src` with LibreOffice to `format` (`pdf`, `doc` …) in `dir` (its own profile
/// there): the new file, or `None` when soffice is missing or fails.
pub fn soffice_convert(src: &Path, format: &str, dir: &Path) -> Option<PathBuf> {
    let made = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("soffice-profile").display()
        ))
        .args(["--headless", "--convert-to", format, "--outdir"])
        .arg(dir)
        .arg(src)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    let out = dir.join(src.with_extension(format).file_name()?);
    (made.success() && out.exists()).then_some(out)
}

/// A library of `docs` documents with `per_doc` highlights each (a third with a note, some
/// tagged), made once in `target/bench-data/library-DOCSxPER/`: `docs/` holds the documents
/// (~3,000-char reports, each its own text), `data/` the data folder (a store per document
/// and `library.ron`, as `pizhu highlight` leaves them). Returns `(docs, data)`.
pub fn library_data(docs: usize, per_doc: usize) -> (PathBuf, PathBuf) {
    use pizhu::annotate::{Annotation, AnnotationSet, Color};
    use pizhu::document::{Document, TextRange};
    use pizhu::store::annotations::DocStore;
    let root = project().join(format!("target/bench-data/library-{docs}x{per_doc}"));
    let (doc_dir, data) = (root.join("docs"), root.join("data"));
    if root.join("done").exists() {
        return (doc_dir, data);
    }
    // Two benchmarks may ask at once: one generates, the other waits on the lock and then
    // finds it done.
    std::fs::create_dir_all(project().join("target/bench-data")).expect("bench data folder");
    let lock = std::fs::File::create(root.with_extension("lock")).expect("bench data lock");
    lock.lock().expect("bench data lock");
    if root.join("done").exists() {
        return (doc_dir, data);
    }
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&doc_dir).expect("bench data folder");
    let pool: Vec<char> = POOL.chars().collect();
    let tags = [
        "金句", "提法", "减负", "创新", "民生", "法治", "开放", "生态",
    ];
    let mut rng = Rng(0x5EED_1234_ABCD);
    let words = |rng: &mut Rng, n: usize| -> String {
        (0..n).map(|_| pool[rng.range(0, pool.len() - 1)]).collect()
    };
    for i in 0..docs {
        let mut text = format!("关于第{i}项工作的报告\n\n");
        for part in ["一", "二", "三"] {
            text.push_str(&format!("{part}、{}\n\n", words(&mut rng, 12)));
            for _ in 0..6 {
                text.push_str(&format!(
                    "{}。{}。\n\n",
                    words(&mut rng, 60),
                    words(&mut rng, 80)
                ));
            }
        }
        let path = doc_dir.join(format!("report-{i:04}.txt"));
        std::fs::write(&path, &text).expect("document written");
        let doc = Document::open(&path).expect("document opens");
        let title = format!("关于第{i}项工作的报告");
        let items: Vec<Annotation> = (0..per_doc)
            .map(|k| {
                let len = rng.range(12, 40);
                let start = rng.range(0, doc.char_count - len - 1);
                let mut a = Annotation::highlight(
                    &doc,
                    TextRange::new(start, start + len),
                    Color::ALL[k % 5],
                    // Spread over a year, so that newest-first and date filters mean something.
                    1_767_225_600_000 + (i * per_doc + k) as i64 * 300_000,
                );
                if k % 3 == 0 {
                    let n = rng.range(10, 60);
                    a.note = words(&mut rng, n);
                }
                if k % 4 == 0 {
                    a.tags = vec![tags[(i + k) % tags.len()].to_owned()];
                }
                a
            })
            .collect();
        let mut set = AnnotationSet::new(items, Vec::new());
        let mut loaded = DocStore::load(&data, &doc, Some(&path), &title);
        loaded.store.save(&mut set, Some(0)).expect("store saved");
        pizhu::library::record_open(&data, &path, &doc, &title).expect("library written");
    }
    std::fs::write(root.join("done"), b"").expect("marker");
    (doc_dir, data)
}

/// The environment variable `name` as a number, else `default` (sizes of generated data).
pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory of this process, in MB (0 where `/proc` cannot tell).
pub fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
