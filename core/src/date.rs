//! Calendar dates (proleptic Gregorian, UTC) by hand: Zoom's `from`/`to`
//! filters take `YYYY-MM-DD`, and `Retry-After` may be an HTTP date or an
//! ISO-8601 instant. A few dozen lines of civil-date arithmetic keep the core
//! free of a date crate (size matters for the wasm build).

use std::fmt;

use crate::time::Timestamp;

const MS_PER_DAY: u64 = 86_400_000;

/// A calendar day, e.g. `2024-02-29`. Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The day, or `None` if there is no such day (`2023-02-29`).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and day).
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        Date::new(
            i32::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn to_days(self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }

    /// The day `days` after 1970-01-01, or `None` outside the years `i32` holds.
    pub fn from_days(days: i64) -> Option<Self> {
        let (y, m, d) = civil_from_days(days)?;
        Some(Date {
            year: i32::try_from(y).ok()?,
            month: m,
            day: d,
        })
    }

    /// The UTC day an instant falls on.
    pub fn of(t: Timestamp) -> Self {
        // u64 ms / 86.4e6 fits i64 comfortably and stays within i32 years.
        let days = i64::try_from(t.as_millis() / MS_PER_DAY).unwrap_or(i64::MAX);
        Date::from_days(days).unwrap_or(Date {
            year: i32::MAX,
            month: 12,
            day: 31,
        })
    }

    /// Midnight UTC at the start of this day (the epoch for earlier days).
    pub fn start(self) -> Timestamp {
        let days = self.to_days();
        if days <= 0 {
            return Timestamp::UNIX_EPOCH;
        }
        Timestamp::from_millis((days as u64).saturating_mul(MS_PER_DAY))
    }

    #[must_use]
    pub fn add_days(self, n: i64) -> Option<Self> {
        Date::from_days(self.to_days().checked_add(n)?)
    }

    /// The same day `n` months later (or earlier for negative `n`), clamped to
    /// the end of a shorter month: 2024-01-31 plus one month is 2024-02-29.
    #[must_use]
    pub fn add_months(self, n: i64) -> Option<Self> {
        let index = i64::from(self.year)
            .checked_mul(12)?
            .checked_add(i64::from(self.month) - 1)?
            .checked_add(n)?;
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
        let day = self.day.min(days_in_month(year, month));
        Date::new(year, month, day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Midnight UTC after `now`: when Zoom's daily limits reset.
pub(crate) fn next_utc_midnight(now: Timestamp) -> Option<Timestamp> {
    Date::of(now).add_days(1).map(Date::start)
}

pub(crate) fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a valid civil date (Howard Hinnant's algorithm:
/// years counted from March so the leap day falls at the end of the cycle).
pub(crate) fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let m = i64::from(month);
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]; `None` when the year overflows.
pub(crate) fn civil_from_days(days: i64) -> Option<(i64, u8, u8)> {
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u8::try_from(doy - (153 * mp + 2) / 5 + 1).ok()?;
    let month = u8::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).ok()?;
    let year = era.checked_mul(400)?.checked_add(yoe)? + i64::from(month <= 2);
    Some((year, month, day))
}

/// ASCII digits as a number; `None` on anything else or an empty slice.
pub(crate) fn digits(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    b.iter().try_fold(0u64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u64::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_centuries() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for d in (-800_000..800_000).step_by(997) {
            let (y, m, dd) = civil_from_days(d).unwrap();
            assert_eq!(days_from_civil(y, m, dd), d);
            assert!(dd >= 1 && dd <= days_in_month(y as i32, m));
        }
    }

    #[test]
    fn parse_and_display() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "2024-01-32",
            "",
            "２０２４-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn month_arithmetic_clamps() {
        let d = Date::parse("2024-01-31").unwrap();
        assert_eq!(d.add_months(1).unwrap().to_string(), "2024-02-29");
        assert_eq!(d.add_months(13).unwrap().to_string(), "2025-02-28");
        assert_eq!(d.add_months(-2).unwrap().to_string(), "2023-11-30");
        assert_eq!(d.add_days(30).unwrap().to_string(), "2024-03-01");
        assert_eq!(
            Date::of(Timestamp::from_millis(1_590_883_200_000)).to_string(),
            "2020-05-31"
        );
        assert_eq!(
            Date::parse("2020-05-31").unwrap().start(),
            Timestamp::from_millis(1_590_883_200_000)
        );
    }
}
