//! Zoom's rate-limit headers as data.
//!
//! Every header is optional (Zoom omits some at times) and read tolerantly: a
//! header that cannot be understood is `None`, never an error or a panic, so a
//! surprising value can only cost a better decision, not the call.

use crate::catalog::RateLimitCategory;
use crate::date::{days_from_civil, days_in_month, digits};
use crate::time::Timestamp;

/// What the `X-RateLimit-*` and `Retry-After` headers of one response said.
/// Every field is optional: Zoom omits some of them at times.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct RateLimitInfo {
    pub category: Option<RateLimitCategory>,
    pub limit_type: Option<LimitType>,
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub retry_after: Option<RetryAfter>,
}

/// `X-RateLimit-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum LimitType {
    /// Per-second limit: waiting briefly helps.
    Qps,
    /// Per-day limit: nothing helps until the reset.
    Daily,
}

impl LimitType {
    /// The type's name in the errors' JSON and the hosts' `rateLimit`: `qps`, `daily`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Qps => "qps",
            Self::Daily => "daily",
        }
    }

    /// Zoom writes `QPS` and `Daily-limit`; any case and separator is accepted.
    pub fn parse(label: &str) -> Option<Self> {
        let norm: String = label
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match norm.as_str() {
            "qps" | "persecond" | "persecondlimit" | "qpslimit" => Some(Self::Qps),
            "dailylimit" | "daily" | "perday" | "perdaylimit" => Some(Self::Daily),
            _ => None,
        }
    }
}

/// `Retry-After`: seconds, an HTTP date or an ISO-8601 instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum RetryAfter {
    Delay { millis: u64 },
    At(Timestamp),
}

impl RetryAfter {
    /// Reads a `Retry-After` value in any of the forms Zoom has been seen to
    /// send: delta seconds (`120`, tolerantly `1.5`), an HTTP date
    /// (IMF-fixdate, RFC 850 or asctime, RFC 9110 §5.6.7) or an RFC 3339 /
    /// ISO-8601 instant (`2020-05-31T00:00:00Z`, with fraction or offset).
    pub fn parse(value: &str) -> Option<Self> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        if v.bytes().next().is_some_and(|b| b.is_ascii_digit()) && !v.contains(['-', ':']) {
            return parse_delay(v).map(|millis| RetryAfter::Delay { millis });
        }
        parse_http_date(v)
            .or_else(|| parse_iso8601(v))
            .map(RetryAfter::At)
    }

    /// The instant from which a retry is welcome. A date in the past resolves
    /// to itself (the caller may go at once).
    pub fn resolve(self, now: Timestamp) -> Timestamp {
        match self {
            RetryAfter::Delay { millis } => {
                Timestamp::from_millis(now.as_millis().saturating_add(millis))
            }
            RetryAfter::At(t) => t,
        }
    }
}

impl RateLimitInfo {
    /// Reads the headers of one response; absent or unreadable headers stay `None`.
    pub fn from_headers(headers: &http::HeaderMap) -> Self {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let number = |name: &str| text(name).and_then(|s| digits(s.trim().as_bytes()));
        RateLimitInfo {
            category: text("x-ratelimit-category").and_then(RateLimitCategory::parse),
            limit_type: text("x-ratelimit-type").and_then(LimitType::parse),
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            retry_after: text("retry-after").and_then(RetryAfter::parse),
        }
    }

    /// Whether Zoom said this was (or is at) its daily limit.
    pub fn is_daily(&self) -> bool {
        self.limit_type == Some(LimitType::Daily)
    }

