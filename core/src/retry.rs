//! Whether and when to try a failed call again: a pure function of the
//! operation's idempotency, what the attempt produced, the attempt count and
//! the time. Randomness (for jitter) comes from a seeded [`Jitter`], never
//! from the system, so the same inputs give the same schedule on every host.
//!
//! Rules:
//! - **429, per-second limit**: retried for every method, at `Retry-After`
//!   exactly, or after backoff when Zoom sent none. A 429 is the rate
//!   limiter's refusal to admit the request (RFC 6585 §4: the client "has sent
//!   too many requests"); Zoom did not perform the call, so sending it again
//!   cannot apply a write twice.
//! - **429, daily limit** (`X-RateLimit-Type: Daily-limit`, or Zoom's "daily
//!   rate limit" message when the header is missing): never retried; it
//!   surfaces as `DailyLimitExceeded { reset_at }`.
//! - **5xx (but 501/505), 408, timeouts, resets and other transport errors**:
//!   retried for idempotent methods (GET, PUT, DELETE, ...) only, unless the
//!   caller opted writes in with [`RetryPolicy::retry_non_idempotent`]: the
//!   first attempt may have been applied even though no answer came back.
//! - **Connect errors** are retried for every method: no connection means
//!   nothing was sent.
//! - **Other 4xx** are never retried. A 401 is reported apart
//!   ([`GiveUp::Unauthorized`]) so the driver can hand a rejected token
//!   (Zoom code 124) to the token lifecycle rather than to this policy.
//! - Backoff is exponential with full jitter, capped by `max_delay`; no retry
//!   is scheduled past the call's deadline (`started + max_elapsed`, or an
//!   earlier explicit deadline) or beyond `max_attempts`.

use std::time::Duration;

use crate::ratelimit::RateLimitInfo;
use crate::response::ApiError;
use crate::time::Timestamp;

/// How persistently a call is retried.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included. Default 4: transient failures at
    /// Zoom usually clear within seconds, and since rate limits are shared by
    /// every app of the account, more retries would mostly burn quota.
    pub max_attempts: u32,
    /// No retry is scheduled later than this after the call started. Default
    /// 2 minutes: enough to sit out a full per-minute window of the
    /// Resource-intensive category, short enough for an interactive caller.
    pub max_elapsed: Duration,
    /// Backoff cap before the first retry (doubling after each). Default 500 ms.
    pub base_delay: Duration,
    /// Largest backoff between two attempts. Default 30 s.
    pub max_delay: Duration,
    /// Also retry POST/PATCH after a 5xx, timeout or reset, accepting the risk
    /// of applying the write twice. Default false.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(120),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }
}

/// How a request failed below HTTP, as the host's client reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection was established (refused, DNS, TLS handshake): nothing was sent.
    Connect,
    /// The connection broke after the request may have been sent.
    Reset,
    /// No answer in time; the request may have been applied.
    Timeout,
    /// Anything else the host cannot classify (a browser `fetch` TypeError).
    Other,
}

/// What one attempt produced.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// Zoom (or a proxy) answered.
    Response {
        status: u16,
        rate_limit: &'a RateLimitInfo,
        /// Zoom's `code` from an error body, if there was one.
        zoom_code: Option<i64>,
        /// Zoom's `message` from an error body, if there was one.
        message: Option<&'a str>,
    },
    /// No answer.
    Transport(TransportErrorKind),
}

impl<'a> Outcome<'a> {
    /// The outcome of an attempt Zoom answered with an error.
    pub fn from_api_error(e: &'a ApiError) -> Self {
        Outcome::Response {
            status: e.status,
            rate_limit: &e.rate_limit,
            zoom_code: e.code,
            message: e.message.as_deref(),
        }
    }
}

/// The call being retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallState {
    /// Whether repeating the call cannot apply its effect twice
    /// ([`crate::Operation::is_idempotent`]).
    pub idempotent: bool,
    /// Attempts made so far, the failed one included (1 after the first).
    pub attempts: u32,
    /// When the first attempt was sent.
    pub started: Timestamp,
    /// A deadline the caller set for the whole call, if any.
    pub deadline: Option<Timestamp>,
}

impl CallState {
    /// A call's state after `attempts` attempts, the first sent at `started`.
    pub fn new(
        idempotent: bool,
        attempts: u32,
        started: Timestamp,
        deadline: Option<Timestamp>,
    ) -> Self {
        CallState {
            idempotent,
            attempts,
            started,
            deadline,
        }
    }
}

/// The verdict on one failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send the same request again at `at` (possibly `now`).
    Retry { at: Timestamp },
    /// Stop; the caller surfaces the attempt's own error (or the reason's).
    GiveUp(GiveUp),
}

