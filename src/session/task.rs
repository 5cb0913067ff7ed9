//! Work off the UI thread: a [`Task`] runs a closure on a named thread and hands back its
//! result without blocking the caller.
//!
//! One shape for every worker thread (saving notes, opening a document, finding, exporting,
//! a file dialog):
//!
//! ```
//! use std::sync::Arc;
//! use pizhu::session::task::Task;
//!
//! // A window passes a waker that asks for a repaint (`ctx.request_repaint()`), so it
//! // sleeps until the result is there instead of polling on a timer.
//! let waker: Arc<dyn Fn() + Send + Sync> = Arc::new(|| {});
//! let mut task = Task::spawn("sum", Some(waker), || (1..=10).sum::<u32>()).expect("thread");
//! // Each frame: `poll` never blocks; it gives the result once.
//! let sum = loop {
//!     if let Some(sum) = task.poll() {
//!         break sum;
//!     }
//!     assert!(!task.lost());
//!     std::thread::yield_now();
//! };
//! assert_eq!(sum, 55);
//! ```
//!
//! Dropping a task detaches its thread: the work runs to its end and its result is dropped.
//! The crate never imports egui here; the waker is just a callback.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError, channel};
use std::time::Duration;

/// Called on the worker thread when a task ends (with a result or by panicking); a window
/// passes one that requests a repaint.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// A closure running on its own named thread, whose result is picked up with [`Task::poll`].
#[derive(Debug)]
pub struct Task<T> {
    result: Receiver<T>,
    name: String,
    state: State,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Running,
    /// The result was handed out.
    Taken,
    /// The thread ended without a result (the closure panicked).
    Lost,
}

/// Calls the waker when the thread ends, also when the closure panics.
struct WakeOnDrop(Option<Waker>);

impl Drop for WakeOnDrop {
    fn drop(&mut self) {
        if let Some(wake) = &self.0 {
            wake();
        }
    }
}

impl<T: Send + 'static> Task<T> {
    /// Run `work` on a new thread called `name`; `waker` is called once it has ended. Fails
    /// only when the system cannot start a thread.
    pub fn spawn(
        name: &str,
        waker: Option<Waker>,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> std::io::Result<Self> {
        let (tx, rx) = channel();
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                // Dropped after the send (or while unwinding): the result is there when the
                // waker runs.
                let _wake = WakeOnDrop(waker);
                let _ = tx.send(work());
            })?;
        Ok(Self {
            result: rx,
            name: name.to_owned(),
            state: State::Running,
        })
    }
}

impl<T> Task<T> {
    /// The result, once the work is done (never blocks; `Some` only once).
    pub fn poll(&mut self) -> Option<T> {
        if self.state != State::Running {
            return None;
        }
        match self.result.try_recv() {
            Ok(value) => {
                self.state = State::Taken;
                Some(value)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.state = State::Lost;
                None
            }
        }
    }

    /// Block until the result is there, at most `timeout` (`None`: not done in time, or
    /// lost, or already taken). For exits and tests, never in a frame.
    pub fn wait(&mut self, timeout: Duration) -> Option<T> {
        if self.state != State::Running {
            return None;
        }
        match self.result.recv_timeout(timeout) {
            Ok(value) => {
                self.state = State::Taken;
                Some(value)
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                self.state = State::Lost;
                None
            }
        }
    }

    /// Whether the thread ended without a result (the work panicked); known after a
    /// [`Task::poll`] or [`Task::wait`] that returned `None`.
    pub fn lost(&self) -> bool {
        self.state == State::Lost
    }

