//! Crash safety of the annotation store: writers killed with SIGKILL at random moments never
//! leave a store that does not parse, never lose a highlight once a save that wrote it
//! returned, and never leave a temporary file that could be taken for the store.
//!
//! The test binary runs itself as the writer: `child_writer` does nothing unless
//! `PIZHU_CRASH_CHILD` names a data folder, and then writes highlights until it is killed.

use std::collections::{BTreeSet, HashSet};
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pizhu::annotate::units::sentence_at;
use pizhu::annotate::{Annotation, AnnotationId, Color, Edit, now_ms};
use pizhu::document::{Document, SourceFormat, TextRange};
use pizhu::store::annotations::{Autosave, DocStore, fingerprint, parse};

/// The data folder a child writes to.
const CHILD_ENV: &str = "PIZHU_CRASH_CHILD";
/// The child's random seed.
const SEED_ENV: &str = "PIZHU_CRASH_SEED";
/// The seed when `PIZHU_CRASH_SEED` is not set: every run kills at the same moments of the
/// same schedule (only the machine's speed moves what was written by then).
const DEFAULT_SEED: u64 = 20_261_127;

/// xorshift64*: small, seedable, good enough for picking sentences and delays.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn sample() -> Document {
    Document::from_text(
        pizhu::app::SAMPLE_TEXT.to_owned(),
        "UTF-8",
        SourceFormat::Text,
    )
}

/// Every sentence of the document.
fn sentences(doc: &Document) -> Vec<TextRange> {
    let mut out: Vec<TextRange> = Vec::new();
    let mut pos = 0;
    while pos < doc.char_count {
        match sentence_at(doc, pos) {
            Some(r) if r.end > pos => {
                if out.last() != Some(&r) {
                    out.push(r);
                }
                pos = r.end;
            }
            _ => pos += 1,
        }
    }
    out
}

/// The writer: loads the store, then adds highlights and saves as the window does, until it is
/// killed. Once a save returns, it prints `ack ID UNIX_MS` for every highlight that save wrote:
/// what the store has acknowledged, whatever the disk's speed.
#[test]
fn child_writer() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let seed = std::env::var(SEED_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(u64::from(std::process::id()));
    let mut rng = Rng::new(seed);
    let doc = sample();
    let sentences = sentences(&doc);
    let mut out = std::io::stdout().lock();
    // The harness may have printed `test child_writer ... ` without a line end.
    let _ = writeln!(out);
    let loaded = DocStore::load(Path::new(&dir), &doc, None, "crash test");
    if let Some(problem) = &loaded.problem {
        let _ = writeln!(out, "problem loading: {problem}");
    }
    let (mut store, mut set) = (loaded.store, loaded.annotations);
    set.place_in(&doc);
    let mut autosave = Autosave::default();
    let mut unsaved: Vec<AnnotationId> = Vec::new();
    loop {
        let range = sentences[rng.below(sentences.len() as u64) as usize];
        let now = now_ms();
        let mut a = Annotation::highlight(&doc, range, Color::ALL[rng.below(5) as usize], now);
        a.note = match rng.below(4) {
            0 => String::new(),
            1 => format!("第{}条 #金句", rng.below(1000)),
            2 => "多行笔记：\n要点一；\n要点二。".repeat(1 + rng.below(6) as usize),
            _ => "笔".repeat(20 + rng.below(180) as usize),
        };
        unsaved.push(a.id);
        set.apply(vec![Edit::Add(a)], now);
        autosave.edited(Instant::now());
        if autosave.due(Instant::now()) {
            match store.save(&mut set, Some(range.start)) {
                Ok(_) => {
                    autosave.saved();
                    let saved_ms = now_ms();
                    for id in unsaved.drain(..) {
                        let _ = writeln!(out, "ack {id} {saved_ms}");
                    }
                    let _ = out.flush();
                }
                Err(e) => {
                    let _ = writeln!(out, "problem saving: {e}");
                }
            }
        }
        std::thread::sleep(Duration::from_millis(rng.below(16)));
    }
}

