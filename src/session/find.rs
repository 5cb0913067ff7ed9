//! Find in the open document: the search runs on a [`Task`] so the window never waits, a new
//! query cancels the one under way, and the matches are counted per outline section.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use super::task::{Task, Waker};
use crate::document::{Document, TextRange};
use crate::outline::Outline;
use crate::search::{Query, SearchError, Searchable, by_section, find_all};

/// The outcome of one search (`Ok(None)`: cancelled).
type Outcome = Result<Option<Vec<TextRange>>, SearchError>;

/// A search under way.
#[derive(Debug)]
struct Running {
    query: Query,
    cancel: Arc<AtomicBool>,
    task: Task<Outcome>,
}

/// The matches of a query in one document.
#[derive(Debug, Default)]
pub struct Find {
    /// The folded text of the document (built once, on the worker).
    searchable: Arc<OnceLock<Searchable>>,
    running: Option<Running>,
    /// The matches of the last finished query, in document order.
    pub matches: Arc<Vec<TextRange>>,
    /// The query `matches` answer.
    done_for: Option<Query>,
    /// The match the reader is at.
    pub current: Option<usize>,
    /// Why the query cannot run.
    pub error: Option<String>,
    /// Matches per section, each counting its subsections', for `matches`.
    sections: Vec<SectionMatches>,
    /// Bumped when `matches` change (the scroll-bar marks cache on it).
    pub generation: u64,
}

