//! Client-side rate limiting by Zoom's rate-limit category, so a busy client
//! paces itself instead of collecting 429s (which count against the account's
//! shared quota all the same).
//!
//! Each category keeps a sliding window of its last `count` granted slots: a
//! new slot is at least `per` after the `count`-th most recent one, so no
//! window of length `per` ever holds more than `count` requests, while a full
//! burst of `count` is still allowed at once. [`RateLimiter::acquire`]
//! *reserves*: a caller told to wait until `t` owns the slot at `t` and must
//! not ask again, so N concurrent callers get N staggered slots rather than
//! all waking at the same instant.
//!
//! A limiter [`in turns`](RateLimiter::in_turns) is one worker's part of a
//! fleet's budget while the fleet cannot coordinate (its Redis is out of
//! reach): the fleet's slots lie on one grid, counted from the epoch, and
//! the worker takes every `of`-th of them from its `index`. Workers of one
//! fleet share a clock closely enough (one machine, or NTP) that their
//! turns interleave instead of landing together, as independent limiters
//! of the same part would, window after window.
//!
//! Heavy and Resource-intensive calls also share a daily cap, counted per UTC
//! day (Zoom resets daily limits at 00:00 GMT). It only counts this client's
//! calls; Zoom's headers ([`RateLimiter::observe`]) tell about the others.

use std::collections::{BTreeMap, VecDeque};
use std::num::NonZeroU32;
use std::time::Duration;

use crate::catalog::{Operation, RateLimitCategory};
use crate::date::Date;
use crate::ratelimit::RateLimitInfo;
use crate::time::Timestamp;

/// `count` requests per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rate {
    pub count: NonZeroU32,
    pub per: Duration,
}

impl Rate {
    /// `count` per second (`count` 0 is read as 1).
    pub fn per_second(count: u32) -> Self {
        Rate {
            count: NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN),
            per: Duration::from_secs(1),
        }
    }

    /// `count` per minute (`count` 0 is read as 1).
    pub fn per_minute(count: u32) -> Self {
        Rate {
            count: NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN),
            per: Duration::from_secs(60),
        }
    }
}

/// The limits of one Zoom plan, per category.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanLimits {
    pub light: Rate,
    pub medium: Rate,
    pub heavy: Rate,
    pub resource_intensive: Rate,
    /// Daily cap shared by Heavy and Resource-intensive calls, if any.
    pub heavy_daily: Option<u32>,
}

impl PlanLimits {
    /// Zoom Pro (figures as reported from Zoom's rate-limit table).
    pub fn pro() -> Self {
        PlanLimits {
            light: Rate::per_second(20),
            medium: Rate::per_second(10),
            heavy: Rate::per_second(5),
            resource_intensive: Rate::per_minute(5),
            heavy_daily: Some(15_000),
        }
    }

    /// Zoom Business and above.
    pub fn business() -> Self {
        PlanLimits {
            light: Rate::per_second(40),
            medium: Rate::per_second(20),
            heavy: Rate::per_second(10),
            resource_intensive: Rate::per_minute(10),
            heavy_daily: Some(30_000),
        }
    }

    pub fn rate(&self, category: RateLimitCategory) -> Rate {
        match category {
            RateLimitCategory::Light => self.light,
            RateLimitCategory::Medium => self.medium,
            RateLimitCategory::Heavy => self.heavy,
            RateLimitCategory::ResourceIntensive => self.resource_intensive,
        }
    }
}

/// The answer to [`RateLimiter::acquire`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acquire {
    /// Send now.
    Ready,
    /// A slot at this instant is reserved for the caller: send then, without
    /// asking again.
    WaitUntil(Timestamp),
    /// The daily cap is spent (by this client's count or by Zoom's word);
    /// nothing was reserved. Surface `Error::DailyLimitExceeded`.
    DailyLimitExhausted { reset_at: Timestamp },
}

#[derive(Debug, Clone, Default)]
struct Lane {
    /// The last `count` granted slots, oldest first.
    slots: VecDeque<Timestamp>,
    /// Zoom asked us to hold off until then (429 / remaining 0).
    paused_until: Option<Timestamp>,
    /// Zoom said this category's daily limit is spent until then.
    daily_until: Option<Timestamp>,
}