    /// The thread's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Lower the calling thread's priority (nice 10, on Linux, where a thread has a nice value
/// of its own), for work done ahead of need — the notebook's search text, freeing — so that
/// on a two-core machine it takes what the window and the work being waited for leave, not a
/// share of it. Elsewhere nothing changes.
pub fn background() {
    // On Linux `setpriority(PRIO_PROCESS, tid)` sets one thread's nice value. A failure is
    // ignored: the work is then done at the usual priority.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10);
}

/// Drop `value` on a thread kept for that, not on the caller's: a notebook of 100,000
/// annotations takes 15 ms to free, a frame's whole budget on the UI thread. Dropped here
/// when that thread cannot be had.
pub fn drop_elsewhere<T: Send + 'static>(value: T) {
    type Trash = Box<dyn Send>;
    static BIN: std::sync::OnceLock<Option<std::sync::mpsc::Sender<Trash>>> =
        std::sync::OnceLock::new();
    let bin = BIN.get_or_init(|| {
        let (tx, rx) = channel::<Trash>();
        std::thread::Builder::new()
            .name("drop".into())
            .spawn(move || {
                background();
                rx.into_iter().for_each(drop);
            })
            .ok()
            .map(|_| tx)
    });
    if let Some(tx) = bin {
        // Sent, or handed back in the error and dropped here.
        let _ = tx.send(Box::new(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_value_dropped_elsewhere_is_dropped_on_another_thread() {
        struct Tell(std::sync::mpsc::Sender<Option<String>>);
        impl Drop for Tell {
            fn drop(&mut self) {
                let _ = self
                    .0
                    .send(std::thread::current().name().map(str::to_owned));
            }
        }
        let (tx, rx) = channel();
        drop_elsewhere(Tell(tx.clone()));
        drop_elsewhere(Tell(tx));
        for _ in 0..2 {
            let on = rx.recv_timeout(Duration::from_secs(30)).expect("dropped");
            assert_eq!(on.as_deref(), Some("drop"));
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn background_lowers_this_thread_only() {
        use rustix::process::getpriority_process;
        use rustix::thread::gettid;
        let mine = getpriority_process(Some(gettid())).expect("this thread's nice value");
        let theirs = std::thread::spawn(|| {
            background();
            getpriority_process(Some(gettid())).expect("its nice value")
        })
        .join()
        .expect("the thread");
        assert_eq!(theirs, mine.max(10));
        assert_eq!(getpriority_process(Some(gettid())).ok(), Some(mine));
    }

    fn counter() -> (Arc<AtomicUsize>, Waker) {
        let n = Arc::new(AtomicUsize::new(0));
        let m = Arc::clone(&n);
        (
            n,
            Arc::new(move || {
                m.fetch_add(1, Ordering::SeqCst);
            }),
        )
    }

    #[test]
    fn the_result_comes_once_and_the_waker_is_called() {
        let (woken, waker) = counter();
        let mut task = Task::spawn("test-task", Some(waker), || 42).unwrap();
        assert_eq!(task.name(), "test-task");
        assert_eq!(task.wait(Duration::from_secs(10)), Some(42));
        assert_eq!(task.poll(), None);
        assert!(!task.lost());
        // The waker runs after the result is sent.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while woken.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
        assert_eq!(woken.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn poll_does_not_block() {
        let (tx, rx) = channel::<()>();
        let mut task = Task::spawn("test-block", None, move || rx.recv().is_ok()).unwrap();
        assert_eq!(task.poll(), None);
        assert_eq!(task.wait(Duration::from_millis(20)), None);
        assert!(!task.lost());
        tx.send(()).unwrap();
        assert_eq!(task.wait(Duration::from_secs(10)), Some(true));
    }

    #[test]
    fn a_panic_is_reported_as_lost_and_still_wakes() {
        let (woken, waker) = counter();
        let mut task: Task<u32> = Task::spawn("test-panic", Some(waker), || {
            panic!("expected in this test")
        })
        .unwrap();
        assert_eq!(task.wait(Duration::from_secs(10)), None);
        assert!(task.lost());
        assert_eq!(woken.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn dropping_a_task_lets_the_work_finish() {
        let (woken, waker) = counter();
        let (tx, rx) = channel::<()>();
        let task = Task::spawn("test-detach", Some(waker), move || {
            let _ = rx.recv();
        })
        .unwrap();
        drop(task);
        tx.send(()).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while woken.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
        assert_eq!(woken.load(Ordering::SeqCst), 1);
    }
}
