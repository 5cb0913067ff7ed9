//! Re-anchoring under editing: hundreds of highlights on the bundled sample and on the seed
//! speech, then hundreds of small random edits around them (insertions of new text and of
//! text copied from elsewhere, which makes duplicate quotes; deletions), then placing them in
//! the edited text. Almost all must land exactly on their quote, none may vanish; quotes
//! edited inside are found fuzzily on the edited text.

mod common;

use std::io::Write as _;

use pizhu::annotate::units::sentence_at;
use pizhu::annotate::{AnchorState, Annotation, AnnotationId, AnnotationSet, Color};
use pizhu::document::{Document, SourceFormat, TextRange};

/// xorshift64*: small and seedable.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// In `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Common characters and punctuation for inserted text.
const POOL: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工\
也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制\
机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反明看\
原又利比或但质气第向道命此变条只没结解问意建月公无系很情者最立代想已通并提直题党程展五果料象员革位入常\
文总次品式活设及管特件长求头基资边流路级少图山统接知较将组见计别手角期根论运农指几区强放决西被干做必战\
先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联认共权收证改清己\
美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类离华名确才科张信马节话米整空元\
况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委\
素技备半办青省列习响约支般史感劳便团往历市克何除消构府称太准精值号率族维划选标写存候亲快效院查江型眼王\
按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严，。、；：";

fn doc(text: &str) -> Document {
    Document::from_text(text.to_owned(), "UTF-8", SourceFormat::Text)
}

/// Where a highlight must be after the edits, and what it must cover.
#[derive(Clone, Debug)]
struct Expected {
    id: AnnotationId,
    range: TextRange,
    quote: String,
}

/// A text being edited, with the ranges that must not be edited inside.
struct Sim {
    text: Vec<char>,
    expected: Vec<Expected>,
}

impl Sim {
    /// Whether `pos` falls strictly inside a highlight.
    fn inside(&self, pos: usize) -> bool {
        self.expected
            .iter()
            .any(|e| e.range.start < pos && pos < e.range.end)
    }

    /// Whether deleting `[from, to)` would touch a highlight.
    fn touches(&self, from: usize, to: usize) -> bool {
        self.expected
            .iter()
            .any(|e| from < e.range.end && e.range.start < to)
    }

    fn insert(&mut self, pos: usize, s: &[char]) {
        self.text.splice(pos..pos, s.iter().copied());
        for e in &mut self.expected {
            if e.range.start >= pos {
                e.range = TextRange::new(e.range.start + s.len(), e.range.end + s.len());
            }
        }
    }

    fn delete(&mut self, from: usize, to: usize) {
        self.text.drain(from..to);
        for e in &mut self.expected {
            if e.range.start >= to {
                e.range = TextRange::new(e.range.start - (to - from), e.range.end - (to - from));
            }
        }
    }

    /// One random small edit outside every highlight; false when none was found.
    fn edit_outside(&mut self, rng: &mut Rng) -> bool {
        for _ in 0..200 {
            let pos = rng.range(0, self.text.len());
            if self.inside(pos) {
                continue;
            }
            if rng.chance(60) {
                let piece = if rng.chance(30) && self.text.len() > 60 {
                    // Text copied from elsewhere: duplicate quotes, duplicate context.
                    let len = rng.range(10, 50);
                    let from = rng.range(0, self.text.len() - len);
                    self.text[from..from + len].to_vec()
                } else {
                    let pool: Vec<char> = POOL.chars().collect();
                    (0..rng.range(1, 50))
                        .map(|_| pool[rng.range(0, pool.len() - 1)])
                        .collect()
                };
                self.insert(pos, &piece);
                return true;
            }
            let len = rng.range(1, 50);
            let end = (pos + len).min(self.text.len());
            if end > pos && !self.touches(pos, end) {
                self.delete(pos, end);
                return true;
            }
        }
        false
    }
}

