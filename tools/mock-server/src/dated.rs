//! Call history by date. The `n` records of a call-history or call-log
//! listing happened at even steps over the configured days (UTC), record 0
//! first, so a `from`/`to` query selects one run of them and the shards of
//! a range partition the listing: a client that walks every shard sees each
//! record once, and one that asks the wrong range gets the wrong records.
//! Without `from` and `to` the whole listing answers (Zoom would default to
//! the last 30 days; the benchmarks walk everything).

use std::ops::Range;

use zoom_phone::date::Date;

const SECS_PER_DAY: i64 = 86_400;

/// The field holding a record's time, for the listings that are dated.
pub(crate) fn time_field(op_id: &str) -> Option<&'static str> {
    match op_id {
        "accountCallHistory" | "phoneUserCallHistory" => Some("start_time"),
        "accountCallLogs" | "phoneUserCallLogs" => Some("date_time"),
        _ => None,
    }
}

/// `n` records spread over the days `first..=last`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dated {
    start: i64,
    span: i64,
    n: usize,
}

impl Dated {
    pub(crate) fn new(first: Date, last: Date, n: usize) -> Self {
        let start = first.to_days() * SECS_PER_DAY;
        let span = ((last.to_days() - first.to_days() + 1) * SECS_PER_DAY).max(1);
        Dated { start, span, n }
    }

    /// When record `i` happened, in seconds since the epoch.
    pub(crate) fn at(&self, i: usize) -> i64 {
        let step = i128::from(self.span) * i as i128 / self.n.max(1) as i128;
        self.start + i64::try_from(step).unwrap_or(i64::MAX)
    }

    /// The records of the days `from..=to` (either end open when absent).
    pub(crate) fn select(&self, from: Option<Date>, to: Option<Date>) -> Range<usize> {
        let lo = from.map_or(0, |d| self.first_at_or_after(d.to_days() * SECS_PER_DAY));
        let hi = to.map_or(self.n, |d| {
            self.first_at_or_after((d.to_days() + 1) * SECS_PER_DAY)
        });
        lo..hi.max(lo)
    }

    /// The first record at or after `t` (`n` when none is).
    fn first_at_or_after(&self, t: i64) -> usize {
        let (mut lo, mut hi) = (0, self.n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.at(mid) < t {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn quarter(n: usize) -> Dated {
        Dated::new(day("2026-01-01"), day("2026-03-31"), n)
    }

    #[test]
    fn months_partition_the_quarter() {
        let q = quarter(3000);
        let jan = q.select(Some(day("2026-01-01")), Some(day("2026-01-31")));
        let feb = q.select(Some(day("2026-02-01")), Some(day("2026-02-28")));
        let mar = q.select(Some(day("2026-03-01")), Some(day("2026-03-31")));
        assert_eq!(
            (jan.start, jan.end, feb.end, mar.end),
            (0, feb.start, mar.start, 3000)
        );
        // 2,592 s apart: January's last record at 1033 × 2,592 s.
        assert_eq!(jan.len(), 1034);
        for i in jan.clone() {
            assert!(q.at(i) < day("2026-02-01").to_days() * SECS_PER_DAY);
        }
        assert!(q.at(feb.start) >= day("2026-02-01").to_days() * SECS_PER_DAY);
    }

    #[test]
    fn open_ends_inverted_and_outside_ranges() {
        let q = quarter(1000);
        assert_eq!(q.select(None, None), 0..1000);
        assert_eq!(q.select(Some(day("2026-03-01")), None).end, 1000);
        assert_eq!(q.select(None, Some(day("2026-01-01"))).start, 0);
        assert!(
            q.select(Some(day("2026-02-01")), Some(day("2026-01-31")))
                .is_empty()
        );
        assert!(q.select(Some(day("2027-01-01")), None).is_empty());
        assert!(q.select(None, Some(day("2025-12-31"))).is_empty());
        assert_eq!(
            Dated::new(day("2026-01-01"), day("2026-01-01"), 0).select(None, None),
            0..0
        );
    }
}