/// Why no retry follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GiveUp {
    /// The attempt succeeded (2xx/3xx): nothing to retry.
    NotAFailure,
    /// Zoom's daily limit is spent; `reset_at` from `Retry-After`, else
    /// midnight UTC (Zoom's messages say requests resume at 00:00 GMT).
    DailyLimitExceeded { reset_at: Option<Timestamp> },
    /// 401: the access token was rejected (Zoom code 124 = invalid or
    /// expired token). The token lifecycle decides whether to refresh and resend.
    Unauthorized { zoom_code: Option<i64> },
    /// A 4xx (other than 401 and 429) or a permanent 5xx (501, 505): the same
    /// request would fail the same way.
    NotRetryable { status: u16 },
    /// The outcome is retryable only for idempotent calls, and this one
    /// (POST/PATCH) was not opted in.
    NonIdempotent,
    /// `max_attempts` reached.
    AttemptsExhausted,
    /// The next attempt would start after the call's deadline. `retry_at` is
    /// when it would have been (Zoom's `Retry-After`, or the backoff).
    DeadlineExceeded { retry_at: Timestamp },
}

/// A tiny deterministic PRNG (splitmix64) for backoff jitter. The host seeds
/// it (e.g. from its own random source once per client) so the core needs no
/// randomness of its own and tests can replay a schedule exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jitter {
    state: u64,
}

impl Jitter {
    pub fn new(seed: u64) -> Self {
        Jitter { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=max` (multiply-shift: no modulo bias worth the name).
    pub fn up_to(&mut self, max: u64) -> u64 {
        let span = u128::from(max) + 1;
        u64::try_from((u128::from(self.next_u64()) * span) >> 64).unwrap_or(max)
    }
}

impl RetryPolicy {
    /// The backoff cap before retry number `retry` (0 for the first retry):
    /// `min(max_delay, base_delay * 2^retry)`.
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_delay)
    }

    /// A full-jitter backoff before retry number `retry`: uniform in
    /// `[0, backoff_cap(retry)]`.
    pub fn backoff(&self, retry: u32, jitter: &mut Jitter) -> Duration {
        let cap = u64::try_from(self.backoff_cap(retry).as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(jitter.up_to(cap))
    }

    /// Decides what follows a failed attempt.
    pub fn decide(
        &self,
        call: &CallState,
        outcome: &Outcome<'_>,
        now: Timestamp,
        jitter: &mut Jitter,
    ) -> Decision {
        let may_repeat_write = call.idempotent || self.retry_non_idempotent;
        // When Zoom asked for a specific moment, honour it exactly.
        let mut requested: Option<Timestamp> = None;
        match *outcome {
            Outcome::Response {
                status,
                rate_limit,
                zoom_code,
                message,
            } => match status {
                0..=399 => return Decision::GiveUp(GiveUp::NotAFailure),
                429 => {
                    if rate_limit.is_daily() || message.is_some_and(says_daily_limit) {
                        let reset_at = rate_limit
                            .retry_after
                            .map(|r| r.resolve(now))
                            .or_else(|| crate::date::next_utc_midnight(now));
                        return Decision::GiveUp(GiveUp::DailyLimitExceeded { reset_at });
                    }
                    requested = rate_limit.retry_after.map(|r| r.resolve(now));
                }
                401 => return Decision::GiveUp(GiveUp::Unauthorized { zoom_code }),
                408 | 500 | 502..=504 | 506..=599 => {
                    if !may_repeat_write {
                        return Decision::GiveUp(GiveUp::NonIdempotent);
                    }
                    // A 503 may say when the service expects to be back.
                    requested = rate_limit.retry_after.map(|r| r.resolve(now));
                }
                _ => return Decision::GiveUp(GiveUp::NotRetryable { status }),
            },
            Outcome::Transport(TransportErrorKind::Connect) => {}
            Outcome::Transport(_) => {
                if !may_repeat_write {
                    return Decision::GiveUp(GiveUp::NonIdempotent);
                }
            }
        }
        if call.attempts >= self.max_attempts {
            return Decision::GiveUp(GiveUp::AttemptsExhausted);
        }
        let at = match requested {
            Some(t) => t.max(now),
            None => {
                let retry = call.attempts.saturating_sub(1);
                now.saturating_add(self.backoff(retry, jitter))
            }
        };
        let deadline = call.started.saturating_add(self.max_elapsed);
        let deadline = call.deadline.map_or(deadline, |d| d.min(deadline));
        if at > deadline {
            return Decision::GiveUp(GiveUp::DeadlineExceeded { retry_at: at });
        }
        Decision::Retry { at }
    }
}

/// Zoom's daily-limit 429s say so in the message ("You have exceeded the
/// daily rate limit ..."), even when `X-RateLimit-Type` is missing.
fn says_daily_limit(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("daily") && m.contains("limit")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_uniformish_and_bounded() {
        let mut j = Jitter::new(7);
        let mut hist = [0u32; 4];
        for _ in 0..4000 {
            let v = j.up_to(3);
            hist[usize::try_from(v).unwrap()] += 1;
        }
        assert!(hist.iter().all(|&n| (800..1200).contains(&n)), "{hist:?}");
        assert!(Jitter::new(1).up_to(u64::MAX) > 0);
        assert_eq!(Jitter::new(1).up_to(0), 0);
    }

    #[test]
    fn backoff_cap_doubles_then_saturates() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_cap(0), Duration::from_millis(500));
        assert_eq!(p.backoff_cap(3), Duration::from_secs(4));
        assert_eq!(p.backoff_cap(10), Duration::from_secs(30));
        assert_eq!(p.backoff_cap(u32::MAX), Duration::from_secs(30));
    }
}