/// Alternating zones: highlights go in the long ones, edits happen mostly between them (a
/// document annotated all over has nowhere left to edit outside its highlights).
fn zones(char_count: usize, rng: &mut Rng) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut pos = rng.range(0, 60);
    while pos + 40 < char_count {
        let len = rng.range(120, 400).min(char_count - pos);
        out.push(TextRange::new(pos, pos + len));
        pos += len + rng.range(20, 100);
    }
    out
}

/// `n` highlights on random spans of 5–80 chars inside the zones (or anywhere, when
/// `scattered`), a quarter whole sentences.
fn highlights(d: &Document, n: usize, scattered: bool, rng: &mut Rng) -> Vec<Annotation> {
    let zones = if scattered {
        vec![TextRange::new(0, d.char_count)]
    } else {
        zones(d.char_count, rng)
    };
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let zone = zones[rng.range(0, zones.len() - 1)];
        let range = if rng.chance(25) {
            match sentence_at(d, rng.range(zone.start, zone.end - 1)) {
                Some(r) if zone.contains_range(r) && r.len() >= 5 => r,
                _ => continue,
            }
        } else {
            let start = rng.range(zone.start, zone.end - 5);
            let end = (start + rng.range(5, 80)).min(zone.end);
            TextRange::new(start, end)
        };
        let i = out.len() as i64;
        out.push(Annotation::highlight(
            d,
            range,
            Color::ALL[out.len() % 5],
            1_000_000 + i,
        ));
    }
    out
}

/// How the highlights landed.
#[derive(Debug, Default)]
struct Landed {
    total: usize,
    /// On exactly their quote text.
    on_quote: usize,
    /// On their quote, at exactly the place it moved to.
    at_place: usize,
    unplaced: usize,
    /// Flagged for the user to confirm: on a quote that occurs again right beside itself.
    ambiguous: usize,
}

impl Landed {
    fn add(&mut self, other: &Landed) {
        self.total += other.total;
        self.on_quote += other.on_quote;
        self.at_place += other.at_place;
        self.unplaced += other.unplaced;
        self.ambiguous += other.ambiguous;
    }

    fn rate(n: usize, total: usize) -> f64 {
        100.0 * n as f64 / total.max(1) as f64
    }
}

/// Place `items` in the edited text and compare with where they should be.
fn place_and_compare(sim: &Sim, items: Vec<Annotation>) -> Landed {
    let edited = doc(&sim.text.iter().collect::<String>());
    let count = items.len();
    let mut set = AnnotationSet::new(items, Vec::new());
    let unplaced = set.place_in(&edited);
    assert_eq!(set.len(), count, "none dropped");
    let mut landed = Landed {
        total: count,
        unplaced,
        ..Landed::default()
    };
    for e in &sim.expected {
        let a = set.get(e.id).expect("every highlight is still in the set");
        if !a.is_placed() {
            continue;
        }
        landed.ambiguous += usize::from(a.state == AnchorState::Ambiguous);
        assert!(
            a.range.end <= edited.char_count,
            "placed out of bounds: {a:?}"
        );
        if edited.slice(a.range) == e.quote {
            landed.on_quote += 1;
            if a.range == e.range {
                landed.at_place += 1;
            }
        }
    }
    landed
}

/// `n` highlights, 200 edits outside them, one placing at the end.
fn run(text: &str, seed: u64, n: usize, scattered: bool) -> Landed {
    let mut rng = Rng::new(seed);
    let d = doc(text);
    let items = highlights(&d, n, scattered, &mut rng);
    let mut sim = Sim {
        text: d.text.chars().collect(),
        expected: items
            .iter()
            .map(|a| Expected {
                id: a.id,
                range: a.range,
                quote: a.quote.clone(),
            })
            .collect(),
    };
    let mut edits = 0;
    while edits < 200 && sim.edit_outside(&mut rng) {
        edits += 1;
    }
    assert_eq!(edits, 200, "room for 200 edits outside the highlights");
    place_and_compare(&sim, items)
}