/// What a child said before it died.
#[derive(Default)]
struct Heard {
    acks: Vec<(AnnotationId, i64)>,
    problems: Vec<String>,
}

/// A running writer and the thread reading what it says.
struct Writer {
    child: Child,
    reader: JoinHandle<Heard>,
    stderr: PathBuf,
}

fn spawn_writer(data: &Path, seed: u64, stderr: PathBuf) -> Writer {
    let err = std::fs::File::create(&stderr).expect("stderr file");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_writer",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD_ENV, data)
        .env(SEED_ENV, seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(err))
        .spawn()
        .expect("child starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut heard = Heard::default();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.strip_prefix("ack ") {
                let mut parts = rest.split(' ');
                let id = parts.next().and_then(|s| s.parse().ok());
                let ms = parts.next().and_then(|s| s.parse().ok());
                // A line cut by the kill has no time yet: it was never acknowledged.
                if let (Some(id), Some(ms)) = (id, ms) {
                    heard.acks.push((id, ms));
                }
            } else if line.starts_with("problem") {
                heard.problems.push(line);
            }
        }
        heard
    });
    Writer {
        child,
        reader,
        stderr,
    }
}

/// Kill the writer with SIGKILL; returns when it was killed and what it said.
fn kill(mut w: Writer) -> (i64, Heard) {
    if let Ok(Some(status)) = w.child.try_wait() {
        panic!(
            "the writer died on its own ({status}): {}",
            std::fs::read_to_string(&w.stderr).unwrap_or_default()
        );
    }
    let killed_ms = now_ms();
    w.child.kill().expect("SIGKILL");
    let _ = w.child.wait();
    let heard = w.reader.join().expect("reader thread");
    (killed_ms, heard)
}

/// The store's annotation ids, after checking the folder: the store parses, its backups
/// parse, and nothing else there could be read as a store.
fn check_folder(data: &Path, leftover_temps: &mut BTreeSet<String>) -> Vec<AnnotationId> {
    let doc = sample();
    let fp = fingerprint(&doc.text);
    let dir = data.join("annotations");
    let store = dir.join(format!("{fp}.ron"));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == format!("{fp}.ron") || name == format!("{fp}.lock") {
            continue;
        }
        if name == "backups" {
            for backup in std::fs::read_dir(&path).expect("backups").flatten() {
                let text = std::fs::read_to_string(backup.path()).expect("backup");
                if let Err(e) = parse(&text) {
                    panic!("backup {} does not parse: {e}", backup.path().display());
                }
            }
            continue;
        }
        // A write cut by the kill: a temp file, never named like a store.
        assert!(
            name.starts_with(&format!("{fp}.ron.tmp-")),
            "unexpected file {name} (a damaged store kept aside?)"
        );
        assert!(
            path.extension().is_none_or(|e| e != "ron"),
            "a temp file that looks like a store: {name}"
        );
        leftover_temps.insert(name);
    }
    if !store.exists() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(&store).expect("read store");
    let file = parse(&text).unwrap_or_else(|e| panic!("the store does not parse: {e}"));
    file.annotations.iter().map(|a| a.id).collect()
}

/// The writer met no damaged store and no failed save.
fn assert_no_problems(heard: &Heard) {
    assert!(
        heard.problems.is_empty(),
        "{} problems, the first: {:?}",
        heard.problems.len(),
        &heard.problems[..heard.problems.len().min(3)]
    );
}

/// Ids the writer acknowledged (a save that wrote them returned) before the kill.
fn must_have(heard: &Heard, killed_ms: i64) -> Vec<AnnotationId> {
    heard
        .acks
        .iter()
        .filter(|&&(_, ms)| ms <= killed_ms)
        .map(|&(id, _)| id)
        .collect()
}