/// A worker's turns in its fleet's slots: `index` of `of` workers, the
/// fleet using `share` of the plan (above 0, at most 1).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Turns {
    pub index: u32,
    pub of: u32,
    pub share: f64,
}

impl Turns {
    pub fn new(index: u32, of: u32, share: f64) -> Self {
        let of = of.max(1);
        Turns {
            index: index % of,
            of,
            share: if share > 0.0 && share <= 1.0 {
                share
            } else {
                1.0
            },
        }
    }

    /// This worker's first turn at or after `t` for `rate`: the fleet's
    /// slots are `per / (count * share)` apart from the epoch, and turn `k`
    /// is this worker's when `k % of == index`.
    fn next(&self, rate: Rate, t: Timestamp) -> Timestamp {
        let spacing_us = self.spacing_us(rate);
        let t_us = t.as_millis() as f64 * 1000.0;
        let mut k = (t_us / spacing_us).ceil() as u64;
        let of = u64::from(self.of);
        let index = u64::from(self.index);
        let r = k % of;
        k += (index + of - r) % of;
        // Whole milliseconds, rounded up: never before the turn.
        let ms = ((k as f64 * spacing_us) / 1000.0).ceil() as u64;
        Timestamp::from_millis(ms.max(t.as_millis()))
    }

    /// The time between two of this worker's turns.
    fn gap(&self, rate: Rate) -> Duration {
        Duration::from_micros((self.spacing_us(rate) * f64::from(self.of)) as u64)
    }

    /// The fleet's slots' spacing in µs (at least 1).
    fn spacing_us(&self, rate: Rate) -> f64 {
        (rate.per.as_micros() as f64 / (f64::from(rate.count.get()) * self.share)).max(1.0)
    }
}

/// Token buckets per category; pure, with time passed in.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limits: PlanLimits,
    /// Slots only in this worker's turns of a fleet's grid.
    turns: Option<Turns>,
    lanes: BTreeMap<RateLimitCategory, Lane>,
    /// Heavy + Resource-intensive calls counted on a UTC day: (day, used).
    heavy_day: Option<(Date, u32)>,
}

impl RateLimiter {
    pub fn new(limits: PlanLimits) -> Self {
        RateLimiter {
            limits,
            turns: None,
            lanes: BTreeMap::new(),
            heavy_day: None,
        }
    }

    /// A limiter that grants slots only in `turns` of the grid of a fleet
    /// with `limits` (the plan, not the worker's part).
    pub fn in_turns(limits: PlanLimits, turns: Turns) -> Self {
        RateLimiter {
            turns: Some(turns),
            ..RateLimiter::new(limits)
        }
    }

    /// The turns this limiter keeps to, if any.
    pub fn turns(&self) -> Option<Turns> {
        self.turns
    }

    pub fn limits(&self) -> &PlanLimits {
        &self.limits
    }

    /// The category an operation is paced under. The two operations Zoom
    /// leaves unlabeled go as Medium: Zoom counts them under *some* category,
    /// and pacing them at the second-strictest rate can at worst slow them
    /// slightly, while passing them unpaced could starve a shared category.
    pub fn category_for(op: &Operation) -> RateLimitCategory {
        op.rate_limit.unwrap_or(RateLimitCategory::Medium)
    }