fn check(name: &str, text: &str, seeds: std::ops::Range<u64>, n: usize, scattered: bool) {
    let mut all = Landed::default();
    for seed in seeds.clone() {
        let landed = run(text, seed, n, scattered);
        let _ = writeln!(
            std::io::stderr(),
            "{name} seed {seed}: {landed:?} — {:.1} % on their quote",
            Landed::rate(landed.on_quote, landed.total)
        );
        assert!(
            landed.on_quote * 100 >= landed.total * 99,
            "{name} seed {seed}: only {} of {} on their quote ({landed:?})",
            landed.on_quote,
            landed.total
        );
        all.add(&landed);
    }
    let _ = writeln!(
        std::io::stderr(),
        "{name}, seeds {seeds:?}: {:.2} % on their quote, {:.2} % at exactly their place, {} \
         unplaced, {} ambiguous of {}",
        Landed::rate(all.on_quote, all.total),
        Landed::rate(all.at_place, all.total),
        all.unplaced,
        all.ambiguous,
        all.total
    );
    // Landing on another copy of the same words is rare too.
    assert!(
        all.at_place * 100 >= all.total * 98,
        "{name}: only {} of {} at their place",
        all.at_place,
        all.total
    );
}

#[test]
fn highlights_on_the_sample_survive_edits_around_them() {
    let text = std::fs::read_to_string(common::sample()).expect("sample");
    check("sample", &text, 1..9, 300, false);
    // Fewer highlights spread over the whole text: more edits right beside them.
    check("sample, scattered", &text, 11..19, 40, true);
}

#[test]
fn highlights_on_the_seed_speech_survive_edits_around_them() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let d = Document::open(&corpus.join("seed/speech-lianzheng.txt")).expect("seed speech");
    check("seed speech", &d.text, 1..9, 300, false);
    check("seed speech, scattered", &d.text, 11..19, 70, true);
}

/// Highlights of 20–60 chars, apart from each other; half get 1–3 chars changed inside.
fn run_inside(text: &str, seed: u64) -> (usize, usize, Vec<String>) {
    let mut rng = Rng::new(seed);
    let d = doc(text);
    let mut items = Vec::new();
    let mut pos = rng.range(0, 40);
    while pos + 100 < d.char_count {
        let len = rng.range(20, 60);
        let range = TextRange::new(pos, pos + len);
        pos += len + rng.range(40, 120);
        if d.slice(range).contains('\n') {
            continue;
        }
        let i = items.len() as i64;
        items.push(Annotation::highlight(&d, range, Color::Blue, 1_000_000 + i));
    }
    let mut sim = Sim {
        text: d.text.chars().collect(),
        expected: items
            .iter()
            .map(|a| Expected {
                id: a.id,
                range: a.range,
                quote: a.quote.clone(),
            })
            .collect(),
    };
    let pool: Vec<char> = POOL.chars().collect();
    let mut edited_ids = Vec::new();
    // From the end, so earlier ranges stay valid while later ones shift.
    for k in (0..sim.expected.len()).rev() {
        if !rng.chance(50) {
            continue;
        }
        edited_ids.push(sim.expected[k].id);
        for _ in 0..rng.range(1, 3) {
            let e = sim.expected[k].clone();
            // A char replaced or removed, or one inserted between two chars of the quote.
            let at = rng.range(e.range.start, e.range.end - 1);
            let inner = |sim: &mut Sim, delta: isize| {
                let x = &mut sim.expected[k];
                x.range = TextRange::new(x.range.start, (x.range.end as isize + delta) as usize);
                for later in &mut sim.expected[k + 1..] {
                    later.range = TextRange::new(
                        (later.range.start as isize + delta) as usize,
                        (later.range.end as isize + delta) as usize,
                    );
                }
            };
            match rng.range(0, 2) {
                0 => {
                    let c = loop {
                        let c = pool[rng.range(0, pool.len() - 1)];
                        if c != sim.text[at] {
                            break c;
                        }
                    };
                    sim.text[at] = c;
                }
                1 if e.range.len() > 1 => {
                    let at = rng.range(e.range.start + 1, e.range.end - 1);
                    sim.text.insert(at, pool[rng.range(0, pool.len() - 1)]);
                    inner(&mut sim, 1);
                }
                _ => {
                    sim.text.remove(at);
                    inner(&mut sim, -1);
                }
            }
        }
        let e = &mut sim.expected[k];
        e.quote = sim.text[e.range.start..e.range.end].iter().collect();
    }
    let edited = doc(&sim.text.iter().collect::<String>());
    let mut set = AnnotationSet::new(items, Vec::new());
    set.place_in(&edited);
    let mut failures = Vec::new();
    let mut fuzzy_ok = 0;
    for e in &sim.expected {
        let a = set.get(e.id).expect("kept");
        let was_edited = edited_ids.contains(&e.id);
        let ok = a.is_placed() && a.range == e.range && edited.slice(a.range) == e.quote;
        let state_ok = if was_edited {
            a.state == AnchorState::Fuzzy
        } else {
            a.state != AnchorState::Fuzzy
        };
        if ok && state_ok {
            fuzzy_ok += usize::from(was_edited);
        } else {
            failures.push(format!(
                "{} {:?} at {:?}: {:?}, expected {:?} at {:?}",
                if was_edited { "edited" } else { "untouched" },
                a.state,
                a.range,
                if a.is_placed() {
                    edited.slice(a.range)
                } else {
                    ""
                },
                e.quote,
                e.range
            ));
        }
    }
    (fuzzy_ok, edited_ids.len(), failures)
}

