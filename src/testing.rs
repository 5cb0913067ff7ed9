//! What the unit tests share.

/// A small deterministic random sequence (xorshift64) for tests that try many cases from one
/// seed (never 0).
pub struct Xorshift(pub u64);

impl Xorshift {
    /// The next number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}
