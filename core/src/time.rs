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

    /// The instant as an RFC 3339 UTC string (`2026-12-03T00:00:00Z`, with
    /// milliseconds only when there are some), for messages people read.
    pub fn to_rfc3339(self) -> String {
        let date = crate::date::Date::of(self);
        let ms_of_day = self.0 % 86_400_000;
        let (h, m, s, ms) = (
            ms_of_day / 3_600_000,
            ms_of_day / 60_000 % 60,
            ms_of_day / 1000 % 60,
            ms_of_day % 1000,
        );
        if ms == 0 {
            format!("{date}T{h:02}:{m:02}:{s:02}Z")
        } else {
            format!("{date}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
        }
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
    fn rfc3339_is_utc_with_optional_millis() {
        assert_eq!(Timestamp::UNIX_EPOCH.to_rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp::from_millis(1_796_256_000_000).to_rfc3339(),
            "2026-12-03T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from_millis(1_796_299_199_007).to_rfc3339(),
            "2026-12-03T11:59:59.007Z"
        );
    }

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
