//! Time as data. The core never reads a clock: every decision that depends on
//! time takes `now` from the host, which keeps the state machines testable
//! with a fake clock and identical across Rust, JavaScript and Python.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// An instant as milliseconds since the Unix epoch (UTC).
///
/// Milliseconds because that is what JavaScript's `Date.now()` gives and what
/// survives a trip through a JS number without loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(u64);

impl Timestamp {
    pub const UNIX_EPOCH: Timestamp = Timestamp(0);

    pub const fn from_millis(ms: u64) -> Self {
        Timestamp(ms)
    }

    pub const fn from_secs(secs: u64) -> Self {
        Timestamp(secs.saturating_mul(1000))
    }

    pub const fn as_millis(self) -> u64 {
        self.0
    }

    pub const fn as_secs(self) -> u64 {
        self.0 / 1000
    }

    /// `self + d`, saturating at the far future rather than wrapping.
    #[must_use]
    pub fn saturating_add(self, d: Duration) -> Self {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Timestamp(self.0.saturating_add(ms))
    }

    /// Time from `earlier` to `self`, zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates() {
        let t = Timestamp::from_secs(10);
        assert_eq!(
            t.saturating_add(Duration::from_millis(1500)).as_millis(),
            11_500
        );
        assert_eq!(
            Timestamp::from_millis(u64::MAX - 1)
                .saturating_add(Duration::from_secs(5))
                .as_millis(),
            u64::MAX
        );
        assert_eq!(
            t.saturating_duration_since(Timestamp::from_secs(20)),
            Duration::ZERO
        );
        assert_eq!(
            Timestamp::from_secs(20).saturating_duration_since(t),
            Duration::from_secs(10)
        );
    }
}