    /// Whether Zoom said nothing is left in the current window.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// Seconds, optionally with a fraction, as milliseconds; `None` on overflow.
fn parse_delay(v: &str) -> Option<u64> {
    let (whole, frac) = match v.split_once('.') {
        Some((_, "")) => return None,
        Some((w, f)) => (w, f),
        None => (v, ""),
    };
    let secs = digits(whole.as_bytes())?;
    let mut millis = secs.checked_mul(1000)?;
    if !frac.is_empty() {
        // Tolerated beyond RFC 9110's integer seconds; sub-millisecond digits drop.
        let f = frac.as_bytes();
        if !f.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut ms = 0u64;
        for i in 0..3 {
            ms = ms * 10 + f.get(i).map_or(0, |&c| u64::from(c - b'0'));
        }
        millis = millis.checked_add(ms)?;
    }
    Some(millis)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn month_number(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    let i = MONTHS.iter().position(|m| *m == lower)?;
    u8::try_from(i + 1).ok()
}

/// `Sun` or `Sunday` (any case); the weekday is checked for form only, since a
/// wrong weekday with a right date still names the instant.
fn is_weekday(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.len() >= 3
        && WEEKDAYS.iter().any(|w| lower.starts_with(w))
        && (lower.len() == 3 || lower.ends_with("day"))
}

/// `HH:MM:SS` as seconds of the day (`:60` allowed for a leap second).
fn parse_clock(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, sec) = (digits(&b[0..2])?, digits(&b[3..5])?, digits(&b[6..8])?);
    (h < 24 && m < 60 && sec <= 60).then_some(h * 3600 + m * 60 + sec)
}

/// Milliseconds since the epoch of a UTC civil instant; dates before 1970
/// clamp to the epoch (a retry time in the past means "now" anyway).
fn instant(year: i64, month: u8, day: u8, secs_of_day: u64) -> Option<Timestamp> {
    let year32 = i32::try_from(year).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year32, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = i128::from(days) * 86_400 + i128::from(secs_of_day);
    let ms = (secs * 1000).max(0);
    Some(Timestamp::from_millis(u64::try_from(ms).ok()?))
}

/// The three HTTP-date forms of RFC 9110 §5.6.7, all in GMT.
fn parse_http_date(v: &str) -> Option<Timestamp> {
    let parts: Vec<&str> = v.split_ascii_whitespace().collect();
    match parts.as_slice() {
        // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
        [wd, day, mon, year, clock, zone] if wd.ends_with(',') => {
            if !is_weekday(wd.trim_end_matches(',')) || !is_gmt(zone) || year.len() != 4 {
                return None;
            }
            let year = i64::try_from(digits(year.as_bytes())?).ok()?;
            instant(year, month_number(mon)?, small(day)?, parse_clock(clock)?)
        }
        // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`
        [wd, date, clock, zone] if wd.ends_with(',') => {
            if !is_weekday(wd.trim_end_matches(',')) || !is_gmt(zone) {
                return None;
            }
            let mut it = date.split('-');
            let (day, mon, yy) = (it.next()?, it.next()?, it.next()?);
            if it.next().is_some() || yy.len() != 2 {
                return None;
            }
            // Two-digit years: pivot at 70 (RFC 9110 asks for "within 50 years
            // of now", which a header parser without a clock cannot know; this
            // form is obsolete and every live use is after 2000).
            let yy = i64::try_from(digits(yy.as_bytes())?).ok()?;
            let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
            instant(year, month_number(mon)?, small(day)?, parse_clock(clock)?)
        }
        // asctime: `Sun Nov  6 08:49:37 1994`
        [wd, mon, day, clock, year] => {
            if !is_weekday(wd) || year.len() != 4 {
                return None;
            }
            let year = i64::try_from(digits(year.as_bytes())?).ok()?;
            instant(year, month_number(mon)?, small(day)?, parse_clock(clock)?)
        }
        _ => None,
    }
}

fn is_gmt(zone: &str) -> bool {
    zone.eq_ignore_ascii_case("GMT") || zone.eq_ignore_ascii_case("UTC")
}

/// A one- or two-digit day of the month.
fn small(s: &str) -> Option<u8> {
    if s.is_empty() || s.len() > 2 {
        return None;
    }
    u8::try_from(digits(s.as_bytes())?).ok()
}

/// RFC 3339 / ISO 8601: `2020-05-31T00:00:00Z`, `2020-05-31T00:00:00.250+02:00`,
/// `2020-05-31 00:00:00+0200`; no zone is read as UTC (Zoom speaks UTC).
fn parse_iso8601(v: &str) -> Option<Timestamp> {
    let b = v.as_bytes();
    if b.len() < 19 || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let date = crate::date::Date::parse(v.get(..10)?)?;
    let secs_of_day = parse_clock(v.get(11..19)?)?;
    let mut rest = v.get(19..)?;
    let mut millis = 0u64;
    if let Some(frac) = rest.strip_prefix(['.', ',']) {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let f = frac.as_bytes();
        for i in 0..3 {
            millis = millis * 10
                + f.get(i)
                    .filter(|_| i < n)
                    .map_or(0, |&c| u64::from(c - b'0'));
        }
        rest = frac.get(n..)?;
    }
    let offset_secs: i64 = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let z = rest.get(1..)?.as_bytes();
            let (h, m) = match z.len() {
                5 if z[2] == b':' => (digits(&z[0..2])?, digits(&z[3..5])?),
                4 => (digits(&z[0..2])?, digits(&z[2..4])?),
                2 => (digits(z)?, 0),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            sign * i64::try_from(h * 3600 + m * 60).ok()?
        }
    };
    let local = instant(
        i64::from(date.year()),
        date.month(),
        date.day(),
        secs_of_day,
    )?;
    // Local time minus offset is UTC; pre-epoch results clamp to the epoch.
    let utc = i128::from(local.as_millis()) + i128::from(millis) - i128::from(offset_secs) * 1000;
    u64::try_from(utc.max(0)).ok().map(Timestamp::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUNDAY_1994: u64 = 784_111_777_000; // 1994-11-06T08:49:37Z

    #[test]
    fn http_date_forms_agree() {
        for v in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "sun, 06 nov 1994 08:49:37 gmt",
        ] {
            assert_eq!(
                RetryAfter::parse(v),
                Some(RetryAfter::At(Timestamp::from_millis(SUNDAY_1994))),
                "{v}"
            );
        }
    }

    #[test]
    fn iso_instants() {
        let t = |v| match RetryAfter::parse(v) {
            Some(RetryAfter::At(t)) => Some(t.as_millis()),
            _ => None,
        };
        assert_eq!(t("2020-05-31T00:00:00Z"), Some(1_590_883_200_000));
        assert_eq!(t("2020-05-31T02:00:00+02:00"), Some(1_590_883_200_000));
        assert_eq!(t("2020-05-30T19:30:00-0430"), Some(1_590_883_200_000));
        assert_eq!(t("2020-05-31t00:00:00.250z"), Some(1_590_883_200_250));
        assert_eq!(t("2020-05-31 00:00:00.1234567Z"), Some(1_590_883_200_123));
        assert_eq!(t("2020-05-31T00:00:00"), Some(1_590_883_200_000));
        assert_eq!(t("1969-12-31T23:59:59Z"), Some(0));
        for bad in [
            "2020-05-31T24:00:00Z",
            "2020-02-30T00:00:00Z",
            "2020-05-31T00:00:00+25:00",
            "2020-05-31T00:00:00.Z",
            "2020-05-31T00:00:00Zjunk",
            "2020-05-31",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }
}