fn seed() -> u64 {
    std::env::var(SEED_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

/// Delay before a kill: 0.3–1.5 s.
fn delay(rng: &mut Rng) -> Duration {
    Duration::from_millis(300 + rng.below(1201))
}

/// After a round: nothing acknowledged in time is missing, nothing stored before is gone.
fn check_round(
    data: &Path,
    round: usize,
    seed: u64,
    before: &[AnnotationId],
    required: &[AnnotationId],
    leftover_temps: &mut BTreeSet<String>,
) -> Vec<AnnotationId> {
    let ids = check_folder(data, leftover_temps);
    let have: HashSet<_> = ids.iter().copied().collect();
    let missing: Vec<_> = required.iter().filter(|id| !have.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "round {round} (seed {seed}): {} of {} acknowledged ids missing: {missing:?}",
        missing.len(),
        required.len()
    );
    let lost: Vec<_> = before.iter().filter(|id| !have.contains(id)).collect();
    assert!(
        lost.is_empty(),
        "round {round} (seed {seed}): {} ids stored earlier are gone",
        lost.len()
    );
    ids
}

#[test]
fn a_writer_killed_at_random_never_loses_saved_highlights() {
    let seed = seed();
    let mut rng = Rng::new(seed);
    let data = tempfile::tempdir().expect("temp dir");
    let logs = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let (mut stored, mut checked, mut temps) = (Vec::new(), 0, BTreeSet::new());
    for round in 0..25 {
        let w = spawn_writer(
            data.path(),
            rng.next(),
            logs.path().join(format!("{round}.err")),
        );
        std::thread::sleep(delay(&mut rng));
        let (killed_ms, heard) = kill(w);
        assert_no_problems(&heard);
        let required = must_have(&heard, killed_ms);
        checked += required.len();
        stored = check_round(data.path(), round, seed, &stored, &required, &mut temps);
    }
    let _ = writeln!(
        std::io::stderr(),
        "single writer (seed {seed}): 25 kills in {:.1} s, {} highlights stored, {checked} \
         checked as acknowledged by a save before a kill, {} leftover temp files",
        started.elapsed().as_secs_f64(),
        stored.len(),
        temps.len()
    );
    assert!(checked > 0, "no round ran long enough to check anything");
    assert!(
        stored.len() > 100,
        "only {} highlights stored",
        stored.len()
    );
}

#[test]
fn two_writers_killed_at_random_never_lose_each_others_highlights() {
    let seed = seed().wrapping_add(1);
    let mut rng = Rng::new(seed);
    let data = tempfile::tempdir().expect("temp dir");
    let logs = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let (mut stored, mut checked, mut temps) = (Vec::new(), 0, BTreeSet::new());
    for round in 0..10 {
        let writers: Vec<(Duration, Writer)> = (0..2)
            .map(|k| {
                let w = spawn_writer(
                    data.path(),
                    rng.next(),
                    logs.path().join(format!("{round}-{k}.err")),
                );
                (delay(&mut rng), w)
            })
            .collect();
        let t0 = Instant::now();
        let mut order: Vec<_> = writers.into_iter().collect();
        order.sort_by_key(|(d, _)| *d);
        let mut required = Vec::new();
        for (d, w) in order {
            std::thread::sleep(d.saturating_sub(t0.elapsed()));
            let (killed_ms, heard) = kill(w);
            assert_no_problems(&heard);
            required.extend(must_have(&heard, killed_ms));
        }
        checked += required.len();
        stored = check_round(data.path(), round, seed, &stored, &required, &mut temps);
    }
    let _ = writeln!(
        std::io::stderr(),
        "two writers (seed {seed}): 10 rounds in {:.1} s, {} highlights stored, {checked} \
         checked, {} leftover temp files",
        started.elapsed().as_secs_f64(),
        stored.len(),
        temps.len()
    );
    assert!(checked > 0, "no round ran long enough to check anything");
    // Both writers' highlights are there: ids carry the writer's process id.
    let pids: HashSet<u64> = stored.iter().map(|id| (id >> 12) & 0xFFF).collect();
    assert!(pids.len() >= 4, "highlights of only {} writers", pids.len());
}
