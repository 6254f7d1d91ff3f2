//! The driver's side of a fleet: the shared limiter before each attempt,
//! the fleet-wide pause after Zoom's 429, the token store kept in Redis,
//! and degraded mode when Redis is out of reach (see [`crate::fleet`]).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

use super::call::Phase;
use super::renewal::{Out, Renewal};
use super::{Action, Outcome, Session};
use crate::auth::TokenSet;
use crate::auth::lifecycle::{AfterReload, RenewalAction};
use crate::catalog::RateLimitCategory;
use crate::config::LogLevel;
use crate::error::Error;
use crate::fleet::{self, FleetConfig, SharedOp, SharedReply, scripts};
use crate::limiter::{PlanLimits, RateLimiter, Turns};
use crate::time::Timestamp;

/// The part of the fleet's share its workers use while they cannot
/// coordinate: their turns are on one clock, but clocks drift by a few
/// milliseconds and hosts send a little after their turn.
const DEGRADED_MARGIN: f64 = 0.9;

/// How long the quickest answer of Redis counts as the measure of the
/// others (two of these: the smallest of the last 10 to 20 s).
const CLOCK_BUCKET: Duration = Duration::from_secs(10);

/// An answer behind the quickest by more than this was not held up on the
/// way: a clock was set. It becomes the new measure.
const CLOCK_STEP: Duration = Duration::from_secs(1);

/// How late Redis's answers reach this worker. Each acquire answer carries
/// Redis's clock; the smallest difference between the worker's clock and
/// it (their skew plus the quickest trip back) belongs to an answer that
/// came at once. One behind that by more than a late slot was held up on
/// the way (a busy event loop, a descheduled thread): a slot counted from
/// when it arrived would go out that much behind the fleet's grid, bunched
/// with the slots reserved after it, where the late-slot check at sending
/// time cannot see it.
struct ReplyClock {
    current: Option<i64>,
    previous: Option<i64>,
    since: Timestamp,
}

impl ReplyClock {
    /// How far behind the quickest answer one that ran at Redis's
    /// `clock_ms` arrived at `now`.
    fn late_by(&mut self, clock_ms: u64, now: Timestamp) -> Duration {
        let sample = now.as_millis() as i64 - clock_ms as i64;
        if now >= self.since.saturating_add(CLOCK_BUCKET) {
            self.previous = self.current.take();
            self.since = now;
        }
        let best = match (self.current, self.previous) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let late = Duration::from_millis(best.map_or(0, |b| (sample - b).max(0)) as u64);
        if late > CLOCK_STEP {
            *self = ReplyClock {
                current: Some(sample),
                previous: None,
                since: now,
            };
            return Duration::ZERO;
        }
        self.current = Some(self.current.map_or(sample, |c| c.min(sample)));
        late
    }
}

/// What a shared operation of a call (outside a renewal) is for.
pub(super) enum Purpose {
    Acquire,
    /// A degraded worker asking whether Redis is back (the heartbeat only).
    Probe,
    /// Telling the fleet about Zoom's 429; then the call waits for its retry.
    Pause,
    /// Telling the fleet the daily quota is spent; then the call ends with `error`.
    Block(Box<Error>),
}

/// A session's membership of its fleet.
pub(super) struct FleetState {
    pub(super) config: FleetConfig,
    /// This worker's name in the heartbeat and the lock.
    worker: String,
    /// The plan the fleet's budget comes from (no shared limiter without one).
    plan: Option<PlanLimits>,
    /// Workers seen at the last heartbeat, and how many of them have a
    /// smaller id: this worker's turn among them when Redis is gone.
    workers: u32,
    rank: u32,
    /// The latest fleet slot this worker was granted, per category, and
    /// how far ahead of its grant it was (the fleet's queue of reserved
    /// slots): the fleet's sends reach that far past an outage's start.
    reserved_until: BTreeMap<RateLimitCategory, (Timestamp, Duration)>,
    /// Redis is out of reach: the in-process limiter (this worker's part of
    /// the budget) and when to try Redis again.
    degraded: Option<(Timestamp, Option<RateLimiter>)>,
    /// Back from an outage: since when, and the limiter of the worker's own
    /// part it keeps to as well for a while (see [`FleetState::holds`]).
    held: Option<(Timestamp, RateLimiter)>,
    /// The outage was already reported.
    warned: bool,
    clock: ReplyClock,
}

