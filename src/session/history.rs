//! Back and forward across jumps, like a browser's history.

/// Most places remembered for Back.
const MAX_HISTORY: usize = 200;

/// Places left by jumps, like a browser's history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    back: Vec<usize>,
    forward: Vec<usize>,
}

impl History {
    /// A jump is about to leave `pos`.
    pub fn record(&mut self, pos: usize) {
        if self.back.last() != Some(&pos) {
            self.back.push(pos);
            if self.back.len() > MAX_HISTORY {
                self.back.remove(0);
            }
        }
        self.forward.clear();
    }

    /// Where Back goes from `current` (which Forward then returns to).
    pub fn back(&mut self, current: usize) -> Option<usize> {
        let pos = self.back.pop()?;
        self.forward.push(current);
        Some(pos)
    }

    /// Where Forward goes from `current`.
    pub fn forward(&mut self, current: usize) -> Option<usize> {
        let pos = self.forward.pop()?;
        self.back.push(current);
        Some(pos)
    }

    /// Whether Back and Forward can go anywhere.
    pub fn can(&self) -> (bool, bool) {
        (!self.back.is_empty(), !self.forward.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_and_forward_walk_the_history_like_a_browser() {
        let mut h = History::default();
        h.record(10);
        h.record(500);
        assert_eq!(h.back(900), Some(500));
        assert_eq!(h.back(500), Some(10));
        assert_eq!(h.back(10), None);
        assert_eq!(h.forward(10), Some(500));
        assert_eq!(h.forward(500), Some(900));
        assert_eq!(h.forward(900), None);
        // A new jump forgets the way forward.
        assert_eq!(h.back(900), Some(500));
        h.record(500);
        assert_eq!(h.can(), (true, false));
    }
}