impl Drop for Find {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl Find {
    fn cancel(&mut self) {
        if let Some(r) = self.running.take() {
            r.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the matches answer `query`.
    pub fn is_current(&self, query: &Query) -> bool {
        self.done_for.as_ref() == Some(query)
    }

    /// Whether a search is under way.
    pub fn is_searching(&self) -> bool {
        self.running.is_some()
    }

    /// Start searching `doc` for `query` unless the matches already answer it or that search
    /// is under way (returns at once; `waker` is called when it is done).
    pub fn search(&mut self, query: &Query, doc: &Arc<Document>, waker: Option<Waker>) {
        if self.is_current(query) || self.running.as_ref().is_some_and(|r| r.query == *query) {
            return;
        }
        self.cancel();
        let cancel = Arc::new(AtomicBool::new(false));
        let (doc, searchable, q, flag) = (
            Arc::clone(doc),
            Arc::clone(&self.searchable),
            query.clone(),
            Arc::clone(&cancel),
        );
        let work = move || {
            let folded = searchable.get_or_init(|| Searchable::new(&doc));
            find_all(&doc, folded, &q, &flag)
        };
        if let Ok(task) = Task::spawn("find", waker, work) {
            self.running = Some(Running {
                query: query.clone(),
                cancel,
                task,
            });
        }
    }

    /// Take a finished search's result; true when new matches arrived.
    pub fn poll(&mut self, outline: &Outline) -> bool {
        let Some(running) = &mut self.running else {
            return false;
        };
        let Some(outcome) = running.task.poll() else {
            if running.task.lost() {
                self.running = None;
            }
            return false;
        };
        let query = running.query.clone();
        self.running = None;
        match outcome {
            Ok(Some(matches)) => {
                self.sections = sections_of(outline, &matches);
                self.matches = Arc::new(matches);
                self.error = None;
            }
            Ok(None) => return false,
            Err(e) => {
                self.error = Some(e.to_string());
                self.matches = Arc::new(Vec::new());
                self.sections.clear();
            }
        }
        self.done_for = Some(query);
        self.current = None;
        self.generation += 1;
        true
    }

    /// Wait for the search under way (tests, benchmarks; never in a frame). True when new
    /// matches arrived.
    pub fn wait(&mut self, outline: &Outline, timeout: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        while self.running.is_some() && std::time::Instant::now() < deadline {
            if self.poll(outline) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        false
    }

    /// The first match at or after char `pos` (wrapping to the first).
    pub fn first_from(&self, pos: usize) -> Option<usize> {
        if self.matches.is_empty() {
            return None;
        }
        let i = self.matches.partition_point(|m| m.start < pos);
        Some(if i < self.matches.len() { i } else { 0 })
    }

    /// The next (`step` = 1) or previous (−1) match, wrapping; from `pos` when none is
    /// current.
    pub fn step(&self, step: i32, pos: usize) -> Option<usize> {
        let n = self.matches.len();
        if n == 0 {
            return None;
        }
        Some(match self.current {
            Some(c) if step > 0 => (c + 1) % n,
            Some(c) => (c + n - 1) % n,
            None if step > 0 => self.first_from(pos).unwrap_or(0),
            None => {
                let i = self.matches.partition_point(|m| m.start < pos);
                (i + n - 1) % n
            }
        })
    }

    /// Matches per section, in document order, each counting its subsections' (the list
    /// under the bar).
    pub fn sections(&self) -> &[SectionMatches] {
        &self.sections
    }

    /// What the counter beside the field shows for `query`: never the matches or the error
    /// of another query (while the new one runs, or before it starts, it is searching).
    pub fn counter(&self, query: &Query) -> Counter {
        if query.text.is_empty() {
            return Counter::Empty;
        }
        if !self.is_current(query) {
            return Counter::Searching;
        }
        if let Some(e) = &self.error {
            return Counter::Error(e.clone());
        }
        if self.matches.is_empty() {
            return Counter::NoMatches;
        }
        Counter::At {
            current: self.current,
            total: self.matches.len(),
            more: self.matches.len() >= crate::search::MAX_MATCHES,
        }
    }
}

/// The counter beside the find field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Counter {
    /// Nothing typed.
    Empty,
    /// The query's search has not finished (or not started).
    Searching,
    /// Why the query cannot run (a bad regular expression).
    Error(String),
    /// The query's search found nothing.
    NoMatches,
    /// `current + 1 / total` (`–` when no match is current yet), `+` when there were more
    /// than could be kept.
    At {
        /// The match the reader is at.
        current: Option<usize>,
        /// How many were found.
        total: usize,
        /// The search stopped at [`crate::search::MAX_MATCHES`].
        more: bool,
    },
}

/// Matches in one section of the document, its subsections' included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionMatches {
    /// The outline node (`None`: before the first heading).
    pub node: Option<usize>,
    /// Its depth in the outline (0 before the first heading).
    pub depth: u8,
    /// Matches in it and in its subsections.
    pub count: usize,
    /// Index of the first of them in the matches.
    pub first: usize,
}

/// Matches per section in document order: each node holding a match, and each of its
/// ancestors, counting the matches of its subsections too (a chapter's count is the sum of
/// its own and its sections').
pub fn sections_of(outline: &Outline, matches: &[TextRange]) -> Vec<SectionMatches> {
    let index = outline.index();
    // Node (None first, then in document order) → (count, first match).
    let mut totals: std::collections::BTreeMap<Option<usize>, (usize, usize)> =
        std::collections::BTreeMap::new();
    let mut add = |node: Option<usize>, count: usize, first: usize| {
        let entry = totals.entry(node).or_insert((0, first));
        entry.0 += count;
        entry.1 = entry.1.min(first);
    };
    for (node, count, first) in by_section(outline, matches) {
        match node {
            None => add(None, count, first),
            Some(i) => {
                for j in index.path_to(i) {
                    add(Some(j), count, first);
                }
            }
        }
    }
    totals
        .into_iter()
        .map(|(node, (count, first))| SectionMatches {
            node,
            depth: node.map_or(0, |i| outline.nodes[i].depth),
            count,
            first,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::SourceFormat;
    use std::time::Duration;

    const TEXT: &str = "关于测试的讲话\n开头一句甲。\n一、总体要求\n（一）指导思想\n正文甲句。\n（二）基本原则\n正文甲甲句。\n二、重点任务\n正文甲句。";

    fn doc() -> (Arc<Document>, Outline) {
        let doc = Document::from_text(TEXT.to_owned(), "UTF-8", SourceFormat::Text);
        let outline = crate::outline::outline(&doc);
        (Arc::new(doc), outline)
    }

    fn query(text: &str, regex: bool) -> Query {
        Query {
            text: text.to_owned(),
            exact: false,
            regex,
        }
    }

    fn run(find: &mut Find, q: &Query, doc: &Arc<Document>, outline: &Outline) {
        find.search(q, doc, None);
        assert!(
            find.wait(outline, Duration::from_secs(10)),
            "{q:?} finished"
        );
    }

    #[test]
    fn the_counter_is_for_the_query_typed_never_the_last_one() {
        let (doc, outline) = doc();
        let mut find = Find::default();
        let first = query("甲", false);
        run(&mut find, &first, &doc, &outline);
        assert!(matches!(find.counter(&first), Counter::At { total: 5, .. }));
        // Typed on: before its search starts, and while it runs, the new query is searching.
        let second = query("甲甲", false);
        assert_eq!(find.counter(&second), Counter::Searching);
        find.search(&second, &doc, None);
        assert_eq!(find.counter(&second), Counter::Searching);
        assert!(find.wait(&outline, Duration::from_secs(10)));
        assert!(matches!(
            find.counter(&second),
            Counter::At { total: 1, .. }
        ));
        // A bad regular expression's error is its own, not the next query's.
        let bad = query("(", true);
        run(&mut find, &bad, &doc, &outline);
        assert!(matches!(find.counter(&bad), Counter::Error(_)));
        assert_eq!(find.counter(&query("乙", false)), Counter::Searching);
        assert_eq!(find.counter(&query("", false)), Counter::Empty);
        let none = query("没有的字", false);
        run(&mut find, &none, &doc, &outline);
        assert_eq!(find.counter(&none), Counter::NoMatches);
    }

    #[test]
    fn a_section_counts_the_matches_of_its_subsections() {
        let (doc, outline) = doc();
        let mut find = Find::default();
        run(&mut find, &query("甲", false), &doc, &outline);
        let shown: Vec<(String, u8, usize)> = find
            .sections()
            .iter()
            .map(|m| {
                let label = m.node.map_or("开头".to_owned(), |i| {
                    crate::outline::label::node_label(&outline.nodes[i])
                });
                (label, m.depth, m.count)
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("开头".to_owned(), 0, 1),
                ("一、总体要求".to_owned(), 1, 3),
                ("（一）指导思想".to_owned(), 2, 1),
                ("（二）基本原则".to_owned(), 2, 2),
                ("二、重点任务".to_owned(), 1, 1),
            ]
        );
        // Each entry goes to the first match inside it.
        let first = find.sections()[1].first;
        assert_eq!(doc.slice(find.matches[first]), "甲");
        assert_eq!(first, 1);
        // The counts of the top level add up to every match.
        let top: usize = find
            .sections()
            .iter()
            .filter(|m| m.depth <= 1)
            .map(|m| m.count)
            .sum();
        assert_eq!(top, find.matches.len());
    }
}