impl FleetState {
    /// The in-process limiter of degraded mode.
    pub(super) fn local_limiter(&mut self) -> Option<&mut RateLimiter> {
        self.degraded.as_mut().and_then(|(_, l)| l.as_mut())
    }

    pub(super) fn new(config: FleetConfig, plan: Option<PlanLimits>, seed: u64) -> Self {
        FleetState {
            config,
            worker: format!("w{seed:016x}"),
            plan,
            workers: 1,
            rank: 0,
            reserved_until: BTreeMap::new(),
            degraded: None,
            held: None,
            warned: false,
            clock: ReplyClock {
                current: None,
                previous: None,
                since: Timestamp::UNIX_EPOCH,
            },
        }
    }

    /// The limiter of the worker's own part while it is held to it.
    pub(super) fn held_limiter(&mut self) -> Option<&mut RateLimiter> {
        self.held.as_mut().map(|(_, l)| l)
    }

    /// Whether a worker back from an outage still keeps to its own part
    /// for `category`, besides the shared limiter. Redis comes back empty:
    /// its bucket knows nothing of what the workers sent alone, so a window
    /// that saw those sends must not also get the fleet's full rate. That
    /// is one window from this worker's last send alone (its rejoin), plus
    /// one probe period: by then every other worker has tried Redis again
    /// and stopped sending where the bucket cannot see it.
    pub(super) fn holds(&mut self, category: RateLimitCategory, now: Timestamp) -> bool {
        let (Some((since, _)), Some(plan)) = (&self.held, &self.plan) else {
            return false;
        };
        let over = |per: Duration| since.saturating_add(per).saturating_add(self.config.probe);
        if now >= over(plan.rate(category).per) {
            if RateLimitCategory::ALL
                .iter()
                .all(|&c| now >= over(plan.rate(c).per))
            {
                self.held = None;
            }
            return false;
        }
        true
    }

    /// When a degraded worker next asks Redis (`None`: it is not degraded).
    pub(super) fn probe_at(&self) -> Option<Timestamp> {
        self.degraded.as_ref().map(|(retry_at, _)| *retry_at)
    }

    /// The acquire script for a slot of `category` (or, `probe`, for the
    /// heartbeat alone).
    fn acquire_op(
        &self,
        plan: &PlanLimits,
        category: RateLimitCategory,
        max_wait_ms: u64,
        probe: bool,
        now: Timestamp,
    ) -> Action {
        let rate = plan.rate(category);
        let per_us = rate.per.as_micros() as f64;
        let interval = per_us / (f64::from(rate.count.get()) * self.config.share);
        let daily = if fleet::shares_daily(category) {
            plan.heavy_daily.unwrap_or(0)
        } else {
            0
        };
        let cat = fleet::category_key(category);
        let keys = vec![
            self.config.key(&format!("rl:{cat}")),
            self.config.key(&format!("pause:{cat}")),
            fleet::daily_key(&self.config, now),
            self.config.key("daily-block"),
            self.config.key("workers"),
        ];
        let args = vec![
            format!("{interval:.0}"),
            max_wait_ms.to_string(),
            daily.to_string(),
            self.worker.clone(),
            "10000".to_owned(),
            if probe { "probe" } else { "" }.to_owned(),
        ];
        self.op(&scripts::ACQUIRE, keys, args, false)
    }

    pub(super) fn online(&self, now: Timestamp) -> bool {
        self.degraded
            .as_ref()
            .is_none_or(|(retry_at, _)| now >= *retry_at)
    }

    fn op(
        &self,
        script: &'static fleet::Script,
        keys: Vec<String>,
        args: Vec<String>,
        detached: bool,
    ) -> Action {
        Action::Shared(SharedOp {
            script,
            keys,
            args,
            timeout: self.config.timeout,
            detached,
        })
    }

    fn token_key(&self, part: &str) -> String {
        self.config
            .key(&format!("tokens:{}:{part}", self.config.tokens))
    }

    pub(super) fn lock_owner(&self, fence: i64) -> String {
        format!("{}:{fence}", self.worker)
    }
}