fn check_inside(name: &str, text: &str) {
    let (mut ok, mut total) = (0, 0);
    for seed in 1..9 {
        let (o, t, failures) = run_inside(text, seed);
        assert!(
            failures.is_empty(),
            "{name} seed {seed}: {} wrong:\n{}",
            failures.len(),
            failures.join("\n")
        );
        ok += o;
        total += t;
    }
    let _ = writeln!(
        std::io::stderr(),
        "{name}: {ok} of {total} quotes edited inside placed fuzzily on their edited text"
    );
    assert!(total > 50, "only {total} edited quotes");
}

#[test]
fn quotes_edited_inside_are_found_fuzzily_on_the_sample() {
    let text = std::fs::read_to_string(common::sample()).expect("sample");
    check_inside("sample", &text);
}

#[test]
fn quotes_edited_inside_are_found_fuzzily_on_the_seed_speech() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let d = Document::open(&corpus.join("seed/speech-lianzheng.txt")).expect("seed speech");
    check_inside("seed speech", &d.text);
}

/// A store holding one highlight made on an earlier draft of the sample, whose quote had one
/// word the text no longer has (the text around it is unchanged): the placing is fuzzy.
fn store_with_an_edited_quote(data_dir: &std::path::Path) -> (Document, AnnotationId) {
    use pizhu::annotate::Edit;
    use pizhu::store::annotations::DocStore;
    let d = doc(&std::fs::read_to_string(common::sample()).expect("sample"));
    let byte = d.text.find(NOW).expect("quote in the sample");
    let start = d.char_of_byte(byte);
    let range = TextRange::new(start, start + NOW.chars().count());
    let mut a = Annotation::highlight(&d, range, Color::Green, 1);
    a.quote = BEFORE.to_owned();
    let id = a.id;
    let mut loaded = DocStore::load(data_dir, &d, None, "");
    loaded.annotations.apply(vec![Edit::Add(a)], 1);
    loaded
        .store
        .save(&mut loaded.annotations, None)
        .expect("saved");
    (d, id)
}

/// The highlighted words in the sample now, and in the draft the highlight was made on.
const NOW: &str = "数字政府建设是一项系统工程";
const BEFORE: &str = "数字政府建设是一项复杂工程";

