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
    /// Matches per section (deepest node, count, first match), for `matches`.
    sections: Vec<(Option<usize>, usize, usize)>,
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
                self.sections = by_section(outline, &matches);
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

    /// Matches per section (deepest node, count, first match), for the list under the bar.
    pub fn sections(&self) -> &[(Option<usize>, usize, usize)] {
        &self.sections
    }
}
