//! The clients are the hosts of the sans-IO core: the one place that reads
//! the clock. The core and everything below it take this `now`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use zoom_phone::Timestamp;

/// Wall-clock time as the core wants it.
pub(crate) fn now() -> Timestamp {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    Timestamp::from_millis(u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX))
}

/// How long from now until `until` (zero when it has passed).
pub(crate) fn until(until: Timestamp) -> Duration {
    until.saturating_duration_since(now())
}