#[test]
fn a_fuzzy_placement_is_still_flagged_after_a_save_and_reload() {
    use pizhu::annotate::{Review, ReviewReason};
    use pizhu::store::annotations::DocStore;
    let data = tempfile::tempdir().expect("tempdir");
    let (d, id) = store_with_an_edited_quote(data.path());
    let outline = pizhu::outline(&d);
    let review = Review {
        old_quote: BEFORE.to_owned(),
        reason: ReviewReason::Fuzzy,
    };
    // Placed and saved (now on the new words), then loaded and placed again: at its
    // offsets, on its (new) quote — and still fuzzy, in the window and in `pizhu notes`.
    for round in 0..3 {
        let mut loaded = DocStore::load(data.path(), &d, None, "");
        assert_eq!(loaded.annotations.place_in(&d), 0);
        let a = loaded.annotations.get(id).expect("kept").clone();
        assert_eq!(
            (a.state, a.quote.as_str(), a.review.as_ref()),
            (AnchorState::Fuzzy, NOW, Some(&review)),
            "round {round}"
        );
        let listing = pizhu::export::notes_text("t", &outline, &loaded.annotations);
        assert!(listing.contains("· fuzzy ·"), "round {round}: {listing}");
        loaded
            .store
            .save(&mut loaded.annotations, None)
            .expect("saved");
        let stored = std::fs::read_to_string(loaded.store.path()).expect("store");
        assert!(
            stored.contains(&format!("old_quote: \"{BEFORE}\"")),
            "round {round}: {stored}"
        );
    }
}

#[test]
fn a_paragraph_pasted_before_itself_flags_its_highlights_and_moves_no_other() {
    // Issue 10: a copy of a highlighted paragraph pasted right before it silently took the
    // highlight. Every paragraph of the sample in turn: its highlight is flagged ambiguous
    // (on one of the two copies), the others stay exactly where their text went.
    let text = std::fs::read_to_string(common::sample()).expect("sample");
    let d = doc(&text);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut line_start = Vec::new();
    let mut pos = 0;
    for line in &lines {
        line_start.push(pos);
        pos += line.chars().count() + 1;
    }
    let chosen: Vec<usize> = (0..lines.len())
        .filter(|&k| lines[k].chars().count() >= 16)
        .collect();
    let items: Vec<Annotation> = chosen
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let start = line_start[k] + lines[k].chars().count() / 3;
            let range = TextRange::new(start, start + 6);
            Annotation::highlight(&d, range, Color::Pink, 1_000 + i as i64)
        })
        .collect();
    let mut flagged = 0;
    for (i, &k) in chosen.iter().enumerate() {
        let mut edited_lines = lines.clone();
        edited_lines.insert(k, lines[k]);
        let edited = doc(&edited_lines.join("\n"));
        let pasted = lines[k].chars().count() + 1;
        let mut placed = items.clone();
        pizhu::annotate::place_all_after(&edited, &mut placed, Some(d.char_count));
        for (j, (a, b)) in items.iter().zip(&placed).enumerate() {
            assert_eq!(
                edited.slice(b.range),
                a.quote,
                "paragraph {k}, highlight {j}"
            );
            if j == i {
                assert_eq!(b.state, AnchorState::Ambiguous, "paragraph {k}");
                assert!(
                    [a.range.start, a.range.start + pasted].contains(&b.range.start),
                    "paragraph {k}: {:?} → {:?}",
                    a.range,
                    b.range
                );
                flagged += 1;
            } else {
                let moved = if j < i { 0 } else { pasted };
                assert_eq!(
                    (b.range.start, b.review.is_some()),
                    (a.range.start + moved, false),
                    "paragraph {k}, highlight {j}: {:?}",
                    b.state
                );
            }
        }
    }
    assert!(flagged >= 25, "{flagged} paragraphs");
    // The window's way, without the old length: the highlight after the paragraph is the
    // neighbour that moved (all but the last paragraph have one).
    for (i, &k) in chosen.iter().enumerate().take(chosen.len() - 1) {
        let mut edited_lines = lines.clone();
        edited_lines.insert(k, lines[k]);
        let edited = doc(&edited_lines.join("\n"));
        let mut set = AnnotationSet::new(items.clone(), Vec::new());
        set.place_in(&edited);
        let states: Vec<AnchorState> = items
            .iter()
            .map(|a| set.get(a.id).expect("kept").state)
            .collect();
        assert_eq!(states[i], AnchorState::Ambiguous, "paragraph {k}");
        let others = states
            .iter()
            .filter(|&&s| s == AnchorState::Ambiguous)
            .count();
        assert_eq!(others, 1, "paragraph {k}: {states:?}");
    }
}