impl Session {
    /// Whether a rejoined worker still keeps to its own part for `category`.
    pub(super) fn fleet_holds(&mut self, category: RateLimitCategory, now: Timestamp) -> bool {
        self.fleet.as_mut().is_some_and(|f| f.holds(category, now))
    }

    /// Whether the shared limiter decides this call's slot.
    pub(super) fn fleet_limits(&self) -> bool {
        self.fleet.as_ref().is_some_and(|f| f.plan.is_some())
    }

    /// The in-process limiter in force: the fleet's degraded one, else the
    /// session's own.
    pub(super) fn local_limiter(&mut self) -> Option<&mut RateLimiter> {
        match &mut self.fleet {
            Some(f) => f.local_limiter(),
            None => self.limiter.as_mut(),
        }
    }

    /// Asks the fleet for a slot of call `id`'s category.
    pub(super) fn fleet_acquire(&mut self, id: u64, now: Timestamp) -> Option<Action> {
        let fleet = self.fleet.as_ref()?;
        let plan = fleet.plan.as_ref()?;
        if !fleet.online(now) {
            return None;
        }
        let c = self.calls.get_mut(&id)?;
        let max_wait = c.deadline.map_or(600_000, |d| {
            d.saturating_duration_since(now).as_millis() as u64
        });
        let action = fleet.acquire_op(plan, c.category(), max_wait, false, now);
        c.phase = Phase::Sharing(Purpose::Acquire);
        Some(action)
    }

    /// Asks Redis, for call `id` waiting for its degraded turn, whether it
    /// is back: the heartbeat alone, no slot (the call keeps its turn).
    pub(super) fn fleet_probe(&mut self, id: u64, now: Timestamp) -> Option<Action> {
        let fleet = self.fleet.as_ref()?;
        let plan = fleet.plan.as_ref()?;
        let c = self.calls.get_mut(&id)?;
        let action = fleet.acquire_op(plan, c.category(), 0, true, now);
        c.phase = Phase::Sharing(Purpose::Probe);
        Some(action)
    }

    /// Tells the fleet to hold `category` for `wait` (Zoom's 429).
    pub(super) fn fleet_pause(
        &mut self,
        id: u64,
        category: RateLimitCategory,
        wait: Duration,
        now: Timestamp,
    ) -> Option<Action> {
        let fleet = self.fleet.as_ref()?;
        if !fleet.online(now) || fleet.plan.is_none() {
            return None;
        }
        let key = fleet
            .config
            .key(&format!("pause:{}", fleet::category_key(category)));
        let action = fleet.op(
            &scripts::PAUSE,
            vec![key],
            vec![wait.as_millis().to_string()],
            false,
        );
        self.calls.get_mut(&id)?.phase = Phase::Sharing(Purpose::Pause);
        Some(action)
    }

    /// Tells the fleet the daily quota is spent until `reset_at`; the call
    /// then ends with `error`.
    pub(super) fn fleet_block(
        &mut self,
        id: u64,
        reset_at: Timestamp,
        error: Error,
        now: Timestamp,
    ) -> Result<Action, Error> {
        let Some(fleet) = self
            .fleet
            .as_ref()
            .filter(|f| f.online(now) && f.plan.is_some())
        else {
            return Err(error);
        };
        let action = fleet.op(
            &scripts::BLOCK_DAILY,
            vec![fleet.config.key("daily-block")],
            vec![reset_at.as_millis().to_string()],
            false,
        );
        match self.calls.get_mut(&id) {
            Some(c) => {
                c.phase = Phase::Sharing(Purpose::Block(Box::new(error)));
                Ok(action)
            }
            None => Err(error),
        }
    }

    /// The answer to a call's shared operation (not a renewal's).
    pub(super) fn sharing_outcome(
        &mut self,
        id: u64,
        purpose: Purpose,
        outcome: Outcome,
        now: Timestamp,
    ) -> Action {
        let reply = match outcome {
            Outcome::Shared(reply) => reply,
            other => {
                let problem = format!("{other:?} does not answer a shared operation");
                return self.finish(id, Err(Error::internal(problem)));
            }
        };
        match purpose {
            Purpose::Acquire => self.acquired(id, reply, now),
            Purpose::Probe => {
                match reply.and_then(|r| heartbeat(&r)) {
                    Ok(beat) => {
                        self.reply_late_by(&beat, now);
                        self.rejoin(beat.workers, beat.rank, now);
                    }
                    Err(e) => self.degrade(&e, now),
                }
                self.advance(id, now)
            }
            Purpose::Pause => {
                if let Err(e) = reply {
                    self.degrade(&e, now);
                }
                self.advance(id, now)
            }
            Purpose::Block(error) => {
                if let Err(e) = reply {
                    self.degrade(&e, now);
                }
                self.finish(id, Err(*error))
            }
        }
    }

