//! State shared by every worker of one Zoom account, kept in Redis: the
//! account's rate-limit budget (Zoom's limits belong to the account, not to
//! a process) and its tokens (one token request per expiry for the whole
//! fleet; a rotating refresh token renewed by exactly one worker).
//!
//! The core owns the Redis side as Lua scripts ([`scripts`]) with their keys
//! and arguments; a host only runs the [`SharedOp`] it is handed (`EVALSHA`,
//! falling back to `EVAL` on `NOSCRIPT`) within its timeout and reports the
//! [`SharedReply`]. Every decision (whether to wait, how long, whether a
//! token is fresh, whether the lock is ours) is made here, from the reply.
//!
//! Keys are `{prefix}:{{account}}:...`: the account in braces is a Redis
//! Cluster hash tag, so every key of one account lives in one slot and the
//! scripts stay atomic there too; several accounts share one Redis.
//!
//! **Slots on time.** The shared limiter spaces the fleet's slots
//! `per / (count * share)` apart, so a window of Zoom's holds at most the
//! plan's count while sends leave within `per * (1/share - 1)` of their
//! slots (52 ms at 0.95). A call that gets to its slot more than 20 ms late
//! gives it up once for a fresh one. So does one whose acquire answer was
//! held up on the way: the answer carries Redis's clock, and one that
//! reached the worker more than 20 ms behind the quickest answer (the two
//! clocks' skew plus the shortest trip) would otherwise put its slot that
//! far behind the grid, where the check at sending cannot see it.
//!
//! **Degraded mode.** When a shared operation fails or times out, the
//! session carries on alone: its turns of the fleet's slots (every
//! `workers`-th slot from its rank among the workers last seen, at 90 % of
//! the share: turns on one clock interleave, where independent limiters of
//! the same part collide), starting one window after the latest fleet slot
//! it holds, as the calls holding slots still send them; account and client
//! credential tokens fetched for itself; and a user's refresh token *not*
//! refreshed without the fleet's lock (the current access token is used
//! until it really expires, then calls wait for Redis) so no refresh token
//! is ever spent twice. It says so once, through the log events. Every
//! [`FleetConfig::probe`] it asks Redis again: a call waiting for its turn
//! wakes for the probe (the heartbeat alone), so a worker is back within a
//! probe of Redis whatever its turns.
//!
//! **Rejoining.** A Redis that comes back has usually lost its keys: its
//! bucket is fresh while the window still holds what every worker sent
//! alone. So a worker back in the fleet keeps to its turns as well as to
//! the shared limiter for one window (of each category) and one probe
//! period more, the time every other worker needs to notice Redis is back;
//! its turns and their count stay those of the outage meanwhile.

pub mod scripts;
pub mod shards;

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

use crate::catalog::RateLimitCategory;
use crate::date::Date;
use crate::time::Timestamp;

/// How a session joins the fleet of its account.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FleetConfig {
    /// First part of every key (default `zoom-phone`).
    pub prefix: String,
    /// The Zoom account whose budget and tokens are shared.
    pub account: String,
    /// Which token set of the account is shared (default `account`: the
    /// account's server-to-server token; name a user's for user tokens).
    pub tokens: String,
    /// The part of the plan's limits this fleet may use (default 0.9: the
    /// account's other apps keep the rest, and spacing stays clear of
    /// Zoom's window edges).
    pub share: f64,
    /// How long the token lock holds if its holder goes silent (a crash):
    /// then another worker takes over. Default 30 s.
    pub lease: Duration,
    /// The longest one shared operation may take before the session works
    /// alone (default 250 ms).
    pub timeout: Duration,
    /// How often a degraded session tries Redis again (default 500 ms: the
    /// last worker is back on the shared budget within a second of Redis;
    /// a probe of a dead Redis costs one call a failed connection, or
    /// `timeout` at most).
    pub probe: Duration,
}

impl FleetConfig {
    /// The defaults above for `account`; the `with_` methods change them
    /// (the session's configuration checks them).
    pub fn new(account: impl Into<String>) -> Self {
        FleetConfig {
            prefix: "zoom-phone".to_owned(),
            account: account.into(),
            tokens: "account".to_owned(),
            share: 0.9,
            lease: Duration::from_secs(30),
            timeout: Duration::from_millis(250),
            probe: Duration::from_millis(500),
        }
    }

    /// The first part of every key, so several applications (or test
    /// runs) keep apart on one Redis.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Share a user's token set under this name instead of the account's
    /// server-to-server token.
    #[must_use]
    pub fn with_tokens(mut self, tokens: impl Into<String>) -> Self {
        self.tokens = tokens.into();
        self
    }

    /// The part of the plan's limits this fleet may use (above 0, at most 1).
    #[must_use]
    pub fn with_share(mut self, share: f64) -> Self {
        self.share = share;
        self
    }

    /// How long the token lock outlives a silent holder.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The longest one shared operation may take before the session works
    /// alone.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How often a degraded session tries Redis again.
    #[must_use]
    pub fn with_probe(mut self, probe: Duration) -> Self {
        self.probe = probe;
        self
    }

    /// `{prefix}:{account}:rest` with the account as the hash tag.
    pub fn key(&self, rest: &str) -> String {
        format!("{}:{{{}}}:{rest}", self.prefix, self.account)
    }
}

