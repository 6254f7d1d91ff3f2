//! Zoom's rate-limit headers as data. (Skeleton: owned by the rate-limit work,
//! which replaces it; `RateLimitInfo::from_headers` is the contract.)

use crate::catalog::RateLimitCategory;
use crate::time::Timestamp;

/// What the `X-RateLimit-*` and `Retry-After` headers of one response said.
/// Every field is optional: Zoom omits some of them at times.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RateLimitInfo {
    pub category: Option<RateLimitCategory>,
    pub limit_type: Option<LimitType>,
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub retry_after: Option<RetryAfter>,
}

/// `X-RateLimit-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum LimitType {
    /// Per-second limit: waiting briefly helps.
    Qps,
    /// Per-day limit: nothing helps until the reset.
    Daily,
}

/// `Retry-After`: seconds, an HTTP date or an ISO-8601 instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RetryAfter {
    Delay { millis: u64 },
    At(Timestamp),
}

impl RateLimitInfo {
    /// Reads the headers of one response; absent or unreadable headers stay `None`.
    pub fn from_headers(_headers: &http::HeaderMap) -> Self {
        RateLimitInfo::default()
    }
}