    fn acquired(&mut self, id: u64, reply: Result<SharedReply, String>, now: Timestamp) -> Action {
        let beat = match reply.and_then(|r| heartbeat(&r)) {
            Ok(beat) => beat,
            Err(e) => {
                self.degrade(&e, now);
                return self.advance(id, now);
            }
        };
        let late = self.reply_late_by(&beat, now);
        let Beat {
            granted,
            wait_ms,
            reason,
            workers,
            rank,
            ..
        } = beat;
        let was_degraded = self.fleet.as_ref().is_some_and(|f| f.degraded.is_some());
        self.rejoin(workers, rank, now);
        let Some(c) = self.calls.get_mut(&id) else {
            return Action::Done(Err(Error::internal("call vanished")));
        };
        let at = now.saturating_add(Duration::from_millis(wait_ms));
        if granted && was_degraded {
            // Redis is back, empty: its slot knows nothing of what the
            // workers sent alone. The call takes its turn first (the worker
            // keeps to its turns a while, see `FleetState::holds`).
            return self.advance(id, now);
        } else if granted {
            let category = c.category();
            // The slot is for when Redis meant it: an answer held up on the
            // way leaves it late (given up at sending), never early.
            c.hold_slot(Timestamp::from_millis(
                at.as_millis().saturating_sub(late.as_millis() as u64),
            ));
            if wait_ms > 0 {
                c.not_before = Some(at);
            }
            if let Some(f) = self.fleet.as_mut() {
                f.reserved_until
                    .insert(category, (at, Duration::from_millis(wait_ms)));
            }
        } else if reason == "daily" {
            return self.finish(
                id,
                Err(Error::DailyLimitExceeded {
                    reset_at: Some(at),
                    api: None,
                }),
            );
        } else if c.deadline.is_some_and(|d| at >= d) {
            let err = c.last_error.take().unwrap_or(Error::Timeout);
            return self.finish(id, Err(err));
        } else {
            c.not_before = Some(at);
        }
        if wait_ms > 0 && self.log.wants(LogLevel::Info) {
            let category = self.calls.get(&id).map(|c| c.category().as_str());
            self.log.push(
                LogLevel::Info,
                "rate_limit.wait",
                format!("waiting {wait_ms} ms for the fleet's rate-limit slot ({reason})"),
                [
                    ("call", json!(id)),
                    ("category", json!(category)),
                    ("wait_ms", json!(wait_ms)),
                    ("reason", json!(reason)),
                    ("workers", json!(workers)),
                ],
            );
        }
        self.advance(id, now)
    }

    /// How late an acquire answer arrived (nothing known without Redis's clock).
    fn reply_late_by(&mut self, beat: &Beat, now: Timestamp) -> Duration {
        match (self.fleet.as_mut(), beat.clock_ms) {
            (Some(f), Some(clock_ms)) => f.clock.late_by(clock_ms, now),
            _ => Duration::ZERO,
        }
    }

