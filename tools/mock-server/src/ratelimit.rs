//! Zoom's per-account rate limits: a fixed window per category (one second,
//! one minute for Resource-intensive) and a daily quota shared by Heavy and
//! Resource-intensive operations.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use zoom_phone::catalog::RateLimitCategory;

use crate::config::RateLimitConfig;
use crate::util::iso8601;

/// Headers for a response, allowed or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub allowed: bool,
    pub category: RateLimitCategory,
    /// `QPS` or `Daily-limit`.
    pub limit_type: &'static str,
    pub limit: u32,
    pub remaining: u32,
    /// `Retry-After` when refused.
    pub retry_after: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    used: u32,
}

#[derive(Debug)]
pub(crate) struct Limiter {
    pub(crate) config: RateLimitConfig,
    windows: BTreeMap<(String, RateLimitCategory), Window>,
    /// (account, UTC day number) -> Heavy + Resource-intensive calls that day.
    daily: BTreeMap<(String, u64), u32>,
}

impl Limiter {
    pub(crate) fn new(config: RateLimitConfig) -> Self {
        Self {
            config,
            windows: BTreeMap::new(),
            daily: BTreeMap::new(),
        }
    }

    pub(crate) fn reconfigure(&mut self, config: RateLimitConfig) {
        *self = Self::new(config);
    }

    fn per_window(&self, category: RateLimitCategory) -> (u32, Duration) {
        let c = &self.config;
        match category {
            RateLimitCategory::Light => (c.light, Duration::from_secs(1)),
            RateLimitCategory::Medium => (c.medium, Duration::from_secs(1)),
            RateLimitCategory::Heavy => (c.heavy, Duration::from_secs(1)),
            RateLimitCategory::ResourceIntensive => {
                (c.resource_intensive_per_minute, Duration::from_secs(60))
            }
            // A category Zoom adds later is limited as the strictest known.
            _ => (c.resource_intensive_per_minute, Duration::from_secs(60)),
        }
    }

    /// Counts one call of `category` by `account`; `None` when limits are off.
    /// `now_secs` is wall-clock seconds (for the UTC day), `now` the monotonic clock.
    pub(crate) fn check(
        &mut self,
        account: &str,
        category: RateLimitCategory,
        now: Instant,
        now_secs: u64,
    ) -> Option<Verdict> {
        if !self.config.enabled {
            return None;
        }
        let shares_daily = matches!(
            category,
            RateLimitCategory::Heavy | RateLimitCategory::ResourceIntensive
        );
        let day = now_secs / 86_400;
        if let (true, Some(daily_limit)) = (shares_daily, self.config.daily) {
            let used = self
                .daily
                .get(&(account.to_string(), day))
                .copied()
                .unwrap_or(0);
            if used >= daily_limit {
                return Some(Verdict {
                    allowed: false,
                    category,
                    limit_type: "Daily-limit",
                    limit: daily_limit,
                    remaining: 0,
                    retry_after: Some(iso8601((day + 1) * 86_400)),
                });
            }
        }
        let (limit, span) = self.per_window(category);
        let window = self
            .windows
            .entry((account.to_string(), category))
            .or_insert(Window {
                start: now,
                used: 0,
            });
        if now.duration_since(window.start) >= span {
            *window = Window {
                start: now,
                used: 0,
            };
        }
        if window.used >= limit {
            let wait = span.saturating_sub(now.duration_since(window.start));
            // Whole seconds, rounded up: a client that waits this long succeeds.
            let secs = wait.as_millis().div_ceil(1000).max(1);
            return Some(Verdict {
                allowed: false,
                category,
                limit_type: "QPS",
                limit,
                remaining: 0,
                retry_after: Some(secs.to_string()),
            });
        }
        window.used += 1;
        let remaining = limit - window.used;
        if shares_daily && self.config.daily.is_some() {
            *self.daily.entry((account.to_string(), day)).or_insert(0) += 1;
        }
        Some(Verdict {
            allowed: true,
            category,
            limit_type: "QPS",
            limit,
            remaining,
            retry_after: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_admits_its_limit_then_refuses_until_it_rolls_over() {
        let mut l = Limiter::new(RateLimitConfig {
            heavy: 2,
            daily: None,
            ..RateLimitConfig::pro()
        });
        let t0 = Instant::now();
        let h = RateLimitCategory::Heavy;
        assert_eq!(l.check("a", h, t0, 0).unwrap().remaining, 1);
        assert!(l.check("a", h, t0, 0).unwrap().allowed);
        let refused = l.check("a", h, t0, 0).unwrap();
        assert!(!refused.allowed);
        assert_eq!(refused.retry_after.as_deref(), Some("1"));
        // Another account has its own bucket.
        assert!(l.check("b", h, t0, 0).unwrap().allowed);
        assert!(
            l.check("a", h, t0 + Duration::from_secs(1), 0)
                .unwrap()
                .allowed
        );
    }

    #[test]
    fn the_daily_quota_is_shared_by_heavy_and_resource_intensive() {
        let mut l = Limiter::new(RateLimitConfig {
            daily: Some(2),
            ..RateLimitConfig::pro()
        });
        let t0 = Instant::now();
        assert!(
            l.check("a", RateLimitCategory::Heavy, t0, 10)
                .unwrap()
                .allowed
        );
        assert!(
            l.check("a", RateLimitCategory::ResourceIntensive, t0, 10)
                .unwrap()
                .allowed
        );
        let refused = l.check("a", RateLimitCategory::Heavy, t0, 10).unwrap();
        assert_eq!(refused.limit_type, "Daily-limit");
        assert_eq!(refused.retry_after.as_deref(), Some("1970-01-02T00:00:00Z"));
        assert!(
            l.check("a", RateLimitCategory::Light, t0, 10)
                .unwrap()
                .allowed
        );
    }

    #[test]
    fn limits_off_by_default() {
        let mut l = Limiter::new(RateLimitConfig::default());
        assert_eq!(
            l.check("a", RateLimitCategory::Light, Instant::now(), 0),
            None
        );
    }
}