    /// Reserves the earliest slot for one request of `category` at or after `now`.
    pub fn acquire(&mut self, category: RateLimitCategory, now: Timestamp) -> Acquire {
        let rate = self.limits.rate(category);
        let shares_daily = is_heavy(category);
        let lane = self.lanes.entry(category).or_default();

        if let Some(until) = lane.daily_until {
            if until > now {
                return Acquire::DailyLimitExhausted { reset_at: until };
            }
            lane.daily_until = None;
        }

        let mut slot = now;
        if let Some(p) = lane.paused_until {
            slot = slot.max(p);
        }
        // Keep slots in order even if a host's clock steps back.
        if let Some(&last) = lane.slots.back() {
            slot = slot.max(last);
        }
        let count = match self.turns {
            Some(turns) => {
                // One slot kept: the next turn is a whole gap after it.
                if let Some(&last) = lane.slots.back() {
                    let gap = turns.gap(rate).saturating_sub(Duration::from_millis(1));
                    slot = slot.max(last.saturating_add(gap));
                }
                slot = turns.next(rate, slot);
                1
            }
            None => {
                let count = usize::try_from(rate.count.get()).unwrap_or(usize::MAX);
                if lane.slots.len() >= count {
                    if let Some(&oldest) = lane.slots.front() {
                        slot = slot.max(oldest.saturating_add(rate.per));
                    }
                }
                count
            }
        };

        if shares_daily {
            if let Some(cap) = self.limits.heavy_daily {
                // A clock stepping back across midnight keeps counting the later day.
                let (day, used) = match self.heavy_day {
                    Some((d, used)) if d >= Date::of(slot) => (d, used),
                    _ => (Date::of(slot), 0),
                };
                if used >= cap {
                    let reset_at = day.add_days(1).map_or(slot, Date::start);
                    return Acquire::DailyLimitExhausted { reset_at };
                }
                self.heavy_day = Some((day, used + 1));
            }
        }

        let lane = self.lanes.entry(category).or_default();
        while lane.slots.len() >= count {
            lane.slots.pop_front();
        }
        lane.slots.push_back(slot);
        if slot <= now {
            Acquire::Ready
        } else {
            Acquire::WaitUntil(slot)
        }
    }

    /// Learns from one response. `category` is the operation's label, used
    /// when Zoom's `X-RateLimit-Category` is missing (the header wins).
    ///
    /// - a daily limit that is spent (a 429, or nothing remaining) stops the
    ///   category until `Retry-After`, else midnight UTC; Heavy and
    ///   Resource-intensive stop together, as they share the daily quota;
    /// - a per-second 429 or `X-RateLimit-Remaining: 0` pauses the category
    ///   until `Retry-After`, else for one window of its rate.
    ///
    /// A `Retry-After` on other statuses (a 503) is the retry policy's
    /// business, not a statement about the rate limit.
    pub fn observe(
        &mut self,
        category: Option<RateLimitCategory>,
        status: u16,
        info: &RateLimitInfo,
        now: Timestamp,
    ) {
        let Some(category) = info.category.or(category) else {
            return;
        };
        let limited = status == 429 || info.is_exhausted();
        if !limited {
            return;
        }
        let retry_at = info
            .retry_after
            .map(|r| r.resolve(now))
            .filter(|&t| t > now);
        if info.is_daily() {
            if let Some(reset) = retry_at.or_else(|| crate::date::next_utc_midnight(now)) {
                self.stop_for_day(category, reset);
            }
        } else {
            let window = self.limits.rate(category).per;
            self.pause(category, retry_at.unwrap_or(now.saturating_add(window)));
        }
    }

    /// Holds every new slot of `category` until `until` (a 429 seen elsewhere).
    pub fn pause(&mut self, category: RateLimitCategory, until: Timestamp) {
        let lane = self.lanes.entry(category).or_default();
        lane.paused_until = Some(lane.paused_until.map_or(until, |u| u.max(until)));
    }

    /// Refuses `category` until `reset_at` (Zoom's daily limit is spent, e.g.
    /// recognised by the retry policy from a 429's message). Heavy and
    /// Resource-intensive stop together.
    pub fn stop_for_day(&mut self, category: RateLimitCategory, reset_at: Timestamp) {
        let shared: &[RateLimitCategory] = if is_heavy(category) {
            &[
                RateLimitCategory::Heavy,
                RateLimitCategory::ResourceIntensive,
            ]
        } else {
            &[category]
        };
        for &c in shared {
            let lane = self.lanes.entry(c).or_default();
            lane.daily_until = Some(lane.daily_until.map_or(reset_at, |u| u.max(reset_at)));
        }
    }

    /// Until when a category is paused by Zoom's word, if it is.
    pub fn paused_until(&self, category: RateLimitCategory, now: Timestamp) -> Option<Timestamp> {
        let lane = self.lanes.get(&category)?;
        [lane.paused_until, lane.daily_until]
            .into_iter()
            .flatten()
            .filter(|&t| t > now)
            .max()
    }
}

fn is_heavy(c: RateLimitCategory) -> bool {
    matches!(
        c,
        RateLimitCategory::Heavy | RateLimitCategory::ResourceIntensive
    )
}