/// One of the core's Lua scripts.
pub struct Script {
    pub name: &'static str,
    pub source: &'static str,
    sha1: OnceLock<String>,
}

impl Script {
    pub(crate) const fn new(name: &'static str, source: &'static str) -> Self {
        Script {
            name,
            source,
            sha1: OnceLock::new(),
        }
    }

    /// The script's SHA-1 as `EVALSHA` takes it (lowercase hex).
    pub fn sha1(&self) -> &str {
        self.sha1.get_or_init(|| {
            use sha1::Digest as _;
            let digest = sha1::Sha1::digest(self.source.as_bytes());
            crate::webhook::hex::encode(&digest)
        })
    }
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script").field("name", &self.name).finish()
    }
}

/// A script to run in Redis: `EVALSHA script.sha1() keys.len() keys.. args..`
/// (or `EVAL script.source ...` after `NOSCRIPT`), within `timeout`.
#[derive(Clone)]
#[non_exhaustive]
pub struct SharedOp {
    pub script: &'static Script,
    pub keys: Vec<String>,
    /// May hold a token set (the write): never log them.
    pub args: Vec<String>,
    pub timeout: Duration,
    /// Part of a token renewal: complete it even if the call is abandoned.
    pub detached: bool,
}

impl fmt::Debug for SharedOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedOp")
            .field("script", &self.script.name)
            .field("keys", &self.keys)
            .field("args", &self.args.len())
            .field("timeout", &self.timeout)
            .field("detached", &self.detached)
            .finish()
    }
}

impl SharedOp {
    /// As bindings pass it: `{script, sha1, source, keys, args, timeout_ms, detached}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "script": self.script.name,
            "sha1": self.script.sha1(),
            "source": self.script.source,
            "keys": self.keys,
            "args": self.args,
            "timeout_ms": u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
            "detached": self.detached,
        })
    }
}

/// What a script answered, as RESP carries it.
#[derive(Clone, PartialEq, Eq)]
pub enum SharedReply {
    Nil,
    Int(i64),
    /// A bulk or status string (may hold a token set: never log it).
    Text(String),
    List(Vec<SharedReply>),
}

impl fmt::Debug for SharedReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SharedReply::Nil => f.write_str("Nil"),
            SharedReply::Int(n) => write!(f, "Int({n})"),
            SharedReply::Text(t) => write!(f, "Text({} bytes)", t.len()),
            SharedReply::List(items) => f.debug_list().entries(items).finish(),
        }
    }
}

impl SharedReply {
    /// From the JSON bindings build (`null`, integers, strings, arrays).
    pub fn from_json(value: &Value) -> Result<SharedReply, String> {
        Ok(match value {
            Value::Null => SharedReply::Nil,
            Value::Bool(b) => SharedReply::Int(i64::from(*b)),
            Value::Number(n) => SharedReply::Int(
                n.as_i64()
                    .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                    .ok_or_else(|| format!("a Redis integer, not {n}"))?,
            ),
            Value::String(s) => SharedReply::Text(s.clone()),
            Value::Array(items) => SharedReply::List(
                items
                    .iter()
                    .map(SharedReply::from_json)
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(_) => return Err("a Redis reply is never an object".to_owned()),
        })
    }

    pub fn int(&self) -> Option<i64> {
        match self {
            SharedReply::Int(n) => Some(*n),
            SharedReply::Text(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            SharedReply::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn item(&self, i: usize) -> Option<&SharedReply> {
        match self {
            SharedReply::List(items) => items.get(i),
            _ => None,
        }
    }
}

/// The per-category key part.
pub(crate) fn category_key(category: RateLimitCategory) -> &'static str {
    match category {
        RateLimitCategory::Light => "light",
        RateLimitCategory::Medium => "medium",
        RateLimitCategory::Heavy => "heavy",
        RateLimitCategory::ResourceIntensive => "resource-intensive",
    }
}

/// Heavy and Resource-intensive calls share the daily quota.
pub(crate) fn shares_daily(category: RateLimitCategory) -> bool {
    matches!(
        category,
        RateLimitCategory::Heavy | RateLimitCategory::ResourceIntensive
    )
}

/// The key of the daily counter for the UTC day of `now`.
pub(crate) fn daily_key(config: &FleetConfig, now: Timestamp) -> String {
    let day = Date::of(now);
    config.key(&format!("daily:{day}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_share_one_hash_slot_per_account() {
        let c = FleetConfig::new("acct-1");
        assert_eq!(c.key("rl:light"), "zoom-phone:{acct-1}:rl:light");
        assert_eq!(
            daily_key(&c, Timestamp::from_millis(1_796_256_000_000)),
            "zoom-phone:{acct-1}:daily:2026-12-03"
        );
    }

    #[test]
    fn replies_read_from_json_and_hide_text() {
        let r = SharedReply::from_json(&serde_json::json!([1, "ok", null, ["x"]])).unwrap();
        assert_eq!(r.item(0).and_then(SharedReply::int), Some(1));
        assert_eq!(r.item(1).and_then(SharedReply::text), Some("ok"));
        assert!(!format!("{r:?}").contains("ok"));
        assert!(SharedReply::from_json(&serde_json::json!({})).is_err());
        assert_eq!(scripts::ACQUIRE.sha1().len(), 40);
    }
}