    /// Redis did not answer: work alone until the next probe.
    pub(super) fn degrade(&mut self, problem: &str, now: Timestamp) {
        let Some(fleet) = self.fleet.as_mut() else {
            return;
        };
        let retry_at = now.saturating_add(fleet.config.probe);
        // Gone again soon after a rejoin: the part it still keeps to knows
        // this worker's latest sends.
        let limiter = match (fleet.degraded.take(), fleet.held.take()) {
            (Some((_, limiter)), _) => limiter,
            (None, Some((_, limiter))) => Some(limiter),
            (None, None) => fleet.plan.as_ref().map(|plan| {
                // Every worker loses Redis at about the same moment: each
                // takes its own turns of the fleet's slots, so that they
                // interleave rather than land together window after window.
                let turns = Turns::new(
                    fleet.rank,
                    fleet.workers,
                    fleet.config.share * DEGRADED_MARGIN,
                );
                let mut limiter = RateLimiter::in_turns(plan.clone(), turns);
                // The fleet's slots reserved before the outage are still
                // sent by the calls holding them, every worker's: as far
                // ahead as the queue this worker last saw, from now (others
                // reserved after its last grant). The turns start one
                // window after them, not on top of them.
                for category in RateLimitCategory::ALL {
                    let from = fleet
                        .reserved_until
                        .get(&category)
                        .map_or(now, |&(at, ahead)| at.max(now.saturating_add(ahead)));
                    limiter.pause(category, from.saturating_add(plan.rate(category).per));
                }
                limiter
            }),
        };
        fleet.degraded = Some((retry_at, limiter));
        if !fleet.warned {
            fleet.warned = true;
            let (workers, turn) = (fleet.workers, fleet.rank + 1);
            self.log.push(
                LogLevel::Warn,
                "fleet.degraded",
                format!(
                    "the fleet's shared state is out of reach ({problem}); going on alone in \
                     turn {turn} of {workers} of the budget, with this process's tokens"
                ),
                [
                    ("reason", json!(problem)),
                    ("workers", json!(workers)),
                    ("turn", json!(turn)),
                ],
            );
        }
    }

    fn rejoin(&mut self, workers: u32, rank: u32, now: Timestamp) {
        let Some(fleet) = self.fleet.as_mut() else {
            return;
        };
        // A Redis back from an outage counts only the workers that have
        // asked it since: the turns of the outage hold until every worker
        // is back (another outage then reuses them).
        if fleet.degraded.is_none() && fleet.held.is_none() {
            fleet.workers = workers;
            fleet.rank = rank;
        }
        if let Some((_, limiter)) = fleet.degraded.take() {
            fleet.held = limiter.map(|l| (now, l));
            fleet.warned = false;
            self.log.push(
                LogLevel::Info,
                "fleet.rejoined",
                "the fleet's shared state is back".to_owned(),
                [("workers", json!(workers))],
            );
        }
    }

    // ------------------------------------------------------------ tokens

    /// The store action a renewal step needs, as a shared operation when
    /// the tokens live with the fleet.
    pub(super) fn store_action(
        &self,
        out: Out,
        r: &Renewal,
        expires_at: Option<Timestamp>,
        tokens: Option<TokenSet>,
    ) -> Action {
        let Some(fleet) = &self.fleet else {
            return match out {
                Out::Lock => Action::LockStore { expires_at },
                Out::Read | Out::Peek => Action::ReadStore { expires_at },
                Out::Write => match tokens {
                    Some(tokens) => Action::WriteStore { tokens, expires_at },
                    None => Action::Done(Err(Error::internal("a write without tokens"))),
                },
                _ => Action::UnlockStore,
            };
        };
        let fence = r.fence.unwrap_or(0);
        match out {
            Out::Lock => fleet.op(
                &scripts::LOCK,
                vec![fleet.token_key("lock"), fleet.token_key("fence")],
                vec![
                    fleet.worker.clone(),
                    fleet.config.lease.as_millis().to_string(),
                ],
                true,
            ),
            Out::Read | Out::Peek => fleet.op(
                &scripts::READ,
                vec![fleet.token_key("set")],
                Vec::new(),
                true,
            ),
            Out::Write => {
                let json = tokens.map(|t| String::from_utf8_lossy(&t.to_store_json()).into_owned());
                fleet.op(
                    &scripts::WRITE,
                    vec![fleet.token_key("set"), fleet.token_key("fence")],
                    vec![fence.to_string(), json.unwrap_or_default()],
                    true,
                )
            }
            _ => fleet.op(
                &scripts::UNLOCK,
                vec![fleet.token_key("lock")],
                vec![fleet.lock_owner(fence)],
                true,
            ),
        }
    }

    /// The read of the session's first use, from the fleet.
    pub(super) fn fleet_first_read(&self, expires_at: Option<Timestamp>) -> Option<Action> {
        let fleet = self.fleet.as_ref()?;
        let _ = expires_at;
        Some(fleet.op(
            &scripts::READ,
            vec![fleet.token_key("set")],
            Vec::new(),
            true,
        ))
    }

    /// A fleet reply in the host outcome it stands for; `Err` when Redis is
    /// out of reach (the caller degrades), or `Held(ms)` when another
    /// worker holds the lock.
    pub(super) fn translate(
        &mut self,
        out: Out,
        r: &mut Renewal,
        reply: Result<SharedReply, String>,
    ) -> Translated {
        let reply = match reply {
            Ok(reply) => reply,
            Err(e) => return Translated::Offline(e),
        };
        match out {
            Out::Lock => match (
                reply.item(0).and_then(SharedReply::int),
                reply.item(1).and_then(SharedReply::int),
            ) {
                (Some(1), Some(fence)) => {
                    r.fence = Some(fence);
                    Translated::Outcome(Outcome::Locked)
                }
                (Some(0), Some(ttl)) => Translated::Held(ttl.max(0) as u64),
                _ => Translated::Offline(format!("the lock script answered {reply:?}")),
            },
            Out::Read | Out::Peek => match reply {
                SharedReply::Nil => Translated::Outcome(Outcome::Stored(None)),
                SharedReply::Text(json) => match TokenSet::from_store_json(json.as_bytes()) {
                    Ok(t) => Translated::Outcome(Outcome::Stored(Some(t))),
                    Err(e) => Translated::Outcome(Outcome::StoreFailed(format!(
                        "the fleet's token set cannot be read: {e}"
                    ))),
                },
                other => Translated::Offline(format!("the read script answered {other:?}")),
            },
            Out::Write => {
                if reply.int() == Some(0) {
                    self.log.push(
                        LogLevel::Warn,
                        "fleet.lease_lost",
                        "another worker took the token lock before this one saved its tokens; \
                         they are kept in this process only"
                            .to_owned(),
                        [],
                    );
                }
                Translated::Outcome(Outcome::Written)
            }
            _ => Translated::Outcome(Outcome::Unlocked),
        }
    }

    /// The renewal goes on without Redis: account and client credential
    /// tokens are fetched for this process; a refresh token is not spent
    /// without the fleet's lock, the current token is used until it expires.
    pub(super) fn renew_alone(&mut self, id: u64, mut r: Renewal, now: Timestamp) -> Action {
        r.locked = false;
        if self.token_request_idempotent {
            return match self.lifecycle.stored(r.id, None, now) {
                Ok(AfterReload::Renew(RenewalAction::Send(request))) => {
                    r.request = Some(*request);
                    r.sends = 0;
                    self.send_token(id, r, now)
                }
                Ok(_) => {
                    self.wake = true;
                    self.end_renewal(id, r, Ok(()), now)
                }
                Err(e) => {
                    self.wake = true;
                    self.end_renewal(id, r, Err(e.into()), now)
                }
            };
        }
        let probe = self
            .fleet
            .as_ref()
            .map_or(Duration::from_secs(1), |f| f.config.probe);
        self.lifecycle.hold(r.id, now.saturating_add(probe));
        self.wake = true;
        self.end_renewal(id, r, Ok(()), now)
    }
}

/// The acquire script's answer.
struct Beat {
    granted: bool,
    wait_ms: u64,
    reason: String,
    workers: u32,
    rank: u32,
    /// Redis's clock when the script ran (a reply written without it, a
    /// test's, says nothing of how late it came).
    clock_ms: Option<u64>,
}

fn heartbeat(r: &SharedReply) -> Result<Beat, String> {
    let int = |i| r.item(i).and_then(SharedReply::int);
    let count = |i| int(i).map(|n| u32::try_from(n.max(0)).unwrap_or(u32::MAX));
    let reason = r.item(2).and_then(SharedReply::text);
    match (int(0), int(1), reason, count(3), count(4)) {
        (Some(g), Some(w), Some(reason), Some(workers), Some(rank)) => Ok(Beat {
            granted: g == 1,
            wait_ms: w.max(0) as u64,
            reason: reason.to_owned(),
            workers: workers.max(1),
            rank,
            clock_ms: int(5).and_then(|c| u64::try_from(c).ok()),
        }),
        _ => Err(format!("the acquire script answered {r:?}")),
    }
}

/// A fleet reply read for a renewal step.
pub(super) enum Translated {
    Outcome(Outcome),
    /// Another worker holds the lock for this long at most.
    Held(u64),
    Offline(String),
}
